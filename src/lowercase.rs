//! Lowercasing without the Unicode tables for the text nearly every
//! notice is written in: one leaf helper that the parsers and the schema
//! both use (kept out of `schema` so that `parse` does not reach forward
//! into it).

/// Calls `f` with `text.to_lowercase()`, built in a buffer kept per thread.
/// Lowercasing char by char is `str::to_lowercase` except for a capital
/// sigma, which depends on its neighbours: such a text takes the library
/// function.
pub fn with_lowercase<R>(text: &str, f: impl FnOnce(&str) -> R) -> R {
    use std::cell::RefCell;
    thread_local! {
        static BUF: RefCell<String> = const { RefCell::new(String::new()) };
    }
    let bytes = text.as_bytes();
    // The highest byte tells a text of ASCII and U+0080..=U+00FF (lead
    // bytes 0xC2 and 0xC3; below 0xC4) from others, and rules out a sigma
    // (0xCE 0xA3) without a substring search.
    let top = bytes.iter().fold(0, |top, &b| top.max(b));
    if top >= 0xc4 && text.contains('\u{3a3}') {
        return f(&text.to_lowercase());
    }
    BUF.with(|buf| {
        // A re-entrant call (none today) gets a buffer of its own.
        let Ok(mut buf) = buf.try_borrow_mut() else {
            return f(&text.to_lowercase());
        };
        buf.clear();
        // Only ASCII and U+0080..=U+00FF, as in nearly all Finnish and
        // English text: lowercased by bytes, without the Unicode tables
        // (`char::to_lowercase` searched them for every ä and ö).
        if top < 0xc4 {
            let mut lower = std::mem::take(&mut *buf).into_bytes();
            lower.extend_from_slice(bytes);
            lower.make_ascii_lowercase();
            if top == 0xc3 {
                lowercase_latin1_capitals(&mut lower);
            }
            *buf = String::from_utf8(lower).expect("lowercasing keeps UTF-8");
        } else {
            for c in text.chars() {
                if c.is_ascii() {
                    buf.push(c.to_ascii_lowercase());
                } else {
                    buf.extend(c.to_lowercase());
                }
            }
        }
        f(&buf)
    })
}

/// Lowercases the capitals U+00C0..=U+00DE (but U+00D7, the multiplication
/// sign) in UTF-8 `text`: they are 0xC3 0x80..=0x9E and their small letters
/// are 0x20 code points (one second byte) on. Every other character of
/// U+0080..=U+00FF is its own lowercase.
fn lowercase_latin1_capitals(text: &mut [u8]) {
    let mut after_c3 = false;
    for b in text {
        let capital = after_c3 & (b.wrapping_sub(0x80) <= 0x1e) & (*b != 0x97);
        after_c3 = *b == 0xc3;
        *b += u8::from(capital) * 0x20;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_buffer_is_to_lowercase() {
        for t in [
            "ABC",
            "Äiti ÖLJY",
            "ΣΑΣ ΟΔΟΣ",
            "İstanbul",
            "ǅ",
            "",
            "x\u{301}Y",
        ] {
            assert_eq!(
                with_lowercase(t, |l| l.to_string()),
                t.to_lowercase(),
                "{t}"
            );
        }
    }

    /// The byte-level lowercasing of [`with_lowercase`] is
    /// `str::to_lowercase` for every character up to U+024F and random
    /// texts of them, with and without wider characters.
    #[test]
    fn lowercase_by_bytes_is_to_lowercase() {
        let all: Vec<char> = (0..0x250u32).filter_map(char::from_u32).collect();
        for &c in &all {
            let t = format!("a{c}B{c}");
            assert_eq!(
                with_lowercase(&t, |l| l.to_string()),
                t.to_lowercase(),
                "{c:?}"
            );
        }
        let mut next = crate::xorshift(0x10_3e5);
        for round in 0..2000u32 {
            let len = (next() % 24) as usize;
            let mut t: String = (0..len)
                .map(|_| {
                    let r = next() as usize;
                    if r.is_multiple_of(3) {
                        "ÄÖÅäöå ×ßÞ"[..].chars().nth(r / 3 % 10).unwrap()
                    } else {
                        all[r / 3 % all.len()]
                    }
                })
                .collect();
            if round.is_multiple_of(2) {
                t = t.replace('\u{3a3}', "S");
            }
            assert_eq!(
                with_lowercase(&t, |l| l.to_string()),
                t.to_lowercase(),
                "{t:?}"
            );
        }
    }
}

//! Inline HTML inside text and Markdown: the 2018 template's export carries
//! `<p>`, `<ul style=...>` and `<br>` inside its table cells. This strips the
//! tags, decodes entities and turns block-level tags into line breaks, keeping
//! a byte-exact map to the source.

use std::ops::Range;

use crate::textmap::MappedText;

/// Tags that separate blocks of text: they become a newline.
fn is_block_tag(name: &str) -> bool {
    matches!(
        name,
        "p" | "br"
            | "li"
            | "ul"
            | "ol"
            | "div"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "dt"
            | "dd"
            | "dl"
            | "section"
            | "article"
            | "blockquote"
            | "hr"
    )
}

/// Decodes the entity that starts at `s[0] == '&'`; returns the text and the
/// number of source bytes consumed.
pub fn decode_entity(s: &str) -> Option<(String, usize)> {
    let b = s.as_bytes();
    if b.len() < 3 || b[0] != b'&' {
        return None;
    }
    if b[1] == b'#' {
        let (hex, start) = if b.get(2).is_some_and(|c| *c == b'x' || *c == b'X') {
            (true, 3)
        } else {
            (false, 2)
        };
        let digits = s[start..]
            .bytes()
            .take_while(|c| {
                if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                }
            })
            .count();
        if digits == 0 || digits > 8 {
            return None;
        }
        let num = u32::from_str_radix(&s[start..start + digits], if hex { 16 } else { 10 }).ok()?;
        let mut end = start + digits;
        if b.get(end) == Some(&b';') {
            end += 1;
        }
        let c = match num {
            0x80..=0x9f => windows_1252_c1(num),
            _ => char::from_u32(num).unwrap_or('\u{fffd}'),
        };
        return Some((c.to_string(), end));
    }
    let name_len = s[1..]
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if name_len == 0 || name_len > 10 {
        return None;
    }
    let name = &s[1..1 + name_len];
    let has_semi = b.get(1 + name_len) == Some(&b';');
    let text = named_entity(name)?;
    // Without `;` only the legacy Latin-1 names are accepted, as browsers do.
    if !has_semi && !is_legacy_name(name) {
        return None;
    }
    Some((text.to_string(), 1 + name_len + usize::from(has_semi)))
}

fn windows_1252_c1(n: u32) -> char {
    let bytes = [n as u8];
    let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
    s.chars().next().unwrap_or('\u{fffd}')
}

fn is_legacy_name(name: &str) -> bool {
    matches!(
        name,
        "auml"
            | "Auml"
            | "ouml"
            | "Ouml"
            | "aring"
            | "Aring"
            | "uuml"
            | "Uuml"
            | "eacute"
            | "Eacute"
            | "nbsp"
            | "amp"
            | "lt"
            | "gt"
            | "quot"
            | "copy"
            | "shy"
            | "sect"
    )
}

/// The named entities seen in Finnish, Swedish and English notices. The HTML
/// parser uses html5gum's full table; this covers inline fragments.
pub fn named_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "auml" => "ä",
        "Auml" => "Ä",
        "ouml" => "ö",
        "Ouml" => "Ö",
        "aring" => "å",
        "Aring" => "Å",
        "uuml" => "ü",
        "Uuml" => "Ü",
        "eacute" => "é",
        "Eacute" => "É",
        "egrave" => "è",
        "aacute" => "á",
        "oslash" => "ø",
        "aelig" => "æ",
        "scaron" => "š",
        "Scaron" => "Š",
        "zcaron" => "ž",
        "Zcaron" => "Ž",
        "nbsp" => "\u{a0}",
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "shy" => "\u{ad}",
        "ndash" => "–",
        "mdash" => "—",
        "hellip" => "…",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "sect" => "§",
        "euro" => "€",
        "bull" => "•",
        "middot" => "·",
        "laquo" => "«",
        "raquo" => "»",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "bdquo" => "„",
        "sbquo" => "‚",
        "zwj" => "\u{200d}",
        "zwnj" => "\u{200c}",
        "thinsp" => "\u{2009}",
        "ensp" => "\u{2002}",
        "emsp" => "\u{2003}",
        _ => return None,
    })
}

/// Converts `src[range]` (text with inline HTML) into mapped plain text.
pub fn strip_inline_html(src: &str, range: Range<usize>) -> MappedText {
    let mut out = MappedText::spare(range.len());
    let s = &src[range.clone()];
    let base = range.start;
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut run_start = 0;
    let flush = |out: &mut MappedText, from: usize, to: usize| {
        if to > from {
            out.push_verbatim(&s[from..to], base + from);
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                if let Some((len, name, is_comment)) = tag_at(&s[i..]) {
                    flush(&mut out, run_start, i);
                    if !is_comment
                        && is_block_tag(&name)
                        && !out.text.trim_end_matches([' ', '\t']).ends_with('\n')
                        && !out.is_empty()
                    {
                        out.push_atomic("\n", base + i..base + i + len);
                    }
                    i += len;
                    run_start = i;
                    continue;
                }
                i += 1;
            }
            b'&' => {
                if let Some((text, len)) = decode_entity(&s[i..]) {
                    flush(&mut out, run_start, i);
                    out.push_atomic(&text, base + i..base + i + len);
                    i += len;
                    run_start = i;
                    continue;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    flush(&mut out, run_start, bytes.len());
    out
}

/// If `s` starts with a tag or comment, returns its length, lowercase name and
/// whether it is a comment.
pub fn tag_at(s: &str) -> Option<(usize, String, bool)> {
    let b = s.as_bytes();
    if b.len() < 2 || b[0] != b'<' {
        return None;
    }
    if let Some(rest) = s.strip_prefix("<!--") {
        let end = rest.find("-->").map(|e| e + 7).unwrap_or(s.len());
        return Some((end, String::new(), true));
    }
    let mut j = 1;
    if b[j] == b'/' {
        j += 1;
    }
    if !b.get(j).is_some_and(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let name_start = j;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
        j += 1;
    }
    let name = s[name_start..j].to_ascii_lowercase();
    // Find the closing '>' outside quotes, within a sane distance.
    let mut quote = 0u8;
    while j < b.len() && j < 2000 {
        let c = b[j];
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'>' {
            return Some((j + 1, name, false));
        } else if c == b'<' || c == b'\n' && name.is_empty() {
            return None;
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_breaks_and_entities_decode() {
        let src = "x\t<p>Henkil&ouml;tiedot</p> <ul style=\"a\">- Nimi- Osoite";
        let start = 2;
        let m = strip_inline_html(src, start..src.len());
        assert_eq!(m.text, "Henkilötiedot\n - Nimi- Osoite");
        let p = m.text.find("ö").unwrap();
        assert_eq!(&src[m.source_range(p..p + 2)], "&ouml;");
        let n = m.text.find("Nimi").unwrap();
        assert_eq!(&src[m.source_range(n..n + 4)], "Nimi");
    }

    #[test]
    fn numeric_and_legacy_entities() {
        assert_eq!(decode_entity("&#228;x"), Some(("ä".into(), 6)));
        assert_eq!(decode_entity("&#x2014;"), Some(("—".into(), 8)));
        assert_eq!(decode_entity("&auml rest"), Some(("ä".into(), 5)));
        assert_eq!(decode_entity("&notanentity;"), None);
        assert_eq!(decode_entity("&#150;"), Some(("–".into(), 6)));
    }

    #[test]
    fn a_lone_angle_bracket_is_text() {
        let src = "ikä < 18 ja > 3";
        let m = strip_inline_html(src, 0..src.len());
        assert_eq!(m.text, src);
    }
}

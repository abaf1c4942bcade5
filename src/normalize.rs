//! Normalization for matching: Unicode NFC, soft hyphens and zero-width
//! characters removed, words split by a line-break hyphen joined, whitespace
//! folded to single spaces, case folded. The result keeps a map back to the
//! parsed text, which itself maps to the source, so a match in normalized
//! text lands on the exact source span.

use std::ops::Range;

use unicode_normalization::char::{compose, is_combining_mark};

use crate::textmap::MappedText;

/// Text prepared for matching, with its way back to the source.
#[derive(Debug, Clone, Default)]
pub struct NormText {
    /// Lowercase, NFC, single spaces.
    pub text: String,
    /// Maps `text` positions into `raw.text` positions.
    to_raw: MappedText,
    /// The parsed text (entities decoded, tags dropped) with its source map.
    pub raw: MappedText,
}

impl NormText {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Source range of a byte range of the normalized text.
    pub fn source_range(&self, r: Range<usize>) -> Range<usize> {
        let raw = self.to_raw.source_range(r);
        self.raw.source_range(raw)
    }

    /// The parsed (not case-folded) text for a normalized range: for quoting.
    pub fn raw_slice(&self, r: Range<usize>) -> &str {
        let raw = self.to_raw.source_range(r);
        &self.raw.text[raw]
    }

    pub fn full_source_range(&self) -> Option<Range<usize>> {
        self.raw.full_source_range()
    }
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{180e}'
    )
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'ä' | 'ö' | 'å')
}

/// Normalizes parsed text for matching.
pub fn normalize(raw: MappedText) -> NormText {
    let src = raw.text.as_str();
    let mut out = MappedText::with_capacity(src.len());
    let mut chars = src.char_indices().peekable();
    // Whether the last thing written was a space (or nothing yet).
    let mut at_space = true;
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if d.is_whitespace() || is_invisible(d) {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            if !at_space {
                out.push_atomic(" ", i..end);
                at_space = true;
            }
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        // Fast path: a run of ASCII that needs only lowercasing maps one to
        // one, so it goes in as one verbatim segment.
        if c.is_ascii() && c != '-' {
            let bytes = src.as_bytes();
            let mut end = i + 1;
            while end < bytes.len()
                && bytes[end] < 0x80
                && !bytes[end].is_ascii_whitespace()
                && bytes[end] != b'-'
            {
                end += 1;
            }
            // A combining mark after the run composes with its last letter.
            let mark_follows = src[end..]
                .chars()
                .next()
                .is_some_and(|d| (d as u32) >= 0x300 && is_combining_mark(d));
            let run_end = if mark_follows { end - 1 } else { end };
            if run_end > i {
                out.push_verbatim(&src[i..run_end].to_ascii_lowercase(), i);
                at_space = false;
                while chars.peek().is_some_and(|&(j, _)| j < run_end) {
                    chars.next();
                }
                continue;
            }
        }
        if c == '-' {
            let hyphen = line_break_hyphen(src, i, &out.text);
            if hyphen != Hyphen::Plain {
                if hyphen == Hyphen::Compound {
                    out.push_verbatim("-", i);
                }
                // Skip the line break after the hyphen.
                while let Some(&(_, d)) = chars.peek() {
                    if d.is_whitespace() {
                        chars.next();
                    } else {
                        break;
                    }
                }
                continue;
            }
        }
        // Base character plus any combining marks: compose to NFC.
        let mut composed = c;
        let mut end = i + c.len_utf8();
        let mut decomposed_rest = String::new();
        while let Some(&(j, d)) = chars.peek() {
            if (d as u32) < 0x300 || !is_combining_mark(d) {
                break;
            }
            match compose(composed, d) {
                Some(x) if decomposed_rest.is_empty() => composed = x,
                _ => decomposed_rest.push(d),
            }
            end = j + d.len_utf8();
            chars.next();
        }
        at_space = false;
        let single_lower = lower_one(composed);
        if end == i + c.len_utf8() {
            match single_lower {
                Some(l) if l.len_utf8() == c.len_utf8() => {
                    let mut buf = [0u8; 4];
                    out.push_verbatim(l.encode_utf8(&mut buf), i);
                    // push_verbatim maps by position, which is what we want
                    // as long as the byte length is unchanged.
                }
                _ => {
                    let s: String = composed.to_lowercase().collect();
                    out.push_atomic(&s, i..end);
                }
            }
        } else {
            let mut s: String = composed.to_lowercase().collect();
            s.push_str(&decomposed_rest);
            out.push_atomic(&s, i..end);
        }
    }
    // Drop a trailing folded space.
    let trimmed = if out.text.ends_with(' ') {
        out.slice(0..out.text.len() - 1)
    } else {
        out
    };
    NormText {
        text: trimmed.text.clone(),
        to_raw: trimmed,
        raw,
    }
}

fn lower_one(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c.to_ascii_lowercase());
    }
    let mut it = c.to_lowercase();
    let first = it.next()?;
    if it.next().is_some() {
        None
    } else {
        Some(first)
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Hyphen {
    /// An ordinary hyphen (or one we cannot judge): kept as it is.
    Plain,
    /// A hyphen that only splits a word at a line break: dropped.
    LineBreak,
    /// A compound hyphen that happens to fall at a line break: kept, the
    /// line break dropped.
    Compound,
}

/// A hyphen at the end of a line between two lowercase word parts is a
/// line-break hyphen (`henkilökohtai-\nsemman`), unless the parts meet at the
/// same vowel, where Finnish writes a real hyphen (`tietosuoja-\nasetus`).
fn line_break_hyphen(src: &str, i: usize, written: &str) -> Hyphen {
    if joins_line_break(src, i, written) {
        return Hyphen::LineBreak;
    }
    let after = &src[i + 1..];
    let ws = &after[..after.len() - after.trim_start().len()];
    let prev = written.chars().next_back();
    let next = after.trim_start().chars().next();
    if ws.contains('\n')
        && prev.is_some_and(is_vowel)
        && prev == next.map(|c| c.to_lowercase().next().unwrap_or(c))
    {
        return Hyphen::Compound;
    }
    Hyphen::Plain
}

fn joins_line_break(src: &str, i: usize, written: &str) -> bool {
    let after = &src[i + 1..];
    let ws_len = after.len() - after.trim_start().len();
    if ws_len == 0 || !after[..ws_len].contains('\n') {
        return false;
    }
    let prev = written.chars().next_back();
    let rest = &after[ws_len..];
    let next_word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
    let (Some(p), Some(n)) = (prev, next_word.chars().next()) else {
        return false;
    };
    if !p.is_alphabetic() || !n.is_lowercase() || next_word.chars().count() < 3 {
        return false;
    }
    !(is_vowel(p) && p == n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> NormText {
        let mut m = MappedText::new();
        m.push_verbatim(s, 0);
        normalize(m)
    }

    #[test]
    fn folds_case_space_and_soft_hyphens() {
        let src = "Henkilö\u{ad}tieto\u{ad}LAKI  ja\u{a0}\n muuta";
        let n = norm(src);
        assert_eq!(n.text, "henkilötietolaki ja muuta");
        let p = n.text.find("laki").unwrap();
        assert_eq!(&src[n.source_range(p..p + 4)], "LAKI");
        let all = n.source_range(0..n.text.find(" ja").unwrap());
        assert_eq!(&src[all], "Henkilö\u{ad}tieto\u{ad}LAKI");
    }

    #[test]
    fn nfd_is_composed_and_maps_back() {
        let src = "Henkilo\u{308}tietolaki";
        let n = norm(src);
        assert_eq!(n.text, "henkilötietolaki");
        let p = n.text.find('ö').unwrap();
        assert_eq!(&src[n.source_range(p..p + 'ö'.len_utf8())], "o\u{308}");
    }

    #[test]
    fn line_break_hyphen_joins_but_compounds_stay() {
        assert_eq!(norm("henkilökohtai-\nsemman").text, "henkilökohtaisemman");
        assert_eq!(norm("tietosuoja-\nasetus").text, "tietosuoja-asetus");
        assert_eq!(norm("tietosuoja-asetus").text, "tietosuoja-asetus");
        assert_eq!(norm("etu- ja sukunimi").text, "etu- ja sukunimi");
        assert_eq!(norm("etu-\nja sukunimi").text, "etu- ja sukunimi");
    }
}

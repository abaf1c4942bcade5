//! Decoding a page fetched over HTTP, where the `Content-Type` header may
//! name a charset. WHATWG order: a byte-order mark wins, then the HTTP
//! charset, then what [`SourceText::decode`] does on its own (`<meta>`
//! prescan, UTF-8, Windows-1252).
//!
//! One exception, the same one `SourceText::decode` makes for `<meta>`: a
//! body that is valid UTF-8 and has non-ASCII bytes is read as UTF-8 even
//! when the header says ISO-8859-1. Servers add `charset=iso-8859-1` by
//! default far more often than they serve Latin-1 that happens to be valid
//! UTF-8, and the header is then the stale part.

use encoding_rs::{Encoding, UTF_8};

use crate::source::{SourceError, SourceText};

/// Decodes `bytes` with an optional HTTP charset label (`iso-8859-1`,
/// `windows-1252`, `utf-8`, `utf-16le`...). An unknown label is ignored.
pub fn decode_with_charset(bytes: &[u8], charset: Option<&str>) -> Result<SourceText, SourceError> {
    let enc = label_encoding(charset);
    let Some(enc) = enc else {
        return SourceText::decode(bytes);
    };
    if Encoding::for_bom(bytes).is_some() || enc == UTF_8 {
        return SourceText::decode(bytes);
    }
    if enc.is_single_byte() {
        // Binary and empty files are refused the same way as from disk; a
        // valid UTF-8 body is read as UTF-8 (see the module docs).
        let own = SourceText::decode(bytes)?;
        if own.encoding == "UTF-8" && std::str::from_utf8(bytes).is_ok() {
            return Ok(own);
        }
    } else if bytes.is_empty() {
        return Err(SourceError::Empty);
    }
    let (text, _) = enc.decode_without_bom_handling(bytes);
    if text.trim().is_empty() {
        return Err(SourceError::Empty);
    }
    Ok(SourceText::new(text.into_owned(), enc.name()))
}

/// [`decode_with_charset`] of a buffer it may keep as the text (see
/// [`SourceText::decode_buffer`]): when no single-byte or UTF-16 charset
/// is named, which is every file read from disk.
pub fn decode_buffer_with_charset(
    bytes: Vec<u8>,
    charset: Option<&str>,
) -> Result<SourceText, SourceError> {
    match label_encoding(charset) {
        Some(enc) if enc != UTF_8 && Encoding::for_bom(&bytes).is_none() => {
            decode_with_charset(&bytes, charset)
        }
        _ => SourceText::decode_buffer(bytes),
    }
}

/// The encoding an HTTP charset label names, if it is a known one.
fn label_encoding(charset: Option<&str>) -> Option<&'static Encoding> {
    charset.and_then(|c| Encoding::for_label(c.trim().trim_matches('"').as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_charset_beats_meta_and_the_fallback() {
        // ISO-8859-15 differs from Windows-1252 at 0xA4 (€ vs ¤).
        let b = b"<meta charset=\"windows-1252\"><p>Hinta 5 \xa4, henkil\xf6tiedot</p>";
        let s = decode_with_charset(b, Some("ISO-8859-15")).unwrap();
        assert!(s.text.contains("5 €, henkilötiedot"), "{}", s.text);
        assert_eq!(s.encoding, "ISO-8859-15");
    }

    #[test]
    fn no_or_unknown_charset_falls_back_to_decode() {
        let b = b"Rekisterinpit\xe4j\xe4";
        assert_eq!(
            decode_with_charset(b, None).unwrap().text,
            "Rekisterinpitäjä"
        );
        assert_eq!(
            decode_with_charset(b, Some("x-no-such")).unwrap().text,
            "Rekisterinpitäjä"
        );
    }

    #[test]
    fn valid_utf8_wins_over_a_default_latin1_header() {
        let s = decode_with_charset("Rekisterinpitäjä".as_bytes(), Some("iso-8859-1")).unwrap();
        assert_eq!(s.text, "Rekisterinpitäjä");
        assert_eq!(s.encoding, "UTF-8");
    }

    #[test]
    fn utf16_header_and_binary() {
        let mut b = Vec::new();
        for u in "Evästeet".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(
            decode_with_charset(&b, Some("utf-16le")).unwrap().text,
            "Evästeet"
        );
        assert!(matches!(
            decode_with_charset(b"\x89PNG\r\n\x1a\n\0\0", Some("iso-8859-1")),
            Err(SourceError::Binary(_))
        ));
        assert_eq!(
            decode_with_charset(b"", Some("utf-16le")).unwrap_err(),
            SourceError::Empty
        );
    }

    #[test]
    fn decoding_a_buffer_matches_decoding_a_slice() {
        let bodies: &[&[u8]] = &[
            "Rekisterinpitäjä\n".as_bytes(),
            b"Rekisterinpit\xe4j\xe4\n",
            b"\xef\xbb\xbfHei",
            b"\xff\xfeH\0e\0i\0",
            b"\x89PNG\r\n\x1a\n\0\0",
            b"",
            b"  \n",
        ];
        for body in bodies {
            for charset in [
                None,
                Some("utf-8"),
                Some("iso-8859-1"),
                Some("utf-16le"),
                Some("x-no"),
            ] {
                let slice = decode_with_charset(body, charset);
                let owned = decode_buffer_with_charset(body.to_vec(), charset);
                match (slice, owned) {
                    (Ok(a), Ok(b)) => {
                        assert_eq!(
                            (a.text, a.encoding),
                            (b.text, b.encoding),
                            "{body:?} {charset:?}"
                        )
                    }
                    (a, b) => assert_eq!(a.err(), b.err(), "{body:?} {charset:?}"),
                }
            }
        }
    }
}

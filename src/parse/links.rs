//! E-mail links whose visible address differs from where they send: the
//! page shows `info@a.fi` while `mailto:info@b.fi` receives the requests.
//!
//! Found on the source text, not on the parsed sections, because the
//! parsers keep a link's text and drop its target. Links inside comments are
//! the caller's to leave out (see [`super::RawDocument::comments`]).

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use super::Format;

/// An `<a href="mailto:...">` or `[text](mailto:...)` whose text is itself
/// an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailLink {
    /// The address the text shows, as written.
    pub shown: String,
    /// The source span of that address.
    pub shown_span: Range<usize>,
    /// The address after `mailto:` (without `?subject=...`).
    pub target: String,
}

fn email() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)^[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}$").unwrap())
}

fn html_link() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?is)<a\s[^>]*?href\s*=\s*["']mailto:([^"'?>]+)[^>]*>([^<]{1,200})</a\s*>"#)
            .unwrap()
    })
}

fn md_link() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\[([^\]\n]{1,200})\]\(<?mailto:([^)>\s?]+)[^)]*\)").unwrap())
}

/// Whether `src` holds `mailto:` or `MAILTO:`, found by its colons: a page
/// has a few dozen, and one memchr pass stopping at each of them costs a
/// quarter of two substring searches (~2.6 against ~10 K instructions for a
/// 9 KB page: memchr's rare-byte guesses for `mailto:` are letters common on
/// any page, so its candidates came every few bytes).
fn has_mailto(src: &[u8]) -> bool {
    memchr::memchr_iter(b':', src)
        .any(|p| p >= 6 && matches!(&src[p - 6..p], b"mailto" | b"MAILTO"))
}

/// The e-mail links of an HTML or Markdown source whose shown address is a
/// different address from their target (case and surrounding space aside).
pub fn mismatched_mail_links(src: &str, format: Format) -> Vec<MailLink> {
    if format == Format::Text {
        return Vec::new();
    }
    // A cheap test first: most pages have no mailto link at all. (memchr's
    // vector search: `str::contains` walked the page at ~1 instruction a
    // byte, twice when there was no link.) It comes before the regexes are
    // fetched: compiling them costs as much as this test on a thousand
    // pages, and a batch without a mailto link never needs them.
    if !has_mailto(src.as_bytes()) {
        return Vec::new();
    }
    let (re, text_group, target_group) = match format {
        Format::Html => (html_link(), 2, 1),
        _ => (md_link(), 1, 2),
    };
    let mut out = Vec::new();
    for c in re.captures_iter(src) {
        let (Some(text), Some(target)) = (c.get(text_group), c.get(target_group)) else {
            continue;
        };
        let trimmed = text.as_str().trim();
        if !email().is_match(trimmed) {
            continue;
        }
        let start = text.start() + (text.as_str().len() - text.as_str().trim_start().len());
        let target = target.as_str().trim();
        if trimmed.eq_ignore_ascii_case(target) {
            continue;
        }
        out.push(MailLink {
            shown: trimmed.to_string(),
            shown_span: start..start + trimmed.len(),
            target: target.to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_mailto_is_the_substring_search() {
        const PIECES: &[&str] = &[
            "mailto:",
            "MAILTO:",
            "Mailto:",
            "mailto",
            "ailto:",
            ":",
            "::",
            "m",
            "<a href=\"",
            "x@b.fi",
            "https://",
            " ",
            "ä",
            "MAILTO",
            "mailtomailto:",
        ];
        let mut next = crate::xorshift(0x3a11_7011);
        for _ in 0..20_000 {
            let n = (next() % 8) as usize;
            let src = crate::random_text(&mut next, PIECES, n);
            let want = src.contains("mailto:") || src.contains("MAILTO:");
            assert_eq!(has_mailto(src.as_bytes()), want, "{src:?}");
        }
    }

    #[test]
    fn finds_a_shown_address_that_is_not_the_target() {
        let md = "Send it to [info@a.fi](mailto:info@b.fi) or [us](mailto:x@b.fi), [Info@B.fi](mailto:info@b.fi?subject=GDPR).";
        let links = mismatched_mail_links(md, Format::Markdown);
        assert_eq!(
            links,
            vec![MailLink {
                shown: "info@a.fi".into(),
                shown_span: 12..21,
                target: "info@b.fi".into()
            }]
        );
        let html = r#"<p>Mail <A HREF="mailto:tietosuoja@b.fi" class=x> tietosuoja@a.fi </a> or <a href="mailto:x@b.fi">x@b.fi</a></p>"#;
        let links = mismatched_mail_links(html, Format::Html);
        assert_eq!(links.len(), 1);
        assert_eq!(&html[links[0].shown_span.clone()], "tietosuoja@a.fi");
        assert_eq!(links[0].target, "tietosuoja@b.fi");
        assert!(mismatched_mail_links("[a@b.fi](mailto:c@d.fi)", Format::Text).is_empty());
    }
}

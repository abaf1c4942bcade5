//! HTML inside Markdown: raw HTML blocks (some notices are mostly HTML) and
//! inline tags. Tags are dropped, entities decoded, block tags end a block,
//! `<h1>`–`<h6>` become headings, comments are collected, and
//! `<script>`/`<style>` content is skipped. Every scan is bounded so the
//! whole pass is linear in the input.

use memchr::memmem;

use super::inline::decode_entity;
use super::Comment;
use crate::textmap::MappedText;

/// A tag found at the start of a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tag<'a> {
    /// Bytes from `<` to `>` inclusive.
    pub len: usize,
    /// The element name as written (compare case-insensitively).
    pub name: &'a str,
    pub closing: bool,
}

/// What `s` (starting with `<`) opens, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Markup<'a> {
    Tag(Tag<'a>),
    /// `<!-- … -->`: total length; the inner text is `4..len - 3` (or to the
    /// end when unclosed).
    Comment {
        len: usize,
        closed: bool,
    },
    /// `<!DOCTYPE …>`, `<?php … ?>`, `<![CDATA[…]]>`: length.
    Other(usize),
}

/// The longest a tag may be; past this a `<` is text.
const MAX_TAG: usize = 4096;

pub(crate) fn markup_at(s: &str) -> Option<Markup<'_>> {
    let b = s.as_bytes();
    if b.len() < 2 || b[0] != b'<' {
        return None;
    }
    if let Some(after) = s.strip_prefix("<!--") {
        if after.starts_with('>') {
            return Some(Markup::Comment {
                len: 5,
                closed: true,
            });
        }
        if after.starts_with("->") {
            return Some(Markup::Comment {
                len: 6,
                closed: true,
            });
        }
        return Some(match memmem::find(&b[4..], b"-->") {
            Some(e) => Markup::Comment {
                len: 4 + e + 3,
                closed: true,
            },
            None => Markup::Comment {
                len: s.len(),
                closed: false,
            },
        });
    }
    if b[1] == b'!' || b[1] == b'?' {
        let lim = b.len().min(MAX_TAG);
        return memchr::memchr(b'>', &b[2..lim]).map(|e| Markup::Other(e + 3));
    }
    let mut j = 1;
    let closing = b[1] == b'/';
    if closing {
        j += 1;
    }
    if !b.get(j).is_some_and(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let name_start = j;
    while j < b.len()
        && (b[j].is_ascii_alphanumeric() || b[j] == b'-' || b[j] == b':' || b[j] == b'.')
    {
        j += 1;
    }
    let name = &s[name_start..j];
    if !b
        .get(j)
        .is_some_and(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
    {
        return None;
    }
    // The closing `>`, outside quotes. A `<` ends the search even inside
    // quotes: that keeps failed scans from overlapping (linear time).
    let mut quote = 0u8;
    let lim = b.len().min(MAX_TAG);
    while j < lim {
        let c = b[j];
        if c == b'<' {
            return None;
        }
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'>' {
            return Some(Markup::Tag(Tag {
                len: j + 1,
                name,
                closing,
            }));
        }
        j += 1;
    }
    None
}

/// Tags that separate blocks of text.
pub(crate) fn is_block_tag(name: &str) -> bool {
    const BLOCK: &[&str] = &[
        "p",
        "br",
        "li",
        "ul",
        "ol",
        "div",
        "tr",
        "td",
        "th",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "dt",
        "dd",
        "dl",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "main",
        "aside",
        "blockquote",
        "hr",
        "pre",
        "figure",
        "figcaption",
        "details",
        "summary",
        "address",
        "form",
        "fieldset",
        "legend",
    ];
    BLOCK.iter().any(|t| t.eq_ignore_ascii_case(name))
}

fn heading_level(name: &str) -> Option<u8> {
    let b = name.as_bytes();
    if b.len() == 2 && (b[0] == b'h' || b[0] == b'H') && (b'1'..=b'6').contains(&b[1]) {
        Some(b[1] - b'0')
    } else {
        None
    }
}

fn is_strong(name: &str) -> bool {
    name.eq_ignore_ascii_case("strong") || name.eq_ignore_ascii_case("b")
}

/// Elements whose content is never text.
fn is_raw_text(name: &str) -> bool {
    ["script", "style", "template", "svg", "iframe", "object"]
        .iter()
        .any(|t| t.eq_ignore_ascii_case(name))
}

/// What an HTML fragment turned into, in order.
#[derive(Debug, Clone)]
pub(crate) enum HtmlItem {
    /// A block of text. `strong_only`: the block was a whole `<p>`-like
    /// block whose text was all inside `<strong>`/`<b>` (a heading
    /// candidate).
    Block {
        text: MappedText,
        strong_only: bool,
    },
    Heading {
        level: u8,
        text: MappedText,
    },
    Comment(Comment),
}

/// Appends `text[rel]` (which sits at source position `base + rel.start`)
/// to `out` verbatim, leaving out the bytes inside `masks` (sorted, in the
/// same coordinates as `base`).
pub(crate) fn push_unmasked(
    out: &mut MappedText,
    text: &str,
    base: usize,
    rel: std::ops::Range<usize>,
    masks: &[std::ops::Range<usize>],
) {
    let mut a = base + rel.start;
    let end = base + rel.end;
    let mut k = masks.partition_point(|m| m.end <= a);
    while a < end {
        match masks.get(k) {
            Some(m) if m.start < end => {
                if m.start > a {
                    out.push_verbatim(&text[a - base..m.start - base], a);
                }
                a = a.max(m.end);
                k += 1;
            }
            _ => {
                out.push_verbatim(&text[a - base..end - base], a);
                break;
            }
        }
    }
}

struct Stripper<'a> {
    text: &'a str,
    base: usize,
    masks: &'a [std::ops::Range<usize>],
    items: Vec<HtmlItem>,
    block: MappedText,
    /// Text outside strong seen in this block.
    plain: bool,
    /// The block began or will end at a `<br>` (a line, not a paragraph).
    by_br: bool,
    strong: u32,
    heading: Option<(u8, MappedText)>,
}

impl Stripper<'_> {
    fn flush(&mut self, ended_by_br: bool) {
        let t = std::mem::take(&mut self.block).into_trimmed();
        if !t.is_empty() {
            let strong_only = !self.plain && !self.by_br && !ended_by_br;
            self.items.push(HtmlItem::Block {
                text: t,
                strong_only,
            });
        }
        self.plain = false;
        self.by_br = ended_by_br;
    }

    /// Copies `text[a..b]` (masked bytes left out).
    fn text(&mut self, a: usize, b: usize) {
        if a >= b {
            return;
        }
        let (text, base, masks) = (self.text, self.base, self.masks);
        match &mut self.heading {
            Some((_, h)) => push_unmasked(h, text, base, a..b, masks),
            None => {
                let before = self.block.len();
                push_unmasked(&mut self.block, text, base, a..b, masks);
                if self.strong == 0 && !self.block.text[before..].trim().is_empty() {
                    self.plain = true;
                }
            }
        }
    }

    fn atomic(&mut self, s: &str, r: std::ops::Range<usize>) {
        match &mut self.heading {
            Some((_, h)) => h.push_atomic(s, r),
            None => {
                if self.strong == 0 && !s.trim().is_empty() {
                    self.plain = true;
                }
                self.block.push_atomic(s, r);
            }
        }
    }
}

/// Strips the HTML fragment `s`, whose byte 0 is at source position `base`.
/// `s` is the masked text (structure); `text` is the same range of the
/// original source (what gets copied); `masks` are left out of the copy.
pub(crate) fn strip_fragment(
    s: &str,
    text: &str,
    base: usize,
    masks: &[std::ops::Range<usize>],
) -> Vec<HtmlItem> {
    let b = s.as_bytes();
    let mut st = Stripper {
        text,
        base,
        masks,
        items: Vec::new(),
        block: MappedText::new(),
        plain: false,
        by_br: false,
        strong: 0,
        heading: None,
    };
    let mut i = 0;
    let mut run = 0;
    while let Some(p) = memchr::memchr2(b'<', b'&', &b[i..]).map(|p| i + p) {
        if b[p] == b'&' {
            if let Some((text, len)) = decode_entity(&s[p..]) {
                st.text(run, p);
                st.atomic(&text, base + p..base + p + len);
                i = p + len;
                run = i;
            } else {
                i = p + 1;
            }
            continue;
        }
        let Some(m) = markup_at(&s[p..]) else {
            i = p + 1;
            continue;
        };
        st.text(run, p);
        let len = match m {
            Markup::Comment { len, closed } => {
                let inner_end = if closed { p + len - 3 } else { p + len };
                let inner = text.get(p + 4..inner_end.max(p + 4)).unwrap_or("");
                st.items.push(HtmlItem::Comment(Comment {
                    text: inner.to_string(),
                    span: base + p..base + p + len,
                }));
                len
            }
            Markup::Other(len) => len,
            Markup::Tag(t) => {
                let mut len = t.len;
                if !t.closing && is_raw_text(t.name) {
                    len = raw_text_end(s, p + t.len, t.name) - p;
                } else if let Some(level) = heading_level(t.name) {
                    if t.closing {
                        if let Some((level, h)) = st.heading.take() {
                            let h = h.into_trimmed();
                            if !h.is_empty() {
                                st.items.push(HtmlItem::Heading { level, text: h });
                            }
                        }
                    } else if st.heading.is_none() {
                        st.flush(false);
                        st.heading = Some((level, MappedText::new()));
                    }
                } else if is_strong(t.name) {
                    if t.closing {
                        st.strong = st.strong.saturating_sub(1);
                    } else {
                        st.strong += 1;
                    }
                } else if is_block_tag(t.name) {
                    match &mut st.heading {
                        Some((_, h)) => {
                            if !h.is_empty() && !h.text.ends_with(' ') {
                                h.push_atomic(" ", base + p..base + p + len);
                            }
                        }
                        None => st.flush(t.name.eq_ignore_ascii_case("br")),
                    }
                }
                len
            }
        };
        i = p + len;
        run = i;
    }
    st.text(run, s.len());
    if let Some((level, h)) = st.heading.take() {
        let h = h.into_trimmed();
        if !h.is_empty() {
            st.items.push(HtmlItem::Heading { level, text: h });
        }
    }
    st.flush(false);
    st.items
}

/// Position after `</name…>` searching from `from`, or the end of `s`.
fn raw_text_end(s: &str, from: usize, name: &str) -> usize {
    let b = s.as_bytes();
    let mut i = from;
    while let Some(q) = memmem::find(&b[i..], b"</").map(|q| i + q) {
        let after = &s[q + 2..];
        if after.len() >= name.len()
            && after.as_bytes()[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return match memchr::memchr(b'>', &b[q..]) {
                Some(e) => q + e + 1,
                None => s.len(),
            };
        }
        i = q + 2;
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(items: &[HtmlItem]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                HtmlItem::Block { text, strong_only } => {
                    format!("{}{}", if *strong_only { "B:" } else { "" }, text.text)
                }
                HtmlItem::Heading { level, text } => format!("H{level}:{}", text.text),
                HtmlItem::Comment(c) => format!("C:{}", c.text),
            })
            .collect()
    }

    #[test]
    fn blocks_headings_comments() {
        let src = "<div class=\"x\">\n<h2 id=a>Ev&auml;steet</h2>\n<!-- huom -->\n<p>K&auml;yt&auml;mme <a href=\"/\">ev&auml;steit&auml;</a>.</p>\n<p><strong>Oikeutesi</strong></p>\n<script>var a = '<p>ei</p>';</script>\n<b>Yritys</b><br>Osoite\n</div>";
        let items = strip_fragment(src, src, 0, &[]);
        assert_eq!(
            texts(&items),
            [
                "H2:Evästeet",
                "C: huom ",
                "Käytämme evästeitä.",
                "B:Oikeutesi",
                "Yritys",
                "Osoite"
            ]
        );
        let HtmlItem::Heading { text, .. } = &items[0] else {
            panic!()
        };
        assert_eq!(&src[text.full_source_range().unwrap()], "Ev&auml;steet");
        let HtmlItem::Comment(c) = &items[1] else {
            panic!()
        };
        assert_eq!(&src[c.span.clone()], "<!-- huom -->");
    }

    #[test]
    fn markup_detection() {
        assert_eq!(
            markup_at("<ul style=\"a>b\">x"),
            Some(Markup::Tag(Tag {
                len: 16,
                name: "ul",
                closing: false
            }))
        );
        assert_eq!(markup_at("< 18"), None);
        assert_eq!(markup_at("<a \"<b>"), None);
        assert!(matches!(
            markup_at("<!-- x"),
            Some(Markup::Comment { closed: false, .. })
        ));
    }

    #[test]
    fn pathological_tags_are_linear() {
        let s = "<a \"".repeat(300_000);
        let items = strip_fragment(&s, &s, 0, &[]);
        assert_eq!(items.len(), 1);
        let s = "<script>".repeat(100_000);
        let _ = strip_fragment(&s, &s, 0, &[]);
    }
}

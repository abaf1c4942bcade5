//! Parsing: one module per input format, all producing the same [`RawDocument`]
//! of headed sections whose text maps back to exact source spans.

pub mod date;
pub mod html;
mod html_entities;
mod html_lex;
pub mod inline;
pub mod links;
pub mod markdown;
mod markdown_html;
mod markdown_prep;
mod markdown_simple;
pub mod text;

use std::ops::Range;

use crate::textmap::MappedText;

/// The input formats seloste reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// HTML pages and site templates/components that are mostly HTML
    /// (PHP, JSX/TSX, Vue, Svelte, Astro, ERB, Liquid, Nunjucks, ...).
    Html,
    /// Markdown, with or without YAML/TOML front matter.
    Markdown,
    /// Plain text: the 2018 template's tab-separated export and text copied
    /// from web pages.
    Text,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Markdown => "markdown",
            Format::Text => "text",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "html" | "htm" => Some(Format::Html),
            "markdown" | "md" => Some(Format::Markdown),
            "text" | "txt" | "plain" => Some(Format::Text),
            _ => None,
        }
    }

    /// The format implied by a file extension, if the extension is one seloste
    /// knows.
    pub fn from_extension(ext: &str) -> Option<Format> {
        // Compared ignoring ASCII case, without a lowercase copy per file.
        const HTML: [&str; 22] = [
            "html",
            "htm",
            "xhtml",
            "shtml",
            "php",
            "phtml",
            "jsx",
            "tsx",
            "js",
            "ts",
            "vue",
            "svelte",
            "astro",
            "erb",
            "liquid",
            "njk",
            "ftl",
            "tpl",
            "hbs",
            "handlebars",
            "twig",
            "ejs",
        ];
        let is = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(ext));
        if is(&HTML) {
            Some(Format::Html)
        } else if is(&["md", "markdown", "mdx"]) {
            Some(Format::Markdown)
        } else if is(&["txt", "text"]) {
            Some(Format::Text)
        } else {
            None
        }
    }

    /// Guesses the format of text that came without a telling extension.
    pub fn sniff(text: &str) -> Format {
        let head = &text[..floor_char_boundary(text, 4096)];
        if has_html_tag(head.as_bytes()) {
            return Format::Html;
        }
        if head.starts_with("---\n") || head.starts_with("+++\n") {
            return Format::Markdown;
        }
        // Two signals decide (a Markdown notice stops at its first lines).
        // Every line that gives one has a `#`, `|` or `*`, and a text notice
        // has few: only the lines around those bytes are read (finding every
        // line of the 4 KB head by `memchr_iter` and testing it was ~8,500
        // instructions a text notice, 2.1 M of 1,000 notices). The line
        // around a byte is the same slice of `head` as in a pass over all
        // lines, and each line is tested once.
        let b = head.as_bytes();
        let mut md_signals = 0;
        // Where the last line tested ends (its `\n`, or the end of `head`).
        let mut tested_to = 0;
        for p in memchr::memchr3_iter(b'#', b'|', b'*', b) {
            if p < tested_to {
                continue;
            }
            let start = memchr::memrchr(b'\n', &b[tested_to..p]).map_or(0, |k| tested_to + k + 1);
            let end = memchr::memchr(b'\n', &b[p..]).map_or(b.len(), |k| p + k);
            if md_signal(&head[start..end]) {
                md_signals += 1;
                if md_signals == 2 {
                    return Format::Markdown;
                }
            }
            tested_to = end;
        }
        Format::Text
    }
}

/// Whether a line starts, after its leading whitespace, as a Markdown
/// heading, table row or bold text. Only a line that starts with
/// whitespace or a non-ASCII byte is trimmed (by `trim_start`): any other
/// first character is not whitespace, and nothing would be cut.
fn md_signal(l: &str) -> bool {
    let t = match l.as_bytes().first() {
        Some(&c) if c >= 0x80 || c.is_ascii_whitespace() || c == 0x0b => l.trim_start(),
        _ => l,
    };
    t.starts_with("# ") || t.starts_with("## ") || t.starts_with('|') || t.starts_with("**")
}

/// Whether `head` has `<html`, `<!doctype html`, `<body`, `<h1`, `<h2` or
/// `<div` in any ASCII case: `head.to_ascii_lowercase().contains(..)` for
/// each, without the lowercase copy (the `<` is the same in both, so every
/// match starts at one of the text's `<`).
fn has_html_tag(head: &[u8]) -> bool {
    const AFTER_LT: [&[u8]; 6] = [b"html", b"!doctype html", b"body", b"h1", b"h2", b"div"];
    memchr::memchr_iter(b'<', head).any(|i| {
        let rest = &head[i + 1..];
        AFTER_LT
            .iter()
            .any(|t| rest.len() >= t.len() && rest[..t.len()].eq_ignore_ascii_case(t))
    })
}

/// One heading and the text under it, as the author wrote them.
#[derive(Debug, Clone, Default)]
pub struct RawSection {
    /// The heading text, entities decoded, whitespace as in the source.
    /// Its map covers exactly the heading as written (for HTML, the inner
    /// text of the heading element; for text, the heading cell or line).
    pub heading: MappedText,
    /// The body: block texts joined by `\n` (a blank line between paragraphs
    /// is not kept). Tags are dropped, entities decoded.
    pub body: MappedText,
    /// Heading level: 1–6 for HTML/Markdown headings; 2 for table rows and
    /// text headings; 3 for sub-headings found inside a body.
    pub level: u8,
}

/// A comment in the source (HTML `<!-- -->`), kept for inline suppressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The comment text between `<!--` and `-->`.
    pub text: String,
    /// The whole comment in the source.
    pub span: Range<usize>,
}

/// What every parser produces.
#[derive(Debug, Clone, Default)]
pub struct RawDocument {
    /// The document title if the format states one (`<title>`, front-matter
    /// `title`, or the first line of a text export), mapped to its source.
    pub title: Option<MappedText>,
    /// Text before the first heading (introductions often name the
    /// controller there).
    pub preamble: MappedText,
    pub sections: Vec<RawSection>,
    pub comments: Vec<Comment>,
    /// HTML only: the page has footers, which are not part of the notice
    /// but may hold the controller's contact details (their text:
    /// [`html::page_footer`], made when a rule asks, from here).
    pub page_footer: Option<html::FooterAt>,
    /// E-mail links that show one address and send to another (outside
    /// comments).
    pub mail_links: Vec<links::MailLink>,
}

thread_local! {
    /// See [`spare_sections`].
    static SPARE_SECTIONS: std::cell::RefCell<Vec<RawSection>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// An empty section list for a parser: the one [`give_back_sections`] last
/// gave back on this thread, so that a notice's list does not grow from
/// nothing (four or five reallocations) and get freed again.
pub fn spare_sections() -> Vec<RawSection> {
    SPARE_SECTIONS.with(|s| std::mem::take(&mut *s.borrow_mut()))
}

/// Gives a section list's buffer back for [`spare_sections`] (emptied;
/// lists of more than 4,096 sections are dropped).
pub fn give_back_sections(mut sections: Vec<RawSection>) {
    sections.clear();
    if sections.capacity() <= 4096 {
        SPARE_SECTIONS.with(|s| *s.borrow_mut() = sections);
    }
}

/// Tells a parser whether a short line of text is a known notice heading.
/// Plain text has no markup, so the heading tables (data in `rules/`) are
/// the strongest signal there; the caller supplies them so that parsing does
/// not depend on the schema stage.
pub trait HeadingOracle {
    /// A short line (at most 14 words, 120 characters) that names an element.
    fn is_heading(&self, text: &str) -> bool;

    /// Whether `text` names an element, whatever its length: the caller
    /// judges the shape (a long template heading such as "Regelmässigt
    /// utlämnande av uppgifter och överföring av uppgifter utanför EU ...").
    fn names_element(&self, text: &str) -> bool {
        self.is_heading(text)
    }

    /// Whether two headings name a common element ("Tietojen luovutukset"
    /// and "Ei luovutuksia"): then the second is no new section.
    fn same_element(&self, _a: &str, _b: &str) -> bool {
        false
    }
}

/// An oracle that knows no headings (markup alone decides).
pub struct NoOracle;

impl HeadingOracle for NoOracle {
    fn is_heading(&self, _text: &str) -> bool {
        false
    }
}

/// Parses decoded source text in the given format.
pub fn parse(text: &str, format: Format, oracle: &dyn HeadingOracle) -> RawDocument {
    let mut doc = match format {
        Format::Html => html::parse(text, oracle),
        Format::Markdown => markdown::parse(text, oracle),
        Format::Text => text::parse(text, oracle),
    };
    let comments = &doc.comments;
    doc.mail_links = links::mismatched_mail_links(text, format)
        .into_iter()
        .filter(|l| {
            !comments
                .iter()
                .any(|c| c.span.start <= l.shown_span.start && l.shown_span.end <= c.span.end)
        })
        .collect();
    doc
}

/// Words that name the document type: a line with one of them is a title
/// ("Tietosuojaseloste", "Privacy notice"), not a section heading.
///
/// `s.to_lowercase()` contains one of [`NOTICE_WORDS`], found in one pass
/// over `s` that compares ASCII without case at the bytes that may start a
/// word: the words are ASCII, and lowercasing keeps every run of ASCII
/// characters as it is but for their case, and writes no ASCII for any
/// other character except İ ("i̇") and the Kelvin sign ("k"), so a text
/// without those has a word where its lowercase copy has one. A text with
/// them and no word found takes the lowercase copy. (The copy and seven
/// `str::contains`, each setting up a searcher, were ~2,800 instructions a
/// title.)
pub fn names_the_notice(s: &str) -> bool {
    let b = s.as_bytes();
    // A non-ASCII byte starts no word (its table entry is 0): İ and the
    // Kelvin sign are looked for by memchr in a text without a word,
    // instead of by a branch at each byte that mispredicted at ä/ö.
    for (i, &x) in b.iter().enumerate() {
        // The words that start with this byte (one, or two for `i`).
        let mut words = NOTICE_WORD_START[x as usize];
        while words != 0 {
            let w = NOTICE_WORDS[words.trailing_zeros() as usize].as_bytes();
            let rest = &b[i + 1..];
            if rest.len() >= w.len() - 1
                && rest
                    .iter()
                    .zip(&w[1..])
                    .all(|(x, w)| x.to_ascii_lowercase() == *w)
            {
                return true;
            }
            words &= words - 1;
        }
    }
    let ascii_from_lowercase = memchr::memchr2_iter(0xc4, 0xe2, b).any(|i| {
        (b[i] == 0xc4 && b.get(i + 1) == Some(&0xb0))
            || (b[i] == 0xe2 && b.get(i + 1..i + 3) == Some(&[0x84, 0xaa][..]))
    });
    ascii_from_lowercase && crate::lowercase::with_lowercase(s, names_the_notice_lowercase)
}

/// The words of [`names_the_notice`].
const NOTICE_WORDS: [&str; 7] = [
    "seloste",
    "tietosuoja",
    "privacy",
    "dataskydd",
    "registerbeskrivning",
    "integritet",
    "informointi",
];

/// By byte, bit `k`: `NOTICE_WORDS[k]` starts with it (in either case; 0
/// for every byte from 0x80 on).
static NOTICE_WORD_START: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut k = 0;
    while k < NOTICE_WORDS.len() {
        let first = NOTICE_WORDS[k].as_bytes()[0];
        t[first as usize] |= 1 << k;
        t[first.to_ascii_uppercase() as usize] |= 1 << k;
        k += 1;
    }
    t
};

fn names_the_notice_lowercase(l: &str) -> bool {
    NOTICE_WORDS.iter().any(|w| l.contains(w))
}

pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The format guess before it stopped at two Markdown signals and
    /// trimmed only lines that start with whitespace or non-ASCII.
    fn reference_sniff(text: &str) -> Format {
        let head = &text[..floor_char_boundary(text, 4096)];
        if has_html_tag(head.as_bytes()) {
            return Format::Html;
        }
        let md_signals = head
            .lines()
            .filter(|l| {
                let t = l.trim_start();
                t.starts_with("# ")
                    || t.starts_with("## ")
                    || t.starts_with("|")
                    || t.starts_with("**")
            })
            .count();
        if md_signals >= 2 || head.starts_with("---\n") || head.starts_with("+++\n") {
            return Format::Markdown;
        }
        Format::Text
    }

    #[test]
    fn only_two_characters_lowercase_to_ascii() {
        let writes_ascii: Vec<char> = (0x80..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|c| c.to_lowercase().any(|l| l.is_ascii()))
            .collect();
        assert_eq!(writes_ascii, ['\u{130}', '\u{212a}']);
    }

    #[test]
    fn notice_words_are_found_as_in_the_lowercase_copy() {
        let mut next = crate::xorshift(0x5eed_7e11);
        let mut pieces: Vec<&str> = NOTICE_WORDS.to_vec();
        pieces.extend([
            " ",
            "s",
            "sel",
            "ost",
            "e",
            "tieto",
            "suoja",
            "priv",
            "acy",
            "i",
            "in",
            "tegritet",
            "informoint",
            "ä",
            "Ä",
            "Privacy",
            "SELOSTE",
            "İ",
            "\u{212a}",
            "ı",
            "Σ",
            "–",
            "x",
            "dataskyd",
            "DATAS",
            "\u{212a}ydd",
            "registerbes",
            "rivning",
            "d",
            "\u{c4}",
            "\u{e2}",
        ]);
        for n in 0..100_000 {
            let t = crate::random_text(&mut next, &pieces, n % 12);
            let lower = t.to_lowercase();
            let want = NOTICE_WORDS.iter().any(|w| lower.contains(w));
            assert_eq!(names_the_notice(&t), want, "{t:?}");
        }
    }

    #[test]
    fn sniff_guesses_as_the_full_count_did() {
        let mut next = crate::xorshift(0x5eed_2026);
        let pieces = [
            "# ", "## ", "#", "|", "**", "*", " ", "\t", "\u{b}", "\u{a0}", "\u{2003}", "\u{85}",
            "\n", "\r\n", "\r", "---\n", "+++\n", "-", "a", "ä", "Otsikko", "<div>", "\n\n",
        ];
        let mut seen = [0usize; 3];
        for round in 0..20_000 {
            let n = (next() % 40) as usize;
            let mut text = crate::random_text(&mut next, &pieces, n);
            if round % 50 == 0 {
                // Past the 4 KB head too.
                text = text.repeat(400);
            }
            let got = Format::sniff(&text);
            assert_eq!(got, reference_sniff(&text), "{text:?}");
            seen[got as usize] += 1;
        }
        assert!(seen.iter().all(|&k| k > 100), "{seen:?}");
    }

    /// The tag test the format guess used before `has_html_tag`.
    fn reference_has_html_tag(head: &str) -> bool {
        let lower = head.to_ascii_lowercase();
        lower.contains("<html")
            || lower.contains("<!doctype html")
            || lower.contains("<body")
            || lower.contains("<h1")
            || lower.contains("<h2")
            || lower.contains("<div")
    }

    #[test]
    fn html_tags_are_found_as_the_lowercase_copy_found_them() {
        let mut next = crate::xorshift(0x7a65_2026);
        let pieces = [
            "<",
            "<!",
            "<!DOCTYPE",
            "<!doctype",
            " html",
            " HTML",
            "html",
            "HTML",
            "<H",
            "h",
            "1",
            "2",
            "3",
            "Body",
            "bOdY",
            "div",
            "DIV",
            "dIv",
            "<d",
            "iv",
            "<h1",
            "<H2",
            "<html",
            "ä",
            "Ö",
            "\u{212a}",
            "İ",
            " ",
            "\n",
            "<<",
            ">",
            "x",
            "!doctype  html",
        ];
        let mut cases: Vec<String> = crate::sample_file_lines();
        for _ in 0..20_000 {
            let n = (next() % 8) as usize;
            let s = crate::random_text(&mut next, &pieces, n);
            cases.push(s);
        }
        for c in &cases {
            assert_eq!(
                has_html_tag(c.as_bytes()),
                reference_has_html_tag(c),
                "{c:?}"
            );
        }
    }

    #[test]
    fn extensions_map_as_lowercase_names_did() {
        for ext in [
            "html", "HTM", "Php", "mdx", "MarkDown", "TXT", "text", "rs", "", "htmlx",
        ] {
            let lower = ext.to_ascii_lowercase();
            let want = match lower.as_str() {
                "html" | "htm" | "xhtml" | "shtml" | "php" | "phtml" | "jsx" | "tsx" | "js"
                | "ts" | "vue" | "svelte" | "astro" | "erb" | "liquid" | "njk" | "ftl" | "tpl"
                | "hbs" | "handlebars" | "twig" | "ejs" => Some(Format::Html),
                "md" | "markdown" | "mdx" => Some(Format::Markdown),
                "txt" | "text" => Some(Format::Text),
                _ => None,
            };
            assert_eq!(Format::from_extension(ext), want, "{ext}");
        }
    }
}

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
        // Two lines that start (after blanks) like Markdown make it so. The
        // lines are found by one memchr pass and the count stops at two:
        // `str::lines` searched for each line's end anew, 20 K instructions
        // a plain-text notice. (A line's blanks are trimmed up to its '\n',
        // as `lines().trim_start()` did: a blank line matches nothing.)
        let line_starts =
            std::iter::once(0).chain(memchr::memchr_iter(b'\n', head.as_bytes()).map(|i| i + 1));
        let mut md_signals = 0;
        for start in line_starts {
            let t = head[start..].trim_start_matches(|c: char| c.is_whitespace() && c != '\n');
            if t.starts_with("# ")
                || t.starts_with("## ")
                || t.starts_with('|')
                || t.starts_with("**")
            {
                md_signals += 1;
                if md_signals == 2 {
                    return Format::Markdown;
                }
            }
        }
        Format::Text
    }
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
    /// HTML only: the text of the page's footers, which are not part of the
    /// notice but may hold the controller's contact details.
    pub page_footer: Option<MappedText>,
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
pub fn names_the_notice(s: &str) -> bool {
    crate::schema::with_lowercase(s, names_the_notice_lowercase)
}

fn names_the_notice_lowercase(l: &str) -> bool {
    [
        "seloste",
        "tietosuoja",
        "privacy",
        "dataskydd",
        "registerbeskrivning",
        "integritet",
        "informointi",
    ]
    .iter()
    .any(|w| l.contains(w))
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

    /// The format guess as it was before its line pass: `str::lines`,
    /// `trim_start`, and a count of every signal line.
    fn reference_sniff(text: &str) -> Format {
        let head = &text[..floor_char_boundary(text, 4096)];
        if reference_has_html_tag(head) {
            return Format::Html;
        }
        let md_signals = (head.lines())
            .filter(|l| {
                let t = l.trim_start();
                t.starts_with("# ")
                    || t.starts_with("## ")
                    || t.starts_with('|')
                    || t.starts_with("**")
            })
            .count();
        if md_signals >= 2 || head.starts_with("---\n") || head.starts_with("+++\n") {
            return Format::Markdown;
        }
        Format::Text
    }

    #[test]
    fn the_format_guess_agrees_with_its_reference() {
        let mut next = crate::xorshift(0x5e1f_2026);
        let pieces = [
            "# ", "## ", "#", "|", "**", "*", " ", "\t", "\u{a0}", "\u{3000}", "\r", "\n", "\r\n",
            "\n\n", "---\n", "+++\n", "-", "teksti", "ä", "<div>", "<p>", "x",
        ];
        let mut seen = [0usize; 3];
        for round in 0..20_000 {
            let mut text = crate::random_text(&mut next, &pieces, (round % 40) + 1);
            if round % 100 == 0 {
                // Signals past the 4,096 bytes the guess reads, which end
                // inside a character here.
                text = "a".to_string() + &"ö".repeat(2048) + "\n# a\n## b\n" + &text;
            }
            let got = Format::sniff(&text);
            assert_eq!(got, reference_sniff(&text), "{text:?}");
            seen[got as usize] += 1;
        }
        // Every outcome occurs, so the comparison covers all three.
        assert!(seen.iter().all(|&n| n > 100), "{seen:?}");
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

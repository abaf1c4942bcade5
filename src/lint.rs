//! The library's front door: bytes in, a canonical notice and its findings
//! out. The CLI and the language server both call [`Linter::lint_bytes`].

use std::path::Path;

use crate::engine::{Engine, LintResult, Options};
use crate::parse::{self, Format};
use crate::schema::{self, HeadingTable, Notice};
use crate::source::{SourceError, SourceText};

/// Everything needed to lint: the catalogue, the heading tables and options.
#[derive(Debug, Clone)]
pub struct Linter {
    pub engine: Engine,
    pub headings: HeadingTable,
    pub options: Options,
}

/// One linted file.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: String,
    pub format: Format,
    pub language: &'static str,
    pub source: SourceText,
    pub notice: Notice,
    pub result: LintResult,
}

impl Default for Linter {
    fn default() -> Self {
        Linter::builtin()
    }
}

impl Linter {
    pub fn builtin() -> Linter {
        Linter {
            engine: Engine::builtin(),
            headings: HeadingTable::builtin(),
            options: Options::default(),
        }
    }

    /// Picks the format from the name's extension, else from the content.
    pub fn detect_format(name: &str, text: &str) -> Format {
        let by_ext = Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .and_then(Format::from_extension);
        match by_ext {
            // A .txt file that is really a Markdown table or HTML page.
            Some(Format::Text) | None => Format::sniff(text),
            Some(f) => f,
        }
    }

    /// Parses decoded text into the canonical notice.
    pub fn notice(&self, text: &str, format: Format) -> Notice {
        let raw = parse::parse(text, format, &self.headings);
        schema::build(raw, format, &self.headings)
    }

    /// Decodes, parses and lints one file's bytes.
    pub fn lint_bytes(
        &self,
        name: &str,
        bytes: &[u8],
        format: Option<Format>,
    ) -> Result<FileReport, SourceError> {
        let source = SourceText::decode(bytes)?;
        Ok(self.lint_source(name, source, format))
    }

    pub fn lint_source(
        &self,
        name: &str,
        source: SourceText,
        format: Option<Format>,
    ) -> FileReport {
        let format = format.unwrap_or_else(|| Linter::detect_format(name, &source.text));
        let notice = self.notice(&source.text, format);
        let result = self.engine.lint(&notice, &source.text, &self.options);
        let language = detect_language(&notice);
        FileReport {
            path: name.to_string(),
            format,
            language,
            source,
            notice,
            result,
        }
    }
}

/// The notice's main language, by counting common function words (among the
/// first 3,000 words of each text).
pub fn detect_language(n: &Notice) -> &'static str {
    let mut fi = 0;
    let mut sv = 0;
    let mut en = 0;
    let mut count = |w: &str| {
        // All the words below are 2 to 7 bytes long.
        if w.len() < 2 || w.len() > 7 {
            return;
        }
        match w {
            "ja" | "tai" | "on" | "ei" | "tietoja" | "tiedot" | "sekä" | "voi" | "jos" => fi += 1,
            "och" | "eller" | "är" | "att" | "som" | "för" | "av" | "inte" => sv += 1,
            "and" | "or" | "the" | "is" | "of" | "to" | "we" | "your" | "not" => en += 1,
            _ => {}
        }
    };
    for (_, t) in n.texts() {
        // `split(|c| !c.is_alphanumeric()).take(3000)`, with ASCII decided
        // byte by byte instead of char by char (this was ~8 % of the time).
        let text = t.text.as_str();
        let b = text.as_bytes();
        let (mut pieces, mut start, mut i) = (0, 0, 0);
        while i < b.len() && pieces < 3000 {
            let (sep, len) = if b[i] < 0x80 {
                (!b[i].is_ascii_alphanumeric(), 1)
            } else {
                let c = text[i..].chars().next().unwrap_or(' ');
                (!c.is_alphanumeric(), c.len_utf8())
            };
            if sep {
                count(&text[start..i]);
                pieces += 1;
                start = i + len;
            }
            i += len;
        }
        if pieces < 3000 {
            count(&text[start..]);
        }
    }
    if sv > fi && sv >= en {
        "sv"
    } else if en > fi && en > sv {
        "en"
    } else {
        "fi"
    }
}

#[cfg(test)]
mod tests {
    /// The byte-wise splitting counts the same words as `str::split`.
    #[test]
    fn language_split_matches_str_split() {
        fn reference(n: &crate::schema::Notice) -> &'static str {
            let (mut fi, mut sv, mut en) = (0, 0, 0);
            for (_, t) in n.texts() {
                for w in t.text.split(|c: char| !c.is_alphanumeric()).take(3000) {
                    match w {
                        "ja" | "tai" | "on" | "ei" | "tietoja" | "tiedot" | "sekä" | "voi"
                        | "jos" => fi += 1,
                        "och" | "eller" | "är" | "att" | "som" | "för" | "av" | "inte" => sv += 1,
                        "and" | "or" | "the" | "is" | "of" | "to" | "we" | "your" | "not" => {
                            en += 1
                        }
                        _ => {}
                    }
                }
            }
            if sv > fi && sv >= en {
                "sv"
            } else if en > fi && en > sv {
                "en"
            } else {
                "fi"
            }
        }
        let linter = super::Linter::builtin();
        let mut cases = vec![
            "och och ja".to_string(),
            "the and – ja, och·är".to_string(),
            "and ".repeat(3100) + &"ja ".repeat(10),
            "x".repeat(2999) + " och och och och",
            "och–the the".to_string(),
            "ja tai\u{a0}on ei och är¹ för".to_string(),
            format!("{}och och", ",".repeat(2998)),
            format!("{}och och", ",".repeat(2999)),
        ];
        cases.push(
            std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/languages/dataskyddsbeskrivning.md"
            ))
            .unwrap_or_default(),
        );
        for c in &cases {
            let n = linter.notice(c, crate::parse::Format::Text);
            assert_eq!(super::detect_language(&n), reference(&n), "{c:.60}");
        }
    }
}

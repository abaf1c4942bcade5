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

/// The notice's main language, by counting common function words.
pub fn detect_language(n: &Notice) -> &'static str {
    let mut fi = 0;
    let mut sv = 0;
    let mut en = 0;
    for (_, t) in n.texts() {
        for w in t.text.split(|c: char| !c.is_alphanumeric()).take(3000) {
            match w {
                "ja" | "tai" | "on" | "ei" | "tietoja" | "tiedot" | "sekä" | "voi" | "jos" => {
                    fi += 1
                }
                "och" | "eller" | "är" | "att" | "som" | "för" | "av" | "inte" => sv += 1,
                "and" | "or" | "the" | "is" | "of" | "to" | "we" | "your" | "not" => en += 1,
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

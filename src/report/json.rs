//! JSON: the `check` contract (docs/json.md) and the canonical notice of
//! `sections --format json`.

use serde_json::{json, Map, Value};

use super::{totals, FileError};
use crate::engine::Diagnostic;
use crate::lint::FileReport;
use crate::schema::{Key, Notice};
use crate::source::SourceText;

pub fn span(src: &SourceText, r: &std::ops::Range<usize>) -> Value {
    let lc = src.line_col(r.start);
    let end = src.line_col(r.end);
    json!({
        "start": r.start, "end": r.end,
        "line": lc.line, "column": lc.column,
        "end_line": end.line, "end_column": end.column,
    })
}

fn diagnostic(src: &SourceText, d: &Diagnostic) -> Value {
    let mut v = json!({
        "rule": d.rule,
        "category": d.category,
        "element": d.element.map(|k| k.name()),
        "severity": d.severity.name(),
        "message": d.message,
        "help": d.help,
        "reference": d.reference,
        "span": span(src, &d.span),
        "text": d.text,
        "quote": d.quote,
    });
    let m = v.as_object_mut().expect("object");
    if !d.related.is_empty() {
        m.insert(
            "related".into(),
            d.related
                .iter()
                .map(|r| json!({"message": r.message, "span": span(src, &r.span), "text": src.text.get(r.span.clone()).unwrap_or("")}))
                .collect(),
        );
    }
    if let Some(f) = &d.fix {
        m.insert(
            "fix".into(),
            json!({"span": span(src, &f.span), "replacement": f.replacement}),
        );
    }
    if let Some(reason) = &d.suppressed {
        m.insert("suppressed".into(), json!({"reason": reason}));
    }
    v
}

pub fn file(f: &FileReport) -> Value {
    let mut elements = Map::new();
    for k in Key::ELEMENTS {
        let st = f.result.elements.get(&k).copied();
        elements.insert(
            k.name().into(),
            json!({
                "status": st.map(|s| s.status.name()).unwrap_or("missing"),
                "section": st.and_then(|s| s.section),
            }),
        );
    }
    json!({
        "path": f.path,
        "format": f.format.name(),
        "language": f.language,
        "encoding": f.source.encoding,
        "elements": elements,
        "diagnostics": f.result.diagnostics.iter().map(|d| diagnostic(&f.source, d)).collect::<Vec<_>>(),
        "suppressed": f.result.suppressed.iter().map(|d| diagnostic(&f.source, d)).collect::<Vec<_>>(),
    })
}

/// The whole `check --format json` document.
pub fn check(files: &[FileReport], errors: &[FileError]) -> Value {
    let t = totals(files, errors);
    json!({
        "version": 1,
        "files": files.iter().map(file).collect::<Vec<_>>(),
        "errors": errors.iter().map(|e| json!({"path": e.path, "message": e.message})).collect::<Vec<_>>(),
        "summary": {
            "files": t.files,
            "unreadable": t.unreadable,
            "errors": t.errors,
            "warnings": t.warnings,
            "infos": t.infos,
            "suppressed": t.suppressed,
        },
    })
}

/// The canonical notice (`sections --format json`), see docs/json.md.
pub fn notice(path: &str, src: &SourceText, n: &Notice, language: &str) -> Value {
    let text_span = |t: &crate::normalize::NormText| t.full_source_range().map(|r| span(src, &r));
    json!({
        "path": path,
        "format": n.format.name(),
        "language": language,
        "encoding": src.encoding,
        "title": n.title.as_ref().map(|t| json!({
            "text": t.raw.text.split_whitespace().collect::<Vec<_>>().join(" "),
            "span": text_span(t),
        })),
        "register_name": n.register_name,
        "date": n.date.as_ref().map(|d| json!({"text": d.text, "iso": d.iso, "span": span(src, &d.span)})),
        "sections": n.sections.iter().map(|s| json!({
            "heading": s.heading_text,
            "level": s.level,
            "keys": if s.keys.is_empty() { vec!["other"] } else { s.keys.iter().map(|k| k.name()).collect() },
            "heading_span": span(src, &s.heading_span),
            "body": s.body.raw.text,
            "body_span": s.body_span.as_ref().map(|r| span(src, r)),
        })).collect::<Vec<_>>(),
    })
}

/// [`file`] with the `chosen` entry, written as pretty JSON nested `levels`
/// deep (two spaces a level) without building a `Value` first: that tree and
/// the re-indenting of its text were a tenth of `check --format json`.
/// The same text as `to_string_pretty` of the `Value`, re-indented (a test
/// compares them on every fixture).
pub fn file_text(f: &FileReport, chosen: (&str, &str), levels: usize) -> String {
    use serde::Serialize;
    use std::collections::BTreeMap;

    // Fields in alphabetical order: the order of `serde_json::Map`.
    #[derive(Serialize)]
    struct SpanOut {
        column: u32,
        end: usize,
        end_column: u32,
        end_line: u32,
        line: u32,
        start: usize,
    }
    #[derive(Serialize)]
    struct ElementOut {
        section: Option<usize>,
        status: &'static str,
    }
    #[derive(Serialize)]
    struct RelatedOut<'a> {
        message: &'a str,
        span: SpanOut,
        text: &'a str,
    }
    #[derive(Serialize)]
    struct FixOut<'a> {
        replacement: &'a str,
        span: SpanOut,
    }
    #[derive(Serialize)]
    struct ReasonOut<'a> {
        reason: &'a Option<String>,
    }
    #[derive(Serialize)]
    struct DiagOut<'a> {
        category: &'a str,
        element: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        fix: Option<FixOut<'a>>,
        help: &'a str,
        message: &'a str,
        quote: &'a str,
        reference: &'a str,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        related: Vec<RelatedOut<'a>>,
        rule: &'a str,
        severity: &'static str,
        span: SpanOut,
        #[serde(skip_serializing_if = "Option::is_none")]
        suppressed: Option<ReasonOut<'a>>,
        text: &'a str,
    }
    #[derive(Serialize)]
    struct ChosenOut<'a> {
        by: &'a str,
        detail: &'a str,
    }
    #[derive(Serialize)]
    struct FileOut<'a> {
        chosen: ChosenOut<'a>,
        diagnostics: Vec<DiagOut<'a>>,
        elements: BTreeMap<&'static str, ElementOut>,
        encoding: &'static str,
        format: &'static str,
        language: &'a str,
        path: &'a str,
        suppressed: Vec<DiagOut<'a>>,
    }

    fn span(src: &SourceText, r: &std::ops::Range<usize>) -> SpanOut {
        let lc = src.line_col(r.start);
        let end = src.line_col(r.end);
        SpanOut {
            column: lc.column,
            end: r.end,
            end_column: end.column,
            end_line: end.line,
            line: lc.line,
            start: r.start,
        }
    }
    fn diag<'a>(src: &'a SourceText, d: &'a Diagnostic) -> DiagOut<'a> {
        DiagOut {
            category: &d.category,
            element: d.element.map(|k| k.name()),
            fix: d.fix.as_ref().map(|x| FixOut {
                replacement: &x.replacement,
                span: span(src, &x.span),
            }),
            help: &d.help,
            message: &d.message,
            quote: &d.quote,
            reference: &d.reference,
            related: d
                .related
                .iter()
                .map(|r| RelatedOut {
                    message: &r.message,
                    span: span(src, &r.span),
                    text: src.text.get(r.span.clone()).unwrap_or(""),
                })
                .collect(),
            rule: &d.rule,
            severity: d.severity.name(),
            span: span(src, &d.span),
            suppressed: d.suppressed.as_ref().map(|_| ReasonOut {
                reason: &d.suppressed,
            }),
            text: &d.text,
        }
    }
    let src = &f.source;
    let out = FileOut {
        chosen: ChosenOut {
            by: chosen.0,
            detail: chosen.1,
        },
        diagnostics: f.result.diagnostics.iter().map(|d| diag(src, d)).collect(),
        elements: Key::ELEMENTS
            .iter()
            .map(|k| {
                let st = f.result.elements.get(k).copied();
                (
                    k.name(),
                    ElementOut {
                        section: st.and_then(|s| s.section),
                        status: st.map(|s| s.status.name()).unwrap_or("missing"),
                    },
                )
            })
            .collect(),
        encoding: src.encoding,
        format: f.format.name(),
        language: f.language,
        path: &f.path,
        suppressed: f.result.suppressed.iter().map(|d| diag(src, d)).collect(),
    };
    let mut buf = Vec::with_capacity(4096);
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, Nested::new(levels));
    out.serialize(&mut ser).expect("writing to a Vec");
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

/// serde_json's `PrettyFormatter` (two spaces), starting `levels` deep.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn new(levels: usize) -> Nested {
        Nested {
            level: levels,
            has_value: false,
        }
    }

    fn indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl Nested {
    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    /// `file_text` writes what the `Value` of [`super::file`] would, on every
    /// fixture (findings with fixes, related spans and suppressions among them).
    #[test]
    fn file_text_is_the_pretty_value() {
        let files = crate::files_under("fixtures");
        let linter = crate::lint::Linter::builtin();
        let (mut n, mut fixes, mut related, mut suppressed) = (0, 0, 0, 0);
        // A suppressed finding with its reason (no fixture has one).
        let suppressing = b"# Tietosuojaseloste\n\n## Rekister\xc3\xb6\n\n\
            <!-- seloste-disable-next-line placeholder-text -- esimerkki -->\n\
            Esimerkki Oy, (s-postiosoite)\n";
        let inputs = files
            .into_iter()
            .map(|p| {
                (
                    p.to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap_or_default(),
                )
            })
            .chain([("suppressed.md".to_string(), suppressing.to_vec())]);
        for (name, bytes) in inputs {
            if bytes.len() > 1 << 20 {
                continue;
            }
            let Ok(f) = linter.lint_bytes(&name, &bytes, None) else {
                continue;
            };
            let mut v = super::file(&f);
            v.as_object_mut().unwrap().insert(
                "chosen".into(),
                serde_json::json!({"by": "named", "detail": "a \"quoted\" detail"}),
            );
            let want = crate::report::sarif::indent(&serde_json::to_string_pretty(&v).unwrap(), 4);
            let got = super::file_text(&f, ("named", "a \"quoted\" detail"), 2);
            assert_eq!(got, want, "{name}");
            n += 1;
            let all = f.result.diagnostics.iter().chain(&f.result.suppressed);
            for d in all {
                fixes += usize::from(d.fix.is_some());
                related += usize::from(!d.related.is_empty());
                suppressed += usize::from(d.suppressed.is_some());
            }
        }
        assert!(
            n > 30 && fixes > 0 && related > 0 && suppressed > 0,
            "{n} {fixes} {related} {suppressed}"
        );
    }
}

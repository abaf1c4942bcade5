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

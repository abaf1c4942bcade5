//! SARIF 2.1.0 for GitHub code scanning and other tools. Columns are
//! Unicode code points (`columnKind`), the same as the human output.

use serde_json::{json, Value};

use crate::engine::{Diagnostic, Engine, Severity};
use crate::lint::FileReport;

const HELP_BASE: &str = "https://github.com/seloste/seloste/blob/main/docs/rules.md#";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    p.strip_prefix("./").unwrap_or(&p).to_string()
}

fn result(f: &FileReport, d: &Diagnostic, rule_index: Option<usize>, fingerprint: &str) -> Value {
    let a = f.source.line_col(d.span.start);
    let b = f.source.line_col(d.span.end);
    let mut r = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": {"text": if d.help.is_empty() { d.message.clone() } else { format!("{} — {}", d.message, d.help) }},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri(&f.path)},
                "region": {
                    "startLine": a.line, "startColumn": a.column,
                    "endLine": b.line, "endColumn": b.column,
                    "charOffset": d.span.start, "charLength": d.span.end - d.span.start,
                    "snippet": {"text": d.text},
                }
            }
        }],
        "partialFingerprints": {"selosteFinding/v1": fingerprint},
    });
    let m = r.as_object_mut().expect("object");
    if let Some(i) = rule_index {
        m.insert("ruleIndex".into(), json!(i));
    }
    if let Some(reason) = &d.suppressed {
        m.insert(
            "suppressions".into(),
            json!([{"kind": "inSource", "justification": reason}]),
        );
    }
    r
}

pub fn render(files: &[FileReport], engine: &Engine, lang: &str) -> Value {
    let rules: Vec<Value> = engine
        .rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id.split('-').map(|w| {
                    let mut c = w.chars();
                    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
                }).collect::<String>(),
                "shortDescription": {"text": r.message(lang)},
                "fullDescription": {"text": if r.docs.is_empty() { format!("{} {}", r.message(lang), r.help(lang)) } else { r.docs.trim().to_string() }},
                "help": {"text": format!("{}\n{}", r.help(lang), r.reference)},
                "helpUri": format!("{HELP_BASE}{}", r.id),
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"category": r.category, "tags": [r.category]},
            })
        })
        .collect();
    let index = |id: &str| engine.rules.iter().position(|r| r.id == id);
    let mut results = Vec::new();
    for f in files {
        let prints = crate::report::fingerprints(f);
        for (d, p) in f
            .result
            .diagnostics
            .iter()
            .chain(&f.result.suppressed)
            .zip(&prints)
        {
            results.push(result(f, d, index(&d.rule), p));
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "seloste",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/seloste/seloste",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

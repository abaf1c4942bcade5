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

/// The artifact URI: a relative path with forward slashes, or the URL a
/// page was fetched from. Characters that a URI reference cannot hold
/// (spaces, ä, `%`, `#`...) are percent-encoded as UTF-8, so that the path
/// is a valid `uri-reference` (SARIF §3.10) and GitHub finds the file.
pub fn uri(path: &str) -> String {
    if crate::fetch::looks_like_url(path) {
        return percent_encode(path, true);
    }
    let p = path.replace('\\', "/");
    let mut p = p.as_str();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    percent_encode(p, false)
}

fn percent_encode(s: &str, url: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b'@')
            // A URL keeps its own scheme, port, query and escapes; in a file
            // name these are literal characters.
            || (url && matches!(b, b':' | b'?' | b'#' | b'%' | b'[' | b']'));
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Code points before byte offset `off` (SARIF `charOffset` counts
/// characters, like the columns, not bytes).
fn char_offset(text: &str, off: usize) -> usize {
    let mut o = off.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    text[..o].chars().count()
}

fn result(f: &FileReport, d: &Diagnostic, rule_index: Option<usize>, fingerprint: &str) -> Value {
    let a = f.source.line_col(d.span.start);
    let b = f.source.line_col(d.span.end);
    let c0 = char_offset(&f.source.text, d.span.start);
    let c1 = char_offset(&f.source.text, d.span.end);
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
                    "charOffset": c0, "charLength": c1 - c0,
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

/// `tool.driver.rules`: every rule of the catalogue in use.
pub fn rules(engine: &Engine, lang: &str) -> Vec<Value> {
    engine
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
        .collect()
}

/// The results of one file: active findings, then suppressed ones (with
/// `suppressions[].justification`).
pub fn file_results(f: &FileReport, engine: &Engine) -> Vec<Value> {
    let index = |id: &str| engine.rules.iter().position(|r| r.id == id);
    let prints = crate::report::fingerprints(f);
    f.result
        .diagnostics
        .iter()
        .chain(&f.result.suppressed)
        .zip(&prints)
        .map(|(d, p)| result(f, d, index(&d.rule), p))
        .collect()
}

/// `invocations`: whether the run succeeded, and every unreadable input as
/// an error notification (so code scanning shows that a page was not read).
pub fn invocations(errors: &[crate::report::FileError]) -> Value {
    let notes: Vec<Value> = errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": {"text": format!("{}: {}", e.path, e.message)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&e.path)}}}],
            })
        })
        .collect();
    json!([{"executionSuccessful": errors.is_empty(), "toolExecutionNotifications": notes}])
}

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn driver(engine: &Engine, lang: &str) -> Value {
    json!({"driver": {
        "name": "seloste",
        "version": env!("CARGO_PKG_VERSION"),
        "informationUri": "https://github.com/seloste/seloste",
        "rules": rules(engine, lang),
    }})
}

/// Indents every line but the first of a pretty-printed JSON value (JSON
/// strings never hold a raw newline, so lines are safe to indent).
pub fn indent(pretty: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    pretty.replace('\n', &format!("\n{pad}"))
}

/// Streaming: everything up to the opening of `results`. Write this, then
/// the results separated by [`SEPARATOR`] (each made with [`result_text`]),
/// then [`close`].
pub fn open(engine: &Engine, lang: &str) -> String {
    let tool = serde_json::to_string_pretty(&driver(engine, lang)).unwrap_or_default();
    format!(
        "{{\n  \"$schema\": \"{SCHEMA}\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"tool\": {},\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [",
        indent(&tool, 6)
    )
}

pub const SEPARATOR: &str = ",";

/// One result, indented for its place in the streamed document.
pub fn result_text(v: &Value) -> String {
    format!(
        "\n        {}",
        indent(&serde_json::to_string_pretty(v).unwrap_or_default(), 8)
    )
}

/// Closes what [`open`] began; `any` says whether results were written.
pub fn close(any: bool, errors: &[crate::report::FileError]) -> String {
    let inv = serde_json::to_string_pretty(&invocations(errors)).unwrap_or_default();
    format!(
        "{}],\n      \"invocations\": {}\n    }}\n  ]\n}}\n",
        if any { "\n      " } else { "" },
        indent(&inv, 6)
    )
}

/// The whole log as one value (the CLI streams the same document with
/// [`open`], [`result_text`] and [`close`]).
pub fn render(files: &[FileReport], engine: &Engine, lang: &str) -> Value {
    render_with_errors(files, &[], engine, lang)
}

pub fn render_with_errors(
    files: &[FileReport],
    errors: &[crate::report::FileError],
    engine: &Engine,
    lang: &str,
) -> Value {
    let results: Vec<Value> = files.iter().flat_map(|f| file_results(f, engine)).collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": driver(engine, lang),
            "columnKind": "unicodeCodePoints",
            "results": results,
            "invocations": invocations(errors),
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn artifact_uris_are_uri_references() {
        assert_eq!(uri("./public/tietosuoja.html"), "public/tietosuoja.html");
        assert_eq!(uri("public\\fi\\ehdot.html"), "public/fi/ehdot.html");
        assert_eq!(uri("luonnos, v2: ä.txt"), "luonnos,%20v2%3A%20%C3%A4.txt");
        assert_eq!(uri("100% #1.md"), "100%25%20%231.md");
        assert_eq!(
            uri("https://example.fi:8443/tietosuoja?lang=fi#top"),
            "https://example.fi:8443/tietosuoja?lang=fi#top"
        );
        assert_eq!(
            uri("https://example.fi/yksityisyys ja evästeet"),
            "https://example.fi/yksityisyys%20ja%20ev%C3%A4steet"
        );
    }
}

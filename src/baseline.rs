//! `--baseline FILE`: adopting seloste on a site that already has findings.
//!
//! The first run (no FILE yet) writes today's findings and passes; later
//! runs report only findings that are not in FILE. A finding is keyed by its
//! path and [`crate::report::fingerprint`] (rule, element, the normalized
//! text of the finding and which occurrence of that text it is), not by its
//! line number, so edits elsewhere in the notice do not bring it back.
//!
//! The file is JSON, sorted, one finding a line, so that it diffs well when
//! committed:
//!
//! ```json
//! {"version": 1, "findings": [
//! {"path": "public/tietosuoja.html", "fingerprint": "3f0c…", "rule": "placeholder-text", "line": 12, "text": "[yrityksen nimi]"}
//! ]}
//! ```
//!
//! `rule`, `line` and `text` are there for the reader; only `path` and
//! `fingerprint` are compared.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::lint::FileReport;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub path: String,
    pub fingerprint: String,
    #[serde(default)]
    pub rule: String,
    #[serde(default)]
    pub line: u32,
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

/// The path as it is compared: forward slashes, no leading `./`.
pub fn key_path(path: &str) -> String {
    let p = path.replace('\\', "/");
    let mut p = p.as_str();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p.to_string()
}

/// Today's active findings as baseline entries, sorted.
pub fn entries(files: &[FileReport]) -> Vec<Entry> {
    let mut out: Vec<Entry> = files
        .iter()
        .flat_map(|f| {
            // Active findings come first in `fingerprints`.
            let prints = crate::report::fingerprints(f);
            f.result
                .diagnostics
                .iter()
                .zip(prints)
                .map(move |(d, fingerprint)| Entry {
                    path: key_path(&f.path),
                    fingerprint,
                    rule: d.rule.to_string(),
                    line: f.source.line_col(d.span.start).line,
                    text: d.text.chars().take(120).collect(),
                })
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Writes the baseline file.
pub fn write(path: &Path, entries: &[Entry]) -> Result<(), String> {
    let mut s = String::from("{\"version\": 1, \"findings\": [\n");
    for (i, e) in entries.iter().enumerate() {
        s.push_str(&serde_json::to_string(e).map_err(|e| e.to_string())?);
        if i + 1 < entries.len() {
            s.push(',');
        }
        s.push('\n');
    }
    s.push_str("]}\n");
    std::fs::write(path, s)
        .map_err(|e| format!("cannot write the baseline {}: {e}", path.display()))
}

/// Reads a baseline file: the set of `(path, fingerprint)` keys.
pub fn read(path: &Path) -> Result<BTreeSet<(String, String)>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the baseline {}: {e}", path.display()))?;
    let b: BaselineFile = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: not a seloste baseline ({e}); delete it to write a new one",
            path.display()
        )
    })?;
    if b.version != 1 {
        return Err(format!(
            "{}: baseline version {} is not supported (this seloste writes version 1)",
            path.display(),
            b.version
        ));
    }
    Ok(b.findings
        .into_iter()
        .map(|e| (key_path(&e.path), e.fingerprint))
        .collect())
}

/// Drops the findings that are in the baseline; returns how many were
/// hidden. Fingerprints are computed before anything is dropped, so the
/// occurrence numbers match the ones written.
pub fn apply(files: &mut [FileReport], known: &BTreeSet<(String, String)>) -> usize {
    let mut hidden = 0;
    for f in files.iter_mut() {
        let path = key_path(&f.path);
        let prints = crate::report::fingerprints(f);
        let keep: Vec<bool> = f
            .result
            .diagnostics
            .iter()
            .zip(prints)
            .map(|(_, p)| !known.contains(&(path.clone(), p)))
            .collect();
        let before = f.result.diagnostics.len();
        let mut it = keep.iter();
        f.result.diagnostics.retain(|_| *it.next().unwrap_or(&true));
        hidden += before - f.result.diagnostics.len();
    }
    hidden
}

//! Renderers: each is a small adapter over [`crate::engine::Diagnostic`] and
//! the canonical notice. Positions come from one place, the source's line
//! index.

pub mod audit;
pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use crate::engine::Severity;
use crate::lint::FileReport;

/// A file that could not be read, reported alongside the linted ones.
#[derive(Debug, Clone)]
pub struct FileError {
    pub path: String,
    pub message: String,
}

/// Counts by severity over all files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    pub unreadable: usize,
}

pub fn totals(files: &[FileReport], errors: &[FileError]) -> Totals {
    let mut t = Totals {
        files: files.len(),
        unreadable: errors.len(),
        ..Default::default()
    };
    for f in files {
        for d in &f.result.diagnostics {
            match d.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Info => t.infos += 1,
            }
        }
        t.suppressed += f.result.suppressed.len();
    }
    t
}

/// A key for a finding that survives unrelated edits: the rule, the file and
/// the normalized text of the finding (not its line number), plus which
/// occurrence of that text it is.
pub fn fingerprint(f: &FileReport, d: &crate::engine::Diagnostic) -> String {
    let norm = normalized(&d.text);
    let nth = f
        .result
        .diagnostics
        .iter()
        .chain(&f.result.suppressed)
        .filter(|o| o.rule == d.rule && o.span.start < d.span.start)
        .filter(|o| normalized(&o.text) == norm)
        .count();
    hash(d, &norm, nth)
}

/// [`fingerprint`] of every finding of a file (active, then suppressed) in
/// one pass: calling [`fingerprint`] for each of n findings costs n², which
/// made SARIF output of a page with 100,000 findings take hours.
pub fn fingerprints(f: &FileReport) -> Vec<String> {
    let all: Vec<_> = f
        .result
        .diagnostics
        .iter()
        .chain(&f.result.suppressed)
        .collect();
    let norms: Vec<String> = all.iter().map(|d| normalized(&d.text)).collect();
    let mut starts: std::collections::HashMap<(&str, &str), Vec<usize>> = Default::default();
    for (d, n) in all.iter().zip(&norms) {
        starts
            .entry((d.rule.as_str(), n.as_str()))
            .or_default()
            .push(d.span.start);
    }
    for v in starts.values_mut() {
        v.sort_unstable();
    }
    all.iter()
        .zip(&norms)
        .map(|(d, n)| {
            let nth = starts[&(d.rule.as_str(), n.as_str())].partition_point(|&s| s < d.span.start);
            hash(d, n, nth)
        })
        .collect()
}

fn normalized(text: &str) -> String {
    text.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn hash(d: &crate::engine::Diagnostic, norm: &str, nth: usize) -> String {
    // FNV-1a: stable across runs and platforms.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in format!(
        "{}\0{}\0{}\0{}",
        d.rule,
        d.element.map(|k| k.name()).unwrap_or(""),
        norm,
        nth
    )
    .bytes()
    {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

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
    let norm: String = d
        .text
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let nth = f
        .result
        .diagnostics
        .iter()
        .chain(&f.result.suppressed)
        .filter(|o| o.rule == d.rule && o.span.start < d.span.start)
        .filter(|o| {
            o.text
                .to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                == norm
        })
        .count();
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

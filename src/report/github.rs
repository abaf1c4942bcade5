//! GitHub Actions workflow commands (annotations on the changed files).

use std::fmt::Write;

use crate::engine::Severity;
use crate::lint::FileReport;

/// Escapes message data as the workflow command syntax requires.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Property values additionally escape `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(files: &[FileReport]) -> String {
    let mut out = String::new();
    for f in files {
        for d in &f.result.diagnostics {
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let a = f.source.line_col(d.span.start);
            let b = f.source.line_col(d.span.end);
            let mut props = format!("file={},line={},", escape_property(&f.path), a.line);
            if a.line == b.line {
                let _ = write!(
                    props,
                    "endLine={},col={},endColumn={},",
                    b.line, a.column, b.column
                );
            } else {
                let _ = write!(props, "endLine={},", b.line);
            }
            let _ = write!(props, "title={}", escape_property(&d.rule));
            let _ = writeln!(out, "::{level} {props}::{}", escape_data(&d.message));
        }
    }
    out
}

/// An unreadable input as a workflow error (on the file when it is one).
pub fn file_error(e: &crate::report::FileError) -> String {
    format!(
        "::error file={},title=seloste::{}\n",
        escape_property(&e.path),
        escape_data(&e.message)
    )
}

//! `path:line:col: severity[rule] message`, one finding a line.

use std::fmt::Write;

use crate::lint::FileReport;

pub fn render(files: &[FileReport]) -> String {
    let mut out = String::new();
    for f in files {
        for d in &f.result.diagnostics {
            let lc = f.source.line_col(d.span.start);
            let _ = writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                f.path,
                lc.line,
                lc.column,
                d.severity.name(),
                d.rule,
                d.message
            );
        }
    }
    out
}

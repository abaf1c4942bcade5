//! `path:line:col: severity[rule] message`, one finding a line.

use super::json::push_decimal;
use super::line_cols;
use crate::lint::FileReport;

/// One `path:line:col: severity[rule] message` line a finding.
pub fn render(files: &[FileReport]) -> String {
    let mut out = String::new();
    render_into(&mut out, files);
    out
}

/// [`render`], appended to `out` (with one thread, the CLI's output buffer).
pub fn render_into(out: &mut String, files: &[FileReport]) {
    for f in files {
        let diagnostics = &f.result.diagnostics;
        let starts: Vec<usize> = diagnostics.iter().map(|d| d.span.start).collect();
        let at = line_cols(f, &starts);
        out.reserve(diagnostics.len() * (f.path.len() + 120));
        for (d, lc) in diagnostics.iter().zip(at) {
            out.push_str(&f.path);
            out.push(':');
            push_decimal(out, lc.line.into());
            out.push(':');
            push_decimal(out, lc.column.into());
            out.push_str(": ");
            out.push_str(d.severity.name());
            out.push('[');
            out.push_str(&d.rule);
            out.push_str("] ");
            out.push_str(&d.message);
            out.push('\n');
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use crate::lint::FileReport;
    use std::fmt::Write;

    /// [`super::render`] as it was written first, with `writeln!` and
    /// `line_col` (compared in the GitHub writer's test).
    pub(in crate::report) fn render_by_format(files: &[FileReport]) -> String {
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
}

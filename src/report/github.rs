//! GitHub Actions workflow commands (annotations on the changed files).

use super::json::push_decimal;
use super::line_cols;
use crate::engine::Severity;
use crate::lint::FileReport;

/// Appends `s` escaped as the workflow command syntax requires: `%`, CR
/// and LF in message data, and in a property value (`property`) also `:`
/// and `,`.
fn push_escaped(out: &mut String, s: &str, property: bool) {
    let b = s.as_bytes();
    // Start of the bytes not yet written.
    let mut done = 0;
    loop {
        // Messages are the long values; they need only a vector search.
        let next = if property {
            b[done..]
                .iter()
                .position(|c| matches!(c, b'%' | b'\r' | b'\n' | b':' | b','))
        } else {
            memchr::memchr3(b'%', b'\r', b'\n', &b[done..])
        };
        let Some(k) = next else { break };
        let i = done + k;
        out.push_str(&s[done..i]);
        out.push_str(match b[i] {
            b'%' => "%25",
            b'\r' => "%0D",
            b'\n' => "%0A",
            b':' => "%3A",
            _ => "%2C",
        });
        done = i + 1;
    }
    out.push_str(&s[done..]);
}

/// One workflow command a finding (`::error file=…,line=…::message`).
pub fn render(files: &[FileReport]) -> String {
    let mut out = String::new();
    render_into(&mut out, files);
    out
}

/// [`render`], appended to `out` (with one thread, the CLI's output buffer).
pub fn render_into(out: &mut String, files: &[FileReport]) {
    for f in files {
        let diagnostics = &f.result.diagnostics;
        let offsets: Vec<usize> = diagnostics
            .iter()
            .flat_map(|d| [d.span.start, d.span.end])
            .collect();
        let at = line_cols(f, &offsets);
        out.reserve(diagnostics.len() * 200);
        for (d, ab) in diagnostics.iter().zip(at.chunks_exact(2)) {
            let (a, b) = (ab[0], ab[1]);
            out.push_str(match d.severity {
                Severity::Error => "::error file=",
                Severity::Warning => "::warning file=",
                Severity::Info => "::notice file=",
            });
            push_escaped(out, &f.path, true);
            out.push_str(",line=");
            push_decimal(out, a.line.into());
            out.push_str(",endLine=");
            push_decimal(out, b.line.into());
            // Columns only for a span on one line.
            if a.line == b.line {
                out.push_str(",col=");
                push_decimal(out, a.column.into());
                out.push_str(",endColumn=");
                push_decimal(out, b.column.into());
            }
            out.push_str(",title=");
            push_escaped(out, &d.rule, true);
            out.push_str("::");
            push_escaped(out, &d.message, false);
            out.push('\n');
        }
    }
}

/// An unreadable input as a workflow error (on the file when it is one).
pub fn file_error(e: &crate::report::FileError) -> String {
    let mut out = String::from("::error file=");
    push_escaped(&mut out, &e.path, true);
    out.push_str(",title=seloste::");
    push_escaped(&mut out, &e.message, false);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write;

    /// The escaping as it was written first: three to five `replace` passes.
    fn escape_data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }

    fn escape_property(s: &str) -> String {
        escape_data(s).replace(':', "%3A").replace(',', "%2C")
    }

    /// [`render`] as it was written first, with `format!` and `line_col`.
    fn render_by_format(files: &[FileReport]) -> String {
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

    #[test]
    fn escaping_is_the_replace_passes() {
        let mut next = crate::xorshift(0x3c6e_f372_fe94_f82b);
        let pieces = ["a", "%", "\r", "\n", ":", ",", "ä", "%25", " ", "::"];
        for _ in 0..5000 {
            let len = (next() % 20) as usize;
            let s: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            for property in [false, true] {
                let mut got = String::from("x");
                push_escaped(&mut got, &s, property);
                let want = if property {
                    escape_property(&s)
                } else {
                    escape_data(&s)
                };
                assert_eq!(got, format!("x{want}"), "{s:?}");
            }
        }
    }

    #[test]
    fn decimals() {
        for n in [0, 1, 9, 10, 99, 100, 12345, 999_999_999, u32::MAX] {
            let mut got = String::from("é");
            push_decimal(&mut got, n.into());
            assert_eq!(got, format!("é{n}"));
        }
    }

    /// Every fixture, and findings in any order with spans over lines and
    /// past the end, as the first writer wrote them.
    #[test]
    fn render_is_the_format_writer_s() {
        let linter = crate::lint::Linter::builtin();
        let mut n = 0;
        for mut f in crate::report::linted_fixtures(&linter) {
            n += f.result.diagnostics.len();
            let files = std::slice::from_ref(&f);
            assert_eq!(render(files), render_by_format(files));
            assert_eq!(
                crate::report::concise::render(files),
                crate::report::concise::tests::render_by_format(files)
            );
            // Reversed, with every span's end moved to the end of the text.
            f.result.diagnostics.reverse();
            let len = f.source.text.len();
            for d in f.result.diagnostics.iter_mut().step_by(2) {
                d.span.end = len;
            }
            let f = crate::lint::FileReport {
                path: "polku, jossa: 100%\n.md".into(),
                ..f
            };
            let files = std::slice::from_ref(&f);
            assert_eq!(render(files), render_by_format(files));
            assert_eq!(
                crate::report::concise::render(files),
                crate::report::concise::tests::render_by_format(files)
            );
        }
        assert!(n > 100, "{n} findings");
    }

    #[test]
    fn file_errors_escape_path_and_message() {
        let e = crate::report::FileError {
            path: "a, b: 100%.html".into(),
            message: "ei voi lukea:\r\nrikki".into(),
        };
        assert_eq!(
            file_error(&e),
            "::error file=a%2C b%3A 100%25.html,title=seloste::ei voi lukea:%0D%0Arikki\n"
        );
    }
}

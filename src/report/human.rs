//! rustc-style output through codespan-reporting: the source snippet with the
//! span underlined, rule id, message, help and legal reference.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor::WriteColor};

use std::ops::Range;

use super::{FileError, Totals};
use crate::engine::Severity;
use crate::lint::FileReport;
use crate::source::SourceText;

fn cs_severity(s: Severity) -> CsSeverity {
    match s {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    }
}

pub fn render(w: &mut dyn WriteColor, f: &FileReport, lang: &str) -> std::io::Result<()> {
    let file = SimpleFile::new(f.path.as_str(), f.source.text.as_str());
    let config = term::Config::default();
    let legal = if lang == "en" {
        "legal reference"
    } else {
        "lainkohta"
    };
    for d in &f.result.diagnostics {
        let mut labels = Vec::new();
        let mut notes = Vec::new();
        match snippet_span(&f.source, &d.span) {
            Some(span) => labels.push(Label::primary((), span)),
            None => notes.push(location_note(f, &d.span, &d.quote)),
        }
        for r in &d.related {
            match snippet_span(&f.source, &r.span) {
                Some(span) => {
                    labels.push(Label::secondary((), span).with_message(r.message.clone()))
                }
                None => notes.push(format!("{}: {}", location_note(f, &r.span, ""), r.message)),
            }
        }
        if !d.help.is_empty() {
            notes.push(format!("help: {}", d.help));
        }
        if !d.reference.is_empty() {
            notes.push(format!("{legal}: {}", d.reference));
        }
        let diag = CsDiagnostic::new(cs_severity(d.severity))
            .with_code(d.rule.clone())
            .with_message(d.message.clone())
            .with_labels(labels)
            .with_notes(notes);
        term::emit_to_write_style(w, &config, &file, &diag).map_err(std::io::Error::other)?;
    }
    Ok(())
}

/// Longest source line shown as a snippet, and most source bytes one label
/// may show. codespan-reporting prints every line a label covers, in full: a
/// finding on a 10 MB minified line, or a heading span that runs to the end
/// of a broken page, would print megabytes per finding.
const MAX_SNIPPET_LINE: usize = 4096;
const MAX_SNIPPET: usize = 16 * 1024;

/// The part of `span` to underline: the whole span when its lines are short,
/// only its first line when the span is long, nothing when that line is long.
fn snippet_span(src: &SourceText, span: &Range<usize>) -> Option<Range<usize>> {
    let first = src.line_index(span.start);
    let line_start = src.line_start(first);
    let line_end = src.line_start(first + 1).min(src.text.len());
    if line_end - line_start > MAX_SNIPPET_LINE {
        return None;
    }
    let last_end = src.line_start(src.line_index(span.end) + 1);
    if last_end.min(src.text.len()) - line_start <= MAX_SNIPPET {
        return Some(span.clone());
    }
    let end = src.text[..line_end].trim_end_matches(['\n', '\r']).len();
    Some(span.start..end.max(span.start))
}

/// `at PATH:LINE:COLUMN: "quote"` for a finding shown without its snippet.
fn location_note(f: &FileReport, span: &Range<usize>, quote: &str) -> String {
    let lc = f.source.line_col(span.start);
    let mut s = format!("at {}:{}:{}", f.path, lc.line, lc.column);
    if !quote.is_empty() {
        let mut q: String = quote.chars().take(120).collect();
        if q.len() < quote.len() {
            q.push('…');
        }
        s.push_str(&format!(": \"{q}\""));
    }
    s
}

pub fn summary(t: &Totals, errors: &[FileError], lang: &str) -> String {
    let mut s = if lang == "en" {
        format!(
            "{} file(s) checked: {} error(s), {} warning(s), {} info",
            t.files, t.errors, t.warnings, t.infos
        )
    } else {
        format!(
            "{} tiedosto(a) tarkistettu: {} virhe(ttä), {} varoitus(ta), {} huomautus(ta)",
            t.files, t.errors, t.warnings, t.infos
        )
    };
    if t.suppressed > 0 {
        s.push_str(&format!(", {} suppressed", t.suppressed));
    }
    if !errors.is_empty() {
        s.push_str(&format!(", {} unreadable", errors.len()));
    }
    s
}

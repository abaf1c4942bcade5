//! rustc-style output through codespan-reporting: the source snippet with the
//! span underlined, rule id, message, help and legal reference.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor::WriteColor};

use super::{FileError, Totals};
use crate::engine::Severity;
use crate::lint::FileReport;

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
        let mut labels = vec![Label::primary((), d.span.clone())];
        for r in &d.related {
            labels.push(Label::secondary((), r.span.clone()).with_message(r.message.clone()));
        }
        let mut notes = Vec::new();
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

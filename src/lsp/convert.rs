//! seloste findings as LSP diagnostics, hovers and code actions.

use std::collections::HashMap;
use std::ops::Range;

use gen_lsp_types as lsp;

use super::text::{Encoding, Text};
use crate::engine::{self, Engine, Severity};
use crate::parse::Format;

/// The rule id of the engine's own "this suppression silences nothing".
const UNUSED_SUPPRESSION: &str = "unused-suppression";

/// What the conversions need to know about one linted document.
pub struct Doc<'a> {
    pub uri: &'a str,
    pub text: &'a Text,
    pub format: Format,
    pub enc: Encoding,
    /// Message language (fi, en, sv).
    pub lang: &'a str,
}

fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::Error,
        Severity::Warning => lsp::DiagnosticSeverity::Warning,
        Severity::Info => lsp::DiagnosticSeverity::Information,
    }
}

/// One finding as an LSP diagnostic: code = rule id, source "seloste", the
/// help after the message, the other side of a contradiction as related
/// information.
pub fn diagnostic(doc: &Doc<'_>, d: &engine::Diagnostic) -> lsp::Diagnostic {
    let message = if d.help.is_empty() {
        d.message.clone()
    } else {
        format!("{}\n{}", d.message, d.help)
    };
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .map(|r| lsp::DiagnosticRelatedInformation {
            location: lsp::Location {
                uri: doc.uri.into(),
                range: doc.text.range(&r.span, doc.enc),
            },
            message: r.message.clone(),
        })
        .collect();
    lsp::Diagnostic {
        range: doc.text.range(&d.span, doc.enc),
        severity: Some(severity(d.severity)),
        code: Some(lsp::Code::String(d.rule.to_string())),
        code_description: None,
        source: Some("seloste".into()),
        message: lsp::Message::String(message),
        // A stale suppression comment is dead text: clients fade it out.
        tags: (d.rule == UNUSED_SUPPRESSION).then(|| vec![lsp::DiagnosticTag::Unnecessary]),
        related_information: (!related.is_empty()).then_some(related),
        data: None,
    }
}

pub fn diagnostics(doc: &Doc<'_>, diags: &[engine::Diagnostic]) -> Vec<lsp::Diagnostic> {
    diags.iter().map(|d| diagnostic(doc, d)).collect()
}

/// Does a finding's span touch the byte range `r` (an empty span at the
/// cursor counts)?
fn touches(span: &Range<usize>, r: &Range<usize>) -> bool {
    span.start <= r.end && r.start <= span.end
}

struct Labels {
    reference: &'static str,
    replacement: &'static str,
    replace_with: &'static str,
    suppress: &'static str,
    reason: &'static str,
    remove_unused: &'static str,
}

fn labels(lang: &str) -> Labels {
    match lang {
        "en" => Labels {
            reference: "Legal reference",
            replacement: "Suggested replacement",
            replace_with: "Replace with",
            suppress: "Suppress {rule} on this line",
            reason: "reason",
            remove_unused: "Remove the unused suppression comment",
        },
        "sv" => Labels {
            reference: "Lagrum",
            replacement: "Förslag",
            replace_with: "Ersätt med",
            suppress: "Undertryck {rule} på den här raden",
            reason: "motivering",
            remove_unused: "Ta bort den oanvända kommentaren",
        },
        _ => Labels {
            reference: "Lainkohta",
            replacement: "Korvausehdotus",
            replace_with: "Korvaa tekstillä",
            suppress: "Ohita {rule} tällä rivillä",
            reason: "perustelu",
            remove_unused: "Poista käyttämätön ohituskommentti",
        },
    }
}

/// Markdown for the findings under the cursor: message, help, the rule's
/// documentation, its legal reference and suggested replacement.
pub fn hover(
    doc: &Doc<'_>,
    engine: &Engine,
    diags: &[engine::Diagnostic],
    offset: usize,
) -> Option<lsp::Hover> {
    let here: Vec<&engine::Diagnostic> = diags
        .iter()
        .filter(|d| touches(&d.span, &(offset..offset)))
        .collect();
    let first = here.first()?;
    let l = labels(doc.lang);
    let mut parts = Vec::new();
    for d in &here {
        let rule = engine.rule(&d.rule);
        let mut s = format!(
            "**{}** · `{}` ({})",
            d.message.trim(),
            d.rule,
            d.severity.name()
        );
        if !d.help.is_empty() {
            s += &format!("\n\n{}", d.help.trim());
        }
        if let Some(r) = rule {
            if !r.docs.trim().is_empty() {
                s += &format!("\n\n{}", r.docs.trim());
            }
        }
        if !d.reference.is_empty() {
            s += &format!("\n\n**{}:** {}", l.reference, d.reference);
        }
        if let Some(rep) = rule.and_then(|r| r.replacement.as_ref()) {
            s += &format!("\n\n**{}:** {rep}", l.replacement);
        }
        parts.push(s);
    }
    Some(lsp::Hover {
        contents: lsp::Contents::MarkupContent(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range: Some(doc.text.range(&first.span, doc.enc)),
    })
}

/// May an action of kind `quickfix` be returned when the client asked only
/// for `only`?
fn wants_quickfix(only: Option<&[lsp::CodeActionKind]>) -> bool {
    only.is_none_or(|kinds| {
        kinds.iter().any(|k| {
            let k = k.as_str();
            k.is_empty() || k == "quickfix" || "quickfix".starts_with(&format!("{k}."))
        })
    })
}

fn action(
    doc: &Doc<'_>,
    title: String,
    d: &engine::Diagnostic,
    edit: lsp::TextEdit,
    preferred: bool,
) -> lsp::CodeAction {
    let mut changes = HashMap::new();
    changes.insert(lsp::Uri::from(doc.uri), vec![edit]);
    lsp::CodeAction {
        title,
        kind: Some(lsp::CodeActionKind::QuickFix),
        diagnostics: Some(vec![diagnostic(doc, d)]),
        is_preferred: preferred.then_some(true),
        disabled: None,
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(changes),
            document_changes: None,
            change_annotations: None,
        }),
        command: None,
        data: None,
        tags: None,
    }
}

/// Quick fixes for the findings that touch the byte range `range`: the rule's
/// replacement where it has one, "suppress this rule here" in HTML and
/// Markdown, and removal of a suppression comment that silences nothing.
pub fn code_actions(
    doc: &Doc<'_>,
    diags: &[engine::Diagnostic],
    range: Range<usize>,
    only: Option<&[lsp::CodeActionKind]>,
) -> Vec<lsp::CodeAction> {
    if !wants_quickfix(only) {
        return Vec::new();
    }
    let l = labels(doc.lang);
    let mut out = Vec::new();
    for d in diags.iter().filter(|d| touches(&d.span, &range)) {
        if let Some(fix) = &d.fix {
            let edit = lsp::TextEdit {
                range: doc.text.range(&fix.span, doc.enc),
                new_text: fix.replacement.clone(),
            };
            let title = format!("{} \u{201c}{}\u{201d}", l.replace_with, fix.replacement);
            out.push(action(doc, title, d, edit, true));
        }
        if d.rule == UNUSED_SUPPRESSION {
            let span = whole_lines(doc.text, &d.span);
            let edit = lsp::TextEdit {
                range: doc.text.range(&span, doc.enc),
                new_text: String::new(),
            };
            out.push(action(doc, l.remove_unused.into(), d, edit, true));
            continue;
        }
        if let Some(at) = suppress_point(doc, d) {
            let line_text = &doc.text.as_str()[at..];
            let indent: String = line_text
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            let comment = format!(
                "{indent}<!-- seloste-disable-next-line {} -- {} -->{}",
                d.rule,
                l.reason,
                doc.text.line_break()
            );
            let edit = lsp::TextEdit {
                range: doc.text.range(&(at..at), doc.enc),
                new_text: comment,
            };
            out.push(action(
                doc,
                l.suppress.replace("{rule}", &d.rule),
                d,
                edit,
                false,
            ));
        }
    }
    out
}

/// `span` widened to its whole lines (with the line break) when nothing but
/// blanks shares those lines with it.
fn whole_lines(text: &Text, span: &Range<usize>) -> Range<usize> {
    let first = text.line_of(span.start);
    let last = text.line_of(span.end);
    let start = text.line_start(first);
    let end = text.line_end(last);
    let s = text.as_str();
    if s[start..span.start].trim().is_empty() && s[span.end..end].trim().is_empty() {
        start..text.line_start(last + 1)
    } else {
        span.clone()
    }
}

/// Where a `seloste-disable-next-line` comment goes for finding `d`: the start
/// of the finding's line, in HTML and Markdown only, and not where a new line
/// would break Markdown front matter or split a table.
fn suppress_point(doc: &Doc<'_>, d: &engine::Diagnostic) -> Option<usize> {
    if !matches!(doc.format, Format::Html | Format::Markdown) {
        return None;
    }
    let t = doc.text;
    let line = t.line_of(d.span.start);
    let at = t.line_start(line);
    if doc.format == Format::Markdown {
        let text_of = |i: usize| t.as_str()[t.line_start(i)..t.line_end(i)].trim();
        if let fence @ ("---" | "+++") = text_of(0) {
            let close = (1..t.line_count()).find(|&i| {
                let l = text_of(i);
                l == fence || (fence == "---" && l == "...")
            });
            if close.is_none_or(|c| line <= c) {
                return None;
            }
        }
        if line > 0 && text_of(line).starts_with('|') && text_of(line - 1).starts_with('|') {
            return None;
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::Linter;
    use crate::source::SourceText;

    fn lint(name: &str, text: &str) -> (Text, crate::lint::FileReport) {
        let r = Linter::builtin().lint_source(name, SourceText::new(text.into(), "UTF-8"), None);
        (Text::new(text.into()), r)
    }

    #[test]
    fn repealed_law_has_a_preferred_replacement_and_a_suppression() {
        let src = "<h1>Tietosuojaseloste</h1>\n<h2>Peruste</h2>\n  <p>Käsittely perustuu henkilötietolakiin.</p>\n";
        let (text, r) = lint("a.html", src);
        let doc = Doc {
            uri: "file:///a.html",
            text: &text,
            format: r.format,
            enc: Encoding::Utf16,
            lang: "fi",
        };
        let at = src.find("henkilö").unwrap();
        let actions = code_actions(&doc, &r.result.diagnostics, at..at, None);
        let fix = actions
            .iter()
            .find(|a| a.is_preferred == Some(true))
            .unwrap();
        let edit =
            &fix.edit.as_ref().unwrap().changes.as_ref().unwrap()[&lsp::Uri::from(doc.uri)][0];
        assert_eq!(edit.new_text, "EU:n yleinen tietosuoja-asetus (2016/679)");
        let sup = actions
            .iter()
            .find(|a| a.title.starts_with("Ohita"))
            .unwrap();
        let edit =
            &sup.edit.as_ref().unwrap().changes.as_ref().unwrap()[&lsp::Uri::from(doc.uri)][0];
        assert_eq!(
            edit.new_text,
            "  <!-- seloste-disable-next-line repealed-personal-data-act -- perustelu -->\n"
        );
        assert_eq!(
            edit.range.start,
            lsp::Position {
                line: 2,
                character: 0
            }
        );
        // Applying it silences the finding (and does not leave an unused one).
        let mut fixed = text.clone();
        fixed.apply(Some(edit.range), &edit.new_text, Encoding::Utf16);
        let (_, r2) = lint("a.html", fixed.as_str());
        assert!(!r2
            .result
            .diagnostics
            .iter()
            .any(|d| d.rule.starts_with("repealed") || d.rule == UNUSED_SUPPRESSION));
        assert_eq!(r2.result.suppressed.len(), 1);
        // Only quick fixes are offered.
        assert!(code_actions(
            &doc,
            &r.result.diagnostics,
            at..at,
            Some(&["refactor".into()])
        )
        .is_empty());
    }

    #[test]
    fn plain_text_gets_no_suppression_and_hover_has_the_reference() {
        let src = "Tietosuojaseloste\n\nPeruste\n\nHenkilötietolain mukaan.\n";
        let (text, r) = lint("a.txt", src);
        let doc = Doc {
            uri: "file:///a.txt",
            text: &text,
            format: r.format,
            enc: Encoding::Utf8,
            lang: "fi",
        };
        let at = src.find("Henkilö").unwrap();
        let actions = code_actions(&doc, &r.result.diagnostics, at..at + 3, None);
        assert_eq!(actions.len(), 1, "{actions:#?}");
        let h = hover(
            &doc,
            &Linter::builtin().engine,
            &r.result.diagnostics,
            at + 2,
        )
        .unwrap();
        let lsp::Contents::MarkupContent(m) = h.contents else {
            panic!()
        };
        assert!(
            m.value
                .contains("**Lainkohta:** Henkilötietolaki 523/1999 kumottu"),
            "{}",
            m.value
        );
    }

    #[test]
    fn unused_suppression_is_removed_with_its_line() {
        let src = "<h1>Tietosuojaseloste</h1>\n  <!-- seloste-disable-next-line placeholder -- x -->\n<p>Hei.</p>\n";
        let (text, r) = lint("a.html", src);
        let doc = Doc {
            uri: "u",
            text: &text,
            format: r.format,
            enc: Encoding::Utf16,
            lang: "en",
        };
        let d = r
            .result
            .diagnostics
            .iter()
            .find(|d| d.rule == UNUSED_SUPPRESSION)
            .unwrap();
        let actions = code_actions(&doc, &r.result.diagnostics, d.span.clone(), None);
        assert_eq!(actions.len(), 1);
        let edit =
            &actions[0].edit.as_ref().unwrap().changes.as_ref().unwrap()[&lsp::Uri::from("u")][0];
        let mut t = text.clone();
        t.apply(Some(edit.range), &edit.new_text, Encoding::Utf16);
        assert_eq!(t.as_str(), "<h1>Tietosuojaseloste</h1>\n<p>Hei.</p>\n");
    }

    #[test]
    fn markdown_front_matter_and_tables_are_not_split() {
        let src = "---\ntitle: Tietosuojaseloste henkilötietolain mukaan\n---\n# Tietosuojaseloste\n\n| a | b |\n|---|---|\n| Peruste | henkilötietolaki |\n";
        let (text, r) = lint("a.md", src);
        let doc = Doc {
            uri: "u",
            text: &text,
            format: r.format,
            enc: Encoding::Utf16,
            lang: "fi",
        };
        let lines: Vec<(usize, Option<usize>)> = r
            .result
            .diagnostics
            .iter()
            .map(|d| (text.line_of(d.span.start), suppress_point(&doc, d)))
            .collect();
        // The table row with the repealed law: no comment line inside the table.
        assert!(lines.contains(&(7, None)), "{lines:?}");
        // Missing elements point at the front matter's title: no comment
        // line inside the front matter either.
        assert!(lines.contains(&(1, None)), "{lines:?}");
        assert!(lines.iter().all(|(_, p)| p.is_none()));
        // Without front matter the title line takes one.
        let src = "# Tietosuojaseloste\n\nTeksti.\n";
        let (text, r) = lint("a.md", src);
        let doc = Doc { text: &text, ..doc };
        assert!(r
            .result
            .diagnostics
            .iter()
            .all(|d| suppress_point(&doc, d) == Some(0)));
    }
}

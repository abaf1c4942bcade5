//! Inline suppressions in HTML and Markdown comments:
//!
//! * `<!-- seloste-disable-next-line RULE[, RULE] -- reason -->` silences the
//!   named rules (all rules if none is named) on the next non-blank line;
//! * `<!-- seloste-disable RULE[, RULE] -- reason -->` silences them in the
//!   whole file.
//!
//! The reason is kept with the silenced finding (JSON, SARIF
//! `suppressions[].justification`). A suppression that silences nothing is
//! itself reported (`unused-suppression`), so stale ones do not pile up.

use super::{Diagnostic, Options, Rule, Severity, Shared};
use crate::schema::Notice;

struct Directive {
    rules: Vec<String>,
    reason: Option<String>,
    /// Byte range of source lines it covers (None = whole file).
    lines: Option<std::ops::Range<usize>>,
    span: std::ops::Range<usize>,
    used: bool,
}

fn parse_directive(text: &str) -> Option<(bool, Vec<String>, Option<String>)> {
    let t = text.trim();
    let (next_line, rest) = if let Some(r) = t.strip_prefix("seloste-disable-next-line") {
        (true, r)
    } else if let Some(r) = t.strip_prefix("seloste-disable-file") {
        (false, r)
    } else if let Some(r) = t.strip_prefix("seloste-disable") {
        (false, r)
    } else {
        return None;
    };
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    let (ids, reason) = match rest.find("--") {
        Some(p) => (
            &rest[..p],
            Some(rest[p + 2..].trim().to_string()).filter(|s| !s.is_empty()),
        ),
        None => (rest, None),
    };
    let rules = ids
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    Some((next_line, rules, reason))
}

/// Splits findings into (active, suppressed) and adds unused-suppression findings.
pub fn apply(
    notice: &Notice,
    source: &str,
    diags: Vec<Diagnostic>,
    rules: &[Rule],
    opts: &Options,
) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let mut directives = Vec::new();
    for c in &notice.comments {
        let Some((next_line, ids, reason)) = parse_directive(&c.text) else {
            continue;
        };
        let lines = if next_line {
            // The first non-blank line after the comment.
            let mut pos = c.span.end;
            let mut found = None;
            while pos < source.len() {
                let line_end = source[pos..]
                    .find('\n')
                    .map(|p| pos + p)
                    .unwrap_or(source.len());
                let line = &source[pos..line_end];
                // The rest of the comment's own line counts only if it has text.
                if !line.trim().is_empty() {
                    found = Some(pos..line_end);
                    break;
                }
                pos = line_end + 1;
            }
            Some(found.unwrap_or(source.len()..source.len()))
        } else {
            None
        };
        directives.push(Directive {
            rules: ids,
            reason,
            lines,
            span: c.span.clone(),
            used: false,
        });
    }
    if directives.is_empty() {
        return (diags, Vec::new());
    }
    let mut active = Vec::new();
    let mut suppressed = Vec::new();
    for mut d in diags {
        let hit = directives.iter_mut().find(|x| {
            (x.rules.is_empty() || x.rules.iter().any(|r| r == &d.rule || r == &d.category))
                && x.lines
                    .as_ref()
                    .is_none_or(|l| d.span.start >= l.start && d.span.start <= l.end)
        });
        match hit {
            Some(x) => {
                x.used = true;
                d.suppressed = Some(x.reason.clone().unwrap_or_default());
                suppressed.push(d);
            }
            None => active.push(d),
        }
    }
    for x in directives.iter().filter(|x| !x.used) {
        let unknown: Vec<&String> = x
            .rules
            .iter()
            .filter(|r| {
                !rules
                    .iter()
                    .any(|rule| &rule.id == *r || &rule.category == *r)
            })
            .collect();
        let message = match (opts.lang.as_str(), unknown.is_empty()) {
            ("en", true) => "this suppression comment suppresses nothing; remove it".to_string(),
            ("en", false) => format!("this suppression names unknown rules: {}", join(&unknown)),
            (_, true) => "tämä ohituskommentti ei ohita mitään; poista se".to_string(),
            (_, false) => format!(
                "ohituskommentissa on tuntemattomia sääntöjä: {}",
                join(&unknown)
            ),
        };
        active.push(Diagnostic {
            rule: "unused-suppression".into(),
            category: "suppression".into(),
            element: None,
            severity: Severity::Warning,
            message,
            help: Shared::default(),
            reference: Shared::default(),
            text: source.get(x.span.clone()).unwrap_or("").to_string(),
            quote: String::new(),
            span: x.span.clone(),
            related: Vec::new(),
            fix: None,
            suppressed: None,
        });
    }
    (active, suppressed)
}

fn join(v: &[&String]) -> String {
    v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_parse() {
        let (n, r, why) = parse_directive(
            " seloste-disable-next-line placeholder, repealed-law -- quoted on purpose ",
        )
        .unwrap();
        assert!(n);
        assert_eq!(r, ["placeholder", "repealed-law"]);
        assert_eq!(why.as_deref(), Some("quoted on purpose"));
        let (n, r, why) = parse_directive("seloste-disable").unwrap();
        assert!(!n && r.is_empty() && why.is_none());
        assert!(parse_directive("seloste-disabled").is_none());
        assert!(parse_directive("just a comment").is_none());
    }
}

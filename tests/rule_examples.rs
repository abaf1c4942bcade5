//! Every rule's `bad` examples in its data file trigger it; every `good`
//! example does not. Adding a rule with examples adds tests here.

use seloste::engine::{catalogue, Engine};
use seloste::lint::Linter;
use seloste::parse::Format;

fn linter_for(rule_id: &str) -> Linter {
    let mut l = Linter::builtin();
    l.engine = Engine::new(
        catalogue::builtin()
            .into_iter()
            .filter(|r| r.id == rule_id)
            .collect(),
    );
    l
}

/// An example is plain text unless it starts like HTML (`<`) or Markdown
/// (`#`), as docs/rules.md says.
fn example_format(ex: &str) -> Format {
    match ex.trim_start().as_bytes().first() {
        Some(b'<') => Format::Html,
        Some(b'#') => Format::Markdown,
        _ => Format::Text,
    }
}

#[test]
fn every_rule_has_examples_and_they_hold() {
    let rules = catalogue::builtin();
    assert!(rules.len() >= 30, "catalogue has {} rules", rules.len());
    let mut failures = Vec::new();
    for rule in &rules {
        if rule.good_examples.is_empty() {
            failures.push(format!("{}: no good example", rule.id));
        }
        let linter = linter_for(&rule.id);
        for (i, ex) in rule.bad_examples.iter().enumerate() {
            let r = linter
                .lint_bytes("example.txt", ex.as_bytes(), Some(example_format(ex)))
                .unwrap();
            if !r.result.diagnostics.iter().any(|d| d.rule == rule.id) {
                failures.push(format!(
                    "{}: bad example {i} does not trigger it:\n{ex}",
                    rule.id
                ));
            }
        }
        for (i, ex) in rule.good_examples.iter().enumerate() {
            let r = linter
                .lint_bytes("example.txt", ex.as_bytes(), Some(example_format(ex)))
                .unwrap();
            let hits: Vec<_> = r
                .result
                .diagnostics
                .iter()
                .filter(|d| d.rule == rule.id)
                .collect();
            if !hits.is_empty() {
                failures.push(format!(
                    "{}: good example {i} triggers it at {:?}:\n{ex}",
                    rule.id, hits[0].text
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn rule_ids_are_unique_and_every_rule_is_bilingual() {
    let rules = catalogue::builtin();
    let mut ids: Vec<_> = rules.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len(), "duplicate rule ids");
    for r in &rules {
        assert!(
            r.message.contains_key("fi") && r.message.contains_key("en"),
            "{}",
            r.id
        );
        assert!(
            r.help.contains_key("fi") && r.help.contains_key("en"),
            "{}",
            r.id
        );
        assert!(!r.reference.is_empty(), "{} has no legal reference", r.id);
    }
}

#[test]
fn one_missing_element_rule_per_element() {
    let rules = catalogue::builtin();
    for k in seloste::schema::Key::ELEMENTS {
        let n = rules
            .iter()
            .filter(|r| r.element == Some(k) && r.category == "missing-element")
            .count();
        assert_eq!(n, 1, "{}", k.name());
    }
}

//! The five seed notices give exactly the element statuses and findings of
//! their hand-made labels (fixtures/seeds/labels.json).

use seloste::accuracy::{quote_key, Label};
use seloste::lint::Linter;

fn seeds_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds")
}

#[test]
fn seeds_match_their_labels_exactly() {
    let labels: Vec<Label> =
        serde_json::from_str(&std::fs::read_to_string(seeds_dir().join("labels.json")).unwrap())
            .unwrap();
    assert_eq!(labels.len(), 5);
    let linter = Linter::builtin();
    let mut problems = Vec::new();
    for label in &labels {
        let path = seeds_dir().join(format!("{}.txt", label.id));
        let bytes = std::fs::read(&path).unwrap();
        let r = linter
            .lint_bytes(&path.display().to_string(), &bytes, None)
            .unwrap();
        for (key, gold) in &label.elements {
            let k = seloste::schema::Key::from_name(key).unwrap();
            let ours = r.result.elements[&k].status.name();
            if ours != gold {
                problems.push(format!("{}: {key}: labelled {gold}, got {ours}", label.id));
            }
        }
        let preds: Vec<(String, String)> = r
            .result
            .diagnostics
            .iter()
            .filter(|d| d.category != "missing-element")
            .map(|d| (d.category.to_string(), quote_key(&d.quote)))
            .collect();
        for f in &label.findings {
            let g = quote_key(&f.text);
            if !preds
                .iter()
                .any(|(c, p)| c == &f.rule && (g.contains(p.as_str()) || p.contains(g.as_str())))
            {
                problems.push(format!("{}: missed {} {:?}", label.id, f.rule, f.text));
            }
        }
        for (c, p) in &preds {
            if !label.findings.iter().any(|f| {
                &f.rule == c && {
                    let g = quote_key(&f.text);
                    g.contains(p.as_str()) || p.contains(g.as_str())
                }
            }) {
                problems.push(format!("{}: unlabelled finding {c} {p:?}", label.id));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

//! Accuracy against hand-made labels (`labels.json`, format in the corpus'
//! TAXONOMY.md): precision and recall of the gaps (elements labelled
//! missing, empty or partial) and of the text-level findings, per element
//! and per category.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::engine::Status;
use crate::lint::{FileReport, Linter};
use crate::parse::inline::strip_inline_html;
use crate::schema::Key;

#[derive(Debug, Deserialize)]
pub struct Label {
    pub id: String,
    #[serde(default)]
    pub elements: BTreeMap<String, String>,
    #[serde(default)]
    pub findings: Vec<LabelFinding>,
}

#[derive(Debug, Deserialize)]
pub struct LabelFinding {
    pub rule: String,
    pub text: String,
}

/// True/false positives and false negatives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
    fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

/// One disagreement, for the report.
#[derive(Debug, Clone)]
pub struct Miss {
    pub id: String,
    pub what: String,
    pub kind: &'static str,
    pub detail: String,
}

#[derive(Debug, Default)]
pub struct Scores {
    pub elements: BTreeMap<String, Counts>,
    pub categories: BTreeMap<String, Counts>,
    /// Number of labelled cases per category (gold findings).
    pub category_cases: BTreeMap<String, usize>,
    pub element_cases: BTreeMap<String, usize>,
    pub misses: Vec<Miss>,
    pub notices: usize,
    pub unreadable: Vec<String>,
}

impl Scores {
    pub fn elements_total(&self) -> Counts {
        let mut c = Counts::default();
        for v in self.elements.values() {
            c.add(*v);
        }
        c
    }
    pub fn findings_total(&self) -> Counts {
        let mut c = Counts::default();
        for v in self.categories.values() {
            c.add(*v);
        }
        c
    }
}

/// Lowercase, entities decoded, whitespace folded: how quotes are compared.
pub fn quote_key(s: &str) -> String {
    let decoded = strip_inline_html(s, 0..s.len()).text;
    decoded
        .replace('\u{ad}', "")
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_gap(s: &str) -> bool {
    matches!(s, "missing" | "empty" | "partial")
}

/// Scores one linted notice against its label.
pub fn score_one(label: &Label, report: &FileReport, scores: &mut Scores) {
    for k in Key::ELEMENTS {
        let Some(gold) = label.elements.get(k.name()) else {
            continue;
        };
        if gold == "n/a" {
            continue;
        }
        let ours = report
            .result
            .elements
            .get(&k)
            .map(|s| s.status)
            .unwrap_or(Status::Missing);
        let pred_gap = matches!(ours, Status::Missing | Status::Empty | Status::Partial);
        let gold_gap = is_gap(gold);
        let c = scores.elements.entry(k.name().to_string()).or_default();
        if gold_gap {
            *scores
                .element_cases
                .entry(k.name().to_string())
                .or_default() += 1;
        }
        match (gold_gap, pred_gap) {
            (true, true) => c.tp += 1,
            (false, true) => {
                c.fp += 1;
                scores.misses.push(Miss {
                    id: label.id.clone(),
                    what: k.name().into(),
                    kind: "false gap",
                    detail: format!("labelled {gold}, seloste says {}", ours.name()),
                });
            }
            (true, false) => {
                c.fn_ += 1;
                scores.misses.push(Miss {
                    id: label.id.clone(),
                    what: k.name().into(),
                    kind: "missed gap",
                    detail: format!("labelled {gold}, seloste says {}", ours.name()),
                });
            }
            (false, false) => {}
        }
    }
    // Findings: every labelled category except `other` and missing elements.
    let gold: Vec<(&str, String)> = label
        .findings
        .iter()
        .filter(|f| f.rule != "other")
        .map(|f| (f.rule.as_str(), quote_key(&f.text)))
        .collect();
    let preds: Vec<(&str, String)> = report
        .result
        .diagnostics
        .iter()
        .filter(|d| d.category != "missing-element" && d.category != "suppression")
        .map(|d| (d.category.as_str(), quote_key(&d.quote)))
        .collect();
    let matches = |g: &(&str, String), p: &(&str, String)| {
        g.0 == p.0 && !p.1.is_empty() && (g.1.contains(&p.1) || p.1.contains(&g.1))
    };
    let mut cats: BTreeMap<&str, Counts> = BTreeMap::new();
    for g in &gold {
        *scores.category_cases.entry(g.0.to_string()).or_default() += 1;
        let c = cats.entry(g.0).or_default();
        if preds.iter().any(|p| matches(g, p)) {
            c.tp += 1;
        } else {
            c.fn_ += 1;
            scores.misses.push(Miss {
                id: label.id.clone(),
                what: g.0.into(),
                kind: "missed finding",
                detail: g.1.clone(),
            });
        }
    }
    for p in &preds {
        if !gold.iter().any(|g| matches(g, p)) {
            cats.entry(p.0).or_default().fp += 1;
            scores.misses.push(Miss {
                id: label.id.clone(),
                what: p.0.into(),
                kind: "false finding",
                detail: p.1.chars().take(100).collect(),
            });
        }
    }
    for (k, v) in cats {
        scores.categories.entry(k.to_string()).or_default().add(v);
    }
}

/// Finds the notice file for a label id in `dir` (any extension).
fn notice_path(dir: &Path, id: &str) -> Option<std::path::PathBuf> {
    let rd = std::fs::read_dir(dir).ok()?;
    let mut hits: Vec<_> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_stem().and_then(|s| s.to_str()) == Some(id)
                && p.extension().is_some_and(|e| e != "json")
        })
        .collect();
    hits.sort();
    hits.into_iter().next()
}

/// Scores a labelled folder: `labels.json` plus the notices, either in
/// `notices/` or beside the labels.
pub fn score_dir(linter: &Linter, dir: &Path) -> Result<Scores, String> {
    let labels_path = dir.join("labels.json");
    let src = std::fs::read_to_string(&labels_path)
        .map_err(|e| format!("{}: {e}", labels_path.display()))?;
    let labels: Vec<Label> =
        serde_json::from_str(&src).map_err(|e| format!("{}: {e}", labels_path.display()))?;
    let notices_dir = if dir.join("notices").is_dir() {
        dir.join("notices")
    } else {
        dir.to_path_buf()
    };
    let mut scores = Scores::default();
    for label in &labels {
        let Some(path) = notice_path(&notices_dir, &label.id) else {
            scores
                .unreadable
                .push(format!("{}: notice file not found", label.id));
            continue;
        };
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        match linter.lint_bytes(&path.display().to_string(), &bytes, None) {
            Ok(report) => {
                scores.notices += 1;
                score_one(label, &report, &mut scores);
            }
            Err(e) => scores.unreadable.push(format!("{}: {e}", path.display())),
        }
    }
    Ok(scores)
}

/// A plain-text table of the scores.
pub fn render(s: &Scores, verbose: bool) -> String {
    let mut out = String::new();
    let row = |name: &str, c: &Counts, cases: usize| {
        format!(
            "  {:<24} {:>5} {:>4} {:>4} {:>4}   {:>5.2}  {:>5.2}\n",
            name,
            cases,
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        )
    };
    out += &format!("notices scored: {}\n", s.notices);
    for u in &s.unreadable {
        out += &format!("  unreadable: {u}\n");
    }
    out += "\ngaps (element labelled missing/empty/partial)\n";
    out += "  element                  cases   tp   fp   fn   precision recall\n";
    for (k, c) in &s.elements {
        out += &row(k, c, s.element_cases.get(k).copied().unwrap_or(0));
    }
    let et = s.elements_total();
    out += &row("ALL ELEMENTS", &et, s.element_cases.values().sum());
    out += "\nfindings (by category; `other` not scored)\n";
    out += "  category                 cases   tp   fp   fn   precision recall\n";
    for (k, c) in &s.categories {
        out += &row(k, c, s.category_cases.get(k).copied().unwrap_or(0));
    }
    let ft = s.findings_total();
    out += &row("ALL FINDINGS", &ft, s.category_cases.values().sum());
    if verbose {
        out += "\ndisagreements\n";
        for m in &s.misses {
            out += &format!(
                "  {:<22} {:<16} {:<24} {}\n",
                m.id, m.kind, m.what, m.detail
            );
        }
    }
    out
}

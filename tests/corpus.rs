//! The real notices in `../shared/corpus/` parse into the sections checked by
//! hand against each notice (issue 2). The notices are read in place; their
//! text is not copied here. `tests/corpus_facts.json` holds, per notice id:
//!
//! - `title`: the title's `line:column`, `null` for no title, absent when not
//!   checked (a notice whose title is a matter of taste);
//! - `count` and `sections`: every section in order, each with its heading's
//!   `line:column` (`at`), its canonical keys (`["other"]` when none) and `h`,
//!   an FNV-1a hash of the heading as written in the source (whitespace
//!   folded), which pins where the heading ends without storing its text;
//! - `known_wrong`: set while the parser or heading table gets this notice
//!   wrong. The facts are still the correct ones; the exact comparison is
//!   skipped with the reason printed, and parsing must still succeed.
//!
//! Every notice in `labels.json` must have an entry. Without the corpus (a
//! fresh clone elsewhere) the test says so and passes; CI has the corpus.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use seloste::lint::{FileReport, Linter};
use seloste::schema::Key;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Facts {
    #[serde(default)]
    known_wrong: Option<String>,
    /// Absent: not checked; `null`: the notice has no title.
    #[serde(default, deserialize_with = "present")]
    title: Option<Value>,
    count: usize,
    sections: Vec<SectionFacts>,
}

#[derive(Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
struct SectionFacts {
    at: String,
    keys: Vec<String>,
    h: String,
}

/// Keeps an explicit `null` apart from an absent field.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

/// FNV-1a (32 bit) of the whitespace-folded text, as 8 hex digits.
fn heading_hash(s: &str) -> String {
    let folded = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut h: u32 = 0x811c_9dc5;
    for b in folded.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{h:08x}")
}

fn at(r: &FileReport, offset: usize) -> String {
    let lc = r.source.line_col(offset);
    format!("{}:{}", lc.line, lc.column)
}

fn sorted(keys: &[String]) -> Vec<String> {
    let mut k = keys.to_vec();
    k.sort();
    k
}

/// What the parser made of the notice, in the facts' terms.
fn observed(r: &FileReport) -> (Option<String>, Vec<SectionFacts>) {
    let title = r
        .notice
        .title
        .as_ref()
        .and_then(|t| t.full_source_range())
        .map(|sp| at(r, sp.start));
    let sections = r
        .notice
        .sections
        .iter()
        .map(|s| SectionFacts {
            at: at(r, s.heading_span.start),
            keys: if s.keys.is_empty() {
                vec!["other".to_string()]
            } else {
                s.keys.iter().map(|k| k.name().to_string()).collect()
            },
            h: heading_hash(&r.source.text[s.heading_span.clone()]),
        })
        .collect();
    (title, sections)
}

/// Every difference between the facts and what was parsed, one line each.
fn differences(facts: &Facts, r: &FileReport) -> Vec<String> {
    let (title, got) = observed(r);
    let mut out = Vec::new();
    if let Some(want) = &facts.title {
        let want = want.as_str().map(str::to_string);
        if want != title {
            out.push(format!(
                "title at {}, expected {}",
                title.as_deref().unwrap_or("none"),
                want.as_deref().unwrap_or("none")
            ));
        }
    }
    if got.len() != facts.sections.len() {
        out.push(format!(
            "{} sections, expected {}",
            got.len(),
            facts.sections.len()
        ));
    }
    let by_at: BTreeMap<&str, &SectionFacts> = got.iter().map(|s| (s.at.as_str(), s)).collect();
    let want_at: BTreeSet<&str> = facts.sections.iter().map(|s| s.at.as_str()).collect();
    for w in &facts.sections {
        match by_at.get(w.at.as_str()) {
            None => out.push(format!("missed heading at {} ({:?})", w.at, w.keys)),
            Some(g) => {
                if sorted(&g.keys) != sorted(&w.keys) {
                    out.push(format!(
                        "heading at {} has keys {:?}, expected {:?}",
                        w.at, g.keys, w.keys
                    ));
                }
                if g.h != w.h {
                    out.push(format!(
                        "heading at {} ends elsewhere (hash {}, expected {})",
                        w.at, g.h, w.h
                    ));
                }
            }
        }
    }
    for (g, s) in got.iter().zip(&r.notice.sections) {
        if !want_at.contains(g.at.as_str()) {
            out.push(format!(
                "unexpected heading at {} ({:?}): {:?}",
                g.at, g.keys, s.heading_text
            ));
        }
    }
    out
}

/// Malformed facts (a typo in a key, a count that disagrees with the list).
fn check_facts(id: &str, f: &Facts, problems: &mut Vec<String>) {
    if f.count != f.sections.len() {
        problems.push(format!(
            "{id}: facts say count {} but list {} sections",
            f.count,
            f.sections.len()
        ));
    }
    if let Some(t) = &f.title {
        if !(t.is_null() || t.is_string()) {
            problems.push(format!("{id}: facts title must be \"line:column\" or null"));
        }
    }
    for s in &f.sections {
        for k in &s.keys {
            if k != "other" && Key::from_name(k).is_none() {
                problems.push(format!("{id}: facts use unknown key {k:?} at {}", s.at));
            }
        }
        if s.keys.is_empty() {
            problems.push(format!("{id}: facts list no keys at {}", s.at));
        }
    }
}

#[test]
fn real_notices_match_hand_checked_facts() {
    let dir = corpus_dir();
    if !dir.join("labels.json").is_file() {
        println!(
            "corpus not found at {}; skipping (CI has it)",
            dir.display()
        );
        return;
    }
    let labels: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("labels.json")).unwrap())
            .expect("labels.json is a JSON array");
    let facts: BTreeMap<String, Facts> = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus_facts.json"),
        )
        .unwrap(),
    )
    .expect("tests/corpus_facts.json is well formed");

    // notices/<id>.<ext>
    let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
    for e in std::fs::read_dir(dir.join("notices")).unwrap() {
        let p = e.unwrap().path();
        if let Some(stem) = p.file_stem().and_then(|s| s.to_str()) {
            files.insert(stem.to_string(), p.clone());
        }
    }

    let linter = Linter::builtin();
    let mut problems = Vec::new();
    let mut ids = BTreeSet::new();
    let (mut exact, mut known) = (0, 0);
    for label in &labels {
        let id = label["id"].as_str().expect("every label has an id");
        ids.insert(id.to_string());
        let Some(path) = files.get(id) else {
            problems.push(format!("{id}: no file notices/{id}.* in the corpus"));
            continue;
        };
        let Some(f) = facts.get(id) else {
            problems.push(format!(
                "{id}: no hand-checked facts in tests/corpus_facts.json for {}",
                path.display()
            ));
            continue;
        };
        check_facts(id, f, &mut problems);
        let bytes = std::fs::read(path).unwrap();
        let r = match linter.lint_bytes(&path.display().to_string(), &bytes, None) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{id}: does not parse: {e}"));
                continue;
            }
        };
        let diffs = differences(f, &r);
        match &f.known_wrong {
            Some(why) => {
                known += 1;
                if diffs.is_empty() {
                    println!("corpus {id}: marked known_wrong but now matches its facts; remove the marker");
                } else {
                    println!(
                        "corpus {id}: exact check skipped, known wrong: {why} ({} difference{})",
                        diffs.len(),
                        if diffs.len() == 1 { "" } else { "s" }
                    );
                    for d in &diffs {
                        println!("    {d}");
                    }
                }
            }
            None => {
                exact += 1;
                problems.extend(diffs.into_iter().map(|d| format!("{id}: {d}")));
            }
        }
    }
    for id in facts.keys() {
        if !ids.contains(id) {
            problems.push(format!(
                "{id}: has facts but is not in the corpus labels.json"
            ));
        }
    }
    println!("corpus: {exact} notices checked exactly, {known} known wrong");
    assert!(
        problems.is_empty(),
        "{} corpus problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

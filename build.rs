//! Compiles what start-up would otherwise work out from the built-in rule
//! files on every run: the literal prefixes of their regexes (the 4-gram
//! prefilter needs them before the first notice; parsing about forty
//! regexes was a quarter of start-up). `src/pattern/regex_prefixes.rs` is
//! the same code the binary falls back to for users' own rule files.

#[path = "src/pattern/regex_prefixes.rs"]
mod regex_prefixes;

use std::collections::BTreeMap;
use std::path::Path;

/// Every string in an array under a key that ends in `regex`.
fn regexes(v: &toml::Value, key: &str, out: &mut Vec<String>) {
    match v {
        toml::Value::String(s) if key.ends_with("regex") => out.push(s.clone()),
        toml::Value::Array(a) => a.iter().for_each(|x| regexes(x, key, out)),
        toml::Value::Table(t) => t.iter().for_each(|(k, x)| regexes(x, k, out)),
        _ => {}
    }
}

fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=src/pattern/regex_prefixes.rs");
    let mut files: Vec<_> = std::fs::read_dir("rules")
        .expect("rules/ is beside Cargo.toml")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut table: BTreeMap<String, Option<Vec<String>>> = BTreeMap::new();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let src = std::fs::read_to_string(f).expect("rule file is readable");
        // A broken rule file is reported by the crate's own tests, with its
        // line and column; here it only contributes nothing.
        let Ok(doc) = src.parse::<toml::Table>() else {
            continue;
        };
        let mut found = Vec::new();
        regexes(&toml::Value::Table(doc), "", &mut found);
        for re in found {
            let lits = regex_prefixes::compute(&re);
            table.insert(re, lits);
        }
    }
    let mut out = String::from(
        "/// The literal prefixes of the built-in rule files' regexes (build.rs).\n\
         static BUILTIN_REGEX_PREFIXES: &[(&str, Option<&[&str]>)] = &[\n",
    );
    for (re, lits) in &table {
        let lits = match lits {
            Some(l) => format!("Some(&{l:?})"),
            None => "None".to_string(),
        };
        out += &format!("    ({re:?}, {lits}),\n");
    }
    out += "];\n";
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("regex_prefixes.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

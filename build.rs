//! Compiles what start-up would otherwise work out from the built-in rule
//! files on every run: the literal prefixes of their regexes and where they
//! can match (the index needs them before the first notice; parsing about
//! forty regexes was a quarter of start-up). `src/pattern/regex_prefixes.rs` is
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
    println!("cargo:rerun-if-changed=fixtures");
    let sample = regex_prefixes::fixture_sample(Path::new("fixtures"));
    let mut files: Vec<_> = std::fs::read_dir("rules")
        .expect("rules/ is beside Cargo.toml")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut table: BTreeMap<String, Option<Vec<String>>> = BTreeMap::new();
    let mut windows: BTreeMap<String, Option<regex_prefixes::Window>> = BTreeMap::new();
    let mut required: BTreeMap<String, Option<Vec<String>>> = BTreeMap::new();
    let mut begin_words: BTreeMap<String, bool> = BTreeMap::new();
    let mut end_words: BTreeMap<String, bool> = BTreeMap::new();
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
            windows.insert(re.clone(), regex_prefixes::window(&re, &sample));
            required.insert(re.clone(), regex_prefixes::required(&re, &sample));
            begin_words.insert(
                re.clone(),
                regex_prefixes::factor_begins_words(&re, &sample),
            );
            end_words.insert(re.clone(), regex_prefixes::factor_ends_words(&re, &sample));
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
    out += "/// Where the built-in rule files' regexes can match (build.rs).\n\
            static BUILTIN_REGEX_WINDOWS: &[(&str, Option<BuiltinWindow>)] = &[\n";
    for (re, w) in &windows {
        let w = match w {
            Some((f, b)) => format!("Some((&{f:?}, &{b:?}))"),
            None => "None".to_string(),
        };
        out += &format!("    ({re:?}, {w}),\n");
    }
    out += "];\n";
    out += "/// Literals every match of a built-in regex contains besides its window's factor (build.rs).\n\
            static BUILTIN_REGEX_REQUIRED: &[(&str, Option<&[&str]>)] = &[\n";
    for (re, lits) in &required {
        let lits = match lits {
            Some(l) => format!("Some(&{l:?})"),
            None => "None".to_string(),
        };
        out += &format!("    ({re:?}, {lits}),\n");
    }
    out += "];\n";
    out += "/// The built-in regexes whose window factor begins words (build.rs).\n\
            static BUILTIN_FACTOR_BEGINS_WORDS: &[&str] = &[\n";
    for (re, _) in begin_words.iter().filter(|(_, &b)| b) {
        out += &format!("    {re:?},\n");
    }
    out += "];\n";
    out += "/// The built-in regexes whose window factor is followed by a character that continues no word (build.rs).\n\
            static BUILTIN_FACTOR_ENDS_WORDS: &[&str] = &[\n";
    for (re, _) in end_words.iter().filter(|(_, &e)| e) {
        out += &format!("    {re:?},\n");
    }
    out += "];\n";
    // How common each 4-byte window is, by bucket: the word index searches
    // each stem that may start inside a word by its rarest window
    // (`rekisteriseloste` by `rise`, not by `reki`).
    let mut quads = vec![0u16; regex_prefixes::QUAD_BUCKETS];
    for w in sample.as_bytes().windows(4) {
        let q = &mut quads[regex_prefixes::quad_bucket(w)];
        *q = q.saturating_add(1);
    }
    out += &format!(
        "/// 4-byte windows of the bundled notices' text, counted by bucket (build.rs).\n\
         static QUAD_COUNTS: [u16; {}] = {quads:?};\n",
        regex_prefixes::QUAD_BUCKETS
    );
    // How common each byte is in lowercased notice text, as ranks from 0
    // (rarest) to 255: substring searches look for a literal's rarest
    // bytes, and for Finnish text the UTF-8 bytes of ä and ö are not rare.
    let mut counts = [0usize; 256];
    for &b in sample.as_bytes() {
        counts[b as usize] += 1;
    }
    let mut order: Vec<usize> = (0..256).collect();
    order.sort_by_key(|&b| (counts[b], b));
    let mut rank = [0u8; 256];
    for (r, &b) in order.iter().enumerate() {
        rank[b] = r as u8;
    }
    out += &format!(
        "/// Byte ranks in the bundled notices' text (build.rs).\n\
         static BYTE_RANK: [u8; 256] = {rank:?};\n"
    );
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("regex_prefixes.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

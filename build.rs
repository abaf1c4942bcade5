//! Compiles what start-up would otherwise work out from the built-in rule
//! files on every run: the literal prefixes of their regexes and where they
//! can match (the index needs them before the first notice; parsing about
//! forty regexes was a quarter of start-up). `src/pattern/regex_prefixes.rs` is
//! the same code the binary falls back to for users' own rule files.

#[path = "src/pattern/regex_prefixes.rs"]
mod regex_prefixes;

#[path = "src/pattern/double_array.rs"]
mod double_array;

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
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_rules.rs");
    std::fs::write(dest, builtin_rules(&files)).expect("OUT_DIR is writable");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("builtin_headings.rs");
    std::fs::write(dest, builtin_headings()).expect("OUT_DIR is writable");
    builtin_tries();
}

/// The tries of the built-in catalogue's term index laid out, for
/// `pattern::index::DoubleArrayTrie::new` (which then only copies them: it
/// took a quarter of start-up): each trie's stems and ids as
/// `src/pattern/builtin_tries.toml` lists them (a test writes it from a
/// run-time build; each line `id stem`), and its classes, packed cells,
/// paths and ids. None where the file does not read as expected (then
/// every trie is laid out at run time).
fn builtin_tries() {
    let file = "src/pattern/builtin_tries.toml";
    println!("cargo:rerun-if-changed={file}");
    println!("cargo:rerun-if-changed=src/pattern/double_array.rs");
    let tries = (std::fs::read_to_string(file).ok())
        .and_then(|src| src.parse::<toml::Table>().ok())
        .and_then(|doc| {
            let tries = doc.get("trie")?.as_array()?;
            (tries.iter())
                .map(|t| {
                    (t.get("stems")?.as_array()?.iter())
                        .map(|e| {
                            let (id, stem) = e.as_str()?.split_once(' ')?;
                            Some((stem.to_string(), id.parse::<u32>().ok()?))
                        })
                        .collect::<Option<Vec<(String, u32)>>>()
                })
                .collect::<Option<Vec<_>>>()
        })
        .unwrap_or_default();
    let mut out = String::from(
        "/// The built-in catalogue's tries, laid out (build.rs).\n\
         static BUILTIN_TRIES: &[StoredTrie] = &[\n",
    );
    for entries in &tries {
        let Some(layout) = double_array::Layout::new(
            entries,
            double_array::PACKED_FREE as usize,
            double_array::PACKED_MAX_BASE,
        ) else {
            continue;
        };
        let list = |items: Vec<String>| items.join(",");
        out += &format!(
            "    StoredTrie {{\n        entries: &[{}],\n        class: &{:?},\n        \
             cells: &[{}],\n        paths: &[{}],\n        path_ids: &[{}],\n    }},\n",
            list(
                entries
                    .iter()
                    .map(|(s, id)| format!("({s:?},{id})"))
                    .collect()
            ),
            layout.class,
            list(layout.packed16().iter().map(u32::to_string).collect()),
            list(
                layout
                    .paths
                    .iter()
                    .map(|(a, n)| format!("({a},{n})"))
                    .collect()
            ),
            list(layout.path_ids.iter().map(u32::to_string).collect()),
        );
    }
    out += "];\n";
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_tries.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

/// `rules/headings.toml` as a Rust expression, for
/// `schema::HeadingTable::builtin` (which then parses no TOML at
/// start-up): each key's name, `terms` and `not`, by name. `None` where the file does not read as expected (then
/// `builtin` parses it, and reports what is wrong).
fn builtin_headings() -> String {
    let src =
        std::fs::read_to_string("rules/headings.toml").expect("rules/headings.toml is readable");
    let strings = |v: Option<&toml::Value>| -> Option<String> {
        let items = match v {
            None => Vec::new(),
            Some(v) => (v.as_array()?.iter())
                .map(|x| x.as_str().map(|s| format!("{s:?}")))
                .collect::<Option<Vec<_>>>()?,
        };
        Some(format!("&[{}]", items.join(", ")))
    };
    let tables = src.parse::<toml::Table>().ok().and_then(|doc| {
        let mut keys: Vec<(&String, &toml::Value)> = doc.iter().collect();
        keys.sort_by(|a, b| a.0.cmp(b.0));
        (keys.into_iter())
            .map(|(name, entry)| {
                let entry = entry.as_table()?;
                if entry.keys().any(|k| k != "terms" && k != "not") || !entry.contains_key("terms")
                {
                    return None;
                }
                let (terms, not) = (strings(entry.get("terms"))?, strings(entry.get("not"))?);
                Some(format!("    ({name:?}, {terms}, {not}),\n"))
            })
            .collect::<Option<String>>()
    });
    let tables = match tables {
        Some(t) => format!("Some(&[\n{t}])"),
        None => "None".to_string(),
    };
    format!("// The built-in heading tables: (key, terms, not) by key (build.rs).\n{tables}\n")
}

/// The rule files' rules as Rust, for `engine::catalogue::builtin` (which
/// then parses no TOML at start-up): for each file, each rule's line (that
/// of its `[[rule]]`) and a `RuleSpec` with its fields set. A file whose
/// rules do not read as expected gets `None`: `builtin` parses that file
/// at run time, which reports the problem with its line (as the crate's
/// tests do).
fn builtin_rules(files: &[std::path::PathBuf]) -> String {
    let mut out = String::from(
        "/// The rules of a built-in rule file: each one's line and spec (build.rs);\n\
         /// `None` for a file build.rs could not read (parsed at run time then).\n\
         #[allow(clippy::needless_update, clippy::useless_conversion)]\n\
         fn builtin_specs(name: &str) -> Option<Vec<(usize, RuleSpec)>> {\n    match name {\n",
    );
    'files: for f in files {
        let src = std::fs::read_to_string(f).expect("rule file is readable");
        let Ok(doc) = src.parse::<toml::Table>() else {
            continue;
        };
        let Some(toml::Value::Array(rules)) = doc.get("rule") else {
            continue;
        };
        let lines: Vec<usize> = (src.lines().enumerate())
            .filter(|(_, l)| l.trim() == "[[rule]]")
            .map(|(i, _)| i + 1)
            .collect();
        if lines.len() != rules.len() {
            continue;
        }
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a UTF-8 name");
        let mut arm = format!("        {name:?} => Some(vec![\n");
        for (line, rule) in lines.iter().zip(rules) {
            let toml::Value::Table(fields) = rule else {
                continue 'files;
            };
            arm += &format!(
                "            ({line}, {{\n                let mut r = RuleSpec::empty();\n"
            );
            for (key, value) in fields {
                let Some(value) = spec_value(key, value) else {
                    continue 'files;
                };
                arm += &format!("                r.{key} = {value};\n");
            }
            arm += "                r\n            }),\n";
        }
        out += &arm;
        out += "        ]),\n";
    }
    out += "        _ => None,\n    }\n}\n";
    out
}

/// A field's value as Rust: strings by `s`, arrays of strings by `a`
/// (which fit the field's type), tables as `Texts` (`examples`: `Examples`).
fn spec_value(key: &str, value: &toml::Value) -> Option<String> {
    Some(match value {
        toml::Value::String(s) => format!("s({s:?})"),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Array(items) => {
            let items = (items.iter())
                .map(|x| x.as_str().map(|s| format!("{s:?}")))
                .collect::<Option<Vec<_>>>()?;
            format!("a(&[{}])", items.join(", "))
        }
        toml::Value::Table(fields) => {
            let ty = if key == "examples" {
                "Examples"
            } else {
                "Texts"
            };
            let fields = (fields.iter())
                .map(|(k, v)| Some(format!("{k}: {}", spec_value(k, v)?)))
                .collect::<Option<Vec<_>>>()?;
            format!(
                "{ty} {{ {}, ..Default::default() }}.into()",
                fields.join(", ")
            )
        }
        _ => return None,
    })
}

//! Parses every file under the given folders and prints each parsed document
//! in full (`dump`), or only parses them ROUNDS times (`loop`, for callgrind).
//! Two builds' dumps must be identical for a parser change to be a pure
//! speed change.
//!
//!     cargo run --release --example parse_dump -- dump DIR... > before.txt
//!     cargo run --release --example parse_dump -- all DIR... (every format)
//!     cargo run --release --example parse_dump -- loop ROUNDS DIR...
use seloste::lint::Linter;
use seloste::parse::{self, Format};
use seloste::schema::HeadingTable;
use seloste::source::SourceText;

#[path = "support/files.rs"]
mod support;
use support::files;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().map(String::as_str).unwrap_or("dump");
    let (rounds, dirs) = if mode == "loop" {
        (args[1].parse::<usize>().unwrap(), &args[2..])
    } else {
        (1, &args[1..])
    };
    let mut paths = Vec::new();
    for d in dirs {
        files(std::path::Path::new(d), &mut paths);
    }
    paths.sort();
    let inputs: Vec<(String, String)> = paths
        .iter()
        .filter_map(|p| {
            let bytes = std::fs::read(p).ok()?;
            let src = SourceText::decode(&bytes).ok()?;
            Some((p.display().to_string(), src.text))
        })
        .collect();
    let table = HeadingTable::builtin();
    if mode == "asked" {
        // Every question the parsers ask the heading oracle, with its answer.
        struct Asked<'a>(&'a HeadingTable);
        impl parse::HeadingOracle for Asked<'_> {
            fn is_heading(&self, text: &str) -> bool {
                let yes = self.0.is_heading(text);
                println!("is_heading {yes} {text:?}");
                yes
            }
            fn names_element(&self, text: &str) -> bool {
                let yes = self.0.names_element(text);
                println!("names_element {yes} {text:?}");
                yes
            }
            fn same_element(&self, a: &str, b: &str) -> bool {
                let yes = self.0.same_element(a, b);
                println!("same_element {yes} {a:?} {b:?}");
                yes
            }
        }
        for (name, text) in &inputs {
            let format = Linter::detect_format(name, text);
            println!("== {name}");
            parse::parse(text, format, &Asked(&table));
        }
        return;
    }
    for _ in 0..rounds {
        for (name, text) in &inputs {
            let detected = Linter::detect_format(name, text);
            if mode == "all" {
                // Every file in every format: markup read as text and text
                // read as markup reach paths the matching format does not.
                for format in [Format::Html, Format::Markdown, Format::Text] {
                    let doc = parse::parse(text, format, &table);
                    println!("== {name} {format:?}\n{doc:#?}");
                }
                continue;
            }
            let doc = parse::parse(text, detected, &table);
            if mode == "dump" {
                println!("== {name} {detected:?}\n{doc:#?}");
            } else {
                std::hint::black_box(&doc);
            }
        }
    }
}

//! Times start-up: loading the built-in catalogue and heading tables, then
//! the first lint of a file (which compiles the term lists it needs) and a
//! second lint of the same file.
//!
//!     cargo run --release --example startup [-- FILE] [--each]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let t = std::time::Instant::now();
    let e = seloste::engine::Engine::builtin();
    let a = t.elapsed();
    let h = seloste::schema::HeadingTable::builtin();
    let b = t.elapsed();
    println!("rules: {} in {:?}; headings +{:?}", e.rules.len(), a, b - a);
    let file = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "fixtures/seeds/001_975a0f54e2969c65.txt".into());
    let bytes = std::fs::read(&file).expect("read the file");
    let linter = seloste::lint::Linter {
        engine: e,
        headings: h,
        options: Default::default(),
    };
    for round in ["first lint", "second lint"] {
        let t = std::time::Instant::now();
        let r = linter.lint_bytes(&file, &bytes, None).expect("decodes");
        println!(
            "{round} of {file}: {:?} ({} findings)",
            t.elapsed(),
            r.result.diagnostics.len()
        );
    }
    if args.iter().any(|a| a == "--each") {
        for (name, src) in seloste::engine::catalogue::BUILTIN {
            let t = std::time::Instant::now();
            let _ = seloste::engine::catalogue::parse_rule_file(name, src);
            println!("{name}: {:?}", t.elapsed());
        }
    }
}

//! Time spent per rule over the fixtures or a folder (for finding slow
//! patterns), after the cost of linting with no rules at all.
//!
//!     cargo run --release --example rule_cost [-- FOLDER]
use seloste::engine::{catalogue, Engine};
use seloste::lint::Linter;

fn main() {
    let root = std::env::args().nth(1).map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        std::path::PathBuf::from,
    );
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .is_some_and(|x| x != "json" && x != "toml" && x != "xml")
            {
                files.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    let base = Linter::builtin();
    let notices: Vec<_> = files
        .iter()
        .filter_map(|(n, b)| {
            let src = seloste::source::SourceText::decode(b).ok()?;
            let f = Linter::detect_format(n, &src.text);
            Some((base.notice(&src.text, f), src))
        })
        .collect();
    let rounds = (50_000 / notices.len().max(1)).clamp(1, 50);
    let time = |engine: &Engine| {
        // One round first: term lists switch to their regexes after 64 KB.
        for (n, src) in &notices {
            std::hint::black_box(engine.lint(n, &src.text, &base.options));
        }
        let t = std::time::Instant::now();
        for _ in 0..rounds {
            for (n, src) in &notices {
                std::hint::black_box(engine.lint(n, &src.text, &base.options));
            }
        }
        t.elapsed().as_secs_f64() * 1e6 / (rounds as f64 * notices.len() as f64)
    };
    let empty = time(&Engine::new(Vec::new()));
    let all = time(&Engine::builtin());
    println!("{empty:8.1} µs/notice  (no rules: joining the texts, suppressions, sorting)");
    println!("{all:8.1} µs/notice  (the whole catalogue)");
    let mut costs = Vec::new();
    for rule in catalogue::builtin() {
        let id = rule.id.clone();
        costs.push((time(&Engine::new(vec![rule])) - empty, id));
    }
    costs.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
    for (us, id) in costs {
        println!("{us:8.1} µs/notice  {id}");
    }
}

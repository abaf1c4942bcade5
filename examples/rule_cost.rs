//! Time spent per rule over the fixtures (for finding slow patterns).
use seloste::engine::{catalogue, Engine};
use seloste::lint::Linter;

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x != "json" && x != "toml") {
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
    let mut costs = Vec::new();
    for rule in catalogue::builtin() {
        let id = rule.id.clone();
        let engine = Engine::new(vec![rule]);
        let t = std::time::Instant::now();
        for _ in 0..50 {
            for (n, src) in &notices {
                std::hint::black_box(engine.lint(n, &src.text, &base.options));
            }
        }
        costs.push((
            t.elapsed().as_secs_f64() * 1e6 / (50.0 * notices.len() as f64),
            id,
        ));
    }
    costs.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
    for (us, id) in costs {
        println!("{us:8.1} µs/notice  {id}");
    }
}

//! Throughput benchmark (not a test): parse-only and the whole pipeline
//! (decode, parse, normalize, rules) over the bundled fixtures, repeated to
//! N notices, one thread. Prints the median of several rounds.
//!
//!     cargo bench --bench pipeline [-- N]
//!     cargo bench --bench pipeline -- --dir CORPUS [N]   # e.g. a gen_corpus folder
//!
//! It also prints each stage on its own (decode; parse + normalize +
//! schema; the rules; the language guess), to show where the time goes.
//! `--only STAGE` (decode, parse, rules, language, whole) runs just one, for
//! `perf record`.

use std::time::Instant;

use seloste::lint::Linter;

fn collect(root: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x != "json" && x != "toml")
                && !p.to_string_lossy().contains("hostile")
            {
                let bytes = std::fs::read(&p).unwrap();
                files.push((p.display().to_string(), bytes));
            }
        }
    }
    files.sort();
    files
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .iter()
        .position(|a| a == "--dir")
        .and_then(|i| args.get(i + 1))
        .map(std::path::PathBuf::from);
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let root = dir
        .clone()
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"));
    let files = collect(&root);
    let n: usize = args
        .iter()
        .filter(|a| Some(a.as_str()) != dir.as_ref().and_then(|d| d.to_str()))
        .filter(|a| Some(*a) != only.as_ref())
        .find_map(|a| a.parse().ok())
        .unwrap_or(if dir.is_some() { files.len() } else { 10_000 });
    let linter = Linter::builtin();
    let total_bytes: usize = (0..n).map(|i| files[i % files.len()].1.len()).sum();
    let rounds = |label: &str, f: &dyn Fn(usize) -> usize| {
        let stage = label.split_whitespace().next().unwrap_or("");
        if only.as_ref().is_some_and(|o| o != stage) {
            return;
        }
        let mut times = Vec::new();
        let mut sink = 0;
        for _ in 0..5 {
            let t = Instant::now();
            for i in 0..n {
                sink += f(i % files.len());
            }
            times.push(t.elapsed().as_secs_f64());
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let med = times[times.len() / 2];
        println!(
            "{label:<28} {n} notices ({:.1} MB): median {:.3} s = {:>8.0} notices/s, {:>6.1} MB/s, {:>6.1} µs/notice (checksum {sink})",
            total_bytes as f64 / 1e6,
            med,
            n as f64 / med,
            total_bytes as f64 / 1e6 / med,
            med * 1e6 / n as f64,
        );
    };
    // Inputs for the stages measured on their own. Fixtures of bad input
    // (empty, binary) are skipped there.
    let sources: Vec<_> = files
        .iter()
        .map(|(name, bytes)| {
            let src = seloste::source::SourceText::decode(bytes).ok();
            let fmt = src.as_ref().map(|s| Linter::detect_format(name, &s.text));
            (src, fmt)
        })
        .collect();
    let notices: Vec<_> = sources
        .iter()
        .map(|(src, fmt)| Some(linter.notice(&src.as_ref()?.text, (*fmt)?)))
        .collect();
    rounds("  decode", &|i| {
        seloste::source::SourceText::decode(&files[i].1)
            .map(|s| s.text.len())
            .unwrap_or(0)
    });
    rounds("  parse + normalize + schema", &|i| {
        let (Some(src), Some(fmt)) = &sources[i] else {
            return 0;
        };
        linter.notice(&src.text, *fmt).sections.len()
    });
    rounds("  rules (engine)", &|i| {
        let (Some(src), Some(n)) = (&sources[i].0, &notices[i]) else {
            return 0;
        };
        linter
            .engine
            .lint(n, &src.text, &linter.options)
            .diagnostics
            .len()
    });
    rounds("  language (detect_language)", &|i| {
        notices[i]
            .as_ref()
            .map(|n| seloste::lint::detect_language(n).len())
            .unwrap_or(0)
    });
    rounds("whole pipeline (lint_bytes)", &|i| {
        let (name, bytes) = &files[i];
        linter
            .lint_bytes(name, bytes, None)
            .map(|r| r.result.diagnostics.len())
            .unwrap_or(0)
    });
}

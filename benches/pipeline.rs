//! Throughput benchmark (not a test): parse-only and the whole pipeline
//! (decode, parse, normalize, rules) over the bundled fixtures, repeated to
//! N notices, one thread. Prints the median of several rounds.
//!
//!     cargo bench --bench pipeline [-- N]

use std::time::Instant;

use seloste::lint::Linter;

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    let mut stack = vec![root];
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
    let linter = Linter::builtin();
    let total_bytes: usize = (0..n).map(|i| files[i % files.len()].1.len()).sum();
    let rounds = |label: &str, f: &dyn Fn(&str, &[u8]) -> usize| {
        let mut times = Vec::new();
        let mut sink = 0;
        for _ in 0..5 {
            let t = Instant::now();
            for i in 0..n {
                let (name, bytes) = &files[i % files.len()];
                sink += f(name, bytes);
            }
            times.push(t.elapsed().as_secs_f64());
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let med = times[times.len() / 2];
        println!(
            "{label:<28} {n} notices ({:.1} MB): median {:.3} s = {:>8.0} notices/s, {:>6.1} MB/s (checksum {sink})",
            total_bytes as f64 / 1e6,
            med,
            n as f64 / med,
            total_bytes as f64 / 1e6 / med
        );
    };
    rounds("parse + normalize", &|name, bytes| {
        // Fixtures of bad input (empty, binary) are skipped here.
        let Ok(src) = seloste::source::SourceText::decode(bytes) else {
            return 0;
        };
        let fmt = Linter::detect_format(name, &src.text);
        linter.notice(&src.text, fmt).sections.len()
    });
    rounds("whole pipeline (lint)", &|name, bytes| {
        linter
            .lint_bytes(name, bytes, None)
            .map(|r| r.result.diagnostics.len())
            .unwrap_or(0)
    });
}

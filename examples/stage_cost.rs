//! Times the front half of the pipeline stage by stage, per format, over a
//! folder of notices: decode, parse, normalize (alone), build (which
//! normalizes again) and language. Medians of the per-round totals, in µs
//! per notice.
//!
//!     cargo run --release --example stage_cost -- FOLDER [ROUNDS]
use std::time::{Duration, Instant};

use seloste::lint::{detect_language, Linter};
use seloste::parse::{self, Format};
use seloste::schema::{self, HeadingTable};
use seloste::source::SourceText;

#[path = "support/files.rs"]
mod support;
use support::files;

const STAGES: [&str; 6] = ["decode", "parse", "normalize", "build", "language", "sum"];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.first().cloned().unwrap_or_else(|| "/tmp/c1k".into());
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let mut paths = Vec::new();
    files(std::path::Path::new(&dir), &mut paths);
    paths.sort();
    let inputs: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).unwrap()))
        .collect();
    let table = HeadingTable::builtin();
    let formats = [Format::Html, Format::Markdown, Format::Text];
    // times[round][format][stage]
    let mut times = vec![[[Duration::ZERO; 6]; 3]; rounds];
    let mut counts = [0usize; 3];
    for (round, t) in times.iter_mut().enumerate() {
        for (name, bytes) in &inputs {
            let s = Instant::now();
            let Ok(src) = SourceText::decode(bytes) else {
                continue;
            };
            let d_decode = s.elapsed();
            let format = Linter::detect_format(name, &src.text);
            let fi = formats.iter().position(|f| *f == format).unwrap();
            if round == 0 {
                counts[fi] += 1;
            }
            let s = Instant::now();
            let raw = parse::parse(&src.text, format, &table);
            let d_parse = s.elapsed();
            let mut texts: Vec<_> = raw.title.iter().cloned().collect();
            texts.push(raw.preamble.clone());
            for sec in &raw.sections {
                texts.push(sec.heading.clone());
                texts.push(sec.body.clone());
            }
            let s = Instant::now();
            for m in texts {
                std::hint::black_box(seloste::normalize::normalize(m));
            }
            let d_norm = s.elapsed();
            let s = Instant::now();
            let notice = schema::build(raw, format, &table);
            let d_build = s.elapsed();
            let s = Instant::now();
            std::hint::black_box(detect_language(&notice));
            let d_lang = s.elapsed();
            let row = &mut t[fi];
            row[0] += d_decode;
            row[1] += d_parse;
            row[2] += d_norm;
            row[3] += d_build;
            row[4] += d_lang;
            row[5] += d_decode + d_parse + d_build + d_lang;
        }
    }
    println!(
        "{} files, {rounds} rounds; median µs per notice (build includes normalize)",
        inputs.len()
    );
    print!("{:10}", "format");
    for s in STAGES {
        print!("{s:>10}");
    }
    println!();
    let median = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    for (fi, f) in formats.iter().enumerate() {
        if counts[fi] == 0 {
            continue;
        }
        print!("{:10}", f.name());
        for st in 0..6 {
            let v = times
                .iter()
                .map(|t| t[fi][st].as_secs_f64() * 1e6 / counts[fi] as f64)
                .collect();
            print!("{:>10.1}", median(v));
        }
        println!();
    }
    let total: usize = counts.iter().sum();
    print!("{:10}", "all");
    for st in 0..6 {
        let v = times
            .iter()
            .map(|t| t.iter().map(|r| r[st].as_secs_f64()).sum::<f64>() * 1e6 / total as f64)
            .collect();
        print!("{:>10.1}", median(v));
    }
    println!();
}

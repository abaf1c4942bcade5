use super::*;
use crate::parse::NoOracle;

struct Oracle;
impl HeadingOracle for Oracle {
    fn is_heading(&self, text: &str) -> bool {
        matches!(
            text.to_lowercase().as_str(),
            "rekisterinpitäjä" | "evästeet" | "rekisterin nimi"
        )
    }
}

#[test]
fn smoke() {
    let src = "<h1>Tietosuoja&shy;seloste</h1><p>Johdanto</p><h2>Rekisterin&nbsp;nimi</h2><p>Asiakasrekisteri</p>";
    let d = parse(src, &Oracle);
    assert_eq!(d.sections.len(), 2);
    let h = &d.sections[1].heading;
    assert_eq!(&src[h.full_source_range().unwrap()], "Rekisterin&nbsp;nimi");
}

fn line_col(src: &str, pos: usize) -> (usize, usize) {
    let before = &src[..pos];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

fn corpus_files() -> Vec<std::path::PathBuf> {
    let dir =
        std::env::var("SELOSTE_CORPUS").unwrap_or_else(|_| "/work/shared/corpus/notices".into());
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| {
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        crate::parse::Format::from_extension(ext) == Some(crate::parse::Format::Html)
    });
    files.sort();
    files
}

/// Prints the sections found in the real notices (`SELOSTE_CORPUS` or the
/// shared corpus): `cargo test --lib dump_corpus -- --ignored --nocapture`.
#[test]
#[ignore]
fn dump_corpus() {
    let only = std::env::var("ONLY").ok();
    for path in corpus_files() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        let src = std::fs::read_to_string(&path).unwrap();
        let doc = parse(&src, &NoOracle);
        println!(
            "== {name}: {} sections, title {:?}",
            doc.sections.len(),
            doc.title.as_ref().map(|t| t.text.clone())
        );
        let pre: String = doc.preamble.text.chars().take(100).collect();
        println!("   preamble: {:?}", pre);
        for s in &doc.sections {
            let r = s.heading.full_source_range().unwrap();
            let (l, c) = line_col(&src, r.start);
            let body: String = s.body.text.chars().take(70).collect();
            println!(
                "   {l}:{c} h{} {:?} | {:?} ({} B)",
                s.level,
                s.heading.text,
                body,
                s.body.len()
            );
        }
    }
}

/// Speed on the real notices, release build:
/// `cargo test --release --lib bench_corpus -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_corpus() {
    let srcs: Vec<String> = corpus_files()
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let bytes: usize = srcs.iter().map(String::len).sum();
    let rounds = 400;
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        for s in &srcs {
            n += std::hint::black_box(parse(s, &NoOracle)).sections.len();
        }
    }
    let el = t.elapsed();
    let files = rounds * srcs.len();
    let per = el.as_secs_f64() * 1e6 / files as f64;
    println!(
        "{files} files, {:.1} KB avg: {per:.1} µs/file, {:.0} MB/s, {:.1} µs per 9 KB ({n})",
        bytes as f64 / srcs.len() as f64 / 1024.0,
        (bytes * rounds) as f64 / el.as_secs_f64() / 1e6,
        per * 9.0 * 1024.0 / (bytes as f64 / srcs.len() as f64)
    );
}

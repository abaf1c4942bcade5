//! seloste: a linter for website privacy notices.
//!
//! Data flows one way: [`source`] (bytes to text) → [`parse`] (one module per
//! format, all giving sections with spans) → [`normalize`] (NFC, soft hyphens,
//! whitespace, case; offset map kept) → [`schema`] (the canonical notice) →
//! [`engine`] (rule kinds; the catalogue is data in `rules/`) → [`report`].

pub mod accuracy;
pub mod baseline;
pub mod cli;
pub mod engine;
pub mod fetch;
pub mod lint;
pub mod lowercase;
pub mod lsp;
pub mod normalize;
pub mod parse;
pub mod pattern;
pub mod report;
pub mod schema;
pub mod site;
pub mod source;
pub mod source_http;
pub mod textmap;

/// Test support: every file below `rel` (a folder of the repository, or
/// `../shared/corpus`), sorted; none when the folder is absent.
#[cfg(test)]
pub(crate) fn files_under(rel: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Test support: a xorshift64 generator from `seed` (not zero), for the
/// randomized tests: the same seed gives the same inputs on every run.
#[cfg(test)]
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

/// Test support: `n` pieces (strings or characters) drawn from `pieces`
/// by `next`, joined: the random texts of the randomized tests.
#[cfg(test)]
pub(crate) fn random_text<T: Copy>(next: &mut impl FnMut() -> u64, pieces: &[T], n: usize) -> String
where
    String: FromIterator<T>,
{
    (0..n)
        .map(|_| pieces[(next() % pieces.len() as u64) as usize])
        .collect()
}

/// Test support: every line, trimmed, of the text files (under 1 MB) of the
/// fixtures and, where present, the real corpus.
#[cfg(test)]
pub(crate) fn sample_file_lines() -> Vec<String> {
    let files = files_under("fixtures")
        .into_iter()
        .chain(files_under("../shared/corpus"))
        .filter(|f| std::fs::metadata(f).is_ok_and(|m| m.len() < 1 << 20));
    let mut out = Vec::new();
    for f in files {
        if let Ok(text) = std::fs::read_to_string(&f) {
            out.extend(text.lines().map(|l| l.trim().to_string()));
        }
    }
    out
}

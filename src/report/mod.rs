//! Renderers: each is a small adapter over [`crate::engine::Diagnostic`] and
//! the canonical notice. Positions come from one place, the source's line
//! index.

pub mod audit;
pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use crate::engine::Severity;
use crate::lint::FileReport;

/// A file that could not be read, reported alongside the linted ones.
#[derive(Debug, Clone)]
pub struct FileError {
    pub path: String,
    pub message: String,
}

/// Counts by severity over all files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    pub unreadable: usize,
}

pub fn totals(files: &[FileReport], errors: &[FileError]) -> Totals {
    let mut t = Totals {
        files: files.len(),
        unreadable: errors.len(),
        ..Default::default()
    };
    for f in files {
        for d in &f.result.diagnostics {
            match d.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Info => t.infos += 1,
            }
        }
        t.suppressed += f.result.suppressed.len();
    }
    t
}

/// A key for a finding that survives unrelated edits: the rule, the file and
/// the normalized text of the finding (not its line number), plus which
/// occurrence of that text it is.
pub fn fingerprint(f: &FileReport, d: &crate::engine::Diagnostic) -> String {
    let norm = normalized(&d.text);
    let nth = f
        .result
        .diagnostics
        .iter()
        .chain(&f.result.suppressed)
        .filter(|o| o.rule == d.rule && o.span.start < d.span.start)
        .filter(|o| normalized(&o.text) == norm)
        .count();
    hash(d, &norm, nth)
}

/// [`fingerprint`] of every finding of a file (active, then suppressed) in
/// one pass: calling [`fingerprint`] for each of n findings costs n², which
/// made SARIF output of a page with 100,000 findings take hours.
pub fn fingerprints(f: &FileReport) -> Vec<String> {
    fingerprint_hashes(f).into_iter().map(hex).collect()
}

/// [`fingerprints`] as numbers (SARIF writes their hex digits itself).
/// The occurrences of a text are counted in the findings sorted by rule,
/// text and start, with the normalized texts in one buffer: a map of
/// lists and a `String` a finding, a `format!` to hash and another for
/// the digits were ~39 M cycles of 1,000 notices' SARIF, as much as
/// writing their results.
pub(crate) fn fingerprint_hashes(f: &FileReport) -> Vec<u64> {
    let all: Vec<_> = f
        .result
        .diagnostics
        .iter()
        .chain(&f.result.suppressed)
        .collect();
    // Lowercasing rarely makes a text longer.
    let mut norms = String::with_capacity(all.iter().map(|d| d.text.len()).sum());
    // `norms[ranges[i]]` is `all[i]`'s. A text equal to the finding's
    // before is not normalized again: the findings of missing elements all
    // quote the title.
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::with_capacity(all.len());
    for (i, d) in all.iter().enumerate() {
        match i.checked_sub(1) {
            Some(before) if all[before].text == d.text => ranges.push(ranges[before].clone()),
            _ => {
                let from = norms.len();
                normalize_into(&mut norms, &d.text);
                ranges.push(from..norms.len());
            }
        }
    }
    let norm = |i: usize| &norms[ranges[i].clone()];
    let key = |i: usize| (all[i].rule.as_str(), norm(i), all[i].span.start);
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_unstable_by(|&a, &b| key(a).cmp(&key(b)));
    // A finding's occurrence: how many of its rule and text start before
    // it, the position in its group of the first one with its start.
    let mut nth = vec![0; all.len()];
    let mut group = 0;
    for (k, &i) in order.iter().enumerate() {
        let Some(&before) = k.checked_sub(1).map(|b| &order[b]) else {
            continue;
        };
        let (rule, text, start) = key(i);
        let (rule_before, text_before, start_before) = key(before);
        if rule != rule_before || text != text_before {
            group = k;
        } else if start == start_before {
            nth[i] = nth[before];
        } else {
            nth[i] = k - group;
        }
    }
    (0..all.len())
        .map(|i| hash_value(all[i], norm(i), nth[i]))
        .collect()
}

fn normalized(text: &str) -> String {
    text.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Appends [`normalized`] `text`, a character at a time: lowercasing
/// never makes or removes whitespace, so the words are split as they are
/// lowercased. A capital sigma, whose lowercase depends on the letters
/// around it, goes the long way.
fn normalize_into(out: &mut String, text: &str) {
    if text.contains('Σ') {
        out.push_str(&normalized(text));
        return;
    }
    let (mut any, mut space) = (false, false);
    for c in text.chars() {
        if c.is_whitespace() {
            space = any;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        any = true;
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

fn hash(d: &crate::engine::Diagnostic, norm: &str, nth: usize) -> String {
    hex(hash_value(d, norm, nth))
}

/// The line and column of each of `offsets` (any order), found in one pass
/// over the text up to the last of them ([`crate::source::SourceText::line_cols_ascending`]):
/// a notice's line table is not otherwise made for this output.
pub(crate) fn line_cols(f: &FileReport, offsets: &[usize]) -> Vec<crate::source::LineCol> {
    let mut out = Vec::with_capacity(offsets.len());
    if offsets.is_sorted() {
        f.source.line_cols_ascending(offsets, &mut out);
        return out;
    }
    let mut sorted = offsets.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut found = Vec::with_capacity(sorted.len());
    f.source.line_cols_ascending(&sorted, &mut found);
    out.extend(
        offsets
            .iter()
            .map(|o| found[sorted.binary_search(o).unwrap_or_default()]),
    );
    out
}

/// `n` in decimal, written into the end of `buf` (the writers' numbers
/// without `format!`'s machinery; JSON's own `push_decimal` is faster for
/// the common small ones).
pub(crate) fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or_default()
}

/// FNV-1a of the rule, the element, the normalized text and the
/// occurrence, each after a NUL but the first (stable across runs and
/// platforms).
fn hash_value(d: &crate::engine::Diagnostic, norm: &str, nth: usize) -> u64 {
    let mut digits = [0u8; 20];
    let nth = decimal(nth as u64, &mut digits).as_bytes();
    let element = d.element.map(|k| k.name()).unwrap_or("");
    let mut h: u64 = 0xcbf29ce484222325;
    // A loop a piece (one over the chained pieces was ~3 times the
    // instructions).
    for piece in [
        d.rule.as_bytes(),
        b"\0",
        element.as_bytes(),
        b"\0",
        norm.as_bytes(),
        b"\0",
        nth,
    ] {
        for &b in piece {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    h
}

/// The 16 small hex digits of a fingerprint.
pub(crate) fn hex(h: u64) -> String {
    let mut s = String::with_capacity(16);
    push_hex(&mut s, h);
    s
}

/// Appends [`hex`] of `h`.
pub(crate) fn push_hex(out: &mut String, h: u64) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for k in (0..16).rev() {
        out.push(char::from(DIGITS[(h >> (4 * k)) as usize & 0xf]));
    }
}

/// Every fixture (under 1 MB) that lints, linted with the built-in
/// catalogue: the writers' tests compare their output on them.
#[cfg(test)]
pub(crate) fn linted_fixtures(linter: &crate::lint::Linter) -> Vec<FileReport> {
    crate::files_under("fixtures")
        .iter()
        .filter_map(|p| {
            let bytes = std::fs::read(p).ok().filter(|b| b.len() <= 1 << 20)?;
            linter.lint_bytes(&p.to_string_lossy(), &bytes, None).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    /// [`super::normalize_into`] gives [`super::normalized`]: every
    /// character alone and between letters and spaces, and random texts of
    /// letters that change length or context when lowercased (İ, Σ) and
    /// every kind of whitespace.
    #[test]
    fn normalizing_by_characters_is_the_same() {
        let check = |text: &str| {
            let mut got = String::from("x");
            super::normalize_into(&mut got, text);
            assert_eq!(got[1..], super::normalized(text), "{text:?}");
        };
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            check(&format!("{c}"));
            check(&format!("A{c}b {c} \t{c}"));
        }
        let pieces = [
            "a", "Ä", "İ", "Σ", "ς", "ΑΣ", "ẞ", " ", "  ", "\t", "\n", "\r\n", "\u{b}", "\u{85}",
            "\u{a0}", "\u{2028}", "\u{3000}", "\u{200b}", "\u{feff}", "ǅ", "Ⓐ",
        ];
        let mut next = crate::xorshift(0x1f83_d9ab_fb41_bd6b);
        for _ in 0..20_000 {
            let len = (next() % 12) as usize;
            let text: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            check(&text);
        }
    }

    /// [`super::fingerprints`] gives each finding its [`super::fingerprint`]:
    /// findings of a few rules, texts and starts in random order, repeats
    /// of all three among them, active and suppressed.
    #[test]
    fn fingerprints_in_one_pass_are_each_finding_s() {
        let linter = crate::lint::Linter::builtin();
        let base = linter
            .lint_bytes(
                "a.md",
                "# Tietosuojaseloste\n\nEsimerkki Oy\n".as_bytes(),
                None,
            )
            .unwrap();
        let model = base.result.diagnostics[0].clone();
        let rules = ["placeholder-text", "missing-purpose", "oma"];
        let texts = ["Nimi", "nimi", " NIMI\t", "toinen  teksti", "Σ-ΑΣ", ""];
        let mut next = crate::xorshift(0x5be0_cd19_137e_2179);
        for round in 0..2_000 {
            let mut f = base.clone();
            let n = (next() % if round % 100 == 0 { 300 } else { 12 }) as usize;
            let mut make = || {
                let mut d = model.clone();
                d.rule = rules[(next() % 3) as usize].into();
                d.text = texts[(next() % texts.len() as u64) as usize].to_string();
                let start = (next() % 4) as usize;
                d.span = start..start + 1;
                d.element = [None, Some(crate::schema::Key::Controller)][(next() % 2) as usize];
                d
            };
            f.result.diagnostics = (0..n).map(|_| make()).collect();
            f.result.suppressed = (0..n % 3).map(|_| make()).collect();
            let each: Vec<String> = f
                .result
                .diagnostics
                .iter()
                .chain(&f.result.suppressed)
                .map(|d| super::fingerprint(&f, d))
                .collect();
            assert_eq!(super::fingerprints(&f), each, "round {round}");
        }
    }
}

//! The literal prefixes of a user's regex. Shared with `build.rs`, which
//! computes them for every regex of the built-in rule files at build time:
//! parsing some forty regexes took a quarter of start-up.

/// Literal prefixes of a user's regex, from the regex parser; `None` when
/// they cannot be listed (then the regex is always run).
pub fn compute(re: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let hir = regex_syntax::ParserBuilder::new()
        .multi_line(true)
        .build()
        .parse(re)
        .ok()?;
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
    let lits = seq.literals()?;
    lits.iter()
        .map(|l| String::from_utf8(l.as_bytes().to_vec()).ok())
        .collect()
}

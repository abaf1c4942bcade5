//! Invariants that every input must keep, checked by the fuzz targets in
//! `fuzz/fuzz_targets/` and by the property tests in `tests/properties.rs`
//! (which include this file with `#[path]`, so both check the same things).
//!
//! Beyond "no panic":
//! * every span lies inside the decoded text, on character boundaries;
//! * every range of a mapped or normalized text maps to such a span;
//! * a section heading's source slice, entity-decoded and whitespace-folded,
//!   is the heading text ([`quote_key`]);
//! * a finding's `text` is exactly the source under its span;
//! * linting the same bytes twice gives the same output, in every format.

#![allow(dead_code)]

use std::ops::Range;

use codespan_reporting::term::termcolor::NoColor;
use seloste::accuracy::quote_key;
use seloste::engine::catalogue::{parse_rule_file, RuleFileError};
use seloste::engine::{Diagnostic, Rule};
use seloste::lint::{FileReport, Linter};
use seloste::normalize::NormText;
use seloste::parse::{Format, RawDocument};
use seloste::report;
use seloste::schema::Notice;
use seloste::source::{SourceError, SourceText};
use seloste::textmap::MappedText;

use std::cell::Cell;

thread_local! {
    /// Above this many characters a text's ranges are sampled, not all
    /// checked, so that a check stays cheap on big inputs.
    static PROBES: Cell<usize> = const { Cell::new(4096) };
}

/// Sets how many positions per text the range checks probe (4096 by default;
/// the whole-pipeline target uses fewer, its parsers are checked densely by
/// their own targets).
pub fn set_probes(n: usize) {
    PROBES.with(|p| p.set(n.max(1)));
}

/// Whether a span lies inside `src` and on character boundaries.
pub fn span_ok(src: &str, r: &Range<usize>) -> bool {
    r.start <= r.end
        && r.end <= src.len()
        && src.is_char_boundary(r.start)
        && src.is_char_boundary(r.end)
}

/// A span must lie inside `src` and on character boundaries.
pub fn check_span(what: &str, src: &str, r: &Range<usize>) {
    assert!(
        span_ok(src, r),
        "{what}: span {r:?} is outside the text (length {}) or not on character boundaries",
        src.len()
    );
}

/// Character boundaries of `s`, including its end.
fn boundaries(s: &str) -> Vec<usize> {
    s.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()))
        .collect()
}

/// The ranges of a text to check: every character, every prefix and suffix,
/// every empty range (sampled evenly beyond [`set_probes`] positions).
fn ranges(s: &str) -> Vec<Range<usize>> {
    let b = boundaries(s);
    let step = (b.len() / PROBES.with(Cell::get)).max(1);
    let mut out = Vec::new();
    for w in b.windows(2).step_by(step) {
        out.push(w[0]..w[1]);
    }
    for &i in b.iter().step_by(step) {
        out.push(0..i);
        out.push(i..s.len());
        out.push(i..i);
    }
    // A few longer pieces from the middle.
    for w in b.windows(5).step_by(step.max(3)) {
        out.push(w[0]..w[4]);
    }
    out
}

/// Every range of a mapped text maps into `src`.
pub fn check_mapped(what: &str, m: &MappedText, src: &str) {
    for r in ranges(&m.text) {
        let s = m.source_range(r.clone());
        assert!(
            span_ok(src, &s),
            "{what}: text range {r:?} maps to {s:?}, outside the source (length {}) or not on character boundaries",
            src.len()
        );
    }
    if let Some(full) = m.full_source_range() {
        check_span(&format!("{what}: whole text"), src, &full);
    } else {
        assert!(m.text.is_empty(), "{what}: text without a source range");
    }
}

/// Every range of a normalized text maps into `src` and to a raw slice.
pub fn check_norm(what: &str, n: &NormText, src: &str) {
    check_mapped(&format!("{what} (raw)"), &n.raw, src);
    for r in ranges(&n.text) {
        let s = n.source_range(r.clone());
        assert!(
            span_ok(src, &s),
            "{what}: normalized range {r:?} maps to {s:?}, outside the source (length {}) or not on character boundaries",
            src.len()
        );
        // Panics if the raw range is not on the raw text's boundaries.
        let _ = n.raw_slice(r);
    }
    assert!(
        !n.text.starts_with(' ') && !n.text.ends_with(' ') && !n.text.contains("  "),
        "{what}: normalized text {:?} is not whitespace-folded",
        n.text
    );
}

/// Each character of a parsed text maps to the source that stands for it:
/// the same character (a verbatim run), a character reference that decodes
/// to it, a run that holds it (a backslash escape, a Markdown code span), or,
/// for whitespace, whatever became a space or line break (a tag, a folded
/// run, nothing at all for a separator).
pub fn check_chars(what: &str, m: &MappedText, src: &str) {
    let mut buf = [0u8; 4];
    for (i, c) in m.text.char_indices() {
        let r = m.source_range(i..i + c.len_utf8());
        let s = &src[r.clone()];
        let ok = s == c.encode_utf8(&mut buf)
            || s.is_empty()
            || c.is_whitespace()
            || (s.starts_with('&') && entity_stands_for(s, c))
            // A backslash escape, or a run rewritten as a whole (a Markdown
            // code span whose line break became a space) that holds `c`.
            || s.contains(c)
            // U+FFFD for NUL and for references to nothing.
            || c == '\u{fffd}';
        assert!(
            ok,
            "{what}: character {c:?} at {i} of {:?} maps to {r:?} = {s:?}",
            m.text
        );
    }
}

/// Whether `s` (source that starts with `&`) may be a character reference
/// for `c`: when seloste's inline decoder knows it, it must decode to a text
/// containing `c`; names it does not know (HTML has 2,231) are taken on trust.
fn entity_stands_for(s: &str, c: char) -> bool {
    match seloste::parse::inline::decode_entity(s) {
        Some((text, len)) if len == s.len() => {
            // CommonMark decodes `&#150;` to U+0096 where HTML (and seloste's
            // HTML and inline decoders) read the windows-1252 en dash.
            text.contains(c) || ('\u{80}'..='\u{9f}').contains(&c)
        }
        _ => true,
    }
}

/// A heading's source span: inside the text, no outer whitespace, and its
/// slice reads as the heading: equal after entity decoding, tag stripping
/// and whitespace folding ([`quote_key`]); where markup makes them differ
/// (`## Foo *bar*`, `<pitäjä</h2>`, an entity only HTML's full table has),
/// every character of the heading must map into the span to the source that
/// stands for it ([`check_chars`]).
pub fn check_heading(what: &str, src: &str, span: &Range<usize>, heading: &MappedText) {
    check_span(what, src, span);
    if heading.text.trim().is_empty() {
        return;
    }
    let slice = &src[span.clone()];
    assert_eq!(
        slice.trim(),
        slice,
        "{what}: heading span {span:?} has outer whitespace"
    );
    if quote_key(slice) == quote_key(&heading.text) {
        return;
    }
    check_chars(what, heading, src);
    for (i, c) in heading.text.char_indices() {
        let r = heading.source_range(i..i + c.len_utf8());
        assert!(
            r.is_empty() || (r.start >= span.start && r.end <= span.end),
            "{what}: character {c:?} of the heading maps to {r:?}, outside the heading span {span:?}"
        );
    }
}

/// What a parser produced.
pub fn check_raw(src: &str, doc: &RawDocument) {
    if let Some(t) = &doc.title {
        check_mapped("title", t, src);
        check_chars("title", t, src);
    }
    check_mapped("preamble", &doc.preamble, src);
    check_chars("preamble", &doc.preamble, src);
    for (i, s) in doc.sections.iter().enumerate() {
        check_mapped(&format!("section {i} heading"), &s.heading, src);
        check_mapped(&format!("section {i} body"), &s.body, src);
        check_chars(&format!("section {i} heading"), &s.heading, src);
        check_chars(&format!("section {i} body"), &s.body, src);
        if let Some(r) = s.heading.full_source_range() {
            check_heading(&format!("section {i}"), src, &r, &s.heading);
        }
    }
    for c in &doc.comments {
        check_span("comment", src, &c.span);
    }
}

/// The canonical notice.
pub fn check_notice(src: &str, n: &Notice) {
    if let Some(t) = &n.title {
        check_norm("title", t, src);
    }
    check_norm("preamble", &n.preamble, src);
    for (i, s) in n.sections.iter().enumerate() {
        check_norm(&format!("section {i} heading"), &s.heading, src);
        check_norm(&format!("section {i} body"), &s.body, src);
        check_heading(
            &format!("section {i} heading_span"),
            src,
            &s.heading_span,
            &s.heading.raw,
        );
        assert_eq!(
            s.heading_text,
            s.heading
                .raw
                .text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            "section {i}: heading_text is not the parsed heading"
        );
        if let Some(b) = &s.body_span {
            check_span(&format!("section {i} body_span"), src, b);
        }
    }
    if let Some(d) = &n.date {
        check_span("date", src, &d.span);
    }
    for c in &n.comments {
        check_span("comment", src, &c.span);
    }
}

fn check_diagnostic(src: &SourceText, d: &Diagnostic) {
    let what = format!("finding {} at {:?}", d.rule, d.span);
    check_span(&what, &src.text, &d.span);
    assert_eq!(
        &src.text[d.span.clone()],
        d.text,
        "{what}: its text is not the source under its span"
    );
    for r in &d.related {
        check_span(&format!("{what}: related"), &src.text, &r.span);
    }
    if let Some(f) = &d.fix {
        check_span(&format!("{what}: fix"), &src.text, &f.span);
    }
    for off in [d.span.start, d.span.end] {
        let lc = src.line_col(off);
        assert!(lc.line >= 1 && lc.line as usize <= src.line_count() && lc.column >= 1);
    }
}

/// Everything in one linted file.
pub fn check_report(r: &FileReport) {
    let src = &r.source.text;
    check_notice(src, &r.notice);
    for d in r.result.diagnostics.iter().chain(&r.result.suppressed) {
        check_diagnostic(&r.source, d);
    }
}

/// Renders a report in every output format (panics surface here); returns
/// the outputs so that two runs can be compared.
pub fn render_all(r: &FileReport, linter: &Linter) -> Vec<String> {
    let files = std::slice::from_ref(r);
    let all: Vec<_> = r
        .result
        .diagnostics
        .iter()
        .chain(&r.result.suppressed)
        .collect();
    if all.len() < 500 {
        let each: Vec<String> = all.iter().map(|d| report::fingerprint(r, d)).collect();
        assert_eq!(report::fingerprints(r), each, "SARIF fingerprints differ");
    }
    let mut human = NoColor::new(Vec::new());
    report::human::render(&mut human, r, "fi").expect("human report renders");
    let json = report::json::check(files, &[]);
    let sarif = report::sarif::render(files, &linter.engine, "en");
    let notice = report::json::notice(&r.path, &r.source, &r.notice, r.language);
    vec![
        String::from_utf8(human.into_inner()).expect("human report is UTF-8"),
        json.to_string(),
        sarif.to_string(),
        notice.to_string(),
        report::concise::render(files),
        report::github::render(files),
    ]
}

/// Lints `bytes` twice: same result, every invariant kept. Returns the
/// report (or the reason the bytes were refused).
pub fn check_lint(
    linter: &Linter,
    name: &str,
    bytes: &[u8],
    format: Option<Format>,
) -> Result<FileReport, SourceError> {
    let a = linter.lint_bytes(name, bytes, format);
    let b = linter.lint_bytes(name, bytes, format);
    match (&a, &b) {
        (Err(x), Err(y)) => assert_eq!(x, y, "the same bytes are refused differently"),
        (Ok(x), Ok(y)) => {
            check_report(x);
            assert_eq!(x.format, y.format);
            assert_eq!(
                x.result.diagnostics, y.result.diagnostics,
                "not deterministic"
            );
            assert_eq!(
                x.result.suppressed, y.result.suppressed,
                "not deterministic"
            );
            assert_eq!(x.result.elements, y.result.elements, "not deterministic");
            let out = render_all(x, linter);
            let again = [
                report::json::check(std::slice::from_ref(y), &[]).to_string(),
                report::json::notice(&y.path, &y.source, &y.notice, y.language).to_string(),
            ];
            assert_eq!(out[1], again[0], "JSON output is not deterministic");
            assert_eq!(
                out[3], again[1],
                "the canonical notice is not deterministic"
            );
        }
        _ => panic!("the same bytes are read once and refused once"),
    }
    a
}

/// Decoding: text, encoding and line index.
pub fn check_source(bytes: &[u8], s: &SourceText) {
    assert!(!s.text.trim().is_empty(), "decoded text is blank");
    let again = SourceText::decode(bytes).expect("decodes twice");
    assert_eq!(again.text, s.text);
    assert_eq!(again.encoding, s.encoding);
    if s.encoding == "UTF-8" && !bytes.starts_with(b"\xef\xbb\xbf") {
        assert_eq!(s.text.as_bytes(), bytes, "UTF-8 text was changed");
    }
    let b = boundaries(&s.text);
    // line_col counts characters from the line start: probe a few hundred
    // offsets, not every one, or a long single line costs quadratic time.
    let step = (b.len() / 256).max(1);
    let mut last = (1, 0);
    for &i in b.iter().step_by(step) {
        let lc = s.line_col(i);
        assert!(
            lc.line >= 1 && lc.line as usize <= s.line_count() && lc.column >= 1,
            "line_col({i}) = {lc:?}"
        );
        assert!(
            (lc.line, lc.column) > last,
            "line_col is not increasing at {i}"
        );
        last = (lc.line, lc.column);
        let _ = s.utf16_column(i);
    }
}

/// A rule file either loads or says where it is wrong, as `FILE:LINE:COL: message`
/// with the position inside the file.
pub fn check_rule_file(name: &str, src: &str) -> Result<Vec<Rule>, RuleFileError> {
    let r = parse_rule_file(name, src);
    if let Err(e) = &r {
        let lines = src.split('\n').count();
        assert!(
            e.line >= 1 && e.line <= lines,
            "error line {} outside the file ({lines} lines): {e}",
            e.line
        );
        let line_chars = src
            .split('\n')
            .nth(e.line - 1)
            .unwrap_or("")
            .chars()
            .count();
        assert!(
            e.column >= 1 && e.column <= line_chars + 1,
            "error column {} outside line {} ({line_chars} characters): {e}",
            e.column,
            e.line
        );
        assert!(!e.message.trim().is_empty(), "empty error message");
        assert_eq!(
            e.to_string(),
            format!("{name}:{}:{}: {}", e.line, e.column, e.message)
        );
    }
    r
}

/// Escapes a string as a TOML basic string (for rule files made from fuzz
/// input).
pub fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A forbid-pattern rule whose regex is `re`.
pub fn regex_rule(re: &str) -> String {
    format!(
        "[[rule]]\nid = \"fuzz\"\nkind = \"forbid-pattern\"\ncategory = \"fuzz\"\nseverity = \"warning\"\nregex = [{}]\nmessage.fi = \"x\"\n",
        toml_string(re)
    )
}

/// A small notice for user rules to run over.
pub const SAMPLE: &str = "<h1>Tietosuojaseloste</h1>\n<h2>Rekisterinpit&auml;j&auml;</h2>\n<p>Esimerkki Oy, Y-tunnus 2077474-0, aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!</p>\n<h2>Henkil&ouml;tietojen k&auml;sittelyn tarkoitus</h2>\n<p>Henkil\u{f6}tietolain 10 \u{a7}:n mukainen [yrityksen nimi] 01.01.2015</p>\n";

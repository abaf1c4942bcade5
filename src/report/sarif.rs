//! SARIF 2.1.0 for GitHub code scanning and other tools. Columns are
//! Unicode code points (`columnKind`), the same as the human output.

use serde_json::{json, Value};

use crate::engine::{Diagnostic, Engine, Severity};
use crate::lint::FileReport;
use crate::report::json::{escape_into, push_decimal};
use crate::report::push_hex;

const HELP_BASE: &str = "https://github.com/seloste/seloste/blob/main/docs/rules.md#";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The artifact URI: a relative path with forward slashes, or the URL a
/// page was fetched from. Characters that a URI reference cannot hold
/// (spaces, ä, `%`, `#`...) are percent-encoded as UTF-8, so that the path
/// is a valid `uri-reference` (SARIF §3.10) and GitHub finds the file.
pub fn uri(path: &str) -> String {
    // A file name without a colon is no URL: a byte search first (the
    // substring search was a quarter of this function's cost).
    if path.as_bytes().contains(&b':') && crate::fetch::looks_like_url(path) {
        return percent_encode(path, true);
    }
    let p = if path.contains('\\') {
        std::borrow::Cow::Owned(path.replace('\\', "/"))
    } else {
        std::borrow::Cow::Borrowed(path)
    };
    let mut p = &*p;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    percent_encode(p, false)
}

fn percent_encode(s: &str, url: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b'@')
            // A URL keeps its own scheme, port, query and escapes; in a file
            // name these are literal characters.
            || (url && matches!(b, b':' | b'?' | b'#' | b'%' | b'[' | b']'));
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Code points before byte offset `off` (SARIF `charOffset` counts
/// characters, like the columns, not bytes).
fn char_offset(text: &str, off: usize) -> usize {
    let mut o = off.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    text[..o].chars().count()
}

fn result(f: &FileReport, d: &Diagnostic, rule_index: Option<usize>, fingerprint: &str) -> Value {
    let a = f.source.line_col(d.span.start);
    let b = f.source.line_col(d.span.end);
    let c0 = char_offset(&f.source.text, d.span.start);
    let c1 = char_offset(&f.source.text, d.span.end);
    let mut r = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": {"text": if d.help.is_empty() { d.message.clone() } else { format!("{} — {}", d.message, d.help) }},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri(&f.path)},
                "region": {
                    "startLine": a.line, "startColumn": a.column,
                    "endLine": b.line, "endColumn": b.column,
                    "charOffset": c0, "charLength": c1 - c0,
                    "snippet": {"text": d.text},
                }
            }
        }],
        "partialFingerprints": {"selosteFinding/v1": fingerprint},
    });
    let m = r.as_object_mut().expect("object");
    if let Some(i) = rule_index {
        m.insert("ruleIndex".into(), json!(i));
    }
    if let Some(reason) = &d.suppressed {
        m.insert(
            "suppressions".into(),
            json!([{"kind": "inSource", "justification": reason}]),
        );
    }
    r
}

/// `tool.driver.rules`: every rule of the catalogue in use.
pub fn rules(engine: &Engine, lang: &str) -> Vec<Value> {
    engine
        .rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": rule_name(r),
                "shortDescription": {"text": r.message(lang)},
                "fullDescription": {"text": full_description(r, lang)},
                "help": {"text": format!("{}\n{}", r.help(lang), r.reference)},
                "helpUri": format!("{HELP_BASE}{}", r.id),
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"category": r.category, "tags": [r.category]},
            })
        })
        .collect()
}

/// A rule's `name`: its id in camel case (`missing-controller` is
/// `MissingController`).
fn rule_name(r: &crate::engine::Rule) -> String {
    r.id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A rule's `fullDescription`: its docs, or its message and help.
fn full_description(r: &crate::engine::Rule, lang: &str) -> String {
    if r.docs.is_empty() {
        format!("{} {}", r.message(lang), r.help(lang))
    } else {
        r.docs.trim().to_string()
    }
}

/// The results of one file: active findings, then suppressed ones (with
/// `suppressions[].justification`).
pub fn file_results(f: &FileReport, engine: &Engine) -> Vec<Value> {
    let index = |id: &str| engine.rules.iter().position(|r| r.id == id);
    let prints = crate::report::fingerprints(f);
    f.result
        .diagnostics
        .iter()
        .chain(&f.result.suppressed)
        .zip(&prints)
        .map(|(d, p)| result(f, d, index(&d.rule), p))
        .collect()
}

/// The results of one file as the CLI streams them (each begins with a
/// newline and sits at the depth of `runs[0].results`; [`SEPARATOR`]
/// between them, the one before the first is the caller's): the text
/// serde_json pretty-prints for [`file_results`] (a test compares them),
/// written straight into `out`. Building and printing those values was
/// about a third of a SARIF run.
pub fn write_file_results(out: &mut String, f: &FileReport, engine: &Engine) {
    let all = || f.result.diagnostics.iter().chain(&f.result.suppressed);
    if all().next().is_none() {
        return;
    }
    let prints = crate::report::fingerprint_hashes(f);
    let positions = Positions::of(&f.source, all().map(|d| &d.span));
    let mut uri_text = String::new();
    escape_into(&mut uri_text, &uri(&f.path));
    // The rule indexes found so far: a file has a few rules, the catalogue
    // about 40 (searched by name, as the first rule of a name wins).
    let mut indexes: Vec<(&crate::engine::Shared, Option<usize>)> = Vec::new();
    // The finding whose `locations` were written last (where, in `out`):
    // the same span and text give the same, and the findings of missing
    // elements all point at the title.
    let mut last_location: Option<(&Diagnostic, std::ops::Range<usize>)> = None;
    let mut messages = MESSAGES.take();
    for (i, (d, print)) in all().zip(&prints).enumerate() {
        if i > 0 {
            out.push_str(SEPARATOR);
        }
        out.push_str("\n        {\n          \"level\": \"");
        out.push_str(level(d.severity));
        out.push_str("\",\n          \"locations\": ");
        match &last_location {
            Some((last, text)) if last.span == d.span && last.text == d.text => {
                out.extend_from_within(text.clone())
            }
            _ => {
                let from = out.len();
                write_locations(out, &uri_text, &positions, d);
                last_location = Some((d, from..out.len()));
            }
        }
        out.push_str(",\n          \"message\": {\n            \"text\": ");
        messages.write(out, d);
        out.push_str("\n          },\n          \"partialFingerprints\": {\n            \"selosteFinding/v1\": \"");
        push_hex(out, *print);
        out.push_str("\"\n          },\n          \"ruleId\": ");
        escape_into(out, &d.rule);
        let index = match indexes.iter().find(|(rule, _)| rule.same(&d.rule)) {
            Some(&(_, index)) => index,
            None => {
                let index = engine.rules.iter().position(|r| r.id == d.rule);
                indexes.push((&d.rule, index));
                index
            }
        };
        if let Some(index) = index {
            out.push_str(",\n          \"ruleIndex\": ");
            push_decimal(out, index as u64);
        }
        if let Some(reason) = &d.suppressed {
            out.push_str(",\n          \"suppressions\": [\n            {\n              \"justification\": ");
            escape_into(out, reason);
            out.push_str(",\n              \"kind\": \"inSource\"\n            }\n          ]");
        }
        out.push_str("\n        }");
    }
    MESSAGES.set(messages);
}

thread_local! {
    static MESSAGES: std::cell::RefCell<Messages> = std::cell::RefCell::default();
}

/// The message texts of results written before on this thread, escaped:
/// 1,000 notices have 4,853 findings but about 150 different messages with
/// their help (~250 bytes each to join and escape).
#[derive(Default)]
struct Messages {
    /// [`Messages::SLOTS`] once used, indexed by [`Messages::slot`]; a slot
    /// holds the last text written there.
    slots: Vec<Option<Message>>,
}

struct Message {
    message: String,
    help: crate::engine::Shared,
    /// The result's `message.text`, quotes and all.
    text: String,
}

impl Messages {
    /// A power of two, well above the built-in catalogue's messages in
    /// every language.
    const SLOTS: usize = 512;

    /// The slot of a message: its first and last 8 bytes (rules' messages
    /// share words at both ends, but not all 16 bytes) and the lengths of
    /// the message and its help, multiplied and the top bits taken.
    fn slot(message: &str, help: &str) -> usize {
        let m = message.as_bytes();
        let word = |b: &[u8]| b.iter().fold(0u64, |h, &x| (h << 8) | u64::from(x));
        let first = word(&m[..m.len().min(8)]);
        let last = word(&m[m.len().saturating_sub(8)..]);
        let lengths = ((m.len() as u64) << 32) ^ help.len() as u64;
        let h = (first ^ lengths).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ last.rotate_left(29);
        let h = h.wrapping_mul(0x2545_f491_4f6c_dd1d);
        (h >> (64 - Self::SLOTS.trailing_zeros())) as usize
    }

    /// Writes `d`'s message text: the message and help (joined by a dash,
    /// when there is help) as a JSON string; copied when written before.
    fn write(&mut self, out: &mut String, d: &Diagnostic) {
        if self.slots.is_empty() {
            self.slots.resize_with(Self::SLOTS, || None);
        }
        let slot = &mut self.slots[Self::slot(&d.message, &d.help)];
        if let Some(m) = slot {
            if m.message == d.message && (m.help.same(&d.help) || m.help == d.help) {
                out.push_str(&m.text);
                return;
            }
        }
        let mut text = String::new();
        if d.help.is_empty() {
            escape_into(&mut text, &d.message);
        } else {
            escape_into(&mut text, &format!("{} — {}", d.message, d.help));
        }
        out.push_str(&text);
        *slot = Some(Message {
            message: d.message.clone(),
            help: d.help.clone(),
            text,
        });
    }
}

/// A result's `locations` array, `[` to `]`, at its depth in the log.
fn write_locations(out: &mut String, uri_text: &str, positions: &Positions, d: &Diagnostic) {
    let (a, c0) = positions.get(d.span.start);
    let (b, c1) = positions.get(d.span.end);
    out.push_str("[\n            {\n              \"physicalLocation\": {\n                \"artifactLocation\": {\n                  \"uri\": ");
    out.push_str(uri_text);
    out.push_str(
        "\n                },\n                \"region\": {\n                  \"charLength\": ",
    );
    push_decimal(out, (c1 - c0) as u64);
    out.push_str(",\n                  \"charOffset\": ");
    push_decimal(out, c0 as u64);
    out.push_str(",\n                  \"endColumn\": ");
    push_decimal(out, b.column.into());
    out.push_str(",\n                  \"endLine\": ");
    push_decimal(out, b.line.into());
    out.push_str(",\n                  \"snippet\": {\n                    \"text\": ");
    escape_into(out, &d.text);
    out.push_str("\n                  },\n                  \"startColumn\": ");
    push_decimal(out, a.column.into());
    out.push_str(",\n                  \"startLine\": ");
    push_decimal(out, a.line.into());
    out.push_str("\n                }\n              }\n            }\n          ]");
}

/// The line, column and character offset of every span end of a file's
/// findings, found in one pass over the text up to the last of them: each
/// `charOffset` counted from the text's start, and the line table built
/// for a few lines, were ~4 % of a SARIF run.
struct Positions {
    /// Ascending, no repeats.
    offsets: Vec<usize>,
    /// `line_cols[i]` and `chars[i]` are `offsets[i]`'s.
    line_cols: Vec<crate::source::LineCol>,
    chars: Vec<usize>,
}

impl Positions {
    fn of<'a>(
        src: &crate::source::SourceText,
        spans: impl Iterator<Item = &'a std::ops::Range<usize>>,
    ) -> Self {
        let mut offsets: Vec<usize> = spans.flat_map(|r| [r.start, r.end]).collect();
        offsets.sort_unstable();
        offsets.dedup();
        let mut line_cols = Vec::with_capacity(offsets.len());
        src.line_cols_ascending(&offsets, &mut line_cols);
        // Characters before each offset (floored to a character boundary,
        // as the columns are), counted on from the one before.
        let text = src.text.as_str();
        let (mut at, mut count) = (0, 0);
        let chars = offsets
            .iter()
            .map(|&o| {
                let o = crate::parse::floor_char_boundary(text, o);
                count += count_chars(&text[at..o]);
                at = o;
                count
            })
            .collect();
        Positions {
            offsets,
            line_cols,
            chars,
        }
    }

    /// The line and column of `offset` (one given to [`Positions::of`]) and
    /// the characters before it.
    fn get(&self, offset: usize) -> (crate::source::LineCol, usize) {
        let i = self
            .offsets
            .binary_search(&offset)
            .expect("the offset of a finding's span");
        (self.line_cols[i], self.chars[i])
    }
}

/// `s.chars().count()`: the bytes that start a character (all but
/// 0x80..=0xBF), 64 a step in byte lanes that the compiler makes 16-byte
/// vector operations of (`chars().count()`, ~0.75 instructions a byte,
/// was 4.2 M of 1,000 notices' SARIF; this is 1.7 M less).
fn count_chars(s: &str) -> usize {
    let starts = |b: &u8| u8::from(*b as i8 >= -0x40);
    let blocks = s.as_bytes().chunks_exact(64);
    let rest = blocks.remainder();
    let mut n = 0;
    for block in blocks {
        // At most 64: a byte holds the block's count.
        n += usize::from(block.iter().map(starts).sum::<u8>());
    }
    n + rest.iter().map(starts).map(usize::from).sum::<usize>()
}

/// `invocations`: whether the run succeeded, and every unreadable input as
/// an error notification (so code scanning shows that a page was not read).
pub fn invocations(errors: &[crate::report::FileError]) -> Value {
    let notes: Vec<Value> = errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": {"text": format!("{}: {}", e.path, e.message)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&e.path)}}}],
            })
        })
        .collect();
    json!([{"executionSuccessful": errors.is_empty(), "toolExecutionNotifications": notes}])
}

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn driver(engine: &Engine, lang: &str) -> Value {
    json!({"driver": {
        "name": "seloste",
        "version": env!("CARGO_PKG_VERSION"),
        "informationUri": "https://github.com/seloste/seloste",
        "rules": rules(engine, lang),
    }})
}

/// Indents every line but the first of a pretty-printed JSON value (JSON
/// strings never hold a raw newline, so lines are safe to indent).
pub fn indent(pretty: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    pretty.replace('\n', &format!("\n{pad}"))
}

/// Streaming: everything up to the opening of `results`. Write this, then
/// the results separated by [`SEPARATOR`] ([`write_file_results`]), then
/// [`close`].
///
/// Written key by key as serde_json pretty-prints [`driver`] (a test
/// compares them): building and printing the catalogue's values was ~3 M
/// cycles, a millisecond of every SARIF run however few its files.
pub fn open(engine: &Engine, lang: &str) -> String {
    let mut out = String::with_capacity(1024 * (engine.rules.len() + 1));
    out.push_str("{\n  \"$schema\": \"");
    out.push_str(SCHEMA);
    out.push_str("\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\n        \"driver\": {\n          \"informationUri\": \"https://github.com/seloste/seloste\",\n          \"name\": \"seloste\",\n          \"rules\": [");
    for (i, r) in engine.rules.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("\n            {\n              \"defaultConfiguration\": {\n                \"level\": \"");
        out.push_str(level(r.severity));
        out.push_str("\"\n              },\n              \"fullDescription\": {\n                \"text\": ");
        escape_into(&mut out, &full_description(r, lang));
        out.push_str("\n              },\n              \"help\": {\n                \"text\": ");
        escape_into(&mut out, &format!("{}\n{}", r.help(lang), r.reference));
        out.push_str("\n              },\n              \"helpUri\": ");
        escape_into(&mut out, &format!("{HELP_BASE}{}", r.id));
        out.push_str(",\n              \"id\": ");
        escape_into(&mut out, &r.id);
        out.push_str(",\n              \"name\": ");
        escape_into(&mut out, &rule_name(r));
        out.push_str(",\n              \"properties\": {\n                \"category\": ");
        escape_into(&mut out, &r.category);
        out.push_str(",\n                \"tags\": [\n                  ");
        escape_into(&mut out, &r.category);
        out.push_str("\n                ]\n              },\n              \"shortDescription\": {\n                \"text\": ");
        escape_into(&mut out, r.message(lang));
        out.push_str("\n              }\n            }");
    }
    if !engine.rules.is_empty() {
        out.push_str("\n          ");
    }
    out.push_str("],\n          \"version\": ");
    escape_into(&mut out, env!("CARGO_PKG_VERSION"));
    out.push_str(
        "\n        }\n      },\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [",
    );
    out
}

pub const SEPARATOR: &str = ",";

/// Closes what [`open`] began; `any` says whether results were written.
pub fn close(any: bool, errors: &[crate::report::FileError]) -> String {
    let inv = serde_json::to_string_pretty(&invocations(errors)).unwrap_or_default();
    format!(
        "{}],\n      \"invocations\": {}\n    }}\n  ]\n}}\n",
        if any { "\n      " } else { "" },
        indent(&inv, 6)
    )
}

/// The whole log as one value: the values the CLI streams with [`open`],
/// [`write_file_results`] and [`close`] (whose document has the top keys in
/// the order written there, not sorted).
pub fn render(files: &[FileReport], engine: &Engine, lang: &str) -> Value {
    render_with_errors(files, &[], engine, lang)
}

pub fn render_with_errors(
    files: &[FileReport],
    errors: &[crate::report::FileError],
    engine: &Engine,
    lang: &str,
) -> Value {
    let results: Vec<Value> = files.iter().flat_map(|f| file_results(f, engine)).collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": driver(engine, lang),
            "columnKind": "unicodeCodePoints",
            "results": results,
            "invocations": invocations(errors),
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::uri;
    use crate::lint::FileReport;

    /// One result as the CLI wrote it before [`super::write_file_results`]:
    /// its value pretty-printed by serde_json, indented for its place.
    fn result_text(v: &serde_json::Value) -> String {
        format!(
            "\n        {}",
            super::indent(&serde_json::to_string_pretty(v).unwrap(), 8)
        )
    }

    /// [`super::open`] as the CLI wrote it before: the driver's value
    /// pretty-printed by serde_json.
    fn old_open(engine: &crate::engine::Engine, lang: &str) -> String {
        let tool = serde_json::to_string_pretty(&super::driver(engine, lang)).unwrap();
        format!(
            "{{\n  \"$schema\": \"{}\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"tool\": {},\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [",
            super::SCHEMA,
            super::indent(&tool, 6)
        )
    }

    /// The written opening is the pretty-printed one: the built-in
    /// catalogue in each language, no rules, and rules whose texts need
    /// escaping (quotes, backslashes, control characters, non-ASCII) or
    /// are empty.
    #[test]
    fn written_opening_is_the_pretty_value() {
        let builtin = crate::lint::Linter::builtin().engine;
        for lang in ["fi", "sv", "en", "xx"] {
            assert_same(
                &super::open(&builtin, lang),
                &old_open(&builtin, lang),
                lang,
            );
        }
        let none = crate::engine::Engine::new(Vec::new());
        assert_same(
            &super::open(&none, "fi"),
            &old_open(&none, "fi"),
            "no rules",
        );
        let mut odd = builtin.rules[..3].to_vec();
        odd[0].docs = "  \"Lainaus\" \\ ja\tsarkain\u{1}\n€ ".into();
        odd[0].id = "oma-\"sääntö\"".into();
        odd[1].docs = String::new();
        odd[1].message.clear();
        odd[1].help.clear();
        odd[1].category = "".into();
        odd[2].reference = "\\\n".into();
        odd[2].id = "-".into();
        let odd = crate::engine::Engine::new(odd);
        assert_same(&super::open(&odd, "fi"), &old_open(&odd, "fi"), "odd rules");
    }

    /// The whole document the CLI writes for `files`: with the results
    /// written by [`super::write_file_results`], or by serde_json.
    fn document(files: &[FileReport], errors: &[crate::report::FileError], new: bool) -> String {
        let linter = crate::lint::Linter::builtin();
        let engine = &linter.engine;
        let mut out = if new {
            super::open(engine, "fi")
        } else {
            old_open(engine, "fi")
        };
        let mut any = false;
        for f in files {
            let items: Vec<String> = if new {
                let mut text = String::new();
                super::write_file_results(&mut text, f, engine);
                Some(text).filter(|t| !t.is_empty()).into_iter().collect()
            } else {
                super::file_results(f, engine)
                    .iter()
                    .map(result_text)
                    .collect()
            };
            for item in items {
                if any {
                    out.push_str(super::SEPARATOR);
                }
                out.push_str(&item);
                any = true;
            }
        }
        out.push_str(&super::close(any, errors));
        out
    }

    /// A file's results written by [`super::write_file_results`], and as
    /// serde_json pretty-prints them.
    fn both_ways(f: &FileReport, engine: &crate::engine::Engine) -> (String, String) {
        let mut got = String::new();
        super::write_file_results(&mut got, f, engine);
        let want: Vec<String> = super::file_results(f, engine)
            .iter()
            .map(result_text)
            .collect();
        (got, want.join(super::SEPARATOR))
    }

    /// Equal texts, or a panic that shows the first line that differs (a
    /// file's results are hundreds of lines).
    fn assert_same(got: &str, want: &str, what: &str) {
        let mut lines = got.lines().zip(want.lines()).enumerate();
        if let Some((n, (a, b))) = lines.find(|(_, (a, b))| a != b) {
            panic!("{what}, line {}: {a:?}, not {b:?}", n + 1);
        }
        assert_eq!(got, want, "{what}");
    }

    fn lint(name: &str, bytes: &[u8]) -> FileReport {
        crate::lint::Linter::builtin()
            .lint_bytes(name, bytes, None)
            .unwrap()
    }

    /// The streamed results are serde_json's pretty printing of
    /// [`super::file_results`], on every fixture and a suppressed finding.
    #[test]
    fn written_results_are_the_pretty_values() {
        let linter = crate::lint::Linter::builtin();
        let suppressing = b"# Tietosuojaseloste\n\n## Rekister\xc3\xb6\n\n\
            <!-- seloste-disable-next-line placeholder-text -- \"esimerkki\" \\ -->\n\
            Esimerkki Oy, (s-postiosoite)\n";
        let mut files: Vec<FileReport> = crate::report::linted_fixtures(&linter);
        files.push(lint("suppressed.md", suppressing));
        let (mut results, mut suppressed) = (0, 0);
        for f in &files {
            results += f.result.diagnostics.len();
            suppressed += f.result.suppressed.len();
            let (got, want) = both_ways(f, &linter.engine);
            assert_same(&got, &want, &f.path);
        }
        assert!(files.len() > 30 && results > 100 && suppressed > 0);
        assert_eq!(document(&files, &[], true), document(&files, &[], false));
    }

    /// Findings changed to hold what a writer can get wrong: quotes,
    /// backslashes and control characters in every text, non-ASCII
    /// before and inside spans, spans over lines, ending inside a
    /// character or past the text, empty spans and texts, rules outside
    /// the catalogue, suppressions; file names to escape and encode. Later
    /// rounds find the messages of earlier ones kept, changed or not.
    #[test]
    fn written_results_escape_and_count_like_serde_json() {
        let base = lint(
            "tietosuoja.md",
            "# Tietosuojaseloste – Yritys Ä\n\n## Rekisterinpitäjä\n\nEsimerkki Oy\r\n€ \"x\" \\ y\n".as_bytes(),
        );
        assert!(base.result.diagnostics.len() >= 2);
        let len = base.source.text.len();
        let euro = base.source.text.find('€').unwrap();
        let spans = [
            0..0,
            0..len,
            euro..euro + 1,
            euro + 1..len + 5,
            len..len,
            3..euro,
        ];
        let texts = [
            "",
            "a \"b\" \\ c\n\t\r\u{1}\u{1f}\u{7f}",
            "ä€𝄞",
            "\u{8}\u{c}",
        ];
        let mut next = crate::xorshift(0x9b05_688c_2b3e_6c1f);
        let linter = crate::lint::Linter::builtin();
        for name in [
            "tietosuoja.md",
            "./a b/\"x\"\\ä%#.md",
            "",
            "https://esimerkki.fi/a b?q=\"1\"#x",
        ] {
            for round in 0..40 {
                let mut f = base.clone();
                f.path = name.to_string();
                if round == 0 {
                    f.source = crate::source::SourceText::new(String::new(), "UTF-8");
                }
                let all = f
                    .result
                    .diagnostics
                    .iter_mut()
                    .chain(&mut f.result.suppressed);
                for d in all {
                    let mut pick = |n: usize| (next() % n as u64) as usize;
                    d.span = spans[pick(spans.len())].clone();
                    d.text = texts[pick(texts.len())].to_string();
                    if pick(2) == 0 {
                        d.message = texts[pick(texts.len())].to_string();
                    }
                    if pick(3) == 0 {
                        d.help = texts[pick(texts.len())].into();
                    }
                    if pick(4) == 0 {
                        d.rule = format!("{}-oma", d.rule).into();
                    }
                    if pick(3) == 0 {
                        d.suppressed = Some(texts[pick(texts.len())].to_string());
                    }
                    d.severity = [
                        crate::engine::Severity::Error,
                        crate::engine::Severity::Warning,
                        crate::engine::Severity::Info,
                    ][pick(3)];
                }
                if round % 2 == 1 {
                    let moved = f.result.diagnostics.remove(0);
                    f.result.suppressed.push(moved);
                }
                let (got, want) = both_ways(&f, &linter.engine);
                assert_same(&got, &want, &format!("{name} {round}"));
            }
        }
        // No findings: nothing written, and the empty log is unchanged.
        let mut empty = base.clone();
        empty.result.diagnostics.clear();
        let mut got = String::new();
        super::write_file_results(&mut got, &empty, &linter.engine);
        assert_eq!(got, "");
        let errors = [crate::report::FileError {
            path: "puuttuu \"x\".html".into(),
            message: "ei löydy\n".into(),
        }];
        for files in [vec![], vec![empty.clone()], vec![empty, base]] {
            assert_eq!(
                document(&files, &errors, true),
                document(&files, &errors, false)
            );
        }
    }

    /// [`super::count_chars`] is `chars().count()` on texts of one- to
    /// four-byte characters, of every length around the 64-byte steps.
    #[test]
    fn counted_characters_are_chars_count() {
        let mut next = crate::xorshift(0x3c6e_f372_fe94_f82b);
        let pieces = ["a", "\n", "ä", "€", "𝄞", "\u{7f}", "\u{80}", "\u{bf}"];
        for len in 0..300 {
            let s: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            for from in [0, 1, 63, 64, 65]
                .into_iter()
                .filter(|&i| s.is_char_boundary(i))
            {
                let t = &s[from.min(s.len())..];
                assert_eq!(super::count_chars(t), t.chars().count(), "{t:?}");
            }
        }
    }

    #[test]
    fn artifact_uris_are_uri_references() {
        assert_eq!(uri("./public/tietosuoja.html"), "public/tietosuoja.html");
        assert_eq!(uri("public\\fi\\ehdot.html"), "public/fi/ehdot.html");
        assert_eq!(uri("luonnos, v2: ä.txt"), "luonnos,%20v2%3A%20%C3%A4.txt");
        assert_eq!(uri("100% #1.md"), "100%25%20%231.md");
        assert_eq!(
            uri("https://example.fi:8443/tietosuoja?lang=fi#top"),
            "https://example.fi:8443/tietosuoja?lang=fi#top"
        );
        assert_eq!(
            uri("https://example.fi/yksityisyys ja evästeet"),
            "https://example.fi/yksityisyys%20ja%20ev%C3%A4steet"
        );
    }
}

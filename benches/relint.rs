//! What one keystroke costs the language server: apply an incremental edit to
//! a ~10 KB notice, lint it, and turn the findings into LSP diagnostics.
//! Prints the median (and 90th percentile) of many runs, each step on its own
//! and then the whole server path (JSON-RPC message in, `didChange` applied,
//! lint, `publishDiagnostics` serialized out).
//!
//!     cargo bench --bench relint [-- RUNS]

use std::time::{Duration, Instant};

use lsp_server::{Message, Notification};
use seloste::lint::Linter;
use seloste::lsp::convert::{self, Doc};
use seloste::lsp::text::{Encoding, Text};
use seloste::lsp::Server;
use seloste::source::SourceText;
use serde_json::json;

/// Seed 002 (a real notice exported as a Markdown table, 9.4 KB) plus table rows with a repealed
/// law and multi-byte text, to a little over 10 KB.
fn notice() -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut s =
        std::fs::read_to_string(root.join("fixtures/seeds/002_2e28cd0d57624660.txt")).unwrap();
    while s.len() < 10 * 1024 {
        s.push_str(
            "| Lisätietoja | Hänen ääntään 😀 käsitellään henkilötietolain mukaisesti, ja \
             tietoja säilytetään kaksi vuotta asiakassuhteen päättymisestä. |\n",
        );
    }
    s
}

fn stats(label: &str, mut v: Vec<Duration>) -> Duration {
    v.sort();
    let med = v[v.len() / 2];
    let p90 = v[v.len() * 9 / 10];
    println!(
        "{label:<44} median {:>8.1} µs   p90 {:>8.1} µs",
        med.as_secs_f64() * 1e6,
        p90.as_secs_f64() * 1e6
    );
    med
}

/// The edit of run `i`: type a character in the middle of line 20, or take
/// it away again, so the text stays the same size.
fn edit(i: usize) -> (gen_lsp_types::Range, &'static str) {
    let at = gen_lsp_types::Position {
        line: 20,
        character: 5,
    };
    let end = gen_lsp_types::Position {
        line: 20,
        character: if i.is_multiple_of(2) { 5 } else { 6 },
    };
    (
        gen_lsp_types::Range { start: at, end },
        if i.is_multiple_of(2) { "x" } else { "" },
    )
}

fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(3000);
    let src = notice();
    let name = "notice.txt";
    let uri = "file:///bench/notice.txt";
    let enc = Encoding::Utf16;
    let linter = Linter::builtin();
    let mut text = Text::new(src.clone());
    println!(
        "{} bytes, {} lines, {runs} runs",
        src.len(),
        text.line_count()
    );

    let (mut t_edit, mut t_lint, mut t_conv, mut t_total) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut findings = 0;
    for i in 0..runs + 50 {
        let t0 = Instant::now();
        let (range, new_text) = edit(i);
        text.apply(Some(range), new_text, enc);
        let t1 = Instant::now();
        let report = linter.lint_source(
            name,
            SourceText::new(text.as_str().to_owned(), "UTF-8"),
            None,
        );
        let t2 = Instant::now();
        let diags = convert::diagnostics(
            &Doc {
                uri,
                text: &text,
                format: report.format,
                enc,
                lang: "fi",
            },
            &report.result.diagnostics,
        );
        let t3 = Instant::now();
        findings = diags.len();
        std::hint::black_box(&diags);
        if i >= 50 {
            t_edit.push(t1 - t0);
            t_lint.push(t2 - t1);
            t_conv.push(t3 - t2);
            t_total.push(t3 - t0);
        }
    }
    println!("{findings} findings");
    stats("apply one edit (UTF-16 range)", t_edit);
    stats("lint (parse, normalize, rules)", t_lint);
    stats("convert to LSP diagnostics", t_conv);
    let total = stats("edit + lint + convert", t_total);
    // Where the lint's time goes.
    let format = Linter::detect_format(name, text.as_str());
    let (mut t_parse, mut t_rules) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t0 = Instant::now();
        let notice = linter.notice(text.as_str(), format);
        let t1 = Instant::now();
        let r = linter.engine.lint(&notice, text.as_str(), &linter.options);
        let t2 = Instant::now();
        std::hint::black_box(&r);
        t_parse.push(t1 - t0);
        t_rules.push(t2 - t1);
    }
    println!("(read as {})", format.name());
    stats("  of which parse + normalize + schema", t_parse);
    stats("  of which rules (engine)", t_rules);

    // The same through the server: JSON-RPC in, publishDiagnostics out.
    let mut server = Server::new(&json!({"capabilities": {}}));
    server.handle(Message::Notification(Notification::new(
        "textDocument/didOpen".into(),
        json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": src}}),
    )));
    server.flush();
    server.take_outgoing();
    let mut t_server = Vec::new();
    let mut bytes = Vec::new();
    for i in 0..runs + 50 {
        let (range, new_text) = edit(i);
        let msg = Message::Notification(Notification::new(
            "textDocument/didChange".into(),
            json!({"textDocument": {"uri": uri, "version": i + 2},
                   "contentChanges": [{"range": range, "text": new_text}]}),
        ));
        let t0 = Instant::now();
        server.handle(msg);
        server.flush();
        bytes.clear();
        for m in server.take_outgoing() {
            m.write(&mut bytes).unwrap();
        }
        let t1 = Instant::now();
        if i >= 50 {
            t_server.push(t1 - t0);
        }
    }
    println!("publishDiagnostics message: {} bytes", bytes.len());
    stats("server: didChange → publishDiagnostics", t_server);
    println!(
        "target: well under 1 ms per edit; edit + lint + convert median {:.3} ms",
        total.as_secs_f64() * 1e3
    );
}

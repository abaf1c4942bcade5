//! `seloste lsp` as an editor sees it: a child process spoken to in JSON-RPC
//! with Content-Length framing. Every read has a deadline, so a server that
//! hangs or dies fails the test instead of blocking it.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(20);

const RULE: &str = "repealed-personal-data-act";

/// Line 4 has ä, ö and an emoji (two UTF-16 units, four bytes) before the
/// finding; line 5 a soft hyphen inside it.
const NOTICE: &str = "Tietosuojaseloste\n\nPeruste\n\nHänen ääntään 😀 henkilötietolain mukaisesti käsitellään.\nLue henkilö\u{ad}tietolaista lisää.\n";

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    pending: VecDeque<Value>,
    next_id: i64,
}

impl Drop for Client {
    fn drop(&mut self) {
        // A failed test must not leave the server running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_seloste"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start seloste lsp");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_message(&mut r) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            rx,
            pending: VecDeque::new(),
            next_id: 0,
        }
    }

    fn send(&mut self, v: Value) {
        let body = serde_json::to_string(&v).unwrap();
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (other messages are kept).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let resp = self.wait(&format!("the response to {method}"), |m| {
            m["id"] == id && m.get("method").is_none()
        });
        assert!(resp.get("error").is_none(), "{method} failed: {resp}");
        resp["result"].clone()
    }

    /// The next message that `pred` accepts, within the deadline. Requests
    /// from the server (capability registration) are answered on the way.
    fn wait(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&pred) {
            return self.pending.remove(i).unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = match self.rx.recv_timeout(left) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {what}"),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server closed its output while we waited for {what}")
                }
            };
            if m.get("id").is_some() && m.get("method").is_some() {
                let id = m["id"].clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
            }
            if pred(&m) {
                return m;
            }
            self.pending.push_back(m);
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> (Option<i64>, Vec<Value>) {
        let m = self.wait(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        (
            m["params"]["version"].as_i64(),
            m["params"]["diagnostics"].as_array().unwrap().clone(),
        )
    }

    fn initialize(&mut self, params: Value) -> Value {
        let r = self.request("initialize", params);
        self.notify("initialized", json!({}));
        r
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// shutdown + exit; the process must end by itself with status 0.
    fn shut_down(mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        self.stdin.take();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert_eq!(status.code(), Some(0), "exit status after shutdown + exit");
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit within 5 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn capabilities(utf8: bool) -> Value {
    let mut caps = json!({
        "textDocument": {
            "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "publishDiagnostics": {"relatedInformation": true},
        },
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
    });
    if utf8 {
        caps["general"] = json!({"positionEncodings": ["utf-8", "utf-16"]});
    }
    caps
}

/// A fresh empty folder (no seloste.toml in it or, normally, above it).
fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("seloste-lsp-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn file_uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

fn pos(line: u64, character: u64) -> Value {
    json!({"line": line, "character": character})
}

fn range(l1: u64, c1: u64, l2: u64, c2: u64) -> Value {
    json!({"start": pos(l1, c1), "end": pos(l2, c2)})
}

fn with_rule<'a>(diags: &'a [Value], rule: &str) -> Vec<&'a Value> {
    diags.iter().filter(|d| d["code"] == rule).collect()
}

/// Byte offset of an LSP position, counting `character` in UTF-16 units or
/// in bytes: the test's own copy of the document is edited with it.
fn offset(text: &str, p: &Value, utf8: bool) -> usize {
    let line = p["line"].as_u64().unwrap() as usize;
    let ch = p["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    if utf8 {
        return start + ch;
    }
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= ch || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

fn apply_edit(text: &mut String, edit: &Value, utf8: bool) {
    let a = offset(text, &edit["range"]["start"], utf8);
    let b = offset(text, &edit["range"]["end"], utf8);
    text.replace_range(a..b, edit["newText"].as_str().unwrap());
}

/// The edit of a code action for `uri` (exactly one).
fn only_edit<'a>(action: &'a Value, uri: &str) -> &'a Value {
    let edits = action["edit"]["changes"][uri].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{action}");
    &edits[0]
}

#[test]
fn utf16_session_ranges_edits_hover_quick_fix_close_and_exit() {
    let dir = temp_dir("utf16");
    let mut c = Client::start();
    let init = c.initialize(json!({
        "processId": null, "rootUri": file_uri(&dir), "capabilities": capabilities(false)
    }));
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(init["serverInfo"]["name"], "seloste");

    let uri = file_uri(&dir.join("tietosuoja.txt"));
    let mut text = NOTICE.to_string();
    c.open(&uri, "plaintext", &text);
    let (version, diags) = c.diagnostics(&uri);
    assert_eq!(version, Some(1));
    let found = with_rule(&diags, RULE);
    assert_eq!(found.len(), 2, "{diags:#?}");
    let d = found[0];
    // "Hänen ääntään 😀 " is 16 characters but 17 UTF-16 units.
    assert_eq!(d["range"], range(4, 17, 4, 33));
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "seloste");
    let msg = d["message"].as_str().unwrap();
    assert!(
        msg.starts_with("Viittaus kumottuun henkilötietolakiin"),
        "{msg}"
    );
    assert!(
        msg.contains("\nHenkilötietolaki kumottiin 1.1.2019."),
        "help follows: {msg}"
    );
    // The soft hyphen is one UTF-16 unit inside the span.
    assert_eq!(found[1]["range"], range(5, 4, 5, 23));

    // An incremental edit before the finding moves it right.
    let edit = json!({"range": range(4, 6, 4, 6), "text": "ja "});
    c.change(&uri, 2, json!([edit]));
    text.insert_str(offset(&text, &pos(4, 6), false), "ja ");
    let (version, diags) = c.diagnostics(&uri);
    assert_eq!(version, Some(2));
    let d = with_rule(&diags, RULE)[0].clone();
    assert_eq!(d["range"], range(4, 20, 4, 36));

    // Hover inside the finding: the rule's explanation and legal reference.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(4, 25)}),
    );
    assert_eq!(h["contents"]["kind"], "markdown");
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(md.contains(&format!("`{RULE}`")), "{md}");
    assert!(
        md.contains(
            "**Lainkohta:** Henkilötietolaki 523/1999 kumottu 1.1.2019 (tietosuojalaki 1050/2018)"
        ),
        "{md}"
    );
    assert_eq!(h["range"], d["range"]);
    // Nowhere near a finding: nothing.
    let none = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(1, 0)}),
    );
    assert_eq!(none, Value::Null);

    // The quick fix, applied to our copy and sent back as an edit.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"],
               "context": {"diagnostics": [d], "only": ["quickfix"]}}),
    );
    let actions = actions.as_array().unwrap();
    assert!(
        !actions
            .iter()
            .any(|a| a["title"].as_str().unwrap().contains("Ohita")),
        "no suppression comments in plain text: {actions:#?}"
    );
    let fix = actions
        .iter()
        .find(|a| a["isPreferred"] == true)
        .expect("a preferred quick fix");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["diagnostics"][0]["code"], RULE);
    let e = only_edit(fix, &uri).clone();
    assert_eq!(e["range"], d["range"]);
    assert_eq!(e["newText"], "EU:n yleinen tietosuoja-asetus (2016/679)");
    apply_edit(&mut text, &e, false);
    assert!(
        text.contains("Hänen ja ääntään 😀 EU:n yleinen tietosuoja-asetus (2016/679) mukaisesti")
    );
    c.change(
        &uri,
        3,
        json!([{"range": e["range"], "text": e["newText"]}]),
    );
    let (version, diags) = c.diagnostics(&uri);
    assert_eq!(version, Some(3));
    let left = with_rule(&diags, RULE);
    assert_eq!(left.len(), 1, "only the soft-hyphen one is left: {left:#?}");
    assert_eq!(left[0]["range"], range(5, 4, 5, 23));

    // Several changes in one notification apply in order.
    c.change(
        &uri,
        4,
        json!([
            {"range": range(5, 0, 6, 0), "text": ""},
            {"range": range(0, 0, 0, 0), "text": "😀\n"},
        ]),
    );
    let (_, diags) = c.diagnostics(&uri);
    assert!(with_rule(&diags, RULE).is_empty(), "{diags:#?}");

    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let (_, diags) = c.diagnostics(&uri);
    assert!(diags.is_empty(), "closing clears the diagnostics");
    c.shut_down();
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn utf8_session_counts_bytes() {
    let dir = temp_dir("utf8");
    let mut c = Client::start();
    let init = c.initialize(json!({
        "processId": null, "workspaceFolders": [{"uri": file_uri(&dir), "name": "w"}],
        "capabilities": capabilities(true)
    }));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let uri = file_uri(&dir.join("tietosuoja.txt"));
    let mut text = NOTICE.to_string();
    c.open(&uri, "plaintext", &text);
    let (_, diags) = c.diagnostics(&uri);
    let found = with_rule(&diags, RULE);
    // "Hänen ääntään 😀 " is 24 bytes; "henkilötietolain" 17.
    assert_eq!(found[0]["range"], range(4, 24, 4, 41));
    // "henkilö­tietolaista": the soft hyphen is two bytes.
    assert_eq!(found[1]["range"], range(5, 4, 5, 25));

    // Insert after "Hänen " (7 bytes): positions are bytes both ways.
    c.change(
        &uri,
        2,
        json!([{"range": range(4, 7, 4, 7), "text": "ja "}]),
    );
    apply_edit(
        &mut text,
        &json!({"range": range(4, 7, 4, 7), "newText": "ja "}),
        true,
    );
    assert!(text.contains("Hänen ja ääntään"));
    let (_, diags) = c.diagnostics(&uri);
    assert_eq!(with_rule(&diags, RULE)[0]["range"], range(4, 27, 4, 44));

    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(5, 10)}),
    );
    assert!(h["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("Henkilötietolaki 523/1999 kumottu"));
    assert_eq!(h["range"], range(5, 4, 5, 25));
    c.shut_down();
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn html_suppress_action_inserts_a_comment_line() {
    let dir = temp_dir("html");
    let mut c = Client::start();
    c.initialize(
        json!({"processId": null, "rootUri": file_uri(&dir), "capabilities": capabilities(false)}),
    );
    let uri = file_uri(&dir.join("tietosuoja.html"));
    let mut text = "<h1>Tietosuojaseloste</h1>\n<section>\n  <h2>Peruste</h2>\n    <p>Käsittely perustuu henkilötietolakiin (äö 😀).</p>\n</section>\n".to_string();
    c.open(&uri, "html", &text);
    let (_, diags) = c.diagnostics(&uri);
    let d = with_rule(&diags, RULE)[0].clone();
    assert_eq!(d["range"], range(3, 26, 3, 44));

    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(3, 30, 3, 30),
               "context": {"diagnostics": [d]}}),
    );
    let actions = actions.as_array().unwrap();
    assert!(actions.iter().any(|a| a["isPreferred"] == true));
    let suppress = actions
        .iter()
        .find(|a| {
            a["edit"]["changes"][&uri][0]["newText"]
                .as_str()
                .is_some_and(|t| t.contains("seloste-disable-next-line"))
        })
        .expect("a suppress action");
    assert_eq!(suppress["kind"], "quickfix");
    let e = only_edit(suppress, &uri).clone();
    assert_eq!(e["range"], range(3, 0, 3, 0));
    assert_eq!(
        e["newText"],
        format!("    <!-- seloste-disable-next-line {RULE} -- perustelu -->\n")
    );
    apply_edit(&mut text, &e, false);
    c.change(
        &uri,
        2,
        json!([{"range": e["range"], "text": e["newText"]}]),
    );
    let (_, diags) = c.diagnostics(&uri);
    assert!(with_rule(&diags, RULE).is_empty(), "{diags:#?}");
    assert!(with_rule(&diags, "unused-suppression").is_empty());
    // The server's copy and ours agree: a full-text change gives the same.
    c.change(&uri, 3, json!([{"text": text}]));
    let (_, again) = c.diagnostics(&uri);
    assert_eq!(again, diags);
    c.shut_down();
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn config_selects_rules_and_language_and_reloads_when_it_changes() {
    let dir = temp_dir("config");
    let cfg = dir.join("seloste.toml");
    std::fs::write(&cfg, "lang = \"en\"\nignore = [\"missing-element\"]\n").unwrap();
    let mut c = Client::start();
    c.initialize(
        json!({"processId": null, "rootUri": file_uri(&dir), "capabilities": capabilities(false)}),
    );
    // The server asks to be told about seloste.toml changes.
    let reg = c.wait("client/registerCapability", |m| {
        m["method"] == "client/registerCapability"
    });
    let r = &reg["params"]["registrations"][0];
    assert_eq!(r["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        r["registerOptions"]["watchers"][0]["globPattern"],
        "**/seloste.toml"
    );

    let uri = file_uri(&dir.join("site/tietosuoja.txt"));
    c.open(&uri, "plaintext", NOTICE);
    let (_, diags) = c.diagnostics(&uri);
    assert!(!diags.is_empty());
    assert!(
        diags
            .iter()
            .all(|d| !d["code"].as_str().unwrap().starts_with("missing-")),
        "{diags:#?}"
    );
    assert!(with_rule(&diags, RULE)[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("Reference to the repealed Personal Data Act"));
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(4, 20)}),
    );
    assert!(h["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("**Legal reference:**"));

    // Changed on disk and reported by the client's watcher: re-read and re-published.
    std::fs::write(&cfg, "select = [\"missing-controller\"]\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&cfg), "type": 2}]}),
    );
    let (_, diags) = c.diagnostics(&uri);
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["missing-controller"]);
    assert!(diags[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("Rekisterinpitäjää ei ole nimetty"));

    // A broken file: the user is told, and the defaults apply meanwhile.
    std::fs::write(&cfg, "select = [\n").unwrap();
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": file_uri(&cfg)}}),
    );
    let shown = c.wait("window/showMessage", |m| {
        m["method"] == "window/showMessage"
    });
    assert_eq!(shown["params"]["type"], 1);
    assert!(shown["params"]["message"]
        .as_str()
        .unwrap()
        .contains("seloste.toml:"));
    let (_, diags) = c.diagnostics(&uri);
    assert!(
        with_rule(&diags, RULE).len() == 2 && with_rule(&diags, "missing-controller").len() == 1
    );

    // Removed: back to the defaults, no error.
    std::fs::remove_file(&cfg).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&cfg), "type": 3}]}),
    );
    let (_, diags) = c.diagnostics(&uri);
    assert!(with_rule(&diags, "missing-controller").len() == 1);
    c.shut_down();
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn exit_without_shutdown_is_status_1_and_bad_requests_get_errors() {
    let mut c = Client::start();
    c.send(json!({"jsonrpc": "2.0", "id": 99, "method": "textDocument/hover", "params": {}}));
    let r = c.wait("an error", |m| m["id"] == 99);
    assert_eq!(r["error"]["code"], -32002, "ServerNotInitialized");
    c.initialize(json!({"processId": null, "rootUri": null, "capabilities": {}}));
    c.send(json!({"jsonrpc": "2.0", "id": 100, "method": "no/such/method", "params": {}}));
    let r = c.wait("an error", |m| m["id"] == 100);
    assert_eq!(r["error"]["code"], -32601, "MethodNotFound");
    c.send(
        json!({"jsonrpc": "2.0", "id": 101, "method": "textDocument/hover", "params": {"x": 1}}),
    );
    let r = c.wait("an error", |m| m["id"] == 101);
    assert_eq!(r["error"]["code"], -32602, "InvalidParams");
    // Hover on a document that is not open: no answer, no crash.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere.txt"}, "position": pos(0, 0)}),
    );
    assert_eq!(h, Value::Null);
    c.notify("exit", Value::Null);
    c.stdin.take();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(status) = c.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(1));
            return;
        }
        assert!(Instant::now() < deadline, "no exit within 5 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

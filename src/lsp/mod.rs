//! `seloste lsp`: the linter as a language server over stdio.
//!
//! Built on rust-analyzer's `lsp-server` (synchronous: linting is CPU-bound,
//! about half a millisecond for a 10 KB notice, so there is nothing to await) and
//! `gen-lsp-types` (types generated from the protocol's 3.18 metamodel).
//!
//! * Text sync is incremental; positions are UTF-8 when the client offers it,
//!   else UTF-16 ([`text`]).
//! * Diagnostics are published on open, change and save and cleared on close.
//!   Messages that arrive together are applied together and the document is
//!   linted once, after the last of them ([`Server::flush`]).
//! * Hover shows the rule's explanation and legal reference; code actions give
//!   the rule's replacement, a suppression comment, or removal of an unused
//!   one ([`convert`]).
//! * `seloste.toml` is looked for from the document's folder upward, then in
//!   the workspace folders; it is re-read when the client reports it changed
//!   (a file watcher registered at start, or a save of a file of that name).

pub mod convert;
pub mod text;
pub mod uri;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use gen_lsp_types as lsp;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use serde_json::Value;

use crate::engine::config::{Config, FILE_NAME};
use crate::engine::{catalogue, Options};
use crate::lint::{FileReport, Linter};
use crate::parse::Format;
use crate::schema::HeadingTable;
use crate::source::SourceText;
use text::{Encoding, Text};

/// Runs the server on stdin/stdout until `exit`; returns the exit status
/// (0 after `shutdown` + `exit`, 1 otherwise, as the protocol asks).
pub fn run() -> i32 {
    let (conn, io) = Connection::stdio();
    let status = match serve(&conn) {
        Ok(status) => status,
        Err(e) => {
            eprintln!("seloste lsp: {e}");
            return 1;
        }
    };
    // All senders gone: the writer thread finishes what is queued and stops.
    drop(conn);
    if let Err(e) = io.join() {
        eprintln!("seloste lsp: {e}");
    }
    status
}

fn serve(conn: &Connection) -> Result<i32, String> {
    let (id, params) = conn.initialize_start().map_err(|e| e.to_string())?;
    let mut server = Server::new(&params);
    let result = serde_json::json!({
        "capabilities": server.capabilities(),
        "serverInfo": {"name": "seloste", "version": env!("CARGO_PKG_VERSION")},
    });
    conn.initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    server.initialized();
    loop {
        for m in server.take_outgoing() {
            conn.sender.send(m).map_err(|e| e.to_string())?;
        }
        let Ok(msg) = conn.receiver.recv() else {
            // The client went away without `exit`.
            return Ok(1);
        };
        let mut exit = server.handle(msg);
        // Apply everything that is already waiting before linting, so a burst
        // of keystrokes costs one lint.
        while exit.is_none() {
            match conn.receiver.try_recv() {
                Ok(m) => exit = server.handle(m),
                Err(_) => break,
            }
        }
        server.flush();
        if let Some(status) = exit {
            for m in server.take_outgoing() {
                conn.sender.send(m).map_err(|e| e.to_string())?;
            }
            return Ok(status);
        }
    }
}

/// One open document.
#[derive(Debug)]
pub struct Document {
    pub text: Text,
    pub version: i32,
    pub language_id: String,
    /// The `seloste.toml` that applies (None: built-in defaults).
    pub config: Option<PathBuf>,
    /// The text changed since the last lint.
    pub dirty: bool,
    /// The last lint of the current text (None for `seloste.toml` itself, or
    /// before the first lint).
    pub report: Option<FileReport>,
}

struct CachedLinter {
    linter: Linter,
    /// The config file's modification time when it was read.
    mtime: Option<SystemTime>,
}

/// The server's state; [`Server::handle`] takes one message, outgoing
/// messages collect until [`Server::take_outgoing`].
pub struct Server {
    enc: Encoding,
    roots: Vec<PathBuf>,
    watch_files: bool,
    code_action_literals: bool,
    docs: HashMap<String, Document>,
    linters: HashMap<Option<PathBuf>, CachedLinter>,
    out: Vec<Message>,
    shutdown: bool,
    next_id: i32,
}

fn get<'a>(v: &'a Value, path: &str) -> &'a Value {
    v.pointer(path).unwrap_or(&Value::Null)
}

impl Server {
    /// A server for a client's `initialize` parameters.
    pub fn new(init: &Value) -> Server {
        let offered: Vec<String> = get(init, "/capabilities/general/positionEncodings")
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let mut roots: Vec<PathBuf> = get(init, "/workspaceFolders")
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.get("uri")?.as_str().and_then(uri::to_path))
                    .collect()
            })
            .unwrap_or_default();
        if roots.is_empty() {
            if let Some(p) = get(init, "/rootUri").as_str().and_then(uri::to_path) {
                roots.push(p);
            } else if let Some(p) = get(init, "/rootPath").as_str() {
                roots.push(PathBuf::from(p));
            }
        }
        Server {
            enc: Encoding::negotiate(&offered),
            roots,
            watch_files: get(
                init,
                "/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration",
            )
            .as_bool()
            .unwrap_or(false),
            code_action_literals: get(
                init,
                "/capabilities/textDocument/codeAction/codeActionLiteralSupport",
            )
            .is_object(),
            docs: HashMap::new(),
            linters: HashMap::new(),
            out: Vec::new(),
            shutdown: false,
            next_id: 0,
        }
    }

    pub fn encoding(&self) -> Encoding {
        self.enc
    }

    pub fn document(&self, uri: &str) -> Option<&Document> {
        self.docs.get(uri)
    }

    /// The capabilities answered to `initialize`.
    pub fn capabilities(&self) -> Value {
        let code_actions = if self.code_action_literals {
            lsp::CodeActionProvider::CodeActionOptions(lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QuickFix]),
                ..Default::default()
            })
        } else {
            lsp::CodeActionProvider::Bool(true)
        };
        let caps = lsp::ServerCapabilities {
            position_encoding: Some(self.enc.kind()),
            text_document_sync: Some(lsp::TextDocumentSync::Options(
                lsp::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp::TextDocumentSyncKind::Incremental),
                    save: Some(lsp::Save::SaveOptions(lsp::SaveOptions {
                        include_text: Some(false),
                    })),
                    ..Default::default()
                },
            )),
            hover_provider: Some(lsp::HoverProvider::Bool(true)),
            code_action_provider: Some(code_actions),
            workspace: Some(lsp::WorkspaceOptions {
                workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(lsp::ChangeNotifications::Bool(true)),
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        serde_json::to_value(caps).unwrap_or(Value::Null)
    }

    /// After `initialized`: ask the client to watch `seloste.toml` files.
    pub fn initialized(&mut self) {
        if !self.watch_files {
            return;
        }
        let options = lsp::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::Pattern(format!("**/{FILE_NAME}")),
                kind: None,
            }],
        };
        let params = lsp::RegistrationParams {
            registrations: vec![lsp::Registration {
                id: "seloste-config-watcher".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.next_id += 1;
        self.out.push(
            Request::new(
                RequestId::from(self.next_id),
                "client/registerCapability".into(),
                params,
            )
            .into(),
        );
    }

    pub fn take_outgoing(&mut self) -> Vec<Message> {
        std::mem::take(&mut self.out)
    }

    fn notify(&mut self, method: &str, params: impl serde::Serialize) {
        self.out
            .push(Notification::new(method.into(), params).into());
    }

    fn show_error(&mut self, message: String) {
        self.notify(
            "window/showMessage",
            lsp::ShowMessageParams {
                kind: lsp::MessageType::Error,
                message,
            },
        );
    }

    /// Handles one message; `Some(status)` when it was `exit`.
    pub fn handle(&mut self, msg: Message) -> Option<i32> {
        match msg {
            Message::Request(req) => {
                let id = req.id.clone();
                let resp = self
                    .request(req)
                    .unwrap_or_else(|(code, message)| Response::new_err(id, code as i32, message));
                self.out.push(resp.into());
                None
            }
            Message::Notification(n) if n.method == "exit" => {
                Some(if self.shutdown { 0 } else { 1 })
            }
            Message::Notification(n) => {
                if let Err(e) = self.notification(n) {
                    eprintln!("seloste lsp: {e}");
                }
                None
            }
            // Answers to our requests (the watcher registration): nothing to do.
            Message::Response(_) => None,
        }
    }

    fn request(&mut self, req: Request) -> Result<Response, (ErrorCode, String)> {
        let bad = |e: serde_json::Error| (ErrorCode::InvalidParams, e.to_string());
        if self.shutdown {
            return Err((
                ErrorCode::InvalidRequest,
                "the server is shutting down".into(),
            ));
        }
        let result = match req.method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                Value::Null
            }
            "textDocument/hover" => {
                let p: lsp::HoverParams = serde_json::from_value(req.params).map_err(bad)?;
                let p = p.text_document_position_params;
                serde_json::to_value(self.hover(&p.text_document.uri.0, p.position))
                    .unwrap_or(Value::Null)
            }
            "textDocument/codeAction" => {
                let p: lsp::CodeActionParams = serde_json::from_value(req.params).map_err(bad)?;
                serde_json::to_value(self.code_actions(&p)).unwrap_or(Value::Null)
            }
            m => return Err((ErrorCode::MethodNotFound, format!("unknown request {m}"))),
        };
        Ok(Response::new_ok(req.id, result))
    }

    fn notification(&mut self, n: Notification) -> Result<(), String> {
        fn parse<T: serde::de::DeserializeOwned>(n: Notification) -> Result<T, String> {
            let method = n.method.clone();
            serde_json::from_value(n.params).map_err(|e| format!("{method}: {e}"))
        }
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let p: lsp::DidOpenTextDocumentParams = parse(n)?;
                let d = p.text_document;
                let config = self.config_for(&d.uri.0);
                self.docs.insert(
                    d.uri.0,
                    Document {
                        text: Text::new(d.text),
                        version: d.version,
                        language_id: d.language_id.as_str().to_string(),
                        config,
                        dirty: true,
                        report: None,
                    },
                );
            }
            "textDocument/didChange" => {
                let p: lsp::DidChangeTextDocumentParams = parse(n)?;
                let uri = p.text_document.text_document_identifier.uri.0;
                let enc = self.enc;
                let Some(doc) = self.docs.get_mut(&uri) else {
                    return Err(format!("didChange for a document that is not open: {uri}"));
                };
                for c in p.content_changes {
                    match c {
                        lsp::TextDocumentContentChangeEvent::TextDocumentContentChangePartial(
                            c,
                        ) => doc.text.apply(Some(c.range), &c.text, enc),
                        lsp::TextDocumentContentChangeEvent::TextDocumentContentChangeWholeDocument(
                            c,
                        ) => doc.text.apply(None, &c.text, enc),
                    }
                }
                doc.version = p.text_document.version;
                doc.dirty = true;
            }
            "textDocument/didSave" => {
                let p: lsp::DidSaveTextDocumentParams = parse(n)?;
                let uri = p.text_document.uri.0;
                if is_config(&uri) {
                    self.reload_configs();
                } else if self.docs.contains_key(&uri) {
                    // A seloste.toml may have appeared or changed beside it
                    // even where the client watches no files.
                    let config = self.config_for(&uri);
                    let stale = self.docs.get(&uri).is_some_and(|d| d.config != config)
                        || self
                            .linters
                            .get(&config)
                            .is_some_and(|c| c.mtime != mtime(config.as_deref()));
                    if stale {
                        self.reload_configs();
                    } else if let Some(d) = self.docs.get_mut(&uri) {
                        d.dirty = true;
                    }
                }
            }
            "textDocument/didClose" => {
                let p: lsp::DidCloseTextDocumentParams = parse(n)?;
                let uri = p.text_document.uri.0;
                self.docs.remove(&uri);
                self.notify(
                    "textDocument/publishDiagnostics",
                    lsp::PublishDiagnosticsParams {
                        uri: uri.into(),
                        version: None,
                        diagnostics: Vec::new(),
                    },
                );
            }
            "workspace/didChangeWatchedFiles" => {
                let p: lsp::DidChangeWatchedFilesParams = parse(n)?;
                if p.changes.iter().any(|c| is_config(&c.uri.0)) {
                    self.reload_configs();
                }
            }
            "workspace/didChangeWorkspaceFolders" => {
                let p: lsp::DidChangeWorkspaceFoldersParams = parse(n)?;
                let removed: Vec<PathBuf> = p
                    .event
                    .removed
                    .iter()
                    .filter_map(|f| uri::to_path(&f.uri.0))
                    .collect();
                self.roots.retain(|r| !removed.contains(r));
                self.roots
                    .extend(p.event.added.iter().filter_map(|f| uri::to_path(&f.uri.0)));
                self.reload_configs();
            }
            _ => {}
        }
        Ok(())
    }

    /// The `seloste.toml` for a document: the nearest one from its folder
    /// upward, else one in a workspace folder.
    fn config_for(&self, uri: &str) -> Option<PathBuf> {
        if let Some(found) = uri::to_path(uri).and_then(|p| Config::find(&p)) {
            return Some(found);
        }
        self.roots
            .iter()
            .map(|r| r.join(FILE_NAME))
            .find(|p| p.is_file())
    }

    /// Forgets every compiled configuration, finds each document's config
    /// again and re-lints everything.
    fn reload_configs(&mut self) {
        self.linters.clear();
        let uris: Vec<String> = self.docs.keys().cloned().collect();
        for u in uris {
            let config = self.config_for(&u);
            if let Some(d) = self.docs.get_mut(&u) {
                d.config = config;
                d.dirty = true;
            }
        }
    }

    fn ensure_linter(&mut self, config: &Option<PathBuf>) {
        if self.linters.contains_key(config) {
            return;
        }
        let linter = match config {
            None => Linter::builtin(),
            Some(path) => match load_linter(path) {
                Ok(l) => l,
                Err(e) => {
                    self.show_error(format!(
                        "seloste: {e} (using the built-in defaults until it is fixed)"
                    ));
                    Linter::builtin()
                }
            },
        };
        self.linters.insert(
            config.clone(),
            CachedLinter {
                linter,
                mtime: mtime(config.as_deref()),
            },
        );
    }

    /// Lints every changed document and publishes its diagnostics.
    pub fn flush(&mut self) {
        let dirty: Vec<String> = self
            .docs
            .iter()
            .filter(|(_, d)| d.dirty)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in dirty {
            self.lint(&uri);
        }
    }

    /// Lints one document if it changed, and publishes its diagnostics.
    fn lint(&mut self, uri: &str) {
        let Some(config) = self
            .docs
            .get(uri)
            .filter(|d| d.dirty)
            .map(|d| d.config.clone())
        else {
            return;
        };
        if is_config(uri) {
            // seloste.toml itself is synced (for its saves) but not a notice.
            if let Some(d) = self.docs.get_mut(uri) {
                d.dirty = false;
            }
            return;
        }
        self.ensure_linter(&config);
        let (Some(cached), Some(doc)) = (self.linters.get(&config), self.docs.get_mut(uri)) else {
            return;
        };
        doc.dirty = false;
        let linter = &cached.linter;
        let name = uri::file_name(uri);
        let format = format_for(&name, &doc.language_id, doc.text.as_str());
        let source = SourceText::new(doc.text.as_str().to_owned(), "UTF-8");
        // A bug in a parser must not take the editor's server down with it.
        let report = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            linter.lint_source(&name, source, Some(format))
        }))
        .ok();
        let diagnostics = match &report {
            Some(r) => convert::diagnostics(
                &convert::Doc {
                    uri,
                    text: &doc.text,
                    format: r.format,
                    enc: self.enc,
                    lang: &linter.options.lang,
                },
                &r.result.diagnostics,
            ),
            None => Vec::new(),
        };
        doc.report = report;
        let params = lsp::PublishDiagnosticsParams {
            uri: uri.into(),
            version: Some(doc.version),
            diagnostics,
        };
        self.notify("textDocument/publishDiagnostics", params);
    }

    fn hover(&mut self, uri: &str, pos: lsp::Position) -> Option<lsp::Hover> {
        self.lint(uri);
        let doc = self.docs.get(uri)?;
        let report = doc.report.as_ref()?;
        let linter = &self.linters.get(&doc.config)?.linter;
        let offset = doc.text.offset(pos, self.enc);
        convert::hover(
            &convert::Doc {
                uri,
                text: &doc.text,
                format: report.format,
                enc: self.enc,
                lang: &linter.options.lang,
            },
            &linter.engine,
            &report.result.diagnostics,
            offset,
        )
    }

    fn code_actions(&mut self, p: &lsp::CodeActionParams) -> Vec<lsp::CodeAction> {
        let uri = &p.text_document.uri.0;
        self.lint(uri);
        let Some(doc) = self.docs.get(uri) else {
            return Vec::new();
        };
        let (Some(report), Some(cached)) = (&doc.report, self.linters.get(&doc.config)) else {
            return Vec::new();
        };
        let range = doc.text.offsets(p.range, self.enc);
        convert::code_actions(
            &convert::Doc {
                uri,
                text: &doc.text,
                format: report.format,
                enc: self.enc,
                lang: &cached.linter.options.lang,
            },
            &report.result.diagnostics,
            range,
            p.context.only.as_deref(),
        )
    }
}

fn is_config(uri: &str) -> bool {
    uri::file_name(uri) == FILE_NAME
}

fn mtime(path: Option<&Path>) -> Option<SystemTime> {
    std::fs::metadata(path?).and_then(|m| m.modified()).ok()
}

/// A linter for one `seloste.toml`: its select/ignore/severity/extra rules
/// and message language.
fn load_linter(path: &Path) -> Result<Linter, String> {
    let cfg = Config::load(path)?;
    let engine = cfg
        .apply(catalogue::builtin())
        .map_err(|e| format!("{}: {}", path.display(), e.join("; ")))?;
    Ok(Linter {
        engine,
        headings: HeadingTable::builtin(),
        options: Options {
            lang: cfg.lang.clone().unwrap_or_else(|| "fi".into()),
        },
    })
}

/// The format by file extension, else by the client's language id, else by
/// content (as the CLI does for `.txt`).
fn format_for(name: &str, language_id: &str, text: &str) -> Format {
    let known_ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .and_then(Format::from_extension)
        .is_some();
    if !known_ext {
        match language_id {
            "html" => return Format::Html,
            "markdown" | "mdx" => return Format::Markdown,
            _ => {}
        }
    }
    Linter::detect_format(name, text)
}

//! JSON: the `check` contract (docs/json.md) and the canonical notice of
//! `sections --format json`.

use serde_json::{json, Map, Value};

use super::{totals, FileError};
use crate::engine::{Diagnostic, Shared, Status};
use crate::lint::FileReport;
use crate::schema::{Key, Notice};
use crate::source::{LineCol, SourceText};

/// An object key as written: `"name": ` (a constant, nothing to escape).
macro_rules! key {
    ($name:literal) => {
        concat!("\"", $name, "\": ")
    };
}

pub fn span(src: &SourceText, r: &std::ops::Range<usize>) -> Value {
    let lc = src.line_col(r.start);
    let end = src.line_col(r.end);
    json!({
        "start": r.start, "end": r.end,
        "line": lc.line, "column": lc.column,
        "end_line": end.line, "end_column": end.column,
    })
}

fn diagnostic(src: &SourceText, d: &Diagnostic) -> Value {
    let mut v = json!({
        "rule": d.rule,
        "category": d.category,
        "element": d.element.map(|k| k.name()),
        "severity": d.severity.name(),
        "message": d.message,
        "help": d.help,
        "reference": d.reference,
        "span": span(src, &d.span),
        "text": d.text,
        "quote": d.quote,
    });
    let m = v.as_object_mut().expect("object");
    if !d.related.is_empty() {
        m.insert(
            "related".into(),
            d.related
                .iter()
                .map(|r| json!({"message": r.message, "span": span(src, &r.span), "text": src.text.get(r.span.clone()).unwrap_or("")}))
                .collect(),
        );
    }
    if let Some(f) = &d.fix {
        m.insert(
            "fix".into(),
            json!({"span": span(src, &f.span), "replacement": f.replacement}),
        );
    }
    if let Some(reason) = &d.suppressed {
        m.insert("suppressed".into(), json!({"reason": reason}));
    }
    v
}

pub fn file(f: &FileReport) -> Value {
    let mut elements = Map::new();
    for k in Key::ELEMENTS {
        let st = f.result.elements.get(&k).copied();
        elements.insert(
            k.name().into(),
            json!({
                "status": st.map(|s| s.status.name()).unwrap_or("missing"),
                "section": st.and_then(|s| s.section),
            }),
        );
    }
    json!({
        "path": f.path,
        "format": f.format.name(),
        "language": f.language,
        "encoding": f.source.encoding,
        "elements": elements,
        "diagnostics": f.result.diagnostics.iter().map(|d| diagnostic(&f.source, d)).collect::<Vec<_>>(),
        "suppressed": f.result.suppressed.iter().map(|d| diagnostic(&f.source, d)).collect::<Vec<_>>(),
    })
}

/// The whole `check --format json` document.
pub fn check(files: &[FileReport], errors: &[FileError]) -> Value {
    let t = totals(files, errors);
    json!({
        "version": 1,
        "files": files.iter().map(file).collect::<Vec<_>>(),
        "errors": errors.iter().map(|e| json!({"path": e.path, "message": e.message})).collect::<Vec<_>>(),
        "summary": {
            "files": t.files,
            "unreadable": t.unreadable,
            "errors": t.errors,
            "warnings": t.warnings,
            "infos": t.infos,
            "suppressed": t.suppressed,
        },
    })
}

/// The canonical notice (`sections --format json`), see docs/json.md.
pub fn notice(path: &str, src: &SourceText, n: &Notice, language: &str) -> Value {
    let text_span = |t: &crate::normalize::NormText| t.full_source_range().map(|r| span(src, &r));
    json!({
        "path": path,
        "format": n.format.name(),
        "language": language,
        "encoding": src.encoding,
        "title": n.title.as_ref().map(|t| json!({
            "text": t.raw.text.split_whitespace().collect::<Vec<_>>().join(" "),
            "span": text_span(t),
        })),
        "register_name": n.register_name,
        "date": n.date.as_ref().map(|d| json!({"text": d.text, "iso": d.iso, "span": span(src, &d.span)})),
        "sections": n.sections.iter().map(|s| json!({
            "heading": s.heading_text,
            "level": s.level,
            "keys": if s.keys.is_empty() { vec!["other"] } else { s.keys.iter().map(|k| k.name()).collect() },
            "heading_span": span(src, &s.heading_span),
            "body": s.body.raw.text,
            "body_span": s.body_span.as_ref().map(|r| span(src, r)),
        })).collect::<Vec<_>>(),
    })
}

/// [`file`] with the `chosen` entry, written as pretty JSON nested `levels`
/// deep (two spaces a level): the same text as `to_string_pretty` of the
/// `Value`, re-indented (a test compares them on every fixture).
pub fn file_text(f: &FileReport, chosen: (&str, &str), levels: usize) -> String {
    let mut out = String::new();
    write_file(&mut out, f, chosen, levels);
    out
}

/// [`file_text`], appended to `out`. Written by hand, not through serde:
/// serde_json's entry machinery and its byte-by-byte string escaping were
/// 90,000 instructions per generated notice; the keys here are written as
/// they are (none needs escaping) and strings are escaped 8 bytes at a time.
pub fn write_file(out: &mut String, f: &FileReport, chosen: (&str, &str), levels: usize) {
    RULE_TEXTS.with_borrow_mut(|texts| write_file_with(out, f, chosen, levels, texts));
}

/// [`write_file`] with this thread's [`RuleTexts`].
fn write_file_with(
    out: &mut String,
    f: &FileReport,
    chosen: (&str, &str),
    levels: usize,
    texts: &mut RuleTexts,
) {
    let src = &f.source;
    // A typical notice's entry is 5–7 KB: one allocation instead of growing.
    out.reserve(2048 + 1024 * (f.result.diagnostics.len() + f.result.suppressed.len()));
    // The last span's text belongs to another file's lines.
    texts.last_span = None;
    let mut w = Pretty {
        out,
        level: levels,
        empty: true,
        line_cols: LineCols::of(src, &f.result.diagnostics, &f.result.suppressed),
        texts,
        keys: Default::default(),
    };
    w.open(b'{');
    // Keys in alphabetical order: the order of `serde_json::Map`.
    w.key(key!("chosen"));
    w.open(b'{');
    w.key(key!("by"));
    w.str(chosen.0);
    w.key(key!("detail"));
    w.str(chosen.1);
    w.close(b'}');
    w.key(key!("diagnostics"));
    w.diagnostics(src, &f.result.diagnostics);
    w.key(key!("elements"));
    w.open(b'{');
    // Each element's object with its fixed text in two pieces, where the
    // item by item writing made 12 pushes of it: the text from the section
    // number's end to the next number (the last one's status and the next
    // one's key) is one copy.
    let pieces = element_pieces(w.level);
    // The map walked once into a table by key: a search of the map for each
    // of the 21 elements was 1.35 M estimated cycles of 1,000 notices, its
    // key comparisons mispredicted (40 K).
    let mut by_key = [None; Key::ALL.len()];
    for (k, st) in &f.result.elements {
        by_key[*k as usize] = Some(*st);
    }
    // The status of the element before (`missing` for none).
    let mut before = None;
    for piece in &pieces.elements {
        let st = by_key[piece.key as usize];
        match before {
            // The first item has no comma before it.
            None => w.out.push_str(&piece.head[1..]),
            Some(status) => w.out.push_str(&piece.after[status_index(status)]),
        }
        w.opt_num(st.and_then(|s| s.section));
        before = Some(st.map_or(Status::Missing, |s| s.status));
    }
    if let Some(status) = before {
        w.out.push_str(&pieces.last[status_index(status)]);
    }
    w.empty = pieces.elements.is_empty();
    w.close(b'}');
    w.key(key!("encoding"));
    w.str(src.encoding);
    w.key(key!("format"));
    w.name(f.format.name());
    w.key(key!("language"));
    w.str(f.language);
    w.key(key!("path"));
    w.str(&f.path);
    w.key(key!("suppressed"));
    w.diagnostics(src, &f.result.suppressed);
    w.close(b'}');
}

/// The text of one entry of the `elements` object at one nesting level
/// but its section: what [`Pretty`] writes item by item.
struct ElementPiece {
    key: Key,
    /// `,`, the newline and indentation, the key, `{`, and the `section`
    /// key on its line.
    head: String,
    /// For each status of the element before (by [`status_index`]), its
    /// object's end and then `head`.
    after: [String; STATUSES.len()],
}

/// The `elements` object's text but the section numbers, at one level.
struct ElementPieces {
    elements: Vec<ElementPiece>,
    /// For each status of the last element, its object's end.
    last: [String; STATUSES.len()],
}

/// Every [`Status`], in the order of [`status_index`].
const STATUSES: [Status; 5] = [
    Status::Present,
    Status::Partial,
    Status::Empty,
    Status::Missing,
    Status::NotApplicable,
];

fn status_index(s: Status) -> usize {
    match s {
        Status::Present => 0,
        Status::Partial => 1,
        Status::Empty => 2,
        Status::Missing => 3,
        Status::NotApplicable => 4,
    }
}

/// [`ElementPieces`] for the entries of an `elements` object opened at
/// `level` (its entries one level deeper), made once per level and thread.
fn element_pieces(level: usize) -> std::rc::Rc<ElementPieces> {
    thread_local! {
        static BY_LEVEL: PerLevel<ElementPieces> = const { std::cell::RefCell::new(Vec::new()) };
    }
    made_once_per_level(&BY_LEVEL, level, || {
        // `level` is the entries' level (inside the open `{`).
        let indent = |n: usize| "  ".repeat(n);
        // An element's object from the end of its section number: the
        // `status` item and the closing `}`.
        let end = |status: Status| {
            format!(
                ",\n{}{}\"{}\"\n{}}}",
                indent(level + 1),
                key!("status"),
                status.name(),
                indent(level)
            )
        };
        let elements = elements_by_name()
            .iter()
            .map(|(key, written)| {
                let head = format!(
                    ",\n{}{written}{{\n{}{}",
                    indent(level),
                    indent(level + 1),
                    key!("section")
                );
                ElementPiece {
                    key: *key,
                    after: STATUSES.map(|s| end(s) + &head),
                    head,
                }
            })
            .collect();
        std::rc::Rc::new(ElementPieces {
            elements,
            last: STATUSES.map(end),
        })
    })
}

/// Pieces of text made for each nesting level, kept per thread.
type PerLevel<T> = std::cell::RefCell<Vec<Option<std::rc::Rc<T>>>>;

/// `make()`'s pieces for `level`, made on the first call for that level in
/// this thread and shared after.
fn made_once_per_level<T: ?Sized>(
    cache: &'static std::thread::LocalKey<PerLevel<T>>,
    level: usize,
    make: impl FnOnce() -> std::rc::Rc<T>,
) -> std::rc::Rc<T> {
    cache.with_borrow_mut(|by_level| {
        if by_level.len() <= level {
            by_level.resize(level + 1, None);
        }
        by_level[level].get_or_insert_with(make).clone()
    })
}

/// [`Key::ELEMENTS`] sorted by name (the order of the `elements` object),
/// each with its key as written.
fn elements_by_name() -> &'static [(Key, String)] {
    static SORTED: std::sync::OnceLock<Vec<(Key, String)>> = std::sync::OnceLock::new();
    SORTED.get_or_init(|| {
        let mut keys: Vec<_> = Key::ELEMENTS
            .iter()
            .map(|&k| (k, format!("\"{}\": ", k.name())))
            .collect();
        keys.sort_by_key(|(k, _)| k.name());
        keys
    })
}

/// The keys that [`Pretty::diagnostic`] and [`Pretty::span`] write at their
/// object's own level, where each item's comma, newline, indentation and
/// key go in one copy of a [`key_pieces`] entry instead of two.
#[derive(Clone, Copy)]
enum Fixed {
    Category,
    Element,
    Help,
    Message,
    Quote,
    Reference,
    Rule,
    Severity,
    Span,
    Text,
    Column,
    End,
    EndColumn,
    EndLine,
    Line,
    Start,
}

/// The names of [`Fixed`]'s keys, in its order.
const FIXED_NAMES: [&str; 16] = [
    "category",
    "element",
    "help",
    "message",
    "quote",
    "reference",
    "rule",
    "severity",
    "span",
    "text",
    "column",
    "end",
    "end_column",
    "end_line",
    "line",
    "start",
];

/// For each of [`Fixed`]'s keys, an item of an object whose items are at
/// `level` up to its value: `,`, the newline, the indentation and the key
/// (written from its second byte for the first item). Made once per level
/// and thread.
fn key_pieces(level: usize) -> std::rc::Rc<[String]> {
    thread_local! {
        static BY_LEVEL: PerLevel<[String]> = const { std::cell::RefCell::new(Vec::new()) };
    }
    made_once_per_level(&BY_LEVEL, level, || {
        let indent = "  ".repeat(level);
        FIXED_NAMES
            .iter()
            .map(|name| format!(",\n{indent}\"{name}\": "))
            .collect()
    })
}

/// serde_json's `PrettyFormatter` layout (two spaces a level), written
/// straight into a `String`.
struct Pretty<'o> {
    out: &'o mut String,
    level: usize,
    /// Nothing written yet in the innermost open object or array.
    empty: bool,
    /// The lines and columns of every span the entry writes.
    line_cols: LineCols,
    /// Finding texts written before, copied again where they recur.
    texts: &'o mut RuleTexts,
    /// [`key_pieces`] by level, fetched once per level and file (from the
    /// thread's table, ~45 instructions, at each finding and span before).
    keys: [Option<std::rc::Rc<[String]>>; 8],
}

thread_local! {
    static RULE_TEXTS: std::cell::RefCell<RuleTexts> = std::cell::RefCell::new(RuleTexts::default());
}

/// The parts of a finding's entry that only its rule's fields and the
/// nesting level decide, kept per thread, and the last span's text. 1,000
/// generated notices have 4,853 findings from 23 rules (152 different
/// rule, message and help texts), and 2,297 of their spans repeat the one
/// before (the findings of missing elements all point at the title): each
/// such part was ~1,000 instructions of keys, escaping and numbers where
/// one copy will do.
#[derive(Default)]
struct RuleTexts {
    /// [`RuleTexts::SLOTS`] entries once used, indexed by
    /// [`RuleTexts::slot`]; a slot holds the last rule written there.
    slots: Vec<Option<Box<RuleText>>>,
    /// The last span written in this file, its start, end and level.
    last_span: Option<(usize, usize, usize)>,
    /// The text of that span's object, `{` to `}`.
    span_text: String,
}

/// What [`Pretty::diagnostic`] wrote for one rule's finding at one level,
/// with the fields that decided it (a finding matches only when all are
/// equal: messages can differ within a rule).
struct RuleText {
    level: usize,
    /// Shared with the findings: compared by pointer first.
    rule: Shared,
    category: Shared,
    element: Option<Key>,
    help: Shared,
    message: String,
    reference: Shared,
    severity: crate::engine::Severity,
    /// The object's `{`, `category`, `element`, `help` and `message`
    /// items, and the `quote` key.
    head: String,
    /// Where the `element` item ends in `head`: a fix goes there.
    head_fix_at: usize,
    /// The `reference`, `rule` and `severity` items and the `span` key.
    tail: String,
    /// Where the `reference` item ends in `tail`: related spans go there.
    tail_related_at: usize,
}

impl RuleText {
    fn matches(&self, d: &Diagnostic, level: usize) -> bool {
        self.level == level
            && (self.rule.same(&d.rule) || self.rule == d.rule)
            && self.severity == d.severity
            && self.element == d.element
            && (self.category.same(&d.category) || self.category == d.category)
            && self.message == d.message
            && (self.help.same(&d.help) || self.help == d.help)
            && (self.reference.same(&d.reference) || self.reference == d.reference)
    }
}

impl RuleTexts {
    /// A power of two, well above the built-in catalogue's rules times
    /// their languages (152 rule and message texts in 1,000 notices; 128
    /// slots by the rule alone rewrote 809 of 4,853 findings' texts).
    const SLOTS: usize = 1024;

    /// The slot of a rule's texts at a level: the last 8 bytes of its name
    /// (rule names share prefixes such as `missing-right-`), its message's
    /// first 8 (the languages differ there), both lengths and the level,
    /// multiplied and the top bits taken.
    fn slot(d: &Diagnostic, level: usize) -> usize {
        let (rule, message) = (d.rule.as_bytes(), d.message.as_bytes());
        let last = match rule.len().checked_sub(8) {
            Some(at) => u64::from_le_bytes(rule[at..].try_into().expect("8 bytes")),
            None => rule.iter().fold(0, |h, &x| (h << 8) | u64::from(x)),
        };
        let first = match message.get(..8) {
            Some(head) => u64::from_le_bytes(head.try_into().expect("8 bytes")),
            None => message.iter().fold(0, |h, &x| (h << 8) | u64::from(x)),
        };
        let lengths = ((rule.len() as u64) << 48) ^ ((message.len() as u64) << 32);
        let h = (last ^ lengths ^ level as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            ^ first.rotate_left(29);
        let h = h.wrapping_mul(0x2545_f491_4f6c_dd1d);
        (h >> (64 - Self::SLOTS.trailing_zeros())) as usize
    }

    fn get(&mut self, slot: usize) -> &mut Option<Box<RuleText>> {
        if self.slots.is_empty() {
            self.slots.resize_with(Self::SLOTS, || None);
        }
        &mut self.slots[slot]
    }
}

/// The line and column of each offset a file's entry writes, found in one
/// pass over the text before writing ([`SourceText::line_cols_ascending`]):
/// no table of every line for ~10 offsets a notice, most of them repeated
/// (the findings of missing elements all point at the title).
struct LineCols {
    /// Ascending, no repeats.
    offsets: Vec<usize>,
    /// `line_cols[i]` is `offsets[i]`'s.
    line_cols: Vec<LineCol>,
}

impl LineCols {
    fn of(src: &SourceText, diagnostics: &[Diagnostic], suppressed: &[Diagnostic]) -> Self {
        let mut offsets = Vec::with_capacity(4 * (diagnostics.len() + suppressed.len()));
        for d in diagnostics.iter().chain(suppressed) {
            let spans = std::iter::once(&d.span)
                .chain(d.fix.as_ref().map(|f| &f.span))
                .chain(d.related.iter().map(|r| &r.span));
            for r in spans {
                offsets.extend([r.start, r.end]);
            }
        }
        offsets.sort_unstable();
        offsets.dedup();
        let mut line_cols = Vec::with_capacity(offsets.len());
        src.line_cols_ascending(&offsets, &mut line_cols);
        LineCols { offsets, line_cols }
    }

    fn get(&self, src: &SourceText, offset: usize) -> LineCol {
        match self.offsets.binary_search(&offset) {
            Ok(i) => self.line_cols[i],
            Err(_) => src.line_col(offset),
        }
    }
}

/// A newline and the indentation of up to 40 levels, after the comma that
/// separates items: an item starts with one copy from it.
const ITEM_SEPARATOR: &str = concat!(
    ",\n",
    "                                        ",
    "                                        "
);

impl Pretty<'_> {
    fn indent(&mut self) {
        let mut n = 2 * self.level;
        while n > 0 {
            let spaces = n.min(ITEM_SEPARATOR.len() - 2);
            self.out.push_str(&ITEM_SEPARATOR[2..2 + spaces]);
            n -= spaces;
        }
    }

    /// Starts the next item of an object or array.
    fn item(&mut self) {
        let from = usize::from(self.empty);
        self.empty = false;
        match ITEM_SEPARATOR.get(from..2 + 2 * self.level) {
            Some(separator) => self.out.push_str(separator),
            None => {
                self.out.push_str(&ITEM_SEPARATOR[from..2]);
                self.indent();
            }
        }
    }

    /// An object's key, written by [`key!`], and its colon.
    fn key(&mut self, key: &str) {
        self.item();
        self.out.push_str(key);
    }

    fn open(&mut self, bracket: u8) {
        self.out.push(char::from(bracket));
        self.level += 1;
        self.empty = true;
    }

    fn close(&mut self, bracket: u8) {
        self.level -= 1;
        if !self.empty {
            match ITEM_SEPARATOR.get(1..2 + 2 * self.level) {
                Some(newline) => self.out.push_str(newline),
                None => {
                    self.out.push('\n');
                    self.indent();
                }
            }
        }
        self.out.push(char::from(bracket));
        // The container just closed is an item of the one around it.
        self.empty = false;
    }

    fn str(&mut self, s: &str) {
        escape_into(self.out, s);
    }

    /// The name of a variant (a status, a severity, a format, an element
    /// key): nothing in it to escape (a test checks every one), so it is
    /// not scanned.
    fn name(&mut self, s: &'static str) {
        debug_assert_eq!(next_special(s.as_bytes(), 0), s.len(), "{s}");
        self.out.reserve(s.len() + 2);
        self.out.push('"');
        self.out.push_str(s);
        self.out.push('"');
    }

    fn num(&mut self, n: usize) {
        push_decimal(self.out, n as u64);
    }

    fn opt_num(&mut self, n: Option<usize>) {
        match n {
            Some(n) => self.num(n),
            None => self.out.push_str("null"),
        }
    }

    /// [`key_pieces`] of the current level.
    fn keys(&mut self) -> std::rc::Rc<[String]> {
        let level = self.level;
        match self.keys.get_mut(level) {
            Some(keys) => keys.get_or_insert_with(|| key_pieces(level)).clone(),
            None => key_pieces(level),
        }
    }

    /// Starts the next item of an object with its key from `keys` (the
    /// [`key_pieces`] of the object's level).
    fn fixed_key(&mut self, keys: &[String], k: Fixed) {
        let from = usize::from(self.empty);
        self.empty = false;
        self.out.push_str(&keys[k as usize][from..]);
    }

    fn span(&mut self, src: &SourceText, r: &std::ops::Range<usize>) {
        let key = (r.start, r.end, self.level);
        if self.texts.last_span == Some(key) {
            self.out.push_str(&self.texts.span_text);
            self.empty = false;
            return;
        }
        let from = self.out.len();
        self.span_written(src, r);
        self.texts.span_text.clear();
        self.texts.span_text.push_str(&self.out[from..]);
        self.texts.last_span = Some(key);
    }

    /// [`Pretty::span`]'s object, written item by item.
    fn span_written(&mut self, src: &SourceText, r: &std::ops::Range<usize>) {
        let lc = self.line_cols.get(src, r.start);
        let end = self.line_cols.get(src, r.end);
        self.open(b'{');
        let keys = self.keys();
        self.fixed_key(&keys, Fixed::Column);
        self.num(lc.column as usize);
        self.fixed_key(&keys, Fixed::End);
        self.num(r.end);
        self.fixed_key(&keys, Fixed::EndColumn);
        self.num(end.column as usize);
        self.fixed_key(&keys, Fixed::EndLine);
        self.num(end.line as usize);
        self.fixed_key(&keys, Fixed::Line);
        self.num(lc.line as usize);
        self.fixed_key(&keys, Fixed::Start);
        self.num(r.start);
        self.close(b'}');
    }

    fn diagnostics(&mut self, src: &SourceText, ds: &[Diagnostic]) {
        self.open(b'[');
        for d in ds {
            self.item();
            self.diagnostic(src, d);
        }
        self.close(b']');
    }

    fn diagnostic(&mut self, src: &SourceText, d: &Diagnostic) {
        let slot = RuleTexts::slot(d, self.level);
        let level = self.level;
        match self.texts.get(slot).take() {
            Some(t) if t.matches(d, level) => {
                // What `written_head` would write, from the object's `{`.
                self.level += 1;
                self.empty = false;
                match &d.fix {
                    None => self.out.push_str(&t.head),
                    Some(fix) => {
                        self.out.push_str(&t.head[..t.head_fix_at]);
                        self.fix(src, fix);
                        self.out.push_str(&t.head[t.head_fix_at..]);
                    }
                }
                self.str(&d.quote);
                if d.related.is_empty() {
                    self.out.push_str(&t.tail);
                } else {
                    self.out.push_str(&t.tail[..t.tail_related_at]);
                    self.related(src, d);
                    self.out.push_str(&t.tail[t.tail_related_at..]);
                }
                *self.texts.get(slot) = Some(t);
            }
            old => {
                let t = self.written_head(src, d, level, old);
                *self.texts.get(slot) = Some(t);
            }
        }
        self.span(src, &d.span);
        if let Some(reason) = &d.suppressed {
            self.key(key!("suppressed"));
            self.open(b'{');
            self.key(key!("reason"));
            self.str(reason);
            self.close(b'}');
        }
        let keys = self.keys();
        self.fixed_key(&keys, Fixed::Text);
        self.str(&d.text);
        self.close(b'}');
    }

    /// A finding's entry up to its span's object, written item by item,
    /// and its rule's parts kept (in `old`'s buffers, when there is one).
    fn written_head(
        &mut self,
        src: &SourceText,
        d: &Diagnostic,
        level: usize,
        old: Option<Box<RuleText>>,
    ) -> Box<RuleText> {
        let mut t = old.unwrap_or_else(|| {
            Box::new(RuleText {
                level,
                rule: Shared::default(),
                category: Shared::default(),
                element: None,
                help: Shared::default(),
                message: String::new(),
                reference: Shared::default(),
                severity: d.severity,
                head: String::new(),
                head_fix_at: 0,
                tail: String::new(),
                tail_related_at: 0,
            })
        });
        let start = self.out.len();
        self.open(b'{');
        let keys = self.keys();
        self.fixed_key(&keys, Fixed::Category);
        self.str(&d.category);
        self.fixed_key(&keys, Fixed::Element);
        match d.element {
            Some(k) => self.name(k.name()),
            None => self.out.push_str("null"),
        }
        t.head.clear();
        t.head.push_str(&self.out[start..]);
        t.head_fix_at = t.head.len();
        if let Some(fix) = &d.fix {
            self.fix(src, fix);
        }
        let from = self.out.len();
        self.fixed_key(&keys, Fixed::Help);
        self.str(&d.help);
        self.fixed_key(&keys, Fixed::Message);
        self.str(&d.message);
        self.fixed_key(&keys, Fixed::Quote);
        t.head.push_str(&self.out[from..]);
        self.str(&d.quote);
        let from = self.out.len();
        self.fixed_key(&keys, Fixed::Reference);
        self.str(&d.reference);
        t.tail.clear();
        t.tail.push_str(&self.out[from..]);
        t.tail_related_at = t.tail.len();
        if !d.related.is_empty() {
            self.related(src, d);
        }
        let from = self.out.len();
        self.fixed_key(&keys, Fixed::Rule);
        self.str(&d.rule);
        self.fixed_key(&keys, Fixed::Severity);
        self.name(d.severity.name());
        self.fixed_key(&keys, Fixed::Span);
        t.tail.push_str(&self.out[from..]);
        t.level = level;
        t.severity = d.severity;
        t.element = d.element;
        t.rule = d.rule.clone();
        t.category = d.category.clone();
        t.reference = d.reference.clone();
        t.help = d.help.clone();
        t.message.clear();
        t.message.push_str(&d.message);
        t
    }

    /// A finding's `fix` item.
    fn fix(&mut self, src: &SourceText, fix: &crate::engine::Fix) {
        self.key(key!("fix"));
        self.open(b'{');
        self.key(key!("replacement"));
        self.str(&fix.replacement);
        self.key(key!("span"));
        self.span(src, &fix.span);
        self.close(b'}');
    }

    /// A finding's `related` item.
    fn related(&mut self, src: &SourceText, d: &Diagnostic) {
        self.key(key!("related"));
        self.open(b'[');
        for r in &d.related {
            self.item();
            self.open(b'{');
            self.key(key!("message"));
            self.str(&r.message);
            self.key(key!("span"));
            self.span(src, &r.span);
            self.key(key!("text"));
            self.str(src.text.get(r.span.clone()).unwrap_or(""));
            self.close(b'}');
        }
        self.close(b']');
    }
}

/// Appends `n` in decimal. Below 10^8 (every offset, line and column of a
/// notice) the digits are made in one `u64`, eight lanes at once, and
/// written in one 8-byte copy cut to their number: a character pushed at a
/// time was ~100 instructions a 5-digit offset (a capacity check and a
/// mispredicted loop exit each), 50,000 numbers in 1,000 notices' JSON.
pub(crate) fn push_decimal(out: &mut String, n: u64) {
    if n >= 100_000_000 {
        return push_decimal_slow(out, n);
    }
    let word = decimal8(n as u32);
    // The zero digits before the first one (none of `n` = 0's one digit).
    let zeros = ((word & !ASCII_ZEROS).trailing_zeros() / 8).min(7);
    let len = out.len();
    // Little-endian: the first digit in the lowest byte; the zeros shifted
    // out leave NUL bytes at the top, cut off again by the truncation.
    let bytes = (word >> (8 * zeros)).to_le_bytes();
    // SAFETY: every byte is an ASCII digit or NUL (ASCII), so the 8 bytes
    // are UTF-8 (`str::from_utf8` here was a call and a loop a number).
    out.push_str(unsafe { std::str::from_utf8_unchecked(&bytes) });
    out.truncate(len + 8 - zeros as usize);
}

/// `b'0'` in each byte.
const ASCII_ZEROS: u64 = 0x3030_3030_3030_3030;

/// The eight decimal digits of `n` (below 10^8, zeros in front) as ASCII,
/// the first in the lowest byte: halves of four digits in 32-bit lanes,
/// pairs in 16-bit lanes, digits in bytes, each split by a multiply and a
/// shift (exact in these ranges: x * 5243 >> 19 is x / 100 below 43,699,
/// x * 103 >> 10 is x / 10 below 179).
fn decimal8(n: u32) -> u64 {
    let (hi, lo) = (u64::from(n / 10_000), u64::from(n % 10_000));
    let fours = hi | (lo << 32);
    let hundreds = ((fours * 5243) >> 19) & 0x0000_007f_0000_007f;
    let pairs = hundreds | ((fours - hundreds * 100) << 16);
    let tens = ((pairs * 103) >> 10) & 0x000f_000f_000f_000f;
    let digits = tens | ((pairs - tens * 10) << 8);
    digits | ASCII_ZEROS
}

/// [`push_decimal`] a character at a time, for the rare large number (out
/// of line: its registers cost the fast path a longer prologue).
#[cold]
#[inline(never)]
fn push_decimal_slow(out: &mut String, n: u64) {
    out.push_str(super::decimal(n, &mut [0; 20]));
}

/// Appends `s` as a JSON string the way serde_json writes it: `"`, the backslash
/// and the control characters escaped (`\n`, `\t`, ..., else `\u00XX` in
/// small hex digits), everything else as it is.
pub(crate) fn escape_into(out: &mut String, s: &str) {
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push('"');
    // Start of the bytes not yet written.
    let mut done = 0;
    loop {
        let i = next_special(b, done);
        out.push_str(&s[done..i]);
        let Some(&x) = b.get(i) else {
            break;
        };
        // `x` is ASCII, so `i + 1` is a character boundary.
        match x {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(x >> 4)]));
                out.push(char::from(HEX[usize::from(x & 0xf)]));
            }
        }
        done = i + 1;
    }
    out.push('"');
}

/// Position of the first byte from `i` on that JSON escapes (`"`, the
/// backslash, a control character below 0x20), or the length: 16 bytes at a
/// time with SSE2 (part of every x86-64 CPU), the last ones in an
/// overlapping 16 with those before `i` masked off; texts under 16 bytes by
/// [`next_special_swar`].
#[cfg(target_arch = "x86_64")]
fn next_special(b: &[u8], i: usize) -> usize {
    // SAFETY: SSE2 is part of x86-64 itself (every x86_64 target enables
    // it); the function reads only `b`.
    unsafe { next_special_sse2(b, i) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn next_special_sse2(b: &[u8], mut i: usize) -> usize {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        _mm_set_epi64x,
    };
    // Bit k: whether byte k of the 16 is special (each byte tested alone).
    let special = |c: &[u8]| {
        let lo = i64::from_le_bytes(c[..8].try_into().expect("8 bytes"));
        let hi = i64::from_le_bytes(c[8..16].try_into().expect("8 bytes"));
        let v = _mm_set_epi64x(hi, lo);
        // Unsigned min(v, 0x1F) == v: v is below 0x20.
        let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
        let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
        _mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash))) as u32
    };
    let Some(last) = b.len().checked_sub(16) else {
        return next_special_swar(b, i);
    };
    while i <= last {
        let found = special(&b[i..i + 16]);
        if found != 0 {
            return i + found.trailing_zeros() as usize;
        }
        i += 16;
    }
    if i >= b.len() {
        return b.len();
    }
    let found = special(&b[last..]) & (u32::MAX << (i - last));
    if found == 0 {
        b.len()
    } else {
        last + found.trailing_zeros() as usize
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn next_special(b: &[u8], i: usize) -> usize {
    next_special_swar(b, i)
}

/// [`next_special`] 8 bytes at a time in a `u64`.
fn next_special_swar(b: &[u8], mut i: usize) -> usize {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..i + 8) {
        let v = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        // High bit of each byte that is zero / below 0x20. A borrow can
        // only flag a byte above one truly flagged, so the lowest flag is
        // a special byte.
        let zero = |x: u64| x.wrapping_sub(L) & !x & H;
        let control = v.wrapping_sub(L * 0x20) & !v & H;
        let special = control | zero(v ^ (L * u64::from(b'"'))) | zero(v ^ (L * u64::from(b'\\')));
        if special != 0 {
            return i + (special.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    if i >= b.len() {
        return b.len();
    }
    let Some(last) = b.len().checked_sub(8) else {
        while i < b.len() && !matches!(b[i], b'"' | b'\\' | 0..=0x1f) {
            i += 1;
        }
        return i;
    };
    // Under 8 bytes left: the last 8 of the text, the ones before `i` masked
    // off. They may hold special bytes (the one just escaped), so the test
    // here is exact for each byte, without the borrows of the loop's.
    let v = u64::from_le_bytes(b[last..].try_into().expect("8 bytes"));
    const LOW7: u64 = L * 0x7f;
    let zero = |x: u64| !(((x & LOW7) + LOW7) | x) & H;
    let control = !(((v & LOW7) + L * 0x60) | v) & H;
    let special = (control | zero(v ^ (L * u64::from(b'"'))) | zero(v ^ (L * u64::from(b'\\'))))
        & (u64::MAX << (8 * (i - last)));
    if special == 0 {
        b.len()
    } else {
        last + (special.trailing_zeros() / 8) as usize
    }
}

#[cfg(test)]
mod tests {
    /// What [`super::Pretty::name`] writes unscanned needs no escaping.
    #[test]
    fn variant_names_need_no_escaping() {
        use crate::engine::{Severity, Status};
        use crate::parse::Format;
        let names = crate::schema::Key::ALL
            .iter()
            .map(|k| k.name())
            .chain([Severity::Info, Severity::Warning, Severity::Error].map(Severity::name))
            .chain(
                [
                    Status::Present,
                    Status::Partial,
                    Status::Empty,
                    Status::Missing,
                    Status::NotApplicable,
                ]
                .map(Status::name),
            )
            .chain([Format::Html, Format::Markdown, Format::Text].map(Format::name));
        for name in names {
            assert_eq!(
                super::next_special(name.as_bytes(), 0),
                name.len(),
                "{name}"
            );
        }
    }

    /// The 8-byte escaping writes what serde_json does, on random strings
    /// of ASCII (controls, quotes and backslashes often), ä and €, with
    /// the special bytes at every offset of a chunk.
    /// `next_special` from every start agrees with a byte-by-byte search,
    /// also where a special byte just before the start is next to bytes one
    /// above it (`#` after `"`, `]` after `\\`), which a borrow could flag.
    #[test]
    fn next_special_is_the_first_special_byte() {
        let mut next = crate::xorshift(0xbb67_ae85_84ca_a73b);
        let pieces: [&[u8]; 10] = [
            b"a",
            b"\"",
            b"#",
            b"\\",
            b"]",
            b"\x00",
            b"\x01",
            b"\x1f",
            b" ",
            b"\xc3\xa4",
        ];
        for _ in 0..20_000 {
            let len = (next() % 40) as usize;
            let b: Vec<u8> = (0..len)
                .flat_map(|_| {
                    pieces[(next() % pieces.len() as u64) as usize]
                        .iter()
                        .copied()
                })
                .collect();
            for from in 0..=b.len() {
                let want = (from..b.len())
                    .find(|&i| matches!(b[i], b'"' | b'\\' | 0..=0x1f))
                    .unwrap_or(b.len());
                assert_eq!(super::next_special(&b, from), want, "{b:?} from {from}");
                assert_eq!(
                    super::next_special_swar(&b, from),
                    want,
                    "{b:?} from {from}"
                );
            }
        }
    }

    #[test]
    fn escaping_is_serde_json_s() {
        let mut next = crate::xorshift(0x6a09_e667_f3bc_c909);
        let pieces = [
            "a", " ", "\"", "\\", "\n", "\t", "\r", "\u{8}", "\u{c}", "\u{1}", "\u{1f}", "\u{7f}",
            "ä", "€", "x",
        ];
        for _ in 0..20_000 {
            let len = (next() % 40) as usize;
            let s: String = (0..len)
                .map(|_| {
                    let r = next();
                    // Mostly plain letters, so runs of 8 clean bytes occur.
                    if !r.is_multiple_of(4) {
                        "abcdefgh"
                    } else {
                        pieces[(r / 4 % pieces.len() as u64) as usize]
                    }
                })
                .collect();
            let mut got = String::new();
            super::escape_into(&mut got, &s);
            assert_eq!(got, serde_json::to_string(&s).unwrap(), "{s:?}");
        }
        for c in 0..=255u8 {
            let s = format!("abcdefgh{}abcdefgh", char::from(c));
            let mut got = String::new();
            super::escape_into(&mut got, &s);
            assert_eq!(got, serde_json::to_string(&s).unwrap(), "{c}");
        }
    }

    #[test]
    fn decimals() {
        let mut next = crate::xorshift(0x510e_527f_ade6_82d1);
        let edges = [0u64, 1, 9, 10, 99, 100, 12345, 99_999_999, 100_000_000];
        let powers = (0..20).flat_map(|k| {
            let p = 10u64.pow(k);
            [p - 1, p, p + 1]
        });
        // Random numbers of every length, mostly under 10^8.
        let random = (0..200_000).map(|_| {
            let r = next();
            r % 10u64.pow((r >> 59) as u32 % 10)
        });
        let numbers = edges
            .into_iter()
            .chain(powers)
            .chain(random)
            .chain([u32::MAX as u64, u64::MAX]);
        for n in numbers {
            // After other text, as in a report (the cut keeps it).
            let mut got = String::from("é:");
            super::push_decimal(&mut got, n);
            assert_eq!(got, format!("é:{n}"));
        }
    }

    /// `file_text` writes what the `Value` of [`super::file`] would, on every
    /// fixture (findings with fixes, related spans and suppressions among them).
    #[test]
    fn file_text_is_the_pretty_value() {
        let files = crate::files_under("fixtures");
        let linter = crate::lint::Linter::builtin();
        let (mut n, mut fixes, mut related, mut suppressed) = (0, 0, 0, 0);
        // A suppressed finding with its reason (no fixture has one).
        let suppressing = b"# Tietosuojaseloste\n\n## Rekister\xc3\xb6\n\n\
            <!-- seloste-disable-next-line placeholder-text -- esimerkki -->\n\
            Esimerkki Oy, (s-postiosoite)\n";
        let inputs = files
            .into_iter()
            .map(|p| {
                (
                    p.to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap_or_default(),
                )
            })
            .chain([("suppressed.md".to_string(), suppressing.to_vec())]);
        for (name, bytes) in inputs {
            if bytes.len() > 1 << 20 {
                continue;
            }
            let Ok(f) = linter.lint_bytes(&name, &bytes, None) else {
                continue;
            };
            let mut v = super::file(&f);
            v.as_object_mut().unwrap().insert(
                "chosen".into(),
                serde_json::json!({"by": "named", "detail": "a \"quoted\" detail"}),
            );
            let want = crate::report::sarif::indent(&serde_json::to_string_pretty(&v).unwrap(), 4);
            let got = super::file_text(&f, ("named", "a \"quoted\" detail"), 2);
            assert_eq!(got, want, "{name}");
            // Other nesting levels (the elements' text is made per level).
            for levels in [0, 1, 3] {
                let want = crate::report::sarif::indent(
                    &serde_json::to_string_pretty(&v).unwrap(),
                    2 * levels,
                );
                let got = super::file_text(&f, ("named", "a \"quoted\" detail"), levels);
                assert_eq!(got, want, "{name} {levels}");
            }
            n += 1;
            let all = f.result.diagnostics.iter().chain(&f.result.suppressed);
            for d in all {
                fixes += usize::from(d.fix.is_some());
                related += usize::from(!d.related.is_empty());
                suppressed += usize::from(d.suppressed.is_some());
            }
        }
        assert!(
            n > 30 && fixes > 0 && related > 0 && suppressed > 0,
            "{n} {fixes} {related} {suppressed}"
        );
    }

    /// A finding whose rule was written before with other texts (a message
    /// can depend on the finding, and a user's rule can share a built-in
    /// rule's name) is written from its own fields, not from the kept
    /// [`super::RuleText`]; spans that repeat are copied right.
    #[test]
    fn kept_rule_texts_match_every_field() {
        let linter = crate::lint::Linter::builtin();
        let bytes = b"# Tietosuojaseloste\n\n## Rekisterinpit\xc3\xa4j\xc3\xa4\n\nEsimerkki Oy\n";
        let f = linter.lint_bytes("kept.md", bytes, None).unwrap();
        assert!(
            f.result.diagnostics.len() >= 2,
            "{:?}",
            f.result.diagnostics
        );
        let check = |f: &crate::lint::FileReport| {
            let mut v = super::file(f);
            v.as_object_mut().unwrap().insert(
                "chosen".into(),
                serde_json::json!({"by": "a", "detail": "b"}),
            );
            for levels in [2, 1] {
                let want = crate::report::sarif::indent(
                    &serde_json::to_string_pretty(&v).unwrap(),
                    2 * levels,
                );
                assert_eq!(super::file_text(f, ("a", "b"), levels), want);
            }
        };
        check(&f);
        type Change = fn(&mut crate::engine::Diagnostic);
        let changes: [Change; 10] = [
            |d| d.message.push_str(" \"x\""),
            |d| d.help = "toinen\tohje".into(),
            |d| d.reference = format!("{}\\", d.reference).into(),
            |d| d.category = format!("{}!", d.category).into(),
            |d| d.severity = crate::engine::Severity::Info,
            |d| d.element = None,
            |d| d.element = Some(crate::schema::Key::Controller),
            |d| d.rule = format!("{}-user", d.rule).into(),
            |d| {
                d.fix = Some(crate::engine::Fix {
                    span: 0..1,
                    replacement: "\u{1}".into(),
                })
            },
            |d| {
                d.related = vec![crate::engine::Related {
                    message: "related".into(),
                    span: d.span.clone(),
                }]
            },
        ];
        for change in changes {
            // The second finding written like the first one, then changed:
            // the entry is written after the unchanged file's (kept texts).
            let mut g = f.clone();
            let first = g.result.diagnostics[0].clone();
            g.result.diagnostics[1] = first.clone();
            change(&mut g.result.diagnostics[1]);
            check(&g);
            // The changed finding first, then the kept one again.
            g.result.diagnostics[0] = g.result.diagnostics[1].clone();
            g.result.diagnostics[1] = first;
            check(&g);
            // The same span in other files: the last span is this file's.
            let mut h = g.clone();
            let text = h.source.text.replace(' ', "\n");
            h.source = crate::source::SourceText::new(text, "UTF-8");
            check(&h);
        }
    }
}

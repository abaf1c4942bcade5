//! rustc-style output: the source snippet with the span underlined, rule id,
//! message, help and legal reference, as codespan-reporting draws it.
//!
//! Nearly every finding underlines part of one line and has no related
//! spans; such a finding is written here directly, byte for byte what
//! codespan-reporting writes (its renderer formats the snippet one
//! character at a time: ~70 % of the cost of the human output). Anything
//! else (related spans, a span over several lines, a character whose display
//! width is not known here) goes through codespan-reporting itself.

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label, LabelStyle, Severity as CsSeverity,
};
use codespan_reporting::files::{self, Files};
use codespan_reporting::term::termcolor::{Buffer, ColorSpec, WriteColor};
use codespan_reporting::term::{self, Styles};

use std::ops::Range;
use std::sync::OnceLock;

use super::{FileError, Totals};
use crate::engine::{Diagnostic, Severity};
use crate::lint::FileReport;
use crate::source::{LineCol, SourceText};

fn cs_severity(s: Severity) -> CsSeverity {
    match s {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    }
}

/// Writes the findings of `f` to `w`, in colour when it supports colour.
pub fn render(w: &mut dyn WriteColor, f: &FileReport, lang: &str) -> std::io::Result<()> {
    let mut out = String::new();
    render_into(&mut out, f, lang, w.supports_color());
    w.write_all(out.as_bytes())
}

/// Appends the findings of `f` to `out`, in colour when `color`.
pub fn render_into(out: &mut String, f: &FileReport, lang: &str, color: bool) {
    let legal = legal_label(lang);
    let paint = Paint::get(color);
    let file = SourceFile {
        name: &f.path,
        src: &f.source,
    };
    // Lines and columns of the starts in one pass over the text.
    let starts: Vec<usize> = f.result.diagnostics.iter().map(|d| d.span.start).collect();
    let at = super::line_cols(f, &starts);
    // About what a finding takes, so that the text grows once or twice.
    out.reserve(starts.len() * (f.path.len() + 400));
    for (d, &lc) in f.result.diagnostics.iter().zip(&at) {
        if d.related.is_empty() {
            match snippet_span(&f.source.text, &d.span) {
                None => {
                    let note = location_note(f, lc, &d.quote);
                    write_plain(out, paint, f, d, legal, None, &note);
                    continue;
                }
                Some(span) => {
                    if let Some(u) = underline(&f.source.text, span, lc) {
                        write_plain(out, paint, f, d, legal, Some(&u), "");
                        continue;
                    }
                }
            }
        }
        let mut buf = if color {
            Buffer::ansi()
        } else {
            Buffer::no_color()
        };
        // Writing into memory fails only on a span outside the text; the
        // file's findings end there, as they always have.
        let done = emit(&mut buf, &file, f, d, legal);
        out.push_str(&String::from_utf8_lossy(buf.as_slice()));
        if done.is_err() {
            return;
        }
    }
}

fn legal_label(lang: &str) -> &'static str {
    if lang == "en" {
        "legal reference"
    } else {
        "lainkohta"
    }
}

/// One finding through codespan-reporting.
fn emit<'a>(
    w: &mut dyn WriteColor,
    file: &'a impl Files<'a, FileId = ()>,
    f: &FileReport,
    d: &Diagnostic,
    legal: &str,
) -> std::io::Result<()> {
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    let text = &f.source.text;
    match snippet_span(text, &d.span) {
        Some(span) => labels.push(Label::primary((), span)),
        None => notes.push(location_note(f, f.source.line_col(d.span.start), &d.quote)),
    }
    for r in &d.related {
        match snippet_span(text, &r.span) {
            Some(span) => labels.push(Label::secondary((), span).with_message(r.message.clone())),
            None => {
                let at = location_note(f, f.source.line_col(r.span.start), "");
                notes.push(format!("{at}: {}", r.message));
            }
        }
    }
    if !d.help.is_empty() {
        notes.push(format!("help: {}", d.help));
    }
    if !d.reference.is_empty() {
        notes.push(format!("{legal}: {}", d.reference));
    }
    let diag = CsDiagnostic::new(cs_severity(d.severity))
        .with_code(d.rule.to_string())
        .with_message(d.message.clone())
        .with_labels(labels)
        .with_notes(notes);
    term::emit_to_write_style(w, &term::Config::default(), file, &diag)
        .map_err(std::io::Error::other)
}

/// A file for codespan-reporting over [`SourceText`]'s line table (the
/// same lines as its `SimpleFile`, which scanned the whole text again).
struct SourceFile<'a> {
    name: &'a str,
    src: &'a SourceText,
}

impl<'a> Files<'a> for SourceFile<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(&self.src.text)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, files::Error> {
        Ok(self.src.line_index(byte_index))
    }

    /// Lines `0..line_count`; the last one ends at the end of the text.
    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, files::Error> {
        let lines = self.src.line_count();
        if line_index >= lines {
            return Err(files::Error::LineTooLarge {
                given: line_index,
                max: lines - 1,
            });
        }
        Ok(self.src.line_start(line_index)..self.src.line_start(line_index + 1))
    }
}

/// The one underlined line of a finding, measured as codespan-reporting
/// measures it.
struct Underline<'a> {
    /// 1-based line number and character column of the span's start.
    line: usize,
    column: usize,
    /// The line without its line break.
    text: &'a str,
    /// The underlined bytes of `text`.
    start: usize,
    end: usize,
    /// Display columns before the carets, and carets.
    indent: usize,
    carets: usize,
    /// Whether the line has a tab (written as spaces).
    tabs: bool,
}

/// `span` (from [`snippet_span`]: its line is at most a few KB, so the
/// searches for that line's ends are short), which starts `at`, as
/// codespan-reporting underlines a single-line label, or `None` when
/// codespan-reporting should draw it: a span over a line break (it draws
/// those with `╭`/`╰` borders), or a character on the line whose width
/// [`columns`] does not know.
fn underline(src: &str, span: Range<usize>, at: LineCol) -> Option<Underline<'_>> {
    let b = src.as_bytes();
    if memchr::memchr(b'\n', &b[span.start..span.end]).is_some() {
        return None;
    }
    let line_start = memchr::memrchr(b'\n', &b[..span.start]).map_or(0, |i| i + 1);
    let line_end = memchr::memchr(b'\n', &b[span.start..]).map_or(b.len(), |i| span.start + i);
    let text = src[line_start..line_end].trim_end_matches(['\r', '\0']);
    let start = span.start - line_start;
    // At least one caret, also for an empty span.
    let end = (span.end - line_start).max(start + 1);
    let shown = end.min(text.len());
    if start > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(shown) {
        return None;
    }
    // A tab is as wide as the columns to its tab stop: its width depends on
    // everything before it.
    let tabs = memchr::memchr(b'\t', text.as_bytes()).is_some();
    if tabs {
        columns(&text[shown..], 0)?;
    }
    let indent = columns(&text[..start], 0)?;
    // A label running past the line's last character also underlines the
    // place after it.
    let carets = columns(&text[start..shown], indent)? - indent + usize::from(end > text.len());
    Some(Underline {
        line: at.line as usize,
        column: at.column as usize,
        text,
        start,
        end: shown,
        indent,
        carets,
        tabs,
    })
}

/// The display column after `s` written from column `col`, as
/// codespan-reporting counts it (its `unicode-width` 0.2): a tab to the next
/// multiple of 4, printable ASCII and common Latin letters and punctuation
/// one column, soft hyphens and zero-width spaces, joiners and marks none;
/// `None` at any other character (controls, combining marks, wide
/// characters: codespan-reporting then measures them itself).
fn columns(s: &str, col: usize) -> Option<usize> {
    // Mostly printable ASCII, one column a byte: counted without decoding.
    let ascii = s.bytes().take_while(|b| (b' '..=b'~').contains(b)).count();
    let mut col = col + ascii;
    for c in s[ascii..].chars() {
        col = match c {
            '\t' => col + 4 - col % 4,
            ' '..='~' | '\u{a0}'..='\u{ac}' | '\u{ae}'..='\u{24f}' => col + 1,
            // Dashes, quotation marks, bullet, ellipsis; euro sign.
            '\u{2010}'..='\u{2027}' | '\u{20ac}' => col + 1,
            '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}' => col,
            _ => return None,
        };
    }
    Some(col)
}

/// The escape sequences of codespan-reporting's default styles, as
/// termcolor writes them (none without colour): made by termcolor itself,
/// once, so that they stay its bytes.
struct Paint {
    /// Indexed by [`Severity`] (`as usize`: info, warning, error).
    header: [String; 3],
    label: [String; 3],
    header_message: String,
    line_number: String,
    source_border: String,
    note_bullet: String,
    reset: String,
}

impl Paint {
    fn get(color: bool) -> &'static Paint {
        static PAINT: OnceLock<[Paint; 2]> = OnceLock::new();
        &PAINT.get_or_init(|| [Paint::new(false), Paint::new(true)])[usize::from(color)]
    }

    fn new(color: bool) -> Paint {
        let styles = Styles::default();
        let ansi = |set: &dyn Fn(&mut Buffer) -> std::io::Result<()>| {
            if !color {
                return String::new();
            }
            let mut b = Buffer::ansi();
            let _ = set(&mut b);
            String::from_utf8(b.into_inner()).unwrap_or_default()
        };
        let by_severity = |spec: &dyn Fn(CsSeverity) -> ColorSpec| {
            [Severity::Info, Severity::Warning, Severity::Error]
                .map(|s| ansi(&|b| b.set_color(&spec(cs_severity(s)))))
        };
        Paint {
            header: by_severity(&|s| styles.header(s).clone()),
            label: by_severity(&|s| styles.label(s, LabelStyle::Primary).clone()),
            header_message: ansi(&|b| b.set_color(&styles.header_message)),
            line_number: ansi(&|b| b.set_color(&styles.line_number)),
            source_border: ansi(&|b| b.set_color(&styles.source_border)),
            note_bullet: ansi(&|b| b.set_color(&styles.note_bullet)),
            reset: ansi(&|b| b.reset()),
        }
    }
}

/// Writes a finding without related spans the way codespan-reporting does:
/// header, the underlined line (`at` when there is one), then `note` (the
/// location when there is no line), help and legal reference, each a
/// `= ` note.
fn write_plain(
    out: &mut String,
    paint: &Paint,
    f: &FileReport,
    d: &Diagnostic,
    legal: &str,
    at: Option<&Underline>,
    note: &str,
) {
    let severity = d.severity as usize;
    out.push_str(&paint.header[severity]);
    out.push_str(match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    });
    if !d.rule.is_empty() {
        out.push('[');
        out.push_str(&d.rule);
        out.push(']');
    }
    out.push_str(&paint.header_message);
    out.push_str(": ");
    out.push_str(&d.message);
    out.push_str(&paint.reset);
    out.push('\n');

    // The gutter is as wide as the line number.
    let mut digits = [0; 20];
    let number = at.map_or("", |u| decimal(u.line, &mut digits));
    let pad = &"                    "[..number.len()];
    let border = |out: &mut String, ch: &str| {
        out.push_str(pad);
        out.push(' ');
        out.push_str(&paint.source_border);
        out.push_str(ch);
        out.push_str(&paint.reset);
    };
    if let Some(u) = at {
        let label = &paint.label[severity];
        //   ┌─ path:line:column
        border(out, "┌─");
        out.push(' ');
        out.push_str(&f.path);
        out.push(':');
        out.push_str(number);
        out.push(':');
        out.push_str(decimal(u.column, &mut [0; 20]));
        out.push('\n');
        border(out, "│");
        out.push('\n');
        // n │ the line, the label in colour
        out.push_str(&paint.line_number);
        out.push_str(number);
        out.push_str(&paint.reset);
        out.push(' ');
        out.push_str(&paint.source_border);
        out.push('│');
        out.push_str(&paint.reset);
        out.push(' ');
        let (before, under, after) = (
            &u.text[..u.start],
            &u.text[u.start..u.end],
            &u.text[u.end..],
        );
        let mut col = push_source(out, before, 0, u.tabs);
        // Nothing to colour when only the place after the line is
        // underlined.
        if !under.is_empty() {
            out.push_str(label);
            col = push_source(out, under, col, u.tabs);
            out.push_str(&paint.reset);
        }
        push_source(out, after, col, u.tabs);
        out.push('\n');
        //   │     ^^^^
        border(out, "│");
        out.push(' ');
        push_repeated(out, ' ', u.indent);
        out.push_str(label);
        push_repeated(out, '^', u.carets);
        out.push_str(&paint.reset);
        out.push('\n');
        if !note.is_empty() || !d.help.is_empty() || !d.reference.is_empty() {
            border(out, "│");
            out.push('\n');
        }
    }
    if !note.is_empty() {
        push_note(out, paint, pad, &[], note);
    }
    if !d.help.is_empty() {
        push_note(out, paint, pad, &["help: "], &d.help);
    }
    if !d.reference.is_empty() {
        push_note(out, paint, pad, &[legal, ": "], &d.reference);
    }
    out.push('\n');
}

/// `= PREFIXBODY` with the body's further lines indented under the first,
/// as codespan-reporting writes the note `format!("{PREFIX}{BODY}")`.
fn push_note(out: &mut String, paint: &Paint, pad: &str, prefix: &[&str], body: &str) {
    let mut lines = body.lines();
    out.push_str(pad);
    out.push(' ');
    out.push_str(&paint.note_bullet);
    out.push('=');
    out.push_str(&paint.reset);
    out.push(' ');
    for p in prefix {
        out.push_str(p);
    }
    out.push_str(lines.next().unwrap_or(""));
    out.push('\n');
    for line in lines {
        out.push_str(pad);
        out.push_str("   ");
        out.push_str(line);
        out.push('\n');
    }
}

/// Appends `s` from display column `col`, with its tabs (if `tabs`) as
/// spaces to the next multiple of 4; the column after it (`col` when there
/// are no tabs to count columns for).
fn push_source(out: &mut String, s: &str, mut col: usize, tabs: bool) -> usize {
    if !tabs {
        out.push_str(s);
        return col;
    }
    // The line's characters up to its last tab are known to `columns`.
    let mut rest = s;
    while let Some(i) = memchr::memchr(b'\t', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        col = columns(&rest[..i], col).unwrap_or(col);
        let to_stop = 4 - col % 4;
        push_repeated(out, ' ', to_stop);
        col += to_stop;
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    columns(rest, col).unwrap_or(col)
}

/// Appends `n` copies of the ASCII character `c`.
fn push_repeated(out: &mut String, c: char, n: usize) {
    let run = if c == ' ' { SPACES } else { CARETS };
    let mut left = n;
    while left > 0 {
        let k = left.min(run.len());
        out.push_str(&run[..k]);
        left -= k;
    }
}

const SPACES: &str = "                                                                ";
const CARETS: &str = "^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^";

/// `n` in decimal, written into the end of `buf`.
fn decimal(n: usize, buf: &mut [u8; 20]) -> &str {
    super::decimal(n as u64, buf)
}

/// Longest source line shown as a snippet, and most source bytes one label
/// may show. codespan-reporting prints every line a label covers, in full: a
/// finding on a 10 MB minified line, or a heading span that runs to the end
/// of a broken page, would print megabytes per finding.
const MAX_SNIPPET_LINE: usize = 4096;
const MAX_SNIPPET: usize = 16 * 1024;

/// The part of `span` to underline: the whole span when its lines are short,
/// only its first line when the span is long, nothing when that line is long.
///
/// Lines are found by searching for line breaks near the span, at most as
/// far as the limits reach (a finding on a 10 MB line does not search the
/// whole line): a notice's line table is not made for this output.
fn snippet_span(text: &str, span: &Range<usize>) -> Option<Range<usize>> {
    let b = text.as_bytes();
    // The start's line: from after a line break at most MAX_SNIPPET_LINE
    // bytes back, to after the next line break.
    let back = span.start.saturating_sub(MAX_SNIPPET_LINE + 1);
    let line_start = match memchr::memrchr(b'\n', &b[back..span.start]) {
        Some(i) => back + i + 1,
        None if back == 0 => 0,
        None => return None,
    };
    let line_end = line_end_within(b, span.start, line_start + MAX_SNIPPET_LINE)?;
    if line_end - line_start > MAX_SNIPPET_LINE {
        return None;
    }
    // The end of the end's line (this line's end when the span ends on it).
    let last_end = if span.end < line_end || line_end == b.len() {
        Some(line_end)
    } else {
        line_end_within(b, span.end, line_start + MAX_SNIPPET)
    };
    if last_end.is_some_and(|e| e - line_start <= MAX_SNIPPET) {
        return Some(span.clone());
    }
    let end = text[..line_end].trim_end_matches(['\n', '\r']).len();
    Some(span.start..end.max(span.start))
}

/// Where the line that `at` is on ends (after its line break, or at the end
/// of the text), when that is at most `limit + 1`; else `None`.
fn line_end_within(b: &[u8], at: usize, limit: usize) -> Option<usize> {
    let to = (limit + 1).clamp(at, b.len());
    match memchr::memchr(b'\n', &b[at..to]) {
        Some(i) => Some(at + i + 1),
        None if to == b.len() => Some(b.len()),
        None => None,
    }
}

/// `at PATH:LINE:COLUMN: "quote"` for a finding shown without its snippet.
fn location_note(f: &FileReport, lc: LineCol, quote: &str) -> String {
    let mut s = format!("at {}:{}:{}", f.path, lc.line, lc.column);
    if !quote.is_empty() {
        let mut q: String = quote.chars().take(120).collect();
        if q.len() < quote.len() {
            q.push('…');
        }
        s.push_str(&format!(": \"{q}\""));
    }
    s
}

pub fn summary(t: &Totals, errors: &[FileError], lang: &str) -> String {
    let mut s = if lang == "en" {
        format!(
            "{} file(s) checked: {} error(s), {} warning(s), {} info",
            t.files, t.errors, t.warnings, t.infos
        )
    } else {
        format!(
            "{} tiedosto(a) tarkistettu: {} virhe(ttä), {} varoitus(ta), {} huomautus(ta)",
            t.files, t.errors, t.warnings, t.infos
        )
    };
    if t.suppressed > 0 {
        s.push_str(&format!(", {} suppressed", t.suppressed));
    }
    if !errors.is_empty() {
        s.push_str(&format!(", {} unreadable", errors.len()));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use codespan_reporting::files::SimpleFile;
    use codespan_reporting::term::termcolor::Buffer;

    fn buffer(color: bool) -> Buffer {
        if color {
            Buffer::ansi()
        } else {
            Buffer::no_color()
        }
    }

    /// Every finding through codespan-reporting and its `SimpleFile`: what
    /// [`render`] replaced.
    fn codespan_only(f: &FileReport, lang: &str, color: bool) -> String {
        let file = SimpleFile::new(f.path.as_str(), f.source.text.as_str());
        let mut buf = buffer(color);
        for d in &f.result.diagnostics {
            emit(&mut buf, &file, f, d, legal_label(lang)).unwrap();
        }
        String::from_utf8(buf.into_inner()).unwrap()
    }

    fn rendered(f: &FileReport, lang: &str, color: bool) -> String {
        let mut out = String::new();
        render_into(&mut out, f, lang, color);
        // The same through a termcolor writer.
        let mut buf = buffer(color);
        render(&mut buf, f, lang).unwrap();
        assert_eq!(buf.as_slice(), out.as_bytes());
        out
    }

    fn assert_same(f: &FileReport) {
        for (lang, color) in [("fi", false), ("en", false), ("fi", true)] {
            let want = codespan_only(f, lang, color);
            let got = rendered(f, lang, color);
            assert!(
                got == want,
                "{} ({lang}, colour {color}):\n{got}\nwant:\n{want}",
                f.path
            );
        }
    }

    /// A report on `text` with a copy of one real finding (rule, texts) per
    /// span.
    fn report_on(text: &str, spans: &[(Range<usize>, usize)]) -> FileReport {
        static MODEL: std::sync::OnceLock<FileReport> = std::sync::OnceLock::new();
        let mut f = MODEL
            .get_or_init(|| {
                crate::lint::Linter::builtin()
                    .lint_bytes("esimerkki.md", "# Tietosuojaseloste\n".as_bytes(), None)
                    .unwrap()
            })
            .clone();
        let model = f.result.diagnostics[0].clone();
        f.source = SourceText::new(text.to_string(), "UTF-8");
        f.result.diagnostics = spans
            .iter()
            .map(|(span, kind)| {
                let mut d = model.clone();
                d.span = span.clone();
                d.quote = text[span.clone()].to_string();
                d.severity = [Severity::Error, Severity::Warning, Severity::Info][kind % 3];
                d.help = [
                    "",
                    "ohje",
                    "kaksi\nriviä",
                    "\r\nalkaa rivinvaihdolla\r\n",
                    "\n",
                ][kind / 3 % 5]
                    .into();
                d.reference = ["GDPR Art. 13", "", "a\n\nb"][kind / 15 % 3].into();
                if kind / 45 % 4 == 0 {
                    d.related.push(crate::engine::Related {
                        message: "toinen kohta".into(),
                        span: span.end..span.end,
                    });
                }
                if kind / 180 % 5 == 0 {
                    d.rule = "".into();
                }
                d
            })
            .collect();
        f
    }

    #[test]
    fn fixtures_render_as_codespan_does() {
        let linter = crate::lint::Linter::builtin();
        let mut n = 0;
        for f in crate::report::linted_fixtures(&linter) {
            n += f.result.diagnostics.len();
            assert_same(&f);
        }
        assert!(n > 100, "{n} findings");
    }

    /// Random texts (tabs, `\r\n`, no final newline, wide, combining and
    /// control characters, long lines) with random spans, some over line
    /// breaks, empty or at the very end.
    #[test]
    fn random_findings_render_as_codespan_does() {
        let mut next = crate::xorshift(0x9b05_688c_2b3e_6c1f);
        let pieces = [
            "a", "b", " ", "\t", "\n", "\r\n", "\r", "ä", "Ö", "–", "”", "€", "…", "\u{ad}",
            "\u{301}", "漢", "😀", "\u{200b}", "\u{1}", "\0", "\u{7f}", "x y",
        ];
        for round in 0..3000 {
            let len = (next() % 60) as usize;
            let mut text: String = (0..len)
                .map(|_| {
                    let r = next();
                    if r.is_multiple_of(3) {
                        "sana "
                    } else {
                        pieces[(r / 3 % pieces.len() as u64) as usize]
                    }
                })
                .collect();
            if round % 100 == 0 {
                let mid = (text.len() / 2..)
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap();
                text.insert_str(mid, &"pitkä rivi ".repeat(500));
            }
            let bounds: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            let spans: Vec<_> = (0..(next() % 6))
                .map(|_| {
                    let a = bounds[(next() % bounds.len() as u64) as usize];
                    let b = bounds[(next() % bounds.len() as u64) as usize];
                    (a.min(b)..a.max(b), (next() % 1000) as usize)
                })
                .collect();
            assert_same(&report_on(&text, &spans));
        }
    }

    /// Every character [`columns`] knows is as wide in codespan-reporting,
    /// alone, underlined alone and before a tab.
    #[test]
    fn known_widths_are_codespan_s() {
        let known = (' '..='~')
            .chain('\u{a0}'..='\u{24f}')
            .chain('\u{2010}'..='\u{2027}')
            .chain(['\u{20ac}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{200e}'])
            .chain(['\u{200f}', '\u{2060}', '\u{feff}']);
        for c in known {
            let text = format!("ab{c}c\td{c}\n");
            let at = text.find(c).unwrap();
            let spans = [(at..at + c.len_utf8(), 3), (0..text.len() - 1, 4)];
            let f = report_on(&text, &spans);
            for (span, _) in spans {
                let at = f.source.line_col(span.start);
                assert!(underline(&f.source.text, span, at).is_some(), "{c:?}");
            }
            assert_same(&f);
        }
    }

    /// [`snippet_span`] as it was written first, over the line table.
    fn snippet_span_by_table(src: &SourceText, span: &Range<usize>) -> Option<Range<usize>> {
        let first = src.line_index(span.start);
        let line_start = src.line_start(first);
        let line_end = src.line_start(first + 1).min(src.text.len());
        if line_end - line_start > MAX_SNIPPET_LINE {
            return None;
        }
        let last_end = src.line_start(src.line_index(span.end) + 1);
        if last_end.min(src.text.len()) - line_start <= MAX_SNIPPET {
            return Some(span.clone());
        }
        let end = src.text[..line_end].trim_end_matches(['\n', '\r']).len();
        Some(span.start..end.max(span.start))
    }

    /// Lines and spans around the limits: lines of up to ~6 KB, spans of up
    /// to ~25 KB, ends on and next to line breaks and at the end of the text.
    #[test]
    fn snippet_span_is_the_line_table_s() {
        let mut next = crate::xorshift(0x5be0_cd19_137e_2179);
        let (long, longer) = ("x".repeat(1000), "y".repeat(4000));
        let pieces = ["a", "\n", "\r\n", "ä", &long, "sana ", "\n\n", &longer];
        // Spans shown whole, cut to their first line, not shown.
        let mut seen = [0; 3];
        for _ in 0..300 {
            let len = (next() % 40) as usize;
            let text: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            let src = SourceText::new(text.clone(), "UTF-8");
            let newlines: Vec<usize> = memchr::memchr_iter(b'\n', text.as_bytes()).collect();
            for _ in 0..50 {
                // Offsets near line breaks and the limits as often as
                // anywhere.
                let mut offset = || {
                    let r = next();
                    let o = match r % 4 {
                        0 if !newlines.is_empty() => {
                            newlines[(r / 4 % newlines.len() as u64) as usize]
                                + (r / 256 % 3) as usize
                        }
                        1 => text.len(),
                        _ => (r / 4) as usize % (text.len() + 1),
                    };
                    let o = o.min(text.len());
                    (o..=text.len())
                        .find(|&i| text.is_char_boundary(i))
                        .unwrap()
                };
                let (a, b) = (offset(), offset());
                let span = a.min(b)..a.max(b);
                let got = snippet_span(&text, &span);
                assert_eq!(
                    got,
                    snippet_span_by_table(&src, &span),
                    "{span:?} of {}",
                    text.len()
                );
                seen[match got {
                    Some(s) if s == span => 0,
                    Some(_) => 1,
                    None => 2,
                }] += 1;
            }
        }
        assert!(seen.iter().all(|&n| n > 100), "{seen:?}");
    }

    /// The line table gives codespan-reporting the lines `SimpleFile` gives.
    #[test]
    fn source_file_answers_as_simple_file() {
        let mut next = crate::xorshift(0x1f83_d9ab_fb41_bd6b);
        let pieces = ["a", "\n", "\r\n", "ä", " ", "\r"];
        for _ in 0..2000 {
            let len = (next() % 30) as usize;
            let text: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            let src = SourceText::new(text.clone(), "UTF-8");
            let ours = SourceFile {
                name: "a.txt",
                src: &src,
            };
            let simple = SimpleFile::new("a.txt", text.as_str());
            assert_eq!(ours.source(()).unwrap(), *simple.source());
            assert_eq!(ours.name(()).unwrap(), *simple.name());
            for at in 0..=text.len() {
                assert_eq!(ours.line_index((), at).ok(), simple.line_index((), at).ok());
                if text.is_char_boundary(at) {
                    assert_eq!(ours.location((), at).ok(), simple.location((), at).ok());
                }
            }
            for line in 0..text.len() + 3 {
                assert_eq!(
                    ours.line_range((), line).ok(),
                    simple.line_range((), line).ok(),
                    "{text:?} line {line}"
                );
            }
        }
    }
}

//! pulldown-cmark's events for the plainest Markdown, without running it.
//!
//! Most Markdown notices are ATX headings, paragraphs, `- ` lists, blank
//! lines and an HTML comment or two, with no inline syntax at all (the
//! generated ones nearly always; the front matter is blank lines once
//! masked). For such a text the events are a function of its lines, and
//! building them here costs a fraction of pulldown-cmark's two passes (its
//! block pass alone was about 140,000 instructions for a 9 KB notice).
//! Any line outside that shape sends the whole text to pulldown-cmark. A
//! randomized test compares the events, ranges included, with
//! pulldown-cmark's on texts of these lines and of the syntax around them.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::text::Newlines;

pub(crate) type Ev<'a> = (Event<'a>, Range<usize>);

/// [`SPECIAL`] for a byte that may change how a text line reads: a control
/// byte (tab, carriage return, NUL), inline syntax (`! & * < > \\ _ `` ` ``
/// `~`), a table's `|`, a heading attribute's braces. Whole ranges are taken
/// where that keeps the definition short (`=`, `^` and DEL come along: the
/// fast way declines a little more than it must). [`BRACKET`] for `[` and
/// `]` (see [`brackets_ok`]), 0 for the rest.
const BYTE_CLASS: [u8; 256] = {
    let mut t = [0; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let special = c < 0x20
            || c == b'!'
            || c == b'&'
            || c == b'*'
            || (c >= b'<' && c <= b'>')
            || c == b'\\'
            || (c >= b'^' && c <= b'`')
            || (c >= b'{' && c <= 0x7F);
        t[b] = if special {
            SPECIAL
        } else if c == b'[' || c == b']' {
            BRACKET
        } else {
            0
        };
        b += 1;
    }
    t
};

const SPECIAL: u8 = 1;
const BRACKET: u8 = 2;

/// The [`BYTE_CLASS`]es of the bytes of `s`, or'ed. The whole line is read
/// without a branch per byte (most lines are plain): an early exit cost
/// twice the instructions.
fn classes_by_table(s: &[u8]) -> u8 {
    s.iter().fold(0, |acc, &b| acc | BYTE_CLASS[usize::from(b)])
}

/// [`classes_by_table`] of a line of at least 16 bytes, 32 bytes a step
/// with AVX2 when the CPU has it (checked at run time): the table costs
/// nearly three instructions a byte (a load and an or each), the nibble
/// lookups below about a third of one. (SSE2 alone needs a compare per
/// byte value and range of the class: no fewer instructions than the
/// table.)
#[cfg(target_arch = "x86_64")]
fn classes(s: &[u8]) -> u8 {
    if s.len() < 16 || !std::arch::is_x86_feature_detected!("avx2") {
        return classes_by_table(s);
    }
    // SAFETY: the CPU has AVX2 (checked just above); the function reads
    // only `s`, through slices.
    unsafe { classes_avx2(s) }
}

/// For each low nibble, one bit per high nibble 0–7 whose byte
/// (`high << 4 | low`) [`BYTE_CLASS`] marks [`SPECIAL`] (no byte from 0x80
/// on is in a class).
const SPECIAL_BY_LOW_NIBBLE: [u8; 16] = {
    let mut t = [0; 16];
    let mut b = 0;
    while b < 0x80 {
        if BYTE_CLASS[b] == SPECIAL {
            t[b & 0x0F] |= 1 << (b >> 4);
        }
        b += 1;
    }
    t
};

/// [`SPECIAL_BY_LOW_NIBBLE`] for [`BRACKET`].
const BRACKET_BY_LOW_NIBBLE: [u8; 16] = {
    let mut t = [0; 16];
    let mut b = 0;
    while b < 0x80 {
        if BYTE_CLASS[b] == BRACKET {
            t[b & 0x0F] |= 1 << (b >> 4);
        }
        b += 1;
    }
    t
};

/// [`classes_by_table`] for `s.len() >= 16`: a byte is in a class when its
/// low nibble's entry ([`SPECIAL_BY_LOW_NIBBLE`], [`BRACKET_BY_LOW_NIBBLE`])
/// has its high nibble's bit (`1 << high` for 0–7, none from 0x80 on). The
/// last 32 bytes are read again overlapping the step before them, and a
/// line under 32 bytes is its first 16 and last 16 (an or does not mind a
/// byte seen twice).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn classes_avx2(s: &[u8]) -> u8 {
    use std::arch::x86_64::{
        __m128i, __m256i, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_movemask_epi8,
        _mm256_or_si256, _mm256_set_m128i, _mm256_setzero_si256, _mm256_shuffle_epi8,
        _mm256_srli_epi16, _mm_set_epi64x,
    };
    let load16 = |c: &[u8]| -> __m128i {
        let lo = i64::from_le_bytes(c[..8].try_into().expect("8 bytes"));
        let hi = i64::from_le_bytes(c[8..16].try_into().expect("8 bytes"));
        _mm_set_epi64x(hi, lo)
    };
    let load32 = |c: &[u8]| -> __m256i { _mm256_set_m128i(load16(&c[16..32]), load16(&c[..16])) };
    let table = |t: [u8; 16]| {
        let t = load16(&t);
        _mm256_set_m128i(t, t)
    };
    let by_high = table(std::array::from_fn(|h| if h < 8 { 1 << h } else { 0 }));
    let special_by_low = table(SPECIAL_BY_LOW_NIBBLE);
    let bracket_by_low = table(BRACKET_BY_LOW_NIBBLE);
    let nibble = table([0x0F; 16]);
    let mut special = _mm256_setzero_si256();
    let mut bracket = _mm256_setzero_si256();
    let mut step = |v: __m256i| {
        let low = _mm256_and_si256(v, nibble);
        let high = _mm256_and_si256(_mm256_srli_epi16::<4>(v), nibble);
        let high_bit = _mm256_shuffle_epi8(by_high, high);
        let s = _mm256_and_si256(_mm256_shuffle_epi8(special_by_low, low), high_bit);
        let b = _mm256_and_si256(_mm256_shuffle_epi8(bracket_by_low, low), high_bit);
        special = _mm256_or_si256(special, s);
        bracket = _mm256_or_si256(bracket, b);
    };
    if s.len() < 32 {
        step(_mm256_set_m128i(
            load16(&s[s.len() - 16..]),
            load16(&s[..16]),
        ));
    } else {
        let chunks = s.chunks_exact(32);
        let rest = chunks.remainder().len();
        for c in chunks {
            step(load32(c));
        }
        if rest > 0 {
            step(load32(&s[s.len() - 32..]));
        }
    }
    let zero = _mm256_setzero_si256();
    let any = |acc: __m256i| _mm256_movemask_epi8(_mm256_cmpeq_epi8(acc, zero)) != -1;
    let mut out = 0;
    if any(special) {
        out |= SPECIAL;
    }
    if any(bracket) {
        out |= BRACKET;
    }
    out
}

#[cfg(not(target_arch = "x86_64"))]
fn classes(s: &[u8]) -> u8 {
    classes_by_table(s)
}

/// Whether every byte of `s` is `ok`, by a fold that the compiler turns
/// into vector compares.
fn all_bytes(s: &[u8], ok: impl Fn(u8) -> bool) -> bool {
    s.iter().fold(true, |acc, &b| acc & ok(b))
}

/// Brackets that make no link: with no link reference definition in the
/// text (a line that starts with `[` is declined), only `[text](` makes
/// one, and `][` is declined too rather than reasoned about. Each bracket
/// is then a text event of its own (see [`push_text`]).
fn brackets_ok(line: &[u8]) -> bool {
    memchr::memchr(b']', line).is_none_or(|k| {
        !line[k..]
            .windows(2)
            .any(|w| w[0] == b']' && (w[1] == b'(' || w[1] == b'['))
    })
}

/// A byte a paragraph or list item may start with and stay one: an ASCII
/// letter or the first byte of a non-ASCII character.
fn starts_text(b: u8) -> bool {
    b.is_ascii_alphabetic() || b >= 0xC2
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blank,
    /// `#`s (1–6); the text starts after `#`s and one space.
    Heading(u8),
    Para,
    /// `- ` and text.
    Item,
    /// `<!-- … -->` alone on its line.
    Comment,
}

/// A line's kind, and whether its text has brackets; `None` for a line
/// outside the fast way's shape.
fn classify(line: &[u8]) -> Option<(Kind, bool)> {
    let &first = match line.first() {
        None => return Some((Kind::Blank, false)),
        Some(f) => f,
    };
    if first == b' ' {
        return all_bytes(line, |b| b == b' ').then_some((Kind::Blank, false));
    }
    if first == b'<' {
        let comment = line.starts_with(b"<!--")
            && line.ends_with(b"-->")
            && line.len() >= 7
            && all_bytes(line, |b| b >= 0x20);
        return comment.then_some((Kind::Comment, false));
    }
    let classes = classes(line);
    let brackets = classes & BRACKET != 0;
    if classes & SPECIAL != 0 || line.last() == Some(&b' ') || brackets && !brackets_ok(line) {
        return None;
    }
    if first == b'#' {
        let n = line.iter().take_while(|&&b| b == b'#').count();
        let text = &line[n..];
        let ok = n <= 6
            && text.len() >= 2
            && text[0] == b' '
            && text[1] != b' '
            && line.last() != Some(&b'#');
        return ok.then_some((Kind::Heading(n as u8), brackets));
    }
    if first == b'-' {
        let item = line.len() >= 3 && line[1] == b' ' && starts_text(line[2]);
        return item.then_some((Kind::Item, brackets));
    }
    if !starts_text(first) {
        return None;
    }
    // Lines the pre-pass would mask that read as text here: MDX statements
    // (`import …`, `export …`) and, after Unicode whitespace, an
    // admonition's `:::` (see `markdown_prep::prepare_plain`: the line way
    // reads texts that were not scanned for them).
    if (first == b'i' && line.starts_with(b"import "))
        || (first == b'e' && line.starts_with(b"export "))
        || (first >= 0x80 && memchr::memmem::find(line, b":::").is_some())
    {
        return None;
    }
    Some((Kind::Para, brackets))
}

fn level(n: u8) -> HeadingLevel {
    match n {
        1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

struct Item {
    /// Index of its `Start(Item)` event.
    start_ev: usize,
    /// Where its text starts and where its last text line ends (with its
    /// line break).
    text: Range<usize>,
}

/// What [`scan`] finds, line by line, for a reader of the plainest
/// Markdown: [`EventSink`] makes pulldown-cmark's events of it, and
/// `markdown::parse` builds the document straight from it (the event list
/// and the planning pass over it cost more than the scan itself). Ranges
/// are lines without their line break; `next` is where the next line
/// starts; `brackets`: whether the text has `[` or `]`.
pub(crate) trait Sink<'a> {
    /// A top-level paragraph opens with `line`.
    fn para_start(&mut self, line: Range<usize>, next: usize, brackets: bool) -> bool;
    /// The open paragraph, or the last item's text, goes on with `line`
    /// (a soft break, then its text).
    fn text_line(&mut self, line: Range<usize>, next: usize, brackets: bool, in_list: bool);
    /// The open paragraph ends (at a blank line or a block that
    /// interrupts it).
    fn para_end(&mut self);
    /// An ATX heading line of `n` `#`s.
    fn heading(&mut self, n: u8, line: Range<usize>, next: usize, brackets: bool);
    /// A one-line HTML comment block. False declines the text.
    fn comment(&mut self, line: Range<usize>, next: usize) -> bool;
    /// An item line (`- ` and text): the first of a new list when `first`,
    /// else the open list's next item.
    fn item(&mut self, line: Range<usize>, next: usize, brackets: bool, first: bool);
    /// The open list ends at `end` (the start of the line after it and
    /// its blank lines); `loose`: a blank line came between two items.
    fn list_end(&mut self, end: usize, loose: bool);
}

/// pulldown-cmark's events (with `ENABLE_TABLES`,
/// `ENABLE_HEADING_ATTRIBUTES` and `ENABLE_STRIKETHROUGH`) for a text of
/// ATX headings, paragraphs, `- ` lists of one paragraph per item, blank
/// lines and one-line HTML comments, with no inline syntax at all. Returns
/// false, with `out` cleared, for any other text.
pub(crate) fn simple_events<'a>(text: &'a str, out: &mut Vec<Ev<'a>>) -> bool {
    simple_events_from(text, 0, out)
}

/// [`simple_events`] of a text whose lines before `from` (a line start)
/// are blank lines: they are not read (they make no event, and the first
/// line after them opens no list it could continue), so a text whose front
/// matter masks to blank lines needs no masked copy.
pub(crate) fn simple_events_from<'a>(text: &'a str, from: usize, out: &mut Vec<Ev<'a>>) -> bool {
    let mut sink = EventSink {
        text,
        out,
        para: None,
        items: Vec::new(),
        list_ev: 0,
    };
    let ok = scan(text, from, &mut sink);
    if !ok {
        sink.out.clear();
    }
    ok
}

/// Reads the lines of `text` from `from` (a line start after only blank
/// lines) into `sink`; false, part way through, at the first line outside
/// the fast way's shape (or one the sink declines).
pub(crate) fn scan<'a>(text: &'a str, from: usize, sink: &mut impl Sink<'a>) -> bool {
    let b = text.as_bytes();
    let mut para = false;
    let mut list = false;
    // A blank line since the last text line (in a list: since the last
    // item's text, and then the list is loose if another item follows).
    let mut blank_since_text = false;
    let mut loose = false;
    let mut pos = from;
    // The line ends, 64 bytes at a time: a search per line (~165 lines a
    // notice) cost ~60 instructions a line.
    let mut newlines = Newlines::from(b, from);
    while pos < b.len() {
        let nl = newlines.next();
        let end = nl.unwrap_or(b.len());
        let next = nl.map_or(b.len(), |k| k + 1);
        // A blank line (half the lines of a notice) without the call.
        let Some((kind, brackets)) = (if pos == end {
            Some((Kind::Blank, false))
        } else {
            classify(&b[pos..end])
        }) else {
            return false;
        };
        let line = pos..end;
        pos = next;
        if kind == Kind::Blank {
            if para {
                sink.para_end();
                para = false;
            }
            blank_since_text = true;
            continue;
        }
        // In a list, a text line right under an item's text continues it
        // (a lazy continuation line), an item line is the next item, and
        // anything else ends the list.
        if list {
            match kind {
                Kind::Para if !blank_since_text => {
                    sink.text_line(line, next, brackets, true);
                    continue;
                }
                Kind::Item => {
                    loose |= blank_since_text;
                    sink.item(line, next, brackets, false);
                    blank_since_text = false;
                    continue;
                }
                _ => {
                    sink.list_end(line.start, loose);
                    list = false;
                    loose = false;
                }
            }
        }
        match kind {
            Kind::Para => {
                if para {
                    sink.text_line(line, next, brackets, false);
                } else {
                    para = true;
                    if !sink.para_start(line, next, brackets) {
                        return false;
                    }
                }
            }
            Kind::Heading(n) => {
                if para {
                    sink.para_end();
                    para = false;
                }
                sink.heading(n, line, next, brackets);
            }
            Kind::Comment => {
                if para {
                    sink.para_end();
                    para = false;
                }
                if !sink.comment(line, next) {
                    return false;
                }
            }
            Kind::Item => {
                // A list item interrupts a paragraph.
                if para {
                    sink.para_end();
                    para = false;
                }
                sink.item(line, next, brackets, true);
                list = true;
            }
            Kind::Blank => unreachable!("blank lines are read above"),
        }
        blank_since_text = false;
    }
    if list {
        sink.list_end(b.len(), loose);
    } else if para {
        sink.para_end();
    }
    true
}

/// The kind of each line from `from` (a line start) on, as [`scan`] reads
/// it, until `f` returns false; `None` for a line outside the shape.
pub(crate) fn line_kinds(text: &str, from: usize, mut f: impl FnMut(Option<LineKind>) -> bool) {
    let b = text.as_bytes();
    let mut pos = from;
    let mut newlines = Newlines::from(b, from);
    while pos < b.len() {
        let nl = newlines.next();
        let end = nl.unwrap_or(b.len());
        let kind = classify(&b[pos..end]).map(|(k, _)| match k {
            Kind::Blank => LineKind::Blank,
            Kind::Heading(_) => LineKind::Heading,
            Kind::Para => LineKind::Para,
            Kind::Item => LineKind::Item,
            Kind::Comment => LineKind::Comment,
        });
        if !f(kind) {
            return;
        }
        pos = nl.map_or(b.len(), |k| k + 1);
    }
}

/// A line's kind for [`line_kinds`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineKind {
    Blank,
    Heading,
    Para,
    Item,
    Comment,
}

/// Calls `f` with the ranges of the text events of `r` (`brackets`:
/// whether it has any): pulldown-cmark gives each bracket that makes no
/// link an event of its own, and the text between them one each.
#[inline]
pub(crate) fn text_pieces(
    text: &str,
    r: Range<usize>,
    brackets: bool,
    mut f: impl FnMut(Range<usize>),
) {
    if !brackets {
        f(r);
        return;
    }
    let mut at = r.start;
    for k in memchr::memchr2_iter(b'[', b']', &text.as_bytes()[r.clone()]) {
        let k = r.start + k;
        if k > at {
            f(at..k);
        }
        f(k..k + 1);
        at = k + 1;
    }
    if r.end > at {
        f(at..r.end);
    }
}

/// [`Sink`] of pulldown-cmark's events, ranges included.
struct EventSink<'a, 'o> {
    text: &'a str,
    out: &'o mut Vec<Ev<'a>>,
    /// The open top-level paragraph: the index of its `Start(Paragraph)`,
    /// where it starts and where its last line ends (line break included).
    para: Option<(usize, usize, usize)>,
    /// The open list's items.
    items: Vec<Item>,
    /// The index of the open list's `Start(List)`.
    list_ev: usize,
}

impl<'a> EventSink<'a, '_> {
    fn push_text(&mut self, r: Range<usize>, brackets: bool) {
        let (text, out) = (self.text, &mut *self.out);
        text_pieces(text, r, brackets, |r| {
            out.push((Event::Text(CowStr::Borrowed(&text[r.clone()])), r));
        });
    }

    /// Opens an item at the item line `line` (`- ` and text; `next`: where
    /// the next line starts). Its range ends at the next item or the list's
    /// end.
    fn start_item(&mut self, line: Range<usize>, next: usize, brackets: bool) {
        let start_ev = self.out.len();
        self.out.push((Event::Start(Tag::Item), line.start..next));
        let t = line.start + 2..line.end;
        self.push_text(t.clone(), brackets);
        self.items.push(Item {
            start_ev,
            text: t.start..next,
        });
    }
}

impl<'a> Sink<'a> for EventSink<'a, '_> {
    fn para_start(&mut self, line: Range<usize>, next: usize, brackets: bool) -> bool {
        self.para = Some((self.out.len(), line.start, next));
        self.out
            .push((Event::Start(Tag::Paragraph), line.start..next));
        self.push_text(line, brackets);
        true
    }

    fn text_line(&mut self, line: Range<usize>, next: usize, brackets: bool, in_list: bool) {
        self.out
            .push((Event::SoftBreak, line.start - 1..line.start));
        self.push_text(line, brackets);
        if in_list {
            self.items.last_mut().expect("a list has an item").text.end = next;
        } else if let Some((_, _, stop)) = self.para.as_mut() {
            *stop = next;
        }
    }

    /// Ends the open paragraph and gives its start its range.
    fn para_end(&mut self) {
        if let Some((at, start, stop)) = self.para.take() {
            self.out.push((Event::End(TagEnd::Paragraph), start..stop));
            self.out[at].1 = start..stop;
        }
    }

    fn heading(&mut self, n: u8, line: Range<usize>, next: usize, brackets: bool) {
        let t = line.start + n as usize + 1..line.end;
        let whole = line.start..next;
        let level = level(n);
        let tag = Tag::Heading {
            level,
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        };
        self.out.push((Event::Start(tag), whole.clone()));
        self.push_text(t, brackets);
        self.out.push((Event::End(TagEnd::Heading(level)), whole));
    }

    fn comment(&mut self, line: Range<usize>, next: usize) -> bool {
        let whole = line.start..next;
        self.out.push((Event::Start(Tag::HtmlBlock), whole.clone()));
        self.out.push((
            Event::Html(CowStr::Borrowed(&self.text[whole.clone()])),
            whole.clone(),
        ));
        self.out.push((Event::End(TagEnd::HtmlBlock), whole));
        true
    }

    fn item(&mut self, line: Range<usize>, next: usize, brackets: bool, first: bool) {
        if first {
            self.list_ev = self.out.len();
            self.out
                .push((Event::Start(Tag::List(None)), line.start..line.start));
            self.items.clear();
        } else {
            // The previous item, its blank lines included, ends where this
            // one starts.
            let prev = self.items.last().expect("a list has an item").start_ev;
            self.out[prev].1.end = line.start;
            let r = self.out[prev].1.clone();
            self.out.push((Event::End(TagEnd::Item), r));
        }
        self.start_item(line, next, brackets);
    }

    /// Ends the list at `end`: the last item's end, the list's range and,
    /// in a loose list, a paragraph around each item's text.
    fn list_end(&mut self, end: usize, loose: bool) {
        let out = &mut *self.out;
        let start_ev = self.list_ev;
        let last = self.items.last().expect("a list has an item").start_ev;
        out[last].1.end = end;
        out.push((Event::End(TagEnd::Item), out[last].1.clone()));
        let list_range = out[start_ev].1.start..end;
        out[start_ev].1 = list_range.clone();
        out.push((Event::End(TagEnd::List(false)), list_range));
        if !loose {
            return;
        }
        // Each item's events are Start(Item), Text, (SoftBreak, Text)*,
        // End(Item): in a loose list its text is a paragraph.
        let tail: Vec<Ev<'a>> = out.drain(start_ev + 1..).collect();
        let mut items = self.items.iter();
        let mut text = 0..0;
        for (ev, r) in tail {
            match ev {
                Event::Start(Tag::Item) => {
                    text = items.next().expect("one item per Start(Item)").text.clone();
                    out.push((ev, r));
                    out.push((Event::Start(Tag::Paragraph), text.clone()));
                }
                Event::End(TagEnd::Item) => {
                    out.push((Event::End(TagEnd::Paragraph), text.clone()));
                    out.push((ev, r));
                }
                _ => out.push((ev, r)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use pulldown_cmark::{Options, Parser};

    use super::*;

    /// Both ways on `text`; false when the fast way declined it.
    fn same_as_pulldown(text: &str) -> bool {
        let opts = Options::ENABLE_TABLES
            | Options::ENABLE_HEADING_ATTRIBUTES
            | Options::ENABLE_STRIKETHROUGH;
        let want: Vec<Ev<'_>> = Parser::new_ext(text, opts).into_offset_iter().collect();
        let mut got: Vec<Ev<'_>> = Vec::new();
        let took = simple_events(text, &mut got);
        if took {
            assert_eq!(got, want, "{text:?}");
        } else {
            assert!(got.is_empty());
        }
        took
    }

    /// The vector way of [`classes`] against the table, on lines of every
    /// length up to 100 bytes: mostly plain bytes (letters, spaces, UTF-8)
    /// with a class byte or two at random places, and wholly random bytes.
    #[test]
    fn classes_match_the_table() {
        let mut next = crate::xorshift(0x2545_f491_4f6c_dd1d);
        let plain = b"aZ 09.,:-()\xc3\xa4/@'\"?%+";
        for round in 0..60_000 {
            let len = (next() % 101) as usize;
            let mut line: Vec<u8> = if round % 3 == 0 {
                (0..len).map(|_| next() as u8).collect()
            } else {
                (0..len)
                    .map(|_| plain[(next() % plain.len() as u64) as usize])
                    .collect()
            };
            if len > 0 && round % 3 == 1 {
                for _ in 0..1 + next() % 2 {
                    let at = (next() % len as u64) as usize;
                    line[at] = (next() % 0x80) as u8;
                }
            }
            assert_eq!(classes(&line), classes_by_table(&line), "{line:?}");
        }
        // Every single byte at every place of lines of 16 to 64 bytes.
        for len in 16..=64 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut line = vec![b'a'; len];
                    line[at] = b;
                    assert_eq!(classes(&line), classes_by_table(&line), "{line:?}");
                }
            }
        }
    }

    /// Random texts of pieces of lines (most of them outside the shape, to
    /// find its edges), then of whole lines (all inside it): every text the
    /// fast way takes has pulldown-cmark's events, ranges included.
    #[test]
    fn events_match_pulldown_cmark() {
        let mut next = crate::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut pick = |pieces: &[&str], n: u64| -> Vec<String> {
            (0..n)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize].to_string())
                .collect()
        };
        let syntax = [
            "A",
            "ä",
            "x y",
            "Teksti",
            " ",
            "  ",
            "\n",
            "\n",
            "\n",
            "\n\n",
            "# ",
            "## ",
            "###### ",
            "####### ",
            "#",
            "- ",
            "-",
            "* ",
            "1. ",
            "<!-- c -->",
            "<!--",
            "-->",
            "<p>",
            "[x]",
            "*",
            "_",
            "`",
            "\\",
            "&amp;",
            "|",
            "{#id}",
            "---",
            "===",
            "    ",
            "\t",
            "\r\n",
            ":",
            ".",
            "2018",
            "B",
            "\u{0}",
        ];
        let near = [
            "A",
            "ä",
            "x y",
            " ",
            "  ",
            "\n",
            "\n",
            "\n\n",
            "\n\n\n",
            "# ",
            "## ",
            "### ",
            "- ",
            "-",
            "<!-- c -->",
            "<!-- [a] *b* -->",
            "#",
            "é",
            "b. c",
            "1",
            ">",
            "!",
            "x#",
        ];
        let lines = [
            "",
            "",
            "",
            " ",
            "   ",
            "     ",
            "# Otsikko",
            "## 1. Rekisterinpitäjä",
            "###### x",
            "Teksti tässä.",
            "Ä",
            "toinen rivi",
            "- nimi, a",
            "- Ä",
            "- b c",
            "<!-- TODO: [x] y -->",
            "<!---->",
            "<!-- a -->",
            "Käsittelemme:",
            "x",
            "Lisätietoja saat osoitteesta [sähköposti].",
            "a [b] c [d]e] [f [g] h",
            "- x [y]",
            "# H [z]",
            "x [[a]] b",
            "x [] y",
        ];
        let mut took = [0; 3];
        for round in 0..150_000u64 {
            let n = round % 30;
            if same_as_pulldown(&pick(&syntax, n).concat()) {
                took[0] += 1;
            }
            if same_as_pulldown(&pick(&near, n).concat()) {
                took[1] += 1;
            }
            let mut text = pick(&lines, n % 25).join("\n");
            if round % 2 == 0 {
                text.push('\n');
            }
            assert!(same_as_pulldown(&text), "{text:?}");
            took[2] += 1;
        }
        // Each kind of text reaches the fast way often enough to matter.
        assert!(took[0] > 1_000 && took[1] > 5_000, "{took:?}");
    }

    /// The fixtures' and the corpus's Markdown, masked as the parser sees it
    /// (few of them are plain enough for the fast way; the generated notices
    /// mostly are, and `scripts/same-output.sh` compares those).
    #[test]
    fn files_match_pulldown_cmark() {
        for f in crate::files_under("fixtures")
            .into_iter()
            .chain(crate::files_under("../shared/corpus"))
        {
            if f.extension().is_none_or(|e| e != "md" && e != "mdx") {
                continue;
            }
            let Ok(src) = std::fs::read_to_string(&f) else {
                continue;
            };
            let prep = super::super::markdown_prep::prepare(&src);
            same_as_pulldown(&prep.text);
        }
    }
}

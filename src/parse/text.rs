//! Plain text: the 2018 template's tab-separated export, and text copied from
//! web pages (numbered, ALL-CAPS or known headings, `Label: value` lines).
//!
//! In text copied from a web page a heading is a numbered, ALL-CAPS or known
//! line after a blank line (or in capitals / known anywhere); the line right
//! under a heading is its text unless it is numbered, in capitals, or a known
//! heading of another element with text of its own (then the first heading
//! is empty). When the notice puts its headings right above their text in
//! one-line paragraphs, any short line in that place is a heading and a
//! known template heading may be long. The last line is a heading only if
//! known, without digits, and ended by a line break (a file that stops
//! mid-line may be cut).

use super::inline::strip_inline_html;
use super::{names_the_notice, HeadingOracle, RawDocument, RawSection};
use crate::textmap::MappedText;

/// A line of the source: where it starts, its text without the line
/// terminator, and that text without surrounding whitespace (every line is
/// trimmed once here instead of at each of the parser's questions). The
/// texts are kept as slices: slicing `src` by offsets at each question
/// checked both ends for a character boundary again (1.5 M instructions
/// of 250 notices).
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    start: usize,
    text: &'a str,
    trimmed: &'a str,
}

impl<'a> Line<'a> {
    fn new(src: &'a str, start: usize, end: usize) -> Line<'a> {
        let text = &src[start..end];
        Line {
            start,
            text,
            trimmed: trim(text),
        }
    }

    /// Where the line ends (before its terminator).
    fn end(&self) -> usize {
        self.start + self.text.len()
    }

    /// Where its trimmed text starts.
    fn trim_start(&self) -> usize {
        self.start + (self.trimmed.as_ptr() as usize - self.text.as_ptr() as usize)
    }

    fn is_blank(&self) -> bool {
        self.trimmed.is_empty()
    }
}

/// `s.trim()`. Most lines start and end with an ASCII byte that is no
/// whitespace: then there is nothing to trim, and no character needs
/// decoding (`trim` called out of line twice per line).
fn trim(s: &str) -> &str {
    let plain = |b: u8| b.is_ascii() && !is_ascii_space(b);
    match s.as_bytes() {
        [] => s,
        [first, .., last] if plain(*first) && plain(*last) => s,
        [only] if plain(*only) => s,
        _ => s.trim(),
    }
}

fn lines(src: &str) -> Vec<Line<'_>> {
    // Room for lines of 40 bytes: growing the list took a reallocation or
    // two per notice.
    let mut out = Vec::with_capacity(src.len() / 40 + 1);
    let mut start = 0;
    let b = src.as_bytes();
    for_each_newline(b, |nl| {
        let mut end = nl;
        if end > start && b[end - 1] == b'\r' {
            end -= 1;
        }
        out.push(Line::new(src, start, end));
        start = nl + 1;
    });
    if start < src.len() {
        let mut end = src.len();
        if b[end - 1] == b'\r' {
            end -= 1;
        }
        out.push(Line::new(src, start, end));
    }
    out
}

/// Calls `f` with the position of each `\n` of `b`, in order. A line of
/// notice text is ~55 bytes: memchr's search, set up again for every line,
/// cost ~65 instructions a line; 64 bytes at a time as a bit mask (SSE2,
/// part of x86-64 itself) cost a few per line and per 64 bytes.
fn for_each_newline(b: &[u8], mut f: impl FnMut(usize)) {
    #[cfg(target_arch = "x86_64")]
    let from = {
        let chunks = b.chunks_exact(64);
        let from = b.len() - chunks.remainder().len();
        for (k, chunk) in chunks.enumerate() {
            // SAFETY: SSE2 is part of x86-64 itself (every x86_64 target
            // enables it); the function reads only `chunk`.
            let mut m =
                unsafe { crate::source::newline_mask64(chunk.try_into().expect("64 bytes")) };
            while m != 0 {
                f(k * 64 + m.trailing_zeros() as usize);
                m &= m - 1;
            }
        }
        from
    };
    #[cfg(not(target_arch = "x86_64"))]
    let from = 0;
    for i in memchr::memchr_iter(b'\n', &b[from..]) {
        f(from + i);
    }
}

/// The positions of the `\n`s of a text, in order, found as
/// [`for_each_newline`] finds them, for a loop that may stop early.
pub(super) struct Newlines<'a> {
    b: &'a [u8],
    /// Bits of the newlines of the 64 bytes from `base` not yet given.
    mask: u64,
    base: usize,
    /// Where the search goes on once `mask` is empty.
    next: usize,
}

impl<'a> Newlines<'a> {
    /// The newlines of `b[from..]` (positions in `b`).
    pub(super) fn from(b: &'a [u8], from: usize) -> Self {
        Newlines {
            b,
            mask: 0,
            base: 0,
            next: from,
        }
    }
}

impl Iterator for Newlines<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        loop {
            if self.mask != 0 {
                let p = self.base + self.mask.trailing_zeros() as usize;
                self.mask &= self.mask - 1;
                return Some(p);
            }
            #[cfg(target_arch = "x86_64")]
            if let Some(chunk) = self.b.get(self.next..self.next + 64) {
                // SAFETY: as in `for_each_newline`.
                self.mask =
                    unsafe { crate::source::newline_mask64(chunk.try_into().expect("64 bytes")) };
                self.base = self.next;
                self.next += 64;
                continue;
            }
            let p = self.next + memchr::memchr(b'\n', self.b.get(self.next..)?)?;
            self.next = p + 1;
            return Some(p);
        }
    }
}

/// The number of characters in `s` if at most `limit`, else `limit + 1`
/// (a long line is not counted to its end).
fn chars_upto(s: &str, limit: usize) -> usize {
    // A character has at most four bytes: the first `limit + 1` characters,
    // if there are that many, begin in the first `4 * (limit + 1)` bytes, and
    // a text of at most `limit` characters lies there whole. Each character
    // begins with a byte that is no continuation byte (0b10xx_xxxx).
    let head = &s.as_bytes()[..s.len().min(4 * (limit + 1))];
    let starts = head.iter().filter(|&&b| (b as i8) >= -0x40).count();
    starts.min(limit + 1)
}

pub fn parse(src: &str, oracle: &dyn HeadingOracle) -> RawDocument {
    let lines = lines(src);
    // Text copied from a web page seldom has a tab: one search of the whole
    // text then spares a search of every line.
    let has_tab = memchr::memchr(b'\t', src.as_bytes()).is_some();
    let tab_rows = if !has_tab {
        0
    } else {
        lines
            .iter()
            .filter(|l| {
                let s = l.text;
                memchr::memchr(b'\t', s.as_bytes())
                    .is_some_and(|t| !s[..t].trim().is_empty() && t < 200)
            })
            .count()
    };
    if tab_rows >= 3 {
        parse_tab_export(src, &lines)
    } else {
        parse_plain(src, &lines, has_tab, oracle)
    }
}

/// Appends the text of `src[a..b]` (inline HTML stripped) to a body, with a
/// line break between pieces.
fn append_body(body: &mut MappedText, src: &str, a: usize, b: usize) {
    if !has_markup(&src[a..b]) {
        // The same text and segments as the general way below, without a
        // MappedText per line (one verbatim run, after an atomic newline
        // or into an empty body, so it is not merged with anything).
        let s = &src[a..b];
        let piece = s.trim();
        if piece.is_empty() {
            return;
        }
        if !body.is_empty() {
            body.push_synthetic("\n", a);
        }
        body.push_verbatim(piece, a + (s.len() - s.trim_start().len()));
        return;
    }
    let piece = strip_inline_html(src, a..b).into_trimmed();
    if piece.is_empty() {
        return;
    }
    if !body.is_empty() {
        body.push_synthetic("\n", a);
    }
    body.append_owned(piece);
}

/// [`append_body`] of a whole line. `markup_free`: the document has no `<`
/// or `&` at all, so no line needs [`has_markup`]'s search, and the line's
/// trimmed range is known.
fn append_line(body: &mut MappedText, src: &str, l: &Line, markup_free: bool) {
    if !markup_free {
        return append_body(body, src, l.start, l.end());
    }
    let piece = l.trimmed;
    if piece.is_empty() {
        return;
    }
    if !body.is_empty() {
        body.push_synthetic("\n", l.start);
    }
    body.push_verbatim(piece, l.trim_start());
}

/// [`stripped`] of a whole line (see [`append_line`]).
fn stripped_line(src: &str, l: &Line, markup_free: bool) -> MappedText {
    if !markup_free {
        return stripped(src, l.start, l.end());
    }
    let t = l.trimmed;
    let mut out = MappedText::spare(t.len());
    out.push_verbatim(t, l.trim_start());
    out
}

/// Whether `s` has a `<` or `&` that [`strip_inline_html`] may turn into
/// something else.
fn has_markup(s: &str) -> bool {
    memchr::memchr2(b'<', b'&', s.as_bytes()).is_some()
}

/// `strip_inline_html(src, a..b).trimmed()`, without the copy when the line
/// has no markup.
fn stripped(src: &str, a: usize, b: usize) -> MappedText {
    if has_markup(&src[a..b]) {
        let stripped = strip_inline_html(src, a..b);
        let out = stripped.trimmed();
        stripped.give_back();
        return out;
    }
    let s = &src[a..b];
    let t = s.trim();
    let mut out = MappedText::spare(t.len());
    out.push_verbatim(t, a + (s.len() - s.trim_start().len()));
    out
}

/// The template's export: `Heading<TAB>body` rows. A row with an empty
/// heading cell continues the previous section (a page break in the
/// original); lines without a tab belong to the current body.
fn parse_tab_export(src: &str, lines: &[Line<'_>]) -> RawDocument {
    let mut doc = RawDocument {
        sections: super::spare_sections(),
        ..Default::default()
    };
    let mut current: Option<RawSection> = None;
    for l in lines {
        let s = l.text;
        if l.is_blank() {
            continue;
        }
        match s.find('\t') {
            Some(t) if !s[..t].trim().is_empty() => {
                if let Some(sec) = current.take() {
                    doc.sections.push(sec);
                }
                let heading = stripped(src, l.start, l.start + t);
                let mut body = MappedText::new();
                append_body(&mut body, src, l.start + t + 1, l.end());
                current = Some(RawSection {
                    heading,
                    body,
                    level: 2,
                });
            }
            Some(t) => {
                // Leading tab: continuation of the previous section.
                match current.as_mut() {
                    Some(sec) => append_body(&mut sec.body, src, l.start + t + 1, l.end()),
                    None => append_body(&mut doc.preamble, src, l.start, l.end()),
                }
            }
            None => match current.as_mut() {
                Some(sec) => append_body(&mut sec.body, src, l.start, l.end()),
                None => {
                    if doc.title.is_none() {
                        doc.title = Some(stripped(src, l.start, l.end()));
                    } else {
                        append_body(&mut doc.preamble, src, l.start, l.end());
                    }
                }
            },
        }
    }
    if let Some(sec) = current.take() {
        doc.sections.push(sec);
    }
    doc
}

/// Leading list bullets that never start a heading.
fn is_bullet(s: &str) -> bool {
    // Every bullet starts with punctuation; most lines with a letter.
    if s.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric) {
        return false;
    }
    let t = s.trim_start();
    t.starts_with('•')
        || t.starts_with("- ")
        || t.starts_with("* ")
        || t.starts_with('–')
        || t.starts_with('·')
        || t.starts_with('▪')
}

/// `3. Rekisterin nimi`, `3 Rekisterin nimi`, `3) ...`, `3.1 ...`: returns the
/// text after the number.
pub fn strip_numbering(s: &str) -> &str {
    // Most lines start with a letter: an ASCII byte that is neither a digit
    // nor whitespace, or 0xC3 (À..ÿ, never whitespace), is the answer's
    // first byte already, without `trim_start` decoding a character.
    if let Some(&b) = s.as_bytes().first() {
        if b == 0xC3 || (b.is_ascii() && !b.is_ascii_digit() && !is_ascii_space(b)) {
            return s;
        }
    }
    let t = s.trim_start();
    let b = t.as_bytes();
    // Most lines start with a letter.
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return t;
    }
    // The numbering (digits and dots) read once, by bytes: four iterator
    // passes and a decoded character cost ~300 instructions a numbered
    // line, which is asked about several times.
    let mut digits = 0;
    let mut bare_digits = 0;
    while let Some(&c) = b.get(digits) {
        if c.is_ascii_digit() {
            bare_digits += 1;
        } else if c != b'.' {
            break;
        }
        digits += 1;
    }
    // Section numbers are short ("3.", "10", "2.1"); "90230 OULU" is a postcode.
    if bare_digits > 3 {
        return t;
    }
    let rest = &t[digits..];
    let rest = rest.strip_prefix(')').unwrap_or(rest);
    let space = match rest.as_bytes().first() {
        None => false,
        Some(&c) if c.is_ascii() => is_ascii_space(c),
        Some(_) => rest.starts_with(char::is_whitespace),
    };
    if space {
        rest.trim_start()
    } else {
        t
    }
}

/// A byte that `char::is_whitespace` (and so `str::trim_start`) takes for
/// whitespace: tab, line feed, vertical tab, form feed, carriage return,
/// space. No other ASCII byte is.
pub(super) fn is_ascii_space(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

/// At least three letters, all capitals. One pass that stops at the first
/// small letter (most lines are prose: it stops within the first word).
fn is_all_caps(s: &str) -> bool {
    let mut n = 0;
    for c in s.chars() {
        if c.is_alphabetic() {
            if !c.is_uppercase() {
                return false;
            }
            n += 1;
        }
    }
    n >= 3
}

/// A line without its numbering, trailing colons and surrounding spaces:
/// what the heading table is asked about. `t` is the line trimmed
/// ([`Line::trimmed`]: each line is trimmed once).
fn bare_line(t: &str) -> &str {
    strip_numbering(t).trim_end_matches(':').trim_end()
}

/// The oracle's answer for each line's [`bare_line`], asked at most once:
/// the plain-text parser needs it up to four times per line (shape checks,
/// the tight-headings pre-pass, the last line), and each answer walks the
/// heading tables.
struct Known<'a> {
    oracle: &'a dyn HeadingOracle,
    /// 0: not asked yet; 1: no; 2: yes.
    answers: Vec<std::cell::Cell<u8>>,
    /// [`heading_kind`] of a line after a blank line, as the
    /// [`tight_headings`] pre-pass found it (0: not found; 1: no; 2: yes):
    /// the main pass needs the same answer for the same line.
    kinds: Vec<std::cell::Cell<u8>>,
}

impl<'a> Known<'a> {
    fn new(oracle: &'a dyn HeadingOracle, lines: usize) -> Self {
        Known {
            oracle,
            answers: vec![std::cell::Cell::new(0); lines],
            kinds: vec![std::cell::Cell::new(0); lines],
        }
    }

    /// Notes [`heading_kind`]`(line i, standalone: the next line is blank)`
    /// for line `i`, which follows a blank line.
    fn set_kind(&self, i: usize, kind: bool) {
        self.kinds[i].set(1 + u8::from(kind));
    }

    /// What [`Self::set_kind`] noted for line `i`, if anything.
    fn kind(&self, i: usize) -> Option<bool> {
        match self.kinds[i].get() {
            1 => Some(false),
            2 => Some(true),
            _ => None,
        }
    }

    /// `oracle.is_heading(bare)`, where `bare` is line `i`'s [`bare_line`].
    fn line(&self, i: usize, bare: &str) -> bool {
        match self.answers[i].get() {
            1 => false,
            2 => true,
            _ => {
                let yes = self.oracle.is_heading(bare);
                self.answers[i].set(1 + u8::from(yes));
                yes
            }
        }
    }

    /// `oracle.is_heading(text)` for a slice of line `i` that may be its
    /// bare text (same start or end: equal when as long).
    fn text(&self, i: usize, text: &str, bare: &str) -> bool {
        if text.len() == bare.len() {
            self.line(i, bare)
        } else {
            self.oracle.is_heading(text)
        }
    }
}

/// Whether a line (`t`, trimmed) reads as a heading in text copied from a
/// web page. `known` says whether the heading table knows the line's
/// [`bare_line`], which it is given.
fn heading_kind(t: &str, known: impl FnOnce(&str) -> bool, standalone: bool) -> bool {
    HeadingShape::of(t)
        .is_some_and(|shape| shape.reads_as_heading(|| known(shape.bare_line()), standalone))
}

/// What [`heading_kind`] reads of a trimmed line before it may ask the
/// heading table: `None` for a line that is no heading whatever the table
/// says (empty, long, a bullet, a sentence), which the parser then need not
/// ask about.
struct HeadingShape<'a> {
    /// The line (trimmed).
    line: &'a str,
    /// The line without its numbering.
    bare: &'a str,
    numbered: bool,
}

impl<'a> HeadingShape<'a> {
    fn of(t: &'a str) -> Option<HeadingShape<'a>> {
        // The cheapest tests first (each rejects on its own). A sentence is
        // not a heading, whatever words it has: most lines end like one,
        // and are rejected by their last byte before the calls below. (The
        // line's bare text ends where the line does: `strip_numbering` cuts
        // only at the start, and leaves text of a trimmed line that is not
        // empty.)
        if matches!(t.as_bytes().last(), None | Some(b'.' | b',' | b';')) || is_bullet(t) {
            return None;
        }
        let bare = strip_numbering(t);
        let numbered = bare.len() != t.len();
        if !chars_at_most(t, 110) {
            return None;
        }
        Some(HeadingShape {
            line: t,
            bare,
            numbered,
        })
    }

    fn reads_as_heading(&self, known: impl FnOnce() -> bool, standalone: bool) -> bool {
        // A known heading, or a line in heading form (numbered, or in
        // capitals, starting with a capital letter). The form is tested
        // first: a numbered heading then needs no question to the heading
        // table (each costs thousands of instructions), and the answer is
        // the same either way round.
        self.in_heading_form() || self.known_words(known, standalone)
    }

    /// Numbered (at most 90 characters) or in capitals (at most 80), and
    /// starting with a capital letter.
    fn in_heading_form(&self) -> bool {
        let bare = self.bare;
        let first = bare.chars().next().unwrap_or(' ');
        if !first.is_alphabetic() || first.is_lowercase() {
            return false;
        }
        if self.numbered && chars_at_most(self.line, 90) {
            return true;
        }
        is_all_caps(bare) && chars_at_most(self.line, 80)
    }

    /// [`bare_line`] of the line, without numbering it again.
    fn bare_line(&self) -> &'a str {
        self.bare.trim_end_matches(':').trim_end()
    }

    /// A short line without clauses that the heading table knows.
    fn known_words(&self, known: impl FnOnce() -> bool, standalone: bool) -> bool {
        let bare_nocolon = self.bare_line();
        // Known heading words count only in a short line without clauses; a
        // line standing alone between blank lines may be longer.
        let max_words = if standalone { 14 } else { 7 };
        few_words_no_comma(bare_nocolon, max_words) && known()
    }
}

/// Whether `s` has at most `limit` characters: a text of at most `limit`
/// bytes has, without counting them (most lines asked about are short
/// headings; counting took 1.3 M instructions of 250 notices).
fn chars_at_most(s: &str, limit: usize) -> bool {
    s.len() <= limit || chars_upto(s, limit) <= limit
}

/// `!s.contains(',') && s.split_whitespace().nth(max_words).is_none()`:
/// no comma and at most `max_words` words, read from the bytes: splitting
/// decoded every character (2.7 M instructions of 250 notices), and a loop
/// over the bytes still cost ~10 a byte. The bytes that may begin a
/// non-ASCII whitespace character (U+0085, U+00A0, U+1680, U+2000..,
/// U+3000) send the text the general way.
fn few_words_no_comma(s: &str, max_words: usize) -> bool {
    #[cfg(target_arch = "x86_64")]
    if s.len() >= 16 {
        // SAFETY: SSE2 is part of x86-64 itself (every x86_64 target
        // enables it); the function reads only `s`, through slices.
        if let Some(answer) = unsafe { few_words_sse2(s.as_bytes(), max_words) } {
            return answer;
        }
        return few_words_general(s, max_words);
    }
    let mut words = 0;
    let mut in_word = false;
    for &b in s.as_bytes() {
        match b {
            b',' => return false,
            0xC2 | 0xE1 | 0xE2 | 0xE3 => return few_words_general(s, max_words),
            _ => {}
        }
        let space = is_ascii_space(b);
        if !space && !in_word {
            words += 1;
            if words > max_words {
                return false;
            }
        }
        in_word = !space;
    }
    true
}

/// [`few_words_no_comma`] by its definition.
fn few_words_general(s: &str, max_words: usize) -> bool {
    !s.contains(',') && s.split_whitespace().nth(max_words).is_none()
}

/// [`few_words_no_comma`] of at least 16 bytes, 16 at a time: bit masks of
/// the spaces (a word starts at a non-space after a space or at the start)
/// and of the bytes that end the count (a comma: false; the first byte of
/// a non-ASCII space: `None`, for the general way). The last 16 bytes are
/// read overlapping the step before them, their bits already counted
/// masked out.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn few_words_sse2(b: &[u8], max_words: usize) -> Option<bool> {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        _mm_set_epi64x, _mm_sub_epi8,
    };
    let load = |c: &[u8]| -> __m128i {
        let lo = i64::from_le_bytes(c[..8].try_into().expect("8 bytes"));
        let hi = i64::from_le_bytes(c[8..16].try_into().expect("8 bytes"));
        _mm_set_epi64x(hi, lo)
    };
    // Bytes in `lo..=lo + span`, as an unsigned compare.
    let within = |v: __m128i, lo: u8, span: u8| {
        let x = _mm_sub_epi8(v, _mm_set1_epi8(lo as i8));
        _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(span as i8)), x)
    };
    // (spaces, commas, non-ASCII space starts), one bit per byte.
    let classes = |v: __m128i| -> (u32, u32, u32) {
        let space = _mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8)),
            within(v, b'\t', b'\r' - b'\t'),
        );
        let comma = _mm_cmpeq_epi8(v, _mm_set1_epi8(b',' as i8));
        let other = _mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(0xC2_u8 as i8)),
            within(v, 0xE1, 2),
        );
        let bits = |m| _mm_movemask_epi8(m) as u32;
        (bits(space), bits(comma), bits(other))
    };
    let n = b.len();
    let mut words = 0;
    // Bit 0: the byte before the step is a space (or there is none).
    let mut before = 1;
    // `Some(answer)` when the step decides (`Some(None)`: the general way).
    let mut step = |v: __m128i, fresh: u32| -> Option<Option<bool>> {
        let (space, comma, other) = classes(v);
        if comma & fresh != 0 {
            return Some(Some(false));
        }
        if other & fresh != 0 {
            return Some(None);
        }
        let starts = !space & ((space << 1) | before) & fresh;
        words += starts.count_ones() as usize;
        before = (space >> 15) & 1;
        (words > max_words).then_some(Some(false))
    };
    let mut i = 0;
    while i + 16 <= n {
        if let Some(answer) = step(load(&b[i..i + 16]), 0xFFFF) {
            return answer;
        }
        i += 16;
    }
    if i < n {
        // The last 16 bytes: the first `16 - (n - i)` were read above, and
        // the byte before the first new one is in this step too (`before`
        // goes to bit 0, which is masked out).
        let seen = 16 - (n - i);
        if let Some(answer) = step(load(&b[n - 16..]), 0xFFFF << seen & 0xFFFF) {
            return answer;
        }
    }
    Some(true)
}

/// Whether the notice writes its headings right above their text
/// ("Rekisterinpitäjä" / "Yritys Oy, Katu 1", blocks between blank lines),
/// with each paragraph on one line as text copied from a web page is. Then
/// a line in the same place is a heading even when it is not numbered, in
/// capitals or in the heading table ("Tietojen päivittäminen"), and a known
/// template heading may be long.
fn tight_headings(lines: &[Line<'_>], known: &Known<'_>) -> bool {
    let blank = |i: usize| lines.get(i).is_none_or(Line::is_blank);
    // Hard-wrapped text starts every paragraph with a short unpunctuated line.
    // (A line of at most 120 bytes has at most 120 characters.)
    if !lines
        .iter()
        .any(|l| l.text.len() > 120 && l.text.chars().nth(120).is_some())
    {
        return false;
    }
    let (mut tight, mut all) = (0, 0);
    for (i, line) in lines.iter().enumerate().skip(1) {
        if line.is_blank() || !blank(i - 1) {
            continue;
        }
        let t = line.trimmed;
        let kind = heading_kind(t, |bare| known.line(i, bare), blank(i + 1));
        known.set_kind(i, kind);
        if !kind {
            continue;
        }
        all += 1;
        if !blank(i + 1) {
            tight += 1;
        }
    }
    tight >= 3 && tight * 2 >= all
}

/// A line that reads as a heading in a notice of [`tight_headings`] shape,
/// given the line right under it. Known headings may be long (the 2018
/// template's Swedish "Regelmässigt utlämnande av uppgifter och överföring
/// av uppgifter utanför EU eller ..."); other lines must be short, start
/// with a capital, have a lowercase word (not a name such as "Yritys Oy")
/// and stand above a sentence.
fn tight_heading(s: &str, next: &str, oracle: &dyn HeadingOracle) -> bool {
    let t = s.trim();
    if is_bullet(t) || t.ends_with(['.', ',', ';', ':', '!']) || t.contains([',', '@', '\t']) {
        return false;
    }
    let bare = strip_numbering(t);
    let first = bare.chars().next().unwrap_or(' ');
    if !first.is_alphabetic() || first.is_lowercase() || bare.contains("http") {
        return false;
    }
    let words: Vec<&str> = bare.split_whitespace().collect();
    if words.len() <= 20 && bare.chars().count() <= 150 && oracle.names_element(bare) {
        return true;
    }
    let lower_word = words[1..]
        .iter()
        .any(|w| w.chars().next().is_some_and(char::is_lowercase));
    let one_word = words.len() == 1 && bare.chars().count() >= 5;
    words.len() <= 5
        && bare.chars().count() <= 60
        && !bare.chars().any(|c| c.is_ascii_digit())
        && (lower_word || one_word)
        && next.split_whitespace().count() >= 6
}

/// Where `b` has a colon followed by a space or a tab: the colon that may
/// end a line's label (the first one of a line that [`parse_plain`] asks
/// about; the byte after it is in the same line, as no line terminator).
fn label_colons(b: &[u8]) -> Vec<usize> {
    memchr::memchr_iter(b':', b)
        .filter(|&i| matches!(b.get(i + 1), Some(b' ' | b'\t')))
        .collect()
}

/// The bytes a section body starts with room for (most bodies of text
/// copied from a web page are a few hundred bytes; growing one from empty
/// took a reallocation every few lines).
const BODY_CAPACITY: usize = 512;

/// Text copied from a web page. `has_tab`: whether `src` has a tab at all.
fn parse_plain(
    src: &str,
    lines: &[Line<'_>],
    has_tab: bool,
    oracle: &dyn HeadingOracle,
) -> RawDocument {
    let mut doc = RawDocument {
        sections: super::spare_sections(),
        ..Default::default()
    };
    let mut current: Option<RawSection> = None;
    let known = Known::new(oracle, lines.len());
    let tight = tight_headings(lines, &known);
    let markup_free = memchr::memchr2(b'<', b'&', src.as_bytes()).is_none();
    let label_colons = label_colons(src.as_bytes());
    // The first of `label_colons` not before the line being read.
    let mut next_colon = 0;
    let mut prev_blank = true;
    let mut seen_content = false;
    for (i, l) in lines.iter().enumerate() {
        let s = l.text;
        // `s.trim()`.
        let t = l.trimmed;
        if t.is_empty() {
            prev_blank = true;
            continue;
        }
        let next_blank_or_end = lines.get(i + 1).is_none_or(Line::is_blank);
        // The first short line of the file is its title, unless it is a
        // section heading itself or an address line (digits, no notice word).
        if !seen_content {
            seen_content = true;
            let known_heading =
                known.text(i, strip_numbering(t).trim_end_matches(':'), bare_line(t));
            let address_like = t.bytes().any(|c| c.is_ascii_digit()) && !names_the_notice(t);
            if chars_at_most(t, 120) && !t.ends_with('.') && !known_heading && !address_like {
                doc.title = Some(stripped_line(src, l, markup_free));
                prev_blank = false;
                continue;
            }
        }
        // A subtitle in capitals right under the title ("JÄSENREKISTERIN
        // REKISTERISELOSTE") belongs to the title block, not a section.
        if doc.sections.is_empty() && current.is_none() && is_all_caps(s) && names_the_notice(s) {
            append_line(&mut doc.preamble, src, l, markup_free);
            prev_blank = false;
            continue;
        }
        // `Rekisterinpitäjä: Yritys Oy` — a known label with its value.
        // `Rekisterinpitäjä<TAB>Yritys Oy` — the same with a tab.
        // A colon that ends a label is followed by a space ("EU:n" is a word).
        // (memchr's searches: `str::find` and `match_indices` set up a
        // searcher on every line, 8 % of the parser; a search of each line
        // for a colon was still 1.8 M instructions of 250 notices, where
        // one of the whole text finds the few there are.)
        let tab_at = if has_tab {
            memchr::memchr(b'\t', s.as_bytes())
        } else {
            None
        };
        let colon_at = || {
            while label_colons.get(next_colon).is_some_and(|&c| c < l.start) {
                next_colon += 1;
            }
            label_colons
                .get(next_colon)
                .filter(|&&c| c < l.end())
                .map(|&c| c - l.start)
        };
        if let Some(colon) = tab_at.or_else(colon_at) {
            let label = s[..colon].trim();
            let value = s[colon + 1..].trim();
            if !value.is_empty()
                && !label.is_empty()
                && chars_at_most(label, 60)
                && label.split_whitespace().nth(6).is_none()
                && !label.contains('\t')
                && !label.contains(['(', ')', '['])
                && !is_bullet(label)
                && oracle.is_heading(strip_numbering(label))
            {
                if let Some(sec) = current.take() {
                    doc.sections.push(sec);
                }
                let lead = l.trim_start() - l.start;
                let heading = stripped(src, l.start + lead, l.start + colon);
                let mut body = MappedText::new();
                append_body(&mut body, src, l.start + colon + 1, l.end());
                current = Some(RawSection {
                    heading,
                    body,
                    level: 2,
                });
                prev_blank = false;
                continue;
            }
        }
        // The line right under a heading is its body ("Rekisterin nimi" /
        // "SM-viikon yhteystietorekisteri"), unless it is numbered, in
        // capitals, or a known heading of another element with its own text
        // ("Evästeet" right above "Tarkastusoikeus" and its text: the first
        // heading has none).
        let right_under_heading =
            !prev_blank && current.as_ref().is_some_and(|c| c.body.is_empty());
        // The last line of the file has no text under it: a heading there
        // only if the heading table knows it, it holds no date or number,
        // and the line is complete (ends with a line break). A file that
        // stops mid-line may have been cut ("Tietojen siirto EU:n tai
        // Euroopan talousalueen u" in an excerpt): a cut heading is no
        // empty section.
        let last_line = i + 1 == lines.len();
        let complete = l.end() < src.len();
        // The line's tests, given its bare text and its `heading_kind`
        // (which the pre-pass may know).
        let heading_if = |bare: &str, kind: &dyn Fn() -> bool| {
            let strong_form = || is_all_caps(s) || strip_numbering(s).len() != s.trim_start().len();
            // It must have its own text right under it: a register's name
            // ("SM-viikon yhteystietorekisteri") under "Rekisterin nimi" ends
            // its block.
            let other_heading = || {
                !next_blank_or_end
                    && known.line(i, bare)
                    && current
                        .as_ref()
                        .is_some_and(|c| !oracle.same_element(&c.heading.text, bare))
            };
            // (`kind` first: its own tests reject most short lines without
            // the heading table, which the first test would ask.)
            kind()
                && (prev_blank || is_all_caps(s) || known.text(i, t, bare))
                && (!right_under_heading || strong_form() || other_heading())
                && (!last_line
                    || (complete
                        && known.line(i, bare)
                        && !bare.bytes().any(|c| c.is_ascii_digit())))
        };
        // After a blank line the pre-pass may have read the line's kind
        // already (with the same `standalone`: the next line blank). After
        // a blank line `heading_if` needs the bare text only for the last
        // line (`prev_blank` answers its second test and makes the line no
        // line right under a heading), so a heading there is not stripped
        // of its numbering again (~7,000 headings of 250 notices).
        // Otherwise the shape comes first: most lines are sentences, bullets
        // or long, and are then no heading whatever the heading table says.
        let is_heading = match known.kind(i).filter(|_| prev_blank) {
            Some(kind) => kind && (!last_line || heading_if(bare_line(t), &|| true)),
            None => HeadingShape::of(t).is_some_and(|shape| {
                let bare = shape.bare_line();
                heading_if(bare, &|| {
                    shape.reads_as_heading(|| known.line(i, bare), prev_blank && next_blank_or_end)
                })
            }),
        };
        let is_heading = is_heading
            || (tight
                && prev_blank
                && !next_blank_or_end
                && current.is_some()
                && tight_heading(s, lines[i + 1].text, oracle));
        if is_heading {
            if let Some(sec) = current.take() {
                doc.sections.push(sec);
            }
            let heading = stripped_line(src, l, markup_free);
            current = Some(RawSection {
                heading,
                // Room for a typical body, which grows line by line.
                body: MappedText::spare(BODY_CAPACITY),
                level: 2,
            });
        } else {
            match current.as_mut() {
                Some(sec) => append_line(&mut sec.body, src, l, markup_free),
                None => append_line(&mut doc.preamble, src, l, markup_free),
            }
        }
        prev_blank = false;
    }
    if let Some(sec) = current.take() {
        doc.sections.push(sec);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::super::NoOracle;
    use super::*;

    #[test]
    fn tab_export_rows_and_continuations() {
        let src = "\nOtsikko - tietosuojaseloste\n\nLaatimispäivä\t1.1.2018\nRekisterinpitäjä\tOy Ab\nTarkoitus\t<p>Eka</p>\n\n\tjatkuu tässä.\n<p>Evästeet</p>\t\nTarkastusoikeus\tSaa tarkastaa.\n";
        let doc = parse(src, &NoOracle);
        assert_eq!(
            doc.title.as_ref().unwrap().text,
            "Otsikko - tietosuojaseloste"
        );
        let heads: Vec<_> = doc
            .sections
            .iter()
            .map(|s| s.heading.text.as_str())
            .collect();
        assert_eq!(
            heads,
            [
                "Laatimispäivä",
                "Rekisterinpitäjä",
                "Tarkoitus",
                "Evästeet",
                "Tarkastusoikeus"
            ]
        );
        assert_eq!(doc.sections[2].body.text, "Eka\njatkuu tässä.");
        assert!(doc.sections[3].body.is_empty());
        let h = &doc.sections[3].heading;
        assert_eq!(&src[h.full_source_range().unwrap()], "Evästeet");
    }

    #[test]
    fn plain_text_numbered_and_caps_headings() {
        let src = "Rekisteriseloste\n\n1. Rekisterinpitäjä\n\nYhdistys ry\n\nREKISTERIN NIMI\nJäsenrekisteri\n\nTämä on lause.\n";
        let doc = parse(src, &NoOracle);
        let heads: Vec<_> = doc
            .sections
            .iter()
            .map(|s| s.heading.text.as_str())
            .collect();
        assert_eq!(heads, ["1. Rekisterinpitäjä", "REKISTERIN NIMI"]);
        assert_eq!(doc.sections[1].body.text, "Jäsenrekisteri\nTämä on lause.");
    }

    /// `strip_numbering` as it was before its first-byte exit.
    fn strip_numbering_reference(s: &str) -> &str {
        let t = s.trim_start();
        let digits = t
            .bytes()
            .take_while(|c| c.is_ascii_digit() || *c == b'.')
            .count();
        let bare_digits = t[..digits].bytes().filter(u8::is_ascii_digit).count();
        if digits == 0 || !t.as_bytes()[0].is_ascii_digit() || bare_digits > 3 {
            return t;
        }
        let rest = &t[digits..];
        let rest = rest.strip_prefix(')').unwrap_or(rest);
        if rest.starts_with(char::is_whitespace) {
            rest.trim_start()
        } else {
            t
        }
    }

    /// The fast paths (`chars_upto`, the first-byte exits of `is_bullet`
    /// and `strip_numbering`) against the plain definitions, on random lines
    /// of letters, digits, bullets, spaces and one- to four-byte characters,
    /// and on the fixture and corpus lines.
    #[test]
    fn fast_paths_match_the_definitions() {
        let pieces = [
            "a",
            "Ä",
            "ö",
            "1",
            "2.",
            "10",
            "3)",
            " ",
            "\t",
            "•",
            "- ",
            "* ",
            "–",
            "·",
            "▪",
            ".",
            ",",
            ";",
            ":",
            "€",
            "𝄞",
            "\u{a0}",
            "\u{2003}",
            "\u{b}",
            "\r",
            "x",
            "-",
            "*",
            "Rekisteri ",
        ];
        let mut next = crate::xorshift(0x7a3c_91e5_0b42_d6f8);
        let mut lines = crate::sample_file_lines();
        for _ in 0..20_000 {
            let n = next() % if next().is_multiple_of(4) { 400 } else { 12 };
            let line = crate::random_text(&mut next, &pieces, n as usize);
            lines.push(line);
        }
        for s in &lines {
            for limit in [0, 1, 5, 60, 110, 120] {
                assert_eq!(
                    chars_upto(s, limit),
                    s.chars().count().min(limit + 1),
                    "{s:?}"
                );
            }
            let t = s.trim_start();
            let bullet = t.starts_with('•')
                || t.starts_with("- ")
                || t.starts_with("* ")
                || t.starts_with('–')
                || t.starts_with('·')
                || t.starts_with('▪');
            assert_eq!(is_bullet(s), bullet, "{s:?}");
            assert_eq!(strip_numbering(s), strip_numbering_reference(s), "{s:?}");
            assert_eq!(trim(s), s.trim(), "{s:?}");
            for limit in [0, 1, 7, 14, 60, 80, 90, 110, 120] {
                assert_eq!(chars_at_most(s, limit), s.chars().count() <= limit, "{s:?}");
            }
            for max_words in [0, 1, 6, 7, 14] {
                assert_eq!(
                    few_words_no_comma(s, max_words),
                    !s.contains(',') && s.split_whitespace().nth(max_words).is_none(),
                    "{s:?}"
                );
            }
        }
    }

    /// `lines` (newlines found 64 bytes at a time) and `label_colons`
    /// against the plain definitions, on random texts of short and long
    /// lines, CR LF, colons and tabs, and on the fixture and corpus files.
    #[test]
    fn lines_and_colons_match_the_definitions() {
        let pieces = [
            "a",
            "ä",
            "€",
            " ",
            "\t",
            "\n",
            "\r\n",
            "\n\n",
            ":",
            ": ",
            ":\t",
            ":\n",
            "\r",
            "Rekisteri ",
            "\u{a0}",
            "𝄞",
        ];
        let mut next = crate::xorshift(0x51d2_7b3e_a904_c6f1);
        let mut texts: Vec<String> = crate::sample_file_lines();
        texts.push(crate::sample_file_lines().join("\n"));
        for _ in 0..3_000 {
            let n = next() % if next().is_multiple_of(3) { 600 } else { 70 };
            texts.push(crate::random_text(&mut next, &pieces, n as usize));
        }
        for src in &texts {
            let got: Vec<(usize, &str, &str)> = lines(src)
                .iter()
                .map(|l| {
                    assert_eq!(&src[l.start..l.end()], l.text);
                    assert_eq!(
                        &src[l.trim_start()..l.trim_start() + l.trimmed.len()],
                        l.trimmed
                    );
                    (l.start, l.text, l.trimmed)
                })
                .collect();
            let mut want = Vec::new();
            let mut start = 0;
            for part in src.split_inclusive('\n') {
                let text = part.strip_suffix('\n').unwrap_or(part);
                let text = text.strip_suffix('\r').unwrap_or(text);
                want.push((start, text, text.trim()));
                start += part.len();
            }
            assert_eq!(got, want, "{src:?}");
            assert!(
                Newlines::from(src.as_bytes(), 0).eq(memchr::memchr_iter(b'\n', src.as_bytes())),
                "{src:?}"
            );
            let from = src.len() / 3;
            assert!(
                Newlines::from(src.as_bytes(), from).eq(memchr::memchr_iter(
                    b'\n',
                    &src.as_bytes()[from..]
                )
                .map(|i| from + i)),
                "{src:?}"
            );
            let colons: Vec<usize> = src
                .match_indices(':')
                .map(|(i, _)| i)
                .filter(|&i| src[i + 1..].starts_with([' ', '\t']))
                .collect();
            assert_eq!(label_colons(src.as_bytes()), colons, "{src:?}");
        }
    }

    #[test]
    fn numbering_is_stripped() {
        assert_eq!(strip_numbering("3. Rekisterin nimi"), "Rekisterin nimi");
        assert_eq!(strip_numbering("3 Rekisterin nimi"), "Rekisterin nimi");
        assert_eq!(strip_numbering("10) Oikeudet"), "Oikeudet");
        assert_eq!(strip_numbering("2.1 Evästeet"), "Evästeet");
        assert_eq!(strip_numbering("2018 oli vuosi"), "2018 oli vuosi");
        assert_eq!(strip_numbering("90230 OULU"), "90230 OULU");
        assert_eq!(strip_numbering("523/1999"), "523/1999");
    }
}

//! Text that remembers where every byte came from.
//!
//! Parsers decode entities, drop tags and join table cells; the normalizer folds
//! case and whitespace. Every one of those steps produces a [`MappedText`]: the
//! new text plus a list of segments saying which range of the *previous* text
//! (ultimately the decoded source file) each piece came from. A match found in
//! the final text is mapped back through that list to an exact source span,
//! instead of searching for the text in the source again (which goes wrong on
//! entities and repeated phrases).

use std::ops::Range;

/// One run of output text and the source range it came from.
///
/// A verbatim run was copied from the source and positions inside it map one
/// to one; an atomic run (an entity, a folded whitespace run) maps any
/// position inside it to its whole source range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seg {
    text: u32,
    text_len: u32,
    src: u32,
    src_len: u32,
    atomic: bool,
}

impl Seg {
    fn verbatim(&self) -> bool {
        !self.atomic
    }
}

thread_local! {
    /// See [`MappedText::with_spare_segs`].
    static SPARE_SEGS: std::cell::RefCell<Vec<Seg>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Parsed texts given back with a linted notice ([`MappedText::give_back`])
/// for the parsers of the next notice on the same thread
/// ([`MappedText::spare`]): a notice's ~50 headings and bodies, each a
/// text and a segment list freed with the notice, kept glibc's allocator
/// sorting freed chunks at the next notice's allocations. The buffers are
/// kept by size (a power of two range each) so that a text takes one about
/// its size: with one list, headings and bodies, which alternate, took
/// each other's buffers, and a body grew a heading's by reallocating.
#[derive(Default)]
struct SpareMapped {
    /// `by_size[k]`: buffers whose text capacity is in `2^k..2^(k+1)`
    /// (the last one: anything larger).
    by_size: [Vec<MappedText>; SPARE_SIZES],
    /// The kept buffers' capacities added up: at most [`SPARE_MAPPED_BYTES`].
    bytes: usize,
}

const SPARE_MAPPED_BYTES: usize = 1 << 20;

impl SpareMapped {
    /// Keeps `m`'s buffers, emptied, unless that would pass
    /// [`SPARE_MAPPED_BYTES`].
    ///
    /// Inlined, its fields taken apart: out of line, `m` came by pointer
    /// from the caller's copy, the two lengths were zeroed in 8-byte
    /// stores and the whole read back in 16-byte loads across them, which
    /// waited for the stores to retire (store forwarding fails): ~75 % of
    /// `keep`'s samples, 0.77 % of all, in a profile of 10,000 notices.
    /// (Slots written field by field in place of the push, which still
    /// copies through the stack, took ~12 instructions more a call and
    /// measured no faster.)
    #[inline(always)]
    fn keep(&mut self, m: MappedText) {
        let MappedText { mut text, mut segs } = m;
        if text.capacity() == 0 && segs.capacity() == 0 {
            return;
        }
        let size = text.capacity() + segs.capacity() * std::mem::size_of::<Seg>();
        if self.bytes + size <= SPARE_MAPPED_BYTES {
            self.bytes += size;
            text.clear();
            segs.clear();
            self.by_size[size_range(text.capacity())].push(MappedText { text, segs });
        }
    }
}

/// This thread's given-back texts, borrowed once for many
/// [`GiveBack::give`]s: a notice gives back ~100 texts, and each
/// [`MappedText::give_back`] borrows the pool again.
pub(crate) struct GiveBack<'a>(std::cell::RefMut<'a, SpareMapped>);

impl GiveBack<'_> {
    /// [`MappedText::give_back`].
    #[inline]
    pub(crate) fn give(&mut self, m: MappedText) {
        self.0.keep(m);
    }
}

/// Calls `f` with this thread's pool of given-back texts.
pub(crate) fn giving_back<R>(f: impl FnOnce(&mut GiveBack<'_>) -> R) -> R {
    SPARE_MAPPED.with(|p| f(&mut GiveBack(p.borrow_mut())))
}

const SPARE_SIZES: usize = 20;

/// The size range ([`SpareMapped::by_size`]) of a capacity.
fn size_range(capacity: usize) -> usize {
    (capacity.max(1).ilog2() as usize).min(SPARE_SIZES - 1)
}

thread_local! {
    static SPARE_MAPPED: std::cell::RefCell<SpareMapped> = std::cell::RefCell::default();
}

/// A string with a byte-exact map back to the text it was derived from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappedText {
    pub text: String,
    segs: Vec<Seg>,
}

impl MappedText {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(n: usize) -> Self {
        MappedText {
            text: String::with_capacity(n),
            segs: Vec::with_capacity(n / 16 + 1),
        }
    }

    /// An empty text with room for `n` bytes: a buffer given back by
    /// [`Self::give_back`] on this thread if one of at least `n` and less
    /// than about 8 × `n` bytes is at hand, else a new one (the same as
    /// [`Self::with_capacity`]).
    pub fn spare(n: usize) -> Self {
        let kept = SPARE_MAPPED.with(|p| {
            let mut p = p.borrow_mut();
            let first = size_range(n);
            let k = (first..(first + 3).min(SPARE_SIZES))
                .find(|&k| p.by_size[k].last().is_some_and(|m| m.text.capacity() >= n))?;
            let m = p.by_size[k].pop()?;
            p.bytes -= m.footprint();
            Some(m)
        });
        kept.unwrap_or_else(|| MappedText::with_capacity(n))
    }

    /// Gives the text's buffers to a later [`Self::spare`] on this thread
    /// (see [`crate::schema::Notice::recycle`]); dropped if the thread
    /// already keeps [`SPARE_MAPPED_BYTES`].
    pub fn give_back(self) {
        if self.text.capacity() == 0 && self.segs.capacity() == 0 {
            return;
        }
        SPARE_MAPPED.with(|p| p.borrow_mut().keep(self));
    }

    /// The bytes this text's buffers hold.
    fn footprint(&self) -> usize {
        self.text.capacity() + self.segs.capacity() * std::mem::size_of::<Seg>()
    }

    /// The segment list's capacity.
    #[cfg(test)]
    pub(crate) fn segs_capacity(&self) -> usize {
        self.segs.capacity()
    }

    /// A copy in a [`Self::spare`] buffer (`clone` allocates two new ones).
    pub fn spare_copy(&self) -> MappedText {
        let mut out = MappedText::spare(self.text.len());
        out.text.push_str(&self.text);
        out.segs.extend_from_slice(&self.segs);
        out
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// An empty text whose segment list is this thread's spare
    /// one (see [`Self::recycle`]): the normalizer's maps are nearly all
    /// identities ([`Self::is_identity`]) and then not kept, so one list
    /// serves text after text instead of one allocation each.
    /// It writes into `text` (empty, with room for the text to come).
    pub fn with_spare_segs(text: String) -> Self {
        MappedText {
            text,
            segs: SPARE_SEGS.with(|s| std::mem::take(&mut *s.borrow_mut())),
        }
    }

    /// Gives the segment list back for the next [`Self::with_spare_segs`].
    pub fn recycle(self) {
        let mut segs = self.segs;
        segs.clear();
        SPARE_SEGS.with(|s| *s.borrow_mut() = segs);
    }

    /// Whether this map takes every position to itself, over a source as
    /// long as the text (or longer): no segment, or one verbatim segment
    /// from 0 covering the whole text. [`Self::source_range`] is then
    /// `r.start.min(len)..r.end.min(len)`.
    pub fn is_identity(&self) -> bool {
        match self.segs.as_slice() {
            [] => true,
            [s] => {
                s.verbatim() && s.text == 0 && s.src == 0 && s.text_len as usize == self.text.len()
            }
            _ => false,
        }
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Appends `s`, which is a verbatim copy of `src_start..src_start + s.len()`.
    /// (Inlined: the parsers and the normalizer call it for every run.)
    #[inline]
    pub fn push_verbatim(&mut self, s: &str, src_start: usize) {
        self.push_verbatim_with(src_start, s.len(), |text| text.push_str(s));
    }

    /// [`Self::push_verbatim`] of `len` bytes that `write` appends to the
    /// text: the same length as their source, mapped one to one (the
    /// normalizer writes a run's line feeds as spaces).
    #[inline]
    pub fn push_verbatim_with(
        &mut self,
        src_start: usize,
        len: usize,
        write: impl FnOnce(&mut String),
    ) {
        if len == 0 {
            return;
        }
        let t = self.text.len() as u32;
        write(&mut self.text);
        debug_assert_eq!(self.text.len(), t as usize + len);
        let len = len as u32;
        let src = src_start as u32;
        if let Some(last) = self.segs.last_mut() {
            if last.verbatim() && last.text + last.text_len == t && last.src + last.src_len == src {
                last.text_len += len;
                last.src_len += len;
                return;
            }
        }
        self.segs.push(Seg {
            text: t,
            text_len: len,
            src,
            src_len: len,
            atomic: false,
        });
    }

    /// Appends `s`, which stands for the whole of `src` (an entity, a tag
    /// turned into a space, a folded run of whitespace).
    pub fn push_atomic(&mut self, s: &str, src: Range<usize>) {
        if s.is_empty() {
            return;
        }
        let t = self.text.len() as u32;
        self.text.push_str(s);
        self.segs.push(Seg {
            text: t,
            text_len: s.len() as u32,
            src: src.start as u32,
            src_len: (src.end - src.start) as u32,
            atomic: true,
        });
    }

    /// Appends a separator that has no source of its own (e.g. the newline
    /// between two blocks). It maps to an empty range at `at`.
    pub fn push_synthetic(&mut self, s: &str, at: usize) {
        self.push_atomic(s, at..at);
    }

    /// Appends another mapped text (both must map into the same source).
    pub fn append(&mut self, other: &MappedText) {
        let base = self.text.len() as u32;
        self.text.push_str(&other.text);
        for s in &other.segs {
            self.segs.push(Seg {
                text: s.text + base,
                ..*s
            });
        }
    }

    /// [`Self::append`], taking `other`: into a text with nothing in it
    /// yet, `other` moves in instead of being copied (the same text and
    /// segments). The buffers left over (this text's empty ones, or
    /// `other`'s once copied) are given back for a later [`Self::spare`].
    pub fn append_owned(&mut self, other: MappedText) {
        if self.text.is_empty() && self.segs.is_empty() {
            std::mem::replace(self, other).give_back();
        } else {
            self.append(&other);
            other.give_back();
        }
    }

    fn seg_index(&self, pos: usize) -> Option<usize> {
        if self.segs.is_empty() {
            return None;
        }
        let pos = pos as u32;
        // Last segment starting at or before `pos`.
        let i = self.segs.partition_point(|s| s.text <= pos);
        if i == 0 {
            None
        } else {
            Some(i - 1)
        }
    }

    /// Source position of the start of the text character at `pos`.
    pub fn map_start(&self, pos: usize) -> usize {
        match self.seg_index(pos) {
            None => self.segs.first().map(|s| s.src as usize).unwrap_or(0),
            Some(i) => {
                let s = self.segs[i];
                let rel = pos as u32 - s.text;
                if rel >= s.text_len {
                    // Past the end of this segment (end of text).
                    (s.src + s.src_len) as usize
                } else if s.verbatim() {
                    (s.src + rel) as usize
                } else {
                    s.src as usize
                }
            }
        }
    }

    /// Source position just after the text character that ends at `pos`.
    pub fn map_end(&self, pos: usize) -> usize {
        if pos == 0 {
            return self.map_start(0);
        }
        match self.seg_index(pos - 1) {
            None => 0,
            Some(i) => {
                let s = self.segs[i];
                let rel = pos as u32 - s.text;
                if s.verbatim() {
                    (s.src + rel.min(s.src_len)) as usize
                } else {
                    (s.src + s.src_len) as usize
                }
            }
        }
    }

    /// Maps a byte range of this text to the source range it came from.
    pub fn source_range(&self, r: Range<usize>) -> Range<usize> {
        if r.is_empty() {
            let p = self.map_start(r.start);
            return p..p;
        }
        let start = self.map_start(r.start);
        let end = self.map_end(r.end).max(start);
        start..end
    }

    /// The source range covered by the whole text (empty if there is none).
    ///
    /// `source_range(0..len)`, with its two binary searches answered from
    /// the ends of the segment list (segment starts ascend): the first
    /// segment holds position 0 unless the one after it starts there too,
    /// and the last holds `len - 1` when it starts before `len`. `build`
    /// asks this of every heading and body (some 50,000 calls per 1,000
    /// notices, ~90 instructions each through the searches). Inlined: its
    /// answer returned through memory was read back in a 16-byte load
    /// that waited on the two 8-byte stores (store forwarding fails), the
    /// most sampled place of `build` in a profile (`#[inline]` alone was
    /// not taken).
    #[inline(always)]
    pub fn full_source_range(&self) -> Option<Range<usize>> {
        let len = self.text.len();
        if len == 0 {
            return None;
        }
        let (Some(first), Some(last)) = (self.segs.first(), self.segs.last()) else {
            // No segment: `map_start` and `map_end` both give 0.
            return Some(0..0);
        };
        let start = if first.text > 0 {
            first.src as usize
        } else if self.segs.get(1).is_none_or(|s| s.text > 0) {
            // `map_start(0)` in `first`.
            if first.text_len == 0 {
                (first.src + first.src_len) as usize
            } else {
                first.src as usize
            }
        } else {
            self.map_start(0)
        };
        let end = if (last.text as usize) < len {
            // `map_end(len)` in `last`.
            let rel = len as u32 - last.text;
            if last.verbatim() {
                (last.src + rel.min(last.src_len)) as usize
            } else {
                (last.src + last.src_len) as usize
            }
        } else {
            self.map_end(len)
        };
        Some(start..end.max(start))
    }

    /// Removes leading and trailing whitespace, keeping the map.
    pub fn trimmed(&self) -> MappedText {
        let start = self.text.len() - self.text.trim_start().len();
        let end = self.text.trim_end().len();
        if start == 0 && end == self.text.len() {
            return self.spare_copy();
        }
        if start >= end {
            return MappedText::new();
        }
        self.slice(start..end)
    }

    /// [`Self::trimmed`], taking the text: nothing is copied unless there is
    /// whitespace to drop at the start (the HTML builder trimmed a copy of
    /// every section body and heading it had just built).
    pub fn into_trimmed(mut self) -> MappedText {
        let start = self.text.len() - self.text.trim_start().len();
        let end = self.text.trim_end().len();
        if start >= end {
            self.give_back();
            return MappedText::new();
        }
        if start == 0 {
            self.truncate(end);
            return self;
        }
        let out = self.slice(start..end);
        self.give_back();
        out
    }

    /// Shortens the text to `len` bytes (a char boundary) in place: the same
    /// as `slice(0..len)` without copying.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.text.len() {
            return;
        }
        self.text.truncate(len);
        let end = len as u32;
        self.segs.retain(|s| s.text < end);
        if let Some(s) = self.segs.last_mut() {
            if s.verbatim() && s.text + s.text_len > end {
                s.text_len = end - s.text;
                s.src_len = s.text_len;
            }
        }
    }

    /// A sub-text with its map (range must lie on char boundaries).
    pub fn slice(&self, r: Range<usize>) -> MappedText {
        let mut out = MappedText::spare(r.len());
        if r.is_empty() {
            return out;
        }
        out.text.push_str(&self.text[r.clone()]);
        let first = self.seg_index(r.start).unwrap_or(0);
        for s in &self.segs[first..] {
            if s.text as usize >= r.end {
                break;
            }
            let s_end = (s.text + s.text_len) as usize;
            let a = (s.text as usize).max(r.start);
            let b = s_end.min(r.end);
            if a >= b {
                continue;
            }
            let seg = if s.verbatim() {
                let off = a as u32 - s.text;
                Seg {
                    text: (a - r.start) as u32,
                    text_len: (b - a) as u32,
                    src: s.src + off,
                    src_len: (b - a) as u32,
                    atomic: false,
                }
            } else {
                Seg {
                    text: (a - r.start) as u32,
                    ..*s
                }
            };
            out.segs.push(seg);
        }
        out
    }

    /// Re-expresses a text derived from `self` (whose map points into
    /// `self.text`) so that its map points into `self`'s source instead.
    pub fn compose(&self, derived: &MappedText) -> MappedText {
        let mut out = MappedText {
            text: derived.text.clone(),
            segs: Vec::with_capacity(derived.segs.len()),
        };
        for s in &derived.segs {
            let a = s.src as usize;
            let b = (s.src + s.src_len) as usize;
            if s.verbatim() && s.text_len > 0 {
                // Verbatim over self: split by self's own segments.
                let mut pos = a;
                while pos < b {
                    let idx = self.seg_index(pos).unwrap_or(0);
                    let inner = self.segs.get(idx).copied();
                    let Some(inner) = inner else { break };
                    let inner_end = ((inner.text + inner.text_len) as usize).min(b).max(pos + 1);
                    let take = inner_end - pos;
                    let t = s.text as usize + (pos - a);
                    if inner.verbatim() {
                        let off = pos as u32 - inner.text;
                        out.segs.push(Seg {
                            text: t as u32,
                            text_len: take as u32,
                            src: inner.src + off,
                            src_len: take as u32,
                            atomic: false,
                        });
                    } else {
                        let src = self.source_range(pos..inner_end);
                        out.segs.push(Seg {
                            text: t as u32,
                            text_len: take as u32,
                            src: src.start as u32,
                            src_len: (src.end - src.start) as u32,
                            atomic: true,
                        });
                    }
                    pos = inner_end;
                }
            } else {
                let src = if a == b {
                    let p = self.map_start(a);
                    p..p
                } else {
                    self.source_range(a..b)
                };
                out.segs.push(Seg {
                    text: s.text,
                    text_len: s.text_len,
                    src: src.start as u32,
                    src_len: (src.end - src.start) as u32,
                    atomic: true,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbatim_and_atomic_runs_map_back() {
        // Source: "K&auml;sittely <b>x</b>"
        let src = "K&auml;sittely <b>x</b>";
        let mut m = MappedText::new();
        m.push_verbatim("K", 0);
        m.push_atomic("ä", 1..7);
        m.push_verbatim("sittely ", 7);
        m.push_verbatim("x", 18);
        assert_eq!(m.text, "Käsittely x");
        let r = m.source_range(0..m.text.len());
        assert_eq!(&src[r], "K&auml;sittely <b>x");
        let ae = m.text.find('ä').unwrap();
        assert_eq!(&src[m.source_range(ae..ae + 2)], "&auml;");
        let x = m.text.find('x').unwrap();
        assert_eq!(&src[m.source_range(x..x + 1)], "x");
    }

    #[test]
    fn slice_and_trim_keep_the_map() {
        let mut m = MappedText::new();
        m.push_synthetic(" ", 0);
        m.push_verbatim("abc def", 10);
        m.push_synthetic("\n", 17);
        let t = m.trimmed();
        assert_eq!(t.text, "abc def");
        assert_eq!(t.source_range(4..7), 14..17);
    }

    #[test]
    fn into_trimmed_is_trimmed() {
        let pieces: [(&str, bool); 6] = [
            (" ", true),
            ("abc", false),
            ("\u{a0}", true),
            ("d e ", false),
            ("\n", true),
            ("\t x\u{2003}", false),
        ];
        // Every sequence of up to four pieces, each verbatim or atomic.
        let mut seqs: Vec<Vec<usize>> = vec![vec![]];
        for _ in 0..4 {
            let longer: Vec<Vec<usize>> = seqs
                .iter()
                .flat_map(|s| {
                    (0..pieces.len() * 2).map(move |p| {
                        let mut s = s.clone();
                        s.push(p);
                        s
                    })
                })
                .collect();
            // (Repeats among them are harmless.)
            seqs.extend(longer);
        }
        for seq in seqs {
            let mut m = MappedText::new();
            let mut at = 0;
            for &p in &seq {
                let (s, _) = pieces[p / 2];
                if p % 2 == 0 {
                    m.push_verbatim(s, at);
                } else {
                    m.push_atomic(s, at..at + 3);
                }
                at += s.len() + 2;
            }
            assert_eq!(m.clone().into_trimmed(), m.trimmed(), "{seq:?}");
        }
    }

    #[test]
    fn full_source_range_is_source_range_of_everything() {
        let mut next = crate::xorshift(0xf011_5eed);
        let pieces = ["a", "ä", " ", "bc", "\n", "&auml;", "xyz "];
        for _ in 0..20_000 {
            let mut m = MappedText::new();
            let mut at = (next() % 5) as usize;
            for _ in 0..next() % 8 {
                let s = pieces[(next() % pieces.len() as u64) as usize];
                match next() % 5 {
                    0 | 1 => m.push_verbatim(s, at),
                    2 => m.push_atomic(s, at..at + (next() % 7) as usize),
                    3 => m.push_synthetic(s, at),
                    _ => m.text.push_str(s),
                }
                at += (next() % 9) as usize;
            }
            let mut forms = vec![m.clone(), m.trimmed()];
            if m.text.len() > 1 && m.text.is_char_boundary(1) {
                forms.push(m.slice(1..m.text.len()));
                let mut t = m.clone();
                t.truncate(1);
                forms.push(t);
            }
            for m in forms {
                let want = (!m.text.is_empty()).then(|| m.source_range(0..m.text.len()));
                assert_eq!(m.full_source_range(), want, "{m:?}");
            }
        }
    }

    /// The pool gives back the buffers that a plain model of it (a list
    /// of capacities per size range, pushed and popped) gives, and keeps
    /// its byte count.
    #[test]
    fn spare_is_a_stack_per_size_range() {
        // This thread's pool, emptied first (other tests ran on it).
        SPARE_MAPPED.with(|p| {
            let mut p = p.borrow_mut();
            for k in &mut p.by_size {
                k.clear();
            }
            p.bytes = 0;
        });
        let mut next = crate::xorshift(0x5107_5eed);
        // The plain pool: (text capacity, segment capacity) per size range.
        let mut plain: Vec<Vec<(usize, usize)>> = vec![Vec::new(); SPARE_SIZES];
        let mut plain_bytes = 0;
        let seg = std::mem::size_of::<Seg>();
        let mut held: Vec<MappedText> = Vec::new();
        for _ in 0..20_000 {
            let n = match next() % 4 {
                0 => (next() % 70) as usize,
                1 => (next() % 2_000) as usize,
                2 => 1 << (next() % 21),
                _ => 0,
            };
            if next().is_multiple_of(2) {
                let m = MappedText::spare(n);
                assert!(m.text.capacity() >= n && m.is_empty() && m.segs.is_empty());
                let first = size_range(n);
                let want = (first..(first + 3).min(SPARE_SIZES))
                    .find(|&k| plain[k].last().is_some_and(|&(t, _)| t >= n))
                    .and_then(|k| plain[k].pop());
                match want {
                    Some((t, s)) => {
                        assert_eq!((m.text.capacity(), m.segs.capacity()), (t, s));
                        plain_bytes -= t + s * seg;
                    }
                    None => assert_eq!(m.text.capacity(), n),
                }
                held.push(m);
            } else if !held.is_empty() {
                let mut m = held.swap_remove((next() as usize) % held.len());
                m.push_verbatim(&"ä".repeat(n / 2), 0);
                m.push_atomic(" ", 3..9);
                let (t, s) = (m.text.capacity(), m.segs.capacity());
                if (t > 0 || s > 0) && plain_bytes + t + s * seg <= SPARE_MAPPED_BYTES {
                    plain_bytes += t + s * seg;
                    plain[size_range(t)].push((t, s));
                }
                m.give_back();
            }
            SPARE_MAPPED.with(|p| {
                let p = p.borrow();
                assert_eq!(p.bytes, plain_bytes);
                for (k, kept) in p.by_size.iter().enumerate() {
                    let caps: Vec<_> = kept
                        .iter()
                        .map(|m| (m.text.capacity(), m.segs.capacity()))
                        .collect();
                    assert_eq!(caps, plain[k]);
                    assert!(kept.iter().all(|m| m.is_empty() && m.segs.is_empty()));
                }
            });
        }
    }

    #[test]
    fn compose_maps_through_two_layers() {
        let mut raw = MappedText::new();
        raw.push_verbatim("Ab", 100);
        raw.push_atomic("ä", 200..206);
        raw.push_verbatim("cd", 206);
        // derived = lowercase of raw with identical lengths
        let mut d = MappedText::new();
        d.push_verbatim("ab", 0);
        d.push_verbatim("ä", 2);
        d.push_verbatim("cd", 4);
        let c = raw.compose(&d);
        assert_eq!(c.source_range(0..1), 100..101);
        assert_eq!(c.source_range(2..4), 200..206);
        assert_eq!(c.source_range(4..6), 206..208);
        assert_eq!(c.source_range(0..6), 100..208);
    }
}

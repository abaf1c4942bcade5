//! Normalization for matching: Unicode NFC, soft hyphens and zero-width
//! characters removed, words split by a line-break hyphen joined, whitespace
//! folded to single spaces, case folded. The result keeps a map back to the
//! parsed text, which itself maps to the source, so a match in normalized
//! text lands on the exact source span.

use std::ops::Range;

use unicode_normalization::char::{compose, is_combining_mark};

use crate::textmap::MappedText;

/// Text prepared for matching, with its way back to the source.
#[derive(Debug, Clone, Default)]
pub struct NormText {
    /// Lowercase, NFC, single spaces.
    pub text: String,
    /// Maps `text` positions into `raw.text` positions.
    to_raw: ToRaw,
    /// The parsed text (entities decoded, tags dropped) with its source map.
    pub raw: MappedText,
    /// What [`normalize`] learnt in passing when the parsed text was one
    /// run that normalizes byte for byte (nearly every text), taken by the
    /// AVX2 block scan alone.
    whole_run: Option<WholeRun>,
}

/// What [`normalize`] gave besides the text, when its map is the identity
/// ([`NormText::identity_parts`]): with the same parsed text it gives the
/// same again.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct IdentityParts(Option<WholeRun>);

/// See [`NormText::whole_run`]: a text that [`copy_lowered_whole_run_avx2`]
/// took whole.
#[derive(Debug, Clone, Copy)]
struct WholeRun {
    /// Whether the parsed text has a line feed (between two words: the
    /// block scan takes no other whitespace but single spaces).
    has_newline: bool,
    /// Whether the text has an ASCII digit, if seen.
    digits: Option<bool>,
}

/// How normalized positions map to the parsed text.
#[derive(Debug, Clone, Default)]
enum ToRaw {
    /// Each position to itself (the map's [`MappedText::is_identity`]):
    /// nearly every heading and body, since lowercasing keeps most byte
    /// lengths and the parsers already fold whitespace. Nothing allocated.
    #[default]
    Identity,
    /// The segments (the map's text is left empty: it is `NormText::text`).
    /// Boxed: a notice's sections are built, moved and pushed with their
    /// two texts, and the map in place made each text 128 bytes instead
    /// of 88 (few texts have one).
    Map(Box<MappedText>),
}

// (See `ToRaw::Map`.)
const _: () = assert!(std::mem::size_of::<NormText>() <= 88);

impl NormText {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Source range of a byte range of the normalized text.
    pub fn source_range(&self, r: Range<usize>) -> Range<usize> {
        let raw = self.to_raw_range(r);
        self.raw.source_range(raw)
    }

    /// The parsed (not case-folded) text for a normalized range: for quoting.
    pub fn raw_slice(&self, r: Range<usize>) -> &str {
        let raw = self.to_raw_range(r);
        &self.raw.text[raw]
    }

    fn to_raw_range(&self, r: Range<usize>) -> Range<usize> {
        match &self.to_raw {
            ToRaw::Identity => {
                let len = self.text.len();
                r.start.min(len)..r.end.min(len)
            }
            ToRaw::Map(m) => m.source_range(r),
        }
    }

    pub fn full_source_range(&self) -> Option<Range<usize>> {
        self.raw.full_source_range()
    }

    /// Whether `text` has an ASCII digit, by `scan` (a test of bytes) unless
    /// [`normalize`] has found the answer while copying the text.
    pub(crate) fn has_ascii_digit(&self, scan: impl FnOnce(&[u8]) -> bool) -> bool {
        self.whole_run
            .and_then(|w| w.digits)
            .unwrap_or_else(|| scan(self.text.as_bytes()))
    }

    /// Whether [`normalize`] saw, while copying the text, that it has no
    /// ASCII digit (false when it did not look: then ask
    /// [`Self::has_ascii_digit`]).
    #[inline]
    pub(crate) fn has_no_digit_seen(&self) -> bool {
        matches!(
            self.whole_run,
            Some(WholeRun {
                digits: Some(false),
                ..
            })
        )
    }

    /// What besides the text [`normalize`] gave, if the map is the
    /// identity: [`normalize`] is a function of the parsed text alone, so
    /// [`Self::from_identity_parts`] makes its answer again for another
    /// parsed text with the same text.
    pub(crate) fn identity_parts(&self) -> Option<IdentityParts> {
        matches!(self.to_raw, ToRaw::Identity).then_some(IdentityParts(self.whole_run))
    }

    /// `normalize(raw)` written over `self` (as [`normalize_into`] writes
    /// it), given the `text` and `parts` that it gave for a parsed text the
    /// same as `raw.text`.
    pub(crate) fn set_from_identity_parts(
        &mut self,
        raw: MappedText,
        text: &str,
        parts: IdentityParts,
    ) {
        make_room(&mut self.text, text.len() + 64);
        self.text.push_str(text);
        self.set_but_text(ToRaw::Identity, raw, parts.0);
    }

    /// Sets every field but the text, written in place (see
    /// [`normalize_into`]).
    #[inline(always)]
    fn set_but_text(&mut self, to_raw: ToRaw, raw: MappedText, whole_run: Option<WholeRun>) {
        self.to_raw = to_raw;
        self.raw = raw;
        self.whole_run = whole_run;
    }

    /// Whether the text holds no parsed text's buffers and no map (after
    /// [`Recycler::give_maps`]).
    #[cfg(test)]
    pub(crate) fn owns_no_map(&self) -> bool {
        self.raw.text.capacity() == 0
            && self.raw.segs_capacity() == 0
            && matches!(self.to_raw, ToRaw::Identity)
    }

    /// Whether the parsed text was one run (see [`WholeRun`]).
    #[cfg(test)]
    pub(crate) fn is_whole_run(&self) -> bool {
        self.whole_run.is_some()
    }

    /// `collapse(&self.raw.text, out)`, where `collapse` folds each stretch
    /// of whitespace to one space and drops it at both ends, unless the
    /// parsed text was one run ([`WholeRun`]): then its only whitespace is
    /// single spaces and line feeds between words, and a copy with each
    /// line feed as a space is the same (without a second scan).
    pub(crate) fn collapsed_raw_into(
        &self,
        out: &mut String,
        collapse: impl FnOnce(&str, &mut String),
    ) {
        match self.whole_run {
            Some(w) => {
                out.clear();
                push_run(out, &self.raw.text, w.has_newline);
            }
            None => collapse(&self.raw.text, out),
        }
    }
}

/// Normalized texts' buffers given back by [`NormText::recycle`], for the
/// next notice on the same thread: `check` lints notice after notice, and
/// a new buffer for each of their ~50 texts, freed with the notice, kept
/// glibc's allocator sorting freed chunks.
#[derive(Default)]
struct SpareTexts {
    texts: Vec<String>,
    /// Their capacities added up: at most [`SPARE_TEXT_BYTES`].
    bytes: usize,
}

const SPARE_TEXT_BYTES: usize = 1 << 20;

thread_local! {
    static SPARE_TEXTS: std::cell::RefCell<SpareTexts> = std::cell::RefCell::default();
}

/// An empty buffer for a normalized text of about `n` bytes: the last one
/// given back if it is large enough.
fn spare_text(n: usize) -> String {
    let kept = SPARE_TEXTS.with(|t| {
        let mut t = t.borrow_mut();
        let s = t.texts.pop()?;
        t.bytes -= s.capacity();
        Some(s)
    });
    match kept {
        Some(mut s) if s.capacity() >= n => {
            s.clear();
            s
        }
        _ => String::with_capacity(n),
    }
}

/// Empties `buf`, in place when it has room for `n` bytes, else by
/// replacing it with a spare buffer ([`spare_text`]; `buf`, too small, is
/// dropped as `spare_text` drops a kept one too small). Not moved in and
/// out by value: a `String` taken out of its place, passed and returned
/// was written in 8-byte stores and read back in a 16-byte load, which
/// waits for those stores to retire (store forwarding fails), and that
/// load was ~60 % of `normalize`'s own samples in a profile.
#[inline(always)]
fn make_room(buf: &mut String, n: usize) {
    if buf.capacity() >= n {
        buf.clear();
    } else {
        *buf = spare_text(n);
    }
}

impl NormText {
    /// Gives the normalized text's buffer to the next [`normalize`] on
    /// this thread, and the parsed text's to the next parser's
    /// [`MappedText::spare`] (see [`crate::schema::Notice::recycle`]).
    pub fn recycle(self) {
        recycling(|r| r.give(self));
    }
}

/// This thread's pools of normalized and parsed texts, borrowed once for
/// many [`Recycler::give`]s (a notice gives back ~50 texts, and each
/// [`NormText::recycle`] borrows both pools again).
pub(crate) struct Recycler<'a, 'b> {
    spare: &'b mut SpareTexts,
    pool: &'b mut crate::textmap::GiveBack<'a>,
}

impl Recycler<'_, '_> {
    /// [`NormText::recycle`].
    #[inline]
    pub(crate) fn give(&mut self, mut t: NormText) {
        self.take_buffers(&mut t);
    }

    /// [`Self::give`] of a text left in place, emptied: a notice's
    /// sections give theirs back where they lie instead of each being
    /// moved out of the list first.
    #[inline]
    pub(crate) fn take_buffers(&mut self, t: &mut NormText) {
        let text = self.take_maps(t);
        self.give_text(text);
    }

    /// [`Self::take_buffers`] but for the normalized text's buffer, which
    /// is returned (for [`normalize_in`]) instead of pooled.
    #[inline]
    pub(crate) fn take_maps(&mut self, t: &mut NormText) -> String {
        self.give_maps(t);
        std::mem::take(&mut t.text)
    }

    /// Gives back the parsed text and the map, leaving the normalized
    /// text's buffer in `t` (for [`normalize_into`] over it).
    #[inline]
    pub(crate) fn give_maps(&mut self, t: &mut NormText) {
        self.pool.give(std::mem::take(&mut t.raw));
        if let ToRaw::Map(m) = std::mem::replace(&mut t.to_raw, ToRaw::Identity) {
            self.pool.give(*m);
        }
    }

    /// Keeps a normalized text's buffer for [`spare_text`].
    #[inline]
    pub(crate) fn give_text(&mut self, text: String) {
        if text.capacity() > 0 && self.spare.bytes + text.capacity() <= SPARE_TEXT_BYTES {
            self.spare.bytes += text.capacity();
            self.spare.texts.push(text);
        }
    }
}

/// Calls `f` with this thread's [`Recycler`].
pub(crate) fn recycling<R>(f: impl FnOnce(&mut Recycler<'_, '_>) -> R) -> R {
    SPARE_TEXTS.with(|spare| {
        let mut spare = spare.borrow_mut();
        crate::textmap::giving_back(|pool| {
            f(&mut Recycler {
                spare: &mut spare,
                pool,
            })
        })
    })
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{180e}'
    )
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'ä' | 'ö' | 'å')
}

/// Normalizes parsed text for matching.
pub fn normalize(raw: MappedText) -> NormText {
    normalize_in(raw, String::new())
}

/// [`normalize`], written into `buf` when it has room, else into a spare
/// one.
pub(crate) fn normalize_in(raw: MappedText, buf: String) -> NormText {
    let mut out = NormText {
        text: buf,
        ..NormText::default()
    };
    normalize_into(raw, &mut out);
    out
}

/// [`normalize`] written over `out`, into its text's buffer when that has
/// room (a section's buffer from the notice before, see
/// [`crate::schema::build`]), else into a spare one. In place: a text
/// returned by value was written field by field and then moved into its
/// section in wide copies, whose loads waited on those stores (store
/// forwarding fails across them), twice a section. `out`'s other buffers
/// are dropped (a section's were given back by `Notice::recycle`).
pub(crate) fn normalize_into(raw: MappedText, out: &mut NormText) {
    let src = raw.text.as_str();
    // (64 bytes more for `lowered_whole_run`'s block writes.)
    make_room(&mut out.text, src.len() + 64);
    // Fast path: most text is letters and single spaces that come out the
    // same length (ASCII lowercased, already-lowercase letters such as ä
    // and ö as they are). Such a run is copied in one piece.
    #[cfg(target_arch = "x86_64")]
    let (first_run, has_newline) = if has_avx2() {
        // The whole text as one run (nearly every heading and body),
        // scanned, copied and lowercased in one pass.
        if let Some(whole_run) = lowered_whole_run(src, &mut out.text) {
            out.set_but_text(ToRaw::Identity, raw, Some(whole_run));
            return;
        }
        one_to_one_run(src, 0, true)
    } else {
        whole_run(src)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let (first_run, has_newline) = whole_run(src);
    if first_run == src.len() {
        // The whole text (nearly every heading and body): its map is the
        // identity, so no segment list is taken from the thread's spare
        // one, filled and given back (about a third of a short text's cost).
        push_run(&mut out.text, src, has_newline);
        out.text.make_ascii_lowercase();
        // Not a `WholeRun`: the byte loop also takes a vertical tab inside
        // a word, which `collapse_ws` would fold.
        out.set_but_text(ToRaw::Identity, raw, None);
        return;
    }
    let mut map = MappedText::with_spare_segs(std::mem::take(&mut out.text));
    // Whether the last thing written was a space (or nothing yet).
    let mut at_space = true;
    // `map.text[..lowered]` is lowercase; the runs copied after it are
    // lowercased together at the end (or before a hyphen looks back at
    // them), not one run at a time: one pass instead of a short loop and
    // its mispredicted exit per run.
    let mut lowered = 0;
    let mut i = 0;
    // The first run, found above.
    let mut first = Some((first_run, has_newline));
    while i < src.len() {
        let (run_end, has_newline) = first
            .take()
            .unwrap_or_else(|| one_to_one_run(src, i, at_space));
        if run_end > i {
            let run = &src[i..run_end];
            map.push_verbatim_with(i, run.len(), |text| push_run(text, run, has_newline));
            at_space = matches!(src.as_bytes()[run_end - 1], b' ' | b'\n');
            i = run_end;
            continue;
        }
        let Some(c) = src[i..].chars().next() else {
            break;
        };
        let mut next = i + c.len_utf8();
        if c.is_whitespace() {
            let mut end = next;
            for d in src[next..].chars() {
                if d.is_whitespace() || is_invisible(d) {
                    end += d.len_utf8();
                } else {
                    break;
                }
            }
            if !at_space {
                if end == i + 1 {
                    // One byte for one byte: maps like a copied character.
                    map.push_verbatim(" ", i);
                } else {
                    map.push_atomic(" ", i..end);
                }
                at_space = true;
            }
            i = end;
            continue;
        }
        if is_invisible(c) {
            i = next;
            continue;
        }
        if c == '-' {
            // The hyphen test reads the last character written.
            map.text[lowered..].make_ascii_lowercase();
            lowered = map.text.len();
            let hyphen = line_break_hyphen(src, i, &map.text);
            if hyphen != Hyphen::Plain {
                if hyphen == Hyphen::Compound {
                    map.push_verbatim("-", i);
                }
                // Skip the line break after the hyphen.
                i = next + src[next..].len() - src[next..].trim_start().len();
                continue;
            }
        }
        // Base character plus any combining marks: compose to NFC.
        let mut composed = c;
        let mut decomposed_rest = String::new();
        for d in src[next..].chars() {
            if (d as u32) < 0x300 || !is_combining_mark(d) {
                break;
            }
            match compose(composed, d) {
                Some(x) if decomposed_rest.is_empty() => composed = x,
                _ => decomposed_rest.push(d),
            }
            next += d.len_utf8();
        }
        let end = next;
        at_space = false;
        let single_lower = lower_one(composed);
        if end == i + c.len_utf8() {
            match single_lower {
                Some(l) if l.len_utf8() == c.len_utf8() => {
                    let mut buf = [0u8; 4];
                    map.push_verbatim(l.encode_utf8(&mut buf), i);
                    // push_verbatim maps by position, which is what we want
                    // as long as the byte length is unchanged.
                }
                _ => {
                    let s: String = composed.to_lowercase().collect();
                    map.push_atomic(&s, i..end);
                }
            }
        } else {
            let mut s: String = composed.to_lowercase().collect();
            s.push_str(&decomposed_rest);
            map.push_atomic(&s, i..end);
        }
        i = end;
    }
    // Everything else written is lowercase already (lowercased characters,
    // spaces, hyphens), so ASCII lowercasing leaves it as it is.
    map.text[lowered..].make_ascii_lowercase();
    // Drop a trailing folded space.
    if map.text.ends_with(' ') {
        map.truncate(map.text.len() - 1);
    }
    // The map needs only its segments: the text moves map instead of being
    // copied.
    let identity = map.is_identity();
    let text = std::mem::take(&mut map.text);
    let to_raw = if identity {
        map.recycle();
        ToRaw::Identity
    } else {
        ToRaw::Map(Box::new(map))
    };
    out.text = text;
    out.set_but_text(to_raw, raw, None);
}

/// `one_to_one_run(src, 0, true)`, asking the block scan alone first: it
/// takes the whole of nearly every text, and then the byte loop around it
/// has nothing to do (its set-up and bookkeeping were some 70 instructions
/// a text).
fn whole_run(src: &str) -> (usize, bool) {
    #[cfg(target_arch = "x86_64")]
    {
        let b = src.as_bytes();
        let (end, newline) = if has_avx2() {
            // SAFETY: as in `one_to_one_run`.
            unsafe { run64_avx2(b, 0, true) }
        } else {
            // SAFETY: as in `one_to_one_run`.
            unsafe { run64(b, 0, true) }
        };
        if end == b.len() {
            return (end, newline);
        }
    }
    one_to_one_run(src, 0, true)
}

/// `src` as [`normalize`]'s fast path writes it when [`whole_run`] takes
/// all of it (copied, each line feed as a space, lowercased), in `text`
/// (emptied first, written in place), and whether it has a line feed and
/// an ASCII digit; else `text` emptied and `None`. For a CPU with AVX2.
#[cfg(target_arch = "x86_64")]
fn lowered_whole_run(src: &str, text: &mut String) -> Option<WholeRun> {
    // SAFETY: the bytes are left valid UTF-8 on both ways out: empty, or
    // `src`, valid UTF-8, with ASCII bytes replaced by ASCII bytes
    // (capitals by small letters, line feeds by spaces). `String::from_utf8`
    // would validate each text again, costing more than the fused copy
    // saves.
    let bytes = unsafe { text.as_mut_vec() };
    bytes.clear();
    // SAFETY: the CPU has AVX2 (the caller checked); the function reads
    // only `src` and writes only `bytes`.
    let whole_run = unsafe { copy_lowered_whole_run_avx2(src.as_bytes(), bytes) };
    if whole_run.is_none() {
        bytes.clear();
    }
    debug_assert!(std::str::from_utf8(bytes).is_ok());
    whole_run
}

/// Whether [`run64_avx2`] from the start of `b` takes all of it; if so,
/// `out` (empty at first) is `b` with capitals lowercased and line feeds
/// as spaces, and the answer says whether `b` has a line feed and whether
/// it has an ASCII digit (which the notice's date search asks of every
/// text), both from the bytes the blocks copy (together every byte of
/// `b`). Each block's classes give its run and its copy at once: the
/// separate scan, copy and `make_ascii_lowercase` read each text three
/// times, and the library's lowercasing went byte by byte through a short
/// text (most are headings and short bodies). Each block is written whole
/// into room made once for the text and 64 bytes past it, and the length
/// set once at the end: `extend_from_slice` and `truncate` per block
/// checked the room each time, and the call that could grow it made the
/// loop keep its vectors on the stack (~15 instructions a block).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn copy_lowered_whole_run_avx2(b: &[u8], out: &mut Vec<u8>) -> Option<WholeRun> {
    use std::arch::x86_64::{_mm256_setzero_si256, _mm256_testz_si256};
    out.clear();
    // (No-op for `normalize`, whose buffer has this room already.)
    out.reserve(b.len() + 64);
    let dst = out.as_mut_ptr();
    let mut j = 0;
    let mut prev_space = true;
    let (mut digits, mut newlines) = (_mm256_setzero_si256(), _mm256_setzero_si256());
    while let Some(block) = b.get(j..j + 64) {
        let block: &[u8; 64] = block.try_into().expect("64 bytes");
        let (mut good, _) = prefix64_avx2(block, prev_space);
        if good < 64 && (b[j + good] == 0xe2 || b.get(j + good + 1) == Some(&0xe2)) {
            // At a dash or quote (or the space before one), which only
            // the wider rule takes.
            good = prefix64_wide_avx2(block, 0, prev_space);
        }
        if good == 0 {
            return None;
        }
        // SAFETY: `j + 64 <= b.len()`, and `out` has room for
        // `b.len() + 64` bytes.
        unsafe { store_lowered64_avx2(block, dst.add(j), &mut digits, &mut newlines) };
        j += good;
        // As in `run_of_blocks`: a taken space has a word byte after it.
        prev_space = false;
    }
    if j < b.len() && b.len() >= 64 {
        // The text's last 64 bytes, their classes shifted so that bit 0 is
        // byte `j`: the bits past its end are zero, as for zero bytes (no
        // zeroed copy and `memcpy` call). Their copy is written over the
        // same bytes' copy already in `out` (lowering is byte by byte).
        let at = b.len() - 64;
        let last: &[u8; 64] = b[at..].try_into().expect("64 bytes");
        let (mut good, _) = prefix64_shifted_avx2(last, j - at, prev_space);
        if j + good < b.len() {
            good = prefix64_wide_avx2(last, j - at, prev_space);
            if j + good < b.len() {
                return None;
            }
        }
        // SAFETY: `at + 64 == b.len()`, within the room made above.
        unsafe { store_lowered64_avx2(last, dst.add(at), &mut digits, &mut newlines) };
    } else if j < b.len() {
        // Zero bytes after the text, as in `run_of_blocks`.
        let mut last = [0u8; 64];
        last[..b.len() - j].copy_from_slice(&b[j..]);
        let (mut good, _) = prefix64_avx2(&last, prev_space);
        if j + good < b.len() {
            good = prefix64_wide_avx2(&last, 0, prev_space);
            if j + good < b.len() {
                return None;
            }
        }
        // SAFETY: `j < b.len()`, so `j + 64` is within the room made above.
        unsafe { store_lowered64_avx2(&last, dst.add(j), &mut digits, &mut newlines) };
    }
    // SAFETY: the capacity is at least `b.len()` (reserved above), and
    // every byte below `b.len()` was written: each block from `j` on, `j`
    // going up by at most 64, and the last piece from a place at or below
    // the last `j` to `b.len()` or past it.
    unsafe { out.set_len(b.len()) };
    Some(WholeRun {
        has_newline: _mm256_testz_si256(newlines, newlines) == 0,
        digits: Some(_mm256_testz_si256(digits, digits) == 0),
    })
}

/// Writes the 64 bytes at `dst` with capitals A..Z lowercased and line
/// feeds as spaces; adds their ASCII digits and line feeds to `digits` and
/// `newlines` (a byte not zero for each).
///
/// # Safety
///
/// The CPU has AVX2, and `dst` is valid for writes of 64 bytes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn store_lowered64_avx2(
    block: &[u8; 64],
    dst: *mut u8,
    digits: &mut std::arch::x86_64::__m256i,
    newlines: &mut std::arch::x86_64::__m256i,
) {
    use std::arch::x86_64::{
        __m256i, _mm256_add_epi8, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8,
        _mm256_or_si256, _mm256_set1_epi8, _mm256_storeu_si256,
    };
    for (k, chunk) in block.chunks_exact(32).enumerate() {
        let v = load32(chunk.try_into().expect("32 bytes"));
        // A..Z as one signed comparison: x - b'A' + 0x80 is below -128 + 26.
        let capital = _mm256_cmpgt_epi8(
            _mm256_set1_epi8(-128 + 26),
            _mm256_add_epi8(v, _mm256_set1_epi8(0x80_u8.wrapping_sub(b'A') as i8)),
        );
        let newline = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\n' as i8));
        // 0..9 likewise.
        let digit = _mm256_cmpgt_epi8(
            _mm256_set1_epi8(-128 + 10),
            _mm256_add_epi8(v, _mm256_set1_epi8(0x80_u8.wrapping_sub(b'0') as i8)),
        );
        *digits = _mm256_or_si256(*digits, digit);
        *newlines = _mm256_or_si256(*newlines, newline);
        let add = _mm256_or_si256(
            _mm256_and_si256(capital, _mm256_set1_epi8(0x20)),
            _mm256_and_si256(newline, _mm256_set1_epi8((b' ' - b'\n') as i8)),
        );
        // SAFETY: `dst + 32 * k .. + 32` is within the 64 bytes the caller
        // vouches for; `storeu` needs no alignment.
        unsafe { _mm256_storeu_si256(dst.add(32 * k).cast::<__m256i>(), _mm256_add_epi8(v, add)) };
    }
}

/// 32 bytes in one load: the words in memory order (given highest first,
/// by `_mm256_set_epi64x`, LLVM made four loads and three shuffles).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn load32(chunk: &[u8; 32]) -> std::arch::x86_64::__m256i {
    let word = |k: usize| i64::from_le_bytes(chunk[8 * k..8 * k + 8].try_into().expect("8 bytes"));
    std::arch::x86_64::_mm256_setr_epi64x(word(0), word(1), word(2), word(3))
}

/// Appends a run that [`one_to_one_run`] took, each line feed in it (one
/// between two words) written as a space where it stands, as the
/// whitespace branch of [`normalize`] writes it.
fn push_run(text: &mut String, run: &str, has_newline: bool) {
    if !has_newline {
        text.push_str(run);
        return;
    }
    let mut from = 0;
    for k in memchr::memchr_iter(b'\n', run.as_bytes()) {
        text.push_str(&run[from..k]);
        text.push(' ');
        from = k + 1;
    }
    text.push_str(&run[from..]);
}

/// End of the run from `i` that normalizes one byte for one byte: ASCII other
/// than hyphens and whitespace, characters that lowercasing leaves alone,
/// and single spaces between words. A character followed by a combining
/// mark is left out (it is composed instead). Returns `i` when there is no
/// such run. On x86-64 the run also takes hyphens that no line break
/// follows and single line feeds between words (each to be written as a
/// space: the second value says whether the run has one).
fn one_to_one_run(src: &str, i: usize, at_space: bool) -> (usize, bool) {
    let b = src.as_bytes();
    let mut j = i;
    // Start of the last character taken, and whether it was a space.
    let mut last = i;
    let mut prev_space = at_space;
    // Whether the last character taken was ASCII other than a space.
    let mut in_ascii_word = false;
    let mut has_newline = false;
    while j < b.len() {
        #[cfg(target_arch = "x86_64")]
        {
            let (end, newline) = if has_avx2() {
                // SAFETY: the CPU has AVX2 (checked at run time just
                // above); the function reads only `b`. AVX2 compares 32
                // bytes at a time: half the instructions of SSE2 for the
                // scan that is most of normalization's cost.
                unsafe { run64_avx2(b, j, prev_space) }
            } else {
                // SAFETY: SSE2 is part of x86-64 itself (every x86_64
                // target enables it); the function reads only `b`.
                unsafe { run64(b, j, prev_space) }
            };
            if end > j {
                j = end;
                has_newline |= newline;
                // The last byte taken: a space or line feed, a hyphen,
                // other ASCII, or the second byte of à..ÿ.
                let x = b[j - 1];
                prev_space = x == b' ' || x == b'\n';
                in_ascii_word = x < 0x80 && !prev_space && x != b'-';
                last = j - if x < 0x80 { 1 } else { 2 };
                if j == b.len() {
                    break;
                }
            }
        }
        // (On x86-64 the 64-byte prefix above takes everything this would.)
        #[cfg(not(target_arch = "x86_64"))]
        {
            if let Some(chunk) = b.get(j..j + 8) {
                let good = ascii_prefix(
                    u64::from_le_bytes(chunk.try_into().expect("8 bytes")),
                    prev_space,
                );
                if good > 0 {
                    // A taken space is always followed by a taken plain
                    // byte: the last byte taken is not a space.
                    last = j + good - 1;
                    prev_space = false;
                    in_ascii_word = true;
                    j += good;
                    continue;
                }
            }
        }
        let x = b[j];
        if x < 0x80 && !ASCII_SPECIAL[x as usize] {
            // Most bytes: a run of ASCII that is neither space nor hyphen,
            // taken in a tight loop (the general branch below did the same
            // a byte at a time, ~3 times slower).
            j += 1;
            while j < b.len() && b[j] < 0x80 && !ASCII_SPECIAL[b[j] as usize] {
                j += 1;
            }
            prev_space = false;
            in_ascii_word = true;
            last = j - 1;
            continue;
        }
        if x < 0x80 {
            if x == b' ' {
                // A single space between two words stays one space; a space
                // after a space, or before other whitespace (or an invisible
                // character, folded with it), is folded. Before a character
                // from 0x80 on (" – ", " · "; each stopped the run and the
                // text took the segment-by-segment way) it maps one to one
                // as here; and if that character is a combining mark, the
                // loop gives the space back below, as before.
                let next = b.get(j + 1).copied();
                let taken = match next {
                    Some(n) if n < 0x80 => !is_ascii_space(n),
                    Some(_) => src[j + 1..]
                        .chars()
                        .next()
                        .is_some_and(|c| !c.is_whitespace() && !is_invisible(c)),
                    None => false,
                };
                if prev_space || !taken {
                    break;
                }
                prev_space = true;
            } else if x == b'-' || (is_ascii_space(x) && !(x == 0x0b && in_ascii_word)) {
                // (A vertical tab inside a word was always kept as it is.)
                break;
            } else {
                prev_space = false;
            }
            in_ascii_word = x != b' ';
            last = j;
            j += 1;
            continue;
        }
        if x == 0xc3 && b.get(j + 1).is_some_and(|&y| y >= 0xa0) {
            // à..ÿ (U+00E0..U+00FF, ä and ö among them): lowercase already,
            // neither space nor mark; taken without decoding.
            prev_space = false;
            in_ascii_word = false;
            last = j;
            j += 2;
            continue;
        }
        let Some(c) = src[j..].chars().next() else {
            break;
        };
        if (c as u32) >= 0x300 && is_combining_mark(c) {
            // The character before composes with this mark.
            if j > i {
                j = last;
            }
            break;
        }
        if c.is_whitespace() || is_invisible(c) || !lowercase_unchanged(c) {
            break;
        }
        prev_space = false;
        in_ascii_word = false;
        last = j;
        j += c.len_utf8();
    }
    (j, has_newline)
}

/// How many of the 8 bytes in `v` (little-endian) [`one_to_one_run`] takes
/// as they are, given whether the byte before was a taken space: ASCII
/// other than controls, whitespace and the hyphen, and single spaces
/// followed by such a byte in the same word of 8. Stopping early is safe
/// (the byte-by-byte loop goes on from there); this only never takes a byte
/// the loop would not take, with the same state after it. (Not used on
/// x86-64, where [`prefix64`] takes a superset of it.)
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn ascii_prefix(v: u64, prev_space: bool) -> usize {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    // Per byte, on the low 7 bits (no carries between bytes): the high bit
    // of t + 0x5f is t >= 0x21; of (t ^ x) + 0x7f is t != x.
    let t = v & !H;
    let ascii = !v & H;
    let plain = (t + L * 0x5f) & ((t ^ (L * u64::from(b'-'))) + L * 0x7f) & ascii;
    let space = !((t ^ (L * u64::from(b' '))) + L * 0x7f) & ascii;
    // A space must be followed by a plain byte in the same word of 8 (the
    // top byte's follower is unknown: shifted in as not plain); the first
    // may not follow a space.
    let mut good = plain | (space & (plain >> 8));
    if prev_space {
        good &= !(space & 0x80);
    }
    ((!good & H).trailing_zeros() / 8) as usize
}

/// [`ascii_prefix`] for 64 bytes with SSE2 (part of every x86-64 CPU),
/// also taking à..ÿ (0xC3 then 0xA0..=0xBF, both in the 64 bytes: ä and ö
/// come every ten bytes or so in Finnish). The 8-byte version spent about
/// 8 instructions a byte, stopping every 6 bytes on average. The byte
/// classes are compared 16 bytes at a time and their masks joined, so that
/// the rule below runs once per 64 bytes (per 16 it was half the cost).
///
/// Besides a space, a line feed stays one space (written as a space where
/// it stands: the second value says whether one was taken) when a word
/// byte follows it: plain ASCII, a hyphen or the lead byte of À..ÿ (none of
/// them whitespace, invisible or a combining mark, which would fold or
/// compose with it). A hyphen is kept as it is unless whitespace with a
/// line feed follows it ([`line_break_hyphen`]): taken before a word byte
/// or a taken space. Each of these stopped the run, about every 140 bytes
/// of a body (a Swedish word starting with å, ä or ö after a space, a
/// compound "tietosuoja-asetus", a paragraph's line feed).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn prefix64(block: &[u8; 64], prev_space: bool) -> (usize, bool) {
    let mut classes = [0u64; 6];
    for (k, chunk) in block.chunks_exact(16).enumerate() {
        let masks = classes16(chunk.try_into().expect("16 bytes"));
        for (class, m) in classes.iter_mut().zip(masks) {
            *class |= u64::from(m) << (16 * k);
        }
    }
    prefix_of_classes(classes, prev_space)
}

/// [`prefix64`] with AVX2: the same classes, 32 bytes at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn prefix64_avx2(block: &[u8; 64], prev_space: bool) -> (usize, bool) {
    let mut classes = [0u64; 6];
    for (k, chunk) in block.chunks_exact(32).enumerate() {
        let masks = classes32(chunk.try_into().expect("32 bytes"));
        for (class, m) in classes.iter_mut().zip(masks) {
            *class |= u64::from(m) << (32 * k);
        }
    }
    prefix_of_classes(classes, prev_space)
}

/// [`prefix64_avx2`] of the 64 bytes from `block[shift]` on, with zero
/// bytes after the block's end.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn prefix64_shifted_avx2(block: &[u8; 64], shift: usize, prev_space: bool) -> (usize, bool) {
    let mut classes = [0u64; 6];
    for (k, chunk) in block.chunks_exact(32).enumerate() {
        let masks = classes32(chunk.try_into().expect("32 bytes"));
        for (class, m) in classes.iter_mut().zip(masks) {
            *class |= u64::from(m) << (32 * k);
        }
    }
    prefix_of_classes(classes.map(|c| c >> shift), prev_space)
}

/// [`prefix64_shifted_avx2`]'s length (its bytes from `block[shift]`
/// on) by a wider rule, for [`copy_lowered_whole_run_avx2`] alone: also
/// the dashes, quotes, bullets and ellipsis U+2010..=U+2027 (E2 80 90..A7;
/// "–" stood in 930 of 1,000 notices, and each text with one went the
/// byte-by-byte way, ~3,000 instructions a text). Each is a word byte to
/// the rule, as à..ÿ are: none is whitespace, invisible, a combining mark
/// or changed by lowercasing, so `normalize` writes and maps it as it is,
/// and a space or line feed before it stays one space (a text that the
/// copy takes whole has no combining mark to give a character back to).
/// Not in [`prefix64`] itself: [`one_to_one_run`] backs off a character
/// of at most two bytes before a mark.
///
/// Out of line and cold: inlined, it made the copy's block loop test
/// `prev_space` in every block (this and `make_room` inlined: 2.6 M
/// instructions less in 1,000 notices).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline(never)]
#[cold]
fn prefix64_wide_avx2(block: &[u8; 64], shift: usize, prev_space: bool) -> usize {
    use std::arch::x86_64::{
        _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8, _mm256_movemask_epi8,
        _mm256_set1_epi8,
    };
    let mut classes = [0u64; 6];
    let [mut e2, mut x80, mut third] = [0u64; 3];
    for (k, chunk) in block.chunks_exact(32).enumerate() {
        let chunk: &[u8; 32] = chunk.try_into().expect("32 bytes");
        let masks = classes32(chunk);
        for (class, m) in classes.iter_mut().zip(masks) {
            *class |= u64::from(m) << (32 * k);
        }
        let v = load32(chunk);
        let mask = |m| u64::from(_mm256_movemask_epi8(m) as u32) << (32 * k);
        e2 |= mask(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(0xe2_u8 as i8)));
        x80 |= mask(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x80_u8 as i8)));
        // 0x90..=0xA7, as signed bytes: above 0x8F and below 0xA8.
        third |= mask(_mm256_and_si256(
            _mm256_cmpgt_epi8(v, _mm256_set1_epi8(0x8f_u8 as i8)),
            _mm256_cmpgt_epi8(_mm256_set1_epi8(0xa8_u8 as i8), v),
        ));
    }
    let [printable, dash, space, newline, c3, tail] = classes.map(|c| c >> shift);
    let (e2, x80, third) = (e2 >> shift, x80 >> shift, third >> shift);
    // As in `prefix_of_classes`, with E2 80 90..A7 as a third kind of
    // word character.
    let plain = printable & !dash;
    let lead = c3 & (tail >> 1);
    let lead3 = e2 & (x80 >> 1) & (third >> 2);
    let before_word = (printable | c3 | lead3) >> 1;
    let gap = (space | newline) & before_word;
    let kept_dash = dash & (before_word | ((gap & space) >> 1));
    let mut good =
        plain | gap | kept_dash | lead | (lead << 1) | lead3 | (lead3 << 1) | (lead3 << 2);
    if prev_space {
        good &= !((space | newline) & 1);
    }
    (!good).trailing_zeros() as usize
}

/// Whether this CPU has AVX2 (the standard library caches the answer).
#[cfg(target_arch = "x86_64")]
pub(crate) fn has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

/// [`prefix64`]'s rule over the byte classes of its 64 bytes (bit `k` of
/// each: byte `k` is in the class): printable ASCII, hyphen, space, line
/// feed, 0xC3, and 0xA0..=0xBF.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn prefix_of_classes(classes: [u64; 6], prev_space: bool) -> (usize, bool) {
    let [printable, dash, space, newline, c3, tail] = classes;
    let plain = printable & !dash;
    let lead = c3 & (tail >> 1);
    // Bytes before a word byte (the 64th byte's follower is unknown:
    // shifted in as none).
    let before_word = (printable | c3) >> 1;
    let gap = (space | newline) & before_word;
    let kept_dash = dash & (before_word | ((gap & space) >> 1));
    let mut good = plain | gap | kept_dash | lead | (lead << 1);
    if prev_space {
        good &= !((space | newline) & 1);
    }
    let stop = !good;
    // The bits below the first one not taken (all when every one is).
    let taken_bits = stop.wrapping_sub(1) & !stop;
    (stop.trailing_zeros() as usize, newline & taken_bits != 0)
}

/// Masks of the byte classes [`prefix64`] reads in 16 bytes: printable
/// ASCII (0x21..=0x7F), hyphen, space, line feed, 0xC3, and 0xA0..=0xBF.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn classes16(chunk: &[u8; 16]) -> [u32; 6] {
    use std::arch::x86_64::{
        _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_movemask_epi8,
        _mm_set1_epi8, _mm_set_epi64x,
    };
    let lo = i64::from_le_bytes(chunk[..8].try_into().expect("8 bytes"));
    let hi = i64::from_le_bytes(chunk[8..].try_into().expect("8 bytes"));
    let v = _mm_set_epi64x(hi, lo);
    let mask = |m| _mm_movemask_epi8(m) as u32;
    let eq = |x: u8| mask(_mm_cmpeq_epi8(v, _mm_set1_epi8(x as i8)));
    // Bytes as signed: 0x80..=0xFF are negative.
    [
        mask(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x20))),
        eq(b'-'),
        eq(b' '),
        eq(b'\n'),
        eq(0xc3),
        mask(_mm_and_si128(
            _mm_cmpgt_epi8(v, _mm_set1_epi8(0x9f_u8 as i8)),
            _mm_cmplt_epi8(v, _mm_set1_epi8(0xc0_u8 as i8)),
        )),
    ]
}

/// [`classes16`] for 32 bytes with AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn classes32(chunk: &[u8; 32]) -> [u32; 6] {
    use std::arch::x86_64::{
        _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8, _mm256_movemask_epi8,
        _mm256_set1_epi8,
    };
    let v = load32(chunk);
    let mask = |m| _mm256_movemask_epi8(m) as u32;
    let eq = |x: u8| mask(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(x as i8)));
    // Bytes as signed: 0x80..=0xFF are negative.
    [
        mask(_mm256_cmpgt_epi8(v, _mm256_set1_epi8(0x20))),
        eq(b'-'),
        eq(b' '),
        eq(b'\n'),
        eq(0xc3),
        mask(_mm256_and_si256(
            _mm256_cmpgt_epi8(v, _mm256_set1_epi8(0x9f_u8 as i8)),
            _mm256_cmpgt_epi8(_mm256_set1_epi8(0xc0_u8 as i8), v),
        )),
    ]
}

/// Where the run from `start` that [`prefix64`] takes block after block
/// ends, and whether it has a line feed: until a block's first byte is not
/// taken, the last bytes (under 64) in a zero-padded block. The common case
/// (Finnish text, nothing to change) in one tight loop, without the
/// caller's bookkeeping per block. After a taken block the next byte is
/// never whitespace (a taken space or line feed has a word byte after it),
/// so the next block starts with `prev_space` false.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn run64(b: &[u8], start: usize, prev_space: bool) -> (usize, bool) {
    run_of_blocks(b, start, prev_space, |block, prev_space| {
        prefix64(block, prev_space)
    })
}

/// [`run64`] with [`prefix64_avx2`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn run64_avx2(b: &[u8], start: usize, prev_space: bool) -> (usize, bool) {
    run_of_blocks(b, start, prev_space, |block, prev_space| {
        prefix64_avx2(block, prev_space)
    })
}

/// [`run64`]'s loop, with `prefix` for [`prefix64`] (inlined into each
/// caller, so that it is compiled with the caller's target features).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn run_of_blocks(
    b: &[u8],
    start: usize,
    prev_space: bool,
    prefix: impl Fn(&[u8; 64], bool) -> (usize, bool),
) -> (usize, bool) {
    let mut j = start;
    let mut prev_space = prev_space;
    let mut has_newline = false;
    while let Some(block) = b.get(j..j + 64) {
        let (good, newline) = prefix(block.try_into().expect("64 bytes"), prev_space);
        if good == 0 {
            return (j, has_newline);
        }
        j += good;
        has_newline |= newline;
        prev_space = false;
    }
    if j < b.len() {
        // Zero bytes after the text: no word byte, so the text's last byte
        // is taken only as it would be without them.
        let mut last = [0u8; 64];
        last[..b.len() - j].copy_from_slice(&b[j..]);
        let (good, newline) = prefix(&last, prev_space);
        j += good;
        has_newline |= newline;
    }
    (j, has_newline)
}

/// The ASCII bytes that end [`one_to_one_run`]'s tight loop: whitespace
/// and the hyphen.
static ASCII_SPECIAL: [bool; 128] = {
    let mut t = [false; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = i as u8 == b'-' || is_ascii_space(i as u8);
        i += 1;
    }
    t
};

/// ASCII characters that `char::is_whitespace` accepts (it also takes the
/// vertical tab, which `u8::is_ascii_whitespace` does not).
const fn is_ascii_space(x: u8) -> bool {
    matches!(x, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Whether lowercasing leaves a non-ASCII character as it is. Latin-1 and
/// general punctuation (common in notices) are answered without the
/// Unicode tables.
fn lowercase_unchanged(c: char) -> bool {
    match c as u32 {
        0x80..=0xff => !(0xc0..=0xde).contains(&(c as u32)) || c == '\u{d7}',
        0x2010..=0x2027 | 0x2030..=0x205e => true,
        _ => lower_one(c) == Some(c),
    }
}

fn lower_one(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c.to_ascii_lowercase());
    }
    let mut it = c.to_lowercase();
    let first = it.next()?;
    if it.next().is_some() {
        None
    } else {
        Some(first)
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Hyphen {
    /// An ordinary hyphen (or one we cannot judge): kept as it is.
    Plain,
    /// A hyphen that only splits a word at a line break: dropped.
    LineBreak,
    /// A compound hyphen that happens to fall at a line break: kept, the
    /// line break dropped.
    Compound,
}

/// A hyphen at the end of a line between two lowercase word parts is a
/// line-break hyphen (`henkilökohtai-\nsemman`), unless the parts meet at the
/// same vowel, where Finnish writes a real hyphen (`tietosuoja-\nasetus`).
fn line_break_hyphen(src: &str, i: usize, written: &str) -> Hyphen {
    if joins_line_break(src, i, written) {
        return Hyphen::LineBreak;
    }
    let after = &src[i + 1..];
    let ws = &after[..after.len() - after.trim_start().len()];
    let prev = written.chars().next_back();
    let next = after.trim_start().chars().next();
    if ws.contains('\n')
        && prev.is_some_and(is_vowel)
        && prev == next.map(|c| c.to_lowercase().next().unwrap_or(c))
    {
        return Hyphen::Compound;
    }
    Hyphen::Plain
}

fn joins_line_break(src: &str, i: usize, written: &str) -> bool {
    let after = &src[i + 1..];
    let ws_len = after.len() - after.trim_start().len();
    if ws_len == 0 || !after[..ws_len].contains('\n') {
        return false;
    }
    let prev = written.chars().next_back();
    let rest = &after[ws_len..];
    let next_word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
    let (Some(p), Some(n)) = (prev, next_word.chars().next()) else {
        return false;
    };
    if !p.is_alphabetic() || !n.is_lowercase() || next_word.chars().count() < 3 {
        return false;
    }
    !(is_vowel(p) && p == n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> NormText {
        let mut m = MappedText::new();
        m.push_verbatim(s, 0);
        normalize(m)
    }

    #[test]
    fn folds_case_space_and_soft_hyphens() {
        let src = "Henkilö\u{ad}tieto\u{ad}LAKI  ja\u{a0}\n muuta";
        let n = norm(src);
        assert_eq!(n.text, "henkilötietolaki ja muuta");
        let p = n.text.find("laki").unwrap();
        assert_eq!(&src[n.source_range(p..p + 4)], "LAKI");
        let all = n.source_range(0..n.text.find(" ja").unwrap());
        assert_eq!(&src[all], "Henkilö\u{ad}tieto\u{ad}LAKI");
    }

    #[test]
    fn nfd_is_composed_and_maps_back() {
        let src = "Henkilo\u{308}tietolaki";
        let n = norm(src);
        assert_eq!(n.text, "henkilötietolaki");
        let p = n.text.find('ö').unwrap();
        assert_eq!(&src[n.source_range(p..p + 'ö'.len_utf8())], "o\u{308}");
    }

    /// The fast paths must agree with the Unicode tables they stand in for.
    #[test]
    fn fast_lowercase_checks_agree_with_unicode() {
        for c in (0x80u32..0x3000).filter_map(char::from_u32) {
            let unchanged = lower_one(c) == Some(c);
            assert_eq!(lowercase_unchanged(c), unchanged, "{c:?}");
        }
        for x in 0u8..0x80 {
            assert_eq!(is_ascii_space(x), (x as char).is_whitespace(), "{x}");
        }
    }

    /// The word-at-a-time prefix takes exactly what a byte-at-a-time check
    /// of the same rule takes.
    #[test]
    fn ascii_prefix_agrees_with_bytes() {
        let alphabet = [
            b'a',
            b'Z',
            b' ',
            b'-',
            b'\t',
            b'\n',
            0x0b,
            0x01,
            0x1f,
            0x7f,
            b'.',
            0xc3,
            0xa4,
            0x80,
            0x20 | 0x80,
            0x2d | 0x80,
        ];
        let mut next = crate::xorshift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..200_000 {
            let seed = next();
            let bytes: [u8; 8] = std::array::from_fn(|k| {
                alphabet[((seed >> (5 * k)) % alphabet.len() as u64) as usize]
            });
            let prev_space = seed >> 63 == 1;
            let mut want = 0;
            let mut prev = prev_space;
            for k in 0..8 {
                let x = bytes[k];
                let plain = (0x20..0x80).contains(&x) && x != b'-';
                let ok = if x == b' ' {
                    !prev
                        && k + 1 < 8
                        && bytes[k + 1] >= 0x21
                        && bytes[k + 1] < 0x80
                        && bytes[k + 1] != b'-'
                } else {
                    plain
                };
                if !ok {
                    break;
                }
                prev = x == b' ';
                want += 1;
            }
            assert_eq!(
                ascii_prefix(u64::from_le_bytes(bytes), prev_space),
                want,
                "{bytes:?} {prev_space}"
            );
        }
    }

    /// The 64-byte prefix takes what a byte-at-a-time reading of its rule
    /// takes: the ASCII rule of `ascii_prefix`, à..ÿ, line feeds as spaces,
    /// and hyphens that no line break follows.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn prefix64_agrees_with_bytes() {
        let alphabet = [
            b'a', b'Z', b' ', b'-', b'\t', b'\n', 0x0b, 0x01, 0x1f, 0x20, 0x21, 0x7f, b'.', 0xc3,
            0xa4, 0xa0, 0x9f, 0xbf, 0xc0, 0xc2, 0x80, 0xe2, 0xff, 0xad, b' ', b'-', b'\n', 0xc3,
        ];
        let mut next = crate::xorshift(0x2545_f491_4f6c_dd1d);
        for round in 0..200_000 {
            // Mostly plain letters, so that runs reach across the 16-byte
            // chunks and the whole block.
            let plain_share = [0, 50, 90, 97][round % 4];
            let block: [u8; 64] = std::array::from_fn(|_| {
                let seed = next();
                if round % 16 == 0 {
                    seed as u8
                } else if (seed >> 32) % 100 < plain_share {
                    b'a'
                } else {
                    alphabet[(seed % alphabet.len() as u64) as usize]
                }
            });
            let prev_space = round % 3 == 0;
            let (mut want, mut prev) = (0, prev_space);
            let mut newline = false;
            let at = |k: usize| block.get(k).copied();
            let plain = |y: Option<u8>| y.is_some_and(|y| (0x21..0x80).contains(&y) && y != b'-');
            let word = |y: Option<u8>| plain(y) || y == Some(b'-') || y == Some(0xc3);
            let mut k = 0;
            while k < 64 {
                let x = block[k];
                if x == 0xc3 && at(k + 1).is_some_and(|y| (0xa0..=0xbf).contains(&y)) {
                    k += 2;
                    want = k;
                    prev = false;
                    continue;
                }
                let gap = |k: usize| matches!(at(k), Some(b' ' | b'\n')) && word(at(k + 1));
                let ok = if x == b' ' || x == b'\n' {
                    !prev && gap(k)
                } else if x == b'-' {
                    word(at(k + 1)) || (at(k + 1) == Some(b' ') && gap(k + 1))
                } else {
                    plain(Some(x))
                };
                if !ok {
                    break;
                }
                prev = x == b' ' || x == b'\n';
                newline |= x == b'\n';
                k += 1;
                want = k;
            }
            // SAFETY: as in `one_to_one_run` (SSE2 is baseline x86-64).
            let got = unsafe { prefix64(&block, prev_space) };
            assert_eq!(got, (want, newline), "{block:?} {prev_space}");
            if has_avx2() {
                // SAFETY: the CPU has AVX2, checked just above.
                let got = unsafe { prefix64_avx2(&block, prev_space) };
                assert_eq!(got, (want, newline), "AVX2: {block:?} {prev_space}");
            }
        }
    }

    /// The character-by-character normalizer that the fast one replaced:
    /// the reference it must agree with.
    fn reference_normalize(raw: MappedText) -> NormText {
        let src = raw.text.as_str();
        let mut out = MappedText::with_capacity(src.len());
        let mut chars = src.char_indices().peekable();
        // Whether the last thing written was a space (or nothing yet).
        let mut at_space = true;
        while let Some((i, c)) = chars.next() {
            if c.is_whitespace() {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_whitespace() || is_invisible(d) {
                        end = j + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                if !at_space {
                    out.push_atomic(" ", i..end);
                    at_space = true;
                }
                continue;
            }
            if is_invisible(c) {
                continue;
            }
            // Fast path: a run of ASCII that needs only lowercasing maps one to
            // one, so it goes in as one verbatim segment.
            if c.is_ascii() && c != '-' {
                let bytes = src.as_bytes();
                let mut end = i + 1;
                while end < bytes.len()
                    && bytes[end] < 0x80
                    && !bytes[end].is_ascii_whitespace()
                    && bytes[end] != b'-'
                {
                    end += 1;
                }
                // A combining mark after the run composes with its last letter.
                let mark_follows = src[end..]
                    .chars()
                    .next()
                    .is_some_and(|d| (d as u32) >= 0x300 && is_combining_mark(d));
                let run_end = if mark_follows { end - 1 } else { end };
                if run_end > i {
                    out.push_verbatim(&src[i..run_end].to_ascii_lowercase(), i);
                    at_space = false;
                    while chars.peek().is_some_and(|&(j, _)| j < run_end) {
                        chars.next();
                    }
                    continue;
                }
            }
            if c == '-' {
                let hyphen = line_break_hyphen(src, i, &out.text);
                if hyphen != Hyphen::Plain {
                    if hyphen == Hyphen::Compound {
                        out.push_verbatim("-", i);
                    }
                    // Skip the line break after the hyphen.
                    while let Some(&(_, d)) = chars.peek() {
                        if d.is_whitespace() {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    continue;
                }
            }
            // Base character plus any combining marks: compose to NFC.
            let mut composed = c;
            let mut end = i + c.len_utf8();
            let mut decomposed_rest = String::new();
            while let Some(&(j, d)) = chars.peek() {
                if (d as u32) < 0x300 || !is_combining_mark(d) {
                    break;
                }
                match compose(composed, d) {
                    Some(x) if decomposed_rest.is_empty() => composed = x,
                    _ => decomposed_rest.push(d),
                }
                end = j + d.len_utf8();
                chars.next();
            }
            at_space = false;
            let single_lower = lower_one(composed);
            if end == i + c.len_utf8() {
                match single_lower {
                    Some(l) if l.len_utf8() == c.len_utf8() => {
                        let mut buf = [0u8; 4];
                        out.push_verbatim(l.encode_utf8(&mut buf), i);
                        // push_verbatim maps by position, which is what we want
                        // as long as the byte length is unchanged.
                    }
                    _ => {
                        let s: String = composed.to_lowercase().collect();
                        out.push_atomic(&s, i..end);
                    }
                }
            } else {
                let mut s: String = composed.to_lowercase().collect();
                s.push_str(&decomposed_rest);
                out.push_atomic(&s, i..end);
            }
        }
        // Drop a trailing folded space.
        let trimmed = if out.text.ends_with(' ') {
            out.slice(0..out.text.len() - 1)
        } else {
            out
        };
        NormText {
            text: trimmed.text.clone(),
            to_raw: ToRaw::Map(Box::new(trimmed)),
            raw,
            whole_run: None,
        }
    }

    /// Random strings over the characters the branches care about: the fast
    /// normalizer gives the same text and maps every range to the same
    /// source range as the reference.
    #[test]
    fn fast_normalize_agrees_with_reference() {
        const ALPHABET: &[&str] = &[
            "a", "B", "z", "ä", "Ö", "å", "é", "É", "ß", "İ", " ", " ", " ", "\t", "\n", "\u{b}",
            "\r\n", "\u{a0}", "\u{2003}", "-", "-\n", "\u{ad}", "\u{200b}", "\u{308}", "\u{301}",
            "o\u{308}", "A\u{30a}", "’", "–", "€", "ǅ", "7", ".", "(", "ﬁ",
        ];
        let mut next = crate::xorshift(0x2545_f491_4f6c_dd1d);
        // Texts whose map is the identity (not stored), and others.
        let (mut identities, mut maps) = (0, 0);
        for round in 0..3000 {
            // Every third text from the characters that often map one to
            // one (the identity), the others from all.
            let alphabet = if round % 3 == 0 {
                &ALPHABET[..7]
            } else {
                ALPHABET
            };
            let len = (next() % 40) as usize;
            let src = crate::random_text(&mut next, alphabet, len);
            let (fast, slow, cuts) = both_normalizers(&src);
            match fast.to_raw {
                ToRaw::Identity => identities += 1,
                ToRaw::Map(_) => maps += 1,
            }
            assert_every_range_maps_alike(&src, &fast, &slow, &cuts);
            for (k, &a) in cuts.iter().enumerate() {
                for &b in &cuts[k..] {
                    assert_eq!(fast.raw_slice(a..b), slow.raw_slice(a..b), "{src:?}");
                }
            }
        }
        assert!(identities > 500 && maps > 500, "{identities} {maps}");
    }

    /// `src` normalized by the fast normalizer and by the reference, which
    /// must give the same text, and that text's character boundaries.
    /// The AVX2 scan takes what the SSE2 one takes, block after block and
    /// in a text's last bytes (this CPU's choice of the two is all that
    /// the normalizer tests see), and the fused scan and copy of a whole
    /// text writes what the scan, `push_run` and lowercasing wrote.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_runs_are_sse2_runs() {
        if !has_avx2() {
            return;
        }
        const PIECES: &[&[u8]] = &[
            b"tietosuoja",
            b"a",
            b"\xc3\xa4",
            b" ",
            b"\n",
            b"-",
            b"A",
            b"2018",
            b"  ",
            b"\xc3",
            b"\xa4",
            b"\t",
            b"-\n",
            b" -",
            b"\xe2\x80\x99",
            b"\x00",
        ];
        let mut next = crate::xorshift(0x5eed_a5a5);
        let mut wholes = 0;
        for round in 0..20_000 {
            let len = (next() % 80) as usize;
            let text: Vec<u8> = (0..len)
                .flat_map(|_| {
                    // Plain words; with capitals, line feeds, hyphens and
                    // digits; anything.
                    let n = [4, 8, PIECES.len()][round % 3];
                    PIECES[(next() % n as u64) as usize].iter().copied()
                })
                .collect();
            for start in [0, 1, 7, 64].into_iter().filter(|&s| s <= text.len()) {
                for prev_space in [false, true] {
                    // SAFETY: SSE2 is baseline x86-64; AVX2 was checked above.
                    let (sse2, avx2) = unsafe {
                        (
                            run64(&text, start, prev_space),
                            run64_avx2(&text, start, prev_space),
                        )
                    };
                    assert_eq!(sse2, avx2, "{text:?} {start} {prev_space}");
                }
            }
            // The fused copy: whole exactly when the scan takes the whole
            // text, and then the scan's run as `normalize` wrote it.
            // (With room made by the caller, as `normalize` does, or none:
            // the copy makes its own room for its block writes.)
            let mut out = if round % 2 == 0 {
                Vec::with_capacity(text.len() + 64)
            } else {
                vec![b'#'; (next() % 8) as usize]
            };
            // SAFETY: as above.
            let (whole_run, (end, has_newline)) = unsafe {
                (
                    copy_lowered_whole_run_avx2(&text, &mut out),
                    run64(&text, 0, true),
                )
            };
            // Whole whenever the scan takes the whole text, and else only
            // by the wider rule (`prefix64_wide_avx2`), for a text with one
            // of U+2010..U+2027 (’ among the pieces).
            let scanned_whole = end == text.len();
            let wide = text
                .windows(3)
                .any(|w| w[0] == 0xe2 && w[1] == 0x80 && (0x90..=0xa7).contains(&w[2]));
            assert!(
                whole_run.is_some() == scanned_whole || (whole_run.is_some() && wide),
                "{text:?}"
            );
            wholes += usize::from(whole_run.is_some());
            if let Some(w) = whole_run {
                let digits = text.iter().any(u8::is_ascii_digit);
                assert_eq!(w.digits, Some(digits), "{text:?}");
                assert_eq!(w.has_newline, text.contains(&b'\n'), "{text:?}");
                if scanned_whole {
                    assert_eq!(w.has_newline, has_newline, "{text:?}");
                }
                let Ok(src) = std::str::from_utf8(&text) else {
                    continue;
                };
                let mut want = String::new();
                push_run(&mut want, src, w.has_newline);
                want.make_ascii_lowercase();
                assert_eq!(out, want.as_bytes(), "{text:?}");
                if !scanned_whole {
                    // What the reference normalizer writes, mapped one to
                    // one, as the copy's identity map says.
                    let (fast, slow, cuts) = both_normalizers(src);
                    assert!(fast.is_whole_run(), "{text:?}");
                    for &c in &cuts {
                        assert_eq!(slow.source_range(0..c), 0..c, "{text:?}");
                        assert_eq!(slow.source_range(c..slow.text.len()), c..slow.text.len());
                    }
                    let mut collapsed = String::new();
                    fast.collapsed_raw_into(&mut collapsed, |_, _| unreachable!());
                    assert_eq!(
                        collapsed,
                        src.split_whitespace().collect::<Vec<_>>().join(" "),
                        "{text:?}"
                    );
                }
            }
        }
        assert!(wholes > 1000, "{wholes}");
    }

    /// Long texts of mostly plain words, so that [`run64`] takes many
    /// chunks in a row and stops at every kind of byte, at every place in
    /// a chunk (a space or the first byte of ä as a chunk's last byte),
    /// and the deferred lowercasing meets hyphens after capitals.
    #[test]
    fn long_runs_agree_with_reference() {
        const PIECES: &[&str] = &[
            "tietosuoja",
            "Rekisteri",
            "ä",
            "ö",
            "Ä",
            " ",
            " ",
            " ",
            "  ",
            "-",
            "-\n",
            "ABC",
            "\n",
            "é",
            "\u{308}",
            "\u{ad}",
            "’",
            "x",
            "12",
            ".",
            "\t",
            "ÿ",
            "À",
            " ä",
            "\nÄ",
            "- ",
            "-\t",
            " -",
            "- \n",
            "\n-",
            "--",
            " – ",
            "–",
            "\n–",
            "-–",
            "“",
            "\u{2028}",
            "\u{200b}",
            "–\u{301}",
        ];
        let mut next = crate::xorshift(0x23);
        for _ in 0..2000 {
            let len = (next() % 120) as usize;
            let src: String = (0..len)
                .map(|_| {
                    // Mostly the first pieces: long runs that normalize one
                    // to one.
                    let k = next() % 100;
                    let n = if k < 85 { 8 } else { PIECES.len() };
                    PIECES[(next() % n as u64) as usize]
                })
                .collect();
            let (fast, slow, cuts) = both_normalizers(&src);
            for w in cuts.windows(2).step_by(3) {
                let r = w[0]..w[1];
                assert_eq!(
                    fast.source_range(r.clone()),
                    slow.source_range(r.clone()),
                    "{src:?} {r:?}"
                );
            }
            assert_eq!(
                fast.source_range(0..fast.text.len()),
                slow.source_range(0..slow.text.len()),
                "{src:?}"
            );
        }
    }

    fn both_normalizers(src: &str) -> (NormText, NormText, Vec<usize>) {
        let mk = || {
            let mut m = MappedText::new();
            m.push_verbatim(src, 0);
            m
        };
        let fast = normalize(mk());
        let slow = reference_normalize(mk());
        assert_eq!(fast.text, slow.text, "{src:?}");
        let cuts: Vec<usize> = (0..=fast.text.len())
            .filter(|&p| fast.text.is_char_boundary(p))
            .collect();
        (fast, slow, cuts)
    }

    /// Every range between two of `cuts` comes from the same source range
    /// in both normalizations of `src`.
    fn assert_every_range_maps_alike(src: &str, fast: &NormText, slow: &NormText, cuts: &[usize]) {
        for (k, &a) in cuts.iter().enumerate() {
            for &b in &cuts[k..] {
                assert_eq!(
                    fast.source_range(a..b),
                    slow.source_range(a..b),
                    "{src:?} {a}..{b}"
                );
            }
        }
    }

    /// The same on fixture and corpus text (long runs, where the 16-byte
    /// prefix does most of the work): text, and the source of every
    /// character and of every prefix.
    #[test]
    fn fast_normalize_agrees_with_reference_on_corpus() {
        let lines = crate::sample_file_lines();
        let mut texts: Vec<String> = lines.chunks(5).map(|c| c.join("\n")).collect();
        texts.extend(lines.chunks(3).map(|c| c.join("  -\n")));
        for src in &texts {
            let (fast, slow, cuts) = both_normalizers(src);
            for w in cuts.windows(2) {
                assert_eq!(fast.source_range(w[0]..w[1]), slow.source_range(w[0]..w[1]));
                assert_eq!(fast.source_range(0..w[1]), slow.source_range(0..w[1]));
            }
        }
    }

    /// A recycled buffer gives the same text and map as a new one.
    #[test]
    fn recycled_buffers_change_nothing() {
        let texts = [
            "Rekisterinpitäjä",
            "",
            "  A  b\tc  ",
            "x",
            "Tietosuoja-\nseloste",
        ];
        for a in texts {
            for b in texts {
                let fresh = norm(b);
                norm(a).recycle();
                let reused = norm(b);
                assert_eq!(reused.text, fresh.text);
                for i in 0..=fresh.text.len() {
                    for j in i..=fresh.text.len() {
                        assert_eq!(reused.source_range(i..j), fresh.source_range(i..j));
                    }
                }
            }
        }
    }

    /// A single space before a character from 0x80 on, which the byte
    /// loop takes unless that character is whitespace or invisible (and
    /// gives back before a combining mark), maps as the reference maps it.
    #[test]
    fn spaces_before_non_ascii_agree_with_reference() {
        let after = [
            "–", "·", "’", "Ä", "\u{301}", "\u{ad}", "\u{a0}", "\u{2003}", "é", "ß", "\u{200b}",
            "€", "\u{2028}", "İ",
        ];
        for before in ["abc", "ABC d", "", " ", "a-", "ä"] {
            for c in after {
                for rest in ["", "x", " x", "\u{308}y", "-\nz"] {
                    let src = format!("{before} {c}{rest} – loppu");
                    let (fast, slow, cuts) = both_normalizers(&src);
                    assert_every_range_maps_alike(&src, &fast, &slow, &cuts);
                }
            }
        }
    }

    #[test]
    fn line_break_hyphen_joins_but_compounds_stay() {
        assert_eq!(norm("henkilökohtai-\nsemman").text, "henkilökohtaisemman");
        assert_eq!(norm("tietosuoja-\nasetus").text, "tietosuoja-asetus");
        assert_eq!(norm("tietosuoja-asetus").text, "tietosuoja-asetus");
        assert_eq!(norm("etu- ja sukunimi").text, "etu- ja sukunimi");
        assert_eq!(norm("etu-\nja sukunimi").text, "etu- ja sukunimi");
    }
}

//! The library's front door: bytes in, a canonical notice and its findings
//! out. The CLI and the language server both call [`Linter::lint_bytes`].

use std::path::Path;

use crate::engine::{Engine, LintResult, Options};
use crate::parse::{self, Format};
use crate::schema::{self, HeadingTable, Notice};
use crate::source::{SourceError, SourceText};

/// Everything needed to lint: the catalogue, the heading tables and options.
#[derive(Debug, Clone)]
pub struct Linter {
    pub engine: Engine,
    pub headings: HeadingTable,
    pub options: Options,
}

/// One linted file.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: String,
    pub format: Format,
    pub language: &'static str,
    pub source: SourceText,
    pub notice: Notice,
    pub result: LintResult,
}

impl Default for Linter {
    fn default() -> Self {
        Linter::builtin()
    }
}

impl Linter {
    pub fn builtin() -> Linter {
        Linter {
            engine: Engine::builtin(),
            headings: HeadingTable::builtin(),
            options: Options::default(),
        }
    }

    /// Picks the format from the name's extension, else from the content.
    pub fn detect_format(name: &str, text: &str) -> Format {
        let by_ext = Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .and_then(Format::from_extension);
        match by_ext {
            // A .txt file that is really a Markdown table or HTML page.
            Some(Format::Text) | None => Format::sniff(text),
            Some(f) => f,
        }
    }

    /// Parses decoded text into the canonical notice.
    pub fn notice(&self, text: &str, format: Format) -> Notice {
        let raw = parse::parse(text, format, &self.headings);
        schema::build(raw, format, &self.headings)
    }

    /// Decodes, parses and lints one file's bytes.
    pub fn lint_bytes(
        &self,
        name: &str,
        bytes: &[u8],
        format: Option<Format>,
    ) -> Result<FileReport, SourceError> {
        let source = SourceText::decode(bytes)?;
        Ok(self.lint_source(name, source, format))
    }

    pub fn lint_source(
        &self,
        name: &str,
        source: SourceText,
        format: Option<Format>,
    ) -> FileReport {
        let format = format.unwrap_or_else(|| Linter::detect_format(name, &source.text));
        let notice = self.notice(&source.text, format);
        let result = self.engine.lint(&notice, &source.text, &self.options);
        let language = result.language;
        FileReport {
            path: name.to_string(),
            format,
            language,
            source,
            notice,
            result,
        }
    }
}

/// The notice's main language, by counting common function words (among the
/// first 3,000 words of each text). The engine guesses it on the texts it
/// has already joined ([`language_of_joined`]); this joins them the same
/// way for a notice linted without the engine.
pub fn detect_language(n: &Notice) -> &'static str {
    let mut joined = String::new();
    let mut starts = Vec::new();
    for (_, t) in n.texts() {
        starts.push(joined.len());
        joined.push_str(&t.text);
        joined.push('\n');
    }
    verdict(counts_by_pass(&joined, &starts))
}

/// [`detect_language`] of a notice whose texts the engine has joined, each
/// followed by '\n' (text `i` starting at `starts[i]`): the runs of texts
/// under 3,000 bytes are counted where they are, without a copy.
///
/// The engine's word index has usually counted the function words of the
/// whole joined text already (`indexed`), at the word starts it visits
/// anyway: then only the pieces past the 3,000th of each text of 3,000
/// bytes or more are counted here, to be taken off. The separate pass over
/// every byte cost 22.6 M instructions per 1,000 notices (3 % of a run).
pub(crate) fn language_of_joined(
    joined: &str,
    starts: &[usize],
    indexed: Option<[u32; 3]>,
) -> &'static str {
    verdict(joined_counts(joined, starts, indexed))
}

/// The function words that [`language_of_joined`] weighs.
fn joined_counts(joined: &str, starts: &[usize], indexed: Option<[u32; 3]>) -> [u32; 3] {
    let Some(mut counts) = indexed else {
        return counts_by_pass(joined, starts);
    };
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(joined.len(), |&next| next) - 1;
        if end - start >= 3000 {
            let text = &joined[start..end];
            if let Some(rest) = count_pieces(text, true, false, &mut [0; 3]) {
                let mut over = [0; 3];
                count_pieces(&text[rest..], false, true, &mut over);
                for (c, o) in counts.iter_mut().zip(over) {
                    *c -= o;
                }
            }
        }
    }
    counts
}

/// [`joined_counts`] by a pass of its own over the texts.
fn counts_by_pass(joined: &str, starts: &[usize]) -> [u32; 3] {
    let mut counts = [0u32; 3];
    // Start of the texts not counted yet.
    let mut from = 0;
    for (i, &start) in starts.iter().enumerate() {
        // The text's end: its '\n' is just before the next text.
        let end = starts.get(i + 1).map_or(joined.len(), |&next| next) - 1;
        if end - start >= 3000 {
            count_pieces(&joined[from..start], false, true, &mut counts);
            count_function_words(&joined[start..end], &mut counts);
            from = end;
        }
    }
    count_pieces(&joined[from..], false, true, &mut counts);
    counts
}

/// Test support: the function words among all the pieces of `text`, as
/// the word index is to record them.
#[cfg(test)]
pub(crate) fn all_function_words(text: &str) -> [u32; 3] {
    let mut counts = [0; 3];
    count_pieces(text, false, true, &mut counts);
    counts
}

/// A word start's class for [`count_at_word_start`], from the word (`run`
/// bytes at `at` of UTF-8 `b`, a run of [`crate::pattern`]'s word
/// characters: lowercase letters and digits) and the byte after it: 0 no
/// function word; 1, 2, 3 a function word of fi, sv, en ending at the
/// text's end or before an ASCII byte but a letter or digit; 4 a function
/// word before a byte from 0x80 (a character that may be a letter: it is
/// decoded).
pub(crate) fn function_word_class(b: &[u8], at: usize, run: usize) -> u8 {
    // The word and the byte after it (zero at the text's end: no letter).
    let mut k = [0u8; 8];
    let n = (run + 1).min(8).min(b.len() - at);
    k[..n].copy_from_slice(&b[at..at + n]);
    function_word_class_of(u64::from_le_bytes(k), run)
}

/// [`function_word_class`] from the first 8 bytes at the word start as a
/// little-endian number, the bytes past the word's and the next one zero
/// (a word index's memo key, [`crate::pattern`]'s `memo_key`), and the
/// word's length `run` (at least 1).
#[inline(always)]
pub(crate) fn function_word_class_of(key: u64, run: usize) -> u8 {
    // At most 8 bytes of the word: no function word is longer than 7,
    // and 8 bytes of letters are no word of the table (whose top byte is
    // zero). The byte after a word of 8 bytes or more is no matter.
    let word = key & (u64::MAX >> (64 - 8 * run.min(8)));
    let after = (key >> (8 * run.min(7))) as u8;
    let (table_word, lang) = FUNCTION_WORD_TABLE[function_word_slot(word)];
    // (`lang + 1` is 1, 2 or 3: 3 & it keeps it, 4 & it is 0.)
    let kind = CLASS_AFTER[usize::from(after)];
    let class = kind & (lang + 1) | kind & 4;
    if table_word == word {
        class
    } else {
        0
    }
}

/// For the byte after a word: 3 where a function word there counts (an
/// ASCII byte but a letter or digit, or 0, the text's end), 0 where it
/// does not (a capital letter: the piece goes on), 4 from 0x80 (decoded).
static CLASS_AFTER: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = if i >= 0x80 {
            4
        } else if (i as u8).is_ascii_alphanumeric() {
            0
        } else {
            3
        };
        i += 1;
    }
    t
};

/// Counts a function word at a word start `at` of `b` ([`function_word_class`]
/// gave `class`) when the characters before and after it are no letter or
/// digit: then it is a piece of `split(|c: char| !c.is_alphanumeric())`.
/// `counts`: [fi, sv, en].
///
/// One word start in eight or so starts a function word: a branch, which
/// costs less than counting the others without one (20 M instructions
/// per 1,000 notices where the branch costs ~2 M).
#[inline(always)]
pub(crate) fn count_at_word_start(
    b: &[u8],
    at: usize,
    run: usize,
    class: u8,
    counts: &mut [u32; 3],
) {
    if class != 0 {
        count_function_word(b, at, run, class, counts);
    }
}

#[inline]
fn count_function_word(b: &[u8], at: usize, run: usize, class: u8, counts: &mut [u32; 3]) {
    // A word start follows no lowercase letter or digit: an ASCII byte
    // there is a capital or ends a piece; one from 0x80 ends a character
    // that is decoded.
    let before = if at > 0 { b[at - 1] } else { b' ' };
    if before < 0x80 && class < 4 {
        counts[usize::from(class - 1) % 3] += u32::from(!ASCII_ALNUM[usize::from(before)]);
    } else {
        count_decoded(b, at, run, counts);
    }
}

/// [`count_at_word_start`] where a character around the word is wider
/// than a byte (rare: a no-break space, a dash, a capital Ä before or
/// after a function word).
#[cold]
#[inline(never)]
fn count_decoded(b: &[u8], at: usize, run: usize, counts: &mut [u32; 3]) {
    let piece_edge = |c: Option<char>| !c.is_some_and(is_alphanumeric);
    // The bytes around the word are whole characters of UTF-8 text.
    let text = |r: std::ops::Range<usize>| std::str::from_utf8(&b[r]).unwrap_or("");
    let from = at.saturating_sub(4);
    let before = (from..at)
        .find(|&s| std::str::from_utf8(&b[s..at]).is_ok())
        .and_then(|s| text(s..at).chars().next_back());
    let end = at + run;
    let after = (end + 1..=(end + 4).min(b.len()))
        .find(|&e| std::str::from_utf8(&b[end..e]).is_ok())
        .and_then(|e| text(end..e).chars().next());
    if piece_edge(before) && piece_edge(after) {
        count_word(b, at, end, counts);
    }
}

/// The language with the most function words ([fi, sv, en]); Finnish on a
/// tie with it, Swedish on a tie with English.
fn verdict([fi, sv, en]: [u32; 3]) -> &'static str {
    if sv > fi && sv >= en {
        "sv"
    } else if en > fi && en > sv {
        "en"
    } else {
        "fi"
    }
}

/// Adds the function words among the first 3,000 pieces of
/// `text.split(|c: char| !c.is_alphanumeric())` to `counts`.
///
/// The text goes 64 bytes at a time: [`block_stops`] marks the bytes that
/// can end a word. In a block whose stops are all ASCII separators (the
/// usual case: the letters of Finnish and Swedish are à..ÿ, two bytes led
/// by 0xC3, which never end a word), only the words of 2 to 7 bytes (the
/// function words' lengths) are looked at: they are found with a few
/// shifts of the stop mask, where the loop over every stop spent ~22
/// instructions on each. Blocks with other stops (× and ÷, characters led
/// by other bytes, which are decoded), and the block where the 3,000th
/// piece may end, go stop by stop.
fn count_function_words(text: &str, counts: &mut [u32; 3]) {
    // Each piece but the last ends at a separator of at least one byte:
    // under 3,000 bytes there are at most 3,000 pieces and the limit
    // cannot bind.
    count_pieces(text, text.len() >= 3000, true, counts);
}

/// [`count_function_words`], among the first 3,000 pieces if `limited`,
/// else among all; with `count` false, the pieces only. Returns where the
/// 3,001st piece starts when the limit bound.
fn count_pieces(text: &str, limited: bool, count: bool, counts: &mut [u32; 3]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if crate::normalize::has_avx2() {
        // SAFETY: the CPU has AVX2 (checked at run time just above); the
        // function reads only `text`.
        return unsafe { count_pieces_avx2(text, limited, count, counts) };
    }
    if count {
        count_pieces_with::<true>(text, limited, counts, block_stops)
    } else {
        count_pieces_with::<false>(text, limited, counts, block_stops)
    }
}

/// [`count_pieces`] with [`avx2::block_stops`]: 32 bytes a compare, in
/// three-operand instructions, where the SSE2 masks spent some 100
/// instructions a block (each block of the joined notice is classified).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn count_pieces_avx2(
    text: &str,
    limited: bool,
    count: bool,
    counts: &mut [u32; 3],
) -> Option<usize> {
    let stops = |block: &[u8; 64]| avx2::block_stops(block);
    if count {
        count_pieces_with::<true>(text, limited, counts, stops)
    } else {
        count_pieces_with::<false>(text, limited, counts, stops)
    }
}

/// [`count_pieces`]'s loop, each 64-byte block's [`BlockStops`] from
/// `block_stops` (inlined into each caller, so that it is compiled with
/// the caller's target features).
#[inline(always)]
fn count_pieces_with<const COUNT: bool>(
    text: &str,
    limited: bool,
    counts: &mut [u32; 3],
    block_stops: impl Fn(&[u8; 64]) -> BlockStops,
) -> Option<usize> {
    let count_word = |b: &[u8], start: usize, end: usize, counts: &mut [u32; 3]| {
        if COUNT {
            count_word(b, start, end, counts);
        }
    };
    let b = text.as_bytes();
    // `start`: where the current piece starts; `resume`: bytes before it
    // belong to characters already dealt with; `pieces`: pieces ended so
    // far (kept exactly only for limited texts).
    let (mut start, mut resume, mut pieces) = (0, 0, 0u32);
    let mut base = 0;
    let mut padded = [b'a'; 64];
    while base < b.len() {
        let block: &[u8; 64] = match b.get(base..base + 64) {
            Some(block) => block.try_into().expect("64 bytes"),
            None => {
                // The last bytes, padded with a letter (never a stop).
                padded[..b.len() - base].copy_from_slice(&b[base..]);
                &padded
            }
        };
        let stops = block_stops(block);
        // Not simple: other stops, or piece 3,000 may end in the block.
        let simple = !(stops.other || (limited && pieces + stops.ascii.count_ones() >= 3000));
        if simple {
            let s = stops.ascii;
            if s != 0 {
                // The first stop ends the piece that began before it (not
                // before `start`: bytes from a character that an earlier
                // block stepped over are continuation bytes, which end no
                // word unless 0x97 or 0xB7, and those make a block not
                // simple).
                let first = base + s.trailing_zeros() as usize;
                if (2..=7).contains(&(first - start)) {
                    count_word(b, start, first, counts);
                }
                // The other pieces of 2 to 7 bytes end at a stop `q` with
                // none at q-1 and q-2 but one in q-8..=q-3.
                let near = s | s << 1;
                let within_6 = near | near << 2 | near << 4;
                let mut ends = s & !(near << 1) & (within_6 << 3);
                while ends != 0 {
                    let q = ends.trailing_zeros();
                    ends &= ends - 1;
                    // q >= 3 (a stop lies 3 to 8 bytes before it); the
                    // bytes since the stop before.
                    let len = (s << (64 - q)).leading_zeros() as usize;
                    let end = base + q as usize;
                    count_word(b, end - len, end, counts);
                }
                start = base + 64 - s.leading_zeros() as usize;
                resume = start;
                if limited {
                    pieces += s.count_ones();
                }
            }
        } else {
            let mut all = stops.ascii | other_stops(block);
            while all != 0 {
                let p = base + all.trailing_zeros() as usize;
                all &= all - 1;
                if p < resume {
                    continue;
                }
                let (at, len) = match stop_at(text, p, b[p]) {
                    Stop::Separator { at, len } => (at, len),
                    Stop::Letter { len } => {
                        resume = p + len;
                        continue;
                    }
                };
                if (2..=7).contains(&(at - start)) {
                    count_word(b, start, at, counts);
                }
                pieces += 1;
                start = at + len;
                // (Only when limited: unlimited, `pieces` counts those of
                // these blocks only, and stopping at 3,000 of them left the
                // function words of the texts after uncounted, where
                // `str::split` counts them.)
                if limited && pieces == 3000 {
                    return Some(start);
                }
                resume = start;
            }
        }
        base += 64;
    }
    if (2..=7).contains(&(b.len() - start)) {
        count_word(b, start, b.len(), counts);
    }
    None
}

/// Counts `b[start..end]` (2 to 7 bytes) if it is a function word.
#[inline]
fn count_word(b: &[u8], start: usize, end: usize, counts: &mut [u32; 3]) {
    let len = end - start;
    // The word's bytes as a little-endian number, the bytes past it zero.
    let key = match b.get(start..start + 8) {
        Some(eight) => {
            u64::from_le_bytes(eight.try_into().expect("8 bytes")) & (u64::MAX >> (64 - 8 * len))
        }
        None => {
            let mut k = [0u8; 8];
            k[..len].copy_from_slice(&b[start..end]);
            u64::from_le_bytes(k)
        }
    };
    let (word, lang) = FUNCTION_WORD_TABLE[function_word_slot(key)];
    // Added without a branch: about half the short words are function
    // words, and the branch was mispredicted on one call in five.
    counts[lang as usize] += u32::from(word == key);
}

/// The function words counted, each with its language (0 fi, 1 sv, 2 en).
const FUNCTION_WORDS: [(&[u8], u8); 26] = [
    (b"ja", 0),
    (b"tai", 0),
    (b"on", 0),
    (b"ei", 0),
    (b"tietoja", 0),
    (b"tiedot", 0),
    (b"sek\xc3\xa4", 0),
    (b"voi", 0),
    (b"jos", 0),
    (b"och", 1),
    (b"eller", 1),
    (b"\xc3\xa4r", 1),
    (b"att", 1),
    (b"som", 1),
    (b"f\xc3\xb6r", 1),
    (b"av", 1),
    (b"inte", 1),
    (b"and", 2),
    (b"or", 2),
    (b"the", 2),
    (b"is", 2),
    (b"of", 2),
    (b"to", 2),
    (b"we", 2),
    (b"your", 2),
    (b"not", 2),
];

/// A word's slot in [`FUNCTION_WORD_TABLE`]: a multiplicative hash, its
/// factor picked so that the 26 function words land in 26 different slots
/// of 64 (checked when the table is built).
const fn function_word_slot(key: u64) -> usize {
    (key.wrapping_mul(0x2298_bdb1_c85f_0d47) >> 58) as usize
}

/// Each slot: the function word there as a number (see [`count_word`]; 0
/// where none is: no word is empty) and its language.
static FUNCTION_WORD_TABLE: [(u64, u8); 64] = {
    let mut table = [(0u64, 0u8); 64];
    let mut i = 0;
    while i < FUNCTION_WORDS.len() {
        let (w, lang) = FUNCTION_WORDS[i];
        let mut key = 0u64;
        let mut k = 0;
        while k < w.len() {
            key |= (w[k] as u64) << (8 * k);
            k += 1;
        }
        let slot = function_word_slot(key);
        assert!(table[slot].0 == 0, "two function words share a slot");
        table[slot] = (key, lang);
        i += 1;
    }
    table
};

/// What the byte `x` at `i` of `text`, one that [`IN_WORD`] does not step
/// over, stands for.
enum Stop {
    /// A character that ends a word: where it starts, and its length.
    Separator { at: usize, len: usize },
    /// A letter or digit beyond à..ÿ, `len` bytes long.
    Letter { len: usize },
}

#[inline]
fn stop_at(text: &str, i: usize, x: u8) -> Stop {
    if x < 0x80 {
        Stop::Separator { at: i, len: 1 }
    } else if x == 0x97 || x == 0xb7 {
        // × or ÷, seen at their second byte: the lead byte 0xC3 is just
        // before (valid UTF-8).
        Stop::Separator { at: i - 1, len: 2 }
    } else {
        let c = text[i..].chars().next().unwrap_or(' ');
        if is_alphanumeric(c) {
            Stop::Letter { len: c.len_utf8() }
        } else {
            Stop::Separator {
                at: i,
                len: c.len_utf8(),
            }
        }
    }
}

/// The bytes of a 64-byte block outside [`IN_WORD`] (bit k: byte k).
#[derive(Debug, PartialEq, Eq)]
struct BlockStops {
    /// ASCII bytes but letters and digits: each ends a word.
    ascii: u64,
    /// Whether there are others: lead bytes but 0xC3, and 0x97 and 0xB7
    /// (see [`stop_at`]), where [`other_stops`] tells which.
    other: bool,
}

/// [`BlockStops`], 16 bytes at a time with SSE2 (part of every x86-64
/// CPU).
#[cfg(target_arch = "x86_64")]
fn block_stops(block: &[u8; 64]) -> BlockStops {
    // SAFETY: SSE2 is part of x86-64 itself (every x86_64 target enables
    // it); the function reads only its argument.
    unsafe { sse2::block_stops(block) }
}

/// [`BlockStops`] 32 bytes at a time with AVX2 (for CPUs that have it:
/// see [`count_pieces`]).
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::{
        __m256i, _mm256_add_epi8, _mm256_andnot_si256, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8,
        _mm256_max_epu8, _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
        _mm256_setr_epi64x, _mm256_testz_si256,
    };

    use super::BlockStops;

    #[target_feature(enable = "avx2")]
    pub(super) fn block_stops(block: &[u8; 64]) -> BlockStops {
        let (lo, hi) = block.split_at(32);
        let (lo, hi) = (
            load(lo.try_into().expect("32 bytes")),
            load(hi.try_into().expect("32 bytes")),
        );
        let others = _mm256_or_si256(other32(lo), other32(hi));
        BlockStops {
            ascii: u64::from(ascii_stops32(lo)) | u64::from(ascii_stops32(hi)) << 32,
            other: _mm256_testz_si256(others, others) == 0,
        }
    }

    /// One 32-byte load: the words in memory order (LLVM makes the same
    /// words given highest first, by `_mm256_set_epi64x`, into four loads
    /// and three shuffles).
    #[target_feature(enable = "avx2")]
    pub(crate) fn load(chunk: &[u8; 32]) -> __m256i {
        let word =
            |k: usize| i64::from_le_bytes(chunk[8 * k..8 * k + 8].try_into().expect("8 bytes"));
        _mm256_setr_epi64x(word(0), word(1), word(2), word(3))
    }

    /// The ASCII bytes but letters and digits.
    #[target_feature(enable = "avx2")]
    fn ascii_stops32(v: __m256i) -> u32 {
        // Capitals folded onto small letters by setting bit 5 (which
        // brings no other byte into a..z).
        let folded = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
        let alnum = _mm256_or_si256(in_range(folded, b'a', 26), in_range(v, b'0', 10));
        // The high bit: a letter or digit, or a byte from 0x80.
        !(_mm256_movemask_epi8(_mm256_or_si256(alnum, v)) as u32)
    }

    /// Bytes lo..lo+n, as one signed comparison: x - lo + 0x80 is below
    /// -128 + n exactly for x in the range.
    #[target_feature(enable = "avx2")]
    fn in_range(x: __m256i, lo: u8, n: u8) -> __m256i {
        _mm256_cmpgt_epi8(
            _mm256_set1_epi8((0x80 + n) as i8),
            _mm256_add_epi8(x, _mm256_set1_epi8(0x80_u8.wrapping_sub(lo) as i8)),
        )
    }

    /// As `sse2::other16`: lead bytes 0xC0..=0xFF but 0xC3, and 0x97 and
    /// 0xB7.
    #[target_feature(enable = "avx2")]
    fn other32(v: __m256i) -> __m256i {
        let lead = _mm256_cmpeq_epi8(_mm256_max_epu8(v, _mm256_set1_epi8(0xc0_u8 as i8)), v);
        let c3 = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0xc3_u8 as i8));
        let folded = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
        let times_divide = _mm256_cmpeq_epi8(folded, _mm256_set1_epi8(0xb7_u8 as i8));
        _mm256_or_si256(_mm256_andnot_si256(c3, lead), times_divide)
    }
}

/// The bytes of [`BlockStops::other`].
#[cfg(target_arch = "x86_64")]
fn other_stops(block: &[u8; 64]) -> u64 {
    // SAFETY: as in `block_stops`.
    unsafe { sse2::other_stops(block) }
}

#[cfg(not(target_arch = "x86_64"))]
fn block_stops(block: &[u8; 64]) -> BlockStops {
    block_stops_bytewise(block)
}

#[cfg(not(target_arch = "x86_64"))]
fn other_stops(block: &[u8; 64]) -> u64 {
    other_stops_bytewise(block)
}

/// [`BlockStops`] a byte at a time, by [`IN_WORD`].
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn block_stops_bytewise(block: &[u8; 64]) -> BlockStops {
    let mut ascii = 0;
    for (k, &x) in block.iter().enumerate() {
        ascii |= u64::from(x < 0x80 && !IN_WORD[x as usize]) << k;
    }
    BlockStops {
        ascii,
        other: other_stops_bytewise(block) != 0,
    }
}

/// [`other_stops`] a byte at a time, by [`IN_WORD`].
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn other_stops_bytewise(block: &[u8; 64]) -> u64 {
    let mut other = 0;
    for (k, &x) in block.iter().enumerate() {
        other |= u64::from(x >= 0x80 && !IN_WORD[x as usize]) << k;
    }
    other
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_max_epu8,
        _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x,
    };

    use super::BlockStops;

    #[target_feature(enable = "sse2")]
    pub(super) fn block_stops(block: &[u8; 64]) -> BlockStops {
        let (mut ascii, mut others) = (0u64, _mm_set1_epi8(0));
        for (k, chunk) in block.chunks_exact(16).enumerate() {
            let v = load(chunk);
            // Capitals folded onto small letters by setting bit 5 (which
            // brings no other byte into a..z).
            let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
            let alnum = _mm_or_si128(in_range(folded, b'a', 26), in_range(v, b'0', 10));
            // movemask(v): the bytes from 0x80.
            let non_ascii = _mm_movemask_epi8(v) as u32;
            let ascii16 = !(_mm_movemask_epi8(alnum) as u32 | non_ascii) & 0xffff;
            ascii |= u64::from(ascii16) << (16 * k);
            others = _mm_or_si128(others, other16(v));
        }
        BlockStops {
            ascii,
            other: _mm_movemask_epi8(others) != 0,
        }
    }

    #[target_feature(enable = "sse2")]
    pub(super) fn other_stops(block: &[u8; 64]) -> u64 {
        let mut other = 0u64;
        for (k, chunk) in block.chunks_exact(16).enumerate() {
            let others = _mm_movemask_epi8(other16(load(chunk))) as u32;
            other |= u64::from(others) << (16 * k);
        }
        other
    }

    #[target_feature(enable = "sse2")]
    fn load(chunk: &[u8]) -> __m128i {
        let lo = i64::from_le_bytes(chunk[..8].try_into().expect("8 bytes"));
        let hi = i64::from_le_bytes(chunk[8..16].try_into().expect("8 bytes"));
        _mm_set_epi64x(hi, lo)
    }

    /// Bytes lo..lo+n, as one signed comparison: x - lo + 0x80 is below
    /// -128 + n exactly for x in the range.
    #[target_feature(enable = "sse2")]
    fn in_range(x: __m128i, lo: u8, n: u8) -> __m128i {
        _mm_cmplt_epi8(
            _mm_add_epi8(x, _mm_set1_epi8(0x80_u8.wrapping_sub(lo) as i8)),
            _mm_set1_epi8((0x80 + n) as i8),
        )
    }

    /// Lead bytes 0xC0..=0xFF but 0xC3, and 0x97 and 0xB7 (the only bytes
    /// that come out as 0xB7 with bit 5 set).
    #[target_feature(enable = "sse2")]
    fn other16(v: __m128i) -> __m128i {
        let lead = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0xc0_u8 as i8)), v);
        let c3 = _mm_cmpeq_epi8(v, _mm_set1_epi8(0xc3_u8 as i8));
        let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
        let times_divide = _mm_cmpeq_epi8(folded, _mm_set1_epi8(0xb7_u8 as i8));
        _mm_or_si128(_mm_andnot_si128(c3, lead), times_divide)
    }
}

/// The bytes [`count_function_words`] steps over inside a word.
static IN_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let x = i as u8;
        t[i] = x.is_ascii_alphanumeric()
            || x == 0xc3
            || (x >= 0x80 && x < 0xc0 && x != 0x97 && x != 0xb7);
        i += 1;
    }
    t
};

/// `u8::is_ascii_alphanumeric` as a table.
static ASCII_ALNUM: [bool; 128] = {
    let mut t = [false; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = (i as u8).is_ascii_alphanumeric();
        i += 1;
    }
    t
};

/// `char::is_alphanumeric`, with Latin-1 and general punctuation (what
/// notices have besides ASCII) answered without the Unicode tables.
fn is_alphanumeric(c: char) -> bool {
    match c as u32 {
        0..=0x7f => ASCII_ALNUM[c as usize],
        // ª ² ³ µ ¹ º ¼ ½ ¾, and the letters but × and ÷.
        0x80..=0xbf => matches!(
            c as u32,
            0xaa | 0xb2 | 0xb3 | 0xb5 | 0xb9 | 0xba | 0xbc | 0xbd | 0xbe
        ),
        0xc0..=0xff => c != '\u{d7}' && c != '\u{f7}',
        0x2000..=0x206f => false,
        _ => c.is_alphanumeric(),
    }
}

#[cfg(test)]
mod tests {
    use super::{stop_at, Stop, IN_WORD};

    /// Which language's function word `w` is (0 fi, 1 sv, 2 en): the
    /// match the hashed table replaced.
    fn function_word(w: &[u8]) -> Option<usize> {
        Some(match w {
            b"ja" | b"tai" | b"on" | b"ei" | b"tietoja" | b"tiedot" | b"sek\xc3\xa4" | b"voi"
            | b"jos" => 0,
            b"och" | b"eller" | b"\xc3\xa4r" | b"att" | b"som" | b"f\xc3\xb6r" | b"av"
            | b"inte" => 1,
            b"and" | b"or" | b"the" | b"is" | b"of" | b"to" | b"we" | b"your" | b"not" => 2,
            _ => return None,
        })
    }

    /// The counting that the 64-byte blocks replaced: a table loop over
    /// the bytes inside words, each stop looked at in turn.
    fn reference_count(text: &str, counts: &mut [u32; 3]) {
        let b = text.as_bytes();
        let (mut pieces, mut start, mut i) = (0, 0, 0);
        loop {
            while i < b.len() && IN_WORD[b[i] as usize] {
                i += 1;
            }
            let Some(&x) = b.get(i) else {
                break;
            };
            let (at, len) = match stop_at(text, i, x) {
                Stop::Separator { at, len } => (at, len),
                Stop::Letter { len } => {
                    i += len;
                    continue;
                }
            };
            if let Some(lang) = function_word(&b[start..at]) {
                counts[lang] += 1;
            }
            pieces += 1;
            if pieces == 3000 {
                return;
            }
            start = at + len;
            i = start;
        }
        if let Some(lang) = function_word(&b[start..]) {
            counts[lang] += 1;
        }
    }

    /// The byte-wise splitting counts the same words as `str::split`.
    #[test]
    fn language_split_matches_str_split() {
        fn reference(n: &crate::schema::Notice) -> &'static str {
            let (mut fi, mut sv, mut en) = (0, 0, 0);
            for (_, t) in n.texts() {
                for w in t.text.split(|c: char| !c.is_alphanumeric()).take(3000) {
                    match w {
                        "ja" | "tai" | "on" | "ei" | "tietoja" | "tiedot" | "sekä" | "voi"
                        | "jos" => fi += 1,
                        "och" | "eller" | "är" | "att" | "som" | "för" | "av" | "inte" => sv += 1,
                        "and" | "or" | "the" | "is" | "of" | "to" | "we" | "your" | "not" => {
                            en += 1
                        }
                        _ => {}
                    }
                }
            }
            if sv > fi && sv >= en {
                "sv"
            } else if en > fi && en > sv {
                "en"
            } else {
                "fi"
            }
        }
        let linter = super::Linter::builtin();
        let mut cases = vec![
            "och och ja".to_string(),
            "the and – ja, och·är".to_string(),
            "and ".repeat(3100) + &"ja ".repeat(10),
            "x".repeat(2999) + " och och och och",
            "och–the the".to_string(),
            "ja tai\u{a0}on ei och är¹ för".to_string(),
            format!("{}och och", ",".repeat(2998)),
            format!("{}och och", ",".repeat(2999)),
            "och×och ÷ och ja äja jaä ÿja".to_string(),
        ];
        cases.push(
            std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/languages/dataskyddsbeskrivning.md"
            ))
            .unwrap_or_default(),
        );
        // Fixture and corpus text, 40 lines a notice.
        for chunk in crate::sample_file_lines().chunks(40) {
            cases.push(chunk.join("\n"));
        }
        let mut markdown = vec![
            format!(
                "# Ja\n\nja ja\n\n# B\n\n{}\n\n# C\n\noch och och",
                "and ".repeat(900)
            ),
            format!(
                "# A\n\n{}\n\n# Tai\n\n{}",
                "och ".repeat(800),
                "ja ".repeat(1100)
            ),
            format!("Otsikko\n\n{}ja", "the, ".repeat(700)),
            // Over 3,000 pieces in texts under 3,000 bytes, in blocks with
            // a dash: all are counted (the count stopped at 3,000 of them,
            // before the 300 "ja", and said "sv").
            format!(
                "{}# Loppu\n\n{}",
                "# Osa\n\noch – x – x – x – x – x – x – x – x – x – x\n\n".repeat(200),
                "ja ".repeat(300)
            ),
        ];
        markdown.extend(
            cases
                .iter()
                .map(|c| format!("# Otsikko\n\n{c}\n\n## Och\n\n{c}")),
        );
        let notices = cases
            .iter()
            .map(|c| (c, crate::parse::Format::Text))
            .chain(markdown.iter().map(|c| (c, crate::parse::Format::Markdown)));
        for (c, format) in notices {
            let n = linter.notice(c, format);
            let want = reference(&n);
            assert_eq!(super::detect_language(&n), want, "{c:.60}");
            // From the texts as the engine joins them.
            let result = linter.engine.lint(&n, c, &linter.options);
            assert_eq!(result.language, want, "{c:.60}");
        }
    }

    /// The SSE2 counting agrees with `str::split` on random strings over
    /// the characters its branches care about, and on corpus lines.
    #[test]
    fn counting_agrees_with_split() {
        fn reference(t: &str) -> [u32; 3] {
            let mut counts = [0; 3];
            for w in t.split(|c: char| !c.is_alphanumeric()).take(3000) {
                if let Some(l) = function_word(w.as_bytes()) {
                    counts[l] += 1;
                }
            }
            counts
        }
        const ALPHABET: &[&str] = &[
            "ja",
            "och",
            "and",
            "är",
            "för",
            "sekä",
            "a",
            "Z",
            "7",
            " ",
            " ",
            ",",
            "-",
            "×",
            "÷",
            "ä",
            "Ö",
            "\u{2017}",
            "\u{2037}",
            "’",
            "–",
            "š",
            "ª",
            "²",
            "\u{a0}",
            "\u{2003}",
            "\u{3042}",
            "ﬁ",
            "\u{1f600}",
            "\n",
            "tietoja",
            "tietojaa",
            "Ja",
            "the",
            "your",
            "eller",
            "ä",
            "ö",
            "·",
            "ŷ",
            "ė",
            "—",
            "ok",
            "abcdefgh",
        ];
        let mut next = crate::xorshift(0x2545_f491_4f6c_dd1d);
        // Mostly within one 64-byte block; some over several blocks; some
        // over 3,000 bytes, where the 3,000-piece limit can bind.
        let mut texts: Vec<String> = (0..20_000)
            .map(|_| {
                let len = match next() % 20 {
                    0..=13 => next() % 40,
                    14..=18 => next() % 400,
                    _ => 1000 + next() % 2500,
                } as usize;
                (0..len)
                    .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                    .collect()
            })
            .collect();
        texts.extend(crate::sample_file_lines());
        texts.push("och ".repeat(800));
        texts.push(format!("{}och och", ",".repeat(2990)));
        for n in [2990, 2995, 2998, 2999, 3000, 3001, 3010] {
            texts.push(format!("{}och och och", ",".repeat(n)));
            texts.push(format!("{}och och och", "ja ".repeat(n / 3)));
            texts.push(format!("{}och och och", "–".repeat(n / 3)));
        }
        for t in &texts {
            let mut got = [0; 3];
            super::count_function_words(t, &mut got);
            assert_eq!(got, reference(t), "{t:?}");
            let mut old = [0; 3];
            reference_count(t, &mut old);
            assert_eq!(got, old, "{t:?}");
            // The SSE2 masks (`count_function_words` takes AVX2 when the
            // CPU has it).
            let mut sse2 = [0; 3];
            super::count_pieces_with::<true>(t, t.len() >= 3000, &mut sse2, super::block_stops);
            assert_eq!(sse2, old, "{t:?}");
        }
    }

    /// Counts recorded for the whole joined text (as the word index
    /// records them) and those past each long text's 3,000th piece taken
    /// off are the counts of the separate pass, on random joined texts
    /// with texts of every length about the limit.
    #[test]
    fn recorded_counts_with_the_long_texts_cut_are_the_pass_counts() {
        let pieces = [
            "ja",
            "och",
            "the",
            " ",
            " ",
            ",",
            "–",
            "\u{a0}",
            "Ä",
            "x",
            "är",
            "ja ja ja ",
        ];
        let mut next = crate::xorshift(0x0bad_5eed_1234_5678);
        for round in 0..400 {
            let mut joined = String::new();
            let mut starts = Vec::new();
            for _ in 0..1 + round % 5 {
                let n = match next() % 4 {
                    0 => (next() % 50) as usize,
                    1 => 400 + (next() % 800) as usize,
                    _ => 1000 + (next() % 3000) as usize,
                };
                starts.push(joined.len());
                joined.push_str(&crate::random_text(&mut next, &pieces, n));
                joined.push('\n');
            }
            let want = super::counts_by_pass(&joined, &starts);
            let indexed = Some(super::all_function_words(&joined));
            assert_eq!(
                super::joined_counts(&joined, &starts, indexed),
                want,
                "{joined:?}"
            );
            assert_eq!(
                super::joined_counts(&joined, &starts, None),
                want,
                "{joined:?}"
            );
        }
    }

    /// A word start's class, from the text and from the memo's key, is
    /// the function word that the piece there would be, given the bytes
    /// around it: on each listed word, its neighbours by one letter, and
    /// random words, before every kind of byte.
    #[test]
    fn function_word_classes_agree_with_the_match() {
        let mut words: Vec<Vec<u8>> = super::FUNCTION_WORDS
            .iter()
            .map(|(w, _)| w.to_vec())
            .collect();
        for w in super::FUNCTION_WORDS.iter().map(|(w, _)| *w) {
            words.push(w[..w.len() - 1].to_vec());
            words.push([w, b"s"].concat());
            words.push([w, b"ttttt"].concat());
        }
        let mut next = crate::xorshift(0x1234_5678_9abc_def1);
        for _ in 0..20_000 {
            let len = 1 + (next() % 12) as usize;
            words.push(
                (0..len)
                    .map(|_| b"jaoneitsvkrhdfu"[(next() % 15) as usize])
                    .collect(),
            );
        }
        let afters: [&[u8]; 9] = [
            b"",
            b" x",
            b"Ab",
            b"9",
            b",",
            b"\xc3\x84",
            b"\xc2\xa0",
            b"\n",
            b"_",
        ];
        for w in &words {
            for after in afters {
                let b = [&w[..], after, b"           and more"].concat();
                let tail = &b[..w.len() + after.len()];
                let want = match function_word(w) {
                    None => 0,
                    Some(_) if after.first().is_some_and(|&x| x >= 0x80) => 4,
                    Some(_) if after.first().is_some_and(u8::is_ascii_alphanumeric) => 0,
                    Some(l) => l as u8 + 1,
                };
                assert_eq!(super::function_word_class(tail, 0, w.len()), want, "{b:?}");
                assert_eq!(super::function_word_class(&b, 0, w.len()), want, "{b:?}");
                // The memo's key: the word and the byte after, the rest 0.
                let n = (w.len() + 1).min(8);
                let mut k = [0u8; 8];
                k[..n].copy_from_slice(&b[..n]);
                let key = u64::from_le_bytes(k);
                assert_eq!(super::function_word_class_of(key, w.len()), want, "{b:?}");
            }
        }
    }

    /// The SSE2 and AVX2 block masks are the byte table's, on random bytes
    /// (UTF-8 or not) and on each byte value repeated.
    #[test]
    fn block_stops_agree_with_the_byte_table() {
        let mut next = crate::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut blocks: Vec<[u8; 64]> = (0..=255u8).map(|x| [x; 64]).collect();
        for _ in 0..100_000 {
            let mut block = [0u8; 64];
            for x in block.iter_mut() {
                *x = next() as u8;
            }
            blocks.push(block);
        }
        for block in &blocks {
            assert_eq!(
                super::block_stops(block),
                super::block_stops_bytewise(block),
                "{block:?}"
            );
            assert_eq!(
                super::other_stops(block),
                super::other_stops_bytewise(block),
                "{block:?}"
            );
            #[cfg(target_arch = "x86_64")]
            if crate::normalize::has_avx2() {
                // SAFETY: the CPU has AVX2 (checked just above).
                let avx2 = unsafe { super::avx2::block_stops(block) };
                assert_eq!(avx2, super::block_stops_bytewise(block), "{block:?}");
            }
        }
    }

    /// The hashed table finds exactly the listed words, with bytes after
    /// the word (read and masked) and without (copied).
    #[test]
    fn hashed_function_words_agree_with_the_match() {
        let mut words: Vec<Vec<u8>> = super::FUNCTION_WORDS
            .iter()
            .map(|(w, _)| w.to_vec())
            .collect();
        for w in super::FUNCTION_WORDS.iter().map(|(w, _)| *w) {
            for k in 0..w.len() {
                let mut v = w.to_vec();
                v[k] ^= 0x20;
                words.push(v);
                words.push(w[..k].to_vec());
                words.push([w, b"s"].concat());
            }
        }
        let mut next = crate::xorshift(0x1234_5678_9abc_def1);
        for _ in 0..100_000 {
            let len = 2 + (next() % 6) as usize;
            words.push(
                (0..len)
                    .map(|_| b"jaoneitsvkrhdfu"[(next() % 15) as usize])
                    .collect(),
            );
        }
        for w in words.iter().filter(|w| (2..=7).contains(&w.len())) {
            let want = function_word(w).map_or([0; 3], |l| {
                let mut c = [0; 3];
                c[l] = 1;
                c
            });
            for tail in [&b""[..], b" and more"] {
                let b = [&w[..], tail].concat();
                let mut got = [0; 3];
                super::count_word(&b, 0, w.len(), &mut got);
                assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&b));
            }
        }
    }

    #[test]
    fn fast_alphanumeric_agrees_with_unicode() {
        for c in (0..0x3000).filter_map(char::from_u32) {
            assert_eq!(super::is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn function_words_are_the_listed_ones() {
        let words = [
            ("ja", Some(0)),
            ("sekä", Some(0)),
            ("tietoja", Some(0)),
            ("är", Some(1)),
            ("för", Some(1)),
            ("inte", Some(1)),
            ("your", Some(2)),
            ("not", Some(2)),
            ("sek", None),
            ("j", None),
            ("", None),
            ("tietojaa", None),
        ];
        for (w, lang) in words {
            assert_eq!(function_word(w.as_bytes()), lang, "{w}");
        }
    }
}

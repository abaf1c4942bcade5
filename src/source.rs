//! Reading a notice: bytes to text, and byte offsets to line and column.
//!
//! Decoding follows the WHATWG order for web pages: a byte-order mark wins,
//! then a `<meta charset>` found in the first 1024 bytes, then UTF-8 if the
//! bytes are valid UTF-8, and Windows-1252 (the web's ISO-8859-1) otherwise,
//! which is what old Finnish pages are written in. All offsets in seloste are
//! byte offsets into the decoded UTF-8 text (BOM removed); line and column are
//! what an editor shows: 1-based lines, 1-based columns counted in characters.

use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// Why a file could not be read as a notice. Each variant renders as a
/// one-line reason that the CLI prints after the file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    Empty,
    Binary(&'static str),
    TooLarge { size: u64, limit: u64 },
    Undecodable(String),
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::Empty => write!(f, "the file is empty (no text to check)"),
            SourceError::Binary(kind) => {
                write!(f, "this is a binary file ({kind}), not a text or HTML notice")
            }
            SourceError::TooLarge { size, limit } if *limit == MAX_TEXT as u64 => write!(
                f,
                "the text is {size} bytes, over the {limit} bytes that seloste can index"
            ),
            SourceError::TooLarge { size, limit } => write!(
                f,
                "the file is {size} bytes, over the limit of {limit} bytes (raise it with --max-file-size)"
            ),
            SourceError::Undecodable(why) => write!(f, "the bytes cannot be decoded as text: {why}"),
        }
    }
}

/// The decoded text of one file plus its line index.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub text: String,
    /// The encoding the bytes were decoded from (WHATWG name).
    pub encoding: &'static str,
    /// The offset of each line's start, made on first use: the JSON report
    /// finds its few spans' lines in one counting pass up to the last of
    /// them ([`SourceText::line_cols_ascending`]), and building the table
    /// for every file was ~5.6 M instructions and 90 K mispredicted branches
    /// of 1,000 notices.
    line_starts: OnceLock<Vec<u32>>,
    /// `char_marks[k]`: characters before byte `k * MARK` (floored to a
    /// character boundary), so that a column on a long line costs at most
    /// `2 * MARK` bytes of counting instead of the whole line: a 10 MB
    /// one-line page with many findings was quadratic. Counted on first use:
    /// only a line over `2 * MARK` bytes needs them, and counting every
    /// file's characters up front was ~1 µs per notice.
    char_marks: OnceLock<Vec<u32>>,
}

/// Appends 0 and the offset after each `\n` of `text`.
fn push_line_starts(text: &[u8], out: &mut Vec<u32>) {
    out.push(0);
    #[cfg(not(target_arch = "x86_64"))]
    let from = 0;
    #[cfg(target_arch = "x86_64")]
    let from = {
        // 64 bytes at a time as a bit mask of their newlines: `memchr_iter`
        // restarted its vector search after every line of ~40 bytes, about
        // 1.2 instructions a byte of every file.
        let chunks = text.chunks_exact(64);
        let tail = text.len() - chunks.remainder().len();
        for (k, chunk) in chunks.enumerate() {
            // SAFETY: SSE2 is part of x86-64 itself (every x86_64 target
            // enables it); the function reads only `chunk`.
            let mut m = unsafe { newline_mask64(chunk.try_into().expect("64 bytes")) };
            while m != 0 {
                out.push((k * 64) as u32 + m.trailing_zeros() + 1);
                m &= m - 1;
            }
        }
        tail
    };
    for i in memchr::memchr_iter(b'\n', &text[from..]) {
        out.push((from + i) as u32 + 1);
    }
}

/// Bit `i` set when `chunk[i]` is `\n` (also the plain-text parser's line
/// finder).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
pub(crate) fn newline_mask64(chunk: &[u8; 64]) -> u64 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_set1_epi8, _mm_set_epi64x};
    let nl = _mm_set1_epi8(b'\n' as i8);
    let mut m = 0u64;
    for (k, quarter) in chunk.chunks_exact(16).enumerate() {
        let lo = i64::from_le_bytes(quarter[..8].try_into().expect("8 bytes"));
        let hi = i64::from_le_bytes(quarter[8..].try_into().expect("8 bytes"));
        let eq = _mm_cmpeq_epi8(_mm_set_epi64x(hi, lo), nl);
        m |= u64::from(_mm_movemask_epi8(eq) as u16) << (16 * k);
    }
    m
}

/// How many `\n` bytes `bytes` has: in byte lanes, 64 bytes a step, with
/// SSE2 (memchr's count made a bit mask of every 32 bytes and counted its
/// bits without `popcnt`: 0.36 instructions a byte, this ~0.2).
fn count_newlines(bytes: &[u8]) -> usize {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of x86-64 itself (every x86_64 target enables it).
    return unsafe { count_newlines_sse2(bytes) };
    #[cfg(not(target_arch = "x86_64"))]
    memchr::memchr_iter(b'\n', bytes).count()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn count_newlines_sse2(bytes: &[u8]) -> usize {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi64, _mm_cmpeq_epi8, _mm_cvtsi128_si64, _mm_loadu_si128, _mm_sad_epu8,
        _mm_set1_epi8, _mm_setzero_si128, _mm_srli_si128, _mm_sub_epi8,
    };
    let nl = _mm_set1_epi8(b'\n' as i8);
    let zero = _mm_setzero_si128();
    // The lanes' sums, in two 64-bit halves.
    let sum = |lanes: __m128i| {
        let sums = _mm_sad_epu8(lanes, zero);
        _mm_cvtsi128_si64(_mm_add_epi64(sums, _mm_srli_si128::<8>(sums))) as usize
    };
    // A newline's lane is all ones (-1): subtracting it adds 1.
    let add = |lanes: __m128i, piece: &[u8]| {
        debug_assert_eq!(piece.len(), 16);
        // SAFETY: an unaligned 16-byte load of the 16 bytes of `piece`.
        let v = unsafe { _mm_loadu_si128(piece.as_ptr().cast::<__m128i>()) };
        _mm_sub_epi8(lanes, _mm_cmpeq_epi8(v, nl))
    };
    let mut total = 0;
    let (body, rest) = bytes.split_at(bytes.len() - bytes.len() % 64);
    // A lane counts at most 4 × 63 = 252 newlines before it is summed.
    for group in body.chunks(64 * 63) {
        let mut lanes = zero;
        for block in group.chunks_exact(64) {
            for k in 0..4 {
                lanes = add(lanes, &block[16 * k..16 * k + 16]);
            }
        }
        total += sum(lanes);
    }
    // Up to three 16-byte pieces, then up to 15 bytes one by one.
    let (pieces, tail) = rest.split_at(rest.len() - rest.len() % 16);
    if !pieces.is_empty() {
        total += sum(pieces.chunks_exact(16).fold(zero, add));
    }
    total + tail.iter().filter(|&&b| b == b'\n').count()
}

/// Spacing of [`SourceText`]'s character-count marks, in bytes.
const MARK: usize = 4096;

/// A 1-based line and column (column in Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

impl SourceText {
    pub fn new(text: String, encoding: &'static str) -> Self {
        SourceText {
            text,
            encoding,
            line_starts: OnceLock::new(),
            char_marks: OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut line_starts = SPARE_SOURCE.with(|s| std::mem::take(&mut s.borrow_mut().1));
            line_starts.clear();
            line_starts.reserve(self.text.len() / 40 + 1);
            push_line_starts(self.text.as_bytes(), &mut line_starts);
            line_starts
        })
    }

    /// Gives the text's and the line table's buffers to the next file
    /// decoded on this thread: a notice's text (~9 KB) was the largest
    /// chunk freed per file, and its allocation at the next file made glibc
    /// sort every chunk the previous notice had freed. (Buffers over 1 MB
    /// are let go.)
    ///
    /// The text goes back with its bytes left in place: it is the next
    /// file's read buffer (see [`take_spare_bytes`]), and a buffer whose
    /// length covers it needs no zeroing before a read.
    pub fn recycle(self) {
        let (text, line_starts) = (self.text, self.line_starts.into_inner());
        keep_spare_bytes(text.into_bytes());
        if let Some(mut line_starts) = line_starts {
            line_starts.clear();
            if line_starts.capacity() <= 1 << 18 {
                SPARE_SOURCE.with(|s| s.borrow_mut().1 = line_starts);
            }
        }
    }

    fn char_marks(&self) -> &[u32] {
        self.char_marks.get_or_init(|| {
            let text = &self.text;
            let mut char_marks = Vec::with_capacity(text.len() / MARK + 1);
            let (mut prev, mut count) = (0, 0);
            for k in 0..=text.len() / MARK {
                let at = crate::parse::floor_char_boundary(text, k * MARK);
                count += text[prev..at].chars().count();
                char_marks.push(count as u32);
                prev = at;
            }
            char_marks
        })
    }

    /// Characters in `text[..off]` (`off` on a character boundary).
    fn chars_before(&self, off: usize) -> usize {
        let k = off / MARK;
        let at = crate::parse::floor_char_boundary(&self.text, k * MARK);
        self.char_marks()[k] as usize + self.text[at..off].chars().count()
    }

    /// Decodes raw bytes (see the module docs for the order of precedence).
    pub fn decode(bytes: &[u8]) -> Result<SourceText, SourceError> {
        SourceText::decode_bytes(Bytes::Borrowed(bytes))
    }

    /// [`SourceText::decode`] of a buffer it may keep: valid UTF-8 (nearly
    /// every notice) becomes the text without being copied (a 9 KB copy
    /// was ~9,000 instructions a notice, a third of decoding).
    pub fn decode_buffer(bytes: Vec<u8>) -> Result<SourceText, SourceError> {
        SourceText::decode_bytes(Bytes::Owned(bytes))
    }

    fn decode_bytes(bytes: Bytes<'_>) -> Result<SourceText, SourceError> {
        // Before decoding (no point in it) and after (Windows-1252 can
        // triple in UTF-8).
        check_size(bytes.as_slice().len())?;
        let text = SourceText::decode_unchecked(bytes)?;
        check_size(text.text.len())?;
        Ok(text)
    }

    fn decode_unchecked(buffer: Bytes<'_>) -> Result<SourceText, SourceError> {
        let bytes = buffer.as_slice();
        if bytes.is_empty() {
            return Err(SourceError::Empty);
        }
        if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
            let body = &bytes[bom_len..];
            let (text, had_errors) = enc.decode_without_bom_handling(body);
            if had_errors && enc == UTF_8 {
                return Err(SourceError::Undecodable(
                    "it starts with a UTF-8 byte-order mark but contains invalid UTF-8".into(),
                ));
            }
            let text = text.into_owned();
            if text.trim().is_empty() {
                return Err(SourceError::Empty);
            }
            return Ok(SourceText::new(text, enc.name()));
        }
        let head_has_nul = match sniff_head(bytes) {
            Ok(nul) => nul,
            Err(kind) => return Err(SourceError::Binary(kind)),
        };
        // UTF-16 without a BOM is rare but shows up as every other byte NUL.
        if bytes.len() >= 4 && bytes.len().is_multiple_of(2) {
            let even_nul = bytes
                .iter()
                .step_by(2)
                .take(64)
                .filter(|&&b| b == 0)
                .count();
            let odd_nul = bytes
                .iter()
                .skip(1)
                .step_by(2)
                .take(64)
                .filter(|&&b| b == 0)
                .count();
            let n = bytes.len().min(128) / 2;
            let utf16 = if odd_nul * 10 >= n * 9 {
                Some(UTF_16LE)
            } else if even_nul * 10 >= n * 9 {
                Some(UTF_16BE)
            } else {
                None
            };
            if let Some(enc) = utf16 {
                let text = decode_with(bytes, enc);
                if text.text.trim().is_empty() {
                    return Err(SourceError::Empty);
                }
                return Ok(text);
            }
        }
        // memchr's vector search: `<[u8]>::contains` was a third of decoding.
        // The head's NUL bytes were looked for by `sniff_head`.
        if head_has_nul || memchr::memchr(0, &bytes[bytes.len().min(HEAD)..]).is_some() {
            return Err(SourceError::Binary("it contains NUL bytes"));
        }
        // encoding_rs validates UTF-8 the same way as `str::from_utf8` (no
        // surrogates, overlongs or code points past U+10FFFF) but several
        // times faster on Finnish text, whose ä and ö keep breaking the
        // standard library's ASCII fast path (6.5 → 0.9 µs per notice).
        // A page that is valid UTF-8 is read as UTF-8 even when its meta
        // tag claims Latin-1: the tag is the stale part.
        let text = match buffer {
            Bytes::Owned(bytes) => {
                if UTF_8
                    .decode_without_bom_handling_and_without_replacement(&bytes)
                    .is_some()
                {
                    // SAFETY: encoding_rs has just validated `bytes` as
                    // UTF-8 (the same rules as `str::from_utf8`).
                    // `String::from_utf8` would validate them a second
                    // time with the standard library's validator, several
                    // times slower on Finnish text (see above) and dearer
                    // than the copy this saves.
                    let text = unsafe { String::from_utf8_unchecked(bytes) };
                    SourceText::new(text, "UTF-8")
                } else {
                    decode_legacy(&bytes)
                }
            }
            Bytes::Borrowed(bytes) => {
                match UTF_8.decode_without_bom_handling_and_without_replacement(bytes) {
                    Some(s) => {
                        let mut spare = take_spare_bytes();
                        spare.clear();
                        let mut text = String::from_utf8(spare).expect("an empty buffer");
                        text.push_str(&s);
                        SourceText::new(text, "UTF-8")
                    }
                    None => decode_legacy(bytes),
                }
            }
        };
        if text.text.trim().is_empty() {
            return Err(SourceError::Empty);
        }
        Ok(text)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// The byte offset where 0-based line `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts()
            .get(line)
            .map(|&s| s as usize)
            .unwrap_or(self.text.len())
    }

    /// 0-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        self.line_starts()
            .partition_point(|&s| s as usize <= offset)
            - 1
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        let start = self.line_start(line);
        LineCol {
            line: line as u32 + 1,
            column: self.column(start, offset),
        }
    }

    /// The 1-based character column of `offset` (at most the text's
    /// length) on the line that starts at `start`.
    fn column(&self, start: usize, offset: usize) -> u32 {
        let mut off = offset;
        while !self.text.is_char_boundary(off) {
            off -= 1;
        }
        (if off - start <= 2 * MARK {
            self.text[start..off].chars().count()
        } else {
            self.chars_before(off) - self.chars_before(start)
        }) as u32
            + 1
    }

    /// [`SourceText::line_col`] of each of `offsets` (ascending) into `out`,
    /// in one pass that counts newlines up to the last of them, unless the
    /// line table is already made: a report needs the lines of a few spans
    /// (~10 offsets a notice, the last at ~60 % of the text), which do not
    /// pay for a table of every line.
    pub fn line_cols_ascending(&self, offsets: &[usize], out: &mut Vec<LineCol>) {
        debug_assert!(offsets.windows(2).all(|w| w[0] <= w[1]));
        if self.line_starts.get().is_some() {
            out.extend(offsets.iter().map(|&o| self.line_col(o)));
            return;
        }
        let bytes = self.text.as_bytes();
        // Newlines in `bytes[..pos]`, and the start of the line `pos` is on.
        let (mut pos, mut newlines, mut start) = (0, 0, 0);
        for &offset in offsets {
            let offset = offset.min(bytes.len()).max(pos);
            // The last newline searched for only between the offsets (a
            // one-line page is not searched back to its start for every
            // offset).
            let between = &bytes[pos..offset];
            let n = count_newlines(between);
            if n > 0 {
                newlines += n;
                start = pos + memchr::memrchr(b'\n', between).map_or(0, |i| i + 1);
            }
            pos = offset;
            out.push(LineCol {
                line: newlines as u32 + 1,
                column: self.column(start, offset),
            });
        }
    }

    /// Column in UTF-16 code units (0-based), as the language server needs.
    pub fn utf16_column(&self, offset: usize) -> u32 {
        let line = self.line_index(offset);
        let start = self.line_start(line);
        self.text[start..offset].encode_utf16().count() as u32
    }

    pub fn slice(&self, r: Range<usize>) -> &str {
        &self.text[r]
    }
}

thread_local! {
    /// A byte buffer (a recycled text or an unused read buffer, its bytes
    /// left in place) and a line table given back by
    /// [`SourceText::recycle`].
    static SPARE_SOURCE: std::cell::RefCell<(Vec<u8>, Vec<u32>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// Bytes to decode: a borrowed slice is copied, an owned buffer may become
/// the text.
enum Bytes<'a> {
    Borrowed(&'a [u8]),
    Owned(Vec<u8>),
}

impl Bytes<'_> {
    fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Borrowed(b) => b,
            Bytes::Owned(b) => b,
        }
    }
}

/// This thread's spare byte buffer (empty when there is none), for reading
/// the next file into. Its length is how much of it is initialized (old
/// bytes, not zeroes): a reader that only grows it zeroes only the growth.
pub fn take_spare_bytes() -> Vec<u8> {
    SPARE_SOURCE.with(|s| std::mem::take(&mut s.borrow_mut().0))
}

/// Keeps `bytes` as this thread's spare buffer unless the one kept is
/// longer. Buffers over 1 MB are let go (a 50 MB page should not stay in
/// memory for the rest of the batch).
pub fn keep_spare_bytes(bytes: Vec<u8>) {
    if bytes.capacity() > 1 << 20 {
        return;
    }
    SPARE_SOURCE.with(|s| {
        let mut s = s.borrow_mut();
        if s.0.len() <= bytes.len() {
            s.0 = bytes;
        }
    });
}

/// The longest text seloste can index: offsets in its maps are 32-bit.
pub const MAX_TEXT: usize = u32::MAX as usize;

/// Refuses a text longer than [`MAX_TEXT`] whatever `--max-file-size` says:
/// its offsets would wrap.
fn check_size(len: usize) -> Result<(), SourceError> {
    if len > MAX_TEXT {
        return Err(SourceError::TooLarge {
            size: len as u64,
            limit: MAX_TEXT as u64,
        });
    }
    Ok(())
}

/// Bytes that are not UTF-8: in the `<meta>` charset, Windows-1252 when it
/// names none (or UTF-8). The prescan only when it can matter (it
/// lowercased and searched 1 KB of every page).
fn decode_legacy(bytes: &[u8]) -> SourceText {
    let declared = meta_charset(bytes);
    let enc = declared.filter(|e| *e != UTF_8).unwrap_or(WINDOWS_1252);
    decode_with(bytes, enc)
}

fn decode_with(bytes: &[u8], enc: &'static Encoding) -> SourceText {
    let (text, _) = enc.decode_without_bom_handling(bytes);
    SourceText::new(text.into_owned(), enc.name())
}

/// [`sniff_head`]'s verdict alone.
#[cfg(test)]
fn sniff_binary(b: &[u8]) -> Option<&'static str> {
    sniff_head(b).err()
}

/// The bytes [`sniff_head`] counts control characters in.
const HEAD: usize = 4096;

/// Recognises common binary formats by their magic numbers and text that
/// is mostly control characters; else says whether the first [`HEAD`]
/// bytes have a NUL byte (found by the same pass that counts their control
/// bytes, so that the NUL search reads only the rest).
fn sniff_head(b: &[u8]) -> Result<bool, &'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"GIF87a", "GIF image"),
        (b"GIF89a", "GIF image"),
        (b"%PDF-", "PDF document"),
        (b"PK\x03\x04", "ZIP archive or Office document"),
        (b"\x1f\x8b", "gzip archive"),
        (b"\x7fELF", "ELF executable"),
        (b"RIFF", "RIFF media file"),
        (b"\x00asm", "WebAssembly module"),
        (b"wOFF", "web font"),
        (b"wOF2", "web font"),
    ];
    for (magic, kind) in MAGIC {
        if b.starts_with(magic) {
            return Err(kind);
        }
    }
    // Many control characters that text never has. All bytes below a
    // space first, a bound on them that one compare a byte counts (a
    // quarter of the exact count's cost): text has a few percent of
    // newlines and tabs, rarely the 5% that needs the exact count.
    let head = &b[..b.len().min(HEAD)];
    let limit = head.len() / 20;
    let (low, nul) = low_bytes(head);
    if low > limit
        && count_bytes(head, |c| {
            c < 0x20 && !matches!(c, b'\n' | b'\r' | b'\t' | 0x0c | 0x00)
        }) > limit
    {
        return Err("it is mostly control characters");
    }
    Ok(nul)
}

/// How many bytes of `b` are below a space, and whether one is NUL.
fn low_bytes(b: &[u8]) -> (usize, bool) {
    #[cfg(target_arch = "x86_64")]
    if crate::normalize::has_avx2() {
        // SAFETY: the CPU has AVX2 (checked just above); the function
        // reads only `b`.
        return unsafe { low_bytes_avx2(b) };
    }
    (count_bytes(b, |c| c < 0x20), memchr::memchr(0, b).is_some())
}

/// [`low_bytes`] 32 bytes a step in byte lanes, with AVX2: the count in
/// 192-byte pieces that the compiler vectorized and a separate NUL search
/// were ~2,400 instructions a notice, this ~800.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn low_bytes_avx2(b: &[u8]) -> (usize, bool) {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_extract_epi64, _mm256_loadu_si256, _mm256_min_epu8,
        _mm256_or_si256, _mm256_sad_epu8, _mm256_set1_epi8, _mm256_setzero_si256, _mm256_sub_epi8,
        _mm256_testz_si256,
    };
    let zero = _mm256_setzero_si256();
    let below = _mm256_set1_epi8(0x1f);
    let (body, rest) = b.split_at(b.len() - b.len() % 32);
    let (mut total, mut nul) = (0, zero);
    // A lane counts at most 255 bytes before it is summed.
    for group in body.chunks(32 * 255) {
        let mut lanes = zero;
        for chunk in group.chunks_exact(32) {
            // SAFETY: an unaligned 32-byte load of the 32 bytes of `chunk`.
            let v = unsafe { _mm256_loadu_si256(chunk.as_ptr().cast::<__m256i>()) };
            // Unsigned min(v, 0x1F) == v: v is below 0x20 (all ones: -1,
            // so subtracting it adds 1).
            lanes = _mm256_sub_epi8(lanes, _mm256_cmpeq_epi8(_mm256_min_epu8(v, below), v));
            nul = _mm256_or_si256(nul, _mm256_cmpeq_epi8(v, zero));
        }
        let sums = _mm256_sad_epu8(lanes, zero);
        total += (_mm256_extract_epi64::<0>(sums)
            + _mm256_extract_epi64::<1>(sums)
            + _mm256_extract_epi64::<2>(sums)
            + _mm256_extract_epi64::<3>(sums)) as usize;
    }
    let mut has_nul = _mm256_testz_si256(nul, nul) == 0;
    for &c in rest {
        total += usize::from(c < 0x20);
        has_nul |= c == 0;
    }
    (total, has_nul)
}

/// How many bytes of `bytes` are `wanted`. Counted in byte-sized lanes, 192
/// bytes at a time, which the compiler vectorizes (the filter-and-count
/// form was 2.6 µs per notice, this 0.5). 192 is three of the vector loop's
/// 64-byte steps: 255-byte pieces left 63 bytes of each to a byte-by-byte
/// loop (1,000 notices: 2.2 -> 1.2 M instructions; 128 was no better).
#[inline(always)]
fn count_bytes(bytes: &[u8], wanted: impl Fn(u8) -> bool) -> usize {
    bytes
        .chunks(192)
        .map(|chunk| {
            chunk
                .iter()
                .fold(0u8, |n, &c| n.wrapping_add(u8::from(wanted(c)))) as usize
        })
        .sum()
}

/// Prescans the first 1024 bytes for `<meta charset=...>` or
/// `<meta http-equiv="Content-Type" content="...; charset=...">`.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut i = 0;
    while let Some(p) = find(&lower[i..], b"<meta") {
        let start = i + p;
        let end = lower[start..]
            .iter()
            .position(|&c| c == b'>')
            .map(|e| start + e)
            .unwrap_or(lower.len());
        let tag = &lower[start..end];
        if let Some(cp) = find(tag, b"charset") {
            let rest = &tag[cp + 7..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_start(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let label_end = rest
                    .iter()
                    .position(|&c| matches!(c, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                    .unwrap_or(rest.len());
                if let Some(enc) = Encoding::for_label(&rest[..label_end]) {
                    // A page cannot declare itself UTF-16 from inside itself.
                    if enc == UTF_16LE || enc == UTF_16BE {
                        return Some(UTF_8);
                    }
                    return Some(enc);
                }
            }
        }
        i = end.max(start + 5);
        if i >= lower.len() {
            break;
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_match_a_byte_search() {
        let mut next = crate::xorshift(0x11e5_7a27);
        for round in 0..400 {
            let len = (next() % 300) as usize + round % 3;
            // Dense and sparse newlines, at every alignment.
            let every = 1 + next() % 90;
            let text: Vec<u8> = (0..len)
                .map(|_| {
                    if next().is_multiple_of(every) {
                        b'\n'
                    } else {
                        b'a' + (next() % 26) as u8
                    }
                })
                .collect();
            let mut want = vec![0u32];
            want.extend(
                text.iter()
                    .enumerate()
                    .filter(|(_, &c)| c == b'\n')
                    .map(|(i, _)| i as u32 + 1),
            );
            let mut got = Vec::new();
            push_line_starts(&text, &mut got);
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&text));
        }
    }

    /// Random bytes drawn from a small alphabet that makes valid UTF-8,
    /// Latin-1, control characters, NULs and BOMs all likely.
    fn random_bytes(next: &mut impl FnMut() -> u64) -> Vec<u8> {
        const PIECES: &[&[u8]] = &[
            b"a",
            b"Hei ",
            b"\n",
            b"\r\n",
            "ä".as_bytes(),
            "ö".as_bytes(),
            "€".as_bytes(),
            b"\xe4",
            b"\xf6",
            b"\x01",
            b"\x00",
            b"\t",
            b"<meta charset=\"utf-8\">",
            b" ",
            b"\xef\xbb\xbf",
            b"\xff\xfe",
            b"\x89PNG\r\n\x1a\n",
        ];
        let len = (next() % 40) as usize;
        (0..len)
            .flat_map(|_| {
                PIECES[(next() % PIECES.len() as u64) as usize]
                    .iter()
                    .copied()
            })
            .collect()
    }

    #[test]
    fn decoding_a_buffer_matches_decoding_a_slice() {
        let mut next = crate::xorshift(0xdec0_de29);
        for _ in 0..3000 {
            let bytes = random_bytes(&mut next);
            let slice = SourceText::decode(&bytes);
            // A spare buffer with old bytes in it must not leak into the text.
            keep_spare_bytes(b"old bytes, not this file's".repeat(3));
            let owned = SourceText::decode_buffer(bytes.clone());
            match (slice, owned) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.text, b.text, "{bytes:?}");
                    assert_eq!(a.encoding, b.encoding, "{bytes:?}");
                    assert_eq!(a.line_starts, b.line_starts, "{bytes:?}");
                    b.recycle();
                }
                (a, b) => assert_eq!(a.err(), b.err(), "{bytes:?}"),
            }
        }
    }

    /// The vector count of control bytes and NUL test agree with bytes.
    #[test]
    fn low_bytes_are_counted_as_bytes() {
        let mut next = crate::xorshift(0x1f83_d9ab_fb41_bd6b);
        for _ in 0..3000 {
            let len = (next() % 9000) as usize;
            let every = 1 + next() % 60;
            let b: Vec<u8> = (0..len)
                .map(|_| match next() % every {
                    0 => (next() % 0x22) as u8,
                    _ => (next() % 256) as u8 | 0x20,
                })
                .collect();
            let want = (b.iter().filter(|&&c| c < 0x20).count(), b.contains(&0));
            assert_eq!(low_bytes(&b), want, "{b:?}");
            #[cfg(target_arch = "x86_64")]
            if crate::normalize::has_avx2() {
                // SAFETY: the CPU has AVX2.
                assert_eq!(unsafe { low_bytes_avx2(&b) }, want, "{b:?}");
            }
        }
    }

    #[test]
    fn control_character_bound_changes_no_verdict() {
        // The exact count alone, as `sniff_binary` counted before the bound.
        let exact = |b: &[u8]| {
            let head = &b[..b.len().min(4096)];
            let ctrl = head
                .iter()
                .filter(|&&c| c < 0x20 && !matches!(c, b'\n' | b'\r' | b'\t' | 0x0c | 0x00))
                .count();
            ctrl * 20 > head.len()
        };
        let mut next = crate::xorshift(0x5111_ff29);
        for _ in 0..3000 {
            let len = (next() % 5000) as usize;
            // From no control bytes to mostly, newlines and tabs to other ones.
            let (every, other) = (1 + next() % 40, next() % 3);
            let b: Vec<u8> = (0..len)
                .map(|_| match next() % every {
                    0 if other == 0 => [b'\n', b'\t', 0x01, 0x1f][(next() % 4) as usize],
                    0 if other == 1 => [b'\r', 0x0c, 0x00][(next() % 3) as usize],
                    0 => (next() % 0x20) as u8,
                    _ => b'a' + (next() % 26) as u8,
                })
                .collect();
            let mostly = sniff_binary(&b) == Some("it is mostly control characters");
            assert_eq!(mostly, exact(&b), "{b:?}");
        }
    }

    #[test]
    fn utf8_with_bom_is_stripped() {
        let s = SourceText::decode(b"\xef\xbb\xbfHei\n").unwrap();
        assert_eq!(s.text, "Hei\n");
        assert_eq!(s.encoding, "UTF-8");
    }

    #[test]
    fn latin1_page_with_meta_is_decoded() {
        let bytes = b"<meta charset=\"iso-8859-1\"><p>Henkil\xf6tietolaki</p>";
        let s = SourceText::decode(bytes).unwrap();
        assert!(s.text.contains("Henkilötietolaki"));
        assert_eq!(s.encoding, "windows-1252");
    }

    #[test]
    fn invalid_utf8_without_meta_falls_back_to_windows_1252() {
        let s = SourceText::decode(b"Rekisterinpit\xe4j\xe4 \x96 Oy").unwrap();
        assert_eq!(s.text, "Rekisterinpitäjä – Oy");
    }

    #[test]
    fn utf16_with_bom() {
        let mut b = vec![0xff, 0xfe];
        for u in "Evästeet".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(SourceText::decode(&b).unwrap().text, "Evästeet");
    }

    #[test]
    fn binary_and_empty_are_refused() {
        assert_eq!(
            SourceText::decode(b"\x89PNG\r\n\x1a\n\0\0").unwrap_err(),
            SourceError::Binary("PNG image")
        );
        assert_eq!(SourceText::decode(b"").unwrap_err(), SourceError::Empty);
        assert_eq!(
            SourceText::decode(b"  \n\t ").unwrap_err(),
            SourceError::Empty
        );
        // UTF-16 without a BOM (every other byte NUL) that is only blanks.
        assert_eq!(
            SourceText::decode(b"\0\t\0\t").unwrap_err(),
            SourceError::Empty
        );
        assert!(matches!(
            SourceText::decode(b"abc\0def").unwrap_err(),
            SourceError::Binary(_)
        ));
    }

    #[test]
    fn texts_over_4_gib_are_refused() {
        assert_eq!(check_size(MAX_TEXT), Ok(()));
        let e = check_size(MAX_TEXT + 1).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the text is 4294967296 bytes, over the 4294967295 bytes that seloste can index"
        );
    }

    #[test]
    fn line_cols_in_one_pass_match_the_line_table() {
        let mut next = crate::xorshift(0x5ca7_11e5);
        let pieces = ["a", "bc ", "\n", "ä", "€", "\r\n", "sana ", "\n\n", "😀"];
        for round in 0..600 {
            let n = (next() % 400) as usize + round % 7;
            let mut text = crate::random_text(&mut next, &pieces, n);
            if round % 50 == 0 {
                // A line longer than 2 * MARK: its columns use the marks.
                let mid = crate::parse::floor_char_boundary(&text, text.len() / 2);
                text.insert_str(mid, &"ö".repeat(5_000));
            }
            let s = SourceText::new(text, "UTF-8");
            let len = s.text.len();
            let mut offsets: Vec<usize> = (0..(next() % 30))
                .map(|_| (next() % (len as u64 + 3)) as usize)
                .collect();
            offsets.sort_unstable();
            let mut got = Vec::new();
            s.line_cols_ascending(&offsets, &mut got);
            assert!(s.line_starts.get().is_none());
            let want: Vec<LineCol> = offsets.iter().map(|&o| s.line_col(o)).collect();
            assert_eq!(got, want, "{:?} {offsets:?}", s.text);
            // With the table made, the same answers from it.
            got.clear();
            s.line_cols_ascending(&offsets, &mut got);
            assert_eq!(got, want);
        }
    }

    #[test]
    fn newline_count_matches_a_byte_count() {
        let mut next = crate::xorshift(0x0c07_17ed);
        for round in 0..2_000 {
            // Up to ~9 KB (past one 4,032-byte group of lanes), dense and
            // sparse newlines, all newlines in some.
            let len = (next() % 9_000) as usize + round % 5;
            let every = 1 + next() % 60;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    if round % 97 == 0 || next().is_multiple_of(every) {
                        b'\n'
                    } else {
                        next() as u8
                    }
                })
                .collect();
            let from = (next() % 70) as usize % (len + 1);
            let part = &bytes[from..];
            let want = part.iter().filter(|&&b| b == b'\n').count();
            assert_eq!(count_newlines(part), want);
        }
    }

    #[test]
    fn line_col_counts_characters() {
        let s = SourceText::new("ab\nää x\n".into(), "UTF-8");
        let x = s.text.find('x').unwrap();
        assert_eq!(s.line_col(x), LineCol { line: 2, column: 4 });
        assert_eq!(s.utf16_column(x), 3);
        assert_eq!(s.line_col(0), LineCol { line: 1, column: 1 });
    }

    #[test]
    fn columns_on_a_long_line_use_the_marks() {
        // 3 bytes per character on a line far longer than 2 * MARK.
        let line = "€".repeat(10_000);
        let s = SourceText::new(format!("ab\n{line}x\n"), "UTF-8");
        let x = s.text.find('x').unwrap();
        assert_eq!(
            s.line_col(x),
            LineCol {
                line: 2,
                column: 10_001
            }
        );
        let mid = 3 + 3 * 5_000;
        assert_eq!(s.line_col(mid).column, 5_001);
        assert_eq!(s.line_col(s.text.len()).line, 3);
    }
}

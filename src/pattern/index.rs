//! Where every term list of a catalogue may match in a notice, found in one
//! pass.
//!
//! A rule engine run asks some eighty term lists whether and where they
//! occur in the same notice text. Searching with each list's own automaton
//! read the text that many times, and most of a run's time went there. Every
//! match of a term starts with one of the stems of its first word
//! ([`super::words::WordTerm`]), so one walk over the text, trying a trie of
//! all the lists' first stems at each word edge (and at the few characters
//! where a stem that needs no edge may start), lists for each term list the
//! positions where one of its terms may start. A list's matches are then
//! checked at those positions only ([`super::WordPart`]), with the same
//! result as searching it alone: a position left out is one where no term
//! of the list can match. A list's regex literals are listed the same way
//! ([`super::Prefilter`]), so that a list with no start at all is skipped.

use std::cell::OnceCell;

use aho_corasick::{AhoCorasick, Input, MatchKind};

use super::double_array::{Layout, PACKED_ENDS, PACKED_FREE, PACKED_MAX_BASE};
// The byte classes of the heading oracle's walk (`WordSets::matching`),
// which this one follows.
use super::words::{stem_head, tail_len, utf8_len, ASCII_TAIL, EDGE_START};

/// A byte trie as a double array: the child of state `s` by byte class `c`
/// is cell `base(s) + c` when that cell's `check` is `s`. One load a step,
/// as a dense transition table gives, in a table of one cell per state
/// (some 6,000 cells of 4 bytes for the built-in catalogue, which stays in
/// the L1 cache). The dense table it replaced had a row of 53 classes per
/// state (580 KB): each step of a walk waited on the L2 cache, and that
/// wait was a tenth of a whole run.
#[derive(Debug, Clone)]
struct DoubleArrayTrie {
    class: Box<[u8; 256]>,
    /// Per cell: `check` (the parent's cell; `FREE` when unused) in the low
    /// 15 bits, `ENDS` when a stem ends there, and `base` in the high 16:
    /// the cell a step lands on holds all that the next step needs.
    cells: Vec<u32>,
    /// Per cell where `ENDS` is set: its range in `path_ids`, the ids of
    /// every stem that ends on the way from the root to it, each once. A
    /// walk's outcome is then the deepest such cell it reached: one list
    /// to copy, where a loop over each stem's ids mispredicted its end.
    paths: Vec<(u32, u32)>,
    /// Padded by `2 * COPIED` ids, which [`Self::add_ids_in_room`] reads
    /// past any list without a bounds check.
    path_ids: Vec<u32>,
}

/// A walk's outcome when no stem ends on its way (the root, never an end).
const NO_STEM: usize = ROOT;

/// The root's cell.
const ROOT: usize = 0;
/// `check` of a cell that belongs to no state.
const FREE: u32 = PACKED_FREE;
/// The bit of a cell where some stem ends.
const ENDS: u32 = PACKED_ENDS;

/// A trie that build.rs laid out (by [`Layout::new`] and
/// [`Layout::packed16`]) for the stems listed in
/// `src/pattern/builtin_tries.toml`: those of the built-in catalogue's
/// index, which a test keeps listed.
struct StoredTrie {
    entries: &'static [(&'static str, u32)],
    class: &'static [u8; 256],
    cells: &'static [u32],
    paths: &'static [(u32, u32)],
    path_ids: &'static [u32],
}

impl StoredTrie {
    /// Whether the trie is that of `entries` (the same stems and ids, in
    /// the same order: the layout depends on the order).
    fn is_of<S: AsRef<[u8]>>(&self, entries: &[(S, u32)]) -> bool {
        self.entries.len() == entries.len()
            && (self.entries.iter().zip(entries))
                .all(|((s, id), (t, jd))| id == jd && s.as_bytes() == t.as_ref())
    }
}

include!(concat!(env!("OUT_DIR"), "/builtin_tries.rs"));

/// The tries [`DoubleArrayTrie::new`] made on this thread: their stems,
/// and whether build.rs had laid them out.
#[cfg(test)]
type Built = Vec<(Vec<(Vec<u8>, u32)>, bool)>;
#[cfg(test)]
thread_local! {
    static BUILT: std::cell::RefCell<Built> = const { std::cell::RefCell::new(Vec::new()) };
}

impl DoubleArrayTrie {
    /// `None` past 32,767 cells (a catalogue of some five thousand stems:
    /// then each list searches on its own, as without an index).
    ///
    /// The built-in catalogue's tries were laid out by build.rs
    /// ([`BUILTIN_TRIES`]): for the same stems, the same cells are copied
    /// (laying out the edge stems' 8,000 cells took 3.6 M instructions, a
    /// quarter of a start-up's 14.2 M). Any other stems (a configuration
    /// that leaves rules out, users' rule files) are laid out here.
    fn new<S: AsRef<[u8]>>(entries: &[(S, u32)]) -> Option<DoubleArrayTrie> {
        let stored = (BUILTIN_TRIES.iter()).find(|t| t.is_of(entries));
        #[cfg(test)]
        BUILT.with(|b| {
            let stems = (entries.iter())
                .map(|(s, id)| (s.as_ref().to_vec(), *id))
                .collect();
            b.borrow_mut().push((stems, stored.is_some()));
        });
        match stored {
            Some(t) => DoubleArrayTrie::of_parts(
                Box::new(*t.class),
                t.cells.to_vec(),
                t.paths.to_vec(),
                t.path_ids,
            ),
            None => DoubleArrayTrie::laid_out(entries),
        }
    }

    /// [`Self::new`] by [`Layout::new`], whatever the stems.
    fn laid_out<S: AsRef<[u8]>>(entries: &[(S, u32)]) -> Option<DoubleArrayTrie> {
        let layout = Layout::new(entries, FREE as usize, PACKED_MAX_BASE)?;
        let cells = layout.packed16();
        DoubleArrayTrie::of_parts(layout.class, cells, layout.paths, &layout.path_ids)
    }

    /// The trie of a layout's classes, packed cells, paths and ids.
    fn of_parts(
        class: Box<[u8; 256]>,
        cells: Vec<u32>,
        paths: Vec<(u32, u32)>,
        ids: &[u32],
    ) -> Option<DoubleArrayTrie> {
        // Room for `add_ids_to` to read `2 * COPIED` ids from any list.
        let mut path_ids = Vec::with_capacity(ids.len() + 2 * COPIED);
        path_ids.extend_from_slice(ids);
        path_ids.resize(ids.len() + 2 * COPIED, 0);
        if path_ids.len() > 0xFFFF {
            return None;
        }
        Some(DoubleArrayTrie {
            class,
            cells,
            paths,
            path_ids,
        })
    }

    /// Walks `text` from the root: returns how many bytes of `text` the
    /// walk read (its outcome depends on those bytes only; one more than
    /// `text` has when it ran out of text: a longer text might have taken
    /// it on), and the deepest cell where a stem that `text` starts with
    /// ends ([`NO_STEM`] when none does).
    #[inline]
    fn walk(&self, text: &[u8]) -> (usize, usize) {
        let (read, _, deepest) = self.walk_from(ROOT, NO_STEM, text);
        (read, deepest)
    }

    /// [`Self::walk`] from the cell `state` that a walk reached, with
    /// `deepest` its deepest end so far; also returns the cell where the
    /// walk stopped (where it ran out of text, the cell to go on from).
    #[inline]
    fn walk_from(&self, state: usize, deepest: usize, text: &[u8]) -> (usize, usize, usize) {
        let (mut state, mut deepest) = (state, deepest);
        let mut cell = self.cells[state];
        for (read, &b) in text.iter().enumerate() {
            let next = (cell >> 16) as usize + self.class[b as usize] as usize;
            debug_assert!(next < self.cells.len());
            // SAFETY: `cell` is one of `cells`, whose bases `new` padded
            // past by 256 cells, more than any class (the bounds check
            // took two instructions a step, 530 K steps per 1,000
            // notices).
            let c = unsafe { *self.cells.get_unchecked(next) };
            if (c & FREE) as usize != state {
                return (read + 1, state, deepest);
            }
            cell = c;
            state = next;
            // A select, not a branch: whether a stem ends here is a coin
            // toss for the predictor.
            deepest = if cell & ENDS != 0 { state } else { deepest };
        }
        // Ran out of text: in a longer one the walk might have gone on.
        (text.len() + 1, state, deepest)
    }

    /// Where the ids of every stem that ends on the way to `cell` (a walk's
    /// outcome) are in `path_ids`, each once: from, and how many (under
    /// 65,536, as [`Self::new`] checks, so that a [`MemoEntry`] holds it).
    #[inline]
    fn path_to(&self, cell: usize) -> (u16, u16) {
        let (from, len) = self.paths[cell];
        (from as u16, len as u16)
    }

    /// Adds `(id, at)` to `hits` for each id of the `path` of
    /// [`Self::path_to`].
    ///
    /// [`COPIED`] pairs are written whatever the count (`path_ids` ends in
    /// twice that many spare ids), and the count is added: a word start
    /// ends no stem, or one, two or three, as a coin toss decides, and a
    /// loop over them mispredicted its end at most word starts (538 K
    /// mispredicts per 1,000 notices, a tenth of a whole run's). The ids
    /// and the position go to separate arrays, so that each write is one
    /// vector copy or fill, without a bounds check (`slot | at << 32`
    /// pairs, written by index, took 40 instructions a word start).
    #[inline(always)]
    fn add_ids_to(&self, path: (u16, u16), at: usize, hits: &mut Hits) {
        hits.room_for(2 * COPIED);
        // SAFETY: the room was just made.
        unsafe { self.add_ids_in_room(path, at, hits) }
    }

    /// [`Self::add_ids_to`] in room made beforehand: [`TermIndex::starts`]
    /// makes it once for all of a text's word starts, where a check at
    /// each one took 4 instructions of its ~60.
    ///
    /// # Safety
    ///
    /// `hits.slots` and `hits.ats` hold at least `2 * COPIED * k` past
    /// `hits.len`, for some `k` from 1 to 32 (a 64-byte block's word
    /// starts). After the call, they hold at least `2 * COPIED * (k - 1)`
    /// past the new `hits.len`.
    #[inline(always)]
    unsafe fn add_ids_in_room(&self, path: (u16, u16), at: usize, hits: &mut Hits) {
        let (from, len) = (usize::from(path.0), usize::from(path.1));
        debug_assert!(from + 2 * COPIED <= self.path_ids.len());
        // SAFETY: `path` is a `path_to` of this trie (a memo entry's too:
        // the memo holds one index's walks), whose `from` is that of a
        // list in `path_ids`, which `new` padded by `2 * COPIED` ids. (The
        // bounds check took three instructions at each word start; a
        // fixed-size array past any u16 `from`, 256 KB zeroed at start-up,
        // cost more than that per 1,000 notices.)
        let ids: &[u32; 2 * COPIED] =
            unsafe { &*self.path_ids.as_ptr().add(from).cast::<[u32; 2 * COPIED]>() };
        let n = hits.len;
        let (slots, ats) = (hits.slots.as_mut_ptr(), hits.ats.as_mut_ptr());
        let write = |k: usize, chunk: &[u32; COPIED]| {
            // SAFETY: the caller made `slots` and `ats` (as long as each
            // other) hold `2 * COPIED` past `n`, and `k` is 0 or
            // `COPIED`: the writes stay inside both.
            unsafe {
                (slots.add(n + k).cast::<[u32; COPIED]>()).write_unaligned(*chunk);
                (ats.add(n + k).cast::<[u32; COPIED]>()).write_unaligned([at as u32; COPIED]);
            }
        };
        let (first, second) = (ids.first_chunk::<COPIED>(), ids.last_chunk::<COPIED>());
        write(0, first.expect("COPIED ids"));
        if len > COPIED {
            // One word start in thirty.
            if len > 2 * COPIED {
                // One in five hundred. (Then room for the rest of the
                // block's word starts, at most 31.)
                hits.extend(&self.path_ids[from..from + len], at);
                hits.room_for(2 * COPIED * 31);
                return;
            }
            write(COPIED, second.expect("COPIED ids"));
        }
        hits.len = n + len;
    }
}

/// How many ids [`DoubleArrayTrie::add_ids_to`] writes without a branch:
/// 96.8 % of the word starts of 1,000 generated notices end at most four
/// stems' lists (with eight, the writes cost more than the branch saved).
const COPIED: usize = 4;

/// `(slot, position)` pairs: the first `len` of `slots` and `ats` (the
/// rest is room that [`DoubleArrayTrie::add_ids_to`] writes ahead into;
/// both are as long). They are kept on the thread from one text to the
/// next ([`WordMemo`]): zeroing a new list for each text cost more than
/// writing it.
#[derive(Default)]
struct Hits {
    slots: Vec<u32>,
    ats: Vec<u32>,
    len: usize,
}

impl Hits {
    /// Makes `slots` and `ats` hold at least `more` past `len`.
    #[inline(always)]
    fn room_for(&mut self, more: usize) {
        if self.slots.len() < self.len + more {
            self.grow(more);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, more: usize) {
        let len = 2 * (self.len + more);
        self.slots.resize(len, 0);
        self.ats.resize(len, 0);
    }

    /// Adds `(slot, at)`.
    #[inline]
    fn push(&mut self, slot: u32, at: usize) {
        self.room_for(1);
        self.slots[self.len] = slot;
        self.ats[self.len] = at as u32;
        self.len += 1;
    }

    /// Adds `(id, at)` for each id of `ids`.
    #[cold]
    #[inline(never)]
    fn extend(&mut self, ids: &[u32], at: usize) {
        for &id in ids {
            self.push(id, at);
        }
    }
}

/// What the walks from a word's start gave, remembered by the word's
/// bytes: a notice says "henkilötietoja" and "rekisterinpitäjä" again and
/// again, and so do the notices after it. A walk is a chain of dependent
/// loads with a mispredicted branch at its end (half of the index's time);
/// a look-up here is a key, a hash and one load. Two-way set-associative,
/// per thread, for one index at a time: 1,000 generated notices have some
/// 3,000 distinct keys, and direct-mapped, 81 K of their 138 K walks were
/// of words another one had put out. 8,192 entries of 24 bytes (192 KB):
/// with 2,048, which fit the L1 cache, 107.6 K of the 722 K word starts of
/// 1,000 generated notices were found in the second way (a mispredicted
/// branch and a swap) and 28 K walked; with 8,192, 33 K and 6.5 K, and the
/// entry missed the L1 cache no more often (the walks it saves read the
/// trie's cells, which missed it too): -5.0 M instructions and -8.2 M
/// estimated cycles per 1,000 notices, -5 % CPU time on 10,000. (4,096
/// entries gave -5.0 M cycles; 16,384 -0.8 M more for twice the memory.)
struct WordMemo {
    /// The index whose walks the entries hold (`TermIndex::id`).
    owner: u64,
    /// Sets of two entries, the one last used first.
    entries: Vec<[MemoEntry; 2]>,
    /// The last text's hits, for the next text to write over.
    hits: Hits,
    /// The last text's places tried for the inside stems, likewise.
    places: Vec<u32>,
}

/// A key ([`memo_key`]: a word and the byte after it, at most 16 bytes),
/// and the walk's outcome from there. A key of zeros: unused (no key is:
/// its first byte is a word's).
#[derive(Clone, Copy, Default)]
struct MemoEntry {
    key: [u64; 2],
    /// The ids of the stems that end on the walk
    /// ([`DoubleArrayTrie::path_to`] its deepest end): on a hit, no
    /// look-up of the end's list, which missed the L1 cache one time in
    /// seven. With [`RESUME`]: the cell the walk reached at the key's end
    /// and its deepest end so far.
    path: (u16, u16),
    /// The word's [`crate::lint::function_word_class`] (the key holds the
    /// word and the byte after it, all that the class depends on), and
    /// [`RESUME`] when the walk read past the key (a word of 16 bytes or
    /// more, or a stem that goes on past the word, `y-tunnus`): it goes
    /// on from `path` at the key's end. Such words were walked whole each
    /// time, 53 K of the 138 K walks of 1,000 generated notices, the
    /// longest ones. One byte for both, so that a word start with neither
    /// (four in five) takes one branch, where one each mispredicted 66 K
    /// and 75 K times.
    flags: u8,
}

/// [`MemoEntry::flags`]' bit of a walk that goes on past the key (a
/// function word's class is under 8).
const RESUME: u8 = 0x80;

/// The memo's sets: 4,096 of two entries.
const SET_BITS: u32 = 12;

thread_local! {
    static WORD_MEMO: std::cell::RefCell<WordMemo> = const {
        std::cell::RefCell::new(WordMemo {
            owner: 0,
            entries: Vec::new(),
            hits: Hits {
                slots: Vec::new(),
                ats: Vec::new(),
                len: 0,
            },
            places: Vec::new(),
        })
    };
}

/// Each `TermIndex` its own number, so that a thread's memo never answers
/// for another index (an editor may reload its rules).
static NEXT_INDEX_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl WordMemo {
    /// The memo, emptied first when it held another index's walks.
    fn for_index(&mut self, id: u64) -> &mut [[MemoEntry; 2]; 1 << SET_BITS] {
        if self.owner != id {
            self.owner = id;
            self.entries.clear();
            self.entries.resize(1 << SET_BITS, Default::default());
        }
        // (Of a fixed size: a slot, the hash's top bits, is then known to
        // be in bounds.)
        (&mut self.entries[..]).try_into().expect("a full memo")
    }
}

/// How many bytes of a word start's window its memo key holds: the word
/// of `run` bytes and the byte after it, at most 16.
#[inline]
fn key_len(run: usize) -> usize {
    (run + 1).min(16)
}

/// The key for a word start of `run` bytes (1 to 64): [`key_len`] bytes
/// of `window`, the rest zero; and its set in the memo. The bytes give
/// the length (a key is a word, whose bytes are not zero, and then the
/// byte after it, which is no word byte, or 16 bytes of the word): it is
/// neither hashed nor compared.
#[inline]
fn memo_key(window: &[u8; 16], run: usize) -> ([u64; 2], usize) {
    // By a table of masks: a u128 shifted by the length took a dozen
    // instructions; indexed by `run` (a `trailing_zeros`, at most 64: no
    // bounds check), not by the key's length, three fewer.
    let mask = KEY_MASKS[run];
    let half = |h: usize| u64::from_le_bytes(window[8 * h..8 * h + 8].try_into().expect("8 bytes"));
    let key = [half(0) & mask[0], half(1) & mask[1]];
    let mixed = (key[0] ^ key[1].rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (key, (mixed >> (64 - SET_BITS)) as usize)
}

/// For each word length `run` (0 to 64 bytes), the mask of its key's
/// [`key_len`] bytes.
const KEY_MASKS: [[u64; 2]; 65] = {
    let mut masks = [[0u64; 2]; 65];
    let mut run = 0;
    while run <= 64 {
        let len = if run + 1 < 16 { run + 1 } else { 16 };
        let all = u128::MAX >> (128 - 8 * len);
        masks[run] = [all as u64, (all >> 64) as u64];
        run += 1;
    }
    masks
};

const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` set where that byte is an ASCII
/// lowercase letter or digit (SWAR: eight bytes in a few operations).
#[inline]
fn ascii_tail_bytes(w: u64) -> u64 {
    const fn splat(b: u8) -> u64 {
        0x0101_0101_0101_0101 * b as u64
    }
    // Bytes from 0x80 up (UTF-8) are zeroed first, so that the additions
    // below cannot carry into the next byte; zero is no letter.
    let high = (w & HIGH) >> 7;
    let w = w & !(high * 0xFF);
    // For x < 0x80, x + (0x80 - k) has its high bit set iff x >= k.
    let ge = |k: u8| w + splat(0x80 - k);
    let lower = ge(b'a') & !ge(b'z' + 1);
    let digit = ge(b'0') & !ge(b'9' + 1);
    (lower | digit) & HIGH
}

/// One bit per byte of `w` (bit i for byte i): the high bit of each byte.
#[cfg(any(test, not(target_arch = "x86_64")))]
#[inline]
fn byte_flags(high_bits: u64) -> u32 {
    // Each byte's high bit moved to bit 0..8 of the top byte: the products
    // of the bits and the multiplier's bytes never meet, so nothing carries.
    (((high_bits & HIGH) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
}

/// Calls `f`, in order, at the first byte of each word: a character that
/// continues a word ([`super::words::is_tail`]) not after another one.
///
/// Sixty-four bytes at a time: a bit mask of the bytes that belong to a
/// word character ([`block_tails`]), then its word starts,
/// `tail & !(tail << 1)`. A byte loop
/// spent a third of the time of a whole run here: it stopped at every ä
/// and ö, and Finnish words are full of them. (Masks of eight bytes left
/// the loops over their bits with a mispredicted branch every eight bytes.)
/// `f` gets the start and how many word bytes it begins (64 at most).
///
/// `tails`: [`block_masks`] of the text. Each block's word bytes are known
/// before its starts are given, so that a word that goes on into the next
/// block has its whole length (cut at the block's end, its memo key would
/// not hold the word, and one word start in eight was walked again for
/// that).
/// `block` is called before each block's starts (at most 32); both get
/// `state`.
fn each_word_start<S>(
    tails: &[u64],
    state: &mut S,
    mut block: impl FnMut(&mut S),
    mut f: impl FnMut(&mut S, usize, usize),
) {
    // Bit 0: the last byte of the block before belongs to a word character.
    let mut before = 0u64;
    for (b, &tail) in tails.iter().enumerate() {
        let at = 64 * b;
        let next = tails.get(b + 1).copied().unwrap_or(0);
        let mut starts = tail & !(tail << 1 | before);
        before = tail >> 63;
        block(state);
        while starts != 0 {
            let i = starts.trailing_zeros();
            // The word bytes from `i` on, this block's and then the next's
            // (a u128 shifted by `i` took a dozen instructions).
            let ahead = tail >> i | (next << 1) << (63 - i);
            f(state, at + i as usize, (!ahead).trailing_zeros() as usize);
            starts &= starts - 1;
        }
    }
}

/// The word-byte mask of each 64-byte block of `bytes` ([`block_tails`]),
/// all of them first: the vector steps then sit in a function of their
/// own, with AVX2 where the CPU has it, apart from the caller's work at
/// each word start (put in a function with AVX2 enabled, that work was
/// no longer inlined).
fn block_masks(bytes: &[u8]) -> Vec<u64> {
    let mut tails = vec![0u64; bytes.len().div_ceil(64)];
    #[cfg(target_arch = "x86_64")]
    if crate::normalize::has_avx2() {
        // SAFETY: the CPU has AVX2 (checked just above).
        unsafe { block_masks_avx2(bytes, &mut tails) };
        return tails;
    }
    let mut spill = 0;
    for (b, tail) in tails.iter_mut().enumerate() {
        (*tail, spill) = block_tails(bytes, 64 * b, spill);
    }
    tails
}

/// [`block_masks`] by [`block_tails_avx2`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn block_masks_avx2(bytes: &[u8], tails: &mut [u64]) {
    let mut spill = 0;
    for (b, tail) in tails.iter_mut().enumerate() {
        (*tail, spill) = block_tails_avx2(bytes, 64 * b, spill);
    }
}

/// The block of 64 bytes from `at`: a mask of its bytes that belong to a
/// word character, and bit 0 set when the next block's first byte is the
/// second of a letter that begins in this one. `spill`: the same from the
/// block before.
#[inline(always)]
fn block_tails(bytes: &[u8], at: usize, spill: u64) -> (u64, u64) {
    // SAFETY: SSE2 is part of x86-64 itself (every x86_64 target enables
    // it); the function reads `bytes` only through safe indexing.
    #[cfg(target_arch = "x86_64")]
    return unsafe { block_tails_sse2(bytes, at, spill) };
    #[cfg(not(target_arch = "x86_64"))]
    return block_tails_swar(bytes, at, spill);
}

/// The text's block of 64 bytes from `at`: a whole one, or its last bytes
/// and zeros (no word character).
#[inline(always)]
fn block_at(bytes: &[u8], at: usize) -> [u8; 64] {
    match bytes.get(at..at + 64) {
        Some(block) => block.try_into().expect("64 bytes"),
        None => {
            let mut last = [0u8; 64];
            last[..bytes.len() - at].copy_from_slice(&bytes[at..]);
            last
        }
    }
}

/// [`block_tails`] with SSE2 (part of x86-64 itself), 16 bytes a step:
/// a mask per kind of byte, ASCII word bytes, the lead byte 0xC3 and the
/// bytes that may follow it in a letter (0xA0..=0xBF but 0xB7), and 0xC5,
/// whose three letters (`š`, `ž`, `œ`) are asked of [`tail_len`] one at a
/// time (they are rare). The eight SWAR steps and a loop over the lead
/// bytes that mispredicted its end were 1 of every 40 instructions of a
/// whole run.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn block_tails_sse2(bytes: &[u8], at: usize, spill: u64) -> (u64, u64) {
    use std::arch::x86_64::{
        _mm_add_epi8, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x,
    };
    let block = block_at(bytes, at);
    let (mut ascii, mut c3, mut after_c3, mut c5) = (0u64, 0u64, 0u64, 0u64);
    for k in 0..4 {
        let word = |w: usize| {
            let from = 16 * k + 8 * w;
            i64::from_le_bytes(block[from..from + 8].try_into().expect("8 bytes"))
        };
        let v = _mm_set_epi64x(word(1), word(0));
        // A range `lo..=hi` moved to the bottom of the signed bytes
        // (-128..): `v + (0x80 - lo) < -128 + (hi - lo + 1)`; nothing else
        // lands there.
        let in_range = |lo: u8, hi: u8| {
            let moved = _mm_add_epi8(v, _mm_set1_epi8(0x80u8.wrapping_sub(lo) as i8));
            _mm_cmplt_epi8(moved, _mm_set1_epi8((hi - lo) as i8 - 127))
        };
        let word_byte = _mm_or_si128(in_range(b'a', b'z'), in_range(b'0', b'9'));
        let eq = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
        let second = _mm_andnot_si128(eq(0xB7), in_range(0xA0, 0xBF));
        let mask = |m| u64::from(_mm_movemask_epi8(m) as u16) << (16 * k);
        ascii |= mask(word_byte);
        c3 |= mask(eq(0xC3));
        after_c3 |= mask(second);
        c5 |= mask(eq(0xC5));
    }
    letter_tails(bytes, at, spill, ascii, c3, after_c3, c5)
}

/// The end of [`block_tails_sse2`] and [`block_tails_avx2`], from masks of
/// the block's bytes: its ASCII word bytes, the bytes 0xC3, those that may
/// follow 0xC3 in a letter, and the bytes 0xC5.
#[inline(always)]
fn letter_tails(
    bytes: &[u8],
    at: usize,
    spill: u64,
    ascii: u64,
    c3: u64,
    after_c3: u64,
    mut c5: u64,
) -> (u64, u64) {
    // The byte after the block, for a letter begun on its last byte (the
    // text is UTF-8: a lead byte is never its last).
    let next = bytes.get(at + 64).copied().unwrap_or(0);
    let next_second = u64::from((0xA0..=0xBF).contains(&next) && next != 0xB7);
    let mut two = c3 & (after_c3 >> 1 | next_second << 63);
    while c5 != 0 {
        let i = c5.trailing_zeros();
        c5 &= c5 - 1;
        if tail_len(bytes, at + i as usize) == 2 {
            two |= 1 << i;
        }
    }
    (ascii | two | two << 1 | spill, two >> 63)
}

/// [`block_tails_sse2`] with AVX2, 32 bytes a step (half the
/// instructions).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn block_tails_avx2(bytes: &[u8], at: usize, spill: u64) -> (u64, u64) {
    use std::arch::x86_64::{
        _mm256_add_epi8, _mm256_andnot_si256, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8,
        _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8, _mm256_setr_epi64x,
    };
    let block = block_at(bytes, at);
    let (mut ascii, mut c3, mut after_c3, mut c5) = (0u64, 0u64, 0u64, 0u64);
    for k in 0..2 {
        let word = |w: usize| {
            let from = 32 * k + 8 * w;
            i64::from_le_bytes(block[from..from + 8].try_into().expect("8 bytes"))
        };
        // In memory order: one load (see html_lex's `block_masks_avx2`).
        let v = _mm256_setr_epi64x(word(0), word(1), word(2), word(3));
        // As in `block_tails_sse2`.
        let in_range = |lo: u8, hi: u8| {
            let moved = _mm256_add_epi8(v, _mm256_set1_epi8(0x80u8.wrapping_sub(lo) as i8));
            _mm256_cmpgt_epi8(_mm256_set1_epi8((hi - lo) as i8 - 127), moved)
        };
        let word_byte = _mm256_or_si256(in_range(b'a', b'z'), in_range(b'0', b'9'));
        let eq = |b: u8| _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b as i8));
        let second = _mm256_andnot_si256(eq(0xB7), in_range(0xA0, 0xBF));
        let mask = |m| u64::from(_mm256_movemask_epi8(m) as u32) << (32 * k);
        ascii |= mask(word_byte);
        c3 |= mask(eq(0xC3));
        after_c3 |= mask(second);
        c5 |= mask(eq(0xC5));
    }
    letter_tails(bytes, at, spill, ascii, c3, after_c3, c5)
}

/// [`block_tails_sse2`] eight bytes a step (SWAR): off x86-64, and the
/// reference for the vector version.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn block_tails_swar(bytes: &[u8], at: usize, spill: u64) -> (u64, u64) {
    let mut tail = 0u64;
    // Bytes from 0xC0 up: where a character of two bytes or more
    // starts. (Asking `tail_len` at every byte from 0x80 up, the
    // continuation bytes too, mispredicted a branch at most of them.)
    let mut leads = 0u64;
    // Eight words without a branch between them.
    let block = block_at(bytes, at);
    for k in 0..8 {
        let w = u64::from_le_bytes(block[8 * k..8 * k + 8].try_into().expect("8 bytes"));
        tail |= u64::from(byte_flags(ascii_tail_bytes(w))) << (8 * k);
        leads |= u64::from(byte_flags(w & w << 1)) << (8 * k);
    }
    let mut next_spill = 0;
    while leads != 0 {
        let i = leads.trailing_zeros();
        leads &= leads - 1;
        if tail_len(bytes, at + i as usize) == 2 {
            tail |= 1 << i;
            match 1u64.checked_shl(i + 1) {
                Some(second) => tail |= second,
                None => next_spill = 1,
            }
        }
    }
    (tail | spill, next_spill)
}

/// Where in `pattern` (four bytes or more) its rarest 4-byte window
/// starts, by the bundled notices' counts ([`super::QUAD_COUNTS`]): the
/// first such start on a character boundary.
fn rarest_window(pattern: &str) -> usize {
    let b = pattern.as_bytes();
    (0..=b.len().saturating_sub(4))
        .filter(|&k| pattern.is_char_boundary(k) && k + 4 <= b.len())
        .min_by_key(|&k| {
            (
                super::QUAD_COUNTS[super::regex_prefixes::quad_bucket(&b[k..])],
                k,
            )
        })
        .unwrap_or(0)
}

/// The positions `ats` grouped by their `slots` (under `n_slots`), each
/// slot's in their order (a counting sort), and where each slot's begin
/// (`n_slots + 1` offsets). Under 256 slots (the built-in catalogue has
/// some eighty), a slot indexes a table of 256 by its low byte, which
/// needs no bounds check (two instructions a pair, of some twenty).
fn group_by_slot(slots: &[u32], ats: &[u32], n_slots: usize) -> (Vec<u32>, Vec<u32>) {
    let mut fill = vec![0u32; n_slots.max(256)];
    let small: Option<&mut [u32; 256]> =
        (n_slots <= 256).then(|| (&mut fill[..256]).try_into().expect("256"));
    match small {
        Some(counts) => slots
            .iter()
            .for_each(|&s| counts[usize::from(s as u8)] += 1),
        None => slots.iter().for_each(|&s| fill[s as usize] += 1),
    }
    let mut offsets = vec![0u32; n_slots + 1];
    for i in 0..n_slots {
        offsets[i + 1] = offsets[i] + fill[i];
        fill[i] = offsets[i];
    }
    let mut positions = vec![0u32; slots.len()];
    let small: Option<&mut [u32; 256]> =
        (n_slots <= 256).then(|| (&mut fill[..256]).try_into().expect("256"));
    let out = positions.as_mut_ptr();
    let put = |f: &mut u32, p: u32| {
        debug_assert!((*f as usize) < slots.len());
        // SAFETY: `f` is a slot's next place, from its offset on, and the
        // slot has as many pairs as were counted for it: each place is
        // under `offsets[n_slots]`, `slots.len()`, the length of
        // `positions`. (The bounds check took two of eleven instructions
        // a pair, 660 K pairs per 1,000 notices.)
        unsafe { *out.add(*f as usize) = p };
        *f += 1;
    };
    match small {
        Some(fill) => {
            (slots.iter().zip(ats)).for_each(|(&s, &p)| put(&mut fill[usize::from(s as u8)], p))
        }
        None => (slots.iter().zip(ats)).for_each(|(&s, &p)| put(&mut fill[s as usize], p)),
    }
    (offsets, positions)
}

/// The first stems of many term lists (slots).
#[derive(Debug, Clone)]
pub(super) struct TermIndex {
    /// Stems of lists whose terms start at a word edge, where the stem
    /// starts with a letter or digit: walked from each word edge (a few
    /// steps each; most words begin no stem).
    edges: DoubleArrayTrie,
    /// Stems of lists whose terms may start inside a word (`*seloste~`), and
    /// stems that start outside words (`(s-postiosoite)`), by list: each
    /// list's searched only when it is asked for ([`StartLists::of`]).
    /// A notice asks few of them: searched together in each notice (7
    /// patterns by Teddy), they took ~11.5 M cycles per 1,000 notices,
    /// where the lists asked in most notices have two patterns and the
    /// others are asked in 3 to 19 % of the notices.
    inside: Vec<InsideStems>,
    /// For each slot, its group in `inside` and its place among the
    /// group's slots ([`NO_GROUP`]: a slot with edge stems only).
    group_of: Box<[(u32, u32)]>,
    class: Box<[u8; 256]>,
    /// Every edge stem starts with a word's tail letter (always so for a
    /// catalogue written in lowercase): then only word starts are tried.
    stems_start_words: bool,
    n_slots: usize,
    /// This index's number in the per-thread [`WordMemo`].
    id: u64,
}

/// [`TermIndex::group_of`] of a slot with no inside stems.
const NO_GROUP: u32 = u32::MAX;

/// Inside stems of some lists (one list's, but in tests, where all of them
/// together are the eager search that the lists by themselves replaced).
#[derive(Debug, Clone)]
struct InsideStems {
    /// The lists' slots.
    slots: Vec<u32>,
    /// Found by a leftmost search (Teddy; `memmem` for one pattern), then
    /// all of those starting at each place found by a walk in `trie`.
    search: Option<InsideSearch>,
    /// For each pattern of `search`, how far back of its places stems may
    /// start (0, and where it lies inside other stems).
    backs: Box<[Box<[u32]>]>,
    /// What `search` looks for (tests).
    #[cfg(test)]
    patterns: Vec<String>,
    /// Up to three punctuation bytes (`[`) that begin the inside stems
    /// that `search` does not search for: each place one occurs is
    /// tried.
    rare_first: Vec<u8>,
    /// The inside stems, walked at each place tried: a double array as
    /// `edges` (a [`super::words::Trie`], which searched each step's
    /// children in a loop, took some 440 cycles a place, 7.6 M per 1,000
    /// notices for 17 K places).
    trie: DoubleArrayTrie,
}

/// The search for the inside stems' patterns.
#[derive(Debug, Clone)]
enum InsideSearch {
    Teddy(aho_corasick::packed::Searcher),
    Automaton(AhoCorasick),
    /// One pattern (a list's inside stems are one or two): `memmem`'s
    /// search for two of its rarest bytes in notices
    /// ([`super::NoticeByteRank`]) reads the text quicker than Teddy's.
    Memmem(memchr::memmem::Finder<'static>),
}

impl InsideSearch {
    /// Teddy itself (`teddy`, where it can run: SSSE3): the automaton's
    /// own prefilter for a few patterns is a search for their rarest bytes
    /// (`k`, `ä`…), which stops everywhere (442 M instructions per 1,000
    /// notices instead of 18 M). The automaton where Teddy cannot run.
    fn new(patterns: &[&str], teddy: bool) -> InsideSearch {
        if let [pattern] = patterns {
            if teddy {
                return InsideSearch::Memmem(
                    memchr::memmem::FinderBuilder::new()
                        .build_forward_with_ranker_owned(super::NoticeByteRank, pattern.as_bytes()),
                );
            }
        }
        let packed = (aho_corasick::packed::Config::new())
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(patterns)
            .build()
            .filter(|_| teddy);
        match packed {
            Some(teddy) => InsideSearch::Teddy(teddy),
            // A contiguous NFA builds quicker than a DFA (start-up).
            None => InsideSearch::Automaton(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostFirst)
                    .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                    .build(patterns)
                    .expect("a few dozen stems build an automaton"),
            ),
        }
    }

    /// The first match starting at `from` or after.
    fn find(&self, bytes: &[u8], from: usize) -> Option<(usize, usize)> {
        let span = aho_corasick::Span::from(from..bytes.len());
        let m = match self {
            InsideSearch::Teddy(s) => s.find_in(bytes, span)?,
            InsideSearch::Automaton(ac) => ac.find(Input::new(bytes).span(span))?,
            InsideSearch::Memmem(f) => return Some((from + f.find(&bytes[from..])?, 0)),
        };
        Some((m.start(), m.pattern().as_usize()))
    }
}

impl InsideStems {
    /// The inside stems `(stem, slot)` of some lists.
    fn new(inside: &[(&str, u32)]) -> Option<InsideStems> {
        let mut slots: Vec<u32> = inside.iter().map(|&(_, slot)| slot).collect();
        slots.sort_unstable();
        slots.dedup();
        let mut stems: Vec<&str> = inside.iter().map(|&(s, _)| s).collect();
        stems.sort_unstable();
        stems.dedup();
        // What the search looks for need only be a prefix of each stem (the
        // walk in `inside` finds the stems themselves): stems that share
        // five bytes or more (`tarkoitus`, `tarkoituk`…) are searched as
        // their common prefix, and a stem another one begins is searched
        // as that one. Fewer patterns, less for the search to verify.
        let mut inside_stems: Vec<&str> = Vec::new();
        for stem in stems {
            match inside_stems.last_mut() {
                Some(key) => {
                    let common = (key.bytes().zip(stem.bytes()))
                        .take_while(|(x, y)| x == y)
                        .count();
                    if common == key.len() {
                        continue;
                    }
                    if common >= 5 && key.is_char_boundary(common) {
                        *key = &key[..common];
                    } else {
                        inside_stems.push(stem);
                    }
                }
                None => inside_stems.push(stem),
            }
        }
        // A pattern under four bytes makes the search's SIMD prefilter
        // (Teddy) tell texts apart by three bytes only, and then it stops
        // at many places where no stem starts (`[to`, a placeholder's first
        // word, did so). Those that begin with a punctuation byte, a rare
        // one in prose, are found by that byte instead, with every other
        // pattern that begins with it (`(s-postiosoite)`, `(yrityksen`…
        // too: fewer patterns for the search below).
        let mut rare_first: Vec<u8> = (inside_stems.iter())
            .filter(|s| s.as_bytes()[0].is_ascii_punctuation())
            .map(|s| s.as_bytes()[0])
            .collect();
        rare_first.sort_unstable();
        rare_first.dedup();
        if rare_first.len() <= 3 {
            inside_stems.retain(|s| !rare_first.contains(&s.as_bytes()[0]));
        } else {
            rare_first
                .retain(|&b| (inside_stems.iter()).any(|s| s.len() < 4 && s.as_bytes()[0] == b));
            if rare_first.len() <= 3 {
                inside_stems.retain(|s| !rare_first.contains(&s.as_bytes()[0]));
            } else {
                rare_first.clear();
            }
        }
        // A pattern that holds another one past its start
        // (`sopimuslausek`, `vakiolausek` hold `lausek`) is searched as
        // that one, its places that far back: with at most eight patterns
        // each has a bucket of its own in Teddy, which then stops only where
        // a pattern's first four bytes are (twelve patterns shared buckets,
        // and the search stopped at many places where none was).
        inside_stems.sort_by_key(|s| s.len());
        let mut searched: Vec<&str> = Vec::new();
        let mut backs: Vec<Vec<u32>> = Vec::new();
        for stem in inside_stems {
            // (A pattern that begins another one is found at its places:
            // the patterns stay such that at most one occurs at a place.)
            let held = (searched.iter().enumerate()).find_map(|(i, key)| {
                let back = memchr::memmem::find(stem.as_bytes(), key.as_bytes())?;
                Some((i, back as u32))
            });
            match held {
                Some((_, 0)) => {}
                Some((i, back)) => backs[i].push(back),
                None => {
                    searched.push(stem);
                    backs.push(vec![0]);
                }
            }
        }
        // Each pattern from its rarest 4-byte window on, its places that
        // much further back: Teddy stops wherever a pattern's first four
        // bytes occur (`reki` of `rekisteriseloste` is in most sentences,
        // the stem in few; `tark` of `tarkoitu` too). Only while no
        // pattern then begins another (each place gives one pattern).
        let shifted: Vec<(&str, u32)> = (searched.iter())
            .map(|p| {
                let k = rarest_window(p);
                (&p[k..], k as u32)
            })
            .collect();
        let prefix_free = (shifted.iter().enumerate()).all(|(i, (a, _))| {
            (shifted.iter().enumerate()).all(|(j, (b, _))| i == j || !b.starts_with(a))
        });
        if prefix_free {
            for ((p, k), (s, b)) in shifted.into_iter().zip(searched.iter_mut().zip(&mut backs)) {
                *s = p;
                b.iter_mut().for_each(|x| *x += k);
            }
        }
        // Teddy itself: the automaton's own choice for a few patterns is a
        // search for their rarest bytes (`k`, `ä`…), which stops everywhere
        // (the search took 442 M instructions instead of 18 M). The
        // automaton only where Teddy cannot run (no SSSE3).
        let search = (!searched.is_empty()).then(|| InsideSearch::new(&searched, true));
        Some(InsideStems {
            slots,
            search,
            backs: backs.into_iter().map(Vec::into_boxed_slice).collect(),
            #[cfg(test)]
            patterns: searched.iter().map(|p| p.to_string()).collect(),
            rare_first,
            trie: DoubleArrayTrie::new(inside)?,
        })
    }
}

/// The positions found in one text: for each slot, its candidate starts in
/// ascending order.
#[derive(Debug)]
pub(super) struct StartLists<'a> {
    index: &'a TermIndex,
    text: &'a str,
    /// The edge stems' positions, grouped by slot.
    offsets: Vec<u32>,
    positions: Vec<u32>,
    /// Per group of [`TermIndex::inside`]: its slots' whole lists (the edge
    /// stems' positions and the inside stems'), made at the first ask.
    inside: Box<[OnceCell<Vec<Vec<u32>>>]>,
    /// The language guess's function words ([fi, sv, en]) among all the
    /// text's pieces, counted at the word starts the index visits anyway
    /// ([`crate::lint::language_of_joined`]); none where the index walks
    /// by bytes.
    pub(super) function_words: Option<[u32; 3]>,
}

impl StartLists<'_> {
    #[inline]
    pub(super) fn of(&self, slot: usize) -> &[u32] {
        let (group, local) = self.index.group_of[slot];
        if group != NO_GROUP {
            return self.inside_of(group as usize, local as usize);
        }
        let (a, b) = (self.offsets[slot], self.offsets[slot + 1]);
        &self.positions[a as usize..b as usize]
    }

    /// [`Self::of`] for a slot with inside stems: the `local`th of the
    /// group `group`'s lists.
    #[inline(never)]
    fn inside_of(&self, group: usize, local: usize) -> &[u32] {
        let lists = self.inside[group].get_or_init(|| self.index.inside_lists(group, self));
        &lists[local]
    }
}

impl TermIndex {
    /// `lists[slot]` gives each first stem of that slot's terms (none
    /// empty), and whether the list's terms must start at a word edge.
    pub(super) fn new(lists: &[(Vec<&str>, bool)]) -> Option<TermIndex> {
        TermIndex::build(lists, false)
    }

    /// [`Self::new`]; with `one_group`, the inside stems of every list
    /// searched together (at the first ask for any of them).
    fn build(lists: &[(Vec<&str>, bool)], one_group: bool) -> Option<TermIndex> {
        let mut edge = Vec::new();
        let mut inside = Vec::new();
        // Each list's stems sorted and each once, by their first 8 bytes
        // as a number first ([`stem_head`]): most comparisons are then of
        // numbers, not `memcmp` calls (sorting the built-in catalogue's
        // lists took 0.5 M instructions a start-up).
        let mut keyed: Vec<(u64, &str)> = Vec::new();
        for (slot, (stems, at_edge)) in lists.iter().enumerate() {
            keyed.clear();
            keyed.extend(stems.iter().map(|&s| (stem_head(s.as_bytes()), s)));
            keyed.sort_unstable();
            keyed.dedup_by(|a, b| a.1 == b.1);
            for &(_, s) in &keyed {
                // `at_boundary` lets a term start after a letter only when
                // its own first character is no letter or digit.
                let starts_word = s.chars().next().is_some_and(char::is_alphanumeric);
                let list = if *at_edge && starts_word {
                    &mut edge
                } else {
                    &mut inside
                };
                list.push((s, slot as u32));
            }
        }
        let stems_start_words =
            (edge.iter()).all(|(stem, _)| stem.chars().next().is_some_and(super::words::is_tail));
        let mut class = Box::new([0u8; 256]);
        for (stem, _) in &edge {
            class[stem.as_bytes()[0] as usize] |= EDGE_START;
        }
        for b in (b'0'..=b'9').chain(b'a'..=b'z') {
            class[b as usize] |= ASCII_TAIL;
        }
        // Each list's inside stems by themselves, but those of the lists
        // whose inside stems all begin with punctuation together: one
        // `memchr` pass finds them all (see `rare_first`), where one for
        // each of the two such lists of the built-in catalogue, both
        // asked in every notice, took 1.1 M cycles more per 1,000
        // notices. (All together in one group: the search they replaced,
        // for tests.)
        let punctuation_only = |slot: u32| {
            (inside.iter())
                .filter(|&&(_, s)| s == slot)
                .all(|(stem, _)| stem.as_bytes()[0].is_ascii_punctuation())
        };
        let mut punctuation_group = NO_GROUP;
        let mut groups: Vec<Vec<(&str, u32)>> = Vec::new();
        let mut group_of = vec![(NO_GROUP, 0); lists.len()];
        for (stem, slot) in inside.iter().cloned() {
            let (group, _) = &mut group_of[slot as usize];
            if *group == NO_GROUP {
                *group = if one_group {
                    0
                } else if punctuation_only(slot) {
                    if punctuation_group == NO_GROUP {
                        punctuation_group = groups.len() as u32;
                    }
                    punctuation_group
                } else {
                    groups.len() as u32
                };
            }
            if *group as usize == groups.len() {
                groups.push(Vec::new());
            }
            groups[*group as usize].push((stem, slot));
        }
        let mut inside = Vec::new();
        for stems in &groups {
            let group = InsideStems::new(stems)?;
            for (local, &slot) in group.slots.iter().enumerate() {
                group_of[slot as usize].1 = local as u32;
            }
            inside.push(group);
        }
        Some(TermIndex {
            edges: DoubleArrayTrie::new(&edge)?,
            inside,
            group_of: group_of.into_boxed_slice(),
            class,
            stems_start_words,
            n_slots: lists.len(),
            id: NEXT_INDEX_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// Calls `f` at each word edge (the text's start, and after a character
    /// that does not continue a word) whose byte may begin an edge stem, by
    /// a walk over the characters: for catalogues with a stem that starts
    /// with a letter that is not a word's tail letter (an uppercase or rare
    /// letter), which [`each_word_start`] would not see.
    fn each_edge_by_bytes(&self, bytes: &[u8], mut f: impl FnMut(usize)) {
        // Word edges: the text's start, and after a character that does
        // not continue a word.
        let class = &*self.class;
        let mut prev_tail = false;
        let mut at = 0;
        while at < bytes.len() {
            if prev_tail {
                // Inside a word: skip its ASCII letters eight at a time.
                while let Some(chunk) = bytes.get(at..at + 8) {
                    let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
                    let t = ascii_tail_bytes(w);
                    if t == HIGH {
                        at += 8;
                        continue;
                    }
                    at += ((!t & HIGH).trailing_zeros() / 8) as usize;
                    break;
                }
                if at >= bytes.len() {
                    break;
                }
            }
            let b = bytes[at];
            let c = class[b as usize];
            if !prev_tail && c & EDGE_START != 0 {
                f(at);
            }
            if c & ASCII_TAIL != 0 {
                // The common case, inside a word.
                prev_tail = true;
                at += 1;
                continue;
            }
            let n = tail_len(bytes, at);
            prev_tail = n != 0;
            at += if prev_tail { n } else { utf8_len(b) };
        }
    }

    /// Each slot's candidate starts in `text` (under 4 GB).
    pub(super) fn starts<'a>(&'a self, text: &'a str) -> StartLists<'a> {
        let bytes = text.as_bytes();
        // (slot, position), then grouped by slot with a stable counting
        // sort. A notice gives about one hit in 16 bytes; room for twice
        // that.
        let mut hits = WORD_MEMO.with_borrow_mut(|memo| std::mem::take(&mut memo.hits));
        hits.len = 0;
        hits.room_for(text.len() / 8 + COPIED);
        let mut counted = None;
        // A word edge gives each slot once: the ids to an end are distinct.
        if self.stems_start_words {
            // The language guess's function words, counted at the word
            // starts visited here ([`crate::lint::language_of_joined`]).
            let mut function_words = [0u32; 3];
            let tails = block_masks(bytes);
            WORD_MEMO.with_borrow_mut(|memo| {
                let memo = memo.for_index(self.id);
                // (Nearly every word begins with a byte that begins some
                // stem: the walk, or the memo, answers for the others.)
                // Room for the writes ahead of a block's word starts,
                // made once for the block, as many as it may have (for
                // the whole text, the lists grew too long to keep for the
                // next text; by the block's count, the count cost more
                // than it saved: no `popcnt` in the baseline x86-64).
                let room = |hits: &mut Hits| hits.room_for(2 * COPIED * 32);
                each_word_start(&tails, &mut hits, room, |hits, at, run| {
                    // (A window of 16 bytes by two checks that the
                    // compiler does not merge, where `get(at..at + 16)`
                    // took seven instructions.)
                    let window = bytes.get(at..).and_then(<[u8]>::first_chunk::<16>);
                    let (path, class) = match window {
                        // The text's last bytes: walked.
                        None => (
                            self.edges.path_to(self.edges.walk(&bytes[at..]).1),
                            crate::lint::function_word_class(bytes, at, run),
                        ),
                        Some(window) => {
                            // The word and the byte after it: a walk that
                            // stops inside the word or on that byte reads
                            // no further.
                            let (key, set) = memo_key(window, run);
                            let ways = &mut memo[set];
                            // One branch for the two compares.
                            let known =
                                |e: &MemoEntry| (e.key[0] ^ key[0]) | (e.key[1] ^ key[1]) == 0;
                            if !known(&ways[0]) {
                                if known(&ways[1]) {
                                    // (By value: `swap` went through the
                                    // stack, 14 instructions.)
                                    let [first, second] = *ways;
                                    *ways = [second, first];
                                } else {
                                    let len = key_len(run);
                                    let (read, state, deepest) =
                                        self.edges.walk_from(ROOT, NO_STEM, &window[..len]);
                                    // The walk went on past the key: the rest
                                    // of it each time, from where it was.
                                    let resume = read > len;
                                    ways[1] = ways[0];
                                    let class = crate::lint::function_word_class_of(key[0], run);
                                    debug_assert!(class < RESUME);
                                    ways[0] = MemoEntry {
                                        key,
                                        path: if resume {
                                            (state as u16, deepest as u16)
                                        } else {
                                            self.edges.path_to(deepest)
                                        },
                                        flags: class | if resume { RESUME } else { 0 },
                                    };
                                }
                            }
                            let entry = &ways[0];
                            if entry.flags == 0 {
                                (entry.path, 0)
                            } else {
                                let path = if entry.flags & RESUME != 0 {
                                    let (state, deepest) = entry.path;
                                    let rest = &bytes[at + key_len(run)..];
                                    let (state, deepest) = (state.into(), deepest.into());
                                    let (_, _, deepest) =
                                        self.edges.walk_from(state, deepest, rest);
                                    self.edges.path_to(deepest)
                                } else {
                                    entry.path
                                };
                                (path, entry.flags & !RESUME)
                            }
                        }
                    };
                    crate::lint::count_at_word_start(bytes, at, run, class, &mut function_words);
                    // SAFETY: `room` made room for `2 * COPIED` per word
                    // start of the block, and each call keeps the room the
                    // block's later ones need.
                    unsafe { self.edges.add_ids_in_room(path, at, hits) };
                });
            });
            counted = Some(function_words);
        } else {
            self.each_edge_by_bytes(bytes, |at| {
                let (_, deepest) = self.edges.walk(&bytes[at..]);
                self.edges
                    .add_ids_to(self.edges.path_to(deepest), at, &mut hits);
            });
        }
        let (slots, ats) = (&hits.slots[..hits.len], &hits.ats[..hits.len]);
        // (Each slot's run ascends: the word starts are visited in order.)
        let (offsets, positions) = group_by_slot(slots, ats, self.n_slots);
        // Kept for the next text, unless a long one made them many.
        if hits.slots.len() <= 1 << 16 {
            WORD_MEMO.with_borrow_mut(|memo| memo.hits = hits);
        }
        StartLists {
            index: self,
            text,
            offsets,
            positions,
            inside: self.inside.iter().map(|_| OnceCell::new()).collect(),
            function_words: counted,
        }
    }

    /// The whole lists of the slots of the group `group` of inside stems
    /// in the text of `edge`, which holds the edge stems' positions.
    fn inside_lists(&self, group: usize, edge: &StartLists) -> Vec<Vec<u32>> {
        let stems = &self.inside[group];
        let (text, bytes) = (edge.text, edge.text.as_bytes());
        let mut lists: Vec<Vec<u32>> = (stems.slots.iter())
            .map(|&s| {
                let (a, b) = (edge.offsets[s as usize], edge.offsets[s as usize + 1]);
                edge.positions[a as usize..b as usize].to_vec()
            })
            .collect();
        // The next place one of `rare_first` occurs at or after `from`.
        let next_rare = |from: usize| -> Option<usize> {
            let hay = bytes.get(from..)?;
            let found = match stems.rare_first[..] {
                [] => None,
                [a] => memchr::memchr(a, hay),
                [a, b] => memchr::memchr2(a, b, hay),
                [a, b, c, ..] => memchr::memchr3(a, b, c, hay),
            };
            found.map(|i| from + i)
        };
        // Every place a pattern occurs, and the places of the stems that
        // hold it further back, and each place of a rare first byte:
        // tried in order, each once. (The patterns begin no one another,
        // so at most one occurs at a place, and a search from the next
        // byte after each finds them all, overlapping or not.)
        let mut places = WORD_MEMO.with_borrow_mut(|memo| std::mem::take(&mut memo.places));
        places.clear();
        if let Some(search) = &stems.search {
            let mut from = 0;
            while let Some((at, pattern)) = search.find(bytes, from) {
                for &back in stems.backs[pattern].iter() {
                    if let Some(p) = at.checked_sub(back as usize) {
                        places.push(p as u32);
                    }
                }
                from = at + 1;
            }
        }
        let mut from = 0;
        while let Some(r) = next_rare(from) {
            places.push(r as u32);
            from = r + 1;
        }
        if !places.is_sorted() {
            places.sort_unstable();
        }
        let mut prev = u32::MAX;
        for &p in &places {
            if p != prev && text.is_char_boundary(p as usize) {
                // The ids of every stem that ends on the walk, each once.
                let (_, deepest) = stems.trie.walk(&bytes[p as usize..]);
                let (from, len) = stems.trie.path_to(deepest);
                let (from, len) = (usize::from(from), usize::from(len));
                // (So a list gets each place once. No list has stems in
                // both passes that start at one place: a list's inside
                // stems that are not compounds start with no letter or
                // digit, and its edge stems with one.)
                for &s in &stems.trie.path_ids[from..from + len] {
                    let list = &mut lists[self.group_of[s as usize].1 as usize];
                    debug_assert!(list.last() != Some(&p));
                    list.push(p);
                }
            }
            prev = p;
        }
        WORD_MEMO.with_borrow_mut(|memo| memo.places = places);
        // A slot with stems in both passes has two ascending runs.
        for list in &mut lists {
            if !list.is_sorted() {
                list.sort_unstable();
            }
        }
        lists
    }
}

#[cfg(test)]
mod tests {
    use super::super::words::is_tail;
    use super::*;

    /// Where each slot's stems start in `text`, by brute force: at every
    /// character, each stem; one that must start at a word edge not after a
    /// letter that continues a word.
    fn expected(lists: &[(Vec<&str>, bool)], text: &str) -> Vec<Vec<u32>> {
        lists
            .iter()
            .map(|(stems, at_edge)| {
                text.char_indices()
                    .map(|(p, _)| p)
                    .filter(|&p| {
                        stems.iter().any(|s| {
                            let starts_word = s.chars().next().is_some_and(char::is_alphanumeric);
                            text[p..].starts_with(s)
                                && !(*at_edge
                                    && starts_word
                                    && text[..p].chars().next_back().is_some_and(is_tail))
                        })
                    })
                    .map(|p| p as u32)
                    .collect()
            })
            .collect()
    }

    /// Word starts found eight bytes at a time (`each_word_start`), and by
    /// the byte loop that a catalogue with a stem starting in uppercase or
    /// with a letter that is no word tail (`ß`) needs.
    #[test]
    fn starts_are_every_place_a_stem_may_begin() {
        let mut lists: Vec<(Vec<&str>, bool)> = vec![
            (vec!["tieto", "tietosuoja", "tiedo"], true),
            (vec!["la", "lak", "laki"], true),
            (vec!["lauseke", "sopimuslauseke", "lausekke"], false),
            (vec!["(s-postiosoite)", "[", "muuta?"], true),
            (vec!["eväste", "ä"], false),
            (vec!["y-tunnus", "öljy", "x"], true),
        ];
        let by_words = TermIndex::new(&lists).unwrap();
        assert!(by_words.stems_start_words);
        // A second index on the same thread, whose walks differ: the word
        // memo must not answer for one with the other's. Its first list
        // ends four stems on the walk from "tietosuoja" (more than a memo
        // entry holds).
        let mut other_lists = lists.clone();
        other_lists[0]
            .0
            .extend(["t", "ti", "tie", "tietosuojaseloste"]);
        other_lists[1].0.push("lai");
        let other = TermIndex::new(&other_lists).unwrap();
        lists.push((vec!["Ärr", "ßa", "A"], true));
        let by_bytes = TermIndex::new(&lists).unwrap();
        assert!(!by_bytes.stems_start_words);
        let pieces = [
            "tieto",
            "tietosuoja",
            "tiedot",
            "laki",
            "lain",
            "la",
            "sopimuslauseke",
            "lausekkeet",
            "(s-postiosoite)",
            "[yritys]",
            "muuta?",
            "evästeet",
            "käyttää",
            "y-tunnus",
            "öljy",
            "x",
            "Ä",
            "–",
            " ",
            " ",
            "-",
            ".",
            "\n",
            "a",
            "ö",
            "ß",
            "5",
            "xtieto",
            "öla",
            "œ",
            "š",
            "÷",
            "×",
            "A",
            "äöå",
            "é",
            "Ärr",
            "ßa",
            "ß",
            "12345678",
            "abcdefghij",
            "ääkkösöö",
        ];
        let mut next = crate::xorshift(0x2545_f491_4f6c_dd1d);
        for round in 0..3000 {
            let mut text = String::new();
            // Up to about 300 bytes: several 64-byte blocks.
            for _ in 0..(round % 40) * (1 + round % 3) {
                text.push_str(pieces[(next() % pieces.len() as u64) as usize]);
            }
            let want = expected(&lists, &text);
            // Twice: the second time, the words of the text are known to
            // the memo (and a few of them from earlier texts the first).
            for pass in 0..2 {
                let starts = by_words.starts(&text);
                for (slot, want) in want.iter().take(lists.len() - 1).enumerate() {
                    let at = format!("slot {slot} in {text:?}, pass {pass}");
                    assert_eq!(starts.of(slot), want.as_slice(), "{at}");
                }
            }
            if round % 2 == 0 {
                let starts = other.starts(&text);
                for (slot, want) in expected(&other_lists, &text).iter().enumerate() {
                    let at = format!("slot {slot} in {text:?}, other index");
                    assert_eq!(starts.of(slot), want.as_slice(), "{at}");
                }
            }
            let starts = by_bytes.starts(&text);
            for (slot, want) in want.iter().enumerate() {
                assert_eq!(
                    starts.of(slot),
                    want.as_slice(),
                    "slot {slot} in {text:?} (bytes)"
                );
            }
        }
    }

    /// The function words counted at the word starts (for the language
    /// guess) are those of the separate pass over every piece, on random
    /// texts of function words and what may stand around them; the second
    /// time from the memo. An index that walks by bytes records none.
    #[test]
    fn function_words_counted_at_word_starts_are_the_pieces_ones() {
        let lists: Vec<(Vec<&str>, bool)> = vec![
            (vec!["ja", "tieto", "och"], true),
            (vec!["the", "on"], true),
            (vec!["lauseke"], false),
        ];
        let index = TermIndex::new(&lists).unwrap();
        let pieces = [
            "ja", "on", "tai", "och", "är", "för", "sekä", "tietoja", "the", "your", "Ja", "jaa",
            " ", " ", " ", ",", "\n", "–", "\u{a0}", "Ä", "ä", "ß", "š", "÷", "x", "A", "5", "Jon",
            "tieto", "jaš", "😀", "(", "_",
        ];
        let mut next = crate::xorshift(0x5eed_f00d_1234_4321);
        for round in 0..3000 {
            let text = crate::random_text(&mut next, &pieces, round % 300);
            let want = crate::lint::all_function_words(&text);
            for pass in 0..2 {
                let got = index.starts(&text).function_words;
                assert_eq!(got, Some(want), "{text:?}, pass {pass}");
            }
        }
        let mut lists = lists;
        lists.push((vec!["Ärr"], true));
        let by_bytes = TermIndex::new(&lists).unwrap();
        assert_eq!(by_bytes.starts("ja ja").function_words, None);
    }

    /// Stems found by their rare first byte (`[`) and those the in-word
    /// search finds, where the places of one lie inside the other's
    /// matches: each place is tried once, in order.
    #[test]
    fn rare_first_bytes_and_inside_matches_give_each_start_once() {
        let lists: Vec<(Vec<&str>, bool)> = vec![
            (vec!["[to", "ab[to"], false),
            (vec!["[t", "(x"], true),
            (vec!["b[", "to"], false),
        ];
        let index = TermIndex::build(&lists, true).unwrap();
        assert_eq!(index.inside[0].rare_first, b"([");
        let texts = [
            "ab[to",
            "[to ab[to] xab[tob[",
            "(x[t ab[[to",
            "[[[",
            "ab[t",
            "",
        ];
        for text in texts {
            let starts = index.starts(text);
            for (slot, want) in expected(&lists, text).iter().enumerate() {
                assert_eq!(starts.of(slot), want.as_slice(), "slot {slot} in {text:?}");
            }
        }
    }

    /// Patterns held inside others (`lausek` in `sopimuslausek`) are
    /// searched once, their places that far back tried too, overlapping
    /// or not; by Teddy and by the automaton alike.
    #[test]
    fn stems_searched_by_a_pattern_inside_them_are_all_found() {
        let lists: Vec<(Vec<&str>, bool)> = vec![
            (vec!["sopimuslausek", "lausek"], false),
            (vec!["vakiolausek", "kiolau"], false),
            (vec!["eväste", "evästeseloste", "(yrityksen"], false),
            (vec!["tarkoitu", "rekisteriseloste", "seloste"], false),
            (vec!["sopimus"], true),
        ];
        let index = TermIndex::build(&lists, true).unwrap();
        let InsideSearch::Teddy(_) = index.inside[0].search.as_ref().unwrap() else {
            return;
        };
        let mut automaton = index.clone();
        let patterns: Vec<&str> = index.inside[0]
            .patterns
            .iter()
            .map(String::as_str)
            .collect();
        automaton.inside[0].search = Some(InsideSearch::new(&patterns, false));
        // (Each pattern's places from its own start, whatever window of it
        // is searched.)
        let from_start = |b: &[u32]| b.iter().map(|x| x - b[0]).collect::<Vec<_>>();
        let backs = &index.inside[0].backs;
        assert_eq!(from_start(&backs[0]), [0, 2]);
        assert_eq!(from_start(&backs[1]), [0, 7]);
        assert_eq!(from_start(&backs[3]), [0, 9]);
        let by_list = TermIndex::new(&lists).unwrap();
        let mut next = crate::xorshift(56);
        let pieces = [
            "sopimuslauseke",
            "vakiolausek",
            "lausek",
            "kiolausek",
            "evästeseloste",
            "rekisteriseloste",
            "(yrityksen",
            "tarkoitus",
            "ä",
            " ",
            "x",
            "sopimus",
            "(",
        ];
        for round in 0..300 {
            let text = crate::random_text(&mut next, &pieces, round % 12);
            for index in [&index, &automaton, &by_list] {
                let starts = index.starts(&text);
                for (slot, want) in expected(&lists, &text).iter().enumerate() {
                    assert_eq!(starts.of(slot), want.as_slice(), "slot {slot} in {text:?}");
                }
            }
        }
    }

    /// Each list's inside stems searched at its first ask give the lists
    /// that all of them searched together gave (and the brute force), in
    /// whatever order and however often the lists are asked: one pattern
    /// (`memmem`), several (Teddy), rare first bytes shared by lists, a
    /// list with stems in both passes, texts empty, short, and long.
    #[test]
    fn lists_searched_at_their_first_ask_are_those_searched_together() {
        let lists: Vec<(Vec<&str>, bool)> = vec![
            (vec!["tieto", "(tieto"], true),
            (vec!["sopimuslauseke", "vakiolauseke"], false),
            (vec!["(yrityksen", "[to"], false),
            (vec!["seloste"], false),
            (vec!["laki", "lauseke"], true),
            (vec!["(s-postiosoite)", "(täydennä)"], true),
            (vec!["lauseke", "lausekke"], false),
            (vec!["eväste", "äste"], false),
            (vec!["rekisteriseloste"], false),
            (vec!["öö", "ä"], false),
        ];
        let lazy = TermIndex::new(&lists).unwrap();
        let eager = TermIndex::build(&lists, true).unwrap();
        assert!(lazy.inside.len() > 3 && eager.inside.len() == 1);
        let pieces = [
            "tieto",
            "(tieto",
            "sopimuslauseke",
            "vakiolausekkeet",
            "lauseke",
            "(yrityksen",
            "[to",
            "[",
            "(",
            "rekisteriseloste",
            "seloste",
            "evästeet",
            "äste",
            "öö",
            "ä",
            "ö",
            "laki",
            "(s-postiosoite)",
            "(täydennä)",
            " ",
            "x",
            "\n",
            "–",
            "😀",
        ];
        let mut next = crate::xorshift(0x90_1a2b_3c4d);
        for round in 0..2000 {
            // Up to ~4 KB (and 0: the empty text).
            let len = if round % 50 == 49 { 400 } else { round % 30 };
            let text = crate::random_text(&mut next, &pieces, len);
            let want = expected(&lists, &text);
            let (by_list, together) = (lazy.starts(&text), eager.starts(&text));
            // Some lists asked, in a random order, some twice.
            for _ in 0..(next() % 16) {
                let slot = (next() % lists.len() as u64) as usize;
                let at = format!("slot {slot} in {text:?}");
                assert_eq!(by_list.of(slot), together.of(slot), "{at}");
                assert_eq!(by_list.of(slot), want[slot].as_slice(), "{at}");
            }
        }
    }

    /// A word whose walk runs to the end of a text says nothing of the
    /// same bytes followed by more: the memo must not keep it.
    #[test]
    fn a_walk_cut_short_by_the_text_end_is_not_remembered() {
        let lists: Vec<(Vec<&str>, bool)> = vec![(vec!["abcdefghijklmnopq"], true)];
        let index = TermIndex::new(&lists).unwrap();
        assert_eq!(index.starts("abcdefghijklmnop").of(0), &[] as &[u32]);
        assert_eq!(index.starts("abcdefghijklmnopq").of(0), &[0]);
        assert_eq!(index.starts("x abcdefghijklmnopqr").of(0), &[2]);
    }

    /// A word whose walk reads past its key (a stem longer than 16 bytes,
    /// or one that goes on past the word) is remembered with the cell to
    /// go on from: the walk's rest decides each time, from the memo as
    /// from the root.
    #[test]
    fn a_walk_past_its_key_goes_on_from_the_memo() {
        let lists: Vec<(Vec<&str>, bool)> = vec![
            (vec!["abcdefghijklmnopqrs", "abcd"], true),
            (vec!["abcdefghijklmnopqrst"], true),
            (vec!["y-tunnus", "y"], true),
            (vec!["abcdefghijklmnop"], true),
        ];
        let index = TermIndex::new(&lists).unwrap();
        let pieces = [
            "abcdefghijklmnopqrst",
            "abcdefghijklmnopqrs",
            "abcdefghijklmnopqr",
            "abcdefghijklmnop",
            "abcdefghijklmnopx",
            "y-tunnus",
            "y-tunnu",
            "y-",
            "y",
            " ",
            "-",
            "t",
        ];
        let mut next = crate::xorshift(0xfeed_5eed);
        for round in 0..500 {
            let text = crate::random_text(&mut next, &pieces, round % 20);
            for pass in 0..2 {
                let starts = index.starts(&text);
                for (slot, want) in expected(&lists, &text).iter().enumerate() {
                    let at = format!("slot {slot} in {text:?}, pass {pass}");
                    assert_eq!(starts.of(slot), want.as_slice(), "{at}");
                }
            }
        }
    }

    /// Past 65,535 trie states there is no index (each list then searches
    /// by itself); a catalogue that large still lints.
    #[test]
    fn too_many_stems_give_no_index_and_lists_still_match() {
        let stems: Vec<String> = (0..20_000u32)
            .map(|i| {
                let mut x = i.wrapping_mul(2_654_435_761);
                (0..6)
                    .map(|_| {
                        x = x.rotate_left(5) ^ 0x9e37;
                        char::from(b'a' + (x % 26) as u8)
                    })
                    .collect()
            })
            .collect();
        let refs: Vec<&str> = stems.iter().map(String::as_str).collect();
        assert!(TermIndex::new(&[(refs, true)]).is_none());
        let set = super::super::TermSet::new(&stems, &[]).unwrap();
        let pre = super::super::Prefilter::new([&set]);
        let text = format!("alku {} loppu", stems[12_345]);
        let scan = pre.scan(&text);
        assert!(set.may_match_in(&scan));
        assert_eq!(set.find_all_in(&scan), vec![5..11]);
    }

    /// The SSE2 and AVX2 masks of word bytes are the SWAR ones, for every 64-byte
    /// block of random texts of ASCII, the letters of two bytes that are
    /// word tails and those that are not (`÷`, `À`, `ő`), wider
    /// characters, and lead bytes on a block's last byte.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn vector_block_tails_are_the_swar_ones() {
        let pieces = [
            "a", "z", "0", "9", "A", "Z", " ", "`", "{", "/", ":", "@", "\x7f", "à", "ö", "÷", "ø",
            "ÿ", "À", "ß", "š", "ž", "œ", "Š", "ő", "ą", "–", "€", "😀", "\u{a0}", "é", "ä",
        ];
        let mut next = crate::xorshift(0x9e37_79b9_7f4a_7c15);
        for round in 0..2000 {
            let text = crate::random_text(&mut next, &pieces, round % 150);
            let bytes = text.as_bytes();
            let mut spill = (0, 0);
            for at in (0..bytes.len()).step_by(64) {
                let swar = block_tails_swar(bytes, at, spill.0);
                // SAFETY: SSE2 is part of x86-64 itself.
                let sse2 = unsafe { block_tails_sse2(bytes, at, spill.1) };
                assert_eq!(sse2, swar, "block at {at} of {text:?}");
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: the CPU has AVX2 (checked just above).
                    let avx2 = unsafe { block_tails_avx2(bytes, at, spill.0) };
                    assert_eq!(avx2, swar, "block at {at} of {text:?} (AVX2)");
                }
                spill = (swar.1, sse2.1);
            }
        }
    }

    /// A trie of a few short words, word `i` in up to 12 - i of 40 lists
    /// (more than the vector writes' eight), with its entries.
    fn many_list_trie(next: &mut impl FnMut() -> u64) -> (Vec<(String, u32)>, DoubleArrayTrie) {
        let words = ["a", "ab", "abc", "abcd", "b", "ba", "c"];
        let mut entries = Vec::new();
        for (i, w) in words.iter().enumerate() {
            for _ in 0..=(next() % (12 - i as u64)) {
                entries.push((w.to_string(), (next() % 40) as u32));
            }
        }
        let trie = DoubleArrayTrie::new(&entries).unwrap();
        (entries, trie)
    }

    /// `add_ids_to` writes ahead of the pairs without bounds checks: on
    /// a trie whose walks end up to a dozen lists (more than the vector
    /// writes' eight), from an empty `Hits` that must grow on the way,
    /// each walk's ids and position are the pairs added, and nothing
    /// else.
    #[test]
    fn ids_added_at_a_word_start_are_the_walks_lists() {
        let mut next = crate::xorshift(0x0dd_ba11);
        let (entries, trie) = many_list_trie(&mut next);
        let mut hits = Hits::default();
        let (mut want_slots, mut want_ats): (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
        for round in 0..2000 {
            let text = crate::random_text(&mut next, &["a", "b", "c", "d", "x"], 1 + round % 6);
            let at = (next() % 1_000_000) as usize;
            let (_, deepest) = trie.walk(text.as_bytes());
            let mut ids: Vec<u32> = (entries.iter())
                .filter(|(w, _)| text.starts_with(w.as_str()))
                .map(|&(_, id)| id)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            trie.add_ids_to(trie.path_to(deepest), at, &mut hits);
            let mut got = hits.slots[want_slots.len()..hits.len].to_vec();
            got.sort_unstable();
            assert_eq!(got, ids, "{text:?}");
            want_slots.extend(&hits.slots[want_slots.len()..hits.len]);
            want_ats.extend(ids.iter().map(|_| at as u32));
        }
        assert_eq!(&hits.slots[..hits.len], want_slots.as_slice());
        assert_eq!(&hits.ats[..hits.len], want_ats.as_slice());
    }

    /// `add_ids_in_room` keeps the room it was given, but for one call's:
    /// from room made for a block of 32 word starts, each of which ends up
    /// to a dozen lists (more than the vector writes' eight, so that some
    /// take the path that may grow the lists), 32 calls stay inside it.
    #[test]
    fn ids_added_in_room_keep_room_for_the_blocks_later_starts() {
        let mut next = crate::xorshift(0xb10c);
        let (_, trie) = many_list_trie(&mut next);
        let mut hits = Hits::default();
        let mut checked = Hits::default();
        for block in 0..200 {
            hits.room_for(2 * COPIED * 32);
            for k in (0..32).rev() {
                let text = crate::random_text(&mut next, &["a", "b", "c", "x"], 1 + block % 5);
                let (_, deepest) = trie.walk(text.as_bytes());
                // SAFETY: room for `k + 1` calls, as the loop keeps.
                unsafe { trie.add_ids_in_room(trie.path_to(deepest), block, &mut hits) };
                trie.add_ids_to(trie.path_to(deepest), block, &mut checked);
                assert!(hits.slots.len() >= hits.len + 2 * COPIED * k);
                assert_eq!(hits.ats.len(), hits.slots.len());
            }
        }
        assert_eq!(&hits.slots[..hits.len], &checked.slots[..checked.len]);
        assert_eq!(&hits.ats[..hits.len], &checked.ats[..checked.len]);
    }

    /// The counting sort by slot, by the low byte's table (up to 256
    /// slots) and by the full one, is a stable sort of the pairs.
    #[test]
    fn pairs_grouped_by_slot_are_a_stable_sort() {
        let mut next = crate::xorshift(0x5107_5eed);
        for n_slots in [1, 2, 80, 255, 256, 257, 300, 1000] {
            for round in 0..50 {
                let n = (next() % (1 + 40 * round)) as usize;
                let slots: Vec<u32> = (0..n).map(|_| (next() % n_slots as u64) as u32).collect();
                let ats: Vec<u32> = (0..n).map(|_| (next() % 5000) as u32).collect();
                let (offsets, positions) = group_by_slot(&slots, &ats, n_slots);
                let mut pairs: Vec<(u32, u32)> = slots.iter().copied().zip(ats).collect();
                pairs.sort_by_key(|&(s, _)| s);
                assert_eq!(offsets.len(), n_slots + 1);
                for slot in 0..n_slots {
                    let want: Vec<u32> = (pairs.iter())
                        .filter(|&&(s, _)| s as usize == slot)
                        .map(|&(_, p)| p)
                        .collect();
                    let got = &positions[offsets[slot] as usize..offsets[slot + 1] as usize];
                    assert_eq!(got, want.as_slice(), "slot {slot} of {n_slots}");
                }
            }
        }
    }

    #[test]
    fn ascii_tail_bytes_marks_lowercase_letters_and_digits() {
        for b in 0u8..=255 {
            let w = u64::from_le_bytes([b'a', b, b'z', b'0', 0x80, b'9', b, b'/']);
            let t = ascii_tail_bytes(w);
            let want = b.is_ascii_lowercase() || b.is_ascii_digit();
            let marks: Vec<bool> = (0..8).map(|i| t >> (8 * i + 7) & 1 == 1).collect();
            assert_eq!(
                marks,
                [true, want, true, true, false, true, want, false],
                "{b:#x}"
            );
        }
    }

    #[test]
    fn stems_sorted_by_their_heads_first_are_sorted() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet = ["a", "b", "\0", "ä", "ö", " ", "-", "\u{1}", "z"];
        for _ in 0..300 {
            let n = (next() % 60) as usize;
            let stems: Vec<String> = (0..n)
                .map(|_| {
                    let len = (next() % 12) as usize;
                    (0..len)
                        .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                        .collect()
                })
                .collect();
            let mut keyed: Vec<(u64, &str)> = (stems.iter())
                .map(|s| (stem_head(s.as_bytes()), s.as_str()))
                .collect();
            keyed.sort_unstable();
            keyed.dedup_by(|a, b| a.1 == b.1);
            let mut want: Vec<&str> = stems.iter().map(String::as_str).collect();
            want.sort_unstable();
            want.dedup();
            let got: Vec<&str> = keyed.iter().map(|&(_, s)| s).collect();
            assert_eq!(got, want);
        }
    }

    /// The tries of the built-in catalogue's index are those build.rs laid
    /// out from `src/pattern/builtin_tries.toml`, and each of those is what
    /// [`Layout::new`] makes of its stems at run time, cell for cell. With
    /// `SELOSTE_BLESS_TRIES` set, a list that no longer fits is written
    /// anew (then build again).
    #[test]
    fn builtin_tries_are_the_run_time_layouts() {
        for t in BUILTIN_TRIES {
            let stored = DoubleArrayTrie::new(t.entries).expect("fits");
            let fresh = DoubleArrayTrie::laid_out(t.entries).expect("fits");
            assert_eq!(stored.class, fresh.class);
            assert_eq!(stored.cells, fresh.cells);
            assert_eq!(stored.paths, fresh.paths);
            assert_eq!(stored.path_ids, fresh.path_ids);
        }
        BUILT.with(|b| b.borrow_mut().clear());
        let engine = crate::engine::Engine::builtin();
        let built = BUILT.with(|b| b.take());
        drop(engine);
        assert!(!built.is_empty());
        let listed: Vec<Vec<(Vec<u8>, u32)>> = (BUILTIN_TRIES.iter())
            .map(|t| {
                (t.entries.iter())
                    .map(|(s, id)| (s.as_bytes().to_vec(), *id))
                    .collect()
            })
            .collect();
        let wanted: Vec<Vec<(Vec<u8>, u32)>> = built.iter().map(|(e, _)| e.clone()).collect();
        if built.iter().all(|&(_, stored)| stored) && listed == wanted {
            return;
        }
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/pattern/builtin_tries.toml"
        );
        if std::env::var_os("SELOSTE_BLESS_TRIES").is_some() {
            let mut out = String::from(
                "# The stems of the built-in catalogue's term index, trie by trie, each\n\
                 # line `id stem` (the trie's order): build.rs lays these tries out, and\n\
                 # the index copies them. Written by\n\
                 # `SELOSTE_BLESS_TRIES=1 cargo test --release --lib builtin_tries`.\n",
            );
            for stems in &wanted {
                out += "\n[[trie]]\nstems = [\n";
                for (stem, id) in stems {
                    let stem = std::str::from_utf8(stem).expect("stems are UTF-8");
                    let line = toml::Value::String(format!("{id} {stem}"));
                    out += &format!("    {line},\n");
                }
                out += "]\n";
            }
            std::fs::write(path, out).expect("the file is writable");
        }
        panic!(
            "{path} lists other stems than the built-in catalogue's index has: \
             run `SELOSTE_BLESS_TRIES=1 cargo test --release --lib builtin_tries` and build again"
        );
    }
}

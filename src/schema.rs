//! The canonical notice: sections with normalized text, canonical element
//! keys from the heading tables in `rules/headings.toml`, and the notice's
//! title, register name and stated date.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;

use crate::lowercase::with_lowercase;
use crate::normalize::{normalize, normalize_into, NormText};
use crate::parse::date::{find_date, leading_year, FoundDate};
use crate::parse::text::strip_numbering;
use crate::parse::{names_the_notice, Comment, Format, HeadingOracle, RawDocument};
use crate::textmap::MappedText;

/// Canonical keys: the GDPR Art. 13/14 elements, plus the notice's own
/// metadata that headings also name (date, register name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Controller,
    ControllerContact,
    DpoContact,
    Purpose,
    LegalBasis,
    DataCategories,
    DataSources,
    Recipients,
    Transfers,
    Retention,
    Security,
    Cookies,
    RightAccess,
    RightRectification,
    RightErasure,
    RightRestriction,
    RightObjection,
    RightPortability,
    RightWithdrawConsent,
    RightComplaint,
    AutomatedDecisions,
    Date,
    RegisterName,
}

impl Key {
    /// The 21 elements, in the order of the taxonomy (the first 21 of `ALL`).
    pub const ELEMENTS: [Key; 21] = {
        let mut out = [Key::Controller; 21];
        let mut i = 0;
        while i < 21 {
            out[i] = Key::ALL[i];
            i += 1;
        }
        out
    };

    pub const ALL: [Key; 23] = [
        Key::Controller,
        Key::ControllerContact,
        Key::DpoContact,
        Key::Purpose,
        Key::LegalBasis,
        Key::DataCategories,
        Key::DataSources,
        Key::Recipients,
        Key::Transfers,
        Key::Retention,
        Key::Security,
        Key::Cookies,
        Key::RightAccess,
        Key::RightRectification,
        Key::RightErasure,
        Key::RightRestriction,
        Key::RightObjection,
        Key::RightPortability,
        Key::RightWithdrawConsent,
        Key::RightComplaint,
        Key::AutomatedDecisions,
        Key::Date,
        Key::RegisterName,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Key::Controller => "controller",
            Key::ControllerContact => "controller_contact",
            Key::DpoContact => "dpo_contact",
            Key::Purpose => "purpose",
            Key::LegalBasis => "legal_basis",
            Key::DataCategories => "data_categories",
            Key::DataSources => "data_sources",
            Key::Recipients => "recipients",
            Key::Transfers => "transfers",
            Key::Retention => "retention",
            Key::Security => "security",
            Key::Cookies => "cookies",
            Key::RightAccess => "right_access",
            Key::RightRectification => "right_rectification",
            Key::RightErasure => "right_erasure",
            Key::RightRestriction => "right_restriction",
            Key::RightObjection => "right_objection",
            Key::RightPortability => "right_portability",
            Key::RightWithdrawConsent => "right_withdraw_consent",
            Key::RightComplaint => "right_complaint",
            Key::AutomatedDecisions => "automated_decisions",
            Key::Date => "date",
            Key::RegisterName => "register_name",
        }
    }

    pub fn from_name(s: &str) -> Option<Key> {
        Key::ALL.iter().copied().find(|k| k.name() == s)
    }

    pub fn is_element(self) -> bool {
        !matches!(self, Key::Date | Key::RegisterName)
    }
}

/// One section of the canonical notice.
#[derive(Debug, Clone)]
pub struct Section {
    /// The heading as parsed (entities decoded, trimmed), for display.
    pub heading_text: String,
    pub heading: NormText,
    pub body: NormText,
    pub keys: Vec<Key>,
    pub level: u8,
    /// The heading as written in the source.
    pub heading_span: Range<usize>,
    /// The body in the source (None when the body is empty).
    pub body_span: Option<Range<usize>>,
}

impl Notice {
    /// Gives the normalized texts' buffers to the next notice normalized
    /// on this thread, last first: [`build`] takes them back in the order
    /// it normalizes (title, preamble, each heading and body, footer), so
    /// a notice like this one finds a buffer of about the right size each
    /// time.
    pub fn recycle(self) {
        let mut sections = self.sections;
        crate::normalize::recycling(|r| {
            if let Some(Some(t)) = self.page_footer.text.into_inner() {
                r.give(t);
            }
            // Each section keeps its own buffers (display text, keys,
            // normalized heading and body) where it lies, for the section
            // at the same place in the next notice, which `build` writes
            // over in place: no list of the buffers by place to push here
            // and pop there, no section moved. The parsed texts and maps go
            // back to the parsers' pool. Past SPARE_SECTION_BYTES, a
            // section's buffers are dropped: after a huge notice, a thread
            // keeps no more than the pools would.
            let mut bytes = 0;
            for s in &mut sections {
                r.give_maps(&mut s.heading);
                r.give_maps(&mut s.body);
                bytes +=
                    s.heading.text.capacity() + s.body.text.capacity() + s.heading_text.capacity();
                if bytes > SPARE_SECTION_BYTES {
                    s.heading.text = String::new();
                    s.body.text = String::new();
                    s.heading_text = String::new();
                }
            }
            r.give(self.preamble);
            if let Some(t) = self.title {
                r.give(t);
            }
        });
        #[cfg(test)]
        assert!(sections
            .iter()
            .all(|s| { s.heading.owns_no_map() && s.body.owns_no_map() }));
        if sections.capacity() <= 4096 {
            SPARE_NOTICE_SECTIONS.with(|s| *s.borrow_mut() = sections);
        }
    }
}

impl Section {
    pub fn has_key(&self, k: Key) -> bool {
        self.keys.contains(&k)
    }
}

/// Sections' heading texts and key lists given back by [`Notice::recycle`]
/// for the next [`build`] on the same thread (two small allocations per
/// section otherwise, freed with the notice).
#[derive(Default)]
struct SpareSectionParts {
    heading_texts: Vec<String>,
    keys: Vec<Vec<Key>>,
}

/// At most this many of each are kept (a long notice has ~100 sections).
const SPARE_SECTION_PARTS: usize = 512;

thread_local! {
    static SPARE_SECTION_PARTS_KEPT: std::cell::RefCell<SpareSectionParts> =
        std::cell::RefCell::default();
    /// The section list [`Notice::recycle`] last gave back, its sections
    /// holding their buffers.
    static SPARE_NOTICE_SECTIONS: std::cell::RefCell<Vec<Section>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The section list last given back if any, its sections holding their
/// buffers, else an empty one.
fn spare_notice_sections() -> Vec<Section> {
    SPARE_NOTICE_SECTIONS.with(|s| std::mem::take(&mut *s.borrow_mut()))
}

impl SpareSectionParts {
    /// Keeps a section's heading text and key list, emptied, unless
    /// [`SPARE_SECTION_PARTS`] of them are kept already.
    fn keep(&mut self, mut heading_text: String, mut keys: Vec<Key>) {
        if heading_text.capacity() > 0 && self.heading_texts.len() < SPARE_SECTION_PARTS {
            heading_text.clear();
            self.heading_texts.push(heading_text);
        }
        if keys.capacity() > 0 && self.keys.len() < SPARE_SECTION_PARTS {
            keys.clear();
            self.keys.push(keys);
        }
    }
}

/// The most bytes of text buffers [`Notice::recycle`] keeps in the
/// sections it gives back, as each of the pools keeps (the pools capped a
/// thread's kept buffers at 1 MB; without a cap, one huge notice's buffers
/// stayed for good).
const SPARE_SECTION_BYTES: usize = 1 << 20;

/// A section to write over, with an empty heading text and key list
/// (given back ones if there are any).
fn spare_section() -> Section {
    let (heading_text, keys) = SPARE_SECTION_PARTS_KEPT.with(|p| {
        let mut p = p.borrow_mut();
        (
            p.heading_texts.pop().unwrap_or_default(),
            p.keys.pop().unwrap_or_default(),
        )
    });
    Section {
        heading_text,
        heading: NormText::default(),
        body: NormText::default(),
        keys,
        level: 0,
        heading_span: 0..0,
        body_span: None,
    }
}

/// The notice's own date as stated in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedDate {
    /// The date as written, e.g. `03.05.2018`, `25. toukokuuta 2018`.
    pub text: String,
    /// ISO 8601 when the date could be read, in the precision written:
    /// `2018-05-03`, `2018-05` ("toukokuu 2018", "12/2019") or `2018`.
    pub iso: Option<String>,
    pub span: Range<usize>,
}

impl StatedDate {
    /// The last day the stated date can mean (`2018-05` → `2018-05-31`,
    /// `2018` → `2018-12-31`): compare this against a deadline so that
    /// "toukokuu 2018" is not taken for a day before 25.5.2018.
    pub fn last_day(&self) -> Option<String> {
        let iso = self.iso.as_deref()?;
        let num = |s: &str| s.parse::<u32>().ok();
        match iso.len() {
            10 => Some(iso.to_string()),
            7 => {
                let (y, m) = (num(&iso[..4])?, num(&iso[5..])?);
                let d = crate::parse::date::days_in_month(y, m);
                Some(format!("{iso}-{d:02}"))
            }
            4 => Some(format!("{iso}-12-31")),
            _ => None,
        }
    }
}

/// The canonical notice.
#[derive(Debug, Clone)]
pub struct Notice {
    pub format: Format,
    pub title: Option<NormText>,
    pub preamble: NormText,
    pub sections: Vec<Section>,
    pub comments: Vec<Comment>,
    pub register_name: Option<String>,
    pub date: Option<StatedDate>,
    /// The page footer (HTML), outside the notice: see [`Self::page_footer`].
    page_footer: PageFooter,
    /// E-mail links showing one address and sending to another.
    pub mail_links: Vec<crate::parse::links::MailLink>,
}

/// [`Notice::page_footer`]: whether the page has footers of its own, and
/// their text once a rule asked for it.
#[derive(Debug, Clone, Default)]
struct PageFooter {
    at: Option<crate::parse::html::FooterAt>,
    text: OnceLock<Option<NormText>>,
}

impl Notice {
    /// The page footer's text (HTML), outside the notice: consulted only by
    /// rules that opt in (`page_footer = true`), for contact details.
    /// `source`: the text the notice was parsed from.
    ///
    /// Made on first use ([`crate::parse::html::page_footer`] says why).
    pub fn page_footer(&self, source: &str) -> Option<&NormText> {
        let at = self.page_footer.at?;
        (self.page_footer.text)
            .get_or_init(|| crate::parse::html::page_footer(source, at).map(normalize))
            .as_ref()
    }
}

impl Notice {
    /// All searchable texts of the notice in document order: title,
    /// preamble, then each section's heading and body.
    pub fn texts(&self) -> impl Iterator<Item = (TextRef, &NormText)> {
        let title = self.title.iter().map(|t| (TextRef::Title, t));
        let pre = std::iter::once((TextRef::Preamble, &self.preamble));
        let secs = self.sections.iter().enumerate().flat_map(|(i, s)| {
            [
                (TextRef::Heading(i), &s.heading),
                (TextRef::Body(i), &s.body),
            ]
        });
        title.chain(pre).chain(secs)
    }
}

/// Where a piece of text sits in the notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextRef {
    Title,
    Preamble,
    Heading(usize),
    Body(usize),
}

impl TextRef {
    pub fn section(self) -> Option<usize> {
        match self {
            TextRef::Heading(i) | TextRef::Body(i) => Some(i),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadingEntry {
    terms: Vec<String>,
    #[serde(default)]
    not: Vec<String>,
}

/// The heading tables, compiled.
#[derive(Debug, Clone)]
pub struct HeadingTable {
    keys: Vec<Key>,
    /// Group `2i`: the terms of `keys[i]`; group `2i + 1`: its `not` terms.
    /// Matched word by word (no regex to compile: start-up).
    sets: crate::pattern::WordSets,
    /// Tells tables apart in the per-thread memo of [`Self::hits`] (a
    /// clone has the same terms and keeps it).
    id: u64,
}

/// The built-in heading tables.
pub const DEFAULT_HEADINGS: &str = include_str!("../rules/headings.toml");

impl HeadingTable {
    pub fn parse(src: &str) -> Result<HeadingTable, String> {
        let map: BTreeMap<String, HeadingEntry> = toml::from_str(src).map_err(|e| e.to_string())?;
        HeadingTable::of_entries(
            map.iter()
                .map(|(name, e)| (name.as_str(), &e.terms[..], &e.not[..])),
        )
    }

    /// The table of (key, terms, not) entries, by key.
    fn of_entries<'a, S: AsRef<str> + 'a>(
        entries: impl Iterator<Item = (&'a str, &'a [S], &'a [S])>,
    ) -> Result<HeadingTable, String> {
        let mut keys = Vec::new();
        let mut groups: Vec<&[S]> = Vec::new();
        for (name, terms, not) in entries {
            let key = Key::from_name(name)
                .ok_or_else(|| format!("unknown key `{name}` in heading table"))?;
            keys.push(key);
            groups.push(terms);
            groups.push(not);
        }
        let sets = crate::pattern::WordSets::new(&groups)?;
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(HeadingTable { keys, sets, id })
    }

    /// [`DEFAULT_HEADINGS`], from the entries build.rs wrote from it (its
    /// TOML took 0.7 M instructions of a start-up's 22 M to parse).
    pub fn builtin() -> HeadingTable {
        /// (key, terms, not), by key.
        type Entries = &'static [(
            &'static str,
            &'static [&'static str],
            &'static [&'static str],
        )];
        let tables: Option<Entries> = include!(concat!(env!("OUT_DIR"), "/builtin_headings.rs"));
        let Some(tables) = tables else {
            return HeadingTable::parse(DEFAULT_HEADINGS).expect("built-in heading table is valid");
        };
        // The static strings themselves (copies of them were some 0.1 M
        // instructions).
        HeadingTable::of_entries(tables.iter().map(|&(name, terms, not)| (name, terms, not)))
            .expect("built-in heading table is valid")
    }

    /// Tests: the word sets the keys' terms are matched by.
    #[cfg(test)]
    pub(crate) fn word_sets(&self) -> &crate::pattern::WordSets {
        &self.sets
    }

    /// Keys for a normalized heading text.
    pub fn classify(&self, heading_norm: &str) -> Vec<Key> {
        let mut out = Vec::new();
        self.classify_into(heading_norm, &mut out);
        out
    }

    /// [`Self::classify`] into `out` (cleared first), which may be a
    /// list given back by an earlier notice.
    fn classify_into(&self, heading_norm: &str, out: &mut Vec<Key>) {
        out.clear();
        let mut on = key_mask(self.hits(heading_norm));
        if on == 0 {
            return;
        }
        out.reserve(4);
        while on != 0 {
            out.push(self.keys[on.trailing_zeros() as usize / 2]);
            on &= on - 1;
        }
        out.sort();
    }

    /// The word sets' hits for a heading (0 when it is empty).
    ///
    /// Remembered per thread: the same heading texts come back (the text
    /// parser asks about a line that `build` then classifies, and notices
    /// of one template or site share their headings), and matching one
    /// costs some 2,400 instructions. The answer depends only on the table
    /// and the text, so the memo changes no result. It is a two-way
    /// set-associative cache ([`HitsMemo`]): a text's bucket holds the two
    /// texts last used of those hashed there, so a collision only costs a
    /// match, and a cheap hash is enough (SipHash and the hash map's
    /// probing were most of a remembered answer's cost). One slot per
    /// bucket thrashed: two frequent headings sharing it (one chance in a
    /// few, with a random seed) cost more than the hash saved.
    fn hits(&self, heading_norm: &str) -> u64 {
        let h = strip_numbering(heading_norm);
        let h = h.trim_end_matches([':', '.', '?']);
        if h.is_empty() {
            return 0;
        }
        if h.len() > HITS_MEMO_LEN {
            return self.sets.matching(h);
        }
        remembered(&HITS_MEMO, self.id, h, || self.sets.matching(h))
    }

    /// `!classify(&text.to_lowercase()).is_empty()`, without a key list,
    /// and with the lowercase copy in a reused buffer (the text parser asks
    /// this of most lines; a fresh String each time was 5 % of parsing).
    fn names_any(&self, text: &str) -> bool {
        with_lowercase(text, |lower| key_mask(self.hits(lower)) != 0)
    }

    /// The keys of `text.to_lowercase()` as a bit set (bit `i`: `keys[i]`).
    fn key_bits(&self, text: &str) -> u64 {
        with_lowercase(text, |lower| {
            let mut on = key_mask(self.hits(lower));
            let mut bits = 0;
            while on != 0 {
                bits |= 1 << (on.trailing_zeros() / 2);
                on &= on - 1;
            }
            bits
        })
    }
}

/// The keys among `hits` (bit `2i` for `keys[i]`): a term of the key
/// matched (group `2i`) and none of its `not` terms (group `2i + 1`).
fn key_mask(hits: u64) -> u64 {
    const EVEN: u64 = 0x5555_5555_5555_5555;
    hits & EVEN & !((hits >> 1) & EVEN)
}

/// Slots of [`HeadingTable::hits`]'s memo per thread (a power of two).
const HITS_MEMO_SLOTS: usize = 4096;
/// The longest text [`HeadingTable::hits`] remembers (longer ones are rare:
/// the oracle asks about lines of at most 120 characters).
const HITS_MEMO_LEN: usize = 160;

/// [`HeadingTable::hits`]'s answers for one table: a two-way
/// set-associative cache of text to hits, buckets of two slots with the
/// one used last first (an empty text marks a free slot: `hits` never asks
/// about one).
struct HitsMemo {
    /// The id of the table the answers are for.
    table: u64,
    /// Seeds the slot hash at random per thread, so that no fixed set of
    /// texts always lands in one slot.
    seed: u64,
    slots: Vec<(Box<str>, u64)>,
}

impl HitsMemo {
    fn new(table: u64) -> HitsMemo {
        use std::hash::BuildHasher;
        HitsMemo {
            table,
            seed: std::collections::hash_map::RandomState::new().hash_one(table) | 1,
            slots: vec![(Box::from(""), 0); HITS_MEMO_SLOTS],
        }
    }

    /// The first slot of `text`'s bucket.
    fn bucket_of(&self, text: &[u8]) -> usize {
        bucket_of(self.seed, text, HITS_MEMO_SLOTS)
    }
}

/// The first slot of `text`'s bucket among `slots` (a power of two): a
/// multiply-rotate hash over 8-byte words, the last of them (or the bytes
/// of a text under 8) read from the text's end, overlapping the one
/// before: copying the remainder into a zeroed word took a `memcpy` of
/// varying length and mispredicted branches (any function of the text
/// will do: the memos compare the texts). A text of 16 bytes or more is
/// hashed by its length and its first and last 16 bytes, without a loop:
/// the word loop's exit, at headings of every length, mispredicted some
/// 37,000 times in 1,000 notices (`build` now 22,000 fewer), and headings
/// alike at both ends and of one length are rare.
fn bucket_of(seed: u64, text: &[u8], slots: usize) -> usize {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let n = text.len();
    let mut h = seed ^ n as u64;
    let word = |at: usize| u64::from_le_bytes(text[at..at + 8].try_into().expect("8 bytes"));
    let last = if n >= 16 {
        for at in [0, 8, n - 16] {
            h = (h ^ word(at)).wrapping_mul(K).rotate_left(29);
        }
        word(n - 8)
    } else if n >= 8 {
        h = (h ^ word(0)).wrapping_mul(K).rotate_left(29);
        word(n - 8)
    } else if n >= 4 {
        let half = |at: usize| u32::from_le_bytes(text[at..at + 4].try_into().expect("4 bytes"));
        u64::from(half(0)) | u64::from(half(n - 4)) << 32
    } else if n > 0 {
        u64::from(text[0]) | u64::from(text[n / 2]) << 8 | u64::from(text[n - 1]) << 16
    } else {
        0
    };
    h = (h ^ last).wrapping_mul(K);
    h ^= h >> 32;
    h = h.wrapping_mul(K);
    (h >> (64 - slots.trailing_zeros())) as usize & !1
}

thread_local! {
    /// [`HeadingTable::hits`]'s answers.
    static HITS_MEMO: std::cell::RefCell<Option<HitsMemo>> = const { std::cell::RefCell::new(None) };
    /// [`HeadingOracle::is_heading`]'s answers (1 for yes), by the line as
    /// written.
    static ORACLE_MEMO: std::cell::RefCell<Option<HitsMemo>> = const { std::cell::RefCell::new(None) };
}

/// `compute()`, the answer for `text` (a non-empty text of at most
/// [`HITS_MEMO_LEN`] bytes) under heading table `table`, remembered in
/// `memo` (see [`HeadingTable::hits`]).
fn remembered(
    memo: &'static std::thread::LocalKey<std::cell::RefCell<Option<HitsMemo>>>,
    table: u64,
    text: &str,
    compute: impl FnOnce() -> u64,
) -> u64 {
    memo.with(|memo| {
        let Ok(mut memo) = memo.try_borrow_mut() else {
            return compute();
        };
        let memo = memo.get_or_insert_with(|| HitsMemo::new(table));
        if memo.table != table {
            *memo = HitsMemo::new(table);
        }
        let at = memo.bucket_of(text.as_bytes());
        let bucket = &mut memo.slots[at..at + 2];
        if &*bucket[0].0 == text {
            return bucket[0].1;
        }
        if &*bucket[1].0 == text {
            bucket.swap(0, 1);
            return bucket[0].1;
        }
        let answer = compute();
        bucket[1] = (text.into(), answer);
        bucket.swap(0, 1);
        answer
    })
}

/// `text.split_whitespace().nth(n).is_some()`: whether `text` has more than
/// `n` words. By bytes, decoding only non-ASCII characters (the text
/// parser asks this of most lines; the library's splitter cost some 700
/// instructions a line).
fn has_more_words_than(text: &str, n: usize) -> bool {
    let bytes = text.as_bytes();
    let mut words = 0;
    let mut in_word = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (space, len) = if b < 0x80 {
            // `char::is_whitespace` for ASCII: tab to carriage return, space.
            (matches!(b, b'\t'..=b'\r' | b' '), 1)
        } else {
            let c = text[i..].chars().next().expect("a character starts here");
            (c.is_whitespace(), c.len_utf8())
        };
        if !space && !in_word {
            words += 1;
            if words > n {
                return true;
            }
        }
        in_word = !space;
        i += len;
    }
    false
}

/// The heading tables as a parser's oracle for plain text: a short line that
/// maps to a key is a heading.
impl HeadingOracle for HeadingTable {
    /// Remembered per thread by the line as written, as
    /// [`HeadingTable::hits`] remembers its answers: plain-text notices of
    /// one template ask about the same lines, and the word count and
    /// lowercase copy before the remembered hits cost some 1,300
    /// instructions a line.
    fn is_heading(&self, text: &str) -> bool {
        let t = text.trim();
        if t.is_empty() {
            return false;
        }
        let answer = || {
            // Counting stops at the first word or character over the limit.
            let heading = !(has_more_words_than(t, 14)
                || (t.len() > 120 && t.chars().nth(120).is_some()))
                && self.names_any(t);
            u64::from(heading)
        };
        if t.len() > HITS_MEMO_LEN {
            return answer() == 1;
        }
        remembered(&ORACLE_MEMO, self.id, t, answer) == 1
    }

    fn names_element(&self, text: &str) -> bool {
        let t = text.trim();
        !t.is_empty() && (t.len() <= 300 || t.chars().nth(300).is_none()) && self.names_any(t)
    }

    fn same_element(&self, a: &str, b: &str) -> bool {
        self.key_bits(a.trim()) & self.key_bits(b.trim()) != 0
    }
}

/// The labels that introduce the notice's date, in the order of preference
/// at one position (leftmost-first, as a regex alternation would take them):
/// labels of an update, then of writing, then the document's own names.
const DATE_LABELS: [&str; 26] = [
    "päivitetty",
    "päivitys",
    "päivityspäivä",
    "muutettu",
    "voimassa",
    "uppdaterad",
    "senast ändrad",
    "gäller från",
    "last updated",
    "updated",
    "last modified",
    "modified",
    "last revised",
    "revised",
    "effective",
    "in effect",
    "laatimispäivä",
    "laadittu",
    "päiväys",
    "upprättad",
    "datum",
    "created",
    "privacy statement",
    "privacy policy",
    "privacy notice",
    "seloste",
];

/// `DATE_LABELS[..UPDATE_LABELS]` name an update.
const UPDATE_LABELS: usize = 16;
/// `DATE_LABELS[DOC_LABELS..]` name the document.
const DOC_LABELS: usize = 22;

/// Finds date labels. Plain literals searched leftmost-first find what the
/// former regex with one capture group per kind found (its groups are
/// told by which literal matched), at a fraction of the search and
/// compile cost.
fn date_labels() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(DATE_LABELS)
            .expect("date labels")
    })
}

/// A date label's date is looked for in the bytes right after it, up to
/// this many.
const DATE_WINDOW: usize = 40;

/// The longest date label, in bytes.
const MAX_LABEL_LEN: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < DATE_LABELS.len() {
        if DATE_LABELS[i].len() > max {
            max = DATE_LABELS[i].len();
        }
        i += 1;
    }
    max
};

/// The bytes that occur in a date label.
static IN_LABEL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < DATE_LABELS.len() {
        let l = DATE_LABELS[i].as_bytes();
        let mut j = 0;
        while j < l.len() {
            t[l[j] as usize] = true;
            j += 1;
        }
        i += 1;
    }
    t
};

/// Calls `f` with each match of [`date_labels`] in `text` (as `find_iter`
/// finds them, in order) that can have a date after it, and with some that
/// cannot. Every date form holds a year (`19dd`, `20dd`: [`find_date`],
/// [`leading_year`]) inside the [`DATE_WINDOW`] bytes after its label, so
/// a label can introduce a date only if it ends at most that far before a
/// year's start; the labels are searched only in the stretch before each
/// year. A text with a digit had every byte searched (7.4 M instructions
/// and 127 K mispredicted branches per 1,000 notices), for some three years
/// a notice.
///
/// Exact: each stretch starts where no label can hold both the byte before
/// and the byte after (the previous year's start, or a byte in no label)
/// and ends at a year's start (a digit, in no label), so no match crosses
/// its ends, and leftmost-first matching from such a point finds what the
/// whole text's search finds there.
fn labels_before_years(text: &str, mut f: impl FnMut(aho_corasick::Match)) {
    // (Four bytes to spare: the year must fit in the window.)
    const REACH: usize = DATE_WINDOW + MAX_LABEL_LEN;
    let b = text.as_bytes();
    let cut = |q: usize| !IN_LABEL[b[q - 1] as usize] || !IN_LABEL[b[q] as usize];
    // Where the last stretch ended (0, or a year's start).
    let mut from = 0;
    each_year(b, |y| {
        let mut q = y.saturating_sub(REACH).max(from);
        while q > from && !cut(q) {
            q -= 1;
        }
        let input = aho_corasick::Input::new(text).span(q..y);
        for m in date_labels().find_iter(input) {
            f(m);
        }
        from = y;
    });
}

/// Calls `f` with the start of each year in `b` (`19dd` or `20dd`, as
/// [`find_date`] reads one), in order: where four digits in a row end
/// (bit masks of 64 bytes), those that start with a century. The texts with
/// a digit have some two ones or twos a year ("1. ", phone numbers), and
/// `memchr2_iter(b'1', b'2')` cost ~140 instructions each (4 M per 1,000
/// notices).
fn each_year(b: &[u8], mut f: impl FnMut(usize)) {
    // The digits of the block before (none before the first).
    let mut prev = 0u64;
    let mut at = 0;
    while at < b.len() {
        let d = match b.get(at..at + 64) {
            Some(block) => digit_mask64(block.try_into().expect("64 bytes")),
            None if b.len() >= 64 => {
                // The text's last 64 bytes, shifted so that bit 0 is byte
                // `at`: the bits past its end are zero, as for zero bytes
                // (no copy: most texts with a digit are bodies).
                let last = &b[b.len() - 64..];
                digit_mask64(last.try_into().expect("64 bytes")) >> (at + 64 - b.len())
            }
            None => {
                // Zero bytes after the text: not digits.
                let mut last = [0u8; 64];
                last[..b.len() - at].copy_from_slice(&b[at..]);
                digit_mask64(&last)
            }
        };
        // Bit k: bytes k - 3..=k (those before `at` in `prev`) are digits.
        let mut ends = d & (d << 1 | prev >> 63) & (d << 2 | prev >> 62) & (d << 3 | prev >> 61);
        while ends != 0 {
            let y = at + ends.trailing_zeros() as usize - 3;
            if matches!((b[y], b[y + 1]), (b'1', b'9') | (b'2', b'0')) {
                f(y);
            }
            ends &= ends - 1;
        }
        prev = d;
        at += 64;
    }
}

/// Bit k: `block[k]` is an ASCII digit. 16 bytes a compare with SSE2.
#[cfg(target_arch = "x86_64")]
fn digit_mask64(block: &[u8; 64]) -> u64 {
    // SAFETY: SSE2 is part of x86-64 itself (every x86_64 target enables
    // it); the function reads only `block`.
    unsafe { digit_mask64_sse2(block) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn digit_mask64_sse2(block: &[u8; 64]) -> u64 {
    use std::arch::x86_64::{
        _mm_add_epi8, _mm_cmpgt_epi8, _mm_movemask_epi8, _mm_set1_epi8, _mm_set_epi64x,
    };
    let mut mask = 0;
    for (k, c) in block.chunks_exact(16).enumerate() {
        let lo = i64::from_le_bytes(c[..8].try_into().expect("8 bytes"));
        let hi = i64::from_le_bytes(c[8..].try_into().expect("8 bytes"));
        let v = _mm_set_epi64x(hi, lo);
        // 0..9 as one signed comparison: x - b'0' + 0x80 is below -128 + 10.
        let digit = _mm_cmpgt_epi8(
            _mm_set1_epi8(-128 + 10),
            _mm_add_epi8(v, _mm_set1_epi8(0x80_u8.wrapping_sub(b'0') as i8)),
        );
        mask |= u64::from(_mm_movemask_epi8(digit) as u16) << (16 * k);
    }
    mask
}

/// Bit k: `block[k]` is an ASCII digit.
#[cfg(any(not(target_arch = "x86_64"), test))]
fn digit_mask64_bytes(block: &[u8; 64]) -> u64 {
    block
        .iter()
        .enumerate()
        .fold(0, |m, (k, x)| m | u64::from(x.is_ascii_digit()) << k)
}

#[cfg(not(target_arch = "x86_64"))]
fn digit_mask64(block: &[u8; 64]) -> u64 {
    digit_mask64_bytes(block)
}

/// Labels in English: an ambiguous slash date after them is not guessed.
fn english_label(label: &str) -> bool {
    matches!(
        label,
        "last updated"
            | "updated"
            | "last modified"
            | "modified"
            | "last revised"
            | "revised"
            | "effective"
            | "in effect"
            | "created"
    ) || label.starts_with("privacy")
}

/// One date the notice states, with what introduced it.
struct Candidate<'a> {
    text: &'a NormText,
    date: FoundDate,
    /// Introduced as the date of an update ("Päivitetty", "Last updated").
    updated: bool,
}

/// Finds the notice's own date: the latest date introduced as an update
/// ("Päivitetty 3.4.2019", "Last updated: May 25, 2018"); else the date
/// in a section headed as the date ("Laatimispäivä"); else the first date
/// right after any date label. Dates elsewhere in the text are not the
/// notice's date.
///
/// Given text by text ([`DateScan::add`]) rather than as an iterator: the
/// chained and flattened iterator over title, preamble and sections tested
/// its states at every text (~50 a notice, some 40,000 mispredicted
/// branches in 1,000 notices).
#[derive(Default)]
struct DateScan<'a> {
    cands: Vec<Candidate<'a>>,
    section_date: Option<Candidate<'a>>,
}

impl<'a> DateScan<'a> {
    /// The next text of the notice in document order, with its heading's
    /// text when the heading names the date.
    ///
    /// Inlined for its first test: most texts are copied whole by
    /// `normalize`, which saw no digit in them, and then there is nothing
    /// to do (a call each cost ~20 instructions, 54,000 calls in 1,000
    /// notices).
    #[inline(always)]
    fn add(&mut self, t: &'a NormText, date_heading: Option<&'a str>) {
        if date_heading.is_none() && t.has_no_digit_seen() {
            return;
        }
        self.add_any(t, date_heading);
    }

    /// [`Self::add`] of any text.
    #[inline(never)]
    fn add_any(&mut self, t: &'a NormText, date_heading: Option<&'a str>) {
        let (cands, section_date) = (&mut self.cands, &mut self.section_date);
        if let Some(h) = date_heading {
            if section_date.is_none() {
                let label = date_labels().find(h);
                let english = label.is_some_and(|m| english_label(&h[m.range()]));
                let date = find_date(&t.text, english).or_else(|| leading_year(&t.text));
                if let Some(date) = date {
                    let updated = label.is_some_and(|m| m.pattern().as_usize() < UPDATE_LABELS);
                    *section_date = Some(Candidate {
                        text: t,
                        date,
                        updated,
                    });
                }
            }
        }
        // Every date form has a year: a text without a digit has no date
        // after any of its labels (most bodies; the search was 5 % of the
        // front half).
        if !t.has_ascii_digit(has_ascii_digit) {
            return;
        }
        labels_before_years(&t.text, |m| {
            let kind = m.pattern().as_usize();
            let window_end = crate::parse::floor_char_boundary(&t.text, m.end() + DATE_WINDOW);
            let window = &t.text[m.end()..window_end];
            let found = find_date(window, english_label(&t.text[m.range()]))
                .or_else(|| leading_year(window).filter(|_| kind < DOC_LABELS));
            if let Some(mut date) = found {
                date.range = date.range.start + m.end()..date.range.end + m.end();
                cands.push(Candidate {
                    text: t,
                    date,
                    updated: kind < UPDATE_LABELS,
                });
            }
        });
    }

    /// The notice's date among the texts given.
    fn finish(self) -> Option<StatedDate> {
        let (cands, section_date) = (self.cands, self.section_date);
        let latest_update = cands
            .iter()
            .filter(|c| c.updated)
            .max_by(|a, b| a.date.iso.cmp(&b.date.iso));
        let section_update = section_date.as_ref().filter(|c| c.updated);
        let best = match (latest_update, section_update) {
            (Some(a), Some(b)) => Some(if b.date.iso >= a.date.iso { b } else { a }),
            (Some(a), None) => Some(a),
            (None, _) => section_date.as_ref().or(cands.first()),
        }?;
        Some(make_date(
            best.text,
            best.date.range.clone(),
            best.date.iso.clone(),
        ))
    }
}

fn make_date(t: &NormText, r: Range<usize>, iso: Option<String>) -> StatedDate {
    StatedDate {
        text: t.raw_slice(r.clone()).to_string(),
        iso,
        span: t.source_range(r),
    }
}

/// Builds the canonical notice from a parsed document.
pub fn build(raw: RawDocument, format: Format, table: &HeadingTable) -> Notice {
    // A page's <title> is often just the site name; the notice's own first
    // heading then names it better.
    let raw_title = match raw.title {
        Some(t) if names_the_notice(&t.text) => Some(t),
        other => {
            let heading = raw
                .sections
                .iter()
                .take(3)
                .find(|s| names_the_notice(&s.heading.text))
                .or_else(|| {
                    raw.sections
                        .first()
                        .filter(|s| s.level == 1 && other.is_none())
                })
                .map(|s| s.heading.spare_copy());
            heading.or(other)
        }
    };
    let title = raw_title.map(normalize);
    let preamble = normalize(raw.preamble);
    let mut raw_sections = raw.sections;
    // The last notice's sections with their buffers (see
    // `Notice::recycle`), each written over in place by the section at its
    // place in this notice.
    let mut sections = spare_notice_sections();
    sections.reserve(raw_sections.len().saturating_sub(sections.len()));
    // The heading memo's buckets of this section's heading and the next
    // one's, found two sections ahead (see `Ahead`).
    let mut buckets = [None; 2];
    let mut raw_iter = raw_sections.drain(..);
    let mut n = 0;
    while let Some(s) = raw_iter.next() {
        let ahead = Ahead {
            text: raw_iter.as_slice().get(1).map(|s| s.heading.text.as_str()),
            texts_of: buckets[1],
        };
        if n == sections.len() {
            sections.push(spare_section());
        }
        let section = &mut sections[n];
        n += 1;
        section.heading_span = s.heading.full_source_range().unwrap_or_else(|| {
            s.body
                .full_source_range()
                .map(|r| r.start..r.start)
                .unwrap_or(0..0)
        });
        section.body_span = s.body.full_source_range();
        section.level = s.level;
        heading_of(s.heading, table, section, &mut buckets, ahead);
        normalize_into(s.body, &mut section.body);
    }
    drop(raw_iter);
    if sections.len() > n {
        // More than this notice has: into the pools, for any text.
        SPARE_SECTION_PARTS_KEPT.with(|parts| {
            let mut parts = parts.borrow_mut();
            crate::normalize::recycling(|r| {
                for s in &mut sections[n..] {
                    r.take_buffers(&mut s.body);
                    r.take_buffers(&mut s.heading);
                    parts.keep(
                        std::mem::take(&mut s.heading_text),
                        std::mem::take(&mut s.keys),
                    );
                }
            });
        });
        sections.truncate(n);
    }
    crate::parse::give_back_sections(raw_sections);
    prune_purpose_subheadings(&mut sections);
    rights_subheadings(&mut sections);
    let register_name = sections
        .iter()
        .find(|s| s.has_key(Key::RegisterName) && !s.body.is_empty())
        .map(|s| {
            let mut name = String::new();
            s.body.collapsed_raw_into(&mut name, collapse_ws_into);
            name
        });
    // Title, preamble, then each heading and body (the body with its
    // heading's text when the heading names the date), without a list.
    let mut dates = DateScan::default();
    if let Some(t) = &title {
        dates.add(t, None);
    }
    dates.add(&preamble, None);
    for s in &sections {
        dates.add(&s.heading, None);
        let date_heading = s.has_key(Key::Date).then_some(s.heading.text.as_str());
        dates.add(&s.body, date_heading);
    }
    let date = dates.finish();
    let page_footer = PageFooter {
        at: raw.page_footer,
        text: OnceLock::new(),
    };
    Notice {
        format,
        title,
        preamble,
        sections,
        comments: raw.comments,
        register_name,
        date,
        page_footer,
        mail_links: raw.mail_links,
    }
}

/// A section's heading normalized into `section.heading`, its display text
/// into `section.heading_text` and its keys into `section.keys` (written
/// over), for a heading at `section.level`.
///
/// Remembered per thread by the heading as parsed: notices of one template
/// or site repeat their headings (some 300 different ones among 25,000 in
/// 1,000 generated notices), and normalizing, collapsing and classifying
/// one cost ~570 instructions, a remembered one ~200 (copies of the two
/// texts and the keys). Each answer is a function of the parsed text and
/// the heading table alone, so the memo changes nothing: only a heading
/// whose map is the identity is kept (nearly all), whose normalized text,
/// display text and keys are the whole answer, and a table with another id
/// empties the memo.
///
/// `buckets`: the heading's bucket in the memo and the next heading's, if
/// found (see [`Ahead`]); shifted by one for the next call, the bucket of
/// `ahead.text` coming in.
fn heading_of(
    raw: MappedText,
    table: &HeadingTable,
    section: &mut Section,
    buckets: &mut [Option<usize>; 2],
    ahead: Ahead<'_>,
) {
    let Section {
        heading_text: display,
        heading,
        keys,
        level,
        ..
    } = section;
    let level = *level;
    keys.clear();
    let bucket = buckets[0];
    *buckets = [buckets[1], None];
    let fresh =
        |raw: MappedText, heading: &mut NormText, display: &mut String, keys: &mut Vec<Key>| {
            normalize_into(raw, heading);
            heading.collapsed_raw_into(display, collapse_ws_into);
            if level == 1 && is_document_name(&heading.text) {
                // "Tietosuojaseloste ja evästeet – Oy": the page's title names
                // the document, not one of its elements.
            } else {
                table.classify_into(&heading.text, keys);
            }
        };
    if raw.text.is_empty() || raw.text.len() > HITS_MEMO_LEN {
        return fresh(raw, heading, display, keys);
    }
    HEADING_MEMO.with(|memo| {
        let Ok(mut memo) = memo.try_borrow_mut() else {
            return fresh(raw, heading, display, keys);
        };
        let memo = memo.get_or_insert_with(|| HeadingMemo::new(table.id));
        let mut bucket = bucket;
        if memo.table != table.id {
            *memo = HeadingMemo::new(table.id);
            bucket = None;
        }
        buckets[1] = ahead.fetch(memo);
        let at =
            bucket.unwrap_or_else(|| bucket_of(memo.seed, raw.text.as_bytes(), HEADING_MEMO_SLOTS));
        debug_assert_eq!(
            at,
            bucket_of(memo.seed, raw.text.as_bytes(), HEADING_MEMO_SLOTS)
        );
        let bucket = &mut memo.slots[at..at + 2];
        // (A hit stays in its slot: moving it first cost mispredicted
        // swaps, and a miss replaces the older of the two.)
        let hit = (0..2).find(|&k| bucket[k].raw() == raw.text);
        if let Some(k) = hit {
            let e = &mut bucket[k];
            display.clear();
            display.push_str(e.display());
            // Asked only of level-1 headings, as without the memo.
            if level == 1 && e.doc_name == 0 {
                e.doc_name = 1 + u8::from(is_document_name(e.text()));
            }
            if !(level == 1 && e.doc_name == 2) {
                let mut bits = e.keys;
                while bits != 0 {
                    keys.push(Key::ALL[bits.trailing_zeros() as usize]);
                    bits &= bits - 1;
                }
            }
            heading.set_from_identity_parts(raw, e.text(), e.parts);
            return;
        }
        normalize_into(raw, heading);
        heading.collapsed_raw_into(display, collapse_ws_into);
        let mut all = Vec::new();
        table.classify_into(&heading.text, &mut all);
        let mut doc_name = 0;
        if level == 1 {
            doc_name = 1 + u8::from(is_document_name(&heading.text));
        }
        if doc_name != 2 {
            keys.extend_from_slice(&all);
        }
        if let Some(parts) = heading.identity_parts() {
            let (r, t) = (heading.raw.text.as_str(), heading.text.as_str());
            bucket[1] = RememberedHeading {
                texts: [r, t, display.as_str()].concat().into(),
                raw_len: r.len() as u32,
                text_len: t.len() as u32,
                keys: all.iter().fold(0, |bits, k| bits | (1 << (*k as u32))),
                doc_name,
                parts,
            };
            bucket.swap(0, 1);
        }
    })
}

/// What [`heading_of`] fetches of its memo for the headings to come: the
/// bucket of the heading two sections on (`text`), and the texts of the
/// next heading's bucket, found by the call before (`texts_of`: the slots
/// hold pointers to the texts, which can be fetched only once the slots
/// are in). The memo's 128 KB and its texts are mostly out of the
/// first-level cache by the next notice of a template, and its two reads
/// of a heading's answer, one after the other, were a quarter of `build`'s
/// time in a profile.
#[derive(Clone, Copy)]
struct Ahead<'a> {
    text: Option<&'a str>,
    texts_of: Option<usize>,
}

impl Ahead<'_> {
    /// Asks the CPU to fetch those, and returns the bucket of `text` if
    /// the memo would be asked about it.
    #[inline(always)]
    fn fetch(self, memo: &HeadingMemo) -> Option<usize> {
        if let Some(at) = self.texts_of {
            for e in &memo.slots[at..at + 2] {
                prefetch(e.texts.as_ptr());
            }
        }
        let text = self.text?.as_bytes();
        if text.is_empty() || text.len() > HITS_MEMO_LEN {
            return None;
        }
        let at = bucket_of(memo.seed, text, HEADING_MEMO_SLOTS);
        // (Two slots of 32 bytes: one cache line, or two.)
        prefetch(memo.slots[at..].as_ptr());
        prefetch(memo.slots[at + 1..].as_ptr());
        Some(at)
    }
}

/// Asks the CPU to bring the cache line at `p` into its caches.
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing that the program sees and never
    // faults, whatever the address (SSE, part of x86-64 itself).
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Slots of [`heading_of`]'s memo per thread (a power of two; 32 bytes
/// each).
const HEADING_MEMO_SLOTS: usize = 4096;

/// [`heading_of`]'s answers for one heading table: a two-way
/// set-associative cache hashed as [`HitsMemo`], the newer entry of a
/// bucket first (an empty `raw` marks a free slot: empty headings are not
/// remembered).
struct HeadingMemo {
    table: u64,
    seed: u64,
    slots: Vec<RememberedHeading>,
}

/// One heading's answer (see [`heading_of`]).
#[derive(Default)]
struct RememberedHeading {
    /// The heading as parsed, its normalized text and its display text,
    /// one after another.
    texts: Box<str>,
    raw_len: u32,
    text_len: u32,
    /// Its keys (bit `k`: the key of discriminant `k`; in that order,
    /// which is `Key`'s, as `classify` sorts them).
    keys: u32,
    /// Whether it names the document: 0 not asked yet, 1 no, 2 yes.
    doc_name: u8,
    /// What else `normalize` gave.
    parts: crate::normalize::IdentityParts,
}

impl RememberedHeading {
    fn raw(&self) -> &str {
        &self.texts[..self.raw_len as usize]
    }

    fn text(&self) -> &str {
        &self.texts[self.raw_len as usize..(self.raw_len + self.text_len) as usize]
    }

    fn display(&self) -> &str {
        &self.texts[(self.raw_len + self.text_len) as usize..]
    }
}

impl HeadingMemo {
    fn new(table: u64) -> HeadingMemo {
        use std::hash::BuildHasher;
        HeadingMemo {
            table,
            seed: std::collections::hash_map::RandomState::new().hash_one(table) | 1,
            slots: (0..HEADING_MEMO_SLOTS)
                .map(|_| RememberedHeading::default())
                .collect(),
        }
    }
}

thread_local! {
    /// [`heading_of`]'s answers.
    static HEADING_MEMO: std::cell::RefCell<Option<HeadingMemo>> = const { std::cell::RefCell::new(None) };
}

/// A heading that names the document type: "Tietosuojaseloste",
/// "Asiakasrekisterin rekisteriseloste", "Privacy policy",
/// "Dataskyddsbeskrivning". Narrower than [`names_the_notice`]: a
/// "Tietosuojavastaava" heading is an element, not the document.
fn is_document_name(heading_norm: &str) -> bool {
    let h = heading_norm;
    h.contains("seloste")
        || [
            "tietosuojakäytäntö",
            "tietosuojailmoitus",
            "tietosuojaselvitys",
            "tietosuojaperiaatteet",
            "privacy policy",
            "privacy notice",
            "privacy statement",
            "dataskyddsbeskrivning",
            "registerbeskrivning",
            "dataskyddspolicy",
            "integritetspolicy",
            "integritetsskyddspolicy",
        ]
        .iter()
        .any(|w| h.contains(w))
}

/// The sub-headings under a purpose heading name purposes ("Yhteydenotot",
/// "Sivuston turvallisuus", "Contact requests"): contact and security
/// words there say why data is processed, not who the controller is or how
/// the data is protected. Purpose, legal-basis and other keys stay.
fn prune_purpose_subheadings(sections: &mut [Section]) {
    const NOT_UNDER_PURPOSE: [Key; 4] = [
        Key::Controller,
        Key::ControllerContact,
        Key::DpoContact,
        Key::Security,
    ];
    // Open ancestors, flagged when a purpose heading.
    let mut open = OpenAncestors::new();
    for s in sections.iter_mut() {
        open.close_from(s.level);
        if open.any_flagged() {
            s.keys.retain(|k| !NOT_UNDER_PURPOSE.contains(k));
        }
        open.push(s.level, s.has_key(Key::Purpose));
    }
}

/// The sections still open above the current one while walking a notice,
/// each with a flag: their levels strictly increase (a section closes
/// those at its level or deeper before it opens), so there are at most
/// 256 and they fit on the stack instead of a `Vec` per walk.
struct OpenAncestors {
    open: [(u8, bool); 256],
    len: usize,
}

impl OpenAncestors {
    fn new() -> Self {
        OpenAncestors {
            open: [(0, false); 256],
            len: 0,
        }
    }

    /// Closes the open sections at `level` or deeper.
    fn close_from(&mut self, level: u8) {
        while self.len > 0 && self.open[self.len - 1].0 >= level {
            self.len -= 1;
        }
    }

    fn any_flagged(&self) -> bool {
        self.open[..self.len].iter().any(|&(_, f)| f)
    }

    /// Opens a section (after [`Self::close_from`] its level).
    fn push(&mut self, level: u8, flag: bool) {
        self.open[self.len] = (level, flag);
        self.len += 1;
    }
}

/// Under a heading about the data subject's rights ("Rekisteröidyn
/// oikeudet", "Your rights"), a sub-heading that speaks of moving the data
/// ("Tietojen tarkastaminen, saaminen ja siirtäminen") names the right to
/// data portability, not a transfer abroad, unless it names a place.
fn rights_subheadings(sections: &mut [Section]) {
    let mut open = OpenAncestors::new();
    for i in 0..sections.len() {
        // A section's entry is read only by the deeper sections right
        // after it (a section at its level or above pops it first): the
        // rights words are looked for only when the next one is deeper
        // (flat notices never; the search was 2 % of the front half).
        let next_deeper = sections
            .get(i + 1)
            .is_some_and(|n| n.level > sections[i].level);
        let s = &mut sections[i];
        open.close_from(s.level);
        let under_rights = open.any_flagged();
        let h = &s.heading.text;
        if under_rights && any_word(h, &MOVING) && !any_word(h, &PLACE) {
            s.keys.retain(|&k| k != Key::Transfers);
            if !s.has_key(Key::RightPortability) {
                s.keys.push(Key::RightPortability);
                s.keys.sort();
            }
        }
        open.push(s.level, next_deeper && any_word(&s.heading.text, &RIGHTS));
    }
}

/// A literal and whether a word boundary (`\b`, Unicode) must stand before
/// and after it. The three lists below are the regexes
/// `\boikeu(?:det|tesi|tenne|ksista|ksien)\b|\brights\b|\brättighet`,
/// `\bsiir[rt]|\btransfer|\böverför` and `ulkopuol|ulkomail|\beu\b|\beu:|
/// \beta\b|\beta:|kolma|outside|third|abroad|utanför|tredje|\bees\b`
/// spelt out: compiling them took 0.2 ms of start-up.
type WordLit = (&'static str, bool, bool);

static RIGHTS: WordLits = WordLits::new(&[
    ("oikeudet", true, true),
    ("oikeutesi", true, true),
    ("oikeutenne", true, true),
    ("oikeuksista", true, true),
    ("oikeuksien", true, true),
    ("rights", true, true),
    ("rättighet", true, false),
]);

static MOVING: WordLits = WordLits::new(&[
    ("siirr", true, false),
    ("siirt", true, false),
    ("transfer", true, false),
    ("överför", true, false),
]);

static PLACE: WordLits = WordLits::new(&[
    ("ulkopuol", false, false),
    ("ulkomail", false, false),
    ("eu", true, true),
    ("eu:", true, false),
    ("eta", true, true),
    ("eta:", true, false),
    ("kolma", false, false),
    ("outside", false, false),
    ("third", false, false),
    ("abroad", false, false),
    ("utanför", false, false),
    ("tredje", false, false),
    ("ees", true, true),
]);

/// Literals and the bytes they start with.
struct WordLits {
    lits: &'static [WordLit],
    starts: [bool; 256],
}

impl WordLits {
    const fn new(lits: &'static [WordLit]) -> WordLits {
        let mut starts = [false; 256];
        let mut i = 0;
        while i < lits.len() {
            starts[lits[i].0.as_bytes()[0] as usize] = true;
            i += 1;
        }
        WordLits { lits, starts }
    }
}

/// Whether any of `lits` occurs in `h` with its word boundaries. Headings
/// are short: each position is compared with the literals' first bytes
/// (a `str::find` per literal set up a searcher each time, 2.5 % of a run).
fn any_word(h: &str, lits: &WordLits) -> bool {
    // Every literal starts with a word character and those with an edge
    // after also end with one: a boundary there means no word character on
    // the other side.
    let word = |c: Option<char>| {
        c.is_some_and(|c| {
            if c.is_ascii() {
                c.is_ascii_alphanumeric() || c == '_'
            } else {
                regex_syntax::is_word_character(c)
            }
        })
    };
    let b = h.as_bytes();
    for at in 0..b.len() {
        // Most bytes start no literal.
        if !lits.starts[b[at] as usize] {
            continue;
        }
        for &(lit, edge_before, edge_after) in lits.lits {
            let l = lit.as_bytes();
            // A literal's first byte is ASCII or a lead byte: a match starts
            // on a character boundary, and ends on one.
            if b[at] != l[0] || !b[at..].starts_with(l) {
                continue;
            }
            if (!edge_before || !word(h[..at].chars().next_back()))
                && (!edge_after || !word(h[at + l.len()..].chars().next()))
            {
                return true;
            }
        }
    }
    false
}

/// Whether `b` has an ASCII digit, 16 bytes at a time with SSE2 (part of
/// every x86-64 CPU; the 8-byte version below, for other targets, was
/// 6 % of `build`: it reads every text without a digit to its end).
#[cfg(target_arch = "x86_64")]
fn has_ascii_digit(b: &[u8]) -> bool {
    // SAFETY: SSE2 is part of x86-64 itself (every x86_64 target enables
    // it); the function reads only `b`.
    unsafe { has_ascii_digit16(b) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn has_ascii_digit16(b: &[u8]) -> bool {
    use std::arch::x86_64::{
        _mm_and_si128, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_set_epi64x, _mm_setzero_si128,
    };
    let digits = |c: &[u8]| {
        let lo = i64::from_le_bytes(c[..8].try_into().expect("8 bytes"));
        let hi = i64::from_le_bytes(c[8..].try_into().expect("8 bytes"));
        let v = _mm_set_epi64x(hi, lo);
        // Bytes as signed: 0x80..=0xFF are negative, below '0'.
        _mm_and_si128(
            _mm_cmpgt_epi8(v, _mm_set1_epi8(b'0' as i8 - 1)),
            _mm_cmplt_epi8(v, _mm_set1_epi8(b'9' as i8 + 1)),
        )
    };
    let mut chunks = b.chunks_exact(16);
    // Four chunks tested at once (most texts have no digit and are read to
    // the end).
    let mut any = _mm_setzero_si128();
    for (k, c) in (&mut chunks).enumerate() {
        any = _mm_or_si128(any, digits(c));
        if k % 4 == 3 && _mm_movemask_epi8(any) != 0 {
            return true;
        }
    }
    let mut last = [0u8; 16];
    last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    _mm_movemask_epi8(_mm_or_si128(any, digits(&last))) != 0
}

/// Whether `b` has an ASCII digit, eight bytes at a time (the byte-wise
/// `any` over every text was 2 % of the front half).
#[cfg(not(target_arch = "x86_64"))]
fn has_ascii_digit(b: &[u8]) -> bool {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        // Per byte below 0x80 (no carries): high bit of x + 0x50 is x >= 0x30,
        // of x + 0x46 is x >= 0x3a.
        let low = v & !H;
        if (low + L * 0x50) & !(low + L * 0x46) & !v & H != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(u8::is_ascii_digit)
}

/// Per byte for [`collapse_ws`]: 1 for a space, 2 for a byte that may
/// start other whitespace (ASCII controls 9..=13; the lead bytes of U+0085,
/// U+00A0, U+1680, U+2000.., U+3000), 0 otherwise.
#[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
static WS_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b' ' as usize] = 1;
    let mut x = 0;
    while x < 256 {
        if matches!(x, 9..=13 | 0xc2 | 0xe1..=0xe3) {
            t[x] = 2;
        }
        x += 1;
    }
    t
};

/// Whether `b` is nonempty and its only whitespace is single spaces
/// between other bytes, judged by [`WS_CLASS`]: its collapsed form is
/// itself.
#[cfg(not(target_arch = "x86_64"))]
fn single_spaced(b: &[u8]) -> bool {
    // Branch-free over the bytes (headings rarely leave the plain case):
    // a bad bit for a special byte or a space after a space (or at the
    // start), and whether the last byte was a space.
    let mut prev_space = 1u8;
    let mut bad = 0u8;
    for &x in b {
        let class = WS_CLASS[x as usize];
        bad |= (class & prev_space) | (class >> 1);
        prev_space = class & 1;
    }
    bad == 0 && prev_space == 0
}

/// [`single_spaced`] 16 bytes at a time with SSE2 (part of every x86-64
/// CPU): the byte loop cost some 10 instructions a byte of every heading.
#[cfg(target_arch = "x86_64")]
fn single_spaced(b: &[u8]) -> bool {
    // SAFETY: SSE2 is part of x86-64 itself (every x86_64 target enables
    // it); the function reads only `b`.
    !b.is_empty() && b[b.len() - 1] != b' ' && unsafe { no_ws_but_single_spaces16(b) }
}

/// Whether no byte of `b` is one that [`WS_CLASS`] sends the general way
/// (2) and no space follows a space or starts `b`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn no_ws_but_single_spaces16(b: &[u8]) -> bool {
    use std::arch::x86_64::{
        _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x,
    };
    // (spaces, other bytes of class 2) of 16 bytes.
    let classes = |c: &[u8]| {
        let lo = i64::from_le_bytes(c[..8].try_into().expect("8 bytes"));
        let hi = i64::from_le_bytes(c[8..].try_into().expect("8 bytes"));
        let v = _mm_set_epi64x(hi, lo);
        let between = |lo: u8, hi: u8| {
            // Bytes as signed: lo..=hi on the same side of 0x80.
            _mm_and_si128(
                _mm_cmpgt_epi8(v, _mm_set1_epi8(lo.wrapping_sub(1) as i8)),
                _mm_cmplt_epi8(v, _mm_set1_epi8(hi.wrapping_add(1) as i8)),
            )
        };
        let special = _mm_or_si128(
            _mm_or_si128(between(9, 13), between(0xe1, 0xe3)),
            _mm_cmpeq_epi8(v, _mm_set1_epi8(0xc2_u8 as i8)),
        );
        (
            _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8))) as u32,
            _mm_movemask_epi8(special) as u32,
        )
    };
    // Whether the byte before the chunk was a space (before the start: as
    // if it were).
    let mut prev_space = 1;
    let mut chunks = b.chunks_exact(16);
    for c in &mut chunks {
        let (space, special) = classes(c);
        if special | (space & ((space << 1) | prev_space)) != 0 {
            return false;
        }
        prev_space = space >> 15;
    }
    let mut last = [0u8; 16];
    last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    let (space, special) = classes(&last);
    special | (space & ((space << 1) | prev_space)) == 0
}

/// `s.split_whitespace().collect::<Vec<_>>().join(" ")` without the Vec.
#[cfg(test)]
fn collapse_ws(s: &str) -> String {
    let mut out = String::new();
    collapse_ws_into(s, &mut out);
    out
}

/// [`collapse_ws`] into `out` (cleared first), which may be a buffer
/// given back by an earlier notice.
fn collapse_ws_into(s: &str, out: &mut String) {
    out.clear();
    // Most headings are already single-spaced: one byte scan and a copy.
    // Bytes that may start whitespace other than a single space (ASCII
    // controls 9..=13; the lead bytes of U+0085, U+00A0, U+1680, U+2000..,
    // U+3000) send the text the general way.
    if single_spaced(s.as_bytes()) {
        out.push_str(s);
        return;
    }
    out.reserve(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
}

/// Normalizes a text that has no source (used by tests and examples).
pub fn norm_plain(s: &str) -> NormText {
    let mut m = MappedText::new();
    m.push_verbatim(s, 0);
    normalize(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    /// The fast paths of `collapse_ws` and `has_ascii_digit`, and the
    /// answers the normalizer learnt in passing, agree with the plain
    /// definitions on fixture and corpus lines and awkward spacing.
    #[test]
    fn collapse_ws_and_digits_agree_with_reference() {
        let mut cases: Vec<String> = crate::sample_file_lines();
        for raw in [
            "",
            " ",
            "  ",
            "a",
            " a",
            "a ",
            "a  b",
            "a\tb",
            "a\u{a0}b",
            "a\u{2003}b",
            "a\u{3000}b",
            "ä ö",
            "x\u{85}y",
            "\u{1680}",
            "a b c",
            "1",
            "abcdefg8",
            "abcdefgh9",
            "é9",
            "\u{b9}",
            "ab\u{b}cd",
            "Tietosuoja\u{b}seloste – 2018–2019’s",
        ] {
            cases.push(raw.to_string());
        }
        let spaced: Vec<String> = cases.iter().map(|c| format!(" {c}  {c}\n")).collect();
        cases.extend(spaced);
        // One digit (or a byte next to '0'..'9') anywhere in texts of up to
        // five 16-byte chunks.
        let mut next = crate::xorshift(0xd161_7e57);
        for _ in 0..3000 {
            let len = (next() % 90) as usize;
            let mut t: Vec<u8> = (0..len)
                .map(|_| b"abc x\xc3\xa4"[(next() % 7) as usize])
                .collect();
            if len > 0 {
                let at = (next() % len as u64) as usize;
                t[at] = b"/09:"[(next() % 4) as usize];
            }
            cases.push(String::from_utf8_lossy(&t).into_owned());
        }
        // Line feeds between words (which the normalizer's runs take).
        let lines: Vec<String> = cases.iter().map(|c| c.replace(' ', "\n")).collect();
        cases.extend(lines);
        let mut whole_runs = 0;
        for c in &cases {
            let want = c.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_ws(c), want, "{c:?}");
            // From the normalized text: a copy when its parsed text was one
            // run, else `collapse_ws_into`.
            let t = norm_plain(c);
            whole_runs += usize::from(t.is_whole_run());
            let mut got = "stale".to_string();
            t.collapsed_raw_into(&mut got, collapse_ws_into);
            assert_eq!(got, want, "{c:?}");
            assert_eq!(
                t.has_ascii_digit(has_ascii_digit),
                c.bytes().any(|b| b.is_ascii_digit()),
                "{c:?}"
            );
            for k in 0..c.len().min(9) {
                let b = &c.as_bytes()[k..];
                assert_eq!(
                    has_ascii_digit(b),
                    b.iter().any(u8::is_ascii_digit),
                    "{c:?}"
                );
            }
        }
        assert!(
            whole_runs > cases.len() / 4,
            "{whole_runs} of {}",
            cases.len()
        );
    }

    /// `single_spaced` agrees with its byte-table definition on random
    /// texts of spaces, other whitespace and letters, across 16-byte chunks.
    #[test]
    fn single_spaced_agrees_with_byte_table() {
        let reference = |b: &[u8]| {
            let (mut prev_space, mut bad) = (1u8, 0u8);
            for &x in b {
                let class = WS_CLASS[x as usize];
                bad |= (class & prev_space) | (class >> 1);
                prev_space = class & 1;
            }
            bad == 0 && prev_space == 0
        };
        const PIECES: &[&str] = &[
            "a", "b", "ä", "Ö", " ", " ", "  ", "\t", "\n", "\u{a0}", "\u{2003}", "\u{85}",
            "\u{3000}", "\u{1680}", "–", "€", "x",
        ];
        let mut next = crate::xorshift(0x5ace_5ace);
        for round in 0..20_000 {
            let len = (next() % 70) as usize;
            // Mostly letters and single spaces: the fast case, long.
            let n = if round % 2 == 0 { 6 } else { PIECES.len() };
            let t: String = (0..len)
                .map(|_| PIECES[(next() % n as u64) as usize])
                .collect();
            assert_eq!(
                single_spaced(t.as_bytes()),
                reference(t.as_bytes()),
                "{t:?}"
            );
        }
    }

    /// The heading tables as one regex per key (how they were matched
    /// before the word matcher), as the reference.
    fn reference_classify(src: &str) -> impl Fn(&str) -> Vec<Key> {
        let map: BTreeMap<String, HeadingEntry> = toml::from_str(src).unwrap();
        let mut keys = Vec::new();
        let mut terms = Vec::new();
        let mut not = Vec::new();
        for (name, entry) in map {
            keys.push(Key::from_name(&name).unwrap());
            terms.push(crate::pattern::set_pattern(&entry.terms));
            not.push(crate::pattern::set_pattern(&entry.not));
        }
        let terms = regex::RegexSet::new(&terms).unwrap();
        let not = regex::RegexSet::new(&not).unwrap();
        move |heading_norm: &str| {
            let h = strip_numbering(heading_norm);
            let h = h.trim_end_matches([':', '.', '?']);
            if h.is_empty() {
                return Vec::new();
            }
            let nots = not.matches(h);
            let mut out: Vec<Key> = terms
                .matches(h)
                .iter()
                .filter(|&i| !nots.matched(i))
                .map(|i| keys[i])
                .collect();
            out.sort();
            out
        }
    }

    #[test]
    fn word_matcher_classifies_as_the_regexes_did() {
        let table = HeadingTable::builtin();
        let reference = reference_classify(DEFAULT_HEADINGS);
        let mut samples: Vec<String> = Vec::new();
        // Every term of the tables, its markers dropped, with endings and
        // neighbours.
        let map: BTreeMap<String, HeadingEntry> = toml::from_str(DEFAULT_HEADINGS).unwrap();
        for entry in map.values() {
            for t in entry.terms.iter().chain(&entry.not) {
                let bare = t.replace(['~', '*'], "");
                let bare = bare.trim();
                for form in [
                    bare.to_string(),
                    format!("{bare}n"),
                    format!("{bare}ssa ja muuta"),
                    format!("3. {bare}:"),
                    format!("x{bare}"),
                    format!("{bare}-{bare}"),
                    format!("tietojen {bare} ja eu:n ulkopuolelle"),
                ] {
                    samples.push(form);
                }
            }
        }
        // Every line of the fixtures and, where present, the real corpus.
        for l in crate::sample_file_lines() {
            let l = l.to_lowercase();
            if !l.is_empty() && l.chars().count() <= 300 {
                samples.push(l);
            }
        }
        // The table's own forms and the fixtures give about 4,600 samples;
        // the corpus beside the repository (CI) adds thousands more, and
        // a fresh checkout has none of it.
        assert!(samples.len() > 4000, "{} samples", samples.len());
        let mut hits = 0;
        for s in &samples {
            let want = reference(s);
            hits += usize::from(!want.is_empty());
            assert_eq!(table.classify(s), want, "{s:?}");
        }
        assert!(hits > 1000, "only {hits} samples got a key");
    }

    /// Lines of the fixtures and, where present, the real corpus,
    /// lowercased, plus `extra`.
    fn sample_lines(extra: &[&str]) -> Vec<String> {
        let mut samples: Vec<String> = crate::sample_file_lines()
            .iter()
            .map(|l| l.to_lowercase())
            .collect();
        // Every literal glued to and apart from characters on both sides
        // (word characters: letters, digits, `_`, marks, joiners).
        let around = [
            "", " ", "x", "ä", "_", "1", ":", "-", "\u{301}", "\u{200d}", ".", "n",
        ];
        for lit in extra {
            for a in around {
                for b in around {
                    samples.push(format!("{a}{lit}{b}"));
                    samples.push(format!("{a}{lit}{b}{lit} 2018 {a}{lit}"));
                }
            }
        }
        samples
    }

    #[test]
    fn date_labels_are_found_as_the_regex_found_them() {
        let re = Regex::new(
            r"(?P<upd>päivitetty|päivitys|päivityspäivä|muutettu|voimassa|uppdaterad|senast ändrad|gäller från|last updated|updated|last modified|modified|last revised|revised|effective|in effect)|(?P<made>laatimispäivä|laadittu|päiväys|upprättad|datum|created|(?P<doc>privacy (?:statement|policy|notice)|seloste))",
        )
        .unwrap();
        let mut extra: Vec<&str> = DATE_LABELS.to_vec();
        extra.extend(["päivityspäiväys", "privacy policyseloste", "last updatedd"]);
        let samples = sample_lines(&extra);
        assert!(samples.len() > 5000, "{}", samples.len());
        let kinds = |i: usize| (i < UPDATE_LABELS, i >= DOC_LABELS);
        for h in &samples {
            let want: Vec<_> = re
                .find_iter(h)
                .map(|m| {
                    let c = re.captures(m.as_str()).unwrap();
                    (
                        m.range(),
                        (c.name("upd").is_some(), c.name("doc").is_some()),
                    )
                })
                .collect();
            let got: Vec<_> = date_labels()
                .find_iter(h)
                .map(|m| (m.range(), kinds(m.pattern().as_usize())))
                .collect();
            assert_eq!(got, want, "{h:?}");
            let first = re
                .captures(h)
                .map(|c| (c.get(0).unwrap().range(), c.name("upd").is_some()));
            let got = date_labels()
                .find(h.as_str())
                .map(|m| (m.range(), m.pattern().as_usize() < UPDATE_LABELS));
            assert_eq!(got, first, "{h:?}");
        }
    }

    #[test]
    fn labels_before_years_find_every_label_that_can_date() {
        // A match is (range, pattern); `useful` when a year fits in the
        // window after it, the premise the search rests on: without one,
        // neither date reader finds anything there.
        let useful = |t: &str, m: &(Range<usize>, usize)| {
            let end = crate::parse::floor_char_boundary(t, m.0.end + DATE_WINDOW);
            let window = &t[m.0.end..end];
            let b = window.as_bytes();
            let year = (0..b.len().saturating_sub(3)).any(|q| {
                matches!((b[q], b[q + 1]), (b'1', b'9') | (b'2', b'0'))
                    && b[q + 2].is_ascii_digit()
                    && b[q + 3].is_ascii_digit()
            });
            if !year {
                assert!(find_date(window, false).is_none(), "{window:?}");
                assert!(leading_year(window).is_none(), "{window:?}");
            }
            year
        };
        let check = |t: &str| {
            let all: Vec<_> = date_labels()
                .find_iter(t)
                .map(|m| (m.range(), m.pattern().as_usize()))
                .collect();
            let mut got = Vec::new();
            labels_before_years(t, |m| got.push((m.range(), m.pattern().as_usize())));
            // Matches of the whole search, in its order...
            let mut rest = all.iter();
            for m in &got {
                assert!(rest.any(|a| a == m), "{t:?}: {m:?} not in {all:?}");
            }
            // ...and every one that can have a date after it.
            let want: Vec<_> = all.iter().filter(|m| useful(t, m)).collect();
            let kept: Vec<_> = got.iter().filter(|m| useful(t, m)).collect();
            assert_eq!(kept, want, "{t:?}");
        };
        let mut pieces: Vec<&str> = DATE_LABELS.to_vec();
        pieces.extend([
            " ",
            " ",
            " ",
            "a",
            "kk",
            "x",
            ".",
            ":",
            ", ",
            "-",
            "ä",
            "ö",
            "é",
            "–",
            "päivä",
            "last ",
            "privacy ",
            "in ",
            "2018",
            "1999",
            "20",
            "19",
            "1",
            "2",
            "0",
            "9",
            "12.3.2020",
            "2016/679",
            "toukokuuta ",
            "may 25, ",
            "updatedd",
            "selosteet",
            "jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ",
        ]);
        let mut next = crate::xorshift(0x5eed_da7e);
        for n in 0..30_000 {
            check(&crate::random_text(&mut next, &pieces, 1 + n % 60));
        }
        for line in crate::sample_file_lines() {
            check(&line.to_lowercase());
        }
    }

    #[test]
    fn years_are_found_where_they_start() {
        let mut next = crate::xorshift(0x1920_2019);
        let pieces = [
            "1", "2", "9", "0", "5", "19", "20", "2018", "a", " ", ".", "ä",
        ];
        for n in 0..20_000 {
            let t = crate::random_text(&mut next, &pieces, n % 150);
            let b = t.as_bytes();
            let want: Vec<usize> = (0..b.len().saturating_sub(3))
                .filter(|&q| {
                    matches!((b[q], b[q + 1]), (b'1', b'9') | (b'2', b'0'))
                        && b[q + 2].is_ascii_digit()
                        && b[q + 3].is_ascii_digit()
                })
                .collect();
            let mut got = Vec::new();
            each_year(b, |y| got.push(y));
            assert_eq!(got, want, "{t:?}");
            if let Some(block) = b.get(..64) {
                let block = block.try_into().unwrap();
                assert_eq!(digit_mask64(block), digit_mask64_bytes(block), "{t:?}");
            }
        }
    }

    #[test]
    fn rights_words_match_as_the_regexes_did() {
        let rights =
            Regex::new(r"\boikeu(?:det|tesi|tenne|ksista|ksien)\b|\brights\b|\brättighet").unwrap();
        let moving = Regex::new(r"\bsiir[rt]|\btransfer|\böverför").unwrap();
        let place = Regex::new(r"ulkopuol|ulkomail|\beu\b|\beu:|\beta\b|\beta:|kolma|outside|third|abroad|utanför|tredje|\bees\b").unwrap();
        let extra: Vec<&str> = RIGHTS
            .lits
            .iter()
            .chain(MOVING.lits)
            .chain(PLACE.lits)
            .map(|l| l.0)
            .chain(["oikeu", "eeu", "eueu", "etaeta", "eetaa"])
            .collect();
        let samples = sample_lines(&extra);
        let mut hits = [0; 3];
        for h in &samples {
            for (k, (re, lits)) in [(&rights, &RIGHTS), (&moving, &MOVING), (&place, &PLACE)]
                .into_iter()
                .enumerate()
            {
                let want = re.is_match(h);
                hits[k] += usize::from(want);
                assert_eq!(any_word(h, lits), want, "{h:?}");
            }
        }
        assert!(hits.iter().all(|&n| n > 100), "{hits:?}");
    }

    /// The memo's answers are the word sets' own, asked in several rounds
    /// (so that texts are both remembered and evicted by colliding ones).
    #[test]
    fn remembered_hits_are_the_matched_hits() {
        let table = HeadingTable::builtin();
        let mut texts: Vec<String> = crate::sample_file_lines()
            .iter()
            .map(|l| l.to_lowercase())
            .filter(|l| l.len() <= 200)
            .collect();
        let mut rng = crate::xorshift(19);
        let words = [
            "tietojen",
            "rekisterinpitäjä",
            "oikeudet",
            "privacy",
            "säilytys",
            "x",
        ];
        for _ in 0..20_000 {
            let n = 1 + rng() as usize % 4;
            let t: Vec<&str> = (0..n)
                .map(|_| words[rng() as usize % words.len()])
                .collect();
            texts.push(t.join(" "));
        }
        for round in 0..3 {
            for t in &texts {
                let h = strip_numbering(t).trim_end_matches([':', '.', '?']);
                let want = if h.is_empty() {
                    0
                } else {
                    table.sets.matching(h)
                };
                assert_eq!(table.hits(t), want, "round {round}: {t:?}");
            }
        }
    }

    /// The oracle's remembered answers are its answers: each sample line
    /// (as written, with its case and spacing) asked three times, against
    /// the word count and word sets asked directly.
    #[test]
    fn remembered_oracle_answers_are_the_answers() {
        let table = HeadingTable::builtin();
        let mut lines = crate::sample_file_lines();
        lines.extend(
            [
                "",
                "  ",
                "Rekisterinpitäjä",
                " 1. REKISTERINPITÄJÄ ",
                "Tietojen säilytys",
            ]
            .map(String::from),
        );
        lines.push("sana ".repeat(40));
        let mut yes = 0;
        for round in 0..3 {
            for line in &lines {
                let t = line.trim();
                let want = !t.is_empty()
                    && !has_more_words_than(t, 14)
                    && t.chars().count() <= 120
                    && key_mask(table.sets.matching(
                        strip_numbering(&t.to_lowercase()).trim_end_matches([':', '.', '?']),
                    )) != 0;
                yes += usize::from(want);
                assert_eq!(table.is_heading(line), want, "round {round}: {line:?}");
            }
        }
        assert!(yes > 100, "{yes}");
    }

    /// [`has_more_words_than`] is `split_whitespace().nth(n).is_some()` on
    /// random texts of words and every kind of white space, and on sample lines.
    #[test]
    fn word_count_is_split_whitespace() {
        const PIECES: [&str; 16] = [
            "a",
            "Äö",
            "sana",
            "–",
            "\u{1680}",
            "\u{2000}",
            "\u{200a}",
            "\u{2028}",
            "\u{202f}",
            "\u{205f}",
            "\u{3000}",
            "\u{85}",
            "\u{a0}",
            "\t\x0b\x0c\r\n",
            " ",
            "\u{1c}\u{200b}",
        ];
        let mut next = crate::xorshift(0xc0_17);
        for _ in 0..5000 {
            let n = (next() % 40) as usize;
            let t = crate::random_text(&mut next, &PIECES, n);
            for n in [0, 1, 3, 14] {
                assert_eq!(
                    has_more_words_than(&t, n),
                    t.split_whitespace().nth(n).is_some(),
                    "{t:?} {n}"
                );
            }
        }
        for line in crate::sample_file_lines() {
            assert_eq!(
                has_more_words_than(&line, 14),
                line.split_whitespace().nth(14).is_some(),
                "{line:?}"
            );
        }
    }

    /// Notices built from buffers that earlier notices gave back
    /// ([`Notice::recycle`], [`MappedText::give_back`]) are the notices
    /// built from fresh ones: every fixture, built alone on a fresh thread
    /// and then in a run after all the others (in both orders), with
    /// random cuts of them in between.
    #[test]
    fn recycled_buffers_build_the_same_notices() {
        let mut docs: Vec<(String, Format)> = Vec::new();
        for f in crate::files_under("fixtures") {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
            let format = Format::from_extension(ext).unwrap_or_else(|| Format::sniff(&text));
            docs.push((text, format));
        }
        let mut next = crate::xorshift(0x5eed_2026);
        for i in 0..docs.len().min(40) {
            let (text, format) = &docs[i];
            let cut = crate::parse::floor_char_boundary(text, next() as usize % (text.len() + 1));
            docs.push((text[..cut].to_string(), *format));
        }
        let table = HeadingTable::builtin();
        let build_one = |(text, format): &(String, Format)| {
            build(crate::parse::parse(text, *format, &table), *format, &table)
        };
        let fresh: Vec<String> = docs
            .iter()
            .map(|d| std::thread::scope(|s| s.spawn(|| format!("{:?}", build_one(d))).join()))
            .map(|r| r.unwrap())
            .collect();
        for order in [false, true] {
            let mut idx: Vec<usize> = (0..docs.len()).collect();
            if order {
                idx.reverse();
            }
            for i in idx {
                let n = build_one(&docs[i]);
                assert_eq!(format!("{n:?}"), fresh[i], "document {i}");
                n.recycle();
            }
        }
    }

    /// A huge notice's section buffers are not all kept once it is
    /// recycled: the thread keeps at most `SPARE_SECTION_BYTES` of them by
    /// place, so that memory stays flat after one very large file.
    #[test]
    fn recycling_a_huge_notice_keeps_at_most_a_megabyte_by_place() {
        std::thread::scope(|s| {
            s.spawn(|| {
                let body = "Tietoja käsitellään sopimuksen perusteella. ".repeat(12_000);
                let text: String = (0..8)
                    .map(|i| format!("Osio {i}\t{body}\n"))
                    .collect::<String>();
                let table = HeadingTable::builtin();
                let n = build(
                    crate::parse::parse(&text, Format::Text, &table),
                    Format::Text,
                    &table,
                );
                assert!(n.sections.len() >= 8, "{} sections", n.sections.len());
                n.recycle();
                let kept: usize = SPARE_NOTICE_SECTIONS.with_borrow(|kept| {
                    kept.iter()
                        .map(|s| {
                            s.heading.text.capacity()
                                + s.body.text.capacity()
                                + s.heading_text.capacity()
                        })
                        .sum()
                });
                assert!(kept <= SPARE_SECTION_BYTES, "{kept} bytes kept");
                // The places past the cap are still there, empty.
                assert!(SPARE_NOTICE_SECTIONS.with_borrow(|kept| kept.len()) >= 8);
            })
            .join()
            .unwrap();
        });
    }

    #[test]
    fn headings_map_to_keys() {
        let t = HeadingTable::builtin();
        let k = |h: &str| -> Vec<&str> {
            t.classify(&h.to_lowercase())
                .iter()
                .map(|k| k.name())
                .collect()
        };
        assert_eq!(k("Rekisterinpitäjä"), ["controller"]);
        assert_eq!(
            k("Yhteyshenkilö rekisteriä koskevissa asioissa"),
            ["controller_contact"]
        );
        assert_eq!(
            k("Tietojen luovutukset ja siirto EU:n tai ETA:n ulkopuolelle"),
            ["recipients", "transfers"]
        );
        assert_eq!(k("3. Rekisterin nimi"), ["register_name"]);
        assert_eq!(k("Henkilötietojen käsittelyn tarkoitus"), ["purpose"]);
        assert_eq!(k("Rekisterin tietosisältö"), ["data_categories"]);
        assert_eq!(k("Säännönmukaiset tietolähteet"), ["data_sources"]);
        assert_eq!(
            k("Rekisterin suojauksen periaatteet A: Manuaalinen aineisto"),
            ["security"]
        );
        assert_eq!(k("Evästeet"), ["cookies"]);
        assert_eq!(k("Tarkastusoikeus"), ["right_access"]);
        assert_eq!(
            k("Oikeus vaatia tiedon korjaamista"),
            ["right_rectification"]
        );
        assert_eq!(k("Laatimispäivä"), ["date"]);
        assert_eq!(k("Personuppgiftsansvarig"), ["controller"]);
        assert_eq!(k("Retention of personal data"), ["retention"]);
        assert_eq!(
            k("Muut henkilötietojen käsittelyyn liittyvät oikeudet"),
            Vec::<&str>::new()
        );
    }

    /// Question headings and other shapes found missing by the corpus facts
    /// (synthetic wordings).
    #[test]
    fn question_and_compound_headings_map_to_keys() {
        let t = HeadingTable::builtin();
        let k = |h: &str| -> Vec<&str> {
            t.classify(&h.to_lowercase())
                .iter()
                .map(|k| k.name())
                .collect()
        };
        // Swedish questions.
        assert_eq!(k("När samlar vi in uppgifter?"), ["data_sources"]);
        assert_eq!(k("Vilka uppgifter samlar vi in?"), ["data_categories"]);
        assert_eq!(k("Hurdana uppgifter samlar vi?"), ["data_categories"]);
        assert_eq!(k("Vad använder vi uppgifterna till?"), ["purpose"]);
        assert_eq!(
            k("Vem har rätt att behandla uppgifterna och lämnas de ut?"),
            ["recipients"]
        );
        assert_eq!(k("Lagenlig överföring av uppgifter"), ["recipients"]);
        assert_eq!(
            k("Överföring av uppgifter utanför EU eller EES"),
            ["transfers"]
        );
        assert_eq!(k("Dataskyddsprinciper"), ["security"]);
        // English questions.
        assert_eq!(k("1. Who processes your data"), ["controller"]);
        assert_eq!(k("What other users see about you"), ["recipients"]);
        assert_eq!(k("When you delete your account"), ["right_erasure"]);
        assert_eq!(k("How long do we keep your data?"), ["retention"]);
        assert_eq!(k("8. Data protection"), ["security"]);
        assert_eq!(k("Data protection officer"), ["dpo_contact"]);
        // Finnish: "what and why" is both; "why we collect" only the purpose.
        assert_eq!(
            k("Mitä tietoja keräämme ja miksi?"),
            ["purpose", "data_categories"]
        );
        assert_eq!(k("Miksi keräämme tietoja?"), ["purpose"]);
        assert_eq!(
            k("Kenelle tietoja luovutetaan tai siirretään?"),
            ["recipients", "transfers"]
        );
        assert_eq!(k("1. Perustietoa"), Vec::<&str>::new());
        assert_eq!(
            k("Käsittely perustuu rekisterinpitäjän oikeutettuun etuun"),
            ["legal_basis"]
        );
        assert_eq!(k("Rekisterinpitäjän yhteyshenkilö"), ["controller_contact"]);
        assert_eq!(
            k("Rekisterinpitäjä ja yhteystiedot"),
            ["controller", "controller_contact"]
        );
        assert_eq!(
            k("Rekisterien nimet ja sisältökuvaus"),
            ["data_categories", "register_name"]
        );
        assert_eq!(
            k("Tietojen tarkastaminen ja korjaaminen"),
            ["right_access", "right_rectification"]
        );
        assert_eq!(
            k("Oikeus siirtää tiedot järjestelmästä toiseen"),
            ["right_portability"]
        );
    }

    #[test]
    fn last_day_of_a_stated_period() {
        let d = |iso: &str| {
            StatedDate {
                text: String::new(),
                iso: Some(iso.to_string()),
                span: 0..0,
            }
            .last_day()
        };
        assert_eq!(d("2018-05-03").as_deref(), Some("2018-05-03"));
        assert_eq!(d("2018-05").as_deref(), Some("2018-05-31"));
        assert_eq!(d("2020-02").as_deref(), Some("2020-02-29"));
        assert_eq!(d("2018").as_deref(), Some("2018-12-31"));
    }

    #[test]
    fn dates_are_read() {
        let d = |t: &str| find_date(t, false).and_then(|d| d.iso);
        assert_eq!(d("laatimispäivä 03.05.2018").as_deref(), Some("2018-05-03"));
        assert_eq!(d("päivitetty 2021-03-04").as_deref(), Some("2021-03-04"));
        assert!(find_date("puhelin 040 123 4567", false).is_none());
    }

    /// The built-in table from build.rs's entries is the parsed one.
    #[test]
    fn builtin_headings_are_the_parsed_ones() {
        let id = regex::Regex::new(r"id: \d+").unwrap();
        let show = |t: &HeadingTable| id.replace_all(&format!("{t:?}"), "id: _").into_owned();
        let parsed = HeadingTable::parse(DEFAULT_HEADINGS).unwrap();
        assert_eq!(show(&HeadingTable::builtin()), show(&parsed));
        // (Not by parsing the file after all.)
        type Entries = &'static [(
            &'static str,
            &'static [&'static str],
            &'static [&'static str],
        )];
        let tables: Option<Entries> = include!(concat!(env!("OUT_DIR"), "/builtin_headings.rs"));
        assert!(tables.is_some());
    }
}

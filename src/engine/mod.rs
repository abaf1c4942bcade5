//! The rule engine: a small set of rule kinds, driven by the catalogue in
//! `rules/` (data, not code). Findings pass through explicit stages before
//! any renderer sees them: run rules → suppress → deduplicate → sort.

pub mod catalogue;
pub mod config;
mod suppress;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::normalize::NormText;
use crate::pattern::{Prefilter, Scan, TermSet};
use crate::schema::{Key, Notice, TextRef};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn from_name(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// Where a forbid-pattern rule looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Anywhere,
    Headings,
    Bodies,
    Title,
}

impl Scope {
    pub fn from_name(s: &str) -> Option<Scope> {
        match s {
            "anywhere" => Some(Scope::Anywhere),
            "headings" => Some(Scope::Headings),
            "bodies" => Some(Scope::Bodies),
            "title" => Some(Scope::Title),
            _ => None,
        }
    }

    fn admits(self, r: TextRef) -> bool {
        match self {
            Scope::Anywhere => true,
            Scope::Headings => matches!(r, TextRef::Heading(_) | TextRef::Title),
            Scope::Bodies => matches!(r, TextRef::Body(_) | TextRef::Preamble),
            Scope::Title => matches!(r, TextRef::Title) || matches!(r, TextRef::Heading(0)),
        }
    }
}

/// The rule kinds the engine knows. (A catalogue holds tens of rules, so
/// the size difference between variants does not matter.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Kind {
    /// A GDPR element must be present: a section mapped to it with a body,
    /// or body text anywhere that says it.
    RequireElement {
        element: Key,
        present: Box<TermSet>,
        partial: Box<TermSet>,
        demote: Box<TermSet>,
        demote_unless: Option<Box<TermSet>>,
        /// Found anywhere in the notice (without `demote_unless` words
        /// anywhere), these make a present element partial: e.g. a US
        /// service named while transfers are declared without safeguards.
        demote_anywhere: Box<TermSet>,
        /// Text that demotes like `demote` words and is itself left out when
        /// `demote_unless` words are looked for: a menu of every legal basis
        /// ("suostumus, sopimus tai oikeutettu etu") names them all without
        /// saying which applies.
        demote_regex: Box<TermSet>,
        /// `present` words found in sections keyed for these elements do not
        /// count (an e-mail address in the contact details is no data
        /// category).
        not_in_sections: Vec<Key>,
        /// In a keyed section, demote only when every sentence with a
        /// `present` word is demoted (else the whole body decides).
        demote_by_sentence: bool,
        applies_if: Option<Box<TermSet>>,
        section_terms: Box<TermSet>,
        /// Also look in the page footer, outside the notice, when the notice
        /// itself does not say it (contact details of small sites).
        page_footer: bool,
    },
    /// A pattern that should not be there (optionally only near, or not near,
    /// other words in the same sentence).
    ForbidPattern {
        terms: Box<TermSet>,
        near: Box<TermSet>,
        unless_near: Box<TermSet>,
        scope: Scope,
    },
    /// A heading with nothing under it.
    EmptySection { keys: Vec<Key> },
    /// A statement (terms) that cannot hold together with another (other).
    Contradiction {
        terms: Box<TermSet>,
        unless_near: Box<TermSet>,
        other: Box<TermSet>,
        other_unless_near: Box<TermSet>,
    },
    /// The notice's own date is before a given day.
    /// An e-mail link whose shown address is not where it sends.
    MailLinkMismatch,
    DateBefore {
        before: String,
        unless: Box<TermSet>,
    },
    /// A Finnish business ID (Y-tunnus) whose check digit is wrong.
    BusinessId,
}

/// One rule of the catalogue.
#[derive(Debug, Clone)]
pub struct Rule {
    /// `Arc`: each finding shares the rule's id, category and reference
    /// (a fresh `String` each was three allocations and copies a finding,
    /// and the JSON writer compares them by pointer first).
    pub id: Shared,
    pub kind: Kind,
    pub kind_name: String,
    pub category: Shared,
    pub severity: Severity,
    pub element: Option<Key>,
    pub reference: Shared,
    pub message: BTreeMap<String, String>,
    /// Shared with the findings, as [`Rule::id`].
    pub help: BTreeMap<String, Shared>,
    pub docs: String,
    pub expected_heading: BTreeMap<String, String>,
    pub replacement: Option<String>,
    pub bad_examples: Vec<String>,
    pub good_examples: Vec<String>,
    /// `file:line` where the rule is defined.
    pub origin: String,
}

fn pick<'a>(m: &'a BTreeMap<String, String>, lang: &str) -> &'a str {
    pick_of(m, lang).map(|s| s.as_str()).unwrap_or("")
}

fn pick_of<'a, V>(m: &'a BTreeMap<String, V>, lang: &str) -> Option<&'a V> {
    m.get(lang)
        .or_else(|| m.get("en"))
        .or_else(|| m.get("fi"))
        .or_else(|| m.values().next())
}

impl Rule {
    pub fn message(&self, lang: &str) -> &str {
        pick(&self.message, lang)
    }
    pub fn help(&self, lang: &str) -> &str {
        pick_of(&self.help, lang).map_or("", |s| s.as_str())
    }
    /// [`Rule::help`] shared, for a finding.
    pub fn help_shared(&self, lang: &str) -> Shared {
        pick_of(&self.help, lang).cloned().unwrap_or_default()
    }
    pub fn expected_heading(&self, lang: &str) -> Option<&str> {
        if self.expected_heading.is_empty() {
            None
        } else {
            Some(pick(&self.expected_heading, lang))
        }
    }
}

/// Status of one GDPR element in a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Present,
    Partial,
    Empty,
    Missing,
    /// Not required for this notice (e.g. withdrawal of consent where
    /// consent is not a basis).
    NotApplicable,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Present => "present",
            Status::Partial => "partial",
            Status::Empty => "empty",
            Status::Missing => "missing",
            Status::NotApplicable => "n/a",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElementStatus {
    pub status: Status,
    /// Index of the section where it was found (or the empty heading).
    pub section: Option<usize>,
}

/// A secondary location that explains a finding (e.g. the other side of a
/// contradiction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub message: String,
    pub span: Range<usize>,
}

/// A suggested edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub span: Range<usize>,
    pub replacement: String,
}

/// A rule's text that its findings share: cloning is a refcount bump,
/// and it compares and serializes as the `str` it holds.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shared(Arc<str>);

impl Shared {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Whether both share one allocation (equal texts then).
    pub fn same(&self, other: &Shared) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Shared {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}
impl AsRef<str> for Shared {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
impl std::borrow::Borrow<str> for Shared {
    fn borrow(&self) -> &str {
        &self.0
    }
}
impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}
impl std::fmt::Display for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&*self.0, f)
    }
}
impl From<String> for Shared {
    fn from(s: String) -> Self {
        Shared(s.into())
    }
}
impl From<&str> for Shared {
    fn from(s: &str) -> Self {
        Shared(s.into())
    }
}
impl From<Shared> for String {
    fn from(s: Shared) -> Self {
        s.0.to_string()
    }
}
impl PartialEq<str> for Shared {
    fn eq(&self, o: &str) -> bool {
        *self.0 == *o
    }
}
impl PartialEq<&str> for Shared {
    fn eq(&self, o: &&str) -> bool {
        *self.0 == **o
    }
}
impl PartialEq<String> for Shared {
    fn eq(&self, o: &String) -> bool {
        *self.0 == **o
    }
}
impl PartialEq<Shared> for String {
    fn eq(&self, o: &Shared) -> bool {
        **self == *o.0
    }
}
impl PartialEq<Shared> for str {
    fn eq(&self, o: &Shared) -> bool {
        *self == *o.0
    }
}
impl PartialEq<Shared> for &str {
    fn eq(&self, o: &Shared) -> bool {
        **self == *o.0
    }
}
impl serde::Serialize for Shared {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule's own texts, shared ([`Rule::id`]).
    pub rule: Shared,
    pub category: Shared,
    pub element: Option<Key>,
    pub severity: Severity,
    pub message: String,
    pub help: Shared,
    pub reference: Shared,
    /// Byte range in the decoded source.
    pub span: Range<usize>,
    /// The exact source text under the span.
    pub text: String,
    /// The same text as a reader sees it (entities decoded, tags and table
    /// markup dropped): what reports quote.
    pub quote: String,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
    /// Set when an inline suppression silenced this finding (with its reason).
    pub suppressed: Option<String>,
}

/// What linting one notice gives.
#[derive(Debug, Clone)]
pub struct LintResult {
    pub elements: BTreeMap<Key, ElementStatus>,
    /// Active findings, sorted by position then rule.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings silenced by inline suppressions (kept for SARIF/JSON).
    pub suppressed: Vec<Diagnostic>,
    /// The notice's main language, [`crate::lint::detect_language`] (from
    /// the texts as joined here).
    pub language: &'static str,
}

/// Options that change what is reported.
#[derive(Debug, Clone)]
pub struct Options {
    pub lang: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { lang: "fi".into() }
    }
}

/// The compiled catalogue.
#[derive(Debug, Clone)]
pub struct Engine {
    pub rules: Vec<Rule>,
    /// The literal prefixes of all the rules' term lists, searched in one
    /// pass over each notice.
    prefilter: Prefilter,
    /// Each rule's texts in the language of the first notice linted
    /// (looked up in the rules' maps for each finding, they were ~12 K map
    /// look-ups a 1,000 notices); made again for no other language.
    picked: OnceLock<(String, Vec<Picked>)>,
}

/// A rule's texts in one language, for its findings.
#[derive(Debug, Clone)]
struct Picked {
    message: String,
    help: Shared,
    /// The help of a missing element: with the expected heading, if any.
    missing_help: Shared,
}

impl Picked {
    fn of(rule: &Rule, lang: &str) -> Picked {
        let help = rule.help_shared(lang);
        let missing_help = match rule.expected_heading(lang) {
            Some(h) => help_expecting(&help, lang, h).into(),
            None => help.clone(),
        };
        Picked {
            message: rule.message(lang).to_string(),
            help,
            missing_help,
        }
    }
}

impl Kind {
    /// The term lists of a rule.
    fn term_sets(&self) -> Vec<&TermSet> {
        match self {
            Kind::RequireElement {
                present,
                partial,
                demote,
                demote_unless,
                demote_anywhere,
                demote_regex,
                applies_if,
                section_terms,
                ..
            } => {
                let mut v: Vec<&TermSet> = vec![
                    present,
                    partial,
                    demote,
                    demote_anywhere,
                    demote_regex,
                    section_terms,
                ];
                v.extend(
                    demote_unless
                        .as_deref()
                        .into_iter()
                        .chain(applies_if.as_deref()),
                );
                v
            }
            Kind::ForbidPattern {
                terms,
                near,
                unless_near,
                ..
            } => vec![terms, near, unless_near],
            Kind::Contradiction {
                terms,
                unless_near,
                other,
                other_unless_near,
            } => vec![terms, unless_near, other, other_unless_near],
            Kind::DateBefore { unless, .. } => vec![unless],
            Kind::EmptySection { .. } | Kind::BusinessId | Kind::MailLinkMismatch => Vec::new(),
        }
    }
}

/// The sentence around a match in normalized text (for `near` checks).
fn sentence_around(text: &str, r: &Range<usize>) -> Range<usize> {
    const MAX: usize = 300;
    let lo = r.start.saturating_sub(MAX);
    let lo = crate::parse::floor_char_boundary(text, lo);
    // Byte searches: the marks are ASCII, which no byte of a multi-byte
    // character equals (the `char` pattern searches were 3 % of a run).
    let before = &text.as_bytes()[lo..r.start];
    let last_mark = last_sentence_mark(before);
    let start = last_mark
        .map(|p| lo + p + 1)
        .filter(|&p| {
            // "3. " or "10 §:n" are not sentence ends: require a following space.
            text[p..].starts_with(' ')
        })
        .unwrap_or(lo);
    let hi = crate::parse::floor_char_boundary(text, r.end + MAX);
    let tail = &text[r.end..hi];
    let bytes = tail.as_bytes();
    // The first `!?;`, or `.` with a space after it that does not end an
    // abbreviation, in one forward pass over the marks (it was a `memchr`
    // loop of `.` and a `memchr3` of `!?;` before the end it found).
    let mut end = hi;
    let mut from = 0;
    while let Some(p) = first_sentence_mark(&bytes[from..]) {
        let at = from + p;
        if bytes[at] != b'.'
            || bytes.get(at + 1) == Some(&b' ') && !ends_in_abbreviation(&tail[..at])
        {
            end = r.end + at + 1;
            break;
        }
        from = at + 1;
    }
    start..end.max(r.end)
}

/// The last of `.!?;` in `bytes`, in one backward pass (it was a
/// `memrchr3` of `.!?` and a `memrchr` of `;` after it: two searches' set-up
/// on a window of at most 300 bytes).
fn last_sentence_mark(bytes: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of x86-64 itself (every x86_64 target enables it).
    return unsafe { last_sentence_mark_sse2(bytes) };
    #[cfg(not(target_arch = "x86_64"))]
    last_sentence_mark_scalar(bytes)
}

/// [`last_sentence_mark`] a byte at a time: the reference.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn last_sentence_mark_scalar(bytes: &[u8]) -> Option<usize> {
    bytes
        .iter()
        .rposition(|b| matches!(b, b'.' | b'!' | b'?' | b';'))
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn last_sentence_mark_sse2(bytes: &[u8]) -> Option<usize> {
    let head = bytes.len() % 16;
    for (k, piece) in bytes[head..].chunks_exact(16).enumerate().rev() {
        let mask = sentence_marks_sse2(piece);
        if mask != 0 {
            return Some(head + 16 * k + 31 - mask.leading_zeros() as usize);
        }
    }
    last_sentence_mark_scalar(&bytes[..head])
}

/// A bit for each of `.!?;` among the 16 bytes of `piece`: the mask both
/// sentence-mark searches read.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn sentence_marks_sse2(piece: &[u8]) -> u32 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    assert_eq!(piece.len(), 16);
    let marks = b".!?;".map(|m| _mm_set1_epi8(m as i8));
    // SAFETY: an unaligned 16-byte load of the 16 bytes of `piece`.
    let v = unsafe { _mm_loadu_si128(piece.as_ptr().cast::<__m128i>()) };
    let hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, marks[0]), _mm_cmpeq_epi8(v, marks[1])),
        _mm_or_si128(_mm_cmpeq_epi8(v, marks[2]), _mm_cmpeq_epi8(v, marks[3])),
    );
    _mm_movemask_epi8(hit) as u32
}

/// The first of `.!?;` in `bytes` ([`last_sentence_mark`] forward).
fn first_sentence_mark(bytes: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of x86-64 itself (every x86_64 target enables it).
    return unsafe { first_sentence_mark_sse2(bytes) };
    #[cfg(not(target_arch = "x86_64"))]
    first_sentence_mark_scalar(bytes)
}

/// [`first_sentence_mark`] a byte at a time: the reference.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn first_sentence_mark_scalar(bytes: &[u8]) -> Option<usize> {
    bytes
        .iter()
        .position(|b| matches!(b, b'.' | b'!' | b'?' | b';'))
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn first_sentence_mark_sse2(bytes: &[u8]) -> Option<usize> {
    let pieces = bytes.chunks_exact(16);
    let tail = pieces.remainder();
    for (k, piece) in pieces.enumerate() {
        let mask = sentence_marks_sse2(piece);
        if mask != 0 {
            return Some(16 * k + mask.trailing_zeros() as usize);
        }
    }
    first_sentence_mark_scalar(tail).map(|p| bytes.len() - tail.len() + p)
}

/// "esim. Google" does not end a sentence.
fn ends_in_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    matches!(
        word,
        "esim"
            | "mm"
            | "ns"
            | "jne"
            | "yms"
            | "ym"
            | "ks"
            | "vrt"
            | "klo"
            | "puh"
            | "nro"
            | "s"
            | "n"
            | "eg"
            | "ie"
            | "etc"
            | "e.g"
            | "i.e"
            | "t.ex"
            | "bl.a"
            | "dvs"
            | "st"
            | "art"
            | "kpl"
            | "mom"
            | "ltd"
            | "inc"
            | "co"
    ) || word.chars().all(|c| c.is_ascii_digit()) && !word.is_empty()
}

/// The notice's texts joined into one string, so that each rule's patterns
/// run once over the whole notice instead of once per heading and body
/// (per-call overhead dominated on short texts).
struct Doc<'a> {
    texts: Vec<(TextRef, &'a NormText)>,
    /// Each text's start in the joined text: a slice of a text (a sentence,
    /// a body) is searched there, where the scan's index covers it, by its
    /// text's index and its offset in that text. (The texts were found by
    /// their addresses, sorted for each notice: the sort and the look-ups
    /// were ~5 M instructions a 1,000 notices.)
    starts: Vec<usize>,
    /// The scanned texts' index of section 0's heading (the title and the
    /// preamble come first: [`Notice::texts`]).
    first_section: usize,
    /// The joined texts, scanned once for every rule's literals.
    scan: Scan<'a>,
    /// The sections of each key, in order, key by key: the sections headed
    /// for an element without going over every section's keys for every
    /// element rule. Key `k`'s are `key_sections[key_from[k]..key_end[k]]`
    /// (placed by counts: no sort).
    key_sections: Vec<u32>,
    key_from: [u32; Key::ALL.len()],
    key_end: [u32; Key::ALL.len()],
}

/// The sections of each key, in order, key by key, and where each key's
/// start and end there ([`Doc::key_sections`]): counted, then placed.
/// (Collected as `key << 32 | section` integers and sorted, they were
/// ~1.5 M instructions a 1,000 notices.)
#[allow(clippy::type_complexity)]
fn sections_by_key<'k>(
    sections: impl Iterator<Item = &'k [Key]> + Clone,
    mut out: Vec<u32>,
) -> (Vec<u32>, [u32; Key::ALL.len()], [u32; Key::ALL.len()]) {
    let mut from = [0u32; Key::ALL.len()];
    for keys in sections.clone() {
        for &k in keys {
            from[k as usize] += 1;
        }
    }
    let mut total = 0;
    for n in &mut from {
        (*n, total) = (total, total + *n);
    }
    let mut end = from;
    out.clear();
    out.resize(total as usize, 0);
    for (i, keys) in sections.enumerate() {
        let i = u32::try_from(i).expect("fewer than 2^32 sections");
        for &k in keys {
            let (k, at) = (k as usize, end[k as usize] as usize);
            // A key twice in a section counts once.
            if at > from[k] as usize && out[at - 1] == i {
                continue;
            }
            out[at] = i;
            end[k] += 1;
        }
    }
    (out, from, end)
}

impl<'a> Doc<'a> {
    /// The notice's `Doc`, in the buffers of an earlier one (`spare`).
    fn new(
        notice: &'a Notice,
        prefilter: &'a Prefilter,
        joined: &'a mut String,
        spare: (Vec<usize>, Vec<u32>),
    ) -> Doc<'a> {
        let (mut starts, key_sections) = spare;
        // Sized once: the title, the preamble and each section's heading and
        // body (collected, the chain's size hint made it grow five times).
        let mut texts: Vec<(TextRef, &NormText)> =
            Vec::with_capacity(2 * notice.sections.len() + 2);
        texts.extend(notice.texts());
        joined.clear();
        joined.reserve(texts.iter().map(|(_, t)| t.text.len() + 1).sum());
        starts.clear();
        starts.reserve(texts.len());
        for (_, t) in &texts {
            starts.push(joined.len());
            joined.push_str(&t.text);
            // A separator no pattern matches across (patterns join words
            // with a space or a hyphen).
            joined.push('\n');
        }
        let first_section = texts
            .iter()
            .position(|(r, _)| *r == TextRef::Heading(0))
            .unwrap_or(texts.len());
        let (key_sections, key_from, key_end) =
            sections_by_key(notice.sections.iter().map(|s| &s.keys[..]), key_sections);
        Doc {
            texts,
            starts,
            first_section,
            scan: prefilter.scan(joined),
            key_sections,
            key_from,
            key_end,
        }
    }

    /// The index among the texts of section `s`'s body.
    fn body_of(&self, s: usize) -> Option<usize> {
        // Each section gives its heading, then its body.
        let k = self.first_section + 2 * s + 1;
        if self.texts.get(k).is_some_and(|t| t.0 == TextRef::Body(s)) {
            return Some(k);
        }
        self.texts.iter().position(|t| t.0 == TextRef::Body(s))
    }

    /// The indices of the sections with `key` ([`crate::schema::Section::has_key`]), in
    /// order.
    fn sections_with(&self, key: Key) -> impl Iterator<Item = usize> + '_ {
        let k = key as usize;
        self.key_sections[self.key_from[k] as usize..self.key_end[k] as usize]
            .iter()
            .map(|&i| i as usize)
    }

    fn joined(&self) -> &str {
        self.scan.text
    }

    /// A range of the joined text as the text it lies in and the range
    /// there; `None` when it runs past that text's end.
    fn in_text(&self, m: &Range<usize>) -> Option<(usize, Range<usize>)> {
        let i = self.starts.partition_point(|&s| s <= m.start) - 1;
        let base = self.starts[i];
        let local = m.start - base..m.end - base;
        (local.end <= self.texts[i].1.text.len()).then_some((i, local))
    }

    /// The matches of `set`, in order, each as (text index, range within
    /// that text), passed to `f` until it returns false.
    fn each_match(&self, set: &TermSet, mut f: impl FnMut(usize, Range<usize>) -> bool) {
        if set.is_empty() {
            return;
        }
        set.each_match_in(&self.scan, |m| match self.in_text(&m) {
            Some((i, local)) => f(i, local),
            None => true,
        });
    }

    /// The first of [`Doc::each_match`]'s matches that `keep` accepts.
    fn first_match(
        &self,
        set: &TermSet,
        mut keep: impl FnMut(usize, &Range<usize>) -> bool,
    ) -> Option<(usize, Range<usize>)> {
        let mut hit = None;
        self.each_match(set, |i, m| {
            if keep(i, &m) {
                hit = Some((i, m));
                false
            } else {
                true
            }
        });
        hit
    }

    /// False when `set` cannot match the notice ([`TermSet::may_match_in`]:
    /// the index's lists, nothing searched).
    fn may_match(&self, set: &TermSet) -> bool {
        !set.is_empty() && set.may_match_in(&self.scan)
    }

    fn is_match(&self, set: &TermSet) -> bool {
        !set.is_empty() && set.is_match_in(&self.scan)
    }

    /// `set.is_match(text)` for a `text` that lies at `at` in the joined
    /// text (a sentence, a body: a slice of one of the notice's texts),
    /// searched where the scan's index says a term may start.
    fn is_match_at(&self, set: &TermSet, text: &str, at: usize) -> bool {
        debug_assert_eq!(self.joined().get(at..at + text.len()), Some(text));
        set.is_match_in_range(&self.scan, at..at + text.len())
    }

    /// `set.find_all(text)`, like [`Doc::is_match_at`].
    fn find_all_at(&self, set: &TermSet, text: &str, at: usize) -> Vec<Range<usize>> {
        debug_assert_eq!(self.joined().get(at..at + text.len()), Some(text));
        set.find_all_in_range(&self.scan, at..at + text.len())
    }

    /// Whether `set` matches outside headings.
    fn in_bodies(&self, set: &TermSet) -> bool {
        self.first_match(set, |i, _| !matches!(self.texts[i].0, TextRef::Heading(_)))
            .is_some()
    }
}

impl Engine {
    pub fn new(rules: Vec<Rule>) -> Engine {
        let prefilter = Prefilter::new(rules.iter().flat_map(|r| r.kind.term_sets()));
        Engine {
            rules,
            prefilter,
            picked: OnceLock::new(),
        }
    }

    /// Each rule's [`Picked`] texts in `lang`, unless made for another
    /// language (or another list of rules).
    fn picked(&self, lang: &str) -> Option<&[Picked]> {
        let (l, p) = self.picked.get_or_init(|| {
            let p = self.rules.iter().map(|r| Picked::of(r, lang)).collect();
            (lang.to_string(), p)
        });
        (l == lang && p.len() == self.rules.len()).then_some(p)
    }

    pub fn builtin() -> Engine {
        Engine::new(catalogue::builtin())
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Lints a canonical notice. `source` is the decoded file text.
    pub fn lint(&self, notice: &Notice, source: &str, opts: &Options) -> LintResult {
        // Room for a typical notice's findings (the vector of large items grew
        // from 4 a notice).
        let mut diags = Vec::with_capacity(16);
        // Each key's status by the key's number, made a map once at the end
        // (21 map inserts a notice, then 21 look-ups for the defaults).
        let mut elements = [None; Key::ALL.len()];
        let (mut joined, starts, key_sections) = SPARE_DOC.take();
        let doc = Doc::new(notice, &self.prefilter, &mut joined, (starts, key_sections));
        let language =
            crate::lint::language_of_joined(doc.joined(), &doc.starts, doc.scan.function_words());
        // Findings of one rule beyond a few times the cap are dropped as they
        // come (and counted), so that memory stays bounded too.
        let mut dropped: BTreeMap<Shared, usize> = BTreeMap::new();
        let picked = self.picked(&opts.lang);
        for (i, rule) in self.rules.iter().enumerate() {
            let before = diags.len();
            let texts = picked.map(|p| &p[i]);
            self.run_rule(
                rule,
                texts,
                notice,
                &doc,
                source,
                opts,
                &mut diags,
                &mut elements,
            );
            let made = diags.len() - before;
            if made > 4 * MAX_FINDINGS_PER_RULE {
                *dropped.entry(rule.id.clone()).or_default() += made - 4 * MAX_FINDINGS_PER_RULE;
                diags.truncate(before + 4 * MAX_FINDINGS_PER_RULE);
            }
        }
        // The buffers kept for the next notice, but those of a huge one.
        let Doc {
            starts,
            key_sections,
            ..
        } = doc;
        if joined.capacity() <= SPARE_DOC_BYTES {
            SPARE_DOC.set((joined, starts, key_sections));
        }
        // In key order: the map is built from sorted pairs in one pass.
        let elements: BTreeMap<Key, ElementStatus> = (Key::ALL.iter().zip(elements))
            .filter_map(|(&k, st)| {
                let default = Key::ELEMENTS.contains(&k).then_some(ElementStatus {
                    status: Status::Present,
                    section: None,
                });
                Some((k, st.or(default)?))
            })
            .collect();
        // Findings without a parsed quote quote their source text. Missing
        // elements mostly point at one anchor, the title (3,700 quotes in
        // 1,000 notices): a span's quote is that of the one before it when
        // their spans (and so their texts) are the same.
        let mut last: Option<usize> = None;
        for i in 0..diags.len() {
            if !diags[i].quote.is_empty() {
                continue;
            }
            diags[i].quote = match last {
                Some(j) if diags[j].span == diags[i].span => diags[j].quote.clone(),
                _ => collapse(&diags[i].text),
            };
            last = Some(i);
        }
        let (mut active, mut suppressed) =
            suppress::apply(notice, source, diags, &self.rules, opts);
        dedupe(&mut active);
        active.sort_by(|a, b| {
            (a.span.start, &a.rule, a.span.end).cmp(&(b.span.start, &b.rule, b.span.end))
        });
        suppressed.sort_by(|a, b| (a.span.start, &a.rule).cmp(&(b.span.start, &b.rule)));
        cap_per_rule(&mut active, &opts.lang, &dropped);
        cap_per_rule(&mut suppressed, &opts.lang, &BTreeMap::new());
        LintResult {
            elements,
            diagnostics: active,
            suppressed,
            language,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn run_rule(
        &self,
        rule: &Rule,
        picked: Option<&Picked>,
        notice: &Notice,
        doc: &Doc,
        source: &str,
        opts: &Options,
        out: &mut Vec<Diagnostic>,
        elements: &mut [Option<ElementStatus>; Key::ALL.len()],
    ) {
        let mk_help = |span: Range<usize>, message: String, help: Shared| Diagnostic {
            rule: rule.id.clone(),
            category: rule.category.clone(),
            element: rule.element,
            severity: rule.severity,
            message,
            help,
            reference: rule.reference.clone(),
            text: source.get(span.clone()).unwrap_or("").to_string(),
            quote: String::new(),
            span,
            related: Vec::new(),
            fix: None,
            suppressed: None,
        };
        let help = || picked.map_or_else(|| rule.help_shared(&opts.lang), |p| p.help.clone());
        let message = || picked.map_or_else(|| rule.message(&opts.lang), |p| p.message.as_str());
        let mk = |span: Range<usize>, message: String| mk_help(span, message, help());
        match &rule.kind {
            Kind::RequireElement {
                element,
                present,
                partial,
                demote,
                demote_unless,
                demote_anywhere,
                demote_regex,
                not_in_sections,
                demote_by_sentence,
                applies_if,
                section_terms,
                page_footer,
            } => {
                let keep = demote_unless.as_deref().unwrap_or(present);
                let (mut st, weaker_only) = element_status(
                    notice,
                    doc,
                    *element,
                    present,
                    partial,
                    (demote, demote_regex, keep),
                    applies_if.as_deref(),
                    section_terms,
                    (not_in_sections, *demote_by_sentence),
                );
                if st.status == Status::Present
                    && !demote_anywhere.is_empty()
                    && doc.is_match(demote_anywhere)
                    && !doc.is_match(keep)
                {
                    st.status = Status::Partial;
                }
                // The footer may say what the notice leaves out, or says only
                // in a weaker wording (a business ID without the company's
                // name).
                if (st.status == Status::Missing || weaker_only)
                    && *page_footer
                    && notice
                        .page_footer(source)
                        .is_some_and(|f| present.is_match(&f.text))
                {
                    st.status = Status::Present;
                }
                elements[*element as usize] = Some(st);
                if matches!(st.status, Status::Missing | Status::Partial) {
                    let span = anchor_for_missing(notice, st);
                    // Built with `push_str`: `format!` was about 600
                    // instructions a finding (6 M a 1,000 notices).
                    let message = message();
                    let mut msg = String::with_capacity(message.len() + 32);
                    msg.push_str(message);
                    if st.status == Status::Partial {
                        msg.push_str(" (");
                        msg.push_str(partial_word(&opts.lang));
                        msg.push(')');
                    }
                    // The help made once (a copy replaced by the longer
                    // help was an allocation a finding).
                    let help = match picked {
                        Some(p) => p.missing_help.clone(),
                        None => match rule.expected_heading(&opts.lang) {
                            Some(h) => {
                                shared_help_expecting(&rule.help_shared(&opts.lang), &opts.lang, h)
                            }
                            None => rule.help_shared(&opts.lang),
                        },
                    };
                    let mut d = mk_help(span, msg, help);
                    if st.status == Status::Partial {
                        d.severity = Severity::Warning.min(rule.severity);
                    }
                    out.push(d);
                }
            }
            Kind::ForbidPattern {
                terms,
                near,
                unless_near,
                scope,
            } => {
                // One match at a time (collected, they were two vectors a
                // search).
                doc.each_match(terms, |i, m| {
                    let (r, t) = doc.texts[i];
                    if !scope.admits(r) {
                        return true;
                    }
                    let sent = sentence_around(&t.text, &m);
                    let sentence = &t.text[sent.clone()];
                    let at = doc.starts[i] + sent.start;
                    if !near.is_empty() && !doc.is_match_at(near, sentence, at) {
                        return true;
                    }
                    if !unless_near.is_empty() && doc.is_match_at(unless_near, sentence, at) {
                        return true;
                    }
                    let span = t.source_range(m.clone());
                    let mut d = mk(span.clone(), message().to_string());
                    d.quote = collapse(t.raw_slice(m.clone()));
                    if let Some(rep) = &rule.replacement {
                        d.fix = Some(Fix {
                            span,
                            replacement: rep.clone(),
                        });
                    }
                    out.push(d);
                    true
                });
            }
            Kind::EmptySection { keys } => {
                for (i, s) in notice.sections.iter().enumerate() {
                    // Empty: not a letter or digit in it (what trimming the
                    // others off both ends leaves empty), found from the start.
                    if s.body.text.chars().any(char::is_alphanumeric) {
                        continue;
                    }
                    // A heading followed by a deeper heading is a parent, not empty.
                    if let Some(next) = notice.sections.get(i + 1) {
                        if next.level > s.level {
                            continue;
                        }
                    }
                    // Metadata rows ("Laatimispäivä") and the document title are not sections to fill.
                    if s.keys.iter().any(|k| !k.is_element()) || (i == 0 && s.level == 1) {
                        continue;
                    }
                    if !keys.is_empty() && !s.keys.iter().any(|k| keys.contains(k)) {
                        continue;
                    }
                    if s.heading.text.is_empty() {
                        continue;
                    }
                    let msg = message().replace("{heading}", &s.heading_text);
                    let mut d = mk(s.heading_span.clone(), msg);
                    d.quote = s.heading_text.clone();
                    out.push(d);
                }
            }
            Kind::Contradiction {
                terms,
                unless_near,
                other,
                other_unless_near,
            } => {
                // The other side, anywhere in the notice. Where the index
                // rules it out (most rules, most notices) nothing else is
                // searched; else it is looked for only once a statement
                // survives its `unless_near` words: the no-data rule's other
                // side ("tiedot säilytetään", "ip-osoite") matches in nine
                // notices of ten, its statement ("emme kerää
                // henkilötietoja") in almost none, so searching the
                // statements first skips the other side's search (8 M
                // instructions a 1,000 notices).
                if !doc.may_match(other) {
                    return;
                }
                let mut other_hit: Option<Option<(Range<usize>, String)>> = None;
                // One statement at a time, as for a forbidden pattern.
                doc.each_match(terms, |i, m| {
                    let t = doc.texts[i].1;
                    let sent = sentence_around(&t.text, &m);
                    if !unless_near.is_empty()
                        && doc.is_match_at(
                            unless_near,
                            &t.text[sent.clone()],
                            doc.starts[i] + sent.start,
                        )
                    {
                        return true;
                    }
                    let other = other_hit.get_or_insert_with(|| {
                        doc.first_match(other, |i, m| {
                            let t = doc.texts[i].1;
                            let sent = sentence_around(&t.text, m);
                            let at = doc.starts[i] + sent.start;
                            other_unless_near.is_empty()
                                || !doc.is_match_at(other_unless_near, &t.text[sent], at)
                        })
                        .map(|(i, m)| {
                            let t = doc.texts[i].1;
                            (t.source_range(m.clone()), t.raw_slice(m).to_string())
                        })
                    });
                    let Some((other_span, other_text)) = other else {
                        return false;
                    };
                    let span = t.source_range(m.clone());
                    let mut d = mk(span, message().to_string());
                    d.quote = collapse(t.raw_slice(m));
                    d.related.push(Related {
                        message: format!("{}: \"{}\"", other_word(&opts.lang), other_text),
                        span: other_span.clone(),
                    });
                    out.push(d);
                    true
                });
            }
            Kind::MailLinkMismatch => {
                for l in &notice.mail_links {
                    let msg = message()
                        .replace("{shown}", &l.shown)
                        .replace("{target}", &l.target);
                    let mut d = mk(l.shown_span.clone(), msg);
                    d.quote = l.shown.clone();
                    out.push(d);
                }
            }
            Kind::DateBefore { before, unless } => {
                let Some(date) = &notice.date else { return };
                // "toukokuu 2018" may mean 31.5.2018: compare the last day.
                let Some(last) = date.last_day() else { return };
                if last.as_str() >= before.as_str() {
                    return;
                }
                // A later "päivitetty" date anywhere means the notice was revised.
                if doc.is_match(unless) {
                    return;
                }
                let msg = message().replace("{date}", &date.text);
                out.push(mk(date.span.clone(), msg));
            }
            Kind::BusinessId => {
                // One pass over the joined texts: an ID (digits and a
                // hyphen) never spans the newline between two texts, and
                // the newline, like a text's edge, lets one end there.
                for (r, ok) in business_ids(doc.joined()) {
                    if let Some((i, local)) = doc.in_text(&r).filter(|_| !ok) {
                        let span = doc.texts[i].1.source_range(local);
                        out.push(mk(span, message().to_string()));
                    }
                }
            }
        }
    }
}

fn partial_word(lang: &str) -> &'static str {
    match lang {
        "en" => "only partly stated",
        "sv" => "endast delvis angivet",
        _ => "kerrottu vain osittain",
    }
}

/// Most bytes of joined text kept for the next notice ([`SPARE_DOC`]).
const SPARE_DOC_BYTES: usize = 1 << 20;

thread_local! {
    /// A notice's [`Doc`] buffers (joined text, starts, key sections),
    /// kept for the thread's next notice: three allocations a notice fewer.
    static SPARE_DOC: Cell<(String, Vec<usize>, Vec<u32>)> = const { Cell::new((String::new(), Vec::new(), Vec::new())) };

    /// [`shared_help_expecting`]'s texts: the rule's help (held, so that its
    /// pointer names that text), the language, the heading and the result.
    static HELP_EXPECTING: std::cell::RefCell<Vec<(Shared, String, String, Shared)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// [`help_expecting`] made once per rule and language and shared by its
/// findings (a fresh text each was an allocation and two copies a
/// missing element's finding).
fn shared_help_expecting(help: &Shared, lang: &str, h: &str) -> Shared {
    HELP_EXPECTING.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(e) = c.iter().find(|e| e.0.same(help) && e.1 == lang && e.2 == h) {
            return e.3.clone();
        }
        let s: Shared = help_expecting(help, lang, h).into();
        // Bounded: engines made again (the language server) leave theirs.
        if c.len() >= 256 {
            c.clear();
        }
        c.push((help.clone(), lang.to_string(), h.to_string(), s.clone()));
        s
    })
}

/// `help` and the expected heading `h` said after it, trimmed.
fn help_expecting(help: &str, lang: &str, h: &str) -> String {
    let before = match lang {
        "en" => "Expected a section such as \"",
        "sv" => "Förväntat ett avsnitt som \"",
        _ => "Odotettu otsikko esimerkiksi \"",
    };
    let mut s = String::with_capacity(help.len() + before.len() + h.len() + 3);
    s.push_str(help);
    s.push(' ');
    s.push_str(before);
    s.push_str(h);
    s.push_str("\".");
    let t = s.trim();
    if t.len() == s.len() {
        s
    } else {
        t.to_string()
    }
}

fn other_word(lang: &str) -> &'static str {
    match lang {
        "en" => "but elsewhere the notice says",
        "sv" => "men på annat ställe står",
        _ => "mutta muualla selosteessa lukee",
    }
}

#[allow(clippy::too_many_arguments)]
fn element_status(
    notice: &Notice,
    doc: &Doc,
    element: Key,
    present: &TermSet,
    partial: &TermSet,
    (demote, demote_regex, keep): (&TermSet, &TermSet, &TermSet),
    applies_if: Option<&TermSet>,
    section_terms: &TermSet,
    (not_in_sections, by_sentence): (&[Key], bool),
) -> (ElementStatus, bool) {
    if let Some(cond) = applies_if {
        // Only what the text says counts: an empty "Suostumus" heading of the
        // template does not make consent a basis.
        if !doc.in_bodies(cond) {
            return (
                ElementStatus {
                    status: Status::NotApplicable,
                    section: None,
                },
                false,
            );
        }
    }
    // `at`: where `t` lies in the joined text when it is part of one of the
    // notice's texts (a set whose literals do not occur in the notice
    // cannot match it).
    let matches = |set: &TermSet, t: &str, at: Option<usize>| match at {
        Some(at) => doc.is_match_at(set, t, at),
        None => set.is_match(t),
    };
    let demoted = |t: &str, at: Option<usize>| {
        if !demote.is_empty() && matches(demote, t, at) && !matches(keep, t, at) {
            return true;
        }
        if demote_regex.is_empty() || !matches(demote_regex, t, at) {
            return false;
        }
        // What the regex matched does not keep the text: only a `keep` word
        // outside it does.
        let mut rest = t.to_string();
        let found = match at {
            Some(at) => doc.find_all_at(demote_regex, t, at),
            None => demote_regex.find_all(t),
        };
        for r in found {
            rest.replace_range(r.clone(), &" ".repeat(r.len()));
        }
        !keep.is_match(&rest)
    };
    // 1. A section headed for the element, with a body.
    let mut empty_section = None;
    let mut partial_section = None;
    for i in doc.sections_with(element) {
        let s = &notice.sections[i];
        // A parent heading's body may be in its sub-sections.
        let subs = notice.sections[i + 1..]
            .iter()
            .take_while(|x| x.level > s.level);
        let at = match subs.clone().next() {
            None => doc.body_of(i).map(|k| doc.starts[k]),
            Some(_) => None,
        };
        let body: std::borrow::Cow<str> = if at.is_some() {
            s.body.text.as_str().into()
        } else {
            let mut body = s.body.text.clone();
            for sub in subs {
                body.push(' ');
                body.push_str(&sub.body.text);
            }
            body.into()
        };
        let has_body = body.chars().any(|c| c.is_alphanumeric());
        if has_body {
            // A section whose text does not speak of the element at all (the
            // template's "Vastustamisoikeus" describing access) is partial.
            let off_topic = !section_terms.is_empty()
                && !matches(section_terms, &body, at)
                && !matches(present, &body, at);
            // Demoted: the body; with `demote_by_sentence`, every sentence
            // that says it with a `present` word (a marketing-only sentence
            // beside a general one is not enough), or the whole body where
            // no `present` word occurs.
            let said: Vec<Range<usize>> = match at {
                Some(at) if by_sentence => doc.find_all_at(present, &body, at),
                _ => Vec::new(),
            };
            let body_demoted = if said.is_empty() {
                demoted(&body, at)
            } else {
                said.iter().all(|m| {
                    let sent = sentence_around(&body, m);
                    demoted(&body[sent.clone()], at.map(|at| at + sent.start))
                })
            };
            if off_topic || body_demoted {
                // Another section for the element may say it fully ("7.
                // Luovutukset ja siirrot" hedges, "8. Siirrot EU:n
                // ulkopuolelle" names the safeguards).
                partial_section.get_or_insert(i);
                continue;
            }
            return (
                ElementStatus {
                    status: Status::Present,
                    section: Some(i),
                },
                false,
            );
        } else if empty_section.is_none() {
            empty_section = Some(i);
        }
    }
    if let Some(i) = partial_section {
        return (
            ElementStatus {
                status: Status::Partial,
                section: Some(i),
            },
            false,
        );
    }
    // 2. Words that say it, anywhere.
    // An empty section for the element is what the notice offers for it.
    if let Some(i) = empty_section {
        return (
            ElementStatus {
                status: Status::Empty,
                section: Some(i),
            },
            false,
        );
    }
    // Headings are left out here: a heading with no body says nothing.
    let in_body = |i: &usize| !matches!(doc.texts[*i].0, TextRef::Heading(_));
    let counted = |i: &usize| {
        let section = doc.texts[*i].0.section().map(|s| &notice.sections[s]);
        !section.is_some_and(|s| not_in_sections.iter().any(|&k| s.has_key(k)))
    };
    if !present.is_empty() {
        // Any sentence that says it without a demoting word makes it present;
        // else the first demoted one makes it partial ("vastustaa
        // suoramarkkinointia" before a general "oikeus vastustaa käsittelyä").
        let mut first_demoted = None;
        let can_demote = !demote.is_empty() || !demote_regex.is_empty();
        let said = doc.first_match(present, |i, m| {
            if !(in_body(&i) && counted(&i)) {
                return false;
            }
            // The sentence only when a word could demote it (12 of the 21
            // element rules have none: ~650 instructions a match).
            let (r, t) = doc.texts[i];
            if can_demote {
                let sent = sentence_around(&t.text, m);
                if demoted(&t.text[sent.clone()], Some(doc.starts[i] + sent.start)) {
                    first_demoted.get_or_insert(r.section());
                    return false;
                }
            }
            true
        });
        if let Some((i, _)) = said {
            return (
                ElementStatus {
                    status: Status::Present,
                    section: doc.texts[i].0.section(),
                },
                false,
            );
        }
        if let Some(section) = first_demoted {
            return (
                ElementStatus {
                    status: Status::Partial,
                    section,
                },
                false,
            );
        }
    }
    // 3. Only a weaker wording.
    if !partial.is_empty() {
        if let Some((i, _)) = doc.first_match(partial, |i, _| in_body(&i)) {
            let r = doc.texts[i].0;
            return (
                ElementStatus {
                    status: Status::Partial,
                    section: r.section(),
                },
                true,
            );
        }
    }
    (
        ElementStatus {
            status: Status::Missing,
            section: None,
        },
        false,
    )
}

/// Where to point a missing or partial element: its section if there is one,
/// else the title, else the first heading.
fn anchor_for_missing(notice: &Notice, st: ElementStatus) -> Range<usize> {
    if let Some(i) = st.section {
        if let Some(s) = notice.sections.get(i) {
            return s.heading_span.clone();
        }
    }
    if let Some(t) = &notice.title {
        if let Some(r) = t.full_source_range() {
            return r;
        }
    }
    if let Some(s) = notice.sections.first() {
        return s.heading_span.clone();
    }
    notice
        .preamble
        .full_source_range()
        .map(|r| r.start..r.start)
        .unwrap_or(0..0)
}

/// Y-tunnus candidates in normalized text: (range, check digit valid).
pub fn business_ids(text: &str) -> Vec<(Range<usize>, bool)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // Candidates are 7 digits before a hyphen: jump from hyphen to hyphen.
    for h in memchr::memchr_iter(b'-', b) {
        if h < 7 || h + 2 > b.len() {
            continue;
        }
        let i = h - 7;
        if i + 9 > b.len() {
            continue;
        }
        let window = &b[i..i + 9];
        let shape = window[..7].iter().all(u8::is_ascii_digit) && window[8].is_ascii_digit();
        let left_ok =
            i == 0 || !(b[i - 1].is_ascii_digit() || b[i - 1] == b'-' || b[i - 1] == b'+');
        let right_ok = i + 9 == b.len() || !(b[i + 9].is_ascii_digit() || b[i + 9] == b'-');
        if shape && left_ok && right_ok {
            let digits: Vec<u32> = window[..7].iter().map(|c| (c - b'0') as u32).collect();
            let check = (window[8] - b'0') as u32;
            out.push((i..i + 9, ytunnus_valid(&digits, check)));
        }
    }
    out
}

/// The Y-tunnus check digit (weights 7, 9, 10, 5, 8, 4, 2; mod 11).
pub fn ytunnus_valid(digits: &[u32], check: u32) -> bool {
    const W: [u32; 7] = [7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = digits.iter().zip(W).map(|(d, w)| d * w).sum();
    match sum % 11 {
        0 => check == 0,
        1 => false,
        r => check == 11 - r,
    }
}

fn collapse(s: &str) -> String {
    // The words copied run by run, where collecting them and joining the
    // list cost two allocations and a char-by-char split.
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    // Start of the current word, if in one.
    let mut word = None;
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        let (space, len) = if x < 0x80 {
            (matches!(x, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'), 1)
        } else {
            let c = s[i..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        };
        match (space, word) {
            (true, Some(start)) => {
                push_word(&mut out, &s[start..i]);
                word = None;
            }
            (false, None) => word = Some(i),
            _ => {}
        }
        i += len;
    }
    if let Some(start) = word {
        push_word(&mut out, &s[start..]);
    }
    out
}

/// Appends `word` to the words in `out`, a space between.
fn push_word(out: &mut String, word: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(word);
}

/// Most findings of one rule kept per file. A 10 MB page that repeats a
/// flagged phrase gave 270,000 findings and 3.5 GB of memory for its SARIF
/// report; nobody reads past the first thousand.
pub const MAX_FINDINGS_PER_RULE: usize = 1000;

/// Keeps the first [`MAX_FINDINGS_PER_RULE`] findings of each rule (in
/// order) and says in the last one kept how many more there were (`dropped`:
/// more of a rule already left out while linting).
fn cap_per_rule(d: &mut Vec<Diagnostic>, lang: &str, dropped: &BTreeMap<Shared, usize>) {
    if d.len() <= MAX_FINDINGS_PER_RULE && dropped.is_empty() {
        return;
    }
    let mut count: BTreeMap<Shared, usize> = BTreeMap::new();
    let mut last: BTreeMap<Shared, usize> = BTreeMap::new();
    let mut kept = Vec::with_capacity(d.len().min(64 * MAX_FINDINGS_PER_RULE));
    for x in d.drain(..) {
        let n = count.entry(x.rule.clone()).or_default();
        *n += 1;
        if *n <= MAX_FINDINGS_PER_RULE {
            last.insert(x.rule.clone(), kept.len());
            kept.push(x);
        }
    }
    for (rule, n) in count {
        let n = n + dropped.get(&rule).copied().unwrap_or(0);
        if n > MAX_FINDINGS_PER_RULE {
            let more = n - MAX_FINDINGS_PER_RULE;
            let note = match lang {
                "en" => format!("(and {more} more like this in this file, not listed)"),
                "sv" => format!("(och {more} till av samma slag i filen, inte listade)"),
                _ => format!("(ja {more} muuta samanlaista tässä tiedostossa, ei lueteltu)"),
            };
            let x = &mut kept[last[&rule]];
            x.message = format!("{} {note}", x.message);
        }
    }
    *d = kept;
}

fn dedupe(d: &mut Vec<Diagnostic>) {
    let same = |x: &Diagnostic, y: &Diagnostic| x.span == y.span && x.rule == y.rule;
    // A notice has a few findings: comparing each with those before it
    // beats hashing a copy of each one's rule ID.
    if d.len() <= 64 {
        let mut repeated = 0u64;
        for (i, x) in d.iter().enumerate() {
            if d[..i].iter().any(|y| same(x, y)) {
                repeated |= 1 << i;
            }
        }
        if repeated != 0 {
            let mut i = 0;
            d.retain(|_| {
                i += 1;
                repeated & (1 << (i - 1)) == 0
            });
        }
        return;
    }
    let mut seen = std::collections::HashSet::new();
    let keep: Vec<bool> = d
        .iter()
        .map(|x| seen.insert((x.rule.as_str(), x.span.start, x.span.end)))
        .collect();
    drop(seen);
    let mut keep = keep.into_iter();
    d.retain(|_| keep.next().unwrap_or(true));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The help with its expected heading is what `format!` and `trim` gave.
    #[test]
    fn help_expecting_is_the_formatted_help() {
        for help in ["", " ", "Kerro se.", " Kerro se. ", "\tTell it.\n"] {
            for (lang, said) in [
                ("en", "Expected a section such as"),
                ("sv", "Förväntat ett avsnitt som"),
                ("fi", "Odotettu otsikko esimerkiksi"),
            ] {
                for h in ["", "Oikeus", " Rätt "] {
                    let old = format!("{help} {said} \"{h}\".").trim().to_string();
                    assert_eq!(help_expecting(help, lang, h), old);
                }
            }
        }
    }

    #[test]
    fn shared_help_expecting_is_help_expecting() {
        // Twice: made, then found again. Each help is its own `Shared`
        // (found by pointer), so equal texts of different rules get entries
        // of their own and must give the same answer.
        for _ in 0..2 {
            for help in ["", "Kerro se.", "Kerro se.", "Tell it."] {
                let shared = Shared::from(help);
                for lang in ["en", "sv", "fi"] {
                    for h in ["", "Oikeus", " Rätt "] {
                        let got = shared_help_expecting(&shared, lang, h);
                        assert_eq!(got, help_expecting(help, lang, h));
                    }
                }
            }
        }
    }

    /// A rule's texts picked once are those picked for each finding, and
    /// an engine that picked them for one language lints in another as a
    /// fresh engine does.
    #[test]
    fn picked_texts_are_the_rules_texts() {
        let linter = crate::lint::Linter::builtin();
        let langs = ["fi", "en", "sv", "de"];
        for r in &linter.engine.rules {
            for lang in langs {
                let p = Picked::of(r, lang);
                assert_eq!(p.message, r.message(lang));
                assert!(p.help.same(&r.help_shared(lang)) || r.help.is_empty());
                let missing = match r.expected_heading(lang) {
                    Some(h) => shared_help_expecting(&r.help_shared(lang), lang, h),
                    None => r.help_shared(lang),
                };
                assert_eq!(p.missing_help, missing, "{}", r.id);
            }
        }
        let docs = sample_docs(&linter.engine);
        for lang in langs {
            let used = Engine::new(linter.engine.rules.clone());
            let opts = |lang: &str| Options { lang: lang.into() };
            for (name, text) in docs.iter().step_by(7) {
                let notice = linter.notice(text, crate::lint::Linter::detect_format(name, text));
                // Picked for `lang` first, then linting in the others.
                for other in langs.iter().cycle().skip_while(|&&l| l != lang).take(4) {
                    let fresh = Engine::new(linter.engine.rules.clone());
                    let a = used.lint(&notice, text, &opts(other));
                    let b = fresh.lint(&notice, text, &opts(other));
                    assert_eq!(a.diagnostics, b.diagnostics, "{name} {lang} {other}");
                    assert_eq!(a.suppressed, b.suppressed, "{name}");
                }
            }
        }
    }

    #[test]
    fn keys_are_numbered_in_their_list_order() {
        // `Engine::lint` keeps each key's status at `key as usize` and reads
        // them back beside `Key::ALL`.
        for (i, &k) in Key::ALL.iter().enumerate() {
            assert_eq!(k as usize, i, "{k:?}");
        }
    }

    /// The run-by-run collapsing gives what joining `split_whitespace`
    /// does, on random strings of ASCII and Unicode spaces and letters.
    #[test]
    fn collapse_is_split_whitespace_joined() {
        let pieces = [
            "a",
            "sana",
            " ",
            "  ",
            "\t",
            "\n",
            "\r\n",
            "\u{b}",
            "\u{c}",
            "\u{a0}",
            "\u{85}",
            "\u{2003}",
            "\u{2028}",
            "\u{3000}",
            "ä",
            "€",
            "\u{1f600}",
            "\u{1c}",
            "\u{200b}",
            ".",
        ];
        let mut next = crate::xorshift(0x3c6e_f372_fe94_f82b);
        let mut texts: Vec<String> = (0..20_000)
            .map(|_| {
                let len = (next() % 30) as usize;
                crate::random_text(&mut next, &pieces, len)
            })
            .collect();
        texts.extend(crate::sample_file_lines());
        for t in &texts {
            let want = t.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse(t), want, "{t:?}");
        }
    }

    /// Dropping repeated findings keeps the first of each (rule, span), in
    /// order, as the set of seen keys did, for few findings and many.
    #[test]
    fn dedupe_keeps_the_first_of_each() {
        let finding = |rule: &str, span: Range<usize>| Diagnostic {
            rule: rule.into(),
            category: Shared::default(),
            element: None,
            severity: Severity::Info,
            message: format!("{rule} {span:?}"),
            help: Shared::default(),
            reference: Shared::default(),
            span,
            text: String::new(),
            quote: String::new(),
            related: Vec::new(),
            fix: None,
            suppressed: None,
        };
        let mut next = crate::xorshift(0xa54f_f53a_5f1d_36f1);
        for n in (0..70).chain([100, 300]) {
            for _ in 0..20 {
                let d: Vec<Diagnostic> = (0..n)
                    .map(|k| {
                        let rule = ["a", "b", "c"][(next() % 3) as usize];
                        let start = (next() % 4) as usize;
                        let mut x = finding(rule, start..start + (next() % 2) as usize);
                        x.message.push_str(&format!(" #{k}"));
                        x
                    })
                    .collect();
                let mut want = d.clone();
                let mut seen = std::collections::HashSet::new();
                want.retain(|x| seen.insert((x.rule.clone(), x.span.start, x.span.end)));
                let mut got = d;
                dedupe(&mut got);
                assert_eq!(got, want, "{n}");
            }
        }
    }

    /// The sentence around a match, by its definition: back to after the
    /// last `.`, `!`, `?` or `;` that a space follows (within 300 bytes),
    /// forward to the first `!`, `?`, `;` or `. ` not after an abbreviation.
    fn sentence_by_chars(text: &str, r: &Range<usize>) -> Range<usize> {
        let lo = crate::parse::floor_char_boundary(text, r.start.saturating_sub(300));
        let start = text[lo..r.start]
            .char_indices()
            .rfind(|(_, c)| matches!(c, '.' | '!' | '?' | ';'))
            .map(|(p, _)| lo + p + 1)
            .filter(|&p| text[p..].starts_with(' '))
            .unwrap_or(lo);
        let hi = crate::parse::floor_char_boundary(text, r.end + 300);
        let tail = &text[r.end..hi];
        let mut end = hi;
        for (at, _) in tail.match_indices(". ") {
            if !ends_in_abbreviation(&tail[..at]) {
                end = r.end + at + 1;
                break;
            }
        }
        if let Some(p) = tail.find(['!', '?', ';']) {
            end = end.min(r.end + p + 1);
        }
        start..end.max(r.end)
    }

    /// A slice of a text, searched at its text's start plus its offset
    /// there, is where a look-up of its address among the texts' addresses
    /// (what the engine did before) puts it in the joined text; and each
    /// section's body is found by its index.
    #[test]
    fn slices_are_where_their_addresses_say() {
        let linter = crate::lint::Linter::builtin();
        let engine = &linter.engine;
        let mut next = crate::xorshift(0xadd7);
        let mut checked = 0;
        for (name, text) in sample_docs(engine) {
            let fmt = crate::lint::Linter::detect_format(&name, &text);
            let notice = linter.notice(&text, fmt);
            let mut joined = String::new();
            let doc = Doc::new(&notice, &engine.prefilter, &mut joined, Default::default());
            // By address: the text whose bytes hold the slice's (for an
            // empty slice, of a non-empty text, the first that holds its
            // address, as the sorted look-up found).
            let by_address = |t: &str| {
                let at = t.as_ptr() as usize;
                doc.texts.iter().enumerate().find_map(|(i, (_, x))| {
                    let p = x.text.as_ptr() as usize;
                    (!x.text.is_empty() && p <= at && at + t.len() <= p + x.text.len())
                        .then(|| doc.starts[i] + (at - p))
                })
            };
            for (i, (r, t)) in doc.texts.iter().enumerate() {
                if let TextRef::Body(s) = *r {
                    assert_eq!(doc.body_of(s), Some(i), "{name}");
                    assert!(std::ptr::eq(*t, &notice.sections[s].body));
                }
                let t = &t.text;
                let bounds: Vec<usize> = (0..=t.len()).filter(|&k| t.is_char_boundary(k)).collect();
                for _ in 0..8 {
                    let a = bounds[next() as usize % bounds.len()];
                    let b = bounds[next() as usize % bounds.len()];
                    let (a, b) = (a.min(b), a.max(b));
                    let at = doc.starts[i] + a;
                    assert_eq!(&doc.joined()[at..at + (b - a)], &t[a..b], "{name}");
                    if b > a {
                        assert_eq!(by_address(&t[a..b]), Some(at), "{name}");
                        checked += 1;
                    }
                }
            }
            assert_eq!(doc.body_of(notice.sections.len()), None);
        }
        assert!(checked > 10_000, "{checked}");
    }

    /// Each key's sections, counted and placed, are the (key, section)
    /// pairs sorted and deduplicated, with keys repeated in a section.
    #[test]
    fn sections_by_key_are_the_pairs_sorted() {
        let mut next = crate::xorshift(0x5ec7_10a5);
        for n in (0..40).chain([200, 1000]) {
            for _ in 0..20 {
                let sections: Vec<Vec<Key>> = (0..n)
                    .map(|_| {
                        (0..next() % 4)
                            .map(|_| Key::ALL[next() as usize % Key::ALL.len()])
                            .collect()
                    })
                    .collect();
                let mut pairs: Vec<(Key, usize)> = sections
                    .iter()
                    .enumerate()
                    .flat_map(|(i, ks)| ks.iter().map(move |&k| (k, i)))
                    .collect();
                pairs.sort_unstable();
                pairs.dedup();
                let (list, from, end) =
                    sections_by_key(sections.iter().map(|s| &s[..]), Vec::new());
                let got: Vec<(Key, usize)> = Key::ALL
                    .iter()
                    .flat_map(|&k| {
                        let l = &list[from[k as usize] as usize..end[k as usize] as usize];
                        l.iter().map(move |&i| (k, i as usize))
                    })
                    .collect();
                assert_eq!(got, pairs, "{sections:?}");
            }
        }
    }

    #[test]
    fn sentence_marks_match_the_scalar_reference() {
        let mut next = crate::xorshift(0x5e47_e9ce);
        let pieces = [
            "a", "b ", ".", "!", "?", ";", "ä", "€", " ", "sana ", ":", ",",
        ];
        for round in 0..2_000 {
            let n = (next() % 80) as usize + round % 5;
            let text = crate::random_text(&mut next, &pieces, n);
            let bytes = text.as_bytes();
            for from in [0, bytes.len() / 3, bytes.len() / 2] {
                let b = &bytes[from..];
                assert_eq!(
                    last_sentence_mark(b),
                    last_sentence_mark_scalar(b),
                    "{:?}",
                    &text[..]
                );
                assert_eq!(
                    first_sentence_mark(b),
                    first_sentence_mark_scalar(b),
                    "{:?}",
                    &text[..]
                );
            }
        }
    }

    #[test]
    fn sentence_around_a_match() {
        // Back to the last mark that a space follows; forward past "mm. ".
        let text = "Alku. Palvelut, esim. Google ja mm. muut käsittelevät tietoja; 3. kohta.";
        let at = text.find("Google").unwrap();
        let s = sentence_around(text, &(at..at + 6));
        assert_eq!(&text[s], " Google ja mm. muut käsittelevät tietoja;");
        let at = text.find("Palvelut").unwrap();
        let s = sentence_around(text, &(at..at + 8));
        assert_eq!(
            &text[s],
            " Palvelut, esim. Google ja mm. muut käsittelevät tietoja;"
        );
        let pieces = [
            "esim. ", "mm. ", ". ", ".", "! ", "?", ";", "3. ", "sana ", "ä", "öljy ", "€", " ",
            "x",
        ];
        let mut next = crate::xorshift(0x5e17);
        for round in 0..2000 {
            let mut text = String::new();
            for _ in 0..(round % 200) {
                text.push_str(pieces[next() as usize % pieces.len()]);
            }
            let bounds: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            let a = bounds[next() as usize % bounds.len()];
            let b = bounds[next() as usize % bounds.len()];
            let r = a.min(b)..a.max(b);
            assert_eq!(
                sentence_around(&text, &r),
                sentence_by_chars(&text, &r),
                "{text:?} {r:?}"
            );
        }
    }

    /// The prefilter only skips term lists that cannot match: linting with
    /// it gives exactly what running every regex gives. Over the fixtures,
    /// the rules' examples, and notices assembled at random from fixture
    /// lines and catalogue terms (whole, inside words, inflected, in
    /// capitals).
    #[test]
    fn prefilter_changes_no_result() {
        let linter = crate::lint::Linter::builtin();
        let filtered = &linter.engine;
        let plain = Engine {
            rules: filtered.rules.clone(),
            prefilter: Prefilter::default(),
            picked: OnceLock::new(),
        };
        let docs = sample_docs(filtered);
        for (name, text) in &docs {
            let fmt = crate::lint::Linter::detect_format(name, text);
            let notice = linter.notice(text, fmt);
            let a = filtered.lint(&notice, text, &linter.options);
            let b = plain.lint(&notice, text, &linter.options);
            assert_eq!(a.diagnostics, b.diagnostics, "{name}: {text}");
            assert_eq!(a.suppressed, b.suppressed, "{name}");
            assert_eq!(a.elements, b.elements, "{name}");
        }
        assert!(docs.len() > 400);
    }

    /// Every term set of the catalogue finds the same matches word by word
    /// as with its regexes (`TermSet` starts with the one and goes on with
    /// the other), in every normalized text of the sample notices, their
    /// joined texts, and the real corpus where it is present.
    #[test]
    fn word_matchers_find_what_the_regexes_find() {
        let linter = crate::lint::Linter::builtin();
        let mut docs = sample_docs(&linter.engine);
        for p in crate::files_under("../shared/corpus/notices") {
            if let Ok(text) = std::fs::read_to_string(&p) {
                docs.push((p.display().to_string(), text));
            }
        }
        let sets: Vec<&TermSet> = linter
            .engine
            .rules
            .iter()
            .flat_map(|r| r.kind.term_sets())
            .collect();
        assert!(sets.len() > 60, "{} term sets", sets.len());
        let mut checked = 0;
        for (name, text) in &docs {
            let fmt = crate::lint::Linter::detect_format(name, text);
            let notice = linter.notice(text, fmt);
            let mut texts: Vec<String> = notice.texts().map(|(_, t)| t.text.clone()).collect();
            texts.push(texts.join("\n"));
            for t in &texts {
                for set in &sets {
                    if let Err(e) = set.matchers_agree(t) {
                        panic!("{name}: {e}");
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 100_000, "{checked}");
    }

    /// The fixtures, the rules' examples, and notices assembled at random
    /// from fixture lines and catalogue terms (whole, inside words,
    /// inflected, in capitals).
    fn sample_docs(filtered: &Engine) -> Vec<(String, String)> {
        let mut docs: Vec<(String, String)> = Vec::new();
        for p in crate::files_under("fixtures") {
            if let Ok(text) = std::fs::read_to_string(&p) {
                docs.push((p.display().to_string(), text));
            }
        }
        for r in &filtered.rules {
            for ex in r.bad_examples.iter().chain(&r.good_examples) {
                docs.push(("example.txt".into(), ex.clone()));
            }
        }
        let lines: Vec<String> = docs
            .iter()
            .flat_map(|(_, t)| t.lines().map(str::to_string))
            .filter(|l| !l.trim().is_empty())
            .collect();
        let mut terms: Vec<String> = Vec::new();
        for (_, src) in catalogue::BUILTIN {
            for line in src.lines() {
                if let Some((_, list)) = line.split_once(" = [") {
                    terms.extend(
                        list.split(['"', '\''])
                            .filter(|t| t.len() > 1 && !t.starts_with(','))
                            .map(|t| t.trim_matches(['~', '*', ']']).to_string()),
                    );
                }
            }
        }
        let mut rng = crate::xorshift(0x51_7cc1_b727_220a);
        let mut next = |n: usize| (rng() % n as u64) as usize;
        for k in 0..300 {
            let mut doc = String::from("# Tietosuojaseloste\n\n");
            for _ in 0..(5 + next(40)) {
                let mut line = lines[next(lines.len())].clone();
                for _ in 0..next(4) {
                    let t = &terms[next(terms.len())];
                    let t = match next(5) {
                        0 => format!("x{t}"),
                        1 => format!("{t}ssa"),
                        2 => t.to_uppercase(),
                        3 => format!("{t}-{t}"),
                        _ => t.clone(),
                    };
                    let at = crate::parse::floor_char_boundary(&line, next(line.len() + 1));
                    line.insert_str(at, &format!(" {t} "));
                }
                doc.push_str(&line);
                doc.push('\n');
                if next(4) == 0 {
                    doc.push_str("\n## Rekisterin nimi\n\n");
                }
            }
            let name = ["a.md", "a.txt", "a.html"][k % 3];
            docs.push((name.into(), doc));
        }
        docs
    }

    /// `demote_regex`: the matched text demotes, and a `demote_unless` word
    /// counts only outside it.
    #[test]
    fn demote_regex_blanks_its_match() {
        let src = r#"
[[rule]]
id = "t"
kind = "require-element"
element = "legal_basis"
category = "missing-element"
severity = "error"
reference = "r"
message.fi = "m"
message.en = "m"
present = ["peruste~"]
demote_unless = ["sopimu~", "suostumu~"]
demote_regex = ['(?:sopimu|suostumu)[a-zåäö]* tai (?:sopimu|suostumu)[a-zåäö]*']
"#;
        let status = status_under(src, Key::LegalBasis);
        let menu = "Tietosuojaseloste\n\nYleistä\tPerusteena on sopimus tai suostumus.";
        assert_eq!(status(menu), Status::Partial);
        // A basis named outside the menu keeps it present.
        let linked = "Tietosuojaseloste\n\nYleistä\tPerusteena on sopimus tai suostumus: tilaukset perustuvat sopimukseen.";
        assert_eq!(status(linked), Status::Present);
        let plain = "Tietosuojaseloste\n\nYleistä\tPerusteena on sopimus.";
        assert_eq!(status(plain), Status::Present);
    }

    /// `not_in_sections`: `present` words in the contact section do not count.
    #[test]
    fn not_in_sections_skips_contact_details() {
        let src = r#"
[[rule]]
id = "t"
kind = "require-element"
element = "data_categories"
category = "missing-element"
severity = "error"
reference = "r"
message.fi = "m"
message.en = "m"
present = ["sähköpostiosoite~"]
not_in_sections = ["controller_contact"]
"#;
        let status = status_under(src, Key::DataCategories);
        let contact = "Tietosuojaseloste\n\nRekisterinpitäjän yhteystiedot\tSähköpostiosoite: info@esimerkki.fi";
        assert_eq!(status(contact), Status::Missing);
        let listed = "Tietosuojaseloste\n\nYleistä\tTallennamme nimesi ja sähköpostiosoitteesi.";
        assert_eq!(status(listed), Status::Present);
        let bad = "[[rule]]\nid = \"t\"\nkind = \"require-element\"\nelement = \"cookies\"\ncategory = \"c\"\nseverity = \"error\"\nreference = \"r\"\nmessage.fi = \"m\"\nmessage.en = \"m\"\nnot_in_sections = [\"nonsense\"]\n";
        assert!(catalogue::parse_rule_file("t.toml", bad).is_err());
    }

    /// `demote_by_sentence`: under its own heading, one sentence that says it
    /// without a demoting word keeps the element present.
    #[test]
    fn demote_by_sentence_in_keyed_section() {
        let rule = |by: bool| {
            format!(
                "[[rule]]\nid = \"t\"\nkind = \"require-element\"\nelement = \"right_erasure\"\ncategory = \"c\"\nseverity = \"error\"\nreference = \"r\"\nmessage.fi = \"m\"\nmessage.en = \"m\"\npresent = [\"poistami*\"]\ndemote = [\"suoramarkkinoin*\"]\ndemote_unless = []\ndemote_by_sentence = {by}\n"
            )
        };
        let linter = crate::lint::Linter::builtin();
        let status = |by: bool, text: &str| {
            let engine = Engine::new(catalogue::parse_rule_file("t.toml", &rule(by)).unwrap());
            let notice = linter.notice(text, crate::lint::Linter::detect_format("a.txt", text));
            engine.lint(&notice, text, &linter.options).elements[&Key::RightErasure].status
        };
        let mixed = "Tietosuojaseloste\n\nOikeus tietojen poistamiseen\tVoit pyytää tietojesi poistamista. Voit kieltää suoramarkkinoinnin.";
        assert_eq!(status(false, mixed), Status::Partial);
        assert_eq!(status(true, mixed), Status::Present);
        let only = "Tietosuojaseloste\n\nOikeus tietojen poistamiseen\tVoit pyytää suoramarkkinoinnin tietojen poistamista.";
        assert_eq!(status(true, only), Status::Partial);
    }

    /// The status a one-rule catalogue (`src`) gives `key` in a text notice.
    fn status_under(src: &str, key: Key) -> impl Fn(&str) -> Status {
        let engine = Engine::new(catalogue::parse_rule_file("t.toml", src).unwrap());
        let linter = crate::lint::Linter::builtin();
        move |text: &str| {
            let notice = linter.notice(text, crate::lint::Linter::detect_format("a.txt", text));
            engine.lint(&notice, text, &linter.options).elements[&key].status
        }
    }

    #[test]
    fn business_ids_of_joined_texts_are_those_of_each_text() {
        // The rule searches the texts joined by newlines at once.
        let mut rnd = crate::xorshift(0x05e1_057e);
        let alphabet = ['0', '1', '2', '7', '9', '-', '+', ' ', 'a', 'ä', '.'];
        for _ in 0..2000 {
            let texts: Vec<String> = (0..1 + rnd() % 4)
                .map(|_| {
                    (0..rnd() % 24)
                        .map(|_| alphabet[(rnd() % alphabet.len() as u64) as usize])
                        .collect()
                })
                .collect();
            let mut joined = String::new();
            let mut each = Vec::new();
            for t in &texts {
                let base = joined.len();
                each.extend(
                    business_ids(t)
                        .into_iter()
                        .map(|(r, ok)| (r.start + base..r.end + base, ok)),
                );
                joined.push_str(t);
                joined.push('\n');
            }
            assert_eq!(business_ids(&joined), each, "{texts:?}");
        }
    }

    #[test]
    fn ytunnus_vectors() {
        let v = |s: &str| business_ids(s).first().map(|x| x.1);
        assert_eq!(v("2077474-0"), Some(true));
        assert_eq!(v("2077474-1"), Some(false));
        assert_eq!(v("0000001-9"), Some(true));
        assert_eq!(v("0737546-1"), Some(false));
        assert_eq!(v("y-tunnus 0245974-7."), Some(true));
        assert_eq!(v("2773203-3"), Some(true));
        assert_eq!(v("0166094-0"), Some(true));
        assert_eq!(v("1234567-8"), Some(false));
        assert_eq!(v("puh. 040-1234567-8"), None);
    }
}

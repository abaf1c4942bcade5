//! Term patterns: how rule files say "this word in any of its Finnish forms".
//!
//! A term is written in its base form and compiled to a regular expression
//! over normalized text (lowercase, NFC, single spaces):
//!
//! * `laki~` — the word and its inflected forms. Finnish nouns change their
//!   stem (consonant gradation: laki → lain, lakia, laissa; valtuutettu →
//!   valtuutetun), so `~` builds the strong and the weak stem and allows any
//!   ending after them. See [`inflect`] for the rules.
//! * `rekisteri*` — the word with any ending (a plain prefix).
//! * `*seloste~` — also inside a compound word (`asiakasrekisteriseloste`):
//!   no word boundary is required before it.
//! * anything else is literal: `523/1999`, `(s-postiosoite)`, `muuta?`.
//!
//! Several words make a phrase; each word may carry its own marker
//! (`sähköisen viestinnän tietosuojalaki~`). A space matches one space or a
//! hyphen. Matches must start and end at word boundaries (checked in code,
//! which is about twice as fast as Unicode `\b` in the regex crate).

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use regex_automata::{meta, Input};

mod double_array;
mod hand_regex;
mod index;
mod regex_prefixes;
mod words;
pub use words::WordSets;

const VOWELS: &str = "aeiouyäöå";

/// "Any ending": the letters of lowercase Finnish, Swedish and English text.
/// A small class instead of Unicode `\w` keeps the catalogue quick to
/// compile (start-up) and the DFA small.
pub const TAIL: &str = "[0-9a-zà-öø-ÿšžœ]*";

fn is_vowel(c: char) -> bool {
    VOWELS.contains(c)
}

/// Weak grade of a consonant cluster (strong → weak), as in standard Finnish
/// declension. Returns the alternatives the weak stem may show.
fn weak_grades(cluster: &str) -> &'static [&'static str] {
    match cluster {
        "kk" => &["k"],
        "pp" => &["p"],
        "tt" => &["t"],
        "k" => &["", "v", "j"],
        "p" => &["v"],
        "t" => &["d"],
        "nk" => &["ng"],
        "mp" => &["mm"],
        "lt" => &["ll"],
        "nt" => &["nn"],
        "rt" => &["rr"],
        "ht" => &["hd"],
        "lk" => &["l", "lj"],
        "rk" => &["r", "rj"],
        "hk" => &["h"],
        _ => &[],
    }
}

/// Strong grade for words whose base form is weak (e.g. -e words:
/// osoite → osoitteen, hake → hakkeen).
fn strong_grades(cluster: &str) -> &'static [&'static str] {
    match cluster {
        "t" => &["tt"],
        "k" => &["kk"],
        "p" => &["pp"],
        "d" => &["t"],
        "v" => &["p"],
        "ng" => &["nk"],
        "nn" => &["nt"],
        "ll" => &["lt"],
        "rr" => &["rt"],
        "mm" => &["mp"],
        "hd" => &["ht"],
        _ => &[],
    }
}

/// Regex for one word in all its inflected forms (the word itself lowercase).
///
/// * `-nen` adjectives and nouns: `henkilökohtainen` → `henkilökohtai(nen|s…)`.
/// * `-us`, `-ys`, `-os`, `-ös`: `oikeus` → `oikeu(s|d|k|t)…` (oikeuden,
///   oikeuksia, oikeutta).
/// * `-e` words: strong grade in the inflected forms: `osoite` → `osoit(t)e…`.
/// * words ending in another vowel: the strong stem, or the weak stem
///   followed by a vowel: `laki` → `lak…` or `la` + vowel (lain, laissa,
///   laeissa); `valtuutettu` → `valtuutet(t)…`.
/// * anything else (consonant endings, Swedish, English): the word as a
///   prefix, so `personuppgiftslag~` matches `personuppgiftslagen`.
pub fn inflect(word: &str) -> String {
    // The stems (see `words::inflected_stems`, which the word matcher uses
    // too), each followed by any ending.
    open_stems_regex(&words::inflected_stems(word))
}

/// Any of `stems`, then any ending.
fn open_stems_regex(stems: &[impl AsRef<str>]) -> String {
    let stems: Vec<String> = stems.iter().map(|s| words::escape(s.as_ref())).collect();
    if stems.len() == 1 {
        format!("{}{TAIL}", stems[0])
    } else {
        format!("(?:{}){TAIL}", stems.join("|"))
    }
}

/// Compiles one term (see the module docs) to a regex fragment. Returns the
/// fragment and whether the term may start inside a compound word.
pub fn term_regex(term: &str) -> (String, bool) {
    match words::WordTerm::new(term) {
        Some(w) => (w.regex_source(), w.is_compound()),
        None => (String::new(), term.trim().starts_with('*')),
    }
}

/// One regex for a term list that a `RegexSet` can run (which gives no match
/// positions, so word edges are written as character classes instead of
/// being checked in code). Never matches when `terms` is empty.
pub fn set_pattern(terms: &[String]) -> String {
    let edge = "[^0-9a-zà-öø-ÿšžœ]";
    let mut alts = Vec::new();
    for t in terms {
        let (re, compound) = term_regex(t);
        if re.is_empty() {
            continue;
        }
        if compound {
            alts.push(format!("(?:{re})"));
        } else {
            alts.push(format!("(?:^|{edge})(?:{re})"));
        }
    }
    if alts.is_empty() {
        return "[^\\s\\S]".to_string();
    }
    format!("(?:{})(?:$|{edge})", alts.join("|"))
}

/// The literal prefixes of a word's inflected stems (each followed by any
/// ending): every match starts with one.
fn common_stem_literals(stems: Vec<String>) -> Vec<String> {
    // Where the stems share a long beginning (valtuutett-, valtuutetu-),
    // that alone: rare enough, and fewer literals make a smaller automaton.
    let common = stems.iter().skip(1).fold(stems[0].as_str(), |acc, s| {
        let n = acc
            .char_indices()
            .zip(s.chars())
            .find(|((_, a), b)| a != b)
            .map_or(acc.len().min(s.len()), |((i, _), _)| i);
        &acc[..n]
    });
    if stems.len() > 1 && common.len() > MIN_LITERAL {
        return vec![common.to_string()];
    }
    stems
}

/// Literal prefixes of [`term_regex`]'s regex for `term`: every match of
/// the term starts with one of them. Plain words at the start of a phrase
/// are taken whole, with the space or hyphen after them, so that "in order
/// to" gives "in order" and "in-order" rather than the common "in".
pub fn term_literals(term: &str) -> Vec<String> {
    words::WordTerm::new(term).map_or_else(Vec::new, |w| w.literals())
}

/// Literal prefixes of a user's regex (see [`regex_prefixes`]): for the
/// built-in rule files, from the table `build.rs` made.
fn regex_literals(re: &str) -> Option<Vec<String>> {
    match BUILTIN_REGEX_PREFIXES.binary_search_by(|(r, _)| (*r).cmp(re)) {
        Ok(i) => BUILTIN_REGEX_PREFIXES[i]
            .1
            .map(|l| l.iter().map(|x| x.to_string()).collect()),
        Err(_) => {
            #[cfg(test)]
            PREFIXES_COMPUTED.with(|n| n.set(n.get() + 1));
            regex_prefixes::compute(re)
        }
    }
}

#[cfg(test)]
thread_local! {
    /// How many bytes the factor literals' searches read on this thread.
    static FACTOR_BYTES_SEARCHED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
thread_local! {
    /// How many regexes' prefixes were computed at run time on this thread.
    static PREFIXES_COMPUTED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Where a user's regex can match (see [`regex_prefixes::window`]): for
/// the built-in rule files, from the table `build.rs` made.
fn regex_window(re: &str) -> Option<regex_prefixes::Window> {
    match BUILTIN_REGEX_WINDOWS.binary_search_by(|(r, _)| (*r).cmp(re)) {
        Ok(i) => BUILTIN_REGEX_WINDOWS[i]
            .1
            .map(|(f, b)| (f.iter().map(|x| x.to_string()).collect(), b.to_vec())),
        Err(_) => regex_prefixes::window(re, ""),
    }
}

/// Literals one of which every match of a built-in regex contains besides
/// its window's factor ([`regex_prefixes::required`], from the table
/// `build.rs` made); `None` for a user's regex.
fn regex_required(re: &str) -> Option<Vec<String>> {
    let i = BUILTIN_REGEX_REQUIRED
        .binary_search_by(|(r, _)| (*r).cmp(re))
        .ok()?;
    BUILTIN_REGEX_REQUIRED[i]
        .1
        .map(|l| l.iter().map(|x| x.to_string()).collect())
}

/// Whether a built-in regex's window factor begins words wherever a match
/// relies on it ([`regex_prefixes::factor_begins_words`], from the table
/// `build.rs` made); false for a user's regex (nothing is parsed at
/// start-up).
fn regex_factor_begins_words(re: &str) -> bool {
    BUILTIN_FACTOR_BEGINS_WORDS.binary_search(&re).is_ok()
}

/// Whether a built-in regex's window factor is followed by a character
/// that continues no word wherever a match relies on it
/// ([`regex_prefixes::factor_ends_words`], from the table `build.rs`
/// made); false for a user's regex.
fn regex_factor_ends_words(re: &str) -> bool {
    BUILTIN_FACTOR_ENDS_WORDS.binary_search(&re).is_ok()
}

/// A built-in regex's [`regex_prefixes::Window`], as `build.rs` writes it.
type BuiltinWindow = (&'static [&'static str], &'static [u8]);

// `BUILTIN_REGEX_PREFIXES: &[(&str, Option<&[&str]>)]` and
// `BUILTIN_REGEX_WINDOWS: &[(&str, Option<BuiltinWindow>)]`,
// `BUILTIN_REGEX_REQUIRED: &[(&str, Option<&[&str]>)]`, sorted by regex,
// `BUILTIN_FACTOR_BEGINS_WORDS: &[&str]` and `BUILTIN_FACTOR_ENDS_WORDS:
// &[&str]`, sorted, `QUAD_COUNTS: [u16; _]`
// and `BYTE_RANK: [u8; 256]`.
include!(concat!(env!("OUT_DIR"), "/regex_prefixes.rs"));

/// Limits for regexes written by users: a pathological pattern fails to
/// compile instead of eating the machine.
const REGEX_SIZE_LIMIT: usize = 4 << 20;

/// Ids that tell a [`Prefilter`] which part is which (clones share theirs).
static NEXT_PART: AtomicU64 = AtomicU64::new(0);

/// One alternation of a term list (the bounded or the compound terms),
/// compiled on first use: a run compiles only the patterns a text needs,
/// which keeps start-up short.
#[derive(Debug, Clone)]
struct Part {
    id: u64,
    src: String,
    re: OnceLock<Option<meta::Regex>>,
    /// Every match starts with one of these (none empty); `None`: unknown.
    literals: Option<Vec<String>>,
    window: Option<Window>,
    /// The part is one that [`hand_regex`] matches by hand (the same
    /// matches): its regex is not compiled for a search.
    by_hand: bool,
}

/// What one search of a [`Window`] knows, kept across its calls (their
/// `pos` only grows): where each literal of the factor occurs next, and
/// where the windows already searched without a match end.
#[derive(Debug, Default)]
struct FactorSeen {
    next: Few<NextFactor>,
    /// No match starts between the search's `pos` and this.
    clear_to: usize,
    /// Each required literal's first occurrence at or after a point, as
    /// (point, end of the part searched, occurrence; `usize::MAX`: none
    /// there): a window is checked against these, and the text searched for
    /// them once, not each window again (the fee rule's "maksu" is in most
    /// notices, its "euro" in few); a bounded search ([`Window::find_before`])
    /// searches only up to where its matches end (the unsubscribe regexes'
    /// "at any time", in no Finnish notice, was searched for to the end of
    /// each notice from its first "milloin tahansa").
    required: Few<(usize, usize, usize)>,
    /// Where in the index's list of the factor's places the ones before
    /// the search's `from` end ([`Window::find_before`] with a list).
    listed_at: usize,
}

/// A few values of a search's state, one for each of a window's literals:
/// on the stack up to [`FEW`] (a window has one to four factor and
/// required literals; the two vectors were two allocations a search).
#[derive(Debug, Default)]
struct Few<T> {
    inline: [T; FEW],
    /// How many of `inline` hold a value.
    len: usize,
    heap: Vec<T>,
}

/// See [`Few`].
const FEW: usize = 4;

impl<T: Copy> Few<T> {
    /// The first `n` values, those not set yet `fill` (`n` is the same in
    /// every call of a search).
    fn first(&mut self, n: usize, fill: T) -> &mut [T] {
        if n <= FEW {
            if self.len < n {
                self.inline[self.len..n].fill(fill);
                self.len = n;
            }
            &mut self.inline[..n]
        } else {
            if self.heap.len() < n {
                self.heap.resize(n, fill);
            }
            &mut self.heap[..n]
        }
    }
}

/// One factor literal's next occurrence at or after the search's `from`.
#[derive(Debug, Clone, Copy, Default)]
enum NextFactor {
    #[default]
    Unknown,
    /// There (`usize::MAX`: nowhere).
    At(usize),
    /// Not before this (a search bounded by [`Window::find_before`]).
    NotBefore(usize),
}

/// What [`Window::find_before`] gives.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bounded {
    /// The first match at or after `pos`, as [`Window::find`] gives it.
    Match(Range<usize>),
    /// No match at or after `pos`.
    Nothing,
    /// No match starts at or before the bound.
    NotBefore,
}

/// How common a byte is in notice text (memchr's own ranks are for
/// English and take the bytes of ä and ö for rare ones).
#[derive(Debug, Clone, Copy)]
struct NoticeByteRank;

impl memchr::arch::all::packedpair::HeuristicFrequencyRank for NoticeByteRank {
    fn rank(&self, byte: u8) -> u8 {
        BYTE_RANK[byte as usize]
    }
}

/// Where a part's regex can match: every match contains one of `factor`
/// and none of the bytes `barriers`. So the regex runs only between the
/// barriers around each place the factor occurs (a sentence that names
/// the supervisory authority, not the whole notice: the regexes begin
/// with words as common as "voi" or "ei", which their own prefilter
/// stops at everywhere).
#[derive(Debug, Clone)]
struct Window {
    /// One substring search per literal (memmem looks for each literal's
    /// rarest bytes; a multi-literal automaton looks for their first
    /// bytes, as common as "tie" or "per"), or, for [`MANY_LITERALS`] or
    /// more, one Teddy search for them all: a factor like the no-data
    /// claim's five literals (none of them in most notices) read the
    /// whole notice five times, and one pass with candidates to verify at
    /// every "per" still costs less.
    factor: Vec<FactorFinder>,
    barriers: Vec<u8>,
    /// Every match also contains one of these (empty: nothing known), so a
    /// window with none of them is not searched: most sentences that say
    /// the rights obstacle's "maksu" do not say "euro".
    required: Vec<memchr::memmem::Finder<'static>>,
    /// The factor's literals, sorted.
    literals: Vec<String>,
    /// Every factor occurrence a match relies on begins a word (the match
    /// has a character that continues no word just before it), so a
    /// scan's index, given [`Window::literals`], lists them all
    /// ([`Prefilter`]): the notice is not searched for them again.
    begins_words: bool,
    /// For each of [`Window::literals`], whether a match relying on an
    /// occurrence of it has a character that continues no word just after
    /// it ([`regex_factor_ends_words`]): an occurrence followed by a letter
    /// or digit holds no match, and its window is not searched (the no-data
    /// claim's `kerää`, in the `keräämme` of most Finnish notices: 940
    /// windows of 214 bytes a 1,000 notices). Empty when none is.
    ends_words: Vec<bool>,
}

/// A window's factor literals from this many on are searched in one pass.
const MANY_LITERALS: usize = 3;

/// A search for one factor literal, or for the first of several.
#[derive(Debug, Clone)]
enum FactorFinder {
    One(memchr::memmem::Finder<'static>),
    /// With the longest literal's length.
    Many(aho_corasick::packed::Searcher, usize),
}

impl FactorFinder {
    /// Where in `hay` the first occurrence starts.
    fn find(&self, hay: &[u8]) -> Option<usize> {
        match self {
            FactorFinder::One(f) => f.find(hay),
            FactorFinder::Many(s, _) => s.find(hay).map(|m| m.start()),
        }
    }

    /// The longest literal's length.
    fn max_len(&self) -> usize {
        match self {
            FactorFinder::One(f) => f.needle().len(),
            FactorFinder::Many(_, n) => *n,
        }
    }
}

/// A regex, or what compiles one on first use: a window searches with it
/// only once it has found a place the regex may match, so a part whose
/// factor a run never meets is never compiled (about 2.6 M instructions
/// each).
trait LazyRegex {
    /// The first match in `text[range]`, searched as a range of `text`
    /// (`None`: the regex does not compile, and matches nothing).
    fn find_in(&self, text: &str, range: Range<usize>) -> Option<Option<Range<usize>>>;
}

impl LazyRegex for meta::Regex {
    fn find_in(&self, text: &str, range: Range<usize>) -> Option<Option<Range<usize>>> {
        Some(self.find(Input::new(text).range(range)).map(|m| m.range()))
    }
}

impl LazyRegex for Part {
    fn find_in(&self, text: &str, range: Range<usize>) -> Option<Option<Range<usize>>> {
        if self.by_hand {
            return Some(hand_regex::find(text, range));
        }
        Some(
            (self.regex()?)
                .find(Input::new(text).range(range))
                .map(|m| m.range()),
        )
    }
}

impl Window {
    /// The window of parts joined as alternatives: any of their factors,
    /// the barriers they share; `None` if one has no window. Each window
    /// comes with whether its factor ends words
    /// ([`regex_factor_ends_words`]); a literal of several parts' factors
    /// does if it does in each.
    fn of_alternatives(
        windows: impl IntoIterator<Item = Option<(regex_prefixes::Window, bool)>>,
    ) -> Option<Window> {
        let mut factor = Vec::new();
        let mut ends: Vec<(String, bool)> = Vec::new();
        let mut barriers: Option<Vec<u8>> = None;
        for w in windows {
            let ((f, b), e) = w?;
            ends.extend(f.iter().map(|l| (l.clone(), e)));
            factor.extend(f);
            barriers = Some(match barriers {
                None => b,
                Some(mut all) => {
                    all.retain(|x| b.contains(x));
                    all
                }
            });
        }
        factor.sort();
        factor.dedup();
        let ends_words: Vec<bool> = (factor.iter())
            .map(|l| ends.iter().filter(|(x, _)| x == l).all(|&(_, e)| e))
            .collect();
        let ends_words = if ends_words.contains(&true) {
            ends_words
        } else {
            Vec::new()
        };
        let many = (factor.len() >= MANY_LITERALS)
            .then(|| {
                aho_corasick::packed::Config::new()
                    .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
                    .builder()
                    .extend(factor.iter().map(|l| l.as_bytes()))
                    .build()
            })
            .flatten();
        (!factor.is_empty()).then(|| Window {
            factor: match many {
                Some(s) => vec![FactorFinder::Many(
                    s,
                    factor.iter().map(String::len).max().unwrap_or(1),
                )],
                None => factor
                    .iter()
                    .map(|l| {
                        FactorFinder::One(
                            memchr::memmem::FinderBuilder::new()
                                .build_forward_with_ranker_owned(NoticeByteRank, l.as_bytes()),
                        )
                    })
                    .collect(),
            },
            barriers: barriers.unwrap_or_default(),
            required: Vec::new(),
            literals: factor.clone(),
            begins_words: false,
            ends_words,
        })
    }

    /// This window, its factor said to begin words when `begins` (every
    /// alternative's does: [`regex_factor_begins_words`]).
    fn beginning_words(mut self, begins: bool) -> Window {
        self.begins_words = begins;
        self
    }

    /// This window, skipping the windows with none of `required` (one of
    /// which every match contains; `None`: unknown).
    fn requiring(mut self, required: Option<Vec<String>>) -> Window {
        self.required = required
            .unwrap_or_default()
            .iter()
            .map(|l| {
                memchr::memmem::FinderBuilder::new()
                    .build_forward_with_ranker_owned(NoticeByteRank, l.as_bytes())
            })
            .collect();
        self
    }

    /// The first match of `re` starting at or after `pos`, as
    /// `re.find(Input::new(text).range(pos..))` gives it. A match that
    /// starts at or after `pos` contains a factor occurrence that starts
    /// there too, at or after the first such occurrence `q`; no barrier
    /// lies inside it, so it starts after the last barrier before `q` and
    /// ends at the first barrier after `q` at the latest, or else lies
    /// wholly past that barrier. Each window is searched as a range of the
    /// whole text, so that look-around sees the same bytes.
    ///
    /// `seen` keeps each literal's next occurrence between the calls of
    /// one search (its `pos` only grows): a literal that occurs far ahead,
    /// or never, is not searched for again after every match (quadratic on
    /// a long text with many matches).
    fn find(
        &self,
        re: &impl LazyRegex,
        text: &str,
        pos: usize,
        seen: &mut FactorSeen,
    ) -> Option<Range<usize>> {
        match self.find_before(re, text, pos, seen, usize::MAX, None) {
            Bounded::Match(m) => Some(m),
            Bounded::Nothing | Bounded::NotBefore => None,
        }
    }

    /// [`Window::find`], when only a match that starts at or before `bound`
    /// counts (a term list's word match at `bound` wins over any later
    /// one): the factor is searched for only up to the first barrier at or
    /// after `bound`, where every such match ends, and not over the rest of
    /// the notice (most searches stop at their first match, which is
    /// usually a word).
    ///
    /// `listed`: every place in `text` where a factor literal begins a
    /// word, ascending, from the scan's index (only for a window whose
    /// factor [`Window::begins_words`]): the next one is looked up there,
    /// not searched for (a window around a literal inside a word holds no
    /// match).
    fn find_before(
        &self,
        re: &impl LazyRegex,
        text: &str,
        pos: usize,
        seen: &mut FactorSeen,
        bound: usize,
        listed: Option<&[u32]>,
    ) -> Bounded {
        let bytes = text.as_bytes();
        let barrier_in = |r: &[u8], last: bool| -> Option<usize> {
            match (self.barriers.as_slice(), last) {
                ([], _) => None,
                ([a], false) => memchr::memchr(*a, r),
                ([a], true) => memchr::memrchr(*a, r),
                ([a, b], false) => memchr::memchr2(*a, *b, r),
                ([a, b], true) => memchr::memrchr2(*a, *b, r),
                (bs, false) => r.iter().position(|x| bs.contains(x)),
                (bs, true) => r.iter().rposition(|x| bs.contains(x)),
            }
        };
        // A match starting at or before `bound` ends at `limit` at the
        // latest, and so does its factor occurrence.
        let limit = if bound >= text.len() {
            text.len()
        } else {
            barrier_in(&bytes[bound..], false).map_or(text.len(), |i| bound + i)
        };
        const NONE: usize = usize::MAX;
        let next = seen.next.first(self.factor.len(), NextFactor::Unknown);
        let mut from = pos.max(seen.clear_to.min(text.len() + 1));
        // Where the next occurrence is looked for: past `from` when the
        // ones before could hold no match ([`Window::ends_words`]), while
        // the window still starts at the barrier before the next one.
        let mut seek = from;
        while seek <= text.len() {
            // The first occurrence at or after `seek` (NONE: none), or,
            // past `limit`, a bound below it: `NotBefore` values are at
            // least `limit`, so `q < limit` is an occurrence.
            let mut q = NONE;
            if let Some(list) = listed {
                // (`seek` only grows in a search; the list from its start
                // if it did not.)
                let at = &mut seen.listed_at;
                if *at > list.len() || *at > 0 && list[*at - 1] as usize >= seek {
                    *at = 0;
                }
                *at += list[*at..].partition_point(|&p| (p as usize) < seek);
                q = list.get(*at).map_or(NONE, |&p| p as usize);
            }
            let finders = if listed.is_some() {
                &self.factor[..0]
            } else {
                &self.factor[..]
            };
            for (f, n) in finders.iter().zip(next.iter_mut()) {
                let search_from = match *n {
                    NextFactor::At(at) if at >= seek => {
                        q = q.min(at);
                        continue;
                    }
                    NextFactor::NotBefore(at) if at >= limit => {
                        q = q.min(at);
                        continue;
                    }
                    NextFactor::NotBefore(at) => at.max(seek),
                    _ => seek,
                };
                // An occurrence starting before `limit` ends by this.
                let end = if limit == text.len() {
                    text.len()
                } else {
                    (limit + f.max_len() - 1).min(text.len())
                };
                let hay = &bytes[search_from.min(end)..end];
                let at = match f.find(hay) {
                    // (Past `limit`, a shorter literal of several may be
                    // found where a longer one, cut off, starts first.)
                    Some(i) if end == text.len() || search_from + i < limit => search_from + i,
                    None if end == text.len() => NONE,
                    _ => limit,
                };
                #[cfg(test)]
                FACTOR_BYTES_SEARCHED
                    .with(|n| n.set(n.get() + at.min(end).saturating_sub(search_from)));
                *n = if at == limit && end < text.len() {
                    NextFactor::NotBefore(at)
                } else {
                    NextFactor::At(at)
                };
                q = q.min(at);
            }
            if q == NONE {
                seen.clear_to = text.len() + 1;
                return Bounded::Nothing;
            }
            if q >= limit && limit < text.len() {
                // No occurrence before the barrier at `limit`: every match
                // left starts past it.
                seen.clear_to = from.max(limit);
                return Bounded::NotBefore;
            }
            if !self.ends_words.is_empty() && !self.may_rely_on(text, q) {
                seek = q + 1;
                continue;
            }
            let start = barrier_in(&bytes[from..q], true).map_or(from, |i| from + i + 1);
            let end = barrier_in(&bytes[q..], false).map_or(text.len(), |i| q + i);
            if !self.required.is_empty() {
                // Where each required literal first occurs at or after
                // `start`, up to `limit` (searched again only when what is
                // known does not say: the one known lies before `start`,
                // was found from past it, or none was found up to a point
                // before `limit`).
                let req = seen.required.first(self.required.len(), (usize::MAX, 0, 0));
                let mut first = NONE;
                let mut possible = false;
                for (f, r) in self.required.iter().zip(req.iter_mut()) {
                    let (searched_from, searched_to, at) = *r;
                    let known = searched_from <= start
                        && if at == NONE {
                            searched_to >= limit
                        } else {
                            at >= start
                        };
                    if !known {
                        // (None before where the last search stopped, when
                        // it began at or before `start`.)
                        let from = if searched_from <= start && at == NONE {
                            searched_to.clamp(start, limit)
                        } else {
                            start
                        };
                        let found = f.find(&bytes[from..limit]).map_or(NONE, |i| from + i);
                        *r = (start, limit, found);
                    }
                    if r.2 != NONE && r.2 + f.needle().len() <= end {
                        possible = true;
                        break;
                    }
                    // Not before the end of the part searched.
                    first = first.min(match *r {
                        (_, to, NONE) if to < text.len() => to,
                        (_, _, at) => at,
                    });
                }
                if !possible {
                    if first == NONE {
                        seen.clear_to = text.len() + 1;
                        return Bounded::Nothing;
                    }
                    if first >= limit {
                        // None before `limit`, where every match that
                        // counts ends (a literal holds no barrier).
                        seen.clear_to = from.max(limit);
                        return Bounded::NotBefore;
                    }
                    // A window with a required literal whole in it lies past
                    // the last barrier before the first one found, or the
                    // end of the part searched for one not found (none
                    // lies whole before it, from `start` on).
                    from = end + 1;
                    if first > from {
                        from = barrier_in(&bytes[from..first], true).map_or(from, |i| from + i + 1);
                    }
                    seen.clear_to = from;
                    seek = from;
                    continue;
                }
            }
            let Some(found) = re.find_in(text, start..end) else {
                seen.clear_to = text.len() + 1;
                return Bounded::Nothing;
            };
            if let Some(m) = found {
                seen.clear_to = from;
                return Bounded::Match(m);
            }
            from = end + 1;
            seen.clear_to = from;
            seek = from;
        }
        Bounded::Nothing
    }

    /// Whether a match may rely on the factor occurrence at `q`: a literal
    /// of the factor there that [`Window::ends_words`] says nothing of, or
    /// one followed by a character that continues no word (or by nothing).
    /// (True when no literal is there: nothing is known.)
    fn may_rely_on(&self, text: &str, q: usize) -> bool {
        let rest = &text.as_bytes()[q..];
        let mut found = false;
        for (l, &ends) in self.literals.iter().zip(&self.ends_words) {
            if !rest.starts_with(l.as_bytes()) {
                continue;
            }
            let next = text.get(q + l.len()..).and_then(|t| t.chars().next());
            if !ends || !next.is_some_and(char::is_alphanumeric) {
                return true;
            }
            found = true;
        }
        !found
    }
}

impl Part {
    /// The alternation of `parts` (none: no part). Written into one
    /// string of its exact length, each term's fragment written there
    /// ([`words::WordTerm::write_regex_source`]): a string per term, then
    /// joined, and the alternation's string grown as it was written, took
    /// some 1 M instructions a start-up.
    fn new<'a, I>(parts: I, literals: Option<Vec<String>>, window: Option<Window>) -> Option<Part>
    where
        I: IntoIterator<Item = Piece<'a>>,
        I::IntoIter: Clone,
    {
        let parts = parts.into_iter();
        let (n, len) = parts
            .clone()
            .fold((0, 0), |(n, len), p| (n + 1, len + p.len()));
        if n == 0 {
            return None;
        }
        // `(?:`, the pieces and their `|`s, `)`.
        let mut src = String::with_capacity(3 + len + (n - 1) + 1);
        src.push_str("(?:");
        for (i, p) in parts.enumerate() {
            if i > 0 {
                src.push('|');
            }
            p.write(&mut src);
        }
        src.push(')');
        debug_assert_eq!(src.len(), src.capacity());
        let literals = literals.filter(|l| !l.is_empty() && l.iter().all(|x| !x.is_empty()));
        let by_hand = src == hand_regex::COMPLAINT_PART;
        Some(Part {
            id: NEXT_PART.fetch_add(1, Ordering::Relaxed),
            src,
            re: OnceLock::new(),
            literals,
            window,
            by_hand,
        })
    }

    /// The first match starting at or after `pos` (`seen`: as for
    /// [`Window::find`], one per search).
    fn find_from(&self, text: &str, pos: usize, seen: &mut FactorSeen) -> Option<Range<usize>> {
        match &self.window {
            Some(w) => w.find(self, text, pos, seen),
            None => self.find_in(text, pos..text.len())?,
        }
    }

    /// [`Part::find_from`] when only a match starting at or before `bound`
    /// counts ([`Window::find_before`]; without a window, the whole rest
    /// is searched).
    /// `listed`: as for [`Window::find_before`].
    fn find_before(
        &self,
        text: &str,
        pos: usize,
        seen: &mut FactorSeen,
        bound: usize,
        listed: Option<&[u32]>,
    ) -> Bounded {
        match &self.window {
            Some(w) => w.find_before(self, text, pos, seen, bound, listed),
            None => match self.find_from(text, pos, seen) {
                Some(m) => Bounded::Match(m),
                None => Bounded::Nothing,
            },
        }
    }

    /// The meta regex's configuration, and the syntax it parses with.
    fn config() -> (meta::Config, regex_automata::util::syntax::Config) {
        // What regex::RegexBuilder does, with multi-line on: the engine
        // searches all texts of a notice joined by newlines, and a user's
        // `^`/`$` mean the start/end of one text.
        let config = meta::Config::new()
            .match_kind(regex_automata::MatchKind::LeftmostFirst)
            .utf8_empty(true)
            .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
            .hybrid_cache_capacity(REGEX_SIZE_LIMIT);
        let syntax = regex_automata::util::syntax::Config::new()
            .utf8(true)
            .multi_line(true);
        (config, syntax)
    }

    /// [`Part::compile`] for a search, with its counted repeats of wide
    /// classes compiled byte-wise ([`bytewise_repeats`]: the same matches
    /// in UTF-8 text, a third of the compile time); an error as `None`.
    /// Never a full DFA (built for the smallest regexes: 1.6 M instructions
    /// for the company-form regex, whose few short searches the lazy DFA
    /// does as well), and for a part with a window (`windowed`) no
    /// prefilter either: a window is a sentence around the factor, where a
    /// prefilter's Teddy (0.25-0.5 M to build, for each regex) mostly
    /// stopped at once; the regexes' searches in windows took 12.8 M
    /// instructions per 1,000 notices with it and 12.3 M without. Nor
    /// for a part whose matches begin with literals that no fast search
    /// finds ([`prefilter_pays`]). `prefilter`: whether it has one.
    fn compile_for_search(src: &str, prefilter: bool) -> Option<meta::Regex> {
        let (config, syntax) = Part::config();
        let config = config.auto_prefilter(prefilter).dfa(false);
        let hir = regex_automata::util::syntax::parse_with(src, &syntax).ok()?;
        let hir = match bytewise_repeats(&hir) {
            Some(h)
                if hir.properties().look_set().is_empty()
                    && hir.properties().minimum_len().is_some_and(|n| n > 0) =>
            {
                h
            }
            _ => hir,
        };
        meta::Builder::new()
            .configure(config)
            .build_from_hir(&hir)
            .ok()
    }

    fn compile(src: &str) -> Result<meta::Regex, String> {
        let (config, syntax) = Part::config();
        meta::Builder::new()
            .configure(config)
            .syntax(syntax)
            .build(src)
            .map_err(|_| {
                // The regex crate words the error as users saw it before.
                match regex::RegexBuilder::new(src)
                    .multi_line(true)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .dfa_size_limit(REGEX_SIZE_LIMIT)
                    .build()
                {
                    Err(e) => e.to_string(),
                    Ok(_) => format!("invalid pattern `{src}`"),
                }
            })
    }

    /// Compiles now, so that an error shows at load time.
    fn check(&self) -> Result<(), String> {
        if self.re.get().is_some() {
            return Ok(());
        }
        let re = Part::compile(&self.src)?;
        let _ = self.re.set(Some(re));
        Ok(())
    }

    /// Where in `text` a match may start first, by a substring search for
    /// the pattern's literal prefixes (like the `[` of a bracketed
    /// placeholder, which the index cannot hold): `None` when it has a few
    /// and none occurs (checked before the regex is compiled or run). With
    /// one literal, its first place, from where the regex then searches
    /// (its own prefilter read the text up to there again); else 0.
    fn first_possible(&self, text: &str) -> Option<usize> {
        match self.literals.as_deref() {
            Some([l]) => memchr::memmem::find(text.as_bytes(), l.as_bytes()),
            Some(lits) if lits.len() <= 4 => (lits.iter())
                .any(|l| memchr::memmem::find(text.as_bytes(), l.as_bytes()).is_some())
                .then_some(0),
            _ => Some(0),
        }
    }

    fn regex(&self) -> Option<&meta::Regex> {
        // A pattern that fails here was never checked (the built-in
        // catalogue, which a test compiles in full); it matches nothing.
        self.re
            .get_or_init(|| {
                let prefilter = self.window.is_none() && prefilter_pays(self.literals.as_deref());
                Part::compile_for_search(&self.src, prefilter)
            })
            .as_ref()
    }

    /// Calls `f` with each non-empty match in `text` that lies on word
    /// boundaries, in order, until it returns false. A match that does not
    /// (a regex alternative ending inside a word) is not skipped over: the
    /// search goes on from its next character, so that a shorter term inside
    /// it ("tehdä valitus" within a failed "...valvontaviranomai") is still
    /// found.
    fn each_match(&self, text: &str, check_left: bool, mut f: impl FnMut(Range<usize>) -> bool) {
        let Some(mut pos) = self.first_possible(text) else {
            return;
        };
        // Compiled by the first search that needs it (a window's first
        // place where it may match).
        let mut seen = FactorSeen::default();
        while pos <= text.len() {
            let Some(r) = self.find_from(text, pos, &mut seen) else {
                return;
            };
            if r.start < r.end && at_boundary(text, r.start, r.end, check_left) {
                if !f(r.clone()) {
                    return;
                }
                pos = r.end;
            } else {
                pos = r.start + text[r.start..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
}

/// `hir` with each counted repeat of a class that holds every non-ASCII
/// character (`[^.]{0,159}?`) repeating `(?-u:[A\xC0-\xFF][\x80-\xBF]*)`
/// instead, `A` the class's ASCII bytes: one lead byte and its continuation
/// bytes, where the class compiles as ten UTF-8 byte sequences, at each of
/// the 160 copies a counted repeat compiles (the complaint and unsubscribe
/// regexes: 8.5 and 11.5 M instructions to compile, 4.1 and 4.0 M so).
/// `None`: nothing to change.
///
/// The matches are the same in valid UTF-8 searched between character
/// boundaries, for a pattern without look-around or empty matches (the
/// caller checks both): a copy that stops inside a character leaves a
/// continuation byte next, which no copy and no Unicode item after the
/// repeat begins with, so its match can only end there; and the same path
/// with the whole character (which the greedy `*` tries first) then
/// matches too, the rest matching empty anywhere. Every other path is one
/// character of the class a copy.
fn bytewise_repeats(hir: &regex_syntax::hir::Hir) -> Option<regex_syntax::hir::Hir> {
    use regex_syntax::hir::{Class, ClassBytes, ClassBytesRange, Hir, HirKind, Repetition};
    let all = |hs: &[Hir]| -> Option<Vec<Hir>> {
        let new: Vec<Option<Hir>> = hs.iter().map(bytewise_repeats).collect();
        new.iter().any(Option::is_some).then(|| {
            (new.into_iter().zip(hs))
                .map(|(n, h)| n.unwrap_or_else(|| h.clone()))
                .collect()
        })
    };
    match hir.kind() {
        HirKind::Concat(hs) => all(hs).map(Hir::concat),
        HirKind::Alternation(hs) => all(hs).map(Hir::alternation),
        HirKind::Capture(c) => bytewise_repeats(&c.sub).map(|sub| {
            Hir::capture(regex_syntax::hir::Capture {
                sub: Box::new(sub),
                ..c.clone()
            })
        }),
        HirKind::Repetition(r) => match r.sub.kind() {
            // Every non-ASCII character: the last range runs from 0x80 or
            // below to the end.
            HirKind::Class(Class::Unicode(c))
                if r.max.is_some_and(|n| n >= 2)
                    && (c.ranges().last())
                        .is_some_and(|l| l.start() <= '\u{80}' && l.end() == char::MAX) =>
            {
                let mut lead: Vec<ClassBytesRange> = (c.ranges().iter())
                    .filter(|x| x.start() < '\u{80}')
                    .map(|x| {
                        ClassBytesRange::new(x.start() as u8, (x.end() as u32).min(0x7F) as u8)
                    })
                    .collect();
                lead.push(ClassBytesRange::new(0xC0, 0xFF));
                let tail = ClassBytes::new([ClassBytesRange::new(0x80, 0xBF)]);
                let unit = Hir::concat(vec![
                    Hir::class(Class::Bytes(ClassBytes::new(lead))),
                    Hir::repetition(Repetition {
                        min: 0,
                        max: None,
                        greedy: true,
                        sub: Box::new(Hir::class(Class::Bytes(tail))),
                    }),
                ]);
                Some(Hir::repetition(Repetition {
                    sub: Box::new(unit),
                    ..r.clone()
                }))
            }
            _ => bytewise_repeats(&r.sub).map(|sub| {
                Hir::repetition(Repetition {
                    sub: Box::new(sub),
                    ..r.clone()
                })
            }),
        },
        _ => None,
    }
}

/// Whether the regex crate's prefilter is worth building for a part
/// without a window whose matches begin with one of `literals` (`None`:
/// unknown, a user's regex, which may hold literals it searches for
/// instead): when the literals are at least two bytes long, or begin with
/// at most three bytes (one `memchr` search). Else its prefilter is a set
/// of single bytes as common as digits and "p", which stops everywhere: the
/// contact regex (`@…`, a postcode's `[0-9]{5}`, `pl [0-9]+`) took 0.9 M
/// instructions more to build with it, and its searches 1.5 M instead of
/// 0.75 M per 1,000 notices.
fn prefilter_pays(literals: Option<&[String]>) -> bool {
    let Some(literals) = literals else {
        return true;
    };
    if literals.iter().all(|l| l.len() >= 2) {
        return true;
    }
    let mut first: Vec<u8> = literals.iter().filter_map(|l| l.bytes().next()).collect();
    first.sort_unstable();
    first.dedup();
    first.len() <= 3
}

/// A compiled list of terms.
///
/// Two matchers give the same matches: one regex alternation per part
/// (quick to search, but about 0.3 ms to compile, and a run on one notice
/// needs some fifty of them), and the terms matched word by word
/// ([`words`]: nothing to compile, slower to search). A set searches with
/// the words until it has searched [`WORD_BUDGET`] bytes, then compiles its
/// regexes: a run on one file starts in a few milliseconds and a batch run
/// searches at regex speed after its first notices. A test compares the
/// two on the whole catalogue.
#[derive(Debug)]
pub struct TermSet {
    bounded: Option<Part>,
    compound: Option<Part>,
    words: WordParts,
    /// Bytes searched with the words so far.
    searched: AtomicU64,
}

impl Clone for TermSet {
    fn clone(&self) -> TermSet {
        TermSet {
            bounded: self.bounded.clone(),
            compound: self.compound.clone(),
            words: self.words.clone(),
            searched: AtomicU64::new(self.searched.load(Ordering::Relaxed)),
        }
    }
}

/// Searched bytes after which a term set compiles its regexes (a few
/// notices' worth: compiling costs about as much as searching this much
/// word by word).
const WORD_BUDGET: u64 = 64 << 10;

/// The word-by-word matchers of a [`TermSet`]'s two parts.
#[derive(Debug, Clone, Default)]
struct WordParts {
    bounded: Option<WordPart>,
    compound: Option<WordPart>,
}

/// One part's terms, matched word by word, with the user's regexes that
/// match like bounded terms (tried after the open-ended terms, before the
/// literal ones, as in the part's alternation).
#[derive(Debug, Clone)]
struct WordPart {
    /// In alternation order; the first `n_open` are open-ended.
    terms: Vec<words::WordTerm>,
    n_open: usize,
    regex: Option<Part>,
    check_left: bool,
    starts: OnceLock<words::Starts>,
    /// The terms' [`words::WordTerm::match_prefixes`] → term ids, each
    /// with its form in the low [`words::FORM_BITS`], for trying at a
    /// listed start only the terms that can match there, from the forms
    /// whose stems are there (`None`: too many for its trie; then each
    /// term whose first stem's first byte is there is tried).
    prefixes: OnceLock<Option<words::StemIds>>,
}

impl WordPart {
    fn prefixes(&self) -> Option<&words::StemIds> {
        self.prefixes
            .get_or_init(|| {
                let mut entries = Vec::new();
                for (id, t) in self.terms.iter().enumerate() {
                    for (s, form) in t.match_prefixes().unwrap_or_default() {
                        assert!(
                            form < 1 << words::FORM_BITS,
                            "too many forms of a first word"
                        );
                        entries.push((s, (id as u32) << words::FORM_BITS | form as u32));
                    }
                }
                words::StemIds::new(&entries)
            })
            .as_ref()
    }

    /// [`Part::each_match`], word by word: the leftmost match (at one start,
    /// the first alternative in order), then word edges checked, and on a
    /// failed edge the search goes on from the next character. `listed`:
    /// the positions where a term may start, ascending, when a
    /// [`index::TermIndex`] found them (else the list's own automaton
    /// searches for them). `factor_listed`: where the regex's window factor
    /// begins words, from the index ([`Window::find_before`]).
    fn each_match(
        &self,
        text: &str,
        listed: Option<&[u32]>,
        factor_listed: Option<&[u32]>,
        mut f: impl FnMut(Range<usize>) -> bool,
    ) {
        let starts = (!self.terms.is_empty())
            .then(|| self.starts.get_or_init(|| words::Starts::new(&self.terms)));
        // Fetched once, not at each listed start.
        let prefixes = listed.and_then(|_| self.prefixes());
        // The regex part, compiled when its window first needs it.
        let (re, re_from) = match self.regex.as_ref().map(|p| (p, p.first_possible(text))) {
            Some((p, Some(from))) => (Some(p), from),
            _ => (None, 0),
        };
        // The regex's next match (kept while it starts at or after `pos`),
        // and how far none starts: the regex is searched only up to the
        // next word match, which wins over a later regex match (a search
        // that stops at its first match then reads no further).
        let mut next_re: Option<Range<usize>> = None;
        let mut re_clear_until = re_from;
        let mut re_done = re.is_none();
        // Made at the regex's first search: most searches here (a sentence
        // or a body, from a few listed starts) end at a word match before
        // it, and zeroing it took about 40 instructions a search.
        let mut seen: Option<FactorSeen> = None;
        // The next word match, kept like `next_re`.
        let mut next_word: Option<(usize, u32, usize)> = None;
        // The next term start found, kept like `next_re`: searching again
        // from `pos` after every regex hit was quadratic on a long text
        // where the stems are rare (found by review: 1.6 MB, 20 s).
        let mut next_start: Option<usize> = None;
        let mut starts_done = false;
        // Where in `listed` the starts before the last `from` end: `from`
        // only grows, and is most often just past the last start tried.
        let mut listed_at = 0;
        let mut first_from = |st: &words::Starts, from: usize| match listed {
            Some(list) => {
                let rest = &list[listed_at..];
                let i = match rest.iter().take(4).position(|&p| p as usize >= from) {
                    Some(i) => i,
                    None => rest.partition_point(|&p| (p as usize) < from),
                };
                listed_at += i;
                list.get(listed_at).map(|&p| p as usize)
            }
            None => st.first_from(text, from),
        };
        let mut pos = 0;
        while pos <= text.len() {
            let mut re_hit = next_re.clone().filter(|r| r.start >= pos);
            // The leftmost start where a term matches (not past the regex's).
            let mut word = next_word.filter(|&(at, _, _)| at >= pos);
            if let Some(st) = starts.filter(|_| word.is_none()) {
                let mut from = pos;
                loop {
                    // `first_from` of an earlier `from` still holds while
                    // it is at or after this one (`from` only grows).
                    let at = match next_start {
                        Some(a) if a >= from => a,
                        _ if starts_done => break,
                        _ => match first_from(st, from) {
                            Some(a) => {
                                next_start = Some(a);
                                a
                            }
                            None => {
                                starts_done = true;
                                break;
                            }
                        },
                    };
                    if re_hit.as_ref().is_some_and(|r| at > r.start) {
                        break;
                    }
                    let try_term = |id: u32| {
                        let end = self.terms[id as usize].end_at(text, at)?;
                        Some((at, id, end))
                    };
                    word = match prefixes {
                        // Only the terms one of whose first stems is there
                        // (a listed start is a word edge, so most of the
                        // terms with its first letter are not), each from
                        // the forms found there, in order: a term with two
                        // stems there (`lak`, `la`) tries each once.
                        Some(prefixes) => {
                            (prefixes.at(&text.as_bytes()[at..]).iter()).find_map(|&e| {
                                let id = e >> words::FORM_BITS;
                                let form = (e & ((1 << words::FORM_BITS) - 1)) as usize;
                                let end = self.terms[id as usize].end_at_form(text, at, form)?;
                                Some((at, id, end))
                            })
                        }
                        None => st.at(text, at).find_map(try_term),
                    };
                    if word.is_some() {
                        next_word = word;
                        break;
                    }
                    from = match listed {
                        // The next listed start lies past `at` (no character
                        // to decode: 650 K instructions a 1,000 notices).
                        Some(_) => at + 1,
                        None => at + text[at..].chars().next().map_or(1, char::len_utf8),
                    };
                }
            }
            if let (None, false, Some(re)) = (&re_hit, re_done, re) {
                let bound = word.map_or(usize::MAX, |(at, _, _)| at);
                if bound >= re_clear_until {
                    let from = pos.max(re_from);
                    let seen = seen.get_or_insert_with(FactorSeen::default);
                    match re.find_before(text, from, seen, bound, factor_listed) {
                        Bounded::Match(m) => {
                            next_re = Some(m.clone());
                            re_hit = Some(m);
                        }
                        Bounded::Nothing => re_done = true,
                        Bounded::NotBefore => re_clear_until = bound + 1,
                    }
                }
            }
            let hit = match (word, re_hit) {
                (Some((at, id, end)), Some(r)) if at == r.start => {
                    if (id as usize) < self.n_open {
                        at..end
                    } else {
                        r
                    }
                }
                (Some((at, _, _)), Some(r)) if r.start < at => r,
                (Some((at, _, end)), _) => at..end,
                (None, Some(r)) => r,
                (None, None) => return,
            };
            if hit.start < hit.end && at_boundary(text, hit.start, hit.end, self.check_left) {
                if !f(hit.clone()) {
                    return;
                }
                pos = hit.end;
            } else {
                pos = hit.start + text[hit.start..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
}

/// A piece of a [`Part`]'s alternation.
#[derive(Clone, Copy)]
enum Piece<'a> {
    /// A term's fragment, of this length.
    Term(&'a words::WordTerm, usize),
    /// A user's regex, grouped: `(?:regex)`.
    Regex(&'a str),
}

impl Piece<'_> {
    fn len(&self) -> usize {
        match self {
            Piece::Term(_, len) => *len,
            Piece::Regex(r) => r.len() + 4,
        }
    }

    fn write(&self, out: &mut String) {
        match self {
            Piece::Term(t, _) => t.write_regex_source(out),
            Piece::Regex(r) => {
                out.push_str("(?:");
                out.push_str(r);
                out.push(')');
            }
        }
    }
}

/// One part of a set, with whichever matcher it searches with now.
enum Matcher<'a> {
    Regex(&'a Part),
    Words(&'a WordPart),
    /// The words, tried only where the scan's index says a term may start,
    /// and where the regex's window factor begins words if it lists them.
    Listed(&'a WordPart, &'a [u32], Option<&'a [u32]>),
}

impl Matcher<'_> {
    fn each_match(&self, text: &str, check_left: bool, f: impl FnMut(Range<usize>) -> bool) {
        match self {
            Matcher::Regex(p) => p.each_match(text, check_left, f),
            Matcher::Words(w) => w.each_match(text, None, None, f),
            Matcher::Listed(w, list, factor) => w.each_match(text, Some(list), *factor, f),
        }
    }
}

/// A term's literals grow word by word until each is longer than this (a
/// literal that long is rare enough to tell texts apart).
const MIN_LITERAL: usize = 4;

impl TermSet {
    /// Compiles terms and raw regexes (regexes match like bounded terms).
    pub fn new(terms: &[String], regexes: &[String]) -> Result<TermSet, String> {
        for r in regexes {
            // Validate each on its own so the error names the bad one.
            regex::RegexBuilder::new(r)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| format!("invalid regex `{r}`: {e}"))?;
        }
        let set = TermSet::lazy(terms, regexes);
        for p in set.bounded.iter().chain(&set.compound) {
            p.check()?;
        }
        Ok(set)
    }

    /// Like [`TermSet::new`] for patterns known to be valid (the built-in
    /// catalogue): nothing is compiled until a search needs it.
    pub fn lazy(terms: &[String], regexes: &[String]) -> TermSet {
        TermSet::lazy_of(terms, regexes)
    }

    /// [`TermSet::lazy`] of any strings (the built-in catalogue's terms
    /// as they are, not copies).
    pub(crate) fn lazy_of<T: AsRef<str>, R: AsRef<str>>(terms: &[T], regexes: &[R]) -> TermSet {
        // Alternation is leftmost-first: a literal "korjata" would win over
        // "korjataan" and then fail the boundary check, hiding the longer
        // term. So open-ended terms (ending in `\w*`, always at a word end)
        // go first, then literals longest first.
        // Each term as its regex and its word matcher, classified and
        // ordered once; both matchers are built from these lists.
        let mut open = Vec::new();
        let mut literal = Vec::new();
        let mut compound = Vec::new();
        let mut bounded_lits = Some(Vec::new());
        let mut compound_lits = Some(Vec::new());
        for t in terms {
            // The regex fragment and literals as `term_regex` and
            // `term_literals` give them (a test compares), derived from one
            // parse of the term.
            let Some(word) = words::WordTerm::new(t.as_ref()) else {
                continue;
            };
            // Its fragment's length, which orders the lists (the fragment
            // itself is written once, into the alternation).
            let (re, c) = (word.regex_source_len(), word.is_compound());
            let lits = if c {
                &mut compound_lits
            } else {
                &mut bounded_lits
            };
            if let Some(l) = lits {
                word.literals_into(l);
            }
            if c {
                compound.push((re, word));
            } else if word.is_open_ended() {
                open.push((re, word));
            } else {
                literal.push((re, word));
            }
        }
        literal.sort_by_key(|&(len, _)| std::cmp::Reverse(len));
        compound.sort_by_key(|&(len, _)| std::cmp::Reverse(len));
        // The user regexes' literals, for the word matcher's regex too.
        let mut regex_lits = Some(Vec::new());
        for r in regexes {
            match regex_literals(r.as_ref()) {
                Some(l) => {
                    if let Some(all) = &mut bounded_lits {
                        all.extend(l.iter().cloned());
                    }
                    if let Some(all) = &mut regex_lits {
                        all.extend(l);
                    }
                }
                None => {
                    bounded_lits = None;
                    regex_lits = None;
                }
            }
        }
        let n_open = open.len();
        let word_part = |terms: Vec<(usize, words::WordTerm)>,
                         n_open: usize,
                         regex: Option<Part>,
                         check_left| {
            (!terms.is_empty() || regex.is_some()).then(|| WordPart {
                terms: terms.into_iter().map(|(_, w)| w).collect(),
                n_open,
                regex,
                check_left,
                starts: OnceLock::new(),
                prefixes: OnceLock::new(),
            })
        };
        // A match of the alternation contains one of the literals some
        // regex requires (any regex without: nothing known).
        let required = regexes
            .iter()
            .map(|r| regex_required(r.as_ref()))
            .collect::<Option<Vec<_>>>()
            .map(|all| {
                let mut all = all.concat();
                all.sort();
                all.dedup();
                all
            })
            .filter(|all| all.len() <= regex_prefixes::MAX_REQUIRED_LITERALS);
        let begins_words = (regexes.iter()).all(|r| regex_factor_begins_words(r.as_ref()));
        let window = Window::of_alternatives((regexes.iter()).map(|r| {
            let r = r.as_ref();
            regex_window(r).map(|w| (w, regex_factor_ends_words(r)))
        }))
        .map(|w| w.requiring(required).beginning_words(begins_words));
        // The whole alternation has the regexes' window when it is only
        // the regexes (a term matches outside it).
        let bounded_window = window
            .clone()
            .filter(|_| open.is_empty() && literal.is_empty());
        // The alternation: open-ended terms, the user's regexes, literals.
        fn source((len, t): &(usize, words::WordTerm)) -> Piece<'_> {
            Piece::Term(t, *len)
        }
        let bounded = Part::new(
            (open.iter().map(source))
                .chain(regexes.iter().map(|r| Piece::Regex(r.as_ref())))
                .chain(literal.iter().map(source)),
            bounded_lits,
            bounded_window,
        );
        let compound_part = Part::new(compound.iter().map(source), compound_lits, None);
        open.extend(literal);
        TermSet {
            bounded,
            compound: compound_part,
            words: WordParts {
                bounded: word_part(
                    open,
                    n_open,
                    Part::new(
                        regexes.iter().map(|r| Piece::Regex(r.as_ref())),
                        regex_lits,
                        window,
                    ),
                    true,
                ),
                compound: word_part(compound, 0, None, false),
            },
            searched: AtomicU64::new(0),
        }
    }

    /// The matchers to search `len` bytes with: the words while within
    /// the budget, then the regexes.
    fn matchers(&self, len: usize) -> (Option<Matcher<'_>>, Option<Matcher<'_>>) {
        // A text that alone would pass the budget goes to the regexes.
        let words = self.searched.load(Ordering::Relaxed) + (len as u64) < WORD_BUDGET
            && self.searched.fetch_add(len as u64, Ordering::Relaxed) + (len as u64) < WORD_BUDGET;
        if words {
            (
                self.words.bounded.as_ref().map(Matcher::Words),
                self.words.compound.as_ref().map(Matcher::Words),
            )
        } else {
            (
                self.bounded.as_ref().map(Matcher::Regex),
                self.compound.as_ref().map(Matcher::Regex),
            )
        }
    }

    /// Tests: the word matchers and the regexes find the same in `text`.
    #[cfg(test)]
    pub(crate) fn matchers_agree(&self, text: &str) -> Result<(), String> {
        let run = |b: Option<Matcher<'_>>, c: Option<Matcher<'_>>| Self::find_all_with(b, c, text);
        let by_words = run(
            self.words.bounded.as_ref().map(Matcher::Words),
            self.words.compound.as_ref().map(Matcher::Words),
        );
        let by_regex = run(
            self.bounded.as_ref().map(Matcher::Regex),
            self.compound.as_ref().map(Matcher::Regex),
        );
        if by_words == by_regex {
            Ok(())
        } else {
            Err(format!(
                "words {by_words:?} != regex {by_regex:?} in {text:?} for {:?}",
                self.bounded.as_ref().map(|p| &p.src)
            ))
        }
    }

    /// Compiles every pattern now (tests: the built-in catalogue is valid).
    pub fn check(&self) -> Result<(), String> {
        for p in self.bounded.iter().chain(&self.compound) {
            p.check()?;
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.bounded.is_none() && self.compound.is_none()
    }

    fn parts(&self) -> impl Iterator<Item = &Part> {
        self.bounded.iter().chain(&self.compound)
    }

    /// All non-overlapping matches in `text`, in order.
    pub fn find_all(&self, text: &str) -> Vec<Range<usize>> {
        let (b, c) = self.matchers(text.len());
        Self::find_all_with(b, c, text)
    }

    fn find_all_with(
        bounded: Option<Matcher<'_>>,
        compound: Option<Matcher<'_>>,
        text: &str,
    ) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        if let Some(p) = &bounded {
            p.each_match(text, true, |m| {
                out.push(m);
                true
            });
        }
        if let Some(p) = &compound {
            p.each_match(text, false, |m| {
                out.push(m);
                true
            });
            out.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
            // Drop matches nested in an earlier one.
            let mut last_end = 0;
            out.retain(|r| {
                if r.start < last_end {
                    false
                } else {
                    last_end = r.end;
                    true
                }
            });
        }
        out
    }

    /// The first match, if any.
    pub fn find(&self, text: &str) -> Option<Range<usize>> {
        let (b, c) = self.matchers(text.len());
        Self::find_with(b, c, text)
    }

    fn find_with(
        b: Option<Matcher<'_>>,
        c: Option<Matcher<'_>>,
        text: &str,
    ) -> Option<Range<usize>> {
        let first = |p: &Matcher<'_>, check_left: bool| {
            let mut hit = None;
            p.each_match(text, check_left, |m| {
                hit = Some(m);
                false
            });
            hit
        };
        let a = b.as_ref().and_then(|p| first(p, true));
        let b = c.as_ref().and_then(|p| first(p, false));
        match (a, b) {
            (Some(a), Some(b)) => Some(if b.start < a.start { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    pub fn is_match(&self, text: &str) -> bool {
        let (b, c) = self.matchers(text.len());
        Self::any_with(b, c, text)
    }

    /// `find_with(..).is_some()`, without looking for the compound part's
    /// first match once the bounded part has one (only whether either
    /// matches counts, not which match is leftmost).
    fn any_with(b: Option<Matcher<'_>>, c: Option<Matcher<'_>>, text: &str) -> bool {
        let any = |p: &Matcher<'_>, check_left: bool| {
            let mut hit = false;
            p.each_match(text, check_left, |_| {
                hit = true;
                false
            });
            hit
        };
        b.as_ref().is_some_and(|p| any(p, true)) || c.as_ref().is_some_and(|p| any(p, false))
    }

    /// [`TermSet::find_all`] over a scanned text: nothing is searched when
    /// the prefilter rules a match out.
    pub fn find_all_in(&self, scan: &Scan) -> Vec<Range<usize>> {
        match self.matchers_in(scan) {
            Some((b, c)) => Self::find_all_with(b, c, scan.text),
            None => Vec::new(),
        }
    }

    /// The matchers for a scanned text: a part that the scan's index
    /// covers is tried at its listed starts only (nothing to compile), the
    /// others as [`TermSet::matchers`] chooses. `None` when the set cannot
    /// match there ([`TermSet::may_match_in`], from the same look-ups: each
    /// part's slot was looked up twice a search).
    fn matchers_in<'s>(
        &'s self,
        scan: &'s Scan<'_>,
    ) -> Option<(Option<Matcher<'s>>, Option<Matcher<'s>>)> {
        let mut may_match = false;
        let lists = [&self.bounded, &self.compound].map(|p| {
            let p = p.as_ref()?;
            let Some((list, exact)) = scan.starts_and_exact(p) else {
                // Not indexed: the part searches by itself.
                may_match = true;
                return None;
            };
            may_match |= !exact || !list.is_empty() || scan.regex_listed(p);
            Some(list)
        });
        if !may_match {
            return None;
        }
        let (b, c) = self.listed_matchers(lists, scan.text.len());
        // The whole text: the index's places of the regex's window factor
        // too, if it lists them.
        let b = match b {
            Some(Matcher::Listed(w, list, None)) => Some(Matcher::Listed(
                w,
                list,
                w.regex.as_ref().and_then(|re| scan.factor_starts_of(re)),
            )),
            b => b,
        };
        Some((b, c))
    }

    /// The matchers when `lists` gives, for the bounded and the compound
    /// part, where its terms may start (`None`: the part exists and the
    /// index does not cover it, or the part does not exist).
    fn listed_matchers<'s>(
        &'s self,
        lists: [Option<&'s [u32]>; 2],
        len: usize,
    ) -> (Option<Matcher<'s>>, Option<Matcher<'s>>) {
        let listed = |p: &Option<Part>, w: &'s Option<WordPart>, list: Option<&'s [u32]>| match p {
            None => Some(None),
            Some(_) => {
                let list = list?;
                Some(w.as_ref().map(|w| Matcher::Listed(w, list, None)))
            }
        };
        let b = listed(&self.bounded, &self.words.bounded, lists[0]);
        let c = listed(&self.compound, &self.words.compound, lists[1]);
        match (b, c) {
            (Some(b), Some(c)) => (b, c),
            (b, c) => {
                let (mb, mc) = self.matchers(len);
                (b.unwrap_or(mb), c.unwrap_or(mc))
            }
        }
    }

    /// [`TermSet::find_all`] of `scan.text[range]`, as if it were the whole
    /// text (a sentence or a body of the notice), relative to its start. The
    /// index of the whole text gives the starts inside `range`, and its
    /// first character is tried too when it is inside a word: a word cut
    /// there starts a word here ([`range_span`]).
    pub fn find_all_in_range(&self, scan: &Scan, range: Range<usize>) -> Vec<Range<usize>> {
        let Some(spans) = self.range_spans(scan, &range) else {
            return Vec::new();
        };
        let mut buf = RangeStarts::default();
        let (b, c) = self.range_matchers(spans, &range, &mut buf);
        Self::find_all_with(b, c, &scan.text[range])
    }

    /// [`TermSet::is_match`] of `scan.text[range]` (see
    /// [`TermSet::find_all_in_range`]).
    pub fn is_match_in_range(&self, scan: &Scan, range: Range<usize>) -> bool {
        let Some(spans) = self.range_spans(scan, &range) else {
            return false;
        };
        let mut buf = RangeStarts::default();
        let (b, c) = self.range_matchers(spans, &range, &mut buf);
        Self::any_with(b, c, &scan.text[range])
    }

    /// For each part the index covers, its starts within `range`
    /// ([`range_span`]); `None` when neither part can match there (half of
    /// the sentences and bodies searched hold no start of the list: the
    /// matchers' setup, and the room for the starts zeroed, was most of
    /// what such a search cost).
    #[inline(always)]
    fn range_spans<'s>(
        &self,
        scan: &'s Scan<'_>,
        range: &Range<usize>,
    ) -> Option<[Option<RangeSpan<'s>>; 2]> {
        let b = range_span(scan, self.bounded.as_ref(), range);
        let c = range_span(scan, self.compound.as_ref(), range);
        let none = |p: &Option<Part>, s: &Option<RangeSpan>| {
            p.is_none() || s.as_ref().is_some_and(RangeSpan::is_empty)
        };
        if none(&self.bounded, &b) && none(&self.compound, &c) {
            return None;
        }
        Some([b, c])
    }

    /// The matchers for `scan.text[range]`, the starts of `spans` written
    /// into `buf` relative to the range (the caller's stack: built as an
    /// array of two owned lists, they were copied about three times); a
    /// part that cannot match there has none. What
    /// [`TermSet::listed_matchers`] gives, built in place (through it, the
    /// two matchers were copied twice more: 130 instructions a search).
    #[inline(always)]
    fn range_matchers<'b>(
        &'b self,
        [span_b, span_c]: [Option<RangeSpan<'_>>; 2],
        range: &Range<usize>,
        buf: &'b mut RangeStarts,
    ) -> (Option<Matcher<'b>>, Option<Matcher<'b>>) {
        // A part the index does not cover searches as `matchers` chooses
        // (asked once: it counts the words' budget).
        let by_itself = |p: &Option<Part>, s: &Option<RangeSpan>| p.is_some() && s.is_none();
        let (mb, mc) = if by_itself(&self.bounded, &span_b) || by_itself(&self.compound, &span_c) {
            self.matchers(range.len())
        } else {
            (None, None)
        };
        let a = range.start as u32;
        let [inline_b, inline_c] = &mut buf.inline;
        let [heap_b, heap_c] = &mut buf.heap;
        let b = match span_b {
            Some(s) if s.is_empty() => None,
            Some(s) => (self.words.bounded.as_ref())
                .map(|w| Matcher::Listed(w, s.relative(a, inline_b, heap_b), None)),
            None => mb.filter(|_| self.bounded.is_some()),
        };
        let c = match span_c {
            Some(s) if s.is_empty() => None,
            Some(s) => (self.words.compound.as_ref())
                .map(|w| Matcher::Listed(w, s.relative(a, inline_c, heap_c), None)),
            None => mc.filter(|_| self.compound.is_some()),
        };
        (b, c)
    }

    /// The matches of [`TermSet::find_all_in`], in order, each passed to
    /// `f` until it returns false; the search stops there (most callers want
    /// the first match that passes a test, early in the notice).
    pub fn each_match_in(&self, scan: &Scan, mut f: impl FnMut(Range<usize>) -> bool) {
        match self.matchers_in(scan) {
            None => {}
            // One part's matches come in order without overlaps: what
            // `find_all_with` would return, found one at a time.
            Some((Some(p), None)) => p.each_match(scan.text, true, f),
            Some((None, Some(p))) => p.each_match(scan.text, false, f),
            Some((b, c)) => {
                for m in Self::find_all_with(b, c, scan.text) {
                    if !f(m) {
                        return;
                    }
                }
            }
        }
    }

    /// [`TermSet::is_match`] over a scanned text.
    pub fn is_match_in(&self, scan: &Scan) -> bool {
        match self.matchers_in(scan) {
            Some((b, c)) => Self::any_with(b, c, scan.text),
            None => false,
        }
    }

    /// False when the set cannot match the scanned text: no part has a
    /// listed start, and the index knows every way each may start.
    pub fn may_match_in(&self, scan: &Scan) -> bool {
        // (One look-up of the part's slot: this runs some 25 times a notice.)
        self.parts().any(|p| match scan.starts_and_exact(p) {
            Some((list, true)) => !list.is_empty() || scan.regex_listed(p),
            _ => true,
        })
    }

    /// Each part with its word matcher.
    fn part_pairs(&self) -> [(Option<&Part>, Option<&WordPart>); 2] {
        [
            (self.bounded.as_ref(), self.words.bounded.as_ref()),
            (self.compound.as_ref(), self.words.compound.as_ref()),
        ]
    }
}

/// Listed starts inside a sentence or body: a sentence has a few, kept on
/// the stack (a vector for each was about a tenth of a range search).
const RANGE_STARTS_INLINE: usize = 24;

/// Room for both parts' starts within a range ([`TermSet::range_matchers`]):
/// on the stack when they are few, else in a vector.
struct RangeStarts {
    inline: [[u32; RANGE_STARTS_INLINE]; 2],
    heap: [Vec<u32>; 2],
}

impl Default for RangeStarts {
    fn default() -> Self {
        RangeStarts {
            inline: [[0; RANGE_STARTS_INLINE]; 2],
            heap: [Vec::new(), Vec::new()],
        }
    }
}

/// A part's starts within a range ([`range_span`]): the index's entries
/// there, positions in the whole text, and whether the range's first
/// character is tried before them.
#[derive(Clone, Copy)]
struct RangeSpan<'s> {
    listed: &'s [u32],
    first: bool,
    /// No term may start in the range, and the regex's literals, listed
    /// apart, begin in it.
    regex_in: bool,
}

impl RangeSpan<'_> {
    /// The part cannot match in the range.
    fn is_empty(&self) -> bool {
        !self.first && self.listed.is_empty() && !self.regex_in
    }

    /// The starts relative to the range starting at `a` (0 first when
    /// `first`), in `inline` when they fit, else in `heap`.
    #[inline]
    fn relative<'b>(
        &self,
        a: u32,
        inline: &'b mut [u32; RANGE_STARTS_INLINE],
        heap: &'b mut Vec<u32>,
    ) -> &'b [u32] {
        let n = usize::from(self.first) + self.listed.len();
        let out: &mut [u32] = if n <= RANGE_STARTS_INLINE {
            &mut inline[..n]
        } else {
            heap.resize(n, 0);
            heap
        };
        if self.first {
            out[0] = 0;
        }
        for (slot, &p) in out[usize::from(self.first)..].iter_mut().zip(self.listed) {
            *slot = p - a;
        }
        out
    }
}

/// How many of the ascending `list` are below `b`: `partition_point`,
/// after a look at the first few (a sentence holds few starts, and its
/// list begins at the sentence).
#[inline]
fn count_below(list: &[u32], b: u32) -> usize {
    match list.iter().take(4).position(|&p| p >= b) {
        Some(n) => n,
        None => list.partition_point(|&p| p < b),
    }
}

/// `part`'s starts within `range` when the index covers it.
///
/// Past its first character, a range's word edges are the text's, and so
/// are its starts. Its first character starts a word in the range when it
/// is a word's inner one in the text, where the index did not try it: it
/// is tried then (`first`). Empty when the part cannot match there: the
/// index knows every way its matches start and lists none.
#[inline(always)]
fn range_span<'s>(
    scan: &'s Scan<'_>,
    part: Option<&Part>,
    range: &Range<usize>,
) -> Option<RangeSpan<'s>> {
    let part = part?;
    let (list, exact) = scan.starts_and_exact(part)?;
    let (a, b) = (range.start as u32, range.end as u32);
    let rest = &list[list.partition_point(|&p| p < a)..];
    let listed = &rest[..count_below(rest, b)];
    // Whether the regex's literals, when listed apart, begin in the range.
    let regex_in = || {
        scan.regex_starts_of(part).is_some_and(|l| {
            let rest = &l[l.partition_point(|&p| p < a)..];
            rest.first().is_some_and(|&p| p < b)
        })
    };
    // The first character when it is inside a word of the text and not
    // listed already; and for a list that cannot rule a match out (a
    // regex whose literals the index cannot hold), so that it is never
    // empty.
    // (Asked only where no term may start: then the part may match in the
    // range only by its regex.)
    let regex_in = listed.is_empty() && regex_in();
    let first = listed.first() != Some(&a)
        && (words::ends_word_char(scan.text.as_bytes(), range.start)
            || !exact && listed.is_empty() && !regex_in);
    Some(RangeSpan {
        listed,
        first,
        regex_in,
    })
}

/// Where, once per notice, each of many term sets (a whole catalogue) may
/// match, so that a set searches only there, and not at all when it cannot
/// match: most term lists do not occur in a given notice.
///
/// Every match of a term starts with a stem of its first word, and every
/// match of a regex with one of its literal prefixes. One walk over the
/// text ([`index`]) lists, for each set's part, where such a stem starts
/// (a regex literal counts from its first letter: ` oy` gives `oy`, which
/// starts a word wherever the literal occurs). A part whose list is empty
/// cannot match. A part with a regex whose literals the index cannot hold
/// (none known, or one with no letter: `@`, `[`) is always searched; its
/// regex skips ahead by its own prefilter. (A 4-gram bitmap filter stood
/// here before the index: 6 % of a run, and it could only say "maybe".)
/// The engine's equivalence test compares results with and without it.
#[derive(Debug, Clone, Default)]
pub struct Prefilter {
    /// Part id → index slot (parts with the same pattern share one), and
    /// whether the index knows every way a match of the part may start.
    index_slots: PartSlots,
    /// Part id → index slot of the places where its window's factor
    /// begins words ([`Window::begins_words`]).
    factor_slots: PartSlots,
    /// Part id → index slot of its regex's literals, for a part with terms
    /// and a regex (its `index_slots` lists its terms' starts only).
    regex_slots: PartSlots,
    index: Option<index::TermIndex>,
}

/// Part id → (index slot, exact), by position: ids are numbered in order
/// of creation, and a catalogue's parts are made together, so the table is
/// dense (looked up some sixty times a notice; a hash of the id cost more
/// than the rest of the look-up).
#[derive(Debug, Clone, Default)]
struct PartSlots {
    first: u64,
    slots: Vec<Option<(u32, bool)>>,
}

impl PartSlots {
    fn get(&self, id: u64) -> Option<(u32, bool)> {
        let i = usize::try_from(id.checked_sub(self.first)?).ok()?;
        self.slots.get(i).copied().flatten()
    }

    fn insert(&mut self, id: u64, slot: u32, exact: bool) {
        if self.slots.is_empty() {
            self.first = id;
        } else if id < self.first {
            let shift = (self.first - id) as usize;
            self.slots.splice(0..0, std::iter::repeat_n(None, shift));
            self.first = id;
        }
        let i = (id - self.first) as usize;
        if i >= self.slots.len() {
            self.slots.resize(i + 1, None);
        }
        self.slots[i] = Some((slot, exact));
    }
}

/// A text checked by a [`Prefilter`].
#[derive(Debug)]
pub struct Scan<'a> {
    pub text: &'a str,
    pre: &'a Prefilter,
    /// Where the indexed parts' terms may start.
    starts: Option<index::StartLists<'a>>,
}

impl Scan<'_> {
    /// The function words ([fi, sv, en]) among all the text's pieces, if
    /// the index counted them on its pass ([`crate::lint::language_of_joined`]).
    pub fn function_words(&self) -> Option<[u32; 3]> {
        self.starts.as_ref()?.function_words
    }

    /// Where the terms of `p` may start in the text, ascending, if the
    /// prefilter's index covers `p`, and whether every match of `p` starts
    /// at one of them (see [`Prefilter`]).
    fn starts_and_exact(&self, p: &Part) -> Option<(&[u32], bool)> {
        let (slot, exact) = self.pre.index_slots.get(p.id)?;
        Some((self.starts.as_ref()?.of(slot as usize), exact))
    }

    /// Where the literals of `p`'s regex begin, for a part whose terms'
    /// starts are listed apart from them ([`Prefilter::regex_slots`]).
    #[inline]
    fn regex_starts_of(&self, p: &Part) -> Option<&[u32]> {
        let (slot, _) = self.pre.regex_slots.get(p.id)?;
        Some(self.starts.as_ref()?.of(slot as usize))
    }

    /// Whether `p`'s regex's literals begin somewhere (false when they are
    /// listed with its terms).
    #[inline]
    fn regex_listed(&self, p: &Part) -> bool {
        self.regex_starts_of(p).is_some_and(|l| !l.is_empty())
    }

    /// Where the factor of `p`'s window begins words in the text,
    /// ascending, if the index lists it ([`Window::begins_words`]).
    fn factor_starts_of(&self, p: &Part) -> Option<&[u32]> {
        let (slot, _) = self.pre.factor_slots.get(p.id)?;
        Some(self.starts.as_ref()?.of(slot as usize))
    }
}

impl Prefilter {
    pub fn new<'a>(sets: impl IntoIterator<Item = &'a TermSet>) -> Prefilter {
        let mut index_by_src: HashMap<&str, u32> = HashMap::new();
        let mut factor_by_src: HashMap<&str, u32> = HashMap::new();
        let mut regex_by_src: HashMap<&str, u32> = HashMap::new();
        let mut index_lists: Vec<(Vec<Cow<str>>, bool)> = Vec::new();
        let mut pre = Prefilter::default();
        for set in sets {
            for (p, w) in set.part_pairs() {
                let (Some(p), Some(w)) = (p, w) else { continue };
                // `exact`: every match starts with a listed stem, so a
                // part with no start listed cannot match.
                let mut firsts = Vec::new();
                let mut regex_firsts = Vec::new();
                let mut exact = true;
                let mut indexable = true;
                for t in &w.terms {
                    // The prefixes every match starts with, not only the
                    // first stems: for a phrase whose closed first word is
                    // as common as `on` or `ja`, the index then lists only
                    // the places where the next word's stem follows (`on
                    // al`), where it listed every `on` (of some 100 K
                    // listed starts per 1,000 notices, 85 K found nothing
                    // in the word part's prefix walk). Cut to a character
                    // boundary: a shorter prefix lists more places, none
                    // fewer.
                    match t.match_prefixes() {
                        Some(f) => firsts.extend(f.into_iter().map(|(p, _)| {
                            let p = match std::str::from_utf8(&p) {
                                Ok(s) => s,
                                Err(e) => {
                                    std::str::from_utf8(&p[..e.valid_up_to()]).expect("valid")
                                }
                            };
                            Cow::Owned(p.to_string())
                        })),
                        None => indexable = false,
                    }
                }
                if let Some(re) = &w.regex {
                    // Only the literal's presence counts here (the regex
                    // is searched by itself), so its first letter on will
                    // do; the index walks from word edges for those (a
                    // stem starting with a space would stop its search
                    // inside words everywhere).
                    match &re.literals {
                        Some(lits) => {
                            for l in lits {
                                let from_letter =
                                    l.trim_start_matches(|c: char| !c.is_alphanumeric());
                                if from_letter.is_empty() {
                                    exact = false;
                                } else {
                                    regex_firsts.push(Cow::Borrowed(from_letter));
                                }
                            }
                        }
                        None => exact = false,
                    }
                }
                if !indexable || firsts.is_empty() && regex_firsts.is_empty() {
                    continue;
                }
                // The regex's literals in a list of their own, beside the
                // terms': the word matcher tries only the terms' starts
                // (of 34.6 K starts it tried per 1,000 notices, 13.3 K were
                // a regex literal's only, where no term begins), and the
                // part may match where either list has a start.
                let split = !firsts.is_empty() && !regex_firsts.is_empty();
                if !split {
                    firsts.append(&mut regex_firsts);
                }
                let next = index_lists.len() as u32;
                let slot = *index_by_src.entry(p.src.as_str()).or_insert(next);
                if slot == next {
                    index_lists.push((firsts, w.check_left));
                }
                pre.index_slots.insert(p.id, slot, exact);
                if split {
                    let next = index_lists.len() as u32;
                    let slot = *regex_by_src.entry(p.src.as_str()).or_insert(next);
                    if slot == next {
                        index_lists.push((regex_firsts, w.check_left));
                    }
                    pre.regex_slots.insert(p.id, slot, exact);
                }
                // The regex's window factor, where it begins words: as
                // stems that start at word edges.
                if let Some(re) = w.regex.as_ref() {
                    if let Some(win) = re.window.as_ref().filter(|win| win.begins_words) {
                        let next = index_lists.len() as u32;
                        let slot = *factor_by_src.entry(re.src.as_str()).or_insert(next);
                        if slot == next {
                            index_lists.push((
                                win.literals
                                    .iter()
                                    .map(|l| Cow::Borrowed(l.as_str()))
                                    .collect(),
                                true,
                            ));
                        }
                        pre.factor_slots.insert(re.id, slot, true);
                    }
                }
            }
        }
        if !index_lists.is_empty() {
            let index_lists: Vec<(Vec<&str>, bool)> = (index_lists.iter())
                .map(|(stems, at_edge)| (stems.iter().map(|s| &**s).collect(), *at_edge))
                .collect();
            pre.index = index::TermIndex::new(&index_lists);
        }
        pre
    }

    pub fn scan<'a>(&'a self, text: &'a str) -> Scan<'a> {
        let starts = (self.index.as_ref())
            .filter(|_| u32::try_from(text.len()).is_ok())
            .map(|ix| ix.starts(text));
        Scan {
            text,
            pre: self,
            starts,
        }
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

/// Whether a match starts and ends at word boundaries: a word character at
/// the edge of the match must not continue into the text around it.
pub fn at_boundary(text: &str, start: usize, end: usize, check_left: bool) -> bool {
    if check_left && joins_words(text, start) {
        return false;
    }
    !joins_words(text, end)
}

/// Whether word characters lie on both sides of `at` (none at an end of
/// the text). An ASCII byte on either side decides by itself without
/// decoding (two decodes and two Unicode look-ups a side took about 100
/// instructions a match checked).
#[inline(always)]
fn joins_words(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    let before = at.checked_sub(1).and_then(|i| bytes.get(i));
    match (before, bytes.get(at)) {
        (None, _) | (_, None) => false,
        (Some(&b), _) if b.is_ascii() && !b.is_ascii_alphanumeric() => false,
        (_, Some(&a)) if a.is_ascii() && !a.is_ascii_alphanumeric() => false,
        (Some(&b), Some(&a)) if b.is_ascii() && a.is_ascii() => true,
        _ => joins_words_plain(text, at),
    }
}

/// [`joins_words`] by decoding the characters.
fn joins_words_plain(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at..].chars().next();
    before.is_some_and(is_word) && after.is_some_and(is_word)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every char boundary of `text`, its end included: where a range may
    /// start or end.
    fn char_cuts(text: &str) -> Vec<usize> {
        text.char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect()
    }

    /// [`at_boundary`] as it was: both characters of each edge decoded.
    fn at_boundary_plain(text: &str, start: usize, end: usize, check_left: bool) -> bool {
        let joins = |at: usize| {
            let before = text[..at].chars().next_back();
            let after = text[at..].chars().next();
            matches!((before, after), (Some(b), Some(a)) if is_word(b) && is_word(a))
        };
        if check_left && joins(start) {
            return false;
        }
        !joins(end)
    }

    #[test]
    fn at_boundary_is_the_plain_check() {
        // ASCII and not, letters, digits (`٣` is one), marks and symbols.
        let alphabet = [
            'a', 'Z', '7', ' ', '-', '.', '_', 'ä', 'Ö', 'å', '٣', '\u{301}', '€', '中', '\u{a0}',
        ];
        let mut rnd = crate::xorshift(0xB0D4);
        let mut texts = vec![String::new(), "ä".into(), "a".into()];
        for _ in 0..300 {
            let n = (rnd() % 9) as usize;
            texts.push(
                (0..n)
                    .map(|_| alphabet[(rnd() as usize) % alphabet.len()])
                    .collect(),
            );
        }
        for text in &texts {
            let cuts = char_cuts(text);
            for (i, &start) in cuts.iter().enumerate() {
                for &end in &cuts[i..] {
                    for check_left in [false, true] {
                        assert_eq!(
                            at_boundary(text, start, end, check_left),
                            at_boundary_plain(text, start, end, check_left),
                            "{text:?} {start}..{end} {check_left}"
                        );
                    }
                }
            }
        }
    }

    fn set(terms: &[&str]) -> TermSet {
        let t: Vec<String> = terms.iter().map(|s| s.to_string()).collect();
        TermSet::new(&t, &[]).unwrap()
    }

    #[test]
    fn part_slots_answer_as_a_map() {
        let mut rnd = crate::xorshift(0x51075);
        for _ in 0..200 {
            let mut slots = PartSlots::default();
            let mut map = HashMap::new();
            let base = rnd() % 1000;
            for _ in 0..rnd() % 30 {
                let (id, slot, exact) = (
                    base + rnd() % 50,
                    (rnd() % 9) as u32,
                    rnd().is_multiple_of(2),
                );
                slots.insert(id, slot, exact);
                map.insert(id, (slot, exact));
            }
            for id in base.saturating_sub(5)..base + 60 {
                assert_eq!(slots.get(id), map.get(&id).copied(), "{id}");
            }
        }
    }

    #[test]
    fn laki_in_every_case() {
        let s = set(&["henkilötietolaki~"]);
        for form in [
            "henkilötietolaki",
            "henkilötietolain",
            "henkilötietolakia",
            "henkilötietolaissa",
            "henkilötietolaista",
            "henkilötietolakiin",
            "henkilötietolailla",
            "henkilötietolailta",
            "henkilötietolaille",
            "henkilötietolakina",
            "henkilötietolaiksi",
            "henkilötietolakeihin",
            "henkilötietolaeissa",
            "henkilötietolain mukaisesti",
        ] {
            assert!(s.is_match(form), "{form}");
        }
        for other in ["henkilötietolaatu", "henkilötiedot", "tietosuojalaki"] {
            assert!(!s.is_match(other), "{other}");
        }
    }

    #[test]
    fn gradation_tt_t_and_us_words() {
        let s = set(&["tietosuojavaltuutettu~"]);
        for form in [
            "tietosuojavaltuutettu",
            "tietosuojavaltuutetun",
            "tietosuojavaltuutettua",
            "tietosuojavaltuutettuun",
            "tietosuojavaltuutetulle",
            "tietosuojavaltuutetulla",
            "tietosuojavaltuutetulta",
            "tietosuojavaltuutettuna",
            "tietosuojavaltuutetuksi",
        ] {
            assert!(s.is_match(form), "{form}");
        }
        let o = set(&["kielto-oikeus~"]);
        for form in [
            "kielto-oikeus",
            "kielto-oikeuden",
            "kielto-oikeutta",
            "kielto-oikeudesta",
        ] {
            assert!(o.is_match(form), "{form}");
        }
        let e = set(&["*rekisteriseloste~"]);
        for form in [
            "rekisteriseloste",
            "rekisteriselosteen",
            "rekisteriselostetta",
            "rekisteriselosteessa",
            "rekisteriselosteeseen",
            "asiakasrekisteriseloste",
        ] {
            assert!(e.is_match(form), "{form}");
        }
        let a = set(&["osoite~"]);
        assert!(a.is_match("osoitteen"));
        assert!(a.is_match("osoite"));
        let p = set(&["peruste~"]);
        for form in [
            "peruste",
            "perusteet",
            "perusteella",
            "perustetta",
            "perusteiden",
        ] {
            assert!(p.is_match(form), "{form}");
        }
        for other in ["perustuu", "perustietoa", "perustaa", "perustiedot"] {
            assert!(!p.is_match(other), "{other}");
        }
        let n = set(&["valvontaviranomainen~"]);
        assert!(n.is_match("valvontaviranomaiselle"));
        assert!(n.is_match("valvontaviranomaisille"));
    }

    #[test]
    fn a_match_failing_the_word_edge_does_not_hide_a_shorter_one() {
        // The regex alternative stops inside "valvontaviranomaiselle"; the
        // literal term inside its span must still be found.
        let s = TermSet::new(
            &["tehdä valitus".to_string()],
            &["oikeus [^.]*?valvontaviranomai".to_string()],
        )
        .unwrap();
        let text = "oikeus tehdä valitus valvontaviranomaiselle.";
        assert_eq!(s.find_all(text), vec![7..21]);
        assert_eq!(s.find(text), Some(7..21));
    }

    /// The word path searches for the next term start once, not once per
    /// regex hit: a long text of regex hits that fail their word edge and
    /// no term stem ("kyllä" against ` (?:ky|oy)`) took 20 s at 1.6 MB.
    #[test]
    fn word_path_searches_for_term_starts_once() {
        let s = TermSet::lazy(
            &["rekisterinpitäjä~".to_string(), "controller".to_string()],
            &[" (?:ky|oy)".to_string()],
        );
        // One stem, at the very end: every search for it reads the text.
        let text = "kyllä ".repeat(20_000) + "controller";
        words::FIRST_FROM_CALLS.with(|c| c.set(0));
        let words = s.words.bounded.as_ref().unwrap();
        let mut found = Vec::new();
        words.each_match(&text, None, None, |m| {
            found.push(m);
            true
        });
        assert_eq!(found, vec![text.len() - 10..text.len()]);
        let calls = words::FIRST_FROM_CALLS.with(|c| c.get());
        assert!(calls <= 2, "{calls} searches for term starts");
        assert_eq!(s.matchers_agree(&text), Ok(()));
    }

    #[test]
    fn literals_and_boundaries() {
        let s = set(&["muuta?", "(s-postiosoite)", "xxx", "523/1999"]);
        assert!(s.is_match("sähköpostitse (s-postiosoite) tai"));
        assert!(s.is_match("tiedot, muuta?"));
        assert!(!s.is_match("muut tiedot"));
        assert!(!s.is_match("muuta tietoa"));
        assert!(!s.is_match("xxxl"));
        assert!(s.is_match("laki 523/1999 kumottu"));
        let k = set(&["korjata", "korjataan", "korjaa*"]);
        assert!(k.is_match("tiedot korjataan pyynnöstä"));
        assert!(k.is_match("voi korjata"));
        let p = set(&["personuppgiftslag~"]);
        assert!(p.is_match("enligt personuppgiftslagen (523/99)"));
    }

    /// Every match of a term's regex must start with one of
    /// `term_literals` (the prefilter relies on it): checked against the
    /// regex parser's own prefix literals, for every string in the rule
    /// files and heading tables and for random words of every ending.
    #[test]
    fn term_literals_are_prefixes_of_every_match() {
        use regex_syntax::hir::literal::{ExtractKind, Extractor};
        let check = |t: &str| {
            let (re, _) = term_regex(t);
            if re.is_empty() {
                return;
            }
            let lits = term_literals(t);
            let hir = regex_syntax::ParserBuilder::new()
                .multi_line(true)
                .build()
                .parse(&re)
                .unwrap();
            // High limits, so that the parser does not cut its literals short.
            let seq = Extractor::new()
                .kind(ExtractKind::Prefix)
                .limit_total(100_000)
                .limit_literal_len(1000)
                .extract(&hir);
            let Some(prefixes) = seq.literals() else {
                panic!("{t:?}: no finite prefixes for {re}");
            };
            for p in prefixes {
                assert!(
                    lits.iter().any(|l| p.as_bytes().starts_with(l.as_bytes())),
                    "{t:?}: {p:?} starts with none of {lits:?}"
                );
            }
        };
        for t in sample_terms() {
            check(&t);
        }
    }

    /// Every string in the rule files and heading tables, bare, inflected
    /// and as a compound, then random words of every ending.
    fn sample_terms() -> Vec<String> {
        fn strings(v: &toml::Value, out: &mut Vec<String>) {
            match v {
                toml::Value::String(s) => out.push(s.clone()),
                toml::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
                toml::Value::Table(t) => t.values().for_each(|x| strings(x, out)),
                _ => {}
            }
        }
        let mut all = Vec::new();
        let files = crate::engine::catalogue::BUILTIN
            .iter()
            .map(|(_, src)| *src)
            .chain([crate::schema::DEFAULT_HEADINGS]);
        for src in files {
            strings(&toml::from_str(src).unwrap(), &mut all);
        }
        assert!(all.len() > 500);
        let mut out = Vec::new();
        for t in &all {
            out.extend([t.clone(), format!("{t}~"), format!("*{t}*")]);
        }
        let letters: Vec<char> = "aeiouyäöklmnprstdhgvj".chars().collect();
        let mut next = crate::xorshift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let seed = next();
            let len = 1 + (seed % 9) as usize;
            let w: String = (0..len)
                .map(|k| letters[((seed >> (k * 5 + 4)) % letters.len() as u64) as usize])
                .collect();
            out.extend([
                format!("{w}~"),
                format!("{w}nen~"),
                format!("{w}us~"),
                format!("{w}*"),
                format!("{w} {w}~ {w}*"),
            ]);
        }
        out
    }

    /// A regex with its counted repeats of wide classes compiled byte-wise
    /// ([`bytewise_repeats`]) finds what the pattern as written finds: every
    /// built-in regex and some that probe the edges (a repeat last, greedy
    /// and lazy, nested, case-blind), from every character boundary of
    /// random texts dense in non-ASCII characters, with ranges ending at
    /// random boundaries too, and over the fixtures and corpus.
    #[test]
    fn bytewise_repeats_find_what_the_pattern_finds() {
        let mut patterns: Vec<String> = (BUILTIN_REGEX_PREFIXES.iter())
            .map(|(r, _)| format!("(?:{r})"))
            .collect();
        patterns.extend(
            [
                "x[^.]{0,5}",
                "x[^.]{1,5}?",
                "[^.]{2,4}y",
                "[^a-z]{2,6}",
                "[^\\n]{1,3}?ä",
                "(?:a[^,]{0,3}){1,2}ö",
                "(?i)k[^.]{0,4}?€",
                "(?:ä|[^\\]\\[\\n]{2,3})[^x]{1,2}?(?:y|😀)",
                "[^\\s]{2,3}",
            ]
            .map(String::from),
        );
        let lines = crate::sample_file_lines();
        let real = lines.join("\n").to_lowercase();
        let mut next = crate::xorshift(0x68);
        let mut rewritten = 0;
        let (_, syntax) = Part::config();
        // Compiled for a part with a window too (another configuration).
        for (p, windowed) in patterns.iter().flat_map(|p| [(p, false), (p, true)]) {
            let hir = regex_automata::util::syntax::parse_with(p, &syntax).expect("parses");
            if bytewise_repeats(&hir).is_some() && !windowed {
                rewritten += 1;
            }
            let plain = Part::compile(p).expect("compiles");
            let fast = Part::compile_for_search(p, !windowed).expect("compiles");
            let mut pieces: Vec<String> = p
                .split(|c: char| !c.is_alphanumeric() && c != ':')
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect();
            pieces.extend(
                [
                    "ä", "ö", "å", "é", "€", "😀", "\u{a0}", "\u{2003}", " ", " ", ".", ",", "\n",
                    "[", "]", "a", "x", "y", "k", "K",
                ]
                .map(String::from),
            );
            let find = |re: &meta::Regex, text: &str, r: Range<usize>| {
                re.find(Input::new(text).range(r)).map(|m| m.range())
            };
            for _ in 0..60 {
                let n = (next() % 30) as usize;
                let text = crate::random_text(
                    &mut next,
                    &pieces.iter().map(String::as_str).collect::<Vec<_>>(),
                    n,
                );
                let bounds: Vec<usize> = (0..=text.len())
                    .filter(|&i| text.is_char_boundary(i))
                    .collect();
                for (i, &from) in bounds.iter().enumerate() {
                    // A boundary up to three characters on.
                    let end = bounds[(i + next() as usize % 4).min(bounds.len() - 1)];
                    for r in [from..text.len(), from..end] {
                        assert_eq!(
                            find(&fast, &text, r.clone()),
                            find(&plain, &text, r.clone()),
                            "{p} in {text:?} {r:?}"
                        );
                    }
                }
            }
            let mut pos = 0;
            while pos <= real.len() {
                let whole = find(&plain, &real, pos..real.len());
                assert_eq!(find(&fast, &real, pos..real.len()), whole, "{p} from {pos}");
                let Some(m) = whole else { break };
                pos = if m.end > m.start { m.end } else { m.start + 1 };
                while !real.is_char_boundary(pos.min(real.len())) {
                    pos += 1;
                }
            }
        }
        // The built-in complaint, unsubscribe and placeholder regexes and
        // all but one of the probes.
        assert!(rewritten >= 10, "{rewritten}");
    }

    /// The build-time table holds what the parser gives for each regex, and
    /// loading the built-in catalogue computes none at run time (a rule
    /// field for regexes whose name `build.rs` does not collect would).
    #[test]
    fn builtin_regex_prefixes_come_from_the_build() {
        assert!(BUILTIN_REGEX_PREFIXES.len() >= 30);
        for (re, lits) in BUILTIN_REGEX_PREFIXES {
            let expected = regex_prefixes::compute(re);
            assert_eq!(
                lits.map(|l| l.to_vec()),
                expected
                    .as_ref()
                    .map(|v| v.iter().map(String::as_str).collect()),
                "{re}"
            );
        }
        PREFIXES_COMPUTED.with(|n| n.set(0));
        let engine = crate::engine::Engine::builtin();
        assert!(!engine.rules.is_empty());
        assert_eq!(PREFIXES_COMPUTED.with(|n| n.get()), 0);
        // A user's own regex is computed.
        let _ = TermSet::lazy(&[], &["omaa (?:tekstiä|sisältöä)".to_string()]);
        assert_eq!(PREFIXES_COMPUTED.with(|n| n.get()), 1);
    }

    /// `build.rs` gives the same windows as the code a user's regex goes
    /// through, ranked by the same sample.
    #[test]
    fn builtin_regex_windows_come_from_the_build() {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let sample = regex_prefixes::fixture_sample(&fixtures);
        assert!(BUILTIN_REGEX_WINDOWS.len() >= 30);
        assert!(
            BUILTIN_REGEX_WINDOWS
                .iter()
                .filter(|(_, w)| w.is_some())
                .count()
                >= 20
        );
        for (re, w) in BUILTIN_REGEX_WINDOWS {
            let expected = regex_prefixes::window(re, &sample);
            let got = w.map(|(f, b)| (f.iter().map(|x| x.to_string()).collect(), b.to_vec()));
            assert_eq!(got, expected, "{re}");
        }
    }

    /// Checks that `build.rs`'s table (`table`) says for every built-in
    /// window regex what `analysis` finds with the bundled sample, and
    /// returns the table's answer for the built-in regex containing a part.
    fn built_table_agrees(
        table: fn(&str) -> bool,
        analysis: fn(&str, &str) -> bool,
    ) -> impl Fn(&str) -> bool {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let sample = regex_prefixes::fixture_sample(&fixtures);
        for (re, _) in BUILTIN_REGEX_WINDOWS {
            assert_eq!(table(re), analysis(re, &sample), "{re}");
        }
        move |part: &str| {
            let re = (BUILTIN_REGEX_WINDOWS.iter())
                .find(|(re, _)| re.contains(part))
                .expect("a built-in regex")
                .0;
            table(re)
        }
    }

    /// `build.rs` lists the regexes whose window factor begins words as
    /// [`regex_prefixes::factor_begins_words`] finds them with the bundled
    /// sample: the no-data claim's (`\s(?:kerää|kerätä)`), not the fee
    /// rule's (`maksu…` may start inside a word) nor one whose factor
    /// follows letters (`(?:jäsen|asiakas)rekisteriä`).
    #[test]
    fn builtin_factors_that_begin_words_come_from_the_build() {
        let has = built_table_agrees(
            regex_factor_begins_words,
            regex_prefixes::factor_begins_words,
        );
        assert!(has("(?:kerää|kerätä)"));
        assert!(has("\\scollected"));
        assert!(!has("maksu(?:a|lla|n)? [^.]*?euro"));
        assert!(!has("(?:jäsen|asiakas)rekisteriä"));
        assert!(!has("(?:data|information) (?:is|are)"));
        for (re, begins) in [
            ("abc\\s(?:cdef|efgh)", true),
            ("abc(?:cdef|efgh)", false),
            ("[a-z]+[ .]?cdefgh", false),
            ("[a-z]+(?:\\s|, )cdefgh", true),
            ("(?:abc )?cdefgh", false),
            ("x(?: |, )+(?:[a-z]+ )*cdefgh", true),
            ("[a-z]+\\sÄbcdef", false),
        ] {
            assert_eq!(regex_prefixes::factor_begins_words(re, ""), begins, "{re}");
        }
    }

    /// `build.rs` lists the regexes whose window factor is followed by a
    /// character that continues no word as
    /// [`regex_prefixes::factor_ends_words`] finds them: the no-data
    /// claim's `(?:kerää|kerätä)\s`, not a factor that ends the match or
    /// one followed by letters.
    #[test]
    fn builtin_factors_that_end_words_come_from_the_build() {
        let has = built_table_agrees(regex_factor_ends_words, regex_prefixes::factor_ends_words);
        assert!(has("(?:kerää|kerätä)"));
        assert!(!has("\\scollected"));
        assert!(!has("milloin tahansa[^.]"));
        for (re, ends) in [
            ("abc\\s(?:cdef|efgh)\\sx", true),
            ("abc\\s(?:cdef|efgh)", false),
            ("\\s(?:cdef|efgh)(?:\\s|, )y", true),
            ("\\s(?:cdef|efgh)(?: |a)y", false),
            ("\\s(?:cdef|efgh)(?: )?y", false),
            ("\\s(?:cdef,|efgh )y", false),
            ("\\s(?:cdef|efgh)+ y", false),
            ("\\s(?:(?:cdef|efgh) y|zzz)", false),
            ("\\s(?:(?:cdef|efgh) y|mnop )\\sq", true),
            ("\\s(?:cdef|efgh)Ä", false),
        ] {
            assert_eq!(regex_prefixes::factor_ends_words(re, ""), ends, "{re}");
        }
    }

    /// `build.rs` gives the same required literals as
    /// [`regex_prefixes::required`] with the bundled sample; the rights
    /// obstacle's regexes have some.
    #[test]
    fn builtin_required_literals_come_from_the_build() {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let sample = regex_prefixes::fixture_sample(&fixtures);
        assert_eq!(BUILTIN_REGEX_REQUIRED.len(), BUILTIN_REGEX_WINDOWS.len());
        for (re, lits) in BUILTIN_REGEX_REQUIRED {
            let got = lits.map(|l| l.iter().map(|x| x.to_string()).collect());
            assert_eq!(got, regex_prefixes::required(re, &sample), "{re}");
        }
        assert!(regex_required(r"maksu(?:a|lla|n)? [^.]*?euro[a-z]* [^.]*?tarkast").is_some());
    }

    #[test]
    fn a_prefilter_only_for_literals_a_fast_search_finds() {
        let own = |l: &[&str]| l.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(prefilter_pays(None));
        assert!(prefilter_pays(Some(&own(&[" oy", " ab", " gmbh"]))));
        assert!(prefilter_pays(Some(&own(&["["]))));
        assert!(prefilter_pays(Some(&own(&["@", "(at)", "[a]"]))));
        assert!(!prefilter_pays(Some(&own(&[
            "@", "(at)", "[a]", "+358", "0"
        ]))));
        assert!(!prefilter_pays(Some(&own(&["1", "2", "3", "4"]))));
    }

    #[test]
    fn required_literals_are_the_factor_rarest_beside_the_window_factor() {
        let re = r"maksu(?:a|lla|n)? [^.]*?euro[a-z]* [^.]*?tarkast";
        let sample = "tarkastus on maksuton. maksu tarkastuksesta. maksu 5 euroa. \
                      tarkastus. euroopan tarkastus. euroopan tarkastus.";
        assert_eq!(
            regex_prefixes::required(re, sample),
            Some(vec!["euro".to_string()])
        );
        // No sample (a user's regex), or nothing rarer than the factor.
        assert_eq!(regex_prefixes::required(re, ""), None);
        assert_eq!(
            regex_prefixes::required("maksu [^.]*?euro", "maksu euro."),
            None
        );
        // A sample without the factor cannot rank: the other factor with
        // the fewest and longest literals.
        let sample = "milloin tahansa. at any time.";
        assert_eq!(
            regex_prefixes::required("unsubscribe[^.]{0,40}?at any time", sample),
            Some(vec!["at any time".to_string()])
        );
        assert_eq!(
            regex_prefixes::required("for (?:[a-z0-9]+ ){0,2}(?:years?|months?|days)", sample),
            Some(vec!["days".into(), "month".into(), "year".into()])
        );
        assert_eq!(regex_prefixes::required("unsubscribe", sample), None);
        assert!(regex_required("at any time[^.]{0,40}?unsubscribe").is_some());
    }

    #[test]
    fn a_window_is_a_necessary_factor_and_the_bytes_no_match_has() {
        let w = |re: &str| regex_prefixes::window(re, "");
        let owned =
            |f: &[&str], b: &[u8]| Some((f.iter().map(|x| x.to_string()).collect(), b.to_vec()));
        // The longest literals win without a sample; `[^.]` keeps matches
        // within a sentence but lets them cross lines.
        assert_eq!(
            w(r"oikeu[a-zåäö]* [^.]{0,120}?tietojen siirtämiseen"),
            owned(&["tietojen siirtämiseen"], b".")
        );
        assert_eq!(
            w(r"(?:ei|emme)\s(?:[^\s.]+\s){0,3}?(?:pidä|ylläpidä)\srekisteriä"),
            owned(&["rekisteriä"], b".")
        );
        // One factor from each branch of an alternation; past eight bytes,
        // fewer literals are better than longer ones.
        assert_eq!(
            w("tiedot (?:poistetaan|säilytetään)|data is (?:deleted|kept)"),
            owned(
                &["data is ", "tiedot poistetaan", "tiedot säilytetään"],
                b".\n"
            )
        );
        // A sample ranks factors by how often they occur in it.
        assert_eq!(
            regex_prefixes::window("tietoja [a-z]+ kerää", "tietoja tietoja"),
            Some((vec![" kerää".to_string()], b".\n".to_vec()))
        );
        // `.` may be any character but a newline; no factor in a branch, or
        // one as short as a space, gives no window.
        assert_eq!(w("maksu.*euro"), owned(&["maksu"], b"\n"));
        assert_eq!(w("maksu|[0-9]+ e"), None);
        assert_eq!(w("[0-9]{5} [a-z]+"), None);
        // A factor too short to search for loses to a longer one however
        // cheap the sample makes it (before, the cheap ":" won and then the
        // regex had no window at all).
        assert_eq!(
            regex_prefixes::window(
                r"(?:valvontaviranomai|dataombudsman)[a-zåäö]*\s*:",
                "osoite: katu 1. puhelin: 123. sähköposti: x. ",
            ),
            Some((
                vec!["valvontaviranomai".to_string(), "dataombudsman".to_string()],
                b".".to_vec()
            ))
        );
    }

    /// A regex, its window's factor and barriers, whether the factor ends
    /// and begins words, and its required literals.
    type Case = (
        String,
        Vec<String>,
        Vec<u8>,
        bool,
        bool,
        Option<Vec<String>>,
    );

    /// Searching only the windows around a regex's factor finds the same
    /// matches as searching the whole text, for every built-in regex with a
    /// window: on the fixtures and the corpus (when present), and on random
    /// texts made of the regexes' own words, spaces, commas, sentence ends
    /// and line breaks, where matches and near misses are dense.
    #[test]
    fn a_window_finds_what_the_whole_regex_finds() {
        let lines = crate::sample_file_lines();
        let real = lines.join("\n").to_lowercase();
        let mut next = crate::xorshift(0x5eed);
        let mut checked = 0;
        let mut bounded_checked = 0;
        let mut required_checked = 0;
        // The built-in regexes, with what `build.rs` found; and regexes as
        // a user might write them, with their factors and required
        // literals worked out here (the required ones from a sample of
        // their own words, as `build.rs` does from the fixtures), where
        // runs of optional pieces, alternations, classes and repetitions
        // sit beside plain text.
        let mut cases: Vec<Case> = BUILTIN_REGEX_WINDOWS
            .iter()
            .filter_map(|(re, w)| {
                let (f, b) = (*w)?;
                Some((
                    re.to_string(),
                    f.iter().map(|x| x.to_string()).collect(),
                    b.to_vec(),
                    regex_factor_ends_words(re),
                    regex_factor_begins_words(re),
                    regex_required(re),
                ))
            })
            .collect();
        let users = [
            r"(?:sopimu|suostumu)[a-zåäö]*(?:, (?:sopimu|suostumu)[a-zåäö]*)+,? (?:tai|or) (?:sopimu|suostumu)",
            r"(?:sopimu|suostumu)[a-zåäö]*,? (?:tai|or)? ?(?:the )?(?:sopimu|suostumu)[a-z]*",
            r"(?:data|information) (?:is|are)?\s*(?:deleted|kept)",
            r"(?:eu|eta)(?::n)? ?/ ?(?:eu|eta)(?::n)? ulkopuol[a-zåäö]*",
            r"maksu(?:a|n)?,? (?:ja|tai)+ [^.]*?euro(?:a|n)*",
            r"\b(?:ei|emme)\b (?:tai|or){1,2} (?:kerää|kerätä)\s",
            r"(?i)(?:Sopimu|suostumu)[a-zåäö]* (?:TAI|or) (?:x|y)?sopimu",
            r"tiedot(?: ja| tai)* (?:poistetaan|säilytetään)(?:\.|,)? (?:ei|or)",
        ];
        for re in users {
            let Some((f, b)) = regex_prefixes::window(re, "") else {
                panic!("{re} has no window")
            };
            let words: Vec<&str> = (re.split(|c: char| !c.is_alphanumeric()))
                .filter(|x| !x.is_empty())
                .collect();
            let mut sample = String::new();
            for _ in 0..400 {
                sample.push_str(words[next() as usize % words.len()]);
                sample.push_str([" ", " ", ", ", ". "][next() as usize % 4]);
            }
            cases.push((
                re.to_string(),
                f,
                b,
                regex_prefixes::factor_ends_words(re, ""),
                regex_prefixes::factor_begins_words(re, ""),
                regex_prefixes::required(re, &sample),
            ));
        }
        for (re, f, b, ends_words, begins_words, required) in &cases {
            let re = re.as_str();
            required_checked += usize::from(required.is_some());
            let window = Window::of_alternatives([Some(((f.clone(), b.clone()), *ends_words))])
                .expect("a factor")
                .requiring(required.clone());
            let compiled = Part::compile(&format!("(?:{re})")).expect("built-in regexes compile");
            let mut words: Vec<String> = re
                .split(|c: char| !c.is_alphanumeric() && c != ':')
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect();
            words.extend(f.iter().map(|x| x.to_string()));
            // The factor inside longer words too (`keräämme`).
            words.extend(f.iter().map(|x| format!("{}mme", x.trim_end())));
            // The required literals alone and inside words (`suoramarkkinointi`).
            words.extend(required.iter().flatten().map(|x| x.trim().to_string()));
            words.extend((required.iter().flatten()).map(|x| format!("suo{}mme", x.trim())));
            words.extend(["12345", "euro", "ei", "voi", "a"].map(String::from));
            let seps = [" ", " ", " ", ", ", ". ", "\n", "."];
            let mut texts = vec![real.clone()];
            for _ in 0..300 {
                let mut t = String::new();
                for _ in 0..(next() % 40) {
                    t.push_str(&words[next() as usize % words.len()]);
                    t.push_str(seps[next() as usize % seps.len()]);
                }
                texts.push(t);
            }
            for text in &texts {
                let mut pos = 0;
                let mut seen = FactorSeen::default();
                while pos <= text.len() {
                    let whole = compiled
                        .find(Input::new(text).range(pos..))
                        .map(|m| m.range());
                    assert_eq!(
                        window.find(&compiled, text, pos, &mut seen),
                        whole,
                        "{re} in {text:?} from {pos}"
                    );
                    let Some(m) = whole else { break };
                    checked += 1;
                    pos = if m.end > m.start { m.end } else { m.start + 1 };
                    while !text.is_char_boundary(pos.min(text.len())) {
                        pos += 1;
                    }
                }
                // Bounded, as a word matcher searches: from growing
                // positions, each time only for a match starting at or
                // before a bound (a word match there); with the factor's
                // places at word starts listed too, as the index lists
                // them, where the factor begins words.
                let listed: Vec<u32> = (text.char_indices())
                    .filter(|&(p, _)| {
                        f.iter().any(|l| text[p..].starts_with(l))
                            && !text[..p].chars().next_back().is_some_and(words::is_tail)
                    })
                    .map(|(p, _)| p as u32)
                    .collect();
                let lists = if *begins_words {
                    vec![None, Some(&listed[..])]
                } else {
                    vec![None]
                };
                for list in lists {
                    let mut pos = 0;
                    let mut seen = FactorSeen::default();
                    while pos <= text.len() {
                        let bound = match next() % 4 {
                            0 => usize::MAX,
                            _ => pos + (next() % 120) as usize,
                        };
                        let whole = compiled
                            .find(Input::new(text).range(pos..))
                            .map(|m| m.range());
                        let got = window.find_before(&compiled, text, pos, &mut seen, bound, list);
                        let expected = match &whole {
                            None if got == Bounded::NotBefore && bound < text.len() => got.clone(),
                            None => Bounded::Nothing,
                            Some(m) if m.start > bound && got == Bounded::NotBefore => got.clone(),
                            Some(m) => Bounded::Match(m.clone()),
                        };
                        assert_eq!(got, expected, "{re} in {text:?} from {pos} before {bound}");
                        pos = match got {
                            Bounded::Match(m) => {
                                bounded_checked += 1;
                                if m.end > m.start {
                                    m.end
                                } else {
                                    m.start + 1
                                }
                            }
                            Bounded::NotBefore => pos + 1 + (next() as usize % (bound + 1 - pos)),
                            Bounded::Nothing => break,
                        };
                        while !text.is_char_boundary(pos.min(text.len())) {
                            pos += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 500, "only {checked} matches compared");
        assert!(
            required_checked > 6,
            "only {required_checked} regexes with required literals"
        );
        assert!(
            bounded_checked > 500,
            "only {bounded_checked} bounded matches compared"
        );
    }

    /// A factor literal that never occurs is searched for once per search,
    /// not again after each of many matches (that was quadratic: 50,000
    /// matches in 900 KB read 45 GB).
    #[test]
    fn a_factor_literal_is_searched_once_per_search() {
        // Under the word budget (the word matcher's regex part), and past
        // it (the whole alternation as one regex).
        for n in [3_000, 50_000] {
            let set = TermSet::new(&[], &["tiedot (?:poistuvat|katoavat)".to_string()]).unwrap();
            let text = "tiedot poistuvat. ".repeat(n);
            FACTOR_BYTES_SEARCHED.with(|n| n.set(0));
            assert_eq!(set.find_all(&text).len(), n);
            let read = FACTOR_BYTES_SEARCHED.with(|n| n.get());
            assert!(read > 0, "the window was not used");
            assert!(
                read <= 2 * text.len(),
                "{read} bytes read for {} of text",
                text.len()
            );
        }
    }

    /// A range of a scanned text is searched as if it were the whole text,
    /// also where the range cuts a word (a term may start at its first
    /// character though the joined text has a letter before it).
    #[test]
    fn a_range_is_searched_as_its_own_text() {
        let sets = [
            set(&["tietosuoja~", "rekisteri*", "muuta?", "(s-postiosoite)"]),
            set(&["*seloste~", "*rekisteri"]),
            TermSet::new(
                &["laki~".to_string(), "*seloste~".to_string()],
                &[" (?:oy|ry)".to_string(), "[0-9]{7}-[0-9]".to_string()],
            )
            .unwrap(),
            TermSet::new(&[], &["ei (?:kerätä|käytetä)".to_string()]).unwrap(),
            // Phrases whose first word is common (their second word's
            // beginning is part of what a start must show), and a regex
            // whose literal the index cannot hold (searched everywhere).
            set(&[
                "on allekirjoitettava",
                "ei kerätä",
                "oikeus~ poistaa",
                "äö-ä*",
                "ätä",
            ]),
            TermSet::new(&["ätä".to_string()], &["@[a-z]+".to_string()]).unwrap(),
        ];
        let pre = Prefilter::new(&sets);
        let text = "xtietosuojaseloste on muuta? rekisteriseloste. Lain mukaan \
                    (s-postiosoite) ja esimerkki oy 1234567-8: tietoja ei kerätä. laissa \
                    on alle on-allekirjoitettava äätä oikeuden-poistaa äö-äx a@b.fi ä@c";
        let scan = pre.scan(text);
        let cuts = char_cuts(text);
        for s in &sets {
            for (k, &a) in cuts.iter().enumerate() {
                for &b in cuts[k..].iter().step_by(7).chain([&text.len()]) {
                    let sub = &text[a..b];
                    assert_eq!(s.find_all_in_range(&scan, a..b), s.find_all(sub), "{sub:?}");
                    assert_eq!(s.is_match_in_range(&scan, a..b), s.is_match(sub), "{sub:?}");
                }
            }
        }
    }

    /// A part with terms and a regex lists the regex's literals apart from
    /// its terms' starts: the word matcher tries the terms' only, and the
    /// part still matches (the whole text, and ranges) where only a
    /// literal begins, or only a term.
    #[test]
    fn a_regex_listed_apart_from_the_terms_still_matches() {
        let sets = [TermSet::new(
            &["tietosuoja~".to_string(), "yhtiö".to_string()],
            &["yhtiö (?:oy|ry)".to_string()],
        )
        .unwrap()];
        let pre = Prefilter::new(&sets);
        assert!(pre.regex_slots.slots.iter().any(Option::is_some));
        let s = &sets[0];
        for text in [
            "meidän yhtiö oy on",
            "tietosuojaa yhtiö ry",
            "ei mitään",
            "yhtiö ab",
            "tietosuoja: yhtiö oy",
            "oy yhtiö",
        ] {
            let scan = pre.scan(text);
            assert!(
                s.may_match_in(&scan) || s.find_all(text).is_empty(),
                "{text:?}"
            );
            assert_eq!(s.find_all_in(&scan), s.find_all(text), "{text:?}");
            assert_eq!(s.is_match_in(&scan), s.is_match(text), "{text:?}");
            let cuts = char_cuts(text);
            for (k, &a) in cuts.iter().enumerate() {
                for &b in &cuts[k..] {
                    let sub = &text[a..b];
                    assert_eq!(s.find_all_in_range(&scan, a..b), s.find_all(sub), "{sub:?}");
                    assert_eq!(s.is_match_in_range(&scan, a..b), s.is_match(sub), "{sub:?}");
                }
            }
        }
    }

    /// The yes/no searches (`is_match`, `is_match_in`, `is_match_in_range`,
    /// which stop at the bounded part's first match and keep a range's
    /// starts on the stack when few) answer as the first match does, on
    /// random texts and ranges with few and many listed starts.
    #[test]
    fn yes_no_searches_agree_with_the_first_match() {
        let sets = [
            set(&["tietosuoja~", "rekisteri*", "muuta?", "(s-postiosoite)"]),
            set(&["*seloste~", "*rekisteri", "laki~"]),
            TermSet::new(
                &[
                    "laki~".to_string(),
                    "*seloste~".to_string(),
                    "ei kerä*".to_string(),
                ],
                &[" (?:oy|ry)".to_string()],
            )
            .unwrap(),
            // Phrases whose closed first word is common: the index lists
            // the first word with the next one's beginning (cut to a
            // character boundary: `ja ik` of `ja ikä`), bounded and in
            // compounds.
            set(&[
                "on allekirjoitettava",
                "ja ikä*",
                "on äänestys",
                "*ja ikä~",
                "*on-alle",
                "ei",
            ]),
        ];
        let pre = Prefilter::new(&sets);
        let words = [
            "on",
            "ja",
            "allekirjoitettava",
            "alle",
            "ikä",
            "ikävä",
            "ik",
            "äänestys",
            "äänet",
            "tietosuojaseloste",
            "rekisteri",
            "rekisteriseloste",
            "muuta",
            "laki",
            "lain",
            "oy",
            "ei",
            "kerätä",
            "tietoja",
            "ja",
            "seloste",
            "(s-postiosoite)",
            "laissa",
            "x",
            "ä",
            "rekisterin.",
            "tietosuoja.",
            "",
        ];
        let mut rnd = crate::xorshift(0x7e5_5e7);
        for _ in 0..300 {
            let n = 1 + rnd() as usize % 120;
            let text: Vec<&str> = (0..n)
                .map(|_| words[rnd() as usize % words.len()])
                .collect();
            let text = text.join(if rnd().is_multiple_of(3) { "-" } else { " " });
            let scan = pre.scan(&text);
            let cuts = char_cuts(&text);
            for s in &sets {
                assert_eq!(s.is_match(&text), s.find(&text).is_some(), "{text:?}");
                assert_eq!(s.is_match_in(&scan), s.find(&text).is_some(), "{text:?}");
                for _ in 0..20 {
                    let a = cuts[rnd() as usize % cuts.len()];
                    let b = cuts[rnd() as usize % cuts.len()];
                    let (a, b) = (a.min(b), a.max(b));
                    let sub = &text[a..b];
                    assert_eq!(
                        s.is_match_in_range(&scan, a..b),
                        s.find(sub).is_some(),
                        "{sub:?}"
                    );
                    assert_eq!(s.find_all_in_range(&scan, a..b), s.find_all(sub), "{sub:?}");
                }
            }
        }
    }

    /// `count_below` is `partition_point` on ascending lists short and
    /// long, with repeats, for bounds below, inside and past them.
    #[test]
    fn count_below_is_partition_point() {
        let mut rnd = crate::xorshift(0xc0_b3);
        for _ in 0..2000 {
            let n = rnd() as usize % 40;
            let mut list: Vec<u32> = (0..n).map(|_| rnd() as u32 % 64).collect();
            list.sort_unstable();
            for b in [0, 1, 31, 63, 64, 65, u32::MAX, rnd() as u32 % 70] {
                let plain = list.partition_point(|&p| p < b);
                assert_eq!(super::count_below(&list, b), plain, "{list:?} {b}");
            }
        }
    }

    /// `each_match_in` gives `find_all_in`'s matches in order and stops
    /// when told, for sets of bounded terms, compound terms and both.
    #[test]
    fn each_match_in_is_find_all_in_one_at_a_time() {
        let lists: [&[&str]; 3] = [
            &["tietosuoja~", "rekisteri*", "muuta?"],
            &["*seloste~", "*rekisteri"],
            &[
                "tietosuoja~",
                "*seloste~",
                "rekisteri*",
                "*rekisterinpitäjä",
            ],
        ];
        let sets: Vec<TermSet> = lists.iter().map(|l| set(l)).collect();
        let pre = Prefilter::new(&sets);
        let text = "Tietosuojaseloste: asiakasrekisteri ja rekisterinpitäjän tietosuojasta, \
                    muuta? tietosuojalain mukainen rekisteriseloste";
        let short = text.to_lowercase();
        // Over the word budget: the same through the regexes.
        let long = format!("{short} ").repeat(1000);
        for (text, s) in [&short, &long]
            .iter()
            .flat_map(|t| sets.iter().map(move |s| (t, s)))
        {
            let scan = pre.scan(text);
            let all = s.find_all_in(&scan);
            assert!(all.len() >= 2, "{all:?}");
            let mut one_by_one = Vec::new();
            s.each_match_in(&scan, |m| {
                one_by_one.push(m);
                true
            });
            assert_eq!(one_by_one, all);
            let mut first_two = Vec::new();
            s.each_match_in(&scan, |m| {
                first_two.push(m);
                first_two.len() < 2
            });
            assert_eq!(first_two, all[..2]);
        }
    }

    /// The index rules a set out exactly, however short its terms or its
    /// regexes' literals (`q3`, ` oy` from its letter on); a regex whose
    /// literals have no letter (`[`) is always searched.
    #[test]
    fn short_terms_and_literals_go_through_the_index() {
        let few = set(&["xxx", "tbd", "tietosuojaseloste"]);
        let short: Vec<String> = (0..10).map(|i| format!("q{i}")).collect();
        let terms = TermSet::new(&short, &[]).unwrap();
        let regexes = TermSet::new(&[], &short).unwrap();
        let spaced = TermSet::new(&[], &[" (?:oy|ry)".to_string()]).unwrap();
        let bracket = TermSet::new(&[], &[r"\[[a-z]+\]".to_string()]).unwrap();
        let pre = Prefilter::new([&few, &terms, &regexes, &spaced, &bracket]);
        let none = pre.scan("rekisteriseloste ilman paikkamerkkejä");
        for s in [&few, &terms, &regexes, &spaced] {
            assert!(!s.may_match_in(&none));
        }
        assert!(bracket.may_match_in(&none));
        let text = "kohta q3 on tyhjä, esimerkki oy [nimi]";
        let scan = pre.scan(text);
        assert_eq!(terms.find_all_in(&scan), vec![6..8]);
        assert_eq!(regexes.find_all_in(&scan), vec![6..8]);
        let oy = text.find(" oy").unwrap();
        assert_eq!(spaced.find_all_in(&scan), vec![oy..oy + 3]);
        let name = text.find("[nimi]").unwrap();
        assert_eq!(bracket.find_all_in(&scan), vec![name..name + 6]);
        for text in ["nimi: xxx", "tbd", "tietosuojaseloste"] {
            let scan = pre.scan(text);
            assert!(few.may_match_in(&scan), "{text}");
            assert_eq!(few.find_all_in(&scan).len(), 1, "{text}");
        }
    }

    /// A regex with one literal prefix is searched from that literal's
    /// first place on: the same matches, by either matcher, as a regex
    /// searched from the text's start (two prefixes: no such skip).
    #[test]
    fn a_single_prefix_regex_searched_from_its_first_place_matches_the_same() {
        let terms = ["muuta?".to_string(), "nimi".to_string()];
        let one = TermSet::lazy(&terms, &[r"\[[a-zåäö ]{3,20}\]".to_string()]);
        let two = TermSet::lazy(&terms, &[r"(?:\[|\{\{)[a-zåäö ]{3,20}\]".to_string()]);
        fn first(s: &TermSet, text: &str) -> Option<usize> {
            let re = s.words.bounded.as_ref().and_then(|w| w.regex.as_ref());
            re.expect("a regex part").first_possible(text)
        }
        assert_eq!(first(&one, "ab [x"), Some(3));
        assert_eq!(first(&two, "ab [x"), Some(0));
        let pieces = ["[", "]", "nimi", "muuta?", " ", "ä", "abc", "\n", "x"];
        let mut next = crate::xorshift(58);
        for round in 0..400 {
            let text = crate::random_text(&mut next, &pieces, round % 40);
            assert_eq!(one.find_all(&text), two.find_all(&text), "{text:?}");
            let regex_only = |s: &TermSet| {
                TermSet::find_all_with(s.bounded.as_ref().map(Matcher::Regex), None, &text)
            };
            assert_eq!(regex_only(&one), regex_only(&two), "{text:?}");
        }
    }

    /// A regex whose few literals are absent is neither compiled nor run,
    /// by either matcher; where one occurs it matches as before.
    #[test]
    fn absent_short_literals_skip_the_regex() {
        let set = TermSet::lazy(
            &["muuta?".to_string()],
            &[r"\[[a-zåäö ]{3,20}\]".to_string()],
        );
        let compiled = |s: &TermSet| {
            let word = s.words.bounded.as_ref().and_then(|w| w.regex.as_ref());
            (
                word.is_some_and(|p| p.re.get().is_some()),
                s.bounded.as_ref().is_some_and(|p| p.re.get().is_some()),
            )
        };
        assert!(set.find_all("ei hakasulkeita, vain muuta? tekstiä").len() == 1);
        assert_eq!(compiled(&set), (false, false));
        let text = "nimi: [yrityksen nimi] ja muuta?";
        assert_eq!(set.find_all(text), vec![6..22, 26..32]);
        assert_eq!(compiled(&set), (true, false));
        // The regex matcher (past the word budget) skips it the same way.
        let regex_only =
            |t: &str| TermSet::find_all_with(set.bounded.as_ref().map(Matcher::Regex), None, t);
        assert!(regex_only("ei hakasulkeita").is_empty());
        assert_eq!(compiled(&set), (true, false));
        assert_eq!(regex_only(text), vec![6..22, 26..32]);
        assert_eq!(compiled(&set), (true, true));
    }

    #[test]
    fn a_window_without_its_factor_leaves_the_regex_uncompiled() {
        // A long literal (no `first_possible`) that is the window's factor.
        let set = TermSet::lazy(
            &["muuta".to_string()],
            &[r"valvontaviranomai\w*".to_string()],
        );
        let word = set.words.bounded.as_ref().and_then(|w| w.regex.as_ref());
        let part = word.expect("the word matcher has the regex part");
        assert!(part.window.is_some());
        let compiled = || part.re.get().is_some();
        // The factor's first bytes are there, the whole factor is not.
        assert_eq!(set.find_all("muuta valvonta ja viranomainen"), vec![0..5]);
        assert!(!compiled());
        let text = "muuta: valvontaviranomaiselle";
        assert_eq!(set.find_all(text), vec![0..5, 7..29]);
        assert!(compiled());
    }

    /// `term_regex`, `term_literals` and their inflection helper as they
    /// were written before `TermSet` took both from one parse of the term
    /// ([`words::WordTerm`]): the reference they are compared with.
    mod reference {
        use super::super::{common_stem_literals, inflect, words, MIN_LITERAL, TAIL};

        pub fn term_regex(term: &str) -> (String, bool) {
            let t = term.trim().to_lowercase();
            let (t, compound) = match t.strip_prefix('*') {
                Some(rest) => (rest.to_string(), true),
                None => (t, false),
            };
            let words: Vec<String> = t
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(|w| {
                    if let Some(base) = w.strip_suffix('~') {
                        inflect(base)
                    } else if let Some(base) = w.strip_suffix('*') {
                        format!("{}{TAIL}", regex::escape(base))
                    } else {
                        regex::escape(w)
                    }
                })
                .collect();
            (words.join(r"[ \-]"), compound)
        }

        fn inflect_literals(word: &str) -> Vec<String> {
            common_stem_literals(words::inflected_stems(word))
        }

        pub fn term_literals(term: &str) -> Vec<String> {
            let t = term.trim().to_lowercase();
            let t = t.strip_prefix('*').unwrap_or(&t);
            let mut out = vec![String::new()];
            for (k, w) in t.split(' ').filter(|w| !w.is_empty()).enumerate() {
                if k > 0 {
                    // Words are joined by `[ \-]`. Longer literals than needed
                    // only make more of them.
                    if out.len() > 16 || out.iter().all(|l| l.len() > MIN_LITERAL) {
                        break;
                    }
                    out = out
                        .iter()
                        .flat_map(|l| [format!("{l} "), format!("{l}-")])
                        .collect();
                }
                let (lits, whole) = if let Some(base) = w.strip_suffix('~') {
                    (inflect_literals(base), false)
                } else if let Some(base) = w.strip_suffix('*') {
                    (vec![base.to_string()], false)
                } else {
                    (vec![w.to_string()], true)
                };
                out = out
                    .iter()
                    .flat_map(|l| lits.iter().map(move |x| format!("{l}{x}")))
                    .collect();
                if !whole {
                    break;
                }
            }
            if out.iter().all(|l| l.is_empty()) {
                return Vec::new();
            }
            out
        }
    }

    /// `TermSet::lazy` derives each term's regex and literals from its one
    /// parse ([`words::WordTerm`]); they must be what `term_regex` and
    /// `term_literals` give.
    #[test]
    fn parsed_terms_give_the_same_regex_and_literals() {
        let odd = ["*", "~", "-", "  A  b~  ", "*~", "a b c d e f~", ""].map(String::from);
        for t in sample_terms().into_iter().chain(odd) {
            let (re, compound) = reference::term_regex(&t);
            match words::WordTerm::new(&t) {
                Some(w) => {
                    assert_eq!(w.regex_source(), re, "{t:?}");
                    assert_eq!(w.is_compound(), compound, "{t:?}");
                    assert_eq!(w.literals(), reference::term_literals(&t), "{t:?}");
                }
                None => assert!(re.is_empty(), "{t:?}"),
            }
        }
    }

    #[test]
    fn phrases_allow_hyphen_or_space() {
        let s = set(&["sähköisen viestinnän tietosuojalaki~"]);
        assert!(s.is_match("sähköisen viestinnän tietosuojalain 7 §"));
        assert!(!s.is_match("tietosuojalain"));
    }
}

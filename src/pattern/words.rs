//! Term lists matched word by word, without compiling a regex.
//!
//! The heading tables hold about a thousand terms. As regexes (every
//! inflected stem followed by a Unicode letter class) they take some 20 ms
//! to compile, which was most of a run's start-up on one file. The terms'
//! grammar is small enough to match directly: a term is a sequence of words
//! joined by a space or a hyphen, and each word is one of a few literal
//! stems, either closed (the word ends there) or open (any letters follow;
//! see [`super::TAIL`]). One Aho-Corasick pass over the stems that can start
//! a term gives the candidate positions, and each candidate is checked
//! word by word. The result is the same as the regex of
//! [`super::set_pattern`] (a test compares the two).

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::double_array::{Layout, NO_PARENT};

/// A character that continues a word: the class of [`super::TAIL`].
pub fn is_tail(c: char) -> bool {
    matches!(c, '0'..='9' | 'a'..='z' | 'à'..='ö' | 'ø'..='ÿ' | 'š' | 'ž' | 'œ')
}

/// The byte length of the character at `i` of UTF-8 `text` (a char
/// boundary) if [`is_tail`] holds for it, else 0 (also at the end). The
/// tail letters above ASCII are U+00E0..=U+00FF but for U+00F7 (lead byte
/// 0xC3) and U+0153, U+0161, U+017E (lead byte 0xC5).
#[inline]
pub(super) fn tail_len(text: &[u8], i: usize) -> usize {
    match text.get(i) {
        None => 0,
        Some(&c) if c < 0x80 => usize::from(c.is_ascii_digit() || c.is_ascii_lowercase()),
        Some(0xC3) => match text.get(i + 1) {
            Some(&d) if d >= 0xA0 && d != 0xB7 => 2,
            _ => 0,
        },
        Some(0xC5) => match text.get(i + 1) {
            Some(0x93 | 0xA1 | 0xBE) => 2,
            _ => 0,
        },
        _ => 0,
    }
}

/// Whether the character that ends at byte `at` of UTF-8 `text` (a char
/// boundary) continues a word ([`is_tail`]): then `at` is no word edge for
/// the index, which walks its edge stems from the other word starts only.
#[inline]
pub(super) fn ends_word_char(text: &[u8], at: usize) -> bool {
    // A tail character is one byte (ASCII) or two (lead byte 0xC3 or 0xC5,
    // which no continuation byte equals).
    at >= 1 && tail_len(text, at - 1) == 1 || at >= 2 && tail_len(text, at - 2) == 2
}

/// How much of a phrase's second word [`WordTerm::match_prefixes`] takes.
const NEXT_WORD_BYTES: usize = 3;

/// Whether `hay` starts with `needle`, compared in line (a stem is a few
/// bytes, and most compares fail at the first: `starts_with` called
/// `memcmp` for each).
#[inline]
fn has_prefix(hay: &[u8], needle: &[u8]) -> bool {
    let Some(hay) = hay.get(..needle.len()) else {
        return false;
    };
    let word = |b: &[u8]| u64::from_ne_bytes(b.try_into().expect("8 bytes"));
    let mut chunks = hay.chunks_exact(8).zip(needle.chunks_exact(8));
    if !chunks.all(|(h, n)| word(h) == word(n)) {
        return false;
    }
    let whole = needle.len() / 8 * 8;
    hay[whole..]
        .iter()
        .zip(&needle[whole..])
        .all(|(h, n)| h == n)
}

/// Where the letters that continue a word from byte `at` end (an open
/// stem's ending).
#[inline]
fn word_end(text: &[u8], mut at: usize) -> usize {
    loop {
        let n = tail_len(text, at);
        if n == 0 {
            return at;
        }
        at += n;
    }
}

/// The byte length of a character from its first byte.
#[inline]
pub(super) fn utf8_len(lead: u8) -> usize {
    match lead {
        0..=0xBF => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// One written form of a word: a literal stem, and whether any letters may
/// follow it (`open`) or the word ends there.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Form {
    stem: String,
    open: bool,
}

/// The stems of [`super::inflect`]'s regex for `word`, in the same cases
/// (each is followed by any ending).
///
/// On slices of `word` (a char's bytes, not a `Vec<char>` and a `String`
/// made char by char for each part): start-up parses some 1,800 terms
/// (the catalogue's and the heading tables'), and their stems took about
/// half of [`WordTerm::new`]'s 2.2 M instructions. A test compares it with
/// the char-wise version.
pub fn inflected_stems(word: &str) -> Vec<String> {
    stems_as(word, |s| s)
}

/// [`inflected_stems`], each stem made into a `T` as it is made (a term's
/// forms, without a list of strings first).
fn stems_as<T>(word: &str, mk: impl Fn(String) -> T) -> Vec<T> {
    use super::{is_vowel, strong_grades, weak_grades};
    let cat = |parts: &[&str]| -> String {
        let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        parts.iter().for_each(|p| s.push_str(p));
        s
    };
    // How many characters, up to five (all that the cases below ask).
    let n = word.chars().take(5).count();
    if n < 3 {
        return vec![mk(word.to_string())];
    }
    if word.ends_with("nen") && n > 4 {
        return vec![
            mk(word.to_string()),
            mk(cat(&[&word[..word.len() - 3], "s"])),
        ];
    }
    let last = word.chars().next_back().expect("three characters or more");
    // The bytes before the last character.
    let init = &word[..word.len() - last.len_utf8()];
    if (word.ends_with("us")
        || word.ends_with("ys")
        || word.ends_with("os")
        || word.ends_with("ös"))
        && n > 3
    {
        return ["s", "d", "k", "t"]
            .iter()
            .map(|e| mk(cat(&[init, e])))
            .collect();
    }
    if !is_vowel(last) {
        return vec![mk(word.to_string())];
    }
    // The consonants before the last character, back to a vowel.
    let k = (init.char_indices().rev())
        .find(|&(_, c)| is_vowel(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let (prefix, cluster) = init.split_at(k);
    if cluster.is_empty() {
        return vec![mk(init.to_string())];
    }
    if last == 'e' {
        let mut out = vec![mk(word.to_string())];
        for s in strong_grades(cluster) {
            out.push(mk(cat(&[prefix, s, "e"])));
        }
        return out;
    }
    let mut out = vec![mk(init.to_string())];
    let mut buf = [0u8; 4];
    let last_str: &str = last.encode_utf8(&mut buf);
    let also = match last {
        'i' => Some("e"),
        'a' | 'ä' | 'o' | 'ö' => Some("i"),
        _ => None,
    };
    for g in weak_grades(cluster) {
        out.push(mk(cat(&[prefix, g, last_str])));
        if let Some(a) = also {
            out.push(mk(cat(&[prefix, g, a])));
        }
    }
    out
}

/// `regex::escape(s)`: a copy where no byte is a regex meta character
/// (most stems; the escape went char by char).
pub(super) fn escape(s: &str) -> String {
    if (s.bytes()).any(|b| META[b as usize]) {
        regex::escape(s)
    } else {
        s.to_string()
    }
}

/// What joins a term's words in its regex: a space or a hyphen.
const WORD_GAP: &str = r"[ \-]";

/// `escape(s)` appended to `out`.
fn push_escaped(out: &mut String, s: &str) {
    if (s.bytes()).any(|b| META[b as usize]) {
        // (Meta characters are ASCII: a byte of a wider character is none.)
        for c in s.chars() {
            if c.is_ascii() && META[c as usize] {
                out.push('\\');
            }
            out.push(c);
        }
    } else {
        out.push_str(s);
    }
}

/// The length of `escape(s)`.
fn escaped_len(s: &str) -> usize {
    s.len() + (s.bytes()).filter(|&b| META[b as usize]).count()
}

/// The bytes of `regex_syntax::is_meta_character` (all ASCII).
static META: [bool; 256] = {
    let mut t = [false; 256];
    let meta = br"\.+*?()|[]{}^$#&-~";
    let mut i = 0;
    while i < meta.len() {
        t[meta[i] as usize] = true;
        i += 1;
    }
    t
};

/// `format!("{a}{b}")` without the formatting machinery.
#[cfg(test)]
fn concat(a: &str, b: &str) -> String {
    let mut s = String::with_capacity(a.len() + b.len());
    s.push_str(a);
    s.push_str(b);
    s
}

/// `format!("{a}{b}{c}")` without the formatting machinery.
fn concat3(a: &str, b: &str, c: &str) -> String {
    let mut s = String::with_capacity(a.len() + b.len() + c.len());
    s.push_str(a);
    s.push_str(b);
    s.push_str(c);
    s
}

/// `s.to_lowercase()`, borrowed where that changes nothing: the
/// catalogue's terms are written in lowercase (`ä`, `ö`, `å`, `é` are
/// lowercase letters that lowercase to themselves).
///
/// Checked byte by byte: a character other than ASCII is one of those five
/// when its two bytes are theirs (`0xC3` then `0xA4`, ...), which is all
/// that decoding each character told (a test compares).
fn lowercase(s: &str) -> std::borrow::Cow<'_, str> {
    let b = s.as_bytes();
    let mut i = 0;
    let unchanged = loop {
        match b.get(i) {
            None => break true,
            Some(&c) if c.is_ascii() => {
                if c.is_ascii_uppercase() {
                    break false;
                }
                i += 1;
            }
            // ä å é ö ü
            Some(0xC3) if matches!(b.get(i + 1), Some(0xA4 | 0xA5 | 0xA9 | 0xB6 | 0xBC)) => i += 2,
            Some(_) => break false,
        }
    };
    if unchanged {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.to_lowercase())
    }
}

/// One term (module docs of [`super`]): its words and whether it may start
/// inside a compound word.
#[derive(Debug, Clone)]
pub struct WordTerm {
    words: Vec<Vec<Form>>,
    compound: bool,
}

impl WordTerm {
    /// Parses a term as [`super::term_regex`] does; `None` for an empty one.
    pub fn new(term: &str) -> Option<WordTerm> {
        let t = lowercase(term.trim());
        let (t, compound) = match t.strip_prefix('*') {
            Some(rest) => (rest, true),
            None => (t.as_ref(), false),
        };
        // The words between the space bytes (`split(' ')`'s searcher, set
        // up for long texts, took a third of this function's instructions
        // for the few words of a term; a char predicate then decoded each
        // character).
        let mut words: Vec<Vec<Form>> = Vec::new();
        let mut rest = t;
        loop {
            let (w, next) = match rest.bytes().position(|b| b == b' ') {
                Some(i) => (&rest[..i], Some(&rest[i + 1..])),
                None => (rest, None),
            };
            if !w.is_empty() {
                words.push(Self::forms(w));
            }
            match next {
                Some(n) => rest = n,
                None => break,
            }
        }
        (!words.is_empty()).then_some(WordTerm { words, compound })
    }

    /// The forms of one word of a term.
    fn forms(w: &str) -> Vec<Form> {
        if let Some(base) = w.strip_suffix('~') {
            stems_as(base, |stem| Form { stem, open: true })
        } else if let Some(base) = w.strip_suffix('*') {
            vec![Form {
                stem: base.to_string(),
                open: true,
            }]
        } else {
            vec![Form {
                stem: w.to_string(),
                open: false,
            }]
        }
    }

    /// Where the term's match from byte `at` ends, as its regex alternation
    /// would find it (leftmost-first: the first way through its words, forms
    /// in order). Word edges are not checked.
    ///
    /// [`Self::walk`] taking the first end, byte by byte and without a
    /// closure: a term list tries this at each place its index lists, and
    /// most tries fail at once (a phrase whose first word is as common as
    /// "on" or "oikeus").
    pub fn end_at(&self, text: &str, at: usize) -> Option<usize> {
        self.end_from(text.as_bytes(), at, 0)
    }

    /// [`Self::end_at`] where the stem of its first word's form `form` is
    /// known to be at `at` (a [`Self::match_prefixes`] of that form is):
    /// only that form's ways are tried. Trying each listed form in order
    /// (the forms of a term ascending) is `end_at`: the forms not listed
    /// cannot match there. The prefix walk already found the stem, so the
    /// other forms' compares are saved (most of a listed start's tries).
    pub(super) fn end_at_form(&self, text: &str, at: usize, form: usize) -> Option<usize> {
        let text = text.as_bytes();
        let f = &self.words[0][form];
        debug_assert!(has_prefix(&text[at..], f.stem.as_bytes()));
        let mut end = at + f.stem.len();
        if f.open {
            end = word_end(text, end);
        }
        if self.words.len() == 1 {
            Some(end)
        } else if matches!(text.get(end), Some(b' ' | b'-')) {
            self.end_from(text, end + 1, 1)
        } else {
            None
        }
    }

    /// [`Self::end_at`] from word `k` at `pos`.
    fn end_from(&self, text: &[u8], pos: usize, k: usize) -> Option<usize> {
        let last = k + 1 == self.words.len();
        for f in &self.words[k] {
            if !has_prefix(&text[pos..], f.stem.as_bytes()) {
                continue;
            }
            let mut end = pos + f.stem.len();
            if f.open {
                end = word_end(text, end);
            }
            if last {
                return Some(end);
            }
            if matches!(text.get(end), Some(b' ' | b'-')) {
                if let Some(end) = self.end_from(text, end + 1, k + 1) {
                    return Some(end);
                }
            }
        }
        None
    }

    /// [`Self::end_at`] by [`Self::walk`] (tests: the reference).
    #[cfg(test)]
    fn end_by_walk(&self, text: &str, at: usize) -> Option<usize> {
        let mut end = None;
        self.walk(text, at, 0, &mut |e| {
            end = Some(e);
            true
        });
        end
    }

    /// Whether the term matches `text` from byte `at` (a char boundary) and
    /// ends at a word edge; a term that is not a compound also starts at one
    /// (the edges of [`super::set_pattern`]).
    fn matches_at(&self, text: &str, at: usize) -> bool {
        if !self.compound && text[..at].chars().next_back().is_some_and(is_tail) {
            return false;
        }
        self.walk(text, at, 0, &mut |end| {
            !text[end..].chars().next().is_some_and(is_tail)
        })
    }

    /// [`Self::matches_at`] where the start edge is already known to hold
    /// (a term at a word edge, or a compound): byte by byte, without a
    /// closure (this is most of the heading oracle's checking).
    fn ends_at_edge(&self, text: &[u8], pos: usize, k: usize) -> bool {
        let last = k + 1 == self.words.len();
        for f in &self.words[k] {
            if !text[pos..].starts_with(f.stem.as_bytes()) {
                continue;
            }
            let mut end = pos + f.stem.len();
            if f.open {
                end = word_end(text, end);
            }
            if last {
                if tail_len(text, end) == 0 {
                    return true;
                }
            } else if matches!(text.get(end), Some(b' ' | b'-'))
                && self.ends_at_edge(text, end + 1, k + 1)
            {
                return true;
            }
        }
        false
    }

    /// [`Self::ends_at_edge`] from word 0 where the stem of its form `form`
    /// is known to be at `pos`: only that form's ways are tried (the trie
    /// lists every form whose stem it finds, so together they try all).
    fn ends_at_edge_from(&self, text: &[u8], pos: usize, form: usize) -> bool {
        let f = &self.words[0][form];
        let mut end = pos + f.stem.len();
        if f.open {
            end = word_end(text, end);
        }
        if self.words.len() == 1 {
            tail_len(text, end) == 0
        } else {
            matches!(text.get(end), Some(b' ' | b'-')) && self.ends_at_edge(text, end + 1, 1)
        }
    }

    /// Tries each way through words `k..` from `pos`, in order, until
    /// `accept` takes an end.
    fn walk(
        &self,
        text: &str,
        pos: usize,
        k: usize,
        accept: &mut dyn FnMut(usize) -> bool,
    ) -> bool {
        let last = k + 1 == self.words.len();
        for f in &self.words[k] {
            if !text.as_bytes()[pos..].starts_with(f.stem.as_bytes()) {
                continue;
            }
            let mut end = pos + f.stem.len();
            if f.open {
                end += text[end..]
                    .chars()
                    .take_while(|&c| is_tail(c))
                    .map(char::len_utf8)
                    .sum::<usize>();
            }
            if last {
                if accept(end) {
                    return true;
                }
            } else if matches!(text.as_bytes().get(end), Some(b' ' | b'-'))
                && self.walk(text, end + 1, k + 1, accept)
            {
                return true;
            }
        }
        false
    }

    /// Whether the term may start inside a compound word (`*` first).
    pub fn is_compound(&self) -> bool {
        self.compound
    }

    /// The term's regex fragment ([`super::term_regex`] gives it): words
    /// joined by a space or hyphen, open-ended ones followed by any ending.
    pub fn regex_source(&self) -> String {
        let mut out = String::with_capacity(self.regex_source_len());
        self.write_regex_source(&mut out);
        out
    }

    /// [`Self::regex_source`] appended to `out`, written piece by piece (no
    /// string per word and per term: a term set writes its terms' fragments
    /// into its alternation's one string; a test compares with the joins
    /// `regex_source` was made of).
    pub(super) fn write_regex_source(&self, out: &mut String) {
        for (k, forms) in self.words.iter().enumerate() {
            if k > 0 {
                out.push_str(WORD_GAP);
            }
            match forms.as_slice() {
                [f] if !f.open => push_escaped(out, &f.stem),
                // As `super::open_stems_regex` writes them.
                [f] => {
                    push_escaped(out, &f.stem);
                    out.push_str(super::TAIL);
                }
                open => {
                    out.push_str("(?:");
                    for (i, f) in open.iter().enumerate() {
                        if i > 0 {
                            out.push('|');
                        }
                        push_escaped(out, &f.stem);
                    }
                    out.push(')');
                    out.push_str(super::TAIL);
                }
            }
        }
    }

    /// The length of [`Self::regex_source`], counted without writing it
    /// (a term set orders its literal terms by it, longest first, and then
    /// writes each term's fragment once, into its alternation).
    pub(super) fn regex_source_len(&self) -> usize {
        let words: usize = (self.words.iter())
            .map(|forms| match forms.as_slice() {
                [f] if !f.open => escaped_len(&f.stem),
                [f] => escaped_len(&f.stem) + super::TAIL.len(),
                open => {
                    let stems: usize = open.iter().map(|f| escaped_len(&f.stem)).sum();
                    // `(?:`, the stems and their `|`s, `)`, the tail.
                    3 + stems + open.len().saturating_sub(1) + 1 + super::TAIL.len()
                }
            })
            .sum();
        words + WORD_GAP.len() * self.words.len().saturating_sub(1)
    }

    /// Whether [`Self::regex_source`] ends in [`super::TAIL`]: its last word
    /// is open-ended (a closed word's stem is escaped, so its `*` would be
    /// `\*`).
    pub(super) fn is_open_ended(&self) -> bool {
        !matches!(self.words.last().map(Vec::as_slice), Some([f]) if !f.open)
    }

    /// The literals every match of the term starts with
    /// ([`super::term_literals`] gives them).
    ///
    /// The first word's literals are the list itself, and each next word's
    /// are appended to each literal with its space or hyphen in one string
    /// (a copy of every literal for each word's gap and again for its
    /// stems was most of this function; a test compares with that way).
    pub fn literals(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.literals_into(&mut out);
        out
    }

    /// [`Self::literals`] appended to `out` (a term set gathers its
    /// terms' literals in one list; a one-word term's go there directly,
    /// with no list of their own).
    pub(super) fn literals_into(&self, all: &mut Vec<String>) {
        if let [forms] = self.words.as_slice() {
            if forms.iter().all(|f| !f.open) {
                if forms.iter().any(|f| !f.stem.is_empty()) {
                    all.extend(forms.iter().map(|f| f.stem.clone()));
                }
                return;
            }
        }
        let mut out: Vec<String> = Vec::new();
        for (k, forms) in self.words.iter().enumerate() {
            if k > 0 && (out.len() > 16 || out.iter().all(|l| l.len() > super::MIN_LITERAL)) {
                break;
            }
            let whole = forms.iter().all(|f| !f.open);
            let stems: Vec<String> = forms.iter().map(|f| f.stem.clone()).collect();
            let lits = if whole {
                stems
            } else {
                super::common_stem_literals(stems)
            };
            out = if k == 0 {
                lits
            } else {
                (out.iter())
                    .flat_map(|l| {
                        let lits = &lits;
                        [" ", "-"]
                            .into_iter()
                            .flat_map(move |gap| lits.iter().map(move |x| concat3(l, gap, x)))
                    })
                    .collect()
            };
            if !whole {
                break;
            }
        }
        if out.iter().any(|l| !l.is_empty()) {
            all.append(&mut out);
        }
    }

    /// Byte strings every match of the term starts with: its first stems,
    /// and when its first word is closed, each followed by a space or a
    /// hyphen and the first [`NEXT_WORD_BYTES`] bytes of a stem of the
    /// second word (`on alle` and `on-alle`, where the first stem is only
    /// the common `on`). Each with the form of the first word it starts
    /// with ([`Self::end_at_form`]). `None` as for [`Self::first_stems`].
    pub(super) fn match_prefixes(&self) -> Option<Vec<(Vec<u8>, usize)>> {
        if !self.has_first_stems() {
            return None;
        }
        let firsts = self.words[0].iter().map(|f| f.stem.as_bytes()).enumerate();
        let mut out: Vec<(Vec<u8>, usize)> = Vec::new();
        match self.words.get(1) {
            Some(next) if self.words[0].iter().all(|f| !f.open) => {
                for (form, first) in firsts {
                    for sep in [b' ', b'-'] {
                        for f in next {
                            let stem = f.stem.as_bytes();
                            let next = &stem[..stem.len().min(NEXT_WORD_BYTES)];
                            // (Sized at once: `to_vec` then `push` grew it.)
                            let mut p = Vec::with_capacity(first.len() + 1 + next.len());
                            p.extend_from_slice(first);
                            p.push(sep);
                            p.extend_from_slice(next);
                            out.push((p, form));
                        }
                    }
                }
            }
            _ => out.extend(firsts.map(|(form, s)| (s.to_vec(), form))),
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    }

    /// The stems its first word may start with (none empty), or `None` when
    /// it may start with nothing (a bare `*`).
    /// Whether [`Self::first_stems`] is `Some` (without the list).
    pub(super) fn has_first_stems(&self) -> bool {
        self.words[0].iter().all(|f| !f.stem.is_empty())
    }

    pub(super) fn first_stems(&self) -> Option<Vec<&str>> {
        let mut firsts: Vec<&str> = self.words[0].iter().map(|f| f.stem.as_str()).collect();
        if firsts.iter().any(|s| s.is_empty()) {
            return None;
        }
        firsts.sort_unstable();
        firsts.dedup();
        Some(firsts)
    }
}

#[cfg(test)]
thread_local! {
    /// How many searches [`Starts::first_from`] made on this thread.
    pub static FIRST_FROM_CALLS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Where the terms of a list may start, for a leftmost search: one
/// Aho-Corasick automaton over their first stems (it skips ahead with its
/// prefilter), and by first byte the terms to try there, in order.
#[derive(Debug, Clone)]
pub struct Starts {
    /// Built on the first search: a list searched only at the positions a
    /// [`super::index::TermIndex`] gives never needs it.
    ac: OnceLock<AhoCorasick>,
    stems: Vec<String>,
    by_byte: Vec<Vec<u32>>,
    /// Terms whose first word may be empty: they may start anywhere.
    anywhere: Vec<u32>,
}

impl Starts {
    pub fn new(terms: &[WordTerm]) -> Starts {
        let mut stems: Vec<String> = Vec::new();
        let mut by_byte: Vec<Vec<u32>> = vec![Vec::new(); 256];
        let mut anywhere = Vec::new();
        for (id, term) in terms.iter().enumerate() {
            let id = id as u32;
            let Some(firsts) = term.first_stems() else {
                anywhere.push(id);
                continue;
            };
            for s in firsts {
                let list = &mut by_byte[s.as_bytes()[0] as usize];
                if list.last() != Some(&id) {
                    list.push(id);
                }
                stems.push(s.to_string());
            }
        }
        stems.sort_unstable();
        stems.dedup();
        Starts {
            ac: OnceLock::new(),
            stems,
            by_byte,
            anywhere,
        }
    }

    /// The first position at or after `from` where some term may start.
    pub fn first_from(&self, text: &str, from: usize) -> Option<usize> {
        #[cfg(test)]
        FIRST_FROM_CALLS.with(|c| c.set(c.get() + 1));
        if !self.anywhere.is_empty() {
            return (from <= text.len()).then_some(from);
        }
        if from >= text.len() {
            return None;
        }
        // A contiguous NFA builds several times quicker than a DFA (this
        // is start-up: the first notices only) and searches nearly as fast.
        let ac = self.ac.get_or_init(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                .build(&self.stems)
                .expect("stems of a few KB build an automaton")
        });
        ac.find(aho_corasick::Input::new(text).span(from..text.len()))
            .map(|m| m.start())
    }

    /// The terms that may start at `at` (a superset), in order.
    pub fn at(&self, text: &str, at: usize) -> impl Iterator<Item = u32> + '_ {
        let by_byte: &[u32] = match text.as_bytes().get(at) {
            Some(&b) => &self.by_byte[b as usize],
            None => &[],
        };
        let mut a = by_byte.iter().copied().peekable();
        let mut b = self.anywhere.iter().copied().peekable();
        // The two lists merged, in term order.
        std::iter::from_fn(move || match (a.peek(), b.peek()) {
            (Some(&x), Some(&y)) => {
                if x <= y {
                    a.next()
                } else {
                    b.next()
                }
            }
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => None,
        })
    }
}

/// Up to 64 groups of terms (a heading table: each key's terms and its
/// `not` terms), answering which groups match a short text.
#[derive(Debug, Clone)]
pub struct WordSets {
    terms: Vec<(WordTerm, u8)>,
    /// Terms that start at a word edge: a trie of their first stems walked
    /// from each edge (a few steps each), several times quicker on a line of
    /// text than an unanchored automaton over every position.
    at_edges: Trie,
    /// Terms that may start inside a word (`*`): a trie of their first
    /// stems walked from every character whose byte may start one (a
    /// handful of letters; cheaper on a short line than an overlapping
    /// Aho-Corasick search, which it replaced).
    inside: Trie,
    /// By byte: [`EDGE_START`] / [`INSIDE_START`] when some stem of
    /// `at_edges` / `inside` starts with it, [`ASCII_TAIL`] for an ASCII
    /// [`is_tail`] character.
    class: Box<[u8; 256]>,
    /// Bit `b0 << 8 | b1`: some stem of `inside` starts with bytes `b0 b1`
    /// (or is `b0` alone). Tested before walking `inside`: its stems start
    /// with common Finnish letters, but few with a common pair of them.
    inside_pairs: Box<[u64; 1024]>,
    /// Terms whose first word may be empty: tried at every position.
    anywhere: Vec<u32>,
}

/// A trie entry is a term id and, in its low `FORM_BITS`, which form of the
/// term's first word has the stem.
pub(super) const FORM_BITS: u32 = 8;

pub(super) const EDGE_START: u8 = 1;
const INSIDE_START: u8 = 2;
pub(super) const ASCII_TAIL: u8 = 4;

/// A byte trie of stems; each node lists the terms whose stem ends there.
/// Flat: each node's children are a run of `labels`/`targets`, its terms a
/// run of `ids` (a `Vec` per node was a pointer chase per step).
#[derive(Debug, Clone)]
pub(super) struct Trie {
    /// The root's children by byte (0: none; node ids start at 1).
    root: Box<[u32; 256]>,
    nodes: Vec<FlatNode>,
    labels: Vec<u8>,
    targets: Vec<u32>,
    ids: Vec<u32>,
}

#[derive(Debug, Clone, Copy, Default)]
struct FlatNode {
    kids: u32,
    kids_len: u32,
    terms: u32,
    terms_len: u32,
}

impl Trie {
    pub(super) fn new<S: AsRef<[u8]>>(entries: &[(S, u32)]) -> Trie {
        // From the stems in byte order (stable: a stem's ids stay in their
        // order), each stem's nodes are those of the stem before it as far
        // as the two agree, then new ones: no look-up and no list per node
        // (a list per node cost some 100,000 instructions a trie).
        //
        // Each stem's first 8 bytes (zero-padded, big-endian) as a number
        // order the stems as the bytes do wherever the numbers differ, so
        // most comparisons are one of numbers, not a `memcmp` call: the
        // heading sets' sort took 0.61 M instructions a start-up.
        //
        // Sorted as (number, entry's place) pairs, unstably (the places
        // keep equal numbers in the entries' order), then each run of equal
        // numbers by its stems' bytes, stably: the stable sort by number
        // then bytes, with 12-byte moves and no slice compares but in the
        // few runs (a test compares).
        let mut order: Vec<(u64, u32)> = (entries.iter().enumerate())
            .map(|(i, (s, _))| (stem_head(s.as_ref()), i as u32))
            .collect();
        order.sort_unstable();
        let mut from = 0;
        while from < order.len() {
            let head = order[from].0;
            let to = from + order[from..].iter().take_while(|x| x.0 == head).count();
            if to - from > 1 {
                order[from..to].sort_by(|a, b| {
                    entries[a.1 as usize]
                        .0
                        .as_ref()
                        .cmp(entries[b.1 as usize].0.as_ref())
                });
            }
            from = to;
        }
        let sorted: Vec<(u64, &[u8], u32)> = (order.iter())
            .map(|&(head, i)| {
                let (s, id) = &entries[i as usize];
                (head, s.as_ref(), *id)
            })
            .collect();
        let mut root = Box::new([0u32; 256]);
        // (parent, byte, child) in order of creation, and (node, id).
        let mut edges: Vec<(u32, u8, u32)> = Vec::new();
        let mut ends: Vec<(u32, u32)> = Vec::with_capacity(sorted.len());
        // Node 0 means "none"; nodes are numbered as they are made.
        let mut n_nodes = 1u32;
        let mut path: Vec<u32> = Vec::new();
        let mut prev: &[u8] = &[];
        for &(_, stem, id) in &sorted {
            let same = stem.iter().zip(prev).take_while(|(a, b)| a == b).count();
            path.truncate(same);
            for &b in &stem[same..] {
                let node = n_nodes;
                n_nodes += 1;
                match path.last() {
                    Some(&parent) => edges.push((parent, b, node)),
                    None => root[b as usize] = node,
                }
                path.push(node);
            }
            ends.push((*path.last().expect("no stem is empty"), id));
            prev = stem;
        }
        // Each node's children and ids as runs, nodes in order: the edges
        // by a counting sort on their parents (stable, as the sort by key
        // it replaced), the ends already so (a stem after another in byte
        // order ends on a new node, or on the same one when equal).
        let edges = {
            let mut at = vec![0u32; n_nodes as usize + 1];
            for &(parent, _, _) in &edges {
                at[parent as usize + 1] += 1;
            }
            for i in 1..at.len() {
                at[i] += at[i - 1];
            }
            let mut by_parent = vec![(0u32, 0u8, 0u32); edges.len()];
            for &e in &edges {
                let slot = &mut at[e.0 as usize];
                by_parent[*slot as usize] = e;
                *slot += 1;
            }
            by_parent
        };
        debug_assert!(ends.windows(2).all(|w| w[0].0 <= w[1].0));
        let mut t = Trie {
            root,
            nodes: Vec::with_capacity(n_nodes as usize),
            labels: edges.iter().map(|e| e.1).collect(),
            targets: edges.iter().map(|e| e.2).collect(),
            ids: ends.iter().map(|e| e.1).collect(),
        };
        let (mut e, mut d) = (0, 0);
        for node in 0..n_nodes {
            let kids = edges[e..].iter().take_while(|x| x.0 == node).count();
            let terms = ends[d..].iter().take_while(|x| x.0 == node).count();
            t.nodes.push(FlatNode {
                kids: e as u32,
                kids_len: kids as u32,
                terms: d as u32,
                terms_len: terms as u32,
            });
            e += kids;
            d += terms;
        }
        t
    }

    /// Calls `f` with the terms of every stem that `text` starts with.
    #[inline]
    pub(super) fn each_prefix(&self, text: &[u8], mut f: impl FnMut(&[u32])) {
        let Some(&first) = text.first() else { return };
        let mut node = self.root[first as usize] as usize;
        let mut i = 1;
        while node != 0 {
            let n = self.nodes[node];
            if n.terms_len != 0 {
                let from = n.terms as usize;
                f(&self.ids[from..from + n.terms_len as usize]);
            }
            let Some(&b) = text.get(i) else { return };
            let from = n.kids as usize;
            let labels = &self.labels[from..from + n.kids_len as usize];
            node = match labels.iter().position(|&c| c == b) {
                Some(p) => self.targets[from + p] as usize,
                None => 0,
            };
            i += 1;
        }
    }
}

/// The first 8 bytes of `s`, zero-padded, as a big-endian number: where
/// two stems' numbers differ, they order the stems as their bytes do.
pub(super) fn stem_head(s: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    let n = s.len().min(8);
    b[..n].copy_from_slice(&s[..n]);
    u64::from_be_bytes(b)
}

/// Stems and their ids, for the question "which stems does this text
/// start with": a byte trie as a double array (the child of cell `s` by
/// byte class `c` is cell `base(s) + c` when that cell's parent is `s`), and
/// for each cell where stems end the ids of all those that end on the way
/// there, ascending and each once. A word matcher's search at a listed start
/// ([`super::WordPart`]) gets its candidates as one list: with a [`Trie`],
/// the search for each step's child (a loop whose exit varied with the
/// text) mispredicted one step in five, and the ids were gathered, sorted
/// and deduplicated at every start (6 M instructions and 0.15 M
/// mispredicts more a 1,000 notices). Laid out as the index's trie is
/// ([`super::double_array`]), in cells of 32 bits as the index's, padded
/// so that a step needs no bounds check, and the root's cell kept beside
/// the table (cells of 64 bits, a base of 31 bits for any list, took a
/// bounds check and a mask more a step: -0.9 M estimated cycles per 1,000
/// notices). A list too large for 16 bits of base has no `StemIds`, and is
/// tried term by term.
#[derive(Debug, Clone)]
pub(super) struct StemIds {
    class: Box<[u8; 256]>,
    /// The root's cell, kept here: a walk's first step loads no cell for
    /// it.
    root: u32,
    /// Per cell: the parent's cell in the low 15 bits ([`STEM_FREE`]:
    /// none), [`STEMS_END`] when a stem ends there, and `base` in the high
    /// 16; padded past every base by 256 free cells, so that a step's cell
    /// is always in bounds.
    cells: Vec<u32>,
    /// Per cell: the range in `path_ids` of the ids of every stem that ends
    /// on the way from the root to it (empty where none does).
    paths: Vec<(u32, u32)>,
    path_ids: Vec<u32>,
}

/// A cell's parent when the cell belongs to no node (the root's too): no
/// cell's index, as the cells stop short of it.
const STEM_FREE: u32 = 0x7FFF;
/// The bit of a cell where some stem ends.
const STEMS_END: u32 = 0x8000;

impl StemIds {
    /// `None` when the trie needs 32,767 cells or more, or a base past
    /// 16 bits.
    pub(super) fn new<S: AsRef<[u8]>>(entries: &[(S, u32)]) -> Option<StemIds> {
        let layout = Layout::new(entries, STEM_FREE as usize, 0xFFFF)?;
        let mut cells: Vec<u32> = (layout.cells.iter())
            .map(|c| {
                let parent = if c.parent == NO_PARENT {
                    STEM_FREE
                } else {
                    c.parent
                };
                let ends = if c.ends { STEMS_END } else { 0 };
                parent | ends | (c.base << 16)
            })
            .collect();
        // Free cells past every base by a class's reach.
        let reach = (cells.iter())
            .map(|&c| (c >> 16) as usize)
            .max()
            .unwrap_or(0)
            + 256;
        if cells.len() < reach {
            cells.resize(reach, STEM_FREE);
        }
        let (class, paths, path_ids) = (layout.class, layout.paths, layout.path_ids);
        Some(StemIds {
            class,
            root: cells[0],
            cells,
            paths,
            path_ids,
        })
    }

    /// The ids of every stem that `text` starts with, ascending, each once.
    #[inline]
    pub(super) fn at(&self, text: &[u8]) -> &[u32] {
        let mut state = 0usize;
        let mut cell = self.root;
        let mut deepest = 0usize;
        for &b in text {
            let next = (cell >> 16) as usize + self.class[b as usize] as usize;
            debug_assert!(next < self.cells.len());
            // SAFETY: `cell` is one of `cells` (the root's is `cells[0]`),
            // whose bases `new` padded past by 256 cells, more than any
            // class: `next` is in bounds.
            let c = unsafe { *self.cells.get_unchecked(next) };
            if (c & STEM_FREE) as usize != state {
                break;
            }
            cell = c;
            state = next;
            // A select, not a branch: whether a stem ends here is a coin
            // toss for the predictor.
            deepest = if cell & STEMS_END != 0 {
                state
            } else {
                deepest
            };
        }
        let (from, len) = self.paths[deepest];
        &self.path_ids[from as usize..(from + len) as usize]
    }
}

impl WordSets {
    /// `groups[i]` is the term list of group `i`.
    /// (Of any strings: the built-in heading tables are static ones.)
    pub fn new<S: AsRef<str>>(groups: &[&[S]]) -> Result<WordSets, String> {
        if groups.len() > 64 {
            return Err(format!("{} term groups; at most 64", groups.len()));
        }
        let mut terms = Vec::new();
        let (mut edge, mut inside, mut anywhere) = (Vec::new(), Vec::new(), Vec::new());
        for (g, list) in groups.iter().enumerate() {
            for t in list.iter() {
                let t = t.as_ref();
                let Some(term) = WordTerm::new(t) else {
                    continue;
                };
                let id = terms.len() as u32;
                if !term.has_first_stems() {
                    anywhere.push(id);
                } else {
                    let list = if term.compound {
                        &mut inside
                    } else {
                        &mut edge
                    };
                    // Each form of the first word on its own: where the trie
                    // finds its stem, only that form needs checking.
                    if term.words[0].len() > 1 << FORM_BITS {
                        return Err(format!("`{t}`: too many forms of its first word"));
                    }
                    for (k, f) in term.words[0].iter().enumerate() {
                        list.push((f.stem.clone(), id << FORM_BITS | k as u32));
                    }
                }
                terms.push((term, g as u8));
            }
        }
        let mut class = Box::new([0u8; 256]);
        for (list, bit) in [(&edge, EDGE_START), (&inside, INSIDE_START)] {
            for (stem, _) in list {
                class[stem.as_bytes()[0] as usize] |= bit;
            }
        }
        let mut inside_pairs = Box::new([0u64; 1024]);
        for (stem, _) in &inside {
            let b = stem.as_bytes();
            let pairs = match b.get(1) {
                Some(&b1) => (b1 as usize)..=(b1 as usize),
                None => 0..=255,
            };
            for b1 in pairs {
                let k = (b[0] as usize) << 8 | b1;
                inside_pairs[k / 64] |= 1 << (k % 64);
            }
        }
        for b in (b'0'..=b'9').chain(b'a'..=b'z') {
            class[b as usize] |= ASCII_TAIL;
        }
        Ok(WordSets {
            terms,
            at_edges: Trie::new(&edge),
            inside: Trie::new(&inside),
            class,
            inside_pairs,
            anywhere,
        })
    }

    /// Bit `i` set: some term of group `i` matches somewhere in `text`.
    pub fn matching(&self, text: &str) -> u64 {
        let mut hit = 0u64;
        let bytes = text.as_bytes();
        // Both tries' terms have their start edge settled where they are
        // tried: a term of `at_edges` is tried only at a word edge, and a
        // compound needs none.
        let mut check = |at: usize, entries: &[u32]| {
            for &e in entries {
                let (term, g) = &self.terms[(e >> FORM_BITS) as usize];
                let form = (e & ((1 << FORM_BITS) - 1)) as usize;
                if hit & (1 << g) == 0 && term.ends_at_edge_from(bytes, at, form) {
                    hit |= 1 << g;
                }
            }
        };
        // A term that starts at a word edge starts at the text's start or
        // right after a character that is not a letter.
        let class = &*self.class;
        let mut prev_tail = false;
        let mut at = 0;
        while at < bytes.len() {
            let b = bytes[at];
            let c = class[b as usize];
            if prev_tail && c & (ASCII_TAIL | INSIDE_START) == ASCII_TAIL {
                // Inside a word, where nothing can start: the common case.
                at += 1;
                continue;
            }
            if !prev_tail && c & EDGE_START != 0 {
                self.at_edges
                    .each_prefix(&bytes[at..], |ids| check(at, ids));
            }
            if c & INSIDE_START != 0 {
                let pair = match bytes.get(at + 1) {
                    Some(&b1) => {
                        let k = (b as usize) << 8 | b1 as usize;
                        self.inside_pairs[k / 64] & 1 << (k % 64) != 0
                    }
                    None => true,
                };
                if pair {
                    self.inside.each_prefix(&bytes[at..], |ids| check(at, ids));
                }
            }
            let n = tail_len(bytes, at);
            prev_tail = n != 0;
            at += if prev_tail { n } else { utf8_len(b) };
        }
        self.match_anywhere(text, hit)
    }

    /// `hit` with the groups of the terms whose first word may be empty,
    /// tried at every position.
    fn match_anywhere(&self, text: &str, mut hit: u64) -> u64 {
        for &id in &self.anywhere {
            let (term, g) = &self.terms[id as usize];
            if hit & (1 << g) != 0 {
                continue;
            }
            let found = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .any(|i| term.matches_at(text, i));
            if found {
                hit |= 1 << g;
            }
        }
        hit
    }
}

/// The heading oracle as it was before the flat tries (an overlapping
/// Aho-Corasick search for the compounds, a trie with a list per node), kept
/// to check that [`WordSets::matching`] gives the same bits.
#[cfg(test)]
mod reference {
    use super::{is_tail, WordSets};
    use aho_corasick::{AhoCorasick, MatchKind};

    type Node = (Vec<(u8, u32)>, Vec<u32>);

    struct Trie {
        root: Box<[u32; 256]>,
        /// Per node: its children by byte, and its terms.
        nodes: Vec<Node>,
    }

    impl Trie {
        fn new(entries: &[(String, u32)]) -> Trie {
            let mut t = Trie {
                root: Box::new([0; 256]),
                nodes: vec![Default::default()],
            };
            for (stem, id) in entries {
                let bytes = stem.as_bytes();
                let mut node = t.root[bytes[0] as usize] as usize;
                if node == 0 {
                    t.nodes.push(Default::default());
                    node = t.nodes.len() - 1;
                    t.root[bytes[0] as usize] = node as u32;
                }
                for &b in &bytes[1..] {
                    let next = t.nodes[node].0.iter().find(|(c, _)| *c == b).map(|x| x.1);
                    node = match next {
                        Some(n) => n as usize,
                        None => {
                            t.nodes.push(Default::default());
                            let n = t.nodes.len() - 1;
                            t.nodes[node].0.push((b, n as u32));
                            n
                        }
                    };
                }
                t.nodes[node].1.push(*id);
            }
            t
        }

        fn each_prefix(&self, text: &[u8], mut f: impl FnMut(&[u32])) {
            let Some(&first) = text.first() else { return };
            let mut node = self.root[first as usize] as usize;
            let mut i = 1;
            while node != 0 {
                let n = &self.nodes[node];
                if !n.1.is_empty() {
                    f(&n.1);
                }
                let Some(&b) = text.get(i) else { return };
                node =
                    n.0.iter()
                        .find(|(c, _)| *c == b)
                        .map_or(0, |x| x.1 as usize);
                i += 1;
            }
        }
    }

    pub struct Old {
        at_edges: Trie,
        inside_ac: AhoCorasick,
        inside_terms: Vec<Vec<u32>>,
    }

    impl Old {
        pub fn new(sets: &WordSets) -> Old {
            let (mut edge, mut inside) = (Vec::new(), Vec::new());
            for (id, (term, _)) in sets.terms.iter().enumerate() {
                if let Some(firsts) = term.first_stems() {
                    let list = if term.compound {
                        &mut inside
                    } else {
                        &mut edge
                    };
                    list.extend(firsts.into_iter().map(|s| (s.to_string(), id as u32)));
                }
            }
            let mut stems: Vec<&str> = Vec::new();
            let mut inside_terms: Vec<Vec<u32>> = Vec::new();
            let mut index = std::collections::HashMap::new();
            for (stem, id) in &inside {
                let p = *index.entry(stem.as_str()).or_insert_with(|| {
                    stems.push(stem);
                    inside_terms.push(Vec::new());
                    stems.len() - 1
                });
                inside_terms[p].push(*id);
            }
            let inside_ac = AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&stems)
                .unwrap();
            Old {
                at_edges: Trie::new(&edge),
                inside_ac,
                inside_terms,
            }
        }

        pub fn matching(&self, sets: &WordSets, text: &str) -> u64 {
            let mut hit = 0u64;
            let mut check = |at: usize, ids: &[u32]| {
                for &id in ids {
                    let (term, g) = &sets.terms[id as usize];
                    if hit & (1 << g) == 0 && term.matches_at(text, at) {
                        hit |= 1 << g;
                    }
                }
            };
            let bytes = text.as_bytes();
            let mut prev_tail = false;
            let mut at = 0;
            while at < bytes.len() {
                if !prev_tail {
                    self.at_edges
                        .each_prefix(&bytes[at..], |ids| check(at, ids));
                }
                let c = text[at..].chars().next().unwrap();
                prev_tail = is_tail(c);
                at += c.len_utf8();
            }
            for m in self.inside_ac.find_overlapping_iter(text) {
                check(m.start(), &self.inside_terms[m.pattern().as_usize()]);
            }
            // Unchanged since: shared.
            sets.match_anywhere(text, hit)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`inflected_stems`] as it was, char by char (the reference).
    fn inflected_stems_by_chars(word: &str) -> Vec<String> {
        use super::super::{is_vowel, strong_grades, weak_grades};
        let w: Vec<char> = word.chars().collect();
        let n = w.len();
        let head = |k: usize| w[..k].iter().collect::<String>();
        if n < 3 {
            return vec![word.to_string()];
        }
        if word.ends_with("nen") && n > 4 {
            let stem = head(n - 3);
            return vec![format!("{stem}nen"), format!("{stem}s")];
        }
        if (word.ends_with("us")
            || word.ends_with("ys")
            || word.ends_with("os")
            || word.ends_with("ös"))
            && n > 3
        {
            let stem = head(n - 1);
            return ["s", "d", "k", "t"]
                .iter()
                .map(|e| format!("{stem}{e}"))
                .collect();
        }
        let last = w[n - 1];
        if !is_vowel(last) {
            return vec![word.to_string()];
        }
        let mut k = n - 1;
        while k > 0 && !is_vowel(w[k - 1]) {
            k -= 1;
        }
        let prefix = head(k);
        let cluster: String = w[k..n - 1].iter().collect();
        if cluster.is_empty() {
            return vec![head(n - 1)];
        }
        if last == 'e' {
            let mut out = vec![format!("{prefix}{cluster}e")];
            for s in strong_grades(&cluster) {
                out.push(format!("{prefix}{s}e"));
            }
            return out;
        }
        let mut out = vec![format!("{prefix}{cluster}")];
        let mut after = last.to_string();
        match last {
            'i' => after.push('e'),
            'a' | 'ä' | 'o' | 'ö' => after.push('i'),
            _ => {}
        }
        for g in weak_grades(&cluster) {
            for a in after.chars() {
                out.push(format!("{prefix}{g}{a}"));
            }
        }
        out
    }

    #[test]
    fn escape_and_lowercase_are_the_std_ones() {
        for s in [
            "",
            "abc",
            "a.b",
            "äö",
            "ÄÖ",
            "a-b",
            "(x)",
            "tieto*",
            "é€",
            "ΣΑΣ",
            "İ",
            "ß",
            "ẞ",
            "Tietosuoja",
            "a\\b",
            "#&~",
            "~",
            "ǅ",
            "å",
            "Å",
            "ü",
            "Ü",
        ] {
            assert_eq!(escape(s), regex::escape(s), "{s}");
            assert_eq!(lowercase(s), s.to_lowercase(), "{s}");
        }
        for b in 0u8..=255 {
            assert_eq!(
                META[b as usize],
                regex_syntax::is_meta_character(char::from(b))
            );
            let s = char::from(b).to_string();
            assert_eq!(escape(&s), regex::escape(&s), "{b}");
            assert_eq!(lowercase(&s), s.to_lowercase(), "{b}");
        }
    }

    /// [`Trie::new`] as it was made: a stable sort of the stems by number
    /// then bytes, and of the edges and ends by node.
    fn trie_by_stable_sorts<S: AsRef<[u8]>>(entries: &[(S, u32)]) -> Trie {
        // From the stems in byte order (stable: a stem's ids stay in their
        // order), each stem's nodes are those of the stem before it as far
        // as the two agree, then new ones: no look-up and no list per node
        // (a list per node cost some 100,000 instructions a trie).
        //
        // Each stem's first 8 bytes (zero-padded, big-endian) as a number
        // order the stems as the bytes do wherever the numbers differ, so
        // most comparisons are one of numbers, not a `memcmp` call: the
        // heading sets' sort took 0.61 M instructions a start-up.
        let mut sorted: Vec<(u64, &[u8], u32)> = (entries.iter())
            .map(|(s, id)| (stem_head(s.as_ref()), s.as_ref(), *id))
            .collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        let mut root = Box::new([0u32; 256]);
        // (parent, byte, child) in order of creation, and (node, id).
        let mut edges: Vec<(u32, u8, u32)> = Vec::new();
        let mut ends: Vec<(u32, u32)> = Vec::with_capacity(sorted.len());
        // Node 0 means "none"; nodes are numbered as they are made.
        let mut n_nodes = 1u32;
        let mut path: Vec<u32> = Vec::new();
        let mut prev: &[u8] = &[];
        for &(_, stem, id) in &sorted {
            let same = stem.iter().zip(prev).take_while(|(a, b)| a == b).count();
            path.truncate(same);
            for &b in &stem[same..] {
                let node = n_nodes;
                n_nodes += 1;
                match path.last() {
                    Some(&parent) => edges.push((parent, b, node)),
                    None => root[b as usize] = node,
                }
                path.push(node);
            }
            ends.push((*path.last().expect("no stem is empty"), id));
            prev = stem;
        }
        // Each node's children and ids as runs, nodes in order.
        edges.sort_by_key(|&(parent, _, _)| parent);
        ends.sort_by_key(|&(node, _)| node);
        let mut t = Trie {
            root,
            nodes: Vec::with_capacity(n_nodes as usize),
            labels: edges.iter().map(|e| e.1).collect(),
            targets: edges.iter().map(|e| e.2).collect(),
            ids: ends.iter().map(|e| e.1).collect(),
        };
        let (mut e, mut d) = (0, 0);
        for node in 0..n_nodes {
            let kids = edges[e..].iter().take_while(|x| x.0 == node).count();
            let terms = ends[d..].iter().take_while(|x| x.0 == node).count();
            t.nodes.push(FlatNode {
                kids: e as u32,
                kids_len: kids as u32,
                terms: d as u32,
                terms_len: terms as u32,
            });
            e += kids;
            d += terms;
        }
        t
    }

    /// [`Trie::new`] builds the trie its stable sorts did (random stems
    /// of 1-12 bytes from a few values, so that many share their first 8
    /// bytes, some the same stem under several ids, ids in any order; and
    /// the heading tables' stems).
    #[test]
    fn trie_is_the_stable_sorts_one() {
        let show = |t: &Trie| format!("{t:?}");
        let mut rnd = crate::xorshift(0x7E1E);
        for _ in 0..2000 {
            let width = 1 + (rnd() as usize) % 5;
            let stem = |rnd: &mut dyn FnMut() -> u64| -> Vec<u8> {
                (0..1 + rnd() % 12)
                    .map(|_| b"ab\x00\xC3\xff"[(rnd() as usize) % width])
                    .collect()
            };
            let entries: Vec<(Vec<u8>, u32)> = (0..rnd() % 80)
                .map(|_| (stem(&mut rnd), (rnd() % 50) as u32))
                .collect();
            assert_eq!(
                show(&Trie::new(&entries)),
                show(&trie_by_stable_sorts(&entries)),
                "{entries:?}"
            );
        }
        let sets = crate::schema::HeadingTable::builtin().word_sets().clone();
        for (trie, entries) in [(&sets.at_edges, true), (&sets.inside, false)] {
            let mut list: Vec<(String, u32)> = Vec::new();
            for (id, (term, _)) in sets.terms.iter().enumerate() {
                if term.first_stems().is_some() && term.compound != entries {
                    for (k, f) in term.words[0].iter().enumerate() {
                        list.push((f.stem.clone(), (id as u32) << FORM_BITS | k as u32));
                    }
                }
            }
            assert!(!list.is_empty());
            assert_eq!(show(trie), show(&trie_by_stable_sorts(&list)));
        }
    }

    /// [`WordTerm::literals`] as it was made: every literal copied with
    /// each gap, then with each stem.
    fn literals_by_concat(t: &WordTerm) -> Vec<String> {
        let mut out = vec![String::new()];
        for (k, forms) in t.words.iter().enumerate() {
            if k > 0 {
                if out.len() > 16 || out.iter().all(|l| l.len() > super::super::MIN_LITERAL) {
                    break;
                }
                out = out
                    .iter()
                    .flat_map(|l| [concat(l, " "), concat(l, "-")])
                    .collect();
            }
            let whole = forms.iter().all(|f| !f.open);
            let stems: Vec<String> = forms.iter().map(|f| f.stem.clone()).collect();
            let lits = if whole {
                stems
            } else {
                super::super::common_stem_literals(stems)
            };
            out = out
                .iter()
                .flat_map(|l| lits.iter().map(move |x| concat(l, x)))
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

    /// [`WordTerm::new`] as it was made: the term lowercased as decoded
    /// characters told, split by `split(' ')`, each word's stems a list
    /// of strings first.
    fn word_term_by_chars(term: &str) -> Option<WordTerm> {
        let term = term.trim();
        let unchanged = (term.chars()).all(|c| {
            (c.is_ascii() && !c.is_ascii_uppercase()) || matches!(c, 'ä' | 'ö' | 'å' | 'é' | 'ü')
        });
        let t = if unchanged {
            term.to_string()
        } else {
            term.to_lowercase()
        };
        let (t, compound) = match t.strip_prefix('*') {
            Some(rest) => (rest, true),
            None => (t.as_str(), false),
        };
        let words: Vec<Vec<Form>> = (t.split(' '))
            .filter(|w| !w.is_empty())
            .map(|w| {
                if let Some(base) = w.strip_suffix('~') {
                    (inflected_stems(base).into_iter())
                        .map(|stem| Form { stem, open: true })
                        .collect()
                } else if let Some(base) = w.strip_suffix('*') {
                    vec![Form {
                        stem: base.to_string(),
                        open: true,
                    }]
                } else {
                    vec![Form {
                        stem: w.to_string(),
                        open: false,
                    }]
                }
            })
            .collect();
        (!words.is_empty()).then_some(WordTerm { words, compound })
    }

    /// A term is parsed, and its literals made, as before (the catalogue's
    /// and random terms, with capitals and other letters beyond ASCII).
    #[test]
    fn word_terms_and_literals_are_the_old_ones() {
        let mut terms = catalogue_and_random_terms();
        let odd = [
            "Ä", "Ö", "TIETO", "Å", "É", "Ü", "ß", "Ÿ", "ÿ", "À", "à", "ẞ", "İ", "€", "  ", "\t",
        ];
        let mut rnd = crate::xorshift(0x11AB);
        for i in 0..5000 {
            let mut t = terms[i * 3 % terms.len()].clone();
            let at = t
                .char_indices()
                .map(|(i, _)| i)
                .nth(rnd() as usize % (t.chars().count() + 1));
            t.insert_str(at.unwrap_or(t.len()), odd[rnd() as usize % odd.len()]);
            terms.push(t);
        }
        for t in &terms {
            let (new, old) = (WordTerm::new(t), word_term_by_chars(t));
            assert_eq!(format!("{new:?}"), format!("{old:?}"), "{t:?}");
            if let Some(w) = new {
                let old = literals_by_concat(&w);
                assert_eq!(w.literals(), old, "{t:?}");
                let mut all = vec!["x".to_string()];
                w.literals_into(&mut all);
                assert_eq!(all[1..], old[..], "{t:?}");
                assert_eq!(w.has_first_stems(), w.first_stems().is_some(), "{t:?}");
            }
        }
    }

    /// [`WordTerm::regex_source`] as it was made: each word's fragment a
    /// string of its own, then joined.
    fn regex_source_by_joins(t: &WordTerm) -> String {
        let words: Vec<String> = (t.words.iter())
            .map(|forms| match forms.as_slice() {
                [f] if !f.open => escape(&f.stem),
                open => {
                    let stems: Vec<&str> = open.iter().map(|f| f.stem.as_str()).collect();
                    super::super::open_stems_regex(&stems)
                }
            })
            .collect();
        words.join(r"[ \-]")
    }

    /// Every quoted string of the built-in catalogue and heading tables,
    /// and random terms of words with and without `~`/`*`, meta characters
    /// and letters beyond ASCII.
    fn catalogue_and_random_terms() -> Vec<String> {
        let sources = (crate::engine::catalogue::BUILTIN.iter())
            .map(|(_, s)| *s)
            .chain([crate::schema::DEFAULT_HEADINGS]);
        let mut terms: Vec<String> = Vec::new();
        for src in sources {
            terms.extend(src.split('"').skip(1).step_by(2).map(str::to_string));
        }
        let pieces = [
            "tieto",
            "laki",
            "oikeus",
            "a",
            "on",
            "ä",
            "pöytä",
            "henkilökohtainen",
            "e.g.",
            "(x)",
            "c++",
            "$",
            "~",
            "*",
            "-",
            "é",
            "k",
            "yhtiö",
        ];
        let ends = ["", "", "~", "*"];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let r = next();
            let mut t = String::new();
            if r % 5 == 0 {
                t.push('*');
            }
            for i in 0..1 + (r >> 3) % 4 {
                if i > 0 {
                    t.push(' ');
                }
                let r = next();
                t.push_str(pieces[(r % pieces.len() as u64) as usize]);
                if r % 3 == 0 {
                    t.push_str(pieces[((r >> 8) % pieces.len() as u64) as usize]);
                }
                t.push_str(ends[((r >> 16) % ends.len() as u64) as usize]);
            }
            terms.push(t);
        }
        terms
    }

    /// The fragment written piece by piece, its length counted and its end
    /// told without writing are those of the joined fragment.
    #[test]
    fn regex_source_pieces_are_the_joins() {
        let mut seen = 0;
        for t in catalogue_and_random_terms() {
            let Some(w) = WordTerm::new(&t) else { continue };
            seen += 1;
            let joined = regex_source_by_joins(&w);
            assert_eq!(w.regex_source(), joined, "{t}");
            let mut written = String::from("(?:");
            w.write_regex_source(&mut written);
            assert_eq!(written[3..], joined, "{t}");
            assert_eq!(w.regex_source_len(), joined.len(), "{t}");
            assert_eq!(
                w.is_open_ended(),
                joined.ends_with(super::super::TAIL),
                "{t}"
            );
        }
        assert!(seen > 20_000);
    }

    #[test]
    fn inflected_stems_are_those_by_chars() {
        let mut words: Vec<String> = [
            "",
            "a",
            "ä",
            "ab",
            "äö",
            "abc",
            "nen",
            "anen",
            "annen",
            "ännen",
            "us",
            "ous",
            "kous",
            "ös",
            "äös",
            "kääs",
            "laki",
            "lakki",
            "osoite",
            "hake",
            "tie",
            "pää",
            "koe",
            "å",
            "kå",
            "kåå",
            "valå",
            "haku",
            "kyky",
            "pöytä",
            "lintu",
            "henkilökohtainen",
            "oikeus",
            "ystävyys",
            "€uro",
            "ééé",
            "ttta",
            "rtta",
            "hdä",
            "lkö",
            "ngi",
            "mpe",
            "nke",
        ]
        .iter()
        .map(|w| w.to_string())
        .collect();
        // Every word of the built-in catalogue's and heading tables' terms.
        let sources = (crate::engine::catalogue::BUILTIN.iter())
            .map(|(_, s)| *s)
            .chain([crate::schema::DEFAULT_HEADINGS]);
        for src in sources {
            for w in src.split(|c: char| !c.is_alphanumeric()) {
                words.push(w.to_lowercase());
            }
        }
        // Random words of vowels, consonants (the grades' too) and others.
        let letters = [
            "a", "e", "i", "o", "u", "y", "ä", "ö", "å", "k", "t", "p", "n", "l", "r", "h", "s",
            "d", "g", "m", "v", "j", "é", "ß", "-",
        ];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 8) as usize;
            let w: String = (0..len)
                .map(|i| letters[((state >> (8 + 5 * i)) % letters.len() as u64) as usize])
                .collect();
            words.push(w);
        }
        for w in &words {
            assert_eq!(inflected_stems(w), inflected_stems_by_chars(w), "{w}");
        }
    }

    fn one(terms: &[&str], text: &str) -> bool {
        let list: Vec<String> = terms.iter().map(|s| s.to_string()).collect();
        WordSets::new(&[&list]).unwrap().matching(text) == 1
    }

    #[test]
    fn inflected_stems_agree_with_the_regex() {
        // Each stem list, joined as alternatives with the ending, is the
        // regex `inflect` writes (up to how it groups them).
        for w in [
            "laki",
            "valtuutettu",
            "osoite",
            "oikeus",
            "henkilökohtainen",
            "tietosuoja",
            "peruste",
            "pöytä",
            "rekisterinpitäjä",
            "ek",
            "personuppgiftslag",
        ] {
            let re = regex::Regex::new(&format!("^(?:{})$", super::super::inflect(w))).unwrap();
            let stems = inflected_stems(w);
            for s in &stems {
                assert!(re.is_match(s), "{w}: stem {s} not matched by the regex");
                assert!(re.is_match(&format!("{s}ssa")), "{w}: {s}ssa");
            }
            // Everything the regex matches among these forms starts with a stem.
            for form in [
                "lain",
                "laissa",
                "valtuutetun",
                "osoitteen",
                "oikeuksia",
                "henkilökohtaisia",
                "pöydällä",
                "perusteella",
                "perustuu",
            ] {
                let by_stems = stems
                    .iter()
                    .any(|s| form.starts_with(s.as_str()) && form[s.len()..].chars().all(is_tail));
                assert_eq!(re.is_match(form), by_stems, "{w} / {form}");
            }
        }
    }

    /// The byte-wise `end_at` and `ends_word_char` against the closure
    /// walk and `is_tail` on random texts made of the terms' own pieces;
    /// every match begins with one of the term's `match_prefixes`.
    #[test]
    fn end_at_is_the_walk() {
        let mut terms: Vec<WordTerm> = crate::schema::DEFAULT_HEADINGS
            .split('"')
            .skip(1)
            .step_by(2)
            .filter_map(WordTerm::new)
            .collect();
        for t in [
            "on allekirjoitettava",
            "oikeus~ poistaa",
            "käsittelyn rajoitus~",
            "laki~",
            "tietosuojavaltuutettu~ ja osoite~",
            "a* b*",
            "*seloste~",
            "abcdefghijklmnopq rst",
            "ö",
        ] {
            terms.extend(WordTerm::new(t));
        }
        let pieces = [
            "on",
            "oikeu",
            "oikeus",
            "poistaa",
            "pois",
            "po",
            "allekirjoitettava",
            "alle",
            "käsittelyn",
            "rajoitu",
            "laki",
            "lai",
            "la",
            "seloste",
            "abcdefgh",
            "ijklmnopq",
            "rst",
            "a",
            "b",
            " ",
            "-",
            ", ",
            "ä",
            "ö",
            "÷",
            "š",
            "œ",
            "€",
            "x",
            "9",
            "Ö",
            "ß",
        ];
        let mut rnd = crate::xorshift(0x000E_4DA7);
        for _ in 0..4000 {
            let n = (rnd() % 12) as usize;
            let text = crate::random_text(&mut rnd, &pieces, n);
            let cuts: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for &at in &cuts {
                let prev = text[..at].chars().next_back();
                assert_eq!(
                    ends_word_char(text.as_bytes(), at),
                    prev.is_some_and(is_tail),
                    "{text:?} at {at}"
                );
                let some = &terms[(rnd() % terms.len() as u64) as usize];
                for t in terms.iter().rev().take(9).chain([some]) {
                    let end = t.end_at(&text, at);
                    assert_eq!(end, t.end_by_walk(&text, at), "{t:?} {text:?} {at}");
                    // A match starts with one of the term's prefixes.
                    let prefixes = t.match_prefixes().unwrap_or_default();
                    if end.is_some() && t.first_stems().is_some() {
                        assert!(
                            (prefixes.iter()).any(|(p, _)| text.as_bytes()[at..].starts_with(p)),
                            "{t:?} {text:?} {at}"
                        );
                    }
                    // The forms whose prefixes are there, tried in order,
                    // end where the whole term does.
                    let mut forms: Vec<usize> = (prefixes.iter())
                        .filter(|(p, _)| text.as_bytes()[at..].starts_with(p))
                        .map(|&(_, form)| form)
                        .collect();
                    forms.sort_unstable();
                    forms.dedup();
                    let by_form = forms.iter().find_map(|&f| t.end_at_form(&text, at, f));
                    if t.first_stems().is_some() {
                        assert_eq!(by_form, end, "{t:?} {text:?} {at}");
                    }
                }
            }
        }
    }

    /// The trie gives, for a text, the ids of every stem the text starts
    /// with, each stem's ids in their order (brute force on random stems).
    #[test]
    fn trie_finds_every_stem_prefix() {
        let mut rnd = crate::xorshift(0x7219);
        for _ in 0..300 {
            let stem = |rnd: &mut dyn FnMut() -> u64| -> Vec<u8> {
                (0..1 + rnd() % 5)
                    .map(|_| b"abc\xC3"[(rnd() % 4) as usize])
                    .collect()
            };
            let entries: Vec<(Vec<u8>, u32)> = (0..rnd() % 12)
                .map(|i| (stem(&mut rnd), (rnd() % 4) as u32 * 100 + i as u32))
                .collect();
            let trie = Trie::new(&entries);
            for _ in 0..20 {
                let text = stem(&mut rnd).repeat(2);
                let mut got = Vec::new();
                trie.each_prefix(&text, |ids| got.extend_from_slice(ids));
                let mut want: Vec<(usize, u32)> = (entries.iter())
                    .filter(|(s, _)| text.starts_with(s))
                    .map(|(s, id)| (s.len(), *id))
                    .collect();
                want.sort_by_key(|&(len, _)| len);
                let want: Vec<u32> = want.iter().map(|&(_, id)| id).collect();
                assert_eq!(got, want, "{entries:?} {text:?}");
            }
        }
    }

    /// [`stem_head`] orders stems as their bytes do wherever it differs,
    /// and the trie's sort by it then by the bytes is the bytes' order
    /// (random stems of 1-20 bytes, zero bytes and shared heads among them).
    #[test]
    fn stem_heads_order_as_the_bytes() {
        let mut rnd = crate::xorshift(0x4EAD);
        for _ in 0..2000 {
            let stem = |rnd: &mut dyn FnMut() -> u64| -> Vec<u8> {
                (0..1 + rnd() % 20)
                    .map(|_| b"ab\x00\xC3\xff"[(rnd() % 5) as usize])
                    .collect()
            };
            let (a, b) = (stem(&mut rnd), stem(&mut rnd));
            let (ha, hb) = (stem_head(&a), stem_head(&b));
            if ha != hb {
                assert_eq!(ha.cmp(&hb), a.cmp(&b), "{a:?} {b:?}");
            }
            let mut list: Vec<Vec<u8>> = (0..rnd() % 30).map(|_| stem(&mut rnd)).collect();
            let mut want = list.clone();
            want.sort();
            list.sort_by(|a, b| (stem_head(a).cmp(&stem_head(b))).then_with(|| a.cmp(b)));
            assert_eq!(list, want);
        }
    }

    /// [`StemIds::at`] is the ids the trie gives, sorted and each once
    /// (random stems of many bytes, some the same stem under several ids).
    #[test]
    fn stem_ids_are_the_tries_sorted() {
        const BYTES: &[u8] = b"abcdefghijklmnop\x00\x01\x7f\x80\xc3\xff";
        let mut rnd = crate::xorshift(0x51D3);
        for _ in 0..300 {
            let width = 2 + (rnd() as usize) % (BYTES.len() - 1);
            let stem = |rnd: &mut dyn FnMut() -> u64| -> Vec<u8> {
                (0..1 + rnd() % 4)
                    .map(|_| BYTES[(rnd() as usize) % width])
                    .collect()
            };
            let entries: Vec<(Vec<u8>, u32)> = (0..rnd() % 60)
                .map(|_| (stem(&mut rnd), (rnd() % 40) as u32))
                .collect();
            let trie = Trie::new(&entries);
            let ids = StemIds::new(&entries).expect("a small trie");
            for _ in 0..40 {
                let mut text = stem(&mut rnd).repeat(2);
                text.truncate((rnd() as usize) % (text.len() + 1));
                let mut want = Vec::new();
                trie.each_prefix(&text, |found| want.extend_from_slice(found));
                want.sort_unstable();
                want.dedup();
                assert_eq!(ids.at(&text), want, "{entries:?} {text:?}");
            }
        }
    }

    /// A trie too large for cells of 32 bits gives no [`StemIds`] (its
    /// list is then tried term by term).
    #[test]
    fn stem_ids_too_large_for_their_cells_are_none() {
        let mut rnd = crate::xorshift(0xB16);
        let entries: Vec<(Vec<u8>, u32)> = (0..6000)
            .map(|i| {
                let stem = (0..10).map(|_| b'a' + (rnd() % 26) as u8).collect();
                (stem, i)
            })
            .collect();
        assert!(StemIds::new(&entries).is_none());
        assert!(StemIds::new(&entries[..100]).is_some());
    }

    #[test]
    fn has_prefix_is_starts_with() {
        let mut rnd = crate::xorshift(0x9F1);
        for _ in 0..20_000 {
            let hay: Vec<u8> = (0..rnd() % 20)
                .map(|_| b"ab"[(rnd() % 2) as usize])
                .collect();
            let needle: Vec<u8> = (0..rnd() % 20)
                .map(|_| b"ab"[(rnd() % 2) as usize])
                .collect();
            assert_eq!(has_prefix(&hay, &needle), hay.starts_with(&needle));
            let n = hay.len().min(rnd() as usize % 21);
            assert!(has_prefix(&hay, &hay[..n]));
        }
    }

    #[test]
    fn tail_len_is_is_tail() {
        for c in (0..0x800u32)
            .filter_map(char::from_u32)
            .chain(['€', '—', '𝄞'])
        {
            let s = format!("{c}x");
            let want = if is_tail(c) { c.len_utf8() } else { 0 };
            assert_eq!(tail_len(s.as_bytes(), 0), want, "{c:?}");
            assert_eq!(utf8_len(s.as_bytes()[0]), c.len_utf8(), "{c:?}");
        }
        assert_eq!(tail_len(b"", 0), 0);
    }

    /// Texts for comparing the oracle with [`reference::Old`]: every line
    /// of the fixtures and the real corpus (when present), every term of
    /// the built-in headings bare and in company, and splices of those.
    fn oracle_samples() -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for l in crate::sample_file_lines() {
            if !l.is_empty() && l.chars().count() <= 400 {
                out.push(l.to_lowercase());
                out.push(l);
            }
        }
        let heads = crate::schema::DEFAULT_HEADINGS;
        for t in heads.split('"').skip(1).step_by(2) {
            let bare = t.replace(['~', '*'], "");
            for form in [
                bare.clone(),
                format!("{bare}n"),
                format!("x{bare}ssa, ja {bare}"),
                format!("{bare}-{bare}"),
                format!("ä{bare}ö"),
                format!("{bare}÷"),
                format!("{bare}š {bare}œ {bare}×"),
            ] {
                out.push(form);
            }
        }
        out
    }

    /// The built-in heading tables' word sets, and the old oracle over them.
    fn builtin() -> &'static (WordSets, reference::Old) {
        static SETS: std::sync::OnceLock<(WordSets, reference::Old)> = std::sync::OnceLock::new();
        SETS.get_or_init(|| {
            let table = crate::schema::DEFAULT_HEADINGS;
            let map: std::collections::BTreeMap<String, toml::Value> =
                toml::from_str(table).unwrap();
            let lists: Vec<Vec<String>> = map
                .values()
                .flat_map(|v| {
                    ["terms", "not"].map(|k| {
                        v.get(k)
                            .and_then(|l| l.as_array())
                            .map(|l| l.iter().map(|x| x.as_str().unwrap().to_string()).collect())
                            .unwrap_or_default()
                    })
                })
                .collect();
            let groups: Vec<&[String]> = lists.iter().map(|l| l.as_slice()).collect();
            let sets = WordSets::new(&groups).unwrap();
            let old = reference::Old::new(&sets);
            (sets, old)
        })
    }

    #[test]
    fn oracle_agrees_with_the_old_one() {
        let (sets, old) = builtin();
        let samples = oracle_samples();
        assert!(samples.len() > 5000, "{} samples", samples.len());
        let mut hits = 0;
        for s in &samples {
            let want = old.matching(sets, s);
            hits += usize::from(want != 0);
            assert_eq!(sets.matching(s), want, "{s:?}");
        }
        assert!(hits > 1000, "{hits} samples hit");
        // Splices: a sample's tail after another's head, at every char
        // boundary of a few, and deterministic pseudo-random pairs.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let a = &samples[(x % samples.len() as u64) as usize];
            let b = &samples[((x >> 20) % samples.len() as u64) as usize];
            let cut_a = a.floor_char_boundary((x >> 40) as usize % (a.len() + 1));
            let cut_b = b.floor_char_boundary((x >> 50) as usize % (b.len() + 1));
            let s = format!("{}{}", &a[..cut_a], &b[cut_b..]);
            assert_eq!(sets.matching(&s), old.matching(sets, &s), "{s:?}");
        }
    }

    /// Times the oracle against the old one over the samples (run with
    /// `cargo test --release --lib oracle_speed -- --ignored --nocapture`).
    #[test]
    #[ignore]
    fn oracle_speed() {
        let (sets, old) = builtin();
        let samples: Vec<String> = oracle_samples()
            .into_iter()
            .filter(|s| *s == s.to_lowercase())
            .collect();
        let bytes: usize = samples.iter().map(|s| s.len()).sum();
        // Minimums of alternating rounds: the machine is shared.
        let (mut best_old, mut best_new) = (std::time::Duration::MAX, std::time::Duration::MAX);
        for _ in 0..15 {
            let t = std::time::Instant::now();
            let mut x = 0u64;
            for s in &samples {
                x ^= old.matching(sets, s);
            }
            best_old = best_old.min(t.elapsed());
            let t = std::time::Instant::now();
            let mut y = 0u64;
            for s in &samples {
                y ^= sets.matching(s);
            }
            best_new = best_new.min(t.elapsed());
            assert_eq!(x, y);
        }
        eprintln!(
            "{} texts, {bytes} bytes: old {best_old:?}, new {best_new:?}",
            samples.len()
        );
    }

    proptest::proptest! {
        #[test]
        fn oracle_agrees_on_letter_soup(
            s in "(rekisterin |tieto|käsittely|skydd|över|laki|[a-zäöåšžœ÷×éü0-9 :.\\-]){0,24}"
        ) {
            let (sets, old) = builtin();
            proptest::prop_assert_eq!(sets.matching(&s), old.matching(sets, &s));
        }
    }

    #[test]
    fn words_edges_and_compounds() {
        assert!(one(&["laki~"], "henkilötietolaki ja laissa"));
        assert!(!one(&["laki~"], "henkilötietolaki"));
        assert!(one(&["*laki~"], "henkilötietolain nojalla"));
        assert!(one(&["tehdä valitus~"], "oikeus tehdä-valituksen"));
        assert!(!one(&["tehdä valitus~"], "oikeus tehdävalituksen"));
        assert!(one(&["miksi * käsitellään"], "miksi tietoja käsitellään"));
        assert!(!one(&["dpo"], "dpos"));
        assert!(!one(&["eu:"], "siirrot eu:n ulkopuolelle"));
        assert!(one(&["eu:n"], "siirrot eu:n ulkopuolelle"));
        assert!(one(&["contact*"], "contacts"));
        assert!(!one(&["peruste~"], "perustuu"));
    }

    #[test]
    fn groups_are_reported_separately() {
        let a = vec!["evä*".to_string()];
        let b = vec!["cookie*".to_string()];
        let sets = WordSets::new(&[&a, &b]).unwrap();
        assert_eq!(sets.matching("evästeet"), 0b01);
        assert_eq!(sets.matching("cookies och evästeet"), 0b11);
        assert_eq!(sets.matching("muuta"), 0);
    }
}

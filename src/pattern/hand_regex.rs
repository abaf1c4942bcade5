//! A regex of the built-in rule files matched by hand, where its lazy DFA
//! costs much: the complaint-right rule's `present_regex` pair (rule
//! `missing-right-complaint` in `rules/missing-element.toml`), whose
//! `[^.]{0,159}?` between a reader word and the authority's name made the
//! lazy DFA build some 5 M instructions of states a process, after some
//! 4 M to compile it. [`find`] gives what the regex crate gives for the
//! part that joins the pair (leftmost-first, the same spans); tests compare
//! the two on many random and notice-like texts. A part whose source is
//! anything else is searched by its regex.

use std::ops::Range;

/// The rule's first regex: a word that turns to the reader, a character
/// that continues no such word, at most 159 characters without a full
/// stop (as few as there can be), the authority's name and the rest of
/// its word.
macro_rules! complaint {
    () => {
        "(?:oikeu[a-zåäö]*|voi|voit|voivat|voidaan|kääntyä|kääntymään|yhteyttä|saattaa|rätt|kan|may|can|right|contact|turn)[^0-9a-zà-öø-ÿšžœ_.][^.]{0,159}?(?:valvontaviranomai|tietosuojaviranomai|tietosuojavaltuutetun toimisto|dataombudsman|tillsynsmyndighet|supervisory authority|controlling authority|data protection authority|data protection ombudsman)[a-zåäö]*"
    };
}
#[cfg(test)]
pub const COMPLAINT: &str = complaint!();

/// The rule's second regex: the authority's name as a label.
macro_rules! complaint_label {
    () => {
        "(?:valvontaviranomai|tietosuojaviranomai|dataombudsman|tillsynsmyndighet|supervisory authority|data protection authority|data protection ombudsman)[a-zåäö]*\\s*:"
    };
}
#[cfg(test)]
pub const COMPLAINT_LABEL: &str = complaint_label!();

/// The source of the part that joins the two ([`super::Part::new`] of the
/// rule's regexes, each as `(?:…)`).
pub const COMPLAINT_PART: &str = concat!("(?:(?:", complaint!(), ")|(?:", complaint_label!(), "))");

/// The reader words of [`COMPLAINT`] after `oikeu[a-zåäö]*`, in order.
const READER_WORDS: [&str; 15] = [
    "voi",
    "voit",
    "voivat",
    "voidaan",
    "kääntyä",
    "kääntymään",
    "yhteyttä",
    "saattaa",
    "rätt",
    "kan",
    "may",
    "can",
    "right",
    "contact",
    "turn",
];

/// The names of [`COMPLAINT`], in order.
const NAMES: [&str; 9] = [
    "valvontaviranomai",
    "tietosuojaviranomai",
    "tietosuojavaltuutetun toimisto",
    "dataombudsman",
    "tillsynsmyndighet",
    "supervisory authority",
    "controlling authority",
    "data protection authority",
    "data protection ombudsman",
];

/// The names of [`COMPLAINT_LABEL`], in order.
const LABEL_NAMES: [&str; 7] = [
    "valvontaviranomai",
    "tietosuojaviranomai",
    "dataombudsman",
    "tillsynsmyndighet",
    "supervisory authority",
    "data protection authority",
    "data protection ombudsman",
];

/// The longest gap [`COMPLAINT`] allows, in characters.
const MAX_GAP: usize = 159;

/// `[a-zåäö]`.
fn is_letter(c: char) -> bool {
    c.is_ascii_lowercase() || matches!(c, 'å' | 'ä' | 'ö')
}

/// `[0-9a-zà-öø-ÿšžœ_.]`: what may not follow the reader word.
fn continues(c: char) -> bool {
    matches!(c, '0'..='9' | 'a'..='z' | 'à'..='ö' | 'ø'..='ÿ' | 'š' | 'ž' | 'œ' | '_' | '.')
}

/// The first of `names` (in order) that lies whole in `hay` at `p`, as its
/// end.
fn name_at(hay: &[u8], p: usize, names: &[&str]) -> Option<usize> {
    let rest = &hay[p..];
    (names.iter())
        .find(|n| rest.starts_with(n.as_bytes()))
        .map(|n| p + n.len())
}

/// Whether a name may begin with this byte (`v`, `t`, `d`, `s`, `c`).
fn may_begin_name(b: u8) -> bool {
    matches!(b, b'v' | b't' | b'd' | b's' | b'c')
}

/// The first place at or after `from` where one of `names` lies whole in
/// `hay`, and that name's end. (The names are ASCII: a place where one
/// lies is a character boundary.)
fn first_name(hay: &[u8], from: usize, names: &[&str]) -> Option<(usize, usize)> {
    (from..hay.len())
        .filter(|&p| may_begin_name(hay[p]))
        .find_map(|p| name_at(hay, p, names).map(|e| (p, e)))
}

/// Where the run of `[a-zåäö]` that starts at `at` in `text` ends.
fn letters_end(text: &str, at: usize) -> usize {
    text[at..]
        .char_indices()
        .find(|&(_, c)| !is_letter(c))
        .map_or(text.len(), |(i, _)| at + i)
}

/// The first match of [`COMPLAINT_PART`] in `text[range]` (a range
/// of `text` at character boundaries), as
/// `regex.find(Input::new(text).range(range))` gives it.
pub fn find(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let hay = &text[..range.end];
    let first = find_complaint(hay, range.start);
    // The label matches first only where it starts before the first
    // regex's match (at one start, the first alternative wins).
    let label_to = first.as_ref().map_or(hay.len(), |m| m.start);
    match find_label(hay, range.start, label_to) {
        Some(m) => Some(m),
        None => first,
    }
}

/// The first match of [`COMPLAINT`] in `hay` at or after `from`.
///
/// A match ends its reader word just before a character `c` that
/// continues no such word (each word is `[a-zåäö]` letters, which `c` is
/// not): so the reader word lies at the end of the run of letters before
/// `c`, and a word of an earlier `c` starts before a later one's run. So
/// the first `c` (in order) after a reader word that the rest of the
/// regex matches after gives the leftmost match, from the first reader
/// word ending there: `oikeu` where the run first has it (its
/// `[a-zåäö]*` takes the rest of the run), or a listed word the run ends
/// with. The rest: the first name at or after `c`'s end (the gap is
/// lazy), if at most [`MAX_GAP`] characters and no `.` lie before it, then
/// the name's word's letters.
fn find_complaint(hay: &str, from: usize) -> Option<Range<usize>> {
    let bytes = hay.as_bytes();
    // The first name at or after a point, kept while that point grows.
    let mut name: Option<(usize, usize)> = None;
    // Where the current run of `[a-zåäö]` starts, and where `oikeu` first
    // occurs in it.
    let mut run = from;
    let mut oikeu: Option<usize> = None;
    for (i, c) in hay[from..].char_indices() {
        let i = from + i;
        if is_letter(c) {
            if c == 'o' && oikeu.is_none() && bytes[i..].starts_with(b"oikeu") {
                oikeu = Some(i);
            }
            continue;
        }
        let run_start = std::mem::replace(&mut run, i + c.len_utf8());
        let oikeu_at = oikeu.take();
        if continues(c) || run_start == i {
            continue;
        }
        // The first reader word that ends at `i` (`oikeu…` needs all five
        // of its letters before `i`).
        let word = &hay[run_start..i];
        let start = (oikeu_at.filter(|&o| o + 5 <= i).into_iter())
            .chain(
                (READER_WORDS.iter())
                    .filter(|w| word.ends_with(*w))
                    .map(|w| i - w.len()),
            )
            .min();
        let Some(start) = start else {
            continue;
        };
        let gap_from = i + c.len_utf8();
        let (q, q_end) = match name {
            Some((q, e)) if q >= gap_from => (q, e),
            _ => {
                let Some(n) = first_name(bytes, gap_from, &NAMES) else {
                    // No name after here: none after a later `c` either.
                    return None;
                };
                name = Some(n);
                n
            }
        };
        let gap = &hay[gap_from..q];
        if gap.len() > MAX_GAP && gap.chars().count() > MAX_GAP || gap.contains('.') {
            continue;
        }
        return Some(start..letters_end(hay, q_end));
    }
    None
}

/// The first match of [`COMPLAINT_LABEL`] in `hay` starting at or after
/// `from` and before `to`: a name, its word's letters, white space and a
/// colon (each part takes all it can, and what may follow it is none of
/// what it takes, so there is one way to match at a start).
fn find_label(hay: &str, from: usize, to: usize) -> Option<Range<usize>> {
    let bytes = hay.as_bytes();
    let mut at = from;
    while let Some((p, e)) = first_name(bytes, at, &LABEL_NAMES) {
        if p >= to {
            return None;
        }
        let letters = letters_end(hay, e);
        let white = hay[letters..]
            .char_indices()
            .find(|&(_, c)| !c.is_whitespace())
            .map_or(hay.len(), |(i, _)| letters + i);
        if bytes.get(white) == Some(&b':') {
            return Some(p..white + 1);
        }
        at = p + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::{meta, Input};

    /// The part's regex as a search compiles it, and as `check` does.
    fn regexes() -> [meta::Regex; 2] {
        [
            super::super::Part::compile_for_search(COMPLAINT_PART, false).expect("compiles"),
            super::super::Part::compile(COMPLAINT_PART).expect("compiles"),
        ]
    }

    /// `find` and both regexes agree on every range of `text` from each
    /// of `starts` to each of `ends` (character boundaries).
    fn agree(res: &[meta::Regex; 2], text: &str, starts: &[usize], ends: &[usize]) {
        for &a in starts {
            for &b in ends.iter().filter(|&&b| b >= a) {
                let got = find(text, a..b);
                for re in res {
                    let want = re.find(Input::new(text).range(a..b)).map(|m| m.range());
                    assert_eq!(got, want, "{text:?} {a}..{b}");
                }
            }
        }
    }

    fn char_cuts(text: &str) -> Vec<usize> {
        (text.char_indices().map(|(i, _)| i))
            .chain([text.len()])
            .collect()
    }

    #[test]
    fn the_rules_have_the_pair() {
        // Else the hand-written matcher is never used (a rule file that
        // changes the regexes gets them compiled, with nothing lost).
        for re in [COMPLAINT, COMPLAINT_LABEL] {
            assert!(
                (super::super::BUILTIN_REGEX_WINDOWS.binary_search_by(|(r, _)| (*r).cmp(re)))
                    .is_ok(),
                "{re}"
            );
        }
        let set = super::super::TermSet::lazy(
            &["valitus~".to_string()],
            &[COMPLAINT.to_string(), COMPLAINT_LABEL.to_string()],
        );
        let word = set.words.bounded.as_ref().and_then(|w| w.regex.as_ref());
        assert!(word.is_some_and(|p| p.by_hand && p.src == COMPLAINT_PART));
    }

    #[test]
    fn the_classes_are_the_regexes() {
        let class = |re: &str| regex::Regex::new(&format!("^{re}$")).expect("compiles");
        let (white, letter, cont) = (
            class(r"\s"),
            class("[a-zåäö]"),
            class("[0-9a-zà-öø-ÿšžœ_.]"),
        );
        let mut buf = [0u8; 4];
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let s = c.encode_utf8(&mut buf);
            assert_eq!(white.is_match(s), c.is_whitespace(), "{c:?}");
            assert_eq!(letter.is_match(s), is_letter(c), "{c:?}");
            assert_eq!(cont.is_match(s), continues(c), "{c:?}");
        }
    }

    #[test]
    fn random_texts_match_as_the_regex_does() {
        let res = regexes();
        // Reader words whole and inside words, names whole and cut, what
        // may follow a word or not (`÷`, `×`, `ß`, `Ÿ` may; `é`, `þ`,
        // `š` may not), full stops, colons and white space.
        let pieces = [
            "oikeus",
            "oikeutta",
            "oikeu",
            "oik",
            "voi",
            "voit",
            "voivat",
            "voidaan",
            "kääntyä",
            "kääntymään",
            "yhteyttä",
            "saattaa",
            "rätt",
            "kan",
            "may",
            "can",
            "right",
            "contact",
            "turn",
            "mexican",
            "toikeudet",
            "voi5",
            "kané",
            "valvontaviranomai",
            "valvontaviranomaiselle",
            "tietosuojaviranomai",
            "tietosuojavaltuutetun toimisto",
            "tietosuojavaltuutetun",
            "dataombudsman",
            "tillsynsmyndighet",
            "tillsynsmyndighetietosuojaviranomai",
            "supervisory authority",
            "controlling authority",
            "data protection authority",
            "data protection ombudsman",
            "data protection",
            "valvonta",
            "viranomai",
            " ",
            " ",
            " ",
            ", ",
            "\n",
            "-",
            "÷",
            "×",
            "ß",
            "Ÿ",
            "É",
            "é",
            "þ",
            "š",
            "œ",
            "ø",
            "ÿ",
            "€",
            "\u{a0}",
            "\u{2028}",
            "\t",
            ".",
            ". ",
            ":",
            " :",
            "\u{a0}:",
            "5",
            "_",
            "a",
            "ä",
            "å",
            "ö",
            "x",
            "ja ",
            "sekä ",
        ];
        let gap_chars = ['a', ' ', 'ä', '€', '中', 'é', '\n', '1'];
        let mut rnd = crate::xorshift(0xC0_4AB1);
        for _ in 0..3_000 {
            let mut text = String::new();
            for _ in 0..(rnd() % 12) {
                if rnd().is_multiple_of(6) {
                    // A gap about as long as the regex allows.
                    let n = 150 + (rnd() % 16) as usize;
                    let c = gap_chars[(rnd() as usize) % gap_chars.len()];
                    text.extend(std::iter::repeat_n(c, n));
                } else {
                    text.push_str(pieces[(rnd() as usize) % pieces.len()]);
                }
            }
            let cuts = char_cuts(&text);
            if cuts.len() < 60 {
                agree(&res, &text, &cuts, &cuts);
            } else {
                let pick = |r: u64| cuts[(r as usize) % cuts.len()];
                let starts: Vec<usize> = (0..6).map(|_| pick(rnd())).chain([0]).collect();
                let ends: Vec<usize> = (0..6).map(|_| pick(rnd())).chain([text.len()]).collect();
                agree(&res, &text, &starts, &ends);
            }
        }
    }

    #[test]
    fn notice_texts_match_as_the_regex_does() {
        let res = regexes();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let sample = super::super::regex_prefixes::fixture_sample(&dir);
        let mut sentences = 0;
        for line in sample.lines() {
            // Each sentence as a window's search has it, and the line from
            // each character on.
            let mut at = 0;
            for s in line.split('.') {
                agree(&res, line, &[at], &[at + s.len()]);
                sentences += 1;
                at += s.len() + 1;
            }
            if NAMES.iter().any(|n| line.contains(n)) {
                agree(&res, line, &char_cuts(line), &[line.len()]);
            }
        }
        assert!(sentences > 1_000);
        // Sentences that say both the right and the authority, with
        // cuts everywhere.
        for text in [
            "sinulla on oikeus tehdä valitus valvontaviranomaiselle, jos katsot",
            "voit kääntyä tietosuojavaltuutetun toimiston puoleen: tietosuoja.fi",
            "valvontaviranomainen: tietosuojavaltuutetun toimisto, pl 800",
            "you have the right to lodge a complaint with a supervisory authority.",
            "du kan vända dig till dataombudsmannen; tillsynsmyndighet :",
            "oikeus\u{a0}kääntyä valvontaviranomaisen puoleen ja voi tietosuojaviranomai",
        ] {
            let cuts = char_cuts(text);
            agree(&res, text, &cuts, &cuts);
        }
    }
}

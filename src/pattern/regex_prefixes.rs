//! The literal prefixes of a user's regex. Shared with `build.rs`, which
//! computes them for every regex of the built-in rule files at build time:
//! parsing some forty regexes took a quarter of start-up.

/// Literal prefixes of a user's regex, from the regex parser; `None` when
/// they cannot be listed (then the regex is always run).
pub fn compute(re: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let hir = regex_syntax::ParserBuilder::new()
        .multi_line(true)
        .build()
        .parse(re)
        .ok()?;
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
    let lits = seq.literals()?;
    lits.iter()
        .map(|l| String::from_utf8(l.as_bytes().to_vec()).ok())
        .collect()
}

/// The bucket of [`QUAD_BUCKETS`] that the four bytes at the start of
/// `w` count in: how common a 4-byte window is in notice text, for the
/// word index's choice of what to search for in each stem found inside
/// words (`build.rs` counts the sample's windows).
#[allow(dead_code)] // used by build.rs and the index
pub fn quad_bucket(w: &[u8]) -> usize {
    let x = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
    (x.wrapping_mul(0x9E37_79B1) >> (32 - QUAD_BITS)) as usize
}

/// [`quad_bucket`] gives one of 2^this buckets. The fixtures hold about
/// 10,400 different windows: in 4,096 buckets a bucket's count was mostly
/// other windows', and `suoramarkkinointi` was searched by `inoi` (9,272
/// places in 1,000 generated notices) instead of `amar` (2,642); 16,384
/// buckets (32 KB) choose as the exact counts do.
const QUAD_BITS: u32 = 14;

/// How many buckets [`quad_bucket`] has.
#[allow(dead_code)] // used by build.rs and the index
pub const QUAD_BUCKETS: usize = 1 << QUAD_BITS;

/// A necessary factor's literals, and the bytes no match contains.
pub type Window = (Vec<String>, Vec<u8>);

/// Bytes tried as window edges: the ends of sentences and of the texts a
/// notice's search joins.
const BARRIER_CANDIDATES: &[u8] = b".\n";

/// Where a user's regex can match, for searching only there: every match
/// contains one of the returned literals (none empty) and none of the
/// returned bytes (from [`BARRIER_CANDIDATES`]). `None` when no such
/// literals are known (a match may then be anywhere) or when they are too
/// short to be worth searching for.
///
/// The literals are a necessary factor: at each position of each
/// concatenation, the prefixes of what follows it (any match of the rest
/// starts with one), and recursively in groups and alternations (one per
/// branch). Of those, the cheapest is taken: each literal is one more
/// substring search over the text, and each occurrence in `sample`
/// (lowercased notice text; `build.rs` gives the bundled fixtures) stands
/// for regex searches of a sentence; then the rarer, then the one with the
/// longest shortest literal, then the one with fewer literals.
pub fn window(re: &str, sample: &str) -> Option<Window> {
    window_and_begins(re, sample).map(|(w, _, _)| w)
}

/// [`window`], whether its factor's occurrences that matches rely on have
/// a character that continues no word just before them, and what follows
/// such an occurrence in the match ([`Follow`]; the same occurrence as the
/// one that begins a word, when it does).
fn window_and_begins(re: &str, sample: &str) -> Option<(Window, bool, Follow)> {
    let hir = regex_syntax::ParserBuilder::new()
        .multi_line(true)
        .build()
        .parse(re)
        .ok()?;
    // The cost of a factor in a notice (about 7,600 bytes of text): one
    // substring search over the text per literal (about 2,000
    // instructions each), and one regex search of a sentence per
    // occurrence (about 500), estimated from the sample.
    let per_notice = |n: usize| n * 7_600 / sample.len().max(1);
    let score = |f: &[String]| {
        let seen: usize = f.iter().map(|l| sample.matches(l.as_str()).count()).sum();
        // (Without a sample, a user's regex at run time, the counts are
        // unknown: length alone decides.)
        let cost = if sample.is_empty() {
            0
        } else {
            4 * f.len() + per_notice(seen)
        };
        // Past eight bytes a literal is rare enough by length alone.
        let shortest = f.iter().map(String::len).min().unwrap_or(0);
        (
            std::cmp::Reverse(cost),
            std::cmp::Reverse(seen),
            shortest.min(8),
            std::cmp::Reverse(f.len()),
        )
    };
    let f = necessary_factor(&hir, &score, MIN_FACTOR_LEN)?;
    // What follows the occurrence is known of one that begins a word when
    // the factor begins words.
    let follow = if f.follow_begins || !f.begins {
        f.follow
    } else {
        Follow::Any
    };
    let (factor, begins) = (f.literals, f.begins);
    let mut possible = [false; 128];
    possible_ascii(&hir, &mut possible);
    let barriers = BARRIER_CANDIDATES
        .iter()
        .copied()
        .filter(|&b| !possible[b as usize])
        .collect();
    Some(((factor, barriers), begins, follow))
}

/// Literals one of which every match of `re` contains besides its window's
/// factor, to skip the regex run on a window that has none of them: of the
/// regex's necessary factors (literals as short as " or " too), the one
/// with the lowest estimated cost per window (a substring search per
/// literal, and a regex run on the share of the `sample`'s windows, the
/// text between `window`'s barriers around each occurrence of its factor,
/// that has one), if that is below a regex run on every window (when the
/// sample has no window, [`required_unranked`]). `None`
/// without a sample (a user's regex: parsing it again at start-up cost
/// more than its runs saved) or without a window. A regex like the rights
/// obstacle's `maksu… [^.]*?euro… [^.]*?tarkast` runs in every sentence
/// that says "maksu"; few of them also say "euro".
#[allow(dead_code)] // used by build.rs and the tests
pub fn required(re: &str, sample: &str) -> Option<Vec<String>> {
    let (factor, barriers) = window(re, sample)?;
    if sample.is_empty() || barriers.is_empty() {
        return None;
    }
    let hir = regex_syntax::ParserBuilder::new()
        .multi_line(true)
        .build()
        .parse(re)
        .ok()?;
    let windows: Vec<&str> = sample
        .split(|c: char| c.is_ascii() && barriers.contains(&(c as u8)))
        .filter(|w| factor.iter().any(|f| w.contains(f.as_str())))
        .collect();
    let within = |f: &[String]| {
        windows
            .iter()
            .filter(|w| f.iter().any(|l| w.contains(l.as_str())))
            .count()
    };
    // The cost per window: a substring search of the window per literal,
    // and the regex run on the windows that have one.
    let cost =
        |f: &[String]| f.len() * CHECK_COST + within(f) * REGEX_RUN_COST / windows.len().max(1);
    let score = |f: &[String]| {
        let seen: usize = f.iter().map(|l| sample.matches(l.as_str()).count()).sum();
        (std::cmp::Reverse(cost(f)), std::cmp::Reverse(seen))
    };
    // A literal as short as " or " is worth looking for in a window.
    if windows.is_empty() {
        return required_unranked(&hir, &factor, sample);
    }
    let best = necessary_factor(&hir, &score, 2)?.literals;
    (best != factor && cost(&best) < REGEX_RUN_COST).then_some(best)
}

/// [`required`] for a regex whose factor the sample never has: its windows
/// cannot rank the literals, and the regex is compiled only for the
/// windows a notice has (the English unsubscribe regexes, whose Finnish
/// partners' windows, "jonka voit peruuttaa milloin tahansa" in most
/// Finnish notices, compiled and ran the part's regex 631 times per 1,000
/// notices without a match): the other necessary factor with the fewest
/// literals, the longest, the rarest in the sample, if its checks cost
/// less than a regex run.
fn required_unranked(
    hir: &regex_syntax::hir::Hir,
    factor: &[String],
    sample: &str,
) -> Option<Vec<String>> {
    let sorted = |l: &[String]| {
        let mut l = l.to_vec();
        l.sort();
        l
    };
    let factor = sorted(factor);
    let score = |f: &[String]| {
        let seen: usize = f.iter().map(|l| sample.matches(l.as_str()).count()).sum();
        let shortest = f.iter().map(String::len).min().unwrap_or(0);
        (
            sorted(f) != factor,
            std::cmp::Reverse(f.len()),
            shortest.min(8),
            std::cmp::Reverse(seen),
        )
    };
    let best = necessary_factor(hir, &score, 2)?.literals;
    (sorted(&best) != factor && best.len() * CHECK_COST < REGEX_RUN_COST).then_some(best)
}

/// About what a required literal's search of a window costs, and a regex
/// run on a window (instructions, measured on generated notices: sentences
/// of 100-300 bytes).
const CHECK_COST: usize = 180;
const REGEX_RUN_COST: usize = 1_000;

/// A regex alternation's required literals (one of each branch's) are
/// searched in its windows only up to this many.
#[allow(dead_code)] // used by the engine, not build.rs
pub const MAX_REQUIRED_LITERALS: usize = 4;

/// Each literal of a factor worth searching for has this many bytes
/// besides spaces.
const MIN_FACTOR_LEN: usize = 3;

/// At most this many literals in a factor (each is one more substring
/// search over the text).
const MAX_FACTOR_LITERALS: usize = 16;

/// Whether every literal of `re`'s window factor ([`window`]) begins a
/// word wherever a match holds the occurrence the window relies on: the
/// match has a character that continues no word (`\s`) just before it,
/// and the literal begins with an ASCII lowercase letter or digit. Such a
/// factor's places are where the word index's walk finds its literals at
/// word starts, so the engine takes them from its lists instead of
/// searching the notice again (the no-data claim's `\s(?:kerää|kerätä)`,
/// `\spersonal`: a Teddy search over every notice, 7.9 M instructions a
/// 1,000 notices).
#[allow(dead_code)] // used by build.rs and the tests
pub fn factor_begins_words(re: &str, sample: &str) -> bool {
    window_and_begins(re, sample).is_some_and(|((factor, _), begins, _)| {
        begins
            && factor.iter().all(|l| {
                l.as_bytes()
                    .first()
                    .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
    })
}

/// Whether every literal of `re`'s window factor ([`window`]) is followed,
/// wherever a match holds the occurrence the window relies on, by a
/// character that continues no word, in the match (the no-data claim's
/// `(?:kerää|kerätä)\s`): an occurrence followed by a letter or digit
/// (`keräämme`, in most Finnish notices) holds no match, and its window is
/// not searched. When the factor also begins words ([`factor_begins_words`]),
/// it is the same occurrence.
#[allow(dead_code)] // used by build.rs and the tests
pub fn factor_ends_words(re: &str, sample: &str) -> bool {
    window_and_begins(re, sample).is_some_and(|(_, _, follow)| follow == Follow::OffWord)
}

/// What follows, in a match, the factor occurrence it relies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Follow {
    /// Nothing known.
    Any,
    /// The occurrence ends the match of the (sub)expression: what follows
    /// that follows it.
    End,
    /// A character that continues no word.
    OffWord,
}

/// Whether the first character of every non-empty match of `h` continues
/// no word (the mirror of [`ends_off_word`]).
fn begins_off_word(h: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    let off_word = |c: char| !c.is_alphanumeric();
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(l) => std::str::from_utf8(&l.0)
            .ok()
            .and_then(|s| s.chars().next())
            .is_some_and(off_word),
        HirKind::Class(Class::Unicode(c)) => c.ranges().iter().all(|r| {
            (r.end() as u32 - r.start() as u32) < 0x4000 && (r.start()..=r.end()).all(off_word)
        }),
        HirKind::Class(Class::Bytes(c)) => (c.ranges().iter())
            .all(|r| r.end() < 0x80 && (r.start()..=r.end()).all(|b| off_word(b as char))),
        HirKind::Repetition(r) => begins_off_word(&r.sub),
        HirKind::Capture(c) => begins_off_word(&c.sub),
        HirKind::Concat(xs) => concat_begins_off_word(xs).unwrap_or(true),
        HirKind::Alternation(xs) => xs.iter().all(begins_off_word),
    }
}

/// For a concatenation: `Some(true)` when every match begins with a
/// character that continues no word (and is not empty), `Some(false)` when
/// one may begin with another, `None` when all of it may match empty and
/// what it holds begins off words.
fn concat_begins_off_word(xs: &[regex_syntax::hir::Hir]) -> Option<bool> {
    for x in xs {
        if !begins_off_word(x) {
            return Some(false);
        }
        if x.properties().minimum_len().is_some_and(|n| n > 0) {
            return Some(true);
        }
    }
    None
}

/// Whether the last character of every non-empty match of `h` continues no
/// word (no letter or digit: the word index's word edges are after such a
/// character).
fn ends_off_word(h: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    let off_word = |c: char| !c.is_alphanumeric();
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(l) => std::str::from_utf8(&l.0)
            .ok()
            .and_then(|s| s.chars().next_back())
            .is_some_and(off_word),
        HirKind::Class(Class::Unicode(c)) => c.ranges().iter().all(|r| {
            (r.end() as u32 - r.start() as u32) < 0x4000 && (r.start()..=r.end()).all(off_word)
        }),
        HirKind::Class(Class::Bytes(c)) => (c.ranges().iter())
            .all(|r| r.end() < 0x80 && (r.start()..=r.end()).all(|b| off_word(b as char))),
        HirKind::Repetition(r) => ends_off_word(&r.sub),
        HirKind::Capture(c) => ends_off_word(&c.sub),
        HirKind::Concat(xs) => concat_ends_off_word(xs).unwrap_or(true),
        HirKind::Alternation(xs) => xs.iter().all(ends_off_word),
    }
}

/// For a concatenation: `Some(true)` when every match ends with a
/// character that continues no word (and is not empty), `Some(false)` when
/// one may end with another, `None` when all of it may match empty and
/// what it holds ends off words.
fn concat_ends_off_word(xs: &[regex_syntax::hir::Hir]) -> Option<bool> {
    for x in xs.iter().rev() {
        if !ends_off_word(x) {
            return Some(false);
        }
        if x.properties().minimum_len().is_some_and(|n| n > 0) {
            return Some(true);
        }
    }
    None
}

/// A necessary factor ([`necessary_factor`]).
struct Factor {
    literals: Vec<String>,
    /// Each occurrence a match relies on has, in the match, a character
    /// that continues no word just before it ([`factor_begins_words`]).
    begins: bool,
    /// What follows, in the match, the occurrence one way of finding the
    /// literals relies on ([`factor_ends_words`]), and whether that same
    /// occurrence has a character that continues no word just before it,
    /// and starts where the (sub)expression's match does.
    follow: Follow,
    follow_begins: bool,
    follow_starts: bool,
}

/// The cheapest necessary factor of `h` by `score`.
fn necessary_factor<K: Ord>(
    h: &regex_syntax::hir::Hir,
    score: &dyn Fn(&[String]) -> K,
    min_len: usize,
) -> Option<Factor> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    use regex_syntax::hir::{Hir, HirKind};
    // A factor as common as the regex's own prefix (a space, "@", ":")
    // would only split one search into many; it is no candidate (when it
    // competed and won on cost, the regex got no window at all).
    let usable = |lits: Option<Vec<String>>| {
        lits.filter(|l| !l.is_empty() && l.len() <= MAX_FACTOR_LITERALS)
            .filter(|l| l.iter().all(|x| x.trim().len() >= min_len))
    };
    match h.kind() {
        HirKind::Literal(l) => {
            usable(String::from_utf8(l.0.to_vec()).ok().map(|s| vec![s])).map(|literals| Factor {
                literals,
                begins: false,
                follow: Follow::End,
                follow_begins: false,
                follow_starts: true,
            })
        }
        HirKind::Capture(c) => necessary_factor(&c.sub, score, min_len),
        HirKind::Repetition(r) if r.min >= 1 => {
            let mut f = necessary_factor(&r.sub, score, min_len)?;
            // The occurrence may be in any copy: one that another copy
            // follows, or that others precede.
            if r.max != Some(1) {
                if f.follow == Follow::End {
                    f.follow = Follow::Any;
                }
                f.follow_starts = false;
            }
            Some(f)
        }
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            let mut begins = true;
            let mut follow = Follow::OffWord;
            let mut follow_begins = true;
            let mut follow_starts = true;
            for a in alts {
                let f = necessary_factor(a, score, min_len)?;
                all.extend(f.literals);
                begins &= f.begins;
                follow = follow.min(f.follow);
                follow_begins &= f.follow_begins;
                follow_starts &= f.follow_starts;
            }
            all.sort();
            all.dedup();
            usable(Some(all)).map(|literals| Factor {
                literals,
                begins,
                follow,
                follow_begins,
                follow_starts,
            })
        }
        HirKind::Concat(xs) => {
            // The best literals, with each way they were found: whether
            // they begin words as [`Factor::begins`] says, and what
            // [`Factor::follow`], `follow_begins` and `follow_starts` say of
            // the one occurrence that way relies on.
            type Way = (bool, Follow, bool, bool);
            let mut best: Option<(K, Vec<String>, Vec<Way>)> = None;
            let mut consider = |f: Option<Vec<String>>, way: Way| {
                if let Some(f) = usable(f) {
                    let k = score(&f);
                    if best.as_ref().is_none_or(|(b, _, _)| k > *b) {
                        best = Some((k, f, vec![way]));
                    } else if let Some((b, bf, ways)) = &mut best {
                        // The same literals found by another way (an
                        // alternation's sorted, a prefix's in its order).
                        let sorted = |l: &[String]| {
                            let mut l = l.to_vec();
                            l.sort();
                            l
                        };
                        if k == *b && sorted(bf) == sorted(&f) {
                            ways.push(way);
                        }
                    }
                }
            };
            // What follows an occurrence that ends `xs[i]`.
            let after = |i: usize, follow: Follow| match follow {
                Follow::End if i + 1 == xs.len() => Follow::End,
                Follow::End if concat_begins_off_word(&xs[i + 1..]) == Some(true) => {
                    Follow::OffWord
                }
                Follow::End => Follow::Any,
                x => x,
            };
            for i in 0..xs.len() {
                let rest = Hir::concat(xs[i..].to_vec());
                let seq = Extractor::new().kind(ExtractKind::Prefix).extract(&rest);
                let lits = seq.literals().and_then(|ls| {
                    ls.iter()
                        .map(|l| String::from_utf8(l.as_bytes().to_vec()).ok())
                        .collect::<Option<Vec<_>>>()
                });
                // What comes before position `i` ends off words: each
                // match has such a character just before these literals.
                let after_off_word = concat_ends_off_word(&xs[..i]) == Some(true);
                // Literals that are whole matches of the rest end where
                // the concatenation does; a prefix of a longer match is
                // followed by what is unknown here.
                let exact = seq
                    .literals()
                    .is_some_and(|ls| ls.iter().all(|l| l.is_exact()));
                let follow = if exact { Follow::End } else { Follow::Any };
                consider(lits, (after_off_word, follow, after_off_word, i == 0));
                // The prefixes of a run of pieces from `i` on, a factor
                // too: every match of the run, in each match, starts with
                // one. Where the rest has too many prefixes, a short run
                // can have few: the legal-basis demote's `,? (?:tai|or|eller) `
                // gives " or " and not "or", in "suoramarkkinointi" and in
                // most windows (617 regex runs a 1,000 notices, of ~205
                // bytes, none matching). Nothing is said of what follows.
                for j in i + 2..xs.len() {
                    let run = Hir::concat(xs[i..j].to_vec());
                    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(&run);
                    let lits = seq.literals().and_then(|ls| {
                        ls.iter()
                            .map(|l| String::from_utf8(l.as_bytes().to_vec()).ok())
                            .collect::<Option<Vec<_>>>()
                    });
                    consider(lits, (after_off_word, Follow::Any, after_off_word, i == 0));
                }
                match necessary_factor(&xs[i], score, min_len) {
                    Some(f) => consider(
                        Some(f.literals),
                        (
                            f.begins,
                            after(i, f.follow),
                            f.follow_begins || f.follow_starts && after_off_word,
                            f.follow_starts && i == 0,
                        ),
                    ),
                    None => consider(None, (false, Follow::Any, false, false)),
                }
            }
            // The literals begin words if either way says so; what follows
            // them is a way's whose occurrence begins a word then.
            best.map(|(_, literals, ways)| {
                let begins = ways.iter().any(|w| w.0);
                let (_, follow, follow_begins, follow_starts) = (ways.iter())
                    .filter(|w| w.2 || !begins)
                    .max_by_key(|w| (w.1, w.2, w.3))
                    .copied()
                    .unwrap_or((false, Follow::Any, false, false));
                Factor {
                    literals,
                    begins,
                    follow,
                    follow_begins,
                    follow_starts,
                }
            })
        }
        _ => None,
    }
}
/// Marks every ASCII byte that a match of `h` may contain.
fn possible_ascii(h: &regex_syntax::hir::Hir, out: &mut [bool; 128]) {
    use regex_syntax::hir::{Class, HirKind};
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => {
            for &b in l.0.iter() {
                if b < 128 {
                    out[b as usize] = true;
                }
            }
        }
        HirKind::Class(Class::Unicode(c)) => {
            for r in c.ranges() {
                for b in 0u8..128 {
                    if r.start() <= b as char && b as char <= r.end() {
                        out[b as usize] = true;
                    }
                }
            }
        }
        HirKind::Class(Class::Bytes(c)) => {
            for r in c.ranges() {
                for b in 0u8..128 {
                    if r.start() <= b && b <= r.end() {
                        out[b as usize] = true;
                    }
                }
            }
        }
        HirKind::Repetition(r) => possible_ascii(&r.sub, out),
        HirKind::Capture(c) => possible_ascii(&c.sub, out),
        HirKind::Concat(xs) | HirKind::Alternation(xs) => {
            xs.iter().for_each(|x| possible_ascii(x, out))
        }
    }
}

/// The bundled notices' text, lowercased, that `build.rs` ranks the
/// built-in regexes' factors by: the files under `fixtures/` with a text,
/// Markdown or HTML extension, in name order.
#[allow(dead_code)] // used by build.rs and the tests
pub fn fixture_sample(fixtures: &std::path::Path) -> String {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p
                .extension()
                .is_some_and(|x| x == "txt" || x == "md" || x == "html")
            {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(fixtures, &mut files);
    files.sort();
    let mut sample = String::new();
    for f in files {
        if let Ok(bytes) = std::fs::read(&f) {
            sample.push_str(&String::from_utf8_lossy(&bytes).to_lowercase());
            sample.push('\n');
        }
    }
    sample
}

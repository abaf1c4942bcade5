//! Dates as notices write them, read into ISO 8601.
//!
//! Forms read (normalized text: lowercase, single spaces):
//!
//! | written | ISO |
//! |---|---|
//! | `25.5.2018`, `25. 5. 2018`, `2018-05-25` | `2018-05-25` |
//! | `25. toukokuuta 2018`, `25 maj 2018`, `25 may 2018`, `may 25, 2018`, `may 25th, 2018` | `2018-05-25` |
//! | `25/05/2018` (day first; `05/25/2018` when the first number cannot be a month) | `2018-05-25` |
//! | `toukokuu 2018`, `toukokuussa 2018`, `maj 2018`, `may 2018`, `5/2018`, `05/2018` | `2018-05` |
//! | `2018` right after a date label (`Päivitetty: 2018`) | `2018` |
//!
//! A slash date whose two numbers could both be the month (`03/08/2023`) is
//! read day first, as Finnish and Swedish write it, unless the notice's label
//! is English (`Last updated 03/08/2023`): then the ISO form is left out
//! rather than guessed. A date that does not exist (`31.2.2019`) has no ISO
//! form either.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

/// A date found in a text: its range in the text and, when it could be
/// read, its ISO 8601 form (`2018-05-25`, or `2018-05` / `2018` for the
/// precision written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDate {
    pub range: Range<usize>,
    pub iso: Option<String>,
}

/// Month names (Finnish stems before `kuu`, Swedish, English and the usual
/// English abbreviations), lowercase, with their numbers: the reference
/// regex's (`finnish_month_at` and `month_name_at` have them by first
/// letter; a test checks that they read every one).
#[cfg(test)]
const MONTHS: [(&str, u32); 44] = [
    ("tammi", 1),
    ("helmi", 2),
    ("maalis", 3),
    ("huhti", 4),
    ("touko", 5),
    ("kesä", 6),
    ("heinä", 7),
    ("elo", 8),
    ("syys", 9),
    ("loka", 10),
    ("marras", 11),
    ("joulu", 12),
    ("januari", 1),
    ("februari", 2),
    ("mars", 3),
    ("april", 4),
    ("maj", 5),
    ("juni", 6),
    ("juli", 7),
    ("augusti", 8),
    ("september", 9),
    ("oktober", 10),
    ("november", 11),
    ("december", 12),
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("october", 10),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

/// A year from 1900 to 2099 at `i`: its value and end.
fn year_at(b: &[u8], i: usize) -> Option<(u32, usize)> {
    let y = b.get(i..i + 4)?;
    let century = matches!((y[0], y[1]), (b'1', b'9') | (b'2', b'0'));
    (century && y[2].is_ascii_digit() && y[3].is_ascii_digit()).then(|| (digits_value(y), i + 4))
}

fn digits_value(d: &[u8]) -> u32 {
    d.iter().fold(0, |n, &x| n * 10 + u32::from(x - b'0'))
}

/// One or two ASCII digits at `i` (two if there are): their value and
/// end. (In every form the digits are followed by something that is not a
/// digit, so taking both is what the regex's `[0-9]{1,2}` ends up with.)
fn one_or_two_digits(b: &[u8], i: usize) -> Option<(u32, usize)> {
    if !b.get(i)?.is_ascii_digit() {
        return None;
    }
    let end = if b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i + 2
    } else {
        i + 1
    };
    Some((digits_value(&b[i..end]), end))
}

/// Exactly two ASCII digits at `i`.
fn two_digits(b: &[u8], i: usize) -> Option<(u32, usize)> {
    let d = b.get(i..i + 2)?;
    (d[0].is_ascii_digit() && d[1].is_ascii_digit()).then(|| (digits_value(d), i + 2))
}

/// The end of `byte` at `i`, if it is there.
fn byte_at(b: &[u8], i: usize, byte: u8) -> Option<usize> {
    (b.get(i) == Some(&byte)).then_some(i + 1)
}

/// `i` past `byte` if it is there, else `i` (an optional `\.?` or `,?`).
fn skip_byte(b: &[u8], i: usize, byte: u8) -> usize {
    if b.get(i) == Some(&byte) {
        i + 1
    } else {
        i
    }
}

/// The end of one whitespace character at `i` (the regex's Unicode `\s`).
fn space_at(t: &str, i: usize) -> Option<usize> {
    let c = t.get(i..)?.chars().next()?;
    c.is_whitespace().then(|| i + c.len_utf8())
}

/// `i` past one whitespace character if there is one (`\s?`).
fn skip_space(t: &str, i: usize) -> usize {
    space_at(t, i).unwrap_or(i)
}

/// A Finnish month stem and `kuu` at `i` (`toukokuu`): the month and the
/// end of `kuu`. No stem is a prefix of another.
fn finnish_month_at(b: &[u8], i: usize) -> Option<(u32, usize)> {
    let stems: &[(&str, u32)] = match *b.get(i)? {
        b't' => &[("tammi", 1), ("touko", 5)],
        b'h' => &[("helmi", 2), ("huhti", 4), ("heinä", 7)],
        b'm' => &[("maalis", 3), ("marras", 11)],
        b'k' => &[("kesä", 6)],
        b'e' => &[("elo", 8)],
        b's' => &[("syys", 9)],
        b'l' => &[("loka", 10)],
        b'j' => &[("joulu", 12)],
        _ => return None,
    };
    let rest = &b[i..];
    let &(stem, month) = stems.iter().find(|(s, _)| rest.starts_with(s.as_bytes()))?;
    rest[stem.len()..]
        .starts_with(b"kuu")
        .then(|| (month, i + stem.len() + 3))
}

/// A Swedish or English month name at `i` followed by `.`, `,` or
/// whitespace (what every form needs after one): the month and the end of
/// the name. Of names that are prefixes of one another (`sep`, `sept`,
/// `september`) only one can be followed by such a character, so the
/// regex's order of alternatives does not matter.
fn month_name_at(t: &str, i: usize) -> Option<(u32, usize)> {
    let b = t.as_bytes();
    let names: &[(&str, u32)] = match *b.get(i)? {
        b'j' => &[
            ("januari", 1),
            ("january", 1),
            ("juni", 6),
            ("june", 6),
            ("juli", 7),
            ("july", 7),
            ("jan", 1),
            ("jun", 6),
            ("jul", 7),
        ],
        b'f' => &[("februari", 2), ("february", 2), ("feb", 2)],
        b'm' => &[
            ("mars", 3),
            ("maj", 5),
            ("march", 3),
            ("may", 5),
            ("mar", 3),
        ],
        b'a' => &[
            ("april", 4),
            ("augusti", 8),
            ("august", 8),
            ("apr", 4),
            ("aug", 8),
        ],
        b's' => &[("september", 9), ("sept", 9), ("sep", 9)],
        b'o' => &[("oktober", 10), ("october", 10), ("oct", 10)],
        b'n' => &[("november", 11), ("nov", 11)],
        b'd' => &[("december", 12), ("dec", 12)],
        _ => return None,
    };
    let rest = &b[i..];
    names.iter().find_map(|&(name, month)| {
        let end = i + name.len();
        (rest.starts_with(name.as_bytes())
            && (matches!(b.get(end), Some(b'.' | b',')) || space_at(t, end).is_some()))
        .then_some((month, end))
    })
}

/// What a date form read: year, month and day (when the form has one), or
/// for a slash date the two numbers in the order written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    Date {
        y: u32,
        m: u32,
        d: Option<u32>,
    },
    /// `25/05/2018` or `05/25/2018`.
    Slash {
        a: u32,
        b: u32,
        y: u32,
    },
}

impl Read {
    fn iso(self, english: bool) -> Option<String> {
        match self {
            Read::Date { y, m, d: None } => ym(y, m),
            Read::Date { y, m, d: Some(d) } => ymd(y, m, d),
            Read::Slash { a, b, y } => slash_date(a, b, y, english),
        }
    }
}

/// The date form that matches at `p`, tried in the order of the former
/// regex's alternatives (the first that matches wins, as in its
/// leftmost-first search): its end and what it read.
///
/// | form | pattern (`Y` a year 19xx or 20xx, `D` one or two digits) |
/// |---|---|
/// | `25.5.2018` | `D\.\s?D\.\s?Y` |
/// | `2018-05-25` | `Y-[0-9]{2}-[0-9]{2}` |
/// | `25/05/2018` | `D/D/Y` |
/// | `25. toukokuuta 2018` | `(?:D\.?\s)?STEMkuu(?:ta\|n\|ssa\|lla)?,?\sY` |
/// | `25 may 2018`, `maj 2018` | `(?:D\.?\s)?MONTH\.?,?\sY` |
/// | `may 25th, 2018` | `MONTH\.?\sD(?:st\|nd\|rd\|th)?,?\sY` |
/// | `5/2018` | `D/Y` |
fn date_at(t: &str, p: usize) -> Option<(usize, Read)> {
    let b = t.as_bytes();
    let digit = b[p].is_ascii_digit();
    // 25.5.2018, 25. 5. 2018
    let dotted = || {
        let (d, i) = one_or_two_digits(b, p)?;
        let i = skip_space(t, byte_at(b, i, b'.')?);
        let (m, i) = one_or_two_digits(b, i)?;
        let i = skip_space(t, byte_at(b, i, b'.')?);
        let (y, i) = year_at(b, i)?;
        Some((i, Read::Date { y, m, d: Some(d) }))
    };
    // 2018-05-25
    let iso = || {
        let (y, i) = year_at(b, p)?;
        let (m, i) = two_digits(b, byte_at(b, i, b'-')?)?;
        let (d, i) = two_digits(b, byte_at(b, i, b'-')?)?;
        Some((i, Read::Date { y, m, d: Some(d) }))
    };
    // 25/05/2018
    let slash = || {
        let (a, i) = one_or_two_digits(b, p)?;
        let (m, i) = one_or_two_digits(b, byte_at(b, i, b'/')?)?;
        let (y, i) = year_at(b, byte_at(b, i, b'/')?)?;
        Some((i, Read::Slash { a, b: m, y }))
    };
    // The day before a month's name ("25. ", "25 "), if the date starts
    // with a digit: where the name starts.
    let day_before_name = || -> Option<(Option<u32>, usize)> {
        if !digit {
            return Some((None, p));
        }
        let (d, i) = one_or_two_digits(b, p)?;
        Some((Some(d), space_at(t, skip_byte(b, i, b'.'))?))
    };
    // 25. toukokuuta 2018, toukokuu 2018, toukokuussa 2018
    let finnish = || {
        let (d, i) = day_before_name()?;
        let (m, mut i) = finnish_month_at(b, i)?;
        for ending in ["ta", "n", "ssa", "lla"] {
            if b[i..].starts_with(ending.as_bytes()) {
                i += ending.len();
                break;
            }
        }
        let i = space_at(t, skip_byte(b, i, b','))?;
        let (y, i) = year_at(b, i)?;
        Some((i, Read::Date { y, m, d }))
    };
    // 25 maj 2018, 25. may 2018, maj 2018
    let named = || {
        let (d, i) = day_before_name()?;
        let (m, i) = month_name_at(t, i)?;
        let i = space_at(t, skip_byte(b, skip_byte(b, i, b'.'), b','))?;
        let (y, i) = year_at(b, i)?;
        Some((i, Read::Date { y, m, d }))
    };
    // may 25, 2018; may 25th 2018
    let month_first = || {
        let (m, i) = month_name_at(t, p)?;
        let i = space_at(t, skip_byte(b, i, b'.'))?;
        let (d, mut i) = one_or_two_digits(b, i)?;
        if b.get(i..i + 2)
            .is_some_and(|s| matches!(s, b"st" | b"nd" | b"rd" | b"th"))
        {
            i += 2;
        }
        let i = space_at(t, skip_byte(b, i, b','))?;
        let (y, i) = year_at(b, i)?;
        Some((i, Read::Date { y, m, d: Some(d) }))
    };
    // 5/2018, 05/2018
    let month_year = || {
        let (m, i) = one_or_two_digits(b, p)?;
        let (y, i) = year_at(b, byte_at(b, i, b'/')?)?;
        Some((i, Read::Date { y, m, d: None }))
    };
    if digit {
        dotted()
            .or_else(iso)
            .or_else(slash)
            .or_else(finnish)
            .or_else(named)
            .or_else(month_year)
    } else {
        finnish().or_else(named).or_else(month_first)
    }
}

/// The most bytes from a date's start to its year's (`25. marraskuussa,
/// ` with a three-byte space on either side of the month is 22): a date
/// can start no earlier before the next year.
const MAX_BEFORE_YEAR: usize = 24;

/// Days in month `m` (1–12) of year `y`.
pub fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `a/b/y`: day first (Finnish and Swedish usage), unless only the other
/// order makes a date; an English notice's `a/b` that could be either
/// gives no date.
fn slash_date(a: u32, b: u32, y: u32, english: bool) -> Option<String> {
    if a > 12 || a == b {
        ymd(y, b, a)
    } else if b > 12 {
        ymd(y, a, b)
    } else if english {
        None
    } else {
        ymd(y, b, a)
    }
}

fn ymd(y: u32, m: u32, d: u32) -> Option<String> {
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then(|| {
        let mut s = year_month(y, m);
        s.push('-');
        push_two_digits(&mut s, d);
        s
    })
}

fn ym(y: u32, m: u32) -> Option<String> {
    (1..=12).contains(&m).then(|| year_month(y, m))
}

/// `format!("{y:04}-{m:02}")` for a month 1..=12 without the formatting
/// machinery (a thousand instructions a date).
fn year_month(y: u32, m: u32) -> String {
    if y > 9999 {
        return format!("{y:04}-{m:02}");
    }
    let mut s = String::with_capacity(10);
    push_two_digits(&mut s, y / 100);
    push_two_digits(&mut s, y % 100);
    s.push('-');
    push_two_digits(&mut s, m);
    s
}

/// `n` (under 100) as two digits.
fn push_two_digits(s: &mut String, n: u32) {
    s.push(char::from(b'0' + (n / 10) as u8));
    s.push(char::from(b'0' + (n % 10) as u8));
}

/// Whether the match at `r` stands alone: no digit or letter glued to it
/// ("123.4.20189", "kesäkuuta" inside a word, "x25/05/2018").
fn stands_alone(t: &str, r: &Range<usize>) -> bool {
    let before = t[..r.start].chars().next_back();
    let after = t[r.end..].chars().next();
    let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    // "1.1.2018." is fine; "v1.2.2018" or "11.1.2018" cut at "1.1.2018" is not.
    !glued(before)
        && !before.is_some_and(|c| c == '.' || c == '/' || c == '-')
        && !glued(after)
        && after != Some('/')
        && after != Some('-')
}

/// The first date in `t` (normalized text). `english` says the date follows
/// an English label, which makes an ambiguous slash date unreadable.
///
/// Read by hand in one pass: the search finds what the former regex found
/// (the leftmost match, the earlier form first at one position, and after
/// a match glued to a word or number the search goes on from its end); a
/// test compares the two on random texts. The regex took 4 M instructions
/// to compile and some 2,500 a search.
pub fn find_date(t: &str, english: bool) -> Option<FoundDate> {
    let b = t.as_bytes();
    // Every form has a year: a date starts at most `MAX_BEFORE_YEAR`
    // bytes before the next one, and there is none after the last.
    let next_year =
        |from: usize| (from..b.len().saturating_sub(3)).find(|&q| year_at(b, q).is_some());
    let mut p = 0;
    while p < b.len() {
        let year = next_year(p)?;
        p = p.max(year.saturating_sub(MAX_BEFORE_YEAR));
        // Search up to and including the year's own start (the ISO form
        // starts there).
        while p <= year {
            if b[p].is_ascii_alphanumeric() {
                if let Some((end, read)) = date_at(t, p) {
                    let range = p..end;
                    if stands_alone(t, &range) {
                        return Some(FoundDate {
                            range,
                            iso: read.iso(english),
                        });
                    }
                    p = end;
                    break;
                }
            }
            p += 1;
        }
    }
    None
}

/// A bare year right at the start of `t` (after a label: "Päivitetty: 2026").
pub fn leading_year(t: &str) -> Option<FoundDate> {
    // The year must come right after the leading `[\s:–-]*`, and begins
    // with 1 or 2: otherwise the regex cannot match.
    let rest = t.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '–' | '-'));
    if !rest.starts_with(['1', '2']) {
        return None;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"^[\s:–-]*((?:19|20)\d{2})(?:$|[\s.,;)])").unwrap());
    let y = re.captures(t)?.get(1)?;
    Some(FoundDate {
        range: y.range(),
        iso: Some(y.as_str().to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The date regex's groups by number, in the order they open in its
    /// pattern (`c.name` hashes the name at every lookup); a test checks them
    /// against the names.
    const ND: usize = 1;
    const NM: usize = 2;
    const NY: usize = 3;
    const IY: usize = 4;
    const IM: usize = 5;
    const ID: usize = 6;
    const SA: usize = 7;
    const SB: usize = 8;
    const SY: usize = 9;
    const FD: usize = 10;
    const FM: usize = 11;
    const FY: usize = 12;
    const ED: usize = 13;
    const EM: usize = 14;
    const EY: usize = 15;
    const UM: usize = 16;
    const UD: usize = 17;
    const UY: usize = 18;
    const PM: usize = 19;
    const PY: usize = 20;

    fn month_number(name: &str) -> Option<u32> {
        let name = name.trim_end_matches('.');
        MONTHS.iter().find(|(n, _)| *n == name).map(|&(_, m)| m)
    }

    /// A year from 1900 to 2099.
    const Y: &str = r"(?:19|20)[0-9]{2}";

    fn month_alt() -> String {
        // Longest first so that "sept" wins over "sep", "june" over "jun".
        let mut names: Vec<&str> = MONTHS
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| !FI_STEMS.contains(n))
            .collect();
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        names.join("|")
    }

    const FI_STEMS: [&str; 12] = [
        "tammi", "helmi", "maalis", "huhti", "touko", "kesä", "heinä", "elo", "syys", "loka",
        "marras", "joulu",
    ];

    /// One regex for every form; each alternative has its own named groups.
    fn date_regex() -> &'static Regex {
        static RE: OnceLock<Regex> = OnceLock::new();
        RE.get_or_init(|| {
            let fi = FI_STEMS.join("|");
            let m = month_alt();
            let y = Y;
            let pattern = [
                // 25.5.2018, 25. 5. 2018
                format!(r"(?P<nd>[0-9]{{1,2}})\.\s?(?P<nm>[0-9]{{1,2}})\.\s?(?P<ny>{y})"),
                // 2018-05-25
                format!(r"(?P<iy>{y})-(?P<im>[0-9]{{2}})-(?P<id>[0-9]{{2}})"),
                // 25/05/2018
                format!(r"(?P<sa>[0-9]{{1,2}})/(?P<sb>[0-9]{{1,2}})/(?P<sy>{y})"),
                // 25. toukokuuta 2018, toukokuu 2018, toukokuussa 2018
                format!(
                    r"(?:(?P<fd>[0-9]{{1,2}})\.?\s)?(?P<fm>{fi})kuu(?:ta|n|ssa|lla)?,?\s(?P<fy>{y})"
                ),
                // 25 maj 2018, 25 may 2018, 25. maj 2018, maj 2018, may 2018
                format!(r"(?:(?P<ed>[0-9]{{1,2}})\.?\s)?(?P<em>{m})\.?,?\s(?P<ey>{y})"),
                // may 25, 2018; may 25th 2018
                format!(r"(?P<um>{m})\.?\s(?P<ud>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s(?P<uy>{y})"),
                // 5/2018, 05/2018
                format!(r"(?P<pm>[0-9]{{1,2}})/(?P<py>{y})"),
            ]
            .iter()
            .map(|p| format!("(?:{p})"))
            .collect::<Vec<_>>()
            .join("|");
            // Not inside a longer number or word: checked around the match.
            // ASCII digits: Unicode `\d` made this the costliest regex to
            // compile at start-up, and `str::parse` reads ASCII digits only.
            Regex::new(&pattern).expect("date regex")
        })
    }

    fn num(c: &regex::Captures<'_>, group: usize) -> Option<u32> {
        c.get(group)?.as_str().parse().ok()
    }

    /// `find_date` as it was, with one regex for every form: the reference.
    fn regex_find_date(t: &str, english: bool) -> Option<FoundDate> {
        for c in date_regex().captures_iter(t) {
            let all = c.get(0).expect("group 0");
            let range = all.range();
            if !stands_alone(t, &range) {
                continue;
            }
            let iso = if let Some(y) = num(&c, NY) {
                ymd(y, num(&c, NM)?, num(&c, ND)?)
            } else if let Some(y) = num(&c, IY) {
                ymd(y, num(&c, IM)?, num(&c, ID)?)
            } else if let Some(y) = num(&c, SY) {
                slash_date(num(&c, SA)?, num(&c, SB)?, y, english)
            } else if let Some(y) = num(&c, FY) {
                let m = month_number(c.get(FM)?.as_str())?;
                match num(&c, FD) {
                    Some(d) => ymd(y, m, d),
                    None => ym(y, m),
                }
            } else if let Some(y) = num(&c, EY) {
                let m = month_number(c.get(EM)?.as_str())?;
                match num(&c, ED) {
                    Some(d) => ymd(y, m, d),
                    None => ym(y, m),
                }
            } else if let Some(y) = num(&c, UY) {
                let m = month_number(c.get(UM)?.as_str())?;
                ymd(y, m, num(&c, UD)?)
            } else if let Some(y) = num(&c, PY) {
                ym(y, num(&c, PM)?)
            } else {
                None
            };
            return Some(FoundDate { range, iso });
        }
        None
    }

    fn iso(t: &str) -> Option<String> {
        find_date(t, false).and_then(|d| d.iso)
    }

    fn text(t: &str) -> &str {
        &t[find_date(t, false).unwrap().range]
    }

    /// The group numbers used by `find_date` are those of the names.
    #[test]
    fn group_numbers_match_names() {
        let names: Vec<Option<&str>> = date_regex().capture_names().collect();
        let want = [
            (ND, "nd"),
            (NM, "nm"),
            (NY, "ny"),
            (IY, "iy"),
            (IM, "im"),
            (ID, "id"),
            (SA, "sa"),
            (SB, "sb"),
            (SY, "sy"),
            (FD, "fd"),
            (FM, "fm"),
            (FY, "fy"),
            (ED, "ed"),
            (EM, "em"),
            (EY, "ey"),
            (UM, "um"),
            (UD, "ud"),
            (UY, "uy"),
            (PM, "pm"),
            (PY, "py"),
        ];
        assert_eq!(names.len(), want.len() + 1);
        for (i, name) in want {
            assert_eq!(names[i], Some(name));
        }
        // And the ISO forms are those `format!` gave.
        for y in [1900, 1999, 2000, 2018, 2099, 12345] {
            for m in 1..=12 {
                assert_eq!(ym(y, m), Some(format!("{y:04}-{m:02}")));
                for d in 1..=days_in_month(y, m) {
                    assert_eq!(ymd(y, m, d), Some(format!("{y:04}-{m:02}-{d:02}")));
                }
            }
        }
    }

    /// The hand-written search finds what the regex found, in the same
    /// place and read the same way, on random texts of date pieces and on
    /// the lines of the fixtures and corpus.
    #[test]
    fn hand_search_is_the_regex_search() {
        // The first ten make up dates most often: half the texts take
        // only those.
        const PIECES: &[&str] = &[
            "5",
            "25",
            ".",
            ". ",
            "/",
            " ",
            "2018",
            "toukokuuta",
            "may",
            "-",
            "1",
            "2",
            "9",
            "12",
            "31",
            "0",
            "00",
            "05",
            "13",
            "19",
            "20",
            "1999",
            "2099",
            "2100",
            "20189",
            "123",
            ",",
            ", ",
            "  ",
            "\u{a0}",
            "\u{3000}",
            "\n",
            "st",
            "th",
            "nd",
            "rd",
            "touko",
            "kesä",
            "kuu",
            "kuun",
            "kuussa",
            "kuulla",
            "kuuta",
            "marras",
            "heinä",
            "maj",
            "sept",
            "sep",
            "september",
            "mar",
            "mars",
            "march",
            "jun",
            "june",
            "juni",
            "dec",
            "x",
            "a",
            "ä",
            "v",
            "k",
            "1.1.",
            "25.5.",
            "2018-05-",
            "05/",
            "/2018",
            "päivitetty ",
            "٢",
        ];
        let mut next = crate::xorshift(0xda7e_5eed);
        let mut texts: Vec<String> = crate::sample_file_lines()
            .into_iter()
            .map(|l| l.to_lowercase())
            .collect();
        // Whole dates of every form, their parts drawn at random (days and
        // months out of range, three-digit numbers, odd spaces).
        let date = |next: &mut dyn FnMut() -> u64| -> String {
            let mut pick = |xs: &[&str]| xs[(next() % xs.len() as u64) as usize].to_string();
            let d = pick(&["1", "5", "09", "25", "31", "0", "13", "123"]);
            let m = pick(&["1", "05", "12", "13", "2", "0"]);
            let y = pick(&["2018", "1999", "2100", "20189", "19", "2020"]);
            let sp = pick(&[" ", "", "\u{a0}", "  ", ", "]);
            let fi = pick(&["touko", "kesä", "marras", "joulu", "elo", "x"]);
            let end = pick(&["ta", "n", "ssa", "lla", "", "t"]);
            let mon = pick(&[
                "may",
                "maj",
                "sept",
                "sep",
                "september",
                "mars",
                "mar",
                "dec",
            ]);
            let suf = pick(&["st", "th", "", "xx"]);
            let dot = pick(&[".", "", ","]);
            match next() % 8 {
                0 => format!("{d}.{sp}{m}.{sp}{y}"),
                1 => format!("{y}-{m}-{d}"),
                2 => format!("{d}/{m}/{y}"),
                3 => format!("{d}{dot}{sp}{fi}kuu{end}{dot}{sp}{y}"),
                4 => format!("{d}{dot}{sp}{mon}{dot}{sp}{y}"),
                5 => format!("{mon}{dot}{sp}{d}{suf}{dot}{sp}{y}"),
                6 => format!("{fi}kuu{end}{sp}{y}"),
                _ => format!("{m}/{y}"),
            }
        };
        for round in 0..200_000 {
            let len = (next() % 6) as usize;
            let n = if round % 2 == 0 { 10 } else { PIECES.len() };
            let text: String = (0..len)
                .map(|_| {
                    if next().is_multiple_of(3) {
                        // Mostly apart from its neighbours.
                        let sep = if next().is_multiple_of(4) { "" } else { " " };
                        format!("{sep}{}{sep}", date(&mut next))
                    } else {
                        PIECES[(next() % n as u64) as usize].to_string()
                    }
                })
                .collect();
            texts.push(text);
        }
        let mut found = 0;
        for t in &texts {
            for english in [false, true] {
                let want = regex_find_date(t, english);
                found += usize::from(want.is_some());
                assert_eq!(find_date(t, english), want, "{t:?} {english}");
            }
        }
        // The pieces make dates often enough to test the reading (61,552).
        assert!(found > 50_000, "{found}");
    }

    /// The tables by first letter read every month name of the regex.
    #[test]
    fn every_month_name_is_read() {
        for (name, month) in MONTHS {
            if FI_STEMS.contains(&name) {
                let t = format!("{name}kuu");
                assert_eq!(finnish_month_at(t.as_bytes(), 0), Some((month, t.len())));
            } else {
                for after in [" ", ".", ","] {
                    let t = format!("{name}{after}");
                    assert_eq!(month_name_at(&t, 0), Some((month, name.len())), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn numeric_forms() {
        assert_eq!(iso("päivitetty 3.4.2019").as_deref(), Some("2019-04-03"));
        assert_eq!(iso("laadittu 03.05. 2018").as_deref(), Some("2018-05-03"));
        assert_eq!(iso("päivitetty 2018-05-25").as_deref(), Some("2018-05-25"));
        assert_eq!(iso("25/05/2018").as_deref(), Some("2018-05-25"));
        assert_eq!(
            iso("viimeksi päivitetty 03/11/2023.").as_deref(),
            Some("2023-11-03")
        );
        // Only the US order fits.
        assert_eq!(iso("05/25/2018").as_deref(), Some("2018-05-25"));
        // Ambiguous after an English label: no guess.
        assert_eq!(find_date("updated 03/08/2023", true).unwrap().iso, None);
        assert_eq!(
            find_date("updated 25/08/2023", true)
                .unwrap()
                .iso
                .as_deref(),
            Some("2023-08-25")
        );
        assert_eq!(iso("laadittu 12/2019").as_deref(), Some("2019-12"));
        assert_eq!(text("laadittu 12/2019, päivitetty"), "12/2019");
        // Not a date.
        assert_eq!(iso("31.2.2019"), None);
        assert!(find_date("puhelin 040 123 4567", false).is_none());
        assert!(find_date("laki 523/1999", false).is_none());
        assert!(find_date("versio 11.12.20189", false).is_none());
    }

    #[test]
    fn month_names() {
        assert_eq!(iso("25. toukokuuta 2018").as_deref(), Some("2018-05-25"));
        assert_eq!(
            iso("päivitetty viimeksi: 7. kesäkuuta 2025").as_deref(),
            Some("2025-06-07")
        );
        assert_eq!(
            iso("2. lokakuuta 2025, klo 01:50 eest").as_deref(),
            Some("2025-10-02")
        );
        assert_eq!(iso("päivitetty: toukokuu 2025").as_deref(), Some("2025-05"));
        assert_eq!(iso("laadittu joulukuussa 2019").as_deref(), Some("2019-12"));
        assert_eq!(iso("uppdaterad 25 maj 2018").as_deref(), Some("2018-05-25"));
        assert_eq!(
            iso("uppdaterad den 3 mars 2021").as_deref(),
            Some("2021-03-03")
        );
        assert_eq!(
            iso("last updated: may 25, 2018").as_deref(),
            Some("2018-05-25")
        );
        assert_eq!(
            iso("updated march 1st, 2026").as_deref(),
            Some("2026-03-01")
        );
        assert_eq!(iso("updated 25 may 2018").as_deref(), Some("2018-05-25"));
        assert_eq!(
            iso("in effect from 1 september 2026").as_deref(),
            Some("2026-09-01")
        );
        assert_eq!(
            iso("updated: july 2026. a plain").as_deref(),
            Some("2026-07")
        );
        assert_eq!(iso("updated sept. 3, 2024").as_deref(), Some("2024-09-03"));
        assert_eq!(text("päivitetty 26. kesäkuuta 2026."), "26. kesäkuuta 2026");
        // A month word inside another word is no month.
        assert!(find_date("kesäkuussa", false).is_none());
        assert!(find_date("marraskuun 2019", false).is_some());
        assert!(find_date("lokakuulla", false).is_none());
    }

    /// The leading year's pretest (the first character after the label's
    /// punctuation is 1 or 2) changes no answer of its regex.
    #[test]
    fn leading_year_pretest_agrees_with_regex() {
        let re = Regex::new(r"^[\s:–-]*((?:19|20)\d{2})(?:$|[\s.,;)])").unwrap();
        const PIECES: &[&str] = &[
            "1", "2", "3", "0", "9", "19", "20", "2018", "1999", "٢", ".", " ", "-", ":", "–", "x",
            ",", "\u{a0}", "\u{2003}", "ä", "\n", ")", ";",
        ];
        let mut next = crate::xorshift(0x5eed_da7e);
        for _ in 0..30_000 {
            let len = (next() % 8) as usize;
            let t = crate::random_text(&mut next, PIECES, len);
            let want = re.captures(&t).and_then(|c| Some(c.get(1)?.range()));
            assert_eq!(leading_year(&t).map(|d| d.range), want, "{t:?}");
        }
    }

    #[test]
    fn bare_year_after_a_label() {
        assert_eq!(
            leading_year(": 2026").map(|d| d.iso),
            Some(Some("2026".to_string()))
        );
        assert_eq!(leading_year(" 2026 alkaen").unwrap().range, 1..5);
        assert!(leading_year(" 20265").is_none());
        assert!(leading_year(" 12.3.2026").is_none());
    }
}

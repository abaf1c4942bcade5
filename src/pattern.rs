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

use regex::Regex;

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
    let w: Vec<char> = word.chars().collect();
    let n = w.len();
    let esc = |s: &str| regex::escape(s);
    let tail = TAIL;
    if n < 3 {
        return format!("{}{tail}", esc(word));
    }
    if word.ends_with("nen") && n > 4 {
        let stem: String = w[..n - 3].iter().collect();
        return format!("{}(?:nen|s){tail}", esc(&stem));
    }
    if (word.ends_with("us")
        || word.ends_with("ys")
        || word.ends_with("os")
        || word.ends_with("ös"))
        && n > 3
    {
        let stem: String = w[..n - 1].iter().collect();
        return format!("{}(?:s|d|k|t){tail}", esc(&stem));
    }
    let last = w[n - 1];
    if !is_vowel(last) {
        return format!("{}{tail}", esc(word));
    }
    // Consonant cluster before the final vowel.
    let mut k = n - 1;
    while k > 0 && !is_vowel(w[k - 1]) {
        k -= 1;
    }
    let prefix: String = w[..k].iter().collect();
    let cluster: String = w[k..n - 1].iter().collect();
    if cluster.is_empty() {
        // Vowel stem (e.g. "tietosuoja"): the word minus its last vowel.
        let stem: String = w[..n - 1].iter().collect();
        return format!("{}{tail}", esc(&stem));
    }
    if last == 'e' {
        // Base form is weak; inflected forms are strong (osoite → osoitteen).
        // Every form keeps the `e` (osoitetta, osoitteissa, perusteella), so
        // it is required: `peruste~` must not match "perustuu", "perustietoa".
        let mut alts = vec![format!("{}e{tail}", esc(&cluster))];
        for s in strong_grades(&cluster) {
            alts.push(format!("{}e{tail}", esc(s)));
        }
        return format!("{}(?:{})", esc(&prefix), alts.join("|"));
    }
    let mut alts = vec![format!("{}{tail}", esc(&cluster))];
    {
        // The weak stem keeps the final vowel, or shows the plural/stem
        // vowel: laki → lain/laeissa, pöytä → pöydän/pöydillä.
        let mut after = last.to_string();
        match last {
            'i' => after.push('e'),
            'a' | 'ä' | 'o' | 'ö' => after.push('i'),
            _ => {}
        }
        for g in weak_grades(&cluster) {
            alts.push(format!("{}[{after}]{tail}", esc(g)));
        }
    }
    format!("{}(?:{})", esc(&prefix), alts.join("|"))
}

/// Compiles one term (see the module docs) to a regex fragment. Returns the
/// fragment and whether the term may start inside a compound word.
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

/// A compiled list of terms.
#[derive(Debug, Clone)]
pub struct TermSet {
    bounded: Option<Regex>,
    compound: Option<Regex>,
}

/// Limits for regexes written by users: a pathological pattern fails to
/// compile instead of eating the machine.
const REGEX_SIZE_LIMIT: usize = 4 << 20;

fn build(parts: &[String]) -> Result<Option<Regex>, String> {
    if parts.is_empty() {
        return Ok(None);
    }
    let src = format!("(?:{})", parts.join("|"));
    // Multi-line: the engine searches all texts of a notice joined by
    // newlines, and a user's `^`/`$` mean the start/end of one text.
    regex::RegexBuilder::new(&src)
        .multi_line(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map(Some)
        .map_err(|e| e.to_string())
}

impl TermSet {
    /// Compiles terms and raw regexes (regexes match like bounded terms).
    pub fn new(terms: &[String], regexes: &[String]) -> Result<TermSet, String> {
        // Alternation is leftmost-first: a literal "korjata" would win over
        // "korjataan" and then fail the boundary check, hiding the longer
        // term. So open-ended terms (ending in `\w*`, always at a word end)
        // go first, then literals longest first.
        let mut open = Vec::new();
        let mut literal = Vec::new();
        let mut compound = Vec::new();
        for t in terms {
            let (re, c) = term_regex(t);
            if re.is_empty() {
                continue;
            }
            if c {
                compound.push(re);
            } else if re.ends_with(TAIL) || re.ends_with(&format!("{TAIL})")) {
                open.push(re);
            } else {
                literal.push(re);
            }
        }
        literal.sort_by_key(|r| std::cmp::Reverse(r.len()));
        compound.sort_by_key(|r| std::cmp::Reverse(r.len()));
        let mut bounded = open;
        for r in regexes {
            // Validate each on its own so the error names the bad one.
            regex::RegexBuilder::new(r)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| format!("invalid regex `{r}`: {e}"))?;
            bounded.push(format!("(?:{r})"));
        }
        bounded.extend(literal);
        Ok(TermSet {
            bounded: build(&bounded)?,
            compound: build(&compound)?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.bounded.is_none() && self.compound.is_none()
    }

    /// All non-overlapping matches in `text`, in order.
    pub fn find_all(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        if let Some(re) = &self.bounded {
            out.extend(WordMatches::new(re, text, true));
        }
        if let Some(re) = &self.compound {
            out.extend(WordMatches::new(re, text, false));
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
    pub fn find(&self, text: &str) -> Option<std::ops::Range<usize>> {
        let a = (self.bounded.as_ref()).and_then(|re| WordMatches::new(re, text, true).next());
        let b = (self.compound.as_ref()).and_then(|re| WordMatches::new(re, text, false).next());
        match (a, b) {
            (Some(a), Some(b)) => Some(if b.start < a.start { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.find(text).is_some()
    }
}

/// The non-empty matches of `re` in `text` that lie on word boundaries. A
/// match that does not (a regex alternative ending inside a word) is not
/// skipped over: the search goes on from its next character, so that a
/// shorter term inside it ("tehdä valitus" within a failed "...valvonta-
/// viranomai") is still found.
struct WordMatches<'r, 't> {
    re: &'r Regex,
    text: &'t str,
    check_left: bool,
    pos: usize,
}

impl<'r, 't> WordMatches<'r, 't> {
    fn new(re: &'r Regex, text: &'t str, check_left: bool) -> Self {
        WordMatches {
            re,
            text,
            check_left,
            pos: 0,
        }
    }
}

impl Iterator for WordMatches<'_, '_> {
    type Item = std::ops::Range<usize>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.pos <= self.text.len() {
            let m = self.re.find_at(self.text, self.pos)?;
            if m.start() < m.end() && at_boundary(self.text, m.start(), m.end(), self.check_left) {
                self.pos = m.end();
                return Some(m.range());
            }
            // Retry from the character after the failed match's start.
            let next = self.text[m.start()..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
            self.pos = m.start() + next;
        }
        None
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

/// Whether a match starts and ends at word boundaries: a word character at
/// the edge of the match must not continue into the text around it.
pub fn at_boundary(text: &str, start: usize, end: usize, check_left: bool) -> bool {
    if check_left {
        let first = text[start..].chars().next();
        let before = text[..start].chars().next_back();
        if let (Some(f), Some(b)) = (first, before) {
            if is_word(f) && is_word(b) {
                return false;
            }
        }
    }
    let last = text[..end].chars().next_back();
    let after = text[end..].chars().next();
    if let (Some(l), Some(a)) = (last, after) {
        if is_word(l) && is_word(a) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(terms: &[&str]) -> TermSet {
        let t: Vec<String> = terms.iter().map(|s| s.to_string()).collect();
        TermSet::new(&t, &[]).unwrap()
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

    #[test]
    fn phrases_allow_hyphen_or_space() {
        let s = set(&["sähköisen viestinnän tietosuojalaki~"]);
        assert!(s.is_match("sähköisen viestinnän tietosuojalain 7 §"));
        assert!(!s.is_match("tietosuojalain"));
    }
}

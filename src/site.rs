//! Choosing the privacy-notice pages of a whole site.
//!
//! `seloste check public/` on a built static site should lint the notice
//! pages, not the blog. A page found by walking a folder is chosen when
//!
//! 1. its name says so: a word of the file name (or of the folder name for
//!    `slug/index.html`) starts with tietosuoja, rekisteriseloste, privacy,
//!    dataskydd, integritet, evaste/eväste or cookie, or contains
//!    `rekisteriseloste` / `tietosuojaseloste` (asiakasrekisteriseloste).
//!    Pages under listing or blog folders (`tags/`, `category/`, `blog/`,
//!    `uutiset/`, a year such as `2024/`...) are chosen only by step 3,
//!    since their names and titles come from tags and post titles;
//! 2. else its `<title>` or first `<h1>` (Markdown: front-matter `title:` or
//!    the first `#` heading; text: the first line) names a notice: one part
//!    of the title (split at `|`, `–`, `-` between spaces, `:`...) contains
//!    a notice word such as tietosuojaseloste, privacy policy,
//!    dataskyddsbeskrivning or evästekäytäntö, or is just "Tietosuoja",
//!    "Privacy", "Evästeet", "Cookies", "Dataskydd"...;
//! 3. else its headings map onto at least [`MIN_HEADING_ELEMENTS`] different
//!    GDPR elements (controller, purpose, legal basis, rights...), the way
//!    `seloste sections` reads them.
//!
//! Files named on the command line are always linted, and `--all` lints
//! every page found.

use std::borrow::Cow;
use std::path::Path;

/// How many different GDPR elements a page's headings must cover for the
/// page to count as a notice when its name and title say nothing.
pub const MIN_HEADING_ELEMENTS: usize = 4;

/// Why a page was linted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chosen {
    /// Named on the command line (a file, `-` or a URL).
    Named,
    /// `--all`.
    All,
    /// The file or folder name.
    Name,
    /// The page's title or first heading (the text that gave it away).
    Title(String),
    /// The headings cover this many GDPR elements.
    Headings(usize),
}

impl Chosen {
    /// `named`, `all`, `name`, `title` or `headings` (JSON `chosen.by`).
    pub fn by(&self) -> &'static str {
        match self {
            Chosen::Named => "named",
            Chosen::All => "all",
            Chosen::Name => "name",
            Chosen::Title(_) => "title",
            Chosen::Headings(_) => "headings",
        }
    }

    /// A short human explanation, e.g. `title "Rekisteriseloste – Oy"`.
    pub fn detail(&self) -> String {
        match self {
            Chosen::Named => "named on the command line".into(),
            Chosen::All => "--all".into(),
            Chosen::Name => "file name".into(),
            Chosen::Title(t) => format!("title \"{t}\""),
            Chosen::Headings(n) => format!("headings cover {n} GDPR elements"),
        }
    }
}

/// Lowercases and folds ä/å→a, ö→o, é→e so that `evästeet` and `evasteet`
/// (the slug spelling) compare equal.
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ä' | 'å' | 'à' | 'á' | 'â' => 'a',
            'ö' | 'ó' | 'ò' | 'ô' | 'ø' => 'o',
            'é' | 'è' | 'ê' => 'e',
            'ü' => 'u',
            c => c,
        })
        .collect()
}

/// Name words that make a page a notice (prefixes of a word of the name).
const NAME_PREFIXES: &[&str] = &[
    "tietosuoja",
    "rekisteriseloste",
    "privacy",
    "dataskydd",
    "integritet",
    "evaste",
    "cookie",
];

/// Compounds that make a page a notice anywhere in a name word.
const NAME_INFIXES: &[&str] = &["rekisteriseloste", "tietosuojaseloste", "privacypolicy"];

/// Folders whose pages are named after tags, categories or post titles.
const LISTING_DIRS: &[&str] = &[
    "tag",
    "tags",
    "category",
    "categories",
    "kategoria",
    "kategoriat",
    "avainsana",
    "avainsanat",
    "author",
    "authors",
    "page",
    "feed",
    "blog",
    "blogi",
    "posts",
    "post",
    "news",
    "uutiset",
    "ajankohtaista",
    "artikkelit",
    "articles",
];

/// [`fold`] without a new `String` for the common name: ASCII without
/// capitals is its own folding (non-ASCII can fold to ASCII, `blögi` to
/// `blogi`, and takes the full [`fold`]).
fn fold_name(s: &str) -> Cow<'_, str> {
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(s)
    } else if s.is_ascii() {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Owned(fold(s))
    }
}

/// The path's components that are UTF-8, as [`in_listing`] and
/// [`chosen_by_name`] see them (a name that is not UTF-8 is left out, so
/// the last of these may be a folder).
fn utf8_components(rel: &Path) -> impl Iterator<Item = &str> {
    rel.components().filter_map(|c| c.as_os_str().to_str())
}

fn is_listing_dir(dir: &str) -> bool {
    let d = fold_name(dir);
    LISTING_DIRS.contains(&d.as_ref()) || (d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether the page sits in a listing or blog folder (`tags/`, `blog/`, a
/// year...), whose page names and titles come from tags and post titles:
/// such a page is chosen only by its headings.
pub fn in_listing(rel: &Path) -> bool {
    // Every component but the last, each folded only when it must be: the
    // walk asks this of every file (it once folded every component into a
    // new `String`, twice per file, ~15 K instructions).
    let mut comps = utf8_components(rel).peekable();
    while let Some(c) = comps.next() {
        if comps.peek().is_none() {
            break;
        }
        if is_listing_dir(c) {
            return true;
        }
    }
    false
}

/// Whether the file's name (or its folder's, for `index.html`) says it is a
/// privacy or cookie notice. `rel` is the path below the walked folder.
pub fn chosen_by_name(rel: &Path) -> bool {
    !in_listing(rel) && named_as_notice(rel)
}

/// [`chosen_by_name`] of a path not [`in_listing`]: for a caller that has
/// asked that already (the walk asks both of every file; the listing test
/// was ~900 instructions a file).
pub fn named_as_notice(rel: &Path) -> bool {
    // The last two components: the file and its folder.
    let (mut dir, mut file) = (None, None);
    for c in utf8_components(rel) {
        dir = file.replace(c);
    }
    let Some(file) = file.map(fold_name) else {
        return false;
    };
    let stem = file.split('.').next().unwrap_or(&file);
    if matches!(stem, "index" | "default" | "readme" | "_index") {
        match dir {
            Some(d) => name_says_notice(&fold_name(d)),
            None => false,
        }
    } else {
        name_says_notice(stem)
    }
}

fn name_says_notice(name: &str) -> bool {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .any(|w| {
            NAME_PREFIXES.iter().any(|p| w.starts_with(p))
                // (The length test first: `contains` sets up a two-way
                // searcher at each call, and most name words are short.)
                || NAME_INFIXES
                    .iter()
                    .any(|p| w.len() >= p.len() && w.contains(p))
        })
}

/// Words that make one part of a title a notice's title.
const TITLE_WORDS: &[&str] = &[
    "tietosuojaseloste",
    "tietosuojakaytanto",
    "tietosuojaselvitys",
    "tietosuojailmoitus",
    "tietosuojalauseke",
    "tietosuojaperiaatteet",
    "tietosuojatiedote",
    "tietosuoja ja evasteet",
    "tietosuoja- ja evastekaytanto",
    "rekisteriseloste",
    "henkilotietojen kasittely",
    "yksityisyydensuoja",
    "privacy policy",
    "privacy notice",
    "privacy statement",
    "privacy and cookie",
    "data protection notice",
    "data protection policy",
    "dataskyddsbeskrivning",
    "dataskyddspolicy",
    "dataskyddsmeddelande",
    "dataskyddsredogorelse",
    "integritetspolicy",
    "integritetsmeddelande",
    "integritetsskydd",
    "registerbeskrivning",
    "personuppgiftspolicy",
    "behandling av personuppgifter",
    "evastekaytanto",
    "evasteseloste",
    "evastepolitiikka",
    "cookie policy",
    "cookies policy",
    "cookie notice",
    "kakpolicy",
    "cookiepolicy",
];

/// A title part that alone names a notice page.
const TITLE_WHOLE: &[&str] = &[
    "tietosuoja",
    "privacy",
    "evasteet",
    "cookies",
    "dataskydd",
    "integritet",
    "kakor",
    "gdpr",
];

/// Whether a page title or first heading names a privacy or cookie notice.
pub fn title_says_notice(title: &str) -> bool {
    let t = fold(title);
    // Split at the separators sites put between page and site name.
    let parts = t
        .split(['|', '–', '—', '·', '•', ':', '»', '«'])
        .flat_map(|p| p.split(" - "));
    for part in parts {
        let part = part.split_whitespace().collect::<Vec<_>>().join(" ");
        if part.is_empty() {
            continue;
        }
        if TITLE_WHOLE.contains(&part.as_str()) || TITLE_WORDS.iter().any(|w| part.contains(w)) {
            return true;
        }
    }
    false
}

/// The page's title and first main heading, cheaply (no full parse): HTML
/// `<title>` and the first `<h1>`; Markdown front-matter `title:` and the
/// first `#` heading; plain text its first non-empty line.
pub fn titles(name: &str, text: &str) -> Vec<String> {
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    let looks_html = matches!(ext.as_str(), "html" | "htm" | "xhtml" | "php")
        || text.trim_start().starts_with('<');
    let mut out = Vec::new();
    if looks_html {
        out.extend(element_text(text, "title"));
        out.extend(element_text(text, "h1"));
        return out;
    }
    let mut lines = text.lines();
    if text.starts_with("---") {
        lines.next();
        for l in lines.by_ref() {
            if l.trim_end() == "---" {
                break;
            }
            if let Some(v) = l.strip_prefix("title:") {
                out.push(v.trim().trim_matches(['"', '\'']).to_string());
            }
        }
    }
    let mut first = None;
    for l in lines.take(400) {
        let l = l.trim();
        if l.is_empty() {
            continue;
        }
        if first.is_none() {
            first = Some(l.trim_start_matches('#').trim().to_string());
        }
        if let Some(h) = l.strip_prefix("# ") {
            out.push(h.trim().to_string());
            break;
        }
    }
    if let Some(f) = first {
        if f.chars().count() <= 200 {
            out.push(f);
        }
    }
    out
}

/// The text of the first `<tag ...>...</tag>` (tags inside dropped,
/// entities decoded, whitespace folded).
fn element_text(text: &str, tag: &str) -> Option<String> {
    let lower = text.as_bytes();
    let open = format!("<{tag}");
    let close = format!("</{tag}");
    let mut from = 0;
    let start = loop {
        let i = find_ci(&lower[from..], open.as_bytes())? + from;
        let after = lower.get(i + open.len()).copied().unwrap_or(b'>');
        if after == b'>' || after.is_ascii_whitespace() {
            let gt = memchr::memchr(b'>', &lower[i..])? + i + 1;
            break gt;
        }
        from = i + open.len();
    };
    let end = find_ci(&lower[start..], close.as_bytes())? + start;
    let inner = text.get(start..end)?;
    Some(plain_text(inner))
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Drops tags, decodes entities, folds whitespace.
fn plain_text(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            match rest.find('>') {
                Some(e) => {
                    rest = &rest[e + 1..];
                    out.push(' ');
                }
                None => break,
            }
        } else if c == '&' {
            match crate::parse::inline::decode_entity(rest) {
                Some((t, n)) => {
                    out.push_str(&t);
                    rest = &rest[n..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out.replace('\u{ad}', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// How many different GDPR elements the notice's headings cover.
pub fn heading_elements(notice: &crate::schema::Notice) -> usize {
    let mut keys: Vec<crate::schema::Key> = notice
        .sections
        .iter()
        .flat_map(|s| s.keys.iter().copied())
        .filter(|k| k.is_element())
        .collect();
    keys.sort();
    keys.dedup();
    keys.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for yes in [
            "tietosuojaseloste.html",
            "tietosuoja/index.html",
            "fi/rekisteriseloste.htm",
            "asiakasrekisteriseloste.html",
            "privacy-policy/index.html",
            "sv/dataskyddsbeskrivning.html",
            "integritetspolicy.html",
            "evasteet/index.html",
            "evästekäytäntö.html",
            "cookie-policy.html",
            "kanta-asiakasrekisterin-tietosuojaseloste.html",
        ] {
            assert!(chosen_by_name(Path::new(yes)), "{yes}");
        }
        for no in [
            "index.html",
            "blogi/uusi-tietosuoja-asetus/index.html",
            "tags/tietosuoja/index.html",
            "2024/05/privacy-tips.html",
            "tuotteet/kahvinkeitin.html",
            "yhteystiedot.html",
            "robots.txt",
        ] {
            assert!(!chosen_by_name(Path::new(no)), "{no}");
        }
    }

    /// The first versions of [`in_listing`] and [`chosen_by_name`], which
    /// folded every component into a `String`: the reference.
    fn reference_in_listing(rel: &Path) -> bool {
        let comps: Vec<String> = rel
            .components()
            .filter_map(|c| c.as_os_str().to_str())
            .map(fold)
            .collect();
        comps.split_last().is_some_and(|(_, dirs)| {
            dirs.iter().any(|d| {
                LISTING_DIRS.contains(&d.as_str())
                    || (d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()))
            })
        })
    }

    fn reference_chosen_by_name(rel: &Path) -> bool {
        if reference_in_listing(rel) {
            return false;
        }
        let comps: Vec<String> = rel
            .components()
            .filter_map(|c| c.as_os_str().to_str())
            .map(fold)
            .collect();
        let Some((file, dirs)) = comps.split_last() else {
            return false;
        };
        let stem = file.split('.').next().unwrap_or(file);
        let name = if matches!(stem, "index" | "default" | "readme" | "_index") {
            match dirs.last() {
                Some(d) => d.as_str(),
                None => return false,
            }
        } else {
            stem
        };
        name_says_notice(name)
    }

    #[test]
    fn names_agree_with_reference() {
        let pieces = [
            "Tags",
            "tag",
            "BLÖGI",
            "blögi",
            "2024",
            "２０２４",
            "1999x",
            "index.html",
            "Index.HTML",
            "README.md",
            "_index.md",
            "default.htm",
            "Tietosuoja",
            "EVÄSTEET",
            "evästeet",
            "privacy-policy",
            "Kanta-Asiakasrekisterin-Tietosuojaseloste.html",
            "\u{212a}ategoria",
            "uutiset",
            "Ajankohtaista",
            "a.b.c",
            "",
            ".",
            "..",
            "/",
            "Privacy Policy.html",
            "cookie_notice",
            "yhteystiedot.html",
            "ÅÄÖ",
            "İstanbul",
            "tietosuoja.md",
            "news",
            "x",
        ];
        let mut rng = crate::xorshift(23);
        for _ in 0..20_000 {
            let n = 1 + (rng() % 5) as usize;
            let mut path = std::path::PathBuf::new();
            if rng().is_multiple_of(8) {
                path.push("/");
            }
            for _ in 0..n {
                path.push(pieces[(rng() % pieces.len() as u64) as usize]);
            }
            assert_eq!(in_listing(&path), reference_in_listing(&path), "{path:?}");
            assert_eq!(
                chosen_by_name(&path),
                reference_chosen_by_name(&path),
                "{path:?}"
            );
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let bad = std::ffi::OsStr::from_bytes(b"\xfftietosuoja.html");
            for base in ["tietosuoja", "tags/tietosuoja", "a/b", ""] {
                let mut p = std::path::PathBuf::from(base);
                p.push(bad);
                assert_eq!(in_listing(&p), reference_in_listing(&p), "{p:?}");
                assert_eq!(chosen_by_name(&p), reference_chosen_by_name(&p), "{p:?}");
                p.push("index.html");
                assert_eq!(chosen_by_name(&p), reference_chosen_by_name(&p), "{p:?}");
            }
        }
    }

    #[test]
    fn titles_that_name_a_notice() {
        for yes in [
            "Tietosuojaseloste – Kahvila Kuura Oy",
            "Asiakasrekisteri - tietosuojaseloste",
            "Tietosuoja | Esimerkki Oy",
            "Rekisteri- ja tietosuojaseloste",
            "Privacy Policy",
            "Dataskyddsbeskrivning för kundregistret",
            "Evästeet",
            "Evästekäytäntö",
            "Henkilötietojen käsittely",
        ] {
            assert!(title_says_notice(yes), "{yes}");
        }
        for no in [
            "Etusivu – Esimerkki Oy",
            "Miksi tietosuoja on tärkeää? – Blogi",
            "Kahvinkeitin 3000",
            "Uusi tietosuoja-asetus voimaan",
        ] {
            assert!(!title_says_notice(no), "{no}");
        }
    }

    #[test]
    fn title_extraction() {
        let html = "<html><head><TITLE>Asiakkaille &ndash;\n Oy</TITLE></head><body><h1 class=x>Meid&auml;n <em>ehdot</em></h1>";
        assert_eq!(
            titles("a.html", html),
            vec!["Asiakkaille – Oy".to_string(), "Meidän ehdot".to_string()]
        );
        let md = "---\ntitle: \"Tietosuoja\"\n---\n\nJohdanto\n\n# Otsikko\n";
        assert_eq!(
            titles("a.md", md),
            vec!["Tietosuoja", "Otsikko", "Johdanto"]
        );
        assert_eq!(
            titles("a.txt", "\n\nAsiakasrekisteri - tietosuojaseloste\n"),
            vec!["Asiakasrekisteri - tietosuojaseloste"]
        );
    }
}

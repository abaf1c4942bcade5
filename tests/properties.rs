//! Property tests: the fuzz targets' invariants (`fuzz/src/invariants.rs`,
//! included below) over generated notices in all three formats: random mixes
//! of headings and paragraphs with entities (`&auml;`, `&#228;`, `&#xE4;`,
//! `&shy;`), soft hyphens, NFD text, CRLF, tabs, inline tags and comments,
//! plus arbitrary strings and bytes. `cargo test --release` runs them in a
//! few seconds; `PROPTEST_CASES=5000` runs more.

#[path = "../fuzz/src/invariants.rs"]
mod invariants;

use std::sync::OnceLock;

use proptest::prelude::*;
use seloste::accuracy::quote_key;
use seloste::lint::Linter;
use seloste::normalize::normalize;
use seloste::parse::inline::strip_inline_html;
use seloste::parse::{self, Format};
use seloste::source::SourceText;
use seloste::textmap::MappedText;

use invariants::*;

fn linter() -> &'static Linter {
    static L: OnceLock<Linter> = OnceLock::new();
    L.get_or_init(Linter::builtin)
}

/// Headings the tables know, and a few they do not.
const HEADINGS: &[&str] = &[
    "Rekisterinpitäjä",
    "Rekisterin nimi",
    "Henkilötietojen käsittelyn tarkoitus",
    "Rekisterin tietosisältö",
    "Säännönmukaiset tietolähteet",
    "Tietojen säilytysaika",
    "Evästeet",
    "Tarkastusoikeus",
    "Laatimispäivä",
    "Personuppgiftsansvarig",
    "Retention of personal data",
    "Muuta tietoa",
    "Yleistä",
];

/// Words of bodies, some of which rules flag.
const WORDS: &[&str] = &[
    "tietoja",
    "käsitellään",
    "asiakassuhteen",
    "hoitamiseksi",
    "henkilötietolain",
    "523/1999",
    "[yrityksen nimi]",
    "Y-tunnus",
    "2077474-0",
    "1234567-8",
    "03.05.2018",
    "2021-03-04",
    "tietosuojavaltuutettu",
    "säilytetään",
    "vuotta",
    "omakätisesti",
    "allekirjoitettu",
    "ja",
    "on",
    "ei",
    "henkilökohtai-\nsemman",
    "tietosuoja-\nasetus",
    // HTML reads the legacy `&not` here: ¬it;
    "&notit;",
];

/// Ways to write `ä` (and friends) that must all read the same.
fn letter() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("ä".to_string()),
        Just("&auml;".to_string()),
        Just("&#228;".to_string()),
        Just("&#xE4;".to_string()),
        Just("a\u{308}".to_string()),
        Just("ö".to_string()),
        Just("&ouml;".to_string()),
        Just("o\u{308}".to_string()),
    ]
}

/// Noise inside a word or between words.
fn noise() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\u{ad}".to_string()),
        Just("&shy;".to_string()),
        Just("\u{200b}".to_string()),
        Just(" ".to_string()),
        Just("  ".to_string()),
        Just("\t".to_string()),
        Just("&nbsp;".to_string()),
        Just("\u{a0}".to_string()),
        Just("<b>".to_string()),
        Just("</b>".to_string()),
        Just("<br>".to_string()),
        Just("<span class=\"x\">".to_string()),
        Just("</span>".to_string()),
        Just("<!-- c -->".to_string()),
        Just("&amp;".to_string()),
        Just("&lt;".to_string()),
        Just("&#150;".to_string()),
        Just("&xyzzy;".to_string()),
        Just("<".to_string()),
        Just("&".to_string()),
    ]
}

/// A piece of text: words, letters written in several ways, noise, and
/// now and then an arbitrary string.
fn text(words: &'static [&'static str]) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => proptest::sample::select(words).prop_map(str::to_string),
        2 => letter(),
        2 => noise(),
        1 => "\\PC{0,8}",
    ];
    proptest::collection::vec(piece, 1..12).prop_map(|v| v.join(" "))
}

/// Like [`text`] without arbitrary strings, whose `</` or `<x` would be
/// markup (an HTML heading is then rightly read differently).
fn tame_text(words: &'static [&'static str]) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => proptest::sample::select(words).prop_map(str::to_string),
        2 => letter(),
        2 => noise(),
        1 => "[a-zåäö0-9 .,:()-]{0,8}",
    ];
    proptest::collection::vec(piece, 1..12).prop_map(|v| v.join(" "))
}

/// A heading: a known heading with letters replaced by entities or NFD,
/// soft hyphens inserted, or random text.
fn heading() -> impl Strategy<Value = String> {
    let known = (
        proptest::sample::select(HEADINGS),
        proptest::collection::vec(letter(), 3),
        0usize..4,
    )
        .prop_map(|(h, letters, shy)| {
            let mut out = String::new();
            let mut li = 0;
            for (i, c) in h.chars().enumerate() {
                if c == 'ä' || c == 'ö' {
                    out.push_str(&letters[li % letters.len()]);
                    li += 1;
                } else {
                    out.push(c);
                }
                if shy > 0 && i == shy * 3 {
                    out.push('\u{ad}');
                }
            }
            out
        });
    prop_oneof![4 => known, 1 => tame_text(HEADINGS)]
}

#[derive(Debug, Clone)]
enum Block {
    Heading(u8, String),
    Para(String),
}

fn blocks() -> impl Strategy<Value = Vec<Block>> {
    let block = prop_oneof![
        2 => (1u8..4, heading()).prop_map(|(l, h)| Block::Heading(l, h)),
        1 => (1u8..4, text(HEADINGS)).prop_map(|(l, h)| Block::Heading(l, h)),
        3 => text(WORDS).prop_map(Block::Para),
    ];
    proptest::collection::vec(block, 0..14)
}

/// Writes the blocks in a format; `crlf` switches line ends.
fn render(blocks: &[Block], format: Format, crlf: bool) -> String {
    let mut s = String::new();
    match format {
        Format::Html => {
            s.push_str(
                "<!DOCTYPE html><html><head><title>Tietosuojaseloste</title></head><body>\n",
            );
            for b in blocks {
                match b {
                    Block::Heading(l, h) => s.push_str(&format!("<h{l}>{h}</h{l}>\n")),
                    Block::Para(p) => s.push_str(&format!("<p>{p}</p>\n")),
                }
            }
            s.push_str("</body></html>\n");
        }
        Format::Markdown => {
            s.push_str("# Tietosuojaseloste\n\n");
            for b in blocks {
                match b {
                    Block::Heading(l, h) => {
                        s.push_str(&format!("{} {h}\n\n", "#".repeat(*l as usize + 1)))
                    }
                    Block::Para(p) => s.push_str(&format!("{p}\n\n")),
                }
            }
        }
        Format::Text => {
            s.push_str("Tietosuojaseloste\n\n");
            let mut n = 0;
            for b in blocks {
                match b {
                    Block::Heading(_, h) => {
                        n += 1;
                        s.push_str(&format!("{n}. {h}\n"));
                    }
                    Block::Para(p) => s.push_str(&format!("{p}\n")),
                }
            }
        }
    }
    if crlf {
        s = s.replace('\n', "\r\n");
    }
    s
}

fn any_format() -> impl Strategy<Value = Format> {
    prop_oneof![
        Just(Format::Html),
        Just(Format::Markdown),
        Just(Format::Text)
    ]
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(cases),
        // Shrunk failures are printed; no files are written.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(300))]

    /// The whole pipeline: spans in the text and on boundaries, headings
    /// that read as their source, findings whose text is the source under
    /// their span, identical output when run twice, every report renders.
    #[test]
    fn generated_notices_keep_every_invariant(
        blocks in blocks(),
        format in any_format(),
        crlf in any::<bool>(),
        detect in any::<bool>(),
    ) {
        let src = render(&blocks, format, crlf);
        let name = match format {
            Format::Html => "seloste.html",
            Format::Markdown => "seloste.md",
            Format::Text => "seloste.txt",
        };
        let forced = (!detect).then_some(format);
        if let Ok(r) = check_lint(linter(), name, src.as_bytes(), forced) {
            render_all(&r, linter());
        }
        // And the parser's own output, before the schema stage.
        let doc = parse::parse(&src, format, &linter().headings);
        check_raw(&src, &doc);
    }

    /// HTML headings written with entities, NFD letters, soft hyphens and
    /// CRLF are found in order and read as the heading (paragraphs here are
    /// plain sentences, so none can be taken for a heading).
    #[test]
    fn html_headings_are_found_as_written(
        heads in proptest::collection::vec(heading(), 1..8),
        crlf in any::<bool>(),
    ) {
        let blocks: Vec<Block> = heads
            .iter()
            .flat_map(|h| [
                Block::Heading(2, h.clone()),
                Block::Para("tietoja käsitellään asiakassuhteen hoitamiseksi.".into()),
            ])
            .collect();
        let src = render(&blocks, Format::Html, crlf);
        let notice = linter().notice(&src, Format::Html);
        let got: Vec<String> = notice.sections.iter().map(|s| quote_key(&s.heading_text)).collect();
        let want: Vec<String> = heads
            .iter()
            .map(|h| quote_key(h))
            .filter(|h| !h.is_empty())
            .collect();
        // Headings that are only markup (`<b>`) are dropped; the others
        // must all be there, in order.
        let got_nonempty: Vec<&String> = got.iter().filter(|h| !h.is_empty()).collect();
        prop_assert_eq!(got_nonempty.len(), want.len(), "{:?} vs {:?}\n{}", got, want, src);
        for (g, w) in got_nonempty.iter().zip(&want) {
            // NFD letters are composed in the heading text; the reference
            // decodes entities only.
            let nfc = |s: &str| seloste::schema::norm_plain(s).text.replace(' ', "");
            prop_assert_eq!(nfc(g), nfc(w));
        }
        check_notice(&src, &notice);
    }

    /// Line ends do not change what is found: CRLF gives the same findings
    /// at the same lines and columns as LF.
    #[test]
    fn crlf_finds_the_same_as_lf(blocks in blocks(), format in any_format()) {
        let lf = render(&blocks, format, false);
        let crlf = render(&blocks, format, true);
        let l = linter().lint_bytes("a", lf.as_bytes(), Some(format));
        let c = linter().lint_bytes("a", crlf.as_bytes(), Some(format));
        let (Ok(l), Ok(c)) = (l, c) else { return Ok(()) };
        let key = |r: &seloste::lint::FileReport| -> Vec<(String, u32, u32, String)> {
            r.result.diagnostics.iter().map(|d| {
                let lc = r.source.line_col(d.span.start);
                (d.rule.to_string(), lc.line, lc.column, d.text.replace('\r', ""))
            }).collect()
        };
        prop_assert_eq!(key(&l), key(&c), "LF:\n{}", lf);
        let heads = |r: &seloste::lint::FileReport| -> Vec<String> {
            r.notice.sections.iter().map(|s| s.heading_text.clone()).collect()
        };
        prop_assert_eq!(heads(&l), heads(&c));
    }
}

proptest! {
    #![proptest_config(config(1000))]

    /// Any bytes decode or are refused, deterministically; a UTF-8 text is
    /// kept as it is; lines and columns increase through the text.
    #[test]
    fn any_bytes_decode_or_are_refused(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(s) = SourceText::decode(&bytes) {
            check_source(&bytes, &s);
        }
    }

    /// The normalizer's map: over arbitrary text with entities and tags,
    /// every normalized range maps into the source.
    #[test]
    fn normalized_text_maps_back(
        pieces in proptest::collection::vec(prop_oneof![letter(), noise(), "\\PC{0,6}", Just("-\n".to_string())], 0..20),
        pad in 0usize..20,
    ) {
        let body = pieces.join("");
        let src = format!("{}{body}", "x".repeat(pad));
        let m = strip_inline_html(&src, pad..src.len());
        check_mapped("stripped", &m, &src);
        check_norm("normalized", &normalize(m.clone()), &src);
        check_norm("trimmed", &normalize(m.trimmed()), &src);
        let mut v = MappedText::new();
        v.push_verbatim(&body, pad);
        check_norm("verbatim", &normalize(v), &src);
    }

    /// Arbitrary text in every parser.
    #[test]
    fn arbitrary_text_parses(src in "\\PC{0,200}", format in any_format()) {
        let doc = parse::parse(&src, format, &linter().headings);
        check_raw(&src, &doc);
    }
}

/// SARIF fingerprints computed in one pass equal the per-finding ones.
#[test]
fn fingerprints_in_one_pass_match() {
    let src = "<h2>Evästeet</h2>\n<p>Henkilötietolain mukaan. Henkilötietolain mukaan. [yrityksen nimi] [Yrityksen  nimi]</p>\n<h2>Evästeet</h2>\n";
    let r = linter().lint_bytes("a.html", src.as_bytes(), None).unwrap();
    let all: Vec<_> = r
        .result
        .diagnostics
        .iter()
        .chain(&r.result.suppressed)
        .collect();
    assert!(all.len() > 5);
    let one_pass = seloste::report::fingerprints(&r);
    let each: Vec<String> = all
        .iter()
        .map(|d| seloste::report::fingerprint(&r, d))
        .collect();
    assert_eq!(one_pass, each);
}

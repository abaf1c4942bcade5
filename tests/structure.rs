//! Structural patterns found in real notices (issue 2), each reproduced by a
//! synthetic fixture with invented wording: the exact headings, their
//! canonical keys and `line:column`, the title and the stated date.

use seloste::lint::{FileReport, Linter};

fn lint(rel: &str) -> FileReport {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let bytes = std::fs::read(&path).unwrap();
    Linter::builtin()
        .lint_bytes(rel, &bytes, None)
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn at(r: &FileReport, offset: usize) -> String {
    let lc = r.source.line_col(offset);
    format!("{}:{}", lc.line, lc.column)
}

/// Each section as `line:column keys | heading as written`.
fn sections(r: &FileReport) -> Vec<String> {
    r.notice
        .sections
        .iter()
        .map(|s| {
            let keys = if s.keys.is_empty() {
                "other".to_string()
            } else {
                s.keys
                    .iter()
                    .map(|k| k.name())
                    .collect::<Vec<_>>()
                    .join(",")
            };
            format!(
                "{} {} | {}",
                at(r, s.heading_span.start),
                keys,
                &r.source.text[s.heading_span.clone()]
            )
        })
        .collect()
}

fn title(r: &FileReport) -> Option<(String, String)> {
    let t = r.notice.title.as_ref()?;
    let sp = t.full_source_range()?;
    Some((at(r, sp.start), r.source.text[sp].to_string()))
}

fn empty_bodies(r: &FileReport) -> Vec<String> {
    r.notice
        .sections
        .iter()
        .filter(|s| s.body_span.is_none())
        .map(|s| s.heading_text.clone())
        .collect()
}

#[test]
fn hero_h1_outside_the_article_is_the_title_and_purpose_subheadings_are_purposes() {
    let r = lint("fixtures/html/hero-otsikko.html");
    assert_eq!(
        title(&r),
        Some(("12:9".to_string(), "Tietosuojaseloste".to_string()))
    );
    assert_eq!(
        sections(&r),
        [
            "18:9 controller,controller_contact | 1. Rekisterinpitäjä ja yhteystiedot",
            "20:9 purpose,legal_basis | 2. Miksi tietoja käsitellään ja millä perusteella?",
            // Contact and security words under a purpose name purposes.
            "21:9 other | Tarjouspyynnöt ja yhteydenotot",
            "23:9 other | Sivuston turvallisuus",
            "25:9 recipients,transfers | 3. Kenelle tietoja luovutetaan tai siirretään?",
            "27:9 security | 4. Tietoturva",
        ]
    );
}

#[test]
fn the_h1_naming_the_notice_carries_no_element_key() {
    let r = lint("fixtures/html/otsikko-ja-evasteet.html");
    assert_eq!(
        sections(&r),
        [
            "9:9 other | Tietosuojaseloste ja evästeet – Lankakerä Oy",
            "11:9 controller | 1. Rekisterinpitäjä",
            "13:9 purpose,data_categories | 2. Mitä henkilötietoja käsittelemme ja miksi?",
            "15:9 cookies | 3. Evästeet",
        ]
    );
    assert!(empty_bodies(&r).is_empty());
}

#[test]
fn italic_and_bold_first_line_sub_headings_in_markdown() {
    let r = lint("fixtures/markdown/kursiivi-otsikot.md");
    assert_eq!(
        sections(&r),
        [
            "3:3 other | Tietosuojaseloste",
            "5:4 controller | 1. Rekisterinpitäjä",
            "9:4 purpose | 2. Henkilötietojen käsittelyn tarkoitus",
            "13:4 other | 3. Rekisteröidyn oikeudet",
            // `*x*` and `_x_` alone in a paragraph, known headings.
            "17:2 right_access | Oikeus tarkastaa tiedot",
            "21:2 right_erasure | Oikeus tietojen poistamiseen",
            // Bold or italic first line, the body on the next line.
            "25:3 right_rectification | Oikeus vaatia tiedon korjaamista",
            "28:2 right_objection | Vastustamisoikeus",
        ]
    );
    let last = r.notice.sections.last().unwrap();
    // An italic note, a bold lead-in and an italic sentence stay body text.
    assert_eq!(
        last.body.raw.text,
        "Jäsen voi kieltää tietojensa käytön suoramarkkinointiin.\n\
         Huomaa, että pyynnöt käsitellään kuukauden kuluessa\n\
         Tärkeää: pyynnöt tehdään kirjallisesti sihteerille.\n\
         Tämä seloste on päivitetty 9.10.2023. // Hallitus"
    );
    assert_eq!(empty_bodies(&r), ["Tietosuojaseloste"]);
}

#[test]
fn plain_text_headings_right_above_their_text() {
    let r = lint("fixtures/text/otsikot-tekstin-ylla.txt");
    assert_eq!(
        title(&r),
        Some(("1:1".to_string(), "Tietosuojaseloste".to_string()))
    );
    assert_eq!(
        sections(&r),
        [
            "3:1 controller | Rekisterinpitäjä",
            "6:1 register_name | Rekisterin nimi",
            "9:1 purpose | Henkilötietojen käsittelyn tarkoitus",
            // Not in the heading table, but in a heading's place and shape.
            "12:1 other | Ilmoittautumisten käsittely",
            // A long template heading (13 words) right above its text.
            "15:1 recipients,transfers | Tietojen säännönmukaiset luovutukset ja tietojen siirto \
             Euroopan unionin tai Euroopan talousalueen ulkopuolelle",
            // A heading right above another element's heading: empty.
            "18:1 cookies | Evästeet",
            "19:1 right_access | Tarkastusoikeus",
            // The last line of the file (ending with a line break).
            "22:1 right_rectification | Oikeus vaatia tiedon korjaamista",
        ]
    );
    assert_eq!(
        empty_bodies(&r),
        ["Evästeet", "Oikeus vaatia tiedon korjaamista"]
    );
    let empty: Vec<String> = r
        .result
        .diagnostics
        .iter()
        .filter(|d| d.rule == "empty-section")
        .map(|d| format!("{} {}", at(&r, d.span.start), d.text))
        .collect();
    assert_eq!(
        empty,
        ["18:1 Evästeet", "22:1 Oikeus vaatia tiedon korjaamista"]
    );
}

/// Plain text parsed the way `seloste` reads a `.txt` file.
fn text_sections(src: &str) -> Vec<(String, String)> {
    let n = Linter::builtin().notice(src, seloste::parse::Format::Text);
    n.sections
        .iter()
        .map(|s| (s.heading_text.clone(), s.body.raw.text.clone()))
        .collect()
}

#[test]
fn plain_text_last_lines_and_headings_under_headings() {
    let pair = |h: &str, b: &str| (h.to_string(), b.to_string());
    // A file cut mid-line (no line break at the end) may end in a cut
    // heading: that line stays text, so no empty section is reported.
    assert_eq!(
        text_sections("Seloste\n\nRekisterinpitäjä\nOy Ab\n\nEvästeet"),
        [pair("Rekisterinpitäjä", "Oy Ab\nEvästeet")]
    );
    assert_eq!(
        text_sections("Seloste\n\nRekisterinpitäjä\nOy Ab\n\nEvästeet\n"),
        [pair("Rekisterinpitäjä", "Oy Ab"), pair("Evästeet", "")]
    );
    // A last line with a date is a line of text, not a heading.
    assert_eq!(
        text_sections("Seloste\n\nRekisterinpitäjä\nOy Ab\n\nPäivitetty 1.2.2024\n"),
        [pair("Rekisterinpitäjä", "Oy Ab\nPäivitetty 1.2.2024")]
    );
    // Under a heading, a line that names the same element is its text; a
    // register's name with its own block ends there too.
    assert_eq!(
        text_sections(
            "Seloste\n\nTietojen luovutukset\nEi luovutuksia\nLisäksi ei mitään.\n\n\
             Rekisterin nimi\nYhteystietorekisteri\n\nEvästeet\nEi evästeitä.\n"
        ),
        [
            pair("Tietojen luovutukset", "Ei luovutuksia\nLisäksi ei mitään."),
            pair("Rekisterin nimi", "Yhteystietorekisteri"),
            pair("Evästeet", "Ei evästeitä."),
        ]
    );
}

#[test]
fn long_swedish_template_heading_in_plain_text() {
    let r = lint("fixtures/languages/registerbeskrivning.txt");
    assert_eq!(
        sections(&r),
        [
            "3:1 controller | Personuppgiftsansvarig",
            "6:1 register_name | Namn på registret",
            "9:1 purpose | Ändamålet med behandlingen av personuppgifter",
            "12:1 recipients,transfers | Regelmässigt utlämnande av uppgifter och överföring av \
             uppgifter utanför Europeiska unionen eller Europeiska ekonomiska samarbetsområdet",
            "15:1 security | Principer för skydd av registret",
        ]
    );
}

/// A small company's page: the notice in `main` names no controller, the
/// page footer does (name, business ID, address, e-mail, phone). The footer
/// counts for the controller and its contact details only; what else it
/// says (here leftover template text) is not linted as the notice.
#[test]
fn contact_details_in_the_page_footer() {
    let r = lint("fixtures/html/yhteystiedot-alatunnisteessa.html");
    let status = |k: &str| {
        r.result
            .elements
            .iter()
            .find(|(key, _)| key.name() == k)
            .map(|(_, s)| format!("{:?}", s.status))
            .unwrap()
    };
    assert_eq!(status("controller"), "Present");
    assert_eq!(status("controller_contact"), "Present");
    assert_eq!(status("retention"), "Present");
    let rules: Vec<&str> = r
        .result
        .diagnostics
        .iter()
        .map(|d| d.rule.as_str())
        .collect();
    assert!(!rules.contains(&"missing-controller"), "{rules:?}");
    assert!(!rules.contains(&"missing-controller-contact"), "{rules:?}");
    assert!(!rules.contains(&"placeholder-text"), "{rules:?}");
    // The sections are the notice's own: nothing from the footer.
    assert_eq!(
        sections(&r),
        [
            "7:5 other | Tietosuojaseloste",
            "9:5 data_categories | 1. Mitä tietoja keräämme",
            "11:5 retention | 2. Tietojen säilytys",
        ]
    );
}

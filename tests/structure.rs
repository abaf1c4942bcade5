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
fn the_h1_naming_the_notice_carries_no_element_key_and_rights_subheadings_move_data() {
    let r = lint("fixtures/html/otsikko-ja-evasteet.html");
    assert_eq!(
        sections(&r),
        [
            "9:9 other | Tietosuojaseloste ja evästeet – Lankakerä Oy",
            "11:9 controller | 1. Rekisterinpitäjä",
            "13:9 purpose,data_categories | 2. Mitä henkilötietoja käsittelemme ja miksi?",
            "15:9 cookies | 3. Evästeet",
            "17:9 other | 4. Asiakkaan oikeudet",
            // Under the rights, moving the data is portability...
            "18:9 right_access,right_portability | 4.1 Tietojen tarkastaminen ja siirtäminen",
            // ...unless a place is named.
            "20:9 transfers | 4.2 Tietojen siirto EU:n ulkopuolelle",
        ]
    );
    // The rights heading is a parent (its text is in its sub-sections).
    assert_eq!(empty_bodies(&r), ["4. Asiakkaan oikeudet"]);
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

/// A business ID without a name identifies no controller for the reader
/// (partial); the company's name in the page footer makes it present.
#[test]
fn business_id_alone_names_no_controller_unless_the_footer_does() {
    let status = |html: &str| {
        let r = Linter::builtin()
            .lint_bytes("synthetic.html", html.as_bytes(), None)
            .unwrap();
        r.result
            .elements
            .iter()
            .find(|(key, _)| key.name() == "controller")
            .map(|(_, s)| format!("{:?}", s.status))
            .unwrap()
    };
    let page = |footer: &str| {
        format!(
            "<!DOCTYPE html><html lang=\"fi\"><head><meta charset=\"utf-8\">\
             <title>Tietosuojaseloste</title></head><body><main>\
             <h1>Tietosuojaseloste</h1>\
             <h2>Yhteystiedot</h2><p>Pajatie 7, 33100 Tampere. Y-tunnus 2077474-0.</p>\
             <h2>Tarkoitus</h2><p>Tietoja käytetään tilausten toimittamiseen.</p>\
             </main><footer class=\"site-footer\">{footer}</footer></body></html>"
        )
    };
    assert_eq!(
        status(&page("<p>Kaikki oikeudet pidätetään.</p>")),
        "Partial"
    );
    assert_eq!(status(&page("<p>Pajapuu Oy</p>")), "Present");
}

/// The notice's own date: (text as written, ISO) for a notice in `src`.
fn stated(src: &str, format: seloste::parse::Format) -> Option<(String, Option<String>)> {
    let n = Linter::builtin().notice(src, format);
    n.date.map(|d| {
        assert_eq!(&src[d.span.clone()], d.text, "span is the date as written");
        (d.text, d.iso)
    })
}

#[test]
fn stated_dates_in_every_written_form() {
    use seloste::parse::Format::{Html, Markdown, Text};
    let cases: [(&str, seloste::parse::Format, &str, Option<&str>); 16] = [
        ("Päivitetty 3.4.2019", Text, "3.4.2019", Some("2019-04-03")),
        ("Laadittu 2018-05-25", Text, "2018-05-25", Some("2018-05-25")),
        ("Päivitetty 25. toukokuuta 2018", Text, "25. toukokuuta 2018", Some("2018-05-25")),
        ("Päivitetty: toukokuu 2018", Text, "toukokuu 2018", Some("2018-05")),
        ("Laadittu 12/2019", Text, "12/2019", Some("2019-12")),
        ("Viimeksi päivitetty 25/05/2018.", Text, "25/05/2018", Some("2018-05-25")),
        ("Viimeksi päivitetty 03/08/2023.", Text, "03/08/2023", Some("2023-08-03")),
        ("Uppdaterad 25 maj 2018", Text, "25 maj 2018", Some("2018-05-25")),
        ("Last updated: May 25, 2018", Text, "May 25, 2018", Some("2018-05-25")),
        ("Updated 25 May 2018", Text, "25 May 2018", Some("2018-05-25")),
        // US or European order cannot be told: the ISO form is not guessed.
        ("Last updated 03/08/2023", Text, "03/08/2023", None),
        ("Päivitetty: 2026", Text, "2026", Some("2026")),
        (
            "<h1>Tietosuojaseloste</h1><p><strong>Päivitetty viimeksi:</strong> 7. kesäkuuta 2025</p>",
            Html,
            "7. kesäkuuta 2025",
            Some("2025-06-07"),
        ),
        (
            "<p>Viimeisin päivitys: 2. lokakuuta 2025, klo 01:50</p>",
            Html,
            "2. lokakuuta 2025",
            Some("2025-10-02"),
        ),
        ("**Last updated:** March 26, 2026", Markdown, "March 26, 2026", Some("2026-03-26")),
        ("<p>In effect from 1 September 2026.</p>", Html, "1 September 2026", Some("2026-09-01")),
    ];
    for (line, format, text, iso) in cases {
        let src = match format {
            Text => format!("Tietosuojaseloste\n\n{line}\n\nRekisterinpitäjä\nOy Ab\n"),
            Markdown => format!("# Privacy notice\n\n{line}\n\n## Controller\n\nAb Oy\n"),
            Html => format!("{line}<h2>Rekisterinpitäjä</h2><p>Oy Ab</p>"),
        };
        assert_eq!(
            stated(&src, format),
            Some((text.to_string(), iso.map(str::to_string))),
            "{line}"
        );
    }
}

#[test]
fn the_stated_date_is_the_notices_own() {
    use seloste::parse::Format::Text;
    let date = |body: &str| stated(&format!("Tietosuojaseloste\n\n{body}\n"), Text);
    // A date in the body is not the notice's date.
    assert_eq!(
        date("Rekisterinpitäjä\nOy Ab\n\nTietosuoja-asetusta sovelletaan 25.5.2018 alkaen."),
        None
    );
    // Written and later updated: the update is the notice's date.
    assert_eq!(
        date("Laadittu 1.3.2017. Päivitetty 3.4.2019.\n\nRekisterinpitäjä\nOy Ab"),
        Some(("3.4.2019".to_string(), Some("2019-04-03".to_string())))
    );
    // The template's date row, with an update elsewhere.
    assert_eq!(
        date("Laatimispäivä\n1.3.2017\n\nRekisterinpitäjä\nOy Ab\n\nSeloste päivitetty 2.6.2020"),
        Some(("2.6.2020".to_string(), Some("2020-06-02".to_string())))
    );
    // A date that does not exist is kept as written, without ISO.
    assert_eq!(
        date("Päivitetty 31.2.2019\n\nRekisterinpitäjä\nOy Ab"),
        Some(("31.2.2019".to_string(), None))
    );
}

#[test]
fn pre_gdpr_date_reads_month_names() {
    let findings = |src: &str| -> Vec<String> {
        Linter::builtin()
            .lint_bytes("x.txt", src.as_bytes(), None)
            .unwrap()
            .result
            .diagnostics
            .iter()
            .filter(|d| d.rule == "pre-gdpr-date")
            .map(|d| d.text.clone())
            .collect()
    };
    assert_eq!(
        findings("Tietosuojaseloste\n\nLaadittu 14. huhtikuuta 2017\n\nRekisterinpitäjä\nOy Ab\n"),
        ["14. huhtikuuta 2017"]
    );
    assert!(
        findings("Tietosuojaseloste\n\nLaadittu 12/2019\n\nRekisterinpitäjä\nOy Ab\n").is_empty()
    );
    assert!(findings(
        "Tietosuojaseloste\n\nLaadittu 1.3.2017. Päivitetty 3.4.2019.\n\nRekisterinpitäjä\nOy Ab\n"
    )
    .is_empty());
}

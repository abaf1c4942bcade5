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

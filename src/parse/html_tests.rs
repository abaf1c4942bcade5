use super::*;
use crate::parse::NoOracle;

/// Knows a few notice headings, like the real oracle built from `rules/`.
struct Oracle;
impl HeadingOracle for Oracle {
    fn is_heading(&self, text: &str) -> bool {
        matches!(
            text.to_lowercase().as_str(),
            "rekisterinpitäjä" | "evästeet" | "rekisterin nimi" | "tietojen luovutus"
        )
    }
}

fn headings(doc: &RawDocument) -> Vec<(u8, String)> {
    doc.sections
        .iter()
        .map(|s| (s.level, s.heading.text.clone()))
        .collect()
}

/// The heading exactly as written in the source.
fn heading_src<'a>(src: &'a str, s: &RawSection) -> &'a str {
    &src[s.heading.full_source_range().unwrap()]
}

/// Every character of `m` maps back to exactly what it came from: itself,
/// a character reference or JavaScript escape that decodes to it, or (for
/// the separators) a tag or nothing.
fn check_map(src: &str, m: &MappedText, what: &str) {
    let mut last = 0;
    for (i, c) in m.text.char_indices() {
        let r = m.source_range(i..i + c.len_utf8());
        assert!(
            r.start >= last || c == '\n' || c == ' ',
            "{what}: {c:?} at {i} maps back before {last}"
        );
        if !r.is_empty() {
            last = r.start;
        }
        let s = &src[r.clone()];
        let ok = if s.is_empty() {
            c == '\n' || c == ' '
        } else if s.chars().eq(std::iter::once(c)) {
            true
        } else if s.starts_with('&') {
            char_ref(&s.as_bytes()[1..])
                .is_some_and(|(d, n)| n == s.len() - 1 && d.as_str(&mut [0; 4]).starts_with(c))
        } else if s.starts_with('<') && s.ends_with('>') {
            c == '\n' || c == ' '
        } else {
            s.starts_with('\\')
        };
        assert!(ok, "{what}: {c:?} at {i} maps to {s:?} ({r:?})");
    }
}

fn check_doc(src: &str, doc: &RawDocument) {
    check_map(src, &doc.preamble, "preamble");
    if let Some(t) = &doc.title {
        check_map(src, t, "title");
    }
    for s in &doc.sections {
        check_map(src, &s.heading, &s.heading.text);
        check_map(src, &s.body, &format!("body of {}", s.heading.text));
        assert_eq!(s.heading.text.trim(), s.heading.text, "heading is trimmed");
        assert_eq!(s.body.text.trim(), s.body.text, "body is trimmed");
        assert!(!s.heading.is_empty());
        assert!((1..=6).contains(&s.level));
    }
    for c in &doc.comments {
        assert!(src[c.span.clone()].starts_with("<!--") || src[c.span.clone()].starts_with("{"));
    }
}

fn parse_checked(src: &str, oracle: &dyn HeadingOracle) -> RawDocument {
    let doc = parse(src, oracle);
    check_doc(src, &doc);
    doc
}

// ------------------------------------------------------------------ headings

#[test]
fn h1_to_h6_are_sections_with_their_levels() {
    let src = "<h1>Seloste</h1><p>Intro</p><h2>Rekisterinpitäjä</h2><p>Yritys Oy</p>\
               <h3>Yhteyshenkilö</h3><p>Matti</p><h4>A</h4><h5>B</h5><h6>C</h6><p>loppu</p>";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(
        headings(&doc),
        [
            (1, "Seloste".into()),
            (2, "Rekisterinpitäjä".into()),
            (3, "Yhteyshenkilö".into()),
            (4, "A".into()),
            (5, "B".into()),
            (6, "C".into())
        ]
    );
    assert_eq!(doc.sections[1].body.text, "Yritys Oy");
    assert_eq!(doc.sections[3].body.text, "");
    assert_eq!(doc.sections[5].body.text, "loppu");
    assert_eq!(doc.preamble.text, "");
}

#[test]
fn text_before_the_first_heading_is_the_preamble() {
    let src = "<p>Yritys Oy:n asiakasrekisteri</p><p>Päivitetty 1.1.2024</p><h2>Rekisterinpitäjä</h2><p>x</p>";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(
        doc.preamble.text,
        "Yritys Oy:n asiakasrekisteri\nPäivitetty 1.1.2024"
    );
}

#[test]
fn blocks_are_joined_by_newlines_and_inline_text_is_kept() {
    let src = "<h2>Tiedot</h2>\n  <p>Nimi, <em>osoite</em> ja\n   puhelin</p>\n  <ul>\n <li>yksi</li><li>kaksi<br>kolme</li></ul><div>neljä</div>";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(
        doc.sections[0].body.text,
        "Nimi, osoite ja\n   puhelin\nyksi\nkaksi\nkolme\nneljä"
    );
}

#[test]
fn inline_markup_in_a_heading_is_covered_by_its_span() {
    let src = "<h2 id=\"r\"><span class=\"n\">1.</span> Rekisterinpitäjä <a href=\"#r\">#</a></h2>";
    let doc = parse_checked(src, &NoOracle);
    let s = &doc.sections[0];
    assert_eq!(s.heading.text, "1. Rekisterinpitäjä #");
    assert_eq!(
        heading_src(src, s),
        "1.</span> Rekisterinpitäjä <a href=\"#r\">#"
    );
}

#[test]
fn an_unclosed_heading_ends_at_the_next_heading() {
    let src = "<h2>Yksi<h3>Kaksi</h3><p>teksti</p><h2>Kolme</h4><p>x";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(
        headings(&doc),
        [(2, "Yksi".into()), (3, "Kaksi".into()), (2, "Kolme".into())]
    );
    assert_eq!(doc.sections[1].body.text, "teksti");
    assert_eq!(doc.sections[2].body.text, "x");
}

#[test]
fn a_line_break_in_a_heading_is_a_space() {
    let src = "<h2>Rekisterin<br>nimi</h2><p>x</p><h2>Tieto-<br/>\n lähteet</h2>";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(
        headings(&doc),
        [
            (2, "Rekisterin nimi".into()),
            (2, "Tieto- \n lähteet".into())
        ]
    );
    assert_eq!(heading_src(src, &doc.sections[0]), "Rekisterin<br>nimi");
}

#[test]
fn empty_headings_are_not_sections() {
    let src = "<h2>Rekisterinpitäjä</h2><p>Oy</p><h2> <img src=x> </h2><p>jatkuu</p>";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(doc.sections.len(), 1);
    assert_eq!(doc.sections[0].body.text, "Oy\njatkuu");
}

#[test]
fn component_variant_and_aria_headings() {
    let src = r#"<div>
      <Typography component="h2" variant="h4">Rekisterinpitäjä</Typography><p>a</p>
      <Typography variant="h3">Tietolähteet</Typography><p>b</p>
      <Typography variant="body1">Ei otsikko</Typography>
      <div role="heading" aria-level="4">Evästeet</div><p>c</p>
      <span role="heading">Oikeudet</span><p>d</p>
      <Heading as="h5">Muutokset</Heading><p>e</p>
    </div>"#;
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(
        headings(&doc),
        [
            (2, "Rekisterinpitäjä".into()),
            (3, "Tietolähteet".into()),
            (4, "Evästeet".into()),
            (2, "Oikeudet".into()),
            (5, "Muutokset".into())
        ]
    );
    assert_eq!(doc.sections[1].body.text, "b\nEi otsikko");
}

#[test]
fn bold_paragraphs_are_headings() {
    let src = "<h1>Seloste</h1>\
        <p><strong>Rekisterin nimi</strong></p><p>Jäsenrekisteri</p>\
        <p><b>2. Käsittelyn tarkoitus</b>:</p><p>Jäsenyys</p>\
        <p class=\"font-bold\">3. Tietolähteet</p><p>Jäsen itse</p>\
        <p><span style=\"font-weight:bold\">4. Luovutukset</span></p><p>Ei</p>\
        <p><strong>Huom! Tämä on tärkeää. Lue tarkkaan.</strong></p>\
        <p><strong>Yritys Oy</strong><br>Katu 1</p>\
        <p><b style=\"font-weight:normal\">Tavallista tekstiä</b></p>";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(
        headings(&doc),
        [
            (1, "Seloste".into()),
            (2, "Rekisterin nimi".into()),
            (2, "2. Käsittelyn tarkoitus:".into()),
            (2, "3. Tietolähteet".into()),
            (2, "4. Luovutukset".into()),
        ]
    );
    assert_eq!(
        doc.sections[4].body.text,
        "Ei\nHuom! Tämä on tärkeää. Lue tarkkaan.\nYritys Oy\nKatu 1\nTavallista tekstiä"
    );
    let s = &doc.sections[1];
    assert_eq!(heading_src(src, s), "Rekisterin nimi");
}

#[test]
fn bold_lines_need_the_oracle_unless_they_fill_a_paragraph() {
    // No markup heading yet: derived headings get level 3.
    let src =
        "<div>Asiakasrekisteri<br><b>Rekisterinpitäjä</b><br>Yritys Oy<br><b>Yritys Oy</b><br>\
               Katu 1</div><p><strong>1. Rekisterinpitäjä</strong><br>Yritys Oy</p>";
    let doc = parse_checked(src, &Oracle);
    assert_eq!(
        headings(&doc),
        [
            (3, "Rekisterinpitäjä".into()),
            (3, "1. Rekisterinpitäjä".into())
        ]
    );
    assert_eq!(doc.preamble.text, "Asiakasrekisteri");
    assert_eq!(doc.sections[0].body.text, "Yritys Oy\nYritys Oy\nKatu 1");
    let doc = parse_checked(src, &NoOracle);
    assert!(doc.sections.is_empty());
}

#[test]
fn italic_paragraphs_are_headings_only_when_known() {
    let src = "<h2>Oikeudet</h2><p>Sinulla on oikeuksia:</p>\
        <p><em>Evästeet</em></p><p>Käytämme evästeitä.</p>\
        <p><i>Tietojen <b>luovutus</b></i></p><p>Ei luovuteta.</p>\
        <p><em>Huomaa, että tämä on vain esimerkki</em></p>\
        <p><em>Rekisterin nimi. Lisäksi</em></p>\
        <p>Teksti, jossa on <em>Evästeet</em> keskellä.</p>";
    let doc = parse_checked(src, &Oracle);
    assert_eq!(
        headings(&doc),
        [
            (2, "Oikeudet".into()),
            (3, "Evästeet".into()),
            (3, "Tietojen luovutus".into()),
        ]
    );
    assert_eq!(heading_src(src, &doc.sections[1]), "Evästeet");
    assert_eq!(
        doc.sections[2].body.text,
        "Ei luovuteta.\nHuomaa, että tämä on vain esimerkki\nRekisterin nimi. Lisäksi\n\
         Teksti, jossa on Evästeet keskellä."
    );
    // Without the oracle, italics are body text.
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(headings(&doc), [(2, "Oikeudet".into())]);
}

#[test]
fn accordion_buttons_are_headings_when_known() {
    let src = "<h1>Seloste</h1><div class=\"accordion\"><button aria-expanded=\"false\">Rekisterinpitäjä</button>\
               <div class=\"panel\"><p>Yritys Oy</p></div><button>2. Tietolähteet</button><div><p>Asiakas</p></div>\
               <button>Lue lisää</button><p>x</p></div><h3><button>Evästeasetukset</button></h3><p>y</p>";
    let doc = parse_checked(src, &Oracle);
    assert_eq!(
        headings(&doc),
        [
            (1, "Seloste".into()),
            (2, "Rekisterinpitäjä".into()),
            (2, "2. Tietolähteet".into()),
            (3, "Evästeasetukset".into())
        ]
    );
    assert_eq!(doc.sections[2].body.text, "Asiakas\nx");
}

#[test]
fn summary_is_a_heading() {
    let src = "<h2>Usein kysyttyä</h2><details><summary>Mihin tietojani käytetään?</summary><p>Tilauksiin.</p></details>";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(
        headings(&doc),
        [
            (2, "Usein kysyttyä".into()),
            (3, "Mihin tietojani käytetään?".into())
        ]
    );
    assert_eq!(doc.sections[1].body.text, "Tilauksiin.");
}

#[test]
fn dt_dd_pairs() {
    let src = "<h1>Tietosuojaseloste</h1><dl>\n<dt>Rekisterin&nbsp;nimi</dt>\n<dd>Asiakasrekisteri</dd>\n\
               <dt>Tietolähteet</dt><dd><p>Asiakas itse.</p><p>Julkiset rekisterit.</p></dd></dl>";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(
        headings(&doc),
        [
            (1, "Tietosuojaseloste".into()),
            (2, "Rekisterin\u{a0}nimi".into()),
            (2, "Tietolähteet".into())
        ]
    );
    assert_eq!(heading_src(src, &doc.sections[1]), "Rekisterin&nbsp;nimi");
    assert_eq!(
        doc.sections[2].body.text,
        "Asiakas itse.\nJulkiset rekisterit."
    );
}

#[test]
fn a_dl_of_short_values_inside_a_section_stays_body() {
    let src = "<h2>Yhteystiedot</h2><dl><dt>Nimi</dt><dd>Yritys Oy</dd><dt>Puhelin</dt><dd>040 123</dd></dl>\
               <h2>Lisää</h2><dl><dt>Rekisterinpitäjä</dt><dd>Yritys Oy</dd></dl>";
    let doc = parse_checked(src, &Oracle);
    assert_eq!(
        headings(&doc),
        [
            (2, "Yhteystiedot".into()),
            (2, "Lisää".into()),
            (3, "Rekisterinpitäjä".into())
        ]
    );
    assert_eq!(
        doc.sections[0].body.text,
        "Nimi\nYritys Oy\nPuhelin\n040 123"
    );
}

#[test]
fn two_column_table_rows_are_sections() {
    let src = "<table><tr><th>Rekisterin&nbsp;nimi</th><td>Asiakasrekisteri</td></tr>\
               <tr><td><b>Tietolähteet</b></td><td>Asiakas<br>itse</td></tr>\
               <tr><td>Suojaus</td><td><ul><li>salasanat</li><li>lukitus</li></ul></td></tr></table>";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(
        headings(&doc),
        [
            (3, "Rekisterin\u{a0}nimi".into()),
            (3, "Tietolähteet".into()),
            (3, "Suojaus".into())
        ]
    );
    assert_eq!(heading_src(src, &doc.sections[0]), "Rekisterin&nbsp;nimi");
    assert_eq!(doc.sections[1].body.text, "Asiakas\nitse");
    assert_eq!(doc.sections[2].body.text, "salasanat\nlukitus");
}

#[test]
fn tables_with_column_headers_are_body_text() {
    let long = "pitkä kuvaus siitä, mihin tietoa käytetään ja miksi se on tarpeen palvelussa";
    let src = format!(
        "<h1>Seloste</h1><table><thead><tr><th>Tieto</th><th>Käyttö</th></tr></thead>\
         <tbody><tr><td>Puhelin</td><td>{long}</td></tr><tr><td>Sähköposti</td><td>{long}</td></tr></tbody></table>"
    );
    let doc = parse_checked(&src, &NoOracle);
    assert_eq!(headings(&doc), [(1, "Seloste".into())]);
}

#[test]
fn wider_tables_are_body_text() {
    let src = "<h2>Säilytysajat</h2><table><tr><th>Tieto</th><th>Aika</th><th>Peruste</th></tr>\
               <tr><td>Laskut</td><td>10 v</td><td>Kirjanpitolaki</td></tr></table>";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(headings(&doc), [(2, "Säilytysajat".into())]);
    assert_eq!(
        doc.sections[0].body.text,
        "Tieto\nAika\nPeruste\nLaskut\n10 v\nKirjanpitolaki"
    );
}

// ------------------------------------------------------------------ entities

#[test]
fn entities_decode_and_map_to_their_source() {
    let src = "<h2>Henkil&ouml;tietojen k&auml;sittely</h2>\
               <p>S&#228;ilytys &#xE4;&#xe4; &auml ja&nbsp;&amp;&lt;&notit; &Aring;&shy;x &CounterClockwiseContourIntegral; &bogus; &#128512;&#150;</p>";
    let doc = parse_checked(src, &NoOracle);
    let s = &doc.sections[0];
    assert_eq!(s.heading.text, "Henkilötietojen käsittely");
    assert_eq!(heading_src(src, s), "Henkil&ouml;tietojen k&auml;sittely");
    let body = &s.body.text;
    assert_eq!(body, "Säilytys ää ä ja\u{a0}&<¬it; Å\u{ad}x ∳ &bogus; 😀–");
    let ae = body.find('ä').unwrap();
    assert_eq!(&src[s.body.source_range(ae..ae + 2)], "&#228;");
    let word = body.find("ää").unwrap();
    assert_eq!(&src[s.body.source_range(word..word + 4)], "&#xE4;&#xe4;");
    let legacy = body.find("ä ja").unwrap();
    assert_eq!(&src[s.body.source_range(legacy..legacy + 2)], "&auml");
    let not = body.find('¬').unwrap();
    assert_eq!(&src[s.body.source_range(not..not + 2)], "&not");
    let o = s.heading.text.find('ö').unwrap();
    assert_eq!(&src[s.heading.source_range(o..o + 2)], "&ouml;");
    // A sub-range maps to exactly the characters it came from.
    let k = s.heading.text.find("käsittely").unwrap();
    assert_eq!(
        &src[s.heading.source_range(k..k + "käsittely".len())],
        "k&auml;sittely"
    );
}

#[test]
fn every_entity_in_the_table_decodes_like_html5gum() {
    use html5gum::{Token as GToken, Tokenizer};
    for (name, text) in super::super::html_entities::ENTITIES {
        let src = format!("x&{name}y");
        let ours = parse(&format!("<p>{src}</p>"), &NoOracle).preamble.text;
        let mut theirs = String::new();
        for t in Tokenizer::new(src.as_str()).flatten() {
            if let GToken::String(s) = t {
                theirs.push_str(&String::from_utf8_lossy(&s));
            }
        }
        assert_eq!(ours, theirs, "&{name}");
        assert!(ours.contains(text), "&{name}");
    }
}

// ------------------------------------------------------------ hidden things

#[test]
fn headings_in_script_style_comments_and_templates_are_not_headings() {
    let src = "<script>var s = '<h2>Skripti</h2>'; if (a<b) {}</script>\
               <style>h2::after{content:'<h2>'}</style>\
               <!-- <h2>Kommentti</h2> -->\
               <textarea><h2>Lomake</h2></textarea>\
               <noscript><h2>Ei JS</h2></noscript><template><h2>Pohja</h2></template>\
               <svg><title>Kuva</title><text>Ei</text></svg>\
               <html><body><h2>Oikea</h2><p>teksti <!-- piilo --> jatkuu</p></body></html>";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(headings(&doc), [(2, "Oikea".into())]);
    assert_eq!(doc.sections[0].body.text, "teksti jatkuu");
    assert_eq!(doc.comments.len(), 2);
    assert_eq!(doc.comments[0].text, " <h2>Kommentti</h2> ");
    assert_eq!(&src[doc.comments[1].span.clone()], "<!-- piilo -->");
}

#[test]
fn suppression_comments_keep_their_spans() {
    let src =
        "<h2>A</h2>\n<!-- seloste-disable-next-line FI001 -- syy -->\n<p>Henkilötietolaki</p>";
    let doc = parse_checked(src, &NoOracle);
    let c = &doc.comments[0];
    assert_eq!(c.text, " seloste-disable-next-line FI001 -- syy ");
    assert_eq!(
        &src[c.span.clone()],
        "<!-- seloste-disable-next-line FI001 -- syy -->"
    );
    assert_eq!(doc.sections[0].body.text, "Henkilötietolaki");
}

#[test]
fn the_title_comes_from_head() {
    let src =
        "<html><head><title> Tietosuoja &ndash; Oy </title></head><body><h1>X</h1></body></html>";
    let doc = parse_checked(src, &NoOracle);
    let t = doc.title.unwrap();
    assert_eq!(t.text, "Tietosuoja – Oy");
    assert_eq!(
        &src[t.full_source_range().unwrap()],
        "Tietosuoja &ndash; Oy"
    );
}

#[test]
fn the_title_can_come_from_front_matter() {
    let src = "---\nlayout: sivu\ntitle: \"Rekisteriseloste\"\n---\n<h1>Seloste</h1>";
    let doc = parse_checked(src, &NoOracle);
    let t = doc.title.as_ref().unwrap();
    assert_eq!(&src[t.full_source_range().unwrap()], "Rekisteriseloste");
    assert_eq!(headings(&doc), [(1, "Seloste".into())]);
}

// ------------------------------------------------------------------- chrome

#[test]
fn main_is_read_alone_when_it_has_headings() {
    let src = "<body><div class=\"top\"><h2>Valikko</h2></div>\
               <main><h1>Tietosuojaseloste</h1><p>a</p><h2>Rekisterinpitäjä</h2><p>b</p></main>\
               <div><h2>Uutiskirje</h2><p>Tilaa</p></div></body>";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(
        headings(&doc),
        [
            (1, "Tietosuojaseloste".into()),
            (2, "Rekisterinpitäjä".into())
        ]
    );
    assert_eq!(doc.sections[1].body.text, "b");
    // role="main" counts too; a main without headings does not.
    let src = "<div role=\"main\"><h2>Evästeet</h2><p>x</p></div><h2>Muu</h2><main><p>ei otsikoita</p></main>";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(headings(&doc), [(2, "Evästeet".into())]);
}

#[test]
fn articles_holding_most_headings_are_read_alone() {
    let src = "<h1>Blogi</h1><article><h2>Tietosuoja</h2><p>a</p><h3>Evästeet</h3><p>b</p>\
               <header><h3>Kirjoittaja</h3></header><footer><p>Päivitetty 2024</p></footer></article>";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(
        headings(&doc),
        [
            (2, "Tietosuoja".into()),
            (3, "Evästeet".into()),
            (3, "Kirjoittaja".into())
        ]
    );
    assert_eq!(doc.sections[2].body.text, "Päivitetty 2024");
    // Related-post cards do not win over the notice.
    let src = "<div><h1>Seloste</h1><h2>A</h2><h2>B</h2><h2>C</h2></div><article><h3>Kortti</h3></article>";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(doc.sections.len(), 5);
}

#[test]
fn site_chrome_and_cookie_banners_are_skipped() {
    let src = r#"<body>
      <div id="CybotCookiebotDialog"><h2>Tämä sivusto käyttää evästeitä</h2><p>Hyväksy</p></div>
      <div class="cookie-notice-container"><p>Evästeilmoitus</p></div>
      <section class="gdpr-consent-popup"><h3>Asetukset</h3></section>
      <div id="onetrust-banner-sdk"><p>OneTrust</p></div>
      <header><nav><a>Etusivu</a></nav><p>Logo</p></header>
      <div role="navigation"><h2>Valikko</h2></div>
      <aside><h3>Sivupalkki</h3></aside>
      <p class="crumb"><a href="/">Etusivu</a> › <b>Tietosuoja</b></p>
      <ol class="breadcrumbs"><li>Etusivu</li></ol>
      <div class="content">
        <h1>Tietosuojaseloste</h1>
        <h2>Evästeet</h2><p>Käytämme evästeitä.</p>
        <section class="cookie-policy"><h3>Evästeluettelo</h3><p>_ga</p></section>
        <form><input name="q"><button>Hae</button><select><option>fi</option></select></form>
      </div>
      <footer><h3>Yhteystiedot</h3><p>Oy</p></footer>
    </body>"#;
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(
        headings(&doc),
        [
            (1, "Tietosuojaseloste".into()),
            (2, "Evästeet".into()),
            (3, "Evästeluettelo".into())
        ]
    );
    assert_eq!(doc.preamble.text, "");
    assert_eq!(doc.sections[1].body.text, "Käytämme evästeitä.");
    assert_eq!(doc.sections[2].body.text, "_ga");
}

#[test]
fn a_form_around_the_whole_page_is_not_chrome() {
    let src =
        "<form id=\"aspnetForm\"><h1>Tietosuojaseloste</h1><p>a</p><button>Lähetä</button></form>";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(headings(&doc), [(1, "Tietosuojaseloste".into())]);
    assert_eq!(doc.sections[0].body.text, "a");
}

// --------------------------------------------------------------- templates

#[test]
fn jsx_component_with_exact_heading_spans() {
    let src = r#"import React from "react";
import { Typography } from "@mui/material";

const x = a < b ? "<h2>ei</h2>" : `<h2>${"ei"}</h2>`;

export default function Seloste({ email }) {
  if (x / 2 > 1) return null;
  return (
    <>
      <Typography component="h1" variant="h1">
        Tietosuoja&shy;seloste
      </Typography>
      <p className="intro">
        Käsittelemme tietoja{" "}
        <a href={`mailto:${email}`}>{email}</a>{' '}asiallisesti.
      </p>
      {/* seloste-disable-next-line FI003 -- tarkistettu */}
      <h2 className={styles.h}>Rekisterinpitäjä</h2>
      {open && <p>Lisätietoja {count > 1 ? <b>monesta</b> : "yhdestä"}</p>}
      <ul>{items.map((i) => <li key={i.id}>{i.text}</li>)}</ul>
      <p>{"Suora teksti"}</p>
    </>
  );
}
"#;
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(
        headings(&doc),
        [
            (1, "Tietosuoja\u{ad}seloste".into()),
            (2, "Rekisterinpitäjä".into())
        ]
    );
    assert_eq!(heading_src(src, &doc.sections[0]), "Tietosuoja&shy;seloste");
    assert_eq!(heading_src(src, &doc.sections[1]), "Rekisterinpitäjä");
    assert_eq!(
        doc.sections[0].body.text,
        "Käsittelemme tietoja asiallisesti."
    );
    assert_eq!(
        doc.sections[1].body.text,
        "Lisätietoja monesta\nSuora teksti"
    );
    assert_eq!(doc.comments.len(), 1);
    assert_eq!(
        doc.comments[0].text.trim(),
        "seloste-disable-next-line FI003 -- tarkistettu"
    );
    assert!(src[doc.comments[0].span.clone()].starts_with("{/*"));
}

#[test]
fn php_template_with_exact_heading_spans() {
    let src = r#"<?php get_header(); $h = "<h2>ei</h2>"; ?>
<main>
  <h1><?php the_title(); ?>Tietosuojaseloste</h1>
  <h2 class="<?= $c ?>">Rekisterin&nbsp;<?php echo "nimi"; ?>nimi</h2>
  <p>Asiakasrekisteri <?= $vuosi ?> alkaen</p>
  <h2>Ev&auml;steet</h2>
  <p><?php if ($x > 1): ?>Kyllä<?php endif; ?></p>
</main>
<?php get_footer();"#;
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(
        headings(&doc),
        [
            (1, "Tietosuojaseloste".into()),
            (2, "Rekisterin\u{a0}nimi".into()),
            (2, "Evästeet".into())
        ]
    );
    assert_eq!(heading_src(src, &doc.sections[0]), "Tietosuojaseloste");
    assert_eq!(
        heading_src(src, &doc.sections[1]),
        "Rekisterin&nbsp;<?php echo \"nimi\"; ?>nimi"
    );
    assert_eq!(heading_src(src, &doc.sections[2]), "Ev&auml;steet");
    assert_eq!(doc.sections[1].body.text, "Asiakasrekisteri alkaen");
    assert_eq!(doc.sections[2].body.text, "Kyllä");
}

#[test]
fn other_template_languages() {
    let cases: &[(&str, &[&str])] = &[
        ("{% extends 'a' %}{% block c %}<h2>{{ t }}Rekisterinpitäjä</h2><p>{# k #}Oy{% if x %}</p>{% endblock %}", &["Rekisterinpitäjä"]),
        ("<% include x %><h2><%= t %>Evästeet</h2><p><%# c %>a</p>", &["Evästeet"]),
        ("<#import 'x.ftl' as y><#-- <h2>ei</h2> --><h2>${otsikko}Oikeudet</h2><@y.foo bar=1/><p>a</p>", &["Oikeudet"]),
        ("{include file='a.tpl'}<h2>{$otsikko}Tietolähteet</h2>{if $x}<p>a</p>{/if}", &["Tietolähteet"]),
        ("<script>export let n;</script>\n<h2>{n}Luovutukset</h2>{#if a}<p>{@html b}x</p>{:else}<p>y</p>{/if}", &["Luovutukset"]),
        ("{{!-- <h2>ei</h2> --}}{{#each x}}<h2>{{{raw}}}Suojaus</h2>{{/each}}", &["Suojaus"]),
    ];
    for (src, want) in cases {
        let doc = parse_checked(src, &NoOracle);
        let got: Vec<_> = doc
            .sections
            .iter()
            .map(|s| s.heading.text.as_str())
            .collect();
        assert_eq!(&got, want, "{src}");
        for s in &doc.sections {
            assert!(
                !s.body.text.contains(['{', '}', '%', '$']),
                "{src}: {:?}",
                s.body.text
            );
        }
    }
}

// ------------------------------------------------------------ pathological

#[test]
fn unclosed_things_do_not_panic() {
    for src in [
        "<h2>Otsikko</h2><p>teksti <!-- ei loppua <h2>Piilossa</h2>",
        "<h2>Otsikko<p>teksti",
        "<h2 class=\"auki>Otsikko</h2><p>x</p>",
        "<script>var a = '<h2>'",
        "<",
        "</",
        "<!",
        "<!-",
        "<?php echo 1;",
        "&",
        "&#",
        "&#x;",
        "&#99999999999999999999;",
        "<h2>\u{feff}a</h2><p>&#0;&#xD800;</p>",
        "{{ auki",
        "<p>{% x",
        "${",
        "import x from 'y'; const a = (<div className={",
        "export default () => <div>{a && <p>x",
        "const s = `${ {{{ `",
        "<template><h2>a</h2>",
        "---\ntitle: x\n",
        "<table><tr><td><table><tr><td>a</td><td>b",
        "<dl><dt>a<dd>b<dt>c",
        "<details><summary>a",
    ] {
        let doc = parse(src, &Oracle);
        check_doc(src, &doc);
    }
}

#[test]
fn angle_bracket_soup_is_text() {
    let src = "<h2>Ikärajat</h2><p>ikä < 18 tai > 65; a<b ja 3 <= 4 <3 </ p> < /p></p>";
    let doc = parse_checked(src, &NoOracle);
    // `<b ja 3 <= 4 <3 </ p>` is a start tag, as in a browser.
    assert_eq!(doc.sections[0].body.text, "ikä < 18 tai > 65; a < /p>");
    let doc = parse_checked("<p>a << b <<< c < d</p><h2>x</h2>", &NoOracle);
    assert_eq!(doc.preamble.text, "a << b <<< c < d");
}

#[test]
fn deep_nesting_is_iterative() {
    let n = 100_000;
    let src = format!(
        "{}<h2>Syvällä</h2><p>teksti</p>{}",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let doc = parse(&src, &NoOracle);
    assert_eq!(headings(&doc), [(2, "Syvällä".into())]);
    assert_eq!(doc.sections[0].body.text, "teksti");
    // Stray end tags and never-closed inline elements.
    let src = format!(
        "{}<h2>A</h2>{}<p>b",
        "<span><b>".repeat(n),
        "</i></section>".repeat(n)
    );
    let doc = parse(&src, &NoOracle);
    assert_eq!(doc.sections.len(), 1);
    let src = format!("<p>{}", "<li><td><tr><dt><table>".repeat(n / 5));
    parse(&src, &NoOracle);
    let src = format!("const a = {};", "(<div>".repeat(n));
    parse(&src, &NoOracle);
    let src = format!("<div>{}", "{".repeat(n));
    parse(&src, &NoOracle);
    // Searches that fail must not be repeated from every position.
    for piece in [
        "<title>x<?",
        "{*",
        "{{",
        "{%",
        "${",
        "<%",
        "<!--",
        "<![CDATA[",
        "<#if ",
        "{$a",
        "`",
        "{\"",
        "&#",
        "<svg><title>",
    ] {
        let src = format!("<svg>{}<h2>a</h2>", piece.repeat(n / 4));
        parse(&src, &NoOracle);
        let src = format!("export default () => (<p>{}</p>);", piece.repeat(n / 4));
        parse(&src, &NoOracle);
    }
}

#[test]
fn a_huge_single_line_is_fine() {
    let para =
        "Henkil&ouml;tietoja k&auml;sitell&auml;&auml;n <b>huolellisesti</b> ja turvallisesti. ";
    let src = format!(
        "<h2>Pitkä</h2><p>{}</p>",
        para.repeat(10 * 1024 * 1024 / para.len())
    );
    assert!(src.len() > 10_000_000);
    let doc = parse(&src, &NoOracle);
    assert_eq!(doc.sections.len(), 1);
    assert!(doc.sections[0].body.len() > 7_000_000);
}

/// Deterministic pseudo-random documents made of HTML-ish pieces and raw
/// bytes: nothing panics, and every character still maps back.
#[test]
fn random_markup_soup() {
    const PIECES: &[&str] = &[
        "<",
        ">",
        "</",
        "/>",
        "<!--",
        "-->",
        "<h2>",
        "</h2>",
        "<p>",
        "</p>",
        "<b>",
        "</b>",
        "<div class=\"cookie-banner\">",
        "</div>",
        "<script>",
        "</script>",
        "<table>",
        "<tr>",
        "<td>",
        "<dl>",
        "<dt>",
        "<dd>",
        "&auml;",
        "&",
        "&#",
        "&#x",
        "&amp",
        ";",
        "\"",
        "'",
        "=",
        " ",
        "\n",
        "ä",
        "€",
        "😀",
        "{",
        "}",
        "{{",
        "}}",
        "{%",
        "%}",
        "<?php",
        "?>",
        "${",
        "`",
        "//",
        "/*",
        "*/",
        "Rekisterinpitäjä",
        "teksti",
        "<main>",
        "</main>",
        "<br>",
        "<Typography variant=\"h3\">",
        "</Typography>",
        "<summary>",
        "<title>",
        "</title>",
        "<svg>",
        "<!DOCTYPE html>",
        "\0",
        "\u{feff}",
        "\r\n",
        "return (",
        ")",
        "import x from 'y';\n",
        "---\n",
        "<textarea>",
        "<plaintext>",
    ];
    let mut next = crate::xorshift(0x5e1_05fe);
    for _ in 0..3000 {
        let n = (next() % 60) as usize;
        let mut src = String::new();
        for _ in 0..n {
            let r = next();
            if r.is_multiple_of(7) {
                src.push(char::from_u32((r >> 8) as u32 % 0x3000).unwrap_or('x'));
            } else {
                src.push_str(PIECES[(r >> 3) as usize % PIECES.len()]);
            }
        }
        let doc = parse(&src, &Oracle);
        check_doc(&src, &doc);
    }
}

// ------------------------------------------------------------------ fixtures

fn fixture(path: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(path),
    )
    .unwrap()
}

fn fixture_headings(path: &str) -> (String, RawDocument) {
    let src = fixture(path);
    let doc = parse_checked(&src, &Oracle);
    (src, doc)
}

#[test]
fn fixture_page_with_chrome_cookie_banner_and_entities() {
    let (src, doc) = fixture_headings("html/sivu-evastebanneri.html");
    assert_eq!(
        headings(&doc),
        [
            (1, "Tietosuojaseloste".into()),
            (2, "1. Rekisterinpitäjä".into()),
            (2, "2. Rekisterin\u{a0}nimi".into()),
            (2, "3. Henkilötietojen käsittely".into()),
            (3, "3.1 Käsittelyn oikeusperuste".into()),
            (2, "4. Tietojen säilytysaika".into()),
            (2, "5. Rekisteröidyn oikeudet".into()),
        ]
    );
    let src_of = |i: usize| heading_src(&src, &doc.sections[i]);
    assert_eq!(src_of(1), "1.</span> Rekisterinpit&auml;j&auml;");
    assert_eq!(src_of(2), "2. Rekisterin&nbsp;nimi");
    assert_eq!(src_of(3), "3. Henkil&ouml;tietojen k&auml;sittely");
    assert_eq!(
        doc.title.as_ref().unwrap().text,
        "Tietosuojaseloste – Kahvila Kuura Oy"
    );
    assert_eq!(
        doc.sections[1].body.text.lines().nth(2),
        Some("Sähköposti: tietosuoja@kuura.example")
    );
    let all: String = doc.sections.iter().map(|s| s.body.text.as_str()).collect();
    for chrome in [
        "evästeitä",
        "Ruokalista",
        "Uusimmat",
        "uutiskirje",
        "Yhteystiedot",
        "Piilotettu",
        "Vanha",
    ] {
        assert!(!all.contains(chrome), "{chrome}");
    }
    assert_eq!(doc.comments.len(), 2);
    assert!(doc.comments[1]
        .text
        .contains("seloste-disable-next-line FI001"));
}

#[test]
fn fixture_table_layout() {
    let (src, doc) = fixture_headings("html/taulukko-seloste.html");
    let h: Vec<_> = doc
        .sections
        .iter()
        .map(|s| s.heading.text.as_str())
        .collect();
    assert_eq!(
        h,
        [
            "Tietosuojaseloste",
            "1. Rekisterinpitäjä",
            "2. Yhteyshenkilö rekisteriä koskevissa asioissa",
            "3. Rekisterin nimi",
            "4. Henkilötietojen käsittelyn tarkoitus",
            "5. Rekisterin tietosisältö",
            "6. Säännönmukaiset tietolähteet",
            "7. Rekisterin suojauksen periaatteet",
        ]
    );
    assert!(doc.sections[1..].iter().all(|s| s.level == 2));
    assert_eq!(
        heading_src(&src, &doc.sections[1]),
        "1. Rekisterinpit&auml;j&auml;"
    );
    assert_eq!(
        doc.sections[5].body.text,
        "nimi ja henkilötunnus\nyhteystiedot\npankkitilin numero"
    );
    assert_eq!(
        doc.sections[6].body.text,
        "Asiakas itse sekä Verohallinnon ja PRH:n rekisterit."
    );
    assert!(doc.sections[7]
        .body
        .text
        .ends_with("Tämä seloste on laadittu 1.3.2024."));
    assert_eq!(doc.title.unwrap().text, "Rekisteriseloste");
}

#[test]
fn fixture_bold_headings_and_definition_lists() {
    let (_, doc) = fixture_headings("html/lihavoidut-ja-dl.html");
    let h: Vec<_> = doc
        .sections
        .iter()
        .map(|s| (s.level, s.heading.text.as_str()))
        .collect();
    assert_eq!(
        h,
        [
            (1, "Jäsenrekisterin tietosuojaseloste"),
            (2, "Rekisterinpitäjä"),
            (2, "Rekisterin käyttötarkoitus:"),
            (2, "Tietojen luovutus"),
            (2, "Evästeet"),
            (2, "Oikeus tarkastaa tiedot"),
            (2, "Yhteystiedot"),
            (2, "Määritelmät"),
            (3, "1. Jäsen"),
            (3, "2. Rekisteröity"),
        ]
    );
    assert_eq!(
        doc.sections[6].body.text,
        "Puheenjohtaja\nKalle Kuusela\nSihteeri\nLiisa Lehto"
    );
}

#[test]
fn fixture_php_template() {
    let (src, doc) = fixture_headings("templates/tietosuoja.php");
    let h: Vec<_> = doc.sections.iter().map(|s| heading_src(&src, s)).collect();
    assert_eq!(
        h,
        [
            "Tietosuojaseloste",
            "1. Rekisterinpitäjä",
            "2. Mitä tietoja keräämme",
            "3. Ev&auml;steet",
            "4. Oikeutesi"
        ]
    );
    assert!(doc.sections[2].body.text.contains("Tilauksen yhteydessä"));
    assert!(doc.sections[2].body.text.contains("Keräämme vain"));
    assert_eq!(
        doc.sections[3].body.text,
        "Sivusto käyttää välttämättömiä evästeitä. Analytiikkaa käytetään vain suostumuksella."
    );
}

#[test]
fn fixture_twig_template() {
    let (_, doc) = fixture_headings("templates/tietosuoja.html.twig");
    let h: Vec<_> = doc
        .sections
        .iter()
        .map(|s| s.heading.text.as_str())
        .collect();
    assert_eq!(
        h,
        [
            "Tietosuojaseloste",
            "1. Rekisterinpitäjä",
            "2. Käsittelyn tarkoitus ja oikeusperuste",
            "3. Säilytysaika",
            "4. Tietojen luovutus"
        ]
    );
    assert_eq!(
        doc.sections[4].body.text,
        "Tietoja luovutetaan lajiliitolle vakuutusta varten."
    );
}

#[test]
fn fixture_tsx_component() {
    let (src, doc) = fixture_headings("templates/Tietosuoja.tsx");
    let h: Vec<_> = doc
        .sections
        .iter()
        .map(|s| (s.level, heading_src(&src, s)))
        .collect();
    assert_eq!(
        h,
        [
            (1, "Tietosuojaseloste"),
            (2, "1. Rekisterinpitäjä"),
            (2, "2. Käsiteltävät tiedot"),
            (3, "2.1 Lisätiedot"),
            (2, "3. Oikeutesi")
        ]
    );
    assert_eq!(
        doc.sections[0].body.text,
        "Tässä selosteessa kerrotaan, miten Apila Oy käsittelee henkilötietoja verkkopalvelussaan."
    );
    assert_eq!(
        doc.sections[4].body.text,
        "Sinulla on oikeus tarkastaa tietosi ottamalla yhteyttä."
    );
    assert_eq!(doc.comments.len(), 1);
}

#[test]
fn fixture_vue_and_astro_components() {
    let (_, doc) = fixture_headings("templates/Tietosuoja.vue");
    let h: Vec<_> = doc
        .sections
        .iter()
        .map(|s| s.heading.text.as_str())
        .collect();
    assert_eq!(
        h,
        ["Tietosuojaseloste", "1. Rekisterinpitäjä", "2. Evästeet"]
    );
    let (_, doc) = fixture_headings("templates/tietosuoja.astro");
    let h: Vec<_> = doc
        .sections
        .iter()
        .map(|s| s.heading.text.as_str())
        .collect();
    assert_eq!(h, ["1. Rekisterinpitäjä", "2. Käsittelijät", "3. Oikeudet"]);
    assert_eq!(
        doc.preamble.text,
        "Tämä seloste koskee Kirjakauppa Sivun verkkokauppaa."
    );
    assert_eq!(
        doc.sections[2].body.text,
        "Voit pyytää tietojesi poistamista milloin tahansa."
    );
}

/// The text our tokenizer reads from the plain HTML fixtures is the text
/// html5gum reads (whitespace aside).
#[test]
fn tokenizer_text_matches_html5gum_on_html_fixtures() {
    use html5gum::{Token as GToken, Tokenizer};
    for name in [
        "sivu-evastebanneri.html",
        "taulukko-seloste.html",
        "lihavoidut-ja-dl.html",
    ] {
        let src = fixture(&format!("html/{name}"));
        let (f, start) = super::super::html_lex::sniff(&src);
        let (toks, comments) = super::super::html_lex::tokenize(&src, f, start);
        let mut ours = MappedText::new();
        let masks = ByteMasks::of(src.as_bytes());
        for t in &toks {
            if matches!(t.kind, Kind::Text | Kind::RawText) {
                let (a, b) = (t.start as usize, t.end as usize);
                decode_into(&mut ours, &src, &Amps::new(&masks), t.kind, a, b);
            }
        }
        let mut theirs = String::new();
        let mut their_comments = 0;
        let mut emitter = html5gum::DefaultEmitter::<()>::default();
        emitter.naively_switch_states(true);
        for t in Tokenizer::new_with_emitter(src.as_str(), emitter).flatten() {
            match t {
                GToken::String(s) => theirs.push_str(&String::from_utf8_lossy(&s)),
                GToken::Comment(_) => their_comments += 1,
                _ => {}
            }
        }
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(squash(&ours.text), squash(&theirs), "{name}");
        assert_eq!(comments.len(), their_comments, "{name}");
    }
}

fn line_col(src: &str, pos: usize) -> (usize, usize) {
    let before = &src[..pos];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

fn corpus_files() -> Vec<std::path::PathBuf> {
    let dir =
        std::env::var("SELOSTE_CORPUS").unwrap_or_else(|_| "/work/shared/corpus/notices".into());
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| {
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        crate::parse::Format::from_extension(ext) == Some(crate::parse::Format::Html)
    });
    files.sort();
    files
}

/// Parses the real notices (`SELOSTE_CORPUS` or the shared corpus) and checks
/// the span invariants on all of them.
#[test]
#[ignore]
fn corpus_spans_hold() {
    for path in corpus_files() {
        let src = std::fs::read_to_string(&path).unwrap();
        let doc = parse(&src, &NoOracle);
        check_doc(&src, &doc);
    }
}

/// Prints the sections found in the real notices (`SELOSTE_CORPUS` or the
/// shared corpus): `cargo test --lib dump_corpus -- --ignored --nocapture`.
#[test]
#[ignore]
fn dump_corpus() {
    let only = std::env::var("ONLY").ok();
    for path in corpus_files() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        let src = std::fs::read_to_string(&path).unwrap();
        let doc = parse(&src, &NoOracle);
        println!(
            "== {name}: {} sections, title {:?}",
            doc.sections.len(),
            doc.title.as_ref().map(|t| t.text.clone())
        );
        let pre: String = doc.preamble.text.chars().take(100).collect();
        println!("   preamble: {:?}", pre);
        for s in &doc.sections {
            let r = s.heading.full_source_range().unwrap();
            let (l, c) = line_col(&src, r.start);
            let body: String = s.body.text.chars().take(70).collect();
            println!(
                "   {l}:{c} h{} {:?} | {:?} ({} B)",
                s.level,
                s.heading.text,
                body,
                s.body.len()
            );
        }
    }
}

/// Speed on the real notices, release build:
/// `cargo test --release --lib bench_corpus -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_corpus() {
    let srcs: Vec<String> = corpus_files()
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let bytes: usize = srcs.iter().map(String::len).sum();
    let rounds = 400;
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        for s in &srcs {
            n += std::hint::black_box(parse(s, &NoOracle)).sections.len();
        }
    }
    let el = t.elapsed();
    let files = rounds * srcs.len();
    // The pages near the 9 KB of a typical notice with site chrome.
    let mid: Vec<&String> = srcs
        .iter()
        .filter(|s| (7 * 1024..12 * 1024).contains(&s.len()))
        .collect();
    let t9 = std::time::Instant::now();
    for _ in 0..rounds {
        for s in &mid {
            n += std::hint::black_box(parse(s, &NoOracle)).sections.len();
        }
    }
    println!(
        "{} pages of 7-12 KB (avg {:.1} KB): {:.1} µs/page",
        mid.len(),
        mid.iter().map(|s| s.len()).sum::<usize>() as f64 / mid.len() as f64 / 1024.0,
        t9.elapsed().as_secs_f64() * 1e6 / (rounds * mid.len()) as f64
    );
    let per = el.as_secs_f64() * 1e6 / files as f64;
    println!(
        "{files} files, {:.1} KB avg: {per:.1} µs/file, {:.0} MB/s, {:.1} µs per 9 KB ({n})",
        bytes as f64 / srcs.len() as f64 / 1024.0,
        (bytes * rounds) as f64 / el.as_secs_f64() / 1e6,
        per * 9.0 * 1024.0 / (bytes as f64 / srcs.len() as f64)
    );
}

/// Time per stage on the corpus (release):
/// `cargo test --release --lib bench_stages -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_stages() {
    let srcs: Vec<String> = corpus_files()
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let rounds = 400;
    let files = (rounds * srcs.len()) as f64;
    let t = std::time::Instant::now();
    for _ in 0..rounds {
        for s in &srcs {
            let (f, st) = super::super::html_lex::sniff(s);
            std::hint::black_box(super::super::html_lex::tokenize(s, f, st));
        }
    }
    println!(
        "tokenize: {:.1} µs/file",
        t.elapsed().as_secs_f64() * 1e6 / files
    );
    let toks: Vec<_> = srcs
        .iter()
        .map(|s| {
            let (f, st) = super::super::html_lex::sniff(s);
            super::super::html_lex::tokenize(s, f, st).0
        })
        .collect();
    let t = std::time::Instant::now();
    for _ in 0..rounds {
        for (s, tk) in srcs.iter().zip(&toks) {
            std::hint::black_box(Structure::build(s.as_bytes(), tk));
        }
    }
    println!(
        "structure: {:.1} µs/file",
        t.elapsed().as_secs_f64() * 1e6 / files
    );
    // html5gum over the same files, every token visited (the survey's setup).
    let t = std::time::Instant::now();
    let mut count = 0usize;
    for _ in 0..rounds / 4 {
        for s in &srcs {
            let mut emitter = html5gum::DefaultEmitter::<usize>::new_with_span();
            emitter.naively_switch_states(true);
            for tok in html5gum::Tokenizer::new_with_emitter(s.as_str(), emitter).flatten() {
                count += usize::from(matches!(
                    std::hint::black_box(&tok),
                    html5gum::Token::String(_)
                ));
            }
        }
    }
    println!(
        "html5gum: {:.1} µs/file ({count})",
        t.elapsed().as_secs_f64() * 4e6 / files
    );
    let n: usize = toks.iter().map(Vec::len).sum();
    println!("tokens/file: {:.0}", n as f64 / srcs.len() as f64);
}

/// Spliced and mutated real notices (20,000 of them, as lossy UTF-8): no
/// panic, every span holds. `cargo test --release --lib corpus_mutations
/// -- --ignored`.
#[test]
#[ignore]
fn corpus_mutations_hold() {
    let srcs: Vec<String> = corpus_files()
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let mut next = crate::xorshift(0x1234_5678_9abc);
    for _ in 0..20000 {
        let a = &srcs[next() as usize % srcs.len()];
        let b = &srcs[next() as usize % srcs.len()];
        let mut bytes: Vec<u8> = a.as_bytes().to_vec();
        for _ in 0..(next() % 20) {
            let r = next() as usize;
            match r % 4 {
                0 if !bytes.is_empty() => {
                    let i = (r >> 2) % bytes.len();
                    let j = (i + (next() as usize % 300)).min(bytes.len());
                    bytes.drain(i..j);
                }
                1 => {
                    let i = (r >> 2) % (bytes.len() + 1);
                    let s = (next() as usize) % b.len();
                    let e = (s + next() as usize % 500).min(b.len());
                    let piece = b.as_bytes()[s..e].to_vec();
                    bytes.splice(i..i, piece);
                }
                2 if !bytes.is_empty() => {
                    let i = (r >> 2) % bytes.len();
                    bytes[i] = (next() % 256) as u8;
                }
                _ => {}
            }
        }
        let src = String::from_utf8_lossy(&bytes).into_owned();
        let doc = parse(&src, &Oracle);
        check_doc(&src, &doc);
    }
}

#[test]
fn common_references_decode_as_the_table_does() {
    // `decode_into` answers `&auml;` and `&ouml;` itself; the table must agree
    // in every context (end of text, name going on, other references).
    for s in [
        "auml;", "ouml;", "auml;x", "ouml;;", "auml", "aumlx;", "Auml;", "ouml", "oumla;",
    ] {
        let src = format!("x&{s}y");
        let mut ours = MappedText::new();
        let masks = ByteMasks::of(src.as_bytes());
        decode_into(
            &mut ours,
            &src,
            &Amps::new(&masks),
            Kind::Text,
            0,
            src.len(),
        );
        let mut buf = [0u8; 4];
        let want = match char_ref(&src.as_bytes()[2..]) {
            Some((r, len)) => format!("x{}{}", r.as_str(&mut buf), &src[2 + len..]),
            None => src.clone(),
        };
        assert_eq!(ours.text, want, "{s}");
        assert_eq!(ours.source_range(0..ours.len()), 0..src.len(), "{s}");
    }
}

#[test]
fn tags_without_attributes_forget_the_previous_tags_attributes() {
    // A tag without attributes takes a shortcut that leaves the last tag's
    // attribute values in place, unread: they must not leak into the next.
    let src = "<div class=\"cookie-banner\"><p>Evästeet</p></div><div><p>Teksti</p></div>\
               <h2 role=\"heading\">Otsikko</h2><b>Lihava</b><span role=\"main\"></span><p>x</p>";
    let (toks, _) = tokenize(src, super::super::html_lex::Flavor::Markup, 0);
    let flags: Vec<(u8, u8)> = toks
        .iter()
        .filter(|t| t.kind == Kind::Start)
        .map(|t| (t.flags, t.level))
        .collect();
    assert_eq!(flags[0].0 & CHROME, CHROME);
    assert_eq!(flags[2], (0, 0));
    assert_eq!(flags[5].0 & BOLD, BOLD);
    assert_eq!(flags[6].0 & MAIN, MAIN);
    assert_eq!(flags[7], (0, 0));
}

#[test]
fn only_indentation_between_tags_is_flagged_blank() {
    let src = "<ul>\n  <li>a</li><title>  t  </title> <b>x</b>\t<p> y </p>\n</ul>";
    let (toks, _) = tokenize(src, super::super::html_lex::Flavor::Markup, 0);
    for t in toks.iter().filter(|t| t.kind == Kind::Text) {
        let text = &src[t.start as usize..t.end as usize];
        let blank = text.bytes().all(|c| c.is_ascii_whitespace());
        // Blank runs may go unflagged (then they are trimmed as before);
        // a flagged run must be blank.
        if t.flags & BLANK != 0 {
            assert!(blank, "{text:?}");
        }
        // Indentation before a tag goes with the tag.
        assert!(text != "\n  " && text != "\n", "{text:?}");
    }
    let ws: Vec<&str> = toks
        .iter()
        .filter(|t| t.ws > 0)
        .map(|t| &src[t.ws_start()..t.start as usize])
        .collect();
    assert_eq!(ws, ["\n  ", " ", "\t", "\n"]);
    // The title's text is its own token, not indentation.
    assert!(toks
        .iter()
        .any(|t| t.kind == Kind::Text && t.start + 5 == t.end && t.flags & BLANK == 0));
}

/// Indentation folded into tags reads as the text tokens it was: spaces
/// between inline elements, in headings and table cells, the pairs'
/// body length, the text of an `h1` outside the part read.
#[test]
fn indentation_before_tags_reads_as_text() {
    let src = "<html><body><h1>\n  <span>Tieto</span>\n  <span>suoja</span>\n</h1><main>\n<h2>\n  <b>Rekisterin</b>\n  <i>nimi</i>\n</h2>\n<p>Yksi <b>kaksi</b>\n  <a>kolme</a>\n <em>neljä</em>\n</p>\n<dl>\n<dt>A</dt>\n<dd>\n  <span>x</span>\n  <span>y</span>\n</dd>\n</dl>\n</main></body></html>";
    let doc = parse_checked(src, &NoOracle);
    assert_eq!(doc.sections[0].heading.text, "Rekisterin\n  nimi");
    assert_eq!(
        doc.sections[0].body.text,
        "Yksi kaksi\n  kolme\n neljä\nA\nx\n  y"
    );
    let (toks, _) = tokenize(src, super::super::html_lex::Flavor::Markup, 0);
    let st = Structure::build(src.as_bytes(), &toks);
    let dl = toks.iter().position(|t| t.tag == Tag::Dl).unwrap();
    // "\n  ", "x", "\n  ", "y", "\n" in the `dd` and the "\n" after it.
    assert_eq!(st.pairs(dl).body, 10);
}

#[test]
fn only_the_attributes_classify_reads_are_noted() {
    // `id` counts on containers only, `class` on containers and text
    // elements; role, style and heading names on any start tag.
    let cases = [
        ("<div id=\"cookie-banner\">", CHROME, 0),
        ("<span id=\"cookie-banner\">", 0, 0),
        ("<h2 id=\"cookie-banner\" class=\"font-bold\">", 0, 0),
        ("<li class=\"font-bold\">", 0, 0),
        ("<a href=\"/x\" class=\"font-bold\">", BOLD, 0),
        ("<td class=\"fw-bold\">", BOLD, 0),
        ("<section class=\"gdpr-banner\">", CHROME, 0),
        ("<x-box id=\"cookie-notice\">", CHROME, 0),
        ("<li role=\"navigation\">", CHROME, 0),
        ("<span role=\"heading\" aria-level=\"3\">", 0, 3),
        ("<i style=\"font-weight: bold\">", BOLD | ITALIC, 0),
        ("<b id=\"x\" style=\"font-weight: normal\">", NOT_BOLD, 0),
        ("<p component=\"h4\" id=\"s1\">", 0, 4),
        ("<span id=\"a\"></span><div>", 0, 0),
    ];
    for (src, flags, level) in cases {
        let (toks, _) = tokenize(src, super::super::html_lex::Flavor::Markup, 0);
        let t = toks.iter().rfind(|t| t.kind == Kind::Start).unwrap();
        assert_eq!((t.flags, t.level), (flags, level), "{src}");
    }
}

/// `Amps::first_in`, which keeps its last answer, against the search in the
/// mask, on random bytes heavy in `&` and random questions: mostly in
/// order (as the builder asks), some going back, some empty.
#[test]
fn amps_cursor_is_the_mask_search() {
    use super::super::html_lex::next_bit_in;
    let mut next = crate::xorshift(0x616d_7073_6375);
    for round in 0..2_000u32 {
        let len = (next() % 400) as usize;
        // Every fourth text has no `&` at all, as half the pages.
        let pieces: &[&str] = if round.is_multiple_of(4) {
            &["a", " ", "\n", "ä", "<"]
        } else {
            &["a", " ", "&", "ä", "<", "bb"]
        };
        let src = crate::random_text(&mut next, pieces, len);
        let masks = ByteMasks::of(src.as_bytes());
        let amps = Amps::new(&masks);
        let mut a = 0;
        for _ in 0..60 {
            a = match next() % 8 {
                0 => (next() as usize) % (src.len() + 1),
                1 => a,
                _ => (a + (next() % 40) as usize).min(src.len()),
            };
            let b = (a + (next() % 90) as usize).min(src.len());
            assert_eq!(
                amps.first_in(a, b),
                next_bit_in(&masks.amps, a, b),
                "{src:?} {a}..{b}"
            );
        }
        masks.give_back();
    }
}

/// `trimmed` against `MappedText::into_trimmed` (text and map), on random
/// texts that start and end with every kind of byte: ASCII and Unicode
/// whitespace, control bytes that are none, letters, multi-byte letters.
#[test]
fn trimmed_is_into_trimmed() {
    let pieces = [
        "a", "Z", ".", " ", "\t", "\n", "\r", "\u{b}", "\u{c}", "\u{1c}", "\u{0}", "\u{85}",
        "\u{a0}", "\u{2000}", "\u{3000}", "ä", "€", "ab cd",
    ];
    let mut next = crate::xorshift(0x7472_696d_6d65);
    for _ in 0..20_000 {
        let n = (next() % 6) as usize;
        let text = crate::random_text(&mut next, &pieces, n);
        let mut m = MappedText::new();
        let mut at = 0;
        for (k, c) in text.char_indices() {
            // Verbatim and atomic pieces, so that the maps differ too.
            let s = &text[k..k + c.len_utf8()];
            if next().is_multiple_of(3) {
                m.push_atomic(s, at..at + 5);
                at += 5;
            } else {
                m.push_verbatim(s, at);
                at += s.len();
            }
        }
        assert_eq!(trimmed(m.clone()), m.into_trimmed(), "{text:?}");
    }
}

#[test]
fn page_footers_outside_content_are_kept_aside() {
    // The page's own footers (not one in an article or main), their parts
    // a line each; flagged as the page is parsed, walked when asked.
    let src =
        "<body><main><h2>Rekisterinpitäjä</h2><p>Oy</p><footer><p>Päivitetty</p></footer></main>\
               <footer><h3>Yhteystiedot</h3><p>Kuura Oy, Y-tunnus 1234567-8</p></footer>\
               <footer></footer><footer><p>info@kuura.fi</p></footer></body>";
    let at = parse_checked(src, &NoOracle).page_footer.expect("footers");
    assert_ne!(at, FooterAt::WHOLE);
    let f = page_footer(src, at).expect("a footer");
    assert_eq!(
        f.text,
        "Yhteystiedot\nKuura Oy, Y-tunnus 1234567-8\ninfo@kuura.fi"
    );
    // None outside content, or only empty ones: no footer.
    for src in [
        "<main><h2>A</h2><p>b</p><footer><p>c</p></footer></main>",
        "<article><h2>A</h2></article><footer></footer><footer>  </footer>",
    ] {
        assert_eq!(
            page_footer(src, FooterAt::WHOLE).map(|f| f.text),
            None,
            "{src}"
        );
    }
    let src = "<main><h2>A</h2><p>b</p><footer><p>c</p></footer></main>";
    assert_eq!(parse_checked(src, &NoOracle).page_footer, None);
}

/// The tag sets ([`Tag::is_in`] over [`tag_set`] masks) say what the plain
/// `matches!` they replaced said, for every tag (every heading level too),
/// and [`Tag::ord`] tells the variants apart.
#[test]
fn tag_sets_agree_with_matches() {
    // Every variant once, by its place in `BY_ORD` (`ord` is an exhaustive
    // match of distinct numbers, so `BY_ORD[i].ord() == i` for all 58
    // places leaves out no variant), and every heading level.
    for (i, t) in Tag::BY_ORD.iter().enumerate() {
        assert_eq!(t.ord() as usize, i, "{t:?}");
    }
    let all: Vec<Tag> = (Tag::BY_ORD.iter().copied())
        .filter(|t| !matches!(t, Tag::H(_)))
        .chain((0..=7).map(Tag::H))
        .collect();
    for a in &all {
        for b in &all {
            let same = std::mem::discriminant(a) == std::mem::discriminant(b);
            assert_eq!(a.ord() == b.ord(), same, "{a:?} {b:?}");
        }
    }
    for t in all {
        let special = !matches!(
            t,
            Tag::Other | Tag::Inline | Tag::Em | Tag::B | Tag::Strong | Tag::Media | Tag::Void
        );
        assert_eq!(is_special(t), special, "{t:?}");
        let scope = matches!(
            t,
            Tag::Html
                | Tag::Table
                | Tag::Td
                | Tag::Th
                | Tag::Caption
                | Tag::Template
                | Tag::Object
                | Tag::Scope
                | Tag::Svg
                | Tag::Math
        );
        assert_eq!(is_scope(t), scope, "{t:?}");
        let p = matches!(
            t,
            Tag::P
                | Tag::Div
                | Tag::Block
                | Tag::H(_)
                | Tag::Li
                | Tag::Dd
                | Tag::Dt
                | Tag::Ul
                | Tag::Ol
                | Tag::Dl
                | Tag::Table
                | Tag::Main
                | Tag::Article
                | Tag::Section
                | Tag::Aside
                | Tag::Nav
                | Tag::Header
                | Tag::Footer
                | Tag::Summary
                | Tag::Details
                | Tag::Form
                | Tag::Hr
                | Tag::Dialog
                | Tag::Plaintext
                | Tag::Xmp
        );
        assert_eq!(closes_p(t), p, "{t:?}");
        assert_eq!(
            t.is_void(),
            matches!(t, Tag::Void | Tag::Br | Tag::Hr),
            "{t:?}"
        );
        assert_eq!(
            t.is_generic(),
            matches!(
                t,
                Tag::Other
                    | Tag::Inline
                    | Tag::Em
                    | Tag::Void
                    | Tag::Block
                    | Tag::Scope
                    | Tag::Media
            ),
            "{t:?}"
        );
    }
}

/// The structure pass's end tags, one search told by tag sets, close what
/// the four searches they replaced closed ([`Pass1::end_plain`]), on
/// random tag soup: headings of every level, `p` in and out of buttons and
/// scopes, phrasing and generic elements (custom names in any case),
/// lists, tables, void elements and unmatched end tags.
#[test]
fn end_tag_sets_close_what_the_plain_searches_closed() {
    const NAMES: [&str; 30] = [
        "p", "h1", "h2", "H3", "h6", "div", "span", "a", "b", "em", "li", "ul", "dl", "dt", "dd",
        "table", "tr", "td", "th", "button", "svg", "section", "footer", "my-el", "My-El",
        "other-el", "br", "img", "option", "template",
    ];
    let mut next = crate::xorshift(0x5e75_0f7a);
    for _ in 0..3_000 {
        let mut src = String::from("<body>");
        for _ in 0..next() % 60 {
            let name = NAMES[(next() % NAMES.len() as u64) as usize];
            match next() % 5 {
                0 | 1 => src.push_str(&format!("<{name}>")),
                2 | 3 => src.push_str(&format!("</{name}>")),
                _ => src.push_str(if next() & 1 == 0 { "text ä" } else { "\n  " }),
            }
        }
        let (toks, _) = tokenize(&src, super::super::html_lex::Flavor::Markup, 0);
        let sets = Structure::build(src.as_bytes(), &toks);
        let plain = Structure::build_as::<true>(src.as_bytes(), &toks);
        assert_eq!(sets.close, plain.close, "{src}");
        assert_eq!(sets.headings, plain.headings, "{src}");
        assert_eq!(sets.footers_and_content, plain.footers_and_content, "{src}");
        let info = |st: &Structure| {
            st.pairs
                .iter()
                .map(|(t, p)| (*t, p.pairs, p.wider, p.body))
                .collect::<Vec<_>>()
        };
        assert_eq!(info(&sets), info(&plain), "{src}");
    }
}

/// [`page_footer`] from the first footer ([`FooterAt`]) reads what it read
/// from the whole page, on random pages: footers at the top level and in
/// `body`, in content, in lists, tables, `p` and custom elements, with
/// unclosed elements, implied ends and `</body>` before, in and after them,
/// templates, entities and non-ASCII text.
#[test]
fn page_footer_from_the_footer_reads_what_the_whole_page_read() {
    const PARTS: [&str; 34] = [
        "<footer>",
        "</footer>",
        "<footer>",
        "</footer>",
        "<p>",
        "</p>",
        "<main>",
        "</main>",
        "<article>",
        "</article>",
        "<section>",
        "</section>",
        "<h2>",
        "</h2>",
        "<li>",
        "<ul>",
        "</ul>",
        "<table><tr><td>",
        "</table>",
        "<dl><dt>",
        "<dd>",
        "</dl>",
        "</body>",
        "<body>",
        "<template>",
        "</template>",
        "<my-el>",
        "</MY-EL>",
        "<div>",
        "</div>",
        "<div>",
        "<nav>",
        "</nav>",
        "<b>",
    ];
    const TEXTS: [&str; 6] = [
        "Kuura Oy",
        "ä &auml; x",
        "\n  ",
        "<br>",
        "<b>Y</b>",
        "<!-- c -->",
    ];
    let mut next = crate::xorshift(0xf007_e125);
    let mut seen = [0usize; 2];
    for round in 0..6_000 {
        let mut src = String::from(match round % 3 {
            0 => "<!DOCTYPE html><html><head><title>T</title></head><body>",
            1 => "<html><body>",
            _ => "",
        });
        for _ in 0..next() % 40 {
            if next().is_multiple_of(3) {
                src.push_str(TEXTS[(next() % TEXTS.len() as u64) as usize]);
            } else {
                src.push_str(PARTS[(next() % PARTS.len() as u64) as usize]);
            }
        }
        let Some(at) = parse_checked(&src, &NoOracle).page_footer else {
            continue;
        };
        seen[usize::from(at != FooterAt::WHOLE)] += 1;
        let whole = page_footer(&src, FooterAt::WHOLE);
        assert_eq!(page_footer(&src, at), whole, "{src}");
    }
    // Both ways were taken often (~1,000 from the footer, ~850 whole).
    assert!(seen[1] > 400 && seen[0] > 400, "{seen:?}");
}

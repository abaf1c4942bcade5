//! Audit reports (`seloste report`): the content of the HTML and Markdown
//! reports over the five seed notices (statuses, quotes, lines, totals,
//! matrix, score), escaping of hostile notice text, and the command line.

use std::path::{Path, PathBuf};
use std::process::Command;

use seloste::lint::{FileReport, Linter};
use seloste::report::audit::{self, Lang};
use seloste::report::FileError;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const SEEDS: [&str; 5] = [
    "000_db6dfb59f197885c",
    "001_975a0f54e2969c65",
    "002_2e28cd0d57624660",
    "003_5a1dbcb573b01dc9",
    "004_c97a99f74d0b68e2",
];

fn linter(lang: Lang) -> Linter {
    let mut l = Linter::builtin();
    l.options.lang = lang.code().into();
    l
}

/// The five seeds, named as the CLI names them from the repository root.
fn seeds(lang: Lang) -> (Linter, Vec<FileReport>) {
    let linter = linter(lang);
    let files = SEEDS
        .iter()
        .map(|id| {
            let name = format!("fixtures/seeds/{id}.txt");
            let bytes = std::fs::read(root().join(&name)).unwrap();
            linter.lint_bytes(&name, &bytes, None).unwrap()
        })
        .collect();
    (linter, files)
}

fn seed_html(lang: Lang) -> String {
    let (linter, files) = seeds(lang);
    audit::html(&files, &[], &linter.engine, lang)
}

fn seed_markdown(lang: Lang) -> String {
    let (linter, files) = seeds(lang);
    audit::markdown(&files, &[], &linter.engine, lang)
}

// ---- small helpers over the generated HTML ---------------------------------

/// The text between `start` (inclusive) and the next `end` after it.
fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let i = s
        .find(start)
        .unwrap_or_else(|| panic!("`{start}` not in the report"));
    let j = s[i..]
        .find(end)
        .unwrap_or_else(|| panic!("no `{end}` after `{start}`"));
    &s[i..i + j + end.len()]
}

/// Visible text: tags dropped (each one a word break), the five escapes decoded, whitespace folded.
fn visible(fragment: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            // Each tag separates words, as the rendered page's boxes do.
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ,", ",")
}

/// The visible text of each cell of a table row.
fn cells(row: &str) -> Vec<String> {
    row.split("</t")
        .filter(|c| c.contains("<td") || c.contains("<th"))
        .map(|c| {
            let open = c.rfind("<td").into_iter().chain(c.rfind("<th")).max();
            visible(&c[open.unwrap()..])
        })
        .collect()
}

fn notice_section(html: &str, n: usize) -> &str {
    between(
        html,
        &format!("<section class=\"notice\" id=\"n{n}\">"),
        "</section>",
    )
}

fn checklist_row<'a>(section: &'a str, element: &str) -> &'a str {
    let table = between(section, "<table class=\"checklist\">", "</table>");
    between(table, &format!("<tr data-element=\"{element}\""), "</tr>")
}

fn matrix(html: &str) -> &str {
    between(html, "<table class=\"matrix\">", "</table>")
}

fn labels() -> Vec<serde_json::Value> {
    serde_json::from_str(
        &std::fs::read_to_string(root().join("fixtures/seeds/labels.json")).unwrap(),
    )
    .unwrap()
}

fn symbol(status: &str) -> &'static str {
    match status {
        "present" => "✓",
        "partial" => "½",
        "empty" => "∅",
        "missing" => "✗",
        "n/a" => "–",
        other => panic!("unknown status {other}"),
    }
}

// ---- HTML: one notice -------------------------------------------------------

#[test]
fn html_checklist_gives_each_elements_status_and_heading() {
    let html = seed_html(Lang::Fi);
    // Seed 001 is notice 2.
    let s = notice_section(&html, 2);
    assert!(visible(between(s, "<h2>", "</h2>")).contains("Asiakasrekisteri - tietosuojaseloste"));
    let facts = visible(between(s, "<dl class=\"facts\">", "</dl>"));
    assert!(
        facts.contains("Lähde fixtures/seeds/001_975a0f54e2969c65.txt"),
        "{facts}"
    );
    assert!(facts.contains("Päiväys 25.5.2018 (2018-05-25)"), "{facts}");

    assert_eq!(
        cells(checklist_row(s, "cookies")),
        [
            "Evästeet",
            "∅ tyhjä otsikko",
            "Evästeet (rivi 18)",
            "Laki sähköisen viestinnän palveluista 205 §; ePrivacy Directive Art. 5(3)"
        ]
    );
    assert_eq!(
        cells(checklist_row(s, "retention")),
        ["Säilytysaika", "✗ puuttuu", "", "GDPR Art. 13(2)(a)"]
    );
    let objection = cells(checklist_row(s, "right_objection"));
    assert_eq!(objection[1], "½ osittain");
    assert_eq!(
        objection[2],
        "Henkilötietojen käsittelyn tarkoitus (rivi 9)"
    );
    assert_eq!(
        cells(checklist_row(s, "controller"))[..3],
        [
            "Rekisterinpitäjä",
            "✓ kerrottu",
            "Rekisterinpitäjä (rivi 6)"
        ]
    );
    assert_eq!(cells(checklist_row(s, "dpo_contact"))[1], "– ei koske");

    // Every element of the labels, in every notice, has its labelled status.
    for (n, label) in labels().iter().enumerate() {
        let s = notice_section(&html, n + 1);
        for (key, status) in label["elements"].as_object().unwrap() {
            let row = checklist_row(s, key);
            let status = status.as_str().unwrap();
            assert!(
                row.contains(&format!("data-status=\"{status}\"")),
                "notice {}: {key} should be {status}: {row}",
                n + 1
            );
            assert!(cells(row)[1].starts_with(symbol(status)));
        }
        assert_eq!(
            s.matches("<tr data-element=").count(),
            21,
            "all 21 elements"
        );
    }
}

#[test]
fn html_findings_quote_the_text_with_line_rule_reference_and_advice() {
    let html = seed_html(Lang::Fi);
    let s = notice_section(&html, 2);
    let f = between(
        s,
        "<article class=\"finding sev-error\" data-rule=\"repealed-personal-data-act\"",
        "</article>",
    );
    let text = visible(f);
    assert!(text.contains("rivi 9, sarake 408"), "{text}");
    assert!(text.contains("“henkilötietolain”"), "{text}");
    assert!(text.contains("Viittaus kumottuun henkilötietolakiin (523/1999)"));
    assert!(text.contains("Lainkohta Henkilötietolaki 523/1999 kumottu 1.1.2019"));
    assert!(text.contains("Ohje Henkilötietolaki kumottiin 1.1.2019."));
    assert!(text.contains("Korvausehdotus “EU:n yleinen tietosuoja-asetus (2016/679)”"));

    let empty = visible(between(
        s,
        "<article class=\"finding sev-error\" data-rule=\"empty-section\"",
        "</article>",
    ));
    assert!(empty.contains("rivi 18, sarake 1"), "{empty}");
    assert!(empty.contains("“Evästeet”"), "{empty}");
    assert!(empty.contains("Otsikon \"Evästeet\" alla ei ole tekstiä"));

    // Both rights-obstacle findings, with their quotes and lines.
    let obstacles: Vec<String> = s
        .split("<article ")
        .filter(|a| a.contains("data-rule=\"rights-obstacle-signature\""))
        .map(|a| visible(&a[..a.find("</article>").unwrap()]))
        .collect();
    assert_eq!(obstacles.len(), 2);
    assert!(
        obstacles[0].contains("rivi 19, sarake 229"),
        "{}",
        obstacles[0]
    );
    assert!(obstacles[0].contains("“on allekirjoitettava”"));
    assert!(obstacles[1].contains("rivi 20, sarake 227"));
    assert!(obstacles[1].contains("“omakätisesti allekirjoitetulla”"));

    // A missing element gives advice but no quote (it has no place in the
    // text); a partial one names the heading it was found under.
    let missing = visible(between(s, "data-rule=\"missing-retention\"", "</article>"));
    assert!(!missing.contains('“'), "{missing}");
    assert!(missing.contains("Odotettu otsikko esimerkiksi \"Säilytysaika\""));
    let partial = visible(between(
        s,
        "data-rule=\"missing-right-objection\"",
        "</article>",
    ));
    assert!(partial.contains("“Henkilötietojen käsittelyn tarkoitus”"));

    // Seed 002's contradiction shows the other side with its line.
    let s3 = notice_section(&html, 3);
    let c = visible(between(
        s3,
        "data-rule=\"contradiction-no-transfers-but-us-service\"",
        "</article>",
    ));
    assert!(c.contains("Liittyy mutta muualla selosteessa lukee"), "{c}");
    assert!(c.contains("(rivi "), "{c}");
}

#[test]
fn html_severity_totals_and_score_with_its_computation() {
    let (_, files) = seeds(Lang::Fi);
    let html = seed_html(Lang::Fi);

    // Seed 001: 6 errors, 6 warnings.
    let t = audit::SeverityTotals::of(&files[1]);
    assert_eq!((t.errors, t.warnings, t.infos), (6, 6, 0));
    let s = notice_section(&html, 2);
    let scorebox = visible(between(s, "<div class=\"scorebox\">", "</div></div>"));
    assert!(
        scorebox.contains("Havainnot: 6 virhettä, 6 varoitusta, 0 huomautusta"),
        "{scorebox}"
    );

    // Score: 10 present, 3 partial, 19 required (2 n/a) → 60.5 %; the
    // repealed law (error) and two rights obstacles (warnings) deduct
    // 5 + 2 × 2 = 9; the empty "Evästeet" heading is the cookies element's
    // only place, already counted as empty, so it is not deducted again.
    let sc = audit::score(&files[1]);
    assert_eq!(
        (
            sc.present,
            sc.partial,
            sc.empty,
            sc.missing,
            sc.not_applicable
        ),
        (10, 3, 1, 5, 2)
    );
    assert_eq!(sc.required, 19);
    assert!((sc.coverage - 60.526).abs() < 0.01);
    assert_eq!(
        (sc.counted_errors, sc.counted_warnings, sc.penalty),
        (1, 2, 9)
    );
    assert_eq!(sc.score, 52);
    assert!(s.contains("data-score=\"52\""));
    assert!(scorebox.contains("Kattavuus: (10 + ½ × 3) ÷ 19 × 100 = 60,5 %"));
    assert!(scorebox.contains("Vähennys: 1 × 5 + 2 × 2 = 9"));

    // Seed 004: two empty headings whose elements are present elsewhere are
    // deducted; the empty "Automaattinen käsittely" heading is not (it is
    // where that element was scored empty).
    let sc = audit::score(&files[4]);
    assert_eq!(
        (sc.present, sc.partial, sc.empty, sc.required),
        (16, 2, 1, 19)
    );
    assert_eq!((sc.counted_errors, sc.counted_warnings), (2, 4));
    assert_eq!((sc.penalty, sc.score), (18, 71));

    // Summary table: one row per notice with score and totals; the footer
    // sums them.
    let summary = between(&html, "<table class=\"summary\">", "</table>");
    let rows: Vec<Vec<String>> = summary
        .split("<tr>")
        .skip(2)
        .map(|r| cells(&format!("<tr>{r}")))
        .collect();
    assert_eq!(
        rows[1],
        [
            "2",
            "Asiakasrekisteri - tietosuojaseloste",
            "fixtures/seeds/001_975a0f54e2969c65.txt",
            "25.5.2018 (2018-05-25)",
            "52",
            "6",
            "6",
            "0"
        ]
    );
    let scores: Vec<&str> = rows[..5].iter().map(|r| r[4].as_str()).collect();
    assert_eq!(scores, ["55", "52", "41", "47", "71"]);
    let total_errors: usize = files
        .iter()
        .map(|f| audit::SeverityTotals::of(f).errors)
        .sum();
    assert_eq!(rows[5][2], total_errors.to_string());
    assert!(visible(between(&html, "<p class=\"meta\">", "</p>"))
        .contains(&format!("Yhteensä: {total_errors} virhettä")));
}

#[test]
fn penalty_is_capped() {
    let linter = linter(Lang::Fi);
    let text = "Tietosuojaseloste\n\nRekisterinpitäjä\tEsimerkki Oy, tietosuoja@esimerkki.fi\n\
                Tarkoitus\tTODO TODO TODO henkilötietolain mukaan, henkilötietolaki, xxx, lorem ipsum, tbd, fixme\n";
    let f = linter.lint_bytes("cap.txt", text.as_bytes(), None).unwrap();
    let sc = audit::score(&f);
    assert!(sc.counted_errors * 5 > 30, "{sc:?}");
    assert_eq!(sc.penalty, 30);
    let html = audit::html(&[f], &[], &linter.engine, Lang::Fi);
    assert!(visible(&html).contains(&format!(
        "Vähennys: {} × 5 + {} × 2 = {} → enintään 30",
        sc.counted_errors,
        sc.counted_warnings,
        sc.counted_errors * 5 + sc.counted_warnings * 2
    )));
}

// ---- HTML: across notices ---------------------------------------------------

#[test]
fn html_matrix_has_a_symbol_per_cell_matching_the_labels() {
    let html = seed_html(Lang::Fi);
    let m = matrix(&html);
    let head = cells(between(m, "<thead>", "</thead>"));
    assert_eq!(head, ["Tieto", "1", "2", "3", "4", "5", "Puutteita"]);
    assert_eq!(
        cells(between(m, "<tr data-element=\"cookies\"", "</tr>")),
        ["Evästeet", "✓", "∅", "✓", "∅", "✓", "2"]
    );
    assert_eq!(
        cells(between(m, "<tr data-element=\"retention\"", "</tr>")),
        ["Säilytysaika", "✗", "✗", "✗", "✗", "✓", "4"]
    );
    // Colour and text together: each cell has a status class and a label.
    assert!(m.contains(
        "<td class=\"c st-empty\" title=\"tyhjä otsikko\" aria-label=\"tyhjä otsikko\">∅</td>"
    ));
    // Every cell equals the hand-made labels.
    let labels = labels();
    for (key, _, _) in audit::ELEMENT_NAMES {
        let row = cells(between(
            m,
            &format!("<tr data-element=\"{}\"", key.name()),
            "</tr>",
        ));
        let want: Vec<&str> = labels
            .iter()
            .map(|l| symbol(l["elements"][key.name()].as_str().unwrap()))
            .collect();
        assert_eq!(row[1..6], want[..], "{}", key.name());
    }
    assert_eq!(
        cells(between(m, "<tr class=\"score-row\">", "</tr>")),
        ["Pisteet", "55", "52", "41", "47", "71", ""]
    );
    // The legend names every symbol in words, not only in colour.
    let legend = visible(between(&html, "<ul class=\"legend\"", "</ul>"));
    assert_eq!(
        legend,
        "✓ kerrottu ½ osittain ∅ tyhjä otsikko ✗ puuttuu – ei koske"
    );
}

#[test]
fn html_lists_the_most_common_gaps_and_problems() {
    let html = seed_html(Lang::Fi);
    let gaps = between(&html, "<table class=\"gaps\">", "</table>");
    let rows: Vec<Vec<String>> = gaps
        .split("<tr data-element=")
        .skip(1)
        .map(|r| cells(&format!("<tr {r}")))
        .collect();
    // Gaps in all five notices first; automated decisions missing in four,
    // empty in one.
    assert_eq!(
        rows[0],
        [
            "Automaattinen päätöksenteko ja profilointi",
            "4",
            "1",
            "0",
            "1, 2, 3, 4, 5"
        ]
    );
    assert_eq!(rows[1][0], "Siirrot EU:n ja ETA:n ulkopuolelle");
    assert_eq!(rows[1][3], "5");
    assert!(rows
        .iter()
        .any(|r| r == &["Evästeet", "0", "2", "0", "2, 4"]));
    assert!(!gaps.contains("Rekisterinpitäjä<"), "no gap, no row");

    let problems = visible(between(&html, "<table class=\"problems\">", "</table>"));
    assert!(
        problems.contains("rights-obstacle-signature Oikeuksien käyttämiselle asetettu vaatimus"),
        "{problems}"
    );
    assert!(problems.contains("repealed-personal-data-act Viittaus kumottuun henkilötietolakiin (523/1999) virhe 4 1, 2, 3, 4"));
    // A message template is shown without one notice's heading in it.
    assert!(
        problems.contains("Otsikon \"…\" alla ei ole tekstiä"),
        "{problems}"
    );
}

#[test]
fn html_is_self_contained_printable_and_explains_the_score() {
    let html = seed_html(Lang::Fi);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"fi\">"));
    assert!(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"));
    for external in [
        "<script", "<link", "@import", "url(", "src=", "http://", "https://",
    ] {
        assert!(!html.contains(external), "{external}");
    }
    assert!(html.contains("@media print"));
    assert!(html.contains("page-break-inside:avoid"));
    assert!(html.contains("section.notice{break-before:page;page-break-before:always}"));
    assert!(html.contains("@page landscape{size:A4 landscape"));
    assert_eq!(html.matches("<section class=\"notice\"").count(), 5);
    let scoring = visible(between(&html, "<section id=\"scoring\">", "</section>"));
    assert!(scoring.contains("Kattavuus = (kerrotut + ½ × osittain kerrotut) ÷ vaaditut × 100"));
    assert!(scoring.contains("Vähennys = 5 jokaisesta virhetason ja 2 jokaisesta varoitustason"));
}

#[test]
fn english_report_translates_names_labels_and_messages() {
    let html = seed_html(Lang::En);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.contains("<h1>Privacy notice audit report</h1>"));
    let s = notice_section(&html, 2);
    assert_eq!(
        cells(checklist_row(s, "right_objection"))[..2],
        ["Right to object", "½ partial"]
    );
    assert_eq!(
        cells(checklist_row(s, "cookies"))[..3],
        ["Cookies", "∅ empty heading", "Evästeet (line 18)"]
    );
    let f = visible(between(
        s,
        "data-rule=\"repealed-personal-data-act\"",
        "</article>",
    ));
    assert!(f.contains("line 9, column 408"), "{f}");
    assert!(f.contains("Reference to the repealed Personal Data Act (523/1999)"));
    assert!(f.contains("Advice The Personal Data Act was repealed"));
    let scorebox = visible(between(s, "<div class=\"scorebox\">", "</div></div>"));
    assert!(
        scorebox.contains("Coverage: (10 + ½ × 3) ÷ 19 × 100 = 60.5 %"),
        "{scorebox}"
    );
    assert!(
        scorebox.contains("Findings: 6 errors, 6 warnings, 0 notes"),
        "{scorebox}"
    );
    let legend = visible(between(&html, "<ul class=\"legend\"", "</ul>"));
    assert_eq!(
        legend,
        "✓ present ½ partial ∅ empty heading ✗ missing – n/a"
    );
    assert!(!visible(&html).contains("puuttuu"));
}

// ---- Markdown -----------------------------------------------------------------

fn md_section(md: &str, n: usize) -> &str {
    let start = md
        .find(&format!("\n## {n}. "))
        .unwrap_or_else(|| panic!("notice {n}"));
    let rest = &md[start + 1..];
    let end = rest.find("\n---\n").unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn markdown_has_the_same_content() {
    let md = seed_markdown(Lang::Fi);
    assert!(md.starts_with("# Tietosuojaselosteiden arviointiraportti\n"));
    // Matrix row and score row.
    assert!(
        md.contains("\n| Evästeet | ✓ | ∅ | ✓ | ∅ | ✓ | 2 |\n"),
        "{md}"
    );
    assert!(md.contains("\n| **Pisteet** | **55** | **52** | **41** | **47** | **71** | |\n"));
    assert!(
        md.contains("Merkit: ✓ kerrottu · ½ osittain · ∅ tyhjä otsikko · ✗ puuttuu · – ei koske")
    );
    // Summary row.
    assert!(md.contains(
        "\n| 2 | Asiakasrekisteri - tietosuojaseloste | fixtures/seeds/001_975a0f54e2969c65.txt | 25.5.2018 (2018-05-25) | 52 | 6 | 6 | 0 |\n"
    ));

    let s = md_section(&md, 2);
    assert!(s.starts_with("## 2. Asiakasrekisteri - tietosuojaseloste\n"));
    assert!(s.contains("- **Lähde:** fixtures/seeds/001_975a0f54e2969c65.txt\n"));
    assert!(s.contains("- **Päiväys:** 25.5.2018 (2018-05-25)\n"));
    assert!(s.contains("**Pisteet: 52 / 100**. Kattavuus: (10 + ½ × 3) ÷ 19 × 100 = 60,5 %. Vähennys: 1 × 5 + 2 × 2 = 9."));
    assert!(s.contains("Havainnot: 6 virhettä, 6 varoitusta, 0 huomautusta"));
    assert!(s.contains("\n| Evästeet | ∅ tyhjä otsikko | Evästeet (rivi 18) | Laki sähköisen viestinnän palveluista 205 §; ePrivacy Directive Art. 5(3) |\n"));
    assert!(s.contains("\n| Säilytysaika | ✗ puuttuu |  | GDPR Art. 13(2)(a) |\n"));
    assert!(s.contains(
        "\n| Vastustamisoikeus | ½ osittain | Henkilötietojen käsittelyn tarkoitus (rivi 9) |"
    ));
    assert_eq!(s.matches("\n| ").count() - 1, 21, "header + 21 rows");
    let f = between(s, "`repealed-personal-data-act`", "Korvausehdotus");
    assert!(f.contains("rivi 9, sarake 408: Viittaus kumottuun henkilötietolakiin (523/1999)"));
    assert!(f.contains("\n> Lainaus: “henkilötietolain”\n"));
    assert!(f.contains("- **Lainkohta:** Henkilötietolaki 523/1999 kumottu"));
    assert!(s.contains("- **Korvausehdotus:** “EU:n yleinen tietosuoja-asetus (2016/679)”"));
    assert!(s.contains("`empty-section` · rivi 18, sarake 1: Otsikon \"Evästeet\" alla ei ole tekstiä\n\n> Lainaus: “Evästeet”"));
    assert!(md.contains("## Pisteytys\n"));
}

#[test]
fn markdown_renders_as_tables_with_the_matrix_cells() {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let md = seed_markdown(Lang::Fi);
    let mut tables = 0;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut in_matrix = false;
    let mut cell = String::new();
    for ev in Parser::new_ext(&md, Options::ENABLE_TABLES) {
        match ev {
            Event::Start(Tag::Table(_)) => {
                tables += 1;
                in_matrix = tables == 2;
            }
            Event::End(TagEnd::Table) => in_matrix = false,
            Event::Start(Tag::TableRow) | Event::Start(Tag::TableHead) if in_matrix => {
                rows.push(Vec::new())
            }
            Event::Start(Tag::TableCell) => cell.clear(),
            Event::End(TagEnd::TableCell) if in_matrix => {
                rows.last_mut().unwrap().push(cell.clone())
            }
            Event::Text(t) | Event::Code(t) => cell.push_str(&t),
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML in the report: {h}"),
            _ => {}
        }
    }
    // Summary, matrix, gaps, problems, then one checklist per notice.
    assert_eq!(tables, 4 + 5);
    assert_eq!(rows.len(), 1 + 21 + 1);
    assert_eq!(rows[0], ["Tieto", "1", "2", "3", "4", "5", "Puutteita"]);
    assert_eq!(
        rows[12],
        ["Evästeet", "✓", "∅", "✓", "∅", "✓", "2"],
        "cookies is the 12th element"
    );
}

// ---- hostile notice text --------------------------------------------------------

/// Headings that try to inject script. Kept here, not under fixtures/:
/// tests/spans.rs compares every fixture heading with its source through a
/// tag stripper, which cannot tell these decoded "tags" from real ones.
pub const HOSTILE_HEADINGS: &str = "<!DOCTYPE html>
<html lang=\"fi\"><head><meta charset=\"utf-8\"><title>Tietosuojaseloste &lt;script&gt;document.title=/PWNED/.source&lt;/script&gt;</title></head><body>
<h2>Rekisterinpitäjä &lt;b onmouseover=alert(1)&gt;</h2>
<p>Esimerkki Oy, tietosuoja@esimerkki.fi</p>
<h2>Evästeet &lt;img src=x onerror=document.body.setAttribute(/data-pwned/.source,1)&gt;</h2>
<h2>Säilytysaika</h2>
<p>Kaksi vuotta asiakassuhteen päättymisestä.</p>
</body></html>
";

/// The hostile fixture under a hostile file name, and the hostile headings.
fn hostile(lang: Lang) -> (Linter, Vec<FileReport>) {
    let linter = linter(lang);
    let bytes = std::fs::read(root().join("fixtures/report/hostile.html")).unwrap();
    let name = "fixtures/report/<img src=x onerror=alert(1)>'\"&.html";
    let f = linter.lint_bytes(name, &bytes, None).unwrap();
    // The payload really is in the notice text the report quotes.
    assert!(f
        .result
        .diagnostics
        .iter()
        .any(|d| d.quote.contains("<script>document.title='PWNED'</script>")));
    let g = linter
        .lint_bytes("headings.html", HOSTILE_HEADINGS.as_bytes(), None)
        .unwrap();
    assert!(g.notice.sections.iter().any(|s| s
        .heading_text
        .contains("<img src=x onerror=document.body.setAttribute(/data-pwned/.source,1)>")));
    (linter, vec![f, g])
}

#[test]
fn hostile_text_is_escaped_in_html() {
    let (linter, files) = hostile(Lang::Fi);
    let errors = [FileError {
        path: "<script>alert(2)</script>.html".into(),
        message: "<b onmouseover=alert(3)>".into(),
    }];
    let html = audit::html(&files, &errors, &linter.engine, Lang::Fi);
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "a raw <script> tag");
    assert!(!lower.contains("<img"), "a raw <img> tag");
    assert!(!lower.contains("<b "), "a raw tag from an error message");
    // Only escaped forms appear, in the title, quotes, headings and path.
    assert!(html.contains("&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;"));
    assert!(html.contains(
        "&lt;img src=x onerror=&quot;document.body.setAttribute(&#39;data-pwned&#39;,1)&quot;&gt;"
    ));
    // The quote-free variants (which escaping quotes alone would not stop).
    assert!(html.contains("&lt;script&gt;document.title=/PWNED/.source&lt;/script&gt;"));
    assert!(html
        .contains("&lt;img src=x onerror=document.body.setAttribute(/data-pwned/.source,1)&gt;"));
    assert!(
        html.contains("fixtures/report/&lt;img src=x onerror=alert(1)&gt;&#39;&quot;&amp;.html")
    );
    assert!(
        html.contains("&lt;script&gt;alert(2)&lt;/script&gt;.html: &lt;b onmouseover=alert(3)&gt;")
    );
    // The checklist and the findings show hostile headings as text.
    let s2 = notice_section(&html, 2);
    assert_eq!(
        cells(checklist_row(s2, "cookies"))[2],
        "Evästeet <img src=x onerror=document.body.setAttribute(/data-pwned/.source,1)> (rivi 5)"
    );
    assert_eq!(
        cells(checklist_row(s2, "controller"))[2],
        "Rekisterinpitäjä <b onmouseover=alert(1)> (rivi 3)"
    );
    let empty = visible(between(s2, "data-rule=\"empty-section\"", "</article>"));
    assert!(empty.contains(
        "“Evästeet <img src=x onerror=document.body.setAttribute(/data-pwned/.source,1)>”"
    ));
    assert!(visible(between(s2, "<h2>", "</h2>"))
        .contains("Tietosuojaseloste <script>document.title=/PWNED/.source</script>"));

    // A real tokenizer sees no script, no event handler, no external
    // reference; only our own tags.
    let allowed = [
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "header",
        "h1",
        "h2",
        "h3",
        "h4",
        "p",
        "section",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "a",
        "ul",
        "li",
        "span",
        "strong",
        "small",
        "div",
        "dl",
        "dt",
        "dd",
        "article",
        "code",
        "blockquote",
        "br",
        "footer",
    ];
    let mut tags = 0;
    for tok in html5gum::Tokenizer::new(html.as_str()) {
        let Ok(html5gum::Token::StartTag(t)) = tok else {
            continue;
        };
        tags += 1;
        let name = String::from_utf8_lossy(&t.name).to_string();
        assert!(allowed.contains(&name.as_str()), "unexpected <{name}>");
        for (k, v) in &t.attributes {
            let k = String::from_utf8_lossy(k).to_lowercase();
            let v = String::from_utf8_lossy(v).to_string();
            assert!(!k.starts_with("on"), "event handler {k}={v}");
            if k == "href" {
                assert!(v.starts_with('#'), "link out of the report: {v}");
            }
            assert!(!v.to_lowercase().contains("javascript:"));
        }
    }
    assert!(tags > 100);
}

#[test]
fn hostile_text_is_escaped_in_markdown() {
    use pulldown_cmark::{Event, Options, Parser};
    let (linter, files) = hostile(Lang::Fi);
    let md = audit::markdown(&files, &[], &linter.engine, Lang::Fi);
    let mut text = String::new();
    for ev in Parser::new_ext(&md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match ev {
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML in the Markdown: {h}"),
            Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) => {
                panic!("a link in the Markdown: {dest_url}")
            }
            Event::Start(pulldown_cmark::Tag::Image { dest_url, .. }) => {
                panic!("an image in the Markdown: {dest_url}")
            }
            Event::Text(t) => text.push_str(&t),
            _ => {}
        }
    }
    // Rendered, the payload reads as the literal text it was.
    assert!(
        text.contains("<script>document.title='PWNED'</script>"),
        "{text}"
    );
    assert!(text.contains("onerror=\"document.body.setAttribute('data-pwned',1)\""));
    assert!(text.contains("<img src=x onerror=document.body.setAttribute(/data-pwned/.source,1)>"));
    assert!(md.contains(r"\<script\>document.title='PWNED'\</script\>"));
    assert!(!md.contains("<script>"));
}

// ---- command line ---------------------------------------------------------------

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("seloste-report-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn cli_writes_html_and_markdown_reports() {
    let dir = tmpdir("cli");
    let html = dir.join("r.html");
    let out = Command::new(env!("CARGO_BIN_EXE_seloste"))
        .current_dir(root())
        .args(["report", "fixtures/seeds", "-o"])
        .arg(&html)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&html).unwrap();
    assert_eq!(
        text,
        seed_html(Lang::Fi),
        "the CLI writes the library's report"
    );

    // `-o x.md` picks Markdown; `--format markdown` to stdout, in English.
    let md = dir.join("r.md");
    let out = Command::new(env!("CARGO_BIN_EXE_seloste"))
        .current_dir(root())
        .args(["report", "fixtures/seeds", "-o"])
        .arg(&md)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&md).unwrap(),
        seed_markdown(Lang::Fi)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_seloste"))
        .current_dir(root())
        .args([
            "report",
            "--format",
            "markdown",
            "--lang",
            "en",
            "fixtures/seeds",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        seed_markdown(Lang::En)
    );
}

#[test]
fn cli_lists_unreadable_files_in_the_report_and_exits_2() {
    let dir = tmpdir("bad");
    let html = dir.join("r.html");
    let out = Command::new(env!("CARGO_BIN_EXE_seloste"))
        .current_dir(root())
        .args([
            "report",
            "fixtures/seeds/001_975a0f54e2969c65.txt",
            "no/such/file.txt",
            "-o",
        ])
        .arg(&html)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("error: no/such/file.txt: no such file or directory"));
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(
        visible(between(&text, "<ul class=\"unreadable\">", "</ul>"))
            .contains("no/such/file.txt: no such file or directory")
    );
    assert_eq!(text.matches("<section class=\"notice\"").count(), 1);

    // Nothing readable: no report.
    let out = Command::new(env!("CARGO_BIN_EXE_seloste"))
        .args(["report", "no/such/file.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

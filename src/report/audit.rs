//! Audit reports for privacy consultants (`seloste report`): one document
//! over many notices, as self-contained HTML (inline CSS, no scripts, no
//! external resources) or Markdown.
//!
//! Per notice: title, date and source; a checklist of the 21 GDPR Art. 13/14
//! elements with status and the heading each was found under; every finding
//! with its quote, line:column, rule, legal reference and advice; totals by
//! severity and a score ([`score`], formula in [`Labels::formula`]). Across
//! notices: a coverage matrix (elements × notices, colour plus a symbol per
//! cell) and the most common gaps and text problems.
//!
//! All notice text (titles, headings, quotes, paths, messages) goes through
//! [`esc_html`] or [`esc_md`]; the HTML also carries a Content-Security-Policy
//! that forbids every script, so an escaping slip still cannot run anything.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::FileError;
use crate::engine::{Diagnostic, Engine, Severity, Status};
use crate::lint::FileReport;
use crate::schema::Key;

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    Fi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fi => "fi",
            Lang::En => "en",
        }
    }

    fn labels(self) -> &'static Labels {
        match self {
            Lang::Fi => &FI,
            Lang::En => &EN,
        }
    }
}

/// Report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    Html,
    Markdown,
}

impl AuditFormat {
    /// The format an output file name asks for (`.md` → Markdown).
    pub fn for_path(p: &std::path::Path) -> AuditFormat {
        match p.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown") => {
                AuditFormat::Markdown
            }
            _ => AuditFormat::Html,
        }
    }
}

/// The elements' names as a reader knows them: (key, Finnish, English).
pub const ELEMENT_NAMES: [(Key, &str, &str); 21] = [
    (Key::Controller, "Rekisterinpitäjä", "Controller"),
    (
        Key::ControllerContact,
        "Rekisterinpitäjän yhteystiedot",
        "Controller's contact details",
    ),
    (
        Key::DpoContact,
        "Tietosuojavastaavan yhteystiedot",
        "Data protection officer's contact details",
    ),
    (
        Key::Purpose,
        "Käsittelyn tarkoitukset",
        "Purposes of processing",
    ),
    (Key::LegalBasis, "Käsittelyn oikeusperuste", "Legal basis"),
    (
        Key::DataCategories,
        "Käsiteltävät henkilötiedot",
        "Categories of personal data",
    ),
    (Key::DataSources, "Tietolähteet", "Sources of the data"),
    (
        Key::Recipients,
        "Vastaanottajat ja luovutukset",
        "Recipients",
    ),
    (
        Key::Transfers,
        "Siirrot EU:n ja ETA:n ulkopuolelle",
        "Transfers outside the EU/EEA",
    ),
    (Key::Retention, "Säilytysaika", "Retention period"),
    (Key::Security, "Tietoturva", "Security measures"),
    (Key::Cookies, "Evästeet", "Cookies"),
    (
        Key::RightAccess,
        "Oikeus saada pääsy tietoihin",
        "Right of access",
    ),
    (
        Key::RightRectification,
        "Oikeus tietojen oikaisemiseen",
        "Right to rectification",
    ),
    (
        Key::RightErasure,
        "Oikeus tietojen poistamiseen",
        "Right to erasure",
    ),
    (
        Key::RightRestriction,
        "Oikeus käsittelyn rajoittamiseen",
        "Right to restriction of processing",
    ),
    (Key::RightObjection, "Vastustamisoikeus", "Right to object"),
    (
        Key::RightPortability,
        "Oikeus siirtää tiedot järjestelmästä toiseen",
        "Right to data portability",
    ),
    (
        Key::RightWithdrawConsent,
        "Oikeus peruuttaa suostumus",
        "Right to withdraw consent",
    ),
    (
        Key::RightComplaint,
        "Oikeus tehdä valitus valvontaviranomaiselle",
        "Right to lodge a complaint",
    ),
    (
        Key::AutomatedDecisions,
        "Automaattinen päätöksenteko ja profilointi",
        "Automated decision-making and profiling",
    ),
];

/// An element's name in the report language.
pub fn element_name(k: Key, lang: Lang) -> &'static str {
    ELEMENT_NAMES
        .iter()
        .find(|(key, _, _)| *key == k)
        .map(|(_, fi, en)| if lang == Lang::Fi { *fi } else { *en })
        .unwrap_or_else(|| k.name())
}

/// Every label of the report, one set per language.
pub struct Labels {
    pub report_title: &'static str,
    pub notices_count: &'static str,
    pub summary: &'static str,
    pub notice: &'static str,
    pub source: &'static str,
    pub date: &'static str,
    pub register: &'static str,
    pub format: &'static str,
    pub language: &'static str,
    pub score: &'static str,
    pub errors: &'static str,
    pub warnings: &'static str,
    pub infos: &'static str,
    pub total: &'static str,
    pub matrix: &'static str,
    pub matrix_intro: &'static str,
    pub legend: &'static str,
    pub element: &'static str,
    pub gaps_col: &'static str,
    pub common_gaps: &'static str,
    pub common_gaps_intro: &'static str,
    pub no_gaps: &'static str,
    pub notices_col: &'static str,
    pub common_problems: &'static str,
    pub rule: &'static str,
    pub findings_col: &'static str,
    pub scoring: &'static str,
    pub formula: &'static [&'static str],
    pub checklist: &'static str,
    pub status: &'static str,
    pub found_under: &'static str,
    pub reference: &'static str,
    pub findings: &'static str,
    pub gap_findings: &'static str,
    pub text_findings: &'static str,
    pub no_findings: &'static str,
    pub line: &'static str,
    pub column: &'static str,
    pub quote: &'static str,
    pub location: &'static str,
    pub advice: &'static str,
    pub replacement: &'static str,
    pub related: &'static str,
    pub coverage: &'static str,
    pub penalty: &'static str,
    pub capped_at: &'static str,
    pub severity: &'static str,
    pub unreadable: &'static str,
    pub no_title: &'static str,
    pub unknown: &'static str,
    pub key: &'static str,
    pub generated_by: &'static str,
    pub present: &'static str,
    pub partial: &'static str,
    pub empty: &'static str,
    pub missing: &'static str,
    pub na: &'static str,
    pub sev_error: &'static str,
    pub sev_warning: &'static str,
    pub sev_info: &'static str,
}

pub const FI: Labels = Labels {
    report_title: "Tietosuojaselosteiden arviointiraportti",
    notices_count: "arvioitua selostetta",
    summary: "Yhteenveto",
    notice: "Seloste",
    source: "Lähde",
    date: "Päiväys",
    register: "Rekisteri",
    format: "Muoto",
    language: "Kieli",
    score: "Pisteet",
    errors: "Virheet",
    warnings: "Varoitukset",
    infos: "Huomautukset",
    total: "Yhteensä",
    matrix: "Kattavuusmatriisi",
    matrix_intro: "Rivit ovat GDPR:n 13 ja 14 artiklan mukaisia tietoja, sarakkeet arvioituja selosteita (numerot kuten yhteenvedossa).",
    legend: "Merkit",
    element: "Tieto",
    gaps_col: "Puutteita",
    common_gaps: "Yleisimmät puutteet",
    common_gaps_intro: "Tiedot, jotka puuttuvat, ovat tyhjän otsikon alla tai on kerrottu vain osittain; useimmissa selosteissa olevat ensin.",
    no_gaps: "Ei puutteita.",
    notices_col: "Selosteet",
    common_problems: "Yleisimmät ongelmat tekstissä",
    rule: "Sääntö",
    findings_col: "Havaintoja",
    scoring: "Pisteytys",
    formula: &[
        "Pisteet = kattavuus − vähennys, pyöristettynä kokonaisluvuksi, vähintään 0 ja enintään 100.",
        "Kattavuus = (kerrotut + ½ × osittain kerrotut) ÷ vaaditut × 100. Vaaditut ovat tarkistuslistan 21 tietoa lukuun ottamatta niitä, jotka eivät koske selostetta (–), esimerkiksi suostumuksen peruuttaminen, kun käsittely ei perustu suostumukseen. Tyhjä otsikko ja puuttuva tieto antavat 0.",
        "Vähennys = 5 jokaisesta virhetason ja 2 jokaisesta varoitustason tekstihavainnosta (kumottu laki, täyttämätön mallipohja, ristiriita, oikeuksien käytön este ym.), yhteensä enintään 30. Huomautukset eivät vähennä.",
        "Havaintoja, jotka vain toistavat tarkistuslistan puutteen (puuttuva tieto tai tyhjä otsikko, joka on tiedon ainoa paikka), ei vähennetä uudelleen: ne näkyvät jo kattavuudessa.",
        "Perustelu: selosteen tärkein tehtävä on kertoa artiklojen 13 ja 14 tiedot, joten kattavuus ratkaisee. Virheellinen teksti voi johtaa lukijaa harhaan, mutta rajattu vähennys estää, ettei yksi toistuva virhe peitä kattavuuden eroja.",
    ],
    checklist: "Tarkistuslista",
    status: "Tila",
    found_under: "Löytyi otsikon alta",
    reference: "Lainkohta",
    findings: "Havainnot",
    gap_findings: "Puuttuvat ja puutteelliset tiedot",
    text_findings: "Ongelmat tekstissä",
    no_findings: "Ei havaintoja.",
    line: "rivi",
    column: "sarake",
    quote: "Lainaus",
    location: "Kohta",
    advice: "Ohje",
    replacement: "Korvausehdotus",
    related: "Liittyy",
    coverage: "Kattavuus",
    penalty: "Vähennys",
    capped_at: "enintään",
    severity: "Vakavuus",
    unreadable: "Tiedostot, joita ei voitu lukea",
    no_title: "(ei otsikkoa)",
    unknown: "ei ilmoitettu",
    key: "Selosteiden numerot",
    generated_by: "Laadittu työkalulla",
    present: "kerrottu",
    partial: "osittain",
    empty: "tyhjä otsikko",
    missing: "puuttuu",
    na: "ei koske",
    sev_error: "virhe",
    sev_warning: "varoitus",
    sev_info: "huomautus",
};

pub const EN: Labels = Labels {
    report_title: "Privacy notice audit report",
    notices_count: "notices audited",
    summary: "Summary",
    notice: "Notice",
    source: "Source",
    date: "Date",
    register: "Register",
    format: "Format",
    language: "Language",
    score: "Score",
    errors: "Errors",
    warnings: "Warnings",
    infos: "Notes",
    total: "Total",
    matrix: "Coverage matrix",
    matrix_intro: "Rows are the information GDPR Art. 13 and 14 require; columns are the audited notices (numbered as in the summary).",
    legend: "Legend",
    element: "Element",
    gaps_col: "Gaps",
    common_gaps: "Most common gaps",
    common_gaps_intro: "Elements that are missing, under an empty heading or only partly stated, most frequent first.",
    no_gaps: "No gaps.",
    notices_col: "Notices",
    common_problems: "Most common problems in the text",
    rule: "Rule",
    findings_col: "Findings",
    scoring: "Scoring",
    formula: &[
        "Score = coverage − penalty, rounded to a whole number, at least 0 and at most 100.",
        "Coverage = (present + ½ × partial) ÷ required × 100. Required are the checklist's 21 elements except those that do not apply to the notice (–), such as withdrawing consent where processing is not based on consent. An empty heading and a missing element count 0.",
        "Penalty = 5 for each error-level and 2 for each warning-level text finding (repealed law, unfilled template text, contradiction, obstacle to exercising rights, etc.), 30 at most. Notes do not count.",
        "Findings that only restate a checklist gap (a missing element, or an empty heading that is the element's only place) are not deducted again: coverage already counts them.",
        "Rationale: a notice exists to give the Art. 13 and 14 information, so coverage decides. Wrong text misleads readers, but a capped penalty keeps one repeated mistake from hiding differences in coverage.",
    ],
    checklist: "Checklist",
    status: "Status",
    found_under: "Found under heading",
    reference: "Legal reference",
    findings: "Findings",
    gap_findings: "Missing and incomplete elements",
    text_findings: "Problems in the text",
    no_findings: "No findings.",
    line: "line",
    column: "column",
    quote: "Quote",
    location: "Location",
    advice: "Advice",
    replacement: "Suggested replacement",
    related: "Related",
    coverage: "Coverage",
    penalty: "Penalty",
    capped_at: "capped at",
    severity: "Severity",
    unreadable: "Files that could not be read",
    no_title: "(no title)",
    unknown: "not stated",
    key: "Notice numbers",
    generated_by: "Generated by",
    present: "present",
    partial: "partial",
    empty: "empty heading",
    missing: "missing",
    na: "n/a",
    sev_error: "error",
    sev_warning: "warning",
    sev_info: "note",
};

/// Points deducted per error-level text finding.
pub const PENALTY_ERROR: u32 = 5;
/// Points deducted per warning-level text finding.
pub const PENALTY_WARNING: u32 = 2;
/// The most the text findings can deduct.
pub const PENALTY_CAP: u32 = 30;

/// A notice's score and how it was computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub present: usize,
    pub partial: usize,
    pub empty: usize,
    pub missing: usize,
    pub not_applicable: usize,
    /// 21 minus the elements that do not apply.
    pub required: usize,
    /// (present + partial / 2) / required × 100.
    pub coverage: f64,
    /// Error- and warning-level findings counted in the penalty.
    pub counted_errors: usize,
    pub counted_warnings: usize,
    pub penalty: u32,
    /// round(coverage − penalty), clamped to 0..=100.
    pub score: u32,
}

/// Findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeverityTotals {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
}

impl SeverityTotals {
    pub fn of(f: &FileReport) -> SeverityTotals {
        let mut t = SeverityTotals {
            suppressed: f.result.suppressed.len(),
            ..Default::default()
        };
        for d in &f.result.diagnostics {
            match d.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Info => t.infos += 1,
            }
        }
        t
    }

    fn add(&mut self, o: SeverityTotals) {
        self.errors += o.errors;
        self.warnings += o.warnings;
        self.infos += o.infos;
        self.suppressed += o.suppressed;
    }
}

fn status_of(f: &FileReport, k: Key) -> Status {
    f.result
        .elements
        .get(&k)
        .map(|s| s.status)
        .unwrap_or(Status::Missing)
}

/// True when a finding only restates a checklist gap: a missing or partial
/// element, or an empty heading that is where an element was scored empty.
pub fn restates_gap(f: &FileReport, d: &Diagnostic) -> bool {
    if d.category == "missing-element" {
        return true;
    }
    if d.category == "empty-section" {
        return f.result.elements.values().any(|st| {
            st.status == Status::Empty
                && st
                    .section
                    .and_then(|i| f.notice.sections.get(i))
                    .is_some_and(|s| s.heading_span == d.span)
        });
    }
    false
}

/// The notice's score; see [`Labels::formula`].
pub fn score(f: &FileReport) -> Score {
    let mut s = Score {
        present: 0,
        partial: 0,
        empty: 0,
        missing: 0,
        not_applicable: 0,
        required: 0,
        coverage: 100.0,
        counted_errors: 0,
        counted_warnings: 0,
        penalty: 0,
        score: 0,
    };
    for k in Key::ELEMENTS {
        match status_of(f, k) {
            Status::Present => s.present += 1,
            Status::Partial => s.partial += 1,
            Status::Empty => s.empty += 1,
            Status::Missing => s.missing += 1,
            Status::NotApplicable => s.not_applicable += 1,
        }
    }
    s.required = Key::ELEMENTS.len() - s.not_applicable;
    if s.required > 0 {
        s.coverage = (s.present as f64 + s.partial as f64 / 2.0) / s.required as f64 * 100.0;
    }
    for d in &f.result.diagnostics {
        if restates_gap(f, d) || d.category == "suppression" {
            continue;
        }
        match d.severity {
            Severity::Error => s.counted_errors += 1,
            Severity::Warning => s.counted_warnings += 1,
            Severity::Info => {}
        }
    }
    let raw = s.counted_errors as u32 * PENALTY_ERROR + s.counted_warnings as u32 * PENALTY_WARNING;
    s.penalty = raw.min(PENALTY_CAP);
    s.score = (s.coverage - s.penalty as f64).round().clamp(0.0, 100.0) as u32;
    s
}

/// Escapes text for HTML content and double- or single-quoted attributes.
pub fn esc_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newline have no business
            // in a report (and NUL is a parse error in HTML).
            c if c.is_control() && c != '\t' && c != '\n' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for inline Markdown (CommonMark/GFM): everything that could
/// start markup, raw HTML, an entity, a link or a table cell boundary is
/// backslash-escaped, and line breaks are folded into spaces. The report only
/// puts such text after other text on a line (`- **Lähde:** …`, `| … |`,
/// `## 1. …`), so line-start markers (`#`, `-`, `1.`) need no escape.
pub fn esc_md(s: &str) -> String {
    let folded = collapse(s);
    let chars: Vec<char> = folded.chars().collect();
    let mut out = String::with_capacity(folded.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '&' | '~' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            // An underscore inside a word (file_name) cannot open emphasis.
            '_' => {
                let inner = i > 0
                    && chars[i - 1].is_alphanumeric()
                    && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
                if !inner {
                    out.push('\\');
                }
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

fn num1(x: f64, lang: Lang) -> String {
    let s = format!("{:.1}", x);
    let s = s.strip_suffix(".0").map(str::to_string).unwrap_or(s);
    if lang == Lang::Fi {
        s.replace('.', ",")
    } else {
        s
    }
}

/// Symbol, CSS class and label for a status; the symbol carries the meaning
/// without colour.
fn status_view(st: Status, l: &Labels) -> (&'static str, &'static str, &'static str) {
    match st {
        Status::Present => ("✓", "st-present", l.present),
        Status::Partial => ("½", "st-partial", l.partial),
        Status::Empty => ("∅", "st-empty", l.empty),
        Status::Missing => ("✗", "st-missing", l.missing),
        Status::NotApplicable => ("–", "st-na", l.na),
    }
}

const LEGEND: [Status; 5] = [
    Status::Present,
    Status::Partial,
    Status::Empty,
    Status::Missing,
    Status::NotApplicable,
];

/// "5 virhettä, 1 varoitus, 0 huomautusta" (and suppressed, when any).
fn totals_text(t: &SeverityTotals, lang: Lang) -> String {
    let word = |n: usize, fi: (&str, &str), en: (&str, &str)| {
        let (one, many) = if lang == Lang::Fi { fi } else { en };
        format!("{n} {}", if n == 1 { one } else { many })
    };
    let mut s = [
        word(t.errors, ("virhe", "virhettä"), ("error", "errors")),
        word(
            t.warnings,
            ("varoitus", "varoitusta"),
            ("warning", "warnings"),
        ),
        word(t.infos, ("huomautus", "huomautusta"), ("note", "notes")),
    ]
    .join(", ");
    if t.suppressed > 0 {
        s.push_str(", ");
        s.push_str(&word(
            t.suppressed,
            ("vaiennettu", "vaiennettua"),
            ("suppressed", "suppressed"),
        ));
    }
    s
}

fn sev_label(s: Severity, l: &Labels) -> &'static str {
    match s {
        Severity::Error => l.sev_error,
        Severity::Warning => l.sev_warning,
        Severity::Info => l.sev_info,
    }
}

/// An element, its status, and the heading it was found under with the
/// heading's line.
type ChecklistRow = (Key, Status, Option<(String, u32)>);

/// One notice, prepared for rendering.
struct NoticeView<'a> {
    f: &'a FileReport,
    title: String,
    date: Option<String>,
    score: Score,
    totals: SeverityTotals,
    /// (element, status, heading it was found under with its line)
    checklist: Vec<ChecklistRow>,
    /// Missing-element findings, then text findings; each by severity (most
    /// severe first), then position.
    gap_findings: Vec<&'a Diagnostic>,
    text_findings: Vec<&'a Diagnostic>,
}

fn view(f: &FileReport) -> NoticeView<'_> {
    let title = f
        .notice
        .title
        .as_ref()
        .map(|t| collapse(&t.raw.text))
        .filter(|t| !t.is_empty())
        .unwrap_or_default();
    let date = f.notice.date.as_ref().map(|d| match &d.iso {
        Some(iso) if iso != &d.text => format!("{} ({iso})", d.text),
        _ => d.text.clone(),
    });
    let checklist = Key::ELEMENTS
        .iter()
        .map(|&k| {
            let st = f.result.elements.get(&k);
            let status = st.map(|s| s.status).unwrap_or(Status::Missing);
            let heading = st
                .and_then(|s| s.section)
                .filter(|_| status != Status::Missing && status != Status::NotApplicable)
                .and_then(|i| f.notice.sections.get(i))
                .map(|s| {
                    (
                        collapse(&s.heading_text),
                        f.source.line_col(s.heading_span.start).line,
                    )
                });
            (k, status, heading)
        })
        .collect();
    let order = |v: &mut Vec<&Diagnostic>| {
        v.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.span.start.cmp(&b.span.start))
                .then(a.rule.cmp(&b.rule))
        })
    };
    let (mut gap_findings, mut text_findings): (Vec<&Diagnostic>, Vec<&Diagnostic>) = f
        .result
        .diagnostics
        .iter()
        .partition(|d| d.category == "missing-element");
    order(&mut gap_findings);
    order(&mut text_findings);
    NoticeView {
        f,
        title,
        date,
        score: score(f),
        totals: SeverityTotals::of(f),
        checklist,
        gap_findings,
        text_findings,
    }
}

/// Elements by how many notices lack them: (element, missing, empty,
/// partial, notice numbers), most gaps first.
type Gap = (Key, usize, usize, usize, Vec<usize>);

fn common_gaps(views: &[NoticeView]) -> Vec<Gap> {
    let mut out: Vec<Gap> = Key::ELEMENTS
        .iter()
        .map(|&k| {
            let mut g = (k, 0, 0, 0, Vec::new());
            for (i, v) in views.iter().enumerate() {
                match status_of(v.f, k) {
                    Status::Missing => g.1 += 1,
                    Status::Empty => g.2 += 1,
                    Status::Partial => g.3 += 1,
                    _ => continue,
                }
                g.4.push(i + 1);
            }
            g
        })
        .filter(|g| !g.4.is_empty())
        .collect();
    // Most notices affected first; among equals, outright missing first, then
    // the schema's order (stable sort).
    out.sort_by(|a, b| b.4.len().cmp(&a.4.len()).then(b.1.cmp(&a.1)));
    out
}

/// Text problems by rule: (rule, severity, message, findings, notice numbers).
type Problem = (String, Severity, String, usize, Vec<usize>);

fn common_problems(views: &[NoticeView], engine: &Engine, lang: Lang) -> Vec<Problem> {
    let mut by_rule: BTreeMap<String, Problem> = BTreeMap::new();
    for (i, v) in views.iter().enumerate() {
        for d in &v.text_findings {
            let e = by_rule.entry(d.rule.to_string()).or_insert_with(|| {
                let msg = engine
                    .rule(&d.rule)
                    .map(|r| {
                        r.message(lang.code())
                            .replace("{heading}", "…")
                            .replace("{date}", "…")
                    })
                    .unwrap_or_else(|| d.message.clone());
                (d.rule.to_string(), d.severity, msg, 0, Vec::new())
            });
            e.3 += 1;
            if e.4.last() != Some(&(i + 1)) {
                e.4.push(i + 1);
            }
        }
    }
    let mut out: Vec<Problem> = by_rule.into_values().collect();
    out.sort_by(|a, b| {
        b.4.len()
            .cmp(&a.4.len())
            .then(b.1.cmp(&a.1))
            .then(b.3.cmp(&a.3))
            .then(a.0.cmp(&b.0))
    });
    out
}

fn element_reference(engine: &Engine, k: Key) -> String {
    engine
        .rules
        .iter()
        .find(|r| r.element == Some(k) && r.category == "missing-element")
        .map(|r| r.reference.to_string())
        .unwrap_or_default()
}

/// The suggested replacement text: the finding's own fix, else the rule's.
fn replacement<'a>(d: &'a Diagnostic, engine: &'a Engine) -> Option<&'a str> {
    d.fix
        .as_ref()
        .map(|f| f.replacement.as_str())
        .or_else(|| engine.rule(&d.rule).and_then(|r| r.replacement.as_deref()))
        .filter(|s| !s.trim().is_empty())
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn score_text(s: &Score, l: &Labels, lang: Lang) -> (String, String) {
    let coverage = format!(
        "{}: ({} + ½ × {}) ÷ {} × 100 = {} %",
        l.coverage,
        s.present,
        s.partial,
        s.required,
        num1(s.coverage, lang)
    );
    let raw = s.counted_errors as u32 * PENALTY_ERROR + s.counted_warnings as u32 * PENALTY_WARNING;
    let mut penalty = format!(
        "{}: {} × {PENALTY_ERROR} + {} × {PENALTY_WARNING} = {raw}",
        l.penalty, s.counted_errors, s.counted_warnings,
    );
    if raw > PENALTY_CAP {
        let _ = write!(penalty, " → {} {PENALTY_CAP}", l.capped_at);
    }
    (coverage, penalty)
}

const CSS: &str = r#"
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"DejaVu Sans",sans-serif;color:#1d1d1f;background:#fff;margin:0 auto;max-width:72rem;padding:1.5rem 2rem 3rem;line-height:1.45;font-size:15px}
h1{font-size:1.9rem;margin:.2rem 0 .3rem}
h2{font-size:1.4rem;margin:2.2rem 0 .6rem;padding-bottom:.25rem;border-bottom:2px solid #d0d4dc}
h3{font-size:1.1rem;margin:1.6rem 0 .5rem}
h4{font-size:1rem;margin:1.2rem 0 .4rem;color:#444}
p.meta{color:#555;margin:0 0 1rem}
table{border-collapse:collapse;margin:.5rem 0 1rem}
th,td{border:1px solid #c9ced6;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f2f5;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
a{color:#0b57d0}
code{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.88em;background:#f3f4f6;padding:0 .2em;border-radius:3px}
.score{font-weight:700}
.sym{display:inline-block;min-width:1.2em;text-align:center;font-weight:700}
.st-present{background:#d7f0dc;color:#14532d}
.st-partial{background:#fff0bf;color:#6b4a00}
.st-empty{background:#ffd8bf;color:#7c2d00}
.st-missing{background:#f9cdcd;color:#7f1111}
.st-na{background:#eceef1;color:#555}
table.matrix td.c{text-align:center;font-weight:700;min-width:2.1em;padding:.2rem .3rem}
table.matrix th.c{text-align:center;min-width:2.1em;padding:.2rem .3rem}
table.matrix td,table.matrix th{font-size:.9em}
table.matrix tr.score-row td{background:#f0f2f5;font-weight:700;text-align:center}
ul.legend{list-style:none;padding:0;margin:.3rem 0 .8rem;display:flex;flex-wrap:wrap;gap:.4rem 1rem}
ul.legend li{white-space:nowrap}
ul.legend .sym{border:1px solid #c9ced6;border-radius:3px;padding:0 .25em}
p.key{font-size:.85em;color:#444}
table.checklist td.status{white-space:nowrap}
table.checklist .line,.loc{color:#555;font-size:.88em;white-space:nowrap}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.4rem 0 1rem}
.facts dt{font-weight:600;color:#444}
.facts dd{margin:0;overflow-wrap:anywhere}
.scorebox{display:flex;gap:1.5rem;align-items:center;border:1px solid #c9ced6;border-radius:6px;padding:.6rem 1rem;margin:.6rem 0 1rem;background:#fafbfc}
.scorebox .big{font-size:2.2rem;font-weight:700;line-height:1}
.scorebox .big small{font-size:.9rem;font-weight:400;color:#555}
.scorebox p{margin:.1rem 0;font-size:.92em}
.finding{border:1px solid #c9ced6;border-left:6px solid #888;border-radius:4px;padding:.5rem .8rem;margin:.6rem 0;background:#fff}
.finding.sev-error{border-left-color:#b3261e}
.finding.sev-warning{border-left-color:#c77700}
.finding.sev-info{border-left-color:#0b57d0}
.finding .head{display:flex;flex-wrap:wrap;gap:.3rem .8rem;align-items:baseline}
.finding .sev{font-weight:700;text-transform:uppercase;font-size:.8em;letter-spacing:.04em}
.sev-error .sev{color:#b3261e}
.sev-warning .sev{color:#8a5300}
.sev-info .sev{color:#0b57d0}
.finding .msg{font-weight:600;margin:.3rem 0}
.finding blockquote{margin:.3rem 0;padding:.2rem .7rem;border-left:3px solid #c9ced6;background:#f6f7f9;font-style:italic;overflow-wrap:anywhere}
.finding dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.3rem 0 0;font-size:.92em}
.finding dt{font-weight:600;color:#444}
.finding dd{margin:0}
.formula li{margin:.2rem 0}
footer{margin-top:3rem;color:#666;font-size:.85em}
@page{size:A4;margin:14mm 12mm}
@page landscape{size:A4 landscape;margin:10mm}
@media print{
body{max-width:none;padding:0;font-size:9.5pt}
a{color:inherit;text-decoration:none}
h2{margin-top:0}
h2,h3,h4{break-after:avoid;page-break-after:avoid}
section.matrix-page{page:landscape;break-before:page;page-break-before:always}
section.matrix-page table.matrix td,section.matrix-page table.matrix th{font-size:7.5pt;padding:.05rem .25rem}
section.after-matrix{break-before:page;page-break-before:always}
section.notice{break-before:page;page-break-before:always}
.finding,.scorebox,tr{break-inside:avoid;page-break-inside:avoid}
thead{display:table-header-group}
}
"#;

/// Notices per matrix table: more columns would not fit a landscape page.
const MATRIX_COLUMNS: usize = 16;

/// The audit report as one self-contained HTML document.
pub fn html(files: &[FileReport], errors: &[FileError], engine: &Engine, lang: Lang) -> String {
    let l = lang.labels();
    let views: Vec<NoticeView> = files.iter().map(view).collect();
    let mut o = String::with_capacity(64 * 1024);
    let e = esc_html;
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"seloste {}\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
        lang.code(),
        env!("CARGO_PKG_VERSION"),
        e(l.report_title),
        CSS
    );

    // Summary.
    let mut all = SeverityTotals::default();
    for v in &views {
        all.add(v.totals);
    }
    let _ = write!(
        o,
        "<header>\n<h1>{}</h1>\n<p class=\"meta\">{} {} · {}: {}</p>\n</header>\n",
        e(l.report_title),
        views.len(),
        l.notices_count,
        l.total,
        totals_text(&all, lang)
    );
    let _ = write!(
        o,
        "<section id=\"summary\">\n<h2>{}</h2>\n<table class=\"summary\">\n<thead><tr><th class=\"n\">#</th><th>{}</th><th>{}</th><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead>\n<tbody>\n",
        l.summary, l.notice, l.source, l.date, l.score, l.errors, l.warnings, l.infos
    );
    for (i, v) in views.iter().enumerate() {
        let _ = writeln!(
            o,
            "<tr><td class=\"n\">{n}</td><td><a href=\"#n{n}\">{}</a></td><td>{}</td><td>{}</td><td class=\"n score\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            e(if v.title.is_empty() { l.no_title } else { &v.title }),
            e(&v.f.path),
            e(v.date.as_deref().unwrap_or(l.unknown)),
            v.score.score,
            v.totals.errors,
            v.totals.warnings,
            v.totals.infos,
            n = i + 1,
        );
    }
    let _ = write!(
        o,
        "</tbody>\n<tfoot><tr><th colspan=\"4\">{}</th><th class=\"n\"></th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></tfoot>\n</table>\n",
        l.total, all.errors, all.warnings, all.infos
    );
    if !errors.is_empty() {
        let _ = write!(o, "<h3>{}</h3>\n<ul class=\"unreadable\">\n", l.unreadable);
        for er in errors {
            let _ = writeln!(o, "<li>{}: {}</li>", e(&er.path), e(&er.message));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</section>\n");

    // Coverage matrix, on its own (landscape) page when printed.
    let _ = write!(
        o,
        "<section class=\"matrix-page\" id=\"matrix\">\n<h2>{}</h2>\n<p>{}</p>\n<ul class=\"legend\" aria-label=\"{}\">\n",
        l.matrix,
        l.matrix_intro,
        l.legend
    );
    for st in LEGEND {
        let (sym, class, label) = status_view(st, l);
        let _ = writeln!(
            o,
            "<li><span class=\"sym {class}\">{sym}</span> {label}</li>"
        );
    }
    o.push_str("</ul>\n");
    let chunks: Vec<(usize, &[NoticeView])> = views
        .chunks(MATRIX_COLUMNS)
        .enumerate()
        .map(|(c, ch)| (c * MATRIX_COLUMNS, ch))
        .collect();
    let last_chunk = chunks.len().saturating_sub(1);
    for (ci, (first, chunk)) in chunks.iter().enumerate() {
        let with_gaps = ci == last_chunk;
        let _ = write!(
            o,
            "<table class=\"matrix\">\n<thead><tr><th>{}</th>",
            l.element
        );
        for (j, v) in chunk.iter().enumerate() {
            let n = first + j + 1;
            let _ = write!(
                o,
                "<th class=\"c\" title=\"{}\"><a href=\"#n{n}\">{n}</a></th>",
                e(&format!("{} — {}", v.f.path, v.title))
            );
        }
        if with_gaps {
            let _ = write!(o, "<th class=\"n\">{}</th>", l.gaps_col);
        }
        o.push_str("</tr></thead>\n<tbody>\n");
        for k in Key::ELEMENTS {
            let _ = write!(
                o,
                "<tr data-element=\"{}\"><th scope=\"row\">{}</th>",
                k.name(),
                element_name(k, lang)
            );
            for v in chunk.iter() {
                let (sym, class, label) = status_view(status_of(v.f, k), l);
                let _ = write!(
                    o,
                    "<td class=\"c {class}\" title=\"{label}\" aria-label=\"{label}\">{sym}</td>"
                );
            }
            if with_gaps {
                let gaps = views
                    .iter()
                    .filter(|v| {
                        matches!(
                            status_of(v.f, k),
                            Status::Missing | Status::Empty | Status::Partial
                        )
                    })
                    .count();
                let _ = write!(o, "<td class=\"n\">{gaps}</td>");
            }
            o.push_str("</tr>\n");
        }
        let _ = write!(
            o,
            "<tr class=\"score-row\"><th scope=\"row\">{}</th>",
            l.score
        );
        for v in chunk.iter() {
            let _ = write!(o, "<td>{}</td>", v.score.score);
        }
        if with_gaps {
            o.push_str("<td></td>");
        }
        o.push_str("</tr>\n</tbody>\n</table>\n");
    }
    let _ = write!(o, "<p class=\"key\"><strong>{}:</strong> ", l.key);
    for (i, v) in views.iter().enumerate() {
        if i > 0 {
            o.push_str(" · ");
        }
        let _ = write!(o, "{} = {}", i + 1, e(file_name(&v.f.path)));
    }
    o.push_str("</p>\n</section>\n");

    // Most common gaps and problems, and the scoring rules.
    let _ = write!(
        o,
        "<section class=\"after-matrix\" id=\"gaps\">\n<h2>{}</h2>\n<p>{}</p>\n",
        l.common_gaps, l.common_gaps_intro
    );
    let gaps = common_gaps(&views);
    if gaps.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", l.no_gaps);
    } else {
        let _ = write!(
            o,
            "<table class=\"gaps\">\n<thead><tr><th>{}</th><th class=\"n\"><span class=\"sym st-missing\">✗</span> {}</th><th class=\"n\"><span class=\"sym st-empty\">∅</span> {}</th><th class=\"n\"><span class=\"sym st-partial\">½</span> {}</th><th>{}</th></tr></thead>\n<tbody>\n",
            l.element, l.missing, l.empty, l.partial, l.notices_col
        );
        for (k, m, em, p, ns) in &gaps {
            let _ = writeln!(
                o,
                "<tr data-element=\"{}\"><td>{}</td><td class=\"n\">{m}</td><td class=\"n\">{em}</td><td class=\"n\">{p}</td><td>{}</td></tr>",
                k.name(),
                element_name(*k, lang),
                notice_links(ns)
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    let problems = common_problems(&views, engine, lang);
    let _ = writeln!(o, "<h3>{}</h3>", l.common_problems);
    if problems.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", l.no_findings);
    } else {
        let _ = write!(
            o,
            "<table class=\"problems\">\n<thead><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th><th>{}</th></tr></thead>\n<tbody>\n",
            l.rule, l.severity, l.findings_col, l.notices_col
        );
        for (rule, sev, msg, count, ns) in &problems {
            let _ = writeln!(
                o,
                "<tr><td><code>{}</code><br>{}</td><td>{}</td><td class=\"n\">{count}</td><td>{}</td></tr>",
                e(rule),
                e(msg),
                sev_label(*sev, l),
                notice_links(ns)
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    let _ = write!(
        o,
        "</section>\n<section id=\"scoring\">\n<h2>{}</h2>\n<ul class=\"formula\">\n",
        l.scoring
    );
    for line in l.formula {
        let _ = writeln!(o, "<li>{}</li>", e(line));
    }
    o.push_str("</ul>\n</section>\n");

    // One section per notice.
    for (i, v) in views.iter().enumerate() {
        html_notice(&mut o, i + 1, v, engine, lang);
    }
    let _ = write!(
        o,
        "<footer>{} seloste {}</footer>\n</body>\n</html>\n",
        l.generated_by,
        env!("CARGO_PKG_VERSION")
    );
    o
}

fn notice_links(ns: &[usize]) -> String {
    ns.iter()
        .map(|n| format!("<a href=\"#n{n}\">{n}</a>"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn html_notice(o: &mut String, n: usize, v: &NoticeView, engine: &Engine, lang: Lang) {
    let l = lang.labels();
    let e = esc_html;
    let f = v.f;
    let _ = write!(
        o,
        "<section class=\"notice\" id=\"n{n}\">\n<h2>{n}. {}</h2>\n<dl class=\"facts\">\n",
        e(if v.title.is_empty() {
            l.no_title
        } else {
            &v.title
        })
    );
    let _ = writeln!(o, "<dt>{}</dt><dd>{}</dd>", l.source, e(&f.path));
    let _ = writeln!(
        o,
        "<dt>{}</dt><dd>{}</dd>",
        l.date,
        e(v.date.as_deref().unwrap_or(l.unknown))
    );
    if let Some(r) = &f.notice.register_name {
        let _ = writeln!(o, "<dt>{}</dt><dd>{}</dd>", l.register, e(r));
    }
    let _ = writeln!(
        o,
        "<dt>{}</dt><dd>{}, {}</dd>",
        l.format,
        f.format.name(),
        e(f.source.encoding)
    );
    let _ = writeln!(o, "<dt>{}</dt><dd>{}</dd>", l.language, e(f.language));
    o.push_str("</dl>\n");

    let (coverage, penalty) = score_text(&v.score, l, lang);
    let _ = writeln!(
        o,
        "<div class=\"scorebox\"><div class=\"big\" data-score=\"{s}\">{s}<small> / 100</small></div><div><p><strong>{}</strong></p><p>{}</p><p>{}</p><p>{}: {}</p></div></div>",
        l.score,
        e(&coverage),
        e(&penalty),
        l.findings,
        totals_text(&v.totals, lang),
        s = v.score.score,
    );

    let _ = write!(
        o,
        "<h3>{}</h3>\n<table class=\"checklist\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        l.checklist, l.element, l.status, l.found_under, l.reference
    );
    for (k, st, heading) in &v.checklist {
        let (sym, class, label) = status_view(*st, l);
        let heading = match heading {
            Some((h, line)) => format!("{} <span class=\"line\">({} {line})</span>", e(h), l.line),
            None => String::new(),
        };
        let _ = writeln!(
            o,
            "<tr data-element=\"{}\" data-status=\"{}\"><td>{}</td><td class=\"status {class}\"><span class=\"sym\">{sym}</span> {label}</td><td>{heading}</td><td>{}</td></tr>",
            k.name(),
            st.name(),
            element_name(*k, lang),
            e(&element_reference(engine, *k))
        );
    }
    o.push_str("</tbody>\n</table>\n");

    let _ = writeln!(
        o,
        "<h3>{} ({})</h3>",
        l.findings,
        f.result.diagnostics.len()
    );
    if f.result.diagnostics.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", l.no_findings);
    }
    for (title, list) in [
        (l.text_findings, &v.text_findings),
        (l.gap_findings, &v.gap_findings),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(o, "<h4>{title} ({})</h4>", list.len());
        for d in list.iter() {
            html_finding(o, f, d, engine, lang);
        }
    }
    o.push_str("</section>\n");
}

/// The text a finding quotes, as a reader sees it. An empty heading is
/// quoted as parsed (entities decoded), like the checklist shows it.
fn quote_text(f: &FileReport, d: &Diagnostic) -> String {
    let heading = (d.category == "empty-section")
        .then(|| f.notice.sections.iter().find(|s| s.heading_span == d.span))
        .flatten()
        .map(|s| s.heading_text.as_str());
    truncate(&collapse(heading.unwrap_or(&d.quote)), 400)
}

/// How a finding's quote is labelled: the quoted text itself, or for a
/// partial element the heading it was found under. A missing element has no
/// place in the text (the engine anchors it on the title), so no quote.
fn quote_label(f: &FileReport, d: &Diagnostic, l: &'static Labels) -> Option<&'static str> {
    if d.category != "missing-element" {
        return Some(l.quote);
    }
    let st = d.element.map(|k| status_of(f, k));
    (st != Some(Status::Missing)).then_some(l.location)
}

fn html_finding(o: &mut String, f: &FileReport, d: &Diagnostic, engine: &Engine, lang: Lang) {
    let l = lang.labels();
    let e = esc_html;
    let lc = f.source.line_col(d.span.start);
    let sev = d.severity.name();
    let _ = write!(
        o,
        "<article class=\"finding sev-{sev}\" data-rule=\"{}\" data-line=\"{}\">\n<div class=\"head\"><span class=\"sev\">{}</span><code>{}</code><span class=\"loc\">{} {}, {} {}</span></div>\n<p class=\"msg\">{}</p>\n",
        e(&d.rule),
        lc.line,
        sev_label(d.severity, l),
        e(&d.rule),
        l.line,
        lc.line,
        l.column,
        lc.column,
        e(&d.message)
    );
    let quote = quote_text(f, d);
    if let Some(label) = quote_label(f, d, l).filter(|_| !quote.is_empty()) {
        let _ = writeln!(
            o,
            "<blockquote class=\"quote\" aria-label=\"{label}\">“{}”</blockquote>",
            e(&quote)
        );
    }
    o.push_str("<dl>\n");
    for r in &d.related {
        let rl = f.source.line_col(r.span.start);
        let _ = writeln!(
            o,
            "<dt>{}</dt><dd>{} <span class=\"loc\">({} {}, {} {})</span></dd>",
            l.related,
            e(&r.message),
            l.line,
            rl.line,
            l.column,
            rl.column
        );
    }
    if !d.reference.is_empty() {
        let _ = writeln!(o, "<dt>{}</dt><dd>{}</dd>", l.reference, e(&d.reference));
    }
    if !d.help.is_empty() {
        let _ = writeln!(o, "<dt>{}</dt><dd>{}</dd>", l.advice, e(&d.help));
    }
    if let Some(rep) = replacement(d, engine) {
        let _ = writeln!(o, "<dt>{}</dt><dd>“{}”</dd>", l.replacement, e(rep));
    }
    o.push_str("</dl>\n</article>\n");
}

/// The audit report as Markdown (GFM tables), for pasting into documents.
pub fn markdown(files: &[FileReport], errors: &[FileError], engine: &Engine, lang: Lang) -> String {
    let l = lang.labels();
    let views: Vec<NoticeView> = files.iter().map(view).collect();
    let m = esc_md;
    let mut o = String::with_capacity(32 * 1024);
    let mut all = SeverityTotals::default();
    for v in &views {
        all.add(v.totals);
    }
    let _ = write!(
        o,
        "# {}\n\n{} {} · {}: {}\n\n## {}\n\n| # | {} | {} | {} | {} | {} | {} | {} |\n|--:|---|---|---|--:|--:|--:|--:|\n",
        l.report_title,
        views.len(),
        l.notices_count,
        l.total,
        totals_text(&all, lang),
        l.summary,
        l.notice,
        l.source,
        l.date,
        l.score,
        l.errors,
        l.warnings,
        l.infos
    );
    for (i, v) in views.iter().enumerate() {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            i + 1,
            m(if v.title.is_empty() {
                l.no_title
            } else {
                &v.title
            }),
            m(&v.f.path),
            m(v.date.as_deref().unwrap_or(l.unknown)),
            v.score.score,
            v.totals.errors,
            v.totals.warnings,
            v.totals.infos
        );
    }
    let _ = writeln!(
        o,
        "| | **{}** | | | | **{}** | **{}** | **{}** |",
        l.total, all.errors, all.warnings, all.infos
    );
    if !errors.is_empty() {
        let _ = write!(o, "\n**{}:**\n\n", l.unreadable);
        for er in errors {
            let _ = writeln!(o, "- {}: {}", m(&er.path), m(&er.message));
        }
    }

    // Matrix.
    let _ = write!(
        o,
        "\n## {}\n\n{}\n\n{}: ",
        l.matrix, l.matrix_intro, l.legend
    );
    let legend: Vec<String> = LEGEND
        .iter()
        .map(|&st| {
            let (sym, _, label) = status_view(st, l);
            format!("{sym} {label}")
        })
        .collect();
    let _ = write!(o, "{}\n\n| {} |", legend.join(" · "), l.element);
    for i in 0..views.len() {
        let _ = write!(o, " {} |", i + 1);
    }
    let _ = write!(o, " {} |\n|---|", l.gaps_col);
    for _ in 0..views.len() {
        o.push_str(":-:|");
    }
    o.push_str("--:|\n");
    for k in Key::ELEMENTS {
        let _ = write!(o, "| {} |", element_name(k, lang));
        let mut gaps = 0;
        for v in &views {
            let st = status_of(v.f, k);
            if matches!(st, Status::Missing | Status::Empty | Status::Partial) {
                gaps += 1;
            }
            let _ = write!(o, " {} |", status_view(st, l).0);
        }
        let _ = writeln!(o, " {gaps} |");
    }
    let _ = write!(o, "| **{}** |", l.score);
    for v in &views {
        let _ = write!(o, " **{}** |", v.score.score);
    }
    o.push_str(" |\n\n");
    let key: Vec<String> = views
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{} = {}", i + 1, m(file_name(&v.f.path))))
        .collect();
    let _ = writeln!(o, "{}: {}", l.key, key.join(" · "));

    // Common gaps and problems.
    let _ = write!(o, "\n## {}\n\n{}\n\n", l.common_gaps, l.common_gaps_intro);
    let gaps = common_gaps(&views);
    if gaps.is_empty() {
        let _ = writeln!(o, "{}", l.no_gaps);
    } else {
        let _ = write!(
            o,
            "| {} | ✗ {} | ∅ {} | ½ {} | {} |\n|---|--:|--:|--:|---|\n",
            l.element, l.missing, l.empty, l.partial, l.notices_col
        );
        for (k, mi, em, p, ns) in &gaps {
            let ns: Vec<String> = ns.iter().map(|n| n.to_string()).collect();
            let _ = writeln!(
                o,
                "| {} | {mi} | {em} | {p} | {} |",
                element_name(*k, lang),
                ns.join(", ")
            );
        }
    }
    let _ = write!(o, "\n### {}\n\n", l.common_problems);
    let problems = common_problems(&views, engine, lang);
    if problems.is_empty() {
        let _ = writeln!(o, "{}", l.no_findings);
    } else {
        let _ = write!(
            o,
            "| {} | {} | {} | {} |\n|---|---|--:|---|\n",
            l.rule, l.severity, l.findings_col, l.notices_col
        );
        for (rule, sev, msg, count, ns) in &problems {
            let ns: Vec<String> = ns.iter().map(|n| n.to_string()).collect();
            let _ = writeln!(
                o,
                "| {}: {} | {} | {count} | {} |",
                md_code(rule),
                m(msg),
                sev_label(*sev, l),
                ns.join(", ")
            );
        }
    }
    let _ = write!(o, "\n## {}\n\n", l.scoring);
    for line in l.formula {
        let _ = writeln!(o, "- {}", m(line));
    }

    for (i, v) in views.iter().enumerate() {
        md_notice(&mut o, i + 1, v, engine, lang);
    }
    let _ = write!(
        o,
        "\n---\n\n{} seloste {}\n",
        l.generated_by,
        env!("CARGO_PKG_VERSION")
    );
    o
}

/// A rule id as inline code when it is a plain id, else escaped text.
fn md_code(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
    {
        format!("`{s}`")
    } else {
        esc_md(s)
    }
}

fn md_notice(o: &mut String, n: usize, v: &NoticeView, engine: &Engine, lang: Lang) {
    let l = lang.labels();
    let m = esc_md;
    let f = v.f;
    let _ = write!(
        o,
        "\n---\n\n## {n}. {}\n\n- **{}:** {}\n- **{}:** {}\n",
        m(if v.title.is_empty() {
            l.no_title
        } else {
            &v.title
        }),
        l.source,
        m(&f.path),
        l.date,
        m(v.date.as_deref().unwrap_or(l.unknown))
    );
    if let Some(r) = &f.notice.register_name {
        let _ = writeln!(o, "- **{}:** {}", l.register, m(r));
    }
    let _ = writeln!(
        o,
        "- **{}:** {}, {}\n- **{}:** {}",
        l.format,
        f.format.name(),
        m(f.source.encoding),
        l.language,
        m(f.language)
    );
    let (coverage, penalty) = score_text(&v.score, l, lang);
    let _ = write!(
        o,
        "\n**{}: {} / 100**. {}. {}.\n\n{}: {}",
        l.score,
        v.score.score,
        m(&coverage),
        m(&penalty),
        l.findings,
        totals_text(&v.totals, lang),
    );
    let _ = write!(
        o,
        "\n\n### {}\n\n| {} | {} | {} | {} |\n|---|---|---|---|\n",
        l.checklist, l.element, l.status, l.found_under, l.reference
    );
    for (k, st, heading) in &v.checklist {
        let (sym, _, label) = status_view(*st, l);
        let heading = match heading {
            Some((h, line)) => format!("{} ({} {line})", m(h), l.line),
            None => String::new(),
        };
        let _ = writeln!(
            o,
            "| {} | {sym} {label} | {heading} | {} |",
            element_name(*k, lang),
            m(&element_reference(engine, *k))
        );
    }
    let _ = write!(o, "\n### {} ({})\n", l.findings, f.result.diagnostics.len());
    if f.result.diagnostics.is_empty() {
        let _ = write!(o, "\n{}\n", l.no_findings);
    }
    let mut k = 0;
    for (title, list) in [
        (l.text_findings, &v.text_findings),
        (l.gap_findings, &v.gap_findings),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = write!(o, "\n#### {title} ({})\n", list.len());
        for d in list.iter() {
            k += 1;
            let lc = f.source.line_col(d.span.start);
            let _ = write!(
                o,
                "\n{k}\\. **{}** · {} · {} {}, {} {}: {}\n",
                sev_label(d.severity, l),
                md_code(&d.rule),
                l.line,
                lc.line,
                l.column,
                lc.column,
                m(&d.message)
            );
            let quote = quote_text(f, d);
            if let Some(label) = quote_label(f, d, l).filter(|_| !quote.is_empty()) {
                let _ = write!(o, "\n> {label}: “{}”\n", m(&quote));
            }
            o.push('\n');
            for r in &d.related {
                let rl = f.source.line_col(r.span.start);
                let _ = writeln!(
                    o,
                    "- **{}:** {} ({} {}, {} {})",
                    l.related,
                    m(&r.message),
                    l.line,
                    rl.line,
                    l.column,
                    rl.column
                );
            }
            if !d.reference.is_empty() {
                let _ = writeln!(o, "- **{}:** {}", l.reference, m(&d.reference));
            }
            if !d.help.is_empty() {
                let _ = writeln!(o, "- **{}:** {}", l.advice, m(&d.help));
            }
            if let Some(rep) = replacement(d, engine) {
                let _ = writeln!(o, "- **{}:** “{}”", l.replacement, m(rep));
            }
        }
    }
}

/// Renders in the chosen format.
pub fn render(
    format: AuditFormat,
    files: &[FileReport],
    errors: &[FileError],
    engine: &Engine,
    lang: Lang,
) -> String {
    match format {
        AuditFormat::Html => html(files, errors, engine, lang),
        AuditFormat::Markdown => markdown(files, errors, engine, lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_all_five() {
        assert_eq!(
            esc_html(r#"<a href="x" onclick='y'>&"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;"
        );
    }

    #[test]
    fn markdown_escapes_markup_and_html() {
        assert_eq!(
            esc_md("<script>a|b</script> *x* [l](u) &amp;"),
            r"\<script\>a\|b\</script\> \*x\* \[l\](u) \&amp;"
        );
        assert_eq!(esc_md("_x_ 000_db6.txt"), r"\_x\_ 000_db6.txt");
        assert_eq!(esc_md("Y-tunnus\nrivi"), "Y-tunnus rivi");
    }

    #[test]
    fn every_element_has_both_names() {
        for k in Key::ELEMENTS {
            assert_ne!(element_name(k, Lang::Fi), k.name());
            assert_ne!(element_name(k, Lang::En), k.name());
        }
    }

    #[test]
    fn numbers_use_the_languages_decimal_mark() {
        assert_eq!(num1(60.526, Lang::Fi), "60,5");
        assert_eq!(num1(60.526, Lang::En), "60.5");
        assert_eq!(num1(100.0, Lang::Fi), "100");
    }
}

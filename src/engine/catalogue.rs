//! Loading rule files: TOML in `rules/`, one `[[rule]]` table per rule, with
//! errors that point at the line and column of the problem in the file.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{Kind, Rule, Severity};
use crate::pattern::TermSet;
use crate::schema::Key;

/// The catalogue compiled into the binary: (file name, contents).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "missing-element.toml",
        include_str!("../../rules/missing-element.toml"),
    ),
    (
        "placeholder.toml",
        include_str!("../../rules/placeholder.toml"),
    ),
    (
        "repealed-law.toml",
        include_str!("../../rules/repealed-law.toml"),
    ),
    (
        "stale-term.toml",
        include_str!("../../rules/stale-term.toml"),
    ),
    (
        "empty-section.toml",
        include_str!("../../rules/empty-section.toml"),
    ),
    (
        "stale-authority-contact.toml",
        include_str!("../../rules/stale-authority-contact.toml"),
    ),
    (
        "contradiction.toml",
        include_str!("../../rules/contradiction.toml"),
    ),
    (
        "rights-obstacle.toml",
        include_str!("../../rules/rights-obstacle.toml"),
    ),
    (
        "pre-gdpr-date.toml",
        include_str!("../../rules/pre-gdpr-date.toml"),
    ),
    (
        "invalid-business-id.toml",
        include_str!("../../rules/invalid-business-id.toml"),
    ),
];

/// A problem in a rule file, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFileError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for RuleFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..offset];
    // memchr's vector count, not a `char` pattern searched newline by
    // newline: every rule's line is looked up at start-up, and the search
    // was some 40,000 instructions a rule.
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<Spanned<RuleSpec>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Texts {
    fi: Option<String>,
    en: Option<String>,
    sv: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Examples {
    #[serde(default)]
    bad: Vec<String>,
    #[serde(default)]
    good: Vec<String>,
}

type Terms = Vec<Spanned<String>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    id: Spanned<String>,
    kind: Spanned<String>,
    category: String,
    severity: Spanned<String>,
    #[serde(default)]
    element: Option<Spanned<String>>,
    #[serde(default)]
    reference: String,
    message: Texts,
    #[serde(default)]
    help: Texts,
    #[serde(default)]
    docs: Option<String>,
    #[serde(default)]
    examples: Examples,
    #[serde(default)]
    replacement: Option<String>,
    #[serde(default)]
    expected_heading: Option<Texts>,
    // Pattern fields shared by the kinds.
    #[serde(default)]
    terms: Terms,
    #[serde(default)]
    regex: Terms,
    #[serde(default)]
    near: Terms,
    #[serde(default)]
    unless_near: Terms,
    #[serde(default)]
    scope: Option<Spanned<String>>,
    // require-element
    #[serde(default)]
    present: Terms,
    #[serde(default)]
    present_regex: Terms,
    #[serde(default)]
    partial: Terms,
    #[serde(default)]
    demote: Terms,
    /// Absent: the `present` terms keep an element from demotion; `[]`:
    /// nothing does.
    #[serde(default)]
    demote_unless: Option<Terms>,
    #[serde(default)]
    demote_anywhere: Terms,
    /// require-element: regexes that demote like `demote`, with the matched
    /// text left out when `demote_unless` is checked.
    #[serde(default)]
    demote_regex: Terms,
    /// require-element: `present` words in sections keyed for these elements
    /// do not count.
    #[serde(default)]
    not_in_sections: Vec<Spanned<String>>,
    /// require-element: a keyed section is demoted only when each sentence
    /// with a `present` word is.
    #[serde(default)]
    demote_by_sentence: bool,
    #[serde(default)]
    applies_if: Terms,
    #[serde(default)]
    section_terms: Terms,
    /// require-element: the page footer (HTML) counts when the notice lacks it.
    #[serde(default)]
    page_footer: bool,
    // contradiction
    #[serde(default)]
    other: Terms,
    #[serde(default)]
    other_regex: Terms,
    #[serde(default)]
    other_unless_near: Terms,
    // date
    #[serde(default)]
    before: Option<Spanned<String>>,
    #[serde(default)]
    after_terms: Terms,
    // checksum
    #[serde(default)]
    algorithm: Option<Spanned<String>>,
    // empty-section
    #[serde(default)]
    keys: Vec<Spanned<String>>,
}

impl RuleSpec {
    /// A spec with every field empty, for `builtin_specs` to fill in.
    fn empty() -> RuleSpec {
        let blank = || Spanned::new(0..0, String::new());
        RuleSpec {
            id: blank(),
            kind: blank(),
            category: String::new(),
            severity: blank(),
            element: None,
            reference: String::new(),
            message: Texts::default(),
            help: Texts::default(),
            docs: None,
            examples: Examples::default(),
            replacement: None,
            expected_heading: None,
            terms: Vec::new(),
            regex: Vec::new(),
            near: Vec::new(),
            unless_near: Vec::new(),
            scope: None,
            present: Vec::new(),
            present_regex: Vec::new(),
            partial: Vec::new(),
            demote: Vec::new(),
            demote_unless: None,
            demote_anywhere: Vec::new(),
            demote_regex: Vec::new(),
            not_in_sections: Vec::new(),
            demote_by_sentence: false,
            applies_if: Vec::new(),
            section_terms: Vec::new(),
            page_footer: false,
            other: Vec::new(),
            other_regex: Vec::new(),
            other_unless_near: Vec::new(),
            before: None,
            after_terms: Vec::new(),
            algorithm: None,
            keys: Vec::new(),
        }
    }
}

/// Values of the built-in catalogue as build.rs writes them in
/// `builtin_specs`: a string for a field of any string type.
trait FromLit {
    fn from_lit(s: &'static str) -> Self;
}

impl FromLit for String {
    fn from_lit(s: &'static str) -> String {
        s.to_string()
    }
}

/// (No span: built-in rules are checked by the tests, which parse their
/// files and point at any problem.)
impl FromLit for Spanned<String> {
    fn from_lit(s: &'static str) -> Spanned<String> {
        Spanned::new(0..0, s.to_string())
    }
}

impl<T: FromLit> FromLit for Option<T> {
    fn from_lit(s: &'static str) -> Option<T> {
        Some(T::from_lit(s))
    }
}

/// A string field of the built-in catalogue (`builtin_specs`).
fn s<T: FromLit>(s: &'static str) -> T {
    T::from_lit(s)
}

/// Arrays of strings, as [`FromLit`].
trait FromLits {
    fn from_lits(a: &[&'static str]) -> Self;
}

impl<T: FromLit> FromLits for Vec<T> {
    fn from_lits(a: &[&'static str]) -> Vec<T> {
        a.iter().map(|x| T::from_lit(x)).collect()
    }
}

impl<T: FromLit> FromLits for Option<Vec<T>> {
    fn from_lits(a: &[&'static str]) -> Option<Vec<T>> {
        Some(Vec::from_lits(a))
    }
}

/// An array of strings of the built-in catalogue (`builtin_specs`).
fn a<T: FromLits>(a: &[&'static str]) -> T {
    T::from_lits(a)
}

// The built-in rule files' specs, made by build.rs from their TOML.
include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

struct Ctx<'a> {
    file: &'a str,
    src: &'a str,
    /// Compile patterns on first use (the built-in catalogue, known valid:
    /// start-up then compiles nothing it does not need).
    lazy: bool,
}

impl Ctx<'_> {
    fn err(&self, span: Range<usize>, message: impl Into<String>) -> RuleFileError {
        let (line, column) = line_col(self.src, span.start);
        RuleFileError {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    fn terms(
        &self,
        terms: &[Spanned<String>],
        regexes: &[Spanned<String>],
    ) -> Result<Box<TermSet>, RuleFileError> {
        if self.lazy {
            // The strings as they are, not copies.
            let t: Vec<&str> = terms.iter().map(|s| s.get_ref().as_str()).collect();
            let r: Vec<&str> = regexes.iter().map(|s| s.get_ref().as_str()).collect();
            return Ok(Box::new(TermSet::lazy_of(&t, &r)));
        }
        let t: Vec<String> = terms.iter().map(|s| s.get_ref().clone()).collect();
        let mut r = Vec::new();
        for re in regexes {
            // Validate each regex alone so the error points at it.
            TermSet::new(&[], std::slice::from_ref(re.get_ref()))
                .map_err(|e| self.err(re.span(), e))?;
            r.push(re.get_ref().clone());
        }
        TermSet::new(&t, &r).map(Box::new).map_err(|e| {
            let span = terms.first().map(|s| s.span()).unwrap_or(0..0);
            self.err(span, e)
        })
    }
}

fn texts(t: Texts) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for (k, v) in [("fi", t.fi), ("en", t.en), ("sv", t.sv)] {
        if let Some(v) = v {
            m.insert(k.to_string(), v.trim().to_string());
        }
    }
    m
}

/// Parses one rule file.
pub fn parse_rule_file(file: &str, src: &str) -> Result<Vec<Rule>, RuleFileError> {
    let mut out = Vec::new();
    parse_rule_file_with(file, src, false, &mut out)?;
    Ok(out)
}

/// Parses one rule file, its rules pushed onto `out`.
fn parse_rule_file_with(
    file: &str,
    src: &str,
    lazy: bool,
    out: &mut Vec<Rule>,
) -> Result<(), RuleFileError> {
    let ctx = Ctx { file, src, lazy };
    let parsed: RuleFile = toml::from_str(src).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        ctx.err(span, e.message().to_string())
    })?;
    for spanned in parsed.rule {
        let span = spanned.span();
        let (line, _) = line_col(src, span.start);
        ctx.rule(span, line, spanned.into_inner(), out)?;
    }
    Ok(())
}

impl Ctx<'_> {
    /// The rule of `spec` (from the file's line `line`, at `span`), pushed
    /// onto `out`.
    fn rule(
        &self,
        span: Range<usize>,
        line: usize,
        spec: RuleSpec,
        out: &mut Vec<Rule>,
    ) -> Result<(), RuleFileError> {
        let (ctx, file) = (self, self.file);
        let id = spec.id.get_ref().clone();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(ctx.err(
                spec.id.span(),
                format!("rule id `{id}` must be kebab-case (a-z, 0-9, -)"),
            ));
        }
        let severity = Severity::from_name(spec.severity.get_ref()).ok_or_else(|| {
            ctx.err(
                spec.severity.span(),
                "severity must be `error`, `warning` or `info`",
            )
        })?;
        let element = match &spec.element {
            Some(e) => Some(
                Key::from_name(e.get_ref())
                    .filter(|k| k.is_element())
                    .ok_or_else(|| {
                        ctx.err(e.span(), format!("unknown element `{}`", e.get_ref()))
                    })?,
            ),
            None => None,
        };
        let scope = match &spec.scope {
            None => super::Scope::Anywhere,
            Some(s) => super::Scope::from_name(s.get_ref()).ok_or_else(|| {
                ctx.err(
                    s.span(),
                    "scope must be `anywhere`, `headings`, `bodies` or `title`",
                )
            })?,
        };
        let kind = match spec.kind.get_ref().as_str() {
            "require-element" => {
                let element = element.ok_or_else(|| ctx.err(span.clone(), "a require-element rule needs `element`"))?;
                let mut not_in_sections = Vec::new();
                for k in &spec.not_in_sections {
                    not_in_sections.push(
                        Key::from_name(k.get_ref())
                            .filter(|k| k.is_element())
                            .ok_or_else(|| ctx.err(k.span(), format!("unknown element `{}`", k.get_ref())))?,
                    );
                }
                Kind::RequireElement {
                    element,
                    present: ctx.terms(&spec.present, &spec.present_regex)?,
                    partial: ctx.terms(&spec.partial, &[])?,
                    demote: ctx.terms(&spec.demote, &[])?,
                    demote_unless: match &spec.demote_unless {
                        None => None,
                        Some(t) => Some(ctx.terms(t, &[])?),
                    },
                    demote_anywhere: ctx.terms(&spec.demote_anywhere, &[])?,
                    demote_regex: ctx.terms(&[], &spec.demote_regex)?,
                    not_in_sections,
                    demote_by_sentence: spec.demote_by_sentence,
                    applies_if: if spec.applies_if.is_empty() {
                        None
                    } else {
                        Some(ctx.terms(&spec.applies_if, &[])?)
                    },
                    section_terms: ctx.terms(&spec.section_terms, &[])?,
                    page_footer: spec.page_footer,
                }
            }
            "forbid-pattern" => Kind::ForbidPattern {
                terms: ctx.terms(&spec.terms, &spec.regex)?,
                near: ctx.terms(&spec.near, &[])?,
                unless_near: ctx.terms(&spec.unless_near, &[])?,
                scope,
            },
            "empty-section" => {
                let mut keys = Vec::new();
                for k in &spec.keys {
                    keys.push(
                        Key::from_name(k.get_ref())
                            .ok_or_else(|| ctx.err(k.span(), format!("unknown key `{}`", k.get_ref())))?,
                    );
                }
                Kind::EmptySection { keys }
            }
            "contradiction" => Kind::Contradiction {
                terms: ctx.terms(&spec.terms, &spec.regex)?,
                unless_near: ctx.terms(&spec.unless_near, &[])?,
                other: ctx.terms(&spec.other, &spec.other_regex)?,
                other_unless_near: ctx.terms(&spec.other_unless_near, &[])?,
            },
            "date-before" => {
                let before = spec
                    .before
                    .as_ref()
                    .ok_or_else(|| ctx.err(span.clone(), "a date-before rule needs `before = \"YYYY-MM-DD\"`"))?;
                let b = before.get_ref();
                if b.len() != 10 || b.as_bytes()[4] != b'-' || b.as_bytes()[7] != b'-' {
                    return Err(ctx.err(before.span(), "`before` must be an ISO date YYYY-MM-DD"));
                }
                Kind::DateBefore {
                    before: b.clone(),
                    unless: ctx.terms(&spec.after_terms, &[])?,
                }
            }
            "checksum" => {
                let alg = spec
                    .algorithm
                    .as_ref()
                    .ok_or_else(|| ctx.err(span.clone(), "a checksum rule needs `algorithm`"))?;
                if alg.get_ref() != "y-tunnus" {
                    return Err(ctx.err(alg.span(), "the only checksum algorithm is `y-tunnus`"));
                }
                Kind::BusinessId
            }
            "mail-link-mismatch" => Kind::MailLinkMismatch,
            "stale-contact" => Kind::ForbidPattern {
                terms: ctx.terms(&spec.terms, &spec.regex)?,
                near: ctx.terms(&spec.near, &[])?,
                unless_near: ctx.terms(&spec.unless_near, &[])?,
                scope,
            },
            other => {
                return Err(ctx.err(
                    spec.kind.span(),
                    format!(
                        "unknown rule kind `{other}` (expected require-element, forbid-pattern, empty-section, contradiction, date-before, checksum, stale-contact or mail-link-mismatch)"
                    ),
                ))
            }
        };
        if spec.message.fi.is_none() && spec.message.en.is_none() {
            return Err(ctx.err(
                span.clone(),
                format!("rule `{id}` needs `message.fi` or `message.en`"),
            ));
        }
        out.push(Rule {
            id: id.into(),
            kind,
            kind_name: spec.kind.get_ref().clone(),
            category: spec.category.into(),
            severity,
            element,
            reference: spec.reference.into(),
            message: texts(spec.message),
            help: texts(spec.help)
                .into_iter()
                .map(|(k, v)| (k, v.into()))
                .collect(),
            docs: spec.docs.unwrap_or_default(),
            expected_heading: spec.expected_heading.map(texts).unwrap_or_default(),
            replacement: spec.replacement,
            bad_examples: spec.examples.bad,
            good_examples: spec.examples.good,
            origin: format!("{file}:{line}"),
        });
        Ok(())
    }
}

/// Loads the built-in catalogue: from the specs build.rs wrote from its
/// files (`builtin_specs`), the same rules as parsing them gives (a test
/// compares): parsing their TOML was 4.5 M instructions of a start-up's
/// 23 M.
pub fn builtin() -> Vec<Rule> {
    // Room for every rule from the start: a rule is some 11 KB (its term
    // sets inline), and growing the list, a list per file then appended,
    // copied 1.1 MB (1.2 M instructions of a start-up's 25 M).
    let tables = (BUILTIN.iter())
        .map(|(_, src)| memchr::memmem::find_iter(src.as_bytes(), "[[rule]]").count())
        .sum();
    let mut all = Vec::with_capacity(tables);
    for (name, src) in BUILTIN {
        let file = format!("rules/{name}");
        let ctx = Ctx {
            file: &file,
            src,
            lazy: true,
        };
        let built = match builtin_specs(name) {
            Some(specs) => (specs.into_iter())
                .try_for_each(|(line, spec)| ctx.rule(0..0, line, spec, &mut all)),
            // A file build.rs could not read: parsing it says where it is broken.
            None => parse_rule_file_with(&file, src, true, &mut all),
        };
        if let Err(e) = built {
            panic!("built-in rule file is broken (a test catches this): {e}");
        }
    }
    all
}

/// Loads every `*.toml` rule file in a directory (headings tables skipped).
pub fn load_dir(dir: &std::path::Path) -> Result<Vec<Rule>, Vec<String>> {
    let mut files: Vec<_> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
        Err(e) => {
            return Err(vec![format!(
                "{}: cannot read rule folder: {e}",
                dir.display()
            )])
        }
    };
    files.sort();
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        if f.extension().and_then(|e| e.to_str()) != Some("toml")
            || f.file_name().and_then(|n| n.to_str()) == Some("headings.toml")
        {
            continue;
        }
        match std::fs::read_to_string(&f) {
            Ok(src) => match parse_rule_file(&f.display().to_string(), &src) {
                Ok(r) => rules.extend(r),
                Err(e) => errors.push(e.to_string()),
            },
            Err(e) => errors.push(format!("{}: cannot read rule file: {e}", f.display())),
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `builtin()` compiles patterns lazily and so would not see a bad one:
    /// the strict loader must accept every built-in file.
    #[test]
    fn builtin_files_compile_eagerly() {
        for (name, src) in BUILTIN {
            let mut lazy = Vec::new();
            parse_rule_file_with(name, src, true, &mut lazy).unwrap();
            let eager = parse_rule_file(name, src).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(lazy.len(), eager.len());
        }
    }

    /// `builtin()` builds from build.rs's specs the rules that parsing the
    /// files gives, field for field (lines and term sets too), and makes
    /// room for them by counting `[[rule]]` lines.
    #[test]
    fn builtin_rules_are_the_parsed_ones() {
        let all = builtin();
        assert_eq!(all.len(), all.capacity());
        let mut parsed = Vec::new();
        for (name, src) in BUILTIN {
            parse_rule_file_with(&format!("rules/{name}"), src, true, &mut parsed).unwrap();
        }
        assert_eq!(all.len(), parsed.len());
        // (Less the numbers of their regex parts, counted process-wide.)
        let part_id = regex::Regex::new(r"Part \{ id: \d+").unwrap();
        let show = |r: &Rule| {
            part_id
                .replace_all(&format!("{r:?}"), "Part { id: _")
                .into_owned()
        };
        for (a, b) in all.iter().zip(&parsed) {
            assert_eq!(show(a), show(b));
        }
        // (From build.rs's specs, not by parsing the files after all.)
        for (name, _) in BUILTIN {
            assert!(builtin_specs(name).is_some(), "{name}");
        }
    }
}

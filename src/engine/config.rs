//! `seloste.toml`: found upward from the linted file; CLI flags override it.
//!
//! ```toml
//! select = ["missing-element", "repealed-personal-data-act"]  # rule ids or categories
//! ignore = ["pre-gdpr-date"]
//! lang = "en"                    # fi (default), en, sv
//! rules = ["my-rules"]           # extra rule folders, relative to this file
//! fail-on = "error"              # error | warning | info | never
//! [severity]
//! missing-dpo-contact = "info"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Engine, Rule, Severity};

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub rules: Vec<PathBuf>,
    #[serde(default)]
    pub fail_on: Option<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    /// Where the file was found (set by the loader).
    #[serde(skip)]
    pub dir: Option<PathBuf>,
}

pub const FILE_NAME: &str = "seloste.toml";

impl Config {
    /// Reads a config file, with errors that name the line and column.
    pub fn load(path: &Path) -> Result<Config, String> {
        let src = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut c: Config = toml::from_str(&src).map_err(|e| {
            let (line, col) = e
                .span()
                .map(|s| {
                    let before = &src[..s.start.min(src.len())];
                    (
                        before.matches('\n').count() + 1,
                        before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
                    )
                })
                .unwrap_or((1, 1));
            format!("{}:{line}:{col}: {}", path.display(), e.message())
        })?;
        c.dir = path.parent().map(Path::to_path_buf);
        Ok(c)
    }

    /// Finds `seloste.toml` in `start` or the nearest folder above it.
    pub fn find(start: &Path) -> Option<PathBuf> {
        let mut dir = if start.is_dir() {
            Some(start)
        } else {
            start.parent()
        };
        while let Some(d) = dir {
            let candidate = d.join(FILE_NAME);
            if candidate.is_file() {
                return Some(candidate);
            }
            dir = d.parent();
        }
        None
    }

    /// Adds the extra rule folders, then applies select/ignore/severity.
    pub fn apply(&self, mut rules: Vec<Rule>) -> Result<Engine, Vec<String>> {
        for dir in &self.rules {
            let dir = match &self.dir {
                Some(base) if dir.is_relative() => base.join(dir),
                _ => dir.clone(),
            };
            let extra = super::catalogue::load_dir(&dir)?;
            for r in extra {
                // A user rule with a built-in id replaces the built-in one.
                rules.retain(|x| x.id != r.id);
                rules.push(r);
            }
        }
        let mut errors = Vec::new();
        let known = |name: &String| rules.iter().any(|r| &r.id == name || &r.category == name);
        for name in self
            .select
            .iter()
            .chain(&self.ignore)
            .chain(self.severity.keys())
        {
            if !known(name) {
                errors.push(format!(
                    "unknown rule or category `{name}` in configuration"
                ));
            }
        }
        if !self.select.is_empty() {
            rules.retain(|r| self.select.iter().any(|s| s == &r.id || s == &r.category));
        }
        rules.retain(|r| !self.ignore.iter().any(|s| s == &r.id || s == &r.category));
        for (name, sev) in &self.severity {
            let Some(sev) = Severity::from_name(sev) else {
                errors.push(format!(
                    "severity for `{name}` must be error, warning or info, not `{sev}`"
                ));
                continue;
            };
            for r in rules
                .iter_mut()
                .filter(|r| &r.id == name || &r.category == name)
            {
                r.severity = sev;
            }
        }
        if let Some(l) = &self.lang {
            if !matches!(l.as_str(), "fi" | "en" | "sv") {
                errors.push(format!("lang must be fi, en or sv, not `{l}`"));
            }
        }
        if errors.is_empty() {
            Ok(Engine::new(rules))
        } else {
            Err(errors)
        }
    }
}

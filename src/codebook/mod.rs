//! Codebooks: TOML files of codes with their definitions, examples and matching rules.
//! See `docs/codebook-format.md` for the format.

mod raw;
pub mod term;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use regex::Regex;

use crate::corpus::Role;
use crate::{Error, Result};
pub use term::{Term, WordPattern, WordShape};

/// The default codebook, embedded in the binary.
pub const DEFAULT_SOURCE: &str = include_str!("../../codebooks/proactive-services.toml");
/// The name the embedded codebook goes by in messages.
pub const DEFAULT_NAME: &str = "codebooks/proactive-services.toml (embedded)";

/// Words either side of a match searched for negators, `unless` terms and hypotheticals.
pub const DEFAULT_WINDOW: usize = 6;

/// A validated codebook.
#[derive(Debug, Clone)]
pub struct Codebook {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// What it is for.
    pub description: String,
    /// Negators, clause breaks and hypothetical markers per language.
    pub languages: BTreeMap<String, LanguageLists>,
    /// The codes in file order.
    pub codes: Vec<Code>,
}

/// Context word lists of one language.
#[derive(Debug, Clone, Default)]
pub struct LanguageLists {
    /// Words that negate a match in their clause.
    pub negators: Vec<Term>,
    /// Words that end a clause (punctuation always does).
    pub clause_breaks: Vec<Term>,
    /// Markers of wishes and conditionals.
    pub hypothetical: Vec<Term>,
    /// Phrases whose negator does not negate ("uit het niets", "not only").
    pub not_negation: Vec<Term>,
}

/// A code.
#[derive(Debug, Clone)]
pub struct Code {
    /// The dotted id; its prefix is the parent.
    pub id: String,
    /// Labels per language.
    pub labels: BTreeMap<String, String>,
    /// What the code means.
    pub description: String,
    /// When it applies.
    pub include: String,
    /// When it does not.
    pub exclude: String,
    /// Display colour (`#rrggbb`), if set.
    pub color: Option<String>,
    /// Whether the children of this code are mutually exclusive.
    pub exclusive: bool,
    /// Texts that must get the code.
    pub examples: Vec<String>,
    /// Texts that must not get the code.
    pub counterexamples: Vec<String>,
    /// The matching rules.
    pub rules: Vec<Rule>,
    /// 1-based line of the code in the codebook file.
    pub line: usize,
}

impl Code {
    /// The parent id (`proactivity` for `proactivity.initiative`).
    pub fn parent(&self) -> Option<&str> {
        self.id.rsplit_once('.').map(|(p, _)| p)
    }

    /// Depth in the tree: 1 for a top-level code.
    pub fn depth(&self) -> usize {
        self.id.split('.').count()
    }

    /// The label in `language`, else English, else any, else the id.
    pub fn label(&self, language: &str) -> &str {
        self.labels
            .get(language)
            .or_else(|| self.labels.get("en"))
            .or_else(|| self.labels.values().next())
            .map_or(self.id.as_str(), String::as_str)
    }
}

/// What a rule matches.
#[derive(Debug, Clone)]
pub enum RuleKind {
    /// Any of the terms.
    Terms(Vec<Term>),
    /// A regular expression on the segment text.
    Regex(Regex),
    /// Two terms within `within` words of each other.
    Near {
        /// The first term.
        a: Term,
        /// The second term.
        b: Term,
        /// The largest number of words between them.
        within: usize,
    },
}

/// What happens to a negated or hypothetical match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The match does not count.
    Drop,
    /// The match counts as if unmodified.
    Keep,
    /// The match counts for another code.
    Recode(String),
}

/// One matching rule of a code.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule's name: its `name`, else `code#n`.
    pub name: String,
    /// What it matches.
    pub kind: RuleKind,
    /// Words allowed between the words of a multi-word term.
    pub gap: usize,
    /// Matches overlapping these terms do not count.
    pub exclude: Vec<Term>,
    /// Matches with one of these in the same clause do not count.
    pub unless: Vec<Term>,
    /// What a negated match does.
    pub negated: Outcome,
    /// What a hypothetical match does.
    pub hypothetical: Outcome,
    /// Context window in words.
    pub window: usize,
    /// Only segments in this language.
    pub language: Option<String>,
    /// Only segments of this role.
    pub role: Option<Role>,
    /// Only turns of this speaker (folded).
    pub speaker: Option<String>,
}

impl Codebook {
    /// Reads and validates a codebook file.
    pub fn from_file(path: &Path) -> Result<Codebook> {
        let source =
            std::fs::read_to_string(path).map_err(|e| Error::input(path, e.to_string()))?;
        Codebook::from_source(path, &source)
    }

    /// The embedded default codebook.
    pub fn embedded() -> Result<Codebook> {
        Codebook::from_source(Path::new(DEFAULT_NAME), DEFAULT_SOURCE)
    }

    /// `path` when given, else the embedded default.
    pub fn load(path: Option<&Path>) -> Result<Codebook> {
        match path {
            Some(path) => Codebook::from_file(path),
            None => Codebook::embedded(),
        }
    }

    /// Parses and validates codebook TOML; `path` names it in errors.
    pub fn from_source(path: &Path, source: &str) -> Result<Codebook> {
        raw::parse(path, source)
    }

    /// Codes by id.
    pub fn code(&self, id: &str) -> Option<&Code> {
        self.codes.iter().find(|c| c.id == id)
    }

    /// The codes depth-first: each parent followed by its children, siblings in file order.
    pub fn tree_order(&self) -> Vec<&Code> {
        let mut children: HashMap<Option<&str>, Vec<&Code>> = HashMap::new();
        for code in &self.codes {
            children.entry(code.parent()).or_default().push(code);
        }
        let mut out = Vec::with_capacity(self.codes.len());
        let mut stack: Vec<&Code> = children.get(&None).cloned().unwrap_or_default();
        stack.reverse();
        while let Some(code) = stack.pop() {
            out.push(code);
            if let Some(kids) = children.get(&Some(code.id.as_str())) {
                stack.extend(kids.iter().rev());
            }
        }
        out
    }

    /// Whether `code` is `ancestor` or lies below it.
    pub fn is_within(code: &str, ancestor: &str) -> bool {
        code == ancestor
            || code
                .strip_prefix(ancestor)
                .is_some_and(|rest| rest.starts_with('.'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_respects_dots() {
        assert!(Codebook::is_within("proactivity.initiative", "proactivity"));
        assert!(Codebook::is_within("proactivity", "proactivity"));
        assert!(!Codebook::is_within("proactivityx", "proactivity"));
    }
}

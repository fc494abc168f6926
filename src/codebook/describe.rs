//! A codebook taken apart into named, printable facts, in the words of its TOML keys: what
//! `thema codebook diff` compares and `thema codebook show` renders.
//!
//! Rule settings equal to the codebook's `[defaults]` (or thema's own defaults where the file
//! sets none) are left out of a rule's facets, so a rule reads as written and a change of
//! `[defaults]` is one change, not one per rule.

use super::{AgentRequirement, Code, LanguageLists, Outcome, Polarity, Rule, RuleKind, Term};
use crate::corpus::Role;

/// One setting of a rule, code or codebook: its TOML key and its value(s) as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facet {
    /// The TOML key (`terms`, `negated`, `label.nl`, `nl.negators`).
    pub key: String,
    /// The values: one for a scalar, any number for a list.
    pub values: Vec<String>,
    /// Whether the key takes a list.
    pub list: bool,
}

impl Facet {
    fn one(key: &str, value: impl Into<String>) -> Facet {
        Facet {
            key: key.to_owned(),
            values: vec![value.into()],
            list: false,
        }
    }

    fn many(key: &str, values: Vec<String>) -> Facet {
        Facet {
            key: key.to_owned(),
            values,
            list: true,
        }
    }

    /// The value on one line: list items joined by `; `.
    pub fn joined(&self) -> String {
        self.values.join("; ")
    }
}

/// The `[defaults]` a codebook's rules fall back on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defaults {
    /// `negated`: drop, keep or a code id.
    pub negated: String,
    /// `hypothetical`.
    pub hypothetical: String,
    /// `third_party`.
    pub third_party: String,
    /// `sarcastic`.
    pub sarcastic: String,
    /// `window`, in words.
    pub window: usize,
    /// `gap`, in words.
    pub gap: usize,
    /// The keys the file's `[defaults]` sets itself.
    pub written: Vec<String>,
}

impl Defaults {
    /// The defaults of the codebook TOML `source` (thema's own for keys it does not set).
    /// `source` has been validated already, so unreadable values fall back too.
    pub fn from_source(source: &str) -> Defaults {
        let table = source
            .parse::<toml::Table>()
            .ok()
            .and_then(|t| t.get("defaults").and_then(|d| d.as_table()).cloned())
            .unwrap_or_default();
        let text = |key: &str, builtin: &str| {
            table
                .get(key)
                .and_then(|v| v.as_str())
                .unwrap_or(builtin)
                .to_owned()
        };
        let number = |key: &str, builtin: usize| {
            table
                .get(key)
                .and_then(toml::Value::as_integer)
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(builtin)
        };
        Defaults {
            negated: text("negated", "drop"),
            hypothetical: text("hypothetical", "keep"),
            third_party: text("third_party", "drop"),
            sarcastic: text("sarcastic", "keep"),
            window: number("window", super::DEFAULT_WINDOW),
            gap: number("gap", 0),
            written: table.keys().cloned().collect(),
        }
    }

    /// Every default as a facet, in file order of the format's documentation.
    pub fn facets(&self) -> Vec<Facet> {
        vec![
            Facet::one("negated", &self.negated),
            Facet::one("hypothetical", &self.hypothetical),
            Facet::one("third_party", &self.third_party),
            Facet::one("sarcastic", &self.sarcastic),
            Facet::one("window", self.window.to_string()),
            Facet::one("gap", self.gap.to_string()),
        ]
    }
}

/// An outcome as written in TOML: `drop`, `keep` or the code id.
pub fn outcome(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Drop => "drop".into(),
        Outcome::Keep => "keep".into(),
        Outcome::Recode(code) => code.clone(),
    }
}

/// An agent requirement as written in TOML.
pub fn agent(agent: AgentRequirement) -> &'static str {
    match agent {
        AgentRequirement::Respondent => "respondent",
        AgentRequirement::Organisation => "organisation",
        AgentRequirement::ThirdParty => "third_party",
        AgentRequirement::NotRespondent => "not_respondent",
        AgentRequirement::NotOrganisation => "not_organisation",
    }
}

/// An answer polarity as written in TOML.
pub fn polarity(polarity: Polarity) -> &'static str {
    match polarity {
        Polarity::Yes => "yes",
        Polarity::No => "no",
    }
}

/// Terms as written: a term that expanded to several (hyphen alternatives) once.
pub fn terms(list: &[Term]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for term in list {
        if out.last() != Some(&term.source) {
            out.push(term.source.clone());
        }
    }
    out
}

/// What a rule matches and how, as facets: the kind first, then the settings that differ
/// from `defaults`.
pub fn rule_facets(rule: &Rule, defaults: &Defaults) -> Vec<Facet> {
    let mut out = Vec::new();
    match &rule.kind {
        RuleKind::Terms(list) => out.push(Facet::many("terms", terms(list))),
        RuleKind::Regex(regex) => out.push(Facet::one("regex", regex.as_str())),
        RuleKind::Near { a, b, within } => {
            out.push(Facet::many(
                "near",
                vec![a.source.clone(), b.source.clone()],
            ));
            out.push(Facet::one("within", within.to_string()));
        }
        RuleKind::Answer => {}
        RuleKind::Derived { from, not_from } => {
            out.push(Facet::many(
                "from",
                from.iter()
                    .map(|alternatives| alternatives.join("|"))
                    .collect(),
            ));
            if !not_from.is_empty() {
                out.push(Facet::many("not_from", not_from.clone()));
            }
        }
    }
    if !rule.question.is_empty() {
        out.push(Facet::many("question", terms(&rule.question)));
    }
    if let Some(answer) = rule.answer {
        out.push(Facet::one("answer", polarity(answer)));
    }
    if rule.cue {
        out.push(Facet::one("cue", "true"));
    }
    let derived = matches!(rule.kind, RuleKind::Derived { .. });
    let multi_word = match &rule.kind {
        RuleKind::Terms(list) => list.iter().any(|t| t.words.len() > 1),
        RuleKind::Near { a, b, .. } => a.words.len() > 1 || b.words.len() > 1,
        _ => false,
    };
    if multi_word && rule.gap != defaults.gap {
        out.push(Facet::one("gap", rule.gap.to_string()));
    }
    if !rule.exclude.is_empty() {
        out.push(Facet::many("exclude", terms(&rule.exclude)));
    }
    if !rule.unless.is_empty() {
        out.push(Facet::many("unless", terms(&rule.unless)));
    }
    if !rule.unless_sentence.is_empty() {
        out.push(Facet::many("unless_sentence", terms(&rule.unless_sentence)));
    }
    for (key, value, default) in [
        ("negated", &rule.negated, &defaults.negated),
        ("hypothetical", &rule.hypothetical, &defaults.hypothetical),
        ("third_party", &rule.third_party, &defaults.third_party),
        ("sarcastic", &rule.sarcastic, &defaults.sarcastic),
    ] {
        let value = outcome(value);
        if value != *default {
            out.push(Facet::one(key, value));
        }
    }
    if let Some(requirement) = rule.agent {
        out.push(Facet::one("agent", agent(requirement)));
    }
    if !derived && rule.window != defaults.window {
        out.push(Facet::one("window", rule.window.to_string()));
    }
    if let Some(language) = &rule.language {
        out.push(Facet::one("language", language));
    }
    if let Some(role) = rule.role {
        out.push(Facet::one(
            "role",
            match role {
                Role::Interviewer => "interviewer",
                _ => "respondent",
            },
        ));
    }
    if let Some(speaker) = &rule.speaker {
        out.push(Facet::one("speaker", speaker));
    }
    out
}

/// A code's own texts and settings as facets (its rules apart), labels as `label.LANG`.
pub fn code_facets(code: &Code) -> Vec<Facet> {
    let mut out: Vec<Facet> = code
        .labels
        .iter()
        .map(|(language, label)| Facet::one(&format!("label.{language}"), label))
        .collect();
    for (key, value) in [
        ("description", &code.description),
        ("include", &code.include),
        ("exclude", &code.exclude),
    ] {
        if !value.is_empty() {
            out.push(Facet::one(key, value));
        }
    }
    if let Some(color) = &code.color {
        out.push(Facet::one("color", color));
    }
    if code.exclusive {
        out.push(Facet::one("exclusive", "true"));
    }
    if !code.examples.is_empty() {
        out.push(Facet::many("examples", code.examples.clone()));
    }
    if !code.counterexamples.is_empty() {
        out.push(Facet::many("counterexamples", code.counterexamples.clone()));
    }
    out
}

/// The lists of a `[languages.LANG]` table that are not empty, by key.
pub fn language_facets(lists: &LanguageLists) -> Vec<Facet> {
    [
        ("negators", &lists.negators),
        ("correlative", &lists.correlative),
        ("clause_breaks", &lists.clause_breaks),
        ("hypothetical", &lists.hypothetical),
        ("not_negation", &lists.not_negation),
        ("not_hypothetical", &lists.not_hypothetical),
        ("respondent", &lists.respondent),
        ("respondent_objects", &lists.respondent_objects),
        ("addressee", &lists.addressee),
        ("passive", &lists.passive),
        ("organisation", &lists.organisation),
        ("third_party", &lists.third_party),
        ("pronouns", &lists.pronouns),
        ("subordinators", &lists.subordinators),
        ("speech", &lists.speech),
        ("sarcasm", &lists.sarcasm),
        ("wish_questions", &lists.wish_questions),
        ("yes", &lists.yes),
        ("no", &lists.no),
    ]
    .into_iter()
    .filter(|(_, list)| !list.is_empty())
    .map(|(key, list)| Facet::many(key, terms(list)))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn facets_leave_out_what_the_defaults_say() {
        let source = "[defaults]\nnegated = \"keep\"\nwindow = 4\n[languages.nl]\nnegators = ['niet']\n[[codes]]\nid = \"a\"\n[[codes.rules]]\nterms = ['bel*', 'namen contact op']\ngap = 2\nnegated = 'keep'\nhypothetical = 'a'\nagent = 'organisation'\nlanguage = 'nl'\n";
        let codebook = super::super::Codebook::from_source(Path::new("cb.toml"), source).unwrap();
        let defaults = Defaults::from_source(source);
        assert_eq!(defaults.written, ["negated", "window"]);
        assert_eq!((defaults.negated.as_str(), defaults.window), ("keep", 4));
        let keys: Vec<String> = rule_facets(&codebook.codes[0].rules[0], &defaults)
            .into_iter()
            .map(|f| format!("{}={}", f.key, f.joined()))
            .collect();
        assert_eq!(
            keys,
            [
                "terms=bel*; namen contact op",
                "gap=2",
                "hypothetical=a",
                "agent=organisation",
                "language=nl"
            ]
        );
    }
}

//! Codebooks: TOML files of codes with their definitions, examples and matching rules.
//! See `docs/codebook-format.md` for the format.

pub mod describe;
pub mod diff;
pub mod document;
pub mod embedded;
pub mod import;
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

/// Context word lists of one language: the linguistic knowledge the engine reads a segment
/// with (see docs/codebook-format.md, "Languages").
#[derive(Debug, Clone, Default)]
pub struct LanguageLists {
    /// Where the actor of a word stands: the first one named in its clause before it (`true`,
    /// `subject = "first"`, for verb-final clauses: "ik heb ze gebeld") or the nearest one
    /// before it (`false`, `subject = "nearest"`, the default: "I was glad they called").
    pub subject_first: bool,
    /// Words that negate a match in their clause.
    pub negators: Vec<Term>,
    /// Negators that continue a negation rather than add one ("nor", "noch"): they count
    /// only when no other negator stands before them in the sentence, so "neither … nor"
    /// is one negation.
    pub correlative: Vec<Term>,
    /// Words that end a clause (punctuation always does).
    pub clause_breaks: Vec<Term>,
    /// Markers of wishes and conditionals.
    pub hypothetical: Vec<Term>,
    /// Phrases whose negator does not negate ("uit het niets", "not only").
    pub not_negation: Vec<Term>,
    /// Phrases whose hypothetical marker is no wish ("net als", "I'd be worse off").
    pub not_hypothetical: Vec<Term>,
    /// The respondent as the subject of a clause ("ik", "we", "I").
    pub respondent: Vec<Term>,
    /// Other words for the respondent: objects and possessives ("me", "mijn", "us"). A
    /// clause with one of them, or with a `respondent` word, is the respondent's and ends a
    /// third party's story.
    pub respondent_objects: Vec<Term>,
    /// Words for the one spoken to ("u", "je"): in an organisation's quoted words
    /// ("Ze zei: u mag zelf bellen") they are the respondent as actor.
    pub addressee: Vec<Term>,
    /// Passive phrases in which the respondent is not the one acting ("ik werd", "I was").
    pub passive: Vec<Term>,
    /// Organisations and their workers as actors ("de gemeente", "iemand van", "the council").
    pub organisation: Vec<Term>,
    /// Third parties whose story is not the respondent's ("mijn buurvrouw", "my sister").
    pub third_party: Vec<Term>,
    /// Third-person pronouns, resolved to the organisation or third party last mentioned.
    pub pronouns: Vec<Term>,
    /// Words that open a subordinate clause with a subject of its own ("dat", "that"): the
    /// actor of a word after one is sought after it ("ik zei dat ze me moesten bellen").
    pub subordinators: Vec<Term>,
    /// Verbs of saying and thinking: after a third party's, the rest of the sentence is theirs.
    pub speech: Vec<Term>,
    /// Sarcasm markers ("fijn hoor", "oh marvellous"): their sentence is ironic.
    pub sarcasm: Vec<Term>,
    /// Words of a question that asks for a wish or advice ("wat zou u willen", "if you
    /// could"): every match in its answer is hypothetical.
    pub wish_questions: Vec<Term>,
    /// Words that open a yes answer ("ja", "yes").
    pub yes: Vec<Term>,
    /// Words that open a no answer ("nee", "no").
    pub no: Vec<Term>,
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
    /// The yes or no that opens an answer to a matching question (`question` + `answer`).
    Answer,
    /// Codes that follow from other codings of the same turn.
    Derived {
        /// Every entry must be met by a coding of the turn: alternatives of code ids (a
        /// coding of that code or below) or rule names.
        from: Vec<Vec<String>>,
        /// No coding of the turn may meet any of these.
        not_from: Vec<String>,
    },
}

/// What happens to a negated, hypothetical, third-party or sarcastic match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The match does not count.
    Drop,
    /// The match counts as if unmodified.
    Keep,
    /// The match counts for another code.
    Recode(String),
}

/// Who acts in the clause of a match (see [`Rule::agent`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agent {
    /// The respondent ("ik belde ze").
    Respondent,
    /// An organisation or its worker ("ze belden me", "de gemeente", "I was called").
    Organisation,
    /// Somebody else: family, neighbours, friends.
    ThirdParty,
}

/// Which agents a rule accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentRequirement {
    /// Only the respondent.
    Respondent,
    /// Only an organisation or its worker, named, referred to by a pronoun, or acting on the
    /// respondent in a passive ("ik werd gebeld").
    Organisation,
    /// Only a third party.
    ThirdParty,
    /// Anyone but the respondent.
    NotRespondent,
    /// Anyone but an organisation, or nobody named (`"not_organisation"`): the respondent's
    /// own doing in a clause without a subject ("Opgehangen.").
    NotOrganisation,
}

impl AgentRequirement {
    /// Whether a clause whose agent is `agent` (`None`: no subject found) meets the requirement.
    pub fn accepts(self, agent: Option<Agent>) -> bool {
        match self {
            AgentRequirement::Respondent => agent == Some(Agent::Respondent),
            AgentRequirement::Organisation => agent == Some(Agent::Organisation),
            AgentRequirement::ThirdParty => agent == Some(Agent::ThirdParty),
            AgentRequirement::NotRespondent => agent != Some(Agent::Respondent),
            AgentRequirement::NotOrganisation => agent != Some(Agent::Organisation),
        }
    }
}

/// The polarity of an answer: whether it opens with yes or no.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polarity {
    /// "Ja", "yes".
    Yes,
    /// "Nee", "no".
    No,
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
    /// Matches with one of these anywhere in the same sentence do not count.
    pub unless_sentence: Vec<Term>,
    /// What a negated match does.
    pub negated: Outcome,
    /// What a hypothetical match does.
    pub hypothetical: Outcome,
    /// What a match inside a third party's story does.
    pub third_party: Outcome,
    /// What a match in a sarcastic sentence does.
    pub sarcastic: Outcome,
    /// Who must act in the match's clause.
    pub agent: Option<AgentRequirement>,
    /// The interviewer's preceding question must contain one of these.
    pub question: Vec<Term>,
    /// A cue: its matches are no codings of their own, only sources for `from` rules.
    pub cue: bool,
    /// The answer must open with this polarity.
    pub answer: Option<Polarity>,
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

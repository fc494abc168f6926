//! The TOML shape of a codebook and its validation into a [`Codebook`], with file, line and
//! column in every error.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;

use rayon::prelude::*;
use regex::RegexBuilder;
use serde::Deserialize;
use serde_spanned::Spanned;

use super::{
    AgentRequirement, Code, Codebook, DEFAULT_WINDOW, LanguageLists, Outcome, Polarity, Rule,
    RuleKind, Term,
};
use crate::corpus::Role;
use crate::{Error, Result};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCodebook {
    codebook: Option<RawHeader>,
    defaults: Option<RawDefaults>,
    #[serde(default)]
    languages: BTreeMap<Spanned<String>, Spanned<RawLanguage>>,
    #[serde(default)]
    codes: Vec<Spanned<RawCode>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    name: Option<String>,
    version: Option<String>,
    description: Option<String>,
}

/// `[defaults]`: what a rule does when it does not say.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    negated: Option<Spanned<String>>,
    hypothetical: Option<Spanned<String>>,
    third_party: Option<Spanned<String>>,
    sarcastic: Option<Spanned<String>>,
    window: Option<usize>,
    gap: Option<usize>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    negators: Vec<String>,
    #[serde(default)]
    correlative: Vec<String>,
    #[serde(default)]
    clause_breaks: Vec<String>,
    #[serde(default)]
    hypothetical: Vec<String>,
    #[serde(default)]
    not_negation: Vec<String>,
    #[serde(default)]
    not_hypothetical: Vec<String>,
    #[serde(default)]
    respondent: Vec<String>,
    #[serde(default)]
    respondent_objects: Vec<String>,
    #[serde(default)]
    addressee: Vec<String>,
    #[serde(default)]
    passive: Vec<String>,
    #[serde(default)]
    organisation: Vec<String>,
    #[serde(default)]
    third_party: Vec<String>,
    #[serde(default)]
    pronouns: Vec<String>,
    #[serde(default)]
    subordinators: Vec<String>,
    #[serde(default)]
    speech: Vec<String>,
    #[serde(default)]
    sarcasm: Vec<String>,
    #[serde(default)]
    wish_questions: Vec<String>,
    #[serde(default)]
    yes: Vec<String>,
    #[serde(default)]
    no: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawLabel {
    One(String),
    Many(BTreeMap<String, String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCode {
    id: Spanned<String>,
    label: Option<RawLabel>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    include: String,
    #[serde(default)]
    exclude: String,
    color: Option<Spanned<String>>,
    #[serde(default)]
    exclusive: bool,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    counterexamples: Vec<String>,
    #[serde(default)]
    rules: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Option<String>,
    terms: Option<Vec<String>>,
    regex: Option<Spanned<String>>,
    near: Option<Vec<String>>,
    within: Option<usize>,
    gap: Option<usize>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
    #[serde(default)]
    unless_sentence: Vec<String>,
    negated: Option<Spanned<String>>,
    hypothetical: Option<Spanned<String>>,
    third_party: Option<Spanned<String>>,
    sarcastic: Option<Spanned<String>>,
    agent: Option<Spanned<String>>,
    #[serde(default)]
    question: Vec<String>,
    answer: Option<Spanned<String>>,
    from: Option<Vec<String>>,
    #[serde(default)]
    not_from: Vec<String>,
    #[serde(default)]
    cue: bool,
    window: Option<usize>,
    language: Option<String>,
    role: Option<Spanned<String>>,
    speaker: Option<String>,
}

/// The outcome a rule gets when it names none: `[defaults]`, else thema's own default.
struct Defaults {
    negated: Outcome,
    hypothetical: Outcome,
    third_party: Outcome,
    sarcastic: Outcome,
    window: usize,
    gap: usize,
}

/// Reads an outcome word: `drop`, `keep` or a code id (checked once all codes are known).
fn outcome(field: Option<&Spanned<String>>, default: &Outcome) -> Outcome {
    match field.map(|f| f.get_ref().as_str()) {
        None => default.clone(),
        Some("drop") => Outcome::Drop,
        Some("keep") => Outcome::Keep,
        Some(other) => Outcome::Recode(other.to_owned()),
    }
}

/// Turns byte spans into `file:line:column` errors.
struct Locator<'a> {
    path: &'a Path,
    source: &'a str,
    /// Byte offsets of the source's line breaks, so a line is found by binary search.
    breaks: Vec<usize>,
}

impl<'a> Locator<'a> {
    fn new(path: &'a Path, source: &'a str) -> Self {
        let breaks = source.match_indices('\n').map(|(at, _)| at).collect();
        Locator {
            path,
            source,
            breaks,
        }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.source.len());
        let breaks_before = self.breaks.partition_point(|&at| at < offset);
        let line_start = breaks_before
            .checked_sub(1)
            .map_or(0, |last| self.breaks[last] + 1);
        let column = self.source[line_start..offset].chars().count() + 1;
        (breaks_before + 1, column)
    }

    fn error(&self, span: Range<usize>, message: impl Into<String>) -> Error {
        let (line, column) = self.line_col(span.start);
        Error::Codebook {
            path: self.path.to_owned(),
            line,
            column,
            message: message.into(),
        }
    }
}

/// Parses and validates `source`.
pub(super) fn parse(path: &Path, source: &str) -> Result<Codebook> {
    let at = Locator::new(path, source);
    let raw: RawCodebook = toml::from_str(source).map_err(|e| {
        let message = e.message().trim().replace('\n', " ");
        at.error(e.span().unwrap_or(0..0), message)
    })?;
    let mut languages = BTreeMap::new();
    for (name, lists) in &raw.languages {
        let name_span = name.span();
        let name = name.get_ref();
        let iso = (2..=3).contains(&name.len()) && name.chars().all(|c| c.is_ascii_lowercase());
        if !iso {
            return Err(at.error(
                name_span,
                format!(
                    "languages.{name}: a language is named by its ISO 639-1 code (`nl`, `en`, `de` …), \
                     the code documents carry in their `language` attribute"
                ),
            ));
        }
        let span = lists.span();
        let lists = lists.get_ref();
        let terms = |words: &[String]| -> Result<Vec<Term>> {
            let mut out = Vec::new();
            for w in words {
                out.extend(
                    Term::parse_all(w)
                        .map_err(|m| at.error(span.clone(), format!("languages.{name}: {m}")))?,
                );
            }
            Ok(out)
        };
        let subject_first = match lists.subject.as_deref() {
            None | Some("nearest") => false,
            Some("first") => true,
            Some(other) => {
                return Err(at.error(
                    span,
                    format!(
                        "languages.{name}: subject {other:?} is neither \"first\" nor \"nearest\""
                    ),
                ));
            }
        };
        languages.insert(
            name.clone(),
            LanguageLists {
                subject_first,
                negators: terms(&lists.negators)?,
                correlative: terms(&lists.correlative)?,
                clause_breaks: terms(&lists.clause_breaks)?,
                hypothetical: terms(&lists.hypothetical)?,
                not_negation: terms(&lists.not_negation)?,
                not_hypothetical: terms(&lists.not_hypothetical)?,
                respondent: terms(&lists.respondent)?,
                respondent_objects: terms(&lists.respondent_objects)?,
                addressee: terms(&lists.addressee)?,
                passive: terms(&lists.passive)?,
                organisation: terms(&lists.organisation)?,
                third_party: terms(&lists.third_party)?,
                pronouns: terms(&lists.pronouns)?,
                subordinators: terms(&lists.subordinators)?,
                speech: terms(&lists.speech)?,
                sarcasm: terms(&lists.sarcasm)?,
                wish_questions: terms(&lists.wish_questions)?,
                yes: terms(&lists.yes)?,
                no: terms(&lists.no)?,
            },
        );
    }
    let raw_defaults = raw.defaults.as_ref();
    let default_of = |pick: fn(&RawDefaults) -> Option<&Spanned<String>>, builtin: Outcome| {
        outcome(raw_defaults.and_then(pick), &builtin)
    };
    let defaults = Defaults {
        negated: default_of(|d| d.negated.as_ref(), Outcome::Drop),
        hypothetical: default_of(|d| d.hypothetical.as_ref(), Outcome::Keep),
        third_party: default_of(|d| d.third_party.as_ref(), Outcome::Drop),
        sarcastic: default_of(|d| d.sarcastic.as_ref(), Outcome::Keep),
        window: raw_defaults
            .and_then(|d| d.window)
            .unwrap_or(DEFAULT_WINDOW),
        gap: raw_defaults.and_then(|d| d.gap).unwrap_or(0),
    };
    // Rules are validated on every core (their terms and regexes are most of a codebook's
    // parse time); their errors are taken below in file order, so the first one is reported.
    let mut validated: Vec<std::vec::IntoIter<Result<Rule>>> = raw
        .codes
        .par_iter()
        .map(|spanned| {
            let code = spanned.get_ref();
            let id = code.id.get_ref().trim();
            let rules: Vec<Result<Rule>> = code
                .rules
                .par_iter()
                .enumerate()
                .map(|(index, rule)| validate_rule(&at, id, index, rule, &languages, &defaults))
                .collect();
            rules.into_iter()
        })
        .collect();
    let mut codes = Vec::with_capacity(raw.codes.len());
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for (spanned, validated) in raw.codes.iter().zip(&mut validated) {
        let code = spanned.get_ref();
        let id = code.id.get_ref().trim().to_owned();
        let id_span = code.id.span();
        let valid_id = !id.is_empty()
            && id.split('.').all(|part| {
                !part.is_empty()
                    && part.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'
                    })
            });
        if !valid_id {
            return Err(at.error(
                id_span,
                format!("code id {id:?} must be dot-separated lowercase words (a-z, 0-9, _ or -)"),
            ));
        }
        let line = at.line_col(id_span.start).0;
        if let Some(first) = first_line.insert(id.clone(), line) {
            return Err(at.error(
                id_span,
                format!("duplicate code id `{id}` (first defined at line {first})"),
            ));
        }
        if let Some(color) = &code.color {
            let c = color.get_ref();
            let ok = c.len() == 7
                && c.starts_with('#')
                && c[1..].chars().all(|ch| ch.is_ascii_hexdigit());
            if !ok {
                return Err(at.error(
                    color.span(),
                    format!("code `{id}`: color {c:?} is not #rrggbb"),
                ));
            }
        }
        let labels = match &code.label {
            None => BTreeMap::new(),
            Some(RawLabel::One(label)) => BTreeMap::from([("en".to_owned(), label.clone())]),
            Some(RawLabel::Many(map)) => map.clone(),
        };
        let rules = validated.collect::<Result<Vec<Rule>>>()?;
        codes.push(Code {
            id,
            labels,
            description: code.description.trim().to_owned(),
            include: code.include.trim().to_owned(),
            exclude: code.exclude.trim().to_owned(),
            color: code.color.as_ref().map(|c| c.get_ref().clone()),
            exclusive: code.exclusive,
            examples: code.examples.clone(),
            counterexamples: code.counterexamples.clone(),
            rules,
            line,
        });
    }
    for (spanned, code) in raw.codes.iter().zip(&codes) {
        let span = spanned.get_ref().id.span();
        if let Some(parent) = code.parent()
            && !first_line.contains_key(parent)
        {
            return Err(at.error(
                span,
                format!(
                    "code `{}` has an unknown parent `{parent}`: declare `{parent}` as a code",
                    code.id
                ),
            ));
        }
        for (rule, raw_spanned) in code.rules.iter().zip(&spanned.get_ref().rules) {
            let raw_rule = raw_spanned.get_ref();
            let defaults = raw.defaults.as_ref();
            for (outcome, field, default_field) in [
                (
                    &rule.negated,
                    &raw_rule.negated,
                    defaults.and_then(|d| d.negated.as_ref()),
                ),
                (
                    &rule.hypothetical,
                    &raw_rule.hypothetical,
                    defaults.and_then(|d| d.hypothetical.as_ref()),
                ),
                (
                    &rule.third_party,
                    &raw_rule.third_party,
                    defaults.and_then(|d| d.third_party.as_ref()),
                ),
                (
                    &rule.sarcastic,
                    &raw_rule.sarcastic,
                    defaults.and_then(|d| d.sarcastic.as_ref()),
                ),
            ] {
                if let (Outcome::Recode(target), Some(field)) =
                    (outcome, field.as_ref().or(default_field))
                    && !first_line.contains_key(target)
                {
                    return Err(at.error(
                        field.span(),
                        format!(
                            "rule {}: `{target}` is neither drop, keep nor a code id",
                            rule.name
                        ),
                    ));
                }
            }
            if let RuleKind::Derived { from, not_from } = &rule.kind {
                let span = raw_spanned.span();
                for source in from.iter().flatten().chain(not_from) {
                    let known = first_line.contains_key(source)
                        || codes
                            .iter()
                            .any(|c| c.rules.iter().any(|r| r.name == *source));
                    if !known {
                        return Err(at.error(
                            span.clone(),
                            format!(
                                "code `{}`, rule {}: `{source}` in `from`/`not_from` is neither a code id nor a rule name",
                                code.id, rule.name
                            ),
                        ));
                    }
                }
            }
        }
    }
    let header = raw.codebook.unwrap_or(RawHeader {
        name: None,
        version: None,
        description: None,
    });
    Ok(Codebook {
        path: path.to_owned(),
        name: header.name.unwrap_or_else(|| {
            path.file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
        }),
        version: header.version.unwrap_or_default(),
        description: header.description.unwrap_or_default(),
        languages,
        codes,
    })
}

fn validate_rule(
    at: &Locator<'_>,
    code: &str,
    index: usize,
    spanned: &Spanned<RawRule>,
    languages: &BTreeMap<String, LanguageLists>,
    defaults: &Defaults,
) -> Result<Rule> {
    let span = spanned.span();
    let raw = spanned.get_ref();
    let name = raw
        .name
        .clone()
        .unwrap_or_else(|| format!("{code}#{}", index + 1));
    let fail = |message: String| {
        at.error(
            span.clone(),
            format!("code `{code}`, rule {name}: {message}"),
        )
    };
    let terms = |words: &[String]| -> Result<Vec<Term>> {
        let mut out = Vec::new();
        for w in words {
            out.extend(Term::parse_all(w).map_err(&fail)?);
        }
        Ok(out)
    };
    let has_answer = raw.answer.is_some();
    let kind = match (&raw.terms, &raw.regex, &raw.near, &raw.from) {
        (Some(list), None, None, None) => {
            if list.is_empty() {
                return Err(fail("`terms` is empty".into()));
            }
            RuleKind::Terms(terms(list)?)
        }
        (None, Some(pattern), None, None) => {
            let regex = RegexBuilder::new(pattern.get_ref())
                .case_insensitive(true)
                .size_limit(1 << 20)
                .build()
                .map_err(|e| {
                    let first_line = e.to_string().lines().last().unwrap_or("").trim().to_owned();
                    at.error(
                        pattern.span(),
                        format!("code `{code}`, rule {name}: bad regex: {first_line}"),
                    )
                })?;
            RuleKind::Regex(regex)
        }
        (None, None, Some(pair), None) => {
            let [a, b] = pair.as_slice() else {
                return Err(fail(format!(
                    "`near` takes exactly two terms, got {}",
                    pair.len()
                )));
            };
            RuleKind::Near {
                a: Term::parse(a).map_err(&fail)?,
                b: Term::parse(b).map_err(&fail)?,
                within: raw.within.unwrap_or(5),
            }
        }
        (None, None, None, Some(from)) => {
            if from.is_empty() {
                return Err(fail("`from` is empty".into()));
            }
            RuleKind::Derived {
                from: from
                    .iter()
                    .map(|entry| entry.split('|').map(|s| s.trim().to_owned()).collect())
                    .collect(),
                not_from: raw
                    .not_from
                    .iter()
                    .flat_map(|entry| entry.split('|'))
                    .map(|s| s.trim().to_owned())
                    .collect(),
            }
        }
        (None, None, None, None) if has_answer => {
            if raw.question.is_empty() {
                return Err(fail(
                    "an `answer` rule without terms needs `question` terms".into(),
                ));
            }
            RuleKind::Answer
        }
        _ => {
            return Err(fail(
                "give exactly one of `terms`, `regex`, `near` or `from` (or `question` with `answer`)".into(),
            ));
        }
    };
    if raw.within.is_some() && raw.near.is_none() {
        return Err(fail("`within` only goes with `near`".into()));
    }
    if raw.cue && raw.from.is_some() {
        return Err(fail("a `from` rule cannot be a `cue`".into()));
    }
    if raw.from.is_some() {
        let judged = [
            ("question", !raw.question.is_empty()),
            ("answer", raw.answer.is_some()),
            ("agent", raw.agent.is_some()),
            ("negated", raw.negated.is_some()),
            ("hypothetical", raw.hypothetical.is_some()),
            ("third_party", raw.third_party.is_some()),
            ("sarcastic", raw.sarcastic.is_some()),
        ];
        if let Some((key, _)) = judged.iter().find(|(_, given)| *given) {
            return Err(fail(format!(
                "a `from` rule derives from codings already judged; `{key}` has no effect on it"
            )));
        }
    }
    if !raw.not_from.is_empty() && raw.from.is_none() {
        return Err(fail("`not_from` only goes with `from`".into()));
    }
    let multi_word = match &kind {
        RuleKind::Terms(list) => list.iter().any(|t| t.words.len() > 1),
        RuleKind::Near { a, b, .. } => a.words.len() > 1 || b.words.len() > 1,
        _ => false,
    };
    if raw.gap.is_some() && !multi_word {
        return Err(fail(
            "`gap` has no effect: it allows words between the words of a multi-word term, and this rule has none".into(),
        ));
    }
    if let RuleKind::Derived { .. } = kind
        && (raw.gap.is_some()
            || !raw.exclude.is_empty()
            || !raw.unless.is_empty()
            || !raw.unless_sentence.is_empty()
            || raw.window.is_some())
    {
        return Err(fail(
            "a `from` rule derives a code from other codings: `gap`, `exclude`, `unless`, `unless_sentence` and `window` do not apply".into(),
        ));
    }
    if let Some(language) = &raw.language
        && !languages.contains_key(language)
    {
        return Err(fail(format!(
            "unknown language `{language}`: add a [languages.{language}] table"
        )));
    }
    let role = match &raw.role {
        None => None,
        Some(r) => match r.get_ref().as_str() {
            "respondent" => Some(Role::Respondent),
            "interviewer" => Some(Role::Interviewer),
            other => {
                return Err(at.error(
                    r.span(),
                    format!("code `{code}`, rule {name}: role {other:?} is neither respondent nor interviewer"),
                ));
            }
        },
    };
    let agent = match &raw.agent {
        None => None,
        Some(a) => Some(match a.get_ref().as_str() {
            "respondent" => AgentRequirement::Respondent,
            "organisation" | "organization" => AgentRequirement::Organisation,
            "third_party" => AgentRequirement::ThirdParty,
            "not_respondent" => AgentRequirement::NotRespondent,
            "not_organisation" => AgentRequirement::NotOrganisation,
            other => {
                return Err(at.error(
                    a.span(),
                    format!("code `{code}`, rule {name}: agent {other:?} is none of respondent, organisation, third_party, not_respondent, not_organisation"),
                ));
            }
        }),
    };
    let answer = match &raw.answer {
        None => None,
        Some(a) => Some(match a.get_ref().as_str() {
            "yes" => Polarity::Yes,
            "no" => Polarity::No,
            other => {
                return Err(at.error(
                    a.span(),
                    format!("code `{code}`, rule {name}: answer {other:?} is neither yes nor no"),
                ));
            }
        }),
    };
    Ok(Rule {
        name: name.clone(),
        kind,
        gap: raw.gap.unwrap_or(defaults.gap),
        exclude: terms(&raw.exclude)?,
        unless: terms(&raw.unless)?,
        unless_sentence: terms(&raw.unless_sentence)?,
        negated: outcome(raw.negated.as_ref(), &defaults.negated),
        hypothetical: outcome(raw.hypothetical.as_ref(), &defaults.hypothetical),
        third_party: outcome(raw.third_party.as_ref(), &defaults.third_party),
        sarcastic: outcome(raw.sarcastic.as_ref(), &defaults.sarcastic),
        agent,
        question: terms(&raw.question)?,
        cue: raw.cue,
        answer,
        window: raw.window.unwrap_or(defaults.window),
        language: raw.language.clone(),
        role,
        speaker: raw.speaker.as_deref().map(crate::text::fold),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(source: &str) -> String {
        parse(Path::new("cb.toml"), source).unwrap_err().to_string()
    }

    const PARENT: &str = "[[codes]]\nid = \"a\"\n";

    #[test]
    fn judge_keys_on_a_from_rule_and_unknown_subjects_are_refused() {
        let on_from = err(&format!(
            "{PARENT}[[codes]]\nid = \"b\"\n[[codes.rules]]\nfrom = [\"a\"]\nnegated = \"keep\"\n"
        ));
        assert!(
            on_from.contains("`negated` has no effect on it"),
            "{on_from}"
        );
        let subject = err(&format!("[languages.nl]\nsubject = \"last\"\n{PARENT}"));
        assert!(subject.contains("subject \"last\" is neither"), "{subject}");
    }

    #[test]
    fn errors_name_file_line_and_field() {
        assert_eq!(
            err(&format!("{PARENT}[[codes]]\nid = \"a\"\n")),
            "cb.toml:4:6: duplicate code id `a` (first defined at line 2)"
        );
        assert_eq!(
            err("[[codes]]\nid = \"a.b\"\n"),
            "cb.toml:2:6: code `a.b` has an unknown parent `a`: declare `a` as a code"
        );
        let bad_regex = err(&format!("{PARENT}[[codes.rules]]\nregex = 'a(b'\n"));
        assert!(
            bad_regex.starts_with("cb.toml:4:9: code `a`, rule a#1: bad regex"),
            "{bad_regex}"
        );
        let unknown = err("[[codes]]\nid = \"a\"\nlabl = \"x\"\n");
        assert!(
            unknown.starts_with("cb.toml:3:1: unknown field `labl`"),
            "{unknown}"
        );
        assert!(
            err(&format!(
                "{PARENT}[[codes.rules]]\nterms = ['x']\nregex = 'y'\n"
            ))
            .contains("exactly one of")
        );
        assert!(
            err(&format!(
                "{PARENT}[[codes.rules]]\nterms = ['x']\nnegated = 'b'\n"
            ))
            .contains("neither drop, keep nor a code id")
        );
        assert!(err("[[codes]]\nid = \"A\"\n").contains("lowercase"));
    }

    #[test]
    fn a_valid_codebook_keeps_its_parts() {
        let cb = parse(
            Path::new("cb.toml"),
            "[languages.nl]\nnegators = ['niet']\n[[codes]]\nid = \"a\"\nlabel = { nl = \"A nl\", en = \"A en\" }\n[[codes]]\nid = \"a.b\"\n[[codes.rules]]\nterms = ['bel*']\nnegated = 'a'\nlanguage = 'nl'\n",
        )
        .unwrap();
        assert_eq!(cb.codes.len(), 2);
        assert_eq!(cb.codes[0].label("nl"), "A nl");
        let rule = &cb.codes[1].rules[0];
        assert_eq!(rule.name, "a.b#1");
        assert_eq!(rule.negated, Outcome::Recode("a".into()));
        assert_eq!(rule.hypothetical, Outcome::Keep);
    }
}

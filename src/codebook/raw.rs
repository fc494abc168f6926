//! The TOML shape of a codebook and its validation into a [`Codebook`], with file, line and
//! column in every error.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;

use regex::RegexBuilder;
use serde::Deserialize;
use serde_spanned::Spanned;

use super::{Code, Codebook, DEFAULT_WINDOW, LanguageLists, Outcome, Rule, RuleKind, Term};
use crate::corpus::Role;
use crate::{Error, Result};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCodebook {
    codebook: Option<RawHeader>,
    #[serde(default)]
    languages: BTreeMap<String, Spanned<RawLanguage>>,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    #[serde(default)]
    negators: Vec<String>,
    #[serde(default)]
    clause_breaks: Vec<String>,
    #[serde(default)]
    hypothetical: Vec<String>,
    #[serde(default)]
    not_negation: Vec<String>,
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
    negated: Option<Spanned<String>>,
    hypothetical: Option<Spanned<String>>,
    window: Option<usize>,
    language: Option<String>,
    role: Option<Spanned<String>>,
    speaker: Option<String>,
}

/// Turns byte spans into `file:line:column` errors.
struct Locator<'a> {
    path: &'a Path,
    source: &'a str,
}

impl Locator<'_> {
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = &self.source[..offset.min(self.source.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
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
    let at = Locator { path, source };
    let raw: RawCodebook = toml::from_str(source).map_err(|e| {
        let message = e.message().trim().replace('\n', " ");
        at.error(e.span().unwrap_or(0..0), message)
    })?;
    let mut languages = BTreeMap::new();
    for (name, lists) in &raw.languages {
        let span = lists.span();
        let lists = lists.get_ref();
        let terms = |words: &[String]| -> Result<Vec<Term>> {
            words
                .iter()
                .map(|w| {
                    Term::parse(w)
                        .map_err(|m| at.error(span.clone(), format!("languages.{name}: {m}")))
                })
                .collect()
        };
        languages.insert(
            name.clone(),
            LanguageLists {
                negators: terms(&lists.negators)?,
                clause_breaks: terms(&lists.clause_breaks)?,
                hypothetical: terms(&lists.hypothetical)?,
                not_negation: terms(&lists.not_negation)?,
            },
        );
    }
    let mut codes = Vec::with_capacity(raw.codes.len());
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for spanned in &raw.codes {
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
        let mut rules = Vec::with_capacity(code.rules.len());
        for (index, rule) in code.rules.iter().enumerate() {
            rules.push(validate_rule(&at, &id, index, rule, &languages)?);
        }
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
        for (rule, raw_rule) in code.rules.iter().zip(&spanned.get_ref().rules) {
            let raw_rule = raw_rule.get_ref();
            for (outcome, field) in [
                (&rule.negated, &raw_rule.negated),
                (&rule.hypothetical, &raw_rule.hypothetical),
            ] {
                if let (Outcome::Recode(target), Some(field)) = (outcome, field)
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
        words
            .iter()
            .map(|w| Term::parse(w).map_err(&fail))
            .collect()
    };
    let kind = match (&raw.terms, &raw.regex, &raw.near) {
        (Some(list), None, None) => {
            if list.is_empty() {
                return Err(fail("`terms` is empty".into()));
            }
            RuleKind::Terms(terms(list)?)
        }
        (None, Some(pattern), None) => {
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
        (None, None, Some(pair)) => {
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
        _ => {
            return Err(fail(
                "give exactly one of `terms`, `regex` or `near`".into(),
            ));
        }
    };
    if raw.within.is_some() && raw.near.is_none() {
        return Err(fail("`within` only goes with `near`".into()));
    }
    let outcome = |field: &Option<Spanned<String>>, default: Outcome| match field
        .as_ref()
        .map(|f| f.get_ref().as_str())
    {
        None => default,
        Some("drop") => Outcome::Drop,
        Some("keep") => Outcome::Keep,
        Some(other) => Outcome::Recode(other.to_owned()),
    };
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
    Ok(Rule {
        name: name.clone(),
        kind,
        gap: raw.gap.unwrap_or(0),
        exclude: terms(&raw.exclude)?,
        unless: terms(&raw.unless)?,
        negated: outcome(&raw.negated, Outcome::Drop),
        hypothetical: outcome(&raw.hypothetical, Outcome::Keep),
        window: raw.window.unwrap_or(DEFAULT_WINDOW),
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

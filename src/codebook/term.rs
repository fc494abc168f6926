//! Terms: the word patterns rules are written in (`bel*`, `belde|belden`, `namen contact op`,
//! `~bellen` for every inflection, `als {4} hadden` for an explicit gap).

use std::fmt;

use crate::text::fold;

/// One way a single word may look.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WordShape {
    /// The whole word.
    Exact(String),
    /// `bel*`: starts with.
    Prefix(String),
    /// `*heid`: ends with.
    Suffix(String),
    /// `*bel*`: contains.
    Contains(String),
    /// `~bellen`: any inflection of the lemma (see [`crate::text::lemma`]).
    Lemma(String),
}

impl WordShape {
    /// Whether the folded word `word` of a text in `language` has this shape.
    pub fn matches(&self, word: &str, language: &str) -> bool {
        match self {
            WordShape::Exact(s) => word == s,
            WordShape::Prefix(s) => word.starts_with(s.as_str()),
            WordShape::Suffix(s) => word.ends_with(s.as_str()),
            WordShape::Contains(s) => word.contains(s.as_str()),
            WordShape::Lemma(s) => crate::text::lemma::keys_of_lemma(language, s)
                .contains(crate::text::lemma::key(language, word).as_ref()),
        }
    }
}

/// One word position of a term: alternatives separated by `|`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WordPattern {
    /// The alternatives, folded.
    pub shapes: Vec<WordShape>,
}

impl WordPattern {
    /// Whether the folded word of a text in `language` matches any alternative.
    pub fn matches(&self, word: &str, language: &str) -> bool {
        self.shapes.iter().any(|s| s.matches(word, language))
    }
}

/// A term: one or more word positions in order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Term {
    /// The word positions.
    pub words: Vec<WordPattern>,
    /// Per word position, the most words allowed before it when the term itself says so
    /// (`{N}`, or 0 between the parts of a hyphenated word); `None` leaves it to the rule's
    /// `gap`. The first entry is always `None`.
    pub gaps: Vec<Option<usize>>,
    /// The term as written.
    pub source: String,
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl Term {
    /// Parses a term whose word positions have alternatives of one hyphen shape.
    fn parse_one(source: &str) -> Result<Term, String> {
        let fail = |m: String| format!("term {source:?}: {m}");
        let mut words = Vec::new();
        let mut gaps = Vec::new();
        let mut pending_gap: Option<usize> = None;
        for position in source.split_whitespace() {
            if let Some(inner) = position.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                let n = inner.parse::<usize>().map_err(|_| {
                    fail(format!(
                        "`{position}`: a gap is a number of words, e.g. `{{3}}`"
                    ))
                })?;
                if words.is_empty() || pending_gap.is_some() {
                    return Err(fail(format!("`{position}` must stand between two words")));
                }
                pending_gap = Some(n);
                continue;
            }
            for (part_index, alternatives) in split_hyphens(position)
                .map_err(&fail)?
                .into_iter()
                .enumerate()
            {
                let mut shapes = Vec::new();
                for alt in alternatives.split('|') {
                    shapes.push(parse_shape(alt).map_err(&fail)?);
                }
                gaps.push(if part_index > 0 {
                    Some(0)
                } else {
                    pending_gap.take()
                });
                words.push(WordPattern { shapes });
            }
        }
        if pending_gap.is_some() {
            return Err(fail("a gap `{N}` must stand between two words".into()));
        }
        if words.is_empty() {
            return Err("empty term".into());
        }
        gaps[0] = None;
        Ok(Term {
            words,
            gaps,
            source: source.to_owned(),
        })
    }
}

/// Splits a hyphenated word position into its parts, each a set of `|` alternatives: the
/// text's words split at hyphens, so `social-media` is two consecutive words. Alternatives
/// of a position have the same number of parts here ([`Term::parse_all`] groups them).
fn split_hyphens(position: &str) -> Result<Vec<String>, String> {
    let alternatives: Vec<Vec<&str>> = position.split('|').map(hyphen_parts).collect();
    let parts = alternatives[0].len();
    if alternatives.iter().any(|a| a.len() != parts) {
        return Err(format!("`{position}`: alternatives with different hyphens"));
    }
    if alternatives.iter().flatten().any(|p| p.is_empty()) {
        return Err(format!(
            "`{position}`: a hyphen needs letters on both sides"
        ));
    }
    Ok((0..parts)
        .map(|i| {
            alternatives
                .iter()
                .map(|a| a[i])
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect())
}

/// The hyphen-separated parts of one alternative (`sister-in-law` → sister, in, law); a
/// leading or trailing hyphen is no separator.
fn hyphen_parts(alternative: &str) -> Vec<&str> {
    let inner = alternative
        .char_indices()
        .any(|(i, c)| c == '-' && i > 0 && i + 1 < alternative.len());
    if inner {
        alternative.split('-').collect()
    } else {
        vec![alternative]
    }
}

/// The largest number of terms one written term may expand to.
const MAX_EXPANSIONS: usize = 64;

impl Term {
    /// Parses a term that may stand for several: a word position whose alternatives differ
    /// in hyphens (`in-laws|family`) becomes one term per form, all with the same source.
    pub fn parse_all(source: &str) -> Result<Vec<Term>, String> {
        let mut variants: Vec<Vec<String>> = vec![Vec::new()];
        for position in source.split_whitespace() {
            let mut groups: Vec<(usize, Vec<&str>)> = Vec::new();
            for alt in position.split('|') {
                let parts = hyphen_parts(alt).len();
                match groups.iter_mut().find(|(n, _)| *n == parts) {
                    Some((_, list)) => list.push(alt),
                    None => groups.push((parts, vec![alt])),
                }
            }
            let mut next = Vec::new();
            for variant in &variants {
                for (_, list) in &groups {
                    let mut v = variant.clone();
                    v.push(list.join("|"));
                    next.push(v);
                }
            }
            if next.len() > MAX_EXPANSIONS {
                return Err(format!(
                    "term {source:?}: its hyphenated alternatives make more than {MAX_EXPANSIONS} terms; split it"
                ));
            }
            variants = next;
        }
        variants
            .iter()
            .map(|v| {
                let mut term = Term::parse_one(&v.join(" ")).map_err(|m| {
                    m.replace(&format!("{:?}", v.join(" ")), &format!("{source:?}"))
                })?;
                term.source = source.to_owned();
                Ok(term)
            })
            .collect()
    }

    /// Parses a term that must stand for one (the two terms of `near`).
    pub fn parse(source: &str) -> Result<Term, String> {
        let mut terms = Term::parse_all(source)?;
        if terms.len() > 1 {
            return Err(format!(
                "term {source:?}: alternatives that differ in hyphens make several terms, which is not allowed here"
            ));
        }
        Ok(terms.remove(0))
    }
}

fn parse_shape(alt: &str) -> Result<WordShape, String> {
    if let Some(lemma) = alt.strip_prefix('~') {
        if lemma.is_empty() || lemma.contains(['*', '~']) {
            return Err(format!(
                "`{alt}`: a lemma is `~` and a whole word (`~bellen`), without wildcards"
            ));
        }
        check_word_characters(alt, lemma)?;
        return Ok(WordShape::Lemma(fold(lemma)));
    }
    let lead = alt.starts_with('*');
    let trail = alt.len() > 1 && alt.ends_with('*');
    let core = alt.trim_start_matches('*').trim_end_matches('*');
    if core.is_empty() {
        return Err(format!("`{alt}` matches every word: give some letters"));
    }
    if core.contains('*') {
        return Err(format!(
            "`{alt}`: `*` may only stand at the start or end of a word"
        ));
    }
    check_word_characters(alt, core)?;
    let core = fold(core);
    if core.starts_with('\'') || core.starts_with("n'") {
        // Contractions: `n't` is the end of "didn't", "wasn't".
        return Ok(WordShape::Suffix(core));
    }
    Ok(match (lead, trail) {
        (false, false) => WordShape::Exact(core),
        (false, true) => WordShape::Prefix(core),
        (true, false) => WordShape::Suffix(core),
        (true, true) => WordShape::Contains(core),
    })
}

/// A word of a term holds letters, digits, apostrophes and dots between letters
/// (abbreviations such as `o.a`); anything else is most likely regex syntax, which terms do
/// not have.
fn check_word_characters(alt: &str, core: &str) -> Result<(), String> {
    if !core.chars().any(char::is_alphanumeric) {
        return Err(format!("`{alt}` has no letters or digits"));
    }
    let chars: Vec<char> = core.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let inner_dot = c == '.'
            && i > 0
            && i + 1 < chars.len()
            && chars[i - 1].is_alphanumeric()
            && chars[i + 1].is_alphanumeric();
        if !(c.is_alphanumeric() || matches!(c, '\'' | '’' | '‘') || inner_dot) {
            return Err(format!(
                "`{alt}`: `{c}` is not term syntax (words with `*` wildcards, `|` \
                 alternatives, `~lemma`, `{{N}}` gaps); for patterns write a `regex` rule"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_and_alternatives() {
        let t = Term::parse("Namen|nam contact op*").unwrap();
        assert_eq!(t.words.len(), 3);
        assert_eq!(t.gaps, [None, None, None]);
        let m = |t: &Term, i: usize, w: &str| t.words[i].matches(w, "nl");
        assert!(m(&t, 0, "namen") && m(&t, 0, "nam"));
        assert!(m(&t, 2, "opgenomen") && !m(&t, 2, "contact"));
        assert!(m(&Term::parse("*heid").unwrap(), 0, "vrijheid"));
        assert!(m(&Term::parse("*bel*").unwrap(), 0, "gebeld"));
        assert!(m(&Term::parse("één").unwrap(), 0, "een"));
        assert!(m(&Term::parse("n't").unwrap(), 0, "didn't"));
    }

    #[test]
    fn lemmas_gaps_and_hyphens() {
        let t = Term::parse("~Bellen me").unwrap();
        assert_eq!(t.words[0].shapes, [WordShape::Lemma("bellen".into())]);
        assert!(t.words[0].matches("belde", "nl") && t.words[0].matches("gebeld", "nl"));
        let t = Term::parse("als {4} hadden|had").unwrap();
        assert_eq!(t.words.len(), 2);
        assert_eq!(t.gaps, [None, Some(4)]);
        let t = Term::parse("social-media re-identif*").unwrap();
        assert_eq!(t.words.len(), 4);
        assert_eq!(t.gaps, [None, Some(0), None, Some(0)]);
        assert!(t.words[3].matches("identified", "en"));
    }

    #[test]
    fn bad_terms_are_refused() {
        assert!(Term::parse("").is_err());
        assert!(Term::parse("*").unwrap_err().contains("every word"));
        assert!(Term::parse("b*l").unwrap_err().contains("start or end"));
        assert!(Term::parse("a||b").is_err());
        for regexish in ["(bel|ring)", "bel.+", "a\\b", "x?", "^begin", "call[s]"] {
            let err = Term::parse(regexish).unwrap_err();
            assert!(err.contains("not term syntax"), "{regexish}: {err}");
        }
        assert!(Term::parse("o.a. bijv").is_err());
        assert!(Term::parse("o.a bijv").is_ok());
        assert!(
            Term::parse("{2} bel")
                .unwrap_err()
                .contains("between two words")
        );
        assert!(
            Term::parse("bel {x} me")
                .unwrap_err()
                .contains("number of words")
        );
        assert!(
            Term::parse("~bel*")
                .unwrap_err()
                .contains("without wildcards")
        );
        assert!(Term::parse("a|b-c").unwrap_err().contains("several terms"));
        let forms = Term::parse_all("my in-laws|family").unwrap();
        assert_eq!(forms.len(), 2);
        assert_eq!(forms[0].words.len(), 3);
        assert_eq!(forms[1].words.len(), 2);
        assert!(forms.iter().all(|t| t.source == "my in-laws|family"));
    }
}

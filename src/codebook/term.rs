//! Terms: the word patterns rules are written in (`bel*`, `belde|belden`, `namen contact op`).

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
}

impl WordShape {
    /// Whether the folded word `word` has this shape.
    pub fn matches(&self, word: &str) -> bool {
        match self {
            WordShape::Exact(s) => word == s,
            WordShape::Prefix(s) => word.starts_with(s.as_str()),
            WordShape::Suffix(s) => word.ends_with(s.as_str()),
            WordShape::Contains(s) => word.contains(s.as_str()),
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
    /// Whether the folded word matches any alternative.
    pub fn matches(&self, word: &str) -> bool {
        self.shapes.iter().any(|s| s.matches(word))
    }
}

/// A term: one or more word positions in order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Term {
    /// The word positions.
    pub words: Vec<WordPattern>,
    /// The term as written.
    pub source: String,
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl Term {
    /// Parses a term; the error says what is wrong with it.
    pub fn parse(source: &str) -> Result<Term, String> {
        let mut words = Vec::new();
        for position in source.split_whitespace() {
            let mut shapes = Vec::new();
            for alt in position.split('|') {
                shapes.push(parse_shape(alt).map_err(|m| format!("term {source:?}: {m}"))?);
            }
            words.push(WordPattern { shapes });
        }
        if words.is_empty() {
            return Err("empty term".into());
        }
        Ok(Term {
            words,
            source: source.to_owned(),
        })
    }
}

fn parse_shape(alt: &str) -> Result<WordShape, String> {
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
    let has_word_char = core.chars().any(char::is_alphanumeric);
    if !has_word_char {
        return Err(format!("`{alt}` has no letters or digits"));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_and_alternatives() {
        let t = Term::parse("Namen|nam contact op*").unwrap();
        assert_eq!(t.words.len(), 3);
        assert!(t.words[0].matches("namen") && t.words[0].matches("nam"));
        assert!(t.words[2].matches("opgenomen") && !t.words[2].matches("contact"));
        assert!(Term::parse("*heid").unwrap().words[0].matches("vrijheid"));
        assert!(Term::parse("*bel*").unwrap().words[0].matches("gebeld"));
        assert!(Term::parse("één").unwrap().words[0].matches("een"));
        assert!(Term::parse("n't").unwrap().words[0].matches("didn't"));
    }

    #[test]
    fn bad_terms_are_refused() {
        assert!(Term::parse("").is_err());
        assert!(Term::parse("*").unwrap_err().contains("every word"));
        assert!(Term::parse("b*l").unwrap_err().contains("start or end"));
        assert!(Term::parse("a||b").is_err());
    }
}

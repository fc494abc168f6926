//! The features a learned model reads from a respondent turn: lemmas and lemma bigrams of the
//! turn, lemmas of the interviewer's question, the codebook's rule hits and the language. All
//! are binary and carry a readable name (`w:bellen`, `b:niet_gevraagd`, `q:vragen`,
//! `r:proactivity.initiative`, `lang:nl`), so `thema learn --explain` can show what weighs.

use std::collections::BTreeSet;

use crate::corpus::{Document, Role};
use crate::engine::Coding;

/// A respondent turn with its features.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Index of the document in the corpus.
    pub document: usize,
    /// The turn number in the document.
    pub turn: usize,
    /// 1-based index of the turn's first segment (where a model coding is placed).
    pub first_segment: usize,
    /// The feature names, sorted and distinct.
    pub features: BTreeSet<String>,
    /// Lemma feature → the first word of the turn that gave it, for the `matched` column.
    pub words: Vec<(String, String)>,
}

/// The lemma keys of `text` with the words they came from, in text order.
fn lemmas(text: &str, language: &str) -> Vec<(String, String)> {
    crate::text::words(text)
        .map(|w| {
            let key = crate::text::lemma::key(language, &w.folded).into_owned();
            (key, text[w.start..w.end].to_owned())
        })
        .collect()
}

/// Every respondent turn of `document`, with the rule hits of `codings` on it.
pub fn units(index: usize, document: &Document, codings: &[Coding]) -> Vec<Unit> {
    let language = document.language.as_str();
    let mut out: Vec<Unit> = Vec::new();
    let mut question = String::new();
    let mut last_turn = 0;
    for segment in &document.segments {
        match segment.role {
            Role::Interviewer => {
                if segment.turn != last_turn {
                    question.clear();
                }
                question.push_str(&segment.text);
                question.push('\n');
            }
            Role::Respondent => {
                let unit = match out.last_mut() {
                    Some(u) if u.turn == segment.turn => u,
                    _ => {
                        let mut features = BTreeSet::from([format!("lang:{language}")]);
                        features.extend(
                            lemmas(&question, language)
                                .into_iter()
                                .map(|(k, _)| format!("q:{k}")),
                        );
                        out.push(Unit {
                            document: index,
                            turn: segment.turn,
                            first_segment: segment.index,
                            features,
                            words: Vec::new(),
                        });
                        out.last_mut().expect("just pushed")
                    }
                };
                let found = lemmas(&segment.text, language);
                for pair in found.windows(2) {
                    unit.features
                        .insert(format!("b:{}_{}", pair[0].0, pair[1].0));
                }
                for (key, word) in found {
                    let name = format!("w:{key}");
                    if unit.features.insert(name.clone()) {
                        unit.words.push((name, word));
                    }
                }
                for c in codings.iter().filter(|c| c.segment == segment.index) {
                    unit.features.insert(format!("r:{}", c.code));
                }
            }
            _ => {}
        }
        last_turn = segment.turn;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_turn_reads_its_words_bigrams_question_and_rule_hits() {
        let doc = Document::parsed(
            "D",
            "I: Had u erom gevraagd?\n\nR: Nee, ze belden zelf.\n\nR: Echt waar.",
            "nl",
        );
        let hit = Coding {
            segment: 2,
            start: 0,
            end: 3,
            code: "expectation.unsolicited".into(),
            rule: "r".into(),
            matched: "Nee".into(),
        };
        let units = units(0, &doc, &[hit]);
        assert_eq!(units.len(), 2, "{units:?}");
        let f = &units[0].features;
        assert!(
            f.contains("lang:nl") && f.contains("r:expectation.unsolicited"),
            "{f:?}"
        );
        assert!(f.contains("q:vraag"), "{f:?}");
        assert!(f.iter().any(|x| x.starts_with("b:nee_")), "{f:?}");
        assert!(!units[1].features.contains("r:expectation.unsolicited"));
        assert!(units[1].features.iter().any(|x| x.starts_with("q:")));
    }
}

//! Who the interviewer is when no label says so. Transcripts from Otter.ai, Teams or Zoom
//! name people, not roles; without an interviewer every question would be coded as an
//! answer. So, for documents with two or more speakers and no interviewer turn:
//!
//! 1. a speaker who opens every one of those documents (two or more) is the study's
//!    interviewer;
//! 2. otherwise, per document, the speaker who asks the most questions (turns with a `?`,
//!    at least two, more than anyone else).
//!
//! Every inference is a document warning and a note in the summary; documents left without
//! an interviewer turn get a warning, and so do interviewer labels that match no speaker.

use std::collections::{BTreeMap, BTreeSet};

use crate::corpus::{Document, Format, Role};

use super::cues::UNKNOWN_SPEAKER;

/// The speakers of a document in order of their first turn (the unknown speaker left out).
fn speakers(doc: &Document) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for s in doc.segments.iter().filter(|s| s.role != Role::Preamble) {
        if s.speaker != UNKNOWN_SPEAKER && !out.iter().any(|o| o.eq_ignore_ascii_case(&s.speaker)) {
            out.push(&s.speaker);
        }
    }
    out
}

fn has_interviewer(doc: &Document) -> bool {
    doc.segments.iter().any(|s| s.role == Role::Interviewer)
}

/// Per speaker, the turns with a question mark.
fn question_turns(doc: &Document) -> BTreeMap<String, BTreeSet<usize>> {
    let mut out: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for s in doc.segments.iter().filter(|s| s.role != Role::Preamble) {
        if s.text.contains('?') {
            out.entry(s.speaker.to_lowercase())
                .or_default()
                .insert(s.turn);
        }
    }
    out
}

/// The speaker asking the most questions, with the counts, when the choice is clear.
fn most_questions(doc: &Document) -> Option<(&str, usize, usize)> {
    let turns = question_turns(doc);
    let total: usize = turns.values().map(BTreeSet::len).sum();
    let mut counts: Vec<(usize, &str)> = speakers(doc)
        .into_iter()
        .map(|s| (turns.get(&s.to_lowercase()).map_or(0, BTreeSet::len), s))
        .collect();
    counts.sort_by_key(|c| std::cmp::Reverse(c.0));
    match counts.as_slice() {
        [(best, name), rest @ ..] if *best >= 2 && rest.iter().all(|(n, _)| n < best) => {
            Some((name, *best, total))
        }
        _ => None,
    }
}

/// Marks the inferred interviewers' turns, adds document warnings, and returns the notes
/// for the summary.
pub fn infer(documents: &mut [Document]) -> Vec<String> {
    let candidates: Vec<usize> = documents
        .iter()
        .enumerate()
        .filter(|(_, d)| !has_interviewer(d) && speakers(d).len() >= 2)
        .map(|(i, _)| i)
        .collect();
    let openers: BTreeSet<String> = candidates
        .iter()
        .filter_map(|&d| speakers(&documents[d]).first().map(|s| s.to_lowercase()))
        .collect();
    let study_interviewer = (candidates.len() >= 2 && openers.len() == 1)
        .then(|| openers.into_iter().next())
        .flatten();
    // (speaker, reason) → documents
    let mut inferred: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for &d in &candidates {
        let doc = &documents[d];
        let choice = match &study_interviewer {
            Some(name) => speakers(doc)
                .into_iter()
                .find(|s| s.eq_ignore_ascii_case(name))
                .map(|s| {
                    (
                        s.to_owned(),
                        format!(
                            "opens every one of the {} documents without an interviewer label",
                            candidates.len()
                        ),
                        "opens every document".to_owned(),
                    )
                }),
            None => most_questions(doc).map(|(s, n, total)| {
                (
                    s.to_owned(),
                    format!("asks {n} of the {total} questions"),
                    "asks the most questions".to_owned(),
                )
            }),
        };
        let Some((speaker, reason, short)) = choice else {
            continue;
        };
        let doc = &mut documents[d];
        for s in &mut doc.segments {
            if s.speaker.eq_ignore_ascii_case(&speaker) {
                s.role = Role::Interviewer;
            }
        }
        doc.warnings.push(format!(
            "interviewer inferred: `{speaker}` ({reason}); set it with --interviewer NAME if that is wrong"
        ));
        inferred
            .entry((speaker, short))
            .or_default()
            .push(doc.id.clone());
    }
    let mut notes: Vec<String> = inferred
        .into_iter()
        .map(|((speaker, reason), docs)| {
            format!(
                "interviewer inferred: `{speaker}` ({reason}) in {} document{}: {}; its turns are not coded (set the interviewer with --interviewer NAME)",
                docs.len(),
                if docs.len() == 1 { "" } else { "s" },
                docs.join(", ")
            )
        })
        .collect();
    let mut without = 0;
    for doc in documents.iter_mut() {
        let names = speakers(doc);
        let survey =
            matches!(doc.format, Format::Csv | Format::Tsv | Format::JsonLines) && names.len() < 2;
        if has_interviewer(doc) || names.is_empty() || survey {
            continue;
        }
        without += 1;
        doc.warnings.push(format!(
            "no interviewer turn: every turn is coded as an answer; if one of {} is the interviewer, give --interviewer NAME",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if without > 0 {
        notes.push(format!(
            "{without} document{} without an interviewer turn: all their speech is coded (see the warnings)",
            if without == 1 { "" } else { "s" }
        ));
    }
    notes
}

/// Warnings for interviewer labels (from `--interviewer` or the study file) that match no
/// speaker of any document.
pub fn unmatched_labels(documents: &[Document], labels: &[String]) -> Vec<String> {
    let known: BTreeSet<String> = documents
        .iter()
        .flat_map(|d| d.segments.iter().map(|s| s.speaker.to_lowercase()))
        .collect();
    let mut names: Vec<&str> = documents
        .iter()
        .flat_map(|d| speakers(d))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let more = names.len().saturating_sub(12);
    names.truncate(12);
    labels
        .iter()
        .filter(|l| !known.contains(&l.to_lowercase()))
        .map(|l| {
            format!(
                "interviewer label `{l}` matches no speaker in any document (speakers: {}{})",
                names.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, text: &str) -> Document {
        Document::parsed(id, text, "en")
    }

    fn roles(d: &Document) -> Vec<(&str, Role)> {
        d.segments
            .iter()
            .map(|s| (s.speaker.as_str(), s.role))
            .collect()
    }

    #[test]
    fn the_speaker_asking_most_questions_is_the_interviewer() {
        let mut docs = vec![doc(
            "A",
            "Sara: Hello.\nPieter: How did it start?\nSara: With a letter.\nPieter: Who sent it?\nSara: The council. Why?\nPieter: And then?\n",
        )];
        let notes = infer(&mut docs);
        assert!(
            roles(&docs[0])
                .iter()
                .all(|(s, r)| (*s == "Pieter") == (*r == Role::Interviewer))
        );
        assert!(docs[0].warnings[0].contains("`Pieter` (asks 3 of the 4 questions)"));
        assert!(notes[0].starts_with(
            "interviewer inferred: `Pieter` (asks the most questions) in 1 document: A"
        ));
    }

    #[test]
    fn the_speaker_opening_every_document_is_the_interviewer() {
        let mut docs = vec![
            doc(
                "A",
                "Pieter: Tell me.\nSara: Well?\nPieter: Go on.\nSara: Why? How?\n",
            ),
            doc(
                "B",
                "Pieter: Tell me.\nKees: Yes.\nPieter: And?\nKees: Done.\n",
            ),
        ];
        let notes = infer(&mut docs);
        for d in &docs {
            assert_eq!(roles(d)[0], ("Pieter", Role::Interviewer));
            assert_eq!(roles(d)[1].1, Role::Respondent);
        }
        assert!(
            notes[0].contains("(opens every document) in 2 documents: A, B"),
            "{notes:?}"
        );
    }

    #[test]
    fn no_clear_interviewer_is_a_warning() {
        let mut docs = vec![doc(
            "A",
            "Sara: Hello.\nPieter: Hi.\nSara: Bye.\nPieter: Bye.\n",
        )];
        let notes = infer(&mut docs);
        assert!(docs[0].segments.iter().all(|s| s.role == Role::Respondent));
        assert!(
            docs[0].warnings[0].starts_with("no interviewer turn"),
            "{:?}",
            docs[0].warnings
        );
        assert!(notes[0].contains("1 document without an interviewer turn"));
        let labelled = vec![doc("B", "I: How?\nR: So.\n")];
        assert_eq!(
            unmatched_labels(&labelled, &["Pietr".into(), "i".into()]),
            ["interviewer label `Pietr` matches no speaker in any document (speakers: I, R)"]
        );
    }
}

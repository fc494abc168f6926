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

/// What the inference needs to know of a document, taken on a first read, so that a corpus
/// streamed through in parts is decided as a whole.
#[derive(Debug, Clone)]
pub struct Outline {
    id: String,
    has_interviewer: bool,
    /// Speakers in order of first turn, as written (the unknown speaker left out).
    speakers: Vec<String>,
    /// Every speaker label, lowercase (for [`unmatched_labels`]).
    labels: BTreeSet<String>,
    /// A table of answers with one speaker: a survey, which has no interviewer.
    survey: bool,
    most_questions: Option<(String, usize, usize)>,
}

/// The outline of `doc`.
pub fn outline(doc: &Document) -> Outline {
    let names = speakers(doc);
    Outline {
        id: doc.id.clone(),
        has_interviewer: has_interviewer(doc),
        survey: matches!(doc.format, Format::Csv | Format::Tsv | Format::JsonLines)
            && names.len() < 2,
        speakers: names.iter().map(|s| (*s).to_owned()).collect(),
        labels: doc
            .segments
            .iter()
            .map(|s| s.speaker.to_lowercase())
            .collect(),
        most_questions: most_questions(doc).map(|(s, n, total)| (s.to_owned(), n, total)),
    }
}

/// The speaker inferred to be a document's interviewer, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    speaker: String,
    reason: String,
}

/// Decides, for each outlined document, who its inferred interviewer is (if anyone), and
/// returns the notes for the summary.
pub fn decide(outlines: &[Outline]) -> (Vec<Option<Choice>>, Vec<String>) {
    let is_candidate = |o: &Outline| !o.has_interviewer && o.speakers.len() >= 2;
    let candidates = outlines.iter().filter(|o| is_candidate(o)).count();
    let openers: BTreeSet<String> = outlines
        .iter()
        .filter(|o| is_candidate(o))
        .filter_map(|o| o.speakers.first().map(|s| s.to_lowercase()))
        .collect();
    let study_interviewer = candidates >= 2 && openers.len() == 1;
    // (speaker, reason) → documents
    let mut inferred: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut without = 0;
    let choices: Vec<Option<Choice>> = outlines
        .iter()
        .map(|o| {
            let choice = if !is_candidate(o) {
                None
            } else if study_interviewer {
                o.speakers.first().map(|s| {
                    (
                        s.clone(),
                        format!(
                            "opens every one of the {candidates} documents without an interviewer label"
                        ),
                        "opens every document",
                    )
                })
            } else {
                o.most_questions.as_ref().map(|(s, n, total)| {
                    (
                        s.clone(),
                        format!("asks {n} of the {total} questions"),
                        "asks the most questions",
                    )
                })
            };
            match choice {
                Some((speaker, reason, short)) => {
                    inferred
                        .entry((speaker.clone(), short.to_owned()))
                        .or_default()
                        .push(o.id.clone());
                    Some(Choice { speaker, reason })
                }
                None => {
                    without += usize::from(
                        !o.has_interviewer && !o.speakers.is_empty() && !o.survey,
                    );
                    None
                }
            }
        })
        .collect();
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
    if without > 0 {
        notes.push(format!(
            "{without} document{} without an interviewer turn: all their speech is coded (see the warnings)",
            if without == 1 { "" } else { "s" }
        ));
    }
    (choices, notes)
}

/// Marks the turns of the interviewer [`decide`] chose for `doc` and adds its document
/// warnings: the inference, or that the document has no interviewer turn.
pub fn apply(doc: &mut Document, choice: Option<&Choice>) {
    if let Some(Choice { speaker, reason }) = choice {
        for s in &mut doc.segments {
            if s.speaker.eq_ignore_ascii_case(speaker) {
                s.role = Role::Interviewer;
            }
        }
        doc.warnings.push(format!(
            "interviewer inferred: `{speaker}` ({reason}); set it with --interviewer NAME if that is wrong"
        ));
        return;
    }
    let names = speakers(doc);
    let survey =
        matches!(doc.format, Format::Csv | Format::Tsv | Format::JsonLines) && names.len() < 2;
    if has_interviewer(doc) || names.is_empty() || survey {
        return;
    }
    doc.warnings.push(format!(
        "no interviewer turn: every turn is coded as an answer; if one of {} is the interviewer, give --interviewer NAME",
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
}

/// Infers the interviewers of `documents` ([`outline`], [`decide`], [`apply`] in one go)
/// and returns the notes for the summary.
pub fn infer(documents: &mut [Document]) -> Vec<String> {
    let outlines: Vec<Outline> = documents.iter().map(outline).collect();
    let (choices, notes) = decide(&outlines);
    for (doc, choice) in documents.iter_mut().zip(&choices) {
        apply(doc, choice.as_ref());
    }
    notes
}

/// Warnings for interviewer labels (from `--interviewer` or the study file) that match no
/// speaker of any document.
pub fn unmatched_labels(outlines: &[Outline], labels: &[String]) -> Vec<String> {
    let known: BTreeSet<&str> = outlines
        .iter()
        .flat_map(|o| o.labels.iter().map(String::as_str))
        .collect();
    let mut names: Vec<&str> = outlines
        .iter()
        .flat_map(|o| o.speakers.iter().map(String::as_str))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let more = names.len().saturating_sub(12);
    names.truncate(12);
    labels
        .iter()
        .filter(|l| !known.contains(l.to_lowercase().as_str()))
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
        let labelled = [doc("B", "I: How?\nR: So.\n")];
        assert_eq!(
            unmatched_labels(
                &labelled.iter().map(outline).collect::<Vec<_>>(),
                &["Pietr".into(), "i".into()]
            ),
            ["interviewer label `Pietr` matches no speaker in any document (speakers: I, R)"]
        );
    }
}

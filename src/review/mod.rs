//! `thema review`: a person goes through coded units one at a time and accepts or rejects
//! each code, changes it, adds codes the coder missed and writes memos.
//!
//! The coded units come from the engine or from an earlier codings file ([`items_from_engine`],
//! [`items_from_codings`]); [`state`] holds the decisions and the cursor, [`file`] writes
//! them as a codings CSV after every decision and reads it back to resume; [`script`] is the
//! plain-text path for scripts (`--no-tui`), [`tui`] the terminal screen.

pub mod file;
pub mod script;
pub mod state;
pub mod tui;

use std::collections::BTreeMap;

use crate::codebook::Codebook;
use crate::corpus::{Document, Role, Segment};
use crate::engine::Coding;
use crate::ingest::human::{AUTO_CODER, HumanCoding};

/// One way the coder reached a code on a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// The rule that matched (empty for a human coding).
    pub rule: String,
    /// The matched words as the coder recorded them.
    pub matched: String,
    /// Code-point span of the matched words in the document, when known.
    pub span: Option<(usize, usize)>,
}

/// One coded unit to review: a code on a segment, with every match that put it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Index of the document in the corpus.
    pub document: usize,
    /// 1-based segment index in the document.
    pub segment: usize,
    /// The code id.
    pub code: String,
    /// Who coded it: `auto` for the engine, else the coder named in the codings file.
    pub source: String,
    /// The matches, in document order.
    pub matches: Vec<Match>,
}

impl Item {
    /// The distinct rules, joined with `; `.
    pub fn rules(&self) -> String {
        distinct(self.matches.iter().map(|m| m.rule.as_str()), "; ")
    }

    /// The distinct matched words, joined with ` | `.
    pub fn matched(&self) -> String {
        distinct(self.matches.iter().map(|m| m.matched.as_str()), " | ")
    }

    /// The smallest span holding every known match span.
    pub fn span(&self) -> Option<(usize, usize)> {
        let spans = self.matches.iter().filter_map(|m| m.span);
        let start = spans.clone().map(|s| s.0).min()?;
        Some((start, spans.map(|s| s.1).max()?))
    }

    /// The matched words as code-point ranges within `segment`'s text, sorted and merged.
    pub fn highlights(&self, segment: &Segment) -> Vec<(usize, usize)> {
        crate::analysis::quotes::merge_ranges(
            self.matches
                .iter()
                .filter_map(|m| m.span)
                .filter(|&(s, e)| s >= segment.start && e <= segment.end && s < e)
                .map(|(s, e)| (s - segment.start, e - segment.start))
                .collect(),
        )
    }
}

fn distinct<'a>(values: impl Iterator<Item = &'a str>, separator: &str) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for v in values.filter(|v| !v.is_empty()) {
        if !seen.contains(&v) {
            seen.push(v);
        }
    }
    seen.join(separator)
}

/// Whether `code` is selected by `--code` (none given: every code).
fn selected(code: &str, wanted: &[String]) -> bool {
    wanted.is_empty() || wanted.iter().any(|w| Codebook::is_within(code, w))
}

/// Groups matches into items sorted by document, segment and code.
fn group(matches: impl Iterator<Item = (Item, Match)>) -> Vec<Item> {
    let mut items: BTreeMap<(usize, usize, String, String), Item> = BTreeMap::new();
    for (item, m) in matches {
        let key = (
            item.document,
            item.segment,
            item.code.clone(),
            item.source.clone(),
        );
        items.entry(key).or_insert(item).matches.push(m);
    }
    items.into_values().collect()
}

/// The engine's codings (per document, in corpus order) as items, only codes within `wanted`.
pub fn items_from_engine(codings: &[Vec<Coding>], wanted: &[String]) -> Vec<Item> {
    group(codings.iter().enumerate().flat_map(|(document, list)| {
        list.iter()
            .filter(|c| selected(&c.code, wanted))
            .map(move |c| {
                (
                    Item {
                        document,
                        segment: c.segment,
                        code: c.code.clone(),
                        source: AUTO_CODER.to_owned(),
                        matches: Vec::new(),
                    },
                    Match {
                        rule: c.rule.clone(),
                        matched: c.matched.clone(),
                        span: Some((c.start, c.end)),
                    },
                )
            })
    }))
}

/// Codings read from a file as items (one per segment a coding covers), only codes within
/// `wanted`.
pub fn items_from_codings(codings: &[HumanCoding], wanted: &[String]) -> Vec<Item> {
    let chosen = codings.iter().filter_map(|c| {
        let code = c.code.as_deref().filter(|code| selected(code, wanted))?;
        Some((c, code))
    });
    group(chosen.flat_map(|(c, code)| {
        c.segments.iter().map(move |&segment| {
            let (rule, matched) = c.rule.clone().unwrap_or_default();
            (
                Item {
                    document: c.document,
                    segment,
                    code: code.to_owned(),
                    source: c.coder.clone(),
                    matches: Vec::new(),
                },
                Match {
                    rule,
                    matched,
                    span: c.span,
                },
            )
        })
    }))
}

/// ` [timestamp]` of a segment, or nothing when it has none.
pub fn time_suffix(segment: &Segment) -> String {
    segment
        .timestamp
        .as_deref()
        .map(|t| format!(" [{t}]"))
        .unwrap_or_default()
}

/// The interviewer's turn before `segment`'s turn: what the respondent was answering.
pub fn question<'d>(document: &'d Document, segment: &Segment) -> Vec<&'d Segment> {
    let asked = document
        .segments
        .iter()
        .filter(|s| s.turn < segment.turn && s.role == Role::Interviewer)
        .map(|s| s.turn)
        .max();
    document
        .segments
        .iter()
        .filter(|s| Some(s.turn) == asked)
        .collect()
}

/// Small documents for the unit tests.
#[cfg(test)]
pub(crate) mod fixture {
    use crate::corpus::{Document, Format, Role, Segment};

    /// A document whose turns alternate interviewer, respondent, ... with these texts.
    pub fn document(id: &str, turns: &[&str]) -> Document {
        let mut text = String::new();
        let mut segments = Vec::new();
        for (i, t) in turns.iter().enumerate() {
            let (role, speaker) = if i % 2 == 0 {
                (Role::Interviewer, "I")
            } else {
                (Role::Respondent, "R")
            };
            let start = text.chars().count();
            text.push_str(t);
            segments.push(Segment {
                index: i + 1,
                turn: i + 1,
                paragraph: 1,
                speaker: speaker.into(),
                role,
                start,
                end: text.chars().count(),
                timestamp: None,
                end_timestamp: None,
                text: (*t).into(),
            });
            text.push('\n');
        }
        Document {
            id: id.into(),
            path: format!("{id}.txt").into(),
            format: Format::PlainText,
            encoding: "utf-8",
            text,
            attributes: Default::default(),
            segments,
            language: "en".into(),
            warnings: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(segment: usize, code: &str, start: usize, rule: &str) -> Coding {
        Coding {
            segment,
            start,
            end: start + 3,
            code: code.into(),
            rule: rule.into(),
            matched: format!("w{start}"),
        }
    }

    #[test]
    fn engine_codings_group_by_segment_and_code() {
        let codings = vec![vec![
            coding(2, "b.x", 10, "r1"),
            coding(2, "a", 12, "r2"),
            coding(2, "b.x", 20, "r1"),
            coding(5, "a", 40, "r2"),
        ]];
        let items = items_from_engine(&codings, &[]);
        let keys: Vec<(usize, &str)> = items.iter().map(|i| (i.segment, i.code.as_str())).collect();
        assert_eq!(keys, [(2, "a"), (2, "b.x"), (5, "a")]);
        assert_eq!(items[1].rules(), "r1");
        assert_eq!(items[1].matched(), "w10 | w20");
        assert_eq!(items[1].span(), Some((10, 23)));
        let only_b = items_from_engine(&codings, &["b".to_owned()]);
        assert_eq!(only_b.len(), 1);
    }
}

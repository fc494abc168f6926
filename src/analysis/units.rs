//! Units of comparison between codings: respondent segments, respondent turns, or documents.

use crate::corpus::{Document, Role};

/// The unit two codings are compared on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CodingUnit {
    /// A respondent segment (paragraph of a turn).
    Segment,
    /// A respondent turn (all its paragraphs).
    Turn,
    /// A whole document.
    Document,
}

impl CodingUnit {
    /// The column name of the unit in outputs.
    pub fn name(self) -> &'static str {
        match self {
            CodingUnit::Segment => "segment",
            CodingUnit::Turn => "turn",
            CodingUnit::Document => "document",
        }
    }

    /// The unit key of a segment (segment index, turn number, or 0 for the document); `None`
    /// for segments that are not respondent speech.
    pub fn key(self, doc: &Document, segment: usize) -> Option<usize> {
        let s = doc.segments.get(segment.checked_sub(1)?)?;
        if s.role != Role::Respondent {
            return None;
        }
        Some(match self {
            CodingUnit::Segment => s.index,
            CodingUnit::Turn => s.turn,
            CodingUnit::Document => 0,
        })
    }

    /// The turn a unit key lies in (`None` for whole documents).
    pub fn turn(self, doc: &Document, key: usize) -> Option<usize> {
        match self {
            CodingUnit::Segment => doc.segments.get(key.checked_sub(1)?).map(|s| s.turn),
            CodingUnit::Turn => Some(key),
            CodingUnit::Document => None,
        }
    }

    /// The respondent units of a document: each key with its segments, in order.
    pub fn units(self, doc: &Document) -> Vec<(usize, Vec<usize>)> {
        let mut out: Vec<(usize, Vec<usize>)> = Vec::new();
        for s in doc.segments.iter().filter(|s| s.role == Role::Respondent) {
            let key = self.key(doc, s.index).unwrap_or(0);
            match out.last_mut() {
                Some((last, segments)) if *last == key => segments.push(s.index),
                _ => out.push((key, vec![s.index])),
            }
        }
        out
    }
}

/// The text of a unit's segments, joined by blank lines.
pub fn unit_text(doc: &Document, segments: &[usize]) -> String {
    segments
        .iter()
        .map(|&s| doc.segments[s - 1].text.as_str())
        .collect::<Vec<_>>()
        .join("\n\n")
}

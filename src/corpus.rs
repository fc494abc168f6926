//! The corpus: documents split into speaker turns and segments (paragraphs of a turn).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// Who is speaking in a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Text before the first speaker turn (title, export header): kept, never coded.
    Preamble,
    /// The interviewer: not coded unless asked.
    Interviewer,
    /// The respondent: the speech that is coded.
    Respondent,
}

impl Role {
    /// The lowercase name used in outputs and codebook filters.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Preamble => "preamble",
            Role::Interviewer => "interviewer",
            Role::Respondent => "respondent",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The file format a document was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text or Markdown with speaker labels.
    PlainText,
    /// WebVTT captions.
    WebVtt,
    /// SubRip subtitles.
    Srt,
    /// Word .docx.
    Docx,
    /// OpenDocument text .odt.
    Odt,
    /// A CSV table of turns.
    Csv,
    /// A tab-separated table of turns.
    Tsv,
    /// JSON Lines of turns.
    JsonLines,
}

impl Format {
    /// The name shown by `thema ingest`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::PlainText => "text",
            Format::WebVtt => "webvtt",
            Format::Srt => "srt",
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::JsonLines => "jsonl",
        }
    }

    /// The format [`Format::as_str`] names.
    pub fn from_name(name: &str) -> Option<Format> {
        [
            Format::PlainText,
            Format::WebVtt,
            Format::Srt,
            Format::Docx,
            Format::Odt,
            Format::Csv,
            Format::Tsv,
            Format::JsonLines,
        ]
        .into_iter()
        .find(|f| f.as_str() == name)
    }
}

/// One unit of coding: a paragraph of a speaker turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// 1-based index within the document.
    pub index: usize,
    /// 1-based speaker turn in file order (every turn counts); 0 for the preamble.
    pub turn: usize,
    /// 1-based paragraph within the turn.
    pub paragraph: usize,
    /// The speaker label as written ("" for the preamble).
    pub speaker: String,
    /// The speaker's role.
    pub role: Role,
    /// Code-point offset of the first character in the document text.
    pub start: usize,
    /// Code-point offset one past the last character in the document text.
    pub end: usize,
    /// The turn's timestamp as written in the transcript, if any (for subtitles: the start
    /// of the first cue).
    pub timestamp: Option<String>,
    /// For subtitles: the end time of the segment's last cue.
    pub end_timestamp: Option<String>,
    /// The segment text: exactly `document.text[start..end]` in code points.
    pub text: String,
}

/// A transcript read into turns and segments.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document id: front matter `id`, else the file stem.
    pub id: String,
    /// Where it was read from.
    pub path: PathBuf,
    /// The format it was read as.
    pub format: Format,
    /// The encoding it was decoded from.
    pub encoding: &'static str,
    /// The decoded, NFC-normalised text with `\n` line ends; segment offsets point into it.
    pub text: String,
    /// Document attributes (front matter, attributes CSV), sorted by name.
    pub attributes: BTreeMap<String, String>,
    /// The segments in document order.
    pub segments: Vec<Segment>,
    /// The language of the respondent speech (`nl`, `en`, or the `language` attribute).
    pub language: String,
    /// Problems worth telling the user that did not stop the read.
    pub warnings: Vec<String>,
}

impl Document {
    /// The document as the counting analyses keep it: its id, path, language and attributes,
    /// and each segment's position and role, without the texts, speakers, timestamps and
    /// warnings that make up most of its memory.
    pub fn skeleton(mut self) -> Document {
        self.text = String::new();
        for s in &mut self.segments {
            s.text = String::new();
            s.speaker = String::new();
            s.timestamp = None;
            s.end_timestamp = None;
        }
        self.segments.shrink_to_fit();
        self.warnings = Vec::new();
        self
    }

    /// The number of speaker turns (the preamble not counted).
    pub fn turn_count(&self) -> usize {
        self.segments.iter().map(|s| s.turn).max().unwrap_or(0)
    }

    /// Speakers in order of first appearance, with their role and number of turns.
    pub fn speakers(&self) -> Vec<(String, Role, usize)> {
        let mut out: Vec<(String, Role, usize)> = Vec::new();
        let mut last_turn = 0;
        for seg in self.segments.iter().filter(|s| s.role != Role::Preamble) {
            let new_turn = seg.turn != last_turn;
            last_turn = seg.turn;
            match out.iter_mut().find(|(name, _, _)| *name == seg.speaker) {
                Some(entry) => entry.2 += usize::from(new_turn),
                None => out.push((seg.speaker.clone(), seg.role, 1)),
            }
        }
        out
    }
}

#[cfg(test)]
impl Document {
    /// A plain-text document of `text` read with the default speaker rules (unit tests).
    pub(crate) fn parsed(id: &str, text: &str, language: &str) -> Document {
        let rules = crate::ingest::turns::SpeakerRules::default();
        Document {
            id: id.into(),
            path: format!("{id}.txt").into(),
            format: Format::PlainText,
            encoding: "UTF-8",
            text: text.into(),
            attributes: BTreeMap::new(),
            segments: crate::ingest::plaintext::parse_turns(text, 0, 1, &rules).segments,
            language: language.into(),
            warnings: Vec::new(),
        }
    }
}

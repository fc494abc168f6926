//! Timed cues (subtitles, one-row-per-turn tables) assembled into a document text and
//! segments: consecutive cues of one speaker become one turn and one segment.

use super::turns::{SegmentBuilder, SpeakerRules};
use crate::corpus::{Role, Segment};

/// One cue or row: who speaks, when, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    /// The speaker, when the source names one.
    pub speaker: Option<String>,
    /// Start time (`hh:mm:ss.mmm` for subtitles), if any.
    pub start: Option<String>,
    /// End time, if any.
    pub end: Option<String>,
    /// The text with markup removed; may hold line breaks.
    pub text: String,
    /// 1-based line of the cue in its file.
    pub line: usize,
}

/// The speaker shown for cues that name none.
pub const UNKNOWN_SPEAKER: &str = "(unknown)";

/// How cues of one speaker in a row are cut into segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CueMerge {
    /// One segment per turn (subtitle cues split sentences arbitrarily).
    Turn,
    /// One segment (paragraph) per cue (table rows are utterances).
    Cue,
}

/// Builds the document text and its segments from cues. Each turn is written as
/// `Speaker: text` lines followed by a blank line, so the text reads like a transcript; a
/// segment covers the text of one turn (cues of one speaker in a row) with
/// [`CueMerge::Turn`], else of one cue; cues without a speaker are one segment each.
pub fn assemble(cues: &[Cue], rules: &SpeakerRules, merge: CueMerge) -> (String, Vec<Segment>) {
    struct Turn<'c> {
        speaker: Option<&'c str>,
        cues: Vec<&'c Cue>,
    }
    let mut turns: Vec<Turn<'_>> = Vec::new();
    for cue in cues.iter().filter(|c| !c.text.trim().is_empty()) {
        let speaker = cue.speaker.as_deref();
        match turns.last_mut() {
            Some(turn) if turn.speaker == speaker => turn.cues.push(cue),
            _ => turns.push(Turn {
                speaker,
                cues: vec![cue],
            }),
        }
    }
    let mut text = String::new();
    let mut ranges: Vec<Vec<(usize, usize)>> = Vec::with_capacity(turns.len());
    for turn in &turns {
        text.push_str(turn.speaker.unwrap_or(UNKNOWN_SPEAKER));
        text.push_str(": ");
        let mut spans = Vec::with_capacity(turn.cues.len());
        for (i, cue) in turn.cues.iter().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            let start = text.len();
            text.push_str(cue.text.trim());
            spans.push((start, text.len()));
        }
        text.push_str("\n\n");
        ranges.push(spans);
    }
    let mut builder = SegmentBuilder::new(&text);
    for (turn, spans) in turns.iter().zip(&ranges) {
        let speaker = turn.speaker.unwrap_or(UNKNOWN_SPEAKER);
        let role = turn
            .speaker
            .map_or(Role::Respondent, |name| rules.role_of(name));
        builder.start_turn(speaker, role, None);
        if turn.speaker.is_some() && merge == CueMerge::Turn {
            let first = turn.cues[0];
            let last = turn.cues[turn.cues.len() - 1];
            builder.set_times(first.start.clone(), last.end.clone());
            builder.add_text(spans[0].0, spans[spans.len() - 1].1);
        } else {
            for (cue, &(start, end)) in turn.cues.iter().zip(spans) {
                // A new paragraph per cue.
                builder.end_paragraph();
                builder.set_times(cue.start.clone(), cue.end.clone());
                builder.add_text(start, end);
            }
        }
    }
    let segments = builder.finish();
    (text, segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(speaker: Option<&str>, start: &str, end: &str, text: &str) -> Cue {
        Cue {
            speaker: speaker.map(str::to_owned),
            start: Some(start.into()),
            end: Some(end.into()),
            text: text.into(),
            line: 1,
        }
    }

    #[test]
    fn same_speaker_cues_merge_and_keep_first_start_last_end() {
        let cues = [
            cue(
                Some("Interviewer"),
                "00:00:01.000",
                "00:00:02.000",
                "Hoe ging het?",
            ),
            cue(
                Some("Maria"),
                "00:00:03.000",
                "00:00:04.000",
                "Ze belden me.",
            ),
            cue(Some("Maria"), "00:00:04.500", "00:00:06.000", "Zomaar."),
        ];
        let (text, segs) = assemble(&cues, &SpeakerRules::default(), CueMerge::Turn);
        assert_eq!(
            text,
            "Interviewer: Hoe ging het?\n\nMaria: Ze belden me.\nZomaar.\n\n"
        );
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[1].text, "Ze belden me.\nZomaar.");
        assert_eq!(segs[1].role, Role::Respondent);
        assert_eq!(segs[1].timestamp.as_deref(), Some("00:00:03.000"));
        assert_eq!(segs[1].end_timestamp.as_deref(), Some("00:00:06.000"));
        assert_eq!(segs[0].role, Role::Interviewer);
    }

    #[test]
    fn cues_without_speakers_stay_separate_segments() {
        let cues = [
            cue(None, "00:01.000", "00:02.000", "Een"),
            cue(None, "00:02.000", "00:03.000", "Twee"),
        ];
        let (_, segs) = assemble(&cues, &SpeakerRules::default(), CueMerge::Turn);
        assert_eq!(segs.len(), 2);
        assert_eq!((segs[1].turn, segs[1].paragraph), (1, 2));
        assert_eq!(segs[1].timestamp.as_deref(), Some("00:02.000"));
    }
}

//! From raw cues to [`Cue`]s: the timing line read, `Name:` speakers found, cues split at
//! accepted prefixes and `- ` turn markers, and unreadable or empty cues reported.

use std::collections::HashMap;

use super::blocks::Block;
use super::timing::{SloppyTimes, Time, format_ms, parse_timing};
use super::{Warnings, excerpt};
use crate::ingest::cues::Cue;
use crate::ingest::turns::{Label, SpeakerRules, parse_label};

/// A cue with its markup removed, before speakers are found.
#[derive(Debug)]
pub(in crate::ingest) struct RawCue {
    /// The timing line, or the first text line when there is none.
    pub line: usize,
    /// Start and end in milliseconds, when the timing could be read.
    pub times: Option<(u64, u64)>,
    /// The timing line when it could not be read.
    pub bad_timing: Option<String>,
    /// The text lines (trimmed, non-empty) with their numbers.
    pub lines: Vec<(usize, String)>,
    /// The first voice span's name (WebVTT).
    pub voice: Option<String>,
}

impl RawCue {
    /// Reads the block's timing line; `strict` says whether a time is in the format's form.
    pub(in crate::ingest) fn from_block(
        block: &Block<'_>,
        lines: Vec<(usize, String)>,
        voice: Option<String>,
        sloppy: &mut SloppyTimes,
        strict: impl Fn(&Time) -> bool,
    ) -> RawCue {
        let timing = block.timing.map(|t| (t, parse_timing(t)));
        if let Some((_, Some(t))) = &timing {
            for (time, raw) in [t.start, t.end].iter().zip(&t.raw) {
                if !strict(time) {
                    sloppy.note(block.line, raw, time.ms);
                }
            }
        }
        RawCue {
            line: block.line,
            times: match &timing {
                Some((_, Some(t))) => Some((t.start.ms, t.end.ms)),
                _ => None,
            },
            bad_timing: match timing {
                Some((line, None)) => Some(excerpt(line)),
                _ => None,
            },
            lines,
            voice,
        }
    }
}

/// A `- ` turn marker at the start of a caption line: the text after it. `--`, `-->`, a
/// lone `-` and a minus sign before a number (`-5`) are not markers.
pub(super) fn dash_marker(line: &str) -> Option<&str> {
    let rest = line.strip_prefix(['-', '–'])?;
    if rest.starts_with(['-', '–', '>']) {
        return None;
    }
    let text = rest.trim_start();
    if text.is_empty()
        || (!rest.starts_with(char::is_whitespace)
            && text.starts_with(|c: char| c.is_ascii_digit()))
    {
        return None;
    }
    Some(text)
}

/// A `Name:` prefix that could name a speaker: no timestamp, name-like (see [`parse_label`]).
fn speaker_prefix(text: &str) -> Option<Label> {
    parse_label(text).filter(|l| l.timestamp.is_none() && !l.speaker.is_empty())
}

/// One line of a cue, after its turn marker.
struct CueLine {
    no: usize,
    dash: bool,
    text: String,
}

/// Turns raw cues into [`Cue`]s: finds `Name:` speakers, splits cues at lines that start
/// with an accepted `Name:` prefix and, when `split_dashes`, at `- ` turn markers; reports
/// unreadable timings, text without timing and empty cues.
pub(in crate::ingest) fn finish(
    raw: Vec<RawCue>,
    split_dashes: bool,
    warnings: &mut Warnings,
) -> Vec<Cue> {
    let lines: Vec<Vec<CueLine>> = raw
        .iter()
        .map(|cue| {
            cue.lines
                .iter()
                .map(
                    |(no, text)| match dash_marker(text).filter(|_| split_dashes) {
                        Some(rest) => CueLine {
                            no: *no,
                            dash: true,
                            text: rest.to_owned(),
                        },
                        None => CueLine {
                            no: *no,
                            dash: false,
                            text: text.clone(),
                        },
                    },
                )
                .collect()
        })
        .collect();

    // Candidate `Name:` prefixes in cues without a voice span.
    let mut candidates: Vec<(usize, Label)> = Vec::new();
    let mut places: Vec<(usize, usize)> = Vec::new();
    let mut voiceless_with_text = 0;
    let mut prefixed_first_lines = 0;
    for (ci, cue) in raw.iter().enumerate() {
        if cue.voice.is_some() || lines[ci].is_empty() {
            continue;
        }
        voiceless_with_text += 1;
        for (li, line) in lines[ci].iter().enumerate() {
            if let Some(label) = speaker_prefix(&line.text) {
                if li == 0 {
                    prefixed_first_lines += 1;
                }
                candidates.push((line.no, label));
                places.push((ci, li));
            }
        }
    }
    // In a file where most cues open with a prefix (Zoom), every name-like opening prefix
    // is a speaker, also one that occurs once; elsewhere the plain-text rules decide.
    let labelled_file =
        prefixed_first_lines >= 2 && prefixed_first_lines * 2 >= voiceless_with_text;
    let accepted = SpeakerRules::default().accept(&candidates);
    let mut label_at: HashMap<(usize, usize), Label> = HashMap::new();
    for ((place, (no, label)), ok) in places.into_iter().zip(candidates).zip(accepted) {
        let opening = place.1 == 0 || lines[place.0][place.1].dash;
        if ok || (labelled_file && opening && !label.phrase) {
            label_at.insert(place, label);
        } else {
            warnings.add(
                no,
                format!("`{}:` read as text, not as a speaker", label.speaker),
            );
        }
    }

    let mut cues = Vec::new();
    for (ci, cue) in raw.into_iter().enumerate() {
        let (start, end) = match cue.times {
            Some((s, e)) => (Some(format_ms(s)), Some(format_ms(e))),
            None => (None, None),
        };
        if let Some((s, e)) = cue.times.filter(|(s, e)| e < s) {
            warnings.add(
                cue.line,
                format!(
                    "cue ends at {} before it starts at {}",
                    format_ms(e),
                    format_ms(s)
                ),
            );
        }
        let has_text = !lines[ci].is_empty();
        if let Some(bad) = &cue.bad_timing {
            let consequence = if has_text {
                "cue text kept without times"
            } else {
                "the cue has no text and is left out"
            };
            warnings.add(
                cue.line,
                format!("cue timing `{bad}` cannot be read; {consequence}"),
            );
        }
        if !has_text {
            if cue.times.is_some() {
                warnings.add(cue.line, "cue has no text".into());
                cues.push(Cue {
                    speaker: cue.voice,
                    start,
                    end,
                    text: String::new(),
                    line: cue.line,
                });
            }
            continue;
        }
        let mut pieces: Vec<Cue> = Vec::new();
        for (li, line) in lines[ci].iter().enumerate() {
            let label = label_at.remove(&(ci, li));
            let text = match &label {
                Some(l) => line.text[l.text_start..].trim().to_owned(),
                None => line.text.clone(),
            };
            if pieces.is_empty() || label.is_some() || line.dash {
                let speaker = match label {
                    Some(l) => Some(l.speaker),
                    None if pieces.is_empty() => cue.voice.clone(),
                    None => None,
                };
                pieces.push(Cue {
                    speaker,
                    start: start.clone(),
                    end: end.clone(),
                    text: String::new(),
                    line: line.no,
                });
            }
            if !text.is_empty() {
                let piece = pieces.last_mut().expect("a piece was pushed");
                if !piece.text.is_empty() {
                    piece.text.push('\n');
                }
                piece.text.push_str(&text);
            }
        }
        let any_text = pieces.iter().any(|p| !p.text.is_empty());
        if any_text {
            cues.extend(pieces.into_iter().filter(|p| !p.text.is_empty()));
        } else if let Some(mut first) = pieces.into_iter().next().filter(|_| cue.times.is_some()) {
            // Only a `Name:` prefix with nothing after it.
            warnings.add(first.line, "cue has no text".into());
            first.line = cue.line;
            cues.push(first);
        }
    }
    cues
}

#[cfg(test)]
mod tests {
    use super::super::tests::parse_ok;

    #[test]
    fn zoom_name_prefixes_give_speakers_but_note_like_prefixes_do_not() {
        let text = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nSara Jansen: Hallo.\n\n\
                    2\n00:00:02.000 --> 00:00:03.000\nDr. Kees Smit: Dag.\n\n\
                    3\n00:00:03.000 --> 00:00:04.000\nNote: this is not a speaker.\n\n\
                    4\n00:00:04.000 --> 00:00:05.000\nSara Jansen: Goed.\nDr. Kees Smit: Ja.\nKees: nee.\n\n\
                    5\n00:00:05.000 --> 00:00:06.000\nuhm: lowercase is no name\n";
        let parsed = parse_ok(text);
        let got: Vec<(Option<&str>, &str)> = parsed
            .cues
            .iter()
            .map(|c| (c.speaker.as_deref(), c.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (Some("Sara Jansen"), "Hallo."),
                (Some("Dr. Kees Smit"), "Dag."),
                (None, "Note: this is not a speaker."),
                (Some("Sara Jansen"), "Goed."),
                (Some("Dr. Kees Smit"), "Ja.\nKees: nee."),
                (None, "uhm: lowercase is no name"),
            ]
        );
        assert_eq!(
            parsed.warnings,
            ["line 19: `Kees:` read as text, not as a speaker"]
        );
        assert_eq!(parsed.cues[4].start.as_deref(), Some("00:00:04.000"));
        assert_eq!(parsed.cues[4].line, 18);
    }

    #[test]
    fn a_single_prefix_in_an_unlabelled_file_stays_text_but_role_labels_count() {
        let text = "WEBVTT\n\n00:01.000 --> 00:02.000\nBelangrijk: dit is tekst.\n\n\
                    00:02.000 --> 00:03.000\nInterviewer: Hoe ging het?\n\n\
                    00:03.000 --> 00:04.000\nGoed.\n\n00:04.000 --> 00:05.000\nEcht goed.\n\n\
                    00:05.000 --> 00:06.000\nJa.\n";
        let parsed = parse_ok(text);
        assert_eq!(parsed.cues[0].speaker, None);
        assert_eq!(parsed.cues[0].text, "Belangrijk: dit is tekst.");
        assert_eq!(parsed.cues[1].speaker.as_deref(), Some("Interviewer"));
        assert_eq!(
            parsed.warnings,
            ["line 4: `Belangrijk:` read as text, not as a speaker"]
        );
    }
}

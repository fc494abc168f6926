//! SubRip (`.srt`) subtitles: numbered cues with `00:00:01,000 --> 00:00:03,500` timings,
//! as written by Whisper, subtitle editors and video platforms.
//!
//! The block layout, times, character references and the speaker step are shared with the
//! WebVTT reader ([`super::vtt`]), as are [`Parsed`] and [`ParseError`].

use super::vtt::{
    ARROW, ParseError, Parsed, RawCue, SloppyTimes, Syntax, Warnings, decode_entities, excerpt,
    finish, is_blank, layout, split_lines,
};

/// Reads a SubRip file.
///
/// Cues are separated by blank lines; the cue number is optional and a mistyped one is
/// ignored with a warning; a timing line also starts a new cue when the blank line before it
/// is missing. Times may use `,` or `.` before the milliseconds and may be unpadded or lack
/// hours or milliseconds (one warning for the whole file). A cue whose timing line cannot be
/// read keeps its text without times, with a warning.
///
/// Formatting tags (`<i>`, `<b>`, `<u>`, `<s>`, `<font …>`) and `{\an8}`-style override tags
/// are removed, other `<…>` text is kept; character references (`&amp;`, `&#233;`) are
/// decoded.
///
/// Speakers: a `Name:` prefix names the speaker (the same rules as for Zoom prefixes in
/// [`super::vtt::parse_vtt`]). A `- ` turn marker at the start of a line means another
/// person starts talking: SubRip puts a short exchange in one cue as `- Hoe gaat het?` /
/// `- Goed.`, so a cue is split into one cue per marked line (same times, the marker
/// removed). Such lines keep the speaker `None` unless they carry a `Name:` prefix too
/// (`- Dev: Goed.`): the dash says *that* the speaker changes, not *who* speaks, and a cue
/// of its own keeps each line a separate segment instead of merging two people's words.
/// A line further down a cue that starts with an accepted `Name:` prefix is split off the
/// same way.
///
/// An error is returned only for an empty file, a WebVTT file, or a file without a single
/// `-->` timing line.
pub fn parse_srt(text: &str) -> Result<Parsed, ParseError> {
    let lines = split_lines(text);
    let Some(first) = lines.iter().position(|l| !is_blank(l)) else {
        return Err(ParseError {
            line: 1,
            message: "empty file: a SubRip file holds numbered cues with `-->` timing lines".into(),
        });
    };
    if lines[first]
        .trim_start_matches([' ', '\t', '\u{FEFF}'])
        .starts_with("WEBVTT")
    {
        return Err(ParseError {
            line: first + 1,
            message: "this is a WebVTT file (it starts with `WEBVTT`), not SubRip".into(),
        });
    }
    if !lines.iter().any(|l| l.contains(ARROW)) {
        return Err(ParseError {
            line: first + 1,
            message: format!(
                "not a SubRip file: no cue timing line such as `00:00:01,000 --> 00:00:03,500` (first line: `{}`)",
                excerpt(lines[first])
            ),
        });
    }
    let mut warnings = Warnings::default();
    let blocks = layout(&lines, first, Syntax::SubRip, &mut warnings);
    let mut sloppy = SloppyTimes::new("SubRip", "hh:mm:ss,mmm");
    let raw: Vec<RawCue> = blocks
        .iter()
        .map(|block| {
            let text = block
                .text
                .iter()
                .map(|&(no, line)| (no, strip_srt_line(line)))
                .filter(|(_, t)| !t.is_empty())
                .collect();
            RawCue::from_block(block, text, None, &mut sloppy, |t| t.srt_form)
        })
        .collect();
    sloppy.report(&mut warnings);
    let cues = finish(raw, true, &mut warnings);
    Ok(Parsed {
        cues,
        warnings: warnings.into_sorted(),
    })
}

/// Removes formatting tags and `{\…}` override blocks from one line, decodes character
/// references and trims the result.
fn strip_srt_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(p) = rest.find(['<', '{']) {
        out.push_str(&rest[..p]);
        let open = rest.as_bytes()[p];
        let after = &rest[p + 1..];
        let close = if open == b'<' { '>' } else { '}' };
        let markup_len = after.find(close).filter(|&q| {
            let inner = &after[..q];
            if open == b'<' {
                is_format_tag(inner)
            } else {
                inner.starts_with('\\')
            }
        });
        match markup_len {
            Some(q) => rest = &after[q + 1..],
            None => {
                out.push(open as char);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    decode_entities(&out).trim().to_owned()
}

/// `i`, `/i`, `b`, `u`, `s`, `font color="…"` (any case).
fn is_format_tag(inner: &str) -> bool {
    let inner = inner.strip_prefix('/').unwrap_or(inner).trim();
    let name = inner
        .split(|c: char| c.is_whitespace() || c == '/' || c == '=')
        .next()
        .unwrap_or("");
    ["i", "b", "u", "s", "font"]
        .iter()
        .any(|t| name.eq_ignore_ascii_case(t))
}

#[cfg(test)]
mod tests {
    use super::super::cues::{Cue, CueMerge, assemble};
    use super::super::turns::SpeakerRules;
    use super::super::vtt::tests::{assert_round_trip, check_invariants, mutants, sample};
    use super::*;

    fn parse_ok(text: &str) -> Parsed {
        parse_srt(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    fn said(cues: &[Cue]) -> Vec<(Option<&str>, &str)> {
        cues.iter()
            .map(|c| (c.speaker.as_deref(), c.text.as_str()))
            .collect()
    }

    #[test]
    fn cues_times_tags_and_references() {
        let text = "\u{FEFF}1\r\n00:00:01,000 --> 00:00:03,500\r\n{\\an8}<i>Hoe</i> <b>ging</b> het\r\n\
                    <font color=\"#ffff00\">met je</font>?\r\n\r\n\
                    2\r\n00:00:04,000 --> 00:00:05,250 X1:100 X2:200\r\nx < 3 &amp; y>2 {geen tag} <v Ann>\r\n";
        let parsed = parse_ok(text);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert_eq!(
            parsed.cues,
            vec![
                Cue {
                    speaker: None,
                    start: Some("00:00:01.000".into()),
                    end: Some("00:00:03.500".into()),
                    text: "Hoe ging het\nmet je?".into(),
                    line: 3,
                },
                Cue {
                    speaker: None,
                    start: Some("00:00:04.000".into()),
                    end: Some("00:00:05.250".into()),
                    text: "x < 3 & y>2 {geen tag} <v Ann>".into(),
                    line: 8,
                },
            ]
        );
    }

    #[test]
    fn name_prefixes_and_dash_turns_split_cues() {
        let text = "1\n00:00:01,000 --> 00:00:03,500\n- Hoe gaat het\nmet je?\n- Goed.\n\n\
                    2\n00:00:04,000 --> 00:00:06,000\nInterviewer: Wat gebeurde er toen?\n\n\
                    3\n00:00:06,000 --> 00:00:09,000\nDev: Ze belden me.\nInterviewer: Echt?\n\n\
                    4\n00:00:09,000 --> 00:00:10,000\n- Dev: Ja.\n-Interviewer: Zomaar?\n\n\
                    5\n00:00:10,000 --> 00:00:11,000\nDev: Het was -5 graden.\n-5 graden!\n";
        let parsed = parse_ok(text);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert_eq!(
            said(&parsed.cues),
            [
                (None, "Hoe gaat het\nmet je?"),
                (None, "Goed."),
                (Some("Interviewer"), "Wat gebeurde er toen?"),
                (Some("Dev"), "Ze belden me."),
                (Some("Interviewer"), "Echt?"),
                (Some("Dev"), "Ja."),
                (Some("Interviewer"), "Zomaar?"),
                (Some("Dev"), "Het was -5 graden.\n-5 graden!"),
            ]
        );
        let lines: Vec<usize> = parsed.cues.iter().map(|c| c.line).collect();
        assert_eq!(lines, [3, 5, 9, 13, 14, 18, 19, 23]);
        assert_eq!(parsed.cues[1].start.as_deref(), Some("00:00:01.000"));
        assert_eq!(parsed.cues[4].end.as_deref(), Some("00:00:09.000"));
        // Dash lines stay separate segments; named cues merge into turns.
        let (_, segments) = assemble(&parsed.cues, &SpeakerRules::default(), CueMerge::Turn);
        assert_eq!(segments.len(), 8);
    }

    #[test]
    fn numbers_may_be_missing_or_garbled_and_times_sloppy() {
        let text = "00:00:01,000 --> 00:00:02,000\nEen\n2\n00:00:02.5 --> 0:0:3\nTwee\n\n\
                    #3\n00:00:04,000 --> 00:00:05,000\nDrie\n\n\n\n\
                    4\n00:00:06,000-->00:00:07,000\nVier\n";
        let parsed = parse_ok(text);
        assert_eq!(
            said(&parsed.cues),
            [
                (None, "Een"),
                (None, "Twee"),
                (None, "Drie"),
                (None, "Vier")
            ]
        );
        assert_eq!(parsed.cues[1].start.as_deref(), Some("00:00:02.500"));
        assert_eq!(parsed.cues[1].end.as_deref(), Some("00:00:03.000"));
        assert_eq!(
            parsed.warnings,
            [
                "line 4: time `00:00:02.5` is not in SubRip form `hh:mm:ss,mmm`; read as 00:00:02.500; so is 1 more cue timing",
                "line 7: cue number `#3` is not a number; ignored",
            ]
        );
    }

    #[test]
    fn empty_webvtt_and_timingless_files_are_errors() {
        for empty in ["", "\u{FEFF}", " \n\r\n\t"] {
            assert_eq!(
                parse_srt(empty).unwrap_err().to_string(),
                "line 1: empty file: a SubRip file holds numbered cues with `-->` timing lines"
            );
        }
        let e = parse_srt("\nWEBVTT\n\n00:01.000 --> 00:02.000\nHallo\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2: this is a WebVTT file (it starts with `WEBVTT`), not SubRip"
        );
        let e = parse_srt("Interviewer: Hallo\nDev: Hoi\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 1: not a SubRip file: no cue timing line such as `00:00:01,000 --> 00:00:03,500` (first line: `Interviewer: Hallo`)"
        );
    }

    #[test]
    fn truncated_files_keep_what_is_there() {
        let whole = "1\n00:00:01,000 --> 00:00:02,000\nDev: Hallo daar\n\n2\n00:00:03,000 --> 00:00:04,000\nDev: Tot ziens\n";
        let cut = &whole[..whole.find("00:00:03,000").unwrap() + 14];
        let parsed = parse_ok(cut);
        assert_eq!(said(&parsed.cues), [(None, "Dev: Hallo daar")]);
        assert_eq!(
            parsed.warnings,
            [
                "line 3: `Dev:` read as text, not as a speaker",
                "line 6: cue timing `00:00:03,000 -` cannot be read; the cue has no text and is left out",
            ]
        );
        let parsed = parse_ok(&whole[..whole.find("\n2\n").unwrap() + 2]);
        assert_eq!(
            parsed.warnings,
            [
                "line 3: `Dev:` read as text, not as a speaker",
                "line 5: cue number `2` with no cue timing after it (file cut short?); ignored",
            ]
        );
        let parsed = parse_ok(&whole[..whole.len() - 4]);
        assert_eq!(
            said(&parsed.cues),
            [(Some("Dev"), "Hallo daar"), (Some("Dev"), "Tot zi")]
        );
        assert!(parsed.warnings.is_empty());
    }

    #[test]
    fn bad_timings_keep_the_text_without_times() {
        let text = "1\n00:01:xx,000 --> 00:01:05,000\nEen\n\n\
                    2\n00:00:03,000 --> garbage\nTwee\n\n\
                    3\n--> 00:00:05,000\nDrie\n\n\
                    4\n00:00:07,000 --> 00:00:08,000\nVier\n\n\
                    tekst zonder tijd\n";
        let parsed = parse_ok(text);
        let got: Vec<(Option<&str>, &str)> = parsed
            .cues
            .iter()
            .map(|c| (c.start.as_deref(), c.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (None, "Een"),
                (None, "Twee"),
                (None, "Drie"),
                (Some("00:00:07.000"), "Vier"),
                (None, "tekst zonder tijd"),
            ]
        );
        assert_eq!(
            parsed.warnings,
            [
                "line 2: cue timing `00:01:xx,000 --> 00:01:05,000` cannot be read; cue text kept without times",
                "line 6: cue timing `00:00:03,000 --> garbage` cannot be read; cue text kept without times",
                "line 10: cue timing `--> 00:00:05,000` cannot be read; cue text kept without times",
                "line 17: text without a cue timing line (`tekst zonder tijd`); kept as a cue without times",
            ]
        );
    }

    #[test]
    fn whisper_sample_reads_with_speakers_and_every_word() {
        let text = sample("en-14-whisper.srt");
        let parsed = parse_ok(&text);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert_eq!(parsed.cues.len(), text.matches("-->").count());
        assert!(
            parsed
                .cues
                .iter()
                .all(|c| matches!(c.speaker.as_deref(), Some("Interviewer" | "Dev")))
        );
        assert!(parsed.cues.iter().all(|c| !c.text.contains("Dev:")));
        assert_round_trip(&text, &parsed.cues);
        let (doc, segments) = assemble(&parsed.cues, &SpeakerRules::default(), CueMerge::Turn);
        assert!(doc.starts_with("Interviewer: Okay, I think it's recording now."));
        assert_eq!(segments.len(), 22, "one segment per turn");
        assert_eq!(segments[1].speaker, "Dev");
        assert_eq!(segments[1].timestamp.as_deref(), Some("00:00:09.851"));
    }

    #[test]
    fn byte_mutations_never_panic() {
        let source = "1\n00:00:01,000 --> 00:00:03,500\n{\\an8}- <i>Hoe</i> &amp; gaat het?\n- Dev: Goed.\n\n\
                      2\n00:00:04,000 --> 00:00:05,000\nInterviewer: <font color=\"red\">Echt</font>?\n";
        let whisper = sample("en-14-whisper.srt");
        let head: String = whisper.lines().take(40).collect::<Vec<_>>().join("\n");
        for text in mutants(source, 0xC0FFEE, 300)
            .into_iter()
            .chain(mutants(&head, 0xFACE, 100))
        {
            if let Ok(parsed) = parse_srt(&text) {
                check_invariants(&text, &parsed);
            }
        }
    }
}

//! WebVTT captions and meeting transcripts (Zoom, Microsoft Teams, YouTube, Whisper).
//!
//! [`parse_vtt`] reads the file into timed [`Cue`]s; [`super::cues::assemble`] then turns
//! them into turns and segments. The reader follows the WebVTT layout (signature line,
//! header, blocks separated by blank lines, `NOTE`/`STYLE`/`REGION` blocks, cue
//! identifiers, `start --> end settings` timing lines) but is lenient where real exports
//! are sloppy, and it never drops spoken text without saying so in a warning.
//!
//! The pieces shared with the SubRip reader ([`super::srt`]) live here too: [`Parsed`],
//! [`ParseError`], the time and timing-line parsers, character references, the block
//! layout and the step that finds speakers and splits cues.
//!
//! By concern: `blocks` cuts the file into lines and blocks, `timing` reads times and
//! timing lines, `markup` removes the WebVTT markup of cue text and decodes references,
//! and `speakers` turns the raw cues into [`Cue`]s with their speakers.

mod blocks;
mod markup;
mod speakers;
#[cfg(test)]
pub(super) mod tests;
mod timing;

use std::fmt;

use super::cues::Cue;
use markup::vtt_cue;

pub(super) use blocks::{Syntax, is_blank, layout, split_lines};
pub(super) use markup::decode_entities;
pub(super) use speakers::{RawCue, finish};
pub(super) use timing::{ARROW, SloppyTimes};

/// The cues read from a subtitle file and what was odd about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The cues in file order; a cue whose timing could not be read has no times.
    pub cues: Vec<Cue>,
    /// Problems that did not stop the reading, in line order, each starting `line N: `.
    pub warnings: Vec<String>,
}

/// A file that is not in the format at all (no `WEBVTT` signature, empty file...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line the problem was found on.
    pub line: usize,
    /// What is wrong, without the line number.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Reads a WebVTT file.
///
/// Speakers come from voice spans (`<v Name>`, `<v.loud Name>`; the closing `</v>` is
/// optional). A cue with several voices (`<v A>…</v>\n<v B>…</v>`) is given to its *first*
/// voice as a whole, with a warning naming the others. Cues without a voice span may start
/// with a `Name:` prefix (Zoom transcripts): it names the speaker when it looks like a name
/// (at most four words and 40 characters, capitalised, not `Note:`-like words, not a phrase
/// such as `Ik dacht:`, see [`parse_label`](super::turns::parse_label)) and either recurs in the file, is a role label such as `Interviewer`, or
/// most cues of the file start with a prefix; other prefixes stay text, with a warning. A
/// line further down a cue that starts with an accepted prefix starts a new cue of that
/// speaker, with the same times.
///
/// Markup (`<c.yellow>`, `<i>`, `<b>`, `<u>`, `<ruby>`/`<rt>`, `<lang en>`, inline
/// timestamps `<00:00:01.000>`) is removed and its text kept; `&amp; &lt; &gt; &nbsp; &lrm;
/// &rlm; &quot; &apos;` and numeric references (`&#233;`, `&#x00E9;`) are decoded; a `<`
/// without a `>` on its line is kept as text. Lines are trimmed and lines left empty by
/// markup removal are dropped; the text of a cue keeps its line breaks.
///
/// Times are normalised to `hh:mm:ss.mmm`. Hours are optional; unpadded fields (`0:0:3.5`),
/// a comma before the fraction, a fraction of one, two or more than three digits, no
/// fraction at all and minute counts above 59 without hours (`75:30.000`) are read too,
/// with one warning for the whole file. A cue whose timing line cannot be read keeps its
/// text without times, with a warning. [`Cue::line`] is the line where the cue's text
/// starts (the timing line when the cue has no text).
///
/// An error is returned only when the file is empty or does not start with the `WEBVTT`
/// signature (blank lines, white space and letter case before and in the signature are
/// forgiven with a warning).
pub fn parse_vtt(text: &str) -> Result<Parsed, ParseError> {
    let lines = split_lines(text);
    let Some(first) = lines.iter().position(|l| !is_blank(l)) else {
        return Err(ParseError {
            line: 1,
            message: "empty file: a WebVTT file starts with `WEBVTT`".into(),
        });
    };
    let mut warnings = Warnings::default();
    check_signature(lines[first], first + 1, &mut warnings)?;
    if first > 0 {
        warnings.add(
            first + 1,
            "blank lines before the `WEBVTT` signature; read anyway".into(),
        );
    }
    // Header lines (`Kind: captions`, `Language: nl`, old-style `Region:` lines) run up to
    // the first blank line; they are metadata, not speech.
    let mut body = first + 1;
    while body < lines.len() && !is_blank(lines[body]) {
        if lines[body].contains(ARROW) {
            warnings.add(
                body + 1,
                "no blank line between the header and the first cue; read anyway".into(),
            );
            break;
        }
        body += 1;
    }
    let blocks = layout(&lines, body, Syntax::WebVtt, &mut warnings);
    let mut sloppy = SloppyTimes::new("WebVTT", "hh:mm:ss.mmm");
    let raw: Vec<RawCue> = blocks
        .iter()
        .map(|block| vtt_cue(block, &mut sloppy, &mut warnings))
        .collect();
    sloppy.report(&mut warnings);
    let cues = finish(raw, false, &mut warnings);
    if cues.is_empty() {
        warnings.add(lines.len().max(1), "the file has no cues".into());
    }
    Ok(Parsed {
        cues,
        warnings: warnings.into_sorted(),
    })
}

/// Checks the signature line (`WEBVTT`, optionally followed by a space or tab and text).
fn check_signature(line: &str, no: usize, warnings: &mut Warnings) -> Result<(), ParseError> {
    let trimmed = line.trim_start_matches([' ', '\t', '\u{FEFF}']);
    let starts = trimmed
        .get(..6)
        .is_some_and(|s| s.eq_ignore_ascii_case("WEBVTT"));
    if !starts {
        return Err(ParseError {
            line: no,
            message: format!(
                "not a WebVTT file: it must start with `WEBVTT`, not `{}`",
                excerpt(line)
            ),
        });
    }
    if trimmed.len() != line.trim_start_matches('\u{FEFF}').len() {
        warnings.add(
            no,
            "white space before the `WEBVTT` signature; read anyway".into(),
        );
    }
    if &trimmed[..6] != "WEBVTT" {
        warnings.add(
            no,
            format!(
                "the signature is `{}`, not `WEBVTT`; read anyway",
                &trimmed[..6]
            ),
        );
    }
    if trimmed[6..]
        .chars()
        .next()
        .is_some_and(|c| c != ' ' && c != '\t')
    {
        warnings.add(
            no,
            format!(
                "`WEBVTT` should be followed by a space or the end of the line: `{}`; read anyway",
                excerpt(line)
            ),
        );
    }
    Ok(())
}

/// At most 60 characters of a trimmed line, for messages.
pub(super) fn excerpt(line: &str) -> String {
    let line = line.trim();
    if line.chars().count() <= 60 {
        line.to_owned()
    } else {
        let cut: String = line.chars().take(57).collect();
        format!("{cut}…")
    }
}

/// Warnings collected with their line, sorted by line at the end.
#[derive(Debug, Default)]
pub(super) struct Warnings(Vec<(usize, String)>);

impl Warnings {
    /// Adds a warning about `line`.
    pub(super) fn add(&mut self, line: usize, message: String) {
        self.0.push((line, message));
    }

    /// The warnings as `line N: message`, in line order (stable for one line).
    pub(super) fn into_sorted(mut self) -> Vec<String> {
        self.0.sort_by_key(|(line, _)| *line);
        self.0
            .into_iter()
            .map(|(line, message)| format!("line {line}: {message}"))
            .collect()
    }
}

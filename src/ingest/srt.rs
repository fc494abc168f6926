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

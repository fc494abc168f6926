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

use std::collections::HashMap;
use std::fmt;

use super::cues::Cue;
use super::turns::{Label, SpeakerRules, parse_label};

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
/// (at most four words and 40 characters, capitalised, not `Note:`-like words, see
/// [`parse_label`]) and either recurs in the file, is a role label such as `Interviewer`, or
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
        .into_iter()
        .map(|block| {
            let mut voices: Vec<String> = Vec::new();
            let mut unclosed = None;
            let lines: Vec<(usize, String)> = block
                .text
                .iter()
                .map(|&(no, line)| {
                    let stripped = strip_vtt_line(line, &mut voices);
                    if stripped.literal_lt && unclosed.is_none() {
                        unclosed = Some(no);
                    }
                    (no, stripped.text)
                })
                .filter(|(_, t)| !t.is_empty())
                .collect();
            if let Some(no) = unclosed {
                warnings.add(no, "`<` without a closing `>`: kept as text".into());
            }
            let mut distinct: Vec<&String> = Vec::new();
            for v in &voices {
                if !distinct.contains(&v) {
                    distinct.push(v);
                }
            }
            if distinct.len() > 1 {
                let others: Vec<String> = distinct[1..].iter().map(|v| format!("`{v}`")).collect();
                warnings.add(
                    lines.first().map_or(block.line, |l| l.0),
                    format!(
                        "cue has more than one voice; all its text is given to the first, `{}` (also: {})",
                        distinct[0],
                        others.join(", ")
                    ),
                );
            }
            RawCue::from_block(&block, lines, voices.into_iter().next(), &mut sloppy, |t| {
                t.vtt_form
            })
        })
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

/// A cue text line with the markup removed.
struct Stripped {
    text: String,
    /// A `<` had no `>` after it on the line and was kept as text.
    literal_lt: bool,
}

/// Removes WebVTT tags from one line of cue text, collecting voice names, and decodes
/// character references. Surrounding white space is trimmed.
fn strip_vtt_line(line: &str, voices: &mut Vec<String>) -> Stripped {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    let mut literal_lt = false;
    while let Some(p) = rest.find('<') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        match after.find('>') {
            Some(q) => {
                if let Some(voice) = voice_name(&after[..q]) {
                    voices.push(voice);
                }
                rest = &after[q + 1..];
            }
            None => {
                literal_lt = true;
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Stripped {
        text: decode_entities(&out).trim().to_owned(),
        literal_lt,
    }
}

/// The speaker of a `v` start tag (`v Name`, `v.class.other Name`), if it names one.
fn voice_name(tag: &str) -> Option<String> {
    let rest = tag.strip_prefix('v')?;
    if !(rest.is_empty() || rest.starts_with('.') || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    let annotation = rest.find(char::is_whitespace).map_or("", |i| &rest[i..]);
    let name = decode_entities(annotation)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!name.is_empty()).then_some(name)
}

// ---------------------------------------------------------------------------------------
// Shared with the SubRip reader.
// ---------------------------------------------------------------------------------------

/// The cue timing arrow.
pub(super) const ARROW: &str = "-->";

/// Splits text into lines at `\n`, `\r\n` and lone `\r`, after a leading byte-order mark.
pub(super) fn split_lines(text: &str) -> Vec<&str> {
    let text = text.trim_start_matches('\u{FEFF}');
    let mut lines = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                lines.push(&text[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// Whether a line holds nothing but white space (blank lines separate blocks).
pub(super) fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
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

/// A time read from a cue timing line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Time {
    /// Milliseconds from the start.
    pub ms: u64,
    /// Written the strict WebVTT way: `mm:ss.mmm` or `hh:mm:ss.mmm`, two-digit minutes and
    /// seconds, hours of two or more digits.
    pub vtt_form: bool,
    /// Written the strict SubRip way: `hh:mm:ss,mmm`.
    pub srt_form: bool,
}

/// Reads a time at the start of `s`: `[h:]m:s[(.|,)fraction]`, where minutes and seconds
/// have one or two digits (minutes any number when there are no hours) and the fraction is
/// a decimal fraction of a second. Returns the time and the number of bytes read.
pub(super) fn parse_time(s: &str) -> Option<(Time, usize)> {
    let b = s.as_bytes();
    let digits_from = |from: usize| {
        let mut end = from;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        end
    };
    let mut fields: Vec<&str> = Vec::with_capacity(3);
    let mut pos = 0;
    loop {
        let end = digits_from(pos);
        if end == pos || end - pos > 9 {
            return None;
        }
        fields.push(&s[pos..end]);
        pos = end;
        if fields.len() < 3
            && b.get(pos) == Some(&b':')
            && b.get(pos + 1).is_some_and(u8::is_ascii_digit)
        {
            pos += 1;
        } else {
            break;
        }
    }
    let mut separator = None;
    let mut fraction = "";
    if let Some(&sep) = b.get(pos).filter(|&&c| c == b'.' || c == b',') {
        let end = digits_from(pos + 1);
        if end > pos + 1 {
            if end - pos - 1 > 9 {
                return None;
            }
            separator = Some(sep);
            fraction = &s[pos + 1..end];
            pos = end;
        }
    }
    let number = |f: &str| f.parse::<u64>().ok();
    let (hours, minutes, seconds) = match fields[..] {
        [h, m, s] if m.len() <= 2 && s.len() <= 2 => (number(h)?, number(m)?, number(s)?),
        [m, s] if s.len() <= 2 => (0, number(m)?, number(s)?),
        _ => return None,
    };
    if seconds > 59 || (fields.len() == 3 && minutes > 59) {
        return None;
    }
    let millis = if fraction.is_empty() {
        0
    } else {
        let head: String = fraction.chars().chain("00".chars()).take(3).collect();
        number(&head)?
    };
    let ms = ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
    let two_digit = |f: &str| f.len() == 2;
    let padded = match fields[..] {
        [h, m, s] => h.len() >= 2 && two_digit(m) && two_digit(s),
        [m, s] => two_digit(m) && two_digit(s) && minutes < 60,
        _ => false,
    };
    let time = Time {
        ms,
        vtt_form: padded && separator == Some(b'.') && fraction.len() == 3,
        srt_form: padded
            && fields.len() == 3
            && fields[0].len() == 2
            && separator == Some(b',')
            && fraction.len() == 3,
    };
    Some((time, pos))
}

/// Formats milliseconds as `hh:mm:ss.mmm` (more hour digits when needed).
pub(super) fn format_ms(ms: u64) -> String {
    let (h, m, s, f) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    format!("{h:02}:{m:02}:{s:02}.{f:03}")
}

/// A cue timing line read: start, end, and the raw text of each time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Timing {
    pub start: Time,
    pub end: Time,
    pub raw: [String; 2],
}

/// Reads `start --> end [settings]`. Extra dashes before the arrow (`--->`) are forgiven,
/// white space around the arrow is optional, and anything after the end time that does not
/// continue it (cue settings, SubRip coordinates) is ignored.
pub(super) fn parse_timing(line: &str) -> Option<Timing> {
    let line = line.trim();
    let (left, right) = match line.find(ARROW) {
        Some(p) => (&line[..p], &line[p + ARROW.len()..]),
        None => {
            // Only for lines that `is_arrowless_timing` accepted: `start end`.
            let split = line.find(char::is_whitespace)?;
            (&line[..split], &line[split..])
        }
    };
    let left = left.trim_end().trim_end_matches('-').trim();
    let (start, used) = parse_time(left)?;
    if used != left.len() {
        return None;
    }
    let right = right.trim_start();
    let (end, used) = parse_time(right)?;
    if right[used..]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | ',' | '-' | '>'))
    {
        return None;
    }
    Some(Timing {
        start,
        end,
        raw: [left.to_owned(), right[..used].to_owned()],
    })
}

/// A line of two times with no arrow (`00:01.000 00:02.000`) at the start of a block.
fn is_arrowless_timing(line: &str) -> bool {
    let line = line.trim();
    let Some((_, used)) = parse_time(line) else {
        return false;
    };
    let rest = &line[used..];
    if !rest.starts_with(char::is_whitespace) {
        return false;
    }
    let rest = rest.trim_start();
    parse_time(rest).is_some_and(|(_, used)| rest[used..].trim().is_empty())
}

/// Decodes the character references subtitles use: `&amp; &lt; &gt; &nbsp; &lrm; &rlm;
/// &quot; &apos;` and numeric ones. Anything else (`&nbsp` without `;`, `&foo;`) stays.
pub(super) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        let semi = after.bytes().take(12).position(|b| b == b';');
        if let Some(c) = semi.and_then(|q| entity(&after[..q])) {
            out.push(c);
            rest = &after[semi.unwrap_or(0) + 1..];
        } else {
            out.push('&');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "nbsp" => '\u{A0}',
        "lrm" => '\u{200E}',
        "rlm" => '\u{200F}',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    u32::from_str_radix(hex, 16).ok()?
                }
                Some(_) => return None,
                None if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => {
                    number.parse().ok()?
                }
                None => return None,
            };
            char::from_u32(code).filter(|&c| c != '\0')?
        }
    };
    Some(c)
}

/// Which format's block rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Syntax {
    WebVtt,
    SubRip,
}

/// A cue as laid out in the file: its timing line (if any) and raw text lines.
#[derive(Debug)]
pub(super) struct Block<'a> {
    /// The timing line's number, or the first text line's for text without a timing.
    pub line: usize,
    /// The timing line, if the cue has one.
    pub timing: Option<&'a str>,
    /// The timing line has no arrow (`00:01.000 00:02.000`).
    pub arrowless: bool,
    /// The raw text lines with their 1-based numbers.
    pub text: Vec<(usize, &'a str)>,
}

/// Whether a line is only a cue number.
fn is_number(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

/// A mistyped SubRip cue number (`12a`, `#12`): one short token with a digit in it.
fn is_garbled_number(line: &str) -> bool {
    let t = line.trim();
    t.chars().count() <= 12
        && !t.contains(char::is_whitespace)
        && t.chars().any(|c| c.is_ascii_digit())
}

fn is_keyword_line(line: &str, keyword: &str) -> bool {
    line.strip_prefix(keyword)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// Cuts the lines from `from` on into cues. Blocks are separated by blank lines; a line
/// with `-->` always starts a cue (also without a blank line before it); the one line
/// before a block's first timing line is a cue identifier (WebVTT) or number (SubRip); a
/// line of digits right before a timing line is that cue's number. WebVTT `NOTE`, `STYLE`
/// and `REGION` blocks are skipped. Text outside any cue becomes a block without timing,
/// with a warning.
pub(super) fn layout<'a>(
    lines: &[&'a str],
    from: usize,
    syntax: Syntax,
    warnings: &mut Warnings,
) -> Vec<Block<'a>> {
    let mut blocks = Vec::new();
    let mut i = from;
    while i < lines.len() {
        if is_blank(lines[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && !is_blank(lines[i]) {
            i += 1;
        }
        layout_block(lines, start, i, syntax, warnings, &mut blocks);
    }
    blocks
}

fn layout_block<'a>(
    lines: &[&'a str],
    start: usize,
    end: usize,
    syntax: Syntax,
    warnings: &mut Warnings,
    blocks: &mut Vec<Block<'a>>,
) {
    let has_arrow = |j: usize| lines[j].contains(ARROW);
    let mut k = start;
    if syntax == Syntax::WebVtt {
        let first = lines[k].trim_start_matches('\u{FEFF}');
        if ["NOTE", "STYLE", "REGION"]
            .iter()
            .any(|kw| is_keyword_line(first, kw))
        {
            k += 1;
            while k < end && !has_arrow(k) {
                k += 1;
            }
            if k == end {
                return;
            }
        }
    }
    let arrowless_at = |j: usize| {
        (j == k || (j == k + 1 && !has_arrow(k))) && !has_arrow(j) && is_arrowless_timing(lines[j])
    };
    let Some(first_timing) = (k..end).find(|&j| has_arrow(j) || arrowless_at(j)) else {
        // No timing in the block.
        if end - k == 1 && is_number(lines[k]) {
            warnings.add(
                k + 1,
                format!(
                    "cue number `{}` with no cue timing after it (file cut short?); ignored",
                    lines[k].trim()
                ),
            );
            return;
        }
        let text_from = if is_number(lines[k]) { k + 1 } else { k };
        push_orphan(lines, text_from, end, warnings, blocks);
        return;
    };
    // Lines before the first timing line: identifier or number, and stray text.
    if first_timing > k {
        let id = first_timing - 1;
        let id_line = lines[id];
        let is_id = match syntax {
            Syntax::WebVtt => true,
            Syntax::SubRip => {
                if !is_number(id_line) && is_garbled_number(id_line) {
                    warnings.add(
                        id + 1,
                        format!("cue number `{}` is not a number; ignored", id_line.trim()),
                    );
                }
                is_number(id_line) || is_garbled_number(id_line)
            }
        };
        let orphan_end = if is_id { id } else { first_timing };
        if orphan_end > k {
            push_orphan(lines, k, orphan_end, warnings, blocks);
        }
    }
    // Cues: a timing line, then text up to the next line with an arrow.
    let mut j = first_timing;
    while j < end {
        let timing_line = j;
        j += 1;
        let mut text_end = j;
        while text_end < end && !has_arrow(text_end) {
            text_end += 1;
        }
        let next = text_end;
        if text_end < end && text_end > j && is_number(lines[text_end - 1]) {
            text_end -= 1;
        }
        let block = Block {
            line: timing_line + 1,
            timing: Some(lines[timing_line]),
            arrowless: !has_arrow(timing_line),
            text: (j..text_end).map(|n| (n + 1, lines[n])).collect(),
        };
        if block.arrowless {
            warnings.add(
                timing_line + 1,
                format!(
                    "cue timing `{}` has no `-->`; read as start and end",
                    excerpt(lines[timing_line])
                ),
            );
        }
        blocks.push(block);
        j = next;
    }
}

/// Text outside any cue: kept as a cue without times.
fn push_orphan<'a>(
    lines: &[&'a str],
    start: usize,
    end: usize,
    warnings: &mut Warnings,
    blocks: &mut Vec<Block<'a>>,
) {
    let text: Vec<(usize, &str)> = (start..end).map(|n| (n + 1, lines[n])).collect();
    if text.is_empty() {
        return;
    }
    warnings.add(
        start + 1,
        format!(
            "text without a cue timing line (`{}`); kept as a cue without times",
            excerpt(lines[start])
        ),
    );
    blocks.push(Block {
        line: start + 1,
        timing: None,
        arrowless: false,
        text,
    });
}

/// Aggregates timing lines whose times are not in the format's strict form into one
/// warning about the first, with a count of the others.
pub(super) struct SloppyTimes {
    format: &'static str,
    form: &'static str,
    first: Option<(usize, String, u64)>,
    count: usize,
}

impl SloppyTimes {
    pub(super) fn new(format: &'static str, form: &'static str) -> Self {
        SloppyTimes {
            format,
            form,
            first: None,
            count: 0,
        }
    }

    fn note(&mut self, line: usize, raw: &str, ms: u64) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some((line, raw.to_owned(), ms));
        }
    }

    pub(super) fn report(&self, warnings: &mut Warnings) {
        if let Some((line, raw, ms)) = &self.first {
            let more = match self.count - 1 {
                0 => String::new(),
                1 => "; so is 1 more cue timing".to_owned(),
                n => format!("; so are {n} more cue timings"),
            };
            warnings.add(
                *line,
                format!(
                    "time `{raw}` is not in {} form `{}`; read as {}{more}",
                    self.format,
                    self.form,
                    format_ms(*ms)
                ),
            );
        }
    }
}

/// A cue with its markup removed, before speakers are found.
#[derive(Debug)]
pub(super) struct RawCue {
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
    pub(super) fn from_block(
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
pub(super) fn finish(raw: Vec<RawCue>, split_dashes: bool, warnings: &mut Warnings) -> Vec<Cue> {
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
        if ok || (labelled_file && opening) {
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

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
/// (at most four words and 40 characters, capitalised, not `Note:`-like words, not a phrase
/// such as `Ik dacht:`, see [`parse_label`]) and either recurs in the file, is a role label such as `Interviewer`, or
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

/// Removes the markup of one cue and reads its timing and first voice.
fn vtt_cue(block: &Block<'_>, sloppy: &mut SloppyTimes, warnings: &mut Warnings) -> RawCue {
    let mut voices: Vec<String> = Vec::new();
    let mut unclosed = None;
    let mut lines: Vec<(usize, String)> = Vec::with_capacity(block.text.len());
    for &(no, line) in &block.text {
        let stripped = strip_vtt_line(line, &mut voices);
        if stripped.literal_lt && unclosed.is_none() {
            unclosed = Some(no);
        }
        if !stripped.text.is_empty() {
            lines.push((no, stripped.text));
        }
    }
    if let Some(no) = unclosed {
        warnings.add(no, "`<` without a closing `>`: kept as text".into());
    }
    let mut distinct: Vec<&str> = Vec::new();
    for voice in &voices {
        if !distinct.contains(&voice.as_str()) {
            distinct.push(voice);
        }
    }
    if let [first, others @ ..] = &distinct[..]
        && !others.is_empty()
    {
        let others: Vec<String> = others.iter().map(|v| format!("`{v}`")).collect();
        warnings.add(
            lines.first().map_or(block.line, |l| l.0),
            format!(
                "cue has more than one voice; all its text is given to the first, `{first}` (also: {})",
                others.join(", ")
            ),
        );
    }
    let voice = voices.into_iter().next();
    RawCue::from_block(block, lines, voice, sloppy, |t| t.vtt_form)
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

/// A line that starts like a timing line but stops (`00:00:03.0`, `00:00:03.000 -`): the
/// end of a file cut short.
fn is_cut_timing(line: &str) -> bool {
    let line = line.trim();
    parse_time(line).is_some_and(|(_, used)| {
        let rest = line[used..].trim_start();
        rest.is_empty() || rest.starts_with('-')
    })
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
    // Without an arrow, only the block's first line (or the one after an identifier) can
    // be a timing line: two times (`00:01.000 00:02.000`) or a timing cut short.
    let arrowless_at = |j: usize| {
        (j == k || (j == k + 1 && !has_arrow(k)))
            && !has_arrow(j)
            && (is_arrowless_timing(lines[j]) || is_cut_timing(lines[j]))
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
        if !has_arrow(timing_line) && is_arrowless_timing(lines[timing_line]) {
            warnings.add(
                timing_line + 1,
                format!(
                    "cue timing `{}` has no `-->`; read as start and end",
                    excerpt(lines[timing_line])
                ),
            );
        }
        blocks.push(Block {
            line: timing_line + 1,
            timing: Some(lines[timing_line]),
            text: (j..text_end).map(|n| (n + 1, lines[n])).collect(),
        });
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
pub(super) mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    /// The shared fixtures folder, or `None` (with a note) in a clone without it.
    pub(in crate::ingest) fn fixtures(sub: &str) -> Option<PathBuf> {
        let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/")).join(sub);
        if dir.is_dir() {
            Some(dir)
        } else {
            eprintln!(
                "skipped: fixture folder {} is absent (only CI and the team checkout have /work/shared/fixtures)",
                dir.display()
            );
            None
        }
    }

    /// A file in the repository's `samples/` folder.
    pub(in crate::ingest) fn sample(name: &str) -> String {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("samples")
                .join(name),
        )
        .expect("sample file")
    }

    fn parse_ok(text: &str) -> Parsed {
        parse_vtt(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    fn cue(
        speaker: Option<&str>,
        start: Option<&str>,
        end: Option<&str>,
        text: &str,
        line: usize,
    ) -> Cue {
        Cue {
            speaker: speaker.map(str::to_owned),
            start: start.map(str::to_owned),
            end: end.map(str::to_owned),
            text: text.to_owned(),
            line,
        }
    }

    // ---- the vtt.js conformance fixtures --------------------------------------------------

    /// What one cue should come out as.
    #[derive(Debug, Clone, PartialEq)]
    struct Expected {
        start: Option<String>,
        end: Option<String>,
        speaker: Option<String>,
        text: String,
    }

    fn exp(start: Option<&str>, end: Option<&str>, speaker: Option<&str>, text: &str) -> Expected {
        Expected {
            start: start.map(str::to_owned),
            end: end.map(str::to_owned),
            speaker: speaker.map(str::to_owned),
            text: text.to_owned(),
        }
    }

    enum Outcome {
        /// The cues, and a fragment that must occur in one of the warnings.
        Cues(Vec<Expected>, Option<&'static str>),
        /// An error whose message holds the fragment, at this line.
        Error(usize, &'static str),
    }

    /// Fixtures where thema deliberately does not do what vtt.js does (or where vtt.js
    /// publishes no parse, only a rendering with no cue), and why:
    ///
    /// - `cue-times/fraction-digits` (`00:00.00`): vtt.js drops the cue; we read a fraction
    ///   of any length (`.00` = 0 ms), with a warning: sloppy exporters write this.
    /// - `cue-times/incorrect-delimiter` (`00.00.000`) and `cue-times/min-mid-digits`
    ///   (`00:000.000`): vtt.js drops the cue; we cannot read the time either, but keep the
    ///   text without times, with a warning: spoken text is never dropped.
    /// - `cue-times/minimum-spots-over-sixty` (`120:00.000`): vtt.js reads the first field as
    ///   hours because it is above 59 (120 h); the spec rejects the time. We read it as 120
    ///   minutes (02:00:00.000), as hour-less exporters count minutes past 59.
    /// - `cue-times/missing-separator` (`00:00.000 00:00.001`, no arrow, no text): vtt.js
    ///   ignores the line; we read it as a timing line with a warning, giving an empty cue.
    /// - `cuetext/voice/no-end-gt` (`<v It's a blue apple tree!`) and
    ///   `cuetext/timestamp/no-end-gt` (`<00:01.000 It's…`): a tag that is never closed eats
    ///   the rest of the cue in vtt.js (rendered text is empty); we keep the text, `<`
    ///   included, with a warning.
    /// - `integration/id`: the block `-->` / `00:04.000 --> 00:05.000` / `Test` is dropped
    ///   whole by vtt.js (its first line is a timing line that cannot be read); we warn about
    ///   that line and keep the cue `Test` from the valid timing line after it.
    /// - `file-layout/bad-double-webvtt` (`WEBvtt`, then `--->`): vtt.js rejects the file; we
    ///   accept the signature in any letter case and extra dashes in the arrow, with warnings.
    /// - `file-layout/header-no-new-line`: vtt.js takes the cue for header text; we start a
    ///   cue at the first `-->` line, with a warning.
    /// - `file-layout/newline-before-webvtt`, `bom-tab-webvtt`, `tab-after-bom-before-header`:
    ///   vtt.js rejects blank lines or white space before the signature; we forgive them with
    ///   a warning.
    /// - `file-layout/blank-file`, `blank-file-with-bom`, `garbage-signature`,
    ///   `bom-garbage-data`: vtt.js yields no cues; we return an error (empty file / not a
    ///   WebVTT file), which is the same verdict in our API.
    fn deliberate(name: &str) -> Option<Outcome> {
        let t = |s: &str| Some(format!("00:00:{s}"));
        let cues = |list: Vec<Expected>, warning| Some(Outcome::Cues(list, Some(warning)));
        let e = |start: Option<String>, end: Option<String>, text: &str| Expected {
            start,
            end,
            speaker: None,
            text: text.to_owned(),
        };
        match name {
            "cue-times/fraction-digits.vtt" => cues(
                vec![e(t("00.000"), t("02.000"), "Text")],
                "time `00:00.00` is not in WebVTT form",
            ),
            "cue-times/incorrect-delimiter.vtt" => cues(
                vec![e(None, None, "Text")],
                "line 3: cue timing `00.00.000 --> 00:02.000` cannot be read; cue text kept without times",
            ),
            "cue-times/min-mid-digits.vtt" => cues(
                vec![e(None, None, "Text")],
                "cue timing `00:000.000 --> 00:02.000` cannot be read",
            ),
            "cue-times/minimum-spots-over-sixty.vtt" => cues(
                vec![e(
                    Some("02:00:00.000".into()),
                    Some("02:00:10.000".into()),
                    "Text",
                )],
                "time `120:00.000` is not in WebVTT form `hh:mm:ss.mmm`; read as 02:00:00.000; so is 1 more",
            ),
            "cue-times/missing-separator.vtt" => cues(
                vec![e(t("00.000"), t("00.001"), "")],
                "cue timing `00:00.000 00:00.001` has no `-->`",
            ),
            "cuetext/voice/no-end-gt.vtt" => cues(
                vec![e(t("00.000"), t("02.000"), "<v It's a blue apple tree!")],
                "line 4: `<` without a closing `>`: kept as text",
            ),
            "cuetext/timestamp/no-end-gt.vtt" => cues(
                vec![e(
                    t("00.000"),
                    t("02.000"),
                    "<00:01.000 It's a blue apple tree!",
                )],
                "`<` without a closing `>`",
            ),
            "integration/id.vtt" => cues(
                vec![
                    e(t("01.000"), t("02.000"), "This"),
                    e(t("02.000"), t("03.000"), "Is"),
                    e(t("03.000"), t("04.000"), "A"),
                    e(t("04.000"), t("05.000"), "Test"),
                    e(t("06.000"), t("07.000"), "And stuff?"),
                ],
                "line 15: cue timing `-->` cannot be read; the cue has no text and is left out",
            ),
            "file-layout/bad-double-webvtt.vtt" => cues(
                vec![e(t("01.000"), t("02.000"), "some text")],
                "line 1: the signature is `WEBvtt`, not `WEBVTT`",
            ),
            "file-layout/header-no-new-line.vtt" => cues(
                vec![e(t("11.000"), t("13.000"), "Test")],
                "line 2: no blank line between the header and the first cue",
            ),
            "file-layout/newline-before-webvtt.vtt" => cues(
                vec![e(t("00.000"), t("02.000"), "text")],
                "line 2: blank lines before the `WEBVTT` signature",
            ),
            "file-layout/bom-tab-webvtt.vtt" | "file-layout/tab-after-bom-before-header.vtt" => {
                cues(
                    vec![e(t("00.000"), t("02.000"), "text")],
                    "line 1: white space before the `WEBVTT` signature",
                )
            }
            "file-layout/blank-file.vtt" | "file-layout/blank-file-with-bom.vtt" => {
                Some(Outcome::Error(1, "empty file"))
            }
            "file-layout/garbage-signature.vtt" | "file-layout/bom-garbage-data.vtt" => Some(
                Outcome::Error(1, "not a WebVTT file: it must start with `WEBVTT`"),
            ),
            _ => None,
        }
    }

    /// Seconds from vtt.js's JSON as `hh:mm:ss.mmm`.
    fn seconds(v: &serde_json::Value) -> Option<String> {
        v.as_f64().map(|s| format_ms((s * 1000.0).round() as u64))
    }

    /// The test's own reading of a voice span at the start of raw cue text: `<v` (classes)
    /// white space, a name, `>`. Nothing else about speakers is in the fixtures.
    fn first_voice(raw: &str) -> Option<String> {
        let rest = raw.trim_start().strip_prefix("<v")?;
        let close = rest.find('>')?;
        let tag = &rest[..close];
        let name = tag.split_once(char::is_whitespace)?.1.trim();
        (!name.is_empty()).then(|| name.to_owned())
    }

    /// The test's own markup rule, used only where vtt.js publishes no rendering: drop
    /// `<…>` closed on the same line and decode the escapes the fixtures use.
    fn own_strip(raw: &str) -> String {
        raw.lines()
            .map(|line| {
                let mut out = String::new();
                let mut rest = line;
                while let (Some(a), Some(b)) = (rest.find('<'), rest.find('>')) {
                    if b < a {
                        break;
                    }
                    out.push_str(&rest[..a]);
                    rest = &rest[b + 1..];
                }
                out.push_str(rest);
                out.replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&nbsp;", "\u{A0}")
                    .replace("&lrm;", "\u{200E}")
                    .replace("&rlm;", "\u{200F}")
                    .replace("&amp;", "&")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Cue text compared line by line with surrounding white space and empty lines left
    /// out: vtt.js's rendering keeps the space after `<v Name>` and before `</i>`.
    fn lines_of(text: &str) -> Vec<String> {
        text.lines()
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// What vtt.js expects for one fixture, from `X.json` (times, raw text) and
    /// `X-proc.json` (the rendered text: tags removed, references decoded).
    ///
    /// Text: the rendered `textContent` of `X-proc.json` when it renders one node per cue,
    /// so tag stripping and entity decoding are checked against vtt.js's own output; where
    /// it renders nothing (`null`, for the inline timestamp fixtures) the raw JSON text goes
    /// through the test's simple rule [`own_strip`]. Speaker: [`first_voice`] of the raw
    /// text. Fixtures without `X.json` all hold one cue, with times 00:00:00.000–00:00:02.000
    /// or, in `cue-times/`, 00:00:25.000–00:00:27.000 (checked by eye).
    fn vttjs_expectation(vtt: &Path) -> Vec<Expected> {
        let read = |p: PathBuf| -> Option<serde_json::Value> {
            let text = std::fs::read_to_string(p).ok()?;
            Some(serde_json::from_str(&text).expect("fixture JSON"))
        };
        let json = read(vtt.with_extension("json"));
        let stem = vtt.file_stem().unwrap().to_string_lossy();
        let proc = read(vtt.with_file_name(format!("{stem}-proc.json")));
        let rendered: Option<Vec<String>> = proc.as_ref().and_then(|p| {
            p.as_array().map(|nodes| {
                nodes
                    .iter()
                    .map(|n| n["textContent"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
        });
        match json {
            Some(json) => {
                let cues = json["cues"].as_array().expect("cues").clone();
                let rendered = rendered.filter(|r| r.len() == cues.len());
                cues.iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let raw = c["text"].as_str().unwrap_or("");
                        Expected {
                            start: seconds(&c["startTime"]),
                            end: seconds(&c["endTime"]),
                            speaker: first_voice(raw),
                            text: match &rendered {
                                Some(r) => r[i].clone(),
                                None => own_strip(raw),
                            },
                        }
                    })
                    .collect()
            }
            None => {
                let in_times = vtt.parent().is_some_and(|p| p.ends_with("cue-times"));
                let (start, end) = if in_times {
                    ("00:00:25.000", "00:00:27.000")
                } else {
                    ("00:00:00.000", "00:00:02.000")
                };
                rendered
                    .unwrap_or_default()
                    .into_iter()
                    .map(|text| exp(Some(start), Some(end), None, &text))
                    .collect()
            }
        }
    }

    fn vtt_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("fixture folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                vtt_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "vtt") {
                out.push(path);
            }
        }
    }

    #[test]
    fn vttjs_fixtures_parse_as_vttjs_does_or_as_listed() {
        let Some(dir) = fixtures("vttjs-edge-cases") else {
            return;
        };
        let mut files = Vec::new();
        vtt_files(&dir, &mut files);
        files.sort();
        assert!(files.len() >= 70, "only {} fixtures found", files.len());
        let mut failures = Vec::new();
        for file in &files {
            let name = file
                .strip_prefix(&dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(file).unwrap();
            let text = String::from_utf8(bytes).expect("UTF-8 fixture");
            let result = parse_vtt(&text);
            let (expected, warning) = match deliberate(&name) {
                Some(Outcome::Error(line, fragment)) => {
                    match &result {
                        Err(e) if e.line == line && e.message.contains(fragment) => {}
                        other => failures.push(format!(
                            "{name}: expected error `{fragment}`, got {other:?}"
                        )),
                    }
                    continue;
                }
                Some(Outcome::Cues(cues, warning)) => (cues, warning),
                None => {
                    let expected = vttjs_expectation(file);
                    if expected.is_empty() {
                        failures.push(format!(
                            "{name}: vtt.js yields no cue; list the fixture in `deliberate`"
                        ));
                        continue;
                    }
                    (expected, None)
                }
            };
            let parsed = match result {
                Ok(p) => p,
                Err(e) => {
                    failures.push(format!("{name}: {e}"));
                    continue;
                }
            };
            if parsed.cues.len() != expected.len() {
                failures.push(format!(
                    "{name}: {} cues, expected {}: {:#?}",
                    parsed.cues.len(),
                    expected.len(),
                    parsed.cues
                ));
                continue;
            }
            for (i, (got, want)) in parsed.cues.iter().zip(&expected).enumerate() {
                let same = got.start == want.start
                    && got.end == want.end
                    && got.speaker == want.speaker
                    && lines_of(&got.text) == lines_of(&want.text);
                if !same {
                    failures.push(format!("{name} cue {i}: got {got:?}, expected {want:?}"));
                }
            }
            if let Some(fragment) = warning
                && !parsed.warnings.iter().any(|w| w.contains(fragment))
            {
                failures.push(format!(
                    "{name}: no warning with `{fragment}` in {:?}",
                    parsed.warnings
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    // ---- the real Zoom recording ---------------------------------------------------------

    /// The test's own reading of a Zoom file, which is regular: blocks split at blank
    /// lines; the timing line is the one with ` --> ` (already `hh:mm:ss.mmm`), the text
    /// the lines after it; in the transcript a `Name: ` before the first `: ` within 40
    /// characters names the speaker.
    fn zoom_expectation(text: &str, speakers: bool) -> Vec<Expected> {
        let text = text.replace("\r\n", "\n");
        text.split("\n\n")
            .skip(1)
            .filter(|b| !b.trim().is_empty())
            .map(|block| {
                let lines: Vec<&str> = block.trim().lines().collect();
                let t = lines.iter().position(|l| l.contains(" --> ")).unwrap();
                let (start, end) = lines[t].split_once(" --> ").unwrap();
                let body = lines[t + 1..].join("\n");
                let (speaker, body) = match body.split_once(": ") {
                    Some((name, rest)) if speakers && name.len() <= 40 && !name.contains('\n') => {
                        (Some(name), rest.to_owned())
                    }
                    _ => (None, body.clone()),
                };
                exp(Some(start.trim()), Some(end.trim()), speaker, &body)
            })
            .collect()
    }

    #[test]
    fn zoom_transcript_and_caption_track_read_fully() {
        let Some(dir) = fixtures("zoom-cloud-recording") else {
            return;
        };
        for (file, speakers, count) in [
            ("GMT20240124-202901_Recording.transcript.vtt", true, 102),
            ("GMT20240124-202901_Recording.cc.vtt", false, 100),
        ] {
            // Read raw: the caption track has CRLF line ends, which the reader must take.
            let text = String::from_utf8(std::fs::read(dir.join(file)).unwrap()).unwrap();
            let parsed = parse_ok(&text);
            assert!(parsed.warnings.is_empty(), "{file}: {:?}", parsed.warnings);
            let expected = zoom_expectation(&text, speakers);
            assert_eq!(expected.len(), count, "{file}");
            assert_eq!(parsed.cues.len(), count, "{file}");
            for (got, want) in parsed.cues.iter().zip(&expected) {
                assert_eq!(got.start, want.start, "{file} line {}", got.line);
                assert_eq!(got.end, want.end, "{file} line {}", got.line);
                assert_eq!(got.speaker, want.speaker, "{file} line {}", got.line);
                assert_eq!(got.text, want.text, "{file} line {}", got.line);
            }
            assert_round_trip(&text, &parsed.cues);
        }
    }

    // ---- round trip ----------------------------------------------------------------------

    /// Lower-cased words (letters, digits, apostrophes inside) of a text.
    fn words(text: &str) -> Vec<String> {
        text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
            .map(|w| w.trim_matches(['\'', '’']).to_lowercase())
            .filter(|w| !w.is_empty())
            .collect()
    }

    /// Every word of the source's text lines (not the signature, header, cue ids or
    /// numbers, timing lines; markup removed by the test's own rule) is in the cue texts or
    /// the speaker names, as often as in the source.
    pub(in crate::ingest) fn assert_round_trip(source: &str, cues: &[Cue]) {
        let source = source.replace("\r\n", "\n");
        let lines: Vec<&str> = source.lines().collect();
        let mut want: BTreeMap<String, usize> = BTreeMap::new();
        let mut in_header = lines.first().is_some_and(|l| l.contains("WEBVTT"));
        for (i, line) in lines.iter().enumerate() {
            let next_is_timing = lines.get(i + 1).is_some_and(|l| l.contains("-->"));
            if in_header {
                in_header = !line.trim().is_empty();
                continue;
            }
            if line.contains("-->") || next_is_timing {
                continue;
            }
            let mut text = String::new();
            let mut rest = *line;
            while let (Some(a), Some(b)) = (rest.find(['<', '{']), rest.find(['>', '}'])) {
                if b < a {
                    break;
                }
                text.push_str(&rest[..a]);
                rest = &rest[b + 1..];
            }
            text.push_str(rest);
            for w in words(&text) {
                *want.entry(w).or_default() += 1;
            }
        }
        let mut have: BTreeMap<String, usize> = BTreeMap::new();
        for cue in cues {
            let speaker = cue.speaker.as_deref().unwrap_or("");
            for w in words(&cue.text).into_iter().chain(words(speaker)) {
                *have.entry(w).or_default() += 1;
            }
        }
        let missing: Vec<String> = want
            .iter()
            .filter(|(w, n)| have.get(*w).copied().unwrap_or(0) < **n)
            .map(|(w, n)| format!("{w} ({n}×, found {})", have.get(w).copied().unwrap_or(0)))
            .collect();
        assert!(missing.is_empty(), "words lost: {missing:?}");
    }

    #[test]
    fn teams_sample_reads_with_voices_and_every_word() {
        let text = sample("nl-13-teams.vtt");
        let parsed = parse_ok(&text);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert_eq!(parsed.cues.len(), text.matches("-->").count());
        let speakers: std::collections::BTreeSet<_> = parsed
            .cues
            .iter()
            .filter_map(|c| c.speaker.as_deref())
            .collect();
        assert_eq!(
            speakers.into_iter().collect::<Vec<_>>(),
            ["Interviewer", "Wietske Hoekstra"]
        );
        assert!(
            parsed
                .cues
                .iter()
                .all(|c| c.speaker.is_some() && c.start.is_some())
        );
        assert!(!parsed.cues.iter().any(|c| c.text.contains('<')));
        assert_round_trip(&text, &parsed.cues);
        let (doc, segments) = super::super::cues::assemble(
            &parsed.cues,
            &SpeakerRules::default(),
            super::super::cues::CueMerge::Turn,
        );
        assert!(doc.starts_with("Interviewer: Zo, ik denk"));
        assert_eq!(segments.len(), 22, "one segment per turn");
    }

    // ---- unit behaviour ------------------------------------------------------------------

    #[test]
    fn voices_tags_and_references() {
        let text = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.500 align:start position:10%\n\
                    <v.loud Maria de Vries>Ik <i>wist</i> het <c.yellow>niet</c> &amp; <b>jij</b>?\n\
                    Caf&#233; &#x00E9;&lt;&gt;&nbsp;x&lrm;&rlm;<00:00:02.000> <lang en>sorry</lang> <ruby>漢<rt>kan</rt></ruby>\n\n\
                    00:03.000 --> 00:04.000\n<v Jan>Ja.</v> <u>Echt</u>\n";
        let parsed = parse_ok(text);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert_eq!(
            parsed.cues,
            vec![
                cue(
                    Some("Maria de Vries"),
                    Some("00:00:01.000"),
                    Some("00:00:02.500"),
                    "Ik wist het niet & jij?\nCafé é<>\u{A0}x\u{200E}\u{200F} sorry 漢kan",
                    5
                ),
                cue(
                    Some("Jan"),
                    Some("00:00:03.000"),
                    Some("00:00:04.000"),
                    "Ja. Echt",
                    9
                ),
            ]
        );
    }

    #[test]
    fn first_of_several_voices_gets_the_cue_with_a_warning() {
        let parsed = parse_ok(
            "WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>Een.</v>\n<v B>Twee.</v>\n<v A>Drie.\n",
        );
        assert_eq!(parsed.cues.len(), 1);
        assert_eq!(parsed.cues[0].speaker.as_deref(), Some("A"));
        assert_eq!(parsed.cues[0].text, "Een.\nTwee.\nDrie.");
        assert_eq!(
            parsed.warnings,
            [
                "line 4: cue has more than one voice; all its text is given to the first, `A` (also: `B`)"
            ]
        );
    }

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

    #[test]
    fn notes_styles_regions_and_header_metadata_are_skipped() {
        let text = "\u{FEFF}WEBVTT - Interview 3\r\nKind: captions\r\nLanguage: nl\r\n\r\n\
                    STYLE\r\n::cue { color: yellow }\r\n\r\nREGION\r\nid:fred width:40%\r\n\r\n\
                    NOTE opgenomen in Teams\r\nop 3 mei\r\n\r\nintro\r\n00:00:01.000 --> 00:00:02.000\r\n\
                    Welkom.\r\n\r\nNOTE\rtwee regels\r\rx\r00:00:03.000 --> 00:00:04.000\rDag.\r";
        let parsed = parse_ok(text);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert_eq!(
            parsed.cues,
            vec![
                cue(
                    None,
                    Some("00:00:01.000"),
                    Some("00:00:02.000"),
                    "Welkom.",
                    16
                ),
                cue(None, Some("00:00:03.000"), Some("00:00:04.000"), "Dag.", 23),
            ]
        );
    }

    #[test]
    fn sloppy_times_are_read_with_one_warning() {
        let text = "WEBVTT\n\n0:0:3.540 --> 0:0:5,2\nEen\n\n00:06 --> 00:07\nTwee\n\n\
                    01:02:03.000 --> 75:30.000\nDrie\n\n00:00:08.000 --> 00:00:09.000\nVier\n";
        let parsed = parse_ok(text);
        let times: Vec<_> = parsed
            .cues
            .iter()
            .map(|c| (c.start.clone().unwrap(), c.end.clone().unwrap()))
            .collect();
        let t = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(
            times,
            [
                t("00:00:03.540", "00:00:05.200"),
                t("00:00:06.000", "00:00:07.000"),
                t("01:02:03.000", "01:15:30.000"),
                t("00:00:08.000", "00:00:09.000"),
            ]
        );
        assert_eq!(
            parsed.warnings,
            [
                "line 3: time `0:0:3.540` is not in WebVTT form `hh:mm:ss.mmm`; read as 00:00:03.540; so are 4 more cue timings"
            ]
        );
    }

    #[test]
    fn cue_without_blank_line_before_its_timing_and_digit_ids() {
        let parsed = parse_ok(
            "WEBVTT\n\n1\n00:01.000 --> 00:02.000\nEen\n2\n00:02.000 --> 00:03.000\nTwee\n",
        );
        let texts: Vec<&str> = parsed.cues.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["Een", "Twee"]);
        assert!(parsed.warnings.is_empty());
    }

    // ---- malformed input -----------------------------------------------------------------

    #[test]
    fn empty_and_headerless_files_are_errors() {
        for empty in ["", "\u{FEFF}", "\n\n \t\n", "\r\n"] {
            let e = parse_vtt(empty).unwrap_err();
            assert_eq!(e.line, 1);
            assert_eq!(
                e.to_string(),
                "line 1: empty file: a WebVTT file starts with `WEBVTT`"
            );
        }
        let e = parse_vtt("00:00.000 --> 00:01.000\nHallo\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 1: not a WebVTT file: it must start with `WEBVTT`, not `00:00.000 --> 00:01.000`"
        );
        let e = parse_vtt("1\n00:00:01,000 --> 00:00:02,000\nHallo\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("not `1`"));
        let only_header = parse_ok("WEBVTT\n");
        assert!(only_header.cues.is_empty());
        assert_eq!(only_header.warnings, ["line 1: the file has no cues"]);
    }

    #[test]
    fn truncated_files_keep_what_is_there() {
        let whole = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v Ann>Hallo daar\n\n2\n00:00:03.000 --> 00:00:04.000\nTot ziens\n";
        // Cut inside the second timing line.
        let cut = &whole[..whole.find("00:00:03.000 -").unwrap() + 10];
        let parsed = parse_ok(cut);
        assert_eq!(parsed.cues.len(), 1);
        assert_eq!(parsed.cues[0].text, "Hallo daar");
        assert_eq!(
            parsed.warnings,
            ["line 8: cue timing `00:00:03.0` cannot be read; the cue has no text and is left out"]
        );
        // Cut after the second cue number.
        let cut = &whole[..whole.find("2\n").unwrap() + 1];
        assert_eq!(
            parse_ok(cut).warnings,
            ["line 7: cue number `2` with no cue timing after it (file cut short?); ignored"]
        );
        // Cut inside a cue text and inside a voice tag.
        let parsed = parse_ok(&whole[..whole.find("daar").unwrap() + 2]);
        assert_eq!(parsed.cues[0].text, "Hallo da");
        let parsed = parse_ok(&whole[..whole.find("Ann").unwrap() + 2]);
        assert_eq!(parsed.cues[0].text, "<v An");
        assert_eq!(
            parsed.warnings,
            ["line 5: `<` without a closing `>`: kept as text"]
        );
        // Cut right after a timing line: an empty cue, said so.
        let parsed = parse_ok(&whole[..whole.find("<v").unwrap()]);
        assert_eq!(parsed.cues[0].text, "");
        assert_eq!(parsed.warnings, ["line 4: cue has no text"]);
    }

    #[test]
    fn bad_timestamps_keep_the_text_without_times() {
        let text = "WEBVTT\n\n00:01:xx.000 --> 00:01:05.000\nEen\n\n\
                    00:00:75.000 --> 00:01:00.000\nTwee\n\n\
                    garbage --> more garbage\nDrie\n\n\
                    00:00:09.000 --> 00:00:08.000\nVier\n\n\
                    -->\nVijf\n";
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
                (Some("00:00:09.000"), "Vier"),
                (None, "Vijf"),
            ]
        );
        assert_eq!(
            parsed.warnings,
            [
                "line 3: cue timing `00:01:xx.000 --> 00:01:05.000` cannot be read; cue text kept without times",
                "line 6: cue timing `00:00:75.000 --> 00:01:00.000` cannot be read; cue text kept without times",
                "line 9: cue timing `garbage --> more garbage` cannot be read; cue text kept without times",
                "line 12: cue ends at 00:00:08.000 before it starts at 00:00:09.000",
                "line 15: cue timing `-->` cannot be read; cue text kept without times",
            ]
        );
    }

    #[test]
    fn stray_text_is_kept_as_a_cue_without_times() {
        let parsed = parse_ok(
            "WEBVTT\n\n00:01.000 --> 00:02.000\nEen\n\nlosse tekst\nnog meer\n\n00:03.000 --> 00:04.000\nTwee\n",
        );
        assert_eq!(parsed.cues.len(), 3);
        assert_eq!(parsed.cues[1].text, "losse tekst\nnog meer");
        assert_eq!(parsed.cues[1].start, None);
        assert_eq!(
            parsed.warnings,
            ["line 6: text without a cue timing line (`losse tekst`); kept as a cue without times"]
        );
    }

    /// A small deterministic generator (xorshift) so the mutation test needs no crate.
    pub(in crate::ingest) struct Rng(pub u64);

    impl Rng {
        pub(in crate::ingest) fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }
    }

    /// Byte mutations of `source`: replace, insert, delete and cut, with bytes that matter
    /// to the readers; each mutant is handed to `parse` (which must not panic).
    pub(in crate::ingest) fn mutants(source: &str, seed: u64, count: usize) -> Vec<String> {
        const BYTES: &[u8] = b"<>&;#x-:.,0123456789 \t\r\n\xEF\xBB\xBFv{}\\/Nab";
        let mut rng = Rng(seed);
        (0..count)
            .map(|_| {
                let mut bytes = source.as_bytes().to_vec();
                for _ in 0..=rng.below(4) {
                    let at = rng.below(bytes.len() + 1);
                    let byte = BYTES[rng.below(BYTES.len())];
                    match rng.below(5) {
                        0 if at < bytes.len() => bytes[at] = byte,
                        1 => bytes.insert(at, byte),
                        2 if at < bytes.len() => {
                            bytes.remove(at);
                        }
                        3 => bytes.truncate(at),
                        _ => {
                            let from = rng.below(bytes.len() + 1);
                            let chunk: Vec<u8> = bytes[from..bytes.len().min(from + 12)].to_vec();
                            let at = at.min(bytes.len());
                            bytes.splice(at..at, chunk);
                        }
                    }
                }
                String::from_utf8_lossy(&bytes).into_owned()
            })
            .collect()
    }

    /// What any successful parse must satisfy.
    pub(in crate::ingest) fn check_invariants(text: &str, parsed: &Parsed) {
        let line_count = split_lines(text).len().max(1);
        for cue in &parsed.cues {
            assert!((1..=line_count).contains(&cue.line), "{cue:?}");
            for t in [&cue.start, &cue.end].into_iter().flatten() {
                assert!(t.len() >= 12 && t.as_bytes()[t.len() - 4] == b'.', "{t}");
            }
            assert_eq!(cue.start.is_some(), cue.end.is_some());
        }
        for w in &parsed.warnings {
            assert!(w.starts_with("line "), "{w}");
        }
    }

    #[test]
    fn byte_mutations_never_panic() {
        let source = "WEBVTT\n\nNOTE x\n\n1\n00:00:01.000 --> 00:00:02.500 align:start\n\
                      <v.loud Maria>Hoe &amp; <i>wat</i>?</v>\nTweede regel &#233;\n\n\
                      00:03.000 --> 00:04.000\nSara: Ja &lt;3 <00:03.500>nee\n";
        let teams = sample("nl-13-teams.vtt");
        let teams_head: String = teams.lines().take(40).collect::<Vec<_>>().join("\n");
        for (i, text) in mutants(source, 0x5EED, 300)
            .into_iter()
            .chain(mutants(&teams_head, 0xBEEF, 100))
            .enumerate()
        {
            if let Ok(parsed) = parse_vtt(&text) {
                check_invariants(&text, &parsed);
            } else if i < 300 {
                // Only a broken signature or an empty file may be refused.
                let first = text.trim_start_matches(['\u{FEFF}', ' ', '\t', '\n', '\r']);
                assert!(!first.starts_with("WEBVTT"), "{text:?}");
            }
        }
    }

    #[test]
    fn time_parser_edges() {
        let ms = |s: &str| parse_time(s).map(|(t, used)| (t.ms, used));
        assert_eq!(ms("00:01.000"), Some((1000, 9)));
        assert_eq!(ms("1:02:03.4"), Some((3_723_400, 9)));
        assert_eq!(ms("00:00:01,5"), Some((1500, 10)));
        assert_eq!(ms("00:00:01.12345"), Some((1123, 14)));
        assert_eq!(ms("00:60.000"), None);
        assert_eq!(ms("00:61:00.000"), None);
        assert_eq!(ms("99999999999:00.000"), None);
        assert_eq!(ms("12"), None);
        assert_eq!(ms(":12"), None);
        assert_eq!(ms("00:01:02:03"), Some((62_000, 8)));
        assert!(parse_time("00:00:01.000").unwrap().0.vtt_form);
        assert!(parse_time("00:00:01,000").unwrap().0.srt_form);
        assert!(!parse_time("0:00:01.000").unwrap().0.vtt_form);
        assert_eq!(format_ms(432_000_000), "120:00:00.000");
        assert_eq!(
            decode_entities("&amp;amp; &#0; &#xZZ; &#1114112; a&b"),
            "&amp; &#0; &#xZZ; &#1114112; a&b"
        );
    }
}

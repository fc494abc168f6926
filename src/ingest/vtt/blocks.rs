//! The layout of a subtitle file: its lines, the blank lines between blocks, and the
//! blocks cut into cues (identifiers and numbers, `NOTE`/`STYLE`/`REGION` blocks skipped,
//! text outside any cue kept).

use super::timing::{ARROW, is_arrowless_timing, is_cut_timing};
use super::{Warnings, excerpt};

/// Splits text into lines at `\n`, `\r\n` and lone `\r`, after a leading byte-order mark.
pub(in crate::ingest) fn split_lines(text: &str) -> Vec<&str> {
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
pub(in crate::ingest) fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Which format's block rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::ingest) enum Syntax {
    WebVtt,
    SubRip,
}

/// A cue as laid out in the file: its timing line (if any) and raw text lines.
#[derive(Debug)]
pub(in crate::ingest) struct Block<'a> {
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
pub(in crate::ingest) fn layout<'a>(
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

#[cfg(test)]
mod tests {
    use super::super::tests::{cue, parse_ok};

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
    fn cue_without_blank_line_before_its_timing_and_digit_ids() {
        let parsed = parse_ok(
            "WEBVTT\n\n1\n00:01.000 --> 00:02.000\nEen\n2\n00:02.000 --> 00:03.000\nTwee\n",
        );
        let texts: Vec<&str> = parsed.cues.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["Een", "Twee"]);
        assert!(parsed.warnings.is_empty());
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
}

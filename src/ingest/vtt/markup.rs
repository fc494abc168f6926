//! WebVTT cue text: tags and voice spans removed (the first voice kept as the cue's
//! speaker), and the character references subtitles use decoded.

use super::Warnings;
use super::blocks::Block;
use super::speakers::RawCue;
use super::timing::SloppyTimes;

/// Removes the markup of one cue and reads its timing and first voice.
pub(super) fn vtt_cue(
    block: &Block<'_>,
    sloppy: &mut SloppyTimes,
    warnings: &mut Warnings,
) -> RawCue {
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

/// Decodes the character references subtitles use: `&amp; &lt; &gt; &nbsp; &lrm; &rlm;
/// &quot; &apos;` and numeric ones. Anything else (`&nbsp` without `;`, `&foo;`) stays.
pub(in crate::ingest) fn decode_entities(s: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::super::tests::{cue, parse_ok};

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
}

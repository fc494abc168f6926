//! Plain-text and Markdown transcripts: optional front matter, then speaker turns.

use std::collections::BTreeMap;
use std::path::Path;

use super::turns::{Label, SegmentBuilder, SpeakerRules, is_role_label, parse_label};
use crate::corpus::Segment;
use crate::{Error, Result};

/// Front matter keys that configure the reading and are not attributes.
const STRUCTURAL_KEYS: [&str; 3] = ["id", "speakers", "interviewer"];

/// Front matter read from the top of a transcript.
#[derive(Debug, Default, Clone)]
pub struct FrontMatter {
    /// `key: value` pairs in file order (keys as written, values unquoted).
    pub fields: Vec<(String, String, usize)>,
    /// Byte offset where the body starts.
    pub body_start: usize,
    /// 1-based line number of the body's first line.
    pub body_line: usize,
    /// Problems worth telling the user (a `---` line read as a separator).
    pub warnings: Vec<String>,
}

impl FrontMatter {
    /// The value of `key` (case-insensitive in any script), if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        let key = key.to_lowercase();
        self.fields
            .iter()
            .find(|(k, _, _)| k.to_lowercase() == key)
            .map(|(_, v, _)| v.as_str())
    }

    /// Comma-separated list value of `key`; `None` when it is absent or empty.
    pub fn list(&self, key: &str) -> Option<Vec<String>> {
        let items: Vec<String> = self
            .get(key)?
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        (!items.is_empty()).then_some(items)
    }

    /// The attributes: every field with a value except the structural `id`, `speakers` and
    /// `interviewer` (an empty value sets nothing: the document has no value there).
    pub fn attributes(&self) -> BTreeMap<String, String> {
        self.fields
            .iter()
            .filter(|(k, v, _)| {
                !v.is_empty() && !STRUCTURAL_KEYS.contains(&k.to_lowercase().as_str())
            })
            .map(|(k, v, _)| (k.to_lowercase(), v.clone()))
            .collect()
    }
}

/// Reads front matter between `---` lines at the very top of `text`.
pub fn parse_front_matter(path: &Path, text: &str) -> Result<FrontMatter> {
    let mut lines = text.split_inclusive('\n');
    let Some(first) = lines.next() else {
        return Ok(FrontMatter::default());
    };
    if first.trim_end() != "---" {
        return Ok(FrontMatter {
            body_line: 1,
            ..FrontMatter::default()
        });
    }
    if let Some(label) = speaker_after_separator(text) {
        return Ok(FrontMatter {
            body_line: 1,
            warnings: vec![format!(
                "line 1: `---` is followed by speaker turns (`{label}:`), so it is read as a separator line, not as front matter"
            )],
            ..FrontMatter::default()
        });
    }
    let mut offset = first.len();
    let mut fields = Vec::new();
    for (index, line) in lines.enumerate() {
        let line_no = index + 2;
        offset += line.len();
        let content = line.trim();
        if content == "---" || content == "..." {
            return Ok(FrontMatter {
                fields,
                body_start: offset,
                body_line: line_no + 1,
                warnings: Vec::new(),
            });
        }
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let Some((key, value)) = content.split_once(':') else {
            return Err(Error::input_line(
                path,
                line_no,
                format!("front matter line is not `key: value`: {content:?}"),
            ));
        };
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err(Error::input_line(
                path,
                line_no,
                format!("front matter key must be one word: {content:?}"),
            ));
        }
        let lower = key.to_lowercase();
        if crate::columns::is_reserved(&lower) && !STRUCTURAL_KEYS.contains(&lower.as_str()) {
            return Err(Error::input_line(
                path,
                line_no,
                format!(
                    "front matter key `{key}` is the name of a column of thema's outputs (segments, quotes): rename it{}",
                    if lower == "speaker" {
                        " (to declare the speaker labels, use `speakers:`)"
                    } else {
                        ""
                    }
                ),
            ));
        }
        if fields
            .iter()
            .any(|(k, _, _): &(String, String, usize)| k.to_lowercase() == lower)
        {
            return Err(Error::input_line(
                path,
                line_no,
                format!("front matter key `{key}` appears twice"),
            ));
        }
        fields.push((key.to_owned(), unquote(value.trim()), line_no));
    }
    Err(Error::input_line(
        path,
        1,
        "front matter opened with `---` is never closed with `---`",
    ))
}

/// A value without its quotes when it is one quoted string (`"a \"b\""`, `'it''s'`);
/// anything else as written (`'s-Hertogenbosch`, `"a" and "b"`).
fn unquote(value: &str) -> String {
    let quoted = |q: char| value.len() >= 2 && value.starts_with(q) && value.ends_with(q);
    let inner = || value[1..value.len() - 1].chars().peekable();
    let mut out = String::with_capacity(value.len());
    if quoted('"') {
        let mut chars = inner();
        while let Some(c) = chars.next() {
            match c {
                '\\' if matches!(chars.peek(), Some('"' | '\\')) => out.extend(chars.next()),
                '"' => return value.to_owned(),
                c => out.push(c),
            }
        }
    } else if quoted('\'') {
        let mut chars = inner();
        while let Some(c) = chars.next() {
            match c {
                '\'' if chars.peek() == Some(&'\'') => out.extend(chars.next()),
                '\'' => return value.to_owned(),
                c => out.push(c),
            }
        }
    } else {
        out.push_str(value);
    }
    out
}

/// When `text` opens with a `---` line followed by speaker turns rather than `key: value`
/// lines (a Markdown separator above the first exchange), the first label of those turns: a
/// capitalised label, not a structural key, that is a role label (`I`, `R`, `Q`, `A`,
/// `Interviewer`, ...) or that starts a turn after the block.
fn speaker_after_separator(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let close = lines
        .iter()
        .skip(1)
        .position(|l| matches!(l.trim(), "---" | "..."))
        .map_or(lines.len(), |i| i + 1);
    let after: Vec<String> = lines[close.min(lines.len())..]
        .iter()
        .filter_map(|l| parse_label(l).map(|label| label.speaker))
        .collect();
    lines[1..close].iter().find_map(|line| {
        let label = parse_label(line)?.speaker;
        let speaks = label.starts_with(char::is_uppercase)
            && !STRUCTURAL_KEYS.contains(&label.to_lowercase().as_str())
            && (is_role_label(&label) || after.contains(&label));
        speaks.then_some(label)
    })
}

/// How far into the body an Otter.ai export header may reach (title, date, keywords,
/// speakers).
const OTTER_HEADER_LINES: usize = 30;

/// The speakers an Otter.ai export lists in its header: a line `SPEAKERS` followed by the
/// names, comma-separated, on the next line that is not blank.
pub fn otter_speakers(body: &str) -> Option<Vec<String>> {
    let mut lines = body.lines().take(OTTER_HEADER_LINES);
    lines.find(|l| l.trim() == "SPEAKERS")?;
    let names: Vec<String> = lines
        .find(|l| !l.trim().is_empty())?
        .split(',')
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect();
    (!names.is_empty() && names.iter().all(|n| n.chars().count() <= 40)).then_some(names)
}

/// The turns and segments of a plain-text body.
#[derive(Debug)]
pub struct Turns {
    /// The segments, preamble first.
    pub segments: Vec<Segment>,
    /// Lines that looked like labels but were taken as text.
    pub rejected_labels: Vec<(usize, String)>,
}

/// Splits the body of `text` (from `body_start`) into turns and paragraph segments.
pub fn parse_turns(
    text: &str,
    body_start: usize,
    first_line: usize,
    rules: &SpeakerRules,
) -> Turns {
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut offset = body_start;
    for line in text[body_start..].split_inclusive('\n') {
        lines.push((offset, line.strip_suffix('\n').unwrap_or(line)));
        offset += line.len();
    }
    let candidates: Vec<(usize, Label)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, (_, line))| parse_label(line).map(|l| (i, l)))
        .collect();
    let accepted = rules.accept(&candidates);
    let mut labels: Vec<Option<&Label>> = vec![None; lines.len()];
    let mut rejected_labels = Vec::new();
    for ((line_index, label), ok) in candidates.iter().zip(accepted) {
        if ok {
            labels[*line_index] = Some(label);
        } else {
            rejected_labels.push((first_line + line_index, label.speaker.clone()));
        }
    }
    let mut builder = SegmentBuilder::new(text);
    for ((start, line), label) in lines.iter().zip(labels) {
        match label {
            Some(label) => {
                builder.start_turn(
                    &label.speaker,
                    rules.role_of(&label.speaker),
                    label.timestamp.clone(),
                );
                builder.add_text(start + label.text_start, start + line.len());
            }
            None if line.trim().is_empty() => builder.end_paragraph(),
            None => builder.add_text(*start, start + line.len()),
        }
    }
    Turns {
        segments: builder.finish(),
        rejected_labels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Role;

    #[test]
    fn front_matter_fields_and_body_offset() {
        let text = "---\nid: NL01\ncohort: \"2024-wave1\"\n---\nI: Hallo\n";
        let fm = parse_front_matter(Path::new("a.txt"), text).unwrap();
        assert_eq!(fm.get("id"), Some("NL01"));
        assert_eq!(
            fm.attributes().get("cohort").map(String::as_str),
            Some("2024-wave1")
        );
        assert!(!fm.attributes().contains_key("id"));
        assert_eq!(&text[fm.body_start..], "I: Hallo\n");
        assert_eq!(fm.body_line, 5);
    }

    #[test]
    fn only_a_quoted_string_loses_its_quotes() {
        let cases = [
            ("'s-Hertogenbosch", "'s-Hertogenbosch"),
            ("\"quoted\" text \"here\"", "\"quoted\" text \"here\""),
            ("'a' or 'b'", "'a' or 'b'"),
            ("5'", "5'"),
            ("'", "'"),
            ("it's", "it's"),
            ("\"2024-wave1\"", "2024-wave1"),
            ("'2024-wave1'", "2024-wave1"),
            ("'it''s'", "it's"),
            ("\"say \\\"hi\\\"\"", "say \"hi\""),
            ("\"\"", ""),
        ];
        for (written, read) in cases {
            let text = format!("---\nvalue: {written}\n---\nI: Hallo\n");
            let fm = parse_front_matter(Path::new("a.txt"), &text).unwrap();
            assert_eq!(fm.get("value"), Some(read), "{written}");
        }
    }

    #[test]
    fn keys_that_differ_only_in_case_are_one_key_in_any_script() {
        for (a, b) in [
            ("Région", "RÉGION"),
            ("cohort", "COHORT"),
            ("Ärger", "ärger"),
        ] {
            let text = format!("---\n{a}: x\n{b}: y\n---\nI: Hallo\n");
            let err = parse_front_matter(Path::new("a.txt"), &text).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("a.txt:3: front matter key `{b}` appears twice"),
            );
        }
        let text = "---\nRégion: Noord\n---\nI: Hallo\n";
        let fm = parse_front_matter(Path::new("a.txt"), text).unwrap();
        assert_eq!(fm.get("RÉGION"), Some("Noord"));
        assert_eq!(
            fm.attributes().get("région").map(String::as_str),
            Some("Noord")
        );
    }

    #[test]
    fn an_empty_value_sets_nothing() {
        let text = "---\ncohort:\nregion: ''\nspeakers:\nage: 40\n---\nI: Hallo\n";
        let fm = parse_front_matter(Path::new("a.txt"), text).unwrap();
        let attributes = fm.attributes();
        assert_eq!(attributes.keys().collect::<Vec<_>>(), ["age"]);
        assert_eq!(fm.list("speakers"), None);
    }

    #[test]
    fn a_separator_line_before_speaker_turns_is_not_front_matter() {
        for text in [
            "---\nI: Hoe gaat het?\nR: Goed.\n---\nI: En verder?\nR: Ook goed.\n",
            "---\nInterviewer: Hoe gaat het?\nMaria: Goed.\n---\nInterviewer: En?\nMaria: Prima.\n",
            "---\nQ: How are you?\nA: Fine.\n---\n",
        ] {
            let fm = parse_front_matter(Path::new("a.md"), text).unwrap();
            assert!(fm.fields.is_empty(), "{text:?}: {:?}", fm.fields);
            assert_eq!((fm.body_start, fm.body_line), (0, 1), "{text:?}");
            let turns = parse_turns(text, fm.body_start, fm.body_line, &SpeakerRules::default());
            let first = turns
                .segments
                .iter()
                .find(|s| s.role != Role::Preamble)
                .unwrap();
            assert_eq!(first.turn, 1, "{text:?}");
            assert!(
                text.lines().nth(1).unwrap().ends_with(&first.text),
                "{text:?}"
            );
        }
        // Real front matter with capitalised keys and an interviewer stays front matter.
        let text = "---\nCohort: 2024\ninterviewer: Anna\nrespondent: P04\n---\nAnna: Hoe gaat het?\nP04: Goed.\n";
        let fm = parse_front_matter(Path::new("a.md"), text).unwrap();
        assert_eq!(fm.fields.len(), 3);
    }

    #[test]
    fn unclosed_or_malformed_front_matter_names_the_line() {
        let err =
            parse_front_matter(Path::new("a.txt"), "---\nid: x\nno colon here\n---\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.txt:3: front matter line is not `key: value`: \"no colon here\""
        );
        let err = parse_front_matter(Path::new("a.txt"), "---\nid: x\n").unwrap_err();
        assert!(err.to_string().contains("never closed"));
    }

    #[test]
    fn turns_paragraphs_preamble_and_offsets() {
        let text = "Interview 7\n\nI: Hoe ging het?\nR: Eerst slecht.\nNou: toen belde de gemeente.\n\nDaarna ging het beter.\nI: En toen?\nR: Één ding nog.\n";
        let turns = parse_turns(text, 0, 1, &SpeakerRules::default());
        let segs = &turns.segments;
        let summary: Vec<_> = segs
            .iter()
            .map(|s| (s.turn, s.paragraph, s.role, s.text.as_str()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (0, 1, Role::Preamble, "Interview 7"),
                (1, 1, Role::Interviewer, "Hoe ging het?"),
                (
                    2,
                    1,
                    Role::Respondent,
                    "Eerst slecht.\nNou: toen belde de gemeente."
                ),
                (2, 2, Role::Respondent, "Daarna ging het beter."),
                (3, 1, Role::Interviewer, "En toen?"),
                (4, 1, Role::Respondent, "Één ding nog."),
            ]
        );
        let chars: Vec<char> = text.chars().collect();
        for s in segs {
            assert_eq!(chars[s.start..s.end].iter().collect::<String>(), s.text);
        }
        assert!(turns.rejected_labels.is_empty());
    }

    #[test]
    fn otter_header_lists_the_speakers() {
        let body = "Interview 4\nMon, Mar 04, 2024 10:02AM • 41:13\n\nSUMMARY KEYWORDS\nletter, council\n\nSPEAKERS\nSara Jansen, Pieter de Vries\n\nPieter de Vries  0:02\nHoe?\n";
        assert_eq!(
            otter_speakers(body),
            Some(vec!["Sara Jansen".into(), "Pieter de Vries".into()])
        );
        assert_eq!(otter_speakers("I: Hoe?\nR: Zo.\n"), None);
    }

    #[test]
    fn otter_layout_puts_text_after_the_name_line() {
        let text = "Interviewer  0:02\nHoe was het?\n\nSara Jansen  0:05\nIk schrok.\nEcht.\n\nInterviewer  0:09\nWaarom?\n\nSara Jansen  0:12\nDaarom.\n";
        let segs = parse_turns(text, 0, 1, &SpeakerRules::default()).segments;
        assert_eq!(segs[1].speaker, "Sara Jansen");
        assert_eq!(segs[1].timestamp.as_deref(), Some("0:05"));
        assert_eq!(segs[1].text, "Ik schrok.\nEcht.");
        assert_eq!(segs.len(), 4);
    }
}

//! The text of an input file as it stands in the file, the parts of it that are layout
//! (never touched) and the way back to bytes in the same encoding.
//!
//! Text formats (plain text, Markdown, WebVTT, SubRip, CSV, TSV) are read without any
//! normalisation, so that every byte outside a replacement is written back unchanged.
//! Word and OpenDocument files become their plain text (with the document properties as
//! front matter) and JSON Lines become CSV: thema cannot rewrite those formats in place.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::corpus::{Document, Format};
use crate::ingest::{decode, docx};
use crate::{Error, Result};

/// How a text is laid out, for the parts that are never read for names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Plain text or Markdown (front matter included).
    Text,
    /// WebVTT: header, cue ids, timings and markup are layout.
    Vtt,
    /// SubRip: cue numbers, timings and markup are layout.
    Srt,
    /// A delimited table: the header row is layout and a cell start is a sentence start.
    Table,
}

/// An input file read for pseudonymisation.
#[derive(Debug, Clone)]
pub struct Source {
    /// The input file.
    pub input: PathBuf,
    /// Where its pseudonymised copy goes, relative to the output folder.
    pub output: PathBuf,
    /// Its text as in the file (or the plain-text or CSV equivalent).
    pub text: String,
    /// The encoding to write it back in (see [`decode::encode_raw`]).
    pub encoding: &'static str,
    /// Its layout.
    pub layout: Layout,
    /// What it is written as when not in its own format (`plain text`, `CSV`).
    pub converted: Option<&'static str>,
    /// The language of its (first) document.
    pub language: String,
    /// Its speaker labels, in order of first appearance.
    pub speakers: Vec<String>,
}

/// The output file name of an input of `format`: Word and OpenDocument files become
/// `.txt`, JSON Lines `.csv`, everything else keeps its name.
pub fn output_name(relative: &Path, format: Format) -> PathBuf {
    match format {
        Format::Docx | Format::Odt => relative.with_extension("txt"),
        Format::JsonLines => relative.with_extension("csv"),
        _ => relative.to_owned(),
    }
}

impl Source {
    /// Reads `input`, which ingest read into `documents` (one, or several for a table).
    pub fn read(input: &Path, output: PathBuf, documents: &[&Document]) -> Result<Source> {
        let first = documents
            .first()
            .ok_or_else(|| Error::input(input, "no documents"))?;
        let bytes = std::fs::read(input).map_err(|e| Error::input(input, e.to_string()))?;
        let raw = |bytes: &[u8]| decode::decode_raw(bytes).map_err(|m| Error::input(input, m));
        let (text, encoding, layout, converted) = match first.format {
            Format::PlainText => {
                let r = raw(&bytes)?;
                (r.text, r.encoding, Layout::Text, None)
            }
            Format::WebVtt => {
                let r = raw(&bytes)?;
                (r.text, r.encoding, Layout::Vtt, None)
            }
            Format::Srt => {
                let r = raw(&bytes)?;
                (r.text, r.encoding, Layout::Srt, None)
            }
            Format::Csv | Format::Tsv => {
                let r = raw(&bytes)?;
                (r.text, r.encoding, Layout::Table, None)
            }
            Format::Docx | Format::Odt => {
                let extracted = if first.format == Format::Docx {
                    docx::read_docx(&bytes)
                } else {
                    docx::read_odt(&bytes)
                }
                .map_err(|m| Error::input(input, m))?;
                let body = decode::normalise(&extracted.text);
                let mut text = String::new();
                if !extracted.properties.is_empty() && !body.starts_with("---") {
                    text.push_str("---\n");
                    for (key, value) in &extracted.properties {
                        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
                        text.push_str(&format!("{key}: {value}\n"));
                    }
                    text.push_str("---\n");
                }
                text.push_str(&body);
                (text, "UTF-8", Layout::Text, Some("plain text"))
            }
            Format::JsonLines => {
                let r = decode::decode(&bytes).map_err(|m| Error::input(input, m))?;
                (
                    json_lines_to_csv(input, &r.text)?,
                    "UTF-8",
                    Layout::Table,
                    Some("CSV"),
                )
            }
        };
        let mut speakers: Vec<String> = Vec::new();
        for doc in documents {
            for (speaker, _, _) in doc.speakers() {
                if !speakers.contains(&speaker) {
                    speakers.push(speaker);
                }
            }
        }
        Ok(Source {
            input: input.to_owned(),
            output,
            text,
            encoding,
            layout,
            converted,
            language: first.language.clone(),
            speakers,
        })
    }

    /// The byte ranges of layout, which are never read for names or numbers.
    pub fn layout_ranges(&self) -> Vec<Range<usize>> {
        let lines = lines_of(&self.text);
        match self.layout {
            Layout::Text => Vec::new(),
            Layout::Table => lines.first().map(|l| vec![l.clone()]).unwrap_or_default(),
            Layout::Vtt | Layout::Srt => self.cue_layout(&lines),
        }
    }

    /// Subtitle layout: the WebVTT header, `STYLE` and `REGION` blocks, cue ids and
    /// numbers, timing lines, and the markup inside cue text.
    fn cue_layout(&self, lines: &[Range<usize>]) -> Vec<Range<usize>> {
        let text = &self.text;
        let blank = |r: &Range<usize>| text[r.clone()].trim().is_empty();
        let mut out = Vec::new();
        let mut i = 0;
        if self.layout == Layout::Vtt {
            while i < lines.len() && blank(&lines[i]) {
                i += 1;
            }
            while i < lines.len() && !blank(&lines[i]) {
                out.push(lines[i].clone());
                i += 1;
            }
        }
        while i < lines.len() {
            if blank(&lines[i]) {
                i += 1;
                continue;
            }
            let block_start = i;
            while i < lines.len() && !blank(&lines[i]) {
                i += 1;
            }
            let block = &lines[block_start..i];
            let first = text[block[0].clone()].trim_start();
            if first.starts_with("STYLE") || first.starts_with("REGION") {
                out.extend(block.iter().cloned());
                continue;
            }
            let timing = block.iter().position(|l| text[l.clone()].contains("-->"));
            let text_from = match timing {
                Some(t) => {
                    out.extend(block[..=t].iter().cloned());
                    t + 1
                }
                None => 0,
            };
            for line in &block[text_from..] {
                out.extend(markup(text, line.clone()));
            }
        }
        out
    }

    /// The pseudonymised text as bytes in the input's encoding.
    pub fn encode(&self, text: &str, path: &Path) -> Result<Vec<u8>> {
        decode::encode_raw(text, self.encoding).ok_or_else(|| Error::Output {
            path: path.to_owned(),
            message: format!("a replacement has a character that {} lacks", self.encoding),
        })
    }
}

/// The byte ranges of the lines of `text`, line ends (`\n`, `\r\n`) excluded.
pub fn lines_of(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.trim_end_matches(['\n', '\r']).len();
        out.push(start..end);
        start += line.len();
    }
    out
}

/// The markup of a cue-text line: tags (`<c.yellow>`, `<00:00:01.000>`, `</v>`), the `<v`
/// and classes of a voice tag but not its name, `{\an8}` and character references.
fn markup(text: &str, line: Range<usize>) -> Vec<Range<usize>> {
    let s = &text[line.clone()];
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let open = rest.chars().next().unwrap_or(' ');
        let close = match open {
            '<' => '>',
            '{' => '}',
            '&' => ';',
            _ => {
                i += open.len_utf8();
                continue;
            }
        };
        let Some(end) = rest.find(close) else {
            i += 1;
            continue;
        };
        let inner = &rest[1..end];
        let entity_ok = open != '&'
            || (end <= 10 && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '#'));
        if !entity_ok {
            i += 1;
            continue;
        }
        let at = line.start + i;
        if open == '<'
            && let Some(voice) = inner.strip_prefix('v')
            && (voice.starts_with('.') || voice.starts_with(char::is_whitespace))
        {
            let classes = voice.find(char::is_whitespace).unwrap_or(voice.len());
            out.push(at..at + 2 + classes);
            out.push(at + end..at + end + 1);
        } else {
            out.push(at..at + end + 1);
        }
        i += end + 1;
    }
    out
}

/// JSON Lines as CSV: one column per key (sorted), strings as they are, other values as
/// JSON.
fn json_lines_to_csv(path: &Path, text: &str) -> Result<String> {
    let mut rows: Vec<serde_json::Map<String, serde_json::Value>> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| Error::input_line(path, index + 1, e.to_string()))?;
        match value {
            serde_json::Value::Object(map) => rows.push(map),
            _ => {
                return Err(Error::input_line(
                    path,
                    index + 1,
                    "a JSON Lines row must be an object",
                ));
            }
        }
    }
    let mut columns: Vec<String> = rows.iter().flat_map(|r| r.keys().cloned()).collect();
    columns.sort();
    columns.dedup();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| Error::input(path, e.to_string());
    writer.write_record(&columns).map_err(fail)?;
    for row in &rows {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| match row.get(c) {
                None | Some(serde_json::Value::Null) => String::new(),
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
            })
            .collect();
        writer.write_record(&cells).map_err(fail)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::input(path, e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::input(path, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str, layout: Layout) -> Source {
        Source {
            input: PathBuf::from("x"),
            output: PathBuf::from("x"),
            text: text.to_owned(),
            encoding: "UTF-8",
            layout,
            converted: None,
            language: "nl".into(),
            speakers: Vec::new(),
        }
    }

    fn layout_text(text: &str, layout: Layout) -> Vec<String> {
        source(text, layout)
            .layout_ranges()
            .into_iter()
            .map(|r| text[r].to_owned())
            .collect()
    }

    #[test]
    fn vtt_layout_is_header_ids_timings_and_markup_but_not_voice_names() {
        let text = "WEBVTT\r\nKind: captions\r\n\r\nab-12\r\n00:01.000 --> 00:02.000 align:left\r\n<v.loud Mary Jones>Hoi &amp; <i>dag</i></v>\r\n\r\nSTYLE\r\n::cue { color: red }\r\n";
        assert_eq!(
            layout_text(text, Layout::Vtt),
            vec![
                "WEBVTT",
                "Kind: captions",
                "ab-12",
                "00:01.000 --> 00:02.000 align:left",
                "<v.loud",
                ">",
                "&amp;",
                "<i>",
                "</i>",
                "</v>",
                "STYLE",
                "::cue { color: red }",
            ]
        );
    }

    #[test]
    fn srt_layout_is_numbers_timings_and_tags() {
        let text = "1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<i>Dev: Hoi</i>\n\n2\n00:00:03,000 --> 00:00:04,000\nJa.\n";
        assert_eq!(
            layout_text(text, Layout::Srt),
            vec![
                "1",
                "00:00:01,000 --> 00:00:02,000",
                "{\\an8}",
                "<i>",
                "</i>",
                "2",
                "00:00:03,000 --> 00:00:04,000",
            ]
        );
    }

    #[test]
    fn json_lines_become_csv_with_sorted_columns() {
        let csv = json_lines_to_csv(
            Path::new("t.jsonl"),
            "{\"speaker\":\"Kees\",\"text\":\"Ja, \\\"zeker\\\"\",\"n\":1}\n\n{\"speaker\":null,\"text\":\"Nee\"}\n",
        )
        .unwrap();
        assert_eq!(csv, "n,speaker,text\n1,Kees,\"Ja, \"\"zeker\"\"\"\n,,Nee\n");
        let err = json_lines_to_csv(Path::new("t.jsonl"), "[1]\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.jsonl:1: a JSON Lines row must be an object"
        );
    }
}

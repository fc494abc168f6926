//! Tables of turns: CSV, TSV or JSON Lines with one row per turn (or per survey answer).
//! Columns are mapped by name; columns that are constant within a document become its
//! attributes.

use std::collections::BTreeMap;
use std::path::Path;

use super::cues::{Cue, CueMerge, assemble};
use super::turns::SpeakerRules;
use crate::corpus::{Document, Format};
use crate::{Error, Result};

/// Which columns hold what; `None` means the default names.
#[derive(Debug, Clone, Default)]
pub struct TableColumns {
    /// The text column (default `text`).
    pub text: Option<String>,
    /// The speaker column (default `speaker`).
    pub speaker: Option<String>,
    /// The document column (default `document` or `interview`).
    pub document: Option<String>,
    /// The time column (default `timestamp` or `start`).
    pub time: Option<String>,
}

/// Headers (trimmed, lowercased) and rows with their 1-based line numbers.
pub type CsvContent = (Vec<String>, Vec<(usize, Vec<String>)>);

/// Reads delimited text with a header row; errors name the file and line.
pub fn read_csv(path: &Path, text: &str, delimiter: u8) -> Result<CsvContent> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::input_line(path, 1, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            Error::input_line(
                path,
                e.position().map_or(0, |p| p.line() as usize),
                e.to_string(),
            )
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        rows.push((line, record.iter().map(str::to_owned).collect()));
    }
    Ok((headers, rows))
}

/// A table read into rows of named string values.
struct Rows {
    headers: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

/// The kinds of table file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// Comma-separated.
    Csv,
    /// Tab-separated.
    Tsv,
    /// One JSON object per line.
    JsonLines,
}

impl TableKind {
    fn format(self) -> Format {
        match self {
            TableKind::Csv => Format::Csv,
            TableKind::Tsv => Format::Tsv,
            TableKind::JsonLines => Format::JsonLines,
        }
    }
}

fn read_rows(path: &Path, text: &str, kind: TableKind) -> Result<Rows> {
    match kind {
        TableKind::Csv | TableKind::Tsv => {
            let (headers, rows) = read_csv(
                path,
                text,
                if kind == TableKind::Tsv { b'\t' } else { b',' },
            )?;
            Ok(Rows { headers, rows })
        }
        TableKind::JsonLines => {
            let mut headers: Vec<String> = Vec::new();
            let mut objects = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let value: serde_json::Value = serde_json::from_str(line).map_err(|e| {
                    Error::input_line(path, i + 1, format!("not a JSON object: {e}"))
                })?;
                let serde_json::Value::Object(map) = value else {
                    return Err(Error::input_line(
                        path,
                        i + 1,
                        "each line must be a JSON object",
                    ));
                };
                for key in map.keys() {
                    let key = key.trim().to_lowercase();
                    if !headers.contains(&key) {
                        headers.push(key);
                    }
                }
                objects.push((i + 1, map));
            }
            let rows = objects
                .into_iter()
                .map(|(line, map)| {
                    let lowered: BTreeMap<String, String> = map
                        .into_iter()
                        .map(|(k, v)| {
                            let value = match v {
                                serde_json::Value::String(s) => s,
                                serde_json::Value::Null => String::new(),
                                other => other.to_string(),
                            };
                            (k.trim().to_lowercase(), value)
                        })
                        .collect();
                    (
                        line,
                        headers
                            .iter()
                            .map(|h| lowered.get(h).cloned().unwrap_or_default())
                            .collect(),
                    )
                })
                .collect();
            Ok(Rows { headers, rows })
        }
    }
}

/// The header of a table (names trimmed and lowercased): the first row of a CSV or TSV, the
/// keys of the first object of JSON Lines; empty when it cannot be read.
pub fn header(text: &str, kind: TableKind) -> Vec<String> {
    let names: Vec<String> = match kind {
        TableKind::Csv | TableKind::Tsv => csv::ReaderBuilder::new()
            .delimiter(if kind == TableKind::Tsv { b'\t' } else { b',' })
            .from_reader(text.as_bytes())
            .headers()
            .map(|h| h.iter().map(str::to_owned).collect())
            .unwrap_or_default(),
        TableKind::JsonLines => text
            .lines()
            .find(|l| !l.trim().is_empty())
            .and_then(|l| {
                serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(l).ok()
            })
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default(),
    };
    names.iter().map(|h| h.trim().to_lowercase()).collect()
}

/// Whether a table has the text column: tables without one (attribute tables, codings) are
/// not transcripts.
pub fn has_text_column(header: &[String], columns: &TableColumns) -> bool {
    let wanted = columns.text.as_deref().unwrap_or("text").to_lowercase();
    header.contains(&wanted)
}

/// Reads a table of turns into documents (one per value of the document column, in order of
/// first appearance; the whole file is one document named after it when there is no such
/// column).
pub fn read_table(
    path: &Path,
    text: &str,
    encoding: &'static str,
    kind: TableKind,
    columns: &TableColumns,
    rules: &SpeakerRules,
) -> Result<Vec<Document>> {
    let table = read_rows(path, text, kind)?;
    let find = |given: &Option<String>, defaults: &[&str]| -> Result<Option<usize>> {
        match given {
            Some(name) => table
                .headers
                .iter()
                .position(|h| *h == name.to_lowercase())
                .map(Some)
                .ok_or_else(|| {
                    Error::input_line(
                        path,
                        1,
                        format!("no column `{name}` (columns: {})", table.headers.join(", ")),
                    )
                }),
            None => Ok(defaults
                .iter()
                .find_map(|d| table.headers.iter().position(|h| h == d))),
        }
    };
    let text_col = find(&columns.text, &["text"])?.ok_or_else(|| {
        Error::input_line(
            path,
            1,
            format!(
                "no `text` column (columns: {}); name it with --text-col",
                table.headers.join(", ")
            ),
        )
    })?;
    let speaker_col = find(&columns.speaker, &["speaker"])?;
    let document_col = find(&columns.document, &["document", "interview"])?;
    let time_col = find(&columns.time, &["timestamp", "start"])?;
    let structural = [Some(text_col), speaker_col, document_col, time_col];
    let stem = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let mut order: Vec<String> = Vec::new();
    let mut by_document: BTreeMap<String, Vec<&(usize, Vec<String>)>> = BTreeMap::new();
    for row in &table.rows {
        let id = document_col.map_or_else(|| stem.clone(), |c| row.1[c].trim().to_owned());
        if id.is_empty() {
            return Err(Error::input_line(path, row.0, "empty document id"));
        }
        if !by_document.contains_key(&id) {
            order.push(id.clone());
        }
        by_document.entry(id).or_default().push(row);
    }
    let mut documents = Vec::with_capacity(order.len());
    for id in order {
        let rows = &by_document[&id];
        let mut warnings = Vec::new();
        let mut attributes = BTreeMap::new();
        for (c, name) in table.headers.iter().enumerate() {
            if structural.contains(&Some(c)) {
                continue;
            }
            let first = rows[0].1[c].trim();
            if rows.iter().all(|r| r.1[c].trim() == first) {
                if first.is_empty() {
                } else if crate::columns::is_reserved(name) {
                    warnings.push(format!(
                        "column `{name}` has the name of a column of thema's outputs: not used as an attribute"
                    ));
                } else {
                    attributes.insert(name.clone(), first.to_owned());
                }
            } else {
                warnings.push(format!(
                    "column `{name}` varies within the document: not used as an attribute"
                ));
            }
        }
        let cues: Vec<Cue> = rows
            .iter()
            .map(|(line, values)| Cue {
                speaker: speaker_col
                    .map(|c| values[c].trim().to_owned())
                    .filter(|s| !s.is_empty()),
                start: time_col
                    .map(|c| values[c].trim().to_owned())
                    .filter(|s| !s.is_empty()),
                end: None,
                text: super::decode::normalise(&values[text_col]),
                line: *line,
            })
            .collect();
        let empty_rows = cues.iter().filter(|c| c.text.trim().is_empty()).count();
        if empty_rows > 0 {
            warnings.push(format!("{empty_rows} rows with empty text"));
        }
        let (doc_text, segments) = assemble(&cues, rules, CueMerge::Cue);
        let language = attributes.get("language").cloned().unwrap_or_else(|| {
            crate::text::guess_language(cues.iter().map(|c| c.text.as_str()))
                .unwrap_or("nl")
                .to_owned()
        });
        documents.push(Document {
            id,
            path: path.to_owned(),
            format: kind.format(),
            encoding,
            text: doc_text,
            attributes,
            segments,
            language,
            warnings,
        });
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Role;

    fn read(text: &str, kind: TableKind, columns: &TableColumns) -> Vec<Document> {
        read_table(
            Path::new("t.csv"),
            text,
            "UTF-8",
            kind,
            columns,
            &SpeakerRules::default(),
        )
        .unwrap()
    }

    #[test]
    fn rows_become_turns_and_constant_columns_attributes() {
        let csv = "interview,speaker,start,text,cohort,note\nA,Interviewer,00:01,Hoe?,w1,x\nA,Ans,00:02,Ze belden.,w1,y\nA,Ans,00:03,Zomaar.,w1,y\nB,Interviewer,00:01,En u?,w2,z\n";
        let docs = read(csv, TableKind::Csv, &TableColumns::default());
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].id, "A");
        assert_eq!(
            docs[0].attributes.get("cohort").map(String::as_str),
            Some("w1")
        );
        assert!(!docs[0].attributes.contains_key("note"));
        assert!(docs[0].warnings[0].contains("`note` varies"));
        let segs = &docs[0].segments;
        assert_eq!(segs.len(), 3);
        assert_eq!(
            (segs[1].turn, segs[1].paragraph, segs[1].role),
            (2, 1, Role::Respondent)
        );
        assert_eq!((segs[2].turn, segs[2].paragraph), (2, 2));
        assert_eq!(segs[2].timestamp.as_deref(), Some("00:03"));
    }

    #[test]
    fn survey_answers_one_document_per_respondent() {
        let tsv = "respondent\tanswer\tage\nr1\tIk kreeg een brief.\t30\nr2\tNiemand belde.\t41\n";
        let columns = TableColumns {
            text: Some("answer".into()),
            document: Some("respondent".into()),
            ..TableColumns::default()
        };
        let docs = read(tsv, TableKind::Tsv, &columns);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].segments[0].text, "Niemand belde.");
        assert_eq!(docs[1].segments[0].role, Role::Respondent);
        assert_eq!(
            docs[1].attributes.get("age").map(String::as_str),
            Some("41")
        );
    }

    #[test]
    fn json_lines_and_errors_with_line_numbers() {
        let jsonl = "{\"speaker\":\"R\",\"text\":\"Eén\"}\n\n{\"speaker\":\"I\",\"text\":\"Twee\",\"n\":3}\n";
        let docs = read(jsonl, TableKind::JsonLines, &TableColumns::default());
        assert_eq!(docs[0].segments.len(), 2);
        let err = read_table(
            Path::new("t.jsonl"),
            "{\"text\":1}\n[1]\n",
            "UTF-8",
            TableKind::JsonLines,
            &TableColumns::default(),
            &SpeakerRules::default(),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(err, "t.jsonl:2: each line must be a JSON object");
        let err = read_table(
            Path::new("t.csv"),
            "a,b\n1,2\n",
            "UTF-8",
            TableKind::Csv,
            &TableColumns::default(),
            &SpeakerRules::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("t.csv:1: no `text` column (columns: a, b)"),
            "{err}"
        );
    }

    #[test]
    fn every_word_of_the_text_column_ends_up_in_a_segment() {
        let csv = "document,speaker,text\nA,Interviewer,\"Hoe ging het, eh, toen?\"\nA,Ans,\"Eerst slecht.\n\nDaarna: beter! 100%\"\nA,Ans,Één ding nog\n";
        let docs = read(csv, TableKind::Csv, &TableColumns::default());
        let segments: String = docs[0]
            .segments
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let words = |t: &str| crate::text::words(t).map(|w| w.folded).collect::<Vec<_>>();
        let (_, rows) = read_csv(Path::new("t.csv"), csv, b',').unwrap();
        let source: Vec<String> = rows.iter().flat_map(|(_, r)| words(&r[2])).collect();
        assert_eq!(words(&segments), source);
    }

    #[test]
    fn detects_transcript_tables() {
        let columns = TableColumns::default();
        assert!(has_text_column(
            &header("document,text\n", TableKind::Csv),
            &columns
        ));
        assert!(has_text_column(
            &header("\"Document\",\" Text \"\n", TableKind::Csv),
            &columns
        ));
        assert!(!has_text_column(
            &header("document,cohort\n", TableKind::Csv),
            &columns
        ));
        assert!(has_text_column(
            &header("\n{\"Text\": \"a\"}\n", TableKind::JsonLines),
            &columns
        ));
    }
}

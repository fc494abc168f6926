//! A coded dataset in parts: what `thema code --format dataset` writes, so that a corpus
//! coded in pieces (in several runs, on several machines) is analysed as one without
//! re-coding.
//!
//! Layout of `DIR`: `documents/`, `attributes/`, `segments/` and `codings/`, each holding one
//! Parquet file per part (`part-00000.parquet`, ...), `runs/part-NNNNN.json` with the run
//! manifest of each part, and `dataset.json`, the index: the codebook's name and SHA-256 and
//! the parts. A part counts once the index lists it, and the index is written last and
//! atomically, so an interrupted run leaves the dataset as it was. The tables are plain
//! Parquet (attributes in long form), readable by DuckDB, Spark or pandas as
//! `DIR/segments/*.parquet`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::corpus::{Document, Format, Role, Segment};
use crate::engine::Coding;
use crate::output::{OutputFile, Table, Value};
use crate::{Error, Result};

/// The index file of a dataset.
pub const INDEX_FILE: &str = "dataset.json";

/// The tables of a part, each in its own folder.
const TABLES: [&str; 4] = ["documents", "attributes", "segments", "codings"];

/// The format version in the index.
const VERSION: u32 = 1;

/// `dataset.json`: what the dataset was coded with and which parts it holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Index {
    /// The format version.
    pub thema_dataset: u32,
    /// The codebook every part was coded with.
    pub codebook: CodebookId,
    /// The parts, in the order they were added.
    pub parts: Vec<String>,
}

/// A codebook by name and content hash.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CodebookId {
    /// The codebook's name.
    pub name: String,
    /// SHA-256 of its file (or embedded text).
    pub sha256: String,
}

/// Where the next part of a dataset goes.
#[derive(Debug)]
pub struct Plan {
    dir: PathBuf,
    index: Index,
    part: String,
    held: BTreeSet<String>,
    replaced: Vec<String>,
}

impl Plan {
    /// Plans a part in `dir`: a new dataset when there is none; with `append`, the next part
    /// of the one there (coded with the same codebook); with `force`, a new dataset in place of
    /// the one there. Anything else in the way is an error.
    pub fn new(dir: &Path, codebook: CodebookId, append: bool, force: bool) -> Result<Plan> {
        let index_path = dir.join(INDEX_FILE);
        let existing = if index_path.exists() {
            Some(read_index(dir)?)
        } else {
            None
        };
        let (index, held, replaced) = match existing {
            Some(index) if append => {
                if index.codebook.sha256 != codebook.sha256 {
                    return Err(Error::input(
                        &index_path,
                        format!(
                            "the dataset was coded with codebook `{}` (SHA-256 {}), this run uses `{}` (SHA-256 {}): parts coded with different codebooks do not add up; code into a new dataset",
                            index.codebook.name,
                            short(&index.codebook.sha256),
                            codebook.name,
                            short(&codebook.sha256)
                        ),
                    ));
                }
                let held = held_documents(dir, &index)?;
                (index, held, Vec::new())
            }
            Some(index) if force => (new_index(codebook), BTreeSet::new(), index.parts),
            Some(_) => {
                return Err(Error::Output {
                    path: index_path,
                    message: "a thema dataset is there: give --append to add this run as a part, or --force to replace the dataset".into(),
                });
            }
            None => {
                if append {
                    return Err(Error::Usage(format!(
                        "--append: {} holds no dataset ({INDEX_FILE} is missing); leave --append out to start one",
                        dir.display()
                    )));
                }
                for table in TABLES {
                    let folder = dir.join(table);
                    if folder.exists() && !force {
                        return Err(Error::Output {
                            path: folder,
                            message: format!(
                                "exists but {INDEX_FILE} does not: not a dataset thema started (give --force to write over it)"
                            ),
                        });
                    }
                }
                (new_index(codebook), BTreeSet::new(), Vec::new())
            }
        };
        let part = format!("part-{:05}", index.parts.len());
        Ok(Plan {
            dir: dir.to_owned(),
            index,
            part,
            held,
            replaced,
        })
    }

    /// The part's name, e.g. `part-00002`.
    pub fn part(&self) -> &str {
        &self.part
    }

    /// Refuses documents the dataset already holds (a document coded twice would count twice).
    pub fn refuse_held(&self, documents: &[Document]) -> Result<()> {
        let twice: Vec<&str> = documents
            .iter()
            .map(|d| d.id.as_str())
            .filter(|id| self.held.contains(*id))
            .collect();
        if twice.is_empty() {
            return Ok(());
        }
        let shown: Vec<&str> = twice.iter().take(10).copied().collect();
        Err(Error::Usage(format!(
            "{} already holds {} of these documents ({}{}): a document is coded into a dataset once; leave them out of this run",
            self.dir.display(),
            twice.len(),
            shown.join(", "),
            if twice.len() > shown.len() {
                ", ..."
            } else {
                ""
            }
        )))
    }

    /// Writes the part's tables and run manifest, then the index that lists it; returns the
    /// files written (relative to the dataset folder) with their bytes.
    pub fn write(
        self,
        documents: &[Document],
        codings: &Table,
        manifest: impl FnOnce(&[(String, Vec<u8>)]) -> Result<String>,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        let mut tables = [
            documents_frame(documents, &self.part)?,
            attributes_frame(documents)?,
            segments_frame(documents)?,
            typed_frame(codings)?,
        ];
        let mut written = Vec::new();
        for (table, frame) in TABLES.iter().zip(&mut tables) {
            let mut bytes = Vec::new();
            ParquetWriter::new(&mut bytes)
                .finish(frame)
                .map_err(|e| Error::Usage(format!("Parquet output failed: {e}")))?;
            written.push((format!("{table}/{}.parquet", self.part), bytes));
        }
        let run = manifest(&written)?;
        for (name, bytes) in &written {
            write_new(&self.dir.join(name), bytes)?;
        }
        let run_name = format!("runs/{}.json", self.part);
        write_new(&self.dir.join(&run_name), run.as_bytes())?;
        for old in self.replaced.iter().filter(|p| **p != self.part) {
            for file in part_files(&self.dir, old) {
                // A file of a replaced part that is already gone is what was wanted.
                let _ = std::fs::remove_file(file);
            }
        }
        let mut index = self.index;
        index.parts.push(self.part);
        let mut json = serde_json::to_string_pretty(&index).expect("the index serialises");
        json.push('\n');
        crate::output::write::write_atomic(&self.dir.join(INDEX_FILE), json.as_bytes())?;
        written.push((run_name, run.into_bytes()));
        Ok(written)
    }
}

/// The codings table as a frame: the offsets (and segment and turn) as integers, `score` as
/// floats, the rest as strings.
fn typed_frame(table: &Table) -> Result<DataFrame> {
    let columns = table
        .headers
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let cells = table.rows.iter().map(|r| &r[i]);
            match name.as_str() {
                "segment" | "turn" | "start" | "end" => Column::new(
                    name.as_str().into(),
                    cells
                        .map(|v| match v {
                            Value::Int(n) => *n,
                            _ => 0,
                        })
                        .collect::<Vec<i64>>(),
                ),
                "score" => Column::new(
                    name.as_str().into(),
                    cells
                        .map(|v| match v {
                            Value::Float(f, _) => Some(*f),
                            Value::Int(n) => Some(*n as f64),
                            Value::Text(_) => None,
                        })
                        .collect::<Vec<Option<f64>>>(),
                ),
                _ => Column::new(
                    name.as_str().into(),
                    cells.map(Value::render).collect::<Vec<String>>(),
                ),
            }
        })
        .collect();
    frame(columns)
}

fn new_index(codebook: CodebookId) -> Index {
    Index {
        thema_dataset: VERSION,
        codebook,
        parts: Vec::new(),
    }
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(12)]
}

/// Writes a file that the plan made sure may be written.
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::Output {
            path: parent.to_owned(),
            message: e.to_string(),
        })?;
    }
    OutputFile::check(path, true)?.write(bytes)
}

/// The files of one part.
fn part_files(dir: &Path, part: &str) -> Vec<PathBuf> {
    TABLES
        .iter()
        .map(|t| dir.join(t).join(format!("{part}.parquet")))
        .chain(std::iter::once(
            dir.join("runs").join(format!("{part}.json")),
        ))
        .collect()
}

/// Reads and checks `DIR/dataset.json`.
pub fn read_index(dir: &Path) -> Result<Index> {
    let path = dir.join(INDEX_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Error::input(
            &path,
            if e.kind() == std::io::ErrorKind::NotFound {
                "missing: not a dataset `thema code --format dataset` wrote".to_owned()
            } else {
                e.to_string()
            },
        )
    })?;
    let index: Index = serde_json::from_str(&text).map_err(|e| {
        Error::input_line(&path, e.line(), format!("not a thema dataset index: {e}"))
    })?;
    if index.thema_dataset != VERSION {
        return Err(Error::input(
            &path,
            format!(
                "dataset format {} is not the one this thema reads ({VERSION})",
                index.thema_dataset
            ),
        ));
    }
    for part in &index.parts {
        for file in part_files(dir, part) {
            if !file.exists() {
                return Err(Error::input(
                    &path,
                    format!("lists {part}, but {} is missing", file.display()),
                ));
            }
        }
    }
    Ok(index)
}

/// The ids of the documents the dataset holds.
fn held_documents(dir: &Path, index: &Index) -> Result<BTreeSet<String>> {
    let frame = scan(dir, index, "documents")?;
    Ok(strings(&frame, "document", dir)?.into_iter().collect())
}

/// A coded dataset read back: its documents in path order and their codings.
#[derive(Debug)]
pub struct Read {
    /// The documents, in the order of their source files.
    pub documents: Vec<Document>,
    /// What they were coded with, and the codings.
    pub coded: Coded,
}

/// The codings of a dataset's documents and the codebook they were coded with.
#[derive(Debug, Clone)]
pub struct Coded {
    /// The dataset folder.
    pub dir: PathBuf,
    /// The codebook of the index.
    pub codebook: CodebookId,
    /// The codings of each document, keyed by document id.
    pub codings: BTreeMap<String, Vec<Coding>>,
}

impl Coded {
    /// The codings of `documents` (each must be in the dataset), once `codebook` is shown to
    /// be the one the dataset was coded with.
    pub fn codings_of(
        &self,
        documents: &[Document],
        codebook: &crate::codebook::Codebook,
    ) -> Result<Vec<Vec<Coding>>> {
        let used = codebook_id(codebook)?;
        let coded = &self.codebook;
        if coded.sha256 != used.sha256 {
            return Err(Error::input(
                self.dir.join(INDEX_FILE),
                format!(
                    "the dataset was coded with codebook `{}` (SHA-256 {}), not with `{}` (SHA-256 {}): give the codebook it was coded with (--codebook)",
                    coded.name,
                    short(&coded.sha256),
                    used.name,
                    short(&used.sha256)
                ),
            ));
        }
        Ok(documents
            .iter()
            .map(|d| self.codings.get(&d.id).cloned().unwrap_or_default())
            .collect())
    }
}

/// The codebook's name and the SHA-256 the run manifest records for it.
pub fn codebook_id(codebook: &crate::codebook::Codebook) -> Result<CodebookId> {
    let provenance = crate::html::provenance::Provenance::collect(codebook, &[], &[], &[], false)?;
    Ok(CodebookId {
        name: codebook.name.clone(),
        sha256: provenance.codebook.sha256,
    })
}

/// Reads every part of the dataset in `dir`, scanning the Parquet files lazily with polars.
pub fn read(dir: &Path) -> Result<Read> {
    let index = read_index(dir)?;
    let docs = scan(dir, &index, "documents")?;
    let attrs = scan(dir, &index, "attributes")?;
    let segs = scan(dir, &index, "segments")?;
    let cods = scan(dir, &index, "codings")?;

    let ids = strings(&docs, "document", dir)?;
    let files = strings(&docs, "file", dir)?;
    let formats = strings(&docs, "format", dir)?;
    let encodings = strings(&docs, "encoding", dir)?;
    let languages = strings(&docs, "language", dir)?;
    let orders = ints(&docs, "order", dir)?;
    let parts = strings(&docs, "part", dir)?;
    let mut documents: BTreeMap<String, Document> = BTreeMap::new();
    let mut keys: Vec<(String, usize, String)> = Vec::new();
    for i in 0..ids.len() {
        let format = Format::from_name(&formats[i]).ok_or_else(|| {
            Error::input(
                dir,
                format!("document {}: unknown format `{}`", ids[i], formats[i]),
            )
        })?;
        let doc = Document {
            id: ids[i].clone(),
            path: dir.join("segments").join(format!("{}.parquet", parts[i])),
            format,
            encoding: known_encoding(&encodings[i]),
            text: String::new(),
            attributes: BTreeMap::new(),
            segments: Vec::new(),
            language: languages[i].clone(),
            warnings: Vec::new(),
        };
        if documents.insert(ids[i].clone(), doc).is_some() {
            return Err(Error::input(
                dir,
                format!("document {} is in two parts of the dataset", ids[i]),
            ));
        }
        keys.push((files[i].clone(), orders[i] as usize, ids[i].clone()));
    }

    let (a_doc, a_name, a_value) = (
        strings(&attrs, "document", dir)?,
        strings(&attrs, "attribute", dir)?,
        strings(&attrs, "value", dir)?,
    );
    for ((d, n), v) in a_doc.into_iter().zip(a_name).zip(a_value) {
        document_mut(&mut documents, &d, dir)?
            .attributes
            .insert(n, v);
    }

    let s_doc = strings(&segs, "document", dir)?;
    let s_int: Vec<Vec<i64>> = ["segment", "turn", "paragraph", "start", "end"]
        .iter()
        .map(|c| ints(&segs, c, dir))
        .collect::<Result<_>>()?;
    let (s_speaker, s_role, s_time, s_end_time, s_text) = (
        strings(&segs, "speaker", dir)?,
        strings(&segs, "role", dir)?,
        strings(&segs, "timestamp", dir)?,
        strings(&segs, "end_timestamp", dir)?,
        strings(&segs, "text", dir)?,
    );
    for i in 0..s_doc.len() {
        let role = match s_role[i].as_str() {
            "preamble" => Role::Preamble,
            "interviewer" => Role::Interviewer,
            "respondent" => Role::Respondent,
            other => {
                return Err(Error::input(
                    dir,
                    format!("document {}: unknown role `{other}`", s_doc[i]),
                ));
            }
        };
        let optional = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        let segment = Segment {
            index: s_int[0][i] as usize,
            turn: s_int[1][i] as usize,
            paragraph: s_int[2][i] as usize,
            speaker: s_speaker[i].clone(),
            role,
            start: s_int[3][i] as usize,
            end: s_int[4][i] as usize,
            timestamp: optional(&s_time[i]),
            end_timestamp: optional(&s_end_time[i]),
            text: s_text[i].clone(),
        };
        document_mut(&mut documents, &s_doc[i], dir)?
            .segments
            .push(segment);
    }
    for doc in documents.values_mut() {
        doc.segments.sort_by_key(|s| s.index);
        doc.text = text_of(&doc.segments);
    }

    let c_doc = strings(&cods, "document", dir)?;
    let c_int: Vec<Vec<i64>> = ["segment", "start", "end"]
        .iter()
        .map(|c| ints(&cods, c, dir))
        .collect::<Result<_>>()?;
    let (c_code, c_matched, c_rule) = (
        strings(&cods, "code", dir)?,
        strings(&cods, "matched", dir)?,
        strings(&cods, "rule", dir)?,
    );
    let mut codings: BTreeMap<String, Vec<Coding>> = documents
        .keys()
        .map(|id| (id.clone(), Vec::new()))
        .collect();
    for i in 0..c_doc.len() {
        let segments = document_mut(&mut documents, &c_doc[i], dir)?.segments.len();
        let segment = c_int[0][i] as usize;
        if segment == 0 || segment > segments {
            return Err(Error::input(
                dir,
                format!(
                    "document {}: a coding of segment {segment}, which it does not have",
                    c_doc[i]
                ),
            ));
        }
        codings
            .get_mut(&c_doc[i])
            .expect("every document has a list")
            .push(Coding {
                segment,
                start: c_int[1][i] as usize,
                end: c_int[2][i] as usize,
                code: c_code[i].clone(),
                rule: c_rule[i].clone(),
                matched: c_matched[i].clone(),
            });
    }

    keys.sort();
    let documents = keys
        .into_iter()
        .map(|(_, _, id)| documents.remove(&id).expect("every key is a document"))
        .collect();
    Ok(Read {
        documents,
        coded: Coded {
            dir: dir.to_owned(),
            codebook: index.codebook,
            codings,
        },
    })
}

/// The document text rebuilt from the segments: each segment's text at its offset, line
/// ends in between (the speaker labels are not kept), so coding offsets point where they did.
fn text_of(segments: &[Segment]) -> String {
    let mut text = String::new();
    let mut at = 0;
    for s in segments {
        while at < s.start {
            text.push('\n');
            at += 1;
        }
        if at == s.start {
            text.push_str(&s.text);
            at += s.text.chars().count();
        }
    }
    text
}

fn document_mut<'a>(
    documents: &'a mut BTreeMap<String, Document>,
    id: &str,
    dir: &Path,
) -> Result<&'a mut Document> {
    documents.get_mut(id).ok_or_else(|| {
        Error::input(
            dir,
            format!("rows of document {id}, which the documents table lacks"),
        )
    })
}

/// The encoding names thema gives, as static strings; anything else reads as `dataset`.
fn known_encoding(name: &str) -> &'static str {
    const KNOWN: [&str; 8] = [
        "UTF-8",
        "UTF-8 (BOM)",
        "UTF-8 (repaired)",
        "UTF-8 (BOM, repaired)",
        "UTF-16LE",
        "UTF-16BE",
        "windows-1252",
        "zip/XML (UTF-8)",
    ];
    KNOWN.into_iter().find(|k| *k == name).unwrap_or("dataset")
}

/// One table of every listed part, scanned lazily and collected.
fn scan(dir: &Path, index: &Index, table: &str) -> Result<DataFrame> {
    let frames = index
        .parts
        .iter()
        .map(|part| {
            let path = dir.join(table).join(format!("{part}.parquet"));
            let args = ScanArgsParquet {
                glob: false,
                ..Default::default()
            };
            LazyFrame::scan_parquet(PlRefPath::from(path.to_string_lossy().as_ref()), args)
                .map_err(|e| polars_error(&path, e))
        })
        .collect::<Result<Vec<_>>>()?;
    if frames.is_empty() {
        return Ok(DataFrame::empty());
    }
    concat(frames, UnionArgs::default())
        .and_then(LazyFrame::collect)
        .map_err(|e| polars_error(&dir.join(table), e))
}

fn polars_error(path: &Path, e: PolarsError) -> Error {
    Error::input(
        path,
        format!("cannot read the dataset's Parquet files: {e}"),
    )
}

/// A string column as owned strings (empty for nulls); an empty frame has no rows.
fn strings(frame: &DataFrame, name: &str, dir: &Path) -> Result<Vec<String>> {
    if frame.width() == 0 {
        return Ok(Vec::new());
    }
    let column = frame
        .column(name)
        .and_then(|c| c.cast(&DataType::String))
        .map_err(|e| polars_error(dir, e))?;
    let values = column.str().map_err(|e| polars_error(dir, e))?;
    Ok(values
        .iter()
        .map(|v| v.unwrap_or_default().to_owned())
        .collect())
}

/// An integer column.
fn ints(frame: &DataFrame, name: &str, dir: &Path) -> Result<Vec<i64>> {
    if frame.width() == 0 {
        return Ok(Vec::new());
    }
    let column = frame
        .column(name)
        .and_then(|c| c.cast(&DataType::Int64))
        .map_err(|e| polars_error(dir, e))?;
    let values = column.i64().map_err(|e| polars_error(dir, e))?;
    values
        .iter()
        .map(|v| v.ok_or_else(|| Error::input(dir, format!("an empty `{name}` value"))))
        .collect()
}

/// `document, file, format, encoding, language, order, part`: `order` is the document's
/// place in its run, which keeps the documents of one file in their order.
fn documents_frame(documents: &[Document], part: &str) -> Result<DataFrame> {
    let text = |f: fn(&Document) -> String| documents.iter().map(f).collect::<Vec<_>>();
    frame(vec![
        Column::new("document".into(), text(|d| d.id.clone())),
        Column::new("file".into(), text(|d| d.path.display().to_string())),
        Column::new("format".into(), text(|d| d.format.as_str().to_owned())),
        Column::new("encoding".into(), text(|d| d.encoding.to_owned())),
        Column::new("language".into(), text(|d| d.language.clone())),
        Column::new(
            "order".into(),
            (0..documents.len() as i64).collect::<Vec<_>>(),
        ),
        Column::new("part".into(), vec![part; documents.len()]),
    ])
}

/// `document, attribute, value`, one row per document attribute.
fn attributes_frame(documents: &[Document]) -> Result<DataFrame> {
    let rows: Vec<(&str, &str, &str)> = documents
        .iter()
        .flat_map(|d| {
            d.attributes
                .iter()
                .map(move |(k, v)| (d.id.as_str(), k.as_str(), v.as_str()))
        })
        .collect();
    frame(vec![
        Column::new(
            "document".into(),
            rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        ),
        Column::new(
            "attribute".into(),
            rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        ),
        Column::new("value".into(), rows.iter().map(|r| r.2).collect::<Vec<_>>()),
    ])
}

/// The segments table without the attribute columns (they are in the attributes table).
fn segments_frame(documents: &[Document]) -> Result<DataFrame> {
    let segments: Vec<(&Document, &Segment)> = documents
        .iter()
        .flat_map(|d| d.segments.iter().map(move |s| (d, s)))
        .collect();
    let int = |f: fn(&Segment) -> usize| {
        segments
            .iter()
            .map(|(_, s)| f(s) as i64)
            .collect::<Vec<_>>()
    };
    let text = |f: fn(&Segment) -> &str| segments.iter().map(|(_, s)| f(s)).collect::<Vec<_>>();
    frame(vec![
        Column::new(
            "document".into(),
            segments
                .iter()
                .map(|(d, _)| d.id.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new("segment".into(), int(|s| s.index)),
        Column::new("turn".into(), int(|s| s.turn)),
        Column::new("paragraph".into(), int(|s| s.paragraph)),
        Column::new("speaker".into(), text(|s| &s.speaker)),
        Column::new("role".into(), text(|s| s.role.as_str())),
        Column::new("start".into(), int(|s| s.start)),
        Column::new("end".into(), int(|s| s.end)),
        Column::new(
            "timestamp".into(),
            text(|s| s.timestamp.as_deref().unwrap_or("")),
        ),
        Column::new(
            "end_timestamp".into(),
            text(|s| s.end_timestamp.as_deref().unwrap_or("")),
        ),
        Column::new("text".into(), text(|s| &s.text)),
    ])
}

fn frame(columns: Vec<Column>) -> Result<DataFrame> {
    let height = columns.first().map_or(0, Column::len);
    DataFrame::new(height, columns).map_err(|e| Error::Usage(format!("Parquet output failed: {e}")))
}

//! The run manifest `thema code` writes beside its tables (`thema-run.json`): thema's
//! version, the codebook (name, version, file or "embedded", SHA-256), every input file with
//! its hash, the options, the tables written with their hashes and the documents coded.
//!
//! It is the record of which documents a `codings.csv` covers: a document the rules found
//! nothing in has no row there but was coded all the same, and `agree` and `evaluate` need
//! to count it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::codebook::{Codebook, DEFAULT_NAME};
use crate::corpus::{Document, Role};
use crate::html::provenance::{FileHash, Provenance, sha256};
use crate::{Error, Result};

/// The manifest's file name, beside `segments.csv` and `codings.csv`.
pub const MANIFEST_FILE: &str = "thema-run.json";

/// What one `thema code` run was made from and what it wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// thema's version.
    pub thema: String,
    /// The codebook used.
    pub codebook: CodebookRecord,
    /// Transcripts, attribute tables and the study file, sorted by path.
    pub inputs: Vec<FileHash>,
    /// The options that shape reading and coding.
    pub options: RunOptions,
    /// The tables written, by file name (in the manifest's folder).
    pub outputs: Vec<FileHash>,
    /// Every document coded, in corpus order.
    pub documents: Vec<DocumentRecord>,
    /// Files skipped with `--keep-going`, with the reason.
    pub skipped: Vec<String>,
    /// With `--llm`: the model that coded, how it was asked and what it gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub llm: Option<LlmRecord>,
}

/// The language model of a `thema code --llm` run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LlmRecord {
    /// The server's base URL.
    pub url: String,
    /// The model name.
    pub model: String,
    /// Sampling temperature.
    pub temperature: f64,
    /// Sampling seed.
    pub seed: u64,
    /// How JSON was asked for (`json-schema`, `json-object`, `none`).
    pub response_format: String,
    /// The answer cache folder.
    pub cache: String,
    /// The rules' codings are in the tables too (coder `auto`, beside `llm`).
    pub with_rules: bool,
    /// Turns sent.
    pub units: usize,
    /// Suggestions in the answers.
    pub suggestions: usize,
    /// Suggestions kept as codings.
    pub accepted: usize,
    /// Suggestions or answers dropped, per reason.
    pub dropped: std::collections::BTreeMap<String, usize>,
}

/// The codebook of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodebookRecord {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its file, or `embedded` for the default codebook built into thema.
    pub source: String,
    /// SHA-256 of its TOML, lowercase hex.
    pub sha256: String,
}

/// A document the run coded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentRecord {
    /// The document id.
    pub id: String,
    /// The file it was read from.
    pub file: String,
    /// Its segments.
    pub segments: usize,
    /// Its respondent segments (what is coded).
    pub respondent_segments: usize,
    /// The codings the rules made in it (0 is a coded document with nothing found).
    pub codings: usize,
}

impl DocumentRecord {
    /// The record of `doc`, coded with `codings` codings.
    pub fn of(doc: &Document, codings: usize) -> DocumentRecord {
        DocumentRecord {
            id: doc.id.clone(),
            file: doc.path.display().to_string(),
            segments: doc.segments.len(),
            respondent_segments: doc
                .segments
                .iter()
                .filter(|s| s.role == Role::Respondent)
                .count(),
            codings,
        }
    }
}

/// The options of a run that change what is read or coded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunOptions {
    /// Attribute tables merged, in order.
    pub attributes: Vec<String>,
    /// Interviewer labels on top of the defaults.
    pub interviewer: Vec<String>,
    /// Declared speaker labels (empty: none declared).
    pub speakers: Vec<String>,
    /// Interviewer speech was coded too.
    pub code_interviewer: bool,
    /// Unreadable files were skipped.
    pub keep_going: bool,
    /// Column names for tables of turns, where given.
    pub text_col: Option<String>,
    /// See `text_col`.
    pub speaker_col: Option<String>,
    /// See `text_col`.
    pub document_col: Option<String>,
    /// See `text_col`.
    pub time_col: Option<String>,
    /// `csv` or `parquet`.
    pub format: String,
}

/// The codebook's file, or `embedded` for the default codebook.
pub fn codebook_source(codebook: &Codebook) -> String {
    if codebook.path == Path::new(DEFAULT_NAME) {
        "embedded".to_owned()
    } else {
        codebook.path.display().to_string()
    }
}

/// `codebook: NAME VERSION (FILE or embedded)`, the line every summary prints.
pub fn codebook_line(codebook: &Codebook) -> String {
    format!(
        "codebook: {} {} ({})",
        codebook.name,
        codebook.version,
        codebook_source(codebook)
    )
}

impl Manifest {
    /// The manifest of a run: `extra` are the attribute tables and study file read, `outputs`
    /// the tables written as (file name, bytes), `codings` the number of codings per document.
    pub fn collect(
        codebook: &Codebook,
        documents: &[Document],
        codings: &[usize],
        extra: &[PathBuf],
        options: RunOptions,
        outputs: &[(&str, &[u8])],
        skipped: &[String],
    ) -> Result<Manifest> {
        let provenance = Provenance::collect(codebook, documents, extra, &[], false)?;
        Ok(Manifest::assemble(
            codebook,
            provenance,
            documents
                .iter()
                .zip(codings)
                .map(|(d, &n)| DocumentRecord::of(d, n))
                .collect(),
            options,
            outputs
                .iter()
                .map(|(file, bytes)| FileHash::of(Path::new(file), bytes))
                .collect(),
            skipped,
        ))
    }

    /// The manifest of a run whose inputs were hashed as they were read (`provenance`) and
    /// whose outputs were hashed as they were written.
    pub fn assemble(
        codebook: &Codebook,
        provenance: Provenance,
        documents: Vec<DocumentRecord>,
        options: RunOptions,
        outputs: Vec<FileHash>,
        skipped: &[String],
    ) -> Manifest {
        Manifest {
            thema: provenance.version,
            codebook: CodebookRecord {
                name: codebook.name.clone(),
                version: codebook.version.clone(),
                source: codebook_source(codebook),
                sha256: provenance.codebook.sha256,
            },
            inputs: provenance.inputs,
            options,
            outputs,
            documents,
            skipped: skipped.to_vec(),
            llm: None,
        }
    }

    /// The manifest as pretty-printed JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).expect("the manifest serialises");
        out.push('\n');
        out
    }

    /// Reads a manifest; errors name the file.
    pub fn read(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::input(path, e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| {
            Error::input_line(path, e.line(), format!("not a thema run manifest: {e}"))
        })
    }

    /// Whether `bytes` are one of the tables this run wrote.
    pub fn wrote(&self, bytes: &[u8]) -> bool {
        let hash = sha256(bytes);
        self.outputs.iter().any(|o| o.sha256 == hash)
    }
}

//! Reading a corpus without holding it: a census of every file first (ids, speakers,
//! attributes: what the decisions about the corpus as a whole need), then the documents
//! again, read in parallel batches and handed on in input order, so that memory depends on
//! the batch, not on the corpus. A small corpus is held from the census, not read twice.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::attributes::AttributeTable;
use super::interviewer::{self, Choice, Outline};
use super::{Corpus, FileRead, IngestOptions, InputFile, TRANSCRIPT_EXTENSIONS};
use crate::corpus::Document;
use crate::html::provenance::FileHash;
use crate::{Error, Result};

/// Input bytes read per batch of the second pass: the documents in flight.
const BATCH_BYTES: u64 = 4 << 20;

/// Input bytes per batch: [`BATCH_BYTES`], or the environment's `THEMA_BATCH_BYTES` (a test
/// hook: with a tiny batch, every file is a batch of its own and no corpus is held).
pub fn batch_bytes() -> u64 {
    std::env::var("THEMA_BATCH_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(BATCH_BYTES)
}

/// A document as the census saw it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The document id.
    pub id: String,
    /// The file it was read from.
    pub path: PathBuf,
    /// Its attributes (front matter and attribute tables).
    pub attributes: BTreeMap<String, String>,
}

/// One file with documents: its hash, where its documents start in the corpus order, and
/// the documents themselves when the census held them.
struct Source {
    file: InputFile,
    hash: FileHash,
    first: usize,
    ids: Vec<String>,
    held: Option<Vec<Document>>,
}

/// What the first pass learnt: the files with documents, the attribute tables, the
/// interviewers inferred, the documents `--where` selects, and the corpus's notes,
/// warnings and skipped files (its `documents` left empty).
pub struct Census {
    sources: Vec<Source>,
    tables: Vec<AttributeTable>,
    choices: Vec<Option<Choice>>,
    selected: Vec<bool>,
    entries: Vec<Entry>,
    /// Everything about the corpus but its documents.
    pub corpus: Corpus,
}

/// What the census keeps of one file.
enum Seen {
    Documents {
        hash: FileHash,
        outlines: Vec<(Outline, Entry)>,
        held: Option<Vec<Document>>,
    },
    PassedOver {
        reason: String,
        thema: bool,
    },
}

/// Reads every file once for the census. With `hold`, the documents are kept for the
/// second pass (a corpus known to be small, or one the caller holds anyway); `filters` are
/// the `--where` pairs. `progress` is told the byte size of each file read.
pub fn census(
    files: &[InputFile],
    inputs: &[PathBuf],
    options: &IngestOptions,
    filters: &[(String, String)],
    hold: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Census> {
    if files.is_empty() {
        return Err(Error::Usage(format!(
            "no transcripts (.{}) found in {}",
            TRANSCRIPT_EXTENSIONS.join(", ."),
            inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let tables = options
        .attributes
        .iter()
        .map(|path| AttributeTable::read(path))
        .collect::<Result<Vec<_>>>()?;
    let seen: Vec<Result<Seen>> = files
        .par_iter()
        .map(|file| {
            let seen = see(file, options, &tables, hold);
            progress(file.size);
            seen
        })
        .collect();
    let mut census = Census {
        sources: Vec::new(),
        tables: Vec::new(),
        choices: Vec::new(),
        selected: Vec::new(),
        entries: Vec::new(),
        corpus: Corpus::default(),
    };
    let mut outlines: Vec<Outline> = Vec::new();
    for (file, seen) in files.iter().zip(seen) {
        match seen {
            Ok(Seen::Documents {
                hash,
                outlines: seen,
                held,
            }) => {
                census.sources.push(Source {
                    file: file.clone(),
                    hash,
                    first: census.entries.len(),
                    ids: seen.iter().map(|(_, e)| e.id.clone()).collect(),
                    held,
                });
                for (outline, entry) in seen {
                    outlines.push(outline);
                    census.entries.push(entry);
                }
            }
            Ok(Seen::PassedOver { reason, thema }) => {
                let message = format!("{}: {reason}", file.path.display());
                if thema {
                    census.corpus.notes.push(format!("{message}; passed over"));
                }
                census.corpus.passed_over.push(message);
            }
            Err(e) if options.keep_going => census.corpus.skipped.push(e.to_string()),
            Err(e) => return Err(e),
        }
    }
    let mut seen_ids: HashMap<&str, &Path> = HashMap::new();
    for entry in &census.entries {
        if let Some(other) = seen_ids.insert(&entry.id, &entry.path) {
            return Err(Error::Usage(format!(
                "two documents have the id `{}`: {} and {}",
                entry.id,
                other.display(),
                entry.path.display()
            )));
        }
    }
    let known: HashSet<&str> = census.entries.iter().map(|e| e.id.as_str()).collect();
    for table in &tables {
        census.corpus.warnings.extend(table.warnings(&known));
    }
    census.corpus.warnings.extend(interviewer::unmatched_labels(
        &outlines,
        &options.speakers.interviewers,
    ));
    let (choices, notes) = interviewer::decide(&outlines);
    census.corpus.notes.extend(notes);
    census.choices = choices;
    if !filters.is_empty() {
        let attributes: Vec<&BTreeMap<String, String>> =
            census.entries.iter().map(|e| &e.attributes).collect();
        crate::analysis::check_filters(&attributes, filters)?;
    }
    census.selected = census
        .entries
        .iter()
        .map(|e| crate::analysis::passes_filters(&e.attributes, filters))
        .collect();
    census.corpus.left_out = census
        .entries
        .iter()
        .zip(&census.selected)
        .filter(|(_, selected)| !**selected)
        .map(|(e, _)| e.id.clone())
        .collect();
    census.tables = tables;
    Ok(census)
}

/// The census's read of one file.
fn see(
    file: &InputFile,
    options: &IngestOptions,
    tables: &[AttributeTable],
    hold: bool,
) -> Result<Seen> {
    let path = file.path.as_path();
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, e.to_string()))?;
    let mut documents = match super::read_bytes(file, &bytes, options)? {
        FileRead::Documents(documents) => documents,
        FileRead::PassedOver { reason, thema } => return Ok(Seen::PassedOver { reason, thema }),
    };
    for doc in &mut documents {
        prepare(doc, tables)?;
    }
    let outlines = documents
        .iter()
        .map(|doc| {
            (
                interviewer::outline(doc),
                Entry {
                    id: doc.id.clone(),
                    path: doc.path.clone(),
                    attributes: doc.attributes.clone(),
                },
            )
        })
        .collect();
    Ok(Seen::Documents {
        hash: FileHash::of(path, &bytes),
        outlines,
        held: hold.then_some(documents),
    })
}

/// What the corpus gives every document it reads: the attribute tables' values, and the
/// language they set.
fn prepare(doc: &mut Document, tables: &[AttributeTable]) -> Result<()> {
    for table in tables {
        table.apply(doc)?;
    }
    if let Some(language) = doc.attributes.get("language") {
        doc.language = language.clone();
    }
    Ok(())
}

impl Census {
    /// The documents `--where` selected, in corpus order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .zip(&self.selected)
            .filter(|(_, selected)| **selected)
            .map(|(e, _)| e)
    }

    /// The hashes of the files holding selected documents, as they were read.
    pub fn input_hashes(&self) -> Vec<FileHash> {
        self.sources
            .iter()
            .filter(|s| (s.first..s.first + s.ids.len()).any(|d| self.selected[d]))
            .map(|s| s.hash.clone())
            .collect()
    }

    /// Reads the selected documents again (or takes those the census held), in parallel
    /// batches; `map` turns each (with its index among the selected documents) into what
    /// the caller keeps, in parallel, and `sink` takes those in corpus order.
    pub fn stream<T: Send>(
        &mut self,
        options: &IngestOptions,
        map: impl Fn(usize, Document) -> Result<T> + Sync,
        mut sink: impl FnMut(T) -> Result<()>,
    ) -> Result<()> {
        let ranks: Vec<usize> = self
            .selected
            .iter()
            .scan(0, |rank, &selected| {
                let before = *rank;
                *rank += usize::from(selected);
                Some(before)
            })
            .collect();
        let batch = batch_bytes();
        let mut start = 0;
        while start < self.sources.len() {
            let mut end = start;
            let mut bytes = 0;
            while end < self.sources.len() && (end == start || bytes < batch) {
                bytes += self.sources[end].hash.bytes;
                end += 1;
            }
            let batch: Vec<(&Source, Option<Vec<Document>>)> = self.sources[start..end]
                .iter_mut()
                .map(|s| {
                    let held = s.held.take();
                    (&*s, held)
                })
                .collect();
            let (tables, choices, selected) = (&self.tables, &self.choices, &self.selected);
            let mapped: Vec<Result<Vec<T>>> = batch
                .into_par_iter()
                .map(|(source, held)| {
                    let documents = match held {
                        Some(documents) => documents,
                        None => reread(source, options, tables)?,
                    };
                    documents
                        .into_iter()
                        .enumerate()
                        .filter(|(i, _)| selected[source.first + i])
                        .map(|(i, mut doc)| {
                            let d = source.first + i;
                            interviewer::apply(&mut doc, choices[d].as_ref());
                            map(ranks[d], doc)
                        })
                        .collect()
                })
                .collect();
            for items in mapped {
                for item in items? {
                    sink(item)?;
                }
            }
            start = end;
        }
        Ok(())
    }

    /// The corpus with every selected document in it.
    pub fn collect(mut self, options: &IngestOptions) -> Result<Corpus> {
        let mut documents = Vec::new();
        self.stream(
            options,
            |_, doc| Ok(doc),
            |doc| {
                documents.push(doc);
                Ok(())
            },
        )?;
        self.corpus.documents = documents;
        Ok(self.corpus)
    }
}

/// The second read of a file the census saw: the same documents, prepared the same way.
fn reread(
    source: &Source,
    options: &IngestOptions,
    tables: &[AttributeTable],
) -> Result<Vec<Document>> {
    let path = source.file.path.as_path();
    let changed = || {
        Error::input(
            path,
            "the file changed while thema was reading the inputs; run again",
        )
    };
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, e.to_string()))?;
    if FileHash::of(path, &bytes) != source.hash {
        return Err(changed());
    }
    let Some(mut documents) = super::read_bytes(&source.file, &bytes, options)?.documents() else {
        return Err(changed());
    };
    if documents.iter().map(|d| &d.id).ne(source.ids.iter()) {
        return Err(changed());
    }
    for doc in &mut documents {
        prepare(doc, tables)?;
    }
    Ok(documents)
}

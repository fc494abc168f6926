//! Reading transcripts from files and folders into [`Document`]s.

pub mod attributes;
pub mod cues;
pub mod decode;
pub mod docx;
pub mod human;
pub mod plaintext;
pub mod srt;
pub mod turns;
pub mod vtt;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::corpus::{Document, Format, Role};
use crate::{Error, Result};
use attributes::AttributeTable;
pub use turns::SpeakerRules;

/// File extensions read when a folder is given.
const TRANSCRIPT_EXTENSIONS: [&str; 2] = ["txt", "md"];

/// How to read the inputs.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Speaker declarations and interviewer labels from the command line or study file.
    pub speakers: SpeakerRules,
    /// Attributes CSVs to merge, in order.
    pub attributes: Vec<PathBuf>,
    /// Report unreadable files and go on instead of stopping.
    pub keep_going: bool,
}

/// The documents read, in path order, and what was skipped.
#[derive(Debug, Default)]
pub struct Corpus {
    /// The documents in path order.
    pub documents: Vec<Document>,
    /// Files skipped with `--keep-going`, with the reason.
    pub skipped: Vec<String>,
    /// Warnings about the inputs as a whole (attributes rows for unknown documents...).
    pub warnings: Vec<String>,
}

/// Expands files and folders (recursively, sorted by path) into the transcript files to read.
/// Inside folders, hidden files and `README` files are passed over.
pub fn discover(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|e| Error::input(input, e.to_string()))?;
        if meta.is_dir() {
            walk(input, &mut files)?;
        } else {
            files.push(input.clone());
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::input(dir, e.to_string()))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::input(dir, e.to_string()))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_lowercase();
        if name.starts_with('.') || name.starts_with("readme") {
            continue;
        }
        if path.is_dir() {
            walk(&path, files)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| TRANSCRIPT_EXTENSIONS.contains(&e.to_lowercase().as_str()))
        {
            files.push(path);
        }
    }
    Ok(())
}

/// The file name of an attributes table that is picked up from an input folder.
pub const FOLDER_ATTRIBUTES: &str = "attributes.csv";

/// The `attributes.csv` files standing directly in the input folders.
pub fn folder_attributes(inputs: &[PathBuf]) -> Vec<PathBuf> {
    inputs
        .iter()
        .filter(|p| p.is_dir())
        .map(|p| p.join(FOLDER_ATTRIBUTES))
        .filter(|p| p.is_file())
        .collect()
}

/// Reads one transcript file.
pub fn read_document(path: &Path, options: &IngestOptions) -> Result<Document> {
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, e.to_string()))?;
    let decoded = decode::decode(&bytes).map_err(|m| Error::input(path, m))?;
    let text = decoded.text;
    let front = plaintext::parse_front_matter(path, &text)?;
    let mut rules = options.speakers.clone();
    if let Some(declared) = front.list("speakers") {
        rules.declared = Some(declared);
    }
    if let Some(interviewers) = front.list("interviewer") {
        rules.interviewers.extend(interviewers);
    }
    let turns = plaintext::parse_turns(&text, front.body_start, front.body_line, &rules);
    let mut warnings: Vec<String> = turns
        .rejected_labels
        .iter()
        .map(|(line, label)| format!("line {line}: `{label}:` read as text, not as a speaker"))
        .collect();
    if !turns.segments.iter().any(|s| s.role != Role::Preamble) {
        warnings.push("no speaker turns found: the whole text is preamble and is not coded".into());
    }
    let id = match front.get("id") {
        Some(id) if !id.is_empty() => id.to_owned(),
        _ => path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
    };
    let attributes = front.attributes();
    let language = attributes.get("language").cloned().unwrap_or_else(|| {
        let respondent = turns
            .segments
            .iter()
            .filter(|s| s.role == Role::Respondent)
            .map(|s| s.text.as_str());
        crate::text::guess_language(respondent)
            .unwrap_or("nl")
            .to_owned()
    });
    Ok(Document {
        id,
        path: path.to_owned(),
        format: Format::PlainText,
        encoding: decoded.encoding,
        text,
        attributes,
        segments: turns.segments,
        language,
        warnings,
    })
}

/// Reads every input, in parallel, into a corpus in path order; `progress` is told the
/// byte size of each file read.
pub fn ingest(
    inputs: &[PathBuf],
    options: &IngestOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Corpus> {
    let files = discover(inputs)?;
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
    let results: Vec<Result<Document>> = files
        .par_iter()
        .map(|path| {
            let doc = read_document(path, options);
            progress(std::fs::metadata(path).map_or(0, |m| m.len()));
            doc
        })
        .collect();
    let mut corpus = Corpus::default();
    for result in results {
        match result {
            Ok(doc) => corpus.documents.push(doc),
            Err(e) if options.keep_going => corpus.skipped.push(e.to_string()),
            Err(e) => return Err(e),
        }
    }
    let mut seen: HashMap<&str, &Path> = HashMap::new();
    for doc in &corpus.documents {
        if let Some(other) = seen.insert(&doc.id, &doc.path) {
            return Err(Error::Usage(format!(
                "two documents have the id `{}`: {} and {}",
                doc.id,
                other.display(),
                doc.path.display()
            )));
        }
    }
    for path in &options.attributes {
        let table = AttributeTable::read(path)?;
        corpus
            .warnings
            .extend(table.merge_into(&mut corpus.documents)?);
    }
    for doc in &mut corpus.documents {
        if let Some(language) = doc.attributes.get("language") {
            doc.language = language.clone();
        }
    }
    Ok(corpus)
}

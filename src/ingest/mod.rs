//! Reading transcripts from files and folders into [`Document`]s.

pub mod attributes;
pub mod cues;
pub mod decode;
pub mod docx;
pub mod human;
pub mod interviewer;
mod label_shapes;
pub mod plaintext;
pub mod srt;
pub mod stream;
pub mod table;
pub mod turns;
pub mod vtt;

use std::path::{Path, PathBuf};

use crate::corpus::{Document, Format, Role};
use crate::{Error, Result};
pub use table::{TableColumns, TableKind};
pub use turns::SpeakerRules;

/// File extensions read when a folder is given.
const TRANSCRIPT_EXTENSIONS: [&str; 10] = [
    "txt", "md", "vtt", "srt", "docx", "odt", "csv", "tsv", "jsonl", "ndjson",
];

/// How to read the inputs.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Speaker declarations and interviewer labels from the command line or study file.
    pub speakers: SpeakerRules,
    /// Attributes CSVs to merge, in order.
    pub attributes: Vec<PathBuf>,
    /// Report unreadable files and go on instead of stopping.
    pub keep_going: bool,
    /// Follow symbolic links inside input folders.
    pub follow: bool,
    /// Refuse UTF-8 files with bytes that are not UTF-8 instead of repairing them.
    pub strict_encoding: bool,
    /// Column names of tables of turns.
    pub columns: TableColumns,
}

/// The documents read, in path order, and what was skipped.
#[derive(Debug, Default)]
pub struct Corpus {
    /// The documents in path order.
    pub documents: Vec<Document>,
    /// Files skipped with `--keep-going`, with the reason.
    pub skipped: Vec<String>,
    /// Tables in input folders that are not transcripts (no text column, or thema's own).
    pub passed_over: Vec<String>,
    /// Notes for every command: thema's own tables found among the inputs and passed over,
    /// what thema decided for the user (interviewers inferred...).
    pub notes: Vec<String>,
    /// Warnings about the inputs as a whole (attributes rows for unknown documents...).
    pub warnings: Vec<String>,
    /// Ids of documents read but left out of the analysis (`--where`).
    pub left_out: std::collections::BTreeSet<String>,
    /// Codings that came with the documents: a coded dataset read with `--coded`.
    pub coded: Option<crate::dataset::Coded>,
}

/// A file to read, and whether the user named it (rather than it being found in a folder).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputFile {
    /// The file.
    pub path: PathBuf,
    /// Named on the command line or in the study file.
    pub explicit: bool,
    /// Its size in bytes when it was found.
    pub size: u64,
}

/// Expands files and folders (recursively, sorted by path) into the files to read. Inside
/// folders, hidden files, `README` files and the folder's `attributes.csv` are passed over.
/// With `keep_going`, an input that cannot be found is returned as a message (second)
/// instead of stopping; symbolic links inside folders are followed only with `follow`, and
/// each one passed over is such a message too.
pub fn discover(
    inputs: &[PathBuf],
    keep_going: bool,
    follow: bool,
) -> Result<(Vec<InputFile>, Vec<String>)> {
    let mut files = Vec::new();
    let mut missing = Vec::new();
    for input in inputs {
        let meta = match std::fs::metadata(input) {
            Ok(meta) => meta,
            Err(e) if keep_going => {
                missing.push(Error::input(input, e.to_string()).to_string());
                continue;
            }
            Err(e) => return Err(Error::input(input, e.to_string())),
        };
        if meta.is_dir() {
            walk(input, follow, keep_going, &mut files, &mut missing)?;
        } else {
            files.push(InputFile {
                path: input.clone(),
                explicit: true,
                size: meta.len(),
            });
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.path == b.path);
    Ok((files, missing))
}

/// The transcripts below `dir`, sorted by path. Hidden entries, `README` files and the
/// folder's `attributes.csv` are passed over. Symbolic links are followed only with
/// `follow` (a link back to a folder above it is an error); without it each one is reported
/// in `skipped`.
fn walk(
    dir: &Path,
    follow: bool,
    keep_going: bool,
    files: &mut Vec<InputFile>,
    skipped: &mut Vec<String>,
) -> Result<()> {
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(follow)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy().to_lowercase();
            e.depth() == 0
                || !(name.starts_with('.')
                    || name.starts_with("readme")
                    || name == FOLDER_ATTRIBUTES)
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let message = match e.loop_ancestor() {
                    Some(ancestor) => format!(
                        "a symbolic link back to {}: a loop, not followed",
                        ancestor.display()
                    ),
                    None => e.to_string(),
                };
                if keep_going {
                    skipped.push(Error::input(&path, message).to_string());
                    continue;
                }
                return Err(Error::input(&path, message));
            }
        };
        let path = entry.path();
        if entry.path_is_symlink() && !follow {
            skipped.push(format!(
                "{}: a symbolic link, not followed (give --follow to follow links)",
                path.display()
            ));
            continue;
        }
        if !entry.file_type().is_file()
            || !extension(path).is_some_and(|e| TRANSCRIPT_EXTENSIONS.contains(&e.as_str()))
        {
            continue;
        }
        let meta = entry
            .metadata()
            .map_err(|e| Error::input(path, e.to_string()))?;
        files.push(InputFile {
            path: path.to_path_buf(),
            explicit: false,
            size: meta.len(),
        });
    }
    Ok(())
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
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

/// What a file holds, by extension and, where the extension may lie, by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Vtt,
    Srt,
    Docx,
    Odt,
    Table(TableKind),
}

fn detect(path: &Path, bytes: &[u8]) -> Result<Kind> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Error::input(
            path,
            "old Word 97-2003 .doc: save it as .docx",
        ));
    }
    let kind = match extension(path).as_deref() {
        Some("vtt") => Kind::Vtt,
        Some("srt") => Kind::Srt,
        Some("docx") => Kind::Docx,
        Some("odt") => Kind::Odt,
        Some("csv") => Kind::Table(TableKind::Csv),
        Some("tsv" | "tab") => Kind::Table(TableKind::Tsv),
        Some("jsonl" | "ndjson") => Kind::Table(TableKind::JsonLines),
        Some("doc") => return Err(Error::input(path, "old Word .doc: save it as .docx")),
        _ => Kind::Text,
    };
    if kind != Kind::Text {
        return Ok(kind);
    }
    // A .txt that is really a subtitle file or a zipped document.
    let head: Vec<u8> = bytes.iter().copied().filter(|&b| b != 0).take(64).collect();
    let head = String::from_utf8_lossy(&head);
    let head = head.trim_start_matches('\u{FEFF}');
    Ok(if head.starts_with("WEBVTT") {
        Kind::Vtt
    } else if srt_start(head) {
        Kind::Srt
    } else if bytes.starts_with(b"PK\x03\x04") {
        Kind::Docx
    } else {
        Kind::Text
    })
}

/// `1` then a `00:00:01,000 --> ...` line: the start of an SRT file.
fn srt_start(head: &str) -> bool {
    let mut lines = head.lines().map(str::trim);
    lines
        .next()
        .is_some_and(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_digit()))
        && lines.next().is_some_and(|l| l.contains("-->"))
}

/// What reading one file gave.
#[derive(Debug)]
pub enum FileRead {
    /// Its documents (tables may hold several).
    Documents(Vec<Document>),
    /// A table found in a folder that is not a transcript, and why; `thema` when it is one of
    /// the tables thema writes (see [`crate::columns::thema_table`]).
    PassedOver {
        /// Why it is not a transcript.
        reason: String,
        /// It is one of thema's own tables.
        thema: bool,
    },
}

impl FileRead {
    /// The documents, or `None` for a file passed over.
    pub fn documents(self) -> Option<Vec<Document>> {
        match self {
            FileRead::Documents(docs) => Some(docs),
            FileRead::PassedOver { .. } => None,
        }
    }
}

/// Reads one file into its documents (tables may hold several). Tables found in a folder
/// that have no text column, or that are one of thema's own tables (its outputs in a folder
/// among the inputs), are passed over.
pub fn read_file(file: &InputFile, options: &IngestOptions) -> Result<FileRead> {
    let path = file.path.as_path();
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, e.to_string()))?;
    read_bytes(file, &bytes, options)
}

/// [`read_file`] of the bytes read from `file`.
fn read_bytes(file: &InputFile, bytes: &[u8], options: &IngestOptions) -> Result<FileRead> {
    let path = file.path.as_path();
    if bytes.is_empty() {
        return Err(Error::input(path, "empty file"));
    }
    let kind = detect(path, bytes)?;
    let documents = match kind {
        Kind::Docx | Kind::Odt => {
            let extracted = if kind == Kind::Docx {
                docx::read_docx(bytes)
            } else {
                docx::read_odt(bytes)
            }
            .map_err(|m| Error::input(path, m))?;
            let format = if kind == Kind::Docx {
                Format::Docx
            } else {
                Format::Odt
            };
            let mut doc = from_labelled_text(
                path,
                decode::normalise(&extracted.text),
                "zip/XML (UTF-8)",
                format,
                options,
            )?;
            for (key, value) in extracted.properties {
                doc.attributes.entry(key).or_insert(value);
            }
            doc.warnings.extend(extracted.warnings);
            vec![doc]
        }
        Kind::Text => {
            let decoded = decode::decode_input(bytes, options.strict_encoding)
                .map_err(|m| Error::input(path, m))?;
            let mut doc = from_labelled_text(
                path,
                decoded.text,
                decoded.encoding,
                Format::PlainText,
                options,
            )?;
            doc.warnings.splice(0..0, decoded.warnings);
            vec![doc]
        }
        Kind::Vtt | Kind::Srt => {
            let decoded = decode::decode_input(bytes, options.strict_encoding)
                .map_err(|m| Error::input(path, m))?;
            let parsed = if kind == Kind::Vtt {
                vtt::parse_vtt(&decoded.text)
            } else {
                srt::parse_srt(&decoded.text)
            }
            .map_err(|e| Error::input_line(path, e.line, e.message))?;
            let format = if kind == Kind::Vtt {
                Format::WebVtt
            } else {
                Format::Srt
            };
            let (text, segments) =
                cues::assemble(&parsed.cues, &options.speakers, cues::CueMerge::Turn);
            let mut warnings = decoded.warnings;
            warnings.extend(parsed.warnings);
            if parsed.cues.iter().all(|c| c.speaker.is_none()) {
                warnings.push(format!(
                    "no speaker names: every cue is read as respondent speech of `{}` and coded",
                    cues::UNKNOWN_SPEAKER
                ));
            }
            let language = crate::text::guess_language(segments.iter().map(|s| s.text.as_str()))
                .unwrap_or("nl")
                .to_owned();
            vec![Document {
                id: file_stem(path),
                path: path.to_owned(),
                format,
                encoding: decoded.encoding,
                text,
                attributes: Default::default(),
                segments,
                language,
                warnings,
            }]
        }
        Kind::Table(table_kind) => {
            let decoded = decode::decode_input(bytes, options.strict_encoding)
                .map_err(|m| Error::input(path, m))?;
            // In folders, tables without a text column (attributes, codings) and the tables
            // thema writes (a `thema-out` or sample folder among the inputs) are not
            // transcripts.
            if !file.explicit {
                let header = table::header(&decoded.text, table_kind);
                if let Some(table) = crate::columns::thema_table(&header) {
                    return Ok(FileRead::PassedOver {
                        reason: format!("{table}, not a transcript"),
                        thema: true,
                    });
                }
                if !table::has_text_column(&header, &options.columns) {
                    return Ok(FileRead::PassedOver {
                        reason: "not a table of turns".into(),
                        thema: false,
                    });
                }
            }
            let mut docs = table::read_table(
                path,
                &decoded.text,
                decoded.encoding,
                table_kind,
                &options.columns,
                &options.speakers,
            )?;
            // The file's repairs, told once: with its first document.
            if let Some(first) = docs.first_mut() {
                first.warnings.splice(0..0, decoded.warnings);
            }
            docs
        }
    };
    Ok(FileRead::Documents(documents))
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
}

/// A document from text with optional front matter and speaker labels (plain text, Word).
fn from_labelled_text(
    path: &Path,
    text: String,
    encoding: &'static str,
    format: Format,
    options: &IngestOptions,
) -> Result<Document> {
    let front = plaintext::parse_front_matter(path, &text)?;
    let mut rules = options.speakers.clone();
    let otter = plaintext::otter_speakers(&text[front.body_start..]);
    if let Some(declared) = front.list("speakers") {
        rules.declared = Some(declared);
    } else if rules.declared.is_none()
        && let Some(names) = &otter
    {
        rules.declared = Some(names.clone());
    }
    if let Some(interviewers) = front.list("interviewer") {
        rules.interviewers.extend(interviewers);
    }
    let turns = plaintext::parse_turns(&text, front.body_start, front.body_line, &rules);
    let mut warnings = front.warnings.clone();
    warnings.extend(
        turns
            .rejected_labels
            .iter()
            .map(|(line, label)| format!("line {line}: `{label}:` read as text, not as a speaker")),
    );
    if !turns.segments.iter().any(|s| s.role != Role::Preamble) {
        warnings.push("no speaker turns found: the whole text is preamble and is not coded".into());
    }
    let id = match front.get("id") {
        Some(id) if !id.is_empty() => id.to_owned(),
        _ => file_stem(path),
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
        format,
        encoding,
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
    let (files, missing) = discover(inputs, options.keep_going, options.follow)?;
    let mut corpus = ingest_files(&files, inputs, options, progress)?;
    corpus.skipped.splice(0..0, missing);
    Ok(corpus)
}

/// Reads the files [`discover`] found for `inputs` (named in the error when there are none)
/// into a corpus held in memory; [`stream::census`] reads one without holding it.
pub fn ingest_files(
    files: &[InputFile],
    inputs: &[PathBuf],
    options: &IngestOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Corpus> {
    stream::census(files, inputs, options, &[], true, progress)?.collect(options)
}

//! Human codings: a CSV with `document,code,coder` and a position (`segment`, `turn` with an
//! optional `paragraph`, or `start,end` code-point offsets), mapped onto the segments of the
//! transcripts, and an optional `memo` column. thema's own `codings.csv` reads as the coder
//! `auto`. A `decision` column (the file `thema review` writes) keeps only the codings the
//! reviewer stands behind: `accepted` and `added` rows are codings, a `rejected` row marks its
//! document as coded by the reviewer (with nothing there), `pending` rows are skipped. In a
//! file with a `coder` column, a row with an empty coder belongs to the one coder the file
//! names (a coding sheet filled in only on the coded rows); when the file names several coders
//! or none, it is an error with its line.
//!
//! A file without a `coder` column is thema's own `codings.csv`: it has rows only where the
//! rules found something, so which documents it covers comes from the run manifest beside it
//! (`thema-run.json`), else from the `segments.csv` beside it, else (with a note) every
//! document among the inputs. Each covered document gets a mark that it was coded.
//!
//! Also the kind of each respondent turn (obvious, paraphrase, trap, ...) of a development set.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::codebook::Codebook;
use crate::corpus::Document;
use crate::{Error, Result};

/// The coder name given to rows of a file without a `coder` column.
pub const AUTO_CODER: &str = "auto";

/// The coder of rows whose `coder` cell is empty: the one coder the file names.
fn file_coder(
    path: &Path,
    coder_col: Option<usize>,
    records: &[(usize, Vec<String>)],
) -> Result<Option<String>> {
    let Some(col) = coder_col else {
        return Ok(Some(AUTO_CODER.to_owned()));
    };
    let named: std::collections::BTreeSet<&str> = records
        .iter()
        .filter_map(|(_, r)| r.get(col).map(|c| c.trim()))
        .filter(|c| !c.is_empty())
        .collect();
    let Some(&(line, _)) = records
        .iter()
        .find(|(_, r)| r.get(col).is_none_or(|c| c.trim().is_empty()))
    else {
        return Ok(None);
    };
    match named.len() {
        1 => Ok(named.first().map(|c| (*c).to_owned())),
        0 => Err(Error::input_line(
            path,
            line,
            "empty `coder`, and no row of the file names a coder: fill in the `coder` column",
        )),
        _ => Err(Error::input_line(
            path,
            line,
            format!(
                "empty `coder`, and the file names several coders ({}): say whose coding this is",
                named.into_iter().collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// How a `start,end` span selects segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Overlap {
    /// Every segment the span touches.
    #[default]
    Any,
    /// Segments of which the span covers more than half.
    Majority,
    /// Segments the span covers completely.
    Contain,
}

/// Where a coding sits in its document.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Position {
    Segment(usize),
    Turn(usize, Option<usize>),
    Span(usize, usize),
}

/// One coder's coding of one document, resolved to segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HumanCoding {
    /// Index of the document in the corpus.
    pub document: usize,
    /// The coder.
    pub coder: String,
    /// The code; `None` marks a document coded with nothing in it.
    pub code: Option<String>,
    /// 1-based segment indexes the coding covers.
    pub segments: Vec<usize>,
    /// The rule and matched words, for thema's own codings files.
    pub rule: Option<(String, String)>,
    /// The code-point span `start..end` in the document the row gives, if it gives one
    /// (the coded words; for thema's codings.csv the matched words of the segment).
    pub span: Option<(usize, usize)>,
    /// The coder's memo on it (the optional `memo` column).
    pub memo: Option<String>,
    /// The CSV line it came from.
    pub line: usize,
}

/// A codings file read: its codings and notes for the user.
#[derive(Debug, Clone, Default)]
pub struct CodingsFile {
    /// The codings, with a code-less mark for every document a coder coded.
    pub codings: Vec<HumanCoding>,
    /// Notes about how the file was read.
    pub notes: Vec<String>,
}

/// Reads several codings CSVs (see [`read_codings_skipping`]) into one.
pub fn read_all_codings(
    paths: &[std::path::PathBuf],
    documents: &[Document],
    left_out: &BTreeSet<String>,
    codebook: &Codebook,
    overlap: Overlap,
) -> Result<CodingsFile> {
    let mut all = CodingsFile::default();
    for path in paths {
        let file = read_codings_skipping(path, documents, left_out, codebook, overlap)?;
        all.codings.extend(file.codings);
        all.notes.extend(file.notes);
    }
    Ok(all)
}

/// Reads a codings CSV and resolves every row against the documents and the codebook.
pub fn read_codings(
    path: &Path,
    documents: &[Document],
    codebook: &Codebook,
    overlap: Overlap,
) -> Result<CodingsFile> {
    read_codings_skipping(path, documents, &BTreeSet::new(), codebook, overlap)
}

/// As [`read_codings`], passing over the rows of the documents in `left_out` (documents
/// read but left out of the analysis, e.g. by `--where`).
pub fn read_codings_skipping(
    path: &Path,
    documents: &[Document],
    left_out: &BTreeSet<String>,
    codebook: &Codebook,
    overlap: Overlap,
) -> Result<CodingsFile> {
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, e.to_string()))?;
    let decoded = super::decode::decode(&bytes).map_err(|m| Error::input(path, m))?;
    let (headers, records) = super::table::read_csv(path, &decoded.text, b',')?;
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(doc_col), Some(code_col)) = (column("document"), column("code")) else {
        return Err(Error::input_line(
            path,
            1,
            format!(
                "a codings file needs `document` and `code` columns (columns: {})",
                headers.join(", ")
            ),
        ));
    };
    let coder_col = column("coder");
    let default_coder = file_coder(path, coder_col, &records)?;
    let (segment_col, turn_col, paragraph_col) =
        (column("segment"), column("turn"), column("paragraph"));
    let span_cols = column("start").zip(column("end"));
    let rule_cols = column("rule").zip(column("matched"));
    let decision_col = column("decision");
    let memo_col = column("memo");
    if segment_col.is_none() && turn_col.is_none() && span_cols.is_none() {
        return Err(Error::input_line(
            path,
            1,
            "a codings file needs a position: a `segment` column, a `turn` column (and optionally `paragraph`), or `start` and `end`",
        ));
    }
    let by_id = document_index(documents);
    let mut out = Vec::new();
    let mut notes: Vec<String> = decoded
        .warnings
        .iter()
        .map(|w| format!("{}: {w}", path.display()))
        .collect();
    if coder_col.is_none() {
        let covered = run_documents(path, &bytes, &by_id, left_out, documents.len(), &mut notes)?;
        for coder in run_coders(path, rule_cols.map(|(r, _)| r), &records) {
            out.extend(covered.iter().map(|&document| HumanCoding {
                document,
                coder: coder.to_owned(),
                code: None,
                segments: Vec::new(),
                rule: None,
                span: None,
                memo: None,
                line: 0,
            }));
        }
    }
    for (line, record) in records {
        let fail = |message: String| Error::input_line(path, line, message);
        // Cells of a file written with `--excel-safe` read back as they were.
        let field = |col: Option<usize>| {
            col.and_then(|c| record.get(c))
                .map(|v| crate::output::excel_unescape(v.trim()))
                .filter(|v| !v.is_empty())
        };
        let number = |col: Option<usize>, name: &str| -> Result<Option<usize>> {
            field(col)
                .map(|v| {
                    v.parse::<usize>()
                        .map_err(|_| fail(format!("`{name}` must be a whole number, got {v:?}")))
                })
                .transpose()
        };
        // A rejected coding says the reviewer coded the document but not with this code.
        let rejected = match field(decision_col) {
            None | Some("accepted" | "added") => false,
            Some("rejected") => true,
            Some("pending") => continue,
            Some(other) => {
                return Err(fail(format!(
                    "`decision` is accepted, rejected, added or pending, not {other:?}"
                )));
            }
        };
        let document_id = field(Some(doc_col)).ok_or_else(|| fail("empty `document`".into()))?;
        if left_out.contains(document_id) {
            continue;
        }
        let &document = by_id
            .get(document_id)
            .ok_or_else(|| fail(format!("no document `{document_id}` among the transcripts")))?;
        let doc = &documents[document];
        let code = field(Some(code_col))
            .filter(|_| !rejected)
            .map(str::to_owned);
        if let Some(code) = &code
            && codebook.code(code).is_none()
        {
            let hint = crate::analysis::selection::require_code(codebook, code)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            return Err(fail(hint));
        }
        let run_coder = (coder_col.is_none()
            && field(rule_cols.map(|(r, _)| r))
                .is_some_and(|r| r.starts_with(crate::llm::RULE_PREFIX)))
        .then_some(crate::llm::LLM_CODER);
        let coder = field(coder_col)
            .or(run_coder)
            .or(default_coder.as_deref())
            .unwrap_or(AUTO_CODER)
            .to_owned();
        let span = match span_cols {
            Some((s, e)) => match (number(Some(s), "start")?, number(Some(e), "end")?) {
                (Some(start), Some(end)) => Some((start, end)),
                (None, None) => None,
                _ => return Err(fail("give both `start` and `end`".into())),
            },
            None => None,
        };
        // thema's codings.csv carries start/end of the matched words *and* a segment: the
        // segment is the position.
        let position = if let Some(segment) = number(segment_col, "segment")? {
            Some(Position::Segment(segment))
        } else if let Some(turn) = number(turn_col, "turn")? {
            Some(Position::Turn(turn, number(paragraph_col, "paragraph")?))
        } else {
            span.map(|(start, end)| Position::Span(start, end))
        };
        let segments = match (&code, position) {
            (None, _) => Vec::new(),
            (Some(_), None) => {
                return Err(fail(
                    "a coding needs a segment, a turn or start and end".into(),
                ));
            }
            (Some(_), Some(position)) => resolve(doc, &position, overlap).map_err(fail)?,
        };
        let rule = rule_cols.and_then(|(r, m)| {
            Some((
                field(Some(r))?.to_owned(),
                field(Some(m)).unwrap_or("").to_owned(),
            ))
        });
        out.push(HumanCoding {
            document,
            coder,
            code,
            segments,
            rule,
            span,
            memo: field(memo_col).map(str::to_owned),
            line,
        });
    }
    Ok(CodingsFile {
        codings: out,
        notes,
    })
}

/// The documents a `thema code` run coded, for its codings file at `path` (with `bytes`):
/// from the manifest beside it, else the segments table beside it, else all `count`
/// documents with a note.
/// The coders of thema's own codings table: `auto` (the rules) and `llm` (rule `llm:…`),
/// as its run manifest records them, else as its rows show them (the rules always).
fn run_coders(
    path: &Path,
    rule_col: Option<usize>,
    records: &[(usize, Vec<String>)],
) -> Vec<&'static str> {
    let manifest_path = path.with_file_name(crate::manifest::MANIFEST_FILE);
    if let Ok(manifest) = crate::manifest::Manifest::read(&manifest_path) {
        return match manifest.llm {
            Some(llm) if llm.with_rules => vec![AUTO_CODER, crate::llm::LLM_CODER],
            Some(_) => vec![crate::llm::LLM_CODER],
            None => vec![AUTO_CODER],
        };
    }
    let llm = records.iter().any(|(_, r)| {
        rule_col
            .and_then(|c| r.get(c))
            .is_some_and(|rule| rule.trim().starts_with(crate::llm::RULE_PREFIX))
    });
    if llm {
        vec![AUTO_CODER, crate::llm::LLM_CODER]
    } else {
        vec![AUTO_CODER]
    }
}

fn run_documents(
    path: &Path,
    bytes: &[u8],
    by_id: &HashMap<&str, usize>,
    left_out: &BTreeSet<String>,
    count: usize,
    notes: &mut Vec<String>,
) -> Result<Vec<usize>> {
    // A document left out of the analysis is no error, and no coverage either.
    let known = |id: &str| -> std::result::Result<Option<usize>, String> {
        if left_out.contains(id) {
            return Ok(None);
        }
        by_id
            .get(id)
            .copied()
            .map(Some)
            .ok_or_else(|| format!("document `{id}` of this run is not among the transcripts"))
    };
    let manifest_path = path.with_file_name(crate::manifest::MANIFEST_FILE);
    if manifest_path.is_file() {
        let manifest = crate::manifest::Manifest::read(&manifest_path)?;
        if !manifest.wrote(bytes) {
            notes.push(format!(
                "{} is not a table {} describes (changed since?): its list of coded documents is used all the same",
                path.display(),
                manifest_path.display()
            ));
        }
        return manifest
            .documents
            .iter()
            .filter_map(|d| {
                known(&d.id)
                    .map_err(|m| Error::input(&manifest_path, m))
                    .transpose()
            })
            .collect();
    }
    let segments_path = path.with_file_name("segments.csv");
    if segments_path.is_file() {
        let bytes = std::fs::read(&segments_path)
            .map_err(|e| Error::input(&segments_path, e.to_string()))?;
        let text = super::decode::decode(&bytes)
            .map_err(|m| Error::input(&segments_path, m))?
            .text;
        let (headers, records) = super::table::read_csv(&segments_path, &text, b',')?;
        let Some(col) = headers.iter().position(|h| h == "document") else {
            return Err(Error::input_line(
                &segments_path,
                1,
                "a segments table needs a `document` column",
            ));
        };
        let mut covered = Vec::new();
        for (line, record) in &records {
            let Some(document) = known(crate::output::excel_unescape(record[col].trim()))
                .map_err(|m| Error::input_line(&segments_path, *line, m))?
            else {
                continue;
            };
            if !covered.contains(&document) {
                covered.push(document);
            }
        }
        return Ok(covered);
    }
    notes.push(format!(
        "{}: no {} or segments.csv beside it to say which documents thema coded: every input document is taken as coded by `{AUTO_CODER}`",
        path.display(),
        crate::manifest::MANIFEST_FILE
    ));
    Ok((0..count).collect())
}

/// A CSV file (any encoding thema reads) as lowercased headers and rows with their lines.
fn read_table(path: &Path) -> Result<super::table::CsvContent> {
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, e.to_string()))?;
    let text = super::decode::decode(&bytes)
        .map_err(|m| Error::input(path, m))?
        .text;
    super::table::read_csv(path, &text, b',')
}

/// The corpus index of every document id.
fn document_index(documents: &[Document]) -> HashMap<&str, usize> {
    documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect()
}

/// The corpus index of the document a row names.
fn find_document(by_id: &HashMap<&str, usize>, id: Option<&str>) -> Result<usize, String> {
    let id = id.ok_or("empty `document`")?;
    by_id
        .get(id)
        .copied()
        .ok_or_else(|| format!("no document `{id}` among the transcripts"))
}

/// A difficulty label per respondent turn (`document,turn,kind`, as in a development set's
/// `turn_kinds.csv`), for scoring the auto-coder per kind of turn.
#[derive(Debug, Clone, Default)]
pub struct TurnKinds {
    /// The kinds, sorted.
    pub kinds: Vec<String>,
    /// The kind (index into `kinds`) of each labelled (document index, turn).
    pub of: HashMap<(usize, usize), usize>,
}

impl TurnKinds {
    /// The kind of a turn, if the file labels it.
    pub fn kind(&self, document: usize, turn: usize) -> Option<&str> {
        self.of
            .get(&(document, turn))
            .map(|&k| self.kinds[k].as_str())
    }
}

/// Reads a turn-kinds CSV with `document`, `turn` and `kind` columns (others, such as
/// `trap_type`, are ignored). Every row must name a respondent turn of a transcript, once.
pub fn read_turn_kinds(path: &Path, documents: &[Document]) -> Result<TurnKinds> {
    let (headers, records) = read_table(path)?;
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(doc_col), Some(turn_col), Some(kind_col)) =
        (column("document"), column("turn"), column("kind"))
    else {
        return Err(Error::input_line(
            path,
            1,
            format!(
                "a turn-kinds file needs `document`, `turn` and `kind` columns (columns: {})",
                headers.join(", ")
            ),
        ));
    };
    let by_id = document_index(documents);
    let mut labels: HashMap<(usize, usize), String> = HashMap::new();
    for (line, record) in records {
        let fail = |message: String| Error::input_line(path, line, message);
        let field = |c: usize| record.get(c).map(|v| v.trim()).filter(|v| !v.is_empty());
        let document = find_document(&by_id, field(doc_col)).map_err(fail)?;
        let doc = &documents[document];
        let turn_text = field(turn_col).unwrap_or("");
        let turn: usize = turn_text
            .parse()
            .map_err(|_| fail(format!("`turn` must be a whole number, got {turn_text:?}")))?;
        let is_respondent = doc
            .segments
            .iter()
            .any(|s| s.turn == turn && s.role == crate::corpus::Role::Respondent);
        if !is_respondent {
            return Err(fail(format!(
                "turn {turn} of document `{}` is not a respondent turn",
                doc.id
            )));
        }
        let kind = field(kind_col).ok_or_else(|| fail("empty `kind`".into()))?;
        if labels.insert((document, turn), kind.to_owned()).is_some() {
            return Err(fail(format!(
                "turn {turn} of document `{}` is labelled twice",
                doc.id
            )));
        }
    }
    let index: BTreeMap<String, usize> = labels
        .values()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .enumerate()
        .map(|(i, kind)| (kind, i))
        .collect();
    let of = labels
        .into_iter()
        .map(|(turn, kind)| (turn, index[&kind]))
        .collect();
    Ok(TurnKinds {
        kinds: index.into_keys().collect(),
        of,
    })
}

fn resolve(doc: &Document, position: &Position, overlap: Overlap) -> Result<Vec<usize>, String> {
    match *position {
        Position::Segment(s) => {
            if s == 0 || s > doc.segments.len() {
                return Err(format!(
                    "document `{}` has segments 1 to {}, not {s}",
                    doc.id,
                    doc.segments.len()
                ));
            }
            Ok(vec![s])
        }
        Position::Turn(turn, paragraph) => {
            let turns = doc.turn_count();
            if turn == 0 || turn > turns {
                return Err(format!(
                    "document `{}` has turns 1 to {turns}, not {turn}",
                    doc.id
                ));
            }
            let found: Vec<usize> = doc
                .segments
                .iter()
                .filter(|s| s.turn == turn && paragraph.is_none_or(|p| s.paragraph == p))
                .map(|s| s.index)
                .collect();
            if found.is_empty() {
                return Err(match paragraph {
                    Some(p) => format!("turn {turn} of document `{}` has no paragraph {p}", doc.id),
                    None => format!("turn {turn} of document `{}` has no text", doc.id),
                });
            }
            Ok(found)
        }
        Position::Span(start, end) => {
            let length = doc.text.chars().count();
            if start >= end || end > length {
                return Err(format!(
                    "span {start}..{end} does not fit document `{}` ({length} characters)",
                    doc.id
                ));
            }
            let found: Vec<usize> = doc
                .segments
                .iter()
                .filter(|s| {
                    let shared = end.min(s.end).saturating_sub(start.max(s.start));
                    match overlap {
                        Overlap::Any => shared > 0,
                        Overlap::Majority => 2 * shared > s.end - s.start,
                        Overlap::Contain => shared == s.end - s.start,
                    }
                })
                .map(|s| s.index)
                .collect();
            if found.is_empty() {
                return Err(format!(
                    "span {start}..{end} of document `{}` selects no segment",
                    doc.id
                ));
            }
            Ok(found)
        }
    }
}

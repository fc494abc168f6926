//! Writing a REFI-QDA project (`.qdpx`): `project.qde` and `sources/<GUID>.txt`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write as _;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipWriter};

use super::codes::{code_guid, write_codes};
use super::guid;
use super::xml::XmlOut;
use crate::codebook::Codebook;
use crate::corpus::Document;
use crate::engine::Coding;
use crate::ingest::human::{AUTO_CODER, HumanCoding};
use crate::{Error, Result};

/// The project namespace.
pub const PROJECT_NAMESPACE: &str = "urn:QDA-XML:project:1.0";

/// What goes into a project.
#[derive(Debug, Clone, Copy)]
pub struct ProjectInput<'a> {
    /// The codebook: the code tree.
    pub codebook: &'a Codebook,
    /// The documents, in order.
    pub documents: &'a [Document],
    /// The auto-coder's codings per document (same order as `documents`), coder `auto`.
    pub auto_codings: &'a [Vec<Coding>],
    /// Human codings; each covers the spans of its segments.
    pub human_codings: &'a [HumanCoding],
}

/// The REFI type of a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariableType {
    /// Any text.
    Text,
    /// `true` or `false`.
    Boolean,
    /// Whole numbers.
    Integer,
    /// Decimal numbers.
    Float,
    /// ISO dates, `yyyy-mm-dd`.
    Date,
}

impl VariableType {
    /// The `typeOfVariable` value.
    pub fn as_str(self) -> &'static str {
        match self {
            VariableType::Text => "Text",
            VariableType::Boolean => "Boolean",
            VariableType::Integer => "Integer",
            VariableType::Float => "Float",
            VariableType::Date => "Date",
        }
    }

    /// The element a value of this type is written in.
    fn value_element(self) -> &'static str {
        match self {
            VariableType::Text => "TextValue",
            VariableType::Boolean => "BooleanValue",
            VariableType::Integer => "IntegerValue",
            VariableType::Float => "FloatValue",
            VariableType::Date => "DateValue",
        }
    }

    /// The narrowest type every one of `values` reads as (Text when there are none).
    pub fn infer<'v>(values: impl IntoIterator<Item = &'v str> + Clone) -> VariableType {
        let all = |test: fn(&str) -> bool| {
            let mut any = false;
            for v in values.clone() {
                if !test(v) {
                    return false;
                }
                any = true;
            }
            any
        };
        if all(is_integer) {
            VariableType::Integer
        } else if all(|v| is_integer(v) || is_decimal(v)) {
            VariableType::Float
        } else if all(|v| v == "true" || v == "false") {
            VariableType::Boolean
        } else if all(is_date) {
            VariableType::Date
        } else {
            VariableType::Text
        }
    }
}

/// `-?(0|[1-9][0-9]*)`: an xsd:integer that no program will rewrite (no `+`, no leading 0).
fn is_integer(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    !digits.is_empty()
        && digits.len() <= 18
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
}

/// An integer part, a dot and decimals: an xsd:decimal.
fn is_decimal(v: &str) -> bool {
    v.split_once('.').is_some_and(|(whole, decimals)| {
        is_integer(whole) && !decimals.is_empty() && decimals.bytes().all(|b| b.is_ascii_digit())
    })
}

/// `yyyy-mm-dd`, a real calendar date.
fn is_date(v: &str) -> bool {
    let b = v.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let number = |s: &str| {
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (number(&v[..4]), number(&v[5..7]), number(&v[8..]))
    else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year >= 1 && (1..=days).contains(&day)
}

/// What the export wrote.
#[derive(Debug, Clone, Default)]
pub struct ExportSummary {
    /// Text sources written.
    pub documents: usize,
    /// Codes in the code book.
    pub codes: usize,
    /// Each coder with the number of codings (code on a span) written.
    pub coders: Vec<(String, usize)>,
    /// Selections (coded spans) written.
    pub selections: usize,
    /// Memos written as notes.
    pub memos: usize,
    /// The case variables and their types.
    pub variables: Vec<(String, VariableType)>,
    /// What could not be written, one line each.
    pub skipped: Vec<String>,
}

/// A project ready to write.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The `.qdpx` zip.
    pub qdpx: Vec<u8>,
    /// Its `project.qde`.
    pub qde: String,
    /// What is in it.
    pub summary: ExportSummary,
}

/// The GUID of a document's text source.
pub fn source_guid(document: &str) -> String {
    guid("source", &[document])
}

/// The GUID of a coder's user.
pub fn user_guid(coder: &str) -> String {
    guid("user", &[coder])
}

/// Builds the project.
pub fn export_project(input: &ProjectInput<'_>) -> Result<Exported> {
    let ProjectInput {
        codebook,
        documents,
        auto_codings,
        human_codings,
    } = *input;
    let mut summary = ExportSummary {
        documents: documents.len(),
        codes: codebook.codes.len(),
        ..ExportSummary::default()
    };
    let code_index: HashMap<&str, usize> = codebook
        .codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();

    // Coders: auto first, then the human coders in order of appearance.
    let mut coders: Vec<String> = vec![AUTO_CODER.to_owned()];
    for coding in human_codings {
        if !coders.contains(&coding.coder) {
            coders.push(coding.coder.clone());
        }
    }
    // (document, start, end, coder) -> codes
    let mut spans: BTreeMap<(usize, usize, usize, usize), BTreeSet<usize>> = BTreeMap::new();
    let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
    let mut add = |doc: usize, start: usize, end: usize, coder: usize, code: &str| match code_index
        .get(code)
    {
        Some(&c) if start < end => {
            spans.entry((doc, start, end, coder)).or_default().insert(c);
        }
        Some(_) => {}
        None => *unknown.entry(code.to_owned()).or_default() += 1,
    };
    for (doc, codings) in auto_codings.iter().enumerate().take(documents.len()) {
        for coding in codings {
            add(doc, coding.start, coding.end, 0, &coding.code);
        }
    }
    let mut coded_nothing: BTreeMap<&str, usize> = BTreeMap::new();
    // Memos: on a coded span (document, start, end, coder), or on a document (a row without
    // a code), each with its coder.
    let mut span_memos: BTreeMap<(usize, usize, usize, usize), BTreeSet<&str>> = BTreeMap::new();
    let mut document_memos: BTreeMap<(usize, usize), BTreeSet<&str>> = BTreeMap::new();
    for coding in human_codings {
        let coder = coders.iter().position(|c| *c == coding.coder).unwrap_or(0);
        let Some(doc) = documents.get(coding.document) else {
            continue;
        };
        let memo = coding.memo.as_deref();
        let Some(code) = &coding.code else {
            *coded_nothing.entry(&coding.coder).or_default() += 1;
            if let Some(memo) = memo {
                document_memos
                    .entry((coding.document, coder))
                    .or_default()
                    .insert(memo);
            }
            continue;
        };
        for &index in &coding.segments {
            if let Some(segment) = doc.segments.get(index.wrapping_sub(1)) {
                add(coding.document, segment.start, segment.end, coder, code);
                if let Some(memo) = memo {
                    span_memos
                        .entry((coding.document, segment.start, segment.end, coder))
                        .or_default()
                        .insert(memo);
                }
            }
        }
    }
    // (guid, coder, text) of every note, in the order they are referred to.
    let mut notes: Vec<(String, usize, String)> = Vec::new();
    let mut note_of = |doc: &str, coder: usize, place: &str, memo: &str| -> String {
        let id = guid("note", &[doc, &coders[coder], place, memo]);
        notes.push((id.clone(), coder, memo.to_owned()));
        id
    };
    for (code, n) in &unknown {
        summary.skipped.push(format!(
            "{n} codings with code `{code}`, which is not in the codebook"
        ));
    }
    for (coder, n) in &coded_nothing {
        summary.skipped.push(format!(
            "{n} rows of coder {coder} that mark a document as coded with nothing: REFI-QDA has no element for that"
        ));
    }
    let mut per_coder = vec![0usize; coders.len()];
    for ((_, _, _, coder), codes) in &spans {
        per_coder[*coder] += codes.len();
    }
    summary.coders = coders.iter().cloned().zip(per_coder).collect();
    summary.selections = spans.len();

    // Variables: every attribute, typed by its values.
    let mut values: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for doc in documents {
        for (name, value) in &doc.attributes {
            values.entry(name).or_default().push(value);
        }
    }
    let variables: Vec<(&str, VariableType)> = values
        .iter()
        .map(|(name, vals)| (*name, VariableType::infer(vals.iter().copied())))
        .collect();
    summary.variables = variables
        .iter()
        .map(|(n, t)| ((*n).to_owned(), *t))
        .collect();

    let user_guids: Vec<String> = coders.iter().map(|c| user_guid(c)).collect();
    let mut out = XmlOut::new();
    let origin = super::origin();
    let mut project_attrs: Vec<(&str, &str)> = vec![
        ("xmlns", PROJECT_NAMESPACE),
        ("name", &codebook.name),
        ("origin", &origin),
        ("creatingUserGUID", &user_guids[0]),
    ];
    if codebook.name.trim().is_empty() {
        project_attrs[1] = ("name", "thema");
    }
    out.open("Project", &project_attrs);
    out.open("Users", &[]);
    for (coder, user) in coders.iter().zip(&user_guids) {
        out.empty("User", &[("guid", user), ("name", coder)]);
    }
    out.close("Users");
    if !codebook.codes.is_empty() {
        out.open("CodeBook", &[]);
        out.open("Codes", &[]);
        write_codes(&mut out, codebook);
        out.close("Codes");
        out.close("CodeBook");
    }
    let variable_guids: Vec<String> = variables
        .iter()
        .map(|(name, _)| guid("variable", &[name]))
        .collect();
    if !variables.is_empty() {
        out.open("Variables", &[]);
        for ((name, kind), id) in variables.iter().zip(&variable_guids) {
            out.empty(
                "Variable",
                &[
                    ("guid", id),
                    ("name", name),
                    ("typeOfVariable", kind.as_str()),
                ],
            );
        }
        out.close("Variables");
    }
    let source_guids: Vec<String> = documents.iter().map(|d| source_guid(&d.id)).collect();
    if !documents.is_empty() {
        out.open("Cases", &[]);
        for (doc, source) in documents.iter().zip(&source_guids) {
            let case = guid("case", &[&doc.id]);
            out.open("Case", &[("guid", &case), ("name", &doc.id)]);
            for ((name, kind), id) in variables.iter().zip(&variable_guids) {
                if let Some(value) = doc.attributes.get(*name) {
                    out.open("VariableValue", &[]);
                    out.empty("VariableRef", &[("targetGUID", id)]);
                    out.text(kind.value_element(), value);
                    out.close("VariableValue");
                }
            }
            out.empty("SourceRef", &[("targetGUID", source)]);
            out.close("Case");
        }
        out.close("Cases");
        out.open("Sources", &[]);
    }
    // (start, end, coder, codes) per document.
    type Span<'s> = (usize, usize, usize, &'s BTreeSet<usize>);
    let mut spans_by_doc: Vec<Vec<Span<'_>>> = vec![Vec::new(); documents.len()];
    for ((doc, start, end, coder), codes) in &spans {
        spans_by_doc[*doc].push((*start, *end, *coder, codes));
    }
    for (d, ((doc, source), doc_spans)) in documents
        .iter()
        .zip(&source_guids)
        .zip(&spans_by_doc)
        .enumerate()
    {
        let path = format!("internal://{source}.txt");
        out.open(
            "TextSource",
            &[
                ("guid", source),
                ("name", &doc.id),
                ("plainTextPath", &path),
                ("creatingUser", &user_guids[0]),
            ],
        );
        for &(start_at, end_at, coder, codes) in doc_spans {
            let (start, end) = (start_at.to_string(), end_at.to_string());
            let coder_name = &coders[coder];
            let user = &user_guids[coder];
            let selection = guid("selection", &[&doc.id, coder_name, &start, &end]);
            out.open(
                "PlainTextSelection",
                &[
                    ("guid", &selection),
                    ("startPosition", &start),
                    ("endPosition", &end),
                    ("creatingUser", user),
                ],
            );
            for &code in codes {
                let code_id = &codebook.codes[code].id;
                let coding = guid("coding", &[&doc.id, coder_name, &start, &end, code_id]);
                out.open("Coding", &[("guid", &coding), ("creatingUser", user)]);
                out.empty("CodeRef", &[("targetGUID", &code_guid(code_id))]);
                out.close("Coding");
            }
            for memo in span_memos
                .get(&(d, start_at, end_at, coder))
                .into_iter()
                .flatten()
            {
                let id = note_of(&doc.id, coder, &format!("{start}-{end}"), memo);
                out.empty("NoteRef", &[("targetGUID", &id)]);
            }
            out.close("PlainTextSelection");
        }
        for coder in 0..coders.len() {
            for memo in document_memos.get(&(d, coder)).into_iter().flatten() {
                let id = note_of(&doc.id, coder, "document", memo);
                out.empty("NoteRef", &[("targetGUID", &id)]);
            }
        }
        out.close("TextSource");
    }
    if !documents.is_empty() {
        out.close("Sources");
    }
    if !notes.is_empty() {
        out.open("Notes", &[]);
        for (id, coder, text) in &notes {
            out.open(
                "Note",
                &[
                    ("guid", id),
                    ("name", &format!("Memo by {}", coders[*coder])),
                    ("creatingUser", &user_guids[*coder]),
                ],
            );
            out.text("PlainTextContent", text);
            out.close("Note");
        }
        out.close("Notes");
    }
    summary.memos = notes.len();
    if !codebook.description.trim().is_empty() {
        out.text("Description", codebook.description.trim());
    }
    out.close("Project");
    let qde = out.finish();

    let mut entries: Vec<(String, &[u8])> = vec![("project.qde".to_owned(), qde.as_bytes())];
    for (doc, source) in documents.iter().zip(&source_guids) {
        entries.push((format!("sources/{source}.txt"), doc.text.as_bytes()));
    }
    let qdpx = zip_entries(&entries)?;
    Ok(Exported { qdpx, qde, summary })
}

/// A zip of `entries` in order, deflated, with fixed times and permissions.
pub fn zip_entries(entries: &[(String, &[u8])]) -> Result<Vec<u8>> {
    let fail = |e: &dyn std::fmt::Display| Error::Usage(format!("cannot build the zip: {e}"));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
        .system(System::Unix);
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options)
            .map_err(|e| fail(&e))?;
        zip.write_all(bytes).map_err(|e| fail(&e))?;
    }
    Ok(zip.finish().map_err(|e| fail(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_types_need_every_value() {
        let infer = |v: &[&str]| VariableType::infer(v.iter().copied());
        assert_eq!(infer(&["1", "-20", "0"]), VariableType::Integer);
        assert_eq!(infer(&["1", "2.5"]), VariableType::Float);
        assert_eq!(infer(&["true", "false"]), VariableType::Boolean);
        assert_eq!(infer(&["2024-02-29", "1999-12-31"]), VariableType::Date);
        assert_eq!(infer(&["2023-02-29"]), VariableType::Text);
        assert_eq!(infer(&["007"]), VariableType::Text);
        assert_eq!(infer(&["yes", "no"]), VariableType::Text);
        assert_eq!(infer(&["35-44"]), VariableType::Text);
        assert_eq!(infer(&["1", "x"]), VariableType::Text);
        assert_eq!(infer(&["1e5"]), VariableType::Text);
        assert_eq!(infer(&[]), VariableType::Text);
    }
}

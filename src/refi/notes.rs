//! Notes (memos) of a REFI-QDA project. A `<Note>` in `<Notes>` holds the text (inline as
//! `PlainTextContent`, or in the archive at `plainTextPath`); `<NoteRef targetGUID>`
//! children attach it to a selection, a coding, a source, a code or the project. On import,
//! memos on selections and codings become the `memo` column of `codings.csv`; the others
//! (and notes nothing refers to) are written to `memos.csv`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use super::import::Archive;
use super::normalise_guid;
use super::xml::Element;
use crate::{Error, Result};

/// One note as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Its name in the project (may be empty).
    pub name: String,
    /// The user who wrote it (a name, or the GUID when the user is unknown).
    pub author: String,
    /// The text.
    pub text: String,
}

/// A memo that is not on a coded span: about a document, a code, or the project (both
/// empty).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImportedMemo {
    /// The document id it is about, or empty.
    pub document: String,
    /// The code id it is about, or empty.
    pub code: String,
    /// Who wrote it.
    pub author: String,
    /// The note's name.
    pub name: String,
    /// The text.
    pub text: String,
}

/// The notes of the project by normalised GUID; notes whose text cannot be read are listed
/// in `skipped`.
pub(crate) fn read_notes(
    path: &Path,
    root: &Element,
    archive: &mut Archive<'_>,
    users: &HashMap<String, String>,
    skipped: &mut Vec<String>,
) -> Result<BTreeMap<String, Note>> {
    let fail = |m: String| Error::input(path, m);
    let mut notes = BTreeMap::new();
    for note in root
        .child("Notes")
        .into_iter()
        .flat_map(|n| n.children_named("Note"))
    {
        let Some(guid) = note.attr("guid").map(normalise_guid) else {
            skipped.push(format!("line {}: a Note without a guid", note.line));
            continue;
        };
        let text = match (note.child("PlainTextContent"), note.attr("plainTextPath")) {
            (Some(content), _) => content.text.clone(),
            (None, Some(file)) => match archive.resolve(file).map_err(fail)? {
                Some(index) => {
                    let bytes = archive.read(index).map_err(fail)?;
                    super::xml::decode_xml(&bytes)
                        .map_err(|m| fail(format!("note {guid}: its text file {file:?} is {m}")))?
                }
                None => {
                    skipped.push(format!(
                        "line {}: note {guid}: its text file {file:?} is not in the archive",
                        note.line
                    ));
                    continue;
                }
            },
            (None, None) => {
                skipped.push(format!(
                    "line {}: note {guid} has no text (only rich text or none)",
                    note.line
                ));
                continue;
            }
        };
        let author = note
            .attr("creatingUser")
            .map(normalise_guid)
            .map(|g| users.get(&g).cloned().unwrap_or(g))
            .unwrap_or_default();
        notes.insert(
            guid,
            Note {
                name: note.attr("name").unwrap_or_default().trim().to_owned(),
                author,
                text: text.trim().replace("\r\n", "\n"),
            },
        );
    }
    Ok(notes)
}

/// The normalised GUIDs an element's `NoteRef` children point to.
pub fn note_refs(element: &Element) -> Vec<String> {
    element
        .children_named("NoteRef")
        .filter_map(|r| r.attr("targetGUID").map(normalise_guid))
        .collect()
}

/// The text of the notes `elements` refer to, joined by blank lines (each note once), and
/// marked as used.
pub fn memo_of(
    elements: &[&Element],
    notes: &BTreeMap<String, Note>,
    used: &mut BTreeSet<String>,
) -> String {
    let mut texts: Vec<&str> = Vec::new();
    for guid in elements.iter().flat_map(|e| note_refs(e)) {
        if let Some(note) = notes.get(&guid) {
            used.insert(guid);
            if !texts.contains(&note.text.as_str()) {
                texts.push(&note.text);
            }
        }
    }
    texts.join("\n\n")
}

/// Memos `element` has (through its `NoteRef`s) about `document` and `code`.
pub fn memos_about(
    element: &Element,
    document: &str,
    code: &str,
    notes: &BTreeMap<String, Note>,
    used: &mut BTreeSet<String>,
) -> Vec<ImportedMemo> {
    note_refs(element)
        .into_iter()
        .filter_map(|guid| {
            let note = notes.get(&guid)?;
            used.insert(guid);
            Some(ImportedMemo {
                document: document.to_owned(),
                code: code.to_owned(),
                author: note.author.clone(),
                name: note.name.clone(),
                text: note.text.clone(),
            })
        })
        .collect()
}

/// Memos on the codes of the code book (walked recursively), with the thema id of each code.
pub fn code_memos(
    codes: Option<&Element>,
    code_ids: &HashMap<&str, &str>,
    notes: &BTreeMap<String, Note>,
    used: &mut BTreeSet<String>,
) -> Vec<ImportedMemo> {
    let mut out = Vec::new();
    let mut stack: Vec<&Element> = codes
        .into_iter()
        .flat_map(|c| c.children_named("Code"))
        .collect();
    while let Some(code) = stack.pop() {
        let guid = code.attr("guid").map(normalise_guid).unwrap_or_default();
        let id = code_ids.get(guid.as_str()).copied().unwrap_or_default();
        out.extend(memos_about(code, "", id, notes, used));
        stack.extend(code.children_named("Code"));
    }
    out
}

/// `memos.csv`: `document,code,author,name,text`, one row per memo.
pub fn memos_csv(memos: &[ImportedMemo]) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| Error::Usage(format!("cannot write the memos CSV: {e}"));
    writer
        .write_record(["document", "code", "author", "name", "text"])
        .map_err(fail)?;
    for m in memos {
        writer
            .write_record([&m.document, &m.code, &m.author, &m.name, &m.text])
            .map_err(fail)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Usage(format!("cannot write the memos CSV: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

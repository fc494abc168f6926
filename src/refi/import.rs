//! Reading a REFI-QDA project (`.qdpx`) into text files, a codings CSV, an attributes CSV
//! and a codebook.
//!
//! A project is untrusted input: zip entry names that point outside the archive are refused,
//! unpacked sizes are capped ([`Limits`]), the XML expands no entities of its own and its
//! nesting is capped. What real exporters write is tolerated: a `.qde` with another name,
//! `Sources/` in any case, `plainTextPath` with or without `internal://`, byte-order marks,
//! CRLF line ends, any namespace (elements are matched on local names), text given inline
//! (`PlainTextContent`) or only as a Word file (`richTextPath`). Anything that cannot be
//! imported is reported, one line each, in [`ImportedProject::skipped`]. Notes become memos
//! (see [`super::notes`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::codes::{CodeImport, codebook_toml, import_codes, read_codes};
use super::normalise_guid;
use super::textmap;
use super::xml::{self, Element};
use crate::output::OutputFile;
pub use crate::zipsafe::Limits;
use crate::zipsafe::{self, ZipProblem};
use crate::{Error, Result};

/// How much a project may unpack to by default: 512 MiB per entry, 2 GiB in all.
pub const DEFAULT_LIMITS: Limits = Limits {
    max_entry_bytes: 512 << 20,
    max_total_bytes: 2 << 30,
};

/// How to import.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    /// Skip (and report) malformed selections and codings instead of stopping.
    pub keep_going: bool,
    /// Size caps.
    pub limits: Limits,
}

impl Default for ImportOptions {
    /// Strict, with the [`DEFAULT_LIMITS`].
    fn default() -> Self {
        ImportOptions {
            keep_going: false,
            limits: DEFAULT_LIMITS,
        }
    }
}

/// A source imported as a text document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedDocument {
    /// The document id (in the text's front matter).
    pub id: String,
    /// The source's name in the project.
    pub source_name: String,
    /// The file name under `sources/`.
    pub file_name: String,
    /// The text as written: thema reads it back unchanged.
    pub text: String,
}

/// One code on one span, by one coder.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImportedCoding {
    /// Index of the document in [`ImportedProject::documents`].
    pub document: usize,
    /// Code-point offset in the written text.
    pub start: usize,
    /// Code-point offset one past the span.
    pub end: usize,
    /// The coder (the user's name).
    pub coder: String,
    /// The code id.
    pub code: String,
    /// The memo on it: the text of the notes its selection and coding refer to.
    pub memo: String,
}

/// What a project import produced.
#[derive(Debug, Clone, Default)]
pub struct ImportedProject {
    /// The project's name.
    pub name: String,
    /// The `.qde` entry read.
    pub qde: String,
    /// The text documents in source order.
    pub documents: Vec<ImportedDocument>,
    /// The codings, by document, position, coder and code.
    pub codings: Vec<ImportedCoding>,
    /// The attribute (variable) names, as CSV columns.
    pub variables: Vec<String>,
    /// Attribute values per document (same order as `documents`).
    pub attributes: Vec<BTreeMap<String, String>>,
    /// The code book as thema codes.
    pub codes: CodeImport,
    /// The code book as codebook TOML.
    pub codebook_toml: String,
    /// Memos that are not on a coded span: on documents, codes, the project, or on nothing.
    pub memos: Vec<super::notes::ImportedMemo>,
    /// What was not imported, one line each.
    pub skipped: Vec<String>,
    /// What was imported in a particular way, one line each.
    pub warnings: Vec<String>,
}

/// A `.qdpx` opened for reading.
pub(crate) struct Archive<'b> {
    zip: zipsafe::Archive<'b>,
    /// Entry names (`\` as `/`) with their indexes; directories left out.
    names: Vec<(String, usize)>,
}

fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A zip problem in the words of the project import.
fn zip_message(problem: ZipProblem) -> String {
    let entry = |name: String| name.replace('\\', "/");
    match problem {
        ZipProblem::NotZip(e) => format!(
            "not a .qdpx project: the zip cannot be read ({})",
            one_line(&e)
        ),
        ZipProblem::Corrupt(e) => format!("corrupt zip: {}", one_line(&e)),
        ZipProblem::Unsafe(name) => format!(
            "zip entry {:?} points outside the archive: refusing to read the project",
            one_line(&name)
        ),
        ZipProblem::Encrypted(name) => format!("zip entry {} is encrypted", entry(name)),
        ZipProblem::CannotUnpack { name, error } => format!(
            "corrupt zip: cannot unpack {}: {}",
            entry(name),
            one_line(&error)
        ),
        ZipProblem::EntryTooBig { name, max } => format!(
            "zip entry {} unpacks to more than {max} bytes: refusing it",
            entry(name)
        ),
        ZipProblem::TotalTooBig { max } => {
            format!("the project unpacks to more than {max} bytes in all: refusing it")
        }
    }
}

impl<'b> Archive<'b> {
    /// Opens `bytes` as a zip; the error is one line.
    pub(crate) fn open(bytes: &'b [u8], limits: Limits) -> Result<Archive<'b>, String> {
        if !bytes.starts_with(b"PK") {
            return Err("not a .qdpx project: the file is not a zip archive".into());
        }
        let zip = zipsafe::Archive::open(bytes, limits).map_err(zip_message)?;
        let names = zip
            .names()
            .iter()
            .enumerate()
            .filter(|(_, name)| !name.ends_with('/'))
            .map(|(index, name)| (name.replace('\\', "/"), index))
            .collect();
        Ok(Archive { zip, names })
    }

    /// The `.qde` to read: `project.qde` if there, else the one at the top, else the first.
    pub(crate) fn find_qde(&self, warnings: &mut Vec<String>) -> Result<(String, usize), String> {
        let mut found: Vec<&(String, usize)> = self
            .names
            .iter()
            .filter(|(n, _)| n.to_ascii_lowercase().ends_with(".qde"))
            .collect();
        found.sort_by_key(|(n, _)| {
            (
                !n.eq_ignore_ascii_case("project.qde"),
                n.contains('/'),
                n.clone(),
            )
        });
        let Some((name, index)) = found.first().map(|(n, i)| (n, *i)) else {
            return Err("not a REFI-QDA project: the zip has no .qde file".into());
        };
        if found.len() > 1 {
            warnings.push(format!(
                "the project has {} .qde files; read {name}",
                found.len()
            ));
        }
        Ok((name.clone(), index))
    }

    /// Unpacks entry `index`, within the size caps; the error is one line.
    pub(crate) fn read(&mut self, index: usize) -> Result<Vec<u8>, String> {
        self.zip.read(index).map_err(zip_message)
    }

    /// The entry a source path refers to: `internal://X` (or plain `X`) is `sources/X` in
    /// any case; an external path is looked for by file name in `sources/`. `Err` for a path
    /// that climbs out of the archive.
    pub(crate) fn resolve(&self, reference: &str) -> Result<Option<usize>, String> {
        let reference = reference.trim().replace('\\', "/");
        let (internal, rest) = match reference.get(..11) {
            Some(scheme) if scheme.eq_ignore_ascii_case("internal://") => {
                (true, reference[11..].trim_start_matches('/'))
            }
            _ => (false, reference.as_str()),
        };
        let external = !internal
            && (rest.contains("://")
                || rest.starts_with('/')
                || (rest.len() >= 2 && rest.as_bytes()[1] == b':'));
        let file_name = rest.rsplit('/').next().unwrap_or(rest).to_ascii_lowercase();
        let by_file_name = || {
            let hits: Vec<usize> = self
                .names
                .iter()
                .filter(|(n, _)| {
                    let lower = n.to_ascii_lowercase();
                    lower == format!("sources/{file_name}")
                        || lower.ends_with(&format!("/sources/{file_name}"))
                })
                .map(|(_, i)| *i)
                .collect();
            (hits.len() == 1).then(|| hits[0])
        };
        if external {
            return Ok(by_file_name());
        }
        if rest.split('/').any(|part| part == "..") {
            return Err(format!(
                "source path {:?} points outside the archive",
                one_line(&reference)
            ));
        }
        let rest = rest.trim_start_matches("./").to_ascii_lowercase();
        for wanted in [format!("sources/{rest}"), rest.clone()] {
            if let Some((_, i)) = self
                .names
                .iter()
                .find(|(n, _)| n.to_ascii_lowercase() == wanted)
            {
                return Ok(Some(*i));
            }
        }
        Ok(by_file_name())
    }
}

/// Reads and parses the project XML of a `.qdpx`: the root element and the `.qde` name.
pub(crate) fn read_project_xml(
    archive: &mut Archive<'_>,
    path: &Path,
    warnings: &mut Vec<String>,
) -> Result<(Element, String)> {
    let (qde, index) = archive
        .find_qde(warnings)
        .map_err(|m| Error::input(path, m))?;
    let bytes = archive.read(index).map_err(|m| Error::input(path, m))?;
    let root = parse_xml(path, &qde, &bytes)?;
    Ok((root, qde))
}

/// Parses an XML file of a project or codebook; errors name the part and line.
pub(crate) fn parse_xml(path: &Path, part: &str, bytes: &[u8]) -> Result<Element> {
    let text = xml::decode_xml(bytes).map_err(|m| Error::input(path, format!("{part}: {m}")))?;
    xml::parse(&text).map_err(|(line, message)| {
        Error::input(
            path,
            format!("{part}:{line}: invalid XML: {}", one_line(&message)),
        )
    })
}

/// Source text bytes as text: UTF-8 (BOM dropped) or UTF-16 with a BOM.
fn decode_source(bytes: &[u8]) -> Result<String, String> {
    xml::decode_xml(bytes).map_err(|m| format!("its text file is {m}"))
}

/// The collector of what is skipped: in strict mode a problem stops the import.
struct Problems<'p> {
    path: &'p Path,
    keep_going: bool,
    skipped: Vec<String>,
}

impl Problems<'_> {
    fn problem(&mut self, message: String) -> Result<()> {
        if self.keep_going {
            self.skipped.push(message);
            Ok(())
        } else {
            Err(Error::input(
                self.path,
                format!("{message} (--keep-going skips it)"),
            ))
        }
    }

    fn skip(&mut self, message: String) {
        self.skipped.push(message);
    }
}

/// One code applied to a span of a source, as read.
struct RawCoding {
    start: usize,
    end: usize,
    code: String,
    coder: String,
    memo: String,
}

/// Text-cleaned id: one line, no surrounding space or quotes.
fn clean_id(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    spaced
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace())
        .to_owned()
}

/// The source name without a document extension.
fn name_stem(name: &str) -> &str {
    for ext in [".txt", ".docx", ".doc", ".rtf", ".odt", ".pdf", ".md"] {
        if name.len() > ext.len()
            && name.is_char_boundary(name.len() - ext.len())
            && name[name.len() - ext.len()..].eq_ignore_ascii_case(ext)
        {
            return &name[..name.len() - ext.len()];
        }
    }
    name
}

fn unique(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|c| !taken(c))
        .unwrap_or_default()
}

/// A file name (without extension) for document `id`.
fn file_stem(id: &str) -> String {
    let mapped: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    let trimmed = mapped.trim_matches(|c| c == '.' || c == '_');
    if trimmed.is_empty() {
        "source".to_owned()
    } else {
        trimmed.to_owned()
    }
}

const VALUE_ELEMENTS: [&str; 6] = [
    "TextValue",
    "BooleanValue",
    "IntegerValue",
    "FloatValue",
    "DateValue",
    "DateTimeValue",
];

/// Imports the project in `bytes` (read from `path`, which names it in messages).
pub fn import_project(
    path: &Path,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<ImportedProject> {
    let mut archive = Archive::open(bytes, options.limits).map_err(|m| Error::input(path, m))?;
    let mut warnings = Vec::new();
    let (root, qde) = read_project_xml(&mut archive, path, &mut warnings)?;
    if root.name != "Project" {
        return Err(Error::input(
            path,
            format!(
                "{qde}: not a REFI-QDA project: the root element is <{}>, not <Project>",
                root.name
            ),
        ));
    }
    let mut problems = Problems {
        path,
        keep_going: options.keep_going,
        skipped: Vec::new(),
    };
    let at = |e: &Element| format!("{qde}:{}", e.line);

    // Users.
    let mut users: HashMap<String, String> = HashMap::new();
    for user in root
        .child("Users")
        .into_iter()
        .flat_map(|u| u.children_named("User"))
    {
        if let Some(guid) = user.attr("guid") {
            let name = user
                .attr("name")
                .or_else(|| user.attr("id"))
                .map(clean_id)
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| guid.trim().to_owned());
            users.insert(normalise_guid(guid), name);
        }
    }

    // Notes, attached below to what refers to them.
    let notes = super::notes::read_notes(path, &root, &mut archive, &users, &mut problems.skipped)?;
    let mut used_notes: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();

    // Codes.
    let tree = root
        .child("CodeBook")
        .and_then(|c| c.child("Codes"))
        .map(read_codes)
        .unwrap_or_default();
    let codes = import_codes(&tree);
    let code_ids: HashMap<&str, &str> = codes
        .codes
        .iter()
        .filter(|c| !c.guid.is_empty())
        .map(|c| (c.guid.as_str(), c.id.as_str()))
        .collect();
    let name = root
        .attr("name")
        .map(clean_id)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| {
            path.file_stem()
                .map_or_else(|| "project".into(), |s| s.to_string_lossy().into_owned())
        });
    let description = root
        .child("Description")
        .map(|d| d.text.trim().to_owned())
        .unwrap_or_default();
    let codebook_text = codebook_toml(
        &name,
        &description,
        &path.display().to_string(),
        &codes.codes,
    );
    crate::codebook::Codebook::from_source(Path::new("imported codebook"), &codebook_text)
        .map_err(|e| {
            Error::Usage(format!(
                "internal error: the imported codebook is invalid: {e}"
            ))
        })?;

    // Variables, with CSV column names.
    let mut variables: HashMap<String, String> = HashMap::new();
    let mut columns: Vec<String> = Vec::new();
    for variable in root
        .child("Variables")
        .into_iter()
        .flat_map(|v| v.children_named("Variable"))
    {
        let (Some(guid), Some(var_name)) = (variable.attr("guid"), variable.attr("name")) else {
            problems.skip(format!("{}: a Variable without guid or name", at(variable)));
            continue;
        };
        let wanted = clean_id(var_name).to_lowercase();
        let wanted = match wanted.as_str() {
            "" => "variable".to_owned(),
            name if crate::columns::is_reserved(name) => format!("{name}_variable"),
            _ => wanted,
        };
        let column = unique(&wanted, |c| columns.iter().any(|x| x == c));
        if column != clean_id(var_name).to_lowercase() {
            warnings.push(format!(
                "variable {:?} is the attributes column `{column}`",
                var_name
            ));
        }
        columns.push(column.clone());
        variables.insert(normalise_guid(guid), column);
    }
    let read_value = |vv: &Element, problems: &mut Problems<'_>| -> Option<(String, String)> {
        let target = vv.child("VariableRef").and_then(|r| r.attr("targetGUID"));
        let Some(column) = target.and_then(|t| variables.get(&normalise_guid(t))) else {
            problems.skip(format!(
                "{}: a VariableValue for an unknown variable {}",
                at(vv),
                target.unwrap_or("(none)")
            ));
            return None;
        };
        let value = VALUE_ELEMENTS
            .iter()
            .find_map(|name| vv.child(name))
            .map(|v| v.text.trim().to_owned())
            .unwrap_or_default();
        (!value.is_empty()).then(|| (column.clone(), value))
    };

    // Case values per source.
    let mut case_values: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for case in root
        .child("Cases")
        .into_iter()
        .flat_map(|c| c.children_named("Case"))
    {
        let case_name = case.attr("name").unwrap_or("(unnamed)");
        let values: Vec<(String, String)> = case
            .children_named("VariableValue")
            .filter_map(|vv| read_value(vv, &mut problems))
            .collect();
        let sources: Vec<String> = case
            .children_named("SourceRef")
            .filter_map(|r| r.attr("targetGUID").map(normalise_guid))
            .collect();
        if sources.is_empty() && !values.is_empty() {
            problems.skip(format!(
                "{}: case {case_name:?} refers to no source: its {} values are not imported",
                at(case),
                values.len()
            ));
        }
        let selection_refs = case.children_named("SelectionRef").count();
        let code_refs = case.children_named("CodeRef").count();
        if selection_refs + code_refs > 0 {
            problems.skip(format!(
                "{}: case {case_name:?}: {selection_refs} SelectionRef and {code_refs} CodeRef elements (thema's attributes are per document)",
                at(case)
            ));
        }
        for source in sources {
            case_values
                .entry(source)
                .or_default()
                .extend(values.iter().cloned());
        }
    }

    // Sources.
    let project_user = root.attr("creatingUserGUID").map(normalise_guid);
    let mut unknown_users: BTreeMap<String, usize> = BTreeMap::new();
    let mut coder_of = |guid: Option<String>| -> String {
        match guid {
            Some(g) => match users.get(&g) {
                Some(name) => name.clone(),
                None => {
                    *unknown_users.entry(g.clone()).or_default() += 1;
                    g
                }
            },
            None => {
                *unknown_users.entry("(none)".into()).or_default() += 1;
                "unknown".to_owned()
            }
        }
    };
    let mut project = ImportedProject {
        name,
        qde: qde.clone(),
        codes: CodeImport::default(),
        codebook_toml: codebook_text,
        ..ImportedProject::default()
    };
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut used_files: HashSet<String> = HashSet::new();
    let mut codings = Vec::new();
    let sources = root.child("Sources");
    for source in sources.iter().flat_map(|s| s.children.iter()) {
        let source_name = source
            .attr("name")
            .map(clean_id)
            .filter(|n| !n.is_empty())
            .or_else(|| source.attr("guid").map(str::to_owned))
            .unwrap_or_else(|| "(unnamed)".into());
        if source.name != "TextSource" {
            let kind = source.name.trim_end_matches("Source").to_lowercase();
            problems.skip(format!(
                "{}: {} source {source_name:?}: only text sources are imported",
                at(source),
                if kind.is_empty() { "a" } else { &kind }
            ));
            continue;
        }
        let guid = source.attr("guid").map(normalise_guid).unwrap_or_default();
        let what = format!("{}: source {source_name:?}", at(source));

        // The text, and whether the selections' positions can be trusted on it.
        let mut positions_hold = true;
        let raw: std::result::Result<String, String> = if let Some(content) =
            source.child("PlainTextContent")
        {
            Ok(content.text.clone())
        } else {
            let plain = match source.attr("plainTextPath") {
                Some(p) => archive
                    .resolve(p)
                    .map_err(|m| Error::input(path, format!("{what}: {m}")))?
                    .map(|i| (p, i)),
                None => None,
            };
            let rich = match source.attr("richTextPath") {
                Some(p) => archive
                    .resolve(p)
                    .map_err(|m| Error::input(path, format!("{what}: {m}")))?
                    .map(|i| (p, i)),
                None => None,
            };
            match (plain, rich) {
                (Some((_, index)), _) => archive
                    .read(index)
                    .map_err(|m| Error::input(path, m))
                    .map(|b| decode_source(&b))?,
                (None, Some((rich_path, index))) => {
                    positions_hold = false;
                    let bytes = archive.read(index).map_err(|m| Error::input(path, m))?;
                    if rich_path.to_ascii_lowercase().ends_with(".docx") {
                        warnings.push(format!(
                            "{what}: its text is read from its Word file {rich_path:?}"
                        ));
                        crate::ingest::docx::read_docx(&bytes)
                            .map(|e| e.text)
                            .map_err(|m| format!("its Word file cannot be read: {m}"))
                    } else {
                        Err(format!(
                            "its text is only in {rich_path:?}, and only .docx rich text can be read"
                        ))
                    }
                }
                (None, None) => Err(
                    match (source.attr("plainTextPath"), source.attr("richTextPath")) {
                        (None, None) => {
                            "it has neither PlainTextContent, plainTextPath nor richTextPath".into()
                        }
                        (p, r) => format!(
                            "its text file {:?} is not in the archive",
                            p.or(r).unwrap_or_default()
                        ),
                    },
                ),
            }
        };
        // The codings, checked against the text.
        let mut raw_codings: Vec<(RawCoding, String)> = Vec::new();
        let source_user = source.attr("creatingUser").map(normalise_guid);
        let selections: Vec<&Element> = source.children_named("PlainTextSelection").collect();
        let whole_source: Vec<&Element> = source.children_named("Coding").collect();
        let raw = match raw {
            Ok(raw) => raw,
            Err(reason) => {
                let codings = selections
                    .iter()
                    .map(|s| s.children_named("Coding").count())
                    .sum::<usize>()
                    + whole_source.len();
                problems.skip(format!(
                    "{what}: {reason}; the source and its {codings} codings are not imported"
                ));
                continue;
            }
        };
        let length = raw.chars().count();
        let code_of = |coding: &Element, problems: &mut Problems<'_>| -> Result<Option<String>> {
            let target = coding.child("CodeRef").and_then(|r| r.attr("targetGUID"));
            match target.and_then(|t| code_ids.get(normalise_guid(t).as_str())) {
                Some(id) => Ok(Some((*id).to_owned())),
                None => {
                    problems.problem(format!(
                        "{}: coding {} refers to code {}, which is not in the code book",
                        at(coding),
                        coding.attr("guid").unwrap_or("(no guid)"),
                        target.unwrap_or("(none)")
                    ))?;
                    Ok(None)
                }
            }
        };
        for selection in &selections {
            let sel_codings: Vec<&Element> = selection.children_named("Coding").collect();
            let sel_guid = selection.attr("guid").unwrap_or("(no guid)");
            let here = format!(
                "{}: selection {sel_guid} of source {source_name:?}",
                at(selection)
            );
            if sel_codings.is_empty() {
                problems.skip(format!("{here}: no coding on it"));
                continue;
            }
            let position = |name: &str| {
                selection
                    .attr(name)
                    .and_then(|v| v.trim().parse::<usize>().ok())
            };
            let (Some(start), Some(end)) = (position("startPosition"), position("endPosition"))
            else {
                problems.problem(format!(
                    "{here}: startPosition {:?} and endPosition {:?} must be whole numbers",
                    selection.attr("startPosition").unwrap_or(""),
                    selection.attr("endPosition").unwrap_or("")
                ))?;
                continue;
            };
            if !positions_hold {
                problems.skip(format!(
                    "{here}: its positions refer to the exporter's plain text, which the project does not include (only a Word file); {} codings not imported",
                    sel_codings.len()
                ));
                continue;
            }
            if start > end || end > length {
                problems.problem(format!(
                    "{here}: span {start}..{end} does not fit its text ({length} characters)"
                ))?;
                continue;
            }
            if start == end {
                problems.skip(format!("{here}: empty span {start}..{end}"));
                continue;
            }
            let selection_user = selection.attr("creatingUser").map(normalise_guid);
            for coding in sel_codings {
                let Some(code) = code_of(coding, &mut problems)? else {
                    continue;
                };
                let user = coding
                    .attr("creatingUser")
                    .map(normalise_guid)
                    .or_else(|| selection_user.clone())
                    .or_else(|| source_user.clone())
                    .or_else(|| project_user.clone());
                let memo = super::notes::memo_of(&[selection, coding], &notes, &mut used_notes);
                raw_codings.push((
                    RawCoding {
                        start,
                        end,
                        code,
                        coder: coder_of(user),
                        memo,
                    },
                    here.clone(),
                ));
            }
        }
        for coding in whole_source {
            let Some(code) = code_of(coding, &mut problems)? else {
                continue;
            };
            if length == 0 {
                problems.skip(format!(
                    "{what}: a coding of the whole source, which is empty"
                ));
                continue;
            }
            let user = coding
                .attr("creatingUser")
                .map(normalise_guid)
                .or_else(|| source_user.clone())
                .or_else(|| project_user.clone());
            let memo = super::notes::memo_of(&[coding], &notes, &mut used_notes);
            raw_codings.push((
                RawCoding {
                    start: 0,
                    end: length,
                    code,
                    coder: coder_of(user),
                    memo,
                },
                format!("{}: coding of the whole source {source_name:?}", at(coding)),
            ));
            warnings.push(format!(
                "{}: source {source_name:?} is coded as a whole: imported as a span over all its text",
                at(coding)
            ));
        }

        // The text as thema will read it, with the id in its front matter.
        let bounds: Vec<usize> = raw_codings
            .iter()
            .flat_map(|(c, _)| [c.start, c.end])
            .collect();
        let normalised = textmap::normalise(&raw, &bounds);
        if normalised.controls > 0 {
            warnings.push(format!(
                "{what}: {} control characters written as spaces (thema refuses them in text files)",
                normalised.controls
            ));
        }
        if normalised.approximate {
            warnings.push(format!(
                "{what}: some selections start or end inside a CRLF pair or an accented letter that thema joins; they were moved to the nearest whole character"
            ));
        }
        let existing = textmap::front_matter_id(&normalised.text).map(|id| clean_id(&id));
        let id = match existing {
            Some(id) if !id.is_empty() && !used_ids.contains(&id) => id,
            _ => {
                let base = clean_id(name_stem(&source_name));
                let base = if base.is_empty() {
                    "source".to_owned()
                } else {
                    base
                };
                unique(&base, |c| used_ids.contains(c))
            }
        };
        used_ids.insert(id.clone());
        if id != source_name {
            warnings.push(format!("{what} is document `{id}`"));
        }
        let placed = textmap::with_id(&normalised.text, &id);
        match crate::ingest::decode::decode(placed.text.as_bytes()) {
            Ok(decoded) if decoded.text == placed.text => {}
            _ => {
                problems.skip(format!(
                    "{what}: its text cannot be written so that thema reads it back unchanged; the source and its {} codings are not imported",
                    raw_codings.len()
                ));
                used_ids.remove(&id);
                continue;
            }
        }
        let file_name = format!(
            "{}.txt",
            unique(&file_stem(&id), |c| used_files.contains(&c.to_lowercase()))
        );
        used_files.insert(file_name.trim_end_matches(".txt").to_lowercase());
        let document = project.documents.len();
        for (coding, here) in raw_codings {
            let start = placed.edit.start(normalised.position(coding.start));
            let end = placed.edit.end(normalised.position(coding.end));
            if start >= end {
                problems.skip(format!("{here}: the span is empty once normalised"));
                continue;
            }
            codings.push(ImportedCoding {
                document,
                start,
                end,
                coder: coding.coder,
                code: coding.code,
                memo: coding.memo,
            });
        }
        project.memos.extend(super::notes::memos_about(
            source,
            &id,
            "",
            &notes,
            &mut used_notes,
        ));

        // Attributes: the case's values, then the source's own; front matter wins.
        let front: BTreeMap<String, String> =
            crate::ingest::plaintext::parse_front_matter(Path::new("source"), &placed.text)
                .map(|f| f.attributes())
                .unwrap_or_default();
        let mut values: BTreeMap<String, String> = BTreeMap::new();
        let own: Vec<(String, String)> = source
            .children_named("VariableValue")
            .filter_map(|vv| read_value(vv, &mut problems))
            .collect();
        for (column, value) in case_values.get(&guid).into_iter().flatten().chain(&own) {
            if let Some(text_value) = front.get(column)
                && text_value != value
            {
                warnings.push(format!(
                    "{what}: variable `{column}` is {value:?} in the project but {text_value:?} in the text's front matter; the front matter's value is kept"
                ));
                continue;
            }
            match values.get(column) {
                Some(first) if first != value => warnings.push(format!(
                    "{what}: variable `{column}` has two values, {first:?} and {value:?}; kept the first"
                )),
                Some(_) => {}
                None => {
                    values.insert(column.clone(), value.clone());
                }
            }
        }
        project.attributes.push(values);
        project.documents.push(ImportedDocument {
            id,
            source_name,
            file_name,
            text: placed.text,
        });
    }
    for (user, n) in unknown_users {
        if user == "(none)" {
            warnings.push(format!(
                "{n} codings name no creating user: coder `unknown`"
            ));
        } else {
            warnings.push(format!(
                "{n} codings by user {user}, who is not among the project's users: coder `{user}`"
            ));
        }
    }
    project.memos.extend(super::notes::code_memos(
        root.child("CodeBook").and_then(|c| c.child("Codes")),
        &code_ids,
        &notes,
        &mut used_notes,
    ));
    project.memos.extend(super::notes::memos_about(
        &root,
        "",
        "",
        &notes,
        &mut used_notes,
    ));
    // Notes nothing imported refers to are kept as memos of the project.
    for (guid, note) in &notes {
        if !used_notes.contains(guid) {
            project.memos.push(super::notes::ImportedMemo {
                document: String::new(),
                code: String::new(),
                author: note.author.clone(),
                name: note.name.clone(),
                text: note.text.clone(),
            });
        }
    }
    for (container, item, what) in [
        ("Sets", "Set", "sets"),
        ("Links", "Link", "links"),
        ("Graphs", "Graph", "graphs"),
    ] {
        let n = root
            .child(container)
            .map_or(0, |c| c.children_named(item).count());
        if n > 0 {
            problems.skip(format!("{n} {what}: thema has no place for them"));
        }
    }
    codings.sort();
    codings.dedup();
    project.codings = codings;
    project.variables = columns;
    project.codes = codes;
    project.warnings = warnings;
    project
        .warnings
        .extend(project.codes.warnings.iter().cloned());
    project.skipped = problems.skipped;
    Ok(project)
}

impl ImportedProject {
    /// The codings CSV: `document,code,coder,start,end,text`, and `memo` when a coding has
    /// one.
    pub fn codings_csv(&self) -> Result<String> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let fail = |e: csv::Error| Error::Usage(format!("cannot write the codings CSV: {e}"));
        let memos = self.codings.iter().any(|c| !c.memo.is_empty());
        let mut header = crate::columns::IMPORTED_CODINGS.to_vec();
        if memos {
            header.push("memo");
        }
        writer.write_record(&header).map_err(fail)?;
        for coding in &self.codings {
            let doc = &self.documents[coding.document];
            let text: String = doc
                .text
                .chars()
                .skip(coding.start)
                .take(coding.end - coding.start)
                .collect();
            let (start, end) = (coding.start.to_string(), coding.end.to_string());
            let mut row = vec![
                doc.id.as_str(),
                &coding.code,
                &coding.coder,
                &start,
                &end,
                &text,
            ];
            if memos {
                row.push(&coding.memo);
            }
            writer.write_record(&row).map_err(fail)?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| Error::Usage(format!("cannot write the codings CSV: {e}")))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The attributes CSV (`document` and one column per variable), when there are values.
    pub fn attributes_csv(&self) -> Result<Option<String>> {
        if self.attributes.iter().all(BTreeMap::is_empty) {
            return Ok(None);
        }
        let mut writer = csv::Writer::from_writer(Vec::new());
        let fail = |e: csv::Error| Error::Usage(format!("cannot write the attributes CSV: {e}"));
        let mut header = vec!["document"];
        header.extend(self.variables.iter().map(String::as_str));
        writer.write_record(&header).map_err(fail)?;
        for (doc, values) in self.documents.iter().zip(&self.attributes) {
            let mut row = vec![doc.id.as_str()];
            row.extend(
                self.variables
                    .iter()
                    .map(|v| values.get(v).map_or("", String::as_str)),
            );
            writer.write_record(&row).map_err(fail)?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| Error::Usage(format!("cannot write the attributes CSV: {e}")))?;
        Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// Writes `DIR/sources/*.txt`, `DIR/codings.csv`, `DIR/attributes.csv` (when there are
    /// values) and `DIR/codebook.toml`; nothing is written when a file exists and `force` is
    /// off. Returns the files written and warnings about the folder.
    pub fn write(&self, dir: &Path, force: bool) -> Result<(Vec<PathBuf>, Vec<String>)> {
        let mut files: Vec<(OutputFile, Vec<u8>)> = Vec::new();
        for doc in &self.documents {
            files.push((
                OutputFile::check(&dir.join("sources").join(&doc.file_name), force)?,
                doc.text.clone().into_bytes(),
            ));
        }
        files.push((
            OutputFile::check(&dir.join("codings.csv"), force)?,
            self.codings_csv()?.into_bytes(),
        ));
        if let Some(csv) = self.attributes_csv()? {
            files.push((
                OutputFile::check(&dir.join(crate::ingest::FOLDER_ATTRIBUTES), force)?,
                csv.into_bytes(),
            ));
        }
        if !self.memos.is_empty() {
            files.push((
                OutputFile::check(&dir.join("memos.csv"), force)?,
                super::notes::memos_csv(&self.memos)?.into_bytes(),
            ));
        }
        files.push((
            OutputFile::check(&dir.join("codebook.toml"), force)?,
            self.codebook_toml.clone().into_bytes(),
        ));
        let mut warnings = Vec::new();
        let ours: HashSet<&str> = self
            .documents
            .iter()
            .map(|d| d.file_name.as_str())
            .collect();
        if let Ok(entries) = std::fs::read_dir(dir.join("sources")) {
            let stale = entries
                .filter_map(|e| e.ok())
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    !ours.contains(name.as_str())
                        && !name.starts_with('.')
                        && (name.ends_with(".txt") || name.ends_with(".md"))
                })
                .count();
            if stale > 0 {
                warnings.push(format!(
                    "{} holds {stale} other transcripts that are not from this project; thema will read them too",
                    dir.join("sources").display()
                ));
            }
        }
        let mut written = Vec::new();
        for (file, bytes) in &files {
            file.write(bytes)?;
            written.push(file.path.clone());
        }
        Ok((written, warnings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_problems_name_the_entry_with_forward_slashes() {
        let mut bytes =
            zipsafe::zip_of(&[("project.qde", b"<Project/>"), ("sources\\a.txt", b"a")]);
        // Set the encryption flag of the second entry in its local and central header.
        for (signature, flags_at) in [(b"PK\x03\x04", 6), (b"PK\x01\x02", 8)] {
            let at = bytes
                .windows(4)
                .enumerate()
                .filter(|(_, w)| w == signature)
                .nth(1)
                .unwrap()
                .0;
            bytes[at + flags_at] |= 1;
        }
        let limits = Limits {
            max_entry_bytes: 5,
            max_total_bytes: 20,
        };
        let mut archive = Archive::open(&bytes, limits).unwrap();
        assert_eq!(
            archive.names,
            [
                ("project.qde".to_owned(), 0),
                ("sources/a.txt".to_owned(), 1)
            ]
        );
        assert_eq!(
            archive.read(0).unwrap_err(),
            "zip entry project.qde unpacks to more than 5 bytes: refusing it"
        );
        assert_eq!(
            archive.read(1).unwrap_err(),
            "zip entry sources/a.txt is encrypted"
        );
    }

    #[test]
    fn ids_and_file_names_are_clean() {
        assert_eq!(clean_id("  \"Interview\n 1\"  "), "Interview 1");
        assert_eq!(name_stem("Interview 1.DOCX"), "Interview 1");
        assert_eq!(file_stem("Interview 1/é"), "Interview_1_é");
        assert_eq!(file_stem("../.."), "source");
        assert_eq!(unique("a", |c| c == "a" || c == "a-2"), "a-3");
    }
}

//! The REFI-QDA codebook exchange file (`.qdc`), both ways.
//!
//! Import also takes a project (`.qdpx` or `.qde`) and reads its code book.

use std::path::Path;

use super::codes::{CodeImport, codebook_toml, import_codes, read_codes, write_codes};
use super::import::{Archive, DEFAULT_LIMITS, parse_xml, read_project_xml};
use super::xml::XmlOut;
use crate::codebook::Codebook;
use crate::{Error, Result};

/// The codebook namespace.
pub const CODEBOOK_NAMESPACE: &str = "urn:QDA-XML:codebook:1.0";

/// The `.qdc` XML of `codebook`. A codebook needs at least one code.
pub fn export_codebook(codebook: &Codebook) -> Result<String> {
    if codebook.codes.is_empty() {
        return Err(Error::Usage(format!(
            "{}: the codebook has no codes, and a .qdc needs at least one",
            codebook.path.display()
        )));
    }
    let mut out = XmlOut::new();
    let origin = super::origin();
    out.open(
        "CodeBook",
        &[("xmlns", CODEBOOK_NAMESPACE), ("origin", &origin)],
    );
    out.open("Codes", &[]);
    write_codes(&mut out, codebook);
    out.close("Codes");
    out.close("CodeBook");
    Ok(out.finish())
}

/// A codebook read from a `.qdc` or a project.
#[derive(Debug)]
pub struct ImportedCodebook {
    /// Codebook TOML that `thema codebook check` accepts.
    pub toml: String,
    /// The codes and what changed on the way.
    pub codes: CodeImport,
    /// What was not imported (sets), one line each.
    pub skipped: Vec<String>,
}

/// Reads the code book in `bytes` (a `.qdc`, a `.qde` or a `.qdpx`, read from `path`).
pub fn import_codebook(path: &Path, bytes: &[u8]) -> Result<ImportedCodebook> {
    let mut warnings = Vec::new();
    let file_name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let root = if bytes.starts_with(b"PK") {
        let mut archive =
            Archive::open(bytes, DEFAULT_LIMITS).map_err(|m| Error::input(path, m))?;
        read_project_xml(&mut archive, path, &mut warnings)?.0
    } else {
        parse_xml(path, &file_name, bytes)?
    };
    let (codes_element, name, description) = match root.name.as_str() {
        "CodeBook" => (
            root.child("Codes"),
            path.file_stem()
                .map_or_else(|| "codebook".into(), |s| s.to_string_lossy().into_owned()),
            String::new(),
        ),
        "Project" => (
            root.child("CodeBook").and_then(|c| c.child("Codes")),
            root.attr("name").unwrap_or("project").trim().to_owned(),
            root.child("Description")
                .map(|d| d.text.trim().to_owned())
                .unwrap_or_default(),
        ),
        other => {
            return Err(Error::input(
                path,
                format!("not a REFI-QDA codebook: the root element is <{other}>, not <CodeBook>"),
            ));
        }
    };
    let tree = codes_element.map(read_codes).unwrap_or_default();
    let mut codes = import_codes(&tree);
    codes.warnings.splice(0..0, warnings);
    let mut skipped = Vec::new();
    let sets = root
        .child("Sets")
        .map_or(0, |s| s.children_named("Set").count());
    if sets > 0 {
        skipped.push(format!("{sets} code sets: thema has no place for them"));
    }
    let toml = codebook_toml(
        &name,
        &description,
        &path.display().to_string(),
        &codes.codes,
    );
    Codebook::from_source(Path::new("imported codebook"), &toml).map_err(|e| {
        Error::Usage(format!(
            "internal error: the imported codebook is invalid: {e}"
        ))
    })?;
    Ok(ImportedCodebook {
        toml,
        codes,
        skipped,
    })
}

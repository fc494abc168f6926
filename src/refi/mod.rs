//! REFI-QDA exchange: the project format (`.qdpx`, a zip of `project.qde` and the source
//! files) and the codebook format (`.qdc`) that NVivo, ATLAS.ti, MAXQDA and QualCoder read and
//! write. Schemas: `Project.xsd` and `Codebook.xsd`, QDA-XML 1.0
//! (`urn:QDA-XML:project:1.0`, `urn:QDA-XML:codebook:1.0`).
//!
//! - [`qde::export_project`] writes a `.qdpx`: one `User` per coder, the code tree, a
//!   `TextSource` per document whose `sources/<GUID>.txt` is the document text exactly as
//!   thema read it (UTF-8, no BOM, `\n` line ends), a `PlainTextSelection` per coded span with
//!   positions in Unicode code points `[start, end)` of that text, and a `Case` per document
//!   carrying its attributes as typed variables.
//! - [`qdc::export_codebook`] / [`qdc::import_codebook`] exchange a codebook; thema's code ids
//!   and labels in other languages travel in a `[thema]` block at the end of each code's
//!   description (see [`codes`]), so a round trip keeps them.
//! - [`import::import_project`] reads a `.qdpx` back into text files, a codings CSV with
//!   `start,end` positions in the text as thema will read it, an attributes CSV and a codebook.
//!
//! Every GUID is a UUIDv5 of a fixed namespace and the thing it names (document id, code id,
//! coder, span), and the zip has fixed entry times and order: the same inputs give a
//! byte-identical `.qdpx`.

pub mod codes;
pub mod import;
pub mod notes;
pub mod qdc;
pub mod qde;
mod textmap;
pub mod xml;

use uuid::Uuid;

/// The namespace of every GUID thema writes (a fixed, arbitrary UUID).
const NAMESPACE: Uuid = Uuid::from_u128(0x5b0e_7a43_91c2_4d6f_8e15_2c7a_d94b_3f60);

/// The `origin` thema writes into projects and codebooks.
pub fn origin() -> String {
    format!("thema {}", env!("CARGO_PKG_VERSION"))
}

/// A stable GUID (upper-case, hyphenated) for the thing of `kind` named by `parts`.
pub fn guid(kind: &str, parts: &[&str]) -> String {
    let mut name = String::from(kind);
    for part in parts {
        // U+001F (unit separator) cannot occur in ids read from text, so keys never collide.
        name.push('\u{1f}');
        name.push_str(part);
    }
    Uuid::new_v5(&NAMESPACE, name.as_bytes())
        .hyphenated()
        .to_string()
        .to_uppercase()
}

/// A GUID as written by any exporter (`{...}`, any case) in one comparable form.
pub fn normalise_guid(guid: &str) -> String {
    guid.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_stable_distinct_and_schema_shaped() {
        let a = guid("code", &["proactivity"]);
        assert_eq!(a, guid("code", &["proactivity"]));
        assert_ne!(a, guid("code", &["proactivity.initiative"]));
        assert_ne!(
            guid("selection", &["a", "bc"]),
            guid("selection", &["ab", "c"])
        );
        assert_eq!(a.len(), 36);
        assert!(
            a.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase())
        );
        assert_eq!(normalise_guid(&format!("{{{a}}}")), a.to_lowercase());
    }
}

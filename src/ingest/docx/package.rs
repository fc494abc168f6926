//! The zip package of a document: opening it safely, finding the main part through the
//! relationships and content types, and reading the metadata part; every problem in the
//! words of the document readers.

use std::collections::BTreeMap;

use quick_xml::events::BytesStart;

use super::one_line;
use super::xml::{Handler, attr, decode_xml, walk_xml};
use crate::zipsafe::{self, Limits, ZipProblem};

pub(super) const ENCRYPTED: &str =
    "the document is encrypted (password-protected): remove the password and save it again";

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Docx,
    Odt,
}

impl Kind {
    fn ext(self) -> &'static str {
        match self {
            Kind::Docx => ".docx",
            Kind::Odt => ".odt",
        }
    }

    fn old_doc(self) -> &'static str {
        match self {
            Kind::Docx => "old Word 97-2003 .doc: save it as .docx",
            Kind::Odt => "old Word 97-2003 .doc, not an .odt: save it as .docx or .odt",
        }
    }

    /// The message for bytes that are not a zip at all, naming what they look like.
    fn not_zip(self, bytes: &[u8]) -> String {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_lowercase();
        let head = head.trim_start_matches('\u{feff}').trim_start();
        let ext = self.ext();
        if head.starts_with("{\\rtf") {
            format!("an RTF file, not a {ext}: save it as {ext}")
        } else if head.starts_with('<') && head.contains("word.document") {
            format!("a Word 2003 XML file, not a {ext}: save it as {ext}")
        } else if head.starts_with('<') && head.contains("office:document") {
            format!("a flat OpenDocument XML file (.fodt), not a {ext}: save it as {ext}")
        } else if head.starts_with('<') {
            format!("an XML or HTML file, not a {ext}: save it as {ext}")
        } else {
            format!("not a {ext} file: it is not a zip package")
        }
    }
}

/// The zip archive of a document, with its entry names checked and its unpacking capped.
pub(super) struct Package<'b> {
    zip: zipsafe::Archive<'b>,
}

impl<'b> Package<'b> {
    pub(super) fn open(bytes: &'b [u8], kind: Kind, limits: Limits) -> Result<Self, String> {
        if bytes.is_empty() {
            return Err("empty file".into());
        }
        if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            // Password-protected .docx files are OLE containers holding an EncryptedPackage.
            if contains_utf16(bytes, "EncryptedPackage") {
                return Err(ENCRYPTED.into());
            }
            return Err(kind.old_doc().into());
        }
        let zip = zipsafe::Archive::open(bytes, limits).map_err(|problem| match problem {
            ZipProblem::NotZip(_) if !bytes.starts_with(b"PK") => kind.not_zip(bytes),
            problem => zip_message(problem),
        })?;
        Ok(Package { zip })
    }

    /// The index of entry `name`; part names are case-insensitive.
    fn index(&self, name: &str) -> Option<usize> {
        let names = self.zip.names();
        names
            .iter()
            .position(|n| n == name)
            .or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(name)))
    }

    pub(super) fn contains(&self, name: &str) -> bool {
        self.index(name).is_some()
    }

    /// Unpacks entry `name`, if the zip has it.
    pub(super) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, String> {
        let Some(index) = self.index(name) else {
            return Ok(None);
        };
        self.zip.read(index).map(Some).map_err(zip_message)
    }

    /// Reads the optional part `part`, if the package has it, and walks its XML with
    /// `handler`. A part that does not parse is a warning (`{problem}: {error}`), not an
    /// error. Whether the part was there and parsed.
    pub(super) fn walk_part(
        &mut self,
        part: &str,
        handler: &mut impl Handler,
        problem: &str,
        warnings: &mut Vec<String>,
    ) -> Result<bool, String> {
        let Some(raw) = self.read(part)? else {
            return Ok(false);
        };
        let xml = decode_xml(raw, part, warnings);
        match walk_xml(&xml, part, handler) {
            Ok(_) => Ok(true),
            Err(e) => {
                warnings.push(format!("{problem}: {e}"));
                Ok(false)
            }
        }
    }

    /// The relationships in part `rels` as (type, resolved target) pairs; external targets
    /// are left out. Targets are relative to `base_dir` (ending in `/`, or empty).
    pub(super) fn relationships(
        &mut self,
        rels: &str,
        base_dir: &str,
        warnings: &mut Vec<String>,
    ) -> Result<Vec<(String, String)>, String> {
        let mut collector = Relationships {
            base_dir,
            found: Vec::new(),
        };
        self.walk_part(rels, &mut collector, "relationships not read", warnings)?;
        Ok(collector.found)
    }
}

/// A zip problem in the words of the document readers (a zip that is not one at all is
/// named in [`Kind::not_zip`]).
fn zip_message(problem: ZipProblem) -> String {
    match problem {
        ZipProblem::Encrypted(_) => ENCRYPTED.into(),
        ZipProblem::Unsafe(name) => format!(
            "unsafe path {} in the zip: refusing to read the document",
            one_line(&format!("{name:?}"))
        ),
        // A zip that cannot be read, in whole or in part.
        ZipProblem::NotZip(e) => format!(
            "corrupt or truncated file: the zip cannot be read ({})",
            one_line(&e)
        ),
        ZipProblem::Corrupt(e) => format!("corrupt zip: {}", one_line(&e)),
        ZipProblem::CannotUnpack { name, error } => format!(
            "corrupt zip: cannot unpack {}: {}",
            one_line(&name),
            one_line(&error)
        ),
        // Too much to unpack.
        ZipProblem::EntryTooBig { name, max } => format!(
            "{} unpacks to more than {}: refusing to unpack it (zip bomb?)",
            one_line(&name),
            size_text(max)
        ),
        ZipProblem::TotalTooBig { max } => format!(
            "the document unpacks to more than {} in all: refusing to unpack it (zip bomb?)",
            size_text(max)
        ),
    }
}

fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let needle: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

fn size_text(bytes: u64) -> String {
    if bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// Part name `target` resolved against `base_dir`; `None` if it climbs out of the package.
fn resolve_part(base_dir: &str, target: &str) -> Option<String> {
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None => format!("{base_dir}{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The target of the first relationship whose type ends with `type_suffix`.
pub(super) fn relationship(rels: &[(String, String)], type_suffix: &str) -> Option<String> {
    rels.iter()
        .find(|(kind, _)| kind.ends_with(type_suffix))
        .map(|(_, target)| target.clone())
}

/// The main document part: from the package relationships, else from the content types,
/// else `word/document.xml`.
pub(super) fn find_main_part(
    pkg: &mut Package,
    root_rels: &[(String, String)],
    warnings: &mut Vec<String>,
) -> Result<String, String> {
    let mut named = None;
    for (kind, target) in root_rels {
        if kind.ends_with("/officeDocument") {
            if pkg.contains(target) {
                return Ok(target.clone());
            }
            named.get_or_insert_with(|| target.clone());
        }
    }
    let mut types = ContentTypes::default();
    pkg.walk_part(
        "[Content_Types].xml",
        &mut types,
        "content types not read",
        warnings,
    )?;
    if let Some(part) = types.main.into_iter().find(|p| pkg.contains(p)) {
        return Ok(part);
    }
    if pkg.contains("word/document.xml") {
        return Ok("word/document.xml".into());
    }
    Err(if pkg.contains("content.xml") || pkg.contains("mimetype") {
        "an OpenDocument file, not a Word .docx: if it is a text document, give it the .odt extension".into()
    } else if pkg.contains("xl/workbook.xml") {
        "an Excel workbook, not a Word document".into()
    } else if pkg.contains("ppt/presentation.xml") {
        "a PowerPoint presentation, not a Word document".into()
    } else if let Some(named) = named {
        format!(
            "not a Word document: its main part {} is missing from the zip",
            one_line(&named)
        )
    } else {
        "not a Word document: the zip has no word/document.xml".into()
    })
}

/// Reads the text of the elements named `wanted` from a metadata part; a broken part is a
/// warning, not an error.
pub(super) fn read_meta(
    pkg: &mut Package,
    part: &str,
    wanted: &'static [&'static str],
    warnings: &mut Vec<String>,
) -> Result<BTreeMap<String, String>, String> {
    let mut meta = MetaCollector {
        wanted,
        open: Vec::new(),
        values: BTreeMap::new(),
    };
    if !pkg.walk_part(part, &mut meta, "document properties not read", warnings)? {
        return Ok(BTreeMap::new());
    }
    Ok(meta
        .values
        .into_iter()
        .map(|(k, v)| (k, one_line(&v)))
        .filter(|(_, v)| !v.is_empty())
        .collect())
}

struct Relationships<'a> {
    base_dir: &'a str,
    found: Vec<(String, String)>,
}

impl Handler for Relationships<'_> {
    fn start(&mut self, name: &str, e: &BytesStart<'_>) -> bool {
        if name == "Relationship"
            && !attr(e, "TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("external"))
            && let (Some(kind), Some(target)) = (attr(e, "Type"), attr(e, "Target"))
            && let Some(target) = resolve_part(self.base_dir, &target)
        {
            self.found.push((kind, target));
        }
        true
    }
    fn end(&mut self) {}
    fn text(&mut self, _: &str) {}
}

#[derive(Default)]
struct ContentTypes {
    main: Vec<String>,
}

impl Handler for ContentTypes {
    fn start(&mut self, name: &str, e: &BytesStart<'_>) -> bool {
        if name == "Override"
            && let (Some(part), Some(kind)) = (attr(e, "PartName"), attr(e, "ContentType"))
        {
            let kind = kind.to_ascii_lowercase();
            if kind.ends_with(".main+xml")
                && (kind.contains("wordprocessingml") || kind.contains("ms-word"))
                && let Some(part) = resolve_part("", &part)
            {
                self.main.push(part);
            }
        }
        true
    }
    fn end(&mut self) {}
    fn text(&mut self, _: &str) {}
}

struct MetaCollector {
    wanted: &'static [&'static str],
    open: Vec<Option<&'static str>>,
    values: BTreeMap<String, String>,
}

impl Handler for MetaCollector {
    fn start(&mut self, name: &str, _: &BytesStart<'_>) -> bool {
        let wanted = self.wanted.iter().copied().find(|w| *w == name);
        self.open.push(wanted);
        true
    }
    fn end(&mut self) {
        self.open.pop();
    }
    fn text(&mut self, text: &str) {
        if let Some(Some(name)) = self.open.last() {
            self.values
                .entry((*name).to_owned())
                .or_default()
                .push_str(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{Rng, document_xml, fixture, mutate, p};
    use super::super::{Extracted, read_docx, read_docx_with, read_odt};
    use super::*;
    use crate::zipsafe::zip_of;

    const ENCRYPTED_MSG: &str =
        "the document is encrypted (password-protected): remove the password and save it again";

    #[test]
    fn broken_files_give_clear_errors() {
        type Reader = fn(&[u8]) -> Result<Extracted, String>;
        let cases: [(&str, Reader, &str); 12] = [
            ("empty.docx", read_docx, "empty file"),
            (
                "old-word.doc",
                read_docx,
                "old Word 97-2003 .doc: save it as .docx",
            ),
            (
                "old-word.doc",
                read_odt,
                "old Word 97-2003 .doc, not an .odt: save it as .docx or .odt",
            ),
            ("encrypted-ooxml.docx", read_docx, ENCRYPTED_MSG),
            ("encrypted-flag.docx", read_docx, ENCRYPTED_MSG),
            (
                "truncated.docx",
                read_docx,
                "corrupt or truncated file: the zip cannot be read (invalid Zip archive: Could not find EOCD)",
            ),
            (
                "evil-path.docx",
                read_docx,
                r#"unsafe path "../evil.xml" in the zip: refusing to read the document"#,
            ),
            (
                "not-word.docx",
                read_docx,
                "not a Word document: the zip has no word/document.xml",
            ),
            (
                "not-word.docx",
                read_odt,
                "not an OpenDocument text: the zip has no content.xml",
            ),
            (
                "plain.docx",
                read_odt,
                "a Word .docx file, not an .odt: give it the .docx extension",
            ),
            (
                "transcript.odt",
                read_docx,
                "an OpenDocument file, not a Word .docx: if it is a text document, give it the .odt extension",
            ),
            ("empty.docx", read_odt, "empty file"),
        ];
        for (name, read, message) in cases {
            assert_eq!(read(&fixture(name)).unwrap_err(), message, "{name}");
        }
    }

    #[test]
    fn unpacked_size_is_capped() {
        let bomb = fixture("bomb.docx");
        let per_entry = Limits {
            max_entry_bytes: 1 << 20,
            max_total_bytes: 256 << 20,
        };
        assert_eq!(
            read_docx_with(&bomb, per_entry).unwrap_err(),
            "word/document.xml unpacks to more than 1 MiB: refusing to unpack it (zip bomb?)"
        );
        let in_all = Limits {
            max_entry_bytes: 8 << 20,
            max_total_bytes: 2 << 20,
        };
        assert_eq!(
            read_docx_with(&bomb, in_all).unwrap_err(),
            "the document unpacks to more than 2 MiB in all: refusing to unpack it (zip bomb?)"
        );
        assert_eq!(read_docx(&bomb).unwrap().text, "I: Groot bestand.\n");
        // A zip that understates the unpacked size is stopped, never read beyond its claim.
        let xml = document_xml(&p(&"x".repeat(5000)));
        let mut lying = zip_of(&[("word/document.xml", xml.as_bytes())]);
        for (signature, size_at) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
            let at = lying.windows(4).position(|w| w == signature).unwrap() + size_at;
            lying[at..at + 4].copy_from_slice(&100u32.to_le_bytes());
        }
        let small = Limits {
            max_entry_bytes: 1000,
            max_total_bytes: 1000,
        };
        let err = read_docx_with(&lying, small).unwrap_err();
        assert!(
            err.starts_with("corrupt zip: cannot unpack word/document.xml"),
            "{err}"
        );
    }

    #[test]
    fn main_part_found_through_relationships_or_content_types() {
        let body = document_xml(&p("I: Hoi."));
        let types = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/doc/main.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>"#;
        let bytes = zip_of(&[
            ("[Content_Types].xml", types.as_bytes()),
            ("doc/main.xml", body.as_bytes()),
        ]);
        assert_eq!(read_docx(&bytes).unwrap().text, "I: Hoi.\n");
        // Relative targets and part names in another case.
        let rels = r#"<Relationships><Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="./Word/../word/Doc.XML"/></Relationships>"#;
        let bytes = zip_of(&[
            ("_rels/.rels", rels.as_bytes()),
            ("word/doc.xml", body.as_bytes()),
        ]);
        assert_eq!(read_docx(&bytes).unwrap().text, "I: Hoi.\n");
        let rels = r#"<Relationships><Relationship Type="x/officeDocument" Target="word/weg.xml"/></Relationships>"#;
        let bytes = zip_of(&[("_rels/.rels", rels.as_bytes())]);
        assert_eq!(
            read_docx(&bytes).unwrap_err(),
            "not a Word document: its main part word/weg.xml is missing from the zip"
        );
    }

    #[test]
    fn other_files_are_named() {
        let cases: [(&[u8], &str); 6] = [
            (b"{\\rtf1\\ansi hallo}", "an RTF file, not a .docx: save it as .docx"),
            (b"<html><body>hoi</body></html>", "an XML or HTML file, not a .docx: save it as .docx"),
            (
                b"<?xml version=\"1.0\"?><?mso-application progid=\"Word.Document\"?><w:wordDocument/>",
                "a Word 2003 XML file, not a .docx: save it as .docx",
            ),
            (b"Interviewer: hallo", "not a .docx file: it is not a zip package"),
            (b"PK\x03\x04kapot", "corrupt or truncated file: the zip cannot be read (invalid Zip archive: Could not find EOCD)"),
            (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "old Word 97-2003 .doc: save it as .docx"),
        ];
        for (bytes, message) in cases {
            assert_eq!(read_docx(bytes).unwrap_err(), message);
        }
        assert_eq!(
            read_odt(b"<?xml version=\"1.0\"?><office:document/>").unwrap_err(),
            "a flat OpenDocument XML file (.fodt), not a .odt: save it as .odt"
        );
        let sheet = zip_of(&[("xl/workbook.xml", b"<workbook/>")]);
        assert_eq!(
            read_docx(&sheet).unwrap_err(),
            "an Excel workbook, not a Word document"
        );
        let slides = zip_of(&[("ppt/presentation.xml", b"<p/>")]);
        assert_eq!(
            read_docx(&slides).unwrap_err(),
            "a PowerPoint presentation, not a Word document"
        );
        let ods = zip_of(&[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("content.xml", b"<x/>"),
        ]);
        assert_eq!(
            read_odt(&ods).unwrap_err(),
            "an OpenDocument spreadsheet file, not a text document (.odt)"
        );
        let locked = zip_of(&[
            ("content.xml", b"\x00\x01binary"),
            (
                "META-INF/manifest.xml",
                b"<manifest:manifest><manifest:file-entry manifest:full-path=\"content.xml\"><manifest:encryption-data/></manifest:file-entry></manifest:manifest>",
            ),
        ]);
        assert_eq!(read_odt(&locked).unwrap_err(), ENCRYPTED_MSG);
    }

    #[test]
    fn unsafe_entry_names_are_refused() {
        for name in [
            "/etc/passwd",
            "a/../../b.xml",
            "..\\evil.xml",
            "C:/evil.xml",
            "word/../../x",
        ] {
            let bytes = zip_of(&[
                ("word/document.xml", document_xml("").as_bytes()),
                (name, b"x"),
            ]);
            let err = read_docx(&bytes).unwrap_err();
            assert!(err.starts_with("unsafe path "), "{name}: {err}");
        }
        // `..` inside a name or a folder that stays inside is fine.
        let bytes = zip_of(&[
            ("word/document.xml", document_xml(&p("I: Ok.")).as_bytes()),
            ("media/a..b.png", b"x"),
        ]);
        assert_eq!(read_docx(&bytes).unwrap().text, "I: Ok.\n");
    }

    #[test]
    fn mutated_packages_never_panic() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for name in [
            "plain.docx",
            "speaker-table.docx",
            "tracked-changes.docx",
            "transcript.odt",
            "libreoffice.docx",
            "strict.docx",
            "doctype-entities.docx",
            "evil-path.docx",
            "encrypted-flag.docx",
            "encrypted-ooxml.docx",
        ] {
            let original = fixture(name);
            for _ in 0..150 {
                let bytes = mutate(&mut rng, &original);
                let _ = read_docx(&bytes);
                let _ = read_odt(&bytes);
            }
        }
    }
}

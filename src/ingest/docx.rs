//! Word .docx and OpenDocument .odt transcripts, turned into plain text for the plain-text
//! turn parser ([`super::plaintext::parse_turns`]).
//!
//! - Paragraphs come in document order, separated by a blank line; a line break inside a
//!   paragraph becomes `\n` and a tab `\t`.
//! - A row of a speaker table (`speaker | text`, or `time | speaker | text`) becomes
//!   `Speaker: text` or `[time] Speaker: text`; the rows of other tables become their cells
//!   joined by tabs, one paragraph per row. Text in nested tables is kept.
//! - A paragraph that starts with a bold speaker name followed by plain text reads
//!   `Name: text`, with the colon added when the document has none.
//! - Tracked changes are read as if all were accepted. Field codes, footnotes, endnotes,
//!   comments, headers and footers are not body text and are left out (with a warning
//!   that counts the notes and comments).
//! - The title, author and creation date of the document become the properties `title`,
//!   `author` and `created`.
//!
//! A document is untrusted input: zip entry names that point outside the package are
//! refused, unpacked sizes are capped ([`Limits`]), and no XML entity is expanded apart
//! from the five predefined ones and character references.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Cursor, Read};
use std::sync::LazyLock;

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use regex::Regex;
use zip::ZipArchive;
use zip::result::ZipError;

/// Text and metadata read from a word-processor document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// The body text: paragraphs separated by a blank line, with a final newline.
    pub text: String,
    /// The document properties that are set, among `title`, `author` and `created`.
    pub properties: BTreeMap<String, String>,
    /// What was left out or read in a particular way, one line each.
    pub warnings: Vec<String>,
}

/// How much a document may unpack to; beyond that reading stops with an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes one zip entry may unpack to.
    pub max_entry_bytes: u64,
    /// The most bytes all the entries read from one document may unpack to together.
    pub max_total_bytes: u64,
}

impl Default for Limits {
    /// 256 MiB per entry and in total.
    fn default() -> Self {
        Limits {
            max_entry_bytes: 256 << 20,
            max_total_bytes: 256 << 20,
        }
    }
}

/// Reads a Word .docx (also .docm, .dotx, Strict OOXML) with the default [`Limits`].
/// The error is one line, to be prefixed with the file name.
pub fn read_docx(bytes: &[u8]) -> Result<Extracted, String> {
    read_docx_with(bytes, Limits::default())
}

/// Reads an OpenDocument text (.odt, .ott) with the default [`Limits`].
/// The error is one line, to be prefixed with the file name.
pub fn read_odt(bytes: &[u8]) -> Result<Extracted, String> {
    read_odt_with(bytes, Limits::default())
}

/// [`read_docx`] with explicit size caps.
pub fn read_docx_with(bytes: &[u8], limits: Limits) -> Result<Extracted, String> {
    let mut pkg = Package::open(bytes, Kind::Docx, limits)?;
    let mut warnings = Vec::new();
    let root_rels = pkg.relationships("_rels/.rels", "", &mut warnings)?;
    let main = find_main_part(&mut pkg, &root_rels, &mut warnings)?;
    let (dir, file) = main.rsplit_once('/').unwrap_or(("", main.as_str()));
    let dir = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let part_rels = pkg.relationships(&format!("{dir}_rels/{file}.rels"), &dir, &mut warnings)?;
    let styles_part =
        relationship(&part_rels, "/styles").unwrap_or_else(|| format!("{dir}styles.xml"));
    let mut styles = StyleMap::new();
    if let Some(raw) = pkg.read(&styles_part)? {
        let xml = decode_xml(raw, &styles_part, &mut warnings);
        let mut collector = DocxStyles::new(&mut styles);
        if let Err(e) = walk_xml(&xml, &styles_part, &mut collector) {
            warnings.push(format!(
                "styles not read, so bold is only seen when direct: {e}"
            ));
        }
    }
    let bold_styles = resolve_bold(&styles);
    let raw = pkg
        .read(&main)?
        .ok_or_else(|| format!("not a Word document: the zip has no {main}"))?;
    let xml = decode_xml(raw, &main, &mut warnings);
    let mut body = DocxBody::new(&bold_styles);
    let stats = walk_xml(&xml, &main, &mut body)?;
    stats.warn(&main, &mut warnings);
    body.notes.warn(&mut warnings);
    if !body.fields.is_empty() {
        warnings.push("a field code never ends: text after it may be missing".into());
    }
    let core = relationship(&root_rels, "/core-properties")
        .unwrap_or_else(|| "docProps/core.xml".to_owned());
    let found = read_meta(
        &mut pkg,
        &core,
        &["title", "creator", "created"],
        &mut warnings,
    )?;
    let mut properties = BTreeMap::new();
    for (key, from) in [
        ("title", "title"),
        ("author", "creator"),
        ("created", "created"),
    ] {
        if let Some(value) = found.get(from) {
            properties.insert(key.to_owned(), value.clone());
        }
    }
    Ok(finish(body.out, properties, warnings))
}

/// [`read_odt`] with explicit size caps.
pub fn read_odt_with(bytes: &[u8], limits: Limits) -> Result<Extracted, String> {
    let mut pkg = Package::open(bytes, Kind::Odt, limits)?;
    let mut warnings = Vec::new();
    if let Some(raw) = pkg.read("mimetype")? {
        let mime = String::from_utf8_lossy(&raw).trim().to_owned();
        if let Some(sub) = mime.strip_prefix("application/vnd.oasis.opendocument.")
            && !sub.starts_with("text")
        {
            return Err(format!(
                "an OpenDocument {} file, not a text document (.odt)",
                one_line(sub)
            ));
        }
    }
    if !pkg.contains("content.xml") {
        return Err(
            if pkg.contains("word/document.xml") || pkg.contains("[Content_Types].xml") {
                "a Word .docx file, not an .odt: give it the .docx extension".into()
            } else {
                "not an OpenDocument text: the zip has no content.xml".into()
            },
        );
    }
    if let Some(raw) = pkg.read("META-INF/manifest.xml")?
        && String::from_utf8_lossy(&raw).contains("encryption-data")
    {
        return Err(ENCRYPTED.into());
    }
    let mut styles = StyleMap::new();
    if let Some(raw) = pkg.read("styles.xml")? {
        let xml = decode_xml(raw, "styles.xml", &mut warnings);
        if let Err(e) = walk_xml(&xml, "styles.xml", &mut OdtStyles::new(&mut styles)) {
            warnings.push(format!(
                "styles not read, so bold is only seen when direct: {e}"
            ));
        }
    }
    let raw = pkg.read("content.xml")?.unwrap_or_default();
    let xml = decode_xml(raw, "content.xml", &mut warnings);
    // Automatic styles come before the body; an error here shows up in the body walk.
    let _ = walk_xml(&xml, "content.xml", &mut OdtStyles::new(&mut styles));
    let bold_styles = resolve_bold(&styles);
    let mut body = OdtBody::new(&bold_styles);
    let stats = walk_xml(&xml, "content.xml", &mut body)?;
    stats.warn("content.xml", &mut warnings);
    body.notes.warn(&mut warnings);
    let found = read_meta(
        &mut pkg,
        "meta.xml",
        &["title", "initial-creator", "creator", "creation-date"],
        &mut warnings,
    )?;
    let mut properties = BTreeMap::new();
    if let Some(title) = found.get("title") {
        properties.insert("title".to_owned(), title.clone());
    }
    if let Some(author) = found
        .get("initial-creator")
        .or_else(|| found.get("creator"))
    {
        properties.insert("author".to_owned(), author.clone());
    }
    if let Some(created) = found.get("creation-date") {
        properties.insert("created".to_owned(), created.clone());
    }
    Ok(finish(body.out, properties, warnings))
}

fn finish(
    out: Builder,
    properties: BTreeMap<String, String>,
    mut warnings: Vec<String>,
) -> Extracted {
    let text = out.finish();
    if text.is_empty() {
        warnings.push("the document has no text".into());
    }
    Extracted {
        text,
        properties,
        warnings,
    }
}

// ---------------------------------------------------------------------------------------
// The zip package
// ---------------------------------------------------------------------------------------

const ENCRYPTED: &str =
    "the document is encrypted (password-protected): remove the password and save it again";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
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
struct Package<'b> {
    zip: ZipArchive<Cursor<&'b [u8]>>,
    names: Vec<String>,
    limits: Limits,
    unpacked: u64,
}

impl<'b> Package<'b> {
    fn open(bytes: &'b [u8], kind: Kind, limits: Limits) -> Result<Self, String> {
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
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            if bytes.starts_with(b"PK") {
                format!(
                    "corrupt or truncated zip: {} (save the document again)",
                    zip_error(&e)
                )
            } else {
                kind.not_zip(bytes)
            }
        })?;
        let mut names = Vec::with_capacity(zip.len());
        for index in 0..zip.len() {
            let entry = zip
                .by_index_data(index)
                .map_err(|e| format!("corrupt zip: {}", zip_error(&e)))?;
            let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
            if entry.enclosed_name().is_none() || unsafe_entry_name(&name) {
                return Err(format!(
                    "unsafe path {} in the zip: refusing to read the document",
                    one_line(&format!("{name:?}"))
                ));
            }
            names.push(name);
        }
        Ok(Package {
            zip,
            names,
            limits,
            unpacked: 0,
        })
    }

    /// The index of entry `name`; part names are case-insensitive.
    fn index(&self, name: &str) -> Option<usize> {
        self.names
            .iter()
            .position(|n| n == name)
            .or_else(|| self.names.iter().position(|n| n.eq_ignore_ascii_case(name)))
    }

    fn contains(&self, name: &str) -> bool {
        self.index(name).is_some()
    }

    /// Unpacks entry `name`, if the zip has it.
    fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, String> {
        let Some(index) = self.index(name) else {
            return Ok(None);
        };
        let name = self.names[index].clone();
        let (encrypted, declared) = {
            let entry = self
                .zip
                .by_index_data(index)
                .map_err(|e| format!("corrupt zip: {}", zip_error(&e)))?;
            (entry.encrypted(), entry.size())
        };
        if encrypted {
            return Err(ENCRYPTED.into());
        }
        let limits = self.limits;
        let room = limits.max_total_bytes.saturating_sub(self.unpacked);
        let cap = limits.max_entry_bytes.min(room);
        let too_big = || {
            if limits.max_entry_bytes <= room {
                format!(
                    "{} unpacks to more than {}: refusing to unpack it (zip bomb?)",
                    one_line(&name),
                    size_text(limits.max_entry_bytes)
                )
            } else {
                format!(
                    "the document unpacks to more than {} in all: refusing to unpack it (zip bomb?)",
                    size_text(limits.max_total_bytes)
                )
            }
        };
        if declared > cap {
            return Err(too_big());
        }
        let file = self.zip.by_index(index).map_err(|e| match e {
            ZipError::UnsupportedArchive(m) if m == ZipError::PASSWORD_REQUIRED => {
                ENCRYPTED.to_owned()
            }
            e => format!(
                "corrupt zip: cannot unpack {}: {}",
                one_line(&name),
                zip_error(&e)
            ),
        })?;
        let mut data = Vec::new();
        file.take(cap.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|e| {
                format!(
                    "corrupt zip: cannot unpack {}: {}",
                    one_line(&name),
                    one_line(&e.to_string())
                )
            })?;
        if data.len() as u64 > cap {
            return Err(too_big());
        }
        self.unpacked += data.len() as u64;
        Ok(Some(data))
    }

    /// The relationships in part `rels` as (type, resolved target) pairs; external targets
    /// are left out. Targets are relative to `base_dir` (ending in `/`, or empty).
    fn relationships(
        &mut self,
        rels: &str,
        base_dir: &str,
        warnings: &mut Vec<String>,
    ) -> Result<Vec<(String, String)>, String> {
        let Some(raw) = self.read(rels)? else {
            return Ok(Vec::new());
        };
        let xml = decode_xml(raw, rels, warnings);
        let mut collector = Relationships {
            base_dir,
            found: Vec::new(),
        };
        if let Err(e) = walk_xml(&xml, rels, &mut collector) {
            warnings.push(format!("relationships not read: {e}"));
        }
        Ok(collector.found)
    }
}

fn zip_error(e: &ZipError) -> String {
    one_line(&e.to_string())
}

/// Entry names that are absolute or climb out of the package (`..`), with either slash.
fn unsafe_entry_name(name: &str) -> bool {
    name.starts_with(['/', '\\'])
        || name.as_bytes().get(1) == Some(&b':')
        || name.contains('\0')
        || name.split(['/', '\\']).any(|part| part == "..")
}

fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let needle: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

fn size_text(bytes: u64) -> String {
    if bytes % (1 << 20) == 0 {
        format!("{} MiB", bytes >> 20)
    } else if bytes % (1 << 10) == 0 {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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
fn relationship(rels: &[(String, String)], type_suffix: &str) -> Option<String> {
    rels.iter()
        .find(|(kind, _)| kind.ends_with(type_suffix))
        .map(|(_, target)| target.clone())
}

/// The main document part: from the package relationships, else from the content types,
/// else `word/document.xml`.
fn find_main_part(
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
    if let Some(raw) = pkg.read("[Content_Types].xml")? {
        let xml = decode_xml(raw, "[Content_Types].xml", warnings);
        let mut types = ContentTypes::default();
        if let Err(e) = walk_xml(&xml, "[Content_Types].xml", &mut types) {
            warnings.push(format!("content types not read: {e}"));
        }
        if let Some(part) = types.main.into_iter().find(|p| pkg.contains(p)) {
            return Ok(part);
        }
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
fn read_meta(
    pkg: &mut Package,
    part: &str,
    wanted: &'static [&'static str],
    warnings: &mut Vec<String>,
) -> Result<BTreeMap<String, String>, String> {
    let Some(raw) = pkg.read(part)? else {
        return Ok(BTreeMap::new());
    };
    let xml = decode_xml(raw, part, warnings);
    let mut meta = MetaCollector {
        wanted,
        open: Vec::new(),
        values: BTreeMap::new(),
    };
    if let Err(e) = walk_xml(&xml, part, &mut meta) {
        warnings.push(format!("document properties not read: {e}"));
        return Ok(BTreeMap::new());
    }
    Ok(meta
        .values
        .into_iter()
        .map(|(k, v)| (k, one_line(&v)))
        .filter(|(_, v)| !v.is_empty())
        .collect())
}

/// XML bytes as text: UTF-8 or UTF-16 by byte-order mark, else the declared encoding.
fn decode_xml(raw: Vec<u8>, part: &str, warnings: &mut Vec<String>) -> String {
    let (text, encoding, had_errors) = encoding_rs::UTF_8.decode(&raw);
    if !had_errors {
        return text.into_owned();
    }
    if encoding == encoding_rs::UTF_8
        && let Some(declared) = declared_encoding(&raw)
        && let Some(other) = encoding_rs::Encoding::for_label(declared.as_bytes())
        && other != encoding_rs::UTF_8
    {
        let (text, _, had_errors) = other.decode(&raw);
        if had_errors {
            warnings.push(format!(
                "{part} is not valid {}: unreadable bytes were replaced",
                other.name()
            ));
        }
        return text.into_owned();
    }
    warnings.push(format!(
        "{part} is not valid {}: unreadable bytes were replaced",
        encoding.name()
    ));
    text.into_owned()
}

fn declared_encoding(raw: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&raw[..raw.len().min(200)]).into_owned();
    let decl = head.strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rest[1..];
    Some(rest[..rest.find(quote)?].to_owned())
}

// ---------------------------------------------------------------------------------------
// XML walking
// ---------------------------------------------------------------------------------------

/// Receives the elements and text of an XML part, by local name.
trait Handler {
    /// An element opens; return `false` to skip everything inside it (no `end` follows).
    fn start(&mut self, name: &str, element: &BytesStart<'_>) -> bool;
    /// The element last opened (and not skipped) closes.
    fn end(&mut self);
    /// Character data, with entity and character references resolved.
    fn text(&mut self, text: &str);
}

/// What a walk left out.
#[derive(Default)]
struct XmlStats {
    unknown_entities: BTreeSet<String>,
    unknown_count: usize,
}

impl XmlStats {
    fn warn(&self, part: &str, warnings: &mut Vec<String>) {
        if self.unknown_count > 0 {
            let names: Vec<&str> = self.unknown_entities.iter().map(String::as_str).collect();
            warnings.push(format!(
                "{part}: left out {} reference{} to undefined XML entities ({}): entities \
                 declared in a DOCTYPE are not expanded",
                self.unknown_count,
                if self.unknown_count == 1 { "" } else { "s" },
                names.join(", ")
            ));
        }
    }
}

/// Walks XML text, calling `handler` with local names (prefixes and namespaces ignored).
/// Only the five predefined entities and character references are resolved.
fn walk_xml(xml: &str, part: &str, handler: &mut impl Handler) -> Result<XmlStats, String> {
    let mut reader = Reader::from_str(xml);
    let mut stats = XmlStats::default();
    let mut depth = 0usize;
    let mut skip = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| {
            format!(
                "{part} is not well-formed XML (at byte {}): {}",
                reader.error_position(),
                one_line(&e.to_string())
            )
        })?;
        match event {
            Event::Start(e) => {
                depth += 1;
                if skip > 0 {
                    skip += 1;
                } else if !handler.start(e.local_name().into_inner(), &e) {
                    skip = 1;
                }
            }
            Event::Empty(e) => {
                if skip == 0 && handler.start(e.local_name().into_inner(), &e) {
                    handler.end();
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if skip > 0 {
                    skip -= 1;
                } else {
                    handler.end();
                }
            }
            Event::Text(t) if skip == 0 => handler.text(&t.xml10_content()),
            Event::CData(t) if skip == 0 => handler.text(&t.xml10_content()),
            Event::GeneralRef(r) if skip == 0 => match r.resolve_char_ref() {
                Ok(Some(c)) => {
                    if !c.is_control() || c == '\t' || c == '\n' {
                        handler.text(c.encode_utf8(&mut [0; 4]));
                    }
                }
                Ok(None) => match resolve_xml_entity(&r) {
                    Some(s) => handler.text(s),
                    None => {
                        stats.unknown_count += 1;
                        if stats.unknown_entities.len() < 5 {
                            stats.unknown_entities.insert(format!("&{};", &*r));
                        }
                    }
                },
                Err(_) => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if depth > 0 {
        return Err(format!("{part} is truncated: it ends inside an element"));
    }
    Ok(stats)
}

/// The value of the attribute with local name `name`, entities resolved where possible.
fn attr(element: &BytesStart<'_>, name: &str) -> Option<String> {
    let mut attributes = element.attributes();
    attributes.with_checks(false);
    attributes
        .map_while(Result::ok)
        .find(|a| a.key.local_name().into_inner() == name)
        .map(|a| match a.normalized_value(XmlVersion::Implicit1_0) {
            Ok(value) => value.into_owned(),
            Err(_) => a.value.clone().into_owned(),
        })
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

// ---------------------------------------------------------------------------------------
// Styles: which character and paragraph styles are bold
// ---------------------------------------------------------------------------------------

/// Style name to (parent style, bold if the style sets it).
type StyleMap = HashMap<String, (Option<String>, Option<bool>)>;

/// The styles that end up bold or not bold once their parents are followed.
fn resolve_bold(styles: &StyleMap) -> HashMap<String, bool> {
    let mut resolved = HashMap::new();
    for name in styles.keys() {
        let mut current = name;
        for _ in 0..32 {
            let Some((parent, bold)) = styles.get(current) else {
                break;
            };
            if let Some(bold) = bold {
                resolved.insert(name.clone(), *bold);
                break;
            }
            match parent {
                Some(parent) => current = parent,
                None => break,
            }
        }
    }
    resolved
}

/// `w:b`-style on/off values: absent, `true`, `1`, `on` are on.
fn on_off(value: Option<String>) -> bool {
    value.is_none_or(|v| {
        !matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "false" | "0" | "off" | "none"
        )
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum StyleTag {
    Style,
    RPr,
    Other,
}

/// Collects `w:style` definitions from a .docx styles part.
struct DocxStyles<'m> {
    map: &'m mut StyleMap,
    tags: Vec<StyleTag>,
    current: Option<String>,
}

impl<'m> DocxStyles<'m> {
    fn new(map: &'m mut StyleMap) -> Self {
        DocxStyles {
            map,
            tags: Vec::new(),
            current: None,
        }
    }
}

impl Handler for DocxStyles<'_> {
    fn start(&mut self, name: &str, e: &BytesStart<'_>) -> bool {
        let parent = self.tags.last().copied();
        let grandparent = self.tags.len().checked_sub(2).map(|i| self.tags[i]);
        let tag = match name {
            "style" => {
                self.current = attr(e, "styleId");
                if let Some(id) = &self.current {
                    self.map.insert(id.clone(), (None, None));
                }
                StyleTag::Style
            }
            "rPr" => StyleTag::RPr,
            "basedOn" if parent == Some(StyleTag::Style) => {
                if let Some(id) = &self.current
                    && let Some(entry) = self.map.get_mut(id)
                {
                    entry.0 = attr(e, "val");
                }
                StyleTag::Other
            }
            "b" if parent == Some(StyleTag::RPr) && grandparent == Some(StyleTag::Style) => {
                if let Some(id) = &self.current
                    && let Some(entry) = self.map.get_mut(id)
                {
                    entry.1 = Some(on_off(attr(e, "val")));
                }
                StyleTag::Other
            }
            _ => StyleTag::Other,
        };
        self.tags.push(tag);
        true
    }
    fn end(&mut self) {
        if self.tags.pop() == Some(StyleTag::Style) {
            self.current = None;
        }
    }
    fn text(&mut self, _: &str) {}
}

/// Collects `style:style` definitions from an .odt content or styles part.
struct OdtStyles<'m> {
    map: &'m mut StyleMap,
    tags: Vec<StyleTag>,
    current: Option<String>,
}

impl<'m> OdtStyles<'m> {
    fn new(map: &'m mut StyleMap) -> Self {
        OdtStyles {
            map,
            tags: Vec::new(),
            current: None,
        }
    }
}

impl Handler for OdtStyles<'_> {
    fn start(&mut self, name: &str, e: &BytesStart<'_>) -> bool {
        let parent = self.tags.last().copied();
        let tag = match name {
            "style" => {
                self.current = attr(e, "name");
                if let Some(id) = &self.current {
                    self.map
                        .insert(id.clone(), (attr(e, "parent-style-name"), None));
                }
                StyleTag::Style
            }
            "text-properties" if parent == Some(StyleTag::Style) => {
                if let Some(id) = &self.current
                    && let Some(entry) = self.map.get_mut(id)
                    && let Some(weight) = attr(e, "font-weight")
                {
                    entry.1 = odf_bold(&weight);
                }
                StyleTag::Other
            }
            "body" => return false,
            _ => StyleTag::Other,
        };
        self.tags.push(tag);
        true
    }
    fn end(&mut self) {
        if self.tags.pop() == Some(StyleTag::Style) {
            self.current = None;
        }
    }
    fn text(&mut self, _: &str) {}
}

fn odf_bold(weight: &str) -> Option<bool> {
    match weight.trim() {
        "bold" => Some(true),
        "normal" => Some(false),
        n => n.parse::<u32>().ok().map(|n| n >= 600),
    }
}

// ---------------------------------------------------------------------------------------
// Assembling paragraphs and tables
// ---------------------------------------------------------------------------------------

/// Stands in for `: ` after a bold speaker name that had no colon, until it is known
/// whether the paragraph is speech in a speaker table (then the name is just text).
const MARK_SPACE: char = '\u{E000}';
/// As [`MARK_SPACE`], where the name is followed by a line break.
const MARK_LINE: char = '\u{E001}';

/// A paragraph being read.
#[derive(Debug, Default)]
struct Para {
    text: String,
    /// End of the bold text at the start of the paragraph.
    bold_end: usize,
    /// Plain (not bold) text has come after the start.
    lead_closed: bool,
    /// The paragraph's style is bold.
    base_bold: bool,
    /// The paragraph mark is deleted (tracked change): the paragraph runs on into the next.
    join_next: bool,
    /// The text so far ends in collapsible white space (OpenDocument).
    space_before: bool,
}

impl Para {
    fn push(&mut self, s: &str, bold: bool) {
        let s: Cow<str> = if s.contains([MARK_SPACE, MARK_LINE]) {
            s.replace([MARK_SPACE, MARK_LINE], "").into()
        } else {
            s.into()
        };
        if s.is_empty() {
            return;
        }
        if !self.lead_closed {
            if bold {
                self.text.push_str(&s);
                self.bold_end = self.text.len();
                return;
            }
            if !s.trim().is_empty() {
                self.lead_closed = true;
            }
        }
        self.text.push_str(&s);
    }

    fn finish(self) -> String {
        let text = if self.lead_closed && self.bold_end > 0 {
            label_bold_lead(&self.text[..self.bold_end], &self.text[self.bold_end..])
                .unwrap_or(self.text)
        } else {
            self.text
        };
        tidy(&text)
    }
}

/// `Name: text` for a paragraph that starts with bold `lead` followed by plain `rest`, if
/// the lead looks like a speaker name; a missing colon is marked with [`MARK_SPACE`] or
/// [`MARK_LINE`].
fn label_bold_lead(lead: &str, rest: &str) -> Option<String> {
    let mut name = lead.trim().to_owned();
    let mut rest = rest;
    if let Some(m) = PAREN_TIME_START.find(rest) {
        name = format!("{name} {}", m.as_str().trim());
        rest = &rest[m.end()..];
    }
    if name.contains('\n') {
        return None;
    }
    let bare = name.strip_suffix(':').unwrap_or(&name).trim_end();
    let trimmed = rest.trim_start();
    let (had_colon, after) = match trimmed.strip_prefix(':') {
        Some(after) => (true, after.trim_start()),
        None => (name.ends_with(':'), trimmed),
    };
    if after.is_empty() {
        return None;
    }
    let without_time = TIME_IN.replace_all(bare, " ");
    if !speaker_name(&one_line(&without_time)) {
        return None;
    }
    let newline = rest[..rest.len() - after.len()].contains('\n');
    Some(match (had_colon, newline) {
        (true, true) => format!("{bare}:\n{after}"),
        (true, false) => format!("{bare}: {after}"),
        (false, true) => format!("{bare}{MARK_LINE}{after}"),
        (false, false) => format!("{bare}{MARK_SPACE}{after}"),
    })
}

/// Whether `name` can be a speaker: ≤ 4 words, ≤ 40 characters, starts with a letter or
/// digit, no sentence punctuation.
fn speaker_name(name: &str) -> bool {
    let name = name.trim();
    let Some(first) = name.chars().next() else {
        return false;
    };
    let words: Vec<&str> = name.split_whitespace().collect();
    let ends_sentence = name.ends_with('.')
        && words
            .last()
            .is_some_and(|w| w.trim_end_matches('.').chars().count() > 2);
    first.is_alphanumeric()
        && name.chars().count() <= 40
        && words.len() <= 4
        && name.chars().any(char::is_alphabetic)
        && !ends_sentence
        && !name.chars().any(|c| {
            matches!(
                c,
                '?' | '!'
                    | ';'
                    | ','
                    | ':'
                    | '…'
                    | '"'
                    | '“'
                    | '”'
                    | '„'
                    | '('
                    | ')'
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '='
                    | '<'
                    | '>'
                    | '/'
                    | '\\'
                    | '*'
            ) || c.is_control()
        })
}

/// Paragraph text cleaned up: no-break spaces as spaces, soft hyphens and control
/// characters out, lines without trailing white space, no white space around.
fn tidy(text: &str) -> String {
    let mut clean = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{a0}' | '\u{202f}' | '\u{2007}' => clean.push(' '),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    clean.push('\n');
                }
            }
            '\u{2028}' | '\u{2029}' => clean.push('\n'),
            '\u{ad}' => {}
            '\t' | '\n' | MARK_SPACE | MARK_LINE => clean.push(c),
            c if c.is_control() => {}
            c => clean.push(c),
        }
    }
    let lines: Vec<&str> = clean.lines().map(str::trim_end).collect();
    lines.join("\n").trim().to_owned()
}

/// Removes the colon marks: the bold name is just text.
fn unmark(text: &str) -> String {
    text.replace(MARK_SPACE, " ").replace(MARK_LINE, "\n")
}

#[derive(Debug, Default)]
struct Row {
    cells: Vec<Vec<String>>,
    deleted: bool,
}

#[derive(Debug, Default)]
struct Table {
    rows: Vec<Row>,
    row: Option<Row>,
}

impl Table {
    fn close_row(&mut self) {
        if let Some(row) = self.row.take() {
            self.rows.push(row);
        }
    }
}

/// Builds the paragraphs of a document from reading events.
#[derive(Debug, Default)]
struct Builder {
    body: Vec<String>,
    /// Paragraphs of the table cells being read, innermost last.
    cells: Vec<Vec<String>>,
    /// Paragraphs being read; more than one inside text boxes.
    paras: Vec<Para>,
    tables: Vec<Table>,
    /// Text of a paragraph whose mark was deleted, to run on into the next one.
    carry: Option<String>,
}

impl Builder {
    fn emit(&mut self, text: String) {
        if text.is_empty() {
            return;
        }
        match self.cells.last_mut() {
            Some(cell) => cell.push(text),
            None => self.body.push(text),
        }
    }

    fn flush_carry(&mut self) {
        if let Some(carry) = self.carry.take() {
            let text = tidy(&carry);
            self.emit(text);
        }
    }

    fn start_para(&mut self) {
        let mut para = Para::default();
        if let Some(carry) = self.carry.take() {
            para.lead_closed = !carry.trim().is_empty();
            para.text = carry;
        }
        self.paras.push(para);
    }

    fn end_para(&mut self) {
        if let Some(para) = self.paras.pop() {
            let join = para.join_next;
            let text = para.finish();
            if join {
                self.carry = Some(text);
            } else {
                self.emit(text);
            }
        }
    }

    fn text(&mut self, s: &str, bold: bool) {
        if let Some(para) = self.paras.last_mut() {
            para.push(s, bold);
            para.space_before = false;
        }
    }

    /// OpenDocument text: runs of white space count as one space.
    fn text_collapsed(&mut self, s: &str, bold: bool) {
        let Some(para) = self.paras.last_mut() else {
            return;
        };
        let mut space = para.space_before || para.text.is_empty();
        let mut collapsed = String::with_capacity(s.len());
        for c in s.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                if !space {
                    collapsed.push(' ');
                    space = true;
                }
            } else {
                collapsed.push(c);
                space = false;
            }
        }
        para.push(&collapsed, bold);
        para.space_before = space;
    }

    fn set_para_bold(&mut self, bold: bool) {
        if let Some(para) = self.paras.last_mut() {
            para.base_bold = bold;
        }
    }

    fn para_bold(&self) -> bool {
        self.paras.last().is_some_and(|p| p.base_bold)
    }

    fn join_next_para(&mut self) {
        if let Some(para) = self.paras.last_mut() {
            para.join_next = true;
        }
    }

    fn start_table(&mut self) {
        self.flush_carry();
        self.tables.push(Table::default());
    }

    fn end_table(&mut self) {
        self.flush_carry();
        if let Some(mut table) = self.tables.pop() {
            table.close_row();
            for para in render_table(table.rows) {
                self.emit(para);
            }
        }
    }

    fn start_row(&mut self) {
        if let Some(table) = self.tables.last_mut() {
            table.close_row();
            table.row = Some(Row::default());
        }
    }

    fn end_row(&mut self) {
        if let Some(table) = self.tables.last_mut() {
            table.close_row();
        }
    }

    fn delete_row(&mut self) {
        if let Some(table) = self.tables.last_mut() {
            table.row.get_or_insert_with(Row::default).deleted = true;
        }
    }

    fn start_cell(&mut self) {
        self.flush_carry();
        self.cells.push(Vec::new());
    }

    fn end_cell(&mut self) {
        self.flush_carry();
        let Some(cell) = self.cells.pop() else {
            return;
        };
        match self.tables.last_mut() {
            Some(table) => table.row.get_or_insert_with(Row::default).cells.push(cell),
            None => {
                for para in cell {
                    self.emit(para);
                }
            }
        }
    }

    /// The text: paragraphs separated by blank lines, with a final newline.
    fn finish(mut self) -> String {
        while !self.paras.is_empty() {
            self.end_para();
        }
        self.flush_carry();
        let mut text = self
            .body
            .join("\n\n")
            .replace(MARK_SPACE, ": ")
            .replace(MARK_LINE, ":\n");
        if !text.is_empty() {
            text.push('\n');
        }
        text
    }
}

/// Column headings of transcript tables.
const HEADER_WORDS: [&str; 30] = [
    "spreker",
    "speaker",
    "naam",
    "name",
    "wie",
    "who",
    "persoon",
    "person",
    "rol",
    "role",
    "tekst",
    "text",
    "transcript",
    "transcriptie",
    "uitspraak",
    "inhoud",
    "content",
    "utterance",
    "citaat",
    "quote",
    "tijd",
    "time",
    "timestamp",
    "tijdstip",
    "tijdcode",
    "timecode",
    "start",
    "begin",
    "opmerking",
    "comment",
];

const TIME: &str = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?";
static TIME_IN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"[\[(]?({TIME})[\])]?")).expect("static regex"));
static TIME_ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^[\[(]?({TIME})[\])]?$")).expect("static regex"));
static PAREN_TIME_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^[ \t]*[\[(]{TIME}[\])]")).expect("static regex"));

/// What a table row holds.
enum RowForm {
    /// A speaker turn: optional time, speaker, the paragraphs said.
    Turn(Option<String>, String, Vec<String>),
    /// Only text, with the speaker cell(s) empty: more of the previous turn.
    More(Vec<String>),
    Other,
}

fn cell_text(cell: &[String]) -> String {
    unmark(&cell.join("\n")).trim().to_owned()
}

/// The speaker and time in a speaker cell (`Maria`, `Maria:`, `Maria (00:01:23)`,
/// `00:01:23 Maria`, `Maria` and the time on two lines).
fn speaker_cell(cell: &str) -> Option<(String, Option<String>)> {
    if cell.chars().count() > 40 {
        return None;
    }
    let (rest, time) = match TIME_IN.captures(cell) {
        Some(c) => {
            let whole = c.get(0)?;
            (
                format!("{} {}", &cell[..whole.start()], &cell[whole.end()..]),
                Some(c[1].to_owned()),
            )
        }
        None => (cell.to_owned(), None),
    };
    let name = one_line(&rest);
    let name = name
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | '|'))
        .trim_end_matches(':')
        .trim_end();
    speaker_name(name).then(|| (name.to_owned(), time))
}

fn time_only(cell: &str) -> Option<String> {
    TIME_ONLY.captures(cell).map(|c| c[1].to_owned())
}

fn classify_row(cells: &[Vec<String>]) -> RowForm {
    match cells {
        [who, said] => {
            let who = cell_text(who);
            if who.is_empty() {
                RowForm::More(said.clone())
            } else if let Some((name, time)) = speaker_cell(&who) {
                RowForm::Turn(time, name, said.clone())
            } else {
                RowForm::Other
            }
        }
        [a, b, said] => {
            let (a, b) = (cell_text(a), cell_text(b));
            let turn = |time: &str, who: &str| match (time_only(time), speaker_cell(who)) {
                (Some(time), Some((name, None))) => {
                    Some(RowForm::Turn(Some(time), name, said.clone()))
                }
                _ => None,
            };
            if let Some(turn) = turn(&a, &b).or_else(|| turn(&b, &a)) {
                turn
            } else if a.is_empty() && b.is_empty() {
                RowForm::More(said.clone())
            } else {
                RowForm::Other
            }
        }
        _ => RowForm::Other,
    }
}

fn is_header_row(cells: &[Vec<String>]) -> bool {
    let texts: Vec<String> = cells
        .iter()
        .map(|c| cell_text(c).trim_end_matches(':').to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    texts.len() >= 2 && texts.iter().all(|t| HEADER_WORDS.contains(&t.as_str()))
}

/// Cells joined by tabs (one paragraph), or a lone cell's paragraphs as they are.
fn plain_row(cells: &[Vec<String>]) -> Vec<String> {
    if let [cell] = cells {
        return cell.clone();
    }
    let line = cells
        .iter()
        .map(|cell| cell.join(" ").replace('\n', " "))
        .collect::<Vec<_>>()
        .join("\t");
    let line = line.trim_end();
    if line.trim().is_empty() {
        Vec::new()
    } else {
        vec![line.to_owned()]
    }
}

/// The paragraphs of a table. It is read as a speaker table when its rows have a speaker
/// cell and a speaker recurs or the rows carry times; a key | value table is not.
fn render_table(rows: Vec<Row>) -> Vec<String> {
    let rows: Vec<Vec<Vec<String>>> = rows
        .into_iter()
        .filter(|r| !r.deleted && r.cells.iter().any(|c| !c.is_empty()))
        .map(|r| r.cells)
        .collect();
    let mut out = Vec::new();
    let mut body = rows.as_slice();
    if let Some(first) = rows.first()
        && is_header_row(first)
    {
        out.extend(plain_row(first));
        body = &rows[1..];
    }
    let forms: Vec<RowForm> = body.iter().map(|r| classify_row(r)).collect();
    let mut speakers: HashMap<String, usize> = HashMap::new();
    let mut timed = false;
    for form in &forms {
        if let RowForm::Turn(time, name, _) = form {
            *speakers.entry(name.to_lowercase()).or_default() += 1;
            timed |= time.is_some();
        }
    }
    let speaker_table = timed || speakers.values().any(|&n| n >= 2);
    for (cells, form) in body.iter().zip(forms) {
        match form {
            RowForm::Turn(time, name, said) if speaker_table => {
                let label = match time {
                    Some(time) => format!("[{time}] {name}:"),
                    None => format!("{name}:"),
                };
                let said: Vec<String> = said.iter().map(|p| unmark(p)).collect();
                let said = said.join("\n\n");
                out.push(if said.is_empty() {
                    label
                } else {
                    format!("{label} {said}")
                });
            }
            RowForm::More(said) if speaker_table => out.extend(said.iter().map(|p| unmark(p))),
            _ => out.extend(plain_row(cells)),
        }
    }
    out
}

/// Footnotes, comments and tracked changes met in the body.
#[derive(Debug, Default)]
struct Notes {
    footnotes: usize,
    endnotes: usize,
    comments: BTreeSet<String>,
    changes: usize,
    embedded: usize,
}

impl Notes {
    fn warn(&self, warnings: &mut Vec<String>) {
        let count = |n: usize, what: &str| match n {
            0 => None,
            1 => Some(format!("1 {what}")),
            n => Some(format!("{n} {what}s")),
        };
        let left_out: Vec<String> = [
            count(self.footnotes, "footnote"),
            count(self.endnotes, "endnote"),
            count(self.comments.len(), "comment"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !left_out.is_empty() {
            let list = match left_out.as_slice() {
                [one] => one.clone(),
                [init @ .., last] => format!("{} and {last}", init.join(", ")),
                [] => String::new(),
            };
            warnings.push(format!("left out {list}: not body text"));
        }
        if self.changes > 0 {
            warnings.push("the document has tracked changes: read as if all were accepted".into());
        }
        if self.embedded > 0 {
            warnings.push(format!(
                "left out {} embedded document{} (altChunk): open and save the file in Word to merge {}",
                self.embedded,
                if self.embedded == 1 { "" } else { "s" },
                if self.embedded == 1 { "it" } else { "them" }
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------
// .docx body
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    P,
    R,
    RPr,
    PPr,
    TrPr,
    T,
    Tbl,
    Tr,
    Tc,
    Other,
}

struct DocxBody<'s> {
    out: Builder,
    tags: Vec<Tag>,
    bold_styles: &'s HashMap<String, bool>,
    run_direct: Option<bool>,
    run_style: Option<bool>,
    in_t: usize,
    /// Open complex fields: `true` while in the field code, `false` in the result.
    fields: Vec<bool>,
    notes: Notes,
}

impl<'s> DocxBody<'s> {
    fn new(bold_styles: &'s HashMap<String, bool>) -> Self {
        DocxBody {
            out: Builder::default(),
            tags: Vec::new(),
            bold_styles,
            run_direct: None,
            run_style: None,
            in_t: 0,
            fields: Vec::new(),
            notes: Notes::default(),
        }
    }

    fn put(&mut self, s: &str) {
        if self.fields.contains(&true) {
            return;
        }
        let bold = self
            .run_direct
            .or(self.run_style)
            .unwrap_or_else(|| self.out.para_bold());
        self.out.text(s, bold);
    }

    fn style_bold(&self, e: &BytesStart<'_>) -> Option<bool> {
        attr(e, "val").and_then(|id| self.bold_styles.get(&id).copied())
    }
}

impl Handler for DocxBody<'_> {
    fn start(&mut self, name: &str, e: &BytesStart<'_>) -> bool {
        let parent = self.tags.last().copied().unwrap_or(Tag::Other);
        let grandparent = self
            .tags
            .len()
            .checked_sub(2)
            .map_or(Tag::Other, |i| self.tags[i]);
        let in_run = parent == Tag::R;
        let in_run_props = parent == Tag::RPr && grandparent == Tag::R;
        let tag = match name {
            "p" => {
                self.out.start_para();
                Tag::P
            }
            "r" => {
                self.run_direct = None;
                self.run_style = None;
                Tag::R
            }
            "rPr" => Tag::RPr,
            "pPr" => Tag::PPr,
            "trPr" => Tag::TrPr,
            "t" => {
                self.in_t += 1;
                Tag::T
            }
            "tbl" => {
                self.out.start_table();
                Tag::Tbl
            }
            "tr" => {
                self.out.start_row();
                Tag::Tr
            }
            "tc" => {
                self.out.start_cell();
                Tag::Tc
            }
            "pStyle" if parent == Tag::PPr => {
                if let Some(bold) = self.style_bold(e) {
                    self.out.set_para_bold(bold);
                }
                Tag::Other
            }
            "rStyle" if in_run_props => {
                self.run_style = self.style_bold(e);
                Tag::Other
            }
            "b" if in_run_props => {
                self.run_direct = Some(on_off(attr(e, "val")));
                Tag::Other
            }
            "del" | "moveFrom" => match parent {
                Tag::TrPr => {
                    self.out.delete_row();
                    self.notes.changes += 1;
                    Tag::Other
                }
                Tag::RPr if grandparent == Tag::PPr => {
                    self.out.join_next_para();
                    self.notes.changes += 1;
                    Tag::Other
                }
                Tag::RPr => Tag::Other,
                _ => {
                    self.notes.changes += 1;
                    return false;
                }
            },
            "ins" | "moveTo" => {
                if !matches!(parent, Tag::RPr | Tag::TrPr) {
                    self.notes.changes += 1;
                }
                Tag::Other
            }
            "delText" | "delInstrText" | "instrText" | "fldData" | "Fallback" | "rt" => {
                return false;
            }
            "tab" | "ptab" if in_run => {
                self.put("\t");
                Tag::Other
            }
            "br" | "cr" if in_run => {
                self.put("\n");
                Tag::Other
            }
            "noBreakHyphen" if in_run => {
                self.put("-");
                Tag::Other
            }
            "sym" if in_run => {
                if let Some(c) = sym_char(attr(e, "font").as_deref(), attr(e, "char").as_deref()) {
                    self.put(c.encode_utf8(&mut [0; 4]));
                }
                Tag::Other
            }
            "fldChar" => {
                match attr(e, "fldCharType").as_deref() {
                    Some("begin") => self.fields.push(true),
                    Some("separate") => {
                        if let Some(field) = self.fields.last_mut() {
                            *field = false;
                        }
                    }
                    Some("end") => {
                        self.fields.pop();
                    }
                    _ => {}
                }
                Tag::Other
            }
            "footnoteReference" => {
                self.notes.footnotes += 1;
                Tag::Other
            }
            "endnoteReference" => {
                self.notes.endnotes += 1;
                Tag::Other
            }
            "commentReference" | "commentRangeStart" => {
                let id = attr(e, "id").unwrap_or_else(|| format!("#{}", self.notes.comments.len()));
                self.notes.comments.insert(id);
                Tag::Other
            }
            "altChunk" => {
                self.notes.embedded += 1;
                Tag::Other
            }
            _ => Tag::Other,
        };
        self.tags.push(tag);
        true
    }

    fn end(&mut self) {
        match self.tags.pop() {
            Some(Tag::P) => self.out.end_para(),
            Some(Tag::T) => self.in_t = self.in_t.saturating_sub(1),
            Some(Tag::R) => {
                self.run_direct = None;
                self.run_style = None;
            }
            Some(Tag::Tbl) => self.out.end_table(),
            Some(Tag::Tr) => self.out.end_row(),
            Some(Tag::Tc) => self.out.end_cell(),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.in_t > 0 {
            // A raw line break inside w:t shows as a space in Word.
            let text = text.replace(['\r', '\n'], " ");
            self.put(&text);
        }
    }
}

/// The character of a `w:sym`: symbol fonts map their private-use codes to what they show.
fn sym_char(font: Option<&str>, code: Option<&str>) -> Option<char> {
    let mut code = u32::from_str_radix(code?.trim(), 16).ok()?;
    if (0xF000..=0xF0FF).contains(&code) {
        code -= 0xF000;
    }
    let font = font.unwrap_or("").trim().to_ascii_lowercase();
    if font == "symbol" {
        return symbol_font(code);
    }
    if font.starts_with("wingdings") {
        return match code {
            0x4A => Some('☺'),
            0x4C => Some('☹'),
            0x6C | 0x9F => Some('•'),
            0xA7 => Some('▪'),
            0xD8 => Some('➢'),
            0xE0 | 0xE8 => Some('→'),
            0xFB => Some('✗'),
            0xFC => Some('✓'),
            0xFE => Some('☑'),
            _ => None,
        };
    }
    if font.starts_with("webdings") || font.starts_with("zapf") || font == "marlett" {
        return None;
    }
    char::from_u32(code).filter(|c| !c.is_control())
}

/// The Symbol font's encoding (Greek letters and mathematical signs).
fn symbol_font(code: u32) -> Option<char> {
    const UPPER: &str = "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ";
    const LOWER: &str = "αβχδεφγηιϕκλμνοπθρστυϖωξψζ";
    let c = char::from_u32(code)?;
    Some(match code {
        0x41..=0x5A => UPPER.chars().nth((code - 0x41) as usize)?,
        0x61..=0x7A => LOWER.chars().nth((code - 0x61) as usize)?,
        0x22 => '∀',
        0x24 => '∃',
        0x27 => '∋',
        0x2A => '∗',
        0x2D => '−',
        0x40 => '≅',
        0x5C => '∴',
        0x5E => '⊥',
        0x7E => '∼',
        0xA2 => '′',
        0xA3 => '≤',
        0xA5 => '∞',
        0xA7 => '♣',
        0xA8 => '♦',
        0xA9 => '♥',
        0xAA => '♠',
        0xAB => '↔',
        0xAC => '←',
        0xAD => '↑',
        0xAE => '→',
        0xAF => '↓',
        0xB0 => '°',
        0xB1 => '±',
        0xB2 => '″',
        0xB3 => '≥',
        0xB4 => '×',
        0xB5 => '∝',
        0xB6 => '∂',
        0xB7 => '•',
        0xB8 => '÷',
        0xB9 => '≠',
        0xBA => '≡',
        0xBB => '≈',
        0xBC => '…',
        0xD2 | 0xE2 => '®',
        0xD3 | 0xE3 => '©',
        0xD4 | 0xE4 => '™',
        0xD6 => '√',
        0xD7 => '⋅',
        0xD8 => '¬',
        0xE5 => '∑',
        0xF2 => '∫',
        0x20..=0x3F | 0x5B | 0x5D | 0x5F | 0x7B..=0x7D => c,
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------
// .odt body
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum OdtTag {
    Para,
    Span,
    Table,
    Row,
    Cell,
    Other,
}

struct OdtBody<'s> {
    out: Builder,
    tags: Vec<OdtTag>,
    bold_styles: &'s HashMap<String, bool>,
    /// Whether the text is bold, per open paragraph and span.
    bold: Vec<bool>,
    notes: Notes,
}

impl<'s> OdtBody<'s> {
    fn new(bold_styles: &'s HashMap<String, bool>) -> Self {
        OdtBody {
            out: Builder::default(),
            tags: Vec::new(),
            bold_styles,
            bold: Vec::new(),
            notes: Notes::default(),
        }
    }

    fn bold_now(&self) -> bool {
        self.bold.last().copied().unwrap_or(false)
    }

    fn style_bold(&self, e: &BytesStart<'_>) -> Option<bool> {
        attr(e, "style-name").and_then(|s| self.bold_styles.get(&s).copied())
    }
}

impl Handler for OdtBody<'_> {
    fn start(&mut self, name: &str, e: &BytesStart<'_>) -> bool {
        let tag = match name {
            "p" | "h" => {
                self.out.start_para();
                let bold = self.style_bold(e).unwrap_or(false);
                self.out.set_para_bold(bold);
                self.bold.push(bold);
                OdtTag::Para
            }
            "span" | "a" => {
                let bold = self.style_bold(e).unwrap_or_else(|| self.bold_now());
                self.bold.push(bold);
                OdtTag::Span
            }
            "s" => {
                let count = attr(e, "c")
                    .and_then(|c| c.trim().parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 1000);
                self.out.text(&" ".repeat(count), self.bold_now());
                OdtTag::Other
            }
            "tab" => {
                self.out.text("\t", self.bold_now());
                OdtTag::Other
            }
            "line-break" => {
                self.out.text("\n", self.bold_now());
                if let Some(para) = self.out.paras.last_mut() {
                    para.space_before = true;
                }
                OdtTag::Other
            }
            "note" => {
                if attr(e, "note-class").as_deref() == Some("endnote") {
                    self.notes.endnotes += 1;
                } else {
                    self.notes.footnotes += 1;
                }
                return false;
            }
            "annotation" => {
                let id =
                    attr(e, "name").unwrap_or_else(|| format!("#{}", self.notes.comments.len()));
                self.notes.comments.insert(id);
                return false;
            }
            "tracked-changes" => {
                self.notes.changes += 1;
                return false;
            }
            "number"
            | "covered-table-cell"
            | "title"
            | "desc"
            | "ruby-text"
            | "automatic-styles"
            | "font-face-decls"
            | "scripts"
            | "master-styles"
            | "styles"
            | "forms"
            | "sequence-decls"
            | "variable-decls"
            | "user-field-decls"
            | "dde-connection-decls"
            | "index-title-template" => return false,
            n if n.ends_with("-source") => return false,
            "table" => {
                self.out.start_table();
                OdtTag::Table
            }
            "table-row" => {
                self.out.start_row();
                OdtTag::Row
            }
            "table-cell" => {
                self.out.start_cell();
                OdtTag::Cell
            }
            _ => OdtTag::Other,
        };
        self.tags.push(tag);
        true
    }

    fn end(&mut self) {
        match self.tags.pop() {
            Some(OdtTag::Para) => {
                self.bold.pop();
                self.out.end_para();
            }
            Some(OdtTag::Span) => {
                self.bold.pop();
            }
            Some(OdtTag::Table) => self.out.end_table(),
            Some(OdtTag::Row) => self.out.end_row(),
            Some(OdtTag::Cell) => self.out.end_cell(),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        let bold = self.bold_now();
        self.out.text_collapsed(text, bold);
    }
}

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
use std::sync::LazyLock;

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use regex::Regex;

pub use crate::zipsafe::Limits;
use crate::zipsafe::{self, ZipProblem};

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

/// How much a document may unpack to by default: 256 MiB per entry and in total.
pub const DEFAULT_LIMITS: Limits = Limits {
    max_entry_bytes: 256 << 20,
    max_total_bytes: 256 << 20,
};

/// Reads a Word .docx (also .docm, .dotx, Strict OOXML) with the [`DEFAULT_LIMITS`].
/// The error is one line, to be prefixed with the file name.
pub fn read_docx(bytes: &[u8]) -> Result<Extracted, String> {
    read_docx_with(bytes, DEFAULT_LIMITS)
}

/// Reads an OpenDocument text (.odt, .ott) with the [`DEFAULT_LIMITS`].
/// The error is one line, to be prefixed with the file name.
pub fn read_odt(bytes: &[u8]) -> Result<Extracted, String> {
    read_odt_with(bytes, DEFAULT_LIMITS)
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
        let mut collector = StyleCollector::new(&mut styles, StyleDialect::Docx);
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
        if let Err(e) = walk_xml(
            &xml,
            "styles.xml",
            &mut StyleCollector::new(&mut styles, StyleDialect::Odt),
        ) {
            warnings.push(format!(
                "styles not read, so bold is only seen when direct: {e}"
            ));
        }
    }
    let raw = pkg.read("content.xml")?.unwrap_or_default();
    let xml = decode_xml(raw, "content.xml", &mut warnings);
    // Automatic styles come before the body; an error here shows up in the body walk.
    let _ = walk_xml(
        &xml,
        "content.xml",
        &mut StyleCollector::new(&mut styles, StyleDialect::Odt),
    );
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
    zip: zipsafe::Archive<'b>,
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

    fn contains(&self, name: &str) -> bool {
        self.index(name).is_some()
    }

    /// Unpacks entry `name`, if the zip has it.
    fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, String> {
        let Some(index) = self.index(name) else {
            return Ok(None);
        };
        self.zip.read(index).map(Some).map_err(zip_message)
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
            // An empty element opens and closes at once (unless the handler skips it).
            Event::Empty(e) if skip == 0 && handler.start(e.local_name().into_inner(), &e) => {
                handler.end();
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

/// Which word-processor format a style part comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StyleDialect {
    /// `w:style` in a .docx styles part.
    Docx,
    /// `style:style` in an .odt content or styles part.
    Odt,
}

/// Collects style definitions (parent style and bold) from a styles part.
struct StyleCollector<'m> {
    map: &'m mut StyleMap,
    tags: Vec<StyleTag>,
    current: Option<String>,
    dialect: StyleDialect,
}

impl<'m> StyleCollector<'m> {
    fn new(map: &'m mut StyleMap, dialect: StyleDialect) -> Self {
        StyleCollector {
            map,
            tags: Vec::new(),
            current: None,
            dialect,
        }
    }

    /// The tag of a .docx element, recording what it says about the current style.
    fn docx_tag(&mut self, name: &str, e: &BytesStart<'_>) -> StyleTag {
        let parent = self.tags.last().copied();
        let grandparent = self.tags.len().checked_sub(2).map(|i| self.tags[i]);
        match name {
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
        }
    }

    /// The tag of an .odt element; `None` where the body starts (no styles after it).
    fn odt_tag(&mut self, name: &str, e: &BytesStart<'_>) -> Option<StyleTag> {
        let parent = self.tags.last().copied();
        Some(match name {
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
            "body" => return None,
            _ => StyleTag::Other,
        })
    }
}

impl Handler for StyleCollector<'_> {
    fn start(&mut self, name: &str, e: &BytesStart<'_>) -> bool {
        let tag = match self.dialect {
            StyleDialect::Docx => self.docx_tag(name, e),
            StyleDialect::Odt => match self.odt_tag(name, e) {
                Some(tag) => tag,
                None => return false,
            },
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
    // Otter.ai: `Name  0:13` heads the turn, its text follows on the next line or paragraph.
    if !had_colon && let Some(m) = TIME_LINE.find(after) {
        let time = m.as_str().trim();
        let text = after[m.end()..].trim_start();
        return Some(if text.is_empty() {
            format!("{bare}  {time}")
        } else {
            format!("{bare}  {time}\n{text}")
        });
    }
    let newline = lead[lead.trim_end().len()..].contains('\n')
        || rest[..rest.len() - after.len()].contains('\n');
    Some(match (had_colon, newline) {
        (true, true) => format!("{bare}:\n{after}"),
        (true, false) => format!("{bare}: {after}"),
        (false, true) => format!("{bare}{MARK_LINE}{after}"),
        (false, false) => format!("{bare}{MARK_SPACE}{after}"),
    })
}

/// Sentence punctuation and markup that do not occur in speaker names.
const NOT_IN_NAMES: &str = "?!;,:…\"“”„()[]{}=<>/\\*";

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
        && !name
            .chars()
            .any(|c| NOT_IN_NAMES.contains(c) || c.is_control())
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
    /// A paragraph whose mark was deleted, to run on into the next one.
    carry: Option<Para>,
    /// Tables opened deeper than [`MAX_TABLE_DEPTH`]: their cells are read as plain
    /// paragraphs of the enclosing cell.
    too_deep: usize,
}

/// Tables nested deeper than this are flattened (each level copies the text inside it).
const MAX_TABLE_DEPTH: usize = 16;

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
        if let Some(para) = self.carry.take() {
            self.emit(para.finish());
        }
    }

    fn start_para(&mut self) {
        let para = self.carry.take().unwrap_or_default();
        self.paras.push(para);
    }

    fn end_para(&mut self) {
        if let Some(mut para) = self.paras.pop() {
            if para.join_next {
                para.join_next = false;
                self.carry = Some(para);
            } else {
                self.emit(para.finish());
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
        if self.too_deep > 0 || self.tables.len() >= MAX_TABLE_DEPTH {
            self.too_deep += 1;
        } else {
            self.tables.push(Table::default());
        }
    }

    fn end_table(&mut self) {
        self.flush_carry();
        if self.too_deep > 0 {
            self.too_deep -= 1;
        } else if let Some(mut table) = self.tables.pop() {
            table.close_row();
            for para in render_table(table.rows) {
                self.emit(para);
            }
        }
    }

    fn start_row(&mut self) {
        if self.too_deep > 0 {
            return;
        }
        if let Some(table) = self.tables.last_mut() {
            table.close_row();
            table.row = Some(Row::default());
        }
    }

    fn end_row(&mut self) {
        if self.too_deep > 0 {
            return;
        }
        if let Some(table) = self.tables.last_mut() {
            table.close_row();
        }
    }

    fn delete_row(&mut self) {
        if self.too_deep > 0 {
            return;
        }
        if let Some(table) = self.tables.last_mut() {
            table.row.get_or_insert_with(Row::default).deleted = true;
        }
    }

    fn start_cell(&mut self) {
        self.flush_carry();
        if self.too_deep == 0 {
            self.cells.push(Vec::new());
        }
    }

    fn end_cell(&mut self) {
        self.flush_carry();
        if self.too_deep > 0 {
            return;
        }
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
/// A time alone on the rest of a line: `0:13`, `[00:01:23]`.
static TIME_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^[\[(]?{TIME}[\])]?[ \t]*(?:\n|$)")).expect("static regex")
});
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
        .map(|cell| cell.join(" ").replace(['\n', '\t'], " "))
        .collect::<Vec<_>>()
        .join("\t");
    let line = line.trim_end();
    if line.trim().is_empty() {
        Vec::new()
    } else {
        vec![line.to_owned()]
    }
}

/// Whether a cell holds speech rather than a value: a sentence or a longer stretch.
fn spoken(said: &[String]) -> bool {
    let text = unmark(&said.join(" "));
    let text = text.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '’' | ')' | '»')
    });
    text.ends_with(['.', '?', '!', '…']) || text.split_whitespace().count() >= 8
}

/// The paragraphs of a table. It is read as a speaker table when rows have a speaker
/// cell and a speaker recurs, the rows carry times, or most of those rows hold sentences;
/// so a key | value table (`Respondent | R12`, `Datum | 3 april`) is not.
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
    let (mut turns, mut sentences, mut timed) = (0, 0, false);
    for form in &forms {
        if let RowForm::Turn(time, name, said) = form {
            *speakers.entry(name.to_lowercase()).or_default() += 1;
            timed |= time.is_some();
            turns += 1;
            sentences += usize::from(spoken(said));
        }
    }
    let speaker_table =
        timed || speakers.values().any(|&n| n >= 2) || (turns >= 2 && sentences * 2 > turns);
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
            // Deleted text, field codes, the fallback copy of drawings, ruby annotations, and the
            // formatting from before a tracked change.
            "delText" | "delInstrText" | "instrText" | "fldData" | "Fallback" | "rt"
            | "pPrChange" | "rPrChange" | "tblPrChange" | "trPrChange" | "tcPrChange"
            | "sectPrChange" | "tblGridChange" | "numberingChange" => {
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

/// The most spaces one `text:s` gives, so that no element expands much.
const MAX_SPACES: usize = 16;

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
                    .clamp(1, MAX_SPACES);
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

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::io::{Cursor, Read};

    use zip::ZipArchive;

    use super::*;
    use crate::corpus::Role;
    use crate::ingest::plaintext::parse_turns;
    use crate::ingest::turns::SpeakerRules;
    use crate::zipsafe::zip_of;

    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    fn path(rel: &str) -> String {
        format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"))
    }

    fn fixture(name: &str) -> Vec<u8> {
        let path = path(&format!("tests/data/docx/{name}"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Paragraphs as the reader writes them.
    fn paras(paragraphs: &[&str]) -> String {
        format!("{}\n", paragraphs.join("\n\n"))
    }

    fn document_xml(body: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>"#
        )
    }

    fn docx_of(body: &str) -> Vec<u8> {
        zip_of(&[("word/document.xml", document_xml(body).as_bytes())])
    }

    fn docx_text(body: &str) -> String {
        read_docx(&docx_of(body)).unwrap().text
    }

    fn odt_of(body: &str, styles: &str) -> Vec<u8> {
        let content = format!(
            r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:automatic-styles>{styles}</office:automatic-styles><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
        );
        zip_of(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", content.as_bytes()),
        ])
    }

    fn odt_text(body: &str, styles: &str) -> String {
        read_odt(&odt_of(body, styles)).unwrap().text
    }

    fn p(text: &str) -> String {
        format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
    }

    fn bold_p(bold: &str, plain: &str) -> String {
        format!(
            r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{bold}</w:t></w:r><w:r><w:t xml:space="preserve">{plain}</w:t></w:r></w:p>"#
        )
    }

    fn table(rows: &[&[&str]]) -> String {
        let rows: String = rows
            .iter()
            .map(|row| {
                let cells: String = row
                    .iter()
                    .map(|c| format!("<w:tc>{}</w:tc>", p(c)))
                    .collect();
                format!("<w:tr>{cells}</w:tr>")
            })
            .collect();
        format!("<w:tbl>{rows}</w:tbl>")
    }

    fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    // --- Fixtures ------------------------------------------------------------------------

    #[test]
    fn plain_transcript_with_bold_speakers() {
        let doc = read_docx(&fixture("plain.docx")).unwrap();
        assert_eq!(
            doc.text,
            paras(&[
                "Interview NL-T01 (testbestand)",
                "Interviewer: Hoe kwam u in contact met de gemeente?",
                "Maria: Ze belden me gewoon op, zonder dat ik erom vroeg.",
                "Interviewer: En wat vond u daarvan?",
                "Maria: Eerst schrok ik wel.",
                "Later was ik er blij mee, eerlijk gezegd.",
                "[00:01:23] Maria: Dat weet ik nog precies.",
                "Nee, echt niet. Dat zei ik eerst tegen haar.",
                "Maria Jansen: Ja, dat klopt.",
                "Interviewer: Dank u wel.",
            ])
        );
        assert_eq!(
            doc.properties,
            props(&[
                ("author", "Onderzoeksteam"),
                ("created", "2024-03-12T10:00:00Z"),
                ("title", "Interview NL-T01"),
            ])
        );
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    }

    #[test]
    fn speaker_table_rows_become_turns() {
        let doc = read_docx(&fixture("speaker-table.docx")).unwrap();
        let expected = paras(&[
            "Gesprek over de energietoeslag",
            "Spreker\tTekst",
            "Interviewer: Wanneer hoorde u van de toeslag?",
            "Sanne: Via een brief van de gemeente.",
            "Interviewer: En toen?",
            "[00:04:12] Sanne: Ik heb gebeld.",
            "Binnen een week stond het geld op mijn rekening.",
            "Dat had ik nooit verwacht.",
            "Einde opname.",
        ]);
        assert_eq!(doc.text, expected);
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
        // The same table after a round trip through LibreOffice (.docx -> .odt).
        let odt = read_odt(&fixture("libreoffice.odt")).unwrap();
        assert_eq!(odt.text, expected);
        assert_eq!(
            odt.properties.get("title").map(String::as_str),
            Some("Gesprek over de energietoeslag")
        );
    }

    #[test]
    fn key_value_timed_nested_and_one_column_tables() {
        let doc = read_docx(&fixture("tables-mixed.docx")).unwrap();
        assert_eq!(
            doc.text,
            paras(&[
                "Respondent\tR12",
                "Datum\t3 april 2024",
                "Gemeente\tZaandam",
                "Transcript:",
                "Tijd\tSpreker\tTekst",
                "[00:00:05] Interviewer: Goedemiddag, fijn dat u er bent.",
                "[00:00:09] Kees: Middag. Ja, ik had er wel zin in.",
                "[00:00:15] Interviewer: Vertelt u eens over de brief van de SVB.",
                "Bijlage\tZie ook: brief maart telefoon april",
                "Kees: Dit stond in een tabel met één kolom.",
                "Kees: En dit ook.",
            ])
        );
    }

    #[test]
    fn tracked_changes_are_accepted_and_notes_left_out() {
        let doc = read_docx(&fixture("tracked-changes.docx")).unwrap();
        assert_eq!(
            doc.text,
            paras(&[
                "Interviewer: Wanneer kwam de allereerste brief?",
                "Petra: Dat was op 12 maart 2024, een dinsdag.",
                "Petra: Ze belden me terug. Heel snel.",
                "Petra: Het ging om de huur.",
                "Interviewer: Klopt dat?",
                "Petra: Ja, dat klopt.",
                "Petra: Daarna ging alles vanzelf.",
            ])
        );
        for gone in ["Geschrapte", "Voetnoottekst", "codeur", "DATE", "MMMM"] {
            assert!(!doc.text.contains(gone), "{gone}");
        }
        assert_eq!(
            doc.warnings,
            vec![
                "left out 1 footnote and 1 comment: not body text",
                "the document has tracked changes: read as if all were accepted",
            ]
        );
    }

    #[test]
    fn line_breaks_tabs_symbols_and_hyphens() {
        let doc = read_docx(&fixture("linebreaks.docx")).unwrap();
        assert_eq!(
            doc.text,
            paras(&[
                "Interviewer: Eerste regel\ntweede regel\nderde\tmet tab",
                "Ruud: Na een wagenterugloop\nvolgt dit.",
                "Ruud: Het kost 5 ± 1 euro, e-mail gemeente ✓ klaar.",
                "Ruud: Voor de pagina-einde\nen erna.",
            ])
        );
    }

    #[test]
    fn core_properties() {
        let doc = read_docx(&fixture("properties.docx")).unwrap();
        assert_eq!(doc.text, paras(&["I: Hallo.", "R: Dag."]));
        assert_eq!(
            doc.properties,
            props(&[
                ("author", "Onderzoeksteam HU"),
                ("created", "2024-05-02T09:30:00Z"),
                ("title", "Interview over kwijtschelding"),
            ])
        );
    }

    #[test]
    fn strict_ooxml_with_a_renamed_main_part() {
        let doc = read_docx(&fixture("strict.docx")).unwrap();
        assert_eq!(
            doc.text,
            paras(&[
                "I: Is dit Strict OOXML?",
                "Joost: Ja, met een andere naam voor het hoofddeel.",
            ])
        );
    }

    #[test]
    fn doctype_entities_are_not_expanded() {
        let doc = read_docx(&fixture("doctype-entities.docx")).unwrap();
        assert_eq!(doc.text, "Interviewer: Test einde & é€ <ok>.\n");
        assert_eq!(
            doc.warnings,
            vec![
                "word/document.xml: left out 1 reference to undefined XML entities (&lol9;): \
                 entities declared in a DOCTYPE are not expanded"
            ]
        );
    }

    const ODT_TEXT: [&str; 10] = [
        "Interview NL-T02",
        "Interviewer: Hoe ging het gesprek met de budgetcoach?",
        "Ahmed: Goed, ze dacht echt met me mee.",
        "Interviewer: Wat deed  ze\tprecies?\nEn daarna?",
        "Ahmed: Ze belde de woningcorporatie en regelde uitstel.",
        "Ahmed: Dat was heel fijn, echt.",
        "Interviewer: En de gemeente?",
        "Ahmed: Die heb ik niet gesproken.",
        "Interviewer: Waarom niet?",
        "Ahmed: Niemand heeft mij gebeld.",
    ];

    #[test]
    fn odt_transcript() {
        let doc = read_odt(&fixture("transcript.odt")).unwrap();
        assert_eq!(doc.text, paras(&ODT_TEXT));
        assert_eq!(
            doc.properties,
            props(&[
                ("author", "Onderzoeksteam"),
                ("created", "2024-04-03T14:00:00"),
                ("title", "Interview NL-T02"),
            ])
        );
        assert_eq!(
            doc.warnings,
            vec![
                "left out 1 footnote and 1 comment: not body text",
                "the document has tracked changes: read as if all were accepted",
            ]
        );
        for gone in ["Voetnoot", "Commentaar", "Geschrapte"] {
            assert!(!doc.text.contains(gone), "{gone}");
        }
    }

    #[test]
    fn libreoffice_written_docx() {
        // transcript.odt converted by `soffice --convert-to docx`: LibreOffice writes its
        // own run structure, footnotes, comments and tracked changes.
        let doc = read_docx(&fixture("libreoffice.docx")).unwrap();
        assert_eq!(doc.text, paras(&ODT_TEXT));
        assert_eq!(doc.properties.get("title").unwrap(), "Interview NL-T02");
        assert_eq!(doc.properties.get("author").unwrap(), "Onderzoeksteam");
        assert_eq!(
            doc.warnings,
            vec![
                "left out 1 footnote and 1 comment: not body text",
                "the document has tracked changes: read as if all were accepted",
            ]
        );
    }

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

    /// The words of `text`, split at anything that is not a letter or digit.
    fn words(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    }

    #[test]
    fn every_word_of_the_source_text_comes_out() {
        let cases = [
            ("plain", "tests/data/docx/plain.docx"),
            ("speaker-table", "tests/data/docx/speaker-table.docx"),
            ("speaker-table", "tests/data/docx/libreoffice.odt"),
            ("tables-mixed", "tests/data/docx/tables-mixed.docx"),
            ("tracked-changes", "tests/data/docx/tracked-changes.docx"),
            ("linebreaks", "tests/data/docx/linebreaks.docx"),
            ("properties", "tests/data/docx/properties.docx"),
            ("strict", "tests/data/docx/strict.docx"),
            ("transcript-odt", "tests/data/docx/transcript.odt"),
            ("transcript-odt", "tests/data/docx/libreoffice.docx"),
            ("nl-15-word", "samples/nl-15-word.docx"),
        ];
        for (source, file) in cases {
            let source =
                std::fs::read_to_string(path(&format!("tests/data/docx/source/{source}.txt")))
                    .unwrap();
            let bytes = std::fs::read(path(file)).unwrap();
            let doc = if file.ends_with(".odt") {
                read_odt(&bytes)
            } else {
                read_docx(&bytes)
            }
            .unwrap();
            let found: HashSet<String> = words(&doc.text).into_iter().collect();
            for word in words(&source) {
                assert!(found.contains(&word), "{file}: `{word}` is missing");
            }
        }
    }

    #[test]
    fn sample_interview_reads_as_turns() {
        let bytes = std::fs::read(path("samples/nl-15-word.docx")).unwrap();
        let doc = read_docx(&bytes).unwrap();
        assert_eq!(
            doc.properties,
            props(&[
                ("author", "Onderzoeksteam"),
                ("created", "2025-05-14T10:00:00Z"),
                ("title", "Interview NL15 Enschede"),
            ])
        );
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
        let turns = parse_turns(&doc.text, 0, 1, &SpeakerRules::default());
        // A label-shaped line inside a turn, as the other samples have one.
        assert_eq!(turns.rejected_labels, vec![(27, "En ze zei".to_owned())]);
        let segments = &turns.segments;
        assert_eq!(segments[0].role, Role::Preamble);
        assert_eq!(segments[0].text, "Interview NL15 – Enschede, tweede ronde");
        let mut speakers: Vec<(usize, &str, Role)> = segments[1..]
            .iter()
            .map(|s| (s.turn, s.speaker.as_str(), s.role))
            .collect();
        speakers.dedup();
        assert_eq!(speakers.len(), 20);
        for (i, (turn, speaker, role)) in speakers.iter().enumerate() {
            assert_eq!(*turn, i + 1);
            let (name, expected) = if i % 2 == 0 {
                ("Interviewer", Role::Interviewer)
            } else {
                ("Anita", Role::Respondent)
            };
            assert_eq!((*speaker, *role), (name, expected), "turn {turn}");
        }
        // Paragraphs inside a cell stay paragraphs of the same turn.
        let turn_four: Vec<&str> = segments
            .iter()
            .filter(|s| s.turn == 4)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(turn_four.len(), 2);
        assert!(turn_four[1].starts_with("Dus ik heb een paar maanden"));
        let spoken = words(&doc.text).len();
        assert!((800..=1100).contains(&spoken), "{spoken} words");
    }

    // --- Paragraph text ------------------------------------------------------------------

    #[test]
    fn otter_name_and_time_paragraph_heads_the_turn() {
        // Otter.ai's Word export: a bold name and a plain time, the text in the next
        // paragraph (or after a line break).
        let body = [
            bold_p("Pieter de Vries", "  0:02"),
            p("How did it start?"),
            bold_p("Sara Jansen", "  0:13"),
            p("With a letter."),
            r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Pieter de Vries</w:t></w:r><w:r><w:t xml:space="preserve">  1:05</w:t><w:br/><w:t>Who sent it?</w:t></w:r></w:p>"#.to_owned(),
            bold_p("Sara Jansen", "  1:09"),
            p("The council."),
        ]
        .concat();
        let text = docx_text(&body);
        assert_eq!(
            text,
            paras(&[
                "Pieter de Vries  0:02",
                "How did it start?",
                "Sara Jansen  0:13",
                "With a letter.",
                "Pieter de Vries  1:05\nWho sent it?",
                "Sara Jansen  1:09",
                "The council."
            ])
        );
        let segments = parse_turns(&text, 0, 1, &SpeakerRules::default()).segments;
        let read: Vec<(&str, Option<&str>, &str)> = segments
            .iter()
            .map(|s| (s.speaker.as_str(), s.timestamp.as_deref(), s.text.as_str()))
            .collect();
        assert_eq!(
            read,
            [
                ("Pieter de Vries", Some("0:02"), "How did it start?"),
                ("Sara Jansen", Some("0:13"), "With a letter."),
                ("Pieter de Vries", Some("1:05"), "Who sent it?"),
                ("Sara Jansen", Some("1:09"), "The council."),
            ]
        );
    }

    #[test]
    fn bold_speaker_names_read_name_colon_text() {
        let cases = [
            (bold_p("Maria", " Ja hoor."), "Maria: Ja hoor.\n"),
            (bold_p("Maria:", "Ja hoor."), "Maria: Ja hoor.\n"),
            (bold_p("Maria", " : Ja hoor."), "Maria: Ja hoor.\n"),
            (bold_p("Maria", "\tJa hoor."), "Maria: Ja hoor.\n"),
            (
                bold_p("Maria", " (00:01:23) Ja."),
                "Maria (00:01:23): Ja.\n",
            ),
            (
                bold_p("[00:01:23] Maria", " Ja."),
                "[00:01:23] Maria: Ja.\n",
            ),
            (bold_p("Dr. de Vries", " Goed."), "Dr. de Vries: Goed.\n"),
            // Not a name: a sentence, too many words, or nothing after it.
            (bold_p("Wat een gedoe!", " Echt."), "Wat een gedoe! Echt.\n"),
            (
                bold_p("Toen kwam de brief binnen", " ja."),
                "Toen kwam de brief binnen ja.\n",
            ),
            (bold_p("Tot slot.", " Dank."), "Tot slot. Dank.\n"),
            (bold_p("Alles vet", ""), "Alles vet\n"),
            (bold_p("", "Niets vet."), "Niets vet.\n"),
        ];
        for (body, expected) in cases {
            assert_eq!(docx_text(&body), expected, "{body}");
        }
        // A line break after the bold name keeps the text on the next line.
        let body = r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Sara Jansen</w:t><w:br/></w:r><w:r><w:t>Ik schrok.</w:t></w:r></w:p>"#;
        assert_eq!(docx_text(body), "Sara Jansen:\nIk schrok.\n");
        // w:b w:val="0" switches bold off; bold split over runs counts as one name.
        let body = r#"<w:p><w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t>Maria</w:t></w:r><w:r><w:t xml:space="preserve"> ja</w:t></w:r></w:p><w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Maria </w:t></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r><w:r><w:rPr><w:b w:val="true"/></w:rPr><w:t>Jansen</w:t></w:r><w:r><w:t xml:space="preserve"> ja</w:t></w:r></w:p>"#;
        assert_eq!(docx_text(body), paras(&["Maria ja", "Maria  Jansen: ja"]));
    }

    #[test]
    fn bold_from_character_and_paragraph_styles() {
        let styles = format!(
            r#"<w:styles xmlns:w="{W}"><w:style w:type="character" w:styleId="Strong"><w:rPr><w:b/></w:rPr></w:style><w:style w:type="character" w:styleId="Spreker"><w:basedOn w:val="Strong"/></w:style><w:style w:type="paragraph" w:styleId="Kop"><w:rPr><w:b/></w:rPr></w:style></w:styles>"#
        );
        // The third paragraph was in the bold style before a tracked change.
        let body = r#"<w:p><w:r><w:rPr><w:rStyle w:val="Spreker"/></w:rPr><w:t>Kees</w:t></w:r><w:r><w:t xml:space="preserve"> Nee.</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="Kop"/></w:pPr><w:r><w:t>Joke</w:t></w:r><w:r><w:rPr><w:b w:val="false"/></w:rPr><w:t xml:space="preserve"> Ja.</w:t></w:r></w:p><w:p><w:pPr><w:pPrChange w:id="1"><w:pPr><w:pStyle w:val="Kop"/></w:pPr></w:pPrChange></w:pPr><w:r><w:t>Kees</w:t></w:r><w:r><w:rPr><w:b w:val="0"/><w:rPrChange w:id="2"><w:rPr><w:b/></w:rPr></w:rPrChange></w:rPr><w:t xml:space="preserve"> nee</w:t></w:r></w:p>"#;
        let bytes = zip_of(&[
            ("word/document.xml", document_xml(body).as_bytes()),
            ("word/styles.xml", styles.as_bytes()),
        ]);
        assert_eq!(
            read_docx(&bytes).unwrap().text,
            paras(&["Kees: Nee.", "Joke: Ja.", "Kees nee"])
        );
    }

    #[test]
    fn fields_symbols_text_boxes_and_property_tabs() {
        // Field codes out, field results in, nested fields too.
        let body = r#"<w:p><w:r><w:t xml:space="preserve">Zie </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>HYPERLINK "x"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>de site</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:fldSimple w:instr="DATE"><w:r><w:t xml:space="preserve"> vandaag</w:t></w:r></w:fldSimple></w:p>"#;
        assert_eq!(docx_text(body), "Zie de site vandaag\n");
        // An unterminated field hides what follows and says so.
        let doc = read_docx(&docx_of(
            r#"<w:p><w:r><w:fldChar w:fldCharType="begin"/><w:t>weg</w:t></w:r></w:p>"#,
        ))
        .unwrap();
        assert_eq!(
            doc.warnings,
            vec![
                "a field code never ends: text after it may be missing",
                "the document has no text"
            ]
        );
        // Tab stops in paragraph properties are no tabs; symbols from symbol fonts.
        let body = r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>a</w:t><w:tab/><w:sym w:font="Symbol" w:char="F061"/><w:sym w:font="Wingdings" w:char="F021"/><w:sym w:char="0041"/><w:softHyphen/><w:t>b</w:t></w:r></w:p>"#;
        assert_eq!(docx_text(body), "a\tαAb\n");
        // A text box's text once, from the modern choice, not again from the fallback.
        let body = r#"<w:p><w:r><w:t xml:space="preserve">Voor </w:t></w:r><w:r><mc:AlternateContent xmlns:mc="m"><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>In het kader</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>In het kader</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>na.</w:t></w:r></w:p>"#;
        assert_eq!(docx_text(body), paras(&["In het kader", "Voor na."]));
        // Ruby text, deleted field codes and move sources stay out.
        let body = r#"<w:p><w:r><w:ruby><w:rt><w:r><w:t>x</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>漢</w:t></w:r></w:rubyBase></w:ruby></w:r></w:p>"#;
        assert_eq!(docx_text(body), "漢\n");
    }

    #[test]
    fn white_space_and_entities_in_text() {
        let body = "<w:p><w:r><w:t xml:space=\"preserve\">  a\u{a0}b\u{ad}c &#x9;d\r\ne  </w:t></w:r></w:p><w:p/><w:p><w:r><w:t> </w:t></w:r></w:p>";
        assert_eq!(docx_text(body), "a bc \td e\n");
        assert_eq!(docx_text(&p("&#0;x&#1;&#x1F600;")), "x😀\n");
    }

    // --- Tables --------------------------------------------------------------------------

    #[test]
    fn which_tables_are_speaker_tables() {
        // Key | value tables stay tab-separated even with role words as keys.
        let meta = table(&[
            &["Interviewer", "Sanne de Vries"],
            &["Respondent", "R07"],
            &["Datum", "3 april"],
        ]);
        assert_eq!(
            docx_text(&meta),
            paras(&[
                "Interviewer\tSanne de Vries",
                "Respondent\tR07",
                "Datum\t3 april"
            ])
        );
        // Two sentences said by two speakers make it a transcript.
        let exchange = table(&[&["I", "Hoe ging het?"], &["Respondent 3:", "Goed."]]);
        assert_eq!(
            docx_text(&exchange),
            paras(&["I: Hoe ging het?", "Respondent 3: Goed."])
        );
        // Speaker and time in one cell, or speaker | time | text; continuation rows.
        let timed = table(&[
            &["Maria\n00:12", "Ja."],
            &["Kees - 1:02:03", "Nee."],
            &["", "Nou ja."],
        ]);
        assert_eq!(
            docx_text(&timed),
            paras(&["[00:12] Maria: Ja.", "[1:02:03] Kees: Nee.", "Nou ja."])
        );
        let three = table(&[
            &["Spreker", "Tijd", "Tekst"],
            &["Kees", "(00:01)", "Hallo."],
            &["Kees", "00:02", "Dag."],
            &["", "", "Verder."],
            &["Opmerking", "x", "y"],
        ]);
        assert_eq!(
            docx_text(&three),
            paras(&[
                "Spreker\tTijd\tTekst",
                "[00:01] Kees: Hallo.",
                "[00:02] Kees: Dag.",
                "Verder.",
                "Opmerking\tx\ty",
            ])
        );
        // Bold names inside speech cells are text, not new speakers.
        let body = format!(
            "<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>",
            p("Maria"),
            bold_p("Echt", " niet."),
            p("Maria"),
            p("Toch wel.")
        );
        assert_eq!(
            docx_text(&body),
            paras(&["Maria: Echt niet.", "Maria: Toch wel."])
        );
        // Four columns, empty rows, deleted rows, a wide row spanning both columns.
        let body = r#"<w:tbl><w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr><w:tr><w:trPr><w:del w:id="1"/></w:trPr><w:tc><w:p><w:r><w:t>Weg</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>Deel 2</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>"#;
        assert_eq!(docx_text(body), paras(&["Deel 2", "a\t\tc"]));
    }

    #[test]
    fn deeply_nested_tables_keep_their_text() {
        let depth = 40;
        let mut body = p("kern");
        for level in 0..depth {
            body = format!(
                "<w:tbl><w:tr><w:tc>{}{body}</w:tc></w:tr></w:tbl>",
                p(&format!("niveau {level}"))
            );
        }
        let text = docx_text(&body);
        for level in 0..depth {
            assert!(text.contains(&format!("niveau {level}")), "{level}");
        }
        assert!(text.contains("kern"));
    }

    // --- Packages ------------------------------------------------------------------------

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
    fn broken_xml_and_other_encodings() {
        let bytes = zip_of(&[(
            "word/document.xml",
            b"<w:document><w:body><w:p></w:body></w:document>",
        )]);
        assert_eq!(
            read_docx(&bytes).unwrap_err(),
            "word/document.xml is not well-formed XML (at byte 25): ill-formed document: expected `</w:p>`, but `</w:body>` was found"
        );
        let bytes = zip_of(&[(
            "word/document.xml",
            b"<w:document><w:body><w:p><w:r><w:t>half",
        )]);
        assert_eq!(
            read_docx(&bytes).unwrap_err(),
            "word/document.xml is truncated: it ends inside an element"
        );
        // UTF-16 with a byte-order mark, and a declared legacy encoding.
        let xml = document_xml(&p("I: Één café."));
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(xml.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            read_docx(&zip_of(&[("word/document.xml", &utf16)]))
                .unwrap()
                .text,
            "I: Één café.\n"
        );
        let latin = format!(
            "<?xml version=\"1.0\" encoding=\"windows-1252\"?><w:document xmlns:w=\"{W}\"><w:body><w:p><w:r><w:t>caf\u{e9} \u{20ac}</w:t></w:r></w:p></w:body></w:document>"
        );
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&latin);
        assert_eq!(
            read_docx(&zip_of(&[("word/document.xml", &bytes)]))
                .unwrap()
                .text,
            "café €\n"
        );
        // Broken properties are a warning, not an error.
        let bytes = zip_of(&[
            ("word/document.xml", document_xml(&p("I: Ja.")).as_bytes()),
            ("docProps/core.xml", b"<cp:coreProperties><dc:title>Half"),
        ]);
        let doc = read_docx(&bytes).unwrap();
        assert_eq!(doc.text, "I: Ja.\n");
        assert_eq!(
            doc.warnings,
            vec![
                "document properties not read: docProps/core.xml is truncated: it ends inside an element"
            ]
        );
    }

    // --- OpenDocument --------------------------------------------------------------------

    #[test]
    fn odt_spaces_bold_styles_and_skipped_parts() {
        let styles = r#"<style:style style:name="Vet" style:family="text"><style:text-properties fo:font-weight="700"/></style:style><style:style style:name="T1" style:family="text" style:parent-style-name="Vet"/><style:style style:name="Gewoon" style:family="text"><style:text-properties fo:font-weight="normal"/></style:style>"#;
        let body = r#"<text:tracked-changes><text:changed-region><text:deletion><text:p>weg</text:p></text:deletion></text:changed-region></text:tracked-changes>
            <text:h>  Titel
              met   regels </text:h>
            <text:p><text:span text:style-name="T1">Kees</text:span>  Ja<text:s/>  <text:s text:c="3"/>zeker.</text:p>
            <text:p><text:span text:style-name="Gewoon">Kees</text:span> nee<text:line-break/>  en<text:tab/>toch<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>noot</text:p></text:note-body></text:note>.</text:p>
            <text:list><text:list-item><text:number>1.</text:number><text:p>Lijst</text:p></text:list-item></text:list>
            <text:p>Veel<text:s text:c="99999"/>ruimte</text:p>"#;
        let doc = read_odt(&odt_of(body, styles)).unwrap();
        assert_eq!(
            doc.text,
            paras(&[
                "Titel met regels",
                "Kees: Ja     zeker.",
                "Kees nee\nen\ttoch.",
                "Lijst",
                &format!("Veel{}ruimte", " ".repeat(MAX_SPACES)),
            ])
        );
        assert_eq!(
            doc.warnings,
            vec![
                "left out 1 footnote: not body text",
                "the document has tracked changes: read as if all were accepted",
            ]
        );
        assert_eq!(
            odt_text(
                r#"<table:table><table:table-row><table:table-cell><text:p>Ahmed</text:p></table:table-cell><table:table-cell><text:p>Ja.</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell><text:p>Ahmed</text:p></table:table-cell><table:covered-table-cell/><table:table-cell><text:p>Nee.</text:p></table:table-cell></table:table-row></table:table>"#,
                ""
            ),
            paras(&["Ahmed: Ja.", "Ahmed: Nee."])
        );
    }

    // --- No panics -----------------------------------------------------------------------

    /// xorshift64*: deterministic pseudo-random numbers for the mutation tests.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    fn mutate(rng: &mut Rng, data: &[u8]) -> Vec<u8> {
        let mut data = data.to_vec();
        for _ in 0..=rng.below(3) {
            let len = data.len();
            match rng.below(6) {
                0 => {
                    for _ in 0..=rng.below(8) {
                        if len > 0 {
                            let at = rng.below(len);
                            data[at] ^= 1 << rng.below(8);
                        }
                    }
                }
                1 => data.truncate(rng.below(len + 1)),
                2 => {
                    let at = rng.below(len + 1);
                    let insert: Vec<u8> = (0..=rng.below(16)).map(|_| rng.next() as u8).collect();
                    data.splice(at..at, insert);
                }
                3 => {
                    let at = rng.below(len + 1);
                    let end = (at + rng.below(64)).min(len);
                    data.drain(at..end);
                }
                4 => {
                    let from = rng.below(len + 1);
                    let end = (from + rng.below(200)).min(len);
                    let chunk = data[from..end].to_vec();
                    let at = rng.below(len + 1);
                    data.splice(at..at, chunk);
                }
                _ => {
                    if len > 0 {
                        let at = rng.below(len);
                        data[at] = [b'<', b'>', b'&', b'/', b'"', 0, 0xFF][rng.below(7)];
                    }
                }
            }
        }
        data
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

    #[test]
    fn mutated_xml_never_panics() {
        let mut rng = Rng(0x0123_4567_89AB_CDEF);
        // Each part is mutated as plain XML and zipped again, so that the mutations reach
        // the XML walker instead of failing the zip's checksum.
        let mut parts: Vec<(&str, Vec<u8>)> = Vec::new();
        for (name, part) in [
            ("tracked-changes.docx", "word/document.xml"),
            ("tables-mixed.docx", "word/document.xml"),
            ("plain.docx", "word/styles.xml"),
            ("libreoffice.docx", "word/document.xml"),
            ("transcript.odt", "content.xml"),
            ("libreoffice.odt", "content.xml"),
        ] {
            let bytes = fixture(name);
            let mut zip = ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
            let mut xml = Vec::new();
            zip.by_name(part).unwrap().read_to_end(&mut xml).unwrap();
            parts.push((part, xml));
        }
        for (part, xml) in &parts {
            for _ in 0..250 {
                let mutated = mutate(&mut rng, xml);
                let bytes = if *part == "word/styles.xml" {
                    zip_of(&[
                        (part, &mutated),
                        ("word/document.xml", parts[0].1.as_slice()),
                    ])
                } else {
                    zip_of(&[(part, &mutated)])
                };
                let _ = read_docx(&bytes);
                let _ = read_odt(&bytes);
            }
        }
    }
}

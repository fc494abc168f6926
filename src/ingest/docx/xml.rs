//! The XML of a document part: decoding its bytes to text, and walking its elements and
//! text with a [`Handler`], without expanding any entity but the predefined ones.

use std::collections::BTreeSet;

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::one_line;

/// XML bytes as text: UTF-8 or UTF-16 by byte-order mark, else the declared encoding.
pub(super) fn decode_xml(raw: Vec<u8>, part: &str, warnings: &mut Vec<String>) -> String {
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

/// Receives the elements and text of an XML part, by local name.
pub(super) trait Handler {
    /// An element opens; return `false` to skip everything inside it (no `end` follows).
    fn start(&mut self, name: &str, element: &BytesStart<'_>) -> bool;
    /// The element last opened (and not skipped) closes.
    fn end(&mut self);
    /// Character data, with entity and character references resolved.
    fn text(&mut self, text: &str);
}

/// What a walk left out.
#[derive(Default)]
pub(super) struct XmlStats {
    unknown_entities: BTreeSet<String>,
    unknown_count: usize,
}

impl XmlStats {
    pub(super) fn warn(&self, part: &str, warnings: &mut Vec<String>) {
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
pub(super) fn walk_xml(
    xml: &str,
    part: &str,
    handler: &mut impl Handler,
) -> Result<XmlStats, String> {
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
pub(super) fn attr(element: &BytesStart<'_>, name: &str) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use zip::ZipArchive;

    use super::super::test_support::{Rng, W, document_xml, fixture, mutate, p};
    use super::super::{read_docx, read_odt};
    use crate::zipsafe::zip_of;

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

//! A small XML writer with exact escaping, and a reader into a tree of elements keyed by local
//! name, so that `urn:QDA-XML:project:1.0`, older namespaces, prefixes and no namespace at all
//! read the same.
//!
//! The reader expands only the five predefined entities and character references; a
//! document type's own entities are not expanded (an unknown entity is an error), and the
//! nesting depth is capped.

use std::fmt::Write as _;

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// The deepest element nesting read; REFI projects nest codes a few levels deep.
const MAX_DEPTH: usize = 256;

/// Whether XML 1.0 allows `c` in a document at all (even as a character reference).
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

/// `text` escaped for an attribute value in double quotes: whitespace other than a space is
/// written as a character reference so that attribute normalisation keeps it.
pub fn escape_attr(text: &str) -> String {
    escape(text, true)
}

/// `text` escaped for element content; `\r` is written as a reference so that line-end
/// normalisation keeps it.
pub fn escape_text(text: &str) -> String {
    escape(text, false)
}

/// Escapes markup characters (and, in attributes, quotes, tabs and line feeds); characters
/// XML cannot hold become U+FFFD.
fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            c if allowed_in_xml(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// An indented XML document built element by element.
pub struct XmlOut {
    out: String,
    depth: usize,
}

impl XmlOut {
    /// A document with the XML declaration.
    pub fn new() -> XmlOut {
        XmlOut {
            out: String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"),
            depth: 0,
        }
    }

    fn tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            let _ = write!(self.out, " {key}=\"{}\"", escape_attr(value));
        }
    }

    /// `<name attrs>` on its own line; children follow until [`XmlOut::close`].
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    /// `<name attrs/>`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs);
        self.out.push_str("/>\n");
    }

    /// `<name>text</name>`, the text exactly as given.
    pub fn text(&mut self, name: &str, text: &str) {
        self.tag(name, &[]);
        let _ = writeln!(self.out, ">{}</{name}>", escape_text(text));
    }

    /// `</name>`.
    pub fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        let _ = writeln!(self.out, "</{name}>");
    }

    /// The document.
    pub fn finish(self) -> String {
        self.out
    }
}

impl Default for XmlOut {
    fn default() -> Self {
        XmlOut::new()
    }
}

/// An element read from XML: local names only, attributes in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// The local name (no prefix).
    pub name: String,
    /// Attributes by local name, namespace declarations left out.
    pub attrs: Vec<(String, String)>,
    /// Child elements in order.
    pub children: Vec<Element>,
    /// The text directly inside, references resolved and line ends normalised.
    pub text: String,
    /// 1-based line of the start tag.
    pub line: usize,
}

impl Element {
    /// The attribute `name` (exact local name, else ignoring ASCII case).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .or_else(|| {
                self.attrs
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
            })
            .map(|(_, v)| v.as_str())
    }

    /// The first child called `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The children called `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }
}

/// Turns bytes into XML text: UTF-8 with or without BOM, or UTF-16 with a BOM.
pub fn decode_xml(bytes: &[u8]) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(str::to_owned)
            .map_err(|e| format!("not UTF-8: invalid byte at offset {}", e.valid_up_to() + 3));
    }
    for (bom, encoding) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return encoding
                .decode_without_bom_handling_and_without_replacement(rest)
                .map(|t| t.into_owned())
                .ok_or_else(|| format!("not valid {} text", encoding.name()));
        }
    }
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|e| format!("not UTF-8: invalid byte at offset {}", e.valid_up_to()))
}

/// Counts lines up to byte offsets, moving forward only.
struct Lines<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
}

impl Lines<'_> {
    fn at(&mut self, offset: u64) -> usize {
        let offset = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        self.line += self.text.as_bytes()[self.offset..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.offset = offset;
        self.line
    }
}

fn local(name: &str) -> String {
    name.to_owned()
}

fn start_element(e: &BytesStart<'_>, line: usize) -> Result<Element, String> {
    let mut attrs = Vec::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|err| format!("bad attribute: {err}"))?;
        let key = attr.key;
        if key.as_namespace_binding().is_some() {
            continue;
        }
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| format!("bad attribute value: {err}"))?;
        attrs.push((local(key.local_name().into_inner()), value.into_owned()));
    }
    Ok(Element {
        name: local(e.local_name().into_inner()),
        attrs,
        children: Vec::new(),
        text: String::new(),
        line,
    })
}

/// Parses `xml` into its root element; the error is `LINE: message`.
pub fn parse(xml: &str) -> Result<Element, (usize, String)> {
    let mut reader = Reader::from_str(xml);
    let mut lines = Lines {
        text: xml,
        offset: 0,
        line: 1,
    };
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let before = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let line = lines.at(reader.error_position());
                return Err((line, e.to_string()));
            }
        };
        let line = lines.at(before);
        let mut finished: Option<Element> = None;
        match event {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err((line, format!("elements nested deeper than {MAX_DEPTH}")));
                }
                if root.is_some() {
                    return Err((line, "content after the root element".into()));
                }
                stack.push(start_element(&e, line).map_err(|m| (line, m))?);
            }
            Event::Empty(e) => {
                if root.is_some() {
                    return Err((line, "content after the root element".into()));
                }
                finished = Some(start_element(&e, line).map_err(|m| (line, m))?);
            }
            Event::End(_) => finished = stack.pop(),
            Event::Text(t) => {
                let content = t.xml10_content();
                match stack.last_mut() {
                    Some(current) => current.text.push_str(&content),
                    None if content.trim().is_empty() => {}
                    None => return Err((line, "text outside the root element".into())),
                }
            }
            Event::CData(t) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match resolve_xml_entity(&r) {
                        Some(s) => s.to_owned(),
                        None => {
                            return Err((line, format!("unknown entity &{};", &*r)));
                        }
                    },
                    Err(e) => return Err((line, e.to_string())),
                };
                match stack.last_mut() {
                    Some(current) => current.text.push_str(&resolved),
                    None => return Err((line, "text outside the root element".into())),
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
        if let Some(element) = finished {
            match stack.last_mut() {
                Some(parent) => parent.children.push(element),
                None => root = Some(element),
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err((
            lines.at(reader.buffer_position()),
            format!(
                "the document ends inside <{}> (opened at line {})",
                open.name, open.line
            ),
        ));
    }
    root.ok_or_else(|| (1, "no root element".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_every_character_through_a_parse() {
        let tricky = "a & b < c > \"d\" 'e'\ttab\nline\r\nCRLF é € 😀";
        let mut out = XmlOut::new();
        out.open("Root", &[("value", tricky)]);
        out.text("Description", tricky);
        out.close("Root");
        let root = parse(&out.finish()).unwrap();
        assert_eq!(root.attr("value"), Some(tricky));
        assert_eq!(root.child("Description").unwrap().text, tricky);
    }

    #[test]
    fn names_are_local_and_namespaces_ignored() {
        let xml = "<q:Project xmlns:q='urn:QDA-XML:project:1.0' q:name='x'><q:Users><q:User guid='1'/></q:Users></q:Project>";
        let root = parse(xml).unwrap();
        assert_eq!(root.name, "Project");
        assert_eq!(root.attr("name"), Some("x"));
        assert_eq!(root.children[0].children[0].name, "User");
    }

    #[test]
    fn errors_carry_the_line() {
        let (line, message) = parse("<a>\n<b>\n</c>\n</a>").unwrap_err();
        assert_eq!(line, 3, "{message}");
        let (line, message) = parse("<a>\n&custom;</a>").unwrap_err();
        assert_eq!((line, message.as_str()), (2, "unknown entity &custom;"));
        let (_, message) = parse("<a>\n<b>").unwrap_err();
        assert!(message.contains("ends inside <b>"), "{message}");
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(parse(&deep).unwrap_err().1.contains("deeper"));
    }

    #[test]
    fn crlf_in_content_reads_as_lf() {
        let root = parse("<a>\r\n<b>x\r\ny</b>\r\n</a>").unwrap();
        assert_eq!(root.children[0].text, "x\ny");
        assert_eq!(root.children[0].line, 2);
    }
}

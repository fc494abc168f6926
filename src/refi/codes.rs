//! Codes between a thema codebook and REFI-QDA `<Code>` trees.
//!
//! A REFI code has a name, a colour, a description and child codes; a thema code has a dotted
//! id, labels per language, a description, include and exclude criteria. On export the code's
//! `name` is its English label (else its first label, else the last part of its id), and its
//! `Description` reads
//!
//! ```text
//! What the code means.
//!
//! Include: when it applies.
//!
//! Exclude: when it does not.
//!
//! [thema]
//! id = "proactivity.initiative"
//! label.en = "Taking initiative"
//! label.nl = "Initiatief nemen"
//! ```
//!
//! The `[thema]` block is TOML; on import it restores the id and every label, so a round
//! trip keeps them. A code without it (made in another program) gets an id from its name
//! (`Taking initiative` under `proactivity` becomes `proactivity.taking_initiative`) and its
//! name as English label. A code renamed or moved in another program keeps its new name and
//! place: the name replaces the label it came from, and a moved code's id is rebuilt under
//! its new parent.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use super::xml::{Element, XmlOut};
use crate::codebook::{Code, Codebook};

/// The GUID of the code `id`.
pub fn code_guid(id: &str) -> String {
    super::guid("code", &[id])
}

/// The name a code is shown by in other programs.
pub fn code_name(code: &Code) -> String {
    code.labels
        .get("en")
        .or_else(|| code.labels.values().next())
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .map_or_else(|| last_part(&code.id).to_owned(), str::to_owned)
}

fn last_part(id: &str) -> &str {
    id.rsplit('.').next().unwrap_or(id)
}

const INCLUDE: &str = "Include:";
const EXCLUDE: &str = "Exclude:";
const TRAILER: &str = "[thema]";

/// Description, include and exclude as one text, in the layout [`split_body`] reads.
fn body_text(description: &str, include: &str, exclude: &str) -> String {
    let mut parts = Vec::new();
    if !description.is_empty() {
        parts.push(description.to_owned());
    }
    if !include.is_empty() {
        parts.push(format!("{INCLUDE} {include}"));
    }
    if !exclude.is_empty() {
        parts.push(format!("{EXCLUDE} {exclude}"));
    }
    parts.join("\n\n")
}

/// Where a paragraph starting with `marker` begins in `text`.
fn paragraph_starting(text: &str, marker: &str) -> Option<usize> {
    if text.starts_with(marker) {
        return Some(0);
    }
    text.find(&format!("\n\n{marker}")).map(|i| i + 2)
}

/// Description, include and exclude read back from a description text.
fn split_body(text: &str) -> (String, String, String) {
    let text = text.trim();
    let exclude_at = paragraph_starting(text, EXCLUDE);
    let include_at =
        paragraph_starting(text, INCLUDE).filter(|&i| exclude_at.is_none_or(|e| i < e));
    let description_end = include_at.or(exclude_at).unwrap_or(text.len());
    let include = include_at.map_or("", |i| {
        &text[i + INCLUDE.len()..exclude_at.unwrap_or(text.len())]
    });
    let exclude = exclude_at.map_or("", |e| &text[e + EXCLUDE.len()..]);
    (
        text[..description_end].trim().to_owned(),
        include.trim().to_owned(),
        exclude.trim().to_owned(),
    )
}

/// The `Description` of a code: its texts and the `[thema]` block.
pub fn code_description(code: &Code) -> String {
    let body = body_text(&code.description, &code.include, &code.exclude);
    let exact = split_body(&body)
        == (
            code.description.clone(),
            code.include.clone(),
            code.exclude.clone(),
        );
    let mut trailer = format!("{TRAILER}\nid = {}\n", toml_string(&code.id));
    for (language, label) in &code.labels {
        let _ = writeln!(
            trailer,
            "label.{} = {}",
            toml_key(language),
            toml_string(label)
        );
    }
    if !exact {
        // The texts themselves contain the section markers: carry them exactly as well.
        for (key, value) in [
            ("description", &code.description),
            ("include", &code.include),
            ("exclude", &code.exclude),
        ] {
            let _ = writeln!(trailer, "{key} = {}", toml_string(value));
        }
    }
    if body.is_empty() {
        trailer
    } else {
        format!("{body}\n\n{trailer}")
    }
}

/// Writes the codebook's codes as nested `<Code>` elements (parents `isCodable="false"`
/// unless they have rules of their own).
pub fn write_codes(out: &mut XmlOut, codebook: &Codebook) {
    let mut children: HashMap<Option<&str>, Vec<&Code>> = HashMap::new();
    for code in &codebook.codes {
        children.entry(code.parent()).or_default().push(code);
    }
    for code in children.get(&None).into_iter().flatten() {
        write_code(out, code, &children);
    }
}

fn write_code(out: &mut XmlOut, code: &Code, children: &HashMap<Option<&str>, Vec<&Code>>) {
    let kids = children.get(&Some(code.id.as_str()));
    let codable = kids.is_none() || !code.rules.is_empty();
    let guid = code_guid(&code.id);
    let name = code_name(code);
    let mut attrs: Vec<(&str, &str)> = vec![
        ("guid", &guid),
        ("name", &name),
        ("isCodable", if codable { "true" } else { "false" }),
    ];
    if let Some(color) = &code.color {
        attrs.push(("color", color));
    }
    out.open("Code", &attrs);
    out.text("Description", &code_description(code));
    for kid in kids.into_iter().flatten() {
        write_code(out, kid, children);
    }
    out.close("Code");
}

/// A `<Code>` as read from a project or codebook file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefiCode {
    /// Its GUID, normalised ([`super::normalise_guid`]); empty when it had none.
    pub guid: String,
    /// Its name.
    pub name: String,
    /// Its colour as written.
    pub color: Option<String>,
    /// Its description.
    pub description: String,
    /// Its child codes.
    pub children: Vec<RefiCode>,
    /// The line of its start tag.
    pub line: usize,
}

/// Reads the `<Code>` children of `parent` (a `Codes` or `Code` element).
pub fn read_codes(parent: &Element) -> Vec<RefiCode> {
    parent
        .children_named("Code")
        .map(|e| RefiCode {
            guid: e
                .attr("guid")
                .map(super::normalise_guid)
                .unwrap_or_default(),
            name: e.attr("name").unwrap_or_default().trim().to_owned(),
            color: e.attr("color").map(|c| c.trim().to_owned()),
            description: e
                .child("Description")
                .map(|d| d.text.clone())
                .unwrap_or_default(),
            children: read_codes(e),
            line: e.line,
        })
        .collect()
}

/// A code ready for a thema codebook.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportedCode {
    /// The GUID it had (normalised), to resolve `CodeRef`s.
    pub guid: String,
    /// The dotted id.
    pub id: String,
    /// Labels per language.
    pub labels: BTreeMap<String, String>,
    /// What the code means.
    pub description: String,
    /// When it applies.
    pub include: String,
    /// When it does not.
    pub exclude: String,
    /// `#rrggbb`.
    pub color: Option<String>,
}

#[derive(Deserialize, Default)]
struct Trailer {
    #[serde(default)]
    thema: Meta,
}

#[derive(Deserialize, Default)]
struct Meta {
    id: Option<String>,
    #[serde(default)]
    label: BTreeMap<String, String>,
    description: Option<String>,
    include: Option<String>,
    exclude: Option<String>,
}

/// Splits the `[thema]` block off a description.
fn split_trailer(text: &str, warnings: &mut Vec<String>, what: &str) -> (String, Meta) {
    let text = text.trim_end();
    let at = if text.starts_with(TRAILER) {
        Some(0)
    } else {
        text.rfind(&format!("\n{TRAILER}\n"))
            .map(|i| i + 1)
            .or_else(|| {
                text.ends_with(&format!("\n{TRAILER}"))
                    .then(|| text.len() - TRAILER.len())
            })
    };
    let Some(at) = at else {
        return (text.to_owned(), Meta::default());
    };
    match toml::from_str::<Trailer>(&text[at..]) {
        Ok(trailer) => (text[..at].to_owned(), trailer.thema),
        Err(e) => {
            warnings.push(format!(
                "{what}: the [thema] block of its description is not valid TOML ({}); read as text",
                e.message().trim().replace('\n', " ")
            ));
            (text.to_owned(), Meta::default())
        }
    }
}

/// Whether `id` is a valid thema code id.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        })
}

/// A code-id part from a name: accents dropped, lower case, other characters as `_`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        for lower in c.to_lowercase() {
            if lower.is_ascii_lowercase() || lower.is_ascii_digit() || lower == '-' {
                out.push(lower);
            } else if !out.ends_with('_') {
                out.push('_');
            }
        }
    }
    let trimmed = out.trim_matches(|c| c == '_' || c == '-');
    if trimmed.is_empty() {
        "code".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// `#rgb` or `#rrggbb` (any case) as `#rrggbb`, the case kept.
pub fn normalise_color(color: &str) -> Option<String> {
    let hex = color.trim().strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{hex}")),
        3 => Some(format!(
            "#{}",
            hex.chars().flat_map(|c| [c, c]).collect::<String>()
        )),
        _ => None,
    }
}

/// Codes read from a REFI tree, with what was changed on the way.
#[derive(Debug, Clone, Default)]
pub struct CodeImport {
    /// The codes, parents before children.
    pub codes: Vec<ImportedCode>,
    /// One line per change worth telling (ids made unique, colours dropped...).
    pub warnings: Vec<String>,
}

/// Turns a REFI code tree into thema codes.
pub fn import_codes(tree: &[RefiCode]) -> CodeImport {
    let mut import = CodeImport::default();
    let mut used = HashSet::new();
    for code in tree {
        visit(code, None, &mut used, &mut import);
    }
    import
}

fn visit(node: &RefiCode, parent: Option<&str>, used: &mut HashSet<String>, out: &mut CodeImport) {
    let what = format!("code `{}` (line {})", node.name, node.line);
    let (body, meta) = split_trailer(&node.description, &mut out.warnings, &what);
    let (mut description, mut include, mut exclude) = split_body(&body);
    for (field, value) in [
        (&mut description, &meta.description),
        (&mut include, &meta.include),
        (&mut exclude, &meta.exclude),
    ] {
        if let Some(value) = value {
            *field = value.trim().to_owned();
        }
    }
    let wanted = match meta.id.as_deref().map(str::trim).filter(|id| valid_id(id)) {
        Some(id) if id.rsplit_once('.').map(|(p, _)| p) == parent => id.to_owned(),
        Some(id) => {
            let moved = join(parent, last_part(id));
            out.warnings.push(format!(
                "{what}: moved from `{id}`; its id is now `{moved}`"
            ));
            moved
        }
        None => {
            if let Some(bad) = &meta.id {
                out.warnings.push(format!(
                    "{what}: `{bad}` is not a valid code id; using its name"
                ));
            }
            join(parent, &slug(&node.name))
        }
    };
    let id = unique_id(&wanted, |id| used.contains(id));
    if id != wanted {
        out.warnings
            .push(format!("{what}: id `{wanted}` is taken; using `{id}`"));
    }
    used.insert(id.clone());
    let mut labels = meta.label;
    let name = node.name.trim();
    if !name.is_empty() {
        let primary = if labels.is_empty() || labels.contains_key("en") {
            "en".to_owned()
        } else {
            labels.keys().next().cloned().unwrap_or_default()
        };
        let renamed = match labels.get(&primary) {
            Some(label) => label != name,
            None => name != last_part(&id),
        };
        if renamed {
            labels.insert(primary, name.to_owned());
        }
    }
    let color = node.color.as_deref().and_then(|c| {
        let normalised = normalise_color(c);
        if normalised.is_none() {
            out.warnings
                .push(format!("{what}: colour {c:?} is not #rrggbb; left out"));
        }
        normalised
    });
    out.codes.push(ImportedCode {
        guid: node.guid.clone(),
        id: id.clone(),
        labels,
        description,
        include,
        exclude,
        color,
    });
    for child in &node.children {
        visit(child, Some(&id), used, out);
    }
}

/// `wanted`, or `wanted_2`, `wanted_3`... : the first that `taken` does not hold.
pub fn unique_id(wanted: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut id = wanted.to_owned();
    let mut n = 2;
    while taken(&id) {
        id = format!("{wanted}_{n}");
        n += 1;
    }
    id
}

fn join(parent: Option<&str>, part: &str) -> String {
    match parent {
        Some(p) => format!("{p}.{part}"),
        None => part.to_owned(),
    }
}

/// A TOML basic string.
pub fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML string, multi-line when the text has line breaks.
fn toml_text(text: &str) -> String {
    if !text.contains('\n') {
        return toml_string(text);
    }
    let mut out = String::from("\"\"\"\n");
    let mut quotes = 0;
    let last = text.chars().count().saturating_sub(1);
    for (i, c) in text.chars().enumerate() {
        if c != '"' {
            quotes = 0;
        }
        match c {
            // Quotes need escaping only as a third in a row, or next to the closing `"""`.
            '"' if quotes < 2 && i < last => {
                quotes += 1;
                out.push('"');
            }
            '"' => {
                quotes = 0;
                out.push_str("\\\"");
            }
            '\\' => out.push_str("\\\\"),
            '\n' => out.push('\n'),
            '\t' => out.push('\t'),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push_str("\"\"\"");
    out
}

/// A TOML key: bare when it can be.
fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_owned()
    } else {
        toml_string(key)
    }
}

/// One line, for comments.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A codebook TOML file (no rules) that `thema codebook check` accepts.
pub fn codebook_toml(
    name: &str,
    description: &str,
    source: &str,
    codes: &[ImportedCode],
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Codebook imported by {} from {}.",
        super::origin(),
        one_line(source)
    );
    out.push_str(
        "# The codes have no rules yet: add [[codes.rules]] to code transcripts with it\n\
         # (see docs/codebook-format.md), then run `thema codebook check` and `thema codebook test`.\n\n",
    );
    out.push_str("[codebook]\n");
    let _ = writeln!(out, "name = {}", toml_string(name));
    if !description.trim().is_empty() {
        let _ = writeln!(out, "description = {}", toml_text(description.trim()));
    }
    for code in codes {
        out.push_str("\n[[codes]]\n");
        let _ = writeln!(out, "id = {}", toml_string(&code.id));
        if !code.labels.is_empty() {
            let labels: Vec<String> = code
                .labels
                .iter()
                .map(|(k, v)| format!("{} = {}", toml_key(k), toml_string(v)))
                .collect();
            let _ = writeln!(out, "label = {{ {} }}", labels.join(", "));
        }
        for (key, value) in [
            ("description", &code.description),
            ("include", &code.include),
            ("exclude", &code.exclude),
        ] {
            if !value.is_empty() {
                let _ = writeln!(out, "{key} = {}", toml_text(value));
            }
        }
        if let Some(color) = &code.color {
            let _ = writeln!(out, "color = {}", toml_string(color));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_splits_back_into_its_parts() {
        for parts in [
            ("What it is.", "When.", "When not."),
            ("", "When.", ""),
            (
                "Only a description\n\nwith two paragraphs.",
                "",
                "Not\n\nthis.",
            ),
            ("", "", ""),
        ] {
            let body = body_text(parts.0, parts.1, parts.2);
            let (d, i, e) = split_body(&body);
            assert_eq!((d.as_str(), i.as_str(), e.as_str()), parts, "{body:?}");
        }
    }

    #[test]
    fn toml_strings_read_back() {
        #[derive(Deserialize)]
        struct T {
            a: String,
            b: String,
        }
        for s in [
            "x",
            "a \"q\" b\nline",
            "\"\"\"\n\"",
            "back\\slash\n\ttab \u{1}\r",
            "ends with quotes\n\"\"",
            "é € 😀\n",
        ] {
            let doc = format!("a = {}\nb = {}\n", toml_string(s), toml_text(s));
            let t: T = toml::from_str(&doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
            assert_eq!((t.a.as_str(), t.b.as_str()), (s, s), "{doc}");
        }
    }

    #[test]
    fn slugs_are_valid_ids() {
        assert_eq!(slug("Taking initiative"), "taking_initiative");
        assert_eq!(slug("Één ding — €"), "een_ding");
        assert_eq!(slug("😀"), "code");
        assert_eq!(slug("Self-help (2)"), "self-help_2");
        for s in ["Taking initiative", "Één ding — €", "😀", "A.B"] {
            assert!(valid_id(&slug(s)), "{s}");
        }
    }

    #[test]
    fn colours_normalise() {
        assert_eq!(normalise_color("#ABC").as_deref(), Some("#AABBCC"));
        assert_eq!(normalise_color(" #1F77b4 ").as_deref(), Some("#1F77b4"));
        assert_eq!(normalise_color("red"), None);
        assert_eq!(normalise_color("#12345"), None);
    }

    #[test]
    fn foreign_codes_get_ids_from_names_and_renames_win() {
        let tree = vec![RefiCode {
            guid: "g1".into(),
            name: "Proactief".into(),
            color: Some("#ABC".into()),
            description:
                "Parent.\n\nInclude: all\n\n[thema]\nid = \"pro\"\nlabel.nl = \"Proactief\"\n"
                    .into(),
            children: vec![
                RefiCode {
                    guid: "g2".into(),
                    name: "Taking initiative".into(),
                    ..RefiCode::default()
                },
                RefiCode {
                    guid: "g3".into(),
                    name: "Taking initiative!".into(),
                    description: "[thema]\nid = \"other.initiative\"\n".into(),
                    ..RefiCode::default()
                },
            ],
            line: 1,
        }];
        let import = import_codes(&tree);
        let ids: Vec<&str> = import.codes.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["pro", "pro.taking_initiative", "pro.initiative"]);
        let parent = &import.codes[0];
        assert_eq!(parent.labels.len(), 1);
        assert_eq!(
            parent.labels.get("nl").map(String::as_str),
            Some("Proactief")
        );
        let renamed = &import.codes[2];
        assert_eq!(
            renamed.labels.get("en").map(String::as_str),
            Some("Taking initiative!")
        );
        assert_eq!(
            (parent.description.as_str(), parent.include.as_str()),
            ("Parent.", "all")
        );
        assert_eq!(parent.color.as_deref(), Some("#AABBCC"));
        assert!(
            import
                .warnings
                .iter()
                .any(|w| w.contains("moved from `other.initiative`"))
        );
    }
}

//! quanteda YAML dictionaries (`dictionary(file = "x.yml")`, `as.yaml()`):
//!
//! ```yaml
//! economy:
//!   market: [market*, econom*]
//!   jobs:
//!     - job*
//!     - employ*
//! positive: [good, well done]
//! ```
//!
//! Keys are categories, nested mappings subcategories; a list (or a single string) holds a
//! category's patterns. `as.yaml` writes the patterns of a category that also has
//! subcategories under the key `__`.

use std::fmt::Write as _;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use super::{Dictionary, Entry};

type Failure = (usize, String);

/// Reads quanteda YAML into `dictionary`.
pub fn read(text: &str, dictionary: &mut Dictionary) -> Result<(), Failure> {
    let documents = MarkedYaml::load_from_str(text)
        .map_err(|e| (e.marker().line(), format!("invalid YAML: {}", e.info())))?;
    let Some(root) = documents.first() else {
        return Err((1, "an empty YAML file".into()));
    };
    let YamlData::Mapping(map) = &root.data else {
        return Err((
            root.span.start.line(),
            "a quanteda dictionary is a mapping of category names to patterns".into(),
        ));
    };
    for (key, value) in map {
        mapping_entry(text, key, value, &[], dictionary)?;
    }
    Ok(())
}

/// The text of a scalar node as written (numbers and booleans too).
fn scalar_text(source: &str, node: &MarkedYaml<'_>) -> Option<String> {
    match &node.data {
        YamlData::Value(Scalar::String(s)) => Some(s.to_string()),
        YamlData::Value(Scalar::Null) => None,
        YamlData::Value(_) => Some(
            source
                .chars()
                .skip(node.span.start.index())
                .take(node.span.end.index() - node.span.start.index())
                .collect::<String>()
                .trim()
                .to_owned(),
        ),
        _ => None,
    }
}

fn mapping_entry(
    source: &str,
    key: &MarkedYaml<'_>,
    value: &MarkedYaml<'_>,
    path: &[String],
    dictionary: &mut Dictionary,
) -> Result<(), Failure> {
    let line = key.span.start.line();
    let Some(name) = scalar_text(source, key) else {
        return Err((line, "a category name must be a plain text key".into()));
    };
    if name == "__" && !path.is_empty() {
        return patterns(source, value, path, dictionary);
    }
    let mut own = path.to_vec();
    own.push(name);
    dictionary.category(&own, line);
    match &value.data {
        YamlData::Mapping(map) => {
            for (k, v) in map {
                mapping_entry(source, k, v, &own, dictionary)?;
            }
            Ok(())
        }
        _ => patterns(source, value, &own, dictionary),
    }
}

fn patterns(
    source: &str,
    value: &MarkedYaml<'_>,
    path: &[String],
    dictionary: &mut Dictionary,
) -> Result<(), Failure> {
    let items: Vec<&MarkedYaml<'_>> = match &value.data {
        YamlData::Sequence(list) => list.iter().collect(),
        YamlData::Value(Scalar::Null) => Vec::new(),
        _ => vec![value],
    };
    for item in items {
        let line = item.span.start.line();
        match scalar_text(source, item) {
            Some(text) => dictionary
                .category(path, line)
                .entries
                .push(Entry { text, line }),
            None => {
                return Err((
                    line,
                    format!(
                        "category {:?}: a pattern must be text, not a list or mapping",
                        path.join(" > ")
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// A YAML double-quoted string: its escapes (`\"`, `\\`, `\n`, `\t`, `\uXXXX`) are those of a
/// TOML basic string.
fn quoted(text: &str) -> String {
    crate::refi::codes::toml_string(text)
}

/// Writes `dictionary` as quanteda YAML (patterns of a category with subcategories under
/// `__`, as `as.yaml` does).
pub fn write(dictionary: &Dictionary) -> String {
    let mut out = String::new();
    for (i, category) in dictionary.categories.iter().enumerate() {
        let depth = category.path.len() - 1;
        let indent = "  ".repeat(depth);
        let has_children = dictionary.categories.get(i + 1).is_some_and(|next| {
            next.path.len() > category.path.len() && next.path.starts_with(&category.path)
        });
        let name = quoted(category.path.last().map_or("", String::as_str));
        if has_children {
            let _ = writeln!(out, "{indent}{name}:");
            if !category.entries.is_empty() {
                let _ = writeln!(out, "{indent}  __:");
                for entry in &category.entries {
                    let _ = writeln!(out, "{indent}    - {}", quoted(&entry.text));
                }
            }
        } else if category.entries.is_empty() {
            let _ = writeln!(out, "{indent}{name}: []");
        } else {
            let _ = writeln!(out, "{indent}{name}:");
            for entry in &category.entries {
                let _ = writeln!(out, "{indent}  - {}", quoted(&entry.text));
            }
        }
    }
    out
}

//! WordStat `.cat` category files:
//!
//! ```text
//! POSITIVE
//! →GOOD (1)
//! →WELL DONE (1)
//! →PRAISE
//! →→COMPLIMENT* (1)
//! ```
//!
//! (`→` is a tab.) A line without a `(weight)` is a category, one with it an entry of the category it is
//! indented under; each level is one tab (or, in files that use spaces, the indent of the
//! first indented line). A weight other than 1 has no equivalent (every match counts once)
//! and is noted.

use std::fmt::Write as _;

use super::{Dictionary, Entry};

type Failure = (usize, String);

/// Splits `ENTRY (N)` into the entry and its weight.
fn entry_and_weight(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let weight = &inner[open + 1..];
    if weight.is_empty()
        || !weight
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    {
        return None;
    }
    Some((inner[..open].trim_end(), weight))
}

/// Reads WordStat `.cat` text into `dictionary`.
pub fn read(text: &str, dictionary: &mut Dictionary) -> Result<(), Failure> {
    let mut unit: Option<String> = None;
    let mut path: Vec<String> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = raw.trim();
        if content.is_empty() {
            continue;
        }
        let indent = &raw[..raw.len() - raw.trim_start().len()];
        let depth = if indent.is_empty() {
            0
        } else {
            if indent.contains('\t') && indent.contains(' ') {
                return Err((line, "bad indentation: tabs and spaces mixed".into()));
            }
            let unit = unit.get_or_insert_with(|| indent.to_owned());
            if indent.len() % unit.len() != 0 || !indent.starts_with(unit.as_str()) {
                return Err((
                    line,
                    format!(
                        "bad indentation: {} characters, not a multiple of the {} of the first indented line",
                        indent.len(),
                        unit.len()
                    ),
                ));
            }
            indent.len() / unit.len()
        };
        match entry_and_weight(content) {
            Some((entry, weight)) => {
                if path.is_empty() {
                    return Err((line, format!("entry {entry:?} stands outside any category")));
                }
                if depth != path.len() {
                    return Err((
                        line,
                        format!(
                            "bad indentation: entry {entry:?} is at level {depth}, but the entries of category {:?} are at level {}",
                            path.last().map_or("", String::as_str),
                            path.len()
                        ),
                    ));
                }
                let weight_is_one = weight.parse::<f64>().is_ok_and(|w| w == 1.0);
                if !weight_is_one {
                    dictionary.note(
                        line,
                        format!("entry {entry:?}: weight ({weight}) has no equivalent; every match counts once"),
                    );
                }
                let current = path.clone();
                dictionary.category(&current, line).entries.push(Entry {
                    text: entry.to_owned(),
                    line,
                });
            }
            None => {
                if depth > path.len() {
                    return Err((
                        line,
                        format!(
                            "bad indentation: category {content:?} is at level {depth}, more than one level below the category above it"
                        ),
                    ));
                }
                path.truncate(depth);
                path.push(content.to_owned());
                let current = path.clone();
                dictionary.category(&current, line);
            }
        }
    }
    if dictionary.categories.is_empty() {
        return Err((
            1,
            "no categories: a WordStat file has category lines and indented `ENTRY (1)` lines"
                .into(),
        ));
    }
    Ok(())
}

/// Writes `dictionary` as a WordStat `.cat` file, indented with tabs, weights 1.
pub fn write(dictionary: &Dictionary) -> String {
    let mut out = String::new();
    for category in &dictionary.categories {
        let depth = category.path.len() - 1;
        let _ = writeln!(
            out,
            "{}{}",
            "\t".repeat(depth),
            category.path.last().map_or("", String::as_str)
        );
        for entry in &category.entries {
            let _ = writeln!(out, "{}{} (1)", "\t".repeat(depth + 1), entry.text);
        }
    }
    out
}

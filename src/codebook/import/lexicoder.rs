//! Lexicoder dictionaries (`.lc3`, and the text form of `.lcd`), such as the Lexicoder
//! Sentiment Dictionary:
//!
//! ```text
//! +negative
//! abandon*
//! a lie
//! +positive
//! able*
//! ```
//!
//! A line starting with `+` opens a category; every other line is an entry of the category
//! above it. Categories are flat; a nested code is written with its path (`a > b`).

use std::fmt::Write as _;

use super::{Dictionary, Entry};

type Failure = (usize, String);

/// Reads Lexicoder text into `dictionary`.
pub fn read(text: &str, dictionary: &mut Dictionary) -> Result<(), Failure> {
    let mut current: Option<Vec<String>> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = raw.trim();
        if content.is_empty() {
            continue;
        }
        if let Some(name) = content.strip_prefix('+') {
            let name = name.trim();
            if name.is_empty() {
                return Err((line, "a `+` line without a category name".into()));
            }
            let path = vec![name.to_owned()];
            dictionary.category(&path, line);
            current = Some(path);
            continue;
        }
        let Some(path) = &current else {
            return Err((
                line,
                format!("entry {content:?} comes before the first `+category` line"),
            ));
        };
        let path = path.clone();
        dictionary.category(&path, line).entries.push(Entry {
            text: content.to_owned(),
            line,
        });
    }
    if dictionary.categories.is_empty() {
        return Err((1, "no `+category` line: not a Lexicoder dictionary".into()));
    }
    Ok(())
}

/// Writes `dictionary` as Lexicoder text.
pub fn write(dictionary: &Dictionary) -> String {
    let mut out = String::new();
    for category in &dictionary.categories {
        let _ = writeln!(out, "+{}", category.path.join(" > "));
        for entry in &category.entries {
            let _ = writeln!(out, "{}", entry.text);
        }
    }
    out
}

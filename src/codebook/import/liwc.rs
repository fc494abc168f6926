//! LIWC and LIWC-22 `.dic` dictionaries (also the moral foundations dictionaries):
//!
//! ```text
//! %
//! 1→posemo
//! 2→negemo
//! →3→anger
//! %
//! good→1
//! hate*→2→3
//! ```
//!
//! (`→` is a tab.) The category table stands between two `%` lines: a number and a name per line, tabs
//! before the number nesting a category under the one above (LIWC-22). Then one word or
//! phrase per line with the numbers of its categories; `*` ends a wildcard. LIWC counts a
//! word for its most specific entry only (`care` before `car*`); [`Precedence`] gives the
//! entries a wildcard must leave to others. LIWC2007's conditional entries (`(02 134)125/464`,
//! `<of>`) have no equivalent and are noted.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Dictionary, Entry, entry_term};
use crate::text::fold;

type Failure = (usize, String);

/// Reads LIWC `.dic` text into `dictionary`.
pub fn read(text: &str, dictionary: &mut Dictionary) -> Result<(), Failure> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end()))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let Some(&(open, first)) = lines.first() else {
        return Err((
            1,
            "an empty dictionary: LIWC files start with a `%` line".into(),
        ));
    };
    if first.trim() != "%" {
        return Err((
            open,
            format!(
                "expected `%`, the line that opens the category table of a LIWC dictionary, found {:?}",
                first.trim()
            ),
        ));
    }
    let Some(close_at) = lines[1..]
        .iter()
        .position(|(_, l)| l.trim() == "%")
        .map(|p| p + 1)
    else {
        return Err((
            open,
            "the category table opened by this `%` is never closed by a second `%` line".into(),
        ));
    };
    // Number → (path, line).
    let mut table: BTreeMap<u64, (Vec<String>, usize)> = BTreeMap::new();
    let mut stack: Vec<String> = Vec::new();
    for &(line, raw) in &lines[1..close_at] {
        let depth = raw.chars().take_while(|&c| c == '\t').count();
        let rest = raw.trim();
        let mut parts = rest.splitn(2, char::is_whitespace);
        let number = parts.next().unwrap_or_default();
        let name = parts.next().unwrap_or_default().trim();
        let Ok(number) = number.parse::<u64>() else {
            return Err((
                line,
                format!("expected `NUMBER<tab>category` in the category table, found {rest:?}"),
            ));
        };
        if name.is_empty() {
            return Err((line, format!("category {number} has no name")));
        }
        if depth > stack.len() {
            return Err((
                line,
                format!(
                    "bad indentation: category {name:?} is indented {depth} tabs, more than one tab deeper than the category above it"
                ),
            ));
        }
        stack.truncate(depth);
        stack.push(name.to_owned());
        if let Some((_, first)) = table.get(&number) {
            return Err((
                line,
                format!("category number {number} is used twice (first at line {first})"),
            ));
        }
        table.insert(number, (stack.clone(), line));
        dictionary.category(&stack, line);
    }
    let known = || {
        let numbers: Vec<String> = table.keys().map(u64::to_string).collect();
        numbers.join(", ")
    };
    for &(line, raw) in &lines[close_at + 1..] {
        if raw.trim() == "%" {
            return Err((
                line,
                "a third `%` line: the category table was already closed".into(),
            ));
        }
        let fields: Vec<&str> = if raw.contains('\t') {
            raw.split('\t')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .collect()
        } else {
            raw.split_whitespace().collect()
        };
        // The word is the fields before the first category reference (a phrase may have
        // spaces when the file separates with tabs).
        let split = fields
            .iter()
            .position(|f| f.parse::<u64>().is_ok() || f.starts_with('(') || f.starts_with('<'))
            .unwrap_or(fields.len());
        let word = fields[..split].join(" ");
        if word.is_empty() {
            return Err((line, format!("an entry without a word: {:?}", raw.trim())));
        }
        if split == fields.len() {
            dictionary.note(line, format!("entry {word:?} names no category; left out"));
            continue;
        }
        for field in &fields[split..] {
            match field.parse::<u64>() {
                Ok(number) => {
                    let Some((path, _)) = table.get(&number) else {
                        return Err((
                            line,
                            format!(
                                "entry {word:?}: category {number} is not in the category table (which has {})",
                                known()
                            ),
                        ));
                    };
                    let path = path.clone();
                    dictionary.category(&path, line).entries.push(Entry {
                        text: word.clone(),
                        line,
                    });
                }
                Err(_) => dictionary.note(
                    line,
                    format!(
                        "entry {word:?}: the conditional category {field:?} has no equivalent; left out"
                    ),
                ),
            }
        }
    }
    Ok(())
}

/// Which entries take a word from a wildcard entry: LIWC uses an entry's categories only for
/// the words that no more specific entry matches.
pub struct Precedence {
    /// Single-word entries that are valid terms, folded, in first-appearance order.
    words: Vec<String>,
}

impl Precedence {
    /// The single-word entries of `dictionary`.
    pub fn of(dictionary: &Dictionary) -> Precedence {
        let mut words: Vec<String> = Vec::new();
        for entry in dictionary.categories.iter().flat_map(|c| &c.entries) {
            let text = fold(entry.text.trim());
            if !text.contains(char::is_whitespace)
                && entry_term(&text).is_ok()
                && !words.contains(&text)
            {
                words.push(text);
            }
        }
        Precedence { words }
    }

    /// The entries more specific than `entry` (a trailing-`*` wildcard): the exact words it
    /// matches and the longer wildcards inside it.
    pub fn more_specific(&self, entry: &str) -> Vec<String> {
        let entry = fold(entry.trim());
        let Some(stem) = entry.strip_suffix('*') else {
            return Vec::new();
        };
        if stem.contains('*') || stem.contains(char::is_whitespace) {
            return Vec::new();
        }
        self.words
            .iter()
            .filter(|w| **w != entry)
            .filter(|w| {
                let core = w.strip_suffix('*').unwrap_or(w);
                !core.contains('*') && core.starts_with(stem)
            })
            .cloned()
            .collect()
    }
}

/// Writes `dictionary` as LIWC `.dic`: the categories numbered in order (nested ones
/// indented with tabs), then every entry once with its categories, sorted.
pub fn write(dictionary: &Dictionary) -> String {
    let mut out = String::from("%\n");
    let mut entries: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (i, category) in dictionary.categories.iter().enumerate() {
        let number = i + 1;
        let _ = writeln!(
            out,
            "{}{number}\t{}",
            "\t".repeat(category.path.len() - 1),
            category.path.last().map_or("", String::as_str)
        );
        for entry in &category.entries {
            let slot = entries
                .entry(fold(&entry.text))
                .or_insert_with(|| (entry.text.clone(), Vec::new()));
            if !slot.1.contains(&number) {
                slot.1.push(number);
            }
        }
    }
    out.push_str("%\n");
    for (text, numbers) in entries.values() {
        let numbers: Vec<String> = numbers.iter().map(usize::to_string).collect();
        let _ = writeln!(out, "{text}\t{}", numbers.join("\t"));
    }
    out
}

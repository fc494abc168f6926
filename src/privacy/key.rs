//! The key file: which original each pseudonym stands for, where it stands, and which
//! input each pseudonymised file came from. It is a CSV file with three kinds of row:
//!
//! - `file`: a pseudonymised file (`file`), its input (`original`) and both SHA-256 sums;
//! - `name`: a person (`person` number, `original` name, `pseudonym` for `--style names`);
//! - every other category: one replacement, at `line` and `column` (1-based, counted in
//!   characters) of the pseudonymised file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::Category;
use crate::{Error, Result};

/// The header of a key file.
pub const HEADER: [&str; 9] = [
    "file",
    "line",
    "column",
    "category",
    "person",
    "original",
    "pseudonym",
    "original_sha256",
    "pseudonymised_sha256",
];

/// A pseudonymised file and its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// The pseudonymised file as written (the key's file id).
    pub output: String,
    /// The input it was made from.
    pub input: String,
    /// SHA-256 of the input (of its plain-text or CSV equivalent for Word and JSON Lines).
    pub input_sha256: String,
    /// SHA-256 of the pseudonymised file.
    pub output_sha256: String,
}

/// A person and their pseudonyms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonEntry {
    /// The number in `[PERSOON-n]`.
    pub number: usize,
    /// The name (given name first).
    pub name: String,
    /// The replacement name of `--style names`.
    pub replacement: String,
}

/// One replacement in a pseudonymised file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// The pseudonymised file ([`FileEntry::output`]).
    pub file: String,
    /// 1-based line of the pseudonym.
    pub line: usize,
    /// 1-based column (in characters) of the pseudonym.
    pub column: usize,
    /// What was replaced.
    pub category: Category,
    /// The person number, for names.
    pub person: Option<usize>,
    /// The original text.
    pub original: String,
    /// The pseudonym put in its place.
    pub pseudonym: String,
}

/// A key: files, persons and replacements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Key {
    /// The pseudonymised files.
    pub files: Vec<FileEntry>,
    /// The persons, by number.
    pub persons: Vec<PersonEntry>,
    /// The replacements, by file and position.
    pub occurrences: Vec<Occurrence>,
}

impl Key {
    /// Reads a key file; errors name the line.
    pub fn read(path: &Path) -> Result<Key> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::input(path, e.to_string()))?;
        Key::parse(path, &text)
    }

    /// Parses key-file text (`path` is for messages).
    pub fn parse(path: &Path, text: &str) -> Result<Key> {
        let (headers, rows) = crate::ingest::table::read_csv(path, text, b',')?;
        if headers.iter().ne(HEADER) {
            return Err(Error::input_line(
                path,
                1,
                format!(
                    "not a thema key file: the header should be `{}`",
                    HEADER.join(",")
                ),
            ));
        }
        let mut key = Key::default();
        for (line, record) in &rows {
            let line = *line;
            let field = |i: usize| record.get(i).cloned().unwrap_or_default();
            let number = |i: usize, what: &str| -> Result<usize> {
                record
                    .get(i)
                    .map_or("", String::as_str)
                    .parse()
                    .map_err(|_| Error::input_line(path, line, format!("{what} is not a number")))
            };
            match field(3).as_str() {
                "file" => key.files.push(FileEntry {
                    output: field(0),
                    input: field(5),
                    input_sha256: field(7),
                    output_sha256: field(8),
                }),
                "name" => key.persons.push(PersonEntry {
                    number: number(4, "person")?,
                    name: field(5),
                    replacement: field(6),
                }),
                other => {
                    let category = Category::parse(other).ok_or_else(|| {
                        Error::input_line(path, line, format!("unknown category `{other}`"))
                    })?;
                    key.occurrences.push(Occurrence {
                        file: field(0),
                        line: number(1, "line")?,
                        column: number(2, "column")?,
                        category,
                        person: if field(4).is_empty() {
                            None
                        } else {
                            Some(number(4, "person")?)
                        },
                        original: field(5),
                        pseudonym: field(6),
                    });
                }
            }
        }
        Ok(key)
    }

    /// The key as CSV, rows sorted (files, persons, then replacements by file and
    /// position), so the same key is always the same bytes.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let mut rows: Vec<[String; 9]> = Vec::new();
        let mut files = self.files.clone();
        files.sort_by(|a, b| a.output.cmp(&b.output));
        for f in &files {
            rows.push([
                f.output.clone(),
                String::new(),
                String::new(),
                "file".into(),
                String::new(),
                f.input.clone(),
                String::new(),
                f.input_sha256.clone(),
                f.output_sha256.clone(),
            ]);
        }
        let mut persons = self.persons.clone();
        persons.sort_by_key(|p| p.number);
        for p in &persons {
            rows.push([
                String::new(),
                String::new(),
                String::new(),
                "name".into(),
                p.number.to_string(),
                p.name.clone(),
                p.replacement.clone(),
                String::new(),
                String::new(),
            ]);
        }
        let mut occurrences = self.occurrences.clone();
        occurrences.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        for o in &occurrences {
            rows.push([
                o.file.clone(),
                o.line.to_string(),
                o.column.to_string(),
                o.category.as_str().into(),
                o.person.map(|n| n.to_string()).unwrap_or_default(),
                o.original.clone(),
                o.pseudonym.clone(),
                String::new(),
                String::new(),
            ]);
        }
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(HEADER);
        for row in &rows {
            let _ = writer.write_record(row);
        }
        writer.into_inner().unwrap_or_default()
    }

    /// This key with `newer` laid over it: the files `newer` writes lose their old rows,
    /// persons are kept (newer wins for a number both have), everything else stays.
    pub fn merged(&self, newer: &Key) -> Key {
        let rewritten: BTreeSet<&str> = newer.files.iter().map(|f| f.output.as_str()).collect();
        let mut persons: BTreeMap<usize, PersonEntry> =
            self.persons.iter().map(|p| (p.number, p.clone())).collect();
        persons.extend(newer.persons.iter().map(|p| (p.number, p.clone())));
        Key {
            files: self
                .files
                .iter()
                .filter(|f| !rewritten.contains(f.output.as_str()))
                .chain(&newer.files)
                .cloned()
                .collect(),
            persons: persons.into_values().collect(),
            occurrences: self
                .occurrences
                .iter()
                .filter(|o| !rewritten.contains(o.file.as_str()))
                .chain(&newer.occurrences)
                .cloned()
                .collect(),
        }
    }

    /// The original names of each person number, as the replacements recorded them.
    pub fn person_names(&self) -> BTreeMap<usize, BTreeSet<String>> {
        let mut names: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
        for p in &self.persons {
            names.entry(p.number).or_default().insert(p.name.clone());
        }
        for o in &self.occurrences {
            if let Some(n) = o.person {
                names.entry(n).or_default().insert(o.original.clone());
            }
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Key {
        Key {
            files: vec![FileEntry {
                output: "out/a.txt".into(),
                input: "in/a.txt".into(),
                input_sha256: "11".into(),
                output_sha256: "22".into(),
            }],
            persons: vec![PersonEntry {
                number: 1,
                name: "Sara Jansen".into(),
                replacement: "Anke Mulder".into(),
            }],
            occurrences: vec![Occurrence {
                file: "out/a.txt".into(),
                line: 3,
                column: 4,
                category: Category::Person,
                person: Some(1),
                original: "Sara, \"de\" Jansen".into(),
                pseudonym: "[PERSOON-1]".into(),
            }],
        }
    }

    #[test]
    fn a_key_reads_back_what_was_written() {
        let key = sample();
        let text = String::from_utf8(key.to_csv()).unwrap();
        assert!(text.starts_with("file,line,column,category,person,original,pseudonym,"));
        assert_eq!(Key::parse(Path::new("k.csv"), &text).unwrap(), key);
    }

    #[test]
    fn other_files_are_refused_and_bad_rows_name_their_line() {
        let err = Key::parse(Path::new("k.csv"), "document,code\nNL01,x\n").unwrap_err();
        assert!(
            err.to_string().starts_with("k.csv:1: not a thema key file"),
            "{err}"
        );
        let text = format!("{}\nout/a.txt,x,1,person,,Sara,[P],,\n", HEADER.join(","));
        let err = Key::parse(Path::new("k.csv"), &text).unwrap_err();
        assert_eq!(err.to_string(), "k.csv:2: line is not a number");
    }

    #[test]
    fn merging_replaces_the_rows_of_rewritten_files_only() {
        let old = sample();
        let mut newer = sample();
        newer.files[0].output_sha256 = "33".into();
        newer.occurrences[0].column = 9;
        newer.persons.push(PersonEntry {
            number: 2,
            name: "Kees".into(),
            replacement: "Bart".into(),
        });
        let mut other = sample();
        other.files[0].output = "out/b.txt".into();
        other.occurrences[0].file = "out/b.txt".into();
        let merged = old.merged(&other).merged(&newer);
        assert_eq!(merged.files.len(), 2);
        assert_eq!(merged.occurrences.len(), 2);
        assert!(merged.occurrences.iter().any(|o| o.column == 9));
        assert_eq!(merged.persons.len(), 2);
    }
}

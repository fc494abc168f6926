//! The attributes CSV: a `document` column plus one column per attribute.

use std::collections::BTreeMap;
use std::path::Path;

use crate::corpus::Document;
use crate::{Error, Result};

/// Attribute rows by document id, with the CSV line each came from.
#[derive(Debug, Default)]
pub struct AttributeTable {
    rows: BTreeMap<String, (usize, BTreeMap<String, String>)>,
    path: std::path::PathBuf,
    /// Repairs made decoding the file.
    decode_warnings: Vec<String>,
}

impl AttributeTable {
    /// Reads an attributes CSV (UTF-8, comma-separated, header row).
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::input(path, e.to_string()))?;
        let decoded = super::decode::decode(&bytes).map_err(|m| Error::input(path, m))?;
        let (headers, records) = super::table::read_csv(path, &decoded.text, b',')?;
        let Some(doc_col) = headers.iter().position(|h| h == "document") else {
            return Err(Error::input_line(
                path,
                1,
                format!("no `document` column (columns: {})", headers.join(", ")),
            ));
        };
        if let Some(name) = headers
            .iter()
            .find(|h| crate::columns::is_reserved(h) && *h != "document")
        {
            return Err(Error::input_line(
                path,
                1,
                format!(
                    "attribute column `{name}` is the name of a column of thema's outputs (segments, quotes): rename it"
                ),
            ));
        }
        let mut rows = BTreeMap::new();
        for (line, record) in records {
            let id = record[doc_col].trim().to_owned();
            if id.is_empty() {
                return Err(Error::input_line(path, line, "empty `document` value"));
            }
            let values: BTreeMap<String, String> = headers
                .iter()
                .zip(record.iter())
                .filter(|(h, v)| *h != "document" && !v.trim().is_empty())
                .map(|(h, v)| (h.clone(), v.trim().to_owned()))
                .collect();
            if let Some((first, _)) = rows.insert(id.clone(), (line, values)) {
                return Err(Error::input_line(
                    path,
                    line,
                    format!("document `{id}` already has a row at line {first}"),
                ));
            }
        }
        Ok(AttributeTable {
            rows,
            path: path.to_owned(),
            decode_warnings: decoded.warnings,
        })
    }

    /// Sets the attributes this table gives `doc`; an attribute that contradicts one the
    /// document already has (front matter) is an error naming the table's line.
    pub fn apply(&self, doc: &mut Document) -> Result<()> {
        let Some((line, values)) = self.rows.get(&doc.id) else {
            return Ok(());
        };
        for (name, value) in values {
            match doc.attributes.get(name) {
                Some(existing) if existing != value => {
                    return Err(Error::input_line(
                        &self.path,
                        *line,
                        format!(
                            "document `{}`: attribute `{name}` is {existing:?} in {} but {value:?} here",
                            doc.id,
                            doc.path.display()
                        ),
                    ));
                }
                _ => {
                    doc.attributes.insert(name.clone(), value.clone());
                }
            }
        }
        Ok(())
    }

    /// The warnings of the table once every document has been read: bytes repaired, and
    /// rows for documents that are not among the inputs (`known`: the ids read).
    pub fn warnings(&self, known: &std::collections::HashSet<&str>) -> Vec<String> {
        let repaired = self
            .decode_warnings
            .iter()
            .map(|w| format!("{}: {w}", self.path.display()));
        repaired
            .chain(
                self.rows
                    .iter()
                    .filter(|(id, _)| !known.contains(id.as_str()))
                    .map(|(id, (line, _))| {
                        format!(
                            "{}:{line}: no document `{id}` among the inputs; row ignored",
                            self.path.display()
                        )
                    }),
            )
            .collect()
    }
}

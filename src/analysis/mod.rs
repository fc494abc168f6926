//! Turning codings into tables: frequencies per code, overall and per group of documents.

pub mod agreement;
pub mod compare;
pub mod cooccur;
pub mod evaluate;
pub mod frames;
pub mod quotes;
pub mod report;
pub mod sample;
pub mod search;
pub mod selection;
pub mod source;
pub mod tables;
pub mod units;

use std::collections::{BTreeMap, BTreeSet};

use crate::codebook::Codebook;
use crate::corpus::{Document, Role};
use crate::engine::Coding;

/// The documents with their codings: what every analysis starts from.
#[derive(Debug)]
pub struct CodedCorpus<'a> {
    /// The codebook used.
    pub codebook: &'a Codebook,
    /// The documents in path order.
    pub documents: &'a [Document],
    /// Codings per document, parallel to `documents`.
    pub codings: &'a [Vec<Coding>],
}

impl CodedCorpus<'_> {
    /// For each document, the segments carrying each code, with parents aggregating their
    /// children (a segment with `a.b` counts for `a` too).
    pub fn segments_by_code(&self) -> Vec<BTreeMap<&str, BTreeSet<usize>>> {
        self.codings.iter().map(|c| code_segments(c)).collect()
    }

    /// Checks that some document has attribute `name` (see [`require_attribute`]).
    pub fn require_attribute(&self, name: &str) -> crate::Result<()> {
        require_attribute(self.documents, name)
    }

    /// Number of respondent segments of a document.
    pub fn respondent_segments(doc: &Document) -> usize {
        doc.segments
            .iter()
            .filter(|s| s.role == Role::Respondent)
            .count()
    }
}

/// Parses `ATTR=VALUE` (the attribute name is lowercased, as attribute names are).
pub fn parse_filter(text: &str) -> crate::Result<(String, String)> {
    match text.split_once('=') {
        Some((attr, value)) if !attr.trim().is_empty() => {
            Ok((attr.trim().to_lowercase(), value.trim().to_owned()))
        }
        _ => Err(crate::Error::Usage(format!(
            "--where takes ATTR=VALUE, got {text:?}"
        ))),
    }
}

/// The segments of one document's `codings` carrying each code, parents aggregating their
/// children (a segment with `a.b` counts for `a` too).
pub fn code_segments(codings: &[Coding]) -> BTreeMap<&str, BTreeSet<usize>> {
    let mut map: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for coding in codings {
        let mut id = coding.code.as_str();
        loop {
            map.entry(id).or_default().insert(coding.segment);
            match id.rsplit_once('.') {
                Some((parent, _)) => id = parent,
                None => break,
            }
        }
    }
    map
}

/// Keeps the documents whose attributes have all the `(attribute, value)` pairs. An
/// attribute no document has, or a value no document has, is an error listing what there is.
pub fn filter_documents(
    documents: Vec<Document>,
    filters: &[(String, String)],
) -> crate::Result<Vec<Document>> {
    let attributes: Vec<&BTreeMap<String, String>> =
        documents.iter().map(|d| &d.attributes).collect();
    check_filters(&attributes, filters)?;
    Ok(documents
        .into_iter()
        .filter(|d| passes_filters(&d.attributes, filters))
        .collect())
}

/// Checks `--where` filters against the attributes of every document read: an attribute
/// no document has, or a value no document has, is an error listing what there is.
pub fn check_filters(
    attributes: &[&BTreeMap<String, String>],
    filters: &[(String, String)],
) -> crate::Result<()> {
    for (attr, value) in filters {
        require_attribute_of(attributes.iter().copied(), attr)?;
        let values: BTreeSet<&str> = attributes
            .iter()
            .filter_map(|a| a.get(attr).map(String::as_str))
            .collect();
        if !values.contains(value.as_str()) {
            let listed: Vec<&str> = values.iter().take(20).copied().collect();
            let case = values
                .iter()
                .find(|v| v.eq_ignore_ascii_case(value))
                .map(|v| format!(" (values are compared exactly: did you mean `{v}`?)"))
                .unwrap_or_default();
            return Err(crate::Error::Usage(format!(
                "--where {attr}={value}: no document has that value{case}; values of `{attr}`: {}{}",
                listed.join(", "),
                if values.len() > listed.len() {
                    ", …"
                } else {
                    ""
                }
            )));
        }
    }
    Ok(())
}

/// Whether a document with these attributes has every `(attribute, value)` pair.
pub fn passes_filters(attributes: &BTreeMap<String, String>, filters: &[(String, String)]) -> bool {
    filters
        .iter()
        .all(|(attr, value)| attributes.get(attr) == Some(value))
}

/// Checks that some document has attribute `name`; the error lists the known ones.
pub fn require_attribute(documents: &[Document], name: &str) -> crate::Result<()> {
    require_attribute_of(documents.iter().map(|d| &d.attributes), name)
}

/// [`require_attribute`] over the documents' attribute maps.
pub(crate) fn require_attribute_of<'a>(
    attributes: impl Iterator<Item = &'a BTreeMap<String, String>>,
    name: &str,
) -> crate::Result<()> {
    let known: BTreeSet<&str> = attributes
        .flat_map(|a| a.keys().map(String::as_str))
        .collect();
    if known.contains(name) {
        return Ok(());
    }
    Err(crate::Error::Usage(format!(
        "no document has the attribute `{name}`; known attributes: {}",
        if known.is_empty() {
            "(none)".to_owned()
        } else {
            known.into_iter().collect::<Vec<_>>().join(", ")
        }
    )))
}

//! Turning codings into tables: frequencies per code, overall and per group of documents.

pub mod agreement;
pub mod compare;
pub mod cooccur;
pub mod evaluate;
pub mod frames;
pub mod quotes;
pub mod report;
pub mod sample;
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
        self.codings
            .iter()
            .map(|codings| {
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
            })
            .collect()
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

/// Checks that some document has attribute `name`; the error lists the known ones.
pub fn require_attribute(documents: &[Document], name: &str) -> crate::Result<()> {
    let known: BTreeSet<&str> = documents
        .iter()
        .flat_map(|d| d.attributes.keys().map(String::as_str))
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

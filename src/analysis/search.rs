//! `thema search`: keyword in context without a codebook. The pattern is written as a
//! codebook term (`bel*`, `belde|belden`, `namen contact op`, `~bellen`, `als {4} hadden`)
//! and found the way rules find their terms: word by word, within a sentence.

use std::collections::{BTreeMap, BTreeSet};

use crate::codebook::Term;
use crate::corpus::{Document, Role, Segment};
use crate::engine::matcher::TermSet;
use crate::output::{Table, Value};
use crate::{Error, Result};

/// One place the pattern occurs.
#[derive(Debug, Clone)]
pub struct Hit<'a> {
    /// Its document.
    pub document: &'a Document,
    /// Its segment.
    pub segment: &'a Segment,
    /// Byte range of the matched words in the segment text.
    pub bytes: (usize, usize),
    /// The words before and after it (at most the context asked for), with `…` where the
    /// segment goes on.
    pub before: String,
    /// The matched words as written.
    pub matched: String,
    /// See `before`.
    pub after: String,
}

/// What to search.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    /// The pattern, in the term syntax of the codebook.
    pub pattern: String,
    /// Words allowed between the words of a phrase.
    pub gap: usize,
    /// Words of context on either side.
    pub context: usize,
    /// Search interviewer turns too.
    pub interviewer: bool,
}

/// Every occurrence of the pattern in respondent speech (with `interviewer`, all speech;
/// never the preamble), in document and text order. Occurrences that overlap an earlier one
/// are counted once.
pub fn search<'a>(documents: &'a [Document], query: &SearchQuery) -> Result<Vec<Hit<'a>>> {
    let terms = Term::parse_all(&query.pattern)
        .map_err(|m| Error::Usage(format!("search pattern: {m}")))?;
    let mut set = TermSet::default();
    let ids: Vec<usize> = terms.iter().map(|t| set.add(t, query.gap)).collect();
    let mut hits = Vec::new();
    for doc in documents {
        for segment in &doc.segments {
            let searched = match segment.role {
                Role::Respondent => true,
                Role::Interviewer => query.interviewer,
                Role::Preamble => false,
            };
            if !searched {
                continue;
            }
            let scan = set.scan(&segment.text, &doc.language);
            let mut found: Vec<(usize, usize)> = ids
                .iter()
                .flat_map(|&id| scan.occurrences(id).iter().map(|o| (o.first(), o.last())))
                .collect();
            found.sort_unstable();
            let mut last_end: Option<usize> = None;
            for (first, last) in found {
                if last_end.is_some_and(|end| first <= end) {
                    continue;
                }
                last_end = Some(last);
                let words = &scan.words;
                let text = segment.text.as_str();
                let from = first.saturating_sub(query.context);
                let to = (last + query.context).min(words.len() - 1);
                let start = words[first].start;
                let end = words[last].end;
                // Where the segment ends within the context, its punctuation is kept.
                let before = if from > 0 {
                    format!("…{}", &text[words[from].start..start])
                } else {
                    text[..start].trim_start().to_owned()
                };
                let after = if to + 1 < words.len() {
                    format!("{}…", &text[end..words[to].end])
                } else {
                    text[end..].trim_end().to_owned()
                };
                hits.push(Hit {
                    document: doc,
                    segment,
                    bytes: (start, end),
                    before: flat(&before),
                    matched: flat(&text[start..end]),
                    after: flat(&after),
                });
            }
        }
    }
    Ok(hits)
}

/// Text on one line: every run of white space as one space.
fn flat(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !c.is_whitespace() {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out
}

/// One row per hit: document, segment, turn, speaker, timestamp, before, match, after and
/// the documents' attributes.
pub fn hits_table(hits: &[Hit<'_>]) -> Table {
    let rows = hits
        .iter()
        .map(|h| {
            let values = vec![
                h.before.clone().into(),
                h.matched.clone().into(),
                h.after.clone().into(),
            ];
            (h.document, h.segment, values)
        })
        .collect();
    super::tables::located_table(&["before", "match", "after"], rows)
}

/// Counts per document (every document, hits or not): hits, segments with a hit, segments
/// searched. With `by`, per value of that attribute instead: documents, documents with a
/// hit and their share, hits, segments with a hit.
pub fn counts_table(
    documents: &[Document],
    hits: &[Hit<'_>],
    by: Option<&str>,
    interviewer: bool,
) -> Result<Table> {
    let searched = |d: &Document| {
        d.segments
            .iter()
            .filter(|s| s.role == Role::Respondent || (interviewer && s.role == Role::Interviewer))
            .count()
    };
    // Per document: hits and the segments with one.
    let mut per_doc: BTreeMap<&str, (usize, BTreeSet<usize>)> = BTreeMap::new();
    for h in hits {
        let entry = per_doc.entry(h.document.id.as_str()).or_default();
        entry.0 += 1;
        entry.1.insert(h.segment.index);
    }
    let counts = |d: &Document| {
        per_doc
            .get(d.id.as_str())
            .map_or((0, 0), |(n, segments)| (*n, segments.len()))
    };
    let Some(attribute) = by else {
        let mut table = Table::new([
            "document",
            "hits",
            "segments with a hit",
            "segments searched",
        ]);
        for doc in documents {
            let (n, segments) = counts(doc);
            table.rows.push(vec![
                doc.id.clone().into(),
                n.into(),
                segments.into(),
                searched(doc).into(),
            ]);
        }
        return Ok(table);
    };
    super::require_attribute(documents, attribute)?;
    #[derive(Default)]
    struct Group {
        documents: usize,
        with_hit: usize,
        hits: usize,
        segments: usize,
    }
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for doc in documents {
        let value = doc
            .attributes
            .get(attribute)
            .cloned()
            .unwrap_or_else(|| super::report::MISSING.to_owned());
        let g = groups.entry(value).or_default();
        let (n, segments) = counts(doc);
        g.documents += 1;
        g.with_hit += usize::from(n > 0);
        g.hits += n;
        g.segments += segments;
    }
    let mut table = Table::new([
        attribute,
        "documents",
        "documents with a hit",
        "% documents",
        "hits",
        "segments with a hit",
    ]);
    for (value, g) in groups {
        table.rows.push(vec![
            value.into(),
            g.documents.into(),
            g.with_hit.into(),
            Value::Float(100.0 * g.with_hit as f64 / g.documents.max(1) as f64, 1),
            g.hits.into(),
            g.segments.into(),
        ]);
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(text: &str) -> Document {
        Document::parsed("D", text, "nl")
    }

    fn query(pattern: &str) -> SearchQuery {
        SearchQuery {
            pattern: pattern.into(),
            gap: 0,
            context: 2,
            interviewer: false,
        }
    }

    #[test]
    fn terms_phrases_and_gaps_are_found_in_context() {
        let docs = [document(
            "I: Belde de gemeente?\nR: Ja, de gemeente belde me op een dinsdag. Toen nam ik contact met ze op.\n",
        )];
        let hits = search(&docs, &query("~bellen")).unwrap();
        assert_eq!(hits.len(), 1, "the interviewer's question is not searched");
        assert_eq!(
            (
                hits[0].before.as_str(),
                hits[0].matched.as_str(),
                hits[0].after.as_str()
            ),
            ("…de gemeente ", "belde", " me op…")
        );
        assert!(search(&docs, &query("nam contact op")).unwrap().is_empty());
        let gapped = SearchQuery {
            gap: 3,
            ..query("nam contact op")
        };
        let hits = search(&docs, &gapped).unwrap();
        assert_eq!(hits[0].matched, "nam ik contact met ze op");
        let with_interviewer = SearchQuery {
            interviewer: true,
            ..query("bel*")
        };
        assert_eq!(search(&docs, &with_interviewer).unwrap().len(), 2);
        assert!(
            search(&docs, &query("(bel)"))
                .unwrap_err()
                .to_string()
                .contains("not term syntax")
        );
    }
}

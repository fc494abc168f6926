//! `thema report`: per code, coded segments, documents with the code and the share of
//! documents, overall and per value of a document attribute.

use std::collections::{BTreeMap, BTreeSet};

use super::CodedCorpus;
use super::selection::CodeSelection;
use crate::Result;
use crate::output::{Table, Value};

/// The value used for documents that lack the grouping attribute.
pub const MISSING: &str = "(missing)";

/// Counts for one group of documents.
#[derive(Debug, Default, Clone)]
struct GroupCounts {
    documents: usize,
    respondent_segments: usize,
    coded_segments: usize,
    coded_documents: usize,
    by_code: BTreeMap<String, (usize, usize)>,
}

/// Picks (segments, documents) of one totals row from a group's counts.
type TotalPick = fn(&GroupCounts) -> (usize, usize);

/// What the frequency table needs of one coded document: its respondent segments, how many
/// of them carry a code, and per code (parents aggregating their children) the segments
/// with it. A corpus streamed through is reported from these alone.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    respondent_segments: usize,
    coded_segments: usize,
    by_code: BTreeMap<String, usize>,
}

impl Tally {
    /// The tally of `doc` coded with `codings`.
    pub fn of(doc: &crate::corpus::Document, codings: &[crate::engine::Coding]) -> Tally {
        let coded: BTreeSet<usize> = codings
            .iter()
            .map(|c| c.segment)
            .filter(|&s| doc.segments[s - 1].role == crate::corpus::Role::Respondent)
            .collect();
        Tally {
            respondent_segments: CodedCorpus::respondent_segments(doc),
            coded_segments: coded.len(),
            by_code: super::code_segments(codings)
                .into_iter()
                .map(|(code, segments)| (code.to_owned(), segments.len()))
                .collect(),
        }
    }
}

/// Builds the frequency table of the selected codes; `by` splits the documents by an
/// attribute; labels are taken in `language`.
pub fn frequencies(
    corpus: &CodedCorpus<'_>,
    by: Option<&str>,
    language: &str,
    selection: &CodeSelection,
) -> Result<Table> {
    let groups = group_documents(corpus, by)?;
    let tallies: Vec<Tally> = corpus
        .documents
        .iter()
        .zip(corpus.codings)
        .map(|(doc, codings)| Tally::of(doc, codings))
        .collect();
    Ok(tallied_frequencies(
        corpus.codebook,
        &tallies,
        &groups,
        language,
        selection,
    ))
}

/// [`frequencies`] from the documents' tallies; `groups` holds the indexes into `tallies`
/// per attribute value (empty: no split).
pub fn tallied_frequencies(
    codebook: &crate::codebook::Codebook,
    tallies: &[Tally],
    groups: &BTreeMap<String, Vec<usize>>,
    language: &str,
    selection: &CodeSelection,
) -> Table {
    let count = |members: &[usize]| {
        let mut g = GroupCounts {
            documents: members.len(),
            ..GroupCounts::default()
        };
        for &d in members {
            let tally = &tallies[d];
            g.respondent_segments += tally.respondent_segments;
            g.coded_segments += tally.coded_segments;
            g.coded_documents += usize::from(tally.coded_segments > 0);
            for (code, &segments) in &tally.by_code {
                let entry = g.by_code.entry(code.clone()).or_default();
                entry.0 += segments;
                entry.1 += 1;
            }
        }
        g
    };
    let all: Vec<usize> = (0..tallies.len()).collect();
    let mut columns: Vec<(String, GroupCounts)> = vec![("all".into(), count(&all))];
    for (value, members) in groups {
        columns.push((value.clone(), count(members)));
    }
    let mut headers = vec!["code".to_owned(), "label".to_owned()];
    headers.extend(["segments", "documents", "% documents"].map(str::to_owned));
    for (name, _) in &columns[1..] {
        headers.extend(["segs", "docs", "% docs"].map(|h| format!("{name} {h}")));
    }
    let mut table = Table::new(headers);
    let percent = |part: usize, whole: usize| {
        Value::Float(
            if whole == 0 {
                0.0
            } else {
                100.0 * part as f64 / whole as f64
            },
            1,
        )
    };
    for code in codebook
        .tree_order()
        .into_iter()
        .filter(|c| selection.includes(&c.id))
    {
        let mut row: Vec<Value> = vec![code.id.clone().into(), code.label(language).into()];
        for (_, g) in &columns {
            let (segments, documents) = g.by_code.get(&code.id).copied().unwrap_or((0, 0));
            row.extend([
                segments.into(),
                documents.into(),
                percent(documents, g.documents),
            ]);
        }
        table.rows.push(row);
    }
    let totals: [(&str, &str, TotalPick); 3] = [
        ("(all)", "all respondent segments and documents", |g| {
            (g.respondent_segments, g.documents)
        }),
        ("(coded)", "coded with any code", |g| {
            (g.coded_segments, g.coded_documents)
        }),
        ("(uncoded)", "coded with no code", |g| {
            (
                g.respondent_segments - g.coded_segments,
                g.documents - g.coded_documents,
            )
        }),
    ];
    for (code, label, pick) in totals {
        let mut row: Vec<Value> = vec![code.into(), label.into()];
        for (_, g) in &columns {
            let (segments, documents) = pick(g);
            row.extend([
                segments.into(),
                documents.into(),
                percent(documents, g.documents),
            ]);
        }
        table.rows.push(row);
    }
    table
}

/// Document indexes per value of attribute `by` (sorted by value; `(missing)` last).
pub fn group_documents(
    corpus: &CodedCorpus<'_>,
    by: Option<&str>,
) -> Result<BTreeMap<String, Vec<usize>>> {
    let attributes: Vec<&BTreeMap<String, String>> =
        corpus.documents.iter().map(|d| &d.attributes).collect();
    group_by(&attributes, by)
}

/// [`group_documents`] of documents with these attributes.
pub fn group_by(
    attributes: &[&BTreeMap<String, String>],
    by: Option<&str>,
) -> Result<BTreeMap<String, Vec<usize>>> {
    let Some(attribute) = by else {
        return Ok(BTreeMap::new());
    };
    super::require_attribute_of(attributes.iter().copied(), attribute)?;
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, attributes) in attributes.iter().enumerate() {
        let value = attributes.get(attribute).map_or(MISSING, String::as_str);
        groups.entry(value.to_owned()).or_default().push(i);
    }
    Ok(groups)
}

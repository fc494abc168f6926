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

/// Builds the frequency table of the selected codes; `by` splits the documents by an
/// attribute; labels are taken in `language`.
pub fn frequencies(
    corpus: &CodedCorpus<'_>,
    by: Option<&str>,
    language: &str,
    selection: &CodeSelection,
) -> Result<Table> {
    let groups = group_documents(corpus, by)?;
    let per_doc = corpus.segments_by_code();
    let count = |members: &[usize]| {
        let mut g = GroupCounts {
            documents: members.len(),
            ..GroupCounts::default()
        };
        for &d in members {
            let doc = &corpus.documents[d];
            g.respondent_segments += CodedCorpus::respondent_segments(doc);
            let coded: BTreeSet<usize> = corpus.codings[d]
                .iter()
                .map(|c| c.segment)
                .filter(|&s| doc.segments[s - 1].role == crate::corpus::Role::Respondent)
                .collect();
            g.coded_segments += coded.len();
            g.coded_documents += usize::from(!coded.is_empty());
            for (code, segments) in &per_doc[d] {
                let entry = g.by_code.entry((*code).to_owned()).or_default();
                entry.0 += segments.len();
                entry.1 += 1;
            }
        }
        g
    };
    let all: Vec<usize> = (0..corpus.documents.len()).collect();
    let mut columns: Vec<(String, GroupCounts)> = vec![("all".into(), count(&all))];
    for (value, members) in &groups {
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
    for code in corpus
        .codebook
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
    Ok(table)
}

/// Document indexes per value of attribute `by` (sorted by value; `(missing)` last).
pub fn group_documents(
    corpus: &CodedCorpus<'_>,
    by: Option<&str>,
) -> Result<BTreeMap<String, Vec<usize>>> {
    let Some(attribute) = by else {
        return Ok(BTreeMap::new());
    };
    corpus.require_attribute(attribute)?;
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, doc) in corpus.documents.iter().enumerate() {
        let value = doc
            .attributes
            .get(attribute)
            .map_or(MISSING, String::as_str);
        groups.entry(value.to_owned()).or_default().push(i);
    }
    Ok(groups)
}

//! The tabular analysis, done with polars: unit × code presence, group counts, co-occurrence
//! and the document × code matrix, plus Parquet output. polars stays behind this module.

use std::sync::Arc;

use polars::frame::PivotColumnNaming;
use polars::prelude::*;

use super::CodedCorpus;
use super::selection::CodeSelection;
use crate::corpus::Role;
use crate::output::{Table, Value};
use crate::{Error, Result};

/// What counts as one unit in an analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Unit {
    /// A document (a respondent): "how many respondents mention it".
    Document,
    /// A respondent segment (an answer paragraph).
    Segment,
}

fn polars_error(e: PolarsError) -> Error {
    Error::Usage(format!("table computation failed: {e}"))
}

/// (document, segment, code) for every selected code a unit carries, parents aggregating their
/// children; for document units the segment is 0. Unique rows; a document is its index.
fn presence(corpus: &CodedCorpus<'_>, selection: &CodeSelection, unit: Unit) -> Result<DataFrame> {
    let (mut documents, mut segments, mut codes) = (Vec::new(), Vec::new(), Vec::new());
    for (d, (doc, by_code)) in corpus
        .documents
        .iter()
        .zip(corpus.segments_by_code())
        .enumerate()
    {
        for (code, segs) in by_code {
            if !selection.includes(code) {
                continue;
            }
            let units: Vec<u32> = match unit {
                Unit::Document => vec![0],
                Unit::Segment => segs
                    .iter()
                    .filter(|&&s| doc.segments[s - 1].role == Role::Respondent)
                    .map(|&s| s as u32)
                    .collect(),
            };
            for s in units {
                documents.push(d as u32);
                segments.push(s);
                codes.push(code.to_owned());
            }
        }
    }
    df!("document" => documents, "segment" => segments, "code" => codes)
        .and_then(|df| {
            df.lazy()
                .unique_stable(None, UniqueKeepStrategy::First)
                .collect()
        })
        .map_err(polars_error)
}

/// (document index, segment, group): every unit with its group value; documents whose group
/// is `None` are left out.
fn units(
    corpus: &CodedCorpus<'_>,
    unit: Unit,
    group: &dyn Fn(usize) -> Option<String>,
) -> Result<DataFrame> {
    let (mut documents, mut segments, mut groups) = (Vec::new(), Vec::new(), Vec::new());
    for (d, doc) in corpus.documents.iter().enumerate() {
        let Some(value) = group(d) else {
            continue;
        };
        match unit {
            Unit::Document => {
                documents.push(d as u32);
                segments.push(0u32);
                groups.push(value);
            }
            Unit::Segment => {
                for s in doc.segments.iter().filter(|s| s.role == Role::Respondent) {
                    documents.push(d as u32);
                    segments.push(s.index as u32);
                    groups.push(value.clone());
                }
            }
        }
    }
    df!("document" => documents, "segment" => segments, "group" => groups).map_err(polars_error)
}

/// Units per group and units with each code per group.
#[derive(Debug, Clone, Default)]
pub struct GroupCounts {
    /// Group values, sorted.
    pub groups: Vec<String>,
    /// Units per group, parallel to `groups`.
    pub totals: Vec<u64>,
    /// For each code (tree order): units with the code per group, parallel to `groups`.
    pub with_code: Vec<(String, Vec<u64>)>,
}

/// Counts units with each selected code per group; `group` gives a document's group value
/// (`None` leaves the document out).
pub fn group_counts(
    corpus: &CodedCorpus<'_>,
    selection: &CodeSelection,
    unit: Unit,
    group: &dyn Fn(usize) -> Option<String>,
) -> Result<GroupCounts> {
    let units = units(corpus, unit, group)?;
    let presence = presence(corpus, selection, unit)?;
    let totals = units
        .clone()
        .lazy()
        .group_by([col("group")])
        .agg([len().alias("n")])
        .sort(["group"], SortMultipleOptions::default())
        .collect()
        .map_err(polars_error)?;
    let counts = presence
        .lazy()
        .join(
            units.lazy(),
            [col("document"), col("segment")],
            [col("document"), col("segment")],
            JoinArgs::new(JoinType::Inner),
        )
        .group_by([col("code"), col("group")])
        .agg([len().alias("n")])
        .collect()
        .map_err(polars_error)?;
    let groups = strings(&totals, "group")?;
    let group_totals = numbers(&totals, "n")?;
    let count_codes = strings(&counts, "code")?;
    let count_groups = strings(&counts, "group")?;
    let count_n = numbers(&counts, "n")?;
    let lookup: std::collections::HashMap<(&str, &str), u64> = count_codes
        .iter()
        .zip(&count_groups)
        .zip(&count_n)
        .map(|((c, g), n)| ((c.as_str(), g.as_str()), *n))
        .collect();
    let with_code = selection
        .codes(corpus.codebook)
        .into_iter()
        .map(|code| {
            let per_group = groups
                .iter()
                .map(|g| lookup.get(&(code, g.as_str())).copied().unwrap_or(0))
                .collect();
            (code.to_owned(), per_group)
        })
        .collect();
    Ok(GroupCounts {
        groups,
        totals: group_totals,
        with_code,
    })
}

/// Co-occurrence: for each pair of selected codes (a ≤ b, the diagonal holding each code's own
/// count), the number of units carrying both.
pub fn cooccurrence(
    corpus: &CodedCorpus<'_>,
    selection: &CodeSelection,
    unit: Unit,
) -> Result<Vec<(String, String, u64)>> {
    let presence = presence(corpus, selection, unit)?;
    let left = presence.clone().lazy().rename(["code"], ["code_a"], true);
    let right = presence.lazy().rename(["code"], ["code_b"], true);
    let pairs = left
        .join(
            right,
            [col("document"), col("segment")],
            [col("document"), col("segment")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(col("code_a").lt_eq(col("code_b")))
        .group_by([col("code_a"), col("code_b")])
        .agg([len().alias("n")])
        .sort(["code_a", "code_b"], SortMultipleOptions::default())
        .collect()
        .map_err(polars_error)?;
    let a = strings(&pairs, "code_a")?;
    let b = strings(&pairs, "code_b")?;
    let n = numbers(&pairs, "n")?;
    Ok(a.into_iter()
        .zip(b)
        .zip(n)
        .map(|((a, b), n)| (a, b, n))
        .collect())
}

/// One row per document: its id, attributes, then per selected code the number of segments
/// with the code (or 0/1 with `presence_only`). Built by pivoting (document, code, n).
pub fn document_matrix(
    corpus: &CodedCorpus<'_>,
    selection: &CodeSelection,
    presence_only: bool,
) -> Result<Table> {
    let codes = selection.codes(corpus.codebook);
    let per_segment = presence(corpus, selection, Unit::Segment)?;
    let counts = per_segment
        .lazy()
        .group_by([col("document"), col("code")])
        .agg([len().cast(DataType::Int64).alias("n")]);
    let ids: Vec<u32> = (0..corpus.documents.len() as u32).collect();
    let on_columns = Arc::new(
        df!("code" => codes.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>())
            .map_err(polars_error)?,
    );
    let wide = counts
        .pivot(
            cols(["code"]),
            on_columns,
            cols(["document"]),
            cols(["n"]),
            element().sum(),
            true,
            "_".into(),
            PivotColumnNaming::Auto,
        )
        .collect()
        .map_err(polars_error)?;
    let all_documents = df!("document" => ids).map_err(polars_error)?;
    let matrix = all_documents
        .lazy()
        .join(
            wide.lazy(),
            [col("document")],
            [col("document")],
            JoinArgs::new(JoinType::Left),
        )
        .collect()
        .map_err(polars_error)?;
    let attributes: std::collections::BTreeSet<&str> = corpus
        .documents
        .iter()
        .flat_map(|d| d.attributes.keys().map(String::as_str))
        .collect();
    if let Some(clash) = attributes.iter().find(|a| codes.contains(a)) {
        return Err(crate::Error::Usage(format!(
            "the attribute `{clash}` has the name of a code, and both would be a column of the matrix: rename the attribute"
        )));
    }
    let mut headers = vec!["document".to_owned()];
    headers.extend(attributes.iter().map(|a| (*a).to_owned()));
    headers.extend(codes.iter().map(|c| (*c).to_owned()));
    let mut table = Table::new(headers);
    let matrix_rows = numbers(&matrix, "document")?;
    let mut code_columns = Vec::with_capacity(codes.len());
    for code in &codes {
        let column = match matrix.column(code) {
            Ok(c) => c
                .i64()
                .map_err(polars_error)?
                .iter()
                .map(|v| v.unwrap_or(0))
                .collect(),
            Err(_) => vec![0; matrix.height()],
        };
        code_columns.push(column);
    }
    for (row, &d) in matrix_rows.iter().enumerate() {
        let doc = &corpus.documents[d as usize];
        let mut values: Vec<Value> = vec![doc.id.clone().into()];
        values.extend(
            attributes
                .iter()
                .map(|a| Value::from(doc.attributes.get(*a).cloned().unwrap_or_default())),
        );
        for column in &code_columns {
            let n = column[row];
            values.push(Value::Int(if presence_only { i64::from(n > 0) } else { n }));
        }
        table.rows.push(values);
    }
    Ok(table)
}

fn strings(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    Ok(df
        .column(name)
        .and_then(|c| c.str().cloned())
        .map_err(polars_error)?
        .iter()
        .map(|v| v.unwrap_or_default().to_owned())
        .collect())
}

fn numbers(df: &DataFrame, name: &str) -> Result<Vec<u64>> {
    Ok(df
        .column(name)
        .and_then(|c| c.cast(&DataType::UInt64))
        .and_then(|c| c.u64().cloned())
        .map_err(polars_error)?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect())
}

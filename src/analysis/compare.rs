//! `thema compare`: does the share of units with a code differ between groups of documents?
//! Per code a 2 × k table (has code / has not × groups), a test of independence chosen by the
//! expected counts, effect sizes, and Benjamini–Hochberg q-values across codes.

use super::CodedCorpus;
use super::frames::{GroupCounts, Unit, group_counts};
use super::report::MISSING;
use super::selection::CodeSelection;
use crate::output::{Table, Value};
use crate::stats::contingency::{
    Method, benjamini_hochberg, cramers_v, independence_test, two_group_effects,
};
use crate::{Error, Result};

/// The default seed for Monte Carlo p-values.
pub const DEFAULT_SEED: u64 = 20_240_601;

/// Groups smaller than this get a warning.
pub const SMALL_GROUP: u64 = 5;

/// What to compare.
#[derive(Debug, Clone)]
pub struct CompareOptions {
    /// The document attribute that forms the groups.
    pub by: String,
    /// Documents or respondent segments.
    pub unit: Unit,
    /// Leave out documents without a value instead of grouping them as `(missing)`.
    pub drop_missing: bool,
    /// Sort rows by q-value instead of code tree order.
    pub sort_by_q: bool,
    /// Seed for Monte Carlo p-values.
    pub seed: u64,
    /// The codes compared.
    pub selection: CodeSelection,
    /// Language of the labels.
    pub language: String,
    /// The baseline group: shown first, and the others' differences and odds ratios are
    /// against it (with more than two groups, one set of columns per other group).
    pub reference: Option<String>,
}

/// The comparison table and plain-language warnings about it.
#[derive(Debug)]
pub struct Comparison {
    /// One row per code.
    pub table: Table,
    /// Small groups, missing values.
    pub warnings: Vec<String>,
}

/// Compares the groups of `options.by`.
pub fn compare(corpus: &CodedCorpus<'_>, options: &CompareOptions) -> Result<Comparison> {
    corpus.require_attribute(&options.by)?;
    let missing = corpus
        .documents
        .iter()
        .filter(|d| !d.attributes.contains_key(&options.by))
        .count();
    let group_of = |d: usize| match corpus.documents[d].attributes.get(&options.by) {
        Some(v) => Some(v.clone()),
        None if options.drop_missing => None,
        None => Some(MISSING.to_owned()),
    };
    let mut counts = group_counts(corpus, &options.selection, options.unit, &group_of)?;
    if let Some(reference) = &options.reference {
        put_first(&mut counts, reference, &options.by)?;
    }
    if counts.groups.len() < 2 {
        return Err(Error::Usage(format!(
            "attribute `{}` has only one value ({}) among the documents: there is nothing to compare",
            options.by,
            counts.groups.first().map_or("none", String::as_str)
        )));
    }
    let unit_name = match options.unit {
        Unit::Document => "documents",
        Unit::Segment => "respondent segments",
    };
    let mut warnings = Vec::new();
    if options.unit == Unit::Segment {
        warnings.push(
            "--unit segment counts every answer as if it were a separate respondent, but the answers of one interview are not independent: a respondent who talks more weighs more and the p-values come out too small. Read these tests as a description of the answers; --unit document tests respondents".to_owned(),
        );
    }
    if missing > 0 {
        warnings.push(if options.drop_missing {
            format!("{missing} documents have no `{}` value and were left out (--drop-missing)", options.by)
        } else {
            format!("{missing} documents have no `{}` value: they form the group `{MISSING}` (--drop-missing leaves them out)", options.by)
        });
    }
    for (group, total) in counts.groups.iter().zip(&counts.totals) {
        if *total < SMALL_GROUP {
            warnings.push(format!(
                "group `{group}` has only {total} {unit_name}: proportions are unstable and tests have little power"
            ));
        }
    }
    let two_groups = counts.groups.len() == 2;
    // With a reference and more than two groups: each other group against the reference.
    let against: Vec<usize> = if !two_groups && options.reference.is_some() {
        (1..counts.groups.len()).collect()
    } else {
        Vec::new()
    };
    let mut headers = vec!["code".to_owned(), "label".to_owned()];
    for (group, total) in counts.groups.iter().zip(&counts.totals) {
        headers.push(format!("{group} n (of {total})"));
        headers.push(format!("{group} %"));
    }
    headers.extend(["test", "statistic", "df", "p", "q", "cramers_v"].map(str::to_owned));
    if two_groups {
        let (first, second) = (&counts.groups[0], &counts.groups[1]);
        headers.push(format!("difference ({second} − {first}, points)"));
        headers.extend(["odds_ratio", "or_ci_low", "or_ci_high", "haldane"].map(str::to_owned));
    }
    let reference = &counts.groups[0];
    for &g in &against {
        let group = &counts.groups[g];
        headers.push(format!("difference ({group} − {reference}, points)"));
        headers.extend(
            ["odds_ratio", "or_ci_low", "or_ci_high", "haldane"].map(|h| format!("{group} {h}")),
        );
    }
    struct Row {
        cells: Vec<Value>,
        p: f64,
        tested: bool,
    }
    let mut rows = Vec::new();
    for (code, with) in &counts.with_code {
        let label = corpus
            .codebook
            .code(code)
            .map_or(code.as_str(), |c| c.label(&options.language));
        let mut cells: Vec<Value> = vec![code.clone().into(), label.into()];
        for (n, total) in with.iter().zip(&counts.totals) {
            cells.push(Value::Int(*n as i64));
            cells.push(Value::Float(percent(*n, *total), 1));
        }
        let table = vec![
            with.clone(),
            with.iter()
                .zip(&counts.totals)
                .map(|(n, t)| t - n)
                .collect(),
        ];
        let test = independence_test(&table, options.seed);
        let tested = test.method != Method::NotTestable;
        cells.push(test.method.to_string().into());
        cells.push(optional(test.statistic, 4));
        cells.push(
            test.df
                .map_or(Value::Text(String::new()), |df| Value::Int(df as i64)),
        );
        cells.push(if tested {
            Value::Float(test.p_value, 6)
        } else {
            Value::Text(String::new())
        });
        cells.push(Value::Text(String::new()));
        cells.push(if tested {
            Value::Float(cramers_v(&table), 4)
        } else {
            Value::Text(String::new())
        });
        let pairs: Vec<usize> = if two_groups { vec![1] } else { against.clone() };
        for g in pairs {
            let effects = two_group_effects([[with[0], with[g]], [table[1][0], table[1][g]]]);
            cells.push(optional(effects.difference.map(|d| d * 100.0), 1));
            cells.push(optional(effects.odds_ratio, 4));
            cells.push(optional(effects.odds_ratio_ci.map(|ci| ci.0), 4));
            cells.push(optional(effects.odds_ratio_ci.map(|ci| ci.1), 4));
            // Whether 0.5 was added to every cell because one was zero.
            cells.push(if effects.haldane { "yes" } else { "" }.into());
        }
        rows.push(Row {
            cells,
            p: test.p_value,
            tested,
        });
    }
    let p_values: Vec<f64> = rows
        .iter()
        .map(|r| if r.tested { r.p } else { f64::NAN })
        .collect();
    let q_values = benjamini_hochberg(&p_values);
    let q_column = 2 + 2 * counts.groups.len() + 4;
    for (row, q) in rows.iter_mut().zip(&q_values) {
        if row.tested {
            row.cells[q_column] = Value::Float(*q, 6);
        }
    }
    if options.sort_by_q {
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&a, &b| {
            let key = |i: usize| {
                if rows[i].tested {
                    q_values[i]
                } else {
                    f64::INFINITY
                }
            };
            key(a).total_cmp(&key(b)).then(a.cmp(&b))
        });
        let mut sorted: Vec<Option<Row>> = rows.into_iter().map(Some).collect();
        rows = order.into_iter().filter_map(|i| sorted[i].take()).collect();
    }
    let mut table = Table::new(headers);
    table.rows = rows.into_iter().map(|r| r.cells).collect();
    Ok(Comparison { table, warnings })
}

/// Moves group `reference` to the front (an error naming the groups when there is none).
fn put_first(counts: &mut GroupCounts, reference: &str, by: &str) -> Result<()> {
    let Some(at) = counts.groups.iter().position(|g| g == reference) else {
        return Err(Error::Usage(format!(
            "--reference {reference}: `{by}` has no such value; its values: {}",
            counts.groups.join(", ")
        )));
    };
    counts.groups[..=at].rotate_right(1);
    counts.totals[..=at].rotate_right(1);
    for (_, with) in &mut counts.with_code {
        with[..=at].rotate_right(1);
    }
    Ok(())
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

fn optional(value: Option<f64>, decimals: usize) -> Value {
    match value {
        Some(v) if v.is_finite() => Value::Float(v, decimals),
        Some(v) if v.is_infinite() => Value::Text(if v > 0.0 { "inf" } else { "-inf" }.into()),
        _ => Value::Text(String::new()),
    }
}

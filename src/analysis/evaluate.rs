//! `thema evaluate`: the auto-coder against a human gold standard, per code precision, recall
//! and F1, with every false positive and false negative listed for improving the codebook.

use std::collections::{BTreeMap, BTreeSet};

use super::units::{CodingUnit, unit_text};
use crate::corpus::Document;
use crate::ingest::human::HumanCoding;
use crate::output::{Table, Value};
use crate::{Error, Result};

/// The evaluation tables.
#[derive(Debug)]
pub struct Evaluation {
    /// Per code (and group, with `--by`): support, tp, fp, fn, precision, recall, F1; then
    /// macro and micro averages.
    pub scores: Table,
    /// Every false positive and false negative.
    pub errors: Table,
    /// Documents evaluated.
    pub documents: usize,
    /// Ids of gold-standard documents the scored codings do not cover, left out.
    pub left_out: Vec<String>,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

/// Scores `predicted` (the auto-coder) against `gold` on the documents both cover: the gold
/// coder coded them and the predicted codings have a row or a coded mark for them (see
/// [`from_engine`]); gold documents the predicted codings do not cover are left out.
/// `group` gives a document's group for `--by` (all in one group when `None`).
pub fn evaluate(
    documents: &[Document],
    gold: &[HumanCoding],
    predicted: &[HumanCoding],
    unit: CodingUnit,
    group: Option<&dyn Fn(&Document) -> String>,
) -> Result<Evaluation> {
    let gold_coders: BTreeSet<&str> = gold.iter().map(|c| c.coder.as_str()).collect();
    if gold_coders.len() != 1 {
        return Err(Error::Usage(format!(
            "the gold standard must come from one coder; it names {}",
            coder_list(&gold_coders)
        )));
    }
    let covered: BTreeSet<usize> = predicted.iter().map(|c| c.document).collect();
    let (in_scope, left_out): (BTreeSet<usize>, BTreeSet<usize>) = gold
        .iter()
        .map(|c| c.document)
        .partition(|d| covered.contains(d));
    let to_units = |codings: &[HumanCoding]| {
        let mut out: BTreeMap<(usize, usize, String), Vec<(String, String)>> = BTreeMap::new();
        for c in codings.iter().filter(|c| in_scope.contains(&c.document)) {
            let Some(code) = &c.code else { continue };
            for &s in &c.segments {
                if let Some(key) = unit.key(&documents[c.document], s) {
                    let entry = out.entry((c.document, key, code.clone())).or_default();
                    if let Some(rule) = &c.rule {
                        entry.push(rule.clone());
                    }
                }
            }
        }
        out
    };
    let gold_units = to_units(gold);
    let predicted_units = to_units(predicted);
    let group_of = |d: usize| group.map_or_else(String::new, |g| g(&documents[d]));
    let mut counts: BTreeMap<(String, String), Counts> = BTreeMap::new();
    let mut errors = Table::new(crate::columns::evaluation_errors(unit));
    let unit_segments = |d: usize, key: usize| -> Vec<usize> {
        unit.units(&documents[d])
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, s)| s)
            .unwrap_or_default()
    };
    let keys: BTreeSet<&(usize, usize, String)> =
        gold_units.keys().chain(predicted_units.keys()).collect();
    for key @ (d, unit_key, code) in keys {
        let entry = counts.entry((group_of(*d), code.clone())).or_default();
        let (in_gold, fired) = (gold_units.contains_key(key), predicted_units.get(key));
        let kind = match (in_gold, fired.is_some()) {
            (true, true) => {
                entry.tp += 1;
                continue;
            }
            (false, true) => {
                entry.fp += 1;
                "false positive"
            }
            _ => {
                entry.fn_ += 1;
                "false negative"
            }
        };
        let rules = fired.map(|r| {
            r.iter()
                .map(|(rule, _)| rule.as_str())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join("; ")
        });
        let matched = fired.map(|r| {
            r.iter()
                .map(|(_, m)| m.as_str())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join(" | ")
        });
        errors.rows.push(vec![
            documents[*d].id.clone().into(),
            Value::Int(*unit_key as i64),
            code.clone().into(),
            kind.into(),
            rules.unwrap_or_default().into(),
            matched.unwrap_or_default().into(),
            unit_text(&documents[*d], &unit_segments(*d, *unit_key)).into(),
        ]);
    }
    let by_group = group.is_some();
    let mut headers: Vec<&str> = Vec::new();
    if by_group {
        headers.push("group");
    }
    headers.extend([
        "code",
        "support",
        "predicted",
        "tp",
        "fp",
        "fn",
        "precision",
        "recall",
        "f1",
    ]);
    let mut scores = Table::new(headers);
    let groups: BTreeSet<String> = counts.keys().map(|(g, _)| g.clone()).collect();
    for g in &groups {
        let mut totals = Counts::default();
        let mut macro_sums = (0.0, 0.0, 0.0, 0usize);
        for ((_, code), c) in counts.iter().filter(|((cg, _), _)| cg == g) {
            scores
                .rows
                .push(score_row(by_group.then_some(g.as_str()), code, *c));
            totals.tp += c.tp;
            totals.fp += c.fp;
            totals.fn_ += c.fn_;
            let (p, r, f) = prf(*c);
            macro_sums = (
                macro_sums.0 + p.unwrap_or(0.0),
                macro_sums.1 + r.unwrap_or(0.0),
                macro_sums.2 + f.unwrap_or(0.0),
                macro_sums.3 + 1,
            );
        }
        let n = macro_sums.3.max(1) as f64;
        let mut macro_row = score_row(by_group.then_some(g.as_str()), "(macro average)", totals);
        let last = macro_row.len();
        macro_row[last - 3] = Value::Float(macro_sums.0 / n, 3);
        macro_row[last - 2] = Value::Float(macro_sums.1 / n, 3);
        macro_row[last - 1] = Value::Float(macro_sums.2 / n, 3);
        scores.rows.push(macro_row);
        scores.rows.push(score_row(
            by_group.then_some(g.as_str()),
            "(micro average)",
            totals,
        ));
    }
    Ok(Evaluation {
        scores,
        errors,
        documents: in_scope.len(),
        left_out: left_out.iter().map(|&d| documents[d].id.clone()).collect(),
    })
}

/// Coder names in backquotes, comma-separated.
fn coder_list(coders: &BTreeSet<&str>) -> String {
    coders
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn prf(c: Counts) -> (Option<f64>, Option<f64>, Option<f64>) {
    let ratio = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
    let precision = ratio(c.tp, c.tp + c.fp);
    let recall = ratio(c.tp, c.tp + c.fn_);
    let f1 = ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn_);
    (precision, recall, f1)
}

fn score_row(group: Option<&str>, code: &str, c: Counts) -> Vec<Value> {
    let (p, r, f) = prf(c);
    let number = |v: Option<f64>| v.map_or(Value::Text(String::new()), |x| Value::Float(x, 3));
    let mut row: Vec<Value> = group.map(|g| vec![g.into()]).unwrap_or_default();
    row.extend([
        code.into(),
        (c.tp + c.fn_).into(),
        (c.tp + c.fp).into(),
        c.tp.into(),
        c.fp.into(),
        c.fn_.into(),
        number(p),
        number(r),
        number(f),
    ]);
    row
}

/// The coder's precision from a review (`thema review`): per code (and group, with `--by`),
/// the codings reviewed, accepted and rejected, precision = accepted / reviewed, and the codes
/// the reviewer added (what the coder missed on the segments shown); then all codes
/// together. Undecided (`pending`) rows do not count. `group` gives a document id's group.
pub fn review_scores(
    rows: &[crate::review::file::Row],
    group: Option<&dyn Fn(&str) -> String>,
) -> Result<Table> {
    use crate::review::file::Decision;
    let sources: BTreeSet<&str> = rows
        .iter()
        .filter(|r| matches!(r.decision, Decision::Accepted | Decision::Rejected))
        .map(|r| r.source.as_str())
        .collect();
    if sources.len() > 1 {
        return Err(Error::Usage(format!(
            "the review covers codings by {}: precision is scored for one coder at a time",
            coder_list(&sources)
        )));
    }
    // (group, code) → (accepted, rejected, added)
    let mut counts: BTreeMap<(String, String), (usize, usize, usize)> = BTreeMap::new();
    for r in rows {
        let key = (
            group.map_or_else(String::new, |g| g(&r.document)),
            r.code.clone(),
        );
        let entry = counts.entry(key).or_default();
        match r.decision {
            Decision::Accepted => entry.0 += 1,
            Decision::Rejected => entry.1 += 1,
            Decision::Added => entry.2 += 1,
            Decision::Pending => {}
        }
    }
    let mut headers: Vec<&str> = Vec::new();
    if group.is_some() {
        headers.push("group");
    }
    headers.extend([
        "code",
        "reviewed",
        "accepted",
        "rejected",
        "precision",
        "added",
    ]);
    let mut table = Table::new(headers);
    let row = |g: &str, code: &str, (accepted, rejected, added): (usize, usize, usize)| {
        let reviewed = accepted + rejected;
        let mut row: Vec<Value> = group.map(|_| vec![g.into()]).unwrap_or_default();
        row.extend([
            code.into(),
            reviewed.into(),
            accepted.into(),
            rejected.into(),
            if reviewed > 0 {
                Value::Float(accepted as f64 / reviewed as f64, 3)
            } else {
                Value::Text(String::new())
            },
            added.into(),
        ]);
        row
    };
    let groups: BTreeSet<&String> = counts.keys().map(|(g, _)| g).collect();
    for g in groups {
        let mut total = (0, 0, 0);
        for ((_, code), &c) in counts.iter().filter(|((cg, _), _)| cg == g) {
            table.rows.push(row(g, code, c));
            total = (total.0 + c.0, total.1 + c.1, total.2 + c.2);
        }
        table.rows.push(row(g, "(all codes)", total));
    }
    Ok(table)
}

/// The auto-coder's codings as the coder `auto`, with rule and matched words, and a
/// code-less mark for every document (each was coded, also where nothing was found).
pub fn from_engine(codings: &[Vec<crate::engine::Coding>]) -> Vec<HumanCoding> {
    let coding = |document, code: Option<String>, segments, rule, span| HumanCoding {
        document,
        coder: crate::ingest::human::AUTO_CODER.to_owned(),
        code,
        segments,
        rule,
        span,
        memo: None,
        line: 0,
    };
    codings
        .iter()
        .enumerate()
        .flat_map(|(document, list)| {
            std::iter::once(coding(document, None, Vec::new(), None, None)).chain(list.iter().map(
                move |c| {
                    coding(
                        document,
                        Some(c.code.clone()),
                        vec![c.segment],
                        Some((c.rule.clone(), c.matched.clone())),
                        Some((c.start, c.end)),
                    )
                },
            ))
        })
        .collect()
}

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
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

/// Scores `predicted` (the auto-coder) against `gold` on the documents the gold coder coded.
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
            gold_coders
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let in_scope: BTreeSet<usize> = gold.iter().map(|c| c.document).collect();
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
    let mut errors = Table::new([
        "document",
        unit.name(),
        "code",
        "error",
        "rule",
        "matched",
        "text",
    ]);
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
    })
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

/// The auto-coder's codings as the coder `auto`, with rule and matched words.
pub fn from_engine(codings: &[Vec<crate::engine::Coding>]) -> Vec<HumanCoding> {
    codings
        .iter()
        .enumerate()
        .flat_map(|(document, list)| {
            list.iter().map(move |c| HumanCoding {
                document,
                coder: crate::ingest::human::AUTO_CODER.to_owned(),
                code: Some(c.code.clone()),
                segments: vec![c.segment],
                rule: Some((c.rule.clone(), c.matched.clone())),
                span: Some((c.start, c.end)),
                memo: None,
                line: 0,
            })
        })
        .collect()
}

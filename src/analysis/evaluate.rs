//! `thema evaluate`: the auto-coder against a human gold standard, per code precision, recall
//! and F1, with every false positive and false negative listed for improving the codebook.
//!
//! The unit is (document, unit, code): a code counts for a unit when any of its segments has
//! it. The averages cover the codes the gold standard gives (in each group): a code only the
//! auto-coder gave is listed with its false positives but left out of the averages, as a
//! development set's scorer does. Besides all codes, the averages are given per top-level
//! family of codes (`actor.*`, `proactivity.*`, ...) and for the substantive codes (all but
//! the `actor` family), and with a turn-kinds file per kind of turn.

use std::collections::{BTreeMap, BTreeSet};

use super::units::{CodingUnit, unit_text};
use crate::corpus::{Document, Role};
use crate::ingest::human::{HumanCoding, TurnKinds};
use crate::output::{Table, Value};
use crate::{Error, Result};

/// The code family whose codes say which organisation is meant; the other families hold the
/// substantive codes.
pub const ACTOR_FAMILY: &str = "actor";

/// The evaluation tables.
#[derive(Debug)]
pub struct Evaluation {
    /// Per code (and group, with `--by`): support, tp, fp, fn, precision, recall, F1; then
    /// macro and micro averages over all codes, the substantive codes and each family.
    pub scores: Table,
    /// With a turn-kinds file: right, missed and wrong units with precision, recall and F1 per
    /// kind of turn, for the substantive and the actor codes (or all codes).
    pub kinds: Option<Table>,
    /// Every false positive and false negative.
    pub errors: Table,
    /// Documents evaluated.
    pub documents: usize,
    /// Ids of gold-standard documents the scored codings do not cover, left out.
    pub left_out: Vec<String>,
    /// (group, code) pairs listed in the scores but left out of the averages: the gold
    /// standard does not give the code there.
    pub unaveraged: Vec<(String, String)>,
}

/// What [`evaluate`] scores and how it splits the scores.
#[derive(Clone, Copy)]
pub struct EvaluateOptions<'a> {
    /// The unit scored.
    pub unit: CodingUnit,
    /// A document's group for `--by` (all in one group when `None`).
    pub group: Option<&'a dyn Fn(&Document) -> String>,
    /// The kind of each respondent turn, for the scores per kind (not with document units).
    pub kinds: Option<&'a TurnKinds>,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
}

/// A set of codes the averages are taken over.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    All,
    Substantive,
    Family(String),
}

impl Scope {
    fn contains(&self, code: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Substantive => family(code) != ACTOR_FAMILY,
            Scope::Family(f) => family(code) == f,
        }
    }

    /// The name in the kinds table.
    fn name(&self) -> String {
        match self {
            Scope::All => "all".to_owned(),
            Scope::Substantive => "substantive".to_owned(),
            Scope::Family(f) => format!("{f}.*"),
        }
    }

    /// The label of an average row in the scores table.
    fn average_label(&self, kind: &str) -> String {
        match self {
            Scope::All => format!("({kind} average)"),
            other => format!("({} {kind} average)", other.name()),
        }
    }
}

/// The top-level family of a code (`proactivity` for `proactivity.initiative`).
fn family(code: &str) -> &str {
    code.split('.').next().unwrap_or(code)
}

/// The scopes of the averages (all codes; the substantive codes when there are actor codes
/// and others; each family when there are several) and the scopes of the kinds table.
fn scopes<'a>(codes: impl Iterator<Item = &'a str>) -> (Vec<Scope>, Vec<Scope>) {
    let families: BTreeSet<&str> = codes.map(family).collect();
    let mut averages = vec![Scope::All];
    let split = families.len() > 1 && families.contains(ACTOR_FAMILY);
    if split {
        averages.push(Scope::Substantive);
    }
    if families.len() > 1 {
        averages.extend(families.iter().map(|f| Scope::Family((*f).to_owned())));
    }
    let by_kind = if split {
        vec![Scope::Substantive, Scope::Family(ACTOR_FAMILY.to_owned())]
    } else {
        vec![Scope::All]
    };
    (averages, by_kind)
}

/// A unit: (document index, unit key, code).
type Unit = (usize, usize, String);

/// Scores `predicted` (the auto-coder) against `gold` on the documents the gold coder coded.
pub fn evaluate(
    documents: &[Document],
    gold: &[HumanCoding],
    predicted: &[HumanCoding],
    options: EvaluateOptions,
) -> Result<Evaluation> {
    let EvaluateOptions { unit, group, kinds } = options;
    let gold_coders: BTreeSet<&str> = gold.iter().map(|c| c.coder.as_str()).collect();
    if gold_coders.len() != 1 {
        return Err(Error::Usage(format!(
            "the gold standard must come from one coder; it names {}",
            coder_list(&gold_coders)
        )));
    }
    if kinds.is_some() && unit == CodingUnit::Document {
        return Err(Error::Usage(
            "--by-kind scores turns: use it with `--unit turn` or `--unit segment`".into(),
        ));
    }
    let covered: BTreeSet<usize> = predicted.iter().map(|c| c.document).collect();
    let (in_scope, left_out): (BTreeSet<usize>, BTreeSet<usize>) = gold
        .iter()
        .map(|c| c.document)
        .partition(|d| covered.contains(d));
    let to_units = |codings: &[HumanCoding]| {
        let mut out: BTreeMap<Unit, Vec<(String, String)>> = BTreeMap::new();
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
    let kind_of = |d: usize, key: usize| -> Option<usize> {
        let turn = unit.turn(&documents[d], key)?;
        kinds?.of.get(&(d, turn)).copied()
    };
    // Per (group, code), and per (group, kind, code) with a kinds file.
    let mut counts: BTreeMap<(String, String), Counts> = BTreeMap::new();
    let mut kind_counts: BTreeMap<(String, Option<usize>, String), Counts> = BTreeMap::new();
    let mut errors = Table::new(crate::columns::evaluation_errors(unit, kinds.is_some()));
    let unit_segments = |d: usize, key: usize| -> Vec<usize> {
        unit.units(&documents[d])
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, s)| s)
            .unwrap_or_default()
    };
    let keys: BTreeSet<&Unit> = gold_units.keys().chain(predicted_units.keys()).collect();
    for key @ (d, unit_key, code) in keys {
        let (in_gold, fired) = (gold_units.contains_key(key), predicted_units.get(key));
        let (outcome, error) = match (in_gold, fired.is_some()) {
            (true, true) => (
                Counts {
                    tp: 1,
                    ..Counts::default()
                },
                None,
            ),
            (false, true) => (
                Counts {
                    fp: 1,
                    ..Counts::default()
                },
                Some("false positive"),
            ),
            _ => (
                Counts {
                    fn_: 1,
                    ..Counts::default()
                },
                Some("false negative"),
            ),
        };
        let g = group_of(*d);
        let kind = kind_of(*d, *unit_key);
        counts
            .entry((g.clone(), code.clone()))
            .or_default()
            .add(outcome);
        if kinds.is_some() {
            kind_counts
                .entry((g, kind, code.clone()))
                .or_default()
                .add(outcome);
        }
        let Some(error) = error else { continue };
        let joined = |pick: fn(&(String, String)) -> &str, separator: &str| {
            fired
                .map(|r| {
                    r.iter()
                        .map(pick)
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .join(separator)
                })
                .unwrap_or_default()
        };
        let mut row: Vec<Value> = vec![
            documents[*d].id.clone().into(),
            Value::Int(*unit_key as i64),
        ];
        if let Some(k) = kinds {
            row.push(kind_name(k, kind).into());
        }
        row.extend([
            code.clone().into(),
            error.into(),
            joined(|(rule, _)| rule, "; ").into(),
            joined(|(_, matched)| matched, " | ").into(),
            unit_text(&documents[*d], &unit_segments(*d, *unit_key)).into(),
        ]);
        errors.rows.push(row);
    }
    let (average_scopes, kind_scopes) = scopes(gold_units.keys().map(|(_, _, c)| c.as_str()));
    let by_group = group.is_some();
    let group_column =
        |g: &str| -> Vec<Value> { if by_group { vec![g.into()] } else { Vec::new() } };
    // The codes the gold standard gives in each group: the codes averaged there.
    let averaged: BTreeSet<(String, &str)> = gold_units
        .keys()
        .map(|(d, _, c)| (group_of(*d), c.as_str()))
        .collect();
    let unaveraged: Vec<(String, String)> = counts
        .keys()
        .filter(|(g, c)| !averaged.contains(&(g.clone(), c.as_str())))
        .cloned()
        .collect();
    let mut scores = score_table(
        by_group,
        &["code", "support", "predicted", "tp", "fp", "fn"],
    );
    let groups: BTreeSet<String> = counts.keys().map(|(g, _)| g.clone()).collect();
    for g in &groups {
        let in_group: Vec<(&str, Counts)> = counts
            .iter()
            .filter(|((cg, _), _)| cg == g)
            .map(|((_, code), c)| (code.as_str(), *c))
            .collect();
        for (code, c) in &in_group {
            let mut row = group_column(g);
            row.push((*code).into());
            row.extend(score_cells(*c, prf(*c)));
            scores.rows.push(row);
        }
        let scored: Vec<(&str, Counts)> = in_group
            .iter()
            .filter(|(code, _)| averaged.contains(&(g.clone(), *code)))
            .copied()
            .collect();
        for scope in &average_scopes {
            let members: Vec<Counts> = scored
                .iter()
                .filter(|(code, _)| scope.contains(code))
                .map(|(_, c)| *c)
                .collect();
            if members.is_empty() {
                continue;
            }
            let (totals, macro_scores) = averages(&members);
            for (kind, values) in [("macro", macro_scores), ("micro", prf(totals))] {
                let mut row = group_column(g);
                row.push(scope.average_label(kind).into());
                row.extend(score_cells(totals, values));
                scores.rows.push(row);
            }
        }
    }
    let kinds_table = kinds.map(|k| {
        let mut table = score_table(
            by_group,
            &["codes", "kind", "turns", "right", "missed", "wrong"],
        );
        let turns = labelled_turns(documents, &in_scope, k, &group_of);
        for g in &groups {
            for scope in &kind_scopes {
                let kinds_shown = (0..k.kinds.len()).map(Some).chain([None]);
                for kind in kinds_shown {
                    let mut total = Counts::default();
                    for ((cg, ck, code), c) in &kind_counts {
                        if cg == g
                            && *ck == kind
                            && scope.contains(code)
                            && averaged.contains(&(g.clone(), code.as_str()))
                        {
                            total.add(*c);
                        }
                    }
                    let n = turns.get(&(g.clone(), kind)).copied().unwrap_or(0);
                    if kind.is_none() && n == 0 && total.tp + total.fp + total.fn_ == 0 {
                        continue;
                    }
                    let mut row = group_column(g);
                    row.extend([scope.name().into(), kind_name(k, kind).into(), n.into()]);
                    row.extend([total.tp.into(), total.fn_.into(), total.fp.into()]);
                    row.extend(probabilities(prf(total)));
                    table.rows.push(row);
                }
            }
        }
        table
    });
    Ok(Evaluation {
        scores,
        kinds: kinds_table,
        errors,
        documents: in_scope.len(),
        left_out: left_out.iter().map(|&d| documents[d].id.clone()).collect(),
        unaveraged,
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

/// A table of scores: `group` (with `--by`), the `counts` columns, precision, recall, F1.
fn score_table(by_group: bool, counts: &[&str]) -> Table {
    Table::new(
        by_group
            .then_some("group")
            .into_iter()
            .chain(counts.iter().copied())
            .chain(["precision", "recall", "f1"]),
    )
}

/// The name of a kind; units of turns the file does not label are `(unlabelled)`.
fn kind_name(kinds: &TurnKinds, kind: Option<usize>) -> String {
    kind.map_or_else(|| "(unlabelled)".to_owned(), |k| kinds.kinds[k].clone())
}

/// Respondent turns per (group, kind) in the scored documents.
fn labelled_turns(
    documents: &[Document],
    in_scope: &BTreeSet<usize>,
    kinds: &TurnKinds,
    group_of: &dyn Fn(usize) -> String,
) -> BTreeMap<(String, Option<usize>), usize> {
    let mut out = BTreeMap::new();
    for &d in in_scope {
        let turns: BTreeSet<usize> = documents[d]
            .segments
            .iter()
            .filter(|s| s.role == Role::Respondent)
            .map(|s| s.turn)
            .collect();
        for turn in turns {
            let kind = kinds.of.get(&(d, turn)).copied();
            *out.entry((group_of(d), kind)).or_default() += 1;
        }
    }
    out
}

/// The summed counts and the mean precision, recall and F1 of a set of codes (an undefined
/// precision, for a code never predicted, counts as 0).
fn averages(members: &[Counts]) -> (Counts, [Option<f64>; 3]) {
    let mut totals = Counts::default();
    let mut sums = [0.0; 3];
    for c in members {
        totals.add(*c);
        for (sum, value) in sums.iter_mut().zip(prf(*c)) {
            *sum += value.unwrap_or(0.0);
        }
    }
    let n = members.len() as f64;
    (totals, sums.map(|s| Some(s / n)))
}

fn prf(c: Counts) -> [Option<f64>; 3] {
    let ratio = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
    [
        ratio(c.tp, c.tp + c.fp),
        ratio(c.tp, c.tp + c.fn_),
        ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn_),
    ]
}

fn probabilities(values: [Option<f64>; 3]) -> [Value; 3] {
    values.map(|v| v.map_or(Value::Text(String::new()), |x| Value::Float(x, 3)))
}

/// Support, predicted, tp, fp, fn and the given precision, recall and F1.
fn score_cells(c: Counts, values: [Option<f64>; 3]) -> Vec<Value> {
    let mut cells: Vec<Value> = vec![
        (c.tp + c.fn_).into(),
        (c.tp + c.fp).into(),
        c.tp.into(),
        c.fp.into(),
        c.fn_.into(),
    ];
    cells.extend(probabilities(values));
    cells
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

//! `thema agree`: agreement between coders per code and overall, on units every coder of a
//! document saw, with the units where they differ listed for reconciliation.

use std::collections::{BTreeMap, BTreeSet};

use super::selection::CodeSelection;
use super::units::{CodingUnit, unit_text};
use crate::codebook::Codebook;
use crate::corpus::Document;
use crate::ingest::human::HumanCoding;
use crate::output::{Table, Value};
use crate::stats::agreement::{AgreementSummary, Ratings, bootstrap_alpha, summarise, verdict};
use crate::{Error, Result};

/// How to compute agreement.
#[derive(Debug, Clone)]
pub struct AgreeOptions {
    /// The unit compared.
    pub unit: CodingUnit,
    /// Only units at least one coder coded (instead of every respondent unit).
    pub only_coded: bool,
    /// The codes reported.
    pub selection: CodeSelection,
    /// Bootstrap samples and seed for alpha's confidence interval.
    pub bootstrap: Option<(usize, u64)>,
}

/// The agreement tables.
#[derive(Debug)]
pub struct AgreementReport {
    /// Per code (and exclusive parent) and overall.
    pub table: Table,
    /// Every unit and code where coders differ.
    pub disagreements: Table,
    /// The coders, sorted.
    pub coders: Vec<String>,
    /// Documents coded by at least two coders.
    pub documents: usize,
    /// Notes about the data (codings outside the units, conflicting exclusive codes).
    pub notes: Vec<String>,
}

struct Unit {
    document: usize,
    key: usize,
    segments: Vec<usize>,
}

/// Computes agreement between the coders in `codings`.
pub fn agree(
    documents: &[Document],
    codebook: &Codebook,
    codings: &[HumanCoding],
    options: &AgreeOptions,
) -> Result<AgreementReport> {
    let coders: Vec<String> = codings
        .iter()
        .map(|c| c.coder.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if coders.len() < 2 {
        return Err(Error::Usage(format!(
            "agreement needs at least two coders; the codings name only {}",
            coders
                .first()
                .map_or("none".to_owned(), |c| format!("`{c}`"))
        )));
    }
    let coder_index: BTreeMap<&str, usize> = coders
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    // coded[document][coder]: the coder coded this document.
    let mut coded = vec![vec![false; coders.len()]; documents.len()];
    // applied[(document, unit key, coder)]: codes, with ancestors.
    let mut applied: BTreeMap<(usize, usize, usize), BTreeSet<String>> = BTreeMap::new();
    let mut outside = 0usize;
    for coding in codings {
        let c = coder_index[coding.coder.as_str()];
        coded[coding.document][c] = true;
        let Some(code) = &coding.code else { continue };
        let doc = &documents[coding.document];
        for &segment in &coding.segments {
            let Some(key) = options.unit.key(doc, segment) else {
                outside += 1;
                continue;
            };
            let set = applied.entry((coding.document, key, c)).or_default();
            let mut id = code.as_str();
            loop {
                set.insert(id.to_owned());
                match id.rsplit_once('.') {
                    Some((parent, _)) => id = parent,
                    None => break,
                }
            }
        }
    }
    let shared: Vec<usize> = (0..documents.len())
        .filter(|&d| coded[d].iter().filter(|&&x| x).count() >= 2)
        .collect();
    if shared.is_empty() {
        return Err(Error::Usage(
            "no document was coded by two or more coders: nothing to compare".into(),
        ));
    }
    let mut units: Vec<Unit> = Vec::new();
    for &d in &shared {
        for (key, segments) in options.unit.units(&documents[d]) {
            let someone_coded =
                (0..coders.len()).any(|c| applied.get(&(d, key, c)).is_some_and(|s| !s.is_empty()));
            if !options.only_coded || someone_coded {
                units.push(Unit {
                    document: d,
                    key,
                    segments,
                });
            }
        }
    }
    let used: BTreeSet<&str> = applied.values().flatten().map(String::as_str).collect();
    let codes: Vec<&str> = options
        .selection
        .codes(codebook)
        .into_iter()
        .filter(|c| used.contains(c))
        .collect();
    let has = |u: &Unit, c: usize, code: &str| -> Option<bool> {
        coded[u.document][c].then(|| {
            applied
                .get(&(u.document, u.key, c))
                .is_some_and(|s| s.contains(code))
        })
    };
    let ratings_for = |code: &str| -> Result<Ratings> {
        let rows = units
            .iter()
            .map(|u| (0..coders.len()).map(|c| has(u, c, code)).collect())
            .collect();
        Ratings::from_presence(coders.len(), rows).map_err(Error::from)
    };
    let mut headers: Vec<String> = ["code", "kind", "units", "positive units", "% agreement"]
        .map(str::to_owned)
        .to_vec();
    headers.push(if coders.len() == 2 {
        "cohen_kappa".into()
    } else {
        "fleiss_kappa".into()
    });
    headers.extend(["krippendorff_alpha", "gwet_ac1"].map(str::to_owned));
    if options.bootstrap.is_some() {
        headers.extend(["alpha_ci_low", "alpha_ci_high"].map(str::to_owned));
    }
    headers.push("verdict (Krippendorff)".into());
    let mut table = Table::new(headers);
    let mut notes = Vec::new();
    let mut pooled: Vec<Vec<Option<u32>>> = Vec::new();
    let add_row = |table: &mut Table, label: &str, kind: &str, ratings: &Ratings| {
        let s = summarise(ratings);
        let interval = options
            .bootstrap
            .and_then(|(n, seed)| bootstrap_alpha(ratings, n, seed, 0.95));
        table.rows.push(summary_row(
            label,
            kind,
            &s,
            coders.len(),
            options.bootstrap.map(|_| interval),
        ));
    };
    for code in &codes {
        let ratings = ratings_for(code)?;
        pooled.extend(ratings.rows().map(<[Option<u32>]>::to_vec));
        add_row(&mut table, code, "binary", &ratings);
    }
    for parent in codebook
        .codes
        .iter()
        .filter(|c| c.exclusive && options.selection.includes(&c.id))
    {
        let children: Vec<&str> = codebook
            .codes
            .iter()
            .filter(|c| c.parent() == Some(&parent.id))
            .map(|c| c.id.as_str())
            .collect();
        let mut conflicts = 0;
        let rows = units
            .iter()
            .map(|u| {
                (0..coders.len())
                    .map(|c| {
                        coded[u.document][c].then_some(())?;
                        let chosen: Vec<u32> = children
                            .iter()
                            .enumerate()
                            .filter(|(_, child)| has(u, c, child) == Some(true))
                            .map(|(i, _)| i as u32 + 1)
                            .collect();
                        match chosen.as_slice() {
                            [] => Some(0),
                            [one] => Some(*one),
                            _ => {
                                conflicts += 1;
                                None
                            }
                        }
                    })
                    .collect()
            })
            .collect();
        let ratings = Ratings::new(coders.len(), rows).map_err(Error::from)?;
        if conflicts > 0 {
            notes.push(format!(
                "{conflicts} units carry more than one child of the exclusive code `{}`: counted as missing",
                parent.id
            ));
        }
        add_row(&mut table, &parent.id, "categorical", &ratings);
    }
    if !codes.is_empty() {
        let ratings = Ratings::new(coders.len(), pooled).map_err(Error::from)?;
        add_row(&mut table, "(all codes)", "pooled binary", &ratings);
    }
    if outside > 0 {
        notes.push(format!(
            "{outside} coded positions fall outside respondent {} units and were not compared",
            options.unit.name()
        ));
    }
    let disagreements = disagreement_table(documents, &units, &codes, &coders, options.unit, &has);
    Ok(AgreementReport {
        table,
        disagreements,
        coders,
        documents: shared.len(),
        notes,
    })
}

fn summary_row(
    label: &str,
    kind: &str,
    s: &AgreementSummary,
    coders: usize,
    interval: Option<Option<(f64, f64)>>,
) -> Vec<Value> {
    let number = |v: Option<f64>| v.map_or(Value::Text(String::new()), |x| Value::Float(x, 3));
    let mut row: Vec<Value> = vec![
        label.into(),
        kind.into(),
        s.units.into(),
        s.positive_units.into(),
        number(s.percent.map(|p| 100.0 * p)),
        number(if coders == 2 { s.cohen } else { s.fleiss }),
        number(s.alpha),
        number(s.ac1),
    ];
    if let Some(interval) = interval {
        row.push(number(interval.map(|i| i.0)));
        row.push(number(interval.map(|i| i.1)));
    }
    row.push(verdict(s.alpha).into());
    row
}

fn disagreement_table(
    documents: &[Document],
    units: &[Unit],
    codes: &[&str],
    coders: &[String],
    unit: CodingUnit,
    has: &dyn Fn(&Unit, usize, &str) -> Option<bool>,
) -> Table {
    let mut table = Table::new(crate::columns::disagreements(unit, coders));
    for u in units {
        let doc = &documents[u.document];
        for code in codes {
            let values: Vec<Option<bool>> = (0..coders.len()).map(|c| has(u, c, code)).collect();
            let given: BTreeSet<bool> = values.iter().flatten().copied().collect();
            if given.len() < 2 {
                continue;
            }
            let mut row: Vec<Value> = vec![
                doc.id.clone().into(),
                Value::Int(u.key as i64),
                doc.segments[u.segments[0] - 1].speaker.clone().into(),
                (*code).into(),
            ];
            row.extend(values.iter().map(|v| {
                Value::from(match v {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "",
                })
            }));
            row.push(unit_text(doc, &u.segments).into());
            table.rows.push(row);
        }
    }
    table
}

//! `thema cooccur`: which codes occur together in the same unit, as a code × code matrix of
//! counts or Jaccard indexes, or in long format (one row per pair).

use std::collections::BTreeMap;

use super::CodedCorpus;
use super::frames::{Unit, cooccurrence};
use super::selection::CodeSelection;
use crate::Result;
use crate::output::{Table, Value};

/// The measure shown in the matrix view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Measure {
    /// Units with both codes.
    Count,
    /// n12 / (n1 + n2 − n12): shared units over units with either code.
    Jaccard,
    /// ATLAS.ti's c-coefficient n12 / (n1 + n2 − n12): by definition the Jaccard index.
    C,
}

/// Co-occurrence counts of the selected codes.
#[derive(Debug, Clone)]
pub struct Cooccurrence {
    /// The codes, in tree order.
    pub codes: Vec<String>,
    /// Units with both codes, keyed by the pair (a ≤ b; (a, a) is a code's own count).
    pairs: BTreeMap<(String, String), u64>,
}

impl Cooccurrence {
    /// Counts, for every pair of selected codes, the units carrying both.
    pub fn new(
        corpus: &CodedCorpus<'_>,
        selection: &CodeSelection,
        unit: Unit,
    ) -> Result<Cooccurrence> {
        let pairs = cooccurrence(corpus, selection, unit)?
            .into_iter()
            .map(|(a, b, n)| ((a, b), n))
            .collect();
        Ok(Cooccurrence {
            codes: selection
                .codes(corpus.codebook)
                .into_iter()
                .map(str::to_owned)
                .collect(),
            pairs,
        })
    }

    /// Units with both `a` and `b` (with `a == b`: units with the code).
    pub fn count(&self, a: &str, b: &str) -> u64 {
        let key = if a <= b { (a, b) } else { (b, a) };
        self.pairs
            .get(&(key.0.to_owned(), key.1.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    /// The Jaccard index of the two codes' units (0 when neither occurs).
    pub fn jaccard(&self, a: &str, b: &str) -> f64 {
        let both = self.count(a, b);
        let union = self.count(a, a) + self.count(b, b) - both;
        if union == 0 {
            0.0
        } else {
            both as f64 / union as f64
        }
    }

    /// The code × code matrix of `measure`, one row per code.
    pub fn matrix(&self, measure: Measure) -> Table {
        let mut table = Table::new(std::iter::once("code".to_owned()).chain(self.codes.clone()));
        for a in &self.codes {
            let mut row: Vec<Value> = vec![a.clone().into()];
            for b in &self.codes {
                row.push(match measure {
                    Measure::Count => Value::Int(self.count(a, b) as i64),
                    Measure::Jaccard | Measure::C => Value::Float(self.jaccard(a, b), 2),
                });
            }
            table.rows.push(row);
        }
        table
    }

    /// The long format: `code_a, code_b, n, jaccard`, one row per pair that occurs (a ≤ b;
    /// the diagonal is each code's own count).
    pub fn long(&self) -> Table {
        let mut table = Table::new(["code_a", "code_b", "n", "jaccard"]);
        for ((a, b), n) in &self.pairs {
            table.rows.push(vec![
                a.clone().into(),
                b.clone().into(),
                Value::Int(*n as i64),
                Value::Float(self.jaccard(a, b), 6),
            ]);
        }
        table
    }
}

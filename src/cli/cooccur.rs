//! `thema cooccur`: which codes occur together.

use std::collections::BTreeMap;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::{ExportArgs, InputArgs, SelectionArgs};
use crate::Result;
use crate::analysis::frames::{Unit, cooccurrence};
use crate::output::{Table, TableFormat, Value};

/// The measure shown in the matrix view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Measure {
    /// Units with both codes.
    Count,
    /// n12 / (n1 + n2 − n12): shared units over units with either code.
    Jaccard,
    /// ATLAS.ti's c-coefficient n12 / (n1 + n2 − n12): by definition the Jaccard index.
    C,
}

/// The code × code matrix of co-occurrence: in the terminal and Markdown a matrix of the chosen
/// measure; as CSV, JSON or Parquet the long format (code_a, code_b, n, jaccard), one row
/// per pair (a ≤ b; the diagonal is each code's own count). The c-coefficient of ATLAS.ti,
/// n12 / (n1 + n2 − n12), is the Jaccard index of the two codes' unit sets.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema cooccur samples/\n  thema cooccur samples/ --codes acceptance --measure jaccard\n  thema cooccur samples/ --unit document --format csv -o pairs.csv"
)]
pub struct CooccurArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    selection: SelectionArgs,
    /// The unit in which codes co-occur.
    #[arg(long, value_enum, default_value = "segment")]
    unit: Unit,
    /// The measure in the matrix view.
    #[arg(long, value_enum, default_value = "count")]
    measure: Measure,
    #[command(flatten)]
    export: ExportArgs,
}

pub fn run(args: CooccurArgs) -> Result<ExitCode> {
    let output = args.export.check()?;
    let coded = args.input.read_and_code()?;
    let selection = args.selection.selection(&coded.codebook)?;
    let pairs = cooccurrence(&coded.view(), &selection, args.unit)?;
    let own: BTreeMap<&str, u64> = pairs
        .iter()
        .filter(|(a, b, _)| a == b)
        .map(|(a, _, n)| (a.as_str(), *n))
        .collect();
    let jaccard = |a: &str, b: &str, n: u64| {
        let union = own.get(a).copied().unwrap_or(0) + own.get(b).copied().unwrap_or(0) - n;
        if union == 0 {
            0.0
        } else {
            n as f64 / union as f64
        }
    };
    let table = match args.export.format {
        TableFormat::Table | TableFormat::Md => {
            let codes = selection.codes(&coded.codebook);
            let mut table = Table::new(
                std::iter::once("code".to_owned()).chain(codes.iter().map(|c| (*c).to_owned())),
            );
            let lookup: BTreeMap<(&str, &str), u64> = pairs
                .iter()
                .map(|(a, b, n)| ((a.as_str(), b.as_str()), *n))
                .collect();
            for a in &codes {
                let mut row: Vec<Value> = vec![(*a).into()];
                for b in &codes {
                    let key = if a <= b { (*a, *b) } else { (*b, *a) };
                    let n = lookup.get(&key).copied().unwrap_or(0);
                    row.push(match args.measure {
                        Measure::Count => Value::Int(n as i64),
                        Measure::Jaccard | Measure::C => Value::Float(jaccard(a, b, n), 2),
                    });
                }
                table.rows.push(row);
            }
            table
        }
        _ => {
            let mut table = Table::new(["code_a", "code_b", "n", "jaccard"]);
            for (a, b, n) in &pairs {
                let j = jaccard(a, b, *n);
                table.rows.push(vec![
                    a.clone().into(),
                    b.clone().into(),
                    Value::Int(*n as i64),
                    Value::Float(j, 6),
                ]);
            }
            table
        }
    };
    super::emit("co-occurrence", &table, args.export.format, output.as_ref())?;
    Ok(ExitCode::SUCCESS)
}

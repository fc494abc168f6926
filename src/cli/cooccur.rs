//! `thema cooccur`: which codes occur together.

use std::process::ExitCode;

use clap::Args;

use super::{ExportArgs, InputArgs, SelectionArgs};
use crate::Result;
use crate::analysis::cooccur::{Cooccurrence, Measure};
use crate::analysis::frames::Unit;
use crate::output::TableFormat;

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
    let counts = Cooccurrence::new(&coded.view(), &selection, args.unit)?;
    let table = match args.export.format {
        TableFormat::Table | TableFormat::Md => counts.matrix(args.measure),
        _ => counts.long(),
    };
    args.export.emit("co-occurrence", &table, output.as_ref())?;
    Ok(ExitCode::SUCCESS)
}

//! `thema cooccur`: which codes occur together.

use std::process::ExitCode;

use clap::Args;

use super::sources::{SourceArgs, one_table};
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
    source: SourceArgs,
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
    let (format, output) = args.export.check()?;
    let sourced = args.source.read_counting(&args.input)?;
    let selection = args.selection.selection(&sourced.codebook)?;
    let matrix_view = matches!(format, TableFormat::Table | TableFormat::Md);
    let mut tables = Vec::new();
    for (name, view) in sourced.views() {
        let counts = Cooccurrence::new(&view, &selection, args.unit)?;
        let table = if matrix_view {
            counts.matrix(args.measure)
        } else {
            counts.long()
        };
        tables.push((name, table));
    }
    if matrix_view && sourced.both() {
        // One matrix per source, each under its name.
        let mut bytes = Vec::new();
        for (name, table) in &tables {
            bytes.extend(format!("{name}:\n").as_bytes());
            bytes.extend(
                args.export
                    .bytes("co-occurrence", table, format, output.as_ref())?,
            );
            bytes.push(b'\n');
        }
        return super::write_or_print(output.as_ref(), &bytes).map(|()| ExitCode::SUCCESS);
    }
    let table = one_table(&tables, |t| {
        crate::output::combine::interleaved(t, 2, "source")
    });
    args.export
        .emit("co-occurrence", &table, format, output.as_ref())?;
    Ok(ExitCode::SUCCESS)
}

//! `thema matrix`: the document × code table researchers load into R, SPSS or pandas.

use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::sources::{SourceArgs, one_table};
use super::{ExportArgs, InputArgs, SelectionArgs};
use crate::Result;
use crate::analysis::frames::document_matrix;

/// What a cell of the matrix holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CellValue {
    /// 1 when the document has the code, else 0.
    Presence,
    /// The number of the document's segments with the code.
    Count,
}

/// One row per document with its attributes and one column per code (0/1 or counts).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema matrix samples/ --format parquet -o m.parquet\n  thema matrix samples/ --value count --codes acceptance --format csv -o acceptance.csv"
)]
pub struct MatrixArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    source: SourceArgs,
    #[command(flatten)]
    selection: SelectionArgs,
    /// What each cell holds.
    #[arg(long, value_enum, default_value = "presence")]
    value: CellValue,
    #[command(flatten)]
    export: ExportArgs,
}

pub fn run(args: MatrixArgs) -> Result<ExitCode> {
    let (format, output) = args.export.check()?;
    let sourced = args.source.read_counting(&args.input)?;
    let selection = args.selection.selection(&sourced.codebook)?;
    let tables = sourced
        .views()
        .iter()
        .map(|(name, view)| {
            document_matrix(view, &selection, args.value == CellValue::Presence).map(|t| (*name, t))
        })
        .collect::<Result<Vec<_>>>()?;
    let table = one_table(&tables, |t| {
        crate::output::combine::interleaved(t, 1, "source")
    });
    args.export
        .emit("matrix", &table, format, output.as_ref())?;
    Ok(ExitCode::SUCCESS)
}

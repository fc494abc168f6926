//! `thema matrix`: the document × code table researchers load into R, SPSS or pandas.

use std::process::ExitCode;

use clap::{Args, ValueEnum};

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
    selection: SelectionArgs,
    /// What each cell holds.
    #[arg(long, value_enum, default_value = "presence")]
    value: CellValue,
    #[command(flatten)]
    export: ExportArgs,
}

pub fn run(args: MatrixArgs) -> Result<ExitCode> {
    let output = args.export.check()?;
    let coded = args.input.read_and_code()?;
    let selection = args.selection.selection(&coded.codebook)?;
    let table = document_matrix(&coded.view(), &selection, args.value == CellValue::Presence)?;
    args.export.emit("matrix", &table, output.as_ref())?;
    Ok(ExitCode::SUCCESS)
}

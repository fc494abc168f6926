//! `thema report`: theme frequencies per code, overall and per attribute value.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::InputArgs;
use crate::Result;
use crate::analysis::report;
use crate::output::{OutputFile, TableFormat};

/// Per code: coded segments, documents with the code and % of documents; with --by, the same
/// per attribute value side by side. Parent codes aggregate their children.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema report samples/ --by cohort\n  thema report interviews/ --by municipality --format csv -o frequencies.csv"
)]
pub struct ReportArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Document attribute to compare groups by (default: `by` of thema.toml).
    #[arg(long, value_name = "ATTR")]
    by: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: TableFormat,
    /// Language of the code labels.
    #[arg(long, value_name = "LANG", default_value = "en")]
    labels: String,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
}

pub fn run(args: ReportArgs) -> Result<ExitCode> {
    let output = args
        .output
        .as_deref()
        .map(|p| OutputFile::check(p, args.force))
        .transpose()?;
    let coded = args.input.read_and_code()?;
    let by = args.by.clone().or_else(|| coded.study.by.clone());
    let table = report::frequencies(&coded.view(), by.as_deref(), &args.labels)?;
    let text = table.render(args.format);
    match output {
        Some(file) => file.write(text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

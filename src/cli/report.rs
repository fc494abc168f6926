//! `thema report`: theme frequencies per code, overall and per attribute value.

use std::process::ExitCode;

use clap::Args;

use super::{ExportArgs, InputArgs};
use crate::Result;
use crate::analysis::report;

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
    /// Language of the code labels.
    #[arg(long, value_name = "LANG", default_value = "en")]
    labels: String,
    #[command(flatten)]
    export: ExportArgs,
}

pub fn run(args: ReportArgs) -> Result<ExitCode> {
    let output = args.export.check()?;
    let coded = args.input.read_and_code()?;
    let by = args.by.clone().or_else(|| coded.study.by.clone());
    let table = report::frequencies(&coded.view(), by.as_deref(), &args.labels)?;
    super::emit("frequencies", &table, args.export.format, output.as_ref())?;
    Ok(ExitCode::SUCCESS)
}

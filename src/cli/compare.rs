//! `thema compare`: which themes differ between cohorts.

use std::process::ExitCode;

use clap::Args;

use super::sources::SourceArgs;
use super::{ExportArgs, InputArgs, SelectionArgs};
use crate::Result;
use crate::analysis::compare::{CompareOptions, compare};
use crate::analysis::frames::Unit;
use crate::output::TableFormat;

/// For every code and every value of a document attribute: the count and share of units with
/// the code, a test of independence (Pearson chi-square, or Fisher's exact test when an
/// expected count is below 5; the test is named per row), Cramér's V, Benjamini–Hochberg
/// q-values across codes, and for two groups the difference in proportions and the odds ratio
/// with a 95% confidence interval (Haldane correction for zero cells).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema compare samples/ --by cohort\n  thema compare samples/ --by debts --unit segment --codes acceptance --sort q\n  thema compare samples/ --by municipality --format csv -o by-municipality.csv"
)]
pub struct CompareArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    source: SourceArgs,
    /// The document attribute whose values form the groups (default: `by` of thema.toml).
    #[arg(long, value_name = "ATTR")]
    by: Option<String>,
    /// Count documents (respondents) or respondent segments (answers).
    #[arg(long, value_enum, default_value = "document")]
    unit: Unit,
    /// The baseline group: shown first; differences and odds ratios are the other groups
    /// against it (with more than two groups, a set of columns per other group).
    #[arg(long, value_name = "VALUE")]
    reference: Option<String>,
    /// Leave out documents without a value instead of grouping them as `(missing)`.
    #[arg(long)]
    drop_missing: bool,
    /// Row order: the code tree, or ascending q-value.
    #[arg(long, value_name = "ORDER", default_value = "tree", value_parser = ["tree", "q"])]
    sort: String,
    /// Seed for Monte Carlo p-values of large tables (results are reproducible with it).
    #[arg(long, value_name = "S", default_value_t = crate::analysis::compare::DEFAULT_SEED)]
    seed: u64,
    /// Language of the code labels.
    #[arg(long, value_name = "LANG", default_value = "en")]
    labels: String,
    #[command(flatten)]
    selection: SelectionArgs,
    #[command(flatten)]
    export: ExportArgs,
}

pub fn run(args: CompareArgs) -> Result<ExitCode> {
    let (format, output) = args.export.check()?;
    let sourced = args.source.read_counting(&args.input)?;
    let by = args
        .by
        .clone()
        .or_else(|| sourced.study.by.clone())
        .ok_or_else(|| crate::Error::Usage("give --by ATTR (or set `by` in thema.toml)".into()))?;
    let options = CompareOptions {
        by,
        unit: args.unit,
        drop_missing: args.drop_missing,
        sort_by_q: args.sort == "q",
        seed: args.seed,
        selection: args.selection.selection(&sourced.codebook)?,
        language: args.labels.clone(),
        reference: args.reference.clone(),
    };
    let mut tables = Vec::new();
    let mut per_source = Vec::new();
    for (name, view) in sourced.views() {
        let comparison = compare(&view, &options)?;
        per_source.push((name, comparison.warnings));
        tables.push((name, comparison.table));
    }
    // Notes every source has are given once; the others name their source.
    let mut warnings: Vec<String> = Vec::new();
    for (name, list) in &per_source {
        for warning in list {
            let shared = per_source.iter().all(|(_, l)| l.contains(warning));
            let text = if shared {
                warning.clone()
            } else {
                format!("{name}: {warning}")
            };
            if !warnings.contains(&text) {
                warnings.push(text);
            }
        }
    }
    let table = super::sources::one_table(&tables, |t| {
        crate::output::combine::interleaved(t, 2, "source")
    });
    let mut bytes = args
        .export
        .bytes("comparison", &table, format, output.as_ref())?;
    if matches!(format, TableFormat::Table | TableFormat::Md) {
        for warning in &warnings {
            bytes.extend(format!("Note: {warning}\n").as_bytes());
        }
    } else if !args.input.quiet {
        for warning in &warnings {
            eprintln!("thema: note: {warning}");
        }
    }
    super::write_or_print(output.as_ref(), &bytes)?;
    Ok(ExitCode::SUCCESS)
}

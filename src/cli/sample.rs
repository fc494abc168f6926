//! `thema sample`: documents for double coding, with blank coding sheets.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::InputArgs;
use crate::Result;
use crate::analysis::sample::{coding_sheet, sample_documents, sample_list};
use crate::output::{OutputFile, TableFormat};

/// A reproducible, optionally stratified sample of documents for double coding, written as a
/// list (sample.csv) and a blank coding sheet (coding-sheet.csv: one row per respondent
/// segment with document, turn, paragraph, speaker, text and empty code and coder columns,
/// which `thema agree --codings` reads back).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema sample samples/ --fraction 0.2 --seed 42\n  thema sample interviews/ --fraction 0.25 --seed 7 --by cohort -o double-coding"
)]
pub struct SampleArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Share of the documents to draw (per stratum; at least one each).
    #[arg(long, value_name = "F")]
    fraction: f64,
    /// Random seed: the same seed and inputs give the same sample.
    #[arg(long, value_name = "S")]
    seed: u64,
    /// Stratify by this document attribute.
    #[arg(long, value_name = "ATTR")]
    by: Option<String>,
    /// Output folder.
    #[arg(
        long = "output",
        short,
        visible_alias = "out",
        value_name = "DIR",
        default_value = "thema-sample"
    )]
    out: PathBuf,
    /// Replace existing files.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    csv: super::CsvArgs,
}

pub fn run(args: SampleArgs) -> Result<ExitCode> {
    let list_file = OutputFile::check(&args.out.join("sample.csv"), args.force)?;
    let sheet_file = OutputFile::check(&args.out.join("coding-sheet.csv"), args.force)?;
    let (corpus, _) = args.input.read()?;
    let documents = &corpus.documents;
    if let Some(by) = &args.by {
        crate::analysis::require_attribute(documents, by)?;
    }
    let sample = sample_documents(documents, args.fraction, args.seed, args.by.as_deref())?;
    let list = sample_list(documents, &sample);
    list_file.write(&args.csv.csv(&list))?;
    let sheet = coding_sheet(documents, &sample);
    sheet_file.write(&args.csv.csv(&sheet))?;
    if !args.input.quiet {
        print!("{}", list.render(TableFormat::Table));
        println!(
            "{} of {} documents; wrote {} and {} ({} segments to code)",
            sample.len(),
            documents.len(),
            list_file.path.display(),
            sheet_file.path.display(),
            sheet.rows.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

//! `thema agree`: inter-coder agreement and the disagreements to reconcile.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{ExportArgs, InputArgs, SelectionArgs};
use crate::Result;
use crate::analysis::agreement::{AgreeOptions, agree};
use crate::analysis::units::CodingUnit;
use crate::ingest::human::Overlap;
use crate::output::{OutputFile, TableFormat};

/// Agreement between two or more coders per code and overall: percent agreement, Cohen's
/// kappa (two coders) or Fleiss' kappa, Krippendorff's alpha (nominal, missing values
/// allowed) and Gwet's AC1, on every respondent unit of the documents two or more coders
/// coded (uncoded units count as agreement on absence). A coder who did not code a document
/// has missing values there. Verdicts follow Krippendorff: α ≥ .800 reliable, .667–.800
/// tentative, below unreliable.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema agree samples/ --codings samples/codings/coder-anna.csv --codings samples/codings/coder-bram.csv\n  thema agree samples/ --codings both-coders.csv --unit turn --bootstrap 2000 --seed 7 --disagreements to-discuss.csv"
)]
pub struct AgreeArgs {
    #[command(flatten)]
    input: InputArgs,
    /// A codings CSV (document, code, coder and `segment`, `turn` (optionally with `paragraph`), or `start,end`);
    /// repeatable. thema's own codings.csv counts as the coder `auto`.
    #[arg(long, value_name = "FILE", required = true)]
    codings: Vec<PathBuf>,
    /// The unit compared.
    #[arg(long, value_enum, default_value = "segment")]
    unit: CodingUnit,
    /// How start,end spans select segments.
    #[arg(long, value_enum, default_value = "any")]
    overlap: Overlap,
    /// Only units some coder coded (by default every respondent unit counts).
    #[arg(long)]
    only_coded: bool,
    /// Bootstrap samples for a 95% confidence interval of alpha.
    #[arg(long, value_name = "N")]
    bootstrap: Option<usize>,
    /// Seed for the bootstrap.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Write every unit where coders differ to this CSV.
    #[arg(long, value_name = "FILE")]
    disagreements: Option<PathBuf>,
    #[command(flatten)]
    selection: SelectionArgs,
    #[command(flatten)]
    export: ExportArgs,
}

pub fn run(args: AgreeArgs) -> Result<ExitCode> {
    let (format, output) = args.export.check()?;
    if let Some(n) = args.bootstrap
        && !(1..=crate::stats::agreement::MAX_BOOTSTRAP_SAMPLES).contains(&n)
    {
        return Err(crate::Error::Usage(format!(
            "--bootstrap takes 1 to {} samples, got {n}",
            crate::stats::agreement::MAX_BOOTSTRAP_SAMPLES
        )));
    }
    let disagreements_file = args
        .disagreements
        .as_deref()
        .map(|p| OutputFile::check(p, args.export.force))
        .transpose()?;
    let (corpus, study) = args.input.read()?;
    let codebook = args.input.codebook(&study)?;
    let read = super::read_codings_files(&args.codings, &corpus, &codebook, args.overlap)?;
    super::print_notes(args.input.quiet, &read.notes);
    let codings = read.codings;
    let options = AgreeOptions {
        unit: args.unit,
        only_coded: args.only_coded,
        selection: args.selection.selection(&codebook)?,
        bootstrap: args.bootstrap.map(|n| (n, args.seed)),
    };
    let report = agree(&corpus.documents, &codebook, &codings, &options)?;
    let mut bytes = match format {
        TableFormat::Xlsx => crate::output::xlsx::workbook(&[
            ("agreement", &report.table),
            ("disagreements", &report.disagreements),
        ])?,
        _ => args
            .export
            .bytes("agreement", &report.table, format, output.as_ref())?,
    };
    if matches!(format, TableFormat::Table | TableFormat::Md) {
        let summary = format!(
            "{} coders ({}), {} documents coded by two or more, unit: {}\n",
            report.coders.len(),
            report.coders.join(", "),
            report.documents,
            args.unit.name()
        );
        bytes.splice(0..0, summary.into_bytes());
        for note in &report.notes {
            bytes.extend(format!("Note: {note}\n").as_bytes());
        }
        if format == TableFormat::Table {
            let shown = report.disagreements.rows.len().min(15);
            let mut preview = report.disagreements.clone();
            preview.rows.truncate(shown);
            for row in &mut preview.rows {
                if let Some(crate::output::Value::Text(text)) = row.last_mut() {
                    *text = crate::output::shorten(text, 70);
                }
            }
            bytes.extend(
                format!(
                    "\n{} disagreements{}\n",
                    report.disagreements.rows.len(),
                    if shown < report.disagreements.rows.len() {
                        format!(" (first {shown}; --disagreements FILE writes all)")
                    } else {
                        String::new()
                    }
                )
                .as_bytes(),
            );
            if shown > 0 {
                let text = match &output {
                    Some(_) => preview.render(TableFormat::Table),
                    None => super::fitted(&preview),
                };
                bytes.extend(text.as_bytes());
            }
        }
    }
    super::write_or_print(output.as_ref(), &bytes)?;
    if let Some(file) = disagreements_file {
        file.write(&args.export.csv.csv(&report.disagreements))?;
    }
    Ok(ExitCode::SUCCESS)
}

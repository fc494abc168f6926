//! `thema evaluate`: the auto-coder against human coding.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{ExportArgs, InputArgs, SelectionArgs};
use crate::Result;
use crate::analysis::evaluate::{evaluate, from_engine};
use crate::analysis::units::CodingUnit;
use crate::corpus::Document;
use crate::ingest::human::{HumanCoding, Overlap};
use crate::output::{OutputFile, TableFormat};

/// Codes the inputs with the codebook (or reads --codings) and scores the result against a
/// human gold standard: per code precision, recall, F1 and support, macro and micro averages,
/// and every false positive and false negative with its text and the rule that fired.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema evaluate samples/ --gold samples/codings/coder-anna.csv\n  thema evaluate samples/ --gold gold.csv --unit turn --by language --errors errors.csv"
)]
pub struct EvaluateArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The human gold standard (one coder).
    #[arg(long, value_name = "FILE")]
    gold: PathBuf,
    /// Score these codings (e.g. an earlier codings.csv) instead of coding the inputs now.
    #[arg(long, value_name = "FILE")]
    codings: Option<PathBuf>,
    /// The unit scored.
    #[arg(long, value_enum, default_value = "segment")]
    unit: CodingUnit,
    /// Split the scores by a document attribute (e.g. language).
    #[arg(long, value_name = "ATTR")]
    by: Option<String>,
    /// Write every false positive and false negative to this CSV.
    #[arg(long, value_name = "FILE")]
    errors: Option<PathBuf>,
    #[command(flatten)]
    selection: SelectionArgs,
    #[command(flatten)]
    export: ExportArgs,
}

pub fn run(args: EvaluateArgs) -> Result<ExitCode> {
    let (format, output) = args.export.check()?;
    let errors_file = args
        .errors
        .as_deref()
        .map(|p| OutputFile::check(p, args.export.force))
        .transpose()?;
    let coded = args.input.read_and_code()?;
    let documents = &coded.corpus.documents;
    let view = coded.view();
    if let Some(by) = &args.by {
        view.require_attribute(by)?;
    }
    let selection = args.selection.selection(&coded.codebook)?;
    let read = |path: &PathBuf| {
        super::read_codings_files(
            std::slice::from_ref(path),
            &coded.corpus,
            &coded.codebook,
            Overlap::Any,
        )
    };
    // `--codes` keeps subtrees, `--level` rolls codes up: both sides alike, so a gold code
    // at a parent's level meets the auto-coder's codes below it. A coding outside the
    // selection stays as a coded document with no code, so its document stays scored.
    let select = |mut codings: Vec<HumanCoding>| -> Vec<HumanCoding> {
        for c in &mut codings {
            c.code = c.code.as_deref().and_then(|code| selection.roll_up(code));
        }
        codings
    };
    let gold = select(read(&args.gold)?);
    let predicted = select(match &args.codings {
        Some(path) => read(path)?,
        None => from_engine(&coded.codings),
    });
    let by = args.by.clone();
    let group = move |d: &Document| {
        by.as_ref()
            .and_then(|a| d.attributes.get(a).cloned())
            .unwrap_or_default()
    };
    let group_ref: Option<&dyn Fn(&Document) -> String> = if args.by.is_some() {
        Some(&group)
    } else {
        None
    };
    let evaluation = evaluate(documents, &gold, &predicted, args.unit, group_ref)?;
    let mut bytes = match format {
        TableFormat::Xlsx => crate::output::xlsx::workbook(&[
            ("scores", &evaluation.scores),
            ("errors", &evaluation.errors),
        ])?,
        _ => super::table_bytes("scores", &evaluation.scores, format, output.as_ref())?,
    };
    if format == TableFormat::Table {
        let errors = &evaluation.errors;
        bytes.extend(
            format!(
                "{} documents scored; {} false positives and false negatives",
                evaluation.documents,
                errors.rows.len()
            )
            .as_bytes(),
        );
        bytes.extend(
            if errors_file.is_some() {
                " (written to the --errors file)\n"
            } else {
                " (--errors FILE lists them all)\n"
            }
            .as_bytes(),
        );
    }
    super::write_or_print(output.as_ref(), &bytes)?;
    if let Some(file) = errors_file {
        file.write(evaluation.errors.render(TableFormat::Csv).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

//! `thema evaluate`: the auto-coder against human coding.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{ExportArgs, InputArgs};
use crate::Result;
use crate::analysis::evaluate::{EvaluateOptions, Evaluation, evaluate, from_engine};
use crate::analysis::units::CodingUnit;
use crate::corpus::Document;
use crate::ingest::human::{Overlap, read_codings, read_turn_kinds};
use crate::output::{OutputFile, TableFormat};

/// Codes the inputs with the codebook (or reads --codings) and scores the result against a
/// human gold standard: per code precision, recall, F1 and support; macro and micro averages
/// over all codes, the substantive codes (all but actor.*) and each family of codes (the
/// codes the gold standard gives; a code only the auto-coder gave is listed, not averaged);
/// with --by-kind right, missed and wrong units per kind of turn; and every false positive
/// and false negative with its text and the rule that fired.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema evaluate samples/ --gold samples/codings/coder-anna.csv\n  thema evaluate samples/ --gold gold.csv --unit turn --by language --errors errors.csv\n  thema evaluate devset/transcripts --gold devset/gold.csv --unit turn --by-kind devset/turn_kinds.csv"
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
    /// Score per kind of turn: a CSV with `document,turn,kind` for respondent turns (e.g. a
    /// development set's turn_kinds.csv). Shown after the scores in table and md output, as
    /// the `kinds` sheet in xlsx, and written by --kinds-out.
    #[arg(long, value_name = "FILE")]
    by_kind: Option<PathBuf>,
    /// With --by-kind: write the scores per kind of turn to this CSV.
    #[arg(long, value_name = "FILE", requires = "by_kind")]
    kinds_out: Option<PathBuf>,
    /// Write every false positive and false negative to this CSV.
    #[arg(long, value_name = "FILE")]
    errors: Option<PathBuf>,
    #[command(flatten)]
    export: ExportArgs,
}

pub fn run(args: EvaluateArgs) -> Result<ExitCode> {
    let output = args.export.check()?;
    let check_file = |path: &Option<PathBuf>| {
        path.as_deref()
            .map(|p| OutputFile::check(p, args.export.force))
            .transpose()
    };
    let errors_file = check_file(&args.errors)?;
    let kinds_file = check_file(&args.kinds_out)?;
    let coded = args.input.read_and_code()?;
    let documents = &coded.corpus.documents;
    let view = coded.view();
    if let Some(by) = &args.by {
        view.require_attribute(by)?;
    }
    let gold = read_codings(&args.gold, documents, &coded.codebook, Overlap::Any)?;
    let predicted = match &args.codings {
        Some(path) => read_codings(path, documents, &coded.codebook, Overlap::Any)?,
        None => from_engine(&coded.codings),
    };
    let kinds = args
        .by_kind
        .as_deref()
        .map(|path| read_turn_kinds(path, documents))
        .transpose()?;
    let by = args.by.clone();
    let group = move |d: &Document| {
        by.as_ref()
            .and_then(|a| d.attributes.get(a).cloned())
            .unwrap_or_default()
    };
    let options = EvaluateOptions {
        unit: args.unit,
        group: args
            .by
            .is_some()
            .then_some(&group as &dyn Fn(&Document) -> String),
        kinds: kinds.as_ref(),
    };
    let evaluation = evaluate(documents, &gold, &predicted, options)?;
    let format = args.export.format;
    let mut bytes = match format {
        TableFormat::Xlsx => {
            let mut sheets = vec![("scores", &evaluation.scores)];
            sheets.extend(evaluation.kinds.as_ref().map(|k| ("kinds", k)));
            sheets.push(("errors", &evaluation.errors));
            crate::output::xlsx::workbook(&sheets)?
        }
        _ => super::table_bytes("scores", &evaluation.scores, format, output.as_ref())?,
    };
    if matches!(format, TableFormat::Table | TableFormat::Md) {
        // Markdown needs blank lines around a table, and a last line end.
        let gap: &[u8] = if format == TableFormat::Md {
            b"\n"
        } else {
            b""
        };
        if !bytes.ends_with(b"\n") {
            bytes.push(b'\n');
        }
        bytes.extend(gap);
        bytes.extend(notes(&evaluation, args.unit).as_bytes());
        if let Some(table) = &evaluation.kinds {
            bytes.extend(b"\nBy kind of turn (right = tp, missed = fn, wrong = fp):\n");
            bytes.extend(gap);
            bytes.extend(super::table_bytes("kinds", table, format, output.as_ref())?);
            if !bytes.ends_with(b"\n") {
                bytes.push(b'\n');
            }
        }
    } else if format != TableFormat::Xlsx && evaluation.kinds.is_some() && kinds_file.is_none() {
        eprintln!(
            "thema: note: the scores per kind of turn are in table, md and xlsx output and in --kinds-out FILE"
        );
    }
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
    if let (Some(file), Some(table)) = (kinds_file, &evaluation.kinds) {
        file.write(table.render(TableFormat::Csv).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What the averages cover, for the table and md output.
fn notes(evaluation: &Evaluation, unit: CodingUnit) -> String {
    let mut out = format!(
        "Unit: (document, {}, code). Averages cover the codes the gold standard gives",
        unit.name()
    );
    if evaluation.unaveraged.is_empty() {
        out.push_str(".\n");
    } else {
        let listed: Vec<String> = evaluation
            .unaveraged
            .iter()
            .map(|(group, code)| match group.as_str() {
                "" => code.clone(),
                g => format!("{code} ({g})"),
            })
            .collect();
        out.push_str(&format!(
            "; listed but not averaged (no gold units): {}.\n",
            listed.join(", ")
        ));
    }
    out
}

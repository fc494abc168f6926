//! `thema evaluate`: the auto-coder against human coding.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::{ExportArgs, InputArgs, SelectionArgs};
use crate::Result;
use crate::analysis::evaluate::{EvaluateOptions, Evaluation, evaluate, from_engine};
use crate::analysis::units::CodingUnit;
use crate::corpus::Document;
use crate::ingest::human::{CodingsFile, Overlap, read_turn_kinds};
use crate::output::{OutputFile, TableFormat};

/// Codes the inputs with the codebook (or reads --codings) and scores the result against a
/// human gold standard: per code precision, recall, F1 and support; macro and micro averages
/// over all codes, the substantive codes (all but actor.*) and each family of codes (the
/// codes the gold standard gives; a code only the auto-coder gave is listed, not averaged);
/// with --by-kind right, missed and wrong units per kind of turn; and every false positive
/// and false negative with its text and the rule that fired. With --review instead of
/// --gold: the coder's precision from a `thema review` file (accepted / reviewed per code)
/// and the codes the reviewer added.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema evaluate samples/ --gold samples/codings/coder-anna.csv\n  thema evaluate samples/ --gold gold.csv --unit turn --by language --errors errors.csv\n  thema evaluate devset/transcripts --gold devset/gold.csv --unit turn --by-kind devset/turn_kinds.csv\n  thema evaluate samples/ --review reviewed.csv"
)]
pub struct EvaluateArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The human gold standard (one coder).
    #[arg(long, value_name = "FILE", required_unless_present = "review")]
    gold: Option<PathBuf>,
    /// Score the precision a `thema review` file shows instead: accepted / reviewed.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["gold", "codings", "errors"])]
    review: Option<PathBuf>,
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
    selection: SelectionArgs,
    #[command(flatten)]
    export: ExportArgs,
}

pub fn run(args: EvaluateArgs) -> Result<ExitCode> {
    let (format, output) = args.export.check()?;
    let check_file = |path: &Option<PathBuf>| {
        path.as_deref()
            .map(|p| OutputFile::check(p, args.export.force))
            .transpose()
    };
    let errors_file = check_file(&args.errors)?;
    let kinds_file = check_file(&args.kinds_out)?;
    if let Some(path) = &args.review {
        return review_precision(&args, path, format, output.as_ref());
    }
    let coded = args.input.read_and_code()?;
    let documents = &coded.corpus.documents;
    let view = coded.view();
    if let Some(by) = &args.by {
        view.require_attribute(by)?;
    }
    let Some(gold_path) = args.gold.as_ref() else {
        return Err(crate::Error::Usage(
            "give the gold standard with --gold FILE (or a review with --review FILE)".into(),
        ));
    };
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
    let select = |mut file: CodingsFile| -> CodingsFile {
        for c in &mut file.codings {
            c.code = c.code.as_deref().and_then(|code| selection.roll_up(code));
        }
        file
    };
    let gold = select(read(gold_path)?);
    let predicted = select(match &args.codings {
        Some(path) => read(path)?,
        None => CodingsFile {
            codings: from_engine(&coded.codings),
            notes: Vec::new(),
        },
    });
    let mut notes: Vec<String> = gold.notes.iter().chain(&predicted.notes).cloned().collect();
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
    let evaluation = evaluate(documents, &gold.codings, &predicted.codings, options)?;
    if !evaluation.left_out.is_empty() {
        notes.push(format!(
            "{} documents of the gold standard were not coded by the run being scored and are left out: {}",
            evaluation.left_out.len(),
            evaluation.left_out.join(", ")
        ));
    }
    super::print_notes(args.input.quiet, &notes);
    let mut bytes = match format {
        TableFormat::Xlsx => {
            let mut sheets = vec![("scores", &evaluation.scores)];
            sheets.extend(evaluation.kinds.as_ref().map(|k| ("kinds", k)));
            sheets.push(("errors", &evaluation.errors));
            crate::output::xlsx::workbook(&sheets)?
        }
        _ => args
            .export
            .bytes("scores", &evaluation.scores, format, output.as_ref())?,
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
        bytes.extend(averages_note(&evaluation, args.unit).as_bytes());
        if let Some(table) = &evaluation.kinds {
            bytes.extend(b"\nBy kind of turn (right = tp, missed = fn, wrong = fp):\n");
            bytes.extend(gap);
            bytes.extend(args.export.bytes("kinds", table, format, output.as_ref())?);
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
        file.write(&args.export.csv.csv(&evaluation.errors))?;
    }
    if let (Some(file), Some(table)) = (kinds_file, &evaluation.kinds) {
        file.write(table.render(TableFormat::Csv).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `--review`: the coder's precision from the reviewer's decisions.
fn review_precision(
    args: &EvaluateArgs,
    path: &Path,
    format: TableFormat,
    output: Option<&OutputFile>,
) -> Result<ExitCode> {
    let rows: Vec<_> = crate::review::file::read(path)?
        .into_iter()
        .map(|(_, row)| row)
        .collect();
    let (corpus, _) = args.input.read()?;
    let documents = &corpus.documents;
    let group = |id: &str| -> String {
        let by = args.by.as_deref().unwrap_or_default();
        documents
            .iter()
            .find(|d| d.id == id)
            .and_then(|d| d.attributes.get(by).cloned())
            .unwrap_or_default()
    };
    if let Some(by) = &args.by {
        crate::analysis::require_attribute(documents, by)?;
    }
    let group_ref: Option<&dyn Fn(&str) -> String> = args.by.as_ref().map(|_| &group as _);
    let scores = crate::analysis::evaluate::review_scores(&rows, group_ref)?;
    let mut bytes = args.export.bytes("precision", &scores, format, output)?;
    if format == TableFormat::Table {
        let decided = rows
            .iter()
            .filter(|r| r.decision != crate::review::file::Decision::Pending)
            .count();
        bytes.extend(
            format!(
                "{decided} decisions in {}; precision = accepted / reviewed; added = codes the reviewer put on the segments shown\n",
                path.display()
            )
            .as_bytes(),
        );
    }
    super::write_or_print(output, &bytes).map(|()| ExitCode::SUCCESS)
}

/// What the averages cover, for the table and md output.
fn averages_note(evaluation: &Evaluation, unit: CodingUnit) -> String {
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

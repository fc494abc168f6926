//! `thema ingest`: read transcripts and show what thema sees in them.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::InputArgs;
use super::formats::{Known, resolve};
use crate::Result;
use crate::analysis::tables;
use crate::output::{Table, TableFormat};

/// What `thema ingest` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum IngestFormat {
    /// One line per document: format, encoding, language, speakers and turns.
    Table,
    /// The segments as CSV.
    Csv,
    /// The segments and the per-document overview as an Excel workbook (needs -o FILE).
    Xlsx,
}

/// Read transcripts and show, per document, its format, encoding, language, speakers with
/// their roles and turn counts, and any warning; `--format csv` prints the segments instead;
/// `--format xlsx -o FILE.xlsx` writes both (sheets `documents` and `segments`).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema ingest samples/\n  thema ingest interview.txt --format csv > segments.csv\n  thema ingest samples/ --format xlsx -o segments.xlsx"
)]
pub struct IngestArgs {
    #[command(flatten)]
    input: InputArgs,
    /// What to print [default: the extension of -o FILE (.txt, .csv, .xlsx), else table].
    #[arg(long, value_enum)]
    format: Option<IngestFormat>,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    csv: super::CsvArgs,
}

/// The formats of `thema ingest` and the file names that mean them.
const INGEST_FORMATS: [Known<IngestFormat>; 3] = [
    Known::new(IngestFormat::Table, "table", &["txt", "text"]),
    Known::new(IngestFormat::Csv, "csv", &["csv"]),
    Known::new(IngestFormat::Xlsx, "xlsx", &["xlsx"]),
];

pub fn run(args: IngestArgs) -> Result<ExitCode> {
    let format = resolve(
        args.format,
        args.output.as_deref(),
        &INGEST_FORMATS,
        IngestFormat::Table,
    )?;
    let table_format = match format {
        IngestFormat::Xlsx => TableFormat::Xlsx,
        IngestFormat::Csv => TableFormat::Csv,
        IngestFormat::Table => TableFormat::Table,
    };
    let output = super::check_binary_output(table_format, args.output.as_deref(), args.force)?;
    let (corpus, _) = args.input.read_showing(None)?;
    let bytes = match format {
        IngestFormat::Csv => args.csv.csv(&tables::segments_table(&corpus.documents)),
        IngestFormat::Xlsx => crate::output::xlsx::workbook(&[
            ("documents", &overview(&corpus)),
            ("segments", &tables::segments_table(&corpus.documents)),
        ])?,
        IngestFormat::Table => {
            let mut text = match &output {
                Some(_) => overview(&corpus).render(TableFormat::Table),
                None => super::fitted(&overview(&corpus)),
            };
            for file in &corpus.passed_over {
                text.push_str(&format!("passed over: {file}\n"));
            }
            text.push_str(&format!(
                "{} documents, {} skipped\n",
                corpus.documents.len(),
                corpus.skipped.len()
            ));
            text.into_bytes()
        }
    };
    super::write_or_print(output.as_ref(), &bytes)?;
    Ok(ExitCode::SUCCESS)
}

/// One row per document: file, format, encoding, language, turns, segments, speakers.
fn overview(corpus: &crate::ingest::Corpus) -> Table {
    let mut table = Table::new([
        "document",
        "file",
        "format",
        "encoding",
        "language",
        "turns",
        "segments",
        "speakers (role: turns)",
        "warnings",
    ]);
    for doc in &corpus.documents {
        let speakers: Vec<String> = doc
            .speakers()
            .iter()
            .map(|(name, role, turns)| format!("{name} ({role}: {turns})"))
            .collect();
        table.rows.push(vec![
            doc.id.clone().into(),
            doc.path.display().to_string().into(),
            doc.format.as_str().into(),
            doc.encoding.into(),
            doc.language.clone().into(),
            doc.turn_count().into(),
            doc.segments.len().into(),
            speakers.join(", ").into(),
            doc.warnings.len().into(),
        ]);
    }
    table
}

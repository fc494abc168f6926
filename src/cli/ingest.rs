//! `thema ingest`: read transcripts and show what thema sees in them.

use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::InputArgs;
use crate::Result;
use crate::analysis::tables;
use crate::output::{Table, TableFormat};

/// What `thema ingest` prints.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum IngestFormat {
    /// One line per document: format, encoding, language, speakers and turns.
    Table,
    /// The segments as CSV.
    Csv,
}

/// Read transcripts and show, per document, its format, encoding, language, speakers with
/// their roles and turn counts, and any warning; `--format csv` prints the segments instead.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema ingest samples/\n  thema ingest interview.txt --format csv > segments.csv"
)]
pub struct IngestArgs {
    #[command(flatten)]
    input: InputArgs,
    /// What to print.
    #[arg(long, value_enum, default_value = "table")]
    format: IngestFormat,
}

pub fn run(args: IngestArgs) -> Result<ExitCode> {
    let (corpus, _) = args.input.read_showing(None)?;
    match args.format {
        IngestFormat::Csv => print!(
            "{}",
            tables::segments_table(&corpus.documents).render(TableFormat::Csv)
        ),
        IngestFormat::Table => {
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
            print!("{}", table.render(TableFormat::Table));
            for file in &corpus.passed_over {
                println!("not a transcript: {file}");
            }
            println!(
                "{} documents, {} skipped",
                corpus.documents.len(),
                corpus.skipped.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

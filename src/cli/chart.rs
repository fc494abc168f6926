//! `thema chart`: the report's charts as standalone SVG files, for pasting into a paper.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::sources::SourceArgs;
use super::{InputArgs, SelectionArgs};
use crate::analysis::cooccur::Cooccurrence;
use crate::analysis::frames::Unit;
use crate::html::{charts, frequency_chart};
use crate::{Error, Result};

/// Which chart to draw.
#[derive(Debug, Subcommand)]
pub enum ChartCommand {
    /// Horizontal bars of the % of respondents (documents) per code, per cohort with --by.
    #[command(
        after_help = "Examples:\n  thema chart frequencies samples/ --by cohort -o frequencies.svg\n  thema chart frequencies samples/ --codes acceptance -o acceptance.png"
    )]
    Frequencies(FrequencyArgs),
    /// A code × code heat map: units with both codes, coloured by the Jaccard index.
    #[command(
        after_help = "Examples:\n  thema chart cooccurrence samples/ -o cooccurrence.svg\n  thema chart cooccurrence samples/ --codes acceptance --unit document -o acceptance.svg"
    )]
    Cooccurrence(CooccurrenceArgs),
}

/// Where the chart goes.
#[derive(Debug, Args)]
pub struct ChartOutput {
    /// The file to write: SVG (.svg) or PNG (.png, drawn at twice the size with the font
    /// built into thema).
    #[arg(long, short, value_name = "FILE.svg|FILE.png")]
    output: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    force: bool,
    /// Language of the code labels.
    #[arg(long, value_name = "LANG", default_value = "en")]
    labels: String,
}

/// Options of `thema chart frequencies`.
#[derive(Debug, Args)]
pub struct FrequencyArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    source: SourceArgs,
    /// Document attribute whose values get a bar each (default: `by` of thema.toml).
    #[arg(long, value_name = "ATTR")]
    by: Option<String>,
    #[command(flatten)]
    selection: SelectionArgs,
    #[command(flatten)]
    output: ChartOutput,
}

/// Options of `thema chart cooccurrence`.
#[derive(Debug, Args)]
pub struct CooccurrenceArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    source: SourceArgs,
    #[command(flatten)]
    selection: SelectionArgs,
    /// The unit in which codes co-occur.
    #[arg(long, value_enum, default_value = "segment")]
    unit: Unit,
    #[command(flatten)]
    output: ChartOutput,
}

pub fn run(command: ChartCommand) -> Result<ExitCode> {
    let (input, source, output) = match &command {
        ChartCommand::Frequencies(a) => (&a.input, &a.source, &a.output),
        ChartCommand::Cooccurrence(a) => (&a.input, &a.source, &a.output),
    };
    if source.source()? == crate::analysis::source::Source::Both {
        return Err(Error::Usage(
            "a chart shows one coding source: give --source auto or --source human".into(),
        ));
    }
    let png = match output.output.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("png") => true,
        Some(e) if e.eq_ignore_ascii_case("svg") => false,
        _ => {
            return Err(Error::Usage(format!(
                "{}: a chart is written as .svg or .png: give a file ending in one of them",
                output.output.display()
            )));
        }
    };
    let file = crate::output::OutputFile::check(&output.output, output.force)?;
    let coded = source.read(input)?;
    let view = coded.view();
    let language = output.labels.as_str();
    let svg = match &command {
        ChartCommand::Frequencies(args) => {
            let selection = args.selection.selection(&coded.codebook)?;
            let by = args.by.clone().or_else(|| coded.study.by.clone());
            let chart = frequency_chart(&view, by.as_deref(), &selection, language)?;
            charts::bar_chart(&chart, true)
        }
        ChartCommand::Cooccurrence(args) => {
            let selection = args.selection.selection(&coded.codebook)?;
            let counts = Cooccurrence::new(&view, &selection, args.unit)?;
            let codes: Vec<(String, String)> = counts
                .codes
                .iter()
                .map(|id| {
                    let label = coded
                        .codebook
                        .code(id)
                        .map_or(id.as_str(), |c| c.label(language));
                    (id.clone(), label.to_owned())
                })
                .collect();
            let unit = match args.unit {
                Unit::Document => "document",
                Unit::Segment => "segment",
            };
            charts::heat_map(&counts, &codes, unit, true)
        }
    };
    let mut document = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    document.push_str(&svg);
    document.push('\n');
    if png {
        file.write(&crate::html::png::rasterise(&document)?)?;
    } else {
        file.write(document.as_bytes())?;
    }
    if !input.quiet {
        eprintln!("wrote {}", file.path.display());
    }
    Ok(ExitCode::SUCCESS)
}

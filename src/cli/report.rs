//! `thema report`: theme frequencies per code, overall and per attribute value; with `--html`
//! and `--xlsx` the shareable report.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::sources::SourceArgs;
use super::{ExportArgs, InputArgs, SelectionArgs};
use crate::Result;
use crate::analysis::report;
use crate::html::provenance::Provenance;
use crate::html::{ReportOptions, build};

/// Per code: coded segments, documents with the code and % of documents; with --by, the same
/// per attribute value side by side. Parent codes aggregate their children.
///
/// --html writes one self-contained HTML file (no scripts, fonts or requests; opens offline
/// and prints to PDF): a summary, a bar chart per theme of the % of respondents per code
/// (per cohort with --by), a co-occurrence heat map, with --by the comparison table, per code
/// its definition and quotes, and an appendix with the codebook and the provenance (thema
/// version, SHA-256 of the codebook and every input file, the command line). --xlsx writes
/// the same sections as Excel sheets.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema report samples/ --by cohort\n  thema report interviews/ --by municipality --format csv -o frequencies.csv\n  thema report samples/ --by cohort --html report.html --xlsx report.xlsx\n  thema report samples/ --by cohort --html report.html --title \"Wave 1 and 2\" --quotes 5"
)]
pub struct ReportArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    source: SourceArgs,
    #[command(flatten)]
    selection: SelectionArgs,
    /// Document attribute to compare groups by (default: `by` of thema.toml).
    #[arg(long, value_name = "ATTR")]
    by: Option<String>,
    /// Language of the code labels.
    #[arg(long, value_name = "LANG", default_value = "en")]
    labels: String,
    /// Write the self-contained HTML report to this file.
    #[arg(long, value_name = "FILE.html")]
    html: Option<PathBuf>,
    /// Write the report's sections as an Excel workbook (frequencies, comparison,
    /// co-occurrence, quotes, codebook).
    #[arg(long, value_name = "FILE.xlsx")]
    xlsx: Option<PathBuf>,
    /// The report's title [default: the codebook's name].
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
    /// Quotes per code in the report.
    #[arg(long, value_name = "N", default_value_t = 3)]
    quotes: usize,
    /// Put the date and time of the run in the report (otherwise the same inputs give the
    /// same bytes).
    #[arg(long)]
    timestamp: bool,
    #[command(flatten)]
    export: ExportArgs,
}

pub fn run(mut args: ReportArgs) -> Result<ExitCode> {
    // `-o report.html` is the HTML report.
    let html_named = args.export.output.as_deref().is_some_and(|p| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
    });
    if html_named && args.html.is_none() && args.export.format.is_none() {
        args.html = args.export.output.take();
    }
    let files = [args.html.as_deref(), args.xlsx.as_deref()];
    let report_files = files
        .iter()
        .map(|f| super::check_output(*f, args.export.force))
        .collect::<Result<Vec<_>>>()?;
    let reports = report_files.iter().any(Option::is_some);
    if reports && args.source.source()? == crate::analysis::source::Source::Both {
        return Err(crate::Error::Usage(
            "the HTML and Excel report show one coding source: give --source auto or --source human (and make one report of each to compare)".into(),
        ));
    }
    let (format, output) = if reports && args.export.output.is_none() {
        (crate::output::TableFormat::Table, None)
    } else {
        args.export.check()?
    };
    // The frequency table of the rules' codings needs only counts per document and code.
    if !reports
        && args.input.coded.is_none()
        && args.source.source()? == crate::analysis::source::Source::Auto
    {
        let reduced = args
            .input
            .code_reduced(|doc, codings| report::Tally::of(&doc, &codings))?;
        if !args.input.quiet {
            eprintln!("{}", crate::manifest::codebook_line(&reduced.codebook));
        }
        let selection = args.selection.selection(&reduced.codebook)?;
        let by = args.by.clone().or_else(|| reduced.study.by.clone());
        let attributes: Vec<_> = reduced.entries.iter().map(|e| &e.attributes).collect();
        let table = report::tallied_frequencies(
            &reduced.codebook,
            &reduced.items,
            &report::group_by(&attributes, by.as_deref())?,
            &args.labels,
            &selection,
        );
        args.export
            .emit("frequencies", &table, format, output.as_ref())?;
        return Ok(ExitCode::SUCCESS);
    }
    let sourced = args.source.read(&args.input)?;
    if !args.input.quiet {
        eprintln!("{}", crate::manifest::codebook_line(&sourced.codebook));
    }
    let selection = args.selection.selection(&sourced.codebook)?;
    let by = args.by.clone().or_else(|| sourced.study.by.clone());
    if let [html, xlsx] = report_files.as_slice()
        && (html.is_some() || xlsx.is_some())
    {
        let view = sourced.view();
        let mut extra = args.input.extra_files(&sourced.study);
        extra.extend(args.source.codings.iter().cloned());
        let command: Vec<String> = std::env::args().skip(1).collect();
        let provenance = Provenance::collect(
            &sourced.codebook,
            &sourced.corpus.documents,
            &extra,
            &command,
            args.timestamp,
        )?;
        let options = ReportOptions {
            by: by.clone(),
            title: args.title.clone(),
            quotes: args.quotes,
            language: args.labels.clone(),
            selection: selection.clone(),
            source: source_summary(&sourced),
        };
        let built = build(&view, &options, provenance)?;
        if let Some(file) = html {
            file.write(built.html.as_bytes())?;
        }
        if let Some(file) = xlsx {
            let sheets: Vec<(&str, &crate::output::Table)> =
                built.sheets.iter().map(|(n, t)| (n.as_str(), t)).collect();
            file.write(&crate::output::xlsx::workbook(&sheets)?)?;
        }
        if !args.input.quiet {
            for file in report_files.iter().flatten() {
                eprintln!("wrote {}", file.path.display());
            }
        }
        if output.is_none() {
            return Ok(ExitCode::SUCCESS);
        }
    }
    let tables = sourced
        .views()
        .iter()
        .map(|(name, view)| {
            report::frequencies(view, by.as_deref(), &args.labels, &selection).map(|t| (*name, t))
        })
        .collect::<Result<Vec<_>>>()?;
    let table = super::sources::one_table(&tables, |t| crate::output::combine::side_by_side(t, 2));
    args.export
        .emit("frequencies", &table, format, output.as_ref())?;
    Ok(ExitCode::SUCCESS)
}

/// The coding source as the report's summary names it.
fn source_summary(sourced: &super::sources::Sourced) -> String {
    let set = &sourced.sets[0];
    if !set.human {
        "auto: the codebook's rules".to_owned()
    } else {
        format!(
            "{}: human codings of {} documents",
            set.name,
            sourced.corpus.documents.len()
        )
    }
}

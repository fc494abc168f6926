//! `thema quotes`: the segments behind one or more codes, ready for a report.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::formats::{Known, resolve};
use super::sources::SourceArgs;
use super::{InputArgs, SelectionArgs, write_or_print};
use crate::Result;
use crate::analysis::quotes::{Quote, QuoteQuery, find_quotes, mark, merge_sources, quotes_table};
use crate::output::TableFormat;

/// How quotes are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum QuoteFormat {
    /// Readable blocks for the terminal, matched words in bold.
    Table,
    /// Markdown block quotes with the matched words in **bold**, ready for a report.
    Md,
    /// One row per quote.
    Csv,
    /// A JSON array, one object per quote.
    Json,
    /// An Excel workbook, one row per quote (needs -o FILE).
    Xlsx,
}

/// How much of a segment a quote shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Trim {
    /// The sentences with the matched words.
    Sentence,
    /// The whole segment.
    Turn,
}

/// Every segment with the given code(s) (all of them; --any for at least one), with document,
/// speaker, timestamp, attributes and the matched words highlighted.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema quotes samples/ --code proactivity.initiative --where cohort=2024-wave1\n  thema quotes samples/ --code acceptance.privacy --code actor.municipality --context 1 --format md -o privacy.md"
)]
pub struct QuotesArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    source: SourceArgs,
    /// A code id (repeatable; a parent includes its children); `--codes PREFIX` does the
    /// same.
    #[arg(long, value_name = "CODE", required_unless_present = "prefixes")]
    code: Vec<String>,
    #[command(flatten)]
    selection: SelectionArgs,
    /// Segments with any of the codes instead of all of them.
    #[arg(long)]
    any: bool,
    /// How much of the segment to quote: the whole `turn` (the segment: a turn, or a
    /// paragraph of it), or only the `sentence`s with the matched words, `…` marking what
    /// is left out.
    #[arg(long, value_enum, default_value = "turn")]
    trim: Trim,
    /// Segments of context before and after each quote.
    #[arg(long, value_name = "N", default_value_t = 0)]
    context: usize,
    /// At most N quotes.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Attributes named after each quote (default: cohort, when documents have it).
    #[arg(long, value_name = "ATTR")]
    show: Vec<String>,
    /// Output format [default: the extension of -o FILE (.txt, .md, .csv, .json, .xlsx),
    /// else table].
    #[arg(long, value_enum)]
    format: Option<QuoteFormat>,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    csv: super::CsvArgs,
}

/// The formats of `thema quotes` and the file names that mean them.
const QUOTE_FORMATS: [Known<QuoteFormat>; 5] = [
    Known::new(QuoteFormat::Table, "table", &["txt", "text"]),
    Known::new(QuoteFormat::Md, "md", &["md", "markdown"]),
    Known::new(QuoteFormat::Csv, "csv", &["csv"]),
    Known::new(QuoteFormat::Json, "json", &["json"]),
    Known::new(QuoteFormat::Xlsx, "xlsx", &["xlsx"]),
];

pub fn run(args: QuotesArgs) -> Result<ExitCode> {
    let format = resolve(
        args.format,
        args.output.as_deref(),
        &QUOTE_FORMATS,
        QuoteFormat::Table,
    )?;
    let table_format = match format {
        QuoteFormat::Xlsx => TableFormat::Xlsx,
        _ => TableFormat::Csv,
    };
    let output = super::check_binary_output(table_format, args.output.as_deref(), args.force)?;
    let coded = args.source.read(&args.input)?;
    let query = QuoteQuery {
        codes: args
            .code
            .iter()
            .chain(&args.selection.prefixes)
            .cloned()
            .collect(),
        any: args.any,
        context: args.context,
        limit: if coded.both() { None } else { args.limit },
    };
    // The codes asked for are the query; `--level` names each quote's codes at that depth.
    let roll_up = crate::analysis::selection::CodeSelection {
        prefixes: Vec::new(),
        level: args.selection.selection(&coded.codebook)?.level,
    };
    let views = coded.views();
    let mut quotes = if coded.both() {
        let mut per_source = Vec::new();
        for (name, view) in &views {
            per_source.push((*name, find_quotes(view, &query)?));
        }
        let mut merged = merge_sources(&coded.corpus.documents, per_source);
        if let Some(limit) = args.limit {
            merged.truncate(limit);
        }
        merged
    } else {
        find_quotes(&views[0].1, &query)?
    };
    for quote in &mut quotes {
        if args.trim == Trim::Sentence {
            quote.trim_to_sentences();
        }
        let mut codes: Vec<String> = quote
            .codes
            .iter()
            .filter_map(|c| roll_up.roll_up(c))
            .collect();
        codes.dedup();
        quote.codes = codes;
    }
    let shown: Vec<String> = if args.show.is_empty() {
        let has_cohort = coded
            .corpus
            .documents
            .iter()
            .any(|d| d.attributes.contains_key("cohort"));
        if has_cohort {
            vec!["cohort".to_owned()]
        } else {
            Vec::new()
        }
    } else {
        args.show.clone()
    };
    let terminal = super::bold_allowed(output.as_ref());
    let bytes = match format {
        QuoteFormat::Table => render_blocks(&quotes, &shown, terminal).into_bytes(),
        QuoteFormat::Md => render_markdown(&quotes, &shown).into_bytes(),
        QuoteFormat::Csv => args.csv.csv(&quotes_table(&quotes)),
        QuoteFormat::Json => quotes_table(&quotes).render(TableFormat::Json).into_bytes(),
        QuoteFormat::Xlsx => crate::output::xlsx::workbook(&[("quotes", &quotes_table(&quotes))])?,
    };
    write_or_print(output.as_ref(), &bytes)?;
    if !args.input.quiet && format == QuoteFormat::Table {
        eprintln!("{} quotes", quotes.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn attribution(quote: &Quote<'_>, shown: &[String]) -> String {
    let mut parts = vec![quote.document.id.clone()];
    parts.extend(
        shown
            .iter()
            .filter_map(|a| quote.document.attributes.get(a).cloned()),
    );
    let mut text = parts.join(", ");
    if !quote.sources.is_empty() {
        text.push_str(&format!(" (coded by {})", quote.sources.join(", ")));
    }
    text
}

fn render_blocks(quotes: &[Quote<'_>], shown: &[String], bold: bool) -> String {
    let (open, close) = super::markers(bold, ("", ""));
    let mut out = String::new();
    for q in quotes {
        let s = q.segment;
        let time = super::time_suffix(s);
        let _ = writeln!(
            out,
            "── {} · segment {} · turn {} · {}{time} · {}",
            attribution(q, shown),
            s.index,
            s.turn,
            s.speaker,
            q.codes.join(", ")
        );
        for c in q.before {
            let _ = writeln!(out, "   {}: {}", c.speaker, c.text.replace('\n', "\n   "));
        }
        let _ = writeln!(
            out,
            " ▶ {}",
            mark(&q.text, &q.highlights, open, close).replace('\n', "\n   ")
        );
        for c in q.after {
            let _ = writeln!(out, "   {}: {}", c.speaker, c.text.replace('\n', "\n   "));
        }
        out.push('\n');
    }
    out
}

fn render_markdown(quotes: &[Quote<'_>], shown: &[String]) -> String {
    let mut out = String::new();
    for q in quotes {
        for c in q.before {
            let _ = writeln!(out, "*{}: {}*\n", c.speaker, c.text.replace('\n', " "));
        }
        let quoted = mark(&q.text, &q.highlights, "**", "**");
        for line in quoted.lines() {
            let _ = writeln!(out, "> {line}");
        }
        let _ = writeln!(out, ">\n> — {}\n", attribution(q, shown));
        for c in q.after {
            let _ = writeln!(out, "*{}: {}*\n", c.speaker, c.text.replace('\n', " "));
        }
    }
    out
}

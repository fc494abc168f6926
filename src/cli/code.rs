//! `thema code`: code transcripts and write the segments and codings tables.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::InputArgs;
use crate::Result;
use crate::analysis::{report, tables};
use crate::manifest::{MANIFEST_FILE, Manifest, codebook_line};
use crate::output::{OutputFile, TableFormat};

/// Code transcripts and write DIR/segments.csv, DIR/codings.csv and DIR/thema-run.json, the
/// run manifest: thema's version, the codebook (name, version, file or embedded, SHA-256),
/// the input files with their hashes, the options, the tables written and every document
/// coded (so `agree` and `evaluate` count documents in which the rules found nothing).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema code samples/\n  thema code interviews/ --codebook my-codes.toml --attributes cohorts.csv --out results --force"
)]
pub struct CodeArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output folder.
    #[arg(
        long = "output",
        short,
        visible_alias = "out",
        value_name = "DIR",
        default_value = "thema-out"
    )]
    out: PathBuf,
    /// Replace existing output files.
    #[arg(long)]
    force: bool,
    /// Write the tables as CSV, also as Parquet (segments.parquet, codings.parquet), or as
    /// a part of a Parquet dataset.
    #[arg(long, value_enum, default_value = "csv")]
    format: CodeFormat,
    /// With --format dataset: add this run as the next part of the dataset in DIR (coded
    /// with the same codebook; documents it already holds are refused).
    #[arg(long)]
    append: bool,
    #[command(flatten)]
    csv: super::CsvArgs,
    #[command(flatten)]
    llm: super::llm::LlmArgs,
}

/// The file formats `thema code` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CodeFormat {
    /// segments.csv and codings.csv.
    Csv,
    /// The CSV files plus segments.parquet and codings.parquet.
    Parquet,
    /// A dataset in parts: DIR/{documents,attributes,segments,codings}/part-NNNNN.parquet,
    /// DIR/runs/part-NNNNN.json and the index DIR/dataset.json; analyses read it with
    /// `--coded DIR`.
    Dataset,
}

/// Where `thema code` writes: the tables and manifest in the output folder, or the next
/// part of a dataset.
enum Planned {
    Files {
        segments: OutputFile,
        codings: OutputFile,
        manifest: OutputFile,
        parquet: Option<(OutputFile, OutputFile)>,
    },
    Dataset,
    /// The next part of a dataset, once the codebook is known.
    Part(crate::dataset::Plan),
}

pub fn run(args: CodeArgs) -> Result<ExitCode> {
    if args.append && args.format != CodeFormat::Dataset {
        return Err(crate::Error::Usage(
            "--append adds a part to a dataset: give --format dataset".into(),
        ));
    }
    let planned = if args.format == CodeFormat::Dataset {
        Planned::Dataset
    } else {
        Planned::Files {
            segments: OutputFile::check(&args.out.join("segments.csv"), args.force)?,
            codings: OutputFile::check(&args.out.join("codings.csv"), args.force)?,
            manifest: OutputFile::check(&args.out.join(MANIFEST_FILE), args.force)?,
            parquet: match args.format {
                CodeFormat::Parquet => Some((
                    OutputFile::check(&args.out.join("segments.parquet"), args.force)?,
                    OutputFile::check(&args.out.join("codings.parquet"), args.force)?,
                )),
                _ => None,
            },
        }
    };
    let llm_log = match &args.llm.llm_log {
        Some(path) => Some(OutputFile::check(path, args.force)?),
        None => None,
    };
    if let Planned::Files {
        segments,
        codings,
        manifest,
        parquet: None,
    } = &planned
        && args.input.coded.is_none()
    {
        let study = crate::study::Study::load(std::path::Path::new("."))?;
        if args.llm.settings(study.llm.as_ref(), &args.out)?.is_none() {
            return streamed(&args, &study, [segments, codings, manifest]);
        }
    }
    let (corpus, study) = args.input.read()?;
    let codebook = args.input.codebook(&study)?;
    let planned = match planned {
        Planned::Dataset => {
            let plan = crate::dataset::Plan::new(
                &args.out,
                crate::dataset::codebook_id(&codebook)?,
                args.append,
                args.force,
            )?;
            plan.refuse_held(&corpus.documents)?;
            Planned::Part(plan)
        }
        files => files,
    };
    let llm = args.llm.settings(study.llm.as_ref(), &args.out)?;
    let (codings, llm_run) = match &llm {
        Some(settings) => {
            let run = super::llm::code(&corpus, &codebook, settings, &args.input)?;
            let mut codings = run.codings.clone();
            if args.llm.llm_with_rules {
                for (mine, rules) in codings.iter_mut().zip(args.input.code(&corpus, &codebook)?) {
                    mine.extend(rules);
                    mine.sort();
                }
            }
            (codings, Some(run))
        }
        None => (args.input.code(&corpus, &codebook)?, None),
    };
    let coded = super::Coded {
        codebook,
        corpus,
        codings,
        study,
    };
    let documents = &coded.corpus.documents;
    let model = match &args.input.model {
        Some(path) => Some(crate::learn::Model::read(path, &coded.codebook)?),
        None => None,
    };
    let mut codings = crate::output::Table::new(codings_headers(model.as_ref()));
    for (d, (doc, doc_codings)) in documents.iter().zip(&coded.codings).enumerate() {
        codings
            .rows
            .extend(document_codings(d, doc, doc_codings, model.as_ref()).rows);
    }
    let manifest_of = |outputs: &[(&str, &[u8])], format: &str| -> Result<String> {
        let mut manifest = Manifest::collect(
            &coded.codebook,
            documents,
            &coded.codings.iter().map(Vec::len).collect::<Vec<_>>(),
            &args.input.extra_files(&coded.study),
            args.input.run_options(&coded.study, format),
            outputs,
            &coded.corpus.skipped,
        )?;
        if let (Some(settings), Some(run)) = (&llm, &llm_run) {
            manifest.llm = Some(super::llm::record(settings, run, args.llm.llm_with_rules));
        }
        Ok(manifest.to_json())
    };
    let wrote = match planned {
        Planned::Part(plan) => {
            let part = plan.part().to_owned();
            plan.write(documents, &codings, |written| {
                let outputs: Vec<(&str, &[u8])> = written
                    .iter()
                    .map(|(n, b)| (n.as_str(), b.as_slice()))
                    .collect();
                manifest_of(&outputs, "dataset")
            })?;
            format!(
                "wrote {part} of the dataset {} ({} documents); analyse it with --coded {}",
                args.out.display(),
                documents.len(),
                args.out.display()
            )
        }
        Planned::Files {
            segments,
            codings: codings_file,
            manifest,
            parquet,
        } => {
            // Written per document: a table of every segment's cells takes many times the text.
            let segments_csv = tables::segments_csv(documents, args.csv.excel_safe);
            let codings_csv = args.csv.csv(&codings);
            segments.write(&segments_csv)?;
            codings_file.write(&codings_csv)?;
            let mut written: Vec<(&str, Vec<u8>)> =
                vec![("segments.csv", segments_csv), ("codings.csv", codings_csv)];
            if let Some((segments_parquet, codings_parquet)) = &parquet {
                let (s, c) = (
                    tables::segments_table(documents).to_bytes(TableFormat::Parquet)?,
                    codings.to_bytes(TableFormat::Parquet)?,
                );
                segments_parquet.write(&s)?;
                codings_parquet.write(&c)?;
                written.extend([("segments.parquet", s), ("codings.parquet", c)]);
            }
            let format = if parquet.is_some() { "parquet" } else { "csv" };
            let outputs: Vec<(&str, &[u8])> =
                written.iter().map(|(n, b)| (*n, b.as_slice())).collect();
            manifest.write(manifest_of(&outputs, format)?.as_bytes())?;
            format!(
                "wrote {}, {} and {}",
                segments.path.display(),
                codings_file.path.display(),
                manifest.path.display()
            )
        }
        Planned::Dataset => {
            return Err(crate::Error::Usage(
                "internal: a dataset run without a plan".into(),
            ));
        }
    };
    if let (Some(file), Some(run)) = (&llm_log, &llm_run) {
        file.write(
            &args
                .csv
                .csv(&crate::llm::log_table(documents, &run.dropped)),
        )?;
    }
    if !args.input.quiet {
        let tallies: Vec<report::Tally> = documents
            .iter()
            .zip(&coded.codings)
            .map(|(doc, c)| report::Tally::of(doc, c))
            .collect();
        let records: Vec<_> = documents
            .iter()
            .zip(&coded.codings)
            .map(|(doc, c)| crate::manifest::DocumentRecord::of(doc, c.len()))
            .collect();
        let coded_segments: usize = coded.codings.iter().map(|c| coded_segment_count(c)).sum();
        print_summary(
            &coded.codebook,
            &tallies,
            &records,
            coded.corpus.skipped.len(),
            coded_segments,
        );
        println!("{}", codebook_line(&coded.codebook));
        if let (Some(settings), Some(run)) = (&llm, &llm_run) {
            println!("{}", super::llm::summary(settings, run));
        }
        println!("{wrote}");
    }
    if let Some(run) = &llm_run {
        let unanswered = super::llm::unanswered(run);
        if unanswered > 0 {
            eprintln!(
                "thema: error: {unanswered} turns got no answer from the model (see --llm-log): run again to ask for them; the answers so far are cached"
            );
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The columns of `codings.csv`: with `--model`, a `score` column at the end.
fn codings_headers(model: Option<&crate::learn::Model>) -> Vec<String> {
    let mut headers: Vec<String> = crate::columns::CODINGS.map(str::to_owned).to_vec();
    if model.is_some() {
        headers.push("score".into());
    }
    headers
}

/// The rows of `codings.csv` for `doc`, the `index`-th document; with `--model`, the
/// `score` column holds the model's probability on its own codings (rule `model`) and is
/// empty on the rules'.
fn document_codings(
    index: usize,
    doc: &crate::corpus::Document,
    codings: &Vec<crate::engine::Coding>,
    model: Option<&crate::learn::Model>,
) -> crate::output::Table {
    use crate::output::Value;
    let mut table = tables::codings_table(std::slice::from_ref(doc), std::slice::from_ref(codings));
    let Some(model) = model else {
        return table;
    };
    let rules: Vec<_> = codings
        .iter()
        .filter(|c| c.rule != crate::learn::MODEL_RULE)
        .cloned()
        .collect();
    let scores: std::collections::HashMap<(usize, String), f64> = model
        .scores(index, doc, &rules)
        .into_iter()
        .map(|s| ((s.first_segment, s.code), s.probability))
        .collect();
    table.headers.push("score".into());
    for (row, coding) in table.rows.iter_mut().zip(codings) {
        let score = (coding.rule == crate::learn::MODEL_RULE)
            .then(|| scores.get(&(coding.segment, coding.code.clone())).copied())
            .flatten();
        row.push(score.map_or(Value::Text(String::new()), |p| Value::Float(p, 3)));
    }
    table
}

/// What coding one document gives the streamed run: its rows of both tables, and what the
/// manifest and the summary keep of it.
struct CodedPiece {
    segment_rows: Vec<u8>,
    coding_rows: Vec<u8>,
    record: crate::manifest::DocumentRecord,
    tally: report::Tally,
    warnings: Vec<String>,
    coded_segments: usize,
}

/// `thema code` writing CSV: the documents are read, coded and written in parallel
/// batches, in input order, so memory depends on the batch, not on the corpus.
fn streamed(
    args: &CodeArgs,
    study: &crate::study::Study,
    [segments, codings, manifest]: [&OutputFile; 3],
) -> Result<ExitCode> {
    use std::collections::BTreeSet;
    let codebook = args.input.codebook(study)?;
    let coder = args.input.coder(&codebook)?;
    let filters = args.input.filters()?;
    let (mut census, options) = args.input.census(study, &filters, false)?;
    let attribute_names: BTreeSet<String> = census
        .entries()
        .flat_map(|e| e.attributes.keys().cloned())
        .collect();
    let attributes: BTreeSet<&str> = attribute_names.iter().map(String::as_str).collect();
    let excel_safe = args.csv.excel_safe;
    let mut segments_file = segments.stream()?;
    let mut codings_file = codings.stream()?;
    segments_file.write(&tables::segments_header(&attributes, excel_safe))?;
    codings_file.write(
        crate::output::Table::new(codings_headers(coder.model.as_ref()))
            .to_csv(excel_safe)
            .as_bytes(),
    )?;
    let (mut records, mut tallies, mut warnings) = (Vec::new(), Vec::new(), Vec::new());
    let mut coded_segments = 0;
    census.stream(
        &options,
        |d, doc| {
            let doc_codings = coder.code(d, &doc);
            let mut segment_rows = Vec::new();
            tables::write_segment_rows(&doc, &attributes, excel_safe, &mut segment_rows);
            Ok(CodedPiece {
                segment_rows,
                coding_rows: document_codings(d, &doc, &doc_codings, coder.model.as_ref())
                    .to_csv_rows(excel_safe)
                    .into_bytes(),
                record: crate::manifest::DocumentRecord::of(&doc, doc_codings.len()),
                tally: report::Tally::of(&doc, &doc_codings),
                warnings: super::document_warnings(&doc).collect(),
                coded_segments: coded_segment_count(&doc_codings),
            })
        },
        |piece| {
            segments_file.write(&piece.segment_rows)?;
            codings_file.write(&piece.coding_rows)?;
            coded_segments += piece.coded_segments;
            records.push(piece.record);
            tallies.push(piece.tally);
            warnings.extend(piece.warnings);
            Ok(())
        },
    )?;
    let written = [
        ("segments.csv", segments_file.finish()?),
        ("codings.csv", codings_file.finish()?),
    ];
    let provenance = crate::html::provenance::Provenance::with_inputs(
        &codebook,
        census.input_hashes(),
        &args.input.extra_files(study),
        &[],
        false,
    )?;
    let run = Manifest::assemble(
        &codebook,
        provenance,
        records,
        args.input.run_options(study, "csv"),
        written
            .iter()
            .map(|(name, w)| crate::html::provenance::FileHash {
                path: (*name).to_owned(),
                bytes: w.bytes,
                sha256: w.sha256.clone(),
            })
            .collect(),
        &census.corpus.skipped,
    );
    manifest.write(run.to_json().as_bytes())?;
    if !args.input.quiet {
        super::print_warnings(&census.corpus, &warnings, super::SHOWN_DOCUMENT_WARNINGS);
        print_summary(
            &codebook,
            &tallies,
            &run.documents,
            census.corpus.skipped.len(),
            coded_segments,
        );
        println!("{}", codebook_line(&codebook));
        println!(
            "wrote {}, {} and {}",
            segments.path.display(),
            codings.path.display(),
            manifest.path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The segments of one document that carry a coding.
fn coded_segment_count(codings: &[crate::engine::Coding]) -> usize {
    codings
        .iter()
        .map(|c| c.segment)
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

/// The summary a run prints: the frequency table, then the documents, segments and codings.
fn print_summary(
    codebook: &crate::codebook::Codebook,
    tallies: &[report::Tally],
    records: &[crate::manifest::DocumentRecord],
    skipped: usize,
    coded_segments: usize,
) {
    let table = report::tallied_frequencies(
        codebook,
        tallies,
        &Default::default(),
        "en",
        &Default::default(),
    );
    print!("{}", table.render(TableFormat::Table));
    println!(
        "{} documents ({skipped} skipped), {} segments ({} respondent, {coded_segments} of them coded), {} codings",
        records.len(),
        records.iter().map(|d| d.segments).sum::<usize>(),
        records.iter().map(|d| d.respondent_segments).sum::<usize>(),
        records.iter().map(|d| d.codings).sum::<usize>(),
    );
}

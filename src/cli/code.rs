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
    let mut codings = tables::codings_table(documents, &coded.codings);
    if let Some(path) = &args.input.model {
        add_scores(
            &mut codings,
            &coded,
            &crate::learn::Model::read(path, &coded.codebook)?,
        );
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
        let respondent: usize = documents
            .iter()
            .map(crate::analysis::CodedCorpus::respondent_segments)
            .sum();
        let coded_segments: usize = coded
            .codings
            .iter()
            .map(|c| {
                c.iter()
                    .map(|x| x.segment)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len()
            })
            .sum();
        let table = report::frequencies(&coded.view(), None, "en", &Default::default())?;
        print!("{}", table.render(TableFormat::Table));
        println!(
            "{} documents ({} skipped), {} segments ({} respondent, {} of them coded), {} codings",
            documents.len(),
            coded.corpus.skipped.len(),
            documents.iter().map(|d| d.segments.len()).sum::<usize>(),
            respondent,
            coded_segments,
            codings.rows.len()
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

/// With `--model`: a `score` column at the end of the codings table, the model's probability
/// on its own codings (rule `model`), empty on the rules'.
fn add_scores(table: &mut crate::output::Table, coded: &super::Coded, model: &crate::learn::Model) {
    use std::collections::HashMap;
    let mut scores: HashMap<(&str, usize, String), f64> = HashMap::new();
    for (d, (doc, codings)) in coded
        .corpus
        .documents
        .iter()
        .zip(&coded.codings)
        .enumerate()
    {
        let rules: Vec<_> = codings
            .iter()
            .filter(|c| c.rule != crate::learn::MODEL_RULE)
            .cloned()
            .collect();
        for s in model.scores(d, doc, &rules) {
            scores.insert((doc.id.as_str(), s.first_segment, s.code), s.probability);
        }
    }
    let col = |name: &str| table.headers.iter().position(|h| h == name);
    let (Some(doc_col), Some(seg_col), Some(code_col), Some(rule_col)) =
        (col("document"), col("segment"), col("code"), col("rule"))
    else {
        return;
    };
    table.headers.push("score".into());
    for row in &mut table.rows {
        let text = |v: &crate::output::Value| v.render();
        let score = (text(&row[rule_col]) == crate::learn::MODEL_RULE)
            .then(|| {
                let segment: usize = text(&row[seg_col]).parse().ok()?;
                scores
                    .get(&(text(&row[doc_col]).as_str(), segment, text(&row[code_col])))
                    .copied()
            })
            .flatten();
        row.push(
            score.map_or(crate::output::Value::Text(String::new()), |p| {
                crate::output::Value::Float(p, 3)
            }),
        );
    }
}

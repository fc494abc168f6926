//! The command line: one module per subcommand, each with its own usage text.

mod agree;
mod chart;
mod code;
mod codebook;
mod codebook_diff;
mod compare;
mod cooccur;
mod dictionary;
mod evaluate;
mod exchange;
mod formats;
mod ingest;
mod init;
mod learn;
mod llm;
mod matrix;
mod pseudonymise;
mod quotes;
mod report;
mod review;
mod sample;
mod search;
mod sources;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::codebook::Codebook;
use crate::corpus::Document;
use crate::engine::{Coding, Engine, EngineOptions};
use crate::ingest::{Corpus, IngestOptions, SpeakerRules};
use crate::output::OutputFile;
use crate::study::Study;
use crate::{Error, Result};

/// thema: code interview transcripts with a codebook and analyse the codings.
#[derive(Debug, Parser)]
#[command(name = "thema", version, about, long_about = None, after_help = "Start with:\n  thema report samples/ --by cohort\n  thema code samples/ --out thema-out")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Code transcripts and write segments.csv and codings.csv.
    Code(code::CodeArgs),
    /// Theme frequencies per code, overall and per attribute value.
    Report(report::ReportArgs),
    /// The segments behind one or more codes, with matched words and context.
    Quotes(quotes::QuotesArgs),
    /// Read transcripts and show what thema sees: formats, speakers, turns.
    Ingest(ingest::IngestArgs),
    /// Compare cohorts: per code counts, test of independence, effect sizes, q-values.
    Compare(compare::CompareArgs),
    /// Code × code co-occurrence counts, Jaccard index and c-coefficient.
    Cooccur(cooccur::CooccurArgs),
    /// Charts as SVG files: frequencies per code, co-occurrence heat map.
    #[command(subcommand)]
    Chart(chart::ChartCommand),
    /// One row per document with its attributes and one column per code.
    Matrix(matrix::MatrixArgs),
    /// Inter-coder agreement: kappa, Krippendorff's alpha, AC1, disagreements.
    Agree(agree::AgreeArgs),
    /// Score the auto-coder against human coding: precision, recall, F1, errors.
    Evaluate(evaluate::EvaluateArgs),
    /// Review codings one at a time: accept, reject, change or add codes, write memos.
    Review(review::ReviewArgs),
    /// Learn code suggestions from human codings, cross-validated by document.
    Learn(learn::LearnArgs),
    /// Keyword in context without a codebook: every hit of a pattern, counts per document.
    Search(search::SearchArgs),
    /// Draw a reproducible sample of documents for double coding.
    Sample(sample::SampleArgs),
    /// Check, show and test codebooks.
    #[command(subcommand)]
    Codebook(codebook::CodebookCommand),
    /// Write a commented thema.toml study file.
    Init(init::InitArgs),
    /// Export to REFI-QDA (.qdpx) for NVivo, ATLAS.ti, MAXQDA and QualCoder.
    #[command(subcommand)]
    Export(exchange::ExportCommand),
    /// Import a REFI-QDA project (.qdpx): texts, codings, attributes, codebook.
    #[command(subcommand)]
    Import(exchange::ImportCommand),
    /// Replace names and identifying numbers by pseudonyms, with a key that restores them.
    #[command(
        mut_arg("codebook", |a| a.hide(true)),
        mut_arg("attributes", |a| a.hide(true)),
        mut_arg("code_interviewer", |a| a.hide(true)),
        mut_arg("model", |a| a.hide(true)),
        mut_arg("model_only", |a| a.hide(true)),
        mut_arg("coded", |a| a.hide(true))
    )]
    Pseudonymise(pseudonymise::PseudonymiseArgs),
}

/// Runs the command line and returns the process exit code: 0 success, 1 a user error,
/// 2 a usage error.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Code(args) => code::run(args),
        Command::Report(args) => report::run(args),
        Command::Quotes(args) => quotes::run(args),
        Command::Ingest(args) => ingest::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Cooccur(args) => cooccur::run(args),
        Command::Chart(command) => chart::run(command),
        Command::Matrix(args) => matrix::run(args),
        Command::Agree(args) => agree::run(args),
        Command::Evaluate(args) => evaluate::run(args),
        Command::Review(args) => review::run(args),
        Command::Learn(args) => learn::run(args),
        Command::Search(args) => search::run(args),
        Command::Sample(args) => sample::run(args),
        Command::Codebook(command) => codebook::run(command),
        Command::Init(args) => init::run(args),
        Command::Export(command) => exchange::run_export(command),
        Command::Import(command) => exchange::run_import(command),
        Command::Pseudonymise(args) => pseudonymise::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("thema: error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Where the transcripts come from and how to read them; shared by every command that reads
/// transcripts.
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// Transcript files or folders (folders are read recursively); default: `inputs` of thema.toml.
    pub inputs: Vec<PathBuf>,
    /// Codebook TOML file; default: the embedded proactive-services codebook.
    #[arg(long, value_name = "FILE")]
    pub codebook: Option<PathBuf>,
    /// CSV with a `document` column and attribute columns [default: attributes.csv in an
    /// input folder].
    #[arg(long, value_name = "FILE.csv")]
    pub attributes: Option<PathBuf>,
    /// An extra interviewer label (repeatable).
    #[arg(long, value_name = "LABEL")]
    pub interviewer: Vec<String>,
    /// Only these labels start speaker turns (comma-separated).
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub speakers: Vec<String>,
    /// Only documents with this attribute value (repeatable, all must hold), e.g.
    /// `cohort=2024-wave1`.
    #[arg(long = "where", value_name = "ATTR=VALUE")]
    pub filters: Vec<String>,
    /// Report unreadable and missing files and go on.
    #[arg(long)]
    pub keep_going: bool,
    /// Follow symbolic links inside input folders (a link back to a folder above it is an
    /// error); without it each link is reported and passed over.
    #[arg(long)]
    pub follow: bool,
    /// Refuse a UTF-8 file with bytes that are not UTF-8 instead of reading each such byte
    /// as its Windows-1252 character with a warning.
    #[arg(long)]
    pub strict_encoding: bool,
    /// Read a coded dataset (`thema code --format dataset -o DIR`) instead of transcripts:
    /// its documents and codings, all parts as one, without coding again.
    #[arg(long, value_name = "DIR", conflicts_with = "inputs")]
    pub coded: Option<PathBuf>,
    /// Tables of turns (CSV, TSV, JSON Lines): the text column [default: text].
    #[arg(long, value_name = "NAME")]
    pub text_col: Option<String>,
    /// Tables of turns: the speaker column [default: speaker].
    #[arg(long, value_name = "NAME")]
    pub speaker_col: Option<String>,
    /// Tables of turns: the document column [default: document or interview].
    #[arg(long, value_name = "NAME")]
    pub document_col: Option<String>,
    /// Tables of turns: the time column [default: timestamp or start].
    #[arg(long, value_name = "NAME")]
    pub time_col: Option<String>,
    /// Also code interviewer turns.
    #[arg(long)]
    pub code_interviewer: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Add the codings of a model `thema learn` wrote (rule `model`) to the rules' codings.
    #[arg(long, value_name = "MODEL.json")]
    pub model: Option<PathBuf>,
    /// With --model: the model's codings only, not the rules'.
    #[arg(long, requires = "model")]
    pub model_only: bool,
}

/// `--codes PREFIX` and `--level N`, shared by the analyses.
#[derive(Debug, Args, Clone)]
pub struct SelectionArgs {
    /// Only codes at or below this id (repeatable), e.g. `proactivity`.
    #[arg(long = "codes", value_name = "PREFIX")]
    pub prefixes: Vec<String>,
    /// Roll codes up to their ancestors at this depth (1 = top-level codes).
    #[arg(long, value_name = "N")]
    pub level: Option<usize>,
}

impl SelectionArgs {
    /// The selection, checked against the codebook.
    pub fn selection(
        &self,
        codebook: &Codebook,
    ) -> Result<crate::analysis::selection::CodeSelection> {
        let selection = crate::analysis::selection::CodeSelection {
            prefixes: self.prefixes.clone(),
            level: self.level,
        };
        selection.validate(codebook)?;
        Ok(selection)
    }
}

/// `--excel-safe`, for every command that writes CSV.
#[derive(Debug, Args, Clone, Copy)]
pub struct CsvArgs {
    /// In CSV output, put an apostrophe before text that starts with =, +, -, @, a tab or a
    /// carriage return, so Excel and LibreOffice show it as text instead of running it as a
    /// formula (the CSV then no longer holds the exact transcript text; xlsx needs no such
    /// change).
    #[arg(long)]
    pub excel_safe: bool,
}

impl CsvArgs {
    /// `table` as CSV, excel-safe when asked.
    pub fn csv(self, table: &crate::output::Table) -> Vec<u8> {
        table.to_csv(self.excel_safe).into_bytes()
    }
}

/// `--format` and `-o FILE` of the table commands.
#[derive(Debug, Args, Clone)]
pub struct ExportArgs {
    /// Output format [default: the extension of -o FILE (.txt, .csv, .json, .md, .parquet,
    /// .xlsx), else table].
    #[arg(long, value_enum)]
    pub format: Option<crate::output::TableFormat>,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub csv: CsvArgs,
}

impl ExportArgs {
    /// The format (see [`formats::resolve`]) and the output file, checked before any work
    /// (Parquet and Excel, being binary, need one).
    pub fn check(&self) -> Result<(crate::output::TableFormat, Option<OutputFile>)> {
        let format = formats::resolve(
            self.format,
            self.output.as_deref(),
            &formats::TABLE_FORMATS,
            crate::output::TableFormat::Table,
        )?;
        Ok((
            format,
            check_binary_output(format, self.output.as_deref(), self.force)?,
        ))
    }

    /// Writes a table in `format` (from [`ExportArgs::check`]) to the output file, or prints
    /// it (an Excel workbook has one sheet named `sheet`).
    pub fn emit(
        &self,
        sheet: &str,
        table: &crate::output::Table,
        format: crate::output::TableFormat,
        output: Option<&OutputFile>,
    ) -> Result<()> {
        write_or_print(output, &self.bytes(sheet, table, format, output)?)
    }

    /// A table in `format` (from [`ExportArgs::check`]): a terminal table printed to
    /// standard output is fitted to the terminal (see [`crate::output::terminal_width`]);
    /// Excel gets one sheet named `sheet`; CSV is excel-safe with `--excel-safe`.
    pub fn bytes(
        &self,
        sheet: &str,
        table: &crate::output::Table,
        format: crate::output::TableFormat,
        output: Option<&OutputFile>,
    ) -> Result<Vec<u8>> {
        use crate::output::TableFormat;
        match format {
            TableFormat::Table if output.is_none() => Ok(table
                .render_fitted(crate::output::terminal_width())
                .into_bytes()),
            TableFormat::Xlsx => crate::output::xlsx::workbook(&[(sheet, table)]),
            TableFormat::Csv => Ok(self.csv.csv(table)),
            format => table.to_bytes(format),
        }
    }
}

/// The inputs read and coded, with the codebook used.
pub struct Coded {
    /// The codebook.
    pub codebook: Codebook,
    /// The documents and skipped files.
    pub corpus: Corpus,
    /// Codings per document.
    pub codings: Vec<Vec<Coding>>,
    /// The study file's settings.
    pub study: Study,
}

impl Coded {
    /// The view the analyses take.
    pub fn view(&self) -> crate::analysis::CodedCorpus<'_> {
        crate::analysis::CodedCorpus {
            codebook: &self.codebook,
            documents: &self.corpus.documents,
            codings: &self.codings,
        }
    }
}

impl InputArgs {
    /// Reads the inputs, with the study file filling what the flags leave open.
    pub fn read(&self) -> Result<(Corpus, Study)> {
        self.read_showing(Some(SHOWN_DOCUMENT_WARNINGS))
    }

    /// Reads the inputs and prints at most `shown` document warnings (all with `None`).
    pub fn read_showing(&self, shown: Option<usize>) -> Result<(Corpus, Study)> {
        let study = Study::load(Path::new("."))?;
        let filters = self.filters()?;
        if let Some(dir) = &self.coded {
            let read = crate::dataset::read(dir)?;
            let mut corpus = Corpus {
                documents: read.documents,
                coded: Some(read.coded),
                ..Corpus::default()
            };
            filter_corpus(&mut corpus, &filters)?;
            return Ok((corpus, study));
        }
        let (census, options) = self.census(&study, &filters, true)?;
        let corpus = census.collect(&options)?;
        if !self.quiet {
            let warnings: Vec<String> = corpus
                .documents
                .iter()
                .flat_map(document_warnings)
                .collect();
            print_warnings(&corpus, &warnings, shown.unwrap_or(usize::MAX));
        }
        Ok((corpus, study))
    }

    /// The census of the inputs (see [`crate::ingest::stream`]) and the options to read them
    /// with; it holds the documents when `hold` is set or the inputs are small.
    pub fn census(
        &self,
        study: &Study,
        filters: &[(String, String)],
        hold: bool,
    ) -> Result<(crate::ingest::stream::Census, IngestOptions)> {
        let inputs = self.inputs(study);
        if inputs.is_empty() {
            return Err(Error::Usage(
                "no inputs: give transcript files or folders, or set `inputs` in thema.toml".into(),
            ));
        }
        let speakers = self.speakers(study);
        let options = IngestOptions {
            speakers: SpeakerRules {
                declared: (!speakers.is_empty()).then_some(speakers),
                interviewers: self.interviewers(study),
            },
            attributes: self.attribute_files(study),
            keep_going: self.keep_going,
            follow: self.follow,
            strict_encoding: self.strict_encoding,
            columns: crate::ingest::TableColumns {
                text: self.text_col.clone(),
                speaker: self.speaker_col.clone(),
                document: self.document_col.clone(),
                time: self.time_col.clone(),
            },
        };
        let (files, missing) = crate::ingest::discover(&inputs, self.keep_going, self.follow)?;
        let total: u64 = files.iter().map(|f| f.size).sum();
        let progress = Progress::new(self.quiet, "reading", total, files.len());
        let mut census = crate::ingest::stream::census(
            &files,
            &inputs,
            &options,
            filters,
            hold || total <= HELD_BATCHES * crate::ingest::stream::batch_bytes(),
            &|bytes| progress.advance(bytes),
        )?;
        progress.finish();
        census.corpus.skipped.splice(0..0, missing);
        Ok((census, options))
    }

    /// The `--where` filters.
    pub fn filters(&self) -> Result<Vec<(String, String)>> {
        self.filters
            .iter()
            .map(|f| crate::analysis::parse_filter(f))
            .collect()
    }

    /// The transcript files and folders: the arguments, else the study file's `inputs`.
    pub fn inputs(&self, study: &Study) -> Vec<PathBuf> {
        if self.inputs.is_empty() {
            study.inputs.clone()
        } else {
            self.inputs.clone()
        }
    }

    /// The declared speaker labels: `--speakers`, else the study file's (empty: none).
    pub fn speakers(&self, study: &Study) -> Vec<String> {
        if self.speakers.is_empty() {
            study.speakers.clone()
        } else {
            self.speakers.clone()
        }
    }

    /// The interviewer labels on top of the defaults: the study file's and `--interviewer`.
    pub fn interviewers(&self, study: &Study) -> Vec<String> {
        study
            .interviewer
            .iter()
            .chain(&self.interviewer)
            .cloned()
            .collect()
    }

    /// The options of a run as the manifest records them (`format`: what was written).
    pub fn run_options(&self, study: &Study, format: &str) -> crate::manifest::RunOptions {
        crate::manifest::RunOptions {
            attributes: self
                .attribute_files(study)
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            interviewer: self.interviewers(study),
            speakers: self.speakers(study),
            code_interviewer: self.code_interviewer,
            keep_going: self.keep_going,
            text_col: self.text_col.clone(),
            speaker_col: self.speaker_col.clone(),
            document_col: self.document_col.clone(),
            time_col: self.time_col.clone(),
            format: format.to_owned(),
        }
    }

    /// The files read besides the transcripts: attribute tables and the study file.
    pub fn extra_files(&self, study: &Study) -> Vec<PathBuf> {
        let mut extra = self.attribute_files(study);
        let study_file = PathBuf::from(crate::study::STUDY_FILE);
        if study_file.exists() {
            extra.push(study_file);
        }
        extra
    }

    /// The attribute tables read: `--attributes`, else the study file's, else the
    /// `attributes.csv` files standing in input folders.
    pub fn attribute_files(&self, study: &Study) -> Vec<PathBuf> {
        match self.attributes.clone().or_else(|| study.attributes.clone()) {
            Some(path) => vec![path],
            None => crate::ingest::folder_attributes(&self.inputs(study)),
        }
    }

    /// The codebook: `--codebook`, else the study file's, else the embedded default.
    pub fn codebook(&self, study: &Study) -> Result<Codebook> {
        crate::codebook::embedded::load(self.codebook.as_deref().or(study.codebook.as_deref()))
    }

    /// Reads and codes the inputs.
    pub fn read_and_code(&self) -> Result<Coded> {
        let (corpus, study) = self.read()?;
        let codebook = self.codebook(&study)?;
        let codings = self.code(&corpus, &codebook)?;
        Ok(Coded {
            codebook,
            corpus,
            codings,
            study,
        })
    }

    /// Reads and codes the inputs a batch at a time for an analysis that only counts: each
    /// document is kept as its skeleton ([`Document::skeleton`]) with one coding
    /// per segment and code, without the rule and the words matched. A coded dataset
    /// (`--coded`) is read as [`InputArgs::read_and_code`] reads it.
    pub fn read_and_code_counting(&self) -> Result<Coded> {
        if self.coded.is_some() {
            return self.read_and_code();
        }
        let reduced = self.code_reduced(|doc, mut coded| {
            coded.sort_by(|a, b| (a.segment, &a.code).cmp(&(b.segment, &b.code)));
            coded.dedup_by(|a, b| a.segment == b.segment && a.code == b.code);
            for c in &mut coded {
                c.rule = String::new();
                c.matched = String::new();
            }
            coded.shrink_to_fit();
            (doc.skeleton(), coded)
        })?;
        let (documents, codings) = reduced.items.into_iter().unzip();
        let mut corpus = reduced.corpus;
        corpus.documents = documents;
        Ok(Coded {
            codebook: reduced.codebook,
            corpus,
            codings,
            study: reduced.study,
        })
    }

    /// Reads and codes the inputs a batch at a time, keeping of each document what `reduce`
    /// makes of it and its codings (not a coded dataset: see [`InputArgs::coded`]).
    pub fn code_reduced<T: Send>(
        &self,
        reduce: impl Fn(Document, Vec<Coding>) -> T + Sync,
    ) -> Result<Reduced<T>> {
        let study = Study::load(Path::new("."))?;
        let codebook = self.codebook(&study)?;
        let coder = self.coder(&codebook)?;
        let (mut census, options) = self.census(&study, &self.filters()?, false)?;
        let (mut items, mut warnings) = (Vec::new(), Vec::new());
        let total: u64 = census.input_hashes().iter().map(|h| h.bytes).sum();
        let progress = Progress::new(self.quiet, "coding", total, census.entries().count());
        census.stream(
            &options,
            |d, doc| {
                let coded = coder.code(d, &doc);
                progress.advance(doc.text.len() as u64);
                let shown: Vec<String> = document_warnings(&doc).collect();
                Ok((reduce(doc, coded), shown))
            },
            |(item, shown)| {
                items.push(item);
                warnings.extend(shown);
                Ok(())
            },
        )?;
        progress.finish();
        if !self.quiet {
            print_warnings(&census.corpus, &warnings, SHOWN_DOCUMENT_WARNINGS);
        }
        let entries = census.entries().cloned().collect();
        drop(coder);
        Ok(Reduced {
            codebook,
            study,
            entries,
            items,
            corpus: census.corpus,
        })
    }

    /// Codes the documents of `corpus` with `codebook`, showing progress on long runs, and
    /// adds the codings of `--model` (or, with `--model-only`, has only those).
    pub fn code(&self, corpus: &Corpus, codebook: &Codebook) -> Result<Vec<Vec<Coding>>> {
        self.code_corpus(corpus, codebook, &self.coder(codebook)?)
    }

    /// Codes the documents of `corpus` with the rules of `codebook` only; a coded dataset's
    /// documents keep the codings they came with.
    pub fn code_with_rules(
        &self,
        corpus: &Corpus,
        codebook: &Codebook,
    ) -> Result<Vec<Vec<Coding>>> {
        self.code_corpus(corpus, codebook, &Coder::rules(self, codebook))
    }

    fn code_corpus(
        &self,
        corpus: &Corpus,
        codebook: &Codebook,
        coder: &Coder<'_>,
    ) -> Result<Vec<Vec<Coding>>> {
        if let Some(coded) = &corpus.coded {
            let mut codings = coded.codings_of(&corpus.documents, codebook)?;
            for (d, (doc, codings)) in corpus.documents.iter().zip(&mut codings).enumerate() {
                coder.add_model(d, doc, codings);
            }
            return Ok(codings);
        }
        let total: u64 = corpus.documents.iter().map(|d| d.text.len() as u64).sum();
        let progress = Progress::new(self.quiet, "coding", total, corpus.documents.len());
        let codings = corpus
            .documents
            .par_iter()
            .enumerate()
            .map(|(d, doc)| {
                let codings = coder.code(d, doc);
                progress.advance(doc.text.len() as u64);
                codings
            })
            .collect();
        progress.finish();
        Ok(codings)
    }

    /// The coder of these options: the rules of `codebook` and `--model`.
    pub fn coder<'a>(&self, codebook: &'a Codebook) -> Result<Coder<'a>> {
        let mut coder = Coder::rules(self, codebook);
        if let Some(path) = &self.model {
            coder.model = Some(crate::learn::Model::read(path, codebook)?);
            coder.model_only = self.model_only;
        }
        Ok(coder)
    }
}

/// The inputs coded a batch at a time and reduced per document
/// ([`InputArgs::code_reduced`]).
pub struct Reduced<T> {
    /// The codebook.
    pub codebook: Codebook,
    /// The study file's settings.
    pub study: Study,
    /// The documents coded, in corpus order.
    pub entries: Vec<crate::ingest::stream::Entry>,
    /// What was kept of each document, parallel to `entries`.
    pub items: Vec<T>,
    /// The corpus's notes, warnings and skipped files (no documents).
    pub corpus: Corpus,
}

/// Codes one document at a time: the codebook's rules, then the codings of `--model`.
pub struct Coder<'a> {
    engine: Engine<'a>,
    /// The model of `--model`.
    pub model: Option<crate::learn::Model>,
    model_only: bool,
}

impl<'a> Coder<'a> {
    fn rules(args: &InputArgs, codebook: &'a Codebook) -> Coder<'a> {
        Coder {
            engine: Engine::new(
                codebook,
                EngineOptions {
                    code_interviewer: args.code_interviewer,
                },
            ),
            model: None,
            model_only: false,
        }
    }

    /// The codings of `doc`, the `index`-th document, sorted.
    pub fn code(&self, index: usize, doc: &Document) -> Vec<Coding> {
        let mut codings = self.engine.code_document(doc);
        self.add_model(index, doc, &mut codings);
        codings
    }

    /// Adds the model's codings to the rule codings of `doc` (with `--model-only`, they
    /// replace them).
    fn add_model(&self, index: usize, doc: &Document, codings: &mut Vec<Coding>) {
        let Some(model) = &self.model else {
            return;
        };
        let learned = model.code(index, doc, codings);
        if self.model_only {
            *codings = learned;
        } else {
            codings.extend(learned);
            codings.sort();
        }
    }
}

/// Keeps the documents `--where` selects, noting the ids of the others.
fn filter_corpus(corpus: &mut Corpus, filters: &[(String, String)]) -> Result<()> {
    if filters.is_empty() {
        return Ok(());
    }
    let all: std::collections::BTreeSet<String> =
        corpus.documents.iter().map(|d| d.id.clone()).collect();
    corpus.documents =
        crate::analysis::filter_documents(std::mem::take(&mut corpus.documents), filters)?;
    corpus.left_out = all;
    for doc in &corpus.documents {
        corpus.left_out.remove(&doc.id);
    }
    Ok(())
}

/// Reads codings files against the corpus, passing over the rows of documents `--where`
/// left out.
pub fn read_codings_files(
    paths: &[PathBuf],
    corpus: &Corpus,
    codebook: &Codebook,
    overlap: crate::ingest::human::Overlap,
) -> Result<crate::ingest::human::CodingsFile> {
    crate::ingest::human::read_all_codings(
        paths,
        &corpus.documents,
        &corpus.left_out,
        codebook,
        overlap,
    )
}

/// Checks the `-o FILE` of a table format: binary formats (Parquet, Excel) need one.
pub fn check_binary_output(
    format: crate::output::TableFormat,
    path: Option<&Path>,
    force: bool,
) -> Result<Option<OutputFile>> {
    if format.is_binary() && path.is_none() {
        return Err(Error::Usage(format!(
            "{} is a binary format: give an output file with -o FILE",
            match format {
                crate::output::TableFormat::Xlsx => "Excel",
                _ => "Parquet",
            }
        )));
    }
    check_output(path, force)
}

/// Checks an `-o FILE` before any work is done.
pub fn check_output(path: Option<&Path>, force: bool) -> Result<Option<OutputFile>> {
    path.map(|p| OutputFile::check(p, force)).transpose()
}

/// Writes to the output file when there is one, else to standard output.
pub fn write_or_print(output: Option<&OutputFile>, bytes: &[u8]) -> Result<()> {
    match output {
        Some(file) => file.write(bytes),
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(bytes)
                .and_then(|()| stdout.flush())
                .map_err(|e| Error::Output {
                    path: PathBuf::from("standard output"),
                    message: e.to_string(),
                })
        }
    }
}

/// Says what was written: on standard output when the result went to a file, else on
/// standard error (standard output holds the result).
pub fn say_done(message: &str, to_file: bool) {
    if to_file {
        println!("{message}");
    } else {
        eprintln!("thema: {message}");
    }
}

/// Whether text printed to standard output may be bold: no output file, a terminal, and
/// no `NO_COLOR`.
pub fn bold_allowed(output: Option<&OutputFile>) -> bool {
    output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// The markers around marked words: bold on and off when `bold`, else `plain`.
pub fn markers(bold: bool, plain: (&'static str, &'static str)) -> (&'static str, &'static str) {
    if bold { ("\x1b[1m", "\x1b[0m") } else { plain }
}

/// ` [time]` for a segment with a timestamp, else nothing.
pub fn time_suffix(segment: &crate::corpus::Segment) -> String {
    segment
        .timestamp
        .as_deref()
        .map(|t| format!(" [{t}]"))
        .unwrap_or_default()
}

/// A terminal table for standard output, fitted to the terminal.
pub fn fitted(table: &crate::output::Table) -> String {
    table.render_fitted(crate::output::terminal_width())
}

/// Prints notes about the inputs on standard error (none with `--quiet`).
pub fn print_notes(quiet: bool, notes: &[String]) {
    if !quiet {
        for note in notes {
            eprintln!("thema: note: {note}");
        }
    }
}

/// Inputs up to this many batches are held in memory from their first read instead of
/// being read twice (see [`crate::ingest::stream`]).
const HELD_BATCHES: u64 = 8;

/// Document warnings printed by the analysis commands; `thema ingest` prints them all.
pub(crate) const SHOWN_DOCUMENT_WARNINGS: usize = 20;

/// The warnings of `doc` as printed: `PATH: warning`.
pub fn document_warnings(doc: &Document) -> impl Iterator<Item = String> + '_ {
    doc.warnings
        .iter()
        .map(move |w| format!("{}: {w}", doc.path.display()))
}

/// Prints the document warnings (at most `shown`), then the corpus's warnings, notes and
/// skipped files.
pub fn print_warnings(corpus: &Corpus, document_warnings: &[String], shown: usize) {
    for w in document_warnings.iter().take(shown) {
        eprintln!("thema: warning: {w}");
    }
    if document_warnings.len() > shown {
        eprintln!(
            "thema: warning: … and {} more document warnings (`thema ingest` prints them all)",
            document_warnings.len() - shown
        );
    }
    for w in &corpus.warnings {
        eprintln!("thema: warning: {w}");
    }
    for note in &corpus.notes {
        eprintln!("thema: note: {note}");
    }
    for s in &corpus.skipped {
        eprintln!("thema: skipped: {s}");
    }
}

/// A progress bar on stderr that appears only when a run takes over a second and stderr is
/// a terminal.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    visible: AtomicBool,
    enabled: bool,
    files_done: AtomicUsize,
    files: usize,
}

impl Progress {
    fn new(quiet: bool, what: &str, total_bytes: u64, files: usize) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template(
            "{prefix} {bar:30} {msg} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_prefix(what.to_owned());
        Progress {
            bar,
            started: Instant::now(),
            visible: AtomicBool::new(false),
            enabled: !quiet && std::io::stderr().is_terminal(),
            files_done: AtomicUsize::new(0),
            files,
        }
    }

    fn advance(&self, bytes: u64) {
        let done = self.files_done.fetch_add(1, Ordering::Relaxed) + 1;
        self.bar.set_message(format!("{done}/{} files", self.files));
        self.bar.inc(bytes);
        if self.enabled
            && self.started.elapsed() > Duration::from_secs(1)
            && !self.visible.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

//! `thema learn`: code suggestions trained on human codings, cross-validated by document.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::InputArgs;
use crate::ingest::human::Overlap;
use crate::learn::{Model, TrainingSet, cross_validate, cv_table};
use crate::output::{OutputFile, TableFormat};
use crate::{Error, Result};

/// Learn the codes of human codings: per code a logistic regression on the respondent turns
/// (their lemmas and lemma bigrams, the interviewer's question, the codebook's rule hits),
/// with class weights for rare codes. Prints the K-fold cross-validation by document (per code
/// positives, the threshold chosen on the out-of-fold scores, precision, recall, F1) and
/// writes the model as JSON; `thema code --model MODEL` (and every analysis) then adds its
/// codings to the rules'. With several coders, a turn has a code when more than half of the
/// coders of its document gave it. --explain prints the features that weigh most.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema learn interviews/ --codings anna.csv -o model.json\n  thema learn interviews/ --codings anna.csv --codings bram.csv --cv 10 -o model.json\n  thema code interviews/ --model model.json\n  thema learn --explain model.json --code acceptance"
)]
pub struct LearnArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Human codings to learn from (repeatable; the files `agree` reads).
    #[arg(long, value_name = "FILE")]
    codings: Vec<PathBuf>,
    /// How a `start,end` span selects segments.
    #[arg(long, value_enum, default_value = "any")]
    overlap: Overlap,
    /// Folds of the cross-validation by document.
    #[arg(long, value_name = "K", default_value_t = 5)]
    cv: usize,
    /// Seed of the assignment of documents to folds.
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u64,
    /// The model file to write.
    #[arg(long, short, value_name = "MODEL.json")]
    output: Option<PathBuf>,
    /// Replace an existing model file.
    #[arg(long)]
    force: bool,
    /// Print the strongest features of this model instead of learning.
    #[arg(long, value_name = "MODEL.json", conflicts_with_all = ["codings", "output"])]
    explain: Option<PathBuf>,
    /// With --explain: only codes at or below this id.
    #[arg(long, value_name = "CODE", requires = "explain")]
    code: Option<String>,
    /// With --explain: features shown per code.
    #[arg(long, value_name = "N", default_value_t = 10)]
    top: usize,
}

pub fn run(args: LearnArgs) -> Result<ExitCode> {
    if let Some(path) = &args.explain {
        let codebook = args
            .input
            .codebook(&crate::study::Study::load(Path::new("."))?)?;
        if let Some(code) = &args.code {
            crate::analysis::selection::require_code(&codebook, code)?;
        }
        let model = Model::read(path, &codebook)?;
        print!(
            "{}",
            model
                .explain(args.code.as_deref(), args.top)
                .render(TableFormat::Table)
        );
        return Ok(ExitCode::SUCCESS);
    }
    if args.input.model.is_some() {
        return Err(Error::Usage(
            "thema learn trains a model: --model belongs to the commands that use one".into(),
        ));
    }
    if args.codings.is_empty() {
        return Err(Error::Usage(
            "give the human codings to learn from with --codings FILE".into(),
        ));
    }
    if args.cv < 2 {
        return Err(Error::Usage("--cv needs at least 2 folds".into()));
    }
    let Some(output) = &args.output else {
        return Err(Error::Usage(
            "give the model file to write with -o MODEL.json".into(),
        ));
    };
    let model_file = OutputFile::check(output, args.force)?;
    let (corpus, study) = args.input.read()?;
    let codebook = args.input.codebook(&study)?;
    let rules = args.input.code_with_rules(&corpus, &codebook)?;
    let read = super::read_codings_files(&args.codings, &corpus, &codebook, args.overlap)?;
    super::print_notes(args.input.quiet, &read.notes);
    let set = TrainingSet::new(&corpus.documents, &rules, &read.codings, &codebook);
    if set.units.is_empty() {
        return Err(Error::Usage(
            "the codings cover no respondent turn of the inputs: nothing to learn from".into(),
        ));
    }
    if set.labels.is_empty() {
        return Err(Error::Usage(
            "the codings give no code on a respondent turn: a model needs positive examples".into(),
        ));
    }
    let scores = cross_validate(&set, args.cv, args.seed)?;
    let model = Model::train(&set, &scores, &codebook, &corpus.documents)?;
    model_file.write(model.to_json().as_bytes())?;
    if !args.input.quiet {
        let learned = scores.iter().filter(|s| s.threshold.is_some()).count();
        let few = scores
            .iter()
            .filter(|s| s.positives < crate::learn::MIN_POSITIVES)
            .count();
        print!("{}", cv_table(&scores).render(TableFormat::Table));
        println!(
            "{}-fold cross-validation by document on {} documents, {} respondent turns; the model adds {} of {} codes ({} with fewer than {} positive turns); wrote {}",
            args.cv.min(model.documents.len()),
            model.documents.len(),
            model.units,
            learned,
            scores.len(),
            few,
            crate::learn::MIN_POSITIVES,
            model_file.path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

//! `thema sample`: documents for double coding, with blank coding sheets.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::InputArgs;
use crate::Result;
use crate::analysis::sample::{coding_sheet, sample_documents, sample_list};
use crate::output::{OutputFile, TableFormat};

/// A reproducible, optionally stratified sample of documents for double coding, written as a
/// list (sample.csv) and a blank coding sheet (coding-sheet.csv: one row per respondent
/// segment with document, turn, paragraph, speaker, text and empty code and coder columns,
/// which `thema agree --codings` reads back).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema sample samples/ --fraction 0.2 --seed 42\n  thema sample interviews/ --fraction 0.25 --seed 7 --by cohort -o double-coding"
)]
pub struct SampleArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Share of the documents to draw (per stratum; at least one each).
    #[arg(long, value_name = "F", required_unless_present = "uncertain")]
    fraction: Option<f64>,
    /// Random seed: the same seed and inputs give the same sample.
    #[arg(long, value_name = "S", required_unless_present = "uncertain")]
    seed: Option<u64>,
    /// Instead of documents: the N respondent turns where the --model is least certain
    /// (probability nearest its threshold), spread over documents, as a coding sheet.
    #[arg(long, value_name = "N", requires = "model", conflicts_with_all = ["fraction", "seed", "by"])]
    uncertain: Option<usize>,
    /// Stratify by this document attribute.
    #[arg(long, value_name = "ATTR")]
    by: Option<String>,
    /// Output folder.
    #[arg(
        long = "output",
        short,
        visible_alias = "out",
        value_name = "DIR",
        default_value = "thema-sample"
    )]
    out: PathBuf,
    /// Replace existing files.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    csv: super::CsvArgs,
}

pub fn run(args: SampleArgs) -> Result<ExitCode> {
    if let Some(n) = args.uncertain {
        return uncertain(&args, n);
    }
    let list_file = OutputFile::check(&args.out.join("sample.csv"), args.force)?;
    let sheet_file = OutputFile::check(&args.out.join("coding-sheet.csv"), args.force)?;
    let (corpus, _) = args.input.read()?;
    let documents = &corpus.documents;
    if let Some(by) = &args.by {
        crate::analysis::require_attribute(documents, by)?;
    }
    let (Some(fraction), Some(seed)) = (args.fraction, args.seed) else {
        return Err(crate::Error::Usage(
            "give --fraction F and --seed S (or --uncertain N with --model)".into(),
        ));
    };
    let sample = sample_documents(documents, fraction, seed, args.by.as_deref())?;
    let list = sample_list(documents, &sample);
    list_file.write(&args.csv.csv(&list))?;
    let sheet = coding_sheet(documents, &sample);
    sheet_file.write(&args.csv.csv(&sheet))?;
    if !args.input.quiet {
        print!("{}", list.render(TableFormat::Table));
        println!(
            "{} of {} documents; wrote {} and {} ({} segments to code)",
            sample.len(),
            documents.len(),
            list_file.path.display(),
            sheet_file.path.display(),
            sheet.rows.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `--uncertain N`: the turns where the model is least certain, outside the documents it
/// learned from, as a coding sheet, and the list of them with the code, probability and threshold that made each uncertain.
fn uncertain(args: &SampleArgs, n: usize) -> Result<ExitCode> {
    let list_file = OutputFile::check(&args.out.join("uncertain.csv"), args.force)?;
    let sheet_file = OutputFile::check(&args.out.join("coding-sheet.csv"), args.force)?;
    let model_path = args.input.model.as_deref().expect("clap requires --model");
    let (corpus, study) = args.input.read()?;
    let codebook = args.input.codebook(&study)?;
    let model = crate::learn::Model::read(model_path, &codebook)?;
    let rules = args.input.code_with_rules(&corpus, &codebook)?;
    let documents = &corpus.documents;
    // Documents the model learned from are coded already.
    let trained: std::collections::BTreeSet<&str> =
        model.documents.iter().map(|d| d.id.as_str()).collect();
    let picked = crate::learn::least_certain(
        documents
            .iter()
            .zip(&rules)
            .enumerate()
            .filter(|(_, (doc, _))| !trained.contains(doc.id.as_str()))
            .map(|(d, (doc, r))| (d, model.scores(d, doc, r))),
        n,
    );
    let mut list =
        crate::output::Table::new(["document", "turn", "code", "probability", "threshold"]);
    let mut sheet = crate::output::Table::new(crate::columns::CODING_SHEET);
    for (d, score) in &picked {
        let doc = &documents[*d];
        list.rows.push(vec![
            doc.id.clone().into(),
            score.turn.into(),
            score.code.clone().into(),
            crate::output::Value::Float(score.probability, 3),
            crate::output::Value::Float(score.threshold, 2),
        ]);
        for s in doc.segments.iter().filter(|s| s.turn == score.turn) {
            sheet.rows.push(vec![
                doc.id.clone().into(),
                s.turn.into(),
                s.paragraph.into(),
                s.speaker.clone().into(),
                s.text.clone().into(),
                crate::output::Value::Text(String::new()),
                crate::output::Value::Text(String::new()),
            ]);
        }
    }
    list_file.write(&args.csv.csv(&list))?;
    sheet_file.write(&args.csv.csv(&sheet))?;
    if !args.input.quiet {
        print!("{}", list.render(TableFormat::Table));
        println!(
            "{} turns where the model is least certain, from {} documents; wrote {} and {} ({} segments to code)",
            picked.len(),
            picked
                .iter()
                .map(|(d, _)| d)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            list_file.path.display(),
            sheet_file.path.display(),
            sheet.rows.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

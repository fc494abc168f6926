//! `thema review`: go through codings one at a time and accept, reject, change or add codes.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::InputArgs;
use crate::ingest::human::{AUTO_CODER, Overlap, read_codings};
use crate::review::file::{self, Saver};
use crate::review::state::Review;
use crate::review::{items_from_codings, items_from_engine, script, tui};
use crate::{Error, Result};

/// Review codings one at a time in the terminal: each coded segment with the interviewer's
/// question, the matched words highlighted and the rule that fired. Accept or reject the
/// code, change it, add codes, write memos. Every decision is saved to the -o file at once
/// (a codings CSV with the reviewer as coder and a `decision` column); running again with
/// the same -o resumes where you stopped. `thema agree`, `evaluate --gold` and the analyses
/// read the file as the reviewer's coding; `thema evaluate --review` scores the coder's
/// precision from it.
#[derive(Debug, Args)]
#[command(
    after_help = "Keys: y accept · n reject · c change · a add · m memo · ← back · → next · d next document · ? help · q quit\n\nExamples:\n  thema review samples/ --code acceptance -o reviewed.csv\n  thema review samples/ --codings thema-out/codings.csv --coder anna -o reviewed.csv\n  thema review samples/ --no-tui -o reviewed.csv\n  thema review samples/ --no-tui -o reviewed.csv --decisions decisions.txt\n  thema evaluate samples/ --review reviewed.csv"
)]
pub struct ReviewArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Only codings of this code (repeatable; a parent includes its children).
    #[arg(long, value_name = "CODE")]
    code: Vec<String>,
    /// Review the codings in this file (an earlier codings.csv, or a coder's) instead of
    /// coding the inputs now.
    #[arg(long, value_name = "FILE")]
    codings: Option<PathBuf>,
    /// The review file, saved after every decision; an existing one is resumed.
    #[arg(long, short, value_name = "REVIEWED.csv")]
    output: PathBuf,
    /// The reviewer, written as the coder [default: $USER].
    #[arg(long, value_name = "NAME")]
    coder: Option<String>,
    /// No screen: print the codings as a numbered list, or apply --decisions.
    #[arg(long)]
    no_tui: bool,
    /// With --no-tui: decisions by list number, one a line: `N accept`, `N reject`,
    /// `N add CODE`, `N change CODE`, `N memo TEXT`.
    #[arg(long, value_name = "FILE", requires = "no_tui")]
    decisions: Option<PathBuf>,
    /// Start over: replace an existing -o file instead of resuming it.
    #[arg(long)]
    force: bool,
}

pub fn run(args: ReviewArgs) -> Result<ExitCode> {
    let coder = reviewer(args.coder.as_deref())?;
    let earlier = if args.output.exists() && !args.force {
        Some(file::read(&args.output).map_err(|e| {
            Error::Usage(format!(
                "{e}\n(-o resumes a review file; pass --force to replace the file or choose another -o)"
            ))
        })?)
    } else {
        None
    };
    let terminal = std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    if !args.no_tui && !terminal {
        return Err(Error::Usage(
            "thema review needs a terminal; for scripts use --no-tui (with --decisions FILE)"
                .into(),
        ));
    }
    let (corpus, codebook, auto) = match &args.codings {
        Some(_) => {
            let (corpus, study) = args.input.read()?;
            let codebook = args.input.codebook(&study)?;
            (corpus, codebook, None)
        }
        None => {
            let coded = args.input.read_and_code()?;
            (coded.corpus, coded.codebook, Some(coded.codings))
        }
    };
    for code in &args.code {
        crate::analysis::selection::require_code(&codebook, code)?;
    }
    let documents = &corpus.documents;
    let items = match (&args.codings, &auto) {
        (Some(path), _) => items_from_codings(
            &read_codings(path, documents, &codebook, Overlap::Any)?.codings,
            &args.code,
        ),
        (None, codings) => items_from_engine(codings.as_deref().unwrap_or_default(), &args.code),
    };
    let mut review = Review::new(documents, &codebook, items, &coder)?;
    let mut greeting = format!(
        "{} codings to review as {coder} · ? shows the keys",
        review.items().len()
    );
    if let Some(rows) = earlier {
        let resumed = review.resume(&args.output, rows)?;
        greeting = format!(
            "resumed {}: {} of {} codings decided, {} codes added",
            args.output.display(),
            resumed.decided,
            review.items().len(),
            resumed.added
        );
        if resumed.carried > 0 {
            greeting.push_str(&format!(
                "; {} rows for other codings kept as they are",
                resumed.carried
            ));
        }
    }
    let mut saver = Saver::new(&args.output, Some(&review.rows()));
    if args.no_tui {
        let Some(path) = &args.decisions else {
            print!("{}", script::list(&review));
            return Ok(ExitCode::SUCCESS);
        };
        let decisions = script::read_decisions(path)?;
        script::apply(&mut review, path, &decisions)?;
        saver.save(&review.rows())?;
        if !args.input.quiet {
            eprintln!("thema: {greeting}");
            println!(
                "applied {} decisions: {} of {} codings decided; wrote {}",
                decisions.len(),
                review.decided(),
                review.items().len(),
                args.output.display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    tui::run(&mut review, &mut saver, greeting)?;
    if !args.input.quiet {
        println!(
            "{} of {} codings decided; saved in {}",
            review.decided(),
            review.items().len(),
            args.output.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The reviewer's name: `--coder`, else `$USER` (`%USERNAME%` on Windows).
fn reviewer(given: Option<&str>) -> Result<String> {
    let name = given
        .map(str::to_owned)
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .map(|n| n.trim().to_owned())
        .unwrap_or_default();
    if name.is_empty() {
        return Err(Error::Usage(
            "who is reviewing? give --coder NAME (no $USER is set)".into(),
        ));
    }
    if name == AUTO_CODER {
        return Err(Error::Usage(format!(
            "`{AUTO_CODER}` names thema's own coding; give the reviewer's name with --coder NAME"
        )));
    }
    Ok(name)
}

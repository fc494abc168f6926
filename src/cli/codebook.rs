//! `thema codebook check|show|test`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use crate::Result;
use crate::codebook::Codebook;
use crate::engine::examples::test_examples;

/// Codebook commands. FILE defaults to the embedded proactive-services codebook.
#[derive(Debug, Subcommand)]
pub enum CodebookCommand {
    /// Validate a codebook; errors name the file, line and field.
    #[command(after_help = "Example:\n  thema codebook check codebooks/proactive-services.toml")]
    Check {
        /// Codebook TOML file.
        file: Option<PathBuf>,
    },
    /// Print the code tree with labels and rule counts.
    #[command(
        after_help = "Examples:\n  thema codebook show\n  thema codebook show my-codes.toml --labels nl"
    )]
    Show {
        /// Codebook TOML file.
        file: Option<PathBuf>,
        /// Language of the labels.
        #[arg(long, value_name = "LANG", default_value = "en")]
        labels: String,
    },
    /// Code every example and counterexample; fail with a diff of what came out wrong.
    #[command(after_help = "Example:\n  thema codebook test codebooks/proactive-services.toml")]
    Test {
        /// Codebook TOML file.
        file: Option<PathBuf>,
    },
    /// Write a codebook as a REFI-QDA codebook exchange file (.qdc).
    Export(super::exchange::CodebookExportArgs),
    /// Turn a REFI-QDA codebook (.qdc, or a project's code book) into codebook TOML.
    Import(super::exchange::CodebookImportArgs),
}

pub fn run(command: CodebookCommand) -> Result<ExitCode> {
    match command {
        CodebookCommand::Check { file } => {
            let cb = Codebook::load(file.as_deref())?;
            let rules: usize = cb.codes.iter().map(|c| c.rules.len()).sum();
            println!(
                "{}: ok: {} codes, {rules} rules",
                cb.path.display(),
                cb.codes.len()
            );
        }
        CodebookCommand::Show { file, labels } => {
            let cb = Codebook::load(file.as_deref())?;
            println!("{} {} ({})", cb.name, cb.version, cb.path.display());
            for code in cb.tree_order() {
                let indent = "  ".repeat(code.depth() - 1);
                let rules = match code.rules.len() {
                    0 => String::new(),
                    n => format!("  [{n} rules]"),
                };
                println!("{indent}{}  {}{rules}", code.id, code.label(&labels));
            }
        }
        CodebookCommand::Export(args) => super::exchange::codebook_export(args)?,
        CodebookCommand::Import(args) => super::exchange::codebook_import(args)?,
        CodebookCommand::Test { file } => {
            let cb = Codebook::load(file.as_deref())?;
            let (checked, failures) = test_examples(&cb);
            for f in &failures {
                let (mark, kind) = if f.missed {
                    ('-', "example")
                } else {
                    ('+', "counterexample")
                };
                println!(
                    "{mark} {} {kind} {} [{}]: {:?}",
                    f.code, f.number, f.language, f.text
                );
                if f.missed {
                    println!("    missed; coded instead: {}", describe(&f.codings));
                } else {
                    println!("    wrongly coded by: {}", describe(&f.codings));
                }
            }
            println!(
                "{}: {} of {checked} examples and counterexamples right, {} wrong",
                cb.path.display(),
                checked - failures.len(),
                failures.len()
            );
            if !failures.is_empty() {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(codings: &[crate::engine::Coding]) -> String {
    if codings.is_empty() {
        return "nothing".into();
    }
    codings
        .iter()
        .map(|c| format!("{} ({} matched {:?})", c.code, c.rule, c.matched))
        .collect::<Vec<_>>()
        .join("; ")
}

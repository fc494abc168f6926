//! `thema codebook check|show|test|list|diff|import|export`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};

use super::{check_output, write_or_print};
use crate::Result;
use crate::codebook::embedded::{EMBEDDED, load, load_with_source};
use crate::codebook::{Codebook, document};
use crate::engine::examples::test_examples;

/// Codebook commands. FILE is a codebook TOML file or the name of an embedded codebook
/// (`thema codebook list`); it defaults to the embedded proactive-services codebook.
#[derive(Debug, Subcommand)]
pub enum CodebookCommand {
    /// Validate a codebook; errors name the file, line and field.
    #[command(
        after_help = "Examples:\n  thema codebook check codebooks/proactive-services.toml\n  thema codebook check personal-service"
    )]
    Check {
        /// Codebook TOML file or embedded codebook name.
        file: Option<PathBuf>,
    },
    /// Print the code tree, or the whole codebook as a document for a methods appendix.
    ///
    /// `--format md` and `--format html` render the tree, per code its labels, definition,
    /// include and exclude criteria, examples, counterexamples and its rules in words, the
    /// defaults the rules fall back on and the language lists. The HTML page is
    /// self-contained (no scripts or external files) and escapes every text.
    #[command(
        after_help = "Examples:\n  thema codebook show\n  thema codebook show my-codes.toml --labels nl\n  thema codebook show --format md -o codebook.md\n  thema codebook show personal-service --format html -o appendix.html"
    )]
    Show {
        /// Codebook TOML file or embedded codebook name.
        file: Option<PathBuf>,
        /// Language of the labels.
        #[arg(long, value_name = "LANG", default_value = "en")]
        labels: String,
        /// `tree`: the code tree with rule counts; `md`, `html`: the codebook document.
        #[arg(long, value_enum, default_value = "tree")]
        format: ShowFormat,
        /// Write to this file instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace an existing output file.
        #[arg(long)]
        force: bool,
    },
    /// Code every example and counterexample; fail with a diff of what came out wrong.
    #[command(
        after_help = "Examples:\n  thema codebook test codebooks/proactive-services.toml\n  thema codebook test personal-service"
    )]
    Test {
        /// Codebook TOML file or embedded codebook name.
        file: Option<PathBuf>,
    },
    /// The literal words the matcher looks for, one per line, for `rg -F -i -f` and for
    /// debugging a codebook; lemmas (`~bellen`) print as their base form.
    #[command(
        after_help = "Examples:\n  thema codebook patterns > words.txt && rg -c -i -F -f words.txt interviews/\n  thema codebook patterns my-codes.toml --kinds"
    )]
    Patterns {
        /// Codebook TOML file or embedded codebook name.
        file: Option<PathBuf>,
        /// Print `kind,literal` (kind: word, prefix, suffix, contains, lemma) as CSV.
        #[arg(long)]
        kinds: bool,
    },
    /// List the codebooks embedded in thema (use their name as FILE or with --codebook).
    #[command(
        after_help = "Examples:\n  thema codebook list\n  thema report samples/ --codebook personal-service"
    )]
    List,
    /// What changed between two codebook versions and, with INPUTS, what that does to the
    /// coding.
    Diff(Box<super::codebook_diff::DiffArgs>),
    /// Write a codebook as a REFI-QDA codebook (.qdc) or as a dictionary of another tool.
    Export(super::exchange::CodebookExportArgs),
    /// Turn a dictionary (LIWC, WordStat, quanteda, Lexicoder, Yoshikoder) or a REFI-QDA
    /// codebook into codebook TOML.
    Import(super::exchange::CodebookImportArgs),
}

/// What `thema codebook show` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// The code tree with labels and rule counts.
    Tree,
    /// The codebook document in Markdown.
    Md,
    /// The codebook document as one self-contained HTML page.
    Html,
}

pub fn run(command: CodebookCommand) -> Result<ExitCode> {
    match command {
        CodebookCommand::Check { file } => {
            let cb = load(file.as_deref())?;
            let rules: usize = cb.codes.iter().map(|c| c.rules.len()).sum();
            println!(
                "{}: ok: {} codes, {rules} rules",
                cb.path.display(),
                cb.codes.len()
            );
        }
        CodebookCommand::Show {
            file,
            labels,
            format,
            output,
            force,
        } => {
            let output = check_output(output.as_deref(), force)?;
            let loaded = load_with_source(file.as_deref())?;
            let text = match format {
                ShowFormat::Tree => tree(&loaded.codebook, &labels),
                ShowFormat::Md => document::markdown(&loaded.codebook, &loaded.source, &labels),
                ShowFormat::Html => document::html(&loaded.codebook, &loaded.source, &labels),
            };
            write_or_print(output.as_ref(), text.as_bytes())?;
            if let Some(file) = &output {
                println!("wrote {}", file.path.display());
            }
        }
        CodebookCommand::Patterns { file, kinds } => {
            let cb = load(file.as_deref())?;
            let engine = crate::engine::Engine::new(&cb, Default::default());
            let literals = engine.literals();
            if kinds {
                let mut table = crate::output::Table::new(["kind", "literal"]);
                for (kind, literal) in literals {
                    table.rows.push(vec![kind.into(), literal.into()]);
                }
                print!("{}", table.to_csv(false));
            } else {
                let mut words: Vec<String> = literals.into_iter().map(|(_, l)| l).collect();
                words.dedup();
                for word in words {
                    println!("{word}");
                }
            }
        }
        CodebookCommand::List => {
            for embedded in &EMBEDDED {
                let cb = embedded.codebook()?;
                let rules: usize = cb.codes.iter().map(|c| c.rules.len()).sum();
                println!(
                    "{:<20} {} {} ({} codes, {rules} rules)",
                    embedded.name,
                    cb.name,
                    cb.version,
                    cb.codes.len()
                );
            }
        }
        CodebookCommand::Diff(args) => return Ok(super::codebook_diff::run(*args)),
        CodebookCommand::Export(args) => super::exchange::codebook_export(args)?,
        CodebookCommand::Import(args) => super::exchange::codebook_import(args)?,
        CodebookCommand::Test { file } => {
            let cb = load(file.as_deref())?;
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

/// The code tree: per code its id, label and number of rules.
fn tree(cb: &Codebook, labels: &str) -> String {
    use std::fmt::Write as _;
    let mut out = format!("{} {} ({})\n", cb.name, cb.version, cb.path.display());
    for code in cb.tree_order() {
        let indent = "  ".repeat(code.depth() - 1);
        let rules = match code.rules.len() {
            0 => String::new(),
            n => format!("  [{n} rules]"),
        };
        let _ = writeln!(out, "{indent}{}  {}{rules}", code.id, code.label(labels));
    }
    out
}

//! `thema export qdpx`, `thema import qdpx`, and the `.qdc` codebook exchange behind
//! `thema codebook export --qdc` and `thema codebook import`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::{InputArgs, check_output, write_or_print};
use crate::Error;
use crate::Result;
use crate::ingest::human::Overlap;
use crate::output::OutputFile;
use crate::refi::import::{ImportOptions, import_project};
use crate::refi::qdc::{export_codebook, import_codebook};
use crate::refi::qde::{ProjectInput, export_project};

/// Export to other qualitative-analysis programs.
#[derive(Debug, Subcommand)]
#[command(after_help = "Example:\n  thema export qdpx samples/ -o project.qdpx")]
pub enum ExportCommand {
    /// Write transcripts, codebook, codings and attributes as a REFI-QDA project (.qdpx).
    ///
    /// NVivo, ATLAS.ti, MAXQDA and QualCoder open it. The inputs are coded with the codebook
    /// (user `auto`); human codings files add one user per coder, their codings on the
    /// spans of the segments they coded. Positions are Unicode code points in the text files
    /// inside the project. The same inputs give a byte-identical file.
    #[command(
        after_help = "Examples:\n  thema export qdpx samples/ -o project.qdpx\n  thema export qdpx samples/ --codings samples/codings/coder-anna.csv --codings samples/codings/coder-bram.csv -o project.qdpx --force"
    )]
    Qdpx(ExportQdpxArgs),
}

/// Arguments of `thema export qdpx`.
#[derive(Debug, Args)]
pub struct ExportQdpxArgs {
    #[command(flatten)]
    input: InputArgs,
    /// A human codings CSV (document, code, coder and segment | turn[,paragraph] |
    /// start,end); repeatable.
    #[arg(long, value_name = "FILE")]
    codings: Vec<PathBuf>,
    /// How start,end spans of a codings file select segments.
    #[arg(long, value_enum, default_value = "any")]
    overlap: Overlap,
    /// The project file to write.
    #[arg(long, short, value_name = "FILE.qdpx")]
    output: PathBuf,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
}

/// Import from other qualitative-analysis programs.
#[derive(Debug, Subcommand)]
#[command(after_help = "Example:\n  thema import qdpx project.qdpx -o imported")]
pub enum ImportCommand {
    /// Read a REFI-QDA project (.qdpx) into text files, codings, attributes and a codebook.
    ///
    /// Writes into DIR: the text sources as DIR/sources/*.txt (with
    /// the document id in their front matter), the codings as DIR/codings.csv (document,
    /// code, coder = user name, start,end in code points of those files), case variables as
    /// DIR/attributes.csv and the code book as DIR/codebook.toml (without rules). Whatever
    /// cannot be imported is listed. Read the texts back with `DIR/sources` as input.
    #[command(
        after_help = "Examples:\n  thema import qdpx project.qdpx -o imported\n  thema agree imported/sources --codebook imported/codebook.toml --codings imported/codings.csv --attributes imported/attributes.csv"
    )]
    Qdpx(ImportQdpxArgs),
}

/// Arguments of `thema import qdpx`.
#[derive(Debug, Args)]
pub struct ImportQdpxArgs {
    /// The project file.
    #[arg(value_name = "FILE.qdpx")]
    file: PathBuf,
    /// The folder to write into.
    #[arg(long = "output", short, visible_alias = "out", value_name = "DIR")]
    out: PathBuf,
    /// Replace existing files.
    #[arg(long)]
    force: bool,
    /// Skip and list malformed selections and codings (past the end of their text, unknown
    /// codes) instead of stopping.
    #[arg(long)]
    keep_going: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

/// Arguments of `thema codebook export`.
///
/// `--to` writes the codebook's `terms` rules as a dictionary of another tool: one category
/// per code (nested for child codes where the format nests), the terms as entries. What the
/// format cannot hold (regex, near and derived rules, lemmas, `|` alternatives, gaps,
/// context settings) is listed on standard error.
#[derive(Debug, Args)]
#[command(
    group(clap::ArgGroup::new("target").required(true).args(["qdc", "to"])),
    after_help = "Examples:\n  thema codebook export --qdc -o codes.qdc\n  thema codebook export --qdc -o codes.qdc my-codes.toml --force\n  thema codebook export imported.toml --to liwc -o dictionary.dic"
)]
pub struct CodebookExportArgs {
    /// Codebook TOML file or embedded codebook name [default: the embedded proactive-services codebook].
    file: Option<PathBuf>,
    /// Write the REFI-QDA codebook exchange format (.qdc).
    #[arg(long)]
    qdc: bool,
    /// Write a dictionary in this format.
    #[arg(long, value_enum, value_name = "FORMAT")]
    to: Option<crate::codebook::import::Format>,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
}

/// The formats `thema codebook import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFrom {
    /// A REFI-QDA codebook (.qdc) or project (.qdpx, .qde).
    Qdc,
    /// LIWC / LIWC-22 .dic (also the moral foundations dictionaries).
    Liwc,
    /// WordStat .cat.
    Wordstat,
    /// quanteda YAML (.yml, .yaml).
    Quanteda,
    /// Lexicoder .lc3 / .lcd (also the Lexicoder Sentiment Dictionary).
    Lexicoder,
    /// Yoshikoder .ykd (XML).
    Yoshikoder,
}

impl ImportFrom {
    /// The dictionary format, `None` for REFI-QDA.
    fn dictionary(self) -> Option<crate::codebook::import::Format> {
        use crate::codebook::import::Format;
        match self {
            ImportFrom::Qdc => None,
            ImportFrom::Liwc => Some(Format::Liwc),
            ImportFrom::Wordstat => Some(Format::Wordstat),
            ImportFrom::Quanteda => Some(Format::Quanteda),
            ImportFrom::Lexicoder => Some(Format::Lexicoder),
            ImportFrom::Yoshikoder => Some(Format::Yoshikoder),
        }
    }
}

/// Arguments of `thema codebook import`.
///
/// Dictionaries: each category becomes a code (nested categories dotted ids, the name its
/// label), its entries the terms of a rule with their `*` wildcards. The file is decoded like
/// transcripts (UTF-8, UTF-16 with a byte-order mark, else Windows-1252). What a codebook
/// cannot hold (weights, `?` wildcards, conditional LIWC entries, emoticons) is listed with
/// its line on standard error; a malformed file stops with its line. The codebook keeps
/// negated, hypothetical and other matches, so `thema code` counts like the dictionary tool.
/// A REFI-QDA codebook gives codes without rules.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema codebook import LIWC2015.dic -o liwc.toml\n  thema codebook import LSD2015.lc3 -o sentiment.toml\n  thema codebook import moral-foundations.dic -o mfd.toml && thema report interviews/ --codebook mfd.toml\n  thema codebook import codes.qdc -o codebook.toml\n  thema codebook import project.qdpx -o codebook.toml --force"
)]
pub struct CodebookImportArgs {
    /// The dictionary or REFI-QDA file.
    file: PathBuf,
    /// Its format [default: from the extension: .dic .cat .yml/.yaml .lc3/.lcd .ykd .qdc/.qdpx/.qde].
    #[arg(long, value_enum, value_name = "FORMAT")]
    from: Option<ImportFrom>,
    /// Write the codebook TOML to this file instead of standard output.
    #[arg(long, short, value_name = "FILE.toml")]
    output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
}

pub fn run_export(command: ExportCommand) -> Result<ExitCode> {
    let ExportCommand::Qdpx(args) = command;
    super::formats::require_extension(&args.output, "qdpx", "a REFI-QDA project")?;
    let output = OutputFile::check(&args.output, args.force)?;
    let coded = args.input.read_and_code()?;
    let read =
        super::read_codings_files(&args.codings, &coded.corpus, &coded.codebook, args.overlap)?;
    super::print_notes(args.input.quiet, &read.notes);
    let human = read.codings;
    let exported = export_project(&ProjectInput {
        codebook: &coded.codebook,
        documents: &coded.corpus.documents,
        auto_codings: &coded.codings,
        human_codings: &human,
    })?;
    output.write(&exported.qdpx)?;
    let summary = &exported.summary;
    for skipped in &summary.skipped {
        eprintln!("thema: skipped: {skipped}");
    }
    if !args.input.quiet {
        let coders: Vec<String> = summary
            .coders
            .iter()
            .map(|(coder, n)| format!("{coder} {n}"))
            .collect();
        let variables: Vec<String> = summary
            .variables
            .iter()
            .map(|(name, kind)| format!("{name} ({})", kind.as_str()))
            .collect();
        println!(
            "{} documents, {} codes, {} coded spans, {} memos; codings per user: {}",
            summary.documents,
            summary.codes,
            summary.selections,
            summary.memos,
            coders.join(", ")
        );
        println!(
            "case variables: {}",
            if variables.is_empty() {
                "none".to_owned()
            } else {
                variables.join(", ")
            }
        );
        println!(
            "wrote {} ({} bytes){}",
            output.path.display(),
            exported.qdpx.len(),
            if summary.skipped.is_empty() {
                String::new()
            } else {
                format!("; {} things skipped, listed above", summary.skipped.len())
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_import(command: ImportCommand) -> Result<ExitCode> {
    let ImportCommand::Qdpx(args) = command;
    let bytes = read(&args.file)?;
    let project = import_project(
        &args.file,
        &bytes,
        &ImportOptions {
            keep_going: args.keep_going,
            ..ImportOptions::default()
        },
    )?;
    let (written, folder_warnings) = project.write(&args.out, args.force)?;
    for warning in project.warnings.iter().chain(&folder_warnings) {
        if !args.quiet {
            eprintln!("thema: warning: {warning}");
        }
    }
    for skipped in &project.skipped {
        eprintln!("thema: skipped: {skipped}");
    }
    if !args.quiet {
        let mut per_coder: std::collections::BTreeMap<&str, usize> = Default::default();
        for coding in &project.codings {
            *per_coder.entry(&coding.coder).or_default() += 1;
        }
        let coders: Vec<String> = per_coder.iter().map(|(c, n)| format!("{c} {n}")).collect();
        let with_attributes = project.attributes.iter().filter(|a| !a.is_empty()).count();
        println!(
            "read {} from {}: project {:?}",
            project.qde,
            args.file.display(),
            project.name
        );
        println!(
            "{} documents, {} codes, {} codings ({}), {} memos on codings and {} other memos, {} documents with attributes ({} variables), {} things skipped",
            project.documents.len(),
            project.codes.codes.len(),
            project.codings.len(),
            if coders.is_empty() {
                "none".to_owned()
            } else {
                coders.join(", ")
            },
            project
                .codings
                .iter()
                .filter(|c| !c.memo.is_empty())
                .count(),
            project.memos.len(),
            with_attributes,
            project.variables.len(),
            project.skipped.len()
        );
        let sources = written
            .iter()
            .filter(|p| p.parent().is_some_and(|d| d.ends_with("sources")))
            .count();
        let others: Vec<String> = written
            .iter()
            .filter(|p| !p.parent().is_some_and(|d| d.ends_with("sources")))
            .map(|p| p.display().to_string())
            .collect();
        println!(
            "wrote {} ({sources} files), {}",
            args.out.join("sources").display(),
            others.join(", ")
        );
        let mut next = format!(
            "next: thema agree {} --codebook {} --codings {}",
            args.out.join("sources").display(),
            args.out.join("codebook.toml").display(),
            args.out.join("codings.csv").display()
        );
        if project.attributes_csv()?.is_some() {
            next.push_str(&format!(
                " --attributes {}",
                args.out.join(crate::ingest::FOLDER_ATTRIBUTES).display()
            ));
        }
        println!("{next}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `thema codebook export --qdc | --to FORMAT`.
pub fn codebook_export(args: CodebookExportArgs) -> Result<()> {
    if let (None, Some(path)) = (args.to, &args.output) {
        super::formats::require_extension(path, "qdc", "a REFI-QDA codebook")?;
    }
    let output = check_output(args.output.as_deref(), args.force)?;
    let codebook = crate::codebook::embedded::load(args.file.as_deref())?;
    let (bytes, what) = match args.to {
        Some(format) => {
            let (text, entries) = super::dictionary::export(&codebook, format);
            (text.into_bytes(), format!("{entries} entries of"))
        }
        None => (export_codebook(&codebook)?.into_bytes(), String::new()),
    };
    write_or_print(output.as_ref(), &bytes)?;
    if let Some(file) = &output {
        let what = if what.is_empty() {
            String::new()
        } else {
            format!("{what} ")
        };
        println!(
            "{}: wrote {what}{} codes to {}",
            codebook.path.display(),
            codebook.codes.len(),
            file.path.display()
        );
    }
    Ok(())
}

/// `thema codebook import`.
pub fn codebook_import(args: CodebookImportArgs) -> Result<()> {
    if let Some(path) = &args.output {
        super::formats::require_extension(path, "toml", "a codebook")?;
    }
    let output = check_output(args.output.as_deref(), args.force)?;
    let bytes = read(&args.file)?;
    let refi_extension = args
        .file
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["qdc", "qdpx", "qde"].contains(&e.to_ascii_lowercase().as_str()));
    let dictionary = match args.from {
        Some(from) => from.dictionary(),
        None if refi_extension => None,
        None => {
            return super::dictionary::import(&args.file, &bytes, None, output.as_ref());
        }
    };
    if let Some(format) = dictionary {
        return super::dictionary::import(&args.file, &bytes, Some(format), output.as_ref());
    }
    let imported = import_codebook(&args.file, &bytes)?;
    for warning in &imported.codes.warnings {
        eprintln!("thema: warning: {warning}");
    }
    for skipped in &imported.skipped {
        eprintln!("thema: skipped: {skipped}");
    }
    write_or_print(output.as_ref(), imported.toml.as_bytes())?;
    let message = format!(
        "{}: {} codes imported{}; they have no rules yet: add rules before coding with it",
        args.file.display(),
        imported.codes.codes.len(),
        output
            .as_ref()
            .map(|f| format!(" into {}", f.path.display()))
            .unwrap_or_default()
    );
    super::say_done(&message, output.is_some());
    Ok(())
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::input(path, e.to_string()))
}

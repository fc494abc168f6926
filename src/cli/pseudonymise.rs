//! `thema pseudonymise`: replace names and identifying numbers in transcripts by
//! pseudonyms, with a key that restores them (`--reverse`).

use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::InputArgs;
use crate::html::provenance::sha256;
use crate::output::{OutputFile, Table, TableFormat};
use crate::privacy::key::{FileEntry, Key};
use crate::privacy::plan::{self, Options, ReviewItem};
use crate::privacy::source::{self, Source};
use crate::privacy::{Category, Style};
use crate::{Error, Result};

/// How names are replaced.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum StyleArg {
    /// `[PERSOON-3]` in Dutch transcripts, `[PERSON-3]` in English ones.
    Tags,
    /// Made-up names of the same gender and shape, the same for a person in every file.
    Names,
}

/// Pseudonymise transcripts before they are shared: person names (speakers, `--names`,
/// names after "mevrouw"/"my sister", first names, initials) and BSN, IBAN, phone numbers,
/// e-mail addresses, postcodes, street addresses, dates of birth, licence plates, ID
/// numbers and personal URLs are replaced by typed pseudonyms, the same person getting the
/// same pseudonym in every file. Text formats keep their layout and encoding; Word and
/// OpenDocument files are written as plain text, JSON Lines as CSV. The key (mode 0600,
/// never inside DIR) maps every pseudonym to its original; an existing key is read and
/// extended, so a second run reuses its pseudonyms. Doubtful cases go to `--review`.
/// `--reverse` restores the originals of pseudonymised files with the key.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema pseudonymise samples/ --out shared/ --key ~/private/key.csv --review ~/private/review.csv\n  thema pseudonymise new/ --out shared/ --key ~/private/key.csv --names names.txt --style names\n  thema pseudonymise --reverse shared/ --out restored/ --key ~/private/key.csv\n\nThe --names file has one name per line (`Sara Jansen`, `Kees`); a line `!Toon` says that\nToon is no name there. Keep KEY and the review file apart from DIR: together they undo the\npseudonymisation."
)]
pub struct PseudonymiseArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output folder for the pseudonymised copies (or, with --reverse, the restored files).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The key file: read when it exists (its pseudonyms are reused), then written with the
    /// new entries; never inside DIR.
    #[arg(long, value_name = "KEY.csv")]
    key: PathBuf,
    /// Extra names to replace, one per line; `!word` lines are words that are no name.
    #[arg(long, value_name = "FILE")]
    names: Option<PathBuf>,
    /// Write the cases thema cannot decide (a name or a place?) to this CSV file.
    #[arg(long, value_name = "FILE.csv")]
    review: Option<PathBuf>,
    /// How names are replaced.
    #[arg(long, value_enum, default_value = "tags")]
    style: StyleArg,
    /// Restore the originals of pseudonymised files (the inputs) with the key.
    #[arg(long)]
    reverse: bool,
    /// Replace existing output and review files (and a key file that is not a key).
    #[arg(long)]
    force: bool,
}

pub fn run(args: PseudonymiseArgs) -> Result<ExitCode> {
    if args.input.coded.is_some() {
        return Err(crate::Error::Usage(
            "pseudonymise works on transcript files, not on a coded dataset (--coded)".into(),
        ));
    }
    check_apart(&args.key, &args.out, "the key")?;
    if let Some(review) = &args.review {
        check_apart(review, &args.out, "the review file")?;
    }
    if args.reverse {
        reverse(&args)
    } else {
        forward(&args)
    }
}

/// The key and the review file hold the originals: never inside the output folder.
fn check_apart(file: &Path, out: &Path, what: &str) -> Result<()> {
    let file_abs = absolute(file);
    let out_abs = absolute(out);
    if file_abs.starts_with(&out_abs) {
        return Err(Error::Usage(format!(
            "{what} {} is inside the output folder {}: keep it apart from the pseudonymised files",
            file.display(),
            out.display()
        )));
    }
    Ok(())
}

/// `path` made absolute, with `.` and `..` taken out and symbolic links of the part
/// that exists resolved.
fn absolute(path: &Path) -> PathBuf {
    let joined = std::env::current_dir().unwrap_or_default().join(path);
    let mut clean = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => rest.push(name.to_owned()),
            None => break,
        }
        existing.pop();
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    out
}

/// Reads the key when there is one. A file that is not a key is replaced only with
/// `--force`.
fn read_key(path: &Path, force: bool, quiet: bool) -> Result<Key> {
    if !path.exists() {
        return Ok(Key::default());
    }
    match Key::read(path) {
        Ok(key) => Ok(key),
        Err(e) if force => {
            if !quiet {
                eprintln!("thema: warning: {e}; --force: it is replaced by a new key");
            }
            Ok(Key::default())
        }
        Err(e) => Err(Error::Usage(format!(
            "{e}; pass --force to replace it by a new key"
        ))),
    }
}

/// The `--names` file: names, and `!word` lines for words that are no name.
fn read_names(path: &Path) -> Result<(Vec<String>, HashSet<String>)> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::input(path, e.to_string()))?;
    let mut names = Vec::new();
    let mut not_names = HashSet::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.strip_prefix('!') {
            Some(word) => {
                not_names.insert(word.trim().to_owned());
            }
            None => names.push(line.to_owned()),
        }
    }
    Ok((names, not_names))
}

/// Where a file found among `inputs` goes inside the output folder: its path below the
/// input folder it was found in, or its name when it was named itself.
fn relative_path(file: &Path, inputs: &[PathBuf]) -> PathBuf {
    inputs
        .iter()
        .filter(|i| i.is_dir())
        .find_map(|dir| file.strip_prefix(dir).ok())
        .map_or_else(
            || file.file_name().map(PathBuf::from).unwrap_or_default(),
            Path::to_owned,
        )
}

/// Checks that the output files are distinct, are not the inputs, and may be written.
fn check_outputs(pairs: &[(PathBuf, PathBuf)], force: bool) -> Result<Vec<OutputFile>> {
    let mut seen: BTreeMap<PathBuf, &Path> = BTreeMap::new();
    let mut files = Vec::new();
    for (input, output) in pairs {
        if absolute(input) == absolute(output) {
            return Err(Error::Usage(format!(
                "{} would be written over itself: choose an output folder apart from the inputs",
                input.display()
            )));
        }
        if let Some(other) = seen.insert(output.clone(), input) {
            return Err(Error::Usage(format!(
                "{} and {} would both be written to {}",
                other.display(),
                input.display(),
                output.display()
            )));
        }
        files.push(OutputFile::check(output, force)?);
    }
    Ok(files)
}

fn forward(args: &PseudonymiseArgs) -> Result<ExitCode> {
    let quiet = args.input.quiet;
    let review_file = args
        .review
        .as_deref()
        .map(|p| OutputFile::check(p, args.force))
        .transpose()?;
    let old_key = read_key(&args.key, args.force, quiet)?;
    let (names, not_names) = match &args.names {
        Some(path) => read_names(path)?,
        None => Default::default(),
    };
    let (corpus, study) = args.input.read()?;
    let inputs = args.input.inputs(&study);
    let mut by_path: BTreeMap<&Path, Vec<&crate::corpus::Document>> = BTreeMap::new();
    for doc in &corpus.documents {
        by_path.entry(doc.path.as_path()).or_default().push(doc);
    }
    let mut sources = Vec::new();
    for (path, docs) in &by_path {
        let relative = source::output_name(&relative_path(path, &inputs), docs[0].format);
        sources.push(Source::read(path, relative, docs)?);
    }
    let pairs: Vec<(PathBuf, PathBuf)> = sources
        .iter()
        .map(|s| (s.input.clone(), args.out.join(&s.output)))
        .collect();
    let outputs = check_outputs(&pairs, args.force)?;
    let output_names: Vec<String> = outputs
        .iter()
        .map(|o| o.path.display().to_string())
        .collect();
    let options = Options {
        style: match args.style {
            StyleArg::Tags => Style::Tags,
            StyleArg::Names => Style::Names,
        },
        names,
        not_names,
    };
    let result = plan::pseudonymise(&sources, &output_names, &old_key, &options);

    let mut new_key = Key {
        persons: result.persons.clone(),
        ..Key::default()
    };
    let mut encoded = Vec::new();
    for ((source, file), output) in sources.iter().zip(&result.files).zip(&outputs) {
        // The guarantee: the key gives the input back, character for character.
        let rows: Vec<_> = file.occurrences.iter().collect();
        if plan::restore(&file.text, &rows).as_deref() != Ok(source.text.as_str()) {
            return Err(Error::Usage(format!(
                "internal error: the pseudonymised {} does not restore to its input; nothing was written",
                source.input.display()
            )));
        }
        let bytes = source.encode(&file.text, &output.path)?;
        new_key.files.push(FileEntry {
            output: output.path.display().to_string(),
            input: source.input.display().to_string(),
            input_sha256: sha256(&source.encode(&source.text, &source.input)?),
            output_sha256: sha256(&bytes),
        });
        new_key.occurrences.extend(file.occurrences.iter().cloned());
        encoded.push(bytes);
    }
    let key = old_key.merged(&new_key);
    // The key first: outputs without their key could never be restored.
    OutputFile {
        path: args.key.clone(),
    }
    .write_private(&key.to_csv())?;
    for (output, bytes) in outputs.iter().zip(&encoded) {
        output.write(bytes)?;
    }
    if let Some(file) = &review_file {
        file.write_private(&review_csv(&result.review))?;
    }
    if !quiet {
        print!("{}", super::fitted(&summary(&sources, &result)));
        let replaced: usize = result.files.iter().map(|f| f.occurrences.len()).sum();
        for source in sources.iter().filter(|s| s.converted.is_some()) {
            println!(
                "{} is written as {}: {}",
                source.input.display(),
                source.converted.unwrap_or_default(),
                args.out.join(&source.output).display()
            );
        }
        for file in &corpus.passed_over {
            println!("not a transcript, not written: {file}");
        }
        println!(
            "{} files, {replaced} replacements, {} persons; outside the replaced spans every character is as in the input (checked: the key restores each file exactly)",
            sources.len(),
            result.persons.len()
        );
        match &args.review {
            Some(path) => println!(
                "{} cases to review: {}",
                result.review.len(),
                path.display()
            ),
            None if !result.review.is_empty() => println!(
                "{} cases to review: pass --review FILE.csv to list them",
                result.review.len()
            ),
            None => {}
        }
        println!(
            "key: {} ({} persons, {} replacements in {} files; readable by you only). Store it apart from {}: with both, anyone can undo the pseudonymisation.",
            args.key.display(),
            key.persons.len(),
            key.occurrences.len(),
            key.files.len(),
            args.out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// One row per file and category with replacements or review cases, and a total.
fn summary(sources: &[Source], result: &plan::Pseudonymised) -> Table {
    let mut table = Table::new(["file", "category", "replaced", "to review"]);
    let mut totals: BTreeMap<Category, (usize, usize)> = BTreeMap::new();
    for (source, file) in sources.iter().zip(&result.files) {
        let counts = file.counts();
        for category in Category::ALL {
            let replaced = counts.get(&category).copied().unwrap_or(0);
            let review = file.review.get(&category).copied().unwrap_or(0);
            if replaced + review == 0 {
                continue;
            }
            let total = totals.entry(category).or_default();
            total.0 += replaced;
            total.1 += review;
            table.rows.push(vec![
                source.input.display().to_string().into(),
                category.as_str().into(),
                replaced.into(),
                review.into(),
            ]);
        }
    }
    for (category, (replaced, review)) in totals {
        table.rows.push(vec![
            "(all files)".into(),
            category.as_str().into(),
            replaced.into(),
            review.into(),
        ]);
    }
    table
}

/// The review list as CSV.
fn review_csv(items: &[ReviewItem]) -> Vec<u8> {
    let mut table = Table::new([
        "file",
        "line",
        "column",
        "category",
        "text",
        "occurrences",
        "reason",
        "context",
    ]);
    for item in items {
        table.rows.push(vec![
            item.file.clone().into(),
            item.line.into(),
            item.column.into(),
            item.category.as_str().into(),
            item.text.clone().into(),
            item.occurrences.into(),
            item.reason.clone().into(),
            item.context.clone().into(),
        ]);
    }
    table.render(TableFormat::Csv).into_bytes()
}

fn reverse(args: &PseudonymiseArgs) -> Result<ExitCode> {
    if !args.key.exists() {
        return Err(Error::input(&args.key, "no such key file"));
    }
    let key = Key::read(&args.key)?;
    let inputs = args.input.inputs.clone();
    if inputs.is_empty() {
        return Err(Error::Usage(
            "--reverse: give the pseudonymised files or folders".into(),
        ));
    }
    let (files, _) = crate::ingest::discover(&inputs, false, args.input.follow)?;
    let outputs: Vec<PathBuf> = files
        .iter()
        .map(|f| args.out.join(relative_path(&f.path, &inputs)))
        .collect();
    let pairs: Vec<(PathBuf, PathBuf)> = files
        .iter()
        .zip(&outputs)
        .map(|(f, o)| (f.path.clone(), o.clone()))
        .collect();
    let outputs = check_outputs(&pairs, args.force)?;
    let mut exact = 0;
    let mut restored_count = 0;
    let mut written = Vec::new();
    for (file, output) in files.iter().zip(&outputs) {
        let bytes =
            std::fs::read(&file.path).map_err(|e| Error::input(&file.path, e.to_string()))?;
        let raw =
            crate::ingest::decode::decode_raw(&bytes).map_err(|m| Error::input(&file.path, m))?;
        // The file the key made with these bytes, else (edited since?) one of that name.
        let hash = sha256(&bytes);
        let name = file.path.file_name();
        let mut candidates: Vec<&FileEntry> = key
            .files
            .iter()
            .filter(|f| f.output_sha256 == hash)
            .collect();
        if candidates.is_empty() {
            candidates = key
                .files
                .iter()
                .filter(|f| Path::new(&f.output).file_name() == name)
                .collect();
        }
        let mut first_error = None;
        let mut found = None;
        for entry in candidates {
            let rows: Vec<_> = key
                .occurrences
                .iter()
                .filter(|o| o.file == entry.output)
                .collect();
            match plan::restore(&raw.text, &rows) {
                Ok(text) => {
                    found = Some((entry, text, rows.len()));
                    break;
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        let Some((entry, text, count)) = found else {
            return Err(Error::input(
                &file.path,
                first_error.unwrap_or_else(|| {
                    format!(
                        "not a file this key made (no entry in {})",
                        args.key.display()
                    )
                }),
            ));
        };
        let restored = crate::ingest::decode::encode_raw(&text, raw.encoding).ok_or_else(|| {
            Error::Output {
                path: output.path.clone(),
                message: format!("an original has a character that {} lacks", raw.encoding),
            }
        })?;
        if sha256(&restored) == entry.input_sha256 {
            exact += 1;
        } else if !args.input.quiet {
            eprintln!(
                "thema: warning: {}: restored, but it differs from {} outside the pseudonyms (edited after pseudonymising?)",
                file.path.display(),
                entry.input
            );
        }
        restored_count += count;
        written.push((output, restored));
    }
    let written_count = written.len();
    for (output, bytes) in written {
        output.write(&bytes)?;
    }
    if !args.input.quiet {
        println!(
            "restored {} files ({restored_count} replacements) into {}; {exact} of them are byte for byte their original (SHA-256 in the key)",
            written_count,
            args.out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

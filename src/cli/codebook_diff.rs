//! `thema codebook diff OLD NEW [INPUTS...]`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde_json::json;

use super::{InputArgs, check_output, write_or_print};
use crate::codebook::diff::{
    CodebookDiff, CodingDiff, Version, compare, compare_codings, report_order,
};
use crate::codebook::embedded::load_with_source;
use crate::engine::{Engine, EngineOptions};
use crate::output::{Table, shorten};
use crate::{Error, Result};

/// The differences between two codebook versions: codes added, removed and renamed (same
/// rules under another id), labels, texts and examples changed, rules added, removed and
/// changed (every rule key), `[defaults]`, the language lists and the header. With INPUTS,
/// both versions code them and the diff lists per code the segments that gain or lose it
/// (document, turn, text and the rule responsible) and the documents with the code before
/// and after. For a list (terms, examples) `old` holds the items removed and `new` those
/// added.
///
/// Exit status: 0 when nothing changes (with INPUTS: when the coding does not change), 1
/// when it does, 2 on an error, so a research project's script or CI can check that a
/// codebook edit changes only what it should.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  thema codebook diff codebooks/v1.toml codebooks/v2.toml\n  thema codebook diff proactive-services my-version.toml samples/\n  thema codebook diff v1.toml v2.toml interviews/ --format csv -o changes.csv"
)]
pub struct DiffArgs {
    /// The old codebook (file or embedded name).
    old: PathBuf,
    /// The new codebook (file or embedded name).
    new: PathBuf,
    #[command(flatten)]
    input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    format: DiffFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
}

/// How the diff is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Markdown: the changes, then the coding per code and the segments.
    Md,
    /// One CSV table of every change, coding count and segment.
    Csv,
    /// One JSON object: `changes`, `codes`, `segments`, `coding_changed`.
    Json,
}

/// Runs the diff; errors print and exit 2.
pub fn run(args: DiffArgs) -> ExitCode {
    match diff(args) {
        Ok(changed) => ExitCode::from(u8::from(changed)),
        Err(e) => {
            eprintln!("thema: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Prints the diff; whether anything (with inputs: the coding) changed.
fn diff(args: DiffArgs) -> Result<bool> {
    if args.input.codebook.is_some() {
        return Err(Error::Usage(
            "`thema codebook diff` takes the codebooks as OLD and NEW, not --codebook".into(),
        ));
    }
    let output = check_output(args.output.as_deref(), args.force)?;
    let old = load_with_source(Some(&args.old))?;
    let new = load_with_source(Some(&args.new))?;
    let structure = compare(
        &Version::new(&old.codebook, &old.source),
        &Version::new(&new.codebook, &new.source),
    );
    let coding = if args.input.inputs.is_empty() {
        None
    } else {
        let (corpus, _) = args.input.read()?;
        let options = EngineOptions {
            code_interviewer: args.input.code_interviewer,
        };
        let before = Engine::new(&old.codebook, options).code_all(&corpus.documents, &|_| {});
        let after = Engine::new(&new.codebook, options).code_all(&corpus.documents, &|_| {});
        let order = report_order(&old.codebook, &new.codebook, &structure);
        Some(compare_codings(
            &corpus.documents,
            &before,
            &after,
            &structure,
            &order,
        ))
    };
    let names = (
        old.codebook.path.display().to_string(),
        new.codebook.path.display().to_string(),
    );
    let text = match args.format {
        DiffFormat::Md => markdown(&names, &structure, coding.as_ref()),
        DiffFormat::Csv => {
            long_table(&structure, coding.as_ref()).render(crate::output::TableFormat::Csv)
        }
        DiffFormat::Json => json_text(&structure, coding.as_ref()),
    };
    write_or_print(output.as_ref(), text.as_bytes())?;
    Ok(match &coding {
        Some(coding) => !coding.segments.is_empty(),
        None => !structure.changes.is_empty(),
    })
}

fn changes_table(structure: &CodebookDiff) -> Table {
    let mut table = Table::new(["change", "code", "rule", "field", "old", "new"]);
    for c in &structure.changes {
        table.rows.push(vec![
            c.kind.as_str().into(),
            c.code.clone().into(),
            c.rule.clone().into(),
            c.field.clone().into(),
            c.old.clone().into(),
            c.new.clone().into(),
        ]);
    }
    table
}

fn counts_table(coding: &CodingDiff) -> Table {
    let mut table = Table::new([
        "code",
        "documents_old",
        "documents_new",
        "net",
        "segments_gained",
        "segments_lost",
    ]);
    for c in &coding.counts {
        let net = c.documents_new as i64 - c.documents_old as i64;
        table.rows.push(vec![
            c.code.clone().into(),
            c.documents_old.into(),
            c.documents_new.into(),
            format!("{net:+}").into(),
            c.segments_gained.into(),
            c.segments_lost.into(),
        ]);
    }
    table
}

fn gained_word(gained: bool) -> &'static str {
    if gained { "gains" } else { "loses" }
}

fn segments_table(coding: &CodingDiff, width: Option<usize>) -> Table {
    let mut table = Table::new([
        "code", "segment", "document", "turn", "index", "rule", "text",
    ]);
    for s in &coding.segments {
        table.rows.push(vec![
            s.code.clone().into(),
            gained_word(s.gained).into(),
            s.document.clone().into(),
            s.turn.into(),
            s.segment.into(),
            s.rules.join("; ").into(),
            match width {
                Some(w) => shorten(&s.text, w).into(),
                None => s.text.clone().into(),
            },
        ]);
    }
    table
}

fn markdown(
    names: &(String, String),
    structure: &CodebookDiff,
    coding: Option<&CodingDiff>,
) -> String {
    let mut out = format!(
        "# Codebook diff\n\nOld: `{}`\nNew: `{}`\n\n",
        names.0, names.1
    );
    out.push_str("## Codebook changes\n\n");
    if structure.changes.is_empty() {
        out.push_str("No changes.\n\n");
    } else {
        out.push_str(&changes_table(structure).render(crate::output::TableFormat::Md));
        out.push('\n');
    }
    match coding {
        None => out.push_str("No inputs given: the coding was not compared.\n"),
        Some(coding) if coding.segments.is_empty() => out.push_str(&format!(
            "## Coding\n\nThe coding of the {} documents does not change.\n",
            coding.documents
        )),
        Some(coding) => {
            out.push_str(&format!(
                "## Coding of {} documents\n\nCodes whose coding changes; documents with the code under the old and the new codebook.\n\n",
                coding.documents
            ));
            out.push_str(&counts_table(coding).render(crate::output::TableFormat::Md));
            out.push_str("\n## Segments that gain or lose a code\n\nThe rule is the new codebook's for a gain, the old one's for a loss.\n\n");
            out.push_str(&segments_table(coding, Some(160)).render(crate::output::TableFormat::Md));
        }
    }
    out
}

/// Every change, code count and segment in one table, for CSV.
fn long_table(structure: &CodebookDiff, coding: Option<&CodingDiff>) -> Table {
    let mut table = Table::new([
        "change", "code", "rule", "field", "old", "new", "document", "turn", "segment", "text",
    ]);
    let changes = changes_table(structure);
    for mut row in changes.rows {
        row.extend(std::iter::repeat_n("".into(), 4));
        table.rows.push(row);
    }
    if let Some(coding) = coding {
        for c in &coding.counts {
            table.rows.push(vec![
                "documents".into(),
                c.code.clone().into(),
                "".into(),
                "documents".into(),
                c.documents_old.into(),
                c.documents_new.into(),
                "".into(),
                "".into(),
                "".into(),
                format!(
                    "{} segments gain it, {} lose it",
                    c.segments_gained, c.segments_lost
                )
                .into(),
            ]);
        }
        for s in &coding.segments {
            table.rows.push(vec![
                format!("segment {} code", gained_word(s.gained)).into(),
                s.code.clone().into(),
                s.rules.join("; ").into(),
                "".into(),
                "".into(),
                "".into(),
                s.document.clone().into(),
                s.turn.into(),
                s.segment.into(),
                s.text.clone().into(),
            ]);
        }
    }
    table
}

fn json_text(structure: &CodebookDiff, coding: Option<&CodingDiff>) -> String {
    let changes: Vec<_> = structure
        .changes
        .iter()
        .map(|c| {
            json!({"change": c.kind.as_str(), "code": c.code, "rule": c.rule, "field": c.field, "old": c.old, "new": c.new})
        })
        .collect();
    let renamed: serde_json::Map<String, serde_json::Value> = structure
        .renamed
        .iter()
        .map(|(old, new)| (old.clone(), json!(new)))
        .collect();
    let value = match coding {
        None => json!({"changes": changes, "renamed": renamed, "coding_compared": false}),
        Some(coding) => json!({
            "changes": changes,
            "renamed": renamed,
            "coding_compared": true,
            "documents": coding.documents,
            "coding_changed": !coding.segments.is_empty(),
            "codes": coding.counts.iter().map(|c| json!({
                "code": c.code,
                "documents_old": c.documents_old,
                "documents_new": c.documents_new,
                "segments_gained": c.segments_gained,
                "segments_lost": c.segments_lost,
            })).collect::<Vec<_>>(),
            "segments": coding.segments.iter().map(|s| json!({
                "code": s.code,
                "change": if s.gained { "gained" } else { "lost" },
                "document": s.document,
                "turn": s.turn,
                "segment": s.segment,
                "rules": s.rules,
                "text": s.text,
            })).collect::<Vec<_>>(),
        }),
    };
    let mut out = serde_json::to_string_pretty(&value).expect("JSON values serialise");
    out.push('\n');
    out
}

//! `thema search`: keyword in context, without a codebook.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::Args;

use super::{ExportArgs, InputArgs};
use crate::Result;
use crate::analysis::search::{Hit, SearchQuery, counts_table, hits_table, search};
use crate::output::TableFormat;

/// Every place PATTERN occurs in respondent speech, with the words around it, and the
/// number of hits per document (per attribute value with --by). PATTERN is written as a
/// codebook term: `bel*` (starts with), `*heid` (ends with), `belde|belden` (either),
/// `~bellen` (every inflection), `namen contact op` (a phrase; --gap N allows N words
/// between its words), `als {4} hadden` (a gap of its own), `social-media` (hyphenated or
/// not). A phrase stays within a sentence. Quote a pattern with spaces or `|`. The last
/// of the arguments is the pattern, the others are the inputs.
#[derive(Debug, Args)]
#[command(
    override_usage = "thema search [OPTIONS] [INPUTS]... <PATTERN>",
    after_help = "Examples:\n  thema search samples/ \"brief|brieven\"\n  thema search samples/ \"~bellen\" --by cohort\n  thema search samples/ \"namen contact op\" --gap 3 --format csv -o contact.csv\n  thema search samples/ \"privacy\" --counts"
)]
pub struct SearchArgs {
    /// The inputs, then PATTERN: what to look for, in the term syntax of codebooks (a
    /// positional argument of its own cannot follow a list of inputs, so it is the last
    /// of them).
    #[command(flatten)]
    input: InputArgs,
    /// Words allowed between the words of a phrase.
    #[arg(long, value_name = "N", default_value_t = 0)]
    gap: usize,
    /// Words of context on either side of a hit.
    #[arg(long, value_name = "N", default_value_t = 8)]
    context: usize,
    /// Count hits per value of this document attribute instead of per document.
    #[arg(long, value_name = "ATTR")]
    by: Option<String>,
    /// Only the counts, not the hits.
    #[arg(long)]
    counts: bool,
    /// Show at most N hits (the counts count them all).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    #[command(flatten)]
    export: ExportArgs,
}

pub fn run(mut args: SearchArgs) -> Result<ExitCode> {
    let pattern = args.input.inputs.pop().ok_or_else(|| {
        crate::Error::Usage("give a PATTERN to search for: thema search INPUTS... PATTERN".into())
    })?;
    let pattern = pattern.to_string_lossy().into_owned();
    let (format, output) = args.export.check()?;
    let (corpus, _) = args.input.read()?;
    let documents = &corpus.documents;
    let query = SearchQuery {
        pattern,
        gap: args.gap,
        context: args.context,
        interviewer: args.input.code_interviewer,
    };
    let hits = search(documents, &query)?;
    let counts = counts_table(documents, &hits, args.by.as_deref(), query.interviewer)?;
    let shown: &[Hit<'_>] = &hits[..args.limit.unwrap_or(hits.len()).min(hits.len())];
    let bytes = match format {
        TableFormat::Xlsx => {
            crate::output::xlsx::workbook(&[("hits", &hits_table(shown)), ("counts", &counts)])?
        }
        TableFormat::Table => {
            let bold = super::bold_allowed(output.as_ref());
            let mut text = String::new();
            if !args.counts {
                text.push_str(&concordance(shown, bold));
                if !shown.is_empty() {
                    text.push('\n');
                }
            }
            text.push_str(&match &output {
                Some(_) => counts.render(TableFormat::Table),
                None => super::fitted(&counts),
            });
            text.push_str(&summary(&hits, shown.len(), documents.len(), &query));
            text.into_bytes()
        }
        _ if args.counts => args
            .export
            .bytes("counts", &counts, format, output.as_ref())?,
        _ => args
            .export
            .bytes("hits", &hits_table(shown), format, output.as_ref())?,
    };
    super::write_or_print(output.as_ref(), &bytes)?;
    Ok(ExitCode::SUCCESS)
}

/// One line per hit: where it is, then the words around it with the hit marked.
fn concordance(hits: &[Hit<'_>], bold: bool) -> String {
    let (open, close) = super::markers(bold, ("[", "]"));
    let mut out = String::new();
    for h in hits {
        let time = super::time_suffix(h.segment);
        let _ = writeln!(
            out,
            "{} · segment {} · {}{time}: {}{open}{}{close}{}",
            h.document.id, h.segment.index, h.segment.speaker, h.before, h.matched, h.after
        );
    }
    out
}

fn summary(hits: &[Hit<'_>], shown: usize, documents: usize, query: &SearchQuery) -> String {
    let segments: std::collections::BTreeSet<(&str, usize)> = hits
        .iter()
        .map(|h| (h.document.id.as_str(), h.segment.index))
        .collect();
    let with_hits: std::collections::BTreeSet<&str> =
        hits.iter().map(|h| h.document.id.as_str()).collect();
    format!(
        "{} hits{} in {} segments of {} of {documents} documents ({})\n",
        hits.len(),
        if shown < hits.len() {
            format!(" ({shown} shown)")
        } else {
            String::new()
        },
        segments.len(),
        with_hits.len(),
        if query.interviewer {
            "respondent and interviewer speech"
        } else {
            "respondent speech; --code-interviewer searches the interviewer's turns too"
        }
    )
}

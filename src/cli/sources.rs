//! `--codings`, `--source`, `--coder` and `--consensus`: the coding source shared by the
//! analyses (`report`, `compare`, `cooccur`, `quotes`, `matrix`, `chart`).

use std::path::PathBuf;

use clap::Args;

use super::InputArgs;
use crate::analysis::CodedCorpus;
use crate::analysis::source::{CoderPick, Consensus, Source, human_set};
use crate::codebook::Codebook;
use crate::engine::Coding;
use crate::ingest::Corpus;
use crate::ingest::human::{AUTO_CODER, Overlap};
use crate::study::Study;
use crate::{Error, Result};

/// Where the codings of an analysis come from.
#[derive(Debug, Args, Clone, Default)]
pub struct SourceArgs {
    /// A codings CSV to count: human codings (document, code, coder and segment | turn
    /// [,paragraph] | start,end), thema's codings.csv, or the codings.csv of an imported
    /// REFI-QDA project; repeatable.
    #[arg(long, value_name = "FILE")]
    pub codings: Vec<PathBuf>,
    /// Which codings to count: `auto` (the codebook's rules), `human` (the --codings files)
    /// or `both` side by side [default: human with --codings, else auto].
    #[arg(long, value_enum, value_name = "SOURCE")]
    pub source: Option<Source>,
    /// The coder of the --codings files to count (when they hold several).
    #[arg(long, value_name = "NAME", conflicts_with = "consensus")]
    pub coder: Option<String>,
    /// Combine the coders of the --codings files per document: a code counts when more than
    /// half (`majority`), at least one (`any`) or all (`all`) of the coders who coded the
    /// document gave it.
    #[arg(long, value_enum, value_name = "RULE")]
    pub consensus: Option<Consensus>,
    /// How start,end spans of a codings file select segments.
    #[arg(long, value_enum, default_value = "any")]
    pub overlap: Overlap,
}

/// One set of codings of the documents, with its name (`auto`, a coder, a consensus).
#[derive(Debug)]
pub struct CodingSet {
    /// The name shown in outputs.
    pub name: String,
    /// Codings per document, parallel to the corpus documents.
    pub codings: Vec<Vec<Coding>>,
    /// Read from codings files (rather than coded now).
    pub human: bool,
}

/// The inputs read, with one or two coding sets (two for `--source both`).
pub struct Sourced {
    /// The codebook.
    pub codebook: Codebook,
    /// The documents analysed (with human codings: the ones the coder(s) coded).
    pub corpus: Corpus,
    /// The study file's settings.
    pub study: Study,
    /// The coding sets, `auto` first.
    pub sets: Vec<CodingSet>,
}

impl Sourced {
    /// The view of each coding set, with its name.
    pub fn views(&self) -> Vec<(&str, CodedCorpus<'_>)> {
        self.sets
            .iter()
            .map(|set| {
                (
                    set.name.as_str(),
                    CodedCorpus {
                        codebook: &self.codebook,
                        documents: &self.corpus.documents,
                        codings: &set.codings,
                    },
                )
            })
            .collect()
    }

    /// The view of the first (with one source: the only) coding set.
    pub fn view(&self) -> CodedCorpus<'_> {
        CodedCorpus {
            codebook: &self.codebook,
            documents: &self.corpus.documents,
            codings: &self.sets[0].codings,
        }
    }

    /// Whether two coding sets are shown side by side.
    pub fn both(&self) -> bool {
        self.sets.len() > 1
    }
}

impl SourceArgs {
    /// The source asked for: `--source`, else human when codings files are given.
    pub fn source(&self) -> Result<Source> {
        let source = self.source.unwrap_or(if self.codings.is_empty() {
            Source::Auto
        } else {
            Source::Human
        });
        if source != Source::Auto && self.codings.is_empty() {
            return Err(Error::Usage(
                "--source human and --source both count the codings of --codings FILE: give one"
                    .into(),
            ));
        }
        if source == Source::Auto && (self.coder.is_some() || self.consensus.is_some()) {
            return Err(Error::Usage(
                "--coder and --consensus pick human codings: give --codings FILE (and not --source auto)"
                    .into(),
            ));
        }
        Ok(source)
    }

    /// [`SourceArgs::read`] for an analysis that only counts: with the codebook's codings
    /// alone, the documents are coded a batch at a time and kept without their text (see
    /// [`InputArgs::read_and_code_counting`]).
    pub fn read_counting(&self, input: &InputArgs) -> Result<Sourced> {
        if self.source()? != Source::Auto {
            return self.read(input);
        }
        let coded = input.read_and_code_counting()?;
        Ok(Sourced {
            codebook: coded.codebook,
            corpus: coded.corpus,
            study: coded.study,
            sets: vec![CodingSet {
                name: AUTO_CODER.to_owned(),
                codings: coded.codings,
                human: false,
            }],
        })
    }

    /// Reads the inputs and the codings of the chosen source(s).
    pub fn read(&self, input: &InputArgs) -> Result<Sourced> {
        let source = self.source()?;
        let (mut corpus, study) = input.read()?;
        let codebook = input.codebook(&study)?;
        let mut sets = Vec::new();
        if source != Source::Auto {
            let read = super::read_codings_files(&self.codings, &corpus, &codebook, self.overlap)?;
            super::print_notes(input.quiet, &read.notes);
            let human = read.codings;
            let pick = match (&self.coder, self.consensus) {
                (Some(coder), _) => Some(CoderPick::Coder(coder.clone())),
                (None, Some(rule)) => Some(CoderPick::Consensus(rule)),
                (None, None) => None,
            };
            let set = human_set(
                &corpus.documents,
                &human,
                pick.as_ref(),
                input.code_interviewer,
            )?;
            let total = corpus.documents.len();
            let kept: Vec<_> = std::mem::take(&mut corpus.documents)
                .into_iter()
                .zip(set.codings)
                .zip(&set.covered)
                .filter(|(_, covered)| **covered)
                .map(|(pair, _)| pair)
                .collect();
            let (documents, codings): (Vec<_>, Vec<_>) = kept.into_iter().unzip();
            corpus.documents = documents;
            if !input.quiet {
                let coders = if set.coders.len() > 1 {
                    format!(" of {}", set.coders.join(", "))
                } else {
                    String::new()
                };
                eprintln!(
                    "thema: note: coding source: {}{coders} (human{}), on the {} of {total} documents coded",
                    set.name,
                    if source == Source::Both {
                        ", beside auto"
                    } else {
                        ""
                    },
                    corpus.documents.len()
                );
                if set.not_respondent > 0 {
                    eprintln!(
                        "thema: note: {} human codings of interviewer turns or the preamble are left out (--code-interviewer keeps them)",
                        set.not_respondent
                    );
                }
            }
            // thema's own codings.csv reads as the coder `auto`: told apart from coding now.
            let name = if source == Source::Both && set.name == AUTO_CODER {
                format!("{AUTO_CODER} (file)")
            } else {
                set.name
            };
            sets.push(CodingSet {
                name,
                codings,
                human: true,
            });
        }
        if source != Source::Human {
            let codings = input.code(&corpus, &codebook)?;
            sets.insert(
                0,
                CodingSet {
                    name: AUTO_CODER.to_owned(),
                    codings,
                    human: false,
                },
            );
        }
        Ok(Sourced {
            codebook,
            corpus,
            study,
            sets,
        })
    }
}

/// The tables of the coding sets as one: the table itself for one set, else `merge` of them.
pub fn one_table(
    tables: &[(&str, crate::output::Table)],
    merge: impl Fn(&[(&str, &crate::output::Table)]) -> crate::output::Table,
) -> crate::output::Table {
    match tables {
        [(_, one)] => one.clone(),
        several => {
            let named: Vec<(&str, &crate::output::Table)> =
                several.iter().map(|(n, t)| (*n, t)).collect();
            merge(&named)
        }
    }
}

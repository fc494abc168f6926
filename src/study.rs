//! The study file `thema.toml`: defaults for a project's inputs, codebook and grouping, so a
//! researcher can type `thema report` in the project folder. Flags override it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{Error, Result};

/// The study file's name, looked up in the working directory.
pub const STUDY_FILE: &str = "thema.toml";

/// Settings from `thema.toml`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Study {
    /// Transcript files and folders.
    #[serde(default)]
    pub inputs: Vec<PathBuf>,
    /// The codebook (the embedded default when absent).
    pub codebook: Option<PathBuf>,
    /// An attributes CSV.
    pub attributes: Option<PathBuf>,
    /// Extra interviewer labels.
    #[serde(default)]
    pub interviewer: Vec<String>,
    /// When set, only these labels start speaker turns.
    #[serde(default)]
    pub speakers: Vec<String>,
    /// The default attribute for `--by`.
    pub by: Option<String>,
    /// A local language model as a coder for `thema code` (flags override each key).
    pub llm: Option<LlmStudy>,
}

/// `[llm]` of the study file: see `thema code --help` for each key.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmStudy {
    /// The server's OpenAI-compatible base URL, e.g. `http://127.0.0.1:11434/v1`.
    pub url: Option<String>,
    /// The model name.
    pub model: Option<String>,
    /// Sampling temperature.
    pub temperature: Option<f64>,
    /// Sampling seed.
    pub seed: Option<u64>,
    /// Requests in flight at once.
    pub concurrency: Option<usize>,
    /// Seconds allowed per request.
    pub timeout: Option<u64>,
    /// Tries per turn.
    pub tries: Option<usize>,
    /// `json_schema`, `json_object` or `none`.
    pub format: Option<crate::llm::ResponseFormat>,
    /// The answer cache folder.
    pub cache: Option<std::path::PathBuf>,
}

impl Study {
    /// Reads `thema.toml` from `dir` if it exists.
    pub fn load(dir: &Path) -> Result<Study> {
        let path = dir.join(STUDY_FILE);
        if !path.exists() {
            return Ok(Study::default());
        }
        let source =
            std::fs::read_to_string(&path).map_err(|e| Error::input(&path, e.to_string()))?;
        toml::from_str(&source).map_err(|e| {
            let line = e.span().map_or(1, |s| {
                source[..s.start.min(source.len())].matches('\n').count() + 1
            });
            Error::input_line(STUDY_FILE, line, e.message().trim().replace('\n', " "))
        })
    }
}

/// The commented study file `thema init` writes.
pub const TEMPLATE: &str = r#"# thema study file. thema reads it from the folder you run it in; flags override it.

# Transcript files and folders (read recursively, in path order).
inputs = ["transcripts/"]

# The codebook. Leave it out to use the embedded default (proactive public services);
# `thema codebook show` prints it, and copying codebooks/proactive-services.toml is a good start.
# codebook = "codebooks/my-study.toml"

# A CSV with a `document` column and one column per attribute (cohort, municipality, ...).
# attributes = "attributes.csv"

# Extra labels of interviewers, on top of I, Int, Interviewer, Onderzoeker, Q and Vraag.
# interviewer = ["Sanne"]

# When set, only these labels start a speaker turn (otherwise thema recognises labels itself).
# speakers = ["Interviewer", "Maria"]

# The attribute `thema report` groups by when --by is not given.
# by = "cohort"

# A language model on this machine as a second coder for `thema code` (see the README).
# [llm]
# url = "http://127.0.0.1:11434/v1"
# model = "llama3.1:8b"
# temperature = 0.0
# concurrency = 2
"#;

//! The `--llm` options of `thema code`, with `[llm]` of the study file as their defaults,
//! and the run's progress bar, summary and manifest record.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::InputArgs;
use crate::Result;
use crate::codebook::Codebook;
use crate::ingest::Corpus;
use crate::llm::{LlmRun, LlmSettings, ResponseFormat, verify::Reason};
use crate::manifest::LlmRecord;
use crate::study::LlmStudy;

/// The model name sent when neither the user nor the server names one (servers with one
/// model ignore it).
const DEFAULT_MODEL: &str = "default";

/// A local language model as the coder.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Language model")]
pub struct LlmArgs {
    /// Code with the language model served at this OpenAI-compatible base URL (Ollama:
    /// http://127.0.0.1:11434/v1, llama.cpp's server: http://127.0.0.1:8080/v1) instead of
    /// the rules; only this machine unless --llm-allow-remote [default: url of [llm] in
    /// thema.toml].
    #[arg(long, value_name = "URL")]
    pub llm: Option<String>,
    /// The model's name on the server [default: the one model the server lists].
    #[arg(long, value_name = "NAME")]
    pub llm_model: Option<String>,
    /// Sampling temperature [default: 0].
    #[arg(long, value_name = "T")]
    pub llm_temperature: Option<f64>,
    /// Sampling seed sent with every request [default: 42].
    #[arg(long, value_name = "N")]
    pub llm_seed: Option<u64>,
    /// Requests in flight at once [default: 2].
    #[arg(long, value_name = "N")]
    pub llm_concurrency: Option<usize>,
    /// Seconds allowed per request [default: 300].
    #[arg(long, value_name = "SECONDS")]
    pub llm_timeout: Option<u64>,
    /// Tries per turn before it is given up (timeouts, server errors) [default: 3].
    #[arg(long, value_name = "N")]
    pub llm_tries: Option<usize>,
    /// How the server is asked for JSON [default: json-schema].
    #[arg(long, value_enum, value_name = "HOW")]
    pub llm_format: Option<ResponseFormat>,
    /// Cache of the model's answers; a rerun reads them instead of asking again
    /// [default: DIR/llm-cache].
    #[arg(long, value_name = "DIR")]
    pub llm_cache: Option<PathBuf>,
    /// Write every dropped suggestion (unknown code, evidence not in the turn, malformed or
    /// missing answer) to this CSV.
    #[arg(long, value_name = "FILE.csv")]
    pub llm_log: Option<PathBuf>,
    /// Also write the rules' codings (coder `auto` beside `llm` in `agree`).
    #[arg(long)]
    pub llm_with_rules: bool,
    /// Allow a server on another machine: the transcripts are sent to it.
    #[arg(long)]
    pub llm_allow_remote: bool,
}

impl LlmArgs {
    /// The settings, flags over `[llm]` of the study file; `None` without a URL.
    pub fn settings(&self, study: Option<&LlmStudy>, out: &Path) -> Result<Option<LlmSettings>> {
        let default = LlmStudy::default();
        let study = study.unwrap_or(&default);
        let Some(url) = self.llm.clone().or_else(|| study.url.clone()) else {
            if self.llm_log.is_some() || self.llm_with_rules || self.llm_model.is_some() {
                return Err(crate::Error::Usage(
                    "--llm-log, --llm-with-rules and --llm-model need --llm URL (or url in [llm] of thema.toml)".into(),
                ));
            }
            return Ok(None);
        };
        let endpoint = crate::llm::client::Endpoint::parse(&url, self.llm_allow_remote)?;
        let model = match self.llm_model.clone().or_else(|| study.model.clone()) {
            Some(model) => model,
            None => {
                let models = crate::llm::client::list_models(&endpoint)?.unwrap_or_default();
                match models.as_slice() {
                    [one] => one.clone(),
                    [] => {
                        eprintln!(
                            "thema: note: {url}/models lists no model: sending the model name `{DEFAULT_MODEL}` (--llm-model names one)"
                        );
                        DEFAULT_MODEL.to_owned()
                    }
                    many => {
                        return Err(crate::Error::Usage(format!(
                            "{url}: the server has several models ({}): pick one with --llm-model",
                            many.join(", ")
                        )));
                    }
                }
            }
        };
        if !endpoint.loopback {
            eprintln!(
                "thema: warning: --llm-allow-remote: the transcripts are sent to {url}, off this machine"
            );
        }
        Ok(Some(LlmSettings {
            url,
            model,
            temperature: self.llm_temperature.or(study.temperature).unwrap_or(0.0),
            seed: self.llm_seed.or(study.seed).unwrap_or(42),
            concurrency: self
                .llm_concurrency
                .or(study.concurrency)
                .unwrap_or(2)
                .max(1),
            timeout: Duration::from_secs(self.llm_timeout.or(study.timeout).unwrap_or(300)),
            tries: self.llm_tries.or(study.tries).unwrap_or(3).max(1),
            response_format: self
                .llm_format
                .or(study.format)
                .unwrap_or(ResponseFormat::JsonSchema),
            allow_remote: self.llm_allow_remote,
            cache: self
                .llm_cache
                .clone()
                .or_else(|| study.cache.clone())
                .unwrap_or_else(|| out.join("llm-cache")),
        }))
    }
}

/// Codes the corpus with the model, with a progress bar of turns done and time left.
pub fn code(
    corpus: &Corpus,
    codebook: &Codebook,
    settings: &LlmSettings,
    input: &InputArgs,
) -> Result<LlmRun> {
    let total: usize = corpus
        .documents
        .iter()
        .enumerate()
        .map(|(d, doc)| crate::llm::units(d, doc, input.code_interviewer).len())
        .sum();
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
    if !input.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
    bar.set_style(
        ProgressStyle::with_template("llm {bar:30} {pos}/{len} turns, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let run = crate::llm::code(
        &corpus.documents,
        codebook,
        settings,
        input.code_interviewer,
        &|done| bar.set_position(done as u64),
    );
    bar.finish_and_clear();
    run
}

/// The turns the model gave no answer for.
pub fn unanswered(run: &LlmRun) -> usize {
    run.dropped
        .iter()
        .filter(|d| d.reason == Reason::NoAnswer)
        .count()
}

/// The summary line of an LLM run.
pub fn summary(settings: &LlmSettings, run: &LlmRun) -> String {
    let t = &run.tally;
    format!(
        "llm: {} at {}: {} turns ({} answered from the cache {}, {} requests), {} suggestions, {} kept as codings; dropped: {}",
        settings.model,
        settings.url,
        t.units,
        t.cached,
        settings.cache.display(),
        t.requests,
        t.suggestions,
        t.accepted,
        crate::llm::dropped_summary(&run.dropped)
    )
}

/// The manifest's record of the run (without the cache and request counts, which differ
/// between a first run and its rerun).
pub fn record(settings: &LlmSettings, run: &LlmRun, with_rules: bool) -> LlmRecord {
    let mut dropped = std::collections::BTreeMap::new();
    for d in &run.dropped {
        *dropped.entry(d.reason.as_str().to_owned()).or_default() += 1;
    }
    LlmRecord {
        url: settings.url.clone(),
        model: settings.model.clone(),
        temperature: settings.temperature,
        seed: settings.seed,
        response_format: match settings.response_format {
            ResponseFormat::JsonSchema => "json-schema",
            ResponseFormat::JsonObject => "json-object",
            ResponseFormat::None => "none",
        }
        .to_owned(),
        cache: settings.cache.display().to_string(),
        with_rules,
        units: run.tally.units,
        suggestions: run.tally.suggestions,
        accepted: run.tally.accepted,
        dropped,
    }
}

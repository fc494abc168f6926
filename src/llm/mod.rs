//! A local language model as a second coder. Every respondent turn is one chat-completions
//! request to an OpenAI-compatible server (Ollama, llama.cpp's server, LM Studio, vLLM); the
//! answer's suggestions count only when their code is in the codebook and their evidence is
//! in the turn (see [`verify`]). Answers are cached on disk (see [`cache`]), so a rerun gives
//! the same codings without calling the server and an interrupted run resumes. Only loopback
//! servers are contacted unless the user allows a remote one (see [`client`]).

pub mod cache;
pub mod client;
pub mod prompt;
pub mod verify;

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::codebook::Codebook;
use crate::corpus::{Document, Role};
use crate::engine::Coding;
use crate::{Error, Result};

pub use verify::Dropped;

/// The prefix of the `rule` of an LLM coding: `llm:<model>`.
pub const RULE_PREFIX: &str = "llm:";

/// The coder name of LLM codings in `agree` and `evaluate`.
pub const LLM_CODER: &str = "llm";

/// How `response_format` asks the server for JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseFormat {
    /// A JSON schema with the codebook's code ids (OpenAI, llama.cpp, Ollama, vLLM).
    JsonSchema,
    /// `{"type": "json_object"}` with the schema beside it (llama-cpp-python's server).
    JsonObject,
    /// No `response_format`: the prompt alone asks for JSON.
    None,
}

/// How to reach the model and how to ask it.
#[derive(Debug, Clone)]
pub struct LlmSettings {
    /// The server's base URL, e.g. `http://127.0.0.1:11434/v1`.
    pub url: String,
    /// The model name sent with each request.
    pub model: String,
    /// Sampling temperature (0 by default).
    pub temperature: f64,
    /// Sampling seed sent with each request.
    pub seed: u64,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Time allowed for one request.
    pub timeout: Duration,
    /// Tries per unit before it is given up (at least 1).
    pub tries: usize,
    /// How the server is asked for JSON.
    pub response_format: ResponseFormat,
    /// Contact a server that is not on this machine.
    pub allow_remote: bool,
    /// The cache folder.
    pub cache: PathBuf,
}

/// One unit the model codes: a respondent turn with the question before it.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Index of the document in the corpus.
    pub document: usize,
    /// The turn number.
    pub turn: usize,
    /// Indices (0-based) of the turn's segments in the document.
    pub segments: std::ops::Range<usize>,
    /// The turn as the transcript has it, from its first segment to its last.
    pub text: String,
    /// Code-point offset of `text` in the document.
    pub start: usize,
    /// The interviewer's last turn before it ("" when there is none).
    pub question: String,
}

/// The turns of `document` to code: respondent turns (every turn with `code_interviewer`),
/// each with the interviewer turn before it.
pub fn units(index: usize, document: &Document, code_interviewer: bool) -> Vec<Unit> {
    let chars: Vec<usize> = document
        .text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(document.text.len()))
        .collect();
    let slice = |start: usize, end: usize| &document.text[chars[start]..chars[end]];
    let mut out = Vec::new();
    let mut question = String::new();
    let mut i = 0;
    while i < document.segments.len() {
        let first = &document.segments[i];
        let mut j = i + 1;
        while j < document.segments.len() && document.segments[j].turn == first.turn {
            j += 1;
        }
        let last = &document.segments[j - 1];
        let text = slice(first.start, last.end);
        match first.role {
            Role::Interviewer => {
                if code_interviewer {
                    out.push(unit(index, first, i..j, text, &question));
                }
                question = text.to_owned();
            }
            Role::Respondent => out.push(unit(index, first, i..j, text, &question)),
            _ => {}
        }
        i = j;
    }
    out
}

fn unit(
    document: usize,
    first: &crate::corpus::Segment,
    segments: std::ops::Range<usize>,
    text: &str,
    question: &str,
) -> Unit {
    Unit {
        document,
        turn: first.turn,
        segments,
        text: text.to_owned(),
        start: first.start,
        question: question.to_owned(),
    }
}

/// What an LLM run did, for the summary and the manifest.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LlmTally {
    /// Units sent (or found in the cache).
    pub units: usize,
    /// Units answered from the cache, without a request.
    pub cached: usize,
    /// Requests made to the server (retries included).
    pub requests: usize,
    /// Suggestions in the answers.
    pub suggestions: usize,
    /// Suggestions kept as codings.
    pub accepted: usize,
}

/// The result of coding a corpus with the model.
#[derive(Debug, Default)]
pub struct LlmRun {
    /// Codings per document, sorted.
    pub codings: Vec<Vec<Coding>>,
    /// What was sent, cached and kept.
    pub tally: LlmTally,
    /// Every suggestion or answer that was not kept, in document and turn order.
    pub dropped: Vec<Dropped>,
}

/// Codes the respondent turns of `documents` with the model: cached answers first, the rest
/// asked of the server `settings.concurrency` at a time. `done` is called after each unit.
/// The server not running, refusing the model, or a remote URL without `allow_remote` is an
/// error before any coding; a unit whose every try failed is listed in `dropped`.
pub fn code(
    documents: &[Document],
    codebook: &Codebook,
    settings: &LlmSettings,
    code_interviewer: bool,
    done: &(dyn Fn(usize) + Sync),
) -> Result<LlmRun> {
    let endpoint = client::Endpoint::parse(&settings.url, settings.allow_remote)?;
    let cache = cache::Cache::open(&settings.cache);
    let system = prompt::system_message(codebook);
    let units: Vec<Unit> = documents
        .iter()
        .enumerate()
        .flat_map(|(d, doc)| units(d, doc, code_interviewer))
        .collect();
    let requests: Vec<String> = units
        .iter()
        .map(|u| prompt::request_body(settings, codebook, &system, u))
        .collect();
    let keys: Vec<String> = units
        .iter()
        .zip(&requests)
        .map(|(u, r)| cache::key(&settings.model, r, &u.text))
        .collect();
    let mut answers: Vec<Option<std::result::Result<String, String>>> =
        keys.iter().map(|k| cache.get(k).map(Ok)).collect();
    let cached = answers.iter().filter(|a| a.is_some()).count();
    let agent = client::Client::new(endpoint, settings);
    let pending: Vec<usize> = (0..units.len()).filter(|&i| answers[i].is_none()).collect();
    let request_count = AtomicUsize::new(0);
    let finished = AtomicUsize::new(cached);
    done(cached);
    if let Some(&first) = pending.first() {
        // The first request alone: a server that is not running, or does not know the
        // model, is one clear error rather than one per unit.
        let answer = agent.ask(&requests[first], &request_count)?;
        if let Ok(content) = &answer {
            cache.put(&keys[first], content)?;
        }
        answers[first] = Some(answer);
        done(finished.fetch_add(1, Ordering::Relaxed) + 1);
    }
    let rest = pending.get(1..).unwrap_or_default();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, std::result::Result<String, String>)>> = Mutex::new(Vec::new());
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..settings.concurrency.max(1).min(rest.len().max(1)) {
            scope.spawn(|| {
                loop {
                    if failure.lock().map_or(true, |f| f.is_some()) {
                        return;
                    }
                    let Some(&i) = rest.get(next.fetch_add(1, Ordering::Relaxed)) else {
                        return;
                    };
                    let outcome = agent.ask(&requests[i], &request_count).and_then(|answer| {
                        if let Ok(content) = &answer {
                            cache.put(&keys[i], content)?;
                        }
                        Ok(answer)
                    });
                    match outcome {
                        Ok(answer) => {
                            if let Ok(mut r) = results.lock() {
                                r.push((i, answer));
                            }
                            done(finished.fetch_add(1, Ordering::Relaxed) + 1);
                        }
                        Err(e) => {
                            if let Ok(mut f) = failure.lock() {
                                f.get_or_insert(e);
                            }
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(e);
    }
    for (i, answer) in results.into_inner().unwrap_or_default() {
        answers[i] = Some(answer);
    }
    let mut run = LlmRun {
        codings: vec![Vec::new(); documents.len()],
        tally: LlmTally {
            units: units.len(),
            cached,
            requests: request_count.into_inner(),
            ..LlmTally::default()
        },
        dropped: Vec::new(),
    };
    let rule = format!("{RULE_PREFIX}{}", settings.model);
    for (unit, answer) in units.iter().zip(answers) {
        let doc = &documents[unit.document];
        let answer = answer.unwrap_or_else(|| Err("not asked".to_owned()));
        let checked = verify::check(&answer, unit, doc, codebook, &rule);
        run.tally.suggestions += checked.suggestions;
        run.tally.accepted += checked.codings.len();
        run.codings[unit.document].extend(checked.codings);
        run.dropped.extend(checked.dropped);
    }
    for codings in &mut run.codings {
        codings.sort();
        codings.dedup();
    }
    Ok(run)
}

/// The `--llm-log` table: one row per dropped suggestion or unanswered unit.
pub fn log_table(documents: &[Document], dropped: &[Dropped]) -> crate::output::Table {
    let mut table = crate::output::Table::new(["document", "turn", "reason", "code", "evidence"]);
    for d in dropped {
        table.rows.push(vec![
            documents[d.document].id.clone().into(),
            d.turn.into(),
            d.reason.as_str().into(),
            d.code.clone().into(),
            d.detail.clone().into(),
        ]);
    }
    table
}

/// Counts of dropped suggestions per reason, e.g. `3 evidence not in the turn, 1 unknown code`.
pub fn dropped_summary(dropped: &[Dropped]) -> String {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for d in dropped {
        *counts.entry(d.reason.as_str()).or_default() += 1;
    }
    if counts.is_empty() {
        return "none dropped".to_owned();
    }
    counts
        .iter()
        .map(|(reason, n)| format!("{n} {reason}"))
        .collect::<Vec<_>>()
        .join(", ")
}

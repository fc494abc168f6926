//! `thema codebook test`: every example must get its code, no counterexample may.

use super::{Coding, Engine, EngineOptions};
use crate::codebook::Codebook;

/// One example or counterexample that came out wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// The code it belongs to.
    pub code: String,
    /// `true` for a missed example, `false` for a wrongly coded counterexample.
    pub missed: bool,
    /// 1-based position in the code's `examples` or `counterexamples`.
    pub number: usize,
    /// The language it was coded in.
    pub language: String,
    /// The text.
    pub text: String,
    /// For a counterexample: the codings that wrongly gave the code. For an example: all
    /// codings it got, to show what fired instead.
    pub codings: Vec<Coding>,
}

/// Codes every example and counterexample; returns the number checked and the failures.
pub fn test_examples(codebook: &Codebook) -> (usize, Vec<ExampleFailure>) {
    let engine = Engine::new(codebook, EngineOptions::default());
    let mut checked = 0;
    let mut failures = Vec::new();
    for code in &codebook.codes {
        let cases = code
            .examples
            .iter()
            .map(|t| (true, t))
            .enumerate()
            .chain(code.counterexamples.iter().map(|t| (false, t)).enumerate());
        for (index, (is_example, text)) in cases {
            checked += 1;
            let spoken = text
                .lines()
                .map(|l| l.strip_prefix("I:").or(l.strip_prefix("R:")).unwrap_or(l));
            let language = crate::text::guess_language(spoken).unwrap_or("nl");
            let codings = engine.code_text(text, language);
            let hits: Vec<Coding> = codings
                .iter()
                .filter(|c| c.code == code.id)
                .cloned()
                .collect();
            if is_example == hits.is_empty() {
                failures.push(ExampleFailure {
                    code: code.id.clone(),
                    missed: is_example,
                    number: index + 1,
                    language: language.to_owned(),
                    text: text.clone(),
                    codings: if is_example { codings } else { hits },
                });
            }
        }
    }
    (checked, failures)
}

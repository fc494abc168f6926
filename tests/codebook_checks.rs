//! Codebook mistakes that used to be silent no-ops: each is now matched or refused.

mod common;

use std::path::Path;

use common::{stdout_of, thema};
use thema::codebook::Codebook;
use thema::engine::{Engine, EngineOptions};

fn codes_of(codebook: &str, text: &str) -> Vec<String> {
    let codebook = Codebook::from_source(Path::new("cb.toml"), codebook).expect("valid codebook");
    let engine = Engine::new(&codebook, EngineOptions::default());
    let mut codes: Vec<String> = engine
        .code_text(text, "en")
        .into_iter()
        .map(|c| c.code)
        .collect();
    codes.dedup();
    codes
}

fn check_fails(codebook: &str, message: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("cb.toml");
    std::fs::write(&file, codebook).expect("written");
    let output = thema()
        .args(["codebook", "check"])
        .arg(&file)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{codebook}: {stderr}");
    assert!(stderr.contains(message), "{codebook}: {stderr}");
}

#[test]
fn hyphenated_terms_match_the_text_hyphenated_or_split() {
    let codebook = "[[codes]]\nid = \"privacy\"\n[[codes.rules]]\nterms = [\"re-identif*\", \"social-media\"]\n";
    for text in [
        "They could re-identify me.",
        "They could re identify me.",
        "It was all over social-media.",
        "It was all over social media.",
    ] {
        assert_eq!(codes_of(codebook, text), ["privacy"], "{text}");
    }
    assert!(codes_of(codebook, "Social work and media.").is_empty());
}

#[test]
fn regex_syntax_in_terms_is_refused() {
    check_fails(
        "[[codes]]\nid = \"a\"\n[[codes.rules]]\nterms = [\"(bel|ring)\"]\n",
        "is not term syntax",
    );
}

#[test]
fn a_language_table_not_named_by_its_code_is_refused() {
    check_fails(
        "[languages.english]\nnegators = [\"not\"]\n[[codes]]\nid = \"a\"\n",
        "a language is named by its ISO 639-1 code",
    );
}

#[test]
fn gap_on_a_near_rule_is_refused() {
    check_fails(
        "[[codes]]\nid = \"a\"\n[[codes.rules]]\nnear = [\"letter\", \"council\"]\ngap = 3\n",
        "`gap` has no effect",
    );
}

#[test]
fn defaults_set_what_negation_does_for_every_rule() {
    let rules = "[languages.en]\nnegators = [\"not\", \"never\"]\n[[codes]]\nid = \"called\"\n[[codes.rules]]\nterms = [\"called\"]\n";
    let text = "They never called me.";
    assert!(
        codes_of(rules, text).is_empty(),
        "a negated match is dropped by default"
    );
    let keep = format!("[defaults]\nnegated = \"keep\"\n{rules}");
    assert_eq!(codes_of(&keep, text), ["called"]);
}

#[test]
fn codebook_patterns_lists_the_matchers_literals_sorted_and_once() {
    let words = stdout_of(&["codebook", "patterns"]);
    let lines: Vec<&str> = words.lines().collect();
    assert!(lines.len() > 500, "{} literals", lines.len());
    let mut sorted = lines.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(lines, sorted, "sorted and distinct");
    assert!(lines.iter().all(|l| !l.is_empty() && !l.contains('*')));
    assert!(lines.contains(&"gebeld"), "a word of the default codebook");
    let kinds = stdout_of(&["codebook", "patterns", "--kinds"]);
    assert!(kinds.starts_with("kind,literal\n"));
    for kind in ["word", "prefix", "lemma"] {
        assert!(
            kinds.lines().any(|l| l.starts_with(&format!("{kind},"))),
            "{kind}"
        );
    }
}

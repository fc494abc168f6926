//! Each rule kind and context option of the codebook format, on one-line texts.

use std::path::Path;

use thema::codebook::Codebook;
use thema::engine::{Engine, EngineOptions};

fn codebook() -> Codebook {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/codebooks/rule-kinds.toml");
    Codebook::from_file(&path).expect("test codebook is valid")
}

/// The codes given to `text`, with the rule behind each, sorted.
fn coded(text: &str, language: &str) -> Vec<(String, String)> {
    let cb = codebook();
    let engine = Engine::new(&cb, EngineOptions::default());
    let mut out: Vec<(String, String)> = engine
        .code_text(text, language)
        .into_iter()
        .map(|c| (c.code, c.rule))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn pair(code: &str, rule: &str) -> (String, String) {
    (code.to_owned(), rule.to_owned())
}

#[test]
fn words_with_gap_and_alternatives() {
    assert_eq!(
        coded("Toen belden ze me op.", "nl"),
        vec![pair("initiative", "called-me")]
    );
    assert_eq!(
        coded("They reached out in March.", "en"),
        vec![pair("initiative", "called-me")]
    );
}

#[test]
fn separable_verb_split_over_the_clause() {
    assert_eq!(
        coded("Toen namen ze meteen contact met me op.", "nl"),
        vec![pair("initiative", "contact-separable")]
    );
}

#[test]
fn negation_recodes_and_respects_clauses() {
    assert_eq!(
        coded("Niemand belde me.", "nl"),
        vec![pair("missed", "called-me (negated)")]
    );
    assert_eq!(
        coded("Ze belden me niet.", "nl"),
        vec![pair("missed", "called-me (negated)")]
    );
    assert_eq!(
        coded("They never reached out.", "en"),
        vec![pair("missed", "called-me (negated)")]
    );
    assert_eq!(
        coded("They didn't reach out.", "en"),
        vec![pair("missed", "called-me (negated)")]
    );
    // The negator stands in another clause: not negation.
    assert_eq!(
        coded("Ik wist het niet, maar ze belden me.", "nl"),
        vec![pair("initiative", "called-me")]
    );
    // Two negators cancel (litotes).
    assert_eq!(
        coded("Niemand belde me niet.", "nl"),
        vec![pair("initiative", "called-me")]
    );
}

#[test]
fn negators_inside_not_negation_phrases_do_not_negate() {
    assert_eq!(
        coded("Uit het niets belden ze me.", "nl"),
        vec![pair("initiative", "called-me")]
    );
    assert_eq!(
        coded("Het niets belden ze me.", "nl"),
        vec![pair("missed", "called-me (negated)")]
    );
}

#[test]
fn negator_inside_the_matched_phrase_is_part_of_the_cue() {
    assert_eq!(
        coded("Ik had er niet om gevraagd.", "nl"),
        vec![pair("unsolicited", "unsolicited#1")]
    );
    assert_eq!(
        coded("I never asked for it.", "en"),
        vec![pair("unsolicited", "unsolicited#1")]
    );
}

#[test]
fn hypothetical_recodes() {
    assert_eq!(
        coded("Als ze eerder belden met mij, was het beter.", "nl"),
        vec![pair("expected", "called-me (hypothetical)")]
    );
    assert_eq!(
        coded("I wish they had reached out.", "en"),
        vec![pair("expected", "called-me (hypothetical)")]
    );
}

#[test]
fn exclusions_and_unless() {
    assert_eq!(
        coded("Het ging automatisch, heel fijn.", "nl"),
        vec![pair("initiative", "automatic")]
    );
    assert!(coded("De huur gaat via automatische incasso.", "nl").is_empty());
    assert_eq!(
        coded("De wijkcoach had gebeld.", "nl"),
        vec![pair("initiative", "own-initiative-guard")]
    );
    assert!(coded("Ik heb ze gebeld.", "nl").is_empty());
    assert!(coded("Ze werden door mij zelf gebeld.", "nl").is_empty());
}

#[test]
fn proximity_either_order_within_n_words() {
    assert_eq!(
        coded("Er kwam een brief van de gemeente.", "nl"),
        vec![pair("letter", "letter#1")]
    );
    assert_eq!(
        coded("The municipality sent a letter.", "en"),
        vec![pair("letter", "letter#1")]
    );
    assert!(
        coded(
            "A letter came, and weeks and weeks later the municipality called.",
            "en"
        )
        .is_empty()
    );
}

#[test]
fn regex_with_language_filter() {
    assert_eq!(
        coded("Het ging om € 450 per maand.", "nl"),
        vec![pair("amount", "amount#1")]
    );
    assert!(coded("It was €450 a month.", "en").is_empty());
}

#[test]
fn codings_point_at_the_matched_words_in_code_points() {
    let cb = codebook();
    let engine = Engine::new(&cb, EngineOptions::default());
    let text = "Één keer namen ze contact met me op.";
    let codings = engine.code_text(text, "nl");
    assert_eq!(codings.len(), 1);
    let c = &codings[0];
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(
        chars[c.start..c.end].iter().collect::<String>(),
        "namen ze contact met me op"
    );
    assert_eq!(c.matched, "namen … contact … op");
}

/// Issue 16, defect 1: a line break inside a segment (wrapped lines, joined subtitle cues,
/// soft breaks in Word) is white space for sentences, clauses and gaps.
#[test]
fn a_line_break_inside_a_segment_ends_no_sentence_or_clause() {
    assert_eq!(
        coded("Ze belden me\nniet.", "nl"),
        vec![pair("missed", "called-me (negated)")]
    );
    assert_eq!(
        coded("Toen namen ze\nmeteen contact met me op.", "nl"),
        vec![pair("initiative", "contact-separable")]
    );
}

/// Issue 16, defect 2: a clause-break word inside a listed phrase is part of the phrase.
#[test]
fn a_clause_break_inside_a_listed_phrase_does_not_split_it() {
    assert_eq!(
        coded("Hadden ze maar gebeld.", "nl"),
        vec![pair("expected", "own-initiative-guard (hypothetical)")]
    );
    assert!(coded("Ik vraag of de wijkcoach had gebeld.", "nl").is_empty());
}

/// Issue 16, defect 3: "neither … nor" is one negation, not a double negative.
#[test]
fn neither_nor_is_one_negation() {
    assert_eq!(
        coded("Neither the council nor the UWV reached out.", "en"),
        vec![pair("missed", "called-me (negated)")]
    );
    assert_eq!(
        coded("They did not reach out, nor call.", "en"),
        vec![pair("missed", "called-me (negated)")]
    );
}

/// Issue 16, defect 4: comparative "als" (zo … als, net als, als + a role) is no condition,
/// so the default codebook does not turn these contacts into wishes.
#[test]
fn comparative_als_is_no_hypothetical_in_the_default_codebook() {
    let cb = Codebook::embedded().expect("embedded codebook");
    let engine = Engine::new(&cb, EngineOptions::default());
    for text in [
        "Ze belden me zo snel als ze konden.",
        "Het wijkteam belde me net als de gemeente.",
        "Als moeder wil je het beste, en de gemeente belde me.",
        "De gemeente belde me, even vriendelijk als altijd.",
    ] {
        let codes: Vec<String> = engine
            .code_text(text, "nl")
            .into_iter()
            .map(|c| format!("{} {}", c.code, c.rule))
            .collect();
        assert!(
            codes
                .iter()
                .any(|c| c.starts_with("proactivity.initiative ")),
            "{text}: {codes:?}"
        );
        assert!(
            !codes
                .iter()
                .any(|c| c.starts_with("expectation.expected") || c.contains("(hypothetical)")),
            "{text}: {codes:?}"
        );
    }
}

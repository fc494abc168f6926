//! The linguistic layer of the engine on short texts, with a small codebook
//! (`tests/data/codebooks/linguistics.toml`): lemmas, who acts, third-party stories, the
//! interviewer's question, derived codes, sarcasm, correlative negation, conditionals that are
//! no wishes, clause breaks inside phrases and line breaks inside a segment.

mod common;

use std::path::Path;

use thema::codebook::Codebook;
use thema::engine::{Coding, Engine, EngineOptions};

fn codebook() -> Codebook {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/codebooks/linguistics.toml");
    Codebook::from_file(&path).expect("test codebook is valid")
}

fn codings(text: &str, language: &str) -> Vec<Coding> {
    let cb = codebook();
    Engine::new(&cb, EngineOptions::default()).code_text(text, language)
}

/// The codes given to `text`, each with the rule behind it, sorted and unique.
fn coded(text: &str, language: &str) -> Vec<String> {
    let mut out: Vec<String> = codings(text, language)
        .into_iter()
        .map(|c| format!("{} <- {}", c.code, c.rule))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn lemmas_match_every_inflection() {
    for text in [
        "Ze belde me.",
        "Ze hebben me gebeld.",
        "Toen belden ze.",
        "Ze hebben me opgebeld.",
    ] {
        assert_eq!(coded(text, "nl"), ["initiative <- phoned"], "{text}");
    }
    for text in ["They rang me.", "They called.", "They had rung twice."] {
        assert_eq!(coded(text, "en"), ["initiative <- phoned"], "{text}");
    }
}

#[test]
fn who_acts_decides_initiative() {
    assert!(coded("Ik belde ze.", "nl").is_empty());
    assert!(coded("I called them myself.", "en").is_empty());
    assert_eq!(coded("Ik werd gebeld.", "nl"), ["initiative <- phoned"]);
    assert_eq!(
        coded("De gemeente belde me.", "nl"),
        ["actor <- municipality", "initiative <- phoned"]
    );
    // A pronoun refers back to what the question named.
    assert_eq!(
        coded("I: Wat deed uw buurvrouw?\nR: Ze belde me.", "nl"),
        Vec::<String>::new()
    );
    assert_eq!(
        coded("I: Wat deed de gemeente?\nR: Ze belde me.", "nl"),
        ["initiative <- phoned"]
    );
}

#[test]
fn third_party_stories_keep_actor_codes_only() {
    assert_eq!(
        coded(
            "Mijn buurvrouw kreeg een brief van de gemeente, ze was blij.",
            "nl"
        ),
        ["actor <- municipality"]
    );
    assert_eq!(
        coded(
            "My sister says the council was lovely, she was so relieved.",
            "en"
        ),
        ["actor <- municipality"]
    );
    // Reported speech: what the neighbour says is theirs, what the respondent says is not.
    assert_eq!(
        coded("Mijn buurman zegt: het is eng. Ik was blij.", "nl"),
        ["welcomed <- glad"]
    );
}

#[test]
fn answers_are_read_with_the_question() {
    assert_eq!(
        coded("I: Had u erom gevraagd?\nR: Nee, helemaal niet.", "nl"),
        ["unsolicited <- not-asked"]
    );
    assert!(coded("I: Had u erom gevraagd?\nR: Ja.", "nl").is_empty());
    assert!(coded("I: Hoe ging het?\nR: Nee, niet goed.", "nl").is_empty());
    assert!(coded("Nee, helemaal niet.", "nl").is_empty());
    let c = codings("I: Had you asked for it?\nR: No, not at all.", "en");
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].matched, "No [question: asked for]");
}

#[test]
fn derived_codes_name_the_codings_they_came_from() {
    let c = codings("Het was fijn, maar ook een beetje eng.", "nl");
    let derived: Vec<&Coding> = c.iter().filter(|c| c.code == "ambivalent").collect();
    assert_eq!(derived.len(), 1, "{c:?}");
    assert_eq!(derived[0].rule, "mixed");
    assert_eq!(derived[0].matched, "welcomed: fijn + worry: eng");
    assert!(
        coded("Het was fijn.", "nl")
            .iter()
            .all(|c| !c.starts_with("ambivalent"))
    );
}

#[test]
fn sarcasm_drops_positive_words() {
    assert!(coded("Fijn hoor, weer een brief.", "nl").is_empty());
    assert!(coded("Oh great, I was so happy with another letter.", "en").is_empty());
    assert_eq!(coded("Ik was echt blij.", "nl"), ["welcomed <- glad"]);
}

#[test]
fn correlative_negation_is_one_negation() {
    // Issue 16, defect 3: "neither … nor" cancelled as a double negative.
    assert_eq!(
        coded("Neither my GP nor someone from the UWV called me.", "en"),
        ["missed <- phoned (negated)"]
    );
    assert_eq!(
        coded("Noch de gemeente noch het UWV belde me.", "nl"),
        ["actor <- municipality", "missed <- phoned (negated)"]
    );
    // Two plain negators still cancel (litotes).
    assert_eq!(
        coded("Niemand belde me niet.", "nl"),
        ["initiative <- phoned"]
    );
}

#[test]
fn comparative_als_is_no_hypothetical() {
    // Issue 16, defect 4: comparative "als" is not conditional.
    assert_eq!(
        coded("Ze belden me net als de gemeente had gedaan.", "nl").len(),
        2
    );
    assert!(
        coded("Ze belden me net als de gemeente had gedaan.", "nl")
            .contains(&"initiative <- phoned".to_owned())
    );
    assert_eq!(
        coded("Ze belden me zo snel als ze konden.", "nl"),
        ["initiative <- phoned"]
    );
    assert_eq!(
        coded("Als ze me eerder hadden gebeld, was het beter.", "nl"),
        ["expected <- phoned (hypothetical)"]
    );
    // A conditional that is no wish.
    assert_eq!(
        coded("Without that call things would have been worse off.", "en"),
        ["initiative <- phoned"]
    );
    assert_eq!(
        coded("Without that call things would have been hard.", "en"),
        ["expected <- phoned (hypothetical)"]
    );
}

#[test]
fn clause_breaks_inside_a_listed_phrase_are_part_of_it() {
    // Issue 16, defect 2: "hadden ze maar" and "vraag of" span a clause-break word.
    assert_eq!(
        coded("Hadden ze maar gebeld.", "nl"),
        ["expected <- phoned (hypothetical)"]
    );
    assert!(coded("Ik vraag of ze me kunnen helpen.", "nl").is_empty());
    assert_eq!(
        coded("Ze kunnen me helpen.", "nl"),
        ["helped <- help-question"]
    );
}

#[test]
fn line_breaks_inside_a_segment_are_white_space() {
    // Issue 16, defect 1: a wrapped line ends neither the sentence nor the clause.
    assert_eq!(
        coded(
            "De gemeente belde me\nnooit, ik moest alles zelf doen.",
            "nl"
        ),
        ["actor <- municipality", "missed <- phoned (negated)"]
    );
}

#[test]
fn subtitle_cues_of_one_speaker_are_read_as_one_sentence() {
    // Issue 16, defect 1, through a real WebVTT file: two cues joined by a line break.
    let dir = tempfile::tempdir().unwrap();
    let vtt = dir.path().join("maria.vtt");
    std::fs::write(
        &vtt,
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Interviewer>Hoe ging dat?</v>\n\n\
         00:00:04.000 --> 00:00:06.000\n<v Maria>De gemeente belde me</v>\n\n\
         00:00:06.000 --> 00:00:08.000\n<v Maria>nooit, ik moest alles zelf uitzoeken.</v>\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let codebook = common::root().join("tests/data/codebooks/linguistics.toml");
    common::stdout_of(&[
        "code",
        vtt.to_str().unwrap(),
        "--codebook",
        codebook.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    let (_, rows) = common::csv_rows(&std::fs::read_to_string(out.join("codings.csv")).unwrap());
    let codes: Vec<&str> = rows.iter().map(|r| r[4].as_str()).collect();
    assert_eq!(codes, ["actor", "missed"], "{rows:?}");
}

#[test]
fn examples_with_a_question_run_in_codebook_test() {
    let (checked, failures) = thema::engine::examples::test_examples(&codebook());
    assert_eq!(checked, 7);
    assert!(failures.is_empty(), "{failures:?}");
}

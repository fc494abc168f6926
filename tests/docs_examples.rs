//! The examples of docs/codebook-format.md are real: the feature codebook's examples and
//! counterexamples all come out right, the doc's TOML quotes are taken from that codebook,
//! and its quoted codings are what thema writes for the example interview.

mod common;
use common::{root, thema};

use predicates::prelude::*;

const FEATURES: &str = "docs/examples/features.toml";
const INTERVIEW: &str = "docs/examples/features-interview.txt";
const DOC: &str = "docs/codebook-format.md";

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The bodies of the doc's fenced blocks of one kind (```toml, ```csv), without the
/// indentation of their fence (blocks inside list items are indented).
fn fenced(doc: &str, kind: &str) -> Vec<String> {
    let open = format!("```{kind}");
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for line in doc.lines() {
        let indent = line.len() - line.trim_start().len();
        match &mut current {
            None if line.trim() == open => current = Some((indent, String::new())),
            Some((_, block)) if line.trim() == "```" => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            Some((fence, block)) => {
                block.push_str(line.get(*fence..).unwrap_or("").trim_end());
                block.push('\n');
            }
            None => {}
        }
    }
    blocks
}

#[test]
fn every_example_and_counterexample_of_the_feature_codebook_comes_out_right() {
    thema()
        .args(["codebook", "test", FEATURES])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "examples and counterexamples right, 0 wrong",
        ))
        .stdout(predicate::str::contains("\n-").not())
        .stdout(predicate::str::contains("\n+").not());
}

#[test]
fn the_docs_toml_quotes_are_taken_from_the_feature_codebook() {
    let features = read(FEATURES);
    let blocks = fenced(&read(DOC), "toml");
    assert!(blocks.len() >= 20, "only {} TOML quotes", blocks.len());
    for block in blocks {
        assert!(
            features.contains(&block),
            "{DOC} quotes TOML that is not in {FEATURES}:\n{block}"
        );
    }
}

#[test]
fn the_interview_codings_quoted_in_the_doc_are_what_thema_writes() {
    let dir = tempfile::tempdir().unwrap();
    let run = |out: &str, extra: &[&str]| -> String {
        let out = dir.path().join(out);
        thema()
            .args([
                "code",
                INTERVIEW,
                "--codebook",
                FEATURES,
                "--quiet",
                "--out",
            ])
            .arg(&out)
            .args(extra)
            .assert()
            .success();
        std::fs::read_to_string(out.join("codings.csv")).unwrap()
    };
    let with_interviewer = run("all", &["--code-interviewer"]);
    let rows: Vec<&str> = with_interviewer.lines().collect();
    let quotes = fenced(&read(DOC), "csv");
    assert!(!quotes.is_empty(), "{DOC} quotes no codings");
    for line in quotes.iter().flat_map(|q| q.lines()) {
        assert!(
            rows.contains(&line),
            "{DOC} quotes a coding thema does not write:\n{line}\n\nthema wrote:\n{with_interviewer}"
        );
    }
    // The role filter: the interviewer's words are coded only when asked for.
    assert!(with_interviewer.contains(",I,filters.role,"));
    assert!(!run("respondents", &[]).contains("filters.role"));
    // The speaker filter: Maria's call is coded, Jan's is not.
    assert!(with_interviewer.contains(",Maria,filters.speaker,"));
    assert!(!with_interviewer.contains(",Jan,filters.speaker,"));
}

#[test]
fn regex_syntax_in_a_term_is_refused_with_the_message_the_doc_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("regex-term.toml");
    std::fs::write(
        &path,
        "[[codes]]\nid = \"contact\"\n\n[[codes.rules]]\nterms = [\"(bel|ring)\"]\n",
    )
    .unwrap();
    let message = "term \"(bel|ring)\": `(bel`: `(` is not term syntax (words with `*` \
                   wildcards, `|` alternatives, `~lemma`, `{N}` gaps); for patterns write a \
                   `regex` rule";
    thema()
        .args(["codebook", "check"])
        .arg(&path)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "regex-term.toml:4:1: code `contact`, rule contact#1: ",
        ))
        .stderr(predicate::str::contains(message));
    assert!(
        read(DOC).contains(message),
        "{DOC} does not quote the refusal"
    );
}

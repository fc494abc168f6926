//! `thema search`: keyword in context in the term syntax of codebooks, counted by hand on
//! the three small transcripts of tests/data/sources.

mod common;

use common::{csv_rows, stdout_of, thema};

const TRANSCRIPTS: &str = "tests/data/sources/transcripts";

fn counts(extra: &[&str]) -> Vec<Vec<String>> {
    let mut args = vec!["search", TRANSCRIPTS];
    args.extend(extra);
    args.extend(["--counts", "--format", "csv", "-q"]);
    csv_rows(&stdout_of(&args)).1
}

#[test]
fn hits_are_counted_per_document_and_per_group() {
    // "answer": A says "Answer one." and "Answer two.", B "Only answer." and "Last
    // answer.", C only "Reply.".
    assert_eq!(
        counts(&["answer"]),
        [
            ["A", "2", "2", "3"],
            ["B", "2", "2", "2"],
            ["C", "0", "0", "1"]
        ]
    );
    // A is group x, B and C group y.
    assert_eq!(
        counts(&["answer", "--by", "group"]),
        [
            ["x", "1", "1", "100.0", "2", "2"],
            ["y", "2", "1", "50.0", "2", "2"]
        ]
    );
    // The interviewer's questions are searched only when asked for.
    assert!(counts(&["question*"]).iter().all(|r| r[1] == "0"));
    let with_interviewer = counts(&["question*", "--code-interviewer"]);
    let hits: Vec<&str> = with_interviewer.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(hits, ["2", "1", "1"]);
}

#[test]
fn phrases_alternatives_and_context_are_shown() {
    let (headers, rows) = csv_rows(&stdout_of(&[
        "search",
        TRANSCRIPTS,
        "answer one|two",
        "--context",
        "1",
        "--format",
        "csv",
        "-q",
    ]));
    assert_eq!(
        headers[..8],
        [
            "document",
            "segment",
            "turn",
            "speaker",
            "timestamp",
            "before",
            "match",
            "after"
        ]
    );
    let found: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[6].as_str()))
        .collect();
    assert_eq!(found, [("A", "2", "Answer one"), ("A", "5", "Answer two")]);
    let text = stdout_of(&["search", TRANSCRIPTS, "only answer", "-q"]);
    assert!(
        text.starts_with("B · segment 2 · R: [Only answer]."),
        "{text}"
    );
    assert!(
        text.contains("1 hits in 1 segments of 1 of 3 documents"),
        "{text}"
    );
}

#[test]
fn a_pattern_that_is_not_term_syntax_is_refused() {
    let output = thema()
        .args(["search", TRANSCRIPTS, "(answer|reply)"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("search pattern: term \"(answer|reply)\""),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

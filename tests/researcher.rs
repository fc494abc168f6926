//! What a researcher missed most: quotes cut to their sentences, a baseline group for
//! `compare`, and a plain caution when segments are counted as if independent.

mod common;

use common::{csv_rows, stdout_of};

const CODEBOOK: &str = "tests/data/sources/codebook.toml";

fn quotes(trim: &str, format: &str) -> String {
    stdout_of(&[
        "quotes",
        "tests/data/trim/long.txt",
        "--codebook",
        CODEBOOK,
        "--code",
        "t.one",
        "--trim",
        trim,
        "--format",
        format,
        "-q",
    ])
}

#[test]
fn quotes_can_be_cut_to_the_sentences_with_the_matched_words() {
    let text = |trim: &str| {
        let (headers, rows) = csv_rows(&quotes(trim, "csv"));
        let text = headers.iter().position(|h| h == "text").expect("text");
        rows[0][text].clone()
    };
    assert_eq!(
        text("sentence"),
        "… Then an answer came by post (a short one). … Later another \"answer\" came. …"
    );
    assert!(text("turn").starts_with("First I waited for weeks."));
    let md = quotes("sentence", "md");
    assert!(
        md.starts_with("> … Then an **answer** came by post (a short one). … Later another \"**answer**\" came. …"),
        "{md}"
    );
}

/// `thema compare` of the three small transcripts by `group`, with `extra` arguments.
fn compare(extra: &[&str]) -> String {
    let mut args = vec![
        "compare",
        "tests/data/sources/transcripts",
        "--codebook",
        CODEBOOK,
        "--by",
        "group",
    ];
    args.extend(extra);
    stdout_of(&args)
}

fn comparison(extra: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut args = vec!["--codes", "t.one", "--format", "csv", "-q"];
    args.extend(extra);
    csv_rows(&compare(&args))
}

#[test]
fn compare_takes_a_reference_group() {
    // t.one (the word "answer"): group x is A (1 of 1 documents), group y is B and C (1 of 2).
    let difference = |headers: &[String], row: &[String]| {
        let i = headers
            .iter()
            .position(|h| h.starts_with("difference"))
            .expect("difference column");
        (headers[i].clone(), row[i].clone())
    };
    let (headers, rows) = comparison(&[]);
    assert_eq!(headers[2], "x n (of 1)");
    assert_eq!(
        difference(&headers, &rows[0]),
        ("difference (y − x, points)".into(), "-50.0".into())
    );
    let (headers, rows) = comparison(&["--reference", "y"]);
    assert_eq!(headers[2], "y n (of 2)");
    assert_eq!(
        difference(&headers, &rows[0]),
        ("difference (x − y, points)".into(), "50.0".into())
    );
}

#[test]
fn segments_as_units_come_with_a_caution() {
    let text = compare(&["--unit", "segment"]);
    assert!(
        text.contains("Note: --unit segment counts every answer as if it were a separate respondent, but the answers of one interview are not independent"),
        "{text}"
    );
    assert!(!compare(&[]).contains("not independent"));
}

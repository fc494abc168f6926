//! Human codings as the coding source of the analyses (`--codings`, `--source`, `--coder`,
//! `--consensus`), checked against counts worked out by hand.

mod common;

use common::{csv_rows, stdout_of, thema};

const TRANSCRIPTS: &str = "tests/data/sources/transcripts";
const CODEBOOK: &str = "tests/data/sources/codebook.toml";
const CODINGS: &str = "tests/data/sources/codings.csv";

/// The frequency table as (code, [segments, documents, % documents, ...]) rows.
fn frequencies(extra: &[&str]) -> Vec<(String, Vec<String>)> {
    let mut args = vec![
        "report",
        TRANSCRIPTS,
        "--codebook",
        CODEBOOK,
        "--codings",
        CODINGS,
        "--format",
        "csv",
    ];
    args.extend(extra);
    let (_, rows) = csv_rows(&stdout_of(&args));
    rows.into_iter()
        .map(|mut r| {
            let code = r.remove(0);
            r.remove(0); // label
            (code, r)
        })
        .collect()
}

fn row<'a>(table: &'a [(String, Vec<String>)], code: &str) -> Vec<&'a str> {
    table
        .iter()
        .find(|(c, _)| c == code)
        .unwrap_or_else(|| panic!("no row {code}"))
        .1
        .iter()
        .map(String::as_str)
        .collect()
}

// The fixture, by hand. Respondent segments: A has 3 (turn 2 paragraphs 1 and 2, turn 4),
// B has 2 (turns 2 and 4), C has 1 (turn 2): 6 in all. Every coder coded A and B; only ann
// coded C. ann's coding of interviewer turn A/1 is left out.

#[test]
fn one_coder_is_counted_as_the_codebook_would_be() {
    // ann: t.one on A2.1 and B2 (2 segments, 2 of 3 documents), t.two on A2.2 and C2, so t
    // on 4 segments of all 3 documents; u on nothing (only on the interviewer turn).
    let ann = frequencies(&["--coder", "ann"]);
    assert_eq!(row(&ann, "t.one"), ["2", "2", "66.7"]);
    assert_eq!(row(&ann, "t.two"), ["2", "2", "66.7"]);
    assert_eq!(row(&ann, "t"), ["4", "3", "100.0"]);
    assert_eq!(row(&ann, "u"), ["0", "0", "0.0"]);
    assert_eq!(row(&ann, "(all)"), ["6", "3", "100.0"]);
    assert_eq!(row(&ann, "(coded)"), ["4", "3", "100.0"]);
    assert_eq!(row(&ann, "(uncoded)"), ["2", "0", "0.0"]);
    // ben coded A and B only: the table counts those 2 documents (3 + 2 respondent segments).
    let ben = frequencies(&["--coder", "ben"]);
    assert_eq!(row(&ben, "(all)"), ["5", "2", "100.0"]);
    assert_eq!(row(&ben, "t.one"), ["2", "2", "100.0"]);
    assert_eq!(row(&ben, "u"), ["1", "1", "50.0"]);
}

#[test]
fn consensus_rules_count_the_coders_of_each_document() {
    // A and B have 3 coders, C has 1 (ann).
    // majority: A2.1 t.one (ann, ben), B2 t.one (all three), C2 t.two (ann alone, 1 of 1).
    let majority = frequencies(&["--consensus", "majority"]);
    assert_eq!(row(&majority, "t.one"), ["2", "2", "66.7"]);
    assert_eq!(row(&majority, "t.two"), ["1", "1", "33.3"]);
    assert_eq!(row(&majority, "t"), ["3", "3", "100.0"]);
    assert_eq!(row(&majority, "u"), ["0", "0", "0.0"]);
    // any: t.one on A2.1, A4 (cas), B2; t.two on A2.2, C2; u on A2.1 (cas), B4 (ben).
    let any = frequencies(&["--consensus", "any"]);
    assert_eq!(row(&any, "t.one"), ["3", "2", "66.7"]);
    assert_eq!(row(&any, "t.two"), ["2", "2", "66.7"]);
    assert_eq!(row(&any, "u"), ["2", "2", "66.7"]);
    assert_eq!(row(&any, "t"), ["5", "3", "100.0"]);
    assert_eq!(row(&any, "(uncoded)"), ["0", "0", "0.0"]);
    // all: only B2 t.one (3 of 3) and C2 t.two (1 of 1).
    let all = frequencies(&["--consensus", "all"]);
    assert_eq!(row(&all, "t.one"), ["1", "1", "33.3"]);
    assert_eq!(row(&all, "t.two"), ["1", "1", "33.3"]);
    assert_eq!(row(&all, "(coded)"), ["2", "2", "66.7"]);
    assert_eq!(row(&all, "(uncoded)"), ["4", "1", "33.3"]);
}

#[test]
fn both_sources_stand_side_by_side() {
    let output = stdout_of(&[
        "report",
        TRANSCRIPTS,
        "--codebook",
        CODEBOOK,
        "--codings",
        CODINGS,
        "--coder",
        "ann",
        "--source",
        "both",
        "--format",
        "csv",
    ]);
    let (headers, _) = csv_rows(&output);
    assert_eq!(
        headers[2..],
        [
            "auto segments",
            "auto documents",
            "auto % documents",
            "ann segments",
            "ann documents",
            "ann % documents"
        ]
    );
    // auto codes t.one wherever "answer" is said: A2.1, A4, B2, B4 (2 of the 3 documents).
    let both = frequencies(&["--coder", "ann", "--source", "both"]);
    assert_eq!(row(&both, "t.one"), ["4", "2", "66.7", "2", "2", "66.7"]);
    assert_eq!(row(&both, "t.two"), ["0", "0", "0.0", "2", "2", "66.7"]);
}

#[test]
fn the_sample_coder_anna_is_reported() {
    // samples/codings/coder-anna.csv codes acceptance.privacy on EN01 6.1 and 18.1, EN02 6.1
    // and 14.1, NL01 6.2 and 16.2 (6 segments, 3 of her 4 documents) and acceptance.distrust
    // on EN01 6.2, EN02 6.1, 6.2 and 10.1, NL02 12.1 and 16.1 (6 segments, 3 documents). The
    // four documents have 69 respondent segments.
    let (headers, rows) = csv_rows(&stdout_of(&[
        "report",
        "samples/",
        "--codings",
        "samples/codings/coder-anna.csv",
        "--source",
        "both",
        "--format",
        "csv",
    ]));
    let anna = |code: &str| -> Vec<String> {
        let r = rows.iter().find(|r| r[0] == code).expect("row");
        ["anna segments", "anna documents", "anna % documents"]
            .iter()
            .map(|h| r[headers.iter().position(|x| x == h).expect("column")].clone())
            .collect()
    };
    assert_eq!(anna("acceptance.privacy"), ["6", "3", "75.0"]);
    assert_eq!(anna("acceptance.distrust"), ["6", "3", "75.0"]);
    assert_eq!(anna("(all)"), ["69", "4", "100.0"]);
    assert!(headers.contains(&"auto segments".to_owned()));
}

#[test]
fn every_analysis_takes_the_coding_source() {
    let base = [
        TRANSCRIPTS,
        "--codebook",
        CODEBOOK,
        "--codings",
        CODINGS,
        "--coder",
        "ann",
        "--source",
        "both",
    ];
    let run = |command: &[&str]| {
        let mut args = command.to_vec();
        args.extend(base);
        args.extend(["--format", "csv"]);
        csv_rows(&stdout_of(&args))
    };
    let (headers, rows) = run(&["compare", "--by", "group"]);
    assert_eq!(headers[2], "source");
    let sources: Vec<&str> = rows
        .iter()
        .filter(|r| r[0] == "t.two")
        .map(|r| r[2].as_str())
        .collect();
    assert_eq!(sources, ["auto", "ann"]);
    let (headers, rows) = run(&["matrix"]);
    assert_eq!(headers[..2], ["document", "source"]);
    // C: auto finds nothing, ann coded t.two.
    let c: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "C").collect();
    let two = headers
        .iter()
        .position(|h| h == "t.two")
        .expect("t.two column");
    assert_eq!((c[0][1].as_str(), c[0][two].as_str()), ("auto", "0"));
    assert_eq!((c[1][1].as_str(), c[1][two].as_str()), ("ann", "1"));
    let (headers, rows) = run(&["cooccur"]);
    assert_eq!(headers[2], "source");
    assert!(rows.iter().any(|r| r[..3] == ["t", "t.two", "ann"]));
    let (headers, rows) = run(&["quotes", "--code", "t", "--any"]);
    let source = headers.iter().position(|h| h == "source").expect("source");
    let a2: Vec<&str> = rows
        .iter()
        .filter(|r| r[0] == "A" && r[1] == "2")
        .map(|r| r[source].as_str())
        .collect();
    assert_eq!(a2, ["auto;ann"], "one quote for a segment both coded");
    let c2: Vec<&str> = rows
        .iter()
        .filter(|r| r[0] == "C")
        .map(|r| r[source].as_str())
        .collect();
    assert_eq!(c2, ["ann"]);
}

#[test]
fn coder_choices_are_checked() {
    let fails = |extra: &[&str], message: &str| {
        let mut args = vec!["report", TRANSCRIPTS, "--codebook", CODEBOOK];
        args.extend(extra);
        let output = thema().args(&args).output().expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} should fail");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    };
    fails(
        &["--codings", CODINGS],
        "3 coders (`ann`, `ben`, `cas`): pick one with --coder NAME or combine them with --consensus",
    );
    fails(&["--codings", CODINGS, "--coder", "dan"], "no coder `dan`");
    fails(&["--source", "human"], "give one");
    fails(
        &["--coder", "ann"],
        "--coder and --consensus pick human codings",
    );
    fails(
        &[
            "--codings",
            CODINGS,
            "--coder",
            "ann",
            "--source",
            "both",
            "--html",
            "/nonexistent/r.html",
        ],
        "show one coding source",
    );
}

#[test]
fn the_html_report_names_its_coding_source() {
    let dir = tempfile::tempdir().expect("temp dir");
    let html = dir.path().join("r.html");
    stdout_of(&[
        "report",
        TRANSCRIPTS,
        "--codebook",
        CODEBOOK,
        "--codings",
        CODINGS,
        "--consensus",
        "majority",
        "--html",
        html.to_str().expect("UTF-8 path"),
    ]);
    let page = std::fs::read_to_string(&html).expect("report written");
    assert!(
        page.contains("consensus (majority): human codings of 3 documents"),
        "the summary names the source"
    );
}

#[test]
fn codings_of_an_imported_refi_qda_project_are_a_source() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("p.qdpx");
    let imported = dir.path().join("imported");
    let p = project.to_str().expect("UTF-8");
    stdout_of(&[
        "export",
        "qdpx",
        TRANSCRIPTS,
        "--codebook",
        CODEBOOK,
        "--codings",
        CODINGS,
        "-o",
        p,
        "-q",
    ]);
    stdout_of(&[
        "import",
        "qdpx",
        p,
        "-o",
        imported.to_str().expect("UTF-8"),
        "-q",
    ]);
    let sources = imported.join("sources");
    let codebook = imported.join("codebook.toml");
    let codings = imported.join("codings.csv");
    let (_, rows) = csv_rows(&stdout_of(&[
        "report",
        sources.to_str().expect("UTF-8"),
        "--codebook",
        codebook.to_str().expect("UTF-8"),
        "--codings",
        codings.to_str().expect("UTF-8"),
        "--coder",
        "ann",
        "--format",
        "csv",
    ]));
    let counts = |code: &str| -> Vec<String> {
        rows.iter().find(|r| r[0] == code).expect("row")[2..5].to_vec()
    };
    // The same numbers as read from the CSV directly.
    assert_eq!(counts("t.one"), ["2", "2", "66.7"]);
    assert_eq!(counts("t.two"), ["2", "2", "66.7"]);
}

//! The analysis commands on the bundled samples: compare, cooccur, quotes, matrix and their
//! exports, with the edge cases users hit.

mod common;
use common::{csv_rows, stdout_of, thema};

use assert_cmd::Command;
use polars::prelude::*;
use predicates::prelude::*;

#[test]
fn compare_by_cohort_names_the_test_and_gives_p_q_and_effect_sizes() {
    let (headers, rows) = csv_rows(&stdout_of(&[
        "compare", "samples/", "--by", "cohort", "--format", "csv", "--quiet",
    ]));
    for column in [
        "2024-wave1 n (of 7)",
        "2025-wave2 n (of 8)",
        "test",
        "p",
        "q",
        "cramers_v",
        "odds_ratio",
        "or_ci_low",
        "or_ci_high",
        "haldane",
    ] {
        assert!(
            headers.iter().any(|h| h == column),
            "no column {column}: {headers:?}"
        );
    }
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let debt_help = rows
        .iter()
        .find(|r| r[0] == "actor.debt_help")
        .expect("a row per code");
    assert_eq!(debt_help[col("test")], "Fisher exact");
    let p: f64 = debt_help[col("p")].parse().unwrap();
    let q: f64 = debt_help[col("q")].parse().unwrap();
    assert!(p > 0.0 && p <= q && q <= 1.0, "p {p} q {q}");
    let welcomed = rows.iter().find(|r| r[0] == "acceptance.welcomed").unwrap();
    assert_eq!(
        welcomed[col("haldane")],
        "yes",
        "8 of 8 in wave 2: a zero cell"
    );
    assert_eq!(debt_help[col("haldane")], "");
    let every_code_tested = rows.iter().all(|r| !r[col("test")].is_empty());
    assert!(every_code_tested);
}

#[test]
fn compare_warns_about_small_groups_and_sorts_by_q() {
    let out = stdout_of(&[
        "compare",
        "samples/",
        "--by",
        "municipality",
        "--codes",
        "actor",
        "--sort",
        "q",
        "--quiet",
    ]);
    assert!(
        out.contains("Note: group `Almere` has only 1 documents"),
        "{out}"
    );
    let out = stdout_of(&[
        "compare", "samples/", "--by", "cohort", "--unit", "segment", "--level", "1", "--format",
        "md", "--quiet",
    ]);
    assert!(
        out.contains("| proactivity |") && !out.contains("proactivity.initiative"),
        "{out}"
    );
}

#[test]
fn compare_edge_cases_have_clear_messages() {
    let dir = tempfile::tempdir().unwrap();
    for (name, cohort) in [("a.txt", "w1"), ("b.txt", "w1")] {
        std::fs::write(
            dir.path().join(name),
            format!("---\ncohort: {cohort}\n---\nI: Hoe?\nR: Ze belden me.\n"),
        )
        .unwrap();
    }
    let mut one_value = Command::cargo_bin("thema").unwrap();
    one_value
        .arg("compare")
        .arg(dir.path())
        .args(["--by", "cohort", "--quiet"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("attribute `cohort` has only one value (w1) among the documents: there is nothing to compare"));
    thema()
        .args(["compare", "samples/", "--by", "wave", "--quiet"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no document has the attribute `wave`; known attributes: age_band",
        ));
    thema()
        .args([
            "quotes",
            "samples/",
            "--code",
            "proactivity.initiatve",
            "--quiet",
        ])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("no code `proactivity.initiatve`").and(
                predicate::str::contains("did you mean `proactivity.initiative`"),
            ),
        );
    thema()
        .args([
            "compare",
            "samples/",
            "--by",
            "cohort",
            "--codes",
            "acceptance.stigm",
            "--quiet",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `acceptance.stigma`"));
}

#[test]
fn a_code_no_document_has_is_reported_as_not_testable() {
    let dir = tempfile::tempdir().unwrap();
    for (name, cohort, text) in [
        ("a.txt", "w1", "Ze belden me."),
        ("b.txt", "w2", "Het ging goed."),
    ] {
        std::fs::write(
            dir.path().join(name),
            format!("---\ncohort: {cohort}\n---\nI: Hoe?\nR: {text}\n"),
        )
        .unwrap();
    }
    let mut cmd = Command::cargo_bin("thema").unwrap();
    let out = cmd
        .arg("compare")
        .arg(dir.path())
        .args(["--by", "cohort", "--format", "csv", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let (headers, rows) = csv_rows(&String::from_utf8(out.stdout).unwrap());
    let test = headers.iter().position(|h| h == "test").unwrap();
    let stigma = rows.iter().find(|r| r[0] == "acceptance.stigma").unwrap();
    assert_eq!(stigma[test], "not testable");
    assert_eq!(&stigma[2..6], ["0", "0.0", "0", "0.0"]);
}

#[test]
fn cooccurrence_long_format_has_counts_and_jaccard() {
    let (headers, rows) = csv_rows(&stdout_of(&[
        "cooccur",
        "samples/",
        "--codes",
        "acceptance",
        "--format",
        "csv",
        "--quiet",
    ]));
    assert_eq!(headers, ["code_a", "code_b", "n", "jaccard"]);
    let get = |a: &str, b: &str| {
        rows.iter()
            .find(|r| r[0] == a && r[1] == b)
            .map(|r| (r[2].parse::<u64>().unwrap(), r[3].parse::<f64>().unwrap()))
    };
    let (n_welcomed, j_self) = get("acceptance.welcomed", "acceptance.welcomed").unwrap();
    assert_eq!(j_self, 1.0);
    let (n_ambivalent, _) = get("acceptance.ambivalent", "acceptance.ambivalent").unwrap();
    let (both, jaccard) = get("acceptance.ambivalent", "acceptance.welcomed").unwrap();
    let expected = both as f64 / (n_welcomed + n_ambivalent - both) as f64;
    assert!((jaccard - expected).abs() < 1e-6);
}

#[test]
fn quotes_filter_by_attribute_and_render_markdown_with_attribution() {
    let out = stdout_of(&[
        "quotes",
        "samples/",
        "--code",
        "proactivity.initiative",
        "--where",
        "cohort=2024-wave1",
        "--format",
        "md",
        "--quiet",
    ]);
    assert!(out.contains("**"), "matched words are bold");
    assert!(out.contains("> — EN01, 2024-wave1"));
    assert!(!out.contains("2025-wave2"));
    let csv = stdout_of(&[
        "quotes",
        "samples/",
        "--code",
        "acceptance.privacy",
        "--code",
        "actor.municipality",
        "--format",
        "csv",
        "--quiet",
    ]);
    let (headers, rows) = csv_rows(&csv);
    let codes = headers.iter().position(|h| h == "codes").unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(
        |r| r[codes].contains("acceptance.privacy") && r[codes].contains("actor.municipality")
    ));
    let any = csv_rows(&stdout_of(&[
        "quotes",
        "samples/",
        "--code",
        "acceptance.privacy",
        "--code",
        "actor.municipality",
        "--any",
        "--format",
        "csv",
        "--quiet",
    ]))
    .1;
    assert!(any.len() > rows.len());
    let context = stdout_of(&[
        "quotes",
        "samples/",
        "--code",
        "acceptance.stigma",
        "--context",
        "1",
        "--limit",
        "1",
        "--quiet",
    ]);
    assert_eq!(context.matches(" ▶ ").count(), 1);
    assert!(context.lines().count() >= 4, "{context}");
}

#[test]
fn matrix_parquet_reads_back_with_the_right_shape_and_types() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.parquet");
    thema()
        .args(["matrix", "samples/", "--format", "parquet", "--quiet", "-o"])
        .arg(&path)
        .assert()
        .success();
    let df = ParquetReader::new(std::fs::File::open(&path).unwrap())
        .finish()
        .unwrap();
    assert_eq!(df.height(), 15);
    let schema = df.schema();
    assert_eq!(schema.get("document"), Some(&DataType::String));
    assert_eq!(schema.get("cohort"), Some(&DataType::String));
    assert_eq!(schema.get("proactivity.initiative"), Some(&DataType::Int64));
    assert_eq!(df.width(), 1 + 9 + 27);
    let values = df
        .column("proactivity.initiative")
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .flatten()
        .collect::<Vec<_>>();
    assert!(values.iter().all(|&v| v == 0 || v == 1));
    let counts = stdout_of(&[
        "matrix", "samples/", "--value", "count", "--codes", "actor", "--format", "csv", "--quiet",
    ]);
    assert!(counts.lines().next().unwrap().ends_with("actor.creditor"));
}

#[test]
fn code_writes_parquet_tables_that_read_back() {
    let dir = tempfile::tempdir().unwrap();
    thema()
        .args([
            "code", "samples/", "--format", "parquet", "--quiet", "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let segments =
        ParquetReader::new(std::fs::File::open(dir.path().join("segments.parquet")).unwrap())
            .finish()
            .unwrap();
    let csv_lines = std::fs::read_to_string(dir.path().join("segments.csv")).unwrap();
    assert_eq!(
        segments.height(),
        csv::Reader::from_reader(csv_lines.as_bytes())
            .records()
            .count()
    );
    assert_eq!(segments.schema().get("start"), Some(&DataType::Int64));
    assert_eq!(segments.schema().get("text"), Some(&DataType::String));
    let codings =
        ParquetReader::new(std::fs::File::open(dir.path().join("codings.parquet")).unwrap())
            .finish()
            .unwrap();
    assert_eq!(codings.schema().get("code"), Some(&DataType::String));
}

#[test]
fn parquet_needs_an_output_file() {
    thema()
        .args(["report", "samples/", "--format", "parquet", "--quiet"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "Parquet is a binary format: give an output file with -o FILE",
        ));
}

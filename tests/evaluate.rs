//! `thema evaluate` at turn level on a small development set (`tests/data/devset-mini`): fixed
//! codings against a turn-level gold file, scored per code, per family of codes, for the
//! substantive codes, per language and per kind of turn. The expected figures were worked
//! out by hand and agree with the development set's scorer (`score.py`) on the same files:
//! substantive macro-F1 0.492, micro P 0.667 R 0.571 F1 0.615; actor macro-F1 0.733, micro
//! 0.750; per kind obvious 1/1/1, paraphrase 2/1/1, trap 1/1/0, none 0/0/0.

mod common;
use common::{csv_rows, stdout_of, thema};

use predicates::prelude::*;

const MINI: &str = "tests/data/devset-mini";

/// `thema evaluate` on the fixture with fixed codings, at turn level, as CSV, plus `extra`.
fn evaluate_mini(extra: &[&str]) -> Vec<Vec<String>> {
    let (codebook, gold, codings) = (
        format!("{MINI}/codebook.toml"),
        format!("{MINI}/gold.csv"),
        format!("{MINI}/codings.csv"),
    );
    let transcripts = format!("{MINI}/transcripts");
    let mut args = vec![
        "evaluate",
        &transcripts,
        "--codebook",
        &codebook,
        "--gold",
        &gold,
        "--codings",
        &codings,
        "--unit",
        "turn",
        "--format",
        "csv",
        "--quiet",
    ];
    args.extend(extra);
    csv_rows(&stdout_of(&args)).1
}

/// The row whose leading cells are `key`, as (support, predicted, tp, fp, fn, p, r, f1).
fn row<'a>(rows: &'a [Vec<String>], key: &[&str]) -> &'a [String] {
    let found = rows
        .iter()
        .find(|r| r.iter().zip(key).all(|(cell, k)| cell == k))
        .unwrap_or_else(|| panic!("no row {key:?} in {rows:?}"));
    &found[key.len()..]
}

#[test]
fn turn_level_scores_match_the_devset_scorer() {
    let rows = evaluate_mini(&[]);
    // (row, support, predicted, tp, fp, fn, precision, recall, f1)
    let expected = [
        // help.late is coded on both paragraphs of one turn: one unit.
        ("help.late", "2 2 1 1 1 0.500 0.500 0.500"),
        ("help.offer", "2 1 1 0 1 1.000 0.500 0.667"),
        ("view.distrust", "1 0 0 0 1 - 0.000 0.000"),
        // A code the gold standard never gives is listed but not averaged; the document the
        // gold coder did not code (m-en-03) is not scored.
        ("view.odd", "0 1 0 1 0 0.000 - 0.000"),
        // score.py: substantive macro-F1 0.492; micro P 0.667 R 0.571 F1 0.615.
        ("(substantive macro average)", "7 6 4 2 3 0.542 0.500 0.492"),
        ("(substantive micro average)", "7 6 4 2 3 0.667 0.571 0.615"),
        // score.py: actor macro-F1 0.733; micro P 0.750 R 0.750 F1 0.750.
        ("(actor.* macro average)", "4 4 3 1 1 0.833 0.750 0.733"),
        ("(actor.* micro average)", "4 4 3 1 1 0.750 0.750 0.750"),
        // All six gold codes: F1 (0.667 + 0.8 + 0.5 + 0.667 + 0 + 0.8) / 6.
        ("(macro average)", "11 10 7 3 4 0.639 0.583 0.572"),
        ("(micro average)", "11 10 7 3 4 0.700 0.636 0.667"),
        ("(help.* macro average)", "4 3 2 1 2 0.750 0.500 0.583"),
        ("(view.* macro average)", "3 3 2 1 1 0.333 0.500 0.400"),
    ];
    for (key, cells) in expected {
        let cells: Vec<&str> = cells
            .split(' ')
            .map(|c| if c == "-" { "" } else { c })
            .collect();
        assert_eq!(row(&rows, &[key]), cells, "row {key}");
    }
}

#[test]
fn by_language_groups_on_the_front_matter_language() {
    let rows = evaluate_mini(&["--by", "language"]);
    // en: help.offer 0, help.late 0, view.welcome 1; nl: help.offer 1, help.late 1,
    // view.distrust 0, view.welcome 0.667 (view.odd, only predicted, not averaged).
    assert_eq!(
        row(&rows, &["en", "(substantive macro average)"])[7],
        "0.333"
    );
    assert_eq!(
        row(&rows, &["nl", "(substantive macro average)"])[7],
        "0.667"
    );
    assert_eq!(
        row(&rows, &["nl", "(actor.* micro average)"]),
        ["2", "2", "1", "1", "1", "0.500", "0.500", "0.500"]
    );
    assert!(
        rows.iter().all(|r| r[0] == "en" || r[0] == "nl"),
        "{rows:?}"
    );
}

#[test]
fn by_kind_counts_right_missed_and_wrong_per_kind_of_turn() {
    let dir = tempfile::tempdir().unwrap();
    let (kinds_out, errors) = (dir.path().join("kinds.csv"), dir.path().join("errors.csv"));
    let kinds = format!("{MINI}/turn_kinds.csv");
    let (kinds_path, errors_path) = (kinds_out.to_str().unwrap(), errors.to_str().unwrap());
    evaluate_mini(&[
        "--by-kind",
        &kinds,
        "--kinds-out",
        kinds_path,
        "--errors",
        errors_path,
    ]);
    let (headers, rows) = csv_rows(&std::fs::read_to_string(&kinds_out).unwrap());
    assert_eq!(
        headers,
        [
            "codes",
            "kind",
            "turns",
            "right",
            "missed",
            "wrong",
            "precision",
            "recall",
            "f1"
        ]
    );
    // score.py: obvious 1/1/1, paraphrase 2/1/1, trap 1/1/0, none 0/0/0 (the wrong view.odd
    // in the none turn is not a gold code).
    let counts = |scope: &str, kind: &str| row(&rows, &[scope, kind])[..4].to_vec();
    assert_eq!(counts("substantive", "obvious"), ["2", "1", "1", "1"]);
    assert_eq!(counts("substantive", "paraphrase"), ["2", "2", "1", "1"]);
    assert_eq!(counts("substantive", "trap"), ["2", "1", "1", "0"]);
    assert_eq!(counts("substantive", "none"), ["1", "0", "0", "0"]);
    assert_eq!(counts("actor.*", "none"), ["1", "0", "1", "1"]);
    assert_eq!(
        row(&rows, &["substantive", "paraphrase"])[4..],
        ["0.667"; 3]
    );
    // Every respondent turn is labelled, so there is no `(unlabelled)` row.
    assert_eq!(rows.len(), 8, "{rows:?}");
    let listing = std::fs::read_to_string(&errors).unwrap();
    assert!(
        listing.starts_with("document,turn,kind,code,error,"),
        "{listing}"
    );
    assert!(listing.contains("m-nl-01,4,paraphrase,view.distrust,false negative"));
}

#[test]
fn by_kind_prints_its_table_after_the_scores() {
    let kinds = format!("{MINI}/turn_kinds.csv");
    let transcripts = format!("{MINI}/transcripts");
    thema()
        .args(["evaluate", &transcripts, "--quiet", "--unit", "turn"])
        .args(["--codebook", &format!("{MINI}/codebook.toml")])
        .args(["--gold", &format!("{MINI}/gold.csv")])
        .args(["--codings", &format!("{MINI}/codings.csv")])
        .args(["--by-kind", &kinds])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("not averaged (no gold units): view.odd.")
                .and(predicate::str::contains("By kind of turn"))
                .and(predicate::str::contains("paraphrase")),
        );
}

#[test]
fn by_kind_rejects_bad_kinds_files_and_document_units() {
    let dir = tempfile::tempdir().unwrap();
    let transcripts = format!("{MINI}/transcripts");
    let run = |kinds: &str, unit: &str| {
        let path = dir.path().join("kinds.csv");
        std::fs::write(&path, kinds).unwrap();
        thema()
            .args(["evaluate", &transcripts, "--quiet", "--unit", unit])
            .args(["--codebook", &format!("{MINI}/codebook.toml")])
            .args(["--gold", &format!("{MINI}/gold.csv")])
            .arg("--by-kind")
            .arg(&path)
            .assert()
            .code(predicate::ne(0))
    };
    run("document,turn,kind\nm-nl-01,1,obvious\n", "turn").stderr(predicate::str::contains(
        "kinds.csv:2: turn 1 of document `m-nl-01` is not a respondent turn",
    ));
    run("document,turn,kind\nm-nl-09,2,obvious\n", "turn").stderr(predicate::str::contains(
        "kinds.csv:2: no document `m-nl-09` among the transcripts",
    ));
    run(
        "document,turn,kind\nm-nl-01,2,obvious\nm-nl-01,2,trap\n",
        "turn",
    )
    .stderr(predicate::str::contains(
        "kinds.csv:3: turn 2 of document `m-nl-01` is labelled twice",
    ));
    run("document,turn\nm-nl-01,2\n", "turn").stderr(predicate::str::contains(
        "needs `document`, `turn` and `kind` columns",
    ));
    run("document,turn,kind\nm-nl-01,2,obvious\n", "document").stderr(predicate::str::contains(
        "--by-kind scores turns: use it with `--unit turn` or `--unit segment`",
    ));
}

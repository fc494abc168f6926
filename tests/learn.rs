//! `thema learn` and `--model`: models are learned reproducibly from human codings, refuse
//! another codebook, and (on the development set, when present) rules and model together code
//! the check split better than the rules alone.

mod common;
use common::{csv_rows, root, stdout_of, thema};

use std::path::Path;

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn learn(dir: &Path, name: &str) -> std::path::PathBuf {
    let model = dir.join(name);
    stdout_of(&[
        "learn",
        "samples/",
        "--codings",
        "samples/codings/coder-anna.csv",
        "--cv",
        "4",
        "-o",
        path(&model),
        "--quiet",
    ]);
    model
}

#[test]
fn the_same_codings_give_a_byte_identical_model_and_codings() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (learn(dir.path(), "a.json"), learn(dir.path(), "b.json"));
    let model = std::fs::read_to_string(&a).unwrap();
    assert_eq!(model, std::fs::read_to_string(&b).unwrap());
    let json: serde_json::Value = serde_json::from_str(&model).unwrap();
    assert_eq!(json["thema_model"], 1);
    assert_eq!(json["documents"].as_array().unwrap().len(), 4, "{model}");
    let code = |out: &str| {
        let out = dir.path().join(out);
        stdout_of(&[
            "code",
            "samples/",
            "--model",
            path(&a),
            "-o",
            path(&out),
            "--quiet",
        ]);
        std::fs::read(out.join("codings.csv")).unwrap()
    };
    let first = code("one");
    assert_eq!(first, code("two"));
    // The rules' codings are all there; model codings, if any, say so in `rule`.
    let rules = dir.path().join("rules");
    stdout_of(&["code", "samples/", "-o", path(&rules), "--quiet"]);
    let (header, with_model) = csv_rows(&String::from_utf8(first).unwrap());
    let (_, rule_rows) = csv_rows(&std::fs::read_to_string(rules.join("codings.csv")).unwrap());
    let rule_col = header.iter().position(|h| h == "rule").unwrap();
    let kept: Vec<_> = with_model
        .iter()
        .filter(|r| r[rule_col] != "model")
        .cloned()
        .collect();
    assert_eq!(kept.len(), rule_rows.len());
}

#[test]
fn explain_prints_the_strongest_features_and_a_learned_code_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = thema()
        .args([
            "learn",
            "samples/",
            "--codings",
            "samples/codings/coder-anna.csv",
            "--cv",
            "4",
            "-o",
        ])
        .arg(dir.path().join("m.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("4-fold cross-validation by document on 4 documents"),
        "{table}"
    );
    assert!(table.contains("too few examples to learn"), "{table}");
    let explained = stdout_of(&[
        "learn",
        "--explain",
        path(&dir.path().join("m.json")),
        "--code",
        "actor",
        "--top",
        "3",
    ]);
    assert!(explained.contains("actor.municipality"), "{explained}");
    assert!(!explained.contains("acceptance."), "{explained}");
}

#[test]
fn a_model_of_another_codebook_and_codings_without_codes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let model = learn(dir.path(), "m.json");
    let out = thema()
        .args([
            "code",
            "samples/",
            "--codebook",
            "personal-service",
            "--model",
        ])
        .arg(&model)
        .arg("-o")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("trained with another codebook"), "{err}");
    // A coding sheet with no code filled in teaches nothing.
    let sheet = dir.path().join("empty.csv");
    std::fs::write(&sheet, "document,turn,code,coder\nNL01,2,,anna\n").unwrap();
    let out = thema()
        .args(["learn", "samples/", "--codings"])
        .arg(&sheet)
        .arg("-o")
        .arg(dir.path().join("e.json"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("positive examples"), "{err}");
    // A model file that is no model names the file.
    let bogus = dir.path().join("bogus.json");
    std::fs::write(&bogus, "{\"not\": 1}").unwrap();
    let out = thema()
        .args(["code", "samples/", "--model"])
        .arg(&bogus)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bogus.json"));
}

/// Substantive macro-F1 of `thema evaluate` on the check split, with `extra` arguments.
fn check_substantive(devset: &Path, extra: &[&str]) -> f64 {
    let check = devset.join("check");
    let mut args = vec![
        "evaluate",
        path(&check.join("transcripts")).to_owned().leak(),
        "--gold",
        path(&check.join("gold.csv")).to_owned().leak(),
        "--unit",
        "turn",
        "--format",
        "csv",
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let (_, rows) = csv_rows(&stdout_of(&args));
    let row = rows
        .iter()
        .find(|r| r[0] == "(substantive macro average)")
        .expect("a substantive macro row");
    row[8].parse().unwrap()
}

#[test]
fn on_the_devset_rules_and_model_beat_the_rules_alone_on_the_check_split() {
    let devset = root().join("../shared/devset");
    if !devset.join("check/gold.csv").is_file() {
        println!("skipped: no development set at {}", devset.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.json");
    let train = devset.join("train");
    stdout_of(&[
        "learn",
        path(&train.join("transcripts")),
        "--codings",
        path(&train.join("gold.csv")),
        "-o",
        path(&model),
        "--quiet",
    ]);
    let rules = check_substantive(&devset, &[]);
    let both = check_substantive(&devset, &["--model", path(&model)]);
    println!("check split substantive macro-F1: rules {rules:.3}, rules + model {both:.3}");
    assert!(both > rules, "rules {rules:.3}, rules + model {both:.3}");
}

#[test]
fn uncertain_turns_come_from_documents_the_model_did_not_learn_from() {
    let dir = tempfile::tempdir().unwrap();
    let model = learn(dir.path(), "m.json");
    let sample = |name: &str| {
        let out = dir.path().join(name);
        stdout_of(&[
            "sample",
            "samples/",
            "--model",
            path(&model),
            "--uncertain",
            "6",
            "-o",
            path(&out),
            "--quiet",
        ]);
        (
            std::fs::read_to_string(out.join("uncertain.csv")).unwrap(),
            std::fs::read_to_string(out.join("coding-sheet.csv")).unwrap(),
        )
    };
    let (list, sheet) = sample("a");
    assert_eq!((list.clone(), sheet.clone()), sample("b"));
    let (_, rows) = csv_rows(&list);
    assert_eq!(rows.len(), 6, "{list}");
    for row in &rows {
        assert!(
            !["NL01", "NL02", "EN01", "EN02"].contains(&row[0].as_str()),
            "{list}"
        );
    }
    let documents: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert!(documents.len() >= 4, "spread over documents: {list}");
    let (header, sheet_rows) = csv_rows(&sheet);
    assert_eq!(header[..3], ["document", "turn", "paragraph"]);
    assert!(sheet_rows.len() >= rows.len());
}

#[test]
fn model_codings_carry_their_score_and_the_table_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let model = learn(dir.path(), "m.json");
    let out = dir.path().join("coded");
    stdout_of(&[
        "code",
        "samples/",
        "--model",
        path(&model),
        "-o",
        path(&out),
        "--quiet",
    ]);
    let (header, rows) = csv_rows(&std::fs::read_to_string(out.join("codings.csv")).unwrap());
    assert_eq!(header.last().map(String::as_str), Some("score"));
    let (rule, score) = (header.len() - 2, header.len() - 1);
    assert!(
        rows.iter().any(|r| r[rule] == "model"),
        "the model adds codings on the samples"
    );
    for r in &rows {
        let p: Option<f64> = r[score].parse().ok();
        if r[rule] == "model" {
            assert!(p.is_some_and(|p| (0.0..=1.0).contains(&p)), "{r:?}");
        } else {
            assert!(r[score].is_empty(), "{r:?}");
        }
    }
    // evaluate reads the table with its score column as the coder `auto`.
    let scored = stdout_of(&[
        "evaluate",
        "samples/",
        "--gold",
        "samples/codings/coder-bram.csv",
        "--codings",
        path(&out.join("codings.csv")),
        "--format",
        "csv",
        "--quiet",
    ]);
    assert!(scored.contains("(micro average)"), "{scored}");
}

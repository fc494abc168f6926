//! The default codebook on 225 labelled utterances (`tests/data/codebook/heldout*.csv`:
//! text, language, expected codes), covering every code and every pitfall of the domain
//! brief. The codebook was tuned on them after a first blind run, so this is a regression
//! guard, not an estimate for unseen interviews (see the README for that): a rule change that
//! costs precision or recall here fails the test and names the utterances it got wrong.

use std::collections::BTreeSet;

use thema::codebook::Codebook;
use thema::engine::{Engine, EngineOptions};

/// The floor for micro-averaged precision and recall on each file.
const FLOOR: f64 = 0.87;

fn score(file: &str) -> (f64, f64, Vec<String>) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/codebook")
        .join(file);
    let codebook = Codebook::embedded().expect("embedded codebook");
    let engine = Engine::new(&codebook, EngineOptions::default());
    let mut reader = csv::Reader::from_path(&path).expect("held-out file");
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut wrong = Vec::new();
    for record in reader.records() {
        let record = record.expect("a row");
        let (text, language) = (&record[0], &record[1]);
        let expected: BTreeSet<&str> = record[2]
            .split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let got: BTreeSet<String> = engine
            .code_text(text, language)
            .into_iter()
            .map(|c| c.code)
            .collect();
        let got: BTreeSet<&str> = got.iter().map(String::as_str).collect();
        tp += got.intersection(&expected).count();
        fp += got.difference(&expected).count();
        fn_ += expected.difference(&got).count();
        if got != expected {
            wrong.push(format!("{text:?}: expected {expected:?}, got {got:?}"));
        }
    }
    (
        tp as f64 / (tp + fp) as f64,
        tp as f64 / (tp + fn_) as f64,
        wrong,
    )
}

#[test]
fn default_codebook_keeps_precision_and_recall_on_the_labelled_utterances() {
    let mut failures = Vec::new();
    for file in ["heldout.csv", "heldout2.csv", "heldout3.csv"] {
        let (precision, recall, wrong) = score(file);
        println!("{file}: precision {precision:.3}, recall {recall:.3}");
        if precision < FLOOR || recall < FLOOR {
            failures.push(format!(
                "{file}: precision {precision:.3}, recall {recall:.3} (floor {FLOOR}); wrongly coded:\n{}",
                wrong.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

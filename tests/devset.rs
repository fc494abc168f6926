//! The guard on coding quality: codes the development set (`../shared/devset`, when present)
//! with the embedded default codebook and scores it with `thema evaluate --unit turn`, the
//! README's command. Fails when the check split's substantive macro-F1 drops below
//! [`CHECK_FLOOR`]; prints the train and check figures. On the train split it also compares
//! thema's figures with the development set's own scorer (`score.py`, when python3 runs).
//! The check split is scored only: nothing here reads or prints its texts.

mod common;
use common::{csv_rows, stdout_of};

use std::path::{Path, PathBuf};
use std::process::Command;

/// The lowest check-split substantive macro-F1 accepted. The main engineer sets it to the
/// figure the default codebook reaches minus 0.03.
const CHECK_FLOOR: f64 = 0.60;

/// The development set (`../shared/devset`, or the folder `THEMA_DEVSET` names, for a
/// checkout elsewhere), or `None` (with a printed reason) when it is absent.
fn devset() -> Option<PathBuf> {
    let dir = std::env::var_os("THEMA_DEVSET").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/devset"),
        PathBuf::from,
    );
    if dir.join("check/gold.csv").is_file() && dir.join("train/gold.csv").is_file() {
        Some(dir)
    } else {
        println!(
            "skipped: no development set at {} (../shared/devset or THEMA_DEVSET)",
            dir.display()
        );
        None
    }
}

/// A split's figures from `thema evaluate --unit turn --by-kind`.
struct Figures {
    /// (label, macro-F1, micro P, micro R, micro F1) for the substantive and actor codes.
    summaries: Vec<(String, f64, [f64; 3])>,
    /// The scores per kind of turn, as CSV.
    kinds: String,
}

fn number(cell: &str) -> f64 {
    cell.parse()
        .unwrap_or_else(|_| panic!("a number, got {cell:?}"))
}

fn evaluate(split: &Path) -> Figures {
    let dir = tempfile::tempdir().unwrap();
    let kinds_out = dir.path().join("kinds.csv");
    let path = |name: &str| split.join(name).to_str().unwrap().to_owned();
    let out = stdout_of(&[
        "evaluate",
        &path("transcripts"),
        "--gold",
        &path("gold.csv"),
        "--unit",
        "turn",
        "--by-kind",
        &path("turn_kinds.csv"),
        "--kinds-out",
        kinds_out.to_str().unwrap(),
        "--format",
        "csv",
        "--quiet",
    ]);
    let (_, rows) = csv_rows(&out);
    let find = |label: &str| {
        rows.iter()
            .find(|r| r[0] == label)
            .unwrap_or_else(|| panic!("no row {label:?} in the scores"))
    };
    let summaries = ["substantive", "actor.*"]
        .iter()
        .map(|scope| {
            let macro_row = find(&format!("({scope} macro average)"));
            let micro_row = find(&format!("({scope} micro average)"));
            let micro = [6, 7, 8].map(|i| number(&micro_row[i]));
            (scope.to_string(), number(&macro_row[8]), micro)
        })
        .collect();
    Figures {
        summaries,
        kinds: std::fs::read_to_string(&kinds_out).unwrap(),
    }
}

fn print(split: &str, figures: &Figures) {
    for (scope, macro_f1, [p, r, f]) in &figures.summaries {
        println!("{split} {scope}: macro-F1 {macro_f1:.3}; micro P {p:.3} R {r:.3} F1 {f:.3}");
    }
    println!("{split} by kind of turn:\n{}", figures.kinds);
}

#[test]
fn check_split_substantive_macro_f1_stays_above_the_floor() {
    let Some(devset) = devset() else { return };
    let train = evaluate(&devset.join("train"));
    print("train", &train);
    let check = evaluate(&devset.join("check"));
    print("check", &check);
    let substantive = check.summaries[0].1;
    assert!(
        substantive >= CHECK_FLOOR,
        "check split substantive macro-F1 {substantive:.3} is below the floor {CHECK_FLOOR}"
    );
}

#[test]
fn train_split_figures_equal_the_devset_scorer() {
    let Some(devset) = devset() else { return };
    let train = devset.join("train");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("coded");
    stdout_of(&[
        "code",
        train.join("transcripts").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    let scored = Command::new("python3")
        .arg(devset.join("score.py"))
        .arg(train.join("gold.csv"))
        .arg(out.join("codings.csv"))
        .arg("--kinds")
        .arg(train.join("turn_kinds.csv"))
        .output();
    let scored = match scored {
        Ok(o) if o.status.success() => String::from_utf8(o.stdout).unwrap(),
        Ok(o) => panic!("score.py failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => {
            println!("skipped: python3 does not run ({e})");
            return;
        }
    };
    let figures = evaluate(&train);
    for ((scope, macro_f1, [p, r, f]), name) in
        figures.summaries.iter().zip(["substantive", "actor"])
    {
        let line = format!("{name}: macro-F1 {macro_f1:.3}; micro P {p:.3} R {r:.3} F1 {f:.3}");
        assert!(
            scored.lines().any(|l| l == line),
            "thema's {scope} figures `{line}` are not score.py's:\n{scored}"
        );
    }
    let (_, kinds) = csv_rows(&figures.kinds);
    for kind in kinds.iter().filter(|k| k[0] == "substantive") {
        let line = format!(
            "  {:10} right {:>3}  missed {:>3}  wrong {:>3}",
            kind[1], kind[3], kind[4], kind[5]
        );
        assert!(
            scored.lines().any(|l| l == line),
            "thema's counts `{line}` are not score.py's:\n{scored}"
        );
    }
}

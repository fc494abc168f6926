//! Human codings, agreement, evaluation and sampling on the bundled samples and on bad input.

mod common;
use common::{root, thema};

use predicates::prelude::*;

const ANNA: &str = "samples/codings/coder-anna.csv";
const BRAM: &str = "samples/codings/coder-bram.csv";

#[test]
fn agree_prints_per_code_coefficients_and_writes_the_disagreements() {
    let dir = tempfile::tempdir().unwrap();
    let disagreements = dir.path().join("to-discuss.csv");
    let output = thema()
        .args([
            "agree",
            "samples/",
            "--codings",
            ANNA,
            "--codings",
            BRAM,
            "--format",
            "csv",
            "--quiet",
            "--disagreements",
        ])
        .arg(&disagreements)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        headers,
        [
            "code",
            "kind",
            "units",
            "positive units",
            "% agreement",
            "cohen_kappa",
            "krippendorff_alpha",
            "gwet_ac1",
            "verdict (Krippendorff)"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let pooled = rows
        .iter()
        .find(|r| r[0] == "(all codes)")
        .expect("an overall row");
    let alpha: f64 = pooled[6].parse().unwrap();
    assert!((0.0..=1.0).contains(&alpha));
    // 69 respondent segments in the four double-coded interviews, uncoded ones included.
    let municipality = rows.iter().find(|r| r[0] == "actor.municipality").unwrap();
    assert_eq!(municipality[2], "69");
    let listed = std::fs::read_to_string(&disagreements).unwrap();
    assert!(listed.starts_with("document,segment,speaker,code,anna,bram,text\n"));
    assert!(listed.lines().count() > 1);
}

#[test]
fn agree_bootstrap_is_reproducible_with_the_seed() {
    let run = || {
        let out = thema()
            .args([
                "agree",
                "samples/",
                "--codings",
                ANNA,
                "--codings",
                BRAM,
                "--codes",
                "acceptance",
                "--bootstrap",
                "300",
                "--seed",
                "5",
                "--format",
                "csv",
                "--quiet",
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    let first = run();
    assert_eq!(first, run());
    assert!(String::from_utf8(first).unwrap().contains("alpha_ci_low"));
}

#[test]
fn agree_needs_two_coders() {
    thema()
        .args(["agree", "samples/", "--codings", ANNA, "--quiet"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "agreement needs at least two coders; the codings name only `anna`",
        ));
}

#[test]
fn bad_coding_files_name_the_line() {
    let cases = [
        (
            "unknown-code.csv",
            "unknown-code.csv:3: no code `proactivity.initiativ`",
        ),
        (
            "turn-past-end.csv",
            "turn-past-end.csv:3: document `NL01` has turns 1 to 20, not 99",
        ),
        (
            "unknown-document.csv",
            "unknown-document.csv:2: no document `NL99` among the transcripts",
        ),
        (
            "span-outside.csv",
            "span-outside.csv:2: span 0..5 of document `NL01` selects no segment",
        ),
    ];
    for (file, message) in cases {
        thema()
            .args([
                "agree",
                "samples/",
                "--codings",
                ANNA,
                "--codings",
                &format!("tests/data/codings/{file}"),
                "--quiet",
            ])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn the_auto_coders_own_codings_count_as_coder_auto() {
    let dir = tempfile::tempdir().unwrap();
    thema()
        .args(["code", "samples/", "--quiet", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    thema()
        .args([
            "agree",
            "samples/",
            "--codings",
            ANNA,
            "--quiet",
            "--codings",
        ])
        .arg(dir.path().join("codings.csv"))
        .assert()
        .success()
        .stdout(predicate::str::contains("2 coders (anna, auto)"));
}

#[test]
fn evaluate_scores_the_codebook_against_a_human_coder() {
    let dir = tempfile::tempdir().unwrap();
    let errors = dir.path().join("errors.csv");
    let out = thema()
        .args([
            "evaluate", "samples/", "--gold", ANNA, "--format", "csv", "--quiet", "--errors",
        ])
        .arg(&errors)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("code,support,predicted,tp,fp,fn,precision,recall,f1\n"));
    assert!(text.contains("(macro average)") && text.contains("(micro average)"));
    let listing = std::fs::read_to_string(&errors).unwrap();
    assert!(listing.starts_with("document,segment,code,error,rule,matched,text\n"));
    assert!(listing.contains("false positive") && listing.contains("false negative"));
    let by_language = thema()
        .args([
            "evaluate", "samples/", "--gold", BRAM, "--by", "language", "--format", "csv",
            "--quiet",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(by_language.stdout).unwrap();
    assert!(text.starts_with("group,code,") && text.contains("\nen,") && text.contains("\nnl,"));
}

#[test]
fn evaluate_refuses_a_gold_standard_with_two_coders() {
    let dir = tempfile::tempdir().unwrap();
    let both = dir.path().join("both.csv");
    let anna = std::fs::read_to_string(root().join(ANNA)).unwrap();
    let bram = std::fs::read_to_string(root().join(BRAM)).unwrap();
    std::fs::write(&both, format!("{anna}{}", bram.split_once('\n').unwrap().1)).unwrap();
    thema()
        .args(["evaluate", "samples/", "--quiet", "--gold"])
        .arg(&both)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the gold standard must come from one coder; it names `anna`, `bram`",
        ));
}

#[test]
fn sample_is_reproducible_stratified_and_its_sheet_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let draw = |name: &str| {
        let out = dir.path().join(name);
        thema()
            .args([
                "sample",
                "samples/",
                "--fraction",
                "0.2",
                "--seed",
                "42",
                "--by",
                "cohort",
                "--quiet",
                "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        (
            std::fs::read_to_string(out.join("sample.csv")).unwrap(),
            out.join("coding-sheet.csv"),
        )
    };
    let (first, sheet) = draw("a");
    let (second, _) = draw("b");
    assert_eq!(first, second);
    let strata: Vec<&str> = first
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert!(
        strata.contains(&"2024-wave1") && strata.contains(&"2025-wave2"),
        "{first}"
    );
    assert_eq!(strata.len(), 4, "ceil(0.2 × 7) + ceil(0.2 × 8) documents");
    let sheet_text = std::fs::read_to_string(&sheet).unwrap();
    assert!(sheet_text.starts_with("document,turn,paragraph,speaker,text,code,coder\n"));
    thema()
        .args([
            "sample",
            "samples/",
            "--fraction",
            "0",
            "--seed",
            "1",
            "--quiet",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "--fraction must be above 0 and at most 1",
        ));
}

/// A coding sheet from `thema sample` filled in as a coder does: code and coder only on the
/// rows the coder coded, every other row left as it came.
fn fill_sheet(
    sheet: &std::path::Path,
    out: &std::path::Path,
    coder: &str,
    coded: &[(usize, &str)],
) {
    let mut reader = csv::Reader::from_path(sheet).unwrap();
    let headers = reader.headers().unwrap().clone();
    let code_col = headers.iter().position(|h| h == "code").unwrap();
    let coder_col = headers.iter().position(|h| h == "coder").unwrap();
    let mut writer = csv::Writer::from_path(out).unwrap();
    writer.write_record(&headers).unwrap();
    for (i, record) in reader.records().enumerate() {
        let mut row: Vec<String> = record.unwrap().iter().map(str::to_owned).collect();
        if let Some((_, code)) = coded.iter().find(|(r, _)| *r == i) {
            row[code_col] = (*code).to_owned();
            row[coder_col] = coder.to_owned();
        }
        writer.write_record(&row).unwrap();
    }
    writer.flush().unwrap();
}

#[test]
fn empty_coder_cells_belong_to_the_one_coder_the_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let drawn = dir.path().join("smp");
    thema()
        .args([
            "sample",
            "samples/",
            "--fraction",
            "0.2",
            "--seed",
            "42",
            "--quiet",
            "--out",
        ])
        .arg(&drawn)
        .assert()
        .success();
    let sheet = drawn.join("coding-sheet.csv");
    let anna = dir.path().join("anna.csv");
    let bram = dir.path().join("bram.csv");
    fill_sheet(
        &sheet,
        &anna,
        "anna",
        &[
            (0, "acceptance.privacy"),
            (2, "actor.municipality"),
            (5, "acceptance.welcomed"),
        ],
    );
    fill_sheet(
        &sheet,
        &bram,
        "bram",
        &[
            (0, "acceptance.privacy"),
            (3, "actor.municipality"),
            (5, "acceptance.welcomed"),
        ],
    );
    thema()
        .args(["agree", "samples/", "--quiet", "--codings"])
        .arg(&anna)
        .arg("--codings")
        .arg(&bram)
        .assert()
        .success()
        .stdout(predicate::str::contains("2 coders (anna, bram)"));
    thema()
        .args(["evaluate", "samples/", "--quiet", "--gold"])
        .arg(&anna)
        .assert()
        .success();

    // A file that names two coders cannot say whose an empty cell is; a file that names none
    // cannot either.
    let two = dir.path().join("two.csv");
    std::fs::write(
        &two,
        "document,turn,paragraph,code,coder\nNL01,2,1,acceptance.privacy,anna\nNL01,2,1,acceptance.privacy,bram\nNL01,4,1,acceptance.welcomed,\n",
    )
    .unwrap();
    let none = dir.path().join("none.csv");
    std::fs::write(
        &none,
        "document,turn,paragraph,code,coder\nNL01,2,1,acceptance.privacy,\n",
    )
    .unwrap();
    for (file, message) in [
        (
            &two,
            "two.csv:4: empty `coder`, and the file names several coders (anna, bram)",
        ),
        (
            &none,
            "none.csv:2: empty `coder`, and no row of the file names a coder",
        ),
    ] {
        thema()
            .args(["agree", "samples/", "--quiet", "--codings"])
            .arg(&anna)
            .arg("--codings")
            .arg(file)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(message));
    }
}

/// The samples plus `XX`, an interview in which the default codebook finds nothing, in a
/// folder of their own; returns the folder.
fn samples_with_an_uncoded_interview(dir: &std::path::Path) -> std::path::PathBuf {
    let inputs = dir.join("in");
    std::fs::create_dir(&inputs).unwrap();
    for entry in std::fs::read_dir(root().join("samples")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, inputs.join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(
        inputs.join("xx.txt"),
        "---\nid: XX\ncohort: 2025-wave2\n---\nI: Hoe was uw week?\nR: Het regende de hele week en de kat sliep.\n",
    )
    .unwrap();
    inputs
}

fn shared_documents(args: &[&std::ffi::OsStr]) -> (String, String) {
    let out = thema().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn documents_the_rules_did_not_code_count_in_agreement() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = samples_with_an_uncoded_interview(dir.path());
    let run = dir.path().join("run");
    thema()
        .args(["code", "--quiet", "--out"])
        .arg(&run)
        .arg(&inputs)
        .assert()
        .success();
    let codings = std::fs::read_to_string(run.join("codings.csv")).unwrap();
    assert!(!codings.contains("\nXX,"), "the rules find nothing in XX");
    // Anna coded XX as well as the four documents of her file.
    let human = dir.path().join("anna.csv");
    let anna = std::fs::read_to_string(root().join(ANNA)).unwrap();
    std::fs::write(&human, format!("{anna}XX,2,1,acceptance.welcomed,anna\n")).unwrap();
    let agree = |auto: &std::path::Path| {
        shared_documents(&[
            "agree".as_ref(),
            inputs.as_os_str(),
            "--codings".as_ref(),
            human.as_os_str(),
            "--codings".as_ref(),
            auto.as_os_str(),
        ])
    };
    let (stdout, _) = agree(&run.join("codings.csv"));
    assert!(
        stdout.contains("2 coders (anna, auto), 5 documents coded by two or more"),
        "{stdout}"
    );

    // Without the manifest, segments.csv says which documents were coded.
    std::fs::remove_file(run.join("thema-run.json")).unwrap();
    let (stdout, _) = agree(&run.join("codings.csv"));
    assert!(
        stdout.contains("5 documents coded by two or more"),
        "{stdout}"
    );

    // With neither, every input document counts as coded, and a note says so.
    let alone = dir.path().join("alone");
    std::fs::create_dir(&alone).unwrap();
    std::fs::copy(run.join("codings.csv"), alone.join("codings.csv")).unwrap();
    let (stdout, stderr) = agree(&alone.join("codings.csv"));
    assert!(
        stdout.contains("5 documents coded by two or more"),
        "{stdout}"
    );
    assert!(
        stderr.contains("no thema-run.json or segments.csv beside it"),
        "{stderr}"
    );
}

#[test]
fn evaluate_scores_only_documents_the_run_coded() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = samples_with_an_uncoded_interview(dir.path());
    // A run over the samples alone: XX was never coded, so its gold codes are not misses.
    let run = dir.path().join("run");
    thema()
        .args(["code", "samples/", "--quiet", "--out"])
        .arg(&run)
        .assert()
        .success();
    let gold = dir.path().join("anna.csv");
    let anna = std::fs::read_to_string(root().join(ANNA)).unwrap();
    std::fs::write(&gold, format!("{anna}XX,2,1,acceptance.welcomed,anna\n")).unwrap();
    let (stdout, stderr) = shared_documents(&[
        "evaluate".as_ref(),
        inputs.as_os_str(),
        "--gold".as_ref(),
        gold.as_os_str(),
        "--codings".as_ref(),
        run.join("codings.csv").as_os_str(),
    ]);
    assert!(stdout.contains("4 documents scored"), "{stdout}");
    assert!(
        stderr.contains("XX") && stderr.contains("not coded by the run"),
        "{stderr}"
    );
    // Coding now covers every document.
    let (stdout, _) = shared_documents(&[
        "evaluate".as_ref(),
        inputs.as_os_str(),
        "--gold".as_ref(),
        gold.as_os_str(),
    ]);
    assert!(stdout.contains("5 documents scored"), "{stdout}");
}

//! Datasets coded in parts: `thema code --format dataset [--append]` and `--coded DIR`.

mod common;

use common::{stdout_of, thema};

/// The sample files, split in two shards.
fn shards() -> (Vec<String>, Vec<String>) {
    let mut files: Vec<String> = std::fs::read_dir(common::root().join("samples"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "attributes.csv" && n != "README.md" && !n.starts_with("codings"))
        .map(|n| format!("samples/{n}"))
        .collect();
    files.sort();
    let second = files.split_off(files.len() / 2);
    (files, second)
}

fn code_part(files: &[String], dir: &str, append: bool) -> std::process::Output {
    let mut cmd = thema();
    cmd.arg("code")
        .args(files)
        .args(["--attributes", "samples/attributes.csv"])
        .args(["--format", "dataset", "-o", dir, "--quiet"]);
    if append {
        cmd.arg("--append");
    }
    cmd.output().unwrap()
}

#[test]
fn a_corpus_coded_in_two_parts_analyses_like_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dataset");
    let dir = dir.to_str().unwrap();
    let (first, second) = shards();
    assert!(code_part(&first, dir, false).status.success());
    assert!(code_part(&second, dir, true).status.success());
    for part in ["part-00000", "part-00001"] {
        for table in ["documents", "attributes", "segments", "codings"] {
            let file = tmp.path().join(format!("dataset/{table}/{part}.parquet"));
            assert!(file.exists(), "{}", file.display());
        }
    }
    for analysis in [
        vec!["report", "--by", "cohort"],
        vec!["report", "--format", "csv"],
        vec!["compare", "--by", "cohort", "--format", "csv"],
        vec!["cooccur", "--format", "csv"],
        vec!["matrix", "--format", "csv"],
        vec!["quotes", "--code", "acceptance.welcomed", "--format", "csv"],
    ] {
        let mut from_transcripts = analysis.clone();
        from_transcripts.extend(["samples", "--quiet"]);
        let mut from_dataset = analysis.clone();
        from_dataset.extend(["--coded", dir, "--quiet"]);
        let one_run = stdout_of(&from_transcripts);
        assert!(one_run.lines().count() > 5, "{analysis:?}: {one_run}");
        assert_eq!(stdout_of(&from_dataset), one_run, "{analysis:?}");
    }
    // --where selects from a dataset as from transcripts.
    assert_eq!(
        stdout_of(&[
            "report",
            "--coded",
            dir,
            "--where",
            "cohort=2024-wave1",
            "--quiet"
        ]),
        stdout_of(&[
            "report",
            "samples",
            "--where",
            "cohort=2024-wave1",
            "--quiet"
        ])
    );
}

#[test]
fn a_dataset_refuses_documents_twice_other_codebooks_and_plain_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dataset");
    let dir = dir.to_str().unwrap();
    let one = vec!["samples/en-01-amsterdam.txt".to_owned()];
    assert!(code_part(&one, dir, false).status.success());
    let index = std::fs::read(tmp.path().join("dataset/dataset.json")).unwrap();

    let again = code_part(&one, dir, true);
    assert_eq!(again.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("already holds 1 of these documents (EN01)"),
        "{stderr}"
    );

    let plain = code_part(&["samples/nl-01-utrecht.txt".to_owned()], dir, false);
    assert_eq!(plain.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&plain.stderr).contains("give --append"));

    let codebook = tmp.path().join("other.toml");
    let mut text =
        std::fs::read_to_string(common::root().join("codebooks/proactive-services.toml")).unwrap();
    text.push_str("\n# another version\n");
    std::fs::write(&codebook, text).unwrap();
    let other = thema()
        .args([
            "code",
            "samples/nl-01-utrecht.txt",
            "--format",
            "dataset",
            "--append",
        ])
        .args(["-o", dir, "--codebook", codebook.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&other.stderr).contains("different codebooks"));
    let report = thema()
        .args([
            "report",
            "--coded",
            dir,
            "--codebook",
            codebook.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(report.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&report.stderr).contains("give the codebook it was coded with")
    );

    // Nothing refused changed the dataset.
    assert_eq!(
        std::fs::read(tmp.path().join("dataset/dataset.json")).unwrap(),
        index
    );
    assert!(
        !tmp.path()
            .join("dataset/segments/part-00001.parquet")
            .exists()
    );

    let missing = thema()
        .args(["report", "--coded", tmp.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("dataset.json: missing"));
}

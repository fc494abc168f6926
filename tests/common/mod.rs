//! Helpers shared by the integration tests: the repository root, the binary run from it, and
//! its output.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `thema` binary, run in the repository root, printing full-width tables (`COLUMNS`
/// unset; a test that wants a narrow terminal sets it).
pub fn thema() -> Command {
    let mut cmd = Command::cargo_bin("thema").expect("binary is built");
    cmd.current_dir(root()).env_remove("COLUMNS");
    cmd
}

/// Runs thema and returns its standard output, failing with its standard error.
pub fn stdout_of(args: &[&str]) -> String {
    let output = thema().args(args).output().expect("thema runs");
    assert!(
        output.status.success(),
        "thema {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The header and rows of CSV text.
pub fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("a CSV row").iter().map(str::to_owned).collect())
        .collect();
    (headers, rows)
}

/// The header and rows of codings.csv of `thema code INPUT --codebook CODEBOOK`.
pub fn codings_of(input: &str, codebook: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("out");
    thema()
        .args(["code", input, "-q", "--codebook"])
        .arg(codebook)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    csv_rows(&std::fs::read_to_string(out.join("codings.csv")).expect("codings.csv"))
}

/// Validates `file` against `../shared/refi-qda/<schema>`; returns false (after saying why)
/// when the schema or xmllint is missing.
pub fn validate(file: &Path, schema: &str) -> bool {
    let xsd = root().join("../shared/refi-qda").join(schema);
    if !xsd.is_file() {
        eprintln!(
            "skipping schema validation: {} not found (the REFI-QDA schemas live in ../shared/refi-qda)",
            xsd.display()
        );
        return false;
    }
    let output = match std::process::Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&xsd)
        .arg(file)
        .output()
    {
        Ok(output) => output,
        Err(e) => {
            eprintln!(
                "skipping schema validation: xmllint cannot run ({e}); install it with `apt-get install -y libxml2-utils`"
            );
            return false;
        }
    };
    assert!(
        output.status.success(),
        "{} does not validate against {schema}:\n{}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    true
}

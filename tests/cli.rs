//! The command line as a user runs it: the README commands on the bundled samples, golden
//! outputs, refusals and error messages.

mod common;
use common::{root, stdout_of, thema};

use assert_cmd::Command;
use predicates::prelude::*;

/// Compares `actual` with the golden file; `THEMA_UPDATE_GOLDEN=1` rewrites it instead.
fn assert_golden(name: &str, actual: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("THEMA_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("golden file is writable");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with THEMA_UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    });
    if expected != actual {
        let first_difference = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || "line count differs".to_owned(),
                |i| format!("first difference at line {}", i + 1),
            );
        panic!(
            "{name} differs from the golden file ({first_difference}); rerun with THEMA_UPDATE_GOLDEN=1 after checking the change"
        );
    }
}

#[test]
fn report_by_cohort_matches_the_golden_table() {
    assert_golden(
        "report-by-cohort.txt",
        &stdout_of(&["report", "samples/", "--by", "cohort", "--quiet"]),
    );
    assert_golden(
        "report-by-cohort.csv",
        &stdout_of(&[
            "report", "samples/", "--by", "cohort", "--format", "csv", "--quiet",
        ]),
    );
}

#[test]
fn code_writes_both_tables_with_the_documented_columns_and_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run1");
    thema()
        .args(["code", "samples/", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let segments = std::fs::read_to_string(out.join("segments.csv")).unwrap();
    let codings = std::fs::read_to_string(out.join("codings.csv")).unwrap();
    assert!(segments.starts_with(
        "document,segment,turn,paragraph,speaker,role,start,end,timestamp,end_timestamp,text,age_band,author,cohort,created,debts,household,language,municipality,title\n"
    ));
    assert!(codings.starts_with("document,segment,turn,speaker,code,start,end,matched,rule\n"));
    assert_golden("segments.csv", &segments);
    assert_golden("codings.csv", &codings);

    let again = dir.path().join("run2");
    thema()
        .args(["code", "samples/", "--quiet", "--out"])
        .arg(&again)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(out.join("segments.csv")).unwrap(),
        std::fs::read(again.join("segments.csv")).unwrap()
    );
    assert_eq!(
        std::fs::read(out.join("codings.csv")).unwrap(),
        std::fs::read(again.join("codings.csv")).unwrap()
    );
}

/// SHA-256 of a file, lowercase hex.
fn sha256_of(path: &std::path::Path) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn code_writes_a_run_manifest_that_says_what_was_coded_with_what() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run1");
    let printed = thema()
        .args(["code", "samples/", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(printed.status.success());
    let default: toml::Table = toml::from_str(
        &std::fs::read_to_string(root().join("codebooks/proactive-services.toml")).unwrap(),
    )
    .unwrap();
    let (name, version) = (
        default["codebook"]["name"].as_str().unwrap(),
        default["codebook"]["version"].as_str().unwrap(),
    );
    let stdout = String::from_utf8(printed.stdout).unwrap();
    assert!(
        stdout.contains(&format!("codebook: {name} {version} (embedded)")),
        "{stdout}"
    );
    assert!(stdout.contains("thema-run.json"), "{stdout}");
    let text = std::fs::read_to_string(out.join("thema-run.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(manifest["thema"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["codebook"]["name"], name);
    assert_eq!(manifest["codebook"]["version"], version);
    assert_eq!(manifest["codebook"]["source"], "embedded");
    assert_eq!(
        manifest["codebook"]["sha256"],
        sha256_of(&root().join("codebooks/proactive-services.toml"))
    );
    let inputs = manifest["inputs"].as_array().unwrap();
    for file in [
        "samples/nl-01-utrecht.txt",
        "samples/nl-15-word.docx",
        "samples/attributes.csv",
    ] {
        let entry = inputs
            .iter()
            .find(|i| i["path"] == file)
            .unwrap_or_else(|| panic!("{file} among the inputs: {text}"));
        assert_eq!(entry["sha256"], sha256_of(&root().join(file)));
    }
    for output in ["segments.csv", "codings.csv"] {
        let entry = manifest["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["path"] == output)
            .unwrap();
        assert_eq!(entry["sha256"], sha256_of(&out.join(output)));
    }
    let segments = std::fs::read_to_string(out.join("segments.csv")).unwrap();
    let (_, rows) = common::csv_rows(&segments);
    let mut documents: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    documents.dedup();
    let listed: Vec<&str> = manifest["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, documents, "every document is listed as coded");
    assert_eq!(manifest["options"]["code_interviewer"], false);

    // The same run elsewhere gives the same manifest; another codebook is named by its file.
    let again = dir.path().join("run2");
    thema()
        .args(["code", "samples/", "--quiet", "--out"])
        .arg(&again)
        .assert()
        .success();
    assert_eq!(
        text,
        std::fs::read_to_string(again.join("thema-run.json")).unwrap()
    );
    let other = dir.path().join("run3");
    let codebook = "tests/data/codebooks/linguistics.toml";
    thema()
        .args([
            "code",
            "samples/",
            "--quiet",
            "--codebook",
            codebook,
            "--out",
        ])
        .arg(&other)
        .assert()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(other.join("thema-run.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["codebook"]["source"], codebook);
    assert_eq!(
        manifest["codebook"]["sha256"],
        sha256_of(&root().join(codebook))
    );
    // The report names its codebook too.
    thema()
        .args(["report", "samples/", "--codebook", codebook])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("codebook: linguistics 1 (")
                .and(predicate::str::contains(codebook)),
        );
}

#[test]
fn code_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("codings.csv"), "keep me").unwrap();
    thema()
        .args(["code", "samples/", "--quiet", "--out"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "codings.csv: it exists; pass --force to replace it",
        ));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("codings.csv")).unwrap(),
        "keep me"
    );
    thema()
        .args(["code", "samples/", "--quiet", "--force", "--out"])
        .arg(dir.path())
        .assert()
        .success();
}

#[test]
fn bad_inputs_get_one_line_errors_naming_the_file() {
    let cases = [
        (
            "tests/data/bad/empty.txt",
            "tests/data/bad/empty.txt: empty file",
        ),
        (
            "tests/data/bad/binary.txt",
            "tests/data/bad/binary.txt: binary file",
        ),
        (
            "tests/data/bad/noise.txt",
            "tests/data/bad/noise.txt: neither UTF-8, UTF-16 nor plausible Windows-1252 text",
        ),
    ];
    for (file, message) in cases {
        let output = thema()
            .args(["code", file, "--out", "/nonexistent/never-written"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{file}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with(&format!("thema: error: {message}")),
            "{stderr}"
        );
    }
}

#[test]
fn keep_going_skips_and_counts_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("samples/nl-01-utrecht.txt"),
        dir.path().join("a.txt"),
    )
    .unwrap();
    std::fs::copy(
        root().join("tests/data/bad/binary.txt"),
        dir.path().join("b.txt"),
    )
    .unwrap();
    let out = dir.path().join("out");
    thema()
        .arg("code")
        .arg(dir.path())
        .arg("--keep-going")
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("skipped:")
                .and(predicate::str::contains("b.txt: binary file")),
        )
        .stdout(predicate::str::contains("1 documents (1 skipped)"));
}

#[test]
fn bad_codebooks_get_file_line_column_errors() {
    let cases = [
        (
            "bad-regex.toml",
            "bad-regex.toml:5:9: code `a`, rule a#1: bad regex",
        ),
        (
            "duplicate-id.toml",
            "duplicate-id.toml:8:6: duplicate code id `a` (first defined at line 2)",
        ),
        (
            "unknown-parent.toml",
            "unknown-parent.toml:2:6: code `proactivity.initiative` has an unknown parent `proactivity`",
        ),
    ];
    for (file, message) in cases {
        let path = format!("tests/data/bad/{file}");
        thema()
            .args(["codebook", "check", &path])
            .assert()
            .code(1)
            .stderr(predicate::str::starts_with(format!(
                "thema: error: tests/data/bad/{message}"
            )));
        thema()
            .args(["report", "samples/", "--codebook", &path])
            .assert()
            .code(1);
    }
}

#[test]
fn usage_errors_exit_with_2() {
    thema().args(["report", "--no-such-flag"]).assert().code(2);
    thema().arg("frobnicate").assert().code(2);
}

#[test]
fn unknown_attribute_lists_the_known_ones() {
    thema()
        .args(["report", "samples/", "--by", "wave", "--quiet"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no document has the attribute `wave`; known attributes: age_band, author, cohort, created, debts, household, language, municipality, title",
        ));
}

#[test]
fn default_codebook_passes_its_own_examples() {
    thema().args(["codebook", "test"]).assert().success();
}

#[test]
fn codebook_test_fails_with_a_readable_diff_when_an_example_is_broken() {
    let source =
        std::fs::read_to_string(root().join("tests/data/codebooks/rule-kinds.toml")).unwrap();
    let broken = source.replace(
        "\"Ze belden me zomaar.\"",
        "\"De buurvrouw kwam op de koffie.\"",
    );
    assert_ne!(source, broken);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.toml");
    std::fs::write(&path, broken).unwrap();
    thema()
        .args(["codebook", "test"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "- initiative example 1 [nl]: \"De buurvrouw kwam op de koffie.\"\n    missed; coded instead: nothing",
        ))
        .stdout(predicate::str::contains("3 of 4 examples and counterexamples right, 1 wrong"));
}

#[test]
fn every_subcommand_help_has_an_example() {
    for sub in [
        &["code"][..],
        &["report"],
        &["ingest"],
        &["init"],
        &["codebook", "check"],
        &["codebook", "show"],
        &["codebook", "test"],
    ] {
        let mut args = sub.to_vec();
        args.push("--help");
        let help = stdout_of(&args);
        assert!(help.contains("Example"), "{sub:?}: {help}");
    }
}

#[test]
fn init_writes_a_study_file_that_report_then_uses() {
    let dir = tempfile::tempdir().unwrap();
    let mut init = Command::cargo_bin("thema").unwrap();
    init.current_dir(dir.path()).arg("init").assert().success();
    let template = std::fs::read_to_string(dir.path().join("thema.toml")).unwrap();
    let samples = root().join("samples");
    let study = template
        .replace(
            "inputs = [\"transcripts/\"]",
            &format!("inputs = [{:?}]", samples.display().to_string()),
        )
        .replace("# by = \"cohort\"", "by = \"cohort\"");
    std::fs::write(dir.path().join("thema.toml"), study).unwrap();
    let mut report = Command::cargo_bin("thema").unwrap();
    report
        .current_dir(dir.path())
        .args(["report", "--quiet"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2024-wave1 docs"));
    let mut again = Command::cargo_bin("thema").unwrap();
    again.current_dir(dir.path()).arg("init").assert().code(1);
}

#[test]
fn outputs_to_a_file_are_atomic_and_not_clobbered() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("freq.csv");
    thema()
        .args(["report", "samples/", "--quiet", "--format", "csv", "-o"])
        .arg(&target)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .starts_with("code,label,segments")
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() != "freq.csv")
        .collect();
    assert!(leftovers.is_empty());
    thema()
        .args(["report", "samples/", "--quiet", "-o"])
        .arg(&target)
        .assert()
        .code(1);
}

#[test]
fn analyses_show_twenty_document_warnings_and_ingest_shows_all() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..25 {
        std::fs::write(
            dir.path().join(format!("d{i:02}.txt")),
            "I: Hoe ging het?\nR: Goed.\nOpmerking: dit is geen spreker.\nI: Dank je.\n",
        )
        .unwrap();
    }
    // The output folder inside the input folder: a second run must not read it as transcripts.
    let out = dir.path().join("thema-out");
    let code = thema()
        .arg("code")
        .arg(dir.path())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8(code.stderr).unwrap();
    assert_eq!(stderr.matches("read as text, not as a speaker").count(), 20);
    assert!(stderr.contains("… and 5 more document warnings (`thema ingest` prints them all)"));
    let ingest = thema().arg("ingest").arg(dir.path()).output().unwrap();
    assert!(ingest.status.success());
    let stderr = String::from_utf8(ingest.stderr).unwrap();
    assert_eq!(stderr.matches("read as text, not as a speaker").count(), 25);
    let stdout = String::from_utf8(ingest.stdout).unwrap();
    assert!(
        stdout.contains("segments.csv: thema's segments table"),
        "{stdout}"
    );
    assert!(stdout.contains("25 documents, 0 skipped"), "{stdout}");
}

/// Runs thema with `args` (paths allowed) and fails with its standard error.
fn run_ok(args: &[&std::ffi::OsStr]) -> (String, String) {
    let out = thema().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "thema {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The document ids `thema ingest --format csv` reads from `input`, and its standard error.
fn ingested_ids(input: &std::path::Path) -> (Vec<String>, String) {
    let (csv, stderr) = run_ok(&[
        "ingest".as_ref(),
        input.as_os_str(),
        "--format".as_ref(),
        "csv".as_ref(),
    ]);
    let (_, rows) = common::csv_rows(&csv);
    let mut ids: Vec<String> = rows.into_iter().map(|r| r[0].clone()).collect();
    ids.dedup();
    (ids, stderr)
}

#[test]
fn the_tables_thema_writes_are_not_read_back_as_transcripts() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source");
    let project = dir.path().join("project");
    std::fs::create_dir(&source).unwrap();
    std::fs::create_dir(&project).unwrap();
    for file in [
        "nl-01-utrecht.txt",
        "nl-02-amersfoort.txt",
        "en-01-amsterdam.txt",
        "en-02-rotterdam.txt",
    ] {
        std::fs::copy(root().join("samples").join(file), source.join(file)).unwrap();
        std::fs::copy(root().join("samples").join(file), project.join(file)).unwrap();
    }
    // Every command that writes a table, run on a copy, its tables put beside the transcripts.
    let path = |p: std::path::PathBuf| p.display().to_string();
    let (src, qdpx) = (path(source.clone()), path(dir.path().join("p.qdpx")));
    let out = |name: &str| path(project.join(name));
    let (anna, bram) = (
        path(root().join("samples/codings/coder-anna.csv")),
        path(root().join("samples/codings/coder-bram.csv")),
    );
    let owned = |args: &[&str]| args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    let table_to = |args: &[&str], file: &str| {
        [owned(args), owned(&["--format", "csv", "-o", &out(file)])].concat()
    };
    let mut runs: Vec<Vec<String>> = vec![
        owned(&["code", &src, "--out", &out("thema-out")]),
        owned(&[
            "sample",
            &src,
            "--fraction",
            "0.5",
            "--seed",
            "1",
            "--out",
            &out("smp"),
        ]),
        table_to(&["ingest", &src], "segments-ingest.csv"),
        table_to(&["quotes", &src, "--code", "acceptance"], "quotes.csv"),
        table_to(&["report", &src], "report.csv"),
        table_to(&["compare", &src, "--by", "language"], "compare.csv"),
        table_to(&["cooccur", &src], "cooccur.csv"),
        table_to(&["matrix", &src], "matrix.csv"),
        table_to(
            &[
                "evaluate",
                &src,
                "--gold",
                &anna,
                "--errors",
                &out("errors.csv"),
            ],
            "scores.csv",
        ),
        owned(&["export", "qdpx", &src, "-o", &qdpx]),
        owned(&[
            "import",
            "qdpx",
            &qdpx,
            "-o",
            &path(dir.path().join("imported")),
        ]),
    ];
    for unit in ["segment", "turn"] {
        let disagreements = out(&format!("disagreements-{unit}.csv"));
        runs.push(table_to(
            &[
                "agree",
                &src,
                "--codings",
                &anna,
                "--codings",
                &bram,
                "--unit",
                unit,
                "--disagreements",
                &disagreements,
            ],
            &format!("agree-{unit}.csv"),
        ));
    }
    for args in &runs {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
        run_ok(&args);
    }
    let transcripts = ["EN01", "EN02", "NL01", "NL02"];
    let (ids, stderr) = ingested_ids(&project);
    assert_eq!(ids, transcripts, "{stderr}");
    let (report, notes) = run_ok(&["report".as_ref(), project.as_os_str()]);
    assert!(report.contains("(all)"));
    for table in [
        "smp/coding-sheet.csv",
        "smp/sample.csv",
        "thema-out/segments.csv",
        "thema-out/codings.csv",
        "quotes.csv",
        "segments-ingest.csv",
        "disagreements-segment.csv",
        "disagreements-turn.csv",
        "errors.csv",
    ] {
        assert!(
            notes.contains(table) && notes.contains("passed over"),
            "{table}: {notes}"
        );
    }
    // The folder `thema import qdpx` wrote: the sources, not codings.csv.
    let imported = dir.path().join("imported");
    let (ids, stderr) = ingested_ids(&imported);
    assert_eq!(ids, transcripts, "{stderr}");
}

#[test]
fn an_attribute_named_like_an_output_column_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let interview =
        "I: Hoe ging het?\nR: De gemeente belde me uit zichzelf op en dat vond ik fijn.\n";
    std::fs::write(
        dir.path().join("a.txt"),
        format!("---\ntext: hallo\n---\n{interview}"),
    )
    .unwrap();
    thema()
        .args(["quotes", "--code", "proactivity", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("a.txt:2: front matter key `text`"));
    // A code's column in the document matrix is taken too.
    std::fs::write(
        dir.path().join("a.txt"),
        format!("---\nproactivity: ja\n---\n{interview}"),
    )
    .unwrap();
    thema()
        .args(["matrix", "--format", "csv"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "attribute `proactivity` has the name of a code",
        ));
}

#[test]
fn a_few_bad_bytes_in_utf8_text_are_repaired_with_a_warning_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mixed.txt");
    let mut bytes = "I: Hoe was het?\nR: Ik werd geïnformeerd.\nÉén brief, daarna niets.\n"
        .as_bytes()
        .to_vec();
    bytes.extend(b"Van 9 \x96 12 uur wachten.\n");
    std::fs::write(&file, &bytes).unwrap();
    let table = dir.path().join("turns.csv");
    let mut rows = "document,speaker,text\nT1,I,Hoe was het?\nT1,R,Één brief kwam.\n"
        .as_bytes()
        .to_vec();
    rows.extend(b"T1,R,Van 9 \x96 12 uur.\n");
    std::fs::write(&table, &rows).unwrap();
    let out = thema()
        .arg("ingest")
        .arg(&file)
        .arg(&table)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("Ik werd geïnformeerd.\nÉén brief, daarna niets.\nVan 9 – 12 uur wachten."),
        "{stdout}"
    );
    assert!(stdout.contains("Van 9 – 12 uur."), "{stdout}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    for (path, line) in [(&file, 4), (&table, 4)] {
        assert!(
            stderr.contains(&format!(
                "{}: 1 byte is not UTF-8 (line {line}: 1)",
                path.display()
            )),
            "{stderr}"
        );
    }
    let strict = thema()
        .arg("ingest")
        .arg(&file)
        .args(["--format", "csv", "--strict-encoding"])
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1));
    assert!(strict.stdout.is_empty());
    let stderr = String::from_utf8(strict.stderr).unwrap();
    assert!(
        stderr.contains(&format!(
            "{}: 1 byte is not UTF-8 (line 4: 1)",
            file.display()
        )) && stderr.contains("--strict-encoding"),
        "{stderr}"
    );
}

/// The cells of CSV text that start like a spreadsheet formula (`=`, `+`, `-`, `@`, tab or
/// carriage return) and are not numbers.
fn formula_like_cells(csv: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    reader
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
        .filter(|c| c.starts_with(['=', '+', '-', '@', '\t', '\r']) && c.parse::<f64>().is_err())
        .collect()
}

#[test]
fn excel_safe_csv_starts_formula_like_text_with_an_apostrophe() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(
        inputs.join("x1.txt"),
        "---\nid: X1\n---\nI: Wat gebeurde er?\nR: =HYPERLINK(\"http://127.0.0.1/\",\"klik\") de gemeente belde me uit zichzelf op.\n\n+31 6 1234 5678 was het nummer, de gemeente belde me.\n\n-50 euro kreeg ik terug.\n\n@gemeente belde me uit zichzelf.\n",
    )
    .unwrap();
    let anna = dir.path().join("anna.csv");
    let bram = dir.path().join("bram.csv");
    std::fs::write(
        &anna,
        "document,turn,code,coder\nX1,2,acceptance.privacy,anna\n",
    )
    .unwrap();
    std::fs::write(
        &bram,
        "document,turn,code,coder\nX1,2,acceptance.welcomed,bram\n",
    )
    .unwrap();
    let path = |p: &std::path::Path| p.display().to_string();
    let (src, out) = (path(&inputs), |f: &str| path(&dir.path().join(f)));
    let stdout = |args: &[&str]| {
        let o = thema().args(args).arg("--quiet").output().unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    // By default CSV is data: the text exactly as in the transcript.
    let plain = stdout(&["ingest", &src, "--format", "csv"]);
    assert!(
        formula_like_cells(&plain)
            .iter()
            .any(|c| c.starts_with("=HYPERLINK")),
        "{plain}"
    );

    stdout(&["code", &src, "--excel-safe", "--out", &out("run")]);
    stdout(&[
        "sample",
        &src,
        "--fraction",
        "1",
        "--seed",
        "1",
        "--excel-safe",
        "--out",
        &out("smp"),
    ]);
    let agree = [
        "agree",
        &src,
        "--codings",
        &path(&anna),
        "--codings",
        &path(&bram),
    ];
    stdout(
        &[
            &agree[..],
            &[
                "--excel-safe",
                "--format",
                "csv",
                "--disagreements",
                &out("dis.csv"),
            ],
        ]
        .concat(),
    );
    stdout(&[
        "evaluate",
        &src,
        "--gold",
        &path(&anna),
        "--excel-safe",
        "--format",
        "csv",
        "--errors",
        &out("err.csv"),
    ]);
    let outputs = [
        (
            "ingest",
            stdout(&["ingest", &src, "--format", "csv", "--excel-safe"]),
        ),
        (
            "quotes",
            stdout(&[
                "quotes",
                &src,
                "--code",
                "actor",
                "--format",
                "csv",
                "--excel-safe",
            ]),
        ),
        (
            "matrix",
            stdout(&["matrix", &src, "--format", "csv", "--excel-safe"]),
        ),
        (
            "segments.csv",
            std::fs::read_to_string(out("run/segments.csv")).unwrap(),
        ),
        (
            "codings.csv",
            std::fs::read_to_string(out("run/codings.csv")).unwrap(),
        ),
        (
            "coding sheet",
            std::fs::read_to_string(out("smp/coding-sheet.csv")).unwrap(),
        ),
        (
            "disagreements",
            std::fs::read_to_string(out("dis.csv")).unwrap(),
        ),
        ("errors", std::fs::read_to_string(out("err.csv")).unwrap()),
    ];
    for (what, csv) in &outputs {
        assert_eq!(formula_like_cells(csv), Vec::<String>::new(), "{what}");
    }
    for (what, csv) in &outputs[..1] {
        for cell in ["'=HYPERLINK(", "'+31 6", "'-50 euro", "'@gemeente"] {
            assert!(csv.contains(cell), "{what}: {cell} in {csv}");
        }
    }
    // thema reads its own excel-safe codings back.
    stdout(&[
        "agree",
        &src,
        "--codings",
        &path(&anna),
        "--codings",
        &out("run/codings.csv"),
    ]);
}

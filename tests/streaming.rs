//! A corpus read and coded a batch at a time writes what one held in memory writes.
//! `THEMA_BATCH_BYTES=1` makes every file a batch of its own and holds nothing, so each file
//! is read twice (census, then coding) as on an archive.

mod common;

use common::thema;

/// Runs thema with `args`, streamed (one file per batch) or not, and returns its output.
fn run(args: &[&str], streamed: bool) -> std::process::Output {
    let mut cmd = thema();
    cmd.args(args);
    if streamed {
        cmd.env("THEMA_BATCH_BYTES", "1");
    }
    let output = cmd.output().unwrap();
    assert!(
        output.status.success(),
        "thema {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn coding_a_batch_at_a_time_writes_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for streamed in [false, true] {
        let dir = tmp.path().join(if streamed { "streamed" } else { "held" });
        let out = run(
            &[
                "code",
                "samples",
                "--attributes",
                "samples/attributes.csv",
                "--where",
                "language=nl",
                "--out",
                dir.to_str().unwrap(),
            ],
            streamed,
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let files: Vec<Vec<u8>> = ["segments.csv", "codings.csv", "thema-run.json"]
            .iter()
            .map(|f| std::fs::read(dir.join(f)).unwrap())
            .collect();
        outputs.push((stdout.replace(dir.to_str().unwrap(), "DIR"), files));
    }
    assert!(outputs[0].0.contains("documents (0 skipped)"));
    assert_eq!(outputs[0], outputs[1]);
    let (_, rows) = common::csv_rows(&String::from_utf8(outputs[0].1[1].clone()).unwrap());
    assert!(rows.len() > 100, "the Dutch samples are coded");
}

#[test]
fn the_interviewer_inferred_from_every_document_holds_across_batches() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, answer) in [("a", "Sara"), ("b", "Kees")] {
        std::fs::write(
            tmp.path().join(format!("{name}.txt")),
            format!(
                "Pieter: Did the council write to you?\n{answer}: Yes, they sent a letter before I asked.\nPieter: And then?\n{answer}: They called me.\n"
            ),
        )
        .unwrap();
    }
    let dir = tmp.path().join("out");
    let out = run(
        &[
            "code",
            tmp.path().to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ],
        true,
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr
            .contains("interviewer inferred: `Pieter` (opens every document) in 2 documents: a, b"),
        "{stderr}"
    );
    let (headers, rows) =
        common::csv_rows(&std::fs::read_to_string(dir.join("segments.csv")).unwrap());
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (speaker, role) = (col("speaker"), col("role"));
    assert_eq!(rows.len(), 8);
    for row in &rows {
        let expected = if row[speaker] == "Pieter" {
            "interviewer"
        } else {
            "respondent"
        };
        assert_eq!(row[role], expected, "{row:?}");
    }
}

#[test]
fn the_frequency_table_counted_a_batch_at_a_time_is_the_same() {
    let args = [
        "report",
        "samples",
        "--attributes",
        "samples/attributes.csv",
        "--by",
        "cohort",
        "--format",
        "csv",
    ];
    let held = run(&args, false);
    let streamed = run(&args, true);
    assert_eq!(held.stdout, streamed.stdout);
    let text = String::from_utf8(held.stdout).unwrap();
    assert!(text.lines().count() > 20, "{text}");
    assert!(
        text.starts_with("code,label,segments,documents,% documents,"),
        "{text}"
    );
}

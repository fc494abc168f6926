//! Transcripts that name people, not roles (Otter.ai, Teams): the interviewer is inferred
//! and said so, and what cannot be inferred is a warning, never silent.

mod common;

use std::io::Write;

use common::{csv_rows, thema};

const OTTER: &str = "tests/data/otter/otter-export.txt";
const NO_ROLES: &str = "tests/data/otter/no-roles.txt";

/// (speaker, role, timestamp, text) of every segment, and the standard error.
fn read_segments(args: &[&str]) -> (Vec<(String, String, String, String)>, String) {
    let output = thema()
        .arg("ingest")
        .args(args)
        .args(["--format", "csv"])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{args:?}");
    let (headers, rows) = csv_rows(&String::from_utf8(output.stdout).expect("UTF-8"));
    let col = |name: &str| headers.iter().position(|h| h == name).expect("column");
    let (speaker, role, time, text) = (col("speaker"), col("role"), col("timestamp"), col("text"));
    (
        rows.into_iter()
            .map(|r| {
                (
                    r[speaker].clone(),
                    r[role].clone(),
                    r[time].clone(),
                    r[text].clone(),
                )
            })
            .collect(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_otter_interviewer_is_inferred_and_said_so() {
    let (segments, stderr) = read_segments(&[OTTER]);
    let roles: Vec<(&str, &str)> = segments
        .iter()
        .filter(|s| s.1 != "preamble")
        .map(|s| (s.0.as_str(), s.1.as_str()))
        .collect();
    assert_eq!(roles.len(), 6);
    for (speaker, role) in roles {
        let expected = if speaker == "Pieter de Vries" {
            "interviewer"
        } else {
            "respondent"
        };
        assert_eq!(role, expected, "{speaker}");
    }
    assert!(
        stderr.contains("note: interviewer inferred: `Pieter de Vries` (asks the most questions) in 1 document: otter-export"),
        "{stderr}"
    );
    // The interviewer's questions are no longer coded.
    let codings = common::stdout_of(&["quotes", OTTER, "--code", "expectation", "--format", "csv"]);
    assert!(!codings.contains("Did you expect"), "{codings}");
}

#[test]
fn a_document_without_an_interviewer_turn_is_a_warning() {
    let (segments, stderr) = read_segments(&[NO_ROLES]);
    assert!(segments.iter().all(|s| s.1 == "respondent"));
    assert!(
        stderr.contains("no-roles.txt: no interviewer turn: every turn is coded as an answer; if one of `Sara`, `Kees` is the interviewer, give --interviewer NAME"),
        "{stderr}"
    );
    let (segments, stderr) = read_segments(&[NO_ROLES, "--interviewer", "kees"]);
    assert!(
        segments
            .iter()
            .all(|s| (s.0 == "Kees") == (s.1 == "interviewer"))
    );
    assert!(!stderr.contains("no interviewer turn"), "{stderr}");
}

#[test]
fn an_interviewer_label_matching_no_speaker_is_a_warning() {
    let (_, stderr) = read_segments(&[OTTER, "--interviewer", "Pieter de Vris"]);
    assert!(
        stderr.contains("warning: interviewer label `Pieter de Vris` matches no speaker in any document (speakers: Pieter de Vries, Sara Jansen)"),
        "{stderr}"
    );
}

/// A Word file as Otter.ai exports it: per turn a paragraph with the bold name and a plain
/// time, then the text.
fn otter_docx(path: &std::path::Path) {
    let p = |text: &str| format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>");
    let head = |name: &str, time: &str| {
        format!(
            "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>{name}</w:t></w:r><w:r><w:t xml:space=\"preserve\">  {time}</w:t></w:r></w:p>"
        )
    };
    let body = [
        head("Pieter de Vries", "0:02"),
        p("How did it start?"),
        head("Sara Jansen", "0:09"),
        p("With a letter from the council."),
        head("Pieter de Vries", "0:31"),
        p("Did you expect it?"),
        head("Sara Jansen", "0:35"),
        p("No, not at all."),
    ]
    .concat();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let file = std::fs::File::create(path).expect("created");
    let mut zip = zip::ZipWriter::new(file);
    zip.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .expect("entry");
    zip.write_all(document.as_bytes()).expect("written");
    zip.finish().expect("finished");
}

#[test]
fn an_otter_word_export_reads_one_segment_per_turn_with_its_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("otter.docx");
    otter_docx(&file);
    let (segments, _) = read_segments(&[file.to_str().expect("UTF-8")]);
    let read: Vec<(&str, &str, &str)> = segments
        .iter()
        .map(|s| (s.0.as_str(), s.2.as_str(), s.3.as_str()))
        .collect();
    assert_eq!(
        read,
        [
            ("Pieter de Vries", "0:02", "How did it start?"),
            ("Sara Jansen", "0:09", "With a letter from the council."),
            ("Pieter de Vries", "0:31", "Did you expect it?"),
            ("Sara Jansen", "0:35", "No, not at all."),
        ]
    );
    assert_eq!(segments[0].1, "interviewer", "inferred from the questions");
}

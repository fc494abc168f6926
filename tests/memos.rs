//! Memos: the optional `memo` column of codings CSVs travels to REFI-QDA notes and back, and
//! a project's notes on selections, codings, sources, codes and the project are imported.

mod common;

use std::io::Read;

use common::{csv_rows, stdout_of, validate};
use thema::refi::xml;

const TRANSCRIPTS: &str = "tests/data/sources/transcripts";
const CODEBOOK: &str = "tests/data/sources/codebook.toml";

fn read_entry(qdpx: &std::path::Path, name: &str) -> String {
    let file = std::fs::File::open(qdpx).expect("project written");
    let mut archive = zip::ZipArchive::new(file).expect("a zip");
    let mut entry = archive.by_name(name).expect("entry");
    let mut text = String::new();
    entry.read_to_string(&mut text).expect("UTF-8 entry");
    text
}

#[test]
fn memos_are_exported_as_notes_and_imported_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let codings = dir.path().join("codings.csv");
    std::fs::write(
        &codings,
        "document,turn,paragraph,code,coder,memo\nA,2,1,t.one,ann,\"Relieved; ask about the letter\"\nA,2,2,t.two,ann,\nB,2,1,t.one,ann,\nC,,,,ann,C hardly talked\n",
    )
    .expect("written");
    let qdpx = dir.path().join("p.qdpx");
    let out = stdout_of(&[
        "export",
        "qdpx",
        TRANSCRIPTS,
        "--codebook",
        CODEBOOK,
        "--codings",
        codings.to_str().expect("UTF-8"),
        "-o",
        qdpx.to_str().expect("UTF-8"),
    ]);
    assert!(out.contains("2 memos"), "{out}");
    let qde = read_entry(&qdpx, "project.qde");
    let root = xml::parse(&qde).expect("valid XML");
    let notes = root.child("Notes").expect("a Notes element");
    let texts: Vec<&str> = notes
        .children_named("Note")
        .map(|n| n.child("PlainTextContent").expect("text").text.as_str())
        .collect();
    assert_eq!(texts, ["Relieved; ask about the letter", "C hardly talked"]);
    let file = dir.path().join("project.qde");
    std::fs::write(&file, &qde).expect("written");
    validate(&file, "Project-mrt2019.xsd");

    let imported = dir.path().join("imported");
    stdout_of(&[
        "import",
        "qdpx",
        qdpx.to_str().expect("UTF-8"),
        "-o",
        imported.to_str().expect("UTF-8"),
        "-q",
    ]);
    let (headers, rows) =
        csv_rows(&std::fs::read_to_string(imported.join("codings.csv")).expect("codings.csv"));
    assert_eq!(headers.last().map(String::as_str), Some("memo"));
    let memos: Vec<(&str, &str, &str)> = rows
        .iter()
        .filter(|r| r[2] == "ann")
        .map(|r| (r[0].as_str(), r[1].as_str(), r[6].as_str()))
        .collect();
    assert_eq!(
        memos,
        [
            ("A", "t.one", "Relieved; ask about the letter"),
            ("A", "t.two", ""),
            ("B", "t.one", "")
        ]
    );
    let (_, rows) =
        csv_rows(&std::fs::read_to_string(imported.join("memos.csv")).expect("memos.csv"));
    assert_eq!(rows, [["C", "", "ann", "Memo by ann", "C hardly talked"]]);
}

/// A project whose notes hang on a selection, a coding, a source, a code and the project,
/// and one nothing refers to.
fn project_with_notes() -> String {
    let note = |guid: &str, name: &str, text: &str| {
        format!(
            r#"<Note guid="00000000-0000-4000-8000-0000000009{guid}" name="{name}" creatingUser="00000000-0000-4000-8000-0000000000A1"><PlainTextContent>{text}</PlainTextContent></Note>"#
        )
    };
    let reference =
        |guid: &str| format!(r#"<NoteRef targetGUID="00000000-0000-4000-8000-0000000009{guid}"/>"#);
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="t">
  <Users><User guid="00000000-0000-4000-8000-0000000000A1" name="anna"/></Users>
  <CodeBook><Codes><Code guid="00000000-0000-4000-8000-0000000000C1" name="Help" isCodable="true">{code_note}</Code></Codes></CodeBook>
  <Sources>
    <TextSource guid="00000000-0000-4000-8000-0000000000D1" name="doc">
      <PlainTextContent>R: they called me first</PlainTextContent>
      <PlainTextSelection guid="00000000-0000-4000-8000-0000000000E1" startPosition="3" endPosition="14" creatingUser="00000000-0000-4000-8000-0000000000A1">
        <Coding guid="00000000-0000-4000-8000-0000000000F1"><CodeRef targetGUID="00000000-0000-4000-8000-0000000000C1"/>{coding_note}</Coding>
        {selection_note}
      </PlainTextSelection>
      {source_note}
    </TextSource>
  </Sources>
  <Notes>{n1}{n2}{n3}{n4}{n5}{n6}</Notes>
  {project_note}
</Project>
"#,
        code_note = reference("04"),
        coding_note = reference("02"),
        selection_note = reference("01"),
        source_note = reference("03"),
        project_note = reference("05"),
        n1 = note("01", "On the span", "They phoned first."),
        n2 = note("02", "On the coding", "Clear initiative."),
        n3 = note("03", "On the interview", "Short and calm."),
        n4 = note("04", "On the code", "Use for any help offered."),
        n5 = note("05", "On the project", "Wave 1 only."),
        n6 = note("06", "Loose", "A note on nothing."),
    )
}

#[test]
fn notes_of_a_project_become_memos() {
    let dir = tempfile::tempdir().expect("temp dir");
    let qdpx = dir.path().join("notes.qdpx");
    let file = std::fs::File::create(&qdpx).expect("created");
    let mut zip = zip::ZipWriter::new(file);
    zip.start_file("project.qde", zip::write::SimpleFileOptions::default())
        .expect("entry");
    std::io::Write::write_all(&mut zip, project_with_notes().as_bytes()).expect("written");
    zip.finish().expect("zip");
    let imported = dir.path().join("imported");
    let out = stdout_of(&[
        "import",
        "qdpx",
        qdpx.to_str().expect("UTF-8"),
        "-o",
        imported.to_str().expect("UTF-8"),
    ]);
    assert!(
        out.contains("1 memos on codings and 4 other memos"),
        "{out}"
    );
    let (headers, rows) =
        csv_rows(&std::fs::read_to_string(imported.join("codings.csv")).expect("codings.csv"));
    let memo = headers
        .iter()
        .position(|h| h == "memo")
        .expect("memo column");
    assert_eq!(rows[0][memo], "They phoned first.\n\nClear initiative.");
    let (_, memos) =
        csv_rows(&std::fs::read_to_string(imported.join("memos.csv")).expect("memos.csv"));
    assert_eq!(
        memos,
        [
            ["doc", "", "anna", "On the interview", "Short and calm."],
            [
                "",
                "help",
                "anna",
                "On the code",
                "Use for any help offered."
            ],
            ["", "", "anna", "On the project", "Wave 1 only."],
            ["", "", "anna", "Loose", "A note on nothing."],
        ]
    );
    // The memo column reads back as the coding's memo: analyses and exports keep it.
    let again = dir.path().join("again.qdpx");
    stdout_of(&[
        "export",
        "qdpx",
        imported.join("sources").to_str().expect("UTF-8"),
        "--codebook",
        imported.join("codebook.toml").to_str().expect("UTF-8"),
        "--codings",
        imported.join("codings.csv").to_str().expect("UTF-8"),
        "-o",
        again.to_str().expect("UTF-8"),
        "-q",
    ]);
    assert!(read_entry(&again, "project.qde").contains("They phoned first."));
}

//! Reading the bundled samples: every label convention, the encodings, roles, front matter
//! and attributes, and that no character of any turn is lost.

use std::path::{Path, PathBuf};
mod common;
use common::{stdout_of, thema};

use thema::corpus::{Document, Role};
use thema::ingest::turns::parse_label;
use thema::ingest::{IngestOptions, InputFile, ingest, read_file};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn read_path(path: &Path) -> Document {
    let file = InputFile {
        path: path.to_owned(),
        explicit: true,
        size: 0,
    };
    let mut docs = read_file(&file, &IngestOptions::default())
        .expect("file reads")
        .documents()
        .expect("a transcript");
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

fn read(name: &str) -> Document {
    read_path(&samples().join(name))
}

/// (file, id, encoding, interviewer label, respondent label, respondent turns)
const SAMPLES: [(&str, &str, &str, &str, &str, usize); 12] = [
    ("nl-01-utrecht.txt", "NL01", "UTF-8", "I", "R", 10),
    (
        "nl-02-amersfoort.txt",
        "NL02",
        "UTF-8",
        "Interviewer",
        "Henk",
        10,
    ),
    (
        "nl-03-zwolle.txt",
        "NL03",
        "UTF-8",
        "Interviewer",
        "Respondent 3",
        9,
    ),
    (
        "nl-04-nieuwegein.txt",
        "NL04",
        "UTF-8",
        "Interviewer",
        "R04",
        10,
    ),
    (
        "nl-05-tilburg.md",
        "NL05",
        "UTF-8",
        "Interviewer",
        "Joke",
        10,
    ),
    (
        "nl-06-almere.txt",
        "NL06",
        "UTF-8",
        "Sanne",
        "Sara Jansen",
        12,
    ),
    (
        "nl-07-groningen.txt",
        "NL07",
        "windows-1252",
        "Interviewer",
        "Kees",
        10,
    ),
    (
        "nl-08-arnhem.txt",
        "NL08",
        "UTF-8",
        "Onderzoeker",
        "Deelnemer",
        11,
    ),
    (
        "en-01-amsterdam.txt",
        "EN01",
        "UTF-8",
        "Interviewer",
        "interviewee",
        11,
    ),
    (
        "en-02-rotterdam.txt",
        "EN02",
        "UTF-8",
        "Interviewer",
        "Maria",
        9,
    ),
    (
        "en-03-den-haag.txt",
        "EN03",
        "UTF-16LE",
        "Interviewer",
        "Fatima",
        11,
    ),
    ("en-04-eindhoven.txt", "EN04", "UTF-8", "Q", "A", 11),
];

#[test]
fn every_sample_has_its_speakers_roles_and_encoding() {
    for (file, id, encoding, interviewer, respondent, turns) in SAMPLES {
        let doc = read(file);
        assert_eq!(doc.id, id, "{file}");
        assert_eq!(doc.encoding, encoding, "{file}");
        let speakers = doc.speakers();
        assert_eq!(speakers.len(), 2, "{file}: {speakers:?}");
        assert!(
            speakers.contains(&(
                interviewer.to_owned(),
                Role::Interviewer,
                speakers
                    .iter()
                    .find(|s| s.0 == interviewer)
                    .map_or(0, |s| s.2)
            )),
            "{file}: {speakers:?}"
        );
        let resp = speakers
            .iter()
            .find(|s| s.1 == Role::Respondent)
            .expect("a respondent");
        assert_eq!((resp.0.as_str(), resp.2), (respondent, turns), "{file}");
    }
}

#[test]
fn timestamps_are_kept_for_timed_label_conventions() {
    let first_respondent = |file: &str| {
        read(file)
            .segments
            .into_iter()
            .find(|s| s.role == Role::Respondent)
            .and_then(|s| s.timestamp)
    };
    for file in [
        "nl-02-amersfoort.txt",
        "nl-04-nieuwegein.txt",
        "nl-06-almere.txt",
        "nl-07-groningen.txt",
        "en-03-den-haag.txt",
    ] {
        assert!(first_respondent(file).is_some(), "{file}");
    }
    assert_eq!(first_respondent("nl-01-utrecht.txt"), None);
}

#[test]
fn lines_that_only_look_like_labels_stay_in_the_answer() {
    let doc = read("nl-02-amersfoort.txt");
    let seg = doc
        .segments
        .iter()
        .find(|s| s.text.contains("Nou: dat was het dan."))
        .expect("Nou line kept");
    assert_eq!(seg.speaker, "Henk");
    let doc = read("en-04-eindhoven.txt");
    let seg = doc
        .segments
        .iter()
        .find(|s| s.text.contains("Note: I still have the letter."))
        .expect("Note line kept");
    assert_eq!(seg.role, Role::Respondent);
}

#[test]
fn preamble_is_kept_but_is_not_a_turn() {
    let doc = read("nl-04-nieuwegein.txt");
    let first = &doc.segments[0];
    assert_eq!((first.role, first.turn), (Role::Preamble, 0));
}

/// Every character outside the segments is front matter, white space, or the speaker label
/// of the turn that the line starts: a name or role that is the next segment's speaker.
fn assert_no_text_lost(file: &str, doc: &Document) {
    let chars: Vec<char> = doc.text.chars().collect();
    let mut covered = vec![false; chars.len()];
    let mut last_end = 0;
    for s in &doc.segments {
        assert!(
            s.start >= last_end && s.end > s.start,
            "{file}: segments overlap or are empty"
        );
        assert_eq!(
            chars[s.start..s.end].iter().collect::<String>(),
            s.text,
            "{file}"
        );
        covered[s.start..s.end].fill(true);
        last_end = s.end;
    }
    let mut in_front_matter =
        doc.text.starts_with("---") && doc.segments.first().is_none_or(|s| s.start != 0);
    let mut offset = 0;
    for (n, line) in doc.text.split('\n').enumerate() {
        let line_chars = line.chars().count();
        let range = offset..offset + line_chars;
        offset += line_chars + 1;
        if n > 0 && in_front_matter && line.trim() == "---" {
            in_front_matter = false;
            continue;
        }
        let outside: String = range
            .clone()
            .take_while(|&i| !covered[i])
            .map(|i| chars[i])
            .collect();
        let rest_outside = range
            .clone()
            .skip_while(|&i| !covered[i])
            .any(|i| !covered[i] && !chars[i].is_whitespace());
        assert!(
            !rest_outside,
            "{file}: line {} ends outside every segment: {line:?}",
            n + 1
        );
        if in_front_matter || outside.trim().is_empty() {
            continue;
        }
        let label = parse_label(line).unwrap_or_else(|| {
            panic!(
                "{file}: line {} text outside every segment: {outside:?}",
                n + 1
            )
        });
        let next = doc
            .segments
            .iter()
            .find(|s| s.end > range.start)
            .unwrap_or_else(|| panic!("{file}: line {}: a label with no turn after it", n + 1));
        assert_eq!(
            next.speaker,
            label.speaker,
            "{file}: line {}: {outside:?} left out of the segments, but it is not the speaker label",
            n + 1
        );
    }
}

#[test]
fn no_character_of_any_turn_is_lost() {
    for (file, ..) in SAMPLES {
        assert_no_text_lost(file, &read(file));
    }
}

/// Quoted speech, thoughts and story openings with a colon look like labels; they are not
/// names or roles, so they name no speaker and their words stay in the turn.
#[test]
fn speaker_label_look_alikes_name_no_speaker_and_lose_no_text() {
    let dir = tempfile::tempdir().unwrap();
    let transcripts = [
        "I: Wat zei de ambtenaar?\nU zei: wij bellen u terug.\nU zei: dat komt goed.\nR: Ja.\nIk dacht: dat geloof ik niet.\nIk dacht: ik wacht af.\nI: En toen?\nR: Toen belde ze.\n",
        "[00:01:10] I: Wat gebeurde er?\n[00:01:40] En toen zei ze: we komen langs.\n[00:02:00] R: Ja, zo ging het.\n",
        "Interviewer: What did they say?\nHe said: we will call you.\nShe said: don't worry.\nShe said: it is fine.\nRespondent: Then they called.\nThey told me: wait.\nThey told me: wait again.\n",
        "I: Hoe ging het?\nR: Mijn moeder zei: bel ze.\nMijn moeder zei: nu.\nZe zei: echt.\nZe zei: echt waar.\nToen: niks.\nToen: weer niks.\n",
    ];
    for (i, text) in transcripts.iter().enumerate() {
        let path = dir.path().join(format!("t{i}.txt"));
        std::fs::write(&path, text).unwrap();
        let doc = read_path(&path);
        let speakers: Vec<String> = doc.speakers().into_iter().map(|(s, ..)| s).collect();
        assert!(
            speakers
                .iter()
                .all(|s| ["I", "R", "Interviewer", "Respondent"].contains(&s.as_str())),
            "transcript {i}: speakers {speakers:?}"
        );
        assert_no_text_lost(&format!("transcript {i}"), &doc);
    }
}

#[test]
fn attributes_from_front_matter_and_the_folder_csv_merge() {
    let options = IngestOptions {
        attributes: vec![samples().join("attributes.csv")],
        ..IngestOptions::default()
    };
    let corpus = ingest(&[samples()], &options, &|_| {}).expect("samples read");
    assert_eq!(corpus.documents.len(), 15);
    for doc in &corpus.documents {
        for key in [
            "cohort",
            "language",
            "municipality",
            "age_band",
            "household",
            "debts",
        ] {
            assert!(doc.attributes.contains_key(key), "{}: no {key}", doc.id);
        }
    }
    assert!(corpus.warnings.is_empty(), "{:?}", corpus.warnings);
}

#[test]
fn conflicting_attribute_values_name_document_attribute_and_both_values() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.txt"),
        "---\nid: A1\ncohort: 2024-wave1\n---\nI: Vraag\nR: Antwoord\n",
    )
    .unwrap();
    let csv = dir.path().join("attrs.csv");
    std::fs::write(&csv, "document,cohort\nA1,2025-wave2\nB9,2024-wave1\n").unwrap();
    let options = IngestOptions {
        attributes: vec![csv.clone()],
        ..IngestOptions::default()
    };
    let err = ingest(&[dir.path().join("a.txt")], &options, &|_| {})
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(":2: document `A1`: attribute `cohort` is \"2024-wave1\""),
        "{err}"
    );
    assert!(err.contains("but \"2025-wave2\" here"), "{err}");

    std::fs::write(&csv, "document,cohort\nA1,2024-wave1\nB9,2024-wave1\n").unwrap();
    let corpus = ingest(&[dir.path().join("a.txt")], &options, &|_| {}).unwrap();
    assert_eq!(corpus.warnings.len(), 1);
    assert!(
        corpus.warnings[0].contains(":3: no document `B9` among the inputs"),
        "{:?}",
        corpus.warnings
    );
}

#[test]
fn duplicate_document_ids_name_both_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "---\nid: X\n---\nR: een\n").unwrap();
    std::fs::write(dir.path().join("b.txt"), "---\nid: X\n---\nR: twee\n").unwrap();
    let err = ingest(&[dir.path().to_owned()], &IngestOptions::default(), &|_| {})
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("two documents have the id `X`")
            && err.contains("a.txt")
            && err.contains("b.txt"),
        "{err}"
    );
}

#[test]
fn declared_speakers_are_the_only_ones_that_start_turns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.txt");
    std::fs::write(&path, "---\nspeakers: Interviewer, Ans\n---\nInterviewer: Hoe?\nAns: Zo.\nTip: bel ze.\nTip: echt.\nInterviewer: Ok.\n").unwrap();
    let doc = read_path(&path);
    assert_eq!(doc.turn_count(), 3);
    assert!(doc.segments[1].text.contains("Tip: echt."));
}

#[test]
fn crlf_bom_and_decomposed_accents_are_normalised() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.txt");
    std::fs::write(&path, "\u{FEFF}I: Hoe?\r\nR: Ee\u{301}n keer.\r\n").unwrap();
    let doc = read_path(&path);
    assert_eq!(doc.encoding, "UTF-8 (BOM)");
    assert_eq!(doc.segments[1].text, "E\u{E9}n keer.");
    assert!(!doc.text.contains('\r'));
}

/// An attribute is written as a column beside the fixed columns of the segments, quotes and
/// matrix tables, so it cannot take one of their names: front matter and attribute tables
/// with such a name are refused with the line, tables of turns do not make such a column an
/// attribute (with a warning).
#[test]
fn attribute_names_that_are_output_columns_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let names: std::collections::BTreeSet<&str> = thema::columns::SEGMENTS
        .iter()
        .chain(&thema::columns::QUOTES)
        .copied()
        .collect();
    for name in ["speaker", "text", "segment", "document", "codes", "matched"] {
        assert!(names.contains(name), "{name}");
    }
    for name in &names {
        let path = dir.path().join(format!("{name}.txt"));
        std::fs::write(
            &path,
            format!("---\ncohort: a\n{name}: Maria\n---\nI: Vraag?\nR: Antwoord.\n"),
        )
        .unwrap();
        let file = InputFile {
            path: path.clone(),
            explicit: true,
            size: 0,
        };
        let error = read_file(&file, &IngestOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(&format!("{}:3: front matter key `{name}`", path.display()))
                && error.contains("rename it"),
            "{error}"
        );

        if *name == "document" {
            continue; // the attribute table's own key column
        }
        let attributes = dir.path().join(format!("{name}-attributes.csv"));
        std::fs::write(&attributes, format!("document,{name}\nNL01,x\n")).unwrap();
        let options = IngestOptions {
            attributes: vec![attributes.clone()],
            ..IngestOptions::default()
        };
        let error = ingest(&[samples().join("nl-01-utrecht.txt")], &options, &|_| {})
            .err()
            .map(|e| e.to_string())
            .unwrap_or_else(|| format!("{name}: the attribute table was accepted"));
        assert!(
            error.starts_with(&format!(
                "{}:1: attribute column `{name}`",
                attributes.display()
            )),
            "{error}"
        );

        if ["speaker", "text", "timestamp", "start"].contains(name) {
            continue; // the columns a table of turns reads as such
        }
        let table = dir.path().join(format!("{name}-turns.csv"));
        std::fs::write(
            &table,
            format!("document,speaker,text,{name},cohort\nD1,R,Ja.,7,a\nD1,R,Nee.,7,a\n"),
        )
        .unwrap();
        let docs = read_path(&table);
        assert!(
            !docs.attributes.contains_key(*name),
            "{name}: {:?}",
            docs.attributes
        );
        assert_eq!(docs.attributes.get("cohort").map(String::as_str), Some("a"));
        assert!(
            docs.warnings
                .iter()
                .any(|w| w.contains(&format!("column `{name}`"))),
            "{name}: {:?}",
            docs.warnings
        );
    }
}

#[test]
fn a_value_with_an_apostrophe_agrees_with_the_attribute_table() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.txt"),
        "---\nid: A1\ncity: 's-Hertogenbosch\n---\nI: Vraag?\nR: Antwoord.\n",
    )
    .unwrap();
    let table = dir.path().join("cities.csv");
    std::fs::write(&table, "document,city\nA1,'s-Hertogenbosch\n").unwrap();
    let options = IngestOptions {
        attributes: vec![table],
        ..IngestOptions::default()
    };
    let corpus = ingest(&[dir.path().join("a.txt")], &options, &|_| {}).expect("no conflict");
    assert_eq!(
        corpus.documents[0]
            .attributes
            .get("city")
            .map(String::as_str),
        Some("'s-Hertogenbosch")
    );
}

/// A folder with a transcript, a link to a transcript elsewhere and a link back to itself.
#[cfg(unix)]
fn linked_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("in");
    std::fs::create_dir(&inner).unwrap();
    std::fs::write(
        inner.join("a.txt"),
        "I: Hoe ging het?\n\nR: Ze belden me.\n",
    )
    .unwrap();
    let outside = dir.path().join("b.txt");
    std::fs::write(&outside, "I: En toen?\n\nR: Niets.\n").unwrap();
    std::os::unix::fs::symlink(&outside, inner.join("b.txt")).unwrap();
    std::os::unix::fs::symlink(&inner, inner.join("loop")).unwrap();
    dir
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_passed_over_with_a_message_unless_followed_and_a_loop_is_an_error() {
    let dir = linked_folder();
    let inner = dir.path().join("in");
    let out = thema().arg("ingest").arg(&inner).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("a.txt") && !stdout.contains("b.txt"),
        "{stdout}"
    );
    assert!(
        stderr.contains("b.txt: a symbolic link, not followed")
            && stderr.contains("loop: a symbolic link"),
        "{stderr}"
    );
    // --follow reads the linked file, and stops at the loop with the file named.
    let out = thema()
        .arg("ingest")
        .arg(&inner)
        .arg("--follow")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("a symbolic link back to") && stderr.contains("loop"),
        "{stderr}"
    );
    let stdout = stdout_of(&[
        "ingest",
        inner.to_str().unwrap(),
        "--follow",
        "--keep-going",
    ]);
    assert!(
        stdout.contains("a.txt") && stdout.contains("b.txt"),
        "{stdout}"
    );
}

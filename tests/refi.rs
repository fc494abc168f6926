//! REFI-QDA exchange: `thema export qdpx`, `thema import qdpx`, `thema codebook
//! export --qdc` / `import`. Exported files are validated against the official schemas in
//! `../shared/refi-qda/` with `xmllint` (the tests say why they skip that when either is
//! missing); a round trip reproduces documents, codings (code, coder, exact code-point
//! positions) and attributes; a hand-made project with real exporters' quirks imports; and
//! malformed projects fail with one-line errors.

mod common;
use common::{root, thema, validate};

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::Path;

use thema::codebook::Codebook;
use thema::corpus::{Document, Format};
use thema::engine::{Engine, EngineOptions};
use thema::ingest::human::{Overlap, read_codings};
use thema::ingest::{IngestOptions, ingest};
use thema::refi::import::{ImportOptions, ImportedProject, Limits, import_project};
use thema::refi::qde::{ProjectInput, export_project};
use thema::refi::xml::{self, Element};

/// Runs thema and returns stdout, failing with its stderr.
fn run_ok(args: &[&str]) -> String {
    let output = thema().args(args).output().expect("thema runs");
    assert!(
        output.status.success(),
        "thema {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Runs thema expecting exit code 1 and a one-line error; returns the error line.
fn run_error(args: &[&str]) -> String {
    let output = thema().args(args).output().expect("thema runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(1),
        "thema {args:?}: expected exit 1, stderr: {stderr}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected: {stderr}");
    assert!(lines[0].starts_with("thema: error: "), "{stderr}");
    lines[0].to_owned()
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// The entries of a zip, in order.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>, Option<zip::DateTime>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("entry");
            let mut data = Vec::new();
            file.read_to_end(&mut data).expect("readable entry");
            let name = file.name().expect("entry name").into_owned();
            (name, data, file.last_modified())
        })
        .collect()
}

/// A zip of `entries` written with the zip crate.
fn make_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("entry starts");
        zip.write_all(data).expect("entry written");
    }
    zip.finish().expect("zip finishes").into_inner()
}

fn descendants<'a>(element: &'a Element, name: &str, out: &mut Vec<&'a Element>) {
    for child in &element.children {
        if child.name == name {
            out.push(child);
        }
        descendants(child, name, out);
    }
}

fn all<'a>(element: &'a Element, name: &str) -> Vec<&'a Element> {
    let mut out = Vec::new();
    descendants(element, name, &mut out);
    out
}

fn chars(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

#[test]
fn sample_export_validates_is_consistent_and_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.qdpx"), dir.path().join("b.qdpx"));
    let codings = [
        "--codings",
        "samples/codings/coder-anna.csv",
        "--codings",
        "samples/codings/coder-bram.csv",
    ];
    let mut args = vec!["export", "qdpx", "samples/", "-o", arg(&a)];
    args.extend(codings);
    let stdout = run_ok(&args);
    assert!(stdout.contains("codings per user: auto "), "{stdout}");
    assert!(
        stdout.contains("anna ") && stdout.contains("bram "),
        "{stdout}"
    );
    let mut args = vec!["export", "qdpx", "samples/", "-o", arg(&b), "-q"];
    args.extend(codings);
    run_ok(&args);
    let bytes = std::fs::read(&a).unwrap();
    assert_eq!(bytes, std::fs::read(&b).unwrap(), "same input, same bytes");

    // Refuses to overwrite without --force.
    let error = run_error(&["export", "qdpx", "samples/", "-o", arg(&a)]);
    assert!(error.contains("pass --force"), "{error}");

    let entries = unzip(&bytes);
    assert_eq!(entries[0].0, "project.qde");
    assert!(
        entries
            .iter()
            .all(|(_, _, time)| *time == Some(zip::DateTime::default())),
        "fixed entry times"
    );
    let texts: BTreeMap<&str, String> = entries[1..]
        .iter()
        .map(|(name, data, _)| {
            assert!(
                name.starts_with("sources/") && name.ends_with(".txt"),
                "{name}"
            );
            assert!(!data.starts_with(b"\xEF\xBB\xBF"), "{name} has a BOM");
            let text = String::from_utf8(data.clone()).expect("UTF-8 source");
            assert!(!text.contains('\r'), "{name} has CR");
            (name.as_str(), text)
        })
        .collect();
    let qde = std::fs::write(dir.path().join("project.qde"), &entries[0].1);
    qde.unwrap();
    validate(&dir.path().join("project.qde"), "Project-mrt2019.xsd");

    // Every reference resolves; every selection fits its text.
    let project = xml::parse(std::str::from_utf8(&entries[0].1).unwrap()).unwrap();
    let users: BTreeMap<&str, &str> = all(&project, "User")
        .iter()
        .map(|u| (u.attr("guid").unwrap(), u.attr("name").unwrap()))
        .collect();
    assert_eq!(
        users.values().copied().collect::<BTreeSet<_>>(),
        BTreeSet::from(["anna", "auto", "bram"])
    );
    let codes: BTreeSet<&str> = all(&project, "Code")
        .iter()
        .map(|c| c.attr("guid").unwrap())
        .collect();
    let parent = all(&project, "Code")
        .into_iter()
        .find(|c| c.attr("name") == Some("Proactivity"))
        .unwrap();
    assert_eq!(parent.attr("isCodable"), Some("false"));
    assert_eq!(parent.attr("color"), Some("#1f4e79"));
    let sources = all(&project, "TextSource");
    assert_eq!(sources.len(), texts.len());
    let mut selections = 0;
    for source in sources {
        let path = source.attr("plainTextPath").unwrap();
        let file = path.strip_prefix("internal://").expect("internal path");
        let text = &texts[format!("sources/{file}").as_str()];
        let length = text.chars().count();
        for selection in source.children_named("PlainTextSelection") {
            selections += 1;
            let start: usize = selection.attr("startPosition").unwrap().parse().unwrap();
            let end: usize = selection.attr("endPosition").unwrap().parse().unwrap();
            assert!(start < end && end <= length, "{start}..{end} of {length}");
            assert!(users.contains_key(selection.attr("creatingUser").unwrap()));
            for coding in selection.children_named("Coding") {
                let target = coding.child("CodeRef").unwrap().attr("targetGUID").unwrap();
                assert!(codes.contains(target), "CodeRef {target}");
            }
        }
    }
    assert!(selections > 100, "{selections} selections");
    // Attributes became typed case variables.
    let variables: BTreeMap<&str, &str> = all(&project, "Variable")
        .iter()
        .map(|v| (v.attr("name").unwrap(), v.attr("typeOfVariable").unwrap()))
        .collect();
    assert_eq!(variables.get("municipality"), Some(&"Text"));
    assert_eq!(
        all(&project, "Case").len(),
        texts.len(),
        "one case per document"
    );
}

/// Each code's id, labels, colour, texts and parent.
fn code_summary(codebook: &Codebook) -> Vec<String> {
    codebook
        .tree_order()
        .iter()
        .map(|c| {
            format!(
                "{} {:?} {:?} {:?} {:?} {:?} {:?}",
                c.id,
                c.labels,
                c.color,
                c.description,
                c.include,
                c.exclude,
                c.parent()
            )
        })
        .collect()
}

#[test]
fn codebook_qdc_validates_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    for (source, name) in [
        (None, "embedded"),
        (Some("tests/data/refi/tricky-codebook.toml"), "tricky"),
    ] {
        let qdc = dir.path().join(format!("{name}.qdc"));
        let toml = dir.path().join(format!("{name}.toml"));
        let mut args = vec!["codebook", "export", "--qdc", "-o", arg(&qdc)];
        args.extend(source);
        let stdout = run_ok(&args);
        assert!(stdout.contains("wrote"), "{stdout}");
        validate(&qdc, "Codebook-mrt2019.xsd");
        let stdout = run_ok(&["codebook", "import", arg(&qdc), "-o", arg(&toml)]);
        assert!(stdout.contains("no rules yet"), "{stdout}");
        let check = run_ok(&["codebook", "check", arg(&toml)]);
        assert!(check.contains(": ok: "), "{check}");

        let original = Codebook::load(source.map(Path::new)).unwrap();
        let imported = Codebook::from_file(&toml).unwrap();
        assert_eq!(code_summary(&imported), code_summary(&original), "{name}");
        assert!(imported.codes.iter().all(|c| c.rules.is_empty()));
    }
    // A missing --qdc is a usage error; clobbering needs --force.
    let output = thema()
        .args(["codebook", "export", "-o", "x.qdc"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let toml = dir.path().join("embedded.toml");
    let qdc = dir.path().join("embedded.qdc");
    let error = run_error(&["codebook", "import", arg(&qdc), "-o", arg(&toml)]);
    assert!(error.contains("pass --force"), "{error}");
}

/// Transcripts with non-ASCII text before their coded passages: one without front matter,
/// one with front matter but no id.
fn write_unicode_corpus(dir: &Path) {
    std::fs::write(
        dir.join("uni.txt"),
        "Interviewer: Hoe ging het met de schulden?\n\nRespondent: Café ë € 😀 — toen belde de gemeente me gewoon op, uit zichzelf. Het wijkteam kwam langs.\n\nInterviewer: En daarna?\n\nRespondent: Ik was blij met de hulp, echt waar. 🎉 De gemeente belde me later nog een keer.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("meta.md"),
        "---\ncohort: 2026-pilot\nlanguage: nl\n---\nI: Hoe was het contact?\nR: Één ding: ë € 🙂 ze namen zelf contact met me op, automatisch.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("chris.csv"),
        "document,turn,code,coder\nuni,2,proactivity.initiative,chris\nuni,4,acceptance.welcomed,chris\nmeta,2,proactivity.initiative,chris\n",
    )
    .unwrap();
}

type Key = (String, String, String, usize, usize);

#[test]
fn round_trip_keeps_documents_codings_and_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let extra = dir.path().join("extra");
    std::fs::create_dir(&extra).unwrap();
    write_unicode_corpus(&extra);
    let options = IngestOptions {
        attributes: vec![root().join("samples/attributes.csv")],
        ..IngestOptions::default()
    };
    let corpus = ingest(&[root().join("samples"), extra.clone()], &options, &|_| {}).unwrap();
    let documents = corpus.documents;
    assert!(documents.iter().any(|d| d.id == "uni") && documents.iter().any(|d| d.id == "meta"));
    let codebook = Codebook::embedded().unwrap();
    let engine = Engine::new(&codebook, EngineOptions::default());
    let auto = engine.code_all(&documents, &|_| {});
    assert!(
        auto[documents.iter().position(|d| d.id == "uni").unwrap()].len() >= 2,
        "the unicode transcript is coded"
    );
    let mut human = Vec::new();
    for file in [
        root().join("samples/codings/coder-anna.csv"),
        root().join("samples/codings/coder-bram.csv"),
        extra.join("chris.csv"),
    ] {
        human.extend(
            read_codings(&file, &documents, &codebook, Overlap::Any)
                .unwrap()
                .codings,
        );
    }
    let exported = export_project(&ProjectInput {
        codebook: &codebook,
        documents: &documents,
        auto_codings: &auto,
        human_codings: &human,
    })
    .unwrap();
    let qdpx = dir.path().join("project.qdpx");
    std::fs::write(&qdpx, &exported.qdpx).unwrap();
    std::fs::write(dir.path().join("project.qde"), &exported.qde).unwrap();
    validate(&dir.path().join("project.qde"), "Project-mrt2019.xsd");

    // What went in: every coding as (document, code, coder, start, end).
    let mut expected: BTreeSet<Key> = BTreeSet::new();
    for (doc, codings) in documents.iter().zip(&auto) {
        for c in codings {
            expected.insert((
                doc.id.clone(),
                c.code.clone(),
                "auto".into(),
                c.start,
                c.end,
            ));
        }
    }
    for h in &human {
        let doc = &documents[h.document];
        for &s in &h.segments {
            let seg = &doc.segments[s - 1];
            let code = h.code.clone().unwrap();
            expected.insert((doc.id.clone(), code, h.coder.clone(), seg.start, seg.end));
        }
    }

    // Import with the command line, read back with thema's own readers.
    let out = dir.path().join("imported");
    let stdout = run_ok(&["import", "qdpx", arg(&qdpx), "-o", arg(&out)]);
    assert!(stdout.contains("0 things skipped"), "{stdout}");
    let readback = ingest(
        &[out.join("sources")],
        &IngestOptions {
            attributes: vec![out.join("attributes.csv")],
            ..IngestOptions::default()
        },
        &|_| {},
    )
    .unwrap()
    .documents;
    let back: BTreeMap<&str, &Document> = readback.iter().map(|d| (d.id.as_str(), d)).collect();
    assert_eq!(
        back.keys().copied().collect::<BTreeSet<_>>(),
        documents
            .iter()
            .map(|d| d.id.as_str())
            .collect::<BTreeSet<_>>(),
        "same documents"
    );
    // Where the text had no id in its front matter, one was added at the top: the rest is
    // the same text, moved by the added characters.
    let mut shift: BTreeMap<&str, usize> = BTreeMap::new();
    for doc in &documents {
        let again = back[doc.id.as_str()];
        let (original, now) = (doc.text.chars().count(), again.text.chars().count());
        let delta = now - original;
        if doc.id == "uni" {
            assert_eq!(again.text, format!("---\nid: uni\n---\n{}", doc.text));
        } else if doc.id == "meta" {
            assert_eq!(again.text, doc.text.replacen("---\n", "---\nid: meta\n", 1));
        } else if doc.format == Format::PlainText && doc.text.starts_with("---\nid:") {
            assert_eq!(again.text, doc.text, "{} is unchanged", doc.id);
        }
        assert!(again.text.ends_with(&doc.text[doc.text.len() - 40..]));
        assert_eq!(again.attributes, doc.attributes, "attributes of {}", doc.id);
        shift.insert(doc.id.as_str(), delta);
    }

    // The codings CSV: same codings at exactly the same text.
    let text = std::fs::read_to_string(out.join("codings.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut got: BTreeSet<Key> = BTreeSet::new();
    for record in reader.records() {
        let r = record.unwrap();
        let (doc, code, coder) = (&r[0], &r[1], &r[2]);
        let (start, end): (usize, usize) = (r[3].parse().unwrap(), r[4].parse().unwrap());
        let again = back[doc];
        assert_eq!(
            chars(&again.text, start, end),
            &r[5],
            "text column of {doc}"
        );
        let delta = shift[doc];
        let original = documents.iter().find(|d| d.id == doc).unwrap();
        assert_eq!(
            chars(&original.text, start - delta, end - delta),
            &r[5],
            "same passage in the original {doc}"
        );
        got.insert((
            doc.into(),
            code.into(),
            coder.into(),
            start - delta,
            end - delta,
        ));
    }
    assert_eq!(got, expected);
    // Non-ASCII before the coded passages, so code points (not bytes, not UTF-16) count.
    let uni_codings: Vec<&Key> = got.iter().filter(|k| k.0 == "uni").collect();
    assert!(uni_codings.iter().any(|k| k.2 == "auto" && k.3 > 40));
    assert!(uni_codings.iter().any(|k| k.2 == "chris"));

    // The human codings resolve to the same segments again.
    let imported_codebook = Codebook::from_file(&out.join("codebook.toml")).unwrap();
    let resolved = read_codings(
        &out.join("codings.csv"),
        &readback,
        &imported_codebook,
        Overlap::Any,
    )
    .unwrap()
    .codings;
    let segments = |codings: &[thema::ingest::human::HumanCoding], docs: &[Document]| {
        codings
            .iter()
            .filter(|c| c.coder != "auto" && docs[c.document].format == Format::PlainText)
            .flat_map(|c| {
                c.segments.iter().map(move |s| {
                    (
                        docs[c.document].id.clone(),
                        c.coder.clone(),
                        c.code.clone(),
                        *s,
                    )
                })
            })
            .collect::<BTreeSet<_>>()
    };
    let plain: Vec<Document> = documents
        .iter()
        .filter(|d| d.format == Format::PlainText)
        .cloned()
        .collect();
    let original_human: Vec<_> = human
        .iter()
        .filter(|c| documents[c.document].format == Format::PlainText)
        .map(|c| {
            let mut c = c.clone();
            c.document = plain
                .iter()
                .position(|d| d.id == documents[c.document].id)
                .unwrap();
            c
        })
        .collect();
    let readback_plain: Vec<_> = resolved
        .iter()
        .filter(|c| plain.iter().any(|d| d.id == readback[c.document].id))
        .cloned()
        .collect();
    assert_eq!(
        segments(&readback_plain, &readback),
        segments(&original_human, &plain)
    );

    // The imported folder is ready for `thema agree`.
    let stdout = run_ok(&[
        "agree",
        arg(&out.join("sources")),
        "--codebook",
        arg(&out.join("codebook.toml")),
        "--codings",
        arg(&out.join("codings.csv")),
    ]);
    assert!(
        stdout.contains("coders (anna, auto, bram, chris)"),
        "{stdout}"
    );

    // Importing again needs --force, and writes nothing without it.
    let before = std::fs::read(out.join("codings.csv")).unwrap();
    let error = run_error(&["import", "qdpx", arg(&qdpx), "-o", arg(&out)]);
    assert!(error.contains("pass --force"), "{error}");
    assert_eq!(std::fs::read(out.join("codings.csv")).unwrap(), before);
    run_ok(&[
        "import",
        "qdpx",
        arg(&qdpx),
        "-o",
        arg(&out),
        "--force",
        "-q",
    ]);
}

/// The quirky fixture with its `.qde` rewritten by `edit`.
fn quirky_variant(edit: impl Fn(&str) -> String) -> Vec<u8> {
    let bytes = std::fs::read(root().join("tests/data/refi/quirky.qdpx")).unwrap();
    let entries: Vec<(String, Vec<u8>)> = unzip(&bytes)
        .into_iter()
        .map(|(name, data, _)| {
            if name.to_lowercase().ends_with(".qde") {
                let text = String::from_utf8(data).unwrap();
                (name, edit(&text).into_bytes())
            } else {
                (name, data)
            }
        })
        .collect();
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    make_zip(&refs)
}

fn summary(project: &ImportedProject) -> Vec<String> {
    project
        .codings
        .iter()
        .map(|c| {
            let doc = &project.documents[c.document];
            format!(
                "{} {} {} {}..{} {}",
                doc.id,
                c.code,
                c.coder,
                c.start,
                c.end,
                chars(&doc.text, c.start, c.end)
            )
        })
        .collect()
}

#[test]
fn quirky_project_imports_every_quirk() {
    let path = root().join("tests/data/refi/quirky.qdpx");
    let bytes = std::fs::read(&path).unwrap();
    let project = import_project(&path, &bytes, &ImportOptions::default()).unwrap();
    assert_eq!(project.qde, "Quirky Project.QDE");
    assert_eq!(project.name, "Quirky project");
    let ids: Vec<&str> = project.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["Interview 1", "Interview 2", "Inline", "Word only"]);
    // Raw positions (CR counted, BOM not) land on the same words in the text thema reads:
    // front matter added or completed, CRLF to LF, e + U+0301 composed.
    assert_eq!(
        summary(&project),
        [
            "Interview 1 proactiviteit Bram 63..71 Café ë €",
            "Interview 1 proactiviteit.initiatief_nemen Anna 88..112 belde me uit zichzelf op",
            "Interview 1 proactiviteit Anna 138..158 dankzij het wijkteam",
            "Interview 2 proactiviteit.initiatief_nemen Bram 85..106 namen zelf contact op",
            "Inline proactiviteit Anna 39..47 één code",
        ]
    );
    let interview2 = &project.documents[1].text;
    assert!(interview2.starts_with("---\nid: Interview 2\ncohort: 2024-wave1\n---\n"));
    assert!(interview2.contains("Café gesloten"), "NFC: {interview2:?}");
    let word = &project.documents[3].text;
    assert!(
        word.contains("Hoe kwam u in contact met de gemeente?"),
        "text from the .docx: {word:?}"
    );
    assert_eq!(project.variables, ["leeftijd", "gemeente"]);
    assert_eq!(
        project.attributes[0],
        BTreeMap::from([
            ("gemeente".to_owned(), "Utrecht".to_owned()),
            ("leeftijd".to_owned(), "34".to_owned())
        ])
    );
    assert_eq!(
        project.attributes[1],
        BTreeMap::from([("gemeente".to_owned(), "Zwolle".to_owned())])
    );
    let skipped = project.skipped.join("\n");
    for expected in [
        "selection 6F0D2C1A-0000-4000-8000-000000000401 of source \"Word only\": its positions refer to the exporter's plain text",
        "pdf source \"Beleidsnota\": only text sources are imported",
        "1 sets",
    ] {
        assert!(skipped.contains(expected), "{expected} in:\n{skipped}");
    }
    assert_eq!(project.skipped.len(), 3, "{skipped}");
    // The note nothing refers to is a memo of the project.
    assert_eq!(project.memos.len(), 1);
    assert_eq!(
        (
            project.memos[0].name.as_str(),
            project.memos[0].text.as_str()
        ),
        ("Memo", "Een memo.")
    );
    let ids: Vec<(&str, Option<&str>)> = project
        .codes
        .codes
        .iter()
        .map(|c| (c.id.as_str(), c.color.as_deref()))
        .collect();
    assert_eq!(
        ids,
        [
            ("proactiviteit", Some("#AABBCC")),
            ("proactiviteit.initiatief_nemen", None)
        ]
    );
    assert_eq!(project.codes.codes[1].include, "belde, schreef.");

    // Namespace variants read the same: none at all, an older one, the default one.
    for (what, edit) in [
        (
            "no namespace",
            Box::new(|t: &str| {
                t.replace(" xmlns:qda=\"urn:QDA-XML:project:1.0\"", "")
                    .replace("qda:", "")
            }) as Box<dyn Fn(&str) -> String>,
        ),
        (
            "older namespace",
            Box::new(|t: &str| {
                t.replace(
                    " xmlns:qda=\"urn:QDA-XML:project:1.0\"",
                    " xmlns=\"urn:QDA-XML:project:0.9\"",
                )
                .replace("qda:", "")
            }),
        ),
        (
            "default namespace, no BOM, LF",
            Box::new(|t: &str| {
                t.trim_start_matches('\u{FEFF}')
                    .replace("\r\n", "\n")
                    .replace(" xmlns:qda=", " xmlns=")
                    .replace("qda:", "")
            }),
        ),
    ] {
        let variant = quirky_variant(edit);
        let again = import_project(&path, &variant, &ImportOptions::default()).unwrap();
        assert_eq!(summary(&again), summary(&project), "{what}");
        assert_eq!(again.attributes, project.attributes, "{what}");
        assert_eq!(again.documents, project.documents, "{what}");
    }

    // Written out, thema reads it back with the same ids, texts and codings.
    let dir = tempfile::tempdir().unwrap();
    let (written, _) = project.write(dir.path(), false).unwrap();
    // Sources, codings.csv, attributes.csv, memos.csv, codebook.toml.
    assert_eq!(written.len(), 4 + 4);
    let readback = ingest(
        &[dir.path().join("sources")],
        &IngestOptions::default(),
        &|_| {},
    )
    .unwrap()
    .documents;
    for doc in &project.documents {
        let again = readback.iter().find(|d| d.id == doc.id).unwrap();
        assert_eq!(again.text, doc.text);
    }
    let codebook = Codebook::from_file(&dir.path().join("codebook.toml")).unwrap();
    let resolved = read_codings(
        &dir.path().join("codings.csv"),
        &readback,
        &codebook,
        Overlap::Any,
    )
    .unwrap()
    .codings;
    assert_eq!(resolved.len(), 5);
}

/// A minimal project with one selection `start..end` coded with `code`.
fn small_project(text_path: &str, start: usize, end: usize, code: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="t">
  <Users><User guid="00000000-0000-4000-8000-0000000000A1" name="u"/></Users>
  <CodeBook><Codes><Code guid="00000000-0000-4000-8000-0000000000C1" name="Code" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="00000000-0000-4000-8000-0000000000D1" name="doc" plainTextPath="{text_path}">
      <PlainTextSelection guid="00000000-0000-4000-8000-0000000000E1" startPosition="{start}" endPosition="{end}" creatingUser="00000000-0000-4000-8000-0000000000A1">
        <Coding guid="00000000-0000-4000-8000-0000000000F1"><CodeRef targetGUID="{code}"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"#
    )
}

const CODE: &str = "00000000-0000-4000-8000-0000000000C1";
const TEXT: &[u8] = "R: één twee 😀 drie\n".as_bytes();

#[test]
fn malformed_projects_fail_with_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = small_project("internal://doc.txt", 3, 6, CODE);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "not-a-zip",
            b"just text".to_vec(),
            "not a .qdpx project: the file is not a zip archive",
        ),
        (
            "no-qde",
            make_zip(&[("sources/doc.txt", TEXT)]),
            "not a REFI-QDA project: the zip has no .qde file",
        ),
        (
            "bad-xml",
            make_zip(&[("project.qde", b"<Project>\n<Users>\n</Sources>\n</Project>")]),
            "project.qde:3: invalid XML",
        ),
        (
            "past-end",
            make_zip(&[
                (
                    "project.qde",
                    small_project("internal://doc.txt", 3, 99, CODE).as_bytes(),
                ),
                ("sources/doc.txt", TEXT),
            ]),
            "span 3..99 does not fit its text (19 characters)",
        ),
        (
            "unknown-code",
            make_zip(&[
                (
                    "project.qde",
                    small_project(
                        "internal://doc.txt",
                        3,
                        6,
                        "00000000-0000-4000-8000-00000000DEAD",
                    )
                    .as_bytes(),
                ),
                ("sources/doc.txt", TEXT),
            ]),
            "refers to code 00000000-0000-4000-8000-00000000DEAD, which is not in the code book",
        ),
        (
            "evil-entry",
            make_zip(&[("project.qde", good.as_bytes()), ("../evil.txt", TEXT)]),
            "zip entry \"../evil.txt\" points outside the archive",
        ),
        (
            "absolute-entry",
            make_zip(&[("project.qde", good.as_bytes()), ("/etc/evil.txt", TEXT)]),
            "points outside the archive",
        ),
        (
            "evil-path",
            make_zip(&[(
                "project.qde",
                small_project("internal://../../doc.txt", 3, 6, CODE).as_bytes(),
            )]),
            "source path \"internal://../../doc.txt\" points outside the archive",
        ),
        (
            "not-a-project",
            make_zip(&[("project.qde", b"<CodeBook><Codes/></CodeBook>")]),
            "the root element is <CodeBook>, not <Project>",
        ),
    ];
    for (name, bytes, expected) in &cases {
        let file = dir.path().join(format!("{name}.qdpx"));
        std::fs::write(&file, bytes).unwrap();
        let out = dir.path().join(format!("{name}-out"));
        let error = run_error(&["import", "qdpx", arg(&file), "-o", arg(&out)]);
        assert!(error.contains(expected), "{name}: {error}");
        assert!(!out.exists(), "{name}: nothing written");
    }
    // --keep-going skips the bad selection and says so.
    let file = dir.path().join("past-end.qdpx");
    let out = dir.path().join("kept");
    let output = thema()
        .args([
            "import",
            "qdpx",
            arg(&file),
            "-o",
            arg(&out),
            "--keep-going",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("thema: skipped: project.qde:7: selection 00000000-0000-4000-8000-0000000000E1 of source \"doc\": span 3..99 does not fit"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("codings.csv")).unwrap(),
        "document,code,coder,start,end,text\n"
    );
    // The good one imports, positions counted in code points.
    let file = dir.path().join("good.qdpx");
    std::fs::write(
        &file,
        make_zip(&[("project.qde", good.as_bytes()), ("sources/doc.txt", TEXT)]),
    )
    .unwrap();
    let out = dir.path().join("good");
    run_ok(&["import", "qdpx", arg(&file), "-o", arg(&out)]);
    assert_eq!(
        std::fs::read_to_string(out.join("codings.csv")).unwrap(),
        "document,code,coder,start,end,text\ndoc,code,u,19,22,één\n"
    );
}

#[test]
fn oversized_entries_are_refused() {
    let bytes = make_zip(&[
        (
            "project.qde",
            small_project("internal://doc.txt", 3, 6, CODE).as_bytes(),
        ),
        ("sources/doc.txt", &[b'a'; 5000]),
    ]);
    let limits = Limits {
        max_entry_bytes: 2000,
        max_total_bytes: 1 << 20,
    };
    let options = ImportOptions {
        limits,
        ..ImportOptions::default()
    };
    let error = import_project(Path::new("big.qdpx"), &bytes, &options).unwrap_err();
    assert_eq!(
        error.to_string(),
        "big.qdpx: zip entry sources/doc.txt unpacks to more than 2000 bytes: refusing it"
    );
    let total = Limits {
        max_entry_bytes: 1 << 20,
        max_total_bytes: 3000,
    };
    let options = ImportOptions {
        limits: total,
        ..ImportOptions::default()
    };
    let error = import_project(Path::new("big.qdpx"), &bytes, &options).unwrap_err();
    assert!(error.to_string().contains("in all"), "{error}");
}

#[test]
fn every_exchange_command_has_an_example() {
    for args in [
        &["export", "--help"][..],
        &["import", "--help"],
        &["export", "qdpx", "--help"],
        &["import", "qdpx", "--help"],
        &["codebook", "export", "--help"],
        &["codebook", "import", "--help"],
    ] {
        let help = run_ok(args);
        assert!(help.contains("Example"), "{args:?}: {help}");
    }
}

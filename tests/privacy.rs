//! `thema pseudonymise` on the samples, on planted identifiers (tests/data/privacy) and on
//! the real third-party fixtures in ../shared/fixtures.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{csv_rows, root, thema};
use thema::ingest::decode::decode_raw;

/// Runs `thema pseudonymise` with `args`; `ok` says whether it must succeed. Returns its
/// standard output on success, its standard error on failure.
fn run_pseudonymise(args: &[&str], ok: bool) -> String {
    let output = thema()
        .arg("pseudonymise")
        .args(args)
        .output()
        .expect("thema runs");
    assert_eq!(
        output.status.success(),
        ok,
        "thema pseudonymise {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bytes = if ok { output.stdout } else { output.stderr };
    String::from_utf8(bytes).expect("UTF-8 output")
}

/// Runs `thema pseudonymise`, which must succeed, and returns its standard output.
fn pseudonymise(args: &[&str]) -> String {
    run_pseudonymise(args, true)
}

/// Runs `thema pseudonymise`, which must fail, and returns its standard error.
fn failure(args: &[&str]) -> String {
    run_pseudonymise(args, false)
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// A temporary folder with `out/` and `private/` beside each other.
struct Run {
    dir: tempfile::TempDir,
}

impl Run {
    fn new() -> Run {
        Run {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }
    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }
    fn key(&self) -> PathBuf {
        self.dir.path().join("private").join("key.csv")
    }
    fn review(&self) -> PathBuf {
        self.dir.path().join("private").join("review.csv")
    }
    /// Pseudonymises `inputs` into out/ with the key and review file in private/.
    fn run(&self, inputs: &[&str], extra: &[&str]) -> String {
        let (out, key, review) = (self.out(), self.key(), self.review());
        let mut args: Vec<&str> = inputs.to_vec();
        args.extend([
            "--out",
            path(&out),
            "--key",
            path(&key),
            "--review",
            path(&review),
        ]);
        args.extend(extra);
        pseudonymise(&args)
    }
}

/// The text of every file below `dir`, by path relative to it.
fn texts(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let p = entry.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let text = decode_raw(&std::fs::read(&p).expect("read"))
                    .expect("text")
                    .text;
                out.push((p.strip_prefix(dir).expect("below").to_owned(), text));
            }
        }
    }
    out.sort();
    out
}

/// Whole-word occurrences of `word` in `text`.
fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The speaker names ingest finds in `inputs` (role labels left out), as words.
fn speaker_words(inputs: &[&str]) -> BTreeSet<String> {
    let mut args = vec!["ingest", "--format", "csv", "-q"];
    args.extend(inputs);
    let output = thema().args(&args).output().expect("thema runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (headers, rows) = csv_rows(&String::from_utf8(output.stdout).expect("UTF-8"));
    let speaker = headers
        .iter()
        .position(|h| h == "speaker")
        .expect("speaker column");
    let roles = [
        "interviewer",
        "interviewee",
        "respondent",
        "onderzoeker",
        "deelnemer",
        "(unknown)",
        "dr.",
    ];
    rows.iter()
        .flat_map(|r| {
            r[speaker]
                .split([' ', ','])
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|w| {
            w.chars().count() > 1
                && !w.chars().any(|c| c.is_ascii_digit())
                && !w.starts_with('[')
                && !roles.contains(&w.to_lowercase().as_str())
        })
        .collect()
}

/// Fails when a word of `words` stands as a whole word in an output.
fn assert_none_survives(outputs: &[(PathBuf, String)], words: &BTreeSet<String>) {
    for (file, text) in outputs {
        for word in words {
            assert!(
                !has_word(text, word),
                "`{word}` survived in {}",
                file.display()
            );
        }
    }
}

/// Turn and role of every segment ingest reads from `args`, by document.
fn turns_by_document(args: &[&str]) -> std::collections::BTreeMap<String, Vec<(String, String)>> {
    let output = thema()
        .args(["ingest", "--format", "csv", "-q"])
        .args(args)
        .output()
        .expect("runs");
    let (headers, rows) = csv_rows(&String::from_utf8(output.stdout).expect("UTF-8"));
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (doc, turn, role) = (col("document"), col("turn"), col("role"));
    let mut by_doc: std::collections::BTreeMap<String, Vec<(String, String)>> = Default::default();
    for r in &rows {
        by_doc
            .entry(r[doc].clone())
            .or_default()
            .push((r[turn].clone(), r[role].clone()));
    }
    by_doc
}

/// Every identifier planted in tests/data/privacy, which must not survive.
const PLANTED: [&str; 33] = [
    // Dutch
    "Marieke",
    "Daan",
    "Bakker",
    "Els de Wit",
    "J. de Vries",
    "14 februari 1978",
    "Oudegracht 123",
    "3511 AB",
    "123456782",
    "06-12345678",
    "030-2345678",
    "marieke.devries@example.nl",
    "NL91ABNA0417164300",
    "NL91 ABNA 0417 1643 00",
    "+31 6 12345678",
    "AB-123-C",
    "NW3A5PD48",
    "mdevries78",
    "facebook.com/marieke",
    // English
    "Grace",
    "Siobhan",
    "Doyle",
    "Hendriks",
    "Kevin",
    "3 May 1990",
    "Kerkstraat 5a",
    "+44 20 7946 0958",
    "(020) 123 45 67",
    "grace.obrien@example.com",
    "GB82WEST12345698765432",
    "88123-4",
    "12-ABC-3",
    "linkedin.com/in/grace",
];

#[test]
fn planted_identifiers_and_known_names_are_gone_and_doubtful_cases_are_listed() {
    let run = Run::new();
    let names = root().join("tests/data/privacy-names.txt");
    let stdout = run.run(
        &["samples/", "tests/data/privacy/"],
        &["--names", path(&names)],
    );
    assert!(stdout.contains("19 files"), "{stdout}");
    assert!(
        stdout.contains("nl-15-word.docx is written as plain text"),
        "{stdout}"
    );
    assert!(
        stdout.contains("turns-json.jsonl is written as CSV"),
        "{stdout}"
    );
    let outputs = texts(&run.out());
    assert_eq!(outputs.len(), 19);
    let all: String = outputs.iter().map(|(_, t)| t.as_str()).collect();
    for planted in PLANTED {
        assert!(!all.contains(planted), "`{planted}` survived");
    }
    // Extra planted numbers in the tables.
    for planted in [
        "999999990",
        "j.visser@example.nl",
        "Dorpsstraat 7",
        "06 1234 5678",
        "0612345679",
    ] {
        assert!(!all.contains(planted), "`{planted}` survived");
    }
    let speakers = speaker_words(&["samples/", "tests/data/privacy/"]);
    assert!(
        speakers.contains("Wietske") && speakers.contains("Henk"),
        "{speakers:?}"
    );
    let mut words = speakers;
    words.extend(
        [
            "Noah",
            "Lieke",
            "Ilse",
            "Gerrit",
            "Toon",
            "Verhoeven",
            "Ananya",
            "Mo",
        ]
        .map(str::to_owned),
    );
    assert_none_survives(&outputs, &words);
    let review = std::fs::read_to_string(run.review()).expect("review file");
    let (headers, rows) = csv_rows(&review);
    assert_eq!(
        headers,
        [
            "file",
            "line",
            "column",
            "category",
            "text",
            "occurrences",
            "reason",
            "context"
        ]
    );
    let listed: BTreeSet<&str> = rows.iter().map(|r| r[4].as_str()).collect();
    for doubtful in [
        "111222333",
        "NL12 ABNA 0417 1643 00",
        "GB82 WEST 1234 5698 7654 33",
        "Will",
        "Cork",
        "Marrit",
    ] {
        assert!(
            listed.contains(doubtful),
            "`{doubtful}` not listed for review: {listed:?}"
        );
    }
    // `!Overvecht` in the names file takes it off the list; `Mo` is replaced instead.
    assert!(!listed.contains("Overvecht") && !listed.contains("Mo"));
    let marrit = rows.iter().find(|r| r[4] == "Marrit").expect("Marrit row");
    assert!(marrit[7].contains("Marrit") && marrit[0].ends_with("nl-13-teams.vtt"));
}

#[test]
fn invalid_numbers_are_not_replaced_as_bsn_or_iban() {
    let run = Run::new();
    run.run(
        &[
            "tests/data/privacy/nl-planted.txt",
            "tests/data/privacy/en-planted.txt",
        ],
        &[],
    );
    let nl = std::fs::read_to_string(run.out().join("nl-planted.txt")).expect("output");
    let en = std::fs::read_to_string(run.out().join("en-planted.txt")).expect("output");
    // Fails the elfproef; an order number that passes it; a bad IBAN checksum.
    for kept in ["123456789", "111222333", "NL12 ABNA 0417 1643 00"] {
        assert!(nl.contains(kept), "`{kept}` was replaced");
    }
    assert!(en.contains("123456789") && en.contains("GB82 WEST 1234 5698 7654 33"));
    assert_eq!(nl.matches("[BSN]").count(), 1);
    assert_eq!(nl.matches("[IBAN]").count(), 2);
    assert_eq!(en.matches("[IBAN]").count(), 1);
}

/// The key's rows of one pseudonymised file: (line, column, original, pseudonym).
fn key_rows(key: &Path, output: &Path) -> Vec<(usize, usize, String, String)> {
    let (_, rows) = csv_rows(&std::fs::read_to_string(key).expect("key"));
    let mut out: Vec<_> = rows
        .iter()
        .filter(|r| Path::new(&r[0]) == output && r[3] != "file")
        .map(|r| {
            (
                r[1].parse().expect("line"),
                r[2].parse().expect("column"),
                r[5].clone(),
                r[6].clone(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn outside_the_replaced_spans_the_output_equals_the_input_character_by_character() {
    let run = Run::new();
    run.run(&["samples/", "tests/data/privacy/"], &[]);
    let mut checked = 0;
    for (input, output) in [
        ("samples/nl-01-utrecht.txt", "nl-01-utrecht.txt"),
        ("samples/nl-07-groningen.txt", "nl-07-groningen.txt"),
        ("samples/en-03-den-haag.txt", "en-03-den-haag.txt"),
        ("samples/nl-13-teams.vtt", "nl-13-teams.vtt"),
        ("samples/en-14-whisper.srt", "en-14-whisper.srt"),
        ("tests/data/privacy/nl-planted.txt", "nl-planted.txt"),
        ("tests/data/privacy/turns.csv", "turns.csv"),
    ] {
        let original: Vec<char> = decode_raw(&std::fs::read(root().join(input)).expect("input"))
            .expect("text")
            .text
            .chars()
            .collect();
        let out_path = run.out().join(output);
        let pseudonymised: Vec<char> = decode_raw(&std::fs::read(&out_path).expect("output"))
            .expect("text")
            .text
            .chars()
            .collect();
        let rows = key_rows(&run.key(), &out_path);
        assert!(!rows.is_empty(), "{input}: nothing replaced");
        // Walk both texts: outside a replacement every character must be the same.
        let (mut i, mut o, mut line, mut column) = (0, 0, 1, 1);
        let mut rows = rows.into_iter().peekable();
        while o < pseudonymised.len() {
            if let Some((l, c, original_text, pseudonym)) = rows.peek().cloned()
                && (l, c) == (line, column)
            {
                let p: Vec<char> = pseudonym.chars().collect();
                assert_eq!(&pseudonymised[o..o + p.len()], &p[..], "{input}:{l}:{c}");
                let orig: Vec<char> = original_text.chars().collect();
                assert_eq!(&original[i..i + orig.len()], &orig[..], "{input}:{l}:{c}");
                o += p.len();
                i += orig.len();
                column += p.len();
                rows.next();
                continue;
            }
            assert_eq!(
                pseudonymised[o], original[i],
                "{input}: output line {line} column {column}"
            );
            if pseudonymised[o] == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
            o += 1;
            i += 1;
            checked += 1;
        }
        assert_eq!(
            i,
            original.len(),
            "{input}: the input goes on after the output ends"
        );
        assert!(rows.next().is_none(), "{input}: key rows left over");
    }
    assert!(checked > 10_000, "{checked}");
}

#[test]
fn same_inputs_and_key_give_byte_identical_outputs_and_reverse_restores_the_inputs() {
    let run = Run::new();
    run.run(&["samples/", "tests/data/privacy/"], &[]);
    let key_before = std::fs::read(run.key()).expect("key");
    let again = run.dir.path().join("again");
    pseudonymise(&[
        "samples/",
        "tests/data/privacy/",
        "--out",
        path(&again),
        "--key",
        path(&run.key()),
    ]);
    let first: Vec<(PathBuf, Vec<u8>)> = texts(&run.out())
        .into_iter()
        .map(|(p, _)| (p.clone(), std::fs::read(run.out().join(&p)).expect("read")))
        .collect();
    for (p, bytes) in &first {
        assert_eq!(
            &std::fs::read(again.join(p)).expect("second output"),
            bytes,
            "{}",
            p.display()
        );
    }
    // The key now has the second folder's files too, and kept the first's.
    let (_, rows) = csv_rows(&std::fs::read_to_string(run.key()).expect("key"));
    assert_eq!(rows.iter().filter(|r| r[3] == "file").count(), 38);
    assert!(std::fs::read(run.key()).expect("key").len() > key_before.len());

    let restored = run.dir.path().join("restored");
    let stdout = pseudonymise(&[
        "--reverse",
        path(&run.out()),
        "--out",
        path(&restored),
        "--key",
        path(&run.key()),
    ]);
    assert!(
        stdout.contains("restored 19 files") && stdout.contains("19 of them are byte for byte"),
        "{stdout}"
    );
    for (input, name) in [
        ("samples/nl-01-utrecht.txt", "nl-01-utrecht.txt"),
        ("samples/nl-05-tilburg.md", "nl-05-tilburg.md"),
        ("samples/nl-07-groningen.txt", "nl-07-groningen.txt"),
        ("samples/en-03-den-haag.txt", "en-03-den-haag.txt"),
        ("samples/nl-13-teams.vtt", "nl-13-teams.vtt"),
        ("samples/en-14-whisper.srt", "en-14-whisper.srt"),
        ("tests/data/privacy/turns.csv", "turns.csv"),
    ] {
        assert_eq!(
            std::fs::read(restored.join(name)).expect("restored"),
            std::fs::read(root().join(input)).expect("input"),
            "{input} is not restored exactly"
        );
    }
    // An edited pseudonym is named, not silently restored.
    let edited = run.dir.path().join("edited");
    std::fs::create_dir_all(&edited).expect("dir");
    let text = std::fs::read_to_string(run.out().join("nl-planted.txt")).expect("output");
    std::fs::write(
        edited.join("nl-planted.txt"),
        text.replacen("[BSN]", "[XXX]", 1),
    )
    .expect("write");
    let err = failure(&[
        "--reverse",
        path(&edited),
        "--out",
        path(&run.dir.path().join("r2")),
        "--key",
        path(&run.key()),
    ]);
    assert!(
        err.contains("nl-planted.txt: line") && err.contains("`[BSN]` is not there any more"),
        "{err}"
    );
}

#[test]
fn the_key_is_private_kept_apart_and_never_overwritten_without_force() {
    let run = Run::new();
    run.run(&["samples/nl-01-utrecht.txt"], &[]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in [run.key(), run.review()] {
            let mode = std::fs::metadata(&file).expect("file").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", file.display());
        }
    }
    let out = run.out();
    let inside = out.join("key.csv");
    let err = failure(&[
        "samples/nl-01-utrecht.txt",
        "--out",
        path(&out),
        "--key",
        path(&inside),
        "--force",
    ]);
    assert!(err.contains("is inside the output folder"), "{err}");
    let err = failure(&[
        "samples/nl-01-utrecht.txt",
        "--out",
        path(&out),
        "--key",
        path(&run.key()),
    ]);
    assert!(err.contains("it exists; pass --force"), "{err}");
    // A file that is not a key is not replaced without --force.
    let other = run.dir.path().join("notes.csv");
    std::fs::write(&other, "document,code\nNL01,x\n").expect("write");
    let fresh = run.dir.path().join("fresh");
    let err = failure(&[
        "samples/nl-01-utrecht.txt",
        "--out",
        path(&fresh),
        "--key",
        path(&other),
    ]);
    assert!(
        err.contains("not a thema key file") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&other).expect("kept"),
        "document,code\nNL01,x\n"
    );
    assert!(!fresh.exists(), "nothing is written after an error");
    pseudonymise(&[
        "samples/nl-01-utrecht.txt",
        "--out",
        path(&fresh),
        "--key",
        path(&other),
        "--force",
        "-q",
    ]);
    assert!(
        std::fs::read_to_string(&other)
            .expect("key")
            .starts_with("file,line,column,category")
    );
}

#[test]
fn a_second_run_with_the_key_reuses_pseudonyms_and_numbers_new_people() {
    let run = Run::new();
    run.run(&["samples/nl-06-almere.txt"], &[]);
    let first = std::fs::read_to_string(run.out().join("nl-06-almere.txt")).expect("output");
    assert!(first.contains("[PERSOON-2]  00:12"), "{}", &first[..300]);
    let dir = run.dir.path().join("later");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("follow-up.txt"),
        "Sanne: Hoe gaat het nu, Sara?\n\nSara Jansen: Goed. Mijn broer Pieter helpt.\n\nSanne: Fijn.\n\nSara Jansen: Ja.\n",
    )
    .expect("write");
    let out2 = run.dir.path().join("out2");
    pseudonymise(&[
        path(&dir),
        "--out",
        path(&out2),
        "--key",
        path(&run.key()),
        "-q",
    ]);
    let second = std::fs::read_to_string(out2.join("follow-up.txt")).expect("output");
    let (_, rows) = csv_rows(&std::fs::read_to_string(run.key()).expect("key"));
    let pieter = rows.iter().filter(|r| r[3] == "name").count();
    assert_eq!(
        rows.iter()
            .filter(|r| r[3] == "name" && r[5] == "Pieter")
            .count(),
        1
    );
    assert_eq!(
        second,
        format!(
            "[PERSOON-1]: Hoe gaat het nu, [PERSOON-2]?\n\n[PERSOON-2]: Goed. Mijn broer [PERSOON-{pieter}] helpt.\n\n[PERSOON-1]: Fijn.\n\n[PERSOON-2]: Ja.\n"
        )
    );
}

#[test]
fn realistic_names_are_consistent_and_keep_the_turns() {
    let run = Run::new();
    run.run(
        &["samples/nl-06-almere.txt", "samples/nl-13-teams.vtt"],
        &["--style", "names"],
    );
    let almere = std::fs::read_to_string(run.out().join("nl-06-almere.txt")).expect("output");
    assert!(
        !almere.contains("[PERSOON")
            && !almere.contains("Sara Jansen")
            && !almere.contains("Sanne")
    );
    let (_, rows) = csv_rows(&std::fs::read_to_string(run.key()).expect("key"));
    let sara = rows
        .iter()
        .find(|r| r[3] == "name" && r[5] == "Sara Jansen")
        .expect("Sara's row");
    let (given, family) = sara[6].split_once(' ').expect("two words");
    assert!(
        almere.contains(&format!("{given} {family}  00:12")),
        "{}",
        &almere[..400]
    );
    assert!(almere.contains(&format!("Ik ben {given},")));
    let turns = |dir: &Path| turns_by_document(&[path(dir)]);
    let originals = run.dir.path().join("originals");
    std::fs::create_dir_all(&originals).expect("dir");
    for name in ["nl-06-almere.txt", "nl-13-teams.vtt"] {
        std::fs::copy(root().join("samples").join(name), originals.join(name)).expect("copy");
    }
    assert_eq!(turns(&run.out()), turns(&originals));
}

#[test]
fn thema_code_on_the_output_gives_the_codes_of_the_input() {
    let run = Run::new();
    run.run(&["samples/"], &[]);
    let code = |inputs: &Path, out: &Path| {
        let output = thema()
            .args(["code", path(inputs), "--out", path(out), "-q"])
            .output()
            .expect("runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let (headers, rows) =
            csv_rows(&std::fs::read_to_string(out.join("codings.csv")).expect("codings"));
        let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
        let (d, s, c) = (col("document"), col("segment"), col("code"));
        rows.iter()
            .map(|r| (r[d].clone(), r[s].clone(), r[c].clone()))
            .collect::<BTreeSet<_>>()
    };
    let original = code(&root().join("samples"), &run.dir.path().join("c1"));
    let pseudonymised = code(&run.out(), &run.dir.path().join("c2"));
    assert!(original.len() > 400, "{}", original.len());
    let differ: Vec<_> = original.symmetric_difference(&pseudonymised).collect();
    assert!(differ.is_empty(), "codes differ: {differ:?}");
}

/// The third-party fixtures, or `None` with a printed reason.
fn fixtures() -> Option<PathBuf> {
    let dir = PathBuf::from("/work/shared/fixtures");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "skipped: {} is absent (the shared fixtures are not on this machine)",
            dir.display()
        );
        None
    }
}

#[test]
fn real_zoom_parlamint_and_vtt_fixtures_lose_their_names_and_restore_exactly() {
    let Some(fx) = fixtures() else {
        return;
    };
    let zoom = fx.join("zoom-cloud-recording");
    let parla = fx.join("parlamint-nl");
    let vttjs = fx.join("vttjs-edge-cases");
    let inputs: Vec<String> = [
        zoom.join("GMT20240124-202901_Recording.transcript.vtt"),
        zoom.join("GMT20240124-202901_Recording.cc.vtt"),
        zoom.join("GMT20240124-202901_RecordingnewChat.txt"),
        parla.join("DERIVED_speaker_labelled.txt"),
        parla.join("ParlaMint-NL_2019-05-16-tweedekamer-11.txt"),
        vttjs.join("cuetext/voice/with-annotation.vtt"),
        vttjs.join("cuetext/voice/with-subclass.vtt"),
        vttjs.join("integration/cycle-collector-talk.vtt"),
        vttjs.join("integration/spec-example.vtt"),
        vttjs.join("file-layout/many-comments.vtt"),
    ]
    .iter()
    .filter(|p| p.exists())
    .map(|p| p.display().to_string())
    .collect();
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let run = Run::new();
    let stdout = run.run(&inputs, &[]);
    assert!(
        stdout.contains(&format!("{} files", inputs.len())),
        "{stdout}"
    );
    let outputs = texts(&run.out());
    let mut names = speaker_words(&inputs);
    // Names only in the text: the chair's guests and an MP after "de heer".
    names.extend(
        [
            "Hans", "Laçin", "Khadija", "Arib", "Cem", "Srijani", "Connor", "Neil",
        ]
        .map(str::to_owned),
    );
    assert!(
        names.contains("Healy") && names.contains("Mary") && names.contains("Huey"),
        "{names:?}"
    );
    assert_none_survives(&outputs, &names);
    let review = std::fs::read_to_string(run.review()).expect("review");
    assert!(
        review.contains(",Jill,"),
        "the NOTE's author is listed for review"
    );
    // Same turns and roles as the input, except that `Arib, Khadija:` (no label for thema:
    // a comma) becomes `[PERSOON-1]:`, which is one.
    let overview = turns_by_document;
    let same: Vec<&str> = inputs
        .iter()
        .copied()
        .filter(|i| !i.contains("DERIVED"))
        .collect();
    let out_files: Vec<String> = same
        .iter()
        .map(|i| {
            run.out()
                .join(Path::new(i).file_name().expect("name"))
                .display()
                .to_string()
        })
        .collect();
    let out_files: Vec<&str> = out_files.iter().map(String::as_str).collect();
    assert_eq!(overview(&out_files), overview(&same));
    let derived = run.out().join("DERIVED_speaker_labelled.txt");
    assert!(
        overview(&[path(&derived)])
            .values()
            .flatten()
            .any(|(turn, _)| turn != "0")
    );
    let restored = run.dir.path().join("restored");
    pseudonymise(&[
        "--reverse",
        path(&run.out()),
        "--out",
        path(&restored),
        "--key",
        path(&run.key()),
        "-q",
    ]);
    for input in &inputs {
        let name = Path::new(input).file_name().expect("name");
        assert_eq!(
            std::fs::read(restored.join(name)).expect("restored"),
            std::fs::read(input).expect("input"),
            "{input}"
        );
    }
}

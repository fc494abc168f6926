//! `thema review`: the plain path for scripts (`--no-tui --decisions`), the review file read
//! back by `evaluate`, `agree` and resumed runs, and a real session under a pseudo-terminal
//! that is killed halfway and resumed.

mod common;
use common::{csv_rows, root, stdout_of, thema};

use std::path::Path;

use predicates::prelude::*;

/// A thema codings.csv for EN01 (a few rows of `thema code samples/en-01-amsterdam.txt`): four
/// coded units, at segments 4, 7, 8 and 10.
const CODINGS: &str = "tests/data/review/en01-codings.csv";
const EN01: &str = "samples/en-01-amsterdam.txt";

fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// A review file row as (segment, code, coder, decision, source, memo).
type Decided = (String, String, String, String, String, String);

/// The review file's rows.
fn decisions(path: &Path) -> Vec<Decided> {
    let (headers, rows) = csv_rows(&std::fs::read_to_string(path).expect("the review file"));
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (segment, code, coder, decision, source, memo) = (
        col("segment"),
        col("code"),
        col("coder"),
        col("decision"),
        col("source"),
        col("memo"),
    );
    rows.into_iter()
        .map(|r| {
            (
                r[segment].clone(),
                r[code].clone(),
                r[coder].clone(),
                r[decision].clone(),
                r[source].clone(),
                r[memo].clone(),
            )
        })
        .collect()
}

fn row(segment: &str, code: &str, decision: &str, source: &str, memo: &str) -> Decided {
    (
        segment.into(),
        code.into(),
        "rev".into(),
        decision.into(),
        source.into(),
        memo.into(),
    )
}

/// `thema review EN01 --codings CODINGS --no-tui --coder rev -o REVIEWED` with `extra`
/// arguments; its standard output.
fn review(reviewed: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "review",
        EN01,
        "--codings",
        CODINGS,
        "--no-tui",
        "--coder",
        "rev",
        "-o",
        arg(reviewed),
    ];
    args.extend(extra);
    stdout_of(&args)
}

/// [`review`] with a decisions file (written beside the review file) holding `decisions`.
fn decide(reviewed: &Path, decisions: &str, extra: &[&str]) -> String {
    let file = reviewed.with_extension("decisions.txt");
    std::fs::write(&file, decisions).unwrap();
    let mut args = vec!["--decisions", arg(&file)];
    args.extend(extra);
    review(reviewed, &args)
}

#[test]
fn no_tui_lists_the_codings_with_question_highlights_and_rule() {
    let out = tempfile::tempdir().unwrap();
    let reviewed = out.path().join("reviewed.csv");
    let list = review(&reviewed, &[]);
    let headings: Vec<&str> = list
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()) && l.contains(" · segment "))
        .collect();
    assert_eq!(headings.len(), 4, "{list}");
    assert!(
        headings[0].starts_with(
            "1. EN01 · segment 4 · turn 4 · interviewee · actor.benefits_agency (Benefits agency / tax office) · by auto · undecided"
        ),
        "{list}"
    );
    assert!(headings[3].starts_with("4. EN01 · segment 10"), "{list}");
    // The interviewer's question, the matched words in bold and the rule.
    assert!(list.contains("   Interviewer: What happened?\n"), "{list}");
    assert!(
        list.contains("went on **WW** through **UWV**, which"),
        "{list}"
    );
    assert!(
        list.contains("rule: actor.benefits_agency#1 · matched: WW | UWV"),
        "{list}"
    );
    assert!(
        list.contains("rule: proactivity.missed#10; en-contacts-me (negated)"),
        "{list}"
    );
    assert!(list.ends_with("4 codings, 0 decided\n"), "{list}");
    assert!(!reviewed.exists(), "listing writes nothing");
}

#[test]
fn decisions_file_writes_the_review_and_a_second_run_resumes_it() {
    let out = tempfile::tempdir().unwrap();
    let reviewed = out.path().join("reviewed.csv");
    let printed = decide(
        &reviewed,
        "# the first sitting\n1 accept\n2 reject\n3 change acceptance.stigma\n4 add actor.municipality\n4 memo the call never came\n",
        &[],
    );
    assert!(
        printed.contains("applied 5 decisions: 3 of 4 codings decided"),
        "{printed}"
    );
    let after_first = vec![
        row("4", "actor.benefits_agency", "accepted", "auto", ""),
        row("7", "acceptance.privacy", "rejected", "auto", ""),
        row("8", "acceptance.non_take_up", "rejected", "auto", ""),
        row("8", "acceptance.stigma", "added", "", ""),
        row(
            "10",
            "proactivity.missed",
            "pending",
            "auto",
            "the call never came",
        ),
        row("10", "actor.municipality", "added", "", ""),
    ];
    assert_eq!(decisions(&reviewed), after_first);
    let text = std::fs::read_to_string(&reviewed).unwrap();
    assert!(text.starts_with(
        "document,segment,turn,paragraph,speaker,code,coder,decision,source,rule,matched,start,end,memo\n\
         EN01,4,4,1,interviewee,actor.benefits_agency,rev,accepted,auto,actor.benefits_agency#1,WW | UWV,632,646,\n"
    ), "{text}");

    // A second sitting, only the acceptance codes: item 2 of this list is segment 8.
    let list = review(&reviewed, &["--code", "acceptance"]);
    assert!(list.contains("1. EN01 · segment 7"), "{list}");
    assert!(
        list.contains("acceptance.privacy (Privacy) · by auto · rejected"),
        "{list}"
    );
    assert!(
        list.contains("also here: acceptance.stigma (added)"),
        "{list}"
    );
    decide(&reviewed, "2 accept\n", &["--code", "acceptance"]);
    let mut expected = after_first.clone();
    expected[2] = row("8", "acceptance.non_take_up", "accepted", "auto", "");
    assert_eq!(
        decisions(&reviewed),
        expected,
        "the decisions outside --code are kept"
    );
    // The same decisions again change nothing: the file is byte-identical.
    let before = std::fs::read(&reviewed).unwrap();
    decide(&reviewed, "2 accept\n", &["--code", "acceptance"]);
    assert_eq!(std::fs::read(&reviewed).unwrap(), before);
}

#[test]
fn evaluate_scores_precision_from_the_review_and_as_gold_it_holds_only_what_was_kept() {
    let out = tempfile::tempdir().unwrap();
    let reviewed = out.path().join("reviewed.csv");
    decide(
        &reviewed,
        "1 accept\n2 reject\n3 change acceptance.stigma\n4 accept\n4 add actor.municipality\n",
        &[],
    );
    // By hand: 4 reviewed, 2 accepted (benefits agency, missed proactivity), 2 rejected
    // (privacy, non-take-up): precision 2/4; 2 codes added.
    let scores = stdout_of(&[
        "evaluate",
        EN01,
        "--review",
        arg(&reviewed),
        "--format",
        "csv",
    ]);
    assert_eq!(
        scores,
        "code,reviewed,accepted,rejected,precision,added\n\
         acceptance.non_take_up,1,0,1,0.000,0\n\
         acceptance.privacy,1,0,1,0.000,0\n\
         acceptance.stigma,0,0,0,,1\n\
         actor.benefits_agency,1,1,0,1.000,0\n\
         actor.municipality,0,0,0,,1\n\
         proactivity.missed,1,1,0,1.000,0\n\
         (all codes),4,2,2,0.500,2\n"
    );
    // As a coding source the review holds the accepted and added codes only: scored as the
    // gold standard against itself every kept code is a true positive, and the rejected
    // privacy coding is not there.
    let gold = stdout_of(&[
        "evaluate",
        EN01,
        "--gold",
        arg(&reviewed),
        "--codings",
        arg(&reviewed),
        "--format",
        "csv",
    ]);
    assert!(
        gold.contains("(micro average),4,4,4,0,0,1.000,1.000,1.000"),
        "{gold}"
    );
    assert!(!gold.contains("acceptance.privacy"), "{gold}");
    let kept = thema::review::file::read(&reviewed).unwrap();
    assert_eq!(kept.len(), 6);
    // A document whose codings were all rejected still counts as coded by the reviewer:
    // with nothing in it, so every auto-coding there is a false positive.
    let rejected = out.path().join("rejected.csv");
    decide(&rejected, "1 reject\n2 reject\n3 reject\n4 reject\n", &[]);
    let scored = stdout_of(&[
        "evaluate",
        EN01,
        "--gold",
        arg(&rejected),
        "--codings",
        CODINGS,
        "--format",
        "csv",
    ]);
    // Each auto-coding is listed as a false positive of its code (support 0); codes the gold
    // standard never gives are left out of the averages, as the development set's scorer does.
    let false_positives = scored
        .lines()
        .filter(|l| l.ends_with(",0,1,0,1,0,0.000,,0.000"))
        .count();
    assert_eq!(false_positives, 4, "{scored}");
}

#[test]
fn review_refuses_what_it_cannot_do_safely() {
    let out = tempfile::tempdir().unwrap();
    let other = out.path().join("codings.csv");
    std::fs::copy(root().join(CODINGS), &other).unwrap();
    let base = |o: &Path| {
        let mut cmd = thema();
        cmd.args([
            "review",
            EN01,
            "--codings",
            CODINGS,
            "--no-tui",
            "-o",
            arg(o),
        ]);
        cmd
    };
    // An -o that is not a review file is neither resumed nor overwritten.
    base(&other)
        .args(["--coder", "rev"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("not a review file").and(predicate::str::contains("--force")),
        );
    // Another reviewer's file is not continued under a new name.
    let reviewed = out.path().join("reviewed.csv");
    let decisions_file = out.path().join("d.txt");
    std::fs::write(&decisions_file, "1 accept\n").unwrap();
    base(&reviewed)
        .args(["--coder", "anna", "--decisions", arg(&decisions_file)])
        .assert()
        .success();
    base(&reviewed)
        .args(["--coder", "bram"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "this review is by `anna`, not `bram`",
        ));
    // A decision for a code the codebook lacks, or for a coding the list lacks, names the
    // decisions file and line.
    for (decisions, expected) in [
        (
            "1 accept\n2 add acceptance.privcy\n",
            "d.txt:2: no code `acceptance.privcy`",
        ),
        (
            "9 accept\n",
            "d.txt:1: there is no coding 9: the list has 1 to 4",
        ),
    ] {
        std::fs::write(&decisions_file, decisions).unwrap();
        base(&reviewed)
            .args(["--coder", "anna", "--decisions", arg(&decisions_file)])
            .assert()
            .failure()
            .stderr(predicate::str::contains(expected));
    }
    // Without a terminal the screen is refused, with the way out.
    thema()
        .args(["review", EN01, "--coder", "anna", "-o", arg(&reviewed)])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--no-tui"));
    thema()
        .args([
            "review",
            EN01,
            "--no-tui",
            "--coder",
            "auto",
            "-o",
            arg(&reviewed),
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("thema's own coding"));
}

#[test]
fn engine_codings_are_reviewed_as_thema_code_writes_them() {
    let out = tempfile::tempdir().unwrap();
    let code_dir = out.path().join("code");
    stdout_of(&["code", EN01, "--out", arg(&code_dir), "-q"]);
    let expected = coded_units(&code_dir.join("codings.csv"), "acceptance");
    let list = stdout_of(&[
        "review",
        EN01,
        "--code",
        "acceptance",
        "--no-tui",
        "--coder",
        "rev",
        "-o",
        arg(&out.path().join("r.csv")),
    ]);
    let listed: Vec<(String, String)> = list
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()) && l.contains(" · segment "))
        .map(|l| {
            let parts: Vec<&str> = l.split(" · ").collect();
            let segment = parts[1].trim_start_matches("segment ").to_owned();
            let code = parts[4].split(' ').next().unwrap().to_owned();
            (segment, code)
        })
        .collect();
    assert_eq!(listed, expected);
}

/// The distinct (segment, code) pairs of a codings.csv whose code lies within `prefix`,
/// by segment and code, as `thema review` orders them.
fn coded_units(codings: &Path, prefix: &str) -> Vec<(String, String)> {
    let (headers, rows) = csv_rows(&std::fs::read_to_string(codings).unwrap());
    let segment = headers.iter().position(|h| h == "segment").unwrap();
    let code = headers.iter().position(|h| h == "code").unwrap();
    let mut units: Vec<(usize, String)> = rows
        .iter()
        .filter(|r| r[code] == prefix || r[code].starts_with(&format!("{prefix}.")))
        .map(|r| (r[segment].parse().unwrap(), r[code].clone()))
        .collect();
    units.sort();
    units.dedup();
    units.into_iter().map(|(s, c)| (s.to_string(), c)).collect()
}

/// A real session in a pseudo-terminal: keys accept, reject and add codes; the review file
/// has each decision as soon as the key is read; the session is killed halfway and a new
/// one (in a smaller terminal) resumes at the first undecided coding.
#[cfg(unix)]
#[test]
fn terminal_session_decides_is_killed_and_resumes() {
    use rexpect::process::Signal;
    use rexpect::session::{Options, spawn_with_options};
    use std::time::{Duration, Instant};

    let out = tempfile::tempdir().unwrap();
    let code_dir = out.path().join("code");
    stdout_of(&["code", EN01, "--out", arg(&code_dir), "-q"]);
    let units = coded_units(&code_dir.join("codings.csv"), "acceptance");
    assert!(
        units.len() >= 5,
        "the test needs five acceptance codings in EN01, found {units:?}"
    );
    let reviewed = out.path().join("reviewed.csv");
    let spawn = |rows: u16, cols: u16| {
        let script = format!(
            "stty rows {rows} cols {cols}; exec '{}' review {EN01} --code acceptance --coder rev -o '{}'",
            env!("CARGO_BIN_EXE_thema"),
            arg(&reviewed)
        );
        let mut command = std::process::Command::new("sh");
        command
            .args(["-c", &script])
            .current_dir(root())
            .env("TERM", "xterm")
            .env("NO_COLOR", "1");
        spawn_with_options(
            command,
            Options::new()
                .timeout_ms(Some(30_000))
                .strip_ansi_escape_codes(true),
        )
        .expect("thema review starts in a pseudo-terminal")
    };
    // Waits until the review file holds `expected`.
    let wait_for = |expected: &[Decided]| {
        let started = Instant::now();
        loop {
            let now = if reviewed.exists() {
                decisions(&reviewed)
            } else {
                Vec::new()
            };
            if now == expected {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the review file holds {now:?}, not {expected:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let unit = |i: usize, decision: &str, memo: &str| {
        row(&units[i].0, &units[i].1, decision, "auto", memo)
    };
    let added = |i: usize, code: &str| row(&units[i].0, code, "added", "", "");
    // Rows sort by segment: items of a segment first, then the codes added to it.
    let sorted = |mut rows: Vec<((usize, usize), Decided)>| {
        rows.sort_by_key(|(key, r)| (r.0.parse::<usize>().unwrap(), *key));
        rows.into_iter().map(|(_, r)| r).collect::<Vec<_>>()
    };

    let press = |session: &mut rexpect::session::PtySession, keys: &str| {
        session.send(keys).expect("keys are sent");
        session.flush().expect("keys are flushed");
    };
    let mut session = spawn(24, 100);
    session
        .exp_string("coding 1/")
        .expect("the first coding is shown");
    press(&mut session, "y");
    wait_for(&[unit(0, "accepted", "")]);
    press(&mut session, "n");
    wait_for(&[unit(0, "accepted", ""), unit(1, "rejected", "")]);
    press(&mut session, "a");
    press(&mut session, "actor.housing\r");
    let halfway = sorted(vec![
        ((0, 0), unit(0, "accepted", "")),
        ((0, 1), unit(1, "rejected", "")),
        ((1, 0), added(2, "actor.housing")),
    ]);
    wait_for(&halfway);
    session
        .process_mut()
        .kill(Signal::SIGKILL)
        .expect("the session is killed");
    assert_eq!(decisions(&reviewed), halfway, "a kill loses nothing");

    // A new session in a small terminal resumes at the third coding.
    let mut session = spawn(10, 40);
    // The screen draws top down: the heading, then the status line.
    session
        .exp_string("coding 3/")
        .expect("at the first undecided coding");
    session.exp_string("resumed").expect("it says it resumed");
    press(&mut session, "y");
    let third = sorted(vec![
        ((0, 0), unit(0, "accepted", "")),
        ((0, 1), unit(1, "rejected", "")),
        ((0, 2), unit(2, "accepted", "")),
        ((1, 0), added(2, "actor.housing")),
    ]);
    wait_for(&third);
    press(&mut session, "c");
    press(&mut session, "actor.creditor\r");
    press(&mut session, "m");
    press(&mut session, "ask Wim about this\r");
    let last = sorted(vec![
        ((0, 0), unit(0, "accepted", "")),
        ((0, 1), unit(1, "rejected", "")),
        ((0, 2), unit(2, "accepted", "")),
        ((0, 3), unit(3, "rejected", "")),
        ((0, 4), unit(4, "pending", "ask Wim about this")),
        ((1, 0), added(2, "actor.housing")),
        ((1, 1), added(3, "actor.creditor")),
    ]);
    wait_for(&last);
    press(&mut session, "q");
    session.exp_string("4 of").expect("the closing summary");
    session.exp_eof().expect("the session ends");
    assert_eq!(decisions(&reviewed), last);
}

//! One set of options, applied everywhere: every table command takes the shared options,
//! the output format follows the file name, and the README's option table is `--help`.

mod common;

use std::collections::BTreeSet;

use common::{csv_rows, root, thema};

fn help(command: &[&str]) -> String {
    let output = thema().args(command).arg("--help").output().expect("runs");
    assert!(output.status.success(), "{command:?} --help");
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// The subcommands a help text lists (without `help`).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A wrapped description continues further in.
        .filter(|l| !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// The long options a help text lists in its `Options:` section (without `--help` and
/// `--version`).
fn options(help: &str) -> BTreeSet<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Options:"))
        .skip(1)
        // Every option section: `Options:` and the headings after it (`Language model:`).
        .filter(|l| l.is_empty() || l.starts_with(' ') || l.ends_with(':'))
        .filter_map(|l| {
            let rest = l
                .strip_prefix("      ")
                .or_else(|| l.strip_prefix("  -").and_then(|r| r.get(3..)))?;
            let name: String = rest
                .strip_prefix("--")?
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '-')
                .collect();
            Some(format!("--{name}"))
        })
        .filter(|o| o != "--help" && o != "--version")
        .collect()
}

/// Every leaf command, as its words after `thema`.
fn leaf_commands() -> Vec<Vec<String>> {
    let mut todo: Vec<Vec<String>> = subcommands(&help(&[]))
        .into_iter()
        .map(|c| vec![c])
        .collect();
    let mut leaves = Vec::new();
    while let Some(command) = todo.pop() {
        let words: Vec<&str> = command.iter().map(String::as_str).collect();
        let subs = subcommands(&help(&words));
        if subs.is_empty() {
            leaves.push(command);
        } else {
            for sub in subs {
                let mut deeper = command.clone();
                deeper.push(sub);
                todo.push(deeper);
            }
        }
    }
    leaves.sort();
    leaves
}

/// The backticked `--options` and the *group* names of a README line.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 && part.starts_with("--") {
            out.push(part.to_owned());
        } else if i % 2 == 0 {
            for (j, word) in part.split('*').enumerate() {
                if j % 2 == 1 && !word.trim().is_empty() {
                    out.push(format!("*{}", word.trim()));
                }
            }
        }
    }
    out
}

#[test]
fn the_readme_option_table_is_what_help_lists() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let section: Vec<&str> = readme
        .lines()
        .skip_while(|l| *l != "### Options")
        .skip(1)
        .take_while(|l| !l.starts_with('#'))
        .collect();
    assert!(!section.is_empty(), "README has an ### Options section");
    // Group definitions: `- *name*: `--a`, `--b`` (possibly over several lines).
    let mut groups: Vec<(String, BTreeSet<String>)> = Vec::new();
    for line in &section {
        if let Some(rest) = line.strip_prefix("- *") {
            let (name, list) = rest.split_once("*:").expect("`- *group*: options`");
            groups.push((format!("*{name}"), BTreeSet::new()));
            let entry = &mut groups.last_mut().expect("just pushed").1;
            entry.extend(tokens(list).into_iter().filter(|t| t.starts_with("--")));
        } else if line.starts_with("  ")
            && let Some((_, entry)) = groups.last_mut()
        {
            entry.extend(tokens(line).into_iter().filter(|t| t.starts_with("--")));
        }
    }
    let mut documented: Vec<(Vec<String>, BTreeSet<String>)> = Vec::new();
    for line in section.iter().filter(|l| l.starts_with("| `thema ")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let command: Vec<String> = cells[1]
            .trim_matches('`')
            .split_whitespace()
            .skip(1)
            .map(str::to_owned)
            .collect();
        let mut listed = BTreeSet::new();
        for token in tokens(cells[2]) {
            match groups.iter().find(|(name, _)| *name == token) {
                Some((_, members)) => listed.extend(members.iter().cloned()),
                None if token.starts_with("--") => {
                    listed.insert(token);
                }
                None => panic!("README option table: unknown group {token}"),
            }
        }
        documented.push((command, listed));
    }
    documented.sort();
    let commands: Vec<Vec<String>> = documented.iter().map(|(c, _)| c.clone()).collect();
    assert_eq!(
        commands,
        leaf_commands(),
        "the README's option table lists every command"
    );
    for (command, listed) in &documented {
        let words: Vec<&str> = command.iter().map(String::as_str).collect();
        let actual = options(&help(&words));
        assert_eq!(
            listed,
            &actual,
            "README options of `thema {}` (left) differ from --help (right)",
            words.join(" ")
        );
    }
}

fn run(args: &[&str]) -> (bool, String, String) {
    let output = thema().args(args).output().expect("runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn every_table_command_takes_the_shared_options() {
    let dir = tempfile::tempdir().expect("temp dir");
    let anna = "samples/codings/coder-anna.csv";
    let bram = "samples/codings/coder-bram.csv";
    let commands: [&[&str]; 7] = [
        &["report"],
        &["compare", "--by", "language"],
        &["cooccur"],
        &["matrix"],
        &["quotes"],
        &["agree", "--codings", anna, "--codings", bram],
        &["evaluate", "--gold", anna],
    ];
    for command in commands {
        let file = dir.path().join(format!("{}.csv", command[0]));
        let mut args: Vec<&str> = command.to_vec();
        args.extend([
            "samples/",
            "samples/not-there.txt",
            "--keep-going",
            "--where",
            "cohort=2024-wave1",
            "--codes",
            "acceptance",
            "--level",
            "1",
            "-o",
            file.to_str().expect("UTF-8"),
            "--force",
        ]);
        let (ok, _, stderr) = run(&args);
        assert!(ok, "{args:?}: {stderr}");
        assert!(
            stderr.contains("skipped: samples/not-there.txt"),
            "{args:?}: the missing file is reported: {stderr}"
        );
        let (headers, rows) =
            csv_rows(&std::fs::read_to_string(&file).expect("written from the .csv name"));
        // --codes acceptance --level 1 leaves the code `acceptance` alone.
        if let Some(code) = headers.iter().position(|h| h == "code" || h == "codes") {
            let codes: BTreeSet<&str> = rows
                .iter()
                .map(|r| r[code].as_str())
                .filter(|c| !c.starts_with('('))
                .collect();
            assert_eq!(
                codes,
                BTreeSet::from(["acceptance"]),
                "{args:?}: {headers:?}"
            );
        }
        for pair in ["code_a", "code_b"] {
            if let Some(i) = headers.iter().position(|h| h == pair) {
                assert!(rows.iter().all(|r| r[i] == "acceptance"), "{args:?}");
            }
        }
        assert!(
            !headers
                .iter()
                .any(|h| h.starts_with("acceptance.") || h.starts_with("actor")),
            "{args:?}: {headers:?}"
        );
        // --where cohort=2024-wave1 keeps only that cohort.
        if let Some(cohort) = headers.iter().position(|h| h == "cohort") {
            assert!(rows.iter().all(|r| r[cohort] == "2024-wave1"), "{args:?}");
        }
    }
}

#[test]
fn where_with_an_attribute_or_value_no_document_has_is_an_error() {
    for command in [
        vec!["report"],
        vec!["quotes", "--code", "acceptance"],
        vec!["matrix"],
    ] {
        let mut args = command.clone();
        args.extend(["samples/", "--where", "cohort=2024-wave3"]);
        let (ok, _, stderr) = run(&args);
        assert!(!ok, "{args:?}");
        assert!(
            stderr.contains("--where cohort=2024-wave3: no document has that value; values of `cohort`: 2024-wave1, 2025-wave2"),
            "{stderr}"
        );
    }
    let (ok, _, stderr) = run(&[
        "quotes",
        "samples/",
        "--code",
        "acceptance",
        "--where",
        "municipality=amsterdam",
    ]);
    assert!(!ok);
    assert!(stderr.contains("did you mean `Amsterdam`?"), "{stderr}");
    let (ok, _, stderr) = run(&["report", "samples/", "--where", "cohrt=2024-wave1"]);
    assert!(!ok);
    assert!(
        stderr.contains("no document has the attribute `cohrt`"),
        "{stderr}"
    );
}

#[test]
fn keep_going_passes_over_a_missing_file() {
    let (ok, stdout, stderr) = run(&[
        "report",
        "samples/",
        "samples/not-there.txt",
        "--keep-going",
    ]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("(all)"));
    assert!(
        stderr.contains("thema: skipped: samples/not-there.txt:"),
        "{stderr}"
    );
    let (ok, _, stderr) = run(&["report", "samples/", "samples/not-there.txt"]);
    assert!(!ok);
    assert!(stderr.contains("samples/not-there.txt"), "{stderr}");
}

#[test]
fn sample_writes_into_dash_o() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("double");
    let (ok, _, stderr) = run(&[
        "sample",
        "samples/",
        "--fraction",
        "0.2",
        "--seed",
        "1",
        "-q",
        "-o",
        out.to_str().expect("UTF-8"),
    ]);
    assert!(ok, "{stderr}");
    assert!(out.join("sample.csv").is_file() && out.join("coding-sheet.csv").is_file());
}

#[test]
fn the_output_format_follows_the_file_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = |name: &str| dir.path().join(name).to_str().expect("UTF-8").to_owned();
    let head = |name: &str| {
        let bytes = std::fs::read(dir.path().join(name)).expect("written");
        bytes[..bytes.len().min(16)].to_vec()
    };
    for (command, name, magic) in [
        (&["report"][..], "r.xlsx", &b"PK\x03\x04"[..]),
        (&["matrix"][..], "m.parquet", &b"PAR1"[..]),
        (&["report"][..], "r.csv", &b"code,label,"[..]),
        (&["report"][..], "r.json", &b"[\n  {"[..]),
        (&["report"][..], "r.md", &b"| code | label |"[..]),
        (&["report"][..], "r.html", &b"<!DOCTYPE html>"[..]),
        (
            &["quotes", "--code", "acceptance.privacy"][..],
            "q.md",
            &b"> "[..],
        ),
        (&["ingest"][..], "s.xlsx", &b"PK\x03\x04"[..]),
        (&["ingest"][..], "s.csv", &b"document,segment"[..]),
    ] {
        let mut args = command.to_vec();
        let file = path(name);
        args.extend(["samples/", "-q", "-o", &file]);
        let (ok, _, stderr) = run(&args);
        assert!(ok, "{args:?}: {stderr}");
        assert!(
            head(name).starts_with(magic),
            "{name}: {:?}",
            String::from_utf8_lossy(&head(name))
        );
    }
    for (args, message) in [
        (
            vec!["report", "samples/", "--format", "csv", "-o", "x.xlsx"],
            "-o x.xlsx says xlsx but --format is csv",
        ),
        (
            vec!["compare", "samples/", "--by", "cohort", "-o", "c.html"],
            "the HTML report is `thema report --html FILE`",
        ),
        (
            vec!["matrix", "samples/", "-o", "m.dat"],
            "the format of a .dat file is unknown",
        ),
        (
            vec!["report", "samples/", "-o", "r.xls"],
            "old Excel .xls is not written",
        ),
        (
            vec!["export", "qdpx", "samples/", "-o", "p.zip"],
            "give a file ending in .qdpx",
        ),
    ] {
        let (ok, _, stderr) = run(&args);
        assert!(!ok, "{args:?}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn evaluate_rolls_gold_and_auto_codes_up_to_the_level() {
    // The gold coder coded EN01 turn 6 at the parent level `acceptance`; the codebook codes
    // it `acceptance.privacy`. Compared as they are, the gold code is a false negative; at
    // level 1 both are `acceptance`, a true positive.
    let dir = tempfile::tempdir().expect("temp dir");
    let gold = dir.path().join("gold.csv");
    std::fs::write(
        &gold,
        "document,turn,paragraph,code,coder\nEN01,6,1,acceptance,gold\n",
    )
    .expect("written");
    let row = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            "evaluate",
            "samples/",
            "--gold",
            gold.to_str().expect("UTF-8"),
        ];
        args.extend(extra);
        args.extend(["--format", "csv", "-q"]);
        let (headers, rows) = csv_rows(&common::stdout_of(&args));
        assert_eq!(
            headers[..6],
            ["code", "support", "predicted", "tp", "fp", "fn"]
        );
        rows.into_iter()
            .find(|r| r[0] == "acceptance")
            .expect("acceptance row")[1..6]
            .to_vec()
    };
    // support, predicted, tp, fp, fn
    assert_eq!(row(&[])[2..], ["0", "0", "1"]);
    assert_eq!(row(&["--level", "1"])[2], "1");
    assert_eq!(row(&["--level", "1"])[4], "0");
}

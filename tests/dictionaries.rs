//! Dictionaries of other tools as codebooks: import of every format, errors with the line,
//! counting like the tools, round trips through export.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{codings_of, thema};
use thema::codebook::{Codebook, RuleKind};

const FORMATS: [&str; 5] = ["dic", "cat", "yml", "lc3", "ykd"];

fn data(name: &str) -> String {
    format!("tests/data/dictionaries/{name}")
}

/// Imports `file` and returns the TOML and the standard error.
fn import(file: &str, extra: &[&str]) -> (String, String) {
    let output = thema()
        .args(["codebook", "import", file])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "import {file} failed: {stderr}");
    (String::from_utf8(output.stdout).unwrap(), stderr)
}

/// Code id → its terms (as written, folded), from codebook TOML.
fn codes_and_terms(toml: &str) -> BTreeMap<String, BTreeSet<String>> {
    let codebook = Codebook::from_source(Path::new("imported.toml"), toml).unwrap();
    codebook
        .codes
        .iter()
        .map(|code| {
            let terms = code
                .rules
                .iter()
                .flat_map(|rule| match &rule.kind {
                    RuleKind::Terms(list) => list.iter().map(|t| t.source.to_lowercase()).collect(),
                    _ => Vec::new(),
                })
                .collect();
            (code.id.clone(), terms)
        })
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn every_format_imports_to_the_same_codes_and_terms() {
    let expected: BTreeMap<String, BTreeSet<String>> = [
        (
            "care",
            set(&[
                "care*",
                "compassion*",
                "help*",
                "kind",
                "look after",
                "zorgzaam",
            ]),
        ),
        (
            "harm",
            set(&[
                "careless",
                "geïntimideerd",
                "harm*",
                "hurt*",
                "neglect*",
                "suffer*",
            ]),
        ),
        (
            "fairness",
            set(&[
                "equal*",
                "fair",
                "fairly",
                "justice",
                "rechtvaardig*",
                "rights",
            ]),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    for extension in FORMATS {
        let (toml, _) = import(&data(&format!("care.{extension}")), &[]);
        assert_eq!(codes_and_terms(&toml), expected, "care.{extension}");
        assert!(toml.contains("negated = \"keep\""), "{toml}");
    }
    // The LIWC and WordStat files are Windows-1252, as many old dictionaries are.
    for file in ["care.dic", "care.cat"] {
        let bytes = std::fs::read(data(file)).unwrap();
        assert!(std::str::from_utf8(&bytes).is_err(), "{file} is not UTF-8");
    }
}

#[test]
fn nested_categories_become_dotted_ids() {
    let expected: BTreeMap<String, BTreeSet<String>> = [
        ("affect", set(&[])),
        ("affect.posemo", set(&["good", "happ*"])),
        ("affect.negemo", set(&[])),
        ("affect.negemo.anger", set(&["angry", "hate*"])),
        ("social", set(&["friend*"])),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    for extension in ["cat", "yml", "ykd"] {
        let (toml, _) = import(&data(&format!("nested.{extension}")), &[]);
        assert_eq!(codes_and_terms(&toml), expected, "nested.{extension}");
    }
    // LIWC-22 nests by tabs in the category table; a word names each of its categories, so
    // `angry` and `hate*` are in negemo as well as in anger.
    let (toml, _) = import(&data("nested.dic"), &[]);
    let mut liwc = expected.clone();
    liwc.insert("affect.negemo".into(), set(&["angry", "hate*"]));
    assert_eq!(codes_and_terms(&toml), liwc);
}

#[test]
fn what_cannot_be_represented_is_reported_with_its_line() {
    let cases: [(&str, &[&str]); 3] = [
        (
            "care.dic",
            &[
                "care.dic:18: entry \"like\": the conditional category \"(02 134)125/464\" has no equivalent",
                "care.dic:25: entry \":)\" of \"care\" left out",
            ],
        ),
        (
            "care.cat",
            &[
                "care.cat:12: entry \"HURT*\": weight (2) has no equivalent",
                "care.cat:15: entry \"COLO?R\" of \"HARM\" left out: `?` has no equivalent",
            ],
        ),
        (
            "care.yml",
            &["care.yml:9: entry \"colo?r\" of \"harm\" left out"],
        ),
    ];
    for (file, notes) in cases {
        let (_, stderr) = import(&data(file), &[]);
        for note in notes {
            assert!(stderr.contains(note), "{file}: {note}\n{stderr}");
        }
    }
    let (_, stderr) = import(&data("care.lc3"), &[]);
    assert!(!stderr.contains("not represented"), "{stderr}");
}

#[test]
fn malformed_dictionaries_fail_with_file_and_line() {
    for (file, message) in [
        (
            "unknown-category.dic",
            "unknown-category.dic:6: entry \"hurt*\": category 7 is not in the category table (which has 1, 2)",
        ),
        (
            "unclosed.dic",
            "unclosed.dic:1: the category table opened by this `%` is never closed",
        ),
        (
            "bad-indent.cat",
            "bad-indent.cat:3: bad indentation: entry \"HELP*\" is at level 3",
        ),
        ("invalid.yml", "invalid.yml:5: invalid YAML"),
        (
            "entry-first.lc3",
            "entry-first.lc3:1: entry \"care*\" comes before the first `+category` line",
        ),
        ("invalid.ykd", "invalid.ykd:5: invalid XML"),
    ] {
        let output = thema()
            .args(["codebook", "import", &data(&format!("bad/{file}"))])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{file}: {stderr}");
        assert!(stderr.contains(message), "{file}: {stderr}");
        assert!(output.stdout.is_empty(), "{file}");
    }
}

/// Codings per code of `thema code` on the care interview with `codebook`.
fn counts(codebook: &Path) -> BTreeMap<String, usize> {
    let (headers, rows) = codings_of(&data("care-interview.txt"), codebook);
    let code = headers.iter().position(|h| h == "code").unwrap();
    let mut counts = BTreeMap::new();
    for row in rows {
        *counts.entry(row[code].clone()).or_default() += 1;
    }
    counts
}

#[test]
fn thema_code_counts_words_like_the_dictionary_tools() {
    let dir = tempfile::tempdir().unwrap();
    let count = |file: &str| {
        let path = dir.path().join(format!("{file}.toml"));
        thema()
            .args(["codebook", "import", &data(file), "-o"])
            .arg(&path)
            .assert()
            .success();
        counts(&path)
    };
    // Counted by hand in care-interview.txt (respondent turns only):
    //   kind, helpful, care, helped, look after → care 5 ("careless" is harm's exact entry,
    //   which LIWC prefers to care*); careless, hurt ("Nobody got hurt": negation does not
    //   matter to a dictionary) → harm 2; fair, equals → fairness 2 ("unfair" is no entry).
    let liwc = count("care.dic");
    assert_eq!(
        liwc,
        BTreeMap::from([
            ("care".into(), 5),
            ("fairness".into(), 2),
            ("harm".into(), 2)
        ])
    );
    // quanteda and Lexicoder count a word for every pattern that matches: careless is care*
    // too.
    for file in ["care.yml", "care.lc3"] {
        assert_eq!(
            count(file),
            BTreeMap::from([
                ("care".into(), 6),
                ("fairness".into(), 2),
                ("harm".into(), 2)
            ]),
            "{file}"
        );
    }
}

#[test]
fn imported_codebooks_pass_check() {
    let dir = tempfile::tempdir().unwrap();
    for name in FORMATS
        .iter()
        .map(|e| format!("care.{e}"))
        .chain(["nested.dic", "nested.cat", "nested.yml", "nested.ykd"].map(String::from))
    {
        let path = dir.path().join(format!("{name}.toml"));
        thema()
            .args(["codebook", "import", &data(&name), "-o"])
            .arg(&path)
            .assert()
            .success();
        thema()
            .args(["codebook", "check"])
            .arg(&path)
            .assert()
            .success();
    }
}

#[test]
fn every_format_round_trips_through_export() {
    let dir = tempfile::tempdir().unwrap();
    for (file, to) in [
        ("care.dic", "liwc"),
        ("care.cat", "wordstat"),
        ("care.yml", "quanteda"),
        ("care.lc3", "lexicoder"),
        ("care.ykd", "yoshikoder"),
        ("nested.dic", "liwc"),
        ("nested.cat", "wordstat"),
        ("nested.yml", "quanteda"),
        ("nested.ykd", "yoshikoder"),
    ] {
        let toml = dir.path().join(format!("{file}.toml"));
        thema()
            .args(["codebook", "import", &data(file), "-o"])
            .arg(&toml)
            .assert()
            .success();
        let exported = dir.path().join(format!("again-{file}"));
        let output = thema()
            .args(["codebook", "export"])
            .arg(&toml)
            .args(["--to", to, "-o"])
            .arg(&exported)
            .output()
            .unwrap();
        assert!(output.status.success(), "{file}");
        assert!(
            output.stderr.is_empty(),
            "{file}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let (first, _) = import(&data(file), &[]);
        let (second, _) = import(exported.to_str().unwrap(), &[]);
        assert_eq!(
            codes_and_terms(&first),
            codes_and_terms(&second),
            "{file} via {to}"
        );
    }
}

#[test]
fn export_lists_what_a_dictionary_cannot_hold() {
    let output = thema()
        .args(["codebook", "export", "--to", "liwc"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("rule nl-contacts-me: exclude, unless, negated, hypothetical, third_party, agent, gap, language cannot be written"),
        "{stderr}"
    );
    assert!(
        stderr.contains("rule nl-contacts-me: 17 of 18 terms left out (`{N}` gaps have no equivalent; `|` alternatives have no equivalent; `~lemmas` have no equivalent)"),
        "{stderr}"
    );
    let dic = String::from_utf8(output.stdout).unwrap();
    assert!(
        dic.starts_with("%\n1\tProactivity\n\t2\tTaking initiative\n"),
        "{dic}"
    );
}

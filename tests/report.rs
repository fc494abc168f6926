//! The shareable outputs: the HTML report (structure, counts, no requests, escaping,
//! reproducibility), charts as SVG files, Excel workbooks read back, and terminal tables that
//! fit the terminal.

mod common;
use common::{csv_rows, root, stdout_of, thema};

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value as Json;

/// Runs `thema report samples/ --by cohort --html FILE` and returns the HTML.
fn html_report(dir: &Path, extra: &[&str]) -> String {
    let file = dir.join("report.html");
    thema()
        .args(["report", "samples/", "--by", "cohort", "--quiet", "--html"])
        .arg(&file)
        .args(extra)
        .assert()
        .success();
    std::fs::read_to_string(file).unwrap()
}

/// The value of attribute `name` in an element's start tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = start + tag[start..].find('"')?;
    Some(&tag[start..end])
}

#[test]
fn html_report_has_every_code_and_bars_with_the_counts_of_the_json_report() {
    let dir = tempfile::tempdir().unwrap();
    let html = html_report(dir.path(), &[]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    let json: Json = serde_json::from_str(&stdout_of(&[
        "report", "samples/", "--by", "cohort", "--format", "json", "--quiet",
    ]))
    .unwrap();
    let rows = json.as_array().unwrap();
    let codes: Vec<&str> = rows
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .filter(|c| !c.starts_with('('))
        .collect();
    assert_eq!(codes.len(), 27);
    for code in &codes {
        let anchor = format!("id=\"code-{}\"", code.replace('.', "-"));
        assert!(html.contains(&anchor), "no section for {code}");
        assert!(
            html.contains(&format!("<td><code>{code}</code></td>")),
            "{code} not in the codebook appendix"
        );
    }
    let mut bars = 0;
    for piece in html.split("<rect class=\"bar\"").skip(1) {
        let tag = &piece[..piece.find('>').unwrap()];
        let code = attribute(tag, "data-code").unwrap();
        let group = attribute(tag, "data-group").unwrap();
        let n: u64 = attribute(tag, "data-n").unwrap().parse().unwrap();
        let total: u64 = attribute(tag, "data-total").unwrap().parse().unwrap();
        let row = rows.iter().find(|r| r["code"] == code).unwrap();
        let all = rows.iter().find(|r| r["code"] == "(all)").unwrap();
        let key = format!("{group} docs");
        assert_eq!(row[&key].as_u64(), Some(n), "{code} {group}");
        assert_eq!(all[&key].as_u64(), Some(total), "{group}");
        bars += 1;
    }
    // Every code but the four themes gets a bar per cohort.
    assert_eq!(bars, (codes.len() - 4) * 2);
    for section in [
        "id=\"summary\"",
        "id=\"frequencies\"",
        "id=\"cooccurrence\"",
        "id=\"comparison\"",
        "id=\"codes\"",
        "id=\"appendix\"",
    ] {
        assert!(html.contains(section), "{section}");
    }
    // Quotes carry their respondent and cohort and highlight the matched words.
    assert!(html.contains("<mark>"));
    assert!(html.contains("— NL01 · 2024-wave1 ·"));
    // Provenance: the version, the codebook's and every input file's hash, the command.
    assert!(html.contains(env!("CARGO_PKG_VERSION")));
    assert_eq!(
        html.matches("class=\"hash\"").count(),
        1 + 15 + 1,
        "codebook, 15 transcripts, attributes.csv"
    );
    // (minijinja writes `/` as `&#x2f;`.)
    assert!(html.contains("thema report samples&#x2f; --by cohort --quiet --html"));
}

#[test]
fn html_report_makes_no_requests() {
    let dir = tempfile::tempdir().unwrap();
    let html = html_report(dir.path(), &[]).to_lowercase();
    let squeezed: String = html.chars().filter(|c| !c.is_whitespace()).collect();
    for attr in ["src=", "href="] {
        for quote in ["\"", "'", ""] {
            for scheme in ["http", "//"] {
                let needle = format!("{attr}{quote}{scheme}");
                assert!(!squeezed.contains(&needle), "found {needle}");
            }
        }
    }
    for forbidden in [
        "<script",
        "<link",
        "<iframe",
        "<img",
        "@import",
        "url(",
        "xlink:href",
    ] {
        assert!(!html.contains(forbidden), "found {forbidden}");
    }
}

#[test]
fn the_same_inputs_give_a_byte_identical_report_and_workbook() {
    let samples = root().join("samples");
    let run = |dir: &Path, extra: &[&str]| {
        thema()
            .current_dir(dir)
            .arg("report")
            .arg(&samples)
            .args([
                "--by",
                "cohort",
                "--quiet",
                "--html",
                "report.html",
                "--xlsx",
                "report.xlsx",
            ])
            .args(extra)
            .assert()
            .success();
        (
            std::fs::read(dir.join("report.html")).unwrap(),
            std::fs::read(dir.join("report.xlsx")).unwrap(),
        )
    };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = run(a.path(), &[]);
    assert_eq!(first, run(b.path(), &[]));
    let c = tempfile::tempdir().unwrap();
    let stamped = String::from_utf8(run(c.path(), &["--timestamp"]).0).unwrap();
    assert!(!String::from_utf8(first.0).unwrap().contains(" UTC"));
    assert!(stamped.contains(" UTC"), "--timestamp puts the time in");
}

const NASTY: [&str; 3] = ["<script>alert(1)</script>", "\"onmouseover=", "</svg>"];

/// A corpus and codebook with the nasty strings in every field: transcript text, speaker,
/// document id, attribute values, codebook name, labels, descriptions and criteria.
fn nasty_project(dir: &Path) {
    let all = NASTY.concat();
    let csv_field = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut transcripts = String::from("document,speaker,text,cohort\n");
    for (d, cohort) in [("x1", NASTY[0]), ("x2", NASTY[1]), ("x3", NASTY[2])] {
        transcripts.push_str(&format!(
            "{d},I,{},{}\n",
            csv_field("Did they call you?"),
            csv_field(cohort)
        ));
        transcripts.push_str(&format!(
            "{d},{},{},{}\n",
            csv_field(&format!("R {all}")),
            csv_field(&format!("They called me {all} without me asking.")),
            csv_field(cohort)
        ));
        transcripts.push_str(&format!(
            "{d},R,{},{}\n",
            csv_field("=1+1 they called again"),
            csv_field(cohort)
        ));
    }
    transcripts.push_str(&format!(
        "{},R,{},{}\n",
        csv_field(&format!("doc{}", NASTY[0])),
        csv_field("They called."),
        csv_field(NASTY[2])
    ));
    std::fs::write(dir.join("turns.csv"), transcripts).unwrap();
    let toml_str = |s: &str| format!("'''{s}'''");
    let codebook = format!(
        r##"[codebook]
name = {n}
version = {n}

[[codes]]
id = "theme"
label = {{ en = {n} }}
description = {n}

[[codes]]
id = "theme.called"
label = {{ en = {n} }}
description = {n}
include = {n}
exclude = {n}
color = "#123456"

[[codes.rules]]
terms = ["called"]
"##,
        n = toml_str(&all)
    );
    std::fs::write(dir.join("codebook.toml"), codebook).unwrap();
}

/// `text` holds the nasty strings only escaped.
fn assert_only_escaped(what: &str, text: &str) {
    let lower = text.to_lowercase();
    assert!(!lower.contains("<script"), "{what}: raw <script>");
    assert!(
        !text.contains("\"onmouseover="),
        "{what}: raw \"onmouseover="
    );
    assert_eq!(
        text.matches("</svg>").count(),
        text.matches("<svg").count(),
        "{what}: an </svg> that closes nothing"
    );
    assert!(
        text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{what}: the text is gone"
    );
    assert!(text.contains("&lt;/svg&gt;"), "{what}: the text is gone");
}

#[test]
fn every_field_is_escaped_in_the_html_report_and_the_charts() {
    let dir = tempfile::tempdir().unwrap();
    nasty_project(dir.path());
    let html = dir.path().join("report.html");
    let title = NASTY.concat();
    thema()
        .current_dir(dir.path())
        .args([
            "report",
            "turns.csv",
            "--codebook",
            "codebook.toml",
            "--by",
            "cohort",
            "--quiet",
            "--html",
            "report.html",
            "--title",
        ])
        .arg(&title)
        .assert()
        .success();
    let html = std::fs::read_to_string(html).unwrap();
    assert_only_escaped("report", &html);
    assert!(
        html.contains("<title>&lt;script&gt;"),
        "the title is escaped text"
    );
    // The quote, its speaker and its cohort all made it in, as text.
    assert!(html.contains("<mark>called</mark>"));
    assert!(html.contains("R &lt;script&gt;alert(1)&lt;&#x2f;script&gt;&quot;onmouseover="));
    for kind in ["frequencies", "cooccurrence"] {
        let file = dir.path().join(format!("{kind}.svg"));
        thema()
            .current_dir(dir.path())
            .args([
                "chart",
                kind,
                "turns.csv",
                "--codebook",
                "codebook.toml",
                "--quiet",
                "-o",
            ])
            .arg(&file)
            .args(if kind == "frequencies" {
                &["--by", "cohort"][..]
            } else {
                &[]
            })
            .assert()
            .success();
        assert_only_escaped(kind, &std::fs::read_to_string(file).unwrap());
    }
}

#[test]
fn charts_are_standalone_svg_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f.svg");
    thema()
        .args([
            "chart",
            "frequencies",
            "samples/",
            "--by",
            "cohort",
            "--quiet",
            "-o",
        ])
        .arg(&file)
        .assert()
        .success();
    let svg = std::fs::read_to_string(&file).unwrap();
    assert!(svg.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""
    ));
    assert!(svg.contains(
        "data-code=\"acceptance.welcomed\" data-group=\"2025-wave2\" data-n=\"8\" data-total=\"8\""
    ));
    thema()
        .args(["chart", "frequencies", "samples/", "--quiet", "-o"])
        .arg(&file)
        .assert()
        .failure()
        .stderr(predicates::str::contains("pass --force"));
    thema()
        .args(["chart", "cooccurrence", "samples/", "--quiet", "-o"])
        .arg(dir.path().join("c.jpg"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "give a file ending in one of them",
        ));
}

/// Width and height of a PNG, from its IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
    let word = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

#[test]
fn charts_are_also_png_at_twice_the_svg_size_and_the_same_bytes_each_time() {
    let dir = tempfile::tempdir().unwrap();
    for kind in ["frequencies", "cooccurrence"] {
        let (svg, png) = (
            dir.path().join(format!("{kind}.svg")),
            dir.path().join(format!("{kind}.png")),
        );
        for file in [&svg, &png, &dir.path().join(format!("{kind}-again.png"))] {
            thema()
                .args(["chart", kind, "samples/", "--quiet", "-o"])
                .arg(file)
                .assert()
                .success();
        }
        let text = std::fs::read_to_string(&svg).unwrap();
        let attribute = |name: &str| -> u32 {
            let start = text.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            text[start..].split('"').next().unwrap().parse().unwrap()
        };
        let bytes = std::fs::read(&png).unwrap();
        assert_eq!(
            png_size(&bytes),
            (2 * attribute("width"), 2 * attribute("height"))
        );
        assert!(
            bytes.len() > 5_000,
            "{kind}: more than a blank image ({} bytes)",
            bytes.len()
        );
        assert_eq!(
            bytes,
            std::fs::read(dir.path().join(format!("{kind}-again.png"))).unwrap()
        );
    }
}

/// The cells of a worksheet as text the way the CSV writes them (numbers with the CSV's
/// decimals).
fn sheet_as_csv_text(path: &Path, sheet: &str, csv: &[Vec<String>]) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range
        .rows()
        .skip(1)
        .zip(csv)
        .map(|(row, expected)| {
            row.iter()
                .zip(expected)
                .map(|(cell, want)| match cell {
                    Data::Float(f) => {
                        let decimals = want.split_once('.').map_or(0, |(_, d)| d.len());
                        format!("{f:.decimals$}")
                    }
                    Data::Int(i) => i.to_string(),
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => panic!("unexpected cell {other:?}"),
                })
                .collect()
        })
        .collect()
}

#[test]
fn report_as_xlsx_reads_back_with_the_numbers_of_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.xlsx");
    thema()
        .args([
            "report", "samples/", "--by", "cohort", "--quiet", "--format", "xlsx", "-o",
        ])
        .arg(&file)
        .assert()
        .success();
    let (headers, rows) = csv_rows(&stdout_of(&[
        "report", "samples/", "--by", "cohort", "--format", "csv", "--quiet",
    ]));
    let mut book: Xlsx<_> = open_workbook(&file).unwrap();
    assert_eq!(book.sheet_names(), ["frequencies"]);
    let range = book.worksheet_range("frequencies").unwrap();
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header, headers);
    assert_eq!(range.height(), rows.len() + 1);
    // Numbers are stored as numbers (the count of the first code, as the CSV has it).
    let first_count: f64 = rows[0][2].parse().unwrap();
    assert_eq!(range.get((1, 2)), Some(&Data::Float(first_count)));
    assert_eq!(sheet_as_csv_text(&file, "frequencies", &rows), rows);
    // Excel needs a file.
    thema()
        .args(["report", "samples/", "--quiet", "--format", "xlsx"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("Excel is a binary format"));
}

#[test]
fn text_that_looks_like_a_formula_is_stored_as_text() {
    let dir = tempfile::tempdir().unwrap();
    nasty_project(dir.path());
    let file = dir.path().join("segments.xlsx");
    thema()
        .current_dir(dir.path())
        .args(["ingest", "turns.csv", "--quiet", "--format", "xlsx", "-o"])
        .arg(&file)
        .assert()
        .success();
    let mut book: Xlsx<_> = open_workbook(&file).unwrap();
    assert_eq!(book.sheet_names(), ["documents", "segments"]);
    let range = book.worksheet_range("segments").unwrap();
    let text_column = 10;
    let cells: Vec<&Data> = range.rows().map(|r| &r[text_column]).collect();
    assert!(cells.contains(&&Data::String("=1+1 they called again".into())));
    let formulas = book.worksheet_formula("segments").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell is a formula"
    );
}

#[test]
fn the_html_reports_workbook_has_a_sheet_per_section() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.xlsx");
    thema()
        .args(["report", "samples/", "--by", "cohort", "--quiet", "--xlsx"])
        .arg(&file)
        .assert()
        .success();
    let mut book: Xlsx<_> = open_workbook(&file).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "frequencies",
            "comparison",
            "co-occurrence",
            "quotes",
            "codebook"
        ]
    );
    let quotes = book.worksheet_range("quotes").unwrap();
    assert!(quotes.height() > 27, "quotes for the codes");
    let codebook = book.worksheet_range("codebook").unwrap();
    assert_eq!(codebook.height(), 28);
}

#[test]
fn table_commands_write_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &[&str]); 5] = [
        (&["compare", "samples/", "--by", "cohort"], &["comparison"]),
        (&["cooccur", "samples/"], &["co-occurrence"]),
        (&["matrix", "samples/"], &["matrix"]),
        (
            &["quotes", "samples/", "--code", "acceptance.privacy"],
            &["quotes"],
        ),
        (
            &[
                "agree",
                "samples/",
                "--codings",
                "samples/codings/coder-anna.csv",
                "--codings",
                "samples/codings/coder-bram.csv",
            ],
            &["agreement", "disagreements"],
        ),
    ];
    for (i, (args, sheets)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("{i}.xlsx"));
        thema()
            .args(*args)
            .args(["--quiet", "--format", "xlsx", "-o"])
            .arg(&file)
            .assert()
            .success();
        let mut book: Xlsx<_> = open_workbook(&file).unwrap();
        assert_eq!(book.sheet_names(), *sheets, "{args:?}");
        assert!(
            book.worksheet_range(sheets[0]).unwrap().height() > 1,
            "{args:?}"
        );
    }
}

#[test]
fn at_100_columns_report_and_compare_fit_and_keep_every_code() {
    for command in ["report", "compare"] {
        let output = thema()
            .env("COLUMNS", "100")
            .args([command, "samples/", "--by", "cohort", "--quiet"])
            .output()
            .unwrap();
        assert!(output.status.success());
        let text = String::from_utf8(output.stdout).unwrap();
        for line in text.lines() {
            assert!(
                line.chars().count() <= 100,
                "{command}: {} chars: {line}",
                line.chars().count()
            );
        }
        assert!(text.contains("acceptance.non_take_up"));
        assert!(text.contains("2025-wave2"));
    }
    // Without COLUMNS and not on a terminal: the full table.
    let full = stdout_of(&["report", "samples/", "--by", "cohort", "--quiet"]);
    assert!(full.lines().any(|l| l.chars().count() > 200));
}

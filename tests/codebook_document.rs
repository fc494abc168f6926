//! `thema codebook diff`, `show --format md|html` and the embedded codebooks, run on real
//! files.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{codings_of, csv_rows, root, stdout_of, thema};

/// The default codebook with the rule `nl-own-accord` removed and `actor.utility` renamed.
fn edited_codebook(dir: &Path) -> std::path::PathBuf {
    let source = std::fs::read_to_string(root().join("codebooks/proactive-services.toml")).unwrap();
    let start = source
        .find("[[codes.rules]]\nname = \"nl-own-accord\"")
        .unwrap();
    let end = start + 20 + source[start + 20..].find("[[codes.rules]]").unwrap();
    let mut edited = format!("{}{}", &source[..start], &source[end..]);
    assert_eq!(edited.matches("id = \"actor.utility\"").count(), 1);
    edited = edited.replace("id = \"actor.utility\"", "id = \"actor.energy_water\"");
    let path = dir.join("edited.toml");
    std::fs::write(&path, edited).unwrap();
    path
}

/// (document, segment) pairs coded `code` by `thema code samples/` with `codebook`.
fn coded(codebook: &Path, code: &str) -> BTreeSet<(String, String)> {
    let (headers, rows) = codings_of("samples/", codebook);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    rows.iter()
        .filter(|r| r[col("code")] == code)
        .map(|r| (r[col("document")].clone(), r[col("segment")].clone()))
        .collect()
}

/// `thema codebook diff OLD NEW samples/ --format FORMAT`.
fn diff_on_samples(old: &str, new: &Path, format: &str) -> std::process::Output {
    thema()
        .args(["codebook", "diff", old])
        .arg(new)
        .args(["samples/", "-q", "--format", format])
        .output()
        .unwrap()
}

#[test]
fn diff_lists_exactly_the_segments_that_lose_a_code_and_a_rename_as_a_rename() {
    let dir = tempfile::tempdir().unwrap();
    let edited = edited_codebook(dir.path());
    let output = diff_on_samples("codebooks/proactive-services.toml", &edited, "json");
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["renamed"]["actor.utility"], "actor.energy_water");
    let changes = json["changes"].as_array().unwrap();
    let kinds: Vec<(String, String, String)> = changes
        .iter()
        .map(|c| {
            (
                c["change"].as_str().unwrap().to_owned(),
                c["code"].as_str().unwrap().to_owned(),
                c["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (
                "rule removed".to_owned(),
                "proactivity.initiative".to_owned(),
                "nl-own-accord".to_owned()
            ),
            (
                "code renamed".to_owned(),
                "actor.energy_water".to_owned(),
                String::new()
            ),
        ]
    );
    // The segments that lose initiative are exactly those coded before and not after,
    // computed independently from two runs of `thema code`.
    let old = coded(
        &root().join("codebooks/proactive-services.toml"),
        "proactivity.initiative",
    );
    let new = coded(&edited, "proactivity.initiative");
    let expected: BTreeSet<(String, String)> = old.difference(&new).cloned().collect();
    assert!(!expected.is_empty());
    let segments = json["segments"].as_array().unwrap();
    let lost: BTreeSet<(String, String)> = segments
        .iter()
        .filter(|s| s["code"] == "proactivity.initiative")
        .map(|s| {
            assert_eq!(s["change"], "lost");
            assert_eq!(s["rules"][0], "nl-own-accord");
            (
                s["document"].as_str().unwrap().to_owned(),
                s["segment"].to_string(),
            )
        })
        .collect();
    assert_eq!(lost, expected);
    assert!(segments.iter().all(|s| s["change"] == "lost"));
    // The renamed code codes the same segments: no coding change for it.
    assert!(segments.iter().all(|s| s["code"] != "actor.energy_water"));
    let initiative = json["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "proactivity.initiative")
        .unwrap();
    assert_eq!(
        initiative["segments_lost"].as_u64(),
        Some(expected.len() as u64)
    );
}

#[test]
fn diff_exit_codes_follow_the_coding() {
    let dir = tempfile::tempdir().unwrap();
    let edited = edited_codebook(dir.path());
    // Same codebook: nothing changes.
    let same = thema()
        .args([
            "codebook",
            "diff",
            "proactive-services",
            "codebooks/proactive-services.toml",
            "samples/",
            "-q",
        ])
        .output()
        .unwrap();
    assert_eq!(same.status.code(), Some(0));
    let text = String::from_utf8(same.stdout).unwrap();
    assert!(text.contains("No changes."), "{text}");
    assert!(text.contains("does not change"), "{text}");
    // Only a rename: the codebook changes, the coding does not.
    let source = std::fs::read_to_string(root().join("codebooks/proactive-services.toml")).unwrap();
    let renamed = dir.path().join("renamed.toml");
    std::fs::write(
        &renamed,
        source.replace("id = \"actor.utility\"", "id = \"actor.energy\""),
    )
    .unwrap();
    thema()
        .args(["codebook", "diff", "proactive-services"])
        .arg(&renamed)
        .args(["samples/", "-q"])
        .assert()
        .code(0);
    // Without inputs, any change exits 1.
    thema()
        .args(["codebook", "diff", "proactive-services"])
        .arg(&renamed)
        .assert()
        .code(1);
    // The edited codebook changes the coding; an error exits 2.
    let csv = diff_on_samples("proactive-services", &edited, "csv");
    assert_eq!(csv.status.code(), Some(1));
    let (headers, rows) = csv_rows(&String::from_utf8(csv.stdout).unwrap());
    assert_eq!(headers[..4], ["change", "code", "rule", "field"]);
    assert!(
        rows.iter()
            .any(|r| r[0] == "segment loses code" && r[2] == "nl-own-accord")
    );
    thema()
        .args(["codebook", "diff", "proactive-services", "no-such.toml"])
        .assert()
        .code(2);
}

#[test]
fn show_md_is_a_document_of_the_whole_codebook() {
    let md = stdout_of(&["codebook", "show", "--format", "md"]);
    for part in [
        "# Proactive public services 2.2.0\n",
        "## Code tree\n",
        "  - `proactivity.initiative` Taking initiative\n",
        "## How the rules read a segment\n",
        "a negated match does not count",
        "### `proactivity.initiative` Taking initiative\n",
        "**Labels.** Taking initiative (en); Initiatief nemen (nl)\n",
        "**Definition.** An organisation acted without being asked",
        "**Include.** The organisation reached out first",
        "**Exclude.** The respondent made the first move",
        "**Examples.**\n\n- Op een gegeven moment belde de gemeente me gewoon op, uit zichzelf.\n",
        "**Counterexamples.**\n",
        "- `nl-contacts-me`: any of ",
        "a negated match codes `proactivity.missed` instead",
        "only when anyone but the respondent acts in the clause",
        "## Language lists\n",
        "- `third_party`: ",
    ] {
        assert!(md.contains(part), "missing {part:?}");
    }
}

#[test]
fn show_html_is_self_contained_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let source = "[codebook]\nname = \"Tags <b>\"\n[[codes]]\nid = \"a\"\nlabel = \"<script>alert('x')</script>\"\ninclude = \"a & b\"\nexamples = ['\"quoted\" <i>']\n[[codes.rules]]\nregex = '<br>'\n";
    let codebook = dir.path().join("tags.toml");
    std::fs::write(&codebook, source).unwrap();
    let out = dir.path().join("tags.html");
    thema()
        .args(["codebook", "show"])
        .arg(&codebook)
        .args(["--format", "html", "-o"])
        .arg(&out)
        .assert()
        .success();
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    for escaped in [
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
        "a &amp; b",
        "&quot;quoted&quot; &lt;i&gt;",
        "<code>&lt;br&gt;</code>",
        "<title>Tags &lt;b&gt;</title>",
    ] {
        assert!(page.contains(escaped), "missing {escaped}");
    }
    for raw in ["<script", "<i>", "<br>", "<b>", "src=", "href=\"http"] {
        assert!(!page.contains(raw), "{raw} in the page");
    }
    // An existing file is not replaced without --force.
    thema()
        .args(["codebook", "show"])
        .arg(&codebook)
        .args(["--format", "html", "-o"])
        .arg(&out)
        .assert()
        .code(1);
}

#[test]
fn embedded_codebooks_are_listed_and_used_by_name() {
    let list = stdout_of(&["codebook", "list"]);
    assert!(list.contains("proactive-services"), "{list}");
    assert!(list.contains("personal-service"), "{list}");
    let check = stdout_of(&["codebook", "check", "personal-service"]);
    assert!(
        check.starts_with("codebooks/personal-service.toml (embedded): ok: 9 codes"),
        "{check}"
    );
    thema()
        .args(["codebook", "test", "personal-service"])
        .assert()
        .success();
    let report = stdout_of(&[
        "report",
        "samples/",
        "-q",
        "--codebook",
        "personal-service",
        "--format",
        "csv",
    ]);
    let (_, rows) = csv_rows(&report);
    for code in [
        "personal.complexity",
        "personal.language",
        "personal.place",
        "personal.time",
        "personal.relevance",
        "personal.confidence",
        "personal.empathy",
        "personal.autonomy",
    ] {
        assert!(rows.iter().any(|r| r[0] == code), "{code} in the report");
    }
}

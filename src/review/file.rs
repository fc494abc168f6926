//! The review file: a codings CSV (`document,segment,…,code,coder`) that `thema agree`,
//! `evaluate` and the analyses read as the reviewer's coding, with a `decision` column that
//! keeps rejected codings too. It is rewritten atomically after every decision and read back
//! to resume.

use std::path::Path;

use crate::output::{Table, TableFormat, Value};
use crate::{Error, Result};

/// The columns, in order.
pub const HEADERS: [&str; 14] = [
    "document",
    "segment",
    "turn",
    "paragraph",
    "speaker",
    "code",
    "coder",
    "decision",
    "source",
    "rule",
    "matched",
    "start",
    "end",
    "memo",
];

/// What the reviewer made of a coding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Decision {
    /// The coding is right: it is the reviewer's coding too.
    Accepted,
    /// The coding is wrong: kept so the coder's precision can be scored.
    Rejected,
    /// A code the reviewer added (or changed a rejected code into).
    Added,
    /// Not decided yet but with a memo.
    Pending,
}

impl Decision {
    /// The value in the `decision` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Accepted => "accepted",
            Decision::Rejected => "rejected",
            Decision::Added => "added",
            Decision::Pending => "pending",
        }
    }

    fn parse(text: &str) -> Option<Decision> {
        [
            Decision::Accepted,
            Decision::Rejected,
            Decision::Added,
            Decision::Pending,
        ]
        .into_iter()
        .find(|d| d.as_str() == text)
    }
}

/// One row of the review file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The document id.
    pub document: String,
    /// 1-based segment index.
    pub segment: usize,
    /// The segment's turn.
    pub turn: usize,
    /// The segment's paragraph within its turn.
    pub paragraph: usize,
    /// The speaker label.
    pub speaker: String,
    /// The code id.
    pub code: String,
    /// The reviewer.
    pub coder: String,
    /// The decision.
    pub decision: Decision,
    /// Who made the reviewed coding (`auto` for the engine); empty for an added code.
    pub source: String,
    /// The rule or rules that matched.
    pub rule: String,
    /// The matched words.
    pub matched: String,
    /// Code-point span of the matched words in the document.
    pub span: Option<(usize, usize)>,
    /// The reviewer's memo.
    pub memo: String,
}

/// The rows as CSV.
pub fn render(rows: &[Row]) -> String {
    let mut table = Table::new(HEADERS);
    let number = |n: Option<usize>| n.map_or_else(|| Value::from(""), Value::from);
    for r in rows {
        table.rows.push(vec![
            r.document.clone().into(),
            r.segment.into(),
            r.turn.into(),
            r.paragraph.into(),
            r.speaker.clone().into(),
            r.code.clone().into(),
            r.coder.clone().into(),
            r.decision.as_str().into(),
            r.source.clone().into(),
            r.rule.clone().into(),
            r.matched.clone().into(),
            number(r.span.map(|s| s.0)),
            number(r.span.map(|s| s.1)),
            r.memo.clone().into(),
        ]);
    }
    table.render(TableFormat::Csv)
}

/// Saves a review file whenever its rows change.
#[derive(Debug)]
pub struct Saver {
    path: std::path::PathBuf,
    saved: Option<String>,
}

impl Saver {
    /// A saver for `path`; `current` is what the file holds now (`None`: nothing yet).
    pub fn new(path: &Path, current: Option<&[Row]>) -> Saver {
        Saver {
            path: path.to_owned(),
            saved: current.map(render),
        }
    }

    /// Writes the rows atomically (a crash leaves the old file or the new one) unless the
    /// file holds them already; says whether it wrote.
    pub fn save(&mut self, rows: &[Row]) -> Result<bool> {
        let text = render(rows);
        if self.saved.as_ref() == Some(&text) {
            return Ok(false);
        }
        crate::output::write_atomic(&self.path, text.as_bytes())?;
        self.saved = Some(text);
        Ok(true)
    }
}

/// Reads a review file, each row with its line number; a file without a `decision` column
/// is not one.
pub fn read(path: &Path) -> Result<Vec<(usize, Row)>> {
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, e.to_string()))?;
    let text = crate::ingest::decode::decode(&bytes)
        .map_err(|m| Error::input(path, m))?
        .text;
    let (headers, records) = crate::ingest::table::read_csv(path, &text, b',')?;
    let column = |name: &str| headers.iter().position(|h| h == name);
    let required = ["document", "segment", "code", "coder", "decision"];
    if let Some(missing) = required.iter().find(|c| column(c).is_none()) {
        return Err(Error::input_line(
            path,
            1,
            format!(
                "not a review file from `thema review`: no `{missing}` column (columns: {})",
                headers.join(", ")
            ),
        ));
    }
    let mut out = Vec::new();
    for (line, record) in records {
        let fail = |message: String| Error::input_line(path, line, message);
        let text = |name: &str| {
            column(name)
                .and_then(|c| record.get(c))
                .map_or("", |v| v.trim())
                .to_owned()
        };
        let number = |name: &str| -> Result<Option<usize>> {
            let value = text(name);
            if value.is_empty() {
                return Ok(None);
            }
            value
                .parse()
                .map(Some)
                .map_err(|_| fail(format!("`{name}` must be a whole number, got {value:?}")))
        };
        let decision = text("decision");
        let decision = Decision::parse(&decision).ok_or_else(|| {
            fail(format!(
                "`decision` is accepted, rejected, added or pending, not {decision:?}"
            ))
        })?;
        let segment = number("segment")?.ok_or_else(|| fail("empty `segment`".into()))?;
        let span = match (number("start")?, number("end")?) {
            (Some(s), Some(e)) => Some((s, e)),
            (None, None) => None,
            _ => return Err(fail("give both `start` and `end`".into())),
        };
        let row = Row {
            document: text("document"),
            segment,
            turn: number("turn")?.unwrap_or(0),
            paragraph: number("paragraph")?.unwrap_or(0),
            speaker: text("speaker"),
            code: text("code"),
            coder: text("coder"),
            decision,
            source: text("source"),
            rule: text("rule"),
            matched: text("matched"),
            span,
            memo: column("memo")
                .and_then(|c| record.get(c))
                .cloned()
                .unwrap_or_default(),
        };
        for (name, value) in [
            ("document", &row.document),
            ("code", &row.code),
            ("coder", &row.coder),
        ] {
            if value.is_empty() {
                return Err(fail(format!("empty `{name}`")));
            }
        }
        out.push((line, row));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_survive_a_round_trip() {
        let row = Row {
            document: "EN01".into(),
            segment: 4,
            turn: 4,
            paragraph: 1,
            speaker: "interviewee".into(),
            code: "actor.housing".into(),
            coder: "anna".into(),
            decision: Decision::Rejected,
            source: "auto".into(),
            rule: "r#1; r#2".into(),
            matched: "rent | landlord".into(),
            span: Some((10, 30)),
            memo: "a memo, with \"quotes\"\nand a second line".into(),
        };
        let added = Row {
            decision: Decision::Added,
            source: String::new(),
            rule: String::new(),
            matched: String::new(),
            span: None,
            memo: String::new(),
            ..row.clone()
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reviewed.csv");
        let mut saver = Saver::new(&path, None);
        assert!(saver.save(&[row.clone(), added.clone()]).unwrap());
        assert!(!saver.save(&[row.clone(), added.clone()]).unwrap());
        let back: Vec<Row> = read(&path).unwrap().into_iter().map(|(_, r)| r).collect();
        assert_eq!(back, [row, added]);
    }

    #[test]
    fn a_codings_file_is_not_a_review_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("codings.csv");
        std::fs::write(&path, "document,segment,code\nEN01,4,actor\n").unwrap();
        let message = read(&path).unwrap_err().to_string();
        assert!(message.contains("not a review file"), "{message}");
        std::fs::write(
            &path,
            "document,segment,code,coder,decision\nEN01,4,actor,anna,maybe\n",
        )
        .unwrap();
        let message = read(&path).unwrap_err().to_string();
        assert!(message.contains("codings.csv:2:"), "{message}");
        assert!(message.contains("maybe"), "{message}");
    }
}

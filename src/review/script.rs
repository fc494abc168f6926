//! The review without a screen (`--no-tui`): a plain numbered list of the codings, and a
//! decisions file that says what to do with them, one line per decision:
//!
//! ```text
//! # comments and blank lines are skipped
//! 1 accept
//! 2 reject
//! 3 change acceptance.privacy
//! 3 add actor.municipality
//! 4 memo asks about the letter, not the call
//! ```

use std::fmt::Write as _;
use std::path::Path;

use super::file::Decision;
use super::state::{Entry, Review, View};
use crate::{Error, Result};

/// One line of a decisions file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Accept the coding.
    Accept,
    /// Reject the coding.
    Reject,
    /// Add a code to the coding's segment.
    Add(String),
    /// Reject the coding and add this code instead.
    Change(String),
    /// Set the coding's memo.
    Memo(String),
}

/// How a decision reads in a view: `undecided`, `accepted`, ...
pub fn decision_name(decision: Option<Decision>) -> &'static str {
    decision.map_or("undecided", Decision::as_str)
}

/// The plain numbered list: every coding with its question, text (matched words in
/// `**bold**`), rule, decision and memo.
pub fn list(review: &Review<'_>) -> String {
    let mut out = String::new();
    for &entry in review.entries() {
        if let Entry::Item(_) = entry {
            write_view(&mut out, &review.view(entry));
        }
    }
    let _ = writeln!(
        out,
        "{} codings, {} decided",
        review.items().len(),
        review.decided()
    );
    out
}

fn write_view(out: &mut String, view: &View<'_>) {
    let s = view.segment;
    let time = super::time_suffix(s);
    let label = if view.label.is_empty() {
        String::new()
    } else {
        format!(" ({})", view.label)
    };
    let _ = writeln!(
        out,
        "{}. {} · segment {} · turn {} · {}{time} · {}{label} · by {} · {}",
        view.number.unwrap_or(0),
        view.document.id,
        s.index,
        s.turn,
        s.speaker,
        view.code,
        view.source,
        decision_name(view.decision)
    );
    let indent = |text: &str| text.replace('\n', "\n   ");
    for q in &view.question {
        let _ = writeln!(out, "   {}: {}", q.speaker, indent(&q.text));
    }
    let marked = crate::analysis::quotes::mark(&s.text, &view.highlights, "**", "**");
    let _ = writeln!(out, "   {}: {}", s.speaker, indent(&marked));
    if !view.rules.is_empty() || !view.matched.is_empty() {
        let _ = writeln!(out, "   rule: {} · matched: {}", view.rules, view.matched);
    }
    if !view.others.is_empty() {
        let others: Vec<String> = view
            .others
            .iter()
            .map(|(code, d)| format!("{code} ({})", decision_name(*d)))
            .collect();
        let _ = writeln!(out, "   also here: {}", others.join(", "));
    }
    if !view.memo.is_empty() {
        let _ = writeln!(out, "   memo: {}", indent(view.memo));
    }
    out.push('\n');
}

/// Reads a decisions file: `NUMBER accept|reject|add CODE|change CODE|memo TEXT` per line.
pub fn read_decisions(path: &Path) -> Result<Vec<(usize, usize, Command)>> {
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, e.to_string()))?;
    let text = crate::ingest::decode::decode(&bytes)
        .map_err(|m| Error::input(path, m))?
        .text;
    let mut out = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = raw.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let fail = |message: String| Error::input_line(path, line, message);
        let (number, rest) = content
            .split_once(char::is_whitespace)
            .unwrap_or((content, ""));
        let number: usize = number.parse().map_err(|_| {
            fail(format!(
                "a decision starts with the coding's number from the list, not {number:?}"
            ))
        })?;
        let rest = rest.trim();
        let (verb, argument) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let argument = argument.trim();
        let needs = |what: &str| -> Result<String> {
            if argument.is_empty() {
                Err(fail(format!("`{verb}` needs {what}")))
            } else {
                Ok(argument.to_owned())
            }
        };
        let command = match verb.to_lowercase().as_str() {
            "accept" if argument.is_empty() => Command::Accept,
            "reject" if argument.is_empty() => Command::Reject,
            "accept" | "reject" => {
                return Err(fail(format!(
                    "`{verb}` takes nothing after it (a memo goes on its own line: `{number} memo TEXT`)"
                )));
            }
            "add" => Command::Add(needs("a code")?),
            "change" => Command::Change(needs("a code")?),
            "memo" => Command::Memo(needs("the memo text")?),
            _ => {
                return Err(fail(format!(
                    "unknown decision {verb:?}: use accept, reject, add CODE, change CODE or memo TEXT"
                )));
            }
        };
        out.push((line, number, command));
    }
    Ok(out)
}

/// Applies the decisions in order; an error names the decisions file and line.
pub fn apply(
    review: &mut Review<'_>,
    path: &Path,
    decisions: &[(usize, usize, Command)],
) -> Result<()> {
    for (line, number, command) in decisions {
        let done = review.go_to_item(*number).and_then(|_| match command {
            Command::Accept => review.accept(),
            Command::Reject => review.reject(),
            Command::Add(code) => review.add(code),
            Command::Change(code) => review.change(code),
            Command::Memo(text) => review.memo(text),
        });
        done.map_err(|message| Error::input_line(path, *line, message))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_parse_and_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("decisions.txt");
        std::fs::write(
            &path,
            "# review of EN01\n1 accept\n\n2 Reject\n3 change a.b\n3 add c\n4 memo not about money\n",
        )
        .unwrap();
        let decisions = read_decisions(&path).unwrap();
        assert_eq!(
            decisions,
            [
                (2, 1, Command::Accept),
                (4, 2, Command::Reject),
                (5, 3, Command::Change("a.b".into())),
                (6, 3, Command::Add("c".into())),
                (7, 4, Command::Memo("not about money".into())),
            ]
        );
        for (text, expected) in [
            ("1 accept\nx accept\n", "decisions.txt:2:"),
            ("1 maybe\n", "unknown decision"),
            ("1 add\n", "needs a code"),
            ("1 accept fine\n", "takes nothing"),
        ] {
            std::fs::write(&path, text).unwrap();
            let message = read_decisions(&path).unwrap_err().to_string();
            assert!(message.contains(expected), "{text:?}: {message}");
        }
    }
}

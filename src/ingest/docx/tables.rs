//! Tables: which tables are speaker tables (`speaker | text`, `time | speaker | text`),
//! whose rows become turns, and how the rows of other tables are written.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::builder::{Row, TIME, TIME_IN, speaker_name, unmark};
use super::one_line;

/// Column headings of transcript tables.
const HEADER_WORDS: [&str; 30] = [
    "spreker",
    "speaker",
    "naam",
    "name",
    "wie",
    "who",
    "persoon",
    "person",
    "rol",
    "role",
    "tekst",
    "text",
    "transcript",
    "transcriptie",
    "uitspraak",
    "inhoud",
    "content",
    "utterance",
    "citaat",
    "quote",
    "tijd",
    "time",
    "timestamp",
    "tijdstip",
    "tijdcode",
    "timecode",
    "start",
    "begin",
    "opmerking",
    "comment",
];

static TIME_ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^[\[(]?({TIME})[\])]?$")).expect("static regex"));

/// What a table row holds.
enum RowForm {
    /// A speaker turn: optional time, speaker, the paragraphs said.
    Turn(Option<String>, String, Vec<String>),
    /// Only text, with the speaker cell(s) empty: more of the previous turn.
    More(Vec<String>),
    Other,
}

fn cell_text(cell: &[String]) -> String {
    unmark(&cell.join("\n")).trim().to_owned()
}

/// The speaker and time in a speaker cell (`Maria`, `Maria:`, `Maria (00:01:23)`,
/// `00:01:23 Maria`, `Maria` and the time on two lines).
fn speaker_cell(cell: &str) -> Option<(String, Option<String>)> {
    if cell.chars().count() > 40 {
        return None;
    }
    let (rest, time) = match TIME_IN.captures(cell) {
        Some(c) => {
            let whole = c.get(0)?;
            (
                format!("{} {}", &cell[..whole.start()], &cell[whole.end()..]),
                Some(c[1].to_owned()),
            )
        }
        None => (cell.to_owned(), None),
    };
    let name = one_line(&rest);
    let name = name
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | '|'))
        .trim_end_matches(':')
        .trim_end();
    speaker_name(name).then(|| (name.to_owned(), time))
}

fn time_only(cell: &str) -> Option<String> {
    TIME_ONLY.captures(cell).map(|c| c[1].to_owned())
}

fn classify_row(cells: &[Vec<String>]) -> RowForm {
    match cells {
        [who, said] => {
            let who = cell_text(who);
            if who.is_empty() {
                RowForm::More(said.clone())
            } else if let Some((name, time)) = speaker_cell(&who) {
                RowForm::Turn(time, name, said.clone())
            } else {
                RowForm::Other
            }
        }
        [a, b, said] => {
            let (a, b) = (cell_text(a), cell_text(b));
            let turn = |time: &str, who: &str| match (time_only(time), speaker_cell(who)) {
                (Some(time), Some((name, None))) => {
                    Some(RowForm::Turn(Some(time), name, said.clone()))
                }
                _ => None,
            };
            if let Some(turn) = turn(&a, &b).or_else(|| turn(&b, &a)) {
                turn
            } else if a.is_empty() && b.is_empty() {
                RowForm::More(said.clone())
            } else {
                RowForm::Other
            }
        }
        _ => RowForm::Other,
    }
}

fn is_header_row(cells: &[Vec<String>]) -> bool {
    let texts: Vec<String> = cells
        .iter()
        .map(|c| cell_text(c).trim_end_matches(':').to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    texts.len() >= 2 && texts.iter().all(|t| HEADER_WORDS.contains(&t.as_str()))
}

/// Cells joined by tabs (one paragraph), or a lone cell's paragraphs as they are.
fn plain_row(cells: &[Vec<String>]) -> Vec<String> {
    if let [cell] = cells {
        return cell.clone();
    }
    let line = cells
        .iter()
        .map(|cell| cell.join(" ").replace(['\n', '\t'], " "))
        .collect::<Vec<_>>()
        .join("\t");
    let line = line.trim_end();
    if line.trim().is_empty() {
        Vec::new()
    } else {
        vec![line.to_owned()]
    }
}

/// Whether a cell holds speech rather than a value: a sentence or a longer stretch.
fn spoken(said: &[String]) -> bool {
    let text = unmark(&said.join(" "));
    let text = text.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '’' | ')' | '»')
    });
    text.ends_with(['.', '?', '!', '…']) || text.split_whitespace().count() >= 8
}

/// The paragraphs of a table. It is read as a speaker table when rows have a speaker
/// cell and a speaker recurs, the rows carry times, or most of those rows hold sentences;
/// so a key | value table (`Respondent | R12`, `Datum | 3 april`) is not.
pub(super) fn render_table(rows: Vec<Row>) -> Vec<String> {
    let rows: Vec<Vec<Vec<String>>> = rows
        .into_iter()
        .filter(|r| !r.deleted && r.cells.iter().any(|c| !c.is_empty()))
        .map(|r| r.cells)
        .collect();
    let mut out = Vec::new();
    let mut body = rows.as_slice();
    if let Some(first) = rows.first()
        && is_header_row(first)
    {
        out.extend(plain_row(first));
        body = &rows[1..];
    }
    let forms: Vec<RowForm> = body.iter().map(|r| classify_row(r)).collect();
    let mut speakers: HashMap<String, usize> = HashMap::new();
    let (mut turns, mut sentences, mut timed) = (0, 0, false);
    for form in &forms {
        if let RowForm::Turn(time, name, said) = form {
            *speakers.entry(name.to_lowercase()).or_default() += 1;
            timed |= time.is_some();
            turns += 1;
            sentences += usize::from(spoken(said));
        }
    }
    let speaker_table =
        timed || speakers.values().any(|&n| n >= 2) || (turns >= 2 && sentences * 2 > turns);
    for (cells, form) in body.iter().zip(forms) {
        match form {
            RowForm::Turn(time, name, said) if speaker_table => {
                let label = match time {
                    Some(time) => format!("[{time}] {name}:"),
                    None => format!("{name}:"),
                };
                let said: Vec<String> = said.iter().map(|p| unmark(p)).collect();
                let said = said.join("\n\n");
                out.push(if said.is_empty() {
                    label
                } else {
                    format!("{label} {said}")
                });
            }
            RowForm::More(said) if speaker_table => out.extend(said.iter().map(|p| unmark(p))),
            _ => out.extend(plain_row(cells)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{bold_p, docx_text, p, paras, table};

    // --- Tables --------------------------------------------------------------------------

    #[test]
    fn which_tables_are_speaker_tables() {
        // Key | value tables stay tab-separated even with role words as keys.
        let meta = table(&[
            &["Interviewer", "Sanne de Vries"],
            &["Respondent", "R07"],
            &["Datum", "3 april"],
        ]);
        assert_eq!(
            docx_text(&meta),
            paras(&[
                "Interviewer\tSanne de Vries",
                "Respondent\tR07",
                "Datum\t3 april"
            ])
        );
        // Two sentences said by two speakers make it a transcript.
        let exchange = table(&[&["I", "Hoe ging het?"], &["Respondent 3:", "Goed."]]);
        assert_eq!(
            docx_text(&exchange),
            paras(&["I: Hoe ging het?", "Respondent 3: Goed."])
        );
        // Speaker and time in one cell, or speaker | time | text; continuation rows.
        let timed = table(&[
            &["Maria\n00:12", "Ja."],
            &["Kees - 1:02:03", "Nee."],
            &["", "Nou ja."],
        ]);
        assert_eq!(
            docx_text(&timed),
            paras(&["[00:12] Maria: Ja.", "[1:02:03] Kees: Nee.", "Nou ja."])
        );
        let three = table(&[
            &["Spreker", "Tijd", "Tekst"],
            &["Kees", "(00:01)", "Hallo."],
            &["Kees", "00:02", "Dag."],
            &["", "", "Verder."],
            &["Opmerking", "x", "y"],
        ]);
        assert_eq!(
            docx_text(&three),
            paras(&[
                "Spreker\tTijd\tTekst",
                "[00:01] Kees: Hallo.",
                "[00:02] Kees: Dag.",
                "Verder.",
                "Opmerking\tx\ty",
            ])
        );
        // Bold names inside speech cells are text, not new speakers.
        let body = format!(
            "<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>",
            p("Maria"),
            bold_p("Echt", " niet."),
            p("Maria"),
            p("Toch wel.")
        );
        assert_eq!(
            docx_text(&body),
            paras(&["Maria: Echt niet.", "Maria: Toch wel."])
        );
        // Four columns, empty rows, deleted rows, a wide row spanning both columns.
        let body = r#"<w:tbl><w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr><w:tr><w:trPr><w:del w:id="1"/></w:trPr><w:tc><w:p><w:r><w:t>Weg</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>Deel 2</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>"#;
        assert_eq!(docx_text(body), paras(&["Deel 2", "a\t\tc"]));
    }
}

//! Assembling the text of a document from reading events: paragraphs (with a bold
//! speaker name at the start read as `Name: text`), table cells and rows, text boxes,
//! paragraphs run together by tracked changes, and the notes and changes left out.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use super::one_line;
use super::tables::render_table;

/// Stands in for `: ` after a bold speaker name that had no colon, until it is known
/// whether the paragraph is speech in a speaker table (then the name is just text).
const MARK_SPACE: char = '\u{E000}';
/// As [`MARK_SPACE`], where the name is followed by a line break.
const MARK_LINE: char = '\u{E001}';

/// A paragraph being read.
#[derive(Debug, Default)]
pub(super) struct Para {
    text: String,
    /// End of the bold text at the start of the paragraph.
    bold_end: usize,
    /// Plain (not bold) text has come after the start.
    lead_closed: bool,
    /// The paragraph's style is bold.
    base_bold: bool,
    /// The paragraph mark is deleted (tracked change): the paragraph runs on into the next.
    join_next: bool,
    /// The text so far ends in collapsible white space (OpenDocument).
    pub(super) space_before: bool,
}

impl Para {
    fn push(&mut self, s: &str, bold: bool) {
        let s: Cow<str> = if s.contains([MARK_SPACE, MARK_LINE]) {
            s.replace([MARK_SPACE, MARK_LINE], "").into()
        } else {
            s.into()
        };
        if s.is_empty() {
            return;
        }
        if !self.lead_closed {
            if bold {
                self.text.push_str(&s);
                self.bold_end = self.text.len();
                return;
            }
            if !s.trim().is_empty() {
                self.lead_closed = true;
            }
        }
        self.text.push_str(&s);
    }

    fn finish(self) -> String {
        let text = if self.lead_closed && self.bold_end > 0 {
            label_bold_lead(&self.text[..self.bold_end], &self.text[self.bold_end..])
                .unwrap_or(self.text)
        } else {
            self.text
        };
        tidy(&text)
    }
}

/// `Name: text` for a paragraph that starts with bold `lead` followed by plain `rest`, if
/// the lead looks like a speaker name; a missing colon is marked with [`MARK_SPACE`] or
/// [`MARK_LINE`].
fn label_bold_lead(lead: &str, rest: &str) -> Option<String> {
    let mut name = lead.trim().to_owned();
    let mut rest = rest;
    if let Some(m) = PAREN_TIME_START.find(rest) {
        name = format!("{name} {}", m.as_str().trim());
        rest = &rest[m.end()..];
    }
    if name.contains('\n') {
        return None;
    }
    let bare = name.strip_suffix(':').unwrap_or(&name).trim_end();
    let trimmed = rest.trim_start();
    let (had_colon, after) = match trimmed.strip_prefix(':') {
        Some(after) => (true, after.trim_start()),
        None => (name.ends_with(':'), trimmed),
    };
    if after.is_empty() {
        return None;
    }
    let without_time = TIME_IN.replace_all(bare, " ");
    if !speaker_name(&one_line(&without_time)) {
        return None;
    }
    // Otter.ai: `Name  0:13` heads the turn, its text follows on the next line or paragraph.
    if !had_colon && let Some(m) = TIME_LINE.find(after) {
        let time = m.as_str().trim();
        let text = after[m.end()..].trim_start();
        return Some(if text.is_empty() {
            format!("{bare}  {time}")
        } else {
            format!("{bare}  {time}\n{text}")
        });
    }
    let newline = lead[lead.trim_end().len()..].contains('\n')
        || rest[..rest.len() - after.len()].contains('\n');
    Some(match (had_colon, newline) {
        (true, true) => format!("{bare}:\n{after}"),
        (true, false) => format!("{bare}: {after}"),
        (false, true) => format!("{bare}{MARK_LINE}{after}"),
        (false, false) => format!("{bare}{MARK_SPACE}{after}"),
    })
}

/// Sentence punctuation and markup that do not occur in speaker names.
const NOT_IN_NAMES: &str = "?!;,:…\"“”„()[]{}=<>/\\*";

/// Whether `name` can be a speaker: ≤ 4 words, ≤ 40 characters, starts with a letter or
/// digit, no sentence punctuation.
pub(super) fn speaker_name(name: &str) -> bool {
    let name = name.trim();
    let Some(first) = name.chars().next() else {
        return false;
    };
    let words: Vec<&str> = name.split_whitespace().collect();
    let ends_sentence = name.ends_with('.')
        && words
            .last()
            .is_some_and(|w| w.trim_end_matches('.').chars().count() > 2);
    first.is_alphanumeric()
        && name.chars().count() <= 40
        && words.len() <= 4
        && name.chars().any(char::is_alphabetic)
        && !ends_sentence
        && !name
            .chars()
            .any(|c| NOT_IN_NAMES.contains(c) || c.is_control())
}

/// Paragraph text cleaned up: no-break spaces as spaces, soft hyphens and control
/// characters out, lines without trailing white space, no white space around.
fn tidy(text: &str) -> String {
    let mut clean = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{a0}' | '\u{202f}' | '\u{2007}' => clean.push(' '),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    clean.push('\n');
                }
            }
            '\u{2028}' | '\u{2029}' => clean.push('\n'),
            '\u{ad}' => {}
            '\t' | '\n' | MARK_SPACE | MARK_LINE => clean.push(c),
            c if c.is_control() => {}
            c => clean.push(c),
        }
    }
    let lines: Vec<&str> = clean.lines().map(str::trim_end).collect();
    lines.join("\n").trim().to_owned()
}

/// Removes the colon marks: the bold name is just text.
pub(super) fn unmark(text: &str) -> String {
    text.replace(MARK_SPACE, " ").replace(MARK_LINE, "\n")
}

#[derive(Debug, Default)]
pub(super) struct Row {
    pub(super) cells: Vec<Vec<String>>,
    pub(super) deleted: bool,
}

#[derive(Debug, Default)]
struct Table {
    rows: Vec<Row>,
    row: Option<Row>,
}

impl Table {
    fn close_row(&mut self) {
        if let Some(row) = self.row.take() {
            self.rows.push(row);
        }
    }
}

/// Builds the paragraphs of a document from reading events.
#[derive(Debug, Default)]
pub(super) struct Builder {
    body: Vec<String>,
    /// Paragraphs of the table cells being read, innermost last.
    cells: Vec<Vec<String>>,
    /// Paragraphs being read; more than one inside text boxes.
    pub(super) paras: Vec<Para>,
    tables: Vec<Table>,
    /// A paragraph whose mark was deleted, to run on into the next one.
    carry: Option<Para>,
    /// Tables opened deeper than [`MAX_TABLE_DEPTH`]: their cells are read as plain
    /// paragraphs of the enclosing cell.
    too_deep: usize,
}

/// Tables nested deeper than this are flattened (each level copies the text inside it).
const MAX_TABLE_DEPTH: usize = 16;

impl Builder {
    fn emit(&mut self, text: String) {
        if text.is_empty() {
            return;
        }
        match self.cells.last_mut() {
            Some(cell) => cell.push(text),
            None => self.body.push(text),
        }
    }

    fn flush_carry(&mut self) {
        if let Some(para) = self.carry.take() {
            self.emit(para.finish());
        }
    }

    pub(super) fn start_para(&mut self) {
        let para = self.carry.take().unwrap_or_default();
        self.paras.push(para);
    }

    pub(super) fn end_para(&mut self) {
        if let Some(mut para) = self.paras.pop() {
            if para.join_next {
                para.join_next = false;
                self.carry = Some(para);
            } else {
                self.emit(para.finish());
            }
        }
    }

    pub(super) fn text(&mut self, s: &str, bold: bool) {
        if let Some(para) = self.paras.last_mut() {
            para.push(s, bold);
            para.space_before = false;
        }
    }

    /// OpenDocument text: runs of white space count as one space.
    pub(super) fn text_collapsed(&mut self, s: &str, bold: bool) {
        let Some(para) = self.paras.last_mut() else {
            return;
        };
        let mut space = para.space_before || para.text.is_empty();
        let mut collapsed = String::with_capacity(s.len());
        for c in s.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                if !space {
                    collapsed.push(' ');
                    space = true;
                }
            } else {
                collapsed.push(c);
                space = false;
            }
        }
        para.push(&collapsed, bold);
        para.space_before = space;
    }

    pub(super) fn set_para_bold(&mut self, bold: bool) {
        if let Some(para) = self.paras.last_mut() {
            para.base_bold = bold;
        }
    }

    pub(super) fn para_bold(&self) -> bool {
        self.paras.last().is_some_and(|p| p.base_bold)
    }

    pub(super) fn join_next_para(&mut self) {
        if let Some(para) = self.paras.last_mut() {
            para.join_next = true;
        }
    }

    pub(super) fn start_table(&mut self) {
        self.flush_carry();
        if self.too_deep > 0 || self.tables.len() >= MAX_TABLE_DEPTH {
            self.too_deep += 1;
        } else {
            self.tables.push(Table::default());
        }
    }

    pub(super) fn end_table(&mut self) {
        self.flush_carry();
        if self.too_deep > 0 {
            self.too_deep -= 1;
        } else if let Some(mut table) = self.tables.pop() {
            table.close_row();
            for para in render_table(table.rows) {
                self.emit(para);
            }
        }
    }

    pub(super) fn start_row(&mut self) {
        if self.too_deep > 0 {
            return;
        }
        if let Some(table) = self.tables.last_mut() {
            table.close_row();
            table.row = Some(Row::default());
        }
    }

    pub(super) fn end_row(&mut self) {
        if self.too_deep > 0 {
            return;
        }
        if let Some(table) = self.tables.last_mut() {
            table.close_row();
        }
    }

    pub(super) fn delete_row(&mut self) {
        if self.too_deep > 0 {
            return;
        }
        if let Some(table) = self.tables.last_mut() {
            table.row.get_or_insert_with(Row::default).deleted = true;
        }
    }

    pub(super) fn start_cell(&mut self) {
        self.flush_carry();
        if self.too_deep == 0 {
            self.cells.push(Vec::new());
        }
    }

    pub(super) fn end_cell(&mut self) {
        self.flush_carry();
        if self.too_deep > 0 {
            return;
        }
        let Some(cell) = self.cells.pop() else {
            return;
        };
        match self.tables.last_mut() {
            Some(table) => table.row.get_or_insert_with(Row::default).cells.push(cell),
            None => {
                for para in cell {
                    self.emit(para);
                }
            }
        }
    }

    /// The text: paragraphs separated by blank lines, with a final newline.
    pub(super) fn finish(mut self) -> String {
        while !self.paras.is_empty() {
            self.end_para();
        }
        self.flush_carry();
        let mut text = self
            .body
            .join("\n\n")
            .replace(MARK_SPACE, ": ")
            .replace(MARK_LINE, ":\n");
        if !text.is_empty() {
            text.push('\n');
        }
        text
    }
}

pub(super) const TIME: &str = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?";
pub(super) static TIME_IN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"[\[(]?({TIME})[\])]?")).expect("static regex"));
/// A time alone on the rest of a line: `0:13`, `[00:01:23]`.
static TIME_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^[\[(]?{TIME}[\])]?[ \t]*(?:\n|$)")).expect("static regex")
});
static PAREN_TIME_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^[ \t]*[\[(]{TIME}[\])]")).expect("static regex"));

/// Footnotes, comments and tracked changes met in the body.
#[derive(Debug, Default)]
pub(super) struct Notes {
    pub(super) footnotes: usize,
    pub(super) endnotes: usize,
    pub(super) comments: BTreeSet<String>,
    pub(super) changes: usize,
    pub(super) embedded: usize,
}

impl Notes {
    pub(super) fn warn(&self, warnings: &mut Vec<String>) {
        let count = |n: usize, what: &str| match n {
            0 => None,
            1 => Some(format!("1 {what}")),
            n => Some(format!("{n} {what}s")),
        };
        let left_out: Vec<String> = [
            count(self.footnotes, "footnote"),
            count(self.endnotes, "endnote"),
            count(self.comments.len(), "comment"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !left_out.is_empty() {
            let list = match left_out.as_slice() {
                [one] => one.clone(),
                [init @ .., last] => format!("{} and {last}", init.join(", ")),
                [] => String::new(),
            };
            warnings.push(format!("left out {list}: not body text"));
        }
        if self.changes > 0 {
            warnings.push("the document has tracked changes: read as if all were accepted".into());
        }
        if self.embedded > 0 {
            warnings.push(format!(
                "left out {} embedded document{} (altChunk): open and save the file in Word to merge {}",
                self.embedded,
                if self.embedded == 1 { "" } else { "s" },
                if self.embedded == 1 { "it" } else { "them" }
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{bold_p, docx_text, p, paras};
    use crate::ingest::plaintext::parse_turns;
    use crate::ingest::turns::SpeakerRules;

    // --- Paragraph text ------------------------------------------------------------------

    #[test]
    fn otter_name_and_time_paragraph_heads_the_turn() {
        // Otter.ai's Word export: a bold name and a plain time, the text in the next
        // paragraph (or after a line break).
        let body = [
            bold_p("Pieter de Vries", "  0:02"),
            p("How did it start?"),
            bold_p("Sara Jansen", "  0:13"),
            p("With a letter."),
            r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Pieter de Vries</w:t></w:r><w:r><w:t xml:space="preserve">  1:05</w:t><w:br/><w:t>Who sent it?</w:t></w:r></w:p>"#.to_owned(),
            bold_p("Sara Jansen", "  1:09"),
            p("The council."),
        ]
        .concat();
        let text = docx_text(&body);
        assert_eq!(
            text,
            paras(&[
                "Pieter de Vries  0:02",
                "How did it start?",
                "Sara Jansen  0:13",
                "With a letter.",
                "Pieter de Vries  1:05\nWho sent it?",
                "Sara Jansen  1:09",
                "The council."
            ])
        );
        let segments = parse_turns(&text, 0, 1, &SpeakerRules::default()).segments;
        let read: Vec<(&str, Option<&str>, &str)> = segments
            .iter()
            .map(|s| (s.speaker.as_str(), s.timestamp.as_deref(), s.text.as_str()))
            .collect();
        assert_eq!(
            read,
            [
                ("Pieter de Vries", Some("0:02"), "How did it start?"),
                ("Sara Jansen", Some("0:13"), "With a letter."),
                ("Pieter de Vries", Some("1:05"), "Who sent it?"),
                ("Sara Jansen", Some("1:09"), "The council."),
            ]
        );
    }

    #[test]
    fn bold_speaker_names_read_name_colon_text() {
        let cases = [
            (bold_p("Maria", " Ja hoor."), "Maria: Ja hoor.\n"),
            (bold_p("Maria:", "Ja hoor."), "Maria: Ja hoor.\n"),
            (bold_p("Maria", " : Ja hoor."), "Maria: Ja hoor.\n"),
            (bold_p("Maria", "\tJa hoor."), "Maria: Ja hoor.\n"),
            (
                bold_p("Maria", " (00:01:23) Ja."),
                "Maria (00:01:23): Ja.\n",
            ),
            (
                bold_p("[00:01:23] Maria", " Ja."),
                "[00:01:23] Maria: Ja.\n",
            ),
            (bold_p("Dr. de Vries", " Goed."), "Dr. de Vries: Goed.\n"),
            // Not a name: a sentence, too many words, or nothing after it.
            (bold_p("Wat een gedoe!", " Echt."), "Wat een gedoe! Echt.\n"),
            (
                bold_p("Toen kwam de brief binnen", " ja."),
                "Toen kwam de brief binnen ja.\n",
            ),
            (bold_p("Tot slot.", " Dank."), "Tot slot. Dank.\n"),
            (bold_p("Alles vet", ""), "Alles vet\n"),
            (bold_p("", "Niets vet."), "Niets vet.\n"),
        ];
        for (body, expected) in cases {
            assert_eq!(docx_text(&body), expected, "{body}");
        }
        // A line break after the bold name keeps the text on the next line.
        let body = r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Sara Jansen</w:t><w:br/></w:r><w:r><w:t>Ik schrok.</w:t></w:r></w:p>"#;
        assert_eq!(docx_text(body), "Sara Jansen:\nIk schrok.\n");
        // w:b w:val="0" switches bold off; bold split over runs counts as one name.
        let body = r#"<w:p><w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t>Maria</w:t></w:r><w:r><w:t xml:space="preserve"> ja</w:t></w:r></w:p><w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Maria </w:t></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r><w:r><w:rPr><w:b w:val="true"/></w:rPr><w:t>Jansen</w:t></w:r><w:r><w:t xml:space="preserve"> ja</w:t></w:r></w:p>"#;
        assert_eq!(docx_text(body), paras(&["Maria ja", "Maria  Jansen: ja"]));
    }

    #[test]
    fn white_space_and_entities_in_text() {
        let body = "<w:p><w:r><w:t xml:space=\"preserve\">  a\u{a0}b\u{ad}c &#x9;d\r\ne  </w:t></w:r></w:p><w:p/><w:p><w:r><w:t> </w:t></w:r></w:p>";
        assert_eq!(docx_text(body), "a bc \td e\n");
        assert_eq!(docx_text(&p("&#0;x&#1;&#x1F600;")), "x😀\n");
    }

    #[test]
    fn deeply_nested_tables_keep_their_text() {
        let depth = 40;
        let mut body = p("kern");
        for level in 0..depth {
            body = format!(
                "<w:tbl><w:tr><w:tc>{}{body}</w:tc></w:tr></w:tbl>",
                p(&format!("niveau {level}"))
            );
        }
        let text = docx_text(&body);
        for level in 0..depth {
            assert!(text.contains(&format!("niveau {level}")), "{level}");
        }
        assert!(text.contains("kern"));
    }
}

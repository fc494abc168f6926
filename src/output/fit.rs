//! Terminal tables that fit the terminal: headers wrapped onto several lines, the `label`
//! column left out, and the remaining columns split into stacked parts that repeat the first
//! column, until every line fits.

use std::io::IsTerminal;

use comfy_table::{Cell, CellAlignment, ContentArrangement, presets};
use unicode_width::UnicodeWidthStr;

use super::{Table, Value};

/// The width to fit terminal tables to: the `COLUMNS` environment variable when it holds a
/// number, else the terminal's width when standard output is a terminal, else `None` (print
/// the full table).
pub fn terminal_width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
    {
        return Some(columns);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
}

/// The table drawn for a terminal `width` columns wide (`None`: at its natural width).
pub(super) fn render(table: &Table, width: Option<usize>) -> String {
    let all: Vec<usize> = (0..table.headers.len()).collect();
    let full = draw(table, &all, false);
    let Some(width) = width else {
        return full;
    };
    if widest(&full) <= width {
        return full;
    }
    let wrapped = draw(table, &all, true);
    if widest(&wrapped) <= width {
        return wrapped;
    }
    let mut columns = all;
    let mut changes = Vec::new();
    let empty = |c: usize| {
        table.rows.iter().all(|r| {
            r.get(c)
                .is_none_or(|v| matches!(v, Value::Text(t) if t.is_empty()))
        })
    };
    if !table.rows.is_empty() && columns.iter().any(|&c| c > 0 && empty(c)) {
        columns.retain(|&c| c == 0 || !empty(c));
        changes.push("no empty columns".to_owned());
    }
    let label = table.headers.iter().position(|h| h == "label");
    if let Some(label) = label.filter(|&i| i > 0 && columns.contains(&i)) {
        columns.retain(|&c| c != label);
        changes.push("no labels".to_owned());
    }
    let narrower = draw(table, &columns, true);
    if widest(&narrower) <= width {
        return with_note(narrower, &changes, width);
    }
    let Some((&key, rest)) = columns.split_first() else {
        return wrapped;
    };
    let mut parts: Vec<Vec<usize>> = Vec::new();
    let mut part = vec![key];
    for unit in groups(table, rest) {
        let mut candidate = part.clone();
        candidate.extend(&unit);
        if widest(&draw(table, &candidate, true)) <= width {
            part = candidate;
            continue;
        }
        if part.len() > 1 {
            parts.push(std::mem::replace(&mut part, vec![key]));
        }
        // A group too wide for one part is split column by column.
        for column in unit {
            let mut candidate = part.clone();
            candidate.push(column);
            if part.len() == 1 || widest(&draw(table, &candidate, true)) <= width {
                part = candidate;
            } else {
                parts.push(std::mem::replace(&mut part, vec![key, column]));
            }
        }
    }
    parts.push(part);
    changes.push(format!("{} parts", parts.len()));
    let drawn: Vec<String> = parts
        .iter()
        .map(|part| {
            let text = draw(table, part, true);
            if widest(&text) <= width {
                text
            } else {
                squeeze(table, part, width)
            }
        })
        .collect();
    with_note(drawn.join("\n"), &changes, width)
}

/// `columns` in runs that belong together: consecutive columns whose headers start with the
/// same word (`2024-wave1 segs`, `2024-wave1 docs`) form one group.
fn groups(table: &Table, columns: &[usize]) -> Vec<Vec<usize>> {
    let first_word = |c: usize| table.headers[c].split_whitespace().next().unwrap_or("");
    let mut out: Vec<Vec<usize>> = Vec::new();
    for &c in columns {
        let has_more_words = table.headers[c].split_whitespace().nth(1).is_some();
        match out.last_mut() {
            Some(group)
                if has_more_words
                    && group
                        .last()
                        .is_some_and(|&last| first_word(last) == first_word(c)) =>
            {
                group.push(c)
            }
            _ => out.push(vec![c]),
        }
    }
    out
}

/// The widest line of `text`, in terminal columns.
fn widest(text: &str) -> usize {
    text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// A closing line saying how the table was changed to fit, cut to the width.
fn with_note(mut text: String, changes: &[String], width: usize) -> String {
    let note = format!(
        "(fitted to {width} columns: {}; --format csv for all)",
        changes.join(", ")
    );
    text.push_str(&super::shorten(&note, width));
    text.push('\n');
    text
}

/// The columns `columns` of `table`; with `wrap`, each header wrapped onto lines no wider
/// than its column's widest value (or its own longest word).
fn draw(table: &Table, columns: &[usize], wrap: bool) -> String {
    let mut out = base(table, columns, wrap);
    out.set_content_arrangement(ContentArrangement::Disabled);
    format!("{out}\n")
}

/// Last resort for a part wider than the terminal (a long text column): comfy-table wraps
/// the cells themselves.
fn squeeze(table: &Table, columns: &[usize], width: usize) -> String {
    let mut out = base(table, columns, true);
    out.set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(width).unwrap_or(u16::MAX));
    format!("{out}\n")
}

fn base(table: &Table, columns: &[usize], wrap: bool) -> comfy_table::Table {
    let mut out = comfy_table::Table::new();
    out.load_style(presets::UTF8_FULL_CONDENSED);
    let headers = columns.iter().map(|&c| {
        let header = &table.headers[c];
        if wrap {
            let values = table
                .rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(|v| {
                    v.render()
                        .lines()
                        .map(UnicodeWidthStr::width)
                        .max()
                        .unwrap_or(0)
                })
                .max()
                .unwrap_or(0);
            wrap_words(header, values)
        } else {
            header.clone()
        }
    });
    out.set_header(headers.collect::<Vec<_>>());
    for row in &table.rows {
        out.add_row(columns.iter().map(|&c| {
            let value = row.get(c).cloned().unwrap_or(Value::Text(String::new()));
            let cell = Cell::new(value.render());
            if matches!(value, Value::Text(_)) {
                cell
            } else {
                cell.set_alignment(CellAlignment::Right)
            }
        }));
    }
    out
}

/// `text` broken at spaces into lines of at most `width` columns (a longer word stands on a
/// line of its own).
fn wrap_words(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.width() + 1 + word.width() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wide() -> Table {
        let mut headers = vec!["code".to_owned(), "label".to_owned()];
        for g in ["first-group", "second-group", "third-group"] {
            headers.extend(["segments", "documents", "% documents"].map(|h| format!("{g} {h}")));
        }
        let mut t = Table::new(headers);
        for code in ["proactivity.initiative", "acceptance.welcomed"] {
            let mut row: Vec<Value> = vec![code.into(), "A rather long label".into()];
            row.extend((0..9).map(|i| Value::Int(i * 10)));
            t.rows.push(row);
        }
        t
    }

    #[test]
    fn wraps_headers_at_spaces() {
        assert_eq!(wrap_words("2024-wave1 % docs", 6), "2024-wave1\n% docs");
        assert_eq!(wrap_words("a b c", 10), "a b c");
    }

    #[test]
    fn fits_every_width_and_keeps_every_value() {
        let table = wide();
        assert_eq!(
            render(&table, None),
            draw(&table, &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], false)
        );
        for width in [60, 80, 100, 120] {
            let text = render(&table, Some(width));
            assert!(widest(&text) <= width, "{width}:\n{text}");
            assert!(text.contains("proactivity.initiative"));
            for n in 0..9 {
                assert!(
                    text.contains(&format!(" {} ", n * 10)),
                    "{width}: {n}\n{text}"
                );
            }
        }
        let narrow = render(&table, Some(80));
        assert!(!narrow.contains("A rather long label"));
        assert!(narrow.contains("no labels"));
    }
}

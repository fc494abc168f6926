//! Writing results: one table type rendered as a terminal table (fitted to the terminal),
//! CSV, JSON, Markdown, Parquet or Excel, and atomic, no-clobber file writes.

pub mod combine;
mod fit;
pub mod parquet;
pub mod write;
pub mod xlsx;

use std::fmt::Write as _;

use serde_json::{Map, Value as Json};

pub use fit::terminal_width;
pub use write::{OutputFile, write_atomic};

/// How a table is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    /// A table for the terminal.
    Table,
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of objects.
    Json,
    /// A Markdown (GitHub) table.
    Md,
    /// Apache Parquet with typed columns (needs an output file).
    Parquet,
    /// An Excel workbook, one sheet per table (needs an output file).
    Xlsx,
}

impl TableFormat {
    /// Whether the format is binary and so needs an output file.
    pub fn is_binary(self) -> bool {
        matches!(self, TableFormat::Parquet | TableFormat::Xlsx)
    }
}

/// `text` on one line, cut to at most `max` characters with `…` where it was cut.
pub fn shorten(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// What a spreadsheet reads as the start of a formula when a CSV cell begins with it.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text` for a CSV opened in a spreadsheet: an apostrophe before a leading `=`, `+`, `-`,
/// `@`, tab or carriage return, so Excel and LibreOffice show it as text instead of running it
/// as a formula.
pub fn excel_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// A cell [`excel_safe`] wrote, without its apostrophe.
pub fn excel_unescape(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => text,
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text.
    Text(String),
    /// A count.
    Int(i64),
    /// A number printed with the given decimals.
    Float(f64, usize),
}

impl Value {
    /// The cell as text.
    pub fn render(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Float(f, decimals) => format!("{f:.decimals$}"),
        }
    }

    fn to_json(&self) -> Json {
        match self {
            Value::Text(s) => Json::String(s.clone()),
            Value::Int(i) => Json::from(*i),
            Value::Float(f, decimals) => {
                let rounded: f64 = format!("{f:.decimals$}").parse().unwrap_or(*f);
                serde_json::Number::from_f64(rounded).map_or(Json::Null, Json::Number)
            }
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}
impl From<usize> for Value {
    fn from(n: usize) -> Self {
        Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// A table of results with named columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Column names.
    pub headers: Vec<String>,
    /// Rows, each as long as `headers`.
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Table {
        Table {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Renders the table in a text `format`, a terminal table at its full width (Parquet and
    /// Excel, being binary, render as CSV here; use [`Table::to_bytes`] for files).
    pub fn render(&self, format: TableFormat) -> String {
        match format {
            TableFormat::Table => fit::render(self, None),
            TableFormat::Csv | TableFormat::Parquet | TableFormat::Xlsx => self.render_csv(),
            TableFormat::Json => self.render_json(),
            TableFormat::Md => self.render_markdown(),
        }
    }

    /// The terminal table fitted to `width` columns (see [`terminal_width`]): headers wrapped,
    /// the `label` column left out, then the columns split into stacked parts; `None` gives
    /// the full table.
    pub fn render_fitted(&self, width: Option<usize>) -> String {
        fit::render(self, width)
    }

    /// The bytes of the table in `format`, Parquet and Excel (one sheet named `table`; see
    /// [`xlsx::workbook`] for named sheets) included.
    pub fn to_bytes(&self, format: TableFormat) -> crate::Result<Vec<u8>> {
        match format {
            TableFormat::Parquet => parquet::to_parquet(self),
            TableFormat::Xlsx => xlsx::workbook(&[("table", self)]),
            _ => Ok(self.render(format).into_bytes()),
        }
    }

    /// The index of the column named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    fn render_csv(&self) -> String {
        self.to_csv(false)
    }

    /// The table as CSV; `excel_safe` passes every header and text cell through
    /// [`excel_safe`] (numbers are left alone: a spreadsheet reads `-3` as a number).
    pub fn to_csv(&self, excel_safe: bool) -> String {
        self.csv_text(excel_safe, true)
    }

    /// The rows as CSV without the header row, to append to CSV written before.
    pub fn to_csv_rows(&self, excel_safe: bool) -> String {
        self.csv_text(excel_safe, false)
    }

    fn csv_text(&self, excel_safe: bool, header: bool) -> String {
        let text = |s: &str| {
            if excel_safe {
                self::excel_safe(s).into_owned()
            } else {
                s.to_owned()
            }
        };
        let cell = |v: &Value| match v {
            Value::Text(s) => text(s),
            number => number.render(),
        };
        let mut writer = csv::Writer::from_writer(Vec::new());
        let headers = if header {
            writer.write_record(self.headers.iter().map(|h| text(h)))
        } else {
            Ok(())
        };
        let written = headers.and_then(|()| {
            self.rows
                .iter()
                .try_for_each(|row| writer.write_record(row.iter().map(cell)))
        });
        written.expect("writing CSV to memory cannot fail");
        let bytes = writer
            .into_inner()
            .expect("flushing CSV to memory cannot fail");
        String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8")
    }

    fn render_json(&self) -> String {
        let rows: Vec<Json> = self
            .rows
            .iter()
            .map(|row| {
                let object: Map<String, Json> = self
                    .headers
                    .iter()
                    .cloned()
                    .zip(row.iter().map(Value::to_json))
                    .collect();
                Json::Object(object)
            })
            .collect();
        let mut out = serde_json::to_string_pretty(&rows).expect("JSON values serialise");
        out.push('\n');
        out
    }

    fn render_markdown(&self) -> String {
        let escape = |s: String| s.replace('|', "\\|").replace('\n', " ");
        let mut out = String::new();
        let _ = writeln!(
            out,
            "| {} |",
            self.headers
                .iter()
                .cloned()
                .map(escape)
                .collect::<Vec<_>>()
                .join(" | ")
        );
        let rule: Vec<&str> = self
            .headers
            .iter()
            .enumerate()
            .map(|(i, _)| {
                let numeric = self
                    .rows
                    .first()
                    .is_some_and(|r| !matches!(r.get(i), Some(Value::Text(_))));
                if numeric { "---:" } else { "---" }
            })
            .collect();
        let _ = writeln!(out, "| {} |", rule.join(" | "));
        for row in &self.rows {
            let _ = writeln!(
                out,
                "| {} |",
                row.iter()
                    .map(|v| escape(v.render()))
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new(["code", "n", "pct"]);
        t.rows
            .push(vec!["a|b".into(), 3usize.into(), Value::Float(12.345, 1)]);
        t
    }

    #[test]
    fn excel_safe_csv_prefixes_formula_like_text_only() {
        let mut t = Table::new(["=h", "n"]);
        for text in [
            "=1+1", "+31 6", "-50 euro", "@home", "\tx", "\rx", "a=b", "'quoted",
        ] {
            t.rows.push(vec![text.into(), Value::Int(-3)]);
        }
        t.rows.push(vec!["x".into(), Value::Float(-0.5, 2)]);
        assert_eq!(
            t.to_csv(true),
            "'=h,n\n'=1+1,-3\n'+31 6,-3\n'-50 euro,-3\n'@home,-3\n'\tx,-3\n\"'\rx\",-3\na=b,-3\n'quoted,-3\nx,-0.50\n"
        );
        assert_eq!(t.to_csv(false), t.render(TableFormat::Csv));
        for text in ["=1+1", "-50", "@x", "'quoted", "plain", "'"] {
            assert_eq!(excel_unescape(&excel_safe(text)), text);
        }
    }

    #[test]
    fn renders_each_format() {
        assert_eq!(
            sample().render(TableFormat::Csv),
            "code,n,pct\na|b,3,12.3\n"
        );
        assert_eq!(
            sample().render(TableFormat::Md),
            "| code | n | pct |\n| --- | ---: | ---: |\n| a\\|b | 3 | 12.3 |\n"
        );
        assert!(sample().render(TableFormat::Json).contains("\"pct\": 12.3"));
        assert!(sample().render(TableFormat::Table).contains("a|b"));
    }
}

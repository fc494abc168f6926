//! Excel output: each [`Table`] a worksheet with a bold, frozen header row, numbers stored as
//! numbers and text always stored as text (a cell starting with `=`, `+`, `-` or `@` is never
//! a formula).

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use super::{Table, Value};
use crate::{Error, Result};

/// Excel's limit on the length of a worksheet name.
const MAX_SHEET_NAME: usize = 31;

/// An Excel workbook with one worksheet per `(name, table)`, as bytes. The file's creation
/// date is fixed (1 January 2000) so the same tables give the same bytes.
pub fn workbook(sheets: &[(&str, &Table)]) -> Result<Vec<u8>> {
    build(sheets).map_err(|e| Error::Usage(format!("Excel output failed: {e}")))
}

fn build(sheets: &[(&str, &Table)]) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&fixed));
    let header = Format::new().set_bold();
    let mut used: Vec<String> = Vec::new();
    for (name, table) in sheets {
        let sheet = book.add_worksheet();
        let name = sheet_name(name, &used);
        sheet.set_name(&name)?;
        used.push(name);
        for (c, title) in table.headers.iter().enumerate() {
            sheet.write_string_with_format(0, column(c), title, &header)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, value) in row.iter().enumerate() {
                let c = column(c);
                match value {
                    Value::Int(n) => {
                        sheet.write_number(r, c, *n as f64)?;
                    }
                    Value::Float(f, decimals) if f.is_finite() => {
                        let pattern = match decimals {
                            0 => "0".to_owned(),
                            d => format!("0.{}", "0".repeat(*d)),
                        };
                        sheet.write_number_with_format(
                            r,
                            c,
                            *f,
                            &Format::new().set_num_format(pattern),
                        )?;
                    }
                    Value::Float(..) | Value::Text(_) => {
                        sheet.write_string(r, c, value.render())?;
                    }
                }
            }
        }
        sheet.set_freeze_panes(1, u16::from(table.headers.len() > 1))?;
        sheet.autofit();
    }
    if sheets.is_empty() {
        book.add_worksheet();
    }
    book.save_to_buffer()
}

fn column(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

/// A valid, unique worksheet name: characters Excel forbids (`[]:*?/\`) become `_`, cut to 31
/// characters, with ` (2)`, ` (3)` … added to repeats.
fn sheet_name(wanted: &str, used: &[String]) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'');
    let base: String = if clean.is_empty() { "table" } else { clean }
        .chars()
        .take(MAX_SHEET_NAME)
        .collect();
    let taken = |n: &str| used.iter().any(|u| u.eq_ignore_ascii_case(n));
    let mut name = base.clone();
    let mut n = 2;
    while taken(&name) {
        let suffix = format!(" ({n})");
        let keep = MAX_SHEET_NAME - suffix.chars().count();
        name = base.chars().take(keep).collect::<String>() + &suffix;
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        assert_eq!(sheet_name("a/b:c", &[]), "a_b_c");
        assert_eq!(sheet_name("", &[]), "table");
        let long = "x".repeat(40);
        assert_eq!(sheet_name(&long, &[]).chars().count(), 31);
        let used = vec!["Quotes".to_owned()];
        assert_eq!(sheet_name("quotes", &used), "quotes (2)");
    }

    #[test]
    fn formula_like_text_is_stored_as_text_and_numbers_as_numbers() {
        use calamine::{Data, Reader, Xlsx};
        let texts = [
            "=1+1",
            "=HYPERLINK(\"http://127.0.0.1/\",\"klik\")",
            "+31 6 1234 5678",
            "-50 euro",
            "@gemeente",
            "\t=1",
        ];
        let mut t = Table::new(["=header", "n"]);
        for text in texts {
            t.rows.push(vec![text.into(), Value::Int(-3)]);
        }
        let bytes = workbook(&[("t", &t)]).unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("t").unwrap();
        assert_eq!(range.get((0, 0)), Some(&Data::String("=header".into())));
        for (i, text) in texts.iter().enumerate() {
            assert_eq!(range.get((i + 1, 0)), Some(&Data::String((*text).into())));
            assert_eq!(range.get((i + 1, 1)), Some(&Data::Float(-3.0)));
        }
        let formulas = book.worksheet_formula("t").unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    }

    #[test]
    fn same_tables_give_the_same_bytes() {
        let mut t = Table::new(["code", "n"]);
        t.rows.push(vec!["=1+1".into(), 3usize.into()]);
        let a = workbook(&[("t", &t)]).unwrap();
        let b = workbook(&[("t", &t)]).unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with(b"PK"));
    }
}

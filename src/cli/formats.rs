//! The output format of a command: `--format`, else what the `-o FILE` name says
//! (`report.xlsx` is Excel); a name that says another format than `--format` is refused.

use std::path::Path;

use crate::output::TableFormat;
use crate::{Error, Result};

/// A format a command writes: its value, its `--format` name and the file extensions that
/// name it.
pub struct Known<F> {
    /// The format.
    pub format: F,
    /// Its name for `--format`.
    pub name: &'static str,
    /// The extensions (lowercase, without the dot) that mean it.
    pub extensions: &'static [&'static str],
}

impl<F> Known<F> {
    /// A format with its `--format` name and extensions.
    pub const fn new(format: F, name: &'static str, extensions: &'static [&'static str]) -> Self {
        Known {
            format,
            name,
            extensions,
        }
    }
}

/// The table formats of the table commands.
pub const TABLE_FORMATS: [Known<TableFormat>; 6] = [
    Known::new(TableFormat::Table, "table", &["txt", "text"]),
    Known::new(TableFormat::Csv, "csv", &["csv"]),
    Known::new(TableFormat::Json, "json", &["json"]),
    Known::new(TableFormat::Md, "md", &["md", "markdown"]),
    Known::new(TableFormat::Parquet, "parquet", &["parquet", "pq"]),
    Known::new(TableFormat::Xlsx, "xlsx", &["xlsx"]),
];

/// The format to write: `explicit` (from `--format`), else the one the extension of
/// `output` names, else `default` when there is no output file. An output file whose name
/// says another format than `--format`, or whose format cannot be told, is an error.
pub fn resolve<F: Copy + PartialEq>(
    explicit: Option<F>,
    output: Option<&Path>,
    known: &[Known<F>],
    default: F,
) -> Result<F> {
    let Some(path) = output else {
        return Ok(explicit.unwrap_or(default));
    };
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase);
    let named = extension
        .as_deref()
        .and_then(|e| known.iter().find(|k| k.extensions.contains(&e)));
    let names = || known.iter().map(|k| k.name).collect::<Vec<_>>().join("|");
    match (explicit, named) {
        (Some(format), Some(k)) if k.format != format => {
            let given = known
                .iter()
                .find(|k| k.format == format)
                .map_or("another format", |k| k.name);
            Err(Error::Usage(format!(
                "-o {} says {} but --format is {given}: make them agree",
                path.display(),
                k.name
            )))
        }
        (_, Some(k)) => Ok(k.format),
        (Some(format), None) => Ok(format),
        (None, None) => Err(Error::Usage(match extension.as_deref() {
            Some("html" | "htm") => format!(
                "-o {}: this command writes no HTML; the HTML report is `thema report --html FILE` (or give --format {})",
                path.display(),
                names()
            ),
            Some("xls") => format!(
                "-o {}: old Excel .xls is not written; name the file .xlsx",
                path.display()
            ),
            Some(other) => format!(
                "-o {}: the format of a .{other} file is unknown: give --format {} or a file name ending in {}",
                path.display(),
                names(),
                extensions(known)
            ),
            None => format!(
                "-o {}: give --format {} or a file name ending in {}",
                path.display(),
                names(),
                extensions(known)
            ),
        })),
    }
}

/// Checks that `path` ends in `.{extension}`, the one format `what` is written in.
pub fn require_extension(path: &Path, extension: &str, what: &str) -> Result<()> {
    if path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(extension))
    {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{}: {what} is written as .{extension}: give a file ending in .{extension}",
        path.display()
    )))
}

fn extensions<F>(known: &[Known<F>]) -> String {
    known
        .iter()
        .map(|k| format!(".{}", k.extensions[0]))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(explicit: Option<TableFormat>, path: &str) -> Result<TableFormat> {
        resolve(
            explicit,
            Some(Path::new(path)),
            &TABLE_FORMATS,
            TableFormat::Table,
        )
    }

    #[test]
    fn the_file_name_gives_the_format_or_must_agree_with_it() {
        assert_eq!(table(None, "r.xlsx").unwrap(), TableFormat::Xlsx);
        assert_eq!(table(None, "m.PARQUET").unwrap(), TableFormat::Parquet);
        assert_eq!(table(None, "r.md").unwrap(), TableFormat::Md);
        assert_eq!(table(None, "r.txt").unwrap(), TableFormat::Table);
        assert_eq!(
            table(Some(TableFormat::Csv), "r.dat").unwrap(),
            TableFormat::Csv
        );
        let err = table(Some(TableFormat::Csv), "r.xlsx")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("-o r.xlsx says xlsx but --format is csv"),
            "{err}"
        );
        assert!(
            table(None, "r.html")
                .unwrap_err()
                .to_string()
                .contains("--html")
        );
        assert!(
            table(None, "r.xls")
                .unwrap_err()
                .to_string()
                .contains(".xlsx")
        );
        assert!(
            table(None, "r.dat")
                .unwrap_err()
                .to_string()
                .contains("unknown")
        );
        assert!(table(None, "results").is_err());
        assert_eq!(
            resolve(None, None, &TABLE_FORMATS, TableFormat::Table).unwrap(),
            TableFormat::Table
        );
    }
}

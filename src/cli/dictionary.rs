//! The dictionary side of `thema codebook import` and `thema codebook export --to`.

use std::path::Path;

use super::write_or_print;
use crate::Result;
use crate::codebook::Codebook;
use crate::codebook::import::{Format, from_codebook, read, to_codebook, write};
use crate::output::OutputFile;

/// Imports the dictionary `bytes` (read from `path`) and writes its codebook TOML.
pub fn import(
    path: &Path,
    bytes: &[u8],
    format: Option<Format>,
    output: Option<&OutputFile>,
) -> Result<()> {
    let dictionary = read(path, bytes, format)?;
    let imported = to_codebook(path, &dictionary)?;
    for note in &imported.notes {
        eprintln!("thema: not represented: {note}");
    }
    write_or_print(output, imported.toml.as_bytes())?;
    let message = format!(
        "{}: {} dictionary: {} categories as codes, {} terms{}{}",
        path.display(),
        dictionary.format.name(),
        imported.codes,
        imported.terms,
        if imported.notes.is_empty() {
            String::new()
        } else {
            format!(
                "; {} {} not represented, listed above",
                imported.notes.len(),
                if imported.notes.len() == 1 {
                    "entry or setting"
                } else {
                    "entries or settings"
                }
            )
        },
        output
            .map(|f| format!("; wrote {}", f.path.display()))
            .unwrap_or_default()
    );
    super::say_done(&message, output.is_some());
    Ok(())
}

/// The codebook as a dictionary in `format`, with the number of entries; what the format
/// cannot hold is printed on standard error.
pub fn export(codebook: &Codebook, format: Format) -> (String, usize) {
    let dictionary = from_codebook(codebook, format);
    for note in &dictionary.notes {
        eprintln!("thema: not exported: {}:{note}", codebook.path.display());
    }
    let entries = dictionary.categories.iter().map(|c| c.entries.len()).sum();
    (write(&dictionary), entries)
}

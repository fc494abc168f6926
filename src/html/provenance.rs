//! What a report was made from, so it can be reproduced: thema's version, the SHA-256 of the
//! codebook and of every input file, and the exact command line.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::codebook::Codebook;
use crate::codebook::embedded::Embedded;
use crate::corpus::Document;
use crate::{Error, Result};

/// One file and its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileHash {
    /// The path as given or found.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

/// The provenance section of a report.
#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    /// thema's version.
    pub version: String,
    /// The codebook file (or the embedded one).
    pub codebook: FileHash,
    /// Transcripts, attribute tables and the study file, sorted by path.
    pub inputs: Vec<FileHash>,
    /// The command line, quoted for a POSIX shell.
    pub command: String,
    /// When the report was made (UTC), only when asked for.
    pub timestamp: Option<String>,
}

impl Provenance {
    /// Hashes the codebook, the documents' files and `extra` files (attribute tables, the
    /// study file); `args` is the command line after the program name.
    pub fn collect(
        codebook: &Codebook,
        documents: &[Document],
        extra: &[PathBuf],
        args: &[String],
        timestamp: bool,
    ) -> Result<Provenance> {
        let paths: BTreeSet<&Path> = documents.iter().map(|d| d.path.as_path()).collect();
        let inputs = paths
            .into_iter()
            .map(hash_file)
            .collect::<Result<Vec<_>>>()?;
        Provenance::with_inputs(codebook, inputs, extra, args, timestamp)
    }

    /// [`Provenance::collect`] with the transcripts' hashes taken as they were read
    /// (`inputs`); the `extra` files are hashed here.
    pub fn with_inputs(
        codebook: &Codebook,
        mut inputs: Vec<FileHash>,
        extra: &[PathBuf],
        args: &[String],
        timestamp: bool,
    ) -> Result<Provenance> {
        let codebook = match Embedded::of(codebook) {
            Some(embedded) => FileHash {
                path: codebook.path.display().to_string(),
                bytes: embedded.source.len() as u64,
                sha256: sha256(embedded.source.as_bytes()),
            },
            None => hash_file(&codebook.path)?,
        };
        for path in extra {
            if !inputs.iter().any(|h| Path::new(&h.path) == path.as_path()) {
                inputs.push(hash_file(path)?);
            }
        }
        inputs.sort_by(|a, b| Path::new(&a.path).cmp(Path::new(&b.path)));
        Ok(Provenance {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            codebook,
            inputs,
            command: command_line(args),
            timestamp: timestamp.then(now_utc),
        })
    }
}

fn hash_file(path: &Path) -> Result<FileHash> {
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, e.to_string()))?;
    Ok(FileHash::of(path, &bytes))
}

impl FileHash {
    /// The hash of `bytes`, read from `path`.
    pub fn of(path: &Path, bytes: &[u8]) -> FileHash {
        FileHash {
            path: path.display().to_string(),
            bytes: bytes.len() as u64,
            sha256: sha256(bytes),
        }
    }
}

/// SHA-256 of `bytes` in lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `thema` and the arguments, each quoted for a POSIX shell where needed.
pub fn command_line(args: &[String]) -> String {
    let quote = |a: &String| {
        let plain = !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
        if plain {
            a.clone()
        } else {
            format!("'{}'", a.replace('\'', r"'\''"))
        }
    };
    std::iter::once("thema".to_owned())
        .chain(args.iter().map(quote))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The current time as `YYYY-MM-DD HH:MM:SS UTC`.
fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format_utc(secs)
}

/// Seconds since 1970 as a UTC date and time (the civil-from-days conversion of the
/// proleptic Gregorian calendar).
fn format_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(format_utc(1_735_689_599), "2024-12-31 23:59:59 UTC");
    }

    #[test]
    fn command_lines_are_quoted() {
        let args = ["report", "my files/", "--title", "it's"].map(str::to_owned);
        assert_eq!(
            command_line(&args),
            r"thema report 'my files/' --title 'it'\''s'"
        );
    }

    #[test]
    fn hashes_are_sha256() {
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

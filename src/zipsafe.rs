//! Zip archives read as untrusted input: entry names that point outside the archive are
//! refused, and what is unpacked is capped per entry and in total
//! ([`Limits`](crate::zipsafe::Limits)), whatever sizes the zip declares.
//!
//! The word-processor reader ([`crate::ingest::docx`]) and the REFI-QDA import
//! ([`crate::refi::import`]) open their zips here; each has its own default limits and words
//! a [`ZipProblem`](crate::zipsafe::ZipProblem) in its own terms.

use std::io::{Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

/// How much an archive may unpack to; beyond that reading stops with an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes one zip entry may unpack to.
    pub max_entry_bytes: u64,
    /// The most bytes all the entries read from one archive may unpack to together.
    pub max_total_bytes: u64,
}

/// Why an archive or one of its entries cannot be read. Errors are the zip crate's or the
/// I/O error's text, which may span lines; entry names are as stored in the zip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipProblem {
    /// The bytes cannot be read as a zip: the error.
    NotZip(String),
    /// An entry of the zip's directory cannot be read: the error.
    Corrupt(String),
    /// An entry name is absolute or climbs out of the archive: the name.
    Unsafe(String),
    /// The entry is encrypted: its name.
    Encrypted(String),
    /// The entry cannot be unpacked.
    CannotUnpack {
        /// The entry name.
        name: String,
        /// The error.
        error: String,
    },
    /// The entry unpacks to more than the per-entry cap.
    EntryTooBig {
        /// The entry name.
        name: String,
        /// [`Limits::max_entry_bytes`].
        max: u64,
    },
    /// The entries read unpack to more than the total cap.
    TotalTooBig {
        /// [`Limits::max_total_bytes`].
        max: u64,
    },
}

/// A zip opened from bytes, with its entry names checked and its unpacking capped.
pub struct Archive<'b> {
    zip: ZipArchive<Cursor<&'b [u8]>>,
    names: Vec<String>,
    limits: Limits,
    unpacked: u64,
}

impl<'b> Archive<'b> {
    /// Opens `bytes` as a zip; every entry name must stay inside the archive.
    pub fn open(bytes: &'b [u8], limits: Limits) -> Result<Self, ZipProblem> {
        let zip =
            ZipArchive::new(Cursor::new(bytes)).map_err(|e| ZipProblem::NotZip(e.to_string()))?;
        let mut names = Vec::with_capacity(zip.len());
        for index in 0..zip.len() {
            let entry = zip
                .by_index_data(index)
                .map_err(|e| ZipProblem::Corrupt(e.to_string()))?;
            let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
            if entry.enclosed_name().is_none() || unsafe_entry_name(&name) {
                return Err(ZipProblem::Unsafe(name));
            }
            names.push(name);
        }
        Ok(Archive {
            zip,
            names,
            limits,
            unpacked: 0,
        })
    }

    /// The entry names (lossy UTF-8, as stored, directories included), by entry index.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Unpacks entry `index`, within the per-entry cap and what the total cap leaves. The
    /// declared size is checked before unpacking, and the cap holds while unpacking too.
    pub fn read(&mut self, index: usize) -> Result<Vec<u8>, ZipProblem> {
        let (encrypted, declared) = {
            let entry = self
                .zip
                .by_index_data(index)
                .map_err(|e| ZipProblem::Corrupt(e.to_string()))?;
            (entry.encrypted(), entry.size())
        };
        let name = self.names.get(index).cloned().unwrap_or_default();
        if encrypted {
            return Err(ZipProblem::Encrypted(name));
        }
        let limits = self.limits;
        let room = limits.max_total_bytes.saturating_sub(self.unpacked);
        let cap = limits.max_entry_bytes.min(room);
        let too_big = |name: String| {
            if limits.max_entry_bytes <= room {
                ZipProblem::EntryTooBig {
                    name,
                    max: limits.max_entry_bytes,
                }
            } else {
                ZipProblem::TotalTooBig {
                    max: limits.max_total_bytes,
                }
            }
        };
        if declared > cap {
            return Err(too_big(name));
        }
        let file = match self.zip.by_index(index) {
            Ok(file) => file,
            Err(ZipError::UnsupportedArchive(m)) if m == ZipError::PASSWORD_REQUIRED => {
                return Err(ZipProblem::Encrypted(name));
            }
            Err(e) => {
                return Err(ZipProblem::CannotUnpack {
                    name,
                    error: e.to_string(),
                });
            }
        };
        let data = match read_capped(file, cap) {
            Ok(Some(data)) => data,
            Ok(None) => return Err(too_big(name)),
            Err(e) => {
                return Err(ZipProblem::CannotUnpack {
                    name,
                    error: e.to_string(),
                });
            }
        };
        self.unpacked += data.len() as u64;
        Ok(data)
    }
}

/// Entry names that are absolute (a leading `/` or `\`, a drive letter), hold a NUL or
/// climb out of the archive (a `..` component), with either slash.
fn unsafe_entry_name(name: &str) -> bool {
    name.contains('\0')
        || name.starts_with(['/', '\\'])
        || name.as_bytes().get(1) == Some(&b':')
        || name.split(['/', '\\']).any(|part| part == "..")
}

/// Reads at most `cap` bytes; `None` if there is more, whatever size the zip declared.
fn read_capped(reader: impl Read, cap: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut data = Vec::new();
    reader.take(cap.saturating_add(1)).read_to_end(&mut data)?;
    Ok((data.len() as u64 <= cap).then_some(data))
}

/// A zip of `entries`, stored without compression, for tests.
#[cfg(test)]
pub(crate) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;

    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_entry_bytes: 1000,
        max_total_bytes: 1500,
    };

    #[test]
    fn entry_names_that_climb_out_are_unsafe() {
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "\\x",
            "C:/x",
            "a\\..\\x",
            "..\\evil.xml",
            "word/../../x",
            "a\0b",
        ] {
            assert!(unsafe_entry_name(bad), "{bad:?}");
        }
        for ok in ["project.qde", "Sources/A.txt", "a..b/c", "media/a..b.png"] {
            assert!(!unsafe_entry_name(ok), "{ok}");
        }
    }

    #[test]
    fn opening_lists_the_names_and_refuses_unsafe_ones() {
        let bytes = zip_of(&[("a.txt", b"A"), ("dir/", b""), ("dir\\b.txt", b"B")]);
        let archive = Archive::open(&bytes, LIMITS).unwrap();
        assert_eq!(archive.names(), ["a.txt", "dir/", "dir\\b.txt"]);
        let bytes = zip_of(&[("a.txt", b"A"), ("../evil.txt", b"x")]);
        assert_eq!(
            Archive::open(&bytes, LIMITS).err(),
            Some(ZipProblem::Unsafe("../evil.txt".into()))
        );
        assert!(matches!(
            Archive::open(b"PK\x03\x04kapot", LIMITS).err(),
            Some(ZipProblem::NotZip(_))
        ));
    }

    #[test]
    fn reading_is_capped_per_entry_and_in_all() {
        let big = [b'x'; 1001];
        let part = [b'y'; 800];
        let bytes = zip_of(&[("big", &big), ("one", &part), ("two", &part)]);
        let mut archive = Archive::open(&bytes, LIMITS).unwrap();
        assert_eq!(
            archive.read(0),
            Err(ZipProblem::EntryTooBig {
                name: "big".into(),
                max: 1000
            })
        );
        assert_eq!(archive.read(1).unwrap(), part);
        assert_eq!(archive.read(2), Err(ZipProblem::TotalTooBig { max: 1500 }));
        // The cap holds while unpacking too, whatever size the zip declares.
        let data = [b'x'; 200];
        assert_eq!(read_capped(&data[..], 100).unwrap(), None);
        assert_eq!(
            read_capped(&data[..], 200).unwrap().map(|d| d.len()),
            Some(200)
        );
    }

    #[test]
    fn encrypted_entries_are_not_unpacked() {
        let mut bytes = zip_of(&[("secret.txt", b"geheim")]);
        // Set the encryption flag in the local and the central header.
        for (signature, flags_at) in [(b"PK\x03\x04", 6), (b"PK\x01\x02", 8)] {
            let at = bytes.windows(4).position(|w| w == signature).unwrap() + flags_at;
            bytes[at] |= 1;
        }
        let mut archive = Archive::open(&bytes, LIMITS).unwrap();
        assert_eq!(
            archive.read(0),
            Err(ZipProblem::Encrypted("secret.txt".into()))
        );
    }
}

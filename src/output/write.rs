//! Atomic file output: write to a temporary file beside the target, then rename, and never
//! replace an existing file unless asked to.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// A file to be written, checked for clobbering before any work is done.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Where it goes.
    pub path: PathBuf,
}

impl OutputFile {
    /// Checks that `path` may be written: it does not exist, or `force` is set.
    pub fn check(path: &Path, force: bool) -> Result<OutputFile> {
        if path.exists() && !force {
            return Err(Error::Output {
                path: path.to_owned(),
                message: "it exists; pass --force to replace it".into(),
            });
        }
        Ok(OutputFile {
            path: path.to_owned(),
        })
    }

    /// Writes `bytes` atomically.
    pub fn write(&self, bytes: &[u8]) -> Result<()> {
        write_atomic(&self.path, bytes)
    }

    /// Opens the file for writing piece by piece; it appears when
    /// [`StreamingFile::finish`] is called.
    pub fn stream(&self) -> Result<StreamingFile> {
        StreamingFile::create(&self.path, false)
    }

    /// Writes `bytes` atomically to a file only its owner may read (mode 0600 on Unix).
    pub fn write_private(&self, bytes: &[u8]) -> Result<()> {
        write_atomic_as(&self.path, bytes, true)
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// reader never sees a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_as(path, bytes, false)
}

/// [`write_atomic`], the temporary file created with mode 0600 when `private`.
fn write_atomic_as(path: &Path, bytes: &[u8], private: bool) -> Result<()> {
    let mut file = StreamingFile::create(path, private)?;
    file.write(bytes)?;
    file.finish().map(|_| ())
}

/// A file written piece by piece through a temporary file beside the target, renamed into
/// place by [`StreamingFile::finish`]; dropped unfinished (an error on the way), it leaves
/// nothing behind. It counts and hashes what it writes, for the run manifest.
pub struct StreamingFile {
    path: PathBuf,
    temp: PathBuf,
    writer: Option<std::io::BufWriter<std::fs::File>>,
    hasher: sha2::Sha256,
    bytes: u64,
}

/// What a finished [`StreamingFile`] holds: its size and SHA-256 (lowercase hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Bytes written.
    pub bytes: u64,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
}

impl StreamingFile {
    /// Opens the temporary file for `path` (mode 0600 on Unix when `private`).
    fn create(path: &Path, private: bool) -> Result<StreamingFile> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(|e| output_error(path, &e))?;
        let file_name = path
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        let temp = dir.join(format!(".{file_name}.thema-tmp-{}", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if private {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = private;
        let _ = std::fs::remove_file(&temp);
        let file = options.open(&temp).map_err(|e| output_error(path, &e))?;
        Ok(StreamingFile {
            path: path.to_owned(),
            temp,
            writer: Some(std::io::BufWriter::with_capacity(1 << 20, file)),
            hasher: sha2::Sha256::default(),
            bytes: 0,
        })
    }

    /// Appends `bytes`.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        use sha2::Digest;
        let writer = self.writer.as_mut().ok_or_else(|| Error::Output {
            path: self.path.clone(),
            message: "written after it was finished".into(),
        })?;
        writer
            .write_all(bytes)
            .map_err(|e| output_error(&self.path, &e))?;
        self.hasher.update(bytes);
        self.bytes += bytes.len() as u64;
        Ok(())
    }

    /// Flushes and syncs the temporary file and renames it into place.
    pub fn finish(mut self) -> Result<Written> {
        use sha2::Digest;
        let writer = self.writer.take().ok_or_else(|| Error::Output {
            path: self.path.clone(),
            message: "finished twice".into(),
        })?;
        let file = writer
            .into_inner()
            .map_err(|e| output_error(&self.path, e.error()))?;
        file.sync_all()
            .and_then(|()| std::fs::rename(&self.temp, &self.path))
            .map_err(|e| output_error(&self.path, &e))?;
        let digest = std::mem::take(&mut self.hasher).finalize();
        Ok(Written {
            bytes: self.bytes,
            sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        })
    }
}

impl Drop for StreamingFile {
    fn drop(&mut self) {
        if self.writer.is_some() || self.temp.exists() {
            self.writer = None;
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

fn output_error(path: &Path, e: &std::io::Error) -> Error {
    Error::Output {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

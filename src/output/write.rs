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
    let fail = |e: std::io::Error| Error::Output {
        path: path.to_owned(),
        message: e.to_string(),
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(fail)?;
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
    let result = options
        .open(&temp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map_err(fail)
}

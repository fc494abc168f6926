//! The error type shared by every stage of the pipeline.

use std::path::PathBuf;

/// Result with thema's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a user's input or files. Each variant renders as one
/// line naming the file (and line, where there is one).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input file could not be read or decoded.
    #[error("{}: {message}", path.display())]
    Input { path: PathBuf, message: String },
    /// An input file is malformed at a given line.
    #[error("{}:{line}: {message}", path.display())]
    InputLine {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A codebook is invalid.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Codebook {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// The request does not fit the data (unknown attribute, code, document...).
    #[error("{0}")]
    Usage(String),
    /// An output file could not be written.
    #[error("cannot write {}: {message}", path.display())]
    Output { path: PathBuf, message: String },
}

impl Error {
    /// An [`Error::Input`] for `path`.
    pub fn input(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.into(),
            message: message.into(),
        }
    }

    /// An [`Error::InputLine`] for `path` at 1-based `line`.
    pub fn input_line(path: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Error::InputLine {
            path: path.into(),
            line,
            message: message.into(),
        }
    }
}

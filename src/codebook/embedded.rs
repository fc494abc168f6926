//! The codebooks embedded in the binary, and finding a codebook by file or by name
//! (`--codebook personal-service`).

use std::path::Path;

use super::{Codebook, DEFAULT_NAME, DEFAULT_SOURCE};
use crate::{Error, Result};

/// A codebook that ships inside the binary.
#[derive(Debug, Clone, Copy)]
pub struct Embedded {
    /// The name it is asked for by (`--codebook personal-service`).
    pub name: &'static str,
    /// The name it goes by in messages and provenance.
    pub path: &'static str,
    /// Its TOML.
    pub source: &'static str,
}

/// The embedded codebooks; the first is the default.
pub const EMBEDDED: [Embedded; 2] = [
    Embedded {
        name: "proactive-services",
        path: DEFAULT_NAME,
        source: DEFAULT_SOURCE,
    },
    Embedded {
        name: "personal-service",
        path: "codebooks/personal-service.toml (embedded)",
        source: include_str!("../../codebooks/personal-service.toml"),
    },
];

impl Embedded {
    /// The embedded codebook called `name`.
    pub fn named(name: &str) -> Option<&'static Embedded> {
        EMBEDDED.iter().find(|e| e.name == name)
    }

    /// The embedded codebook a codebook was read from (by its `path`).
    pub fn of(codebook: &Codebook) -> Option<&'static Embedded> {
        EMBEDDED.iter().find(|e| codebook.path == Path::new(e.path))
    }

    /// Parses it.
    pub fn codebook(&self) -> Result<Codebook> {
        Codebook::from_source(Path::new(self.path), self.source)
    }
}

/// A codebook with the TOML it was read from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The validated codebook.
    pub codebook: Codebook,
    /// Its TOML text.
    pub source: String,
}

/// Reads the codebook `spec`: a file when one exists there, else the embedded codebook of
/// that name; `None` is the embedded default.
pub fn load_with_source(spec: Option<&Path>) -> Result<Loaded> {
    let Some(path) = spec else {
        return from_embedded(&EMBEDDED[0]);
    };
    if !path.exists()
        && let Some(embedded) = path.to_str().and_then(Embedded::named)
    {
        return from_embedded(embedded);
    }
    let source = std::fs::read_to_string(path).map_err(|e| {
        let names: Vec<&str> = EMBEDDED.iter().map(|e| e.name).collect();
        Error::input(
            path,
            format!(
                "{e} (the embedded codebooks are {}; `thema codebook list` shows them)",
                names.join(", ")
            ),
        )
    })?;
    Ok(Loaded {
        codebook: Codebook::from_source(path, &source)?,
        source,
    })
}

/// Reads the codebook `spec` like [`load_with_source`].
pub fn load(spec: Option<&Path>) -> Result<Codebook> {
    load_with_source(spec).map(|l| l.codebook)
}

fn from_embedded(embedded: &Embedded) -> Result<Loaded> {
    Ok(Loaded {
        codebook: embedded.codebook()?,
        source: embedded.source.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_codebook_is_valid_and_found_by_name() {
        for embedded in &EMBEDDED {
            let codebook = load(Some(Path::new(embedded.name))).unwrap();
            assert_eq!(codebook.path, Path::new(embedded.path));
            assert!(Embedded::of(&codebook).is_some());
        }
        let err = load(Some(Path::new("no-such-codebook"))).unwrap_err();
        assert!(err.to_string().contains("personal-service"), "{err}");
    }
}

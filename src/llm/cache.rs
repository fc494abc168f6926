//! The answer cache: one file per request, named by the SHA-256 of the model name, the full
//! request and the unit, holding the model's message content. Written atomically as each
//! answer arrives, so an interrupted run resumes and a rerun makes no request.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// The cache key of one request: lowercase hex SHA-256.
pub fn key(model: &str, request: &str, unit: &str) -> String {
    let mut hash = Sha256::new();
    for part in [model, request, unit] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A cache folder.
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache in `dir` (created when the first answer is stored).
    pub fn open(dir: &Path) -> Cache {
        Cache {
            dir: dir.to_path_buf(),
        }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.json"))
    }

    /// The cached content for `key`, if any (an unreadable entry counts as absent).
    pub fn get(&self, key: &str) -> Option<String> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        let entry: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        entry.get("content")?.as_str().map(str::to_owned)
    }

    /// Stores `content` under `key`: written to a temporary file and renamed into place.
    pub fn put(&self, key: &str, content: &str) -> Result<()> {
        let path = self.path(key);
        let dir = path.parent().expect("cache entries sit in a subfolder");
        std::fs::create_dir_all(dir).map_err(|e| Error::input(dir, e.to_string()))?;
        let entry = serde_json::json!({ "content": content });
        let tmp = dir.join(format!(".{key}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, entry.to_string())
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| Error::input(&path, format!("cannot write the LLM cache: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_differ_with_each_part_and_entries_round_trip() {
        let k = key("m", "req", "unit");
        assert_eq!(k.len(), 64);
        assert_ne!(k, key("m2", "req", "unit"));
        assert_ne!(k, key("m", "req2", "unit"));
        assert_ne!(key("ab", "c", "u"), key("a", "bc", "u"));
        let dir = std::env::temp_dir().join(format!("thema-cache-test-{}", std::process::id()));
        let cache = Cache::open(&dir);
        assert_eq!(cache.get(&k), None);
        cache.put(&k, "{\"codes\": []}").unwrap();
        assert_eq!(cache.get(&k).as_deref(), Some("{\"codes\": []}"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

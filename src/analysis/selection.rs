//! Which codes an analysis looks at: `--codes PREFIX` keeps a subtree, `--level N` rolls codes
//! up to their ancestors at depth N; and friendly errors for code ids that do not exist.

use crate::codebook::Codebook;
use crate::{Error, Result};

/// The codes an analysis reports on.
#[derive(Debug, Clone, Default)]
pub struct CodeSelection {
    /// Only codes at or below these ids (all codes when empty).
    pub prefixes: Vec<String>,
    /// Roll codes deeper than this up to their ancestor at this depth.
    pub level: Option<usize>,
}

impl CodeSelection {
    /// Checks the prefixes against the codebook.
    pub fn validate(&self, codebook: &Codebook) -> Result<()> {
        for prefix in &self.prefixes {
            require_code(codebook, prefix)?;
        }
        if self.level == Some(0) {
            return Err(Error::Usage(
                "--level counts from 1 (top-level codes)".into(),
            ));
        }
        Ok(())
    }

    /// The code ids reported, in tree order: selected by prefix and not deeper than the level.
    pub fn codes<'a>(&self, codebook: &'a Codebook) -> Vec<&'a str> {
        codebook
            .tree_order()
            .into_iter()
            .map(|c| c.id.as_str())
            .filter(|id| self.includes(id))
            .collect()
    }

    /// A code as the selection reports it: `None` outside the selected subtrees, else the
    /// code rolled up to its ancestor at the level (`a.b.c` at level 2 is `a.b`).
    pub fn roll_up(&self, id: &str) -> Option<String> {
        let in_subtree =
            self.prefixes.is_empty() || self.prefixes.iter().any(|p| Codebook::is_within(id, p));
        if !in_subtree {
            return None;
        }
        Some(match self.level {
            Some(level) => id.split('.').take(level).collect::<Vec<_>>().join("."),
            None => id.to_owned(),
        })
    }

    /// Whether an (aggregated) code id is reported.
    pub fn includes(&self, id: &str) -> bool {
        let in_subtree =
            self.prefixes.is_empty() || self.prefixes.iter().any(|p| Codebook::is_within(id, p));
        let shallow_enough = self
            .level
            .is_none_or(|level| id.split('.').count() <= level);
        in_subtree && shallow_enough
    }
}

/// An error for a code id that is not in the codebook, suggesting the closest ids.
pub fn require_code(codebook: &Codebook, id: &str) -> Result<()> {
    if codebook.code(id).is_some() {
        return Ok(());
    }
    let mut scored: Vec<(usize, &str)> = codebook
        .codes
        .iter()
        .map(|c| {
            let last = c.id.rsplit('.').next().unwrap_or(&c.id);
            (
                edit_distance(id, &c.id).min(edit_distance(id, last) + 1),
                c.id.as_str(),
            )
        })
        .collect();
    scored.sort();
    let suggestions: Vec<&str> = scored.iter().take(3).map(|(_, id)| *id).collect();
    Err(Error::Usage(format!(
        "no code `{id}` in {}; did you mean {}?",
        codebook.path.display(),
        suggestions
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn codebook() -> Codebook {
        Codebook::from_source(
            Path::new("cb.toml"),
            "[[codes]]\nid = \"a\"\n[[codes]]\nid = \"a.initiative\"\n[[codes]]\nid = \"a.initiative.x\"\n[[codes]]\nid = \"b\"\n",
        )
        .unwrap()
    }

    #[test]
    fn prefix_and_level_select_codes() {
        let cb = codebook();
        let sel = CodeSelection {
            prefixes: vec!["a".into()],
            level: Some(2),
        };
        assert_eq!(sel.codes(&cb), ["a", "a.initiative"]);
        assert_eq!(
            sel.roll_up("a.initiative.x").as_deref(),
            Some("a.initiative")
        );
        assert_eq!(sel.roll_up("b"), None);
        assert_eq!(CodeSelection::default().codes(&cb).len(), 4);
    }

    #[test]
    fn unknown_codes_get_suggestions() {
        let err = require_code(&codebook(), "a.initiatve")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("no code `a.initiatve` in cb.toml; did you mean `a.initiative`"),
            "{err}"
        );
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}

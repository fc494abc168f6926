//! From a source text as a project holds it to the text file thema will read, and from
//! positions in the one to positions in the other.
//!
//! thema reads a text file by dropping a leading BOM, turning CRLF and CR into LF and
//! composing the text to NFC; it takes the document id from the front matter. A source text
//! is therefore written already normalised (so reading it changes nothing), with an `id:` in
//! its front matter (added, inserted into an existing front matter, or corrected), and every
//! selection boundary is carried through both steps. Positions are Unicode code points.

use std::collections::BTreeMap;
use std::path::Path;

use unicode_normalization::UnicodeNormalization;

/// A source text normalised as thema normalises, with boundary positions carried along.
#[derive(Debug)]
pub struct Normalised {
    /// The normalised text.
    pub text: String,
    /// Control characters thema refuses in text files, written as spaces.
    pub controls: usize,
    /// Whether some boundary fell inside a sequence normalisation merges (a CRLF pair,
    /// a letter and its combining accent); such a boundary moved to a neighbouring position.
    pub approximate: bool,
    /// Leading U+FEFF characters dropped.
    bom: usize,
    /// Boundary in the source (after the BOM) to position in `text`; `None` when identity.
    map: Option<BTreeMap<usize, usize>>,
}

impl Normalised {
    /// Where source position `p` lands in [`Normalised::text`].
    pub fn position(&self, p: usize) -> usize {
        let p = p.saturating_sub(self.bom);
        match &self.map {
            None => p,
            Some(map) => map.get(&p).copied().unwrap_or(p),
        }
    }
}

/// CR and CRLF to LF, then NFC: thema's normalisation after its BOM handling.
fn lf_nfc(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .nfc()
        .collect()
}

/// Control characters thema's reader treats as a sign of a binary file.
fn refused_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C')
}

/// Normalises `raw`, keeping track of where each of `boundaries` (code points in `raw`) goes.
pub fn normalise(raw: &str, boundaries: &[usize]) -> Normalised {
    let bom = raw.chars().take_while(|&c| c == '\u{FEFF}').count();
    let mut controls = 0;
    let body: String = raw
        .chars()
        .skip(bom)
        .map(|c| {
            if refused_control(c) {
                controls += 1;
                ' '
            } else {
                c
            }
        })
        .collect();
    let text = lf_nfc(&body);
    if text == body {
        return Normalised {
            text,
            controls,
            approximate: false,
            bom,
            map: None,
        };
    }
    let mut offsets: Vec<usize> = body.char_indices().map(|(i, _)| i).collect();
    offsets.push(body.len());
    let length = offsets.len() - 1;
    let mut points: Vec<usize> = boundaries
        .iter()
        .map(|&b| b.saturating_sub(bom).min(length))
        .collect();
    points.sort_unstable();
    points.dedup();
    // Normalise the pieces between boundaries: when they add up to the whole, every boundary
    // maps exactly.
    let mut map = BTreeMap::new();
    let mut joined = String::with_capacity(text.len());
    let mut count = 0;
    let mut previous = 0;
    for &p in points.iter().chain(std::iter::once(&length)) {
        let piece = lf_nfc(&body[offsets[previous]..offsets[p]]);
        count += piece.chars().count();
        joined.push_str(&piece);
        map.insert(p, count);
        previous = p;
    }
    let mut approximate = false;
    if joined != text {
        approximate = true;
        let total = text.chars().count();
        for (&p, mapped) in &mut map {
            *mapped = lf_nfc(&body[..offsets[p]]).chars().count().min(total);
        }
    }
    Normalised {
        text,
        controls,
        approximate,
        bom,
        map: Some(map),
    }
}

/// A replacement of `removed` code points at `at` by `inserted` ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Edit {
    at: usize,
    removed: usize,
    inserted: usize,
}

impl Edit {
    /// Where a selection starting at `p` starts after the edit (after inserted text).
    pub fn start(&self, p: usize) -> usize {
        if p < self.at {
            p
        } else if p >= self.at + self.removed {
            p - self.removed + self.inserted
        } else {
            self.at + self.inserted
        }
    }

    /// Where a selection ending at `p` ends after the edit (before inserted text).
    pub fn end(&self, p: usize) -> usize {
        if p <= self.at {
            p
        } else if p >= self.at + self.removed {
            p - self.removed + self.inserted
        } else {
            self.at
        }
    }
}

/// The text with `id` in its front matter, and the edit that made it.
#[derive(Debug)]
pub struct WithId {
    /// The text to write.
    pub text: String,
    /// How positions moved.
    pub edit: Edit,
}

/// The id in the text's front matter, if it has a valid one.
pub fn front_matter_id(text: &str) -> Option<String> {
    let front = crate::ingest::plaintext::parse_front_matter(Path::new("source"), text).ok()?;
    front
        .get("id")
        .map(str::to_owned)
        .filter(|id| !id.is_empty())
}

/// Puts `id` into the front matter of `text`: nothing to do when it is there, else the `id`
/// line is replaced or inserted, or a front matter is added on top.
pub fn with_id(text: &str, id: &str) -> WithId {
    let line = format!("id: {id}\n");
    let parsed = crate::ingest::plaintext::parse_front_matter(Path::new("source"), text);
    let front = match parsed {
        Ok(front) if front.body_start > 0 => front,
        _ => {
            let block = format!("---\n{line}---\n");
            return WithId {
                edit: Edit {
                    at: 0,
                    removed: 0,
                    inserted: block.chars().count(),
                },
                text: block + text,
            };
        }
    };
    if front.get("id") == Some(id) {
        return WithId {
            text: text.to_owned(),
            edit: Edit::default(),
        };
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let (start_line, removed_line) = match front
        .fields
        .iter()
        .find(|(key, _, _)| key.eq_ignore_ascii_case("id"))
    {
        Some((_, _, line_no)) => (line_no - 1, true),
        None => (1, false),
    };
    let before: String = lines[..start_line].concat();
    let removed = if removed_line { lines[start_line] } else { "" };
    let after: String = lines[start_line + usize::from(removed_line)..].concat();
    WithId {
        edit: Edit {
            at: before.chars().count(),
            removed: removed.chars().count(),
            inserted: line.chars().count(),
        },
        text: format!("{before}{line}{after}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, start: usize, end: usize) -> String {
        text.chars().skip(start).take(end - start).collect()
    }

    #[test]
    fn clean_text_maps_to_itself() {
        let n = normalise("héllo € 😀 wörld\n", &[0, 3, 16]);
        assert!(n.map.is_none() && !n.approximate);
        assert_eq!(n.position(3), 3);
    }

    #[test]
    fn crlf_bom_and_decomposed_accents_map_exactly() {
        // BOM, CRLF, a decomposed é (e + U+0301) and a control character.
        let raw = "\u{FEFF}Eerst\r\nCafe\u{301} \u{1}ok\r\nEinde";
        let chars: Vec<char> = raw.chars().collect();
        let find = |needle: &str| {
            (0..chars.len())
                .find(|&i| slice(raw, i, (i + needle.chars().count()).min(chars.len())) == needle)
                .unwrap()
        };
        let (cafe, ok, einde) = (find("Cafe"), find("ok"), find("Einde"));
        let spans = [(cafe, cafe + 5), (ok, ok + 2), (einde, einde + 5)];
        let bounds: Vec<usize> = spans.iter().flat_map(|&(s, e)| [s, e]).collect();
        let n = normalise(raw, &bounds);
        assert_eq!(n.text, "Eerst\nCafé  ok\nEinde");
        assert_eq!(n.controls, 1);
        assert!(!n.approximate);
        let got: Vec<String> = spans
            .iter()
            .map(|&(s, e)| slice(&n.text, n.position(s), n.position(e)))
            .collect();
        assert_eq!(got, ["Café", "ok", "Einde"]);
    }

    #[test]
    fn a_boundary_inside_crlf_is_approximate() {
        let raw = "a\r\nb";
        let n = normalise(raw, &[2]);
        assert!(n.approximate);
        assert_eq!(n.position(2), 2);
    }

    #[test]
    fn ids_go_into_the_front_matter() {
        let plain = with_id("I: hoi\n", "X1");
        assert_eq!(plain.text, "---\nid: X1\n---\nI: hoi\n");
        assert_eq!((plain.edit.start(0), plain.edit.end(0)), (15, 0));
        let has = with_id("---\nid: X1\n---\nI: hoi\n", "X1");
        assert_eq!(has.edit, Edit::default());
        let other = with_id("---\nlang: nl\nid: Old\n---\nR: é\n", "New");
        assert_eq!(other.text, "---\nlang: nl\nid: New\n---\nR: é\n");
        assert_eq!(other.edit.start(25), 25);
        let missing = with_id("---\nlang: nl\n---\nR: é\n", "X1");
        assert_eq!(missing.text, "---\nid: X1\nlang: nl\n---\nR: é\n");
        assert_eq!(missing.edit.start(17), 24);
        let broken = with_id("---\nnot front matter\n", "X1");
        assert!(broken.text.starts_with("---\nid: X1\n---\n---\n"));
        assert_eq!(front_matter_id(&broken.text).as_deref(), Some("X1"));
    }
}

//! Dictionaries of other text-analysis tools as codebooks, and back: LIWC `.dic`, WordStat
//! `.cat`, quanteda YAML, Lexicoder `.lc3`/`.lcd` and Yoshikoder `.ykd`.
//!
//! Every format is read into a [`Dictionary`]: categories (nested ones with their path) and
//! their entries, each with its line. Categories become codes (nested categories dotted ids),
//! entries become the terms of a rule, with their `*` wildcards. What a codebook cannot hold
//! (weights, `?` wildcards, LIWC's conditional entries, emoticons) is listed in
//! [`Dictionary::notes`] with its line, never dropped silently. Dictionary tools count every
//! occurrence of an entry, so the codebook's `[defaults]` keep negated, hypothetical,
//! third-party and sarcastic matches.

mod lexicoder;
mod liwc;
mod quanteda;
mod wordstat;
mod yoshikoder;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::{Codebook, RuleKind, Term, WordShape};
use crate::refi::codes::{slug, toml_string, unique_id};
use crate::{Error, Result};

/// A dictionary format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// LIWC / LIWC-22 `.dic`: a `%`-delimited category table, then words with category numbers.
    Liwc,
    /// WordStat `.cat`: indented categories, entries with `(1)` weights.
    Wordstat,
    /// quanteda YAML: keys (nested for subcategories) with lists of patterns.
    Quanteda,
    /// Lexicoder `.lc3`/`.lcd`: `+category` lines followed by their entries.
    Lexicoder,
    /// Yoshikoder `.ykd`: XML of nested `cnode` categories and `pnode` patterns.
    Yoshikoder,
}

impl Format {
    /// The format a file name suggests, sniffing `.lcd` (Lexicoder text or Yoshikoder XML).
    pub fn of(path: &Path, text: &str) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match extension.as_str() {
            "dic" => Format::Liwc,
            "cat" => Format::Wordstat,
            "yml" | "yaml" => Format::Quanteda,
            "lc3" => Format::Lexicoder,
            "lcd" if text.trim_start().starts_with('<') => Format::Yoshikoder,
            "lcd" => Format::Lexicoder,
            "ykd" => Format::Yoshikoder,
            _ => return None,
        })
    }

    /// The format's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Liwc => "LIWC",
            Format::Wordstat => "WordStat",
            Format::Quanteda => "quanteda YAML",
            Format::Lexicoder => "Lexicoder",
            Format::Yoshikoder => "Yoshikoder",
        }
    }
}

/// One entry of a category, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The word or phrase with its wildcards.
    pub text: String,
    /// 1-based line in the dictionary file.
    pub line: usize,
}

/// A category with its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// The names from the top category down to this one.
    pub path: Vec<String>,
    /// Its entries in file order.
    pub entries: Vec<Entry>,
    /// 1-based line where it is declared.
    pub line: usize,
}

/// A dictionary read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dictionary {
    /// The format it was read from.
    pub format: Format,
    /// Its name (the file stem, or the name the file gives).
    pub name: String,
    /// The categories, every parent before its children.
    pub categories: Vec<Category>,
    /// What could not be represented, one line each, starting `LINE: `.
    pub notes: Vec<String>,
}

impl Dictionary {
    fn new(format: Format, path: &Path) -> Dictionary {
        Dictionary {
            format,
            name: path
                .file_stem()
                .map_or_else(|| "dictionary".into(), |s| s.to_string_lossy().into_owned()),
            categories: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The category with this path, declared at `line` when it is new.
    fn category(&mut self, path: &[String], line: usize) -> &mut Category {
        for depth in 1..path.len() {
            if !self.categories.iter().any(|c| c.path == path[..depth]) {
                self.categories.push(Category {
                    path: path[..depth].to_vec(),
                    entries: Vec::new(),
                    line,
                });
            }
        }
        let at = match self.categories.iter().position(|c| c.path == path) {
            Some(at) => at,
            None => {
                self.categories.push(Category {
                    path: path.to_vec(),
                    entries: Vec::new(),
                    line,
                });
                self.categories.len() - 1
            }
        };
        &mut self.categories[at]
    }

    fn note(&mut self, line: usize, message: impl std::fmt::Display) {
        self.notes.push(format!("{line}: {message}"));
    }
}

/// Reads a dictionary file: its bytes are decoded like transcripts (UTF-8, UTF-16 with a
/// byte-order mark, else Windows-1252), then parsed as `format` (by default the one its
/// extension names).
pub fn read(path: &Path, bytes: &[u8], format: Option<Format>) -> Result<Dictionary> {
    let decoded = crate::ingest::decode::decode(bytes).map_err(|m| Error::input(path, m))?;
    let text = decoded.text;
    let format = match format.or_else(|| Format::of(path, &text)) {
        Some(format) => format,
        None => {
            return Err(Error::input(
                path,
                "unknown dictionary format: the extension is none of .dic, .cat, .yml, .yaml, .lc3, .lcd, .ykd, .qdc; give --from",
            ));
        }
    };
    let fail = |(line, message): (usize, String)| Error::input_line(path, line, message);
    let mut dictionary = Dictionary::new(format, path);
    match format {
        Format::Liwc => liwc::read(&text, &mut dictionary).map_err(fail)?,
        Format::Wordstat => wordstat::read(&text, &mut dictionary).map_err(fail)?,
        Format::Quanteda => quanteda::read(&text, &mut dictionary).map_err(fail)?,
        Format::Lexicoder => lexicoder::read(&text, &mut dictionary).map_err(fail)?,
        Format::Yoshikoder => yoshikoder::read(&text, &mut dictionary).map_err(fail)?,
    }
    Ok(dictionary)
}

/// An entry as a thema term, or why it cannot be one.
fn entry_term(text: &str) -> std::result::Result<String, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = words.join(" ");
    if joined.is_empty() {
        return Err("an empty entry".into());
    }
    if let Some(c) = joined
        .chars()
        .find(|c| matches!(c, '?' | '|' | '{' | '}' | '~'))
    {
        return Err(format!(
            "`{c}` has no equivalent in thema terms (only `*` at the start or end of a word)"
        ));
    }
    Term::parse_all(&joined)?;
    Ok(joined)
}

/// The codebook of a dictionary, with the notes of what did not fit.
#[derive(Debug, Clone)]
pub struct Imported {
    /// Codebook TOML that `thema codebook check` accepts.
    pub toml: String,
    /// The codes made.
    pub codes: usize,
    /// The terms made.
    pub terms: usize,
    /// What could not be represented, one line each: `FILE:LINE: what`.
    pub notes: Vec<String>,
}

/// A rule of a code: its name, terms and the terms that take precedence over them.
struct RuleOut {
    name: Option<String>,
    terms: Vec<String>,
    exclude: Vec<String>,
}

/// Turns `dictionary`, read from `path`, into codebook TOML.
pub fn to_codebook(path: &Path, dictionary: &Dictionary) -> Result<Imported> {
    let file = path.display().to_string();
    let mut notes: Vec<String> = dictionary
        .notes
        .iter()
        .map(|n| format!("{file}:{n}"))
        .collect();
    let mut ids: BTreeMap<Vec<String>, String> = BTreeMap::new();
    let mut used: Vec<String> = Vec::new();
    let mut codes: Vec<(String, &Category, Vec<RuleOut>)> = Vec::new();
    let precedence =
        matches!(dictionary.format, Format::Liwc).then(|| liwc::Precedence::of(dictionary));
    let mut term_count = 0;
    for category in &dictionary.categories {
        let parent = ids.get(&category.path[..category.path.len() - 1]).cloned();
        let name = category.path.last().map_or("", String::as_str);
        let part = slug(name);
        let wanted = match &parent {
            Some(p) => format!("{p}.{part}"),
            None => part,
        };
        let id = unique_id(&wanted, |id| used.iter().any(|u| u == id));
        if id != wanted {
            notes.push(format!(
                "{file}:{}: category {name:?}: id `{wanted}` is taken; using `{id}`",
                category.line
            ));
        }
        used.push(id.clone());
        ids.insert(category.path.clone(), id.clone());
        let mut plain = RuleOut {
            name: None,
            terms: Vec::new(),
            exclude: Vec::new(),
        };
        let mut own = Vec::new();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for entry in &category.entries {
            let term = match entry_term(&entry.text) {
                Ok(term) => term,
                Err(why) => {
                    notes.push(format!(
                        "{file}:{}: entry {:?} of {name:?} left out: {why}",
                        entry.line, entry.text
                    ));
                    continue;
                }
            };
            let key = crate::text::fold(&term);
            if let Some(first) = seen.get(&key) {
                notes.push(format!(
                    "{file}:{}: entry {:?} of {name:?} is listed twice (first at line {first}); counted once",
                    entry.line, entry.text
                ));
                continue;
            }
            seen.insert(key, entry.line);
            term_count += 1;
            let shadows = precedence
                .as_ref()
                .map(|p| p.more_specific(&entry.text))
                .unwrap_or_default();
            if shadows.is_empty() {
                plain.terms.push(term);
            } else {
                own.push(RuleOut {
                    name: Some(format!("{id}:{term}")),
                    terms: vec![term],
                    exclude: shadows,
                });
            }
        }
        let mut rules = Vec::new();
        if !plain.terms.is_empty() {
            rules.push(plain);
        }
        rules.extend(own);
        codes.push((id, category, rules));
    }
    let toml = write_toml(path, dictionary, &codes);
    Codebook::from_source(Path::new("imported codebook"), &toml).map_err(|e| {
        Error::Usage(format!(
            "internal error: the imported codebook is invalid: {e}"
        ))
    })?;
    Ok(Imported {
        toml,
        codes: codes.len(),
        terms: term_count,
        notes,
    })
}

fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|t| toml_string(t)).collect();
    let one_line = format!("[{}]", quoted.join(", "));
    if one_line.len() <= 96 {
        return one_line;
    }
    let mut out = String::from("[\n");
    let mut line = String::from(" ");
    for q in quoted {
        if line.len() + q.len() + 2 > 96 {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(" ");
        }
        let _ = write!(line, " {q},");
    }
    out.push_str(line.trim_end());
    out.push_str("\n]");
    out
}

fn write_toml(
    path: &Path,
    dictionary: &Dictionary,
    codes: &[(String, &Category, Vec<RuleOut>)],
) -> String {
    let file_name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Codebook imported by {} from the {} dictionary {}.",
        crate::refi::origin(),
        dictionary.format.name(),
        file_name.replace(|c: char| c.is_control(), " ")
    );
    out.push_str(
        "# Each category is a code, its entries the terms of a rule. Dictionary tools count every\n\
         # occurrence of an entry, so negated, hypothetical, third-party and sarcastic matches count\n\
         # too; add [languages.LANG] lists and rule settings to read context.\n",
    );
    if matches!(dictionary.format, Format::Liwc) {
        out.push_str(
            "# LIWC counts a word for its most specific entry only: a wildcard entry that more\n\
             # specific entries take words from has its own rule that excludes them.\n",
        );
    }
    out.push_str("\n[codebook]\n");
    let _ = writeln!(out, "name = {}", toml_string(&dictionary.name));
    let _ = writeln!(
        out,
        "description = {}",
        toml_string(&format!(
            "Imported from the {} dictionary {file_name}.",
            dictionary.format.name()
        ))
    );
    out.push_str(
        "\n[defaults]\nnegated = \"keep\"\nhypothetical = \"keep\"\nthird_party = \"keep\"\nsarcastic = \"keep\"\n",
    );
    for (id, category, rules) in codes {
        out.push_str("\n[[codes]]\n");
        let _ = writeln!(out, "id = {}", toml_string(id));
        let _ = writeln!(
            out,
            "label = {}",
            toml_string(category.path.last().map_or("", String::as_str))
        );
        let _ = writeln!(
            out,
            "description = {}",
            toml_string(&format!(
                "Category {} of {file_name} (line {}).",
                category.path.join(" > "),
                category.line
            ))
        );
        for rule in rules {
            out.push_str("\n[[codes.rules]]\n");
            if let Some(name) = &rule.name {
                let _ = writeln!(out, "name = {}", toml_string(name));
            }
            let _ = writeln!(out, "terms = {}", toml_list(&rule.terms));
            if !rule.exclude.is_empty() {
                let _ = writeln!(out, "exclude = {}", toml_list(&rule.exclude));
            }
        }
    }
    out
}

/// A codebook as a dictionary: one category per code (its label, else the last part of its
/// id), its rules' terms as entries. Whatever a dictionary cannot hold is listed in the notes
/// (rule settings, regexes, lemmas, alternatives, gaps).
pub fn from_codebook(codebook: &Codebook, format: Format) -> Dictionary {
    let mut dictionary = Dictionary {
        format,
        name: codebook.name.clone(),
        categories: Vec::new(),
        notes: Vec::new(),
    };
    let mut paths: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for code in codebook.tree_order() {
        let name = code
            .labels
            .get("en")
            .or_else(|| code.labels.values().next())
            .cloned()
            .unwrap_or_else(|| code.id.rsplit('.').next().unwrap_or(&code.id).to_owned());
        let mut path = code
            .parent()
            .and_then(|p| paths.get(p))
            .cloned()
            .unwrap_or_default();
        path.push(name);
        paths.insert(&code.id, path.clone());
        let mut entries = Vec::new();
        for rule in &code.rules {
            let what = format!("code `{}`, rule {}", code.id, rule.name);
            let RuleKind::Terms(terms) = &rule.kind else {
                dictionary.note(
                    code.line,
                    format!("{what}: only `terms` rules have an equivalent; left out"),
                );
                continue;
            };
            let precedence =
                rule.name.starts_with(&format!("{}:", code.id)) && matches!(format, Format::Liwc);
            let settings = settings_lost(rule, precedence);
            if !settings.is_empty() {
                dictionary.note(
                    code.line,
                    format!(
                        "{what}: {} cannot be written; its terms are written without them",
                        settings.join(", ")
                    ),
                );
            }
            let mut left_out: Vec<String> = Vec::new();
            let mut reasons: Vec<&'static str> = Vec::new();
            let written = super::describe::terms(terms);
            let total = written.len();
            for source in written {
                match entry_of(terms.iter().filter(|t| t.source == source)) {
                    Ok(text) => entries.push(Entry {
                        text,
                        line: code.line,
                    }),
                    Err(why) => {
                        left_out.push(source);
                        if !reasons.contains(&why) {
                            reasons.push(why);
                        }
                    }
                }
            }
            if !left_out.is_empty() {
                dictionary.note(
                    code.line,
                    format!(
                        "{what}: {} of {} terms left out ({}): {}",
                        left_out.len(),
                        total,
                        reasons.join("; "),
                        left_out.join(" · ")
                    ),
                );
            }
        }
        dictionary.categories.push(Category {
            path,
            entries,
            line: code.line,
        });
    }
    dictionary
}

/// The settings of a rule a dictionary has no place for.
fn settings_lost(rule: &super::Rule, precedence: bool) -> Vec<&'static str> {
    use super::Outcome;
    let mut lost = Vec::new();
    if !rule.exclude.is_empty() && !precedence {
        lost.push("exclude");
    }
    for (key, present) in [
        ("unless", !rule.unless.is_empty()),
        ("negated", rule.negated != Outcome::Keep),
        ("hypothetical", rule.hypothetical != Outcome::Keep),
        ("third_party", rule.third_party != Outcome::Keep),
        ("sarcastic", rule.sarcastic != Outcome::Keep),
        ("agent", rule.agent.is_some()),
        ("question", !rule.question.is_empty()),
        ("cue", rule.cue),
        ("gap", rule.gap > 0),
        ("language", rule.language.is_some()),
        ("role", rule.role.is_some()),
        ("speaker", rule.speaker.is_some()),
    ] {
        if present {
            lost.push(key);
        }
    }
    lost
}

/// A term (all its hyphen forms) as a dictionary entry: its text as written, when every
/// word position is one word with at most `*` wildcards.
fn entry_of<'t>(
    mut forms: impl Iterator<Item = &'t Term>,
) -> std::result::Result<String, &'static str> {
    let term = forms.next().ok_or("no words")?;
    if forms.next().is_some() {
        return Err("hyphenated alternatives make several terms");
    }
    if term.gaps.iter().any(|g| matches!(g, Some(n) if *n > 0)) {
        return Err("`{N}` gaps have no equivalent");
    }
    for pattern in &term.words {
        match pattern.shapes.as_slice() {
            [WordShape::Lemma(_)] => return Err("`~lemmas` have no equivalent"),
            [_] => {}
            _ => return Err("`|` alternatives have no equivalent"),
        }
    }
    Ok(term.source.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Writes a dictionary in its format.
pub fn write(dictionary: &Dictionary) -> String {
    match dictionary.format {
        Format::Liwc => liwc::write(dictionary),
        Format::Wordstat => wordstat::write(dictionary),
        Format::Quanteda => quanteda::write(dictionary),
        Format::Lexicoder => lexicoder::write(dictionary),
        Format::Yoshikoder => yoshikoder::write(dictionary),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_become_terms_or_say_why_not() {
        assert_eq!(entry_term("  Well   done ").unwrap(), "Well done");
        assert_eq!(entry_term("abandon*").unwrap(), "abandon*");
        assert_eq!(entry_term("self-esteem").unwrap(), "self-esteem");
        assert!(entry_term("colo?r").unwrap_err().contains('?'));
        assert!(entry_term(":)").is_err());
        assert!(entry_term("a|b").is_err());
    }
}

//! What changed between two versions of a codebook (`thema codebook diff`), and what that
//! does to the coding of a corpus.
//!
//! Codes are matched by id. A code that disappears while another appears with the same rules
//! (or, for codes without rules, the same texts) is a rename. Rules of a code are matched
//! first by identical content, then by name (or, for unnamed rules, by position); what is
//! left over was added or removed. Every setting is compared: labels, texts, examples, every
//! rule key, `[defaults]`, the language lists and the header.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::describe::{Defaults, Facet, code_facets, language_facets, rule_facets};
use super::{Code, Codebook, Rule};
use crate::corpus::Document;
use crate::engine::Coding;

/// What kind of difference a [`Change`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// `[codebook]` name, version or description.
    Header,
    /// A `[defaults]` setting.
    Defaults,
    /// A `[languages.LANG]` list.
    Language,
    /// A code only in the new version.
    CodeAdded,
    /// A code only in the old version.
    CodeRemoved,
    /// The same code under another id.
    CodeRenamed,
    /// A label, text, colour or example of a code.
    CodeChanged,
    /// A rule only in the new version.
    RuleAdded,
    /// A rule only in the old version.
    RuleRemoved,
    /// A setting of a rule.
    RuleChanged,
}

impl ChangeKind {
    /// The kind in words, as printed in the `change` column.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Header => "codebook changed",
            ChangeKind::Defaults => "defaults changed",
            ChangeKind::Language => "language list changed",
            ChangeKind::CodeAdded => "code added",
            ChangeKind::CodeRemoved => "code removed",
            ChangeKind::CodeRenamed => "code renamed",
            ChangeKind::CodeChanged => "code changed",
            ChangeKind::RuleAdded => "rule added",
            ChangeKind::RuleRemoved => "rule removed",
            ChangeKind::RuleChanged => "rule changed",
        }
    }
}

/// One difference between the two codebooks. For a list (terms, examples, a language list)
/// `old` holds the items removed and `new` the items added, separated by `; `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What changed.
    pub kind: ChangeKind,
    /// The code (its new id when it has one), or the language of a language list.
    pub code: String,
    /// The rule's name, for rule changes.
    pub rule: String,
    /// The key that changed (`label.en`, `terms`, `negated`, `nl.negators`).
    pub field: String,
    /// The old value (or the items removed).
    pub old: String,
    /// The new value (or the items added).
    pub new: String,
}

/// A segment that gains or loses a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentChange {
    /// The code (new id for a renamed code).
    pub code: String,
    /// Whether the new codebook gives the code where the old one did not.
    pub gained: bool,
    /// The document id.
    pub document: String,
    /// The speaker turn.
    pub turn: usize,
    /// The segment index in the document.
    pub segment: usize,
    /// The segment text.
    pub text: String,
    /// The rules responsible: those of the new codebook for a gain, of the old for a loss.
    pub rules: Vec<String>,
}

/// Per code, the documents and segments it codes before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeCount {
    /// The code (new id for a renamed code).
    pub code: String,
    /// Documents with the code under the old codebook.
    pub documents_old: usize,
    /// Documents with the code under the new codebook.
    pub documents_new: usize,
    /// Segments that gain it.
    pub segments_gained: usize,
    /// Segments that lose it.
    pub segments_lost: usize,
}

/// The differences between two codebooks.
#[derive(Debug, Clone, Default)]
pub struct CodebookDiff {
    /// Every difference, header first, then defaults, languages and codes in tree order.
    pub changes: Vec<Change>,
    /// Old code id → new code id for renamed codes.
    pub renamed: BTreeMap<String, String>,
}

/// What the new codebook does to the coding of a corpus.
#[derive(Debug, Clone, Default)]
pub struct CodingDiff {
    /// The documents coded.
    pub documents: usize,
    /// Segments that gain or lose a code, by code then document order.
    pub segments: Vec<SegmentChange>,
    /// The codes whose coding changes.
    pub counts: Vec<CodeCount>,
}

/// A codebook with the defaults of its TOML.
pub struct Version<'a> {
    /// The codebook.
    pub codebook: &'a Codebook,
    /// The `[defaults]` it was read with.
    pub defaults: Defaults,
}

impl<'a> Version<'a> {
    /// `codebook` read from `source`.
    pub fn new(codebook: &'a Codebook, source: &str) -> Version<'a> {
        Version {
            codebook,
            defaults: Defaults::from_source(source),
        }
    }

    fn rule_facets(&self, rule: &Rule) -> Vec<Facet> {
        rule_facets(rule, &self.defaults)
    }

    /// What identifies a code regardless of its id: its rules, else its texts.
    fn fingerprint(&self, code: &Code) -> Option<Vec<Vec<Facet>>> {
        if code.rules.is_empty() {
            let facets = code_facets(code);
            return (!facets.is_empty()).then(|| vec![facets]);
        }
        Some(code.rules.iter().map(|r| self.rule_facets(r)).collect())
    }
}

/// Compares two facet lists key by key; `push` gets (key, old, new) for each difference.
fn compare_facets(old: &[Facet], new: &[Facet], mut push: impl FnMut(&str, String, String)) {
    let mut keys: Vec<&str> = old.iter().map(|f| f.key.as_str()).collect();
    for facet in new {
        if !keys.contains(&facet.key.as_str()) {
            keys.push(&facet.key);
        }
    }
    for key in keys {
        let o = old.iter().find(|f| f.key == key);
        let n = new.iter().find(|f| f.key == key);
        let list = o.or(n).is_some_and(|f| f.list);
        if list {
            let empty = Vec::new();
            let ov = o.map_or(&empty, |f| &f.values);
            let nv = n.map_or(&empty, |f| &f.values);
            let removed: Vec<&str> = ov
                .iter()
                .filter(|v| !nv.contains(v))
                .map(String::as_str)
                .collect();
            let added: Vec<&str> = nv
                .iter()
                .filter(|v| !ov.contains(v))
                .map(String::as_str)
                .collect();
            if !removed.is_empty() || !added.is_empty() {
                push(key, removed.join("; "), added.join("; "));
            }
        } else {
            let value = |f: Option<&Facet>| f.map_or_else(|| "(default)".to_owned(), Facet::joined);
            let (ov, nv) = (value(o), value(n));
            if ov != nv {
                push(key, ov, nv);
            }
        }
    }
}

/// A rule's facets on one line, for rules added or removed.
pub fn rule_line(facets: &[Facet]) -> String {
    facets
        .iter()
        .map(|f| format!("{} = {}", f.key, f.joined()))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Whether `name` is the name thema gave an unnamed rule of `code` (`code#3`), and its number.
fn automatic_number(name: &str, code: &str) -> Option<usize> {
    name.strip_prefix(code)?.strip_prefix('#')?.parse().ok()
}

/// Compares the codebooks `old` and `new`.
pub fn compare(old: &Version<'_>, new: &Version<'_>) -> CodebookDiff {
    let mut diff = CodebookDiff::default();
    let (o, n) = (old.codebook, new.codebook);
    for (field, ov, nv) in [
        ("name", &o.name, &n.name),
        ("version", &o.version, &n.version),
        ("description", &o.description, &n.description),
    ] {
        if ov != nv {
            diff.changes
                .push(change(ChangeKind::Header, "", "", field, ov, nv));
        }
    }
    compare_facets(
        &old.defaults.facets(),
        &new.defaults.facets(),
        |key, ov, nv| {
            diff.changes
                .push(change(ChangeKind::Defaults, "", "", key, &ov, &nv));
        },
    );
    let languages: BTreeSet<&String> = o.languages.keys().chain(n.languages.keys()).collect();
    for language in languages {
        let facets = |cb: &Codebook| {
            cb.languages
                .get(language)
                .map(language_facets)
                .unwrap_or_default()
        };
        compare_facets(&facets(o), &facets(n), |key, ov, nv| {
            diff.changes.push(change(
                ChangeKind::Language,
                language,
                "",
                &format!("{language}.{key}"),
                &ov,
                &nv,
            ));
        });
    }
    let old_ids: HashSet<&str> = o.codes.iter().map(|c| c.id.as_str()).collect();
    let new_ids: HashSet<&str> = n.codes.iter().map(|c| c.id.as_str()).collect();
    let mut removed: Vec<&Code> = o
        .codes
        .iter()
        .filter(|c| !new_ids.contains(c.id.as_str()))
        .collect();
    let mut pairs: HashMap<&str, &Code> = HashMap::new();
    for code in &n.codes {
        if let Some(same) = o.code(&code.id) {
            pairs.insert(&code.id, same);
        } else if let Some(print) = new.fingerprint(code)
            && let Some(at) = removed
                .iter()
                .position(|r| old.fingerprint(r).as_ref() == Some(&print))
        {
            let was = removed.remove(at);
            diff.renamed.insert(was.id.clone(), code.id.clone());
            pairs.insert(&code.id, was);
        }
    }
    for code in n.tree_order() {
        match pairs.get(code.id.as_str()) {
            None => diff.changes.push(change(
                ChangeKind::CodeAdded,
                &code.id,
                "",
                "",
                "",
                code.label("en"),
            )),
            Some(was) => compare_code(old, new, was, code, &mut diff.changes),
        }
    }
    for code in o.tree_order() {
        if !old_ids.contains(code.id.as_str()) || diff.renamed.contains_key(&code.id) {
            continue;
        }
        if !new_ids.contains(code.id.as_str()) {
            diff.changes.push(change(
                ChangeKind::CodeRemoved,
                &code.id,
                "",
                "",
                code.label("en"),
                "",
            ));
        }
    }
    diff
}

fn change(kind: ChangeKind, code: &str, rule: &str, field: &str, old: &str, new: &str) -> Change {
    Change {
        kind,
        code: code.to_owned(),
        rule: rule.to_owned(),
        field: field.to_owned(),
        old: old.to_owned(),
        new: new.to_owned(),
    }
}

fn compare_code(
    old: &Version<'_>,
    new: &Version<'_>,
    was: &Code,
    code: &Code,
    out: &mut Vec<Change>,
) {
    if was.id != code.id {
        out.push(change(
            ChangeKind::CodeRenamed,
            &code.id,
            "",
            "id",
            &was.id,
            &code.id,
        ));
    }
    compare_facets(&code_facets(was), &code_facets(code), |key, ov, nv| {
        out.push(change(ChangeKind::CodeChanged, &code.id, "", key, &ov, &nv));
    });
    let old_facets: Vec<Vec<Facet>> = was.rules.iter().map(|r| old.rule_facets(r)).collect();
    let new_facets: Vec<Vec<Facet>> = code.rules.iter().map(|r| new.rule_facets(r)).collect();
    let mut old_left: Vec<usize> = (0..was.rules.len()).collect();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut new_left = Vec::new();
    for (j, facets) in new_facets.iter().enumerate() {
        match old_left.iter().position(|&i| old_facets[i] == *facets) {
            Some(at) => pairs.push((old_left.remove(at), j)),
            None => new_left.push(j),
        }
    }
    let same_name = |i: usize, j: usize| {
        let (a, b) = (&was.rules[i].name, &code.rules[j].name);
        match (automatic_number(a, &was.id), automatic_number(b, &code.id)) {
            (Some(x), Some(y)) => x == y,
            (None, None) => a == b,
            _ => false,
        }
    };
    let mut added = Vec::new();
    for j in new_left {
        match old_left.iter().position(|&i| same_name(i, j)) {
            Some(at) => pairs.push((old_left.remove(at), j)),
            None => added.push(j),
        }
    }
    pairs.sort_by_key(|&(_, j)| j);
    for (i, j) in pairs {
        let (before, after) = (&was.rules[i], &code.rules[j]);
        let named = |r: &Rule, id: &str| automatic_number(&r.name, id).is_none();
        if (named(before, &was.id) || named(after, &code.id)) && before.name != after.name {
            out.push(change(
                ChangeKind::RuleChanged,
                &code.id,
                &after.name,
                "name",
                &before.name,
                &after.name,
            ));
        }
        compare_facets(&old_facets[i], &new_facets[j], |key, ov, nv| {
            out.push(change(
                ChangeKind::RuleChanged,
                &code.id,
                &after.name,
                key,
                &ov,
                &nv,
            ));
        });
    }
    let added = added
        .into_iter()
        .map(|j| (ChangeKind::RuleAdded, &code.rules[j], &new_facets[j]));
    let removed = old_left
        .into_iter()
        .map(|i| (ChangeKind::RuleRemoved, &was.rules[i], &old_facets[i]));
    for (kind, rule, facets) in added.chain(removed) {
        let line = rule_line(facets);
        let (old, new) = if kind == ChangeKind::RuleAdded {
            ("", line.as_str())
        } else {
            (line.as_str(), "")
        };
        out.push(change(kind, &code.id, &rule.name, "", old, new));
    }
}

/// The codes of each segment with the rules that gave them.
type SegmentCodes = BTreeMap<usize, BTreeMap<String, Vec<String>>>;

fn by_segment(codings: &[Coding], renamed: &BTreeMap<String, String>) -> SegmentCodes {
    let mut out = SegmentCodes::new();
    for coding in codings {
        let code = renamed.get(&coding.code).unwrap_or(&coding.code).clone();
        let rules = out
            .entry(coding.segment)
            .or_default()
            .entry(code)
            .or_default();
        if !rules.contains(&coding.rule) {
            rules.push(coding.rule.clone());
        }
    }
    out
}

/// Compares the codings of `documents` under the old codebook (`old`, per document) and the
/// new (`new`); `order` lists the codes in the order to report them (new tree order, then
/// removed codes).
pub fn compare_codings(
    documents: &[Document],
    old: &[Vec<Coding>],
    new: &[Vec<Coding>],
    diff: &CodebookDiff,
    order: &[String],
) -> CodingDiff {
    let mut segments: Vec<SegmentChange> = Vec::new();
    let mut docs_old: HashMap<String, usize> = HashMap::new();
    let mut docs_new: HashMap<String, usize> = HashMap::new();
    for ((doc, old), new) in documents.iter().zip(old).zip(new) {
        let before = by_segment(old, &diff.renamed);
        let after = by_segment(new, &diff.renamed);
        for (counts, coded) in [(&mut docs_old, &before), (&mut docs_new, &after)] {
            let codes: BTreeSet<&String> = coded.values().flat_map(|m| m.keys()).collect();
            for code in codes {
                *counts.entry(code.clone()).or_default() += 1;
            }
        }
        let empty = BTreeMap::new();
        let indices: BTreeSet<usize> = before.keys().chain(after.keys()).copied().collect();
        for index in indices {
            let b = before.get(&index).unwrap_or(&empty);
            let a = after.get(&index).unwrap_or(&empty);
            let segment = doc.segments.iter().find(|s| s.index == index);
            let mut push = |code: &String, gained: bool, rules: &Vec<String>| {
                segments.push(SegmentChange {
                    code: code.clone(),
                    gained,
                    document: doc.id.clone(),
                    turn: segment.map_or(0, |s| s.turn),
                    segment: index,
                    text: segment.map(|s| s.text.clone()).unwrap_or_default(),
                    rules: rules.clone(),
                });
            };
            for (code, rules) in a.iter().filter(|(c, _)| !b.contains_key(*c)) {
                push(code, true, rules);
            }
            for (code, rules) in b.iter().filter(|(c, _)| !a.contains_key(*c)) {
                push(code, false, rules);
            }
        }
    }
    let rank = |code: &str| order.iter().position(|c| c == code).unwrap_or(order.len());
    segments.sort_by(|x, y| {
        rank(&x.code)
            .cmp(&rank(&y.code))
            .then_with(|| x.code.cmp(&y.code))
    });
    let mut counts: Vec<CodeCount> = Vec::new();
    for s in &segments {
        if counts.last().is_none_or(|c| c.code != s.code) {
            counts.push(CodeCount {
                code: s.code.clone(),
                documents_old: docs_old.get(&s.code).copied().unwrap_or(0),
                documents_new: docs_new.get(&s.code).copied().unwrap_or(0),
                segments_gained: 0,
                segments_lost: 0,
            });
        }
        let count = counts.last_mut().expect("pushed above");
        if s.gained {
            count.segments_gained += 1;
        } else {
            count.segments_lost += 1;
        }
    }
    CodingDiff {
        documents: documents.len(),
        segments,
        counts,
    }
}

/// The codes of the new codebook in tree order, then the removed ones: the report order.
pub fn report_order(old: &Codebook, new: &Codebook, diff: &CodebookDiff) -> Vec<String> {
    let mut order: Vec<String> = new.tree_order().iter().map(|c| c.id.clone()).collect();
    for code in old.tree_order() {
        if !diff.renamed.contains_key(&code.id) && !order.contains(&code.id) {
            order.push(code.id.clone());
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn version(source: &str) -> (Codebook, String) {
        (
            Codebook::from_source(Path::new("cb.toml"), source).unwrap(),
            source.to_owned(),
        )
    }

    const OLD: &str = "[codebook]\nname = 'x'\nversion = '1'\n[defaults]\nnegated = 'drop'\n[languages.nl]\nnegators = ['niet', 'geen']\n[[codes]]\nid = 'a'\nlabel = 'A'\n[[codes]]\nid = 'a.b'\nlabel = 'B'\n[[codes.rules]]\nterms = ['bel*']\n[[codes.rules]]\nname = 'visit'\nterms = ['langs']\n[[codes]]\nid = 'c'\n[[codes.rules]]\nterms = ['brief']\nagent = 'organisation'\n";

    #[test]
    fn identical_codebooks_have_no_changes() {
        let (cb, src) = version(OLD);
        let diff = compare(&Version::new(&cb, &src), &Version::new(&cb, &src));
        assert!(diff.changes.is_empty(), "{:?}", diff.changes);
    }

    #[test]
    fn renames_rule_changes_and_every_key_are_found() {
        let new_source = OLD
            .replace("version = '1'", "version = '2'")
            .replace("negated = 'drop'", "negated = 'keep'")
            .replace("['niet', 'geen']", "['niet', 'nooit']")
            .replace("id = 'a.b'\nlabel = 'B'", "id = 'a.b'\nlabel = 'Bee'")
            .replace(
                "name = 'visit'\nterms = ['langs']",
                "name = 'visit'\nterms = ['langs', 'bezoek']\nsarcastic = 'drop'",
            )
            .replace(
                "agent = 'organisation'",
                "agent = 'respondent'\nquestion = ['brief']\nanswer = 'yes'",
            );
        let (old_cb, old_src) = version(OLD);
        let (new_cb, new_src) = version(&new_source);
        let diff = compare(
            &Version::new(&old_cb, &old_src),
            &Version::new(&new_cb, &new_src),
        );
        let lines: Vec<String> = diff
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{}|{}|{}|{}|{}|{}",
                    c.kind.as_str(),
                    c.code,
                    c.rule,
                    c.field,
                    c.old,
                    c.new
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                "codebook changed|||version|1|2",
                "defaults changed|||negated|drop|keep",
                "language list changed|nl||nl.negators|geen|nooit",
                "code changed|a.b||label.en|B|Bee",
                "rule changed|a.b|visit|terms||bezoek",
                "rule changed|a.b|visit|sarcastic|(default)|drop",
                "rule changed|c|c#1|agent|organisation|respondent",
                "rule changed|c|c#1|question||brief",
                "rule changed|c|c#1|answer|(default)|yes",
            ],
            "{lines:#?}"
        );
        assert!(diff.renamed.is_empty());
    }

    #[test]
    fn same_rules_under_another_id_is_a_rename() {
        let new_source = OLD.replace("id = 'c'", "id = 'd'");
        let (old_cb, old_src) = version(OLD);
        let (new_cb, new_src) = version(&new_source);
        let diff = compare(
            &Version::new(&old_cb, &old_src),
            &Version::new(&new_cb, &new_src),
        );
        assert_eq!(diff.renamed.get("c").map(String::as_str), Some("d"));
        assert_eq!(diff.changes.len(), 1, "{:?}", diff.changes);
        assert_eq!(diff.changes[0].kind, ChangeKind::CodeRenamed);
        let removed = OLD.replace(
            "[[codes]]\nid = 'c'\n[[codes.rules]]\nterms = ['brief']\nagent = 'organisation'\n",
            "",
        );
        let (gone, gone_src) = version(&removed);
        let diff = compare(
            &Version::new(&old_cb, &old_src),
            &Version::new(&gone, &gone_src),
        );
        assert_eq!(diff.changes.len(), 1);
        assert_eq!(
            (diff.changes[0].kind, diff.changes[0].code.as_str()),
            (ChangeKind::CodeRemoved, "c")
        );
    }
}

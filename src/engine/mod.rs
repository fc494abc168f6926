//! The coding engine: applies a codebook's rules to the respondent segments of documents and
//! records, for every coding, which rule matched which words.

pub mod examples;
pub mod matcher;

use std::collections::HashMap;

use rayon::prelude::*;

use crate::codebook::{Codebook, LanguageLists, Outcome, Rule, RuleKind};
use crate::corpus::{Document, Role, Segment};
use matcher::{Occurrence, Scan, TermId, TermSet};

/// One code applied to one segment by one rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Coding {
    /// 1-based segment index in the document.
    pub segment: usize,
    /// Code-point offset of the matched text in the document.
    pub start: usize,
    /// Code-point offset one past the matched text.
    pub end: usize,
    /// The code id.
    pub code: String,
    /// The rule that matched, with `(negated)` or `(hypothetical)` when it was recoded.
    pub rule: String,
    /// The matched words (`…` marks skipped words).
    pub matched: String,
}

/// How to code.
#[derive(Debug, Clone, Copy, Default)]
pub struct EngineOptions {
    /// Also code interviewer turns.
    pub code_interviewer: bool,
}

struct CompiledRule<'a> {
    code: &'a str,
    rule: &'a Rule,
    terms: Vec<TermId>,
    near: Option<(TermId, TermId, usize)>,
    exclude: Vec<TermId>,
    unless: Vec<TermId>,
}

#[derive(Default)]
struct LanguageTerms {
    negators: Vec<TermId>,
    clause_breaks: Vec<TermId>,
    hypothetical: Vec<TermId>,
    not_negation: Vec<TermId>,
}

/// A codebook compiled for coding.
pub struct Engine<'a> {
    terms: TermSet,
    rules: Vec<CompiledRule<'a>>,
    languages: HashMap<&'a str, LanguageTerms>,
    options: EngineOptions,
}

/// A match before its context is judged.
struct Candidate {
    words: Vec<usize>,
    bytes: (usize, usize),
}

impl<'a> Engine<'a> {
    /// Compiles every rule of `codebook`.
    pub fn new(codebook: &'a Codebook, options: EngineOptions) -> Engine<'a> {
        let mut terms = TermSet::default();
        let mut rules = Vec::new();
        for code in &codebook.codes {
            for rule in &code.rules {
                let (rule_terms, near) = match &rule.kind {
                    RuleKind::Terms(list) => {
                        (list.iter().map(|t| terms.add(t, rule.gap)).collect(), None)
                    }
                    RuleKind::Regex(_) => (Vec::new(), None),
                    RuleKind::Near { a, b, within } => (
                        Vec::new(),
                        Some((terms.add(a, rule.gap), terms.add(b, rule.gap), *within)),
                    ),
                };
                rules.push(CompiledRule {
                    code: &code.id,
                    rule,
                    terms: rule_terms,
                    near,
                    exclude: rule.exclude.iter().map(|t| terms.add(t, 0)).collect(),
                    unless: rule.unless.iter().map(|t| terms.add(t, 0)).collect(),
                });
            }
        }
        let mut languages = HashMap::new();
        for (name, lists) in &codebook.languages {
            let LanguageLists {
                negators,
                clause_breaks,
                hypothetical,
                not_negation,
            } = lists;
            let mut add_all =
                |list: &[crate::codebook::Term]| list.iter().map(|t| terms.add(t, 0)).collect();
            languages.insert(
                name.as_str(),
                LanguageTerms {
                    negators: add_all(negators),
                    clause_breaks: add_all(clause_breaks),
                    hypothetical: add_all(hypothetical),
                    not_negation: add_all(not_negation),
                },
            );
        }
        Engine {
            terms,
            rules,
            languages,
            options,
        }
    }

    /// Codes every document in parallel; the result is in document order.
    pub fn code_all(
        &self,
        documents: &[Document],
        progress: &(dyn Fn(u64) + Sync),
    ) -> Vec<Vec<Coding>> {
        documents
            .par_iter()
            .map(|doc| {
                let codings = self.code_document(doc);
                progress(doc.text.len() as u64);
                codings
            })
            .collect()
    }

    /// Codes one document's segments, sorted by segment and position.
    pub fn code_document(&self, doc: &Document) -> Vec<Coding> {
        let mut out = Vec::new();
        for segment in &doc.segments {
            let codable = match segment.role {
                Role::Respondent => true,
                Role::Interviewer => self.options.code_interviewer,
                Role::Preamble => false,
            };
            if codable {
                self.code_segment(segment, &doc.language, &mut out);
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Codes a single respondent text (used to test examples).
    pub fn code_text(&self, text: &str, language: &str) -> Vec<Coding> {
        let segment = Segment {
            index: 1,
            turn: 1,
            paragraph: 1,
            speaker: String::new(),
            role: Role::Respondent,
            start: 0,
            end: text.chars().count(),
            timestamp: None,
            end_timestamp: None,
            text: text.to_owned(),
        };
        let mut out = Vec::new();
        self.code_segment(&segment, language, &mut out);
        out.sort();
        out.dedup();
        out
    }

    fn code_segment(&self, segment: &Segment, language: &str, out: &mut Vec<Coding>) {
        let scan = self.terms.scan(&segment.text, language);
        let lang = self.languages.get(language);
        let clause = clauses(&segment.text, &scan, lang);
        let mut offsets = CharOffsets::new(&segment.text, segment.start);
        let speaker = crate::text::fold(&segment.speaker);
        for compiled in &self.rules {
            let rule = compiled.rule;
            if rule.language.as_deref().is_some_and(|l| l != language)
                || rule.role.is_some_and(|r| r != segment.role)
                || rule.speaker.as_ref().is_some_and(|s| *s != speaker)
            {
                continue;
            }
            for candidate in self.candidates(compiled, &scan, &segment.text) {
                let context = Context {
                    scan: &scan,
                    clause: &clause,
                    window: rule.window,
                    words: &candidate.words,
                };
                let Some((code, suffix)) = judge(compiled, &context, lang) else {
                    continue;
                };
                let (start, end) = candidate.bytes;
                out.push(Coding {
                    segment: segment.index,
                    start: offsets.at(start),
                    end: offsets.at(end),
                    code: code.to_owned(),
                    rule: format!("{}{suffix}", rule.name),
                    matched: matched_text(&segment.text, &scan, &candidate),
                });
            }
        }
    }

    fn candidates(&self, compiled: &CompiledRule<'_>, scan: &Scan, text: &str) -> Vec<Candidate> {
        let from_words = |words: Vec<usize>| Candidate {
            bytes: (
                scan.words[words[0]].start,
                scan.words[words[words.len() - 1]].end,
            ),
            words,
        };
        match (&compiled.rule.kind, compiled.near) {
            (RuleKind::Regex(regex), _) => regex
                .find_iter(text)
                .filter(|m| !m.is_empty())
                .map(|m| {
                    let first = scan.words.partition_point(|w| w.end <= m.start());
                    let last = scan.words.partition_point(|w| w.start < m.end());
                    Candidate {
                        words: (first..last.max(first)).collect(),
                        bytes: (m.start(), m.end()),
                    }
                })
                .collect(),
            (_, Some((a, b, within))) => {
                let mut out = Vec::new();
                for x in scan.occurrences(a) {
                    let nearest = scan
                        .occurrences(b)
                        .iter()
                        .filter(|y| !x.overlaps(y))
                        .map(|y| (distance(x, y), y))
                        .filter(|(d, _)| *d <= within)
                        .min_by_key(|(d, _)| *d);
                    if let Some((_, y)) = nearest {
                        let mut words: Vec<usize> =
                            x.words.iter().chain(&y.words).copied().collect();
                        words.sort_unstable();
                        out.push(from_words(words));
                    }
                }
                out
            }
            _ => compiled
                .terms
                .iter()
                .flat_map(|&t| scan.occurrences(t))
                .map(|o| from_words(o.words.clone()))
                .collect(),
        }
    }
}

/// Words strictly between two non-overlapping occurrences.
fn distance(x: &Occurrence, y: &Occurrence) -> usize {
    if x.last() < y.first() {
        y.first() - x.last() - 1
    } else {
        x.first() - y.last() - 1
    }
}

/// Clause number of each word: punctuation and the language's clause-break words end a clause.
fn clauses(text: &str, scan: &Scan, lang: Option<&LanguageTerms>) -> Vec<usize> {
    let mut breaks_before = vec![false; scan.words.len()];
    for (i, pair) in scan.words.windows(2).enumerate() {
        let between = &text[pair[0].end..pair[1].start];
        breaks_before[i + 1] =
            between.contains([',', ';', ':', '.', '!', '?', '(', ')', '—', '–', '\n']);
    }
    if let Some(lang) = lang {
        for &term in &lang.clause_breaks {
            for o in scan.occurrences(term) {
                breaks_before[o.first()] = true;
            }
        }
    }
    let mut current = 0;
    breaks_before
        .iter()
        .map(|&b| {
            current += usize::from(b);
            current
        })
        .collect()
}

struct Context<'s> {
    scan: &'s Scan,
    clause: &'s [usize],
    window: usize,
    words: &'s [usize],
}

impl Context<'_> {
    /// Occurrences of `terms` in the match's clauses within the window, not among the matched
    /// words themselves and not inside an occurrence of one of `exceptions`; each counted once.
    fn nearby(&self, terms: &[TermId], allow_overlap: bool, exceptions: &[TermId]) -> usize {
        let (Some(&first), Some(&last)) = (self.words.first(), self.words.last()) else {
            return 0;
        };
        let (low, high) = (first.saturating_sub(self.window), last + self.window);
        let (clause_low, clause_high) = (self.clause[first], self.clause[last]);
        let mut seen: Vec<usize> = Vec::new();
        for &term in terms {
            for o in self.scan.occurrences(term) {
                let in_reach = o.first() >= low
                    && o.last() <= high
                    && self.clause[o.first()] >= clause_low
                    && self.clause[o.last()] <= clause_high;
                let part_of_match = o.words.iter().any(|w| self.words.contains(w));
                let excepted = exceptions
                    .iter()
                    .any(|&e| self.scan.occurrences(e).iter().any(|x| x.overlaps(o)));
                if in_reach
                    && (allow_overlap || !part_of_match)
                    && !excepted
                    && !seen.contains(&o.first())
                {
                    seen.push(o.first());
                }
            }
        }
        seen.len()
    }

    fn overlaps_any(&self, terms: &[TermId]) -> bool {
        let (Some(&first), Some(&last)) = (self.words.first(), self.words.last()) else {
            return false;
        };
        terms.iter().any(|&t| {
            self.scan
                .occurrences(t)
                .iter()
                .any(|o| o.first() <= last && o.last() >= first)
        })
    }
}

/// Decides what a match counts for: `None` when it is dropped, else the code and a note.
fn judge<'r>(
    compiled: &'r CompiledRule<'_>,
    context: &Context<'_>,
    lang: Option<&LanguageTerms>,
) -> Option<(&'r str, &'static str)> {
    let rule = compiled.rule;
    if context.overlaps_any(&compiled.exclude) || context.nearby(&compiled.unless, true, &[]) > 0 {
        return None;
    }
    let Some(lang) = lang else {
        return Some((compiled.code, ""));
    };
    if context.nearby(&lang.negators, false, &lang.not_negation) % 2 == 1 {
        match &rule.negated {
            Outcome::Drop => return None,
            Outcome::Recode(code) => return Some((code, " (negated)")),
            Outcome::Keep => {}
        }
    }
    if context.nearby(&lang.hypothetical, false, &[]) > 0 {
        match &rule.hypothetical {
            Outcome::Drop => return None,
            Outcome::Recode(code) => return Some((code, " (hypothetical)")),
            Outcome::Keep => {}
        }
    }
    Some((compiled.code, ""))
}

fn matched_text(text: &str, scan: &Scan, candidate: &Candidate) -> String {
    let contiguous = candidate.words.windows(2).all(|p| p[1] == p[0] + 1);
    if contiguous || candidate.words.is_empty() {
        return text[candidate.bytes.0..candidate.bytes.1].to_owned();
    }
    let mut out = String::new();
    for (i, &w) in candidate.words.iter().enumerate() {
        if i > 0 {
            out.push_str(if w == candidate.words[i - 1] + 1 {
                " "
            } else {
                " … "
            });
        }
        out.push_str(&text[scan.words[w].start..scan.words[w].end]);
    }
    out
}

/// Byte offsets in a segment to code-point offsets in its document; the table is built on
/// first use, and only for non-ASCII text.
struct CharOffsets<'t> {
    text: &'t str,
    base: usize,
    ascii: bool,
    table: Option<Vec<usize>>,
}

impl<'t> CharOffsets<'t> {
    fn new(text: &'t str, base: usize) -> Self {
        CharOffsets {
            text,
            base,
            ascii: text.is_ascii(),
            table: None,
        }
    }

    fn at(&mut self, byte: usize) -> usize {
        if self.ascii {
            return self.base + byte;
        }
        let text = self.text;
        let table = self.table.get_or_insert_with(|| {
            let mut table = vec![0; text.len() + 1];
            let mut count = 0;
            for (i, c) in text.char_indices() {
                table[i..i + c.len_utf8()].fill(count);
                count += 1;
            }
            table[text.len()] = count;
            table
        });
        self.base + table[byte]
    }
}

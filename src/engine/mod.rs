//! The coding engine: applies a codebook's rules to the respondent segments of documents and
//! records, for every coding, which rule matched which words.
//!
//! A document is coded turn by turn. Each segment is analysed once ([`analysis`]: words,
//! lemmas, clauses, who acts, third-party stories, sarcasm), read together with the
//! interviewer's preceding question; every rule's candidates are judged in that context
//! ([`judge`]); then codes that follow from other codes of the turn are derived ([`derive`]).

pub mod analysis;
mod derive;
pub mod examples;
mod judge;
pub mod matcher;

use std::collections::HashMap;

use rayon::prelude::*;

use crate::codebook::{Codebook, LanguageLists, Polarity, Rule, RuleKind, Term};
use crate::corpus::{Document, Role, Segment};
use analysis::{Analysis, Discourse};
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
    /// The rule that matched, with `(negated)`, `(hypothetical)`, `(third party)` or
    /// `(sarcastic)` when it recoded the match to another code.
    pub rule: String,
    /// The matched words (`…` marks skipped words); for a derived coding, the codings it
    /// came from.
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
    unless_sentence: Vec<TermId>,
    question: Vec<TermId>,
}

/// The term ids of one language's lists (see [`LanguageLists`]).
#[derive(Default, Debug)]
pub struct LanguageTerms {
    subject_first: bool,
    negators: Vec<TermId>,
    correlative: Vec<TermId>,
    clause_breaks: Vec<TermId>,
    hypothetical: Vec<TermId>,
    not_negation: Vec<TermId>,
    not_hypothetical: Vec<TermId>,
    respondent: Vec<TermId>,
    respondent_objects: Vec<TermId>,
    addressee: Vec<TermId>,
    passive: Vec<TermId>,
    organisation: Vec<TermId>,
    third_party: Vec<TermId>,
    pronouns: Vec<TermId>,
    subordinators: Vec<TermId>,
    speech: Vec<TermId>,
    sarcasm: Vec<TermId>,
    wish_questions: Vec<TermId>,
    yes: Vec<TermId>,
    no: Vec<TermId>,
    /// Every phrase of the lists and of the rules' `unless` and `exclude`: a clause-break
    /// word inside one of them does not break.
    phrases: Vec<TermId>,
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

/// A respondent turn being coded: its analysed segments and what it answers.
struct Turn<'t> {
    segments: Vec<(&'t Segment, Analysis)>,
    question: Option<Question>,
    polarity: Option<(Polarity, Vec<usize>)>,
    /// The question asks for a wish or advice: every match in the answer is hypothetical.
    wish: bool,
}

/// The interviewer's turn a respondent turn answers.
struct Question {
    text: String,
    scan: Scan,
}

impl Question {
    /// The first occurrence of any of `terms`, as written.
    fn find(&self, terms: &[TermId]) -> Option<&str> {
        let o = terms
            .iter()
            .find_map(|&t| self.scan.occurrences(t).first())?;
        Some(&self.text[self.scan.words[o.first()].start..self.scan.words[o.last()].end])
    }
}

impl<'a> Engine<'a> {
    /// The literals the matcher looks words up by (see [`TermSet::literals`]).
    pub fn literals(&self) -> Vec<(&'static str, String)> {
        self.terms.literals()
    }

    /// Compiles every rule of `codebook`.
    pub fn new(codebook: &'a Codebook, options: EngineOptions) -> Engine<'a> {
        let mut terms = TermSet::default();
        let mut rules = Vec::new();
        for code in &codebook.codes {
            for rule in &code.rules {
                let language = rule.language.as_deref();
                let (rule_terms, near) = match &rule.kind {
                    RuleKind::Terms(list) => (
                        list.iter()
                            .map(|t| terms.add_in(t, rule.gap, language))
                            .collect(),
                        None,
                    ),
                    RuleKind::Near { a, b, within } => (
                        Vec::new(),
                        Some((
                            terms.add_in(a, rule.gap, language),
                            terms.add_in(b, rule.gap, language),
                            *within,
                        )),
                    ),
                    RuleKind::Regex(_) | RuleKind::Answer | RuleKind::Derived { .. } => {
                        (Vec::new(), None)
                    }
                };
                let mut add_all =
                    |list: &[Term]| list.iter().map(|t| terms.add_in(t, 0, language)).collect();
                rules.push(CompiledRule {
                    code: &code.id,
                    rule,
                    terms: rule_terms,
                    near,
                    exclude: add_all(&rule.exclude),
                    unless: add_all(&rule.unless),
                    unless_sentence: add_all(&rule.unless_sentence),
                    question: add_all(&rule.question),
                });
            }
        }
        let rule_phrases: Vec<TermId> = rules
            .iter()
            .flat_map(|r| {
                r.exclude
                    .iter()
                    .chain(&r.unless)
                    .chain(&r.unless_sentence)
                    .copied()
            })
            .collect();
        let mut languages = HashMap::new();
        for (name, lists) in &codebook.languages {
            let mut compiled = compile_language(&mut terms, name, lists);
            compiled.phrases.extend(&rule_phrases);
            languages.insert(name.as_str(), compiled);
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

    /// Codes one document turn by turn; the codings are sorted by segment and position.
    pub fn code_document(&self, doc: &Document) -> Vec<Coding> {
        let mut out = Vec::new();
        let mut question: Vec<&Segment> = Vec::new();
        let mut index = 0;
        let segments = &doc.segments;
        while index < segments.len() {
            let turn = segments[index].turn;
            let end = segments[index..]
                .iter()
                .position(|s| s.turn != turn)
                .map_or(segments.len(), |p| index + p);
            let turn_segments: Vec<&Segment> = segments[index..end].iter().collect();
            index = end;
            let role = turn_segments[0].role;
            let codable = match role {
                Role::Respondent => true,
                Role::Interviewer => self.options.code_interviewer,
                Role::Preamble => false,
            };
            if codable {
                let asked = (role == Role::Respondent).then_some(question.as_slice());
                self.code_turn(&turn_segments, asked, &doc.language, &mut out);
            }
            if role == Role::Interviewer {
                question = turn_segments;
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Codes a single respondent text (used to test examples). A text of the form
    /// `I: question` + newline + `R: answer` is coded as the answer to that question.
    pub fn code_text(&self, text: &str, language: &str) -> Vec<Coding> {
        let (question, answer) = match text.strip_prefix("I:").and_then(|t| t.split_once("\nR:")) {
            Some((q, a)) => (Some(q.trim()), a.trim_start()),
            None => (None, text),
        };
        let offset = text.len() - answer.len();
        let respondent = |index, text: &str, start| Segment {
            index,
            turn: index,
            paragraph: 1,
            speaker: String::new(),
            role: Role::Respondent,
            start,
            end: start + text.chars().count(),
            timestamp: None,
            end_timestamp: None,
            text: text.to_owned(),
        };
        let interviewer = question.map(|q| Segment {
            role: Role::Interviewer,
            ..respondent(0, q, 0)
        });
        let segment = respondent(1, answer, text[..offset].chars().count());
        let asked: Vec<&Segment> = interviewer.iter().collect();
        let mut out = Vec::new();
        self.code_turn(&[&segment], Some(&asked), language, &mut out);
        out.sort();
        out.dedup();
        out
    }

    /// Codes the segments of one turn, then derives the codes that follow from them.
    fn code_turn(
        &self,
        segments: &[&Segment],
        asked: Option<&[&Segment]>,
        language: &str,
        out: &mut Vec<Coding>,
    ) {
        let lang = self.languages.get(language);
        let mut discourse = Discourse::default();
        let question = asked.filter(|q| !q.is_empty()).map(|q| {
            let text = q
                .iter()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            let scan = self.terms.scan(&text, language);
            discourse.follow(&scan, lang);
            Question { text, scan }
        });
        let analysed: Vec<(&Segment, Analysis)> = segments
            .iter()
            .map(|s| {
                (
                    *s,
                    analysis::analyse(&self.terms, &s.text, language, lang, &mut discourse),
                )
            })
            .collect();
        let polarity = analysed
            .first()
            .and_then(|(_, a)| analysis::polarity(a, lang));
        let wish = lang
            .zip(question.as_ref())
            .is_some_and(|(lang, question)| question.find(&lang.wish_questions).is_some());
        let turn = Turn {
            segments: analysed,
            question,
            polarity,
            wish,
        };
        let mut codings = Vec::new();
        for (segment, analysis) in &turn.segments {
            self.code_segment(&turn, segment, analysis, language, lang, &mut codings);
        }
        derive::derive(&self.rules, &turn, language, &mut codings);
        out.extend(
            codings
                .into_iter()
                .filter_map(|(coding, cue)| (!cue).then_some(coding)),
        );
    }

    fn code_segment(
        &self,
        turn: &Turn<'_>,
        segment: &Segment,
        analysis: &Analysis,
        language: &str,
        lang: Option<&LanguageTerms>,
        out: &mut Vec<(Coding, bool)>,
    ) {
        let mut offsets = CharOffsets::new(&segment.text, segment.start);
        for compiled in &self.rules {
            if !applies(compiled.rule, segment, language) {
                continue;
            }
            let asked = turn
                .question
                .as_ref()
                .and_then(|q| q.find(&compiled.question));
            if !compiled.question.is_empty() && asked.is_none() {
                continue;
            }
            let is_first = turn
                .segments
                .first()
                .is_some_and(|(s, _)| s.index == segment.index);
            if let Some(wanted) = compiled.rule.answer
                && !(is_first && turn.polarity.as_ref().is_some_and(|(p, _)| *p == wanted))
            {
                continue;
            }
            for candidate in self.candidates(compiled, turn, analysis, &segment.text, is_first) {
                let Some((code, suffix)) =
                    judge::judge(compiled, analysis, &candidate.words, lang, turn.wish)
                else {
                    continue;
                };
                let (start, end) = candidate.bytes;
                let mut matched = matched_text(&segment.text, &analysis.scan, &candidate);
                if let Some(asked) = asked {
                    matched.push_str(&format!(" [question: {asked}]"));
                }
                let coding = Coding {
                    segment: segment.index,
                    start: offsets.at(start),
                    end: offsets.at(end),
                    code: code.to_owned(),
                    rule: format!("{}{suffix}", compiled.rule.name),
                    matched,
                };
                out.push((coding, compiled.rule.cue));
            }
        }
    }

    fn candidates(
        &self,
        compiled: &CompiledRule<'_>,
        turn: &Turn<'_>,
        analysis: &Analysis,
        text: &str,
        is_first: bool,
    ) -> Vec<Candidate> {
        let scan = &analysis.scan;
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
            (RuleKind::Answer, _) => match (&turn.polarity, is_first) {
                (Some((_, words)), true) => vec![from_words(words.clone())],
                _ => Vec::new(),
            },
            (RuleKind::Derived { .. }, _) => Vec::new(),
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

/// Whether a rule's language, role and speaker filters let it code `segment`.
fn applies(rule: &Rule, segment: &Segment, language: &str) -> bool {
    rule.language.as_deref().is_none_or(|l| l == language)
        && rule.role.is_none_or(|r| r == segment.role)
        && rule
            .speaker
            .as_ref()
            .is_none_or(|s| *s == crate::text::fold(&segment.speaker))
}

fn compile_language(terms: &mut TermSet, language: &str, lists: &LanguageLists) -> LanguageTerms {
    let LanguageLists {
        subject_first,
        negators,
        correlative,
        clause_breaks,
        hypothetical,
        not_negation,
        not_hypothetical,
        respondent,
        respondent_objects,
        addressee,
        passive,
        organisation,
        third_party,
        pronouns,
        subordinators,
        speech,
        sarcasm,
        wish_questions,
        yes,
        no,
    } = lists;
    let mut phrases = Vec::new();
    let mut add_all = |list: &[Term]| -> Vec<TermId> {
        let ids: Vec<TermId> = list
            .iter()
            .map(|t| terms.add_in(t, 0, Some(language)))
            .collect();
        phrases.extend(&ids);
        ids
    };
    LanguageTerms {
        subject_first: *subject_first,
        negators: add_all(negators),
        correlative: add_all(correlative),
        clause_breaks: add_all(clause_breaks),
        hypothetical: add_all(hypothetical),
        not_negation: add_all(not_negation),
        not_hypothetical: add_all(not_hypothetical),
        respondent: add_all(respondent),
        respondent_objects: add_all(respondent_objects),
        addressee: add_all(addressee),
        passive: add_all(passive),
        organisation: add_all(organisation),
        third_party: add_all(third_party),
        pronouns: add_all(pronouns),
        subordinators: add_all(subordinators),
        speech: add_all(speech),
        sarcasm: add_all(sarcasm),
        wish_questions: add_all(wish_questions),
        yes: add_all(yes),
        no: add_all(no),
        phrases,
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

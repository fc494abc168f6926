//! Judging a match in its context: exclusions, `unless` terms, third-party stories, who
//! acts, sarcasm, negation and hypotheticals decide whether it counts, and for which code.

use super::analysis::Analysis;
use super::matcher::TermId;
use super::{CompiledRule, LanguageTerms};
use crate::codebook::{Outcome, RuleKind};

/// The words around a match that its context is read from.
struct Context<'s> {
    analysis: &'s Analysis,
    window: usize,
    words: &'s [usize],
}

impl Context<'_> {
    /// Occurrences of `terms` in the match's clauses within the window, not among the matched
    /// words themselves (unless `allow_overlap`) and not inside an occurrence of one of
    /// `exceptions`: the first word of each, once.
    fn nearby(&self, terms: &[TermId], allow_overlap: bool, exceptions: &[TermId]) -> Vec<usize> {
        let scan = &self.analysis.scan;
        let clause = &self.analysis.clause;
        let (Some(&first), Some(&last)) = (self.words.first(), self.words.last()) else {
            return Vec::new();
        };
        let (low, high) = (first.saturating_sub(self.window), last + self.window);
        let (clause_low, clause_high) = (clause[first], clause[last]);
        let mut seen: Vec<usize> = Vec::new();
        for &term in terms {
            for o in scan.occurrences(term) {
                let in_reach = o.first() >= low
                    && o.last() <= high
                    && clause[o.first()] >= clause_low
                    && clause[o.last()] <= clause_high;
                let part_of_match = o.words.iter().any(|w| self.words.contains(w));
                let excepted = exceptions
                    .iter()
                    .any(|&e| scan.occurrences(e).iter().any(|x| x.overlaps(o)));
                if in_reach
                    && (allow_overlap || !part_of_match)
                    && !excepted
                    && !seen.contains(&o.first())
                {
                    seen.push(o.first());
                }
            }
        }
        seen.sort_unstable();
        seen
    }

    /// Whether one of `terms` occurs in the sentence of the match's first word.
    fn in_sentence(&self, terms: &[TermId]) -> bool {
        let scan = &self.analysis.scan;
        let Some(&first) = self.words.first() else {
            return false;
        };
        let sentence = scan.sentence[first];
        terms.iter().any(|&t| {
            scan.occurrences(t)
                .iter()
                .any(|o| scan.sentence[o.first()] == sentence)
        })
    }

    fn overlaps_any(&self, terms: &[TermId]) -> bool {
        let (Some(&first), Some(&last)) = (self.words.first(), self.words.last()) else {
            return false;
        };
        terms.iter().any(|&t| {
            self.analysis
                .scan
                .occurrences(t)
                .iter()
                .any(|o| o.first() <= last && o.last() >= first)
        })
    }

    /// Negators that negate the match. A correlative negator ("nor", "noch") continues a
    /// negation: it adds nothing when an earlier negator of its sentence is already counted,
    /// so "neither … nor" and "noch … noch" are one negation, also when only the second
    /// word stands within reach.
    fn negations(&self, lang: &LanguageTerms) -> usize {
        let scan = &self.analysis.scan;
        let mut counted = self.nearby(&lang.negators, false, &lang.not_negation);
        let all: Vec<usize> = lang
            .negators
            .iter()
            .chain(&lang.correlative)
            .flat_map(|&t| scan.occurrences(t))
            .map(|o| o.first())
            .collect();
        for word in self.nearby(&lang.correlative, false, &lang.not_negation) {
            let mut earlier = all
                .iter()
                .filter(|&&e| e < word && scan.sentence[e] == scan.sentence[word]);
            if !earlier.any(|e| counted.contains(e)) {
                counted.push(word);
            }
        }
        counted.len()
    }
}

/// Decides what a match counts for: `None` when it is dropped, else the code and a note
/// naming what recoded it. `wish` says the turn answers a question asking for a wish or
/// advice, which makes every match hypothetical.
pub(super) fn judge<'r>(
    compiled: &'r CompiledRule<'_>,
    analysis: &Analysis,
    words: &[usize],
    lang: Option<&LanguageTerms>,
    wish: bool,
) -> Option<(&'r str, &'static str)> {
    let rule = compiled.rule;
    let context = Context {
        analysis,
        window: rule.window,
        words,
    };
    if context.overlaps_any(&compiled.exclude)
        || !context.nearby(&compiled.unless, true, &[]).is_empty()
        || context.in_sentence(&compiled.unless_sentence)
    {
        return None;
    }
    let Some(lang) = lang else {
        return Some((compiled.code, ""));
    };
    let first = *words.first()?;
    let outcome = |outcome: &'r Outcome, note: &'static str| match outcome {
        Outcome::Drop => None,
        Outcome::Recode(code) => Some(Some((code.as_str(), note))),
        Outcome::Keep => Some(None),
    };
    if words.iter().any(|&w| analysis.third_party[w])
        && let Some(recoded) = outcome(&rule.third_party, " (third party)")?
    {
        return Some(recoded);
    }
    if let Some(required) = rule.agent
        && !required.accepts(analysis.word_agent[first])
    {
        return None;
    }
    if analysis.sarcastic[analysis.scan.sentence[first]]
        && let Some(recoded) = outcome(&rule.sarcastic, " (sarcastic)")?
    {
        return Some(recoded);
    }
    if matches!(rule.kind, RuleKind::Answer) {
        return Some((compiled.code, ""));
    }
    if context.negations(lang) % 2 == 1
        && let Some(recoded) = outcome(&rule.negated, " (negated)")?
    {
        return Some(recoded);
    }
    if (wish
        || !context
            .nearby(&lang.hypothetical, false, &lang.not_hypothetical)
            .is_empty())
        && let Some(recoded) = outcome(&rule.hypothetical, " (hypothetical)")?
    {
        return Some(recoded);
    }
    Some((compiled.code, ""))
}

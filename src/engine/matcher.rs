//! Finding terms in a segment's words in one pass: every distinct word pattern is indexed by
//! its literal part, each word looks up the patterns it satisfies, and a term is only tried
//! where its first word pattern matched.

use std::collections::HashMap;

use crate::codebook::{Term, WordPattern, WordShape};
use crate::text::Word;

/// Index of a distinct word pattern.
pub type PatternId = usize;
/// Index of a distinct (term, gap) pair.
pub type TermId = usize;

/// One occurrence of a term: the indexes of the words that matched, ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Word indexes of the matched words.
    pub words: Vec<usize>,
}

impl Occurrence {
    /// First matched word.
    pub fn first(&self) -> usize {
        self.words[0]
    }
    /// Last matched word.
    pub fn last(&self) -> usize {
        self.words[self.words.len() - 1]
    }
    /// Whether the word ranges of the two occurrences intersect.
    pub fn overlaps(&self, other: &Occurrence) -> bool {
        self.first() <= other.last() && other.first() <= self.last()
    }
}

#[derive(Debug)]
struct CompiledTerm {
    patterns: Vec<PatternId>,
    gap: usize,
}

/// All terms of a codebook, compiled for matching.
#[derive(Debug, Default)]
pub struct TermSet {
    patterns: Vec<WordPattern>,
    pattern_ids: HashMap<WordPattern, PatternId>,
    terms: Vec<CompiledTerm>,
    term_ids: HashMap<(Term, usize), TermId>,
    exact: HashMap<String, Vec<PatternId>>,
    prefix: HashMap<String, Vec<PatternId>>,
    suffix: HashMap<String, Vec<PatternId>>,
    contains: Vec<(String, PatternId)>,
    starts: HashMap<PatternId, Vec<TermId>>,
}

/// The words of one segment with what the term set found in them.
#[derive(Debug)]
pub struct Scan {
    /// The words.
    pub words: Vec<Word>,
    /// Sentence number of each word.
    pub sentence: Vec<usize>,
    /// Occurrences per term.
    pub found: HashMap<TermId, Vec<Occurrence>>,
}

impl Scan {
    /// Occurrences of a term (none when it did not occur).
    pub fn occurrences(&self, term: TermId) -> &[Occurrence] {
        self.found.get(&term).map_or(&[], Vec::as_slice)
    }
}

impl TermSet {
    /// Adds a term with a gap and returns its id; the same term and gap share one id.
    pub fn add(&mut self, term: &Term, gap: usize) -> TermId {
        if let Some(&id) = self.term_ids.get(&(term.clone(), gap)) {
            return id;
        }
        let patterns: Vec<PatternId> = term.words.iter().map(|w| self.add_pattern(w)).collect();
        let id = self.terms.len();
        self.starts.entry(patterns[0]).or_default().push(id);
        self.terms.push(CompiledTerm { patterns, gap });
        self.term_ids.insert((term.clone(), gap), id);
        id
    }

    fn add_pattern(&mut self, pattern: &WordPattern) -> PatternId {
        if let Some(&id) = self.pattern_ids.get(pattern) {
            return id;
        }
        let id = self.patterns.len();
        for shape in &pattern.shapes {
            match shape {
                WordShape::Exact(s) => self.exact.entry(s.clone()).or_default().push(id),
                WordShape::Prefix(s) => self.prefix.entry(s.clone()).or_default().push(id),
                WordShape::Suffix(s) => self.suffix.entry(s.clone()).or_default().push(id),
                WordShape::Contains(s) => self.contains.push((s.clone(), id)),
            }
        }
        self.patterns.push(pattern.clone());
        self.pattern_ids.insert(pattern.clone(), id);
        id
    }

    /// The patterns a folded word satisfies, sorted and unique.
    fn patterns_of(&self, word: &str, out: &mut Vec<PatternId>) {
        out.clear();
        if let Some(ids) = self.exact.get(word) {
            out.extend(ids);
        }
        if !self.prefix.is_empty() || !self.suffix.is_empty() {
            for (i, _) in word.char_indices().skip(1).chain([(word.len(), ' ')]) {
                if let Some(ids) = self.prefix.get(&word[..i]) {
                    out.extend(ids);
                }
            }
            for (i, _) in word.char_indices() {
                if let Some(ids) = self.suffix.get(&word[i..]) {
                    out.extend(ids);
                }
            }
        }
        for (needle, id) in &self.contains {
            if word.contains(needle.as_str()) {
                out.push(*id);
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Finds every term in `text`.
    pub fn scan(&self, text: &str) -> Scan {
        let words: Vec<Word> = crate::text::words(text).collect();
        let mut sentence = Vec::with_capacity(words.len());
        let mut current = 0;
        for (i, w) in words.iter().enumerate() {
            if i > 0 && text[words[i - 1].end..w.start].contains(['.', '!', '?', '\n']) {
                current += 1;
            }
            sentence.push(current);
        }
        let mut matched: Vec<Vec<PatternId>> = Vec::with_capacity(words.len());
        let mut buffer = Vec::new();
        for w in &words {
            self.patterns_of(&w.folded, &mut buffer);
            matched.push(buffer.clone());
        }
        let mut found: HashMap<TermId, Vec<Occurrence>> = HashMap::new();
        let mut path = Vec::new();
        for start in 0..words.len() {
            for pattern in &matched[start] {
                for &term_id in self.starts.get(pattern).map_or(&[][..], Vec::as_slice) {
                    let term = &self.terms[term_id];
                    path.clear();
                    path.push(start);
                    if extend(term, 1, &matched, &sentence, &mut path) {
                        found.entry(term_id).or_default().push(Occurrence {
                            words: path.clone(),
                        });
                    }
                }
            }
        }
        Scan {
            words,
            sentence,
            found,
        }
    }
}

/// Depth-first search for the rest of a term after `path`, at most `gap` words apart and
/// within one sentence. The search is bounded by (gap + 1) ^ (term length).
fn extend(
    term: &CompiledTerm,
    position: usize,
    matched: &[Vec<PatternId>],
    sentence: &[usize],
    path: &mut Vec<usize>,
) -> bool {
    if position == term.patterns.len() {
        return true;
    }
    let last = path[path.len() - 1];
    let limit = (last + 1 + term.gap).min(matched.len() - 1);
    for next in last + 1..=limit {
        if sentence[next] != sentence[last] {
            break;
        }
        if matched[next]
            .binary_search(&term.patterns[position])
            .is_ok()
        {
            path.push(next);
            if extend(term, position + 1, matched, sentence, path) {
                return true;
            }
            path.pop();
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(term: &str, gap: usize, text: &str) -> Vec<Vec<usize>> {
        let mut set = TermSet::default();
        let id = set.add(&Term::parse(term).unwrap(), gap);
        set.scan(text)
            .occurrences(id)
            .iter()
            .map(|o| o.words.clone())
            .collect()
    }

    #[test]
    fn separable_verbs_with_a_gap() {
        assert_eq!(
            find(
                "namen|nam contact op",
                3,
                "Toen namen ze meteen contact met me op."
            ),
            vec![vec![1, 4, 7]]
        );
        assert_eq!(
            find(
                "namen|nam contact op",
                1,
                "Toen namen ze meteen contact met me op."
            ),
            Vec::<Vec<usize>>::new()
        );
    }

    #[test]
    fn terms_do_not_cross_sentences() {
        assert!(find("belden me", 2, "Ze belden. Me niet.").is_empty());
    }

    #[test]
    fn wildcards_find_inflections() {
        assert_eq!(
            find(
                "gebeld|bel*",
                0,
                "Ze belden, ik had gebeld, Belastingdienst"
            )
            .len(),
            3
        );
        assert_eq!(find("*heid", 0, "onzekerheid en vrijheid").len(), 2);
        assert_eq!(find("n't", 0, "They didn't call").len(), 1);
    }
}

//! Finding terms in a segment's words in one pass: every distinct word pattern is indexed by
//! its literal part, each word looks up the patterns it satisfies, and a term is only tried
//! where its first word pattern matched.

use rustc_hash::FxHashMap as HashMap;

use crate::codebook::{Term, WordPattern, WordShape};
use crate::text::Span;

/// Index of a distinct word pattern.
pub type PatternId = usize;
/// Index of a distinct (term, gap) pair.
pub type TermId = usize;

/// Lemma key → the lemma patterns that key satisfies, for one language.
type LemmaIndex = HashMap<String, Vec<PatternId>>;

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
    /// Most words allowed before each word position (the first entry is unused).
    gaps: Vec<usize>,
}

/// All terms of a codebook, compiled for matching.
#[derive(Debug)]
pub struct TermSet {
    /// Names this set as it is now, for the per-thread cache of the patterns each word
    /// satisfies: a new one on every change.
    version: u64,
    patterns: Vec<WordPattern>,
    pattern_ids: HashMap<WordPattern, PatternId>,
    terms: Vec<CompiledTerm>,
    /// Per term, the id of each gap it was added with.
    term_ids: HashMap<Term, Vec<(usize, TermId)>>,
    exact: HashMap<String, Vec<PatternId>>,
    prefix: HashMap<String, Vec<PatternId>>,
    suffix: HashMap<String, Vec<PatternId>>,
    contains: Vec<(String, PatternId)>,
    /// Lemma patterns as written (`~bellen` → `bellen`), indexed per language on first use.
    lemmas: Vec<(String, PatternId)>,
    /// Per pattern with a lemma: the languages of the terms that use it (`None`: every
    /// language).
    lemma_scopes: HashMap<PatternId, Option<Vec<String>>>,
    /// Per language: lemma key → the lemma patterns it satisfies.
    lemma_keys: std::sync::Mutex<HashMap<String, std::sync::Arc<std::sync::OnceLock<LemmaIndex>>>>,
    starts: HashMap<PatternId, Vec<TermId>>,
    /// Byte lengths of the prefixes and suffixes in `prefix` and `suffix`, so a word is
    /// only looked up at those lengths.
    affix_lengths: Vec<usize>,
}

/// The words of one segment with what the term set found in them.
#[derive(Debug)]
pub struct Scan {
    /// The words' byte ranges.
    pub words: Vec<Span>,
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

/// The next [`TermSet`] version: unique in the process.
fn next_version() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Default for TermSet {
    fn default() -> TermSet {
        TermSet {
            version: next_version(),
            patterns: Vec::new(),
            pattern_ids: HashMap::default(),
            terms: Vec::new(),
            term_ids: HashMap::default(),
            exact: HashMap::default(),
            prefix: HashMap::default(),
            suffix: HashMap::default(),
            contains: Vec::new(),
            lemmas: Vec::new(),
            lemma_scopes: HashMap::default(),
            lemma_keys: std::sync::Mutex::default(),
            starts: HashMap::default(),
            affix_lengths: Vec::new(),
        }
    }
}

/// Words whose patterns a thread remembers before it forgets them all (a bound on memory).
const CACHED_WORDS: usize = 1 << 18;

/// Per (term set version, language): the patterns each folded word satisfies.
type PatternCache = HashMap<(u64, String), HashMap<String, Box<[PatternId]>>>;

thread_local! {
    static PATTERN_CACHE: std::cell::RefCell<(usize, PatternCache)> =
        std::cell::RefCell::new((0, HashMap::default()));
}

impl TermSet {
    /// Adds a term with a gap and returns its id; the same term and gap share one id.
    pub fn add(&mut self, term: &Term, gap: usize) -> TermId {
        self.add_in(term, gap, None)
    }

    /// Adds a term that is only looked for in texts in `language` (`None`: in every
    /// language), with a gap, and returns its id. Only its lemma patterns depend on the
    /// language: they join the lemma index of that language alone, so a codebook's Dutch
    /// lemmas are not inflected and stemmed for English texts.
    pub fn add_in(&mut self, term: &Term, gap: usize, language: Option<&str>) -> TermId {
        for word in &term.words {
            self.widen_lemma_scope(word, language);
        }
        let mut known = self.term_ids.get(term).into_iter().flatten();
        if let Some(&(_, id)) = known.find(|(g, _)| *g == gap) {
            return id;
        }
        self.changed();
        let patterns: Vec<PatternId> = term
            .words
            .iter()
            .map(|w| self.add_pattern(w, language))
            .collect();
        let id = self.terms.len();
        self.starts.entry(patterns[0]).or_default().push(id);
        let gaps = term.gaps.iter().map(|g| g.unwrap_or(gap)).collect();
        self.terms.push(CompiledTerm { patterns, gaps });
        self.term_ids
            .entry(term.clone())
            .or_default()
            .push((gap, id));
        id
    }

    /// Every literal the word index looks words up by, with its kind (`word`, `prefix`,
    /// `suffix`, `contains`, `lemma`), sorted and distinct: what a word must be, start with,
    /// end with or contain for any term to match there.
    pub fn literals(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = self
            .patterns
            .iter()
            .flat_map(|p| &p.shapes)
            .map(|shape| match shape {
                WordShape::Exact(s) => ("word", s.clone()),
                WordShape::Prefix(s) => ("prefix", s.clone()),
                WordShape::Suffix(s) => ("suffix", s.clone()),
                WordShape::Contains(s) => ("contains", s.clone()),
                WordShape::Lemma(s) => ("lemma", s.clone()),
            })
            .collect();
        out.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0)));
        out.dedup();
        out
    }

    /// Marks the set as changed: a new version for the word cache, and lemma indexes to
    /// build again.
    fn changed(&mut self) {
        self.version = next_version();
        self.lemma_keys
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }

    /// Lets the lemma patterns of an indexed word pattern also match in `language`.
    fn widen_lemma_scope(&mut self, pattern: &WordPattern, language: Option<&str>) {
        let Some(&id) = self.pattern_ids.get(pattern) else {
            return;
        };
        let Some(scope) = self.lemma_scopes.get_mut(&id) else {
            return;
        };
        let widened = match (scope.as_mut(), language) {
            (None, _) => false,
            (Some(_), None) => {
                *scope = None;
                true
            }
            (Some(languages), Some(l)) => {
                let new = !languages.iter().any(|known| known == l);
                if new {
                    languages.push(l.to_owned());
                }
                new
            }
        };
        if widened {
            self.changed();
        }
    }

    fn add_pattern(&mut self, pattern: &WordPattern, language: Option<&str>) -> PatternId {
        if let Some(&id) = self.pattern_ids.get(pattern) {
            return id;
        }
        let id = self.patterns.len();
        for shape in &pattern.shapes {
            match shape {
                WordShape::Exact(s) => self.exact.entry(s.clone()).or_default().push(id),
                WordShape::Prefix(s) => {
                    self.note_affix_length(s.len());
                    self.prefix.entry(s.clone()).or_default().push(id);
                }
                WordShape::Suffix(s) => {
                    self.note_affix_length(s.len());
                    self.suffix.entry(s.clone()).or_default().push(id);
                }
                WordShape::Contains(s) => self.contains.push((s.clone(), id)),
                WordShape::Lemma(s) => {
                    self.lemmas.push((s.clone(), id));
                    self.lemma_scopes
                        .insert(id, language.map(|l| vec![l.to_owned()]));
                }
            }
        }
        self.patterns.push(pattern.clone());
        self.pattern_ids.insert(pattern.clone(), id);
        id
    }

    fn note_affix_length(&mut self, length: usize) {
        if let Err(at) = self.affix_lengths.binary_search(&length) {
            self.affix_lengths.insert(at, length);
        }
    }

    /// The lemma index of a language: every key any lemma pattern matches. It is built once
    /// per language: a thread that needs it while another builds it waits for that one.
    fn lemma_index(&self, language: &str) -> std::sync::Arc<std::sync::OnceLock<LemmaIndex>> {
        let cell = self
            .lemma_keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(language.to_owned())
            .or_default()
            .clone();
        cell.get_or_init(|| {
            let mut index = LemmaIndex::default();
            let used = self.lemmas.iter().filter(|(_, id)| {
                self.lemma_scopes[id]
                    .as_ref()
                    .is_none_or(|languages| languages.iter().any(|l| l == language))
            });
            for (lemma, id) in used {
                for key in crate::text::lemma::keys_of_lemma(language, lemma) {
                    index.entry(key).or_default().push(*id);
                }
            }
            index
        });
        cell
    }

    /// The patterns a folded word satisfies, sorted and unique.
    fn patterns_of(
        &self,
        word: &str,
        lemmas: Option<(&str, &LemmaIndex)>,
        out: &mut Vec<PatternId>,
    ) {
        out.clear();
        if let Some((language, index)) = lemmas
            && let Some(ids) = index.get(crate::text::lemma::key(language, word).as_ref())
        {
            out.extend(ids);
        }
        if let Some(ids) = self.exact.get(word) {
            out.extend(ids);
        }
        for &length in self.affix_lengths.iter().take_while(|&&l| l <= word.len()) {
            if word.is_char_boundary(length)
                && let Some(ids) = self.prefix.get(&word[..length])
            {
                out.extend(ids);
            }
            let start = word.len() - length;
            if word.is_char_boundary(start)
                && let Some(ids) = self.suffix.get(&word[start..])
            {
                out.extend(ids);
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

    /// Finds every term in `text`, a text in `language` (for lemmas). Sentences end at
    /// `.`, `!` and `?`; a line break inside a text is white space.
    pub fn scan(&self, text: &str, language: &str) -> Scan {
        let words: Vec<Span> = crate::text::word_spans(text).collect();
        let mut sentence = Vec::with_capacity(words.len());
        let mut current = 0;
        for (i, w) in words.iter().enumerate() {
            if i > 0 && text[words[i - 1].end..w.start].contains(['.', '!', '?']) {
                current += 1;
            }
            sentence.push(current);
        }
        let index = (!self.lemmas.is_empty()).then(|| self.lemma_index(language));
        let lemmas = index
            .as_deref()
            .and_then(std::sync::OnceLock::get)
            .map(|index| (language, index));
        let mut matched = WordPatterns {
            ids: Vec::new(),
            bounds: Vec::with_capacity(words.len() + 1),
        };
        matched.bounds.push(0);
        PATTERN_CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            let (cached, sets) = &mut *cache;
            if *cached > CACHED_WORDS {
                sets.clear();
                *cached = 0;
            }
            let known = sets.entry((self.version, language.to_owned())).or_default();
            let (mut buffer, mut folded) = (Vec::new(), String::new());
            for w in &words {
                crate::text::fold_into(&text[w.start..w.end], &mut folded);
                match known.get(folded.as_str()) {
                    Some(ids) => matched.ids.extend_from_slice(ids),
                    None => {
                        self.patterns_of(&folded, lemmas, &mut buffer);
                        matched.ids.extend_from_slice(&buffer);
                        known.insert(folded.clone(), buffer.as_slice().into());
                        *cached += 1;
                    }
                }
                matched.bounds.push(matched.ids.len());
            }
        });
        // A term whose words do not all occur in the text is not searched for.
        let mut present = vec![0u64; self.patterns.len().div_ceil(64)];
        for &id in &matched.ids {
            present[id / 64] |= 1 << (id % 64);
        }
        let is_present = |id: PatternId| present[id / 64] & (1 << (id % 64)) != 0;
        let mut found: HashMap<TermId, Vec<Occurrence>> = HashMap::default();
        let mut path = Vec::new();
        for start in 0..words.len() {
            for pattern in matched.of(start) {
                for &term_id in self.starts.get(pattern).map_or(&[][..], Vec::as_slice) {
                    let term = &self.terms[term_id];
                    if !term.patterns[1..].iter().all(|&p| is_present(p)) {
                        continue;
                    }
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

/// The patterns each word of a segment satisfies, in one buffer: word `i` has
/// `ids[bounds[i]..bounds[i + 1]]`, sorted.
struct WordPatterns {
    ids: Vec<PatternId>,
    bounds: Vec<usize>,
}

impl WordPatterns {
    fn of(&self, word: usize) -> &[PatternId] {
        &self.ids[self.bounds[word]..self.bounds[word + 1]]
    }

    fn words(&self) -> usize {
        self.bounds.len() - 1
    }
}

/// Depth-first search for the rest of a term after `path`, each word at most its gap
/// apart and within one sentence. The search is bounded by (gap + 1) ^ (term length).
fn extend(
    term: &CompiledTerm,
    position: usize,
    matched: &WordPatterns,
    sentence: &[usize],
    path: &mut Vec<usize>,
) -> bool {
    if position == term.patterns.len() {
        return true;
    }
    let last = path[path.len() - 1];
    let limit = (last + 1 + term.gaps[position]).min(matched.words() - 1);
    for next in last + 1..=limit {
        if sentence[next] != sentence[last] {
            break;
        }
        if matched
            .of(next)
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

    /// A lemma term of a Dutch rule is not looked for in English texts until a rule for
    /// English uses it too, even after the English index was built without it.
    #[test]
    fn lemma_terms_match_in_the_languages_that_use_them() {
        let mut set = TermSet::default();
        let term = Term::parse("~bellen").unwrap();
        let id = set.add_in(&term, 0, Some("nl"));
        assert_eq!(set.scan("wij bellen", "nl").occurrences(id).len(), 1);
        assert!(set.scan("wij bellen", "en").occurrences(id).is_empty());
        assert_eq!(set.add_in(&term, 0, Some("en")), id);
        assert_eq!(set.scan("wij bellen", "en").occurrences(id).len(), 1);
    }

    fn find(term: &str, gap: usize, text: &str) -> Vec<Vec<usize>> {
        let mut set = TermSet::default();
        let id = set.add(&Term::parse(term).unwrap(), gap);
        set.scan(text, "nl")
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
    fn terms_do_not_cross_sentences_but_do_cross_line_breaks() {
        assert!(find("belden me", 2, "Ze belden. Me niet.").is_empty());
        assert_eq!(
            find("belden me", 2, "Ze belden\nme niet."),
            vec![vec![1, 2]]
        );
    }

    #[test]
    fn lemmas_and_gaps_inside_terms() {
        assert_eq!(
            find("~bellen me", 0, "Toen belde me iemand."),
            vec![vec![1, 2]]
        );
        assert_eq!(
            find("~krijgen ~brief", 1, "Ik kreeg een brieven"),
            vec![vec![1, 3]]
        );
        assert_eq!(
            find("als {3} hadden", 0, "als ze eerder hadden gebeld"),
            vec![vec![0, 3]]
        );
        assert!(find("als {1} hadden", 0, "als ze eerder hadden gebeld").is_empty());
        assert_eq!(
            find("social-media", 3, "via social-media"),
            vec![vec![1, 2]]
        );
        assert!(find("social-media", 3, "social en media").is_empty());
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

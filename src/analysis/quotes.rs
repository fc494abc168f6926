//! `thema quotes`: the segments behind a theme, with the matched words and context.

use std::collections::BTreeSet;

use super::CodedCorpus;
use crate::codebook::Codebook;
use crate::corpus::{Document, Segment};
use crate::output::Table;
use crate::{Error, Result};

/// What to retrieve.
#[derive(Debug, Clone, Default)]
pub struct QuoteQuery {
    /// Codes (a parent includes its children).
    pub codes: Vec<String>,
    /// Any of the codes instead of all of them.
    pub any: bool,
    /// Segments of context before and after.
    pub context: usize,
    /// At most this many quotes.
    pub limit: Option<usize>,
}

/// One retrieved segment.
#[derive(Debug)]
pub struct Quote<'a> {
    /// Its document.
    pub document: &'a Document,
    /// The segment.
    pub segment: &'a Segment,
    /// The text quoted: the segment's, or the sentences of it that [`Quote::trim_to_sentences`]
    /// kept.
    pub text: String,
    /// The queried codes it has (each as the code id that matched it).
    pub codes: Vec<String>,
    /// Code-point ranges within [`Quote::text`] of the words that matched those codes,
    /// sorted and merged.
    pub highlights: Vec<(usize, usize)>,
    /// Context segments before, in order.
    pub before: &'a [Segment],
    /// Context segments after, in order.
    pub after: &'a [Segment],
    /// The coding sources that coded it, when quotes of several are merged (see
    /// [`merge_sources`]); empty otherwise.
    pub sources: Vec<String>,
}

impl Quote<'_> {
    /// Cuts the quote to the sentences that hold marked words, with `…` where text was left
    /// out. A quote without marked words (a human coding of a whole segment) stays whole.
    pub fn trim_to_sentences(&mut self) {
        if self.highlights.is_empty() {
            return;
        }
        let text = self.text.as_str();
        let scan = crate::engine::matcher::TermSet::default().scan(text, &self.document.language);
        let (words, sentence) = (&scan.words, &scan.sentence);
        let Some(&last_sentence) = sentence.last() else {
            return;
        };
        // Byte offset of every code point, and one past the end.
        let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        bytes.push(text.len());
        let char_at = |byte: usize| bytes.partition_point(|&b| b < byte);
        // Each sentence's extent: its words, with the punctuation touching them.
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for k in 0..=last_sentence {
            let (Some(first), Some(last)) = (
                sentence.iter().position(|&s| s == k),
                sentence.iter().rposition(|&s| s == k),
            ) else {
                continue;
            };
            let floor = spans.last().map_or(0, |s| s.1);
            let mut start = words[first].start;
            while let Some(c) = text[floor..start].chars().next_back()
                && !c.is_whitespace()
            {
                start -= c.len_utf8();
            }
            let mut end = words[last].end;
            while let Some(c) = text[end..].chars().next()
                && !c.is_whitespace()
                && words.get(last + 1).is_none_or(|w| end < w.start)
            {
                end += c.len_utf8();
            }
            spans.push((start, end));
        }
        let marked: Vec<(usize, usize)> = spans
            .iter()
            .copied()
            .filter(|&(start, end)| {
                let (start, end) = (char_at(start), char_at(end));
                self.highlights.iter().any(|&(s, e)| s < end && start < e)
            })
            .collect();
        let mut out = String::new();
        let mut highlights = Vec::new();
        let mut previous_end: Option<usize> = None;
        for &(start, end) in &marked {
            let gap = match previous_end {
                None => start > 0,
                Some(p) => text[p..start].chars().any(|c| !c.is_whitespace()),
            };
            match (previous_end, gap) {
                (None, true) => out.push_str("… "),
                (Some(_), true) => out.push_str(" … "),
                (Some(_), false) => out.push(' '),
                (None, false) => {}
            }
            let offset = out.chars().count();
            let (from, to) = (char_at(start), char_at(end));
            for &(s, e) in &self.highlights {
                let (s, e) = (s.max(from), e.min(to));
                if s < e {
                    highlights.push((s - from + offset, e - from + offset));
                }
            }
            out.push_str(&text[start..end]);
            previous_end = Some(end);
        }
        if previous_end.is_some_and(|end| !text[end..].trim().is_empty()) {
            out.push_str(" …");
        }
        self.text = out;
        self.highlights = merge_ranges(highlights);
    }
}

/// The quotes of several coding sources as one list in document and segment order: a
/// segment quoted by several sources appears once, with their codes and marked words
/// together and the sources named in [`Quote::sources`].
pub fn merge_sources<'a>(
    documents: &[Document],
    per_source: Vec<(&str, Vec<Quote<'a>>)>,
) -> Vec<Quote<'a>> {
    use std::collections::BTreeMap;
    let position: std::collections::HashMap<&str, usize> = documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let mut merged: BTreeMap<(usize, usize), Quote<'a>> = BTreeMap::new();
    for (name, quotes) in per_source {
        for mut quote in quotes {
            let key = (
                position
                    .get(quote.document.id.as_str())
                    .copied()
                    .unwrap_or(usize::MAX),
                quote.segment.index,
            );
            match merged.get_mut(&key) {
                Some(seen) => {
                    seen.sources.push(name.to_owned());
                    for code in quote.codes {
                        if !seen.codes.contains(&code) {
                            seen.codes.push(code);
                        }
                    }
                    seen.codes.sort();
                    let mut ranges = std::mem::take(&mut seen.highlights);
                    ranges.extend(quote.highlights);
                    seen.highlights = merge_ranges(ranges);
                }
                None => {
                    quote.sources = vec![name.to_owned()];
                    merged.insert(key, quote);
                }
            }
        }
    }
    merged.into_values().collect()
}

/// Finds the quotes in document and segment order.
pub fn find_quotes<'a>(corpus: &CodedCorpus<'a>, query: &QuoteQuery) -> Result<Vec<Quote<'a>>> {
    if query.codes.is_empty() {
        return Err(Error::Usage("give at least one --code".into()));
    }
    for code in &query.codes {
        super::selection::require_code(corpus.codebook, code)?;
    }
    let mut quotes = Vec::new();
    for (doc, codings) in corpus.documents.iter().zip(corpus.codings) {
        let mut i = 0;
        while i < codings.len() {
            let segment_index = codings[i].segment;
            let mut j = i;
            while j < codings.len() && codings[j].segment == segment_index {
                j += 1;
            }
            let here = &codings[i..j];
            i = j;
            let hit = |wanted: &String| here.iter().any(|c| Codebook::is_within(&c.code, wanted));
            let matches = if query.any {
                query.codes.iter().any(hit)
            } else {
                query.codes.iter().all(hit)
            };
            if !matches {
                continue;
            }
            let segment = &doc.segments[segment_index - 1];
            let relevant: Vec<_> = here
                .iter()
                .filter(|c| query.codes.iter().any(|w| Codebook::is_within(&c.code, w)))
                .collect();
            let codes: BTreeSet<String> = relevant.iter().map(|c| c.code.clone()).collect();
            // Human codings without a span mark no words (an empty range).
            let ranges: Vec<(usize, usize)> = relevant
                .iter()
                .map(|c| (c.start - segment.start, c.end - segment.start))
                .filter(|(start, end)| start < end)
                .collect();
            let position = segment_index - 1;
            quotes.push(Quote {
                document: doc,
                segment,
                text: segment.text.clone(),
                codes: codes.into_iter().collect(),
                highlights: merge_ranges(ranges),
                sources: Vec::new(),
                before: &doc.segments[position.saturating_sub(query.context)..position],
                after: &doc.segments
                    [position + 1..(position + 1 + query.context).min(doc.segments.len())],
            });
            if query.limit.is_some_and(|limit| quotes.len() >= limit) {
                return Ok(quotes);
            }
        }
    }
    Ok(quotes)
}

/// Ranges sorted and merged where they overlap or touch, as [`runs`] and [`mark`] take them.
pub fn merge_ranges(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// The segment text cut into runs, each with whether it lies in a highlighted range
/// (code-point ranges, sorted and not overlapping).
pub fn runs(text: &str, highlights: &[(usize, usize)]) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut ranges = highlights.iter().peekable();
    for (i, c) in text.chars().enumerate() {
        while ranges.peek().is_some_and(|r| r.1 <= i) {
            ranges.next();
        }
        let inside = ranges.peek().is_some_and(|r| r.0 <= i);
        match out.last_mut() {
            Some((run, marked)) if *marked == inside => run.push(c),
            _ => out.push((c.to_string(), inside)),
        }
    }
    out
}

/// The segment text with the highlighted ranges wrapped in `open` and `close`.
pub fn mark(text: &str, highlights: &[(usize, usize)], open: &str, close: &str) -> String {
    runs(text, highlights)
        .into_iter()
        .map(|(run, marked)| {
            if marked {
                format!("{open}{run}{close}")
            } else {
                run
            }
        })
        .collect()
}

/// At most `n` of `quotes` spread over groups and respondents: the groups (by `group`, e.g.
/// the cohort) take turns, and within a group its documents take turns, each giving its
/// next quote. The choice is returned in document and segment order; the same quotes give
/// the same choice.
pub fn spread<'a>(
    quotes: Vec<Quote<'a>>,
    n: usize,
    group: &dyn Fn(&Document) -> String,
) -> Vec<Quote<'a>> {
    use std::collections::{BTreeMap, VecDeque};
    /// A document's quotes, each with its position in the input, in order.
    type Queue<'a> = VecDeque<(usize, Quote<'a>)>;
    // group → documents in order of appearance → their quotes in order
    let mut groups: BTreeMap<String, Vec<Queue<'a>>> = BTreeMap::new();
    for (order, quote) in quotes.into_iter().enumerate() {
        let documents = groups.entry(group(quote.document)).or_default();
        match documents.iter_mut().find(|d| {
            d.front()
                .is_some_and(|(_, q)| q.document.id == quote.document.id)
        }) {
            Some(document) => document.push_back((order, quote)),
            None => documents.push(VecDeque::from([(order, quote)])),
        }
    }
    let mut cursors: Vec<(Vec<Queue<'a>>, usize)> =
        groups.into_values().map(|docs| (docs, 0)).collect();
    let mut chosen: Vec<(usize, Quote<'a>)> = Vec::new();
    while chosen.len() < n {
        let mut took = false;
        for (documents, next) in &mut cursors {
            if chosen.len() >= n {
                break;
            }
            for _ in 0..documents.len() {
                let d = *next % documents.len();
                *next = d + 1;
                if let Some(quote) = documents[d].pop_front() {
                    chosen.push(quote);
                    took = true;
                    break;
                }
            }
        }
        if !took {
            break;
        }
    }
    chosen.sort_by_key(|(order, _)| *order);
    chosen.into_iter().map(|(_, quote)| quote).collect()
}

/// One row per quote: document, segment, turn, speaker, timestamp, (the sources, when quotes
/// of several are merged), codes, matched words, text and the documents' attributes.
pub fn quotes_table(quotes: &[Quote<'_>]) -> Table {
    let with_sources = quotes.iter().any(|q| !q.sources.is_empty());
    let rows = quotes
        .iter()
        .map(|q| {
            let matched: Vec<String> = runs(&q.text, &q.highlights)
                .into_iter()
                .filter_map(|(run, marked)| marked.then_some(run))
                .collect();
            let mut values: Vec<crate::output::Value> = vec![
                q.codes.join(";").into(),
                matched.join(" | ").into(),
                q.text.clone().into(),
            ];
            if with_sources {
                values.insert(0, q.sources.join(";").into());
            }
            (q.document, q.segment, values)
        })
        .collect();
    let columns: &[&str] = if with_sources {
        &["source", "codes", "matched", "text"]
    } else {
        &["codes", "matched", "text"]
    };
    super::tables::located_table(columns, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_cut_to_the_sentences_with_marked_words() {
        let text = "Eerst niets. Toen kwam er een brief (van de gemeente). Ik schrok! Daarna \"belden\" ze. Einde.";
        let doc = Document::parsed("D", &format!("R: {text}"), "nl");
        let segment = &doc.segments[0];
        let at = |word: &str| {
            let start = text[..text.find(word).unwrap()].chars().count();
            (start, start + word.chars().count())
        };
        let mut quote = Quote {
            document: &doc,
            segment,
            text: text.into(),
            codes: vec!["x".into()],
            highlights: vec![at("brief"), at("belden")],
            before: &[],
            after: &[],
            sources: Vec::new(),
        };
        quote.trim_to_sentences();
        assert_eq!(
            mark(&quote.text, &quote.highlights, "[", "]"),
            "… Toen kwam er een [brief] (van de gemeente). … Daarna \"[belden]\" ze. …"
        );
    }

    #[test]
    fn marks_code_point_ranges() {
        assert_eq!(
            mark("Één brief kwam", &[(0, 3), (4, 9)], "**", "**"),
            "**Één** **brief** kwam"
        );
        assert_eq!(mark("abc", &[], "[", "]"), "abc");
        assert_eq!(mark("abcd", &[(0, 1), (1, 2)], "[", "]"), "[ab]cd");
        assert_eq!(
            runs("ab cd", &[(3, 5)]),
            [("ab ".to_owned(), false), ("cd".to_owned(), true)]
        );
    }
}

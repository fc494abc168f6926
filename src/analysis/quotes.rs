//! `thema quotes`: the segments behind a theme, with the matched words and context.

use std::collections::BTreeSet;

use super::CodedCorpus;
use crate::codebook::Codebook;
use crate::corpus::{Document, Segment};
use crate::{Error, Result};

/// What to retrieve.
#[derive(Debug, Clone, Default)]
pub struct QuoteQuery {
    /// Codes (a parent includes its children).
    pub codes: Vec<String>,
    /// Any of the codes instead of all of them.
    pub any: bool,
    /// `attribute = value` conditions on the document, all of which must hold.
    pub filters: Vec<(String, String)>,
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
    /// The queried codes it has (each as the code id that matched it).
    pub codes: Vec<String>,
    /// Code-point ranges within the segment text of the words that matched those codes,
    /// sorted and merged.
    pub highlights: Vec<(usize, usize)>,
    /// Context segments before, in order.
    pub before: &'a [Segment],
    /// Context segments after, in order.
    pub after: &'a [Segment],
}

/// Parses `ATTR=VALUE`.
pub fn parse_filter(text: &str) -> Result<(String, String)> {
    match text.split_once('=') {
        Some((attr, value)) if !attr.trim().is_empty() => {
            Ok((attr.trim().to_lowercase(), value.trim().to_owned()))
        }
        _ => Err(Error::Usage(format!(
            "--where takes ATTR=VALUE, got {text:?}"
        ))),
    }
}

/// Finds the quotes in document and segment order.
pub fn find_quotes<'a>(corpus: &CodedCorpus<'a>, query: &QuoteQuery) -> Result<Vec<Quote<'a>>> {
    if query.codes.is_empty() {
        return Err(Error::Usage("give at least one --code".into()));
    }
    for code in &query.codes {
        super::selection::require_code(corpus.codebook, code)?;
    }
    for (attr, _) in &query.filters {
        corpus.require_attribute(attr)?;
    }
    let mut quotes = Vec::new();
    for (doc, codings) in corpus.documents.iter().zip(corpus.codings) {
        let selected = query
            .filters
            .iter()
            .all(|(attr, value)| doc.attributes.get(attr).is_some_and(|v| v == value));
        if !selected {
            continue;
        }
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
            let mut ranges: Vec<(usize, usize)> = relevant
                .iter()
                .map(|c| (c.start - segment.start, c.end - segment.start))
                .collect();
            ranges.sort_unstable();
            let mut highlights: Vec<(usize, usize)> = Vec::new();
            for (start, end) in ranges {
                match highlights.last_mut() {
                    Some(last) if start <= last.1 => last.1 = last.1.max(end),
                    _ => highlights.push((start, end)),
                }
            }
            let position = segment_index - 1;
            quotes.push(Quote {
                document: doc,
                segment,
                codes: codes.into_iter().collect(),
                highlights,
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

/// The segment text with the highlighted ranges wrapped in `open` and `close`.
pub fn mark(text: &str, highlights: &[(usize, usize)], open: &str, close: &str) -> String {
    let mut out = String::with_capacity(text.len() + highlights.len() * (open.len() + close.len()));
    let mut ranges = highlights.iter().peekable();
    for (i, c) in text.chars().enumerate() {
        if ranges.peek().is_some_and(|r| r.0 == i) {
            out.push_str(open);
        }
        out.push(c);
        if let Some(&&(_, end)) = ranges.peek()
            && end == i + 1
        {
            out.push_str(close);
            ranges.next();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_code_point_ranges() {
        assert_eq!(
            mark("Één brief kwam", &[(0, 3), (4, 9)], "**", "**"),
            "**Één** **brief** kwam"
        );
        assert_eq!(mark("abc", &[], "[", "]"), "abc");
    }

    #[test]
    fn filters_parse() {
        assert_eq!(
            parse_filter("cohort=2024-wave1").unwrap(),
            ("cohort".into(), "2024-wave1".into())
        );
        assert!(parse_filter("cohort").is_err());
    }
}

//! Verification, not trust: a suggestion becomes a coding only when its code is in the
//! codebook and its evidence occurs in the turn, compared word by word in the folded form the
//! matcher uses (case, accents, typographic apostrophes and punctuation do not matter). The
//! evidence's span is the coding's `start`/`end`; `…` or `...` in the evidence skips words,
//! as in a rule's `matched`. Everything else is listed as dropped, with its reason.

use crate::codebook::Codebook;
use crate::corpus::Document;
use crate::engine::Coding;

use super::Unit;
use super::client::Answer;

/// Why a suggestion or answer was not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// The request got no usable answer (timeouts, server errors).
    NoAnswer,
    /// The answer is not JSON of the asked shape.
    Malformed,
    /// The code is not in the codebook.
    UnknownCode,
    /// The evidence does not occur in the turn.
    EvidenceNotInTurn,
    /// The suggestion has no evidence.
    NoEvidence,
}

impl Reason {
    /// The reason as the summary and the log write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NoAnswer => "no answer",
            Reason::Malformed => "malformed answer",
            Reason::UnknownCode => "unknown code",
            Reason::EvidenceNotInTurn => "evidence not in the turn",
            Reason::NoEvidence => "no evidence",
        }
    }
}

/// A suggestion or answer that was not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// Index of the document.
    pub document: usize,
    /// The turn.
    pub turn: usize,
    /// Why.
    pub reason: Reason,
    /// The code suggested ("" for a whole answer).
    pub code: String,
    /// The evidence, or the answer or error for a whole answer.
    pub detail: String,
}

/// What one unit's answer gave.
#[derive(Debug, Default)]
pub struct Checked {
    /// Suggestions in the answer.
    pub suggestions: usize,
    /// The codings kept.
    pub codings: Vec<Coding>,
    /// What was dropped.
    pub dropped: Vec<Dropped>,
}

/// Checks the answer for `unit` of `document`.
pub fn check(
    answer: &Answer,
    unit: &Unit,
    document: &Document,
    codebook: &Codebook,
    rule: &str,
) -> Checked {
    let mut out = Checked::default();
    let drop = |reason: Reason, code: &str, detail: &str| Dropped {
        document: unit.document,
        turn: unit.turn,
        reason,
        code: code.to_owned(),
        detail: detail.to_owned(),
    };
    let content = match answer {
        Ok(content) => content,
        Err(why) => {
            out.dropped.push(drop(Reason::NoAnswer, "", why));
            return out;
        }
    };
    let Some(suggestions) = parse(content) else {
        out.dropped
            .push(drop(Reason::Malformed, "", content.trim()));
        return out;
    };
    let words: Vec<crate::text::Word> = crate::text::words(&unit.text).collect();
    for (code, evidence) in suggestions {
        out.suggestions += 1;
        let Some(id) = resolve(codebook, &code) else {
            out.dropped
                .push(drop(Reason::UnknownCode, &code, &evidence));
            continue;
        };
        match locate(&words, &evidence) {
            Located::Empty => out.dropped.push(drop(Reason::NoEvidence, &id, &evidence)),
            Located::Missing => out
                .dropped
                .push(drop(Reason::EvidenceNotInTurn, &id, &evidence)),
            Located::At(spans) => out.codings.push(coding(unit, document, &spans, id, rule)),
        }
    }
    out
}

/// The coding for evidence found at byte `spans` of the unit's text: placed in the segment
/// where the evidence starts, and ending there at the latest.
fn coding(
    unit: &Unit,
    document: &Document,
    spans: &[(usize, usize)],
    code: String,
    rule: &str,
) -> Coding {
    let point = |byte: usize| unit.start + unit.text[..byte].chars().count();
    let (start, end) = (point(spans[0].0), point(spans[spans.len() - 1].1));
    let segments = &document.segments[unit.segments.clone()];
    let segment = segments
        .iter()
        .rev()
        .find(|s| s.start <= start)
        .unwrap_or(&segments[0]);
    Coding {
        segment: segment.index,
        start: start.max(segment.start),
        end: end.min(segment.end),
        code,
        rule: rule.to_owned(),
        matched: spans
            .iter()
            .map(|&(s, e)| &unit.text[s..e])
            .collect::<Vec<_>>()
            .join(" … "),
    }
}

/// The (code, evidence) pairs of an answer: `{"codes": [{"code", "evidence"}]}` (or a bare
/// list of such objects), possibly inside a Markdown code fence or after some prose; `None`
/// when there is no such JSON.
pub fn parse(content: &str) -> Option<Vec<(String, String)>> {
    let start = content.find(['{', '['])?;
    let value: serde_json::Value = serde_json::Deserializer::from_str(&content[start..])
        .into_iter::<serde_json::Value>()
        .next()?
        .ok()?;
    let items = match &value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(map) => map.get("codes")?.as_array()?,
        _ => return None,
    };
    items
        .iter()
        .map(|item| {
            let field = |names: &[&str]| {
                names
                    .iter()
                    .find_map(|n| item.get(*n))
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            };
            Some((
                field(&["code", "id"])?,
                field(&["evidence", "quote", "text"]).unwrap_or_default(),
            ))
        })
        .collect()
}

/// The codebook id a suggestion names: the id itself, the id in another case, the last part
/// of one id (`initiative` for `proactivity.initiative`) or one code's label; `None` when it
/// names no code or several.
pub fn resolve(codebook: &Codebook, name: &str) -> Option<String> {
    let name = name.trim();
    if let Some(code) = codebook.code(name) {
        return Some(code.id.clone());
    }
    let unique = |matches: Vec<&String>| (matches.len() == 1).then(|| matches[0].clone());
    let ids = |f: &dyn Fn(&crate::codebook::Code) -> bool| {
        codebook
            .codes
            .iter()
            .filter(|c| f(c))
            .map(|c| &c.id)
            .collect::<Vec<_>>()
    };
    let last = name.rsplit('.').next().unwrap_or(name);
    unique(ids(&|c| c.id.eq_ignore_ascii_case(name)))
        .or_else(|| {
            unique(ids(&|c| {
                c.id.rsplit('.')
                    .next()
                    .is_some_and(|l| l.eq_ignore_ascii_case(last))
            }))
        })
        .or_else(|| {
            unique(ids(&|c| {
                c.labels.values().any(|l| l.eq_ignore_ascii_case(name))
            }))
        })
}

/// Where evidence is in a text.
#[derive(Debug, PartialEq, Eq)]
enum Located {
    /// The evidence has no words.
    Empty,
    /// Some part of it is not in the text (in order).
    Missing,
    /// Byte spans of its parts in the text.
    At(Vec<(usize, usize)>),
}

/// Finds the parts of `evidence` (split at `…` or `...`) in order among `words`.
fn locate(words: &[crate::text::Word], evidence: &str) -> Located {
    let parts: Vec<Vec<String>> = evidence
        .replace("...", "…")
        .split('…')
        .map(|p| crate::text::words(p).map(|w| w.folded).collect::<Vec<_>>())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return Located::Empty;
    }
    let mut from = 0;
    let mut spans = Vec::new();
    for part in &parts {
        let found = (from..=words.len().saturating_sub(part.len())).find(|&i| {
            i + part.len() <= words.len()
                && words[i..i + part.len()]
                    .iter()
                    .zip(part)
                    .all(|(w, p)| &w.folded == p)
        });
        let Some(i) = found else {
            return Located::Missing;
        };
        spans.push((words[i].start, words[i + part.len() - 1].end));
        from = i + part.len();
    }
    Located::At(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str, evidence: &str) -> Located {
        let words: Vec<_> = crate::text::words(text).collect();
        locate(&words, evidence)
    }

    #[test]
    fn evidence_is_found_word_by_word_in_the_folded_form() {
        let text = "Ze belden me zélf op, héél vriendelijk... en ik was blij.";
        assert_eq!(find(text, "belden me zelf"), Located::At(vec![(3, 18)]));
        assert_eq!(find(text, "ZE BELDEN"), Located::At(vec![(0, 9)]));
        assert_eq!(
            find(text, "belden … blij"),
            Located::At(vec![(3, 9), (text.find("blij").unwrap(), text.len() - 1)])
        );
        assert_eq!(
            find(text, "heel vriendelijk, en"),
            Located::At(vec![(
                text.find("héél").unwrap(),
                text.find(" ik").unwrap()
            )])
        );
        assert_eq!(find(text, "blij … belden"), Located::Missing);
        assert_eq!(find(text, "ze belden niet"), Located::Missing);
        assert_eq!(find(text, "..."), Located::Empty);
        assert_eq!(find(text, ""), Located::Empty);
    }

    #[test]
    fn answers_are_read_from_fences_prose_and_bare_lists() {
        let pairs = vec![("a".to_owned(), "x".to_owned())];
        assert_eq!(
            parse(r#"{"codes":[{"code":"a","evidence":"x"}]}"#),
            Some(pairs.clone())
        );
        assert_eq!(
            parse(
                "Here you go:\n```json\n{\"codes\": [{\"code\": \"a\", \"evidence\": \"x\"}]}\n```"
            ),
            Some(pairs.clone())
        );
        assert_eq!(parse(r#"[{"code":"a","evidence":"x"}]"#), Some(pairs));
        assert_eq!(parse(r#"{"codes":[]}"#), Some(vec![]));
        assert_eq!(parse("no codes apply"), None);
        assert_eq!(parse(r#"{"codes":[{"evidence":"x"}]}"#), None);
        assert_eq!(parse(r#"{"codes": [{"code": "a", "#), None);
    }
}

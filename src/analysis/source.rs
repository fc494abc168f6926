//! Which codings an analysis counts: the codebook's (`auto`), human codings read from files
//! (one coder, or a consensus of several), or both side by side.
//!
//! Human codings become [`Coding`]s of the segments they cover, so every analysis reads them
//! the way it reads the auto-coder's.

use std::collections::{BTreeMap, BTreeSet};

use crate::corpus::{Document, Role};
use crate::engine::Coding;
use crate::ingest::human::HumanCoding;
use crate::{Error, Result};

/// The coding source of an analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    /// The codebook's rules applied now.
    Auto,
    /// The codings files (`--codings`).
    Human,
    /// Both, side by side.
    Both,
}

/// How several coders' codings of a document become one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Consensus {
    /// More than half of the coders who coded the document gave the code.
    Majority,
    /// At least one of them gave it.
    Any,
    /// Every one of them gave it.
    All,
}

impl Consensus {
    /// The rule's name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Consensus::Majority => "majority",
            Consensus::Any => "any",
            Consensus::All => "all",
        }
    }

    /// Whether `votes` of `coders` coders giving a code is enough.
    fn holds(self, votes: usize, coders: usize) -> bool {
        match self {
            Consensus::Majority => 2 * votes > coders,
            Consensus::Any => votes >= 1,
            Consensus::All => votes == coders,
        }
    }
}

/// Whose human codings count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoderPick {
    /// One coder.
    Coder(String),
    /// A consensus of every coder in the files.
    Consensus(Consensus),
}

/// Human codings turned into per-document codings.
#[derive(Debug, Clone)]
pub struct HumanSet {
    /// The name shown for the source: the coder, or `consensus (majority)`.
    pub name: String,
    /// The coders behind it.
    pub coders: Vec<String>,
    /// Per document of the corpus: whether the coder(s) coded it.
    pub covered: Vec<bool>,
    /// Per document of the corpus: the codings, in segment order.
    pub codings: Vec<Vec<Coding>>,
    /// Codings left out because they sit on interviewer turns or the preamble.
    pub not_respondent: usize,
}

/// The `rule` of a human coding in outputs: `coder anna`, `consensus majority (2 of 3)`.
fn rule_of(pick: &str, votes: Option<(usize, usize)>) -> String {
    match votes {
        Some((votes, coders)) => format!("{pick} ({votes} of {coders})"),
        None => pick.to_owned(),
    }
}

/// Turns human codings into per-document codings for one coder or a consensus; `pick` may be
/// left out when the files hold one coder. Codings of segments that are not respondent
/// speech are left out unless `keep_interviewer` (and counted in
/// [`HumanSet::not_respondent`]).
pub fn human_set(
    documents: &[Document],
    human: &[HumanCoding],
    pick: Option<&CoderPick>,
    keep_interviewer: bool,
) -> Result<HumanSet> {
    let all_coders: BTreeSet<&str> = human.iter().map(|c| c.coder.as_str()).collect();
    if all_coders.is_empty() {
        return Err(Error::Usage("the codings files hold no codings".to_owned()));
    }
    let listed = || {
        all_coders
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (name, coders, consensus): (String, Vec<String>, Option<Consensus>) = match pick {
        Some(CoderPick::Coder(coder)) => {
            if !all_coders.contains(coder.as_str()) {
                return Err(Error::Usage(format!(
                    "no coder `{coder}` in the codings files; coders: {}",
                    listed()
                )));
            }
            (coder.clone(), vec![coder.clone()], None)
        }
        Some(CoderPick::Consensus(rule)) => (
            format!("consensus ({})", rule.name()),
            all_coders.iter().map(|c| (*c).to_owned()).collect(),
            Some(*rule),
        ),
        None if all_coders.len() == 1 => {
            let coder = all_coders.iter().next().map(|c| (*c).to_owned());
            let coder = coder.unwrap_or_default();
            (coder.clone(), vec![coder], None)
        }
        None => {
            return Err(Error::Usage(format!(
                "the codings files hold {} coders ({}): pick one with --coder NAME or combine them with --consensus majority|any|all",
                all_coders.len(),
                listed()
            )));
        }
    };
    let chosen: BTreeSet<&str> = coders.iter().map(String::as_str).collect();
    // Per document: the coders who coded it, and per (segment, code) the coders who gave it
    // with the spans they marked.
    let mut coded_by: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); documents.len()];
    type Votes<'a> = BTreeMap<(usize, &'a str), (BTreeSet<&'a str>, Vec<(usize, usize)>)>;
    let mut votes: Vec<Votes<'_>> = vec![BTreeMap::new(); documents.len()];
    let mut not_respondent = 0;
    for coding in human.iter().filter(|c| chosen.contains(c.coder.as_str())) {
        coded_by[coding.document].insert(coding.coder.as_str());
        let Some(code) = &coding.code else { continue };
        let doc = &documents[coding.document];
        for &s in &coding.segments {
            let segment = &doc.segments[s - 1];
            if segment.role != Role::Respondent && !keep_interviewer {
                not_respondent += 1;
                continue;
            }
            let entry = votes[coding.document]
                .entry((s, code.as_str()))
                .or_default();
            entry.0.insert(coding.coder.as_str());
            if let Some((start, end)) = coding.span {
                let (start, end) = (start.max(segment.start), end.min(segment.end));
                if start < end {
                    entry.1.push((start, end));
                }
            }
        }
    }
    let mut codings = Vec::with_capacity(documents.len());
    for (d, doc) in documents.iter().enumerate() {
        let coders_here = coded_by[d].len();
        let mut list = Vec::new();
        for (&(s, code), (who, spans)) in &votes[d] {
            let label = match consensus {
                Some(rule) => {
                    if !rule.holds(who.len(), coders_here) {
                        continue;
                    }
                    rule_of(
                        &format!("consensus {}", rule.name()),
                        Some((who.len(), coders_here)),
                    )
                }
                None => rule_of(&format!("coder {}", name), None),
            };
            let segment = &doc.segments[s - 1];
            let mut spans = spans.clone();
            spans.sort_unstable();
            spans.dedup();
            if spans.is_empty() {
                // No span given: the whole segment is coded, no words are marked.
                spans.push((segment.start, segment.start));
            }
            for (start, end) in spans {
                list.push(Coding {
                    segment: s,
                    start,
                    end,
                    code: code.to_owned(),
                    rule: label.clone(),
                    matched: String::new(),
                });
            }
        }
        codings.push(list);
    }
    Ok(HumanSet {
        name,
        coders,
        covered: coded_by.iter().map(|c| !c.is_empty()).collect(),
        codings,
        not_respondent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Format, Segment};

    fn document() -> Document {
        let segment = |index: usize, role: Role| Segment {
            index,
            turn: index,
            paragraph: 1,
            speaker: if role == Role::Respondent { "R" } else { "I" }.into(),
            role,
            start: 10 * (index - 1),
            end: 10 * index - 1,
            timestamp: None,
            end_timestamp: None,
            text: "123456789".into(),
        };
        Document {
            id: "D".into(),
            path: "d.txt".into(),
            format: Format::PlainText,
            encoding: "UTF-8",
            text: "123456789\n".repeat(3),
            attributes: Default::default(),
            segments: vec![
                segment(1, Role::Interviewer),
                segment(2, Role::Respondent),
                segment(3, Role::Respondent),
            ],
            language: "en".into(),
            warnings: Vec::new(),
        }
    }

    fn coding(coder: &str, code: &str, segment: usize) -> HumanCoding {
        HumanCoding {
            document: 0,
            coder: coder.into(),
            code: Some(code.into()),
            segments: vec![segment],
            rule: None,
            span: None,
            memo: None,
            line: 1,
        }
    }

    fn codes(set: &HumanSet) -> Vec<(usize, &str)> {
        set.codings[0]
            .iter()
            .map(|c| (c.segment, c.code.as_str()))
            .collect()
    }

    #[test]
    fn consensus_rules_count_the_coders_of_the_document() {
        let docs = [document()];
        let human = [
            coding("a", "x", 2),
            coding("b", "x", 2),
            coding("c", "x", 3),
            coding("c", "y", 2),
            coding("a", "z", 1),
        ];
        let run = |rule| human_set(&docs, &human, Some(&CoderPick::Consensus(rule)), false);
        let majority = run(Consensus::Majority).unwrap();
        assert_eq!(codes(&majority), [(2, "x")]);
        assert_eq!(majority.codings[0][0].rule, "consensus majority (2 of 3)");
        assert_eq!(
            codes(&run(Consensus::Any).unwrap()),
            [(2, "x"), (2, "y"), (3, "x")]
        );
        assert!(codes(&run(Consensus::All).unwrap()).is_empty());
        // The interviewer segment coded by `a` is left out and counted.
        assert_eq!(majority.not_respondent, 1);
        let a = human_set(&docs, &human, Some(&CoderPick::Coder("a".into())), true).unwrap();
        assert_eq!(codes(&a), [(1, "z"), (2, "x")]);
    }

    #[test]
    fn several_coders_need_a_pick() {
        let docs = [document()];
        let human = [coding("a", "x", 2), coding("b", "x", 2)];
        let err = human_set(&docs, &human, None, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("2 coders (`a`, `b`)"), "{err}");
        let err = human_set(&docs, &human, Some(&CoderPick::Coder("q".into())), false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no coder `q`"), "{err}");
        assert_eq!(
            human_set(&docs, &human[..1], None, false).unwrap().name,
            "a"
        );
    }
}

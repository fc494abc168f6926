//! The review's state: the coded units, what the reviewer decided, the codes they added and
//! where they are. The terminal screen and the script path both change it through the same
//! operations; [`Review::rows`] is what gets saved.

use std::collections::HashMap;
use std::path::Path;

use super::Item;
use super::file::{Decision, Row};
use crate::codebook::Codebook;
use crate::corpus::{Document, Segment};
use crate::{Error, Result};

/// The reviewer's decision on one item and their memo.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// [`Decision::Accepted`] or [`Decision::Rejected`]; `None` until decided.
    pub decision: Option<Decision>,
    /// The memo (empty for none).
    pub memo: String,
}

/// A code the reviewer put on a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    /// Index of the document in the corpus.
    pub document: usize,
    /// 1-based segment index.
    pub segment: usize,
    /// The code id.
    pub code: String,
    /// The memo (empty for none).
    pub memo: String,
}

/// A place in the review: an item to decide or a code the reviewer added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// The item with this index.
    Item(usize),
    /// The added code with this index.
    Added(usize),
}

/// What an operation did, to tell the reviewer; an `Err` changed nothing.
pub type Outcome = std::result::Result<String, String>;

/// What resuming found in the review file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resumed {
    /// Items with a decision read back.
    pub decided: usize,
    /// Codes the reviewer had added.
    pub added: usize,
    /// Rows that match no item of this run (other inputs, codes or codebook); kept as
    /// they are.
    pub carried: usize,
}

/// Everything shown about one entry.
#[derive(Debug)]
pub struct View<'r> {
    /// The document.
    pub document: &'r Document,
    /// The segment coded.
    pub segment: &'r Segment,
    /// The interviewer's turn before it.
    pub question: Vec<&'r Segment>,
    /// The code id.
    pub code: &'r str,
    /// The code's label in the document's language.
    pub label: &'r str,
    /// The decision so far (`None`: undecided); an added code shows [`Decision::Added`].
    pub decision: Option<Decision>,
    /// Who coded it; empty for an added code.
    pub source: &'r str,
    /// The rules that matched.
    pub rules: String,
    /// The matched words.
    pub matched: String,
    /// Code-point ranges of the matched words within the segment text.
    pub highlights: Vec<(usize, usize)>,
    /// The memo.
    pub memo: &'r str,
    /// The other codes on this segment, each with its decision.
    pub others: Vec<(&'r str, Option<Decision>)>,
    /// 1-based item number (`None` for an added code).
    pub number: Option<usize>,
}

/// A review in progress.
pub struct Review<'a> {
    documents: &'a [Document],
    codebook: &'a Codebook,
    coder: String,
    items: Vec<Item>,
    verdicts: Vec<Verdict>,
    added: Vec<Added>,
    carried: Vec<Row>,
    entries: Vec<Entry>,
    position: usize,
}

impl<'a> Review<'a> {
    /// A review of `items` (sorted by document and segment) by `coder`, nothing decided;
    /// an error when there are no items.
    pub fn new(
        documents: &'a [Document],
        codebook: &'a Codebook,
        items: Vec<Item>,
        coder: &str,
    ) -> Result<Review<'a>> {
        if items.is_empty() {
            return Err(Error::Usage(
                "nothing to review: the inputs have no codings (of the --code given)".into(),
            ));
        }
        let mut review = Review {
            documents,
            codebook,
            coder: coder.to_owned(),
            verdicts: vec![Verdict::default(); items.len()],
            items,
            added: Vec::new(),
            carried: Vec::new(),
            entries: Vec::new(),
            position: 0,
        };
        review.rebuild();
        Ok(review)
    }

    /// Takes up the decisions of an earlier session from the rows of its review file and
    /// moves to the first undecided item.
    pub fn resume(&mut self, path: &Path, rows: Vec<(usize, Row)>) -> Result<Resumed> {
        let documents: HashMap<&str, usize> = self
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect();
        let items: HashMap<(usize, usize, &str, &str), usize> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                (
                    (
                        it.document,
                        it.segment,
                        it.code.as_str(),
                        it.source.as_str(),
                    ),
                    i,
                )
            })
            .collect();
        let mut resumed = Resumed::default();
        let mut found: Vec<(usize, Verdict)> = Vec::new();
        let mut added = Vec::new();
        let mut carried = Vec::new();
        for (line, row) in rows {
            if row.coder != self.coder {
                return Err(Error::input_line(
                    path,
                    line,
                    format!(
                        "this review is by `{}`, not `{}`: give --coder {} to go on with it, or another -o",
                        row.coder, self.coder, row.coder
                    ),
                ));
            }
            let document = documents.get(row.document.as_str()).copied();
            let fits = document.is_some_and(|d| {
                (1..=self.documents[d].segments.len()).contains(&row.segment)
                    && self.codebook.code(&row.code).is_some()
            });
            match (row.decision, document) {
                (Decision::Added, Some(document)) if fits => added.push(Added {
                    document,
                    segment: row.segment,
                    code: row.code,
                    memo: row.memo,
                }),
                (Decision::Accepted | Decision::Rejected | Decision::Pending, Some(document)) => {
                    let key = (
                        document,
                        row.segment,
                        row.code.as_str(),
                        row.source.as_str(),
                    );
                    match items.get(&key) {
                        Some(&i) => found.push((
                            i,
                            Verdict {
                                decision: (row.decision != Decision::Pending)
                                    .then_some(row.decision),
                                memo: row.memo,
                            },
                        )),
                        None => carried.push(row),
                    }
                }
                _ => carried.push(row),
            }
        }
        for (i, verdict) in found {
            self.verdicts[i] = verdict;
        }
        resumed.decided = self.decided();
        resumed.added = added.len();
        resumed.carried = carried.len();
        self.added = added;
        self.carried = carried;
        self.rebuild();
        self.position = self.first_undecided().unwrap_or(0);
        Ok(resumed)
    }

    /// The rows of the review file: every decided item, every added code and the rows of an
    /// earlier session this run does not cover, by document and segment.
    pub fn rows(&self) -> Vec<Row> {
        // Rows sort by document, segment, then the codes reviewed (by code) before the codes
        // added (in the order added), whichever run made them.
        type Key = (usize, usize, bool, String);
        let key = |document: usize, row: &Row| {
            let added = row.decision == Decision::Added;
            let code = if added {
                String::new()
            } else {
                row.code.clone()
            };
            (document, row.segment, added, code)
        };
        let mut rows: Vec<(Key, Row)> = Vec::new();
        for entry in &self.entries {
            let (document, segment, code, source, decision, memo, item) = match *entry {
                Entry::Item(i) => {
                    let (item, verdict) = (&self.items[i], &self.verdicts[i]);
                    let decision = match verdict.decision {
                        Some(d) => d,
                        None if !verdict.memo.is_empty() => Decision::Pending,
                        None => continue,
                    };
                    (
                        item.document,
                        item.segment,
                        &item.code,
                        item.source.as_str(),
                        decision,
                        &verdict.memo,
                        Some(item),
                    )
                }
                Entry::Added(j) => {
                    let a = &self.added[j];
                    (
                        a.document,
                        a.segment,
                        &a.code,
                        "",
                        Decision::Added,
                        &a.memo,
                        None,
                    )
                }
            };
            let doc = &self.documents[document];
            let s = &doc.segments[segment - 1];
            let row = Row {
                document: doc.id.clone(),
                segment,
                turn: s.turn,
                paragraph: s.paragraph,
                speaker: s.speaker.clone(),
                code: code.clone(),
                coder: self.coder.clone(),
                decision,
                source: source.to_owned(),
                rule: item.map(Item::rules).unwrap_or_default(),
                matched: item.map(Item::matched).unwrap_or_default(),
                span: item.and_then(Item::span),
                memo: memo.clone(),
            };
            rows.push((key(document, &row), row));
        }
        for row in &self.carried {
            let document = self
                .documents
                .iter()
                .position(|d| d.id == row.document)
                .unwrap_or(usize::MAX);
            rows.push((key(document, row), row.clone()));
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        rows.into_iter().map(|(_, row)| row).collect()
    }

    /// The items under review.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// The verdict on item `i`.
    pub fn verdict(&self, i: usize) -> &Verdict {
        &self.verdicts[i]
    }

    /// Items decided so far.
    pub fn decided(&self) -> usize {
        self.verdicts
            .iter()
            .filter(|v| v.decision.is_some())
            .count()
    }

    /// Every entry in order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The position of the current entry in [`Review::entries`].
    pub fn position(&self) -> usize {
        self.position
    }

    /// The current entry.
    pub fn current(&self) -> Entry {
        self.entries[self.position]
    }

    /// The document index of the current entry.
    pub fn document(&self) -> usize {
        self.place(self.current()).0
    }

    /// Everything shown about `entry`.
    pub fn view(&self, entry: Entry) -> View<'_> {
        let (document, segment) = self.place(entry);
        let doc = &self.documents[document];
        let seg = &doc.segments[segment - 1];
        let label_of = |code: &str| {
            self.codebook
                .code(code)
                .map_or("", |c| c.label(&doc.language))
        };
        let mut others: Vec<(&str, Option<Decision>)> = Vec::new();
        for &other in self.entries.iter().filter(|&&e| e != entry) {
            if self.place(other) == (document, segment) {
                others.push(match other {
                    Entry::Item(i) => (self.items[i].code.as_str(), self.verdicts[i].decision),
                    Entry::Added(j) => (self.added[j].code.as_str(), Some(Decision::Added)),
                });
            }
        }
        let (code, decision, source, memo, number, item) = match entry {
            Entry::Item(i) => {
                let item = &self.items[i];
                let verdict = &self.verdicts[i];
                let (code, source) = (item.code.as_str(), item.source.as_str());
                (
                    code,
                    verdict.decision,
                    source,
                    verdict.memo.as_str(),
                    Some(i + 1),
                    Some(item),
                )
            }
            Entry::Added(j) => {
                let added = &self.added[j];
                let (code, memo) = (added.code.as_str(), added.memo.as_str());
                (code, Some(Decision::Added), "", memo, None, None)
            }
        };
        View {
            document: doc,
            segment: seg,
            question: super::question(doc, seg),
            code,
            label: label_of(code),
            decision,
            source,
            rules: item.map(Item::rules).unwrap_or_default(),
            matched: item.map(Item::matched).unwrap_or_default(),
            highlights: item.map(|it| it.highlights(seg)).unwrap_or_default(),
            memo,
            others,
            number,
        }
    }

    /// The codebook's codes whose id or label contains `text` (any case), in tree order.
    pub fn codes_matching(&self, text: &str, language: &str) -> Vec<(&'a str, &'a str)> {
        let needle = text.trim().to_lowercase();
        self.codebook
            .tree_order()
            .into_iter()
            .filter(|c| {
                c.id.to_lowercase().contains(&needle)
                    || c.label(language).to_lowercase().contains(&needle)
            })
            .map(|c| (c.id.as_str(), c.label(language)))
            .collect()
    }

    /// Accepts the current item and moves to the next.
    pub fn accept(&mut self) -> Outcome {
        let message = match self.current() {
            Entry::Item(i) => {
                self.verdicts[i].decision = Some(Decision::Accepted);
                format!("accepted {}", self.items[i].code)
            }
            Entry::Added(j) => format!("{} is a code you added", self.added[j].code),
        };
        self.advance();
        Ok(message)
    }

    /// Rejects the current item and moves to the next; on an added code, takes it away.
    pub fn reject(&mut self) -> Outcome {
        match self.current() {
            Entry::Item(i) => {
                self.verdicts[i].decision = Some(Decision::Rejected);
                let message = format!("rejected {}", self.items[i].code);
                self.advance();
                Ok(message)
            }
            Entry::Added(j) => {
                let removed = self.added.remove(j);
                self.rebuild();
                self.position = self.position.min(self.entries.len() - 1);
                Ok(format!("took away {}", removed.code))
            }
        }
    }

    /// Adds `code` to the current segment (accepting the item when the coder had it).
    pub fn add(&mut self, code: &str) -> Outcome {
        self.check_code(code)?;
        let (document, segment) = self.place(self.current());
        let here = |d: usize, s: usize, c: &str| d == document && s == segment && c == code;
        if let Some(i) = self
            .items
            .iter()
            .position(|it| here(it.document, it.segment, &it.code))
        {
            self.verdicts[i].decision = Some(Decision::Accepted);
            return Ok(format!("{code} was coded here already: accepted it"));
        }
        if self
            .added
            .iter()
            .any(|a| here(a.document, a.segment, &a.code))
        {
            return Ok(format!("{code} is on this segment already"));
        }
        let current = self.current();
        self.added.push(Added {
            document,
            segment,
            code: code.to_owned(),
            memo: String::new(),
        });
        self.rebuild();
        self.position = self
            .entries
            .iter()
            .position(|&e| e == current)
            .unwrap_or(self.position);
        Ok(format!("added {code}"))
    }

    /// Replaces the current code with `code`: the item is rejected and `code` added (an
    /// added code is simply changed); then moves on.
    pub fn change(&mut self, code: &str) -> Outcome {
        self.check_code(code)?;
        let message = match self.current() {
            Entry::Item(i) => {
                if self.items[i].code == code {
                    return Err(format!("this is {code} already"));
                }
                let old = self.items[i].code.clone();
                self.add(code)?;
                self.verdicts[i].decision = Some(Decision::Rejected);
                format!("rejected {old}, added {code}")
            }
            Entry::Added(j) => {
                let (document, segment) = (self.added[j].document, self.added[j].segment);
                let taken = self
                    .added
                    .iter()
                    .any(|a| a.document == document && a.segment == segment && a.code == code)
                    || self.items.iter().any(|it| {
                        it.document == document && it.segment == segment && it.code == code
                    });
                if taken {
                    return Err(format!("{code} is on this segment already"));
                }
                let old = std::mem::replace(&mut self.added[j].code, code.to_owned());
                format!("changed {old} into {code}")
            }
        };
        self.advance();
        Ok(message)
    }

    /// Sets the memo of the current entry (empty text clears it).
    pub fn memo(&mut self, text: &str) -> Outcome {
        let text = text.trim().to_owned();
        let message = if text.is_empty() {
            "memo cleared"
        } else {
            "memo saved"
        };
        match self.current() {
            Entry::Item(i) => self.verdicts[i].memo = text,
            Entry::Added(j) => self.added[j].memo = text,
        }
        Ok(message.to_owned())
    }

    /// The memo of the current entry.
    pub fn current_memo(&self) -> &str {
        match self.current() {
            Entry::Item(i) => &self.verdicts[i].memo,
            Entry::Added(j) => &self.added[j].memo,
        }
    }

    /// Moves to the next entry.
    pub fn forward(&mut self) -> Outcome {
        if self.position + 1 < self.entries.len() {
            self.position += 1;
            Ok(String::new())
        } else {
            Err("this is the last coding".into())
        }
    }

    /// Moves to the previous entry.
    pub fn back(&mut self) -> Outcome {
        if self.position > 0 {
            self.position -= 1;
            Ok(String::new())
        } else {
            Err("this is the first coding".into())
        }
    }

    /// Moves to the first entry of the next document.
    pub fn next_document(&mut self) -> Outcome {
        let document = self.document();
        match self
            .entries
            .iter()
            .position(|&e| self.place(e).0 > document)
        {
            Some(p) => {
                self.position = p;
                Ok(format!("document {}", self.documents[self.document()].id))
            }
            None => Err("this is the last document".into()),
        }
    }

    /// Moves to the first entry of the previous document.
    pub fn previous_document(&mut self) -> Outcome {
        let document = self.document();
        let Some(previous) = self.entries[..self.position]
            .iter()
            .map(|&e| self.place(e).0)
            .rfind(|&d| d < document)
        else {
            return Err("this is the first document".into());
        };
        self.position = self
            .entries
            .iter()
            .position(|&e| self.place(e).0 == previous)
            .unwrap_or(0);
        Ok(format!("document {}", self.documents[previous].id))
    }

    /// Moves to item `number` (1-based, as the plain list numbers them).
    pub fn go_to_item(&mut self, number: usize) -> Outcome {
        let target = Entry::Item(number.wrapping_sub(1));
        match self.entries.iter().position(|&e| e == target) {
            Some(p) => {
                self.position = p;
                Ok(String::new())
            }
            None => Err(format!(
                "there is no coding {number}: the list has 1 to {}",
                self.items.len()
            )),
        }
    }

    fn check_code(&self, code: &str) -> std::result::Result<(), String> {
        crate::analysis::selection::require_code(self.codebook, code).map_err(|e| e.to_string())
    }

    /// To the next item after the current entry (added codes skipped), if any.
    fn advance(&mut self) {
        if let Some(p) = self.entries[self.position + 1..]
            .iter()
            .position(|e| matches!(e, Entry::Item(_)))
        {
            self.position += 1 + p;
        }
    }

    fn first_undecided(&self) -> Option<usize> {
        self.entries
            .iter()
            .position(|&e| matches!(e, Entry::Item(i) if self.verdicts[i].decision.is_none()))
    }

    fn place(&self, entry: Entry) -> (usize, usize) {
        match entry {
            Entry::Item(i) => (self.items[i].document, self.items[i].segment),
            Entry::Added(j) => (self.added[j].document, self.added[j].segment),
        }
    }

    fn rebuild(&mut self) {
        let mut keyed: Vec<((usize, usize, bool, usize), Entry)> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| ((it.document, it.segment, false, i), Entry::Item(i)))
            .chain(
                self.added
                    .iter()
                    .enumerate()
                    .map(|(j, a)| ((a.document, a.segment, true, j), Entry::Added(j))),
            )
            .collect();
        keyed.sort_by_key(|(key, _)| *key);
        self.entries = keyed.into_iter().map(|(_, e)| e).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::fixture::document;

    fn item(document: usize, segment: usize, code: &str) -> Item {
        Item {
            document,
            segment,
            code: code.into(),
            source: "auto".into(),
            matches: Vec::new(),
        }
    }

    fn summary(review: &Review<'_>) -> Vec<String> {
        review
            .rows()
            .iter()
            .map(|r| {
                format!(
                    "{} {} {} {}",
                    r.document,
                    r.segment,
                    r.code,
                    r.decision.as_str()
                )
            })
            .collect()
    }

    #[test]
    fn moves_decides_adds_and_takes_away() {
        let codebook = Codebook::embedded().unwrap();
        let documents = vec![
            document("A", &["q1", "a1", "q2", "a2"]),
            document("B", &["q", "a"]),
        ];
        let items = vec![
            item(0, 2, "acceptance.privacy"),
            item(0, 2, "actor.housing"),
            item(0, 4, "acceptance.welcomed"),
            item(1, 2, "actor.municipality"),
        ];
        let mut review = Review::new(&documents, &codebook, items, "rev").unwrap();
        assert_eq!(review.current(), Entry::Item(0));
        assert!(review.back().is_err());
        review.accept().unwrap();
        assert_eq!(review.current(), Entry::Item(1));
        // Adding keeps the place; the added code follows the segment's items.
        review.add("actor.utility").unwrap();
        assert_eq!(review.current(), Entry::Item(1));
        assert_eq!(
            review.add("actor.utility").unwrap(),
            "actor.utility is on this segment already"
        );
        assert!(
            review
                .add("actor.nothing")
                .unwrap_err()
                .contains("did you mean")
        );
        // Adding a code the coder had on the segment accepts it.
        review.back().unwrap();
        review.add("actor.housing").unwrap();
        assert_eq!(review.verdict(1).decision, Some(Decision::Accepted));
        review.forward().unwrap();
        review.forward().unwrap();
        assert_eq!(review.current(), Entry::Added(0));
        assert_eq!(review.view(review.current()).others.len(), 2);
        // On an added code: change it, then take it away.
        review.change("actor.debt_help").unwrap();
        assert_eq!(review.current(), Entry::Item(2));
        review.back().unwrap();
        review.reject().unwrap();
        assert_eq!(review.current(), Entry::Item(2));
        review.change("acceptance.stigma").unwrap();
        assert_eq!(review.current(), Entry::Item(3));
        assert!(review.next_document().is_err());
        review.previous_document().unwrap();
        assert_eq!(review.current(), Entry::Item(0));
        review.next_document().unwrap();
        assert_eq!(review.current(), Entry::Item(3));
        review.memo("  the letter  ").unwrap();
        assert_eq!(
            summary(&review),
            [
                "A 2 acceptance.privacy accepted",
                "A 2 actor.housing accepted",
                "A 4 acceptance.welcomed rejected",
                "A 4 acceptance.stigma added",
                "B 2 actor.municipality pending",
            ]
        );
        assert_eq!(review.rows()[4].memo, "the letter");
        assert!(review.go_to_item(5).is_err());

        // A new run over fewer items takes the decisions up and keeps the rest as it was.
        let rows: Vec<(usize, Row)> = review.rows().into_iter().enumerate().collect();
        let fewer = vec![
            item(0, 4, "acceptance.welcomed"),
            item(1, 2, "actor.municipality"),
        ];
        let mut again = Review::new(&documents, &codebook, fewer, "rev").unwrap();
        let resumed = again.resume(Path::new("r.csv"), rows.clone()).unwrap();
        assert_eq!(
            resumed,
            Resumed {
                decided: 1,
                added: 1,
                carried: 2
            }
        );
        assert_eq!(
            again.current(),
            Entry::Item(1),
            "at the first undecided item"
        );
        assert_eq!(again.rows(), review.rows());
        let mut other =
            Review::new(&documents, &codebook, vec![item(0, 2, "actor")], "bram").unwrap();
        let message = other
            .resume(Path::new("r.csv"), rows)
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("r.csv:0: this review is by `rev`"),
            "{message}"
        );
    }
}

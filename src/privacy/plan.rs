//! Pseudonymising a set of sources in one go, and restoring them with a key.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use super::detect::{self, Found};
use super::key::{Key, Occurrence, PersonEntry};
use super::names::{self, Context, Matcher, NameHit};
use super::people::People;
use super::source::{Layout, Source};
use super::{Category, Style};

/// What the user adds to the detection.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Name style.
    pub style: Style,
    /// Names to replace wherever they occur (`--names`).
    pub names: Vec<String>,
    /// Words that are not names (`!word` lines of `--names`): never found by pattern nor
    /// listed for review.
    pub not_names: HashSet<String>,
}

/// A case for the review list, counted over its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewItem {
    /// The input file.
    pub file: String,
    /// 1-based line of the first occurrence in the input.
    pub line: usize,
    /// 1-based column (in characters) of the first occurrence.
    pub column: usize,
    /// What it may be.
    pub category: Category,
    /// The text.
    pub text: String,
    /// Why it is doubtful.
    pub reason: String,
    /// How often it occurs in the file (with this reason).
    pub occurrences: usize,
    /// The line around the first occurrence.
    pub context: String,
}

/// One file pseudonymised.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// The pseudonymised text.
    pub text: String,
    /// The replacements, as key rows (file: the output name passed in).
    pub occurrences: Vec<Occurrence>,
    /// The byte ranges of the input that were replaced, in order.
    pub replaced: Vec<Range<usize>>,
    /// Review cases (distinct texts) per category.
    pub review: BTreeMap<Category, usize>,
}

impl FileResult {
    /// Replacements per category.
    pub fn counts(&self) -> BTreeMap<Category, usize> {
        let mut counts = BTreeMap::new();
        for o in &self.occurrences {
            *counts.entry(o.category).or_insert(0) += 1;
        }
        counts
    }
}

/// The result of [`pseudonymise`].
#[derive(Debug, Clone)]
pub struct Pseudonymised {
    /// Per source, in the order given.
    pub files: Vec<FileResult>,
    /// The review list, by file and position.
    pub review: Vec<ReviewItem>,
    /// The persons that got a number (old ones from the key included).
    pub persons: Vec<PersonEntry>,
}

/// A span to replace or to review.
#[derive(Debug, Clone)]
struct Candidate {
    start: usize,
    end: usize,
    category: Category,
    person: Option<usize>,
    review: Option<String>,
}

impl From<Found> for Candidate {
    fn from(f: Found) -> Candidate {
        Candidate {
            start: f.start,
            end: f.end,
            category: f.category,
            person: None,
            review: f.review,
        }
    }
}

/// Pseudonymises `sources` (whose outputs are named `outputs`, for the key) with the
/// persons of `key`.
pub fn pseudonymise(
    sources: &[Source],
    outputs: &[String],
    key: &Key,
    options: &Options,
) -> Pseudonymised {
    let lowercase_words: HashSet<String> = sources
        .iter()
        .flat_map(|s| {
            names::tokens(&s.text)
                .into_iter()
                .map(|t| &s.text[t.start..t.end])
                .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    let layouts: Vec<Vec<Range<usize>>> = sources.iter().map(Source::layout_ranges).collect();

    // Pass 1: the names of the corpus.
    let mut found_names: Vec<(String, bool)> = Vec::new();
    for source in sources {
        found_names.extend(
            source
                .speakers
                .iter()
                .filter_map(|s| names::label_name(s))
                .map(|n| (n, false)),
        );
    }
    found_names.extend(options.names.iter().map(|n| (n.clone(), false)));
    let mut doubtful: Vec<Vec<NameHit>> = Vec::new();
    for (source, layout) in sources.iter().zip(&layouts) {
        let cx = Context {
            lowercase_words: &lowercase_words,
            not_names: &options.not_names,
            cells: source.layout == Layout::Table,
        };
        let allowed = |b: usize| !inside(layout, b);
        let (certain, unsure): (Vec<NameHit>, Vec<NameHit>) =
            names::find_names(&source.text, &allowed, &cx)
                .into_iter()
                .partition(|h| h.certain);
        found_names.extend(
            certain
                .iter()
                .map(|h| (source.text[h.start..h.end].to_owned(), h.formal)),
        );
        doubtful.push(unsure);
    }
    let mut people = People::from_key(key);
    people.add_names(&found_names);
    people.finish();
    let matcher = Matcher::new(people.variants());

    // Pass 2: replace, file by file.
    let mut files = Vec::new();
    let mut review = Vec::new();
    for (((source, layout), output), unsure) in
        sources.iter().zip(&layouts).zip(outputs).zip(doubtful)
    {
        let overlaps_layout = |s: usize, e: usize| layout.iter().any(|r| r.start < e && s < r.end);
        let text = &source.text;
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut notes: Vec<Candidate> = Vec::new();
        for (start, end, variant) in matcher.find(text) {
            if overlaps_layout(start, end) {
                continue;
            }
            candidates.push(Candidate {
                start,
                end,
                category: Category::Person,
                person: people.person_of(&variant),
                review: None,
            });
            let others = people.others(&variant);
            if !others.is_empty() {
                notes.push(Candidate {
                    start,
                    end,
                    category: Category::Person,
                    person: None,
                    review: Some(format!(
                        "also the name of {}: replaced as the first",
                        others.join(", ")
                    )),
                });
            }
        }
        let is_name_word = |w: &str| people.is_name_word(w);
        candidates.extend(
            detect::find_all(text, &is_name_word)
                .into_iter()
                .filter(|f| !overlaps_layout(f.start, f.end))
                .map(Candidate::from),
        );
        candidates.extend(unsure.into_iter().map(|h| Candidate {
            start: h.start,
            end: h.end,
            category: Category::Person,
            person: None,
            review: Some(h.reason),
        }));
        let (mut to_replace, mut to_review): (Vec<Candidate>, Vec<Candidate>) =
            candidates.into_iter().partition(|c| c.review.is_none());
        // A number in doubt (an IBAN whose checksum fails) is not cut up into a phone
        // number or a BSN either: it is reviewed whole.
        to_replace.retain(|c| {
            c.category == Category::Person
                || !to_review
                    .iter()
                    .any(|r| r.category != Category::Person && r.start < c.end && c.start < r.end)
        });
        let chosen = without_overlaps(to_replace);
        let covered_by =
            |spans: &[Candidate], b: usize| spans.iter().any(|c| c.start <= b && b < c.end);
        to_review.retain(|c| !chosen.iter().any(|k| k.start < c.end && c.start < k.end));
        let cx = Context {
            lowercase_words: &lowercase_words,
            not_names: &options.not_names,
            cells: source.layout == Layout::Table,
        };
        let words = names::review_words(
            text,
            &|b| !inside(layout, b),
            &|b| covered_by(&chosen, b) || covered_by(&to_review, b),
            &cx,
        );
        to_review.extend(words.into_iter().map(|h| Candidate {
            start: h.start,
            end: h.end,
            category: Category::Person,
            person: None,
            review: Some(h.reason),
        }));
        to_review.extend(notes);
        let items = review_items(&source.input.display().to_string(), text, to_review);
        let mut review_counts = BTreeMap::new();
        for item in &items {
            *review_counts.entry(item.category).or_insert(0) += 1;
        }
        review.extend(items);
        files.push(apply(
            text,
            output,
            &source.language,
            chosen,
            &mut people,
            options.style,
            review_counts,
        ));
    }
    Pseudonymised {
        files,
        review,
        persons: people.entries(),
    }
}

fn inside(ranges: &[Range<usize>], b: usize) -> bool {
    ranges.iter().any(|r| r.contains(&b))
}

/// The longest of overlapping spans (the earlier one when as long).
fn without_overlaps(mut spans: Vec<Candidate>) -> Vec<Candidate> {
    spans.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(a.category.cmp(&b.category))
    });
    let mut chosen: Vec<Candidate> = Vec::new();
    for span in spans {
        match chosen.last() {
            Some(last) if span.start < last.end => {
                if span.end - span.start > last.end - last.start {
                    chosen.pop();
                    chosen.push(span);
                }
            }
            _ => chosen.push(span),
        }
    }
    chosen
}

/// Writes the pseudonymised text and the key rows of one file.
fn apply(
    text: &str,
    output: &str,
    language: &str,
    chosen: Vec<Candidate>,
    people: &mut People,
    style: Style,
    review: BTreeMap<Category, usize>,
) -> FileResult {
    let mut out = String::with_capacity(text.len());
    let mut occurrences = Vec::new();
    let mut replaced = Vec::new();
    let mut last = 0;
    let mut line = 1;
    let mut column = 1;
    let advance = |piece: &str, line: &mut usize, column: &mut usize| {
        for c in piece.chars() {
            if c == '\n' {
                *line += 1;
                *column = 1;
            } else {
                *column += 1;
            }
        }
    };
    for c in chosen {
        let piece = &text[last..c.start];
        advance(piece, &mut line, &mut column);
        out.push_str(piece);
        let original = &text[c.start..c.end];
        let pseudonym = match c.person {
            Some(p) => people.pseudonym(p, original, style, language),
            None => format!("[{}]", c.category.tag(language)),
        };
        occurrences.push(Occurrence {
            file: output.to_owned(),
            line,
            column,
            category: c.category,
            person: c.person.map(|p| people.number(p)),
            original: original.to_owned(),
            pseudonym: pseudonym.clone(),
        });
        advance(&pseudonym, &mut line, &mut column);
        out.push_str(&pseudonym);
        replaced.push(c.start..c.end);
        last = c.end;
    }
    out.push_str(&text[last..]);
    FileResult {
        text: out,
        occurrences,
        replaced,
        review,
    }
}

/// Review candidates grouped by text and reason, each with its first position, count and
/// context.
fn review_items(file: &str, text: &str, mut candidates: Vec<Candidate>) -> Vec<ReviewItem> {
    candidates.sort_by_key(|c| (c.start, c.end));
    let mut items: Vec<ReviewItem> = Vec::new();
    let mut index: BTreeMap<(String, String), usize> = BTreeMap::new();
    for c in candidates {
        let piece = text[c.start..c.end].to_owned();
        let reason = c.review.unwrap_or_default();
        if let Some(&i) = index.get(&(piece.clone(), reason.clone())) {
            items[i].occurrences += 1;
            continue;
        }
        let (line, column) = position(text, c.start);
        index.insert((piece.clone(), reason.clone()), items.len());
        items.push(ReviewItem {
            file: file.to_owned(),
            line,
            column,
            category: c.category,
            text: piece,
            reason,
            occurrences: 1,
            context: context(text, c.start, c.end),
        });
    }
    items
}

/// 1-based line and column (in characters) of byte offset `at`.
fn position(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Up to 60 characters either side of a span, on its line.
fn context(text: &str, start: usize, end: usize) -> String {
    let line_start = text[..start].rfind('\n').map_or(0, |p| p + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |p| end + p);
    let before: String = text[line_start..start]
        .chars()
        .rev()
        .take(60)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = text[end..line_end].chars().take(60).collect();
    format!("{}{}{}", before, &text[start..end], after)
        .trim_end_matches('\r')
        .trim()
        .to_owned()
}

/// The original text of a pseudonymised `text`, from its key rows: every pseudonym must
/// still stand at its line and column. The error says where one does not.
pub fn restore(text: &str, occurrences: &[&Occurrence]) -> Result<String, String> {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let mut spans: Vec<(usize, &Occurrence)> = Vec::with_capacity(occurrences.len());
    for o in occurrences {
        let at = line_starts
            .get(o.line.wrapping_sub(1))
            .and_then(|&start| {
                text[start..]
                    .char_indices()
                    .map(|(i, _)| start + i)
                    .chain(std::iter::once(text.len()))
                    .nth(o.column.wrapping_sub(1))
            })
            .filter(|&at| text[at..].starts_with(&o.pseudonym))
            .ok_or_else(|| {
                format!(
                    "line {}, column {}: `{}` is not there any more (was the file edited?)",
                    o.line, o.column, o.pseudonym
                )
            })?;
        spans.push((at, o));
    }
    spans.sort_by_key(|(at, _)| *at);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, o) in spans {
        if at < last {
            return Err(format!(
                "line {}, column {}: overlaps the replacement before it",
                o.line, o.column
            ));
        }
        out.push_str(&text[last..at]);
        out.push_str(&o.original);
        last = at + o.pseudonym.len();
    }
    out.push_str(&text[last..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn source(name: &str, text: &str, speakers: &[&str]) -> Source {
        Source {
            input: PathBuf::from(name),
            output: PathBuf::from(name),
            text: text.to_owned(),
            encoding: "UTF-8",
            layout: Layout::Text,
            converted: None,
            language: "nl".into(),
            speakers: speakers.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn run(sources: &[Source], key: &Key) -> Pseudonymised {
        let outputs: Vec<String> = sources
            .iter()
            .map(|s| format!("out/{}", s.output.display()))
            .collect();
        pseudonymise(sources, &outputs, key, &Options::default())
    }

    #[test]
    fn the_same_person_gets_the_same_pseudonym_in_every_file() {
        let a = source(
            "a.txt",
            "I: Dag Henk.\nHenk: Ja. Mijn BSN is 123456782.\n",
            &["I", "Henk"],
        );
        let b = source(
            "b.txt",
            "I: En Henk?\nR: Henk en Sara Jansen kwamen, Sara belde.\n",
            &["I", "R"],
        );
        let result = run(&[a, b], &Key::default());
        assert_eq!(
            result.files[0].text,
            "I: Dag [PERSOON-1].\n[PERSOON-1]: Ja. Mijn BSN is [BSN].\n"
        );
        assert_eq!(
            result.files[1].text,
            "I: En [PERSOON-1]?\nR: [PERSOON-1] en [PERSOON-2] kwamen, [PERSOON-2] belde.\n"
        );
    }

    #[test]
    fn outside_the_replaced_spans_nothing_changes_and_restore_gives_the_input() {
        let text = "---\nid: X\ninterviewer: Sanne\n---\n\nSanne: Hoi Kees, bel 06-12345678.\r\nKees: Ja, mail kees@example.nl.\r\n";
        let s = source("a.txt", text, &["Sanne", "Kees"]);
        let result = run(std::slice::from_ref(&s), &Key::default());
        let file = &result.files[0];
        let mut expected_kept = String::new();
        let mut last = 0;
        for r in &file.replaced {
            expected_kept.push_str(&text[last..r.start]);
            last = r.end;
        }
        expected_kept.push_str(&text[last..]);
        let mut kept = file.text.clone();
        for o in &file.occurrences {
            kept = kept.replacen(&o.pseudonym, "", 1);
        }
        assert_eq!(kept, expected_kept);
        let rows: Vec<&Occurrence> = file.occurrences.iter().collect();
        assert_eq!(restore(&file.text, &rows).unwrap(), text);
        assert!(!file.text.contains("Sanne") && !file.text.contains("Kees"));
    }

    #[test]
    fn a_second_run_with_the_key_keeps_the_numbers_and_adds_new_people() {
        let first = run(
            &[source("a.txt", "R: Sara belde Kees.\n", &[])],
            &Key::default(),
        );
        let key = Key {
            persons: first.persons.clone(),
            occurrences: first.files[0].occurrences.clone(),
            ..Key::default()
        };
        let second = run(
            &[source("b.txt", "R: Fatima belde Kees en Sara.\n", &[])],
            &key,
        );
        assert_eq!(
            second.files[0].text,
            "R: [PERSOON-3] belde [PERSOON-2] en [PERSOON-1].\n"
        );
    }

    #[test]
    fn restore_names_the_place_of_an_edited_pseudonym() {
        let o = Occurrence {
            file: "x".into(),
            line: 2,
            column: 4,
            category: Category::Bsn,
            person: None,
            original: "123456782".into(),
            pseudonym: "[BSN]".into(),
        };
        assert_eq!(restore("a\nbc [BSN].", &[&o]).unwrap(), "a\nbc 123456782.");
        assert_eq!(
            restore("a\nbc BSN.", &[&o]).unwrap_err(),
            "line 2, column 4: `[BSN]` is not there any more (was the file edited?)"
        );
    }

    #[test]
    fn review_lists_doubtful_cases_once_with_a_count_and_context() {
        let s = source(
            "a.txt",
            "R: Ik woon in Overvecht. Overvecht is mooi. Bestelnummer 111222333.\n",
            &[],
        );
        let result = run(&[s], &Key::default());
        let items: Vec<(&str, usize)> = result
            .review
            .iter()
            .map(|r| (r.text.as_str(), r.occurrences))
            .collect();
        assert_eq!(items, vec![("Overvecht", 2), ("111222333", 1)]);
        assert!(
            result.review[0]
                .context
                .starts_with("R: Ik woon in Overvecht.")
        );
        assert_eq!((result.review[0].line, result.review[0].column), (1, 15));
    }
}

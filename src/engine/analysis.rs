//! The linguistic layer: what the engine knows about a segment beyond its words, computed
//! once per segment from the codebook's language lists: clauses, who acts in each clause,
//! which words tell a third party's story, which sentences are sarcastic, and whether the
//! answer opens with yes or no.

use super::LanguageTerms;
use super::matcher::{Occurrence, Scan, TermId, TermSet};
use crate::codebook::{Agent, Polarity};

/// Punctuation that ends a clause; `.`, `!` and `?` also end the sentence.
const CLAUSE_PUNCTUATION: [char; 10] = [',', ';', ':', '.', '!', '?', '(', ')', '—', '–'];

/// What the engine knows about one segment.
#[derive(Debug)]
pub struct Analysis {
    /// The words and the terms found in them.
    pub scan: Scan,
    /// Clause number of each word.
    pub clause: Vec<usize>,
    /// Who acts in each clause (`None`: no subject found).
    pub agent: Vec<Option<Agent>>,
    /// Who acts at each word: the actor mentioned before it in its clause, after the last
    /// subordinator before it ("ik zei dat ze belden"), the first or the nearest one as the
    /// language says (`subject`); else the first actor after it up to the next subordinator
    /// ("toen belde de gemeente"); else the previous clause's actor ("en belde me"), which
    /// comes first for the word right after a clause-break word ("en belde de gemeente").
    pub word_agent: Vec<Option<Agent>>,
    /// Whether each word belongs to a third party's story.
    pub third_party: Vec<bool>,
    /// Whether each sentence is sarcastic.
    pub sarcastic: Vec<bool>,
}

/// What carries over from one clause to the next within a turn: the organisation or third
/// party last mentioned, which a pronoun refers back to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Discourse {
    last_referent: Option<Agent>,
    /// Whether a third party's story is being told: from a clause whose actor is a third
    /// party (or a question about one) until a clause that names the respondent.
    story: bool,
}

impl Discourse {
    /// Follows the mentions of a text the respondent answers (the interviewer's question).
    pub fn follow(&mut self, scan: &Scan, lang: Option<&LanguageTerms>) {
        if let Some(lang) = lang {
            let marks = marks(scan, lang);
            if let Some(last) = marks.iter().rev().find_map(|(_, m)| m.referent()) {
                self.last_referent = Some(last);
                // "Je vertelde iets over een buurvrouw?": the answer tells her story; advice
                // asked for others ("Wat zou u andere ouders aanraden?") is the respondent's.
                let wish = lang
                    .wish_questions
                    .iter()
                    .any(|&t| !scan.occurrences(t).is_empty());
                self.story = last == Agent::ThirdParty && !wish;
            }
        }
    }
}

/// A word that says something about who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Respondent,
    Organisation,
    ThirdParty,
    Pronoun,
    Speech,
    /// "u", "je": nobody, except in an organisation's quoted words (the respondent).
    Addressee,
}

impl Mark {
    /// The actor a mark names; a pronoun is the last referent (an organisation when there
    /// is none yet); a speech verb names nobody.
    fn actor(self, last_referent: Option<Agent>) -> Option<Agent> {
        match self {
            Mark::Respondent => Some(Agent::Respondent),
            Mark::Pronoun => Some(last_referent.unwrap_or(Agent::Organisation)),
            Mark::Speech | Mark::Addressee => None,
            other => other.referent(),
        }
    }

    fn referent(self) -> Option<Agent> {
        match self {
            Mark::Organisation => Some(Agent::Organisation),
            Mark::ThirdParty => Some(Agent::ThirdParty),
            _ => None,
        }
    }
}

/// The agent marks of a scan, by first word, in word order. A respondent pronoun inside a
/// passive phrase ("ik werd gebeld", "ik kreeg een brief") marks an organisation acting on
/// the respondent.
fn marks(scan: &Scan, lang: &LanguageTerms) -> Vec<(usize, Mark)> {
    let passive: Vec<&Occurrence> = lang
        .passive
        .iter()
        .flat_map(|&t| scan.occurrences(t))
        .collect();
    let mut out = Vec::new();
    let add = |terms: &[TermId], mark: Mark, out: &mut Vec<(usize, Mark)>| {
        for &t in terms {
            for o in scan.occurrences(t) {
                let passive = mark == Mark::Respondent && passive.iter().any(|p| p.overlaps(o));
                // "ik werd gebeld", "ik kreeg een brief": someone else acted on the respondent.
                out.push((o.first(), if passive { Mark::Organisation } else { mark }));
            }
        }
    };
    add(&lang.respondent, Mark::Respondent, &mut out);
    add(&lang.organisation, Mark::Organisation, &mut out);
    add(&lang.third_party, Mark::ThirdParty, &mut out);
    add(&lang.pronouns, Mark::Pronoun, &mut out);
    add(&lang.speech, Mark::Speech, &mut out);
    add(&lang.addressee, Mark::Addressee, &mut out);
    out.sort_by_key(|(w, m)| (*w, *m as u8));
    // A word that is both an organisation and a third party ("mijn buurvrouw van de
    // gemeente") counts once, as the first kind listed.
    out.dedup_by_key(|(w, m)| (*w, *m == Mark::Speech));
    out
}

/// Analyses a segment's text. `phrases` are the terms whose clause-break words do not break
/// (a break inside "hadden ze maar" is part of the phrase).
pub fn analyse(
    terms: &TermSet,
    text: &str,
    language: &str,
    lang: Option<&LanguageTerms>,
    discourse: &mut Discourse,
) -> Analysis {
    let scan = terms.scan(text, language);
    let clause = clauses(text, &scan, lang);
    let clauses_count = clause.last().map_or(0, |c| c + 1);
    let sentences = scan.sentence.last().map_or(0, |s| s + 1);
    let mut agent = vec![None; clauses_count];
    let mut word_agent = vec![None; scan.words.len()];
    let mut third_party = vec![false; scan.words.len()];
    let mut sarcastic = vec![false; sentences];
    let Some(lang) = lang else {
        return Analysis {
            scan,
            clause,
            agent,
            word_agent,
            third_party,
            sarcastic,
        };
    };
    for &t in &lang.sarcasm {
        for o in scan.occurrences(t) {
            sarcastic[scan.sentence[o.first()]] = true;
        }
    }
    let marks = marks(&scan, lang);
    // Words of each clause: clauses are numbered in word order, so a clause is a range.
    let mut first_word = vec![usize::MAX; clauses_count];
    for (w, &c) in clause.iter().enumerate().rev() {
        first_word[c] = w;
    }
    let subordinator_words: Vec<usize> = lang
        .subordinators
        .iter()
        .flat_map(|&t| scan.occurrences(t))
        .map(Occurrence::first)
        .collect();
    let mut reported: Option<(usize, bool)> = None; // (sentence, quoted)
    // The sentence in which an organisation's worker is quoted after a colon ("Ze zei: we
    // zien dat het niet lukt", "He said: we can help"): there "ik" and "we" are the speaker
    // and an addressee ("u", "je") the respondent.
    let mut organisation_speaks: Option<usize> = None;
    for c in 0..clauses_count {
        let start = first_word[c];
        let end = first_word.get(c + 1).copied().unwrap_or(scan.words.len());
        let sentence = scan.sentence[start];
        let quoted_organisation = organisation_speaks == Some(sentence);
        let in_clause: Vec<(usize, Mark)> = marks
            .iter()
            .copied()
            .filter(|(w, _)| (start..end).contains(w))
            .map(|(w, m)| match m {
                Mark::Respondent if quoted_organisation => (w, Mark::Organisation),
                Mark::Addressee if quoted_organisation => (w, Mark::Respondent),
                other => (w, other),
            })
            .collect();
        // The actors the clause names, pronouns resolved to the last referent.
        let actors: Vec<(usize, Agent)> = in_clause
            .iter()
            .filter_map(|&(w, m)| Some((w, m.actor(discourse.last_referent)?)))
            .collect();
        let subject = if actors.iter().any(|(_, a)| *a == Agent::Respondent) {
            Some(Agent::Respondent)
        } else {
            actors.first().map(|(_, a)| *a)
        };
        // A clause without a subject of its own shares the previous one's ("en was blij").
        let inherited = (c > 0 && scan.sentence[first_word[c - 1]] == sentence)
            .then(|| agent[c - 1])
            .flatten();
        agent[c] = subject.or(inherited);
        let opened_by_word = start > 0 && !punctuation_before(text, &scan, start);
        let subordinators: Vec<usize> = subordinator_words
            .iter()
            .copied()
            .filter(|w| (start..end).contains(w))
            .collect();
        for (w, slot) in word_agent.iter_mut().enumerate().take(end).skip(start) {
            let from = subordinators
                .iter()
                .copied()
                .filter(|&s| s < w)
                .max()
                .unwrap_or(start);
            let until = subordinators
                .iter()
                .copied()
                .filter(|&s| s > w)
                .min()
                .unwrap_or(end);
            let mut window = actors.iter().filter(|(a, _)| (from..=w).contains(a));
            let in_window = if lang.subject_first {
                window.next()
            } else {
                window.next_back()
            };
            let before = in_window
                .or_else(|| actors.iter().find(|(a, _)| *a <= w))
                .map(|(_, x)| *x);
            // After the word, up to the next subordinator: "en toen belde de gemeente", not
            // the "ik" of "en stuurde me een brief dat ik recht had".
            let after = actors
                .iter()
                .find(|(a, _)| *a > w && *a < until)
                .map(|(_, x)| *x);
            // A verb right after the break word shares the previous clause's subject
            // ("en belde de gemeente"); after an adverb the subject follows ("en toen belde
            // de gemeente").
            *slot = if opened_by_word && w <= start + 1 {
                before.or(inherited).or(after)
            } else {
                before.or(after).or(inherited)
            };
        }
        let in_story = match reported {
            Some((s, quoted)) if s == sentence => quoted || agent[c] != Some(Agent::Respondent),
            _ => false,
        };
        // A third party's story goes on over the next clauses and sentences of the turn
        // ("Mijn buurvrouw kreeg een brief. Ze was er blij mee.") until the respondent is
        // named again.
        // ("mijn" in "mijn zus" names the sister, not the respondent.)
        let names_respondent = lang
            .respondent
            .iter()
            .chain(&lang.respondent_objects)
            .flat_map(|&t| scan.occurrences(t))
            .filter(|o| (start..end).contains(&o.first()))
            .any(|o| {
                !lang
                    .third_party
                    .iter()
                    .flat_map(|&t| scan.occurrences(t))
                    .any(|p| p.overlaps(o))
            });
        if agent[c] == Some(Agent::ThirdParty) {
            discourse.story = !names_respondent;
        } else if names_respondent {
            discourse.story = false;
        }
        if agent[c] == Some(Agent::ThirdParty) || in_story || discourse.story {
            third_party[start..end].fill(true);
        }
        if let Some((w, _)) = in_clause.iter().find(|(_, m)| *m == Mark::Speech) {
            let after = scan.words[*w].end;
            let next = scan.words.get(w + 1).map_or(text.len(), |n| n.start);
            let colon = text[after..next].contains(':');
            match agent[c] {
                Some(Agent::ThirdParty) => reported = Some((sentence, colon)),
                Some(Agent::Organisation) if colon => organisation_speaks = Some(sentence),
                _ => {}
            }
        }
        // A later pronoun refers to the clause's subject, else to its last mention.
        let referent = match agent[c] {
            Some(Agent::Respondent) | None => {
                in_clause.iter().rev().find_map(|(_, m)| m.referent())
            }
            subject => subject,
        };
        if referent.is_some() {
            discourse.last_referent = referent;
        }
    }
    Analysis {
        scan,
        clause,
        agent,
        word_agent,
        third_party,
        sarcastic,
    }
}

/// Whether punctuation stands between word `w` and the word before it.
fn punctuation_before(text: &str, scan: &Scan, w: usize) -> bool {
    text[scan.words[w - 1].end..scan.words[w].start].contains(CLAUSE_PUNCTUATION)
}

/// Clause number of each word: punctuation and the language's clause-break words end a
/// clause, except a break word inside a contiguous phrase of the language's lists.
fn clauses(text: &str, scan: &Scan, lang: Option<&LanguageTerms>) -> Vec<usize> {
    let punctuation: Vec<bool> = (0..scan.words.len())
        .map(|w| w > 0 && punctuation_before(text, scan, w))
        .collect();
    let mut word_break = vec![false; scan.words.len()];
    if let Some(lang) = lang {
        for &term in &lang.clause_breaks {
            for o in scan.occurrences(term) {
                word_break[o.first()] = true;
            }
        }
        for &term in &lang.phrases {
            for o in scan.occurrences(term) {
                let contiguous = o.words.windows(2).all(|p| p[1] == p[0] + 1);
                if contiguous && o.words.len() > 1 {
                    word_break[o.first() + 1..=o.last()].fill(false);
                }
            }
        }
    }
    let mut current = 0;
    (0..scan.words.len())
        .map(|i| {
            current += usize::from(i > 0 && (punctuation[i] || word_break[i]));
            current
        })
        .collect()
}

/// The polarity an answer opens with: a yes or no word among its first words, with the
/// words that say it.
pub fn polarity(
    analysis: &Analysis,
    lang: Option<&LanguageTerms>,
) -> Option<(Polarity, Vec<usize>)> {
    const OPENING_WORDS: usize = 4;
    let lang = lang?;
    let scan = &analysis.scan;
    let mut best: Option<(usize, Polarity, Vec<usize>)> = None;
    for (terms, polarity) in [(&lang.yes, Polarity::Yes), (&lang.no, Polarity::No)] {
        for &t in terms {
            for o in scan.occurrences(t) {
                if o.first() < OPENING_WORDS && best.as_ref().is_none_or(|(w, _, _)| o.first() < *w)
                {
                    best = Some((o.first(), polarity, o.words.clone()));
                }
            }
        }
    }
    best.map(|(_, p, words)| (p, words))
}

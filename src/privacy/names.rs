//! Person names: the words of a text, speaker labels that name people, names found by
//! pattern (after "mevrouw", "my sister", initials, first names from the lists) and
//! capitalised words that may be a name or a place.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

/// Whether a first name is a woman's, a man's or either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Gender {
    /// Usually a woman's name.
    Female,
    /// Usually a man's name.
    Male,
    /// Either, or not known.
    Either,
}

/// A first name of the lists.
#[derive(Debug, Clone, Copy)]
pub struct FirstName {
    /// Its usual gender.
    pub gender: Gender,
    /// Also an ordinary word or a month (`Will`, `Roos`, `June`): alone it is only listed
    /// for review.
    pub ambiguous: bool,
}

/// The Dutch and English first-name lists.
pub static FIRST_NAMES: LazyLock<HashMap<String, FirstName>> = LazyLock::new(|| {
    let mut names = HashMap::new();
    for list in [
        include_str!("first-names-nl.txt"),
        include_str!("first-names-en.txt"),
    ] {
        for (name, gender, marked) in list_entries(list) {
            let entry = names.entry(name.to_owned()).or_insert(FirstName {
                gender,
                ambiguous: marked,
            });
            entry.ambiguous |= marked;
            if entry.gender != gender {
                entry.gender = Gender::Either;
            }
        }
    }
    names
});

/// The entries of a bundled name list: name, gender letter (`f`, `m`, `u`, or `s` for a
/// family name, read as either) and whether it is marked `~`.
pub fn list_entries(list: &str) -> impl Iterator<Item = (&str, Gender, bool)> {
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let name = parts.next()?;
            let gender = match parts.next() {
                Some("f") => Gender::Female,
                Some("m") => Gender::Male,
                _ => Gender::Either,
            };
            Some((name, gender, parts.next() == Some("~")))
        })
}

/// Dutch name particles (tussenvoegsels) and their foreign cousins.
pub const PARTICLES: [&str; 20] = [
    "van", "de", "der", "den", "ter", "ten", "te", "het", "'t", "la", "le", "du", "da", "di",
    "dos", "del", "el", "al", "bin", "von",
];

/// Titles before a family name rather than a given name.
const FORMAL_TITLES: [&str; 13] = [
    "meneer", "mevrouw", "mevr", "mw", "dhr", "heer", "mr", "mrs", "ms", "miss", "dr", "prof",
    "dokter",
];

/// Abbreviated titles, which may stand before a name with a full stop (`Mr. Doyle`).
const ABBREVIATED_TITLES: [&str; 8] = ["mevr", "mw", "dhr", "mr", "mrs", "ms", "dr", "prof"];

/// Words before a name that say it is one: titles and forms of address.
const TITLES: [&str; 36] = [
    "meneer",
    "mevrouw",
    "mevr",
    "mw",
    "dhr",
    "heer",
    "juffrouw",
    "juf",
    "meester",
    "dokter",
    "zuster",
    "tante",
    "oom",
    "opa",
    "oma",
    "buurman",
    "buurvrouw",
    "genaamd",
    "heet",
    "heette",
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "sir",
    "madam",
    "aunt",
    "auntie",
    "uncle",
    "grandma",
    "granny",
    "grandpa",
    "named",
    "dear",
];

/// Relations that, after "mijn", "my", "her"..., are followed by a name ("mijn zus Els",
/// "my wife, Ananya").
const RELATIONS: [&str; 62] = [
    "man",
    "vrouw",
    "zoon",
    "dochter",
    "broer",
    "zus",
    "zusje",
    "broertje",
    "moeder",
    "vader",
    "schoonmoeder",
    "schoonvader",
    "schoonzus",
    "zwager",
    "vriend",
    "vriendin",
    "ex",
    "partner",
    "collega",
    "kleinzoon",
    "kleindochter",
    "neef",
    "nicht",
    "baas",
    "begeleider",
    "hulpverlener",
    "consulent",
    "klantmanager",
    "wijkcoach",
    "contactpersoon",
    "maatje",
    "kind",
    "husband",
    "wife",
    "son",
    "daughter",
    "brother",
    "sister",
    "mother",
    "mum",
    "mom",
    "father",
    "dad",
    "boyfriend",
    "girlfriend",
    "friend",
    "neighbour",
    "neighbor",
    "colleague",
    "boss",
    "cousin",
    "niece",
    "nephew",
    "caseworker",
    "counsellor",
    "counselor",
    "landlord",
    "landlady",
    "manager",
    "advisor",
    "adviser",
    "buddy",
];

/// Words before a relation word ("mijn" zus, "my" sister).
const POSSESSIVES: [&str; 14] = [
    "mijn", "m'n", "onze", "ons", "haar", "zijn", "z'n", "je", "jouw", "my", "our", "her", "his",
    "their",
];

/// Speaker labels and label words that name a role, not a person.
const ROLE_WORDS: [&str; 30] = [
    "i",
    "r",
    "q",
    "a",
    "int",
    "interviewer",
    "interviewee",
    "respondent",
    "onderzoeker",
    "deelnemer",
    "participant",
    "spreker",
    "speaker",
    "moderator",
    "vraag",
    "antwoord",
    "geïnterviewde",
    "geinterviewde",
    "unknown",
    "(unknown)",
    "host",
    "gast",
    "guest",
    "chair",
    "voorzitter",
    "tolk",
    "interpreter",
    "notulist",
    "onbekend",
    "student",
];

/// Titles taken off a speaker label's name (`Dr. Melissa Ko` is `Melissa Ko`).
const LABEL_TITLES: [&str; 14] = [
    "dr", "dr.", "drs", "drs.", "ir", "ir.", "prof", "prof.", "mr", "mr.", "mrs", "mrs.", "ms",
    "ms.",
];

/// Capitalised words that are not names: months, days, languages and nationalities,
/// polite pronouns, holidays.
static NOT_NAMES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    "januari februari maart april mei juni juli augustus september oktober november december \
     january february march may june july august october \
     maandag dinsdag woensdag donderdag vrijdag zaterdag zondag \
     monday tuesday wednesday thursday friday saturday sunday \
     nederlands nederlandse engels engelse duits duitse frans franse turks turkse marokkaans \
     marokkaanse pools poolse surinaams surinaamse arabisch europees europese fries friese \
     dutch english irish british scottish welsh german french spanish italian polish turkish \
     moroccan indian chinese american european arabic hindi \
     u uw god kerst pasen pinksteren ramadan suikerfeest christmas easter \
     oké okay ok hallo hoi hey hi ja nee yes no goh tja hè eh uh um \
     belastingdienst toeslagen digid mijnoverheid gemeente kamer tweede eerste \
     whatsapp facebook instagram google youtube zoom teams skype iphone ipad android \
     klarna tikkie marktplaats bol albert heijn jumbo lidl aldi action kruidvat \
     rabobank triodos bunq voedselbank jeugdfonds schuldhulpmaatje tozo"
        .split_whitespace()
        .collect()
});

/// A word of a text: a run of letters and digits, with inner apostrophes and hyphens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
}

static WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{L}\p{M}\p{N}]+(?:['’\-][\p{L}\p{M}\p{N}]+)*").expect("static regex")
});

/// The words of `text` in order; a possessive `'s` is not part of the word (`Johnny's`).
pub fn tokens(text: &str) -> Vec<Token> {
    WORD.find_iter(text)
        .map(|m| {
            let w = m.as_str();
            let end = ["'s", "’s"]
                .iter()
                .find(|s| w.len() > s.len() + 1 && w.ends_with(*s))
                .map_or(m.end(), |s| m.end() - s.len());
            Token {
                start: m.start(),
                end,
            }
        })
        .collect()
}

/// A capital followed by at least one lowercase letter (`Utrecht`, `UvA`, not `UWV` or `I`).
pub fn is_capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && chars.any(char::is_lowercase)
        && !word.starts_with("I'")
        && !word.starts_with("I’")
}

/// Whether a word is a month, a day, a language, a polite pronoun or the like.
pub fn is_not_a_name(word: &str) -> bool {
    NOT_NAMES.contains(word.to_lowercase().as_str())
}

/// Whether the word at byte `start` begins a sentence, a line, a quote, a tab-separated
/// field or (with `cells`) a table cell, where a capital says nothing.
pub fn sentence_start(text: &str, start: usize, cells: bool) -> bool {
    for c in text[..start].chars().rev() {
        match c {
            ' ' | '*' | '_' => {}
            '\n' | '\r' | '\t' => return true,
            '.' | '!' | '?' | ':' | ';' | '…' | '"' | '“' | '”' | '„' | '«' | '»' | '(' | '['
            | '<' | '>' | '–' | '—' | '-' | '\'' | '‘' => return true,
            ',' if cells => return true,
            _ => return false,
        }
    }
    true
}

/// The name a speaker label gives, if it names a person: role labels (`Interviewer`,
/// `R04`, `Respondent 3`) and pseudonym tags give none; titles are taken off.
pub fn label_name(label: &str) -> Option<String> {
    let label = label.trim();
    if label.starts_with('[') || label.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let words: Vec<&str> = label
        .split_whitespace()
        .filter(|w| {
            let lower = w.to_lowercase();
            !ROLE_WORDS.contains(&lower.as_str()) && !LABEL_TITLES.contains(&lower.as_str())
        })
        .collect();
    let name = words.join(" ");
    words
        .iter()
        .any(|w| is_capitalised(w.trim_end_matches(',')))
        .then_some(name)
}

/// A person's name split into its given and family parts (`Arib, Khadija` has given name
/// `Khadija` and family name `Arib`; a single word is given name or family name as the
/// first-name lists say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameParts {
    /// The given name(s).
    pub given: Option<String>,
    /// The family name with its particles (`de Vries`).
    pub family: Option<String>,
}

impl NameParts {
    /// Splits a name; a single word not on the first-name lists is a family name when it
    /// followed a formal title (`mevrouw Verhoeven`), else a given name.
    pub fn of_hinted(name: &str, formal: bool) -> NameParts {
        let parts = NameParts::of(name);
        match parts {
            NameParts {
                given: None,
                family: Some(one),
            } if !formal && !one.contains(' ') => NameParts {
                given: Some(one),
                family: None,
            },
            other => other,
        }
    }

    /// Splits a name (a single word is a given name when the first-name lists have it,
    /// else a family name).
    pub fn of(name: &str) -> NameParts {
        if let Some((family, given)) = name.split_once(", ") {
            return NameParts {
                given: Some(given.trim().to_owned()),
                family: Some(family.trim().to_owned()),
            };
        }
        let words: Vec<&str> = name.split_whitespace().collect();
        match words.as_slice() {
            [] => NameParts {
                given: None,
                family: None,
            },
            [one] if FIRST_NAMES.contains_key(*one) => NameParts {
                given: Some((*one).to_owned()),
                family: None,
            },
            [one] => NameParts {
                given: None,
                family: Some((*one).to_owned()),
            },
            [first, rest @ ..] => NameParts {
                given: Some((*first).to_owned()),
                family: Some(rest.join(" ")),
            },
        }
    }

    /// The name as it is usually written: `Khadija Arib`.
    pub fn full(&self) -> String {
        match (&self.given, &self.family) {
            (Some(g), Some(f)) => format!("{g} {f}"),
            (Some(one), None) | (None, Some(one)) => one.clone(),
            (None, None) => String::new(),
        }
    }

    /// The ways the text may write this name: full, `Family, Given`, given name alone,
    /// family name alone (`de Vries` and `De Vries`), each word of three letters or more
    /// alone, each also in capitals.
    pub fn variants(&self, as_written: &str) -> Vec<String> {
        let mut out = vec![as_written.to_owned(), self.full()];
        out.extend(
            self.full()
                .split([' ', ','])
                .filter(|w| w.chars().count() >= 3 && is_capitalised(w))
                .map(str::to_owned),
        );
        if let (Some(g), Some(f)) = (&self.given, &self.family) {
            out.push(format!("{f}, {g}"));
            if g.chars().count() >= 2 {
                out.push(g.clone());
            }
            if f.chars().count() >= 2 {
                out.push(f.clone());
                if let Some(first) = f.chars().next().filter(|c| c.is_lowercase()) {
                    out.push(format!(
                        "{}{}",
                        first.to_uppercase(),
                        &f[first.len_utf8()..]
                    ));
                }
            }
        }
        let capitals: Vec<String> = out.iter().map(|v| v.to_uppercase()).collect();
        out.extend(capitals);
        out.retain(|v| !v.is_empty() && !PARTICLES.contains(&v.to_lowercase().as_str()));
        out.sort();
        out.dedup();
        out
    }
}

/// A name found by pattern, to replace (`certain`) or to list for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameHit {
    /// Byte offset of the name.
    pub start: usize,
    /// Byte offset one past it.
    pub end: usize,
    /// Sure enough to replace.
    pub certain: bool,
    /// Why it was taken as a name (or why it is doubtful).
    pub reason: String,
    /// It followed a formal title (`mevrouw`, `Mr.`): a family name, most likely.
    pub formal: bool,
}

/// What [`find_names`] and [`review_words`] look at besides the text.
pub struct Context<'a> {
    /// Words written in lowercase somewhere in the corpus (so a capital alone is no sign).
    pub lowercase_words: &'a HashSet<String>,
    /// Words the user said are not names.
    pub not_names: &'a HashSet<String>,
    /// Table cells: a cell start counts as a sentence start.
    pub cells: bool,
}

impl Context<'_> {
    fn candidate(&self, word: &str) -> bool {
        is_capitalised(word)
            && !is_not_a_name(word)
            && !self.not_names.contains(word)
            && !ROLE_WORDS.contains(&word.to_lowercase().as_str())
    }
}

/// Names found by pattern in `text`: after a title or a relation ("mevrouw Bakker", "mijn
/// zus Els", "my wife, Ananya"), first names of the lists (with a family name that follows:
/// "Sara Jansen", "Jan de Vries"), initials ("J.P. Balkenende", "J. de Vries") and `Family,
/// Given:` labels at a line start. `allowed` says whether a byte offset may be read.
pub fn find_names(text: &str, allowed: &dyn Fn(usize) -> bool, cx: &Context<'_>) -> Vec<NameHit> {
    let toks = tokens(text);
    let word = |i: usize| &text[toks[i].start..toks[i].end];
    let gap = |i: usize| &text[toks[i - 1].end..toks[i].start];
    let mut hits = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let w = word(i);
        if !allowed(toks[i].start) || !cx.candidate(w) {
            i += 1;
            continue;
        }
        let after_title = i >= 1 && {
            let prev = word(i - 1).to_lowercase();
            let prev = prev.as_str();
            match gap(i) {
                " " => {
                    TITLES.contains(&prev)
                        || (RELATIONS.contains(&prev)
                            && i >= 2
                            && gap(i - 1) == " "
                            && POSSESSIVES.contains(&word(i - 2).to_lowercase().as_str()))
                }
                ". " | "." => ABBREVIATED_TITLES.contains(&prev),
                ", " => {
                    RELATIONS.contains(&prev)
                        && i >= 2
                        && gap(i - 1) == " "
                        && POSSESSIVES.contains(&word(i - 2).to_lowercase().as_str())
                }
                _ => false,
            }
        };
        let initials = initials_before(text, &toks, i);
        let start_of_sentence = sentence_start(text, toks[i].start, cx.cells);
        let listed = FIRST_NAMES.get(w);
        let (certain, reason) = if after_title {
            (true, format!("after `{}`", word(i - 1)))
        } else if let Some(from) = initials {
            let between = &text[from..toks[i].start];
            let several = between.matches('.').count() >= 2;
            let particle = between.split_whitespace().any(|w| PARTICLES.contains(&w));
            (
                several || particle || listed.is_some(),
                "initials and a name".to_owned(),
            )
        } else if let Some(first) = listed {
            let doubtful = first.ambiguous
                || (start_of_sentence && cx.lowercase_words.contains(&w.to_lowercase()));
            let reason = if first.ambiguous {
                "a first name that is also a word"
            } else if doubtful {
                "a first name that is also a word here"
            } else {
                "a first name"
            };
            (!doubtful, reason.to_owned())
        } else if let Some(hit) = family_given_label(text, &toks, i, cx) {
            hits.push(hit);
            i += 2;
            continue;
        } else {
            i += 1;
            continue;
        };
        let start = initials.unwrap_or(toks[i].start);
        let mut end = toks[i].end;
        let mut j = i + 1;
        let mut taken = 0;
        while j < toks.len() && taken < 3 && gap(j) == " " && allowed(toks[j].start) {
            let next = word(j);
            if PARTICLES.contains(&next) {
                j += 1;
                continue;
            }
            if cx.candidate(next) && !TITLES.contains(&next.to_lowercase().as_str()) {
                end = toks[j].end;
                taken += 1;
                j += 1;
                continue;
            }
            break;
        }
        let last = toks[..j].iter().rposition(|t| t.end == end).unwrap_or(i);
        let formal = after_title && FORMAL_TITLES.contains(&word(i - 1).to_lowercase().as_str());
        hits.push(NameHit {
            start,
            end,
            certain,
            reason,
            formal,
        });
        i = last + 1;
    }
    hits
}

/// The start of initials (`J.`, `J.P.`, `A.B.C.`) right before token `i`, if any.
fn initials_before(text: &str, toks: &[Token], i: usize) -> Option<usize> {
    let mut k = i;
    let mut start = None;
    while k >= 1 {
        let t = toks[k - 1];
        let w = &text[t.start..t.end];
        let between = &text[t.end..toks[k].start];
        let one_capital = w.chars().count() == 1 && w.chars().all(char::is_uppercase);
        let ok_gap = if k == i {
            between == ". " || between == "."
        } else {
            between == "."
        };
        if one_capital && ok_gap {
            start = Some(t.start);
            k -= 1;
        } else {
            break;
        }
    }
    // "J. de Vries": particles between the initials and the family name.
    if start.is_none() && i >= 2 {
        let mut k = i - 1;
        while k >= 1 && PARTICLES.contains(&&text[toks[k].start..toks[k].end]) {
            k -= 1;
        }
        if k < i - 1 {
            let t = toks[k];
            let w = &text[t.start..t.end];
            if w.chars().count() == 1
                && w.chars().all(char::is_uppercase)
                && text[t.end..].starts_with(". ")
            {
                return Some(t.start);
            }
        }
    }
    start
}

/// `Arib, Khadija:` at the start of a line (a label written family name first).
fn family_given_label(text: &str, toks: &[Token], i: usize, cx: &Context<'_>) -> Option<NameHit> {
    let line_start = text[..toks[i].start].rfind('\n').map_or(0, |p| p + 1);
    let given = toks.get(i + 1)?;
    let given_word = &text[given.start..given.end];
    (text[line_start..toks[i].start].trim().is_empty()
        && &text[toks[i].end..given.start] == ", "
        && FIRST_NAMES.contains_key(given_word)
        && text[given.end..].starts_with(':')
        && cx.candidate(given_word))
    .then(|| NameHit {
        start: toks[i].start,
        end: given.end,
        certain: true,
        reason: "a `Family, Given:` label".to_owned(),
        formal: false,
    })
}

/// Capitalised words inside sentences that are neither known names nor ordinary words
/// written in lowercase elsewhere: a name or a place, for the review list (with all their
/// capitalised occurrences, also at sentence starts). `covered` says whether a byte offset
/// is already replaced or reviewed.
pub fn review_words(
    text: &str,
    allowed: &dyn Fn(usize) -> bool,
    covered: &dyn Fn(usize) -> bool,
    cx: &Context<'_>,
) -> Vec<NameHit> {
    let toks = tokens(text);
    let eligible = |t: &Token| {
        let w = &text[t.start..t.end];
        allowed(t.start)
            && !covered(t.start)
            && cx.candidate(w)
            && !FIRST_NAMES.contains_key(w)
            && !cx.lowercase_words.contains(&w.to_lowercase())
            && !TITLES.contains(&w.to_lowercase().as_str())
    };
    let inside: HashSet<&str> = toks
        .iter()
        .filter(|t| eligible(t) && !sentence_start(text, t.start, cx.cells))
        .map(|t| &text[t.start..t.end])
        .collect();
    let mut hits: Vec<NameHit> = Vec::new();
    for t in toks
        .iter()
        .filter(|t| eligible(t) && inside.contains(&text[t.start..t.end]))
    {
        let w = text[t.start..t.end].to_lowercase();
        let street = super::detect::STREET_SUFFIXES
            .iter()
            .any(|s| w.ends_with(s) && w.len() > s.len() + 2);
        // Words in a row are one case: `Den Haag`, `Google Translate`.
        if let Some(last) = hits.last_mut()
            && &text[last.end..t.start] == " "
        {
            last.end = t.end;
            if street {
                last.reason = STREET_REASON.to_owned();
            }
            continue;
        }
        hits.push(NameHit {
            start: t.start,
            end: t.end,
            certain: false,
            formal: false,
            reason: if street { STREET_REASON } else { WORD_REASON }.to_owned(),
        });
    }
    hits
}

const STREET_REASON: &str = "a street name?";
const WORD_REASON: &str = "a capitalised word: a name or a place?";

/// Finds the known names of a corpus in a text: every variant, longest first, as whole
/// words and with the exact capitals.
#[derive(Debug, Default)]
pub struct Matcher {
    by_first_word: HashMap<String, Vec<String>>,
}

impl Matcher {
    /// A matcher for these variants.
    pub fn new<'a>(variants: impl IntoIterator<Item = &'a str>) -> Matcher {
        let mut by_first_word: HashMap<String, Vec<String>> = HashMap::new();
        for v in variants {
            if let Some(first) = tokens(v).first() {
                by_first_word
                    .entry(v[first.start..first.end].to_owned())
                    .or_default()
                    .push(v.to_owned());
            }
        }
        for list in by_first_word.values_mut() {
            list.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
            list.dedup();
        }
        Matcher { by_first_word }
    }

    /// The matches in `text` as byte ranges with the variant matched, left to right and
    /// not overlapping.
    pub fn find(&self, text: &str) -> Vec<(usize, usize, String)> {
        let mut out = Vec::new();
        let mut next_free = 0;
        for t in tokens(text) {
            if t.start < next_free {
                continue;
            }
            let Some(list) = self.by_first_word.get(&text[t.start..t.end]) else {
                continue;
            };
            let before = text[..t.start].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric()) {
                continue;
            }
            for v in list {
                if text[t.start..].starts_with(v.as_str()) {
                    let end = t.start + v.len();
                    let after = text[end..].chars().next();
                    if !after.is_some_and(|c| c.is_alphanumeric()) {
                        out.push((t.start, end, v.clone()));
                        next_free = end;
                        break;
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str, lowercase: &[&str]) -> Vec<(String, bool)> {
        let lowercase: HashSet<String> = lowercase.iter().map(|s| (*s).to_owned()).collect();
        let none = HashSet::new();
        let cx = Context {
            lowercase_words: &lowercase,
            not_names: &none,
            cells: false,
        };
        find_names(text, &|_| true, &cx)
            .into_iter()
            .map(|h| (text[h.start..h.end].to_owned(), h.certain))
            .collect()
    }

    #[test]
    fn dutch_names_after_titles_relations_and_from_the_list() {
        assert_eq!(
            names(
                "Toen belde mevrouw Bakker, en mijn buurvrouw Els de Wit kwam. Mijn zus Roos \
                 ook. De heer Laçin sprak met Sara Jansen en Jan van der Berg. Ilse heette ze.",
                &[]
            ),
            vec![
                ("Bakker".to_owned(), true),
                ("Els de Wit".to_owned(), true),
                ("Roos".to_owned(), true),
                ("Laçin".to_owned(), true),
                ("Sara Jansen".to_owned(), true),
                ("Jan van der Berg".to_owned(), true),
                ("Ilse".to_owned(), true),
            ]
        );
    }

    #[test]
    fn english_names_after_titles_relations_and_initials() {
        assert_eq!(
            names(
                "I live with my wife, Ananya, and Mrs. Doyle said J.P. Morgan and J. de Vries \
                 called. Then Kevin came.",
                &[]
            ),
            vec![
                ("Ananya".to_owned(), true),
                ("Doyle".to_owned(), true),
                ("J.P. Morgan".to_owned(), true),
                ("J. de Vries".to_owned(), true),
                ("Kevin".to_owned(), true),
            ]
        );
    }

    #[test]
    fn ambiguous_first_names_and_ordinary_words_are_not_replaced() {
        // "Will" and "Mark" as words, "Ben" as "ik ben" at a sentence start, "Groep A.
        // Daarna" is no initial, "Zorgverzekering" is no name.
        assert_eq!(
            names(
                "Will you call? Mark my words. Ben je er? Dat was groep A. Daarna kwam de \
                 Zorgverzekering. Toon het maar.",
                &["ben", "toon"]
            ),
            vec![
                ("Will".to_owned(), false),
                ("Mark".to_owned(), false),
                ("Ben".to_owned(), false),
                ("A. Daarna".to_owned(), false),
                ("Toon".to_owned(), false),
            ]
        );
    }

    #[test]
    fn family_given_labels_at_a_line_start() {
        assert_eq!(
            names(
                "Arib, Khadija: Goedenavond.\nWe zeggen: Laçin, Cem is er.",
                &[]
            ),
            vec![("Arib, Khadija".to_owned(), true), ("Cem".to_owned(), true)]
        );
    }

    #[test]
    fn role_labels_name_nobody_and_titles_come_off() {
        for label in [
            "Interviewer",
            "R",
            "R04",
            "Respondent 3",
            "interviewee",
            "Q",
            "[PERSOON-2]",
            "(unknown)",
        ] {
            assert_eq!(label_name(label), None, "{label}");
        }
        assert_eq!(label_name("Dr. Melissa Ko").as_deref(), Some("Melissa Ko"));
        assert_eq!(label_name("Sanne").as_deref(), Some("Sanne"));
    }

    #[test]
    fn variants_cover_parts_and_family_first_forms() {
        let parts = NameParts::of("Arib, Khadija");
        assert_eq!(parts.full(), "Khadija Arib");
        let v = parts.variants("Arib, Khadija");
        for want in ["Arib, Khadija", "Khadija Arib", "Khadija", "Arib", "ARIB"] {
            assert!(v.contains(&want.to_owned()), "{want}: {v:?}");
        }
        let v = NameParts::of("Els de Wit").variants("Els de Wit");
        assert!(v.contains(&"De Wit".to_owned()) && v.contains(&"de Wit".to_owned()));
        assert_eq!(NameParts::of("Bakker").family.as_deref(), Some("Bakker"));
        assert_eq!(NameParts::of("Joke").given.as_deref(), Some("Joke"));
    }

    #[test]
    fn review_words_are_capitalised_inside_sentences_and_never_lowercase() {
        let lowercase: HashSet<String> = ["zorg"].iter().map(|s| (*s).to_owned()).collect();
        let none = HashSet::new();
        let cx = Context {
            lowercase_words: &lowercase,
            not_names: &none,
            cells: false,
        };
        let text = "Ik woon in Overvecht, bij de Zorg. Overvecht is fijn. In maart ging ik naar \
                    de Kerkstraat. UWV belde. Dutch is hard. Toen naar Den Haag.";
        let words: Vec<(String, String)> = review_words(text, &|_| true, &|_| false, &cx)
            .into_iter()
            .map(|h| (text[h.start..h.end].to_owned(), h.reason))
            .collect();
        assert_eq!(
            words,
            vec![
                (
                    "Overvecht".to_owned(),
                    "a capitalised word: a name or a place?".to_owned()
                ),
                (
                    "Overvecht".to_owned(),
                    "a capitalised word: a name or a place?".to_owned()
                ),
                ("Kerkstraat".to_owned(), "a street name?".to_owned()),
                (
                    "Den Haag".to_owned(),
                    "a capitalised word: a name or a place?".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn the_matcher_takes_whole_words_longest_first() {
        let m = Matcher::new(["Sara", "Sara Jansen", "Jansen"]);
        let text = "Sara Jansen, Sara, Saranda, Jansens en Jansen.";
        let found: Vec<&str> = m.find(text).iter().map(|(s, e, _)| &text[*s..*e]).collect();
        assert_eq!(found, vec!["Sara Jansen", "Sara", "Jansen"]);
    }
}

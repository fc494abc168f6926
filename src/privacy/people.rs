//! The persons of a corpus: every name found, grouped into persons (a first name alone
//! joins the person whose first name it is), each with a number and a replacement name
//! that stay the same across files and, through the key, across runs.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use super::key::{Key, PersonEntry};
use super::names::{FIRST_NAMES, Gender, NameParts, list_entries};
use super::{Category, Style};

/// One person.
#[derive(Debug, Clone)]
struct Person {
    /// The name, given name first.
    name: String,
    parts: NameParts,
    gender: Gender,
    /// Other ways the text writes the name (as found).
    extra: BTreeSet<String>,
    number: Option<usize>,
    replacement: Option<String>,
}

/// The replacement names of `--style names`: women's, men's and family names.
static REPLACEMENTS: LazyLock<(Vec<&'static str>, Vec<&'static str>, Vec<&'static str>)> =
    LazyLock::new(|| {
        let (mut f, mut m, mut s) = (Vec::new(), Vec::new(), Vec::new());
        for line in include_str!("replacement-names.txt").lines() {
            if line.ends_with(" s") {
                s.extend(line.split_whitespace().next());
            }
        }
        for (name, gender, _) in list_entries(include_str!("replacement-names.txt")) {
            match gender {
                Gender::Female => f.push(name),
                Gender::Male => m.push(name),
                Gender::Either => {}
            }
        }
        (f, m, s)
    });

/// The persons, their name variants and numbers.
#[derive(Debug, Default)]
pub struct People {
    persons: Vec<Person>,
    /// Each variant and the person it is taken to be.
    variants: BTreeMap<String, usize>,
    /// Variants that are the name of more than one person: the others.
    shared: BTreeMap<String, Vec<usize>>,
    next_number: usize,
    used_replacements: BTreeSet<String>,
}

impl People {
    /// The persons of a key, with their numbers, replacement names and the names they
    /// were found under.
    pub fn from_key(key: &Key) -> People {
        let mut people = People::default();
        let names = key.person_names();
        for entry in &key.persons {
            let parts = NameParts::of(&entry.name);
            people.persons.push(Person {
                name: entry.name.clone(),
                gender: gender_of(&parts),
                parts,
                extra: names.get(&entry.number).cloned().unwrap_or_default(),
                number: Some(entry.number),
                replacement: Some(entry.replacement.clone()).filter(|r| !r.is_empty()),
            });
            people.used_replacements.insert(entry.replacement.clone());
            people.next_number = people.next_number.max(entry.number);
        }
        people
    }

    /// Adds names found in the corpus, each with whether it followed a formal title (see
    /// [`NameParts::of_hinted`]): names of several words first (each a person unless it is
    /// a known one), then single words (a known person's given or family name, else a
    /// person of their own). Call [`People::finish`] after.
    pub fn add_names(&mut self, names: &[(String, bool)]) {
        let several = names.iter().filter(|(n, _)| n.contains(' '));
        let single = names.iter().filter(|(n, _)| !n.contains(' '));
        for (name, formal) in several.chain(single) {
            self.add(name, *formal);
        }
    }

    fn add(&mut self, name: &str, formal: bool) {
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        let parts = NameParts::of_hinted(name, formal);
        let full = parts.full();
        let single = !name.contains(' ');
        let existing = self.persons.iter().position(|p| {
            p.name == full
                || p.extra.contains(name)
                || (single
                    && (p.parts.given.as_deref() == Some(name)
                        || p.parts.family.as_deref() == Some(name)))
        });
        match existing {
            Some(i) => {
                self.persons[i].extra.insert(name.to_owned());
            }
            None => self.persons.push(Person {
                name: full,
                gender: gender_of(&parts),
                parts,
                extra: BTreeSet::from([name.to_owned()]),
                number: None,
                replacement: None,
            }),
        }
    }

    /// Works out every variant of every name and which person it stands for.
    pub fn finish(&mut self) {
        self.variants.clear();
        self.shared.clear();
        for (i, person) in self.persons.iter().enumerate() {
            let mut variants: BTreeSet<String> =
                person.parts.variants(&person.name).into_iter().collect();
            for extra in &person.extra {
                variants.extend(NameParts::of(extra).variants(extra));
                variants.insert(extra.clone());
            }
            for v in variants {
                match self.variants.get(&v) {
                    Some(&owner) if owner != i => self.shared.entry(v).or_default().push(i),
                    Some(_) => {}
                    None => {
                        self.variants.insert(v, i);
                    }
                }
            }
        }
    }

    /// Every variant of every name.
    pub fn variants(&self) -> impl Iterator<Item = &str> {
        self.variants.keys().map(String::as_str)
    }

    /// The person a variant is taken to be.
    pub fn person_of(&self, variant: &str) -> Option<usize> {
        self.variants.get(variant).copied()
    }

    /// The names of the other persons a variant could be.
    pub fn others(&self, variant: &str) -> Vec<&str> {
        self.shared
            .get(variant)
            .map(|v| v.iter().map(|&i| self.persons[i].name.as_str()).collect())
            .unwrap_or_default()
    }

    /// Whether a word (any case) is part of a known name (for URLs such as
    /// `…/sara-jansen`).
    pub fn is_name_word(&self, word: &str) -> bool {
        let lower = word.to_lowercase();
        self.persons.iter().any(|p| {
            p.name
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w.chars().count() > 2 && w.to_lowercase() == lower)
        })
    }

    /// The person's number, given on first use.
    pub fn number(&mut self, person: usize) -> usize {
        if let Some(n) = self.persons[person].number {
            return n;
        }
        self.next_number += 1;
        let n = self.next_number;
        self.persons[person].number = Some(n);
        n
    }

    /// The pseudonym for `variant` of `person` in a document in `language`.
    pub fn pseudonym(
        &mut self,
        person: usize,
        variant: &str,
        style: Style,
        language: &str,
    ) -> String {
        let number = self.number(person);
        let replacement = self.replacement(person);
        match style {
            Style::Tags => format!("[{}-{number}]", Category::Person.tag(language)),
            Style::Names => {
                let p = &self.persons[person];
                let new = NameParts::of(&replacement);
                let mut out = variant.to_owned();
                let mut changed = false;
                for (old, new) in [
                    (p.parts.family.as_deref(), new.family.as_deref()),
                    (p.parts.given.as_deref(), new.given.as_deref()),
                ] {
                    let (Some(old), Some(new)) = (old, new) else {
                        continue;
                    };
                    for (o, n) in [
                        (old.to_owned(), new.to_owned()),
                        (old.to_uppercase(), new.to_uppercase()),
                        (capitalise(old), new.to_owned()),
                    ] {
                        let replaced = replace_word(&out, &o, &n);
                        changed |= replaced != out;
                        out = replaced;
                    }
                }
                if changed { out } else { replacement }
            }
        }
    }

    /// The person's replacement name, chosen on first use: a given name of the same
    /// gender and, when the person has one, a family name; never one of the corpus's names
    /// or another person's replacement.
    fn replacement(&mut self, person: usize) -> String {
        if let Some(r) = &self.persons[person].replacement {
            return r.clone();
        }
        let number = self.persons[person].number.unwrap_or(0);
        let taken: BTreeSet<String> = self
            .persons
            .iter()
            .flat_map(|p| {
                p.name
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        let (women, men, families) = &*REPLACEMENTS;
        let p = &self.persons[person];
        let given_list = match p.gender {
            Gender::Female => women,
            Gender::Male => men,
            Gender::Either if number.is_multiple_of(2) => women,
            Gender::Either => men,
        };
        let pick = |list: &[&str], step: usize, used: &BTreeSet<String>| -> String {
            (0..list.len())
                .map(|k| list[(number * step + k) % list.len()])
                .find(|n| {
                    !taken.contains(*n)
                        && !used.iter().any(|u| u.split_whitespace().any(|w| w == *n))
                })
                .unwrap_or(list[number % list.len()])
                .to_owned()
        };
        let given = p
            .parts
            .given
            .as_ref()
            .map(|_| pick(given_list, 7, &self.used_replacements));
        let family = p
            .parts
            .family
            .as_ref()
            .map(|_| pick(families, 11, &self.used_replacements));
        let replacement = NameParts { given, family }.full();
        self.used_replacements.insert(replacement.clone());
        self.persons[person].replacement = Some(replacement.clone());
        replacement
    }

    /// The key rows of the persons that have a number.
    pub fn entries(&mut self) -> Vec<PersonEntry> {
        let numbered: Vec<usize> = (0..self.persons.len())
            .filter(|&i| self.persons[i].number.is_some())
            .collect();
        numbered
            .into_iter()
            .map(|i| PersonEntry {
                number: self.number(i),
                replacement: self.replacement(i),
                name: self.persons[i].name.clone(),
            })
            .collect()
    }
}

fn gender_of(parts: &NameParts) -> Gender {
    parts
        .given
        .as_deref()
        .and_then(|g| g.split_whitespace().next())
        .and_then(|g| FIRST_NAMES.get(g))
        .map_or(Gender::Either, |f| f.gender)
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `text` with whole-word occurrences of `old` replaced by `new`.
fn replace_word(text: &str, old: &str, new: &str) -> String {
    if old.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(old) {
        let before = rest[..at].chars().next_back().or(out.chars().next_back());
        let after = rest[at + old.len()..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric) {
            out.push_str(old);
        } else {
            out.push_str(new);
        }
        rest = &rest[at + old.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(names: &[&str]) -> People {
        let mut p = People::default();
        p.add_names(
            &names
                .iter()
                .map(|s| ((*s).to_owned(), false))
                .collect::<Vec<_>>(),
        );
        p.finish();
        p
    }

    #[test]
    fn a_first_name_alone_is_the_person_with_that_first_name() {
        let p = people(&["Wietske", "Wietske Hoekstra", "Hoekstra", "Joke"]);
        let w = p.person_of("Wietske Hoekstra").unwrap();
        assert_eq!(p.person_of("Wietske"), Some(w));
        assert_eq!(p.person_of("Hoekstra"), Some(w));
        assert_eq!(p.person_of("HOEKSTRA"), Some(w));
        assert_ne!(p.person_of("Joke"), Some(w));
    }

    #[test]
    fn a_first_name_of_two_people_says_so() {
        let p = people(&["Sara Jansen", "Sara de Vries"]);
        assert_eq!(p.person_of("Sara"), p.person_of("Sara Jansen"));
        assert_eq!(p.others("Sara"), vec!["Sara de Vries"]);
    }

    #[test]
    fn tags_and_names_are_numbered_on_first_use_and_keep_gender_and_shape() {
        let mut p = people(&["Sara Jansen", "Kees", "Khadija Arib"]);
        let kees = p.person_of("Kees").unwrap();
        let sara = p.person_of("Sara").unwrap();
        assert_eq!(p.pseudonym(kees, "Kees", Style::Tags, "nl"), "[PERSOON-1]");
        assert_eq!(p.pseudonym(sara, "Sara", Style::Tags, "en"), "[PERSON-2]");
        let full = p.pseudonym(sara, "Sara Jansen", Style::Names, "nl");
        let (given, family) = full.split_once(' ').unwrap();
        assert_eq!(p.pseudonym(sara, "Sara", Style::Names, "nl"), given);
        assert_eq!(
            p.pseudonym(sara, "JANSEN", Style::Names, "nl"),
            family.to_uppercase()
        );
        assert!(REPLACEMENTS.0.contains(&given), "{given} is a woman's name");
        let kees_name = p.pseudonym(kees, "Kees", Style::Names, "nl");
        assert!(REPLACEMENTS.1.contains(&kees_name.as_str()), "{kees_name}");
        let khadija = p.person_of("Arib, Khadija").unwrap();
        let turned = p.pseudonym(khadija, "Arib, Khadija", Style::Names, "nl");
        assert!(turned.contains(", "), "{turned}");
        assert_eq!(p.entries().len(), 3);
    }

    #[test]
    fn a_key_brings_back_numbers_and_names() {
        let mut first = people(&["Sara Jansen", "Kees"]);
        let kees = first.person_of("Kees").unwrap();
        first.pseudonym(kees, "Kees", Style::Names, "nl");
        let key = Key {
            persons: first.entries(),
            ..Key::default()
        };
        let mut again = People::from_key(&key);
        again.add_names(&[
            ("Sara Jansen".to_owned(), false),
            ("Kees".to_owned(), false),
        ]);
        again.finish();
        let kees2 = again.person_of("Kees").unwrap();
        assert_eq!(again.number(kees2), 1);
        assert_eq!(
            again.pseudonym(kees2, "Kees", Style::Names, "nl"),
            key.persons[0].replacement
        );
        let sara = again.person_of("Sara").unwrap();
        assert_eq!(again.number(sara), 2);
    }

    #[test]
    fn words_are_replaced_whole() {
        assert_eq!(
            replace_word("Jan Jansen, Jan.", "Jan", "Bart"),
            "Bart Jansen, Bart."
        );
    }
}

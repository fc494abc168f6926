//! Lemmas: one key for every inflection of a word, so a codebook term `~bellen` matches
//! "belde", "gebeld" and "opgebeld" and `~ring` matches "rang" and "rung".
//!
//! A word's key is the Snowball stem (Dutch or English, pinned) of its lemma, where a table
//! of irregular forms gives the lemma (`kwam` → `komen`, `rang` → `ring`) and otherwise the
//! word is its own lemma. The stemmer alone does not make every regular form of a word
//! agree (`betalen` stems to `betaal`, `betaald` to `betaald`), so a term's lemma is
//! expanded into its regular forms and matches the keys of all of them. Languages without a
//! stemmer use the folded word as its key.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use frostem::{Algorithm, Stemmer};

const IRREGULAR_NL: &str = include_str!("irregular-nl.txt");
const IRREGULAR_EN: &str = include_str!("irregular-en.txt");

/// Dutch separable particles: `opbellen` is `op` + `bellen`, participle `opgebeld`.
const NL_PARTICLES: [&str; 24] = [
    "aan", "achter", "af", "bij", "binnen", "door", "in", "langs", "los", "mee", "na", "neer",
    "om", "onder", "op", "over", "samen", "terug", "toe", "tegen", "uit", "vast", "voor", "weg",
];
/// Dutch prefixes that take no `ge-` in the participle: `benaderd`, `verwezen`.
const NL_INSEPARABLE: [&str; 6] = ["be", "ge", "her", "ont", "ver", "er"];

/// The lemma tables and stemmers of one language.
struct Language {
    stemmer: Option<Stemmer>,
    /// Irregular form → lemma.
    lemma_of: HashMap<&'static str, &'static str>,
    /// Lemma → its irregular forms.
    forms_of: HashMap<&'static str, Vec<&'static str>>,
}

fn parse_table(
    table: &'static str,
) -> (
    HashMap<&'static str, &'static str>,
    HashMap<&'static str, Vec<&'static str>>,
) {
    let mut lemma_of = HashMap::new();
    let mut forms_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for line in table.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((lemma, forms)) = line.split_once(':') else {
            continue;
        };
        let lemma = lemma.trim();
        for form in forms.split_whitespace() {
            lemma_of.entry(form).or_insert(lemma);
            forms_of.entry(lemma).or_default().push(form);
        }
    }
    (lemma_of, forms_of)
}

fn tables(code: &str) -> Option<&'static Language> {
    static NL: OnceLock<Language> = OnceLock::new();
    static EN: OnceLock<Language> = OnceLock::new();
    let (cell, algorithm, table) = match code {
        "nl" => (&NL, Algorithm::Dutch, IRREGULAR_NL),
        "en" => (&EN, Algorithm::English, IRREGULAR_EN),
        _ => return None,
    };
    Some(cell.get_or_init(|| {
        let (lemma_of, forms_of) = parse_table(table);
        Language {
            stemmer: Some(Stemmer::new(algorithm)),
            lemma_of,
            forms_of,
        }
    }))
}

/// Whether thema has lemma tables and a stemmer for `language`.
pub fn supported(language: &str) -> bool {
    tables(language).is_some()
}

/// The lemma key of a folded word in `language`.
pub fn key<'w>(language: &str, word: &'w str) -> Cow<'w, str> {
    let Some(lang) = tables(language) else {
        return Cow::Borrowed(word);
    };
    let lemma = lang.lemma_of.get(word).copied();
    let stemmer = lang.stemmer.expect("stemmer of a supported language");
    match lemma {
        Some(lemma) => Cow::Owned(stemmer.stem(lemma).into_owned()),
        None => stemmer.stem(word),
    }
}

/// The keys a lemma term `~lemma` matches in `language`: the keys of the lemma and of all
/// its regular and irregular forms.
pub fn keys_of_lemma(language: &str, lemma: &str) -> BTreeSet<String> {
    let mut forms = BTreeSet::from([lemma.to_owned()]);
    match language {
        "nl" => dutch_forms(lemma, &mut forms),
        "en" => english_forms(lemma, &mut forms),
        _ => {}
    }
    if let Some(lang) = tables(language)
        && let Some(irregular) = lang.forms_of.get(lemma)
    {
        forms.extend(irregular.iter().map(|f| (*f).to_owned()));
    }
    forms
        .iter()
        .map(|f| key(language, f).into_owned())
        .collect()
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// Regular Dutch forms: verb conjugations from an infinitive, and noun and adjective
/// inflections. Generous on purpose: a form that is not a word never matches anything.
fn dutch_forms(lemma: &str, out: &mut BTreeSet<String>) {
    if let Some((particle, verb)) = NL_PARTICLES
        .iter()
        .filter_map(|p| lemma.strip_prefix(p).map(|rest| (*p, rest)))
        .find(|(_, rest)| rest.len() > 2 && rest.ends_with('n'))
    {
        let mut base = BTreeSet::new();
        dutch_forms(verb, &mut base);
        if let Some(lang) = tables("nl")
            && let Some(irregular) = lang.forms_of.get(verb)
        {
            base.extend(irregular.iter().map(|f| (*f).to_owned()));
        }
        out.extend(base.iter().map(|f| format!("{particle}{f}")));
    }
    if let Some(lang) = tables("nl") {
        for (prefix, verb) in NL_INSEPARABLE
            .iter()
            .filter_map(|p| lemma.strip_prefix(p).map(|rest| (*p, rest)))
        {
            for form in lang.forms_of.get(verb).into_iter().flatten() {
                out.insert(format!("{prefix}{form}"));
                if let Some(bare) = form.strip_prefix("ge") {
                    out.insert(format!("{prefix}{bare}"));
                }
            }
        }
    }
    let Some(stem) = lemma.strip_suffix("en").filter(|s| s.chars().count() > 1) else {
        noun_forms_nl(lemma, out);
        return;
    };
    let mut stems = BTreeSet::from([stem.to_owned()]);
    let chars: Vec<char> = stem.chars().collect();
    let n = chars.len();
    if n >= 2 && chars[n - 1] == chars[n - 2] && !is_vowel(chars[n - 1]) {
        stems.insert(chars[..n - 1].iter().collect());
    }
    if n >= 2
        && !is_vowel(chars[n - 1])
        && is_vowel(chars[n - 2])
        && (n < 3 || !is_vowel(chars[n - 3]))
    {
        let mut doubled: String = chars[..n - 1].iter().collect();
        doubled.push(chars[n - 2]);
        doubled.push(chars[n - 1]);
        stems.insert(doubled);
    }
    for s in stems.clone() {
        if let Some(rest) = s.strip_suffix('v') {
            stems.insert(format!("{rest}f"));
        }
        if let Some(rest) = s.strip_suffix('z') {
            stems.insert(format!("{rest}s"));
        }
    }
    let prefixed = NL_INSEPARABLE.iter().any(|p| lemma.starts_with(p));
    for s in &stems {
        out.insert(s.clone());
        for ending in ["t", "de", "den", "te", "ten", "end", "ende", "en"] {
            out.insert(format!("{s}{ending}"));
        }
        let participle_end = if s.ends_with('d') || s.ends_with('t') {
            ""
        } else {
            "d"
        };
        let participle = format!("{s}{participle_end}");
        out.insert(format!("{s}t"));
        out.insert(format!("ge{participle}"));
        out.insert(format!("ge{s}t"));
        if prefixed {
            out.insert(participle);
        }
    }
}

fn noun_forms_nl(word: &str, out: &mut BTreeSet<String>) {
    let mut bases = BTreeSet::from([word.to_owned()]);
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    if n >= 2
        && !is_vowel(chars[n - 1])
        && is_vowel(chars[n - 2])
        && (n < 3 || !is_vowel(chars[n - 3]))
    {
        let mut doubled = word.to_owned();
        doubled.push(chars[n - 1]);
        bases.insert(doubled);
    }
    if n >= 3 && !is_vowel(chars[n - 1]) && chars[n - 2] == chars[n - 3] && is_vowel(chars[n - 2]) {
        let mut single: String = chars[..n - 2].iter().collect();
        single.push(chars[n - 1]);
        bases.insert(single);
    }
    for b in bases.clone() {
        if let Some(rest) = b.strip_suffix('f') {
            bases.insert(format!("{rest}v"));
        }
        if let Some(rest) = b.strip_suffix('s') {
            bases.insert(format!("{rest}z"));
        }
    }
    for b in &bases {
        for ending in ["en", "e", "er", "ere", "st", "ste", "s"] {
            out.insert(format!("{b}{ending}"));
        }
    }
    for ending in [
        "s", "'s", "je", "jes", "tje", "tjes", "pje", "pjes", "etje", "etjes",
    ] {
        out.insert(format!("{word}{ending}"));
    }
}

/// Regular English forms of a verb, noun or adjective.
fn english_forms(word: &str, out: &mut BTreeSet<String>) {
    for ending in ["s", "es", "ed", "d", "ing", "er", "ers", "est"] {
        out.insert(format!("{word}{ending}"));
    }
    if let Some(rest) = word.strip_suffix('e') {
        out.insert(format!("{rest}ing"));
    }
    if let Some(rest) = word.strip_suffix('y') {
        out.insert(format!("{rest}ies"));
        out.insert(format!("{rest}ied"));
    }
    if let Some(last) = word.chars().last().filter(|c| !is_vowel(*c)) {
        out.insert(format!("{word}{last}ed"));
        out.insert(format!("{word}{last}ing"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(language: &str, lemma: &str, word: &str) -> bool {
        keys_of_lemma(language, lemma).contains(key(language, word).as_ref())
    }

    #[test]
    fn dutch_weak_verbs_match_every_form() {
        for form in ["bel", "belt", "belde", "belden", "gebeld", "bellen"] {
            assert!(matches("nl", "bellen", form), "{form}");
        }
        for form in ["betaal", "betaalt", "betaalde", "betaald", "betalen"] {
            assert!(matches("nl", "betalen", form), "{form}");
        }
        for form in ["regelde", "geregeld", "regelt", "regelen"] {
            assert!(matches("nl", "regelen", form), "{form}");
        }
        assert!(matches("nl", "benaderen", "benaderd"));
        assert!(matches("nl", "verwijzen", "verwees"));
        assert!(matches("nl", "vergeven", "vergeven"));
        assert!(!matches("nl", "bellen", "betaald"));
    }

    #[test]
    fn dutch_irregular_and_separable_verbs() {
        for form in ["kwam", "kwamen", "gekomen", "komt"] {
            assert!(matches("nl", "komen", form), "{form}");
        }
        for form in ["kreeg", "kregen", "gekregen"] {
            assert!(matches("nl", "krijgen", form), "{form}");
        }
        for form in ["opgebeld", "opbellen", "opbelde"] {
            assert!(matches("nl", "opbellen", form), "{form}");
        }
        for form in ["langsgekomen", "langskwam", "langskomen"] {
            assert!(matches("nl", "langskomen", form), "{form}");
        }
        for form in ["opgenomen", "opnam"] {
            assert!(matches("nl", "opnemen", form), "{form}");
        }
    }

    #[test]
    fn dutch_nouns_and_adjectives() {
        assert!(matches("nl", "brief", "brieven"));
        assert!(matches("nl", "brief", "briefje"));
        assert!(matches("nl", "blij", "blije"));
        assert!(matches("nl", "schaamte", "schaamte"));
    }

    #[test]
    fn english_regular_and_irregular_forms() {
        for form in ["calls", "called", "calling"] {
            assert!(matches("en", "call", form), "{form}");
        }
        for form in ["rang", "rung", "rings"] {
            assert!(matches("en", "ring", form), "{form}");
        }
        for form in ["stopped", "stopping"] {
            assert!(matches("en", "stop", form), "{form}");
        }
        assert!(matches("en", "try", "tried"));
        assert!(matches("en", "send", "sent"));
        assert!(!matches("en", "call", "came"));
    }

    #[test]
    fn unknown_languages_match_the_word_itself() {
        assert_eq!(key("fr", "appelé"), "appelé");
        assert!(keys_of_lemma("fr", "appeler").contains("appeler"));
        assert!(!supported("fr") && supported("nl"));
    }
}

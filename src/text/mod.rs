//! Text helpers shared by the stages: word tokens, accent folding, lemmas and language
//! guessing.

pub mod lemma;

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// A word of a text: its byte range and its folded form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Byte offset of the word in the text.
    pub start: usize,
    /// Byte offset one past the word.
    pub end: usize,
    /// Lowercased, accent-free form with typographic apostrophes made plain.
    pub folded: String,
}

/// Lowercases, strips accents and turns `’` into `'`: the form terms are compared in.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    if word.is_ascii() {
        for c in word.chars() {
            out.push(c.to_ascii_lowercase());
        }
        return out;
    }
    for c in word.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        match c {
            '’' | '‘' | '`' => out.push('\''),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The words of `text` (Unicode word boundaries; tokens with a letter or digit).
pub fn words(text: &str) -> impl Iterator<Item = Word> + '_ {
    text.split_word_bound_indices()
        .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
        .map(|(start, w)| Word {
            start,
            end: start + w.len(),
            folded: fold(w),
        })
}

const DUTCH: [&str; 40] = [
    "de", "het", "een", "ik", "niet", "dat", "ze", "van", "ook", "maar", "wel", "heb", "die", "op",
    "je", "met", "voor", "er", "nog", "naar", "dan", "mijn", "hebben", "geen", "niemand", "zelf",
    "hij", "zij", "wij", "ons", "bij", "uit", "te", "wat", "hoe", "waar", "werd", "heeft", "zijn",
    "nooit",
];
const ENGLISH: [&str; 40] = [
    "the", "a", "and", "i", "to", "of", "it", "was", "that", "they", "my", "not", "have", "for",
    "with", "but", "so", "had", "this", "you", "just", "didn't", "nobody", "never", "what", "how",
    "were", "has", "their", "them", "she", "he", "we", "our", "from", "would", "could", "no",
    "been", "there",
];

/// Guesses `nl` or `en` from function words; `None` when there are none.
pub fn guess_language<'a>(texts: impl IntoIterator<Item = &'a str>) -> Option<&'static str> {
    let (mut nl, mut en) = (0usize, 0usize);
    for text in texts {
        for w in words(text) {
            nl += usize::from(DUTCH.contains(&w.folded.as_str()));
            en += usize::from(ENGLISH.contains(&w.folded.as_str()));
        }
    }
    match (nl, en) {
        (0, 0) => None,
        (nl, en) if nl >= en => Some("nl"),
        _ => Some("en"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_lowercases_strips_accents_and_apostrophes() {
        assert_eq!(fold("Één"), "een");
        assert_eq!(fold("didn’t"), "didn't");
        assert_eq!(fold("Geïnterviewde"), "geinterviewde");
    }

    #[test]
    fn words_keep_contractions_and_skip_punctuation() {
        let ws: Vec<String> = words("We didn't, ok? Zo’n brief!")
            .map(|w| w.folded)
            .collect();
        assert_eq!(ws, ["we", "didn't", "ok", "zo'n", "brief"]);
    }

    #[test]
    fn language_guess() {
        assert_eq!(
            guess_language(["Ik heb ze niet gebeld, maar de gemeente belde mij."]),
            Some("nl")
        );
        assert_eq!(
            guess_language(["They called me and I was relieved."]),
            Some("en")
        );
        assert_eq!(guess_language(["..."]), None);
    }
}

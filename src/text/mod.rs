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
    fold_into(word, &mut out);
    out
}

/// [`fold`] into `out`, which is cleared first: a caller folding many words reuses one
/// buffer.
pub fn fold_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
        return;
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
}

/// The words of `text` (Unicode word boundaries; tokens with a letter or digit).
pub fn words(text: &str) -> impl Iterator<Item = Word> + '_ {
    word_spans(text).map(|span| Word {
        start: span.start,
        end: span.end,
        folded: fold(&text[span.start..span.end]),
    })
}

/// A word's byte range in its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Byte offset of the word.
    pub start: usize,
    /// Byte offset one past the word.
    pub end: usize,
}

/// The byte ranges of the words of `text`, as [`words`] finds them, without folding.
/// An ASCII text is split by a byte loop that follows the same Unicode word-boundary rules
/// (UAX #29) as `unicode-segmentation`, which splits every other text.
pub fn word_spans(text: &str) -> impl Iterator<Item = Span> + '_ {
    let ascii = text.is_ascii();
    let unicode = (!ascii).then(|| {
        text.split_word_bound_indices()
            .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
            .map(|(start, w)| Span {
                start,
                end: start + w.len(),
            })
    });
    let ascii = ascii.then_some(AsciiWords {
        bytes: text.as_bytes(),
        at: 0,
    });
    unicode
        .into_iter()
        .flatten()
        .chain(ascii.into_iter().flatten())
}

/// The UAX #29 word-boundary classes of the ASCII characters that can be inside a word.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AsciiClass {
    Letter,
    Digit,
    /// `_` (ExtendNumLet): joins letters, digits and itself.
    Underscore,
    /// `:` (MidLetter): joins two letters.
    MidLetter,
    /// `,` and `;` (MidNum): join two digits.
    MidNum,
    /// `.` and `'` (MidNumLet, Single_Quote): join two letters or two digits.
    MidNumLet,
    Other,
}

fn ascii_class(byte: u8) -> AsciiClass {
    match byte {
        b'a'..=b'z' | b'A'..=b'Z' => AsciiClass::Letter,
        b'0'..=b'9' => AsciiClass::Digit,
        b'_' => AsciiClass::Underscore,
        b':' => AsciiClass::MidLetter,
        b',' | b';' => AsciiClass::MidNum,
        b'.' | b'\'' => AsciiClass::MidNumLet,
        _ => AsciiClass::Other,
    }
}

/// The words of an ASCII text with a letter or digit (see [`word_spans`]).
struct AsciiWords<'t> {
    bytes: &'t [u8],
    at: usize,
}

impl Iterator for AsciiWords<'_> {
    type Item = Span;

    fn next(&mut self) -> Option<Span> {
        use AsciiClass::{Digit, Letter, MidLetter, MidNum, MidNumLet, Underscore};
        let bytes = self.bytes;
        let joins = |c: AsciiClass| matches!(c, Letter | Digit | Underscore);
        loop {
            let start = self.at
                + bytes[self.at..]
                    .iter()
                    .position(|&b| joins(ascii_class(b)))?;
            let mut end = start + 1;
            while end < bytes.len() {
                let (before, this) = (ascii_class(bytes[end - 1]), ascii_class(bytes[end]));
                if joins(this) {
                    end += 1;
                    continue;
                }
                let after = bytes.get(end + 1).map(|&b| ascii_class(b));
                let between_letters = before == Letter
                    && after == Some(Letter)
                    && matches!(this, MidLetter | MidNumLet);
                let between_digits =
                    before == Digit && after == Some(Digit) && matches!(this, MidNum | MidNumLet);
                if between_letters || between_digits {
                    end += 2;
                } else {
                    break;
                }
            }
            self.at = end;
            if bytes[start..end].iter().any(u8::is_ascii_alphanumeric) {
                return Some(Span { start, end });
            }
        }
    }
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

    /// The ASCII splitter agrees with `unicode-segmentation` on every sample line and on
    /// generated strings of the characters whose word-boundary classes differ.
    #[test]
    fn ascii_words_follow_the_unicode_rules() {
        let unicode = |text: &str| -> Vec<(usize, usize)> {
            text.split_word_bound_indices()
                .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
                .map(|(start, w)| (start, start + w.len()))
                .collect()
        };
        let ascii = |text: &str| -> Vec<(usize, usize)> {
            AsciiWords {
                bytes: text.as_bytes(),
                at: 0,
            }
            .map(|s| (s.start, s.end))
            .collect()
        };
        let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let mut lines = 0;
        for entry in std::fs::read_dir(samples).unwrap() {
            let Ok(text) = std::fs::read_to_string(entry.unwrap().path()) else {
                continue;
            };
            for line in text.lines().filter(|l| l.is_ascii()) {
                assert_eq!(ascii(line), unicode(line), "{line:?}");
                lines += 1;
            }
        }
        assert!(lines > 500, "{lines} sample lines");
        let alphabet = b"aZ9_:,;.'\" -\n\r\t!?(";
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..50_000 {
            let length = (state % 9) as usize + 1;
            let text: String = (0..length)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize] as char
                })
                .collect();
            assert_eq!(ascii(&text), unicode(&text), "{text:?}");
        }
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

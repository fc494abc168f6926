//! The shapes of a speaker label, matched by a small backtracking matcher instead of
//! regular expressions: compiling the Unicode-class patterns cost more than reading a short
//! transcript. Each shape is written down as the regular expression it stands for and is
//! matched with that expression's leftmost-first semantics (the tests compare the two).

use std::sync::LazyLock;

use regex_syntax::hir::{Class, HirKind};

/// The characters one position of a shape accepts.
#[derive(Debug, Clone, Copy)]
pub(super) enum Set {
    /// `[ \t]`
    Blank,
    /// `[\[(]`
    Open,
    /// `[\])]`
    Close,
    /// `[.,]`
    Decimal,
    /// `\d` (any decimal digit)
    Digit,
    /// `\p{Lu}`
    Upper,
    /// `[\p{Lu}\-]`
    UpperOrHyphen,
    /// `[\p{L}\p{N}]`
    WordStart,
    /// `[\p{L}\p{N}.'’\-]`
    WordRest,
}

/// Code-point ranges of a Unicode class, as the regex engine defines it.
struct Ranges(Vec<(char, char)>);

impl Ranges {
    fn of(class: &str) -> Ranges {
        let hir = regex_syntax::parse(class).expect("static class");
        let HirKind::Class(Class::Unicode(class)) = hir.kind() else {
            unreachable!("{class} is a Unicode class");
        };
        Ranges(
            class
                .ranges()
                .iter()
                .map(|r| (r.start(), r.end()))
                .collect(),
        )
    }

    fn contains(&self, c: char) -> bool {
        self.0
            .binary_search_by(|&(start, end)| {
                if end < c {
                    std::cmp::Ordering::Less
                } else if start > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }
}

static DIGITS: LazyLock<Ranges> = LazyLock::new(|| Ranges::of(r"\d"));
static UPPER: LazyLock<Ranges> = LazyLock::new(|| Ranges::of(r"\p{Lu}"));
static ALPHANUMERIC: LazyLock<Ranges> = LazyLock::new(|| Ranges::of(r"[\p{L}\p{N}]"));

impl Set {
    fn contains(self, c: char) -> bool {
        let ascii = c.is_ascii();
        match self {
            Set::Blank => c == ' ' || c == '\t',
            Set::Open => c == '[' || c == '(',
            Set::Close => c == ']' || c == ')',
            Set::Decimal => c == '.' || c == ',',
            Set::Digit if ascii => c.is_ascii_digit(),
            Set::Digit => DIGITS.contains(c),
            Set::Upper if ascii => c.is_ascii_uppercase(),
            Set::Upper => UPPER.contains(c),
            Set::UpperOrHyphen => c == '-' || Set::Upper.contains(c),
            Set::WordStart if ascii => c.is_ascii_alphanumeric(),
            Set::WordStart => ALPHANUMERIC.contains(c),
            Set::WordRest => matches!(c, '.' | '\'' | '’' | '-') || Set::WordStart.contains(c),
        }
    }
}

/// The capture groups of a shape.
const NAME: usize = 0;
const TS: usize = 1;

/// One position of a shape: the regular-expression construct it stands for.
#[derive(Debug)]
pub(super) enum Node {
    /// A literal string.
    Lit(&'static str),
    /// `set{min,max}`, greedy.
    Chars(Set, usize, usize),
    /// `(?:…)?`, greedy.
    Opt(&'static [Node]),
    /// `(?:a|b)`, the first alternative first.
    Alt(&'static [&'static [Node]]),
    /// `(?:…){0,max}`, greedy.
    Rep(&'static [Node], usize),
    /// `(?P<…>…)`: the group records where its text starts and ends.
    Group(usize, &'static [Node]),
    /// `$`: the end of the line.
    End,
}

const ANY: usize = usize::MAX;

/// `\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?`
const TIME: &[Node] = &[
    Node::Chars(Set::Digit, 1, 2),
    Node::Lit(":"),
    Node::Chars(Set::Digit, 2, 2),
    Node::Opt(&[Node::Lit(":"), Node::Chars(Set::Digit, 2, 2)]),
    Node::Opt(&[
        Node::Chars(Set::Decimal, 1, 1),
        Node::Chars(Set::Digit, 1, 3),
    ]),
];

/// A word of a speaker name, or a pseudonym tag such as `[PERSOON-3]` that
/// `thema pseudonymise` puts in place of a name (so pseudonymised transcripts keep their
/// turns): `(?:\[\p{Lu}[\p{Lu}\-]*-\d+\]|[\p{L}\p{N}][\p{L}\p{N}.'’\-]*)`.
const NAME_WORD: Node = Node::Alt(&[
    &[
        Node::Lit("["),
        Node::Chars(Set::Upper, 1, 1),
        Node::Chars(Set::UpperOrHyphen, 0, ANY),
        Node::Lit("-"),
        Node::Chars(Set::Digit, 1, ANY),
        Node::Lit("]"),
    ],
    &[
        Node::Chars(Set::WordStart, 1, 1),
        Node::Chars(Set::WordRest, 0, ANY),
    ],
]);

/// Up to four name words: `(?P<name>NAME_WORD(?: NAME_WORD){0,3})`.
const SPEAKER: Node = Node::Group(
    NAME,
    &[NAME_WORD, Node::Rep(&[Node::Lit(" "), NAME_WORD], 3)],
);
const STAMP: Node = Node::Group(TS, TIME);
const BLANKS: Node = Node::Chars(Set::Blank, 0, ANY);
const BOLD: Node = Node::Opt(&[Node::Lit("**")]);
/// `(?:[ \t]+|$)`: what follows a label's colon.
const AFTER_COLON: Node = Node::Alt(&[&[Node::Chars(Set::Blank, 1, ANY)], &[Node::End]]);

/// `[00:01:23] Maria: text` and `00:01:23 Maria: text`:
/// `^[ \t]*[\[(]?(?P<ts>TIME)[\])]?[ \t]+(?:\*\*)?(?P<name>NAME)(?:\*\*)?[ \t]*:(?:\*\*)?(?:[ \t]+|$)`.
pub(super) const TIME_FIRST: &[Node] = &[
    BLANKS,
    Node::Chars(Set::Open, 0, 1),
    STAMP,
    Node::Chars(Set::Close, 0, 1),
    Node::Chars(Set::Blank, 1, ANY),
    BOLD,
    SPEAKER,
    BOLD,
    BLANKS,
    Node::Lit(":"),
    BOLD,
    AFTER_COLON,
];

/// `Maria (00:01:23): text` and `Maria [00:01:23]: text`:
/// `^[ \t]*(?:\*\*)?(?P<name>NAME)[ \t]*[\[(](?P<ts>TIME)[\])](?:\*\*)?[ \t]*:(?:\*\*)?(?:[ \t]+|$)`.
pub(super) const TIME_AFTER: &[Node] = &[
    BLANKS,
    BOLD,
    SPEAKER,
    BLANKS,
    Node::Chars(Set::Open, 1, 1),
    STAMP,
    Node::Chars(Set::Close, 1, 1),
    BOLD,
    BLANKS,
    Node::Lit(":"),
    BOLD,
    AFTER_COLON,
];

/// `**Maria:** text` and `**Maria**: text`:
/// `^[ \t]*\*\*(?P<name>NAME)[ \t]*(?::\*\*|\*\*[ \t]*:)(?:[ \t]+|$)`.
pub(super) const BOLD_NAME: &[Node] = &[
    BLANKS,
    Node::Lit("**"),
    SPEAKER,
    BLANKS,
    Node::Alt(&[
        &[Node::Lit(":**")],
        &[Node::Lit("**"), BLANKS, Node::Lit(":")],
    ]),
    AFTER_COLON,
];

/// `Maria: text`: `^[ \t]*(?P<name>NAME)[ \t]*:(?:[ \t]+|$)`.
pub(super) const PLAIN: &[Node] = &[BLANKS, SPEAKER, BLANKS, Node::Lit(":"), AFTER_COLON];

/// Otter.ai / Teams: `Sara Jansen  00:13` alone on a line; the text follows:
/// `^[ \t]*(?P<name>NAME)[ \t]+[\[(]?(?P<ts>TIME)[\])]?[ \t]*$`.
pub(super) const STANDALONE: &[Node] = &[
    BLANKS,
    SPEAKER,
    Node::Chars(Set::Blank, 1, ANY),
    Node::Chars(Set::Open, 0, 1),
    STAMP,
    Node::Chars(Set::Close, 0, 1),
    BLANKS,
    Node::End,
];

/// Where a shape matched at the start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found<'l> {
    /// The name as written.
    pub name: &'l str,
    /// The timestamp as written, if the shape has one.
    pub timestamp: Option<&'l str>,
    /// Byte offset where the match ends.
    pub end: usize,
}

/// Matches `shape` at the start of `line`, as its regular expression would.
pub(super) fn find<'l>(shape: &[Node], line: &'l str) -> Option<Found<'l>> {
    let mut matcher = Matcher {
        line,
        groups: [None; 2],
        end: 0,
    };
    let text = |(start, end): (usize, usize)| &line[start..end];
    matcher.run(shape, 0, None).then(|| Found {
        name: text(matcher.groups[NAME].expect("every shape names a speaker")),
        timestamp: matcher.groups[TS].map(text),
        end: matcher.end,
    })
}

/// What remains to be matched after the nodes at hand.
enum Then<'a> {
    /// These nodes.
    Nodes(&'a [Node]),
    /// Up to `left` more repetitions of `body`.
    Repeat(&'a [Node], usize),
    /// The end of group `group`.
    Close(usize),
}

/// A stack of what remains, innermost first.
struct Rest<'a> {
    then: Then<'a>,
    outer: Option<&'a Rest<'a>>,
}

struct Matcher<'l> {
    line: &'l str,
    groups: [Option<(usize, usize)>; 2],
    end: usize,
}

impl Matcher<'_> {
    /// Whether `nodes` and then `rest` match at `at`; backtracks in the regex's priority
    /// order, so the first success is the regex's match.
    fn run(&mut self, nodes: &[Node], at: usize, rest: Option<&Rest<'_>>) -> bool {
        let Some((node, next)) = nodes.split_first() else {
            return self.resume(at, rest);
        };
        let after = Rest {
            then: Then::Nodes(next),
            outer: rest,
        };
        match node {
            Node::Lit(s) => self.line[at..].starts_with(s) && self.run(next, at + s.len(), rest),
            Node::Chars(set, min, max) => {
                let mut end = at;
                let mut count = 0;
                for c in self.line[at..].chars().take(*max) {
                    if !set.contains(c) {
                        break;
                    }
                    end += c.len_utf8();
                    count += 1;
                }
                loop {
                    if count < *min {
                        return false;
                    }
                    if self.run(next, end, rest) {
                        return true;
                    }
                    if count == 0 {
                        return false;
                    }
                    let last = self.line[..end]
                        .chars()
                        .next_back()
                        .expect("a matched char");
                    end -= last.len_utf8();
                    count -= 1;
                }
            }
            Node::Opt(body) => self.run(body, at, Some(&after)) || self.run(next, at, rest),
            Node::Alt(alternatives) => alternatives
                .iter()
                .any(|alternative| self.run(alternative, at, Some(&after))),
            Node::Rep(body, max) => self.repeat(body, *max, at, Some(&after)),
            Node::Group(group, body) => {
                let saved = self.groups[*group];
                self.groups[*group] = Some((at, at));
                let close = Rest {
                    then: Then::Close(*group),
                    outer: Some(&after),
                };
                if self.run(body, at, Some(&close)) {
                    return true;
                }
                self.groups[*group] = saved;
                false
            }
            Node::End => at == self.line.len() && self.run(next, at, rest),
        }
    }

    /// Up to `left` more repetitions of `body` (as many as can be), then `rest`.
    fn repeat(&mut self, body: &[Node], left: usize, at: usize, rest: Option<&Rest<'_>>) -> bool {
        if left > 0 {
            let again = Rest {
                then: Then::Repeat(body, left - 1),
                outer: rest,
            };
            if self.run(body, at, Some(&again)) {
                return true;
            }
        }
        self.resume(at, rest)
    }

    /// Goes on with what remains after the nodes at hand.
    fn resume(&mut self, at: usize, rest: Option<&Rest<'_>>) -> bool {
        let Some(rest) = rest else {
            self.end = at;
            return true;
        };
        match rest.then {
            Then::Nodes(nodes) => self.run(nodes, at, rest.outer),
            Then::Repeat(body, left) => self.repeat(body, left, at, rest.outer),
            Then::Close(group) => {
                let saved = self.groups[group];
                self.groups[group] = saved.map(|(start, _)| (start, at));
                if self.resume(at, rest.outer) {
                    return true;
                }
                self.groups[group] = saved;
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    /// The regular expressions the shapes stand for: the oracle they are checked against.
    fn oracle() -> Vec<(&'static [Node], Regex)> {
        let time = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?";
        let word = r"(?:\[\p{Lu}[\p{Lu}\-]*-\d+\]|[\p{L}\p{N}][\p{L}\p{N}.'’\-]*)";
        let name = format!("{word}(?: {word}){{0,3}}");
        let patterns = [
            (
                TIME_FIRST,
                format!(
                    r"^[ \t]*[\[(]?(?P<ts>{time})[\])]?[ \t]+(?:\*\*)?(?P<name>{name})(?:\*\*)?[ \t]*:(?:\*\*)?(?:[ \t]+|$)"
                ),
            ),
            (
                TIME_AFTER,
                format!(
                    r"^[ \t]*(?:\*\*)?(?P<name>{name})[ \t]*[\[(](?P<ts>{time})[\])](?:\*\*)?[ \t]*:(?:\*\*)?(?:[ \t]+|$)"
                ),
            ),
            (
                BOLD_NAME,
                format!(r"^[ \t]*\*\*(?P<name>{name})[ \t]*(?::\*\*|\*\*[ \t]*:)(?:[ \t]+|$)"),
            ),
            (
                PLAIN,
                format!(r"^[ \t]*(?P<name>{name})[ \t]*:(?:[ \t]+|$)"),
            ),
            (
                STANDALONE,
                format!(r"^[ \t]*(?P<name>{name})[ \t]+[\[(]?(?P<ts>{time})[\])]?[ \t]*$"),
            ),
        ];
        patterns
            .into_iter()
            .map(|(shape, pattern)| (shape, Regex::new(&pattern).unwrap()))
            .collect()
    }

    /// Asserts that every shape finds what its regex finds; whether any found a label.
    fn agree(oracle: &[(&'static [Node], Regex)], line: &str) -> bool {
        oracle.iter().fold(false, |any, (shape, regex)| {
            let expected = regex.captures(line).map(|c| Found {
                name: c.name("name").unwrap().as_str(),
                timestamp: c.name("ts").map(|t| t.as_str()),
                end: c.get(0).unwrap().end(),
            });
            let found = find(shape, line);
            assert_eq!(found, expected, "{line:?} against {}", regex.as_str());
            any || found.is_some()
        })
    }

    /// Pieces label lines are made of, with the characters the classes tell apart: letters
    /// and digits of other scripts, numbers that are no digits, marks, punctuation.
    const PIECES: [&str; 46] = [
        " ",
        " ",
        "  ",
        "\t",
        ":",
        ":",
        ": ",
        "**",
        "*",
        "[",
        "]",
        "(",
        ")",
        "-",
        ".",
        ",",
        "'",
        "’",
        "0",
        "1",
        "12",
        "3",
        "00:13",
        "1:02:03",
        "00:01:23.5",
        "٣",
        "Ⅷ",
        "½",
        "①",
        "Maria",
        "Sara Jansen",
        "R04",
        "van",
        "É",
        "ß",
        "ǅ",
        "Ⓐ",
        "\u{301}",
        "Ω",
        "ж",
        "PERSOON",
        "[PERSON-12]",
        "[A-B-1]",
        "x",
        "I",
        "\n",
    ];

    #[test]
    fn shapes_match_exactly_what_their_regular_expressions_match() {
        let oracle = oracle();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut matched = 0;
        for _ in 0..40_000 {
            let len = 1 + next(9);
            let line: String = (0..len).map(|_| PIECES[next(PIECES.len())]).collect();
            matched += usize::from(agree(&oracle, &line));
        }
        assert!(matched > 500, "only {matched} generated lines have a label");
        let samples = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
        for entry in std::fs::read_dir(samples).unwrap() {
            let path = entry.unwrap().path();
            if let Ok(text) = std::fs::read_to_string(&path) {
                for line in text.lines() {
                    agree(&oracle, line);
                }
            }
        }
    }

    #[test]
    fn every_character_class_is_the_regex_class() {
        for (set, class) in [
            (Set::Digit, r"\d"),
            (Set::Upper, r"\p{Lu}"),
            (Set::UpperOrHyphen, r"[\p{Lu}\-]"),
            (Set::WordStart, r"[\p{L}\p{N}]"),
            (Set::WordRest, r"[\p{L}\p{N}.'’\-]"),
        ] {
            let regex = Regex::new(&format!("^{class}$")).unwrap();
            // Every code point of the first scripts, then a sample of the rest.
            let points = (0..0x3000).chain((0x3000..=0x10_ffff).step_by(97));
            for c in points.filter_map(char::from_u32) {
                let mut buffer = [0; 4];
                assert_eq!(
                    set.contains(c),
                    regex.is_match(c.encode_utf8(&mut buffer)),
                    "{c:?} in {class}"
                );
            }
        }
    }
}

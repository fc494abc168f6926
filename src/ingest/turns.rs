//! Speaker labels and the assembly of turns and paragraphs into segments.
//!
//! Every reader ends up here: it hands over text lines, some of which start a speaker turn,
//! and [`SegmentBuilder`] cuts the turns into paragraph segments with code-point offsets.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::label_shapes::{self, BOLD_NAME, Node, PLAIN, STANDALONE, TIME_AFTER, TIME_FIRST};
use crate::corpus::{Role, Segment};

/// Interviewer labels every study has (case-insensitive); `Interviewer 2` counts too.
const DEFAULT_INTERVIEWER_LABELS: [&str; 7] = [
    "i",
    "int",
    "interviewer",
    "onderzoeker",
    "q",
    "vraag",
    "interviewer n",
];

/// Words that start a line with a colon in speech but are not speakers ("Nou: ...").
const NOT_SPEAKERS: [&str; 30] = [
    "nou",
    "nou ja",
    "note",
    "noot",
    "nb",
    "n.b",
    "ps",
    "p.s",
    "let op",
    "tip",
    "ja",
    "nee",
    "dus",
    "maar",
    "oké",
    "ok",
    "okay",
    "kortom",
    "tja",
    "zie",
    "see",
    "bijvoorbeeld",
    "bijv",
    "e.g",
    "i.e",
    "so",
    "well",
    "yes",
    "no",
    "update",
];

/// Words that open a phrase, not a name: "Ik dacht:", "Toen:", "She said:" (English `I` is
/// the interviewer's role label, so it is not among them).
const PHRASE_OPENERS: [&str; 40] = [
    "ik", "jij", "je", "u", "hij", "zij", "ze", "wij", "we", "jullie", "men", "en", "toen", "dan",
    "want", "of", "als", "omdat", "daarna", "mijn", "jouw", "uw", "onze", "ons", "hun", "he",
    "she", "they", "you", "it", "and", "then", "but", "because", "my", "your", "our", "their",
    "his", "her",
];

/// Lowercase words that belong in names: "Maria van der Berg", "Mohammed el Amrani".
const NAME_PARTICLES: [&str; 27] = [
    "van", "von", "de", "der", "den", "des", "del", "della", "di", "da", "das", "dos", "du", "la",
    "le", "ter", "ten", "te", "'t", "in", "op", "het", "bin", "ibn", "al", "el", "zu",
];

/// Role labels that are speakers even when they occur once: `R`, `Respondent 3`, `P04`.
static ROLE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:i|int|interviewer|interviewee|onderzoeker|q|a|r|vraag|antwoord|respondent|participant|deelnemer|geïnterviewde|geinterviewde|spreker|speaker|moderator)(?: ?\d+)?$|^(?i:[rpi])\d+$",
    )
    .expect("static regex")
});
static INTERVIEWER_N: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^interviewer ?\d+$").expect("static regex"));

/// Whether `name` is a role label (`I`, `R`, `Q`, `A`, `Interviewer`, `Respondent 3`, `P04`):
/// a speaker even when it occurs once.
pub fn is_role_label(name: &str) -> bool {
    ROLE_LABEL.is_match(name)
}

/// A speaker label found at the start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The speaker as written.
    pub speaker: String,
    /// The timestamp as written, if the label has one.
    pub timestamp: Option<String>,
    /// Byte offset in the line where the turn's text starts.
    pub text_start: usize,
    /// Whether the label form itself proves it is a label (it carries a timestamp inline).
    pub certain: bool,
    /// Whether the "label" reads as a phrase rather than a name or role ("Ik dacht", "U
    /// zei", "He said"): it starts no turn unless speakers are declared.
    pub phrase: bool,
}

/// Finds a speaker label at the start of `line`, if the line has the shape of one.
pub fn parse_label(line: &str) -> Option<Label> {
    // Every label form has a colon (the label's own or the timestamp's). The checks before
    // each shape are conditions its matches always meet, so an ordinary line is only tried
    // against the shapes it can have.
    if !line.contains(':') {
        return None;
    }
    let found = |ready: bool, shape: &[Node], certain: bool| {
        if !ready {
            return None;
        }
        label_shapes::find(shape, line).map(|found| Label {
            speaker: found.name.trim().to_owned(),
            timestamp: found.timestamp.map(str::to_owned),
            text_start: found.end,
            certain,
            phrase: is_phrase(found.name.trim()),
        })
    };
    let lead = line.trim_start_matches([' ', '\t']);
    let lead = lead.strip_prefix(['[', '(']).unwrap_or(lead);
    let opens_with_time = lead.chars().next().is_some_and(char::is_numeric);
    let bracket = line.contains(['[', '(']);
    let bold = line.contains("**");
    let tail = line.trim_end().trim_end_matches([']', ')']);
    let ends_with_time = tail.chars().next_back().is_some_and(char::is_numeric);
    let label = found(opens_with_time, TIME_FIRST, true)
        .or_else(|| found(bracket, TIME_AFTER, true))
        .or_else(|| found(bold, BOLD_NAME, false))
        .or_else(|| found(ends_with_time, STANDALONE, false))
        .or_else(|| found(true, PLAIN, false))?;
    plausible_name(&label.speaker).then_some(label)
}

fn plausible_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    let first = name.chars().next().unwrap_or(' ');
    name.chars().count() <= 40
        && !NOT_SPEAKERS.contains(&lower.trim_end_matches('.'))
        && (first.is_uppercase() || first.is_numeric() || first == '[' || ROLE_LABEL.is_match(name))
        && !(first.is_numeric() && name.chars().all(|c| c.is_numeric() || c == '.'))
}

/// Whether a label-shaped `name` is a phrase: not a role label, and led by a pronoun or
/// conjunction or holding a lowercase word that is not a name particle (a verb: "dacht",
/// "zei", "said").
fn is_phrase(name: &str) -> bool {
    if ROLE_LABEL.is_match(name) {
        return false;
    }
    let mut words = name.split_whitespace();
    let first = words.next().unwrap_or("").to_lowercase();
    PHRASE_OPENERS.contains(&first.as_str())
        || words.any(|w| {
            let lead = w.chars().next().unwrap_or(' ');
            let name_word = lead.is_uppercase()
                || lead.is_numeric()
                || lead == '['
                || NAME_PARTICLES.contains(&w.to_lowercase().as_str());
            !name_word
        })
}

/// Which labels start turns and which of them are interviewers.
#[derive(Debug, Clone, Default)]
pub struct SpeakerRules {
    /// When set, only these labels (case-insensitive) start turns.
    pub declared: Option<Vec<String>>,
    /// Extra interviewer labels on top of the defaults.
    pub interviewers: Vec<String>,
}

impl SpeakerRules {
    /// The role of a speaker label.
    pub fn role_of(&self, speaker: &str) -> Role {
        let lower = speaker.to_lowercase();
        let is_interviewer = DEFAULT_INTERVIEWER_LABELS.contains(&lower.as_str())
            || INTERVIEWER_N.is_match(&lower)
            || self
                .interviewers
                .iter()
                .any(|label| label.to_lowercase() == lower);
        if is_interviewer {
            Role::Interviewer
        } else {
            Role::Respondent
        }
    }

    /// Decides which of the candidate labels in a document are real speakers: declared ones
    /// when speakers are declared; otherwise names and roles (not phrases such as "Ik
    /// dacht") with an inline timestamp, role labels, the study's interviewer labels and
    /// labels that recur.
    pub fn accept(&self, candidates: &[(usize, Label)]) -> Vec<bool> {
        if let Some(declared) = &self.declared {
            return candidates
                .iter()
                .map(|(_, l)| {
                    let lower = l.speaker.to_lowercase();
                    declared.iter().any(|d| d.to_lowercase() == lower)
                })
                .collect();
        }
        let mut counts: HashMap<String, usize> = HashMap::new();
        for (_, label) in candidates {
            *counts.entry(label.speaker.to_lowercase()).or_default() += 1;
        }
        candidates
            .iter()
            .map(|(_, l)| {
                let interviewer = self.role_of(&l.speaker) == Role::Interviewer;
                interviewer
                    || !l.phrase
                        && (l.certain
                            || ROLE_LABEL.is_match(&l.speaker)
                            || counts[&l.speaker.to_lowercase()] >= 2)
            })
            .collect()
    }
}

/// Cuts text into segments: paragraphs (split by blank lines) of speaker turns, with
/// byte ranges converted to code-point offsets of the document text.
#[derive(Debug)]
pub struct SegmentBuilder<'a> {
    text: &'a str,
    segments: Vec<Segment>,
    turn: usize,
    paragraph: usize,
    speaker: String,
    role: Role,
    timestamp: Option<String>,
    end_timestamp: Option<String>,
    open: Option<(usize, usize)>,
    byte_cursor: usize,
    char_cursor: usize,
}

impl<'a> SegmentBuilder<'a> {
    /// A builder over the whole document `text`; text before the first turn is preamble.
    pub fn new(text: &'a str) -> Self {
        SegmentBuilder {
            text,
            segments: Vec::new(),
            turn: 0,
            paragraph: 0,
            speaker: String::new(),
            role: Role::Preamble,
            timestamp: None,
            end_timestamp: None,
            open: None,
            byte_cursor: 0,
            char_cursor: 0,
        }
    }

    /// Starts a new speaker turn.
    pub fn start_turn(&mut self, speaker: &str, role: Role, timestamp: Option<String>) {
        self.end_paragraph();
        self.turn += 1;
        self.paragraph = 0;
        self.speaker = speaker.to_owned();
        self.role = role;
        self.timestamp = timestamp;
        self.end_timestamp = None;
    }

    /// Sets the start and end time of the paragraphs that follow (subtitle cues).
    pub fn set_times(&mut self, start: Option<String>, end: Option<String>) {
        self.timestamp = start;
        self.end_timestamp = end;
    }

    /// Adds the text at byte range `start..end` of the document to the current paragraph.
    /// Surrounding white space is left out; white-space-only text adds nothing.
    pub fn add_text(&mut self, start: usize, end: usize) {
        let slice = &self.text[start..end];
        let trimmed_start = start + (slice.len() - slice.trim_start().len());
        let trimmed_end = start + slice.trim_end().len();
        if trimmed_start >= trimmed_end {
            return;
        }
        match &mut self.open {
            Some((_, para_end)) => *para_end = trimmed_end,
            None => self.open = Some((trimmed_start, trimmed_end)),
        }
    }

    /// Ends the current paragraph (a blank line).
    pub fn end_paragraph(&mut self) {
        let Some((start, end)) = self.open.take() else {
            return;
        };
        self.paragraph += 1;
        let start_char = self.char_offset(start);
        let end_char = self.char_offset(end);
        self.segments.push(Segment {
            index: self.segments.len() + 1,
            turn: self.turn,
            paragraph: self.paragraph.max(1),
            speaker: self.speaker.clone(),
            role: self.role,
            start: start_char,
            end: end_char,
            timestamp: self.timestamp.clone(),
            end_timestamp: self.end_timestamp.clone(),
            text: self.text[start..end].to_owned(),
        });
    }

    /// Byte offsets only grow, so the code-point offset is counted incrementally.
    fn char_offset(&mut self, byte: usize) -> usize {
        self.char_cursor += self.text[self.byte_cursor..byte].chars().count();
        self.byte_cursor = byte;
        self.char_cursor
    }

    /// The finished segments.
    pub fn finish(mut self) -> Vec<Segment> {
        self.end_paragraph();
        self.segments
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(line: &str) -> Option<(String, Option<String>, String)> {
        parse_label(line).map(|l| (l.speaker, l.timestamp, line[l.text_start..].to_owned()))
    }

    #[test]
    fn every_label_convention_is_recognised() {
        let cases = [
            ("I: Hoe ging dat?", "I", None, "Hoe ging dat?"),
            ("R: Goed.", "R", None, "Goed."),
            ("Interviewer: Tell me.", "Interviewer", None, "Tell me."),
            ("interviewee: Well.", "interviewee", None, "Well."),
            ("Respondent 3: Ja.", "Respondent 3", None, "Ja."),
            ("Maria: Nou ja.", "Maria", None, "Nou ja."),
            ("[00:01:23] Maria: Ja.", "Maria", Some("00:01:23"), "Ja."),
            ("00:01:23 Maria: Ja.", "Maria", Some("00:01:23"), "Ja."),
            ("Maria (00:01:23): Ja.", "Maria", Some("00:01:23"), "Ja."),
            ("**Maria:** Ja.", "Maria", None, "Ja."),
            ("**Maria**: Ja.", "Maria", None, "Ja."),
            ("Sara Jansen  00:13", "Sara Jansen", Some("00:13"), ""),
            ("R04  1:02:03", "R04", Some("1:02:03"), ""),
            ("[PERSOON-3]: Ja.", "[PERSOON-3]", None, "Ja."),
            (
                "[00:01:32] [PERSOON-3]: Ja.",
                "[PERSOON-3]",
                Some("00:01:32"),
                "Ja.",
            ),
            ("**[PERSON-12]:** Yes.", "[PERSON-12]", None, "Yes."),
            (
                "Dr. [PERSON-1] (00:00:05): Yes.",
                "Dr. [PERSON-1]",
                Some("00:00:05"),
                "Yes.",
            ),
            ("[PERSOON-2]  00:12", "[PERSOON-2]", Some("00:12"), ""),
            ("Dr. [PERSON-2]: Ja.", "Dr. [PERSON-2]", None, "Ja."),
        ];
        for (line, speaker, ts, rest) in cases {
            assert_eq!(
                label(line),
                Some((speaker.to_owned(), ts.map(str::to_owned), rest.to_owned())),
                "{line}"
            );
        }
    }

    #[test]
    fn ordinary_lines_are_not_labels() {
        for line in [
            "Nou: dat was het.",
            "Note: I kept the letter.",
            "om 10:30 kwam ze langs",
            "ik zei: doe maar",
            "Toen zei ze tegen mij dat het echt niet kon: nee.",
            "12:30",
        ] {
            assert_eq!(label(line), None, "{line}");
        }
    }

    #[test]
    fn phrases_are_not_names_in_any_label_form() {
        let phrases = [
            "Ik dacht",
            "Ik dacht eerst",
            "U zei",
            "Ze zei",
            "Hij zei toen",
            "En toen zei ze",
            "Toen zei ik",
            "Mijn moeder zei",
            "De ambtenaar vroeg",
            "He said",
            "She told me",
            "They said",
            "My mother said",
            "I thought",
            "Ik",
            "Toen",
            "En",
        ];
        let forms = [
            "{}: tekst",
            "[00:01:40] {}: tekst",
            "00:01:40 {}: tekst",
            "{} (00:01:40): tekst",
            "**{}:** tekst",
            "{}  00:13",
        ];
        let rules = SpeakerRules::default();
        for phrase in phrases {
            for form in forms {
                let line = form.replace("{}", phrase);
                let candidates: Vec<(usize, Label)> =
                    parse_label(&line).into_iter().map(|l| (0, l)).collect();
                let twice = [candidates.clone(), candidates].concat();
                assert!(
                    rules.accept(&twice).iter().all(|ok| !ok),
                    "{line:?} is accepted as a speaker"
                );
            }
        }
        for name in [
            "Sara Jansen",
            "Maria van der Berg",
            "Jan de Vries",
            "De Vries",
            "Anne-Marie",
            "Dr. Smith",
            "Mohammed el Amrani",
            "Respondent 3",
            "Interviewer 2",
            "Speaker 1",
            "P04",
            "I",
            "A",
        ] {
            let label = parse_label(&format!("{name}: tekst")).expect(name);
            assert!(
                rules.accept(&[(0, label.clone()), (1, label)]) == [true, true],
                "{name}"
            );
        }
    }

    #[test]
    fn recurring_or_role_labels_are_accepted_single_odd_ones_not() {
        let rules = SpeakerRules::default();
        let cands: Vec<(usize, Label)> = [
            "Maria: a",
            "Kees: b",
            "Maria: c",
            "Respondent 3: d",
            "Opmerking: e",
        ]
        .iter()
        .enumerate()
        .map(|(i, l)| (i, parse_label(l).unwrap()))
        .collect();
        assert_eq!(rules.accept(&cands), vec![true, false, true, true, false]);
        let declared = SpeakerRules {
            declared: Some(vec!["kees".into()]),
            interviewers: vec![],
        };
        assert_eq!(
            declared.accept(&cands),
            vec![false, true, false, false, false]
        );
    }

    #[test]
    fn roles_follow_default_and_study_interviewer_labels() {
        let rules = SpeakerRules {
            declared: None,
            interviewers: vec!["Sanne".into()],
        };
        for l in [
            "I",
            "int",
            "Interviewer",
            "Interviewer 2",
            "Onderzoeker",
            "Q",
            "vraag",
            "sanne",
        ] {
            assert_eq!(rules.role_of(l), Role::Interviewer, "{l}");
        }
        for l in ["R", "Maria", "interviewee", "Respondent 3"] {
            assert_eq!(rules.role_of(l), Role::Respondent, "{l}");
        }
    }
}

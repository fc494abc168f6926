//! Identifiers that follow a pattern: BSN, IBAN, phone numbers, e-mail addresses,
//! postcodes, street addresses, dates of birth, licence plates, ID numbers and URLs.
//!
//! Each finder returns byte spans of the text it is given. A span is either replaced or,
//! when the pattern fits but something speaks against it (a BSN-like number after
//! "ordernummer", an IBAN whose checksum fails), listed for review with the reason.

use std::sync::LazyLock;

use regex::Regex;

use super::Category;

/// A span found by a finder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// What it is.
    pub category: Category,
    /// `None` to replace it; `Some(reason)` to list it for review instead.
    pub review: Option<String>,
}

impl Found {
    fn replace(start: usize, end: usize, category: Category) -> Found {
        Found {
            start,
            end,
            category,
            review: None,
        }
    }

    fn review(start: usize, end: usize, category: Category, reason: impl Into<String>) -> Found {
        Found {
            start,
            end,
            category,
            review: Some(reason.into()),
        }
    }
}

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static regex")
}

/// Whether the characters around `start..end` are not letters or digits (a whole token).
fn isolated(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// The lowercase words in the `width` bytes before `start` (within the line).
fn words_before(text: &str, start: usize, width: usize) -> String {
    let mut from = start.saturating_sub(width);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let window = &text[from..start];
    let window = window.rsplit('\n').next().unwrap_or(window);
    window.to_lowercase()
}

/// Every finder of this module over `text`, in no particular order; `known_name` tells
/// whether a word is a person's name (for URLs that contain one).
pub fn find_all(text: &str, known_name: &dyn Fn(&str) -> bool) -> Vec<Found> {
    let mut found = Vec::new();
    found.extend(find_emails(text));
    found.extend(find_urls(text, known_name));
    found.extend(find_ibans(text));
    found.extend(find_bsns(text));
    found.extend(find_phones(text));
    found.extend(find_postcodes(text));
    found.extend(find_addresses(text));
    found.extend(find_birth_dates(text));
    found.extend(find_plates(text));
    found.extend(find_id_numbers(text));
    found
}

// ---------------------------------------------------------------------------------------
// BSN
// ---------------------------------------------------------------------------------------

/// Whether nine digits pass the elfproef of the burgerservicenummer:
/// 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11 (and not all digits are zero).
pub fn elfproef(digits: &str) -> bool {
    let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 9 || d.iter().all(|&x| x == 0) {
        return false;
    }
    let sum: i64 = d[..8]
        .iter()
        .zip((2..=9).rev())
        .map(|(&x, w)| i64::from(x) * w)
        .sum::<i64>()
        - i64::from(d[8]);
    sum % 11 == 0
}

static BSN: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"\b(?:\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3}[ .\-]\d{3}[ .\-]\d{3}|\d{3}\.\d{2}\.\d{4})\b")
});

/// Words before a number that say it is an order or invoice number, not a BSN.
const NOT_BSN_CUES: [&str; 12] = [
    "order",
    "bestel",
    "factuur",
    "invoice",
    "referentie",
    "reference",
    "ticket",
    "tracking",
    "zending",
    "pakket",
    "artikel",
    "bon",
];

/// Words before a number that say it is a BSN.
const BSN_CUES: [&str; 5] = [
    "bsn",
    "burgerservicenummer",
    "sofinummer",
    "sofi-nummer",
    "citizen service",
];

/// Nine-digit numbers (also written `1234.56.782` or `123 456 782`) that pass the elfproef;
/// one after an order-number word, or one after "BSN" that fails the elfproef, is listed
/// for review.
pub fn find_bsns(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    for m in BSN.find_iter(text) {
        if !isolated(text, m.start(), m.end()) || text[..m.start()].ends_with(['+', '-', ',']) {
            continue;
        }
        let before = words_before(text, m.start(), 40);
        let cued = BSN_CUES.iter().any(|c| before.contains(c));
        if elfproef(m.as_str()) {
            match NOT_BSN_CUES.iter().find(|c| before.contains(*c)) {
                Some(cue) if !cued => found.push(Found::review(
                    m.start(),
                    m.end(),
                    Category::Bsn,
                    format!("passes the elfproef but follows `{cue}`: an order number?"),
                )),
                _ => found.push(Found::replace(m.start(), m.end(), Category::Bsn)),
            }
        } else if cued {
            found.push(Found::review(
                m.start(),
                m.end(),
                Category::Bsn,
                "follows `BSN` but fails the elfproef",
            ));
        }
    }
    found
}

// ---------------------------------------------------------------------------------------
// IBAN
// ---------------------------------------------------------------------------------------

/// IBAN lengths of the countries residents of the Netherlands bank in most.
const IBAN_LENGTHS: [(&str, usize); 14] = [
    ("NL", 18),
    ("BE", 16),
    ("DE", 22),
    ("LU", 20),
    ("FR", 27),
    ("GB", 22),
    ("IE", 22),
    ("ES", 24),
    ("IT", 27),
    ("PT", 25),
    ("AT", 20),
    ("CH", 21),
    ("PL", 28),
    ("TR", 26),
];

/// Whether an IBAN (spaces allowed) has a valid length for its country and passes the
/// mod-97 check.
pub fn iban_valid(iban: &str) -> bool {
    let compact: String = iban.chars().filter(|c| !c.is_whitespace()).collect();
    if !(15..=34).contains(&compact.len()) || !compact.is_ascii() {
        return false;
    }
    if let Some((_, len)) = IBAN_LENGTHS.iter().find(|(c, _)| compact.starts_with(c))
        && compact.len() != *len
    {
        return false;
    }
    let rearranged = format!("{}{}", &compact[4..], &compact[..4]);
    let mut remainder: u32 = 0;
    for c in rearranged.chars() {
        let value = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => return false,
        };
        let digits = if value >= 10 { 100 } else { 10 };
        remainder = (remainder * digits + value) % 97;
    }
    remainder == 1
}

static IBAN: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b"));

/// IBANs that pass the mod-97 check; a well-formed one that fails it is listed for review.
pub fn find_ibans(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    for m in IBAN.find_iter(text) {
        // The pattern may run on into the next word of capitals or digits: try the
        // longest valid prefix at a group boundary.
        let s = m.as_str();
        let mut ends: Vec<usize> = s
            .char_indices()
            .filter(|&(i, c)| c == ' ' && i >= 15)
            .map(|(i, _)| i)
            .collect();
        ends.push(s.len());
        match ends.iter().rev().find(|&&e| iban_valid(&s[..e])) {
            Some(&e) => found.push(Found::replace(m.start(), m.start() + e, Category::Iban)),
            None if s.chars().filter(char::is_ascii_digit).count() >= 8 => {
                found.push(Found::review(
                    m.start(),
                    m.end(),
                    Category::Iban,
                    "looks like an IBAN but its checksum fails",
                ))
            }
            None => {}
        }
    }
    found
}

// ---------------------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------------------

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:\+|\b00)\d{1,3}[ \-.]?(?:\(0\)[ \-.]?)?\(?\d\)?(?:[ \-.]?\d){6,12}|\(0\d{1,3}\)[ \-.]?\d(?:[ \-.]?\d){5,8}|\b0\d(?:[ \-.]?\d){8}",
    )
});
static DATE_START: LazyLock<Regex> = LazyLock::new(|| regex(r"^\d{1,2}[\-./]\d{1,2}[\-./]\d{2,4}"));

/// Dutch mobile and landline numbers (`06-12345678`, `030 123 45 67`, `(030) 1234567`),
/// `+31`/`0031` numbers and other international numbers (`+44 20 7946 0958`).
pub fn find_phones(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    for m in PHONE.find_iter(text) {
        let s = m.as_str();
        let after = text[m.end()..].chars().next();
        if after.is_some_and(|c| c.is_alphanumeric())
            || text[..m.start()]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '.')
            || DATE_START.is_match(s)
            || s.contains("  ")
        {
            continue;
        }
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        let valid = if let Some(rest) = s
            .strip_prefix('+')
            .map(str::to_owned)
            .or_else(|| s.starts_with("00").then(|| s[2..].to_owned()))
        {
            let rest_digits: String = rest
                .replace("(0)", "")
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            if let Some(national) = rest_digits.strip_prefix("31") {
                national.len() == 9
            } else {
                (8..=15).contains(&rest_digits.len())
            }
        } else {
            digits.len() == 10 && !digits.starts_with("00")
        };
        if valid {
            found.push(Found::replace(m.start(), m.end(), Category::Phone));
        }
    }
    found
}

// ---------------------------------------------------------------------------------------
// E-mail, URLs
// ---------------------------------------------------------------------------------------

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}")
});

/// E-mail addresses.
pub fn find_emails(text: &str) -> Vec<Found> {
    EMAIL
        .find_iter(text)
        .map(|m| Found::replace(m.start(), m.end(), Category::Email))
        .collect()
}

static URL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?i)\b(?:https?://|www\.)[^\s<>"'()\[\]]+|\b(?:facebook|instagram|linkedin|twitter|x|tiktok|youtube|github)\.com/[^\s<>"'()\[\]]+"#,
    )
});

/// Hosts where a path names a person's account.
const PERSONAL_HOSTS: [&str; 14] = [
    "facebook.com",
    "fb.com",
    "instagram.com",
    "linkedin.com",
    "twitter.com",
    "x.com",
    "tiktok.com",
    "youtube.com",
    "github.com",
    "wa.me",
    "t.me",
    "threads.net",
    "snapchat.com",
    "vk.com",
];

/// URLs with a personal part: an account on a social network, `@user` or `~user` in the
/// path, an e-mail address or a known name in it. A URL with a long number in it is listed
/// for review; other URLs (a municipality's page) stay.
pub fn find_urls(text: &str, known_name: &dyn Fn(&str) -> bool) -> Vec<Found> {
    let mut found = Vec::new();
    for m in URL.find_iter(text) {
        let url = m.as_str().trim_end_matches(['.', ',', ';', ':', '!', '?']);
        let end = m.start() + url.len();
        let lower = url.to_lowercase();
        let without_scheme = lower
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_start_matches("www.");
        let (host, path) = without_scheme
            .split_once('/')
            .unwrap_or((without_scheme, ""));
        let social = PERSONAL_HOSTS
            .iter()
            .any(|h| host == *h || host.ends_with(&format!(".{h}")))
            && path.trim_matches('/').len() > 1;
        let user_part = path.contains('@') || path.contains('~') || path.contains("%40");
        let named = path
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| word.len() > 2 && known_name(word));
        if social || user_part || named || EMAIL.is_match(url) {
            found.push(Found::replace(m.start(), end, Category::Url));
        } else if path
            .split(|c: char| !c.is_ascii_digit())
            .any(|digits| digits.len() >= 6)
        {
            found.push(Found::review(
                m.start(),
                end,
                Category::Url,
                "a URL with a long number: a case or account number?",
            ));
        }
    }
    found
}

// ---------------------------------------------------------------------------------------
// Postcodes, street addresses
// ---------------------------------------------------------------------------------------

static POSTCODE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b[1-9]\d{3}(?: ?[A-Z]{2}|[a-z]{2})\b"));

/// Dutch postcodes: `1234 AB`, `1234AB`, `1234ab` (not the unused letter pairs SA, SD, SS).
pub fn find_postcodes(text: &str) -> Vec<Found> {
    POSTCODE
        .find_iter(text)
        .filter(|m| {
            let letters = m.as_str()[m.as_str().len() - 2..].to_uppercase();
            !["SA", "SD", "SS"].contains(&letters.as_str())
        })
        .map(|m| Found::replace(m.start(), m.end(), Category::Postcode))
        .collect()
}

/// Endings of Dutch street names.
pub const STREET_SUFFIXES: [&str; 24] = [
    "straat",
    "laan",
    "weg",
    "plein",
    "gracht",
    "singel",
    "kade",
    "dijk",
    "dreef",
    "hof",
    "park",
    "steeg",
    "pad",
    "markt",
    "baan",
    "wal",
    "plantsoen",
    "allee",
    "boulevard",
    "erf",
    "veld",
    "ring",
    "straatweg",
    "haven",
];

static DUTCH_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    let suffixes = STREET_SUFFIXES.join("|");
    regex(&format!(
        r"\b(?:\p{{Lu}}[\p{{L}}'’.\-]* (?:(?:\p{{Lu}}[\p{{L}}'’.\-]*|van|de|der|den|ter|ten|het|'t) ){{0,2}})?\p{{Lu}}[\p{{L}}'’\-]*(?:{suffixes}) \d{{1,5}}(?: ?[a-zA-Z]\b|-\d{{1,4}}\b| bis\b| hs\b)?"
    ))
});
static ENGLISH_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b\d{1,5}[A-Za-z]? (?:\p{Lu}[\p{L}'’\-]* ){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Close|Way|Place|Square|Crescent|Court|Terrace|Gardens|Grove|Boulevard)\b",
    )
});

/// A street and house number: `Kerkstraat 5a`, `Van Goghlaan 3-2`, `12 Baker Street`.
pub fn find_addresses(text: &str) -> Vec<Found> {
    DUTCH_ADDRESS
        .find_iter(text)
        .chain(ENGLISH_ADDRESS.find_iter(text))
        .map(|m| Found::replace(m.start(), m.end(), Category::Address))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Dates of birth
// ---------------------------------------------------------------------------------------

const MONTHS: &str = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec|january|february|march|may|june|july|august|october|oct";

static BIRTH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    let date = format!(
        r"\d{{1,2}}[\-/.]\d{{1,2}}[\-/.](?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}(?:st|nd|rd|th|e|ste|de)? (?:of )?(?:{MONTHS})\.?(?:,? \d{{4}})?|(?:{MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?"
    );
    regex(&format!(
        r"(?i)\b(?:geboren|geboortedatum|geb\.|born|date of birth|birth date|birthdate|dob|d\.o\.b\.|jarig|verjaardag|birthday)(?:\s+(?:is|was|op|on|in|the|de|:))*[\s:]*(?P<date>{date})\b"
    ))
});
static BIRTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(?:geboren|born|geboortejaar|year of birth)(?:\s+(?:in|is|was|:))*[\s:]*(?P<year>(?:19|20)\d{2})\b",
    )
});

/// A date after "geboren (op)", "geboortedatum", "born (on)", "date of birth", "jarig
/// op"...; a birth year alone is listed for review.
pub fn find_birth_dates(text: &str) -> Vec<Found> {
    let mut found: Vec<Found> = BIRTH_DATE
        .captures_iter(text)
        .filter_map(|c| c.name("date"))
        .map(|m| Found::replace(m.start(), m.end(), Category::BirthDate))
        .collect();
    for c in BIRTH_YEAR.captures_iter(text) {
        if let Some(m) = c.name("year")
            && !found
                .iter()
                .any(|f| f.start <= m.start() && m.end() <= f.end)
        {
            found.push(Found::review(
                m.start(),
                m.end(),
                Category::BirthDate,
                "a year of birth",
            ));
        }
    }
    found
}

// ---------------------------------------------------------------------------------------
// Licence plates, ID numbers
// ---------------------------------------------------------------------------------------

/// The Dutch licence-plate sidecodes 1 to 14, as letter (X) and digit (9) groups.
const SIDECODES: [&str; 14] = [
    "XX-99-99", "99-99-XX", "99-XX-99", "XX-99-XX", "XX-XX-99", "99-XX-XX", "99-XXX-9", "9-XXX-99",
    "XX-999-X", "X-999-XX", "XXX-99-X", "X-99-XXX", "9-XX-999", "999-XX-9",
];

static PLATE: LazyLock<Regex> = LazyLock::new(|| {
    let alternatives: Vec<String> = SIDECODES
        .iter()
        .map(|code| {
            code.split('-')
                .map(|group| {
                    let n = group.len();
                    if group.starts_with('X') {
                        format!("[A-Z]{{{n}}}")
                    } else {
                        format!(r"\d{{{n}}}")
                    }
                })
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect();
    regex(&format!(r"\b(?:{})\b", alternatives.join("|")))
});

/// Three-letter groups that are month abbreviations, not plate letters (`1-MAR-99`).
const MONTH_GROUPS: [&str; 16] = [
    "JAN", "FEB", "MRT", "MAR", "APR", "MEI", "MAY", "JUN", "JUL", "AUG", "SEP", "OKT", "OCT",
    "NOV", "DEC", "DES",
];

/// Dutch licence plates in any of the sidecodes, written with hyphens (`AB-12-CD`,
/// `12-ABC-3`).
pub fn find_plates(text: &str) -> Vec<Found> {
    PLATE
        .find_iter(text)
        .filter(|m| {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '-')
                && !after.is_some_and(|c| c.is_alphanumeric() || c == '-')
                && !m.as_str().split('-').any(|g| MONTH_GROUPS.contains(&g))
        })
        .map(|m| Found::replace(m.start(), m.end(), Category::Plate))
        .collect()
}

static DOCUMENT_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b[A-NP-Z]{2}[A-NP-Z0-9]{6}\d\b"));
static ID_CUE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(?:digid(?:-code)?|activeringscode|inlogcode|gebruikersnaam|wachtwoord|pincode|klantnummer|cli[eë]ntnummer|relatienummer|dossiernummer|polisnummer|zorgpasnummer|verzekerdennummer|pasnummer|lidnummer|documentnummer|paspoortnummer|rijbewijsnummer|id-nummer|idnummer|customer number|client number|policy number|case number|membership number|passport number|document number|licen[cs]e number|username|password|pin)\b",
    )
});
static ID_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?i:\s+(?:is|was|nummer|number|code)\b)*\s*(?P<colon>[:=])?\s*(?P<value>[\p{L}\p{N}][\p{L}\p{N}\-./]{2,})",
    )
});
const DOCUMENT_CUES: [&str; 10] = [
    "paspoort",
    "identiteitskaart",
    "id-kaart",
    "id kaart",
    "rijbewijs",
    "passport",
    "identity card",
    "id card",
    "driving licen",
    "documentnummer",
];

/// Passport and ID-card numbers (two letters, six letters or digits, a digit; no letter O)
/// near "paspoort", "ID-kaart", "passport"... or with three digits or more; and the value
/// after "klantnummer", "DigiD", "gebruikersnaam", "policy number"... when it holds a digit
/// or follows a colon.
pub fn find_id_numbers(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    for m in DOCUMENT_NUMBER.find_iter(text) {
        let before = words_before(text, m.start(), 60);
        let digits = m.as_str().chars().filter(char::is_ascii_digit).count();
        if DOCUMENT_CUES.iter().any(|c| before.contains(c)) || digits >= 3 {
            found.push(Found::replace(m.start(), m.end(), Category::IdNumber));
        }
    }
    for cue in ID_CUE.find_iter(text) {
        let Some(c) = ID_VALUE.captures(&text[cue.end()..]) else {
            continue;
        };
        let Some(value) = c.name("value") else {
            continue;
        };
        let v = value.as_str().trim_end_matches(['.', ',', '-', '/']);
        if v.chars().any(|ch| ch.is_ascii_digit()) || c.name("colon").is_some() {
            let start = cue.end() + value.start();
            found.push(Found::replace(start, start + v.len(), Category::IdNumber));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(found: &[Found], text: &str) -> Vec<(String, bool)> {
        let mut out: Vec<(String, bool)> = found
            .iter()
            .map(|f| (text[f.start..f.end].to_owned(), f.review.is_none()))
            .collect();
        out.sort();
        out
    }

    fn replaced(found: &[Found], text: &str) -> Vec<String> {
        spans(found, text)
            .into_iter()
            .filter(|(_, r)| *r)
            .map(|(s, _)| s)
            .collect()
    }

    #[test]
    fn elfproef_accepts_valid_and_rejects_invalid_bsns() {
        assert!(elfproef("111222333"));
        assert!(elfproef("123456782"));
        assert!(!elfproef("123456789"));
        assert!(!elfproef("000000000"));
        assert!(!elfproef("12345678"));
    }

    #[test]
    fn bsns_pass_the_elfproef_and_order_numbers_do_not_count() {
        let text = "Mijn BSN is 123456782, of 1112.22.333. Het ordernummer was 123456789. \
                    Bestelnummer 111222333 kwam later. BSN 987654321? Telefoon 0612345678.";
        let found = find_bsns(text);
        assert_eq!(
            spans(&found, text),
            vec![
                ("1112.22.333".to_owned(), true),
                ("111222333".to_owned(), false),
                ("123456782".to_owned(), true),
                ("987654321".to_owned(), false),
            ]
        );
        assert!(find_bsns("een nummer 987654320").is_empty());
    }

    #[test]
    fn ibans_need_a_valid_checksum() {
        assert!(iban_valid("NL91ABNA0417164300"));
        assert!(iban_valid("NL91 ABNA 0417 1643 00"));
        assert!(iban_valid("GB82WEST12345698765432"));
        assert!(!iban_valid("NL92ABNA0417164300"));
        assert!(!iban_valid("NL91ABNA041716430"));
        let text =
            "Op NL91 ABNA 0417 1643 00 of NL91ABNA0417164300 NU, niet NL12 ABNA 0417 1643 00.";
        let found = find_ibans(text);
        assert_eq!(
            spans(&found, text),
            vec![
                ("NL12 ABNA 0417 1643 00".to_owned(), false),
                ("NL91 ABNA 0417 1643 00".to_owned(), true),
                ("NL91ABNA0417164300".to_owned(), true),
            ]
        );
    }

    #[test]
    fn dutch_and_international_phone_numbers_but_not_dates_or_amounts() {
        let text = "Bel 06-12345678 of 06 1234 5678, thuis 030-2345678 of (020) 123 45 67, \
                    +31 6 12345678, +31(0)20 1234567, 0031 6 12345678, +44 20 7946 0958. \
                    Niet: 01-02-2023 10 uur, 2018-2022, € 0,50, 123456782, 0800-1234.";
        assert_eq!(
            replaced(&find_phones(text), text),
            vec![
                "(020) 123 45 67",
                "+31 6 12345678",
                "+31(0)20 1234567",
                "+44 20 7946 0958",
                "0031 6 12345678",
                "030-2345678",
                "06 1234 5678",
                "06-12345678",
            ]
        );
    }

    #[test]
    fn emails_and_personal_urls() {
        let text = "Mail sara.jansen@example.nl of kijk op https://www.linkedin.com/in/sjansen, \
                    www.example.org/~kees, https://www.gemeente.nl/toeslagen en \
                    https://blog.example.com/sara-jansen-over-schulden. Dossier: https://portal.example.nl/zaak/20231234.";
        let known = |w: &str| w.eq_ignore_ascii_case("jansen");
        assert_eq!(
            replaced(&find_emails(text), text),
            vec!["sara.jansen@example.nl"]
        );
        assert_eq!(
            spans(&find_urls(text, &known), text),
            vec![
                (
                    "https://blog.example.com/sara-jansen-over-schulden".to_owned(),
                    true
                ),
                ("https://portal.example.nl/zaak/20231234".to_owned(), false),
                ("https://www.linkedin.com/in/sjansen".to_owned(), true),
                ("www.example.org/~kees".to_owned(), true),
            ]
        );
    }

    #[test]
    fn postcodes_and_addresses() {
        let text = "Ik woon op de Kerkstraat 12a, 3511 AB Utrecht, vroeger Van Goghlaan 3-2 \
                    (1234ab). In 2019 en 1974 was dat anders. She lived at 221B Baker Street.";
        assert_eq!(
            replaced(&find_postcodes(text), text),
            vec!["1234ab", "3511 AB"]
        );
        assert_eq!(
            replaced(&find_addresses(text), text),
            vec!["221B Baker Street", "Kerkstraat 12a", "Van Goghlaan 3-2"]
        );
        assert!(find_addresses("de Kerkstraat was leeg, onderweg 3 keer").is_empty());
    }

    #[test]
    fn birth_dates_after_a_cue_only() {
        let text = "Ik ben geboren op 12 maart 1985. Geboortedatum: 03-05-1990. Born on May 3, 1990. \
                    De brief kwam op 12 maart 2023. Ik ben geboren in 1961.";
        assert_eq!(
            spans(&find_birth_dates(text), text),
            vec![
                ("03-05-1990".to_owned(), true),
                ("12 maart 1985".to_owned(), true),
                ("1961".to_owned(), false),
                ("May 3, 1990".to_owned(), true),
            ]
        );
    }

    #[test]
    fn licence_plates_in_every_sidecode_but_not_dates() {
        let text = "AB-12-34 12-34-AB 12-AB-34 AB-12-CD AB-CD-12 12-AB-CD 12-ABC-3 1-ABC-12 \
                    AB-123-C A-123-BC ABC-12-D A-12-BCD 1-AB-123 123-AB-1 ; niet 1-MAR-99, 12-34-56, COVID-19";
        assert_eq!(find_plates(text).len(), 14);
    }

    #[test]
    fn id_numbers_with_a_cue_or_digits() {
        let text = "Mijn paspoort heeft nummer NW3A5PD48 en mijn klantnummer is 4471-22. \
                    DigiD gebruikersnaam: jansen77. Mijn DigiD werkte niet. SPECIMENS";
        assert_eq!(
            replaced(&find_id_numbers(text), text),
            vec!["4471-22", "NW3A5PD48", "jansen77"]
        );
    }
}

//! The columns of the tables thema writes, in one place: the writers use them, ingest
//! recognises these tables by their header when they turn up among the inputs (a
//! `thema-out` or sample folder inside the transcripts folder) and passes them over, and
//! attribute names are checked against the columns attributes are written beside.

use crate::analysis::units::CodingUnit;

/// `segments.csv` of `thema code` and `thema ingest --format csv`; attribute columns follow.
pub const SEGMENTS: [&str; 11] = [
    "document",
    "segment",
    "turn",
    "paragraph",
    "speaker",
    "role",
    "start",
    "end",
    "timestamp",
    "end_timestamp",
    "text",
];

/// `codings.csv` of `thema code`.
pub const CODINGS: [&str; 9] = [
    "document", "segment", "turn", "speaker", "code", "start", "end", "matched", "rule",
];

/// `coding-sheet.csv` of `thema sample`.
pub const CODING_SHEET: [&str; 7] = [
    "document",
    "turn",
    "paragraph",
    "speaker",
    "text",
    "code",
    "coder",
];

/// `sample.csv` of `thema sample`.
pub const SAMPLE_LIST: [&str; 3] = ["document", "stratum", "file"];

/// `thema quotes --format csv`; attribute columns follow.
pub const QUOTES: [&str; 8] = [
    "document",
    "segment",
    "turn",
    "speaker",
    "timestamp",
    "codes",
    "matched",
    "text",
];

/// `codings.csv` of `thema import qdpx`.
pub const IMPORTED_CODINGS: [&str; 6] = ["document", "code", "coder", "start", "end", "text"];

/// `thema evaluate --errors`, with the unit's name second (and the kind of turn third, with
/// `--by-kind`).
pub fn evaluation_errors(unit: CodingUnit, with_kind: bool) -> Vec<&'static str> {
    ["document", unit.name()]
        .into_iter()
        .chain(with_kind.then_some("kind"))
        .chain(["code", "error", "rule", "matched", "text"])
        .collect()
}

/// `thema agree --disagreements`: document, unit, speaker and code, one column per coder
/// (`coders`), then the text.
pub fn disagreements(unit: CodingUnit, coders: &[String]) -> Vec<String> {
    let mut headers: Vec<String> = ["document", unit.name(), "speaker", "code"]
        .map(str::to_owned)
        .to_vec();
    headers.extend(coders.iter().cloned());
    headers.push("text".to_owned());
    headers
}

/// Names an attribute cannot take: the fixed columns it would be written beside (in
/// `segments.csv`, the quotes and the document matrix), where it would give a table two
/// columns of one name.
pub fn is_reserved(name: &str) -> bool {
    SEGMENTS.contains(&name) || QUOTES.contains(&name)
}

/// Whether `headers` are `columns`.
fn is<S: AsRef<str>>(headers: &[String], columns: &[S]) -> bool {
    headers.len() == columns.len() && starts(headers, columns)
}

/// Whether `headers` begin with `columns`.
fn starts<S: AsRef<str>>(headers: &[String], columns: &[S]) -> bool {
    headers.len() >= columns.len() && headers.iter().zip(columns).all(|(h, c)| h == c.as_ref())
}

/// Which of thema's own tables a header (lowercased names) belongs to, as a phrase for a
/// note, or `None` for any other table.
pub fn thema_table(headers: &[String]) -> Option<&'static str> {
    let units = [CodingUnit::Segment, CodingUnit::Turn, CodingUnit::Document];
    let disagreement_table = |u: CodingUnit| {
        let fixed = disagreements(u, &[]);
        headers.len() > fixed.len()
            && starts(headers, &fixed[..fixed.len() - 1])
            && headers.last() == fixed.last()
    };
    if starts(headers, &SEGMENTS) {
        Some("thema's segments table (`thema code`, `thema ingest --format csv`)")
    } else if is(headers, &CODINGS)
        || (starts(headers, &CODINGS)
            && headers.len() == CODINGS.len() + 1
            && headers.last().is_some_and(|h| h == "score"))
    {
        Some("thema's codings table (`thema code`)")
    } else if is(headers, &CODING_SHEET) {
        Some("thema's coding sheet (`thema sample`)")
    } else if is(headers, &SAMPLE_LIST) {
        Some("thema's sample list (`thema sample`)")
    } else if starts(headers, &QUOTES) {
        Some("thema's quotes table (`thema quotes`)")
    } else if starts(headers, &IMPORTED_CODINGS) {
        Some("thema's codings from a REFI-QDA project (`thema import qdpx`)")
    } else if units.iter().any(|&u| {
        [false, true]
            .iter()
            .any(|&k| is(headers, &evaluation_errors(u, k)))
    }) {
        Some("thema's list of errors (`thema evaluate --errors`)")
    } else if units.into_iter().any(disagreement_table) {
        Some("thema's disagreements (`thema agree --disagreements`)")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_table_is_recognised_and_others_are_not() {
        let owned = |c: &[&str]| c.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let mut segments = owned(&SEGMENTS);
        segments.push("cohort".into());
        let coders = ["anna".to_owned(), "bram".to_owned()];
        for headers in [
            segments,
            owned(&CODINGS),
            owned(&CODING_SHEET),
            owned(&SAMPLE_LIST),
            owned(&QUOTES),
            owned(&IMPORTED_CODINGS),
            owned(&evaluation_errors(CodingUnit::Turn, false)),
            owned(&evaluation_errors(CodingUnit::Segment, true)),
            disagreements(CodingUnit::Segment, &coders),
        ] {
            assert!(thema_table(&headers).is_some(), "{headers:?}");
        }
        for headers in [
            owned(&["document", "speaker", "text"]),
            owned(&["interview", "turn", "speaker", "text", "cohort"]),
            owned(&["document", "turn", "paragraph", "code", "coder"]),
        ] {
            assert_eq!(thema_table(&headers), None, "{headers:?}");
        }
    }
}

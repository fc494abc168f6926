//! The segments and codings tables written by `thema code` and printed by `thema ingest`.

use std::collections::BTreeSet;

use crate::codebook::Codebook;
use crate::corpus::Document;
use crate::engine::Coding;
use crate::output::{Table, Value};

/// `document,segment,turn,paragraph,speaker,role,start,end,timestamp,end_timestamp,text` then one column
/// per attribute (sorted by name; empty where a document lacks it).
pub fn segments_table(documents: &[Document]) -> Table {
    segments_table_with(documents, &segment_attributes(documents))
}

/// The attribute columns of the segments table of `documents`: every attribute name, sorted.
pub fn segment_attributes(documents: &[Document]) -> BTreeSet<&str> {
    documents
        .iter()
        .flat_map(|d| d.attributes.keys().map(String::as_str))
        .collect()
}

/// `segments.csv` of `documents` written one document at a time (the same bytes as the CSV
/// of [`segments_table`], without holding the whole table).
pub fn segments_csv(documents: &[Document], excel_safe: bool) -> Vec<u8> {
    let attributes = segment_attributes(documents);
    let mut out = segments_header(&attributes, excel_safe);
    for doc in documents {
        write_segment_rows(doc, &attributes, excel_safe, &mut out);
    }
    out
}

/// The header row of `segments.csv` with the attribute columns `attributes`.
pub fn segments_header(attributes: &BTreeSet<&str>, excel_safe: bool) -> Vec<u8> {
    segments_table_with(&[], attributes)
        .to_csv(excel_safe)
        .into_bytes()
}

/// Appends the `segments.csv` rows of `doc` to `out`, field by field: the same bytes as the
/// CSV of [`segments_table`], without a cell per field.
pub fn write_segment_rows<'a>(
    doc: &'a Document,
    attributes: &BTreeSet<&str>,
    excel_safe: bool,
    out: &mut Vec<u8>,
) {
    use std::fmt::Write as _;
    let text = |s: &'a str| -> std::borrow::Cow<'a, str> {
        if excel_safe {
            crate::output::excel_safe(s)
        } else {
            s.into()
        }
    };
    let values: Vec<std::borrow::Cow<'_, str>> = attributes
        .iter()
        .map(|a| text(doc.attributes.get(*a).map_or("", String::as_str)))
        .collect();
    let id = text(&doc.id);
    let mut writer = csv::Writer::from_writer(out);
    let mut number = String::new();
    let written = doc.segments.iter().try_for_each(|s| {
        writer.write_field(id.as_bytes())?;
        for n in [s.index, s.turn, s.paragraph] {
            number.clear();
            let _ = write!(number, "{n}");
            writer.write_field(&number)?;
        }
        writer.write_field(text(&s.speaker).as_bytes())?;
        writer.write_field(s.role.as_str())?;
        for n in [s.start, s.end] {
            number.clear();
            let _ = write!(number, "{n}");
            writer.write_field(&number)?;
        }
        for field in [&s.timestamp, &s.end_timestamp] {
            writer.write_field(text(field.as_deref().unwrap_or("")).as_bytes())?;
        }
        writer.write_field(text(&s.text).as_bytes())?;
        for value in &values {
            writer.write_field(value.as_bytes())?;
        }
        writer.write_record(None::<&[u8]>)
    });
    written
        .and_then(|()| writer.flush().map_err(csv::Error::from))
        .expect("writing CSV to memory cannot fail");
}

/// The segments table of `documents` with the attribute columns `attributes`.
fn segments_table_with(documents: &[Document], attributes: &BTreeSet<&str>) -> Table {
    let mut headers: Vec<String> = crate::columns::SEGMENTS.map(str::to_owned).to_vec();
    headers.extend(attributes.iter().map(|a| (*a).to_owned()));
    let mut table = Table::new(headers);
    for doc in documents {
        for s in &doc.segments {
            let mut row: Vec<Value> = vec![
                doc.id.clone().into(),
                s.index.into(),
                s.turn.into(),
                s.paragraph.into(),
                s.speaker.clone().into(),
                s.role.as_str().into(),
                s.start.into(),
                s.end.into(),
                s.timestamp.clone().unwrap_or_default().into(),
                s.end_timestamp.clone().unwrap_or_default().into(),
                s.text.clone().into(),
            ];
            row.extend(attribute_values(doc, attributes));
            table.rows.push(row);
        }
    }
    table
}

/// A document's value of each attribute in `attributes` (empty where it has none).
fn attribute_values<'a>(
    doc: &'a Document,
    attributes: &'a BTreeSet<&str>,
) -> impl Iterator<Item = Value> + 'a {
    attributes
        .iter()
        .map(|a| Value::from(doc.attributes.get(*a).cloned().unwrap_or_default()))
}

/// One row per segment found (a quote, a search hit): `document, segment, turn, speaker,
/// timestamp`, then the caller's `columns` with the `values` of each row, then the
/// documents' attributes (sorted by name).
pub fn located_table(
    columns: &[&str],
    rows: Vec<(&Document, &crate::corpus::Segment, Vec<Value>)>,
) -> Table {
    let attributes: BTreeSet<&str> = rows
        .iter()
        .flat_map(|(d, _, _)| d.attributes.keys().map(String::as_str))
        .collect();
    let mut headers: Vec<String> = ["document", "segment", "turn", "speaker", "timestamp"]
        .iter()
        .chain(columns)
        .map(|h| (*h).to_owned())
        .collect();
    headers.extend(attributes.iter().map(|a| (*a).to_owned()));
    let mut table = Table::new(headers);
    for (doc, segment, values) in rows {
        let mut row: Vec<Value> = vec![
            doc.id.clone().into(),
            segment.index.into(),
            segment.turn.into(),
            segment.speaker.clone().into(),
            segment.timestamp.clone().unwrap_or_default().into(),
        ];
        row.extend(values);
        row.extend(attribute_values(doc, &attributes));
        table.rows.push(row);
    }
    table
}

/// `document,segment,turn,speaker,code,start,end,matched,rule`, one row per coding.
pub fn codings_table(documents: &[Document], codings: &[Vec<Coding>]) -> Table {
    let mut table = Table::new(crate::columns::CODINGS);
    for (doc, codings) in documents.iter().zip(codings) {
        for c in codings {
            let segment = &doc.segments[c.segment - 1];
            table.rows.push(vec![
                doc.id.clone().into(),
                c.segment.into(),
                segment.turn.into(),
                segment.speaker.clone().into(),
                c.code.clone().into(),
                c.start.into(),
                c.end.into(),
                c.matched.clone().into(),
                c.rule.clone().into(),
            ]);
        }
    }
    table
}

/// `id,label,description,include,exclude,color`, one row per code in tree order, labels in
/// `language`.
pub fn codebook_table(codebook: &Codebook, language: &str) -> Table {
    let mut table = Table::new(["id", "label", "description", "include", "exclude", "color"]);
    for code in codebook.tree_order() {
        table.rows.push(vec![
            code.id.clone().into(),
            code.label(language).into(),
            code.description.clone().into(),
            code.include.clone().into(),
            code.exclude.clone().into(),
            code.color.clone().unwrap_or_default().into(),
        ]);
    }
    table
}

//! Word .docx and OpenDocument .odt transcripts, turned into plain text for the plain-text
//! turn parser ([`super::plaintext::parse_turns`]).
//!
//! - Paragraphs come in document order, separated by a blank line; a line break inside a
//!   paragraph becomes `\n` and a tab `\t`.
//! - A row of a speaker table (`speaker | text`, or `time | speaker | text`) becomes
//!   `Speaker: text` or `[time] Speaker: text`; the rows of other tables become their cells
//!   joined by tabs, one paragraph per row. Text in nested tables is kept.
//! - A paragraph that starts with a bold speaker name followed by plain text reads
//!   `Name: text`, with the colon added when the document has none.
//! - Tracked changes are read as if all were accepted. Field codes, footnotes, endnotes,
//!   comments, headers and footers are not body text and are left out (with a warning
//!   that counts the notes and comments).
//! - The title, author and creation date of the document become the properties `title`,
//!   `author` and `created`.
//!
//! A document is untrusted input: zip entry names that point outside the package are
//! refused, unpacked sizes are capped ([`Limits`]), and no XML entity is expanded apart
//! from the five predefined ones and character references.
//!
//! The reading is split by concern: `package` opens the zip and finds the parts, `xml`
//! decodes and walks their XML, `styles` works out which styles are bold, `builder` and
//! `tables` assemble paragraphs and tables, and `docx_body` (with `symbols`) and
//! `odt_body` read the body of each format.

mod builder;
mod docx_body;
mod odt_body;
mod package;
mod styles;
mod symbols;
mod tables;
#[cfg(test)]
mod test_support;
mod xml;

use std::collections::BTreeMap;

pub use crate::zipsafe::Limits;

use builder::Builder;
use docx_body::DocxBody;
use odt_body::OdtBody;
use package::{ENCRYPTED, Kind, Package, find_main_part, read_meta, relationship};
use styles::{StyleCollector, StyleDialect, StyleMap, resolve_bold};
use xml::{decode_xml, walk_xml};

/// The warning when a styles part does not parse.
const STYLES_NOT_READ: &str = "styles not read, so bold is only seen when direct";

/// Text and metadata read from a word-processor document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// The body text: paragraphs separated by a blank line, with a final newline.
    pub text: String,
    /// The document properties that are set, among `title`, `author` and `created`.
    pub properties: BTreeMap<String, String>,
    /// What was left out or read in a particular way, one line each.
    pub warnings: Vec<String>,
}

/// How much a document may unpack to by default: 256 MiB per entry and in total.
pub const DEFAULT_LIMITS: Limits = Limits {
    max_entry_bytes: 256 << 20,
    max_total_bytes: 256 << 20,
};

/// Reads a Word .docx (also .docm, .dotx, Strict OOXML) with the [`DEFAULT_LIMITS`].
/// The error is one line, to be prefixed with the file name.
pub fn read_docx(bytes: &[u8]) -> Result<Extracted, String> {
    read_docx_with(bytes, DEFAULT_LIMITS)
}

/// Reads an OpenDocument text (.odt, .ott) with the [`DEFAULT_LIMITS`].
/// The error is one line, to be prefixed with the file name.
pub fn read_odt(bytes: &[u8]) -> Result<Extracted, String> {
    read_odt_with(bytes, DEFAULT_LIMITS)
}

/// [`read_docx`] with explicit size caps.
pub fn read_docx_with(bytes: &[u8], limits: Limits) -> Result<Extracted, String> {
    let mut pkg = Package::open(bytes, Kind::Docx, limits)?;
    let mut warnings = Vec::new();
    let root_rels = pkg.relationships("_rels/.rels", "", &mut warnings)?;
    let main = find_main_part(&mut pkg, &root_rels, &mut warnings)?;
    let (dir, file) = main.rsplit_once('/').unwrap_or(("", main.as_str()));
    let dir = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let part_rels = pkg.relationships(&format!("{dir}_rels/{file}.rels"), &dir, &mut warnings)?;
    let styles_part =
        relationship(&part_rels, "/styles").unwrap_or_else(|| format!("{dir}styles.xml"));
    let mut styles = StyleMap::new();
    pkg.walk_part(
        &styles_part,
        &mut StyleCollector::new(&mut styles, StyleDialect::Docx),
        STYLES_NOT_READ,
        &mut warnings,
    )?;
    let bold_styles = resolve_bold(&styles);
    let raw = pkg
        .read(&main)?
        .ok_or_else(|| format!("not a Word document: the zip has no {main}"))?;
    let xml = decode_xml(raw, &main, &mut warnings);
    let mut body = DocxBody::new(&bold_styles);
    let stats = walk_xml(&xml, &main, &mut body)?;
    stats.warn(&main, &mut warnings);
    body.notes.warn(&mut warnings);
    if !body.fields.is_empty() {
        warnings.push("a field code never ends: text after it may be missing".into());
    }
    let core = relationship(&root_rels, "/core-properties")
        .unwrap_or_else(|| "docProps/core.xml".to_owned());
    let found = read_meta(
        &mut pkg,
        &core,
        &["title", "creator", "created"],
        &mut warnings,
    )?;
    let mut properties = BTreeMap::new();
    for (key, from) in [
        ("title", "title"),
        ("author", "creator"),
        ("created", "created"),
    ] {
        if let Some(value) = found.get(from) {
            properties.insert(key.to_owned(), value.clone());
        }
    }
    Ok(finish(body.out, properties, warnings))
}

/// [`read_odt`] with explicit size caps.
pub fn read_odt_with(bytes: &[u8], limits: Limits) -> Result<Extracted, String> {
    let mut pkg = Package::open(bytes, Kind::Odt, limits)?;
    let mut warnings = Vec::new();
    if let Some(raw) = pkg.read("mimetype")? {
        let mime = String::from_utf8_lossy(&raw).trim().to_owned();
        if let Some(sub) = mime.strip_prefix("application/vnd.oasis.opendocument.")
            && !sub.starts_with("text")
        {
            return Err(format!(
                "an OpenDocument {} file, not a text document (.odt)",
                one_line(sub)
            ));
        }
    }
    if !pkg.contains("content.xml") {
        return Err(
            if pkg.contains("word/document.xml") || pkg.contains("[Content_Types].xml") {
                "a Word .docx file, not an .odt: give it the .docx extension".into()
            } else {
                "not an OpenDocument text: the zip has no content.xml".into()
            },
        );
    }
    if let Some(raw) = pkg.read("META-INF/manifest.xml")?
        && String::from_utf8_lossy(&raw).contains("encryption-data")
    {
        return Err(ENCRYPTED.into());
    }
    let mut styles = StyleMap::new();
    pkg.walk_part(
        "styles.xml",
        &mut StyleCollector::new(&mut styles, StyleDialect::Odt),
        STYLES_NOT_READ,
        &mut warnings,
    )?;
    let raw = pkg.read("content.xml")?.unwrap_or_default();
    let xml = decode_xml(raw, "content.xml", &mut warnings);
    // Automatic styles come before the body; an error here shows up in the body walk.
    let _ = walk_xml(
        &xml,
        "content.xml",
        &mut StyleCollector::new(&mut styles, StyleDialect::Odt),
    );
    let bold_styles = resolve_bold(&styles);
    let mut body = OdtBody::new(&bold_styles);
    let stats = walk_xml(&xml, "content.xml", &mut body)?;
    stats.warn("content.xml", &mut warnings);
    body.notes.warn(&mut warnings);
    let found = read_meta(
        &mut pkg,
        "meta.xml",
        &["title", "initial-creator", "creator", "creation-date"],
        &mut warnings,
    )?;
    let mut properties = BTreeMap::new();
    if let Some(title) = found.get("title") {
        properties.insert("title".to_owned(), title.clone());
    }
    if let Some(author) = found
        .get("initial-creator")
        .or_else(|| found.get("creator"))
    {
        properties.insert("author".to_owned(), author.clone());
    }
    if let Some(created) = found.get("creation-date") {
        properties.insert("created".to_owned(), created.clone());
    }
    Ok(finish(body.out, properties, warnings))
}

fn finish(
    out: Builder,
    properties: BTreeMap<String, String>,
    mut warnings: Vec<String>,
) -> Extracted {
    let text = out.finish();
    if text.is_empty() {
        warnings.push("the document has no text".into());
    }
    Extracted {
        text,
        properties,
        warnings,
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::test_support::{fixture, paras, path};
    use super::*;
    use crate::corpus::Role;
    use crate::ingest::plaintext::parse_turns;
    use crate::ingest::turns::SpeakerRules;

    fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    // --- Fixtures ------------------------------------------------------------------------

    #[test]
    fn plain_transcript_with_bold_speakers() {
        let doc = read_docx(&fixture("plain.docx")).unwrap();
        assert_eq!(
            doc.text,
            paras(&[
                "Interview NL-T01 (testbestand)",
                "Interviewer: Hoe kwam u in contact met de gemeente?",
                "Maria: Ze belden me gewoon op, zonder dat ik erom vroeg.",
                "Interviewer: En wat vond u daarvan?",
                "Maria: Eerst schrok ik wel.",
                "Later was ik er blij mee, eerlijk gezegd.",
                "[00:01:23] Maria: Dat weet ik nog precies.",
                "Nee, echt niet. Dat zei ik eerst tegen haar.",
                "Maria Jansen: Ja, dat klopt.",
                "Interviewer: Dank u wel.",
            ])
        );
        assert_eq!(
            doc.properties,
            props(&[
                ("author", "Onderzoeksteam"),
                ("created", "2024-03-12T10:00:00Z"),
                ("title", "Interview NL-T01"),
            ])
        );
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    }

    #[test]
    fn speaker_table_rows_become_turns() {
        let doc = read_docx(&fixture("speaker-table.docx")).unwrap();
        let expected = paras(&[
            "Gesprek over de energietoeslag",
            "Spreker\tTekst",
            "Interviewer: Wanneer hoorde u van de toeslag?",
            "Sanne: Via een brief van de gemeente.",
            "Interviewer: En toen?",
            "[00:04:12] Sanne: Ik heb gebeld.",
            "Binnen een week stond het geld op mijn rekening.",
            "Dat had ik nooit verwacht.",
            "Einde opname.",
        ]);
        assert_eq!(doc.text, expected);
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
        // The same table after a round trip through LibreOffice (.docx -> .odt).
        let odt = read_odt(&fixture("libreoffice.odt")).unwrap();
        assert_eq!(odt.text, expected);
        assert_eq!(
            odt.properties.get("title").map(String::as_str),
            Some("Gesprek over de energietoeslag")
        );
    }

    #[test]
    fn key_value_timed_nested_and_one_column_tables() {
        let doc = read_docx(&fixture("tables-mixed.docx")).unwrap();
        assert_eq!(
            doc.text,
            paras(&[
                "Respondent\tR12",
                "Datum\t3 april 2024",
                "Gemeente\tZaandam",
                "Transcript:",
                "Tijd\tSpreker\tTekst",
                "[00:00:05] Interviewer: Goedemiddag, fijn dat u er bent.",
                "[00:00:09] Kees: Middag. Ja, ik had er wel zin in.",
                "[00:00:15] Interviewer: Vertelt u eens over de brief van de SVB.",
                "Bijlage\tZie ook: brief maart telefoon april",
                "Kees: Dit stond in een tabel met één kolom.",
                "Kees: En dit ook.",
            ])
        );
    }

    #[test]
    fn tracked_changes_are_accepted_and_notes_left_out() {
        let doc = read_docx(&fixture("tracked-changes.docx")).unwrap();
        assert_eq!(
            doc.text,
            paras(&[
                "Interviewer: Wanneer kwam de allereerste brief?",
                "Petra: Dat was op 12 maart 2024, een dinsdag.",
                "Petra: Ze belden me terug. Heel snel.",
                "Petra: Het ging om de huur.",
                "Interviewer: Klopt dat?",
                "Petra: Ja, dat klopt.",
                "Petra: Daarna ging alles vanzelf.",
            ])
        );
        for gone in ["Geschrapte", "Voetnoottekst", "codeur", "DATE", "MMMM"] {
            assert!(!doc.text.contains(gone), "{gone}");
        }
        assert_eq!(
            doc.warnings,
            vec![
                "left out 1 footnote and 1 comment: not body text",
                "the document has tracked changes: read as if all were accepted",
            ]
        );
    }

    #[test]
    fn line_breaks_tabs_symbols_and_hyphens() {
        let doc = read_docx(&fixture("linebreaks.docx")).unwrap();
        assert_eq!(
            doc.text,
            paras(&[
                "Interviewer: Eerste regel\ntweede regel\nderde\tmet tab",
                "Ruud: Na een wagenterugloop\nvolgt dit.",
                "Ruud: Het kost 5 ± 1 euro, e-mail gemeente ✓ klaar.",
                "Ruud: Voor de pagina-einde\nen erna.",
            ])
        );
    }

    #[test]
    fn core_properties() {
        let doc = read_docx(&fixture("properties.docx")).unwrap();
        assert_eq!(doc.text, paras(&["I: Hallo.", "R: Dag."]));
        assert_eq!(
            doc.properties,
            props(&[
                ("author", "Onderzoeksteam HU"),
                ("created", "2024-05-02T09:30:00Z"),
                ("title", "Interview over kwijtschelding"),
            ])
        );
    }

    #[test]
    fn strict_ooxml_with_a_renamed_main_part() {
        let doc = read_docx(&fixture("strict.docx")).unwrap();
        assert_eq!(
            doc.text,
            paras(&[
                "I: Is dit Strict OOXML?",
                "Joost: Ja, met een andere naam voor het hoofddeel.",
            ])
        );
    }

    const ODT_TEXT: [&str; 10] = [
        "Interview NL-T02",
        "Interviewer: Hoe ging het gesprek met de budgetcoach?",
        "Ahmed: Goed, ze dacht echt met me mee.",
        "Interviewer: Wat deed  ze\tprecies?\nEn daarna?",
        "Ahmed: Ze belde de woningcorporatie en regelde uitstel.",
        "Ahmed: Dat was heel fijn, echt.",
        "Interviewer: En de gemeente?",
        "Ahmed: Die heb ik niet gesproken.",
        "Interviewer: Waarom niet?",
        "Ahmed: Niemand heeft mij gebeld.",
    ];

    #[test]
    fn odt_transcript() {
        let doc = read_odt(&fixture("transcript.odt")).unwrap();
        assert_eq!(doc.text, paras(&ODT_TEXT));
        assert_eq!(
            doc.properties,
            props(&[
                ("author", "Onderzoeksteam"),
                ("created", "2024-04-03T14:00:00"),
                ("title", "Interview NL-T02"),
            ])
        );
        assert_eq!(
            doc.warnings,
            vec![
                "left out 1 footnote and 1 comment: not body text",
                "the document has tracked changes: read as if all were accepted",
            ]
        );
        for gone in ["Voetnoot", "Commentaar", "Geschrapte"] {
            assert!(!doc.text.contains(gone), "{gone}");
        }
    }

    #[test]
    fn libreoffice_written_docx() {
        // transcript.odt converted by `soffice --convert-to docx`: LibreOffice writes its
        // own run structure, footnotes, comments and tracked changes.
        let doc = read_docx(&fixture("libreoffice.docx")).unwrap();
        assert_eq!(doc.text, paras(&ODT_TEXT));
        assert_eq!(doc.properties.get("title").unwrap(), "Interview NL-T02");
        assert_eq!(doc.properties.get("author").unwrap(), "Onderzoeksteam");
        assert_eq!(
            doc.warnings,
            vec![
                "left out 1 footnote and 1 comment: not body text",
                "the document has tracked changes: read as if all were accepted",
            ]
        );
    }

    /// The words of `text`, split at anything that is not a letter or digit.
    fn words(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    }

    #[test]
    fn every_word_of_the_source_text_comes_out() {
        let cases = [
            ("plain", "tests/data/docx/plain.docx"),
            ("speaker-table", "tests/data/docx/speaker-table.docx"),
            ("speaker-table", "tests/data/docx/libreoffice.odt"),
            ("tables-mixed", "tests/data/docx/tables-mixed.docx"),
            ("tracked-changes", "tests/data/docx/tracked-changes.docx"),
            ("linebreaks", "tests/data/docx/linebreaks.docx"),
            ("properties", "tests/data/docx/properties.docx"),
            ("strict", "tests/data/docx/strict.docx"),
            ("transcript-odt", "tests/data/docx/transcript.odt"),
            ("transcript-odt", "tests/data/docx/libreoffice.docx"),
            ("nl-15-word", "samples/nl-15-word.docx"),
        ];
        for (source, file) in cases {
            let source =
                std::fs::read_to_string(path(&format!("tests/data/docx/source/{source}.txt")))
                    .unwrap();
            let bytes = std::fs::read(path(file)).unwrap();
            let doc = if file.ends_with(".odt") {
                read_odt(&bytes)
            } else {
                read_docx(&bytes)
            }
            .unwrap();
            let found: HashSet<String> = words(&doc.text).into_iter().collect();
            for word in words(&source) {
                assert!(found.contains(&word), "{file}: `{word}` is missing");
            }
        }
    }

    #[test]
    fn sample_interview_reads_as_turns() {
        let bytes = std::fs::read(path("samples/nl-15-word.docx")).unwrap();
        let doc = read_docx(&bytes).unwrap();
        assert_eq!(
            doc.properties,
            props(&[
                ("author", "Onderzoeksteam"),
                ("created", "2025-05-14T10:00:00Z"),
                ("title", "Interview NL15 Enschede"),
            ])
        );
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
        let turns = parse_turns(&doc.text, 0, 1, &SpeakerRules::default());
        // A label-shaped line inside a turn, as the other samples have one.
        assert_eq!(turns.rejected_labels, vec![(27, "En ze zei".to_owned())]);
        let segments = &turns.segments;
        assert_eq!(segments[0].role, Role::Preamble);
        assert_eq!(segments[0].text, "Interview NL15 – Enschede, tweede ronde");
        let mut speakers: Vec<(usize, &str, Role)> = segments[1..]
            .iter()
            .map(|s| (s.turn, s.speaker.as_str(), s.role))
            .collect();
        speakers.dedup();
        assert_eq!(speakers.len(), 20);
        for (i, (turn, speaker, role)) in speakers.iter().enumerate() {
            assert_eq!(*turn, i + 1);
            let (name, expected) = if i % 2 == 0 {
                ("Interviewer", Role::Interviewer)
            } else {
                ("Anita", Role::Respondent)
            };
            assert_eq!((*speaker, *role), (name, expected), "turn {turn}");
        }
        // Paragraphs inside a cell stay paragraphs of the same turn.
        let turn_four: Vec<&str> = segments
            .iter()
            .filter(|s| s.turn == 4)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(turn_four.len(), 2);
        assert!(turn_four[1].starts_with("Dus ik heb een paar maanden"));
        let spoken = words(&doc.text).len();
        assert!((800..=1100).contains(&spoken), "{spoken} words");
    }
}

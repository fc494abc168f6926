//! The body of an .odt (`content.xml`): paragraphs, headings, spans, white space
//! elements, notes, annotations, tracked changes and tables, read into a [`Builder`].

use std::collections::HashMap;

use quick_xml::events::BytesStart;

use super::builder::{Builder, Notes};
use super::xml::{Handler, attr};

/// The most spaces one `text:s` gives, so that no element expands much.
const MAX_SPACES: usize = 16;

#[derive(Clone, Copy, PartialEq, Eq)]
enum OdtTag {
    Para,
    Span,
    Table,
    Row,
    Cell,
    Other,
}

pub(super) struct OdtBody<'s> {
    pub(super) out: Builder,
    tags: Vec<OdtTag>,
    bold_styles: &'s HashMap<String, bool>,
    /// Whether the text is bold, per open paragraph and span.
    bold: Vec<bool>,
    pub(super) notes: Notes,
}

impl<'s> OdtBody<'s> {
    pub(super) fn new(bold_styles: &'s HashMap<String, bool>) -> Self {
        OdtBody {
            out: Builder::default(),
            tags: Vec::new(),
            bold_styles,
            bold: Vec::new(),
            notes: Notes::default(),
        }
    }

    fn bold_now(&self) -> bool {
        self.bold.last().copied().unwrap_or(false)
    }

    fn style_bold(&self, e: &BytesStart<'_>) -> Option<bool> {
        attr(e, "style-name").and_then(|s| self.bold_styles.get(&s).copied())
    }
}

impl Handler for OdtBody<'_> {
    fn start(&mut self, name: &str, e: &BytesStart<'_>) -> bool {
        let tag = match name {
            "p" | "h" => {
                self.out.start_para();
                let bold = self.style_bold(e).unwrap_or(false);
                self.out.set_para_bold(bold);
                self.bold.push(bold);
                OdtTag::Para
            }
            "span" | "a" => {
                let bold = self.style_bold(e).unwrap_or_else(|| self.bold_now());
                self.bold.push(bold);
                OdtTag::Span
            }
            "s" => {
                let count = attr(e, "c")
                    .and_then(|c| c.trim().parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, MAX_SPACES);
                self.out.text(&" ".repeat(count), self.bold_now());
                OdtTag::Other
            }
            "tab" => {
                self.out.text("\t", self.bold_now());
                OdtTag::Other
            }
            "line-break" => {
                self.out.text("\n", self.bold_now());
                if let Some(para) = self.out.paras.last_mut() {
                    para.space_before = true;
                }
                OdtTag::Other
            }
            "note" => {
                if attr(e, "note-class").as_deref() == Some("endnote") {
                    self.notes.endnotes += 1;
                } else {
                    self.notes.footnotes += 1;
                }
                return false;
            }
            "annotation" => {
                let id =
                    attr(e, "name").unwrap_or_else(|| format!("#{}", self.notes.comments.len()));
                self.notes.comments.insert(id);
                return false;
            }
            "tracked-changes" => {
                self.notes.changes += 1;
                return false;
            }
            "number"
            | "covered-table-cell"
            | "title"
            | "desc"
            | "ruby-text"
            | "automatic-styles"
            | "font-face-decls"
            | "scripts"
            | "master-styles"
            | "styles"
            | "forms"
            | "sequence-decls"
            | "variable-decls"
            | "user-field-decls"
            | "dde-connection-decls"
            | "index-title-template" => return false,
            n if n.ends_with("-source") => return false,
            "table" => {
                self.out.start_table();
                OdtTag::Table
            }
            "table-row" => {
                self.out.start_row();
                OdtTag::Row
            }
            "table-cell" => {
                self.out.start_cell();
                OdtTag::Cell
            }
            _ => OdtTag::Other,
        };
        self.tags.push(tag);
        true
    }

    fn end(&mut self) {
        match self.tags.pop() {
            Some(OdtTag::Para) => {
                self.bold.pop();
                self.out.end_para();
            }
            Some(OdtTag::Span) => {
                self.bold.pop();
            }
            Some(OdtTag::Table) => self.out.end_table(),
            Some(OdtTag::Row) => self.out.end_row(),
            Some(OdtTag::Cell) => self.out.end_cell(),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        let bold = self.bold_now();
        self.out.text_collapsed(text, bold);
    }
}

#[cfg(test)]
mod tests {
    use super::super::read_odt;
    use super::super::test_support::{odt_of, odt_text, paras};
    use super::*;

    // --- OpenDocument --------------------------------------------------------------------

    #[test]
    fn odt_spaces_bold_styles_and_skipped_parts() {
        let styles = r#"<style:style style:name="Vet" style:family="text"><style:text-properties fo:font-weight="700"/></style:style><style:style style:name="T1" style:family="text" style:parent-style-name="Vet"/><style:style style:name="Gewoon" style:family="text"><style:text-properties fo:font-weight="normal"/></style:style>"#;
        let body = r#"<text:tracked-changes><text:changed-region><text:deletion><text:p>weg</text:p></text:deletion></text:changed-region></text:tracked-changes>
            <text:h>  Titel
              met   regels </text:h>
            <text:p><text:span text:style-name="T1">Kees</text:span>  Ja<text:s/>  <text:s text:c="3"/>zeker.</text:p>
            <text:p><text:span text:style-name="Gewoon">Kees</text:span> nee<text:line-break/>  en<text:tab/>toch<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>noot</text:p></text:note-body></text:note>.</text:p>
            <text:list><text:list-item><text:number>1.</text:number><text:p>Lijst</text:p></text:list-item></text:list>
            <text:p>Veel<text:s text:c="99999"/>ruimte</text:p>"#;
        let doc = read_odt(&odt_of(body, styles)).unwrap();
        assert_eq!(
            doc.text,
            paras(&[
                "Titel met regels",
                "Kees: Ja     zeker.",
                "Kees nee\nen\ttoch.",
                "Lijst",
                &format!("Veel{}ruimte", " ".repeat(MAX_SPACES)),
            ])
        );
        assert_eq!(
            doc.warnings,
            vec![
                "left out 1 footnote: not body text",
                "the document has tracked changes: read as if all were accepted",
            ]
        );
        assert_eq!(
            odt_text(
                r#"<table:table><table:table-row><table:table-cell><text:p>Ahmed</text:p></table:table-cell><table:table-cell><text:p>Ja.</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell><text:p>Ahmed</text:p></table:table-cell><table:covered-table-cell/><table:table-cell><text:p>Nee.</text:p></table:table-cell></table:table-row></table:table>"#,
                ""
            ),
            paras(&["Ahmed: Ja.", "Ahmed: Nee."])
        );
    }
}

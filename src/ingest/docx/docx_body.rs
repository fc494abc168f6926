//! The body of a .docx (`word/document.xml`): runs, bold, tracked changes, fields,
//! notes and comments, tables, read into a [`Builder`].

use std::collections::HashMap;

use quick_xml::events::BytesStart;

use super::builder::{Builder, Notes};
use super::styles::on_off;
use super::symbols::sym_char;
use super::xml::{Handler, attr};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    P,
    R,
    RPr,
    PPr,
    TrPr,
    T,
    Tbl,
    Tr,
    Tc,
    Other,
}

pub(super) struct DocxBody<'s> {
    pub(super) out: Builder,
    tags: Vec<Tag>,
    bold_styles: &'s HashMap<String, bool>,
    run_direct: Option<bool>,
    run_style: Option<bool>,
    in_t: usize,
    /// Open complex fields: `true` while in the field code, `false` in the result.
    pub(super) fields: Vec<bool>,
    pub(super) notes: Notes,
}

impl<'s> DocxBody<'s> {
    pub(super) fn new(bold_styles: &'s HashMap<String, bool>) -> Self {
        DocxBody {
            out: Builder::default(),
            tags: Vec::new(),
            bold_styles,
            run_direct: None,
            run_style: None,
            in_t: 0,
            fields: Vec::new(),
            notes: Notes::default(),
        }
    }

    fn put(&mut self, s: &str) {
        if self.fields.contains(&true) {
            return;
        }
        let bold = self
            .run_direct
            .or(self.run_style)
            .unwrap_or_else(|| self.out.para_bold());
        self.out.text(s, bold);
    }

    fn style_bold(&self, e: &BytesStart<'_>) -> Option<bool> {
        attr(e, "val").and_then(|id| self.bold_styles.get(&id).copied())
    }
}

impl Handler for DocxBody<'_> {
    fn start(&mut self, name: &str, e: &BytesStart<'_>) -> bool {
        let parent = self.tags.last().copied().unwrap_or(Tag::Other);
        let grandparent = self
            .tags
            .len()
            .checked_sub(2)
            .map_or(Tag::Other, |i| self.tags[i]);
        let in_run = parent == Tag::R;
        let in_run_props = parent == Tag::RPr && grandparent == Tag::R;
        let tag = match name {
            "p" => {
                self.out.start_para();
                Tag::P
            }
            "r" => {
                self.run_direct = None;
                self.run_style = None;
                Tag::R
            }
            "rPr" => Tag::RPr,
            "pPr" => Tag::PPr,
            "trPr" => Tag::TrPr,
            "t" => {
                self.in_t += 1;
                Tag::T
            }
            "tbl" => {
                self.out.start_table();
                Tag::Tbl
            }
            "tr" => {
                self.out.start_row();
                Tag::Tr
            }
            "tc" => {
                self.out.start_cell();
                Tag::Tc
            }
            "pStyle" if parent == Tag::PPr => {
                if let Some(bold) = self.style_bold(e) {
                    self.out.set_para_bold(bold);
                }
                Tag::Other
            }
            "rStyle" if in_run_props => {
                self.run_style = self.style_bold(e);
                Tag::Other
            }
            "b" if in_run_props => {
                self.run_direct = Some(on_off(attr(e, "val")));
                Tag::Other
            }
            "del" | "moveFrom" => match parent {
                Tag::TrPr => {
                    self.out.delete_row();
                    self.notes.changes += 1;
                    Tag::Other
                }
                Tag::RPr if grandparent == Tag::PPr => {
                    self.out.join_next_para();
                    self.notes.changes += 1;
                    Tag::Other
                }
                Tag::RPr => Tag::Other,
                _ => {
                    self.notes.changes += 1;
                    return false;
                }
            },
            "ins" | "moveTo" => {
                if !matches!(parent, Tag::RPr | Tag::TrPr) {
                    self.notes.changes += 1;
                }
                Tag::Other
            }
            // Deleted text, field codes, the fallback copy of drawings, ruby annotations, and the
            // formatting from before a tracked change.
            "delText" | "delInstrText" | "instrText" | "fldData" | "Fallback" | "rt"
            | "pPrChange" | "rPrChange" | "tblPrChange" | "trPrChange" | "tcPrChange"
            | "sectPrChange" | "tblGridChange" | "numberingChange" => {
                return false;
            }
            "tab" | "ptab" if in_run => {
                self.put("\t");
                Tag::Other
            }
            "br" | "cr" if in_run => {
                self.put("\n");
                Tag::Other
            }
            "noBreakHyphen" if in_run => {
                self.put("-");
                Tag::Other
            }
            "sym" if in_run => {
                if let Some(c) = sym_char(attr(e, "font").as_deref(), attr(e, "char").as_deref()) {
                    self.put(c.encode_utf8(&mut [0; 4]));
                }
                Tag::Other
            }
            "fldChar" => {
                match attr(e, "fldCharType").as_deref() {
                    Some("begin") => self.fields.push(true),
                    Some("separate") => {
                        if let Some(field) = self.fields.last_mut() {
                            *field = false;
                        }
                    }
                    Some("end") => {
                        self.fields.pop();
                    }
                    _ => {}
                }
                Tag::Other
            }
            "footnoteReference" => {
                self.notes.footnotes += 1;
                Tag::Other
            }
            "endnoteReference" => {
                self.notes.endnotes += 1;
                Tag::Other
            }
            "commentReference" | "commentRangeStart" => {
                let id = attr(e, "id").unwrap_or_else(|| format!("#{}", self.notes.comments.len()));
                self.notes.comments.insert(id);
                Tag::Other
            }
            "altChunk" => {
                self.notes.embedded += 1;
                Tag::Other
            }
            _ => Tag::Other,
        };
        self.tags.push(tag);
        true
    }

    fn end(&mut self) {
        match self.tags.pop() {
            Some(Tag::P) => self.out.end_para(),
            Some(Tag::T) => self.in_t = self.in_t.saturating_sub(1),
            Some(Tag::R) => {
                self.run_direct = None;
                self.run_style = None;
            }
            Some(Tag::Tbl) => self.out.end_table(),
            Some(Tag::Tr) => self.out.end_row(),
            Some(Tag::Tc) => self.out.end_cell(),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.in_t > 0 {
            // A raw line break inside w:t shows as a space in Word.
            let text = text.replace(['\r', '\n'], " ");
            self.put(&text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::read_docx;
    use super::super::test_support::{docx_of, docx_text, paras};

    #[test]
    fn fields_symbols_text_boxes_and_property_tabs() {
        // Field codes out, field results in, nested fields too.
        let body = r#"<w:p><w:r><w:t xml:space="preserve">Zie </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>HYPERLINK "x"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>de site</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:fldSimple w:instr="DATE"><w:r><w:t xml:space="preserve"> vandaag</w:t></w:r></w:fldSimple></w:p>"#;
        assert_eq!(docx_text(body), "Zie de site vandaag\n");
        // An unterminated field hides what follows and says so.
        let doc = read_docx(&docx_of(
            r#"<w:p><w:r><w:fldChar w:fldCharType="begin"/><w:t>weg</w:t></w:r></w:p>"#,
        ))
        .unwrap();
        assert_eq!(
            doc.warnings,
            vec![
                "a field code never ends: text after it may be missing",
                "the document has no text"
            ]
        );
        // Tab stops in paragraph properties are no tabs; symbols from symbol fonts.
        let body = r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>a</w:t><w:tab/><w:sym w:font="Symbol" w:char="F061"/><w:sym w:font="Wingdings" w:char="F021"/><w:sym w:char="0041"/><w:softHyphen/><w:t>b</w:t></w:r></w:p>"#;
        assert_eq!(docx_text(body), "a\tαAb\n");
        // A text box's text once, from the modern choice, not again from the fallback.
        let body = r#"<w:p><w:r><w:t xml:space="preserve">Voor </w:t></w:r><w:r><mc:AlternateContent xmlns:mc="m"><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>In het kader</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>In het kader</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>na.</w:t></w:r></w:p>"#;
        assert_eq!(docx_text(body), paras(&["In het kader", "Voor na."]));
        // Ruby text, deleted field codes and move sources stay out.
        let body = r#"<w:p><w:r><w:ruby><w:rt><w:r><w:t>x</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>漢</w:t></w:r></w:rubyBase></w:ruby></w:r></w:p>"#;
        assert_eq!(docx_text(body), "漢\n");
    }
}

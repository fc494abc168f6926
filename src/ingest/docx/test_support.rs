//! Helpers shared by the tests of the word-processor readers: fixtures, documents built
//! from body XML, and the mutations of the no-panic tests.

use crate::zipsafe::zip_of;

use super::{read_docx, read_odt};

pub(super) const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

pub(super) fn path(rel: &str) -> String {
    format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"))
}

pub(super) fn fixture(name: &str) -> Vec<u8> {
    let path = path(&format!("tests/data/docx/{name}"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Paragraphs as the reader writes them.
pub(super) fn paras(paragraphs: &[&str]) -> String {
    format!("{}\n", paragraphs.join("\n\n"))
}

pub(super) fn document_xml(body: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>"#
    )
}

pub(super) fn docx_of(body: &str) -> Vec<u8> {
    zip_of(&[("word/document.xml", document_xml(body).as_bytes())])
}

pub(super) fn docx_text(body: &str) -> String {
    read_docx(&docx_of(body)).unwrap().text
}

pub(super) fn odt_of(body: &str, styles: &str) -> Vec<u8> {
    let content = format!(
        r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:automatic-styles>{styles}</office:automatic-styles><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
    );
    zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", content.as_bytes()),
    ])
}

pub(super) fn odt_text(body: &str, styles: &str) -> String {
    read_odt(&odt_of(body, styles)).unwrap().text
}

pub(super) fn p(text: &str) -> String {
    format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

pub(super) fn bold_p(bold: &str, plain: &str) -> String {
    format!(
        r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{bold}</w:t></w:r><w:r><w:t xml:space="preserve">{plain}</w:t></w:r></w:p>"#
    )
}

pub(super) fn table(rows: &[&[&str]]) -> String {
    let rows: String = rows
        .iter()
        .map(|row| {
            let cells: String = row
                .iter()
                .map(|c| format!("<w:tc>{}</w:tc>", p(c)))
                .collect();
            format!("<w:tr>{cells}</w:tr>")
        })
        .collect();
    format!("<w:tbl>{rows}</w:tbl>")
}

/// xorshift64*: deterministic pseudo-random numbers for the mutation tests.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

pub(super) fn mutate(rng: &mut Rng, data: &[u8]) -> Vec<u8> {
    let mut data = data.to_vec();
    for _ in 0..=rng.below(3) {
        let len = data.len();
        match rng.below(6) {
            0 => {
                for _ in 0..=rng.below(8) {
                    if len > 0 {
                        let at = rng.below(len);
                        data[at] ^= 1 << rng.below(8);
                    }
                }
            }
            1 => data.truncate(rng.below(len + 1)),
            2 => {
                let at = rng.below(len + 1);
                let insert: Vec<u8> = (0..=rng.below(16)).map(|_| rng.next() as u8).collect();
                data.splice(at..at, insert);
            }
            3 => {
                let at = rng.below(len + 1);
                let end = (at + rng.below(64)).min(len);
                data.drain(at..end);
            }
            4 => {
                let from = rng.below(len + 1);
                let end = (from + rng.below(200)).min(len);
                let chunk = data[from..end].to_vec();
                let at = rng.below(len + 1);
                data.splice(at..at, chunk);
            }
            _ => {
                if len > 0 {
                    let at = rng.below(len);
                    data[at] = [b'<', b'>', b'&', b'/', b'"', 0, 0xFF][rng.below(7)];
                }
            }
        }
    }
    data
}

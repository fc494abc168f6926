//! Styles: which character and paragraph styles are bold, read from a .docx styles part
//! or an .odt content or styles part, with parent styles followed.

use std::collections::HashMap;

use quick_xml::events::BytesStart;

use super::xml::{Handler, attr};

/// Style name to (parent style, bold if the style sets it).
pub(super) type StyleMap = HashMap<String, (Option<String>, Option<bool>)>;

/// The styles that end up bold or not bold once their parents are followed.
pub(super) fn resolve_bold(styles: &StyleMap) -> HashMap<String, bool> {
    let mut resolved = HashMap::new();
    for name in styles.keys() {
        let mut current = name;
        for _ in 0..32 {
            let Some((parent, bold)) = styles.get(current) else {
                break;
            };
            if let Some(bold) = bold {
                resolved.insert(name.clone(), *bold);
                break;
            }
            match parent {
                Some(parent) => current = parent,
                None => break,
            }
        }
    }
    resolved
}

/// `w:b`-style on/off values: absent, `true`, `1`, `on` are on.
pub(super) fn on_off(value: Option<String>) -> bool {
    value.is_none_or(|v| {
        !matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "false" | "0" | "off" | "none"
        )
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum StyleTag {
    Style,
    RPr,
    Other,
}

/// Which word-processor format a style part comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum StyleDialect {
    /// `w:style` in a .docx styles part.
    Docx,
    /// `style:style` in an .odt content or styles part.
    Odt,
}

/// Collects style definitions (parent style and bold) from a styles part.
pub(super) struct StyleCollector<'m> {
    map: &'m mut StyleMap,
    tags: Vec<StyleTag>,
    current: Option<String>,
    dialect: StyleDialect,
}

impl<'m> StyleCollector<'m> {
    pub(super) fn new(map: &'m mut StyleMap, dialect: StyleDialect) -> Self {
        StyleCollector {
            map,
            tags: Vec::new(),
            current: None,
            dialect,
        }
    }

    /// The tag of a .docx element, recording what it says about the current style.
    fn docx_tag(&mut self, name: &str, e: &BytesStart<'_>) -> StyleTag {
        let parent = self.tags.last().copied();
        let grandparent = self.tags.len().checked_sub(2).map(|i| self.tags[i]);
        match name {
            "style" => {
                self.current = attr(e, "styleId");
                if let Some(id) = &self.current {
                    self.map.insert(id.clone(), (None, None));
                }
                StyleTag::Style
            }
            "rPr" => StyleTag::RPr,
            "basedOn" if parent == Some(StyleTag::Style) => {
                if let Some(id) = &self.current
                    && let Some(entry) = self.map.get_mut(id)
                {
                    entry.0 = attr(e, "val");
                }
                StyleTag::Other
            }
            "b" if parent == Some(StyleTag::RPr) && grandparent == Some(StyleTag::Style) => {
                if let Some(id) = &self.current
                    && let Some(entry) = self.map.get_mut(id)
                {
                    entry.1 = Some(on_off(attr(e, "val")));
                }
                StyleTag::Other
            }
            _ => StyleTag::Other,
        }
    }

    /// The tag of an .odt element; `None` where the body starts (no styles after it).
    fn odt_tag(&mut self, name: &str, e: &BytesStart<'_>) -> Option<StyleTag> {
        let parent = self.tags.last().copied();
        Some(match name {
            "style" => {
                self.current = attr(e, "name");
                if let Some(id) = &self.current {
                    self.map
                        .insert(id.clone(), (attr(e, "parent-style-name"), None));
                }
                StyleTag::Style
            }
            "text-properties" if parent == Some(StyleTag::Style) => {
                if let Some(id) = &self.current
                    && let Some(entry) = self.map.get_mut(id)
                    && let Some(weight) = attr(e, "font-weight")
                {
                    entry.1 = odf_bold(&weight);
                }
                StyleTag::Other
            }
            "body" => return None,
            _ => StyleTag::Other,
        })
    }
}

impl Handler for StyleCollector<'_> {
    fn start(&mut self, name: &str, e: &BytesStart<'_>) -> bool {
        let tag = match self.dialect {
            StyleDialect::Docx => self.docx_tag(name, e),
            StyleDialect::Odt => match self.odt_tag(name, e) {
                Some(tag) => tag,
                None => return false,
            },
        };
        self.tags.push(tag);
        true
    }
    fn end(&mut self) {
        if self.tags.pop() == Some(StyleTag::Style) {
            self.current = None;
        }
    }
    fn text(&mut self, _: &str) {}
}

fn odf_bold(weight: &str) -> Option<bool> {
    match weight.trim() {
        "bold" => Some(true),
        "normal" => Some(false),
        n => n.parse::<u32>().ok().map(|n| n >= 600),
    }
}

#[cfg(test)]
mod tests {
    use super::super::read_docx;
    use super::super::test_support::{W, document_xml, paras};
    use crate::zipsafe::zip_of;

    #[test]
    fn bold_from_character_and_paragraph_styles() {
        let styles = format!(
            r#"<w:styles xmlns:w="{W}"><w:style w:type="character" w:styleId="Strong"><w:rPr><w:b/></w:rPr></w:style><w:style w:type="character" w:styleId="Spreker"><w:basedOn w:val="Strong"/></w:style><w:style w:type="paragraph" w:styleId="Kop"><w:rPr><w:b/></w:rPr></w:style></w:styles>"#
        );
        // The third paragraph was in the bold style before a tracked change.
        let body = r#"<w:p><w:r><w:rPr><w:rStyle w:val="Spreker"/></w:rPr><w:t>Kees</w:t></w:r><w:r><w:t xml:space="preserve"> Nee.</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="Kop"/></w:pPr><w:r><w:t>Joke</w:t></w:r><w:r><w:rPr><w:b w:val="false"/></w:rPr><w:t xml:space="preserve"> Ja.</w:t></w:r></w:p><w:p><w:pPr><w:pPrChange w:id="1"><w:pPr><w:pStyle w:val="Kop"/></w:pPr></w:pPrChange></w:pPr><w:r><w:t>Kees</w:t></w:r><w:r><w:rPr><w:b w:val="0"/><w:rPrChange w:id="2"><w:rPr><w:b/></w:rPr></w:rPrChange></w:rPr><w:t xml:space="preserve"> nee</w:t></w:r></w:p>"#;
        let bytes = zip_of(&[
            ("word/document.xml", document_xml(body).as_bytes()),
            ("word/styles.xml", styles.as_bytes()),
        ]);
        assert_eq!(
            read_docx(&bytes).unwrap().text,
            paras(&["Kees: Nee.", "Joke: Ja.", "Kees nee"])
        );
    }
}

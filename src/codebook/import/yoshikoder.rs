//! Yoshikoder `.ykd` dictionaries (and `.lcd` files in the same XML):
//!
//! ```xml
//! <dictionary style="040404" name="Laver and Garry">
//!   <cnode name="Economy">
//!     <cnode name="+State">
//!       <pnode name="accommodation"/>
//!       <pnode name="age*"/>
//!     </cnode>
//!   </cnode>
//! </dictionary>
//! ```
//!
//! `cnode`s are categories (nested to any depth), `pnode`s their patterns.

use super::{Dictionary, Entry};
use crate::refi::xml::{Element, XmlOut, parse};

type Failure = (usize, String);

/// Reads Yoshikoder XML into `dictionary`.
pub fn read(text: &str, dictionary: &mut Dictionary) -> Result<(), Failure> {
    let root = parse(text).map_err(|(line, message)| (line, format!("invalid XML: {message}")))?;
    if root.name != "dictionary" {
        return Err((
            root.line,
            format!(
                "not a Yoshikoder dictionary: the root element is <{}>, not <dictionary>",
                root.name
            ),
        ));
    }
    if let Some(name) = root.attr("name").map(str::trim).filter(|n| !n.is_empty()) {
        dictionary.name = name.to_owned();
    }
    for child in &root.children {
        node(child, &[], dictionary)?;
    }
    if dictionary.categories.is_empty() {
        return Err((root.line, "the dictionary has no <cnode> categories".into()));
    }
    Ok(())
}

fn node(element: &Element, path: &[String], dictionary: &mut Dictionary) -> Result<(), Failure> {
    let name = || {
        element
            .attr("name")
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| (element.line, format!("<{}> without a name", element.name)))
    };
    match element.name.as_str() {
        "cnode" => {
            let mut own = path.to_vec();
            own.push(name()?);
            dictionary.category(&own, element.line);
            for child in &element.children {
                node(child, &own, dictionary)?;
            }
        }
        "pnode" => {
            let text = name()?;
            if path.is_empty() {
                return Err((
                    element.line,
                    format!("pattern {text:?} stands outside any <cnode>"),
                ));
            }
            dictionary.category(path, element.line).entries.push(Entry {
                text,
                line: element.line,
            });
        }
        other => dictionary.note(
            element.line,
            format!("<{other}> is not a Yoshikoder node; left out"),
        ),
    }
    Ok(())
}

/// Writes `dictionary` as Yoshikoder XML.
pub fn write(dictionary: &Dictionary) -> String {
    let mut out = XmlOut::new();
    out.open(
        "dictionary",
        &[("style", "040404"), ("name", &dictionary.name)],
    );
    let mut open: Vec<&String> = Vec::new();
    for category in &dictionary.categories {
        let (parent, name) = category.path.split_at(category.path.len() - 1);
        while open.len() > parent.len() || open.iter().zip(parent).any(|(a, b)| *a != b) {
            open.pop();
            out.close("cnode");
        }
        out.open("cnode", &[("name", &name[0])]);
        open.push(&name[0]);
        for entry in &category.entries {
            out.empty("pnode", &[("name", &entry.text)]);
        }
    }
    for _ in open {
        out.close("cnode");
    }
    out.close("dictionary");
    out.finish()
}

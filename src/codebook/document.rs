//! The codebook as a document for a methods appendix (`thema codebook show --format md|html`):
//! the code tree, then per code its labels, definition, include and exclude criteria,
//! examples, counterexamples and a readable summary of its rules, the defaults the rules
//! fall back on and the language lists. Markdown escapes markup characters; HTML is one
//! self-contained page with every text escaped.

use std::fmt::Write as _;

use super::describe::{Defaults, Facet, code_facets, language_facets, rule_facets};
use super::{Code, Codebook, Rule};

/// A piece of running text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Inline {
    /// Plain text.
    Text(String),
    /// A term, id or pattern, set in code type.
    Code(String),
    /// Emphasised text (a rule's name, a field's name).
    Strong(String),
}

/// A block of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Block {
    /// A heading of level 1 to 3, with an anchor id for HTML.
    Heading(usize, Vec<Inline>, Option<String>),
    /// A paragraph.
    Paragraph(Vec<Inline>),
    /// A bulleted list; the number is the item's depth (0 for the top).
    List(Vec<(usize, Vec<Inline>)>),
}

fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

fn code(s: impl Into<String>) -> Inline {
    Inline::Code(s.into())
}

/// `items` as code, joined by commas.
fn code_list(items: &[String]) -> Vec<Inline> {
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(text(", "));
        }
        out.push(code(item.clone()));
    }
    out
}

/// The paragraphs of a text: blank lines separate them, line breaks inside become spaces.
fn paragraphs(s: &str) -> Vec<String> {
    s.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// The anchor of a code's section.
fn anchor(id: &str) -> String {
    format!("code-{}", id.replace('.', "-"))
}

/// What happens to a match, in words.
fn outcome_words(value: &str) -> Vec<Inline> {
    match value {
        "drop" => vec![text("does not count")],
        "keep" => vec![text("counts")],
        other => vec![text("codes "), code(other), text(" instead")],
    }
}

fn agent_words(value: &str) -> &'static str {
    match value {
        "respondent" => "the respondent",
        "organisation" => "an organisation or its worker",
        "third_party" => "a third party (family, neighbours, friends)",
        _ => "anyone but the respondent",
    }
}

/// One facet of a rule as a clause.
fn facet_clause(facet: &Facet) -> Vec<Inline> {
    let v = &facet.values;
    let first = v.first().cloned().unwrap_or_default();
    let mut out = Vec::new();
    match facet.key.as_str() {
        "terms" => {
            out.push(text(if v.len() == 1 { "the term " } else { "any of " }));
            out.extend(code_list(v));
        }
        "regex" => out.extend([text("the regular expression "), code(first)]),
        "near" => {
            out.push(text("the terms "));
            out.extend(code_list(v));
            out.push(text(" near each other"));
        }
        "within" => out.push(text(format!("at most {first} words apart"))),
        "from" => {
            out.push(text("derived: the turn also has "));
            for (i, entry) in v.iter().enumerate() {
                if i > 0 {
                    out.push(text(" and "));
                }
                for (j, alternative) in entry.split('|').enumerate() {
                    if j > 0 {
                        out.push(text(" or "));
                    }
                    out.push(code(alternative));
                }
            }
        }
        "not_from" => {
            out.push(text("but none of "));
            out.extend(code_list(v));
        }
        "question" => {
            out.push(text("in answer to an interviewer's question with any of "));
            out.extend(code_list(v));
        }
        "answer" => out.push(text(format!("the answer opens with {first:?}"))),
        "cue" => out.push(text(
            "a cue: its matches are no codings of their own, only sources for derived codes",
        )),
        "gap" => out.push(text(match first.as_str() {
            "0" => "the words of a phrase stand together".to_owned(),
            "1" => "up to 1 other word between the words of a phrase".to_owned(),
            n => format!("up to {n} other words between the words of a phrase"),
        })),
        "exclude" => {
            out.push(text("not where the match overlaps "));
            out.extend(code_list(v));
        }
        "unless" => {
            out.push(text("not when its clause also has "));
            out.extend(code_list(v));
        }
        "unless_sentence" => {
            out.push(text("not when its sentence also has "));
            out.extend(code_list(v));
        }
        "negated" => {
            out.push(text("a negated match "));
            out.extend(outcome_words(&first));
        }
        "hypothetical" => {
            out.push(text("a wish or conditional "));
            out.extend(outcome_words(&first));
        }
        "third_party" => {
            out.push(text("a match in a third party's story "));
            out.extend(outcome_words(&first));
        }
        "sarcastic" => {
            out.push(text("a match in a sarcastic sentence "));
            out.extend(outcome_words(&first));
        }
        "agent" => out.push(text(format!(
            "only when {} acts in the clause",
            agent_words(&first)
        ))),
        "window" => out.push(text(format!("context looked for within {first} words"))),
        "language" => out.extend([text("only in segments in "), code(first)]),
        "role" => out.push(text(format!("only in {first} turns"))),
        "speaker" => out.extend([text("only in turns of speaker "), code(first)]),
        other => {
            out.extend([code(other), text(" = ")]);
            out.extend(code_list(v));
        }
    }
    out
}

/// A rule in words: its name, then its facets as clauses.
fn rule_summary(rule: &Rule, defaults: &Defaults) -> Vec<Inline> {
    let mut out = vec![code(rule.name.clone()), text(": ")];
    let facets = rule_facets(rule, defaults);
    if facets.is_empty() {
        out.push(text("an answer rule without terms"));
    }
    for (i, facet) in facets.iter().enumerate() {
        if i > 0 {
            out.push(text("; "));
        }
        out.extend(facet_clause(facet));
    }
    out.push(text("."));
    out
}

/// A field: its name in bold, then the text.
fn field(name: &str, value: Vec<Inline>) -> Block {
    let mut inlines = vec![Inline::Strong(format!("{name}."))];
    if !value.is_empty() {
        inlines.push(text(" "));
    }
    inlines.extend(value);
    Block::Paragraph(inlines)
}

fn code_blocks(code_: &Code, labels: &str, defaults: &Defaults, out: &mut Vec<Block>) {
    out.push(Block::Heading(
        3,
        vec![
            code(code_.id.clone()),
            text(format!(" {}", code_.label(labels))),
        ],
        Some(anchor(&code_.id)),
    ));
    let facets = code_facets(code_);
    let labels_written: Vec<String> = code_
        .labels
        .iter()
        .map(|(language, label)| format!("{label} ({language})"))
        .collect();
    if !labels_written.is_empty() {
        out.push(field("Labels", vec![text(labels_written.join("; "))]));
    }
    for facet in &facets {
        let name = match facet.key.as_str() {
            "description" => "Definition",
            "include" => "Include",
            "exclude" => "Exclude",
            _ => continue,
        };
        for (i, paragraph) in paragraphs(&facet.joined()).into_iter().enumerate() {
            out.push(if i == 0 {
                field(name, vec![text(paragraph)])
            } else {
                Block::Paragraph(vec![text(paragraph)])
            });
        }
    }
    if let Some(color) = &code_.color {
        out.push(field("Colour", vec![code(color.clone())]));
    }
    if code_.exclusive {
        out.push(field(
            "Exclusive",
            vec![text("its child codes exclude each other")],
        ));
    }
    for (name, items) in [
        ("Examples", &code_.examples),
        ("Counterexamples", &code_.counterexamples),
    ] {
        if !items.is_empty() {
            out.push(field(name, Vec::new()));
            out.push(Block::List(
                items
                    .iter()
                    .map(|item| {
                        (
                            0,
                            vec![text(item.split_whitespace().collect::<Vec<_>>().join(" "))],
                        )
                    })
                    .collect(),
            ));
        }
    }
    if !code_.rules.is_empty() {
        out.push(field(
            "Rules",
            vec![text(format!(
                "{} (a segment gets the code when any rule matches)",
                code_.rules.len()
            ))],
        ));
        out.push(Block::List(
            code_
                .rules
                .iter()
                .map(|r| (0, rule_summary(r, defaults)))
                .collect(),
        ));
    }
}

/// The document's blocks.
fn blocks(codebook: &Codebook, source: &str, labels: &str) -> Vec<Block> {
    let defaults = Defaults::from_source(source);
    let mut title = vec![text(codebook.name.clone())];
    if !codebook.version.is_empty() {
        title.push(text(format!(" {}", codebook.version)));
    }
    let mut out = vec![Block::Heading(1, title, None)];
    for paragraph in paragraphs(&codebook.description) {
        out.push(Block::Paragraph(vec![text(paragraph)]));
    }
    let rules: usize = codebook.codes.iter().map(|c| c.rules.len()).sum();
    out.push(Block::Paragraph(vec![
        text(format!(
            "{} codes, {rules} rules. Codebook file: ",
            codebook.codes.len()
        )),
        code(codebook.path.display().to_string()),
        text("."),
    ]));
    out.push(Block::Heading(2, vec![text("Code tree")], None));
    out.push(Block::List(
        codebook
            .tree_order()
            .into_iter()
            .map(|c| {
                (
                    c.depth() - 1,
                    vec![code(c.id.clone()), text(format!(" {}", c.label(labels)))],
                )
            })
            .collect(),
    ));
    out.push(Block::Heading(
        2,
        vec![text("How the rules read a segment")],
        None,
    ));
    let mut conventions = vec![text(
        "A rule codes a segment of respondent speech when its terms occur in it. Unless a rule says otherwise, ",
    )];
    for (i, facet) in defaults.facets().iter().enumerate() {
        if i > 0 {
            conventions.push(text("; "));
        }
        conventions.extend(facet_clause(facet));
    }
    conventions.push(text(if defaults.written.is_empty() {
        " (thema's defaults)."
    } else {
        " (the codebook's [defaults], thema's own for what it leaves out)."
    }));
    out.push(Block::Paragraph(conventions));
    out.push(Block::Heading(2, vec![text("Codes")], None));
    for c in codebook.tree_order() {
        code_blocks(c, labels, &defaults, &mut out);
    }
    if !codebook.languages.is_empty() {
        out.push(Block::Heading(2, vec![text("Language lists")], None));
        out.push(Block::Paragraph(vec![text(
            "The words the engine reads context with, per language: negators, clause breaks, wishes and conditionals, who acts, third parties, sarcasm and answers.",
        )]));
        for (language, lists) in &codebook.languages {
            out.push(Block::Heading(3, vec![code(language.clone())], None));
            out.push(Block::List(
                language_facets(lists)
                    .iter()
                    .map(|facet| {
                        let mut item = vec![code(facet.key.clone()), text(": ")];
                        item.extend(code_list(&facet.values));
                        (0, item)
                    })
                    .collect(),
            ));
        }
    }
    out
}

/// The codebook as Markdown; `source` is its TOML (for `[defaults]`), `labels` the language
/// of the labels in headings.
pub fn markdown(codebook: &Codebook, source: &str, labels: &str) -> String {
    let mut out = String::new();
    for block in blocks(codebook, source, labels) {
        match block {
            Block::Heading(level, inlines, _) => {
                let _ = writeln!(out, "{} {}\n", "#".repeat(level), md_inlines(&inlines));
            }
            Block::Paragraph(inlines) => {
                let _ = writeln!(out, "{}\n", md_inlines(&inlines));
            }
            Block::List(items) => {
                for (depth, inlines) in items {
                    let _ = writeln!(out, "{}- {}", "  ".repeat(depth), md_inlines(&inlines));
                }
                out.push('\n');
            }
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn md_inlines(inlines: &[Inline]) -> String {
    let mut out = String::new();
    if let Some(Inline::Text(first)) = inlines.first()
        && (first.starts_with('#') || first.starts_with(['-', '+', '=']))
    {
        // Would read as a heading, list item or underline at the start of a line.
        out.push('\\');
    }
    for inline in inlines {
        match inline {
            Inline::Text(s) => out.push_str(&md_escape(s)),
            Inline::Strong(s) => {
                let _ = write!(out, "**{}**", md_escape(s));
            }
            Inline::Code(s) => {
                let fence = if s.contains('`') { "``" } else { "`" };
                let pad = if s.starts_with('`') || s.ends_with('`') {
                    " "
                } else {
                    ""
                };
                let _ = write!(out, "{fence}{pad}{s}{pad}{fence}");
            }
        }
    }
    out
}

/// Text with Markdown's markup characters escaped, so a definition reads as written.
fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `s` escaped for HTML text and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html_inlines(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(s) => out.push_str(&html_escape(s)),
            Inline::Strong(s) => {
                let _ = write!(out, "<strong>{}</strong>", html_escape(s));
            }
            Inline::Code(s) => {
                let _ = write!(out, "<code>{}</code>", html_escape(s));
            }
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}\
h1{font-size:1.8rem}h2{margin-top:2.5rem;border-bottom:1px solid #ddd}h3{margin-top:2rem}\
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;background:#f3f3f3;padding:0 .2em;border-radius:3px;overflow-wrap:anywhere}\
ul ul{margin:0}li{margin:.15rem 0}@media print{body{max-width:none}h3{break-after:avoid}}";

/// The codebook as one self-contained HTML page (no scripts, no external resources).
pub fn html(codebook: &Codebook, source: &str, labels: &str) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    );
    let _ = writeln!(
        out,
        "<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        html_escape(&codebook.name)
    );
    for block in blocks(codebook, source, labels) {
        match block {
            Block::Heading(level, inlines, id) => {
                let id = id
                    .map(|id| format!(" id=\"{}\"", html_escape(&id)))
                    .unwrap_or_default();
                let _ = writeln!(out, "<h{level}{id}>{}</h{level}>", html_inlines(&inlines));
            }
            Block::Paragraph(inlines) => {
                let _ = writeln!(out, "<p>{}</p>", html_inlines(&inlines));
            }
            Block::List(items) => html_list(&items, &mut out),
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// A nested list from items with depths.
fn html_list(items: &[(usize, Vec<Inline>)], out: &mut String) {
    let mut open = 0;
    for (i, (depth, inlines)) in items.iter().enumerate() {
        let depth = depth + 1;
        if depth > open {
            for _ in open..depth {
                out.push_str("<ul>\n<li>");
            }
        } else {
            out.push_str("</li>\n");
            for _ in depth..open {
                out.push_str("</ul>\n</li>\n");
            }
            out.push_str("<li>");
        }
        open = depth;
        out.push_str(&html_inlines(inlines));
        if i + 1 == items.len() {
            out.push_str("</li>\n");
            for _ in 1..open {
                out.push_str("</ul>\n</li>\n");
            }
            out.push_str("</ul>\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const SOURCE: &str = "[codebook]\nname = \"A <b>&amp; 'test'\"\n[[codes]]\nid = \"a\"\nlabel = \"Top *level*\"\ndescription = \"First.\\n\\nSecond <i>x</i>.\"\n[[codes]]\nid = \"a.b\"\nexamples = ['<script>alert(1)</script>']\n[[codes.rules]]\nname = 'r'\nterms = ['bel*']\nnegated = 'a'\n[[codes]]\nid = \"c\"\n";

    #[test]
    fn html_escapes_every_text_and_nests_the_tree() {
        let cb = Codebook::from_source(Path::new("cb.toml"), SOURCE).unwrap();
        let page = html(&cb, SOURCE, "en");
        assert!(page.contains("<title>A &lt;b&gt;&amp;amp; &#39;test&#39;</title>"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!page.contains("<script"));
        assert!(!page.contains("<i>"));
        assert!(page.contains("<h3 id=\"code-a-b\">"));
        assert!(page.contains("a negated match codes <code>a</code> instead"));
        let start = page.find("<h2>Code tree</h2>").unwrap();
        let end = page.find("<h2>How the rules").unwrap();
        let tree = &page[start..end];
        assert_eq!(
            tree.matches("<ul>").count(),
            tree.matches("</ul>").count(),
            "{tree}"
        );
        assert_eq!(tree.matches("<li>").count(), 3, "{tree}");
        assert_eq!(
            tree.matches("<li>").count(),
            tree.matches("</li>").count(),
            "{tree}"
        );
    }

    #[test]
    fn markdown_escapes_markup_and_keeps_paragraphs() {
        let cb = Codebook::from_source(Path::new("cb.toml"), SOURCE).unwrap();
        let md = markdown(&cb, SOURCE, "en");
        assert!(md.contains("### `a` Top \\*level\\*\n"), "{md}");
        assert!(
            md.contains("**Definition.** First.\n\nSecond \\<i\\>x\\</i\\>.\n"),
            "{md}"
        );
        assert!(
            md.contains("- `r`: the term `bel*`; a negated match codes `a` instead."),
            "{md}"
        );
        assert!(
            md.contains("- `a` Top \\*level\\*\n  - `a.b` a.b\n- `c` c\n"),
            "{md}"
        );
    }
}

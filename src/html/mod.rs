//! The shareable report: one self-contained HTML file (inline CSS and SVG, no scripts, no
//! network requests) and its Excel sibling, built from the analyses on the coded corpus:
//! frequencies, the cohort comparison, co-occurrence, quotes and the codebook.
//!
//! All text goes through the template engine's HTML escaping; the charts are SVG written by
//! [`charts`], which escapes its text itself.

pub mod charts;
pub mod png;
pub mod provenance;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::CodedCorpus;
use crate::analysis::compare::{CompareOptions, DEFAULT_SEED, compare};
use crate::analysis::cooccur::Cooccurrence;
use crate::analysis::frames::Unit;
use crate::analysis::quotes::{QuoteQuery, find_quotes, quotes_table, runs, spread};
use crate::analysis::report::{frequencies, group_documents};
use crate::analysis::selection::CodeSelection;
use crate::analysis::tables::codebook_table;
use crate::codebook::Code;
use crate::output::{Table, Value};
use crate::{Error, Result};
use charts::{Bar, BarChart, BarRow};
use provenance::Provenance;

/// The template, with its inline CSS.
const TEMPLATE: &str = include_str!("report.html");

/// q-values below this mark a comparison row as significant.
pub const SIGNIFICANT_Q: f64 = 0.05;

/// What the report shows.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The document attribute whose values are the cohorts.
    pub by: Option<String>,
    /// The report's title (default: the codebook's name).
    pub title: Option<String>,
    /// Quotes per code.
    pub quotes: usize,
    /// Language of the code labels.
    pub language: String,
    /// The codes shown (`--codes`, `--level`).
    pub selection: CodeSelection,
    /// Where the codings come from, as shown in the summary.
    pub source: String,
}

/// The report in both forms.
#[derive(Debug)]
pub struct Report {
    /// The HTML page.
    pub html: String,
    /// The Excel sheets: frequencies, comparison (with cohorts), co-occurrence, quotes,
    /// codebook.
    pub sheets: Vec<(String, Table)>,
}

#[derive(Serialize)]
struct Page {
    title: String,
    language: String,
    summary: Summary,
    themes: Vec<Theme>,
    heat_map: String,
    comparison: Option<ComparisonView>,
    codes: Vec<CodeView>,
    provenance: Provenance,
}

#[derive(Serialize)]
struct Summary {
    documents: u64,
    segments: u64,
    coded_segments: u64,
    coded_share: String,
    codebook_name: String,
    codebook_version: String,
    source: String,
    by: Option<String>,
    groups: Vec<(String, u64)>,
}

#[derive(Serialize)]
struct Theme {
    id: String,
    label: String,
    description: String,
    svg: String,
}

#[derive(Serialize)]
struct Cell {
    text: String,
    numeric: bool,
}

#[derive(Serialize)]
struct ComparisonRow {
    code: String,
    label: String,
    cells: Vec<Cell>,
    significant: bool,
}

#[derive(Serialize)]
struct ComparisonView {
    by: String,
    headers: Vec<String>,
    rows: Vec<ComparisonRow>,
    significant: usize,
    warnings: Vec<String>,
    two_groups: bool,
}

#[derive(Serialize)]
struct Run {
    text: String,
    mark: bool,
}

#[derive(Serialize)]
struct QuoteView {
    runs: Vec<Run>,
    document: String,
    group: Option<String>,
    speaker: String,
    turn: usize,
    timestamp: Option<String>,
}

#[derive(Serialize)]
struct CodeView {
    id: String,
    anchor: String,
    label: String,
    depth: usize,
    description: String,
    include: String,
    exclude: String,
    color: Option<String>,
    parent: bool,
    found: usize,
    quotes: Vec<QuoteView>,
}

/// Builds the report from the analyses of `corpus`.
pub fn build(
    corpus: &CodedCorpus<'_>,
    options: &ReportOptions,
    provenance: Provenance,
) -> Result<Report> {
    let language = options.language.as_str();
    let by = options.by.as_deref();
    let selection = &options.selection;
    let table = frequencies(corpus, by, language, selection)?;
    let groups: Vec<String> = group_documents(corpus, by)?.into_keys().collect();
    let counts = Counts::new(&table, &groups)?;
    let codebook = corpus.codebook;
    let tree: Vec<&Code> = codebook
        .tree_order()
        .into_iter()
        .filter(|c| selection.includes(&c.id))
        .collect();

    let summary = Summary {
        documents: counts.documents("(all)", None),
        segments: counts.segments("(all)"),
        coded_segments: counts.segments("(coded)"),
        coded_share: share(counts.segments("(coded)"), counts.segments("(all)")),
        codebook_name: codebook.name.clone(),
        codebook_version: codebook.version.clone(),
        source: options.source.clone(),
        by: options.by.clone(),
        groups: groups
            .iter()
            .map(|g| (g.clone(), counts.documents("(all)", Some(g))))
            .collect(),
    };

    let themes = codebook
        .tree_order()
        .into_iter()
        .filter(|theme| {
            theme.depth() == 1
                && tree
                    .iter()
                    .any(|c| crate::codebook::Codebook::is_within(&c.id, &theme.id))
        })
        .map(|theme| {
            let chart = theme_chart(theme, &tree, &groups, &counts, language);
            Theme {
                id: theme.id.clone(),
                label: theme.label(language).to_owned(),
                description: theme.description.clone(),
                svg: charts::bar_chart(&chart, false),
            }
        })
        .collect();

    let cooccurrence = Cooccurrence::new(corpus, selection, Unit::Segment)?;
    let leaves: Vec<(String, String)> = tree
        .iter()
        .filter(|c| !has_children(c, &tree))
        .map(|c| (c.id.clone(), c.label(language).to_owned()))
        .collect();
    let heat_map = charts::heat_map(&cooccurrence, &leaves, "segment", false);

    let (comparison, comparison_table) = match by {
        Some(by) if groups.len() > 1 => {
            let (view, table) = comparison_view(corpus, by, language, selection)?;
            (Some(view), Some(table))
        }
        _ => (None, None),
    };

    let group_of = |d: &crate::corpus::Document| {
        by.map(|a| {
            d.attributes
                .get(a)
                .cloned()
                .unwrap_or_else(|| crate::analysis::report::MISSING.to_owned())
        })
        .unwrap_or_default()
    };
    let mut codes = Vec::new();
    let mut quote_rows: Vec<(String, Table)> = Vec::new();
    for code in &tree {
        let parent = has_children(code, &tree);
        let query = QuoteQuery {
            codes: vec![code.id.clone()],
            ..QuoteQuery::default()
        };
        let mut found = find_quotes(corpus, &query)?;
        if parent {
            found.retain(|q| q.codes.contains(&code.id));
        }
        let total = found.len();
        let chosen = spread(found, options.quotes, &group_of);
        quote_rows.push((code.id.clone(), quotes_table(&chosen)));
        codes.push(CodeView {
            id: code.id.clone(),
            anchor: anchor(&code.id),
            label: code.label(language).to_owned(),
            depth: code.depth(),
            description: code.description.clone(),
            include: code.include.clone(),
            exclude: code.exclude.clone(),
            color: charts::valid_color(code.color.as_deref()).map(str::to_owned),
            parent,
            found: total,
            quotes: chosen
                .iter()
                .map(|q| QuoteView {
                    runs: runs(&q.text, &q.highlights)
                        .into_iter()
                        .map(|(text, mark)| Run { text, mark })
                        .collect(),
                    document: q.document.id.clone(),
                    group: by.map(|_| group_of(q.document)),
                    speaker: q.segment.speaker.clone(),
                    turn: q.segment.turn,
                    timestamp: q.segment.timestamp.clone(),
                })
                .collect(),
        });
    }

    let page = Page {
        title: options
            .title
            .clone()
            .unwrap_or_else(|| format!("{}: coding report", codebook.name)),
        language: options.language.clone(),
        summary,
        themes,
        heat_map,
        comparison,
        codes,
        provenance,
    };
    let html = render(&page)?;

    let mut sheets = vec![("frequencies".to_owned(), table)];
    if let Some(table) = comparison_table {
        sheets.push(("comparison".to_owned(), table));
    }
    sheets.push(("co-occurrence".to_owned(), cooccurrence.long()));
    sheets.push(("quotes".to_owned(), merge_quotes(quote_rows)));
    sheets.push(("codebook".to_owned(), codebook_table(codebook, language)));
    Ok(Report { html, sheets })
}

/// The page through the template, HTML-escaping every value.
fn render(page: &Page) -> Result<String> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    let fail = |e: minijinja::Error| Error::Usage(format!("the HTML report failed: {e}"));
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .map_err(fail)?,
    );
    env.add_template("report.html", TEMPLATE).map_err(fail)?;
    let template = env.get_template("report.html").map_err(fail)?;
    template.render(minijinja::value::Serde(page)).map_err(fail)
}

/// Per code and group, the counts of the frequency table.
struct Counts<'t> {
    table: &'t Table,
    rows: BTreeMap<String, usize>,
    documents: usize,
    segments: usize,
    group_documents: BTreeMap<String, usize>,
}

impl<'t> Counts<'t> {
    fn new(table: &'t Table, groups: &[String]) -> Result<Counts<'t>> {
        let column = |name: &str| {
            table
                .column(name)
                .ok_or_else(|| Error::Usage(format!("the frequency table has no column `{name}`")))
        };
        let code = column("code")?;
        let mut group_documents = BTreeMap::new();
        for g in groups {
            group_documents.insert(g.clone(), column(&format!("{g} docs"))?);
        }
        Ok(Counts {
            table,
            rows: table
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| (r[code].render(), i))
                .collect(),
            documents: column("documents")?,
            segments: column("segments")?,
            group_documents,
        })
    }

    fn value(&self, code: &str, column: usize) -> u64 {
        self.rows
            .get(code)
            .and_then(|&r| match self.table.rows[r][column] {
                Value::Int(n) => u64::try_from(n).ok(),
                _ => None,
            })
            .unwrap_or(0)
    }

    /// Documents with `code` (a code id or a totals row), overall or in `group`.
    fn documents(&self, code: &str, group: Option<&str>) -> u64 {
        let column = match group {
            Some(g) => self
                .group_documents
                .get(g)
                .copied()
                .unwrap_or(self.documents),
            None => self.documents,
        };
        self.value(code, column)
    }

    fn segments(&self, code: &str) -> u64 {
        self.value(code, self.segments)
    }
}

fn has_children(code: &Code, tree: &[&Code]) -> bool {
    tree.iter().any(|c| c.parent() == Some(code.id.as_str()))
}

/// The bar chart of a top-level theme: its descendants (or the theme itself when it has
/// none), one bar per group.
fn theme_chart(
    theme: &Code,
    tree: &[&Code],
    groups: &[String],
    counts: &Counts<'_>,
    language: &str,
) -> BarChart {
    let members: Vec<&&Code> = tree
        .iter()
        .filter(|c| c.id != theme.id && crate::codebook::Codebook::is_within(&c.id, &theme.id))
        .collect();
    let members: Vec<&Code> = if members.is_empty() {
        vec![theme]
    } else {
        members.into_iter().copied().collect()
    };
    chart_of(
        &format!("{}: % of respondents per code", theme.label(language)),
        &members,
        groups,
        counts,
        language,
        theme.depth() + 1,
    )
}

/// A bar chart of `codes`, indented below `base_depth`.
fn chart_of(
    title: &str,
    codes: &[&Code],
    groups: &[String],
    counts: &Counts<'_>,
    language: &str,
    base_depth: usize,
) -> BarChart {
    let rows = codes
        .iter()
        .map(|code| BarRow {
            code: code.id.clone(),
            label: code.label(language).to_owned(),
            indent: code.depth().saturating_sub(base_depth),
            color: charts::valid_color(code.color.as_deref()).map(str::to_owned),
            bars: bars(&code.id, groups, counts),
            heading: false,
        })
        .collect();
    BarChart {
        title: title.to_owned(),
        groups: if groups.is_empty() {
            vec!["all".to_owned()]
        } else {
            groups.to_vec()
        },
        rows,
    }
}

fn bars(code: &str, groups: &[String], counts: &Counts<'_>) -> Vec<Bar> {
    if groups.is_empty() {
        return vec![Bar {
            group: "all".to_owned(),
            n: counts.documents(code, None),
            total: counts.documents("(all)", None),
        }];
    }
    groups
        .iter()
        .map(|g| Bar {
            group: g.clone(),
            n: counts.documents(code, Some(g)),
            total: counts.documents("(all)", Some(g)),
        })
        .collect()
}

/// The frequencies of every code as one chart, theme headings between (for `thema chart`).
pub fn frequency_chart(
    corpus: &CodedCorpus<'_>,
    by: Option<&str>,
    selection: &CodeSelection,
    language: &str,
) -> Result<BarChart> {
    let table = frequencies(corpus, by, language, &CodeSelection::default())?;
    let groups: Vec<String> = group_documents(corpus, by)?.into_keys().collect();
    let counts = Counts::new(&table, &groups)?;
    let tree = corpus.codebook.tree_order();
    let mut chart = chart_of(
        "% of respondents per code",
        &[],
        &groups,
        &counts,
        language,
        1,
    );
    for code in tree.iter().filter(|c| selection.includes(&c.id)) {
        let heading = code.depth() == 1 && has_children(code, &tree);
        let mut row = chart_of("", &[code], &groups, &counts, language, 2)
            .rows
            .remove(0);
        row.heading = heading;
        chart.rows.push(row);
    }
    Ok(chart)
}

/// The cohort comparison of documents, as shown and as a table.
fn comparison_view(
    corpus: &CodedCorpus<'_>,
    by: &str,
    language: &str,
    selection: &CodeSelection,
) -> Result<(ComparisonView, Table)> {
    let comparison = compare(
        corpus,
        &CompareOptions {
            by: by.to_owned(),
            unit: Unit::Document,
            drop_missing: false,
            sort_by_q: false,
            seed: DEFAULT_SEED,
            selection: selection.clone(),
            language: language.to_owned(),
            reference: None,
        },
    )?;
    let table = comparison.table;
    let column = |name: &str| table.column(name);
    let text = |row: &[Value], i: Option<usize>| i.map(|i| short(&row[i])).unwrap_or_default();
    let mut headers: Vec<String> = Vec::new();
    let mut group_columns: Vec<(usize, usize)> = Vec::new();
    for (i, h) in table.headers.iter().enumerate() {
        if i > 0 && h.ends_with(" %") && table.headers[i - 1].contains(" n (of ") {
            group_columns.push((i - 1, i));
            headers.push(table.headers[i - 1].clone());
        }
    }
    let difference = table
        .headers
        .iter()
        .position(|h| h.starts_with("difference"));
    let named = ["test", "p", "q", "cramers_v"].map(column);
    headers.extend(["test", "p", "q", "Cramér's V"].map(str::to_owned));
    if let Some(d) = difference {
        headers.push(
            table.headers[d]
                .replacen(" (", ", points (", 1)
                .replace(", points)", ")"),
        );
        headers.push("odds ratio [95% CI]".to_owned());
    }
    let (code_column, label_column, q) = (column("code"), column("label"), column("q"));
    let (odds, low, high) = (
        column("odds_ratio"),
        column("or_ci_low"),
        column("or_ci_high"),
    );
    let rows: Vec<ComparisonRow> = table
        .rows
        .iter()
        .map(|row| {
            let mut cells: Vec<Cell> = group_columns
                .iter()
                .map(|&(n, pct)| Cell {
                    text: format!("{} ({}%)", row[n].render(), row[pct].render()),
                    numeric: true,
                })
                .collect();
            cells.extend(named.iter().enumerate().map(|(k, &i)| Cell {
                text: text(row, i),
                numeric: k > 0,
            }));
            if let Some(d) = difference {
                cells.push(Cell {
                    text: short(&row[d]),
                    numeric: true,
                });
                let ratio = text(row, odds);
                cells.push(Cell {
                    text: if ratio.is_empty() {
                        ratio
                    } else {
                        format!("{ratio} [{}, {}]", text(row, low), text(row, high))
                    },
                    numeric: true,
                });
            }
            ComparisonRow {
                code: text(row, code_column),
                label: text(row, label_column),
                cells,
                significant: q
                    .is_some_and(|i| matches!(row[i], Value::Float(q, _) if q < SIGNIFICANT_Q)),
            }
        })
        .collect();
    let view = ComparisonView {
        by: by.to_owned(),
        headers,
        significant: rows.iter().filter(|r| r.significant).count(),
        rows,
        warnings: comparison.warnings,
        two_groups: difference.is_some(),
    };
    Ok((view, table))
}

/// A number with at most three decimals (p-values under 0.001 as `<0.001`), as shown in
/// the report; text as it is.
fn short(value: &Value) -> String {
    match value {
        Value::Float(f, decimals) if *decimals > 3 && *f > 0.0 && *f < 0.0005 => {
            "<0.001".to_owned()
        }
        Value::Float(f, decimals) if *decimals > 3 => format!("{f:.3}"),
        other => other.render(),
    }
}

/// The quotes of every code in one table, a `code` column first.
fn merge_quotes(per_code: Vec<(String, Table)>) -> Table {
    let mut headers = vec!["code".to_owned()];
    let mut columns: Vec<String> = Vec::new();
    for (_, t) in &per_code {
        for h in &t.headers {
            if !columns.contains(h) {
                columns.push(h.clone());
            }
        }
    }
    headers.extend(columns.iter().cloned());
    let mut merged = Table::new(headers);
    for (code, t) in per_code {
        for row in &t.rows {
            let mut out: Vec<Value> = vec![code.clone().into()];
            out.extend(columns.iter().map(|c| {
                t.column(c)
                    .map_or(Value::Text(String::new()), |i| row[i].clone())
            }));
            merged.rows.push(out);
        }
    }
    merged
}

/// An HTML id for a code.
fn anchor(id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("code-{safe}")
}

fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        "0.0%".to_owned()
    } else {
        format!("{:.1}%", 100.0 * part as f64 / whole as f64)
    }
}

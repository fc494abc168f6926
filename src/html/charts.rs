//! Hand-written SVG charts: horizontal bars of the share of respondents per code (grouped per
//! cohort), and a code × code co-occurrence heat map. Every piece of text is XML-escaped
//! (quotes too, in text as in attributes);
//! counts are on hover (`<title>`) and printed beside the bars.

use std::fmt::Write as _;

use crate::analysis::cooccur::Cooccurrence;
use crate::refi::xml::escape_attr;

/// The Okabe–Ito palette (safe for the common colour-vision deficiencies), black last.
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];

/// Fonts named in standalone SVG files (the HTML report sets its own).
const FONTS: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

/// A colour for the `i`-th group.
pub fn group_color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// `color` when it is a `#rrggbb` colour, else `None`.
pub fn valid_color(color: Option<&str>) -> Option<&str> {
    color.filter(|c| {
        c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|h| h.is_ascii_hexdigit())
    })
}

/// One bar: `n` of `total` respondents in a group.
#[derive(Debug, Clone)]
pub struct Bar {
    /// The group (cohort) name, or `all`.
    pub group: String,
    /// Respondents (documents) with the code.
    pub n: u64,
    /// Respondents in the group.
    pub total: u64,
}

impl Bar {
    /// The share in percent.
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            100.0 * self.n as f64 / self.total as f64
        }
    }
}

/// The bars of one code.
#[derive(Debug, Clone)]
pub struct BarRow {
    /// The code id.
    pub code: String,
    /// Its label.
    pub label: String,
    /// Indentation level below the chart's theme (0 for its children).
    pub indent: usize,
    /// The code's colour from the codebook, if valid.
    pub color: Option<String>,
    /// One bar per group.
    pub bars: Vec<Bar>,
    /// A theme heading row (no bars) in charts that hold several themes.
    pub heading: bool,
}

/// A bar chart of several codes.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// What the chart shows (the `<title>` of the whole chart).
    pub title: String,
    /// The groups, in bar order (one group `all` without `--by`).
    pub groups: Vec<String>,
    /// The codes.
    pub rows: Vec<BarRow>,
}

const BAR_H: usize = 13;
const BAR_GAP: usize = 3;
const ROW_GAP: usize = 9;
const BAR_X: usize = 280;
const BAR_W: usize = 350;
const CHART_W: usize = 760;
const MAX_LABEL: usize = 42;

/// The chart as SVG; `standalone` adds the XML namespace and fonts for a file of its own.
pub fn bar_chart(chart: &BarChart, standalone: bool) -> String {
    let grouped = chart.groups.len() > 1;
    let legend_h = if grouped { 24 } else { 0 };
    let axis_y = legend_h + 14;
    let mut y = axis_y + 8;
    let mut body = String::new();
    for row in &chart.rows {
        if row.heading {
            let _ = write!(
                body,
                r#"<text class="heading" x="0" y="{}" font-weight="bold">{}</text>"#,
                y + 12,
                escape_attr(&row.label)
            );
            y += 20;
            continue;
        }
        let height = row.bars.len().max(1) * (BAR_H + BAR_GAP) - BAR_GAP;
        let indent = row.indent * 12;
        let label_y = y + height / 2 + 4;
        let _ = write!(
            body,
            r#"<g class="code" data-code="{}">"#,
            escape_attr(&row.code)
        );
        let _ = write!(
            body,
            r#"<title>{} ({})</title>"#,
            escape_attr(&row.label),
            escape_attr(&row.code)
        );
        if let Some(color) = row.color.as_deref().filter(|_| grouped) {
            let _ = write!(
                body,
                r#"<rect x="{indent}" y="{}" width="8" height="8" fill="{}"/>"#,
                label_y - 8,
                escape_attr(color)
            );
        }
        let label_x = indent
            + if grouped && row.color.is_some() {
                12
            } else {
                0
            };
        let _ = write!(
            body,
            r#"<text x="{label_x}" y="{label_y}">{}</text>"#,
            escape_attr(&crate::output::shorten(
                &row.label,
                MAX_LABEL - row.indent * 2
            ))
        );
        for (i, bar) in row.bars.iter().enumerate() {
            let top = y + i * (BAR_H + BAR_GAP);
            let width = bar.percent() / 100.0 * BAR_W as f64;
            let fill = if grouped {
                group_color(i)
            } else {
                row.color.as_deref().unwrap_or(PALETTE[0])
            };
            let who = if grouped {
                format!("{}: ", bar.group)
            } else {
                String::new()
            };
            let _ = write!(
                body,
                r#"<rect class="bar" data-code="{}" data-group="{}" data-n="{}" data-total="{}" x="{BAR_X}" y="{top}" width="{width:.1}" height="{BAR_H}" fill="{}"><title>{}{}{}{} of {} respondents ({:.1}%)</title></rect>"#,
                escape_attr(&row.code),
                escape_attr(&bar.group),
                bar.n,
                bar.total,
                escape_attr(fill),
                escape_attr(&row.label),
                if who.is_empty() { "" } else { " — " },
                escape_attr(&who),
                bar.n,
                bar.total,
                bar.percent()
            );
            let _ = write!(
                body,
                r#"<text class="count" x="{:.1}" y="{}">{} of {} · {:.0}%</text>"#,
                BAR_X as f64 + width + 5.0,
                top + BAR_H - 2,
                bar.n,
                bar.total,
                bar.percent()
            );
        }
        body.push_str("</g>");
        y += height + ROW_GAP;
    }
    let height = y + 4;
    let mut svg = open_svg(CHART_W, height, &chart.title, standalone);
    if grouped {
        let mut x = 0;
        for (i, group) in chart.groups.iter().enumerate() {
            let _ = write!(
                svg,
                r#"<rect x="{x}" y="4" width="12" height="12" fill="{}"/><text x="{}" y="14">{}</text>"#,
                group_color(i),
                x + 16,
                escape_attr(group)
            );
            x += 28 + 7 * group.chars().count().min(30);
        }
    }
    for tick in [0, 25, 50, 75, 100] {
        let x = BAR_X + BAR_W * tick / 100;
        let _ = write!(
            svg,
            r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#d0d0d0" stroke-width="1"/><text class="axis" x="{x}" y="{axis_y}" text-anchor="middle">{tick}%</text>"##,
            axis_y + 4,
            height - 4
        );
    }
    let _ = write!(
        svg,
        r#"<text class="axis" x="{}" y="{axis_y}" text-anchor="end">% of respondents</text>"#,
        BAR_X - 16
    );
    svg.push_str(&body);
    svg.push_str("</svg>");
    svg
}

/// The `<svg>` start tag with a `<title>` and a white background.
fn open_svg(width: usize, height: usize, title: &str, standalone: bool) -> String {
    let mut svg = String::new();
    if standalone {
        let _ = write!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="{FONTS}" font-size="12">"#
        );
    } else {
        let _ = write!(
            svg,
            r#"<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" font-size="12">"#
        );
    }
    let _ = write!(
        svg,
        r#"<title>{}</title><rect width="{width}" height="{height}" fill="white"/>"#,
        escape_attr(title)
    );
    svg
}

/// ColorBrewer's sequential "Blues": light for low, dark for high; readable in greyscale.
const BLUES: [(u8, u8, u8); 9] = [
    (247, 251, 255),
    (222, 235, 247),
    (198, 219, 239),
    (158, 202, 225),
    (107, 174, 214),
    (66, 146, 198),
    (33, 113, 181),
    (8, 81, 156),
    (8, 48, 107),
];

/// The colour for a share `t` in [0, 1] of the ramp.
fn ramp(t: f64) -> String {
    let t = t.clamp(0.0, 1.0) * (BLUES.len() - 1) as f64;
    let i = (t.floor() as usize).min(BLUES.len() - 2);
    let f = t - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (BLUES[i], BLUES[i + 1]);
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

const CELL: usize = 24;
const HEAT_LABEL_W: usize = 190;
const HEAT_TOP: usize = 150;

/// The co-occurrence heat map of `codes` (ids with their labels): each cell holds the units
/// with both codes, coloured by their Jaccard index; the diagonal (a code's own count) is grey.
pub fn heat_map(
    counts: &Cooccurrence,
    codes: &[(String, String)],
    unit: &str,
    standalone: bool,
) -> String {
    let n = codes.len();
    let max_jaccard = codes
        .iter()
        .enumerate()
        .flat_map(|(i, (a, _))| codes[i + 1..].iter().map(move |(b, _)| (a, b)))
        .map(|(a, b)| counts.jaccard(a, b))
        .fold(0.0_f64, f64::max);
    let scale = if max_jaccard > 0.0 { max_jaccard } else { 1.0 };
    let grid = n * CELL;
    let legend_y = HEAT_TOP + grid + 28;
    // Rotated column labels reach right of their column by up to cos 55° of their length.
    let longest = codes
        .iter()
        .map(|(c, _)| c.chars().count())
        .max()
        .unwrap_or(0);
    let overhang = longest * 6 * 57 / 100;
    let width = (HEAT_LABEL_W + grid + overhang).max(HEAT_LABEL_W + 6 * 48 + 20);
    let height = legend_y + 46;
    let title = format!("Co-occurrence of codes in the same {unit}");
    let mut svg = open_svg(width, height, &title, standalone);
    for (i, (code, label)) in codes.iter().enumerate() {
        let y = HEAT_TOP + i * CELL + CELL / 2 + 4;
        let _ = write!(
            svg,
            r#"<text x="{}" y="{y}" text-anchor="end" font-size="11"><title>{}</title>{}</text>"#,
            HEAT_LABEL_W - 6,
            escape_attr(label),
            escape_attr(code)
        );
        let x = HEAT_LABEL_W + i * CELL + CELL / 2 + 4;
        let _ = write!(
            svg,
            r#"<text transform="translate({x},{}) rotate(-55)" font-size="11"><title>{}</title>{}</text>"#,
            HEAT_TOP - 6,
            escape_attr(label),
            escape_attr(code)
        );
    }
    for (i, (a, label_a)) in codes.iter().enumerate() {
        for (j, (b, label_b)) in codes.iter().enumerate() {
            let both = counts.count(a, b);
            let jaccard = counts.jaccard(a, b);
            let (fill, dark) = if i == j {
                ("#e0e0e0".to_owned(), false)
            } else {
                (ramp(jaccard / scale), jaccard / scale > 0.55)
            };
            let x = HEAT_LABEL_W + j * CELL;
            let y = HEAT_TOP + i * CELL;
            let tip = if i == j {
                format!("{label_a} ({a}): {both} {unit}s")
            } else {
                format!("{label_a} × {label_b}: {both} {unit}s with both (Jaccard {jaccard:.2})")
            };
            let _ = write!(
                svg,
                r#"<g class="cell" data-a="{}" data-b="{}" data-n="{both}"><rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" fill="{fill}" stroke="white"/><title>{}</title>"#,
                escape_attr(a),
                escape_attr(b),
                escape_attr(&tip)
            );
            if both > 0 {
                let _ = write!(
                    svg,
                    r#"<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="{}">{both}</text>"#,
                    x + CELL / 2,
                    y + CELL / 2 + 4,
                    if dark { "white" } else { "black" }
                );
            }
            svg.push_str("</g>");
        }
    }
    let _ = write!(
        svg,
        r#"<text x="{}" y="{}" text-anchor="end" font-size="11">Jaccard index</text><text x="{}" y="{}" text-anchor="end" font-size="10">numbers: {unit}s with both</text>"#,
        HEAT_LABEL_W - 6,
        legend_y + 11,
        HEAT_LABEL_W - 6,
        legend_y + 28,
    );
    for step in 0..=5 {
        let t = step as f64 / 5.0;
        let x = HEAT_LABEL_W + step * 48;
        let _ = write!(
            svg,
            r##"<rect class="legend" x="{x}" y="{legend_y}" width="48" height="14" fill="{}" stroke="#999" stroke-width="0.5"/><text x="{}" y="{}" text-anchor="middle" font-size="10">{:.2}</text>"##,
            ramp(t),
            x + 24,
            legend_y + 28,
            t * scale
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_runs_from_light_to_dark() {
        assert_eq!(ramp(0.0), "#f7fbff");
        assert_eq!(ramp(1.0), "#08306b");
        assert_eq!(ramp(7.0), "#08306b");
    }

    #[test]
    fn only_hex_colours_are_used() {
        assert_eq!(valid_color(Some("#1f77b4")), Some("#1f77b4"));
        assert_eq!(valid_color(Some("red\" onload=\"x")), None);
        assert_eq!(valid_color(None), None);
    }

    #[test]
    fn labels_are_escaped() {
        let chart = BarChart {
            title: "<t>".into(),
            groups: vec!["</svg>".into(), "b".into()],
            rows: vec![BarRow {
                code: "a\"b".into(),
                label: "<script>".into(),
                indent: 0,
                color: None,
                bars: vec![
                    Bar {
                        group: "</svg>".into(),
                        n: 1,
                        total: 2,
                    },
                    Bar {
                        group: "b".into(),
                        n: 0,
                        total: 0,
                    },
                ],
                heading: false,
            }],
        };
        let svg = bar_chart(&chart, true);
        assert!(!svg.contains("<script>") && !svg.contains("<t>"));
        assert_eq!(svg.matches("</svg>").count(), 1);
        assert!(svg.contains("data-code=\"a&quot;b\""));
        assert!(svg.contains("1 of 2 · 50%"));
    }
}

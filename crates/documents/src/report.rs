//! G5: the governors' and trust's report as a PDF — a title, a few lines saying what it covers,
//! then each table under its heading. Plain data in (the caller lays the tables out once, for
//! the page and the CSV too); no child is named in what callers pass.

use crate::layout::{Face, Layout};

/// One table of the report as printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportTable {
    pub heading: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One bar chart of the report: its heading, what its bars count (e.g. "Visits") and each
/// bar's label and figure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportChart {
    pub heading: String,
    pub unit: String,
    pub bars: Vec<(String, i64)>,
}

/// The report to print: its title ("Test School" or "Trust — all schools"), the lines under it
/// (the period, when it was made, the note about default terms), its charts and its tables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GovernorsReport {
    pub title: String,
    pub lines: Vec<String>,
    pub charts: Vec<ReportChart>,
    pub tables: Vec<ReportTable>,
}

/// The report as a PDF: A4, the charts drawn with printpdf's own rectangles and the embedded
/// fonts (no SVG converter), then the tables; each page footed "Home visits report for governors" and its number.
pub fn governors_report(r: &GovernorsReport) -> Vec<u8> {
    let mut l = Layout::new(
        &format!("Home visits report - {}", r.title),
        "Home visits report for governors  ·  no child is named",
    );
    l.title(&r.title);
    l.paragraph("Home visits report for governors", Face::Bold, 14.0);
    for line in &r.lines {
        l.paragraph(line, Face::Regular, 10.0);
    }
    // The charts first, as on the page; a chart with no bars says so, as its table does.
    for c in &r.charts {
        l.heading(&format!("Chart: {}", c.heading));
        if c.bars.is_empty() {
            l.paragraph("None in this period.", Face::Regular, 10.0);
        }
        l.bar_chart(&c.unit, &c.bars);
    }
    for t in &r.tables {
        l.heading(&t.heading);
        if t.rows.is_empty() {
            l.paragraph("None in this period.", Face::Regular, 10.0);
            continue;
        }
        let headers: Vec<&str> = t.headers.iter().map(String::as_str).collect();
        // A label and one or two figures: the label gets the room; wider tables share it equally.
        let n = headers.len().max(1) as f32;
        let widths: Vec<f32> = if n <= 1.0 || n > 3.0 {
            vec![1.0 / n; headers.len()]
        } else {
            let rest = 0.45 / (n - 1.0);
            std::iter::once(0.55)
                .chain(std::iter::repeat_n(rest, headers.len() - 1))
                .collect()
        };
        l.table(&headers, &widths, &t.rows);
    }
    l.finish()
}

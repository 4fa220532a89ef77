//! The report's bar charts, drawn on the server by `plotters` into SVG: one horizontal bar per
//! label with its figure written at the bar's end, an axis with its description, and a
//! `<title>`/`<desc>` naming every figure for screen readers. No script, no style attribute
//! (the CSP's `style-src 'self'` forbids inline styles; SVG presentation attributes are fine),
//! and it prints with the page.

use app::reports::Count;
use plotters::prelude::*;

/// A chart ready for the page: its id and title, and the SVG (empty when there is nothing to
/// draw, so the page says "None in this period" instead).
pub struct Chart {
    pub id: &'static str,
    pub title: &'static str,
    pub svg: String,
}

/// Width of the drawing in SVG user units; the `viewBox` lets it shrink on a phone.
const WIDTH: u32 = 640;
/// Height of one bar's row, and room for the axis and its description below.
const ROW: u32 = 30;
const AXIS: u32 = 50;
/// Labels longer than this are cut with "…" on the axis; the `<desc>` keeps them whole.
const LABEL_CHARS: usize = 34;
const BAR: RGBColor = RGBColor(0x12, 0x35, 0x5b);
const INK: RGBColor = RGBColor(0x1b, 0x1b, 0x1b);

fn short(label: &str) -> String {
    let cut: String = label.chars().take(LABEL_CHARS).collect();
    if cut.chars().count() < label.chars().count() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// XML text: plotters escapes what it draws, and the title and description are ours to escape.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Draws `counts` as horizontal bars; `x_desc` names what is counted ("Visits", "Alarms").
/// Returns a chart with an empty `svg` when `counts` is empty, or when plotters fails (then the
/// table below the chart still gives every figure; the failure is logged).
pub fn bar_chart(id: &'static str, title: &'static str, x_desc: &str, counts: &[Count]) -> Chart {
    let svg = if counts.is_empty() {
        String::new()
    } else {
        match draw(x_desc, counts) {
            Ok(svg) => accessible(id, title, counts, &svg),
            Err(e) => {
                tracing::warn!(chart.id = id, error = %e, "the report's chart could not be drawn");
                String::new()
            }
        }
    };
    Chart { id, title, svg }
}

fn draw(x_desc: &str, counts: &[Count]) -> Result<String, Box<dyn std::error::Error>> {
    let n = u32::try_from(counts.len())?;
    let max = counts.iter().map(|c| c.count).max().unwrap_or(0).max(1);
    // Room after the longest bar for its figure.
    let x_end = max + (max / 6).max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, n * ROW + AXIS)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(6)
            .x_label_area_size(40)
            .y_label_area_size(240)
            .build_cartesian_2d(0i64..x_end, (0..n).into_segmented())?;
        let labels: Vec<String> = counts.iter().map(|c| short(&c.label)).collect();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc(x_desc)
            .y_labels(counts.len())
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .x_label_formatter(&|v| v.to_string())
            .label_style(("sans-serif", 13).into_font().color(&INK))
            .axis_desc_style(("sans-serif", 13).into_font().color(&INK))
            .draw()?;
        chart.draw_series(
            Histogram::horizontal(&chart)
                .style(BAR.filled())
                .margin(6)
                .data(counts.iter().enumerate().map(|(i, c)| (i as u32, c.count))),
        )?;
        chart.draw_series(counts.iter().enumerate().map(|(i, c)| {
            Text::new(
                format!(" {}", c.count),
                (c.count, SegmentValue::CenterOf(i as u32)),
                ("sans-serif", 13).into_font().color(&INK),
            )
        }))?;
        root.present()?;
    }
    Ok(svg)
}

/// Gives the drawing its id, a `viewBox`-scaled size, `role="img"`, and a `<title>` and `<desc>`
/// listing every label with its figure, so a screen reader hears what the bars show.
fn accessible(id: &str, title: &str, counts: &[Count], svg: &str) -> String {
    let Some(start) = svg.find("<svg") else {
        return String::new();
    };
    let Some(end) = svg[start..].find('>').map(|e| start + e) else {
        return String::new();
    };
    let desc: Vec<String> = counts
        .iter()
        .map(|c| format!("{}: {}", c.label, c.count))
        .collect();
    // Full width of the card, scaled by the `viewBox` (the page's CSS keeps the aspect ratio).
    let open = svg[start..end]
        .replacen(
            "<svg",
            &format!("<svg id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\""),
            1,
        )
        .replacen(&format!("width=\"{WIDTH}\""), "width=\"100%\"", 1);
    format!(
        "{open}><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{}",
        escape(title),
        escape(&desc.join("; ")),
        &svg[end + 1..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(label: &str, count: i64) -> Count {
        Count {
            label: label.into(),
            count,
        }
    }

    #[test]
    fn a_chart_names_every_figure_as_text_and_escapes_what_staff_typed() {
        let c = bar_chart(
            "chart-reason",
            "Visits by reason",
            "Visits",
            &[count("attendance", 12), count("<b>welfare & safety</b>", 3)],
        );
        assert!(
            c.svg.starts_with("<svg id=\"chart-reason\" role=\"img\""),
            "{}",
            c.svg
        );
        assert!(
            c.svg
                .contains("<title id=\"chart-reason-title\">Visits by reason</title>")
        );
        assert!(
            c.svg
                .contains("attendance: 12; &lt;b&gt;welfare &amp; safety&lt;/b&gt;: 3")
        );
        assert!(!c.svg.contains("<b>"), "{}", c.svg);
        assert!(c.svg.contains("viewBox"), "scales on a phone: {}", c.svg);
        assert!(
            !c.svg.contains("style="),
            "the CSP forbids inline styles: {}",
            c.svg
        );
        assert!(c.svg.contains("width=\"100%\""), "fits a phone: {}", c.svg);
        // plotters ends each text with a line break.
        assert!(
            c.svg.contains("Visits\n</text>"),
            "the axis says what is counted: {}",
            c.svg
        );
        assert!(
            c.svg.contains(" 12\n</text>"),
            "the figure is written by its bar: {}",
            c.svg
        );
    }

    #[test]
    fn nothing_to_count_draws_nothing() {
        assert!(
            bar_chart("c", "Alarms by kind", "Alarms", &[])
                .svg
                .is_empty()
        );
    }
}

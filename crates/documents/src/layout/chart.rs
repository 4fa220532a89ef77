//! A horizontal bar chart drawn with printpdf's own primitives (filled rectangles and the
//! embedded fonts): the same charts the report page draws as SVG, without an SVG-to-PDF
//! converter. Each bar's label sits on its left and its figure at its end, so the chart reads
//! (and `pdftotext` extracts it) as text too.

use printpdf::{Color, Op, PaintMode, Pt, Rect, Rgb};

use super::{Face, Item, Layout, MARGIN, PAGE_H, PT_PER_MM, wrap};

/// Width kept for the labels, in mm.
const LABEL_W: f32 = 62.0;
/// Height of a bar, in mm.
const BAR_H: f32 = 4.2;
const SIZE: f32 = 9.0;

fn rgb(r: f32, g: f32, b: f32) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

impl Layout {
    /// One bar per `(label, figure)`, longest bar for the largest figure; `unit` names what is
    /// counted under the chart (e.g. "Visits"). Nothing is drawn for no bars.
    pub fn bar_chart(&mut self, unit: &str, bars: &[(String, i64)]) {
        let Some(max) = bars.iter().map(|(_, n)| *n).max() else {
            return;
        };
        let max = max.max(1) as f32;
        let line_h = Self::line_height(SIZE);
        // Room for the largest figure after its bar.
        let figure_w = Face::Regular.width_mm(&format!(" {}", max as i64), SIZE) + 2.0;
        let bar_room = self.content_width() - LABEL_W - figure_w;
        self.ensure(line_h * 2.0);
        for (label, n) in bars {
            let lines = wrap(label, Face::Regular, SIZE, LABEL_W - 3.0);
            let rows = lines.len().max(1) as f32;
            let row_h = (line_h * rows).max(BAR_H + 1.5);
            self.ensure(row_h);
            for (i, l) in lines.iter().enumerate() {
                let y = self.y;
                self.y += line_h * i as f32;
                self.text_at(MARGIN, l, Face::Regular, SIZE);
                self.y = y;
            }
            let length = bar_room * (*n).max(0) as f32 / max;
            let bottom = PAGE_H - self.y - BAR_H - 0.3;
            self.filled(MARGIN + LABEL_W, bottom, length, BAR_H);
            self.text_at(
                MARGIN + LABEL_W + length + 1.5,
                &n.to_string(),
                Face::Bold,
                SIZE,
            );
            self.y += row_h;
        }
        // The axis under the bars, and what they count.
        self.gap(0.5);
        self.text_at(MARGIN + LABEL_W, unit, Face::Regular, 8.0);
        self.y += Self::line_height(8.0);
        self.gap(1.5);
    }

    /// A filled rectangle, `x`/`bottom` in mm from the page's bottom-left corner. The fill
    /// colour is restored afterwards: text is painted with it.
    fn filled(&mut self, x: f32, bottom: f32, width: f32, height: f32) {
        let mm = |v: f32| Pt(v * PT_PER_MM);
        let mut rect = Rect::from_xywh(mm(x), mm(bottom), mm(width.max(0.4)), mm(height));
        rect.mode = Some(PaintMode::Fill);
        self.ops.extend([
            Item::Draw(Op::SaveGraphicsState),
            Item::Draw(Op::SetFillColor {
                col: rgb(0.16, 0.38, 0.62),
            }),
            Item::Draw(Op::DrawPolygon {
                polygon: rect.to_polygon(),
            }),
            Item::Draw(Op::RestoreGraphicsState),
        ]);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The width of each bar drawn, in points, in order.
    fn bar_widths(l: &Layout) -> Vec<f32> {
        l.ops
            .iter()
            .filter_map(|i| match i {
                Item::Draw(Op::DrawPolygon { polygon }) => {
                    let xs: Vec<f32> = polygon.rings[0].points.iter().map(|p| p.p.x.0).collect();
                    let min = xs.iter().copied().fold(f32::MAX, f32::min);
                    let max = xs.iter().copied().fold(f32::MIN, f32::max);
                    Some(max - min)
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn bars_are_as_long_as_their_figures_and_each_figure_is_written() {
        let mut l = Layout::new("t", "f");
        let bars = [("visit made".to_string(), 4), ("declined".to_string(), 2)];
        l.bar_chart("Visits", &bars);
        let w = bar_widths(&l);
        assert_eq!(w.len(), 2);
        assert!((w[0] - 2.0 * w[1]).abs() < 0.01, "{w:?}");
        let texts = l
            .ops
            .iter()
            .filter(|i| matches!(i, Item::Text { .. }))
            .count();
        // Two labels, two figures and the unit.
        assert_eq!(texts, 5);
    }

    #[test]
    fn no_bars_draw_nothing() {
        let mut l = Layout::new("t", "f");
        l.bar_chart("Visits", &[]);
        assert!(l.ops.is_empty());
    }
}

//! A small layout helper over printpdf: A4 pages, wrapped paragraphs, label/value rows, tables,
//! signature lines, page breaks and "Page n of m" footers. Text in any alphabet is set in the
//! fonts shipped with the binary (`fonts.rs`), measured with their real widths so lines wrap
//! where a printer would, and each PDF embeds a subset of the fonts it uses.
//!
//! It knows nothing about visits or schools: documents in `lib.rs` say what goes on the page.

use printpdf::{
    Color, Line, LinePoint, Mm, Op, PdfDocument, PdfPage, PdfSaveOptions, Point, Pt, Rgb,
};

mod chart;

use crate::fonts::{self, Run};
use crate::pages::{Item, PT_PER_MM, embed_fonts, page_ops};

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 18.0;
/// Space kept free at the bottom of each page for the footer.
const FOOTER: f32 = 14.0;

/// A face of the document font.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

impl Face {
    fn shape(self, text: &str) -> Vec<Run> {
        fonts::shape(text, self == Face::Bold)
    }

    /// Width of `text` at `size` points, in millimetres, measured with the embedded fonts.
    pub fn width_mm(self, text: &str, size: f32) -> f32 {
        let units: f32 = self.shape(text).iter().map(Run::advance).sum();
        units / 1000.0 * size / PT_PER_MM
    }
}

/// Replaces what a printed form cannot show: control characters become spaces, and characters
/// no shipped font has (emoji, rare scripts) become '?', so a name never vanishes silently.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' => ' ',
            c if c.is_control() => ' ',
            c if fonts::covered(c) => c,
            c if c.is_whitespace() => ' ',
            _ => '?',
        })
        .collect()
}

/// Breaks `text` into lines no wider than `width_mm`. Explicit newlines are kept; a word longer
/// than a line is split.
pub fn wrap(text: &str, face: Face, size: f32, width_mm: f32) -> Vec<String> {
    let mut out = Vec::new();
    for paragraph in printable_keep_newlines(text).split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if face.width_mm(&candidate, size) <= width_mm {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            // A single word wider than the line: cut it where it overflows.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if face.width_mm(&piece, size) > width_mm && piece.chars().count() > 1 {
                    piece.pop();
                    out.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        out.push(line);
    }
    out
}

fn printable_keep_newlines(text: &str) -> String {
    text.replace("\r\n", "\n")
        .split('\n')
        .map(printable)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A document being laid out, top to bottom, page after page.
pub struct Layout {
    title: String,
    pages: Vec<Vec<Item>>,
    ops: Vec<Item>,
    /// Distance of the next line's top from the top of the page, in mm.
    y: f32,
    footer_note: String,
}

impl Layout {
    pub fn new(title: &str, footer_note: &str) -> Self {
        Layout {
            title: printable(title),
            pages: Vec::new(),
            ops: Vec::new(),
            y: MARGIN,
            footer_note: printable(footer_note),
        }
    }

    pub fn content_width(&self) -> f32 {
        PAGE_W - 2.0 * MARGIN
    }

    fn line_height(size: f32) -> f32 {
        size * 1.35 / PT_PER_MM
    }

    /// Starts a new page when fewer than `needed_mm` remain.
    pub fn ensure(&mut self, needed_mm: f32) {
        if self.y + needed_mm > PAGE_H - MARGIN - FOOTER {
            self.page_break();
        }
    }

    pub fn page_break(&mut self) {
        let ops = std::mem::take(&mut self.ops);
        self.pages.push(ops);
        self.y = MARGIN;
    }

    pub fn gap(&mut self, mm: f32) {
        self.y += mm;
    }

    /// One line of text at `x` mm from the left edge, on the current line (does not advance).
    fn text_at(&mut self, x: f32, text: &str, face: Face, size: f32) {
        let baseline = PAGE_H - self.y - size / PT_PER_MM;
        self.ops.push(Item::Text {
            x,
            baseline,
            size,
            runs: face.shape(text),
        });
    }

    /// A wrapped paragraph across the full width.
    pub fn paragraph(&mut self, text: &str, face: Face, size: f32) {
        let width = self.content_width();
        for line in wrap(text, face, size, width) {
            let h = Self::line_height(size);
            self.ensure(h);
            self.text_at(MARGIN, &line, face, size);
            self.y += h;
        }
    }

    pub fn title(&mut self, text: &str) {
        self.paragraph(text, Face::Bold, 16.0);
        self.gap(2.0);
    }

    pub fn heading(&mut self, text: &str) {
        self.ensure(Self::line_height(12.0) * 3.0);
        self.gap(2.0);
        self.paragraph(text, Face::Bold, 12.0);
        self.rule();
        self.gap(1.5);
    }

    /// A thin horizontal line across the page under the current line.
    pub fn rule(&mut self) {
        let y = PAGE_H - self.y;
        self.ops.push(Item::Draw(Op::SetOutlineColor {
            col: Color::Rgb(Rgb {
                r: 0.4,
                g: 0.4,
                b: 0.4,
                icc_profile: None,
            }),
        }));
        self.ops
            .push(Item::Draw(Op::SetOutlineThickness { pt: Pt(0.6) }));
        self.ops.push(Item::Draw(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: Point::new(Mm(MARGIN), Mm(y)),
                        bezier: false,
                    },
                    LinePoint {
                        p: Point::new(Mm(PAGE_W - MARGIN), Mm(y)),
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        }));
    }

    /// "Label ____ value": the label in bold on the left, the value wrapped beside it.
    pub fn field(&mut self, label: &str, value: &str) {
        let size = 10.5;
        let label_w = 52.0;
        let value_w = self.content_width() - label_w;
        let value = if value.trim().is_empty() {
            "—"
        } else {
            value
        };
        let labels = wrap(label, Face::Bold, size, label_w - 3.0);
        let values = wrap(value, Face::Regular, size, value_w);
        let h = Self::line_height(size);
        let rows = labels.len().max(values.len());
        self.ensure(h * rows.min(4) as f32);
        for i in 0..rows {
            self.ensure(h);
            if let Some(l) = labels.get(i) {
                self.text_at(MARGIN, l, Face::Bold, size);
            }
            if let Some(v) = values.get(i) {
                self.text_at(MARGIN + label_w, v, Face::Regular, size);
            }
            self.y += h;
        }
        self.gap(1.2);
    }

    /// A table with a bold header row; `widths` are fractions of the page width.
    pub fn table(&mut self, headers: &[&str], widths: &[f32], rows: &[Vec<String>]) {
        let size = 9.5;
        let h = Self::line_height(size);
        let total = self.content_width();
        let cols: Vec<f32> = widths.iter().map(|w| w * total).collect();
        let header: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
        self.ensure(h * 3.0);
        self.table_row(&header, &cols, Face::Bold, size);
        self.rule();
        self.gap(1.0);
        for row in rows {
            self.table_row(row, &cols, Face::Regular, size);
            self.gap(0.8);
        }
    }

    fn table_row(&mut self, cells: &[String], cols: &[f32], face: Face, size: f32) {
        let h = Self::line_height(size);
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(cols)
            .map(|(c, w)| wrap(c, face, size, w - 2.0))
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        self.ensure(h * lines.min(6) as f32);
        for i in 0..lines {
            self.ensure(h);
            let mut x = MARGIN;
            for (cell, w) in wrapped.iter().zip(cols) {
                if let Some(text) = cell.get(i) {
                    self.text_at(x, text, face, size);
                }
                x += w;
            }
            self.y += h;
        }
    }

    /// "Signed ______________ (Staff Name)" lines for each name.
    pub fn signature(&mut self, label: &str, name: &str) {
        let size = 10.5;
        let h = Self::line_height(size);
        self.ensure(h * 2.5);
        self.gap(h * 0.8);
        let text = format!("{label} ______________________________  ({name})");
        self.text_at(MARGIN, &printable(&text), Face::Regular, size);
        self.y += h;
    }

    /// The finished PDF, each page footed with the note and "Page n of m". Every font used is
    /// embedded as a subset holding only the glyphs the document prints.
    pub fn finish(mut self) -> Vec<u8> {
        if !self.ops.is_empty() || self.pages.is_empty() {
            self.page_break();
        }
        let count = self.pages.len();
        let width = PAGE_W - 2.0 * MARGIN;
        for (i, page) in self.pages.iter_mut().enumerate() {
            // A long note wraps upwards; "Page n of m" stays whole on the bottom line.
            let number = format!("Page {} of {}", i + 1, count);
            let mut lines = wrap(self.footer_note.trim(), Face::Regular, 8.0, width);
            lines.retain(|l| !l.is_empty());
            match lines.last_mut() {
                Some(last)
                    if Face::Regular.width_mm(&format!("{last}   {number}"), 8.0) <= width =>
                {
                    last.push_str("   ");
                    last.push_str(&number);
                }
                _ => lines.push(number),
            }
            for (n, line) in lines.iter().rev().enumerate() {
                page.push(Item::Text {
                    x: MARGIN,
                    baseline: MARGIN - 4.0 + n as f32 * Self::line_height(8.0),
                    size: 8.0,
                    runs: Face::Regular.shape(line),
                });
            }
        }
        let mut doc = PdfDocument::new(&self.title);
        let fonts = embed_fonts(&mut doc, &self.pages);
        let pages: Vec<PdfPage> = self
            .pages
            .into_iter()
            .map(|items| PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), page_ops(items, &fonts)))
            .collect();
        doc.with_pages(pages)
            .save(&PdfSaveOptions::default(), &mut Vec::new())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_within_the_width_and_keeps_every_word() {
        let text = "IF WE HAVE NOT HEARD FROM AN ADULT IN POSITION OF RESPONSIBILITY FOR Ava Smith BEFORE 10:30 we will act";
        let lines = wrap(text, Face::Regular, 10.5, 60.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(Face::Regular.width_mm(l, 10.5) <= 60.0, "{l}");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_word_longer_than_the_line_is_cut_not_lost() {
        let word = "x".repeat(200);
        let lines = wrap(&word, Face::Bold, 10.0, 40.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), word);
    }

    #[test]
    fn newlines_start_new_lines_and_unprintable_characters_are_marked() {
        assert_eq!(wrap("a\nb", Face::Regular, 10.0, 100.0), vec!["a", "b"]);
        assert_eq!(printable("Zoë\u{7}👪"), "Zoë ?");
        assert_eq!(printable("Ŵyn محمد 王芳"), "Ŵyn محمد 王芳");
    }

    #[test]
    fn widths_come_from_the_embedded_fonts() {
        let wide = Face::Regular.width_mm("WWWW", 10.0);
        let narrow = Face::Regular.width_mm("iiii", 10.0);
        assert!(wide > 2.0 * narrow, "{wide} vs {narrow}");
        assert!(Face::Bold.width_mm("Łukasz", 10.0) > Face::Regular.width_mm("Łukasz", 10.0));
        // A Chinese character is a full em: 10 pt is about 3.5 mm.
        let han = Face::Regular.width_mm("王", 10.0);
        assert!((3.3..3.7).contains(&han), "{han}");
    }

    #[test]
    fn arabic_and_chinese_text_wraps_within_the_width_and_keeps_every_word() {
        for word in ["محمد العلي", "王芳", "Ελένη Παπαδοπούλου"] {
            let text = vec![word; 30].join(" ");
            let lines = wrap(&text, Face::Regular, 10.5, 60.0);
            assert!(lines.len() > 2, "{word}");
            for l in &lines {
                assert!(Face::Regular.width_mm(l, 10.5) <= 60.0, "{l}");
            }
            assert_eq!(lines.join(" "), text);
        }
    }
}

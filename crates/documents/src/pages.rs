//! From laid-out pages to printpdf: the fonts a document uses are subset and embedded, and each
//! run of shaped text becomes glyph ids in its font with its text for /ToUnicode.

use std::collections::BTreeMap;

use printpdf::{
    Codepoint, FontId, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, Point, Pt, TextItem,
};

use crate::fonts::{self, FontFile, Run};

/// Points (1/72 inch, PDF's unit) in a millimetre (the layout's unit).
pub(crate) const PT_PER_MM: f32 = 72.0 / 25.4;

/// Something on a page: a drawing operation, or a line of shaped text whose fonts are only
/// known once the whole document is laid out (each PDF embeds just the glyphs it uses).
pub(crate) enum Item {
    Draw(Op),
    Text {
        /// Left edge and baseline, in mm from the bottom-left corner.
        x: f32,
        baseline: f32,
        size: f32,
        runs: Vec<Run>,
    },
}

/// An embedded font: its id in the document and the new id of each glyph in its subset.
pub(crate) struct Embedded {
    id: FontId,
    remap: BTreeMap<u16, u16>,
}

/// Subsets and adds every font the pages use.
pub(crate) fn embed_fonts(
    doc: &mut PdfDocument,
    pages: &[Vec<Item>],
) -> BTreeMap<FontFile, Embedded> {
    let mut used: BTreeMap<FontFile, Vec<u16>> = BTreeMap::new();
    for item in pages.iter().flatten() {
        if let Item::Text { runs, .. } = item {
            for run in runs {
                used.entry(run.font)
                    .or_default()
                    .extend(run.glyphs.iter().map(|g| g.gid));
            }
        }
    }
    let mut out = BTreeMap::new();
    for (font, mut gids) in used {
        gids.sort_unstable();
        gids.dedup();
        let (bytes, remap) = fonts::subset(font, &gids);
        if let Some(mut parsed) = ParsedFont::from_bytes(&bytes, 0, &mut Vec::new()) {
            // ISO 32000-1 9.6.4: a subset's name starts with a six-letter tag and '+'.
            parsed.font_name = Some(format!("{}+{}", subset_tag(&gids), font.name()));
            let id = doc.add_font(&parsed);
            out.insert(font, Embedded { id, remap });
        }
    }
    out
}

/// Six capital letters that differ between different subsets of one font.
fn subset_tag(gids: &[u16]) -> String {
    let mut hash: u32 = 2_166_136_261;
    for g in gids {
        hash = (hash ^ u32::from(*g)).wrapping_mul(16_777_619);
    }
    (0..6)
        .map(|_| {
            let letter = char::from(b'A' + (hash % 26) as u8);
            hash /= 26;
            letter
        })
        .collect()
}

/// The page's items as printpdf operations, each run of text in its own font.
pub(crate) fn page_ops(items: Vec<Item>, fonts: &BTreeMap<FontFile, Embedded>) -> Vec<Op> {
    let mut ops = Vec::new();
    for item in items {
        let (x, baseline, size, runs) = match item {
            Item::Draw(op) => {
                ops.push(op);
                continue;
            }
            Item::Text {
                x,
                baseline,
                size,
                runs,
            } => (x, baseline, size, runs),
        };
        let mut pen = x;
        for run in runs {
            let width = run.advance() / 1000.0 * size / PT_PER_MM;
            let Some(font) = fonts.get(&run.font) else {
                pen += width;
                continue;
            };
            // The text of each glyph becomes its /ToUnicode entry: what copy and search return.
            let glyphs = run
                .glyphs
                .into_iter()
                .map(|g| {
                    let gid = font.remap.get(&g.gid).copied().unwrap_or(0);
                    Codepoint::with_cid(gid, 0.0, g.text)
                })
                .collect();
            ops.extend([
                Op::StartTextSection,
                Op::SetFont {
                    font: PdfFontHandle::External(font.id.clone()),
                    size: Pt(size),
                },
                Op::SetTextCursor {
                    pos: Point::new(Mm(pen), Mm(baseline)),
                },
                Op::ShowText {
                    items: vec![TextItem::GlyphIds(glyphs)],
                },
                Op::EndTextSection,
            ]);
            pen += width;
        }
    }
    ops
}

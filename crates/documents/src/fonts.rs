//! The fonts every PDF embeds, and the step that turns a line of text into glyphs.
//!
//! Names are printed exactly as typed in any alphabet (issue #14): Noto Sans for Latin, Greek
//! and Cyrillic, Noto Sans Arabic for Arabic script, Droid Sans Fallback for Chinese, Japanese
//! and Korean (files and licences in `crates/documents/fonts/`). The font is picked per run of
//! characters by script; spaces and punctuation join the run around them.
//!
//! Arabic is shaped (joining forms, lam-alef) with allsorts, printpdf's own font library, and
//! each Arabic run is set right to left inside a left-to-right line. Every glyph carries the
//! text it stands for, so copying or `pdftotext` gives back the name as typed.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use allsorts::binary::read::ReadScope;
use allsorts::font::{Font, MatchingPresentation};
use allsorts::font_data::{DynamicFontTableProvider, FontData};
use allsorts::gsub::{FeatureMask, FeatureMaskExt};
use allsorts::subset::{CmapTarget, SubsetProfile};
use allsorts::tag;

/// One of the font files shipped in the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum FontFile {
    Sans,
    SansBold,
    Arabic,
    ArabicBold,
    Cjk,
}

impl FontFile {
    const ALL: [FontFile; 5] = [
        FontFile::Sans,
        FontFile::SansBold,
        FontFile::Arabic,
        FontFile::ArabicBold,
        FontFile::Cjk,
    ];

    pub(crate) fn bytes(self) -> &'static [u8] {
        match self {
            FontFile::Sans => include_bytes!("../fonts/NotoSans-Regular.ttf"),
            FontFile::SansBold => include_bytes!("../fonts/NotoSans-Bold.ttf"),
            FontFile::Arabic => include_bytes!("../fonts/NotoSansArabic-Regular.ttf"),
            FontFile::ArabicBold => include_bytes!("../fonts/NotoSansArabic-Bold.ttf"),
            // No bold CJK face is shipped (size): bold Chinese prints in the regular face.
            FontFile::Cjk => include_bytes!("../fonts/DroidSansFallbackFull.ttf"),
        }
    }

    /// The font's PostScript name, as PDF readers list it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            FontFile::Sans => "NotoSans-Regular",
            FontFile::SansBold => "NotoSans-Bold",
            FontFile::Arabic => "NotoSansArabic-Regular",
            FontFile::ArabicBold => "NotoSansArabic-Bold",
            FontFile::Cjk => "DroidSansFallbackFull",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Character map and advance widths of one font, read once per process.
struct Metrics {
    cmap: BTreeMap<u32, u16>,
    widths: BTreeMap<u16, u16>,
    units_per_em: f32,
}

impl Metrics {
    fn glyph(&self, c: char) -> Option<u16> {
        self.cmap.get(&(c as u32)).copied().filter(|g| *g != 0)
    }

    /// Advance of `gid` in 1/1000 em.
    fn advance(&self, gid: u16) -> f32 {
        f32::from(self.widths.get(&gid).copied().unwrap_or(0)) * 1000.0 / self.units_per_em
    }
}

fn metrics(font: FontFile) -> &'static Metrics {
    static ALL: OnceLock<Vec<Metrics>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        FontFile::ALL
            .iter()
            .map(|f| {
                let parsed = printpdf::ParsedFont::from_bytes(f.bytes(), 0, &mut Vec::new());
                // The files are part of the binary, so a parse failure is a build mistake that
                // the tests catch; an empty map only turns text into '?'.
                match parsed {
                    Some(p) => Metrics {
                        units_per_em: f32::from(p.units_per_em.max(1)),
                        cmap: p.codepoint_to_glyph,
                        widths: p.glyph_widths,
                    },
                    None => Metrics {
                        cmap: BTreeMap::new(),
                        widths: BTreeMap::new(),
                        units_per_em: 1000.0,
                    },
                }
            })
            .collect()
    });
    &all[font.index()]
}

/// A glyph ready to draw: its id in the full font, its advance (1/1000 em) and the text it
/// stands for (several characters for a ligature such as lam-alef).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Glyph {
    pub gid: u16,
    pub advance: f32,
    pub text: String,
}

/// Glyphs of one font, in the order they are drawn (left to right on the page).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run {
    pub font: FontFile,
    pub glyphs: Vec<Glyph>,
}

impl Run {
    /// Width in 1/1000 em.
    pub fn advance(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }
}

fn is_arabic(c: char) -> bool {
    matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
}

/// Spaces, digits and punctuation: they take the font of the text around them.
fn is_neutral(c: char) -> bool {
    c.is_whitespace() || c.is_ascii_punctuation() || c.is_ascii_digit()
}

/// The font that prints `c`, if any shipped font has it.
fn font_for(c: char, bold: bool) -> Option<FontFile> {
    let (sans, arabic) = if bold {
        (FontFile::SansBold, FontFile::ArabicBold)
    } else {
        (FontFile::Sans, FontFile::Arabic)
    };
    if is_arabic(c) {
        return metrics(arabic).glyph(c).map(|_| arabic);
    }
    [sans, FontFile::Cjk]
        .into_iter()
        .find(|f| metrics(*f).glyph(c).is_some())
}

/// Whether some shipped font can print `c`.
pub(crate) fn covered(c: char) -> bool {
    font_for(c, false).is_some()
}

/// Turns one line of text into runs of glyphs in drawing order. Characters no font has are
/// drawn as '?' (callers pass text through `layout::printable` first, so this is rare).
pub(crate) fn shape(text: &str, bold: bool) -> Vec<Run> {
    let sans = if bold {
        FontFile::SansBold
    } else {
        FontFile::Sans
    };
    let chars: Vec<char> = text.chars().collect();
    // Split into (font, text) pieces in logical order.
    let mut pieces: Vec<(FontFile, String)> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let font = if is_neutral(c) {
            // A space between two Arabic words stays inside the Arabic run, so the words keep
            // their right-to-left order; other neutrals print in Noto Sans.
            let prev = pieces.last().map(|p| p.0);
            let next = chars[i + 1..]
                .iter()
                .find(|c| !is_neutral(**c))
                .and_then(|c| font_for(*c, bold));
            match (prev, next) {
                (Some(p), Some(n)) if p == n && metrics(p).glyph(c).is_some() => p,
                _ => sans,
            }
        } else {
            font_for(c, bold).unwrap_or(sans)
        };
        let c = if metrics(font).glyph(c).is_some() {
            c
        } else {
            '?'
        };
        match pieces.last_mut() {
            Some((f, s)) if *f == font => s.push(c),
            _ => pieces.push((font, c.to_string())),
        }
    }
    pieces
        .into_iter()
        .map(|(font, s)| match font {
            FontFile::Arabic | FontFile::ArabicBold => shape_arabic(font, &s),
            _ => Run {
                font,
                glyphs: s
                    .chars()
                    .map(|c| {
                        let m = metrics(font);
                        let gid = m.glyph(c).unwrap_or(0);
                        Glyph {
                            gid,
                            advance: m.advance(gid),
                            text: c.to_string(),
                        }
                    })
                    .collect(),
            },
        })
        .collect()
}

type Shaper = Font<DynamicFontTableProvider<'static>>;

thread_local! {
    /// The Arabic fonts' shaping tables, parsed once per thread (regular, bold).
    static ARABIC: RefCell<[Option<Shaper>; 2]> = const { RefCell::new([None, None]) };
}

fn load_shaper(font: FontFile) -> Option<Shaper> {
    let data = ReadScope::new(font.bytes())
        .read::<FontData<'static>>()
        .ok()?;
    Font::new(data.table_provider(0).ok()?).ok()
}

/// Joins Arabic letters into their contextual forms and returns them right to left.
fn shape_arabic(font: FontFile, text: &str) -> Run {
    let slot = usize::from(font == FontFile::ArabicBold);
    let m = metrics(font);
    let mut glyphs: Vec<Glyph> = ARABIC.with(|cell| {
        let mut shapers = cell.borrow_mut();
        if shapers[slot].is_none() {
            shapers[slot] = load_shaper(font);
        }
        let Some(shaper) = shapers[slot].as_mut() else {
            return Vec::new();
        };
        let raw = shaper.map_glyphs(text, tag::ARAB, MatchingPresentation::NotRequired);
        let infos = match shaper.shape(
            raw,
            tag::ARAB,
            None,
            FeatureMask::default_mask(),
            &[],
            None,
            false,
        ) {
            Ok(infos) => infos,
            // allsorts applies what it can and reports the first problem: keep what it made.
            Err((_, infos)) => infos,
        };
        infos
            .into_iter()
            .map(|info| Glyph {
                gid: info.glyph.glyph_index,
                advance: m.advance(info.glyph.glyph_index),
                text: info.glyph.unicodes.iter().collect(),
            })
            .collect()
    });
    glyphs.reverse();
    Run { font, glyphs }
}

/// A copy of `font` holding only glyph 0 and `used` (a PDF carries only what it prints), with
/// the new id of each used glyph. Falls back to the whole font, ids unchanged, if subsetting
/// fails.
pub(crate) fn subset(font: FontFile, used: &[u16]) -> (Vec<u8>, BTreeMap<u16, u16>) {
    // Glyph 0 (.notdef) must come first; allsorts numbers glyphs by their position here.
    let ids: Vec<u16> = std::iter::once(0)
        .chain(used.iter().copied().filter(|g| *g != 0))
        .collect();
    let made = ReadScope::new(font.bytes())
        .read::<FontData<'_>>()
        .ok()
        .and_then(|data| data.table_provider(0).ok())
        .and_then(|provider| {
            allsorts::subset::subset(
                &provider,
                &ids,
                &SubsetProfile::Pdf,
                CmapTarget::Unrestricted,
            )
            .ok()
        });
    match made {
        Some(bytes) => {
            let remap = ids
                .iter()
                .enumerate()
                .filter_map(|(i, g)| u16::try_from(i).ok().map(|n| (*g, n)))
                .collect();
            (bytes, remap)
        }
        None => (
            font.bytes().to_vec(),
            ids.iter().map(|g| (*g, *g)).collect(),
        ),
    }
}

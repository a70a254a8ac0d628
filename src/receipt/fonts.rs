//! The receipt fonts (DejaVu Sans, embedded in the binary; licence in
//! `fonts/LICENSE-DejaVu.txt`) and their advance widths, so the layout can wrap and
//! right-align text exactly as the PDF will draw it.

use printpdf::ParsedFont;
use std::sync::OnceLock;

pub const REGULAR_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
pub(super) const BOLD_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

/// Millimetres per PostScript point.
pub(super) const MM_PER_PT: f32 = 25.4 / 72.0;

/// DejaVu Sans ascent (hhea 1901 / 2048 units per em): from the top of a line to its
/// baseline, in em.
pub(super) const ASCENT_EM: f32 = 0.928;

struct Faces {
    regular: Option<ParsedFont>,
    bold: Option<ParsedFont>,
}

fn faces() -> &'static Faces {
    static FACES: OnceLock<Faces> = OnceLock::new();
    FACES.get_or_init(|| Faces {
        regular: ParsedFont::from_bytes(REGULAR_TTF, 0, &mut Vec::new()),
        bold: ParsedFont::from_bytes(BOLD_TTF, 0, &mut Vec::new()),
    })
}

/// The parsed face, parsed once per process. `None` only if the embedded file is broken.
pub(super) fn parsed(bold: bool) -> Option<&'static ParsedFont> {
    let f = faces();
    if bold {
        f.bold.as_ref()
    } else {
        f.regular.as_ref()
    }
}

/// Width of `text` set in DejaVu Sans at `size_pt`, in millimetres (advance widths, no
/// kerning: the PDF places glyphs the same way).
pub(super) fn text_width_mm(text: &str, size_pt: f32, bold: bool) -> f32 {
    let Some(font) = parsed(bold) else {
        // Average DejaVu advance, good enough to keep the layout sane.
        return text.chars().count() as f32 * 0.6 * size_pt * MM_PER_PT;
    };
    let upem = f32::from(font.units_per_em.max(1));
    let units: u32 = text
        .chars()
        .map(|c| {
            font.lookup_glyph_index(c as u32)
                .and_then(|g| font.get_glyph_width(g))
                .map_or(upem as u32 / 2, u32::from)
        })
        .sum();
    units as f32 / upem * size_pt * MM_PER_PT
}

/// A copy of the face with only the glyphs `chars` need (plus `.notdef`), for embedding:
/// the whole DejaVu face is ~700 KB per weight, a receipt's subset ~20 KB.
/// `None` if subsetting fails; the caller then embeds the whole face.
pub(super) fn subset(bold: bool, chars: impl IntoIterator<Item = char>) -> Option<Vec<u8>> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{CmapTarget, SubsetProfile, subset as cut};
    let font = parsed(bold)?;
    let mut glyphs: Vec<u16> = chars
        .into_iter()
        .filter_map(|c| font.lookup_glyph_index(c as u32))
        .chain([0])
        .collect();
    glyphs.sort_unstable();
    glyphs.dedup();
    let bytes = if bold { BOLD_TTF } else { REGULAR_TTF };
    let data = ReadScope::new(bytes).read::<FontData<'_>>().ok()?;
    let provider = data.table_provider(0).ok()?;
    cut(
        &provider,
        &glyphs,
        &SubsetProfile::Minimal,
        CmapTarget::Unicode,
    )
    .map_err(|e| log::warn!("font subsetting failed, embedding the whole face: {e:?}"))
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_font() {
        let w = text_width_mm("MMMM", 10.0, false);
        let i = text_width_mm("iiii", 10.0, false);
        assert!(w > 2.0 * i, "{w} vs {i}");
        assert!(text_width_mm("Año", 10.0, true) > text_width_mm("Año", 10.0, false));
        // DejaVu "M" is 1767/2048 em wide.
        assert!((text_width_mm("M", 72.0, false) - 25.4 * 1767.0 / 2048.0).abs() < 0.01);
    }

    #[test]
    fn subset_keeps_the_glyphs_and_their_widths() {
        let bytes = subset(false, "S/ 1,234.50 Ñandú".chars()).unwrap();
        assert!(bytes.len() < 40_000, "{} bytes", bytes.len());
        let small = ParsedFont::from_bytes(&bytes, 0, &mut Vec::new()).unwrap();
        let full = parsed(false).unwrap();
        for c in "S/Ñú".chars() {
            let w_small = small
                .lookup_glyph_index(c as u32)
                .and_then(|g| small.get_glyph_width(g));
            let w_full = full
                .lookup_glyph_index(c as u32)
                .and_then(|g| full.get_glyph_width(g));
            assert!(w_small.is_some() && w_small == w_full, "{c}");
        }
        assert!(small.lookup_glyph_index('Z' as u32).is_none());
    }
}

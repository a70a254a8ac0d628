//! Measuring and wrapping text: sizes in points, widths in millimetres from the
//! embedded DejaVu advance widths (`fonts::text_width_mm`, the numbers the PDF uses), so
//! descriptions wrap and amounts right-align exactly on paper and on screen.

use crate::receipt::fonts::{ASCENT_EM, MM_PER_PT, text_width_mm};

/// Font size (pt) and weight of a run of text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Style {
    pub(super) size: f32,
    pub(super) bold: bool,
}

pub(super) const fn st(size: f32, bold: bool) -> Style {
    Style { size, bold }
}

/// Width of the widest bold label of `rows`, plus the gap before the values.
pub(super) fn label_width(rows: &[(String, String)], s: Style) -> f32 {
    rows.iter()
        .map(|(l, _)| text_width_mm(l, s.size, true))
        .fold(0.0, f32::max)
        + 1.5
}

pub(super) fn line_height(s: Style) -> f32 {
    s.size * 1.2 * MM_PER_PT
}

pub(super) fn ascent(s: Style) -> f32 {
    s.size * ASCENT_EM * MM_PER_PT
}

/// Greedy word wrap to `width` mm; words longer than a line are cut by characters.
pub(super) fn wrap(text: &str, width: f32, s: Style) -> Vec<String> {
    let fits = |t: &str| text_width_mm(t, s.size, s.bold) <= width;
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if fits(&candidate) {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if fits(word) {
                line = word.to_string();
            } else {
                for ch in word.chars() {
                    line.push(ch);
                    if !fits(&line) && line.chars().count() > 1 {
                        line.pop();
                        lines.push(std::mem::take(&mut line));
                        line.push(ch);
                    }
                }
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_word_boundaries_and_cuts_long_words() {
        let s = st(8.0, false);
        let lines = wrap(
            "Cambio de aceite sintético con filtro y revisión de niveles",
            30.0,
            s,
        );
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(text_width_mm(l, 8.0, false) <= 30.0, "{l}");
        }
        assert_eq!(
            lines.join(" "),
            "Cambio de aceite sintético con filtro y revisión de niveles"
        );
        let long = wrap(&"X".repeat(200), 20.0, s);
        assert!(long.len() > 3);
        assert_eq!(long.concat(), "X".repeat(200));
        assert_eq!(wrap("", 20.0, s), vec![String::new()]);
    }
}

//! The SUNAT QR code printed on fiscal receipts, as a module grid for the PDF and the
//! preview. Its text comes from `motordesk_sunat::sunat_qr_payload`.

use qrcode::{EcLevel, QrCode};

/// A QR symbol as a square grid of modules, row by row (`true` = dark). No quiet zone:
/// the layout keeps the margin around it white.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    pub width: usize,
    pub dark: Vec<bool>,
}

impl QrMatrix {
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// Horizontal runs of dark modules `(row, first column, length)`: one filled
    /// rectangle per run instead of per module keeps the PDF small and the preview fast.
    pub fn dark_runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.width && self.is_dark(x, y) {
                        x += 1;
                    }
                    runs.push((y, start, x - start));
                } else {
                    x += 1;
                }
            }
        }
        runs
    }
}

/// Encodes at error-correction level Q (what SUNAT asks for printed receipts).
pub(super) fn qr_matrix(payload: &str) -> Option<QrMatrix> {
    matrix(payload, EcLevel::Q)
}

/// For a code on the screen that a phone scans (a reminder's wa.me link): level L, the
/// smallest symbol for a long link, since a screen is not scratched like a paper roll.
/// `None` when the payload does not fit any QR version.
pub fn screen_qr(payload: &str) -> Option<QrMatrix> {
    matrix(payload, EcLevel::L)
}

fn matrix(payload: &str, level: EcLevel) -> Option<QrMatrix> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), level).ok()?;
    let width = code.width();
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Some(QrMatrix { width, dark })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_has_finder_patterns() {
        let m = qr_matrix("20000000001|03|B001|1|18.00|118.00|2026-11-25|1|45678912|").unwrap();
        assert!(m.width >= 21);
        // Top-left finder: a 7×7 dark ring.
        assert!(m.is_dark(0, 0) && m.is_dark(6, 0) && m.is_dark(0, 6) && !m.is_dark(1, 1));
        let dark_count: usize = m.dark_runs().iter().map(|r| r.2).sum();
        assert_eq!(dark_count, m.dark.iter().filter(|d| **d).count());
    }
}

//! Ventas › barcode scanner. A USB scanner is a keyboard ("keyboard wedge"): it types
//! the code and presses Enter. When no text field has focus those keys would go
//! nowhere, so the panel collects them here and, on Enter, adds the product with that
//! code. A scan into the product search box is handled by the search itself (Enter adds
//! the match).

use egui::{Event, Key, Ui};

/// Shorter than this is a stray key press, not a scan.
const MIN_CODE: usize = 3;
/// Longer than this is not a product code (EAN-13 is 13, our codes are shorter than 32).
const MAX_CODE: usize = 32;
/// Keys further apart than this start a new code: a digit typed by hand minutes ago
/// must not prefix the next scan.
const MAX_GAP_SECS: f64 = 2.0;

#[derive(Debug, Default)]
pub(super) struct Scanner {
    code: String,
    last_key_at: f64,
}

impl Scanner {
    /// Reads this frame's keys; returns a scanned code when Enter completes one. Does
    /// nothing while a text field (or anything else) has the keyboard focus.
    pub(super) fn scanned(&mut self, ui: &Ui) -> Option<String> {
        if ui.ctx().memory(|m| m.focused().is_some()) {
            self.code.clear();
            return None;
        }
        let (events, now) = ui.input(|i| (i.events.clone(), i.time));
        let mut done = None;
        for e in events {
            match e {
                Event::Text(t) => {
                    if now - self.last_key_at > MAX_GAP_SECS {
                        self.code.clear();
                    }
                    self.last_key_at = now;
                    if t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                        && self.code.len() + t.len() <= MAX_CODE
                    {
                        self.code.push_str(&t);
                    } else {
                        // Not a code (a stray letter with accents, a paste): start over.
                        self.code.clear();
                    }
                }
                Event::Key {
                    key: Key::Enter,
                    pressed: true,
                    ..
                } => {
                    let code = std::mem::take(&mut self.code);
                    if code.len() >= MIN_CODE {
                        done = Some(code);
                    }
                }
                _ => {}
            }
        }
        done
    }
}

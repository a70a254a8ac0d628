//! On-screen numeric keypad for quantities, cash received and kilometres: a kiosk has
//! no keyboard, and a soft keyboard is too small for gloved fingers.

use crate::ui::theme;
use egui::{Button, Id, RichText, vec2};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum KeypadOutcome {
    Accept(String),
    Cancel,
}

#[derive(Debug, Clone)]
pub(super) struct Keypad {
    pub title: String,
    pub text: String,
    decimals: bool,
    /// The first key replaces the initial value instead of appending to it.
    fresh: bool,
    /// Shows dots instead of the digits (a manager's PIN).
    masked: bool,
}

const KEY: f32 = 84.0;

impl Keypad {
    pub(super) fn new(title: impl Into<String>, initial: &str, decimals: bool) -> Keypad {
        Keypad {
            title: title.into(),
            text: initial.to_string(),
            decimals,
            fresh: true,
            masked: false,
        }
    }

    /// A keypad for a secret: each digit shows as a dot.
    pub(super) fn masked(mut self) -> Keypad {
        self.masked = true;
        self
    }

    /// Applies one key: a digit, "." or "Borrar"/"Limpiar".
    pub(super) fn press(&mut self, key: &str) {
        if self.fresh && key != "Borrar" {
            self.text.clear();
        }
        self.fresh = false;
        match key {
            "Borrar" => {
                self.text.pop();
            }
            "Limpiar" => self.text.clear(),
            "." if self.decimals && !self.text.contains('.') => {
                if self.text.is_empty() {
                    self.text.push('0');
                }
                self.text.push('.');
            }
            d if d.len() == 1 && d.chars().all(|c| c.is_ascii_digit()) => {
                // Keep numbers sane: at most 9 integer digits and 3 decimals.
                let (int, frac) = self.text.split_once('.').unwrap_or((&self.text, ""));
                let full = if self.text.contains('.') {
                    frac.len() >= 3
                } else {
                    int.len() >= 9
                };
                if !full {
                    if self.text == "0" {
                        self.text.clear();
                    }
                    self.text.push_str(d);
                }
            }
            _ => {}
        }
    }

    /// Draws the keypad as a modal; returns what the person decided, once.
    pub(super) fn show(&mut self, ctx: &egui::Context) -> Option<KeypadOutcome> {
        let mut outcome = None;
        let modal = egui::Modal::new(Id::unique("keypad")).show(ctx, |ui| {
            ui.set_width(3.0 * KEY + 40.0);
            ui.heading(&self.title);
            egui::Frame::new()
                .fill(ui.visuals().extreme_bg_color)
                .corner_radius(6.0)
                .inner_margin(vec2(12.0, 8.0))
                .show(ui, |ui| {
                    // A bounded row: inside a modal the available height is unbounded.
                    let size = vec2(ui.available_width(), 48.0);
                    ui.allocate_ui_with_layout(
                        size,
                        egui::Layout::right_to_left(egui::Align::Center),
                        |ui| {
                            let dots = "•".repeat(self.text.chars().count());
                            let shown = if self.masked {
                                &dots
                            } else if self.text.is_empty() {
                                "0"
                            } else {
                                &self.text
                            };
                            ui.label(RichText::new(shown).size(36.0).monospace().strong());
                        },
                    );
                });
            let rows: [[&str; 3]; 4] = [
                ["7", "8", "9"],
                ["4", "5", "6"],
                ["1", "2", "3"],
                [if self.decimals { "." } else { "Limpiar" }, "0", "Borrar"],
            ];
            egui::Grid::new("keypad_grid")
                .spacing(vec2(8.0, 8.0))
                .show(ui, |ui| {
                    for row in rows {
                        for key in row {
                            let size = if key.len() == 1 { 30.0 } else { 20.0 };
                            let b = Button::new(RichText::new(key).size(size).strong())
                                .min_size(vec2(KEY, 64.0));
                            if ui.add(b).clicked() {
                                self.press(key);
                            }
                        }
                        ui.end_row();
                    }
                });
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let w = (3.0 * KEY + 16.0 - ui.spacing().item_spacing.x) / 2.0;
                if ui
                    .add(Button::new(RichText::new("Cancelar").size(22.0)).min_size(vec2(w, 60.0)))
                    .clicked()
                {
                    outcome = Some(KeypadOutcome::Cancel);
                }
                let ok = Button::new(
                    RichText::new("Aceptar")
                        .size(22.0)
                        .strong()
                        .color(theme::on_fill()),
                )
                .fill(theme::green_fill())
                .min_size(vec2(w, 60.0));
                if ui.add(ok).clicked() {
                    outcome = Some(KeypadOutcome::Accept(self.text.clone()));
                }
            });
        });
        if outcome.is_none() && modal.should_close() {
            outcome = Some(KeypadOutcome::Cancel);
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_key_replaces_then_appends() {
        let mut k = Keypad::new("Cantidad", "1", true);
        k.press("2");
        k.press("5");
        assert_eq!(k.text, "25");
        k.press(".");
        k.press("5");
        k.press(".");
        assert_eq!(k.text, "25.5");
        k.press("Borrar");
        k.press("Borrar");
        assert_eq!(k.text, "25");
    }

    #[test]
    fn integers_only_when_no_decimals() {
        let mut k = Keypad::new("Km", "45000", false);
        k.press(".");
        k.press("7");
        assert_eq!(k.text, "7");
        k.press("Limpiar");
        assert_eq!(k.text, "");
    }
}

//! Ventas › ticket lines: the right-hand column's list of lines, each with its quantity
//! (touch → keypad), unit price, amount and Quitar, then the global discount (keypad).

use super::keypad::{KeyTarget, SaleKeypad};
use crate::ui::keypad::Keypad;
use crate::ui::theme;
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::{InvoiceDraft, plain, round2};
use rust_decimal::Decimal;

/// `2`, `1.5`: a quantity without trailing zeros.
fn qty(d: Decimal) -> String {
    d.normalize().to_string()
}

pub(super) fn lines(ui: &mut Ui, draft: &mut InvoiceDraft, keypad: &mut SaleKeypad) {
    ui.heading(draft.kind.title());
    if draft.lines.is_empty() {
        ui.label(
            RichText::new("Toque una tecla rápida o busque un producto para empezar.")
                .color(theme::grey()),
        );
    }
    let mut remove = None;
    for (i, l) in draft.lines.iter().enumerate() {
        egui::Frame::group(ui.style())
            .inner_margin(6.0)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                // At 1024 px the column is ~330 px inside. The unit price shares the
                // description's line (the description truncates before it) and the amount
                // shares Quitar's, so neither pair can overlap whatever the digits (a
                // S/ 19,999.90 line ran its price into its amount on one line).
                let narrow = ui.available_width() < 400.0;
                let price_size = if narrow { 16.0 } else { theme::BODY };
                egui::Sides::new().shrink_left().truncate().show(
                    ui,
                    |ui| ui.label(RichText::new(&l.description).strong()),
                    |ui| {
                        ui.label(
                            RichText::new(format!("× {}", plain(l.unit_price))).size(price_size),
                        )
                    },
                );
                egui::Sides::new().show(
                    ui,
                    |ui| {
                        let qb = Button::new(
                            RichText::new(format!("{} {}", qty(l.quantity), l.unit.short()))
                                .strong(),
                        )
                        .min_size(vec2(if narrow { 84.0 } else { 100.0 }, theme::TOUCH));
                        if ui.add(qb).on_hover_text("Cambiar cantidad").clicked() {
                            keypad.open(
                                KeyTarget::Quantity(i),
                                Keypad::new(
                                    format!("Cantidad: {}", l.description),
                                    &qty(l.quantity),
                                    true,
                                ),
                            );
                        }
                    },
                    |ui| {
                        if narrow {
                            ui.spacing_mut().item_spacing.x = 6.0;
                            ui.spacing_mut().button_padding = vec2(10.0, 8.0);
                        }
                        if ui
                            .add(
                                Button::new("Quitar")
                                    .min_size(vec2(if narrow { 0.0 } else { 80.0 }, theme::TOUCH)),
                            )
                            .clicked()
                        {
                            remove = Some(i);
                        }
                        let gross = round2(l.quantity * l.unit_price - l.discount);
                        ui.label(RichText::new(plain(gross)).strong());
                    },
                );
            });
    }
    if let Some(i) = remove {
        draft.lines.remove(i);
    }
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        let d = format!("Descuento: {} %", qty(draft.global_discount_pct));
        if ui
            .add(Button::new(d).min_size(vec2(170.0, theme::TOUCH)))
            .clicked()
        {
            keypad.open(
                KeyTarget::Discount,
                Keypad::new(
                    "Descuento global (%)",
                    &qty(draft.global_discount_pct),
                    true,
                ),
            );
        }
    });
}

//! Ventas › payment: Efectivo / Tarjeta / Yape / Plin, and for cash the amount received
//! (keypad) with the change (Vuelto) or what is missing (Falta).

use super::keypad::{KeyTarget, SaleKeypad};
use crate::ui::keypad::Keypad;
use crate::ui::{theme, widgets};
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::{InvoiceDraft, PaymentMethod, plain, soles};

pub(super) fn show(ui: &mut Ui, draft: &mut InvoiceDraft, keypad: &mut SaleKeypad) {
    ui.label(RichText::new("Pago").strong());
    ui.horizontal_wrapped(|ui| {
        for m in PaymentMethod::ALL {
            if widgets::choice(ui, draft.payment.method == m, m.label()).clicked() {
                draft.payment.method = m;
                if m != PaymentMethod::Efectivo {
                    draft.payment.received = None;
                }
            }
        }
    });
    if draft.payment.method != PaymentMethod::Efectivo {
        return;
    }
    let totals = draft.totals();
    ui.horizontal_wrapped(|ui| {
        let r = match draft.payment.received {
            Some(r) => format!("Recibido: {}", soles(r)),
            None => "Recibido: —".to_string(),
        };
        if ui
            .add(Button::new(r).min_size(vec2(200.0, theme::TOUCH)))
            .clicked()
        {
            let init = draft
                .payment
                .received
                .map(plain)
                .unwrap_or_default()
                .replace(',', "");
            keypad.open(
                KeyTarget::Received,
                Keypad::new("Efectivo recibido (S/)", &init, true),
            );
        }
        if let (Some(r), Ok(t)) = (draft.payment.received, &totals) {
            if r >= t.total {
                ui.label(
                    RichText::new(format!("Vuelto: {}", soles(draft.payment.change(t.total))))
                        .size(22.0)
                        .strong()
                        .color(theme::GREEN),
                );
            } else {
                ui.label(
                    RichText::new(format!("Falta: {}", soles(t.total - r)))
                        .strong()
                        .color(theme::RED),
                );
            }
        }
    });
}

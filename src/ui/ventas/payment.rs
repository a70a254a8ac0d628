//! Ventas › payment: for a factura the forma de pago (Contado, or Crédito in 1–6 monthly
//! cuotas that add up to the total less any detracción); Efectivo / Tarjeta / Yape /
//! Plin, and for cash the amount received (keypad, or the quick-cash buttons Exacto and
//! +20 … +200; +200 only above 1024 px) with the change (Vuelto) or what is missing (Falta).
//! *Dividir* splits the total across methods (e.g. Yape + efectivo): each part by keypad,
//! what is left to cover in large type; cash handed over beyond its part is change.

use super::keypad::{KeyTarget, SaleKeypad};
use crate::ui::keypad::Keypad;
use crate::ui::{theme, widgets};
use chrono::{Duration, NaiveDate, Utc};
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::{
    Cuota, DocumentKind, InvoiceDraft, PaymentMethod, PaymentTerms, detraccion_due, lima_date,
    plain, round2, soles,
};
use rust_decimal::Decimal;

/// Cuota counts offered on a factura al crédito.
const CUOTAS: [usize; 4] = [1, 2, 3, 6];

/// `n` monthly cuotas of `net`, the first due 30 days after `today`; the last one takes
/// the céntimos the equal split leaves over.
fn cuotas(net: Decimal, n: usize, today: NaiveDate) -> Vec<Cuota> {
    let each = round2(net / Decimal::from(n as u64));
    (0..n)
        .map(|i| Cuota {
            amount: if i + 1 == n {
                net - each * Decimal::from((n - 1) as u64)
            } else {
                each
            },
            due: today + Duration::days(30 * (i as i64 + 1)),
        })
        .collect()
}

/// Contado or Crédito (facturas only). Kept consistent with the total on every frame.
fn terms(ui: &mut Ui, draft: &mut InvoiceDraft) {
    if draft.kind != DocumentKind::Factura {
        draft.terms = PaymentTerms::Contado;
        return;
    }
    let Ok(t) = draft.totals() else { return };
    let mut n = match &draft.terms {
        PaymentTerms::Contado => 0,
        PaymentTerms::Credito { cuotas } => cuotas.len(),
    };
    ui.label(RichText::new("Forma de pago").strong());
    ui.horizontal_wrapped(|ui| {
        if widgets::choice(ui, n == 0, "Contado").clicked() {
            n = 0;
        }
        for k in CUOTAS {
            let label = if k == 1 {
                "Crédito 1 cuota".to_string()
            } else {
                format!("Crédito {k} cuotas")
            };
            if widgets::choice(ui, n == k, &label).clicked() {
                n = k;
            }
        }
    });
    if n == 0 {
        draft.terms = PaymentTerms::Contado;
        return;
    }
    let net = t.total - detraccion_due(draft.kind, &draft.lines, t.total).unwrap_or_default();
    let list = cuotas(net, n, lima_date(Utc::now()));
    for (i, c) in list.iter().enumerate() {
        ui.label(format!(
            "Cuota {}: {} — vence el {}",
            i + 1,
            soles(c.amount),
            c.due.format("%d/%m/%Y")
        ));
    }
    draft.terms = PaymentTerms::Credito { cuotas: list };
}

pub(super) fn show(ui: &mut Ui, draft: &mut InvoiceDraft, keypad: &mut SaleKeypad) {
    terms(ui, draft);
    if draft.terms != PaymentTerms::Contado {
        draft.payment.received = None;
        return;
    }
    // Pinned under the ticket with the totals: kept to three rows at 1024 px (no
    // heading, the method buttons say what they are; tighter buttons).
    ui.spacing_mut().button_padding = vec2(10.0, 8.0);
    ui.spacing_mut().item_spacing.x = 6.0;
    if draft.payment.is_split() {
        split(ui, draft, keypad);
        return;
    }
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
        ui.horizontal_wrapped(|ui| split_button(ui, draft, keypad));
        return;
    }
    let totals = draft.totals();
    ui.horizontal_wrapped(|ui| {
        let r = match draft.payment.received {
            Some(r) => format!("Recibido: {}", soles(r)),
            None => "Recibido: —".to_string(),
        };
        if ui
            .add(Button::new(r).min_size(vec2(0.0, theme::TOUCH)))
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
        // Beside Recibido: at 1024 px a row of its own would take the ticket's last line.
        split_button(ui, draft, keypad);
        if let (Some(r), Ok(t)) = (draft.payment.received, &totals) {
            if r >= t.total {
                ui.label(
                    RichText::new(format!("Vuelto: {}", soles(draft.payment.change(t.total))))
                        .size(22.0)
                        .strong()
                        .color(theme::green()),
                );
            } else {
                ui.label(
                    RichText::new(format!("Falta: {}", soles(t.total - r)))
                        .strong()
                        .color(theme::red()),
                );
            }
        }
    });
    if let Ok(t) = &totals {
        quick_cash(ui, draft, t.total);
    }
}

/// *Dividir*: the first part of a split, paid by the method chosen (its amount on the
/// keypad); shown once there is something to pay.
fn split_button(ui: &mut Ui, draft: &InvoiceDraft, keypad: &mut SaleKeypad) {
    // A note gives money back (or charges later): nothing to split.
    if !draft.kind.is_note()
        && draft.totals().is_ok_and(|t| t.total > Decimal::ZERO)
        && ui
            .add(Button::new("Dividir").min_size(vec2(0.0, theme::TOUCH)))
            .clicked()
    {
        open_part(keypad, draft.payment.method, None);
    }
}

/// Opens the keypad for the part paid by `method`, prefilled with what is left.
fn open_part(keypad: &mut SaleKeypad, method: PaymentMethod, left: Option<Decimal>) {
    let init = left.map(plain).unwrap_or_default().replace(',', "");
    let title = if method == PaymentMethod::Efectivo {
        "Efectivo recibido (S/)".to_string()
    } else {
        format!("Monto con {} (S/)", method.label())
    };
    keypad.open(
        KeyTarget::SplitPart(method),
        Keypad::new(title, &init, true),
    );
}

/// A split payment in at most three rows, like the cash block it replaces: the parts
/// (each with ✕; removing the last goes back to a single payment) and what is left to
/// cover in large type (or the change once cash covered it), then one button per
/// method not used yet.
fn split(ui: &mut Ui, draft: &mut InvoiceDraft, keypad: &mut SaleKeypad) {
    let Ok(total) = draft.totals().map(|t| t.total) else {
        return;
    };
    let mut remove = None;
    let left = draft.payment.remaining(total);
    ui.horizontal_wrapped(|ui| {
        for p in &draft.payment.parts {
            // The cash handed over shows beside the cash part: the change comes from it.
            let text = match draft.payment.received {
                Some(r) if p.method == PaymentMethod::Efectivo && r > p.amount => format!(
                    "{} {} · recibido {}  ✕",
                    p.method.label(),
                    soles(p.amount),
                    soles(r)
                ),
                _ => format!("{} {}  ✕", p.method.label(), soles(p.amount)),
            };
            if ui
                .add(Button::new(text).min_size(vec2(0.0, theme::TOUCH)))
                .on_hover_text("Quitar este pago")
                .clicked()
            {
                remove = Some(p.method);
            }
        }
        let (text, colour, size) = if left > Decimal::ZERO {
            (format!("Falta: {}", soles(left)), theme::red(), 26.0)
        } else if left < Decimal::ZERO {
            (format!("Excede: {}", soles(-left)), theme::red(), 22.0)
        } else {
            let change = draft.payment.change(total);
            let text = if change > Decimal::ZERO {
                format!("Cubierto · Vuelto: {}", soles(change))
            } else {
                "Cubierto".to_string()
            };
            (text, theme::green(), 22.0)
        };
        // Whole, on the next row when it does not fit beside the parts.
        ui.add(
            egui::Label::new(RichText::new(text).size(size).strong().color(colour))
                .wrap_mode(egui::TextWrapMode::Extend),
        );
    });
    if let Some(m) = remove {
        draft.payment.remove_part(m);
        if !draft.payment.is_split() {
            draft.payment.received = None;
        }
        return;
    }
    if left <= Decimal::ZERO {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 6.0;
        for m in PaymentMethod::ALL {
            if draft.payment.parts.iter().any(|p| p.method == m) {
                continue;
            }
            let b = Button::new(format!("+ {}", m.label())).min_size(vec2(0.0, theme::TOUCH));
            if ui.add(b).clicked() {
                open_part(keypad, m, Some(left));
            }
        }
    });
}

/// Adds the part the keypad entered: a non-cash part may not exceed what is left; cash
/// handed over beyond it covers the rest and the difference is change.
pub(super) fn add_part(
    draft: &mut InvoiceDraft,
    method: PaymentMethod,
    amount: Decimal,
) -> Result<(), String> {
    let total = draft.totals().map_err(|e| e.mensaje())?.total;
    if amount <= Decimal::ZERO {
        return Err("El monto debe ser mayor que cero.".into());
    }
    if !draft.payment.is_split() {
        // Cash typed before splitting belonged to the single payment.
        draft.payment.received = None;
    }
    let left = draft.payment.remaining(total);
    if left <= Decimal::ZERO {
        return Err("El total ya está cubierto.".into());
    }
    let applied = if method == PaymentMethod::Efectivo {
        // Bills beyond what is left are change, not payment.
        let cash_part = if draft.payment.is_split() {
            draft.payment.cash_due(total)
        } else {
            Decimal::ZERO
        };
        let handed = draft.payment.received.unwrap_or(cash_part) + amount;
        draft.payment.received = Some(handed);
        amount.min(left)
    } else if amount > left {
        return Err(format!(
            "El pago con {} ({}) supera lo que falta cobrar ({}).",
            method.label(),
            soles(amount),
            soles(left)
        ));
    } else {
        amount
    };
    draft
        .payment
        .add_part(method, applied)
        .map_err(|e| e.mensaje())
}

/// Bills a cashier is handed, in soles; each touch adds one to what was received.
const BILLS: [u32; 4] = [20, 50, 100, 200];

/// Quick-cash buttons: *Exacto* (received = total) and one per bill ("+50"), which adds
/// that bill to what was received (two S/ 50 bills: touch +50 twice). The Recibido
/// button's keypad corrects any amount.
fn quick_cash(ui: &mut Ui, draft: &mut InvoiceDraft, total: Decimal) {
    if total <= Decimal::ZERO {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 6.0;
        if ui
            .add(Button::new(RichText::new("Exacto").strong()).min_size(vec2(0.0, theme::TOUCH)))
            .clicked()
        {
            draft.payment.received = Some(total);
        }
        // At 1024 px the column holds four: S/ 200 bills are rare at a counter.
        let narrow = ui.ctx().content_rect().width() < 1200.0;
        for bill in BILLS.into_iter().filter(|&b| !(narrow && b == 200)) {
            let b = Button::new(format!("+{bill}")).min_size(vec2(0.0, theme::TOUCH));
            if ui.add(b).clicked() {
                let so_far = draft.payment.received.unwrap_or_default();
                draft.payment.received = Some(so_far + Decimal::from(bill));
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn cuotas_add_up_to_the_net_amount() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let c = cuotas(dec!(1000.00), 3, today);
        assert_eq!(
            c.iter().map(|c| c.amount).collect::<Vec<_>>(),
            [dec!(333.33), dec!(333.33), dec!(333.34)]
        );
        assert_eq!(c[0].due, NaiveDate::from_ymd_opt(2026, 12, 25).unwrap());
        assert_eq!(c[2].due, NaiveDate::from_ymd_opt(2027, 2, 23).unwrap());
    }
}

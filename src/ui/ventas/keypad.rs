//! Ventas › keypad: which number of the sale the on-screen keypad is editing (a line's
//! quantity, the global discount, the cash received, the km) and how the accepted text
//! is checked and written back. The keypad widget itself is `ui::keypad`.

use crate::ui::keypad::{Keypad, KeypadOutcome};
use crate::ui::widgets::Msg;
use motordesk_core::{InvoiceDraft, parse_amount};
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyTarget {
    /// Quantity of the line at this index.
    Quantity(usize),
    Received,
    Km,
    Discount,
    /// One part of a split payment, by this method.
    SplitPart(motordesk_core::PaymentMethod),
}

/// The keypad open over the sale, if any, and what it edits.
#[derive(Default)]
pub(super) struct SaleKeypad(Option<(KeyTarget, Keypad)>);

impl SaleKeypad {
    pub(super) fn open(&mut self, target: KeyTarget, pad: Keypad) {
        self.0 = Some((target, pad));
    }

    /// Draws the open keypad; once it closes with OK, returns what it edits and the
    /// trimmed text.
    pub(super) fn show(&mut self, ctx: &egui::Context) -> Option<(KeyTarget, String)> {
        let (target, pad) = self.0.as_mut()?;
        let target = *target;
        let outcome = pad.show(ctx)?;
        self.0 = None;
        match outcome {
            KeypadOutcome::Accept(text) => Some((target, text.trim().to_string())),
            KeypadOutcome::Cancel => None,
        }
    }
}

/// Writes the accepted `text` into the sale; a value out of range goes to `msg`.
pub(super) fn apply(
    target: KeyTarget,
    text: &str,
    draft: &mut InvoiceDraft,
    km: &mut Option<u32>,
    msg: &mut Option<Msg>,
) {
    match target {
        KeyTarget::Quantity(i) => match parse_amount(text) {
            Ok(q) if q > Decimal::ZERO => {
                if let Some(l) = draft.lines.get_mut(i) {
                    l.quantity = q;
                }
            }
            Ok(_) => *msg = Some(Msg::error("La cantidad debe ser mayor que cero.")),
            Err(e) => *msg = Some(Msg::error(e.mensaje())),
        },
        KeyTarget::Discount => match parse_amount(if text.is_empty() { "0" } else { text }) {
            Ok(d) if d >= Decimal::ZERO && d <= Decimal::ONE_HUNDRED => {
                draft.global_discount_pct = d
            }
            Ok(_) => *msg = Some(Msg::error("El descuento debe estar entre 0 y 100 %.")),
            Err(e) => *msg = Some(Msg::error(e.mensaje())),
        },
        KeyTarget::Received => {
            if text.is_empty() {
                draft.payment.received = None;
            } else {
                match parse_amount(text) {
                    Ok(r) if r >= Decimal::ZERO => draft.payment.received = Some(r),
                    Ok(_) => *msg = Some(Msg::error("El monto recibido no puede ser negativo.")),
                    Err(e) => *msg = Some(Msg::error(e.mensaje())),
                }
            }
        }
        KeyTarget::SplitPart(method) => match parse_amount(text) {
            Ok(a) => {
                if let Err(e) = super::payment::add_part(draft, method, a) {
                    *msg = Some(Msg::error(e));
                }
            }
            Err(e) => *msg = Some(Msg::error(e.mensaje())),
        },
        KeyTarget::Km => {
            if text.is_empty() {
                *km = None;
            } else {
                match text.parse::<u32>() {
                    Ok(k) => *km = Some(k),
                    Err(_) => *msg = Some(Msg::error("Kilometraje inválido.")),
                }
            }
        }
    }
}

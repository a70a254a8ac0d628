//! Ventas › notes: a Nota de crédito prefilled from a document chosen in Comprobantes
//! (same buyer, lines, discount and payment method, referenced through `Modifies`), or a
//! Nota de débito on it (same buyer, no lines: the cashier adds the interest or penalty),
//! and the note's header with the reason chooser in place of the kind toggle.

use crate::ui::{theme, widgets};
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::{DocumentKind, Invoice, InvoiceDraft, Modifies, NoteReason, soles};

/// A note of `kind` on `inv`: a credit note reverses it until the cashier edits it; a
/// debit note starts empty.
pub(super) fn draft_of(kind: DocumentKind, inv: &Invoice) -> InvoiceDraft {
    let mut draft = InvoiceDraft::new(kind);
    draft.buyer = inv.buyer.clone();
    draft.payment.method = inv.payment.method;
    if kind == DocumentKind::NotaDeDebito {
        draft.modifies = Some(Modifies::of(inv, NoteReason::InteresesPorMora, ""));
    } else {
        draft.lines = inv.lines.clone();
        draft.global_discount_pct = inv.global_discount_pct;
        draft.modifies = Some(Modifies::of(inv, NoteReason::AnulacionDeLaOperacion, ""));
    }
    draft
}

/// What is being credited, the reason and its detail. Returns true when the cashier
/// cancels the note.
pub(super) fn header(ui: &mut Ui, draft: &mut InvoiceDraft) -> bool {
    let Some(m) = draft.modifies.as_mut() else {
        return false;
    };
    let debit = draft.kind == DocumentKind::NotaDeDebito;
    let what = if debit {
        "NOTA DE DÉBITO"
    } else {
        "NOTA DE CRÉDITO"
    };
    ui.label(
        RichText::new(format!("{what} de {} {}", m.kind.short(), m.number))
            .size(24.0)
            .strong()
            .color(theme::RED),
    );
    ui.label(format!(
        "Cliente: {} · Total original: {}",
        draft.buyer.name,
        soles(m.total)
    ));
    ui.label("Motivo");
    ui.horizontal_wrapped(|ui| {
        let reasons: &[NoteReason] = if debit {
            &NoteReason::DEBIT
        } else {
            &NoteReason::CREDIT
        };
        for &r in reasons {
            if widgets::choice(ui, m.reason == r, r.label()).clicked() {
                m.reason = r;
            }
        }
    });
    widgets::field(
        ui,
        "Detalle del motivo",
        &mut m.note,
        ui.available_width().min(500.0),
    );
    let cancel = if debit {
        "Cancelar nota de débito"
    } else {
        "Cancelar nota de crédito"
    };
    ui.add(Button::new(cancel).min_size(vec2(0.0, theme::TOUCH)))
        .clicked()
}

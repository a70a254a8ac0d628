//! Ventas › notes: a Nota de crédito prefilled from a document chosen in Comprobantes
//! (same buyer, lines, discount and payment method, referenced through `Modifies`), or a
//! Nota de débito on it (same buyer, no lines: the cashier adds the interest or penalty),
//! and the note's header with the reason chooser in place of the kind toggle. EMITIR on
//! a credit note asks for the reason's detail, then a confirmation, then (for a cashier)
//! a manager's PIN; the approver is recorded on the note.

use crate::store::{Approval, ApprovalRequest};
use crate::ui::approval::Approver;
use crate::ui::session::Session;
use crate::ui::widgets::Msg;
use crate::ui::{theme, widgets};
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::{DocumentKind, Invoice, InvoiceDraft, Modifies, NoteReason, Vehicle, soles};

/// A credit note waiting for the cashier's yes and a manager's PIN, with the vehicle
/// and km it is issued with.
type Pending = (InvoiceDraft, Option<Vehicle>, Option<u32>);

#[derive(Default)]
pub(super) struct NoteGate {
    pending: Option<Pending>,
    approver: Approver,
}

impl NoteGate {
    /// A credit note must pass the gate (confirmation, and a cashier's PIN) before it
    /// is issued.
    pub(super) fn needed(draft: &InvoiceDraft) -> bool {
        draft.kind == DocumentKind::NotaDeCredito
    }

    /// EMITIR on a credit note: refused without the reason's detail, else the
    /// confirmation opens.
    pub(super) fn open(&mut self, p: Pending, msg: &mut Option<Msg>) {
        if p.0
            .modifies
            .as_ref()
            .is_none_or(|m| m.note.trim().is_empty())
        {
            *msg = Some(Msg::error(
                "Escriba el detalle del motivo de la nota de crédito.",
            ));
            return;
        }
        self.pending = Some(p);
    }

    /// Draws the confirmation and the PIN pad; once confirmed, the note to issue with
    /// the manager's approval (none for an administrator, whose session approves it: the
    /// store records them).
    pub(super) fn ui(
        &mut self,
        ctx: &egui::Context,
        s: &Session,
        msg: &mut Option<Msg>,
    ) -> Option<(Pending, Option<Approval>)> {
        if let Some(a) = self.approver.ui(ctx, s, msg) {
            return Some((self.pending.take()?, Some(a)));
        }
        if self.approver.waiting() {
            return None;
        }
        let (draft, _, _) = self.pending.as_ref()?;
        let m = draft.modifies.as_ref()?;
        let total = draft.totals().map(|t| t.total).unwrap_or_default();
        let (mut yes, mut no) = (false, false);
        let modal = egui::Modal::new(egui::Id::unique("credit_note_confirm")).show(ctx, |ui| {
            ui.set_width(460.0);
            ui.heading("Emitir nota de crédito");
            ui.label(
                RichText::new(format!(
                    "¿Emitir una nota de crédito por {} sobre {} {}?",
                    soles(total),
                    m.kind.short(),
                    m.number
                ))
                .size(20.0)
                .strong(),
            );
            ui.label(format!("Motivo: {} — {}", m.reason.label(), m.note.trim()));
            ui.label(
                RichText::new("Se informa a SUNAT y no se puede deshacer.").color(theme::amber()),
            );
            if !s.is_admin() {
                ui.label("Luego un administrador ingresa su PIN para autorizarla.");
            }
            // A wrong PIN is said here, where the cashier is looking (not the panel's
            // "revise las líneas" note behind).
            if let Some(m) = msg.as_ref().filter(|m| m.tone == widgets::Tone::Error) {
                widgets::message(ui, m);
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                yes = widgets::big_button(ui, "Sí, emitir", Some(theme::red()), 200.0).clicked();
                no = ui
                    .add(Button::new("Cancelar").min_size(vec2(160.0, 60.0)))
                    .clicked();
            });
        });
        if no || modal.should_close() {
            self.pending = None;
            return None;
        }
        if yes {
            if s.is_admin() {
                // An administrator is the manager: the approval is theirs.
                return Some((self.pending.take()?, None));
            }
            self.approver
                .ask(ApprovalRequest::credit_note(m.invoice_id, total));
        }
        None
    }
}

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
            .color(theme::red()),
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

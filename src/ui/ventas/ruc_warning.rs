//! Ventas › the RUC warning: before a factura to a RUC known to be not ACTIVO or not
//! HABIDO (looked up in this session, or saved on the customer), the cashier reads why
//! SUNAT may reject it and confirms, or goes back. Nothing is known about a RUC never
//! looked up, so it goes without a warning (the lookup is online enrichment only).

use crate::ui::session::Session;
use crate::ui::{theme, widgets};
use egui::RichText;
use motordesk_core::{Customer, DocumentKind, IdKind, InvoiceDraft, TaxpayerStatus};

/// The warning for `draft`'s buyer, if its RUC is known to be in trouble.
pub(super) fn warning(draft: &InvoiceDraft, s: &Session) -> Option<String> {
    if draft.kind != DocumentKind::Factura || draft.buyer.id.kind != IdKind::Ruc {
        return None;
    }
    let ruc = &draft.buyer.id.number;
    status(draft, s)?.factura_warning(ruc)
}

/// This session's lookups first (the newest word), then the customer record: a single
/// sealed read by id, well under a millisecond, done only when EMITIR is touched.
fn status(draft: &InvoiceDraft, s: &Session) -> Option<TaxpayerStatus> {
    if let Some(t) = s.taxpayers.get(&draft.buyer.id.number) {
        return Some(t.clone());
    }
    let id = draft.buyer.customer_id?;
    match s.store.get::<Customer>(id) {
        Ok(c) => c
            .map(|c| c.data)
            .filter(|c| c.doc.number == draft.buyer.id.number)
            .and_then(|c| c.sunat),
        Err(e) => {
            log::warn!("reading customer {id} for the RUC warning: {e}");
            None
        }
    }
}

/// What the cashier chose in the warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Choice {
    Issue,
    Back,
}

/// The open warning, if any.
#[derive(Default)]
pub(super) struct RucWarning {
    open: Option<String>,
}

impl RucWarning {
    pub(super) fn open(&mut self, text: String) {
        self.open = Some(text);
    }

    /// Draws the warning while open; returns the choice once.
    pub(super) fn ui(&mut self, ctx: &egui::Context) -> Option<Choice> {
        let text = self.open.as_ref()?;
        let mut choice = None;
        let modal = egui::Modal::new(egui::Id::unique("ruc_warning")).show(ctx, |ui| {
            ui.set_width(520.0);
            ui.label(
                RichText::new("RUC observado en SUNAT")
                    .size(24.0)
                    .strong()
                    .color(theme::red()),
            );
            ui.add_space(8.0);
            ui.label(RichText::new(text).size(18.0));
            ui.add_space(8.0);
            ui.label("¿Emitir la factura de todos modos?");
            ui.add_space(12.0);
            ui.horizontal(|ui| {
                if widgets::big_button(ui, "Volver", None, 200.0).clicked() {
                    choice = Some(Choice::Back);
                }
                if widgets::big_button(ui, "Emitir de todos modos", Some(theme::red()), 280.0)
                    .clicked()
                {
                    choice = Some(Choice::Issue);
                }
            });
        });
        if modal.should_close() && choice.is_none() {
            choice = Some(Choice::Back);
        }
        if choice.is_some() {
            self.open = None;
        }
        choice
    }
}

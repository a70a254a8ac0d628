//! Ventas › customer: who the sale is for. "Clientes varios" by default; search as you
//! type on a worker (`store.search_customers`); picking a RUC customer on a boleta
//! switches the sale to factura.

use crate::store::StoreResult;
use crate::ui::session::Session;
use crate::ui::widgets::{self, Msg};
use crate::ui::{theme, worker::Job};
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::{Buyer, Customer, DocumentKind, IdKind, InvoiceDraft, Stored};

#[derive(Default)]
pub(super) struct CustomerPicker {
    query: String,
    /// The query of the last search started.
    searched: String,
    job: Job<StoreResult<Vec<Stored<Customer>>>>,
    hits: Vec<Customer>,
}

/// The buyer printed on the receipt for a registered customer.
pub(super) fn buyer_of(c: &Customer) -> Buyer {
    Buyer {
        customer_id: Some(c.id),
        id: c.doc.clone(),
        name: c.name.clone(),
        address: c.address.clone(),
    }
}

impl CustomerPicker {
    pub(super) fn poll(&mut self, msg: &mut Option<Msg>) {
        if let Some(h) = self.job.poll_ok(msg) {
            self.hits = h.into_iter().map(|c| c.data).collect();
        }
    }

    /// A new sale: empty search.
    pub(super) fn clear(&mut self) {
        self.query.clear();
        self.hits.clear();
    }

    pub(super) fn ui(&mut self, ui: &mut Ui, s: &mut Session, draft: &mut InvoiceDraft) {
        ui.add_space(4.0);
        let b = draft.buyer.clone();
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Cliente:").strong());
            if b.id.identifies_buyer() {
                ui.label(
                    RichText::new(format!(
                        "{} · {} {}",
                        b.name,
                        b.id.kind.label(),
                        b.id.number
                    ))
                    .strong()
                    .color(theme::BLUE),
                );
                if ui
                    .add(Button::new("Clientes varios").min_size(vec2(0.0, theme::TOUCH)))
                    .clicked()
                {
                    draft.buyer = Buyer::varios();
                }
            } else {
                ui.label(RichText::new("CLIENTES VARIOS").strong());
            }
        });
        let w = ui.available_width().min(520.0);
        widgets::search_field(ui, "Buscar cliente (nombre, DNI o RUC)", &mut self.query, w);
        let q = self.query.trim().to_string();
        if q != self.searched {
            self.searched = q.clone();
            if q.is_empty() {
                self.hits.clear();
            } else {
                let store = s.store.clone();
                let q = q.clone();
                self.job
                    .start(ui.ctx(), move || store.search_customers(&q, 6));
            }
        }
        if q.is_empty() {
            return;
        }
        let mut picked = None;
        ui.horizontal_wrapped(|ui| {
            for c in &self.hits {
                let t = format!("{}\n{} {}", c.name, c.doc.kind.label(), c.doc.number);
                if ui
                    .add(Button::new(RichText::new(t).size(17.0)).min_size(vec2(220.0, 56.0)))
                    .clicked()
                {
                    picked = Some(c.clone());
                }
            }
            if self.hits.is_empty() && !self.job.busy() {
                ui.label(
                    RichText::new("Sin resultados. Registre al cliente en Clientes.")
                        .color(theme::GREY),
                );
            }
        });
        if let Some(c) = picked {
            draft.buyer = buyer_of(&c);
            if c.doc.kind == IdKind::Ruc && draft.kind == DocumentKind::Boleta {
                draft.kind = DocumentKind::Factura;
            }
            self.query.clear();
            self.searched.clear();
            self.hits.clear();
        }
    }
}

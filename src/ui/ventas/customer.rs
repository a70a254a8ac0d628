//! Ventas › customer: who the sale is for. "Clientes varios" by default; search as you
//! type on a worker (`store.search_customers`); picking a RUC customer on a boleta
//! switches the sale to factura. A DNI or RUC typed that no customer has can be looked
//! up online ("Buscar en SUNAT/RENIEC"): the answer is saved as a customer (with its
//! estado/condición) and becomes the buyer.

use crate::store::StoreResult;
use crate::ui::lookup::{self, LookupButton};
use crate::ui::session::Session;
use crate::ui::widgets::{self, Msg};
use crate::ui::{theme, worker::Job};
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::{
    Buyer, Customer, DocumentKind, DomainError, IdKind, InvoiceDraft, LookupKind, LookupResult,
    Stored,
};

#[derive(Default)]
pub(super) struct CustomerPicker {
    query: String,
    /// The query of the last search started.
    searched: String,
    job: Job<StoreResult<Vec<Stored<Customer>>>>,
    hits: Vec<Customer>,
    lookup: LookupButton,
    /// Saving the customer a lookup found; it becomes the buyer when saved.
    save: Job<StoreResult<Customer>>,
}

/// What the sale's rules say about the buyer of a factura (no RUC customer, no name),
/// short enough to stand on the *Cliente* row in the place of "CLIENTES VARIOS"; the
/// footer shows the other rules (a boleta over S/ 700 is about the total as much).
fn buyer_refusal(draft: &InvoiceDraft) -> Option<String> {
    if draft.kind != DocumentKind::Factura {
        return None;
    }
    if draft.buyer.id.kind != IdKind::Ruc {
        return Some("Factura: elija un cliente con RUC.".into());
    }
    match draft.check() {
        Err(DomainError::NameRequired) => Some("Factura: el cliente no tiene nombre.".into()),
        _ => None,
    }
}

/// The refusals shown on the *Cliente* row (not repeated in the footer).
pub(super) fn is_about_buyer(e: &DomainError) -> bool {
    matches!(e, DomainError::FacturaNeedsRuc | DomainError::NameRequired)
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
        self.lookup.clear();
    }

    /// Makes `c` the buyer (a RUC on a boleta turns the sale into a factura) and
    /// remembers its estado/condición for the factura warning.
    fn pick(&mut self, s: &mut Session, draft: &mut InvoiceDraft, c: &Customer) {
        draft.buyer = buyer_of(c);
        if c.doc.kind == IdKind::Ruc && draft.kind == DocumentKind::Boleta {
            draft.kind = DocumentKind::Factura;
        }
        if let Some(t) = &c.sunat {
            s.taxpayers.insert(c.doc.number.clone(), t.clone());
        }
        self.query.clear();
        self.searched.clear();
        self.hits.clear();
    }

    pub(super) fn ui(&mut self, ui: &mut Ui, s: &mut Session, draft: &mut InvoiceDraft) {
        let mut msg = None;
        if let Some(c) = self.save.poll_ok(&mut msg) {
            s.changed();
            self.pick(s, draft, &c);
        }
        if msg.is_some() {
            self.lookup.msg = msg;
        }
        ui.add_space(4.0);
        let b = draft.buyer.clone();
        let refusal = buyer_refusal(draft);
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
                    .color(theme::blue()),
                );
                if ui
                    .add(Button::new("Clientes varios").min_size(vec2(0.0, theme::TOUCH)))
                    .clicked()
                {
                    draft.buyer = Buyer::varios();
                }
            } else if refusal.is_none() {
                ui.label(RichText::new("CLIENTES VARIOS").strong());
            }
            // In the place of "CLIENTES VARIOS": no line is kept for it, the quick keys
            // below need every row of the 768 px screen.
            if let Some(r) = &refusal {
                ui.label(RichText::new(r).size(16.0).strong().color(theme::red()));
            }
        });
        if b.id.kind == IdKind::Ruc
            && let Some(t) = s.taxpayers.get(&b.id.number)
        {
            lookup::status_line(ui, t, false);
        }
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
            self.lookup.clear();
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
                // A DNI/RUC typed gets the lookup button below instead of the advice.
                let text = if LookupKind::of_typed(&q).is_some() {
                    "Ningún cliente con ese número."
                } else {
                    "Sin resultados. Registre al cliente en Clientes."
                };
                ui.label(RichText::new(text).color(theme::grey()));
            }
        });
        // A document number nobody here has: the registers may know it.
        let typed_number = LookupKind::of_typed(&q).is_some();
        if typed_number && !self.hits.iter().any(|c| c.doc.number == q) {
            if let Some(r) = self.lookup.ui(ui, s, &q) {
                let store = s.store.clone();
                self.save.start(ui.ctx(), move || save_found(&store, r));
            }
        } else if !typed_number {
            self.lookup.clear();
        }
        if let Some(c) = picked {
            self.pick(s, draft, &c);
        }
    }
}

/// The customer a lookup found, saved: a new one, or the one with that document
/// updated (name, address when given, estado/condición; phone and email kept).
fn save_found(store: &crate::store::Store, r: LookupResult) -> StoreResult<Customer> {
    let kind = r.kind.id_kind();
    let c = match store.customer_by_doc(kind, &r.number)? {
        Some(old) => Customer {
            name: r.name,
            address: if r.address.is_empty() {
                old.data.address.clone()
            } else {
                r.address
            },
            sunat: r.taxpayer,
            ..old.data
        },
        None => {
            let mut c = Customer::new(
                uuid::Uuid::now_v7(),
                kind,
                &r.number,
                &r.name,
                &r.address,
                "",
                "",
            )?;
            c.sunat = r.taxpayer;
            c
        }
    };
    Ok(store.save_customer(c)?.data)
}

//! The history on a customer's page in Clientes: a summary line on top (how many
//! vehicles and documents, what they spent) and two tabs, "Datos" (the form) and
//! "Historial" (their vehicles and their documents newest first, 50 at a time with
//! "Ver más"). Read on a worker from the customer's own index rows
//! (`Store::customer_history`), never by opening the shop's documents.

use crate::store::{CustomerHistory, HISTORY_PAGE, StoreResult};
use crate::ui::session::Session;
use crate::ui::widgets::{self, Msg};
use crate::ui::{theme, worker::Job};
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::{DocumentKind, lima_display, soles, thousands};
use uuid::Uuid;

#[derive(Default)]
pub(super) struct CustomerHistoryView {
    /// The history on screen and whose it is.
    shown: Option<(Uuid, CustomerHistory)>,
    /// Documents asked for (a multiple of `HISTORY_PAGE`).
    wanted: usize,
    /// (customer, store revision, documents wanted) of the last load started.
    loaded: Option<(Uuid, u64, usize)>,
    job: Job<StoreResult<(Uuid, CustomerHistory)>>,
    msg: Option<Msg>,
    /// The Historial tab is open instead of the form (kept from customer to customer).
    on_history: bool,
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

impl CustomerHistoryView {
    /// Loads `customer`'s history when it, the store or the page asked for changed, and
    /// shows the summary line and the tabs. Call once per frame, first; true when the
    /// form is to be shown (the Datos tab, or a new customer).
    pub(super) fn summary(&mut self, ui: &mut Ui, s: &Session, customer: Option<Uuid>) -> bool {
        if let Some(got) = self.job.poll_ok(&mut self.msg) {
            self.shown = Some(got);
        }
        let Some(id) = customer else {
            self.shown = None;
            self.loaded = None;
            self.on_history = false;
            return true;
        };
        if self.loaded.is_none_or(|(c, _, _)| c != id) {
            self.wanted = HISTORY_PAGE;
        }
        let key = (id, s.revision, self.wanted);
        if self.loaded != Some(key) && !self.job.busy() {
            let store = s.store.clone();
            let wanted = self.wanted;
            self.job.start(ui.ctx(), move || {
                store.customer_history(id, wanted).map(|h| (id, h))
            });
            self.loaded = Some(key);
        }
        match &self.shown {
            Some((c, h)) if *c == id => {
                ui.label(
                    RichText::new(format!(
                        "{} · {} · Total gastado: {}",
                        count(h.vehicles.len(), "vehículo", "vehículos"),
                        count(h.document_count, "comprobante", "comprobantes"),
                        soles(h.spent)
                    ))
                    .strong(),
                );
            }
            _ => {
                ui.label(RichText::new("Cargando historial…").weak());
            }
        }
        ui.horizontal(|ui| {
            if widgets::choice(ui, !self.on_history, "Datos del cliente").clicked() {
                self.on_history = false;
            }
            if widgets::choice(ui, self.on_history, "Historial").clicked() {
                self.on_history = true;
            }
        });
        ui.add_space(4.0);
        !self.on_history
    }

    /// The Historial tab: vehicles and documents.
    pub(super) fn ui(&mut self, ui: &mut Ui, customer: Option<Uuid>) {
        let Some((c, h)) = &self.shown else { return };
        if customer != Some(*c) {
            return;
        }
        ui.heading("Historial del cliente");
        widgets::maybe_message(ui, &self.msg);
        ui.label(RichText::new(format!("Total gastado: {}", soles(h.spent))).strong());
        ui.label(RichText::new("Ventas menos notas de crédito, como en el cierre de caja.").weak());
        ui.add_space(6.0);
        ui.label(RichText::new(format!("Vehículos ({})", h.vehicles.len())).strong());
        if h.vehicles.is_empty() {
            ui.label(RichText::new("Sin vehículos a su nombre.").weak());
        }
        for v in &h.vehicles {
            ui.label(format!(
                "{} · {} {} · {} km",
                v.plate,
                v.brand,
                v.model,
                thousands(v.odometer_km)
            ));
        }
        ui.add_space(6.0);
        ui.label(RichText::new(format!("Comprobantes ({})", h.document_count)).strong());
        if h.documents.is_empty() {
            ui.label(RichText::new("Sin comprobantes a su nombre.").weak());
        }
        for d in &h.documents {
            // Kept on one line when the row wraps (no-break spaces).
            let amount = soles(d.total).replace(' ', "\u{a0}");
            let amount = match d.kind {
                DocumentKind::NotaDeCredito => format!("−\u{a0}{amount}"),
                _ => amount,
            };
            let mut line = format!(
                "{} · {} {} · {}",
                lima_display(d.issued_at),
                d.kind.short(),
                d.number,
                amount
            );
            if let Some(p) = &d.plate {
                line.push_str(&format!(" · {p}"));
            }
            if d.fully_credited() {
                line.push_str(" · con nota de crédito");
            }
            ui.add(egui::Label::new(line).wrap());
        }
        let more = h.document_count.saturating_sub(h.documents.len());
        if more > 0 {
            let text = format!("Ver más ({more} anteriores)");
            if ui
                .add_enabled(
                    !self.job.busy(),
                    Button::new(text).min_size(vec2(260.0, theme::TOUCH)),
                )
                .clicked()
            {
                self.wanted = h.documents.len() + HISTORY_PAGE;
            }
        }
    }
}

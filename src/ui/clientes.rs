//! Clientes: search-as-you-type list and the create/edit form. The document number is
//! checked as it is typed (RUC check digit, DNI length) with the rule's Spanish text;
//! online, "Buscar en SUNAT/RENIEC" fills name and address and shows estado/condición,
//! which is saved on the customer.

use crate::store::StoreResult;
use crate::ui::customer_history::CustomerHistoryView;
use crate::ui::lookup::{self, LookupButton};
use crate::ui::session::Session;
use crate::ui::widgets::{self, Msg};
use crate::ui::{field_error, theme, worker::Job};
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::Stored;
use motordesk_core::{Customer, TaxpayerStatus};
use motordesk_core::{DomainError, IdDocument, IdKind};
use uuid::Uuid;

struct CustomerForm {
    id: Option<Uuid>,
    kind: IdKind,
    number: String,
    name: String,
    address: String,
    phone: String,
    email: String,
    /// Estado and condición from a lookup (or the saved customer), for this number only.
    sunat: Option<(String, TaxpayerStatus)>,
    /// Why the last *Guardar cliente* was refused: the field that caused it, the text,
    /// and the number typed then.
    refusal: Option<(Cause, String, String)>,
}

/// The field a refusal is shown under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    Number,
    Name,
}

impl CustomerForm {
    /// The refusal to show under `field`, while what caused it is still there.
    fn refusal(&self, field: Cause) -> Option<&str> {
        let (f, text, number) = self.refusal.as_ref()?;
        let still = match f {
            // A number typed since gets the live check instead.
            Cause::Number => self.number.trim() == number,
            Cause::Name => self.name.trim().is_empty(),
        };
        (*f == field && still).then_some(text.as_str())
    }
}

impl Default for CustomerForm {
    fn default() -> Self {
        CustomerForm {
            id: None,
            kind: IdKind::Dni,
            number: String::new(),
            name: String::new(),
            address: String::new(),
            phone: String::new(),
            email: String::new(),
            sunat: None,
            refusal: None,
        }
    }
}

impl CustomerForm {
    fn from(c: &Customer) -> CustomerForm {
        CustomerForm {
            id: Some(c.id),
            kind: c.doc.kind,
            number: c.doc.number.clone(),
            name: c.name.clone(),
            address: c.address.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
            sunat: c.sunat.clone().map(|t| (c.doc.number.clone(), t)),
            refusal: None,
        }
    }

    /// The status that belongs to the number now typed (a lookup of another number is
    /// not this customer's).
    fn status(&self) -> Option<&TaxpayerStatus> {
        self.sunat
            .as_ref()
            .filter(|(n, _)| self.kind == IdKind::Ruc && *n == self.number.trim())
            .map(|(_, t)| t)
    }

    /// Fills the form from a lookup; phone and email stay as typed.
    fn fill(&mut self, r: motordesk_core::LookupResult) {
        self.kind = r.kind.id_kind();
        self.name = r.name;
        if !r.address.is_empty() {
            self.address = r.address;
        }
        self.sunat = r.taxpayer.map(|t| (r.number.clone(), t));
        self.number = r.number;
    }
}

#[derive(Default)]
pub(super) struct ClientesPanel {
    query: String,
    /// (query, revision) of the last search started.
    searched: Option<(String, u64)>,
    search: Job<StoreResult<Vec<Stored<Customer>>>>,
    hits: Vec<Stored<Customer>>,
    form: CustomerForm,
    save: Job<StoreResult<Stored<Customer>>>,
    msg: Option<Msg>,
    lookup: LookupButton,
    /// The selected customer's vehicles, documents and total spent.
    history: CustomerHistoryView,
}

pub(super) const ID_KINDS: [IdKind; 4] = [
    IdKind::Dni,
    IdKind::Ruc,
    IdKind::CarnetExtranjeria,
    IdKind::Pasaporte,
];

impl ClientesPanel {
    pub(super) fn ui(&mut self, ui: &mut Ui, s: &mut Session) {
        self.poll(s);
        let key = (self.query.clone(), s.revision);
        if self.searched.as_ref() != Some(&key) {
            let store = s.store.clone();
            let q = self.query.clone();
            self.search
                .start(ui.ctx(), move || store.search_customers(&q, 300));
            self.searched = Some(key);
        }
        egui::Panel::left("customers_list")
            .resizable(false)
            .exact_size((ui.available_width() * 0.42).clamp(300.0, 460.0))
            .show(ui, |ui| self.list(ui));
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                let customer = self.form.id;
                if self.history.summary(ui, s, customer) {
                    self.form_ui(ui, s);
                } else {
                    self.history.ui(ui, customer);
                }
            });
        });
    }

    fn poll(&mut self, s: &mut Session) {
        if let Some(h) = self.search.poll_ok(&mut self.msg) {
            self.hits = h;
        }
        match self.save.poll() {
            Some(Ok(saved)) => {
                self.msg = Some(Msg::ok(format!("Cliente guardado: {}.", saved.data.name)));
                self.form = CustomerForm::from(&saved.data);
                s.changed();
            }
            // Another customer has this document: said under the number.
            Some(Err(e @ crate::store::StoreError::DuplicateDocument { .. })) => {
                log::info!("customer refused: {e}");
                let number = self.form.number.trim().to_string();
                self.form.refusal = Some((Cause::Number, e.mensaje(), number));
            }
            Some(Err(e)) => {
                log::warn!("saving customer: {e}");
                self.msg = Some(Msg::error(e.mensaje()));
            }
            None => {}
        }
    }

    fn list(&mut self, ui: &mut Ui) {
        ui.heading("Clientes");
        widgets::search_field(
            ui,
            "Buscar cliente (nombre o documento)",
            &mut self.query,
            ui.available_width() - 8.0,
        );
        if ui
            .add(Button::new("Nuevo cliente").min_size(vec2(200.0, theme::TOUCH)))
            .clicked()
        {
            self.form = CustomerForm::default();
            self.msg = None;
            self.lookup.clear();
        }
        let hits = self.hits.len();
        let found = format!(
            "{hits} {}",
            widgets::noun(hits as u64, "resultado", "resultados")
        );
        ui.label(RichText::new(found).small());
        let row_h = 52.0;
        let n = self.hits.len();
        ui.spacing_mut().item_spacing.y = 4.0;
        egui::ScrollArea::vertical()
            .auto_shrink(false)
            .show_rows(ui, row_h, n, |ui, range| {
                for i in range {
                    let c = &self.hits[i].data;
                    let selected = self.form.id == Some(c.id);
                    let text = format!("{} {} · {}", c.doc.kind.label(), c.doc.number, c.name);
                    let b = Button::selectable(selected, RichText::new(text).size(18.0))
                        .min_size(vec2(ui.available_width(), row_h))
                        .truncate();
                    if ui.add(b).clicked() {
                        self.form = CustomerForm::from(c);
                        self.msg = None;
                        self.lookup.clear();
                    }
                }
            });
    }

    fn form_ui(&mut self, ui: &mut Ui, s: &mut Session) {
        let f = &mut self.form;
        ui.heading(if f.id.is_some() {
            "Editar cliente"
        } else {
            "Nuevo cliente"
        });
        ui.label("Tipo de documento");
        ui.horizontal_wrapped(|ui| {
            for k in ID_KINDS {
                if widgets::choice(ui, f.kind == k, k.label()).clicked() {
                    f.kind = k;
                }
            }
        });
        // Digits on the on-screen keyboard for a DNI or RUC; letters too otherwise.
        let keys = match f.kind {
            IdKind::Dni | IdKind::Ruc => crate::ui::osk::KeyLayout::Numeric,
            _ => crate::ui::osk::KeyLayout::Text,
        };
        widgets::field_keys(ui, "Número de documento", &mut f.number, 300.0, keys);
        // Validated as typed (the same rule the store applies on save), on a line kept
        // for it: the fields below do not move when it appears.
        let number_note = match (f.refusal(Cause::Number), f.number.trim().is_empty()) {
            (Some(r), _) => Some((r.to_string(), theme::red())),
            (None, true) => None,
            (None, false) => Some(match IdDocument::new(f.kind, &f.number) {
                Ok(d) => (
                    format!("{} válido: {}", d.kind.label(), d.number),
                    theme::green(),
                ),
                Err(e) => (e.mensaje(), theme::red()),
            }),
        };
        field_error::note(ui, number_note.as_ref().map(|(t, c)| (t.as_str(), *c)));
        // Online, the registers fill the rest; offline the form works as before.
        if let Some(r) = self.lookup.ui(ui, s, &f.number) {
            f.fill(r);
        }
        if let Some(t) = f.status() {
            lookup::status_line(ui, t, true);
        }
        let name_label = if f.kind == IdKind::Ruc {
            "Razón social"
        } else {
            "Nombre"
        };
        let w = ui.available_width().min(560.0);
        widgets::field(ui, name_label, &mut f.name, w);
        field_error::show(ui, f.refusal(Cause::Name));
        widgets::field(ui, "Dirección", &mut f.address, w);
        ui.horizontal(|ui| {
            widgets::field(ui, "Teléfono", &mut f.phone, 220.0);
            widgets::field(ui, "Email", &mut f.email, (w - 240.0).max(200.0));
        });
        ui.add_space(8.0);
        let busy = self.save.busy();
        let clicked = ui
            .add_enabled_ui(!busy, |ui| {
                widgets::big_button(ui, "Guardar cliente", Some(theme::green()), 260.0)
            })
            .inner
            .clicked();
        if clicked {
            let f = &self.form;
            match Customer::new(
                f.id.unwrap_or_else(Uuid::now_v7),
                f.kind,
                &f.number,
                &f.name,
                &f.address,
                &f.phone,
                &f.email,
            ) {
                Ok(mut c) => {
                    c.sunat = f.status().cloned();
                    let store = s.store.clone();
                    self.msg = None;
                    self.form.refusal = None;
                    self.save.start(ui.ctx(), move || store.save_customer(c));
                }
                Err(e) => {
                    // Under the field that caused it; a text too long is said below.
                    let cause = match e {
                        DomainError::NameRequired => Some(Cause::Name),
                        DomainError::TextTooLong { .. } => None,
                        _ => Some(Cause::Number),
                    };
                    match cause {
                        Some(c) => {
                            let number = self.form.number.trim().to_string();
                            self.form.refusal = Some((c, e.mensaje(), number));
                        }
                        None => self.msg = Some(Msg::error(e.mensaje())),
                    }
                }
            }
        }
        // Under the button: a message appearing moves nothing above it.
        widgets::maybe_message(ui, &self.msg);
    }
}

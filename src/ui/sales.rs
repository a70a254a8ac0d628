//! Ventas: the sale being built (kind, customer, vehicle, lines, discount, payment),
//! live totals and rule errors, VISTA PREVIA and EMITIR. Issuing runs on a worker; the
//! PDF and the printer run on another, so a stuck printer never blocks the next sale.

use crate::receipt::layout::ReceiptLayout;
use crate::store::StoreResult;
use crate::ui::keypad::{Keypad, KeypadOutcome};
use crate::ui::session::Session;
use crate::ui::widgets::{self, Msg};
use crate::ui::{printing, theme, worker::Job};
use egui::{Button, Color32, RichText, Ui, vec2};
use motordesk_core::DocumentKind;
use motordesk_core::Product;
use motordesk_core::Stored;
pub use motordesk_core::thousands;
use motordesk_core::{
    BOLETA_ANONYMOUS_LIMIT, Buyer, CreditReason, Invoice, InvoiceDraft, Modifies, PaymentMethod,
    ServicedVehicle,
};
use motordesk_core::{Customer, fold};
use motordesk_core::{Plate, Vehicle, check_odometer};
use motordesk_core::{parse_amount, plain, soles};
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyTarget {
    Quantity(usize),
    Received,
    Km,
    Discount,
}

type VehicleHit = Option<(Stored<Vehicle>, Option<Customer>)>;

pub struct SalesPanel {
    draft: InvoiceDraft,
    products: Vec<Product>,
    products_rev: Option<u64>,
    products_job: Job<StoreResult<Vec<Stored<Product>>>>,
    product_query: String,
    customer_query: String,
    customer_searched: String,
    customer_job: Job<StoreResult<Vec<Stored<Customer>>>>,
    customer_hits: Vec<Customer>,
    plate_text: String,
    plate_looked_up: String,
    plate_job: Job<StoreResult<VehicleHit>>,
    vehicle: Option<Vehicle>,
    plate_msg: Option<Msg>,
    km: Option<u32>,
    keypad: Option<(KeyTarget, Keypad)>,
    issue_job: Job<StoreResult<Invoice>>,
    print_job: Job<Result<String, String>>,
    msg: Option<Msg>,
    print_msg: Option<Msg>,
    preview: Option<ReceiptLayout>,
}

impl Default for SalesPanel {
    fn default() -> Self {
        SalesPanel {
            draft: InvoiceDraft::new(DocumentKind::Boleta),
            products: Vec::new(),
            products_rev: None,
            products_job: Job::default(),
            product_query: String::new(),
            customer_query: String::new(),
            customer_searched: String::new(),
            customer_job: Job::default(),
            customer_hits: Vec::new(),
            plate_text: String::new(),
            plate_looked_up: String::new(),
            plate_job: Job::default(),
            vehicle: None,
            plate_msg: None,
            km: None,
            keypad: None,
            issue_job: Job::default(),
            print_job: Job::default(),
            msg: None,
            print_msg: None,
            preview: None,
        }
    }
}

/// `2`, `1.5`: a quantity without trailing zeros.
fn qty(d: Decimal) -> String {
    d.normalize().to_string()
}

fn buyer_of(c: &Customer) -> Buyer {
    Buyer {
        customer_id: Some(c.id),
        id: c.doc.clone(),
        name: c.name.clone(),
        address: c.address.clone(),
    }
}

impl SalesPanel {
    /// The sale on screen (for tests and the screenshot script).
    pub fn draft(&self) -> &InvoiceDraft {
        &self.draft
    }

    /// Adds one unit of a product (or one more of a line already on the ticket).
    pub fn add_product(&mut self, p: &Product) {
        if let Some(l) = self
            .draft
            .lines
            .iter_mut()
            .find(|l| l.product_id == Some(p.id))
        {
            l.quantity += Decimal::ONE;
        } else {
            self.draft.lines.push(p.line(Decimal::ONE));
        }
        self.msg = None;
    }

    pub fn ui(&mut self, ui: &mut Ui, s: &mut Session) {
        self.poll(ui.ctx(), s);
        if let Some(inv) = s.credit_note_of.take() {
            self.start_credit_note(&inv);
        }
        if self.products_rev != Some(s.revision) && !self.products_job.busy() {
            let store = s.store.clone();
            self.products_job
                .start(ui.ctx(), move || store.list::<Product>());
            self.products_rev = Some(s.revision);
        }
        let ticket_w = (ui.available_width() * 0.46).clamp(360.0, 520.0);
        egui::Panel::right("sale_ticket")
            .resizable(false)
            .exact_size(ticket_w)
            .show(ui, |ui| {
                egui::Panel::bottom("ticket_footer")
                    .resizable(false)
                    .show(ui, |ui| self.ticket_footer(ui, s));
                egui::CentralPanel::default().show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("ticket_scroll")
                        .auto_shrink(false)
                        .show(ui, |ui| self.ticket(ui));
                });
            });
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("sale_scroll")
                .auto_shrink(false)
                .show(ui, |ui| self.builder(ui, s));
        });
        self.keypad_ui(ui.ctx());
        self.preview_ui(ui.ctx());
        // The serviced vehicle follows what is on screen.
        self.draft.vehicle = self.vehicle.as_ref().map(|v| ServicedVehicle {
            vehicle_id: v.id,
            plate: v.plate.display(),
            odometer_km: self.km,
        });
    }

    fn poll(&mut self, ctx: &egui::Context, s: &mut Session) {
        if let Some(r) = self.products_job.poll() {
            match r {
                Ok(list) => {
                    let mut ps: Vec<Product> = list
                        .into_iter()
                        .map(|p| p.data)
                        .filter(|p| p.active)
                        .collect();
                    ps.sort_by(|a, b| a.code.cmp(&b.code));
                    self.products = ps;
                }
                Err(e) => self.msg = Some(Msg::error(e.mensaje())),
            }
        }
        if let Some(r) = self.customer_job.poll() {
            match r {
                Ok(h) => self.customer_hits = h.into_iter().map(|c| c.data).collect(),
                Err(e) => self.msg = Some(Msg::error(e.mensaje())),
            }
        }
        if let Some(r) = self.plate_job.poll() {
            match r {
                Ok(Some((v, owner))) => {
                    self.plate_msg = None;
                    if let Some(o) = owner
                        && !self.draft.buyer.id.identifies_buyer()
                        && self.draft.kind != DocumentKind::NotaDeCredito
                    {
                        self.draft.buyer = buyer_of(&o);
                    }
                    self.vehicle = Some(v.data);
                }
                Ok(None) => {
                    self.vehicle = None;
                    self.plate_msg = Some(Msg::warn(format!(
                        "La placa {} no está registrada. Regístrela en Flota o emita sin vehículo.",
                        self.plate_looked_up
                    )));
                }
                Err(e) => self.plate_msg = Some(Msg::error(e.mensaje())),
            }
        }
        if let Some(r) = self.issue_job.poll() {
            match r {
                Ok(inv) => {
                    log::info!("issued {} total {}", inv.number, inv.totals.total);
                    let change = inv.payment.change(inv.totals.total);
                    let mut text = format!(
                        "Emitido: {} {} por {}.",
                        inv.kind.short(),
                        inv.number,
                        soles(inv.totals.total)
                    );
                    if change > Decimal::ZERO {
                        text.push_str(&format!(" Vuelto: {}.", soles(change)));
                    }
                    self.msg = Some(Msg::ok(text));
                    self.clear_sale();
                    s.changed();
                    let (settings, dir, print_on) = (s.settings.clone(), s.receipts_dir(), s.print);
                    self.print_msg = Some(Msg::info("Imprimiendo comprobante…"));
                    self.print_job.start(ctx, move || {
                        printing::save_and_print(&inv, &settings, &dir, print_on)
                    });
                }
                Err(e) => {
                    log::warn!("issue failed: {e}");
                    self.msg = Some(Msg::error(e.mensaje()));
                }
            }
        }
        if let Some(r) = self.print_job.poll() {
            self.print_msg = Some(match r {
                Ok(t) => Msg::info(t),
                Err(t) => Msg::warn(t),
            });
        }
    }

    fn clear_sale(&mut self) {
        let kind = match self.draft.kind {
            DocumentKind::NotaDeCredito => DocumentKind::Boleta,
            k => k,
        };
        self.draft = InvoiceDraft::new(kind);
        self.vehicle = None;
        self.km = None;
        self.plate_text.clear();
        self.plate_looked_up.clear();
        self.plate_msg = None;
        self.customer_query.clear();
        self.customer_hits.clear();
        self.product_query.clear();
    }

    fn start_credit_note(&mut self, inv: &Invoice) {
        self.clear_sale();
        self.draft = InvoiceDraft::new(DocumentKind::NotaDeCredito);
        self.draft.buyer = inv.buyer.clone();
        self.draft.lines = inv.lines.clone();
        self.draft.global_discount_pct = inv.global_discount_pct;
        self.draft.payment.method = inv.payment.method;
        self.draft.modifies = Some(Modifies {
            invoice_id: inv.id,
            kind: inv.kind,
            number: inv.number.clone(),
            total: inv.totals.total,
            reason: CreditReason::AnulacionDeLaOperacion,
            note: String::new(),
        });
        self.msg = Some(Msg::info(format!(
            "Nota de crédito de {} {}: revise las líneas y el motivo, luego EMITIR.",
            inv.kind.short(),
            inv.number
        )));
    }

    // ---- left: build the sale ---------------------------------------------------------

    fn builder(&mut self, ui: &mut Ui, s: &mut Session) {
        if self.draft.kind == DocumentKind::NotaDeCredito {
            self.credit_note_header(ui);
        } else {
            // The big toggle: three equal buttons across the column.
            // The scroll area's width still counts its scroll bar; keep clear of it.
            let w = ((ui.available_width() - 44.0) / 3.0).min(200.0);
            let size = if w < 190.0 { 20.0 } else { 24.0 };
            ui.horizontal(|ui| {
                for k in [
                    DocumentKind::Boleta,
                    DocumentKind::Factura,
                    DocumentKind::NotaDeVenta,
                ] {
                    let sel = self.draft.kind == k;
                    let b = Button::selectable(sel, RichText::new(k.short()).size(size).strong());
                    if ui.add_sized(vec2(w, 60.0), b).clicked() {
                        self.draft.kind = k;
                    }
                }
            });
            self.customer_picker(ui, s);
        }
        ui.separator();
        self.vehicle_picker(ui, s);
        ui.separator();
        self.quick_keys(ui);
        self.catalog_search(ui);
    }

    fn credit_note_header(&mut self, ui: &mut Ui) {
        let Some(m) = self.draft.modifies.as_mut() else {
            return;
        };
        ui.label(
            RichText::new(format!(
                "NOTA DE CRÉDITO de {} {}",
                m.kind.short(),
                m.number
            ))
            .size(24.0)
            .strong()
            .color(theme::RED),
        );
        ui.label(format!(
            "Cliente: {} · Total original: {}",
            self.draft.buyer.name,
            soles(m.total)
        ));
        ui.label("Motivo");
        ui.horizontal_wrapped(|ui| {
            for r in CreditReason::ALL {
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
        if ui
            .add(Button::new("Cancelar nota de crédito").min_size(vec2(0.0, theme::TOUCH)))
            .clicked()
        {
            self.clear_sale();
            self.msg = None;
        }
    }

    fn customer_picker(&mut self, ui: &mut Ui, s: &mut Session) {
        ui.add_space(4.0);
        let b = self.draft.buyer.clone();
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
                    self.draft.buyer = Buyer::varios();
                }
            } else {
                ui.label(RichText::new("CLIENTES VARIOS").strong());
            }
        });
        let w = ui.available_width().min(520.0);
        widgets::field(
            ui,
            "Buscar cliente (nombre, DNI o RUC)",
            &mut self.customer_query,
            w,
        );
        let q = self.customer_query.trim().to_string();
        if q != self.customer_searched {
            self.customer_searched = q.clone();
            if q.is_empty() {
                self.customer_hits.clear();
            } else {
                let store = s.store.clone();
                let q = q.clone();
                self.customer_job
                    .start(ui.ctx(), move || store.search_customers(&q, 6));
            }
        }
        if !q.is_empty() {
            let mut picked = None;
            ui.horizontal_wrapped(|ui| {
                for c in &self.customer_hits {
                    let t = format!("{}\n{} {}", c.name, c.doc.kind.label(), c.doc.number);
                    if ui
                        .add(Button::new(RichText::new(t).size(17.0)).min_size(vec2(220.0, 56.0)))
                        .clicked()
                    {
                        picked = Some(c.clone());
                    }
                }
                if self.customer_hits.is_empty() && !self.customer_job.busy() {
                    ui.label(
                        RichText::new("Sin resultados. Registre al cliente en Clientes.")
                            .color(theme::GREY),
                    );
                }
            });
            if let Some(c) = picked {
                self.draft.buyer = buyer_of(&c);
                if c.doc.kind == motordesk_core::IdKind::Ruc
                    && self.draft.kind == DocumentKind::Boleta
                {
                    self.draft.kind = DocumentKind::Factura;
                }
                self.customer_query.clear();
                self.customer_searched.clear();
                self.customer_hits.clear();
            }
        }
    }

    fn vehicle_picker(&mut self, ui: &mut Ui, s: &mut Session) {
        ui.horizontal_wrapped(|ui| {
            widgets::inline_field(ui, "Placa", &mut self.plate_text, 150.0);
            let km_text = match self.km {
                Some(k) => format!("Km actual: {}", thousands(k)),
                None => "Km actual: —".to_string(),
            };
            let enabled = self.vehicle.is_some();
            if ui
                .add_enabled(
                    enabled,
                    Button::new(km_text).min_size(vec2(200.0, theme::TOUCH)),
                )
                .clicked()
            {
                let init = self.km.map(|k| k.to_string()).unwrap_or_default();
                self.keypad = Some((
                    KeyTarget::Km,
                    Keypad::new("Kilometraje actual", &init, false),
                ));
            }
        });
        let key = Plate::new(&self.plate_text)
            .map(|p| p.display())
            .unwrap_or_default();
        if key != self.plate_looked_up {
            self.plate_looked_up = key.clone();
            self.vehicle = None;
            self.km = None;
            self.plate_msg = None;
            if let Ok(plate) = Plate::new(&self.plate_text) {
                let store = s.store.clone();
                self.plate_job.start(ui.ctx(), move || {
                    let v = store.vehicle_by_plate(&plate)?;
                    match v {
                        Some(v) => {
                            let owner = match v.data.owner_id {
                                Some(o) => store.get::<Customer>(o)?.map(|c| c.data),
                                None => None,
                            };
                            Ok(Some((v, owner)))
                        }
                        None => Ok(None),
                    }
                });
            }
        }
        if let Some(v) = &self.vehicle {
            ui.label(
                RichText::new(format!(
                    "{} {} {} · último km: {}",
                    v.plate,
                    v.brand,
                    v.model,
                    thousands(v.odometer_km)
                ))
                .color(theme::BLUE),
            );
            if let Some(k) = self.km {
                match check_odometer(v.odometer_km, k) {
                    Err(e) => {
                        ui.label(RichText::new(e.mensaje()).color(theme::RED).strong());
                    }
                    Ok(motordesk_core::OdometerCheck::ImplausibleJump { delta_km }) => {
                        ui.label(
                            RichText::new(format!(
                                "Atención: {} km más que la última lectura. Verifique el tablero.",
                                thousands(delta_km)
                            ))
                            .color(theme::AMBER),
                        );
                    }
                    Ok(_) => {}
                }
            }
        }
        widgets::maybe_message(ui, &self.plate_msg);
    }

    fn quick_keys(&mut self, ui: &mut Ui) {
        let keys: Vec<Product> = self
            .products
            .iter()
            .filter(|p| p.quick_key)
            .cloned()
            .collect();
        if keys.is_empty() {
            return;
        }
        ui.label(RichText::new("Teclas rápidas").strong());
        let avail = ui.available_width() - 24.0;
        let cols = ((avail + 8.0) / 170.0).floor().max(2.0) as usize;
        let w = (avail - (cols as f32 - 1.0) * 8.0) / cols as f32;
        let mut add = None;
        egui::Grid::new("quick_keys")
            .spacing(vec2(8.0, 8.0))
            .show(ui, |ui| {
                for (i, p) in keys.iter().enumerate() {
                    let t = RichText::new(format!("{}\n{}", p.name, soles(p.price))).size(17.0);
                    if ui
                        .add_sized(vec2(w, 100.0), Button::new(t).wrap())
                        .clicked()
                    {
                        add = Some(p.clone());
                    }
                    if (i + 1) % cols == 0 {
                        ui.end_row();
                    }
                }
            });
        if let Some(p) = add {
            self.add_product(&p);
        }
    }

    fn catalog_search(&mut self, ui: &mut Ui) {
        ui.add_space(6.0);
        let w = ui.available_width().min(520.0);
        widgets::field(ui, "Buscar producto o servicio", &mut self.product_query, w);
        let q = fold(self.product_query.trim());
        if q.is_empty() {
            return;
        }
        let words: Vec<&str> = q.split_whitespace().collect();
        let hits: Vec<Product> = self
            .products
            .iter()
            .filter(|p| {
                let t = fold(&format!("{} {} {}", p.code, p.name, p.category));
                words.iter().all(|w| t.contains(w))
            })
            .take(8)
            .cloned()
            .collect();
        if hits.is_empty() {
            ui.label(RichText::new("Ningún producto coincide.").color(theme::GREY));
        }
        for p in hits {
            let t = format!("{}  {}  {}", p.code, p.name, soles(p.price));
            if ui
                .add(
                    Button::new(t)
                        .truncate()
                        .min_size(vec2(ui.available_width(), theme::TOUCH)),
                )
                .clicked()
            {
                self.add_product(&p);
            }
        }
    }

    // ---- right: the ticket ------------------------------------------------------------

    fn ticket(&mut self, ui: &mut Ui) {
        ui.heading(self.draft.kind.title());
        if self.draft.lines.is_empty() {
            ui.label(
                RichText::new("Toque una tecla rápida o busque un producto para empezar.")
                    .color(theme::GREY),
            );
        }
        let mut remove = None;
        for (i, l) in self.draft.lines.iter().enumerate() {
            egui::Frame::group(ui.style())
                .inner_margin(6.0)
                .show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.add(egui::Label::new(RichText::new(&l.description).strong()).truncate());
                    ui.horizontal(|ui| {
                        let qb = Button::new(
                            RichText::new(format!("{} {}", qty(l.quantity), l.unit.short()))
                                .strong(),
                        )
                        .min_size(vec2(100.0, theme::TOUCH));
                        if ui.add(qb).on_hover_text("Cambiar cantidad").clicked() {
                            self.keypad = Some((
                                KeyTarget::Quantity(i),
                                Keypad::new(
                                    format!("Cantidad: {}", l.description),
                                    &qty(l.quantity),
                                    true,
                                ),
                            ));
                        }
                        ui.label(format!("× {}", plain(l.unit_price)));
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            if ui
                                .add(Button::new("Quitar").min_size(vec2(80.0, theme::TOUCH)))
                                .clicked()
                            {
                                remove = Some(i);
                            }
                            let gross =
                                motordesk_core::round2(l.quantity * l.unit_price - l.discount);
                            ui.label(RichText::new(plain(gross)).strong());
                        });
                    });
                });
        }
        if let Some(i) = remove {
            self.draft.lines.remove(i);
        }
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| {
            let d = format!("Descuento: {} %", qty(self.draft.global_discount_pct));
            if ui
                .add(Button::new(d).min_size(vec2(170.0, theme::TOUCH)))
                .clicked()
            {
                self.keypad = Some((
                    KeyTarget::Discount,
                    Keypad::new(
                        "Descuento global (%)",
                        &qty(self.draft.global_discount_pct),
                        true,
                    ),
                ));
            }
        });
        ui.label(RichText::new("Pago").strong());
        ui.horizontal_wrapped(|ui| {
            for m in PaymentMethod::ALL {
                if widgets::choice(ui, self.draft.payment.method == m, m.label()).clicked() {
                    self.draft.payment.method = m;
                    if m != PaymentMethod::Efectivo {
                        self.draft.payment.received = None;
                    }
                }
            }
        });
        let totals = self.draft.totals();
        if self.draft.payment.method == PaymentMethod::Efectivo {
            ui.horizontal_wrapped(|ui| {
                let r = match self.draft.payment.received {
                    Some(r) => format!("Recibido: {}", soles(r)),
                    None => "Recibido: —".to_string(),
                };
                if ui
                    .add(Button::new(r).min_size(vec2(200.0, theme::TOUCH)))
                    .clicked()
                {
                    let init = self
                        .draft
                        .payment
                        .received
                        .map(plain)
                        .unwrap_or_default()
                        .replace(',', "");
                    self.keypad = Some((
                        KeyTarget::Received,
                        Keypad::new("Efectivo recibido (S/)", &init, true),
                    ));
                }
                if let (Some(r), Ok(t)) = (self.draft.payment.received, &totals) {
                    if r >= t.total {
                        ui.label(
                            RichText::new(format!(
                                "Vuelto: {}",
                                soles(self.draft.payment.change(t.total))
                            ))
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
    }

    /// Totals, rule errors and the two big buttons: always visible under the lines.
    fn ticket_footer(&mut self, ui: &mut Ui, s: &mut Session) {
        let totals = self.draft.totals();
        match &totals {
            Ok(t) => {
                egui::Grid::new("totals")
                    .num_columns(2)
                    .spacing(vec2(24.0, 4.0))
                    .show(ui, |ui| {
                        let row = |ui: &mut Ui, k: &str, v: Decimal| {
                            ui.label(k);
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    ui.label(soles(v));
                                },
                            );
                            ui.end_row();
                        };
                        if t.discount > Decimal::ZERO {
                            row(ui, "DESCUENTO", t.discount);
                        }
                        row(ui, "OP. GRAVADA", t.gravada);
                        if t.exonerada > Decimal::ZERO {
                            row(ui, "OP. EXONERADA", t.exonerada);
                        }
                        if t.inafecta > Decimal::ZERO {
                            row(ui, "OP. INAFECTA", t.inafecta);
                        }
                        row(ui, "IGV (18%)", t.igv);
                        ui.label(RichText::new("TOTAL").size(30.0).strong());
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            ui.label(RichText::new(soles(t.total)).size(30.0).strong());
                        });
                        ui.end_row();
                    });
            }
            Err(e) if !self.draft.lines.is_empty() => {
                ui.label(RichText::new(e.mensaje()).color(theme::RED).strong());
            }
            Err(_) => {}
        }
        // Rules checked live: the cashier sees the problem before pressing EMITIR.
        if !self.draft.lines.is_empty() && totals.is_ok() {
            if let Err(e) = self.draft.check() {
                widgets::message(ui, &Msg::error(e.mensaje()));
            } else if self.draft.kind == DocumentKind::Boleta
                && !self.draft.buyer.id.identifies_buyer()
                && totals
                    .as_ref()
                    .is_ok_and(|t| t.total > BOLETA_ANONYMOUS_LIMIT * Decimal::new(9, 1))
            {
                ui.label(RichText::new("Cerca del límite de S/ 700 sin DNI.").color(theme::AMBER));
            }
        }
        widgets::maybe_message(ui, &self.msg);
        widgets::maybe_message(ui, &self.print_msg);
        ui.add_space(4.0);
        let busy = self.issue_job.busy();
        let w = (ui.available_width() - 24.0) / 2.0;
        ui.horizontal(|ui| {
            if widgets::big_button(ui, "VISTA PREVIA", None, w).clicked() {
                self.open_preview(s);
            }
            let label = if busy { "EMITIENDO…" } else { "EMITIR" };
            let r = ui.add_enabled_ui(!busy, |ui| {
                widgets::big_button(ui, label, Some(theme::GREEN), w)
            });
            if r.inner.clicked() {
                self.issue(ui.ctx(), s);
            }
        });
        if ui
            .add(Button::new("Nueva venta (limpiar)").min_size(vec2(0.0, theme::TOUCH)))
            .clicked()
        {
            self.clear_sale();
            self.msg = None;
        }
    }

    fn blocking_problem(&self) -> Option<String> {
        if self.draft.lines.is_empty() {
            return Some("Agregue al menos un producto o servicio.".into());
        }
        let totals = match self.draft.check() {
            Ok(t) => t,
            Err(e) => return Some(e.mensaje()),
        };
        if let Some(r) = self.draft.payment.received
            && self.draft.payment.method == PaymentMethod::Efectivo
            && r < totals.total
        {
            return Some(format!(
                "El efectivo recibido ({}) es menor que el total ({}).",
                soles(r),
                soles(totals.total)
            ));
        }
        if let (Some(v), Some(k)) = (&self.vehicle, self.km)
            && let Err(e) = check_odometer(v.odometer_km, k)
        {
            return Some(e.mensaje());
        }
        None
    }

    fn issue(&mut self, ctx: &egui::Context, s: &mut Session) {
        if let Some(p) = self.blocking_problem() {
            self.msg = Some(Msg::error(p));
            return;
        }
        let draft = self.draft.clone();
        let store = s.store.clone();
        self.msg = None;
        self.print_msg = None;
        self.issue_job
            .start(ctx, move || store.issue_invoice(draft));
    }

    fn open_preview(&mut self, s: &Session) {
        if self.draft.lines.is_empty() {
            self.msg = Some(Msg::error("Agregue al menos un producto o servicio."));
            return;
        }
        match crate::receipt::preview_invoice(
            &self.draft,
            &s.settings,
            chrono::Utc::now(),
            s.store.device_id(),
            &s.user.username,
        ) {
            Ok(inv) => self.preview = Some(printing::layout(&inv, &s.settings)),
            Err(e) => self.msg = Some(Msg::error(e.mensaje())),
        }
    }

    fn preview_ui(&mut self, ctx: &egui::Context) {
        let Some(layout) = &self.preview else { return };
        let mut close = false;
        let modal = egui::Modal::new(egui::Id::unique("sale_preview")).show(ctx, |ui| {
            preview_window(ui, layout, &mut close);
        });
        if close || modal.should_close() {
            self.preview = None;
        }
    }

    fn keypad_ui(&mut self, ctx: &egui::Context) {
        let Some((target, pad)) = &mut self.keypad else {
            return;
        };
        let target = *target;
        let Some(outcome) = pad.show(ctx) else { return };
        self.keypad = None;
        let KeypadOutcome::Accept(text) = outcome else {
            return;
        };
        let text = text.trim().to_string();
        match target {
            KeyTarget::Quantity(i) => match parse_amount(&text) {
                Ok(q) if q > Decimal::ZERO => {
                    if let Some(l) = self.draft.lines.get_mut(i) {
                        l.quantity = q;
                    }
                }
                Ok(_) => self.msg = Some(Msg::error("La cantidad debe ser mayor que cero.")),
                Err(e) => self.msg = Some(Msg::error(e.mensaje())),
            },
            KeyTarget::Discount => match parse_amount(if text.is_empty() { "0" } else { &text }) {
                Ok(d) if d >= Decimal::ZERO && d <= Decimal::ONE_HUNDRED => {
                    self.draft.global_discount_pct = d
                }
                Ok(_) => self.msg = Some(Msg::error("El descuento debe estar entre 0 y 100 %.")),
                Err(e) => self.msg = Some(Msg::error(e.mensaje())),
            },
            KeyTarget::Received => {
                if text.is_empty() {
                    self.draft.payment.received = None;
                } else {
                    match parse_amount(&text) {
                        Ok(r) if r >= Decimal::ZERO => self.draft.payment.received = Some(r),
                        Ok(_) => {
                            self.msg = Some(Msg::error("El monto recibido no puede ser negativo."))
                        }
                        Err(e) => self.msg = Some(Msg::error(e.mensaje())),
                    }
                }
            }
            KeyTarget::Km => {
                if text.is_empty() {
                    self.km = None;
                } else {
                    match text.parse::<u32>() {
                        Ok(k) => self.km = Some(k),
                        Err(_) => self.msg = Some(Msg::error("Kilometraje inválido.")),
                    }
                }
            }
        }
    }
}

/// The receipt preview inside a modal, with its Cerrar button.
pub fn preview_window(ui: &mut Ui, layout: &ReceiptLayout, close: &mut bool) {
    let screen = ui.ctx().content_rect();
    ui.set_width((screen.width() - 120.0).clamp(320.0, 560.0));
    ui.horizontal(|ui| {
        ui.heading("Vista previa");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .add(Button::new("Cerrar").min_size(vec2(110.0, theme::TOUCH)))
                .clicked()
            {
                *close = true;
            }
        });
    });
    ui.allocate_ui(
        vec2(ui.available_width(), (screen.height() - 170.0).max(240.0)),
        |ui| {
            egui::Frame::new()
                .fill(Color32::from_gray(200))
                .inner_margin(6.0)
                .show(ui, |ui| {
                    crate::receipt::preview::show(ui, layout);
                });
        },
    );
}

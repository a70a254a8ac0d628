//! Ventas: the sale being built (kind, customer, vehicle, lines, discount, payment),
//! live totals and rule errors, VISTA PREVIA and EMITIR. This file is the panel: it owns
//! the draft and the message strip, lays out the two columns and hands the draft to its
//! parts, each in its own file with its own state and workers.

mod catalog;
mod checkout;
mod customer;
mod keypad;
mod note;
mod opening_float;
mod parked;
mod payment;
mod ruc_warning;
mod scanner;
mod sell_to;
mod ticket;
mod vehicle;

use crate::ui::session::Session;
use crate::ui::widgets::Msg;
use catalog::Catalog;
use checkout::{Checkout, FooterAction};
use customer::CustomerPicker;
use egui::{Button, RichText, Ui, vec2};
use keypad::SaleKeypad;
use motordesk_core::{DocumentKind, Invoice, InvoiceDraft, Product};
use rust_decimal::Decimal;
use scanner::Scanner;
use vehicle::VehiclePicker;

pub(super) struct VentasPanel {
    /// The sale on screen.
    draft: InvoiceDraft,
    customer: CustomerPicker,
    vehicle: VehiclePicker,
    catalog: Catalog,
    /// The on-screen keypad, when a number is being entered.
    keypad: SaleKeypad,
    /// Issuing, printing and the preview.
    checkout: Checkout,
    /// Codes typed by a barcode scanner while no field has focus.
    scanner: Scanner,
    /// The confirmation before a factura to a RUC that is not ACTIVO or not HABIDO.
    ruc_warning: ruc_warning::RucWarning,
    /// What happened to the sale (issued, refused, …), above the big buttons.
    msg: Option<Msg>,
    /// The open tickets (one per car in the bay) and which one is on screen.
    tickets: parked::Tickets,
    /// The opening float, asked at the first EMITIR of a shift.
    opening_float: opening_float::OpeningFloat,
}

impl Default for VentasPanel {
    fn default() -> Self {
        VentasPanel {
            draft: InvoiceDraft::new(DocumentKind::Boleta),
            customer: CustomerPicker::default(),
            vehicle: VehiclePicker::default(),
            catalog: Catalog::default(),
            keypad: SaleKeypad::default(),
            checkout: Checkout::default(),
            scanner: Scanner::default(),
            ruc_warning: Default::default(),
            msg: None,
            tickets: parked::Tickets::default(),
            opening_float: Default::default(),
        }
    }
}

impl VentasPanel {
    /// Adds one unit of a product (or one more of a line already on the ticket).
    pub(super) fn add_product(&mut self, p: &Product) {
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

    pub(super) fn ui(&mut self, ui: &mut Ui, s: &mut Session) {
        self.poll(ui.ctx(), s);
        self.take_sell_to(ui.ctx(), s);
        if let Some((kind, inv)) = s.note_of.take() {
            self.start_note(kind, &inv);
        }
        // The live checks see the detracción account the store will use at issue.
        if self.draft.detraccion_account != s.settings.detraccion_account {
            self.draft.detraccion_account = s.settings.detraccion_account.clone();
        }
        self.catalog.reload(ui.ctx(), s);
        let ticket_w = (ui.available_width() * 0.46).clamp(360.0, 520.0);
        egui::Panel::right("sale_ticket")
            .resizable(false)
            .exact_size(ticket_w)
            .show(ui, |ui| {
                egui::Panel::bottom("ticket_footer")
                    .resizable(false)
                    .show(ui, |ui| {
                        // Payment is pinned with the totals: it never scrolls away
                        // under a long ticket.
                        payment::show(ui, &mut self.draft, &mut self.keypad);
                        if let Some(a) = self.checkout.footer(ui, &self.draft, &self.msg) {
                            self.footer_action(a, ui.ctx(), s);
                        }
                    });
                egui::CentralPanel::default().show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("ticket_scroll")
                        .auto_shrink(false)
                        .show(ui, |ui| {
                            ticket::lines(ui, &mut self.draft, &mut self.keypad);
                        });
                });
            });
        egui::CentralPanel::default().show(ui, |ui| {
            // The open tickets head the sale column, not the ticket: at 768 px the
            // ticket has no height to spare above its pinned totals.
            egui::Panel::top("ticket_tabs")
                .resizable(false)
                .show(ui, |ui| self.ticket_tabs(ui, s));
            egui::ScrollArea::vertical()
                .id_salt("sale_scroll")
                .auto_shrink(false)
                .show(ui, |ui| self.builder(ui, s));
        });
        if let Some((target, text)) = self.keypad.show(ui.ctx()) {
            keypad::apply(
                target,
                &text,
                &mut self.draft,
                &mut self.vehicle.km,
                &mut self.msg,
            );
        }
        if self.opening_float.ui(ui.ctx(), s, &mut self.msg) {
            self.issue_or_warn(ui.ctx(), s);
        }
        self.checkout.preview_ui(ui.ctx());
        if self.ruc_warning.ui(ui.ctx()) == Some(ruc_warning::Choice::Issue) {
            self.issue(ui.ctx(), s);
        }
        self.checkout.note_gate_ui(ui.ctx(), s, &mut self.msg);
        if self.checkout.change_ui(ui.ctx()) {
            // The change screen said it all: the next sale starts without the banner.
            self.msg = None;
        }
        // The serviced vehicle follows what is on screen.
        self.draft.vehicle = self.vehicle.serviced();
    }

    fn poll(&mut self, ctx: &egui::Context, s: &mut Session) {
        self.catalog.poll(&mut self.msg);
        self.customer.poll(&mut self.msg);
        self.vehicle.poll(&mut self.draft);
        if self.checkout.poll(ctx, s, &mut self.msg) {
            self.ticket_issued();
            self.clear_sale();
        }
    }

    fn footer_action(&mut self, a: FooterAction, ctx: &egui::Context, s: &mut Session) {
        match a {
            FooterAction::Preview => self.checkout.open_preview(s, &self.draft, &mut self.msg),
            FooterAction::Issue => {
                // The first sale of a shift asks the opening float first (a sale that
                // would be refused anyway is refused first).
                let would_go = !self.draft.lines.is_empty() && self.draft.check().is_ok();
                if !would_go || self.opening_float.ready(s, &mut self.msg) {
                    self.issue_or_warn(ctx, s);
                }
            }
            FooterAction::Clear => {
                self.clear_sale();
                self.ticket_cleared(s);
                self.msg = None;
            }
            FooterAction::ReprintLast => self.checkout.reprint_last(ctx, s),
        }
    }

    /// EMITIR once the float is there: a factura to a RUC known to be BAJA or NO HABIDO
    /// waits for the cashier's word, anything else is issued.
    fn issue_or_warn(&mut self, ctx: &egui::Context, s: &mut Session) {
        match ruc_warning::warning(&self.draft, s) {
            Some(w) => self.ruc_warning.open(w),
            None => self.issue(ctx, s),
        }
    }

    /// EMITIR: the draft on screen goes to the store (the ticket it came from with it).
    fn issue(&mut self, ctx: &egui::Context, s: &mut Session) {
        let (vehicle, km) = (self.vehicle.vehicle.as_ref(), self.vehicle.km);
        self.checkout.ticket = self.tickets.current;
        self.checkout
            .issue(ctx, s, &self.draft, vehicle, km, &mut self.msg);
    }

    /// A new sale: a boleta for Clientes varios, no vehicle, nothing searched (after a
    /// factura too: most sales at the counter are boletas).
    fn clear_sale(&mut self) {
        self.draft = InvoiceDraft::new(DocumentKind::Boleta);
        self.vehicle.clear();
        self.customer.clear();
        self.catalog.clear();
    }

    fn start_note(&mut self, kind: DocumentKind, inv: &Invoice) {
        self.clear_sale();
        self.draft = note::draft_of(kind, inv);
        let todo = if kind == DocumentKind::NotaDeDebito {
            "agregue el cargo (intereses, penalidad, ajuste) y el motivo"
        } else {
            "revise las líneas y el motivo"
        };
        self.msg = Some(Msg::info(format!(
            "{} de {} {}: {todo}, luego EMITIR.",
            kind.short(),
            inv.kind.short(),
            inv.number
        )));
    }

    // ---- left: build the sale ---------------------------------------------------------

    fn builder(&mut self, ui: &mut Ui, s: &mut Session) {
        if self.draft.kind.is_note() {
            if note::header(ui, &mut self.draft) {
                self.clear_sale();
                self.msg = None;
            }
        } else {
            kind_toggle(ui, &mut self.draft);
            self.customer.ui(ui, s, &mut self.draft);
        }
        ui.separator();
        self.vehicle.ui(ui, s, &mut self.keypad);
        ui.separator();
        if let Some(p) = self.catalog.quick_keys(ui) {
            self.add_product(&p);
        }
        if let Some(p) = self.catalog.search(ui) {
            self.add_product(&p);
        }
        if let Some(code) = self.scanner.scanned(ui) {
            match self.catalog.by_code(&code).cloned() {
                Some(p) => self.add_product(&p),
                None => {
                    log::info!("scanned code {code:?} matches no active product");
                    self.msg = Some(Msg::warn(format!(
                        "Ningún producto activo tiene el código {code}."
                    )));
                }
            }
        }
    }
}

/// The big toggle: Boleta / Factura / Nota de venta, three equal buttons across the column.
fn kind_toggle(ui: &mut Ui, draft: &mut InvoiceDraft) {
    // The scroll area's width still counts its scroll bar; keep clear of it.
    let w = ((ui.available_width() - 44.0) / 3.0).min(200.0);
    let size = if w < 190.0 { 20.0 } else { 24.0 };
    ui.horizontal(|ui| {
        if w < 150.0 {
            // 1024 px: "Nota de venta" at 20 px is 141 px wide; with the usual 16 px
            // padding its button grew past the column and was cut.
            ui.spacing_mut().button_padding.x = 6.0;
        }
        for k in [
            DocumentKind::Boleta,
            DocumentKind::Factura,
            DocumentKind::NotaDeVenta,
        ] {
            let sel = draft.kind == k;
            let b = Button::selectable(sel, RichText::new(k.short()).size(size).strong());
            if ui.add_sized(vec2(w, 60.0), b).clicked() {
                draft.kind = k;
            }
        }
    });
}

//! Ventas › checkout: the footer pinned under the ticket (totals, live rule errors, the
//! messages, VISTA PREVIA / EMITIR / Nueva venta), the issue worker, the print worker
//! that follows a successful issue, and the preview modal.

use crate::receipt::ReceiptLayout;
use crate::store::StoreResult;
use crate::store::{Approval, ApprovalRequest};
use crate::ui::approval::Approver;
use crate::ui::session::Session;
use crate::ui::widgets::{self, Msg};
use crate::ui::{printing, theme, worker::Job};
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::detraccion_due;
use motordesk_core::{
    BOLETA_ANONYMOUS_LIMIT, DocumentKind, Invoice, InvoiceDraft, Vehicle, check_odometer, soles,
};
use rust_decimal::Decimal;

/// A footer button the panel acts on.
pub(super) enum FooterAction {
    Preview,
    Issue,
    /// Nueva venta (limpiar).
    Clear,
    /// Reimprimir último: the last sale issued on this screen, printed again.
    ReprintLast,
}

#[derive(Default)]
pub(super) struct Checkout {
    issue_job: Job<StoreResult<Invoice>>,
    print_job: Job<Result<String, String>>,
    /// Where the receipt of the last sale went (printer, PDF, failure).
    print_msg: Option<Msg>,
    /// VISTA PREVIA open.
    preview: Option<ReceiptLayout>,
    /// The last sale issued here, for *Reimprimir último*.
    last: Option<Invoice>,
    /// A cash sale with change just issued: the big change screen, until closed.
    change_screen: Option<Invoice>,
    /// The open ticket on screen: issuing it removes it from the parked ones.
    pub(super) ticket: uuid::Uuid,
    /// A credit note's confirmation and approval before it is issued.
    note_gate: super::note::NoteGate,
    /// A sale whose discount is above the shop's limit, waiting for a manager's PIN.
    discount_pending: Option<(InvoiceDraft, Option<Vehicle>, Option<u32>)>,
    discount_approver: Approver,
}

impl Checkout {
    /// A sale is being issued: the ticket on screen must not be parked or switched.
    pub(super) fn issuing(&self) -> bool {
        self.issue_job.busy()
    }

    /// Collects the issue and print workers. Returns true when a sale was just issued
    /// (its PDF is being saved and printed): the panel then clears the sale.
    pub(super) fn poll(
        &mut self,
        ctx: &egui::Context,
        s: &mut Session,
        msg: &mut Option<Msg>,
    ) -> bool {
        let issued = self.issue_job.poll_ok(msg);
        if let Some(inv) = &issued {
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
            *msg = Some(Msg::ok(text));
            s.changed();
            self.last = Some(inv.clone());
            self.change_screen = (change > Decimal::ZERO).then(|| inv.clone());
            self.print(ctx, s, inv.clone());
        }
        if let Some(r) = self.print_job.poll() {
            self.print_msg = Some(match r {
                Ok(t) => Msg::info(t),
                Err(t) => Msg::warn(t),
            });
        }
        issued.is_some()
    }

    /// Saves the receipt PDF and prints it, on the print worker.
    fn print(&mut self, ctx: &egui::Context, s: &Session, inv: Invoice) {
        let (settings, dir, print_on) = (s.settings.clone(), s.receipts_dir(), s.print);
        self.print_msg = Some(Msg::info("Imprimiendo comprobante…"));
        let store = s.store.clone();
        self.print_job.start(ctx, move || {
            let hash = printing::hash_of(&store, &inv);
            printing::save_and_print(&store, &inv, &settings, hash.as_deref(), &dir, print_on)
        });
    }

    /// *Reimprimir último*: the last sale issued on this screen, again.
    pub(super) fn reprint_last(&mut self, ctx: &egui::Context, s: &Session) {
        if let Some(inv) = self.last.clone()
            && !self.print_job.busy()
        {
            log::info!("reprinting {}", inv.number);
            self.print(ctx, s, inv);
        }
    }

    /// The big change screen after a cash sale: VUELTO in large type, received and
    /// total, and *Nueva venta* to close it.
    /// Returns true when it was just closed.
    pub(super) fn change_ui(&mut self, ctx: &egui::Context) -> bool {
        let Some(inv) = &self.change_screen else {
            return false;
        };
        let total = inv.totals.total;
        let received = inv.payment.received.unwrap_or(total);
        let change = inv.payment.change(total);
        let paid = if inv.payment.is_split() {
            format!(
                "Efectivo recibido {} · Total {}",
                soles(received),
                soles(total)
            )
        } else {
            format!("Recibido {} · Total {}", soles(received), soles(total))
        };
        let mut close = false;
        let modal = egui::Modal::new(egui::Id::unique("change_screen")).show(ctx, |ui| {
            ui.set_width(460.0);
            ui.vertical_centered(|ui| {
                ui.label(RichText::new(format!("{} {}", inv.kind.short(), inv.number)).size(20.0));
                ui.add_space(8.0);
                ui.label(RichText::new("VUELTO").size(32.0).strong());
                ui.label(
                    RichText::new(soles(change))
                        .size(72.0)
                        .strong()
                        .color(theme::green()),
                );
                ui.add_space(4.0);
                ui.label(RichText::new(paid).size(22.0));
                ui.add_space(16.0);
                close = widgets::big_button(ui, "Listo, nueva venta", Some(theme::blue()), 300.0)
                    .clicked();
            });
        });
        if close || modal.should_close() {
            self.change_screen = None;
            return true;
        }
        false
    }

    /// Totals, rule errors and the two big buttons: always visible under the lines.
    pub(super) fn footer(
        &mut self,
        ui: &mut Ui,
        draft: &InvoiceDraft,
        msg: &Option<Msg>,
    ) -> Option<FooterAction> {
        let totals = draft.totals();
        // At 1024 px the ticket column is ~400 px wide: a tighter footer leaves room for
        // the lines above it.
        let narrow = ui.ctx().content_rect().width() < 1200.0;
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
                        if narrow {
                            // One line for the two amounts a cashier rarely reads.
                            ui.label(
                                RichText::new(format!(
                                    "Gravada {} · IGV {}",
                                    soles(t.gravada),
                                    soles(t.igv)
                                ))
                                .size(17.0)
                                .weak(),
                            );
                            ui.end_row();
                        } else {
                            row(ui, "OP. GRAVADA", t.gravada);
                        }
                        if t.exonerada > Decimal::ZERO {
                            row(ui, "OP. EXONERADA", t.exonerada);
                        }
                        if t.inafecta > Decimal::ZERO {
                            row(ui, "OP. INAFECTA", t.inafecta);
                        }
                        if !narrow {
                            row(ui, "IGV (18%)", t.igv);
                        }
                        if let Some(d) = detraccion_due(draft.kind, &draft.lines, t.total) {
                            row(ui, "Detracción 12% (SPOT)", d);
                        }
                        ui.label(RichText::new("TOTAL").size(30.0).strong());
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            ui.label(RichText::new(soles(t.total)).size(30.0).strong());
                        });
                        ui.end_row();
                    });
            }
            Err(e) if !draft.lines.is_empty() => {
                ui.label(RichText::new(e.mensaje()).color(theme::red()).strong());
            }
            Err(_) => {}
        }
        // Rules checked live: the cashier sees the problem before pressing EMITIR.
        if !draft.lines.is_empty() && totals.is_ok() {
            if let Err(e) = draft.check() {
                // What a split still lacks is already shown large in the payment block,
                // and what the buyer lacks under *Cliente*.
                if !matches!(e, motordesk_core::DomainError::SplitShort { .. })
                    && !super::customer::is_about_buyer(&e)
                {
                    widgets::message(ui, &Msg::error(e.mensaje()));
                }
            } else if draft.kind == DocumentKind::Boleta
                && !draft.buyer.id.identifies_buyer()
                && totals
                    .as_ref()
                    .is_ok_and(|t| t.total > BOLETA_ANONYMOUS_LIMIT * Decimal::new(9, 1))
            {
                ui.label(
                    RichText::new("Cerca del límite de S/ 700 sin DNI.").color(theme::amber()),
                );
            }
        }
        widgets::maybe_message(ui, msg);
        widgets::maybe_message(ui, &self.print_msg);
        ui.add_space(4.0);
        let busy = self.issue_job.busy();
        // A split payment that does not add up to the total yet cannot be issued.
        let uncovered = draft.payment.is_split()
            && totals
                .as_ref()
                .is_ok_and(|t| !draft.payment.remaining(t.total).is_zero());
        let w = (ui.available_width() - 24.0) / 2.0;
        let mut action = None;
        ui.horizontal(|ui| {
            if widgets::big_button(ui, "VISTA PREVIA", None, w).clicked() {
                action = Some(FooterAction::Preview);
            }
            let label = if busy { "EMITIENDO…" } else { "EMITIR" };
            let r = ui.add_enabled_ui(!busy && !uncovered, |ui| {
                widgets::big_button(ui, label, Some(theme::green()), w)
            });
            if r.inner.clicked() {
                action = Some(FooterAction::Issue);
            }
        });
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().button_padding = vec2(10.0, 8.0);
            if ui
                .add(
                    Button::new(RichText::new("Nueva venta").size(18.0))
                        .min_size(vec2(0.0, theme::TOUCH)),
                )
                .clicked()
            {
                action = Some(FooterAction::Clear);
            }
            let can_reprint = self.last.is_some() && !self.print_job.busy();
            if ui
                .add_enabled(
                    can_reprint,
                    Button::new(RichText::new("Reimprimir último").size(18.0))
                        .min_size(vec2(0.0, theme::TOUCH)),
                )
                .clicked()
            {
                action = Some(FooterAction::ReprintLast);
            }
        });
        action
    }

    /// EMITIR: starts `store.issue_ticket` on a worker, unless something blocks the
    /// sale or a manager must approve it first.
    pub(super) fn issue(
        &mut self,
        ctx: &egui::Context,
        s: &Session,
        draft: &InvoiceDraft,
        vehicle: Option<&Vehicle>,
        km: Option<u32>,
        msg: &mut Option<Msg>,
    ) {
        self.issue_with(ctx, s, draft, vehicle, km, msg, None, false);
    }

    /// `issue` once past the gates: `approval` (a manager's PIN) goes to the store, which
    /// spends it; `confirmed` says the credit note's confirmation was answered.
    #[allow(clippy::too_many_arguments)]
    fn issue_with(
        &mut self,
        ctx: &egui::Context,
        s: &Session,
        draft: &InvoiceDraft,
        vehicle: Option<&Vehicle>,
        km: Option<u32>,
        msg: &mut Option<Msg>,
        approval: Option<Approval>,
        confirmed: bool,
    ) {
        if let Some(p) = blocking_problem(draft, vehicle, km) {
            *msg = Some(Msg::error(p));
            return;
        }
        if !confirmed && super::note::NoteGate::needed(draft) {
            self.note_gate
                .open((draft.clone(), vehicle.cloned(), km), msg);
            return;
        }
        if approval.is_none()
            && let Some(limit) = discount_over_limit(draft, s)
        {
            *msg = Some(Msg::info(format!(
                "El descuento de {} % supera el límite de {} %: un administrador debe autorizarlo con su PIN.",
                draft.global_discount_pct.normalize(),
                limit.normalize()
            )));
            self.discount_pending = Some((draft.clone(), vehicle.cloned(), km));
            self.discount_approver
                .ask(ApprovalRequest::discount(draft.global_discount_pct));
            return;
        }
        let draft = draft.clone();
        let store = s.store.clone();
        let ticket = self.ticket;
        *msg = None;
        self.print_msg = None;
        self.issue_job.start(ctx, move || {
            store.issue_ticket(draft, ticket, approval.as_ref())
        });
    }

    /// VISTA PREVIA: the draft as this kiosk would print it, numbered as a preview.
    pub(super) fn open_preview(
        &mut self,
        s: &Session,
        draft: &InvoiceDraft,
        msg: &mut Option<Msg>,
    ) {
        if draft.lines.is_empty() {
            *msg = Some(Msg::error("Agregue al menos un producto o servicio."));
            return;
        }
        match crate::receipt::preview_invoice(
            draft,
            &s.settings,
            chrono::Utc::now(),
            s.store.device_id(),
            &s.user.username,
        ) {
            Ok(inv) => self.preview = Some(printing::layout(&inv, &s.settings, None)),
            Err(e) => *msg = Some(Msg::error(e.mensaje())),
        }
    }

    /// The credit note's confirmation and the PIN pads (credit note, discount); issues
    /// the document once approved, with its approver.
    pub(super) fn note_gate_ui(&mut self, ctx: &egui::Context, s: &Session, msg: &mut Option<Msg>) {
        if let Some(((draft, vehicle, km), a)) = self.note_gate.ui(ctx, s, msg) {
            self.issue_with(ctx, s, &draft, vehicle.as_ref(), km, msg, a, true);
        }
        if let Some(a) = self.discount_approver.ui(ctx, s, msg)
            && let Some((draft, vehicle, km)) = self.discount_pending.take()
        {
            self.issue_with(ctx, s, &draft, vehicle.as_ref(), km, msg, Some(a), true);
        }
    }

    pub(super) fn preview_ui(&mut self, ctx: &egui::Context) {
        crate::ui::receipt_modal::show(ctx, "sale_preview", &mut self.preview);
    }
}

/// The shop's discount limit when `draft` goes over it and needs a manager: a cashier's
/// sale (an administrator is the manager). The store applies the same rule
/// (`approval_needed`) and refuses the sale without the approval.
fn discount_over_limit(draft: &InvoiceDraft, s: &Session) -> Option<Decimal> {
    let limit = s.settings.discount_limit_pct?;
    (draft.modifies.is_none() && draft.global_discount_pct > limit && !s.is_admin())
        .then_some(limit)
}

/// Why EMITIR cannot go ahead, in Spanish; `None` when it can.
fn blocking_problem(
    draft: &InvoiceDraft,
    vehicle: Option<&Vehicle>,
    km: Option<u32>,
) -> Option<String> {
    if draft.lines.is_empty() {
        return Some("Agregue al menos un producto o servicio.".into());
    }
    // Every sale rule, the cash one included, lives in the domain's check (the store
    // runs it again); the screen only asks first.
    if let Err(e) = draft.check() {
        return Some(e.mensaje());
    }
    if let (Some(v), Some(k)) = (vehicle, km)
        && let Err(e) = check_odometer(v.odometer_km, k)
    {
        return Some(e.mensaje());
    }
    None
}

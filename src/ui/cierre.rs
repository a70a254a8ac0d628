//! Caja: the cash drawer of the shift under way and its close (the Z report). The
//! opening float (keypad), cash put in or taken out with a reason (on-screen keyboard),
//! sales and credit notes per payment method, the cash expected; then the cash counted
//! (keypad), the difference, and *Cerrar caja*, which asks a manager's PIN. The closed
//! shift's ticket is saved sealed and printed; past closes can be looked at and printed
//! again.

use crate::receipt::{ReceiptLayout, difference_label, z_report};
use crate::store::{ApprovalAction, ShiftClose, ShiftReport, StoreResult};
use crate::ui::approval::PinPad;
use crate::ui::keypad::{Keypad, KeypadOutcome};
use crate::ui::session::Session;
use crate::ui::widgets::{self, Msg};
use crate::ui::{printing, theme, worker::Job};
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::{MovementKind, lima_display, parse_amount, plain, soles};
use rust_decimal::Decimal;

/// How many past closes the history lists.
const HISTORY: usize = 30;

/// What the keypad is entering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Float,
    Counted,
    Movement(MovementKind),
}

#[derive(Default)]
pub(super) struct CajaPanel {
    /// The shift under way, as a close now would report it.
    current: Option<ShiftReport>,
    loaded_rev: Option<u64>,
    load: Job<StoreResult<(ShiftReport, Vec<ShiftReport>)>>,
    history: Vec<ShiftReport>,
    keypad: Option<(Entry, Keypad)>,
    /// A movement whose amount is entered, waiting for its reason.
    movement: Option<(MovementKind, Decimal)>,
    movement_reason: String,
    counted: Option<Decimal>,
    close_reason: String,
    pin: PinPad,
    save_job: Job<StoreResult<String>>,
    close_job: Job<StoreResult<ShiftReport>>,
    print_job: Job<Result<String, String>>,
    /// The shift just closed, shown until the next one starts.
    closed: Option<ShiftReport>,
    preview: Option<ReceiptLayout>,
    msg: Option<Msg>,
    /// Where the Z ticket went (saved, printed, failed), beside the close's own message.
    print_msg: Option<Msg>,
}

impl CajaPanel {
    pub(super) fn ui(&mut self, ui: &mut Ui, s: &mut Session) {
        self.poll(ui.ctx(), s);
        if self.loaded_rev != Some(s.revision) && !self.load.busy() {
            let store = s.store.clone();
            self.load.start(ui.ctx(), move || {
                Ok((store.shift_so_far()?, store.shift_history(HISTORY)?))
            });
            self.loaded_rev = Some(s.revision);
        }
        ui.horizontal_wrapped(|ui| {
            ui.heading("Caja");
            if self.load.busy() {
                ui.spinner();
            }
        });
        widgets::maybe_message(ui, &self.msg);
        widgets::maybe_message(ui, &self.print_msg);
        egui::ScrollArea::vertical()
            .id_salt("caja_scroll")
            .auto_shrink(false)
            .show(ui, |ui| {
                if let Some(rep) = self.closed.clone() {
                    self.closed_ui(ui, s, &rep);
                    ui.separator();
                }
                // Side by side from 1280 px; one under the other at 1024 px, where half
                // the panel (~400 px) cannot hold the method table.
                let w = ui.available_width();
                if w >= 900.0 {
                    let half = (w - 40.0) / 2.0;
                    ui.horizontal_top(|ui| {
                        ui.vertical(|ui| {
                            ui.set_width(half);
                            self.shift_ui(ui, s);
                        });
                        ui.add_space(24.0);
                        ui.vertical(|ui| {
                            ui.set_width(half);
                            self.close_ui(ui);
                        });
                    });
                } else {
                    self.shift_ui(ui, s);
                    ui.separator();
                    self.close_ui(ui);
                }
                ui.separator();
                self.history_ui(ui, s);
            });
        self.dialogs(ui.ctx(), s);
    }

    fn poll(&mut self, ctx: &egui::Context, s: &mut Session) {
        if let Some((cur, hist)) = self.load.poll_ok(&mut self.msg) {
            self.current = Some(cur);
            self.history = hist;
        }
        if let Some(text) = self.save_job.poll_ok(&mut self.msg) {
            self.msg = Some(Msg::ok(text));
            s.changed();
        }
        if let Some(rep) = self.close_job.poll_ok(&mut self.msg) {
            self.msg = Some(Msg::ok(format!(
                "Caja cerrada ({}). Aprobó {}.",
                lima_display(rep.closed_at),
                rep.approved_by.as_ref().map_or("", |a| a.name.as_str())
            )));
            self.counted = None;
            self.close_reason.clear();
            self.print(ctx, s, rep.clone());
            self.closed = Some(rep);
            s.changed();
        }
        if let Some(r) = self.print_job.poll() {
            self.print_msg = Some(match r {
                Ok(t) => Msg::info(t),
                Err(t) => Msg::warn(t),
            });
        }
    }

    /// Saves the Z ticket sealed and prints it, on a worker.
    fn print(&mut self, ctx: &egui::Context, s: &Session, rep: ShiftReport) {
        let (store, settings, dir, on) = (
            s.store.clone(),
            s.settings.clone(),
            s.receipts_dir(),
            s.print,
        );
        self.print_msg = Some(Msg::info("Imprimiendo el cierre de caja…"));
        self.print_job.start(ctx, move || {
            printing::save_and_print_z(&store, &rep, &settings, &dir, on)
        });
    }

    fn open_keypad(&mut self, entry: Entry, title: &str, initial: Option<Decimal>) {
        let init = initial.map(plain).unwrap_or_default().replace(',', "");
        self.keypad = Some((entry, Keypad::new(title, &init, true)));
    }

    /// The figures of the shift under way: float, sales per method, refunds, movements,
    /// expected cash.
    fn shift_ui(&mut self, ui: &mut Ui, s: &Session) {
        let Some(cur) = self.current.clone() else {
            return;
        };
        ui.label(RichText::new("Turno en curso").strong().size(22.0));
        ui.label(match cur.opened_at {
            Some(at) => format!("Desde {}", lima_display(at)),
            None => "Desde el inicio del día".into(),
        });
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("Fondo inicial: {}", soles(cur.float))).size(20.0));
            if ui
                .add(Button::new("Fondo inicial…").min_size(vec2(0.0, theme::TOUCH)))
                .clicked()
            {
                self.open_keypad(Entry::Float, "Fondo inicial (S/)", Some(cur.float));
            }
        });
        ui.add_space(4.0);
        let t = &cur.tally;
        egui::Grid::new("caja_methods")
            .num_columns(3)
            .spacing(vec2(18.0, 6.0))
            .striped(true)
            .show(ui, |ui| {
                ui.strong("Medio de pago");
                ui.strong("Ventas");
                ui.strong("Notas de crédito");
                ui.end_row();
                for m in &t.methods {
                    ui.label(m.method.label());
                    ui.label(soles(m.sales));
                    ui.label(soles(m.refunds));
                    ui.end_row();
                }
                if !t.on_credit.is_zero() {
                    ui.label("Crédito (cuotas)");
                    ui.label(soles(t.on_credit));
                    ui.label("");
                    ui.end_row();
                }
                ui.strong(format!(
                    "{} · {}",
                    plural(t.sales_count, "venta", "ventas"),
                    plural(t.credit_notes, "nota", "notas")
                ));
                ui.strong(soles(t.sales_total()));
                ui.strong(soles(t.refunds_total()));
                ui.end_row();
            });
        ui.add_space(6.0);
        ui.label(RichText::new("Movimientos de efectivo").strong());
        if cur.movements.is_empty() {
            ui.label(RichText::new("Ninguno en este turno.").color(theme::grey()));
        }
        for m in &cur.movements {
            let sign = if m.kind == MovementKind::Retiro {
                "−"
            } else {
                "+"
            };
            ui.label(format!(
                "{} {} {sign}{} · {}",
                &lima_display(m.at)[11..16],
                m.kind.label(),
                soles(m.amount),
                m.reason
            ));
        }
        if let Some((kind, amount)) = self.movement {
            ui.label(RichText::new(format!("{} de {}", kind.label(), soles(amount))).strong());
            widgets::field(
                ui,
                "Motivo del movimiento",
                &mut self.movement_reason,
                ui.available_width().min(420.0),
            );
            ui.horizontal_wrapped(|ui| {
                if ui
                    .add_enabled(
                        !self.save_job.busy(),
                        Button::new(RichText::new("Guardar movimiento").strong())
                            .min_size(vec2(0.0, theme::TOUCH)),
                    )
                    .clicked()
                {
                    self.save_movement(ui.ctx(), s, kind, amount);
                }
                if ui
                    .add(Button::new("Cancelar").min_size(vec2(0.0, theme::TOUCH)))
                    .clicked()
                {
                    self.movement = None;
                }
            });
        } else {
            ui.horizontal_wrapped(|ui| {
                for kind in [MovementKind::Ingreso, MovementKind::Retiro] {
                    let label = format!("{} de efectivo", kind.label());
                    if ui
                        .add(Button::new(&label).min_size(vec2(0.0, theme::TOUCH)))
                        .clicked()
                    {
                        self.open_keypad(Entry::Movement(kind), &format!("{label} (S/)"), None);
                    }
                }
            });
        }
        ui.add_space(6.0);
        ui.label(format!(
            "Fondo {} + ventas en efectivo {} − devoluciones {} + ingresos {} − retiros {}",
            soles(cur.float),
            soles(t.cash_sales()),
            soles(t.cash_refunds()),
            soles(cur.cash_in()),
            soles(cur.cash_out())
        ));
        ui.label(
            RichText::new(format!("Efectivo esperado: {}", soles(cur.expected_cash)))
                .size(24.0)
                .strong(),
        );
    }

    fn save_movement(
        &mut self,
        ctx: &egui::Context,
        s: &Session,
        kind: MovementKind,
        amount: Decimal,
    ) {
        let reason = self.movement_reason.trim().to_string();
        if reason.is_empty() {
            self.msg = Some(Msg::error(
                "Escriba el motivo del ingreso o retiro de efectivo.",
            ));
            return;
        }
        self.movement = None;
        self.movement_reason.clear();
        let store = s.store.clone();
        self.save_job.start(ctx, move || {
            let m = store.add_cash_movement(kind, amount, &reason)?;
            Ok(format!(
                "{} de {} registrado.",
                m.kind.label(),
                soles(m.amount)
            ))
        });
    }

    /// Counting the drawer and closing: counted cash, the difference, the reason when
    /// records are unsynced, and *Cerrar caja* (manager's PIN).
    fn close_ui(&mut self, ui: &mut Ui) {
        let Some(cur) = self.current.clone() else {
            return;
        };
        ui.label(RichText::new("Cerrar caja").strong().size(22.0));
        ui.horizontal_wrapped(|ui| {
            let label = match self.counted {
                Some(c) => format!("Efectivo contado: {}", soles(c)),
                None => "Efectivo contado: —".into(),
            };
            if ui
                .add(Button::new(RichText::new(label).size(20.0)).min_size(vec2(0.0, theme::TOUCH)))
                .clicked()
            {
                self.open_keypad(Entry::Counted, "Efectivo contado (S/)", self.counted);
            }
        });
        if let Some(c) = self.counted {
            let d = c - cur.expected_cash;
            let colour = if d.is_zero() {
                theme::green()
            } else if d < Decimal::ZERO {
                theme::red()
            } else {
                theme::amber()
            };
            ui.label(
                RichText::new(format!("{}: {}", difference_label(d), soles(d)))
                    .size(26.0)
                    .strong()
                    .color(colour),
            );
        }
        if cur.unsynced > 0 {
            ui.label(
                RichText::new(format!(
                    "Hay {}{} sin sincronizar: el administrador que aprueba debe escribir el motivo.",
                    cur.unsynced,
                    if cur.unsynced == 1 { " registro" } else { " registros" }
                ))
                .color(theme::amber()),
            );
            widgets::field(
                ui,
                "Motivo para cerrar sin sincronizar",
                &mut self.close_reason,
                ui.available_width().min(420.0),
            );
        }
        let busy = self.close_job.busy();
        let empty = cur.is_empty();
        if empty {
            ui.label(
                RichText::new("Sin ventas, notas, fondo ni movimientos: no hay nada que cerrar.")
                    .color(theme::grey()),
            );
        }
        let ready = self.counted.is_some() && !busy && !empty;
        let label = if busy { "CERRANDO…" } else { "CERRAR CAJA" };
        let w = ui.available_width().min(320.0);
        let r = ui.add_enabled_ui(ready, |ui| {
            widgets::big_button(ui, label, Some(theme::red()), w)
        });
        if r.inner.clicked() {
            self.pin.ask(ApprovalAction::ShiftClose);
        }
        if self.counted.is_none() && !empty {
            ui.label(
                RichText::new("Cuente el efectivo de la caja e ingrese el monto para cerrar.")
                    .color(theme::grey()),
            );
        }
    }

    /// The shift just closed: its figures and its ticket.
    fn closed_ui(&mut self, ui: &mut Ui, s: &mut Session, rep: &ShiftReport) {
        ui.label(
            RichText::new("Turno cerrado")
                .size(24.0)
                .strong()
                .color(theme::green()),
        );
        self.report_line(ui, s, rep, "z_closed");
        if ui
            .add(Button::new("Listo").min_size(vec2(140.0, theme::TOUCH)))
            .clicked()
        {
            self.closed = None;
            self.msg = None;
            self.print_msg = None;
        }
    }

    /// One close: when, difference, and its ticket to look at or print again.
    fn report_line(&mut self, ui: &mut Ui, s: &mut Session, rep: &ShiftReport, id: &str) {
        ui.push_id(id, |ui| {
            ui.horizontal_wrapped(|ui| {
                let diff = rep
                    .difference()
                    .map(|d| format!(" · {}: {}", difference_label(d), soles(d)))
                    .unwrap_or_default();
                ui.label(format!(
                    "{} · {} · ventas {} · esperado {}{diff}",
                    lima_display(rep.closed_at),
                    rep.account,
                    soles(rep.tally.sales_total()),
                    soles(rep.expected_cash),
                ));
                if ui
                    .add(Button::new("Ver ticket").min_size(vec2(0.0, theme::TOUCH)))
                    .clicked()
                {
                    self.preview = Some(z_report(rep, &s.settings));
                }
                if ui
                    .add_enabled(
                        !self.print_job.busy(),
                        Button::new("Imprimir").min_size(vec2(0.0, theme::TOUCH)),
                    )
                    .clicked()
                {
                    self.print(ui.ctx(), s, rep.clone());
                }
            });
        });
    }

    fn history_ui(&mut self, ui: &mut Ui, s: &mut Session) {
        ui.label(RichText::new("Cierres anteriores").strong().size(20.0));
        if self.history.is_empty() {
            ui.label(RichText::new("Todavía no hay cierres.").color(theme::grey()));
        }
        for (i, rep) in self.history.clone().iter().enumerate() {
            self.report_line(ui, s, rep, &format!("z_hist_{i}"));
        }
    }

    /// The keypad, the PIN pad and the ticket preview, over the panel.
    fn dialogs(&mut self, ctx: &egui::Context, s: &mut Session) {
        if let Some((entry, pad)) = self.keypad.as_mut() {
            let entry = *entry;
            if let Some(outcome) = pad.show(ctx) {
                self.keypad = None;
                if let KeypadOutcome::Accept(text) = outcome {
                    self.entered(ctx, s, entry, text.trim());
                }
            }
        }
        if let Some((_, pin)) = self.pin.show(ctx)
            && let Some(counted) = self.counted
        {
            let store = s.store.clone();
            let close = ShiftClose {
                counted,
                pin,
                override_reason: Some(self.close_reason.clone()),
            };
            self.msg = None;
            self.close_job.start(ctx, move || store.close_shift(close));
        }
        crate::ui::receipt_modal::show(ctx, "z_preview", &mut self.preview);
    }

    fn entered(&mut self, ctx: &egui::Context, s: &Session, entry: Entry, text: &str) {
        let amount = match parse_amount(if text.is_empty() { "0" } else { text }) {
            Ok(a) => a,
            Err(e) => {
                self.msg = Some(Msg::error(e.mensaje()));
                return;
            }
        };
        if let Err(e) = motordesk_core::check_drawer_amount(amount) {
            self.msg = Some(Msg::error(e.mensaje()));
            return;
        }
        match entry {
            Entry::Counted => self.counted = Some(amount),
            Entry::Movement(kind) => {
                if amount.is_zero() {
                    self.msg = Some(Msg::error("El importe debe ser mayor que cero."));
                } else {
                    self.movement = Some((kind, amount));
                    self.movement_reason.clear();
                }
            }
            Entry::Float => {
                let store = s.store.clone();
                self.save_job.start(ctx, move || {
                    store.set_opening_float(amount)?;
                    Ok(format!("Fondo inicial: {}.", soles(amount)))
                });
            }
        }
    }
}

/// "1 venta", "3 ventas".
fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

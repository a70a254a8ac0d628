//! "Buscar en SUNAT/RENIEC", shared by the Clientes form and the Ventas customer search:
//! the button (enabled online with 8 or 11 digits typed), the call on a worker, the
//! Spanish message next to the field, and the estado/condición line. Every answer's
//! status is remembered in the session, so Ventas can warn before a factura to a RUC
//! that is not ACTIVO or not HABIDO.

use crate::sync::{Connectivity, LookupError};
use crate::ui::session::Session;
use crate::ui::widgets::{self, Msg};
use crate::ui::{theme, worker::Job};
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::{LookupKind, LookupResult, TaxpayerStatus, lookup_number};

pub(super) const BUTTON: &str = "Buscar en SUNAT/RENIEC";

#[derive(Default)]
pub(super) struct LookupButton {
    job: Job<Result<LookupResult, LookupError>>,
    /// Why the last lookup brought nothing (not found, offline…), under the button.
    pub(super) msg: Option<Msg>,
    /// "Datos de SUNAT cargados." beside the button after a lookup that found it (the
    /// estado/condición line says the rest: one line, not two, at 768 px).
    found: Option<String>,
}

impl LookupButton {
    /// Forgets the last message (a new form, another customer).
    pub(super) fn clear(&mut self) {
        self.msg = None;
        self.found = None;
    }

    /// Draws the button for the number `typed`; returns the result once, when it
    /// arrives. Offline, without a server or without 8/11 digits it stays disabled with a
    /// short reason, and the form keeps working by hand.
    pub(super) fn ui(&mut self, ui: &mut Ui, s: &mut Session, typed: &str) -> Option<LookupResult> {
        // An answer for a number no longer typed (the cashier moved on) is dropped.
        let found = self.poll(s).filter(|r| {
            let current = r.number == typed.trim();
            if !current {
                log::info!("lookup answer for a number no longer on screen dropped");
                self.found = None;
            }
            current
        });
        let kind = LookupKind::of_typed(typed);
        let connectivity = s.sync_state().connectivity;
        let online = matches!(
            connectivity,
            Connectivity::Online | Connectivity::Reconnected
        );
        let busy = self.job.busy();
        let label = if busy { "Buscando…" } else { BUTTON };
        let b = Button::new(RichText::new(label).size(18.0)).min_size(vec2(0.0, theme::TOUCH));
        if ui
            .add_enabled(online && kind.is_some() && !busy, b)
            .clicked()
            && let Some(k) = kind
        {
            self.start(ui.ctx(), s, k, typed);
        }
        // One short line under the button (beside it, the text wrapped mid-phrase in the
        // 450 px form column at 1024×768).
        let why = match (kind, connectivity) {
            (_, Connectivity::Disabled) => Some("Sin servidor: ingrese los datos a mano."),
            (_, Connectivity::Offline) => Some("Sin conexión: ingrese los datos a mano."),
            (None, _) => Some("DNI de 8 dígitos o RUC de 11."),
            _ => None,
        };
        let note = match (&self.found, why) {
            _ if busy => None,
            (Some(f), _) => Some((f.as_str(), theme::green())),
            (None, Some(w)) => Some((w, theme::grey())),
            (None, None) => None,
        };
        if let Some((text, colour)) = note {
            ui.label(RichText::new(text).color(colour));
        }
        widgets::maybe_message(ui, &self.msg);
        found
    }

    fn start(&mut self, ctx: &egui::Context, s: &Session, kind: LookupKind, typed: &str) {
        // Checked here too: a bad check digit is told at once, without the network.
        if let Err(e) = lookup_number(kind, typed) {
            self.msg = Some(Msg::error(e.mensaje()));
            return;
        }
        self.clear();
        let store = s.store.clone();
        let typed = typed.to_string();
        self.job.start(ctx, move || {
            let settings = store
                .settings()
                .map_err(|e| LookupError::Offline(crate::sync::SyncError::Store(e)))?;
            crate::sync::lookup(&settings, kind, &typed)
        });
    }

    fn poll(&mut self, s: &mut Session) -> Option<LookupResult> {
        match self.job.poll()? {
            Ok(r) => {
                self.found = Some(format!("Datos de {} cargados.", r.kind.register()));
                if let Some(t) = &r.taxpayer {
                    s.taxpayers.insert(r.number.clone(), t.clone());
                }
                Some(r)
            }
            Err(e) => {
                log::warn!("lookup failed: {e}");
                self.msg = Some(Msg::error(e.mensaje()));
                None
            }
        }
    }
}

/// The RUC's standing as a coloured line: green ACTIVO / HABIDO, red otherwise; with
/// when it was checked where there is room (the Clientes form; in the 430 px Ventas column
/// at 1024×768 the time wrapped to a second line, and the warning says it anyway).
pub(super) fn status_line(ui: &mut Ui, t: &TaxpayerStatus, with_time: bool) {
    ui.horizontal_wrapped(|ui| {
        ui.label("SUNAT:");
        let colour = if t.is_good() {
            theme::green()
        } else {
            theme::red()
        };
        widgets::badge(ui, &t.label(), colour);
        if with_time {
            ui.label(
                RichText::new(format!(
                    "consultado {}",
                    motordesk_core::lima_display(t.checked_at)
                ))
                .small()
                .color(theme::grey()),
            );
        }
    });
}

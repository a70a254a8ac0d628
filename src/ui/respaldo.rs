//! The "Respaldo" block of Ajustes: when this kiosk's data last reached the server as a
//! sealed backup, how big it was, the last failure, and "Respaldar ahora" (administrator).
//! The upload itself runs on the sync thread (`SyncHandle::backup_now`).

use crate::store::{BackupStatus, StoreResult};
use crate::ui::session::Session;
use crate::ui::{theme, worker::Job};
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::{lima_display, size_text};

#[derive(Default)]
pub(super) struct RespaldoBlock {
    status: Option<BackupStatus>,
    job: Job<StoreResult<BackupStatus>>,
    /// (session revision, upload running) when `status` was read: read again on change.
    seen: Option<(u64, bool)>,
    /// "Respaldar ahora" was tapped and the sync thread has not picked it up yet.
    asked: bool,
}

impl RespaldoBlock {
    pub(super) fn ui(&mut self, ui: &mut Ui, s: &mut Session) {
        let state = s.sync.as_ref().map(|h| h.state());
        let running = state.as_ref().is_some_and(|st| st.backup_running);
        if let Some(r) = self.job.poll() {
            match r {
                Ok(st) => self.status = Some(st),
                Err(e) => log::warn!("reading the backup status: {e}"),
            }
        }
        if running {
            self.asked = false;
        }
        let key = (s.revision, running);
        if self.seen != Some(key) && !self.job.busy() {
            let store = s.store.clone();
            self.job.start(ui.ctx(), move || store.backup_status());
            self.seen = Some(key);
        }
        ui.label(RichText::new("Respaldo").strong().size(22.0));
        ui.label(
            "Una copia cifrada de los datos de este equipo se guarda en el servidor cada día y al cerrar la caja. Solo un administrador puede abrirla, en un equipo nuevo.",
        );
        let registered = s.settings.device_token.is_some();
        match self.status.as_ref().and_then(|st| st.last_ok) {
            Some((at, bytes)) => {
                ui.label(format!(
                    "Último respaldo: {} · {}",
                    lima_display(at),
                    size_text(bytes)
                ));
            }
            None => {
                ui.label(RichText::new("Aún no hay respaldo en el servidor.").color(theme::grey()));
            }
        }
        let failure = state
            .as_ref()
            .and_then(|st| st.backup_error.clone())
            .or_else(|| {
                self.status
                    .as_ref()
                    .and_then(|st| st.last_error.as_ref())
                    .map(|(at, why)| format!("{} ({})", why, lima_display(*at)))
            });
        if let Some(why) = failure {
            ui.label(RichText::new(format!("Falló: {why}")).color(theme::red()));
        }
        if !registered {
            ui.label(
                RichText::new("Registre este equipo en un servidor para respaldarlo.")
                    .color(theme::grey()),
            );
        }
        let label = if running {
            "Respaldando…"
        } else if self.asked {
            "Respaldo pedido…"
        } else {
            "Respaldar ahora"
        };
        let enabled = s.is_admin() && registered && !running && !self.asked;
        if ui
            .add_enabled(
                enabled,
                Button::new(RichText::new(label).strong()).min_size(vec2(220.0, 56.0)),
            )
            .clicked()
            && let Some(sync) = &s.sync
        {
            sync.backup_now();
            self.asked = true;
        }
    }
}

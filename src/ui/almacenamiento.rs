//! The "Almacenamiento" block of Ajustes: how big the data file is, how much room its
//! disk has left, how many documents it holds, and Compactar (administrator), which gives
//! the file's free pages back to the disk and says the size before and after. All of it
//! runs on workers; the warning thresholds are `store::disk_level`'s.

use crate::store::{Compaction, DiskLevel, StorageInfo, StoreError, StoreResult, disk_level};
use crate::ui::session::Session;
use crate::ui::widgets::{self, Msg};
use crate::ui::{theme, worker::Job};
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::{size_text, thousands};

#[derive(Default)]
pub(super) struct AlmacenamientoBlock {
    info: Option<StorageInfo>,
    job: Job<StoreResult<StorageInfo>>,
    /// Session revision when `info` was read: a sale or a pull reads it again.
    seen: Option<u64>,
    compact: Job<StoreResult<Compaction>>,
    msg: Option<Msg>,
}

/// What to tell the shop about a disk at `level`, and in which colour.
pub(super) fn advice(level: DiskLevel) -> Option<(&'static str, egui::Color32)> {
    match level {
        DiskLevel::Ok => None,
        DiskLevel::Low => Some((
            "Queda poco espacio en el disco. Libere espacio (o avise al técnico) antes de que se llene: con el disco lleno no se pueden guardar ventas.",
            theme::amber(),
        )),
        DiskLevel::Critical => Some((
            "El disco está casi lleno: las próximas ventas pueden no guardarse. Libere espacio ahora (o avise al técnico).",
            theme::red(),
        )),
    }
}

impl AlmacenamientoBlock {
    pub(super) fn ui(&mut self, ui: &mut Ui, s: &mut Session) {
        if let Some(r) = self.job.poll() {
            match r {
                Ok(info) => self.info = Some(info),
                Err(e) => {
                    log::warn!("reading the storage figures: {e}");
                    self.msg = Some(Msg::error(e.mensaje()));
                }
            }
        }
        if let Some(r) = self.compact.poll() {
            self.msg = Some(match r {
                Ok(c) if c.after >= c.before => Msg::ok(format!(
                    "El archivo ya estaba compacto: {}.",
                    size_text(c.after)
                )),
                Ok(c) => Msg::ok(format!(
                    "Compactado: el archivo pasó de {} a {}.",
                    size_text(c.before),
                    size_text(c.after)
                )),
                Err(StoreError::Compact(redb::CompactionError::TransactionInProgress)) => {
                    Msg::warn(
                        "No se compactó: otra tarea seguía usando los datos. Vuelva a intentar en un momento.",
                    )
                }
                Err(e) => {
                    log::warn!("compacting the store: {e}");
                    Msg::error(e.mensaje())
                }
            });
            self.seen = None;
        }
        if self.seen != Some(s.revision) && !self.job.busy() && !self.compact.busy() {
            let store = s.store.clone();
            self.job.start(ui.ctx(), move || store.storage());
            self.seen = Some(s.revision);
        }
        ui.label(RichText::new("Almacenamiento").strong().size(22.0));
        match &self.info {
            Some(info) => {
                ui.label(format!(
                    "Archivo de datos: {} · {} {}",
                    size_text(info.file_bytes),
                    thousands(info.documents),
                    widgets::noun(info.documents as u64, "comprobante", "comprobantes")
                ));
                let level = disk_level(info.file_bytes, info.disk.free);
                let free = RichText::new(format!(
                    "Espacio libre en el disco: {} de {}",
                    size_text(info.disk.free),
                    size_text(info.disk.total)
                ));
                match advice(level) {
                    Some((text, colour)) => {
                        ui.label(free.strong().color(colour));
                        ui.label(RichText::new(text).color(colour));
                    }
                    None => {
                        ui.label(free);
                    }
                }
            }
            None => {
                ui.label(RichText::new("Leyendo…").color(theme::grey()));
            }
        }
        ui.label(
            "Compactar devuelve al disco el espacio que el archivo ya no usa. Mientras tanto las ventas esperan unos segundos; ninguna se pierde.",
        );
        widgets::maybe_message(ui, &self.msg);
        let busy = self.compact.busy();
        let label = if busy { "Compactando…" } else { "Compactar" };
        if ui
            .add_enabled(
                s.is_admin() && !busy,
                Button::new(RichText::new(label).strong()).min_size(vec2(220.0, 56.0)),
            )
            .on_disabled_hover_text("Solo un administrador puede compactar.")
            .clicked()
        {
            let store = s.store.clone();
            self.msg = None;
            self.compact.start(ui.ctx(), move || store.compact_now());
        }
    }
}

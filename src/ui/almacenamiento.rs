//! The "Almacenamiento" block of Ajustes: how big the data file is, how much room its
//! disk has left, how many documents it holds, and Compactar (administrator), which gives
//! the file's free pages back to the disk and says the size before and after. All of it
//! runs on workers; the warning thresholds are `store::disk_level`'s.
//!
//! Below it, the archive of old documents (administrator): how many synced documents are
//! older than the chosen age, what the archive folder holds (and any file it refused),
//! and Archivar, which moves them to a sealed archive file and compacts (`store::archive`).

use crate::store::{ArchiveError, ArchiveOverview, ArchiveReport};
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
    archive: ArchiveBlock,
}

/// The ages offered, in months.
const AGES: [u32; 3] = [12, 24, 36];

/// "Archivo de comprobantes antiguos".
#[derive(Default)]
struct ArchiveBlock {
    /// The age chosen (0: not yet, 24 is shown).
    months: u32,
    /// Documents a run would move now, for (months, revision).
    count: Option<(u32, Result<usize, String>)>,
    count_job: Job<Result<usize, ArchiveError>>,
    counted_for: Option<(u32, u64)>,
    overview: Option<ArchiveOverview>,
    overview_job: Job<ArchiveOverview>,
    run: Job<Result<ArchiveReport, ArchiveError>>,
    confirming: bool,
    msg: Option<Msg>,
}

/// What a run did, in one Spanish line.
fn report_text(r: &ArchiveReport) -> Msg {
    let moved = r.documents + r.resumed;
    if moved == 0 && r.file.is_none() {
        return Msg::info("No hay comprobantes que archivar con esa antigüedad.");
    }
    let mut text = format!("Archivados {} comprobantes", thousands(moved as u64));
    if let Some(f) = &r.file {
        text += &format!(" en {f} ({})", size_text(r.file_bytes));
    }
    text += ".";
    if r.kept_live > 0 {
        text += &format!(
            " {} cambiaron mientras tanto y siguen en los datos.",
            thousands(r.kept_live as u64)
        );
    }
    match (&r.compaction, &r.compaction_note) {
        (Some(c), _) => {
            text += &format!(
                " El archivo de datos pasó de {} a {}.",
                size_text(c.before),
                size_text(c.after)
            );
            Msg::ok(text)
        }
        (None, Some(note)) => Msg::warn(format!("{text} {note}")),
        (None, None) => Msg::ok(text),
    }
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
                    widgets::noun(info.documents, "comprobante", "comprobantes")
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
        let done = self.archive.ui(ui, s);
        if done {
            self.seen = None;
        }
    }
}

impl ArchiveBlock {
    /// True when a run just ended (the storage figures are read again).
    fn ui(&mut self, ui: &mut Ui, s: &mut Session) -> bool {
        if self.months == 0 {
            self.months = 24;
        }
        let mut ended = false;
        if let Some(n) = self.count_job.poll() {
            self.count = Some((self.months, n.map_err(|e| e.mensaje())));
        }
        if let Some(o) = self.overview_job.poll() {
            self.overview = Some(o);
        }
        if let Some(r) = self.run.poll() {
            self.msg = Some(match r {
                Ok(report) => report_text(&report),
                Err(e) => {
                    log::warn!("archiving: {e}");
                    Msg::error(e.mensaje())
                }
            });
            self.counted_for = None;
            self.overview = None;
            ended = true;
            s.changed();
        }
        let busy = self.run.busy();
        if !busy && self.overview.is_none() && !self.overview_job.busy() {
            let store = s.store.clone();
            self.overview_job
                .start(ui.ctx(), move || store.archive_overview());
        }
        let key = (self.months, s.revision);
        if !busy && self.counted_for != Some(key) && !self.count_job.busy() {
            let (store, months) = (s.store.clone(), self.months);
            self.count_job.start(ui.ctx(), move || {
                store.archivable(months, chrono::Utc::now())
            });
            self.counted_for = Some(key);
            self.count = None;
        }

        ui.add_space(12.0);
        ui.label(
            RichText::new("Archivo de comprobantes antiguos")
                .strong()
                .size(20.0),
        );
        ui.label(
            "Lleva a un archivo sellado, junto a los datos, los comprobantes ya sincronizados y cerrados con SUNAT más antiguos que la edad elegida. Se siguen encontrando en Comprobantes y se pueden reimprimir. SUNAT exige conservarlos al menos 5 años: el archivo nunca se borra.",
        );
        ui.horizontal_wrapped(|ui| {
            ui.label("Más antiguos que:");
            for m in AGES {
                if widgets::choice(ui, self.months == m, &format!("{m} meses")).clicked() && !busy {
                    self.months = m;
                    self.confirming = false;
                }
            }
        });
        let count = match &self.count {
            Some((m, Ok(n))) if *m == self.months => Some(*n),
            Some((m, Err(text))) if *m == self.months => {
                ui.label(RichText::new(text).color(theme::red()));
                None
            }
            _ => {
                ui.label(RichText::new("Contando…").color(theme::grey()));
                None
            }
        };
        if let Some(n) = count {
            ui.label(format!(
                "{} comprobantes se pueden archivar.",
                thousands(n as u64)
            ));
        }
        if let Some(o) = &self.overview {
            if o.files > 0 {
                ui.label(
                    RichText::new(format!(
                        "En archivo: {} comprobantes en {} archivo{} ({}).",
                        thousands(o.documents as u64),
                        o.files,
                        if o.files == 1 { "" } else { "s" },
                        size_text(o.bytes)
                    ))
                    .color(theme::grey()),
                );
            }
            for r in &o.refused {
                ui.label(RichText::new(&r.reason).color(theme::red()));
            }
        }
        widgets::maybe_message(ui, &self.msg);
        let can = s.is_admin() && !busy && count.is_some_and(|n| n > 0);
        if self.confirming && !busy {
            let n = count.unwrap_or(0);
            ui.label(
                RichText::new(format!(
                    "¿Archivar {} comprobantes de más de {} meses? Dejan los datos de la caja y pasan al archivo; luego se compacta (las ventas esperan unos segundos).",
                    thousands(n as u64),
                    self.months
                ))
                .strong(),
            );
            ui.horizontal_wrapped(|ui| {
                if ui
                    .add_enabled(
                        can,
                        Button::new(RichText::new("Sí, archivar").strong())
                            .min_size(vec2(180.0, 56.0)),
                    )
                    .clicked()
                {
                    let (store, months) = (s.store.clone(), self.months);
                    self.msg = None;
                    self.confirming = false;
                    self.run.start(ui.ctx(), move || {
                        store.archive_older_than(months, chrono::Utc::now())
                    });
                }
                if ui
                    .add(Button::new("Cancelar").min_size(vec2(140.0, 56.0)))
                    .clicked()
                {
                    self.confirming = false;
                }
            });
        } else {
            let label = if busy { "Archivando…" } else { "Archivar" };
            if ui
                .add_enabled(
                    can,
                    Button::new(RichText::new(label).strong()).min_size(vec2(220.0, 56.0)),
                )
                .on_disabled_hover_text("Solo un administrador puede archivar.")
                .clicked()
            {
                self.confirming = true;
            }
        }
        ended
    }
}

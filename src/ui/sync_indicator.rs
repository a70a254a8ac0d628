//! The persistent sync indicator in the top bar: connectivity and queue counts, always
//! visible, one touch away from the Sincronización panel.

use crate::store::{DiskLevel, disk_level, file_and_disk};
use crate::sync::{Connectivity, SyncState};
use crate::ui::session::Session;
use crate::ui::{almacenamiento, theme};
use egui::{Button, Color32, RichText, Ui, vec2};
use std::sync::{Arc, Mutex, PoisonError};

pub(super) fn connectivity_colour(c: Connectivity) -> Color32 {
    match c {
        Connectivity::Online => theme::green(),
        Connectivity::Reconnected => theme::blue(),
        Connectivity::Offline => theme::red(),
        Connectivity::Disabled => theme::grey(),
    }
}

/// Draws the indicator with text of `size` px; true when it was touched. `crowded`: the
/// bar also holds a warning, so an idle "SINCRONIZANDO 0" gives way.
pub(super) fn show(ui: &mut Ui, state: &SyncState, size: f32, crowded: bool) -> bool {
    let c = &state.counts;
    let normal = ui.visuals().text_color();
    let count = |label: &str, n: u64, hot: Color32| {
        RichText::new(format!("{label} {n}"))
            .size(size)
            .color(if n > 0 { hot } else { normal })
    };
    let conn = RichText::new(format!("● {}", state.connectivity.label()))
        .size(size)
        .strong()
        .color(connectivity_colour(state.connectivity));
    let pending = count("PENDIENTES", c.pending, theme::amber());
    let syncing = count("SINCRONIZANDO", c.syncing, theme::blue());
    let failed = count("FALLIDOS", c.failed, theme::red()).strong();
    // The disk and backup badges need room in a full top bar: an idle "SINCRONIZANDO 0"
    // gives it; so does any warning, the bar also holding the plate search.
    let show_syncing =
        c.syncing > 0 || (!crowded && !disk_short(ui.ctx()) && state.backup_error.is_none());
    let b = match (state.conflicts > 0, show_syncing) {
        (true, true) => {
            let conflicts = count("CONFLICTOS", state.conflicts, theme::red()).strong();
            Button::new((conn, pending, syncing, failed, conflicts))
        }
        (true, false) => {
            let conflicts = count("CONFLICTOS", state.conflicts, theme::red()).strong();
            Button::new((conn, pending, failed, conflicts))
        }
        (false, true) => Button::new((conn, pending, syncing, failed)),
        (false, false) => Button::new((conn, pending, failed)),
    };
    let hover = match &state.last_error {
        Some(e) if state.connectivity == Connectivity::Offline => {
            format!("Sin conexión con el servidor. Las ventas se guardan en este equipo. ({e})")
        }
        _ => "Ver la cola de sincronización".to_string(),
    };
    ui.add(b.min_size(vec2(0.0, theme::TOUCH)))
        .on_hover_text(hover)
        .clicked()
}

/// A red "RELOJ" badge while this kiosk's clock is more than two minutes off the
/// server's (documents would carry a wrong date); true when touched (Sincronización says
/// by how much and what to do).
pub(super) fn clock_badge(ui: &mut Ui, state: &SyncState, size: f32) -> bool {
    let Some(warning) = state.clock_warning() else {
        return false;
    };
    let text = RichText::new("RELOJ DESFASADO")
        .size(size)
        .strong()
        .color(theme::red());
    ui.add(Button::new(text).min_size(vec2(0.0, theme::TOUCH)))
        .on_hover_text(warning)
        .clicked()
}

/// A red "⚠ RESPALDO" while the last backup upload failed (the shop's history has no
/// fresh copy off this PC); the Spanish reason on hover, and a touch opens Sincronización,
/// which says it too. Gone after the next good backup.
pub(super) fn backup_badge(ui: &mut Ui, state: &SyncState, size: f32) -> bool {
    let Some(why) = &state.backup_error else {
        return false;
    };
    let text = RichText::new("⚠ RESPALDO")
        .size(size)
        .strong()
        .color(theme::red());
    ui.add(Button::new(text).min_size(vec2(0.0, theme::TOUCH)))
        .on_hover_text(format!("Último respaldo fallido. {why}"))
        .clicked()
}

/// Beside the sync indicator: the most urgent fiscal warning (shop not set up, documents
/// "sin firmar", certificate expiring or expired, then documents SUNAT has not accepted
/// yet: "SUNAT: 3 POR ACEPTAR", red "SUNAT: 1 POR VENCER" on the last day); true when
/// touched (opens Ajustes, where sending to SUNAT is).
pub(super) fn fiscal_badge(
    ui: &mut Ui,
    status: &crate::ui::fiscal::FiscalStatus,
    size: f32,
) -> bool {
    let now = chrono::Utc::now();
    // The 1024-pixel bar (smaller type) gets the short words, and so does any bar where the
    // long ones would not fit: a button does not shrink, so it would push out the user's name.
    let long_fits = |text: &str| {
        let galley = egui::WidgetText::from(RichText::new(format!("⚠ {text}")).size(size).strong())
            .into_galley(
                ui,
                Some(egui::TextWrapMode::Extend),
                f32::INFINITY,
                egui::TextStyle::Button,
            );
        galley.size().x + 2.0 * ui.spacing().button_padding.x <= ui.available_width()
    };
    let warning = match status.warning(now) {
        Some((text, _)) if size < 18.0 || !long_fits(&text) => status.warning_short(now),
        long => long,
    };
    let Some((text, colour)) = warning else {
        return false;
    };
    let hover = status.explain(now).unwrap_or_default();
    ui.add(
        Button::new(
            RichText::new(format!("⚠ {text}"))
                .size(size)
                .strong()
                .color(colour),
        )
        .min_size(vec2(0.0, theme::TOUCH)),
    )
    .on_hover_text(hover)
    .clicked()
}

/// What the disk badge last read, and when; kept in egui's memory so the top bar needs no
/// new state of its own.
#[derive(Default)]
struct DiskWatch {
    /// (store file size, free bytes on its disk).
    last: Option<(u64, u64)>,
    job: crate::ui::worker::Job<std::io::Result<(u64, crate::store::DiskSpace)>>,
    read_at: Option<std::time::Instant>,
    /// Session revision at the last read: a sale reads again at once.
    revision: u64,
}

/// How often the free space is read when nothing is sold.
const DISK_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// The disk badge's state, in egui's memory.
fn disk_watch(ctx: &egui::Context) -> Arc<Mutex<DiskWatch>> {
    ctx.data_mut(|d| {
        d.get_temp_mut_or_default::<Arc<Mutex<DiskWatch>>>(egui::Id::unique("disk_watch"))
            .clone()
    })
}

/// True while the disk badge shows (as of its last read).
fn disk_short(ctx: &egui::Context) -> bool {
    let watch = disk_watch(ctx);
    let w = watch.lock().unwrap_or_else(PoisonError::into_inner);
    w.last
        .is_some_and(|(file, free)| disk_level(file, free) != DiskLevel::Ok)
}

/// Beside the sync indicator: "⚠ DISCO 180 MB" (amber; "⚠ DISCO" at 1024 px) once free
/// space falls under `store::disk_level`'s threshold, red when critical, long before a
/// sale could fail; true when touched (opens Ajustes, where Almacenamiento is). Read on a
/// worker every 30 s and after each change (a sale, a pull).
pub(super) fn disk_badge(ui: &mut Ui, session: &Session, size: f32) -> bool {
    disk_refresh(ui.ctx(), session);
    let Some((why, colour)) = disk_warning(ui.ctx()) else {
        return false;
    };
    let free = disk_watch(ui.ctx())
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .last
        .map_or(0, |(_, free)| free);
    // The top bar is full at 1024 px (sync counts, fiscal badge, user, Salir): there the
    // badge is one word; the figure is in the hover text and in Ajustes, a touch away.
    let text = if size < 18.0 {
        "⚠ DISCO".to_string()
    } else {
        format!("⚠ DISCO {}\u{a0}MB", free / (1024 * 1024))
    };
    ui.add(
        Button::new(RichText::new(text).size(size).strong().color(colour))
            .min_size(vec2(0.0, theme::TOUCH)),
    )
    .on_hover_text(why)
    .clicked()
}

/// The disk badge's reason and colour while it shows (as of the last read).
pub(super) fn disk_warning(ctx: &egui::Context) -> Option<(String, Color32)> {
    let watch = disk_watch(ctx);
    let w = watch.lock().unwrap_or_else(PoisonError::into_inner);
    let (file, free) = w.last?;
    let (why, colour) = almacenamiento::advice(disk_level(file, free))?;
    Some((
        format!("{why} Libres: {}.", motordesk_core::size_text(free)),
        colour,
    ))
}

/// Reads the free space on a worker every 30 s and after each change (a sale, a pull);
/// the top bar calls it every frame, whether the badge shows on its own or in the
/// AVISOS menu.
pub(super) fn disk_refresh(ctx: &egui::Context, session: &Session) {
    let watch = disk_watch(ctx);
    let mut w = watch.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(r) = w.job.poll() {
        match r {
            Ok((file, disk)) => w.last = Some((file, disk.free)),
            Err(e) => log::warn!("reading the free disk space: {e}"),
        }
    }
    let due = w.read_at.is_none_or(|t| t.elapsed() >= DISK_EVERY) || w.revision != session.revision;
    if due && !w.job.busy() {
        let path = session.store.path().to_path_buf();
        w.job.start(ctx, move || file_and_disk(&path));
        w.read_at = Some(std::time::Instant::now());
        w.revision = session.revision;
    }
    // The 30 s read needs a frame to start it even when nobody touches the screen.
    ctx.request_repaint_after(DISK_EVERY);
}

//! Sincronización: what is still only on this kiosk (pending, sending, failed), why a
//! failed item failed, Reintentar per item or all, conflicts waiting for a person, and the
//! signed comprobantes SUNAT has not accepted yet with their deadlines (Reenviar for an
//! exception or a send without answer).

use crate::store::{
    AwaitingDocument, Conflict, OutboxEntry, Resolution, Side, StoreResult, SyncCounts,
};
use crate::sync::SunatReport;
use crate::ui::session::Session;
use crate::ui::sync_indicator::connectivity_colour;
use crate::ui::widgets::{self, Msg};
use crate::ui::{theme, worker::Job};
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::lima_display;
use motordesk_core::{FiscalState, SendUrgency, SyncStatus};
use uuid::Uuid;

const SHOWN: usize = 500;
/// Documents one Reenviar hands to `send_pending` (as Ajustes' button does).
const SEND_BATCH: usize = 200;

type Loaded = (Vec<OutboxEntry>, Vec<Conflict>);

#[derive(Default)]
pub(super) struct SincronizacionPanel {
    entries: Vec<OutboxEntry>,
    conflicts: Vec<Conflict>,
    loaded: Option<(u64, SyncCounts, u64)>,
    load: Job<StoreResult<Loaded>>,
    action: Job<StoreResult<String>>,
    msg: Option<Msg>,
    /// Signed documents SUNAT has not accepted, most urgent first.
    awaiting: Vec<AwaitingDocument>,
    /// (revision, Lima date) the list was read for.
    awaiting_loaded: Option<(u64, chrono::NaiveDate)>,
    awaiting_load: Job<StoreResult<Vec<AwaitingDocument>>>,
    sunat_send: Job<StoreResult<SunatReport>>,
}

fn age(days: i64) -> String {
    match days {
        0 => "hoy".into(),
        1 => "hace 1 día".into(),
        n => format!("hace {n} días"),
    }
}

fn urgency_colour(u: Option<SendUrgency>) -> Option<egui::Color32> {
    match u {
        Some(SendUrgency::Alarm) => Some(theme::red()),
        Some(SendUrgency::Warn) => Some(theme::amber()),
        _ => None,
    }
}

fn state_colour(d: &AwaitingDocument) -> egui::Color32 {
    match d.state {
        FiscalState::Excepcion => theme::red(),
        FiscalState::Enviado => theme::blue(),
        _ => theme::amber(),
    }
}

fn field_name(key: &str) -> &str {
    match key {
        "name" => "Nombre",
        "address" => "Dirección",
        "phone" => "Teléfono",
        "email" => "Email",
        "doc" => "Documento",
        "brand" => "Marca",
        "model" => "Modelo",
        "year" => "Año",
        "plate" => "Placa",
        "owner_id" => "Propietario",
        "odometer_km" => "Kilometraje",
        "service_interval_km" => "Intervalo km",
        "soat_expires" => "SOAT",
        "revision_tecnica_expires" => "Revisión técnica",
        "price" => "Precio",
        "notes" => "Notas",
        k => k,
    }
}

fn short(v: &serde_json::Value) -> String {
    let s = match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "—".into(),
        other => other.to_string(),
    };
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

/// The fields that differ between the two versions, as "Campo: local / servidor".
fn differences(c: &Conflict) -> Vec<String> {
    let (Some(l), Some(r)) = (c.local.get("data"), c.remote.get("data")) else {
        return Vec::new();
    };
    let (Some(l), Some(r)) = (l.as_object(), r.as_object()) else {
        return Vec::new();
    };
    l.iter()
        .filter(|(k, v)| r.get(k.as_str()) != Some(v))
        .map(|(k, v)| {
            let other = r
                .get(k.as_str())
                .cloned()
                .unwrap_or(serde_json::Value::Null);
            format!(
                "{}: este equipo «{}» · servidor «{}»",
                field_name(k),
                short(v),
                short(&other)
            )
        })
        .collect()
}

impl SincronizacionPanel {
    pub(super) fn ui(&mut self, ui: &mut Ui, s: &mut Session) {
        let state = s.sync_state();
        if let Some((e, c)) = self.load.poll_ok(&mut self.msg) {
            self.entries = e;
            self.conflicts = c;
        }
        if let Some(t) = self.action.poll_ok(&mut self.msg) {
            self.msg = Some(Msg::ok(t));
            s.changed();
        }
        if let Some(list) = self.awaiting_load.poll_ok(&mut self.msg) {
            self.awaiting = list;
        }
        if let Some(report) = self.sunat_send.poll_ok(&mut self.msg) {
            self.msg = Some(if report.problems.is_empty() {
                Msg::ok(report.mensaje())
            } else {
                Msg::warn(report.mensaje())
            });
            s.changed();
        }
        let today = motordesk_core::lima_date(chrono::Utc::now());
        if self.awaiting_loaded != Some((s.revision, today)) && !self.awaiting_load.busy() {
            let store = s.store.clone();
            self.awaiting_load
                .start(ui.ctx(), move || store.awaiting_sunat(today));
            self.awaiting_loaded = Some((s.revision, today));
        }
        let key = (s.revision, state.counts, state.conflicts);
        if self.loaded != Some(key) && !self.load.busy() {
            let store = s.store.clone();
            self.load.start(ui.ctx(), move || {
                let mut e = store.outbox_with_status(SyncStatus::Failed, SHOWN)?;
                e.extend(store.outbox_with_status(SyncStatus::Syncing, SHOWN)?);
                e.extend(store.outbox_with_status(SyncStatus::Pending, SHOWN)?);
                Ok((e, store.conflicts()?))
            });
            self.loaded = Some(key);
        }

        ui.heading("Sincronización");
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(format!("● {}", state.connectivity.label()))
                    .size(22.0)
                    .strong()
                    .color(connectivity_colour(state.connectivity)),
            );
            let server = if s.settings.server_url.is_empty() {
                "sin servidor configurado (Ajustes)".to_string()
            } else {
                s.settings.server_url.clone()
            };
            ui.label(RichText::new(server).color(theme::grey()));
        });
        let c = state.counts;
        ui.horizontal_wrapped(|ui| {
            widgets::badge(ui, &format!("PENDIENTES {}", c.pending), theme::amber());
            widgets::badge(ui, &format!("SINCRONIZANDO {}", c.syncing), theme::blue());
            widgets::badge(ui, &format!("FALLIDOS {}", c.failed), theme::red());
            if state.conflicts > 0 {
                widgets::badge(ui, &format!("CONFLICTOS {}", state.conflicts), theme::red());
            }
        });
        if let Some(w) = state.clock_warning() {
            ui.label(RichText::new(w).color(theme::red()).strong());
        }
        if let Some(t) = state.last_sync_at {
            ui.label(format!("Última sincronización: {}", lima_display(t)));
        }
        // Spanish for the cashier; the English cause stays in the log file.
        if let Some(e) = state.last_error_es.as_ref().or(state.last_error.as_ref()) {
            ui.label(
                RichText::new(format!("Último error: {e}"))
                    .color(theme::grey())
                    .small(),
            );
        }
        if let Some(e) = &state.backup_error {
            ui.label(RichText::new(format!("Respaldo: {e}")).color(theme::red()));
        }
        ui.label("Las ventas quedan guardadas en este equipo aunque no haya conexión; se envían solas cuando vuelve la red.");
        let overdue = self
            .awaiting
            .iter()
            .filter(|d| d.urgency == Some(SendUrgency::Alarm))
            .count();
        if overdue > 0 {
            // Stays on screen until SUNAT accepts them: not a message that goes away.
            ui.label(
                RichText::new(if overdue == 1 {
                    "⚠ 1 comprobante en su último día de plazo o vencido: envíelo a SUNAT hoy."
                        .to_string()
                } else {
                    format!(
                        "⚠ {overdue} comprobantes en su último día de plazo o vencidos: envíelos a SUNAT hoy."
                    )
                })
                .strong()
                .color(theme::red()),
            );
        }
        widgets::maybe_message(ui, &self.msg);
        ui.horizontal(|ui| {
            let failed: Vec<u64> = self
                .entries
                .iter()
                .filter(|e| e.status == SyncStatus::Failed)
                .map(|e| e.seq)
                .collect();
            if ui
                .add_enabled(
                    !failed.is_empty() && !self.action.busy(),
                    Button::new(RichText::new("Reintentar todos").strong())
                        .min_size(vec2(0.0, 56.0)),
                )
                .clicked()
            {
                self.retry(ui.ctx(), s, failed);
            }
            if ui
                .add(Button::new("Sincronizar ahora").min_size(vec2(0.0, 56.0)))
                .clicked()
            {
                s.nudge();
                self.msg = Some(Msg::info("Sincronizando…"));
            }
        });
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("sync_scroll")
            .auto_shrink(false)
            .show(ui, |ui| {
                self.awaiting_section(ui, s);
                if !self.conflicts.is_empty() {
                    ui.label(
                        RichText::new("Conflictos por revisar")
                            .strong()
                            .size(22.0)
                            .color(theme::red()),
                    );
                    let mut resolve: Option<(Uuid, Resolution)> = None;
                    for c in &self.conflicts {
                        egui::Frame::group(ui.style()).show(ui, |ui| {
                            ui.set_width(ui.available_width());
                            ui.label(RichText::new(&c.summary).strong());
                            ui.label(format!(
                                "{} · {} · ahora vale la versión {}",
                                c.kind.label(),
                                lima_display(c.detected_at),
                                if c.winner == Side::Local {
                                    "de este equipo"
                                } else {
                                    "del servidor"
                                }
                            ));
                            for d in differences(c) {
                                ui.label(RichText::new(d).small());
                            }
                            ui.horizontal(|ui| {
                                if ui
                                    .add(
                                        Button::new("Mantener la de este equipo")
                                            .min_size(vec2(0.0, theme::TOUCH)),
                                    )
                                    .clicked()
                                {
                                    resolve = Some((c.id, Resolution::KeepLocal));
                                }
                                if ui
                                    .add(
                                        Button::new("Tomar la del servidor")
                                            .min_size(vec2(0.0, theme::TOUCH)),
                                    )
                                    .clicked()
                                {
                                    resolve = Some((c.id, Resolution::TakeRemote));
                                }
                            });
                        });
                    }
                    if let Some((id, r)) = resolve {
                        let store = s.store.clone();
                        self.action.start(ui.ctx(), move || {
                            store.resolve_conflict(id, r)?;
                            Ok("Conflicto resuelto.".to_string())
                        });
                    }
                    ui.separator();
                }
                if self.entries.is_empty() {
                    ui.label(
                        RichText::new("No hay nada pendiente: todo está en el servidor.")
                            .color(theme::green()),
                    );
                }
                let mut retry_one = None;
                egui::Grid::new("outbox")
                    .striped(true)
                    .spacing(vec2(14.0, 6.0))
                    .show(ui, |ui| {
                        ui.strong("Registro");
                        ui.strong("Estado");
                        ui.strong("Intentos");
                        ui.strong("Motivo");
                        ui.strong("");
                        ui.end_row();
                        for e in &self.entries {
                            ui.label(&e.summary);
                            widgets::badge(ui, e.status.label(), theme::status_colour(e.status));
                            ui.label(e.attempts.to_string());
                            let why = match (&e.last_error, e.rejected) {
                                (Some(err), true) => format!("Rechazado por el servidor: {err}"),
                                (Some(err), false) => err.clone(),
                                (None, _) => "—".into(),
                            };
                            ui.add(egui::Label::new(RichText::new(why).small()).truncate());
                            if e.status == SyncStatus::Failed {
                                if ui
                                    .add(
                                        Button::new("Reintentar").min_size(vec2(0.0, theme::TOUCH)),
                                    )
                                    .clicked()
                                {
                                    retry_one = Some(e.seq);
                                }
                            } else {
                                ui.label("");
                            }
                            ui.end_row();
                        }
                    });
                if let Some(seq) = retry_one {
                    self.retry(ui.ctx(), s, vec![seq]);
                }
            });
    }

    /// "Comprobantes por aceptar en SUNAT": number, date, age, deadline, state and SUNAT's
    /// text; amber from the second day, red on the last day and after.
    fn awaiting_section(&mut self, ui: &mut Ui, s: &Session) {
        if self.awaiting.is_empty() {
            return;
        }
        ui.label(
            RichText::new(format!(
                "Comprobantes por aceptar en SUNAT ({})",
                self.awaiting.len()
            ))
            .strong()
            .size(22.0),
        );
        let mut resend = false;
        let sending = self.sunat_send.busy();
        // One framed block per document, its lines wrapping: fits the 1024-pixel screen
        // beside the menu, where a seven-column grid would not. The list is most urgent
        // first; drawing thousands of blocks each frame would stall the screen, so only
        // the first ones are drawn.
        const SHOWN: usize = 30;
        for d in self.awaiting.iter().take(SHOWN) {
            let colour = urgency_colour(d.urgency);
            let text = |t: String| match colour {
                Some(c) => RichText::new(t).color(c).strong(),
                None => RichText::new(t),
            };
            let mut frame = egui::Frame::group(ui.style());
            if let Some(c) = colour {
                frame = frame.stroke(egui::Stroke::new(2.0, c));
            }
            frame.show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal_wrapped(|ui| {
                    ui.label(text(d.number.to_string()).strong().size(22.0));
                    ui.label(RichText::new(d.kind.short()).color(theme::grey()));
                    widgets::badge(ui, d.state.label(), state_colour(d));
                    if d.can_resend()
                        && ui
                            .add_enabled(
                                !sending,
                                Button::new(RichText::new("Reenviar").strong())
                                    .min_size(vec2(120.0, theme::TOUCH)),
                            )
                            .clicked()
                    {
                        resend = true;
                    }
                });
                ui.horizontal_wrapped(|ui| {
                    ui.label(format!(
                        "Emitido {} · {}",
                        d.issue_date.format("%d/%m/%Y"),
                        age(d.age_days)
                    ));
                    if let Some(day) = d.deadline {
                        ui.label(text(format!("Plazo: hasta {}", day.format("%d/%m/%Y"))));
                    }
                    if let Some(u) = d.urgency
                        && u != SendUrgency::Ok
                    {
                        ui.label(text(u.label().to_string()));
                    }
                });
                if !d.description.is_empty() {
                    let why = match d.code {
                        Some(code) => format!("SUNAT {code}: {}", d.description),
                        None => format!("SUNAT: {}", d.description),
                    };
                    ui.add(egui::Label::new(RichText::new(why).small()).wrap());
                }
            });
        }
        if self.awaiting.len() > SHOWN {
            let more = self.awaiting.len() - SHOWN;
            ui.label(format!(
                "… y {more} {} más (la lista empieza por los más urgentes).",
                widgets::noun(more as u64, "comprobante", "comprobantes")
            ));
        }
        if resend {
            self.resend(ui.ctx(), s);
        }
        ui.separator();
    }

    /// Runs `send_pending` for this kiosk on a worker (exceptions go again with the same
    /// number; a send without answer is first asked to the consult service).
    fn resend(&mut self, ctx: &egui::Context, s: &Session) {
        if s.settings.has_server() && crate::sync::sunat_client(&s.settings).is_none() {
            // The server's dispatcher retries on its own; syncing brings its answer.
            s.nudge();
            self.msg = Some(Msg::info(
                "El servidor de la tienda reintenta el envío a SUNAT por sí solo; el estado llega con la sincronización.",
            ));
            return;
        }
        let Some(client) = crate::sync::sunat_client(&s.settings) else {
            self.msg = Some(Msg::warn(
                "El envío a SUNAT no está configurado en este equipo: un administrador debe elegir el servicio y la Clave SOL en Ajustes › Envío a SUNAT desde este equipo.",
            ));
            return;
        };
        let store = s.store.clone();
        self.msg = Some(Msg::info("Enviando a SUNAT…"));
        self.sunat_send.start(ctx, move || {
            crate::sync::send_pending(&store, &client, SEND_BATCH)
        });
    }

    fn retry(&mut self, ctx: &egui::Context, s: &Session, seqs: Vec<u64>) {
        let store = s.store.clone();
        self.action.start(ctx, move || {
            store.retry_now(&seqs)?;
            Ok(format!("{} registro(s) vuelven a la cola.", seqs.len()))
        });
    }
}

//! Sincronización: what is still only on this kiosk (pending, sending, failed), why a
//! failed item failed, Reintentar per item or all, and conflicts waiting for a person.

use crate::store::{Conflict, OutboxEntry, Resolution, Side, StoreResult, SyncCounts};
use crate::ui::session::Session;
use crate::ui::sync_indicator::connectivity_colour;
use crate::ui::widgets::{self, Msg};
use crate::ui::{theme, worker::Job};
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::SyncStatus;
use motordesk_core::lima_display;
use uuid::Uuid;

const SHOWN: usize = 500;

type Loaded = (Vec<OutboxEntry>, Vec<Conflict>);

#[derive(Default)]
pub(super) struct SincronizacionPanel {
    entries: Vec<OutboxEntry>,
    conflicts: Vec<Conflict>,
    loaded: Option<(u64, SyncCounts, u64)>,
    load: Job<StoreResult<Loaded>>,
    action: Job<StoreResult<String>>,
    msg: Option<Msg>,
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
            ui.label(RichText::new(server).color(theme::GREY));
        });
        let c = state.counts;
        ui.horizontal_wrapped(|ui| {
            widgets::badge(ui, &format!("PENDIENTES {}", c.pending), theme::AMBER);
            widgets::badge(ui, &format!("SINCRONIZANDO {}", c.syncing), theme::BLUE);
            widgets::badge(ui, &format!("FALLIDOS {}", c.failed), theme::RED);
            if state.conflicts > 0 {
                widgets::badge(ui, &format!("CONFLICTOS {}", state.conflicts), theme::RED);
            }
        });
        if let Some(t) = state.last_sync_at {
            ui.label(format!("Última sincronización: {}", lima_display(t)));
        }
        if let Some(e) = &state.last_error {
            ui.label(
                RichText::new(format!("Último error: {e}"))
                    .color(theme::GREY)
                    .small(),
            );
        }
        ui.label("Las ventas quedan guardadas en este equipo aunque no haya conexión; se envían solas cuando vuelve la red.");
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
                if !self.conflicts.is_empty() {
                    ui.label(
                        RichText::new("Conflictos por revisar")
                            .strong()
                            .size(22.0)
                            .color(theme::RED),
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
                            .color(theme::GREEN),
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

    fn retry(&mut self, ctx: &egui::Context, s: &Session, seqs: Vec<u64>) {
        let store = s.store.clone();
        self.action.start(ctx, move || {
            store.retry_now(&seqs)?;
            Ok(format!("{} registro(s) vuelven a la cola.", seqs.len()))
        });
    }
}

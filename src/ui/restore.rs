//! "Restaurar desde el servidor" on the first-start screen: a new PC takes over a dead
//! kiosk. A server administrator logs in, picks the kiosk's backup, and the PC becomes
//! that kiosk (its data, its series, numbering after the highest number anyone has;
//! `sync::restore_from_server`). Network work runs on a worker; the screen never waits.

use crate::store::Store;
use crate::sync::{
    SyncResult, restore_from_server, restore_list, restore_login_in, restore_mensaje,
    restore_needs_shop,
};
use crate::ui::widgets::{self, Msg};
use crate::ui::{theme, worker::Job};
use egui::{RichText, Ui};
use motordesk_core::protocol::{BackupInfo, RestoreSession};
use motordesk_core::{lima_display, size_text};
use std::path::Path;

/// What the restore form asks of the first-start screen.
pub(super) enum RestoreOutcome {
    /// Still on it.
    Working,
    /// "Volver": back to creating an administrator.
    Back,
    /// Restored and logged in as the administrator (boxed: a store is big beside the
    /// other answers).
    Done(Box<Store>),
}

#[derive(Default)]
pub(super) struct RestoreForm {
    url: String,
    username: String,
    password: String,
    /// A chain's shop number, asked for when the server says the administrator is in
    /// several shops (empty: the server finds the shop).
    shop: String,
    ask_shop: bool,
    session: Option<RestoreSession>,
    backups: Vec<BackupInfo>,
    chosen: Option<usize>,
    list_job: Job<SyncResult<(RestoreSession, Vec<BackupInfo>)>>,
    restore_job: Job<SyncResult<Store>>,
    msg: Option<Msg>,
}

impl RestoreForm {
    pub(super) fn ui(&mut self, ui: &mut Ui, db_path: &Path) -> RestoreOutcome {
        if let Some(r) = self.list_job.poll() {
            match r {
                Ok((session, backups)) => {
                    self.msg = if backups.is_empty() {
                        Some(Msg::warn(
                            "El servidor no tiene respaldos de las cajas de esta tienda.",
                        ))
                    } else {
                        None
                    };
                    self.chosen = (backups.len() == 1).then_some(0);
                    self.session = Some(session);
                    self.backups = backups;
                }
                Err(e) => {
                    log::warn!("restore: listing backups: {e}");
                    if restore_needs_shop(&e) {
                        // Said beside the Tienda field (a message strip under it pushed
                        // Ver respaldos below the fold at 1024x768).
                        self.ask_shop = true;
                        self.msg = None;
                    } else {
                        self.msg = Some(Msg::error(restore_mensaje(&e)));
                    }
                }
            }
        }
        if let Some(r) = self.restore_job.poll() {
            match r {
                Ok(store) => return RestoreOutcome::Done(Box::new(store)),
                Err(e) => {
                    log::warn!("restore failed: {e}");
                    self.msg = Some(Msg::error(restore_mensaje(&e)));
                }
            }
        }
        let busy = self.list_job.busy() || self.restore_job.busy();
        ui.heading("Restaurar desde el servidor");
        ui.label(
            "Este equipo reemplaza a una caja que dejó de funcionar: recupera sus ventas, clientes y vehículos del último respaldo.",
        );
        ui.add_space(8.0);
        if self.session.is_none() {
            widgets::field(ui, "Dirección del servidor", &mut self.url, 380.0);
            widgets::field(ui, "Usuario administrador", &mut self.username, 380.0);
            widgets::password(ui, "Contraseña", &mut self.password, 380.0);
            if self.ask_shop {
                ui.horizontal(|ui| {
                    widgets::field(ui, "Tienda (número)", &mut self.shop, 120.0);
                    ui.add_space(8.0);
                    ui.add(
                        egui::Label::new(
                            RichText::new(crate::sync::SEVERAL_SHOPS).color(theme::amber()),
                        )
                        .wrap(),
                    );
                });
                self.shop.retain(|c| c.is_ascii_digit());
                self.shop.truncate(3);
            }
            widgets::maybe_message(ui, &self.msg);
            let label = if busy {
                "Conectando…"
            } else {
                "Ver respaldos"
            };
            let clicked = ui
                .add_enabled_ui(!busy, |ui| {
                    widgets::big_button(ui, label, Some(theme::blue()), 380.0)
                })
                .inner
                .clicked();
            if clicked {
                let (url, user, pass) = (
                    self.url.trim().to_string(),
                    self.username.trim().to_string(),
                    self.password.clone(),
                );
                let shop = self.shop.parse::<u32>().ok().filter(|_| self.ask_shop);
                self.msg = None;
                self.list_job.start(ui.ctx(), move || {
                    let session = restore_login_in(&url, &user, &pass, shop)?;
                    let list = restore_list(&url, &session.token)?;
                    Ok((session, list))
                });
            }
        } else {
            ui.label(RichText::new("Elija la caja que reemplaza este equipo:").strong());
            for (i, b) in self.backups.iter().enumerate() {
                let text = format!(
                    "Caja {} · {}\nRespaldo {} · {}",
                    b.kiosk_number,
                    b.device_name,
                    lima_display(b.taken_at),
                    size_text(b.bytes)
                );
                if widgets::choice(ui, self.chosen == Some(i), &text).clicked() && !busy {
                    self.chosen = Some(i);
                }
            }
            ui.add_space(6.0);
            ui.label(
                RichText::new(
                    "La caja elegida queda desactivada en el servidor: el equipo anterior ya no podrá sincronizar.",
                )
                .small()
                .color(theme::grey()),
            );
            widgets::maybe_message(ui, &self.msg);
            let label = if self.restore_job.busy() {
                "Restaurando…"
            } else {
                "Restaurar esta caja"
            };
            let ready = self.chosen.is_some() && !busy;
            let clicked = ui
                .add_enabled_ui(ready, |ui| {
                    widgets::big_button(ui, label, Some(theme::green()), 380.0)
                })
                .inner
                .clicked();
            if clicked
                && let (Some(i), Some(session)) = (self.chosen, &self.session)
                && let Some(backup) = self.backups.get(i).cloned()
            {
                let (url, token, user, pass, path) = (
                    self.url.trim().to_string(),
                    session.token.clone(),
                    self.username.trim().to_string(),
                    self.password.clone(),
                    db_path.to_path_buf(),
                );
                self.msg = None;
                self.restore_job.start(ui.ctx(), move || {
                    restore_from_server(&url, &token, &backup, &path, &user, &pass)
                });
            }
        }
        ui.add_space(8.0);
        if ui
            .add_enabled(
                !busy,
                egui::Button::new("Volver").min_size(egui::vec2(160.0, theme::TOUCH)),
            )
            .clicked()
        {
            return RestoreOutcome::Back;
        }
        RestoreOutcome::Working
    }
}

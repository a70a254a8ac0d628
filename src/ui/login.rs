//! The first screen. On a new kiosk it creates the administrator; afterwards it asks for
//! usuario + contraseña. Unlocking (argon2) runs on a worker so the screen stays alive.
//! After repeated wrong passwords the store makes the account wait; the screen counts
//! the seconds down and keeps Ingresar off for that user meanwhile.

use crate::receipt::{receipts_dir, seal_plain_receipts};
use crate::store::{DB_FILE, Store, StoreError};
use crate::sync::{LoginError, login};
use crate::ui::restore::{RestoreForm, RestoreOutcome};
use crate::ui::widgets::{self, Msg};
use crate::ui::{theme, worker::Job};
use egui::{RichText, Ui};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A refused login and how long the store makes that user wait (0: not at all).
struct Failed {
    error: LoginError,
    wait_secs: u64,
}

/// The user the store makes wait, and until when.
struct Waiting {
    username: String,
    until: Instant,
}

pub(super) struct LoginScreen {
    db_path: PathBuf,
    first_run: bool,
    username: String,
    password: String,
    password2: String,
    display_name: String,
    job: Job<Result<Store, Failed>>,
    msg: Option<Msg>,
    /// Boxed: rarely set, and it keeps the login screen small beside the main one.
    waiting: Option<Box<Waiting>>,
    /// First start: "Restaurar desde el servidor" instead of a new administrator.
    restore: Option<Box<RestoreForm>>,
}

impl LoginScreen {
    pub(super) fn new(data_dir: &std::path::Path) -> LoginScreen {
        let db_path = data_dir.join(DB_FILE);
        let (first_run, msg) = match Store::is_initialized(&db_path) {
            Ok(init) => (!init, None),
            Err(e) => {
                log::error!("checking store at {}: {e}", db_path.display());
                // A damaged file is never replaced by a new store: say so, keep it.
                (false, Some(Msg::error(e.mensaje())))
            }
        };
        let mut screen = LoginScreen::with(db_path, first_run);
        screen.msg = msg;
        screen
    }

    /// After Salir: the store exists, so no need to look at the disk again.
    pub(super) fn after_logout(data_dir: &std::path::Path) -> LoginScreen {
        LoginScreen::with(data_dir.join(DB_FILE), false)
    }

    fn with(db_path: PathBuf, first_run: bool) -> LoginScreen {
        LoginScreen {
            db_path,
            first_run,
            username: if first_run {
                "admin".into()
            } else {
                String::new()
            },
            password: String::new(),
            password2: String::new(),
            display_name: String::new(),
            job: Job::default(),
            msg: None,
            waiting: None,
            restore: None,
        }
    }

    /// Draws the screen; returns the unlocked store once login succeeds.
    pub(super) fn ui(&mut self, ui: &mut Ui) -> Option<Store> {
        if let Some(result) = self.job.poll() {
            match result {
                Ok(store) => {
                    log::info!("logged in as {}", store.account());
                    return Some(store);
                }
                Err(Failed { error, wait_secs }) => {
                    log::warn!("login failed: {error}");
                    self.password.clear();
                    self.password2.clear();
                    // The countdown says it better than a frozen "Espere N s.".
                    self.msg = match error {
                        LoginError::Store(StoreError::TooManyAttempts { .. }) => None,
                        e => Some(Msg::error(e.mensaje())),
                    };
                    if wait_secs > 0 {
                        self.waiting = Some(Box::new(Waiting {
                            username: self.username.trim().to_string(),
                            until: Instant::now() + Duration::from_secs(wait_secs),
                        }));
                    }
                }
            }
        }
        let mut restored = None;
        egui::CentralPanel::default().show(ui, |ui| {
            // Scrolls when the on-screen keyboard takes the lower half of a 768 px screen.
            egui::ScrollArea::vertical()
                .auto_shrink(false)
                .show(ui, |ui| {
                    ui.vertical_centered(|ui| {
                        // The first start has one more row (restore): less air above.
                        let top = if self.first_run { 8.0 } else { 90.0 };
                        ui.add_space((ui.available_height() * 0.12).min(top));
                        ui.label(
                            RichText::new("MotorDesk")
                                .size(44.0)
                                .strong()
                                .color(theme::blue()),
                        );
                        ui.label(RichText::new("Facturación y flota para su taller").size(20.0));
                        ui.add_space(24.0);
                        egui::Frame::group(ui.style())
                            .inner_margin(24.0)
                            .show(ui, |ui| {
                                ui.set_width(420.0);
                                if let Some(form) = self.restore.as_mut() {
                                    match form.ui(ui, &self.db_path) {
                                        RestoreOutcome::Working => {}
                                        RestoreOutcome::Back => self.restore = None,
                                        RestoreOutcome::Done(store) => restored = Some(*store),
                                    }
                                } else if self.first_run {
                                    self.create_form(ui);
                                } else {
                                    self.login_form(ui);
                                }
                            });
                    });
                });
        });
        if let Some(store) = restored {
            log::info!("restored from the server; logged in as {}", store.account());
            return Some(store);
        }
        None
    }

    fn login_form(&mut self, ui: &mut Ui) {
        ui.heading("Iniciar sesión");
        ui.add_space(8.0);
        widgets::field(ui, "Usuario", &mut self.username, 380.0);
        let pw = widgets::password(ui, "Contraseña", &mut self.password, 380.0);
        let enter = pw.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.add_space(8.0);
        widgets::maybe_message(ui, &self.msg);
        let wait = self.wait_left(ui.ctx());
        if let Some(secs) = wait {
            let text = StoreError::TooManyAttempts { wait_secs: secs }.mensaje();
            widgets::message(ui, &Msg::warn(text));
        }
        let busy = self.job.busy();
        let label = if busy { "Ingresando…" } else { "Ingresar" };
        let clicked = ui
            .add_enabled_ui(!busy && wait.is_none(), |ui| {
                widgets::big_button(ui, label, Some(theme::blue()), 380.0)
            })
            .inner
            .clicked();
        if (clicked || enter) && !busy && wait.is_none() {
            let (path, user, pass) = (
                self.db_path.clone(),
                self.username.trim().to_string(),
                self.password.clone(),
            );
            self.msg = None;
            self.job.start(ui.ctx(), move || {
                // Local key slot first (offline); a user this kiosk has not seen
                // yet is checked by the server and then cached.
                match login(&path, &user, &pass) {
                    Ok((store, _session)) => Ok(opened(store)),
                    Err(error) => {
                        let wait_secs = match &error {
                            LoginError::Store(StoreError::TooManyAttempts { wait_secs }) => {
                                *wait_secs
                            }
                            // This failure may have started a wait: show it now, not
                            // after the next attempt.
                            _ => Store::login_wait_at(&path, &user).unwrap_or(0),
                        };
                        Err(Failed { error, wait_secs })
                    }
                }
            });
        }
    }

    /// Whole seconds the typed user must still wait, if any; repaints to count down.
    fn wait_left(&mut self, ctx: &egui::Context) -> Option<u64> {
        let w = self.waiting.as_ref()?;
        let left = w.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            self.waiting = None;
            return None;
        }
        if w.username != self.username.trim() {
            return None;
        }
        ctx.request_repaint_after(Duration::from_millis(200));
        Some(left.as_secs_f64().ceil() as u64)
    }

    fn create_form(&mut self, ui: &mut Ui) {
        ui.heading("Crear administrador");
        ui.label("Es la primera vez que se usa este equipo. Cree la cuenta del administrador.");
        ui.add_space(8.0);
        widgets::field(ui, "Usuario", &mut self.username, 380.0);
        widgets::field(ui, "Nombre completo", &mut self.display_name, 380.0);
        widgets::password(ui, "Contraseña", &mut self.password, 380.0);
        widgets::password(ui, "Repita la contraseña", &mut self.password2, 380.0);
        widgets::maybe_message(ui, &self.msg);
        let busy = self.job.busy();
        let clicked = ui
            .add_enabled_ui(!busy, |ui| {
                widgets::big_button(ui, "Crear administrador", Some(theme::green()), 380.0)
            })
            .inner
            .clicked();
        ui.add_space(4.0);
        ui.label(
            RichText::new("¿Reemplaza a una caja que se dañó?")
                .small()
                .color(theme::grey()),
        );
        let restore = ui.add_enabled(
            !busy,
            egui::Button::new("Restaurar desde el servidor")
                .min_size(egui::vec2(380.0, theme::TOUCH)),
        );
        if restore.clicked() {
            self.msg = None;
            self.restore = Some(Box::default());
        }
        if clicked && !busy {
            let user = self.username.trim().to_string();
            if user.is_empty() {
                self.msg = Some(Msg::error("Escriba un nombre de usuario."));
            } else if self.password.chars().count() < 6 {
                self.msg = Some(Msg::error(
                    "La contraseña debe tener al menos 6 caracteres.",
                ));
            } else if self.password != self.password2 {
                self.msg = Some(Msg::error("Las contraseñas no coinciden."));
            } else {
                let name = if self.display_name.trim().is_empty() {
                    user.clone()
                } else {
                    self.display_name.trim().to_string()
                };
                let (path, pass) = (self.db_path.clone(), self.password.clone());
                self.msg = None;
                self.job.start(ui.ctx(), move || {
                    Store::create(&path, &user, &pass, &name)
                        .map(opened)
                        .map_err(|e| Failed {
                            error: LoginError::Store(e),
                            wait_secs: 0,
                        })
                });
            }
        }
    }
}

/// Right after login, on the worker: plaintext receipt PDFs an older version saved are
/// sealed now that the key is open. A failure is logged; it never blocks the login.
fn opened(store: Store) -> Store {
    let dir = receipts_dir(store.path().parent().unwrap_or(Path::new(".")));
    if let Err(e) = seal_plain_receipts(&store, &dir) {
        log::error!("sealing old receipt PDFs in {}: {e}", dir.display());
    }
    store
}

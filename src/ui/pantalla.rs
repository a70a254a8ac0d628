//! Ajustes › Pantalla: this kiosk's own screen preferences (the on-screen keyboard; the
//! colour theme, dark or light high contrast). They live in `pantalla.json` beside the
//! store, not in the shop's settings: a desk PC with a keyboard and the counter's touch
//! kiosk differ, and the login screen needs them before the store is open.

use crate::store::ScreenTheme;
use crate::ui::session::Session;
use crate::ui::widgets::{self, Msg};
use egui::Ui;

/// Draws the section; a failed save is shown right under it (the choice still holds
/// until the kiosk restarts).
pub(super) fn section(ui: &mut Ui, s: &mut Session, msg: &mut Option<Msg>) {
    ui.heading("Pantalla");
    let before = s.screen;
    ui.horizontal_wrapped(|ui| {
        ui.label("Modo táctil");
        if widgets::choice(ui, s.screen.touch_mode, "Activado").clicked() {
            s.screen.touch_mode = true;
        }
        if widgets::choice(ui, !s.screen.touch_mode, "Desactivado").clicked() {
            s.screen.touch_mode = false;
        }
    });
    ui.label(
        egui::RichText::new(
            "Teclado en pantalla y desplazamiento arrastrando el dedo. Desactívelo solo si este \
             equipo tiene teclado y ratón. Se guarda en este equipo.",
        )
        .size(16.0),
    );
    ui.horizontal_wrapped(|ui| {
        ui.label("Colores");
        for (theme, name) in [
            (ScreenTheme::Dark, "Oscuro"),
            (ScreenTheme::LightHighContrast, "Claro alto contraste"),
        ] {
            if widgets::choice(ui, s.screen.theme == theme, name).clicked() {
                s.screen.theme = theme;
            }
        }
    });
    ui.label(
        egui::RichText::new(
            "Claro alto contraste: fondo blanco y letras negras, para un taller con mucha luz \
             o sol en la pantalla. Cambia en el acto, también en la pantalla de ingreso.",
        )
        .size(16.0),
    );
    if s.screen != before {
        *msg = match s.screen.save(&s.data_dir) {
            Ok(()) => None,
            Err(e) => {
                log::error!("saving screen preferences: {e}");
                Some(Msg::error(
                    "No se pudo guardar la preferencia en este equipo; vale hasta que se reinicie.",
                ))
            }
        };
    }
    widgets::maybe_message(ui, msg);
}

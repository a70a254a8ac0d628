//! Ventas › the opening float at the first sale: when the shift under way has no
//! opening float yet (a new kiosk, or the drawer just closed in Caja), the first EMITIR
//! opens the keypad for it ("Fondo inicial de caja"), saves it in the drawer
//! (`Store::set_opening_float`, as Caja does) and then goes on with the sale. Zero is a
//! valid float, but it must be typed: Aceptar on an untouched keypad asks again, so
//! nobody skips the count by tapping through.

use crate::ui::keypad::{Keypad, KeypadOutcome};
use crate::ui::session::Session;
use crate::ui::widgets::Msg;
use motordesk_core::{parse_amount, soles};

const TITLE: &str = "Fondo inicial de caja (S/)";
const AGAIN: &str = "Escriba el fondo inicial (0 si la caja empieza vacía)";

#[derive(Default)]
pub(super) struct OpeningFloat {
    pad: Option<Keypad>,
}

impl OpeningFloat {
    /// Before an EMITIR: true when the sale may go on now. False when the float is
    /// missing (the keypad opens; `ui` reports when the sale may continue) or could not
    /// be read (said in `msg`).
    pub(super) fn ready(&mut self, s: &Session, msg: &mut Option<Msg>) -> bool {
        if !s.ask_opening_float {
            return true;
        }
        match s.store.opening_float_entered() {
            Ok(true) => true,
            Ok(false) => {
                log::info!("first sale of the shift: asking the opening float");
                self.pad = Some(Keypad::new(TITLE, "", true));
                false
            }
            Err(e) => {
                log::warn!("reading the drawer: {e}");
                *msg = Some(Msg::error(e.mensaje()));
                false
            }
        }
    }

    /// The float keypad, while open. True once the float is saved: the sale goes on.
    pub(super) fn ui(&mut self, ctx: &egui::Context, s: &Session, msg: &mut Option<Msg>) -> bool {
        let Some(pad) = &mut self.pad else {
            return false;
        };
        let Some(outcome) = pad.show(ctx) else {
            return false;
        };
        self.pad = None;
        let text = match outcome {
            KeypadOutcome::Cancel => {
                *msg = Some(Msg::info(
                    "Venta no emitida: falta el fondo inicial de caja.",
                ));
                return false;
            }
            KeypadOutcome::Accept(t) => t.trim().to_string(),
        };
        if text.is_empty() {
            // Explicit, even when it is zero.
            self.pad = Some(Keypad::new(AGAIN, "", true));
            return false;
        }
        let amount = match parse_amount(&text) {
            Ok(a) => a,
            Err(e) => {
                *msg = Some(Msg::error(e.mensaje()));
                return false;
            }
        };
        match s.store.set_opening_float(amount) {
            Ok(()) => {
                *msg = Some(Msg::info(format!(
                    "Fondo inicial {} registrado.",
                    soles(amount)
                )));
                true
            }
            Err(e) => {
                log::warn!("saving the opening float: {e}");
                *msg = Some(Msg::error(e.mensaje()));
                false
            }
        }
    }
}

//! Ventas › selling to a chosen vehicle: "Vender a este vehículo" in Flota and *Vender* in
//! the top bar's plate search hand Ventas a plate (`Session::sell_to`). The ticket on
//! screen is parked first when it holds anything, so nothing typed is lost; a ticket
//! already open for that plate is taken up instead of opening a second one for the same
//! car; otherwise a fresh ticket gets the plate, and the plate's lookup (the same as
//! typing it) makes the owner the buyer and shows the vehicle's alerts.

use super::VentasPanel;
use super::parked::has_content;
use crate::store::MAX_PARKED;
use crate::ui::session::Session;
use crate::ui::widgets::Msg;
use uuid::Uuid;

impl VentasPanel {
    /// Takes up `Session::sell_to`, if set. Call before the sale is drawn.
    pub(super) fn take_sell_to(&mut self, ctx: &egui::Context, s: &mut Session) {
        if s.sell_to.is_none() {
            return;
        }
        if !self.tickets.loaded {
            // The open tickets are read with the tab row, this frame: the plate may
            // already have one. Take it up on the next frame.
            ctx.request_repaint();
            return;
        }
        let Some(plate) = s.sell_to.take() else {
            return;
        };
        if self.draft.kind.is_note() {
            self.msg = Some(Msg::error(format!(
                "Termine o cancele la {} antes de vender a {plate}.",
                self.draft.kind.short().to_lowercase()
            )));
            return;
        }
        if self.checkout.issuing() {
            self.msg = Some(Msg::info(format!(
                "Espere a que termine de emitirse la venta en curso y vuelva a elegir {plate}."
            )));
            return;
        }
        if self.vehicle.shows_plate(&plate) {
            return; // already the ticket on screen
        }
        let current = self.tickets.current;
        let open = self
            .tickets
            .parked
            .iter()
            .find(|(id, name)| *id != current && *name == plate)
            .map(|(id, _)| *id);
        if let Some(id) = open {
            log::info!("selling to {plate}: its open ticket taken up");
            self.switch_ticket(s, id);
            return;
        }
        if has_content(&self.draft) {
            let open_now =
                self.tickets.parked.len() + usize::from(!self.tickets.is_parked(current));
            if open_now + 1 > MAX_PARKED {
                self.msg = Some(Msg::error(format!(
                    "Ya hay {MAX_PARKED} tickets abiertos, el máximo. Emita o vacíe uno antes de vender a {plate}."
                )));
                return;
            }
        }
        // Parks what is on screen (an emptied parked ticket is dropped instead).
        if !self.park_current(s) {
            return;
        }
        if self.tickets.is_parked(current) || has_content(&self.draft) {
            self.tickets.current = Uuid::now_v7();
        }
        self.clear_sale();
        self.msg = None;
        log::info!("selling to {plate}: new ticket");
        self.vehicle.choose(&plate);
    }
}

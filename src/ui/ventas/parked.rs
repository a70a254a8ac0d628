//! Ventas › parked tickets: a row of big tabs above the sale, one per open ticket (one
//! per car in the bay), named by its plate or "Ticket N", and *+ Nuevo ticket*. Leaving a
//! ticket parks it in the store (`store/parked.rs`), so the open tickets survive a
//! restart; issuing one removes it (`Store::issue_ticket`). The writes are one small row
//! each, done on the tap like the rest of this panel's quick actions.

use super::VentasPanel;
use crate::store::{MAX_PARKED, ParkedTicket};
use crate::ui::session::Session;
use crate::ui::theme;
use crate::ui::widgets::Msg;
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::InvoiceDraft;
use uuid::Uuid;

/// The open tickets as the tab row knows them.
pub(super) struct Tickets {
    /// Read from the store on the first frame with a session.
    pub(super) loaded: bool,
    /// The ticket on screen; parked or not yet.
    pub(super) current: Uuid,
    /// The parked tickets (id, name), oldest first; may include the current one.
    pub(super) parked: Vec<(Uuid, String)>,
}

impl Default for Tickets {
    fn default() -> Self {
        Tickets {
            loaded: false,
            current: Uuid::now_v7(),
            parked: Vec::new(),
        }
    }
}

enum TabAction {
    New,
    Switch(Uuid),
}

impl Tickets {
    pub(super) fn is_parked(&self, id: Uuid) -> bool {
        self.parked.iter().any(|(p, _)| *p == id)
    }

    /// "Ticket N" with the smallest N no other open ticket uses.
    fn free_name(&self) -> String {
        (1..)
            .map(|n| format!("Ticket {n}"))
            .find(|n| {
                !self
                    .parked
                    .iter()
                    .any(|(id, p)| p == n && *id != self.current)
            })
            .expect("a free number")
    }
}

/// Whether there is anything on the ticket worth keeping.
pub(super) fn has_content(draft: &InvoiceDraft) -> bool {
    !draft.lines.is_empty() || draft.vehicle.is_some() || draft.buyer.customer_id.is_some()
}

impl VentasPanel {
    /// The tab row. Call once per frame, above the sale.
    pub(super) fn ticket_tabs(&mut self, ui: &mut Ui, s: &mut Session) {
        if !self.tickets.loaded {
            self.tickets.loaded = true;
            match s.store.parked_tickets() {
                Ok(all) => self.tickets.parked = all.into_iter().map(|t| (t.id, t.name)).collect(),
                Err(e) => {
                    log::warn!("reading parked tickets: {e}");
                    self.msg = Some(Msg::error(e.mensaje()));
                }
            }
        }
        if self.draft.kind.is_note() {
            return; // a credit or debit note is not a ticket of the bay
        }
        let mut action = None;
        // While EMITIR runs, parking the ticket being issued could keep a sold ticket
        // open (its removal rides on the transaction): the row waits.
        let idle = !self.checkout.issuing();
        // Two rows at most (12 wrapped tabs took five rows, ~270 px, of the 1024×768
        // sale column); more scroll inside, by drag like every list. No scrolling to the
        // selected tab: it comes first instead (a tab sliding under a tap misses it).
        let rows = 2.0 * (theme::TOUCH + 6.0);
        ui.add_enabled_ui(idle, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("ticket_tabs_scroll")
                .max_height(rows)
                .min_scrolled_height(rows)
                .show(ui, |ui| {
                    // Wrap clear of the scroll bar, which would cover the last tab.
                    let bar = ui.spacing().scroll.bar_width + ui.spacing().scroll.bar_outer_margin;
                    ui.set_max_width(ui.available_width() - bar - 4.0);
                    ui.horizontal_wrapped(|ui| {
                        ui.spacing_mut().item_spacing = vec2(8.0, 6.0);
                        // First, so it stays under the finger however many tickets are open.
                        let new = Button::new(RichText::new("+ Nuevo ticket").size(18.0))
                            .min_size(vec2(150.0, theme::TOUCH));
                        if ui.add(new).clicked() {
                            action = Some(TabAction::New);
                        }
                        let current = self.tickets.current;
                        // The one on screen first, so it is always in view; the
                        // others in the order they were opened.
                        let mut tabs = vec![(current, self.live_name())];
                        tabs.extend(
                            self.tickets
                                .parked
                                .iter()
                                .filter(|(p, _)| *p != current)
                                .cloned(),
                        );
                        for (id, name) in tabs {
                            let text = if id == current {
                                self.live_name()
                            } else {
                                name
                            };
                            let b = Button::selectable(
                                id == current,
                                RichText::new(text).size(18.0).strong(),
                            )
                            .frame_when_inactive(true)
                            .min_size(vec2(96.0, theme::TOUCH));
                            let r = ui.add(b);
                            // Once when the ticket on screen changes, not every frame (that
                            // would fight a finger dragging the row).
                            if r.clicked() && id != current {
                                action = Some(TabAction::Switch(id));
                            }
                        }
                    })
                });
        });
        match action {
            Some(TabAction::New) => self.new_ticket(s),
            Some(TabAction::Switch(id)) => self.switch_ticket(s, id),
            None => {}
        }
    }

    /// The name the ticket on screen has (or would get when parked).
    fn live_name(&self) -> String {
        match &self.draft.vehicle {
            Some(v) => v.plate.clone(),
            None => self
                .tickets
                .parked
                .iter()
                .find(|(id, _)| *id == self.tickets.current)
                .map(|(_, n)| n.clone())
                .filter(|n| n.starts_with("Ticket "))
                .unwrap_or_else(|| self.tickets.free_name()),
        }
    }

    /// Parks the ticket on screen (or drops it from the parked ones when it was emptied).
    /// False (with the refusal shown) when the store refused.
    pub(super) fn park_current(&mut self, s: &Session) -> bool {
        let id = self.tickets.current;
        self.draft.vehicle = self.vehicle.serviced();
        if !has_content(&self.draft) {
            if self.tickets.is_parked(id) {
                if let Err(e) = s.store.discard_parked(id) {
                    self.msg = Some(Msg::error(e.mensaje()));
                    return false;
                }
                self.tickets.parked.retain(|(p, _)| *p != id);
            }
            return true;
        }
        let t = ParkedTicket {
            id,
            name: self.live_name(),
            draft: self.draft.clone(),
            vehicle: self.vehicle.vehicle.clone(),
            km: self.vehicle.km,
            parked_at: chrono::Utc::now(),
        };
        match s.store.park_ticket(&t) {
            Ok(_) => {
                match self.tickets.parked.iter_mut().find(|(p, _)| *p == id) {
                    Some(row) => row.1 = t.name,
                    None => self.tickets.parked.push((id, t.name)),
                }
                true
            }
            Err(e) => {
                log::info!("parking ticket {id} refused: {e}");
                self.msg = Some(Msg::error(e.mensaje()));
                false
            }
        }
    }

    /// *+ Nuevo ticket*: parks this one and starts an empty boleta beside it.
    fn new_ticket(&mut self, s: &Session) {
        let after = self.tickets.parked.len()
            + usize::from(
                has_content(&self.draft) && !self.tickets.is_parked(self.tickets.current),
            );
        if !has_content(&self.draft) && !self.tickets.is_parked(self.tickets.current) {
            self.msg = Some(Msg::info(
                "Este ticket está vacío: úselo para la venta nueva.",
            ));
            return;
        }
        if after + 1 > MAX_PARKED {
            self.msg = Some(Msg::error(format!(
                "Ya hay {MAX_PARKED} tickets abiertos, el máximo. Emita o vacíe uno antes de abrir otro."
            )));
            return;
        }
        if !self.park_current(s) {
            return;
        }
        self.clear_sale();
        self.tickets.current = Uuid::now_v7();
        self.msg = None;
    }

    /// A tab touched: parks this ticket and puts `id` on screen as it was left.
    pub(super) fn switch_ticket(&mut self, s: &Session, id: Uuid) {
        if !self.park_current(s) {
            return;
        }
        let found = match s.store.parked_tickets() {
            Ok(all) => all.into_iter().find(|t| t.id == id),
            Err(e) => {
                self.msg = Some(Msg::error(e.mensaje()));
                return;
            }
        };
        self.clear_sale();
        self.msg = None;
        match found {
            Some(t) => {
                self.draft = t.draft;
                self.vehicle.restore(t.vehicle, t.km);
                self.tickets.current = t.id;
            }
            None => {
                // Issued or dropped elsewhere meanwhile: start empty.
                self.tickets.parked.retain(|(p, _)| *p != id);
                self.tickets.current = Uuid::now_v7();
            }
        }
    }

    /// After EMITIR: the issued ticket left the parked ones with the invoice
    /// (`Store::issue_ticket`); the next sale is a new ticket.
    pub(super) fn ticket_issued(&mut self) {
        let id = self.checkout.ticket;
        self.tickets.parked.retain(|(p, _)| *p != id);
        self.tickets.current = Uuid::now_v7();
    }
}

impl VentasPanel {
    /// *Nueva venta* on a parked ticket: the cashier emptied it, so it is no longer open.
    pub(super) fn ticket_cleared(&mut self, s: &Session) {
        let id = self.tickets.current;
        if self.tickets.is_parked(id) {
            match s.store.discard_parked(id) {
                Ok(_) => self.tickets.parked.retain(|(p, _)| *p != id),
                Err(e) => log::warn!("dropping parked ticket {id}: {e}"),
            }
        }
    }
}

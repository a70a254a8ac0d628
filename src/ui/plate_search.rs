//! The top bar's plate search: a compact field with the on-screen plate keys that finds
//! vehicles by plate from any panel — folded and partial, so "a6r", "963" and "A6R-9"
//! all find A6R-963 — and offers *Vender* (Ventas opens a ticket for that car) and
//! *Ver en Flota* under the field. The search runs on a worker over the store's search
//! index; only the few vehicles shown (and their owners) are read.

use crate::store::{Store, StoreResult};
use crate::ui::osk::{self, KeyLayout};
use crate::ui::session::{PanelId, Session};
use crate::ui::widgets::{self, Msg};
use crate::ui::{theme, worker::Job};
use egui::{Button, Rect, RichText, TextEdit, Ui, vec2};
use motordesk_core::{Customer, Vehicle};
use uuid::Uuid;

/// The field's visible label and accessible name.
pub const LABEL: &str = "Buscar placa";
/// Vehicles listed under the field; more are counted ("y 3 más").
const SHOWN: usize = 5;
/// A plate is 6 or 7 letters and digits; a dash and a space typed along are tolerated.
const MAX_TYPED: usize = 9;

/// One vehicle found.
#[derive(Debug, Clone)]
struct Hit {
    id: Uuid,
    plate: String,
    /// "Toyota Hilux · Juan Pérez".
    what: String,
}

/// What was touched under the field.
enum Action {
    Sell(Hit),
    Show(Hit),
    Clear,
}

#[derive(Default)]
pub(super) struct PlateSearch {
    text: String,
    /// The plate key of the last search started.
    searched: String,
    job: Job<StoreResult<(Vec<Hit>, usize)>>,
    hits: Vec<Hit>,
    /// How many matched in all (more than `hits` when cut at `SHOWN`).
    found: usize,
    /// The field, for placing the results under it.
    field: Option<Rect>,
    msg: Option<Msg>,
}

/// The plate key of what was typed: letters and digits, upper case (dash, spaces and
/// case do not matter).
fn plate_key(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Vehicles whose plate contains `key`, plate order, at most `SHOWN` (with their
/// owners), and how many matched.
fn find(store: &Store, key: &str) -> StoreResult<(Vec<Hit>, usize)> {
    // The index matches plate, brand, model and owner; keep the plates.
    let all: Vec<Vehicle> = store
        .search_vehicles(key, 500)?
        .into_iter()
        .map(|v| v.data)
        .filter(|v| v.plate.key().contains(key))
        .collect();
    let found = all.len();
    let mut hits = Vec::new();
    for v in all.into_iter().take(SHOWN) {
        let owner = match v.owner_id {
            Some(o) => store.get::<Customer>(o)?.map(|c| c.data.name),
            None => None,
        };
        let mut what = format!("{} {}", v.brand, v.model).trim().to_string();
        if let Some(o) = owner {
            what = format!("{what} · {o}");
        }
        hits.push(Hit {
            id: v.id,
            plate: v.plate.display(),
            what,
        });
    }
    Ok((hits, found))
}

impl PlateSearch {
    /// The field, in the top bar, with text of `size` px, `width` px wide.
    pub(super) fn field(&mut self, ui: &mut Ui, s: &Session, size: f32, width: f32) {
        if let Some((hits, found)) = self.job.poll_ok(&mut self.msg) {
            self.hits = hits;
            self.found = found;
        }
        // No label beside it: the hint says what it is (the 1024 px bar has no 100 px to
        // spare), and screen readers and tests get the same words as its name.
        let r = ui.add(
            TextEdit::singleline(&mut self.text)
                .hint_text(RichText::new(LABEL).size(size))
                .font(egui::FontId::proportional(size))
                .desired_width(width)
                .margin(vec2(8.0, 12.0))
                .char_limit(MAX_TYPED),
        );
        ui.ctx()
            .accesskit_node_builder(r.id, |node| node.set_label(LABEL));
        osk::attach_with(ui, &r, LABEL, KeyLayout::Plate);
        // Its ✕ is on the results under it, which show exactly while there is text: 48 px
        // the 1024 px bar does not have.
        self.field = Some(r.rect);
        let key = plate_key(&self.text);
        if key != self.searched {
            self.searched = key.clone();
            self.msg = None;
            if key.is_empty() {
                self.hits.clear();
                self.found = 0;
            } else {
                let store = s.store.clone();
                self.job.start(ui.ctx(), move || find(&store, &key));
            }
        }
    }

    fn clear(&mut self) {
        self.text.clear();
        self.searched.clear();
        self.hits.clear();
        self.found = 0;
        self.msg = None;
    }

    /// The vehicles found, under the field, over whatever panel is open. Call after the
    /// panels (its own layer: the panels' widgets keep their ids whether it shows or
    /// not).
    pub(super) fn results(&mut self, ctx: &egui::Context, s: &mut Session) {
        let (Some(field), false) = (self.field, self.searched.is_empty()) else {
            return;
        };
        let width = 440.0_f32.min(ctx.content_rect().width() - 16.0);
        let x = field
            .left()
            .min(ctx.content_rect().right() - width - 8.0)
            .max(8.0);
        let mut action = None;
        egui::Area::new(egui::Id::unique("plate_search_results"))
            .order(egui::Order::Foreground)
            .fixed_pos(egui::pos2(x, field.bottom() + 6.0))
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_width(width);
                    ui.horizontal(|ui| {
                        ui.label(
                            RichText::new(format!("Placa «{}»", self.text.trim().to_uppercase()))
                                .strong(),
                        );
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            let clear = ui.add(
                                Button::new(RichText::new("✕").size(22.0))
                                    .min_size(vec2(52.0, theme::TOUCH)),
                            );
                            clear.widget_info(|| {
                                egui::WidgetInfo::labeled(
                                    egui::Role::Button,
                                    true,
                                    format!("Vaciar: {LABEL}"),
                                )
                            });
                            if clear.clicked() {
                                action = Some(Action::Clear);
                            }
                        });
                    });
                    if let Some(m) = &self.msg {
                        widgets::message(ui, m);
                    } else if self.job.busy() && self.hits.is_empty() {
                        ui.label(RichText::new("Buscando…").color(theme::grey()));
                    } else if self.hits.is_empty() {
                        ui.label(format!(
                            "Ninguna placa contiene «{}».",
                            self.text.trim().to_uppercase()
                        ));
                    }
                    for h in &self.hits {
                        ui.horizontal(|ui| {
                            ui.vertical(|ui| {
                                ui.set_width((width - 230.0).max(120.0));
                                ui.label(RichText::new(&h.plate).size(20.0).strong().monospace());
                                ui.add(
                                    egui::Label::new(RichText::new(&h.what).color(theme::grey()))
                                        .truncate(),
                                );
                            });
                            let sell =
                                widgets::big_button(ui, "Vender", Some(theme::green()), 90.0);
                            let plate = h.plate.clone();
                            sell.widget_info(|| {
                                egui::WidgetInfo::labeled(
                                    egui::Role::Button,
                                    true,
                                    format!("Vender {plate}"),
                                )
                            });
                            if sell.clicked() {
                                action = Some(Action::Sell(h.clone()));
                            }
                            let see = ui
                                .add(Button::new("Ver en Flota").min_size(vec2(0.0, theme::TOUCH)));
                            let plate = h.plate.clone();
                            see.widget_info(|| {
                                egui::WidgetInfo::labeled(
                                    egui::Role::Button,
                                    true,
                                    format!("Ver en Flota {plate}"),
                                )
                            });
                            if see.clicked() {
                                action = Some(Action::Show(h.clone()));
                            }
                        });
                    }
                    if self.found > self.hits.len() {
                        ui.label(
                            RichText::new(format!(
                                "y {} más: escriba más de la placa.",
                                self.found - self.hits.len()
                            ))
                            .color(theme::grey()),
                        );
                    }
                });
            });
        match action {
            Some(Action::Sell(h)) => {
                log::info!("plate search: sell to {}", h.plate);
                s.sell_to = Some(h.plate);
                s.goto = Some(PanelId::Ventas);
                self.clear();
            }
            Some(Action::Show(h)) => {
                log::info!("plate search: show {}", h.plate);
                s.show_vehicle = Some(h.id);
                s.goto = Some(PanelId::Flota);
                self.clear();
            }
            Some(Action::Clear) => self.clear(),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::plate_key;

    #[test]
    fn the_key_ignores_case_dash_and_spaces() {
        assert_eq!(plate_key(" a6r-9 "), "A6R9");
        assert_eq!(plate_key("abc 123"), "ABC123");
        assert_eq!(plate_key("-"), "");
    }
}

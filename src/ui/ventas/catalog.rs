//! Ventas › catalog: the active products (reloaded on a worker when the store changed),
//! the quick keys (products marked `quick_key`) and the catalog search. Both hand the
//! touched product back to the panel, which puts it on the ticket.

use crate::store::StoreResult;
use crate::ui::session::Session;
use crate::ui::widgets::{self, Msg};
use crate::ui::{theme, worker::Job};
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::{Product, Stored, fold, soles};

#[derive(Default)]
pub(super) struct Catalog {
    /// Active products, by code.
    products: Vec<Product>,
    /// Store revision of `products`.
    loaded_rev: Option<u64>,
    job: Job<StoreResult<Vec<Stored<Product>>>>,
    query: String,
}

impl Catalog {
    /// Reloads the products on a worker when the store changed since the last load.
    pub(super) fn reload(&mut self, ctx: &egui::Context, s: &Session) {
        if self.loaded_rev != Some(s.revision) && !self.job.busy() {
            let store = s.store.clone();
            self.job.start(ctx, move || store.list::<Product>());
            self.loaded_rev = Some(s.revision);
        }
    }

    pub(super) fn poll(&mut self, msg: &mut Option<Msg>) {
        if let Some(list) = self.job.poll_ok(msg) {
            let mut ps: Vec<Product> = list
                .into_iter()
                .map(|p| p.data)
                .filter(|p| p.active)
                .collect();
            ps.sort_by(|a, b| a.code.cmp(&b.code));
            self.products = ps;
        }
    }

    /// The active product with exactly this code (a scan), ignoring case and spaces.
    pub(super) fn by_code(&self, code: &str) -> Option<&Product> {
        let code = code.trim();
        self.products
            .iter()
            .find(|p| p.code.eq_ignore_ascii_case(code))
    }

    /// A new sale: empty search.
    pub(super) fn clear(&mut self) {
        self.query.clear();
    }

    /// The grid of big quick keys; returns the product touched.
    pub(super) fn quick_keys(&self, ui: &mut Ui) -> Option<Product> {
        let keys: Vec<&Product> = self.products.iter().filter(|p| p.quick_key).collect();
        if keys.is_empty() {
            return None;
        }
        ui.label(RichText::new("Teclas rápidas").strong());
        let avail = ui.available_width() - 24.0;
        let cols = ((avail + 8.0) / 170.0).floor().max(2.0) as usize;
        let w = (avail - (cols as f32 - 1.0) * 8.0) / cols as f32;
        // A 768 px screen shows three rows of keys under the customer and the plate only
        // if they are 84 px tall (still well over a finger); taller screens get 100 px.
        let h = if ui.ctx().content_rect().height() < 790.0 {
            84.0
        } else {
            100.0
        };
        let mut add = None;
        egui::Grid::new("quick_keys")
            .spacing(vec2(8.0, 8.0))
            .show(ui, |ui| {
                for (i, p) in keys.iter().enumerate() {
                    let t = RichText::new(format!("{}\n{}", p.name, soles(p.price))).size(17.0);
                    if ui.add_sized(vec2(w, h), Button::new(t).wrap()).clicked() {
                        add = Some((*p).clone());
                    }
                    if (i + 1) % cols == 0 {
                        ui.end_row();
                    }
                }
            });
        add
    }

    /// Search by code, name or category (all words, accents ignored), first 8 hits;
    /// returns the product touched.
    pub(super) fn search(&mut self, ui: &mut Ui) -> Option<Product> {
        ui.add_space(6.0);
        let w = ui.available_width().min(520.0);
        let field = widgets::search_field(ui, "Buscar producto o servicio", &mut self.query, w);
        // Enter (a scanner's, or Listo on the screen keyboard) adds the product whose code
        // was typed, else the only match; the box empties and keeps the focus for the
        // next scan.
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let q = fold(self.query.trim());
        if q.is_empty() {
            return None;
        }
        let words: Vec<&str> = q.split_whitespace().collect();
        let hits: Vec<&Product> = self
            .products
            .iter()
            .filter(|p| {
                let t = fold(&format!("{} {} {}", p.code, p.name, p.category));
                words.iter().all(|w| t.contains(w))
            })
            .take(8)
            .collect();
        if enter {
            let pick = self
                .by_code(&self.query)
                .or(if hits.len() == 1 { Some(hits[0]) } else { None })
                .cloned();
            if let Some(p) = pick {
                self.query.clear();
                field.request_focus();
                return Some(p);
            }
        }
        if hits.is_empty() {
            ui.label(RichText::new("Ningún producto coincide.").color(theme::grey()));
        }
        let mut add = None;
        for p in hits {
            let t = format!("{}  {}  {}", p.code, p.name, soles(p.price));
            if ui
                .add(
                    Button::new(t)
                        .truncate()
                        .min_size(vec2(ui.available_width(), theme::TOUCH)),
                )
                .clicked()
            {
                add = Some(p.clone());
            }
        }
        add
    }
}

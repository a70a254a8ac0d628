//! The line under a field for its refusal (an invalid DNI or RUC, a plate, a km below the
//! last reading, a factura without a RUC customer, a date): the message sits next to
//! what caused it, in the theme's error colour, and the line is there whether or not it
//! holds a message, so a refusal appearing does not push the fields and buttons below
//! it from under the finger. A message longer than the line wraps and takes more rows:
//! the texts shown here are kept short enough for one row of the 1024 px columns.

use crate::ui::theme;
use egui::{Color32, FontId, Label, RichText, Ui};

/// Text size of the line (body text is 20 px).
const SIZE: f32 = 16.0;

/// A refusal, under its field; `None` keeps the line empty.
pub(super) fn show(ui: &mut Ui, error: Option<&str>) {
    note(ui, error.map(|e| (e, theme::red())));
}

/// The same line for a note that is not a refusal (a valid document, a warning).
pub(super) fn note(ui: &mut Ui, note: Option<(&str, Color32)>) {
    let row = ui
        .ctx()
        .fonts_mut(|f| f.row_height(&FontId::proportional(SIZE)));
    match note {
        Some((text, colour)) => {
            let r =
                ui.add(Label::new(RichText::new(text).size(SIZE).strong().color(colour)).wrap());
            if r.rect.height() < row {
                ui.add_space(row - r.rect.height());
            }
        }
        None => {
            ui.allocate_space(egui::vec2(0.0, row));
        }
    }
}

/// A field with its label above (as `widgets::field`) and its refusal line under it, the
/// field's width: for forms whose fields wrap into rows, where a line under the whole
/// row would sit a row away from the field that caused it.
pub(super) fn field(
    ui: &mut Ui,
    label: &str,
    text: &mut String,
    width: f32,
    error: Option<&str>,
) -> egui::Response {
    group(ui, width, width, error, |ui| {
        super::widgets::field(ui, label, text, width)
    })
}

/// Any field drawn by `add` (which takes `outer` px of the row), with the refusal line
/// of `width` under it.
pub(super) fn group<R>(
    ui: &mut Ui,
    outer: f32,
    width: f32,
    error: Option<&str>,
    add: impl FnOnce(&mut Ui) -> R,
) -> R {
    // A new row when it no longer fits (inside the group egui would not wrap it).
    if ui.layout().main_wrap
        && ui.layout().is_horizontal()
        && ui.available_size_before_wrap().x < outer + 16.0
    {
        ui.end_row();
    }
    ui.vertical(|ui| {
        let r = add(ui);
        line(ui, width, error);
        r
    })
    .inner
}

/// The line under one field: as wide as the field, one row tall, always there. The text
/// may run on to the right over the empty lines of the fields beside it (one refusal
/// shows at a time) and is cut with "…" at the panel's edge; its full words are its
/// accessible name.
pub(super) fn line(ui: &mut Ui, width: f32, error: Option<&str>) {
    let row = ui
        .ctx()
        .fonts_mut(|f| f.row_height(&FontId::proportional(SIZE)));
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, row), egui::Sense::hover());
    let Some(text) = error else {
        return;
    };
    let room = (ui.clip_rect().right() - rect.left()).max(width);
    let galley =
        egui::WidgetText::from(RichText::new(text).size(SIZE).strong().color(theme::red()))
            .into_galley(
                ui,
                Some(egui::TextWrapMode::Truncate),
                room,
                egui::TextStyle::Body,
            );
    ui.painter().galley(rect.left_top(), galley, theme::red());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, text));
}

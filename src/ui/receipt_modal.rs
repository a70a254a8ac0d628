//! The VISTA PREVIA modal shared by Ventas (the draft) and Comprobantes (an issued
//! document): the receipt drawn by `receipt::show_preview` with a Cerrar button.

use crate::receipt::{ReceiptLayout, show_preview};
use crate::ui::theme;
use egui::{Button, Ui, vec2};

/// Shows `preview` in a modal while it is `Some`; closing it sets it to `None`.
/// `id` keeps the two panels' modals apart.
pub(super) fn show(ctx: &egui::Context, id: &str, preview: &mut Option<ReceiptLayout>) {
    let Some(layout) = preview.as_ref() else {
        return;
    };
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique(id)).show(ctx, |ui| {
        preview_window(ui, layout, &mut close);
    });
    if close || modal.should_close() {
        *preview = None;
    }
}

/// The receipt preview inside a modal, with its Cerrar button.
fn preview_window(ui: &mut Ui, layout: &ReceiptLayout, close: &mut bool) {
    let screen = ui.ctx().content_rect();
    ui.set_width((screen.width() - 120.0).clamp(320.0, 560.0));
    ui.horizontal(|ui| {
        ui.heading("Vista previa");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .add(Button::new("Cerrar").min_size(vec2(110.0, theme::TOUCH)))
                .clicked()
            {
                *close = true;
            }
        });
    });
    ui.allocate_ui(
        vec2(ui.available_width(), (screen.height() - 170.0).max(240.0)),
        |ui| {
            egui::Frame::new()
                .fill(theme::PREVIEW_BACKDROP)
                .inner_margin(6.0)
                .show(ui, |ui| {
                    show_preview(ui, layout);
                });
        },
    );
}

//! VISTA PREVIA: draws the same layout the PDF is made from, with the same embedded
//! DejaVu fonts, on white paper scaled to the available width.

use crate::receipt::fonts::{ASCENT_EM, BOLD_TTF, MM_PER_PT, REGULAR_TTF};
use crate::receipt::layout::{Align, Item, Page, ReceiptLayout};
use eframe::egui;
use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
use egui::{Align2, Color32, FontData, FontFamily, FontId, Pos2, Rect, Sense, Stroke, Vec2};

const REGULAR_FAMILY: &str = "motordesk-receipt";
const BOLD_FAMILY: &str = "motordesk-receipt-bold";
/// Beyond this many pixels per millimetre the receipt only gets blurry-big.
const MAX_SCALE: f32 = 5.0;
const PAGE_GAP: f32 = 12.0;

/// Draws every page of `layout` inside a vertical scroll area.
pub fn show_preview(ui: &mut egui::Ui, layout: &ReceiptLayout) {
    let (regular, bold) = families(ui.ctx());
    egui::ScrollArea::vertical()
        // Keyed by the document, so two previews side by side keep their own scroll.
        .id_salt(("receipt_preview", &layout.title, layout.paper.label()))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let avail = (ui.available_width() - 8.0).max(100.0);
            for (i, page) in layout.pages.iter().enumerate() {
                if i > 0 {
                    ui.add_space(PAGE_GAP);
                }
                let scale = (avail / page.width_mm).min(MAX_SCALE);
                let size = Vec2::new(page.width_mm * scale, page.height_mm * scale);
                ui.vertical_centered(|ui| {
                    let (rect, _) = ui.allocate_exact_size(size, Sense::hover());
                    if ui.is_rect_visible(rect) {
                        paint_page(ui, rect, page, scale, &regular, &bold);
                    }
                });
            }
            ui.add_space(PAGE_GAP);
        });
}

/// Registers the receipt fonts with egui once. Until egui has applied them (at the
/// latest the next frame), the default proportional font stands in.
fn families(ctx: &egui::Context) -> (FontFamily, FontFamily) {
    let regular = FontFamily::Name(REGULAR_FAMILY.into());
    let bold = FontFamily::Name(BOLD_FAMILY.into());
    let ready = |ctx: &egui::Context| {
        let known = ctx.fonts(|f| f.families());
        known.contains(&regular) && known.contains(&bold)
    };
    if ready(ctx) {
        return (regular, bold);
    }
    for (name, bytes, family) in [
        ("DejaVuSans", REGULAR_TTF, &regular),
        ("DejaVuSans-Bold", BOLD_TTF, &bold),
    ] {
        ctx.add_font(FontInsert::new(
            name,
            FontData::from_static(bytes),
            vec![InsertFontFamily {
                family: family.clone(),
                priority: FontPriority::Highest,
            }],
        ));
    }
    ctx.request_repaint();
    if ready(ctx) {
        (regular, bold)
    } else {
        (FontFamily::Proportional, FontFamily::Proportional)
    }
}

fn paint_page(
    ui: &egui::Ui,
    rect: Rect,
    page: &Page,
    scale: f32,
    regular: &FontFamily,
    bold: &FontFamily,
) {
    let painter = ui.painter_at(rect.expand(2.0));
    painter.rect_filled(rect, 0.0, Color32::WHITE);
    painter.rect_stroke(
        rect,
        0.0,
        Stroke::new(1.0, Color32::from_gray(160)),
        egui::StrokeKind::Outside,
    );
    let at = |x: f32, y: f32| Pos2::new(rect.min.x + x * scale, rect.min.y + y * scale);
    let ink = Color32::BLACK;
    for item in &page.items {
        match item {
            Item::Text(t) => {
                let size_mm = t.size_pt * MM_PER_PT;
                let family = if t.bold { bold } else { regular };
                let anchor = match t.align {
                    Align::Left => Align2::LEFT_TOP,
                    Align::Center => Align2::CENTER_TOP,
                    Align::Right => Align2::RIGHT_TOP,
                };
                painter.text(
                    at(t.x, t.baseline - ASCENT_EM * size_mm),
                    anchor,
                    &t.text,
                    FontId::new(size_mm * scale, family.clone()),
                    ink,
                );
            }
            Item::Rule {
                x1,
                x2,
                y,
                thickness,
            } => {
                painter.line_segment(
                    [at(*x1, *y), at(*x2, *y)],
                    Stroke::new((thickness * scale).max(1.0), ink),
                );
            }
            Item::Frame {
                x,
                y,
                w,
                h,
                thickness,
            } => {
                painter.rect_stroke(
                    Rect::from_min_size(at(*x, *y), Vec2::new(w * scale, h * scale)),
                    0.0,
                    Stroke::new((thickness * scale).max(1.0), ink),
                    egui::StrokeKind::Middle,
                );
            }
            Item::Qr {
                x,
                y,
                module,
                matrix,
            } => {
                for (row, col, len) in matrix.dark_runs() {
                    let min = at(x + col as f32 * module, y + row as f32 * module);
                    let size = Vec2::new(len as f32 * module * scale, module * scale);
                    painter.rect_filled(Rect::from_min_size(min, size), 0.0, ink);
                }
            }
        }
    }
}

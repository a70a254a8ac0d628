//! Touch-first look: big fonts and 48 px targets so a greasy thumb hits the right button
//! at 1024x768 and 1280x800.

use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
use egui::{Color32, FontData, FontFamily, FontId, TextStyle, vec2};

pub(super) const BODY: f32 = 20.0;
pub(super) const HEADING: f32 = 28.0;
/// Minimum height of anything a person touches.
pub(super) const TOUCH: f32 = 48.0;

pub(super) const GREEN: Color32 = Color32::from_rgb(0x1b, 0x8a, 0x3c);
pub(super) const AMBER: Color32 = Color32::from_rgb(0xc7, 0x7c, 0x02);
pub(super) const RED: Color32 = Color32::from_rgb(0xc6, 0x28, 0x28);
pub(super) const BLUE: Color32 = Color32::from_rgb(0x15, 0x65, 0xc0);
pub(super) const GREY: Color32 = Color32::from_rgb(0x75, 0x75, 0x75);

/// DejaVu Sans (already embedded for the receipts) is the UI font: large x-height,
/// readable at arm's length, and it has every glyph the screens use (●, ✓, «», ñ).
fn install_fonts(ctx: &egui::Context) {
    ctx.add_font(FontInsert::new(
        "motordesk-ui",
        FontData::from_static(crate::receipt::REGULAR_TTF),
        vec![
            InsertFontFamily {
                family: FontFamily::Proportional,
                priority: FontPriority::Highest,
            },
            InsertFontFamily {
                family: FontFamily::Monospace,
                priority: FontPriority::Lowest,
            },
        ],
    ));
}

pub(super) fn apply(ctx: &egui::Context) {
    install_fonts(ctx);
    ctx.all_styles_mut(|s| {
        s.text_styles
            .insert(TextStyle::Body, FontId::proportional(BODY));
        s.text_styles
            .insert(TextStyle::Button, FontId::proportional(BODY));
        s.text_styles
            .insert(TextStyle::Heading, FontId::proportional(HEADING));
        s.text_styles
            .insert(TextStyle::Small, FontId::proportional(16.0));
        s.text_styles
            .insert(TextStyle::Monospace, FontId::monospace(18.0));
        s.spacing.interact_size = vec2(TOUCH, TOUCH);
        s.spacing.button_padding = vec2(16.0, 10.0);
        s.spacing.item_spacing = vec2(10.0, 10.0);
        s.spacing.text_edit_width = 260.0;
        s.spacing.icon_width = 28.0;
        s.spacing.icon_width_inner = 16.0;
        // Finger-wide bars (28 px once touched, a 10 px line at rest) floating over the
        // content: a solid 28 px bar takes its width from layouts that size themselves
        // from the available width and clipped them at 1024 px. Lists also scroll by
        // dragging the content (touch mode), so the bar is the second way, not the only.
        s.spacing.scroll.floating = true;
        s.spacing.scroll.bar_width = 28.0;
        s.spacing.scroll.floating_width = 10.0;
        s.spacing.scroll.floating_allocated_width = 0.0;
        s.spacing.scroll.handle_min_length = 48.0;
        s.spacing.scroll.dormant_handle_opacity = 0.6;
        s.spacing.scroll.dormant_background_opacity = 0.3;
        // A touch kiosk selects nothing: selectable labels would swallow row taps and
        // turn a finger drag into a text selection instead of a scroll.
        s.interaction.selectable_labels = false;
    });
}

/// Colour of a sync status badge.
pub(super) fn status_colour(status: motordesk_core::SyncStatus) -> Color32 {
    use motordesk_core::SyncStatus::*;
    match status {
        Pending => AMBER,
        Syncing => BLUE,
        Synced => GREEN,
        Failed => RED,
    }
}

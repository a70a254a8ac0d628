//! Touch-first look: big fonts and 48 px targets so a greasy thumb hits the right button
//! at 1024x768 and 1280x800.

use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
use egui::{Color32, FontData, FontFamily, FontId, TextStyle, vec2};

pub(super) const BODY: f32 = 20.0;
pub(super) const HEADING: f32 = 28.0;
/// Minimum height of anything a person touches.
pub(super) const TOUCH: f32 = 48.0;

// Text colours, read on the dark panels, buttons and the selected row: each at least
// 4.5:1 against all of them (`tests::every_text_colour_reads_at_4_5_to_1`). The older
// mid-tone colours measured 2.3–3.9:1 as text (red 3.1, grey 3.7 on the panel).
pub(super) const GREEN: Color32 = Color32::from_rgb(0x4c, 0xaf, 0x50);
pub(super) const AMBER: Color32 = Color32::from_rgb(0xf0, 0xa0, 0x30);
pub(super) const RED: Color32 = Color32::from_rgb(0xff, 0x6b, 0x6b);
pub(super) const BLUE: Color32 = Color32::from_rgb(0x64, 0xa8, 0xf0);
pub(super) const GREY: Color32 = Color32::from_rgb(0xa0, 0xa0, 0xa0);

// Fills under white text (main buttons, badges, the keypad's Aceptar): darker shades of
// the same hues, each at least 4.5:1 with white.
pub(super) const GREEN_FILL: Color32 = Color32::from_rgb(0x1b, 0x6e, 0x32);
pub(super) const AMBER_FILL: Color32 = Color32::from_rgb(0x8a, 0x52, 0x00);
pub(super) const RED_FILL: Color32 = Color32::from_rgb(0xb3, 0x26, 0x1e);
pub(super) const BLUE_FILL: Color32 = Color32::from_rgb(0x15, 0x65, 0xc0);
pub(super) const GREY_FILL: Color32 = Color32::from_rgb(0x5a, 0x5a, 0x5a);

/// Selected rows and toggles: dark enough that coloured text stays readable on them
/// (red on egui's selection blue was 1.3:1).
pub(super) const SELECTION: Color32 = Color32::from_rgb(0x06, 0x24, 0x3c);

/// The fill to use under white text for a colour the panels pass as a tone.
pub(super) fn fill_of(c: Color32) -> Color32 {
    match c {
        GREEN => GREEN_FILL,
        AMBER => AMBER_FILL,
        RED => RED_FILL,
        BLUE => BLUE_FILL,
        GREY => GREY_FILL,
        other => other,
    }
}

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
    // The colours above are chosen for the dark panels: never follow a light system theme.
    ctx.set_theme(egui::Theme::Dark);
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
        s.visuals.selection.bg_fill = SELECTION;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2 contrast ratio of two sRGB colours.
    fn contrast(a: Color32, b: Color32) -> f32 {
        fn lum(c: Color32) -> f32 {
            let lin = |v: u8| {
                let v = v as f32 / 255.0;
                if v <= 0.039_28 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
        }
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    fn styled() -> egui::Style {
        let ctx = egui::Context::default();
        apply(&ctx);
        (*ctx.style_of(egui::Theme::Dark)).clone()
    }

    #[test]
    fn every_text_colour_reads_at_4_5_to_1() {
        let v = styled().visuals;
        let backgrounds = [
            ("panel", v.panel_fill),
            ("window", v.window_fill),
            ("field", v.extreme_bg_color),
            ("button", v.widgets.inactive.weak_bg_fill),
            ("selected", v.selection.bg_fill),
        ];
        let texts = [
            ("green", GREEN),
            ("amber", AMBER),
            ("red", RED),
            ("blue", BLUE),
            ("grey", GREY),
            ("body", v.text_color()),
            ("button text", v.widgets.inactive.fg_stroke.color),
        ];
        for (tn, t) in texts {
            for (bn, b) in backgrounds {
                // Plain labels are never drawn on a button.
                if tn == "body" && bn == "button" {
                    continue;
                }
                let r = contrast(t, b);
                assert!(r >= 4.5, "{tn} on {bn}: {r:.2}:1");
            }
        }
    }

    #[test]
    fn white_text_reads_on_every_fill() {
        for (n, f) in [
            ("green", GREEN_FILL),
            ("amber", AMBER_FILL),
            ("red", RED_FILL),
            ("blue", BLUE_FILL),
            ("grey", GREY_FILL),
            ("selected", SELECTION),
        ] {
            let r = contrast(Color32::WHITE, f);
            assert!(r >= 4.5, "white on {n}: {r:.2}:1");
        }
        assert_eq!(fill_of(RED), RED_FILL);
        // The measure itself: black on white is 21:1, a colour on itself 1:1.
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
        assert!((contrast(RED, RED) - 1.0).abs() < 0.001);
    }
}

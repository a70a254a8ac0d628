//! Touch-first look: big fonts and 48 px targets so a greasy thumb hits the right button
//! at 1024x768 and 1280x800, magnified on bigger screens (1920x1080), in two palettes the
//! person picks in Ajustes › Pantalla: dark (the default) and light high contrast for a
//! bright workshop. Every colour a panel draws comes from here.

use crate::store::ScreenTheme;
use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
use egui::{Color32, FontData, FontFamily, FontId, Stroke, TextStyle, Vec2, vec2};
use std::cell::Cell;

pub(super) const BODY: f32 = 20.0;
pub(super) const HEADING: f32 = 28.0;
/// Minimum height of anything a person touches.
pub(super) const TOUCH: f32 = 48.0;

/// The colours of one theme. Text colours (`green`…`grey`) are read on the panels,
/// fields, buttons, the top bar's and striped rows' tint and the selected row: each at
/// least 4.5:1 against all of them (`tests::every_text_colour_reads_at_4_5_to_1`). Fills
/// (`*_fill`) are drawn under `on_fill` text (main buttons, badges, the keys' Listo and
/// Aceptar), each at least 4.5:1 with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Palette {
    pub green: Color32,
    pub amber: Color32,
    pub red: Color32,
    pub blue: Color32,
    pub grey: Color32,
    pub green_fill: Color32,
    pub amber_fill: Color32,
    pub red_fill: Color32,
    pub blue_fill: Color32,
    pub grey_fill: Color32,
    /// Text on the fills above.
    pub on_fill: Color32,
    /// Selected rows and toggles: coloured text stays readable on them (red on egui's
    /// selection blue was 1.3:1).
    pub selection: Color32,
    /// Text of a selected toggle.
    pub on_selection: Color32,
    /// Ordinary text, buttons' text.
    pub text: Color32,
    pub button_text: Color32,
    pub panel: Color32,
    /// Text fields and the keypad's display.
    pub field: Color32,
    /// Top bar, on-screen keyboard and every other row of a striped list.
    pub tint: Color32,
    pub button: Color32,
    /// Outline of buttons and fields (the light theme's buttons are close to its panel).
    pub outline: Color32,
}

/// Dark panels, light text. The older mid-tone colours measured 2.3–3.9:1 as text (red
/// 3.1, grey 3.7 on the panel); the ratios now are in docs/ui.md.
pub(super) const DARK: Palette = Palette {
    green: Color32::from_rgb(0x4c, 0xaf, 0x50),
    amber: Color32::from_rgb(0xf0, 0xa0, 0x30),
    red: Color32::from_rgb(0xff, 0x6b, 0x6b),
    blue: Color32::from_rgb(0x64, 0xa8, 0xf0),
    grey: Color32::from_rgb(0xa0, 0xa0, 0xa0),
    green_fill: Color32::from_rgb(0x1b, 0x6e, 0x32),
    amber_fill: Color32::from_rgb(0x8a, 0x52, 0x00),
    red_fill: Color32::from_rgb(0xb3, 0x26, 0x1e),
    blue_fill: Color32::from_rgb(0x15, 0x65, 0xc0),
    grey_fill: Color32::from_rgb(0x5a, 0x5a, 0x5a),
    on_fill: Color32::WHITE,
    selection: Color32::from_rgb(0x06, 0x24, 0x3c),
    on_selection: Color32::from_rgb(0xc0, 0xde, 0xff),
    text: Color32::from_gray(200),
    button_text: Color32::from_gray(225),
    panel: Color32::from_gray(27),
    field: Color32::from_gray(10),
    tint: Color32::from_gray(34),
    button: Color32::from_gray(50),
    outline: Color32::from_gray(150),
};

/// Near-white panels, near-black text, dark tones: for sunlight on the screen. The tones
/// are dark enough to be their own fills under white.
pub(super) const LIGHT: Palette = Palette {
    green: Color32::from_rgb(0x0a, 0x61, 0x25),
    amber: Color32::from_rgb(0x7a, 0x45, 0x00),
    red: Color32::from_rgb(0xa8, 0x14, 0x0c),
    blue: Color32::from_rgb(0x0b, 0x4f, 0x9e),
    grey: Color32::from_gray(0x4d),
    green_fill: Color32::from_rgb(0x0a, 0x61, 0x25),
    amber_fill: Color32::from_rgb(0x7a, 0x45, 0x00),
    red_fill: Color32::from_rgb(0xa8, 0x14, 0x0c),
    blue_fill: Color32::from_rgb(0x0b, 0x4f, 0x9e),
    grey_fill: Color32::from_gray(0x4d),
    on_fill: Color32::WHITE,
    selection: Color32::from_rgb(0xc6, 0xdc, 0xf5),
    on_selection: Color32::BLACK,
    text: Color32::from_gray(0x14),
    button_text: Color32::BLACK,
    panel: Color32::from_gray(0xf4),
    field: Color32::WHITE,
    tint: Color32::from_gray(0xe4),
    button: Color32::from_gray(0xdc),
    outline: Color32::from_gray(0x5a),
};

/// Backdrop around the receipt's paper in the preview (the same in both themes: it
/// frames a white sheet).
pub(super) const PREVIEW_BACKDROP: Color32 = Color32::from_gray(200);

thread_local! {
    /// The palette of the frame being drawn, set from the context's theme at the start of
    /// every frame (`begin_frame`). Per thread: eframe draws on one thread, and each UI
    /// test's harness on its own.
    static ACTIVE: Cell<&'static Palette> = const { Cell::new(&DARK) };
}

pub(super) fn palette() -> &'static Palette {
    ACTIVE.with(Cell::get)
}

pub(super) fn green() -> Color32 {
    palette().green
}
pub(super) fn amber() -> Color32 {
    palette().amber
}
pub(super) fn red() -> Color32 {
    palette().red
}
pub(super) fn blue() -> Color32 {
    palette().blue
}
pub(super) fn grey() -> Color32 {
    palette().grey
}
pub(super) fn green_fill() -> Color32 {
    palette().green_fill
}
pub(super) fn blue_fill() -> Color32 {
    palette().blue_fill
}
/// Text on any `*_fill`.
pub(super) fn on_fill() -> Color32 {
    palette().on_fill
}

/// The fill to use under `on_fill` text for a colour the panels pass as a tone.
pub(super) fn fill_of(c: Color32) -> Color32 {
    let p = palette();
    [
        (p.green, p.green_fill),
        (p.amber, p.amber_fill),
        (p.red, p.red_fill),
        (p.blue, p.blue_fill),
        (p.grey, p.grey_fill),
    ]
    .into_iter()
    .find(|(tone, _)| *tone == c)
    .map_or(c, |(_, fill)| fill)
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

/// Sizes and spacing (both themes), once per context.
pub(super) fn install(ctx: &egui::Context) {
    install_fonts(ctx);
    // The window size picks the magnification (`fit_to_window`), not Ctrl +/-.
    ctx.options_mut(|o| o.zoom_with_keyboard = false);
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
    ctx.style_mut_of(egui::Theme::Dark, |s| s.visuals = visuals(&DARK, true));
    ctx.style_mut_of(egui::Theme::Light, |s| s.visuals = visuals(&LIGHT, false));
}

/// egui's visuals for a palette: every text and background egui draws by itself
/// (labels, buttons, fields, hints, selection, the error and warning colours) from it.
fn visuals(p: &Palette, dark: bool) -> egui::Visuals {
    let mut v = if dark {
        egui::Visuals::dark()
    } else {
        egui::Visuals::light()
    };
    v.panel_fill = p.panel;
    v.window_fill = p.panel;
    v.window_stroke = Stroke::new(1.0, p.outline);
    v.extreme_bg_color = p.field;
    v.faint_bg_color = p.tint;
    v.weak_text_color = Some(p.grey);
    v.error_fg_color = p.red;
    v.warn_fg_color = p.amber;
    v.hyperlink_color = p.blue;
    v.selection.bg_fill = p.selection;
    v.selection.stroke = Stroke::new(1.0, p.on_selection);
    let w = &mut v.widgets;
    w.noninteractive.fg_stroke.color = p.text;
    w.noninteractive.bg_fill = p.panel;
    w.noninteractive.weak_bg_fill = p.panel;
    w.inactive.weak_bg_fill = p.button;
    w.inactive.bg_fill = p.button;
    w.inactive.fg_stroke.color = p.button_text;
    if !dark {
        // Grey buttons on a near-white panel need their edge drawn.
        w.inactive.bg_stroke = Stroke::new(1.0, p.outline);
    }
    // A touched button keeps its fill (on a touch panel the pointer rests on the last
    // button tapped, so "hovered" lasts): coloured text on it keeps its contrast; the
    // outline shows the touch.
    w.hovered.weak_bg_fill = p.button;
    w.hovered.bg_fill = p.button;
    w.hovered.fg_stroke.color = p.button_text;
    w.hovered.bg_stroke = Stroke::new(2.0, p.outline);
    w.active.fg_stroke.color = p.button_text;
    v
}

/// Chooses the palette of `theme` for this context (applies at once: the next frame is
/// drawn with it).
pub(super) fn set_theme(ctx: &egui::Context, theme: ScreenTheme) {
    ctx.set_theme(match theme {
        ScreenTheme::Dark => egui::Theme::Dark,
        ScreenTheme::LightHighContrast => egui::Theme::Light,
    });
}

/// At the start of each frame: the tone colours follow the context's theme.
pub(super) fn begin_frame(ctx: &egui::Context) {
    let p = match ctx.theme() {
        egui::Theme::Dark => &DARK,
        egui::Theme::Light => &LIGHT,
    };
    ACTIVE.with(|a| a.set(p));
}

/// The layouts are drawn and checked for 1024x768 and 1280x800 points. A bigger window
/// (logical pixels) magnifies the 1280x800 layout until it fills the shorter way, in
/// steps of 0.05 so a resize does not re-lay text at every pixel: 1920x1080 → 1.35 (the
/// layout is 1422x800 points, body text 27 px). Never smaller than 1: 1024x768 keeps
/// its sizes.
pub(super) fn zoom_for(window: Vec2) -> f32 {
    let z = (window.x / 1280.0).min(window.y / 800.0);
    ((z * 20.0).floor() / 20.0).clamp(1.0, 2.0)
}

/// Sets the magnification for the window's size. The window in logical pixels is the
/// content in points times the zoom already applied (what egui-winit divided by).
pub(super) fn fit_to_window(ctx: &egui::Context) {
    let window = ctx.content_rect().size() * ctx.zoom_factor();
    let z = zoom_for(window);
    if (z - ctx.zoom_factor()).abs() > 0.001 {
        log::info!("window {:.0}x{:.0}: zoom {z:.2}", window.x, window.y);
        ctx.set_zoom_factor(z);
        // The new zoom applies from the next frame; without this an idle screen (Ajustes)
        // stayed drawn at the old zoom after a resize.
        ctx.request_repaint();
    }
}

/// Colour of a sync status badge.
pub(super) fn status_colour(status: motordesk_core::SyncStatus) -> Color32 {
    use motordesk_core::SyncStatus::*;
    match status {
        Pending => amber(),
        Syncing => blue(),
        Synced => green(),
        Failed => red(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2 contrast ratio of two sRGB colours.
    pub(crate) fn contrast(a: Color32, b: Color32) -> f32 {
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

    /// `top` (premultiplied, possibly translucent) drawn over the opaque `under`.
    fn over(top: Color32, under: Color32) -> Color32 {
        let k = 1.0 - top.a() as f32 / 255.0;
        let mix = |t: u8, u: u8| (t as f32 + u as f32 * k).round().min(255.0) as u8;
        Color32::from_rgb(
            mix(top.r(), under.r()),
            mix(top.g(), under.g()),
            mix(top.b(), under.b()),
        )
    }

    /// The style egui draws with in `theme`, after `install` and `set_theme`.
    fn styled(theme: ScreenTheme) -> egui::Style {
        let ctx = egui::Context::default();
        install(&ctx);
        set_theme(&ctx, theme);
        (*ctx.style_of(ctx.theme())).clone()
    }

    fn palette_of(theme: ScreenTheme) -> &'static Palette {
        match theme {
            ScreenTheme::Dark => &DARK,
            ScreenTheme::LightHighContrast => &LIGHT,
        }
    }

    const THEMES: [ScreenTheme; 2] = [ScreenTheme::Dark, ScreenTheme::LightHighContrast];

    #[test]
    fn every_text_colour_reads_at_4_5_to_1() {
        for theme in THEMES {
            let v = styled(theme).visuals;
            let p = palette_of(theme);
            let panel = v.panel_fill;
            let backgrounds = [
                ("panel", panel),
                ("window", v.window_fill),
                ("field", v.text_edit_bg_color()),
                ("button", v.widgets.inactive.weak_bg_fill),
                ("touched button", v.widgets.hovered.weak_bg_fill),
                ("selected", v.selection.bg_fill),
                // Top bar, on-screen keyboard, striped rows.
                ("tint", over(v.faint_bg_color, panel)),
            ];
            let texts = [
                ("green", p.green),
                ("amber", p.amber),
                ("red", p.red),
                ("blue", p.blue),
                ("grey", p.grey),
                ("hint", v.weak_text_color()),
                ("error", v.error_fg_color),
                ("warning", v.warn_fg_color),
                ("body", v.text_color()),
                ("button text", v.widgets.inactive.fg_stroke.color),
                ("touched button text", v.widgets.hovered.fg_stroke.color),
            ];
            for (tn, t) in texts {
                for (bn, b) in backgrounds {
                    let r = contrast(t, b);
                    assert!(r >= 4.5, "{theme:?}: {tn} on {bn}: {r:.2}:1");
                }
            }
            // A selected toggle's own text (Modo táctil, the keys' Mayús).
            let r = contrast(v.selection.stroke.color, v.selection.bg_fill);
            assert!(r >= 4.5, "{theme:?}: selected toggle text {r:.2}:1");
        }
    }

    #[test]
    fn fill_text_reads_on_every_fill_and_light_buttons_show_their_edge() {
        for theme in THEMES {
            let p = palette_of(theme);
            for (n, f) in [
                ("green", p.green_fill),
                ("amber", p.amber_fill),
                ("red", p.red_fill),
                ("blue", p.blue_fill),
                ("grey", p.grey_fill),
            ] {
                // Badges, main buttons, the keypad's Aceptar and the keys' Listo.
                let r = contrast(p.on_fill, f);
                assert!(r >= 4.5, "{theme:?}: text on {n} fill: {r:.2}:1");
            }
        }
        // The light theme's grey buttons are close to its panel: their edge is drawn, at
        // least 3:1 against it (WCAG 1.4.11, non-text contrast).
        let v = styled(ScreenTheme::LightHighContrast).visuals;
        let edge = contrast(v.widgets.inactive.bg_stroke.color, v.panel_fill);
        assert!(edge >= 3.0, "light button outline {edge:.2}:1");
    }

    #[test]
    fn the_palette_follows_the_context_theme_and_fills_map() {
        let ctx = egui::Context::default();
        install(&ctx);
        set_theme(&ctx, ScreenTheme::LightHighContrast);
        begin_frame(&ctx);
        assert_eq!(palette(), &LIGHT);
        assert_eq!(fill_of(red()), LIGHT.red_fill);
        assert_eq!(ctx.global_style().visuals.panel_fill, LIGHT.panel);
        set_theme(&ctx, ScreenTheme::Dark);
        begin_frame(&ctx);
        assert_eq!(palette(), &DARK);
        assert_eq!(fill_of(red()), DARK.red_fill);
        assert_eq!(ctx.global_style().visuals.panel_fill, DARK.panel);
        // The measure itself: black on white is 21:1, a colour on itself 1:1.
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
        assert!((contrast(DARK.red, DARK.red) - 1.0).abs() < 0.001);
    }

    #[test]
    fn bigger_windows_magnify_and_small_ones_do_not() {
        assert_eq!(zoom_for(vec2(1024.0, 768.0)), 1.0);
        assert_eq!(zoom_for(vec2(1280.0, 800.0)), 1.0);
        assert_eq!(zoom_for(vec2(1366.0, 768.0)), 1.0);
        assert!((zoom_for(vec2(1920.0, 1080.0)) - 1.35).abs() < 1e-4);
        assert!((zoom_for(vec2(1920.0, 1200.0)) - 1.5).abs() < 1e-4);
        assert_eq!(zoom_for(vec2(800.0, 600.0)), 1.0);
        assert_eq!(zoom_for(vec2(5120.0, 2880.0)), 2.0);
    }
}

//! Small touch widgets shared by the panels: labelled fields (every input gets an
//! accessible name), big buttons, badges and the one-line message strip.

use crate::ui::{osk, theme};
use egui::{Button, Color32, Response, RichText, TextEdit, Ui, vec2};

/// A label above a single-line field; the field is named by the label for screen
/// readers and for the UI tests.
pub(super) fn field(ui: &mut Ui, label: &str, text: &mut String, width: f32) -> Response {
    labelled_above(ui, label, TextEdit::singleline(text), width)
}

/// No field takes more than this many characters (a paste of a whole document stops
/// here); each record's own limits (`motordesk_core::limits`) are checked on save.
const FIELD_CHAR_LIMIT: usize = motordesk_core::MAX_DESCRIPTION;

/// In a wrapping row, starts a new row when a labelled field of `width` no longer fits:
/// egui gives a group what is left of the row instead of wrapping it, which squeezed
/// Año to 24 px at 1024×768.
fn wrap_before(ui: &mut Ui, width: f32) {
    if ui.layout().main_wrap
        && ui.layout().is_horizontal()
        && ui.available_size_before_wrap().x < width + 16.0
    {
        ui.end_row();
    }
}

fn labelled_above(ui: &mut Ui, label: &str, edit: TextEdit<'_>, width: f32) -> Response {
    wrap_before(ui, width);
    ui.vertical(|ui| {
        ui.spacing_mut().item_spacing.y = 4.0;
        let l = ui.label(label);
        let r = ui
            .add(
                edit.desired_width(width)
                    .margin(vec2(8.0, 10.0))
                    .char_limit(FIELD_CHAR_LIMIT),
            )
            .labelled_by(l.id);
        osk::attach(ui, &r, label);
        r
    })
    .inner
}

/// `field` with the on-screen keys chosen by the caller instead of by the label.
pub(super) fn field_keys(
    ui: &mut Ui,
    label: &str,
    text: &mut String,
    width: f32,
    keys: osk::KeyLayout,
) -> Response {
    wrap_before(ui, width);
    ui.vertical(|ui| {
        ui.spacing_mut().item_spacing.y = 4.0;
        let l = ui.label(label);
        let r = ui
            .add(
                TextEdit::singleline(text)
                    .desired_width(width)
                    .margin(vec2(8.0, 10.0))
                    .char_limit(FIELD_CHAR_LIMIT),
            )
            .labelled_by(l.id);
        osk::attach_with(ui, &r, label, keys);
        r
    })
    .inner
}

/// A label to the left of a single-line field, for compact rows.
pub(super) fn inline_field(ui: &mut Ui, label: &str, text: &mut String, width: f32) -> Response {
    let l = ui.label(label);
    let r = ui
        .add(
            TextEdit::singleline(text)
                .desired_width(width)
                .margin(vec2(8.0, 10.0))
                .char_limit(FIELD_CHAR_LIMIT),
        )
        .labelled_by(l.id);
    osk::attach(ui, &r, label);
    r
}

/// Width of the ✕ that empties a search box.
const CLEAR_W: f32 = 52.0;

/// A search box: a field with its label above and a ✕ beside it that empties it.
pub(super) fn search_field(ui: &mut Ui, label: &str, text: &mut String, width: f32) -> Response {
    ui.vertical(|ui| {
        ui.spacing_mut().item_spacing.y = 4.0;
        let l = ui.label(label);
        ui.horizontal(|ui| {
            let w = (width - CLEAR_W - ui.spacing().item_spacing.x).max(80.0);
            let r = ui
                .add(
                    TextEdit::singleline(text)
                        .desired_width(w)
                        .margin(vec2(8.0, 10.0))
                        .char_limit(FIELD_CHAR_LIMIT),
                )
                .labelled_by(l.id);
            osk::attach(ui, &r, label);
            clear_button(ui, label, text);
            r
        })
        .inner
    })
    .inner
}

/// A search box with its label to the left, for compact rows.
pub(super) fn inline_search(ui: &mut Ui, label: &str, text: &mut String, width: f32) -> Response {
    let r = inline_field(ui, label, text, width);
    clear_button(ui, label, text);
    r
}

/// The ✕ of a search box; named after its box so two on a screen stay apart.
fn clear_button(ui: &mut Ui, label: &str, text: &mut String) {
    let b = ui.add_enabled(
        !text.is_empty(),
        Button::new(RichText::new("✕").size(22.0)).min_size(vec2(CLEAR_W, theme::TOUCH)),
    );
    let name = format!("Vaciar: {label}");
    b.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, !text.is_empty(), &name));
    if b.clicked() {
        text.clear();
    }
}

/// A password field with its label above.
pub(super) fn password(ui: &mut Ui, label: &str, text: &mut String, width: f32) -> Response {
    labelled_above(ui, label, TextEdit::singleline(text).password(true), width)
}

/// A wide, tall button for the main actions.
pub(super) fn big_button(ui: &mut Ui, text: &str, fill: Option<Color32>, width: f32) -> Response {
    let mut b = Button::new(
        RichText::new(text)
            .size(22.0)
            .strong()
            .color(if fill.is_some() {
                theme::on_fill()
            } else {
                ui.visuals().text_color()
            }),
    )
    .min_size(vec2(width, 60.0));
    if let Some(f) = fill {
        // White text: the darker fill of the tone.
        b = b.fill(theme::fill_of(f));
    }
    ui.add(b)
}

/// A toggle button: one of a group of choices.
pub(super) fn choice(ui: &mut Ui, selected: bool, text: &str) -> Response {
    ui.add(
        Button::selectable(selected, RichText::new(text))
            .min_size(vec2(theme::TOUCH, theme::TOUCH)),
    )
}

/// The word for `n` things, so a count never reads "1 vehículos": `one` for exactly 1,
/// `many` otherwise (Spanish says "0 comprobantes").
pub(super) fn noun<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// A coloured status pill.
pub(super) fn badge(ui: &mut Ui, text: &str, colour: Color32) -> Response {
    let galley_text = RichText::new(text)
        .color(theme::on_fill())
        .strong()
        .size(16.0);
    egui::Frame::new()
        .fill(theme::fill_of(colour))
        .corner_radius(6.0)
        .inner_margin(vec2(8.0, 3.0))
        .show(ui, |ui| ui.label(galley_text))
        .inner
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tone {
    Info,
    Ok,
    Warn,
    Error,
}

/// A message for the person: Spanish text and how loud it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Msg {
    pub tone: Tone,
    pub text: String,
}

impl Msg {
    pub(super) fn ok(text: impl Into<String>) -> Msg {
        Msg {
            tone: Tone::Ok,
            text: text.into(),
        }
    }
    pub(super) fn info(text: impl Into<String>) -> Msg {
        Msg {
            tone: Tone::Info,
            text: text.into(),
        }
    }
    pub(super) fn warn(text: impl Into<String>) -> Msg {
        Msg {
            tone: Tone::Warn,
            text: text.into(),
        }
    }
    pub(super) fn error(text: impl Into<String>) -> Msg {
        Msg {
            tone: Tone::Error,
            text: text.into(),
        }
    }
}

/// An error that can tell the person what went wrong, in Spanish (`Display` stays
/// English, for the log). Lets one helper show any failed job (`Job::poll_ok`).
pub(super) trait Mensaje {
    fn mensaje(&self) -> String;
}

impl Mensaje for crate::store::StoreError {
    fn mensaje(&self) -> String {
        crate::store::StoreError::mensaje(self)
    }
}

impl Mensaje for crate::sync::SyncError {
    fn mensaje(&self) -> String {
        crate::sync::SyncError::mensaje(self)
    }
}

impl Mensaje for motordesk_core::DomainError {
    fn mensaje(&self) -> String {
        motordesk_core::DomainError::mensaje(self)
    }
}

pub(super) fn tone_colour(tone: Tone) -> Color32 {
    match tone {
        Tone::Info => theme::blue(),
        Tone::Ok => theme::green(),
        Tone::Warn => theme::amber(),
        Tone::Error => theme::red(),
    }
}

/// Shows a message strip (wrapping, coloured).
pub(super) fn message(ui: &mut Ui, msg: &Msg) {
    let c = tone_colour(msg.tone);
    egui::Frame::new()
        .stroke(egui::Stroke::new(2.0, c))
        .corner_radius(6.0)
        .inner_margin(vec2(10.0, 6.0))
        .show(ui, |ui| {
            ui.add(egui::Label::new(RichText::new(&msg.text).color(c).strong()).wrap());
        });
}

/// Shows an optional message.
pub(super) fn maybe_message(ui: &mut Ui, msg: &Option<Msg>) {
    if let Some(m) = msg {
        message(ui, m);
    }
}

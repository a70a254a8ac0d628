//! The on-screen keyboard: a kiosk has no physical keyboard, and the system's soft
//! keyboard is small, English and covers the field. When a text field has focus (and the
//! kiosk is in touch mode) a panel along the bottom of the window shows the keys for
//! that field: Spanish QWERTY with Ñ and accented vowels, digits for DNI/RUC, phones,
//! years and km, digits and "/" for dates, and letters + digits + dash for plates.
//!
//! How a key reaches the field: touching a key makes the focused field lose focus (egui
//! drops focus on a click elsewhere), so the keyboard remembers the field, and at the start
//! of the next frame gives it the focus back and feeds the key to egui's input as the
//! same `Event::Text` / `Event::Key` a physical keyboard would send. The field's cursor,
//! selection, character limit and Enter handling therefore work exactly as with a real
//! keyboard, and no panel needs to know the keyboard exists.
//!
//! Fields announce themselves through `widgets` (`attach`), which also picks the layout
//! from the field's label (`KeyLayout::for_label`).

use egui::{Button, Event, Id, Key, Modifiers, RichText, Ui, vec2};

/// Which keys a field gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyLayout {
    /// Spanish QWERTY with Ñ, accented vowels, digits and a few signs.
    Text,
    /// Digits only: DNI, RUC, phone, year, km, ubigeo.
    Numeric,
    /// Digits and "/": dd/mm/aaaa.
    Date,
    /// Upper-case letters, digits and the dash of a Peruvian plate.
    Plate,
}

impl KeyLayout {
    /// The layout a field gets from its visible label. Search boxes always get the full
    /// keyboard (a customer search takes a name or a DNI).
    pub(super) fn for_label(label: &str) -> KeyLayout {
        let l = motordesk_core::fold(label.trim());
        if l.starts_with("buscar") {
            return KeyLayout::Text;
        }
        if l.contains("placa") {
            return KeyLayout::Plate;
        }
        if l.contains("dd/mm/aaaa") {
            return KeyLayout::Date;
        }
        const NUMERIC_START: [&str; 7] = [
            "dni",
            "ruc",
            "telefono",
            "ano",
            "kilometraje",
            "nuevo kilometraje",
            "ubigeo",
        ];
        if NUMERIC_START.iter().any(|s| {
            l.strip_prefix(s)
                .is_some_and(|rest| rest.is_empty() || !rest.starts_with(char::is_alphabetic))
        }) || l.ends_with("(km)")
        {
            return KeyLayout::Numeric;
        }
        KeyLayout::Text
    }
}

/// One key: what it shows and how many key widths it takes.
#[derive(Debug, Clone, Copy, PartialEq)]
struct KeyDef {
    key: OskKey,
    units: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OskKey {
    /// Types this text (letters follow Mayús).
    Char(&'static str),
    Backspace,
    /// Empties the field (select all + delete).
    Clear,
    Shift,
    Space,
    /// Enter: ends the field (the login form logs in on it).
    Done,
}

impl OskKey {
    /// Accessible name: "Tecla A", "Tecla Borrar"… so tests and screen readers can tell
    /// a key from a button with the same text elsewhere on the screen.
    fn name(self, upper: bool) -> String {
        match self {
            OskKey::Char(c) => format!("Tecla {}", shown(c, upper)),
            OskKey::Backspace => "Tecla Borrar".into(),
            OskKey::Clear => "Tecla Limpiar".into(),
            OskKey::Shift => "Tecla Mayúsculas".into(),
            OskKey::Space => "Tecla Espacio".into(),
            OskKey::Done => "Tecla Listo".into(),
        }
    }

    fn face(self, upper: bool) -> String {
        match self {
            OskKey::Char(c) => shown(c, upper),
            OskKey::Backspace => "⌫".into(),
            OskKey::Clear => "Limpiar".into(),
            OskKey::Shift => "Mayús".into(),
            OskKey::Space => "Espacio".into(),
            OskKey::Done => "Listo".into(),
        }
    }
}

fn shown(c: &str, upper: bool) -> String {
    if upper {
        c.to_uppercase()
    } else {
        c.to_string()
    }
}

const fn k(c: &'static str) -> KeyDef {
    KeyDef {
        key: OskKey::Char(c),
        units: 1.0,
    }
}

const fn wide(key: OskKey, units: f32) -> KeyDef {
    KeyDef { key, units }
}

const TEXT_ROWS: [&[KeyDef]; 5] = [
    &[
        k("1"),
        k("2"),
        k("3"),
        k("4"),
        k("5"),
        k("6"),
        k("7"),
        k("8"),
        k("9"),
        k("0"),
        wide(OskKey::Backspace, 2.0),
    ],
    &[
        k("q"),
        k("w"),
        k("e"),
        k("r"),
        k("t"),
        k("y"),
        k("u"),
        k("i"),
        k("o"),
        k("p"),
        k("á"),
        k("é"),
    ],
    &[
        k("a"),
        k("s"),
        k("d"),
        k("f"),
        k("g"),
        k("h"),
        k("j"),
        k("k"),
        k("l"),
        k("ñ"),
        k("í"),
        k("ó"),
    ],
    &[
        wide(OskKey::Shift, 2.0),
        k("z"),
        k("x"),
        k("c"),
        k("v"),
        k("b"),
        k("n"),
        k("m"),
        k(","),
        k("."),
        k("ú"),
    ],
    &[
        k("@"),
        k("ü"),
        k("/"),
        wide(OskKey::Space, 6.0),
        k("-"),
        wide(OskKey::Done, 2.0),
    ],
];

const PLATE_ROWS: [&[KeyDef]; 4] = [
    &[
        k("1"),
        k("2"),
        k("3"),
        k("4"),
        k("5"),
        k("6"),
        k("7"),
        k("8"),
        k("9"),
        k("0"),
        wide(OskKey::Backspace, 2.0),
    ],
    &[
        k("Q"),
        k("W"),
        k("E"),
        k("R"),
        k("T"),
        k("Y"),
        k("U"),
        k("I"),
        k("O"),
        k("P"),
        k("-"),
    ],
    &[
        k("A"),
        k("S"),
        k("D"),
        k("F"),
        k("G"),
        k("H"),
        k("J"),
        k("K"),
        k("L"),
        wide(OskKey::Clear, 2.0),
    ],
    &[
        k("Z"),
        k("X"),
        k("C"),
        k("V"),
        k("B"),
        k("N"),
        k("M"),
        wide(OskKey::Done, 3.0),
    ],
];

const NUMERIC_ROWS: [&[KeyDef]; 4] = [
    &[k("7"), k("8"), k("9"), wide(OskKey::Backspace, 1.0)],
    &[k("4"), k("5"), k("6"), wide(OskKey::Clear, 1.0)],
    &[k("1"), k("2"), k("3"), wide(OskKey::Done, 1.0)],
    &[wide(OskKey::Char("0"), 3.0)],
];

const DATE_ROWS: [&[KeyDef]; 4] = [
    &[k("7"), k("8"), k("9"), wide(OskKey::Backspace, 1.0)],
    &[k("4"), k("5"), k("6"), wide(OskKey::Clear, 1.0)],
    &[k("1"), k("2"), k("3"), wide(OskKey::Done, 1.0)],
    &[k("/"), wide(OskKey::Char("0"), 2.0)],
];

impl KeyLayout {
    fn rows(self) -> &'static [&'static [KeyDef]] {
        match self {
            KeyLayout::Text => &TEXT_ROWS,
            KeyLayout::Numeric => &NUMERIC_ROWS,
            KeyLayout::Date => &DATE_ROWS,
            KeyLayout::Plate => &PLATE_ROWS,
        }
    }

    /// Key width in units across the widest row, and the widest a key may get (digit
    /// pads stay a compact block instead of stretching over a 1920 px screen).
    fn max_key_width(self) -> f32 {
        match self {
            KeyLayout::Text | KeyLayout::Plate => 96.0,
            KeyLayout::Numeric | KeyLayout::Date => 120.0,
        }
    }
}

/// What a focused field tells the keyboard each frame.
#[derive(Debug, Clone)]
struct FocusedField {
    id: Id,
    layout: KeyLayout,
    label: String,
}

fn focused_key() -> Id {
    Id::unique("osk_focused_field")
}

fn scroll_key() -> Id {
    Id::unique("osk_scroll_to_field")
}

/// Called by every labelled text field after it is added: a focused field registers
/// itself (with its layout) for the keyboard, and is scrolled into view when the
/// keyboard has just opened over it.
pub(super) fn attach(ui: &Ui, response: &egui::Response, label: &str) {
    attach_with(ui, response, label, KeyLayout::for_label(label));
}

/// `attach` for a field whose keys depend on more than its label (a document number
/// is digits for a DNI or RUC, letters too for a passport).
pub(super) fn attach_with(ui: &Ui, response: &egui::Response, label: &str, layout: KeyLayout) {
    if !response.has_focus() {
        return;
    }
    let field = FocusedField {
        id: response.id,
        layout,
        label: label.to_string(),
    };
    let (known, scroll) = ui.ctx().data_mut(|d| {
        let known = d.get_temp::<FocusedField>(focused_key()).map(|f| f.id) == Some(field.id);
        d.insert_temp(focused_key(), field);
        let scroll = d.get_temp::<Id>(scroll_key()) == Some(response.id);
        if scroll {
            d.remove::<Id>(scroll_key());
        }
        (known, scroll)
    });
    if !known {
        // The keyboard is drawn before the fields: it shows on the next frame.
        ui.ctx().request_repaint();
    }
    if scroll {
        response.scroll_to_me(Some(egui::Align::Center));
    }
}

/// The keyboard's own state: on or off, Mayús, and the key waiting for the next frame.
#[derive(Debug, Default)]
pub(super) struct OnScreenKeyboard {
    pub enabled: bool,
    shift: bool,
    /// The field a key was touched for, and what to feed it next frame.
    /// `None` as the field: leave it unfocused (Listo).
    pending: Option<(Option<Id>, Vec<Event>)>,
    /// The field the keyboard is open for (to scroll it into view once).
    open_for: Option<Id>,
    /// A field typed into from a physical keyboard (or a scanner): the on-screen one
    /// stays closed for it until another field is touched.
    typed_physically: Option<Id>,
}

impl OnScreenKeyboard {
    pub(super) fn new(enabled: bool) -> OnScreenKeyboard {
        OnScreenKeyboard {
            enabled,
            ..OnScreenKeyboard::default()
        }
    }

    /// Call first in the frame, before any other panel: feeds last frame's key to its
    /// field, then draws the keyboard along the bottom when a field has focus.
    pub(super) fn ui(&mut self, ui: &mut Ui) {
        let field = self.field_to_serve(ui.ctx());
        let panel = egui::Panel::bottom("on_screen_keyboard").resizable(false);
        let Some(field) = field else {
            // An empty panel when closed, so the window's widgets keep their places in
            // egui's automatic id sequence: if opening the keyboard changed the ids of
            // the fields after it, the focused field would lose its focus right away.
            panel
                .frame(egui::Frame::NONE)
                .show_separator_line(false)
                .exact_size(0.0)
                .show(ui, |_| {});
            return;
        };
        let ctx = ui.ctx().clone();
        let key_h = if ctx.content_rect().height() < 800.0 {
            50.0
        } else {
            58.0
        };
        panel
            .frame(
                egui::Frame::side_top_panel(ui.style())
                    .inner_margin(vec2(10.0, 8.0))
                    .fill(ui.visuals().faint_bg_color),
            )
            .show(ui, |ui| {
                ui.spacing_mut().item_spacing = vec2(6.0, 6.0);
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(format!("Escribiendo: {}", field.label))
                            .size(16.0)
                            .weak(),
                    );
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        let b = ui.add(
                            Button::new(RichText::new("Ocultar teclado").size(16.0))
                                .min_size(vec2(150.0, 36.0)),
                        );
                        if b.clicked() {
                            // Leaving the field closes the keyboard; nothing is typed.
                            ctx.memory_mut(|m| m.surrender_focus(field.id));
                            self.open_for = None;
                        }
                    });
                });
                self.keys(ui, &field, key_h);
            });
    }

    /// Feeds last frame's key to its field, and says which field the keyboard serves
    /// now (none: closed).
    fn field_to_serve(&mut self, ctx: &egui::Context) -> Option<FocusedField> {
        // Keys that did not come from this keyboard (checked before its own are added).
        let physical = ctx.input(|i| {
            i.events.iter().any(|e| {
                matches!(e, Event::Text(_) | Event::Paste(_))
                    || matches!(e, Event::Key { pressed: true, .. })
            })
        });
        if let Some((id, events)) = self.pending.take() {
            if let Some(id) = id {
                ctx.memory_mut(|m| m.request_focus(id));
            }
            ctx.input_mut(|i| i.events.extend(events));
        }
        if !self.enabled {
            self.open_for = None;
            return None;
        }
        let focused = ctx.memory(|m| m.focused());
        let Some(field) = ctx
            .data(|d| d.get_temp::<FocusedField>(focused_key()))
            .filter(|f| Some(f.id) == focused)
        else {
            // Forget the field, so touching it again opens the keyboard at once.
            ctx.data_mut(|d| d.remove::<FocusedField>(focused_key()));
            self.open_for = None;
            self.shift = false;
            self.typed_physically = None;
            return None;
        };
        if physical {
            self.typed_physically = Some(field.id);
        }
        if self.typed_physically == Some(field.id) {
            self.open_for = None;
            return None;
        }
        if self.open_for != Some(field.id)
            && ctx.input(|i| i.pointer.any_down() || i.pointer.any_released())
        {
            // Opening moves the content; the finger still on the field would lift
            // beside it, which egui takes as a touch elsewhere. Open on the next frame.
            ctx.request_repaint();
            return None;
        }
        if self.open_for != Some(field.id) {
            // The panel below the content shrinks it: bring the field back into view.
            self.open_for = Some(field.id);
            ctx.data_mut(|d| d.insert_temp(scroll_key(), field.id));
            ctx.request_repaint();
        }
        Some(field)
    }

    fn keys(&mut self, ui: &mut Ui, field: &FocusedField, key_h: f32) {
        let rows = field.layout.rows();
        let units = rows
            .iter()
            .map(|r| r.iter().map(|k| k.units).sum::<f32>())
            .fold(0.0, f32::max);
        let gap = ui.spacing().item_spacing.x;
        let key_w = ((ui.available_width() - gap * (units - 1.0)) / units)
            .min(field.layout.max_key_width())
            .floor();
        let upper = self.shift || field.layout == KeyLayout::Plate;
        let block_w = key_w * units + gap * (units - 1.0);
        let indent = ((ui.available_width() - block_w) / 2.0).max(0.0);
        for row in rows {
            ui.horizontal(|ui| {
                ui.add_space(indent);
                for def in row.iter() {
                    let w = key_w * def.units + gap * (def.units - 1.0);
                    let face = def.key.face(upper);
                    let size = if face.chars().count() == 1 {
                        26.0
                    } else {
                        18.0
                    };
                    let mut text = RichText::new(face).size(size);
                    if matches!(def.key, OskKey::Char(_)) {
                        text = text.strong();
                    }
                    let button = match def.key {
                        OskKey::Shift => Button::new(text).selected(self.shift),
                        OskKey::Done => {
                            Button::new(text.strong().color(crate::ui::theme::on_fill()))
                                .fill(crate::ui::theme::blue_fill())
                        }
                        _ => Button::new(text),
                    }
                    .min_size(vec2(w, key_h));
                    let r = ui.add(button);
                    let name = def.key.name(upper);
                    r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
                    if r.clicked() {
                        self.press(ui.ctx(), field, def.key, upper);
                    }
                }
            });
        }
    }

    /// One key: what the field will receive next frame.
    fn press(&mut self, ctx: &egui::Context, field: &FocusedField, key: OskKey, upper: bool) {
        let key_event = |key: Key, modifiers: Modifiers| Event::Key {
            key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers,
        };
        let events = match key {
            OskKey::Char(c) => {
                self.shift = false;
                vec![Event::Text(shown(c, upper))]
            }
            OskKey::Space => vec![Event::Text(" ".into())],
            OskKey::Backspace => vec![key_event(Key::Backspace, Modifiers::NONE)],
            OskKey::Clear => vec![
                key_event(Key::A, Modifiers::COMMAND),
                key_event(Key::Backspace, Modifiers::NONE),
            ],
            OskKey::Shift => {
                self.shift = !self.shift;
                Vec::new()
            }
            OskKey::Done => {
                // Listo ends the field: it stays without focus (the touch already took
                // it), and the Enter still reaches whoever waits for it (login, the
                // product search), which look for a field that just lost focus + Enter.
                self.pending = Some((None, vec![key_event(Key::Enter, Modifiers::NONE)]));
                ctx.request_repaint();
                return;
            }
        };
        self.pending = Some((Some(field.id), events));
        ctx.request_repaint();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_follow_the_field_labels() {
        use KeyLayout::*;
        let cases = [
            ("Placa", Plate),
            ("Año", Numeric),
            ("Kilometraje inicial", Numeric),
            ("Nuevo kilometraje", Numeric),
            ("Cambio de aceite cada (km)", Numeric),
            ("DNI/RUC del propietario", Numeric),
            ("RUC del emisor", Numeric),
            ("Teléfono", Numeric),
            ("Teléfono del local", Numeric),
            ("Ubigeo", Numeric),
            ("SOAT vence (dd/mm/aaaa)", Date),
            ("Revisión técnica vence (dd/mm/aaaa)", Date),
            // Text, although they mention a number or a document.
            ("Buscar cliente (nombre, DNI o RUC)", Text),
            ("Buscar placa, marca o propietario", Text),
            ("Usuario SOL (sin el RUC)", Text),
            ("Razón social", Text),
            ("Anotaciones", Text),
            ("Número de documento", Text),
            ("Contraseña", Text),
        ];
        for (label, want) in cases {
            assert_eq!(KeyLayout::for_label(label), want, "{label}");
        }
    }

    #[test]
    fn every_row_fits_the_widest_and_keys_have_distinct_names() {
        for layout in [
            KeyLayout::Text,
            KeyLayout::Numeric,
            KeyLayout::Date,
            KeyLayout::Plate,
        ] {
            let mut names = std::collections::HashSet::new();
            for upper in [false, true] {
                names.clear();
                for row in layout.rows() {
                    for def in row.iter() {
                        assert!(
                            names.insert(def.key.name(upper)),
                            "{layout:?}: {} twice",
                            def.key.name(upper)
                        );
                    }
                }
            }
            // Spanish text needs these.
            if layout == KeyLayout::Text {
                for c in ["Ñ", "Á", "É", "Í", "Ó", "Ú", "Ü", "@"] {
                    assert!(names.contains(&format!("Tecla {c}")), "missing {c}");
                }
            }
        }
    }
}

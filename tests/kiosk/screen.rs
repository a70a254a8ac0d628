//! Steps shared by every flow driven through the kiosk's window (egui_kittest, headless,
//! no GPU): one copy of how a harness is built, how a flow waits for worker threads,
//! how it finds text, touches buttons and types into fields, and the Comprobantes steps
//! several files take (open a document, Reimprimir, type a void's reason). The shop a
//! flow starts from is in `fixtures.rs`; the on-screen keys in `touch_keyboard.rs`.

use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use motordesk::ui::KioskApp;
use std::time::Duration;

/// The kiosk's window at `size` (logical points). `run()` may take up to 20 frames to
/// settle: a worker's answer repaints a few frames after a tap.
pub fn harness(app: KioskApp, size: (f32, f32)) -> Harness<'static, KioskApp> {
    Harness::builder()
        .with_size(vec2(size.0, size.1))
        .with_max_steps(20)
        .build_ui_state(|ui, app: &mut KioskApp| app.ui(ui), app)
}

/// The kiosk's window at `pixels` on a 1:1 display, as eframe drives it: the first frame
/// picks the magnification for the window (1920x1080 → 1.35), and from then on the
/// window's content in points is its pixels divided by it, as egui-winit computes it
/// (kittest takes the size in points and would not divide).
pub fn harness_px(app: KioskApp, pixels: (f32, f32)) -> Harness<'static, KioskApp> {
    let mut h = harness(app, pixels);
    // The zoom chosen in one frame takes effect at the start of the next.
    h.run_steps(2);
    let zoom = h.ctx.zoom_factor();
    h.set_size(vec2(pixels.0, pixels.1) / zoom);
    h.run();
    h
}

/// Steps frames until `cond` holds: workers (store, sync, SUNAT sending) answer
/// asynchronously. Bounded, so a broken flow fails instead of hanging; the sleep only
/// yields to the workers (sending to the stand-in runs SUNAT's rules, hence the bound).
pub fn wait_for(
    h: &mut Harness<'static, KioskApp>,
    what: &str,
    cond: impl Fn(&Harness<'static, KioskApp>) -> bool,
) {
    for _ in 0..3000 {
        h.step();
        if cond(h) {
            h.step();
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("timed out waiting for {what}");
}

/// Waits until some widget's label contains `text`.
pub fn wait_for_text(h: &mut Harness<'static, KioskApp>, text: &str) {
    wait_for(h, text, |h| has(h, text));
}

pub fn has(h: &Harness<'static, KioskApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// Touches the text field `label` and types `text` as a physical keyboard would (the
/// on-screen keys' own steps are in `touch_keyboard.rs`).
pub fn type_into(h: &mut Harness<'static, KioskApp>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

/// Touches the text field `label`, selects all its text and types `text` over it.
pub fn replace_text(h: &mut Harness<'static, KioskApp>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

/// Scrolls the widget labelled `label` into view and touches it.
pub fn click(h: &mut Harness<'static, KioskApp>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run_steps(4);
    h.get_by_label(label).click();
    h.run_steps(4);
}

/// The button whose text contains `text` (a quick key shows name and price).
fn button_with<'h>(h: &'h Harness<'static, KioskApp>, text: &'h str) -> egui_kittest::Node<'h> {
    h.get_all_by_label_contains(text)
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::Button)
        .unwrap_or_else(|| panic!("no button with {text:?}"))
}

/// Touches the button whose text contains `text` and lets the screen settle.
pub fn press(h: &mut Harness<'static, KioskApp>, text: &str) {
    button_with(h, text).click();
    h.run();
}

/// Touches a button that starts worker jobs: their answers repaint at moments `run()`
/// cannot predict, so step a few frames and let `wait_for` watch for the result.
pub fn tap(h: &mut Harness<'static, KioskApp>, text: &str) {
    button_with(h, text).click();
    h.run_steps(3);
}

/// In Comprobantes: waits until the list shows `number` and opens that document.
pub fn open_document(h: &mut Harness<'static, KioskApp>, number: &str) {
    wait_for(h, "documents list", |h| has(h, number));
    h.get_by_label(number).click();
}

/// In an open document: waits for its detail and touches Reimprimir (the button, not a
/// text that says the word).
pub fn reprint(h: &mut Harness<'static, KioskApp>) {
    wait_for(h, "document detail", |h| has(h, "Reimprimir"));
    h.get_all_by_label("Reimprimir")
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::Button)
        .unwrap()
        .click();
}

/// In the void form of an open document: types `reason` into «Motivo de la anulación».
pub fn type_void_reason(h: &mut Harness<'static, KioskApp>, reason: &str) {
    click(h, "Motivo de la anulación");
    h.get_by_label("Motivo de la anulación").type_text(reason);
    h.run_steps(4);
}

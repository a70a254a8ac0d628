//! The manager's PIN pad: a numeric keypad whose digits show as dots, opened when an
//! action needs a manager (credit note, voiding, shift close). It only collects the PIN;
//! the store checks it (`Store::approve`, or inside the action itself), counts wrong
//! ones and says who approved.

use crate::store::ApprovalAction;
use crate::ui::keypad::{Keypad, KeypadOutcome};

#[derive(Default)]
pub(super) struct PinPad {
    open: Option<(ApprovalAction, Keypad)>,
}

impl PinPad {
    /// Opens the pad for `action`.
    pub(super) fn ask(&mut self, action: ApprovalAction) {
        let title = format!("PIN de administrador: {}", action.label());
        self.open = Some((action, Keypad::new(title, "", false).masked()));
    }

    /// Draws the pad while open; once accepted, the action and the PIN typed.
    pub(super) fn show(&mut self, ctx: &egui::Context) -> Option<(ApprovalAction, String)> {
        let (action, pad) = self.open.as_mut()?;
        let action = *action;
        let outcome = pad.show(ctx)?;
        self.open = None;
        match outcome {
            KeypadOutcome::Accept(pin) => Some((action, pin)),
            KeypadOutcome::Cancel => None,
        }
    }
}

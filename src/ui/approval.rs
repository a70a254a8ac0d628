//! The manager's PIN pad: a numeric keypad whose digits show as dots, opened when an
//! action needs a manager (credit note, voiding, shift close). It only collects the PIN;
//! the store checks it (`Store::approve`, or inside the action itself), counts wrong
//! ones and says who approved.

use crate::store::{Approval, ApprovalAction, StoreResult};
use crate::ui::keypad::{Keypad, KeypadOutcome};
use crate::ui::session::Session;
use crate::ui::widgets::Msg;
use crate::ui::worker::Job;

#[derive(Default)]
pub(super) struct PinPad {
    open: Option<(ApprovalAction, Keypad)>,
}

impl PinPad {
    /// Opens the pad for `action`.
    pub(super) fn ask(&mut self, action: ApprovalAction) {
        // One line over the keypad (292 px): "PIN: Cierre de caja".
        let title = format!("PIN: {}", action.label());
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

/// The PIN pad and the check of what was typed, for actions the store does not check
/// itself (the approval is then carried with the action).
#[derive(Default)]
pub(super) struct Approver {
    pad: PinPad,
    job: Job<StoreResult<Approval>>,
}

impl Approver {
    pub(super) fn ask(&mut self, action: ApprovalAction) {
        self.pad.ask(action);
    }

    /// The pad is open or the PIN is being checked.
    pub(super) fn waiting(&self) -> bool {
        self.pad.open.is_some() || self.job.busy()
    }

    /// Draws the pad, checks an accepted PIN on a worker, and returns the approval once
    /// it arrives (a refusal goes to `msg`).
    pub(super) fn ui(
        &mut self,
        ctx: &egui::Context,
        s: &Session,
        msg: &mut Option<Msg>,
    ) -> Option<Approval> {
        if let Some((action, pin)) = self.pad.show(ctx) {
            let store = s.store.clone();
            self.job.start(ctx, move || store.approve(&pin, action));
        }
        self.job.poll_ok(msg)
    }
}

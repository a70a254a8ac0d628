//! The manager's PIN pad: a numeric keypad whose digits show as dots, opened when an
//! action needs a manager (credit note, voiding, shift close). It only collects the PIN;
//! the store checks it (`Store::approve`, or inside the action itself), counts wrong
//! ones and says who approved.

use crate::store::{Approval, ApprovalAction, ApprovalRequest, StoreResult};
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

/// The PIN pad and the check of what was typed, for actions whose store call takes the
/// approval (`Store::approve` makes it; the issue spends it once).
#[derive(Default)]
pub(super) struct Approver {
    pad: PinPad,
    request: Option<ApprovalRequest>,
    job: Job<StoreResult<Approval>>,
}

impl Approver {
    /// Opens the pad for `request` (the action, its document and amount).
    pub(super) fn ask(&mut self, request: ApprovalRequest) {
        self.pad.ask(request.action);
        self.request = Some(request);
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
        if let Some((_, pin)) = self.pad.show(ctx)
            && let Some(request) = self.request.take()
        {
            let store = s.store.clone();
            self.job.start(ctx, move || store.approve(&pin, request));
        }
        self.job.poll_ok(msg)
    }
}

//! End-of-shift close: a cashier may not close while sales are still on the device only;
//! an administrator may, with a written reason that is kept.

use crate::store::Store;
use crate::store::error::{ShiftRefusal, StoreError, StoreResult};
use crate::store::tables::{META, SETTINGS};
use chrono::{DateTime, Utc};
use motordesk_core::DocumentKind;
use motordesk_core::Role;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftReport {
    pub account: String,
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: DateTime<Utc>,
    pub documents: u64,
    /// Sales total (credit notes subtract).
    pub total: Decimal,
    /// Records not yet on the server at close time.
    pub unsynced: u64,
    pub override_reason: Option<String>,
}

impl Store {
    fn last_shift_close(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let r = self.db().begin_read()?;
        let meta = r.open_table(META)?;
        Ok(meta
            .get("last_shift_close")?
            .and_then(|v| serde_json::from_slice(v.value()).ok()))
    }

    /// Closes the shift: everything since the previous close. Refuses (with
    /// `StoreError::ShiftRefused`) while records are unsynced, unless an administrator
    /// gives a reason.
    pub fn close_shift(&self, override_reason: Option<String>) -> StoreResult<ShiftReport> {
        let unsynced = self.sync_counts()?.unsynced();
        let reason = override_reason
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        if unsynced > 0 {
            let is_admin = self
                .user(self.account())?
                .is_some_and(|u| u.role == Role::Administrador);
            match (&reason, is_admin) {
                (Some(_), true) => {}
                (None, true) => return Err(StoreError::ShiftRefused(ShiftRefusal::ReasonRequired)),
                _ => return Err(StoreError::ShiftRefused(ShiftRefusal::Unsynced(unsynced))),
            }
        }
        let opened_at = self.last_shift_close()?;
        let closed_at = Utc::now();
        let mut documents = 0;
        let mut total = Decimal::ZERO;
        for s in self.invoice_summaries()? {
            if opened_at.is_some_and(|o| s.issued_at <= o) {
                break; // newest first
            }
            documents += 1;
            match s.kind {
                DocumentKind::NotaDeCredito => total -= s.total,
                _ => total += s.total,
            }
        }
        let report = ShiftReport {
            account: self.account().to_string(),
            opened_at,
            closed_at,
            documents,
            total,
            unsynced,
            override_reason: reason,
        };
        let txn = self.db().begin_write()?;
        {
            let row = format!("shift:{}", closed_at.to_rfc3339());
            let sealed = self.seal_json("settings", row.as_bytes(), &report)?;
            txn.open_table(SETTINGS)?
                .insert(row.as_str(), sealed.as_slice())?;
            txn.open_table(META)?.insert(
                "last_shift_close",
                serde_json::to_vec(&closed_at)?.as_slice(),
            )?;
        }
        txn.commit()?;
        log::info!(
            "shift closed by {} with {} unsynced{}",
            report.account,
            unsynced,
            if report.override_reason.is_some() {
                " (admin override)"
            } else {
                ""
            }
        );
        Ok(report)
    }
}

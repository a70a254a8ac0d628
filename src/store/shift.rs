//! The shift and its cash drawer (Cierre de caja, the Z report). While a shift runs, the
//! drawer row holds its opening float and the cash put in or taken out, each with a
//! reason. At close the store adds up this kiosk's documents since the last close per
//! payment method (`motordesk_core::ShiftTally`), takes the cash counted, and seals the
//! report with who closed it and the manager who approved it (PIN, `approval`). A shift
//! with nothing in it is refused, so closes do not pile up empty.
//!
//! A cashier may not close while sales are still on the device only; the approving
//! manager may, with a written reason that is kept.

use crate::store::Store;
use crate::store::approval::{ApprovalAction, ApprovalRecord};
use crate::store::error::{ShiftRefusal, StoreError, StoreResult};
use crate::store::tables::{INVOICES, META, SETTINGS};
use chrono::{DateTime, Utc};
use motordesk_core::{
    CashMovement, DocumentKind, Invoice, MAX_MOVEMENTS, MovementKind, ShiftTally,
    check_drawer_amount, check_movement, expected_cash, lima_date,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The drawer row of the shift under way.
const DRAWER: &str = "drawer";
/// Closed shifts: "shift:<closed at, RFC 3339>" → sealed `ShiftReport`.
const SHIFT_PREFIX: &str = "shift:";

/// The shift under way: float and movements (sealed in the settings table).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct OpenDrawer {
    float: Decimal,
    float_by: Option<String>,
    movements: Vec<CashMovement>,
    /// When the float or the first movement was entered, for a first shift with no
    /// close before it.
    started_at: Option<DateTime<Utc>>,
}

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
    /// The report's own id (its saved ticket is named by it). `None` in closes made
    /// before the Z report.
    #[serde(default)]
    pub id: Option<Uuid>,
    #[serde(default)]
    pub float: Decimal,
    #[serde(default)]
    pub movements: Vec<CashMovement>,
    #[serde(default)]
    pub tally: ShiftTally,
    /// float + cash sales − cash refunds ± movements.
    #[serde(default)]
    pub expected_cash: Decimal,
    /// What the cashier counted in the drawer (`None` while the shift runs).
    #[serde(default)]
    pub counted_cash: Option<Decimal>,
    /// The manager who approved the close.
    #[serde(default)]
    pub approved_by: Option<ApprovalRecord>,
}

impl ShiftReport {
    /// Counted − expected: negative is cash missing.
    pub fn difference(&self) -> Option<Decimal> {
        self.counted_cash.map(|c| c - self.expected_cash)
    }

    pub fn cash_in(&self) -> Decimal {
        self.moved(MovementKind::Ingreso)
    }

    pub fn cash_out(&self) -> Decimal {
        self.moved(MovementKind::Retiro)
    }

    fn moved(&self, kind: MovementKind) -> Decimal {
        self.movements
            .iter()
            .filter(|m| m.kind == kind)
            .map(|m| m.amount)
            .sum()
    }

    /// Nothing to close: no document, no float, no movement.
    pub fn is_empty(&self) -> bool {
        self.tally.is_empty() && self.float.is_zero() && self.movements.is_empty()
    }
}

/// What closing needs besides the store's own figures.
#[derive(Debug, Clone)]
pub struct ShiftClose {
    /// Cash counted in the drawer.
    pub counted: Decimal,
    /// The approving manager's PIN.
    pub pin: String,
    /// Why the manager closes with unsynced records.
    pub override_reason: Option<String>,
}

/// The smallest UUID v7 of millisecond `ms`: invoice ids are v7, so the invoices of a
/// shift are a key range from its start.
fn first_id_at(at: DateTime<Utc>) -> u128 {
    (at.timestamp_millis().max(0) as u128) << 80
}

impl Store {
    fn last_shift_close(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let r = self.db().begin_read()?;
        let meta = r.open_table(META)?;
        Ok(meta
            .get("last_shift_close")?
            .and_then(|v| serde_json::from_slice(v.value()).ok()))
    }

    fn drawer(&self) -> StoreResult<OpenDrawer> {
        let r = self.db().begin_read()?;
        let t = r.open_table(SETTINGS)?;
        match t.get(DRAWER)? {
            Some(v) => self.open_json("settings", DRAWER.as_bytes(), v.value()),
            None => Ok(OpenDrawer::default()),
        }
    }

    fn put_drawer(&self, d: &OpenDrawer) -> StoreResult<()> {
        let txn = self.db().begin_write()?;
        {
            let sealed = self.seal_json("settings", DRAWER.as_bytes(), d)?;
            txn.open_table(SETTINGS)?
                .insert(DRAWER, sealed.as_slice())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Sets the opening float of the shift under way (it may be corrected until close).
    pub fn set_opening_float(&self, amount: Decimal) -> StoreResult<()> {
        check_drawer_amount(amount)?;
        let mut d = self.drawer()?;
        d.float = amount;
        d.float_by = Some(self.account().to_string());
        d.started_at.get_or_insert_with(Utc::now);
        self.put_drawer(&d)?;
        log::info!("opening float {amount} set by {}", self.account());
        Ok(())
    }

    /// Whether the shift under way has its opening float (0 counts once entered): Ventas
    /// asks for it at the first EMITIR when not. One small sealed read.
    pub fn opening_float_entered(&self) -> StoreResult<bool> {
        Ok(self.drawer()?.float_by.is_some())
    }

    /// Records cash put into or taken out of the drawer, with its reason.
    pub fn add_cash_movement(
        &self,
        kind: MovementKind,
        amount: Decimal,
        reason: &str,
    ) -> StoreResult<CashMovement> {
        check_movement(amount, reason)?;
        let mut d = self.drawer()?;
        if d.movements.len() >= MAX_MOVEMENTS {
            return Err(motordesk_core::DomainError::TooManyLines { max: MAX_MOVEMENTS }.into());
        }
        let m = CashMovement {
            id: Uuid::now_v7(),
            at: Utc::now(),
            kind,
            amount,
            reason: reason.trim().to_string(),
            by: self.account().to_string(),
        };
        d.movements.push(m.clone());
        d.started_at.get_or_insert(m.at);
        self.put_drawer(&d)?;
        log::info!("cash {:?} of {amount} by {}", kind, self.account());
        Ok(m)
    }

    /// The shift under way as a report: what a close now would say, before the count.
    pub fn shift_so_far(&self) -> StoreResult<ShiftReport> {
        let last_close = self.last_shift_close()?;
        let d = self.drawer()?;
        // A first shift (no close before it) covers today in Lima, or from its float or
        // first movement if that was earlier (a drawer open across midnight).
        let from = last_close.unwrap_or_else(|| {
            let today = lima_date(Utc::now())
                .and_hms_opt(5, 0, 0)
                .map(|t| t.and_utc())
                .unwrap_or_else(Utc::now);
            d.started_at.map_or(today, |s| s.min(today))
        });
        let mut tally = ShiftTally::default();
        let mut documents = 0;
        let mut total = Decimal::ZERO;
        {
            let r = self.db().begin_read()?;
            let t = r.open_table(INVOICES)?;
            for row in t.range(first_id_at(from)..)? {
                let (k, _) = row?;
                let Some(inv) = self.read_record::<Invoice>(&t, Uuid::from_u128(k.value()))? else {
                    continue;
                };
                let inv = inv.data;
                // Documents pulled from other kiosks went into their drawers.
                if inv.device_id != self.device_id() || inv.issued_at <= from {
                    continue;
                }
                documents += 1;
                tally.add(inv.kind, &inv.terms, &inv.payment, inv.totals.total);
                match inv.kind {
                    DocumentKind::NotaDeCredito => total -= inv.totals.total,
                    _ => total += inv.totals.total,
                }
            }
        }
        let expected = expected_cash(d.float, &tally, &d.movements);
        Ok(ShiftReport {
            account: self.account().to_string(),
            opened_at: Some(from),
            closed_at: Utc::now(),
            documents,
            total,
            unsynced: self.sync_counts()?.unsynced(),
            override_reason: None,
            id: None,
            float: d.float,
            movements: d.movements,
            tally,
            expected_cash: expected,
            counted_cash: None,
            approved_by: None,
        })
    }

    /// Closes the shift: everything since the previous close, the cash counted, and the
    /// manager's approval (PIN). Refuses an empty shift, and (with
    /// `StoreError::ShiftRefused`) unsynced records unless a reason is given.
    pub fn close_shift(&self, close: ShiftClose) -> StoreResult<ShiftReport> {
        check_drawer_amount(close.counted)?;
        let mut report = self.shift_so_far()?;
        if report.is_empty() {
            return Err(StoreError::ShiftRefused(ShiftRefusal::Empty));
        }
        let reason = close
            .override_reason
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        if report.unsynced > 0 && reason.is_none() {
            return Err(StoreError::ShiftRefused(ShiftRefusal::ReasonRequired));
        }
        let approval = self.approve_now(&close.pin, ApprovalAction::ShiftClose)?;
        let closed_at = Utc::now();
        report.closed_at = closed_at;
        report.id = Some(Uuid::now_v7());
        report.counted_cash = Some(close.counted);
        report.override_reason = reason;
        report.approved_by = Some(approval);
        let txn = self.db().begin_write()?;
        {
            let row = format!("{SHIFT_PREFIX}{}", closed_at.to_rfc3339());
            let sealed = self.seal_json("settings", row.as_bytes(), &report)?;
            let mut settings = txn.open_table(SETTINGS)?;
            settings.insert(row.as_str(), sealed.as_slice())?;
            // The next shift starts with an empty drawer.
            settings.remove(DRAWER)?;
            txn.open_table(META)?.insert(
                "last_shift_close",
                serde_json::to_vec(&closed_at)?.as_slice(),
            )?;
            // The closed shift goes off this PC at the next sync (sync::backup).
            crate::store::backup::request_in(&txn)?;
        }
        txn.commit()?;
        log::info!(
            "shift closed by {} approved by {}: {} documents, difference {:?}, {} unsynced{}",
            report.account,
            report.approved_by.as_ref().map_or("", |a| a.by.as_str()),
            report.documents,
            report.difference(),
            report.unsynced,
            if report.override_reason.is_some() {
                " (override)"
            } else {
                ""
            }
        );
        Ok(report)
    }

    /// Closed shifts, newest first, at most `limit`.
    pub fn shift_history(&self, limit: usize) -> StoreResult<Vec<ShiftReport>> {
        let r = self.db().begin_read()?;
        let t = r.open_table(SETTINGS)?;
        let mut out = Vec::new();
        // "shift;" is the first key after every "shift:…".
        for row in t.range(SHIFT_PREFIX.."shift;")?.rev().take(limit) {
            let (k, v) = row?;
            out.push(self.open_json("settings", k.value().as_bytes(), v.value())?);
        }
        Ok(out)
    }
}

//! Service reminders from the store: the vehicles to call this week with their owner's
//! name and phone (core's `reminders` decides what is due), and "Marcar contactado",
//! which writes the mark on the vehicle record itself in one transaction with its outbox
//! entry, so it survives a restart and syncs to the shop's other kiosks like any edit of
//! the vehicle.

use crate::store::Store;
use crate::store::error::{StoreError, StoreResult};
use chrono::{NaiveDate, Utc};
use motordesk_core::{Alert, AlertKind, Customer, Stored, Urgency, Vehicle};
use uuid::Uuid;

/// One vehicle to call: what is due and whom to tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderRow {
    pub vehicle: Vehicle,
    /// The owner's name and phone as recorded; `None` when the vehicle has no owner.
    pub owner: Option<(String, String)>,
    /// Most urgent first; never empty.
    pub due: Vec<Alert>,
}

impl ReminderRow {
    /// Overdue first, then the nearest date (a km due counts as today), then the plate.
    fn order_key(&self, today: NaiveDate) -> (bool, NaiveDate, String) {
        let overdue = self.due.iter().any(|a| a.urgency == Urgency::Overdue);
        let nearest = self
            .due
            .iter()
            .map(|a| match a.kind {
                AlertKind::ServiceByKm { .. } => today,
                AlertKind::ServiceByDate { due } => due,
                AlertKind::Soat { expires } | AlertKind::RevisionTecnica { expires } => expires,
            })
            .min()
            .unwrap_or(today);
        (!overdue, nearest, self.vehicle.plate.key().to_string())
    }
}

impl Store {
    /// The vehicles with something due by `today + REMINDER_DAYS` (or overdue) that nobody
    /// has marked contacted for that due date. Opens every vehicle (as Flota's list does)
    /// and only the owners of those due.
    pub fn due_reminders(&self, today: NaiveDate) -> StoreResult<Vec<ReminderRow>> {
        let mut rows = Vec::new();
        for v in self.list::<Vehicle>()? {
            let due = motordesk_core::reminders(&v.data, today);
            if due.is_empty() {
                continue;
            }
            let owner = match v.data.owner_id {
                Some(id) => self
                    .get::<Customer>(id)?
                    .map(|c| (c.data.name, c.data.phone)),
                None => None,
            };
            rows.push(ReminderRow {
                vehicle: v.data,
                owner,
                due,
            });
        }
        rows.sort_by_cached_key(|r| r.order_key(today));
        Ok(rows)
    }

    /// Marks the owner of `vehicle` told about each of `due` by `by`, now: the vehicle is
    /// saved (and queued for sync) with the marks, in one write transaction.
    pub fn mark_contacted(
        &self,
        vehicle: Uuid,
        due: &[AlertKind],
        by: &str,
    ) -> StoreResult<Stored<Vehicle>> {
        let at = Utc::now();
        let txn = self.db().begin_write()?;
        let mut v = self
            .read_in::<Vehicle>(&txn, vehicle)?
            .ok_or(StoreError::NotFound("el vehículo"))?
            .data;
        for d in due {
            motordesk_core::mark_contacted(&mut v, d.clone(), by, at);
        }
        v.check_limits()?;
        let rec = self.save_local(&txn, v)?;
        txn.commit()?;
        Ok(rec)
    }
}

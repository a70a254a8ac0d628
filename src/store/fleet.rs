//! Flota's list, a page at a time. Before, opening Flota decrypted every vehicle and
//! every customer (~130 ms at 7,474 vehicles and 5,000 customers) and held them all; now
//! the search index orders and filters the vehicles (plate order, the query's words) and
//! only the page on screen is opened.
//!
//! "Solo con alertas" and the row's alert badge need every vehicle's km and dates, not
//! only the page's. The index keeps, per vehicle, a *service skeleton*: the `Vehicle`
//! with its brand, model, notes and contact marks emptied, so what is left is the id,
//! plate (already in the index), owner id, km, service interval, last service and the
//! SOAT / revisión técnica dates. It is safe where it is: in memory only, beside the
//! folded names and plates the index already holds, never written to the store, a file or
//! the log (`tests/kiosk/search_index.rs` reads every byte under the data dir), and gone
//! at logout. Nothing in it is more personal than the plate it sits beside.

use crate::store::Store;
use crate::store::error::{StoreError, StoreResult};
use crate::store::tables::*;
use chrono::NaiveDate;
use motordesk_core::{Alert, Customer, Stored, Vehicle, alerts};
use std::sync::atomic::Ordering;
use uuid::Uuid;

/// Rows Flota asks for at a time: a screen at 1280×800 shows about 12.
pub const FLEET_PAGE: usize = 40;

/// One row of Flota's list: the vehicle (opened) and its alerts on the day asked.
#[derive(Debug, Clone)]
pub struct FleetRow {
    pub vehicle: Vehicle,
    pub alerts: Vec<Alert>,
}

/// A slice of Flota's list.
#[derive(Debug, Clone, Default)]
pub struct FleetPage {
    /// Vehicles that match the query and filter, all pages together.
    pub total: usize,
    /// Where `rows` start in that list.
    pub offset: usize,
    pub rows: Vec<FleetRow>,
}

/// A vehicle owner's name and document number, as Flota's detail shows them.
pub type Owner = (String, String);

/// The vehicle without the texts the list does not need for alerts: what the search
/// index keeps per vehicle (see the module doc).
pub(crate) fn service_skeleton(v: &Vehicle) -> Vehicle {
    Vehicle {
        brand: String::new(),
        model: String::new(),
        notes: String::new(),
        contacted: Vec::new(),
        ..v.clone()
    }
}

impl Store {
    /// Flota's list from `offset`, at most `limit` rows: vehicles whose plate, brand,
    /// model or owner match `query` (all when empty), in plate order, only those with
    /// alerts on `today` when `only_alerts`. Opens the returned rows and nothing else
    /// (`fleet_rows_opened` counts them); when the index could not be built it falls back
    /// to opening every vehicle, as before.
    pub fn fleet_page(
        &self,
        query: &str,
        only_alerts: bool,
        today: NaiveDate,
        offset: usize,
        limit: usize,
    ) -> StoreResult<FleetPage> {
        let keep = |v: &Vehicle| !only_alerts || !alerts(v, today).is_empty();
        let Some((total, ids)) = self.vehicle_page(query, keep, offset, limit)? else {
            return self.fleet_page_by_scan(query, only_alerts, today, offset, limit);
        };
        let r = self.db().begin_read()?;
        let t = r.open_table(VEHICLES)?;
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            // Deleted between the index and this read: the next page call recounts.
            if let Some(v) = self.read_record::<Vehicle>(&t, id)? {
                rows.push(FleetRow {
                    alerts: alerts(&v.data, today),
                    vehicle: v.data,
                });
            }
        }
        self.search
            .fleet_opened
            .fetch_add(rows.len() as u64, Ordering::Relaxed);
        Ok(FleetPage {
            total,
            offset,
            rows,
        })
    }

    /// Without an index: every vehicle opened, filtered and sorted here.
    fn fleet_page_by_scan(
        &self,
        query: &str,
        only_alerts: bool,
        today: NaiveDate,
        offset: usize,
        limit: usize,
    ) -> StoreResult<FleetPage> {
        let ids: std::collections::HashSet<Uuid> = if query.trim().is_empty() {
            Default::default()
        } else {
            self.matching_ids(crate::store::Shelf::Vehicles, query)?
                .into_iter()
                .collect()
        };
        let all = self.list::<Vehicle>()?;
        self.search
            .fleet_opened
            .fetch_add(all.len() as u64, Ordering::Relaxed);
        let mut rows: Vec<FleetRow> = all
            .into_iter()
            .filter(|v| query.trim().is_empty() || ids.contains(&v.data.id))
            .map(|v| FleetRow {
                alerts: alerts(&v.data, today),
                vehicle: v.data,
            })
            .filter(|r| !only_alerts || !r.alerts.is_empty())
            .collect();
        rows.sort_by(|a, b| a.vehicle.plate.cmp(&b.vehicle.plate));
        let total = rows.len();
        Ok(FleetPage {
            total,
            offset,
            rows: rows.into_iter().skip(offset).take(limit).collect(),
        })
    }

    /// One vehicle for Flota's detail, with its owner's name and document.
    pub fn fleet_vehicle(&self, id: Uuid) -> StoreResult<(Stored<Vehicle>, Option<Owner>)> {
        let v = self
            .get::<Vehicle>(id)?
            .ok_or(StoreError::NotFound("el vehículo"))?;
        let owner = match v.data.owner_id {
            Some(o) => self
                .get::<Customer>(o)?
                .map(|c| (c.data.name, c.data.doc.number)),
            None => None,
        };
        Ok((v, owner))
    }

    /// Vehicles Flota's list opened so far (its pages; the whole table when it had to
    /// scan). For tests: the first screen must open a page, not the fleet.
    pub fn fleet_rows_opened(&self) -> u64 {
        self.search.fleet_opened.load(Ordering::Relaxed)
    }
}

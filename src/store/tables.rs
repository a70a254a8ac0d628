//! redb tables. Values are sealed bytes (see `seal`); keys are ids, sequence numbers or
//! blind-index hashes, never personal data.

use motordesk_core::RecordKind;
use redb::TableDefinition;

/// Plain metadata: schema version, device id, clock. Nothing personal.
pub(super) const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// username (or `@all`, every attempt) → (failed logins in a row, unix ms of the last):
/// plain, read before any login, each failure in its own transaction (`throttle`).
pub(super) const LOGIN_FAILURES: TableDefinition<&str, (u32, i64)> =
    TableDefinition::new("login_failures");
/// username → key slot (JSON).
pub(super) const KEY_SLOTS: TableDefinition<&str, &[u8]> = TableDefinition::new("key_slots");
/// username → sealed `User`.
pub(super) const USERS: TableDefinition<&str, &[u8]> = TableDefinition::new("users");
/// name → sealed settings JSON.
pub(super) const SETTINGS: TableDefinition<&str, &[u8]> = TableDefinition::new("settings");

pub(super) const CUSTOMERS: TableDefinition<u128, &[u8]> = TableDefinition::new("customers");
pub(super) const VEHICLES: TableDefinition<u128, &[u8]> = TableDefinition::new("vehicles");
pub(super) const PRODUCTS: TableDefinition<u128, &[u8]> = TableDefinition::new("products");
pub(super) const ODOMETER: TableDefinition<u128, &[u8]> = TableDefinition::new("odometer_readings");
pub(super) const INVOICES: TableDefinition<u128, &[u8]> = TableDefinition::new("invoices");

/// invoice id → sealed `InvoiceSummary`: what the list of 100k documents needs, small.
pub(super) const INVOICE_SUMMARIES: TableDefinition<u128, &[u8]> =
    TableDefinition::new("invoice_summaries");

/// seq → sealed outbox entry. seq is this device's push sequence number.
pub(super) const OUTBOX: TableDefinition<u64, &[u8]> = TableDefinition::new("outbox");
/// (status, seq) → () : counts and queue listing without opening entries.
pub(super) const OUTBOX_BY_STATUS: TableDefinition<(u8, u64), ()> =
    TableDefinition::new("outbox_by_status");
/// seq → an outbox entry's plain bookkeeping (`outbox::StateRow`: status, attempts,
/// modified, next attempt, rejected, kind, record id, version): what changes in flight,
/// kept out of the sealed entry so marking a batch re-seals nothing. Schema 2.
pub(super) const OUTBOX_STATE: TableDefinition<u64, crate::store::outbox::StateRow> =
    TableDefinition::new("outbox_state");
/// (kind, record id) → (sync status, record version, synced_at unix ns or i64::MIN): the
/// sync state of a record after it was written, laid over the sealed record's meta while
/// the record still has that version. Schema 2.
pub(super) const RECORD_SYNC: TableDefinition<(u8, u128), (u8, u64, i64)> =
    TableDefinition::new("record_sync");
/// (kind, record id) → seq of the record's newest unsynced outbox entry.
pub(super) const OUTBOX_BY_RECORD: TableDefinition<(u8, u128), u64> =
    TableDefinition::new("outbox_by_record");

/// Blind index of a customer's document number → customer id (unique).
pub(super) const CUSTOMER_BY_DOC: TableDefinition<u128, u128> =
    TableDefinition::new("idx_customer_doc");
/// Blind index of a plate → vehicle id (unique).
pub(super) const VEHICLE_BY_PLATE: TableDefinition<u128, u128> =
    TableDefinition::new("idx_vehicle_plate");
/// Blind index of a document number (B001-00000042) → invoice id.
pub(super) const INVOICE_BY_NUMBER: TableDefinition<u128, u128> =
    TableDefinition::new("idx_invoice_number");
/// (customer, invoice) → ()
pub(super) const INVOICES_BY_CUSTOMER: TableDefinition<(u128, u128), ()> =
    TableDefinition::new("idx_invoices_customer");
/// (vehicle, invoice) → ()
pub(super) const INVOICES_BY_VEHICLE: TableDefinition<(u128, u128), ()> =
    TableDefinition::new("idx_invoices_vehicle");
/// (vehicle, reading) → ()
pub(super) const ODOMETER_BY_VEHICLE: TableDefinition<(u128, u128), ()> =
    TableDefinition::new("idx_odometer_vehicle");
/// (owner, vehicle) → ()
pub(super) const VEHICLES_BY_OWNER: TableDefinition<(u128, u128), ()> =
    TableDefinition::new("idx_vehicles_owner");
/// series → last correlative issued.
pub(super) const CORRELATIVES: TableDefinition<&str, u32> = TableDefinition::new("correlatives");
/// invoice id → sealed `ComprobanteXml`: the UBL document SUNAT receives, signed or
/// waiting for a certificate.
pub(super) const INVOICE_XML: TableDefinition<u128, &[u8]> = TableDefinition::new("invoice_xml");
/// invoice id → () : fiscal documents issued before a certificate was imported.
pub(super) const UNSIGNED_XML: TableDefinition<u128, ()> = TableDefinition::new("unsigned_xml");
/// name → sealed secret ("certificate": the shop's private key and X.509 certificate).
pub(super) const SECRETS: TableDefinition<&str, &[u8]> = TableDefinition::new("secrets");
/// (modified invoice, note) → () : the credit and debit notes of a document.
pub(super) const NOTES_BY_ORIGINAL: TableDefinition<(u128, u128), ()> =
    TableDefinition::new("idx_notes_original");
/// invoice id → sealed `FiscalRecord`: where the document stands with SUNAT, its CDR.
pub(super) const FISCAL_STATE: TableDefinition<u128, &[u8]> = TableDefinition::new("fiscal_state");
/// invoice id → () : documents settled with SUNAT (accepted, rejected, voided); never sent
/// again, skipped without opening their records.
pub(super) const FISCAL_SETTLED: TableDefinition<u128, ()> = TableDefinition::new("fiscal_settled");
/// "RA-YYYYMMDD" / "RC-YYYYMMDD" → last `N` given to a summary of that kind and day.
pub(super) const SUMMARY_CORRELATIVES: TableDefinition<&str, u32> =
    TableDefinition::new("summary_correlatives");
/// invoice id → () : documents whose voiding (RA or RC estado 3) waits for SUNAT.
pub(super) const VOIDS_PENDING: TableDefinition<u128, ()> = TableDefinition::new("voids_pending");
/// conflict id → sealed conflict for review.
pub(super) const CONFLICTS: TableDefinition<u128, &[u8]> = TableDefinition::new("conflicts");

pub(super) fn records(kind: RecordKind) -> TableDefinition<'static, u128, &'static [u8]> {
    match kind {
        RecordKind::Customer => CUSTOMERS,
        RecordKind::Vehicle => VEHICLES,
        RecordKind::Product => PRODUCTS,
        RecordKind::Odometer => ODOMETER,
        RecordKind::Invoice => INVOICES,
        // Not records of their own on a kiosk: the XML row of an invoice and its fiscal
        // state (which holds its voiding). Only the outbox and merge name these kinds, never `read_record`.
        RecordKind::Comprobante => INVOICE_XML,
        RecordKind::FiscalStatus | RecordKind::VoidRequest => FISCAL_STATE,
    }
}

pub(super) fn records_name(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Customer => "customers",
        RecordKind::Vehicle => "vehicles",
        RecordKind::Product => "products",
        RecordKind::Odometer => "odometer_readings",
        RecordKind::Invoice => "invoices",
        RecordKind::Comprobante => "invoice_xml",
        RecordKind::FiscalStatus | RecordKind::VoidRequest => "fiscal_state",
    }
}

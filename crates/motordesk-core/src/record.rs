//! What every stored record carries: its sync status and timestamps, around the data.

use crate::clock::Hlc;
use crate::customer::Customer;
use crate::invoice::Invoice;
use crate::product::Product;
use crate::protocol::{ComprobanteUpload, VoidUpload};
use crate::vehicle::{OdometerReading, Vehicle};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum SyncStatus {
    Pending,
    Syncing,
    Synced,
    Failed,
}

impl SyncStatus {
    pub fn code(self) -> u8 {
        match self {
            SyncStatus::Pending => 0,
            SyncStatus::Syncing => 1,
            SyncStatus::Synced => 2,
            SyncStatus::Failed => 3,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            SyncStatus::Pending => "PENDIENTE",
            SyncStatus::Syncing => "SINCRONIZANDO",
            SyncStatus::Synced => "SINCRONIZADO",
            SyncStatus::Failed => "FALLIDO",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum RecordKind {
    Customer,
    Vehicle,
    Product,
    Odometer,
    Invoice,
    /// The signed UBL XML of a fiscal document, pushed by the kiosk that issued it so the
    /// server's dispatcher can send it to SUNAT (`protocol::ComprobanteUpload`).
    Comprobante,
    /// Where a document stands with SUNAT, published by the server only
    /// (`protocol::FiscalUpdate`).
    FiscalStatus,
    /// A signed RA or RC voiding one document, pushed by a kiosk for the server's
    /// dispatcher to send (`protocol::VoidUpload`).
    VoidRequest,
}

impl RecordKind {
    pub const ALL: [RecordKind; 8] = [
        RecordKind::Customer,
        RecordKind::Vehicle,
        RecordKind::Product,
        RecordKind::Odometer,
        RecordKind::Invoice,
        RecordKind::Comprobante,
        RecordKind::FiscalStatus,
        RecordKind::VoidRequest,
    ];
    /// One byte that stands for the kind in database keys (kiosk and server); never
    /// renumber: stored keys depend on it.
    pub fn code(self) -> u8 {
        self as u8
    }
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Customer => "Cliente",
            RecordKind::Vehicle => "Vehículo",
            RecordKind::Product => "Producto",
            RecordKind::Odometer => "Kilometraje",
            RecordKind::Invoice => "Comprobante",
            RecordKind::Comprobante => "XML firmado",
            RecordKind::FiscalStatus => "Estado SUNAT",
            RecordKind::VoidRequest => "Anulación",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordMeta {
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
    pub synced_at: Option<DateTime<Utc>>,
    pub status: SyncStatus,
    /// Last-writer-wins stamp of the latest change.
    pub hlc: Hlc,
    /// Bumped on every local change; an outbox entry pushes one version.
    pub version: u64,
    /// The account that made the latest change (pending work stays tied to it).
    pub account: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored<T> {
    pub meta: RecordMeta,
    pub data: T,
}

pub trait Record: Serialize + DeserializeOwned + Clone + Send + 'static {
    const KIND: RecordKind;
    fn id(&self) -> Uuid;
    /// One line for the sync queue and conflict review, e.g. "Cliente 45678912 Rosa".
    fn summary(&self) -> String;
}

impl Record for Customer {
    const KIND: RecordKind = RecordKind::Customer;
    fn id(&self) -> Uuid {
        self.id
    }
    fn summary(&self) -> String {
        format!("Cliente {} {}", self.doc.number, self.name)
    }
}
impl Record for Vehicle {
    const KIND: RecordKind = RecordKind::Vehicle;
    fn id(&self) -> Uuid {
        self.id
    }
    fn summary(&self) -> String {
        format!("Vehículo {} {} {}", self.plate, self.brand, self.model)
    }
}
impl Record for Product {
    const KIND: RecordKind = RecordKind::Product;
    fn id(&self) -> Uuid {
        self.id
    }
    fn summary(&self) -> String {
        format!("Producto {} {}", self.code, self.name)
    }
}
impl Record for OdometerReading {
    const KIND: RecordKind = RecordKind::Odometer;
    fn id(&self) -> Uuid {
        self.id
    }
    fn summary(&self) -> String {
        format!("Kilometraje {} km", self.km)
    }
}
impl Record for Invoice {
    const KIND: RecordKind = RecordKind::Invoice;
    fn id(&self) -> Uuid {
        self.id
    }
    fn summary(&self) -> String {
        format!(
            "{} {} {}",
            self.kind.short(),
            self.number,
            crate::money::soles(self.totals.total)
        )
    }
}
impl Record for ComprobanteUpload {
    const KIND: RecordKind = RecordKind::Comprobante;
    fn id(&self) -> Uuid {
        self.invoice_id
    }
    fn summary(&self) -> String {
        format!("XML firmado {}", self.file_name)
    }
}

impl Record for VoidUpload {
    const KIND: RecordKind = RecordKind::VoidRequest;
    fn id(&self) -> Uuid {
        self.invoice_id
    }
    fn summary(&self) -> String {
        format!("Anulación {}", self.file_name)
    }
}

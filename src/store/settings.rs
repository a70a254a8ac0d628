//! Shop settings: the issuer printed on receipts, this kiosk's series, printer, server.

use motordesk_core::SeriesSet;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ReceiptFormat {
    /// 80 mm thermal ticket.
    #[default]
    Ticket80,
    A4,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issuer {
    pub ruc: String,
    pub razon_social: String,
    pub nombre_comercial: String,
    pub address: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopSettings {
    pub issuer: Issuer,
    pub series: SeriesSet,
    /// OS printer name; `None` = system default.
    pub printer: Option<String>,
    pub receipt_format: ReceiptFormat,
    /// MotorDesk server base URL, e.g. `http://127.0.0.1:8787`; empty = no sync.
    pub server_url: String,
    /// Device token from server registration.
    pub device_token: Option<String>,
    pub footer: String,
}

impl Default for ShopSettings {
    fn default() -> Self {
        ShopSettings {
            issuer: Issuer {
                ruc: "20000000001".into(),
                razon_social: "MI TALLER S.A.C.".into(),
                nombre_comercial: "Mi Taller".into(),
                address: "Av. Principal 123, Lima".into(),
                phone: String::new(),
            },
            series: SeriesSet::for_kiosk(1).expect("kiosk 1 series are valid"),
            printer: None,
            receipt_format: ReceiptFormat::Ticket80,
            server_url: String::new(),
            device_token: None,
            footer: "¡Gracias por confiar el cuidado de su vehículo en nosotros!".into(),
        }
    }
}

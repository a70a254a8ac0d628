//! Shop settings: the issuer printed on receipts, this kiosk's series, printer, server.

use motordesk_core::{DocumentKind, DomainError, SeriesSet, validate_ruc};
use serde::{Deserialize, Serialize};

/// Paper the receipts are laid out for (`receipt::ReceiptLayout::build`).
///
/// Stored inside `ShopSettings` by variant name (`"Ticket80"`, `"A4"`); stores written
/// when this enum was still called `ReceiptFormat` use the same names, so renaming a
/// variant needs a `#[serde(alias)]` for the old name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Paper {
    /// 80 mm thermal roll: one page as long as the content.
    #[default]
    Ticket80,
    /// 58 mm thermal roll (384-dot printers): the same ticket laid out 58 mm wide.
    Ticket58,
    /// A4 sheet, paginated.
    A4,
}

impl Paper {
    pub const ALL: [Paper; 3] = [Paper::Ticket80, Paper::Ticket58, Paper::A4];

    pub fn width_mm(self) -> f32 {
        match self {
            Paper::Ticket80 => 80.0,
            Paper::Ticket58 => 58.0,
            Paper::A4 => 210.0,
        }
    }

    /// Spanish name for the settings screen.
    pub fn label(self) -> &'static str {
        match self {
            Paper::Ticket80 => "Ticket 80 mm",
            Paper::Ticket58 => "Ticket 58 mm",
            Paper::A4 => "A4",
        }
    }
}

/// The shop as SUNAT knows it (its RUC record) and as the receipt prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issuer {
    pub ruc: String,
    pub razon_social: String,
    pub nombre_comercial: String,
    /// Fiscal address line (street and number).
    pub address: String,
    pub phone: String,
    /// INEI ubigeo of the fiscal address, 6 digits (e.g. 150131 San Isidro).
    #[serde(default)]
    pub ubigeo: String,
    #[serde(default)]
    pub departamento: String,
    #[serde(default)]
    pub provincia: String,
    #[serde(default)]
    pub distrito: String,
}

/// SUNAT's own test RUC (beta service): allowed on documents only in test mode.
pub const SUNAT_TEST_RUC: &str = "20000000001";

/// SUNAT's public page where anyone checks a comprobante electrónico (consulta de validez).
pub const SUNAT_CONSULT_URL: &str =
    "https://e-consulta.sunat.gob.pe/ol-ti-itconsvalicpe/ConsValiCpe.htm";

fn default_consult_url() -> String {
    SUNAT_CONSULT_URL.into()
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopSettings {
    pub issuer: Issuer,
    pub series: SeriesSet,
    /// OS printer name; `None` = system default.
    pub printer: Option<String>,
    pub receipt_format: Paper,
    /// MotorDesk server base URL, e.g. `http://127.0.0.1:8787`; empty = no sync.
    pub server_url: String,
    /// Device token from server registration.
    pub device_token: Option<String>,
    pub footer: String,
    /// Demo and training stores: SUNAT's test RUC is accepted and receipts say so.
    #[serde(default)]
    pub test_mode: bool,
    /// Banco de la Nación account for detracciones (printed and in the XML).
    #[serde(default)]
    pub detraccion_account: String,
    /// Printed under the QR: "Consulte su comprobante en …".
    #[serde(default = "default_consult_url")]
    pub consult_url: String,
    /// billService URL this kiosk sends its own documents to (SUNAT beta, production or an
    /// OSE); empty = not configured (a shop with a server lets the server send).
    #[serde(default)]
    pub sunat_endpoint: String,
    /// billConsultService URL (getStatusCdr); empty = SUNAT's.
    #[serde(default)]
    pub sunat_consult_endpoint: String,
    /// SOL user of the secondary user that sends (without the RUC, e.g. `MODDATOS`).
    #[serde(default)]
    pub sunat_user: String,
    /// SOL password; kept only inside the sealed settings.
    #[serde(default)]
    pub sunat_password: String,
    /// A global discount above this percentage needs a manager's PIN when a cashier
    /// issues the sale; `None`: no limit.
    #[serde(default)]
    pub discount_limit_pct: Option<rust_decimal::Decimal>,
}

impl std::fmt::Debug for ShopSettings {
    /// Like a derived `Debug`, without the SOL password (settings reach the logs).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShopSettings")
            .field("issuer", &self.issuer)
            .field("series", &self.series)
            .field("printer", &self.printer)
            .field("receipt_format", &self.receipt_format)
            .field("server_url", &self.server_url)
            .field("device_token", &self.device_token)
            .field("footer", &self.footer)
            .field("test_mode", &self.test_mode)
            .field("detraccion_account", &self.detraccion_account)
            .field("consult_url", &self.consult_url)
            .field("sunat_endpoint", &self.sunat_endpoint)
            .field("sunat_consult_endpoint", &self.sunat_consult_endpoint)
            .field("sunat_user", &self.sunat_user)
            .field("sunat_password", &"***")
            .field("discount_limit_pct", &self.discount_limit_pct)
            .finish()
    }
}

impl Default for ShopSettings {
    fn default() -> Self {
        ShopSettings {
            // Empty until an administrator fills it in Ajustes: no comprobante is issued
            // before (a placeholder RUC must never reach a real receipt).
            issuer: Issuer {
                ruc: String::new(),
                razon_social: String::new(),
                nombre_comercial: String::new(),
                address: String::new(),
                phone: String::new(),
                ubigeo: String::new(),
                departamento: String::new(),
                provincia: String::new(),
                distrito: String::new(),
            },
            series: SeriesSet::for_kiosk(1).expect("kiosk 1 series are valid"),
            printer: None,
            receipt_format: Paper::Ticket80,
            server_url: String::new(),
            device_token: None,
            footer: "¡Gracias por confiar el cuidado de su vehículo en nosotros!".into(),
            test_mode: false,
            detraccion_account: String::new(),
            consult_url: SUNAT_CONSULT_URL.into(),
            sunat_endpoint: String::new(),
            sunat_consult_endpoint: String::new(),
            sunat_user: String::new(),
            sunat_password: String::new(),
            discount_limit_pct: None,
        }
    }
}

impl ShopSettings {
    /// Registered with a MotorDesk server: it sends to SUNAT with the shop's Clave SOL,
    /// this kiosk only pushes what it signed.
    pub fn has_server(&self) -> bool {
        !self.server_url.trim().is_empty()
            && self.device_token.as_deref().is_some_and(|t| !t.is_empty())
    }

    /// The issuer for SUNAT's XML, or why comprobantes cannot be issued yet: every field
    /// of the RUC record set, the RUC valid, and SUNAT's test RUC only in test mode.
    pub fn sunat_issuer(&self) -> Result<motordesk_sunat::Issuer, DomainError> {
        let i = &self.issuer;
        let filled = [
            &i.razon_social,
            &i.address,
            &i.ubigeo,
            &i.departamento,
            &i.provincia,
            &i.distrito,
        ]
        .iter()
        .all(|f| !f.trim().is_empty());
        if !filled || i.ruc.trim().is_empty() || (i.ruc.trim() == SUNAT_TEST_RUC && !self.test_mode)
        {
            return Err(DomainError::IssuerNotConfigured);
        }
        validate_ruc(i.ruc.trim())?;
        let mut issuer = motordesk_sunat::Issuer::new(
            i.ruc.trim(),
            i.razon_social.trim(),
            motordesk_sunat::FiscalAddress {
                ubigeo: i.ubigeo.trim().into(),
                department: i.departamento.trim().into(),
                province: i.provincia.trim().into(),
                district: i.distrito.trim().into(),
                line: i.address.trim().into(),
            },
        );
        issuer.trade_name = Some(i.nombre_comercial.trim().to_string()).filter(|n| !n.is_empty());
        Ok(issuer)
    }

    /// Refuses series of the wrong letter for their document kind (F… facturas and their
    /// notes, B… boletas and theirs, anything else for the nota de venta), and credit-note
    /// series that cannot give a debit-note series (second letter C: FC01 → FD01).
    pub fn check_series(&self) -> Result<(), DomainError> {
        let s = &self.series;
        s.factura.check_for(DocumentKind::Factura, None)?;
        s.boleta.check_for(DocumentKind::Boleta, None)?;
        s.nota_de_venta.check_for(DocumentKind::NotaDeVenta, None)?;
        s.credito_factura
            .check_for(DocumentKind::NotaDeCredito, Some(DocumentKind::Factura))?;
        s.credito_boleta
            .check_for(DocumentKind::NotaDeCredito, Some(DocumentKind::Boleta))?;
        for credit in [&s.credito_factura, &s.credito_boleta] {
            if credit.as_str().as_bytes()[1] != b'C' {
                return Err(DomainError::SeriesKindMismatch {
                    series: credit.to_string(),
                    kind: "nota de crédito (use FC.. o BC..)",
                });
            }
        }
        let all = s.all();
        for (i, a) in all.iter().enumerate() {
            if all[i + 1..].contains(a) {
                return Err(DomainError::SeriesKindMismatch {
                    series: a.to_string(),
                    kind: "un solo tipo de comprobante",
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Settings as stores written before `ReceiptFormat` and `receipt::layout::Paper`
    /// became one enum hold them (serde_json of `ShopSettings`).
    const STORED_BEFORE: &str = r#"{"issuer":{"ruc":"20000000001","razon_social":"MI TALLER S.A.C.","nombre_comercial":"Mi Taller","address":"Av. Principal 123, Lima","phone":""},"series":{"factura":"F001","boleta":"B001","nota_de_venta":"NV01","credito_factura":"FC01","credito_boleta":"BC01"},"printer":null,"receipt_format":"A4","server_url":"","device_token":null,"footer":"Gracias"}"#;

    #[test]
    fn settings_stored_with_receipt_format_still_read() {
        let s: ShopSettings = serde_json::from_str(STORED_BEFORE).expect("old settings read");
        assert_eq!(s.receipt_format, Paper::A4);
        assert_eq!(s.series, ShopSettings::default().series);
        let ticket = STORED_BEFORE.replace(r#""A4""#, r#""Ticket80""#);
        let s: ShopSettings = serde_json::from_str(&ticket).expect("old settings read");
        assert_eq!(s.receipt_format, Paper::Ticket80);
    }

    #[test]
    fn paper_is_written_by_its_old_variant_names() {
        assert_eq!(
            serde_json::to_string(&Paper::Ticket80).unwrap(),
            r#""Ticket80""#
        );
        assert_eq!(serde_json::to_string(&Paper::A4).unwrap(), r#""A4""#);
        let s = ShopSettings {
            receipt_format: Paper::A4,
            ..ShopSettings::default()
        };
        let back: ShopSettings = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }
}

//! The input model: a comprobante in the shop's words, with every figure already computed.
//!
//! The kiosk owns the arithmetic (IGV-inclusive shelf prices, `base = round2(total / 1.18)`,
//! `igv = total − base`, header = exact sums of the lines, global discount already spread
//! into each line's discount). This crate only checks that the figures are coherent enough
//! to write and never recomputes them, so the XML says exactly what the receipt says.

use chrono::{NaiveDate, NaiveTime};
use rust_decimal::Decimal;

/// The emitter (the shop).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// RUC, 11 digits.
    pub ruc: String,
    /// Razón social (≤ 100 characters).
    pub legal_name: String,
    /// Nombre comercial, if the shop has one (≤ 100 characters).
    pub trade_name: Option<String>,
    /// Domicilio fiscal.
    pub address: FiscalAddress,
    /// SUNAT establishment code (código de establecimiento anexo), "0000" for the fiscal address.
    pub establishment_code: String,
}

impl Issuer {
    /// An issuer at its fiscal address (establishment "0000").
    pub fn new(
        ruc: impl Into<String>,
        legal_name: impl Into<String>,
        address: FiscalAddress,
    ) -> Self {
        Issuer {
            ruc: ruc.into(),
            legal_name: legal_name.into(),
            trade_name: None,
            address,
            establishment_code: "0000".into(),
        }
    }
}

/// An address in Peru as SUNAT wants it (ubigeo INEI, department, province, district, line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiscalAddress {
    /// Ubigeo INEI, 6 digits (e.g. "150101" Lima).
    pub ubigeo: String,
    /// Departamento, e.g. "LIMA".
    pub department: String,
    /// Provincia, e.g. "LIMA".
    pub province: String,
    /// Distrito, e.g. "LIMA".
    pub district: String,
    /// Street and number, e.g. "AV. LOS MECÁNICOS 123".
    pub line: String,
}

/// Catálogo 06: the buyer's identity document type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BuyerDocType {
    /// "6" — RUC (11 digits). Required on a factura.
    Ruc,
    /// "1" — DNI (8 digits).
    Dni,
    /// "4" — Carné de extranjería.
    CarneExtranjeria,
    /// "7" — Pasaporte.
    Pasaporte,
    /// "0" — no document (DOC.TRIB.NO.DOM.SIN.RUC), used for "CLIENTES VARIOS".
    SinDocumento,
}

impl BuyerDocType {
    /// The catálogo 06 code.
    pub fn code(self) -> &'static str {
        match self {
            BuyerDocType::Ruc => "6",
            BuyerDocType::Dni => "1",
            BuyerDocType::CarneExtranjeria => "4",
            BuyerDocType::Pasaporte => "7",
            BuyerDocType::SinDocumento => "0",
        }
    }
}

/// Who the comprobante is made out to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buyer {
    /// Document type (catálogo 06).
    pub doc_type: BuyerDocType,
    /// Document number; "-" for clientes varios.
    pub doc_number: String,
    /// Name or razón social (≤ 100 characters).
    pub name: String,
    /// Address, if known (written as the buyer's registration address line).
    pub address: Option<String>,
}

impl Buyer {
    /// The anonymous buyer of a boleta up to S/ 700: type "0", number "-", "CLIENTES VARIOS".
    pub fn clientes_varios() -> Self {
        Buyer {
            doc_type: BuyerDocType::SinDocumento,
            doc_number: "-".into(),
            name: "CLIENTES VARIOS".into(),
            address: None,
        }
    }
}

/// Catálogo 01 document type of the comprobante.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentType {
    /// "01" — factura (UBL `Invoice`).
    Factura,
    /// "03" — boleta de venta (UBL `Invoice`).
    Boleta,
    /// "07" — nota de crédito (UBL `CreditNote`).
    NotaCredito,
    /// "08" — nota de débito (UBL `DebitNote`).
    NotaDebito,
}

impl DocumentType {
    /// The catálogo 01 code, e.g. "01".
    pub fn code(self) -> &'static str {
        match self {
            DocumentType::Factura => "01",
            DocumentType::Boleta => "03",
            DocumentType::NotaCredito => "07",
            DocumentType::NotaDebito => "08",
        }
    }
}

/// The referenced document of a note (only facturas and boletas can be referenced here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferencedDocument {
    /// Type of the modified document: factura or boleta.
    pub doc_type: DocumentType,
    /// Its series, e.g. "F001".
    pub series: String,
    /// Its correlative.
    pub number: u32,
}

/// Catálogo 09 (credit) or catálogo 10 (debit) reason, with the cashier's description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteReason {
    /// Two-digit code: "01" anulación, "07" devolución por ítem (09); "02" aumento en el valor (10)...
    pub code: String,
    /// Free text, ≤ 500 characters.
    pub description: String,
}

/// What kind of comprobante, with what each kind needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentKind {
    /// Factura (01). Needs a buyer with RUC and payment terms.
    Factura {
        /// Contado or Crédito with cuotas.
        payment: PaymentTerms,
        /// Detracción (SPOT), when the operation is subject to it.
        detraccion: Option<Detraccion>,
    },
    /// Boleta de venta (03).
    Boleta,
    /// Nota de crédito (07).
    NotaCredito {
        /// The factura or boleta it modifies.
        reference: ReferencedDocument,
        /// Catálogo 09 reason.
        reason: NoteReason,
    },
    /// Nota de débito (08).
    NotaDebito {
        /// The factura or boleta it modifies.
        reference: ReferencedDocument,
        /// Catálogo 10 reason.
        reason: NoteReason,
    },
}

impl DocumentKind {
    /// The catálogo 01 type.
    pub fn document_type(&self) -> DocumentType {
        match self {
            DocumentKind::Factura { .. } => DocumentType::Factura,
            DocumentKind::Boleta => DocumentType::Boleta,
            DocumentKind::NotaCredito { .. } => DocumentType::NotaCredito,
            DocumentKind::NotaDebito { .. } => DocumentType::NotaDebito,
        }
    }
}

/// Forma de pago of a factura.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentTerms {
    /// Paid in full on issue.
    Contado,
    /// On credit, in cuotas (at least one); the pending amount is their sum.
    Credito(Vec<Cuota>),
}

/// One instalment of a credit sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cuota {
    /// Amount, 2 decimals.
    pub amount: Decimal,
    /// Due date, after the issue date.
    pub due_date: NaiveDate,
}

/// Detracción (SPOT) data of a factura.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detraccion {
    /// Catálogo 54 good/service code, "020" mantenimiento y reparación de bienes muebles.
    pub code: String,
    /// Percent, e.g. 12.
    pub percent: Decimal,
    /// Amount withheld, 2 decimals.
    pub amount: Decimal,
    /// The shop's Banco de la Nación detracciones account.
    pub account: String,
}

/// Catálogo 07 affectation of a line (the three onerous cases a service bay uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Affectation {
    /// "10" — gravado, operación onerosa (IGV 18%).
    Gravado,
    /// "20" — exonerado.
    Exonerado,
    /// "30" — inafecto.
    Inafecto,
}

impl Affectation {
    /// The catálogo 07 code.
    pub fn code(self) -> &'static str {
        match self {
            Affectation::Gravado => "10",
            Affectation::Exonerado => "20",
            Affectation::Inafecto => "30",
        }
    }
}

/// One sold item, with the figures the kiosk already computed (IGV included unless said).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The shop's product code (≤ 30 characters).
    pub code: String,
    /// Description (≤ 500 characters).
    pub description: String,
    /// Catálogo 03 unit code: NIU, ZZ, LTR, GLL, KT...
    pub unit_code: String,
    /// Quantity, may be fractional (4.5 L of oil), up to 10 decimals.
    pub quantity: Decimal,
    /// Shelf price per unit, IGV included.
    pub unit_price: Decimal,
    /// quantity × unit price, rounded to 2 decimals, IGV included.
    pub gross: Decimal,
    /// Line discount plus its share of any global discount, IGV included.
    pub discount: Decimal,
    /// gross − discount: what the customer pays for the line.
    pub total: Decimal,
    /// Valor de venta without IGV: round2(total / 1.18) when gravado, else total.
    pub base: Decimal,
    /// total − base (zero unless gravado).
    pub igv: Decimal,
    /// Catálogo 07 affectation.
    pub affectation: Affectation,
}

/// Header totals, exact sums of the lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Totals {
    /// Operaciones gravadas (sum of gravado bases).
    pub gravada: Decimal,
    /// Operaciones exoneradas.
    pub exonerada: Decimal,
    /// Operaciones inafectas.
    pub inafecta: Decimal,
    /// IGV.
    pub igv: Decimal,
    /// Importe total.
    pub total: Decimal,
}

/// A whole comprobante, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comprobante {
    /// The shop.
    pub issuer: Issuer,
    /// The customer.
    pub buyer: Buyer,
    /// Factura, boleta or note, with what each needs.
    pub kind: DocumentKind,
    /// Series, 4 characters (F001, B001, FC01...).
    pub series: String,
    /// Correlative, 1..=99999999.
    pub number: u32,
    /// Issue date, Peru local time.
    pub issue_date: NaiveDate,
    /// Issue time, Peru local time (UTC−5).
    pub issue_time: NaiveTime,
    /// ISO 4217 currency; only "PEN" is supported.
    pub currency: String,
    /// The items.
    pub lines: Vec<Line>,
    /// Header totals.
    pub totals: Totals,
    /// Amount in words (legend 1000), e.g. "CIENTO DIECIOCHO CON 00/100 SOLES".
    pub amount_in_words: String,
}

impl Comprobante {
    /// "F001-123".
    pub fn series_number(&self) -> String {
        format!("{}-{}", self.series, self.number)
    }
}

//! Typed domain errors. `Display` is English (for logs); `mensaje()` is the Spanish text
//! shown on screen.

use rust_decimal::Decimal;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainError {
    RucLength,
    RucNotDigits,
    RucPrefix(String),
    RucCheckDigit { expected: char },
    DniFormat,
    OtherIdFormat,
    NegativeQuantity,
    ZeroQuantity,
    NegativePrice,
    DiscountTooLarge,
    NoLines,
    FacturaNeedsRuc,
    BoletaOver700NeedsId { total: Decimal },
    CreditNoteNeedsReference,
    CreditNoteExceedsOriginal,
    CreditNoteOfCreditNote,
    CreditNoteOfNotaDeVenta,
    SeriesFormat(String),
    SeriesKindMismatch { series: String, kind: &'static str },
    DocumentNumberFormat(String),
    PlateFormat(String),
    OdometerBelowLast { last_km: u32, new_km: u32 },
    NameRequired,
    AmountTooLarge,
    BadAmount(String),
    BadDate(String),
}

impl DomainError {
    /// The message a cashier reads on screen (Spanish, Peru).
    pub fn mensaje(&self) -> String {
        use DomainError::*;
        match self {
            RucLength => "El RUC debe tener 11 dígitos.".into(),
            RucNotDigits => "El RUC solo puede contener números.".into(),
            RucPrefix(p) => {
                format!("El RUC debe empezar con 10, 15, 16, 17 o 20 (empieza con {p}).")
            }
            RucCheckDigit { expected } => {
                format!("RUC inválido: el dígito verificador no coincide (debería ser {expected}).")
            }
            DniFormat => "El DNI debe tener exactamente 8 dígitos.".into(),
            OtherIdFormat => "El documento debe tener entre 1 y 15 letras o números.".into(),
            NegativeQuantity => "La cantidad no puede ser negativa.".into(),
            ZeroQuantity => "La cantidad debe ser mayor que cero.".into(),
            NegativePrice => "El precio no puede ser negativo.".into(),
            DiscountTooLarge => "El descuento no puede superar el importe.".into(),
            NoLines => "Agregue al menos un producto o servicio.".into(),
            FacturaNeedsRuc => "Las facturas exigen que el cliente tenga un RUC válido.".into(),
            BoletaOver700NeedsId { total } => format!(
                "Boleta de S/ {total:.2}: por encima de S/ 700.00 se requiere el nombre y el DNI u otro documento del cliente."
            ),
            CreditNoteNeedsReference => {
                "La nota de crédito debe indicar el comprobante que modifica.".into()
            }
            CreditNoteExceedsOriginal => {
                "La nota de crédito no puede superar el total del comprobante original.".into()
            }
            CreditNoteOfCreditNote => {
                "No se puede emitir una nota de crédito sobre otra nota de crédito.".into()
            }
            CreditNoteOfNotaDeVenta => {
                "La nota de venta no es un comprobante SUNAT: no admite nota de crédito.".into()
            }
            SeriesFormat(s) => format!(
                "Serie «{s}» inválida: debe tener 4 caracteres (letra y tres letras o números)."
            ),
            SeriesKindMismatch { series, kind } => {
                format!("La serie {series} no corresponde a {kind}.")
            }
            DocumentNumberFormat(s) => {
                format!("Número de comprobante «{s}» inválido (ejemplo: B001-00000042).")
            }
            PlateFormat(p) => {
                format!("Placa «{p}» inválida: use 6 o 7 letras y números (ejemplo: ABC-123).")
            }
            OdometerBelowLast { last_km, new_km } => {
                format!("El kilometraje {new_km} km es menor que la última lectura ({last_km} km).")
            }
            NameRequired => "Ingrese el nombre o razón social.".into(),
            AmountTooLarge => "El importe es demasiado grande.".into(),
            BadAmount(s) => format!("«{s}» no es un importe válido."),
            BadDate(s) => format!("«{s}» no es una fecha válida (use AAAA-MM-DD)."),
        }
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DomainError::*;
        match self {
            RucLength => write!(f, "RUC must have 11 digits"),
            RucNotDigits => write!(f, "RUC must be digits only"),
            RucPrefix(p) => write!(f, "RUC prefix {p} is not a valid taxpayer type"),
            RucCheckDigit { expected } => {
                write!(f, "RUC check digit mismatch (expected {expected})")
            }
            DniFormat => write!(f, "DNI must be exactly 8 digits"),
            OtherIdFormat => write!(f, "identity document must be 1-15 alphanumerics"),
            NegativeQuantity => write!(f, "quantity is negative"),
            ZeroQuantity => write!(f, "quantity is zero"),
            NegativePrice => write!(f, "price is negative"),
            DiscountTooLarge => write!(f, "discount exceeds line amount"),
            NoLines => write!(f, "document has no lines"),
            FacturaNeedsRuc => write!(f, "factura requires a customer with a valid RUC"),
            BoletaOver700NeedsId { total } => {
                write!(f, "boleta total {total} > 700 requires buyer identity")
            }
            CreditNoteNeedsReference => write!(f, "credit note without referenced document"),
            CreditNoteExceedsOriginal => write!(f, "credit note total exceeds original"),
            CreditNoteOfCreditNote => write!(f, "credit note cannot reference a credit note"),
            CreditNoteOfNotaDeVenta => write!(f, "credit note cannot reference a nota de venta"),
            SeriesFormat(s) => write!(f, "bad series {s:?}"),
            SeriesKindMismatch { series, kind } => write!(f, "series {series} is not for {kind}"),
            DocumentNumberFormat(s) => write!(f, "bad document number {s:?}"),
            PlateFormat(p) => write!(f, "bad plate {p:?}"),
            OdometerBelowLast { last_km, new_km } => {
                write!(f, "odometer {new_km} km below last reading {last_km} km")
            }
            NameRequired => write!(f, "name is required"),
            AmountTooLarge => write!(f, "amount too large"),
            BadAmount(s) => write!(f, "bad amount {s:?}"),
            BadDate(s) => write!(f, "bad date {s:?}"),
        }
    }
}

impl std::error::Error for DomainError {}

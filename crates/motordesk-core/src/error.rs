//! Typed domain errors. `Display` is English (for logs); `mensaje()` is the Spanish text
//! shown on screen.

use rust_decimal::Decimal;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainError {
    RucLength,
    RucNotDigits,
    RucPrefix(String),
    RucCheckDigit {
        expected: char,
    },
    DniFormat,
    OtherIdFormat,
    NegativeQuantity,
    ZeroQuantity,
    NegativePrice,
    DiscountTooLarge,
    NoLines,
    FacturaNeedsRuc,
    BoletaOver700NeedsId {
        total: Decimal,
    },
    CreditNoteNeedsReference,
    CreditNoteExceedsOriginal,
    CreditNoteOfCreditNote,
    CreditNoteOfNotaDeVenta,
    SeriesFormat(String),
    SeriesKindMismatch {
        series: String,
        kind: &'static str,
    },
    DocumentNumberFormat(String),
    PlateFormat(String),
    OdometerBelowLast {
        last_km: u32,
        new_km: u32,
    },
    NameRequired,
    AmountTooLarge,
    BadAmount(String),
    BadDate(String),
    /// Cash received is less than the total.
    CashShort {
        received: Decimal,
        total: Decimal,
    },
    /// A split payment does not reach the total yet.
    SplitShort {
        missing: Decimal,
    },
    /// A split payment's parts add up to more than the total.
    SplitOver {
        excess: Decimal,
    },
    /// A float, cash movement or count is negative or has more than two decimals.
    DrawerAmount,
    /// A cash movement without a reason.
    MovementReasonRequired,
    /// A part of a split payment is zero or negative.
    SplitPartAmount,
    /// Two parts of a split payment name the same method.
    SplitRepeatsMethod,
    DebitNoteNeedsReference,
    /// A note names a document of the wrong series letter for its kind.
    NoteReferenceSeries {
        number: String,
        kind: &'static str,
    },
    /// A credit reason on a debit note or the other way round.
    NoteReasonMismatch,
    /// The note would be dated before the document it modifies.
    NoteBeforeReference {
        number: String,
    },
    /// Earlier credit notes plus this one would exceed the document.
    CreditNotesExceedOriginal {
        room: Decimal,
    },
    /// Correlatives run 1..=99,999,999.
    CorrelativeOutOfRange(u32),
    CreditTermsOnlyOnFactura,
    CuotasRequired,
    CuotaAmount,
    CuotasDontAddUp {
        expected: Decimal,
        got: Decimal,
    },
    CuotaDueNotAfterIssue,
    /// A detracción applies and the shop has no Banco de la Nación account set.
    DetraccionNeedsAccount,
    /// The shop's RUC, razón social or address is not set (or still the test RUC).
    IssuerNotConfigured,
    /// A text longer than its field allows (`limits`), in characters.
    TextTooLong {
        field: &'static str,
        max: usize,
    },
    /// More lines than one document may carry.
    TooManyLines {
        max: usize,
    },
    /// A vehicle carries more reminder marks than one per kind of alert.
    TooManyContactMarks {
        max: usize,
    },
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
                format!(
                    "El kilometraje {} km es menor que la última lectura ({} km).",
                    crate::thousands(*new_km),
                    crate::thousands(*last_km)
                )
            }
            NameRequired => "Ingrese el nombre o razón social.".into(),
            AmountTooLarge => "El importe es demasiado grande.".into(),
            BadAmount(s) => format!("«{s}» no es un importe válido."),
            BadDate(s) => format!("«{s}» no es una fecha válida (use AAAA-MM-DD)."),
            CashShort { received, total } => format!(
                "El efectivo recibido (S/ {received:.2}) es menor que el total (S/ {total:.2})."
            ),
            SplitShort { missing } => {
                format!("Falta cobrar S/ {missing:.2}: agregue otro medio de pago.")
            }
            SplitOver { excess } => format!(
                "Los pagos superan el total en S/ {excess:.2}: quite un pago y vuelva a ingresarlo."
            ),
            DrawerAmount => "Ingrese un importe en soles mayor o igual a cero, con hasta dos decimales.".into(),
            MovementReasonRequired => "Escriba el motivo del ingreso o retiro de efectivo.".into(),
            SplitPartAmount => "Cada pago debe ser mayor que cero.".into(),
            SplitRepeatsMethod => "Cada medio de pago puede aparecer una sola vez.".into(),
            DebitNoteNeedsReference => {
                "La nota de débito debe indicar el comprobante que modifica.".into()
            }
            NoteReferenceSeries { number, kind } => format!(
                "El comprobante {number} no tiene serie de {kind}: una nota sobre una factura cita una serie F…, sobre una boleta una serie B…."
            ),
            NoteReasonMismatch => {
                "El motivo elegido no corresponde a este tipo de nota (crédito o débito).".into()
            }
            NoteBeforeReference { number } => format!(
                "La nota no puede tener fecha anterior al comprobante que modifica ({number})."
            ),
            CreditNotesExceedOriginal { room } => format!(
                "Las notas de crédito superarían el total del comprobante: queda S/ {room:.2} por acreditar."
            ),
            CorrelativeOutOfRange(n) => {
                format!("Correlativo {n} fuera de rango (1 a 99 999 999).")
            }
            CreditTermsOnlyOnFactura => "El pago al crédito en cuotas es solo para facturas.".into(),
            CuotasRequired => "Una venta al crédito necesita al menos una cuota.".into(),
            CuotaAmount => "Cada cuota debe ser mayor que cero.".into(),
            CuotasDontAddUp { expected, got } => format!(
                "Las cuotas suman S/ {got:.2} pero deben sumar S/ {expected:.2} (el total menos la detracción)."
            ),
            CuotaDueNotAfterIssue => {
                "Cada cuota debe vencer después de la fecha de emisión.".into()
            }
            DetraccionNeedsAccount => {
                "Esta factura está sujeta a detracción: configure la cuenta del Banco de la Nación en Ajustes.".into()
            }
            IssuerNotConfigured => {
                "Falta configurar el RUC, la razón social y la dirección del negocio en Ajustes antes de emitir comprobantes.".into()
            }
            TextTooLong { field, max } => {
                format!("El campo «{field}» admite hasta {max} caracteres.")
            }
            TooManyLines { max } => format!("Un comprobante admite hasta {max} líneas."),
            TooManyContactMarks { max } => {
                format!("Un vehículo guarda hasta {max} recordatorios contactados.")
            }
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
            CashShort { received, total } => {
                write!(f, "cash received {received} is less than total {total}")
            }
            SplitShort { missing } => write!(f, "split payment short by {missing}"),
            SplitOver { excess } => write!(f, "split payment exceeds the total by {excess}"),
            DrawerAmount => write!(f, "drawer amount negative or finer than céntimos"),
            MovementReasonRequired => write!(f, "cash movement without a reason"),
            SplitPartAmount => write!(f, "split payment part is not positive"),
            SplitRepeatsMethod => write!(f, "split payment names a method twice"),
            DebitNoteNeedsReference => write!(f, "debit note without referenced document"),
            NoteReferenceSeries { number, kind } => {
                write!(f, "note references {number}, not a {kind} series")
            }
            NoteReasonMismatch => write!(f, "note reason does not match the note kind"),
            NoteBeforeReference { number } => {
                write!(f, "note dated before the document it modifies ({number})")
            }
            CreditNotesExceedOriginal { room } => {
                write!(f, "credit notes would exceed the original (room {room})")
            }
            CorrelativeOutOfRange(n) => write!(f, "correlative {n} out of 1..=99999999"),
            CreditTermsOnlyOnFactura => write!(f, "credit terms are for facturas only"),
            CuotasRequired => write!(f, "credit terms need at least one cuota"),
            CuotaAmount => write!(f, "cuota amount must be positive"),
            CuotasDontAddUp { expected, got } => {
                write!(f, "cuotas add up to {got}, expected {expected}")
            }
            CuotaDueNotAfterIssue => write!(f, "cuota due date not after the issue date"),
            DetraccionNeedsAccount => write!(f, "detracción applies but no account is set"),
            IssuerNotConfigured => write!(f, "issuer RUC, name or address not configured"),
            TextTooLong { field, max } => write!(f, "{field} longer than {max} characters"),
            TooManyLines { max } => write!(f, "more than {max} lines"),
            TooManyContactMarks { max } => write!(f, "more than {max} reminder marks"),
        }
    }
}

impl std::error::Error for DomainError {}

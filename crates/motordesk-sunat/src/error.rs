//! One error enum per operation (build, sign, certificate), each with an English `Display`
//! for logs and a Spanish `mensaje()` for the kiosk screen. Causes are kept as `#[source]`.

use chrono::{DateTime, Utc};
use thiserror::Error;

/// Why a comprobante could not be written as UBL XML.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// A required text is empty or only blanks.
    #[error("{field} is empty")]
    Empty {
        /// Which field.
        field: &'static str,
    },
    /// A text is longer than SUNAT accepts; it is refused, never truncated.
    #[error("{field} has {len} characters, SUNAT accepts at most {max}")]
    TooLong {
        /// Which field.
        field: &'static str,
        /// Characters given.
        len: usize,
        /// Characters allowed.
        max: usize,
    },
    /// A text holds a character XML 1.0 cannot carry (control characters) or a line
    /// break where SUNAT wants a single line (names, addresses).
    #[error("{field} contains a character that is not allowed there")]
    InvalidCharacter {
        /// Which field.
        field: &'static str,
    },
    /// A code or number does not have SUNAT's format (RUC, DNI, ubigeo, series, unit...).
    #[error("{field} has an invalid format: {value:?}")]
    InvalidFormat {
        /// Which field.
        field: &'static str,
        /// The value given.
        value: String,
    },
    /// Only soles are supported.
    #[error("currency {0:?} is not supported (only PEN)")]
    UnsupportedCurrency(String),
    /// A comprobante needs at least one line.
    #[error("the document has no lines")]
    NoLines,
    /// A line's figures do not add up (gross − discount = total, base + igv = total...).
    #[error("line {line}: {what}")]
    LineFigures {
        /// 1-based line number.
        line: usize,
        /// What does not add up.
        what: &'static str,
    },
    /// The header totals are not the sums of the lines.
    #[error("header totals: {0}")]
    TotalsFigures(&'static str),
    /// A factura must be made out to a RUC.
    #[error("a factura needs a buyer identified by RUC")]
    FacturaNeedsRuc,
    /// A boleta above S/ 700 must identify the buyer.
    #[error("a boleta above S/ 700.00 needs the buyer's name and identity document")]
    BoletaNeedsBuyer,
    /// Crédito needs at least one cuota, each positive and due after the issue date,
    /// adding up to no more than the amount payable.
    #[error("credit payment terms: {0}")]
    Cuotas(&'static str),
    /// The detracción figures are not usable.
    #[error("detracción: {0}")]
    Detraccion(&'static str),
    /// A note must reference a factura or boleta of the same family (F… / B…).
    #[error("the note's reference does not match its series: {0}")]
    Reference(&'static str),
    /// The reason code is not in catálogo 09 (credit) / 10 (debit).
    #[error("note reason code {0:?} is not in the SUNAT catalogue")]
    ReasonCode(String),
    /// A nota de venta is not a SUNAT document: it has no XML.
    #[error("a nota de venta is not a SUNAT document")]
    NotFiscal,
    /// A credit or debit note without the document it modifies.
    #[error("a note without the document it modifies")]
    NoteWithoutReference,
    /// The total could not be written in words.
    #[error("the total cannot be written in words")]
    AmountInWords,
}

impl BuildError {
    /// The message for the kiosk screen, in Spanish.
    pub fn mensaje(&self) -> String {
        match self {
            BuildError::Empty { field } => format!("Falta el dato «{}».", campo(field)),
            BuildError::TooLong { field, len, max } => format!(
                "«{}» tiene {len} caracteres; SUNAT acepta como máximo {max}.",
                campo(field)
            ),
            BuildError::InvalidCharacter { field } => {
                format!("«{}» contiene un carácter no permitido.", campo(field))
            }
            BuildError::InvalidFormat { field, value } => {
                format!("«{}» no tiene un formato válido: {value}", campo(field))
            }
            BuildError::UnsupportedCurrency(c) => {
                format!("La moneda {c} no está soportada; use soles (PEN).")
            }
            BuildError::NoLines => "El comprobante no tiene ítems.".into(),
            BuildError::LineFigures { line, .. } => {
                format!("Los importes del ítem {line} no cuadran.")
            }
            BuildError::TotalsFigures(_) => {
                "Los totales no coinciden con la suma de los ítems.".into()
            }
            BuildError::FacturaNeedsRuc => "La factura requiere un cliente con RUC.".into(),
            BuildError::BoletaNeedsBuyer => {
                "Una boleta mayor a S/ 700.00 requiere el nombre y documento del cliente.".into()
            }
            BuildError::Cuotas(_) => "Las cuotas del pago al crédito no son válidas.".into(),
            BuildError::Detraccion(_) => "Los datos de la detracción no son válidos.".into(),
            BuildError::Reference(_) => {
                "El documento que se modifica no corresponde a la serie de la nota.".into()
            }
            BuildError::ReasonCode(c) => {
                format!("El motivo {c} no existe en el catálogo de SUNAT.")
            }
            BuildError::NotFiscal => {
                "La nota de venta no es un comprobante SUNAT: no lleva XML.".into()
            }
            BuildError::NoteWithoutReference => {
                "La nota debe indicar el comprobante que modifica.".into()
            }
            BuildError::AmountInWords => "El total no se puede escribir en letras.".into(),
        }
    }
}

/// Spanish label of a model field name, for `mensaje()`.
fn campo(field: &str) -> &str {
    match field {
        "issuer.ruc" => "RUC del emisor",
        "issuer.legal_name" => "Razón social del emisor",
        "issuer.trade_name" => "Nombre comercial",
        "issuer.address.line" => "Dirección fiscal",
        "issuer.address.ubigeo" => "Ubigeo",
        "issuer.address.department" => "Departamento",
        "issuer.address.province" => "Provincia",
        "issuer.address.district" => "Distrito",
        "issuer.establishment_code" => "Código de establecimiento",
        "buyer.doc_number" => "Documento del cliente",
        "buyer.name" => "Nombre del cliente",
        "buyer.address" => "Dirección del cliente",
        "series" => "Serie",
        "number" => "Número",
        "line.code" => "Código del producto",
        "line.description" => "Descripción del producto",
        "line.unit_code" => "Unidad de medida",
        "amount_in_words" => "Importe en letras",
        "reason.description" => "Sustento de la nota",
        "reference.series" => "Serie del documento modificado",
        "detraccion.account" => "Cuenta de detracciones",
        "detraccion.code" => "Código de detracción",
        other => other,
    }
}

/// Why a document could not be signed.
#[derive(Debug, Error)]
pub enum SignError {
    /// The bytes are not an unsigned document produced by [`crate::build`]: the empty
    /// `ext:ExtensionContent` slot is missing or the text is not in the canonical form
    /// this crate writes (signing it would give a signature SUNAT cannot verify).
    #[error("not an unsigned UBL document made by motordesk-sunat: {0}")]
    NotUnsigned(&'static str),
    /// RSA signing failed.
    #[error("RSA signature failed")]
    Rsa(#[source] rsa::Error),
}

impl SignError {
    /// The message for the kiosk screen, in Spanish.
    pub fn mensaje(&self) -> String {
        match self {
            SignError::NotUnsigned(_) => {
                "El XML no es un comprobante sin firmar generado por MotorDesk.".into()
            }
            SignError::Rsa(_) => "No se pudo firmar el comprobante con el certificado.".into(),
        }
    }
}

/// Why a certificate (PKCS#12 file or stored key + certificate) could not be used.
#[derive(Debug, Error)]
pub enum CertificateError {
    /// The PKCS#12 password is wrong (its integrity check failed).
    #[error("wrong PKCS#12 password")]
    WrongPassword,
    /// The file is not a PKCS#12 store this crate can read (or uses an unsupported cipher).
    #[error("cannot read the PKCS#12 file")]
    Unreadable(#[source] p12_keystore::error::Error),
    /// The store holds no private key.
    #[error("the PKCS#12 file holds no private key")]
    NoPrivateKey,
    /// The store holds no certificate.
    #[error("the PKCS#12 file holds no certificate")]
    NoCertificate,
    /// The key is not RSA (SUNAT signatures are RSA-SHA256).
    #[error("the private key is not an RSA key")]
    NotRsa,
    /// The private key is not valid PKCS#8 DER.
    #[error("invalid private key")]
    InvalidKey(#[source] rsa::pkcs8::Error),
    /// The certificate is not valid X.509 DER.
    #[error("invalid X.509 certificate")]
    InvalidCertificate(#[source] x509_parser::error::X509Error),
    /// The certificate does not belong to the private key.
    #[error("the certificate does not match the private key")]
    KeyMismatch,
    /// The certificate has expired.
    #[error("the certificate expired on {not_after}")]
    Expired {
        /// End of validity.
        not_after: DateTime<Utc>,
    },
    /// The certificate is not valid yet.
    #[error("the certificate is not valid before {not_before}")]
    NotYetValid {
        /// Start of validity.
        not_before: DateTime<Utc>,
    },
    /// Making an RSA key failed.
    #[error("RSA key generation failed")]
    KeyGeneration(#[source] rsa::Error),
    /// Making the self-signed certificate failed.
    #[error("certificate generation failed")]
    Generation(#[source] rcgen::Error),
}

impl CertificateError {
    /// The message for the kiosk screen, in Spanish.
    pub fn mensaje(&self) -> String {
        match self {
            CertificateError::WrongPassword => {
                "La contraseña del certificado es incorrecta.".into()
            }
            CertificateError::Unreadable(_) => {
                "El archivo no es un certificado PKCS#12 (.pfx/.p12) válido.".into()
            }
            CertificateError::NoPrivateKey => "El certificado no contiene la clave privada.".into(),
            CertificateError::NoCertificate => "El archivo no contiene ningún certificado.".into(),
            CertificateError::NotRsa => "La clave del certificado no es RSA.".into(),
            CertificateError::InvalidKey(_) => "La clave privada no es válida.".into(),
            CertificateError::InvalidCertificate(_) => "El certificado no es válido.".into(),
            CertificateError::KeyMismatch => {
                "El certificado no corresponde a la clave privada.".into()
            }
            CertificateError::Expired { not_after } => {
                format!("El certificado venció el {}.", not_after.format("%d/%m/%Y"))
            }
            CertificateError::NotYetValid { not_before } => format!(
                "El certificado aún no es válido (desde el {}).",
                not_before.format("%d/%m/%Y")
            ),
            CertificateError::KeyGeneration(_) | CertificateError::Generation(_) => {
                "No se pudo generar el certificado de prueba.".into()
            }
        }
    }
}

//! The errors of the transport, each keeping its cause, each able to say in Spanish what the
//! cashier should do, and each telling the caller whether the fate of the document is known.

use thiserror::Error;

use crate::send::fault::SoapFault;
use crate::send::name::NameError;
use crate::send::verdict::Verdict;

/// SUNAT 1033: "El comprobante fue registrado previamente con otros datos".
const ALREADY_REGISTERED: u32 = 1033;
/// SUNAT 1032: "El comprobante ya esta informado y se encuentra con estado anulado o rechazado".
const ALREADY_REJECTED_OR_VOIDED: u32 = 1032;

/// Reading a zip from the other side failed or broke a limit.
#[derive(Debug, Error)]
pub enum UnzipError {
    /// The bytes are not a readable zip archive.
    #[error("not a readable zip archive")]
    Zip(#[source] zip::result::ZipError),
    /// The archive has more entries than allowed.
    #[error("zip has {count} entries, more than the limit of {limit}")]
    TooManyEntries {
        /// Entries found.
        count: usize,
        /// Limit.
        limit: usize,
    },
    /// An entry decompresses to more than allowed (possible zip bomb).
    #[error("zip entry {name:?} is larger than {limit} bytes decompressed")]
    EntryTooLarge {
        /// Entry name.
        name: String,
        /// Limit in bytes.
        limit: u64,
    },
    /// Decompressing an entry failed.
    #[error("could not decompress zip entry {name:?}")]
    Read {
        /// Entry name.
        name: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
}

/// The SOAP answer is not the envelope the contract promises.
#[derive(Debug, Error)]
pub enum EnvelopeError {
    /// The answer is neither UTF-8 nor declared Latin-1.
    #[error("answer is not valid UTF-8")]
    Encoding(#[source] std::str::Utf8Error),
    /// The answer is not well-formed XML.
    #[error("answer is not well-formed XML")]
    Xml(#[source] roxmltree::Error),
    /// No `soap:Envelope/soap:Body` with a child element.
    #[error("answer has no SOAP Body")]
    NoBody,
    /// The body lacks an element the operation must return.
    #[error("answer lacks the element <{0}>")]
    MissingElement(&'static str),
    /// A base64 element could not be decoded.
    #[error("element <{element}> is not valid base64")]
    Base64 {
        /// Element name.
        element: &'static str,
        /// Cause.
        #[source]
        source: base64::DecodeError,
    },
    /// A status code is not one the operation defines.
    #[error("unexpected status code {0:?}")]
    UnexpectedStatus(String),
}

/// The CDR (`R-NAME.zip` with an `ApplicationResponse`) could not be read.
#[derive(Debug, Error)]
pub enum CdrError {
    /// The zip itself is broken or breaks a limit.
    #[error("CDR zip is unreadable")]
    Unzip(#[source] UnzipError),
    /// The zip holds no `.xml` entry.
    #[error("CDR zip holds no XML file")]
    NoXmlEntry,
    /// The XML is neither UTF-8 nor declared Latin-1.
    #[error("CDR XML has an invalid encoding")]
    Encoding(#[source] std::str::Utf8Error),
    /// The XML is not well-formed.
    #[error("CDR XML is not well-formed")]
    Xml(#[source] roxmltree::Error),
    /// The root is not an `ApplicationResponse`.
    #[error("CDR root element is <{0}>, not ApplicationResponse")]
    NotApplicationResponse(String),
    /// A required element is missing.
    #[error("CDR lacks {0}")]
    MissingElement(&'static str),
    /// `cbc:ResponseCode` is not a number.
    #[error("CDR ResponseCode {0:?} is not a number")]
    BadResponseCode(String),
}

/// A SOAP call to SUNAT did not give a usable answer.
#[derive(Debug, Error)]
pub enum SendError {
    /// The file name is not `RUC-TT-SERIE-NUMERO`. Nothing was sent.
    #[error("invalid document name")]
    Name(#[source] NameError),
    /// Zipping the XML failed. Nothing was sent.
    #[error("could not zip the document")]
    Pack(#[source] zip::result::ZipError),
    /// The call timed out. The document may or may not have been registered.
    #[error("no answer from {url} within the timeout")]
    Timeout {
        /// URL called.
        url: String,
        /// Cause.
        #[source]
        source: ureq::Error,
    },
    /// Connection, DNS, TLS or I/O failure. The document may or may not have been registered.
    #[error("could not talk to {url}")]
    Transport {
        /// URL called.
        url: String,
        /// Cause.
        #[source]
        source: ureq::Error,
    },
    /// An HTTP error status without a SOAP fault in the body (e.g. 502, 503 from a proxy).
    #[error("HTTP status {status} from {url} without a SOAP answer")]
    HttpStatus {
        /// URL called.
        url: String,
        /// HTTP status.
        status: u16,
    },
    /// The answer is larger than `Limits::max_response_bytes`.
    #[error("answer from {url} is larger than {limit} bytes")]
    ResponseTooLarge {
        /// URL called.
        url: String,
        /// Limit.
        limit: u64,
    },
    /// The answer is not the SOAP envelope the contract promises.
    #[error("unreadable SOAP answer")]
    Envelope(#[source] EnvelopeError),
    /// The answer carried a CDR that could not be read.
    #[error("unreadable CDR in the answer")]
    Cdr(#[source] CdrError),
    /// SUNAT answered with a SOAP fault. Its numeric code (if any) classifies like a CDR code.
    #[error("SUNAT fault {}: {}", .0.faultcode, .0.faultstring)]
    Fault(SoapFault),
}

impl SendError {
    /// The SUNAT verdict when the error carries a SUNAT code (a SOAP fault such as
    /// `soap-env:Client.0151` → exception, `...Client.2223` → rejected).
    ///
    /// Two codes are read by meaning rather than by range: 1033 ("registrado previamente": the
    /// number is already registered, with a verdict only the consult service knows) gives `None`,
    /// and 1032 (already registered as rejected or voided) gives `Rejected`.
    pub fn verdict(&self) -> Option<Verdict> {
        match self {
            SendError::Fault(f) => match f.code() {
                Some(ALREADY_REGISTERED) => None,
                Some(ALREADY_REJECTED_OR_VOIDED) => Some(Verdict::Rejected),
                code => code.map(Verdict::from_code),
            },
            _ => None,
        }
    }

    /// True for SUNAT fault 1033: the number was registered by an earlier send (maybe one whose
    /// answer was lost). Fetch its CDR with `get_status_cdr`; never resend the number.
    pub fn already_registered(&self) -> bool {
        matches!(self, SendError::Fault(f) if f.code() == Some(ALREADY_REGISTERED))
    }

    /// True when the caller does not know SUNAT's verdict: timeouts, broken connections, 5xx,
    /// unreadable answers, faults without a code, and fault 1033 (registered earlier). Ask the
    /// consult service (`get_status_cdr`) before sending the same number again.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            SendError::Name(_) | SendError::Pack(_) => false,
            SendError::Fault(f) => f.code().is_none() || f.code() == Some(ALREADY_REGISTERED),
            SendError::Timeout { .. }
            | SendError::Transport { .. }
            | SendError::HttpStatus { .. }
            | SendError::ResponseTooLarge { .. }
            | SendError::Envelope(_)
            | SendError::Cdr(_) => true,
        }
    }

    /// True when trying again later may help (transport problems and SUNAT exceptions), as
    /// opposed to a rejection or a local mistake.
    pub fn is_retryable(&self) -> bool {
        if self.already_registered() {
            return false;
        }
        match self.verdict() {
            Some(v) => v == Verdict::Exception,
            None => self.outcome_unknown(),
        }
    }

    /// Spanish text for the cashier's screen.
    pub fn mensaje(&self) -> String {
        match self {
            SendError::Name(e) => e.mensaje(),
            SendError::Pack(_) => "No se pudo comprimir el comprobante".to_owned(),
            SendError::Timeout { .. } => {
                "SUNAT no respondió a tiempo; se consultará el estado antes de reenviar".to_owned()
            }
            SendError::Transport { .. } => {
                "No hay conexión con SUNAT; el comprobante queda pendiente de envío".to_owned()
            }
            SendError::HttpStatus { status, .. } => {
                format!("SUNAT no está disponible (HTTP {status}); se reintentará")
            }
            SendError::ResponseTooLarge { .. } => {
                "La respuesta de SUNAT es demasiado grande; se consultará el estado".to_owned()
            }
            SendError::Envelope(_) => {
                "La respuesta de SUNAT no se pudo leer; se consultará el estado".to_owned()
            }
            SendError::Cdr(_) => {
                "La constancia (CDR) de SUNAT no se pudo leer; se consultará el estado".to_owned()
            }
            SendError::Fault(f) => match f.code() {
                Some(code) => format!(
                    "SUNAT respondió el código {code:04}: {}. {}",
                    f.faultstring,
                    Verdict::from_code(code).mensaje()
                ),
                None => format!("Error de SUNAT: {}", f.faultstring),
            },
        }
    }
}

impl UnzipError {
    /// Spanish text for the cashier's screen.
    pub fn mensaje(&self) -> String {
        match self {
            UnzipError::Zip(_) | UnzipError::Read { .. } => "El archivo ZIP está dañado".to_owned(),
            UnzipError::TooManyEntries { .. } => {
                "El archivo ZIP tiene demasiados archivos".to_owned()
            }
            UnzipError::EntryTooLarge { .. } => "El archivo ZIP es demasiado grande".to_owned(),
        }
    }
}

impl EnvelopeError {
    /// Spanish text for the cashier's screen.
    pub fn mensaje(&self) -> String {
        "La respuesta de SUNAT no tiene el formato esperado".to_owned()
    }
}

impl CdrError {
    /// Spanish text for the cashier's screen.
    pub fn mensaje(&self) -> String {
        match self {
            CdrError::Unzip(e) => format!("Constancia de SUNAT ilegible: {}", e.mensaje()),
            _ => "La constancia (CDR) de SUNAT no tiene el formato esperado".to_owned(),
        }
    }
}

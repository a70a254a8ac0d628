//! MotorDesk's SUNAT side: what makes a sale a comprobante electrónico.
//!
//! - [`comprobante`] turns an issued `motordesk_core::Invoice` into SUNAT's model;
//!   [`build`] writes it as UBL 2.1 XML (SUNAT customization 2.0) into an
//!   [`UnsignedXml`] (works without a certificate, so the kiosk sells offline), and
//!   [`sign`] adds the XMLDSig enveloped signature with the shop's [`Certificate`], now or
//!   later; [`SignedXml::digest_value`] is the hash printed on the receipt and in its QR.
//! - [`SunatClient`] sends signed documents to SUNAT or an OSE over SOAP and reads the
//!   CDR ([`Cdr`], [`Verdict`]); [`send_document`] is the never-twice sending rule the
//!   kiosk and the server's dispatcher share.
//!
//! Depends on `motordesk-core` only: no database, no window. Modules are private; this
//! file is the surface.

mod certificate;
mod error;
mod from_invoice;
mod model;
mod names;
mod qr;
mod send;
mod sign;
mod summary;
mod ubl;

pub use certificate::Certificate;
pub use error::{BuildError, CertificateError, SignError};
pub use from_invoice::{comprobante, document_type};
pub use model::{
    Affectation, Buyer, BuyerDocType, Comprobante, Cuota, Detraccion, DocumentKind, DocumentType,
    FiscalAddress, Issuer, Line, NoteReason, PaymentTerms, ReferencedDocument, Totals,
};
pub use names::{file_name, file_name_of, qr_text};
pub use qr::sunat_qr_payload;
pub use send::{
    Cdr, CdrError, CdrNote, ClientConfig, ConsultResult, Credentials, Dispatched, DocumentName,
    Endpoints, EnvelopeError, Limits, NameError, Prior, SendError, SoapFault, SunatClient,
    SunatOutcome, TicketStatus, UnzipError, Verdict, VoidStep, send_document, void_step,
};
pub use sign::{SignedXml, sign};
pub use summary::{
    BajaLine, ComunicacionBaja, MAX_SUMMARY_CORRELATIVE, ResumenDiario, ResumenLine, ResumenStatus,
    SummaryError, SummaryKind, build_baja, build_resumen, summary_file_name, summary_id,
};
pub use ubl::{UnsignedXml, build};

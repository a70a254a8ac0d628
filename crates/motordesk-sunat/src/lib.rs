//! MotorDesk's SUNAT side: what makes a sale a comprobante electrónico. Today the QR
//! payload of the printed representation; the UBL 2.1 XML, its XMLDSig signature and the
//! SOAP client that sends it to SUNAT or an OSE live here too.
//!
//! Depends on `motordesk-core` only: no database, no window. Modules are private; this
//! file is the surface.

mod qr;

pub use qr::sunat_qr_payload;

//! The comprobante electrónico itself: the UBL 2.1 XML of every fiscal document, made and
//! (with the shop's certificate) signed in the same write transaction that issues it,
//! kept sealed and never changed afterwards — except that a document issued before any
//! certificate was imported ("sin firmar") gets its signature once one is.
//!
//! The certificate (private key + X.509) lives only here, sealed like every value; the
//! private key never leaves the store in plaintext.

use crate::store::tables::{INVOICE_XML, INVOICES, SECRETS, UNSIGNED_XML};
use crate::store::{Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use motordesk_core::protocol::ComprobanteUpload;
use motordesk_core::{Hlc, Invoice, RecordKind, RecordMeta, Stored, SyncStatus};
use motordesk_sunat::{Certificate, UnsignedXml};
use redb::{ReadableTable, ReadableTableMetadata, WriteTransaction};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Warn this many days before the certificate expires.
pub(crate) const CERTIFICATE_WARNING_DAYS: i64 = 30;

const CERTIFICATE_ROW: &str = "certificate";

/// The stored XML of one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComprobanteXml {
    /// The exact bytes SUNAT receives (signed), or the unsigned document waiting for a
    /// certificate.
    pub xml: String,
    /// The signature's DigestValue (base64): SUNAT's "hash" on the receipt and in the QR.
    /// `None` while the document is not signed.
    pub digest: Option<String>,
    pub signed_at: Option<DateTime<Utc>>,
    /// `RUC-TT-SERIE-NUMERO`, the name SUNAT expects for the file.
    pub file_name: String,
}

impl ComprobanteXml {
    pub fn is_signed(&self) -> bool {
        self.digest.is_some()
    }
}

/// What Ajustes shows about the imported certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
}

impl CertificateInfo {
    pub fn days_left(&self, now: DateTime<Utc>) -> i64 {
        (self.not_after - now).num_days()
    }
    /// Expired or within `CERTIFICATE_WARNING_DAYS` of it.
    pub fn needs_attention(&self, now: DateTime<Utc>) -> bool {
        self.days_left(now) < CERTIFICATE_WARNING_DAYS
    }
}

#[derive(Serialize, Deserialize)]
struct SealedCertificate {
    key_pkcs8_der: Vec<u8>,
    cert_der: Vec<u8>,
}

fn row(id: Uuid) -> [u8; 16] {
    id.as_u128().to_be_bytes()
}

impl Store {
    /// Builds the XML of a just-issued fiscal document and signs it when the shop has a
    /// valid certificate; inside the issuing transaction, so the document and its XML are
    /// saved together or not at all. A nota de venta has no XML. Returns the file name
    /// when it was signed (the caller then queues it for the server with `queue_signed`,
    /// after the invoice itself, so the server meets them in that order).
    pub(crate) fn write_comprobante(
        &self,
        txn: &WriteTransaction,
        inv: &Invoice,
        issuer: &motordesk_sunat::Issuer,
    ) -> StoreResult<Option<String>> {
        if !inv.kind.is_fiscal() {
            return Ok(None);
        }
        let c = motordesk_sunat::comprobante(inv, issuer)?;
        let file_name = motordesk_sunat::file_name_of(&c);
        let unsigned = motordesk_sunat::build(&c)?;
        // The certificate must be valid when the signature is made (now), whatever date
        // the document carries (the demo backdates its history).
        let now = Utc::now();
        let entry = match self.certificate_in(txn, now)? {
            Some(cert) => {
                let signed = motordesk_sunat::sign(&unsigned, &cert)?;
                ComprobanteXml {
                    xml: String::from_utf8(signed.xml).map_err(|_| StoreError::Tampered("xml"))?,
                    digest: Some(signed.digest_value),
                    signed_at: Some(now),
                    file_name,
                }
            }
            None => {
                txn.open_table(UNSIGNED_XML)?.insert(inv.id.as_u128(), ())?;
                ComprobanteXml {
                    xml: unsigned.as_str().to_string(),
                    digest: None,
                    signed_at: None,
                    file_name,
                }
            }
        };
        let sealed = self.seal_json("invoice_xml", &row(inv.id), &entry)?;
        txn.open_table(INVOICE_XML)?
            .insert(inv.id.as_u128(), sealed.as_slice())?;
        Ok(entry.is_signed().then_some(entry.file_name))
    }

    /// Queues the signed XML of document `id` for the server (whose dispatcher sends it to
    /// SUNAT), in the caller's transaction.
    pub(crate) fn queue_signed(
        &self,
        txn: &WriteTransaction,
        id: Uuid,
        file_name: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        crate::store::outbox::enqueue(
            self,
            txn,
            RecordKind::Comprobante,
            id,
            1,
            format!("XML firmado {file_name}"),
            at,
        )?;
        Ok(())
    }

    /// The signed XML of document `id` as the server takes it (`Stored` of a
    /// `ComprobanteUpload`); `None` while it has no XML or is not signed yet.
    pub(crate) fn comprobante_upload(
        &self,
        id: Uuid,
    ) -> StoreResult<Option<Stored<ComprobanteUpload>>> {
        let Some(doc) = self.comprobante_xml(id)? else {
            return Ok(None);
        };
        let (Some(digest), Some(signed_at)) = (doc.digest, doc.signed_at) else {
            return Ok(None);
        };
        let hlc = Hlc {
            wall_ms: signed_at.timestamp_millis(),
            counter: 0,
            device: self.device_id(),
        };
        Ok(Some(Stored {
            meta: RecordMeta {
                created_at: signed_at,
                modified_at: signed_at,
                synced_at: None,
                status: SyncStatus::Pending,
                hlc,
                version: 1,
                account: self.account().to_string(),
            },
            data: ComprobanteUpload {
                invoice_id: id,
                file_name: doc.file_name,
                xml: doc.xml,
                digest,
            },
        }))
    }

    /// The stored XML of document `id` (`None` for a nota de venta or a document issued
    /// on another kiosk).
    pub fn comprobante_xml(&self, id: Uuid) -> StoreResult<Option<ComprobanteXml>> {
        let r = self.db().begin_read()?;
        let t = r.open_table(INVOICE_XML)?;
        match t.get(id.as_u128())? {
            Some(v) => Ok(Some(self.open_json("invoice_xml", &row(id), v.value())?)),
            None => Ok(None),
        }
    }

    /// How many fiscal documents wait for a certificate ("sin firmar").
    pub fn unsigned_count(&self) -> StoreResult<u64> {
        let r = self.db().begin_read()?;
        Ok(r.open_table(UNSIGNED_XML)?.len()?)
    }

    /// The imported certificate, if any (without its key).
    pub fn certificate_info(&self) -> StoreResult<Option<CertificateInfo>> {
        let r = self.db().begin_read()?;
        let t = r.open_table(SECRETS)?;
        let Some(v) = t.get(CERTIFICATE_ROW)? else {
            return Ok(None);
        };
        let s: SealedCertificate =
            self.open_json("secrets", CERTIFICATE_ROW.as_bytes(), v.value())?;
        // Read it as of its own start so an expired one still shows its dates.
        let cert = read_certificate(&s, None)?;
        Ok(Some(info(&cert)))
    }

    /// Imports the shop's PKCS#12 file (`.pfx`/`.p12`) after checking it (password, RSA
    /// key, not expired), keeps it sealed, and signs every document issued without one.
    /// Returns the certificate and how many documents were signed now.
    pub fn import_certificate(
        &self,
        pkcs12: &[u8],
        password: &str,
    ) -> StoreResult<(CertificateInfo, usize)> {
        let cert = Certificate::from_pkcs12(pkcs12, password)?;
        self.install_certificate(&cert)
    }

    /// Keeps `cert` as the shop's certificate and signs what waits for it.
    pub fn install_certificate(&self, cert: &Certificate) -> StoreResult<(CertificateInfo, usize)> {
        let sealed = self.seal_json(
            "secrets",
            CERTIFICATE_ROW.as_bytes(),
            &SealedCertificate {
                key_pkcs8_der: cert.private_key_der().to_vec(),
                cert_der: cert.certificate_der().to_vec(),
            },
        )?;
        let txn = self.db().begin_write()?;
        txn.open_table(SECRETS)?
            .insert(CERTIFICATE_ROW, sealed.as_slice())?;
        txn.commit()?;
        log::info!("certificate {} installed", cert.subject());
        let signed = self.sign_pending()?;
        Ok((info(cert), signed))
    }

    /// Signs every document issued without a certificate, in one transaction per batch.
    /// Their content does not change: only the signature is added.
    pub fn sign_pending(&self) -> StoreResult<usize> {
        const BATCH: usize = 200;
        let mut done = 0;
        loop {
            let now = Utc::now();
            let txn = self.db().begin_write()?;
            let Some(cert) = self.certificate_in(&txn, now)? else {
                return Ok(done);
            };
            let ids: Vec<u128> = {
                let t = txn.open_table(UNSIGNED_XML)?;
                t.iter()?
                    .take(BATCH)
                    .map(|e| e.map(|(k, _)| k.value()))
                    .collect::<Result<_, _>>()?
            };
            if ids.is_empty() {
                return Ok(done);
            }
            for id in &ids {
                let uuid = Uuid::from_u128(*id);
                let mut entry: ComprobanteXml = {
                    let t = txn.open_table(INVOICE_XML)?;
                    let v = t
                        .get(*id)?
                        .ok_or(StoreError::NotFound("el XML del comprobante"))?;
                    self.open_json("invoice_xml", &row(uuid), v.value())?
                };
                if entry.digest.is_none() {
                    let unsigned = UnsignedXml::from_bytes(entry.xml.into_bytes())?;
                    let signed = motordesk_sunat::sign(&unsigned, &cert)?;
                    entry.xml =
                        String::from_utf8(signed.xml).map_err(|_| StoreError::Tampered("xml"))?;
                    entry.digest = Some(signed.digest_value);
                    entry.signed_at = Some(now);
                    let sealed = self.seal_json("invoice_xml", &row(uuid), &entry)?;
                    txn.open_table(INVOICE_XML)?
                        .insert(*id, sealed.as_slice())?;
                    self.queue_signed(&txn, uuid, &entry.file_name, now)?;
                }
                txn.open_table(UNSIGNED_XML)?.remove(*id)?;
            }
            txn.commit()?;
            done += ids.len();
            log::info!("signed {done} documents issued without a certificate");
        }
    }

    /// The certificate to sign with now: `None` without one, or when it has expired (the
    /// kiosk keeps selling; the documents wait "sin firmar" for a new certificate).
    fn certificate_in(
        &self,
        txn: &WriteTransaction,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Certificate>> {
        let t = txn.open_table(SECRETS)?;
        let Some(v) = t.get(CERTIFICATE_ROW)? else {
            return Ok(None);
        };
        let s: SealedCertificate =
            self.open_json("secrets", CERTIFICATE_ROW.as_bytes(), v.value())?;
        match read_certificate(&s, Some(now)) {
            Ok(c) => Ok(Some(c)),
            Err(StoreError::Certificate(e)) if is_out_of_date(&e) => {
                log::warn!("certificate out of date, issuing unsigned: {e}");
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Every fiscal document issued here between `from` and `to` (inclusive, Lima dates),
    /// with its XML: what the accountant's export writes.
    pub fn comprobantes_between(
        &self,
        from: Option<chrono::NaiveDate>,
        to: Option<chrono::NaiveDate>,
    ) -> StoreResult<Vec<(Invoice, ComprobanteXml)>> {
        let r = self.db().begin_read()?;
        let xml = r.open_table(INVOICE_XML)?;
        let invoices = r.open_table(INVOICES)?;
        let mut out = Vec::new();
        for e in xml.iter()? {
            let (k, v) = e?;
            let id = Uuid::from_u128(k.value());
            let Some(inv) = self.read_record::<Invoice>(&invoices, id)? else {
                continue;
            };
            let day = motordesk_core::lima_date(inv.data.issued_at);
            if from.is_some_and(|f| day < f) || to.is_some_and(|t| day > t) {
                continue;
            }
            let entry: ComprobanteXml = self.open_json("invoice_xml", &row(id), v.value())?;
            out.push((inv.data, entry));
        }
        Ok(out)
    }
}

fn read_certificate(s: &SealedCertificate, now: Option<DateTime<Utc>>) -> StoreResult<Certificate> {
    use motordesk_sunat::CertificateError::{Expired, NotYetValid};
    let at = |t| Certificate::from_der_at(&s.key_pkcs8_der, &s.cert_der, t);
    let cert = match now {
        Some(now) => at(now),
        // For display: an out-of-date certificate is read as of a moment it was valid.
        None => match at(Utc::now()) {
            Err(Expired { not_after }) => at(not_after - chrono::Duration::seconds(1)),
            Err(NotYetValid { not_before }) => at(not_before),
            other => other,
        },
    };
    Ok(cert?)
}

fn is_out_of_date(e: &motordesk_sunat::CertificateError) -> bool {
    matches!(
        e,
        motordesk_sunat::CertificateError::Expired { .. }
            | motordesk_sunat::CertificateError::NotYetValid { .. }
    )
}

fn info(cert: &Certificate) -> CertificateInfo {
    CertificateInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        serial: cert.serial().to_string(),
        not_before: cert.not_before(),
        not_after: cert.not_after(),
    }
}

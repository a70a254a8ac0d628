//! The shop's signing certificate: read from its PKCS#12 file (.pfx/.p12), kept by the
//! kiosk as DER (PKCS#8 key + X.509 certificate) in its sealed store and reloaded from
//! there, or made self-signed for the demo shop and tests.
//!
//! PKCS#12 is read by `p12-keystore` (pure Rust): PBES2 with AES-CBC and PBKDF2-HMAC-SHA-256
//! (OpenSSL 3 `pkcs12 -export` default) and, through its default `pbes1` feature, the legacy
//! PBE-SHA1-3DES and PBE-SHA1-RC2-40 (`-legacy`). MD5-based schemes are not supported.

use crate::error::CertificateError;
use chrono::{DateTime, Datelike, Duration, Utc};
use p12_keystore::Pkcs12Archive;
use rsa::pkcs1v15::Pkcs1v15Sign;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, PrivateKeyInfo};
use rsa::rand_core::OsRng;
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use zeroize::Zeroizing;

/// OID rsaEncryption (1.2.840.113549.1.1.1).
const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";

/// An RSA private key with its X.509 certificate, ready to sign.
#[derive(Clone)]
pub struct Certificate {
    key: RsaPrivateKey,
    /// PKCS#8 DER of the key, wiped from memory on drop.
    key_der: Zeroizing<Vec<u8>>,
    cert_der: Vec<u8>,
    subject: String,
    issuer: String,
    serial: String,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_struct("Certificate")
            .field("subject", &self.subject)
            .field("serial", &self.serial)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

impl Certificate {
    /// Reads a PKCS#12 file; refuses it if it is not valid right now.
    pub fn from_pkcs12(data: &[u8], password: &str) -> Result<Self, CertificateError> {
        Self::from_pkcs12_at(data, password, Utc::now())
    }

    /// Reads a PKCS#12 file; refuses it if it is not valid at `now`.
    pub fn from_pkcs12_at(
        data: &[u8],
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<Self, CertificateError> {
        let archive = Pkcs12Archive::from_pkcs12(data, password).map_err(|e| match e {
            p12_keystore::error::Error::MacError(_) => CertificateError::WrongPassword,
            // A wrong password on a MAC-less file shows up as bad padding after decryption.
            p12_keystore::error::Error::UnpadError => CertificateError::WrongPassword,
            e => CertificateError::Unreadable(e),
        })?;
        let key_bag = archive.keys.first().ok_or(CertificateError::NoPrivateKey)?;
        let cert_bag = archive
            .certs
            .iter()
            .find(|c| {
                key_bag
                    .local_key_id
                    .as_ref()
                    .is_some_and(|id| c.local_key_id.as_deref() == Some(id.as_ref()))
            })
            .or_else(|| archive.certs.first())
            .ok_or(CertificateError::NoCertificate)?;
        Self::from_der_at(key_bag.key.as_der(), cert_bag.cert.as_der(), now)
    }

    /// Reloads a key (PKCS#8 DER) and certificate (X.509 DER) kept by the kiosk; refuses
    /// them if the certificate is not valid right now.
    pub fn from_der(key_pkcs8_der: &[u8], cert_der: &[u8]) -> Result<Self, CertificateError> {
        Self::from_der_at(key_pkcs8_der, cert_der, Utc::now())
    }

    /// As [`Certificate::from_der`], checking validity at `now`.
    pub fn from_der_at(
        key_pkcs8_der: &[u8],
        cert_der: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Self, CertificateError> {
        let info = PrivateKeyInfo::try_from(key_pkcs8_der).map_err(CertificateError::InvalidKey)?;
        if info.algorithm.oid.to_string() != RSA_ENCRYPTION {
            return Err(CertificateError::NotRsa);
        }
        let key =
            RsaPrivateKey::from_pkcs8_der(key_pkcs8_der).map_err(CertificateError::InvalidKey)?;
        let (_, x509) = x509_parser::parse_x509_certificate(cert_der).map_err(|e| {
            CertificateError::InvalidCertificate(match e {
                x509_parser::nom::Err::Error(e) | x509_parser::nom::Err::Failure(e) => e,
                x509_parser::nom::Err::Incomplete(_) => {
                    x509_parser::error::X509Error::InvalidCertificate
                }
            })
        })?;
        let public = RsaPublicKey::from_public_key_der(x509.public_key().raw)
            .map_err(|_| CertificateError::KeyMismatch)?;
        if public != RsaPublicKey::from(&key) {
            return Err(CertificateError::KeyMismatch);
        }
        let validity = x509.validity();
        let not_before = DateTime::from_timestamp(validity.not_before.timestamp(), 0)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let not_after = DateTime::from_timestamp(validity.not_after.timestamp(), 0)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        if now > not_after {
            return Err(CertificateError::Expired { not_after });
        }
        if now < not_before {
            return Err(CertificateError::NotYetValid { not_before });
        }
        let serial = x509
            .raw_serial()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<String>();
        Ok(Certificate {
            subject: x509.subject().to_string(),
            issuer: x509.issuer().to_string(),
            serial,
            not_before,
            not_after,
            key,
            key_der: Zeroizing::new(key_pkcs8_der.to_vec()),
            cert_der: cert_der.to_vec(),
        })
    }

    /// A self-signed RSA-2048 certificate for a RUC and name (demo shop, tests, SUNAT beta,
    /// which accepts any certificate), valid from yesterday for `valid_days` days. No
    /// external program is used.
    pub fn self_signed(ruc: &str, name: &str, valid_days: u32) -> Result<Self, CertificateError> {
        let key = RsaPrivateKey::new(&mut OsRng, 2048).map_err(CertificateError::KeyGeneration)?;
        let key_der = Zeroizing::new(
            key.to_pkcs8_der()
                .map_err(CertificateError::InvalidKey)?
                .as_bytes()
                .to_vec(),
        );
        let key_pair =
            rcgen::KeyPair::try_from(key_der.as_slice()).map_err(CertificateError::Generation)?;
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new())
            .map_err(CertificateError::Generation)?;
        let mut dn = rcgen::DistinguishedName::new();
        dn.push(rcgen::DnType::CountryName, "PE");
        dn.push(rcgen::DnType::OrganizationName, name);
        dn.push(rcgen::DnType::OrganizationalUnitName, format!("RUC {ruc}"));
        dn.push(rcgen::DnType::CommonName, name);
        params.distinguished_name = dn;
        let now = Utc::now();
        let start = now - Duration::days(1);
        let end = now + Duration::days(i64::from(valid_days));
        params.not_before =
            rcgen::date_time_ymd(start.year(), start.month() as u8, start.day() as u8);
        params.not_after = rcgen::date_time_ymd(end.year(), end.month() as u8, end.day() as u8);
        let mut serial = [0u8; 16];
        rsa::rand_core::RngCore::fill_bytes(&mut OsRng, &mut serial);
        serial[0] &= 0x7F;
        serial[0] |= 0x01;
        params.serial_number = Some(rcgen::SerialNumber::from(serial.to_vec()));
        let cert = params
            .self_signed(&key_pair)
            .map_err(CertificateError::Generation)?;
        Self::from_der_at(&key_der, cert.der(), now)
    }

    /// The private key as PKCS#8 DER, to keep sealed in the kiosk's store.
    pub fn private_key_der(&self) -> &[u8] {
        &self.key_der
    }

    /// The certificate as X.509 DER.
    pub fn certificate_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// The certificate as PEM text (for `xmlsec1 --pubkey-cert-pem`, or SUNAT's portal).
    pub fn certificate_pem(&self) -> String {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(&self.cert_der);
        let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
        for chunk in b64.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
        pem
    }

    /// Subject distinguished name, e.g. "C=PE, O=…, CN=…".
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Issuer distinguished name.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Serial number, upper-case hex.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// Start of validity.
    pub fn not_before(&self) -> DateTime<Utc> {
        self.not_before
    }

    /// End of validity.
    pub fn not_after(&self) -> DateTime<Utc> {
        self.not_after
    }

    /// Whole days left until expiry at `now` (negative once expired).
    pub fn days_left(&self, now: DateTime<Utc>) -> i64 {
        (self.not_after - now).num_days()
    }

    /// True when the certificate expires within `days` days of `now` (the kiosk warns at 30).
    pub fn expires_within(&self, days: i64, now: DateTime<Utc>) -> bool {
        self.not_after - now < Duration::days(days)
    }

    /// RSA PKCS#1 v1.5 signature over SHA-256 of `message`.
    pub(crate) fn sign_sha256(&self, message: &[u8]) -> Result<Vec<u8>, rsa::Error> {
        use sha2::Digest;
        let hash = Sha256::digest(message);
        self.key
            .sign_with_rng(&mut OsRng, Pkcs1v15Sign::new::<Sha256>(), &hash)
    }
}

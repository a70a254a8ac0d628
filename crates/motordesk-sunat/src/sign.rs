//! The XMLDSig enveloped signature SUNAT requires, placed in
//! `ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent`.
//!
//! Canonicalisation is by construction, not by parsing: [`crate::build`] writes the
//! document already in inclusive Canonical XML 1.0 form, and the enveloped-signature
//! transform removes exactly the `ds:Signature` we insert, so the reference digest is
//! SHA-256 of the unsigned document minus its XML declaration. `ds:SignedInfo` is written
//! here in canonical form too; inclusive C14N of a subset puts on it every namespace
//! declaration in scope — the root's (default, cac, cbc, ds, ext, and sac on summaries), in order —
//! so the bytes signed carry them while the document itself inherits them.

use crate::certificate::Certificate;
use crate::error::SignError;
use crate::ubl::codes::SIGNATURE_ID;
use crate::ubl::{DECLARATION, SIGNATURE_SLOT, UnsignedXml};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest, Sha256};

const C14N: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";

/// A signed comprobante.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedXml {
    /// The signed XML document (UTF-8), as sent to SUNAT inside the ZIP.
    pub xml: Vec<u8>,
    /// `ds:DigestValue` (base64): SUNAT's "hash"/"resumen", printed on the receipt and
    /// put in the QR.
    pub digest_value: String,
    /// `ds:SignatureValue` (base64).
    pub signature_value: String,
}

/// Signs a document made by [`crate::build`] (now, or later after
/// [`UnsignedXml::from_bytes`]).
pub fn sign(unsigned: &UnsignedXml, certificate: &Certificate) -> Result<SignedXml, SignError> {
    let text = unsigned.as_str();
    let canonical = text
        .strip_prefix(DECLARATION)
        .ok_or(SignError::NotUnsigned("missing the XML declaration"))?;
    let digest_value = B64.encode(Sha256::digest(canonical.as_bytes()));

    let signed_info_body = format!(
        "<ds:CanonicalizationMethod Algorithm=\"{C14N}\"></ds:CanonicalizationMethod>\
         <ds:SignatureMethod Algorithm=\"{RSA_SHA256}\"></ds:SignatureMethod>\
         <ds:Reference URI=\"\"><ds:Transforms><ds:Transform Algorithm=\"{ENVELOPED}\"></ds:Transform></ds:Transforms>\
         <ds:DigestMethod Algorithm=\"{SHA256}\"></ds:DigestMethod>\
         <ds:DigestValue>{digest_value}</ds:DigestValue></ds:Reference></ds:SignedInfo>"
    );
    let namespaces = unsigned.root().namespace_declarations();
    let canonical_signed_info = format!("<ds:SignedInfo{namespaces}>{signed_info_body}");
    let signature = certificate
        .sign_sha256(canonical_signed_info.as_bytes())
        .map_err(SignError::Rsa)?;
    let signature_value = B64.encode(signature);
    let cert_b64 = B64.encode(certificate.certificate_der());

    let block = format!(
        "<ext:ExtensionContent><ds:Signature Id=\"{SIGNATURE_ID}\"><ds:SignedInfo>{signed_info_body}\
         <ds:SignatureValue>{signature_value}</ds:SignatureValue>\
         <ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert_b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\
         </ds:Signature></ext:ExtensionContent>"
    );
    let at = text
        .find(SIGNATURE_SLOT)
        .ok_or(SignError::NotUnsigned("no empty ext:ExtensionContent slot"))?;
    let mut xml = String::with_capacity(text.len() + block.len());
    xml.push_str(&text[..at]);
    xml.push_str(&block);
    xml.push_str(&text[at + SIGNATURE_SLOT.len()..]);
    Ok(SignedXml {
        xml: xml.into_bytes(),
        digest_value,
        signature_value,
    })
}

//! The signature reference block and the two parties (the shop and its customer), with
//! the catálogo 06 scheme attributes SUNAT checks (4255–4257).

use super::codes::*;
use super::xml::Xml;
use crate::model::Comprobante;

/// `cac:Signature`: points at the `ds:Signature` with the same Id.
pub(super) fn signature_reference(x: &mut Xml, c: &Comprobante) {
    x.raw("<cac:Signature>");
    x.el("cbc:ID", SIGNATURE_ID);
    x.raw("<cac:SignatoryParty><cac:PartyIdentification>");
    x.el("cbc:ID", &c.issuer.ruc);
    x.raw("</cac:PartyIdentification><cac:PartyName>");
    x.el("cbc:Name", &c.issuer.legal_name);
    x.raw("</cac:PartyName></cac:SignatoryParty>");
    x.raw("<cac:DigitalSignatureAttachment><cac:ExternalReference>");
    x.el("cbc:URI", &format!("#{SIGNATURE_ID}"));
    x.raw("</cac:ExternalReference></cac:DigitalSignatureAttachment></cac:Signature>");
}

fn identity(x: &mut Xml, scheme_id: &str, number: &str) {
    x.raw("<cac:PartyIdentification>");
    x.leaf(
        "cbc:ID",
        &[
            ("schemeAgencyName", SUNAT),
            ("schemeID", scheme_id),
            ("schemeName", "Documento de Identidad"),
            ("schemeURI", CAT06),
        ],
        number,
    );
    x.raw("</cac:PartyIdentification>");
}

fn country(x: &mut Xml) {
    x.raw("<cac:Country>");
    x.leaf(
        "cbc:IdentificationCode",
        &[
            ("listAgencyName", UNECE),
            ("listID", "ISO 3166-1"),
            ("listName", "Country"),
        ],
        "PE",
    );
    x.raw("</cac:Country>");
}

/// `cac:AccountingSupplierParty`: RUC, nombre comercial, razón social and fiscal address.
pub(super) fn supplier(x: &mut Xml, c: &Comprobante) {
    let i = &c.issuer;
    x.raw("<cac:AccountingSupplierParty><cac:Party>");
    identity(x, "6", &i.ruc);
    if let Some(t) = &i.trade_name {
        x.raw("<cac:PartyName>");
        x.el("cbc:Name", t);
        x.raw("</cac:PartyName>");
    }
    x.raw("<cac:PartyLegalEntity>");
    x.el("cbc:RegistrationName", &i.legal_name);
    x.raw("<cac:RegistrationAddress>");
    x.leaf(
        "cbc:ID",
        &[("schemeAgencyName", "PE:INEI"), ("schemeName", "Ubigeos")],
        &i.address.ubigeo,
    );
    x.leaf(
        "cbc:AddressTypeCode",
        &[
            ("listAgencyName", SUNAT),
            ("listName", "Establecimientos anexos"),
        ],
        &i.establishment_code,
    );
    x.el("cbc:CityName", &i.address.province);
    x.el("cbc:CountrySubentity", &i.address.department);
    x.el("cbc:District", &i.address.district);
    x.raw("<cac:AddressLine>");
    x.el("cbc:Line", &i.address.line);
    x.raw("</cac:AddressLine>");
    country(x);
    x.raw("</cac:RegistrationAddress></cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>");
}

/// `cac:AccountingCustomerParty`: document, name and, if known, address.
pub(super) fn customer(x: &mut Xml, c: &Comprobante) {
    let b = &c.buyer;
    x.raw("<cac:AccountingCustomerParty><cac:Party>");
    identity(x, b.doc_type.code(), &b.doc_number);
    x.raw("<cac:PartyLegalEntity>");
    x.el("cbc:RegistrationName", &b.name);
    if let Some(a) = &b.address {
        x.raw("<cac:RegistrationAddress><cac:AddressLine>");
        x.el("cbc:Line", a);
        x.raw("</cac:AddressLine>");
        country(x);
        x.raw("</cac:RegistrationAddress>");
    }
    x.raw("</cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>");
}

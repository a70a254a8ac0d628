//! SUNAT's fixed attribute values (catalogue names, agencies and URIs) in one place, so
//! every element carries exactly the strings the validation rules 4251–4261 expect.

pub(crate) const NS_CAC: &str =
    "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
pub(crate) const NS_CBC: &str =
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
pub(crate) const NS_DS: &str = "http://www.w3.org/2000/09/xmldsig#";
pub(crate) const NS_EXT: &str =
    "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2";

pub(crate) const SUNAT: &str = "PE:SUNAT";
pub(crate) const UNECE: &str = "United Nations Economic Commission for Europe";

pub(crate) const CAT01: &str = "urn:pe:gob:sunat:cpe:see:gem:catalogos:catalogo01";
pub(crate) const CAT05: &str = "urn:pe:gob:sunat:cpe:see:gem:catalogos:catalogo05";
pub(crate) const CAT06: &str = "urn:pe:gob:sunat:cpe:see:gem:catalogos:catalogo06";
pub(crate) const CAT07: &str = "urn:pe:gob:sunat:cpe:see:gem:catalogos:catalogo07";
pub(crate) const CAT09: &str = "urn:pe:gob:sunat:cpe:see:gem:catalogos:catalogo09";
pub(crate) const CAT10: &str = "urn:pe:gob:sunat:cpe:see:gem:catalogos:catalogo10";
pub(crate) const CAT16: &str = "urn:pe:gob:sunat:cpe:see:gem:catalogos:catalogo16";
pub(crate) const CAT51: &str = "urn:pe:gob:sunat:cpe:see:gem:catalogos:catalogo51";
pub(crate) const CAT53: &str = "urn:pe:gob:sunat:cpe:see:gem:catalogos:catalogo53";
pub(crate) const CAT54: &str = "urn:pe:gob:sunat:cpe:see:gem:catalogos:catalogo54";
pub(crate) const CAT59: &str = "urn:pe:gob:sunat:cpe:see:gem:catalogos:catalogo59";

/// `currencyID="PEN"` for every amount.
pub(crate) const PEN: [(&str, &str); 1] = [("currencyID", "PEN")];

/// Id shared by `cac:Signature/cbc:ID`, its `#URI` and `ds:Signature/@Id`.
pub(crate) const SIGNATURE_ID: &str = "SignatureSP";

/// Catálogo 05 tax scheme of a line/subtotal: (code, name, international type).
pub(crate) fn tax_scheme(
    a: crate::model::Affectation,
) -> (&'static str, &'static str, &'static str) {
    match a {
        crate::model::Affectation::Gravado => ("1000", "IGV", "VAT"),
        crate::model::Affectation::Exonerado => ("9997", "EXO", "VAT"),
        crate::model::Affectation::Inafecto => ("9998", "INA", "FRE"),
    }
}

//! Builds the CDR the stand-in answers: an UBL 2.1 `ApplicationResponse` shaped like SUNAT's
//! (ResponseCode, Description, Notes, DocumentReference), zipped as `R-NAME.zip`. It is NOT
//! signed: the client does not verify SUNAT's signature, and signing would need a key.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::clock;
use crate::soap::escape;
use crate::zipio;

static SEQUENCE: AtomicU64 = AtomicU64::new(1);

/// What the CDR says.
pub struct CdrContent<'a> {
    /// File name without extension (`20000000001-01-F001-1`).
    pub name: &'a str,
    /// Emitter RUC (receiver of the CDR).
    pub ruc: &'a str,
    /// Document id (`F001-1`) or summary id (`RC-20261125-1`).
    pub reference_id: &'a str,
    /// ResponseCode.
    pub code: u32,
    /// Description.
    pub description: &'a str,
    /// Notes, `"NNNN - text"`.
    pub notes: &'a [String],
}

/// Human description of document type `tt` as SUNAT writes it.
pub fn type_label(tt: &str) -> &'static str {
    match tt {
        "01" => "Factura",
        "03" => "Boleta de Venta",
        "07" => "Nota de Credito",
        "08" => "Nota de Debito",
        "RC" => "Resumen diario",
        "RA" => "Comunicacion de baja",
        _ => "Comprobante",
    }
}

/// The CDR XML.
pub fn xml(c: &CdrContent<'_>) -> String {
    let (date, time) = clock::now_utc();
    let id = format!(
        "{}{:06}",
        date.replace('-', ""),
        SEQUENCE.fetch_add(1, Ordering::Relaxed)
    );
    let notes: String = c
        .notes
        .iter()
        .map(|n| format!("<cbc:Note>{}</cbc:Note>", escape(n)))
        .collect();
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            "\n",
            r#"<ar:ApplicationResponse xmlns:ar="urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2" "#,
            r#"xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" "#,
            r#"xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">"#,
            "<cbc:UBLVersionID>2.0</cbc:UBLVersionID><cbc:CustomizationID>1.0</cbc:CustomizationID>",
            "<cbc:ID>{id}</cbc:ID><cbc:IssueDate>{date}</cbc:IssueDate><cbc:IssueTime>{time}</cbc:IssueTime>",
            "<cbc:ResponseDate>{date}</cbc:ResponseDate><cbc:ResponseTime>{time}</cbc:ResponseTime>",
            "{notes}",
            "<cac:SenderParty><cac:PartyIdentification><cbc:ID>20131312955</cbc:ID></cac:PartyIdentification></cac:SenderParty>",
            "<cac:ReceiverParty><cac:PartyIdentification><cbc:ID>{ruc}</cbc:ID></cac:PartyIdentification></cac:ReceiverParty>",
            "<cac:DocumentResponse><cac:Response><cbc:ReferenceID>{reference}</cbc:ReferenceID>",
            "<cbc:ResponseCode>{code}</cbc:ResponseCode><cbc:Description>{description}</cbc:Description></cac:Response>",
            "<cac:DocumentReference><cbc:ID>{reference}</cbc:ID></cac:DocumentReference></cac:DocumentResponse>",
            "</ar:ApplicationResponse>\n"
        ),
        id = id,
        date = date,
        time = time,
        notes = notes,
        ruc = escape(c.ruc),
        reference = escape(c.reference_id),
        code = c.code,
        description = escape(c.description),
    )
}

/// The CDR zip `R-NAME.zip` holding `R-NAME.xml`.
pub fn zip(c: &CdrContent<'_>) -> Vec<u8> {
    zipio::single_entry_zip(&format!("R-{}.xml", c.name), xml(c).as_bytes())
}

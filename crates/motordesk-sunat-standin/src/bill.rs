//! `sendBill`: the synchronous path for facturas, boletas and notes. Credentials, file name,
//! zip, duplicate number, XSD, signature, SUNAT's XSL rules, then a CDR that is stored before it
//! is answered (so a lost answer can be recovered through the consult service).

use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::app::{self, App, FileName};
use crate::args::{Checks, DuplicatePolicy};
use crate::cdr::{self, CdrContent};
use crate::checks::{self, RulesOutcome, WorkDir};
use crate::faults::FaultMode;
use crate::soap::{self, SoapRequest};
use crate::store::{self, StoredDocument};
use crate::sunat_error::SunatFault;

/// Handles one sendBill.
pub async fn send_bill(app: &App, req: &SoapRequest) -> Response {
    match process(app, req).await {
        Ok(answer) => answer,
        Err(fault) => {
            eprintln!("sendBill {}: fault {:?}", req.param("fileName"), fault);
            fault.into_response()
        }
    }
}

fn cdr_answer(cdr_zip: &[u8]) -> Response {
    soap::result(
        "sendBill",
        &format!(
            "<applicationResponse>{}</applicationResponse>",
            STANDARD.encode(cdr_zip)
        ),
    )
}

async fn process(app: &App, req: &SoapRequest) -> Result<Response, SunatFault> {
    app.authenticate(req)?;
    app.count_send(req.param("fileName"), false);
    if let Some(answer) = app::early_fault(app) {
        return Ok(answer);
    }
    let name = app::parse_file_name(req.param("fileName"))?;
    if matches!(name.tt.as_str(), "RC" | "RA") {
        return Err(SunatFault::client(
            152,
            "No se puede enviar por este método un archivo de resumen",
        ));
    }
    if !matches!(name.tt.as_str(), "01" | "03" | "07" | "08") {
        return Err(SunatFault::client(
            151,
            "El nombre del archivo ZIP es incorrecto",
        ));
    }
    if name.ruc != app.user_ruc() {
        return Err(SunatFault::client(
            154,
            "El RUC del archivo no corresponde al RUC del usuario",
        ));
    }
    let zip_bytes = STANDARD
        .decode(
            req.param("contentFile")
                .split_whitespace()
                .collect::<String>(),
        )
        .map_err(|_| SunatFault::client(156, "El archivo ZIP esta corrupto"))?;
    let xml = crate::zipio::read_single_entry(&zip_bytes, &format!("{}.xml", name.base))?;
    let sha = app::sha256_hex(&xml);
    let key = store::document_key(&name.ruc, &name.tt, &name.series, name.number);

    if let Some(existing) = app.store.document(&key) {
        app.count_send(&name.base, true);
        return duplicate(app, &existing, &sha);
    }

    let (mut code, description, mut notes) = validate(app, &name, &xml).await?;
    let mode = app.faults.get();
    let mut description = description;
    if mode == FaultMode::Reject {
        code = 2329;
        description = "La fecha de emision se encuentra fuera del limite permitido".to_owned();
    }
    if mode == FaultMode::Observe {
        notes.push("4252 - El dato ingresado como atributo @listName es incorrecto.".to_owned());
    }
    let reference = format!("{}-{}", name.series, name.number);
    let cdr_zip = cdr::zip(&CdrContent {
        name: &name.base,
        ruc: &name.ruc,
        reference_id: &reference,
        code,
        description: &description,
        notes: &notes,
    });
    let stored = StoredDocument {
        content_sha256: sha.clone(),
        response_code: code,
        cdr_zip_base64: STANDARD.encode(&cdr_zip),
    };
    match app.store.register(&key, stored) {
        Ok(None) => {}
        Ok(Some(existing)) => {
            app.count_send(&name.base, true);
            return duplicate(app, &existing, &sha);
        }
        Err(e) => return Err(SunatFault::server(format!("state file: {e}"))),
    }
    eprintln!(
        "sendBill {}: code {code}, {} note(s)",
        name.base,
        notes.len()
    );
    if mode == FaultMode::BadZip {
        return Ok(cdr_answer(b"PK\x03\x04 this is not a zip"));
    }
    Ok(app::late_fault(app, cdr_answer(&cdr_zip)).await)
}

/// A number that SUNAT already registered.
fn duplicate(app: &App, existing: &StoredDocument, sha: &str) -> Result<Response, SunatFault> {
    if (2000..4000).contains(&existing.response_code) {
        return Err(SunatFault::client(
            1032,
            "El comprobante ya esta informado y se encuentra con estado anulado o rechazado",
        ));
    }
    if app.duplicates == DuplicatePolicy::Idempotent && existing.content_sha256 == sha {
        let zip = STANDARD
            .decode(&existing.cdr_zip_base64)
            .map_err(|e| SunatFault::server(format!("stored CDR: {e}")))?;
        return Ok(cdr_answer(&zip));
    }
    Err(SunatFault::client(
        1033,
        "El comprobante fue registrado previamente con otros datos",
    ))
}

/// XSD, signature and SUNAT rules. Returns (code, description, notes) for the CDR, or the fault
/// for problems SUNAT answers without registering the document.
async fn validate(
    app: &App,
    name: &FileName,
    xml: &[u8],
) -> Result<(u32, String, Vec<String>), SunatFault> {
    let unreadable = || SunatFault::client(306, "No se puede leer (parsear) el archivo XML");
    let text = std::str::from_utf8(xml).map_err(|_| unreadable())?;
    let doc = roxmltree::Document::parse(text).map_err(|_| unreadable())?;
    let kind = match doc.root_element().tag_name().name() {
        "Invoice" => "Invoice",
        "CreditNote" => "CreditNote",
        "DebitNote" => "DebitNote",
        _ => {
            return Err(SunatFault::client(
                301,
                "Elemento raiz del xml no esta definido",
            ));
        }
    };
    let work = WorkDir::new().map_err(|e| SunatFault::server(format!("temp dir: {e}")))?;
    let xml_file_name = format!("{}.xml", name.base);
    let file = work.path().join(&xml_file_name);
    std::fs::write(&file, xml).map_err(|e| SunatFault::server(format!("temp file: {e}")))?;

    let full = app.checks == Checks::Full;
    if full && let Err(detail) = app.tools.schema(&file, kind).await {
        eprintln!("schema: {detail}");
        return Err(SunatFault::client(
            305,
            "El sistema no puede procesar el archivo xml",
        ));
    }
    let pem = checks::embedded_certificate(&doc)
        .ok_or_else(|| SunatFault::client(1059, "El XML no contiene firma digital."))?;
    let cert = work.path().join("cert.pem");
    std::fs::write(&cert, pem).map_err(|e| SunatFault::server(format!("temp file: {e}")))?;
    let signature_ok = app
        .tools
        .signature(&file, &cert)
        .await
        .map_err(SunatFault::server)?;

    let label = cdr::type_label(&name.tt);
    let id = format!("{}-{}", name.series, name.number);
    if !signature_ok {
        return Ok((
            2335,
            "El documento electrónico ingresado ha sido alterado".to_owned(),
            Vec::new(),
        ));
    }
    let rules = if full {
        app.tools
            .rules(&file, &xml_file_name)
            .await
            .map_err(SunatFault::server)?
    } else {
        RulesOutcome::default()
    };
    let notes = rules
        .observations
        .iter()
        .map(|(c, t)| format!("{c} - {t}"))
        .collect();
    match rules.error {
        Some((code, text)) if code < 2000 => Err(SunatFault::client(code, text)),
        Some((code, text)) => Ok((code, text, notes)),
        None => Ok((
            0,
            format!("La {label} numero {id}, ha sido aceptada"),
            notes,
        )),
    }
}

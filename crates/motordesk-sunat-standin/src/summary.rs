//! `sendSummary` and `getStatus(ticket)`: the asynchronous path for resúmenes diarios (RC) and
//! comunicaciones de baja (RA). A ticket answers 98 (in process) on its first poll and 0 with a
//! CDR afterwards. Checks: credentials, file name, zip, root element and `cbc:ID`, signature.
//! SUNAT's summary schemas and rules are not in `shared/sunat`, so they are not checked.

use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::app::{self, App};
use crate::cdr::{self, CdrContent};
use crate::checks::{self, WorkDir};
use crate::soap::{self, SoapRequest};
use crate::sunat_error::SunatFault;

/// Handles one sendSummary.
pub async fn send_summary(app: &App, req: &SoapRequest) -> Response {
    match process(app, req).await {
        Ok(answer) => answer,
        Err(fault) => {
            eprintln!("sendSummary {}: fault {:?}", req.param("fileName"), fault);
            fault.into_response()
        }
    }
}

async fn process(app: &App, req: &SoapRequest) -> Result<Response, SunatFault> {
    app.authenticate(req)?;
    if let Some(answer) = app::early_fault(app) {
        return Ok(answer);
    }
    let name = app::parse_file_name(req.param("fileName"))?;
    let root_expected = match name.tt.as_str() {
        "RC" => "SummaryDocuments",
        "RA" => "VoidedDocuments",
        _ => {
            return Err(SunatFault::client(
                153,
                "No se puede enviar por este método un archivo por lotes",
            ));
        }
    };
    if name.ruc != app.user_ruc() {
        return Err(SunatFault::client(
            154,
            "El RUC del archivo no corresponde al RUC del usuario",
        ));
    }
    if app.store.summary_presented(&name.base) {
        return Err(match name.tt.as_str() {
            "RA" => SunatFault::client(
                2324,
                "El archivo de comunicacion de baja ya fue presentado anteriormente",
            ),
            _ => SunatFault::client(2223, "El archivo ya fue presentado anteriormente"),
        });
    }
    let zip_bytes = STANDARD
        .decode(
            req.param("contentFile")
                .split_whitespace()
                .collect::<String>(),
        )
        .map_err(|_| SunatFault::client(156, "El archivo ZIP esta corrupto"))?;
    let xml = crate::zipio::read_single_entry(&zip_bytes, &format!("{}.xml", name.base))?;
    let unreadable = || SunatFault::client(306, "No se puede leer (parsear) el archivo XML");
    let text = std::str::from_utf8(&xml).map_err(|_| unreadable())?;
    let doc = roxmltree::Document::parse(text).map_err(|_| unreadable())?;
    let root = doc.root_element();
    if root.tag_name().name() != root_expected {
        return Err(SunatFault::client(
            301,
            "Elemento raiz del xml no esta definido",
        ));
    }
    let id = root
        .children()
        .find(|n| n.is_element() && n.tag_name().name() == "ID")
        .and_then(|n| n.text())
        .unwrap_or("")
        .trim()
        .to_owned();
    let expected_id = format!("{}-{}-{}", name.tt, name.series, name.number);
    if id != expected_id {
        return Err(SunatFault::client(
            2220,
            "El ID debe coincidir con el nombre del archivo",
        ));
    }
    let pem = checks::embedded_certificate(&doc)
        .ok_or_else(|| SunatFault::client(1059, "El XML no contiene firma digital."))?;
    let work = WorkDir::new().map_err(|e| SunatFault::server(format!("temp dir: {e}")))?;
    let file = work.path().join(format!("{}.xml", name.base));
    let cert = work.path().join("cert.pem");
    std::fs::write(&file, &xml)
        .and_then(|()| std::fs::write(&cert, pem))
        .map_err(|e| SunatFault::server(format!("temp file: {e}")))?;
    let signed = app
        .tools
        .signature(&file, &cert)
        .await
        .map_err(SunatFault::server)?;
    let (code, description) = if signed {
        (
            0,
            format!("El {} {}, ha sido aceptado", cdr::type_label(&name.tt), id),
        )
    } else {
        (
            2335,
            "El documento electrónico ingresado ha sido alterado".to_owned(),
        )
    };
    let cdr_zip = cdr::zip(&CdrContent {
        name: &name.base,
        ruc: &name.ruc,
        reference_id: &id,
        code,
        description: &description,
        notes: &[],
    });
    let ticket = app
        .store
        .new_ticket(&name.base, STANDARD.encode(cdr_zip))
        .map_err(|e| SunatFault::server(format!("state file: {e}")))?;
    eprintln!("sendSummary {}: ticket {ticket}", name.base);
    let answer = soap::result("sendSummary", &format!("<ticket>{ticket}</ticket>"));
    Ok(app::late_fault(app, answer).await)
}

/// Handles one getStatus(ticket).
pub async fn get_status(app: &App, req: &SoapRequest) -> Response {
    if let Err(fault) = app.authenticate(req) {
        return fault.into_response();
    }
    if let Some(answer) = app::early_fault(app) {
        return answer;
    }
    let ticket = req.param("ticket");
    let polled = match app.store.poll_ticket(ticket) {
        Ok(Some(t)) => t,
        Ok(None) => return SunatFault::client(127, "El ticket no existe").into_response(),
        Err(e) => return SunatFault::server(format!("state file: {e}")).into_response(),
    };
    let answer = if polled.polls == 0 {
        soap::result("getStatus", "<status><statusCode>98</statusCode></status>")
    } else {
        let code = match STANDARD
            .decode(&polled.cdr_zip_base64)
            .ok()
            .and_then(|zip| code_of(&zip))
        {
            Some(0) | None => "0",
            Some(_) => "99",
        };
        soap::result(
            "getStatus",
            &format!(
                "<status><content>{}</content><statusCode>{code}</statusCode></status>",
                polled.cdr_zip_base64
            ),
        )
    };
    app::late_fault(app, answer).await
}

/// ResponseCode of a stored CDR zip (the stand-in wrote it, so a simple search suffices).
fn code_of(zip: &[u8]) -> Option<u32> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).ok()?;
    let mut xml = String::new();
    archive.by_index(0).ok()?.read_to_string(&mut xml).ok()?;
    let start = xml.find("<cbc:ResponseCode>")? + "<cbc:ResponseCode>".len();
    let end = start + xml[start..].find('<')?;
    xml[start..end].trim().parse().ok()
}

//! billConsultService: `getStatusCdr` returns the stored CDR of a document (how a sender whose
//! answer was lost learns the outcome), `getStatus` only its state. Codes: 0001 accepted, 0002
//! rejected, 0004 "La constancia existe" with the CDR, 0011 not found. Fault injection does not
//! apply here, so tests can consult while billService misbehaves.

use axum::response::{IntoResponse, Response};

use crate::app::App;
use crate::soap::{self, SoapRequest, escape};
use crate::store::{self, StoredDocument};
use crate::sunat_error::SunatFault;

fn lookup(app: &App, req: &SoapRequest) -> Result<Option<StoredDocument>, SunatFault> {
    app.authenticate(req)?;
    let ruc = req.param("rucComprobante");
    let tt = req.param("tipoComprobante");
    let series = req.param("serieComprobante");
    let number: u32 = req
        .param("numeroComprobante")
        .parse()
        .map_err(|_| SunatFault::client(16, "Numero del comprobante no enviado o es invalido"))?;
    if ruc.len() != 11 || !ruc.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SunatFault::client(
            2,
            "Solo se permite dato numérico de 11 dígitos para el RUC del comprobante",
        ));
    }
    Ok(app
        .store
        .document(&store::document_key(ruc, tt, series, number)))
}

fn status(
    operation: &str,
    element: &str,
    code: &str,
    message: &str,
    content: Option<&str>,
) -> Response {
    let content = content
        .map(|c| format!("<content>{c}</content>"))
        .unwrap_or_default();
    soap::result(
        operation,
        &format!(
            "<{element}>{content}<statusCode>{code}</statusCode><statusMessage>{}</statusMessage></{element}>",
            escape(message)
        ),
    )
}

/// getStatusCdr.
pub async fn get_status_cdr(app: &App, req: &SoapRequest) -> Response {
    match lookup(app, req) {
        Ok(Some(doc)) => status(
            "getStatusCdr",
            "statusCdr",
            "0004",
            "La constancia existe",
            Some(&doc.cdr_zip_base64),
        ),
        Ok(None) => status(
            "getStatusCdr",
            "statusCdr",
            "0011",
            "Comprobante no encontrado o no existe",
            None,
        ),
        Err(fault) => fault.into_response(),
    }
}

/// getStatus (state only).
pub async fn get_status(app: &App, req: &SoapRequest) -> Response {
    match lookup(app, req) {
        Ok(Some(doc)) if (2000..4000).contains(&doc.response_code) => status(
            "getStatus",
            "status",
            "0002",
            "El comprobante existe pero está rechazado.",
            None,
        ),
        Ok(Some(_)) => status(
            "getStatus",
            "status",
            "0001",
            "El comprobante existe y está aceptado.",
            None,
        ),
        Ok(None) => status(
            "getStatus",
            "status",
            "0011",
            "Comprobante no encontrado o no existe",
            None,
        ),
        Err(fault) => fault.into_response(),
    }
}

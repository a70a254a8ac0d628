//! Reads SOAP 1.1 requests of the SUNAT contract and writes its answers (result elements in the
//! `http://service.sunat.gob.pe` namespace, unqualified children, faults with `soap-env:` codes).

use std::collections::HashMap;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A parsed request.
#[derive(Debug)]
pub struct SoapRequest {
    /// Local name of the Body's first element (`sendBill`, `getStatusCdr`, ...).
    pub operation: String,
    /// Its child elements by local name (trimmed text).
    pub params: HashMap<String, String>,
    /// `wsse:Username`, when present.
    pub username: Option<String>,
    /// `wsse:Password`, when present.
    pub password: Option<String>,
}

impl SoapRequest {
    /// Parses a request body; `None` when it is not a SOAP envelope.
    pub fn parse(body: &[u8]) -> Option<SoapRequest> {
        let text = std::str::from_utf8(body).ok()?;
        let doc = roxmltree::Document::parse(text).ok()?;
        let root = doc.root_element();
        if root.tag_name().name() != "Envelope" {
            return None;
        }
        let element = |parent: roxmltree::Node<'_, '_>, name: &str| {
            parent
                .descendants()
                .find(|n| n.is_element() && n.tag_name().name() == name)
                .and_then(|n| n.text())
                .map(|t| t.trim().to_owned())
        };
        let header = root
            .children()
            .find(|n| n.is_element() && n.tag_name().name() == "Header");
        let body = root
            .children()
            .find(|n| n.is_element() && n.tag_name().name() == "Body")?;
        let op = body.first_element_child()?;
        let params = op
            .children()
            .filter(|n| n.is_element())
            .map(|n| {
                (
                    n.tag_name().name().to_owned(),
                    n.text().unwrap_or("").trim().to_owned(),
                )
            })
            .collect();
        Some(SoapRequest {
            operation: op.tag_name().name().to_owned(),
            params,
            username: header.and_then(|h| element(h, "Username")),
            password: header.and_then(|h| element(h, "Password")),
        })
    }

    /// A parameter's text, empty when absent.
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map(String::as_str).unwrap_or("")
    }
}

/// XML text escaping.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn envelope(body: &str) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/">"#,
            "<soap-env:Header/><soap-env:Body>{}</soap-env:Body></soap-env:Envelope>"
        ),
        body
    )
}

fn xml_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A successful answer: `<ns2:{operation}Response>` with the given children, in order.
pub fn result(operation: &str, children: &str) -> Response {
    xml_response(
        StatusCode::OK,
        envelope(&format!(
            r#"<ns2:{operation}Response xmlns:ns2="http://service.sunat.gob.pe">{children}</ns2:{operation}Response>"#
        )),
    )
}

/// A SOAP fault (HTTP 500, as SOAP 1.1 requires).
pub fn fault(faultcode: &str, faultstring: &str) -> Response {
    xml_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        envelope(&format!(
            "<soap-env:Fault><faultcode>{}</faultcode><faultstring>{}</faultstring></soap-env:Fault>",
            escape(faultcode),
            escape(faultstring)
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::SoapRequest;

    #[test]
    fn reads_operation_params_and_credentials() {
        let body = br#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ser="http://service.sunat.gob.pe" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><soapenv:Header><wsse:Security><wsse:UsernameToken><wsse:Username>20000000001MODDATOS</wsse:Username><wsse:Password>moddatos</wsse:Password></wsse:UsernameToken></wsse:Security></soapenv:Header><soapenv:Body><ser:getStatus><ticket>123</ticket></ser:getStatus></soapenv:Body></soapenv:Envelope>"#;
        let req = SoapRequest::parse(body).unwrap();
        assert_eq!(req.operation, "getStatus");
        assert_eq!(req.param("ticket"), "123");
        assert_eq!(req.username.as_deref(), Some("20000000001MODDATOS"));
        assert_eq!(req.password.as_deref(), Some("moddatos"));
        assert!(SoapRequest::parse(b"<html/>").is_none());
    }
}

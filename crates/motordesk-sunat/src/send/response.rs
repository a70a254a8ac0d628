//! Reads a SOAP answer: either the operation's result elements (found by local name, as SUNAT
//! and OSEs differ in prefixes) or a SOAP fault.

use std::collections::HashMap;

use base64::Engine;

use crate::send::error::EnvelopeError;
use crate::send::fault::SoapFault;
use crate::send::xml_text;

/// The Body of an answer.
#[derive(Debug)]
pub(crate) enum Answer {
    /// Result elements by local name (first occurrence, trimmed text).
    Result(HashMap<String, String>),
    /// A SOAP fault.
    Fault(SoapFault),
}

impl Answer {
    /// Parses `bytes` as a SOAP envelope.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Answer, EnvelopeError> {
        let text = xml_text::decode(bytes).map_err(EnvelopeError::Encoding)?;
        let doc = roxmltree::Document::parse(&text).map_err(EnvelopeError::Xml)?;
        let root = doc.root_element();
        if root.tag_name().name() != "Envelope" {
            return Err(EnvelopeError::NoBody);
        }
        let body = root
            .children()
            .find(|n| n.is_element() && n.tag_name().name() == "Body")
            .ok_or(EnvelopeError::NoBody)?;
        let first = body.first_element_child().ok_or(EnvelopeError::NoBody)?;
        let child_text = |name: &str| {
            first
                .children()
                .find(|n| n.is_element() && n.tag_name().name() == name)
                .map(|n| all_text(n).trim().to_owned())
        };
        if first.tag_name().name() == "Fault" {
            return Ok(Answer::Fault(SoapFault {
                faultcode: child_text("faultcode").unwrap_or_default(),
                faultstring: child_text("faultstring").unwrap_or_default(),
                detail: child_text("detail").filter(|d| !d.is_empty()),
            }));
        }
        let mut values = HashMap::new();
        for node in first.descendants().filter(|n| n.is_element()) {
            if node.first_element_child().is_none() {
                values
                    .entry(node.tag_name().name().to_owned())
                    .or_insert_with(|| all_text(node).trim().to_owned());
            }
        }
        Ok(Answer::Result(values))
    }
}

fn all_text(node: roxmltree::Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// Text of a required result element.
pub(crate) fn required<'a>(
    values: &'a HashMap<String, String>,
    element: &'static str,
) -> Result<&'a str, EnvelopeError> {
    values
        .get(element)
        .map(String::as_str)
        .ok_or(EnvelopeError::MissingElement(element))
}

/// Decodes a base64 element, tolerating the line breaks some servers insert.
pub(crate) fn base64_element(text: &str, element: &'static str) -> Result<Vec<u8>, EnvelopeError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|source| EnvelopeError::Base64 { element, source })
}

#[cfg(test)]
mod tests {
    use super::Answer;

    #[test]
    fn reads_result_and_fault() {
        let ok = br#"<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><ns2:sendBillResponse xmlns:ns2="http://service.sunat.gob.pe"><applicationResponse>UEs=</applicationResponse></ns2:sendBillResponse></S:Body></S:Envelope>"#;
        match Answer::parse(ok).unwrap() {
            Answer::Result(v) => assert_eq!(v["applicationResponse"], "UEs="),
            Answer::Fault(f) => panic!("{f:?}"),
        }
        let fault = br#"<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Header/><soap-env:Body><soap-env:Fault><faultcode>soap-env:Client.0151</faultcode><faultstring>El nombre del archivo ZIP es incorrecto</faultstring></soap-env:Fault></soap-env:Body></soap-env:Envelope>"#;
        match Answer::parse(fault).unwrap() {
            Answer::Fault(f) => assert_eq!(f.code(), Some(151)),
            Answer::Result(v) => panic!("{v:?}"),
        }
        assert!(Answer::parse(b"<html>502</html>").is_err());
    }
}

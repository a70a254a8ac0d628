//! Writes the SOAP 1.1 request of the SUNAT contract: namespace `http://service.sunat.gob.pe`,
//! unqualified parameters, and the WS-Security UsernameToken (PasswordText) header carrying
//! RUC+SOL user and password.

use crate::send::config::Credentials;

const SOAP_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const SERVICE_NS: &str = "http://service.sunat.gob.pe";
const WSSE_NS: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
const PASSWORD_TEXT: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";

/// The request envelope for `operation` with the parameters in order.
pub(crate) fn request(
    credentials: &Credentials,
    operation: &str,
    params: &[(&str, &str)],
) -> String {
    let mut body = String::new();
    for (name, value) in params {
        body.push_str(&format!("<{name}>{}</{name}>", escape(value)));
    }
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<soapenv:Envelope xmlns:soapenv="{soap}" xmlns:ser="{service}" xmlns:wsse="{wsse}">"#,
            "<soapenv:Header><wsse:Security><wsse:UsernameToken>",
            "<wsse:Username>{user}</wsse:Username>",
            r#"<wsse:Password Type="{ptype}">{password}</wsse:Password>"#,
            "</wsse:UsernameToken></wsse:Security></soapenv:Header>",
            "<soapenv:Body><ser:{op}>{body}</ser:{op}></soapenv:Body></soapenv:Envelope>"
        ),
        soap = SOAP_NS,
        service = SERVICE_NS,
        wsse = WSSE_NS,
        ptype = PASSWORD_TEXT,
        user = escape(&credentials.username()),
        password = escape(&credentials.sol_password),
        op = operation,
        body = body,
    )
}

/// XML text escaping.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::request;
    use crate::send::config::Credentials;

    #[test]
    fn envelope_is_well_formed_and_carries_credentials() {
        let c = Credentials::new("20000000001", "MODDATOS", "p<&>");
        let xml = request(
            &c,
            "sendBill",
            &[("fileName", "a.zip"), ("contentFile", "UEs=")],
        );
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let user = doc
            .descendants()
            .find(|n| n.has_tag_name("Username"))
            .unwrap();
        assert_eq!(user.text(), Some("20000000001MODDATOS"));
        let pass = doc
            .descendants()
            .find(|n| n.has_tag_name("Password"))
            .unwrap();
        assert_eq!(pass.text(), Some("p<&>"));
        let op = doc
            .descendants()
            .find(|n| n.has_tag_name(("http://service.sunat.gob.pe", "sendBill")))
            .unwrap();
        let file = op.first_element_child().unwrap();
        assert_eq!(file.tag_name().namespace(), None);
        assert_eq!(file.text(), Some("a.zip"));
    }
}

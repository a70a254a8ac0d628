//! The CDR (constancia de recepción): SUNAT's signed `ApplicationResponse` inside `R-NAME.zip`.
//! It is read into the few fields the kiosk acts on, and its raw zip is kept because it is the
//! legal proof that must be stored with the document.

use crate::send::config::Limits;
use crate::send::error::CdrError;
use crate::send::unzip;
use crate::send::verdict::Verdict;
use crate::send::xml_text;

const CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
const CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";

/// One `cbc:Note` of the CDR, e.g. `4252 - El dato ingresado como atributo @listName es
/// incorrecto.`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdrNote {
    /// The observation code in front of ` - `, when there is one.
    pub code: Option<u32>,
    /// The whole note text.
    pub text: String,
}

/// A parsed CDR plus its raw zip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cdr {
    /// `cac:DocumentResponse/cac:Response/cbc:ResponseCode`.
    pub response_code: u32,
    /// `cac:DocumentResponse/cac:Response/cbc:Description`.
    pub description: String,
    /// Top-level `cbc:Note`s (observations).
    pub notes: Vec<CdrNote>,
    /// `cac:Response/cbc:ReferenceID`, the document id (`F001-1`) or ticket.
    pub reference_id: String,
    /// `cac:DocumentReference/cbc:ID`, when present.
    pub document_id: Option<String>,
    /// `cbc:ID` of the ApplicationResponse (SUNAT's constancy number).
    pub id: Option<String>,
    /// Name of the XML entry in the zip (`R-NAME.xml`).
    pub xml_file_name: String,
    /// The XML of the CDR exactly as received.
    pub xml: Vec<u8>,
    /// The CDR zip exactly as received, for storage.
    pub zip: Vec<u8>,
}

impl Cdr {
    /// Unzips and parses a CDR zip, keeping the bytes.
    pub fn from_zip(zip: Vec<u8>, limits: &Limits) -> Result<Cdr, CdrError> {
        let entries = unzip::read_entries(&zip, limits).map_err(CdrError::Unzip)?;
        let entry = entries
            .into_iter()
            .find(|e| e.name.to_ascii_lowercase().ends_with(".xml"))
            .ok_or(CdrError::NoXmlEntry)?;
        let parsed = parse_xml(&entry.data)?;
        Ok(Cdr {
            xml_file_name: entry.name,
            xml: entry.data,
            zip,
            ..parsed
        })
    }

    /// SUNAT's verdict: by `ResponseCode`, and `AcceptedWithObservations` also when the code
    /// is 0 but notes carry observation codes (≥ 4000), which is how SUNAT's CDRs report them.
    pub fn verdict(&self) -> Verdict {
        match Verdict::from_code(self.response_code) {
            Verdict::Accepted if self.notes.iter().any(|n| n.code.is_some_and(|c| c >= 4000)) => {
                Verdict::AcceptedWithObservations
            }
            verdict => verdict,
        }
    }

    /// Codes of the observation notes.
    pub fn observation_codes(&self) -> Vec<u32> {
        self.notes.iter().filter_map(|n| n.code).collect()
    }

    /// Spanish text for the cashier's screen.
    pub fn mensaje(&self) -> String {
        let mut text = format!(
            "{} (código {}): {}",
            self.verdict().mensaje(),
            self.response_code,
            self.description
        );
        for note in &self.notes {
            text.push_str("\n• ");
            text.push_str(&note.text);
        }
        text
    }
}

fn child<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    ns: &str,
    name: &str,
) -> Option<roxmltree::Node<'a, 'input>> {
    node.children()
        .find(|n| n.is_element() && n.has_tag_name((ns, name)))
}

fn parse_xml(bytes: &[u8]) -> Result<Cdr, CdrError> {
    let text = xml_text::decode(bytes).map_err(CdrError::Encoding)?;
    let doc = roxmltree::Document::parse(&text).map_err(CdrError::Xml)?;
    let root = doc.root_element();
    if root.tag_name().name() != "ApplicationResponse" {
        return Err(CdrError::NotApplicationResponse(
            root.tag_name().name().to_owned(),
        ));
    }
    let text_of = |node: roxmltree::Node<'_, '_>| {
        node.text().map(|t| t.trim().to_owned()).unwrap_or_default()
    };

    let doc_response = child(root, CAC, "DocumentResponse")
        .ok_or(CdrError::MissingElement("cac:DocumentResponse"))?;
    let response = child(doc_response, CAC, "Response").ok_or(CdrError::MissingElement(
        "cac:DocumentResponse/cac:Response",
    ))?;
    let code_text = child(response, CBC, "ResponseCode")
        .map(text_of)
        .ok_or(CdrError::MissingElement("cbc:ResponseCode"))?;
    let response_code = code_text
        .parse::<u32>()
        .map_err(|_| CdrError::BadResponseCode(code_text.clone()))?;
    let notes = root
        .children()
        .filter(|n| n.is_element() && n.has_tag_name((CBC, "Note")))
        .map(|n| {
            let text = text_of(n);
            let code = text
                .split_once('-')
                .map(|(c, _)| c.trim())
                .filter(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|c| c.parse().ok());
            CdrNote { code, text }
        })
        .collect();
    Ok(Cdr {
        response_code,
        description: child(response, CBC, "Description")
            .map(text_of)
            .unwrap_or_default(),
        notes,
        reference_id: child(response, CBC, "ReferenceID")
            .map(text_of)
            .unwrap_or_default(),
        document_id: child(doc_response, CAC, "DocumentReference")
            .and_then(|r| child(r, CBC, "ID"))
            .map(text_of),
        id: child(root, CBC, "ID").map(text_of),
        xml_file_name: String::new(),
        xml: Vec::new(),
        zip: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_xml;
    use crate::send::verdict::Verdict;

    const SAMPLE: &[u8] = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>
<ar:ApplicationResponse xmlns:ar=\"urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2\" xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\" xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">
  <cbc:ID>1732000000001</cbc:ID>
  <cbc:Note>4252 - El dato ingresado como atributo @listName es incorrecto.</cbc:Note>
  <cbc:Note>Sin c\xf3digo</cbc:Note>
  <cac:DocumentResponse>
    <cac:Response>
      <cbc:ReferenceID>F001-1</cbc:ReferenceID>
      <cbc:ResponseCode>0</cbc:ResponseCode>
      <cbc:Description>La Factura numero F001-1, ha sido aceptada</cbc:Description>
    </cac:Response>
    <cac:DocumentReference><cbc:ID>F001-1</cbc:ID></cac:DocumentReference>
  </cac:DocumentResponse>
</ar:ApplicationResponse>";

    #[test]
    fn reads_code_description_notes() {
        let cdr = parse_xml(SAMPLE).unwrap();
        assert_eq!(cdr.response_code, 0);
        assert_eq!(cdr.verdict(), Verdict::AcceptedWithObservations);
        assert_eq!(cdr.reference_id, "F001-1");
        assert_eq!(cdr.document_id.as_deref(), Some("F001-1"));
        assert_eq!(cdr.observation_codes(), vec![4252]);
        assert_eq!(cdr.notes[1].text, "Sin código");
    }
}

//! The file name SUNAT expects, `RUC-TT-SERIE-NUMERO` (or `RUC-RC-YYYYMMDD-N` for summaries),
//! checked once so that nothing else has to trust a caller's string inside a zip entry name or a
//! SOAP element.

use std::fmt;

use thiserror::Error;

/// A checked SUNAT file name without extension, e.g. `20000000001-01-F001-1` or
/// `20000000001-RC-20261125-1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocumentName {
    full: String,
    ruc: String,
    doc_type: String,
    series: String,
    number: u32,
}

/// Why a string is not a SUNAT file name.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid SUNAT file name {name:?}: {reason}")]
pub struct NameError {
    /// The string given.
    pub name: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl NameError {
    /// Spanish text for the cashier's screen.
    pub fn mensaje(&self) -> String {
        format!(
            "Nombre de archivo inválido para SUNAT ({}): debe ser RUC-TIPO-SERIE-NÚMERO",
            self.name
        )
    }
}

impl DocumentName {
    /// Parses `RUC-TT-SERIE-NUMERO`, with or without a trailing `.xml` or `.zip`.
    pub fn parse(name: &str) -> Result<DocumentName, NameError> {
        let err = |reason| NameError {
            name: name.to_owned(),
            reason,
        };
        let base = name
            .strip_suffix(".xml")
            .or_else(|| name.strip_suffix(".zip"))
            .unwrap_or(name);
        let parts: Vec<&str> = base.split('-').collect();
        let [ruc, doc_type, series, number] = parts[..] else {
            return Err(err("expected four parts separated by '-'"));
        };
        if ruc.len() != 11 || !ruc.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("the RUC must be 11 digits"));
        }
        if doc_type.len() != 2 || !doc_type.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(err("the document type must be 2 characters"));
        }
        if series.is_empty()
            || series.len() > 8
            || !series
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        {
            return Err(err("the series must be 1-8 upper-case letters or digits"));
        }
        if number.is_empty() || number.len() > 8 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("the number must be 1-8 digits"));
        }
        let number: u32 = number
            .parse()
            .map_err(|_| err("the number must be 1-8 digits"))?;
        Ok(DocumentName {
            full: base.to_owned(),
            ruc: ruc.to_owned(),
            doc_type: doc_type.to_owned(),
            series: series.to_owned(),
            number,
        })
    }

    /// The name without extension.
    pub fn as_str(&self) -> &str {
        &self.full
    }

    /// Emitter RUC.
    pub fn ruc(&self) -> &str {
        &self.ruc
    }

    /// Document type (`01`, `03`, `07`, `08`, `RC`, `RA`, ...).
    pub fn doc_type(&self) -> &str {
        &self.doc_type
    }

    /// Series (`F001`) or, for summaries, the date `YYYYMMDD`.
    pub fn series(&self) -> &str {
        &self.series
    }

    /// Correlative number.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// `NAME.xml`, the zip entry.
    pub fn xml_file_name(&self) -> String {
        format!("{}.xml", self.full)
    }

    /// `NAME.zip`, the `fileName` sent to SUNAT.
    pub fn zip_file_name(&self) -> String {
        format!("{}.zip", self.full)
    }
}

impl fmt::Display for DocumentName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full)
    }
}

#[cfg(test)]
mod tests {
    use super::DocumentName;

    #[test]
    fn parses_bill_and_summary_names() {
        let n = DocumentName::parse("20000000001-01-F001-00000123.xml").unwrap();
        assert_eq!(
            (n.ruc(), n.doc_type(), n.series(), n.number()),
            ("20000000001", "01", "F001", 123)
        );
        assert_eq!(n.zip_file_name(), "20000000001-01-F001-00000123.zip");
        let s = DocumentName::parse("20000000001-RC-20261125-1").unwrap();
        assert_eq!(s.series(), "20261125");
    }

    #[test]
    fn refuses_bad_names() {
        for bad in [
            "",
            "2000000000-01-F001-1",
            "20000000001-01-F001",
            "20000000001-01-../x-1",
            "20000000001-01-F001-1-2",
            "20000000001-01-f001-1",
            "20000000001-01-F001-123456789",
        ] {
            assert!(DocumentName::parse(bad).is_err(), "{bad}");
        }
    }
}

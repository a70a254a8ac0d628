//! A SOAP 1.1 fault as SUNAT sends it: the SUNAT return code travels in `faultcode`
//! (`soap-env:Client.0151`) or, on some services, alone in `faultstring` (`0102`).

/// A SOAP fault received from the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapFault {
    /// `faultcode`, e.g. `soap-env:Client.0151`.
    pub faultcode: String,
    /// `faultstring`, SUNAT's text (or the code alone).
    pub faultstring: String,
    /// Text of `detail`, when present (SUNAT puts a `message` there sometimes).
    pub detail: Option<String>,
}

impl SoapFault {
    /// The numeric SUNAT code: the digits after the last `.` of `faultcode`, else a
    /// `faultstring` made only of digits. `None` for generic faults (`soap:Server`).
    pub fn code(&self) -> Option<u32> {
        let from_code = self
            .faultcode
            .rsplit('.')
            .next()
            .filter(|s| !s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit()));
        let from_string = Some(self.faultstring.trim())
            .filter(|s| !s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit()));
        from_code.or(from_string).and_then(|s| s.parse().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::SoapFault;

    fn fault(code: &str, string: &str) -> SoapFault {
        SoapFault {
            faultcode: code.into(),
            faultstring: string.into(),
            detail: None,
        }
    }

    #[test]
    fn code_from_faultcode_or_faultstring() {
        assert_eq!(fault("soap-env:Client.0151", "x").code(), Some(151));
        assert_eq!(fault("soap-env:Client.2223", "x").code(), Some(2223));
        assert_eq!(fault("soap-env:Client", "0102").code(), Some(102));
        assert_eq!(fault("soap:Server", "Internal error").code(), None);
    }
}

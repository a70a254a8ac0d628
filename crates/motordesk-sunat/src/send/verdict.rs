//! SUNAT's reading of a response code, in one place, so that a CDR and a SOAP fault with the
//! same code lead the caller to the same action.
//!
//! Ranges from SUNAT's "códigos de retorno" (see `shared/domain/peru-billing.md` §2.12):
//! 0 accepted; 0100–1999 exception (nothing was registered: fix and resend the same number);
//! 2000–3999 rejected (the number is consumed: issue a new document); 4000 and up accepted with
//! observations.

/// What a SUNAT response code means for the document that was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Code 0: the document is valid and registered.
    Accepted,
    /// Codes ≥ 4000: the document is registered; the observations should be fixed in later
    /// documents.
    AcceptedWithObservations,
    /// Codes 2000–3999: the document is registered as rejected; its number is consumed and a new
    /// document (new number) must be issued.
    Rejected,
    /// Codes 1–1999 (SUNAT documents 0100–1999): SUNAT did not process the document (bad file,
    /// credentials, service problem). Fix the cause and send the same number again.
    Exception,
}

impl Verdict {
    /// Classifies a numeric SUNAT code. Codes 1–99 are not used for documents by SUNAT; they are
    /// read as exceptions because nothing says the document was registered.
    pub fn from_code(code: u32) -> Verdict {
        match code {
            0 => Verdict::Accepted,
            1..=1999 => Verdict::Exception,
            2000..=3999 => Verdict::Rejected,
            _ => Verdict::AcceptedWithObservations,
        }
    }

    /// Whether SUNAT registered the document as valid (with or without observations).
    pub fn is_accepted(self) -> bool {
        matches!(self, Verdict::Accepted | Verdict::AcceptedWithObservations)
    }

    /// Whether the document number is used up (accepted or rejected): never send it again
    /// with different content.
    pub fn number_consumed(self) -> bool {
        !matches!(self, Verdict::Exception)
    }

    /// Short Spanish text for the cashier's screen.
    pub fn mensaje(self) -> &'static str {
        match self {
            Verdict::Accepted => "Aceptado por SUNAT",
            Verdict::AcceptedWithObservations => "Aceptado por SUNAT con observaciones",
            Verdict::Rejected => "Rechazado por SUNAT: emita un nuevo comprobante",
            Verdict::Exception => "SUNAT no procesó el envío: corrija y reenvíe el mismo número",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Verdict;

    #[test]
    fn ranges() {
        assert_eq!(Verdict::from_code(0), Verdict::Accepted);
        assert_eq!(Verdict::from_code(100), Verdict::Exception);
        assert_eq!(Verdict::from_code(1033), Verdict::Exception);
        assert_eq!(Verdict::from_code(1999), Verdict::Exception);
        assert_eq!(Verdict::from_code(2000), Verdict::Rejected);
        assert_eq!(Verdict::from_code(3999), Verdict::Rejected);
        assert_eq!(Verdict::from_code(4000), Verdict::AcceptedWithObservations);
        assert_eq!(Verdict::from_code(4252), Verdict::AcceptedWithObservations);
        assert!(Verdict::Rejected.number_consumed());
        assert!(!Verdict::Exception.number_consumed());
    }
}

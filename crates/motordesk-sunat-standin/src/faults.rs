//! The failure modes the stand-in can simulate, switchable at start (`--fault`) and at run time
//! (`POST /admin/fault?mode=...`), so that tests can drive every branch of the client.

use std::sync::Mutex;

/// A simulated failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultMode {
    /// Behave like SUNAT.
    None,
    /// Process and store, then sleep `--delay-ms` before answering (past the client timeout).
    Delay,
    /// Process and store, then drop the connection without a complete answer.
    LoseAnswer,
    /// Answer a SOAP fault without a SUNAT code (`soap-env:Server`); nothing is stored.
    SoapFault,
    /// Answer HTTP 500 with an HTML body (no SOAP); nothing is stored.
    Http500,
    /// Process and store, but answer with a malformed CDR zip.
    BadZip,
    /// Validate, then register the document as rejected with code 2329.
    Reject,
    /// Answer fault `soap-env:Client.0109` (service exception); nothing is stored.
    Exception,
    /// Validate, then accept with the observation 4252.
    Observe,
}

impl FaultMode {
    /// Parses a mode name.
    pub fn parse(s: &str) -> Result<FaultMode, String> {
        Ok(match s {
            "none" | "" => FaultMode::None,
            "delay" => FaultMode::Delay,
            "lose-answer" => FaultMode::LoseAnswer,
            "soap-fault" => FaultMode::SoapFault,
            "http-500" => FaultMode::Http500,
            "bad-zip" => FaultMode::BadZip,
            "reject" => FaultMode::Reject,
            "exception" => FaultMode::Exception,
            "observe" => FaultMode::Observe,
            other => return Err(format!("unknown fault mode {other:?}")),
        })
    }

    /// The mode's name.
    pub fn name(self) -> &'static str {
        match self {
            FaultMode::None => "none",
            FaultMode::Delay => "delay",
            FaultMode::LoseAnswer => "lose-answer",
            FaultMode::SoapFault => "soap-fault",
            FaultMode::Http500 => "http-500",
            FaultMode::BadZip => "bad-zip",
            FaultMode::Reject => "reject",
            FaultMode::Exception => "exception",
            FaultMode::Observe => "observe",
        }
    }
}

/// The current mode, shared by all requests.
#[derive(Debug)]
pub struct FaultSwitch(Mutex<FaultMode>);

impl FaultSwitch {
    pub fn new(mode: FaultMode) -> FaultSwitch {
        FaultSwitch(Mutex::new(mode))
    }

    pub fn get(&self) -> FaultMode {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set(&self, mode: FaultMode) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = mode;
    }
}

//! Where to send, as whom, how long to wait and how much to accept: every knob of the
//! transport in one plain struct, so that beta, production and an OSE differ only in data.

use std::fmt;
use std::time::Duration;

/// The two SOAP services of the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// `billService`: sendBill, sendSummary, getStatus(ticket).
    pub bill_service: String,
    /// `billConsultService`: getStatusCdr(ruc, tipo, serie, número).
    pub consult_service: String,
}

impl Endpoints {
    /// SUNAT beta billService.
    pub const SUNAT_BETA_BILL: &'static str =
        "https://e-beta.sunat.gob.pe/ol-ti-itcpfegem-beta/billService";
    /// SUNAT production billService.
    pub const SUNAT_PRODUCTION_BILL: &'static str =
        "https://e-factura.sunat.gob.pe/ol-ti-itcpfegem/billService";
    /// SUNAT production billConsultService (SUNAT publishes no beta consult service).
    pub const SUNAT_CONSULT: &'static str =
        "https://e-factura.sunat.gob.pe/ol-it-wsconscpegem/billConsultService";

    /// SUNAT beta. The consult URL is the production one: there is no beta consult service, so
    /// consulting with beta credentials fails there.
    pub fn sunat_beta() -> Endpoints {
        Endpoints {
            bill_service: Self::SUNAT_BETA_BILL.to_owned(),
            consult_service: Self::SUNAT_CONSULT.to_owned(),
        }
    }

    /// SUNAT production.
    pub fn sunat_production() -> Endpoints {
        Endpoints {
            bill_service: Self::SUNAT_PRODUCTION_BILL.to_owned(),
            consult_service: Self::SUNAT_CONSULT.to_owned(),
        }
    }

    /// Any OSE or stand-in with the same contract.
    pub fn custom(
        bill_service: impl Into<String>,
        consult_service: impl Into<String>,
    ) -> Endpoints {
        Endpoints {
            bill_service: bill_service.into(),
            consult_service: consult_service.into(),
        }
    }
}

/// Clave SOL of the secondary user that sends documents. The WS-Security user name is
/// RUC + SOL user (for beta: `20000000001` + `MODDATOS`, password `moddatos`).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// RUC of the emitter (11 digits).
    pub ruc: String,
    /// SOL user (e.g. `MODDATOS`).
    pub sol_user: String,
    /// SOL password.
    pub sol_password: String,
}

impl Credentials {
    /// Builds the credentials.
    pub fn new(
        ruc: impl Into<String>,
        sol_user: impl Into<String>,
        sol_password: impl Into<String>,
    ) -> Credentials {
        Credentials {
            ruc: ruc.into(),
            sol_user: sol_user.into(),
            sol_password: sol_password.into(),
        }
    }

    /// SUNAT's public beta credentials.
    pub fn sunat_beta() -> Credentials {
        Credentials::new("20000000001", "MODDATOS", "moddatos")
    }

    /// The WS-Security user name: RUC followed by the SOL user.
    pub fn username(&self) -> String {
        format!("{}{}", self.ruc, self.sol_user)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("ruc", &self.ruc)
            .field("sol_user", &self.sol_user)
            .field("sol_password", &"***")
            .finish()
    }
}

/// Upper bounds on what the client accepts from the other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest HTTP response body read (bytes).
    pub max_response_bytes: u64,
    /// Largest decompressed size of one zip entry (bytes); guards against zip bombs.
    pub max_entry_bytes: u64,
    /// Most entries accepted in a CDR zip (SUNAT's hold the XML and sometimes a `dummy/` folder).
    pub max_entries: usize,
}

impl Default for Limits {
    /// 10 MiB response, 4 MiB per entry, 4 entries.
    fn default() -> Limits {
        Limits {
            max_response_bytes: 10 * 1024 * 1024,
            max_entry_bytes: 4 * 1024 * 1024,
            max_entries: 4,
        }
    }
}

/// Everything the client needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// Service URLs.
    pub endpoints: Endpoints,
    /// Clave SOL.
    pub credentials: Credentials,
    /// Whole-call timeout (connect, send, wait, read) for one SOAP call.
    pub timeout: Duration,
    /// Size limits.
    pub limits: Limits,
}

impl ClientConfig {
    /// Config with default limits.
    pub fn new(endpoints: Endpoints, credentials: Credentials, timeout: Duration) -> ClientConfig {
        ClientConfig {
            endpoints,
            credentials,
            timeout,
            limits: Limits::default(),
        }
    }
}

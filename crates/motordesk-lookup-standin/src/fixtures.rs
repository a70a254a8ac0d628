//! The numbers the stand-in knows, and the numbers that make it misbehave. Every number
//! here passes MotorDesk's own checks (RUC check digit, DNI 8 digits), so the server
//! forwards it and the test sees what the provider's answer does, not the server's
//! refusal. Names and addresses are made up except SUNAT's own RUC.

use std::time::Duration;

/// A company or person in SUNAT's padrón.
pub struct Taxpayer {
    pub ruc: &'static str,
    pub name: &'static str,
    pub estado: &'static str,
    pub condicion: &'static str,
    /// Street part of the fiscal address, as the padrón's `direccion`.
    pub direccion: &'static str,
    pub ubigeo: &'static str,
    pub departamento: &'static str,
    pub provincia: &'static str,
    pub distrito: &'static str,
}

/// A person in RENIEC.
pub struct Person {
    pub dni: &'static str,
    pub nombres: &'static str,
    pub paterno: &'static str,
    pub materno: &'static str,
}

pub const TAXPAYERS: &[Taxpayer] = &[
    Taxpayer {
        ruc: "20131312955",
        name: "SUPERINTENDENCIA NACIONAL DE ADUANAS Y DE ADMINISTRACION TRIBUTARIA - SUNAT",
        estado: "ACTIVO",
        condicion: "HABIDO",
        direccion: "AV. GARCILASO DE LA VEGA NRO. 1472",
        ubigeo: "150101",
        departamento: "LIMA",
        provincia: "LIMA",
        distrito: "LIMA",
    },
    Taxpayer {
        ruc: "20603333331",
        name: "AUTOPARTES SAN MARTIN S.A.C.",
        estado: "ACTIVO",
        condicion: "HABIDO",
        direccion: "AV. COLONIAL NRO. 2450 URB. SAN MARTIN",
        ubigeo: "150101",
        departamento: "LIMA",
        provincia: "LIMA",
        distrito: "LIMA",
    },
    Taxpayer {
        ruc: "20601111111",
        name: "FERRETERIA LOS ANDES S.A.C.",
        estado: "BAJA DE OFICIO",
        condicion: "HABIDO",
        direccion: "JR. HUALLAGA NRO. 200",
        ubigeo: "150101",
        departamento: "LIMA",
        provincia: "LIMA",
        distrito: "LIMA",
    },
    Taxpayer {
        ruc: "20602222226",
        name: "TRANSPORTES RAPIDOS DEL SUR E.I.R.L.",
        estado: "ACTIVO",
        condicion: "NO HABIDO",
        direccion: "CAR. PANAMERICANA SUR KM. 30",
        ubigeo: "150119",
        departamento: "LIMA",
        provincia: "LIMA",
        distrito: "LURIN",
    },
    Taxpayer {
        ruc: "10456789124",
        name: "PEREZ QUISPE JUAN CARLOS",
        estado: "ACTIVO",
        condicion: "HABIDO",
        direccion: "-",
        ubigeo: "-",
        departamento: "-",
        provincia: "-",
        distrito: "-",
    },
];

pub const PEOPLE: &[Person] = &[Person {
    dni: "45678912",
    nombres: "JUAN CARLOS",
    paterno: "PEREZ",
    materno: "QUISPE",
}];

/// What the stand-in does instead of answering from the fixtures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 401 whatever the token (as a revoked token).
    Unauthorized,
    /// 403 (apis.net.pe: the caller's IP is blocked).
    Forbidden,
    /// 422 (apis.net.pe: invalid parameter).
    Unprocessable,
    /// 429 with `Retry-After: 30`.
    RateLimited,
    /// 500.
    ServerError,
    /// Waits this long before answering (longer than any client timeout).
    Slow(Duration),
    /// 200 with a body that is not JSON.
    Malformed,
    /// 200 with a 100 KiB JSON body.
    Oversized,
    /// 200 with a different number in the answer than the one asked.
    WrongNumber,
}

/// The wait of `Fault::Slow` by default: past the server's 5 s budget.
pub const SLOW: Duration = Duration::from_secs(8);

/// Numbers that trigger a fault (all DNIs except one RUC), so one running stand-in
/// serves every case of a test suite at once.
pub fn fault_for(number: &str, slow: Duration) -> Option<Fault> {
    Some(match number {
        "40100000" => Fault::Unauthorized,
        "40300000" => Fault::Forbidden,
        "42200000" => Fault::Unprocessable,
        "42900000" => Fault::RateLimited,
        "50000000" => Fault::ServerError,
        "50400000" => Fault::Slow(slow),
        "77700000" => Fault::Malformed,
        "88800000" => Fault::Oversized,
        "20604444447" => Fault::WrongNumber,
        _ => return None,
    })
}

pub fn taxpayer(ruc: &str) -> Option<&'static Taxpayer> {
    TAXPAYERS.iter().find(|t| t.ruc == ruc)
}

pub fn person(dni: &str) -> Option<&'static Person> {
    PEOPLE.iter().find(|p| p.dni == dni)
}

//! Demo data: a realistic Lima service bay — catalog, customers with valid RUC/DNI,
//! vehicles with plates, and a history of documents — at any size, for trying the kiosk
//! and for benchmarks. Deterministic for a given seed.

use crate::store::{Issuer, SUNAT_TEST_RUC, ShopSettings, Store, StoreError, StoreResult};
use chrono::{Duration, Utc};
use motordesk_core::Customer;
use motordesk_core::DocumentKind;
use motordesk_core::Product;
use motordesk_core::TaxAffectation;
use motordesk_core::Vehicle;
use motordesk_core::lima_date;
use motordesk_core::{Buyer, InvoiceDraft, Payment, PaymentMethod, ServicedVehicle, Unit};
use motordesk_core::{IdKind, ruc_check_digit, ruc_from_dni};
use rust_decimal::Decimal;
use std::str::FromStr;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DemoReport {
    pub products: usize,
    pub customers: usize,
    pub vehicles: usize,
    pub invoices: usize,
    /// Documents left PENDING (the rest are marked as already synced history).
    pub pending: usize,
}

/// A small deterministic generator (xorshift), so demo data needs no extra crate.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// (code, name, category, unit, price, quick key, change every km)
type CatalogItem = (
    &'static str,
    &'static str,
    &'static str,
    Unit,
    &'static str,
    bool,
    Option<u32>,
);

const CATALOG: &[CatalogItem] = &[
    (
        "SRV-001",
        "Cambio de aceite (mano de obra)",
        "Servicio",
        Unit::Servicio,
        "35.00",
        true,
        None,
    ),
    (
        "SRV-002",
        "Lavado de motor",
        "Servicio",
        Unit::Servicio,
        "45.00",
        true,
        None,
    ),
    (
        "SRV-003",
        "Alineamiento y balanceo",
        "Servicio",
        Unit::Servicio,
        "80.00",
        true,
        None,
    ),
    (
        "SRV-004",
        "Afinamiento completo",
        "Servicio",
        Unit::Servicio,
        "250.00",
        true,
        None,
    ),
    (
        "SRV-005",
        "Revisión de frenos",
        "Servicio",
        Unit::Servicio,
        "60.00",
        false,
        None,
    ),
    (
        "SRV-006",
        "Scanner y diagnóstico",
        "Servicio",
        Unit::Servicio,
        "70.00",
        false,
        None,
    ),
    (
        "ACE-001",
        "Aceite Castrol Magnatec 10W-40 (1 gl)",
        "Aceites",
        Unit::Galon,
        "125.00",
        true,
        Some(5_000),
    ),
    (
        "ACE-002",
        "Aceite Mobil Super 20W-50 (1 gl)",
        "Aceites",
        Unit::Galon,
        "98.00",
        true,
        Some(5_000),
    ),
    (
        "ACE-003",
        "Aceite Shell Helix HX7 10W-40 (1 gl)",
        "Aceites",
        Unit::Galon,
        "132.00",
        false,
        Some(10_000),
    ),
    (
        "ACE-004",
        "Aceite sintético Mobil 1 5W-30 (1 L)",
        "Aceites",
        Unit::Litro,
        "58.00",
        false,
        Some(10_000),
    ),
    (
        "FIL-001",
        "Filtro de aceite Toyota",
        "Filtros",
        Unit::Unidad,
        "28.00",
        true,
        None,
    ),
    (
        "FIL-002",
        "Filtro de aire Hyundai",
        "Filtros",
        Unit::Unidad,
        "45.00",
        false,
        None,
    ),
    (
        "FIL-003",
        "Filtro de combustible",
        "Filtros",
        Unit::Unidad,
        "38.50",
        false,
        None,
    ),
    (
        "FIL-004",
        "Filtro de cabina",
        "Filtros",
        Unit::Unidad,
        "42.00",
        false,
        None,
    ),
    (
        "REP-001",
        "Pastillas de freno delanteras",
        "Repuestos",
        Unit::Kit,
        "165.00",
        false,
        None,
    ),
    (
        "REP-002",
        "Bujías NGK (juego x4)",
        "Repuestos",
        Unit::Kit,
        "96.00",
        false,
        None,
    ),
    (
        "REP-003",
        "Refrigerante Prestone (1 gl)",
        "Repuestos",
        Unit::Galon,
        "55.00",
        false,
        None,
    ),
    (
        "REP-004",
        "Líquido de frenos DOT4 (500 ml)",
        "Repuestos",
        Unit::Unidad,
        "29.90",
        false,
        None,
    ),
    (
        "REP-005",
        "Batería Etna 13 placas",
        "Repuestos",
        Unit::Unidad,
        "389.00",
        false,
        None,
    ),
    (
        "REP-006",
        "Plumillas limpiaparabrisas (par)",
        "Repuestos",
        Unit::Unidad,
        "39.90",
        false,
        None,
    ),
];

const FIRST: &[&str] = &[
    "José", "María", "Luis", "Rosa", "Carlos", "Ana", "Jorge", "Carmen", "Miguel", "Lucía", "Juan",
    "Elena", "Pedro", "Patricia", "Víctor", "Gladys", "César", "Milagros", "Raúl", "Sofía",
];
const LAST: &[&str] = &[
    "Quispe",
    "Flores",
    "Sánchez",
    "Rodríguez",
    "García",
    "Huamán",
    "Mamani",
    "Chávez",
    "Ramos",
    "Torres",
    "Castillo",
    "Vásquez",
    "Mendoza",
    "Rojas",
    "Díaz",
    "Gutiérrez",
    "Núñez",
    "Paredes",
];
const COMPANY: &[&str] = &[
    "Transportes",
    "Inversiones",
    "Distribuidora",
    "Comercial",
    "Servicios Generales",
    "Logística",
    "Agroindustrias",
    "Constructora",
];
const COMPANY_TAIL: &[&str] = &[
    "Rímac",
    "Los Andes",
    "Santa Rosa",
    "del Pacífico",
    "San Martín",
    "El Sol",
    "Chavín",
    "Miraflores",
    "Callao",
    "Norte Chico",
];
const STREETS: &[&str] = &[
    "Av. Argentina",
    "Av. Túpac Amaru",
    "Jr. Huallaga",
    "Av. Javier Prado",
    "Av. Colonial",
    "Calle Los Pinos",
    "Av. Universitaria",
    "Jr. Ica",
];
const DISTRICTS: &[&str] = &[
    "Lima",
    "San Martín de Porres",
    "Los Olivos",
    "Surquillo",
    "Ate",
    "Callao",
    "Comas",
    "Breña",
];
const CARS: &[(&str, &str)] = &[
    ("Toyota", "Hilux"),
    ("Toyota", "Yaris"),
    ("Toyota", "Corolla"),
    ("Hyundai", "Accent"),
    ("Hyundai", "Tucson"),
    ("Kia", "Rio"),
    ("Kia", "Sportage"),
    ("Nissan", "Sentra"),
    ("Nissan", "Frontier"),
    ("Suzuki", "Swift"),
    ("Chevrolet", "Sail"),
    ("Mitsubishi", "L200"),
];

fn dni(d: &mut Dice) -> String {
    format!("{:08}", 10_000_000 + d.below(79_999_999))
}

fn company_ruc(d: &mut Dice) -> String {
    let body = format!("20{:08}", d.below(100_000_000));
    let mut first = [0u8; 10];
    for (i, b) in body.bytes().enumerate() {
        first[i] = b - b'0';
    }
    format!("{body}{}", ruc_check_digit(&first))
}

fn plate(d: &mut Dice) -> String {
    let letters = b"ABCDFGHJKLMPRTVWXZ";
    let l = |d: &mut Dice| letters[d.below(letters.len() as u64) as usize] as char;
    format!("{}{}{}-{:03}", l(d), d.below(10), l(d), d.below(1000))
}

fn money(s: &str) -> Decimal {
    Decimal::from_str(s).expect("catalog price")
}

/// Fills the store. Documents are spread over the last two years, oldest first, each
/// vehicle's odometer rising visit after visit. All but the last few documents are
/// marked as synced history so the queue shows a realistic handful of PENDING items.
/// The demo shop as SUNAT's beta knows it: SUNAT's test RUC, in test mode, with a
/// Banco de la Nación account for detracciones. Tests use it to set up a store that may
/// issue comprobantes.
pub fn shop_settings(base: ShopSettings) -> ShopSettings {
    ShopSettings {
        issuer: Issuer {
            ruc: SUNAT_TEST_RUC.into(),
            razon_social: "TALLER MOTORDESK DEMO S.A.C.".into(),
            nombre_comercial: "MotorDesk Lubricentro".into(),
            address: "AV. JAVIER PRADO ESTE 1234".into(),
            phone: "01 555 0123".into(),
            ubigeo: "150131".into(),
            departamento: "LIMA".into(),
            provincia: "LIMA".into(),
            distrito: "SAN ISIDRO".into(),
        },
        test_mode: true,
        detraccion_account: "00-000-123456".into(),
        ..base
    }
}

/// Gives `store` the demo shop's settings (no certificate: documents stay "sin firmar").
pub fn configure_shop(store: &Store) -> StoreResult<()> {
    store.save_settings(&shop_settings(store.settings()?))
}

/// Makes `store` the demo shop: its settings and a self-signed certificate (SUNAT's beta
/// accepts any), so demo documents are signed like real ones.
pub fn setup_shop(store: &Store) -> StoreResult<()> {
    configure_shop(store)?;
    let cert = motordesk_sunat::Certificate::self_signed(
        SUNAT_TEST_RUC,
        "TALLER MOTORDESK DEMO S.A.C.",
        3 * 365,
    )?;
    store.install_certificate(&cert)?;
    Ok(())
}

pub fn generate(store: &Store, invoices: usize, seed: u64) -> StoreResult<DemoReport> {
    let mut d = Dice(seed.max(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut report = DemoReport::default();
    setup_shop(store)?;

    let mut products = Vec::new();
    for (code, name, category, unit, price, quick, every) in CATALOG {
        let p = Product {
            id: Uuid::now_v7(),
            code: (*code).into(),
            name: (*name).into(),
            category: (*category).into(),
            unit: *unit,
            price: money(price),
            affectation: TaxAffectation::Gravado,
            quick_key: *quick,
            change_every_km: *every,
            active: true,
        };
        store.save_product(p.clone())?;
        products.push(p);
    }
    report.products = products.len();

    let n_customers = (invoices / 8).clamp(20, 5_000);
    let mut customers = Vec::new();
    for i in 0..n_customers {
        let street = format!(
            "{} {}, {}",
            d.pick(STREETS),
            100 + d.below(3000),
            d.pick(DISTRICTS)
        );
        let phone = format!("9{:08}", d.below(100_000_000));
        let c = if i % 4 == 0 {
            let name = format!("{} {} S.A.C.", d.pick(COMPANY), d.pick(COMPANY_TAIL));
            Customer::new(
                Uuid::now_v7(),
                IdKind::Ruc,
                &company_ruc(&mut d),
                &name,
                &street,
                &phone,
                "",
            )?
        } else if i % 4 == 1 {
            // A natural person with business: RUC 10 + DNI.
            let name = format!("{} {} {}", d.pick(FIRST), d.pick(LAST), d.pick(LAST));
            Customer::new(
                Uuid::now_v7(),
                IdKind::Ruc,
                &ruc_from_dni(&dni(&mut d))?,
                &name,
                &street,
                &phone,
                "",
            )?
        } else {
            let name = format!("{} {} {}", d.pick(FIRST), d.pick(LAST), d.pick(LAST));
            Customer::new(
                Uuid::now_v7(),
                IdKind::Dni,
                &dni(&mut d),
                &name,
                &street,
                &phone,
                "",
            )?
        };
        match store.save_customer(c.clone()) {
            Ok(_) => customers.push(c),
            Err(StoreError::DuplicateDocument { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    report.customers = customers.len();

    let today = lima_date(Utc::now());
    let mut vehicles = Vec::new();
    for c in &customers {
        for _ in 0..(1 + d.below(2)) {
            let (brand, model) = d.pick(CARS);
            let mut v = Vehicle::new(Uuid::now_v7(), &plate(&mut d), brand, model)?;
            v.year = Some(2008 + d.below(18) as u16);
            v.owner_id = Some(c.id);
            v.service_interval_km = 5_000;
            v.soat_expires = Some(today + Duration::days(d.below(400) as i64 - 30));
            v.revision_tecnica_expires = Some(today + Duration::days(d.below(500) as i64 - 40));
            match store.save_vehicle(v.clone()) {
                Ok(_) => vehicles.push((v, c.clone(), 8_000 + d.below(120_000) as u32)),
                Err(StoreError::DuplicatePlate { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
    }
    report.vehicles = vehicles.len();

    let settings = store.settings()?;
    let start = Utc::now() - Duration::days(730);
    let step_secs = if invoices > 0 {
        (730 * 86_400) / invoices as i64
    } else {
        0
    };
    // History is already synced: each batch is settled in its own transaction (cheap,
    // no second rewrite). The newest dozen documents are left as real PENDING work.
    let keep_pending = invoices.min(12);
    let history = invoices - keep_pending;
    let mut issued = 0;
    while issued < invoices {
        let txn = store.db().begin_write()?;
        let batch_end = if issued < history {
            (issued + 500).min(history)
        } else {
            invoices
        };
        while issued < batch_end {
            let at = start
                + Duration::seconds(
                    step_secs * issued as i64 + d.below(step_secs.max(1) as u64) as i64,
                );
            let vi = d.below(vehicles.len() as u64) as usize;
            let (vehicle, owner, km) = &mut vehicles[vi];
            *km += 1_500 + d.below(4_000) as u32;
            let mut draft = InvoiceDraft::new(DocumentKind::Boleta);
            let oil = &products[6 + d.below(4) as usize];
            draft.lines.push(products[0].line(Decimal::ONE));
            draft.lines.push(oil.line(Decimal::ONE));
            draft.lines.push(products[10].line(Decimal::ONE));
            for _ in 0..d.below(3) {
                draft
                    .lines
                    .push(d.pick(&products).line(Decimal::from(1 + d.below(2))));
            }
            let named = d.chance(85);
            draft.kind = if owner.doc.kind == IdKind::Ruc && d.chance(70) {
                DocumentKind::Factura
            } else if d.chance(6) {
                DocumentKind::NotaDeVenta
            } else {
                DocumentKind::Boleta
            };
            if named
                || draft.kind == DocumentKind::Factura
                || draft.totals()?.total > Decimal::from(700)
            {
                draft.buyer = Buyer {
                    customer_id: Some(owner.id),
                    id: owner.doc.clone(),
                    name: owner.name.clone(),
                    address: owner.address.clone(),
                };
            }
            draft.vehicle = Some(ServicedVehicle {
                vehicle_id: vehicle.id,
                plate: vehicle.plate.display(),
                odometer_km: Some(*km),
            });
            let method = *d.pick(&PaymentMethod::ALL);
            let total = draft.totals()?.total;
            draft.payment = Payment {
                method,
                received: (method == PaymentMethod::Efectivo)
                    .then(|| (total / Decimal::from(10)).ceil() * Decimal::from(10)),
                ..Default::default()
            };
            store.issue_invoice_in(&txn, draft, &settings, at, None)?;
            issued += 1;
        }
        if issued <= history {
            let seqs = store.pending_seqs_in(&txn)?;
            store.mark_synced_in(&txn, &seqs, Utc::now())?;
        }
        txn.commit()?;
    }
    report.invoices = issued;
    report.pending = store.sync_counts()?.pending as usize;
    Ok(report)
}

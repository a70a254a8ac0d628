//! Shared helpers for the receipt tests: a real store in a tempdir, real issued
//! documents, and poppler (`pdftotext`, `pdftoppm`, `pdfinfo`) to read the PDFs back.
#![allow(dead_code)]

use motordesk::receipt::{ReceiptLayout, render_pdf};
use motordesk::store::{DB_FILE, Paper, ShopSettings, Store};
use motordesk_core::DocumentKind;
use motordesk_core::TaxAffectation;
use motordesk_core::Vehicle;
use motordesk_core::{
    Buyer, Invoice, InvoiceDraft, Modifies, NoteReason, Payment, PaymentMethod, SaleLine,
    ServicedVehicle, Unit,
};
use motordesk_core::{IdDocument, IdKind};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use std::path::{Path, PathBuf};
use std::process::Command;
use uuid::Uuid;

pub struct Shop {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub settings: ShopSettings,
}

impl Shop {
    /// The DigestValue of `inv`'s signed XML (`None` for a nota de venta).
    pub fn hash(&self, inv: &Invoice) -> Option<String> {
        self.store
            .comprobante_xml(inv.id)
            .unwrap()
            .and_then(|x| x.digest)
    }
}

pub fn shop() -> Shop {
    let dir = tempfile::tempdir().unwrap();
    // Where the kiosk looks for it, so a test can also log in through the login screen.
    let store = Store::create(&dir.path().join(DB_FILE), "admin", "pw", "Admin").unwrap();
    // The demo shop with a self-signed certificate: receipts print a real hash.
    motordesk::demo::setup_shop(&store).unwrap();
    let mut settings = store.settings().unwrap();
    settings.issuer.razon_social = "LUBRICENTRO EL ÑANDÚ S.A.C.".into();
    settings.issuer.nombre_comercial = "Lubricentro Ñandú".into();
    settings.issuer.address = "Av. José Gálvez Barrenechea 1234, San Isidro, Lima".into();
    settings.issuer.phone = "01 555-1234".into();
    store.save_settings(&settings).unwrap();
    Shop {
        dir,
        store,
        settings,
    }
}

pub fn line(description: &str, unit: Unit, qty: Decimal, price: Decimal) -> SaleLine {
    SaleLine {
        product_id: None,
        code: String::new(),
        description: description.into(),
        unit,
        quantity: qty,
        unit_price: price,
        discount: Decimal::ZERO,
        affectation: TaxAffectation::Gravado,
    }
}

pub fn service_lines() -> Vec<SaleLine> {
    vec![
        line(
            "Aceite sintético 5W-30 Castrol Magnatec (galón), cambio completo",
            Unit::Galon,
            dec!(1),
            dec!(145.00),
        ),
        line("Filtro de aceite", Unit::Unidad, dec!(1), dec!(35.50)),
        line(
            "Mano de obra: cambio de aceite y revisión de niveles",
            Unit::Servicio,
            dec!(1),
            dec!(40.00),
        ),
    ]
}

pub fn dni_buyer() -> Buyer {
    Buyer {
        customer_id: None,
        id: IdDocument::new(IdKind::Dni, "45678912").unwrap(),
        name: "María Peña Núñez".into(),
        address: "Jr. Huallaga 456, Cercado de Lima".into(),
    }
}

pub fn ruc_buyer() -> Buyer {
    Buyer {
        customer_id: None,
        id: IdDocument::new(IdKind::Ruc, "20131312955").unwrap(),
        name: "Transportes Rímac S.A.C.".into(),
        address: "Av. Argentina 1234, Lima".into(),
    }
}

pub fn vehicle(store: &Store, plate: &str) -> ServicedVehicle {
    let v = Vehicle::new(Uuid::now_v7(), plate, "Toyota", "Hilux").unwrap();
    let saved = store.save_vehicle(v).unwrap();
    ServicedVehicle {
        vehicle_id: saved.data.id,
        plate: saved.data.plate.display(),
        odometer_km: Some(45_120),
    }
}

pub fn boleta(shop: &Shop) -> Invoice {
    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
    d.buyer = dni_buyer();
    d.vehicle = Some(vehicle(&shop.store, "ABC-123"));
    d.lines = service_lines();
    d.payment = Payment {
        method: PaymentMethod::Efectivo,
        received: Some(dec!(300)),
        ..Default::default()
    };
    shop.store.issue_invoice(d).unwrap()
}

pub fn factura(shop: &Shop) -> Invoice {
    let mut d = InvoiceDraft::new(DocumentKind::Factura);
    d.buyer = ruc_buyer();
    d.lines = service_lines();
    d.lines[1].discount = dec!(5.50);
    d.global_discount_pct = dec!(10);
    d.payment = Payment {
        method: PaymentMethod::Tarjeta,
        received: None,
        ..Default::default()
    };
    d.observations = "O/C 000123 — condición: contado".into();
    shop.store.issue_invoice(d).unwrap()
}

pub fn nota_de_venta(shop: &Shop) -> Invoice {
    let mut d = InvoiceDraft::new(DocumentKind::NotaDeVenta);
    d.lines = service_lines();
    shop.store.issue_invoice(d).unwrap()
}

pub fn credit_note(shop: &Shop, original: &Invoice) -> Invoice {
    let mut d = InvoiceDraft::new(DocumentKind::NotaDeCredito);
    d.buyer = original.buyer.clone();
    d.lines = vec![original.lines[1].clone()];
    d.modifies = Some(Modifies::of(
        original,
        NoteReason::DevolucionPorItem,
        "Filtro devuelto sin uso",
    ));
    shop.store.issue_invoice(d).unwrap()
}

pub fn many_lines(n: usize) -> Vec<SaleLine> {
    (0..n)
        .map(|i| {
            let desc = if i % 7 == 0 {
                format!("Ítem {i}: repuesto con una descripción larga que ocupa dos líneas en la tabla del comprobante")
            } else {
                format!("Ítem {i}: repuesto")
            };
            line(&desc, Unit::Unidad, Decimal::from(1 + i % 3), dec!(10.00) + Decimal::from(i))
        })
        .collect()
}

/// Renders and writes `<dir>/<name>.pdf`.
pub fn write_pdf(dir: &Path, name: &str, inv: &Invoice, shop: &Shop, paper: Paper) -> PathBuf {
    let hash = shop.hash(inv);
    let layout = ReceiptLayout::build(inv, &shop.settings, paper, hash.as_deref());
    let pdf = render_pdf(&layout);
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, &pdf).unwrap();
    // For looking at the output by eye: RECEIPT_LOOK_DIR=/tmp/receipts-look cargo test ...
    if let Some(look) = std::env::var_os("RECEIPT_LOOK_DIR") {
        let look = PathBuf::from(look);
        std::fs::create_dir_all(&look).unwrap();
        std::fs::write(look.join(format!("{name}.pdf")), &pdf).unwrap();
    }
    path
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .expect("poppler-utils installed (scripts/setup-debian.sh)");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn pdftotext(pdf: &Path) -> String {
    run(Command::new("pdftotext").arg("-layout").arg(pdf).arg("-"))
}

pub fn page_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    run(Command::new("pdftotext")
        .args(["-layout", "-f", &p, "-l", &p])
        .arg(pdf)
        .arg("-"))
}

pub fn page_count(pdf: &Path) -> usize {
    let info = run(Command::new("pdfinfo").arg(pdf));
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo prints Pages")
}

/// Renders one page at 200 dpi and returns the PNG path.
pub fn render_png(pdf: &Path, page: usize, out_prefix: &Path) -> PathBuf {
    let p = page.to_string();
    run(Command::new("pdftoppm")
        .args(["-r", "200", "-png", "-singlefile", "-f", &p, "-l", &p])
        .arg(pdf)
        .arg(out_prefix));
    out_prefix.with_extension("png")
}

/// Every QR code found on the PNG, decoded.
pub fn decode_qrs(png: &Path) -> Vec<String> {
    qr_texts(image::open(png).unwrap().to_luma8())
}

/// Every QR code found in the grey image (a rendered page, a raster sent to a printer),
/// decoded.
pub fn qr_texts(img: image::GrayImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare(img);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, content)| content))
        .collect()
}

/// pdftotext collapses runs of spaces unpredictably; compare on single spaces.
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

//! Receipt rendering benchmark: prints a markdown table.
//! `cargo bench --bench receipt [-- ITERATIONS]` (default 50).
//! Times layout + PDF per receipt (what a sale costs before printing) for the 80 mm and
//! 58 mm tickets and A4, with 3 and 100 lines, and the size of the PDF; then the raster a
//! printer gets (ESC/POS at 576 / 384 dots, and an A4 page at 300 and 600 dpi for GDI
//! printing on Windows), beside the layout+PDF time of the same receipt.

use chrono::Utc;
use motordesk::receipt::{ReceiptLayout, escpos_job, rasterize, render_pdf};
use motordesk::store::{Paper, ShopSettings};
use motordesk_core::TaxAffectation;
use motordesk_core::{Buyer, Invoice, InvoiceDraft, SaleLine, Unit};
use motordesk_core::{DocumentKind, DocumentNumber};
use motordesk_core::{IdDocument, IdKind};
use rust_decimal::Decimal;
use std::time::{Duration, Instant};
use uuid::Uuid;

fn invoice(lines: usize) -> Invoice {
    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
    d.buyer = Buyer {
        customer_id: None,
        id: IdDocument::new(IdKind::Dni, "45678912").expect("dni"),
        name: "María Peña Núñez".into(),
        address: "Jr. Huallaga 456, Cercado de Lima".into(),
    };
    d.lines = (0..lines)
        .map(|i| SaleLine {
            product_id: None,
            code: format!("P{i:04}"),
            description: if i % 5 == 0 {
                format!(
                    "Ítem {i}: aceite sintético 5W-30 con filtro y revisión de niveles completa"
                )
            } else {
                format!("Ítem {i}: repuesto")
            },
            unit: Unit::Unidad,
            quantity: Decimal::from(1 + i % 3),
            unit_price: Decimal::new(1050 + i as i64 * 25, 2),
            discount: Decimal::ZERO,
            affectation: TaxAffectation::Gravado,
        })
        .collect();
    Invoice::from_draft(
        d,
        Uuid::now_v7(),
        DocumentNumber::parse("B001-42").expect("number"),
        Utc::now(),
        Uuid::now_v7(),
        "caja1",
    )
    .expect("valid draft")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let iterations: usize = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(50)
        .max(1);
    let settings = ShopSettings::default();
    // The first render parses the fonts; keep that out of the averages, report it apart.
    let t = Instant::now();
    let _ = render_pdf(&ReceiptLayout::build(
        &invoice(1),
        &settings,
        Paper::Ticket80,
        None,
    ));
    let first = t.elapsed();

    println!(
        "| receipt | lines | pages | layout mean ms | layout+PDF mean ms | layout+PDF median ms | PDF KiB |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for paper in Paper::ALL {
        for lines in [3usize, 100] {
            let inv = invoice(lines);
            let mut layout_times = Vec::with_capacity(iterations);
            let mut totals = Vec::with_capacity(iterations);
            let mut size = 0;
            let mut pages = 0;
            for _ in 0..iterations {
                let t = Instant::now();
                let layout = ReceiptLayout::build(&inv, &settings, paper, None);
                layout_times.push(t.elapsed());
                let pdf = render_pdf(&layout);
                totals.push(t.elapsed());
                size = pdf.len();
                pages = layout.pages.len();
            }
            totals.sort();
            let mean = |v: &[Duration]| ms(v.iter().sum::<Duration>()) / v.len() as f64;
            println!(
                "| {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.0} |",
                paper.label(),
                lines,
                pages,
                mean(&layout_times),
                mean(&totals),
                ms(totals[totals.len() / 2]),
                size as f64 / 1024.0
            );
        }
    }
    println!();
    println!(
        "{iterations} iterations each; first render in the process (font parsing): {:.1} ms",
        ms(first)
    );

    // The raster each printer path draws from the same layout, beside the layout+PDF time
    // of that receipt (the anchor) measured here too.
    println!();
    println!(
        "| raster (3-line boleta) | dots across | rows | raster mean ms | anchor: layout+PDF mean ms | raster KiB |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let inv = invoice(3);
    // (label, paper, dots across): A4 dots = 210 mm at 300 and 600 dpi (`receipt::gdi::plan`).
    let cases = [
        ("ESC/POS Ticket 80 mm", Paper::Ticket80, 576u32),
        ("ESC/POS Ticket 58 mm", Paper::Ticket58, 384),
        ("GDI A4 at 300 dpi", Paper::A4, 2480),
        ("GDI A4 at 600 dpi", Paper::A4, 4961),
    ];
    for (label, paper, dots) in cases {
        let layout = ReceiptLayout::build(&inv, &settings, paper, None);
        let mut raster_times = Vec::with_capacity(iterations);
        let mut anchor = Vec::with_capacity(iterations);
        let (mut rows, mut bytes) = (0, 0);
        for _ in 0..iterations {
            let t = Instant::now();
            let r = rasterize(&layout, dots);
            if paper != Paper::A4 {
                bytes = escpos_job(&r).len();
            } else {
                bytes = r.bits.len();
            }
            raster_times.push(t.elapsed());
            rows = r.height;
            let t = Instant::now();
            let _ = render_pdf(&ReceiptLayout::build(&inv, &settings, paper, None));
            anchor.push(t.elapsed());
        }
        let mean = |v: &[Duration]| ms(v.iter().sum::<Duration>()) / v.len() as f64;
        println!(
            "| {label} | {dots} | {rows} | {:.2} | {:.2} | {:.0} |",
            mean(&raster_times),
            mean(&anchor),
            bytes as f64 / 1024.0
        );
    }
}

//! The paper width chosen in Ajustes › Impresora reaches the printer, by touch: at
//! 1024×768 the cashier taps «Ticket 58 mm», «Imprimir prueba» sends a 384-dot raster to a
//! network thermal printer (a local port-9100 stand-in), «Guardar impresora y papel» keeps
//! the choice in the store, and a receipt reprinted afterwards is a 384-dot raster laid out
//! for the 58 mm roll (same QR text, every text line inside the roll). At 1280×800 a
//! cashier, who may not change the issuer's data, saves the printer and its paper too.

use crate::receipt_common::*;
use crate::receipt_escpos::decode;
use crate::screen::{click, harness, has, wait_for};
use motordesk::receipt::{DOTS_58MM, Item, ReceiptLayout, escpos_dots};
use motordesk::store::Paper;
use motordesk::ui::{AppOptions, KioskApp, PanelId};
use std::io::{Read, Write};
use std::net::TcpListener;

/// A network thermal printer on loopback that takes `jobs` jobs: each starts with the
/// status query, is answered "online", and is returned whole.
fn printer_taking(jobs: usize) -> (std::net::SocketAddr, std::thread::JoinHandle<Vec<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let printer = std::thread::spawn(move || {
        (0..jobs)
            .map(|_| {
                let (mut s, _) = listener.accept().unwrap();
                let mut ask = [0u8; 3];
                s.read_exact(&mut ask).unwrap();
                assert_eq!(ask, [0x10, 0x04, 0x01], "DLE EOT 1 first");
                s.write_all(&[0x12]).unwrap();
                let mut got = Vec::new();
                s.read_to_end(&mut got).unwrap();
                got
            })
            .collect()
    });
    (addr, printer)
}

#[test]
fn the_58_mm_choice_prints_384_dots_and_is_kept() {
    let (addr, printer) = printer_taking(2);
    let shop = shop();
    let inv = boleta(&shop);
    let hash = shop.hash(&inv);
    let Shop { dir, store, .. } = shop;
    let mut settings = store.settings().unwrap();
    settings.printer = Some(format!("tcp://{addr}"));
    assert_eq!(settings.receipt_format, Paper::Ticket80);
    store.save_settings(&settings).unwrap();
    let mut opts = AppOptions::new(dir.path().to_path_buf());
    opts.start_panel = PanelId::Ajustes;
    let mut h = harness(KioskApp::with_store(opts, store), (1024.0, 768.0));
    wait_for(&mut h, "the printer section", |h| {
        has(h, "Papel de la impresora")
    });

    click(&mut h, "Ticket 58 mm");
    click(&mut h, "Imprimir prueba");
    wait_for(&mut h, "the test printed note", |h| {
        has(h, "Prueba impresa")
    });

    click(&mut h, "Guardar impresora y papel");
    wait_for(&mut h, "the saved note", |h| {
        has(h, "Impresora y papel guardados.")
    });
    let store = h.state().store().expect("logged in").clone();
    assert_eq!(store.settings().unwrap().receipt_format, Paper::Ticket58);

    // A receipt now prints for the 58 mm roll.
    click(&mut h, "Comprobantes");
    wait_for(&mut h, "documents list", |h| has(h, "B001-00000001"));
    click(&mut h, "B001-00000001");
    wait_for(&mut h, "document detail", |h| has(h, "Reimprimir"));
    crate::screen::tap(&mut h, "Reimprimir");
    wait_for(&mut h, "the printed note", |h| {
        has(h, "Comprobante B001-00000001 impreso")
    });

    let jobs = printer.join().unwrap();
    let (width, test_rows, _, cut) = decode(&jobs[0]);
    assert_eq!(width, DOTS_58MM, "the test ticket at the chosen width");
    assert!(cut && test_rows > 150 && test_rows < 1_000, "{test_rows}");

    let (width, rows, bits, cut) = decode(&jobs[1]);
    assert_eq!(width, DOTS_58MM, "the receipt at the chosen width");
    assert!(cut);
    // The raster is the 58 mm layout of that receipt, drawn whole.
    let settings = store.settings().unwrap();
    let layout = ReceiptLayout::build(&inv, &settings, Paper::Ticket58, hash.as_deref());
    assert_eq!(escpos_dots(layout.paper), DOTS_58MM);
    let page = &layout.pages[0];
    assert_eq!(page.width_mm, 58.0);
    let dots_per_mm = DOTS_58MM as f32 / page.width_mm;
    assert_eq!(rows, (page.height_mm * dots_per_mm).ceil() as u32);
    for item in &page.items {
        if let Item::Text(t) = item {
            assert!(
                t.left() >= 3.0 && t.left() + t.width_mm() <= page.width_mm - 3.0,
                "{t:?} outside the 58 mm roll"
            );
        }
    }
    // The QR printed on the roll still decodes to the SUNAT text.
    let img = image::GrayImage::from_fn(width, rows, |x, y| {
        let on = bits[(y * width / 8 + x / 8) as usize] & (0x80 >> (x % 8)) != 0;
        image::Luma([if on { 0 } else { 255 }])
    });
    let decoded = qr_texts(img.clone());
    assert_eq!(
        decoded,
        vec![layout.qr_payload.clone().expect("a boleta's QR")]
    );
    std::fs::create_dir_all("target/escpos").ok();
    img.save("target/escpos/ticket-384.png").ok();
}

/// A cashier cannot touch the issuer's data, yet sets up the roll at the counter: at
/// 1280×800, «Ticket 58 mm» then «Guardar impresora y papel» is stored, and nothing else of
/// the settings changes.
#[test]
fn a_cashier_saves_the_printer_and_its_paper() {
    use motordesk::store::{DB_FILE, Store};
    let Shop { dir, store, .. } = shop();
    store
        .add_user(
            "caja1",
            "turno123",
            "Carla Caja",
            motordesk_core::Role::Cajero,
        )
        .unwrap();
    let before = store.settings().unwrap();
    drop(store);
    let cajera = Store::unlock(&dir.path().join(DB_FILE), "caja1", "turno123").unwrap();
    let mut opts = AppOptions::new(dir.path().to_path_buf());
    opts.start_panel = PanelId::Ajustes;
    let mut h = harness(KioskApp::with_store(opts, cajera), (1280.0, 800.0));
    wait_for(&mut h, "the printer section", |h| {
        has(h, "Papel de la impresora")
    });
    assert!(has(&h, "Solo un administrador puede cambiar estos datos."));
    click(&mut h, "Ticket 58 mm");
    click(&mut h, "Guardar impresora y papel");
    wait_for(&mut h, "the saved note", |h| {
        has(h, "Impresora y papel guardados.")
    });
    let store = h.state().store().expect("logged in").clone();
    let after = store.settings().unwrap();
    assert_eq!(after.receipt_format, Paper::Ticket58);
    assert_eq!(
        WithoutPaper(after),
        WithoutPaper(before),
        "only the paper changed"
    );
}

/// Settings compared without their paper.
#[derive(Debug)]
struct WithoutPaper(motordesk::store::ShopSettings);

impl PartialEq for WithoutPaper {
    fn eq(&self, other: &Self) -> bool {
        let mut a = self.0.clone();
        a.receipt_format = other.0.receipt_format;
        a == other.0
    }
}

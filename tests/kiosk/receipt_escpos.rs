//! The ESC/POS job a thermal printer gets, decoded back like a printer would: the raster
//! is 576 dots wide (80 mm roll) and as tall as the layout, the QR in it decodes to the
//! SUNAT QR text, text is really drawn, and a cut ends the job. Then the job goes to a
//! local TCP listener standing in for a network printer on port 9100, including one that
//! says it is offline and one that goes away mid-job (a clear error; the sealed receipt
//! is still there to reprint).

use crate::receipt_common;
use motordesk::receipt::{
    BAND_ROWS, DOTS_80MM, Item, NetPrintError, ReceiptLayout, escpos_job, print_raw,
    printer_address, rasterize,
};
use motordesk::store::Paper;
use receipt_common::*;
use std::io::{Read, Write};
use std::net::TcpListener;

/// What a printer would draw from `job`: (width in dots, rows, bits), and whether the job
/// ended with a cut.
pub(crate) fn decode(job: &[u8]) -> (u32, u32, Vec<u8>, bool) {
    assert_eq!(&job[..2], &[0x1b, b'@'], "starts with a reset");
    let mut i = 2;
    let (mut width, mut rows, mut bits) = (0u32, 0u32, Vec::new());
    while job[i..].starts_with(&[0x1d, b'v', b'0', 0]) {
        let xb = u16::from_le_bytes([job[i + 4], job[i + 5]]) as u32;
        let yb = u16::from_le_bytes([job[i + 6], job[i + 7]]) as u32;
        assert!(yb <= BAND_ROWS);
        width = xb * 8;
        let n = (xb * yb) as usize;
        bits.extend_from_slice(&job[i + 8..i + 8 + n]);
        rows += yb;
        i += 8 + n;
    }
    let cut = job[i..].starts_with(&[0x1d, b'V', 66]) && job.len() == i + 4;
    (width, rows, bits, cut)
}

fn ticket_layout() -> (ReceiptLayout, String) {
    let shop = shop();
    let inv = boleta(&shop);
    let hash = shop.hash(&inv);
    let layout = ReceiptLayout::build(&inv, &shop.settings, Paper::Ticket80, hash.as_deref());
    let qr = motordesk_sunat::sunat_qr_payload(&inv, &shop.settings.issuer.ruc, hash.as_deref());
    (layout, qr.expect("a boleta has a QR"))
}

#[test]
fn the_job_is_the_layout_as_a_576_dot_raster_with_the_qr_and_a_cut() {
    let (layout, qr_text) = ticket_layout();
    let job = escpos_job(&rasterize(&layout, DOTS_80MM));
    let (width, rows, bits, cut) = decode(&job);
    assert!(cut, "ends with feed and cut");
    assert_eq!(width, DOTS_80MM);
    let page = &layout.pages[0];
    let dots_per_mm = DOTS_80MM as f32 / page.width_mm;
    assert_eq!(rows, (page.height_mm * dots_per_mm).ceil() as u32);

    // As an image (white paper, black dots), the QR decodes to the SUNAT text.
    let img = image::GrayImage::from_fn(width, rows, |x, y| {
        let byte = bits[(y * width / 8 + x / 8) as usize];
        image::Luma([if byte & (0x80 >> (x % 8)) != 0 {
            0
        } else {
            255
        }])
    });
    let qr_item = page
        .items
        .iter()
        .find_map(|i| match i {
            Item::Qr { y, .. } => Some(*y),
            _ => None,
        })
        .expect("a ticket for a boleta has a QR");
    assert!(qr_item > 0.0);
    let decoded = receipt_common::qr_texts(img.clone());
    assert_eq!(decoded, vec![qr_text]);

    // Text is drawn: the first text line (the shop's name) has black dots on its row.
    let first_text = page
        .items
        .iter()
        .find_map(|i| match i {
            Item::Text(t) => Some(t.baseline),
            _ => None,
        })
        .unwrap();
    let row = ((first_text - 1.0) * dots_per_mm) as u32;
    let black = (0..width)
        .filter(|&x| img.get_pixel(x, row).0[0] == 0)
        .count();
    assert!(black > 20, "{black} black dots on the first text row");
    std::fs::create_dir_all("target/escpos").ok();
    img.save("target/escpos/ticket-576.png").ok();
}

/// A network thermal printer on loopback that is online: it checks the status query
/// (DLE EOT 1) comes first, answers "online" and returns every byte of the job.
fn online_printer() -> (std::net::SocketAddr, std::thread::JoinHandle<Vec<u8>>) {
    printer_answering(0x12)
}

/// A network thermal printer on loopback that answers the status query (checked to be
/// DLE EOT 1, first) with `status` and returns every byte sent after it.
fn printer_answering(status: u8) -> (std::net::SocketAddr, std::thread::JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let printer = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut ask = [0u8; 3];
        s.read_exact(&mut ask).unwrap();
        assert_eq!(ask, [0x10, 0x04, 0x01], "DLE EOT 1 first");
        s.write_all(&[status]).unwrap();
        let mut got = Vec::new();
        s.read_to_end(&mut got).unwrap();
        got
    });
    (addr, printer)
}

#[test]
fn a_network_printer_gets_every_byte_and_its_status_is_asked_first() {
    let (layout, _) = ticket_layout();
    let job = escpos_job(&rasterize(&layout, DOTS_80MM));
    let (addr, printer) = online_printer();
    print_raw(addr, &job).unwrap();
    assert_eq!(printer.join().unwrap(), job);
    assert_eq!(
        printer_address("127.0.0.1").unwrap().port(),
        motordesk::receipt::RAW_PORT
    );
    assert!(matches!(
        printer_address("no es una dirección"),
        Err(NetPrintError::BadAddress(_))
    ));
}

#[test]
fn an_offline_or_vanishing_printer_is_a_clear_error() {
    let (layout, _) = ticket_layout();
    let job = escpos_job(&rasterize(&layout, DOTS_80MM));

    // Offline (cover open, bit 3 of the status): nothing is sent after the status.
    let (addr, printer) = printer_answering(0x1a);
    let e = print_raw(addr, &job).unwrap_err();
    assert!(matches!(e, NetPrintError::Offline(_)), "{e}");
    assert!(e.mensaje().contains("papel"));
    assert!(
        printer.join().unwrap().is_empty(),
        "no job for an offline printer"
    );

    // Goes away mid-job: the printer reads a little, then drops the connection.
    let big: Vec<u8> = job.iter().copied().cycle().take(8 * 1024 * 1024).collect();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let printer = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut some = vec![0u8; 64 * 1024];
        s.read_exact(&mut some[..3]).unwrap();
        let _ = s.read(&mut some);
        drop(s);
    });
    let e = print_raw(addr, &big).unwrap_err();
    printer.join().unwrap();
    assert!(matches!(e, NetPrintError::Interrupted { .. }), "{e}");
    assert!(e.mensaje().contains("Reimprimir"));

    // Nobody listening: unreachable, quickly.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let e = print_raw(closed, &job).unwrap_err();
    assert!(matches!(e, NetPrintError::Unreachable { .. }), "{e}");
}

/// By touch: with a network thermal printer set in Ajustes (`tcp://…`), Reimprimir sends
/// the ESC/POS job there, not a PDF to the system.
#[test]
fn reimprimir_goes_to_the_network_thermal_printer() {
    use crate::screen::{harness, has, open_document, reprint, wait_for};
    use motordesk::ui::{AppOptions, KioskApp, PanelId};

    let (addr, printer) = online_printer();
    let shop = shop();
    boleta(&shop);
    let Shop { dir, store, .. } = shop;
    let mut settings = store.settings().unwrap();
    settings.printer = Some(format!("tcp://{addr}"));
    store.save_settings(&settings).unwrap();
    let mut opts = AppOptions::new(dir.path().to_path_buf());
    opts.start_panel = PanelId::Comprobantes;
    let mut h = harness(KioskApp::with_store(opts, store), (1280.0, 800.0));
    open_document(&mut h, "B001-00000001");
    reprint(&mut h);
    wait_for(&mut h, "the printed note", |h| {
        has(h, "Comprobante B001-00000001 impreso")
    });
    let job = printer.join().unwrap();
    let (width, rows, _, cut) = decode(&job);
    assert_eq!(width, DOTS_80MM);
    assert!(rows > 1_000 && cut, "{rows} rows");
}

/// A queue the system does not have: a Spanish message, nothing sent.
#[test]
fn a_raw_job_to_an_unknown_queue_is_a_clear_error() {
    let (layout, _) = ticket_layout();
    let job = escpos_job(&rasterize(&layout, DOTS_80MM));
    let err = motordesk::receipt::print_raw_queue(&job, "motordesk-no-such-printer").unwrap_err();
    let msg = err.mensaje();
    assert!(
        msg.contains("impresora") || msg.contains("impresión"),
        "{msg}"
    );
    assert!(matches!(
        motordesk::receipt::print_raw_queue(&job, "  "),
        Err(motordesk::receipt::PrintError::NoPrinter)
    ));
}

/// By touch: Ajustes › Impresora › «Imprimir prueba» sends the short test ticket to the
/// printer as chosen (a network thermal printer here) and says so in Spanish; with the
/// printer gone, the Spanish cause instead.
#[test]
fn imprimir_prueba_prints_the_test_ticket_or_says_why_not() {
    use crate::screen::{harness, has, wait_for};
    use egui_kittest::kittest::Queryable;
    use motordesk::ui::{AppOptions, KioskApp, PanelId};

    let (addr, printer) = online_printer();
    let Shop { dir, store, .. } = shop();
    let mut settings = store.settings().unwrap();
    settings.printer = Some(format!("tcp://{addr}"));
    store.save_settings(&settings).unwrap();
    let mut opts = AppOptions::new(dir.path().to_path_buf());
    opts.start_panel = PanelId::Ajustes;
    // Tall enough that the whole settings page is on screen (no scrolling by touch).
    let mut h = harness(KioskApp::with_store(opts, store), (1280.0, 5000.0));
    wait_for(&mut h, "the printer section", |h| has(h, "Imprimir prueba"));
    h.get_by_label("Imprimir prueba").click();
    wait_for(&mut h, "the test printed note", |h| {
        has(h, "Prueba impresa")
    });
    let job = printer.join().unwrap();
    let (width, rows, _, cut) = decode(&job);
    assert_eq!(width, DOTS_80MM);
    assert!(
        rows > 200 && rows < 1_000 && cut,
        "{rows} rows: a short ticket"
    );

    // The printer is gone now: the same button says why, in Spanish.
    h.get_by_label("Imprimir prueba").click();
    wait_for(&mut h, "the failure", |h| {
        has(h, "La prueba no se imprimió")
    });
    assert!(has(&h, "No se pudo conectar con la impresora"));
}

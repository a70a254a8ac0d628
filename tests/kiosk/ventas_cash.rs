//! Ventas, paid in cash by touch at 1024×768 and 1280×800: the quick-cash buttons add
//! the bills handed over and show the change, EMITIR opens the big change screen, *Nueva
//! venta* closes it on a fresh boleta for Clientes varios, and *Reimprimir último*
//! prints the sale again.

use crate::fixtures::{SIZES, kiosk, shop_with_oil_change};
use crate::screen::{has, press, wait_for};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use motordesk::ui::{KioskApp, PanelId};
use motordesk_core::{Invoice, RecordKind};
use rust_decimal_macros::dec;

fn ventas(size: (f32, f32)) -> (tempfile::TempDir, Harness<'static, KioskApp>) {
    let dir = tempfile::tempdir().unwrap();
    let store = shop_with_oil_change(dir.path());
    let h = kiosk(dir.path(), store, PanelId::Ventas, size);
    (dir, h)
}

#[test]
fn quick_cash_change_screen_new_boleta_and_reprint() {
    for size in SIZES {
        let (_dir, mut h) = ventas(size);
        wait_for(&mut h, "quick key", |h| has(h, "Cambio de aceite"));
        press(&mut h, "Cambio de aceite");
        press(&mut h, "+50");
        assert!(has(&h, "Vuelto: S/ 15.00"), "{size:?}: one S/ 50 bill");
        press(&mut h, "+20");
        assert!(
            has(&h, "Vuelto: S/ 35.00"),
            "{size:?}: +50 and +20 received"
        );
        press(&mut h, "Exacto");
        assert!(
            has(&h, "Vuelto: S/ 0.00"),
            "{size:?}: exact cash, no change"
        );
        press(&mut h, "+100");
        press(&mut h, "Factura");
        press(&mut h, "Boleta");
        assert!(
            h.get_by_label("Reimprimir último")
                .accesskit_node()
                .is_disabled(),
            "nothing to reprint before the first sale"
        );
        press(&mut h, "EMITIR");
        wait_for(&mut h, "change screen", |h| has(h, "VUELTO"));
        // S/ 35 + S/ 100 received for S/ 35.00.
        assert!(has(&h, "S/ 100.00"), "{size:?}: the change in large type");
        assert!(has(&h, "Recibido S/ 135.00 · Total S/ 35.00"));
        let store = h.state().store().unwrap().clone();
        assert_eq!(store.count(RecordKind::Invoice).unwrap(), 1);
        let inv: Invoice = store.list::<Invoice>().unwrap().remove(0).data;
        assert_eq!(inv.payment.received, Some(dec!(135.00)));
        press(&mut h, "Listo, nueva venta");
        assert!(!has(&h, "VUELTO"), "{size:?}: change screen closed");
        // A fresh boleta for Clientes varios, empty ticket.
        assert!(has(&h, "CLIENTES VARIOS"));
        assert!(has(&h, "BOLETA DE VENTA"), "{size:?}: back on a boleta");
        assert!(!has(&h, "Vuelto: S/"));
        // The sale can be printed again.
        wait_for(&mut h, "first print done", |h| {
            !has(h, "Imprimiendo comprobante")
        });
        assert!(
            !h.get_by_label("Reimprimir último")
                .accesskit_node()
                .is_disabled()
        );
        press(&mut h, "Reimprimir último");
        assert!(
            has(&h, "Imprimiendo comprobante"),
            "{size:?}: reprint started"
        );
        wait_for(&mut h, "reprint done", |h| {
            !has(h, "Imprimiendo comprobante")
        });
    }
}

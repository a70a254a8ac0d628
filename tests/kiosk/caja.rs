//! Roles and money by touch, at 1024×768 and 1280×800, numbers on the on-screen keypad
//! and text on the on-screen keyboard (no physical key events):
//! - a sale paid part by Yape and part in cash: EMITIR waits until the parts cover the
//!   total, the cash part gives change, the parts are saved and printed;
//! - Caja: opening float, a cash withdrawal with its reason, expected cash, the count
//!   and the difference, a manager's PIN (wrong, then right), the Z report sealed,
//!   printable as a real PDF, in the history; an empty shift cannot be closed again.

use crate::fixtures::{
    SIZES, cashier_logs_in, hire_cashier, kiosk, new_shop, oil_change, shop_with_oil_change,
};
use crate::screen::{has, press, wait_for};
use crate::touch_keyboard::{fill, tap};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use motordesk::receipt::{ReceiptLayout, open_receipt, receipts_dir, saved_receipt_path};
use motordesk::store::{ApprovalRequest, ShiftClose, Store};
use motordesk::ui::{KioskApp, PanelId};
use motordesk_core::{DocumentKind, Invoice, InvoiceDraft, Payment, PaymentMethod, PaymentPart};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// Types `digits` on the open keypad (its keys are named by their digit alone) and
/// accepts.
fn keypad(h: &mut Harness<'static, KioskApp>, digits: &str) {
    for d in digits.chars() {
        h.get_by_label(&d.to_string()).click();
        h.run();
    }
    tap(h, "Aceptar");
}

/// Scrolls the text field `label` into view (the Caja panel scrolls at 768 px).
fn show_field(h: &mut Harness<'static, KioskApp>, label: &str) {
    h.get_all_by_label(label)
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::TextInput)
        .unwrap_or_else(|| panic!("no field {label:?}"))
        .scroll_to_me();
    h.run();
}

fn disabled(h: &Harness<'static, KioskApp>, label: &str) -> bool {
    h.get_by_label(label).accesskit_node().is_disabled()
}

#[test]
fn split_payment_yape_and_cash_covers_the_total_and_gives_change() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let store = shop_with_oil_change(dir.path());
        let mut h = kiosk(dir.path(), store, PanelId::Ventas, size);
        wait_for(&mut h, "quick key", |h| has(h, "Cambio de aceite"));
        press(&mut h, "Cambio de aceite");
        press(&mut h, "Cambio de aceite");
        // S/ 70.00: S/ 40 by Yape first.
        press(&mut h, "Yape");
        press(&mut h, "Dividir");
        assert!(has(&h, "Monto con Yape (S/)"), "{size:?}");
        keypad(&mut h, "40");
        assert!(has(&h, "Yape S/ 40.00"), "{size:?}: the Yape part");
        assert!(has(&h, "Falta: S/ 30.00"), "{size:?}: what is left, large");
        assert!(disabled(&h, "EMITIR"), "{size:?}: not covered yet");
        // Yape beyond what is left is refused, with the amounts.
        press(&mut h, "+ Plin");
        keypad(&mut h, "31");
        assert!(has(&h, "supera lo que falta cobrar (S/ 30.00)"), "{size:?}");
        assert!(has(&h, "Falta: S/ 30.00"));
        // The rest in cash: a S/ 50 bill for S/ 30.
        press(&mut h, "+ Efectivo");
        assert!(has(&h, "Efectivo recibido (S/)"));
        keypad(&mut h, "50");
        assert!(
            has(&h, "Cubierto · Vuelto: S/ 20.00"),
            "{size:?}: covered, change on the cash part"
        );
        assert!(
            has(&h, "Efectivo S/ 30.00 · recibido S/ 50.00"),
            "{size:?}: the bill handed over shows beside the cash part"
        );
        assert!(!disabled(&h, "EMITIR"), "{size:?}: covered");
        press(&mut h, "EMITIR");
        wait_for(&mut h, "change screen", |h| has(h, "VUELTO"));
        assert!(has(&h, "Efectivo recibido S/ 50.00 · Total S/ 70.00"));
        let store = h.state().store().unwrap().clone();
        let inv: Invoice = store.list::<Invoice>().unwrap().remove(0).data;
        assert_eq!(
            inv.payment.parts,
            [
                PaymentPart {
                    method: PaymentMethod::Yape,
                    amount: dec!(40)
                },
                PaymentPart {
                    method: PaymentMethod::Efectivo,
                    amount: dec!(30)
                }
            ],
            "{size:?}: the split is saved on the document"
        );
        assert_eq!(inv.payment.received, Some(dec!(50)));
        assert_eq!(inv.payment.change(inv.totals.total), dec!(20));
        // And printed: each method with its share, cash received and change.
        let text = ReceiptLayout::build(
            &inv,
            &store.settings().unwrap(),
            motordesk::store::Paper::Ticket80,
            None,
        )
        .plain_text();
        for want in [
            "Yape:",
            "S/ 40.00",
            "Efectivo:",
            "S/ 30.00",
            "Vuelto:",
            "S/ 20.00",
        ] {
            assert!(text.contains(want), "{want:?} not on the receipt:\n{text}");
        }
        press(&mut h, "Listo, nueva venta");
        // The next sale starts as a single cash payment again.
        assert!(!has(&h, "Cubierto"), "{size:?}");
    }
}

/// A sale issued straight through the store: `paid` by method, `received` cash.
fn sell(store: &Store, qty: u32, parts: &[(PaymentMethod, Decimal)], received: Option<Decimal>) {
    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
    d.lines = vec![oil_change().line(Decimal::from(qty))];
    d.payment = if parts.len() == 1 {
        Payment {
            method: parts[0].0,
            received,
            ..Default::default()
        }
    } else {
        let mut p = Payment::default();
        for (m, a) in parts {
            p.add_part(*m, *a).unwrap();
        }
        p.received = received;
        p
    };
    store.issue_invoice(d).unwrap();
}

#[test]
fn z_report_float_withdrawal_count_manager_pin_and_history() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let store = new_shop(dir.path());
        // S/ 35 cash (S/ 50 handed over), S/ 105 = S/ 60 Yape + S/ 45 cash, S/ 70 card.
        sell(
            &store,
            1,
            &[(PaymentMethod::Efectivo, dec!(35))],
            Some(dec!(50)),
        );
        sell(
            &store,
            3,
            &[
                (PaymentMethod::Yape, dec!(60)),
                (PaymentMethod::Efectivo, dec!(45)),
            ],
            Some(dec!(50)),
        );
        sell(&store, 2, &[(PaymentMethod::Tarjeta, dec!(70))], None);
        let mut h = kiosk(dir.path(), store, PanelId::Ajustes, size);
        // The administrator sets the approval PIN in Ajustes, on the keypad.
        wait_for(&mut h, "pin block", |h| has(h, "Configurar mi PIN"));
        crate::screen::click(&mut h, "Configurar mi PIN");
        keypad(&mut h, "2468");
        wait_for(&mut h, "pin saved", |h| {
            has(h, "PIN de autorización guardado.")
        });

        crate::screen::click(&mut h, "Caja");
        wait_for(&mut h, "caja", |h| has(h, "Turno en curso"));
        assert!(has(&h, "3 ventas · 0 notas"), "{size:?}");
        press(&mut h, "Fondo inicial…");
        keypad(&mut h, "100");
        wait_for(&mut h, "float", |h| has(h, "Fondo inicial: S/ 100.00"));
        press(&mut h, "Retiro de efectivo");
        keypad(&mut h, "30");
        show_field(&mut h, "Motivo del movimiento");
        fill(&mut h, "Motivo del movimiento", "Pago proveedor");
        tap(&mut h, "Tecla Listo");
        press(&mut h, "Guardar movimiento");
        wait_for(&mut h, "withdrawal", |h| {
            has(h, "Retiro de S/ 30.00 registrado.")
        });
        wait_for(&mut h, "listed", |h| has(h, "Pago proveedor"));
        // 100 + 35 + 45 − 30
        assert!(has(&h, "Efectivo esperado: S/ 150.00"), "{size:?}");
        assert!(disabled(&h, "CERRAR CAJA"), "{size:?}: count first");
        crate::screen::click(&mut h, "Efectivo contado: —");
        keypad(&mut h, "149.5");
        assert!(
            has(&h, "Faltante: S/ -0.50"),
            "{size:?}: {:?}",
            h.query_all_by_label_contains("Efectivo")
                .map(|n| n.accesskit_node().label())
                .collect::<Vec<_>>()
        );
        // Nothing is on a server: the approving manager writes why.
        show_field(&mut h, "Motivo para cerrar sin sincronizar");
        fill(&mut h, "Motivo para cerrar sin sincronizar", "Sin internet");
        tap(&mut h, "Tecla Listo");
        crate::screen::click(&mut h, "CERRAR CAJA");
        assert!(has(&h, "PIN: Cierre de caja"));
        keypad(&mut h, "1111");
        wait_for(&mut h, "refused", |h| has(h, "PIN incorrecto."));
        crate::screen::click(&mut h, "CERRAR CAJA");
        keypad(&mut h, "2468");
        wait_for(&mut h, "closed", |h| has(h, "Turno cerrado"));
        assert!(has(&h, "Aprobó Ana Admin"), "{size:?}");

        let store = h.state().store().unwrap().clone();
        let z = store.shift_history(5).unwrap().remove(0);
        assert_eq!(z.float, dec!(100));
        assert_eq!(z.tally.cash_sales(), dec!(80));
        assert_eq!(z.expected_cash, dec!(150));
        assert_eq!(z.counted_cash, Some(dec!(149.5)));
        assert_eq!(z.difference(), Some(dec!(-0.5)));
        assert_eq!(z.approved_by.as_ref().unwrap().by, "admin");
        assert_eq!(z.override_reason.as_deref(), Some("Sin internet"));
        assert_eq!(z.movements[0].reason, "Pago proveedor");
        // The ticket is kept sealed like a receipt; opened, it is a PDF that says so.
        let path = saved_receipt_path(&receipts_dir(dir.path()), z.id.unwrap());
        wait_for(&mut h, "z saved", |_| path.exists());
        let pdf = open_receipt(&store, &path).unwrap();
        let pdf_path = dir.path().join("z.pdf");
        std::fs::write(&pdf_path, &pdf).unwrap();
        let out = std::process::Command::new("pdftotext")
            .args([pdf_path.to_str().unwrap(), "-"])
            .output()
            .expect("pdftotext (poppler-utils) installed");
        let text = String::from_utf8_lossy(&out.stdout);
        for want in [
            "CIERRE DE CAJA (Z)",
            "Efectivo esperado",
            "150.00",
            "Faltante",
            "Ana Admin",
        ] {
            assert!(text.contains(want), "{want:?} not in the Z pdf:\n{text}");
        }
        // Nothing since: the next close is refused, on screen and in the store.
        crate::screen::click(&mut h, "Listo");
        wait_for(&mut h, "new shift", |h| has(h, "no hay nada que cerrar"));
        assert!(disabled(&h, "CERRAR CAJA"));
        let again = store.close_shift(ShiftClose {
            counted: Decimal::ZERO,
            pin: "2468".into(),
            override_reason: Some("x".into()),
        });
        assert!(
            again
                .unwrap_err()
                .mensaje()
                .contains("No hay nada que cerrar"),
            "{size:?}"
        );
        // The history shows the close and its ticket.
        assert!(has(&h, "Cierres anteriores"));
        crate::screen::click(&mut h, "Ver ticket");
        assert!(has(&h, "Vista previa"), "{size:?}");
    }
}

#[test]
fn credit_note_by_a_cashier_needs_a_reason_a_confirmation_and_a_manager_pin() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let admin = new_shop(dir.path());
        admin.set_manager_pin("2468").unwrap();
        hire_cashier(&admin);
        drop(admin);
        let cajera = cashier_logs_in(dir.path());
        sell(&cajera, 2, &[(PaymentMethod::Efectivo, dec!(70))], None);
        // A second boleta credited in part, through the store.
        sell(&cajera, 2, &[(PaymentMethod::Yape, dec!(70))], None);
        let second = cajera
            .invoice_by_number(&motordesk_core::DocumentNumber::parse("B001-2").unwrap())
            .unwrap()
            .unwrap()
            .data;
        let mut partial = InvoiceDraft::new(DocumentKind::NotaDeCredito);
        partial.buyer = second.buyer.clone();
        partial.lines = vec![oil_change().line(Decimal::ONE)];
        partial.modifies = Some(motordesk_core::Modifies::of(
            &second,
            motordesk_core::NoteReason::DevolucionPorItem,
            "Un servicio no realizado",
        ));
        // The store itself refuses a cashier's credit note without a manager's approval,
        // and takes one given by PIN for this document and amount.
        assert!(cajera.issue_invoice(partial.clone()).is_err());
        let approval = cajera
            .approve(
                "2468",
                ApprovalRequest::credit_note(second.id, partial.totals().unwrap().total),
            )
            .unwrap();
        cajera.issue_approved(partial, &approval).unwrap();

        let mut h = kiosk(dir.path(), cajera, PanelId::Comprobantes, size);
        wait_for(&mut h, "list", |h| has(h, "B001-00000001"));
        assert!(
            has(&h, "CON N. CRÉDITO"),
            "{size:?}: B001-2 credited in part"
        );
        crate::screen::click(&mut h, "B001-00000001");
        wait_for(&mut h, "detail", |h| has(h, "Reimprimir"));
        crate::screen::click(&mut h, "Nota de crédito");
        wait_for(&mut h, "note draft", |h| {
            has(h, "NOTA DE CRÉDITO de Boleta B001-00000001")
        });
        // No reason written: refused before any confirmation.
        press(&mut h, "EMITIR");
        assert!(
            has(&h, "Escriba el detalle del motivo de la nota de crédito."),
            "{size:?}"
        );
        show_field(&mut h, "Detalle del motivo");
        fill(&mut h, "Detalle del motivo", "Cliente desiste");
        tap(&mut h, "Tecla Listo");
        press(&mut h, "EMITIR");
        assert!(
            has(
                &h,
                "¿Emitir una nota de crédito por S/ 70.00 sobre Boleta B001-00000001?"
            ),
            "{size:?}"
        );
        crate::screen::click(&mut h, "Sí, emitir");
        assert!(has(&h, "PIN: Nota de crédito"), "{size:?}");
        keypad(&mut h, "1357");
        wait_for(&mut h, "wrong pin", |h| has(h, "PIN incorrecto."));
        let store = h.state().store().unwrap().clone();
        assert_eq!(store.count(motordesk_core::RecordKind::Invoice).unwrap(), 3);
        crate::screen::click(&mut h, "Sí, emitir");
        keypad(&mut h, "2468");
        wait_for(&mut h, "the note", |_| {
            store.count(motordesk_core::RecordKind::Invoice).unwrap() == 4
        });
        let note = store
            .list::<Invoice>()
            .unwrap()
            .into_iter()
            .map(|r| r.data)
            .find(|i| {
                i.kind == DocumentKind::NotaDeCredito
                    && i.modifies.as_ref().unwrap().number.correlative == 1
            })
            .unwrap();
        assert_eq!(note.approved_by.as_deref(), Some("admin"), "{size:?}");
        assert_eq!(note.cashier, "caja1");
        assert_eq!(note.modifies.unwrap().note, "Cliente desiste");
        // Fully credited: listed as ANULADA, and its detail offers no other credit note.
        crate::screen::click(&mut h, "Comprobantes");
        wait_for(&mut h, "anulada", |h| has(h, "ANULADA"));
        crate::screen::click(&mut h, "B001-00000001");
        wait_for(&mut h, "detail", |h| has(h, "anulada por completo"));
        assert!(h.query_by_label("Nota de crédito").is_none(), "{size:?}");
    }
}

#[test]
fn a_discount_above_the_limit_set_in_ajustes_needs_a_manager_pin() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let admin = new_shop(dir.path());
        admin.set_manager_pin("2468").unwrap();
        hire_cashier(&admin);
        admin.save_product(oil_change()).unwrap();
        // The administrator sets the limit in Ajustes, on the keypad.
        let mut h = kiosk(dir.path(), admin, PanelId::Ajustes, size);
        wait_for(&mut h, "limit", |h| has(h, "Sin límite"));
        crate::screen::click(&mut h, "Límite de descuento…");
        keypad(&mut h, "10");
        wait_for(&mut h, "saved", |h| has(h, "Límite de descuento guardado."));
        assert!(has(&h, "Un cajero puede dar hasta 10 % de descuento"));
        let admin = h.state().store().unwrap().clone();
        assert_eq!(admin.settings().unwrap().discount_limit_pct, Some(dec!(10)));
        drop(h);
        drop(admin);

        let cajera = cashier_logs_in(dir.path());
        let mut h = kiosk(dir.path(), cajera, PanelId::Ventas, size);
        wait_for(&mut h, "quick key", |h| has(h, "Cambio de aceite"));
        press(&mut h, "Cambio de aceite");
        crate::screen::click(&mut h, "Descuento: 0 %");
        keypad(&mut h, "15");
        press(&mut h, "EMITIR");
        assert!(
            has(&h, "El descuento de 15 % supera el límite de 10 %"),
            "{size:?}"
        );
        assert!(has(&h, "PIN: Descuento"));
        keypad(&mut h, "2468");
        let store = h.state().store().unwrap().clone();
        wait_for(&mut h, "the sale", |_| {
            store.count(motordesk_core::RecordKind::Invoice).unwrap() == 1
        });
        let inv: Invoice = store.list::<Invoice>().unwrap().remove(0).data;
        assert_eq!(inv.global_discount_pct, dec!(15));
        assert_eq!(inv.approved_by.as_deref(), Some("admin"), "{size:?}");
    }
}

//! The kiosk driven by touch through egui_kittest (no GPU) against a real store in a
//! temp dir: issuing a sale with quick keys and the keypad, customer validation as
//! typed, odometer updates, the sync indicator's pending count, and the comprobantes SUNAT
//! has not accepted yet with their deadlines.

use crate::fixtures::{item, kiosk, login_screen, new_shop, options, service_line, shop_pfx};
use crate::screen::{self, has, press, replace_text, tap, type_into, wait_for};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use motordesk::store::{DB_FILE, Store};
use motordesk::ui::{KioskApp, PanelId};
use motordesk_core::Customer;
use motordesk_core::IdKind;
use motordesk_core::Product;
use motordesk_core::RecordKind;
use motordesk_core::Unit;
use motordesk_core::Vehicle;
use rust_decimal_macros::dec;
use tempfile::TempDir;
use uuid::Uuid;

struct Shop {
    _dir: TempDir,
    app: KioskApp,
    vehicle_id: Uuid,
}

fn product(code: &str, name: &str, unit: Unit, price: rust_decimal::Decimal) -> Product {
    item(code, name, "Servicio", unit, price, true)
}

/// A real store with two quick keys, one customer and one vehicle at 45,000 km.
fn shop(panel: PanelId) -> Shop {
    let dir = tempfile::tempdir().unwrap();
    let store = new_shop(dir.path());
    store
        .save_product(product(
            "SRV-001",
            "Cambio de aceite",
            Unit::Servicio,
            dec!(35.00),
        ))
        .unwrap();
    store
        .save_product(product(
            "ACE-001",
            "Aceite 20W-50 galón",
            Unit::Galon,
            dec!(95.00),
        ))
        .unwrap();
    let juan = Customer::new(
        Uuid::now_v7(),
        IdKind::Dni,
        "45678912",
        "Juan Pérez",
        "",
        "",
        "",
    )
    .unwrap();
    store.save_customer(juan).unwrap();
    let v = Vehicle::new(Uuid::now_v7(), "ABC-123", "Toyota", "Hilux").unwrap();
    let vehicle_id = v.id;
    store.save_vehicle(v).unwrap();
    store.update_odometer(vehicle_id, 45_000).unwrap();
    Shop {
        app: KioskApp::with_store(options(dir.path(), panel), store),
        _dir: dir,
        vehicle_id,
    }
}

fn harness(app: KioskApp) -> Harness<'static, KioskApp> {
    screen::harness(app, (1280.0, 800.0))
}

fn store(h: &Harness<'static, KioskApp>) -> std::sync::Arc<Store> {
    h.state().store().expect("logged in").clone()
}

fn click(h: &mut Harness<'static, KioskApp>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

#[test]
fn sale_by_touch_is_issued_and_listed_as_pending() {
    let shop = shop(PanelId::Ventas);
    let mut h = harness(shop.app);
    wait_for(&mut h, "quick keys", |h| has(h, "Cambio de aceite"));
    h.run();

    press(&mut h, "Cambio de aceite");
    // Quantity through the on-screen keypad: 1 → 3.
    click(&mut h, "1 SERV");
    assert!(has(&h, "Cantidad: Cambio de aceite"), "keypad opened");
    click(&mut h, "3");
    click(&mut h, "Aceptar");
    assert!(has(&h, "3 SERV"));
    assert!(
        h.query_by_label("S/ 105.00").is_some(),
        "TOTAL is 3 × 35.00"
    );
    assert!(h.query_by_label("S/ 88.98").is_some(), "OP. GRAVADA");
    assert!(h.query_by_label("S/ 16.02").is_some(), "IGV");

    h.get_by_label("EMITIR").click();
    wait_for(&mut h, "the invoice in the store", |h| {
        store(h).count(RecordKind::Invoice).unwrap() == 1
    });
    let s = store(&h);
    let docs = s.invoice_summaries().unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].total, dec!(105.00));
    assert_eq!(docs[0].number.to_string(), "B001-00000001");
    wait_for(&mut h, "confirmation", |h| {
        has(h, "Emitido: Boleta B001-00000001")
    });
    wait_for(&mut h, "the receipt PDF", |h| has(h, "PDF guardado"));

    // The sync indicator counts everything still on the device only.
    let pending = s.sync_counts().unwrap().pending;
    assert!(pending >= 1);
    wait_for(&mut h, "sync indicator count", |h| {
        has(h, &format!("PENDIENTES {pending}"))
    });

    // The documents list shows it with its PENDIENTE badge.
    h.get_by_label("Comprobantes").click();
    wait_for(&mut h, "documents list", |h| has(h, "B001-00000001"));
    assert!(h.query_by_label("PENDIENTE").is_some());
    h.run();

    // Select it: detail with Reimprimir and Nota de crédito, which prefills a credit note.
    h.get_by_label("B001-00000001").click();
    wait_for(&mut h, "document detail", |h| has(h, "Reimprimir"));
    click(&mut h, "Nota de crédito");
    wait_for(&mut h, "credit note draft", |h| {
        has(h, "NOTA DE CRÉDITO de Boleta B001-00000001")
    });
    // A credit note needs the reason's detail and a confirmation.
    type_into(&mut h, "Detalle del motivo", "Cliente desiste");
    h.get_by_label("EMITIR").click();
    wait_for(&mut h, "confirmation", |h| has(h, "Sí, emitir"));
    h.get_by_label("Sí, emitir").click();
    wait_for(&mut h, "the credit note in the store", |h| {
        store(h).count(RecordKind::Invoice).unwrap() == 2
    });
    let docs = s.invoice_summaries().unwrap();
    assert_eq!(docs[0].number.to_string(), "BC01-00000001");
    assert_eq!(docs[0].total, dec!(105.00));
}

#[test]
fn boleta_over_700_without_dni_shows_the_rule() {
    let shop = shop(PanelId::Ventas);
    let mut h = harness(shop.app);
    wait_for(&mut h, "quick keys", |h| has(h, "Aceite 20W-50"));
    for _ in 0..8 {
        press(&mut h, "Aceite 20W-50");
    }
    assert!(h.query_by_label("S/ 760.00").is_some());
    assert!(
        has(&h, "por encima de S/ 700.00 se requiere"),
        "rule error in Spanish"
    );
    h.get_by_label("EMITIR").click();
    h.run();
    assert_eq!(
        store(&h).count(RecordKind::Invoice).unwrap(),
        0,
        "nothing issued"
    );
}

#[test]
fn customer_with_bad_ruc_is_refused_then_good_one_saved() {
    let shop = shop(PanelId::Clientes);
    let mut h = harness(shop.app);
    wait_for(&mut h, "customer list", |h| has(h, "Juan Pérez"));
    click(&mut h, "RUC");
    type_into(&mut h, "Número de documento", "20512333798");
    type_into(&mut h, "Razón social", "Transportes Rímac S.A.C.");
    assert!(
        has(&h, "RUC inválido: el dígito verificador no coincide"),
        "validated as typed"
    );
    screen::click(&mut h, "Guardar cliente");
    h.run();
    let s = store(&h);
    assert_eq!(
        s.count(RecordKind::Customer).unwrap(),
        1,
        "bad RUC saved nothing"
    );

    replace_text(&mut h, "Número de documento", "20131312955");
    h.run();
    assert!(has(&h, "RUC válido: 20131312955"));
    screen::click(&mut h, "Guardar cliente");
    wait_for(&mut h, "saved message", |h| has(h, "Cliente guardado"));
    let saved = s
        .customer_by_doc(IdKind::Ruc, "20131312955")
        .unwrap()
        .expect("saved");
    assert_eq!(saved.data.name, "Transportes Rímac S.A.C.");

    // The same document again is refused by the store, in Spanish.
    click(&mut h, "Nuevo cliente");
    click(&mut h, "RUC");
    type_into(&mut h, "Número de documento", "20131312955");
    type_into(&mut h, "Razón social", "Otra empresa");
    screen::click(&mut h, "Guardar cliente");
    wait_for(&mut h, "duplicate message", |h| {
        has(h, "Ya existe un cliente con el documento 20131312955")
    });
    assert_eq!(s.count(RecordKind::Customer).unwrap(), 2);
}

#[test]
fn odometer_below_last_is_refused_and_higher_is_saved() {
    let shop = shop(PanelId::Flota);
    let vid = shop.vehicle_id;
    let mut h = harness(shop.app);
    wait_for(&mut h, "vehicle list", |h| has(h, "ABC-123"));
    h.get_by_label_contains("ABC-123").click();
    h.run();
    assert!(has(&h, "Kilometraje: 45,000 km"));

    type_into(&mut h, "Nuevo kilometraje", "44000");
    h.get_by_label("Guardar kilometraje").click();
    wait_for(&mut h, "refusal", |h| {
        has(h, "es menor que la última lectura (45,000 km)")
    });
    let s = store(&h);
    assert_eq!(
        s.get::<Vehicle>(vid).unwrap().unwrap().data.odometer_km,
        45_000,
        "unchanged"
    );

    replace_text(&mut h, "Nuevo kilometraje", "46200");
    h.get_by_label("Guardar kilometraje").click();
    wait_for(&mut h, "saved", |h| has(h, "Kilometraje actualizado"));
    assert_eq!(
        s.get::<Vehicle>(vid).unwrap().unwrap().data.odometer_km,
        46_200
    );
    wait_for(&mut h, "list refreshed", |h| {
        has(h, "Kilometraje: 46,200 km")
    });
    h.run();
}

#[test]
fn first_run_creates_admin_then_login_logout_and_wrong_password() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = login_screen(dir.path(), (1280.0, 800.0));
    h.run();
    assert!(
        has(&h, "Es la primera vez"),
        "first run asks for the administrator"
    );
    type_into(&mut h, "Nombre completo", "Rosa Quispe");
    type_into(&mut h, "Contraseña", "clave123");
    type_into(&mut h, "Repita la contraseña", "clave123");
    h.get_all_by_label("Crear administrador")
        .last()
        .unwrap()
        .click();
    wait_for(&mut h, "main screen", |h| h.state().panel().is_some());
    assert!(has(&h, "Rosa Quispe"));
    h.run();

    h.get_by_label("Salir").click();
    wait_for(&mut h, "login screen", |h| has(h, "Iniciar sesión"));
    type_into(&mut h, "Usuario", "admin");
    type_into(&mut h, "Contraseña", "equivocada");
    h.get_by_label("Ingresar").click();
    wait_for(&mut h, "refusal", |h| {
        has(h, "Usuario o contraseña incorrectos.")
    });
    assert!(h.state().panel().is_none());

    type_into(&mut h, "Contraseña", "clave123");
    h.get_by_label("Ingresar").click();
    wait_for(&mut h, "logged in again", |h| {
        h.state().panel() == Some(PanelId::Ventas)
    });
}

#[test]
fn failed_item_is_shown_with_its_reason_and_retried_by_hand() {
    let shop = shop(PanelId::Sincronizacion);
    let mut h = harness(shop.app);
    h.run();
    let s = store(&h);
    let e = s
        .outbox_with_status(motordesk_core::SyncStatus::Pending, 1)
        .unwrap()
        .remove(0);
    s.mark_syncing(&[e.seq]).unwrap();
    s.mark_failed(
        e.seq,
        "connection refused",
        chrono::Utc::now() + chrono::Duration::hours(1),
    )
    .unwrap();
    // The panel reloads when the sync thread's counts change.
    wait_for(&mut h, "failed item listed", |h| {
        has(h, "FALLIDOS 1") && has(h, "connection refused")
    });
    assert!(h.query_by_label("FALLIDO").is_some());
    h.get_by_label("Reintentar").click();
    wait_for(&mut h, "back in the queue", |h| {
        has(h, "registro(s) vuelven a la cola")
    });
    assert_eq!(s.sync_counts().unwrap().failed, 0);
    wait_for(&mut h, "indicator updated", |h| has(h, "FALLIDOS 0"));
}

#[test]
fn a_sale_without_certificate_waits_unsigned_until_ajustes_imports_one() {
    let shop = shop(PanelId::Ventas);
    let mut h = harness(shop.app);
    wait_for(&mut h, "the fiscal warning", |h| has(h, "SIN CERT"));
    wait_for(&mut h, "quick keys", |h| has(h, "Cambio de aceite"));
    press(&mut h, "Cambio de aceite");
    h.get_by_label("EMITIR").click();
    wait_for(&mut h, "the boleta", |h| {
        has(h, "Emitido: Boleta B001-00000001")
    });
    // The long words or, where the bar is short, the short ones.
    wait_for(&mut h, "the warning to count it", |h| {
        has(h, "1 SIN FIRMAR") || has(h, "1 S/FIRMA")
    });
    let s = store(&h);
    let id = s.invoice_summaries().unwrap()[0].id;
    assert!(s.comprobante_xml(id).unwrap().unwrap().digest.is_none());

    // Touching the warning opens Ajustes, where the administrator imports the .pfx.
    let badge = if has(&h, "1 SIN FIRMAR") {
        "1 SIN FIRMAR"
    } else {
        "1 S/FIRMA"
    };
    tap(&mut h, badge);
    wait_for(&mut h, "Ajustes", |h| {
        has(h, "Comprobante electrónico (SUNAT)")
    });
    // The section sits below the shop's data: scroll it into view as a finger would.
    h.get_by_label("Importar certificado").scroll_to_me();
    h.run();
    let dir = tempfile::tempdir().unwrap();
    let pfx = shop_pfx(dir.path(), "/CN=TALLER DEMO", 400, "clave-pfx");
    type_into(
        &mut h,
        "Archivo del certificado (.pfx / .p12)",
        pfx.to_str().unwrap(),
    );
    type_into(&mut h, "Contraseña del certificado", "equivocada");
    tap(&mut h, "Importar certificado");
    wait_for(&mut h, "the refusal", |h| has(h, "contraseña"));
    assert!(s.comprobante_xml(id).unwrap().unwrap().digest.is_none());

    type_into(&mut h, "Contraseña del certificado", "clave-pfx");
    tap(&mut h, "Importar certificado");
    wait_for(&mut h, "the import", |h| has(h, "Certificado importado"));
    assert!(has(&h, "1 comprobante firmado ahora"));
    assert!(s.comprobante_xml(id).unwrap().unwrap().digest.is_some());
    wait_for(&mut h, "the warning to go", |h| {
        !has(h, "SIN FIRMAR") && !has(h, "S/FIRMA")
    });
    assert!(has(&h, "CN=TALLER DEMO"), "certificate shown in Ajustes");
}

/// A signed boleta that was never sent is listed in Sincronización at 1024×768 with its
/// age and its 5-day deadline, and the top bar counts it (short form); a boleta SUNAT
/// answered with an exception offers Reenviar, which points to Ajustes while sending is
/// not configured.
#[test]
fn an_unsent_boleta_is_listed_in_sincronizacion_with_its_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(
        &dir.path().join(DB_FILE),
        "admin",
        "secreto123",
        "Ana Admin",
    )
    .unwrap();
    motordesk::demo::setup_shop(&store).unwrap();
    let mut d = motordesk_core::InvoiceDraft::new(motordesk_core::DocumentKind::Boleta);
    d.lines = vec![service_line("SRV-001", "Cambio de aceite", dec!(35.00))];
    let boleta = store.issue_invoice(d.clone()).unwrap();
    let excepcion = store.issue_invoice(d).unwrap();
    store
        .record_sunat_outcome(
            excepcion.id,
            motordesk::store::SunatOutcome {
                state: motordesk_core::FiscalState::Excepcion,
                code: Some(1032),
                description: "Error de prueba".into(),
                observations: Vec::new(),
                cdr_zip: None,
                outcome_unknown: false,
                attempted: true,
                at: chrono::Utc::now(),
            },
        )
        .unwrap()
        .unwrap();
    let issued = motordesk_core::lima_date(boleta.issued_at);
    let deadline = (issued + chrono::Days::new(5))
        .format("%d/%m/%Y")
        .to_string();
    let mut h = kiosk(dir.path(), store, PanelId::Sincronizacion, (1024.0, 768.0));
    wait_for(&mut h, "the SUNAT section", |h| {
        has(h, "Comprobantes por aceptar en SUNAT (2)")
    });
    assert!(has(&h, "B001-00000001"));
    assert!(
        has(&h, &format!("Plazo: hasta {deadline}")),
        "deadline {deadline}"
    );
    assert!(has(&h, "POR ENVIAR"));
    let emitido = format!("Emitido {}", issued.format("%d/%m/%Y"));
    assert!(
        has(&h, &format!("{emitido} · hoy")) || has(&h, &format!("{emitido} · hace 1 día")),
        "issue date and age"
    );
    assert_eq!(
        h.query_all_by_label("Reenviar").count(),
        1,
        "only the exception is resent; the unsent boleta just waits"
    );
    wait_for(&mut h, "the top bar count", |h| has(h, "SUNAT: 2"));

    // The exception's row offers Reenviar; with no SUNAT service set up on this kiosk,
    // it says where to set it.
    assert!(has(&h, "EXCEPCIÓN") && has(&h, "SUNAT 1032: Error de prueba"));
    let r = h
        .get_by_label("Reenviar")
        .accesskit_node()
        .raw_bounds()
        .unwrap();
    assert!(r.x1 <= 1024.0, "Reenviar fits the 1024-pixel screen: {r:?}");
    tap(&mut h, "Reenviar");
    wait_for(&mut h, "where to configure sending", |h| {
        has(h, "Ajustes › Envío a SUNAT")
    });
}

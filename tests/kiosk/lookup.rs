//! "Buscar en SUNAT/RENIEC" by touch against a real server process whose lookup points
//! at the real provider stand-in process: Clientes fills the form and saves estado and
//! condición with the customer; Ventas warns before a factura to a RUC that is BAJA DE
//! OFICIO (Volver issues nothing, "Emitir de todos modos" issues it); a DNI typed in the
//! Ventas search is looked up, saved and made the buyer; a number the registers do not
//! know and a server that went away are told in Spanish, and the button is off offline.

use crate::fixtures::{kiosk, oil_change};
use crate::screen::{has, press, tap, wait_for, wait_for_text};
use crate::sync_support::{Server, listening_address, registered_store};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use motordesk::store::DB_FILE;
use motordesk::ui::{KioskApp, PanelId};
use motordesk_core::{IdKind, RecordKind};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BUTTON: &str = "Buscar en SUNAT/RENIEC";

/// The stand-in binary next to this test's build; built with cargo when missing (it is
/// another package, so cargo gives no `CARGO_BIN_EXE_` for it).
fn standin_exe() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap().to_path_buf();
    let bin = dir.join(format!(
        "motordesk-lookup-standin{}",
        std::env::consts::EXE_SUFFIX
    ));
    if !bin.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let ok = Command::new(cargo)
            .args(["build", "--quiet", "-p", "motordesk-lookup-standin"])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok && bin.exists(), "could not build {}", bin.display());
    }
    bin
}

/// The provider stand-in as a process; killed when dropped.
struct Provider {
    child: Child,
    base: String,
}

impl Provider {
    fn start() -> Provider {
        let mut child = Command::new(standin_exe())
            .args(["--listen", "127.0.0.1:0", "--token", "kiosk-test-token"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start motordesk-lookup-standin");
        let base = listening_address(&mut child);
        Provider { child, base }
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Bay {
    server: Server,
    _provider: Provider,
    _dir: tempfile::TempDir,
    h: Harness<'static, KioskApp>,
}

/// A registered kiosk on `panel`, its server doing lookups through the stand-in.
fn bay(panel: PanelId, size: (f32, f32)) -> Bay {
    let provider = Provider::start();
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("lookup.token");
    std::fs::write(&token, "kiosk-test-token\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let url = format!("{}/v2", provider.base);
    let server = Server::start_with(&[
        "--lookup-provider",
        "apisnet",
        "--lookup-token-file",
        token.to_str().unwrap(),
        "--lookup-url",
        &url,
    ]);
    let store = registered_store(&dir.path().join(DB_FILE), "clave-admin", "Admin", &server);
    store.save_product(oil_change()).unwrap();
    let h = kiosk(dir.path(), store, panel, size);
    let mut b = Bay {
        server,
        _provider: provider,
        _dir: dir,
        h,
    };
    wait_for(&mut b.h, "online", |h| has(h, "EN LÍNEA"));
    b
}

fn type_into(h: &mut Harness<'static, KioskApp>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run_steps(4);
    h.get_by_label(label).type_text(text);
    h.run_steps(4);
}

fn click(h: &mut Harness<'static, KioskApp>, label: &str) {
    h.get_by_label(label).click();
    h.run_steps(4);
}

fn button_enabled(h: &Harness<'static, KioskApp>, text: &str) -> bool {
    h.get_all_by_label_contains(text)
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::Button)
        .is_some_and(|n| !n.accesskit_node().is_disabled())
}

#[test]
fn clientes_lookup_fills_and_saves_the_status_then_ventas_warns_before_the_factura() {
    let mut b = bay(PanelId::Clientes, (1280.0, 800.0));
    let h = &mut b.h;
    click(h, "RUC");
    assert!(!button_enabled(h, BUTTON), "no number yet: disabled");
    type_into(h, "Número de documento", "20601111111");
    assert!(button_enabled(h, BUTTON), "11 digits online: enabled");
    tap(h, BUTTON);
    wait_for_text(h, "Datos de SUNAT cargados.");
    assert!(has(h, "BAJA DE OFICIO / HABIDO"), "the status badge");
    // The form grew (message, status line): the button may be below the fold.
    crate::screen::click(h, "Guardar cliente");
    wait_for_text(h, "Cliente guardado: FERRETERIA LOS ANDES S.A.C.");
    let store = h.state().store().unwrap().clone();
    let saved = store
        .customer_by_doc(IdKind::Ruc, "20601111111")
        .unwrap()
        .expect("saved")
        .data;
    assert_eq!(saved.address, "JR. HUALLAGA NRO. 200 - LIMA - LIMA - LIMA");
    let st = saved.sunat.expect("estado and condición saved");
    assert_eq!(
        (st.estado.as_str(), st.condicion.as_str()),
        ("BAJA DE OFICIO", "HABIDO")
    );

    // Ventas: a factura to that customer waits for the cashier's word.
    click(h, "Ventas");
    wait_for(h, "quick key", |h| has(h, "Cambio de aceite"));
    press(h, "Factura");
    type_into(h, "Buscar cliente (nombre, DNI o RUC)", "FERRETERIA");
    wait_for(h, "customer hit", |h| {
        has(h, "FERRETERIA LOS ANDES S.A.C.\nRUC 20601111111")
    });
    press(h, "FERRETERIA LOS ANDES S.A.C.\nRUC 20601111111");
    assert!(
        has(h, "BAJA DE OFICIO / HABIDO"),
        "the buyer's status under Cliente"
    );
    press(h, "Cambio de aceite");
    press(h, "Exacto");
    press(h, "EMITIR");
    assert!(
        has(h, "RUC observado en SUNAT"),
        "the warning, not the sale"
    );
    assert!(has(h, "está «BAJA DE OFICIO»"));
    press(h, "Volver");
    assert!(!has(h, "RUC observado en SUNAT"));
    assert_eq!(
        store.count(RecordKind::Invoice).unwrap(),
        0,
        "Volver issues nothing"
    );
    press(h, "EMITIR");
    press(h, "Emitir de todos modos");
    wait_for(h, "issued", |_| {
        store.count(RecordKind::Invoice).unwrap() == 1
    });
    let inv = store
        .list::<motordesk_core::Invoice>()
        .unwrap()
        .remove(0)
        .data;
    assert_eq!(inv.buyer.id.number, "20601111111");
}

#[test]
fn ventas_looks_up_a_dni_says_not_found_and_is_off_offline() {
    let mut b = bay(PanelId::Ventas, (1024.0, 768.0));
    let h = &mut b.h;
    wait_for(h, "quick key", |h| has(h, "Cambio de aceite"));
    type_into(h, "Buscar cliente (nombre, DNI o RUC)", "45678912");
    wait_for(h, "no local customer", |h| {
        has(h, "Ningún cliente con ese número")
    });
    assert!(button_enabled(h, BUTTON));
    tap(h, BUTTON);
    wait_for_text(h, "PEREZ QUISPE JUAN CARLOS · DNI 45678912");
    let store = h.state().store().unwrap().clone();
    let juan = store
        .customer_by_doc(IdKind::Dni, "45678912")
        .unwrap()
        .expect("saved as a customer");
    assert_eq!(juan.data.name, "PEREZ QUISPE JUAN CARLOS");
    assert!(juan.data.sunat.is_none(), "a DNI has no estado");

    // A DNI RENIEC does not have: told in Spanish, the search stays usable.
    type_into(h, "Buscar cliente (nombre, DNI o RUC)", "11111111");
    wait_for(h, "no local customer", |h| {
        has(h, "Ningún cliente con ese número")
    });
    tap(h, BUTTON);
    wait_for_text(h, "RENIEC no tiene registrado el DNI 11111111");

    // The server goes away: the button is off and says why; typing by hand still works.
    b.server.kill();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !has(h, "SIN CONEXIÓN") {
        assert!(std::time::Instant::now() < deadline, "never went offline");
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    h.run_steps(4);
    assert!(has(h, "Sin conexión: ingrese los datos a mano."));
    assert!(!button_enabled(h, BUTTON), "offline: disabled");
}

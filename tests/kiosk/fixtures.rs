//! The shop the kiosk flows start from, in one copy: a new store with the demo shop's
//! settings and its administrator, the catalog items and ticket lines the flows sell
//! (the oil change above all), a cashier, the shop's certificate, the kiosk's window
//! opened on a store or on its login screen, and the store opened again after the kiosk
//! closed, as a restart does. UI steps (touching, waiting) are in `screen.rs`; stored
//! files the tests read (an old store) are in the `fixtures/` folder.

use crate::screen::harness;
use egui_kittest::Harness;
use motordesk::store::{DB_FILE, Store, StoreError};
use motordesk::ui::{AppOptions, KioskApp, PanelId};
use motordesk_core::{Product, Role, TaxAffectation, Unit};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use std::path::{Path, PathBuf};
use std::time::Duration;
use uuid::Uuid;

/// The two screens every flow must work on (logical points).
pub const SIZES: [(f32, f32); 2] = [(1024.0, 768.0), (1280.0, 800.0)];

/// The administrator's password in `new_shop`'s store (user `admin`, Ana Admin).
pub const PASSWORD: &str = "secreto123";

/// The cashier `hire_cashier` adds: Carla Caja, user `caja1`.
pub const CASHIER: &str = "caja1";
pub const CASHIER_PASSWORD: &str = "turno123";

/// A new store in `dir` (its usual file name) whose administrator is Ana Admin, with the
/// demo shop's settings (RUC, series, address): ready to sell.
pub fn new_shop(dir: &Path) -> Store {
    let store = Store::create(&dir.join(DB_FILE), "admin", PASSWORD, "Ana Admin").unwrap();
    motordesk::demo::configure_shop(&store).unwrap();
    store
}

/// `new_shop` in a temp dir of its own, for tests of the store without the window:
/// (the dir, which must outlive the store; the store's file; the store).
pub fn temp_shop() -> (tempfile::TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = new_shop(dir.path());
    (dir, store.path().to_path_buf(), store)
}

/// A taxed (gravado), active catalog item; `quick_key` puts it on Ventas' quick keys.
pub fn item(
    code: &str,
    name: &str,
    category: &str,
    unit: Unit,
    price: Decimal,
    quick_key: bool,
) -> Product {
    Product {
        id: Uuid::now_v7(),
        code: code.into(),
        name: name.into(),
        category: category.into(),
        unit,
        price,
        affectation: TaxAffectation::Gravado,
        quick_key,
        change_every_km: None,
        active: true,
    }
}

/// The sale most flows make: "Cambio de aceite" (SRV-001), a S/ 35.00 service on a
/// quick key.
pub fn oil_change() -> Product {
    item(
        "SRV-001",
        "Cambio de aceite",
        "Servicio",
        Unit::Servicio,
        dec!(35.00),
        true,
    )
}

pub use crate::sync_support::{service_line, small_boleta};

/// `new_shop` with the oil change on its quick keys.
pub fn shop_with_oil_change(dir: &Path) -> Store {
    let store = new_shop(dir);
    store.save_product(oil_change()).unwrap();
    store
}

/// Adds the cashier Carla Caja (`CASHIER`, `CASHIER_PASSWORD`) to the shop.
pub fn hire_cashier(store: &Store) {
    store
        .add_user(CASHIER, CASHIER_PASSWORD, "Carla Caja", Role::Cajero)
        .unwrap();
}

/// The shop's store in `dir` opened by the cashier, as her login does.
pub fn cashier_logs_in(dir: &Path) -> Store {
    Store::unlock(&dir.join(DB_FILE), CASHIER, CASHIER_PASSWORD).unwrap()
}

/// The shop's certificate as a provider hands it over: a self-signed RSA certificate for
/// `subject`, valid `days`, in a .pfx sealed with `password`, made with the openssl CLI
/// in `dir`. Returns the .pfx's path.
pub fn shop_pfx(dir: &Path, subject: &str, days: u32, password: &str) -> PathBuf {
    let run = |args: &[&str]| {
        let o = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl installed (scripts/setup-debian.sh)");
        assert!(
            o.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    let days = days.to_string();
    let req = ["req", "-x509", "-newkey", "rsa:2048", "-nodes"];
    let files = ["-keyout", "key.pem", "-out", "cert.pem"];
    run(&[&req[..], &files, &["-days", &days, "-subj", subject]].concat());
    let pass = format!("pass:{password}");
    run(&[
        "pkcs12", "-export", "-inkey", "key.pem", "-in", "cert.pem", "-out", "shop.pfx",
        "-passout", &pass,
    ]);
    dir.join("shop.pfx")
}

/// The kiosk's options for a store in `dir`, starting on `panel`, printing nothing (the
/// flows check the saved receipt, not a printer).
pub fn options(dir: &Path, panel: PanelId) -> AppOptions {
    let mut opts = AppOptions::new(dir.to_path_buf());
    opts.start_panel = panel;
    opts.print = false;
    opts
}

/// The kiosk's window at `size` on `store` (already unlocked: no login screen), on
/// `panel`.
pub fn kiosk(
    dir: &Path,
    store: Store,
    panel: PanelId,
    size: (f32, f32),
) -> Harness<'static, KioskApp> {
    harness(KioskApp::with_store(options(dir, panel), store), size)
}

/// The kiosk's first screen for the data folder `dir` (login, or first start when it
/// holds no store) at `size`, printing nothing.
pub fn login_screen(dir: &Path, size: (f32, f32)) -> Harness<'static, KioskApp> {
    let mut opts = AppOptions::new(dir.to_path_buf());
    opts.print = false;
    harness(KioskApp::new(opts), size)
}

/// Opens the store at `path` as a restarted kiosk does, once the closed kiosk's workers
/// (the PDF of the last sale, sync) have let go of the file. Only "locked" is waited on,
/// and for 10 s at most: any other refusal fails the test at once.
pub fn reopen(path: &Path, user: &str, password: &str) -> Store {
    for _ in 0..1000 {
        match Store::unlock(path, user, password) {
            Err(StoreError::Locked) => std::thread::sleep(Duration::from_millis(10)),
            other => return other.unwrap(),
        }
    }
    panic!("the closed kiosk never let go of the store");
}

//! The kiosk's sync indicator against a real server process that is stopped and
//! started: EN LÍNEA → SIN CONEXIÓN with the sale counted as pending → back online and
//! the pending count drops to zero.

use crate::fixtures::kiosk;
use crate::sync_support;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use motordesk::store::DB_FILE;
use motordesk::ui::{KioskApp, PanelId};
use std::time::{Duration, Instant};
use sync_support::{Server, issue_boleta, registered_store};

fn indicator(h: &Harness<'static, KioskApp>) -> String {
    h.query_all_by_label_contains("PENDIENTES")
        .filter_map(|n| n.accesskit_node().label())
        .find(|l| l.contains('●'))
        .unwrap_or_default()
}

/// Steps frames until the indicator says all of `want` (bounded; the sync thread
/// answers on its own schedule: offline probe every 5 s).
fn wait_indicator(h: &mut Harness<'static, KioskApp>, want: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        h.step();
        let text = indicator(h);
        if want.iter().all(|w| text.contains(w)) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "indicator shows {text:?}, wanted {want:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn sync_now(h: &mut Harness<'static, KioskApp>) {
    h.get_by_label("Sincronizar ahora").click();
    // A grid whose content changed width asks for a few extra frames to settle; how many
    // depends on when the sync thread's answer lands, so step a fixed number of frames.
    h.run_steps(8);
}

#[test]
fn indicator_follows_the_server_going_down_and_up() {
    let mut server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let store = registered_store(&dir.path().join(DB_FILE), "clave-admin", "Admin", &server);
    let mut h = kiosk(dir.path(), store, PanelId::Sincronizacion, (1280.0, 800.0));

    wait_indicator(&mut h, &["EN LÍNEA", "PENDIENTES 0", "FALLIDOS 0"]);

    // The network goes; a sale is made anyway and counted as pending.
    server.kill();
    let store = h.state().store().unwrap().clone();
    let sale = issue_boleta(&store, 1);
    sync_now(&mut h);
    wait_indicator(&mut h, &["SIN CONEXIÓN"]);
    assert!(store.sync_counts().unwrap().unsynced() >= 1);

    // The server comes back: the sale goes up by itself and the counts drop to zero.
    server.restart();
    wait_indicator(&mut h, &["PENDIENTES 0", "FALLIDOS 0"]);
    let text = indicator(&h);
    // An idle "SINCRONIZANDO 0" gives its room to a warning in the top bar (the shop
    // has no certificate here); a count above zero always shows.
    assert!(
        !text.contains("SINCRONIZANDO") || text.contains("SINCRONIZANDO 0"),
        "{text}"
    );
    assert!(
        text.contains("EN LÍNEA") || text.contains("RECONECTADO"),
        "{text}"
    );
    let synced = store
        .get::<motordesk_core::Invoice>(sale.id)
        .unwrap()
        .unwrap();
    assert!(synced.meta.synced_at.is_some());
    let on_server: Vec<String> = server.invoices().into_iter().map(|i| i.number).collect();
    assert_eq!(on_server, vec![sale.number.to_string()]);
}

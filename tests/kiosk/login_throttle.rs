//! Local brute force: after three wrong passwords an account waits 1 s, 2 s, 4 s … up to
//! 60 s between attempts; the count lives in the store file, so a restart keeps it; an
//! attempt made too early is refused at once (no Argon2id, no sleep) with the seconds
//! left; a good password after the wait starts the count again. The login screen shows
//! the countdown.

use crate::fixtures::login_screen;
use crate::screen::{has, type_into, wait_for};
use egui_kittest::kittest::Queryable;
use motordesk::store::{DB_FILE, Store, StoreError};
use motordesk::ui::PanelId;
use std::path::Path;
use std::time::{Duration, Instant};

const GOOD: &str = "clave-segura";

fn wrong(p: &Path, user: &str) {
    let e = Store::unlock(p, user, "equivocada").unwrap_err();
    assert!(
        matches!(e, StoreError::WrongPassword | StoreError::UnknownUser(_)),
        "{e:?}"
    );
}

/// A refused attempt: `TooManyAttempts` with `secs`, answered at once.
fn refused(p: &Path, user: &str, password: &str, secs: u64) {
    let started = Instant::now();
    let e = Store::unlock(p, user, password).unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(e, StoreError::TooManyAttempts { wait_secs } if wait_secs == secs),
        "{e:?}"
    );
    assert_eq!(
        e.mensaje(),
        format!("Demasiados intentos fallidos. Espere {secs} s.")
    );
    // No sleeping and no key derivation: far quicker than the wait it announces.
    assert!(took < Duration::from_millis(300), "refusal took {took:?}");
}

#[test]
fn failures_grow_the_wait_a_restart_keeps_it_and_success_resets_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(DB_FILE);
    drop(Store::create(&p, "admin", GOOD, "Admin").unwrap());

    for _ in 0..3 {
        wrong(&p, "admin");
        assert_eq!(Store::login_wait_at(&p, "admin").unwrap(), 0);
    }
    wrong(&p, "admin");
    assert_eq!(Store::login_wait_at(&p, "admin").unwrap(), 1);
    // Even the right password is refused before the wait has passed.
    refused(&p, "admin", GOOD, 1);

    std::thread::sleep(Duration::from_millis(1100));
    wrong(&p, "admin");
    // Every call opens the file anew, as a restarted kiosk does; so does this copy,
    // a kiosk started from a backup of the file.
    let copy = dir.path().join("copia.redb");
    std::fs::copy(&p, &copy).unwrap();
    refused(&p, "admin", GOOD, 2);
    refused(&copy, "admin", GOOD, 2);

    std::thread::sleep(Duration::from_millis(2100));
    Store::unlock(&p, "admin", GOOD).unwrap();
    assert_eq!(Store::login_wait_at(&p, "admin").unwrap(), 0);
    // Counting starts again: three free failures.
    for _ in 0..3 {
        wrong(&p, "admin");
    }
    assert_eq!(Store::login_wait_at(&p, "admin").unwrap(), 0);
}

#[test]
fn one_account_waiting_does_not_hold_up_another_but_many_unknown_names_do() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(DB_FILE);
    let store = Store::create(&p, "admin", GOOD, "Admin").unwrap();
    store
        .add_user("lucia", "otra-clave", "Lucía", motordesk_core::Role::Cajero)
        .unwrap();
    drop(store);

    for _ in 0..4 {
        wrong(&p, "admin");
    }
    refused(&p, "admin", GOOD, 1);
    drop(Store::unlock(&p, "lucia", "otra-clave").unwrap());

    // Guessing user names: the tenth unknown name in a row still answers, the next
    // ones make every account wait.
    for i in 0..10 {
        wrong(&p, &format!("nadie{i}"));
    }
    wrong(&p, "nadie10");
    refused(&p, "lucia", "otra-clave", 1);
    refused(&p, "otro", "x", 1);
}

#[test]
fn the_login_screen_counts_the_wait_down_and_then_lets_the_user_in() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(DB_FILE);
    drop(Store::create(&p, "admin", GOOD, "Admin").unwrap());
    for _ in 0..3 {
        wrong(&p, "admin");
    }
    let mut h = login_screen(dir.path(), (1280.0, 800.0));
    h.run();

    // The fourth wrong password: refused, and the screen says how long to wait at once.
    type_into(&mut h, "Usuario", "admin");
    type_into(&mut h, "Contraseña", "equivocada");
    h.get_by_label("Ingresar").click();
    wait_for(&mut h, "the refusal", |h| {
        has(h, "Usuario o contraseña incorrectos.")
    });
    wait_for(&mut h, "the countdown", |h| {
        has(h, "Demasiados intentos fallidos. Espere 1 s.")
    });
    assert!(h.state().panel().is_none());

    // Once the second has passed the message goes and the right password gets in.
    wait_for(&mut h, "the wait to pass", |h| {
        !has(h, "Demasiados intentos fallidos")
    });
    type_into(&mut h, "Contraseña", GOOD);
    h.get_by_label("Ingresar").click();
    wait_for(&mut h, "logged in", |h| {
        h.state().panel() == Some(PanelId::Ventas)
    });
    drop(h); // logs out: the file is free again
    assert_eq!(Store::login_wait_at(&p, "admin").unwrap(), 0, "count reset");
}

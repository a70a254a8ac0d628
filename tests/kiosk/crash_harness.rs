//! The crash harness's own checks (`src/bin/crash_issuer.rs`, driven by
//! `scripts/crash-test.sh`): without any kill, `verify` passes on what `issue` did, and it
//! fails when a printed number is not in the store, so a clean crash run means something.

use std::path::Path;
use std::process::{Command, Output};

fn crash_issuer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crash_issuer"))
        .args(args)
        .output()
        .expect("crash_issuer runs")
}

fn issue(dir: &Path, count: u32, printed: &Path) {
    let out = crash_issuer(&[
        "issue",
        dir.to_str().unwrap(),
        "--count",
        &count.to_string(),
    ]);
    assert!(
        out.status.success(),
        "issue failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(printed, &out.stdout).unwrap();
}

fn verify(dir: &Path, printed: &Path) -> Output {
    crash_issuer(&["verify", dir.to_str().unwrap(), printed.to_str().unwrap()])
}

#[test]
fn verify_passes_on_an_uninterrupted_run_and_numbering_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let printed = tmp.path().join("printed");

    issue(&dir, 12, &printed);
    let text = std::fs::read_to_string(&printed).unwrap();
    assert!(text.starts_with("# ready invoices=0\n"), "{text}");
    assert_eq!(text.lines().count(), 13, "{text}");
    let out = verify(&dir, &printed);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Boletas, a factura, a nota de venta and a credit note: four series side by side.
    assert!(
        said.contains("invoices=12 printed=12 unprinted=0"),
        "{said}"
    );
    assert!(
        said.contains("series=B001:1..=9,BC01:1..=1,F001:1..=1,NV01:1..=1"),
        "{said}"
    );

    // A second run opens the store and goes on from the last numbers.
    issue(&dir, 3, &printed);
    let text = std::fs::read_to_string(&printed).unwrap();
    assert!(text.starts_with("# ready invoices=12\n"), "{text}");
    let out = verify(&dir, &printed);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("invoices=15"));
}

#[test]
fn verify_fails_when_a_printed_number_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let printed = tmp.path().join("printed");
    issue(&dir, 2, &printed);

    let mut text = std::fs::read_to_string(&printed).unwrap();
    text.push_str("B001-00000003\n");
    std::fs::write(&printed, text).unwrap();
    let out = verify(&dir, &printed);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("B001-00000003 was printed (committed) but is not in the store"),
        "{err}"
    );
}

#[test]
fn a_kill_before_the_store_file_existed_is_not_a_violation() {
    let tmp = tempfile::tempdir().unwrap();
    let printed = tmp.path().join("printed");
    std::fs::write(&printed, "").unwrap();
    let out = verify(&tmp.path().join("store"), &printed);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

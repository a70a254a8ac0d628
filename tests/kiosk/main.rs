//! The kiosk's integration tests, as one test binary. Each file here was its own binary
//! until the CI machine ran out of disk: 26 binaries of 110–190 MB each (every one links
//! eframe, rustls and printpdf) filled 6.1 GB of `target/debug/deps`; one binary links that
//! once. `cargo test --test kiosk ui_flows::` runs one file's tests.
//! `tests/tls.rs` stays separate because it sets a process environment variable.

mod fixtures;
mod receipt_common;
mod screen;
mod sunat_support;
mod sync_support;
mod tmpfs;
// The SUNAT crate's own checkers (xmllint, validate.py, xmlsec1), one copy for both.
#[path = "../../crates/motordesk-sunat/tests/common/mod.rs"]
mod sunat_checks;

mod accounts;
mod archive;
mod backup_restore;
mod caja;
mod crash_harness;
mod customer_history;
mod dashboard;
mod date_picker;
mod disk_full;
mod errors_in_place;
mod first_start;
mod fleet_pages;
mod list_growth;
mod login_throttle;
mod lookup;
mod outbox_walk;
mod parked_tickets;
mod printer_paper;
mod push_acks;
mod receipt_escpos;
mod receipt_pages;
mod receipt_pdf;
mod receipt_preview;
mod receipt_print;
mod receipts_at_rest;
mod reminders;
mod scanner;
mod search_index;
mod security;
mod sell_to_vehicle;
mod storage;
mod store;
mod sunat_dispatch;
mod sunat_send;
mod sunat_void;
mod sunat_xml;
mod sync_conflicts;
mod sync_faults;
mod sync_server;
mod sync_state;
mod sync_tenants;
mod theme_scale;
mod totals_props;
mod touch_keyboard;
mod touch_scroll;
mod ui_flows;
mod ui_sync;
mod vehicle_counter;
mod ventas_cash;

//! The kiosk UI (eframe/egui): touch-first, Spanish. See docs/ui.md.
//!
//! One module per panel, named like its `PanelId` (ventas, comprobantes, clientes,
//! flota, sincronizacion, ajustes), plus the shell (`app`), login and shared widgets.

mod ajustes;
mod almacenamiento;
mod app;
mod approval;
mod cierre;
mod clientes;
mod comprobantes;
mod customer_history;
mod dashboard;
mod date_picker;
mod field_error;
mod fiscal;
mod flota;
mod keypad;
mod login;
mod lookup;
mod osk;
mod paged;
mod pantalla;
mod plate_search;
mod printing;
mod receipt_modal;
mod recordatorios;
mod respaldo;
mod restore;
mod session;
mod sincronizacion;
mod sync_indicator;
mod theme;
mod ventas;
mod widgets;
mod worker;

pub use app::{AppOptions, KioskApp};
pub use session::PanelId;

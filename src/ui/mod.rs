//! The kiosk UI (eframe/egui): touch-first, Spanish. See docs/ui.md.
//!
//! One module per panel, named like its `PanelId` (ventas, comprobantes, clientes,
//! flota, sincronizacion, ajustes), plus the shell (`app`), login and shared widgets.

pub mod ajustes;
pub mod app;
pub mod clientes;
pub mod comprobantes;
pub mod flota;
pub mod keypad;
pub mod login;
pub mod printing;
pub mod receipt_modal;
pub mod session;
pub mod sincronizacion;
pub mod sync_indicator;
pub mod theme;
pub mod ventas;
pub mod widgets;
pub mod worker;

pub use app::{AppOptions, KioskApp};
pub use session::PanelId;

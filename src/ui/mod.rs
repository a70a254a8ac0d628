//! The kiosk UI (eframe/egui): touch-first, Spanish. See docs/ui.md.

pub mod app;
pub mod customers;
pub mod documents;
pub mod fleet;
pub mod keypad;
pub mod login;
pub mod printing;
pub mod sales;
pub mod session;
pub mod settings;
pub mod sync_indicator;
pub mod sync_panel;
pub mod theme;
pub mod widgets;
pub mod worker;

pub use app::{AppOptions, KioskApp};
pub use session::PanelId;

//! What the panels share once someone is logged in: the open store, the sync thread,
//! who is working, and a revision counter that tells panels to reload their snapshots.

use crate::store::{ScreenPrefs, ShopSettings, Store};
use crate::sync::{SyncHandle, SyncState};
use motordesk_core::{DocumentKind, Invoice};
use motordesk_core::{Role, User};
use std::path::PathBuf;
use std::sync::Arc;

/// The panels of the kiosk, in navigation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PanelId {
    Ventas,
    Comprobantes,
    Caja,
    Resumen,
    Clientes,
    Flota,
    Recordatorios,
    Sincronizacion,
    Ajustes,
}

impl PanelId {
    pub const ALL: [PanelId; 9] = [
        PanelId::Ventas,
        PanelId::Comprobantes,
        PanelId::Caja,
        PanelId::Resumen,
        PanelId::Clientes,
        PanelId::Flota,
        PanelId::Recordatorios,
        PanelId::Sincronizacion,
        PanelId::Ajustes,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PanelId::Ventas => "Ventas",
            PanelId::Comprobantes => "Comprobantes",
            PanelId::Caja => "Caja",
            PanelId::Resumen => "Resumen",
            PanelId::Clientes => "Clientes",
            PanelId::Flota => "Flota",
            PanelId::Recordatorios => "Recordatorios",
            PanelId::Sincronizacion => "Sincronización",
            PanelId::Ajustes => "Ajustes",
        }
    }

    /// Parses a `--panel` name (English or Spanish, accents optional).
    pub fn parse(name: &str) -> Option<PanelId> {
        let n = motordesk_core::fold(name.trim());
        Some(match n.as_str() {
            "ventas" | "sales" | "venta" => PanelId::Ventas,
            "comprobantes" | "documentos" | "documents" | "invoices" => PanelId::Comprobantes,
            "caja" | "cierre" | "cash" => PanelId::Caja,
            "resumen" | "dashboard" | "tablero" => PanelId::Resumen,
            "clientes" | "customers" => PanelId::Clientes,
            "flota" | "fleet" | "vehiculos" => PanelId::Flota,
            "recordatorios" | "reminders" | "avisos" => PanelId::Recordatorios,
            "sincronizacion" | "sync" => PanelId::Sincronizacion,
            "ajustes" | "settings" => PanelId::Ajustes,
            _ => return None,
        })
    }
}

pub(super) struct Session {
    pub store: Arc<Store>,
    pub sync: Option<SyncHandle>,
    pub user: User,
    pub settings: ShopSettings,
    pub data_dir: PathBuf,
    /// Whether receipts go to the printer (the PDF is saved regardless).
    pub print: bool,
    /// Bumped after every local write, and when the sync thread brought something from
    /// elsewhere; a panel reloads when its snapshot is older.
    pub revision: u64,
    /// The sync thread's `remote_changes` last turned into a revision.
    pub(super) seen_remote: u64,
    /// A panel asks the shell to switch panels.
    pub goto: Option<PanelId>,
    /// The documents list asks the sales panel to prefill a credit or debit note on a document.
    pub note_of: Option<(DocumentKind, Invoice)>,
    /// This kiosk's screen preferences (on-screen keyboard, theme); Ajustes edits them.
    pub screen: ScreenPrefs,
    /// Estado and condición of every RUC looked up or picked in this session, by number:
    /// Ventas warns before a factura to one that is not ACTIVO or not HABIDO.
    pub taxpayers: std::collections::HashMap<String, motordesk_core::TaxpayerStatus>,
    /// "Vender a este vehículo" (Flota, the top bar's plate search): Ventas takes up a
    /// ticket for this plate (display form), parking the one on screen.
    pub sell_to: Option<String>,
    /// "Ver en Flota" (the top bar's plate search): Flota opens this vehicle.
    pub show_vehicle: Option<uuid::Uuid>,
    /// The first EMITIR of a shift asks the opening float (`AppOptions::ask_opening_float`).
    pub ask_opening_float: bool,
}

impl Session {
    pub(super) fn new(store: Arc<Store>, data_dir: PathBuf) -> Session {
        let account = store.account().to_string();
        let user = match store.user(&account) {
            Ok(Some(u)) => u,
            other => {
                if let Err(e) = other {
                    log::warn!("reading user {account}: {e}");
                }
                User {
                    username: account.clone(),
                    display_name: account.clone(),
                    role: Role::Cajero,
                    active: true,
                    created_at: chrono::Utc::now(),
                }
            }
        };
        let settings = store.settings().unwrap_or_else(|e| {
            log::warn!("reading settings: {e}");
            ShopSettings::default()
        });
        Session {
            store,
            sync: None,
            user,
            settings,
            data_dir,
            print: true,
            revision: 0,
            seen_remote: 0,
            goto: None,
            note_of: None,
            screen: ScreenPrefs::default(),
            taxpayers: Default::default(),
            sell_to: None,
            show_vehicle: None,
            ask_opening_float: false,
        }
    }

    /// Starts the sync thread on the first frame (it needs the egui context to wake
    /// the UI).
    pub(super) fn ensure_sync(&mut self, ctx: &egui::Context) {
        if self.sync.is_none() {
            let ctx = ctx.clone();
            self.sync = Some(SyncHandle::start(
                self.store.clone(),
                Arc::new(move || ctx.request_repaint()),
            ));
        }
    }

    /// Call after a local write: panels reload and the sync thread wakes up.
    pub(super) fn changed(&mut self) {
        self.revision += 1;
        self.nudge();
    }

    pub(super) fn nudge(&self) {
        if let Some(s) = &self.sync {
            s.nudge();
        }
    }

    pub(super) fn sync_state(&self) -> SyncState {
        self.sync
            .as_ref()
            .map(SyncHandle::state)
            .unwrap_or_default()
    }

    pub(super) fn is_admin(&self) -> bool {
        self.user.role == Role::Administrador
    }

    /// Whether this person sees `panel`: the Resumen (the shop's sales) is for
    /// administrators only; a cashier's navigation does not list it.
    pub(super) fn may_open(&self, panel: PanelId) -> bool {
        panel != PanelId::Resumen || self.is_admin()
    }

    /// Where receipts are saved for reprinting.
    pub(super) fn receipts_dir(&self) -> PathBuf {
        crate::receipt::receipts_dir(&self.data_dir)
    }

    pub(super) fn today(&self) -> chrono::NaiveDate {
        motordesk_core::lima_date(chrono::Utc::now())
    }
}

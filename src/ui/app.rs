//! The kiosk shell: login first, then the top bar (sync indicator, user, Salir), the
//! side navigation and one panel. `KioskApp::ui` takes a `Ui`, so the UI tests drive
//! exactly what eframe draws.

use crate::store::{ScreenPrefs, ScreenTheme, Store};
use crate::ui::ajustes::AjustesPanel;
use crate::ui::cierre::CajaPanel;
use crate::ui::clientes::ClientesPanel;
use crate::ui::comprobantes::ComprobantesPanel;
use crate::ui::dashboard::ResumenPanel;
use crate::ui::fiscal::FiscalWatch;
use crate::ui::flota::FlotaPanel;
use crate::ui::login::LoginScreen;
use crate::ui::osk::OnScreenKeyboard;
use crate::ui::plate_search::PlateSearch;
use crate::ui::recordatorios::RecordatoriosPanel;
use crate::ui::session::{PanelId, Session};
use crate::ui::sincronizacion::SincronizacionPanel;
use crate::ui::ventas::VentasPanel;
use crate::ui::{sync_indicator, theme};
use egui::{Button, RichText, Ui, vec2};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct AppOptions {
    pub data_dir: PathBuf,
    /// The panel shown after login.
    pub start_panel: PanelId,
    /// `--server URL`: saved into the settings after login.
    pub server_url: Option<String>,
    /// Send receipts to the printer after issuing (off in tests; the PDF is always saved).
    pub print: bool,
    /// The first EMITIR of a shift asks the opening float. The kiosk (`main.rs`) turns
    /// it on; off here so flows that are not about the drawer sell without the question.
    pub ask_opening_float: bool,
}

impl AppOptions {
    pub fn new(data_dir: PathBuf) -> AppOptions {
        AppOptions {
            data_dir,
            start_panel: PanelId::Ventas,
            server_url: None,
            print: true,
            ask_opening_float: false,
        }
    }
}

enum Screen {
    Login(LoginScreen),
    Main(Box<MainScreen>),
}

pub struct KioskApp {
    opts: AppOptions,
    screen: Screen,
    styled: bool,
    /// The theme the context draws with (`pantalla.json`'s, until Ajustes changes it).
    theme_applied: Option<ScreenTheme>,
    /// This kiosk's screen preferences (`pantalla.json`), read before login.
    prefs: ScreenPrefs,
    keyboard: OnScreenKeyboard,
    /// egui has been told this is a touch screen (`prepare_input`).
    touch_announced: bool,
}

impl KioskApp {
    /// Starts at the login screen.
    pub fn new(opts: AppOptions) -> KioskApp {
        let login = LoginScreen::new(&opts.data_dir);
        let prefs = ScreenPrefs::load(&opts.data_dir);
        KioskApp {
            opts,
            screen: Screen::Login(login),
            styled: false,
            theme_applied: None,
            keyboard: OnScreenKeyboard::new(prefs.touch_mode),
            prefs,
            touch_announced: false,
        }
    }

    /// Starts already logged in (demo autologin, tests).
    pub fn with_store(opts: AppOptions, store: Store) -> KioskApp {
        let prefs = ScreenPrefs::load(&opts.data_dir);
        let main = MainScreen::new(Arc::new(store), &opts, prefs);
        KioskApp {
            opts,
            screen: Screen::Main(Box::new(main)),
            styled: false,
            theme_applied: None,
            keyboard: OnScreenKeyboard::new(prefs.touch_mode),
            prefs,
            touch_announced: false,
        }
    }

    /// Runs on each frame's raw input before egui sees it (eframe's `raw_input_hook`).
    /// In touch mode it tells egui, once, that the screen is a touch screen: egui's
    /// lists scroll by dragging only after it has seen a touch event, and many touch
    /// panels (USB HID under X11, most Windows kiosk drivers in mouse mode) send mouse
    /// events only. One cancelled touch from a device no real panel uses does it; egui
    /// keeps the device for the rest of the run, so switching touch mode off takes
    /// effect for scrolling at the next start.
    pub fn prepare_input(&mut self, raw: &mut egui::RawInput) {
        if self.prefs.touch_mode && !self.touch_announced {
            raw.events.push(egui::Event::Touch {
                device_id: egui::TouchDeviceId(u64::MAX),
                id: egui::TouchId(0),
                phase: egui::TouchPhase::Cancel,
                pos: egui::Pos2::ZERO,
                force: None,
            });
            self.touch_announced = true;
        }
    }

    /// The open store, when logged in.
    pub fn store(&self) -> Option<&Arc<Store>> {
        match &self.screen {
            Screen::Main(m) => Some(&m.session.store),
            Screen::Login(_) => None,
        }
    }

    pub fn panel(&self) -> Option<PanelId> {
        match &self.screen {
            Screen::Main(m) => Some(m.panel),
            Screen::Login(_) => None,
        }
    }

    pub fn ui(&mut self, ui: &mut Ui) {
        if !self.styled {
            theme::install(ui.ctx());
            self.styled = true;
        }
        if self.theme_applied != Some(self.prefs.theme) {
            theme::set_theme(ui.ctx(), self.prefs.theme);
            self.theme_applied = Some(self.prefs.theme);
            // This frame's `Ui` already holds the old style.
            ui.ctx().request_repaint();
        }
        theme::fit_to_window(ui.ctx());
        theme::begin_frame(ui.ctx());
        // First, so its panel takes the bottom of the window and its key reaches the
        // field in this frame.
        self.keyboard.enabled = self.prefs.touch_mode;
        self.keyboard.ui(ui);
        let prefs = self.prefs;
        let next = match &mut self.screen {
            Screen::Login(login) => login.ui(ui).map(|store| {
                Screen::Main(Box::new(MainScreen::new(
                    Arc::new(store),
                    &self.opts,
                    prefs,
                )))
            }),
            Screen::Main(main) => {
                // Ajustes changes them through the session.
                let changed = main.ui(ui);
                self.prefs = main.session.screen;
                if self.theme_applied != Some(self.prefs.theme) {
                    // Chosen in Ajustes: the next frame is drawn in it.
                    ui.ctx().request_repaint();
                }
                if changed {
                    log::info!("logout");
                    Some(Screen::Login(LoginScreen::after_logout(
                        &self.opts.data_dir,
                    )))
                } else {
                    None
                }
            }
        };
        if let Some(s) = next {
            // Dropping the old screen drops the store and joins the sync thread; pending
            // work stays in the store for the next login.
            self.screen = s;
            ui.ctx().request_repaint();
        }
    }
}

impl eframe::App for KioskApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        KioskApp::ui(self, ui);
    }

    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        self.prepare_input(raw_input);
    }
}

pub(super) struct MainScreen {
    session: Session,
    panel: PanelId,
    ventas: VentasPanel,
    comprobantes: ComprobantesPanel,
    caja: CajaPanel,
    resumen: ResumenPanel,
    clientes: ClientesPanel,
    flota: FlotaPanel,
    recordatorios: RecordatoriosPanel,
    sincronizacion: SincronizacionPanel,
    ajustes: AjustesPanel,
    fiscal: FiscalWatch,
    plate_search: PlateSearch,
}

impl MainScreen {
    fn new(store: Arc<Store>, opts: &AppOptions, screen: ScreenPrefs) -> MainScreen {
        let mut session = Session::new(store, opts.data_dir.clone());
        session.print = opts.print;
        session.ask_opening_float = opts.ask_opening_float;
        session.screen = screen;
        if let Some(url) = &opts.server_url
            && session.settings.server_url != *url
        {
            session.settings.server_url = url.clone();
            if let Err(e) = session.store.save_settings(&session.settings) {
                log::error!("saving server url: {e}");
            }
        }
        MainScreen {
            session,
            panel: opts.start_panel,
            ventas: VentasPanel::default(),
            comprobantes: ComprobantesPanel::default(),
            caja: CajaPanel::default(),
            resumen: ResumenPanel::default(),
            clientes: ClientesPanel::default(),
            flota: FlotaPanel::default(),
            recordatorios: RecordatoriosPanel::default(),
            sincronizacion: SincronizacionPanel::default(),
            ajustes: AjustesPanel::default(),
            fiscal: FiscalWatch::default(),
            plate_search: PlateSearch::default(),
        }
    }

    /// Returns true when the person pressed Salir.
    fn ui(&mut self, ui: &mut Ui) -> bool {
        self.session.ensure_sync(ui.ctx());
        self.fiscal.refresh(ui.ctx(), &self.session);
        let mut logout = false;
        // 1024x768 gets a tighter top bar and navigation than 1280x800.
        let narrow = ui.available_width() < 1200.0;
        egui::Panel::top("top_bar")
            .frame(
                egui::Frame::side_top_panel(ui.style())
                    .inner_margin(vec2(12.0, 8.0))
                    .fill(ui.visuals().faint_bg_color),
            )
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new("MotorDesk")
                            .size(if narrow { 22.0 } else { 26.0 })
                            .strong()
                            .color(theme::blue()),
                    );
                    ui.add_space(8.0);
                    let state = self.session.sync_state();
                    if state.remote_changes != self.session.seen_remote {
                        // Pulled changes and SUNAT's answers: the panels reload.
                        self.session.seen_remote = state.remote_changes;
                        self.session.revision += 1;
                    }
                    let size = if narrow { 16.0 } else { 20.0 };
                    // First after the name: it keeps its place whatever badges show.
                    self.plate_search.field(
                        ui,
                        &self.session,
                        size,
                        if narrow { 120.0 } else { 150.0 },
                    );
                    let who = if narrow {
                        self.session.user.display_name.clone()
                    } else {
                        format!(
                            "{} · {}",
                            self.session.user.display_name,
                            self.session.user.role.label()
                        )
                    };
                    // Salir and the user's name keep their room at every width: the counts
                    // and the warnings truncate before them (at 1024 px the SUNAT badge ran
                    // under Salir; at 1280 px a long warning left the name as "…"). A very
                    // long name is cut at 200 points instead.
                    let who_width = egui::WidgetText::from(RichText::new(&who).strong())
                        .into_galley(
                            ui,
                            Some(egui::TextWrapMode::Extend),
                            f32::INFINITY,
                            egui::TextStyle::Body,
                        )
                        .size()
                        .x
                        .min(200.0);
                    let keep = 90.0 + who_width + 3.0 * ui.spacing().item_spacing.x;
                    ui.scope(|ui| {
                        ui.set_max_width((ui.available_width() - keep).max(0.0));
                        // A warning needs the room of an idle "SINCRONIZANDO 0" at
                        // every width (at 1280 px a long SUNAT warning pushed Salir out).
                        let crowded = self
                            .fiscal
                            .status()
                            .is_some_and(|st| st.warning(chrono::Utc::now()).is_some())
                            || state.clock_warning().is_some();
                        if sync_indicator::show(ui, &state, size, crowded) {
                            self.panel = PanelId::Sincronizacion;
                        }
                        if let Some(p) =
                            warning_badges(ui, &self.session, &self.fiscal, &state, size)
                        {
                            self.panel = p;
                        }
                    });
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui
                            .add(Button::new("Salir").min_size(vec2(90.0, theme::TOUCH)))
                            .clicked()
                        {
                            logout = true;
                        }
                        ui.add(egui::Label::new(RichText::new(who).strong()).truncate());
                    });
                });
            });
        egui::Panel::left("nav")
            .resizable(false)
            .exact_size(if narrow { 190.0 } else { 230.0 })
            .show(ui, |ui| {
                ui.add_space(8.0);
                for p in PanelId::ALL
                    .into_iter()
                    .filter(|p| self.session.may_open(*p))
                {
                    let b = Button::selectable(
                        self.panel == p,
                        RichText::new(p.label()).size(if narrow { 18.0 } else { 20.0 }),
                    )
                    .min_size(vec2(ui.available_width(), 56.0));
                    if ui.add(b).clicked() {
                        self.panel = p;
                    }
                }
            });
        if !self.session.may_open(self.panel) {
            self.panel = PanelId::Ventas;
        }
        egui::CentralPanel::default().show(ui, |ui| {
            let s = &mut self.session;
            match self.panel {
                PanelId::Ventas => self.ventas.ui(ui, s),
                PanelId::Comprobantes => self.comprobantes.ui(ui, s),
                PanelId::Caja => self.caja.ui(ui, s),
                PanelId::Resumen => self.resumen.ui(ui, s),
                PanelId::Clientes => self.clientes.ui(ui, s),
                PanelId::Flota => self.flota.ui(ui, s),
                PanelId::Recordatorios => self.recordatorios.ui(ui, s),
                PanelId::Sincronizacion => self.sincronizacion.ui(ui, s),
                PanelId::Ajustes => self.ajustes.ui(ui, s),
            }
        });
        // Over the panels, in its own layer.
        self.plate_search.results(ui.ctx(), &mut self.session);
        if let Some(p) = self.session.goto.take() {
            self.panel = p;
            ui.ctx().request_repaint();
        }
        logout
    }
}

/// The top bar's warnings (clock, backup, disk, fiscal): one shows as its own badge; two
/// or more fold into one "⚠ N AVISOS" button whose menu lists them at full length. At
/// 1024 px three badges beside the sync counts and the plate search pushed Salir off the
/// bar, and a second row would take 56 px from every panel whenever a warning shows
/// (and move the content under the finger when one appears). Returns the panel a
/// touched warning leads to.
fn warning_badges(
    ui: &mut Ui,
    session: &Session,
    fiscal: &FiscalWatch,
    state: &crate::sync::SyncState,
    size: f32,
) -> Option<PanelId> {
    let now = chrono::Utc::now();
    sync_indicator::disk_refresh(ui.ctx(), session);
    let disk = sync_indicator::disk_warning(ui.ctx());
    let fiscal_warning = fiscal.status().and_then(|st| st.warning(now));
    let clock = state.clock_warning().is_some();
    let backup = state.backup_error.is_some();
    let n = [clock, backup, disk.is_some(), fiscal_warning.is_some()]
        .iter()
        .filter(|w| **w)
        .count();
    let mut go = None;
    let mut each = |ui: &mut Ui, size: f32| {
        if sync_indicator::clock_badge(ui, state, size) {
            go = Some(PanelId::Sincronizacion);
        }
        if sync_indicator::backup_badge(ui, state, size) {
            go = Some(PanelId::Sincronizacion);
        }
        if sync_indicator::disk_badge(ui, session, size) {
            go = Some(PanelId::Ajustes);
        }
        if let Some(st) = fiscal.status()
            && sync_indicator::fiscal_badge(ui, st, size)
        {
            go = Some(if st.about_sending(now) {
                PanelId::Sincronizacion
            } else {
                PanelId::Ajustes
            });
        }
    };
    if n < 2 {
        each(ui, size);
        return go;
    }
    let red = clock
        || backup
        || disk.as_ref().is_some_and(|(_, c)| *c == theme::red())
        || fiscal_warning
            .as_ref()
            .is_some_and(|(_, c)| *c == theme::red());
    let text = RichText::new(format!("⚠ {n} AVISOS"))
        .size(size)
        .strong()
        .color(if red { theme::red() } else { theme::amber() });
    let r = ui.add(Button::new(text).min_size(vec2(0.0, theme::TOUCH)));
    egui::Popup::menu(&r).show(|ui| {
        ui.spacing_mut().item_spacing.y = 8.0;
        // Full words in the menu: it has the room the bar does not.
        each(ui, 20.0);
    });
    go
}

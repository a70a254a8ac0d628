//! Ajustes: issuer data (the shop's RUC record), the SUNAT certificate, sending to SUNAT
//! without a server (endpoint and Clave SOL, admin only), series (read-only once the
//! server assigned them), printer and its paper, server registration, users (admin
//! only) and Cerrar turno.

use crate::store::CertificateInfo;
use crate::store::StoreResult;
use crate::store::{Paper, ShopSettings};
use crate::sync::{SunatReport, SyncResult};
use crate::ui::fiscal::{self, FiscalWatch};
use crate::ui::session::Session;
use crate::ui::widgets::{self, Msg};
use crate::ui::{theme, worker::Job};
use egui::{Button, RichText, Ui, vec2};
use motordesk_core::Series;
use motordesk_core::{Role, User};
use motordesk_sunat::Endpoints;

#[derive(Default)]
pub(super) struct AjustesPanel {
    /// Editable copy of the settings (taken when the panel first shows).
    edit: Option<ShopSettings>,
    /// A failed save of this kiosk's screen preferences (`pantalla.rs`).
    screen_msg: Option<Msg>,
    series: [String; 5],
    printers: Option<Vec<String>>,
    printers_job: Job<Vec<String>>,
    /// The network thermal printer's address as typed (`192.168.1.50` or `…:9100`).
    net_printer: Option<String>,
    /// "Imprimir prueba": a short ticket to the printer being edited.
    test_print: Job<Result<String, String>>,
    test_msg: Option<Msg>,
    /// "Guardar impresora y papel": only those two settings, by any user at the counter.
    printer_save: Job<StoreResult<ShopSettings>>,
    save: Job<StoreResult<ShopSettings>>,
    enrollment: String,
    register: Job<SyncResult<ShopSettings>>,
    users: Vec<User>,
    users_rev: Option<u64>,
    users_job: Job<StoreResult<Vec<User>>>,
    new_user: String,
    new_name: String,
    new_password: String,
    add_user: Job<StoreResult<User>>,
    /// The keypad entering a new manager PIN.
    pin_pad: Option<crate::ui::keypad::Keypad>,
    pin_job: Job<StoreResult<()>>,
    /// (this administrator has a PIN, some administrator has one).
    pin_state: Option<(bool, bool)>,
    pin_state_job: Job<StoreResult<(bool, bool)>>,
    /// The keypad entering the discount a cashier may give without a PIN.
    limit_pad: Option<crate::ui::keypad::Keypad>,
    limit_job: Job<StoreResult<ShopSettings>>,
    msg: Option<Msg>,
    shift_msg: Option<Msg>,
    fiscal: FiscalWatch,
    cert_path: String,
    cert_password: String,
    import_job: Job<Result<(CertificateInfo, usize), String>>,
    cert_msg: Option<Msg>,
    /// The SUNAT sending form (taken from the saved settings when first shown).
    sunat_form: Option<SunatForm>,
    sunat_save: Job<StoreResult<ShopSettings>>,
    sunat_send: Job<Result<SunatReport, String>>,
    sunat_msg: Option<Msg>,
    /// Backups to the server (`respaldo.rs`).
    respaldo: crate::ui::respaldo::RespaldoBlock,
    /// File size, free disk space and Compactar (`almacenamiento.rs`).
    almacenamiento: crate::ui::almacenamiento::AlmacenamientoBlock,
}

/// Where this kiosk sends its own documents, as typed in Ajustes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct SunatForm {
    endpoint: String,
    consult: String,
    user: String,
    password: String,
}

impl SunatForm {
    fn of(s: &ShopSettings) -> SunatForm {
        SunatForm {
            endpoint: s.sunat_endpoint.clone(),
            consult: s.sunat_consult_endpoint.clone(),
            user: s.sunat_user.clone(),
            password: s.sunat_password.clone(),
        }
    }

    fn apply(&self, s: &mut ShopSettings) {
        s.sunat_endpoint = self.endpoint.trim().to_string();
        s.sunat_consult_endpoint = self.consult.trim().to_string();
        s.sunat_user = self.user.trim().to_string();
        s.sunat_password = self.password.clone();
    }
}

/// Documents sent per tap of "Enviar pendientes a SUNAT".
const SEND_BATCH: usize = 200;

/// SUNAT's public beta credentials (peru-billing.md §5.1).
const BETA_USER: &str = "MODDATOS";
const BETA_PASSWORD: &str = "moddatos";

fn series_of(s: &ShopSettings) -> [String; 5] {
    [
        s.series.boleta.as_str().to_string(),
        s.series.factura.as_str().to_string(),
        s.series.nota_de_venta.as_str().to_string(),
        s.series.credito_boleta.as_str().to_string(),
        s.series.credito_factura.as_str().to_string(),
    ]
}

const SERIES_LABELS: [&str; 5] = [
    "Boleta",
    "Factura",
    "Nota de venta",
    "N. crédito boleta",
    "N. crédito factura",
];

impl AjustesPanel {
    pub(super) fn ui(&mut self, ui: &mut Ui, s: &mut Session) {
        self.poll(s);
        self.fiscal.refresh(ui.ctx(), s);
        if self.edit.is_none() {
            self.edit = Some(s.settings.clone());
            self.series = series_of(&s.settings);
        }
        if self.printers.is_none() && !self.printers_job.busy() {
            self.printers_job
                .start(ui.ctx(), crate::receipt::list_printers);
        }
        if self.users_rev != Some(s.revision) && !self.users_job.busy() {
            let store = s.store.clone();
            self.users_job.start(ui.ctx(), move || store.users());
            self.users_rev = Some(s.revision);
        }
        egui::ScrollArea::vertical()
            .id_salt("settings_scroll")
            .auto_shrink(false)
            .show(ui, |ui| {
                ui.heading("Ajustes");
                widgets::maybe_message(ui, &self.msg);
                crate::ui::pantalla::section(ui, s, &mut self.screen_msg);
                ui.separator();
                self.shop(ui, s);
                ui.separator();
                self.sunat(ui, s);
                ui.separator();
                self.sunat_sending(ui, s);
                ui.separator();
                self.printer(ui, s);
                ui.separator();
                self.server(ui, s);
                ui.separator();
                self.respaldo.ui(ui, s);
                ui.separator();
                self.almacenamiento.ui(ui, s);
                ui.separator();
                self.users_ui(ui, s);
                ui.separator();
                self.shift(ui, s);
            });
    }

    fn poll(&mut self, s: &mut Session) {
        if let Some(p) = self.printers_job.poll() {
            self.printers = Some(p);
        }
        if let Some(saved) = self.printer_save.poll_ok(&mut self.test_msg) {
            s.settings = saved;
            self.test_msg = Some(Msg::ok("Impresora y papel guardados."));
            s.changed();
        }
        if let Some(r) = self.test_print.poll() {
            self.test_msg = Some(match r {
                Ok(m) => Msg::ok(m),
                Err(e) => Msg::error(e),
            });
        }
        if let Some(r) = self.import_job.poll() {
            self.cert_password.clear();
            self.cert_msg = Some(match r {
                Ok((info, signed)) => {
                    s.changed();
                    Msg::ok(format!(
                        "Certificado importado: vence el {}. {signed} {} ahora.",
                        fiscal::date(info.not_after),
                        widgets::noun(
                            signed as u64,
                            "comprobante firmado",
                            "comprobantes firmados"
                        )
                    ))
                }
                Err(e) => Msg::error(e),
            });
        }
        if let Some(saved) = self.sunat_save.poll_ok(&mut self.sunat_msg) {
            if let Some(e) = &mut self.edit {
                SunatForm::of(&saved).apply(e);
            }
            self.sunat_form = Some(SunatForm::of(&saved));
            s.settings = saved;
            self.sunat_msg = Some(Msg::ok("Datos de envío a SUNAT guardados."));
            s.changed();
        }
        if let Some(r) = self.sunat_send.poll() {
            self.sunat_msg = Some(match r {
                Ok(report) if report.problems.is_empty() => Msg::ok(report.mensaje()),
                Ok(report) => Msg::warn(report.mensaje()),
                Err(e) => Msg::error(e),
            });
            s.changed();
        }
        if let Some(saved) = self.save.poll_ok(&mut self.msg) {
            s.settings = saved;
            self.msg = Some(Msg::ok("Ajustes guardados."));
            s.changed();
        }
        if let Some(saved) = self.register.poll_ok(&mut self.msg) {
            self.msg = Some(Msg::ok(format!(
                "Equipo registrado en el servidor. Series asignadas: {} / {}.",
                saved.series.boleta.as_str(),
                saved.series.factura.as_str()
            )));
            self.series = series_of(&saved);
            self.edit = Some(saved.clone());
            s.settings = saved;
            self.enrollment.clear();
            s.changed();
        }
        if let Some(u) = self.users_job.poll_ok(&mut self.msg) {
            self.users = u;
        }
        if let Some(u) = self.add_user.poll_ok(&mut self.msg) {
            self.msg = Some(Msg::ok(format!("Usuario «{}» creado.", u.username)));
            self.new_user.clear();
            self.new_name.clear();
            self.new_password.clear();
            s.changed();
        }
        if self.pin_job.poll_ok(&mut self.shift_msg).is_some() {
            self.shift_msg = Some(Msg::ok("PIN de autorización guardado."));
            self.pin_state = None;
        }
        if let Some(st) = self.pin_state_job.poll_ok(&mut self.shift_msg) {
            self.pin_state = Some(st);
        }
        if let Some(saved) = self.limit_job.poll_ok(&mut self.shift_msg) {
            // The form being edited must not write the old limit back.
            if let Some(e) = &mut self.edit {
                e.discount_limit_pct = saved.discount_limit_pct;
            }
            s.settings = saved;
            self.shift_msg = Some(Msg::ok("Límite de descuento guardado."));
        }
    }

    fn shop(&mut self, ui: &mut Ui, s: &mut Session) {
        let admin = s.is_admin();
        let assigned = s.settings.device_token.is_some();
        let Some(e) = &mut self.edit else { return };
        ui.label(RichText::new("Datos del emisor").strong().size(22.0));
        if !admin {
            ui.label(
                RichText::new("Solo un administrador puede cambiar estos datos.")
                    .color(theme::grey()),
            );
        }
        ui.add_enabled_ui(admin, |ui| {
            ui.horizontal_wrapped(|ui| {
                widgets::field(ui, "RUC del emisor", &mut e.issuer.ruc, 180.0);
                widgets::field(ui, "Razón social", &mut e.issuer.razon_social, 360.0);
            });
            ui.horizontal_wrapped(|ui| {
                widgets::field(
                    ui,
                    "Nombre comercial",
                    &mut e.issuer.nombre_comercial,
                    260.0,
                );
                widgets::field(ui, "Teléfono del local", &mut e.issuer.phone, 180.0);
            });
            widgets::field(ui, "Dirección fiscal", &mut e.issuer.address, 560.0);
            ui.horizontal_wrapped(|ui| {
                widgets::field(ui, "Ubigeo", &mut e.issuer.ubigeo, 100.0);
                widgets::field(ui, "Departamento", &mut e.issuer.departamento, 160.0);
                widgets::field(ui, "Provincia", &mut e.issuer.provincia, 160.0);
                widgets::field(ui, "Distrito", &mut e.issuer.distrito, 180.0);
            });
            ui.horizontal_wrapped(|ui| {
                widgets::field(
                    ui,
                    "Cuenta de detracciones (Banco de la Nación)",
                    &mut e.detraccion_account,
                    260.0,
                );
                widgets::field(ui, "Consulta de comprobantes", &mut e.consult_url, 400.0);
            });
            widgets::field(ui, "Pie del comprobante", &mut e.footer, 560.0);
            ui.label(RichText::new("Series de este equipo").strong());
            if assigned {
                ui.label(
                    RichText::new("Asignadas por el servidor: no se pueden cambiar aquí.")
                        .color(theme::grey()),
                );
            }
            ui.add_enabled_ui(!assigned, |ui| {
                ui.horizontal_wrapped(|ui| {
                    for (i, label) in SERIES_LABELS.iter().enumerate() {
                        widgets::field(ui, label, &mut self.series[i], 150.0);
                    }
                });
            });
            if widgets::big_button(ui, "Guardar ajustes", Some(theme::green()), 240.0).clicked() {
                let mut next = e.clone();
                let parsed: Result<Vec<Series>, _> =
                    self.series.iter().map(|t| Series::new(t)).collect();
                match parsed {
                    Ok(v) => {
                        next.series.boleta = v[0].clone();
                        next.series.factura = v[1].clone();
                        next.series.nota_de_venta = v[2].clone();
                        next.series.credito_boleta = v[3].clone();
                        next.series.credito_factura = v[4].clone();
                        if let Err(err) = motordesk_core::validate_ruc(next.issuer.ruc.trim()) {
                            self.msg = Some(Msg::error(err.mensaje()));
                        } else {
                            let store = s.store.clone();
                            self.save.start(ui.ctx(), move || {
                                store.save_settings(&next)?;
                                Ok(next)
                            });
                        }
                    }
                    Err(err) => self.msg = Some(Msg::error(err.mensaje())),
                }
            }
        });
    }

    /// The SUNAT side: test mode, the certificate and what waits for it; an
    /// administrator imports the shop's .pfx/.p12 here.
    fn sunat(&mut self, ui: &mut Ui, s: &mut Session) {
        ui.label(
            RichText::new("Comprobante electrónico (SUNAT)")
                .strong()
                .size(22.0),
        );
        if s.settings.test_mode {
            ui.label(
                RichText::new(
                    "Modo de prueba: RUC de prueba de SUNAT; los comprobantes no tienen valor tributario.",
                )
                .color(theme::amber()),
            );
        }
        let now = chrono::Utc::now();
        match self.fiscal.status() {
            None => {
                ui.label("Leyendo el estado del certificado…");
            }
            Some(st) => {
                match &st.certificate {
                    Some(c) => ui.label(format!(
                        "Certificado: {} · serie {} · válido hasta el {}",
                        c.subject,
                        c.serial,
                        fiscal::date(c.not_after)
                    )),
                    None => ui.label("Certificado: ninguno importado."),
                };
                if let Some(w) = st.explain(now) {
                    let colour = st.warning(now).map_or(theme::amber(), |(_, c)| c);
                    ui.label(RichText::new(w).color(colour).strong());
                }
            }
        }
        if !s.is_admin() {
            ui.label(
                RichText::new("Solo un administrador puede importar el certificado.")
                    .color(theme::grey()),
            );
            return;
        }
        ui.horizontal_wrapped(|ui| {
            widgets::field(
                ui,
                "Archivo del certificado (.pfx / .p12)",
                &mut self.cert_path,
                360.0,
            );
            widgets::password(
                ui,
                "Contraseña del certificado",
                &mut self.cert_password,
                220.0,
            );
        });
        let busy = self.import_job.busy();
        let label = if busy {
            "Importando…"
        } else {
            "Importar certificado"
        };
        if ui
            .add_enabled(
                !busy && !self.cert_path.trim().is_empty(),
                Button::new(label).min_size(vec2(260.0, theme::TOUCH)),
            )
            .clicked()
        {
            let (path, password, store) = (
                self.cert_path.trim().to_string(),
                self.cert_password.clone(),
                s.store.clone(),
            );
            self.import_job.start(ui.ctx(), move || {
                let bytes = std::fs::read(&path).map_err(|e| {
                    log::warn!("reading certificate {path}: {e}");
                    format!("No se pudo leer el archivo {path}: verifique la ruta.")
                })?;
                store.import_certificate(&bytes, &password).map_err(|e| {
                    log::warn!("importing certificate: {e}");
                    e.mensaje()
                })
            });
        }
        widgets::maybe_message(ui, &self.cert_msg);
    }

    /// Sending without a server: where to (SUNAT beta, production or an OSE), the Clave
    /// SOL of the secondary user, and a button that sends what waits. Administrators only.
    fn sunat_sending(&mut self, ui: &mut Ui, s: &mut Session) {
        ui.label(
            RichText::new("Envío a SUNAT desde este equipo")
                .strong()
                .size(22.0),
        );
        ui.label(
            RichText::new(
                "Para un local sin servidor: este equipo envía sus propios comprobantes firmados.",
            )
            .color(theme::grey()),
        );
        if !s.is_admin() {
            ui.label(
                RichText::new("Solo un administrador puede configurar el envío a SUNAT.")
                    .color(theme::grey()),
            );
            return;
        }
        let form = self
            .sunat_form
            .get_or_insert_with(|| SunatForm::of(&s.settings));
        ui.horizontal_wrapped(|ui| {
            if ui
                .add(Button::new("SUNAT beta").min_size(vec2(0.0, theme::TOUCH)))
                .clicked()
            {
                form.endpoint = Endpoints::SUNAT_BETA_BILL.into();
                form.consult = Endpoints::SUNAT_CONSULT.into();
                form.user = BETA_USER.into();
                form.password = BETA_PASSWORD.into();
            }
            if ui
                .add(Button::new("SUNAT producción").min_size(vec2(0.0, theme::TOUCH)))
                .clicked()
            {
                form.endpoint = Endpoints::SUNAT_PRODUCTION_BILL.into();
                form.consult = Endpoints::SUNAT_CONSULT.into();
                if form.user == BETA_USER {
                    form.user.clear();
                    form.password.clear();
                }
            }
            if ui
                .add(Button::new("OSE personalizada").min_size(vec2(0.0, theme::TOUCH)))
                .clicked()
            {
                form.endpoint.clear();
                form.consult.clear();
            }
        });
        widgets::field(
            ui,
            "Dirección del servicio (billService)",
            &mut form.endpoint,
            560.0,
        );
        widgets::field(
            ui,
            "Servicio de consulta (billConsultService; vacío = el de SUNAT)",
            &mut form.consult,
            560.0,
        );
        ui.horizontal_wrapped(|ui| {
            widgets::field(ui, "Usuario SOL (sin el RUC)", &mut form.user, 220.0);
            widgets::password(ui, "Clave SOL", &mut form.password, 220.0);
        });
        let changed = *form != SunatForm::of(&s.settings);
        let saving = self.sunat_save.busy();
        if ui
            .add_enabled(
                !saving && changed,
                Button::new("Guardar datos de envío").min_size(vec2(260.0, theme::TOUCH)),
            )
            .clicked()
        {
            let (form, store) = (form.clone(), s.store.clone());
            self.sunat_save.start(ui.ctx(), move || {
                let mut next = store.settings()?;
                form.apply(&mut next);
                store.save_settings(&next)?;
                Ok(next)
            });
        }
        if s.settings.sunat_endpoint.trim().is_empty() {
            ui.label(
                RichText::new("Envío a SUNAT no configurado: elija un servicio y guarde.")
                    .color(theme::amber()),
            );
        } else if changed {
            ui.label(
                RichText::new("Hay cambios sin guardar: el envío usa los datos guardados.")
                    .color(theme::amber()),
            );
        }
        let sending = self.sunat_send.busy();
        let label = if sending {
            "Enviando a SUNAT…"
        } else {
            "Enviar pendientes a SUNAT"
        };
        let configured = !s.settings.sunat_endpoint.trim().is_empty();
        if ui
            .add_enabled(
                !sending && configured,
                Button::new(RichText::new(label).strong()).min_size(vec2(320.0, 56.0)),
            )
            .clicked()
            && let Some(client) = crate::sync::sunat_client(&s.settings)
        {
            let store = s.store.clone();
            self.sunat_send.start(ui.ctx(), move || {
                crate::sync::send_pending(&store, &client, SEND_BATCH).map_err(|e| {
                    log::warn!("sending to SUNAT: {e}");
                    e.mensaje()
                })
            });
        }
        widgets::maybe_message(ui, &self.sunat_msg);
    }

    fn printer(&mut self, ui: &mut Ui, s: &Session) {
        let Some(e) = &mut self.edit else { return };
        ui.label(RichText::new("Impresora").strong().size(22.0));
        ui.horizontal_wrapped(|ui| {
            if widgets::choice(ui, e.printer.is_none(), "Predeterminada del sistema").clicked() {
                e.printer = None;
            }
            match &self.printers {
                None => {
                    ui.spinner();
                }
                Some(list) if list.is_empty() => {
                    ui.label(
                        RichText::new("No se encontraron impresoras instaladas.")
                            .color(theme::grey()),
                    );
                }
                Some(list) => {
                    for p in list {
                        let chosen = e.printer.as_deref().is_some_and(|c| {
                            c == p || c.strip_prefix("escpos://") == Some(p.as_str())
                        });
                        if widgets::choice(ui, chosen, p).clicked() {
                            e.printer = Some(p.clone());
                        }
                    }
                }
            }
            if ui
                .add(Button::new("Buscar impresoras").min_size(vec2(0.0, theme::TOUCH)))
                .clicked()
            {
                self.printers = None;
            }
        });
        // A USB thermal printer installed as a system queue takes the same ESC/POS job
        // as a RAW document, so ñ, accents and the QR print exactly (no PDF program).
        if let Some(queue) = e.printer.clone().filter(|p| !p.starts_with("tcp://")) {
            let name = queue.trim_start_matches("escpos://").to_string();
            let mut thermal = queue.starts_with("escpos://");
            if ui
                .checkbox(
                    &mut thermal,
                    "Es una impresora térmica de tickets (ESC/POS)",
                )
                .changed()
            {
                e.printer = Some(if thermal {
                    format!("escpos://{name}")
                } else {
                    name
                });
            }
        }
        // A thermal printer on the network takes ESC/POS on its raw port: no driver.
        let typed = self.net_printer.get_or_insert_with(|| {
            e.printer
                .as_deref()
                .and_then(|p| p.strip_prefix("tcp://"))
                .unwrap_or_default()
                .to_string()
        });
        let before = typed.clone();
        widgets::field(
            ui,
            "Impresora térmica de red (IP, puerto 9100)",
            typed,
            260.0,
        );
        if *typed != before {
            e.printer = match typed.trim() {
                "" => None,
                addr => Some(format!("tcp://{addr}")),
            };
        }
        // The paper goes with the printer: a 58 mm roll takes a 384-dot raster, an 80 mm
        // one 576 dots, and the receipt is laid out for it (`receipt::ticket`).
        ui.label(RichText::new("Papel de la impresora").strong());
        ui.horizontal_wrapped(|ui| {
            for f in Paper::ALL {
                if widgets::choice(ui, e.receipt_format == f, f.label()).clicked() {
                    e.receipt_format = f;
                }
            }
        });
        ui.label(
            RichText::new(
                "Ticket 80 mm: rollo ancho (576 puntos). Ticket 58 mm: rollo angosto (384 puntos). A4: hoja en una impresora común.",
            )
            .small()
            .color(theme::grey()),
        );
        // A short ticket to the printer as chosen here, before saving: the person setting
        // it up sees width, accents and the cut, or a Spanish reason (`receipt::print`).
        let busy = self.test_print.busy();
        let label = if busy {
            "Imprimiendo…"
        } else {
            "Imprimir prueba"
        };
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(
                    !busy,
                    Button::new(RichText::new(label).strong()).min_size(vec2(200.0, theme::TOUCH)),
                )
                .clicked()
            {
                let settings = e.clone();
                self.test_msg = None;
                self.test_print
                    .start(ui.ctx(), move || super::printing::print_test(&settings));
            }
            // The printer and its paper are the counter's business (a cashier sets up a
            // new roll): saved on their own, over the stored settings, so no unsaved edit
            // of the issuer's data rides along.
            if ui
                .add_enabled(
                    !self.printer_save.busy(),
                    Button::new(RichText::new("Guardar impresora y papel").strong())
                        .min_size(vec2(240.0, theme::TOUCH)),
                )
                .clicked()
            {
                let mut next = s.settings.clone();
                next.printer = e.printer.clone();
                next.receipt_format = e.receipt_format;
                let store = s.store.clone();
                self.test_msg = None;
                self.printer_save.start(ui.ctx(), move || {
                    store.save_settings(&next)?;
                    Ok(next)
                });
            }
        });
        widgets::maybe_message(ui, &self.test_msg);
    }

    fn server(&mut self, ui: &mut Ui, s: &mut Session) {
        let Some(e) = &mut self.edit else { return };
        ui.label(RichText::new("Servidor MotorDesk").strong().size(22.0));
        ui.horizontal_wrapped(|ui| {
            widgets::field(ui, "Dirección del servidor", &mut e.server_url, 360.0);
            widgets::field(ui, "Código de registro", &mut self.enrollment, 200.0);
        });
        if s.settings.device_token.is_some() {
            ui.label(RichText::new("Este equipo ya está registrado.").color(theme::green()));
        }
        let busy = self.register.busy();
        let label = if busy { "Registrando…" } else { "Registrar" };
        if ui
            .add_enabled(
                !busy && s.is_admin(),
                Button::new(RichText::new(label).strong()).min_size(vec2(180.0, 56.0)),
            )
            .clicked()
        {
            let (url, code, store) = (
                e.server_url.trim().to_string(),
                self.enrollment.trim().to_string(),
                s.store.clone(),
            );
            self.register.start(ui.ctx(), move || {
                crate::sync::register(&url, &code, &store)?;
                Ok(store.settings()?)
            });
        }
    }

    fn users_ui(&mut self, ui: &mut Ui, s: &mut Session) {
        ui.label(RichText::new("Usuarios").strong().size(22.0));
        for u in &self.users {
            ui.label(format!(
                "{} · {} · {}{}",
                u.username,
                u.display_name,
                u.role.label(),
                if u.active { "" } else { " (inactivo)" }
            ));
        }
        if !s.is_admin() {
            return;
        }
        ui.label(RichText::new("Agregar cajero").strong());
        ui.horizontal_wrapped(|ui| {
            widgets::field(ui, "Nuevo usuario", &mut self.new_user, 180.0);
            widgets::field(ui, "Nombre del cajero", &mut self.new_name, 240.0);
            widgets::password(ui, "Contraseña del cajero", &mut self.new_password, 200.0);
        });
        if ui
            .add_enabled(
                !self.add_user.busy(),
                Button::new("Crear cajero").min_size(vec2(180.0, 56.0)),
            )
            .clicked()
        {
            if self.new_password.chars().count() < 6 {
                self.msg = Some(Msg::error(
                    "La contraseña debe tener al menos 6 caracteres.",
                ));
            } else {
                let (u, n, p, store) = (
                    self.new_user.trim().to_string(),
                    self.new_name.trim().to_string(),
                    self.new_password.clone(),
                    s.store.clone(),
                );
                let n = if n.is_empty() { u.clone() } else { n };
                self.add_user
                    .start(ui.ctx(), move || store.add_user(&u, &p, &n, Role::Cajero));
            }
        }
    }

    /// Caja and approvals: the close lives in the Caja panel; an administrator sets the
    /// PIN that approves credit notes, voidings and shift closes.
    fn shift(&mut self, ui: &mut Ui, s: &mut Session) {
        ui.label(RichText::new("Caja y autorizaciones").strong().size(22.0));
        ui.horizontal_wrapped(|ui| {
            ui.label("El fondo, los movimientos y el cierre de caja están en la pantalla Caja.");
            if ui
                .add(Button::new("Ir a Caja").min_size(vec2(140.0, theme::TOUCH)))
                .clicked()
            {
                s.goto = Some(crate::ui::session::PanelId::Caja);
            }
        });
        if self.pin_state.is_none() && !self.pin_state_job.busy() {
            let store = s.store.clone();
            self.pin_state_job
                .start(ui.ctx(), move || store.manager_pin_state());
        }
        let (mine, any) = self.pin_state.unwrap_or((false, false));
        ui.label(RichText::new("PIN de autorización").strong());
        ui.label(if mine {
            "Su PIN está configurado."
        } else if any {
            "Otro administrador tiene PIN; usted aún no."
        } else {
            "Ningún administrador tiene PIN: el cierre de caja no se puede aprobar."
        });
        widgets::maybe_message(ui, &self.shift_msg);
        if s.is_admin() {
            let label = if mine {
                "Cambiar mi PIN"
            } else {
                "Configurar mi PIN"
            };
            if ui
                .add_enabled(
                    !self.pin_job.busy(),
                    Button::new(label).min_size(vec2(200.0, 56.0)),
                )
                .clicked()
            {
                self.pin_pad = Some(
                    crate::ui::keypad::Keypad::new("Nuevo PIN (4 a 6 dígitos)", "", false).masked(),
                );
            }
        }
        ui.label(RichText::new("Descuento sin autorización").strong());
        ui.horizontal_wrapped(|ui| {
            ui.label(match s.settings.discount_limit_pct {
                Some(l) => format!(
                    "Un cajero puede dar hasta {} % de descuento; más necesita el PIN de un administrador.",
                    l.normalize()
                ),
                None => "Sin límite: cualquier descuento se emite sin PIN.".into(),
            });
            if s.is_admin()
                && ui
                    .add_enabled(
                        !self.limit_job.busy(),
                        Button::new("Límite de descuento…").min_size(vec2(0.0, theme::TOUCH)),
                    )
                    .clicked()
            {
                self.limit_pad = Some(crate::ui::keypad::Keypad::new(
                    "Descuento máximo sin PIN (%; vacío: sin límite)",
                    "",
                    true,
                ));
            }
        });
        if let Some(pad) = self.limit_pad.as_mut()
            && let Some(outcome) = pad.show(ui.ctx())
        {
            self.limit_pad = None;
            if let crate::ui::keypad::KeypadOutcome::Accept(text) = outcome {
                let limit = match text.trim() {
                    "" => Ok(None),
                    t => motordesk_core::parse_amount(t)
                        .map_err(|e| e.mensaje())
                        .and_then(|d| {
                            (d >= rust_decimal::Decimal::ZERO
                                && d <= rust_decimal::Decimal::ONE_HUNDRED)
                                .then_some(Some(d))
                                .ok_or_else(|| "El límite debe estar entre 0 y 100 %.".to_string())
                        }),
                };
                match limit {
                    Ok(limit) => {
                        let mut next = s.settings.clone();
                        next.discount_limit_pct = limit;
                        let store = s.store.clone();
                        self.limit_job.start(ui.ctx(), move || {
                            store.save_settings(&next)?;
                            Ok(next)
                        });
                    }
                    Err(e) => self.shift_msg = Some(Msg::error(e)),
                }
            }
        }
        if let Some(pad) = self.pin_pad.as_mut()
            && let Some(outcome) = pad.show(ui.ctx())
        {
            self.pin_pad = None;
            if let crate::ui::keypad::KeypadOutcome::Accept(pin) = outcome {
                let store = s.store.clone();
                self.pin_job
                    .start(ui.ctx(), move || store.set_manager_pin(pin.trim()));
            }
        }
    }
}

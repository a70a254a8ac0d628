//! Flota: the shop's vehicles with their maintenance alerts (coloured by urgency), the
//! add/edit form, odometer updates (a lower reading is refused, a big jump is accepted
//! with a warning) and each vehicle's service history.

use crate::store::{FLEET_PAGE, FleetPage, StoreError, StoreResult};
use crate::ui::keypad::{Keypad, KeypadOutcome};
use crate::ui::paged::Pages;
use crate::ui::session::Session;
use crate::ui::widgets::{self, Msg};
use crate::ui::{date_picker, field_error, theme, worker::Job};
use chrono::NaiveDate;
use egui::{Button, Color32, RichText, Ui, vec2};
use motordesk_core::IdKind;
use motordesk_core::Invoice;
use motordesk_core::Stored;
use motordesk_core::lima_display;
use motordesk_core::soles;
use motordesk_core::thousands;
use motordesk_core::{Alert, Urgency, alerts};
use motordesk_core::{OdometerCheck, Plate, Vehicle};
use std::ops::Range;
use uuid::Uuid;

struct VehicleRow {
    v: Vehicle,
    owner: Option<(String, String)>,
    alerts: Vec<Alert>,
}

#[derive(Default)]
struct VehicleForm {
    id: Option<Uuid>,
    plate: String,
    brand: String,
    model: String,
    year: String,
    owner_doc: String,
    interval_km: String,
    odometer: String,
    soat: String,
    revision: String,
    /// Why the last *Guardar vehículo* was refused, the field that caused it, and the
    /// form as it was then (shown while nothing was changed since).
    refusal: Option<(FormField, String, String)>,
}

/// A field of the vehicle form that can refuse; its refusal shows on the line under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormField {
    Plate,
    Year,
    Owner,
    Interval,
    Odometer,
    Soat,
    Revision,
}

impl VehicleForm {
    /// Everything typed, to tell whether a refusal is still about what is on screen.
    fn typed(&self) -> String {
        [
            &self.plate,
            &self.brand,
            &self.model,
            &self.year,
            &self.owner_doc,
            &self.interval_km,
            &self.odometer,
            &self.soat,
            &self.revision,
        ]
        .map(|t| t.trim())
        .join("\u{1f}")
    }

    fn refuse(&mut self, field: FormField, text: String) {
        self.refusal = Some((field, text, self.typed()));
    }

    /// The line under `field`: the refusal of the last save while the form is
    /// unchanged, else (the plate) a plate typed in full that cannot be one. Short: the
    /// line is the field's width and may run on over its neighbours' lines only.
    fn refusal_for(&self, field: FormField) -> Option<String> {
        if let Some((f, text, then)) = &self.refusal
            && *f == field
            && *then == self.typed()
        {
            return Some(text.clone());
        }
        let typed = self
            .plate
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .count();
        (field == FormField::Plate && typed >= 6 && Plate::new(&self.plate).is_err())
            .then(|| plate_refusal(&self.plate))
    }
}

fn plate_refusal(typed: &str) -> String {
    format!("Placa «{}» inválida (ejemplo: ABC-123).", typed.trim())
}

/// What the list on screen shows: rows of another key are reloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ListKey {
    query: String,
    only_alerts: bool,
    revision: u64,
    today: NaiveDate,
}

impl ListKey {
    /// Same vehicles in the same order, perhaps with new data (an edit, a new day).
    fn same_list(&self, other: &ListKey) -> bool {
        self.query == other.query && self.only_alerts == other.only_alerts
    }
}

#[derive(Default)]
pub(super) struct FlotaPanel {
    /// The list, one place per matching vehicle; only the pages near the screen are
    /// loaded and held (`Store::fleet_page` opens a page, never the fleet).
    rows: Pages<VehicleRow, FLEET_PAGE>,
    /// The key `rows` belong to.
    rows_key: Option<ListKey>,
    page_job: Job<StoreResult<(ListKey, FleetPage)>>,
    /// Places drawn in the last frame, so the page asked for next covers the screen.
    visible: Range<usize>,
    /// The next frame scrolls the list to its top (another list arrived).
    to_top: bool,
    query: String,
    only_alerts: bool,
    selected: Option<Uuid>,
    /// The selected vehicle with its owner (name, document), opened on its own.
    detail: Option<VehicleRow>,
    detail_for: Option<(Uuid, u64)>,
    detail_job: Job<StoreResult<VehicleRow>>,
    form: Option<VehicleForm>,
    km_text: String,
    /// Why the last *Guardar kilometraje* was refused, and the km typed then.
    km_refusal: Option<(String, String)>,
    keypad: Option<Keypad>,
    history: Vec<Stored<Invoice>>,
    history_for: Option<(Uuid, u64)>,
    history_job: Job<StoreResult<Vec<Stored<Invoice>>>>,
    save: Job<StoreResult<Stored<Vehicle>>>,
    odometer: Job<StoreResult<OdometerCheck>>,
    msg: Option<Msg>,
}

/// The colour of an alert, in Flota and wherever a vehicle's alerts are shown (Ventas).
pub(super) fn urgency_colour(u: Urgency) -> Color32 {
    match u {
        Urgency::Overdue => theme::red(),
        Urgency::DueSoon => theme::amber(),
    }
}

fn date_text(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_default()
}

fn parse_date(label: &str, text: &str) -> Result<Option<NaiveDate>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(t, "%d/%m/%Y")
        .map(Some)
        .map_err(|_| format!("Fecha de {label} inválida: use día/mes/año, por ejemplo 31/12/2026."))
}

impl FlotaPanel {
    pub(super) fn ui(&mut self, ui: &mut Ui, s: &mut Session) {
        self.poll(s);
        // "Ver en Flota" from the top bar's plate search.
        if let Some(id) = s.show_vehicle.take() {
            self.selected = Some(id);
            self.form = None;
            self.msg = None;
            self.km_text.clear();
        }
        if let Some(id) = self.selected
            && self.detail_for != Some((id, s.revision))
            && !self.detail_job.busy()
        {
            let (store, today) = (s.store.clone(), s.today());
            self.detail_job.start(ui.ctx(), move || {
                let (v, owner) = store.fleet_vehicle(id)?;
                Ok(VehicleRow {
                    alerts: alerts(&v.data, today),
                    v: v.data,
                    owner,
                })
            });
            self.detail_for = Some((id, s.revision));
        }
        if let Some(id) = self.selected
            && self.history_for != Some((id, s.revision))
        {
            let store = s.store.clone();
            self.history_job
                .start(ui.ctx(), move || store.invoices_of_vehicle(id));
            self.history_for = Some((id, s.revision));
        }
        egui::Panel::left("fleet_list")
            .resizable(false)
            .exact_size((ui.available_width() * 0.4).clamp(300.0, 420.0))
            .show(ui, |ui| self.list(ui));
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("fleet_detail")
                .show(ui, |ui| {
                    widgets::maybe_message(ui, &self.msg);
                    if self.form.is_some() {
                        self.form_ui(ui, s);
                    } else if self.selected.is_some() {
                        self.detail(ui, s);
                    } else {
                        ui.label(
                            RichText::new("Elija un vehículo de la lista o registre uno nuevo.")
                                .color(theme::grey()),
                        );
                    }
                });
        });
        self.load_page(ui.ctx(), s);
        if let Some(pad) = &mut self.keypad
            && let Some(out) = pad.show(ui.ctx())
        {
            if let KeypadOutcome::Accept(t) = out {
                self.km_text = t;
            }
            self.keypad = None;
        }
    }

    /// Asks for the page the screen needs: from the top of the screen when the list's key
    /// changed (a query, the filter, an edit), else from the first place on screen (or
    /// just below it) not loaded yet. One page at a time.
    fn load_page(&mut self, ctx: &egui::Context, s: &Session) {
        if self.page_job.busy() {
            return;
        }
        let key = ListKey {
            query: self.query.trim().to_string(),
            only_alerts: self.only_alerts,
            revision: s.revision,
            today: s.today(),
        };
        let Some(offset) = self.rows.ask_from(
            self.rows_key.as_ref() == Some(&key),
            self.rows_key.as_ref().is_some_and(|k| k.same_list(&key)),
            &self.visible,
        ) else {
            return;
        };
        let store = s.store.clone();
        self.page_job.start(ctx, move || {
            let page =
                store.fleet_page(&key.query, key.only_alerts, key.today, offset, FLEET_PAGE)?;
            Ok((key, page))
        });
    }

    fn poll(&mut self, s: &mut Session) {
        if let Some((key, page)) = self.page_job.poll_ok(&mut self.msg) {
            // Another list, or the same after an edit: what was loaded may be out of date,
            // so only this page stays and the rest loads as it comes on screen.
            let fresh = self.rows_key.as_ref() != Some(&key);
            // Another list (a query, the filter) starts at its top, not where the last was.
            self.to_top = self.rows_key.as_ref().is_some_and(|k| !k.same_list(&key));
            let rows = page
                .rows
                .into_iter()
                .map(|r| VehicleRow {
                    v: r.vehicle,
                    owner: None,
                    alerts: r.alerts,
                })
                .collect();
            self.rows
                .put(page.total, page.offset, rows, fresh, &self.visible);
            self.rows_key = Some(key);
        }
        // One for a vehicle no longer selected is dropped (its seed from the row stays).
        if let Some(d) = self.detail_job.poll_ok(&mut self.msg)
            && self.selected == Some(d.v.id)
        {
            self.detail = Some(d);
        }
        if let Some(h) = self.history_job.poll_ok(&mut self.msg) {
            self.history = h;
        }
        match self.save.poll() {
            Some(Ok(v)) => {
                self.msg = Some(Msg::ok(format!("Vehículo {} guardado.", v.data.plate)));
                self.selected = Some(v.data.id);
                self.form = None;
                s.changed();
            }
            Some(Err(e)) => {
                log::info!("vehicle not saved: {e}");
                // Under the field that caused it: the owner not found, the plate taken.
                let refusal = match e {
                    StoreError::NotFound(_) => Some((
                        FormField::Owner,
                        "Ningún cliente con ese DNI/RUC: regístrelo en Clientes.".to_string(),
                    )),
                    StoreError::DuplicatePlate { .. } => Some((FormField::Plate, e.mensaje())),
                    _ => None,
                };
                match (refusal, &mut self.form) {
                    (Some((field, text)), Some(f)) => f.refuse(field, text),
                    _ => self.msg = Some(Msg::error(e.mensaje())),
                }
            }
            None => {}
        }
        let odometer = match self.odometer.poll() {
            Some(Ok(c)) => Some(c),
            Some(Err(e)) => {
                // Under the km field, short enough for its line.
                log::info!("odometer refused: {e}");
                let text = match &e {
                    StoreError::Domain(motordesk_core::DomainError::OdometerBelowLast {
                        last_km,
                        new_km,
                    }) => format!(
                        "{} km es menor que la última lectura ({} km).",
                        thousands(*new_km),
                        thousands(*last_km)
                    ),
                    _ => e.mensaje(),
                };
                self.km_refusal = Some((text, self.km_text.trim().to_string()));
                None
            }
            None => None,
        };
        match odometer {
            Some(OdometerCheck::Ok) => {
                self.msg = Some(Msg::ok(format!(
                    "Kilometraje actualizado: {} km.",
                    self.km_text.trim()
                )));
                self.km_text.clear();
                s.changed();
            }
            Some(OdometerCheck::ImplausibleJump { delta_km }) => {
                self.msg = Some(Msg::warn(format!(
                    "Kilometraje guardado, pero aumentó {} km desde la última lectura. Verifique que sea correcto.",
                    thousands(delta_km)
                )));
                self.km_text.clear();
                s.changed();
            }
            None => {}
        }
    }

    fn list(&mut self, ui: &mut Ui) {
        ui.heading("Flota");
        widgets::search_field(
            ui,
            "Buscar placa, marca o propietario",
            &mut self.query,
            ui.available_width() - 8.0,
        );
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(&mut self.only_alerts, "Solo con alertas");
            if ui
                .add(Button::new("Nuevo vehículo").min_size(vec2(0.0, theme::TOUCH)))
                .clicked()
            {
                self.form = Some(VehicleForm {
                    interval_km: "5000".into(),
                    ..VehicleForm::default()
                });
                self.msg = None;
            }
        });
        // Until the page of a new query arrives, the last answer stays on screen.
        let count = match (&self.rows_key, self.rows.total()) {
            (None, _) => "Cargando vehículos…".to_string(),
            (_, 1) => "1 vehículo".to_string(),
            (_, n) => format!("{} vehículos", thousands(n as u64)),
        };
        ui.label(RichText::new(count).color(theme::grey()));
        let row_h = 52.0;
        ui.spacing_mut().item_spacing.y = 4.0;
        let mut area = egui::ScrollArea::vertical()
            .id_salt("fleet_rows")
            .auto_shrink(false);
        if std::mem::take(&mut self.to_top) {
            area = area.vertical_scroll_offset(0.0);
        }
        area.show_rows(ui, row_h, self.rows.total(), |ui, range| {
            self.visible = range.clone();
            for i in range {
                let Some(r) = self.rows.get(i) else {
                    // Its page is on its way (asked for after this frame).
                    ui.add_sized(
                        vec2(ui.available_width(), row_h),
                        egui::Label::new(RichText::new("…").color(theme::grey())),
                    );
                    continue;
                };
                let worst = r.alerts.iter().map(|a| a.urgency).max();
                let mut t = RichText::new(format!(
                    "{}  {} {} · {}",
                    r.v.plate,
                    r.v.brand,
                    r.v.model,
                    match worst {
                        Some(Urgency::Overdue) => format!(
                            "{} {} · vencido",
                            r.alerts.len(),
                            widgets::noun(r.alerts.len() as u64, "alerta", "alertas")
                        ),
                        Some(Urgency::DueSoon) => format!(
                            "{} {} · próximo",
                            r.alerts.len(),
                            widgets::noun(r.alerts.len() as u64, "alerta", "alertas")
                        ),
                        None => format!("{} km", thousands(r.v.odometer_km)),
                    }
                ))
                .size(18.0);
                if let Some(u) = worst {
                    t = t.color(urgency_colour(u));
                }
                let sel = self.selected == Some(r.v.id);
                let b = Button::selectable(sel, t)
                    .truncate()
                    .min_size(vec2(ui.available_width(), row_h));
                if ui.add(b).clicked() {
                    self.selected = Some(r.v.id);
                    self.form = None;
                    self.msg = None;
                    self.km_text.clear();
                    // Shown at once from the row; the owner follows from the store.
                    if self.detail.as_ref().is_none_or(|d| d.v.id != r.v.id) {
                        self.detail = Some(VehicleRow {
                            v: r.v.clone(),
                            owner: None,
                            alerts: r.alerts.clone(),
                        });
                    }
                }
            }
        });
    }

    fn detail(&mut self, ui: &mut Ui, s: &mut Session) {
        let Some(r) = self
            .detail
            .as_ref()
            .filter(|r| Some(r.v.id) == self.selected)
        else {
            ui.label(RichText::new("Cargando…").color(theme::grey()));
            return;
        };
        let v = &r.v;
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(v.plate.display())
                    .size(30.0)
                    .strong()
                    .monospace(),
            );
            ui.label(
                RichText::new(format!(
                    "{} {} {}",
                    v.brand,
                    v.model,
                    v.year.map(|y| y.to_string()).unwrap_or_default()
                ))
                .size(22.0),
            );
        });
        if let Some((name, doc)) = &r.owner {
            ui.label(format!("Propietario: {name} ({doc})"));
        }
        ui.label(format!(
            "Kilometraje: {} km · cambio cada {} km · último servicio: {}",
            thousands(v.odometer_km),
            thousands(v.service_interval_km),
            v.last_service_km
                .map(|k| format!("{} km", thousands(k)))
                .unwrap_or_else(|| "—".into())
        ));
        ui.label(format!(
            "SOAT vence: {} · Revisión técnica vence: {}",
            if v.soat_expires.is_some() {
                date_text(v.soat_expires)
            } else {
                "—".into()
            },
            if v.revision_tecnica_expires.is_some() {
                date_text(v.revision_tecnica_expires)
            } else {
                "—".into()
            },
        ));
        if r.alerts.is_empty() {
            ui.label(RichText::new("Sin alertas de mantenimiento.").color(theme::green()));
        }
        for a in &r.alerts {
            widgets::badge(ui, &a.texto(), urgency_colour(a.urgency));
        }
        // Reminders already sent from Recordatorios: who, when, about what.
        for m in &v.contacted {
            ui.add(egui::Label::new(RichText::new(m.texto()).weak()).wrap());
        }
        let (edit, sell) = ui
            .horizontal_wrapped(|ui| {
                let edit = ui
                    .add(Button::new("Editar vehículo").min_size(vec2(0.0, theme::TOUCH)))
                    .clicked();
                let sell =
                    widgets::big_button(ui, "Vender a este vehículo", Some(theme::green()), 0.0)
                        .clicked();
                (edit, sell)
            })
            .inner;
        if sell {
            // Ventas parks the ticket on screen and opens one for this car.
            s.sell_to = Some(v.plate.display());
            s.goto = Some(crate::ui::session::PanelId::Ventas);
            return;
        }
        let vid = v.id;
        // The form carries the owner's document: not before the owner has been read.
        let edit = edit && !(v.owner_id.is_some() && r.owner.is_none());
        if edit {
            self.form = Some(VehicleForm {
                id: Some(v.id),
                plate: v.plate.display(),
                brand: v.brand.clone(),
                model: v.model.clone(),
                year: v.year.map(|y| y.to_string()).unwrap_or_default(),
                owner_doc: r.owner.as_ref().map(|o| o.1.clone()).unwrap_or_default(),
                interval_km: v.service_interval_km.to_string(),
                odometer: String::new(),
                soat: date_text(v.soat_expires),
                revision: date_text(v.revision_tecnica_expires),
                refusal: None,
            });
            self.msg = None;
            return;
        }
        ui.separator();
        ui.label(RichText::new("Actualizar kilometraje").strong());
        let km_refusal = self
            .km_refusal
            .as_ref()
            .filter(|(_, then)| *then == self.km_text.trim())
            .map(|(t, _)| t.clone());
        ui.horizontal_wrapped(|ui| {
            // Its refusal on the line under it (the row wraps at 1024 px).
            field_error::group(ui, 330.0, 330.0, km_refusal.as_deref(), |ui| {
                ui.horizontal(|ui| {
                    widgets::inline_field(ui, "Nuevo kilometraje", &mut self.km_text, 140.0);
                })
            });
            if ui
                .add(Button::new("Teclado").min_size(vec2(0.0, theme::TOUCH)))
                .clicked()
            {
                self.keypad = Some(Keypad::new("Nuevo kilometraje", self.km_text.trim(), false));
            }
            let busy = self.odometer.busy();
            if ui
                .add_enabled(
                    !busy,
                    Button::new(RichText::new("Guardar kilometraje").strong())
                        .min_size(vec2(0.0, theme::TOUCH)),
                )
                .clicked()
            {
                let digits: String = self
                    .km_text
                    .chars()
                    .filter(|c| !matches!(c, ',' | '.' | ' '))
                    .collect();
                match digits.parse::<u32>() {
                    Ok(km) => {
                        let store = s.store.clone();
                        self.msg = None;
                        self.odometer
                            .start(ui.ctx(), move || store.update_odometer(vid, km));
                    }
                    Err(_) => {
                        self.km_refusal = Some((
                            "Escriba el kilometraje en números, por ejemplo 45200.".into(),
                            self.km_text.trim().to_string(),
                        ))
                    }
                }
            }
        });
        ui.separator();
        ui.label(RichText::new("Historial de servicios").strong());
        if self.history.is_empty() {
            ui.label(RichText::new("Sin comprobantes para este vehículo.").color(theme::grey()));
        }
        for inv in self.history.iter().take(50) {
            let d = &inv.data;
            let km = d
                .vehicle
                .as_ref()
                .and_then(|x| x.odometer_km)
                .map(|k| format!(" · {} km", thousands(k)))
                .unwrap_or_default();
            let items: Vec<&str> = d
                .lines
                .iter()
                .map(|l| l.description.as_str())
                .take(3)
                .collect();
            ui.label(format!(
                "{} · {} {}{} · {}\n{}",
                lima_display(d.issued_at),
                d.kind.short(),
                d.number,
                km,
                soles(d.totals.total),
                items.join(", ")
            ));
        }
    }

    fn form_ui(&mut self, ui: &mut Ui, s: &mut Session) {
        let Some(f) = &mut self.form else { return };
        ui.heading(if f.id.is_some() {
            "Editar vehículo"
        } else {
            "Nuevo vehículo"
        });
        // Each field keeps a line under it for its refusal: nothing moves when one shows.
        let err = |f: &VehicleForm, field| f.refusal_for(field);
        ui.horizontal_wrapped(|ui| {
            let e = err(f, FormField::Plate);
            field_error::field(ui, "Placa", &mut f.plate, 140.0, e.as_deref());
            field_error::field(ui, "Marca", &mut f.brand, 180.0, None);
            field_error::field(ui, "Modelo", &mut f.model, 180.0, None);
            let e = err(f, FormField::Year);
            field_error::field(ui, "Año", &mut f.year, 90.0, e.as_deref());
        });
        ui.horizontal_wrapped(|ui| {
            let e = err(f, FormField::Owner);
            field_error::field(
                ui,
                "DNI/RUC del propietario",
                &mut f.owner_doc,
                200.0,
                e.as_deref(),
            );
            let e = err(f, FormField::Interval);
            field_error::field(
                ui,
                "Cambio de aceite cada (km)",
                &mut f.interval_km,
                200.0,
                e.as_deref(),
            );
            if f.id.is_none() {
                let e = err(f, FormField::Odometer);
                field_error::field(
                    ui,
                    "Kilometraje inicial",
                    &mut f.odometer,
                    160.0,
                    e.as_deref(),
                );
            }
        });
        ui.horizontal_wrapped(|ui| {
            // The field and its calendar button.
            let e = err(f, FormField::Soat);
            field_error::group(ui, 280.0, 200.0, e.as_deref(), |ui| {
                date_picker::date_field(ui, "SOAT vence (dd/mm/aaaa)", &mut f.soat, 200.0)
            });
            let e = err(f, FormField::Revision);
            field_error::group(ui, 280.0, 200.0, e.as_deref(), |ui| {
                date_picker::date_field(
                    ui,
                    "Revisión técnica vence (dd/mm/aaaa)",
                    &mut f.revision,
                    200.0,
                )
            });
        });
        let mut cancel = false;
        let mut submit = false;
        ui.horizontal(|ui| {
            submit =
                widgets::big_button(ui, "Guardar vehículo", Some(theme::green()), 240.0).clicked();
            cancel = ui
                .add(Button::new("Cancelar").min_size(vec2(120.0, 60.0)))
                .clicked();
        });
        if cancel {
            self.form = None;
            return;
        }
        if submit && !self.save.busy() {
            match self.build(s) {
                Ok(job) => {
                    self.msg = None;
                    self.save.start(ui.ctx(), job);
                }
                Err((field, m)) => {
                    if let Some(f) = &mut self.form {
                        f.refuse(field, m);
                    }
                }
            }
        }
    }

    /// Checks the form and returns the save work for the worker.
    #[allow(clippy::type_complexity)]
    fn build(
        &self,
        s: &Session,
    ) -> Result<Box<dyn FnOnce() -> StoreResult<Stored<Vehicle>> + Send>, (FormField, String)> {
        let f = self
            .form
            .as_ref()
            .ok_or((FormField::Plate, String::new()))?;
        let existing =
            f.id.and_then(|id| self.detail.as_ref().filter(|r| r.v.id == id))
                .map(|r| r.v.clone());
        let mut v = match existing {
            Some(mut v) => {
                v.plate = Plate::new(&f.plate)
                    .map_err(|_| (FormField::Plate, plate_refusal(&f.plate)))?;
                v.brand = f.brand.trim().to_string();
                v.model = f.model.trim().to_string();
                v
            }
            None => Vehicle::new(Uuid::now_v7(), &f.plate, &f.brand, &f.model)
                .map_err(|_| (FormField::Plate, plate_refusal(&f.plate)))?,
        };
        v.year = match f.year.trim() {
            "" => None,
            y => Some(
                y.parse::<u16>()
                    .ok()
                    .filter(|y| (1950..=2100).contains(y))
                    .ok_or((
                        FormField::Year,
                        "Año inválido: 4 cifras, p. ej. 2019.".to_string(),
                    ))?,
            ),
        };
        v.service_interval_km = match f.interval_km.trim() {
            "" => 5_000,
            t => t.parse::<u32>().map_err(|_| {
                (
                    FormField::Interval,
                    "Intervalo inválido: solo números.".to_string(),
                )
            })?,
        };
        // The line under a date field is short: the field's label says which date.
        let bad_date = "Fecha inválida: día/mes/año, p. ej. 31/12/2026.".to_string();
        v.soat_expires =
            parse_date("SOAT", &f.soat).map_err(|_| (FormField::Soat, bad_date.clone()))?;
        v.revision_tecnica_expires = parse_date("revisión técnica", &f.revision)
            .map_err(|_| (FormField::Revision, bad_date.clone()))?;
        let initial_km = match f.odometer.trim() {
            "" => None,
            t => Some(t.parse::<u32>().map_err(|_| {
                (
                    FormField::Odometer,
                    "Solo números, p. ej. 45200.".to_string(),
                )
            })?),
        };
        let owner_doc = f.owner_doc.trim().to_string();
        let store = s.store.clone();
        Ok(Box::new(move || {
            v.owner_id = if owner_doc.is_empty() {
                None
            } else {
                let kind = if owner_doc.len() == 11 {
                    IdKind::Ruc
                } else {
                    IdKind::Dni
                };
                let owner =
                    store
                        .customer_by_doc(kind, &owner_doc)?
                        .ok_or(StoreError::NotFound(
                            "un cliente con ese DNI/RUC; regístrelo primero en Clientes",
                        ))?;
                Some(owner.data.id)
            };
            store.save_vehicle_with_km(v, initial_km)
        }))
    }
}

//! Ventas › vehicle: the plate typed, looked up on a worker (which also fills the owner
//! as buyer), and *Km actual* through the keypad, checked live against the last reading
//! (below it is flagged, a big jump warned). The chosen vehicle's maintenance, SOAT and
//! revisión técnica alerts (Flota's rules, `motordesk_core::alerts`) sit on the same
//! wrapped line as its name, so the catalog below moves by one row at most.

use super::customer::buyer_of;
use super::keypad::{KeyTarget, SaleKeypad};
use crate::store::StoreResult;
use crate::ui::flota::urgency_colour;
use crate::ui::keypad::Keypad;
use crate::ui::session::Session;
use crate::ui::widgets::{self, Msg};
use crate::ui::{field_error, theme, worker::Job};
use egui::{Button, Color32, RichText, Ui, vec2};
use motordesk_core::{Customer, DocumentKind, IdKind, InvoiceDraft, ServicedVehicle, Stored};
use motordesk_core::{OdometerCheck, Plate, Vehicle, alerts, check_odometer, thousands};

type VehicleHit = Option<(Stored<Vehicle>, Option<Customer>)>;

#[derive(Default)]
pub(super) struct VehiclePicker {
    plate_text: String,
    /// The normalised plate of the last lookup started.
    looked_up: String,
    job: Job<StoreResult<VehicleHit>>,
    /// The vehicle found for the plate.
    pub(super) vehicle: Option<Vehicle>,
    /// *Km actual* entered for this visit.
    pub(super) km: Option<u32>,
    /// Lookup result shown under the plate (not registered, store error).
    msg: Option<Msg>,
}

impl VehiclePicker {
    pub(super) fn poll(&mut self, draft: &mut InvoiceDraft) {
        let Some(hit) = self.job.poll_ok(&mut self.msg) else {
            return;
        };
        match hit {
            Some((v, owner)) => {
                self.msg = None;
                if let Some(o) = owner
                    && !draft.buyer.id.identifies_buyer()
                    && draft.kind != DocumentKind::NotaDeCredito
                {
                    draft.buyer = buyer_of(&o);
                    // An owner with a RUC gets a factura, as when a RUC customer is
                    // picked; the toggle above still makes it a boleta.
                    if o.doc.kind == IdKind::Ruc && draft.kind == DocumentKind::Boleta {
                        draft.kind = DocumentKind::Factura;
                    }
                }
                self.vehicle = Some(v.data);
            }
            None => {
                self.vehicle = None;
                self.msg = Some(Msg::warn(format!(
                    "La placa {} no está registrada en Flota.",
                    self.looked_up
                )));
            }
        }
    }

    /// A new sale: no plate, no vehicle.
    pub(super) fn clear(&mut self) {
        self.vehicle = None;
        self.km = None;
        self.plate_text.clear();
        self.looked_up.clear();
        self.msg = None;
    }

    /// A parked ticket taken up again: its vehicle and km, without a new lookup.
    pub(super) fn restore(&mut self, vehicle: Option<Vehicle>, km: Option<u32>) {
        self.clear();
        if let Some(v) = &vehicle {
            self.plate_text = v.plate.display();
            self.looked_up = v.plate.display();
        }
        self.vehicle = vehicle;
        self.km = km;
    }

    /// Sells to `plate` (display form): as if it had been typed, so the lookup fills the
    /// owner and the alerts show.
    pub(super) fn choose(&mut self, plate: &str) {
        self.clear();
        self.plate_text = plate.to_string();
    }

    /// Whether the plate typed is `plate` (display form).
    pub(super) fn shows_plate(&self, plate: &str) -> bool {
        Plate::new(&self.plate_text).is_ok_and(|p| p.display() == plate)
    }

    /// The vehicle as recorded on the invoice.
    pub(super) fn serviced(&self) -> Option<ServicedVehicle> {
        self.vehicle.as_ref().map(|v| ServicedVehicle {
            vehicle_id: v.id,
            plate: v.plate.display(),
            odometer_km: self.km,
        })
    }

    pub(super) fn ui(&mut self, ui: &mut Ui, s: &mut Session, keypad: &mut SaleKeypad) {
        ui.horizontal_wrapped(|ui| {
            widgets::inline_field(ui, "Placa", &mut self.plate_text, 150.0);
            let km_text = match self.km {
                Some(k) => format!("Km actual: {}", thousands(k)),
                None => "Km actual: —".to_string(),
            };
            let enabled = self.vehicle.is_some();
            // 200 px where the row has it; at 1024 px a few px less keeps Km beside the
            // plate instead of wrapping it onto a row of its own.
            let room = ui.max_rect().right() - ui.cursor().min.x - ui.spacing().item_spacing.x;
            let km_width = room.clamp(160.0, 200.0);
            let tight = room < 200.0;
            let touched = ui
                .scope(|ui| {
                    if tight {
                        // "Km actual: 123,456" at the usual size and padding is 205 px.
                        ui.spacing_mut().button_padding.x = 6.0;
                    }
                    let text = RichText::new(km_text).size(if tight { 17.0 } else { 20.0 });
                    ui.add_enabled(
                        enabled,
                        Button::new(text).min_size(vec2(km_width, theme::TOUCH)),
                    )
                    .clicked()
                })
                .inner;
            if touched {
                let init = self.km.map(|k| k.to_string()).unwrap_or_default();
                keypad.open(
                    KeyTarget::Km,
                    Keypad::new("Kilometraje actual", &init, false),
                );
            }
        });
        self.look_up(ui.ctx(), s);
        // Under the plate and the km, what they refuse or warn. No line is kept for it
        // (the quick keys below need the rows of a 768 px screen): it shows where the
        // vehicle's own line does, which moves the content the same way.
        if let Some((text, colour)) = self.refusal() {
            field_error::note(ui, Some((&text, colour)));
        }
        if let Some(v) = &self.vehicle {
            // Pure and cheap (a few date sums): worked out each frame, so the alerts follow
            // the day and a km typed for this visit.
            let mut seen = v.clone();
            if let Some(k) = self.km {
                seen.odometer_km = seen.odometer_km.max(k);
            }
            let found = alerts(&seen, s.today());
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(format!(
                        "{} {} {} · último km: {}",
                        v.plate,
                        v.brand,
                        v.model,
                        thousands(v.odometer_km)
                    ))
                    .color(theme::blue()),
                );
                // Coloured text, not Flota's pills: a pill (a frame) cannot wrap across
                // rows and in this narrow column came out one letter per row. The no-break space
                // keeps the sign with its words.
                for a in &found {
                    ui.label(
                        RichText::new(format!("⚠\u{a0}{}", a.texto()))
                            .color(urgency_colour(a.urgency))
                            .strong(),
                    );
                }
            });
        }
    }

    /// What the line under the plate says: a plate that cannot be one, the lookup's
    /// answer (not registered, a store error), a km below the last reading (red) or far
    /// above it (amber). Short, to fit one row of the 1024 px sale column.
    fn refusal(&self) -> Option<(String, Color32)> {
        let typed: String = self
            .plate_text
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        if typed.len() >= 6 && Plate::new(&self.plate_text).is_err() {
            return Some((
                format!(
                    "Placa «{}» inválida (ejemplo: ABC-123).",
                    self.plate_text.trim()
                ),
                theme::red(),
            ));
        }
        if let Some(m) = &self.msg {
            return Some((m.text.clone(), widgets::tone_colour(m.tone)));
        }
        let (v, k) = (self.vehicle.as_ref()?, self.km?);
        match check_odometer(v.odometer_km, k) {
            Err(_) => Some((
                format!(
                    "Km menor que la última lectura ({} km).",
                    thousands(v.odometer_km)
                ),
                theme::red(),
            )),
            Ok(OdometerCheck::ImplausibleJump { delta_km }) => Some((
                format!(
                    "Atención: +{} km desde la última lectura.",
                    thousands(delta_km)
                ),
                theme::amber(),
            )),
            Ok(_) => None,
        }
    }

    /// Starts a lookup when the typed plate changed (and forgets the old vehicle).
    fn look_up(&mut self, ctx: &egui::Context, s: &Session) {
        let key = Plate::new(&self.plate_text)
            .map(|p| p.display())
            .unwrap_or_default();
        if key == self.looked_up {
            return;
        }
        self.looked_up = key;
        self.vehicle = None;
        self.km = None;
        self.msg = None;
        if let Ok(plate) = Plate::new(&self.plate_text) {
            let store = s.store.clone();
            self.job.start(ctx, move || {
                let v = store.vehicle_by_plate(&plate)?;
                match v {
                    Some(v) => {
                        let owner = match v.data.owner_id {
                            Some(o) => store.get::<Customer>(o)?.map(|c| c.data),
                            None => None,
                        };
                        Ok(Some((v, owner)))
                    }
                    None => Ok(None),
                }
            });
        }
    }
}

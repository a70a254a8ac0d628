//! Recordatorios: the vehicles whose oil change, SOAT or revisión técnica falls due this
//! week (or already did), with the owner's name and phone, the WhatsApp message ready to
//! send, its wa.me link as text and as a QR the cashier scans with their own phone, and
//! "Marcar contactado", which hides the vehicle until its next due date.
//!
//! Its own panel rather than a tab of Flota: it is a daily call list worked through from
//! top to bottom, not a vehicle's record; Flota stays the place to edit vehicles.

use crate::receipt::{QrMatrix, screen_qr};
use crate::store::{ReminderRow, StoreResult};
use crate::ui::flota::urgency_colour;
use crate::ui::session::Session;
use crate::ui::widgets::{self, Msg, Tone};
use crate::ui::{theme, worker::Job};
use chrono::NaiveDate;
use egui::{Button, Color32, RichText, Ui, vec2};
use motordesk_core::{AlertKind, Stored, Urgency, Vehicle};
use motordesk_core::{peru_mobile, wa_me_link, whatsapp_text};
use uuid::Uuid;

/// Room the buttons beside the QR take, points.
const BUTTONS_W: f32 = 250.0;
/// Largest QR side, points.
const QR_MAX: f32 = 320.0;

#[derive(Default)]
pub(super) struct RecordatoriosPanel {
    rows: Vec<ReminderRow>,
    /// (revision, Peru date) of the list shown: a new day brings new reminders.
    loaded: Option<(u64, NaiveDate)>,
    load: Job<StoreResult<Vec<ReminderRow>>>,
    selected: Option<Uuid>,
    mark: Job<StoreResult<Stored<Vehicle>>>,
    msg: Option<Msg>,
    /// The QR of the link on screen, made once per link.
    qr: Option<(String, Option<QrMatrix>)>,
}

/// What the detail needs of the selected row, computed once per frame.
struct Contact {
    message: String,
    /// The mobile's 9 digits and the wa.me link, or why the phone cannot get one.
    link: Result<(String, String), String>,
}

fn shop_name(s: &Session) -> String {
    let i = &s.settings.issuer;
    if i.nombre_comercial.trim().is_empty() {
        i.razon_social.clone()
    } else {
        i.nombre_comercial.clone()
    }
}

fn contact(r: &ReminderRow, shop: &str, today: NaiveDate) -> Contact {
    let (name, phone) = r.owner.clone().unwrap_or_default();
    let message = whatsapp_text(shop, &name, &r.vehicle.plate, &r.due, today);
    let link = match &r.owner {
        None => Err("Sin propietario: asígnelo en Flota (DNI/RUC del propietario).".into()),
        Some(_) => peru_mobile(&phone)
            .map(|m| {
                let link = wa_me_link(&m, &message);
                (m, link)
            })
            .map_err(|p| p.mensaje()),
    };
    Contact { message, link }
}

/// A mobile's 9 digits as people read them: `+51 987 654 321`.
fn shown_mobile(m: &str) -> String {
    match (m.get(0..3), m.get(3..6), m.get(6..)) {
        (Some(a), Some(b), Some(c)) => format!("+51 {a} {b} {c}"),
        _ => format!("+51 {m}"),
    }
}

/// One row of the call list: the plate and whom to call on the first line, the most
/// urgent due item in its urgency's colour on the second, each cut with "…" to the
/// row's width. One button, named with both lines, for touch and for the tests.
fn list_row(ui: &mut Ui, r: &ReminderRow, selected: bool, height: f32) -> egui::Response {
    let owner = r.owner.as_ref().map_or("sin propietario", |o| o.0.as_str());
    let first = format!("{} · {owner}", r.vehicle.plate);
    let more = match r.due.len() {
        1 => String::new(),
        n => format!(" · +{}", n - 1),
    };
    let second = format!("{}{more}", r.due[0].texto());
    let (rect, resp) =
        ui.allocate_exact_size(vec2(ui.available_width(), height), egui::Sense::click());
    let name = format!("{first} · {second}");
    resp.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, selected, &name));
    if ui.is_rect_visible(rect) {
        let v = ui.visuals();
        let fill = if selected {
            Some(v.selection.bg_fill)
        } else if resp.hovered() {
            Some(v.widgets.hovered.weak_bg_fill)
        } else {
            None
        };
        if let Some(fill) = fill {
            ui.painter().rect_filled(rect, 4.0, fill);
        }
        let worst = r
            .due
            .iter()
            .map(|a| a.urgency)
            .max()
            .unwrap_or(Urgency::DueSoon);
        let inner = rect.shrink2(vec2(12.0, 6.0));
        let lines = [
            (
                RichText::new(first).size(18.0).strong(),
                v.strong_text_color(),
            ),
            (RichText::new(second).size(16.0), urgency_colour(worst)),
        ];
        let mut y = inner.top();
        for (text, colour) in lines {
            let galley = egui::WidgetText::from(text).into_galley(
                ui,
                Some(egui::TextWrapMode::Truncate),
                inner.width(),
                egui::TextStyle::Body,
            );
            let h = galley.size().y;
            ui.painter()
                .galley(egui::pos2(inner.left(), y), galley, colour);
            y += h + 2.0;
        }
    }
    resp
}

impl RecordatoriosPanel {
    pub(super) fn ui(&mut self, ui: &mut Ui, s: &mut Session) {
        self.poll(s);
        let today = s.today();
        if self.loaded != Some((s.revision, today)) && !self.load.busy() {
            let store = s.store.clone();
            self.load
                .start(ui.ctx(), move || store.due_reminders(today));
            self.loaded = Some((s.revision, today));
        }
        // The first vehicle to call is shown without a tap.
        if !self
            .rows
            .iter()
            .any(|r| Some(r.vehicle.id) == self.selected)
        {
            self.selected = self.rows.first().map(|r| r.vehicle.id);
        }
        egui::Panel::left("reminder_list")
            .resizable(false)
            .exact_size((ui.available_width() * 0.36).clamp(280.0, 420.0))
            .show(ui, |ui| self.list(ui));
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("reminder_detail")
                .show(ui, |ui| {
                    widgets::maybe_message(ui, &self.msg);
                    self.detail(ui, s, today);
                });
        });
    }

    fn poll(&mut self, s: &mut Session) {
        if let Some(rows) = self.load.poll_ok(&mut self.msg) {
            self.rows = rows;
        }
        if let Some(v) = self.mark.poll_ok(&mut self.msg) {
            self.msg = Some(Msg::ok(format!(
                "{} marcado como contactado: no se mostrará hasta su próximo vencimiento.",
                v.data.plate
            )));
            self.selected = None;
            s.changed();
        }
    }

    fn list(&mut self, ui: &mut Ui) {
        ui.heading("Recordatorios");
        ui.label(
            RichText::new(format!(
                "Vencen en los próximos {} días o ya vencieron",
                motordesk_core::REMINDER_DAYS
            ))
            .weak(),
        );
        let n = self.rows.len();
        let count = match n {
            1 => "1 vehículo".to_string(),
            n => format!("{n} vehículos"),
        };
        ui.label(RichText::new(count).weak());
        let row_h = 64.0;
        ui.spacing_mut().item_spacing.y = 4.0;
        egui::ScrollArea::vertical()
            .id_salt("reminder_rows")
            .auto_shrink(false)
            .show_rows(ui, row_h, n, |ui, range| {
                for r in &self.rows[range] {
                    let sel = self.selected == Some(r.vehicle.id);
                    if list_row(ui, r, sel, row_h).clicked() {
                        self.selected = Some(r.vehicle.id);
                        self.msg = None;
                    }
                }
            });
    }

    fn detail(&mut self, ui: &mut Ui, s: &mut Session, today: NaiveDate) {
        let Some(r) = self
            .rows
            .iter()
            .find(|r| Some(r.vehicle.id) == self.selected)
        else {
            let text = if self.load.busy() && self.loaded.is_some() && self.rows.is_empty() {
                "Buscando vencimientos…"
            } else {
                "No hay vencimientos esta semana: nadie a quien llamar."
            };
            ui.label(RichText::new(text).weak());
            return;
        };
        let v = &r.vehicle;
        let c = contact(r, &shop_name(s), today);
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(v.plate.display())
                    .size(30.0)
                    .strong()
                    .monospace(),
            );
            ui.label(RichText::new(format!("{} {}", v.brand, v.model)).size(22.0));
        });
        if let Some((name, phone)) = &r.owner {
            ui.label(format!(
                "Propietario: {name} · Teléfono: {}",
                if phone.trim().is_empty() {
                    "—"
                } else {
                    phone
                }
            ));
        }
        match &c.link {
            Ok((mobile, _)) => {
                ui.label(
                    RichText::new(format!("WhatsApp: {}", shown_mobile(mobile)))
                        .color(widgets::tone_colour(Tone::Ok))
                        .strong(),
                );
            }
            Err(why) => {
                ui.add(
                    egui::Label::new(
                        RichText::new(why)
                            .color(widgets::tone_colour(Tone::Error))
                            .strong(),
                    )
                    .wrap(),
                );
            }
        }
        // One pill a row, as in Flota: a pill cannot wrap, and two side by side squeezed
        // the second into three lines at 1024×768.
        for a in &r.due {
            widgets::badge(ui, &a.texto(), urgency_colour(a.urgency));
        }
        // Earlier calls about this vehicle's other items.
        for m in &v.contacted {
            ui.add(egui::Label::new(RichText::new(m.texto()).weak()).wrap());
        }
        ui.add_space(6.0);
        let due: Vec<AlertKind> = r.due.iter().map(|a| a.kind.clone()).collect();
        let vid = v.id;
        let overdue = r.due.iter().any(|a| a.urgency == Urgency::Overdue);
        let mut mark = false;
        ui.horizontal(|ui| {
            if let Ok((_, link)) = &c.link {
                self.qr_ui(ui, link);
            }
            ui.vertical(|ui| {
                mark = ui
                    .add_enabled_ui(!self.mark.busy(), |ui| {
                        widgets::big_button(
                            ui,
                            "Marcar contactado",
                            Some(widgets::tone_colour(Tone::Ok)),
                            230.0,
                        )
                    })
                    .inner
                    .clicked();
                if let Ok((_, link)) = &c.link
                    && ui
                        .add(Button::new("Copiar enlace").min_size(vec2(230.0, theme::TOUCH)))
                        .clicked()
                {
                    ui.ctx().copy_text(link.clone());
                    self.msg = Some(Msg::ok("Enlace de WhatsApp copiado."));
                }
                if ui
                    .add(Button::new("Copiar mensaje").min_size(vec2(230.0, theme::TOUCH)))
                    .clicked()
                {
                    ui.ctx().copy_text(c.message.clone());
                    self.msg = Some(Msg::ok("Mensaje copiado."));
                }
                if c.link.is_ok() {
                    ui.add(
                        egui::Label::new(
                            RichText::new(
                                "Escanee el código con su celular: abre WhatsApp con el mensaje.",
                            )
                            .weak(),
                        )
                        .wrap(),
                    );
                }
            });
        });
        if mark {
            let store = s.store.clone();
            let by = s.user.username.clone();
            self.msg = None;
            self.mark
                .start(ui.ctx(), move || store.mark_contacted(vid, &due, &by));
        }
        ui.add_space(6.0);
        ui.label(RichText::new("Mensaje").strong());
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.add(egui::Label::new(c.message.as_str()).wrap());
        });
        if let Ok((_, link)) = &c.link {
            ui.label(RichText::new("Enlace").strong());
            ui.add(
                egui::Label::new(RichText::new(link).monospace().size(13.0))
                    .wrap()
                    .selectable(true),
            );
        }
        if overdue {
            ui.label(
                RichText::new("Vencido: ofrezca atenderlo hoy mismo.")
                    .color(urgency_colour(Urgency::Overdue)),
            );
        }
    }

    /// The link as a QR, dark on white with a quiet zone, whatever the theme: phones
    /// read dark modules on a light ground.
    fn qr_ui(&mut self, ui: &mut Ui, link: &str) {
        if self.qr.as_ref().is_none_or(|(l, _)| l != link) {
            self.qr = Some((link.to_string(), screen_qr(link)));
        }
        let Some((_, Some(m))) = &self.qr else {
            ui.label(RichText::new("El enlace es demasiado largo para un código QR.").weak());
            return;
        };
        // Whole points per module (at least 2; 3 at 1024×768 for the demo's 361-byte
        // link: version 12, 65 modules) with a quiet zone of 4 modules each side.
        let quiet = m.width as f32 + 8.0;
        let module = ((ui.available_width() - BUTTONS_W).min(QR_MAX) / quiet)
            .floor()
            .max(2.0);
        let (rect, resp) =
            ui.allocate_exact_size(vec2(quiet, quiet) * module, egui::Sense::hover());
        resp.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::Image, true, "Código QR del enlace de WhatsApp")
        });
        let p = ui.painter_at(rect);
        p.rect_filled(rect, 4.0, Color32::WHITE);
        let side = module * m.width as f32;
        let origin = rect.center() - vec2(side, side) / 2.0;
        let origin = egui::pos2(origin.x.round(), origin.y.round());
        for (row, col, len) in m.dark_runs() {
            let min = origin + vec2(col as f32 * module, row as f32 * module);
            p.rect_filled(
                egui::Rect::from_min_size(min, vec2(len as f32 * module, module)),
                0.0,
                Color32::BLACK,
            );
        }
    }
}

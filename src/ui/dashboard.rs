//! Resumen: the manager's view of the shop's sales, from the local store, offline.
//! Today's sales by hour and the last 30 days as bar charts (egui_plot), then the payment
//! mix and the best services and products as labelled bar rows, for today or the 30 days.
//!
//! Administrators only (`Session::may_open`). The figures are added up on a worker
//! (`Store::dashboard`, which reads only documents it has not seen) and kept; a new
//! revision of the store (a sale, a pull) or a new day starts another refresh while the
//! old figures stay on screen. Before the first answer the panel says "Calculando…".
//!
//! Every bar and row carries an accessible label with its figure ("09:00 a 09:59: S/
//! 360.50"), which a finger's tap also shows as a tooltip.

use crate::store::{RecentSales, StoreResult};
use crate::ui::session::Session;
use crate::ui::widgets::{self, Msg};
use crate::ui::worker::Job;
use chrono::{Datelike, NaiveDate};
use egui::{Align2, Color32, FontId, Rect, RichText, Sense, Ui, WidgetInfo, pos2, vec2};
use egui_plot::{Bar, BarChart, GridMark, Plot, PlotPoint, uniform_grid_spacer};
use motordesk_core::{Dashboard, ItemTotal, PeriodFigures, soles, thousands};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::ops::RangeInclusive;
use std::sync::{Arc, Mutex, PoisonError};

/// Which period the mix and the top lists show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Period {
    #[default]
    Today,
    Month,
}

/// How the top lists are ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Order {
    #[default]
    Amount,
    Quantity,
}

#[derive(Default)]
pub(super) struct ResumenPanel {
    /// The documents of the window, kept between refreshes; only the worker locks it.
    recent: Arc<Mutex<RecentSales>>,
    figures: Option<Dashboard>,
    /// The store revision and the day the last refresh started for.
    asked: Option<(u64, NaiveDate)>,
    job: Job<StoreResult<Dashboard>>,
    period: Period,
    order: Order,
    msg: Option<Msg>,
}

const CHART_H: f32 = 180.0;
const ROW_H: f32 = 50.0;
const TEXT: f32 = 18.0;

impl ResumenPanel {
    pub(super) fn ui(&mut self, ui: &mut Ui, s: &mut Session) {
        if let Some(d) = self.job.poll_ok(&mut self.msg) {
            self.figures = Some(d);
            self.msg = None;
        }
        let today = s.today();
        if self.asked != Some((s.revision, today)) && !self.job.busy() {
            let store = s.store.clone();
            let recent = self.recent.clone();
            self.job.start(ui.ctx(), move || {
                let mut recent = recent.lock().unwrap_or_else(PoisonError::into_inner);
                store.dashboard(&mut recent, today)
            });
            self.asked = Some((s.revision, today));
        }
        ui.horizontal_wrapped(|ui| {
            ui.heading("Resumen");
            ui.label(RichText::new(long_date(today)).color(weak(ui)));
            if self.job.busy() {
                ui.spinner();
            }
        });
        widgets::maybe_message(ui, &self.msg);
        let Some(d) = &self.figures else {
            ui.add_space(24.0);
            ui.label(RichText::new("Calculando…").size(24.0));
            return;
        };
        egui::ScrollArea::vertical()
            .id_salt("resumen_scroll")
            .auto_shrink(false)
            .show(ui, |ui| {
                // Clear of the scroll bar, which floats over the content's right edge.
                ui.set_max_width(ui.available_width() - 14.0);
                ui.horizontal_wrapped(|ui| {
                    total_card(ui, "Ventas de hoy", &d.today);
                    ui.add_space(16.0);
                    total_card(ui, "Últimos 30 días", &d.month);
                });
                ui.add_space(8.0);
                if ui.available_width() >= 700.0 {
                    ui.columns(2, |cols| {
                        hours_chart(&mut cols[0], d);
                        days_chart(&mut cols[1], d);
                    });
                } else {
                    hours_chart(ui, d);
                    days_chart(ui, d);
                }
                ui.add_space(8.0);
                ui.horizontal_wrapped(|ui| {
                    for (p, text) in [(Period::Today, "Hoy"), (Period::Month, "30 días")] {
                        if widgets::choice(ui, self.period == p, text).clicked() {
                            self.period = p;
                        }
                    }
                    ui.add_space(24.0);
                    for (o, text) in [
                        (Order::Amount, "Por monto"),
                        (Order::Quantity, "Por cantidad"),
                    ] {
                        if widgets::choice(ui, self.order == o, text).clicked() {
                            self.order = o;
                        }
                    }
                });
                ui.add_space(8.0);
                let fig = match self.period {
                    Period::Today => &d.today,
                    Period::Month => &d.month,
                };
                let order = self.order;
                ui.columns(3, |cols| {
                    payment_mix(&mut cols[0], fig);
                    top_list(&mut cols[1], "Servicios más vendidos", fig, true, order);
                    top_list(&mut cols[2], "Productos más vendidos", fig, false, order);
                });
            });
    }
}

/// Secondary text. Colours come from the visuals the theme set from its palette (blue:
/// hyperlink, red: error, amber: warning), so both themes keep their contrast.
fn weak(ui: &Ui) -> Color32 {
    ui.visuals().weak_text_color()
}

/// "1 comprobante", "1,204 comprobantes".
fn documents_text(n: u64) -> String {
    if n == 1 {
        "1 comprobante".into()
    } else {
        format!("{} comprobantes", thousands(n))
    }
}

fn total_card(ui: &mut Ui, title: &str, p: &PeriodFigures) {
    egui::Frame::new()
        .fill(ui.visuals().faint_bg_color)
        .corner_radius(8.0)
        .inner_margin(vec2(16.0, 10.0))
        .show(ui, |ui| {
            ui.vertical(|ui| {
                ui.label(RichText::new(title).color(weak(ui)));
                // Amount and count on one line: the lists below need the height at 768 px.
                ui.horizontal(|ui| {
                    ui.label(RichText::new(soles(p.total)).size(28.0).strong());
                    ui.label(documents_text(p.documents));
                });
            });
        });
}

const WEEKDAYS: [&str; 7] = ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"];
const WEEKDAYS_LONG: [&str; 7] = [
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
];
const MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// "lunes 7 de diciembre de 2026".
fn long_date(d: NaiveDate) -> String {
    format!(
        "{} {} de {} de {}",
        WEEKDAYS_LONG[d.weekday().num_days_from_monday() as usize],
        d.day(),
        MONTHS[d.month0() as usize],
        d.year()
    )
}

/// "lun 07/12".
fn short_date(d: NaiveDate) -> String {
    format!(
        "{} {}",
        WEEKDAYS[d.weekday().num_days_from_monday() as usize],
        d.format("%d/%m")
    )
}

/// Money on a chart's axis: the ticks are positions on the screen, not amounts the
/// shop owes anyone, so a float is fine here (every figure shown as text is exact).
fn axis_money(mark: GridMark, _range: &RangeInclusive<f64>) -> String {
    let v = mark.value.round();
    let n = thousands(v.abs() as u64);
    if v < 0.0 {
        format!("-S/ {n}")
    } else {
        format!("S/ {n}")
    }
}

fn height_of(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// One bar of a chart: where it stands, its figure, and what it says.
struct BarSpec {
    x: f64,
    value: Decimal,
    label: String,
    colour: Color32,
}

/// A bar chart that does not take the finger (the panel scrolls under it), with an
/// accessible, tappable label on every bar that has a figure.
fn bar_chart(
    ui: &mut Ui,
    id: &str,
    bars: &[BarSpec],
    x_range: (f64, f64),
    x_steps: [f64; 3],
    x_text: impl Fn(f64) -> String + 'static,
) {
    let negative = ui.visuals().error_fg_color;
    let chart = BarChart::new(
        id,
        bars.iter()
            .map(|b| {
                Bar::new(b.x, height_of(b.value))
                    .width(0.7)
                    .fill(if b.value < Decimal::ZERO {
                        negative
                    } else {
                        b.colour
                    })
                    .name(&b.label)
            })
            .collect(),
    )
    .allow_hover(false);
    let plot = Plot::new(id)
        .height(CHART_H)
        .sense(Sense::hover())
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_x(false)
        .show_y(false)
        .show_grid([false, true])
        .include_x(x_range.0 - 0.6)
        .include_x(x_range.1 + 0.6)
        .include_y(0.0)
        .y_axis_min_width(64.0)
        .y_axis_formatter(axis_money)
        .x_grid_spacer(uniform_grid_spacer(move |_| x_steps))
        .x_axis_formatter(move |mark, _| {
            if mark.value.fract() == 0.0 {
                x_text(mark.value)
            } else {
                String::new()
            }
        });
    let shown = plot.show(ui, |p| p.bar_chart(chart));
    for (i, b) in bars.iter().enumerate().filter(|(_, b)| !b.value.is_zero()) {
        let rect = shown.transform.rect_from_values(
            &PlotPoint::new(b.x - 0.35, 0.0),
            &PlotPoint::new(b.x + 0.35, height_of(b.value)),
        );
        // A thin bar is still something a finger can find.
        let rect =
            Rect::from_center_size(rect.center(), vec2(rect.width(), rect.height().max(12.0)));
        let r = ui
            .interact(rect, ui.make_persistent_id((id, i)), Sense::hover())
            .on_hover_text(&b.label);
        r.widget_info(|| WidgetInfo::labeled(egui::Role::Image, true, &b.label));
    }
}

fn hours_chart(ui: &mut Ui, d: &Dashboard) {
    ui.label(RichText::new("Ventas de hoy por hora").strong());
    // The shop's usual day, widened to any hour that sold.
    let sold: Vec<usize> = (0..24).filter(|h| !d.hours[*h].is_zero()).collect();
    let first = sold.first().copied().unwrap_or(8).min(8);
    let last = sold.last().copied().unwrap_or(19).max(19);
    let bars: Vec<BarSpec> = (first..=last)
        .map(|h| BarSpec {
            x: h as f64,
            value: d.hours[h],
            label: format!("{h:02}:00 a {h:02}:59: {}", soles(d.hours[h])),
            colour: ui.visuals().hyperlink_color,
        })
        .collect();
    bar_chart(
        ui,
        "resumen_horas",
        &bars,
        (first as f64, last as f64),
        [1.0, 2.0, 6.0],
        |x| format!("{}h", x as i64),
    );
}

fn days_chart(ui: &mut Ui, d: &Dashboard) {
    ui.label(RichText::new("Últimos 30 días").strong());
    let last = d.days.len().saturating_sub(1);
    let today_colour = ui.visuals().warn_fg_color;
    let bars: Vec<BarSpec> = d
        .days
        .iter()
        .enumerate()
        .map(|(i, day)| BarSpec {
            x: i as f64,
            value: day.total,
            label: format!(
                "{}: {} ({})",
                short_date(day.date),
                soles(day.total),
                documents_text(day.documents)
            ),
            // Today stands out (amber) from the days before it.
            colour: if i == last {
                today_colour
            } else {
                ui.visuals().hyperlink_color
            },
        })
        .collect();
    let dates: Vec<NaiveDate> = d.days.iter().map(|day| day.date).collect();
    // Marks a week apart.
    bar_chart(
        ui,
        "resumen_dias",
        &bars,
        (0.0, last as f64),
        [1.0, 7.0, 14.0],
        move |x| {
            dates
                .get(x as usize)
                .map(|d| d.format("%d/%m").to_string())
                .unwrap_or_default()
        },
    );
}

/// One labelled bar row: the name and a note on the first line, a bar as long as
/// `share` (0..=1) and the amount on the second. `label` is what a screen reader (and a
/// test) reads.
fn bar_row(
    ui: &mut Ui,
    name: &str,
    note: &str,
    share: f32,
    amount: &str,
    colour: Color32,
    label: &str,
) {
    let width = ui.available_width();
    let (rect, r) = ui.allocate_exact_size(vec2(width, ROW_H), Sense::hover());
    let p = ui.painter_at(rect);
    let text = ui.visuals().text_color();
    let font = FontId::proportional(TEXT);
    let note_w = if note.is_empty() {
        0.0
    } else {
        p.text(
            rect.right_top(),
            Align2::RIGHT_TOP,
            note,
            font.clone(),
            weak(ui),
        )
        .width()
            + 8.0
    };
    let name_job = egui::text::LayoutJob {
        wrap: egui::text::TextWrapping::truncate_at_width((width - note_w).max(40.0)),
        ..egui::text::LayoutJob::simple_singleline(name.to_string(), font.clone(), text)
    };
    let galley = ui.fonts_mut(|f| f.layout_job(name_job));
    p.galley(rect.left_top(), galley, text);
    let amount_w = p
        .text(
            rect.right_bottom() - vec2(0.0, 2.0),
            Align2::RIGHT_BOTTOM,
            amount,
            font,
            text,
        )
        .width();
    let bar_max = (width - amount_w - 12.0).max(0.0);
    let bar = Rect::from_min_size(
        pos2(rect.left(), rect.bottom() - 18.0),
        vec2((bar_max * share.clamp(0.0, 1.0)).max(2.0), 14.0),
    );
    p.rect_filled(bar, 3.0, colour);
    r.on_hover_text(label)
        .widget_info(|| WidgetInfo::labeled(egui::Role::ListItem, true, label));
}

fn share(part: Decimal, whole: Decimal) -> f32 {
    if whole <= Decimal::ZERO {
        0.0
    } else {
        (part.abs() / whole).to_f32().unwrap_or(0.0)
    }
}

/// How the money came in: net per method (a split counted per part, refunds taken off),
/// then what was sold on credit.
fn payment_mix(ui: &mut Ui, p: &PeriodFigures) {
    ui.label(RichText::new("Medios de pago").strong());
    let mix = p.payment_mix();
    if mix.is_empty() {
        ui.label(RichText::new("Sin ventas").color(weak(ui)));
        return;
    }
    let whole: Decimal = mix.iter().map(|(_, v)| v.abs()).sum();
    for (key, value) in mix {
        let pct = (share(value, whole) * 100.0).round();
        let name = key.label();
        let colour = if value < Decimal::ZERO {
            ui.visuals().error_fg_color
        } else {
            ui.visuals().hyperlink_color
        };
        bar_row(
            ui,
            name,
            &format!("{pct:.0} %"),
            share(value, whole),
            &soles(value),
            colour,
            &format!("{name}: {} ({pct:.0} %)", soles(value)),
        );
    }
}

/// "× 2", "× 1.5".
fn quantity_text(q: Decimal) -> String {
    format!("× {}", q.normalize())
}

fn top_list(ui: &mut Ui, title: &str, p: &PeriodFigures, services: bool, order: Order) {
    ui.label(RichText::new(title).strong());
    let ranking = if services { &p.services } else { &p.products };
    let items: &[ItemTotal] = match order {
        Order::Amount => &ranking.by_amount,
        Order::Quantity => &ranking.by_quantity,
    };
    if items.is_empty() {
        ui.label(RichText::new("Sin ventas").color(weak(ui)));
        return;
    }
    let metric = |i: &ItemTotal| match order {
        Order::Amount => i.amount,
        Order::Quantity => i.quantity,
    };
    let best = items.iter().map(metric).max().unwrap_or_default();
    for item in items {
        let qty = quantity_text(item.quantity);
        bar_row(
            ui,
            &item.name,
            &qty,
            share(metric(item), best),
            &soles(item.amount),
            ui.visuals().hyperlink_color,
            &format!("{}: {} {qty}", item.name, soles(item.amount)),
        );
    }
}

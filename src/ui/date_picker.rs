//! The touch calendar for date fields (SOAT, revisión técnica): the dd/mm/aaaa field
//! stays (typed on the on-screen date keys, or a keyboard), and a calendar button beside
//! it opens a month grid with big day cells, ◀ ▶ for the month, a year quick-pick,
//! today marked and "Sin fecha" to clear. Choosing a day writes dd/mm/aaaa into the same
//! text, so the panel's own parsing and refusal messages do not change.
//!
//! The calendar arithmetic (leap years, days in a month, the weekday of the 1st, the
//! six-week grid) is plain functions here, tested against chrono over three centuries.

use crate::ui::theme;
use egui::{Button, Id, Response, RichText, Role, TextEdit, Ui, WidgetInfo, vec2};

/// Gregorian leap year.
pub(super) fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1–12) of `year`.
pub(super) fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

/// The weekday of the 1st of `month` (1–12) of `year`, Monday = 0 … Sunday = 6 (a
/// Peruvian calendar starts its weeks on Monday). Sakamoto's method.
pub(super) fn weekday_of_first(year: i32, month: u32) -> u32 {
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if month < 3 { year - 1 } else { year };
    // Sunday = 0 here.
    let sunday_based =
        (y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400) + T[(month - 1) as usize] + 1)
            .rem_euclid(7);
    ((sunday_based + 6) % 7) as u32
}

/// Six weeks of seven cells, Monday first: the day number in its cell, `None` outside
/// the month. Six rows always fit (a 31-day month starting on Sunday needs them all).
pub(super) fn month_grid(year: i32, month: u32) -> [Option<u32>; 42] {
    let mut cells = [None; 42];
    let first = weekday_of_first(year, month) as usize;
    for day in 1..=days_in_month(year, month) {
        cells[first + day as usize - 1] = Some(day);
    }
    cells
}

/// `month` of `year` moved by `delta` months.
pub(super) fn add_months(year: i32, month: u32, delta: i32) -> (i32, u32) {
    let index = year * 12 + month as i32 - 1 + delta;
    (index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
}

const MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "setiembre",
    "octubre",
    "noviembre",
    "diciembre",
];
const WEEKDAYS: [&str; 7] = ["Lu", "Ma", "Mi", "Ju", "Vi", "Sá", "Do"];
/// A day cell: bigger than the touch minimum, seven fit in 7 × 62 = 434 px.
const CELL: f32 = 58.0;
/// "dd/mm/aaaa" is ten characters: the field takes no more.
const DATE_CHARS: usize = 10;
/// Years shown at once by the quick-pick (a 4 × 3 grid).
const YEARS_SHOWN: i32 = 12;

/// The open calendar of one field.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Open {
    year: i32,
    month: u32,
    /// The year quick-pick is showing, from this year.
    years_from: Option<i32>,
}

/// A date field: the label, then the dd/mm/aaaa text (the on-screen keyboard gives it
/// the date keys, from its label) with a calendar button right beside it. Returns the
/// text field's response.
pub(super) fn date_field(ui: &mut Ui, label: &str, text: &mut String, width: f32) -> Response {
    // Start a new row when field and button no longer fit (as `widgets::field` does).
    if ui.layout().main_wrap
        && ui.layout().is_horizontal()
        && ui.available_size_before_wrap().x < width + CELL + 24.0
    {
        ui.end_row();
    }
    let id = ui.make_persistent_id(("date_picker", label));
    let field = ui
        .vertical(|ui| {
            ui.spacing_mut().item_spacing.y = 4.0;
            let l = ui.label(label);
            ui.horizontal(|ui| {
                let field = ui
                    .add(
                        TextEdit::singleline(text)
                            .desired_width(width)
                            .margin(vec2(8.0, 10.0))
                            .char_limit(DATE_CHARS),
                    )
                    .labelled_by(l.id);
                crate::ui::osk::attach(ui, &field, label);
                let button = ui.add(
                    Button::new("").min_size(vec2(CELL, field.rect.height().max(theme::TOUCH))),
                );
                paint_calendar_icon(ui, &button);
                let name = format!("Calendario: {label}");
                button.widget_info(|| WidgetInfo::labeled(Role::Button, true, &name));
                if button.clicked() {
                    use chrono::Datelike;
                    let shown = parse(text)
                        .unwrap_or_else(|| motordesk_core::lima_date(chrono::Utc::now()));
                    let open = Open {
                        year: shown.year(),
                        month: shown.month(),
                        years_from: None,
                    };
                    ui.data_mut(|d| d.insert_temp(id, open));
                }
                field
            })
            .inner
        })
        .inner;
    calendar(ui, id, label, text);
    field
}

/// A small calendar drawn on `button` (the kiosk's fonts have no calendar glyph): a
/// page with a header band, two rings and a grid of days.
fn paint_calendar_icon(ui: &Ui, button: &Response) {
    let colour = ui.style().interact(button).fg_stroke.color;
    let painter = ui.painter();
    let page = egui::Rect::from_center_size(button.rect.center(), vec2(28.0, 26.0));
    painter.rect_stroke(
        page,
        3.0,
        egui::Stroke::new(2.0, colour),
        egui::StrokeKind::Inside,
    );
    let band = egui::Rect::from_min_max(page.min, egui::pos2(page.max.x, page.min.y + 7.0));
    painter.rect_filled(band, 3.0, colour);
    for x in [page.min.x + 8.0, page.max.x - 8.0] {
        painter.line_segment(
            [
                egui::pos2(x, page.min.y - 3.0),
                egui::pos2(x, page.min.y + 3.0),
            ],
            egui::Stroke::new(2.0, colour),
        );
    }
    for row in 0..3 {
        for col in 0..4 {
            let c = egui::pos2(
                page.min.x + 5.5 + col as f32 * 5.7,
                page.min.y + 11.5 + row as f32 * 4.8,
            );
            painter.rect_filled(egui::Rect::from_center_size(c, vec2(3.0, 3.0)), 0.0, colour);
        }
    }
}

fn parse(text: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%d/%m/%Y").ok()
}

/// The calendar of field `id` while it is open: a modal over the form.
fn calendar(ui: &mut Ui, id: Id, label: &str, text: &mut String) {
    use chrono::Datelike;
    let Some(mut open) = ui.data(|d| d.get_temp::<Open>(id)) else {
        return;
    };
    let today = motordesk_core::lima_date(chrono::Utc::now());
    let chosen = parse(text);
    let mut close = false;
    let modal = egui::Modal::new(id.with("modal")).show(ui.ctx(), |ui| {
        ui.spacing_mut().item_spacing = vec2(4.0, 4.0);
        // The kiosk's 16 px button padding would make "22" wider than its cell.
        ui.spacing_mut().button_padding = vec2(6.0, 6.0);
        let grid_width = 7.0 * CELL + 6.0 * 4.0;
        ui.set_width(grid_width);
        // The field's label without its format hint: "SOAT vence".
        let title = label.split(" (").next().unwrap_or(label);
        ui.label(RichText::new(title).size(22.0).strong());
        ui.horizontal(|ui| {
            let step = |ui: &mut Ui, face: &str, name: &str| {
                let r = ui.add_sized(
                    vec2(CELL * 1.3, theme::TOUCH),
                    Button::new(RichText::new(face).size(24.0)),
                );
                r.widget_info(|| WidgetInfo::labeled(Role::Button, true, name));
                r.clicked()
            };
            let years = open.years_from;
            let (back, forward) = if years.is_some() {
                ("Años anteriores", "Años siguientes")
            } else {
                ("Mes anterior", "Mes siguiente")
            };
            if step(ui, "◀", back) {
                match years {
                    Some(from) => open.years_from = Some(from - YEARS_SHOWN),
                    None => (open.year, open.month) = add_months(open.year, open.month, -1),
                }
            }
            // The month and year in the middle; touching it opens the year quick-pick.
            let middle = grid_width - 2.0 * (CELL * 1.3) - 8.0;
            let heading = format!("{} {}", MONTHS[(open.month - 1) as usize], open.year);
            let r = ui.add_sized(
                vec2(middle, theme::TOUCH),
                Button::new(RichText::new(&heading).size(22.0).strong()).selected(years.is_some()),
            );
            r.widget_info(|| {
                WidgetInfo::labeled(Role::Button, true, format!("Elegir año: {heading}"))
            });
            if r.clicked() {
                open.years_from = match years {
                    Some(_) => None,
                    None => Some(open.year - 1),
                };
            }
            if step(ui, "▶", forward) {
                match years {
                    Some(from) => open.years_from = Some(from + YEARS_SHOWN),
                    None => (open.year, open.month) = add_months(open.year, open.month, 1),
                }
            }
        });
        // The days and the year quick-pick take the same height (a little more than the
        // weekday row and six weeks), so the buttons under them do not jump.
        let body_height = 24.0 + 6.0 * (CELL + 4.0) + 12.0;
        ui.vertical(|ui| {
            ui.set_min_height(body_height);
            if let Some(from) = open.years_from {
                // The year quick-pick in place of the days: a 4 × 3 grid.
                let w = (grid_width - 3.0 * 4.0) / 4.0;
                for row in 0..3 {
                    ui.horizontal(|ui| {
                        for col in 0..4 {
                            let y = from + row * 4 + col;
                            let r = ui.add_sized(
                                vec2(w, 88.0),
                                Button::new(RichText::new(y.to_string()).size(22.0))
                                    .selected(y == open.year),
                            );
                            r.widget_info(|| {
                                WidgetInfo::labeled(Role::Button, true, format!("Año {y}"))
                            });
                            if r.clicked() {
                                open.year = y;
                                open.years_from = None;
                            }
                        }
                    });
                }
            } else {
                ui.horizontal(|ui| {
                    for d in WEEKDAYS {
                        ui.add_sized(
                            vec2(CELL, 24.0),
                            egui::Label::new(RichText::new(d).strong()),
                        );
                    }
                });
                let cells = month_grid(open.year, open.month);
                for week in cells.chunks(7) {
                    ui.horizontal(|ui| {
                        for cell in week {
                            let Some(day) = *cell else {
                                ui.allocate_exact_size(vec2(CELL, CELL), egui::Sense::hover());
                                continue;
                            };
                            let date = chrono::NaiveDate::from_ymd_opt(open.year, open.month, day);
                            let is_today = date == Some(today);
                            let mut face = RichText::new(day.to_string()).size(22.0);
                            if is_today {
                                face = face.strong().underline();
                            }
                            let mut b =
                                Button::new(face).selected(date.is_some() && date == chosen);
                            if is_today {
                                b = b.stroke(egui::Stroke::new(
                                    3.0,
                                    ui.visuals().strong_text_color(),
                                ));
                            }
                            // Exactly one cell, so the columns stay under their weekday.
                            let r = ui.add_sized(vec2(CELL, CELL), b);
                            let name = format!(
                                "{day} de {} de {}{}",
                                MONTHS[(open.month - 1) as usize],
                                open.year,
                                if is_today { " (hoy)" } else { "" }
                            );
                            r.widget_info(|| WidgetInfo::labeled(Role::Button, true, &name));
                            if r.clicked()
                                && let Some(d) = date
                            {
                                *text = d.format("%d/%m/%Y").to_string();
                                close = true;
                            }
                        }
                    });
                }
            }
        });
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            let w = (grid_width - 2.0 * 4.0) / 3.0;
            if ui
                .add_sized(vec2(w, theme::TOUCH), Button::new("Sin fecha"))
                .clicked()
            {
                text.clear();
                close = true;
            }
            if ui
                .add_sized(vec2(w, theme::TOUCH), Button::new("Hoy"))
                .clicked()
            {
                (open.year, open.month, open.years_from) = (today.year(), today.month(), None);
            }
            let r = ui.add_sized(vec2(w, theme::TOUCH), Button::new("Cerrar"));
            r.widget_info(|| WidgetInfo::labeled(Role::Button, true, "Cerrar calendario"));
            if r.clicked() {
                close = true;
            }
        });
    });
    if close || modal.should_close() {
        ui.data_mut(|d| d.remove::<Open>(id));
    } else {
        ui.data_mut(|d| d.insert_temp(id, open));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, NaiveDate};

    #[test]
    fn leap_years_follow_the_gregorian_rule() {
        assert!(is_leap(2024) && is_leap(2000) && is_leap(2400));
        assert!(!is_leap(2023) && !is_leap(1900) && !is_leap(2100));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2026, 9), 30);
        assert_eq!(days_in_month(2026, 12), 31);
    }

    #[test]
    fn month_lengths_and_first_weekdays_match_chrono_for_three_centuries() {
        for year in 1900..=2200 {
            for month in 1..=12 {
                let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap();
                let next = NaiveDate::from_ymd_opt(
                    if month == 12 { year + 1 } else { year },
                    if month == 12 { 1 } else { month + 1 },
                    1,
                )
                .unwrap();
                assert_eq!(
                    days_in_month(year, month) as i64,
                    (next - first).num_days(),
                    "{year}-{month}"
                );
                assert_eq!(
                    weekday_of_first(year, month),
                    first.weekday().num_days_from_monday(),
                    "{year}-{month}"
                );
            }
        }
    }

    #[test]
    fn the_grid_puts_each_day_under_its_weekday() {
        // December 2026 starts on a Tuesday (7 December 2026 is a Monday).
        let g = month_grid(2026, 12);
        assert_eq!(&g[..3], &[None, Some(1), Some(2)]);
        assert_eq!(g[7], Some(7));
        assert_eq!(g.iter().flatten().count(), 31);
        // A 31-day month starting on Sunday uses the sixth week.
        assert_eq!(weekday_of_first(2026, 3), 6);
        let g = month_grid(2026, 3);
        assert_eq!((g[6], g[36], g[37]), (Some(1), Some(31), None));
        // February 2021: 28 days from a Monday, exactly four weeks.
        let g = month_grid(2021, 2);
        assert_eq!((g[0], g[27], g[28]), (Some(1), Some(28), None));
    }

    #[test]
    fn months_step_across_years() {
        assert_eq!(add_months(2026, 12, 1), (2027, 1));
        assert_eq!(add_months(2026, 1, -1), (2025, 12));
        assert_eq!(add_months(2026, 5, -17), (2024, 12));
        assert_eq!(add_months(2026, 5, 24), (2028, 5));
    }
}

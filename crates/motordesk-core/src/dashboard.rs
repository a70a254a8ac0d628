//! The manager's Resumen: what the shop sold today hour by hour, the last 30 days day by
//! day, its best services and products, and how it was paid. Pure arithmetic over small
//! per-document facts; the store gathers the facts, the kiosk draws the charts.
//!
//! The rules are the Z report's (`cash_drawer`), so both screens agree on the same day:
//! a credit note subtracts (at its own hour and day, from its own lines and methods), a
//! debit note and a nota de venta add, a split payment counts each part under its own
//! method (`ShiftTally::add`), and a factura on credit (cuotas) is a sale with no method.

use crate::document::DocumentKind;
use crate::invoice::{Invoice, PaymentTerms, Unit};
use crate::payment::{Payment, PaymentMethod};
use crate::time::{lima_date, to_lima};
use crate::{ShiftTally, fold};
use chrono::{DateTime, Days, NaiveDate, Timelike, Utc};
use rust_decimal::Decimal;

/// Days in the daily chart, today included.
pub const DASHBOARD_DAYS: u64 = 30;
/// Rows in each top list.
pub const TOP_ITEMS: usize = 5;

/// One line of a document as the Resumen counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactLine {
    /// The catalog product's id, or the folded description for a line typed by hand, so
    /// the same service sold from the catalog and renamed by hand stays one row only when
    /// it is the same product.
    pub key: String,
    pub name: String,
    /// Sold by the service unit (ZZ): labour, not goods.
    pub service: bool,
    pub quantity: Decimal,
    /// What the customer paid for the line, IGV and discounts included.
    pub amount: Decimal,
}

/// What one issued document brings to the Resumen (a few hundred bytes, kept for the
/// documents of the last 30 days only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleFact {
    pub issued_at: DateTime<Utc>,
    pub kind: DocumentKind,
    pub terms: PaymentTerms,
    pub payment: Payment,
    pub total: Decimal,
    pub lines: Vec<FactLine>,
}

impl SaleFact {
    pub fn of(inv: &Invoice) -> SaleFact {
        let lines = inv
            .lines
            .iter()
            .zip(&inv.totals.lines)
            .map(|(l, amounts)| FactLine {
                key: match l.product_id {
                    Some(id) => id.to_string(),
                    None => format!("~{}", fold(l.description.trim())),
                },
                name: l.description.trim().to_string(),
                service: l.unit == Unit::Servicio,
                quantity: l.quantity,
                amount: amounts.total,
            })
            .collect();
        SaleFact {
            issued_at: inv.issued_at,
            kind: inv.kind,
            terms: inv.terms.clone(),
            payment: inv.payment.clone(),
            total: inv.totals.total,
            lines,
        }
    }

    fn sign(&self) -> Decimal {
        if self.kind == DocumentKind::NotaDeCredito {
            Decimal::NEGATIVE_ONE
        } else {
            Decimal::ONE
        }
    }
}

/// A service or product and what it sold in a period (credit notes subtracted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemTotal {
    pub name: String,
    pub quantity: Decimal,
    pub amount: Decimal,
}

/// The best sellers of a period, two ways.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ranking {
    /// Most money first (at most `TOP_ITEMS`).
    pub by_amount: Vec<ItemTotal>,
    /// Most units first (at most `TOP_ITEMS`).
    pub by_quantity: Vec<ItemTotal>,
}

/// One method's share of the money in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MixKey {
    Method(PaymentMethod),
    /// Facturas sold on credit (cuotas): no money changed hands yet.
    OnCredit,
}

impl MixKey {
    pub fn label(self) -> &'static str {
        match self {
            MixKey::Method(m) => m.label(),
            MixKey::OnCredit => "Crédito (cuotas)",
        }
    }
}

/// The figures of one period (today, or the last 30 days).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PeriodFigures {
    /// Sales minus credit notes: the Z report's total for the same documents.
    pub total: Decimal,
    /// Documents counted, credit notes included (the Z report's count).
    pub documents: u64,
    /// Per payment method, exactly as the Z report adds them.
    pub tally: ShiftTally,
    pub services: Ranking,
    pub products: Ranking,
}

impl PeriodFigures {
    /// Net money per method (sales − refunds), then what was sold on credit; methods
    /// that moved nothing are left out.
    pub fn payment_mix(&self) -> Vec<(MixKey, Decimal)> {
        let mut out: Vec<(MixKey, Decimal)> = self
            .tally
            .methods
            .iter()
            .map(|m| (MixKey::Method(m.method), m.sales - m.refunds))
            .filter(|(_, v)| !v.is_zero())
            .collect();
        if !self.tally.on_credit.is_zero() {
            out.push((MixKey::OnCredit, self.tally.on_credit));
        }
        out
    }
}

/// Net sales of one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayTotal {
    pub date: NaiveDate,
    pub total: Decimal,
    pub documents: u64,
}

/// Everything the Resumen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    /// The day in Lima these figures are about.
    pub date: NaiveDate,
    /// Net sales of each hour of the day in Lima (index 0 = 00:00–00:59).
    pub hours: [Decimal; 24],
    /// The last `DASHBOARD_DAYS` days, oldest first; the last one is `date`.
    pub days: Vec<DayTotal>,
    pub today: PeriodFigures,
    pub month: PeriodFigures,
}

/// The first day the Resumen counts for `today`.
pub fn window_start(today: NaiveDate) -> NaiveDate {
    today
        .checked_sub_days(Days::new(DASHBOARD_DAYS - 1))
        .unwrap_or(today)
}

/// Midnight in Lima at the start of `window_start(today)`, in UTC: documents issued
/// before it are not counted.
pub fn window_start_utc(today: NaiveDate) -> DateTime<Utc> {
    // Lima is UTC−5 all year: its midnight is 05:00 UTC.
    window_start(today)
        .and_hms_opt(5, 0, 0)
        .map_or(DateTime::<Utc>::MIN_UTC, |t| t.and_utc())
}

/// Items of one period while they are being added up.
#[derive(Default)]
struct Items {
    rows: std::collections::HashMap<String, ItemTotal>,
}

impl Items {
    fn add(&mut self, line: &FactLine, sign: Decimal) {
        let row = self
            .rows
            .entry(line.key.clone())
            .or_insert_with(|| ItemTotal {
                name: line.name.clone(),
                quantity: Decimal::ZERO,
                amount: Decimal::ZERO,
            });
        row.quantity += sign * line.quantity;
        row.amount += sign * line.amount;
    }

    fn ranking(self) -> Ranking {
        // Items a credit note gave back entirely are not best sellers.
        let rows: Vec<ItemTotal> = self
            .rows
            .into_values()
            .filter(|r| r.amount > Decimal::ZERO || r.quantity > Decimal::ZERO)
            .collect();
        let top = |key: fn(&ItemTotal) -> (Decimal, Decimal)| {
            let mut v = rows.clone();
            // Ties by name, so the order never changes between refreshes.
            v.sort_by(|a, b| key(b).cmp(&key(a)).then_with(|| a.name.cmp(&b.name)));
            v.truncate(TOP_ITEMS);
            v
        };
        Ranking {
            by_amount: top(|r| (r.amount, r.quantity)),
            by_quantity: top(|r| (r.quantity, r.amount)),
        }
    }
}

#[derive(Default)]
struct Period {
    figures: PeriodFigures,
    services: Items,
    products: Items,
}

impl Period {
    fn add(&mut self, f: &SaleFact) {
        let sign = f.sign();
        self.figures.total += sign * f.total;
        self.figures.documents += 1;
        self.figures
            .tally
            .add(f.kind, &f.terms, &f.payment, f.total);
        for l in &f.lines {
            if l.service {
                self.services.add(l, sign);
            } else {
                self.products.add(l, sign);
            }
        }
    }

    fn finish(self) -> PeriodFigures {
        PeriodFigures {
            services: self.services.ranking(),
            products: self.products.ranking(),
            ..self.figures
        }
    }
}

/// Adds up `facts` for the Resumen of `today` (a day in Lima). Facts from before the
/// 30-day window or after `today` are skipped, so the caller may pass more.
pub fn summarize<'a>(facts: impl IntoIterator<Item = &'a SaleFact>, today: NaiveDate) -> Dashboard {
    let first = window_start(today);
    let mut days: Vec<DayTotal> = first
        .iter_days()
        .take_while(|d| *d <= today)
        .map(|date| DayTotal {
            date,
            total: Decimal::ZERO,
            documents: 0,
        })
        .collect();
    let mut hours = [Decimal::ZERO; 24];
    let mut today_p = Period::default();
    let mut month = Period::default();
    for f in facts {
        let date = lima_date(f.issued_at);
        if date < first || date > today {
            continue;
        }
        let net = f.sign() * f.total;
        let i = (date - first).num_days() as usize;
        if let Some(d) = days.get_mut(i) {
            d.total += net;
            d.documents += 1;
        }
        month.add(f);
        if date == today {
            hours[to_lima(f.issued_at).hour() as usize] += net;
            today_p.add(f);
        }
    }
    Dashboard {
        date: today,
        hours,
        days,
        today: today_p.finish(),
        month: month.finish(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::PaymentPart;
    use crate::{Cuota, MethodTotals};
    use rust_decimal_macros::dec;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn line(key: &str, service: bool, quantity: Decimal, amount: Decimal) -> FactLine {
        FactLine {
            key: key.into(),
            name: key.to_uppercase(),
            service,
            quantity,
            amount,
        }
    }

    fn fact(when: &str, kind: DocumentKind, payment: Payment, lines: Vec<FactLine>) -> SaleFact {
        SaleFact {
            issued_at: at(when),
            kind,
            terms: PaymentTerms::Contado,
            payment,
            total: lines.iter().map(|l| l.amount).sum(),
            lines,
        }
    }

    fn by(method: PaymentMethod) -> Payment {
        Payment {
            method,
            ..Default::default()
        }
    }

    fn split(parts: &[(PaymentMethod, Decimal)]) -> Payment {
        Payment {
            method: parts[0].0,
            received: None,
            parts: parts
                .iter()
                .map(|&(method, amount)| PaymentPart { method, amount })
                .collect(),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    }

    /// A morning of three sales and a credit note, one sale the day before, one outside
    /// the window and one an hour past Lima's midnight (still yesterday in UTC terms).
    fn morning() -> Vec<SaleFact> {
        use DocumentKind::*;
        use PaymentMethod::*;
        vec![
            // 09:15 Lima: oil change, cash.
            fact(
                "2026-12-07T14:15:00Z",
                Boleta,
                by(Efectivo),
                vec![
                    line("cambio", true, dec!(1), dec!(35)),
                    line("aceite", false, dec!(1), dec!(145.50)),
                ],
            ),
            // 09:40 Lima: split, S/ 50 cash + the rest by Yape.
            fact(
                "2026-12-07T14:40:00Z",
                Factura,
                split(&[(Efectivo, dec!(50)), (Yape, dec!(130))]),
                vec![
                    line("filtro", false, dec!(2), dec!(60)),
                    line("aceite", false, dec!(1), dec!(120)),
                ],
            ),
            // 11:05 Lima: the filters given back, in cash.
            fact(
                "2026-12-07T16:05:00Z",
                NotaDeCredito,
                by(Efectivo),
                vec![line("filtro", false, dec!(2), dec!(60))],
            ),
            // 00:30 Lima today (05:30 UTC).
            fact(
                "2026-12-07T05:30:00Z",
                Boleta,
                by(Tarjeta),
                vec![line("lavado", true, dec!(1), dec!(25))],
            ),
            // 23:30 Lima yesterday (04:30 UTC today).
            fact(
                "2026-12-07T04:30:00Z",
                Boleta,
                by(Plin),
                vec![line("lavado", true, dec!(1), dec!(25))],
            ),
            // 30 days ago: outside the window.
            fact(
                "2026-11-07T15:00:00Z",
                Boleta,
                by(Efectivo),
                vec![line("cambio", true, dec!(1), dec!(35))],
            ),
        ]
    }

    #[test]
    fn today_by_hour_subtracts_the_credit_note_at_its_own_hour() {
        let d = summarize(&morning(), today());
        assert_eq!(d.hours[0], dec!(25));
        assert_eq!(d.hours[9], dec!(35) + dec!(145.50) + dec!(180));
        assert_eq!(d.hours[11], dec!(-60));
        assert_eq!(d.hours.iter().sum::<Decimal>(), d.today.total);
        assert_eq!(d.today.total, dec!(325.50));
        assert_eq!(d.today.documents, 4);
    }

    #[test]
    fn the_last_thirty_days_end_today_and_skip_older_documents() {
        let d = summarize(&morning(), today());
        assert_eq!(d.days.len(), 30);
        assert_eq!(
            d.days[0].date,
            NaiveDate::from_ymd_opt(2026, 11, 8).unwrap()
        );
        assert_eq!(d.days[29].date, today());
        assert_eq!(d.days[29].total, dec!(325.50));
        assert_eq!(d.days[28].total, dec!(25), "23:30 in Lima is yesterday");
        assert_eq!(d.days.iter().map(|d| d.documents).sum::<u64>(), 5);
        assert_eq!(d.month.total, dec!(350.50));
        assert_eq!(window_start_utc(today()), at("2026-11-08T05:00:00Z"));
    }

    #[test]
    fn payment_mix_counts_each_part_of_a_split_and_nets_refunds_like_the_z_report() {
        let d = summarize(&morning(), today());
        use PaymentMethod::*;
        assert_eq!(
            d.today.tally.methods,
            [
                MethodTotals {
                    method: Efectivo,
                    sales: dec!(230.50),
                    refunds: dec!(60),
                },
                MethodTotals {
                    method: Tarjeta,
                    sales: dec!(25),
                    refunds: dec!(0),
                },
                MethodTotals {
                    method: Yape,
                    sales: dec!(130),
                    refunds: dec!(0),
                },
            ]
        );
        assert_eq!(
            d.today.payment_mix(),
            [
                (MixKey::Method(Efectivo), dec!(170.50)),
                (MixKey::Method(Tarjeta), dec!(25)),
                (MixKey::Method(Yape), dec!(130)),
            ]
        );
        let mix: Decimal = d.today.payment_mix().iter().map(|m| m.1).sum();
        assert_eq!(mix, d.today.total, "the mix adds up to the day");
        // The same documents through the Z report's own tally.
        let mut z = ShiftTally::default();
        for f in morning()
            .iter()
            .filter(|f| lima_date(f.issued_at) == today())
        {
            z.add(f.kind, &f.terms, &f.payment, f.total);
        }
        assert_eq!(d.today.tally, z);
    }

    #[test]
    fn top_lists_split_services_from_goods_and_credit_notes_give_back() {
        let d = summarize(&morning(), today());
        let names = |v: &[ItemTotal]| v.iter().map(|i| i.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&d.today.services.by_amount), ["CAMBIO", "LAVADO"]);
        // The filters were given back: not a best seller.
        assert_eq!(names(&d.today.products.by_amount), ["ACEITE"]);
        assert_eq!(d.today.products.by_amount[0].amount, dec!(265.50));
        assert_eq!(d.today.products.by_amount[0].quantity, dec!(2));
        // Over the month LAVADO sold twice (S/ 50) and CAMBIO once (S/ 35).
        assert_eq!(names(&d.month.services.by_amount), ["LAVADO", "CAMBIO"]);
        assert_eq!(names(&d.month.services.by_quantity), ["LAVADO", "CAMBIO"]);
    }

    #[test]
    fn quantity_and_amount_rank_differently_and_only_the_top_five_stay() {
        let mut facts = Vec::new();
        for (i, (q, a)) in [
            (10, 10),
            (1, 500),
            (3, 90),
            (2, 80),
            (4, 40),
            (5, 5),
            (6, 6),
        ]
        .into_iter()
        .enumerate()
        {
            facts.push(fact(
                "2026-12-07T15:00:00Z",
                DocumentKind::Boleta,
                by(PaymentMethod::Efectivo),
                vec![line(&format!("p{i}"), false, q.into(), a.into())],
            ));
        }
        let d = summarize(&facts, today());
        let names = |v: &[ItemTotal]| v.iter().map(|i| i.name.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&d.today.products.by_amount),
            ["P1", "P2", "P3", "P4", "P0"]
        );
        assert_eq!(
            names(&d.today.products.by_quantity),
            ["P0", "P6", "P5", "P4", "P2"]
        );
    }

    #[test]
    fn a_factura_on_credit_is_a_sale_without_a_method() {
        let mut f = fact(
            "2026-12-07T15:00:00Z",
            DocumentKind::Factura,
            by(PaymentMethod::Efectivo),
            vec![line("flota", true, dec!(1), dec!(800))],
        );
        f.terms = PaymentTerms::Credito {
            cuotas: vec![Cuota {
                amount: dec!(800),
                due: NaiveDate::from_ymd_opt(2027, 1, 6).unwrap(),
            }],
        };
        let d = summarize(&[f], today());
        assert_eq!(d.today.payment_mix(), [(MixKey::OnCredit, dec!(800))]);
        assert_eq!(d.today.total, dec!(800));
    }

    #[test]
    fn nothing_sold_is_thirty_empty_days() {
        let d = summarize(&[], today());
        assert_eq!(d.days.len(), 30);
        assert!(d.days.iter().all(|d| d.total.is_zero()));
        assert!(d.today.payment_mix().is_empty());
        assert_eq!(d.today.services, Ranking::default());
    }
}

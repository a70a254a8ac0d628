//! The Z report (Cierre de caja) on the thermal ticket (80 mm, or 58 mm when that is the
//! shop's paper; an A4 shop gets the 80 mm ticket): the shop, who closed and who
//! approved, the float, sales and credit notes per payment method, cash in and out,
//! expected against counted cash and the difference. Built from the sealed
//! `ShiftReport`, so a reprint from the history is the same ticket. Same blocks and
//! raster path as a receipt.

use crate::receipt::block::Block;
use crate::receipt::layout::{Align, Page, ReceiptLayout};
use crate::receipt::text::st;
use crate::store::{Paper, ShiftReport, ShopSettings};
use motordesk_core::{lima_display, soles};
use rust_decimal::Decimal;

/// The ticket of a closed shift (or of the shift under way, as "CORTE PARCIAL" when it
/// has no count yet).
pub fn z_report(report: &ShiftReport, s: &ShopSettings) -> ReceiptLayout {
    let paper = match s.receipt_format {
        Paper::Ticket58 => Paper::Ticket58,
        Paper::Ticket80 | Paper::A4 => Paper::Ticket80,
    };
    let w = paper.width_mm();
    let x0 = if paper == Paper::Ticket58 { 3.5 } else { 4.0 };
    let x1 = w - x0;
    let body = st(8.0, false);
    let bold = st(8.0, true);
    let mut b = Block::default();
    b.gap(4.0);
    let iss = &s.issuer;
    b.para(&iss.razon_social, x0, x1, st(9.0, true), Align::Center);
    if !iss.ruc.trim().is_empty() {
        b.para(&format!("RUC {}", iss.ruc), x0, x1, body, Align::Center);
    }
    b.rule(x0, x1);
    let closed = report.counted_cash.is_some();
    let title = if closed {
        "CIERRE DE CAJA (Z)"
    } else {
        "CORTE PARCIAL (X)"
    };
    b.para(title, x0, x1, st(11.0, true), Align::Center);
    b.rule(x0, x1);
    let mut rows = vec![(
        "Desde:".to_string(),
        report
            .opened_at
            .map(lima_display)
            .unwrap_or_else(|| "inicio del día".into()),
    )];
    rows.push(("Hasta:".into(), lima_display(report.closed_at)));
    rows.push(("Cajero:".into(), report.account.clone()));
    if let Some(a) = &report.approved_by {
        rows.push(("Aprobó:".into(), format!("{} ({})", a.name, a.by)));
    }
    b.labeled_rows(&rows, x0, 0.0, x1, body);
    b.rule(x0, x1);

    b.para("VENTAS POR MEDIO DE PAGO", x0, x1, bold, Align::Left);
    let t = &report.tally;
    if t.methods.is_empty() && t.on_credit.is_zero() {
        b.para("Sin ventas", x0 + 3.0, x1, body, Align::Left);
    }
    for m in t.methods.iter().filter(|m| !m.sales.is_zero()) {
        b.pair(m.method.label(), &soles(m.sales), x0 + 3.0, x1, body);
    }
    if !t.on_credit.is_zero() {
        b.pair("Crédito (cuotas)", &soles(t.on_credit), x0 + 3.0, x1, body);
    }
    b.pair(
        &format!("Total ventas ({} doc.)", t.sales_count),
        &soles(t.sales_total()),
        x0,
        x1,
        bold,
    );
    b.gap(1.0);
    b.para("NOTAS DE CRÉDITO", x0, x1, bold, Align::Left);
    for m in t.methods.iter().filter(|m| !m.refunds.is_zero()) {
        b.pair(m.method.label(), &minus(m.refunds), x0 + 3.0, x1, body);
    }
    b.pair(
        &format!(
            "Total devuelto ({} {})",
            t.credit_notes,
            if t.credit_notes == 1 { "nota" } else { "notas" }
        ),
        &minus(t.refunds_total()),
        x0,
        x1,
        bold,
    );
    b.rule(x0, x1);

    b.para("EFECTIVO", x0, x1, bold, Align::Left);
    b.pair("Fondo inicial", &soles(report.float), x0 + 3.0, x1, body);
    b.pair(
        "Ventas en efectivo",
        &soles(t.cash_sales()),
        x0 + 3.0,
        x1,
        body,
    );
    b.pair(
        "Devoluciones en efectivo",
        &minus(t.cash_refunds()),
        x0 + 3.0,
        x1,
        body,
    );
    b.pair("Ingresos", &soles(report.cash_in()), x0 + 3.0, x1, body);
    b.pair("Retiros", &minus(report.cash_out()), x0 + 3.0, x1, body);
    b.gap(0.8);
    b.pair(
        "Efectivo esperado",
        &soles(report.expected_cash),
        x0,
        x1,
        st(9.0, true),
    );
    if let (Some(c), Some(d)) = (report.counted_cash, report.difference()) {
        b.pair("Efectivo contado", &soles(c), x0, x1, st(9.0, true));
        b.pair(difference_label(d), &soles(d), x0, x1, st(10.0, true));
    }
    if !report.movements.is_empty() {
        b.rule(x0, x1);
        b.para("MOVIMIENTOS DE CAJA", x0, x1, bold, Align::Left);
        for m in &report.movements {
            let sign = if m.signed() < Decimal::ZERO { "-" } else { "" };
            b.pair(
                &format!(
                    "{} {}: {}",
                    &lima_display(m.at)[11..16],
                    m.kind.label(),
                    m.reason
                ),
                &format!("{sign}{}", soles(m.amount)),
                x0 + 3.0,
                x1,
                body,
            );
        }
    }
    if report.unsynced > 0 || report.override_reason.is_some() {
        b.rule(x0, x1);
        b.para(
            &format!("Registros sin sincronizar: {}", report.unsynced),
            x0,
            x1,
            body,
            Align::Left,
        );
        if let Some(r) = &report.override_reason {
            b.para(&format!("Motivo: {r}"), x0, x1, body, Align::Left);
        }
    }
    if closed {
        b.gap(10.0);
        b.rule(x0 + 10.0, x1 - 10.0);
        b.para("Firma del cajero", x0, x1, body, Align::Center);
    }
    b.gap(6.0);
    ReceiptLayout {
        paper,
        pages: vec![Page {
            width_mm: w,
            height_mm: b.h,
            items: b.items,
        }],
        title: format!("{title} {}", lima_display(report.closed_at)),
        number: String::new(),
        preview: !closed,
        qr_payload: None,
        issued_at: report.closed_at,
        issuer: iss.razon_social.clone(),
    }
}

/// What leaves the drawer, with its sign ("-S/ 20.00"); nothing is "S/ 0.00".
fn minus(d: Decimal) -> String {
    if d.is_zero() {
        soles(d)
    } else {
        format!("-{}", soles(d))
    }
}

/// "Diferencia" names which way the cash is off.
pub fn difference_label(d: Decimal) -> &'static str {
    if d < Decimal::ZERO {
        "Faltante"
    } else if d > Decimal::ZERO {
        "Sobrante"
    } else {
        "Diferencia"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::{DOTS_80MM, Item, escpos_job, rasterize};
    use chrono::Utc;
    use motordesk_core::{
        CashMovement, DocumentKind, MovementKind, Payment, PaymentMethod, PaymentTerms, ShiftTally,
        expected_cash,
    };
    use rust_decimal_macros::dec;

    fn report() -> ShiftReport {
        let mut tally = ShiftTally::default();
        let mut split = Payment::default();
        split.add_part(PaymentMethod::Yape, dec!(100)).unwrap();
        split
            .add_part(PaymentMethod::Efectivo, dec!(45.50))
            .unwrap();
        tally.add(
            DocumentKind::Boleta,
            &PaymentTerms::Contado,
            &split,
            dec!(145.50),
        );
        tally.add(
            DocumentKind::NotaDeCredito,
            &PaymentTerms::Contado,
            &Payment::default(),
            dec!(20),
        );
        let movements = vec![CashMovement {
            id: uuid::Uuid::now_v7(),
            at: Utc::now(),
            kind: MovementKind::Retiro,
            amount: dec!(30),
            reason: "Pago a proveedor de filtros".into(),
            by: "caja1".into(),
        }];
        let expected = expected_cash(dec!(100), &tally, &movements);
        ShiftReport {
            account: "caja1".into(),
            opened_at: Some(Utc::now()),
            closed_at: Utc::now(),
            documents: 2,
            total: dec!(125.50),
            unsynced: 0,
            override_reason: None,
            id: Some(uuid::Uuid::now_v7()),
            float: dec!(100),
            movements,
            tally,
            expected_cash: expected,
            counted_cash: Some(dec!(90)),
            approved_by: None,
        }
    }

    #[test]
    fn the_z_ticket_says_every_figure_and_fits_the_roll() {
        let r = report();
        assert_eq!(r.expected_cash, dec!(95.50));
        let z = z_report(&r, &ShopSettings::default());
        let text = z.plain_text();
        for want in [
            "CIERRE DE CAJA (Z)",
            "Yape",
            "S/ 100.00",
            "S/ 45.50",
            "-S/ 20.00",
            "Efectivo esperado",
            "S/ 95.50",
            "Efectivo contado",
            "S/ 90.00",
            "Faltante",
            "S/ -5.50",
            "Pago a proveedor",
        ] {
            assert!(text.contains(want), "missing {want:?} in\n{text}");
        }
        for paper in [Paper::Ticket80, Paper::Ticket58] {
            let settings = ShopSettings {
                receipt_format: paper,
                ..ShopSettings::default()
            };
            let z = z_report(&r, &settings);
            assert_eq!(z.paper, paper);
            let page = &z.pages[0];
            assert_eq!(page.width_mm, paper.width_mm());
            for item in &page.items {
                if let Item::Text(t) = item {
                    assert!(
                        t.left() >= 3.0 && t.left() + t.width_mm() <= page.width_mm - 3.0,
                        "{paper:?}: {t:?}"
                    );
                }
            }
        }
        let raster = rasterize(&z, DOTS_80MM);
        assert_eq!(raster.width, DOTS_80MM);
        let job = escpos_job(&raster);
        assert_eq!(&job[..2], &[0x1b, b'@'], "a printer job, reset first");
        assert_eq!(
            &job[job.len() - 4..job.len() - 1],
            &[0x1d, b'V', 66],
            "and cut"
        );
    }
}

//! The names SUNAT gives things: the file name `RUC-TT-SERIE-NUMERO` (also the ZIP's) and
//! the text of the QR printed on the receipt.

use crate::model::{Comprobante, DocumentType};

/// `20000000001-01-F001-1` (correlative without padding; add ".xml" or ".zip").
pub fn file_name(ruc: &str, doc_type: DocumentType, series: &str, number: u32) -> String {
    format!("{ruc}-{}-{series}-{number}", doc_type.code())
}

/// The file name of a comprobante.
pub fn file_name_of(c: &Comprobante) -> String {
    file_name(&c.issuer.ruc, c.kind.document_type(), &c.series, c.number)
}

/// `RUC|TT|SERIE|NUMERO|IGV|TOTAL|YYYY-MM-DD|TIPODOCADQ|NUMDOCADQ|HASH|`, amounts with two
/// decimals, hash = the signature's DigestValue.
pub fn qr_text(c: &Comprobante, digest_value: &str) -> String {
    let mut igv = c.totals.igv.round_dp(2);
    igv.rescale(2);
    let mut total = c.totals.total.round_dp(2);
    total.rescale(2);
    format!(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|",
        c.issuer.ruc,
        c.kind.document_type().code(),
        c.series,
        c.number,
        igv,
        total,
        c.issue_date.format("%Y-%m-%d"),
        c.buyer.doc_type.code(),
        c.buyer.doc_number,
        digest_value,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Affectation, Buyer, BuyerDocType, DocumentKind, FiscalAddress, Issuer, Line, PaymentTerms,
        Totals,
    };
    use chrono::{NaiveDate, NaiveTime};
    use rust_decimal_macros::dec;

    fn factura() -> Comprobante {
        Comprobante {
            issuer: Issuer::new(
                "20000000001",
                "TALLER DEMO S.A.C.",
                FiscalAddress {
                    ubigeo: "150101".into(),
                    department: "LIMA".into(),
                    province: "LIMA".into(),
                    district: "LIMA".into(),
                    line: "AV. PRINCIPAL 1".into(),
                },
            ),
            buyer: Buyer {
                doc_type: BuyerDocType::Ruc,
                doc_number: "20100070970".into(),
                name: "CLIENTE S.A.".into(),
                address: None,
            },
            kind: DocumentKind::Factura {
                payment: PaymentTerms::Contado,
                detraccion: None,
            },
            series: "F001".into(),
            number: 123,
            issue_date: NaiveDate::from_ymd_opt(2024, 1, 31).unwrap(),
            issue_time: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            currency: "PEN".into(),
            lines: vec![Line {
                code: "A".into(),
                description: "A".into(),
                unit_code: "NIU".into(),
                quantity: dec!(2),
                unit_price: dec!(59),
                gross: dec!(118),
                discount: dec!(0),
                total: dec!(118),
                base: dec!(100),
                igv: dec!(18),
                affectation: Affectation::Gravado,
            }],
            totals: Totals {
                gravada: dec!(100),
                igv: dec!(18),
                total: dec!(118),
                ..Totals::default()
            },
            amount_in_words: "CIENTO DIECIOCHO CON 00/100 SOLES".into(),
        }
    }

    #[test]
    fn file_name_has_no_padding() {
        assert_eq!(
            file_name("20000000001", DocumentType::Factura, "F001", 1),
            "20000000001-01-F001-1"
        );
        assert_eq!(
            file_name("20000000001", DocumentType::NotaCredito, "BC01", 42),
            "20000000001-07-BC01-42"
        );
        assert_eq!(file_name_of(&factura()), "20000000001-01-F001-123");
    }

    #[test]
    fn qr_text_has_ten_fields_and_trailing_bar() {
        assert_eq!(
            qr_text(&factura(), "F5msKGEK5ROo3DYS6GjhB+ArGpleztg1vyZIhvzYJEc="),
            "20000000001|01|F001|123|18.00|118.00|2024-01-31|6|20100070970|F5msKGEK5ROo3DYS6GjhB+ArGpleztg1vyZIhvzYJEc=|"
        );
    }
}

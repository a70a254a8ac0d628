//! Long documents: A4 paginates with the header repeated and the totals on the last
//! page; the 80 mm ticket grows into one long page.

use crate::receipt_common;

use motordesk::receipt::ReceiptLayout;
use motordesk::store::Paper;
use motordesk_core::DocumentKind;
use motordesk_core::InvoiceDraft;
use motordesk_core::plain;
use motordesk_sunat::sunat_qr_payload;
use receipt_common::*;
use std::process::Command;

fn big_boleta(shop: &Shop, n: usize) -> motordesk_core::Invoice {
    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
    d.buyer = dni_buyer();
    d.lines = many_lines(n);
    shop.store.issue_invoice(d).unwrap()
}

#[test]
fn a4_with_120_lines_paginates() {
    let shop = shop();
    let inv = big_boleta(&shop, 120);
    let out = tempfile::tempdir().unwrap();
    let pdf = write_pdf(out.path(), "a4-120", &inv, &shop, Paper::A4);
    let pages = page_count(&pdf);
    assert!(pages >= 3, "only {pages} pages");
    let layout = ReceiptLayout::build(&inv, &shop.settings, Paper::A4, None);
    assert_eq!(layout.pages.len(), pages);

    let total = format!("S/ {}", plain(inv.totals.total));
    for p in 1..=pages {
        let text = squash(&page_text(&pdf, p));
        assert!(
            text.contains(&format!("Página {p} de {pages}")),
            "page {p}:\n{text}"
        );
        assert!(
            text.contains("BOLETA DE VENTA ELECTRÓNICA"),
            "header on page {p}"
        );
        assert!(text.contains("B001-00000001"), "number on page {p}");
        assert!(
            text.contains("R.U.C. N° 20000000001"),
            "issuer RUC on page {p}"
        );
        if p < pages {
            assert!(
                !text.contains("TOTAL S/"),
                "totals before the last page ({p})"
            );
            assert!(text.contains("DESCRIPCIÓN"), "table header on page {p}");
        }
    }
    let last = squash(&page_text(&pdf, pages));
    assert!(last.contains(&format!("TOTAL {total}")), "{last}");
    assert!(
        last.contains(&format!("IGV 18% S/ {}", plain(inv.totals.igv))),
        "{last}"
    );
    assert!(last.contains("SON "), "{last}");

    // Every item printed exactly once, in order.
    let all = squash(&pdftotext(&pdf));
    let mut from = 0;
    for i in 0..120 {
        let needle = format!("Ítem {i}:");
        let at = all[from..]
            .find(&needle)
            .unwrap_or_else(|| panic!("{needle} missing or out of order"));
        from += at + needle.len();
        assert_eq!(
            all.matches(&format!("Ítem {i}: ")).count(),
            1,
            "{needle} printed twice"
        );
    }

    let png = render_png(&pdf, pages, &out.path().join("a4-last"));
    let payload =
        sunat_qr_payload(&inv, &shop.settings.issuer.ruc, shop.hash(&inv).as_deref()).unwrap();
    assert_eq!(decode_qrs(&png), vec![payload]);
}

#[test]
fn long_ticket_is_one_tall_page() {
    let shop = shop();
    let inv = big_boleta(&shop, 120);
    let out = tempfile::tempdir().unwrap();
    let pdf = write_pdf(out.path(), "ticket-120", &inv, &shop, Paper::Ticket80);
    assert_eq!(page_count(&pdf), 1);
    let info =
        String::from_utf8(Command::new("pdfinfo").arg(&pdf).output().unwrap().stdout).unwrap();
    let size = info
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .unwrap();
    let dims: Vec<f32> = size
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let (w_mm, h_mm) = (dims[0] * 25.4 / 72.0, dims[1] * 25.4 / 72.0);
    assert!((w_mm - 80.0).abs() < 0.1, "{size}");
    assert!(h_mm > 600.0, "ticket only {h_mm} mm long");

    let text = squash(&pdftotext(&pdf));
    assert!(
        text.contains("Ítem 0:") && text.contains("Ítem 119:"),
        "{text}"
    );
    assert!(
        text.contains(&format!("TOTAL S/ {}", plain(inv.totals.total))),
        "{text}"
    );

    let png = render_png(&pdf, 1, &out.path().join("ticket-120"));
    let payload =
        sunat_qr_payload(&inv, &shop.settings.issuer.ruc, shop.hash(&inv).as_deref()).unwrap();
    assert_eq!(decode_qrs(&png), vec![payload]);
}

#[test]
fn layouts_stay_inside_the_paper() {
    use motordesk::receipt::Item;
    let shop = shop();
    let inv = big_boleta(&shop, 40);
    for paper in Paper::ALL {
        let layout = ReceiptLayout::build(&inv, &shop.settings, paper, None);
        for page in &layout.pages {
            for item in &page.items {
                if let Item::Text(t) = item {
                    let left = t.left();
                    let right = left + t.width_mm();
                    assert!(
                        left >= 3.0 && right <= page.width_mm - 3.0,
                        "{paper:?}: {t:?} out of the page"
                    );
                    assert!(
                        t.baseline > 3.0 && t.baseline < page.height_mm - 3.0,
                        "{paper:?}: {t:?}"
                    );
                }
            }
        }
    }
}

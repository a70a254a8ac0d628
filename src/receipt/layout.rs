//! The receipt layout model: pages of positioned items in millimetres (origin at the top
//! left of the page, y growing downwards, text placed by its baseline). The PDF renderer
//! and the on-screen preview both draw exactly this, nothing else.
//!
//! `ReceiptLayout::build` is pure: it measures text with the embedded DejaVu metrics
//! (`fonts::text_width_mm`), wraps, paginates (A4) or grows the page (80 mm ticket).

use crate::receipt::fonts::{ASCENT_EM, MM_PER_PT, text_width_mm};
use crate::receipt::qr::{QrMatrix, qr_matrix};
use crate::store::settings::{ReceiptFormat, ShopSettings};
use chrono::{DateTime, Utc};
use motordesk_core::DocumentKind;
use motordesk_core::IdKind;
use motordesk_core::amount_in_words;
use motordesk_core::lima_display;
use motordesk_core::thousands;
use motordesk_core::{Invoice, PaymentMethod};
use motordesk_core::{plain, soles};
use motordesk_sunat::sunat_qr_payload;
use rust_decimal::Decimal;

/// Paper the receipt is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Paper {
    /// 80 mm thermal roll: one page as long as the content.
    #[default]
    Ticket80,
    /// A4 sheet, paginated.
    A4,
}

impl Paper {
    pub const ALL: [Paper; 2] = [Paper::Ticket80, Paper::A4];

    pub fn width_mm(self) -> f32 {
        match self {
            Paper::Ticket80 => 80.0,
            Paper::A4 => 210.0,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Paper::Ticket80 => "Ticket 80 mm",
            Paper::A4 => "A4",
        }
    }
}

impl From<ReceiptFormat> for Paper {
    fn from(f: ReceiptFormat) -> Paper {
        match f {
            ReceiptFormat::Ticket80 => Paper::Ticket80,
            ReceiptFormat::A4 => Paper::A4,
        }
    }
}

const A4_HEIGHT: f32 = 297.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// One line of text. `x` is the left edge, the centre or the right edge depending on
/// `align`; `baseline` is the y of the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    pub x: f32,
    pub baseline: f32,
    pub size_pt: f32,
    pub bold: bool,
    pub align: Align,
    pub text: String,
}

impl TextRun {
    pub fn width_mm(&self) -> f32 {
        text_width_mm(&self.text, self.size_pt, self.bold)
    }

    /// Left edge of the text once aligned.
    pub fn left(&self) -> f32 {
        match self.align {
            Align::Left => self.x,
            Align::Center => self.x - self.width_mm() / 2.0,
            Align::Right => self.x - self.width_mm(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text(TextRun),
    /// Horizontal line.
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        thickness: f32,
    },
    /// Rectangle outline (top-left corner, size).
    Frame {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        thickness: f32,
    },
    /// QR symbol: top-left corner and module size.
    Qr {
        x: f32,
        y: f32,
        module: f32,
        matrix: QrMatrix,
    },
}

impl Item {
    fn shift(&mut self, dy: f32) {
        match self {
            Item::Text(t) => t.baseline += dy,
            Item::Rule { y, .. } | Item::Frame { y, .. } | Item::Qr { y, .. } => *y += dy,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width_mm: f32,
    pub height_mm: f32,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReceiptLayout {
    pub paper: Paper,
    pub pages: Vec<Page>,
    /// e.g. "BOLETA DE VENTA ELECTRÓNICA B001-00000042" (PDF title, window title).
    pub title: String,
    /// Printed number, `B001-????????` on a preview.
    pub number: String,
    /// Built from a draft that is not issued yet.
    pub preview: bool,
    /// What the QR encodes; `None` for a nota de venta or a preview.
    pub qr_payload: Option<String>,
    /// Issue time (PDF creation date).
    pub issued_at: DateTime<Utc>,
    /// Razón social of the issuer (PDF author).
    pub issuer: String,
}

impl ReceiptLayout {
    pub fn build(inv: &Invoice, settings: &ShopSettings, paper: Paper) -> ReceiptLayout {
        let c = Content::new(inv, settings);
        let pages = match paper {
            Paper::Ticket80 => vec![ticket(&c)],
            Paper::A4 => a4(&c),
        };
        ReceiptLayout {
            paper,
            pages,
            title: format!("{} {}", inv.kind.title(), c.number),
            number: c.number.clone(),
            preview: c.preview,
            qr_payload: if c.preview {
                None
            } else {
                c.qr_payload.clone()
            },
            issued_at: inv.issued_at,
            issuer: settings.issuer.razon_social.clone(),
        }
    }

    /// Every text run, one per line, page after page (tests, accessibility).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for p in &self.pages {
            for item in &p.items {
                if let Item::Text(t) = item {
                    out.push_str(&t.text);
                    out.push('\n');
                }
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// What is printed, independent of the paper.

struct Content<'a> {
    inv: &'a Invoice,
    s: &'a ShopSettings,
    number: String,
    preview: bool,
    qr_payload: Option<String>,
    qr: Option<QrMatrix>,
}

impl<'a> Content<'a> {
    fn new(inv: &'a Invoice, s: &'a ShopSettings) -> Self {
        // Correlative 0 never exists: it marks a VISTA PREVIA built from a draft.
        let preview = inv.number.correlative == 0;
        let number = if preview {
            format!("{}-????????", inv.number.series)
        } else {
            inv.number.to_string()
        };
        let qr_payload = sunat_qr_payload(inv, &s.issuer.ruc);
        let qr = qr_payload.as_deref().and_then(qr_matrix);
        Content {
            inv,
            s,
            number,
            preview,
            qr_payload,
            qr,
        }
    }

    fn words(&self) -> String {
        amount_in_words(self.inv.totals.total).unwrap_or_default()
    }

    /// `(label, value)` rows of the buyer and visit.
    fn buyer_rows(&self) -> Vec<(String, String)> {
        let inv = self.inv;
        let b = &inv.buyer;
        let mut rows = vec![("Cliente:".to_string(), b.name.clone())];
        if b.id.kind != IdKind::SinDocumento {
            rows.push((format!("{}:", b.id.kind.label()), b.id.number.clone()));
        }
        if !b.address.trim().is_empty() {
            rows.push(("Dirección:".into(), b.address.clone()));
        }
        rows
    }

    fn visit_rows(&self) -> Vec<(String, String)> {
        let mut rows = Vec::new();
        if let Some(v) = &self.inv.vehicle {
            rows.push(("Placa:".into(), v.plate.clone()));
            if let Some(km) = v.odometer_km {
                rows.push(("Kilometraje:".into(), format!("{} km", thousands(km))));
            }
        }
        rows
    }

    fn modifies_rows(&self) -> Vec<(String, String)> {
        let Some(m) = &self.inv.modifies else {
            return Vec::new();
        };
        let mut reason = format!("{} {}", m.reason.code(), m.reason.label());
        if !m.note.trim().is_empty() {
            reason = format!("{reason}: {}", m.note.trim());
        }
        vec![
            (
                "Doc. que modifica:".into(),
                format!("{} {}", m.kind.title(), m.number),
            ),
            ("Motivo:".into(), reason),
        ]
    }

    fn totals_rows(&self) -> Vec<(String, String)> {
        let t = &self.inv.totals;
        let mut rows = Vec::new();
        if !t.discount.is_zero() {
            rows.push(("DESCUENTOS".into(), format!("-{}", soles(t.discount))));
        }
        // A nota de venta is not a tax document: no tax breakdown that could be read
        // as IGV to deduct.
        if !self.inv.kind.is_fiscal() {
            return rows;
        }
        rows.push(("OP. GRAVADA".into(), soles(t.gravada)));
        rows.push(("OP. EXONERADA".into(), soles(t.exonerada)));
        rows.push(("OP. INAFECTA".into(), soles(t.inafecta)));
        rows.push(("IGV 18%".into(), soles(t.igv)));
        rows
    }

    fn payment_rows(&self) -> Vec<(String, String)> {
        let inv = self.inv;
        if inv.kind == DocumentKind::NotaDeCredito {
            return Vec::new();
        }
        let p = &inv.payment;
        let mut rows = vec![
            ("Forma de pago:".to_string(), "Contado".to_string()),
            ("Medio de pago:".to_string(), p.method.label().to_string()),
        ];
        if let (PaymentMethod::Efectivo, Some(r)) = (p.method, p.received) {
            rows.push(("Recibido:".into(), soles(r)));
            rows.push(("Vuelto:".into(), soles(p.change(inv.totals.total))));
        }
        rows
    }

    fn other_rows(&self) -> Vec<(String, String)> {
        let mut rows = Vec::new();
        if !self.inv.observations.trim().is_empty() {
            rows.push((
                "Observaciones:".into(),
                self.inv.observations.trim().to_string(),
            ));
        }
        if !self.inv.cashier.trim().is_empty() {
            rows.push(("Cajero:".into(), self.inv.cashier.clone()));
        }
        rows
    }

    /// Lines of the closing note: what the document is, then the shop's message.
    fn footer_lines(&self) -> Vec<(String, bool)> {
        let mut lines = Vec::new();
        if self.inv.kind.is_fiscal() {
            lines.push((
                format!("Representación impresa de la {}", self.inv.kind.title()),
                false,
            ));
        } else {
            lines.push(("NO ES UN COMPROBANTE DE PAGO".into(), true));
            lines.push((
                "Documento interno sin valor tributario. Solicite su boleta o factura.".into(),
                false,
            ));
        }
        if !self.s.footer.trim().is_empty() {
            lines.push((self.s.footer.trim().to_string(), false));
        }
        lines
    }

    fn line_description(&self, i: usize) -> String {
        let l = &self.inv.lines[i];
        if l.discount.is_zero() {
            l.description.clone()
        } else {
            format!("{} (dscto. {})", l.description, soles(l.discount))
        }
    }

    fn line_gross(&self, i: usize) -> Decimal {
        self.inv.totals.lines.get(i).map_or_else(
            || self.inv.lines[i].quantity * self.inv.lines[i].unit_price,
            |a| a.gross,
        )
    }
}

fn qty(q: Decimal) -> String {
    q.normalize().to_string()
}

// ---------------------------------------------------------------------------------------
// Blocks: a run of items laid out from y = 0 with a known height, placed later.

#[derive(Debug, Clone, Copy)]
struct Style {
    size: f32,
    bold: bool,
}

const fn st(size: f32, bold: bool) -> Style {
    Style { size, bold }
}

/// Width of the widest bold label of `rows`, plus the gap before the values.
fn label_width(rows: &[(String, String)], s: Style) -> f32 {
    rows.iter()
        .map(|(l, _)| text_width_mm(l, s.size, true))
        .fold(0.0, f32::max)
        + 1.5
}

fn line_height(s: Style) -> f32 {
    s.size * 1.2 * MM_PER_PT
}

fn ascent(s: Style) -> f32 {
    s.size * ASCENT_EM * MM_PER_PT
}

/// Greedy word wrap to `width` mm; words longer than a line are cut by characters.
fn wrap(text: &str, width: f32, s: Style) -> Vec<String> {
    let fits = |t: &str| text_width_mm(t, s.size, s.bold) <= width;
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if fits(&candidate) {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if fits(word) {
                line = word.to_string();
            } else {
                for ch in word.chars() {
                    line.push(ch);
                    if !fits(&line) && line.chars().count() > 1 {
                        line.pop();
                        lines.push(std::mem::take(&mut line));
                        line.push(ch);
                    }
                }
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
    }
    lines
}

#[derive(Debug, Default)]
struct Block {
    items: Vec<Item>,
    h: f32,
}

impl Block {
    fn gap(&mut self, mm: f32) {
        self.h += mm;
    }

    fn text_at(&mut self, text: impl Into<String>, x: f32, baseline: f32, s: Style, align: Align) {
        self.items.push(Item::Text(TextRun {
            x,
            baseline,
            size_pt: s.size,
            bold: s.bold,
            align,
            text: text.into(),
        }));
    }

    /// Wrapped text between `x0` and `x1`; returns the first baseline.
    fn para(&mut self, text: &str, x0: f32, x1: f32, s: Style, align: Align) -> f32 {
        let first = self.h + ascent(s);
        let x = match align {
            Align::Left => x0,
            Align::Center => (x0 + x1) / 2.0,
            Align::Right => x1,
        };
        for line in wrap(text, x1 - x0, s) {
            if !line.is_empty() {
                let base = self.h + ascent(s);
                self.text_at(line, x, base, s, align);
            }
            self.h += line_height(s);
        }
        first
    }

    /// Label on the left, value right-aligned at `x1` on the label's first line.
    fn pair(&mut self, label: &str, value: &str, x0: f32, x1: f32, s: Style) {
        let room = x1 - x0 - text_width_mm(value, s.size, s.bold) - 2.0;
        let base = self.para(label, x0, x0 + room.max(10.0), s, Align::Left);
        self.text_at(value, x1, base, s, Align::Right);
    }

    /// Bold label at `x0`, value wrapped between `x0 + label_w` and `x1`.
    fn labeled(&mut self, label: &str, value: &str, x0: f32, label_w: f32, x1: f32, s: Style) {
        let label_w = label_w.max(text_width_mm(label, s.size, true) + 1.5);
        let base = self.para(value, x0 + label_w, x1, s, Align::Left);
        self.text_at(label, x0, base, st(s.size, true), Align::Left);
    }

    /// A group of labeled rows whose values all start in the same column.
    fn labeled_rows(&mut self, rows: &[(String, String)], x0: f32, min_w: f32, x1: f32, s: Style) {
        let w = label_width(rows, s).max(min_w);
        for (l, v) in rows {
            self.labeled(l, v, x0, w, x1, s);
        }
    }

    fn rule(&mut self, x0: f32, x1: f32) {
        self.gap(1.0);
        self.items.push(Item::Rule {
            x1: x0,
            x2: x1,
            y: self.h,
            thickness: 0.25,
        });
        self.gap(1.2);
    }

    /// Appends `other` below what is already here.
    fn append(&mut self, other: Block) {
        let dy = self.h;
        self.items.extend(other.items.into_iter().map(|mut i| {
            i.shift(dy);
            i
        }));
        self.h += other.h;
    }

    /// Two blocks side by side, both starting at the top.
    fn beside(mut a: Block, b: Block) -> Block {
        a.items.extend(b.items);
        a.h = a.h.max(b.h);
        a
    }

    fn qr(&mut self, c: &Content<'_>, x: f32, module: f32) -> f32 {
        let Some(m) = &c.qr else { return 0.0 };
        let size = m.width as f32 * module;
        if c.preview {
            // Not issued yet: no number to encode. Keep the space, say why.
            self.items.push(Item::Frame {
                x,
                y: self.h,
                w: size,
                h: size,
                thickness: 0.3,
            });
            let s = st(7.0, false);
            let mid = self.h + size / 2.0;
            self.text_at("Código QR", x + size / 2.0, mid - 0.5, s, Align::Center);
            self.text_at("al emitir", x + size / 2.0, mid + 3.0, s, Align::Center);
        } else {
            self.items.push(Item::Qr {
                x,
                y: self.h,
                module,
                matrix: m.clone(),
            });
        }
        self.h += size;
        size
    }
}

const PREVIEW_BANNER: &str = "VISTA PREVIA — sin valor";

// ---------------------------------------------------------------------------------------
// 80 mm ticket: one long page.

fn ticket(c: &Content<'_>) -> Page {
    const W: f32 = 80.0;
    const X0: f32 = 4.0;
    const X1: f32 = 76.0;
    const MID: f32 = (X0 + X1) / 2.0;
    let body = st(7.5, false);
    let inv = c.inv;
    let iss = &c.s.issuer;
    let mut b = Block::default();
    b.gap(4.0);

    if !iss.nombre_comercial.trim().is_empty() && iss.nombre_comercial != iss.razon_social {
        b.para(&iss.nombre_comercial, X0, X1, st(11.0, true), Align::Center);
        b.gap(0.6);
    }
    b.para(&iss.razon_social, X0, X1, st(8.0, true), Align::Center);
    b.para(
        &format!("RUC {}", iss.ruc),
        X0,
        X1,
        st(8.0, false),
        Align::Center,
    );
    if !iss.address.trim().is_empty() {
        b.para(&iss.address, X0, X1, body, Align::Center);
    }
    if !iss.phone.trim().is_empty() {
        b.para(
            &format!("Telf.: {}", iss.phone),
            X0,
            X1,
            body,
            Align::Center,
        );
    }
    b.rule(X0, X1);
    b.para(inv.kind.title(), X0, X1, st(9.0, true), Align::Center);
    b.para(&c.number, X0, X1, st(10.5, true), Align::Center);
    if c.preview {
        b.gap(1.0);
        let top = b.h;
        b.gap(1.0);
        b.para(PREVIEW_BANNER, X0, X1, st(9.0, true), Align::Center);
        b.gap(0.6);
        b.items.push(Item::Frame {
            x: X0 + 6.0,
            y: top,
            w: X1 - X0 - 12.0,
            h: b.h - top,
            thickness: 0.4,
        });
    }
    b.rule(X0, X1);

    let mut rows = vec![("Fecha:".to_string(), lima_display(inv.issued_at))];
    rows.extend(c.buyer_rows());
    rows.extend(c.visit_rows());
    b.labeled_rows(&rows, X0, 0.0, X1, body);
    let modifies = c.modifies_rows();
    if !modifies.is_empty() {
        b.gap(1.0);
        b.labeled_rows(&modifies, X0, 0.0, X1, body);
    }
    b.rule(X0, X1);

    let head = st(7.0, true);
    let base = b.para("DESCRIPCIÓN", X0, X1 - 20.0, head, Align::Left);
    b.text_at("IMPORTE", X1, base, head, Align::Right);
    b.para(
        "CANT. UNID. x P. UNIT.",
        X0,
        X1,
        st(7.0, false),
        Align::Left,
    );
    b.rule(X0, X1);
    for (i, l) in inv.lines.iter().enumerate() {
        b.para(&c.line_description(i), X0, X1, body, Align::Left);
        let detail = format!(
            "{} {} x {}",
            qty(l.quantity),
            l.unit.short(),
            plain(l.unit_price)
        );
        b.pair(&detail, &plain(c.line_gross(i)), X0 + 3.0, X1, body);
        b.gap(0.8);
    }
    b.rule(X0, X1);

    let tot = st(8.0, false);
    for (l, v) in c.totals_rows() {
        b.pair(&l, &v, X0 + 18.0, X1, tot);
    }
    b.gap(0.8);
    b.pair(
        "TOTAL",
        &soles(inv.totals.total),
        X0 + 18.0,
        X1,
        st(10.5, true),
    );
    b.gap(1.0);
    b.para(&c.words(), X0, X1, st(7.5, true), Align::Left);
    b.rule(X0, X1);

    let mut rows = c.payment_rows();
    rows.extend(c.other_rows());
    b.labeled_rows(&rows, X0, 0.0, X1, body);

    if c.qr.is_some() {
        b.gap(3.0);
        let module = 0.75;
        let size = c.qr.as_ref().map_or(0.0, |m| m.width as f32 * module);
        b.qr(c, MID - size / 2.0, module);
    }
    b.gap(3.0);
    for (text, bold) in c.footer_lines() {
        b.para(&text, X0, X1, st(7.5, bold), Align::Center);
        b.gap(0.8);
    }
    b.gap(6.0);
    Page {
        width_mm: W,
        height_mm: b.h,
        items: b.items,
    }
}

// ---------------------------------------------------------------------------------------
// A4: header repeated on every page, table rows flow, totals on the last page.

const A4_X0: f32 = 15.0;
const A4_X1: f32 = 195.0;
const A4_TOP: f32 = 12.0;
/// Content stops here; the page footer sits below.
const A4_LIMIT: f32 = 280.0;

// Table columns.
const COL_QTY_R: f32 = 32.0;
const COL_UNIT_L: f32 = 35.0;
const COL_DESC_L: f32 = 50.0;
const COL_DESC_R: f32 = 143.0;
const COL_PRICE_R: f32 = 168.0;
const COL_AMOUNT_R: f32 = A4_X1;

fn a4_header(c: &Content<'_>) -> Block {
    let iss = &c.s.issuer;
    let mut left = Block::default();
    let name = if iss.nombre_comercial.trim().is_empty() {
        &iss.razon_social
    } else {
        &iss.nombre_comercial
    };
    left.gap(1.0);
    left.para(name, A4_X0, 122.0, st(15.0, true), Align::Left);
    left.gap(0.8);
    if name != &iss.razon_social {
        left.para(&iss.razon_social, A4_X0, 122.0, st(9.0, true), Align::Left);
    }
    if !iss.address.trim().is_empty() {
        left.para(&iss.address, A4_X0, 122.0, st(8.5, false), Align::Left);
    }
    if !iss.phone.trim().is_empty() {
        left.para(
            &format!("Telf.: {}", iss.phone),
            A4_X0,
            122.0,
            st(8.5, false),
            Align::Left,
        );
    }

    let (bx0, bx1) = (128.0, A4_X1);
    let mut right = Block::default();
    right.gap(3.5);
    right.para(
        &format!("R.U.C. N° {}", iss.ruc),
        bx0 + 2.0,
        bx1 - 2.0,
        st(11.0, true),
        Align::Center,
    );
    right.gap(1.2);
    right.para(
        c.inv.kind.title(),
        bx0 + 2.0,
        bx1 - 2.0,
        st(10.5, true),
        Align::Center,
    );
    right.gap(1.2);
    right.para(
        &c.number,
        bx0 + 2.0,
        bx1 - 2.0,
        st(11.0, true),
        Align::Center,
    );
    right.gap(3.0);
    right.items.push(Item::Frame {
        x: bx0,
        y: 0.0,
        w: bx1 - bx0,
        h: right.h,
        thickness: 0.5,
    });

    let mut b = Block::beside(left, right);
    if c.preview {
        b.gap(2.0);
        b.para(PREVIEW_BANNER, A4_X0, A4_X1, st(11.0, true), Align::Center);
    }
    b.gap(4.0);
    b
}

fn a4_customer(c: &Content<'_>) -> Block {
    let s = st(8.5, false);
    let mut left = Block::default();
    let mut rows = c.buyer_rows();
    if let Some(first) = rows.first_mut() {
        first.0 = "Señor(es):".into();
    }
    let modifies = c.modifies_rows();
    let mut all = rows.clone();
    all.extend(modifies.iter().cloned());
    let left_w = label_width(&all, s);
    left.labeled_rows(&rows, A4_X0, left_w, 124.0, s);
    let mut right = Block::default();
    let mut info = vec![
        (
            "Fecha de emisión:".to_string(),
            lima_display(c.inv.issued_at),
        ),
        ("Moneda:".to_string(), "SOLES".to_string()),
    ];
    info.extend(c.visit_rows());
    right.labeled_rows(&info, 128.0, 0.0, A4_X1, s);
    let mut b = Block::default();
    b.rule(A4_X0, A4_X1);
    b.append(Block::beside(left, right));
    b.labeled_rows(&modifies, A4_X0, left_w, A4_X1, s);
    b.gap(3.0);
    b
}

fn a4_table_header() -> Block {
    let s = st(8.0, true);
    let mut b = Block::default();
    b.rule(A4_X0, A4_X1);
    let base = b.h + ascent(s);
    b.text_at("CANT.", COL_QTY_R, base, s, Align::Right);
    b.text_at("UNID.", COL_UNIT_L, base, s, Align::Left);
    b.text_at("DESCRIPCIÓN", COL_DESC_L, base, s, Align::Left);
    b.text_at("P. UNIT.", COL_PRICE_R, base, s, Align::Right);
    b.text_at("IMPORTE", COL_AMOUNT_R, base, s, Align::Right);
    b.gap(line_height(s));
    b.rule(A4_X0, A4_X1);
    b
}

fn a4_row(c: &Content<'_>, i: usize) -> Block {
    let s = st(8.5, false);
    let l = &c.inv.lines[i];
    let mut b = Block::default();
    b.gap(0.6);
    let base = b.para(
        &c.line_description(i),
        COL_DESC_L,
        COL_DESC_R,
        s,
        Align::Left,
    );
    b.text_at(qty(l.quantity), COL_QTY_R, base, s, Align::Right);
    b.text_at(l.unit.short(), COL_UNIT_L, base, s, Align::Left);
    b.text_at(plain(l.unit_price), COL_PRICE_R, base, s, Align::Right);
    b.text_at(plain(c.line_gross(i)), COL_AMOUNT_R, base, s, Align::Right);
    b.gap(0.6);
    b
}

fn a4_closing(c: &Content<'_>) -> Block {
    let s = st(8.5, false);
    let mut left = Block::default();
    left.gap(1.0);
    left.para(&c.words(), A4_X0, 122.0, st(9.0, true), Align::Left);
    left.gap(2.0);
    let mut rows = c.payment_rows();
    rows.extend(c.other_rows());
    left.labeled_rows(&rows, A4_X0, 0.0, 122.0, s);
    let mut right = Block::default();
    right.gap(1.0);
    for (l, v) in c.totals_rows() {
        right.pair(&l, &v, 130.0, A4_X1, st(9.0, false));
        right.gap(0.4);
    }
    right.rule(130.0, A4_X1);
    right.pair(
        "TOTAL",
        &soles(c.inv.totals.total),
        130.0,
        A4_X1,
        st(11.0, true),
    );

    let mut b = Block::default();
    b.rule(A4_X0, A4_X1);
    b.append(Block::beside(left, right));
    b.gap(5.0);

    let mut qr = Block::default();
    let size = qr.qr(c, A4_X0, 0.8);
    let text_x0 = if size > 0.0 {
        A4_X0 + size + 6.0
    } else {
        A4_X0
    };
    let mut notes = Block::default();
    notes.gap(if size > 0.0 {
        (size / 2.0 - 6.0).max(0.0)
    } else {
        0.0
    });
    for (text, bold) in c.footer_lines() {
        notes.para(&text, text_x0, A4_X1, st(9.0, bold), Align::Left);
        notes.gap(1.0);
    }
    b.append(Block::beside(qr, notes));
    b
}

fn a4(c: &Content<'_>) -> Vec<Page> {
    let header = || a4_header(c);
    let mut pages: Vec<Vec<Item>> = Vec::new();
    let mut y = 0.0;

    let place = |pages: &mut Vec<Vec<Item>>, y: &mut f32, block: Block| {
        let dy = *y;
        if let Some(p) = pages.last_mut() {
            p.extend(block.items.into_iter().map(|mut i| {
                i.shift(dy);
                i
            }));
        }
        *y += block.h;
    };
    let new_page = |pages: &mut Vec<Vec<Item>>, y: &mut f32, with_table: bool| {
        pages.push(Vec::new());
        *y = A4_TOP;
        place(pages, y, header());
        if with_table {
            place(pages, y, a4_table_header());
        }
    };

    new_page(&mut pages, &mut y, false);
    place(&mut pages, &mut y, a4_customer(c));
    place(&mut pages, &mut y, a4_table_header());
    for i in 0..c.inv.lines.len() {
        let row = a4_row(c, i);
        if y + row.h > A4_LIMIT {
            new_page(&mut pages, &mut y, true);
        }
        place(&mut pages, &mut y, row);
    }
    let closing = a4_closing(c);
    if y + closing.h > A4_LIMIT {
        new_page(&mut pages, &mut y, false);
    }
    place(&mut pages, &mut y, closing);

    let n = pages.len();
    pages
        .into_iter()
        .enumerate()
        .map(|(i, mut items)| {
            let s = st(8.0, false);
            let base = A4_HEIGHT - 9.0;
            items.push(Item::Rule {
                x1: A4_X0,
                x2: A4_X1,
                y: base - 4.0,
                thickness: 0.2,
            });
            items.push(Item::Text(TextRun {
                x: A4_X0,
                baseline: base,
                size_pt: s.size,
                bold: false,
                align: Align::Left,
                text: format!("{} {}", c.inv.kind.title(), c.number),
            }));
            items.push(Item::Text(TextRun {
                x: A4_X1,
                baseline: base,
                size_pt: s.size,
                bold: false,
                align: Align::Right,
                text: format!("Página {} de {}", i + 1, n),
            }));
            Page {
                width_mm: Paper::A4.width_mm(),
                height_mm: A4_HEIGHT,
                items,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_word_boundaries_and_cuts_long_words() {
        let s = st(8.0, false);
        let lines = wrap(
            "Cambio de aceite sintético con filtro y revisión de niveles",
            30.0,
            s,
        );
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(text_width_mm(l, 8.0, false) <= 30.0, "{l}");
        }
        assert_eq!(
            lines.join(" "),
            "Cambio de aceite sintético con filtro y revisión de niveles"
        );
        let long = wrap(&"X".repeat(200), 20.0, s);
        assert!(long.len() > 3);
        assert_eq!(long.concat(), "X".repeat(200));
        assert_eq!(wrap("", 20.0, s), vec![String::new()]);
    }

    #[test]
    fn digits_grouped() {
        assert_eq!(thousands(45000), "45,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}

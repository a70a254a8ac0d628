//! Layout → PDF with printpdf. DejaVu Sans (regular and bold) is embedded, so accents,
//! ñ, "S/" and "—" print the same on every machine and printer.

use crate::receipt::fonts;
use crate::receipt::layout::{Item, Page, ReceiptLayout, TextRun};
use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Mm, OffsetDateTime, Op, PaintMode, ParsedFont,
    PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem,
};
use std::collections::BTreeSet;

struct Fonts {
    regular: Option<FontId>,
    bold: Option<FontId>,
}

/// Renders every page of the layout. Never fails: a font that cannot be loaded (a broken
/// build) falls back to the PDF built-in Helvetica rather than losing the receipt.
pub fn render_pdf(layout: &ReceiptLayout) -> Vec<u8> {
    let mut doc = PdfDocument::new(&layout.title);
    // Dated when issued (printpdf would say 1970), so a reprint carries the original date.
    if let Ok(when) = OffsetDateTime::from_unix_timestamp(layout.issued_at.timestamp()) {
        let info = &mut doc.metadata.info;
        info.creation_date = when;
        info.modification_date = when;
        info.metadata_date = when;
    }
    doc.metadata.info.author = layout.issuer.clone();
    doc.metadata.info.creator = "MotorDesk".into();
    doc.metadata.info.producer = "MotorDesk (printpdf)".into();
    let fonts = Fonts {
        regular: embed(&mut doc, layout, false),
        bold: embed(&mut doc, layout, true),
    };
    let pages: Vec<PdfPage> = layout.pages.iter().map(|p| page(p, &fonts)).collect();
    let mut warnings = Vec::new();
    let bytes = doc
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut warnings);
    for w in warnings.iter().take(5) {
        log::debug!("printpdf: {w:?}");
    }
    bytes
}

/// Adds the face to the document, cut down to the characters the layout uses.
fn embed(doc: &mut PdfDocument, layout: &ReceiptLayout, bold: bool) -> Option<FontId> {
    let chars: BTreeSet<char> = layout
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| match i {
            Item::Text(t) if t.bold == bold => Some(t.text.chars()),
            _ => None,
        })
        .flatten()
        .collect();
    if chars.is_empty() {
        return None;
    }
    let small = fonts::subset(bold, chars)
        .and_then(|bytes| ParsedFont::from_bytes(&bytes, 0, &mut Vec::new()));
    match small {
        Some(f) => Some(doc.add_font(&f)),
        None => fonts::parsed(bold).map(|f| doc.add_font(f)),
    }
}

fn black() -> Color {
    Color::Greyscale(Greyscale::new(0.0, None))
}

fn page(p: &Page, fonts: &Fonts) -> PdfPage {
    let h = p.height_mm;
    // PDF y grows upwards from the bottom of the page; the layout's from the top.
    let pt = |x: f32, y: f32| Point::new(Mm(x), Mm(h - y));
    let mut ops = vec![
        Op::SetFillColor { col: black() },
        Op::SetOutlineColor { col: black() },
    ];
    for item in &p.items {
        match item {
            Item::Text(t) => text(&mut ops, t, pt(t.left(), t.baseline), fonts),
            Item::Rule {
                x1,
                x2,
                y,
                thickness,
            } => {
                ops.push(Op::SetOutlineThickness {
                    pt: Mm(*thickness).into(),
                });
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![
                            LinePoint {
                                p: pt(*x1, *y),
                                bezier: false,
                            },
                            LinePoint {
                                p: pt(*x2, *y),
                                bezier: false,
                            },
                        ],
                        is_closed: false,
                    },
                });
            }
            Item::Frame {
                x,
                y,
                w,
                h: fh,
                thickness,
            } => {
                ops.push(Op::SetOutlineThickness {
                    pt: Mm(*thickness).into(),
                });
                ops.push(Op::DrawRectangle {
                    rectangle: rect(pt(*x, *y + *fh), *w, *fh, PaintMode::Stroke),
                });
            }
            Item::Qr {
                x,
                y,
                module,
                matrix,
            } => {
                for (row, col, len) in matrix.dark_runs() {
                    let top = *y + row as f32 * module;
                    ops.push(Op::DrawRectangle {
                        rectangle: rect(
                            pt(*x + col as f32 * module, top + module),
                            len as f32 * module,
                            *module,
                            PaintMode::Fill,
                        ),
                    });
                }
            }
        }
    }
    PdfPage::new(Mm(p.width_mm), Mm(h), ops)
}

/// Rectangle from its lower-left corner (PDF coordinates) and size in mm.
fn rect(lower_left: Point, w: f32, h: f32, mode: PaintMode) -> Rect {
    Rect {
        x: lower_left.x,
        y: lower_left.y,
        width: Mm(w).into(),
        height: Mm(h).into(),
        mode: Some(mode),
        winding_order: None,
    }
}

fn text(ops: &mut Vec<Op>, t: &TextRun, at: Point, fonts: &Fonts) {
    let id = if t.bold { &fonts.bold } else { &fonts.regular };
    let font = match id {
        Some(id) => PdfFontHandle::External(id.clone()),
        None => PdfFontHandle::Builtin(if t.bold {
            printpdf::BuiltinFont::HelveticaBold
        } else {
            printpdf::BuiltinFont::Helvetica
        }),
    };
    ops.push(Op::StartTextSection);
    ops.push(Op::SetFont {
        font,
        size: Pt(t.size_pt),
    });
    ops.push(Op::SetTextCursor { pos: at });
    ops.push(Op::ShowText {
        items: vec![TextItem::Text(t.text.clone())],
    });
    ops.push(Op::EndTextSection);
}

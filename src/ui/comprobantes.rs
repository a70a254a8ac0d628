//! Comprobantes: every issued document, newest first, with its sync status. The list is
//! paged (`Store::document_page`, `paged.rs`): the search index orders, filters and counts
//! the documents on a worker and only the pages near the screen are opened and held, so
//! 100k documents scroll like 100 and a sale reloads one page. The selected document
//! also shows its fiscal state with SUNAT and what the CDR said.
//! A search also finds archived documents (`store::archive`), listed after the live ones
//! as ARCHIVADO; opening one reads it from its archive file, to look at and reprint.

use crate::receipt::ReceiptLayout;
use crate::store::ApprovalRequest;
use crate::store::{ArchiveError, ArchivedDocument, DOCUMENT_PAGE, DocumentPage};
use crate::store::{FiscalRecord, InvoiceSummary, MAX_VOID_REASON, Store, StoreResult, VoidStatus};
use crate::sync::VoidOutcome;
use crate::ui::approval::Approver;
use crate::ui::paged::Pages;
use crate::ui::session::{PanelId, Session};
use crate::ui::widgets::{self, Msg};
use crate::ui::{printing, theme, worker::Job};
use egui::{Button, RichText, Ui, vec2};
use egui_extras::{Column, TableBuilder};
use motordesk_core::DocumentKind;
use motordesk_core::FiscalState;
use motordesk_core::Invoice;
use motordesk_core::Stored;
use motordesk_core::lima_display;
use motordesk_core::soles;
use motordesk_core::thousands;
use rust_decimal::Decimal;
use std::ops::Range;
use uuid::Uuid;

pub(super) const ROW_HEIGHT: f32 = 44.0;

/// What the list on screen shows: rows of another key are asked for again.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ListKey {
    query: String,
    kind: Option<DocumentKind>,
    revision: u64,
}

impl ListKey {
    /// The same documents in the same order, perhaps with one more (a sale, a pull).
    fn same_list(&self, other: &ListKey) -> bool {
        self.query == other.query && self.kind == other.kind
    }
}

/// A selected document, its fiscal record and what credit notes gave back of it, loaded
/// together on a worker.
struct Detail {
    invoice: Option<Stored<Invoice>>,
    fiscal: Option<FiscalRecord>,
    credited: Decimal,
}

fn load_detail(store: &Store, id: Uuid) -> StoreResult<Detail> {
    Ok(Detail {
        invoice: store.get::<Invoice>(id)?,
        fiscal: store.fiscal_state(id)?,
        credited: store
            .invoice_summary(id)?
            .map_or(Decimal::ZERO, |s| s.credited),
    })
}

/// What a voiding job brings back: the Spanish result line, whether SUNAT was asked (a
/// refusal before sending keeps the form open) and the document reloaded.
type VoidResult = Result<(Msg, bool, Detail), String>;

/// The "Anular" form of the document shown in the detail.
#[derive(Default)]
struct VoidForm {
    reason: String,
    /// The first press asked for confirmation.
    confirming: bool,
}

#[derive(Default)]
pub(super) struct ComprobantesPanel {
    /// The live documents matching the query and kind, newest first; only the pages near
    /// the screen are held (`Store::document_page` opens a page, never the list).
    rows: Pages<InvoiceSummary, DOCUMENT_PAGE>,
    /// The key `rows` belong to, and the store's document count then.
    rows_key: Option<ListKey>,
    all: usize,
    page_job: Job<StoreResult<(ListKey, DocumentPage)>>,
    /// Places drawn in the last frame, so the page asked for next covers the screen.
    visible: Range<usize>,
    /// The next frame scrolls the list to its top (another list arrived).
    to_top: bool,
    query: String,
    kind: Option<DocumentKind>,
    /// The archived documents matching the query (searched, never listed whole), listed
    /// after the live ones: (query, kind, revision asked at, rows).
    archived_rows: Option<ArchivedRows>,
    archived_rows_job: Job<StoreResult<ArchivedRows>>,
    /// The open document when it is an archived one (read from its file).
    archived: Option<ArchivedDocument>,
    archived_job: Job<Result<Option<ArchivedDocument>, ArchiveError>>,
    selected: Option<Uuid>,
    /// The revision the open document was last read at.
    detail_rev: u64,
    detail: Option<Stored<Invoice>>,
    /// The selected document's fiscal record (`None`: not a SUNAT document of this kiosk).
    fiscal: Option<FiscalRecord>,
    /// What credit notes gave back of the open document.
    credited: Decimal,
    detail_job: Job<StoreResult<Detail>>,
    preview: Option<ReceiptLayout>,
    print_job: Job<Result<String, String>>,
    void_form: Option<VoidForm>,
    void_job: Job<VoidResult>,
    /// A cashier's voiding waits for a manager's PIN.
    void_approver: Approver,
    msg: Option<Msg>,
}

/// Archived documents found by a search: (query, kind, revision asked at, rows).
type ArchivedRows = (String, Option<DocumentKind>, u64, Vec<InvoiceSummary>);

impl ComprobantesPanel {
    pub(super) fn ui(&mut self, ui: &mut Ui, s: &mut Session) {
        self.poll(s);
        // The open document may have changed (a credit note, a SUNAT state pulled from the
        // server): read it again without closing it.
        if let Some(id) = self.selected
            && self.detail_rev != s.revision
            && !self.detail_job.busy()
            && self.detail.is_some()
            && self.archived.is_none()
        {
            let store = s.store.clone();
            self.detail_job
                .start(ui.ctx(), move || load_detail(&store, id));
            self.detail_rev = s.revision;
        }
        self.load_archived(ui.ctx(), s);

        ui.horizontal_wrapped(|ui| {
            ui.heading("Comprobantes emitidos");
            if self.rows_key.is_none() {
                ui.spinner();
                ui.label("Cargando…");
            }
        });
        ui.horizontal_wrapped(|ui| {
            widgets::inline_search(
                ui,
                "Buscar (número, cliente, placa)",
                &mut self.query,
                260.0,
            );
            let kinds: [(Option<DocumentKind>, &str); 5] = [
                (None, "Todos"),
                (Some(DocumentKind::Boleta), "Boletas"),
                (Some(DocumentKind::Factura), "Facturas"),
                (Some(DocumentKind::NotaDeVenta), "N. de venta"),
                (Some(DocumentKind::NotaDeCredito), "N. de crédito"),
            ];
            for (k, label) in kinds {
                if widgets::choice(ui, self.kind == k, label).clicked() {
                    self.kind = k;
                }
            }
        });
        let archived_note = match self.archived_shown().len() {
            0 => String::new(),
            n => format!(" · {n} archivados"),
        };
        ui.label(
            RichText::new(format!(
                "{} de {} {}{archived_note}",
                thousands(self.rows.total() as u64),
                thousands(self.all as u64),
                widgets::noun(self.all as u64, "comprobante", "comprobantes")
            ))
            .color(theme::grey()),
        );
        widgets::maybe_message(ui, &self.msg);

        if self.selected.is_some() {
            egui::Panel::right("doc_detail")
                .resizable(false)
                .exact_size((ui.available_width() * 0.4).clamp(300.0, 400.0))
                .show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("doc_detail_scroll")
                        .show(ui, |ui| self.detail_ui(ui, s));
                });
        }
        egui::CentralPanel::default().show(ui, |ui| self.table(ui, s));
        self.load_page(ui.ctx(), s);
        self.preview_ui(ui.ctx());
        if let Some(a) = self.void_approver.ui(ui.ctx(), s, &mut self.msg)
            && let (Some(id), Some(form)) = (self.selected, &self.void_form)
        {
            log::info!("voiding of {id} approved by {}", a.by());
            let reason = form.reason.clone();
            self.start_void(ui.ctx(), s, id, Some(reason));
        }
    }

    /// Asks for the page the screen needs: the page on screen again when the list's key
    /// changed (a query, the kind, a sale), else the first page on screen (or just below
    /// it) not loaded yet. One page at a time.
    fn load_page(&mut self, ctx: &egui::Context, s: &Session) {
        if self.page_job.busy() {
            return;
        }
        let key = ListKey {
            query: self.query.trim().to_string(),
            kind: self.kind,
            revision: s.revision,
        };
        let Some(offset) = self.rows.ask_from(
            self.rows_key.as_ref() == Some(&key),
            self.rows_key.as_ref().is_some_and(|k| k.same_list(&key)),
            &self.visible,
        ) else {
            return;
        };
        let store = s.store.clone();
        self.page_job.start(ctx, move || {
            let page = store.document_page(&key.query, key.kind, offset, DOCUMENT_PAGE)?;
            Ok((key, page))
        });
    }

    /// Searches the archive for the query (on a worker), once per query, kind and
    /// revision (an archiving run changes what it finds).
    fn load_archived(&mut self, ctx: &egui::Context, s: &Session) {
        let q = self.query.trim().to_string();
        let asked = self
            .archived_rows
            .as_ref()
            .is_some_and(|(aq, ak, rev, _)| *aq == q && *ak == self.kind && *rev == s.revision);
        if q.is_empty() || asked || self.archived_rows_job.busy() {
            return;
        }
        let (store, kind, rev) = (s.store.clone(), self.kind, s.revision);
        self.archived_rows_job.start(ctx, move || {
            let rows = store.archived_matches(&q, kind)?;
            Ok((q, kind, rev, rows))
        });
    }

    /// The archived rows that belong to the query on screen.
    fn archived_shown(&self) -> &[InvoiceSummary] {
        match &self.archived_rows {
            Some((q, k, _, rows)) if *q == self.query.trim() && *k == self.kind => rows,
            _ => &[],
        }
    }

    fn poll(&mut self, s: &mut Session) {
        if let Some((key, page)) = self.page_job.poll_ok(&mut self.msg) {
            // Another list, or the same after a sale: what was held may have moved, so
            // only this page stays and the rest loads as it comes on screen.
            let fresh = self.rows_key.as_ref() != Some(&key);
            // Another list (a query, a kind) starts at its top, not where the last one was.
            self.to_top = self.rows_key.as_ref().is_some_and(|k| !k.same_list(&key));
            self.rows
                .put(page.total, page.offset, page.rows, fresh, &self.visible);
            self.all = page.all;
            self.rows_key = Some(key);
        }
        if let Some(found) = self.archived_rows_job.poll_ok(&mut self.msg) {
            self.archived_rows = Some(found);
        }
        if let Some(r) = self.archived_job.poll() {
            match r {
                Ok(Some(doc)) if self.selected == Some(doc.invoice.data.id) => {
                    self.detail = Some(doc.invoice.clone());
                    self.fiscal = doc.fiscal.clone();
                    self.archived = Some(doc);
                }
                Ok(_) => {}
                Err(e) => {
                    log::warn!("opening an archived document: {e}");
                    self.msg = Some(Msg::error(e.mensaje()));
                }
            }
        }
        if let Some(d) = self.detail_job.poll_ok(&mut self.msg) {
            self.show_detail(d);
        }
        if let Some(r) = self.void_job.poll() {
            match r {
                Ok((msg, asked, d)) => {
                    self.msg = Some(msg);
                    self.show_detail(d);
                    if asked {
                        self.void_form = None;
                        s.changed();
                    }
                }
                Err(text) => self.msg = Some(Msg::error(text)),
            }
        }
        if let Some(r) = self.print_job.poll() {
            self.msg = Some(match r {
                Ok(t) => Msg::ok(t),
                Err(t) => Msg::warn(t),
            });
        }
    }

    /// A detail read on a worker, unless another document was chosen meanwhile.
    fn show_detail(&mut self, d: Detail) {
        let id = d.invoice.as_ref().map(|i| i.data.id);
        if id.is_some() && id != self.selected {
            return;
        }
        self.detail = d.invoice;
        self.fiscal = d.fiscal;
        self.credited = d.credited;
    }

    fn table(&mut self, ui: &mut Ui, s: &mut Session) {
        let mut clicked = None;
        let to_top = std::mem::take(&mut self.to_top);
        let archived_rows = self.archived_shown();
        let mut drawn: Option<Range<usize>> = None;
        // Narrower screens (or the detail pane open) drop the plate, then the date.
        let w = ui.available_width();
        let show_plate = w >= 900.0;
        let show_date = w >= 700.0;
        let long_date = show_plate;
        // With the detail open at 1024 px (~490 px of table) every column gives a little,
        // so the status badge ("SINCRONIZADO", "CON N. CRÉDITO") is not cut.
        let tight = w < 600.0;
        let mut t = TableBuilder::new(ui)
            .id_salt("documents")
            .striped(true)
            .sense(egui::Sense::click())
            .auto_shrink(false)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::exact(if tight { 150.0 } else { 165.0 }));
        if to_top {
            t = t.scroll_to_row(0, Some(egui::Align::TOP));
        }
        if show_date {
            t = t.column(Column::exact(if long_date { 185.0 } else { 120.0 }));
        }
        t = t.column(Column::remainder().at_least(90.0).clip(true));
        if show_plate {
            t = t.column(Column::exact(105.0));
        }
        t = t
            .column(Column::exact(if tight { 100.0 } else { 125.0 }))
            .column(Column::exact(if tight { 150.0 } else { 160.0 }));
        t.header(36.0, |mut h| {
            let mut head = |text: &str| {
                h.col(|ui| {
                    ui.strong(text);
                });
            };
            head("Número");
            if show_date {
                head("Fecha");
            }
            head("Cliente");
            if show_plate {
                head("Placa");
            }
            head("Total");
            head("Estado");
        })
        .body(|body| {
            let live = self.rows.total();
            body.rows(ROW_HEIGHT, live + archived_rows.len(), |mut row| {
                let i = row.index();
                drawn = Some(
                    drawn
                        .as_ref()
                        .map_or(i..i + 1, |d| d.start.min(i)..d.end.max(i + 1)),
                );
                let archived = i >= live;
                let d = if archived {
                    &archived_rows[i - live]
                } else if let Some(d) = self.rows.get(i) {
                    d
                } else {
                    // Its page is on its way (asked for after this frame).
                    row.col(|ui| {
                        ui.label(RichText::new("…").color(theme::grey()));
                    });
                    return;
                };
                row.set_selected(self.selected == Some(d.id));
                row.col(|ui| {
                    ui.label(RichText::new(d.number.to_string()).monospace().strong());
                });
                if show_date {
                    row.col(|ui| {
                        let when = lima_display(d.issued_at);
                        ui.label(if long_date {
                            when
                        } else {
                            when[..10].to_string()
                        });
                    });
                }
                row.col(|ui| {
                    ui.add(egui::Label::new(&d.buyer_name).truncate());
                });
                if show_plate {
                    row.col(|ui| {
                        ui.label(d.plate.as_deref().unwrap_or(""));
                    });
                }
                row.col(|ui| {
                    ui.label(soles(d.total));
                });
                row.col(|ui| {
                    // Credit notes speak louder than the sync state in the list; the
                    // detail still shows both.
                    let (label, colour) = if archived {
                        ("ARCHIVADO", theme::grey())
                    } else if d.fully_credited() {
                        ("ANULADA", theme::grey())
                    } else if d.credited > Decimal::ZERO {
                        ("CON N. CRÉDITO", theme::amber())
                    } else {
                        (d.status.label(), theme::status_colour(d.status))
                    };
                    widgets::badge(ui, label, colour);
                });
                if row.response().clicked() {
                    clicked = Some((d.id, archived));
                }
            });
        });
        if let Some(d) = drawn {
            self.visible = d;
        }
        if let Some((id, archived)) = clicked {
            self.select(ui.ctx(), s, id, archived);
        }
    }

    fn select(&mut self, ctx: &egui::Context, s: &Session, id: Uuid, archived: bool) {
        self.selected = Some(id);
        self.detail = None;
        self.fiscal = None;
        self.credited = Decimal::ZERO;
        self.archived = None;
        self.void_form = None;
        self.msg = None;
        let store = s.store.clone();
        if archived {
            self.archived_job
                .start(ctx, move || store.archived_document(id));
            return;
        }
        self.detail_rev = s.revision;
        self.detail_job.start(ctx, move || load_detail(&store, id));
    }

    fn detail_ui(&mut self, ui: &mut Ui, s: &mut Session) {
        ui.horizontal(|ui| {
            ui.heading("Detalle");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .add(Button::new("Cerrar detalle").min_size(vec2(0.0, theme::TOUCH)))
                    .clicked()
                {
                    self.selected = None;
                    self.detail = None;
                }
            });
        });
        let Some(rec) = &self.detail else {
            if self.detail_job.busy() || self.archived_job.busy() {
                ui.spinner();
            }
            return;
        };
        let inv = &rec.data;
        ui.label(
            RichText::new(format!("{} {}", inv.kind.short(), inv.number))
                .size(24.0)
                .strong(),
        );
        ui.horizontal_wrapped(|ui| {
            // Only synced documents are archived: ARCHIVADO says both.
            if self.archived.is_some() {
                widgets::badge(ui, "ARCHIVADO", theme::grey());
            } else {
                widgets::badge(
                    ui,
                    rec.meta.status.label(),
                    theme::status_colour(rec.meta.status),
                );
            }
            if let Some(f) = &self.fiscal {
                widgets::badge(ui, f.state.label(), fiscal_colour(f.state));
                if f.void_pending() {
                    widgets::badge(ui, "ANULACIÓN EN PROCESO", theme::amber());
                }
            }
        });
        if let Some(f) = &self.fiscal {
            fiscal_detail(ui, f);
        }
        ui.label(lima_display(inv.issued_at));
        ui.label(format!(
            "{} · {} {}",
            inv.buyer.name,
            inv.buyer.id.kind.label(),
            inv.buyer.id.number
        ));
        if let Some(v) = &inv.vehicle {
            let km = v
                .odometer_km
                .map(|k| format!(" · {} km", thousands(k)))
                .unwrap_or_default();
            ui.label(format!("Placa {}{km}", v.plate));
        }
        if let Some(m) = &inv.modifies {
            ui.label(format!(
                "Modifica: {} {} ({})",
                m.kind.short(),
                m.number,
                m.reason.label()
            ));
        }
        if let Some(by) = &inv.approved_by {
            ui.label(format!("Autorizó: {by}"));
        }
        ui.label(
            RichText::new(format!("TOTAL {}", soles(inv.totals.total)))
                .size(24.0)
                .strong(),
        );
        // An archived document's hash is in its archive, not in the store.
        let archived_hash = self.archived.as_ref().map(|a| a.digest.clone());
        if let Some(a) = &self.archived {
            ui.label(
                RichText::new(format!("Archivado en {}.", a.file))
                    .small()
                    .color(theme::grey()),
            );
        }
        ui.add_space(6.0);
        let w = ui.available_width();
        if ui
            .add(Button::new("Ver comprobante").min_size(vec2(w, 56.0)))
            .clicked()
        {
            let hash = match &archived_hash {
                Some(h) => h.clone(),
                None => printing::hash_of(&s.store, inv),
            };
            self.preview = Some(printing::layout(inv, &s.settings, hash.as_deref()));
        }
        let printing_now = self.print_job.busy();
        let label = if printing_now {
            "Imprimiendo…"
        } else {
            "Reimprimir"
        };
        if ui
            .add_enabled(!printing_now, Button::new(label).min_size(vec2(w, 56.0)))
            .clicked()
        {
            let (inv, settings, dir, on) =
                (inv.clone(), s.settings.clone(), s.receipts_dir(), s.print);
            let store = s.store.clone();
            let archived_hash = archived_hash.clone();
            self.print_job.start(ui.ctx(), move || {
                let hash = match archived_hash {
                    Some(h) => h,
                    None => printing::hash_of(&store, &inv),
                };
                printing::save_and_print(&store, &inv, &settings, hash.as_deref(), &dir, on)
            });
        }
        if archived_hash.is_some() {
            // Archived: to look at and reprint only (notes and voiding need it live).
            return;
        }
        let credited = self.credited;
        let fully = inv.totals.total > Decimal::ZERO && credited >= inv.totals.total;
        if credited > Decimal::ZERO {
            let text = if fully {
                format!(
                    "Con nota de crédito por {}: anulada por completo, no admite otra nota de crédito.",
                    soles(credited)
                )
            } else {
                format!(
                    "Con nota de crédito por {}: queda {} por acreditar.",
                    soles(credited),
                    soles(inv.totals.total - credited)
                )
            };
            ui.label(RichText::new(text).color(theme::amber()));
        }
        let creditable = matches!(inv.kind, DocumentKind::Boleta | DocumentKind::Factura) && !fully;
        if creditable
            && ui
                .add(
                    Button::new(RichText::new("Nota de crédito").color(theme::red()))
                        .min_size(vec2(w, 56.0)),
                )
                .clicked()
        {
            s.note_of = Some((DocumentKind::NotaDeCredito, inv.clone()));
            s.goto = Some(PanelId::Ventas);
        }
        if matches!(inv.kind, DocumentKind::Boleta | DocumentKind::Factura)
            && ui
                .add(Button::new("Nota de débito").min_size(vec2(w, 56.0)))
                .clicked()
        {
            s.note_of = Some((DocumentKind::NotaDeDebito, inv.clone()));
            s.goto = Some(PanelId::Ventas);
        }
        let (id, kind, number) = (inv.id, inv.kind, inv.number.to_string());
        self.void_ui(ui, s, id, kind, &number);
    }

    /// "Anular" for an accepted factura, boleta or note: the reason, a confirmation, a
    /// manager's PIN when a cashier asks (the store takes that approval once, for this
    /// document: `Store::take_void_grant`), then `void_document` on a worker. While SUNAT
    /// has the ticket, "Consultar anulación" asks again (`poll_voids`).
    fn void_ui(
        &mut self,
        ui: &mut Ui,
        s: &mut Session,
        id: Uuid,
        kind: DocumentKind,
        number: &str,
    ) {
        let Some(f) = &self.fiscal else { return };
        if kind == DocumentKind::NotaDeVenta {
            return;
        }
        let w = ui.available_width();
        let busy = self.void_job.busy() || self.void_approver.waiting();
        if f.void_pending() {
            ui.label(
                RichText::new("Anulación en proceso: SUNAT aún no la confirma.")
                    .color(theme::amber()),
            );
            let label = if busy {
                "Consultando…"
            } else {
                "Consultar anulación"
            };
            if ui
                .add_enabled(!busy, Button::new(label).min_size(vec2(w, 56.0)))
                .clicked()
            {
                self.start_void(ui.ctx(), s, id, None);
            }
            return;
        }
        if let Some(v) = f.void.as_ref().filter(|v| v.status == VoidStatus::Refused) {
            ui.label(
                RichText::new(format!("Anulación no aceptada: {}", v.description))
                    .color(theme::red()),
            );
        }
        if !f.state.is_accepted() {
            return;
        }
        let Some(form) = &mut self.void_form else {
            if ui
                .add(
                    Button::new(RichText::new("Anular").color(theme::red()))
                        .min_size(vec2(w, 56.0)),
                )
                .clicked()
            {
                self.void_form = Some(VoidForm::default());
            }
            return;
        };
        ui.add_space(6.0);
        ui.label(RichText::new(format!("Anular {number} ante SUNAT")).strong());
        widgets::field(ui, "Motivo de la anulación", &mut form.reason, w);
        let chars = form.reason.trim().chars().count();
        ui.label(
            RichText::new(format!("{chars}/{MAX_VOID_REASON} caracteres"))
                .small()
                .color(if chars > MAX_VOID_REASON {
                    theme::red()
                } else {
                    theme::grey()
                }),
        );
        let mut go = false;
        let mut cancel = false;
        if form.confirming {
            ui.label(
                RichText::new(format!(
                    "¿Confirma la anulación de {number}? SUNAT la registrará y no se puede deshacer."
                ))
                .color(theme::red())
                .strong(),
            );
            ui.horizontal_wrapped(|ui| {
                let label = if busy { "Anulando…" } else { "Sí, anular" };
                if ui
                    .add_enabled(
                        !busy,
                        Button::new(RichText::new(label).color(theme::red()).strong())
                            .min_size(vec2(160.0, 56.0)),
                    )
                    .clicked()
                {
                    go = true;
                }
                if ui
                    .add_enabled(!busy, Button::new("Cancelar").min_size(vec2(140.0, 56.0)))
                    .clicked()
                {
                    cancel = true;
                }
            });
        } else {
            ui.horizontal_wrapped(|ui| {
                if ui
                    .add(
                        Button::new(RichText::new("Anular comprobante").color(theme::red()))
                            .min_size(vec2(200.0, 56.0)),
                    )
                    .clicked()
                {
                    form.confirming = true;
                }
                if ui
                    .add(Button::new("Cancelar").min_size(vec2(140.0, 56.0)))
                    .clicked()
                {
                    cancel = true;
                }
            });
        }
        if cancel {
            self.void_form = None;
        } else if go && !s.is_admin() {
            self.void_approver.ask(ApprovalRequest::void(id));
        } else if go {
            let reason = form.reason.clone();
            self.start_void(ui.ctx(), s, id, Some(reason));
        }
    }

    /// Runs `void_document` (with a reason) or `poll_voids` (without) on a worker. In a
    /// shop with a server the summary is signed here and handed to the server
    /// (`request_void`), which sends it; asking again then just means syncing.
    fn start_void(&mut self, ctx: &egui::Context, s: &Session, id: Uuid, reason: Option<String>) {
        let client = crate::sync::sunat_client(&s.settings);
        let via_server = s.settings.has_server();
        if client.is_none() && !via_server {
            self.msg = Some(Msg::warn(
                "Configure el envío a SUNAT en Ajustes antes de anular comprobantes.",
            ));
            return;
        }
        let store = s.store.clone();
        let today = s.today();
        self.void_job.start(ctx, move || {
            let (msg, asked) = match (reason, client) {
                (Some(reason), _) if via_server => {
                    match crate::sync::request_void(&store, id, &reason, today) {
                        Ok(outcome) => (void_msg(&outcome), true),
                        Err(e) => {
                            log::warn!("void of {id}: {e}");
                            (Msg::error(e.mensaje()), false)
                        }
                    }
                }
                (None, _) if via_server => (
                    Msg::info("El servidor de la tienda consulta a SUNAT; el estado llega con la sincronización."),
                    true,
                ),
                (Some(reason), Some(client)) => {
                    match crate::sync::void_document(&store, &client, id, &reason, today) {
                        Ok(outcome) => (void_msg(&outcome), true),
                        Err(e) => {
                            log::warn!("void of {id}: {e}");
                            (Msg::error(e.mensaje()), false)
                        }
                    }
                }
                (None, Some(client)) => match crate::sync::poll_voids(&store, &client) {
                    Ok(report) => match report.outcomes.iter().find(|(d, _)| *d == id) {
                        Some((_, outcome)) => (void_msg(outcome), true),
                        None => (Msg::info("No hay anulaciones pendientes."), true),
                    },
                    Err(e) => {
                        log::warn!("polling voids: {e}");
                        (Msg::error(e.mensaje()), true)
                    }
                },
                (_, None) => unreachable!("checked above: no client means a server"),
            };
            let detail = load_detail(&store, id).map_err(|e| e.mensaje())?;
            Ok((msg, asked, detail))
        });
    }

    fn preview_ui(&mut self, ctx: &egui::Context) {
        crate::ui::receipt_modal::show(ctx, "doc_preview", &mut self.preview);
    }
}

/// The badge colour of a fiscal state: green once SUNAT accepted it, red when it must be
/// acted on, amber while it waits.
fn void_msg(outcome: &VoidOutcome) -> Msg {
    match outcome {
        VoidOutcome::Anulado { .. } => Msg::ok(outcome.mensaje()),
        VoidOutcome::Pending { .. } => Msg::info(outcome.mensaje()),
        VoidOutcome::Refused { .. } => Msg::warn(outcome.mensaje()),
    }
}

fn fiscal_colour(state: FiscalState) -> egui::Color32 {
    match state {
        FiscalState::Aceptado => theme::green(),
        FiscalState::AceptadoConObservaciones | FiscalState::PorEnviar | FiscalState::Enviado => {
            theme::amber()
        }
        FiscalState::Rechazado | FiscalState::Excepcion => theme::red(),
        FiscalState::Anulado => theme::grey(),
    }
}

/// What SUNAT said (the CDR's description and observations) and what to do next.
fn fiscal_detail(ui: &mut Ui, f: &FiscalRecord) {
    if !f.description.is_empty() {
        let text = match f.code {
            Some(code) => format!("SUNAT ({code}): {}", f.description),
            None => f.description.clone(),
        };
        ui.label(RichText::new(text).color(fiscal_colour(f.state)));
    }
    for o in &f.observations {
        ui.label(RichText::new(format!("• {o}")).small());
    }
    let hint = match f.state {
        FiscalState::Rechazado => {
            Some("Rechazado: el número quedó usado; emita un nuevo comprobante.")
        }
        FiscalState::Excepcion => Some("Excepción: se reenviará con el mismo número."),
        FiscalState::Enviado if f.outcome_unknown => {
            Some("Sin respuesta de SUNAT: se consultará su estado antes de reenviar.")
        }
        _ => None,
    };
    if let Some(h) = hint {
        ui.label(RichText::new(h).color(theme::grey()));
    }
    if f.has_cdr() {
        ui.label(
            RichText::new("Constancia (CDR) guardada.")
                .small()
                .color(theme::grey()),
        );
    }
}

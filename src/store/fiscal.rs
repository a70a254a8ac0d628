//! The fiscal record of each comprobante: where it stands with SUNAT (or the OSE), kept
//! apart from its sync state. One sealed row per signed document in `fiscal_state`: the
//! `FiscalState`, SUNAT's code, description and observations, the CDR zip exactly as
//! received, how many sends were made and whether the last one ended without an answer
//! (then the consult service is asked before anything is sent again).
//!
//! A document without a row has never been sent: it reads as POR ENVIAR. Settled
//! documents (accepted, rejected, voided) are also listed in the plain index
//! `fiscal_settled`, so finding what to send never opens a sealed value it does not need.
//!
//! `awaiting_sunat` lists what SUNAT has not settled yet with its sending deadline, for
//! Sincronización and the top bar's count.

use crate::store::InvoiceSummary;
use crate::store::comprobante::ComprobanteXml;
use crate::store::tables::{
    FISCAL_SETTLED, FISCAL_STATE, INVOICE_SUMMARIES, INVOICE_XML, UNSIGNED_XML,
};
use crate::store::{Store, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use motordesk_core::{
    DeadlineKind, DocumentKind, DocumentNumber, FiscalError, FiscalState, SendUrgency, deadline,
    lima_date, send_urgency,
};
use redb::{ReadableDatabase, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const TABLE: &str = "fiscal_state";

/// Where one document stands with SUNAT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiscalRecord {
    pub state: FiscalState,
    /// SUNAT's response code (CDR `ResponseCode`, or the code of a SOAP fault).
    #[serde(default)]
    pub code: Option<u32>,
    /// SUNAT's description, or why the outcome is not known (Spanish).
    #[serde(default)]
    pub description: String,
    /// The CDR's notes (observations), as SUNAT wrote them.
    #[serde(default)]
    pub observations: Vec<String>,
    /// The CDR zip exactly as received; empty until SUNAT gave one.
    #[serde(default)]
    pub cdr_zip: Vec<u8>,
    /// How many times the document was handed to `sendBill`.
    #[serde(default)]
    pub attempts: u32,
    #[serde(default)]
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The last send ended without a readable answer: ask the consult service before
    /// sending the same number again.
    #[serde(default)]
    pub outcome_unknown: bool,
}

impl Default for FiscalRecord {
    fn default() -> Self {
        FiscalRecord {
            state: FiscalState::PorEnviar,
            code: None,
            description: String::new(),
            observations: Vec::new(),
            cdr_zip: Vec::new(),
            attempts: 0,
            last_attempt_at: None,
            outcome_unknown: false,
        }
    }
}

impl FiscalRecord {
    /// Whether SUNAT returned a CDR that is kept here.
    pub fn has_cdr(&self) -> bool {
        !self.cdr_zip.is_empty()
    }
}

/// What one exchange with SUNAT (or the consult service) says about a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SunatOutcome {
    /// The state to move to (checked with `FiscalState::transition`).
    pub state: FiscalState,
    pub code: Option<u32>,
    pub description: String,
    pub observations: Vec<String>,
    /// The CDR, when this exchange brought one (a record keeps its old CDR otherwise).
    pub cdr_zip: Option<Vec<u8>>,
    pub outcome_unknown: bool,
    /// This exchange was a `sendBill` (counts as an attempt).
    pub attempted: bool,
    pub at: DateTime<Utc>,
}

/// A signed document that still waits for SUNAT, with what `sendBill` needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentToSend {
    pub id: Uuid,
    /// `RUC-TT-SERIE-NUMERO`.
    pub file_name: String,
    /// The signed XML, byte for byte as stored.
    pub xml: String,
    pub fiscal: FiscalRecord,
}

/// A signed document SUNAT has not settled yet (POR ENVIAR, ENVIADO or EXCEPCIÓN), with
/// its sending deadline as if sent on its own (boletas: 5 days, facturas: 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwaitingDocument {
    pub id: Uuid,
    pub kind: DocumentKind,
    pub number: DocumentNumber,
    /// Lima calendar date of issue.
    pub issue_date: NaiveDate,
    /// Calendar days since the issue date (0 on the issue day; never negative).
    pub age_days: i64,
    /// The last day SUNAT still takes it; `None` for a note whose family is unknown.
    pub deadline: Option<NaiveDate>,
    pub urgency: Option<SendUrgency>,
    pub state: FiscalState,
    /// SUNAT's last description (CDR or fault), or why the outcome is unknown.
    pub description: String,
    pub code: Option<u32>,
    /// The last send ended without an answer.
    pub outcome_unknown: bool,
}

impl AwaitingDocument {
    /// Whether the cashier may ask for a resend: SUNAT reported an exception, or the last
    /// send got no answer (the consult service is asked first, never a blind resend).
    pub fn can_resend(&self) -> bool {
        self.state == FiscalState::Excepcion || self.outcome_unknown
    }
}

/// The top bar's view of `awaiting_sunat`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AwaitingSummary {
    /// Signed documents not yet accepted (nor rejected) by SUNAT.
    pub count: usize,
    /// Of those, how many are on their last day or past it.
    pub alarm: usize,
    pub most_urgent: Option<SendUrgency>,
}

impl AwaitingSummary {
    pub fn of(docs: &[AwaitingDocument]) -> AwaitingSummary {
        AwaitingSummary {
            count: docs.len(),
            alarm: docs
                .iter()
                .filter(|d| d.urgency == Some(SendUrgency::Alarm))
                .count(),
            most_urgent: docs.iter().filter_map(|d| d.urgency).max(),
        }
    }
}

/// The family whose deadline a document follows: a note follows the document it modifies,
/// which its series' first letter names (F: factura, B: boleta).
fn deadline_kind(kind: DocumentKind, number: &DocumentNumber) -> Option<DeadlineKind> {
    let modifies = match number.series.to_string().as_bytes().first() {
        Some(b'F') => Some(DocumentKind::Factura),
        Some(b'B') => Some(DocumentKind::Boleta),
        _ => None,
    };
    DeadlineKind::for_document(kind, modifies, false)
}

fn row(id: Uuid) -> [u8; 16] {
    id.as_u128().to_be_bytes()
}

impl Store {
    /// The fiscal record of document `id`: `None` when it is not a SUNAT document of this
    /// kiosk (nota de venta, or issued on another kiosk); POR ENVIAR when never sent.
    pub fn fiscal_state(&self, id: Uuid) -> StoreResult<Option<FiscalRecord>> {
        let r = self.db().begin_read()?;
        if let Some(v) = r.open_table(FISCAL_STATE)?.get(id.as_u128())? {
            return Ok(Some(self.open_json(TABLE, &row(id), v.value())?));
        }
        let has_xml = r.open_table(INVOICE_XML)?.get(id.as_u128())?.is_some();
        Ok(has_xml.then(FiscalRecord::default))
    }

    /// Up to `limit` signed fiscal documents not yet settled with SUNAT, oldest first.
    /// Documents "sin firmar" are never listed: an unsigned XML is not a comprobante.
    pub fn documents_to_send(&self, limit: usize) -> StoreResult<Vec<DocumentToSend>> {
        let r = self.db().begin_read()?;
        let xml = r.open_table(INVOICE_XML)?;
        let unsigned = r.open_table(UNSIGNED_XML)?;
        let settled = r.open_table(FISCAL_SETTLED)?;
        let fiscal = r.open_table(FISCAL_STATE)?;
        let mut out = Vec::new();
        // Ids are UUID v7: key order is issue order.
        for e in xml.iter()? {
            if out.len() >= limit {
                break;
            }
            let (k, v) = e?;
            let key = k.value();
            if unsigned.get(key)?.is_some() || settled.get(key)?.is_some() {
                continue;
            }
            let id = Uuid::from_u128(key);
            let record: FiscalRecord = match fiscal.get(key)? {
                Some(f) => self.open_json(TABLE, &row(id), f.value())?,
                None => FiscalRecord::default(),
            };
            if record.state.is_final() {
                continue;
            }
            let doc: ComprobanteXml = self.open_json("invoice_xml", &row(id), v.value())?;
            if !doc.is_signed() {
                continue;
            }
            out.push(DocumentToSend {
                id,
                file_name: doc.file_name,
                xml: doc.xml,
                fiscal: record,
            });
        }
        Ok(out)
    }

    /// Every signed fiscal document of this kiosk that SUNAT has not settled, most urgent
    /// first, then oldest first; `today` is the Lima date. Walks the plain indexes and
    /// opens only the small summary and fiscal record of each unsettled document, never
    /// the XML.
    pub fn awaiting_sunat(&self, today: NaiveDate) -> StoreResult<Vec<AwaitingDocument>> {
        let r = self.db().begin_read()?;
        let xml = r.open_table(INVOICE_XML)?;
        let unsigned = r.open_table(UNSIGNED_XML)?;
        let settled = r.open_table(FISCAL_SETTLED)?;
        let fiscal = r.open_table(FISCAL_STATE)?;
        let summaries = r.open_table(INVOICE_SUMMARIES)?;
        let mut out = Vec::new();
        for e in xml.iter()? {
            let (k, _) = e?;
            let key = k.value();
            if unsigned.get(key)?.is_some() || settled.get(key)?.is_some() {
                continue;
            }
            let id = Uuid::from_u128(key);
            let record: FiscalRecord = match fiscal.get(key)? {
                Some(f) => self.open_json(TABLE, &row(id), f.value())?,
                None => FiscalRecord::default(),
            };
            if !record.state.awaits_sunat() {
                continue;
            }
            let Some(v) = summaries.get(key)? else {
                log::warn!("awaiting_sunat: document {id} has XML but no summary");
                continue;
            };
            let summary: InvoiceSummary =
                self.open_json("invoice_summaries", &row(id), v.value())?;
            let issue_date = lima_date(summary.issued_at);
            let family = deadline_kind(summary.kind, &summary.number);
            out.push(AwaitingDocument {
                id,
                kind: summary.kind,
                number: summary.number,
                issue_date,
                age_days: (today - issue_date).num_days().max(0),
                deadline: family.map(|f| deadline(f, issue_date)),
                urgency: family.and_then(|f| send_urgency(record.state, f, issue_date, today)),
                state: record.state,
                description: record.description,
                code: record.code,
                outcome_unknown: record.outcome_unknown,
            });
        }
        out.sort_by(|a, b| {
            b.urgency
                .cmp(&a.urgency)
                .then(a.issue_date.cmp(&b.issue_date))
                .then(a.id.cmp(&b.id))
        });
        Ok(out)
    }

    /// The count and most urgent deadline of `awaiting_sunat`, for the top bar.
    pub fn awaiting_sunat_summary(&self, today: NaiveDate) -> StoreResult<AwaitingSummary> {
        Ok(AwaitingSummary::of(&self.awaiting_sunat(today)?))
    }

    /// Records what SUNAT said about document `id`, in one write transaction. The move
    /// is checked with `FiscalState::transition`: a refused one (a rejected document told
    /// it was accepted, say) writes nothing and comes back as the inner `Err`.
    pub fn record_sunat_outcome(
        &self,
        id: Uuid,
        outcome: SunatOutcome,
    ) -> StoreResult<Result<FiscalRecord, FiscalError>> {
        let txn = self.db().begin_write()?;
        let result = self.record_in(&txn, id, outcome)?;
        if result.is_ok() {
            txn.commit()?;
        } else {
            txn.abort()?;
        }
        Ok(result)
    }

    fn record_in(
        &self,
        txn: &WriteTransaction,
        id: Uuid,
        outcome: SunatOutcome,
    ) -> StoreResult<Result<FiscalRecord, FiscalError>> {
        let key = id.as_u128();
        let mut record: FiscalRecord = {
            let t = txn.open_table(FISCAL_STATE)?;
            let v = t.get(key)?;
            match v {
                Some(v) => self.open_json(TABLE, &row(id), v.value())?,
                None => FiscalRecord::default(),
            }
        };
        let state = match record.state.transition(outcome.state) {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        record.state = state;
        record.code = outcome.code;
        record.description = outcome.description;
        record.observations = outcome.observations;
        if let Some(zip) = outcome.cdr_zip {
            record.cdr_zip = zip;
        }
        record.outcome_unknown = outcome.outcome_unknown;
        if outcome.attempted {
            record.attempts += 1;
            record.last_attempt_at = Some(outcome.at);
        }
        let sealed = self.seal_json(TABLE, &row(id), &record)?;
        txn.open_table(FISCAL_STATE)?
            .insert(key, sealed.as_slice())?;
        let mut settled = txn.open_table(FISCAL_SETTLED)?;
        if state.is_final() {
            settled.insert(key, ())?;
        } else {
            settled.remove(key)?;
        }
        Ok(Ok(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DB_FILE;
    use motordesk_core::{
        Buyer, IdDocument, IdKind, Invoice, InvoiceDraft, Modifies, NoteReason, SaleLine,
        TaxAffectation, Unit,
    };
    use rust_decimal_macros::dec;

    fn line() -> SaleLine {
        SaleLine {
            product_id: None,
            code: "SRV".into(),
            description: "Cambio de aceite".into(),
            unit: Unit::Servicio,
            quantity: rust_decimal::Decimal::ONE,
            unit_price: dec!(50.00),
            discount: rust_decimal::Decimal::ZERO,
            affectation: TaxAffectation::Gravado,
        }
    }

    fn issue(store: &Store, kind: DocumentKind, of: Option<&Invoice>) -> Invoice {
        let mut d = InvoiceDraft::new(kind);
        if kind == DocumentKind::Factura || of.is_some_and(|o| o.kind == DocumentKind::Factura) {
            d.buyer = Buyer {
                customer_id: None,
                id: IdDocument::new(IdKind::Ruc, "20131312955").unwrap(),
                name: "TRANSPORTES ANDINOS S.A.C.".into(),
                address: "AV. ARGENTINA 2450, LIMA".into(),
            };
        }
        d.lines = vec![line()];
        if let Some(o) = of {
            d.modifies = Some(Modifies::of(o, NoteReason::DevolucionPorItem, ""));
        }
        store.issue_invoice(d).unwrap()
    }

    fn outcome(state: FiscalState, code: Option<u32>, text: &str, unknown: bool) -> SunatOutcome {
        SunatOutcome {
            state,
            code,
            description: text.into(),
            observations: Vec::new(),
            cdr_zip: None,
            outcome_unknown: unknown,
            attempted: true,
            at: Utc::now(),
        }
    }

    fn record(store: &Store, id: Uuid, o: SunatOutcome) {
        store.record_sunat_outcome(id, o).unwrap().unwrap();
    }

    #[test]
    fn awaiting_sunat_lists_unsettled_documents_by_urgency_then_age() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            Store::create(&dir.path().join(DB_FILE), "admin", "clave-admin", "Admin").unwrap();
        crate::demo::setup_shop(&store).unwrap();
        let boleta = issue(&store, DocumentKind::Boleta, None);
        let factura = issue(&store, DocumentKind::Factura, None);
        let nota = issue(&store, DocumentKind::NotaDeCredito, Some(&factura));
        let accepted = issue(&store, DocumentKind::Boleta, None);
        let rejected = issue(&store, DocumentKind::Boleta, None);
        let exception = issue(&store, DocumentKind::Boleta, None);
        let lost = issue(&store, DocumentKind::Factura, None);
        let nv = issue(&store, DocumentKind::NotaDeVenta, None);
        record(
            &store,
            accepted.id,
            outcome(
                FiscalState::Aceptado,
                Some(0),
                "La Boleta ha sido aceptada",
                false,
            ),
        );
        record(
            &store,
            rejected.id,
            outcome(FiscalState::Rechazado, Some(2017), "RUC no válido", false),
        );
        record(
            &store,
            exception.id,
            outcome(
                FiscalState::Excepcion,
                Some(1032),
                "El comprobante ya fue informado",
                false,
            ),
        );
        record(
            &store,
            lost.id,
            outcome(FiscalState::Enviado, None, "Sin respuesta de SUNAT", true),
        );
        let issued = lima_date(boleta.issued_at);

        // The day after issue: everything is on time, oldest first.
        let list = store.awaiting_sunat(issued.succ_opt().unwrap()).unwrap();
        let ids: Vec<Uuid> = list.iter().map(|d| d.id).collect();
        assert_eq!(
            ids,
            vec![boleta.id, factura.id, nota.id, exception.id, lost.id]
        );
        assert!(!ids.contains(&nv.id), "a nota de venta never goes to SUNAT");
        assert!(
            list.iter()
                .all(|d| d.urgency == Some(SendUrgency::Ok) && d.age_days == 1)
        );
        let b = &list[0];
        assert_eq!(b.number.to_string(), "B001-00000001");
        assert_eq!(b.kind, DocumentKind::Boleta);
        assert_eq!(b.state, FiscalState::PorEnviar);
        assert_eq!(b.deadline, Some(issued + chrono::Days::new(5)));
        assert!(!b.can_resend());
        let n = &list[2];
        assert_eq!(n.kind, DocumentKind::NotaDeCredito);
        assert_eq!(
            n.deadline,
            Some(issued + chrono::Days::new(3)),
            "a factura's note: 3 days"
        );
        let e = &list[3];
        assert_eq!((e.state, e.code), (FiscalState::Excepcion, Some(1032)));
        assert_eq!(e.description, "El comprobante ya fue informado");
        assert!(e.can_resend());
        assert!(list[4].can_resend() && list[4].state == FiscalState::Enviado);

        // Day 3: the facturas and their note are on their last day, the boletas warn.
        let day3 = issued + chrono::Days::new(3);
        let list = store.awaiting_sunat(day3).unwrap();
        let urgent: Vec<(Uuid, Option<SendUrgency>)> =
            list.iter().map(|d| (d.id, d.urgency)).collect();
        assert_eq!(
            urgent,
            vec![
                (factura.id, Some(SendUrgency::Alarm)),
                (nota.id, Some(SendUrgency::Alarm)),
                (lost.id, Some(SendUrgency::Alarm)),
                (boleta.id, Some(SendUrgency::Warn)),
                (exception.id, Some(SendUrgency::Warn)),
            ]
        );
        assert_eq!(
            store.awaiting_sunat_summary(day3).unwrap(),
            AwaitingSummary {
                count: 5,
                alarm: 3,
                most_urgent: Some(SendUrgency::Alarm)
            }
        );
        // A clock set back reads as on time, never a negative age.
        let before = store.awaiting_sunat(issued.pred_opt().unwrap()).unwrap();
        assert!(
            before
                .iter()
                .all(|d| d.age_days == 0 && d.urgency == Some(SendUrgency::Ok))
        );

        // Accepted at last: gone from the list.
        record(
            &store,
            factura.id,
            outcome(FiscalState::Aceptado, Some(0), "Aceptada", false),
        );
        let list = store.awaiting_sunat(day3).unwrap();
        assert_eq!(list.len(), 4);
        assert!(list.iter().all(|d| d.id != factura.id));
    }

    #[test]
    fn unsigned_documents_are_not_awaiting_sunat() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            Store::create(&dir.path().join(DB_FILE), "admin", "clave-admin", "Admin").unwrap();
        crate::demo::configure_shop(&store).unwrap();
        let b = issue(&store, DocumentKind::Boleta, None);
        let today = lima_date(b.issued_at);
        assert_eq!(store.unsigned_count().unwrap(), 1);
        assert!(store.awaiting_sunat(today).unwrap().is_empty());
        assert_eq!(
            store.awaiting_sunat_summary(today).unwrap(),
            AwaitingSummary::default()
        );
    }
}

//! The shop's commands: each is one write transaction (record + indexes + outbox).

use crate::store::error::StoreResult;
use crate::store::tables::*;
use crate::store::{Approval, Store, StoreError};
use chrono::{DateTime, Utc};
use motordesk_core::Customer;
use motordesk_core::DomainError;
use motordesk_core::IdKind;
use motordesk_core::Product;
use motordesk_core::Stored;
use motordesk_core::lima_date;
use motordesk_core::{DocumentKind, DocumentNumber, MAX_CORRELATIVE};
use motordesk_core::{Invoice, InvoiceDraft, check_credit_room};
use motordesk_core::{OdometerCheck, OdometerReading, Vehicle, check_odometer};
use redb::{ReadableTable, WriteTransaction};
use rust_decimal::Decimal;
use uuid::Uuid;

pub(crate) fn doc_key(kind: IdKind, number: &str) -> String {
    format!("{}:{}", kind.code(), number)
}

impl Store {
    /// Creates or updates a customer. Document numbers are unique.
    pub fn save_customer(&self, c: Customer) -> StoreResult<Stored<Customer>> {
        let txn = self.db().begin_write()?;
        let rec = self.save_customer_in(&txn, c)?;
        txn.commit()?;
        Ok(rec)
    }

    /// Saves many customers, 5,000 per write transaction (an import; the benches' 100k
    /// fixture). One whose document another customer already has is skipped; returns
    /// how many were saved.
    pub fn import_customers(
        &self,
        customers: impl IntoIterator<Item = Customer>,
    ) -> StoreResult<usize> {
        let mut saved = 0;
        let mut it = customers.into_iter().peekable();
        while it.peek().is_some() {
            let txn = self.db().begin_write()?;
            for c in it.by_ref().take(5_000) {
                match self.save_customer_in(&txn, c) {
                    Ok(_) => saved += 1,
                    // Refused before anything was written.
                    Err(StoreError::DuplicateDocument { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
            txn.commit()?;
        }
        Ok(saved)
    }

    fn save_customer_in(
        &self,
        txn: &WriteTransaction,
        c: Customer,
    ) -> StoreResult<Stored<Customer>> {
        if c.name.trim().is_empty() {
            return Err(DomainError::NameRequired.into());
        }
        // The server refuses longer texts; refusing here keeps them out of the queue.
        c.check_limits()?;
        let old = self.read_in::<Customer>(txn, c.id)?;
        {
            let mut idx = txn.open_table(CUSTOMER_BY_DOC)?;
            if c.doc.identifies_buyer() {
                let key = self
                    .sealer()
                    .blind("doc", &doc_key(c.doc.kind, &c.doc.number));
                if let Some(other) = idx.get(key)?.map(|v| v.value())
                    && other != c.id.as_u128()
                {
                    let name = self
                        .read_in::<Customer>(txn, Uuid::from_u128(other))?
                        .map(|o| o.data.name)
                        .unwrap_or_default();
                    return Err(StoreError::DuplicateDocument {
                        number: c.doc.number.clone(),
                        name,
                    });
                }
                idx.insert(key, c.id.as_u128())?;
            }
            if let Some(o) = &old
                && o.data.doc != c.doc
                && o.data.doc.identifies_buyer()
            {
                idx.remove(
                    self.sealer()
                        .blind("doc", &doc_key(o.data.doc.kind, &o.data.doc.number)),
                )?;
            }
        }
        self.save_local(txn, c)
    }

    /// Creates or updates a vehicle. Plates are unique. The odometer is not changed here
    /// (see `update_odometer`), so an edit can never lower it.
    pub fn save_vehicle(&self, v: Vehicle) -> StoreResult<Stored<Vehicle>> {
        self.save_vehicle_with_km(v, None)
    }

    /// The vehicle and, when the form gave one, its odometer reading, in one transaction:
    /// no screen (and no crash) ever sees the vehicle without the km typed with it.
    pub fn save_vehicle_with_km(
        &self,
        mut v: Vehicle,
        km: Option<u32>,
    ) -> StoreResult<Stored<Vehicle>> {
        v.check_limits()?;
        let txn = self.db().begin_write()?;
        let old = self.read_in::<Vehicle>(&txn, v.id)?;
        if let Some(o) = &old {
            v.odometer_km = o.data.odometer_km;
        }
        {
            let mut idx = txn.open_table(VEHICLE_BY_PLATE)?;
            let key = self.sealer().blind("plate", v.plate.key());
            if let Some(other) = idx.get(key)?.map(|x| x.value())
                && other != v.id.as_u128()
            {
                return Err(StoreError::DuplicatePlate {
                    plate: v.plate.display(),
                });
            }
            idx.insert(key, v.id.as_u128())?;
            if let Some(o) = &old
                && o.data.plate != v.plate
            {
                idx.remove(self.sealer().blind("plate", o.data.plate.key()))?;
            }
            let mut owners = txn.open_table(VEHICLES_BY_OWNER)?;
            if let Some(o) = old.as_ref().and_then(|o| o.data.owner_id) {
                owners.remove((o.as_u128(), v.id.as_u128()))?;
            }
            if let Some(o) = v.owner_id {
                owners.insert((o.as_u128(), v.id.as_u128()), ())?;
            }
        }
        let mut rec = self.save_local(&txn, v)?;
        if let Some(km) = km {
            self.update_odometer_in(&txn, rec.data.id, km, None, Utc::now(), None)?;
            rec = self
                .read_in::<Vehicle>(&txn, rec.data.id)?
                .ok_or(StoreError::NotFound("el vehículo"))?;
        }
        txn.commit()?;
        Ok(rec)
    }

    pub fn save_product(&self, p: Product) -> StoreResult<Stored<Product>> {
        p.check_limits()?;
        let txn = self.db().begin_write()?;
        let rec = self.save_local(&txn, p)?;
        txn.commit()?;
        Ok(rec)
    }

    /// Records a new odometer reading: refuses one below the last, warns on a big jump.
    pub fn update_odometer(&self, vehicle_id: Uuid, km: u32) -> StoreResult<OdometerCheck> {
        let txn = self.db().begin_write()?;
        let check = self.update_odometer_in(&txn, vehicle_id, km, None, Utc::now(), None)?;
        txn.commit()?;
        Ok(check)
    }

    /// The reading, and the vehicle saved once with its new km and, when the sale was a
    /// service (`service`: km interval, date), its reset service counter.
    fn update_odometer_in(
        &self,
        txn: &WriteTransaction,
        vehicle_id: Uuid,
        km: u32,
        invoice_id: Option<Uuid>,
        at: DateTime<Utc>,
        service: Option<(u32, chrono::NaiveDate)>,
    ) -> StoreResult<OdometerCheck> {
        let mut v = self
            .read_in::<Vehicle>(txn, vehicle_id)?
            .ok_or(StoreError::NotFound("el vehículo"))?
            .data;
        let check = check_odometer(v.odometer_km, km)?;
        let reading = OdometerReading {
            id: Uuid::now_v7(),
            vehicle_id,
            km,
            read_at: at,
            invoice_id,
        };
        txn.open_table(ODOMETER_BY_VEHICLE)?
            .insert((vehicle_id.as_u128(), reading.id.as_u128()), ())?;
        let summary = format!("Kilometraje {} {} km", v.plate, km);
        self.save_local_as(txn, reading, summary)?;
        if km != v.odometer_km || service.is_some() {
            v.odometer_km = km;
            if let Some((every, date)) = service {
                v.last_service_km = Some(km);
                v.last_service_date = Some(date);
                v.service_interval_km = every;
            }
            self.save_local(txn, v)?;
        }
        Ok(check)
    }

    /// Issues a document: takes the next number of this kiosk's series, checks every
    /// rule, and writes the invoice, its indexes, the odometer reading of the serviced
    /// vehicle and all outbox entries in one transaction. Nothing is half-saved.
    ///
    /// A credit note, or a sale with a discount above the shop's limit, needs a manager's
    /// approval: an administrator's session gives its own; a cashier's is refused here
    /// (`ApprovalRefusal::Required`) and goes through `issue_approved`.
    pub fn issue_invoice(&self, draft: InvoiceDraft) -> StoreResult<Invoice> {
        self.issue_with(draft, None)
    }

    /// `issue_invoice` with a manager's `approval` (`Store::approve`), spent by this
    /// issue when the document needs one.
    pub fn issue_approved(&self, draft: InvoiceDraft, approval: &Approval) -> StoreResult<Invoice> {
        self.issue_with(draft, Some(approval))
    }

    fn issue_with(&self, draft: InvoiceDraft, approval: Option<&Approval>) -> StoreResult<Invoice> {
        let settings = self.settings()?;
        let txn = self.db().begin_write()?;
        let inv = self.issue_invoice_in(&txn, draft, &settings, Utc::now(), approval)?;
        txn.commit()?;
        Ok(inv)
    }

    /// `issue_invoice` inside the caller's transaction, issued at `at` (the demo data
    /// generator backdates history; the kiosk always passes now).
    pub(crate) fn issue_invoice_in(
        &self,
        txn: &WriteTransaction,
        draft: InvoiceDraft,
        settings: &crate::store::settings::ShopSettings,
        at: DateTime<Utc>,
        approval: Option<&Approval>,
    ) -> StoreResult<Invoice> {
        // Nothing fiscal leaves this kiosk before the shop is set up (no placeholder RUC
        // on a real receipt); the nota de venta is internal and needs no RUC.
        let issuer = if draft.kind.is_fiscal() {
            Some(settings.sunat_issuer()?)
        } else {
            None
        };
        let mut draft = draft;
        draft.detraccion_account = settings.detraccion_account.clone();
        draft.check()?;
        self.authorize_in(txn, &mut draft, settings.discount_limit_pct, approval)?;
        let modifies_kind = draft.modifies.as_ref().map(|m| m.kind);
        let series = settings.series.series_for(draft.kind, modifies_kind);
        if let Some(m) = &mut draft.modifies {
            let orig = self
                .read_in::<Invoice>(txn, m.invoice_id)?
                .ok_or(StoreError::NotFound("el comprobante original"))?
                .data;
            if orig.number != m.number || orig.kind != m.kind || orig.totals.total != m.total {
                return Err(DomainError::CreditNoteNeedsReference.into());
            }
            // The date rule needs the original's date: take it from the store, not the
            // screen.
            m.issued_at = Some(orig.issued_at);
            if draft.kind == DocumentKind::NotaDeCredito {
                let credited = self.credited_in(txn, orig.id)?;
                let new_note = draft.totals()?.total;
                check_credit_room(orig.totals.total, &credited, new_note)?;
            }
        }
        let correlative = {
            let mut t = txn.open_table(CORRELATIVES)?;
            let last = t.get(series.as_str())?.map_or(0, |v| v.value());
            if last >= MAX_CORRELATIVE {
                return Err(StoreError::SeriesExhausted(series));
            }
            t.insert(series.as_str(), last + 1)?;
            last + 1
        };
        let number = DocumentNumber {
            series,
            correlative,
        };
        let inv = Invoice::from_draft(
            draft,
            Uuid::now_v7(),
            number,
            at,
            self.device_id(),
            self.account(),
        )?;
        let id = inv.id.as_u128();
        if txn.open_table(INVOICES)?.get(id)?.is_some() {
            return Err(StoreError::InvoiceImmutable);
        }
        let signed = match &issuer {
            Some(issuer) => self.write_comprobante(txn, &inv, issuer)?,
            None => None,
        };
        self.index_invoice(txn, &inv)?;
        if let Some(v) = &inv.vehicle
            && let Some(km) = v.odometer_km
        {
            let service = self
                .service_interval(txn, &inv)?
                .map(|every| (every, lima_date(inv.issued_at)));
            self.update_odometer_in(txn, v.vehicle_id, km, Some(inv.id), at, service)?;
        }
        let rec = self.save_local(txn, inv)?;
        if let Some(file_name) = signed {
            self.queue_signed(txn, rec.data.id, &file_name, at)?;
        }
        Ok(rec.data)
    }

    /// The lookups of an invoice: by number, by customer, by vehicle. Used for local
    /// issues and for invoices pulled from other kiosks alike.
    pub(crate) fn index_invoice(&self, txn: &WriteTransaction, inv: &Invoice) -> StoreResult<()> {
        let id = inv.id.as_u128();
        txn.open_table(INVOICE_BY_NUMBER)?
            .insert(self.sealer().blind("number", &inv.number.to_string()), id)?;
        if let Some(c) = inv.buyer.customer_id {
            txn.open_table(INVOICES_BY_CUSTOMER)?
                .insert((c.as_u128(), id), ())?;
        }
        if let Some(v) = &inv.vehicle {
            txn.open_table(INVOICES_BY_VEHICLE)?
                .insert((v.vehicle_id.as_u128(), id), ())?;
        }
        if let Some(m) = &inv.modifies {
            txn.open_table(NOTES_BY_ORIGINAL)?
                .insert((m.invoice_id.as_u128(), id), ())?;
            if inv.kind == DocumentKind::NotaDeCredito {
                self.refresh_credited(txn, m.invoice_id, (inv.id, inv.totals.total))?;
            }
        }
        Ok(())
    }

    /// Totals of the credit notes already issued against document `original`.
    fn credited_in(&self, txn: &WriteTransaction, original: Uuid) -> StoreResult<Vec<Decimal>> {
        let ids: Vec<u128> = {
            let t = txn.open_table(NOTES_BY_ORIGINAL)?;
            let key = original.as_u128();
            t.range((key, 0)..=(key, u128::MAX))?
                .map(|e| e.map(|(k, _)| k.value().1))
                .collect::<Result<_, _>>()?
        };
        let mut out = Vec::new();
        for id in ids {
            if let Some(n) = self.read_in::<Invoice>(txn, Uuid::from_u128(id))?
                && n.data.kind == DocumentKind::NotaDeCredito
            {
                out.push(n.data.totals.total);
            }
        }
        Ok(out)
    }

    /// The credit and debit notes issued against document `original`, oldest first.
    pub fn notes_of(&self, original: Uuid) -> StoreResult<Vec<Invoice>> {
        let r = self.db().begin_read()?;
        let idx = r.open_table(NOTES_BY_ORIGINAL)?;
        let invoices = r.open_table(INVOICES)?;
        let key = original.as_u128();
        let mut out = Vec::new();
        for e in idx.range((key, 0)..=(key, u128::MAX))? {
            let id = Uuid::from_u128(e?.0.value().1);
            if let Some(n) = self.read_record::<Invoice>(&invoices, id)? {
                out.push(n.data);
            }
        }
        Ok(out)
    }

    /// An invoice that sold a product with a change interval (oil, filters) resets the
    /// vehicle's service counter: the shortest interval sold, if any. Intervals come from
    /// the store's in-memory product table (`product_interval`), not a decryption per line.
    fn service_interval(&self, txn: &WriteTransaction, inv: &Invoice) -> StoreResult<Option<u32>> {
        if inv.kind == DocumentKind::NotaDeCredito || inv.vehicle.is_none() {
            return Ok(None);
        }
        let mut interval = None;
        for line in &inv.lines {
            if let Some(pid) = line.product_id
                && let Some(every) = self.product_interval(txn, pid)?
            {
                interval = Some(interval.map_or(every, |i: u32| i.min(every)));
            }
        }
        Ok(interval)
    }
}

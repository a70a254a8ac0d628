//! Manager approval: an administrator sets a 4–6 digit PIN, kept as an Argon2id hash
//! (sealed, like everything in the store), and types it on the kiosk's number pad when a
//! cashier needs a credit note, a voiding, a discount above the shop's limit or a shift
//! close. The store checks the PIN, never the screen; wrong PINs are counted in the file
//! and refused for a doubling wait after three, so six digits cannot be walked through.

use crate::store::Store;
use crate::store::error::{StoreError, StoreResult};
use crate::store::keyslots::{KDF_MEMORY_KIB, KDF_PASSES};
use crate::store::tables::SETTINGS;
use crate::store::throttle::{ACCOUNT_FREE, now_ms, wait_secs};
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
use chrono::{DateTime, Utc};
use motordesk_core::{DocumentKind, DomainError, InvoiceDraft, Role};
use redb::{ReadableTable, TableDefinition, WriteTransaction};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const PIN_MIN: usize = 4;
pub const PIN_MAX: usize = 6;
/// One plain row, "@pin" → (wrong PINs in a row, unix ms of the last): read before any
/// Argon2id is spent, kept apart from the login counters so a wrong PIN never slows a
/// login down.
const PIN_FAILURES: TableDefinition<&str, (u32, i64)> = TableDefinition::new("pin_failures");
const PIN_ROW: &str = "@pin";
const PREFIX: &str = "pin:";
/// A manager's approval not used yet: "grant:<uuid v7>" → sealed `Grant`.
const GRANT_PREFIX: &str = "grant:";
/// How long a grant waits for the action it approves: long enough for the PIN, the
/// confirmation and a slow issue, short enough that an approval left on a kiosk does
/// not outlive the manager's walk back to the bay.
pub const GRANT_SECS: i64 = 120;

/// What a manager approves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApprovalAction {
    CreditNote,
    Void,
    Discount,
    ShiftClose,
}

impl ApprovalAction {
    /// What the PIN pad says it is for.
    pub fn label(self) -> &'static str {
        match self {
            ApprovalAction::CreditNote => "Nota de crédito",
            ApprovalAction::Void => "Anulación",
            ApprovalAction::Discount => "Descuento",
            ApprovalAction::ShiftClose => "Cierre de caja",
        }
    }
}

/// A PIN accepted: who approved, what and when (kept on the close, and in the approvals
/// log). Plain data: holding one grants nothing (that is `Approval`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRecord {
    pub by: String,
    pub name: String,
    pub action: ApprovalAction,
    pub at: DateTime<Utc>,
}

/// What a manager is asked to approve: the action, the document it is about and the
/// amount (soles for a credit note, percent for a discount). An approval covers only
/// that document and at most that amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRequest {
    pub action: ApprovalAction,
    subject: Option<Uuid>,
    amount: Option<Decimal>,
}

impl ApprovalRequest {
    /// A credit note of `total` on document `original`.
    pub fn credit_note(original: Uuid, total: Decimal) -> Self {
        ApprovalRequest {
            action: ApprovalAction::CreditNote,
            subject: Some(original),
            amount: Some(total),
        }
    }

    /// A global discount of `pct` percent on a sale.
    pub fn discount(pct: Decimal) -> Self {
        ApprovalRequest {
            action: ApprovalAction::Discount,
            subject: None,
            amount: Some(pct),
        }
    }

    /// The voiding of document `document`.
    pub fn void(document: Uuid) -> Self {
        ApprovalRequest {
            action: ApprovalAction::Void,
            subject: Some(document),
            amount: None,
        }
    }

    pub fn shift_close() -> Self {
        ApprovalRequest {
            action: ApprovalAction::ShiftClose,
            subject: None,
            amount: None,
        }
    }

    /// Whether an approval given for `self` covers `need`: same action, same document,
    /// and an amount no larger than the one approved.
    fn covers(&self, need: &ApprovalRequest) -> bool {
        self.action == need.action
            && (need.subject.is_none() || self.subject == need.subject)
            && match (self.amount, need.amount) {
                (_, None) => true,
                (Some(approved), Some(asked)) => asked <= approved,
                (None, Some(_)) => false,
            }
    }
}

/// A manager's approval, as the store's issue paths require it: made only by
/// `Store::approve` (its fields are private to this module, it is neither `Clone` nor
/// `Deserialize`), good once (its grant row is removed in the transaction of the action
/// it approves), for the request it was given for, by the account that asked, within
/// `GRANT_SECS`.
#[derive(Debug)]
pub struct Approval {
    grant: Uuid,
    record: ApprovalRecord,
}

impl Approval {
    /// The approving administrator's username.
    pub fn by(&self) -> &str {
        &self.record.by
    }

    /// Who approved what and when.
    pub fn record(&self) -> &ApprovalRecord {
        &self.record
    }
}

/// The store's side of an `Approval`: what it covers, sealed in the settings table under
/// "grant:<id>" until used or expired.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Grant {
    account: String,
    request: ApprovalRequest,
    record: ApprovalRecord,
}

/// Why an approval or a PIN change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ApprovalRefusal {
    /// A PIN is 4 to 6 digits.
    #[error("a PIN is 4 to 6 digits")]
    PinFormat,
    /// Only an administrator sets a manager PIN.
    #[error("only an administrator sets a manager PIN")]
    NotAdmin,
    /// No administrator has set a PIN yet.
    #[error("no manager PIN is set")]
    NoPinSet,
    /// The PIN matches no administrator.
    #[error("wrong manager PIN")]
    WrongPin,
    /// The action needs a manager's approval and none was given.
    #[error("{0:?} needs a manager's approval")]
    Required(ApprovalAction),
    /// The approval was already used (or belongs to another store file).
    #[error("approval already used")]
    Used,
    /// The approval is older than `GRANT_SECS`.
    #[error("approval expired")]
    Expired,
    /// The approval was given for another action, document, amount or account.
    #[error("approval given for something else")]
    Mismatch,
}

impl ApprovalRefusal {
    pub fn mensaje(&self) -> String {
        match self {
            ApprovalRefusal::PinFormat => "El PIN debe tener de 4 a 6 dígitos.".into(),
            ApprovalRefusal::NotAdmin => {
                "Solo un administrador puede configurar un PIN de autorización.".into()
            }
            ApprovalRefusal::NoPinSet => {
                "Ningún administrador configuró su PIN de autorización (Ajustes › PIN de autorización).".into()
            }
            ApprovalRefusal::WrongPin => "PIN incorrecto.".into(),
            ApprovalRefusal::Required(a) => {
                let what = match a {
                    ApprovalAction::CreditNote => "Una nota de crédito",
                    ApprovalAction::Void => "Una anulación",
                    ApprovalAction::Discount => "Un descuento mayor al límite de la tienda",
                    ApprovalAction::ShiftClose => "El cierre de caja",
                };
                format!("{what} necesita la autorización de un administrador con su PIN.")
            }
            ApprovalRefusal::Used => {
                "Esta autorización ya se usó: un administrador debe ingresar su PIN otra vez.".into()
            }
            ApprovalRefusal::Expired => format!(
                "La autorización venció ({} minutos): un administrador debe ingresar su PIN otra vez.",
                GRANT_SECS / 60
            ),
            ApprovalRefusal::Mismatch => {
                "La autorización fue para otra operación o por un monto menor: un administrador debe autorizar esta.".into()
            }
        }
    }
}

/// The stored hash of one administrator's PIN.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PinHash {
    salt: [u8; 16],
    memory_kib: u32,
    passes: u32,
    hash: [u8; 32],
}

fn derive(pin: &str, salt: &[u8; 16], memory_kib: u32, passes: u32) -> StoreResult<[u8; 32]> {
    let params = Params::new(memory_kib, passes, 1, Some(32))?;
    let mut out = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params).hash_password_into(
        pin.as_bytes(),
        salt,
        &mut out,
    )?;
    Ok(out)
}

/// Equal without an early exit.
fn same(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn check_format(pin: &str) -> Result<(), ApprovalRefusal> {
    let n = pin.chars().count();
    if !(PIN_MIN..=PIN_MAX).contains(&n) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(ApprovalRefusal::PinFormat);
    }
    Ok(())
}

impl Store {
    pub(crate) fn is_admin_account(&self) -> StoreResult<bool> {
        Ok(self
            .user(self.account())?
            .is_some_and(|u| u.role == Role::Administrador && u.active))
    }

    /// Sets (or changes) the logged-in administrator's approval PIN.
    pub fn set_manager_pin(&self, pin: &str) -> StoreResult<()> {
        if !self.is_admin_account()? {
            return Err(ApprovalRefusal::NotAdmin.into());
        }
        check_format(pin)?;
        let mut salt = [0u8; 16];
        OsRng.fill_bytes(&mut salt);
        let hash = PinHash {
            salt,
            memory_kib: KDF_MEMORY_KIB,
            passes: KDF_PASSES,
            hash: derive(pin, &salt, KDF_MEMORY_KIB, KDF_PASSES)?,
        };
        let row = format!("{PREFIX}{}", self.account());
        let txn = self.db().begin_write()?;
        {
            let sealed = self.seal_json("settings", row.as_bytes(), &hash)?;
            txn.open_table(SETTINGS)?
                .insert(row.as_str(), sealed.as_slice())?;
        }
        txn.commit()?;
        log::info!("manager PIN set by {}", self.account());
        Ok(())
    }

    /// The administrators with a PIN, with their hashes.
    fn pins(&self) -> StoreResult<Vec<(String, PinHash)>> {
        let r = self.db().begin_read()?;
        let t = r.open_table(SETTINGS)?;
        let mut out = Vec::new();
        for row in t.range(PREFIX..)? {
            let (k, v) = row?;
            let Some(user) = k.value().strip_prefix(PREFIX) else {
                break;
            };
            out.push((
                user.to_string(),
                self.open_json("settings", k.value().as_bytes(), v.value())?,
            ));
        }
        Ok(out)
    }

    /// Whether the logged-in account has a PIN, and whether any administrator has one.
    pub fn manager_pin_state(&self) -> StoreResult<(bool, bool)> {
        let pins = self.pins()?;
        Ok((
            pins.iter().any(|(u, _)| u == self.account()),
            !pins.is_empty(),
        ))
    }

    /// Seconds before the next PIN is taken (0: now).
    pub fn pin_wait_secs(&self) -> StoreResult<u64> {
        let r = self.db().begin_read()?;
        let t = match r.open_table(PIN_FAILURES) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(0),
            Err(e) => return Err(e.into()),
        };
        let Some(v) = t.get(PIN_ROW)? else {
            return Ok(0);
        };
        let (failures, last) = v.value();
        let wait = wait_secs(failures, ACCOUNT_FREE) * 1000;
        let left = (last.saturating_add(wait) - now_ms()).clamp(0, wait);
        Ok((left as u64).div_ceil(1000))
    }

    fn pin_failure(&self, failed: bool) -> StoreResult<()> {
        let txn = self.db().begin_write()?;
        {
            let mut t = txn.open_table(PIN_FAILURES)?;
            if failed {
                let n = t.get(PIN_ROW)?.map_or(0, |v| v.value().0);
                t.insert(PIN_ROW, (n.saturating_add(1), now_ms()))?;
            } else {
                t.remove(PIN_ROW)?;
            }
        }
        txn.commit()?;
        Ok(())
    }

    /// The administrator whose PIN `pin` is, for `action`; a refusal (wrong, none set,
    /// or `TooManyAttempts` while the wait runs) otherwise. Wrong PINs are counted.
    /// Blocking (Argon2id per PIN set).
    fn check_pin(&self, pin: &str, action: ApprovalAction) -> StoreResult<ApprovalRecord> {
        let wait = self.pin_wait_secs()?;
        if wait > 0 {
            return Err(StoreError::TooManyAttempts { wait_secs: wait });
        }
        let pins = self.pins()?;
        if pins.is_empty() {
            return Err(ApprovalRefusal::NoPinSet.into());
        }
        let mut found = None;
        if check_format(pin).is_ok() {
            for (user, h) in &pins {
                if same(&derive(pin, &h.salt, h.memory_kib, h.passes)?, &h.hash) {
                    found = Some(user.clone());
                }
            }
        }
        // A PIN of a former administrator (demoted or disabled) no longer approves.
        let approver = match found {
            Some(u) => self
                .user(&u)?
                .filter(|u| u.role == Role::Administrador && u.active),
            None => None,
        };
        let Some(user) = approver else {
            self.pin_failure(true)?;
            log::warn!("wrong manager PIN for {action:?} at {}", self.account());
            return Err(ApprovalRefusal::WrongPin.into());
        };
        self.pin_failure(false)?;
        Ok(ApprovalRecord {
            by: user.username.clone(),
            name: user.display_name.clone(),
            action,
            at: Utc::now(),
        })
    }

    /// Checks a manager's PIN for `request` and returns the approval the action's own
    /// store call requires (`issue_approved`, `issue_ticket`): single-use, bound to the
    /// request and this account, good for `GRANT_SECS`. Each approval is written to the
    /// approvals log.
    pub fn approve(&self, pin: &str, request: ApprovalRequest) -> StoreResult<Approval> {
        let record = self.check_pin(pin, request.action)?;
        let grant = Grant {
            account: self.account().to_string(),
            request,
            record,
        };
        let id = Uuid::now_v7();
        let txn = self.db().begin_write()?;
        {
            let mut t = txn.open_table(SETTINGS)?;
            self.log_approval(&mut t, &grant.record)?;
            // Grants never used are dropped once stale, so the table does not grow.
            let stale: Vec<String> = t
                .range(GRANT_PREFIX..)?
                .map_while(|row| {
                    let (k, _) = row.ok()?;
                    let k = k.value().to_string();
                    k.starts_with(GRANT_PREFIX).then_some(k)
                })
                .filter(|k| {
                    k[GRANT_PREFIX.len()..]
                        .parse::<Uuid>()
                        .ok()
                        .and_then(|u| u.get_timestamp())
                        .is_none_or(|ts| {
                            let (secs, _) = ts.to_unix();
                            (Utc::now().timestamp() - secs as i64) > GRANT_SECS
                        })
                })
                .collect();
            for k in stale {
                t.remove(k.as_str())?;
            }
            let row = format!("{GRANT_PREFIX}{id}");
            let sealed = self.seal_json("settings", row.as_bytes(), &grant)?;
            t.insert(row.as_str(), sealed.as_slice())?;
        }
        txn.commit()?;
        log::info!(
            "{:?} approved by {} for {}",
            grant.request.action,
            grant.record.by,
            self.account()
        );
        Ok(Approval {
            grant: id,
            record: grant.record,
        })
    }

    /// Checks a manager's PIN for an action done right away by the same call (the shift
    /// close): no grant is left behind. The approval is logged.
    pub(crate) fn approve_now(
        &self,
        pin: &str,
        action: ApprovalAction,
    ) -> StoreResult<ApprovalRecord> {
        let record = self.check_pin(pin, action)?;
        let txn = self.db().begin_write()?;
        self.log_approval(&mut txn.open_table(SETTINGS)?, &record)?;
        txn.commit()?;
        log::info!(
            "{action:?} approved by {} for {}",
            record.by,
            self.account()
        );
        Ok(record)
    }

    fn log_approval(
        &self,
        t: &mut redb::Table<&str, &[u8]>,
        record: &ApprovalRecord,
    ) -> StoreResult<()> {
        let row = format!("approval:{}", record.at.to_rfc3339());
        let sealed = self.seal_json("settings", row.as_bytes(), record)?;
        t.insert(row.as_str(), sealed.as_slice())?;
        Ok(())
    }

    /// Uses `approval` for `need` inside the action's write transaction: its grant row
    /// is removed there, so it is spent exactly when the action commits (a refused
    /// action leaves it usable). Refused when already used, expired at `now`, asked by
    /// another account, or given for another action, document or a smaller amount.
    pub(crate) fn use_approval_in(
        &self,
        txn: &WriteTransaction,
        approval: &Approval,
        need: &ApprovalRequest,
        now: DateTime<Utc>,
    ) -> StoreResult<ApprovalRecord> {
        let row = format!("{GRANT_PREFIX}{}", approval.grant);
        let mut t = txn.open_table(SETTINGS)?;
        let Some(v) = t.remove(row.as_str())?.map(|v| v.value().to_vec()) else {
            return Err(ApprovalRefusal::Used.into());
        };
        let grant: Grant = self.open_json("settings", row.as_bytes(), &v)?;
        let age = (now - grant.record.at).num_seconds();
        if !(0..=GRANT_SECS).contains(&age) {
            return Err(ApprovalRefusal::Expired.into());
        }
        if grant.account != self.account() || !grant.request.covers(need) {
            return Err(ApprovalRefusal::Mismatch.into());
        }
        Ok(grant.record)
    }

    /// Takes (once) a manager's approval of voiding `document` given by PIN to this
    /// account in the last `GRANT_SECS`: the store's own check in `begin_void`, whose
    /// callers (the SUNAT path) do not carry the token. The approver, or `None`.
    pub(crate) fn take_void_grant(&self, document: Uuid) -> StoreResult<Option<ApprovalRecord>> {
        let need = ApprovalRequest::void(document);
        let now = Utc::now();
        let txn = self.db().begin_write()?;
        let found = {
            let mut t = txn.open_table(SETTINGS)?;
            let mut found = None;
            let rows: Vec<(String, Vec<u8>)> = t
                .range(GRANT_PREFIX..)?
                .map_while(|row| {
                    let (k, v) = row.ok()?;
                    let k = k.value().to_string();
                    k.starts_with(GRANT_PREFIX).then(|| (k, v.value().to_vec()))
                })
                .collect();
            for (k, v) in rows {
                let g: Grant = self.open_json("settings", k.as_bytes(), &v)?;
                let age = (now - g.record.at).num_seconds();
                if g.account == self.account()
                    && g.request.covers(&need)
                    && (0..=GRANT_SECS).contains(&age)
                {
                    t.remove(k.as_str())?;
                    found = Some(g.record);
                    break;
                }
            }
            found
        };
        txn.commit()?;
        Ok(found)
    }
}

/// The approval `draft` needs before it is issued, if any: every credit note (on its
/// original, for its total), and a sale whose global discount is above the shop's limit
/// (for that percent). Notes mirror their original's discount and are not sales, so the
/// discount rule is not applied to them again.
pub(crate) fn approval_needed(
    draft: &InvoiceDraft,
    discount_limit_pct: Option<Decimal>,
) -> Result<Option<ApprovalRequest>, DomainError> {
    if draft.kind == DocumentKind::NotaDeCredito {
        let original = draft
            .modifies
            .as_ref()
            .ok_or(DomainError::CreditNoteNeedsReference)?
            .invoice_id;
        return Ok(Some(ApprovalRequest::credit_note(
            original,
            draft.totals()?.total,
        )));
    }
    if draft.modifies.is_none()
        && let Some(limit) = discount_limit_pct
        && draft.global_discount_pct > limit
    {
        return Ok(Some(ApprovalRequest::discount(draft.global_discount_pct)));
    }
    Ok(None)
}

impl Store {
    /// The store's own check of a document's approval, inside its issue transaction:
    /// when `approval_needed` says one is due, `approval` is used (and spent) for it, or
    /// an administrator's own session approves it; a cashier without one is refused.
    /// The approver's username is written on the document, whatever the screen put there.
    pub(crate) fn authorize_in(
        &self,
        txn: &WriteTransaction,
        draft: &mut InvoiceDraft,
        discount_limit_pct: Option<Decimal>,
        approval: Option<&Approval>,
    ) -> StoreResult<()> {
        draft.approved_by = None;
        let Some(need) = approval_needed(draft, discount_limit_pct)? else {
            return Ok(());
        };
        let by = match approval {
            Some(a) => self.use_approval_in(txn, a, &need, Utc::now())?.by,
            None if self.is_admin_account()? => self.account().to_string(),
            None => return Err(ApprovalRefusal::Required(need.action).into()),
        };
        log::info!("{:?} on {:?} approved by {by}", need.action, draft.kind);
        draft.approved_by = Some(by);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DB_FILE;

    /// An administrator with PIN 4321, a configured shop with a discount limit of 10 %,
    /// a boleta of S/ 250.00 issued by the administrator, and the cashier's session (one
    /// session has the file open at a time, as on the kiosk).
    fn shop_with_cashier(dir: &std::path::Path) -> (Store, motordesk_core::Invoice) {
        use motordesk_core::{Product, TaxAffectation, Unit};
        let path = dir.join(DB_FILE);
        let admin = Store::create(&path, "admin", "secreto123", "Ana Admin").unwrap();
        crate::demo::configure_shop(&admin).unwrap();
        let mut settings = admin.settings().unwrap();
        settings.discount_limit_pct = Some(Decimal::from(10));
        admin.save_settings(&settings).unwrap();
        admin.set_manager_pin("4321").unwrap();
        admin
            .add_user("caja1", "turno1", "Carla", Role::Cajero)
            .unwrap();
        let oil = Product {
            id: Uuid::now_v7(),
            code: "ACE-001".into(),
            name: "Aceite 10W-40 (1 gl)".into(),
            category: "Aceites".into(),
            unit: Unit::Galon,
            price: Decimal::from(125),
            affectation: TaxAffectation::Gravado,
            quick_key: true,
            change_every_km: None,
            active: true,
        };
        admin.save_product(oil.clone()).unwrap();
        let mut sale = InvoiceDraft::new(DocumentKind::Boleta);
        sale.lines.push(oil.line(Decimal::from(2)));
        let boleta = admin.issue_invoice(sale).unwrap();
        drop(admin);
        let caja = Store::unlock(&path, "caja1", "turno1").unwrap();
        (caja, boleta)
    }

    /// Closes `session` and opens the administrator's.
    fn as_admin(session: Store) -> Store {
        let path = session.path().to_path_buf();
        drop(session);
        Store::unlock(&path, "admin", "secreto123").unwrap()
    }

    /// Closes `session` and opens the cashier's.
    fn as_cashier(session: Store) -> Store {
        let path = session.path().to_path_buf();
        drop(session);
        Store::unlock(&path, "caja1", "turno1").unwrap()
    }

    fn credit_note(of: &motordesk_core::Invoice, lines: usize) -> InvoiceDraft {
        let mut nc = InvoiceDraft::new(DocumentKind::NotaDeCredito);
        nc.lines = of.lines.clone();
        nc.lines.truncate(lines);
        nc.modifies = Some(motordesk_core::Modifies::of(
            of,
            motordesk_core::NoteReason::DevolucionTotal,
            "Cliente devolvió el aceite",
        ));
        nc
    }

    #[test]
    fn the_store_refuses_a_cashiers_credit_note_without_an_approval_and_spends_one_once() {
        let dir = tempfile::tempdir().unwrap();
        let (caja, boleta) = shop_with_cashier(dir.path());
        // The screen cannot write its own approver: the store refuses, in Spanish.
        let mut forged = credit_note(&boleta, 1);
        forged.approved_by = Some("admin".into());
        let err = caja.issue_invoice(forged).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Approval(ApprovalRefusal::Required(ApprovalAction::CreditNote))
            ),
            "{err:?}"
        );
        assert_eq!(
            err.mensaje(),
            "Una nota de crédito necesita la autorización de un administrador con su PIN."
        );
        assert!(caja.notes_of(boleta.id).unwrap().is_empty());

        let ok = caja
            .approve(
                "4321",
                ApprovalRequest::credit_note(boleta.id, boleta.totals.total),
            )
            .unwrap();
        assert_eq!((ok.by(), ok.record().name.as_str()), ("admin", "Ana Admin"));
        let note = caja.issue_approved(credit_note(&boleta, 1), &ok).unwrap();
        assert_eq!(note.approved_by.as_deref(), Some("admin"));
        assert_eq!(note.cashier, "caja1");
        // Kept on the document in the file.
        let caja = as_cashier(caja);
        let kept = caja
            .get::<motordesk_core::Invoice>(note.id)
            .unwrap()
            .unwrap();
        assert_eq!(kept.data.approved_by.as_deref(), Some("admin"));

        // Used once: the same approval again is refused, and nothing is written.
        let again = caja
            .issue_approved(credit_note(&boleta, 1), &ok)
            .unwrap_err();
        assert!(
            matches!(again, StoreError::Approval(ApprovalRefusal::Used)),
            "{again:?}"
        );
        assert!(again.mensaje().contains("ya se usó"));
        assert_eq!(caja.notes_of(boleta.id).unwrap().len(), 1);
    }

    #[test]
    fn an_approval_is_bound_to_its_document_amount_account_and_time() {
        let dir = tempfile::tempdir().unwrap();
        let (caja, boleta) = shop_with_cashier(dir.path());
        let half = boleta.totals.total / Decimal::from(2);
        let mut half_note = credit_note(&boleta, 1);
        half_note.lines[0].quantity = Decimal::ONE;
        assert_eq!(half_note.totals().unwrap().total, half);

        // Approved for half: the whole is refused, and the refusal does not spend it.
        let a = caja
            .approve("4321", ApprovalRequest::credit_note(boleta.id, half))
            .unwrap();
        let e = caja
            .issue_approved(credit_note(&boleta, 1), &a)
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Approval(ApprovalRefusal::Mismatch)),
            "{e:?}"
        );
        // A discount's approval does not make a credit note either.
        let d = caja
            .approve("4321", ApprovalRequest::discount(Decimal::from(50)))
            .unwrap();
        let e = caja.issue_approved(half_note.clone(), &d).unwrap_err();
        assert!(
            matches!(e, StoreError::Approval(ApprovalRefusal::Mismatch)),
            "{e:?}"
        );
        // Nor does an approval for another document.
        let other = caja
            .approve(
                "4321",
                ApprovalRequest::credit_note(Uuid::now_v7(), boleta.totals.total),
            )
            .unwrap();
        let e = caja.issue_approved(half_note.clone(), &other).unwrap_err();
        assert!(
            matches!(e, StoreError::Approval(ApprovalRefusal::Mismatch)),
            "{e:?}"
        );
        // Asked by the cashier, it is not the administrator's to use.
        let admin = as_admin(caja);
        let e = admin.issue_approved(half_note.clone(), &a).unwrap_err();
        assert!(
            matches!(e, StoreError::Approval(ApprovalRefusal::Mismatch)),
            "{e:?}"
        );
        assert!(admin.notes_of(boleta.id).unwrap().is_empty());
        let caja = as_cashier(admin);

        // Past GRANT_SECS it has expired.
        let late = caja
            .approve("4321", ApprovalRequest::credit_note(boleta.id, half))
            .unwrap();
        let txn = caja.db().begin_write().unwrap();
        let need = ApprovalRequest::credit_note(boleta.id, half);
        let e = caja
            .use_approval_in(
                &txn,
                &late,
                &need,
                Utc::now() + chrono::Duration::seconds(GRANT_SECS + 1),
            )
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Approval(ApprovalRefusal::Expired)),
            "{e:?}"
        );
        assert!(e.mensaje().contains("venció"));
        txn.abort().unwrap();
        // Within its time it covers the half note (and less than approved).
        let note = caja.issue_approved(half_note, &late).unwrap();
        assert_eq!(note.approved_by.as_deref(), Some("admin"));
    }

    #[test]
    fn a_discount_above_the_limit_needs_an_approval_and_one_below_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let (caja, boleta) = shop_with_cashier(dir.path());
        let sale = |pct: i64| {
            let mut d = InvoiceDraft::new(DocumentKind::Boleta);
            d.lines = boleta.lines.clone();
            d.global_discount_pct = Decimal::from(pct);
            d
        };
        // At or below the limit (10 %): no approval, none recorded.
        let below = caja.issue_invoice(sale(10)).unwrap();
        assert_eq!(below.approved_by, None);
        // An approval given anyway is not spent by a sale that needs none.
        let spare = caja
            .approve("4321", ApprovalRequest::discount(Decimal::from(20)))
            .unwrap();
        assert_eq!(
            caja.issue_approved(sale(5), &spare).unwrap().approved_by,
            None
        );

        let e = caja.issue_invoice(sale(15)).unwrap_err();
        assert!(
            matches!(
                e,
                StoreError::Approval(ApprovalRefusal::Required(ApprovalAction::Discount))
            ),
            "{e:?}"
        );
        assert!(e.mensaje().contains("descuento"));
        // Approved up to 20 %: 25 % is refused, 15 % goes through with the approver.
        let e = caja.issue_approved(sale(25), &spare).unwrap_err();
        assert!(
            matches!(e, StoreError::Approval(ApprovalRefusal::Mismatch)),
            "{e:?}"
        );
        let over = caja.issue_approved(sale(15), &spare).unwrap();
        assert_eq!(over.approved_by.as_deref(), Some("admin"));
        // The administrator's own session is the manager: recorded as the approver.
        let admin = as_admin(caja);
        assert_eq!(
            admin
                .issue_invoice(sale(30))
                .unwrap()
                .approved_by
                .as_deref(),
            Some("admin")
        );
        // No limit set: any discount is the cashier's to give.
        let mut settings = admin.settings().unwrap();
        settings.discount_limit_pct = None;
        admin.save_settings(&settings).unwrap();
        let caja = as_cashier(admin);
        assert_eq!(caja.issue_invoice(sale(40)).unwrap().approved_by, None);
    }

    #[test]
    fn a_voiding_grant_is_for_one_document_and_taken_once() {
        let dir = tempfile::tempdir().unwrap();
        let (caja, boleta) = shop_with_cashier(dir.path());
        assert!(caja.take_void_grant(boleta.id).unwrap().is_none());
        caja.approve("4321", ApprovalRequest::void(Uuid::now_v7()))
            .unwrap();
        assert!(caja.take_void_grant(boleta.id).unwrap().is_none());
        caja.approve("4321", ApprovalRequest::void(boleta.id))
            .unwrap();
        assert_eq!(
            caja.take_void_grant(boleta.id).unwrap().unwrap().by,
            "admin"
        );
        assert!(caja.take_void_grant(boleta.id).unwrap().is_none());
    }

    #[test]
    fn a_pin_approves_once_set_wrong_ones_are_throttled_and_cashiers_cannot_set_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        let admin = Store::create(&path, "admin", "secreto123", "Ana Admin").unwrap();
        assert!(matches!(
            admin.approve("1234", ApprovalRequest::shift_close()),
            Err(StoreError::Approval(ApprovalRefusal::NoPinSet))
        ));
        for bad in ["123", "1234567", "12a4", ""] {
            assert!(matches!(
                admin.set_manager_pin(bad),
                Err(StoreError::Approval(ApprovalRefusal::PinFormat))
            ));
        }
        admin.set_manager_pin("4321").unwrap();
        assert_eq!(admin.manager_pin_state().unwrap(), (true, true));
        let ok = admin
            .approve("4321", ApprovalRequest::shift_close())
            .unwrap();
        assert_eq!((ok.by(), ok.record().name.as_str()), ("admin", "Ana Admin"));
        admin
            .add_user("caja1", "turno1", "Carla", Role::Cajero)
            .unwrap();
        drop(admin);

        let caja = Store::unlock(&path, "caja1", "turno1").unwrap();
        assert!(matches!(
            caja.set_manager_pin("1111"),
            Err(StoreError::Approval(ApprovalRefusal::NotAdmin))
        ));
        assert_eq!(caja.manager_pin_state().unwrap(), (false, true));
        // Four wrong PINs are answered (the first three with no wait); then the next
        // attempt waits, even with the right PIN.
        for _ in 0..4 {
            assert!(matches!(
                caja.approve("0000", ApprovalRequest::shift_close()),
                Err(StoreError::Approval(ApprovalRefusal::WrongPin))
            ));
        }
        assert!(matches!(
            caja.approve("4321", ApprovalRequest::shift_close()),
            Err(StoreError::TooManyAttempts { .. })
        ));
        assert!(caja.pin_wait_secs().unwrap() >= 1);
        // The count is in the file: a restart does not reset it.
        drop(caja);
        let caja = Store::unlock(&path, "caja1", "turno1").unwrap();
        assert!(caja.pin_wait_secs().unwrap() >= 1);
    }
}

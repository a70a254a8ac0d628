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
use motordesk_core::Role;
use redb::{ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

pub const PIN_MIN: usize = 4;
pub const PIN_MAX: usize = 6;
/// One plain row, "@pin" → (wrong PINs in a row, unix ms of the last): read before any
/// Argon2id is spent, kept apart from the login counters so a wrong PIN never slows a
/// login down.
const PIN_FAILURES: TableDefinition<&str, (u32, i64)> = TableDefinition::new("pin_failures");
const PIN_ROW: &str = "@pin";
const PREFIX: &str = "pin:";
/// A manager's approval of an action the store itself refuses to a cashier (a voiding),
/// kept for one use: "grant:<action>" → sealed `Approval`.
const GRANT_PREFIX: &str = "grant:";
/// How long a grant waits for the action it approves.
const GRANT_SECS: i64 = 300;

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

/// A PIN accepted: who approved, what and when (kept on the document or the close).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub by: String,
    pub name: String,
    pub action: ApprovalAction,
    pub at: DateTime<Utc>,
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
    fn is_admin_account(&self) -> StoreResult<bool> {
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

    /// Checks a manager's PIN for `action`: the administrator whose PIN it is, or a
    /// refusal (wrong, none set, or `TooManyAttempts` while the wait runs). Each
    /// approval is written to the approvals log. Blocking (Argon2id per PIN set).
    pub fn approve(&self, pin: &str, action: ApprovalAction) -> StoreResult<Approval> {
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
        let approval = Approval {
            by: user.username.clone(),
            name: user.display_name.clone(),
            action,
            at: Utc::now(),
        };
        let row = format!("approval:{}", approval.at.to_rfc3339());
        let grant = format!("{GRANT_PREFIX}{action:?}");
        let txn = self.db().begin_write()?;
        {
            let mut t = txn.open_table(SETTINGS)?;
            let sealed = self.seal_json("settings", row.as_bytes(), &approval)?;
            t.insert(row.as_str(), sealed.as_slice())?;
            // The store's own check of a voiding takes this grant once (the other
            // actions are checked where the PIN is typed).
            if action == ApprovalAction::Void {
                let sealed = self.seal_json("settings", grant.as_bytes(), &approval)?;
                t.insert(grant.as_str(), sealed.as_slice())?;
            }
        }
        txn.commit()?;
        log::info!(
            "{action:?} approved by {} for {}",
            approval.by,
            self.account()
        );
        Ok(approval)
    }
}

impl Store {
    /// Takes (once) a manager's approval of `action` given in the last five minutes:
    /// the store's own check for what a cashier may do only with one. The approving
    /// administrator, or `None`.
    pub(crate) fn take_grant(&self, action: ApprovalAction) -> StoreResult<Option<Approval>> {
        let row = format!("{GRANT_PREFIX}{action:?}");
        let txn = self.db().begin_write()?;
        let grant = {
            let mut t = txn.open_table(SETTINGS)?;
            let Some(v) = t.remove(row.as_str())?.map(|v| v.value().to_vec()) else {
                return Ok(None);
            };
            let a: Approval = self.open_json("settings", row.as_bytes(), &v)?;
            let age = (Utc::now() - a.at).num_seconds();
            ((0..=GRANT_SECS).contains(&age) && a.action == action).then_some(a)
        };
        txn.commit()?;
        Ok(grant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DB_FILE;

    #[test]
    fn a_pin_approves_once_set_wrong_ones_are_throttled_and_cashiers_cannot_set_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        let admin = Store::create(&path, "admin", "secreto123", "Ana Admin").unwrap();
        assert!(matches!(
            admin.approve("1234", ApprovalAction::ShiftClose),
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
        let ok = admin.approve("4321", ApprovalAction::CreditNote).unwrap();
        assert_eq!((ok.by.as_str(), ok.name.as_str()), ("admin", "Ana Admin"));
        // A voiding's approval leaves one grant, taken once; others leave none.
        assert!(admin.take_grant(ApprovalAction::Void).unwrap().is_none());
        admin.approve("4321", ApprovalAction::Void).unwrap();
        assert!(
            admin
                .take_grant(ApprovalAction::CreditNote)
                .unwrap()
                .is_none()
        );
        assert_eq!(
            admin.take_grant(ApprovalAction::Void).unwrap().unwrap().by,
            "admin"
        );
        assert!(admin.take_grant(ApprovalAction::Void).unwrap().is_none());
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
                caja.approve("0000", ApprovalAction::Void),
                Err(StoreError::Approval(ApprovalRefusal::WrongPin))
            ));
        }
        assert!(matches!(
            caja.approve("4321", ApprovalAction::Void),
            Err(StoreError::TooManyAttempts { .. })
        ));
        assert!(caja.pin_wait_secs().unwrap() >= 1);
        // The count is in the file: a restart does not reset it.
        drop(caja);
        let caja = Store::unlock(&path, "caja1", "turno1").unwrap();
        assert!(caja.pin_wait_secs().unwrap() >= 1);
    }
}

//! The Clave SOL of each RUC of a chain (`--sunat-credentials-file`): the dispatcher
//! signs in to SUNAT as `<RUC><SOL user>` of the document it sends, and shops of
//! different RUCs have different SOL users and passwords. A RUC without a line here uses
//! `--sunat-user` and `--sunat-password-file`.
//!
//! The file is one line per RUC, `RUC USER PASSWORD` separated by spaces or tabs (the
//! password is the rest of the line, so it may hold spaces); `#` starts a comment line.
//! It is read once at start and must be readable by the server's account only.

use crate::shops::MAX_SHOPS;
use std::collections::BTreeMap;

/// Longest SOL user and password taken (SUNAT's are 8 and 12 characters).
const MAX_USER: usize = 30;
const MAX_PASSWORD: usize = 200;

/// One RUC's SOL user (without the RUC) and password.
#[derive(Clone, PartialEq, Eq)]
pub struct SolLogin {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for SolLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SolLogin({}, ***)", self.user)
    }
}

/// The SOL logins by RUC.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SolLogins(BTreeMap<String, SolLogin>);

impl SolLogins {
    /// Parses the file's text; the error names the line (never a password).
    pub fn parse(text: &str) -> Result<SolLogins, String> {
        let mut out = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = |what: &str| format!("SOL credentials line {}: {what}", n + 1);
            let mut parts = line.splitn(2, char::is_whitespace);
            let ruc = parts.next().unwrap_or("");
            let rest = parts.next().unwrap_or("").trim_start();
            let mut parts = rest.splitn(2, char::is_whitespace);
            let user = parts.next().unwrap_or("");
            let password = parts.next().unwrap_or("").trim();
            motordesk_core::validate_ruc(ruc).map_err(|e| at(&format!("RUC: {e}")))?;
            if user.is_empty() || user.len() > MAX_USER {
                return Err(at(&format!(
                    "the SOL user must have 1 to {MAX_USER} characters"
                )));
            }
            if password.is_empty() || password.len() > MAX_PASSWORD {
                return Err(at(&format!(
                    "the password must have 1 to {MAX_PASSWORD} characters"
                )));
            }
            let login = SolLogin {
                user: user.to_string(),
                password: password.to_string(),
            };
            if out.insert(ruc.to_string(), login).is_some() {
                return Err(at(&format!("RUC {ruc} is there twice")));
            }
            if out.len() > MAX_SHOPS as usize + 1 {
                return Err(at(&format!("more RUCs than shops ({})", MAX_SHOPS + 1)));
            }
        }
        Ok(SolLogins(out))
    }

    /// The login of `ruc`, if it has its own.
    pub fn get(&self, ruc: &str) -> Option<&SolLogin> {
        self.0.get(ruc)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_ruc_and_the_password_keeps_its_spaces() {
        let logins = SolLogins::parse(
            "# chain\n20100070970 NORTE01 clave del norte\n\n20131312955\tSUR01\tclave-sur\n",
        )
        .unwrap();
        assert_eq!(logins.len(), 2);
        let norte = logins.get("20100070970").unwrap();
        assert_eq!(
            (norte.user.as_str(), norte.password.as_str()),
            ("NORTE01", "clave del norte")
        );
        assert_eq!(logins.get("20131312955").unwrap().user, "SUR01");
        assert!(logins.get("20000000001").is_none());
    }

    #[test]
    fn bad_lines_are_refused_by_number_without_the_password() {
        for (text, want) in [
            ("20100070971 U P", "line 1: RUC"),
            ("# x\n20100070970 U", "line 2: the password"),
            (
                "20100070970 U P\n20100070970 V Q",
                "line 2: RUC 20100070970 is there twice",
            ),
            (
                &format!("20100070970 {} P", "u".repeat(31)),
                "line 1: the SOL user",
            ),
        ] {
            let e = SolLogins::parse(text).unwrap_err();
            assert!(e.contains(want), "{text:?}: {e}");
            assert!(!e.contains(" P"), "{e}");
        }
    }
}

//! Recipient identity objects: a salted SHA-256 hash of the recipient's email
//! (`identityHash` = `sha256$` + hex(sha256(email + salt))), with a fresh 128-bit salt per
//! credential (security catalogue PRIV-02).

use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A recipient identifier (OB 3.0 `IdentityObject`), usually a salted hashed email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityObject {
    #[serde(rename = "type")]
    pub kind: String,
    pub identity_hash: String,
    pub identity_type: String,
    pub hashed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
}

impl IdentityObject {
    /// `identityHash` = `"sha256$"` + hex(sha256(email + salt)), `identityType` `emailAddress`,
    /// `hashed` true. The email is used exactly as given (normalize it before if needed).
    pub fn hashed_email(email: &str, salt: &str) -> Self {
        IdentityObject {
            kind: "IdentityObject".into(),
            identity_hash: sha256_identity_hash(email, salt),
            identity_type: "emailAddress".into(),
            hashed: true,
            salt: Some(salt.to_owned()),
        }
    }

    /// Whether `email` is the one this object identifies (hashed with its salt, or in clear).
    pub fn matches_email(&self, email: &str) -> bool {
        if self.identity_type != "emailAddress" {
            return false;
        }
        if self.hashed {
            let salt = self.salt.as_deref().unwrap_or("");
            self.identity_hash
                .eq_ignore_ascii_case(&sha256_identity_hash(email, salt))
        } else {
            self.identity_hash == email
        }
    }
}

/// `"sha256$"` + lower-case hex of SHA-256(`value` + `salt`).
pub fn sha256_identity_hash(value: &str, salt: &str) -> String {
    let digest = Sha256::new()
        .chain_update(value.as_bytes())
        .chain_update(salt.as_bytes())
        .finalize();
    format!("sha256${}", to_hex(&digest))
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A fresh random salt: 128 bits from the operating system, as 32 lower-case hex digits.
pub fn random_salt() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    to_hex(&bytes)
}

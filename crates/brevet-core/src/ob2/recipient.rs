//! The recipient of an Open Badges 2.0 assertion (`IdentityObject`): an email address, URL,
//! telephone number or other identifier, in clear or hashed as `sha256$<hex>` (or `sha512$`) of
//! the identifier followed by the salt. `md5$` hashes, which 2.0 still allowed, are not matched.

use serde_json::Value;
use sha2::{Digest, Sha256, Sha512};

/// An assertion's `recipient`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    /// `email`, `url`, `telephone`, `id`, ...
    pub kind: String,
    /// The identifier in clear, or its hash.
    pub identity: String,
    pub hashed: bool,
    pub salt: Option<String>,
}

impl Recipient {
    /// Reads `recipient` from an assertion.
    pub fn of_assertion(assertion: &Value) -> Result<Recipient, String> {
        let recipient = assertion
            .get("recipient")
            .and_then(Value::as_object)
            .ok_or("the assertion has no recipient object")?;
        let text = |field: &str| recipient.get(field).and_then(Value::as_str);
        let kind = text("type").ok_or("recipient.type is missing or not a string")?;
        let identity = text("identity").ok_or("recipient.identity is missing or not a string")?;
        let hashed = match recipient.get("hashed") {
            Some(Value::Bool(hashed)) => *hashed,
            _ => return Err("recipient.hashed is missing or not a boolean".to_owned()),
        };
        let salt = match recipient.get("salt") {
            None | Some(Value::Null) => None,
            Some(Value::String(salt)) => Some(salt.clone()),
            Some(_) => return Err("recipient.salt is not a string".to_owned()),
        };
        if hashed && !identity.contains('$') {
            return Err("recipient.identity is hashed but has no algorithm$ prefix".to_owned());
        }
        Ok(Recipient {
            kind: kind.to_owned(),
            identity: identity.to_owned(),
            hashed,
            salt,
        })
    }

    /// Whether `value` is the identifier this recipient names (hashed with the salt, or equal;
    /// email addresses compare without regard to ASCII case when in clear).
    pub fn matches(&self, value: &str) -> bool {
        if !self.hashed {
            return if self.kind == "email" {
                self.identity.eq_ignore_ascii_case(value)
            } else {
                self.identity == value
            };
        }
        let salt = self.salt.as_deref().unwrap_or_default();
        let Some((algorithm, digest)) = self.identity.split_once('$') else {
            return false;
        };
        let computed = match algorithm.to_ascii_lowercase().as_str() {
            "sha256" => hex(&Sha256::new()
                .chain_update(value)
                .chain_update(salt)
                .finalize()),
            "sha512" => hex(&Sha512::new()
                .chain_update(value)
                .chain_update(salt)
                .finalize()),
            _ => return false,
        };
        computed.eq_ignore_ascii_case(digest)
    }

    /// Whether this recipient is the email address `email`.
    pub fn matches_email(&self, email: &str) -> bool {
        self.kind == "email" && self.matches(email)
    }

    /// The recipient in words, never revealing an email address or a hash.
    pub fn describe(&self) -> String {
        let kind = match self.kind.as_str() {
            "email" => "an email address",
            "url" => "a URL",
            "telephone" => "a telephone number",
            _ => "an identifier",
        };
        if self.hashed {
            format!("{kind} (hashed)")
        } else {
            kind.to_owned()
        }
    }
}

/// `sha256$` + hex(SHA-256(`value` + `salt`)), the hashed identity Open Badges 2.0 issuers write.
pub fn sha256_identity(value: &str, salt: &str) -> String {
    format!(
        "sha256${}",
        hex(&Sha256::new()
            .chain_update(value)
            .chain_update(salt)
            .finalize())
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

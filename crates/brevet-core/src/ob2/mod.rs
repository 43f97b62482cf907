//! Open Badges 2.0 assertions, verified by the 2.0 rules. Pure: every document the rules need
//! (the hosted copy of the assertion, its BadgeClass, the issuer Profile, the signing key, the
//! revocation list) comes from the caller through [`DocumentSource`], which fetches them.
//!
//! - **Hosted** (`verification.type` `hosted` / `HostedBadge`): the assertion is fetched from its
//!   `id`, which must be an http(s) URL; the fetched copy is authoritative and must match the one
//!   given on every field the verdict depends on; the `id` must sit inside the issuer's
//!   verification policy (its `verification.startsWith` prefixes and `allowedOrigins`, by default
//!   the origin of the issuer's own `id`).
//! - **Signed** (`signed` / `SignedBadge`): a compact JWS whose payload is the assertion; the key
//!   is the `CryptographicKey` named by `verification.creator` (else one of the issuer's
//!   `publicKey` entries), which the issuer Profile must list and, when it names an owner, must
//!   be owned by the issuer; RS256 for RSA keys, ES256 for P-256 keys ([`crate::jose`]).
//!
//! Either way: the BadgeClass and the issuer Profile are read from their ids (each fetched
//! document's `id` must be the URL it came from), `revoked: true` on the assertion and an entry in
//! the issuer's `revocationList` fail the `status` check, `expires` and `issuedOn` bound the
//! `validity` check. The report uses the same check names as every other credential.

pub mod dates;
pub mod policy;
pub mod recipient;
mod verify;

#[cfg(test)]
mod tests;

use serde_json::Value;

pub use recipient::Recipient;
pub use verify::{Ob2Input, Ob2Verification, verify};

use crate::verify::SourceError;

/// The Open Badges 2.0 JSON-LD context.
pub const CONTEXT: &str = "https://w3id.org/openbadges/v2";

/// The most `publicKey` entries of an issuer tried when the assertion names no `creator`.
pub const MAX_ISSUER_KEYS: usize = 4;

/// How an assertion is verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ob2Kind {
    Hosted,
    Signed,
}

impl Ob2Kind {
    /// The format's name, as reports and pages show it.
    pub fn label(self) -> &'static str {
        match self {
            Ob2Kind::Hosted => "Open Badges 2.0 (hosted)",
            Ob2Kind::Signed => "Open Badges 2.0 (signed)",
        }
    }
}

/// Supplies the documents an assertion refers to, by URL.
pub trait DocumentSource {
    fn document(&self, url: &str) -> Result<Value, SourceError>;
}

/// Whether a JSON value is an Open Badges 2.0 object (its `@context` is, or lists, the 2.0
/// context).
pub fn is_assertion(value: &Value) -> bool {
    match value.get("@context") {
        Some(Value::String(context)) => context == CONTEXT,
        Some(Value::Array(entries)) => entries.iter().any(|entry| entry.as_str() == Some(CONTEXT)),
        _ => false,
    }
}

/// The verification type an assertion declares.
pub fn verification_kind(assertion: &Value) -> Result<Ob2Kind, String> {
    let kind = assertion
        .get("verification")
        .and_then(|verification| verification.get("type"))
        .and_then(Value::as_str)
        .ok_or("the assertion has no verification.type (hosted or signed)")?;
    match kind {
        "hosted" | "HostedBadge" => Ok(Ob2Kind::Hosted),
        "signed" | "SignedBadge" => Ok(Ob2Kind::Signed),
        other => Err(format!(
            "verification.type {other:?} is neither hosted (HostedBadge) nor signed (SignedBadge)"
        )),
    }
}

/// Whether a document's `type` is, or lists, one of `names`.
pub(crate) fn has_type(document: &Value, names: &[&str]) -> bool {
    match document.get("type") {
        Some(Value::String(name)) => names.contains(&name.as_str()),
        Some(Value::Array(entries)) => entries
            .iter()
            .filter_map(Value::as_str)
            .any(|name| names.contains(&name)),
        _ => false,
    }
}

/// Whether `text` is an http(s) URL with a host.
pub fn is_http_url(text: &str) -> bool {
    policy::authority(text).is_some_and(|host| !host.is_empty())
}

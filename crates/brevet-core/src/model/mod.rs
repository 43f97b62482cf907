//! The credential data model: typed Open Badges 3.0 structures for building credentials
//! ([`ob3`]), and validation of any input document against the W3C VC Data Model (1.1 or 2.0)
//! and, for Open Badges credentials, the rules of the official OB 3.0 JSON Schema
//! ([`check_credential`]).
//!
//! Validation works on `serde_json::Value` (parse it with [`crate::json::parse_strict`]), finds
//! every problem rather than the first, and names each by JSON path. JSON-LD-level problems
//! (terms no context defines, redefined protected terms) are left to the JSON-LD processor in
//! safe mode.

mod achievement_type;
mod errors;
mod identity;
pub mod iri;
mod lookup;
pub mod ob3;
mod ob3_rules;
mod related_resources;
pub mod resource_digests;
pub mod sample;
mod vc_rules;

pub use achievement_type::*;
pub use errors::{ErrorCode, ModelError, ModelErrors};
pub use identity::*;
pub use iri::is_absolute_url;
pub use ob3::*;
pub use sample::sample_badge;

use serde_json::Value;

use crate::datetime::DateTimeStamp;

/// First `@context` entry of a VC Data Model 1.1 credential.
pub const CREDENTIALS_V1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";
/// First `@context` entry of a VC Data Model 2.0 credential.
pub const CREDENTIALS_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The Open Badges 3.0 context Brevet writes (pinned and embedded).
pub const OB3_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// Which VC Data Model a credential follows, by its first `@context` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VcVersion {
    /// `https://www.w3.org/2018/credentials/v1`: `issuanceDate`/`expirationDate`.
    V1_1,
    /// `https://www.w3.org/ns/credentials/v2`: `validFrom`/`validUntil`.
    V2,
}

/// What validation learned about a credential, for the signer and the verifier.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialInfo {
    pub version: VcVersion,
    /// The credential's `id`, when it has one.
    pub id: Option<String>,
    /// The `type` values as written.
    pub types: Vec<String>,
    /// `issuer` if a string, else `issuer.id`.
    pub issuer_id: String,
    /// `validFrom` (2.0) or `issuanceDate` (1.1).
    pub valid_from: Option<DateTimeStamp>,
    /// `validUntil` (2.0) or `expirationDate` (1.1).
    pub valid_until: Option<DateTimeStamp>,
    /// Each `credentialStatus` entry (a single object becomes a one-item list).
    pub credential_status: Vec<Value>,
    /// Whether `type` includes `OpenBadgeCredential` or `AchievementCredential` (then the
    /// OB 3.0 schema rules were applied too).
    pub is_open_badge: bool,
    /// Each embedded proof (a single object becomes a one-item list); empty when unsigned.
    pub proofs: Vec<Value>,
    /// The `id` of each credential subject that has one.
    pub subject_ids: Vec<String>,
}

/// Validates a credential as read from anywhere (to verify it): the VC Data Model rules for
/// its version and, for an Open Badges credential, the OB 3.0 JSON Schema rules. A proof is
/// not required here (the verifier reports a missing proof itself), but any proof present must
/// be well-formed.
pub fn check_credential(doc: &Value) -> Result<CredentialInfo, ModelErrors> {
    vc_rules::check(doc, vc_rules::Purpose::Verify).map(vc_rules::CheckedCredential::into_info)
}

/// Validates a credential Brevet is about to sign: as [`check_credential`], and in addition an
/// Open Badges issuer must be a `Profile` object (never a bare string). Existing proofs are
/// allowed (adding one makes a proof set).
pub fn check_unsigned_for_issuance(doc: &Value) -> Result<CredentialInfo, ModelErrors> {
    check_for_issuance(doc).map(vc_rules::CheckedCredential::into_info)
}

/// [`check_unsigned_for_issuance`] without copying anything out of the document: the signer
/// only needs the issuer.
pub(crate) fn check_for_issuance(
    doc: &Value,
) -> Result<vc_rules::CheckedCredential<'_>, ModelErrors> {
    vc_rules::check(doc, vc_rules::Purpose::Issue)
}

#[cfg(test)]
mod tests;

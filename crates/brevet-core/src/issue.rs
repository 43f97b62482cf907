//! Issuing: [`sign_credential`] checks an unsigned credential and adds a Data Integrity proof.
//!
//! The checks, in order: the data model (VC 2.0 / 1.1, plus the Open Badges 3.0 rules for
//! `OpenBadgeCredential` / `AchievementCredential`), the contexts (only pinned context URLs), the
//! issuer (its id, whether `issuer` is a string or a Profile object, must be the key's
//! controller), then JSON-LD in safe mode while signing: a term no context defines would not be
//! signed, so it is a refusal naming the term (`DATA_LOSS_DETECTION_ERROR`), never silently
//! dropped. No claim is changed: the signed credential is the input plus a proof.

use serde_json::Value;

use crate::did::did_of_url;
use crate::linked_data::LinkedData;
use crate::model::{ModelErrors, check_for_issuance};
use crate::multikey::Ed25519KeyPair;
use crate::proof::{self, Cryptosuite, ProofError, ProofOptions};
use crate::verify::{ContextPolicy, ContextRuleError, check_contexts_with};

/// Why a credential was not signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// The credential does not follow the data model (every problem, each naming its field).
    #[error("{code}: the credential is invalid: {errors}", code = .0.code(), errors = .0)]
    Invalid(ModelErrors),
    /// A context is not one Brevet serves (or is inline / nested).
    #[error("INVALID_CONTEXT: {0}")]
    Context(#[from] ContextRuleError),
    /// The issuer is not the key's controller.
    #[error(
        "the issuer {issuer} is not the key's controller {controller}: refusing to sign for another issuer"
    )]
    IssuerMismatch { issuer: String, controller: String },
    /// JSON-LD safe mode refused data that would not be signed (an undefined term, a relative IRI).
    #[error("DATA_LOSS_DETECTION_ERROR: {0}")]
    DataLoss(String),
    /// The proof could not be made.
    #[error("{code}: {error}", code = .0.code(), error = .0)]
    Proof(ProofError),
}

impl IssueError {
    /// The W3C error code for this refusal.
    pub fn code(&self) -> &'static str {
        match self {
            IssueError::Invalid(errors) => errors.code().as_str(),
            IssueError::Context(_) => "INVALID_CONTEXT",
            IssueError::IssuerMismatch { .. } => "PROOF_GENERATION_ERROR",
            IssueError::DataLoss(_) => "DATA_LOSS_DETECTION_ERROR",
            IssueError::Proof(error) => error.code(),
        }
    }
}

/// Signs `unsigned` with a did:key key: the verification method is the key's did:key method
/// (`did:key:z6Mk…#z6Mk…`), so the issuer must be that did:key.
pub fn sign_credential(
    unsigned: &Value,
    key: &Ed25519KeyPair,
    suite: Cryptosuite,
    created: &str,
    ld: &LinkedData,
) -> Result<Value, IssueError> {
    sign_credential_with_method(unsigned, key, &key.did_key_method(), suite, created, ld)
}

/// Signs `unsigned` with `key` published as `verification_method` (a DID URL such as
/// `did:web:example.org#key-1`); the issuer must be the DID of that method. The caller vouches
/// that the DID document lists the key under `assertionMethod`.
pub fn sign_credential_with_method(
    unsigned: &Value,
    key: &Ed25519KeyPair,
    verification_method: &str,
    suite: Cryptosuite,
    created: &str,
    ld: &LinkedData,
) -> Result<Value, IssueError> {
    let checked = check_for_issuance(unsigned).map_err(IssueError::Invalid)?;
    let policy = match suite {
        Cryptosuite::EddsaJcs2022 => ContextPolicy::AllowInline,
        Cryptosuite::EddsaRdfc2022 => ContextPolicy::SelfDescribingInline,
    };
    check_contexts_with(unsigned, ld, policy)?;
    let controller = did_of_url(verification_method);
    if checked.issuer_id != controller {
        return Err(IssueError::IssuerMismatch {
            issuer: checked.issuer_id.to_owned(),
            controller: controller.to_owned(),
        });
    }
    if suite == Cryptosuite::EddsaJcs2022 {
        // eddsa-jcs-2022 signs the JSON as is, without JSON-LD; the document must still mean what
        // it says to JSON-LD consumers, so the same safe-mode processing runs here.
        ensure_lossless(unsigned, ld)?;
    }
    let options = ProofOptions::new(suite, verification_method, created);
    proof::sign(unsigned, key, &options, ld).map_err(|error| match error {
        ProofError::DataLoss(reason) => IssueError::DataLoss(reason),
        other => IssueError::Proof(other),
    })
}

/// Refuses a document that JSON-LD safe mode would not carry over whole (an undefined term, a
/// relative IRI): `DATA_LOSS_DETECTION_ERROR` naming the term.
pub(crate) fn ensure_lossless(document: &Value, ld: &LinkedData) -> Result<(), IssueError> {
    match ld.check_lossless(&without_proof(document)) {
        Ok(_) => Ok(()),
        Err(error) => match ProofError::from(error) {
            ProofError::DataLoss(reason) => Err(IssueError::DataLoss(reason)),
            other => Err(IssueError::Proof(other)),
        },
    }
}

/// The document without its `proof` (proofs are not part of the signed data).
pub(crate) fn without_proof(document: &Value) -> std::borrow::Cow<'_, Value> {
    match document.as_object() {
        Some(object) if object.contains_key("proof") => {
            let mut copy = object.clone();
            copy.remove("proof");
            std::borrow::Cow::Owned(Value::Object(copy))
        }
        _ => std::borrow::Cow::Borrowed(document),
    }
}

#[cfg(test)]
mod tests;

//! Data Integrity proofs: create and verify `DataIntegrityProof` with `eddsa-rdfc-2022` and
//! `eddsa-jcs-2022`, verify legacy `Ed25519Signature2020`, and proof sets and chains.
//!
//! Every step of the algorithms is public ([`checkpoints`], [`Checkpoints`]) so the conformance
//! runner can compare the canonical document, the canonical proof configuration, both hashes and
//! the signature with the W3C vectors.
//!
//! What this module does not do: decide *which* key may sign for an issuer (that is
//! [`crate::did::resolve_verification_key`]) and compare `created`/`expires` with the clock
//! (the verifier does, with [`proof_time_window`]).

#[cfg(test)]
mod bench;
mod encoding;
mod error;
mod jcs;
mod suites;
#[cfg(test)]
mod tests;

use ed25519_dalek::{Signature, VerifyingKey};
use serde_json::{Map, Value};
use time::OffsetDateTime;

pub use encoding::{decode_proof_value, encode_proof_value, parse_date_time_stamp};
pub use error::ProofError;
pub use jcs::canonical_json;
pub use suites::{Checkpoints, ProofSuite, checkpoints};

use crate::linked_data::LinkedData;
use crate::multikey::Ed25519KeyPair;

/// The Data Integrity proof type.
pub const DATA_INTEGRITY_PROOF: &str = "DataIntegrityProof";
/// The legacy proof type (verification only).
pub const ED25519_SIGNATURE_2020: &str = "Ed25519Signature2020";

/// The cryptosuites Brevet signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cryptosuite {
    /// `eddsa-rdfc-2022`: RDF Dataset Canonicalization (the default).
    EddsaRdfc2022,
    /// `eddsa-jcs-2022`: JSON Canonicalization Scheme.
    EddsaJcs2022,
}

impl Cryptosuite {
    pub fn name(self) -> &'static str {
        match self {
            Cryptosuite::EddsaRdfc2022 => "eddsa-rdfc-2022",
            Cryptosuite::EddsaJcs2022 => "eddsa-jcs-2022",
        }
    }

    /// The suite with exactly this name; no aliases, no fallback.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "eddsa-rdfc-2022" => Some(Cryptosuite::EddsaRdfc2022),
            "eddsa-jcs-2022" => Some(Cryptosuite::EddsaJcs2022),
            _ => None,
        }
    }
}

impl std::fmt::Display for Cryptosuite {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.name())
    }
}

/// The options of a new proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofOptions {
    pub cryptosuite: Cryptosuite,
    /// The verification method URL, e.g. `did:key:z6Mk…#z6Mk…`.
    pub verification_method: String,
    /// An XSD `dateTimeStamp`, e.g. `2024-01-01T00:00:00Z`.
    pub created: String,
    /// `assertionMethod` for credentials.
    pub proof_purpose: String,
    pub expires: Option<String>,
    /// The proof's own `id` (for proof chains).
    pub id: Option<String>,
    /// `previousProof`: the id of the proof this one chains to, or an array of ids.
    pub previous_proof: Option<Value>,
    pub domain: Option<String>,
    pub challenge: Option<String>,
    pub nonce: Option<String>,
}

impl ProofOptions {
    /// Options with `proofPurpose: assertionMethod` and nothing optional.
    pub fn new(
        cryptosuite: Cryptosuite,
        verification_method: impl Into<String>,
        created: impl Into<String>,
    ) -> Self {
        ProofOptions {
            cryptosuite,
            verification_method: verification_method.into(),
            created: created.into(),
            proof_purpose: "assertionMethod".to_owned(),
            expires: None,
            id: None,
            previous_proof: None,
            domain: None,
            challenge: None,
            nonce: None,
        }
    }

    /// Options read back from a DataIntegrityProof configuration (or proof) object; `@context`
    /// and `proofValue` are ignored.
    pub fn from_config(config: &Value) -> Result<Self, ProofError> {
        let config = config
            .as_object()
            .ok_or(ProofError::NotAnObject("proof configuration"))?;
        let proof_type = required_str(config, "type")?;
        if proof_type != DATA_INTEGRITY_PROOF {
            return Err(ProofError::UnsupportedProofType(proof_type.to_owned()));
        }
        let suite_name = required_str(config, "cryptosuite")?;
        let cryptosuite = Cryptosuite::from_name(suite_name)
            .ok_or_else(|| ProofError::UnsupportedCryptosuite(suite_name.to_owned()))?;
        let optional = |field: &'static str| -> Result<Option<String>, ProofError> {
            match config.get(field) {
                None => Ok(None),
                Some(Value::String(text)) => Ok(Some(text.clone())),
                Some(_) => Err(ProofError::InvalidField {
                    field,
                    reason: "must be a string",
                }),
            }
        };
        Ok(ProofOptions {
            cryptosuite,
            verification_method: required_str(config, "verificationMethod")?.to_owned(),
            created: required_str(config, "created")?.to_owned(),
            proof_purpose: required_str(config, "proofPurpose")?.to_owned(),
            expires: optional("expires")?,
            id: optional("id")?,
            previous_proof: config.get("previousProof").cloned(),
            domain: optional("domain")?,
            challenge: optional("challenge")?,
            nonce: optional("nonce")?,
        })
    }

    /// The proof configuration (the proof without `proofValue` and `@context`).
    pub fn to_config(&self) -> Result<Map<String, Value>, ProofError> {
        let invalid = |reason: String| ProofError::InvalidConfiguration(reason);
        encoding::check_date_time("created", &self.created)
            .map_err(|error| invalid(error.to_string()))?;
        if let Some(expires) = &self.expires {
            encoding::check_date_time("expires", expires)
                .map_err(|error| invalid(error.to_string()))?;
        }
        if self.verification_method.is_empty() {
            return Err(invalid("verificationMethod is empty".to_owned()));
        }
        if self.proof_purpose.is_empty() {
            return Err(invalid("proofPurpose is empty".to_owned()));
        }
        let mut config = Map::new();
        config.insert("type".to_owned(), Value::from(DATA_INTEGRITY_PROOF));
        if let Some(id) = &self.id {
            config.insert("id".to_owned(), Value::from(id.as_str()));
        }
        config.insert(
            "cryptosuite".to_owned(),
            Value::from(self.cryptosuite.name()),
        );
        config.insert("created".to_owned(), Value::from(self.created.as_str()));
        if let Some(expires) = &self.expires {
            config.insert("expires".to_owned(), Value::from(expires.as_str()));
        }
        config.insert(
            "verificationMethod".to_owned(),
            Value::from(self.verification_method.as_str()),
        );
        config.insert(
            "proofPurpose".to_owned(),
            Value::from(self.proof_purpose.as_str()),
        );
        for (name, value) in [
            ("domain", &self.domain),
            ("challenge", &self.challenge),
            ("nonce", &self.nonce),
        ] {
            if let Some(value) = value {
                config.insert(name.to_owned(), Value::from(value.as_str()));
            }
        }
        if let Some(previous) = &self.previous_proof {
            let well_formed = match previous {
                Value::String(_) => true,
                Value::Array(ids) => !ids.is_empty() && ids.iter().all(Value::is_string),
                _ => false,
            };
            if !well_formed {
                return Err(invalid(
                    "previousProof must be a string or a non-empty array of strings".to_owned(),
                ));
            }
            config.insert("previousProof".to_owned(), previous.clone());
        }
        Ok(config)
    }
}

/// SHA-256, as the suites hash canonical forms.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(data).into()
}

/// The proofs of a document: none, the one `proof` object, or each item of a proof set array.
pub fn list_proofs(document: &Value) -> Vec<&Value> {
    match document.get("proof") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(proofs)) => proofs.iter().collect(),
        Some(proof) => vec![proof],
    }
}

/// Signs `unsigned` and returns it with the new proof added (a proof set array when it already
/// had one). Claims are never modified.
pub fn sign(
    unsigned: &Value,
    key: &Ed25519KeyPair,
    options: &ProofOptions,
    ld: &LinkedData,
) -> Result<Value, ProofError> {
    let proof = create_proof(unsigned, key, options, ld)?;
    let mut secured = unsigned.clone();
    attach_proof(&mut secured, proof)?;
    Ok(secured)
}

/// [`sign`] taking the document by value, which saves cloning it (the fast path for bulk
/// issuing).
pub fn sign_owned(
    unsigned: Value,
    key: &Ed25519KeyPair,
    options: &ProofOptions,
    ld: &LinkedData,
) -> Result<Value, ProofError> {
    let proof = create_proof(&unsigned, key, options, ld)?;
    let mut secured = unsigned;
    attach_proof(&mut secured, proof)?;
    Ok(secured)
}

/// Adds a proof to a document: `proof` becomes the proof, or a proof set array when the
/// document already has one.
pub fn attach_proof(document: &mut Value, proof: Value) -> Result<(), ProofError> {
    let map = document
        .as_object_mut()
        .ok_or(ProofError::NotAnObject("document"))?;
    match map.get_mut("proof") {
        None | Some(Value::Null) => {
            map.insert("proof".to_owned(), proof);
        }
        Some(Value::Array(proofs)) => proofs.push(proof),
        Some(existing) => {
            let previous = existing.take();
            *existing = Value::Array(vec![previous, proof]);
        }
    }
    Ok(())
}

/// Creates the proof object for `unsigned` (which may already carry proofs: they are left out of
/// the signed data except those named by `previousProof`).
pub fn create_proof(
    unsigned: &Value,
    key: &Ed25519KeyPair,
    options: &ProofOptions,
    ld: &LinkedData,
) -> Result<Value, ProofError> {
    let document = unsigned
        .as_object()
        .ok_or(ProofError::NotAnObject("document"))?;
    let mut config = options.to_config()?;
    let suite = match options.cryptosuite {
        Cryptosuite::EddsaRdfc2022 => ProofSuite::EddsaRdfc2022,
        Cryptosuite::EddsaJcs2022 => ProofSuite::EddsaJcs2022,
    };
    if suite == ProofSuite::EddsaJcs2022
        && let Some(context) = document.get("@context")
    {
        config.insert("@context".to_owned(), context.clone());
    }
    let previous = previous_proofs(unsigned, options.previous_proof.as_ref())?;
    let hash_data = suites::hash_data(unsigned, previous, None, &config, suite, ld)
        .map_err(ProofError::into_generation)?;
    let signature = key.sign(&hash_data);
    config.insert(
        "proofValue".to_owned(),
        Value::from(encode_proof_value(&signature)),
    );
    Ok(Value::Object(config))
}

/// The proofs named by `previousProof` (a string or an array of ids), as the proof value of the
/// document they were signed over.
fn previous_proofs(
    document: &Value,
    previous: Option<&Value>,
) -> Result<Option<Value>, ProofError> {
    let Some(previous) = previous else {
        return Ok(None);
    };
    let ids: Vec<&str> = match previous {
        Value::String(id) => vec![id.as_str()],
        Value::Array(ids) => ids
            .iter()
            .map(|id| {
                id.as_str().ok_or(ProofError::InvalidField {
                    field: "previousProof",
                    reason: "must be a string or an array of strings",
                })
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(ProofError::InvalidField {
                field: "previousProof",
                reason: "must be a string or an array of strings",
            });
        }
    };
    let all = list_proofs(document);
    let mut matching = Vec::with_capacity(ids.len());
    for id in ids {
        let found = all
            .iter()
            .find(|proof| proof.get("id").and_then(Value::as_str) == Some(id));
        match found {
            Some(proof) => matching.push((*proof).clone()),
            None => return Err(ProofError::MissingPreviousProof(id.to_owned())),
        }
    }
    Ok(Some(Value::Array(matching)))
}

fn required_str<'a>(
    proof: &'a Map<String, Value>,
    field: &'static str,
) -> Result<&'a str, ProofError> {
    match proof.get(field) {
        None | Some(Value::Null) => Err(ProofError::MissingProperty(field)),
        Some(Value::String(text)) if !text.is_empty() => Ok(text),
        Some(_) => Err(ProofError::InvalidField {
            field,
            reason: "must be a non-empty string",
        }),
    }
}

/// Checks a proof's shape (type, cryptosuite, verificationMethod, proofPurpose, proofValue,
/// created/expires) without any cryptography, and returns its suite and signature.
pub fn check_proof_shape(proof: &Value) -> Result<(ProofSuite, [u8; 64]), ProofError> {
    let proof = proof.as_object().ok_or(ProofError::NotAnObject("proof"))?;
    let proof_type = required_str(proof, "type")?;
    let suite = match proof_type {
        DATA_INTEGRITY_PROOF => {
            let name = required_str(proof, "cryptosuite")?;
            match Cryptosuite::from_name(name) {
                Some(Cryptosuite::EddsaRdfc2022) => ProofSuite::EddsaRdfc2022,
                Some(Cryptosuite::EddsaJcs2022) => ProofSuite::EddsaJcs2022,
                None => return Err(ProofError::UnsupportedCryptosuite(name.to_owned())),
            }
        }
        ED25519_SIGNATURE_2020 => {
            if proof.contains_key("cryptosuite") {
                return Err(ProofError::SuiteConfusion(
                    "Ed25519Signature2020 carries a cryptosuite",
                ));
            }
            ProofSuite::Ed25519Signature2020
        }
        other => return Err(ProofError::UnsupportedProofType(other.to_owned())),
    };
    required_str(proof, "verificationMethod")?;
    required_str(proof, "proofPurpose")?;
    let signature = decode_proof_value(required_str(proof, "proofValue")?)?;
    for field in ["created", "expires"] {
        match proof.get(field) {
            None => {}
            Some(Value::String(value)) => {
                encoding::check_date_time(
                    if field == "created" {
                        "created"
                    } else {
                        "expires"
                    },
                    value,
                )?;
            }
            Some(_) => {
                return Err(ProofError::InvalidField {
                    field: if field == "created" {
                        "created"
                    } else {
                        "expires"
                    },
                    reason: "must be a dateTimeStamp string",
                });
            }
        }
    }
    Ok((suite, signature))
}

/// Verifies one proof of `secured_document` with `key`: the document is taken without `proof`
/// (plus the proofs `previousProof` names, for chains), the type and cryptosuite are matched
/// exactly, and the signature is checked with strict Ed25519 verification.
pub fn verify_proof(
    secured_document: &Value,
    proof: &Value,
    key: &VerifyingKey,
    ld: &LinkedData,
) -> Result<(), ProofError> {
    let (suite, signature) = check_proof_shape(proof)?;
    let proof_object = proof.as_object().ok_or(ProofError::NotAnObject("proof"))?;
    if !secured_document.is_object() {
        return Err(ProofError::NotAnObject("document"));
    }
    let mut config = proof_object.clone();
    config.remove("proofValue");
    let mut context_override = None;
    match suite {
        ProofSuite::EddsaJcs2022 => {
            if let Some(proof_context) = config.get("@context") {
                check_context_prefix(secured_document.get("@context"), proof_context)?;
                context_override = Some(proof_context);
            }
        }
        ProofSuite::EddsaRdfc2022 | ProofSuite::Ed25519Signature2020 => {
            config.remove("@context");
        }
    }
    let previous = previous_proofs(secured_document, proof_object.get("previousProof"))?;
    let hash_data = suites::hash_data(
        secured_document,
        previous,
        context_override,
        &config,
        suite,
        ld,
    )?;
    let signature = Signature::from_bytes(&signature);
    key.verify_strict(&hash_data, &signature)
        .map_err(|_| ProofError::SignatureMismatch)
}

/// eddsa-jcs-2022: the document's `@context` must start with the proof's contexts, in order.
fn check_context_prefix(
    document_context: Option<&Value>,
    proof_context: &Value,
) -> Result<(), ProofError> {
    fn as_list(value: &Value) -> Vec<&Value> {
        match value {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        }
    }
    let document_contexts = document_context.map(as_list).unwrap_or_default();
    let proof_contexts = as_list(proof_context);
    if document_contexts.len() >= proof_contexts.len()
        && document_contexts
            .iter()
            .zip(&proof_contexts)
            .all(|(left, right)| left == right)
    {
        Ok(())
    } else {
        Err(ProofError::ContextMismatch)
    }
}

/// Verifies every proof of a document (a proof set: all must verify). `key_for` maps a proof to
/// its key (by `verificationMethod`, after the caller's binding checks).
pub fn verify_proof_set(
    secured_document: &Value,
    key_for: &dyn Fn(&Value) -> Result<VerifyingKey, ProofError>,
    ld: &LinkedData,
) -> Result<usize, ProofError> {
    let proofs = list_proofs(secured_document);
    if proofs.is_empty() {
        return Err(ProofError::NoProof);
    }
    for proof in &proofs {
        verify_proof(secured_document, proof, &key_for(proof)?, ld)?;
    }
    Ok(proofs.len())
}

/// Checks that a proof's `proofPurpose` is the expected one (`assertionMethod` for credentials).
pub fn check_proof_purpose(proof: &Value, expected: &str) -> Result<(), ProofError> {
    let found = proof
        .get("proofPurpose")
        .and_then(Value::as_str)
        .ok_or(ProofError::MissingProperty("proofPurpose"))?;
    if found == expected {
        Ok(())
    } else {
        Err(ProofError::PurposeMismatch {
            expected: expected.to_owned(),
            found: found.to_owned(),
        })
    }
}

/// The proof's `created` and `expires` instants, for the verifier's inclusive window check
/// (`created <= now <= expires`).
pub fn proof_time_window(
    proof: &Value,
) -> Result<(Option<OffsetDateTime>, Option<OffsetDateTime>), ProofError> {
    let read = |field: &'static str| -> Result<Option<OffsetDateTime>, ProofError> {
        match proof.get(field) {
            None => Ok(None),
            Some(Value::String(value)) => encoding::check_date_time(field, value).map(Some),
            Some(_) => Err(ProofError::InvalidField {
                field,
                reason: "must be a dateTimeStamp string",
            }),
        }
    };
    Ok((read("created")?, read("expires")?))
}

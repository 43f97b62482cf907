//! The transformation, proof configuration and hashing steps of each suite, exposed as
//! [`Checkpoints`] so every intermediate value can be compared with the W3C vectors.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::{Cryptosuite, DATA_INTEGRITY_PROOF, ED25519_SIGNATURE_2020, ProofError, jcs};
use crate::linked_data::LinkedData;

/// A proof algorithm Brevet verifies: the two eddsa cryptosuites and legacy
/// `Ed25519Signature2020` (RDFC-based, verification only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProofSuite {
    EddsaRdfc2022,
    EddsaJcs2022,
    Ed25519Signature2020,
}

impl ProofSuite {
    /// The suite a proof configuration names, matched exactly.
    pub fn of_config(config: &Map<String, Value>) -> Result<Self, ProofError> {
        let proof_type = config
            .get("type")
            .and_then(Value::as_str)
            .ok_or(ProofError::MissingProperty("type"))?;
        match proof_type {
            DATA_INTEGRITY_PROOF => {
                let name = config
                    .get("cryptosuite")
                    .and_then(Value::as_str)
                    .ok_or(ProofError::MissingProperty("cryptosuite"))?;
                match Cryptosuite::from_name(name) {
                    Some(Cryptosuite::EddsaRdfc2022) => Ok(ProofSuite::EddsaRdfc2022),
                    Some(Cryptosuite::EddsaJcs2022) => Ok(ProofSuite::EddsaJcs2022),
                    None => Err(ProofError::UnsupportedCryptosuite(name.to_owned())),
                }
            }
            ED25519_SIGNATURE_2020 => Ok(ProofSuite::Ed25519Signature2020),
            other => Err(ProofError::UnsupportedProofType(other.to_owned())),
        }
    }

    fn uses_rdfc(self) -> bool {
        matches!(
            self,
            ProofSuite::EddsaRdfc2022 | ProofSuite::Ed25519Signature2020
        )
    }
}

/// Every intermediate value of one proof computation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoints {
    pub suite: ProofSuite,
    /// The canonical document: N-Quads (RDFC) or JSON (JCS).
    pub canonical_document: String,
    /// The canonical proof configuration.
    pub canonical_proof_config: String,
    /// SHA-256 of the canonical document.
    pub document_hash: [u8; 32],
    /// SHA-256 of the canonical proof configuration.
    pub proof_config_hash: [u8; 32],
}

impl Checkpoints {
    /// The signed data: `proofConfigHash ‖ documentHash`.
    pub fn hash_data(&self) -> [u8; 64] {
        let mut data = [0u8; 64];
        data[..32].copy_from_slice(&self.proof_config_hash);
        data[32..].copy_from_slice(&self.document_hash);
        data
    }
}

/// The checkpoints of `unsecured_document` (its `proof`, if any, is left out) under
/// `proof_config` (a proof without `proofValue`; its type and cryptosuite choose the suite). For
/// RDFC suites the configuration takes the document's `@context`; for eddsa-jcs-2022 it is used
/// as given (with its own `@context`, if any).
pub fn checkpoints(
    unsecured_document: &Value,
    proof_config: &Value,
    ld: &LinkedData,
) -> Result<Checkpoints, ProofError> {
    let mut config = proof_config
        .as_object()
        .ok_or(ProofError::NotAnObject("proof configuration"))?
        .clone();
    config.remove("proofValue");
    let suite = ProofSuite::of_config(&config)?;
    if suite.uses_rdfc() {
        config.remove("@context");
    }
    compute(unsecured_document, None, None, &config, suite, ld)
}

/// A document seen without its `proof` (or with `proof` replaced by the proofs a chain names),
/// and optionally with another `@context` (eddsa-jcs-2022 verification); serialized without
/// cloning the document.
struct DocumentView<'a> {
    document: &'a Map<String, Value>,
    proof: Option<&'a Value>,
    context: Option<&'a Value>,
}

impl DocumentView<'_> {
    fn is_unchanged(&self) -> bool {
        self.proof.is_none() && self.context.is_none() && !self.document.contains_key("proof")
    }

    fn entries(&self) -> impl Iterator<Item = (&str, &Value)> {
        let skip_context = self.context.is_some();
        self.document
            .iter()
            .filter(move |(key, _)| {
                key.as_str() != "proof" && !(skip_context && key.as_str() == "@context")
            })
            .map(|(key, value)| (key.as_str(), value))
            .chain(self.context.map(|context| ("@context", context)))
            .chain(self.proof.map(|proof| ("proof", proof)))
    }

    fn to_value(&self) -> Value {
        Value::Object(
            self.entries()
                .map(|(key, value)| (key.to_owned(), value.clone()))
                .collect(),
        )
    }
}

/// The signed data (`proofConfigHash ‖ documentHash`) of [`compute`], without keeping the
/// canonical forms: eddsa-jcs-2022 streams the canonical JSON into SHA-256.
pub(super) fn hash_data(
    document: &Value,
    proof_replacement: Option<Value>,
    context_override: Option<&Value>,
    config: &Map<String, Value>,
    suite: ProofSuite,
    ld: &LinkedData,
) -> Result<[u8; 64], ProofError> {
    if suite.uses_rdfc() {
        let steps = compute(
            document,
            proof_replacement,
            context_override,
            config,
            suite,
            ld,
        )?;
        return Ok(steps.hash_data());
    }
    let map = document
        .as_object()
        .ok_or(ProofError::NotAnObject("document"))?;
    let view = DocumentView {
        document: map,
        proof: proof_replacement.as_ref(),
        context: context_override,
    };
    let config_hash = jcs::sha256_of(|out| {
        jcs::write_object(out, config.iter().map(|(key, value)| (key.as_str(), value)))
    })?;
    let document_hash = jcs::sha256_of(|out| jcs::write_object(out, view.entries()))?;
    let mut data = [0u8; 64];
    data[..32].copy_from_slice(&config_hash);
    data[32..].copy_from_slice(&document_hash);
    Ok(data)
}

/// Runs the transformation, configuration and hashing steps.
pub(super) fn compute(
    document: &Value,
    proof_replacement: Option<Value>,
    context_override: Option<&Value>,
    config: &Map<String, Value>,
    suite: ProofSuite,
    ld: &LinkedData,
) -> Result<Checkpoints, ProofError> {
    let map = document
        .as_object()
        .ok_or(ProofError::NotAnObject("document"))?;
    let view = DocumentView {
        document: map,
        proof: proof_replacement.as_ref(),
        context: context_override,
    };
    let (canonical_document, canonical_proof_config) = if suite.uses_rdfc() {
        let canonical_document = if view.is_unchanged() {
            ld.canonical_nquads(document)?
        } else {
            ld.canonical_nquads(&view.to_value())?
        };
        let canonical_config = ld.canonicalize_proof_config(config, map.get("@context"))?;
        (canonical_document, canonical_config)
    } else {
        let mut document_out = Vec::with_capacity(4096);
        jcs::write_object(&mut document_out, view.entries())?;
        let mut config_out = Vec::with_capacity(512);
        jcs::write_object(
            &mut config_out,
            config.iter().map(|(key, value)| (key.as_str(), value)),
        )?;
        (
            jcs::into_string(document_out)?,
            jcs::into_string(config_out)?,
        )
    };
    let document_hash: [u8; 32] = Sha256::digest(canonical_document.as_bytes()).into();
    let proof_config_hash: [u8; 32] = Sha256::digest(canonical_proof_config.as_bytes()).into();
    Ok(Checkpoints {
        suite,
        canonical_document,
        canonical_proof_config,
        document_hash,
        proof_config_hash,
    })
}

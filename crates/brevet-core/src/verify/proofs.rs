//! The `proof` and `issuer-key` checks, made together because both need each proof's key.
//!
//! For every proof of the proof set (all must verify; DI-11): its shape and purpose
//! (`assertionMethod`); the DID document of the verification method's controller (did:key
//! locally, any other DID through the [`DidSource`](super::DidSource)) must list the method under
//! `assertionMethod` (KEY-02); then the signature, over the document transformed exactly as when
//! it was signed. At least one proof must be made with a key of the issuer (KEY-01); other valid
//! proofs in the set (a co-signer, a proof chain's earlier link) add signatures but never stand
//! for the issuer. A credential without a proof fails: no securing mechanism (DI-01).

use ed25519_dalek::VerifyingKey;
use serde_json::Value;

use super::VerifyEnv;
use super::report::{CheckName, CheckResult, Outcome};
use super::sources::SourceError;
use crate::did::{
    KeyBindingError, did_of_url, parse_did_key, resolve_did_key, resolve_verification_key,
};
use crate::multikey::encode_public_key;
use crate::proof::{self, ProofError};

/// The purpose every credential proof must have.
pub(crate) const ASSERTION_METHOD: &str = "assertionMethod";

/// The `proof` and `issuer-key` results of a secured document.
pub(crate) struct ProofFindings {
    pub(crate) proof: CheckResult,
    pub(crate) issuer_key: CheckResult,
}

/// What happened to one proof.
struct OneProof {
    label: String,
    /// The verification method, as resolved (`did:key:z…#z…` for a bare did:key).
    method: String,
    /// Whether the method's controller is the issuer.
    by_issuer: bool,
    /// `Ok(summary)`, or the outcome and reason when not passed.
    proof: Result<String, (Outcome, String)>,
    issuer_key: Result<String, (Outcome, String)>,
}

/// The issuer's id: `issuer` when a string, else `issuer.id`.
pub(crate) fn issuer_id(document: &Value) -> Option<&str> {
    match document.get("issuer") {
        Some(Value::String(id)) => Some(id),
        Some(Value::Object(profile)) => profile.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// Checks every proof of `document` against its issuer.
pub(crate) fn check_proofs(document: &Value, env: &VerifyEnv<'_>) -> ProofFindings {
    let proofs = proof::list_proofs(document);
    if proofs.is_empty() {
        let reason =
            "no securing mechanism: the credential has no proof, so nothing shows who issued it";
        return ProofFindings {
            proof: CheckResult::failed(
                CheckName::Proof,
                format!("PROOF_VERIFICATION_ERROR: {reason}"),
            ),
            issuer_key: CheckResult::could_not_check(
                CheckName::IssuerKey,
                "not checked: there is no proof",
            ),
        };
    }
    if let Some(finding) = data_loss_without_rdfc(document, &proofs, env) {
        return finding;
    }
    let issuer = issuer_id(document);
    let results: Vec<OneProof> = proofs
        .iter()
        .enumerate()
        .map(|(position, proof)| {
            let label = if proofs.len() == 1 {
                "proof".to_owned()
            } else {
                format!("proof {}", position + 1)
            };
            check_one(document, proof, issuer, env, label)
        })
        .collect();
    ProofFindings {
        proof: combine(CheckName::Proof, &results, |result| &result.proof),
        issuer_key: issuer_binding(issuer, &results),
    }
}

/// The `issuer-key` check: every proof's key resolved and bound (per proof), and at least one
/// proof made with a key of the issuer (KEY-01).
fn issuer_binding(issuer: Option<&str>, results: &[OneProof]) -> CheckResult {
    let Some(issuer) = issuer else {
        return CheckResult::failed(
            CheckName::IssuerKey,
            "the credential names no issuer, so no key can be bound to it",
        );
    };
    if results.iter().any(|result| result.by_issuer) {
        return combine(CheckName::IssuerKey, results, |result| &result.issuer_key);
    }
    let reasons: Vec<String> = results
        .iter()
        .map(|result| {
            let reason = format!(
                "issuer {issuer} does not control verification method {}",
                result.method
            );
            if results.len() == 1 {
                reason
            } else {
                format!("{}: {reason}", result.label)
            }
        })
        .collect();
    CheckResult::failed(CheckName::IssuerKey, reasons.join("; "))
}

/// Proofs that do not canonicalize with JSON-LD (eddsa-jcs-2022) never run safe mode, so a term
/// no context defines would be shown unsigned by any JSON-LD consumer: check it once here
/// (DI-03). RDFC proofs get the same check from their transformation.
fn data_loss_without_rdfc(
    document: &Value,
    proofs: &[&Value],
    env: &VerifyEnv<'_>,
) -> Option<ProofFindings> {
    let all_rdfc = proofs.iter().all(|proof| {
        let cryptosuite = proof.get("cryptosuite").and_then(Value::as_str);
        let proof_type = proof.get("type").and_then(Value::as_str);
        cryptosuite == Some("eddsa-rdfc-2022") || proof_type == Some(proof::ED25519_SIGNATURE_2020)
    });
    if all_rdfc {
        return None;
    }
    let unsecured = crate::issue::without_proof(document);
    let error = ProofError::from(env.ld.check_lossless(&unsecured).err()?);
    let not_checked = "not checked: the credential does not survive JSON-LD processing";
    Some(ProofFindings {
        proof: CheckResult::failed(CheckName::Proof, format!("{}: {error}", error.code())),
        issuer_key: CheckResult::could_not_check(CheckName::IssuerKey, not_checked),
    })
}

fn check_one(
    document: &Value,
    proof: &Value,
    issuer: Option<&str>,
    env: &VerifyEnv<'_>,
    label: String,
) -> OneProof {
    let failed = |error: ProofError| (Outcome::Failed, format!("{}: {error}", error.code()));
    let method = proof
        .get("verificationMethod")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let method = did_key_method(method);
    let by_issuer = issuer == Some(did_of_url(&method));
    if let Err(error) = proof::check_proof_shape(proof)
        .and_then(|_| proof::check_proof_purpose(proof, ASSERTION_METHOD))
    {
        return OneProof {
            label,
            by_issuer,
            method,
            proof: Err(failed(error)),
            issuer_key: Err((
                Outcome::CouldNotCheck,
                "not checked: the proof is malformed".to_owned(),
            )),
        };
    }
    let key = resolve_key(did_of_url(&method), &method, env);
    let issuer_key = match &key {
        Ok(_) if by_issuer => Ok(format!(
            "{method} belongs to the issuer and is listed under assertionMethod"
        )),
        Ok(_) => Ok(format!(
            "{method} is another signer's key, listed under assertionMethod of {}: its proof adds a signature and does not stand for the issuer",
            did_of_url(&method)
        )),
        Err(finding) => Err(finding.clone()),
    };
    let proof_result = match key {
        Ok(key) => match proof::verify_proof(document, proof, &key, env.ld) {
            Ok(()) => Ok(describe_proof(proof)),
            Err(error) => Err(failed(error)),
        },
        Err((_, reason)) => Err((
            Outcome::CouldNotCheck,
            format!("not checked: no key for {method} ({reason})"),
        )),
    };
    OneProof {
        label,
        by_issuer,
        method,
        proof: proof_result,
        issuer_key,
    }
}

/// A did:key DID names exactly one key: a bare `did:key:z6Mk…` verification method means
/// `did:key:z6Mk…#z6Mk…`. Anything else is taken as written.
fn did_key_method(method: &str) -> String {
    match method.strip_prefix("did:key:") {
        Some(key) if !method.contains('#') && !key.is_empty() => format!("{method}#{key}"),
        _ => method.to_owned(),
    }
}

/// Resolves the key of `method` from the DID document of its controller `did`, bound under
/// `assertionMethod` (KEY-02).
fn resolve_key(
    did: &str,
    method: &str,
    env: &VerifyEnv<'_>,
) -> Result<VerifyingKey, (Outcome, String)> {
    if !did.starts_with("did:") {
        return Err((
            Outcome::CouldNotCheck,
            format!(
                "{method} is not a DID URL; Brevet resolves the keys of DIDs (did:key, did:web) only"
            ),
        ));
    }
    if let Some(key) = did_key_own_method(did, method) {
        return Ok(key);
    }
    let document = did_document(did, env)?;
    resolve_verification_key(&document, did, method, ASSERTION_METHOD)
        .map_err(|error| (Outcome::Failed, binding_detail(&error)))
}

/// The key of a did:key DID when `method` is the one method its DID document has
/// (`did:key:z6Mk…#z6Mk…`, listed under `assertionMethod`): what resolving the document and
/// binding the method would give, without building the document or decoding the key twice.
/// `None` sends every other case (and every error) through the general path.
fn did_key_own_method(did: &str, method: &str) -> Option<VerifyingKey> {
    if !did.starts_with("did:key:") {
        return None;
    }
    let key = parse_did_key(did).ok()?;
    let fragment = method.strip_prefix(did)?.strip_prefix('#')?;
    (fragment == encode_public_key(&key)).then_some(key)
}

/// A DID document: did:key locally, anything else from the caller's source.
fn did_document(did: &str, env: &VerifyEnv<'_>) -> Result<Value, (Outcome, String)> {
    if did.starts_with("did:key:") {
        return resolve_did_key(did).map_err(|error| {
            (
                Outcome::Failed,
                format!("{did} is not a valid did:key: {error}"),
            )
        });
    }
    env.dids.did_document(did).map_err(|error| match error {
        SourceError::Unavailable(reason) => (
            Outcome::CouldNotCheck,
            format!("the DID document of {did} could not be had: {reason}"),
        ),
        SourceError::Invalid(reason) => (
            Outcome::Failed,
            format!("the DID document of {did} is not acceptable: {reason}"),
        ),
    })
}

fn binding_detail(error: &KeyBindingError) -> String {
    error.to_string()
}

fn describe_proof(proof: &Value) -> String {
    let kind = proof
        .get("cryptosuite")
        .or_else(|| proof.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("proof");
    match proof.get("created").and_then(Value::as_str) {
        Some(created) => format!("{kind} signature verifies (created {created})"),
        None => format!("{kind} signature verifies"),
    }
}

/// Failed if any proof failed, else could-not-check if any could not be checked, else passed.
fn combine(
    name: CheckName,
    results: &[OneProof],
    pick: impl Fn(&OneProof) -> &Result<String, (Outcome, String)>,
) -> CheckResult {
    let with_label = |result: &OneProof, text: &str| {
        if results.len() == 1 {
            text.to_owned()
        } else {
            format!("{}: {text}", result.label)
        }
    };
    for wanted in [Outcome::Failed, Outcome::CouldNotCheck] {
        let reasons: Vec<String> = results
            .iter()
            .filter_map(|result| match pick(result) {
                Err((outcome, reason)) if *outcome == wanted => Some(with_label(result, reason)),
                _ => None,
            })
            .collect();
        if !reasons.is_empty() {
            return CheckResult::new(name, wanted, reasons.join("; "));
        }
    }
    let summaries: Vec<String> = results
        .iter()
        .filter_map(|result| {
            pick(result)
                .as_ref()
                .ok()
                .map(|text| with_label(result, text))
        })
        .collect();
    CheckResult::passed(name, summaries.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::multikey::Ed25519KeyPair;

    #[test]
    fn the_did_key_shortcut_agrees_with_resolving_the_document() {
        let key = Ed25519KeyPair::from_seed(&[9; 32]);
        let did = key.did_key();
        let method = key.did_key_method();
        let general = resolve_did_key(&did)
            .ok()
            .and_then(|document| {
                resolve_verification_key(&document, &did, &method, ASSERTION_METHOD).ok()
            })
            .map(|key| key.to_bytes());
        assert_eq!(
            did_key_own_method(&did, &method).map(|key| key.to_bytes()),
            general
        );
        assert!(general.is_some());
        let other = Ed25519KeyPair::from_seed(&[8; 32]).public_multibase();
        for wrong in [
            format!("{did}#{other}"),
            format!("{did}#key-1"),
            did.clone(),
            format!("{did}#{}x", key.public_multibase()),
        ] {
            assert_eq!(did_key_own_method(&did, &wrong), None, "{wrong}");
        }
        assert_eq!(did_key_own_method("did:key:z6Mkbroken", &method), None);
    }
}

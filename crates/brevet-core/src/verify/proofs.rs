//! The `proof` and `issuer-key` checks, made together because both need each proof's key.
//!
//! For every proof of the proof set (all must verify; DI-11): its shape and purpose
//! (`assertionMethod`); the verification method's DID must be the issuer (KEY-01); the DID
//! document (did:key locally, any other DID through the [`DidSource`](super::DidSource)) must
//! list the method under `assertionMethod` (KEY-02); then the signature, over the document
//! transformed exactly as when it was signed. A credential without a proof fails: no securing
//! mechanism (DI-01).

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
        issuer_key: combine(CheckName::IssuerKey, &results, |result| &result.issuer_key),
    }
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
    if let Err(error) = proof::check_proof_shape(proof)
        .and_then(|_| proof::check_proof_purpose(proof, ASSERTION_METHOD))
    {
        return OneProof {
            label,
            proof: Err(failed(error)),
            issuer_key: Err((
                Outcome::CouldNotCheck,
                "not checked: the proof is malformed".to_owned(),
            )),
        };
    }
    let method = proof
        .get("verificationMethod")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let method = &did_key_method(method);
    let did = did_of_url(method);
    let key = resolve_key(did, method, issuer, env);
    let issuer_key = match &key {
        Ok(_) => Ok(format!(
            "{method} belongs to the issuer and is listed under assertionMethod"
        )),
        Err(finding) => Err(finding.clone()),
    };
    let proof_result = match key_for_signature(did, method, key, env) {
        Ok(key) => match proof::verify_proof(document, proof, &key, env.ld) {
            Ok(()) => Ok(describe_proof(proof)),
            Err(error) => Err(failed(error)),
        },
        Err(reason) => Err((Outcome::CouldNotCheck, reason)),
    };
    OneProof {
        label,
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

/// Resolves the key of `method` for the issuer, with every binding check.
fn resolve_key(
    did: &str,
    method: &str,
    issuer: Option<&str>,
    env: &VerifyEnv<'_>,
) -> Result<VerifyingKey, (Outcome, String)> {
    let Some(issuer) = issuer else {
        return Err((
            Outcome::Failed,
            "the credential names no issuer, so no key can be bound to it".to_owned(),
        ));
    };
    if did != issuer {
        return Err((
            Outcome::Failed,
            format!("issuer {issuer} does not control verification method {method}"),
        ));
    }
    if !did.starts_with("did:") {
        return Err((
            Outcome::CouldNotCheck,
            format!(
                "the issuer {issuer} is not a DID; Brevet resolves the keys of DID issuers (did:key, did:web) only"
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

/// The key to check the signature with: the issuer's, or, when the method is not the issuer's but
/// is a did:key, the key it names (so the report can still say whether the signature holds).
fn key_for_signature(
    did: &str,
    method: &str,
    issuer_key: Result<VerifyingKey, (Outcome, String)>,
    env: &VerifyEnv<'_>,
) -> Result<VerifyingKey, String> {
    match issuer_key {
        Ok(key) => Ok(key),
        Err(_) if did.starts_with("did:key:") => did_document(did, env)
            .map_err(|(_, reason)| reason)
            .and_then(|document| {
                resolve_verification_key(&document, did, method, ASSERTION_METHOD)
                    .map_err(|error| binding_detail(&error))
            })
            .map_err(|reason| format!("not checked: {reason}")),
        Err((_, reason)) => Err(format!("not checked: no key for {method} ({reason})")),
    }
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

//! Verifying a JWT-secured credential: VC-JWT (VC Data Model 1.1, the credential in the `vc`
//! claim, with `iss`/`nbf`/`exp`/`jti`/`sub` standing for `issuer`/`issuanceDate`/
//! `expirationDate`/`id`/`credentialSubject.id`) and VC-JOSE-COSE (VC Data Model 2.0, the
//! payload is the credential, `application/vc+jwt`). The same six checks as Data Integrity:
//!
//! - `syntax`: the token (strict, JWT-06) and the credential it carries (data model rules); a
//!   claim that contradicts the credential (`iss` ≠ `issuer`, ...) or a date claim that is not
//!   an integer NumericDate (JWT-04 c) fails here.
//! - `context`: the credential's contexts are pinned, as for any credential.
//! - `issuer-key`: the key is looked up from the issuer, never from the token: the issuer must be
//!   a DID (did:key, did:web), `kid` must name one of the issuer's own verification methods
//!   (listed under `assertionMethod`), and a `jwk` header, if present, must be that same key
//!   (JWT-03). `jku`, `x5u` and `x5c` are never fetched nor used.
//! - `proof`: the signature, with the algorithm of the key's type (EdDSA for Ed25519; `none` and
//!   HMAC refused before the payload is read: JWT-01, JWT-02).
//! - `validity`: the credential's window and the `nbf`/`exp` claims, inclusive, no skew.
//! - `status`: the credential's status entries, as for Data Integrity.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::VerifyingKey;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::VerifyEnv;
use super::context::check_contexts;
use super::proofs::{ASSERTION_METHOD, issuer_id};
use super::report::{CheckName, CheckResult, Outcome, VerificationReport};
use super::sources::SourceError;
use super::status::check_credential_status;
use super::validity::check_validity;
use crate::did::{did_of_url, resolve_did_key, resolve_verification_key};
use crate::jose::{CompactJws, JwsError, JwsPublicKey};
use crate::model::check_credential;

/// The latest NumericDate accepted: 9999-12-31T23:59:59Z.
const MAX_NUMERIC_DATE: i64 = 253_402_300_799;

/// Which JWT profile a token follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JwtProfile {
    /// VC Data Model 1.1 JWT: the credential is the `vc` claim.
    Vc11,
    /// VC-JOSE-COSE over VC Data Model 2.0: the payload is the credential.
    VcJose2,
}

impl JwtProfile {
    /// The profile's name, as reports and pages show it.
    pub fn label(self) -> &'static str {
        match self {
            JwtProfile::Vc11 => "VC-JWT (VC Data Model 1.1)",
            JwtProfile::VcJose2 => "VC-JOSE-COSE (VC Data Model 2.0, JWT)",
        }
    }
}

/// A token read without checking its signature: its profile and the credential it carries
/// (claims mapped in for VC 1.1). For display and for gathering documents before verifying;
/// never trust it before [`verify_jwt`] says so.
#[derive(Clone, Debug)]
pub struct DecodedJwt {
    pub jws: CompactJws,
    pub profile: JwtProfile,
    pub credential: Value,
}

/// Decodes a VC-JWT; errors are `(check, reason)`: the token was refused (proof) or the payload
/// is not a credential (syntax).
pub fn decode_jwt(token: &str) -> Result<DecodedJwt, (CheckName, String)> {
    let jws = CompactJws::parse(token).map_err(|error| {
        let check = match error {
            JwsError::Unsigned { .. }
            | JwsError::Hmac { .. }
            | JwsError::UnsupportedAlgorithm { .. }
            | JwsError::Extension { .. } => CheckName::Proof,
            _ => CheckName::Syntax,
        };
        (check, error.to_string())
    })?;
    let payload = jws.payload().as_object().cloned().unwrap_or_default();
    let typ = jws.header_str("typ");
    let (profile, credential) = match payload.get("vc") {
        Some(Value::Object(vc)) => {
            if let Some(typ) = typ
                && !typ.eq_ignore_ascii_case("JWT")
            {
                return Err((
                    CheckName::Syntax,
                    format!("a VC 1.1 JWT has \"typ\": \"JWT\" or none, not {typ:?}"),
                ));
            }
            (
                JwtProfile::Vc11,
                map_vc11_claims(vc, &payload).map_err(|reason| (CheckName::Syntax, reason))?,
            )
        }
        Some(_) => {
            return Err((
                CheckName::Syntax,
                "the \"vc\" claim is not a JSON object".to_owned(),
            ));
        }
        None if payload.contains_key("@context") => {
            if let Some(typ) = typ
                && !matches!(
                    typ.to_ascii_lowercase().as_str(),
                    "vc+jwt"
                        | "application/vc+jwt"
                        | "vc+ld+json+jwt"
                        | "application/vc+ld+json+jwt"
                )
            {
                return Err((
                    CheckName::Syntax,
                    format!("a VC-JOSE-COSE credential has \"typ\": \"vc+jwt\", not {typ:?}"),
                ));
            }
            check_jose_claims(&payload).map_err(|reason| (CheckName::Syntax, reason))?;
            (JwtProfile::VcJose2, Value::Object(payload))
        }
        None => {
            return Err((
                CheckName::Syntax,
                "the JWT carries no credential: no \"vc\" claim and no \"@context\"".to_owned(),
            ));
        }
    };
    Ok(DecodedJwt {
        jws,
        profile,
        credential,
    })
}

/// Runs every check on a VC-JWT.
pub fn verify_jwt(token: &str, env: &VerifyEnv<'_>) -> VerificationReport {
    let decoded = match decode_jwt(token) {
        Ok(decoded) => decoded,
        Err((check, reason)) => return refused(check, &reason),
    };
    verify_decoded(&decoded, env)
}

/// Runs every check on a decoded VC-JWT.
pub fn verify_decoded(decoded: &DecodedJwt, env: &VerifyEnv<'_>) -> VerificationReport {
    let credential = &decoded.credential;
    let label = decoded.profile.label();
    let syntax = match check_credential(credential) {
        Ok(info) => CheckResult::passed(
            CheckName::Syntax,
            format!(
                "{label}: {} issued by {}",
                info.types.join(", "),
                info.issuer_id
            ),
        ),
        Err(errors) => CheckResult::failed(
            CheckName::Syntax,
            format!("{label}: {}: {errors}", errors.code()),
        ),
    };
    let context = match check_contexts(credential, env.ld) {
        Ok(urls) => CheckResult::passed(
            CheckName::Context,
            format!("{} pinned context(s): {}", urls.len(), urls.join(", ")),
        ),
        Err(error) => CheckResult::failed(CheckName::Context, format!("INVALID_CONTEXT: {error}")),
    };
    let (proof, issuer_key) = check_signature(decoded, env);
    let validity = combine_validity(
        check_validity(credential, env.now),
        claims_window(decoded, env.now),
    );
    let blocker = [&syntax, &context, &proof, &issuer_key]
        .into_iter()
        .find(|check| check.outcome == Outcome::Failed);
    let status = match blocker {
        Some(failed) => CheckResult::could_not_check(
            CheckName::Status,
            format!(
                "not checked: the {} check failed, so no status list is fetched",
                failed.check
            ),
        ),
        None => check_credential_status(credential, env),
    };
    VerificationReport::from_checks(vec![syntax, context, proof, issuer_key, validity, status])
}

/// A report for a token refused before its payload was read.
fn refused(check: CheckName, reason: &str) -> VerificationReport {
    super::refused_report(check, reason, "not checked: the token was refused")
}

/// The VC 1.1 JWT mapping: each registered claim fills its property, and must agree with it
/// when the credential states it too.
fn map_vc11_claims(vc: &Map<String, Value>, claims: &Map<String, Value>) -> Result<Value, String> {
    let mut credential = vc.clone();
    if let Some(iss) = string_claim(claims, "iss")? {
        match credential.get("issuer") {
            None => {
                credential.insert("issuer".to_owned(), Value::from(iss));
            }
            Some(_) => {
                let as_value = Value::Object(credential.clone());
                let stated = issuer_id(&as_value).unwrap_or_default();
                if stated != iss {
                    return Err(format!(
                        "the \"iss\" claim {iss:?} is not the credential's issuer {stated:?}"
                    ));
                }
            }
        }
    }
    if let Some(jti) = string_claim(claims, "jti")? {
        agree_or_insert(&mut credential, "id", &jti, "jti")?;
    }
    for (claim, property) in [("nbf", "issuanceDate"), ("exp", "expirationDate")] {
        if let Some(at) = numeric_date(claims, claim)? {
            let text = crate::datetime::format_now_like(at);
            match credential.get(property) {
                None => {
                    credential.insert(property.to_owned(), Value::from(text));
                }
                Some(Value::String(stated)) => {
                    let same = crate::datetime::DateTimeStamp::parse(stated)
                        .is_ok_and(|stamp| stamp.instant() == at);
                    if !same {
                        return Err(format!(
                            "the \"{claim}\" claim ({text}) is not the credential's {property} {stated:?}"
                        ));
                    }
                }
                Some(_) => return Err(format!("{property} is not a string")),
            }
        }
    }
    numeric_date(claims, "iat")?;
    if let Some(sub) = string_claim(claims, "sub")? {
        match credential.get_mut("credentialSubject") {
            Some(Value::Object(subject)) => match subject.get("id") {
                None => {
                    subject.insert("id".to_owned(), Value::from(sub));
                }
                Some(Value::String(id)) if *id == sub => {}
                Some(_) => {
                    return Err(format!(
                        "the \"sub\" claim {sub:?} is not the credentialSubject's id"
                    ));
                }
            },
            _ => {
                return Err("the \"sub\" claim needs a single credentialSubject object".to_owned());
            }
        }
    }
    Ok(Value::Object(credential))
}

/// VC-JOSE-COSE: registered claims beside the credential must agree with it.
fn check_jose_claims(payload: &Map<String, Value>) -> Result<(), String> {
    let credential = Value::Object(payload.clone());
    if let Some(iss) = string_claim(payload, "iss")? {
        let stated = issuer_id(&credential).unwrap_or_default();
        if stated != iss {
            return Err(format!(
                "the \"iss\" claim {iss:?} is not the credential's issuer {stated:?}"
            ));
        }
    }
    if let Some(jti) = string_claim(payload, "jti")?
        && let Some(id) = payload.get("id").and_then(Value::as_str)
        && id != jti
    {
        return Err(format!(
            "the \"jti\" claim {jti:?} is not the credential's id {id:?}"
        ));
    }
    for claim in ["nbf", "exp", "iat"] {
        numeric_date(payload, claim)?;
    }
    Ok(())
}

fn agree_or_insert(
    credential: &mut Map<String, Value>,
    property: &str,
    value: &str,
    claim: &str,
) -> Result<(), String> {
    match credential.get(property) {
        None => {
            credential.insert(property.to_owned(), Value::from(value));
            Ok(())
        }
        Some(Value::String(stated)) if stated == value => Ok(()),
        Some(stated) => Err(format!(
            "the \"{claim}\" claim {value:?} is not the credential's {property} {stated}"
        )),
    }
}

fn string_claim(claims: &Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(format!("the \"{name}\" claim is not a string")),
    }
}

/// An integer NumericDate between 0 and 9999-12-31 (JWT-04 c: strings, fractions and 1e20 are
/// malformed).
fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<OffsetDateTime>, String> {
    let Some(value) = claims.get(name) else {
        return Ok(None);
    };
    let seconds = value
        .as_i64()
        .filter(|seconds| (0..=MAX_NUMERIC_DATE).contains(seconds))
        .ok_or_else(|| {
            format!("the \"{name}\" claim is not an integer NumericDate between 0 and 253402300799: {value}")
        })?;
    OffsetDateTime::from_unix_timestamp(seconds)
        .map(Some)
        .map_err(|error| format!("the \"{name}\" claim: {error}"))
}

/// The `nbf`/`exp` window of a VC-JOSE-COSE token (VC 1.1 maps them into the credential).
fn claims_window(decoded: &DecodedJwt, now: OffsetDateTime) -> Result<Option<String>, String> {
    if decoded.profile == JwtProfile::Vc11 {
        return Ok(None);
    }
    let claims = decoded
        .jws
        .payload()
        .as_object()
        .cloned()
        .unwrap_or_default();
    let now_text = crate::datetime::format_now_like(now);
    let nbf = numeric_date(&claims, "nbf")?;
    let exp = numeric_date(&claims, "exp")?;
    if let Some(nbf) = nbf
        && now < nbf
    {
        return Err(format!(
            "not yet valid: the \"nbf\" claim is {}, the time is {now_text}",
            crate::datetime::format_now_like(nbf)
        ));
    }
    if let Some(exp) = exp
        && now > exp
    {
        return Err(format!(
            "expired: the \"exp\" claim was {}, the time is {now_text}",
            crate::datetime::format_now_like(exp)
        ));
    }
    Ok(exp.map(|exp| {
        format!(
            "the token expires {}",
            crate::datetime::format_now_like(exp)
        )
    }))
}

fn combine_validity(
    credential: CheckResult,
    claims: Result<Option<String>, String>,
) -> CheckResult {
    match claims {
        Err(reason) => CheckResult::failed(CheckName::Validity, reason),
        Ok(_) if credential.outcome != Outcome::Passed => credential,
        Ok(Some(extra)) => CheckResult::passed(
            CheckName::Validity,
            format!("{}; {extra}", credential.detail),
        ),
        Ok(None) => credential,
    }
}

/// The `proof` and `issuer-key` checks: the key from the issuer, then the signature.
fn check_signature(decoded: &DecodedJwt, env: &VerifyEnv<'_>) -> (CheckResult, CheckResult) {
    let key = match issuer_key(decoded, env) {
        Ok((method, key)) => {
            let issuer_key = CheckResult::passed(
                CheckName::IssuerKey,
                format!("{method} belongs to the issuer and is listed under assertionMethod"),
            );
            (issuer_key, key)
        }
        Err((outcome, reason)) => {
            let proof = CheckResult::could_not_check(
                CheckName::Proof,
                "not checked: no key of the issuer to check the signature with",
            );
            return (
                proof,
                CheckResult::new(CheckName::IssuerKey, outcome, reason),
            );
        }
    };
    let (issuer_key, key) = key;
    let proof = match decoded.jws.verify_with(&JwsPublicKey::Ed25519(key)) {
        Ok(()) => CheckResult::passed(
            CheckName::Proof,
            format!("{} JWS signature verifies", decoded.jws.alg()),
        ),
        Err(error) => CheckResult::failed(
            CheckName::Proof,
            format!("PROOF_VERIFICATION_ERROR: {error}"),
        ),
    };
    (proof, issuer_key)
}

/// The issuer's key named by `kid` (or a did:key issuer's only key), checked against a `jwk`
/// header if there is one.
fn issuer_key(
    decoded: &DecodedJwt,
    env: &VerifyEnv<'_>,
) -> Result<(String, VerifyingKey), (Outcome, String)> {
    let failed = |reason: String| (Outcome::Failed, reason);
    let Some(issuer) = issuer_id(&decoded.credential) else {
        return Err(failed(
            "the credential names no issuer, so no key can be bound to it".to_owned(),
        ));
    };
    if !issuer.starts_with("did:") {
        return Err((
            Outcome::CouldNotCheck,
            format!(
                "the issuer {issuer} is not a DID; Brevet resolves the keys of DID issuers (did:key, did:web) only, never from the token"
            ),
        ));
    }
    let method = match decoded.jws.header().get("kid") {
        Some(Value::String(kid)) if kid.starts_with('#') => format!("{issuer}{kid}"),
        Some(Value::String(kid)) => kid.clone(),
        Some(_) => return Err(failed("the \"kid\" header is not a string".to_owned())),
        None => match issuer.strip_prefix("did:key:") {
            Some(key) => format!("{issuer}#{key}"),
            None => {
                return Err(failed(format!(
                    "the token has no \"kid\", so no key of {issuer} is named"
                )));
            }
        },
    };
    if did_of_url(&method) != issuer {
        return Err(failed(format!(
            "JWT-03: \"kid\" {method:?} is not a key of the issuer {issuer}"
        )));
    }
    let document = if issuer.starts_with("did:key:") {
        resolve_did_key(issuer)
            .map_err(|error| failed(format!("{issuer} is not a valid did:key: {error}")))?
    } else {
        env.dids.did_document(issuer).map_err(|error| match error {
            SourceError::Unavailable(reason) => (
                Outcome::CouldNotCheck,
                format!("the DID document of {issuer} could not be had: {reason}"),
            ),
            SourceError::Invalid(reason) => failed(format!(
                "the DID document of {issuer} is not acceptable: {reason}"
            )),
        })?
    };
    let key = resolve_verification_key(&document, issuer, &method, ASSERTION_METHOD)
        .map_err(|error| failed(error.to_string()))?;
    if let Some(jwk) = decoded.jws.header().get("jwk")
        && !jwk_is_key(jwk, &key)
    {
        return Err(failed(
            "JWT-03: the \"jwk\" header carries a key the issuer did not publish; keys are taken from the issuer only"
                .to_owned(),
        ));
    }
    Ok((method, key))
}

/// Whether a `jwk` header is exactly the resolved Ed25519 key (public part only).
fn jwk_is_key(jwk: &Value, key: &VerifyingKey) -> bool {
    let Some(jwk) = jwk.as_object() else {
        return false;
    };
    !jwk.contains_key("d")
        && jwk.get("kty").and_then(Value::as_str) == Some("OKP")
        && jwk.get("crv").and_then(Value::as_str) == Some("Ed25519")
        && jwk
            .get("x")
            .and_then(Value::as_str)
            .and_then(|x| URL_SAFE_NO_PAD.decode(x).ok())
            .is_some_and(|bytes| bytes == key.as_bytes())
}

#[cfg(test)]
mod tests;

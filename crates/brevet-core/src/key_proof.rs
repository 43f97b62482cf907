//! OpenID4VCI 1.0 key proofs of type `jwt` (`openid4vci-proof+jwt`): a compact JWS made by the
//! wallet with the key the credential is to be bound to. Pure: the caller passes "now" and the
//! expected audience; checking the `nonce` (a server-made `c_nonce`) is the caller's job, since
//! only it knows which nonces it made.
//!
//! Accepted: `alg` `EdDSA` (or the fully specified `Ed25519`) with an Ed25519 key, and `ES256`
//! with a P-256 key, the key named by exactly one of a `kid` that is a `did:key` or `did:jwk` DID
//! URL, or a `jwk` header (`OKP`/`Ed25519` or `EC`/`P-256`). The algorithm must match the key's
//! type (JWT-02). The holder DID bound into the credential is the DID of the `kid`, or the
//! `did:key` of the `jwk`. Refused, each with its own message: another `typ`, `alg: none` and
//! every other algorithm, both or neither of `kid` and `jwk`, `x5c`, a private key in the
//! header, a signature that does not verify, another `aud`, a missing or stale `iat`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, VerifyingKey};
use p256::ecdsa::signature::Verifier;
use serde_json::{Map, Value};

use crate::did;
use crate::multikey;

/// The `typ` every key proof JWT carries.
pub const PROOF_TYP: &str = "openid4vci-proof+jwt";

/// The `alg` values accepted (also what issuer metadata advertises).
pub const PROOF_ALGS: [&str; 3] = ["EdDSA", "Ed25519", "ES256"];

/// The multicodec header of a P-256 public key in a did:key (`p256-pub`, 0x1200 as a varint).
const P256_PUB_HEADER: [u8; 2] = [0x80, 0x24];

/// A holder's public key.
enum HolderKey {
    Ed25519(VerifyingKey),
    P256(p256::ecdsa::VerifyingKey),
}

impl HolderKey {
    /// Whether `alg` is the algorithm of this key's type.
    fn fits(&self, alg: &str) -> bool {
        match self {
            HolderKey::Ed25519(_) => alg == "EdDSA" || alg == "Ed25519",
            HolderKey::P256(_) => alg == "ES256",
        }
    }

    fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            HolderKey::Ed25519(key) => Signature::from_slice(signature)
                .is_ok_and(|signature| key.verify_strict(message, &signature).is_ok()),
            HolderKey::P256(key) => p256::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|signature| key.verify(message, &signature).is_ok()),
        }
    }

    /// The `did:key` of this key.
    fn did_key(&self) -> String {
        match self {
            HolderKey::Ed25519(key) => multikey::did_key_of(key),
            HolderKey::P256(key) => {
                let mut bytes = P256_PUB_HEADER.to_vec();
                bytes.extend_from_slice(key.to_encoded_point(true).as_bytes());
                format!("did:key:z{}", bs58::encode(bytes).into_string())
            }
        }
    }
}

/// Longest proof JWT accepted (a did:jwk kid makes them longer than a did:key one).
const MAX_JWT_LEN: usize = 8 * 1024;

/// What a proof must match.
#[derive(Debug, Clone, Copy)]
pub struct ProofExpectations<'a> {
    /// The Credential Issuer Identifier (`aud` must equal it exactly).
    pub audience: &'a str,
    /// The current time, unix seconds.
    pub now: i64,
    /// `iat` may be at most this many seconds in the past.
    pub max_age_seconds: i64,
    /// `iat` may be at most this many seconds in the future (clock skew).
    pub max_skew_seconds: i64,
}

/// A proof that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedKeyProof {
    /// The DID the credential is to be bound to (`did:key:…` or `did:jwk:…`, no fragment).
    pub holder_did: String,
    /// The `nonce` claim, if any (the caller checks it against the `c_nonce` it made).
    pub nonce: Option<String>,
    /// The `iat` claim.
    pub issued_at: i64,
}

/// Why a key proof was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyProofError {
    #[error("the proof is not a compact JWS (three base64url parts of JSON)")]
    Malformed,
    #[error("the proof's typ must be \"openid4vci-proof+jwt\"")]
    WrongType,
    #[error("the proof's alg {0:?} is not supported (use EdDSA)")]
    UnsupportedAlgorithm(String),
    #[error("the proof header must name the key with exactly one of kid or jwk")]
    KeyReference,
    #[error("x5c key proofs are not supported (use a did:key or did:jwk kid, or a jwk)")]
    CertificatesNotSupported,
    #[error("the proof header carries a private key")]
    PrivateKeyInHeader,
    #[error("the proof's key is not usable: {0}")]
    BadKey(String),
    #[error("the proof's signature does not verify")]
    BadSignature,
    #[error("the proof's aud must be the Credential Issuer Identifier {expected:?}")]
    WrongAudience { expected: String },
    #[error("the proof has no numeric iat")]
    MissingIssuedAt,
    #[error("the proof's iat is too far in the past or the future")]
    StaleIssuedAt,
    #[error("the proof's nonce must be a string")]
    BadNonce,
}

fn decode_json(part: &str) -> Result<Map<String, Value>, KeyProofError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| KeyProofError::Malformed)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| KeyProofError::Malformed)?;
    match crate::json::parse_strict(text) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Err(KeyProofError::Malformed),
    }
}

/// Verifies a `jwt` key proof against `expect` and returns the holder DID and nonce.
pub fn verify_jwt_key_proof(
    jwt: &str,
    expect: &ProofExpectations<'_>,
) -> Result<VerifiedKeyProof, KeyProofError> {
    if jwt.len() > MAX_JWT_LEN {
        return Err(KeyProofError::Malformed);
    }
    let mut parts = jwt.split('.');
    let (Some(header_part), Some(payload_part), Some(signature_part), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(KeyProofError::Malformed);
    };
    let header = decode_json(header_part)?;
    let payload = decode_json(payload_part)?;

    if header.get("typ").and_then(Value::as_str) != Some(PROOF_TYP) {
        return Err(KeyProofError::WrongType);
    }
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if !PROOF_ALGS.contains(&alg) {
        return Err(KeyProofError::UnsupportedAlgorithm(alg.to_owned()));
    }
    if header.contains_key("x5c") {
        return Err(KeyProofError::CertificatesNotSupported);
    }
    let (key, holder_did) = match (header.get("kid"), header.get("jwk")) {
        (Some(Value::String(kid)), None) => key_of_kid(kid)?,
        (None, Some(Value::Object(jwk))) => {
            let key = key_of_jwk(jwk)?;
            let did = key.did_key();
            (key, did)
        }
        _ => return Err(KeyProofError::KeyReference),
    };
    if !key.fits(alg) {
        return Err(KeyProofError::BadKey(format!(
            "alg {alg} does not match the key's type"
        )));
    }

    let signature = URL_SAFE_NO_PAD
        .decode(signature_part)
        .map_err(|_| KeyProofError::Malformed)?;
    let signing_input_len = header_part.len() + 1 + payload_part.len();
    if !key.verify(&jwt.as_bytes()[..signing_input_len], &signature) {
        return Err(KeyProofError::BadSignature);
    }

    if payload.get("aud").and_then(Value::as_str) != Some(expect.audience) {
        return Err(KeyProofError::WrongAudience {
            expected: expect.audience.to_owned(),
        });
    }
    let issued_at = payload
        .get("iat")
        .and_then(|iat| iat.as_i64().or_else(|| iat.as_f64().map(|f| f as i64)))
        .ok_or(KeyProofError::MissingIssuedAt)?;
    if issued_at < expect.now.saturating_sub(expect.max_age_seconds)
        || issued_at > expect.now.saturating_add(expect.max_skew_seconds)
    {
        return Err(KeyProofError::StaleIssuedAt);
    }
    let nonce = match payload.get("nonce") {
        None => None,
        Some(Value::String(nonce)) => Some(nonce.clone()),
        Some(_) => return Err(KeyProofError::BadNonce),
    };
    Ok(VerifiedKeyProof {
        holder_did,
        nonce,
        issued_at,
    })
}

/// The key and DID named by a `kid`: a `did:key` (Ed25519 or P-256) or `did:jwk` DID URL
/// whose fragment, when present, names that key.
fn key_of_kid(kid: &str) -> Result<(HolderKey, String), KeyProofError> {
    let (did, fragment) = match kid.split_once('#') {
        Some((did, fragment)) => (did, Some(fragment)),
        None => (kid, None),
    };
    if let Some(multibase) = did.strip_prefix("did:key:") {
        let key = if multibase.starts_with("zDn") {
            p256_of_did_key(multibase)?
        } else {
            HolderKey::Ed25519(
                did::parse_did_key(did).map_err(|e| KeyProofError::BadKey(e.to_string()))?,
            )
        };
        if fragment.is_some_and(|fragment| fragment != multibase) {
            return Err(KeyProofError::BadKey(
                "the did:key kid's fragment must be its own key".to_owned(),
            ));
        }
        return Ok((key, did.to_owned()));
    }
    if let Some(encoded) = did.strip_prefix("did:jwk:") {
        if fragment.is_some_and(|fragment| fragment != "0") {
            return Err(KeyProofError::BadKey(
                "a did:jwk kid's fragment must be #0".to_owned(),
            ));
        }
        let jwk = decode_json(encoded)
            .map_err(|_| KeyProofError::BadKey("the did:jwk is not a base64url JWK".to_owned()))?;
        return Ok((key_of_jwk(&jwk)?, did.to_owned()));
    }
    Err(KeyProofError::BadKey(
        "the kid must be a did:key or did:jwk DID URL".to_owned(),
    ))
}

/// A P-256 key from the multibase of a `did:key:zDn…`.
fn p256_of_did_key(multibase: &str) -> Result<HolderKey, KeyProofError> {
    let bad = || KeyProofError::BadKey("not a P-256 did:key".to_owned());
    let bytes = multibase
        .strip_prefix('z')
        .and_then(|text| bs58::decode(text).into_vec().ok())
        .ok_or_else(bad)?;
    let point = bytes
        .strip_prefix(P256_PUB_HEADER.as_slice())
        .ok_or_else(bad)?;
    if point.len() != 33 {
        return Err(bad());
    }
    p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
        .map(HolderKey::P256)
        .map_err(|_| bad())
}

/// A 32-byte base64url JWK member.
fn coordinate(jwk: &Map<String, Value>, name: &str) -> Result<[u8; 32], KeyProofError> {
    jwk.get(name)
        .and_then(Value::as_str)
        .and_then(|text| URL_SAFE_NO_PAD.decode(text).ok())
        .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
        .ok_or_else(|| KeyProofError::BadKey(format!("the JWK's {name} is not 32 base64url bytes")))
}

/// A public key from an `OKP`/`Ed25519` or `EC`/`P-256` JWK; a JWK with a private part is
/// refused.
fn key_of_jwk(jwk: &Map<String, Value>) -> Result<HolderKey, KeyProofError> {
    if jwk.contains_key("d") {
        return Err(KeyProofError::PrivateKeyInHeader);
    }
    let kty = jwk.get("kty").and_then(Value::as_str);
    let crv = jwk.get("crv").and_then(Value::as_str);
    match (kty, crv) {
        (Some("OKP"), Some("Ed25519")) => {
            multikey::verifying_key_from_bytes(&coordinate(jwk, "x")?)
                .map(HolderKey::Ed25519)
                .map_err(|e| KeyProofError::BadKey(e.to_string()))
        }
        (Some("EC"), Some("P-256")) => {
            let (x, y) = (coordinate(jwk, "x")?, coordinate(jwk, "y")?);
            let point = p256::EncodedPoint::from_affine_coordinates(&x.into(), &y.into(), false);
            p256::ecdsa::VerifyingKey::from_encoded_point(&point)
                .map(HolderKey::P256)
                .map_err(|_| KeyProofError::BadKey("the JWK is not a P-256 point".to_owned()))
        }
        _ => Err(KeyProofError::BadKey(
            "only Ed25519 (OKP) and P-256 (EC) keys are supported".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests;

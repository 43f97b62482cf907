//! Compact JWS (RFC 7515): the signed form of VC-JWT credentials and of signed Open Badges 2.0
//! assertions. Parsing is strict and verification takes its algorithm from the key, never from
//! the token (security catalogue JWT-01, JWT-02, JWT-06):
//!
//! - the header and the payload are parsed with [`crate::json`]'s strict parser (a duplicate
//!   `alg` or `issuer` is an error, never last-wins);
//! - `alg: none` in any spelling, an empty signature and every HMAC algorithm are refused before
//!   the payload is looked at: there is no HMAC path at all;
//! - a `crit` header (extensions Brevet does not implement) or an unencoded payload (`b64`) is
//!   refused;
//! - [`CompactJws::verify_with`] requires the header's `alg` to be the one algorithm of the key
//!   type: Ed25519 → `EdDSA`, RSA → `RS256`, P-256 → `ES256`.
//!
//! Keys come from the caller, who resolved them from the issuer; header-supplied key material
//! (`jwk`, `jku`, `x5u`, `x5c`) is never used to verify (JWT-03).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::json::parse_strict_with_limit;

/// The largest compact JWS read (2 MiB, as a baked payload).
pub const MAX_JWS_BYTES: usize = 2 * 1024 * 1024;

/// The smallest RSA modulus accepted, in bits.
pub const MIN_RSA_BITS: usize = 2048;

/// Why a token was refused or its signature does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwsError {
    #[error("the token is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("not a compact JWS: {0}")]
    NotCompact(&'static str),
    #[error("the JWS header is not acceptable: {0}")]
    Header(String),
    #[error("the JWS payload is not acceptable: {0}")]
    Payload(String),
    #[error("JWT-01: the token is unsigned (\"alg\": \"{alg}\"); unsigned tokens are refused")]
    Unsigned { alg: String },
    #[error(
        "JWT-02: \"alg\": \"{alg}\" is an HMAC algorithm; credentials are never verified with a shared secret"
    )]
    Hmac { alg: String },
    #[error("\"alg\": \"{alg}\" is not supported (EdDSA, RS256 and ES256 are)")]
    UnsupportedAlgorithm { alg: String },
    #[error("the JWS header has \"{name}\", an extension Brevet does not implement")]
    Extension { name: String },
    #[error(
        "JWT-02: the header says \"alg\": \"{alg}\" but the issuer's key is {key}, which signs with {expected} only"
    )]
    AlgorithmMismatch {
        alg: String,
        key: &'static str,
        expected: &'static str,
    },
    #[error("the signature is not base64url without padding, or has the wrong length for {alg}")]
    SignatureEncoding { alg: &'static str },
    #[error(
        "the signature does not verify with the issuer's key ({alg}): the token was altered or signed by another key"
    )]
    SignatureInvalid { alg: &'static str },
    #[error("the public key is not usable: {0}")]
    Key(String),
}

/// A parsed compact JWS whose signature has not been checked yet.
#[derive(Clone, Debug)]
pub struct CompactJws {
    header: Map<String, Value>,
    payload: Value,
    payload_bytes: Vec<u8>,
    signing_input: String,
    signature: Vec<u8>,
}

/// A public key a JWS can be checked with, resolved by the caller from the issuer.
#[derive(Clone, Debug)]
pub enum JwsPublicKey {
    Ed25519(ed25519_dalek::VerifyingKey),
    Rsa(rsa::RsaPublicKey),
    P256(p256::ecdsa::VerifyingKey),
}

impl JwsPublicKey {
    /// The one algorithm this key verifies.
    pub fn algorithm(&self) -> &'static str {
        match self {
            JwsPublicKey::Ed25519(_) => "EdDSA",
            JwsPublicKey::Rsa(_) => "RS256",
            JwsPublicKey::P256(_) => "ES256",
        }
    }

    /// The key type in words, for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            JwsPublicKey::Ed25519(_) => "an Ed25519 key",
            JwsPublicKey::Rsa(_) => "an RSA key",
            JwsPublicKey::P256(_) => "a P-256 key",
        }
    }

    /// Reads a PEM public key: `PUBLIC KEY` (SubjectPublicKeyInfo, RSA or P-256) or
    /// `RSA PUBLIC KEY` (PKCS#1). Private keys are refused, as are RSA moduli under
    /// [`MIN_RSA_BITS`] (and over 4096 bits, the `rsa` crate's cap).
    pub fn from_pem(pem: &str) -> Result<JwsPublicKey, JwsError> {
        use p256::pkcs8::DecodePublicKey as _;
        use rsa::pkcs1::DecodeRsaPublicKey as _;
        use rsa::traits::PublicKeyParts as _;
        let pem = pem.trim();
        if pem.contains("PRIVATE KEY") {
            return Err(JwsError::Key(
                "the document publishes a private key; it is not used".to_owned(),
            ));
        }
        let rsa_key = if pem.starts_with("-----BEGIN RSA PUBLIC KEY-----") {
            Some(
                rsa::RsaPublicKey::from_pkcs1_pem(pem)
                    .map_err(|error| JwsError::Key(format!("not a PKCS#1 RSA key: {error}")))?,
            )
        } else if pem.starts_with("-----BEGIN PUBLIC KEY-----") {
            rsa::RsaPublicKey::from_public_key_pem(pem).ok()
        } else {
            return Err(JwsError::Key(
                "publicKeyPem is not a PEM \"PUBLIC KEY\" or \"RSA PUBLIC KEY\"".to_owned(),
            ));
        };
        if let Some(key) = rsa_key {
            let bits = key.n().bits();
            if bits < MIN_RSA_BITS {
                return Err(JwsError::Key(format!(
                    "the RSA key has {bits} bits, fewer than {MIN_RSA_BITS}"
                )));
            }
            return Ok(JwsPublicKey::Rsa(key));
        }
        p256::ecdsa::VerifyingKey::from_public_key_pem(pem)
            .map(JwsPublicKey::P256)
            .map_err(|_| {
                JwsError::Key(
                    "the PEM key is neither an RSA (2048 to 4096 bits) nor a P-256 public key"
                        .to_owned(),
                )
            })
    }
}

impl CompactJws {
    /// Parses `header.payload.signature` strictly (see the module documentation) and refuses
    /// unsigned, HMAC and unknown algorithms.
    pub fn parse(token: &str) -> Result<CompactJws, JwsError> {
        if token.len() > MAX_JWS_BYTES {
            return Err(JwsError::TooLarge {
                size: token.len(),
                limit: MAX_JWS_BYTES,
            });
        }
        let mut segments = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return Err(JwsError::NotCompact(
                "it does not have exactly three segments (header.payload.signature)",
            ));
        };
        let header_bytes =
            decode_segment(header).ok_or(JwsError::NotCompact("the header is not base64url"))?;
        let header_text = std::str::from_utf8(&header_bytes)
            .map_err(|_| JwsError::Header("it is not UTF-8".to_owned()))?;
        let header_map = match parse_strict_with_limit(header_text, MAX_JWS_BYTES) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err(JwsError::Header("it is not a JSON object".to_owned())),
            Err(error) => return Err(JwsError::Header(error.to_string())),
        };
        let alg = match header_map.get("alg") {
            Some(Value::String(alg)) => alg.clone(),
            Some(_) => return Err(JwsError::Header("\"alg\" is not a string".to_owned())),
            None => return Err(JwsError::Header("it has no \"alg\"".to_owned())),
        };
        if alg.eq_ignore_ascii_case("none") {
            return Err(JwsError::Unsigned { alg });
        }
        if alg.to_ascii_uppercase().starts_with("HS") {
            return Err(JwsError::Hmac { alg });
        }
        if !matches!(alg.as_str(), "EdDSA" | "RS256" | "ES256") {
            return Err(JwsError::UnsupportedAlgorithm { alg });
        }
        for name in ["crit", "b64", "zip"] {
            if header_map.contains_key(name) {
                return Err(JwsError::Extension {
                    name: name.to_owned(),
                });
            }
        }
        if signature.is_empty() {
            return Err(JwsError::Unsigned { alg });
        }
        let signature = decode_segment(signature)
            .ok_or(JwsError::NotCompact("the signature is not base64url"))?;
        let payload_bytes =
            decode_segment(payload).ok_or(JwsError::NotCompact("the payload is not base64url"))?;
        let payload_text = std::str::from_utf8(&payload_bytes)
            .map_err(|_| JwsError::Payload("it is not UTF-8".to_owned()))?;
        let payload_value = match parse_strict_with_limit(payload_text, MAX_JWS_BYTES) {
            Ok(value @ Value::Object(_)) => value,
            Ok(_) => return Err(JwsError::Payload("it is not a JSON object".to_owned())),
            Err(error) => return Err(JwsError::Payload(error.to_string())),
        };
        let signing_input = format!("{header}.{payload}");
        Ok(CompactJws {
            header: header_map,
            payload: payload_value,
            payload_bytes,
            signing_input,
            signature,
        })
    }

    /// The protected header.
    pub fn header(&self) -> &Map<String, Value> {
        &self.header
    }

    /// The header's `alg` (one of EdDSA, RS256, ES256: anything else was refused by `parse`).
    pub fn alg(&self) -> &str {
        self.header
            .get("alg")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// A string header parameter (`kid`, `typ`, ...).
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name).and_then(Value::as_str)
    }

    /// The payload, parsed strictly (a JSON object).
    pub fn payload(&self) -> &Value {
        &self.payload
    }

    /// The payload exactly as it was signed.
    pub fn payload_bytes(&self) -> &[u8] {
        &self.payload_bytes
    }

    /// Checks the signature with `key`; the header's `alg` must be the key type's one algorithm.
    pub fn verify_with(&self, key: &JwsPublicKey) -> Result<(), JwsError> {
        let expected = key.algorithm();
        if self.alg() != expected {
            return Err(JwsError::AlgorithmMismatch {
                alg: self.alg().to_owned(),
                key: key.describe(),
                expected,
            });
        }
        let message = self.signing_input.as_bytes();
        let invalid = JwsError::SignatureInvalid { alg: expected };
        let encoding = JwsError::SignatureEncoding { alg: expected };
        match key {
            JwsPublicKey::Ed25519(key) => {
                let bytes: [u8; 64] = self.signature.as_slice().try_into().map_err(|_| encoding)?;
                key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(&bytes))
                    .map_err(|_| invalid)
            }
            JwsPublicKey::Rsa(key) => {
                use rsa::signature::Verifier as _;
                let verifier = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key.clone());
                let signature = rsa::pkcs1v15::Signature::try_from(self.signature.as_slice())
                    .map_err(|_| encoding)?;
                verifier.verify(message, &signature).map_err(|_| invalid)
            }
            JwsPublicKey::P256(key) => {
                use p256::ecdsa::signature::Verifier as _;
                let signature =
                    p256::ecdsa::Signature::from_slice(&self.signature).map_err(|_| encoding)?;
                key.verify(message, &signature).map_err(|_| invalid)
            }
        }
    }
}

fn decode_segment(segment: &str) -> Option<Vec<u8>> {
    if !segment
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
    {
        return None;
    }
    URL_SAFE_NO_PAD.decode(segment).ok()
}

/// The payload of a compact JWS read without any check of its header or signature: only to tell
/// what a refused token claims to be (never to show or trust its content).
pub fn peek_payload(token: &str) -> Option<Value> {
    if token.len() > MAX_JWS_BYTES {
        return None;
    }
    let payload = token.split('.').nth(1)?;
    let bytes = decode_segment(payload)?;
    parse_strict_with_limit(std::str::from_utf8(&bytes).ok()?, MAX_JWS_BYTES).ok()
}

/// Whether `text` has the shape of a compact JWS (three base64url segments, the first two
/// non-empty). Says nothing of its content.
pub fn looks_like_compact_jws(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && parts.iter().take(2).all(|part| !part.is_empty())
        && parts.iter().all(|part| {
            part.bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        })
}

/// Encodes a compact JWS from its parts (tests and tools that sign).
pub fn encode_compact(
    header: &Value,
    payload: &[u8],
    sign: impl FnOnce(&[u8]) -> Vec<u8>,
) -> String {
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature = sign(signing_input.as_bytes());
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

#[cfg(test)]
mod tests;

//! DIDs: `did:key` resolution (Ed25519 only), `did:web` URL mapping and document building, and
//! the verification-method binding check the verifier uses (KEY-01, KEY-02, KEY-07).
//!
//! Nothing here does IO: fetching a did:web document is the caller's job (see
//! [`did_web_url`]); the fetched document is then checked with [`resolve_verification_key`].

use ed25519_dalek::VerifyingKey;
use serde_json::{Map, Value, json};

use crate::multikey::{self, KeyError};

/// The DID Core v1 context.
pub const DID_V1_CONTEXT: &str = "https://www.w3.org/ns/did/v1";

/// Why a DID was refused.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DidError {
    #[error("\"{0}\" is not a did:key DID")]
    NotDidKey(String),
    #[error("\"{0}\" is not a did:web DID")]
    NotDidWeb(String),
    #[error("did:key \"{did}\": {source}")]
    DidKeyKey { did: String, source: KeyError },
    #[error("did:key \"{0}\" must not carry a path, query or fragment")]
    DidKeyExtra(String),
    #[error("did:web \"{did}\": {reason}")]
    DidWebSyntax { did: String, reason: &'static str },
}

/// Parses `did:key:z6Mk…` (no fragment) strictly and returns its Ed25519 key.
pub fn parse_did_key(did: &str) -> Result<VerifyingKey, DidError> {
    let multibase = did
        .strip_prefix("did:key:")
        .ok_or_else(|| DidError::NotDidKey(did.to_owned()))?;
    if multibase.contains(['#', '?', '/', ':']) {
        return Err(DidError::DidKeyExtra(did.to_owned()));
    }
    multikey::decode_public_key(multibase).map_err(|source| DidError::DidKeyKey {
        did: did.to_owned(),
        source,
    })
}

/// The DID part of a DID URL (everything before the first `#`, `?` or `/` after the method).
pub fn did_of_url(did_url: &str) -> &str {
    let end = did_url.find(['#', '?']).unwrap_or(did_url.len());
    &did_url[..end]
}

/// A Multikey verification method object.
pub fn multikey_method(id: &str, controller: &str, key: &VerifyingKey) -> Value {
    json!({
        "id": id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": multikey::encode_public_key(key),
    })
}

/// Resolves a `did:key` DID to its DID document: one Multikey verification method listed under
/// `authentication`, `assertionMethod`, `capabilityInvocation` and `capabilityDelegation`.
pub fn resolve_did_key(did: &str) -> Result<Value, DidError> {
    let key = parse_did_key(did)?;
    let multibase = multikey::encode_public_key(&key);
    let method_id = format!("{did}#{multibase}");
    Ok(json!({
        "@context": [DID_V1_CONTEXT, crate::contexts::MULTIKEY_V1],
        "id": did,
        "verificationMethod": [multikey_method(&method_id, did, &key)],
        "authentication": [method_id],
        "assertionMethod": [method_id],
        "capabilityInvocation": [method_id],
        "capabilityDelegation": [method_id],
    }))
}

fn web_error(did: &str, reason: &'static str) -> DidError {
    DidError::DidWebSyntax {
        did: did.to_owned(),
        reason,
    }
}

fn is_host_char(character: char) -> bool {
    character.is_ascii_alphanumeric() || character == '-' || character == '.'
}

fn is_path_segment_valid(segment: &str) -> bool {
    let bytes = segment.as_bytes();
    if segment.is_empty() || segment == "." || segment == ".." {
        return false;
    }
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' {
            let hex_pair = bytes.get(index + 1..index + 3);
            if !hex_pair.is_some_and(|pair| pair.iter().all(u8::is_ascii_hexdigit)) {
                return false;
            }
            index += 3;
            continue;
        }
        if !(byte.is_ascii_alphanumeric() || b"-._~".contains(&byte)) {
            return false;
        }
        index += 1;
    }
    true
}

/// The HTTPS URL of a did:web DID document: `did:web:example.com` →
/// `https://example.com/.well-known/did.json`; `did:web:example.com%3A8443:user:alice` →
/// `https://example.com:8443/user/alice/did.json`. Only the port's `%3A` is percent-decoded.
/// Whether the host may be contacted (no private or loopback addresses) is the fetcher's check.
pub fn did_web_url(did: &str) -> Result<String, DidError> {
    let rest = did
        .strip_prefix("did:web:")
        .ok_or_else(|| DidError::NotDidWeb(did.to_owned()))?;
    if rest.contains(['#', '?', '/']) {
        return Err(web_error(did, "must not carry a fragment, query or slash"));
    }
    let mut segments = rest.split(':');
    let authority = segments.next().unwrap_or_default();
    let (host, port) = match authority.find("%3A").or_else(|| authority.find("%3a")) {
        Some(position) => (&authority[..position], Some(&authority[position + 3..])),
        None => (authority, None),
    };
    if host.is_empty()
        || !host.chars().all(is_host_char)
        || host.starts_with(['.', '-'])
        || host.ends_with(['.', '-'])
    {
        return Err(web_error(did, "host must be a domain name"));
    }
    if host.contains("..") {
        return Err(web_error(did, "host has an empty label"));
    }
    if let Some(port) = port
        && (port.is_empty()
            || port.len() > 5
            || !port.chars().all(|c| c.is_ascii_digit())
            || port.parse::<u16>().is_err())
    {
        return Err(web_error(did, "port must be a number from 0 to 65535"));
    }
    let path: Vec<&str> = segments.collect();
    if path.iter().any(|segment| !is_path_segment_valid(segment)) {
        return Err(web_error(
            did,
            "path segments must be non-empty and URL-safe",
        ));
    }
    let host = host.to_ascii_lowercase();
    let authority = match port {
        Some(port) => format!("{host}:{port}"),
        None => host,
    };
    if path.is_empty() {
        Ok(format!("https://{authority}/.well-known/did.json"))
    } else {
        Ok(format!("https://{authority}/{}/did.json", path.join("/")))
    }
}

/// One key of a did:web document: its fragment (`key-1`) and public key.
#[derive(Debug, Clone)]
pub struct DidWebKey {
    pub fragment: String,
    pub key: VerifyingKey,
}

/// Builds the DID document of a did:web issuer: every key (current and retired) is a Multikey
/// verification method listed under `assertionMethod`, so credentials signed with a retired key
/// keep verifying (KEY-10). Retired keys must simply no longer be used to sign.
pub fn build_did_web_document(did: &str, keys: &[DidWebKey]) -> Result<Value, DidError> {
    did_web_url(did)?;
    let methods: Vec<Value> = keys
        .iter()
        .map(|key| multikey_method(&format!("{did}#{}", key.fragment), did, &key.key))
        .collect();
    let ids: Vec<Value> = keys
        .iter()
        .map(|key| Value::String(format!("{did}#{}", key.fragment)))
        .collect();
    Ok(json!({
        "@context": [DID_V1_CONTEXT, crate::contexts::MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
    }))
}

/// Why a verification method is not an acceptable key for the expected DID and purpose.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyBindingError {
    #[error("DID document id \"{found}\" does not match the DID \"{expected}\"")]
    IdMismatch { expected: String, found: String },
    #[error("issuer {did} does not control verification method {method}")]
    ForeignMethod { did: String, method: String },
    #[error(
        "verification method {method} is not listed under {purpose} in the DID document of {did}"
    )]
    NotAuthorized {
        did: String,
        method: String,
        purpose: String,
    },
    #[error("verification method {method} is unknown to the DID document of {did}")]
    UnknownKey { did: String, method: String },
    #[error("verification method {method} has controller \"{found}\", expected \"{expected}\"")]
    ControllerMismatch {
        method: String,
        expected: String,
        found: String,
    },
    #[error(
        "verification method {method} has unsupported type \"{found}\" (expected Multikey, Ed25519VerificationKey2020 or JsonWebKey2020)"
    )]
    UnsupportedType { method: String, found: String },
    #[error("verification method {method} exposes a secret key")]
    SecretKeyExposed { method: String },
    #[error("verification method {method} has no publicKeyMultibase")]
    MissingPublicKey { method: String },
    #[error("verification method {method}: {source}")]
    BadKey { method: String, source: KeyError },
    #[error("verification method {method}: {reason}")]
    BadJwk {
        method: String,
        reason: &'static str,
    },
    #[error("DID document is malformed: {0}")]
    Malformed(&'static str),
}

fn absolute_id(document_id: &str, id: &str) -> String {
    if id.starts_with('#') {
        format!("{document_id}{id}")
    } else {
        id.to_owned()
    }
}

fn entries(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    }
}

fn method_id(method: &Map<String, Value>) -> Option<&str> {
    method.get("id").and_then(Value::as_str)
}

/// Finds the key a proof's `verificationMethod` designates, in a DID document, for `purpose`
/// (`assertionMethod` for credentials): the document's `id` must equal `expected_did`; the
/// method must belong to that DID, be listed (by reference or embedded) under `purpose`, have
/// the DID as controller, and be a `Multikey` or `Ed25519VerificationKey2020` with a strictly
/// valid `publicKeyMultibase`. A method exposing a secret key is refused.
pub fn resolve_verification_key(
    did_document: &Value,
    expected_did: &str,
    verification_method: &str,
    purpose: &str,
) -> Result<VerifyingKey, KeyBindingError> {
    let document = did_document
        .as_object()
        .ok_or(KeyBindingError::Malformed("not a JSON object"))?;
    let document_id = document
        .get("id")
        .and_then(Value::as_str)
        .ok_or(KeyBindingError::Malformed("no string id"))?;
    if document_id != expected_did {
        return Err(KeyBindingError::IdMismatch {
            expected: expected_did.to_owned(),
            found: document_id.to_owned(),
        });
    }
    let wanted = absolute_id(document_id, verification_method);
    if did_of_url(&wanted) != expected_did {
        return Err(KeyBindingError::ForeignMethod {
            did: expected_did.to_owned(),
            method: wanted,
        });
    }
    let listed = entries(document.get(purpose));
    let mut embedded_under_purpose = None;
    let mut authorized = false;
    for entry in listed {
        match entry {
            Value::String(reference) if absolute_id(document_id, reference) == wanted => {
                authorized = true
            }
            Value::Object(method)
                if method_id(method).is_some_and(|id| absolute_id(document_id, id) == wanted) =>
            {
                authorized = true;
                embedded_under_purpose = Some(method);
            }
            _ => {}
        }
    }
    let declared = entries(document.get("verificationMethod"))
        .into_iter()
        .find_map(|entry| match entry {
            Value::Object(method)
                if method_id(method).is_some_and(|id| absolute_id(document_id, id) == wanted) =>
            {
                Some(method)
            }
            _ => None,
        });
    let method = match (embedded_under_purpose, declared) {
        (Some(method), _) | (None, Some(method)) => method,
        (None, None) => {
            return Err(KeyBindingError::UnknownKey {
                did: expected_did.to_owned(),
                method: wanted,
            });
        }
    };
    if !authorized {
        return Err(KeyBindingError::NotAuthorized {
            did: expected_did.to_owned(),
            method: wanted,
            purpose: purpose.to_owned(),
        });
    }
    method_key(method, document_id, &wanted)
}

fn method_key(
    method: &Map<String, Value>,
    document_id: &str,
    wanted: &str,
) -> Result<VerifyingKey, KeyBindingError> {
    let controller = method
        .get("controller")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if absolute_id(document_id, controller) != document_id {
        return Err(KeyBindingError::ControllerMismatch {
            method: wanted.to_owned(),
            expected: document_id.to_owned(),
            found: controller.to_owned(),
        });
    }
    if [
        "secretKeyMultibase",
        "privateKeyMultibase",
        "privateKeyJwk",
        "privateKeyBase58",
    ]
    .iter()
    .any(|field| method.contains_key(*field))
    {
        return Err(KeyBindingError::SecretKeyExposed {
            method: wanted.to_owned(),
        });
    }
    let key_type = method
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if key_type == "JsonWebKey2020" || key_type == "JsonWebKey" {
        return jwk_key(method, wanted);
    }
    if key_type != "Multikey" && key_type != "Ed25519VerificationKey2020" {
        return Err(KeyBindingError::UnsupportedType {
            method: wanted.to_owned(),
            found: key_type.to_owned(),
        });
    }
    let multibase = method
        .get("publicKeyMultibase")
        .and_then(Value::as_str)
        .ok_or_else(|| KeyBindingError::MissingPublicKey {
            method: wanted.to_owned(),
        })?;
    multikey::decode_public_key(multibase).map_err(|source| KeyBindingError::BadKey {
        method: wanted.to_owned(),
        source,
    })
}

/// An Ed25519 `publicKeyJwk` (`kty` OKP, `crv` Ed25519, `x` base64url of 32 bytes); a JWK
/// carrying the private part `d` is refused.
fn jwk_key(method: &Map<String, Value>, wanted: &str) -> Result<VerifyingKey, KeyBindingError> {
    use base64::Engine;
    let bad = |reason: &'static str| KeyBindingError::BadJwk {
        method: wanted.to_owned(),
        reason,
    };
    let jwk = method
        .get("publicKeyJwk")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("publicKeyJwk is missing"))?;
    if jwk.contains_key("d") {
        return Err(KeyBindingError::SecretKeyExposed {
            method: wanted.to_owned(),
        });
    }
    if jwk.get("kty").and_then(Value::as_str) != Some("OKP")
        || jwk.get("crv").and_then(Value::as_str) != Some("Ed25519")
    {
        return Err(bad("only OKP Ed25519 keys are supported"));
    }
    let x = jwk
        .get("x")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("x is missing"))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(x)
        .map_err(|_| bad("x is not base64url without padding"))?;
    let bytes: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| bad("x is not 32 bytes"))?;
    multikey::verifying_key_from_bytes(&bytes).map_err(|source| KeyBindingError::BadKey {
        method: wanted.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests;

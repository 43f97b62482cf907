//! Ed25519 keys in Multikey form: `publicKeyMultibase` (`z6Mk…`, multicodec 0xed01) and
//! `secretKeyMultibase` (`z3u2…`, multicodec 0x8026), both base58btc, plus the CLI's key file.
//!
//! Public keys are decoded strictly: only the `z` (base58btc) prefix, exactly the 0xed01 header,
//! exactly 32 key bytes, a valid curve point that is not of small order. A secret key is never
//! accepted where a public key is expected.

use std::fmt;

pub use ed25519_dalek::{Signature, VerifyingKey};
use ed25519_dalek::{Signer, SigningKey};
use serde::{Deserialize, Serialize};

/// Multicodec header of an Ed25519 public key (varint of 0xed).
pub const ED25519_PUB_HEADER: [u8; 2] = [0xed, 0x01];
/// Multicodec header of an Ed25519 secret key seed (varint of 0x1300).
pub const ED25519_PRIV_HEADER: [u8; 2] = [0x80, 0x26];

/// Why a multibase key was refused.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    #[error("multibase key is empty")]
    Empty,
    #[error("multibase key must use the base58btc prefix 'z', found '{0}'")]
    UnsupportedMultibasePrefix(char),
    #[error("multibase key is not valid base58btc")]
    InvalidBase58,
    #[error("multibase key is too short to hold a multicodec header")]
    MissingHeader,
    #[error("a secret key (multicodec 0x8026) was given where a public key is expected")]
    SecretKeyAsPublicKey,
    #[error("a public key (multicodec 0xed01) was given where a secret key is expected")]
    PublicKeyAsSecretKey,
    #[error("unsupported multicodec header 0x{0}: expected 0x{1}")]
    UnsupportedHeader(String, &'static str),
    #[error("Ed25519 key must be exactly 32 bytes after the multicodec header, found {0}")]
    WrongLength(usize),
    #[error("public key is not a valid Ed25519 curve point")]
    InvalidPoint,
    #[error("public key is a weak (small-order) Ed25519 point")]
    WeakKey,
    #[error("key file is not valid JSON: {0}")]
    KeyFileSyntax(String),
    #[error("key file field `{0}` is missing")]
    KeyFileMissing(&'static str),
    #[error("key file names its secret both `secretKeyMultibase` and `privateKeyMultibase`")]
    KeyFileDuplicateSecret,
    #[error("key file type must be \"Multikey\", found \"{0}\"")]
    KeyFileType(String),
    #[error("key file publicKeyMultibase does not match its secret key")]
    KeyFilePublicMismatch,
    #[error("key file {field} is \"{found}\" but the key's did:key is \"{expected}\"")]
    KeyFileDidMismatch {
        field: &'static str,
        found: String,
        expected: String,
    },
    #[error("key file id \"{id}\" is not a fragment of its controller \"{controller}\"")]
    KeyFileIdNotUnderController { id: String, controller: String },
}

fn hex_header(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take(2)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn decode_multibase_base58(encoded: &str) -> Result<Vec<u8>, KeyError> {
    let mut chars = encoded.chars();
    match chars.next() {
        None => Err(KeyError::Empty),
        Some('z') => bs58::decode(chars.as_str())
            .into_vec()
            .map_err(|_| KeyError::InvalidBase58),
        Some(other) => Err(KeyError::UnsupportedMultibasePrefix(other)),
    }
}

fn encode_multibase_base58(header: [u8; 2], key: &[u8; 32]) -> String {
    let mut bytes = [0u8; 34];
    bytes[..2].copy_from_slice(&header);
    bytes[2..].copy_from_slice(key);
    format!("z{}", bs58::encode(bytes).into_string())
}

/// Decodes a `publicKeyMultibase` strictly (see the module docs).
pub fn decode_public_key(multibase: &str) -> Result<VerifyingKey, KeyError> {
    let bytes = decode_multibase_base58(multibase)?;
    let (header, key) = bytes.split_at_checked(2).ok_or(KeyError::MissingHeader)?;
    if header == ED25519_PRIV_HEADER {
        return Err(KeyError::SecretKeyAsPublicKey);
    }
    if header != ED25519_PUB_HEADER {
        return Err(KeyError::UnsupportedHeader(hex_header(header), "ed01"));
    }
    let key: &[u8; 32] = key
        .try_into()
        .map_err(|_| KeyError::WrongLength(key.len()))?;
    verifying_key_from_bytes(key)
}

/// An Ed25519 public key from its 32 bytes: a valid point, not of small order.
pub fn verifying_key_from_bytes(bytes: &[u8; 32]) -> Result<VerifyingKey, KeyError> {
    let key = VerifyingKey::from_bytes(bytes).map_err(|_| KeyError::InvalidPoint)?;
    if key.is_weak() {
        return Err(KeyError::WeakKey);
    }
    Ok(key)
}

/// Encodes a public key as `publicKeyMultibase` (`z6Mk…`).
pub fn encode_public_key(key: &VerifyingKey) -> String {
    encode_multibase_base58(ED25519_PUB_HEADER, key.as_bytes())
}

fn decode_secret_seed(multibase: &str) -> Result<[u8; 32], KeyError> {
    let bytes = decode_multibase_base58(multibase)?;
    let (header, seed) = bytes.split_at_checked(2).ok_or(KeyError::MissingHeader)?;
    if header == ED25519_PUB_HEADER {
        return Err(KeyError::PublicKeyAsSecretKey);
    }
    if header != ED25519_PRIV_HEADER {
        return Err(KeyError::UnsupportedHeader(hex_header(header), "8026"));
    }
    seed.try_into()
        .map_err(|_| KeyError::WrongLength(seed.len()))
}

/// The `did:key` DID of a public key.
pub fn did_key_of(key: &VerifyingKey) -> String {
    format!("did:key:{}", encode_public_key(key))
}

/// The `did:key` verification method id (`did:key:z6Mk…#z6Mk…`) of a public key.
pub fn did_key_method_of(key: &VerifyingKey) -> String {
    let multibase = encode_public_key(key);
    format!("did:key:{multibase}#{multibase}")
}

/// An Ed25519 signing key. Its `Debug` shows only the public key.
#[derive(Clone)]
pub struct Ed25519KeyPair {
    signing: SigningKey,
    /// `publicKeyMultibase` of the public key, encoded once (every issue names the key).
    public_multibase: String,
}

impl Ed25519KeyPair {
    fn from_signing_key(signing: SigningKey) -> Self {
        let public_multibase = encode_public_key(&signing.verifying_key());
        Ed25519KeyPair {
            signing,
            public_multibase,
        }
    }

    /// A fresh key from the operating system's random source.
    pub fn generate() -> Self {
        Self::from_signing_key(SigningKey::generate(&mut rand_core::OsRng))
    }

    /// A key from its 32-byte seed.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self::from_signing_key(SigningKey::from_bytes(seed))
    }

    /// A key from `secretKeyMultibase` (`z3u2…`, multicodec 0x8026 + 32-byte seed).
    pub fn from_secret_multibase(multibase: &str) -> Result<Self, KeyError> {
        Ok(Self::from_seed(&decode_secret_seed(multibase)?))
    }

    /// The secret key as `secretKeyMultibase`. Handle with care: never log or publish it.
    pub fn secret_multibase(&self) -> String {
        encode_multibase_base58(ED25519_PRIV_HEADER, self.signing.as_bytes())
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The public key as `publicKeyMultibase` (`z6Mk…`).
    pub fn public_multibase(&self) -> String {
        self.public_multibase.clone()
    }

    /// `did:key:z6Mk…`.
    pub fn did_key(&self) -> String {
        format!("did:key:{}", self.public_multibase)
    }

    /// `did:key:z6Mk…#z6Mk…`.
    pub fn did_key_method(&self) -> String {
        let multibase = &self.public_multibase;
        format!("did:key:{multibase}#{multibase}")
    }

    /// Signs bytes (Ed25519, RFC 8032).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        let signature: Signature = self.signing.sign(message);
        signature.to_bytes()
    }
}

impl fmt::Debug for Ed25519KeyPair {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Ed25519KeyPair")
            .field("public_key_multibase", &self.public_multibase())
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// The CLI's key file: a Multikey verification method with its secret.
///
/// Parsing accepts the secret as `secretKeyMultibase` or `privateKeyMultibase` (the W3C vectors'
/// name), fills in a did:key `id`/`controller` when absent, and checks that the public key
/// matches the secret. `Debug` and `Display` never print the secret; `Serialize` does (it writes
/// the key file) under the name `secretKeyMultibase`.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "RawKeyFile")]
pub struct KeyFile {
    #[serde(rename = "type")]
    pub key_type: String,
    pub id: String,
    pub controller: String,
    pub public_key_multibase: String,
    secret_key_multibase: String,
    #[serde(skip_serializing)]
    key_pair: Ed25519KeyPair,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawKeyFile {
    #[serde(rename = "type")]
    key_type: Option<String>,
    id: Option<String>,
    controller: Option<String>,
    public_key_multibase: Option<String>,
    secret_key_multibase: Option<String>,
    private_key_multibase: Option<String>,
}

impl KeyFile {
    /// The key file of a key pair, with did:key `id` and `controller`.
    pub fn from_key_pair(key_pair: &Ed25519KeyPair) -> Self {
        KeyFile {
            key_type: "Multikey".to_owned(),
            id: key_pair.did_key_method(),
            controller: key_pair.did_key(),
            public_key_multibase: key_pair.public_multibase(),
            secret_key_multibase: key_pair.secret_multibase(),
            key_pair: key_pair.clone(),
        }
    }

    /// Parses and checks a key file.
    pub fn parse(json: &str) -> Result<Self, KeyError> {
        let raw: RawKeyFile = serde_json::from_str(json)
            .map_err(|error| KeyError::KeyFileSyntax(error.to_string()))?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: RawKeyFile) -> Result<Self, KeyError> {
        let secret = match (raw.secret_key_multibase, raw.private_key_multibase) {
            (Some(_), Some(_)) => return Err(KeyError::KeyFileDuplicateSecret),
            (Some(secret), None) | (None, Some(secret)) => secret,
            (None, None) => return Err(KeyError::KeyFileMissing("secretKeyMultibase")),
        };
        let key_pair = Ed25519KeyPair::from_secret_multibase(&secret)?;
        let key_type = raw.key_type.unwrap_or_else(|| "Multikey".to_owned());
        if key_type != "Multikey" {
            return Err(KeyError::KeyFileType(key_type));
        }
        let public = key_pair.public_multibase();
        if let Some(declared) = &raw.public_key_multibase {
            let declared_key = decode_public_key(declared)?;
            if declared_key != key_pair.verifying_key() {
                return Err(KeyError::KeyFilePublicMismatch);
            }
        }
        let did_key = key_pair.did_key();
        let controller = raw.controller.unwrap_or_else(|| did_key.clone());
        let id = raw.id.unwrap_or_else(|| format!("{controller}#{public}"));
        if controller.starts_with("did:key:") && controller != did_key {
            return Err(KeyError::KeyFileDidMismatch {
                field: "controller",
                found: controller,
                expected: did_key,
            });
        }
        if !id
            .strip_prefix(controller.as_str())
            .is_some_and(|rest| rest.starts_with('#') && rest.len() > 1)
        {
            return Err(KeyError::KeyFileIdNotUnderController { id, controller });
        }
        Ok(KeyFile {
            key_type,
            id,
            controller,
            public_key_multibase: public,
            secret_key_multibase: key_pair.secret_multibase(),
            key_pair,
        })
    }

    pub fn key_pair(&self) -> &Ed25519KeyPair {
        &self.key_pair
    }

    /// The key file as pretty JSON, secret included (for writing the file).
    pub fn to_json_with_secret(&self) -> String {
        serde_json::json!({
            "type": self.key_type,
            "id": self.id,
            "controller": self.controller,
            "publicKeyMultibase": self.public_key_multibase,
            "secretKeyMultibase": self.secret_key_multibase,
        })
        .to_string()
    }

    /// The public Multikey verification method (no secret), as JSON.
    pub fn public_method(&self) -> serde_json::Value {
        serde_json::json!({
            "type": self.key_type,
            "id": self.id,
            "controller": self.controller,
            "publicKeyMultibase": self.public_key_multibase,
        })
    }
}

impl TryFrom<RawKeyFile> for KeyFile {
    type Error = KeyError;

    fn try_from(raw: RawKeyFile) -> Result<Self, KeyError> {
        Self::from_raw(raw)
    }
}

impl fmt::Debug for KeyFile {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("KeyFile")
            .field("type", &self.key_type)
            .field("id", &self.id)
            .field("controller", &self.controller)
            .field("public_key_multibase", &self.public_key_multibase)
            .field("secret_key_multibase", &"<redacted>")
            .finish()
    }
}

impl fmt::Display for KeyFile {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.public_method())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W3C_PUBLIC: &str = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
    const W3C_SECRET: &str = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";

    #[test]
    fn w3c_key_pair_round_trips() {
        let pair = Ed25519KeyPair::from_secret_multibase(W3C_SECRET).unwrap();
        assert_eq!(pair.public_multibase(), W3C_PUBLIC);
        assert_eq!(pair.secret_multibase(), W3C_SECRET);
        assert_eq!(
            encode_public_key(&decode_public_key(W3C_PUBLIC).unwrap()),
            W3C_PUBLIC
        );
    }

    #[test]
    fn generated_keys_start_with_the_expected_prefixes() {
        let pair = Ed25519KeyPair::generate();
        assert!(pair.public_multibase().starts_with("z6Mk"));
        assert!(pair.secret_multibase().starts_with("z3u2"));
        assert!(!format!("{pair:?}").contains(&pair.secret_multibase()));
    }

    fn multibase(header: &[u8], key: &[u8]) -> String {
        let mut bytes = header.to_vec();
        bytes.extend_from_slice(key);
        format!("z{}", bs58::encode(bytes).into_string())
    }

    #[test]
    fn public_key_decoding_is_strict() {
        let good = *decode_public_key(W3C_PUBLIC).unwrap().as_bytes();
        assert_eq!(decode_public_key(""), Err(KeyError::Empty));
        let base64url = format!("u{}", &W3C_PUBLIC[1..]);
        assert_eq!(
            decode_public_key(&base64url),
            Err(KeyError::UnsupportedMultibasePrefix('u'))
        );
        assert_eq!(decode_public_key("z0OIl"), Err(KeyError::InvalidBase58));
        assert_eq!(
            decode_public_key(&multibase(&[0x80, 0x24], &good)),
            Err(KeyError::UnsupportedHeader("8024".into(), "ed01"))
        );
        assert_eq!(
            decode_public_key(&multibase(&ED25519_PUB_HEADER, &good[..31])),
            Err(KeyError::WrongLength(31))
        );
        let mut long = good.to_vec();
        long.push(0);
        assert_eq!(
            decode_public_key(&multibase(&ED25519_PUB_HEADER, &long)),
            Err(KeyError::WrongLength(33))
        );
        assert_eq!(
            decode_public_key(W3C_SECRET),
            Err(KeyError::SecretKeyAsPublicKey)
        );
        assert_eq!(decode_public_key("z1"), Err(KeyError::MissingHeader));
    }

    #[test]
    fn small_order_points_are_rejected() {
        // The identity point (y = 1) has order 1.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            decode_public_key(&multibase(&ED25519_PUB_HEADER, &identity)),
            Err(KeyError::WeakKey)
        );
        // A y coordinate that is not on the curve (y = 2).
        let mut off_curve = [0u8; 32];
        off_curve[0] = 2;
        assert_eq!(
            decode_public_key(&multibase(&ED25519_PUB_HEADER, &off_curve)),
            Err(KeyError::InvalidPoint)
        );
    }

    #[test]
    fn secret_decoding_refuses_public_keys() {
        assert!(matches!(
            Ed25519KeyPair::from_secret_multibase(W3C_PUBLIC),
            Err(KeyError::PublicKeyAsSecretKey)
        ));
    }

    #[test]
    fn key_file_accepts_both_secret_names_and_hides_the_secret() {
        let w3c = format!(
            r#"{{"publicKeyMultibase":"{W3C_PUBLIC}","privateKeyMultibase":"{W3C_SECRET}"}}"#
        );
        let file = KeyFile::parse(&w3c).unwrap();
        assert_eq!(file.controller, format!("did:key:{W3C_PUBLIC}"));
        assert_eq!(file.id, format!("did:key:{W3C_PUBLIC}#{W3C_PUBLIC}"));
        assert!(!format!("{file:?}").contains(W3C_SECRET));
        assert!(!format!("{file}").contains(W3C_SECRET));
        let written = file.to_json_with_secret();
        assert!(written.contains(W3C_SECRET));
        let reread = KeyFile::parse(&written).unwrap();
        assert_eq!(reread.public_key_multibase, W3C_PUBLIC);
        let serialized = serde_json::to_value(&reread).unwrap();
        assert_eq!(serialized["secretKeyMultibase"], W3C_SECRET);
    }

    #[test]
    fn key_file_rejects_a_public_key_that_does_not_match() {
        let other = Ed25519KeyPair::generate().public_multibase();
        let json =
            format!(r#"{{"publicKeyMultibase":"{other}","secretKeyMultibase":"{W3C_SECRET}"}}"#);
        assert_eq!(
            KeyFile::parse(&json).unwrap_err(),
            KeyError::KeyFilePublicMismatch
        );
        let json =
            format!(r#"{{"controller":"did:key:{other}","secretKeyMultibase":"{W3C_SECRET}"}}"#);
        assert!(matches!(
            KeyFile::parse(&json),
            Err(KeyError::KeyFileDidMismatch { .. })
        ));
        assert_eq!(
            KeyFile::parse("{}").unwrap_err(),
            KeyError::KeyFileMissing("secretKeyMultibase")
        );
    }
}

//! Bitstring Status List v1.0: the bitstring (most significant bit first, at least 131,072
//! entries), its encoding (`u` + base64url-no-pad of GZIP), status entries, status list
//! credentials and the status check.
//!
//! [`check_status`] checks the list credential's shape, purpose, `id` and the entry's range and
//! reads the status. Verifying the list credential's proof (with [`crate::proof`]), that its
//! issuer is trusted, and its validity window against the clock is the verifier's job: a list that
//! fails those checks must give `STATUS_VERIFICATION_ERROR`, and one that cannot be fetched
//! `STATUS_RETRIEVAL_ERROR` (both fail closed).

use std::io::{Read, Write};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flate2::Compression;
use flate2::bufread::GzDecoder;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

/// The minimum number of entries of a status list (herd privacy).
pub const MIN_ENTRIES: usize = 131_072;
/// The default cap on the decompressed size of an encoded list (16 MiB).
pub const DEFAULT_DECOMPRESSED_CAP: usize = 16 * 1024 * 1024;
/// GZIP magic and deflate method: a decompressed list starting with these bytes is a nested
/// GZIP stream (STS-06 b), refused rather than read as bits.
const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];
/// The largest `statusSize` supported.
pub const MAX_STATUS_SIZE: u32 = 8;

/// A status list error with its Bitstring Status List error code ([`StatusError::code`]).
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusError {
    #[error("status list has {entries} entries, fewer than the minimum of 131072")]
    ListTooShort { entries: usize },
    #[error("encodedList must be multibase base64url (prefix 'u'), found {0}")]
    BadMultibasePrefix(String),
    #[error("encodedList is not valid base64url without padding")]
    BadBase64,
    #[error("encodedList is not a valid GZIP stream: {0}")]
    BadGzip(String),
    #[error("encodedList decompresses to more than {cap} bytes")]
    TooLarge { cap: usize },
    #[error("status entry field {field}: {reason}")]
    MalformedEntry { field: &'static str, reason: String },
    #[error(
        "status list index {index} (statusSize {size}) is outside the list of {entries} entries"
    )]
    OutOfRange {
        index: u64,
        size: u32,
        entries: usize,
    },
    #[error("status list credential: {0}")]
    BadListCredential(String),
    #[error("status entry purpose \"{entry}\" does not match the status list's purpose {list}")]
    PurposeMismatch { entry: String, list: String },
    #[error(
        "status list credential id \"{found}\" does not match statusListCredential \"{expected}\""
    )]
    ListIdMismatch { expected: String, found: String },
    #[error("status list could not be retrieved: {0}")]
    Retrieval(String),
}

impl StatusError {
    /// The Bitstring Status List error code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            StatusError::ListTooShort { .. } => "STATUS_LIST_LENGTH_ERROR",
            StatusError::OutOfRange { .. } => "RANGE_ERROR",
            StatusError::MalformedEntry { .. } => "MALFORMED_VALUE_ERROR",
            StatusError::Retrieval(_) => "STATUS_RETRIEVAL_ERROR",
            StatusError::BadMultibasePrefix(_)
            | StatusError::BadBase64
            | StatusError::BadGzip(_)
            | StatusError::TooLarge { .. }
            | StatusError::BadListCredential(_)
            | StatusError::PurposeMismatch { .. }
            | StatusError::ListIdMismatch { .. } => "STATUS_VERIFICATION_ERROR",
        }
    }
}

/// A status bitstring. Index 0 is the most significant (left-most) bit of byte 0.
#[derive(Clone, PartialEq, Eq)]
pub struct Bitstring {
    bytes: Vec<u8>,
}

impl std::fmt::Debug for Bitstring {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "Bitstring({} bits, {} set)",
            self.len(),
            self.bytes.iter().map(|b| b.count_ones()).sum::<u32>()
        )
    }
}

impl Default for Bitstring {
    fn default() -> Self {
        Bitstring::new(MIN_ENTRIES)
    }
}

impl Bitstring {
    /// An all-zero bitstring of at least `bits` bits and never fewer than 131,072, rounded up to
    /// whole bytes.
    pub fn new(bits: usize) -> Self {
        let bits = bits.max(MIN_ENTRIES);
        Bitstring {
            bytes: vec![0; bits.div_ceil(8)],
        }
    }

    /// A bitstring over raw bytes (at least 16 KiB).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, StatusError> {
        if bytes.len() * 8 < MIN_ENTRIES {
            return Err(StatusError::ListTooShort {
                entries: bytes.len() * 8,
            });
        }
        Ok(Bitstring { bytes })
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The number of bits.
    pub fn len(&self) -> usize {
        self.bytes.len() * 8
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The bit at `index` (`None` past the end).
    pub fn get(&self, index: usize) -> Option<bool> {
        let byte = self.bytes.get(index / 8)?;
        Some(byte & (0x80 >> (index % 8)) != 0)
    }

    /// Sets or clears the bit at `index`.
    pub fn set(&mut self, index: usize, value: bool) -> Result<(), StatusError> {
        let entries = self.len();
        let byte = self
            .bytes
            .get_mut(index / 8)
            .ok_or(StatusError::OutOfRange {
                index: index as u64,
                size: 1,
                entries,
            })?;
        let mask = 0x80 >> (index % 8);
        if value {
            *byte |= mask;
        } else {
            *byte &= !mask;
        }
        Ok(())
    }

    /// The `size`-bit value of entry `index` (bits `index*size ..`, most significant first).
    pub fn get_value(&self, index: u64, size: u32) -> Result<u64, StatusError> {
        let out_of_range = || StatusError::OutOfRange {
            index,
            size,
            entries: self.len() / size.max(1) as usize,
        };
        if size == 0 || size > MAX_STATUS_SIZE {
            return Err(StatusError::MalformedEntry {
                field: "statusSize",
                reason: format!("{size} is not from 1 to 8"),
            });
        }
        let start = index
            .checked_mul(u64::from(size))
            .ok_or_else(out_of_range)?;
        let end = start
            .checked_add(u64::from(size))
            .ok_or_else(out_of_range)?;
        if end > self.len() as u64 {
            return Err(out_of_range());
        }
        let mut value = 0u64;
        for bit in start..end {
            let set = self.get(bit as usize).ok_or_else(out_of_range)?;
            value = (value << 1) | u64::from(set);
        }
        Ok(value)
    }

    /// `u` + base64url-no-pad(gzip(bytes)).
    pub fn encode(&self) -> String {
        let mut encoder = GzEncoder::new(
            Vec::with_capacity(self.bytes.len() / 64 + 64),
            Compression::best(),
        );
        // Writing into a Vec cannot fail.
        let compressed = encoder
            .write_all(&self.bytes)
            .and_then(|()| encoder.finish())
            .unwrap_or_default();
        format!("u{}", URL_SAFE_NO_PAD.encode(compressed))
    }

    /// Decodes an `encodedList` with the default 16 MiB decompressed-size cap.
    pub fn decode(encoded: &str) -> Result<Self, StatusError> {
        Self::decode_with_cap(encoded, DEFAULT_DECOMPRESSED_CAP)
    }

    /// Decodes an `encodedList`, refusing more than `cap` decompressed bytes (the cap itself is
    /// accepted) and lists shorter than 131,072 entries.
    pub fn decode_with_cap(encoded: &str, cap: usize) -> Result<Self, StatusError> {
        let Some(base64) = encoded.strip_prefix('u') else {
            let found = encoded
                .chars()
                .next()
                .map_or_else(|| "an empty string".to_owned(), |c| format!("'{c}'"));
            return Err(StatusError::BadMultibasePrefix(found));
        };
        let compressed = URL_SAFE_NO_PAD
            .decode(base64)
            .map_err(|_| StatusError::BadBase64)?;
        let mut decoder = GzDecoder::new(compressed.as_slice()).take(cap as u64 + 1);
        let mut bytes = Vec::new();
        decoder
            .read_to_end(&mut bytes)
            .map_err(|error| StatusError::BadGzip(error.to_string()))?;
        if bytes.len() > cap {
            return Err(StatusError::TooLarge { cap });
        }
        if !decoder.into_inner().into_inner().is_empty() {
            return Err(StatusError::BadGzip(
                "trailing data after the GZIP member".to_owned(),
            ));
        }
        if bytes.starts_with(&GZIP_MAGIC) {
            return Err(StatusError::BadGzip(
                "the list is itself GZIP-compressed (nested GZIP)".to_owned(),
            ));
        }
        Self::from_bytes(bytes)
    }
}

/// One status message of a multi-bit entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    pub status: u64,
    pub message: String,
}

/// A `BitstringStatusListEntry` of a credential's `credentialStatus`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    pub id: Option<String>,
    pub status_purpose: String,
    pub status_list_index: u64,
    pub status_list_credential: String,
    pub status_size: u32,
    pub status_messages: Vec<StatusMessage>,
}

fn malformed(field: &'static str, reason: impl Into<String>) -> StatusError {
    StatusError::MalformedEntry {
        field,
        reason: reason.into(),
    }
}

fn parse_decimal_index(text: &str) -> Result<u64, StatusError> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(malformed(
            "statusListIndex",
            format!("\"{text}\" is not a string of decimal digits"),
        ));
    }
    text.parse::<u64>()
        .map_err(|_| malformed("statusListIndex", format!("\"{text}\" is too large")))
}

fn is_absolute_url(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    scheme_ok && !rest.is_empty() && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn parse_status_value(text: &str) -> Option<u64> {
    let hex = text.strip_prefix("0x")?;
    if hex.is_empty() || !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(hex, 16).ok()
}

impl StatusEntry {
    /// Parses a status entry strictly: type `BitstringStatusListEntry`, a non-empty
    /// `statusPurpose`, `statusListIndex` a string of decimal digits, an absolute
    /// `statusListCredential` URL, optional `statusSize` (1 to 8; `statusMessage` required above 1).
    pub fn parse(value: &Value) -> Result<Self, StatusError> {
        let entry = value
            .as_object()
            .ok_or_else(|| malformed("credentialStatus", "is not an object"))?;
        let string = |field: &'static str| -> Result<&str, StatusError> {
            match entry.get(field) {
                Some(Value::String(text)) if !text.is_empty() => Ok(text),
                Some(_) => Err(malformed(field, "must be a non-empty string")),
                None => Err(malformed(field, "is missing")),
            }
        };
        let entry_type = entry
            .get("type")
            .ok_or_else(|| malformed("type", "is missing"))?;
        let type_ok = match entry_type {
            Value::String(name) => name == "BitstringStatusListEntry",
            Value::Array(names) => names.iter().any(|name| name == "BitstringStatusListEntry"),
            _ => false,
        };
        if !type_ok {
            return Err(malformed("type", "is not BitstringStatusListEntry"));
        }
        let status_purpose = string("statusPurpose")?.to_owned();
        let status_list_index = parse_decimal_index(string("statusListIndex")?)?;
        let status_list_credential = string("statusListCredential")?.to_owned();
        if !is_absolute_url(&status_list_credential) {
            return Err(malformed(
                "statusListCredential",
                format!("\"{status_list_credential}\" is not an absolute URL"),
            ));
        }
        let status_size = match entry.get("statusSize") {
            None => 1,
            Some(size) => size
                .as_u64()
                .filter(|size| (1..=u64::from(MAX_STATUS_SIZE)).contains(size))
                .and_then(|size| u32::try_from(size).ok())
                .ok_or_else(|| malformed("statusSize", "must be an integer from 1 to 8"))?,
        };
        let status_messages = Self::parse_messages(entry.get("statusMessage"), status_size)?;
        let id = match entry.get("id") {
            None => None,
            Some(Value::String(id)) => Some(id.clone()),
            Some(_) => return Err(malformed("id", "must be a string")),
        };
        Ok(StatusEntry {
            id,
            status_purpose,
            status_list_index,
            status_list_credential,
            status_size,
            status_messages,
        })
    }

    fn parse_messages(
        messages: Option<&Value>,
        status_size: u32,
    ) -> Result<Vec<StatusMessage>, StatusError> {
        let Some(messages) = messages else {
            if status_size > 1 {
                return Err(malformed(
                    "statusMessage",
                    "is required when statusSize is greater than 1",
                ));
            }
            return Ok(Vec::new());
        };
        let items = messages
            .as_array()
            .ok_or_else(|| malformed("statusMessage", "must be an array"))?;
        let mut parsed = Vec::with_capacity(items.len());
        for item in items {
            let status = item
                .get("status")
                .and_then(Value::as_str)
                .and_then(parse_status_value)
                .ok_or_else(|| {
                    malformed(
                        "statusMessage",
                        "each item needs a hexadecimal status such as \"0x1\"",
                    )
                })?;
            let message = item
                .get("message")
                .and_then(Value::as_str)
                .ok_or_else(|| malformed("statusMessage", "each item needs a message string"))?;
            parsed.push(StatusMessage {
                status,
                message: message.to_owned(),
            });
        }
        if status_size > 1 && parsed.len() as u64 != 1u64 << status_size {
            return Err(malformed(
                "statusMessage",
                format!(
                    "must have {} items for statusSize {status_size}",
                    1u64 << status_size
                ),
            ));
        }
        Ok(parsed)
    }
}

/// The status found for an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusOutcome {
    pub purpose: String,
    pub index: u64,
    /// The entry's value (0 or 1 for one-bit entries).
    pub value: u64,
    /// Whether the value is non-zero (revoked, suspended, …).
    pub set: bool,
    /// The message for `value`, when the entry lists status messages.
    pub message: Option<String>,
}

/// Validity of a new status list credential.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListValidity {
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    /// `ttl` in milliseconds (a caching hint for verifiers).
    pub ttl_ms: Option<u64>,
}

/// An unsigned VC 2.0 `BitstringStatusListCredential` for list `id` (the URL it is served at).
pub fn build_status_list_credential(
    id: &str,
    issuer: &Value,
    purpose: &str,
    list: &Bitstring,
    validity: &ListValidity,
) -> Value {
    let mut subject = json!({
        "id": format!("{id}#list"),
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": list.encode(),
    });
    if let (Some(ttl), Some(subject)) = (validity.ttl_ms, subject.as_object_mut()) {
        subject.insert("ttl".to_owned(), Value::from(ttl));
    }
    let mut credential = json!({
        "@context": [crate::contexts::CREDENTIALS_V2],
        "id": id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
    });
    if let Some(credential) = credential.as_object_mut() {
        if let Some(valid_from) = &validity.valid_from {
            credential.insert("validFrom".to_owned(), Value::from(valid_from.as_str()));
        }
        if let Some(valid_until) = &validity.valid_until {
            credential.insert("validUntil".to_owned(), Value::from(valid_until.as_str()));
        }
        credential.insert("credentialSubject".to_owned(), subject);
    }
    credential
}

fn has_type(value: Option<&Value>, wanted: &str) -> bool {
    match value {
        Some(Value::String(name)) => name == wanted,
        Some(Value::Array(names)) => names.iter().any(|name| name == wanted),
        _ => false,
    }
}

/// Reads an entry's status from its (already fetched and proof-verified) list credential with
/// the default decompressed-size cap.
pub fn check_status(
    entry: &StatusEntry,
    list_credential: &Value,
) -> Result<StatusOutcome, StatusError> {
    check_status_with_cap(entry, list_credential, DEFAULT_DECOMPRESSED_CAP)
}

/// [`check_status`] with an explicit decompressed-size cap.
pub fn check_status_with_cap(
    entry: &StatusEntry,
    list_credential: &Value,
    cap: usize,
) -> Result<StatusOutcome, StatusError> {
    let bad = |reason: &str| StatusError::BadListCredential(reason.to_owned());
    let credential = list_credential
        .as_object()
        .ok_or_else(|| bad("is not a JSON object"))?;
    if !has_type(credential.get("type"), "BitstringStatusListCredential") {
        return Err(bad("type does not include BitstringStatusListCredential"));
    }
    let list_id = credential
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("has no id"))?;
    if list_id != entry.status_list_credential {
        return Err(StatusError::ListIdMismatch {
            expected: entry.status_list_credential.clone(),
            found: list_id.to_owned(),
        });
    }
    let subject = match credential.get("credentialSubject") {
        Some(Value::Object(subject)) => subject,
        _ => return Err(bad("credentialSubject must be one object")),
    };
    if !has_type(subject.get("type"), "BitstringStatusList") {
        return Err(bad("credentialSubject type is not BitstringStatusList"));
    }
    let purpose_matches = match subject.get("statusPurpose") {
        Some(Value::String(purpose)) => *purpose == entry.status_purpose,
        Some(Value::Array(purposes)) => purposes
            .iter()
            .any(|purpose| *purpose == entry.status_purpose),
        _ => return Err(bad("credentialSubject has no statusPurpose")),
    };
    if !purpose_matches {
        let list = subject
            .get("statusPurpose")
            .map(Value::to_string)
            .unwrap_or_default();
        return Err(StatusError::PurposeMismatch {
            entry: entry.status_purpose.clone(),
            list,
        });
    }
    let encoded = subject
        .get("encodedList")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("credentialSubject has no encodedList string"))?;
    let list = Bitstring::decode_with_cap(encoded, cap)?;
    let entries = list.len() / entry.status_size as usize;
    if entries < MIN_ENTRIES {
        return Err(StatusError::ListTooShort { entries });
    }
    let value = list.get_value(entry.status_list_index, entry.status_size)?;
    let message = entry
        .status_messages
        .iter()
        .find(|message| message.status == value)
        .map(|message| message.message.clone());
    Ok(StatusOutcome {
        purpose: entry.status_purpose.clone(),
        index: entry.status_list_index,
        value,
        set: value != 0,
        message,
    })
}

#[cfg(test)]
mod tests;

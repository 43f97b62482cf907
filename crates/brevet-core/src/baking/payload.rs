//! What a baked image carries: a credential as JSON, a compact JWT (or Open Badges 2.0 JWS), or,
//! in Open Badges 2.0 images only, the URL of a hosted assertion; and the checks that tell them
//! apart.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::{BadgeVersion, MAX_PAYLOAD_BYTES};
use crate::json::{JsonError, parse_strict_with_limit};

/// The longest URL accepted as an Open Badges 2.0 hosted assertion.
const MAX_URL_BYTES: usize = 2048;

/// The payload of a baked image, as it was embedded.
///
/// `Json` is kept verbatim (white space around it included, so that baking a file and unbaking it
/// gives back the same bytes); `Jwt` and `Url` are tokens without white space, so white space
/// around them is not part of them and is left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Baked {
    /// A credential (or Open Badges 2.0 assertion) as a JSON object.
    Json(String),
    /// A compact JWT / JWS: a VC-JWT credential, or a signed Open Badges 2.0 assertion.
    Jwt(String),
    /// The URL of a hosted Open Badges 2.0 assertion.
    Url(String),
}

impl Baked {
    /// The payload text.
    pub fn as_str(&self) -> &str {
        match self {
            Baked::Json(text) | Baked::Jwt(text) | Baked::Url(text) => text,
        }
    }

    /// `JSON`, `JWT` or `URL`.
    pub fn kind(&self) -> &'static str {
        match self {
            Baked::Json(_) => "JSON",
            Baked::Jwt(_) => "JWT",
            Baked::Url(_) => "URL",
        }
    }
}

/// Why a payload was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PayloadError {
    #[error("it is empty")]
    Empty,
    #[error("it is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("it starts like JSON but is not acceptable JSON: {0}")]
    Json(JsonError),
    #[error("it is JSON but not an object")]
    NotAnObject,
    #[error("it is not a usable compact JWT: {0}")]
    Jwt(&'static str),
    #[error(
        "it is a URL, which only an Open Badges 2.0 image may carry (3.0 embeds the credential)"
    )]
    UrlNotAllowed,
    #[error("it is not a usable URL: {0}")]
    Url(&'static str),
    #[error("it is neither JSON, a compact JWT nor a URL (it starts with {start:?})")]
    Unrecognised { start: String },
}

/// Checks a credential about to be baked: a JSON object (kept verbatim) or a compact JWT.
pub fn classify_credential(text: &str) -> Result<Baked, PayloadError> {
    classify(text, false)
}

/// Classifies what an image carries; a URL is accepted from Open Badges 2.0 carriers only.
pub(crate) fn classify_embedded(text: &str, version: BadgeVersion) -> Result<Baked, PayloadError> {
    classify(text, version == BadgeVersion::OpenBadges2)
}

fn classify(text: &str, url_allowed: bool) -> Result<Baked, PayloadError> {
    if text.len() > MAX_PAYLOAD_BYTES {
        return Err(PayloadError::TooLarge {
            size: text.len(),
            limit: MAX_PAYLOAD_BYTES,
        });
    }
    let token = text.trim_matches(is_xml_space);
    if token.is_empty() {
        return Err(PayloadError::Empty);
    }
    if token.starts_with('{') {
        let value = parse_strict_with_limit(text, MAX_PAYLOAD_BYTES).map_err(PayloadError::Json)?;
        return match value {
            Value::Object(_) => Ok(Baked::Json(text.to_owned())),
            _ => Err(PayloadError::NotAnObject),
        };
    }
    if token.starts_with("https://") || token.starts_with("http://") {
        if !url_allowed {
            return Err(PayloadError::UrlNotAllowed);
        }
        check_url(token)?;
        return Ok(Baked::Url(token.to_owned()));
    }
    if token.starts_with("eyJ") || (token.contains('.') && token.bytes().all(is_jwt_byte)) {
        check_compact_jwt(token)?;
        return Ok(Baked::Jwt(token.to_owned()));
    }
    Err(PayloadError::Unrecognised {
        start: token.chars().take(16).collect(),
    })
}

/// XML white space (also what surrounds a token in a text file).
fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_jwt_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.')
}

/// A compact JWS: three base64url segments; the header and the payload are JSON objects, the
/// header names an algorithm other than `none`, and there is a signature.
fn check_compact_jwt(token: &str) -> Result<(), PayloadError> {
    if !token.bytes().all(is_jwt_byte) {
        return Err(PayloadError::Jwt(
            "it has a character outside base64url and '.'",
        ));
    }
    let segments: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = segments.as_slice() else {
        return Err(PayloadError::Jwt(
            "it does not have exactly three segments (header.payload.signature)",
        ));
    };
    if signature.is_empty() {
        return Err(PayloadError::Jwt("it has no signature"));
    }
    let header = decode_json_object(header).ok_or(PayloadError::Jwt(
        "its header is not a base64url-encoded JSON object",
    ))?;
    match header.get("alg").and_then(Value::as_str) {
        None => return Err(PayloadError::Jwt("its header has no \"alg\"")),
        Some(alg) if alg.eq_ignore_ascii_case("none") => {
            return Err(PayloadError::Jwt("it is unsigned (\"alg\": \"none\")"));
        }
        Some(_) => {}
    }
    decode_json_object(payload).ok_or(PayloadError::Jwt(
        "its payload is not a base64url-encoded JSON object",
    ))?;
    Ok(())
}

fn decode_json_object(segment: &str) -> Option<serde_json::Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(segment).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    match parse_strict_with_limit(text, MAX_PAYLOAD_BYTES).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// An http(s) URL without white space or control characters, of reasonable length. It is never
/// fetched here; whoever fetches it applies the outbound policy.
fn check_url(url: &str) -> Result<(), PayloadError> {
    if url.len() > MAX_URL_BYTES {
        return Err(PayloadError::Url("it is longer than 2048 bytes"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(PayloadError::Url(
            "it contains white space or a control character",
        ));
    }
    let host_start = url.find("://").map_or(0, |at| at + 3);
    if url[host_start..].is_empty() || url[host_start..].starts_with('/') {
        return Err(PayloadError::Url("it has no host"));
    }
    Ok(())
}

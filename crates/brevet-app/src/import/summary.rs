//! What a page or a wallet shows of a recognised credential (achievement, issuer, recipient,
//! dates), read from untrusted JSON: every field may be missing or of the wrong shape, texts are
//! cut to a length, image links must be https (or this server's own images), and no email
//! address or identity hash is ever shown. Also the dedupe keys and the recipient identities.

use brevet_core::ob2::Recipient;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The most characters of one text kept.
const MAX_TEXT: usize = 1_000;

/// Display fields of a credential, as written in it (not to be relied on unless it verified).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CredentialSummary {
    pub achievement_name: Option<String>,
    /// The achievement's (badge's) image, when it is an https URL.
    pub achievement_image: Option<String>,
    pub issuer_name: Option<String>,
    /// The issuer's image (logo), when it is an https URL.
    pub issuer_image: Option<String>,
    /// The recipient's name, or a non-email identifier; else a description such as
    /// "an email address (hashed)".
    pub recipient: Option<String>,
    /// When it was issued (as written).
    pub issued: Option<String>,
    /// When it expires (as written).
    pub expires: Option<String>,
}

fn text(value: Option<&Value>) -> Option<String> {
    let text = value?.as_str()?.trim();
    if text.is_empty() {
        return None;
    }
    Some(text.chars().take(MAX_TEXT).collect())
}

/// An image reference (a URL, or an object with `id`) that is safe to link: https, or one of
/// this server's own images.
fn image(value: Option<&Value>, own_images: &str) -> Option<String> {
    let url = match value? {
        Value::String(url) => url.as_str(),
        Value::Object(image) => image.get("id")?.as_str()?,
        _ => return None,
    };
    let safe = (url.starts_with("https://")
        || (!own_images.is_empty() && url.starts_with(own_images)))
        && url.len() <= 2048
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    safe.then(|| url.to_owned())
}

fn first_subject(credential: &Value) -> Option<&Value> {
    match credential.get("credentialSubject")? {
        Value::Array(subjects) => subjects.first(),
        subject => Some(subject),
    }
}

/// The display fields of a VC (Open Badges 3.0 or any other).
pub fn from_vc(credential: &Value, own_images: &str) -> CredentialSummary {
    let subject = first_subject(credential);
    let achievement = subject.and_then(|subject| subject.get("achievement"));
    let issuer = credential.get("issuer").filter(|issuer| issuer.is_object());
    let (issued, expires) =
        if credential.get("issuanceDate").is_some() && credential.get("validFrom").is_none() {
            ("issuanceDate", "expirationDate")
        } else {
            ("validFrom", "validUntil")
        };
    CredentialSummary {
        achievement_name: text(achievement.and_then(|a| a.get("name")))
            .or_else(|| text(credential.get("name"))),
        achievement_image: image(achievement.and_then(|a| a.get("image")), own_images),
        issuer_name: text(issuer.and_then(|issuer| issuer.get("name"))),
        issuer_image: image(issuer.and_then(|issuer| issuer.get("image")), own_images),
        recipient: subject.and_then(vc_recipient_name),
        issued: text(credential.get(issued)),
        expires: text(credential.get(expires)),
    }
}

/// The recipient's name (an `identifier` of `identityType` "name", in clear, or `name`), or a
/// DID; never an email or a hash.
fn vc_recipient_name(subject: &Value) -> Option<String> {
    let identifiers = match subject.get("identifier") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(item) => vec![item],
        None => Vec::new(),
    };
    identifiers
        .into_iter()
        .find(|identifier| {
            identifier.get("identityType").and_then(Value::as_str) == Some("name")
                && identifier.get("hashed") == Some(&Value::Bool(false))
        })
        .and_then(|identifier| text(identifier.get("identityHash")))
        .or_else(|| text(subject.get("name")))
        .or_else(|| text(subject.get("id")).filter(|id| id.starts_with("did:")))
}

/// The recipient identities of a VC (`credentialSubject.identifier`), as 2.0-style recipients
/// (`emailAddress` becomes `email`), for matching.
pub fn vc_recipients(credential: &Value) -> Vec<Recipient> {
    let Some(subject) = first_subject(credential) else {
        return Vec::new();
    };
    let identifiers: Vec<&Value> = match subject.get("identifier") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(item) => vec![item],
        None => Vec::new(),
    };
    identifiers
        .into_iter()
        .filter_map(|identifier| {
            let kind = match identifier.get("identityType")?.as_str()? {
                "emailAddress" => "email",
                "url" => "url",
                "phone" => "telephone",
                other => other,
            };
            Some(Recipient {
                kind: kind.to_owned(),
                identity: identifier.get("identityHash")?.as_str()?.to_owned(),
                hashed: identifier.get("hashed")?.as_bool()?,
                salt: identifier
                    .get("salt")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            })
        })
        .collect()
}

/// The display fields of an Open Badges 2.0 assertion with its BadgeClass and issuer Profile.
pub fn from_ob2(
    assertion: &Value,
    badge: Option<&Value>,
    issuer: Option<&Value>,
) -> CredentialSummary {
    // An embedded BadgeClass when the fetched one could not be had.
    let badge = badge.or_else(|| assertion.get("badge").filter(|badge| badge.is_object()));
    let issuer = issuer.or_else(|| {
        badge
            .and_then(|badge| badge.get("issuer"))
            .filter(|i| i.is_object())
    });
    let recipient = Recipient::of_assertion(assertion).ok().map(|recipient| {
        if !recipient.hashed && matches!(recipient.kind.as_str(), "url" | "id") {
            recipient.identity.chars().take(MAX_TEXT).collect()
        } else {
            recipient.describe()
        }
    });
    let date = |field: &str| match assertion.get(field) {
        Some(Value::Number(number)) => Some(number.to_string()),
        other => text(other),
    };
    CredentialSummary {
        achievement_name: text(badge.and_then(|badge| badge.get("name"))),
        achievement_image: image(
            assertion
                .get("image")
                .or_else(|| badge.and_then(|badge| badge.get("image"))),
            "",
        ),
        issuer_name: text(issuer.and_then(|issuer| issuer.get("name"))),
        issuer_image: image(issuer.and_then(|issuer| issuer.get("image")), ""),
        recipient,
        issued: date("issuedOn"),
        expires: date("expires"),
    }
}

fn hex_digest(bytes: &[u8]) -> String {
    let digest: String = Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("sha256:{digest}")
}

fn key_of(parts: &[&str]) -> String {
    let mut joined = Vec::new();
    for part in parts {
        joined.extend_from_slice(part.as_bytes());
        joined.push(0u8);
    }
    hex_digest(&joined)
}

/// Open Badges 2.0: the assertion's id (its URL when hosted), so the same assertion is one
/// credential whether it arrives by URL, pasted, baked or fetched again after its issuer edited
/// the hosted copy. An assertion without an id is keyed by its JCS form.
pub fn ob2_dedupe_key(assertion: &Value) -> String {
    match assertion.get("id").and_then(Value::as_str) {
        Some(id) if !id.trim().is_empty() => key_of(&["ob2", id]),
        _ => key_of(&["ob2-content", &canonical_text(assertion)]),
    }
}

/// A VC: `sha256:` + hex SHA-256 of its RFC 8785 (JCS) form, so key order and white space do
/// not matter. This is the key the wallet gives the credentials this server issued
/// (`wallet::dedupe_key_of_json`), so an imported copy of one of them is recognised.
pub fn vc_dedupe_key(credential: &Value) -> String {
    hex_digest(canonical_text(credential).as_bytes())
}

fn canonical_text(value: &Value) -> String {
    brevet_core::proof::canonical_json(value).unwrap_or_else(|_| value.to_string())
}

/// Anything else: its bytes.
pub fn bytes_dedupe_key(bytes: &[u8]) -> String {
    key_of(&["bytes", &String::from_utf8_lossy(bytes)])
}

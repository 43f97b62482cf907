//! Recognising and verifying a credential in any form it arrives in ("verify anything"): pasted
//! or uploaded JSON (VC 2.0 / VC 1.1 with Data Integrity proofs, or an Open Badges 2.0
//! assertion), a JWT (VC-JWT, VC-JOSE-COSE, or a signed Open Badges 2.0 assertion), a baked PNG
//! or SVG badge (Open Badges 3.0 or 2.0 carriers, unbaked with `brevet_core::baking`), or the
//! https URL of a hosted Open Badges 2.0 assertion.
//!
//! [`App::recognise_and_verify`] is the one use case: it tells the format, verifies by that
//! format's rules (fail closed, the usual six checks), and returns the exact payload bytes, the
//! report, display fields and a dedupe key, so that a page can show it and a wallet can keep it.
//! Every input is size-capped before it is parsed; documents are fetched only through the
//! guarded client (public addresses, https, no redirects, time and size caps).

mod ob2_fetch;
pub mod summary;

use brevet_core::baking::{self, BadgeVersion, Baked, ImageKind};
use brevet_core::jose::{CompactJws, looks_like_compact_jws};
use brevet_core::ob2::{self, Ob2Input, Ob2Kind, Recipient};
use brevet_core::verify::VerificationReport;
use serde::Serialize;
use serde_json::Value;

pub use summary::CredentialSummary;

use crate::{App, AppError};

/// The largest text input (JSON or a JWT) read: 2 MiB. JSON documents are further capped at
/// 1 MiB by the strict parser.
pub const MAX_TEXT_BYTES: usize = baking::MAX_PAYLOAD_BYTES;
/// The largest image read (the baking cap, 10 MiB). The server's body limit is lower.
pub const MAX_IMAGE_BYTES: usize = baking::MAX_IMAGE_BYTES;
/// The longest URL accepted.
pub const MAX_URL_BYTES: usize = 2048;

/// What the visitor or the wallet handed over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportInput {
    /// Pasted or uploaded bytes: JSON, a JWT, or a PNG or SVG image.
    Bytes(Vec<u8>),
    /// The https URL of a hosted Open Badges 2.0 assertion (or of a credential's JSON).
    Url(String),
}

/// The formats Brevet recognises and verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialFormat {
    /// VC Data Model 2.0 with Data Integrity proofs (Open Badges 3.0 as Brevet issues it).
    Vc2DataIntegrity,
    /// VC Data Model 1.1 with Data Integrity proofs.
    Vc11DataIntegrity,
    /// VC Data Model 1.1 as a JWT (`vc` claim).
    VcJwt,
    /// VC Data Model 2.0 secured with JOSE (`application/vc+jwt`).
    VcJose,
    /// Open Badges 2.0, hosted verification.
    OpenBadges2Hosted,
    /// Open Badges 2.0, signed verification (a JWS).
    OpenBadges2Signed,
}

impl CredentialFormat {
    /// The format's name, as pages and the API show it.
    pub fn label(self) -> &'static str {
        match self {
            CredentialFormat::Vc2DataIntegrity => "VC 2.0 (Data Integrity)",
            CredentialFormat::Vc11DataIntegrity => "VC 1.1 (Data Integrity)",
            CredentialFormat::VcJwt => brevet_core::verify::jwt::JwtProfile::Vc11.label(),
            CredentialFormat::VcJose => brevet_core::verify::jwt::JwtProfile::VcJose2.label(),
            CredentialFormat::OpenBadges2Hosted => Ob2Kind::Hosted.label(),
            CredentialFormat::OpenBadges2Signed => Ob2Kind::Signed.label(),
        }
    }

    /// The media type of the payload.
    pub fn media_type(self) -> &'static str {
        match self {
            CredentialFormat::Vc2DataIntegrity | CredentialFormat::Vc11DataIntegrity => {
                "application/vc+ld+json"
            }
            CredentialFormat::VcJwt => "application/jwt",
            CredentialFormat::VcJose => "application/vc+jwt",
            CredentialFormat::OpenBadges2Hosted => "application/ld+json",
            CredentialFormat::OpenBadges2Signed => "application/jws",
        }
    }
}

/// How the credential arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Carrier {
    /// Text: pasted or uploaded JSON or JWT.
    Text,
    /// Baked into a PNG image (the carrier's Open Badges version).
    Png(#[serde(skip)] BadgeVersion),
    /// Baked into an SVG image.
    Svg(#[serde(skip)] BadgeVersion),
    /// Fetched from a URL (given, or baked into an Open Badges 2.0 image).
    Url,
}

/// A recognised, verified credential.
#[derive(Clone, Debug)]
pub struct RecognisedCredential {
    pub format: CredentialFormat,
    pub carrier: Carrier,
    /// The credential exactly as received: the JSON text, the compact JWS, or the hosted
    /// assertion as fetched from its id. (A `{"verifiableCredential": …}` wrapper is removed and
    /// the credential re-serialised; that is the one exception.)
    pub payload: Vec<u8>,
    /// The credential as JSON: the VC (for a VC-JWT, the credential it carries, with the JWT
    /// claims mapped in; `null` when the token was refused unread), or the Open Badges 2.0
    /// assertion (the hosted copy, when it could be had).
    pub credential: Value,
    /// The verification report (fail closed: `verified` only when every check passed).
    pub report: VerificationReport,
    pub display: CredentialSummary,
    /// A stable key for recognising the same credential again (the wallet's `dedupe_key`):
    /// `sha256:` + hex of, for VCs, the JCS form of the credential (the key of this server's
    /// issued credentials in wallets); for Open Badges 2.0, the assertion id; for a token
    /// refused unread, its bytes.
    pub dedupe_key: String,
    /// Who it was awarded to, as stated (for matching against a wallet's email addresses).
    pub recipients: Vec<Recipient>,
}

impl RecognisedCredential {
    /// Whether the credential names `email` as its recipient (hashed with its salt, or in clear).
    pub fn recipient_matches_email(&self, email: &str) -> bool {
        self.recipients
            .iter()
            .any(|recipient| recipient.matches_email(email))
    }
}

fn not_a_credential(message: impl Into<String>) -> AppError {
    AppError::invalid("NOT_A_CREDENTIAL", message)
}

impl App {
    /// Recognises what `input` is, verifies it by its format's rules and returns what a page or a
    /// wallet needs. Errors: unreadable or unrecognised input (`BadRequest`/`Invalid`, with a
    /// specific message), oversized input (`TooLarge`). A credential that does not verify is not
    /// an error: its report says why.
    pub async fn recognise_and_verify(
        &self,
        input: ImportInput,
    ) -> Result<RecognisedCredential, AppError> {
        match input {
            ImportInput::Url(url) => self.recognise_url(&url, Carrier::Url).await,
            ImportInput::Bytes(bytes) => self.recognise_bytes(bytes).await,
        }
    }

    async fn recognise_bytes(&self, bytes: Vec<u8>) -> Result<RecognisedCredential, AppError> {
        if bytes.len() > MAX_IMAGE_BYTES {
            return Err(AppError::TooLarge(format!(
                "the input is {} bytes, over the limit of {MAX_IMAGE_BYTES} bytes",
                bytes.len()
            )));
        }
        if let Some(kind) = ImageKind::sniff(&bytes) {
            return self.recognise_image(&bytes, kind).await;
        }
        if bytes.len() > MAX_TEXT_BYTES {
            return Err(AppError::TooLarge(format!(
                "the text is {} bytes, over the limit of {MAX_TEXT_BYTES} bytes",
                bytes.len()
            )));
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            AppError::bad_request("UNREADABLE_INPUT", "the input is not UTF-8 text")
        })?;
        self.recognise_text(&text, Carrier::Text).await
    }

    async fn recognise_image(
        &self,
        image: &[u8],
        kind: ImageKind,
    ) -> Result<RecognisedCredential, AppError> {
        let embedded = baking::unbake(image)
            .map_err(|error| {
                AppError::bad_request(
                    "UNREADABLE_IMAGE",
                    format!("the image was refused: {error}"),
                )
            })?
            .ok_or_else(|| {
                not_a_credential(format!(
                    "the {} image carries no credential (no baked Open Badges 3.0 or 2.0 payload)",
                    match kind {
                        ImageKind::Png => "PNG",
                        ImageKind::Svg => "SVG",
                    }
                ))
            })?;
        let carrier = match kind {
            ImageKind::Png => Carrier::Png(embedded.version),
            ImageKind::Svg => Carrier::Svg(embedded.version),
        };
        match embedded.payload {
            Baked::Json(text) | Baked::Jwt(text) => self.recognise_text(&text, carrier).await,
            Baked::Url(url) => self.recognise_url(&url, Carrier::Url).await,
        }
    }

    /// JSON, a JSON string holding a JWT, a bare JWT, or a URL on its own.
    async fn recognise_text(
        &self,
        text: &str,
        carrier: Carrier,
    ) -> Result<RecognisedCredential, AppError> {
        let token = text.trim();
        if token.starts_with("https://") || token.starts_with("http://") {
            return self.recognise_url(token, Carrier::Url).await;
        }
        if looks_like_compact_jws(token) {
            return self.recognise_jws(token, carrier).await;
        }
        let value = brevet_core::json::parse_strict(text).map_err(|error| {
            AppError::bad_request("MALFORMED_JSON", format!("not acceptable JSON: {error}"))
        })?;
        match value {
            Value::String(inner) if looks_like_compact_jws(&inner) => {
                self.recognise_jws(&inner, carrier).await
            }
            Value::Object(_) => self.recognise_json(value, text.as_bytes(), carrier).await,
            _ => Err(not_a_credential(
                "the input is JSON but neither a credential object nor a JWT",
            )),
        }
    }

    /// A JSON object: an Open Badges 2.0 assertion, or a VC with Data Integrity proofs.
    async fn recognise_json(
        &self,
        value: Value,
        text: &[u8],
        carrier: Carrier,
    ) -> Result<RecognisedCredential, AppError> {
        if ob2::is_assertion(&value) {
            return match ob2::verification_kind(&value) {
                Ok(Ob2Kind::Hosted) | Err(_) => {
                    let result = self
                        .verify_ob2(Ob2Input::Hosted(&value), Default::default())
                        .await;
                    Ok(self.recognised_ob2(result, text.to_vec(), carrier))
                }
                Ok(Ob2Kind::Signed) => Err(not_a_credential(
                    "this Open Badges 2.0 assertion is signed: give its JWS (the signed text, or the baked image), not the JSON",
                )),
            };
        }
        let (credential, payload) = match value.get("verifiableCredential") {
            Some(inner) if value.get("@context").is_none() => {
                let bytes = serde_json::to_vec(inner)
                    .map_err(|error| AppError::Internal(error.to_string()))?;
                (inner.clone(), bytes)
            }
            _ => (value, text.to_vec()),
        };
        let report = self.verify(&credential).await;
        let format = if first_context(&credential) == Some(brevet_core::contexts::CREDENTIALS_V1) {
            CredentialFormat::Vc11DataIntegrity
        } else {
            CredentialFormat::Vc2DataIntegrity
        };
        Ok(RecognisedCredential {
            format,
            carrier,
            display: summary::from_vc(&credential, &self.own_images_prefix()),
            dedupe_key: summary::vc_dedupe_key(&credential),
            recipients: summary::vc_recipients(&credential),
            credential,
            payload,
            report,
        })
    }

    /// A compact JWS: a signed Open Badges 2.0 assertion, or a VC-JWT.
    async fn recognise_jws(
        &self,
        token: &str,
        carrier: Carrier,
    ) -> Result<RecognisedCredential, AppError> {
        let parsed = CompactJws::parse(token);
        match &parsed {
            Ok(jws) if ob2::is_assertion(jws.payload()) => {
                let result = self
                    .verify_ob2(Ob2Input::Signed(jws), Default::default())
                    .await;
                return Ok(self.recognised_ob2(result, token.as_bytes().to_vec(), carrier));
            }
            Err(error)
                if brevet_core::jose::peek_payload(token)
                    .is_some_and(|payload| ob2::is_assertion(&payload)) =>
            {
                // A signed Open Badges 2.0 assertion refused unread (alg none, HMAC, ...).
                let report = brevet_core::verify::refused_report(
                    brevet_core::verify::CheckName::Proof,
                    &format!("PROOF_VERIFICATION_ERROR: {error}"),
                    "not checked: the signed assertion was refused",
                );
                self.events().verification(&report);
                return Ok(RecognisedCredential {
                    format: CredentialFormat::OpenBadges2Signed,
                    carrier,
                    payload: token.as_bytes().to_vec(),
                    credential: Value::Null,
                    report,
                    display: CredentialSummary::default(),
                    dedupe_key: summary::bytes_dedupe_key(token.as_bytes()),
                    recipients: Vec::new(),
                });
            }
            _ => {}
        }
        let report = self.verify(&Value::String(token.to_owned())).await;
        let decoded = brevet_core::verify::jwt::decode_jwt(token).ok();
        let (format, credential) = match &decoded {
            Some(decoded) => (
                match decoded.profile {
                    brevet_core::verify::jwt::JwtProfile::Vc11 => CredentialFormat::VcJwt,
                    brevet_core::verify::jwt::JwtProfile::VcJose2 => CredentialFormat::VcJose,
                },
                decoded.credential.clone(),
            ),
            None => {
                // Refused before its payload was read (alg none, HMAC, malformed): say what it
                // claims to be, show nothing from it.
                let claims_vc11 = parsed
                    .as_ref()
                    .is_ok_and(|jws| jws.payload().get("vc").is_some());
                let format = if claims_vc11 {
                    CredentialFormat::VcJwt
                } else {
                    CredentialFormat::VcJose
                };
                (format, Value::Null)
            }
        };
        let dedupe_key = if credential.is_null() {
            summary::bytes_dedupe_key(token.as_bytes())
        } else {
            summary::vc_dedupe_key(&credential)
        };
        Ok(RecognisedCredential {
            format,
            carrier,
            payload: token.as_bytes().to_vec(),
            report,
            display: summary::from_vc(&credential, &self.own_images_prefix()),
            dedupe_key,
            recipients: summary::vc_recipients(&credential),
            credential,
        })
    }

    /// A URL: the hosted Open Badges 2.0 assertion (or credential JSON) it serves.
    async fn recognise_url(
        &self,
        url: &str,
        carrier: Carrier,
    ) -> Result<RecognisedCredential, AppError> {
        let url = url.trim();
        if url.len() > MAX_URL_BYTES {
            return Err(AppError::bad_request(
                "BAD_URL",
                format!("the URL is longer than {MAX_URL_BYTES} bytes"),
            ));
        }
        if !ob2::is_http_url(url) {
            return Err(AppError::bad_request(
                "BAD_URL",
                "give the https:// URL of a hosted Open Badges 2.0 assertion",
            ));
        }
        let text = self.fetch_text(url).await.map_err(|error| {
            AppError::invalid(
                "URL_UNREADABLE",
                format!("the URL could not be read: {error}"),
            )
        })?;
        let value = brevet_core::json::parse_strict(&text).map_err(|error| {
            AppError::invalid(
                "NOT_A_CREDENTIAL",
                format!("the document at {url} is not acceptable JSON: {error}"),
            )
        })?;
        if !value.is_object() {
            return Err(not_a_credential(format!(
                "the document at {url} is not a credential"
            )));
        }
        if ob2::is_assertion(&value) {
            let seed = [(url.to_owned(), Ok(value.clone()))].into_iter().collect();
            let result = self.verify_ob2(Ob2Input::Hosted(&value), seed).await;
            return Ok(self.recognised_ob2(result, text.into_bytes(), carrier));
        }
        Box::pin(self.recognise_json(value, text.as_bytes(), carrier)).await
    }

    fn recognised_ob2(
        &self,
        result: ob2::Ob2Verification,
        payload: Vec<u8>,
        carrier: Carrier,
    ) -> RecognisedCredential {
        let format = match result.kind {
            Ob2Kind::Hosted => CredentialFormat::OpenBadges2Hosted,
            Ob2Kind::Signed => CredentialFormat::OpenBadges2Signed,
        };
        RecognisedCredential {
            format,
            carrier,
            display: summary::from_ob2(
                &result.assertion,
                result.badge_class.as_ref(),
                result.issuer.as_ref(),
            ),
            dedupe_key: summary::ob2_dedupe_key(&result.assertion),
            recipients: Recipient::of_assertion(&result.assertion)
                .into_iter()
                .collect(),
            credential: result.assertion,
            payload,
            report: result.report,
        }
    }

    /// The prefix of this server's own image URLs (shown although not https in tests).
    pub(crate) fn own_images_prefix(&self) -> String {
        format!("{}/images/", self.config().base_url)
    }
}

fn first_context(credential: &Value) -> Option<&str> {
    match credential.get("@context") {
        Some(Value::Array(entries)) => entries.first().and_then(Value::as_str),
        Some(Value::String(single)) => Some(single),
        _ => None,
    }
}

#[cfg(test)]
mod tests;

//! Printable PDF certificates: each organisation's design (a layout and an accent colour, set
//! by owners through the profile, see [`crate::org_profile`]), the certificate of a stored
//! credential (found by the same lookup as its public page, and only while it verifies), and a
//! preview of the design for the dashboard. The PDF itself is composed by the pure
//! `brevet-certificate` crate, off the async runtime.

use brevet_certificate::Certificate;
pub use brevet_certificate::{Accent, Design, Layout, PALETTE, Paper};
use brevet_store::AnyConnection;
use brevet_store::certificate_designs::{self, CertificateDesignRecord};
use brevet_store::credentials::CredentialRecord;
use brevet_store::{images, orgs};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::achievements::fields::Problems;
use crate::{App, AppError, Principal};

/// An organisation's certificate design as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateDesignView {
    /// `classic`, `modern` or `minimal`.
    pub layout: String,
    /// The accent colour, `#rrggbb`.
    pub color: String,
}

impl From<Design> for CertificateDesignView {
    fn from(design: Design) -> Self {
        CertificateDesignView {
            layout: design.layout.as_str().to_owned(),
            color: design.accent.to_hex(),
        }
    }
}

/// Changes to the design: an absent field is unchanged.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateDesignPatch {
    #[serde(default)]
    pub layout: Option<String>,
    #[serde(default)]
    pub color: Option<String>,
}

/// `current` with `patch` applied; every problem is recorded under `certificate.*`.
pub(crate) fn patched_design(
    problems: &mut Problems,
    current: Design,
    patch: &CertificateDesignPatch,
) -> Design {
    let mut design = current;
    if let Some(layout) = &patch.layout {
        match Layout::parse(layout.trim()) {
            Ok(layout) => design.layout = layout,
            Err(error) => problems.push("certificate.layout", error),
        }
    }
    if let Some(color) = &patch.color {
        match Accent::parse(&color.trim().to_ascii_lowercase()) {
            Ok(accent) => design.accent = accent,
            Err(error) => problems.push("certificate.color", error),
        }
    }
    design
}

/// The design stored for `org_id`, or the default. A stored value that no longer parses (it
/// was checked when stored) falls back to the default rather than failing the certificate.
pub(crate) async fn design_of(conn: &mut AnyConnection, org_id: &str) -> Result<Design, AppError> {
    let Some(record) = certificate_designs::get(conn, org_id).await? else {
        return Ok(Design::default());
    };
    Ok(Design {
        layout: Layout::parse(&record.layout).unwrap_or_default(),
        accent: Accent::parse(&record.color).unwrap_or_default(),
    })
}

/// Stores `design` for `org_id` (inside the caller's transaction).
pub(crate) async fn store_design(
    conn: &mut AnyConnection,
    org_id: &str,
    design: Design,
    now: i64,
) -> Result<(), AppError> {
    certificate_designs::put(
        conn,
        &CertificateDesignRecord {
            org_id: org_id.to_owned(),
            layout: design.layout.as_str().to_owned(),
            color: design.accent.to_hex(),
            updated_at: now,
        },
    )
    .await?;
    Ok(())
}

/// A rendered certificate.
#[derive(Debug, Clone)]
pub struct CertificatePdf {
    pub bytes: Vec<u8>,
    /// A download name: `certificate-{public id}-{paper}.pdf`.
    pub file_name: String,
}

/// What a certificate says, read from a credential.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Content {
    recipient: String,
    achievement: String,
    issuer: String,
    awarded: String,
    valid_until: Option<String>,
    criteria: Option<String>,
    /// The id of the achievement's image, when it is one of this server's images.
    image_id: Option<String>,
}

impl App {
    /// The principal's organisation's certificate design (any role).
    pub async fn certificate_design(
        &self,
        principal: &Principal,
    ) -> Result<CertificateDesignView, AppError> {
        let mut conn = self.store().read().await?;
        Ok(design_of(&mut conn, &principal.org_id).await?.into())
    }

    /// The certificate of the stored credential `public_id` on `paper`. Found exactly as its
    /// public page is ([`App::verify_stored`]); a credential that does not verify now (revoked,
    /// suspended, expired) gets no certificate: `Conflict`.
    pub async fn credential_certificate(
        &self,
        public_id: &str,
        paper: Paper,
    ) -> Result<CertificatePdf, AppError> {
        let (record, report) = self.verify_stored(public_id).await?;
        if !report.verified {
            return Err(AppError::Conflict(
                "this credential does not verify now (it may have been revoked, suspended or \
                 have expired), so no certificate is made for it; its page shows why"
                    .into(),
            ));
        }
        let credential: Value = serde_json::from_str(&record.json)
            .map_err(|error| AppError::Internal(format!("stored credential: {error}")))?;
        let mut conn = self.store().read().await?;
        let org = orgs::get(&mut conn, &record.org_id).await?;
        let design = design_of(&mut conn, &org.id).await?;
        let content = read_content(
            &credential,
            &record,
            &org.name,
            &format!("{}/images/", self.config().base_url),
        );
        let logo = match &org.logo_image_id {
            Some(id) => image_bytes(&mut conn, &org.id, id).await?,
            None => None,
        };
        let image = match &content.image_id {
            Some(id) => image_bytes(&mut conn, &org.id, id).await?,
            None => None,
        };
        drop(conn);
        let url = self.credential_page_url(&record.id);
        let json = record.json;
        let bytes = tokio::task::spawn_blocking(move || {
            let certificate = Certificate {
                recipient_name: &content.recipient,
                achievement_name: &content.achievement,
                issuer_name: &content.issuer,
                awarded_on: &content.awarded,
                valid_until: content.valid_until.as_deref(),
                criteria: content.criteria.as_deref(),
                verification_url: &url,
                logo: logo.as_deref(),
                achievement_image: image.as_deref(),
                credential: json.as_bytes(),
            };
            brevet_certificate::render(&certificate, design, paper)
        })
        .await
        .map_err(|error| AppError::Internal(format!("certificate task: {error}")))?
        .map_err(|error| AppError::Internal(format!("certificate: {error}")))?;
        Ok(CertificatePdf {
            bytes,
            file_name: format!("certificate-{}-{}.pdf", record.id, paper.as_str()),
        })
    }

    /// A sample certificate in the principal's organisation's current design (any role), with
    /// its logo; the attachment is a note, not a credential.
    pub async fn certificate_preview(
        &self,
        principal: &Principal,
        paper: Paper,
    ) -> Result<CertificatePdf, AppError> {
        let mut conn = self.store().read().await?;
        let org = orgs::get(&mut conn, &principal.org_id).await?;
        let design = design_of(&mut conn, &org.id).await?;
        let logo = match &org.logo_image_id {
            Some(id) => image_bytes(&mut conn, &org.id, id).await?,
            None => None,
        };
        drop(conn);
        let url = self.credential_page_url("preview");
        let awarded = date_words(self.clock().now());
        let bytes = tokio::task::spawn_blocking(move || {
            let certificate = Certificate {
                recipient_name: "Alex Example",
                achievement_name: "Example Achievement",
                issuer_name: &org.name,
                awarded_on: &awarded,
                valid_until: None,
                criteria: Some(
                    "A preview of the certificate design: the criteria of the achievement are \
                     summarised here.",
                ),
                verification_url: &url,
                logo: logo.as_deref(),
                achievement_image: None,
                credential:
                    br#"{"note":"A preview of a certificate design: no credential is attached."}"#,
            };
            brevet_certificate::render(&certificate, design, paper)
        })
        .await
        .map_err(|error| AppError::Internal(format!("certificate task: {error}")))?
        .map_err(|error| AppError::Internal(format!("certificate: {error}")))?;
        Ok(CertificatePdf {
            bytes,
            file_name: format!("certificate-preview-{}.pdf", paper.as_str()),
        })
    }
}

/// The bytes of image `id` of `org_id`, if it still exists.
async fn image_bytes(
    conn: &mut AnyConnection,
    org_id: &str,
    id: &str,
) -> Result<Option<Vec<u8>>, AppError> {
    match images::get_in_org(conn, org_id, id).await {
        Ok(image) => Ok(Some(image.bytes)),
        Err(brevet_store::StoreError::NotFound) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// What the certificate of `credential` says: the signed texts first, the stored columns and the
/// organisation's name where the credential has none. Email addresses are never used.
fn read_content(
    credential: &Value,
    record: &CredentialRecord,
    org_name: &str,
    own_images: &str,
) -> Content {
    let subject = first(credential.get("credentialSubject"));
    let achievement = subject.and_then(|subject| subject.get("achievement"));
    let text = |value: Option<&Value>, key: &str| {
        value
            .and_then(|value| value.get(key))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    let recipient = subject
        .and_then(named_identifier)
        .or_else(|| text(subject, "name"))
        .or_else(|| record.recipient_name.clone())
        .unwrap_or_else(|| "The holder of this credential".to_owned());
    let issuer = match credential.get("issuer") {
        Some(issuer @ Value::Object(_)) => text(Some(issuer), "name"),
        _ => None,
    }
    .unwrap_or_else(|| org_name.to_owned());
    let criteria = achievement
        .and_then(|achievement| text(achievement.get("criteria"), "narrative"))
        .or_else(|| text(achievement, "description"))
        .map(|narrative| brevet_certificate::text::summary(&narrative));
    let image_id = achievement
        .and_then(|achievement| achievement.get("image"))
        .and_then(|image| match image {
            Value::String(url) => Some(url.as_str()),
            other => other.get("id").and_then(Value::as_str),
        })
        .and_then(|url| url.strip_prefix(own_images))
        .filter(|id| {
            !id.is_empty()
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned);
    let awarded = credential
        .get("validFrom")
        .or_else(|| credential.get("issuanceDate"))
        .and_then(Value::as_str)
        .and_then(date_text)
        .or_else(|| {
            OffsetDateTime::from_unix_timestamp(record.issued_at)
                .ok()
                .map(date_words)
        })
        .unwrap_or_default();
    let valid_until = credential
        .get("validUntil")
        .or_else(|| credential.get("expirationDate"))
        .and_then(Value::as_str)
        .and_then(date_text);
    Content {
        recipient,
        achievement: text(achievement, "name")
            .or_else(|| text(Some(credential), "name"))
            .unwrap_or_else(|| record.achievement_name.clone()),
        issuer,
        awarded,
        valid_until,
        criteria,
        image_id,
    }
}

/// The first item of an array, or the value itself.
fn first(value: Option<&Value>) -> Option<&Value> {
    match value {
        Some(Value::Array(items)) => items.first(),
        other => other,
    }
}

/// An unhashed identifier of `identityType` "name" (how Brevet records a recipient's name).
fn named_identifier(subject: &Value) -> Option<String> {
    let identifiers = match subject.get("identifier") {
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(item) => vec![item],
        None => Vec::new(),
    };
    identifiers
        .into_iter()
        .filter(|identifier| {
            identifier.get("identityType").and_then(Value::as_str) == Some("name")
                && identifier.get("hashed").and_then(Value::as_bool) != Some(true)
        })
        .find_map(|identifier| identifier.get("identityHash").and_then(Value::as_str))
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
}

/// A credential date-time in words (its date in UTC), if it parses.
fn date_text(text: &str) -> Option<String> {
    brevet_core::datetime::DateTimeStamp::parse(text)
        .ok()
        .map(|stamp| date_words(stamp.instant()))
}

/// "27 November 2026".
fn date_words(instant: OffsetDateTime) -> String {
    let utc = instant.to_offset(time::UtcOffset::UTC);
    format!("{} {} {}", utc.day(), utc.month(), utc.year())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    fn record() -> CredentialRecord {
        CredentialRecord {
            id: "abc".into(),
            org_id: "org".into(),
            achievement_id: None,
            credential_uri: "https://badges.example.org/c/abc".into(),
            achievement_name: "Stored name".into(),
            recipient_name: Some("Stored recipient".into()),
            recipient_email: Some("ada@example.org".into()),
            recipient_did: None,
            json: String::new(),
            issued_at: 1_790_000_000,
            valid_from: None,
            valid_until: None,
            supersedes: None,
            superseded_by: None,
            source: "award".into(),
        }
    }

    #[test]
    fn content_comes_from_the_signed_credential() {
        let credential = json!({
            "issuer": {"id": "did:web:x", "name": "Acme University"},
            "validFrom": "2026-11-27T09:15:00Z",
            "validUntil": "2028-11-27T00:00:00+02:00",
            "credentialSubject": {
                "identifier": [
                    {"identityType": "emailAddress", "identityHash": "sha256$abc", "hashed": true},
                    {"identityType": "name", "identityHash": " Zoë Ñúñez ", "hashed": false}
                ],
                "achievement": {
                    "name": "Rust",
                    "criteria": {"narrative": "# Do\n- **all** [exercises](https://x)"},
                    "image": {"id": "https://badges.example.org/images/img-1", "type": "Image"}
                }
            }
        });
        let content = read_content(
            &credential,
            &record(),
            "Org",
            "https://badges.example.org/images/",
        );
        assert_eq!(
            content,
            Content {
                recipient: "Zoë Ñúñez".into(),
                achievement: "Rust".into(),
                issuer: "Acme University".into(),
                awarded: "27 November 2026".into(),
                valid_until: Some("26 November 2028".into()),
                criteria: Some("Do all exercises".into()),
                image_id: Some("img-1".into()),
            }
        );
    }

    #[test]
    fn missing_fields_fall_back_without_showing_an_email() {
        let credential = json!({"issuer": "did:web:x", "credentialSubject": {"achievement": {
            "image": "https://elsewhere.example/images/img-1"
        }}});
        let content = read_content(
            &credential,
            &record(),
            "Org",
            "https://badges.example.org/images/",
        );
        assert_eq!(content.recipient, "Stored recipient");
        assert_eq!(content.achievement, "Stored name");
        assert_eq!(content.issuer, "Org");
        assert_eq!(content.awarded, "21 September 2026");
        assert_eq!(content.image_id, None);
        let mut anonymous = record();
        anonymous.recipient_name = None;
        let content = read_content(&credential, &anonymous, "Org", "x");
        assert_eq!(content.recipient, "The holder of this credential");
        assert!(!format!("{content:?}").contains("ada@example.org"));
    }

    #[test]
    fn design_patches_are_checked_field_by_field() {
        let mut problems = Problems::default();
        let design = patched_design(
            &mut problems,
            Design::default(),
            &CertificateDesignPatch {
                layout: Some("modern".into()),
                color: Some("#0F766E".into()),
            },
        );
        assert!(problems.into_result("X").is_ok());
        assert_eq!(CertificateDesignView::from(design).color, "#0f766e");
        assert_eq!(design.layout, Layout::Modern);

        let mut problems = Problems::default();
        patched_design(
            &mut problems,
            Design::default(),
            &CertificateDesignPatch {
                layout: Some("fancy".into()),
                color: Some("#ffff00".into()),
            },
        );
        let message = problems.into_result("INVALID_ORG").unwrap_err().to_string();
        assert!(message.contains("certificate.layout"), "{message}");
        assert!(message.contains("certificate.color"), "{message}");
    }
}

//! What a page shows of a credential, read from its JSON: issuer, recipient name, achievement,
//! skills, evidence and dates. The JSON is untrusted (a pasted credential, or anything VC-API
//! signed): every string is passed through [`inert`], every link through [`safe_link`] (or is an
//! image this server serves), and any field may be missing or of the wrong shape.

use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

use crate::web::{inert, safe_link};

/// The most characters of one credential text shown (the rest is cut with an ellipsis).
const MAX_TEXT: usize = 5_000;
/// The most skills or evidence items listed.
const MAX_ITEMS: usize = 50;

/// A credential as a page shows it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CredentialDisplay {
    /// The credential's own `name`.
    pub name: Option<String>,
    pub issuer: IssuerDisplay,
    /// From `credentialSubject.identifier` with `identityType` "name" (never an email).
    pub recipient_name: Option<String>,
    pub achievement: AchievementDisplay,
    pub evidence: Vec<EvidenceDisplay>,
    pub valid_from: Option<DateDisplay>,
    pub valid_until: Option<DateDisplay>,
    /// When the (first) proof was created.
    pub signed: Option<DateDisplay>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct IssuerDisplay {
    pub name: Option<String>,
    /// The issuer's identifier (a DID or URL), shown as text.
    pub id: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
    pub logo: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct AchievementDisplay {
    pub name: Option<String>,
    pub description: Option<String>,
    /// `achievementType` in words ("Micro-credential").
    pub kind: Option<String>,
    pub criteria: Option<String>,
    pub criteria_url: Option<String>,
    pub image: Option<String>,
    pub skills: Vec<SkillDisplay>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SkillDisplay {
    pub name: Option<String>,
    pub framework: Option<String>,
    pub code: Option<String>,
    pub description: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct EvidenceDisplay {
    pub name: Option<String>,
    pub description: Option<String>,
    pub narrative: Option<String>,
    pub genre: Option<String>,
    pub url: Option<String>,
}

/// A date in words ("27 November 2026, 09:15 UTC") and as ISO 8601 (for `<time datetime>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateDisplay {
    pub words: String,
    pub iso: String,
}

impl DateDisplay {
    /// A unix time.
    pub fn from_unix(seconds: i64) -> Option<DateDisplay> {
        OffsetDateTime::from_unix_timestamp(seconds)
            .ok()
            .map(DateDisplay::from_instant)
    }

    pub fn from_instant(instant: OffsetDateTime) -> DateDisplay {
        let utc = instant.to_offset(time::UtcOffset::UTC);
        let iso = utc
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|_| utc.to_string());
        let words = format!(
            "{} {} {}, {:02}:{:02} UTC",
            utc.day(),
            utc.month(),
            utc.year(),
            utc.hour(),
            utc.minute()
        );
        DateDisplay { words, iso }
    }

    /// An Open Badges 2.0 date (ISO 8601, with or without a time or timezone, or seconds since
    /// 1970, as the display fields give it); one that does not parse is shown as given, marked.
    pub fn as_written(text: &str) -> DateDisplay {
        let value = match text.parse::<i64>() {
            Ok(seconds) => Value::from(seconds),
            Err(_) => Value::from(text),
        };
        match brevet_core::ob2::dates::parse(&value) {
            Ok(instant) => DateDisplay::from_instant(instant),
            Err(_) => DateDisplay::from_text(text),
        }
    }

    /// A credential date-time string; one that does not parse is shown as given, marked.
    fn from_text(text: &str) -> DateDisplay {
        match brevet_core::datetime::DateTimeStamp::parse(text) {
            Ok(stamp) => DateDisplay::from_instant(stamp.instant()),
            Err(_) => DateDisplay {
                words: format!("not a valid date ({})", shown(text)),
                iso: String::new(),
            },
        }
    }
}

impl CredentialDisplay {
    /// Reads what can be shown from `credential`. `own_images` is the URL prefix of images this
    /// server serves (`{base_url}/images/`), accepted even when the base URL is not https.
    pub fn from_credential(credential: &Value, own_images: &str) -> CredentialDisplay {
        let subject = first(credential.get("credentialSubject"));
        let achievement = subject.and_then(|subject| subject.get("achievement"));
        let vc_1_1 = is_vc_1_1(credential);
        let (from_field, until_field) = if vc_1_1 {
            ("issuanceDate", "expirationDate")
        } else {
            ("validFrom", "validUntil")
        };
        CredentialDisplay {
            name: text_field(credential, "name"),
            issuer: issuer_display(credential.get("issuer"), own_images),
            recipient_name: subject.and_then(recipient_name),
            achievement: achievement
                .map(|achievement| achievement_display(achievement, own_images))
                .unwrap_or_default(),
            evidence: many(credential.get("evidence"))
                .into_iter()
                .take(MAX_ITEMS)
                .map(evidence_display)
                .collect(),
            valid_from: string_field(credential, from_field).map(DateDisplay::from_text),
            valid_until: string_field(credential, until_field).map(DateDisplay::from_text),
            signed: first(credential.get("proof"))
                .and_then(|proof| string_field(proof, "created"))
                .map(DateDisplay::from_text),
        }
    }

    /// The achievement's name, else the credential's, else a generic title.
    pub fn title(&self) -> String {
        self.achievement
            .name
            .clone()
            .or_else(|| self.name.clone())
            .unwrap_or_else(|| "Credential".to_owned())
    }

    /// An image for link previews: the achievement's, else the issuer's logo.
    pub fn preview_image(&self) -> Option<String> {
        self.achievement
            .image
            .clone()
            .or_else(|| self.issuer.logo.clone())
    }
}

/// The recipient's name: an unhashed `identifier` of `identityType` "name", else the subject's
/// `name`. Email addresses, hashed or not, are never shown.
fn recipient_name(subject: &Value) -> Option<String> {
    many(subject.get("identifier"))
        .into_iter()
        .filter(|identifier| {
            identifier.get("identityType").and_then(Value::as_str) == Some("name")
                && identifier.get("hashed").and_then(Value::as_bool) != Some(true)
        })
        .find_map(|identifier| text_field(identifier, "identityHash"))
        .or_else(|| text_field(subject, "name"))
}

fn issuer_display(issuer: Option<&Value>, own_images: &str) -> IssuerDisplay {
    match issuer {
        Some(Value::String(id)) => IssuerDisplay {
            id: Some(shown(id)),
            ..IssuerDisplay::default()
        },
        Some(issuer @ Value::Object(_)) => IssuerDisplay {
            name: text_field(issuer, "name"),
            id: string_field(issuer, "id").map(shown),
            url: string_field(issuer, "url").and_then(safe_link),
            description: text_field(issuer, "description"),
            logo: image_link(issuer.get("image"), own_images),
        },
        _ => IssuerDisplay::default(),
    }
}

fn achievement_display(achievement: &Value, own_images: &str) -> AchievementDisplay {
    let criteria = achievement.get("criteria");
    AchievementDisplay {
        name: text_field(achievement, "name"),
        description: text_field(achievement, "description"),
        kind: string_field(achievement, "achievementType").map(achievement_kind),
        criteria: criteria.and_then(|criteria| text_field(criteria, "narrative")),
        criteria_url: criteria
            .and_then(|criteria| string_field(criteria, "id"))
            .and_then(safe_link),
        image: image_link(achievement.get("image"), own_images),
        skills: many(achievement.get("alignment"))
            .into_iter()
            .take(MAX_ITEMS)
            .map(|alignment| SkillDisplay {
                name: text_field(alignment, "targetName"),
                framework: text_field(alignment, "targetFramework"),
                code: text_field(alignment, "targetCode"),
                description: text_field(alignment, "targetDescription"),
                url: string_field(alignment, "targetUrl").and_then(safe_link),
            })
            .collect(),
    }
}

fn evidence_display(evidence: &Value) -> EvidenceDisplay {
    EvidenceDisplay {
        name: text_field(evidence, "name"),
        description: text_field(evidence, "description"),
        narrative: text_field(evidence, "narrative"),
        genre: text_field(evidence, "genre"),
        url: string_field(evidence, "id").and_then(safe_link),
    }
}

/// An `image` (a URL string or an `Image` object with `id`) if it may be shown: https, or an
/// image this server serves.
fn image_link(image: Option<&Value>, own_images: &str) -> Option<String> {
    let url = match image? {
        Value::String(url) => url.as_str(),
        object => string_field(object, "id")?,
    };
    let own = !own_images.is_empty()
        && url
            .strip_prefix(own_images)
            .is_some_and(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()));
    if own {
        Some(url.to_owned())
    } else {
        safe_link(url)
    }
}

/// An OB 3.0 `achievementType` in words; an extension type (`ext:…`) is shown as given.
fn achievement_kind(kind: &str) -> String {
    let words = match kind {
        "MicroCredential" => "Micro-credential",
        "License" => "Licence",
        "ApprenticeshipCertificate" => "Apprenticeship certificate",
        "AssociateDegree" => "Associate degree",
        "BachelorDegree" => "Bachelor's degree",
        "CertificateOfCompletion" => "Certificate of completion",
        "CommunityService" => "Community service",
        "DoctoralDegree" => "Doctoral degree",
        "GeneralEducationDevelopment" => "General education development",
        "JourneymanCertificate" => "Journeyman certificate",
        "LearningProgram" => "Learning program",
        "MasterCertificate" => "Master certificate",
        "MasterDegree" => "Master's degree",
        "ProfessionalDoctorate" => "Professional doctorate",
        "QualityAssuranceCredential" => "Quality assurance credential",
        "ResearchDoctorate" => "Research doctorate",
        "SecondarySchoolDiploma" => "Secondary school diploma",
        other => return shown(other.strip_prefix("ext:").unwrap_or(other)),
    };
    words.to_owned()
}

fn is_vc_1_1(credential: &Value) -> bool {
    let first_context = match credential.get("@context") {
        Some(Value::Array(entries)) => entries.first(),
        other => other,
    };
    first_context.and_then(Value::as_str) == Some(brevet_core::contexts::CREDENTIALS_V1)
}

/// A string field as it is (for URLs and dates, which are checked before use).
fn string_field<'a>(object: &'a Value, field: &str) -> Option<&'a str> {
    object.get(field).and_then(Value::as_str)
}

/// A text field made safe to show: a plain string, a `{"@value"}` object, or the first such
/// entry of a list (language maps of VC 2.0).
fn text_field(object: &Value, field: &str) -> Option<String> {
    text_of(object.get(field)?)
        .map(shown)
        .filter(|text| !text.trim().is_empty())
}

fn text_of(value: &Value) -> Option<&str> {
    match value {
        Value::String(text) => Some(text),
        Value::Object(object) => object.get("@value").and_then(Value::as_str),
        Value::Array(items) => items.iter().find_map(text_of),
        _ => None,
    }
}

/// Credential text as shown: inert (bidi controls neutralised) and cut to [`MAX_TEXT`].
fn shown(text: &str) -> String {
    let mut out = inert(text);
    if let Some((cut, _)) = out.char_indices().nth(MAX_TEXT) {
        out.truncate(cut);
        out.push('…');
    }
    out
}

fn first(value: Option<&Value>) -> Option<&Value> {
    match value? {
        Value::Array(items) => items.first(),
        other => Some(other),
    }
}

fn many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    }
}

#[cfg(test)]
mod tests;

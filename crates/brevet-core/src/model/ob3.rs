//! Typed Open Badges 3.0 structures for building credentials (field names from the OB 3.0
//! specification, camelCase on the wire, absent optional fields left out).
//!
//! [`AchievementCredential::to_value`] gives the unsigned JSON document to sign; every
//! credential built here passes [`super::check_unsigned_for_issuance`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{AchievementType, CREDENTIALS_V2_CONTEXT, IdentityObject, OB3_CONTEXT};
use crate::datetime::DateTimeStamp;

/// An OpenBadgeCredential (also typed AchievementCredential in the spec): one achievement
/// awarded to one subject by one issuer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AchievementCredential {
    #[serde(rename = "@context")]
    pub context: Vec<Value>,
    pub id: String,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    pub issuer: Profile,
    pub valid_from: DateTimeStamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<DateTimeStamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub awarded_date: Option<DateTimeStamp>,
    pub credential_subject: AchievementSubject,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_status: Option<CredentialStatus>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credential_schema: Vec<CredentialSchema>,
}

impl AchievementCredential {
    /// A credential with the VC 2.0 and OB 3.0.3 contexts and the types
    /// `["VerifiableCredential", "OpenBadgeCredential"]`; its `name` is the achievement's.
    pub fn new(
        id: impl Into<String>,
        issuer: Profile,
        credential_subject: AchievementSubject,
        valid_from: DateTimeStamp,
    ) -> Self {
        AchievementCredential {
            context: vec![
                Value::from(CREDENTIALS_V2_CONTEXT),
                Value::from(OB3_CONTEXT),
            ],
            id: id.into(),
            types: vec!["VerifiableCredential".into(), "OpenBadgeCredential".into()],
            name: Some(credential_subject.achievement.name.clone()),
            description: None,
            image: None,
            issuer,
            valid_from,
            valid_until: None,
            awarded_date: None,
            credential_subject,
            evidence: Vec::new(),
            credential_status: None,
            credential_schema: Vec::new(),
        }
    }

    /// The unsigned JSON document.
    pub fn to_value(&self) -> Value {
        // Serializing these plain structs to a Value cannot fail (string keys, no maps with
        // non-string keys, no non-finite floats).
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// An issuer, creator or other party (OB 3.0 `Profile`). Issuers are always objects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: String,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Profile {
    /// A profile with `type: ["Profile"]` and a name.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Profile {
            id: id.into(),
            types: vec!["Profile".into()],
            name: Some(name.into()),
            url: None,
            image: None,
            email: None,
            phone: None,
            description: None,
        }
    }
}

/// An image (`type: "Image"`), identified by its URL or data URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

impl Image {
    pub fn new(id: impl Into<String>) -> Self {
        Image {
            id: id.into(),
            kind: "Image".into(),
            caption: None,
        }
    }
}

/// The recipient: identified by `id` (a DID or URL) or by `identifier` objects (a hashed email).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AchievementSubject {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<IdentityObject>,
    pub achievement: Achievement,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub result: Vec<AchievementResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_start_date: Option<DateTimeStamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_end_date: Option<DateTimeStamp>,
}

impl AchievementSubject {
    /// A subject identified by a DID or URL.
    pub fn with_id(id: impl Into<String>, achievement: Achievement) -> Self {
        AchievementSubject {
            id: Some(id.into()),
            ..AchievementSubject::anonymous(achievement)
        }
    }

    /// A subject identified by identity objects (e.g. [`IdentityObject::hashed_email`]).
    pub fn with_identifiers(identifier: Vec<IdentityObject>, achievement: Achievement) -> Self {
        AchievementSubject {
            identifier,
            ..AchievementSubject::anonymous(achievement)
        }
    }

    fn anonymous(achievement: Achievement) -> Self {
        AchievementSubject {
            id: None,
            types: vec!["AchievementSubject".into()],
            identifier: Vec::new(),
            achievement,
            result: Vec::new(),
            narrative: None,
            activity_start_date: None,
            activity_end_date: None,
        }
    }
}

/// What was achieved (OB 3.0 `Achievement`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Achievement {
    pub id: String,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_type: Option<AchievementType>,
    pub name: String,
    pub description: String,
    pub criteria: Criteria,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<Profile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub result_description: Vec<ResultDescription>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_of_study: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_available: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl Achievement {
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        description: impl Into<String>,
        criteria: Criteria,
    ) -> Self {
        Achievement {
            id: id.into(),
            types: vec!["Achievement".into()],
            achievement_type: None,
            name: name.into(),
            description: description.into(),
            criteria,
            image: None,
            creator: None,
            alignment: Vec::new(),
            result_description: Vec::new(),
            human_code: None,
            field_of_study: None,
            credits_available: None,
            tag: Vec::new(),
            in_language: None,
            version: None,
        }
    }
}

/// How the achievement is earned: a URL, a narrative (Markdown), or both.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Criteria {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
}

impl Criteria {
    pub fn narrative(text: impl Into<String>) -> Self {
        Criteria {
            id: None,
            narrative: Some(text.into()),
        }
    }
}

/// An alignment to a skill, competency or framework item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alignment {
    #[serde(rename = "type")]
    pub types: Vec<String>,
    pub target_name: String,
    pub target_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_framework: Option<String>,
    /// One of the spec's AlignmentTargetType values (`ceasn:Competency`, `CFItem`, `CTDL`, …)
    /// or an `ext:` extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_type: Option<String>,
}

impl Alignment {
    pub fn new(target_name: impl Into<String>, target_url: impl Into<String>) -> Self {
        Alignment {
            types: vec!["Alignment".into()],
            target_name: target_name.into(),
            target_url: target_url.into(),
            target_description: None,
            target_code: None,
            target_framework: None,
            target_type: None,
        }
    }
}

/// What results of the achievement look like (a grade, a level, a status…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultDescription {
    pub id: String,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    pub name: String,
    /// One of the spec's ResultType values (`LetterGrade`, `Percent`, `Status`, …) or `ext:…`.
    pub result_type: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_value: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_min: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_max: Option<String>,
}

impl ResultDescription {
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        result_type: impl Into<String>,
    ) -> Self {
        ResultDescription {
            id: id.into(),
            types: vec!["ResultDescription".into()],
            name: name.into(),
            result_type: result_type.into(),
            allowed_value: Vec::new(),
            required_value: None,
            value_min: None,
            value_max: None,
        }
    }
}

/// A result the subject obtained (OB 3.0 `Result`; named so to keep `Result` for Rust's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AchievementResult {
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// The `id` of the [`ResultDescription`] this result answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achieved_level: Option<String>,
    /// `Completed`, `Enrolled`, `Failed`, `InProgress`, `OnHold`, `Provisional` or `Withdrew`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
}

impl AchievementResult {
    /// A result with a value, answering the result description `result_description`.
    pub fn value(result_description: impl Into<String>, value: impl Into<String>) -> Self {
        AchievementResult {
            types: vec!["Result".into()],
            result_description: Some(result_description.into()),
            value: Some(value.into()),
            achieved_level: None,
            status: None,
            alignment: Vec::new(),
        }
    }
}

/// Evidence of the achievement (a URL, a narrative…).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
}

impl Evidence {
    pub fn new() -> Self {
        Evidence {
            types: vec!["Evidence".into()],
            ..Evidence::default()
        }
    }
}

/// A Bitstring Status List entry (`type: "BitstringStatusListEntry"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialStatus {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// `revocation` or `suspension`.
    pub status_purpose: String,
    /// The bit index, as a decimal string (as the spec writes it).
    pub status_list_index: String,
    /// URL of the status list credential.
    pub status_list_credential: String,
}

impl CredentialStatus {
    /// An entry for bit `index` of the list at `list_url`; its id is `list_url#index`.
    pub fn bitstring(list_url: &str, purpose: &str, index: u64) -> Self {
        CredentialStatus {
            id: format!("{list_url}#{index}"),
            kind: "BitstringStatusListEntry".into(),
            status_purpose: purpose.to_owned(),
            status_list_index: index.to_string(),
            status_list_credential: list_url.to_owned(),
        }
    }
}

/// A JSON Schema the credential claims to follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialSchema {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
}

impl CredentialSchema {
    /// The official OB 3.0 AchievementCredential schema, `1EdTechJsonSchemaValidator2019`.
    pub fn ob3_achievement_credential() -> Self {
        CredentialSchema {
            id: "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json".into(),
            kind: "1EdTechJsonSchemaValidator2019".into(),
        }
    }
}

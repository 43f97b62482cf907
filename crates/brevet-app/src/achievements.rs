//! Achievements: what an organisation awards (OB 3.0 `Achievement`): create, edit, archive and
//! unarchive, an uploaded image, read one or the list. Writing needs the issuer role, reading
//! any role; another organisation's achievement is not found. Every field is checked before
//! anything is written (a 422 naming each bad field), and the achievement is then checked the
//! way an award will put it in a credential (OB 3.0 rules and JSON-LD safe mode), so any
//! achievement accepted here can be awarded.

pub mod fields;

use brevet_core::contexts::{CREDENTIALS_V2, OB_V3P0};
use brevet_core::model::{IdentityObject, check_unsigned_for_issuance, random_salt};
use brevet_store::achievements::{self, AchievementRecord};
use brevet_store::orgs::{self, OrgRecord};
use brevet_store::{AnyConnection, StoreError};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value, json};

pub use fields::AlignmentInput;
use fields::{Lines, Problems};

use crate::images::{ImageRef, check_image};
use crate::{App, AppError, Principal, clock, ids};

/// The achievement type used when a create request names none.
pub const DEFAULT_ACHIEVEMENT_TYPE: &str = "Badge";

/// A new achievement. Unknown fields are refused (the organisation, ids and dates are the
/// server's), so is anything a field rule refuses.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AchievementInput {
    /// OB 3.0 `achievementType` (`Badge`, `Certificate`, `MicroCredential`, `License`, ... or
    /// `ext:Name`); default `Badge`.
    pub achievement_type: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// How it is earned (narrative text).
    pub criteria: Option<String>,
    #[serde(default)]
    pub alignments: Vec<AlignmentInput>,
    /// Default validity of awards in days (none: no expiry).
    pub validity_days: Option<i64>,
}

/// Changes to an achievement: an absent field is unchanged; `validity_days: null` removes the
/// default validity; `null` for any other field is refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AchievementPatch {
    #[serde(default, deserialize_with = "present")]
    pub achievement_type: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub criteria: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub alignments: Option<Option<Vec<AlignmentInput>>>,
    #[serde(default, deserialize_with = "present")]
    pub validity_days: Option<Option<i64>>,
}

/// Deserializes a field that is present (possibly `null`) as `Some(value)`, so that an absent
/// field (`None` by `default`) and a `null` one can be told apart.
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// An achievement as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AchievementView {
    pub id: String,
    /// The achievement's URI (its `id` in awarded credentials).
    pub url: String,
    pub achievement_type: String,
    pub name: String,
    pub description: String,
    pub criteria: String,
    pub image: Option<ImageRef>,
    /// OB 3.0 `Alignment` objects.
    pub alignments: Vec<Value>,
    pub validity_days: Option<i64>,
    pub archived: bool,
    pub archived_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The checked, editable fields of an achievement.
struct Fields {
    achievement_type: String,
    name: String,
    description: String,
    criteria: String,
    alignments_json: String,
    validity_days: Option<i64>,
}

fn check_fields(
    achievement_type: &str,
    name: Option<&str>,
    description: Option<&str>,
    criteria: Option<&str>,
    alignments: &[AlignmentInput],
    validity_days: Option<i64>,
) -> Result<Fields, AppError> {
    let mut problems = Problems::default();
    let achievement_type = fields::achievement_type(&mut problems, achievement_type);
    let mut required = |field: &str, value: Option<&str>, max: usize, lines: Lines| match value {
        Some(value) => fields::text(&mut problems, field, value, 1, max, lines),
        None => {
            problems.push(field, "is required");
            String::new()
        }
    };
    let name = required("name", name, 200, Lines::One);
    let description = required("description", description, 5000, Lines::Many);
    let criteria = required("criteria", criteria, 10_000, Lines::Many);
    let alignments = fields::alignments(&mut problems, alignments);
    let validity_days = fields::validity_days(&mut problems, validity_days);
    problems.into_result("INVALID_ACHIEVEMENT")?;
    let alignments_json = serde_json::to_string(&alignments)
        .map_err(|error| AppError::Internal(format!("alignments: {error}")))?;
    Ok(Fields {
        achievement_type,
        name,
        description,
        criteria,
        alignments_json,
        validity_days,
    })
}

/// Refuses `null` for a field that cannot be removed.
fn not_null<T>(field: &str, value: Option<Option<T>>) -> Result<Option<T>, AppError> {
    match value {
        Some(None) => Err(AppError::invalid(
            "INVALID_ACHIEVEMENT",
            format!("{field}: must not be null (leave it out to keep it)"),
        )),
        Some(Some(value)) => Ok(Some(value)),
        None => Ok(None),
    }
}

impl App {
    /// The OB 3.0 `Achievement` object of an achievement, as awards put it in credentials.
    pub fn achievement_json(&self, record: &AchievementRecord) -> Result<Value, AppError> {
        let mut object = Map::new();
        object.insert("id".into(), json!(self.achievement_url(&record.id)));
        object.insert("type".into(), json!(["Achievement"]));
        object.insert("achievementType".into(), json!(record.achievement_type));
        object.insert("name".into(), json!(record.name));
        object.insert("description".into(), json!(record.description));
        object.insert("criteria".into(), json!({"narrative": record.criteria}));
        if let Some(image) = &record.image_id {
            object.insert(
                "image".into(),
                json!({"id": self.image_url(image), "type": "Image"}),
            );
        }
        let alignments = stored_alignments(record)?;
        if !alignments.is_empty() {
            object.insert("alignment".into(), Value::Array(alignments));
        }
        Ok(Value::Object(object))
    }

    /// Checks that an award of `record` would be a valid OB 3.0 credential that JSON-LD safe
    /// mode carries over whole; a refusal names what is wrong.
    fn check_awardable(&self, org: &OrgRecord, record: &AchievementRecord) -> Result<(), AppError> {
        self.check_award_probe(org, self.achievement_json(record)?)
            .map_err(|detail| {
                AppError::invalid(
                    "INVALID_ACHIEVEMENT",
                    format!("this achievement could not be awarded as an Open Badges 3.0 credential: {detail}"),
                )
            })
    }

    /// Builds an unsigned credential as an award of `achievement` by `org` would be (recipient
    /// aside) and checks it against the OB 3.0 rules and JSON-LD safe mode; `Err` says why not.
    pub(crate) fn check_award_probe(
        &self,
        org: &OrgRecord,
        achievement: Value,
    ) -> Result<(), String> {
        let issuer = self
            .issuer_profile(org)
            .map_err(|error| error.to_string())?;
        let probe = json!({
            "@context": [CREDENTIALS_V2, OB_V3P0],
            "id": ids::new_urn_uuid(),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": achievement.get("name").cloned().unwrap_or(Value::Null),
            "issuer": issuer,
            "validFrom": clock::stamp(self.clock().now()),
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "identifier": [IdentityObject::hashed_email("probe@example.org", &random_salt())],
                "achievement": achievement,
            },
        });
        check_unsigned_for_issuance(&probe).map_err(|errors| errors.to_string())?;
        self.linked_data()
            .expand(&probe)
            .map_err(|error| error.to_string())?;
        Ok(())
    }

    fn achievement_view(&self, record: AchievementRecord) -> Result<AchievementView, AppError> {
        let alignments = stored_alignments(&record)?;
        Ok(AchievementView {
            url: self.achievement_url(&record.id),
            image: record.image_id.as_deref().map(|id| self.image_ref(id)),
            id: record.id,
            achievement_type: record.achievement_type,
            name: record.name,
            description: record.description,
            criteria: record.criteria,
            alignments,
            validity_days: record.validity_days,
            archived: record.archived_at.is_some(),
            archived_at: record.archived_at,
            created_at: record.created_at,
            updated_at: record.updated_at,
        })
    }

    /// Creates an achievement (issuer role).
    pub async fn create_achievement(
        &self,
        principal: &Principal,
        input: &AchievementInput,
    ) -> Result<AchievementView, AppError> {
        principal.require_issuer()?;
        let fields = check_fields(
            input
                .achievement_type
                .as_deref()
                .unwrap_or(DEFAULT_ACHIEVEMENT_TYPE),
            input.name.as_deref(),
            input.description.as_deref(),
            input.criteria.as_deref(),
            &input.alignments,
            input.validity_days,
        )?;
        let now = self.now_unix();
        let record = AchievementRecord {
            id: ids::new_id(),
            org_id: principal.org_id.clone(),
            achievement_type: fields.achievement_type,
            name: fields.name,
            description: fields.description,
            criteria: fields.criteria,
            image_id: None,
            alignments_json: fields.alignments_json,
            validity_days: fields.validity_days,
            archived_at: None,
            created_at: now,
            updated_at: now,
        };
        let org = {
            let mut conn = self.store().read().await?;
            orgs::get(&mut conn, &principal.org_id).await?
        };
        self.check_awardable(&org, &record)?;
        let mut tx = self.store().begin().await?;
        achievements::insert(&mut tx, &record).await?;
        self.audit_achievement(&mut tx, principal, "achievement.create", &record.id)
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.achievement_view(record)
    }

    /// One achievement of the principal's organisation (any role).
    pub async fn achievement(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<AchievementView, AppError> {
        let mut conn = self.store().read().await?;
        let record = achievements::get_in_org(&mut conn, &principal.org_id, id).await?;
        self.achievement_view(record)
    }

    /// The organisation's achievements, newest first; archived ones only when asked (any role).
    pub async fn list_achievements(
        &self,
        principal: &Principal,
        include_archived: bool,
    ) -> Result<Vec<AchievementView>, AppError> {
        let mut conn = self.store().read().await?;
        achievements::list(&mut conn, &principal.org_id, include_archived)
            .await?
            .into_iter()
            .map(|record| self.achievement_view(record))
            .collect()
    }

    /// Edits an achievement (issuer role). Credentials already awarded keep what they say.
    pub async fn update_achievement(
        &self,
        principal: &Principal,
        id: &str,
        patch: &AchievementPatch,
    ) -> Result<AchievementView, AppError> {
        principal.require_issuer()?;
        let achievement_type = not_null("achievement_type", patch.achievement_type.clone())?;
        let name = not_null("name", patch.name.clone())?;
        let description = not_null("description", patch.description.clone())?;
        let criteria = not_null("criteria", patch.criteria.clone())?;
        let alignments = not_null("alignments", patch.alignments.clone())?;
        let mut tx = self.store().begin().await?;
        let mut record = achievements::get_in_org(&mut tx, &principal.org_id, id).await?;
        let current_alignments: Vec<AlignmentInput> = serde_json::from_str(&record.alignments_json)
            .map_err(|error| AppError::Internal(format!("stored alignments: {error}")))?;
        let fields = check_fields(
            achievement_type
                .as_deref()
                .unwrap_or(&record.achievement_type),
            Some(name.as_deref().unwrap_or(&record.name)),
            Some(description.as_deref().unwrap_or(&record.description)),
            Some(criteria.as_deref().unwrap_or(&record.criteria)),
            alignments.as_deref().unwrap_or(&current_alignments),
            patch.validity_days.unwrap_or(record.validity_days),
        )?;
        record.achievement_type = fields.achievement_type;
        record.name = fields.name;
        record.description = fields.description;
        record.criteria = fields.criteria;
        record.alignments_json = fields.alignments_json;
        record.validity_days = fields.validity_days;
        record.updated_at = self.now_unix();
        let org = orgs::get(&mut tx, &principal.org_id).await?;
        self.check_awardable(&org, &record)?;
        achievements::update(&mut tx, &record).await?;
        self.audit_achievement(&mut tx, principal, "achievement.update", &record.id)
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.achievement_view(record)
    }

    /// Archives an achievement (no new awards; issued credentials are untouched) or brings it
    /// back (issuer role). Archiving an archived achievement keeps its first archive time.
    pub async fn set_achievement_archived(
        &self,
        principal: &Principal,
        id: &str,
        archived: bool,
    ) -> Result<AchievementView, AppError> {
        principal.require_issuer()?;
        let mut tx = self.store().begin().await?;
        let mut record = achievements::get_in_org(&mut tx, &principal.org_id, id).await?;
        if record.archived_at.is_some() != archived {
            let now = self.now_unix();
            record.archived_at = archived.then_some(now);
            record.updated_at = now;
            achievements::update(&mut tx, &record).await?;
            let action = if archived {
                "achievement.archive"
            } else {
                "achievement.unarchive"
            };
            self.audit_achievement(&mut tx, principal, action, &record.id)
                .await?;
            tx.commit().await.map_err(StoreError::from)?;
        }
        self.achievement_view(record)
    }

    /// Sets an achievement's image from an upload (PNG, JPEG or inert SVG, at most 1 MiB;
    /// issuer role). `declared` is the `Content-Type` sent with the bytes, if any.
    pub async fn set_achievement_image(
        &self,
        principal: &Principal,
        id: &str,
        declared: Option<&str>,
        bytes: &[u8],
    ) -> Result<AchievementView, AppError> {
        principal.require_issuer()?;
        let kind = check_image(declared, bytes)?;
        let mut tx = self.store().begin().await?;
        let mut record = achievements::get_in_org(&mut tx, &principal.org_id, id).await?;
        let image_id = self
            .insert_image(&mut tx, &principal.org_id, kind, bytes)
            .await?;
        record.image_id = Some(image_id);
        record.updated_at = self.now_unix();
        achievements::update(&mut tx, &record).await?;
        self.audit_achievement(&mut tx, principal, "achievement.image", &record.id)
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.achievement_view(record)
    }

    /// Removes an achievement's image (the stored image stays: issued credentials name it).
    pub async fn remove_achievement_image(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<AchievementView, AppError> {
        principal.require_issuer()?;
        let mut tx = self.store().begin().await?;
        let mut record = achievements::get_in_org(&mut tx, &principal.org_id, id).await?;
        if record.image_id.is_some() {
            record.image_id = None;
            record.updated_at = self.now_unix();
            achievements::update(&mut tx, &record).await?;
            self.audit_achievement(&mut tx, principal, "achievement.image-remove", &record.id)
                .await?;
            tx.commit().await.map_err(StoreError::from)?;
        }
        self.achievement_view(record)
    }

    async fn audit_achievement(
        &self,
        conn: &mut AnyConnection,
        principal: &Principal,
        action: &str,
        id: &str,
    ) -> Result<(), AppError> {
        self.audit(
            conn,
            Some(&principal.org_id),
            &principal.actor,
            action,
            Some(id),
            None,
        )
        .await
    }
}

fn stored_alignments(record: &AchievementRecord) -> Result<Vec<Value>, AppError> {
    serde_json::from_str(&record.alignments_json)
        .map_err(|error| AppError::Internal(format!("stored alignments of {}: {error}", record.id)))
}

//! Achievements: the badges, certificates, micro-credentials and licences an organisation awards.

use sqlx::AnyConnection;

use crate::StoreError;

row! {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct AchievementRecord {
        pub id: String,
        pub org_id: String,
        /// OB 3.0 `achievementType` (Badge, Certificate, MicroCredential, License, ...).
        pub achievement_type: String,
        pub name: String,
        pub description: String,
        /// Criteria narrative (plain text / Markdown without raw HTML).
        pub criteria: String,
        pub image_id: Option<String>,
        /// JSON array of alignments `{targetFramework, targetCode, targetName, targetUrl}`.
        pub alignments_json: String,
        /// Default validity period in days (none: no expiry).
        pub validity_days: Option<i64>,
        pub archived_at: Option<i64>,
        pub created_at: i64,
        pub updated_at: i64,
    }
}

const COLUMNS: &str = "id, org_id, achievement_type, name, description, criteria, image_id, alignments_json, validity_days, archived_at, created_at, updated_at";

pub async fn insert(
    conn: &mut AnyConnection,
    record: &AchievementRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO achievements (id, org_id, achievement_type, name, description, criteria, image_id, \
         alignments_json, validity_days, archived_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&record.id)
    .bind(&record.org_id)
    .bind(&record.achievement_type)
    .bind(&record.name)
    .bind(&record.description)
    .bind(&record.criteria)
    .bind(&record.image_id)
    .bind(&record.alignments_json)
    .bind(record.validity_days)
    .bind(record.archived_at)
    .bind(record.created_at)
    .bind(record.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Updates the editable fields of an achievement of `record.org_id`.
pub async fn update(
    conn: &mut AnyConnection,
    record: &AchievementRecord,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE achievements SET achievement_type = $3, name = $4, description = $5, criteria = $6, \
         image_id = $7, alignments_json = $8, validity_days = $9, archived_at = $10, updated_at = $11 \
         WHERE id = $1 AND org_id = $2",
    )
    .bind(&record.id)
    .bind(&record.org_id)
    .bind(&record.achievement_type)
    .bind(&record.name)
    .bind(&record.description)
    .bind(&record.criteria)
    .bind(&record.image_id)
    .bind(&record.alignments_json)
    .bind(record.validity_days)
    .bind(record.archived_at)
    .bind(record.updated_at)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// An achievement of one organisation (another organisation's is not found).
pub async fn get_in_org(
    conn: &mut AnyConnection,
    org_id: &str,
    id: &str,
) -> Result<AchievementRecord, StoreError> {
    sqlx::query_as::<_, AchievementRecord>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM achievements WHERE id = $1 AND org_id = $2"
    )))
    .bind(id)
    .bind(org_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// An organisation's achievements, newest first; archived ones only when asked.
pub async fn list(
    conn: &mut AnyConnection,
    org_id: &str,
    include_archived: bool,
) -> Result<Vec<AchievementRecord>, StoreError> {
    Ok(sqlx::query_as::<_, AchievementRecord>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM achievements WHERE org_id = $1 AND ($2 = 1 OR archived_at IS NULL) \
         ORDER BY created_at DESC, id DESC"
    )))
    .bind(org_id)
    .bind(i64::from(include_archived))
    .fetch_all(conn)
    .await?)
}

/// How many achievements an organisation has (archived ones included).
pub async fn count_for_org(conn: &mut AnyConnection, org_id: &str) -> Result<i64, StoreError> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM achievements WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(conn)
        .await?;
    Ok(count)
}

//! Issued credentials: the signed JSON exactly as issued, plus the columns pages and lists need.

use sqlx::AnyConnection;

use crate::StoreError;

row! {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct CredentialRecord {
        /// The opaque public id (the `/c/{id}` page).
        pub id: String,
        pub org_id: String,
        pub achievement_id: Option<String>,
        /// The credential's own `id` (its URL or URN).
        pub credential_uri: String,
        pub achievement_name: String,
        pub recipient_name: Option<String>,
        pub recipient_email: Option<String>,
        pub recipient_did: Option<String>,
        /// The signed credential, byte for byte as issued.
        pub json: String,
        pub issued_at: i64,
        pub valid_from: Option<i64>,
        pub valid_until: Option<i64>,
        pub supersedes: Option<String>,
        pub superseded_by: Option<String>,
        /// How it was issued: `award` (API or dashboard) or `vc-api`.
        pub source: String,
    }
}

const COLUMNS: &str = "id, org_id, achievement_id, credential_uri, achievement_name, recipient_name, \
    recipient_email, recipient_did, json, issued_at, valid_from, valid_until, supersedes, superseded_by, source";

pub async fn insert(conn: &mut AnyConnection, record: &CredentialRecord) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO credentials (id, org_id, achievement_id, credential_uri, achievement_name, \
         recipient_name, recipient_email, recipient_did, json, issued_at, valid_from, valid_until, \
         supersedes, superseded_by, source) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&record.id)
    .bind(&record.org_id)
    .bind(&record.achievement_id)
    .bind(&record.credential_uri)
    .bind(&record.achievement_name)
    .bind(&record.recipient_name)
    .bind(&record.recipient_email)
    .bind(&record.recipient_did)
    .bind(&record.json)
    .bind(record.issued_at)
    .bind(record.valid_from)
    .bind(record.valid_until)
    .bind(&record.supersedes)
    .bind(&record.superseded_by)
    .bind(&record.source)
    .execute(conn)
    .await
    .map_err(|error| StoreError::conflict_on(error, "a credential with this id exists"))?;
    Ok(())
}

/// A credential by its public id, whatever its organisation (public pages).
pub async fn get(conn: &mut AnyConnection, id: &str) -> Result<CredentialRecord, StoreError> {
    sqlx::query_as::<_, CredentialRecord>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM credentials WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// A credential by its public id within one organisation (anything else is not found).
pub async fn get_in_org(
    conn: &mut AnyConnection,
    org_id: &str,
    id: &str,
) -> Result<CredentialRecord, StoreError> {
    sqlx::query_as::<_, CredentialRecord>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM credentials WHERE id = $1 AND org_id = $2"
    )))
    .bind(id)
    .bind(org_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// A credential by its `id` URI within one organisation.
pub async fn get_by_uri_in_org(
    conn: &mut AnyConnection,
    org_id: &str,
    uri: &str,
) -> Result<CredentialRecord, StoreError> {
    sqlx::query_as::<_, CredentialRecord>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM credentials WHERE credential_uri = $1 AND org_id = $2"
    )))
    .bind(uri)
    .bind(org_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// Filters for listing an organisation's credentials.
#[derive(Debug, Clone, Default)]
pub struct CredentialFilter {
    /// Matches recipient name or email, or the achievement name (case-insensitive substring).
    pub search: Option<String>,
    pub achievement_id: Option<String>,
    /// Only credentials issued before this (unix seconds): keyset paging, newest first.
    pub before: Option<(i64, String)>,
    pub limit: i64,
}

/// An organisation's credentials, newest first, filtered and paged.
pub async fn list(
    conn: &mut AnyConnection,
    org_id: &str,
    filter: &CredentialFilter,
) -> Result<Vec<CredentialRecord>, StoreError> {
    let pattern = filter
        .search
        .as_ref()
        .map(|search| format!("%{}%", search.to_lowercase()));
    let (before_at, before_id) = filter
        .before
        .clone()
        .map_or((None, None), |(at, id)| (Some(at), Some(id)));
    Ok(
        sqlx::query_as::<_, CredentialRecord>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM credentials WHERE org_id = $1 \
         AND ($2 IS NULL OR LOWER(COALESCE(recipient_name, '')) LIKE $2 \
              OR LOWER(COALESCE(recipient_email, '')) LIKE $2 OR LOWER(achievement_name) LIKE $2) \
         AND ($3 IS NULL OR achievement_id = $3) \
         AND ($4 IS NULL OR issued_at < $4 OR (issued_at = $4 AND id < $5)) \
         ORDER BY issued_at DESC, id DESC LIMIT $6"
        )))
        .bind(org_id)
        .bind(pattern)
        .bind(&filter.achievement_id)
        .bind(before_at)
        .bind(before_id)
        .bind(filter.limit.clamp(1, 500))
        .fetch_all(conn)
        .await?,
    )
}

/// Records that `old_id` was replaced by `new_id`.
pub async fn mark_superseded(
    conn: &mut AnyConnection,
    old_id: &str,
    new_id: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE credentials SET superseded_by = $2 WHERE id = $1")
        .bind(old_id)
        .bind(new_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// How many credentials an organisation has issued.
pub async fn count_for_org(conn: &mut AnyConnection, org_id: &str) -> Result<i64, StoreError> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM credentials WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(conn)
        .await?;
    Ok(count)
}

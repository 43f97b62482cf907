//! Organisation API keys (stored as a SHA-256 of the secret, shown once), OAuth 2.0 clients and
//! the access tokens of the client-credentials grant.

use sqlx::{AnyConnection, FromRow};

use crate::StoreError;

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct ApiKeyRecord {
    pub id: String,
    pub org_id: String,
    pub name: String,
    /// The first characters of the key, to recognise it in lists.
    pub prefix: String,
    pub secret_hash: String,
    pub role: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

const COLUMNS: &str = "id, org_id, name, prefix, secret_hash, role, created_at, revoked_at";

pub async fn insert(conn: &mut AnyConnection, key: &ApiKeyRecord) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO api_keys (id, org_id, name, prefix, secret_hash, role, created_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&key.id)
    .bind(&key.org_id)
    .bind(&key.name)
    .bind(&key.prefix)
    .bind(&key.secret_hash)
    .bind(&key.role)
    .bind(key.created_at)
    .bind(key.revoked_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The unrevoked key whose secret hashes to `secret_hash`.
pub async fn find_active(
    conn: &mut AnyConnection,
    secret_hash: &str,
) -> Result<ApiKeyRecord, StoreError> {
    sqlx::query_as::<_, ApiKeyRecord>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM api_keys WHERE secret_hash = $1 AND revoked_at IS NULL"
    )))
    .bind(secret_hash)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

pub async fn list_for_org(
    conn: &mut AnyConnection,
    org_id: &str,
) -> Result<Vec<ApiKeyRecord>, StoreError> {
    Ok(
        sqlx::query_as::<_, ApiKeyRecord>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM api_keys WHERE org_id = $1 ORDER BY created_at DESC, id"
        )))
        .bind(org_id)
        .fetch_all(conn)
        .await?,
    )
}

/// Revokes a key of `org_id`; a key of another organisation is not found.
pub async fn revoke(
    conn: &mut AnyConnection,
    org_id: &str,
    id: &str,
    at: i64,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE api_keys SET revoked_at = $3 WHERE id = $1 AND org_id = $2 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(org_id)
    .bind(at)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

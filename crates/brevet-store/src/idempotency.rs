//! `Idempotency-Key` records: the first request's fingerprint and, once done, its response.

use sqlx::AnyConnection;

use crate::StoreError;

row! {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct IdempotencyRecord {
        pub org_id: String,
        pub idem_key: String,
        /// SHA-256 of the request (method, path, body).
        pub request_hash: String,
        /// `pending` while the first request runs, then `done`.
        pub state: String,
        pub status_code: Option<i64>,
        pub response: Option<String>,
        pub created_at: i64,
    }
}

/// Claims `key` for a new request. Returns `false` when the key is already known (the caller
/// then reads it with [`get`]).
pub async fn try_claim(
    conn: &mut AnyConnection,
    record: &IdempotencyRecord,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO idempotency_keys (org_id, idem_key, request_hash, state, status_code, response, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id, idem_key) DO NOTHING",
    )
    .bind(&record.org_id)
    .bind(&record.idem_key)
    .bind(&record.request_hash)
    .bind(&record.state)
    .bind(record.status_code)
    .bind(&record.response)
    .bind(record.created_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get(
    conn: &mut AnyConnection,
    org_id: &str,
    key: &str,
) -> Result<IdempotencyRecord, StoreError> {
    sqlx::query_as::<_, IdempotencyRecord>(
        "SELECT org_id, idem_key, request_hash, state, status_code, response, created_at \
         FROM idempotency_keys WHERE org_id = $1 AND idem_key = $2",
    )
    .bind(org_id)
    .bind(key)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// Records the response of the first request.
pub async fn complete(
    conn: &mut AnyConnection,
    org_id: &str,
    key: &str,
    status_code: i64,
    response: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE idempotency_keys SET state = 'done', status_code = $3, response = $4 \
         WHERE org_id = $1 AND idem_key = $2",
    )
    .bind(org_id)
    .bind(key)
    .bind(status_code)
    .bind(response)
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets a key whose first request failed, so a retry runs again.
pub async fn release(conn: &mut AnyConnection, org_id: &str, key: &str) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE org_id = $1 AND idem_key = $2 AND state = 'pending'",
    )
    .bind(org_id)
    .bind(key)
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets a key still pending since `claimed_at` (its first request died before finishing),
/// so a retry can claim it; returns whether it was removed. A claim made after `claimed_at` is
/// left alone.
pub async fn release_abandoned(
    conn: &mut AnyConnection,
    org_id: &str,
    key: &str,
    claimed_at: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "DELETE FROM idempotency_keys WHERE org_id = $1 AND idem_key = $2 AND state = 'pending' \
         AND created_at = $3",
    )
    .bind(org_id)
    .bind(key)
    .bind(claimed_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

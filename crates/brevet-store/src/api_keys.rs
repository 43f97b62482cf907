//! Organisation API keys (stored as a SHA-256 of the secret, shown once), OAuth 2.0 clients and
//! the access tokens of the client-credentials grant.

use sqlx::AnyConnection;

use crate::StoreError;

row! {
    #[derive(Debug, Clone, PartialEq, Eq)]
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

row! {
    /// An OAuth 2.0 client of the client-credentials grant (secret stored as its SHA-256).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct OAuthClientRecord {
        pub client_id: String,
        pub org_id: String,
        pub name: String,
        pub secret_hash: String,
        pub role: String,
        pub created_at: i64,
        pub revoked_at: Option<i64>,
    }
}

const CLIENT_COLUMNS: &str = "client_id, org_id, name, secret_hash, role, created_at, revoked_at";

pub async fn insert_oauth_client(
    conn: &mut AnyConnection,
    client: &OAuthClientRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO oauth_clients (client_id, org_id, name, secret_hash, role, created_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&client.client_id)
    .bind(&client.org_id)
    .bind(&client.name)
    .bind(&client.secret_hash)
    .bind(&client.role)
    .bind(client.created_at)
    .bind(client.revoked_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A client by id (revoked ones included: the caller decides).
pub async fn get_oauth_client(
    conn: &mut AnyConnection,
    client_id: &str,
) -> Result<OAuthClientRecord, StoreError> {
    sqlx::query_as::<_, OAuthClientRecord>(sqlx::AssertSqlSafe(format!(
        "SELECT {CLIENT_COLUMNS} FROM oauth_clients WHERE client_id = $1"
    )))
    .bind(client_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

pub async fn list_oauth_clients(
    conn: &mut AnyConnection,
    org_id: &str,
) -> Result<Vec<OAuthClientRecord>, StoreError> {
    Ok(
        sqlx::query_as::<_, OAuthClientRecord>(sqlx::AssertSqlSafe(format!(
            "SELECT {CLIENT_COLUMNS} FROM oauth_clients WHERE org_id = $1 ORDER BY created_at DESC, client_id"
        )))
        .bind(org_id)
        .fetch_all(conn)
        .await?,
    )
}

/// Revokes a client of `org_id` and deletes its access tokens; another organisation's client is
/// not found.
pub async fn revoke_oauth_client(
    conn: &mut AnyConnection,
    org_id: &str,
    client_id: &str,
    at: i64,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE oauth_clients SET revoked_at = $3 WHERE client_id = $1 AND org_id = $2 AND revoked_at IS NULL",
    )
    .bind(client_id)
    .bind(org_id)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query("DELETE FROM oauth_tokens WHERE client_id = $1")
        .bind(client_id)
        .execute(conn)
        .await?;
    Ok(())
}

row! {
    /// An access token of the client-credentials grant (stored as its SHA-256).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct OAuthTokenRecord {
        pub token_hash: String,
        pub client_id: String,
        pub org_id: String,
        pub role: String,
        pub created_at: i64,
        pub expires_at: i64,
    }
}

pub async fn insert_oauth_token(
    conn: &mut AnyConnection,
    token: &OAuthTokenRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO oauth_tokens (token_hash, client_id, org_id, role, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&token.token_hash)
    .bind(&token.client_id)
    .bind(&token.org_id)
    .bind(&token.role)
    .bind(token.created_at)
    .bind(token.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The unexpired token hashing to `token_hash` whose client is not revoked.
pub async fn find_active_oauth_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> Result<OAuthTokenRecord, StoreError> {
    sqlx::query_as::<_, OAuthTokenRecord>(
        "SELECT t.token_hash AS token_hash, t.client_id AS client_id, t.org_id AS org_id, \
         t.role AS role, t.created_at AS created_at, t.expires_at AS expires_at \
         FROM oauth_tokens t JOIN oauth_clients c ON c.client_id = t.client_id \
         WHERE t.token_hash = $1 AND t.expires_at > $2 AND c.revoked_at IS NULL",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// Deletes a client's expired tokens (housekeeping when it gets a new one).
pub async fn delete_expired_oauth_tokens(
    conn: &mut AnyConnection,
    client_id: &str,
    now: i64,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM oauth_tokens WHERE client_id = $1 AND expires_at <= $2")
        .bind(client_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

//! Issuer signing keys: public key, sealed secret (encrypted with the master key), active or
//! retired. Retired keys stay (their public half is still published) but never sign again.

use sqlx::AnyConnection;

use crate::StoreError;

/// The key signs new credentials.
pub const STATE_ACTIVE: &str = "active";
/// The key no longer signs; it stays in the DID document so old credentials verify.
pub const STATE_RETIRED: &str = "retired";

row! {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct SigningKeyRecord {
        pub id: String,
        pub org_id: String,
        /// The DID URL fragment (`key-1`): the verification method is `{did}#{fragment}`.
        pub fragment: String,
        pub public_key_multibase: String,
        pub sealed_secret: Vec<u8>,
        /// Which master key sealed the secret (a short fingerprint).
        pub master_key_id: String,
        pub state: String,
        pub created_at: i64,
        pub retired_at: Option<i64>,
    }
}

const COLUMNS: &str = "id, org_id, fragment, public_key_multibase, sealed_secret, master_key_id, state, created_at, retired_at";

pub async fn insert(conn: &mut AnyConnection, key: &SigningKeyRecord) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO signing_keys (id, org_id, fragment, public_key_multibase, sealed_secret, \
         master_key_id, state, created_at, retired_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&key.id)
    .bind(&key.org_id)
    .bind(&key.fragment)
    .bind(&key.public_key_multibase)
    .bind(&key.sealed_secret)
    .bind(&key.master_key_id)
    .bind(&key.state)
    .bind(key.created_at)
    .bind(key.retired_at)
    .execute(conn)
    .await
    .map_err(|error| StoreError::conflict_on(error, "a key with this fragment exists"))?;
    Ok(())
}

/// Every key of an organisation, oldest first.
pub async fn list_for_org(
    conn: &mut AnyConnection,
    org_id: &str,
) -> Result<Vec<SigningKeyRecord>, StoreError> {
    Ok(
        sqlx::query_as::<_, SigningKeyRecord>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM signing_keys WHERE org_id = $1 ORDER BY created_at, fragment"
        )))
        .bind(org_id)
        .fetch_all(conn)
        .await?,
    )
}

/// The organisation's active key.
pub async fn active_for_org(
    conn: &mut AnyConnection,
    org_id: &str,
) -> Result<SigningKeyRecord, StoreError> {
    sqlx::query_as::<_, SigningKeyRecord>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM signing_keys WHERE org_id = $1 AND state = 'active' \
         ORDER BY created_at DESC LIMIT 1"
    )))
    .bind(org_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// Whether the key `key_id` is still the active one (not retired).
pub async fn is_active(conn: &mut AnyConnection, key_id: &str) -> Result<bool, StoreError> {
    let state: Option<(String,)> = sqlx::query_as("SELECT state FROM signing_keys WHERE id = $1")
        .bind(key_id)
        .fetch_optional(conn)
        .await?;
    Ok(state.is_some_and(|(state,)| state == "active"))
}

/// Marks every active key of the organisation retired.
pub async fn retire_active(
    conn: &mut AnyConnection,
    org_id: &str,
    at: i64,
) -> Result<u64, StoreError> {
    Ok(sqlx::query(
        "UPDATE signing_keys SET state = 'retired', retired_at = $2 WHERE org_id = $1 AND state = 'active'",
    )
    .bind(org_id)
    .bind(at)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Every key in the database (for master-key rotation).
pub async fn list_all(conn: &mut AnyConnection) -> Result<Vec<SigningKeyRecord>, StoreError> {
    Ok(
        sqlx::query_as::<_, SigningKeyRecord>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM signing_keys ORDER BY created_at, id"
        )))
        .fetch_all(conn)
        .await?,
    )
}

/// Replaces a key's sealed secret (master-key rotation).
pub async fn reseal(
    conn: &mut AnyConnection,
    id: &str,
    sealed_secret: &[u8],
    master_key_id: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE signing_keys SET sealed_secret = $2, master_key_id = $3 WHERE id = $1")
        .bind(id)
        .bind(sealed_secret)
        .bind(master_key_id)
        .execute(conn)
        .await?;
    Ok(())
}

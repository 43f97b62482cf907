//! Earners (people who receive credentials): their accounts, proven email addresses, wallet
//! sessions and the single-use links mailed to them, and the deletion of all of it. Addresses
//! are stored normalised (the use case trims and lower-cases them); secrets only as SHA-256.

use sqlx::AnyConnection;

use crate::StoreError;

row! {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct EarnerRecord {
        pub id: String,
        pub created_at: i64,
    }
}

row! {
    /// An address an earner has proven (one wallet per address).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct EarnerEmailRecord {
        pub email: String,
        pub earner_id: String,
        pub verified_at: i64,
    }
}

row! {
    /// A wallet session: the cookie's token is stored only as its SHA-256.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct EarnerSessionRecord {
        pub token_hash: String,
        pub earner_id: String,
        /// The synchronizer token every wallet form must carry.
        pub csrf_token: String,
        pub created_at: i64,
        /// The idle expiry, moved forward while the session is used.
        pub expires_at: i64,
    }
}

row! {
    /// A single-use link mailed to an earner: `claim` (sent with an award, names the credential),
    /// `signin` (asked for on the sign-in page) or `add-email` (bound to the wallet that asked).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct WalletTokenRecord {
        pub token_hash: String,
        pub purpose: String,
        pub email: String,
        pub earner_id: Option<String>,
        pub credential_id: Option<String>,
        pub created_at: i64,
        pub expires_at: i64,
        pub used_at: Option<i64>,
    }
}

pub async fn insert_earner(
    conn: &mut AnyConnection,
    earner: &EarnerRecord,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO earners (id, created_at) VALUES ($1, $2)")
        .bind(&earner.id)
        .bind(earner.created_at)
        .execute(conn)
        .await
        .map_err(|error| StoreError::conflict_on(error, "an earner with this id exists"))?;
    Ok(())
}

pub async fn get_earner(conn: &mut AnyConnection, id: &str) -> Result<EarnerRecord, StoreError> {
    sqlx::query_as::<_, EarnerRecord>("SELECT id, created_at FROM earners WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Adds a proven address; a conflict when any wallet (this one included) already has it.
pub async fn insert_email(
    conn: &mut AnyConnection,
    email: &EarnerEmailRecord,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO earner_emails (email, earner_id, verified_at) VALUES ($1, $2, $3)")
        .bind(&email.email)
        .bind(&email.earner_id)
        .bind(email.verified_at)
        .execute(conn)
        .await
        .map_err(|error| StoreError::conflict_on(error, "this address belongs to a wallet"))?;
    Ok(())
}

/// The wallet that proved `email`.
pub async fn email_owner(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<EarnerEmailRecord, StoreError> {
    sqlx::query_as::<_, EarnerEmailRecord>(
        "SELECT email, earner_id, verified_at FROM earner_emails WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// An earner's proven addresses, in the order they were proven.
pub async fn emails_of_earner(
    conn: &mut AnyConnection,
    earner_id: &str,
) -> Result<Vec<EarnerEmailRecord>, StoreError> {
    Ok(sqlx::query_as::<_, EarnerEmailRecord>(
        "SELECT email, earner_id, verified_at FROM earner_emails WHERE earner_id = $1 \
         ORDER BY verified_at, email",
    )
    .bind(earner_id)
    .fetch_all(conn)
    .await?)
}

pub async fn insert_session(
    conn: &mut AnyConnection,
    session: &EarnerSessionRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO earner_sessions (token_hash, earner_id, csrf_token, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&session.token_hash)
    .bind(&session.earner_id)
    .bind(&session.csrf_token)
    .bind(session.created_at)
    .bind(session.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get_session(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<EarnerSessionRecord, StoreError> {
    sqlx::query_as::<_, EarnerSessionRecord>(
        "SELECT token_hash, earner_id, csrf_token, created_at, expires_at FROM earner_sessions \
         WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// Moves a session's idle expiry.
pub async fn touch_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    expires_at: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE earner_sessions SET expires_at = $2 WHERE token_hash = $1")
        .bind(token_hash)
        .bind(expires_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends one session (ending an unknown one is not an error).
pub async fn delete_session(conn: &mut AnyConnection, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM earner_sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes sessions whose idle expiry has passed.
pub async fn delete_expired_sessions(
    conn: &mut AnyConnection,
    now: i64,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM earner_sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

const TOKEN_COLUMNS: &str =
    "token_hash, purpose, email, earner_id, credential_id, created_at, expires_at, used_at";

pub async fn insert_token(
    conn: &mut AnyConnection,
    token: &WalletTokenRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO wallet_tokens (token_hash, purpose, email, earner_id, credential_id, \
         created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&token.token_hash)
    .bind(&token.purpose)
    .bind(&token.email)
    .bind(&token.earner_id)
    .bind(&token.credential_id)
    .bind(token.created_at)
    .bind(token.expires_at)
    .bind(token.used_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A token that is unused and not expired at `now` (any purpose: the caller checks it).
pub async fn get_usable_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> Result<WalletTokenRecord, StoreError> {
    sqlx::query_as::<_, WalletTokenRecord>(sqlx::AssertSqlSafe(format!(
        "SELECT {TOKEN_COLUMNS} FROM wallet_tokens WHERE token_hash = $1 \
         AND used_at IS NULL AND expires_at > $2"
    )))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// Marks a token used, atomically: only one caller ever succeeds; a used, expired or unknown
/// token is not found.
pub async fn consume_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> Result<WalletTokenRecord, StoreError> {
    let token = get_usable_token(conn, token_hash, now).await?;
    let done = sqlx::query(
        "UPDATE wallet_tokens SET used_at = $2 WHERE token_hash = $1 \
         AND used_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(token)
}

/// Deletes tokens that expired before `before` (housekeeping; used ones included).
pub async fn delete_expired_tokens(
    conn: &mut AnyConnection,
    before: i64,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM wallet_tokens WHERE expires_at <= $1")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Whether any credential was issued to `email` (normalised).
pub async fn has_credentials_for_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<bool, StoreError> {
    let found: Option<(String,)> =
        sqlx::query_as("SELECT id FROM credentials WHERE recipient_email = $1 LIMIT 1")
            .bind(email)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

/// Deletes an earner and everything of theirs: collections, wallet items (the issuers'
/// credentials stay), links mailed to their addresses or bound to them, sessions, addresses
/// and the account. Returns whether the earner existed.
pub async fn delete_earner(conn: &mut AnyConnection, earner_id: &str) -> Result<bool, StoreError> {
    let statements = [
        "DELETE FROM wallet_collection_items WHERE collection_id IN \
         (SELECT id FROM wallet_collections WHERE earner_id = $1)",
        "DELETE FROM wallet_collection_items WHERE item_id IN \
         (SELECT id FROM wallet_items WHERE earner_id = $1)",
        "DELETE FROM wallet_collections WHERE earner_id = $1",
        "DELETE FROM wallet_items WHERE earner_id = $1",
        "DELETE FROM wallet_tokens WHERE earner_id = $1 OR email IN \
         (SELECT email FROM earner_emails WHERE earner_id = $1)",
        "DELETE FROM earner_sessions WHERE earner_id = $1",
        "DELETE FROM earner_emails WHERE earner_id = $1",
    ];
    for statement in statements {
        sqlx::query(statement)
            .bind(earner_id)
            .execute(&mut *conn)
            .await?;
    }
    let done = sqlx::query("DELETE FROM earners WHERE id = $1")
        .bind(earner_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

//! OpenID4VCI: credential offers (pre-authorized codes and their access tokens, stored hashed),
//! used `c_nonce` values, and the wallet copies of awards. Single use is enforced here by
//! conditional updates and primary keys, so it holds under concurrency on both backends.

use sqlx::AnyConnection;

use crate::StoreError;

row! {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct OfferRecord {
        /// SHA-256 (hex) of the pre-authorized code.
        pub code_hash: String,
        pub org_id: String,
        /// The public id of the credential offered.
        pub award_id: String,
        pub created_at: i64,
        pub expires_at: i64,
        /// When the code was exchanged for an access token.
        pub redeemed_at: Option<i64>,
        /// SHA-256 (hex) of the access token.
        pub token_hash: Option<String>,
        pub token_expires_at: Option<i64>,
        /// The credential issued with the token (then the token is spent).
        pub wallet_copy_id: Option<String>,
    }
}

row! {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct WalletCopyRecord {
        /// The public id of the copy (a credential of its own).
        pub credential_id: String,
        /// The public id of the award it copies.
        pub award_id: String,
        pub holder_did: String,
        pub created_at: i64,
    }
}

const OFFER_COLUMNS: &str = "code_hash, org_id, award_id, created_at, expires_at, redeemed_at, \
    token_hash, token_expires_at, wallet_copy_id";

pub async fn insert_offer(conn: &mut AnyConnection, offer: &OfferRecord) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO oid4vci_offers (code_hash, org_id, award_id, created_at, expires_at, \
         redeemed_at, token_hash, token_expires_at, wallet_copy_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&offer.code_hash)
    .bind(&offer.org_id)
    .bind(&offer.award_id)
    .bind(offer.created_at)
    .bind(offer.expires_at)
    .bind(offer.redeemed_at)
    .bind(&offer.token_hash)
    .bind(offer.token_expires_at)
    .bind(&offer.wallet_copy_id)
    .execute(conn)
    .await
    .map_err(|error| StoreError::conflict_on(error, "an offer with this code exists"))?;
    Ok(())
}

/// The offer whose pre-authorized code hashes to `code_hash`, in one organisation.
pub async fn offer_by_code(
    conn: &mut AnyConnection,
    org_id: &str,
    code_hash: &str,
) -> Result<Option<OfferRecord>, StoreError> {
    Ok(
        sqlx::query_as::<_, OfferRecord>(sqlx::AssertSqlSafe(format!(
            "SELECT {OFFER_COLUMNS} FROM oid4vci_offers WHERE code_hash = $1 AND org_id = $2"
        )))
        .bind(code_hash)
        .bind(org_id)
        .fetch_optional(conn)
        .await?,
    )
}

/// The offer whose access token hashes to `token_hash`, in one organisation.
pub async fn offer_by_token(
    conn: &mut AnyConnection,
    org_id: &str,
    token_hash: &str,
) -> Result<Option<OfferRecord>, StoreError> {
    Ok(
        sqlx::query_as::<_, OfferRecord>(sqlx::AssertSqlSafe(format!(
            "SELECT {OFFER_COLUMNS} FROM oid4vci_offers WHERE token_hash = $1 AND org_id = $2"
        )))
        .bind(token_hash)
        .bind(org_id)
        .fetch_optional(conn)
        .await?,
    )
}

/// Exchanges a pre-authorized code for an access token: succeeds once, and only while the code
/// has not expired at `now`. `false` when the code is unknown, used or expired.
pub async fn redeem_offer(
    conn: &mut AnyConnection,
    org_id: &str,
    code_hash: &str,
    now: i64,
    token_hash: &str,
    token_expires_at: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE oid4vci_offers SET redeemed_at = $3, token_hash = $4, token_expires_at = $5 \
         WHERE code_hash = $1 AND org_id = $2 AND redeemed_at IS NULL AND expires_at >= $3",
    )
    .bind(code_hash)
    .bind(org_id)
    .bind(now)
    .bind(token_hash)
    .bind(token_expires_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes the access token a pre-authorized code was exchanged for, unless it has been spent
/// (a code presented twice: one of the two presenters is not the wallet it was meant for).
/// `true` when a live token was revoked.
pub async fn revoke_token_of_code(
    conn: &mut AnyConnection,
    org_id: &str,
    code_hash: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE oid4vci_offers SET token_expires_at = 0 WHERE code_hash = $1 AND org_id = $2 \
         AND redeemed_at IS NOT NULL AND wallet_copy_id IS NULL AND token_expires_at > 0",
    )
    .bind(code_hash)
    .bind(org_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Spends an access token on the credential `wallet_copy_id`: succeeds once.
pub async fn spend_token(
    conn: &mut AnyConnection,
    code_hash: &str,
    wallet_copy_id: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE oid4vci_offers SET wallet_copy_id = $2 WHERE code_hash = $1 AND wallet_copy_id IS NULL",
    )
    .bind(code_hash)
    .bind(wallet_copy_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes offers whose code expired before `before` without ever being redeemed.
pub async fn delete_unredeemed_before(
    conn: &mut AnyConnection,
    before: i64,
) -> Result<u64, StoreError> {
    let done =
        sqlx::query("DELETE FROM oid4vci_offers WHERE redeemed_at IS NULL AND expires_at < $1")
            .bind(before)
            .execute(conn)
            .await?;
    Ok(done.rows_affected())
}

/// Records that a nonce was used; `false` when it already was (a replay).
pub async fn use_nonce(
    conn: &mut AnyConnection,
    nonce_hash: &str,
    expires_at: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO oid4vci_used_nonces (nonce_hash, expires_at) VALUES ($1, $2) \
         ON CONFLICT (nonce_hash) DO NOTHING",
    )
    .bind(nonce_hash)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Forgets used nonces that have expired (they can no longer be replayed anyway).
pub async fn forget_expired_nonces(conn: &mut AnyConnection, now: i64) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM oid4vci_used_nonces WHERE expires_at < $1")
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

pub async fn insert_wallet_copy(
    conn: &mut AnyConnection,
    copy: &WalletCopyRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO wallet_copies (credential_id, award_id, holder_did, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&copy.credential_id)
    .bind(&copy.award_id)
    .bind(&copy.holder_did)
    .bind(copy.created_at)
    .execute(conn)
    .await
    .map_err(|error| StoreError::conflict_on(error, "this wallet copy exists"))?;
    Ok(())
}

/// The wallet copies of an award, oldest first.
pub async fn wallet_copies_of(
    conn: &mut AnyConnection,
    award_id: &str,
) -> Result<Vec<WalletCopyRecord>, StoreError> {
    Ok(sqlx::query_as::<_, WalletCopyRecord>(
        "SELECT credential_id, award_id, holder_did, created_at FROM wallet_copies \
         WHERE award_id = $1 ORDER BY created_at, credential_id",
    )
    .bind(award_id)
    .fetch_all(conn)
    .await?)
}

/// The award a credential is a wallet copy of, if it is one.
pub async fn award_of_copy(
    conn: &mut AnyConnection,
    credential_id: &str,
) -> Result<Option<String>, StoreError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT award_id FROM wallet_copies WHERE credential_id = $1")
            .bind(credential_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(award,)| award))
}

/// Takes the row locks of the status lists a credential's entries are in (PostgreSQL; SQLite
/// has one writer anyway), the same locks a status change of that credential takes first: an
/// issuance that starts with this and then reads the credential's status cannot interleave
/// with a revocation of it.
pub async fn lock_status_lists_of(
    conn: &mut AnyConnection,
    credential_id: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE status_lists SET version = version WHERE id IN \
         (SELECT list_id FROM status_entries WHERE credential_id = $1)",
    )
    .bind(credential_id)
    .execute(conn)
    .await?;
    Ok(())
}

//! Wallets: the items an earner keeps (credentials of this server, and imported ones with their
//! bytes as received), whether each is shown publicly, and collections of items with their own
//! public address.

use sqlx::AnyConnection;

use crate::StoreError;

/// `source` of a credential issued by this server (its bytes stay in `credentials`).
pub const SOURCE_ISSUED: &str = "issued";
/// `source` of a credential imported from elsewhere (its bytes are in `payload`).
pub const SOURCE_IMPORTED: &str = "imported";

row! {
    /// One thing a wallet holds.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct WalletItemRecord {
        pub id: String,
        pub earner_id: String,
        /// [`SOURCE_ISSUED`] or [`SOURCE_IMPORTED`].
        pub source: String,
        /// The public id of an issued credential (`/c/{id}`).
        pub credential_id: Option<String>,
        /// `ob3-json` (a VC JSON-LD credential), `vc11-json`, `vc-jwt`, `vc-jose`, `ob2-json`,
        /// `ob2-jws` (the app names them).
        pub format: String,
        /// The bytes of an imported credential, as received.
        pub payload: Option<Vec<u8>>,
        /// `sha256:` + hex SHA-256 of the canonical credential (the app computes it): one copy per
        /// wallet.
        pub dedupe_key: String,
        /// 1 when the earner hid it from the public.
        pub hidden: i64,
        pub added_at: i64,
    }
}

row! {
    /// A named set of items with a public page.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct CollectionRecord {
        /// 128 random bits: the public address `/collections/{id}`.
        pub id: String,
        pub earner_id: String,
        pub name: String,
        pub created_at: i64,
    }
}

const ITEM_COLUMNS: &str =
    "id, earner_id, source, credential_id, format, payload, dedupe_key, hidden, added_at";

/// Adds an item unless the wallet already holds one with the same dedupe key; returns whether
/// it was added.
pub async fn insert_item(
    conn: &mut AnyConnection,
    item: &WalletItemRecord,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO wallet_items (id, earner_id, source, credential_id, format, payload, \
         dedupe_key, hidden, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (earner_id, dedupe_key) DO NOTHING",
    )
    .bind(&item.id)
    .bind(&item.earner_id)
    .bind(&item.source)
    .bind(&item.credential_id)
    .bind(&item.format)
    .bind(&item.payload)
    .bind(&item.dedupe_key)
    .bind(item.hidden)
    .bind(item.added_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Credentials issued to one of the earner's proven addresses that the wallet does not hold
/// yet: `(public id, signed JSON)`.
pub async fn unsynced_credentials(
    conn: &mut AnyConnection,
    earner_id: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(sqlx::query_as::<_, (String, String)>(
        "SELECT c.id, c.json FROM credentials c \
         JOIN earner_emails e ON e.email = c.recipient_email \
         WHERE e.earner_id = $1 AND NOT EXISTS \
         (SELECT 1 FROM wallet_items w WHERE w.earner_id = $1 AND w.credential_id = c.id) \
         ORDER BY c.issued_at, c.id",
    )
    .bind(earner_id)
    .fetch_all(conn)
    .await?)
}

/// How many credentials [`unsynced_credentials`] would return (a cheap check before writing).
pub async fn count_unsynced(conn: &mut AnyConnection, earner_id: &str) -> Result<i64, StoreError> {
    let (count,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM credentials c \
         JOIN earner_emails e ON e.email = c.recipient_email \
         WHERE e.earner_id = $1 AND NOT EXISTS \
         (SELECT 1 FROM wallet_items w WHERE w.earner_id = $1 AND w.credential_id = c.id)",
    )
    .bind(earner_id)
    .fetch_one(conn)
    .await?;
    Ok(count)
}

/// Every item of a wallet, newest first.
pub async fn items_of_earner(
    conn: &mut AnyConnection,
    earner_id: &str,
) -> Result<Vec<WalletItemRecord>, StoreError> {
    Ok(
        sqlx::query_as::<_, WalletItemRecord>(sqlx::AssertSqlSafe(format!(
            "SELECT {ITEM_COLUMNS} FROM wallet_items WHERE earner_id = $1 \
             ORDER BY added_at DESC, id DESC"
        )))
        .bind(earner_id)
        .fetch_all(conn)
        .await?,
    )
}

/// The wallet's item with `dedupe_key`, if it holds one.
pub async fn item_by_dedupe_key(
    conn: &mut AnyConnection,
    earner_id: &str,
    dedupe_key: &str,
) -> Result<Option<WalletItemRecord>, StoreError> {
    Ok(
        sqlx::query_as::<_, WalletItemRecord>(sqlx::AssertSqlSafe(format!(
            "SELECT {ITEM_COLUMNS} FROM wallet_items WHERE earner_id = $1 AND dedupe_key = $2"
        )))
        .bind(earner_id)
        .bind(dedupe_key)
        .fetch_optional(conn)
        .await?,
    )
}

/// How many items of `source` a wallet holds.
pub async fn count_items(
    conn: &mut AnyConnection,
    earner_id: &str,
    source: &str,
) -> Result<i64, StoreError> {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM wallet_items WHERE earner_id = $1 AND source = $2")
            .bind(earner_id)
            .bind(source)
            .fetch_one(conn)
            .await?;
    Ok(count)
}

/// Turns an imported item into the issued credential `credential_id` with the same dedupe key
/// (the credential is this server's, and now sent to one of the earner's addresses): the item
/// keeps its id, visibility and collections; its payload is dropped (the issuer's record holds
/// the bytes).
pub async fn adopt_as_issued(
    conn: &mut AnyConnection,
    earner_id: &str,
    item_id: &str,
    credential_id: &str,
    format: &str,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE wallet_items SET source = $3, credential_id = $4, format = $5, payload = NULL \
         WHERE earner_id = $1 AND id = $2 AND source = $6",
    )
    .bind(earner_id)
    .bind(item_id)
    .bind(SOURCE_ISSUED)
    .bind(credential_id)
    .bind(format)
    .bind(SOURCE_IMPORTED)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Deletes one of the earner's items and takes it out of every collection (another wallet's
/// item is not found).
pub async fn delete_item(
    conn: &mut AnyConnection,
    earner_id: &str,
    item_id: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM wallet_collection_items WHERE item_id IN \
         (SELECT id FROM wallet_items WHERE earner_id = $1 AND id = $2)",
    )
    .bind(earner_id)
    .bind(item_id)
    .execute(&mut *conn)
    .await?;
    let done = sqlx::query("DELETE FROM wallet_items WHERE earner_id = $1 AND id = $2")
        .bind(earner_id)
        .bind(item_id)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// One item of a wallet (another wallet's item is not found).
pub async fn get_item(
    conn: &mut AnyConnection,
    earner_id: &str,
    item_id: &str,
) -> Result<WalletItemRecord, StoreError> {
    sqlx::query_as::<_, WalletItemRecord>(sqlx::AssertSqlSafe(format!(
        "SELECT {ITEM_COLUMNS} FROM wallet_items WHERE earner_id = $1 AND id = $2"
    )))
    .bind(earner_id)
    .bind(item_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// Hides an item from the public, or shows it again.
pub async fn set_hidden(
    conn: &mut AnyConnection,
    earner_id: &str,
    item_id: &str,
    hidden: bool,
) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE wallet_items SET hidden = $3 WHERE earner_id = $1 AND id = $2")
        .bind(earner_id)
        .bind(item_id)
        .bind(i64::from(hidden))
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The earner who hid the issued credential `credential_id`, if one did.
pub async fn hidden_by(
    conn: &mut AnyConnection,
    credential_id: &str,
) -> Result<Option<String>, StoreError> {
    let found: Option<(String,)> = sqlx::query_as(
        "SELECT earner_id FROM wallet_items WHERE credential_id = $1 AND hidden = 1 \
         ORDER BY earner_id LIMIT 1",
    )
    .bind(credential_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.map(|(earner_id,)| earner_id))
}

pub async fn insert_collection(
    conn: &mut AnyConnection,
    collection: &CollectionRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO wallet_collections (id, earner_id, name, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&collection.id)
    .bind(&collection.earner_id)
    .bind(&collection.name)
    .bind(collection.created_at)
    .execute(conn)
    .await
    .map_err(|error| StoreError::conflict_on(error, "a collection with this id exists"))?;
    Ok(())
}

/// A collection by its public id, whoever owns it.
pub async fn get_collection(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<CollectionRecord, StoreError> {
    sqlx::query_as::<_, CollectionRecord>(
        "SELECT id, earner_id, name, created_at FROM wallet_collections WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// An earner's collections, oldest first.
pub async fn collections_of_earner(
    conn: &mut AnyConnection,
    earner_id: &str,
) -> Result<Vec<CollectionRecord>, StoreError> {
    Ok(sqlx::query_as::<_, CollectionRecord>(
        "SELECT id, earner_id, name, created_at FROM wallet_collections WHERE earner_id = $1 \
         ORDER BY created_at, id",
    )
    .bind(earner_id)
    .fetch_all(conn)
    .await?)
}

/// Renames one of the earner's collections.
pub async fn rename_collection(
    conn: &mut AnyConnection,
    earner_id: &str,
    id: &str,
    name: &str,
) -> Result<(), StoreError> {
    let done =
        sqlx::query("UPDATE wallet_collections SET name = $3 WHERE earner_id = $1 AND id = $2")
            .bind(earner_id)
            .bind(id)
            .bind(name)
            .execute(conn)
            .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Deletes one of the earner's collections (its items stay in the wallet).
pub async fn delete_collection(
    conn: &mut AnyConnection,
    earner_id: &str,
    id: &str,
) -> Result<(), StoreError> {
    let owned = sqlx::query_as::<_, (String,)>(
        "SELECT id FROM wallet_collections WHERE earner_id = $1 AND id = $2",
    )
    .bind(earner_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    if owned.is_none() {
        return Err(StoreError::NotFound);
    }
    sqlx::query("DELETE FROM wallet_collection_items WHERE collection_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM wallet_collections WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the items of a collection with `item_ids`, in that order (the caller checks that
/// the collection and the items are the earner's).
pub async fn set_collection_items(
    conn: &mut AnyConnection,
    collection_id: &str,
    item_ids: &[String],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM wallet_collection_items WHERE collection_id = $1")
        .bind(collection_id)
        .execute(&mut *conn)
        .await?;
    for (position, item_id) in item_ids.iter().enumerate() {
        sqlx::query(
            "INSERT INTO wallet_collection_items (collection_id, item_id, position) \
             VALUES ($1, $2, $3)",
        )
        .bind(collection_id)
        .bind(item_id)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .execute(&mut *conn)
        .await
        .map_err(|error| StoreError::conflict_on(error, "an item is in the collection twice"))?;
    }
    Ok(())
}

/// The items of a collection, in its order, hidden ones included (the caller filters).
pub async fn collection_items(
    conn: &mut AnyConnection,
    collection_id: &str,
) -> Result<Vec<WalletItemRecord>, StoreError> {
    Ok(sqlx::query_as::<_, WalletItemRecord>(
        "SELECT w.id, w.earner_id, w.source, w.credential_id, w.format, w.payload, w.dedupe_key, \
         w.hidden, w.added_at FROM wallet_collection_items ci \
         JOIN wallet_collections c ON c.id = ci.collection_id \
         JOIN wallet_items w ON w.id = ci.item_id AND w.earner_id = c.earner_id \
         WHERE ci.collection_id = $1 ORDER BY ci.position, w.id",
    )
    .bind(collection_id)
    .fetch_all(conn)
    .await?)
}

//! Bitstring Status Lists: lists per organisation and purpose, one row per used index (the
//! primary key `(list_id, idx)` is what guarantees that no two credentials share an index), and
//! the signed list credential as last published.

use sqlx::AnyConnection;

use crate::StoreError;

row! {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct StatusListRecord {
        pub id: String,
        pub org_id: String,
        /// `revocation` or `suspension`.
        pub purpose: String,
        /// Number of entries (bits).
        pub size: i64,
        /// Number of indices handed out.
        pub used: i64,
        /// Bumped on every status change; the published copy is current when versions match.
        pub version: i64,
        pub published_json: Option<String>,
        pub published_version: i64,
        pub published_at: Option<i64>,
        pub created_at: i64,
    }
}

row! {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct StatusEntryRecord {
        pub list_id: String,
        pub idx: i64,
        pub credential_id: String,
        pub purpose: String,
        pub is_set: i64,
        pub reason: Option<String>,
        pub changed_at: Option<i64>,
    }
}

const LIST_COLUMNS: &str = "id, org_id, purpose, size, used, version, published_json, published_version, published_at, created_at";
const ENTRY_COLUMNS: &str = "list_id, idx, credential_id, purpose, is_set, reason, changed_at";

pub async fn insert_list(
    conn: &mut AnyConnection,
    list: &StatusListRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO status_lists (id, org_id, purpose, size, used, version, published_json, \
         published_version, published_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&list.id)
    .bind(&list.org_id)
    .bind(&list.purpose)
    .bind(list.size)
    .bind(list.used)
    .bind(list.version)
    .bind(&list.published_json)
    .bind(list.published_version)
    .bind(list.published_at)
    .bind(list.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get_list(conn: &mut AnyConnection, id: &str) -> Result<StatusListRecord, StoreError> {
    sqlx::query_as::<_, StatusListRecord>(sqlx::AssertSqlSafe(format!(
        "SELECT {LIST_COLUMNS} FROM status_lists WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// The organisation's newest list for `purpose` that still has room below `max_used`.
pub async fn open_list(
    conn: &mut AnyConnection,
    org_id: &str,
    purpose: &str,
    max_used: i64,
) -> Result<Option<StatusListRecord>, StoreError> {
    Ok(sqlx::query_as::<_, StatusListRecord>(sqlx::AssertSqlSafe(format!(
        "SELECT {LIST_COLUMNS} FROM status_lists WHERE org_id = $1 AND purpose = $2 AND used < $3 \
         ORDER BY created_at DESC, id DESC LIMIT 1"
    )))
    .bind(org_id)
    .bind(purpose)
    .bind(max_used)
    .fetch_optional(conn)
    .await?)
}

/// Every list of an organisation.
pub async fn lists_for_org(
    conn: &mut AnyConnection,
    org_id: &str,
) -> Result<Vec<StatusListRecord>, StoreError> {
    Ok(
        sqlx::query_as::<_, StatusListRecord>(sqlx::AssertSqlSafe(format!(
            "SELECT {LIST_COLUMNS} FROM status_lists WHERE org_id = $1 ORDER BY created_at, id"
        )))
        .bind(org_id)
        .fetch_all(conn)
        .await?,
    )
}

/// Claims `idx` in `list_id` for a credential. Returns `false` when the index is taken (the
/// caller draws another); never fails on a taken index, so a PostgreSQL transaction stays usable.
pub async fn try_claim_index(
    conn: &mut AnyConnection,
    entry: &StatusEntryRecord,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO status_entries (list_id, idx, credential_id, purpose, is_set, reason, changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (list_id, idx) DO NOTHING",
    )
    .bind(&entry.list_id)
    .bind(entry.idx)
    .bind(&entry.credential_id)
    .bind(&entry.purpose)
    .bind(entry.is_set)
    .bind(&entry.reason)
    .bind(entry.changed_at)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE status_lists SET used = used + 1 WHERE id = $1")
        .bind(&entry.list_id)
        .execute(conn)
        .await?;
    Ok(true)
}

/// Gives back an index claimed by [`try_claim_index`] in the same transaction (when the
/// credential it was claimed for will not be written after all).
pub async fn release_index(
    conn: &mut AnyConnection,
    entry: &StatusEntryRecord,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "DELETE FROM status_entries WHERE list_id = $1 AND idx = $2 AND credential_id = $3",
    )
    .bind(&entry.list_id)
    .bind(entry.idx)
    .bind(&entry.credential_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query("UPDATE status_lists SET used = used - 1 WHERE id = $1")
        .bind(&entry.list_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The status entries of a credential (one per purpose).
pub async fn entries_for_credential(
    conn: &mut AnyConnection,
    credential_id: &str,
) -> Result<Vec<StatusEntryRecord>, StoreError> {
    Ok(
        sqlx::query_as::<_, StatusEntryRecord>(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM status_entries WHERE credential_id = $1 ORDER BY purpose"
        )))
        .bind(credential_id)
        .fetch_all(conn)
        .await?,
    )
}

/// The set indices of a list (to build its bitstring).
pub async fn set_indices(conn: &mut AnyConnection, list_id: &str) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT idx FROM status_entries WHERE list_id = $1 AND is_set = 1")
            .bind(list_id)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(idx,)| idx).collect())
}

/// Sets or clears an entry's bit with a reason, and bumps the list's version (which also takes
/// the list's row lock on PostgreSQL, so concurrent changes to one list serialise).
pub async fn set_entry(
    conn: &mut AnyConnection,
    list_id: &str,
    idx: i64,
    is_set: bool,
    reason: Option<&str>,
    at: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE status_lists SET version = version + 1 WHERE id = $1")
        .bind(list_id)
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query(
        "UPDATE status_entries SET is_set = $3, reason = $4, changed_at = $5 WHERE list_id = $1 AND idx = $2",
    )
    .bind(list_id)
    .bind(idx)
    .bind(i64::from(is_set))
    .bind(reason)
    .bind(at)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Stores a newly signed list credential as the published copy of `version`.
pub async fn store_published(
    conn: &mut AnyConnection,
    list_id: &str,
    json: &str,
    version: i64,
    at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE status_lists SET published_json = $2, published_version = $3, published_at = $4 WHERE id = $1",
    )
    .bind(list_id)
    .bind(json)
    .bind(version)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A credential's status entries (one per purpose), each with the current version of its list:
/// what a public page shows and what its cached verification depends on, in one query.
pub async fn entries_with_list_versions(
    conn: &mut AnyConnection,
    credential_id: &str,
) -> Result<Vec<(StatusEntryRecord, i64)>, StoreError> {
    let rows: Vec<EntryWithVersion> = sqlx::query_as(
        "SELECT e.list_id, e.idx, e.credential_id, e.purpose, e.is_set, e.reason, e.changed_at, \
         l.version FROM status_entries e JOIN status_lists l ON l.id = e.list_id \
         WHERE e.credential_id = $1 ORDER BY e.purpose, e.list_id",
    )
    .bind(credential_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.entry, row.version))
        .collect())
}

/// A status entry with its list's version (one row of a JOIN).
struct EntryWithVersion {
    entry: StatusEntryRecord,
    version: i64,
}

impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for EntryWithVersion {
    fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row as _;
        Ok(Self {
            entry: <StatusEntryRecord as sqlx::FromRow<'r, sqlx::any::AnyRow>>::from_row(row)?,
            version: row.try_get("version")?,
        })
    }
}

//! Organisations (tenants): the issuers of credentials.

use sqlx::AnyConnection;

use crate::StoreError;

/// The organisation signs as `did:web:{host}:{slug}` (the default).
pub const DID_METHOD_WEB: &str = "web";
/// The organisation signs as the `did:key` of its only signing key.
pub const DID_METHOD_KEY: &str = "key";

row! {
    /// One organisation.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct OrgRecord {
        pub id: String,
        pub slug: String,
        pub name: String,
        pub url: Option<String>,
        pub email: Option<String>,
        pub description: Option<String>,
        pub logo_image_id: Option<String>,
        pub linkedin_org_id: Option<String>,
        pub created_at: i64,
        /// The DID method it signs as: [`DID_METHOD_WEB`] or [`DID_METHOD_KEY`].
        pub did_method: String,
        /// For a did:key organisation, the public key (multibase) of its only signing key,
        /// which is its DID; read from `signing_keys`, never written by [`insert`]. `None` for
        /// a did:web organisation (and for a did:key one before its key is inserted).
        pub did_key_multibase: Option<String>,
    }
}

/// The columns of [`OrgRecord`]: a did:key organisation's key is read along (its oldest key,
/// which is its only one: a did:key organisation never rotates).
const COLUMNS: &str = "id, slug, name, url, email, description, logo_image_id, linkedin_org_id, \
     created_at, did_method, \
     CASE WHEN did_method = 'key' THEN (SELECT k.public_key_multibase FROM signing_keys k \
     WHERE k.org_id = orgs.id ORDER BY k.created_at, k.fragment LIMIT 1) END AS did_key_multibase";

pub async fn insert(conn: &mut AnyConnection, org: &OrgRecord) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO orgs (id, slug, name, url, email, description, logo_image_id, linkedin_org_id, \
         created_at, did_method) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&org.id)
    .bind(&org.slug)
    .bind(&org.name)
    .bind(&org.url)
    .bind(&org.email)
    .bind(&org.description)
    .bind(&org.logo_image_id)
    .bind(&org.linkedin_org_id)
    .bind(org.created_at)
    .bind(&org.did_method)
    .execute(conn)
    .await
    .map_err(|error| StoreError::conflict_on(error, "an organisation with this slug exists"))?;
    Ok(())
}

/// Updates the editable profile fields (name, url, email, description, logo, LinkedIn id).
pub async fn update_profile(conn: &mut AnyConnection, org: &OrgRecord) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE orgs SET name = $2, url = $3, email = $4, description = $5, logo_image_id = $6, \
         linkedin_org_id = $7 WHERE id = $1",
    )
    .bind(&org.id)
    .bind(&org.name)
    .bind(&org.url)
    .bind(&org.email)
    .bind(&org.description)
    .bind(&org.logo_image_id)
    .bind(&org.linkedin_org_id)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> Result<OrgRecord, StoreError> {
    sqlx::query_as::<_, OrgRecord>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM orgs WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

pub async fn get_by_slug(conn: &mut AnyConnection, slug: &str) -> Result<OrgRecord, StoreError> {
    sqlx::query_as::<_, OrgRecord>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM orgs WHERE slug = $1"
    )))
    .bind(slug)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

pub async fn list(conn: &mut AnyConnection) -> Result<Vec<OrgRecord>, StoreError> {
    Ok(sqlx::query_as::<_, OrgRecord>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM orgs ORDER BY created_at, id"
    )))
    .fetch_all(conn)
    .await?)
}

/// Takes the organisation's row lock until the transaction ends (PostgreSQL; on SQLite the
/// single writer connection already serialises writers), so checks such as "is this the last
/// owner" and the change they guard cannot interleave with another transaction's.
pub async fn lock(conn: &mut AnyConnection, id: &str) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE orgs SET slug = slug WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Sets or clears the organisation's logo.
pub async fn set_logo(
    conn: &mut AnyConnection,
    id: &str,
    logo_image_id: Option<&str>,
) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE orgs SET logo_image_id = $2 WHERE id = $1")
        .bind(id)
        .bind(logo_image_id)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

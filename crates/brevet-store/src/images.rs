//! Uploaded images (organisation logos, achievement images), served by id.

use sqlx::AnyConnection;

use crate::StoreError;

row! {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ImageRecord {
        pub id: String,
        pub org_id: String,
        pub content_type: String,
        pub bytes: Vec<u8>,
        pub created_at: i64,
    }
}

pub async fn insert(conn: &mut AnyConnection, image: &ImageRecord) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO images (id, org_id, content_type, bytes, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&image.id)
    .bind(&image.org_id)
    .bind(&image.content_type)
    .bind(&image.bytes)
    .bind(image.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> Result<ImageRecord, StoreError> {
    sqlx::query_as::<_, ImageRecord>(
        "SELECT id, org_id, content_type, bytes, created_at FROM images WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// An image of one organisation (another organisation's is not found).
pub async fn get_in_org(
    conn: &mut AnyConnection,
    org_id: &str,
    id: &str,
) -> Result<ImageRecord, StoreError> {
    sqlx::query_as::<_, ImageRecord>(
        "SELECT id, org_id, content_type, bytes, created_at FROM images WHERE id = $1 AND org_id = $2",
    )
    .bind(id)
    .bind(org_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

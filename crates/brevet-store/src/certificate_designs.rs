//! Organisations' certificate designs: the layout and accent colour of their PDF
//! certificates, one row per organisation that chose one (none means the defaults).

use sqlx::AnyConnection;

use crate::StoreError;

row! {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct CertificateDesignRecord {
        pub org_id: String,
        /// `classic`, `modern` or `minimal` (checked by the use case).
        pub layout: String,
        /// `#rrggbb` (checked by the use case).
        pub color: String,
        pub updated_at: i64,
    }
}

/// The organisation's design, if it chose one.
pub async fn get(
    conn: &mut AnyConnection,
    org_id: &str,
) -> Result<Option<CertificateDesignRecord>, StoreError> {
    Ok(sqlx::query_as::<_, CertificateDesignRecord>(
        "SELECT org_id, layout, color, updated_at FROM certificate_designs WHERE org_id = $1",
    )
    .bind(org_id)
    .fetch_optional(conn)
    .await?)
}

/// Stores the organisation's design, replacing the one it had.
pub async fn put(
    conn: &mut AnyConnection,
    design: &CertificateDesignRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO certificate_designs (org_id, layout, color, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (org_id) DO UPDATE SET layout = excluded.layout, color = excluded.color, \
         updated_at = excluded.updated_at",
    )
    .bind(&design.org_id)
    .bind(&design.layout)
    .bind(&design.color)
    .bind(design.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

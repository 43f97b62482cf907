//! The audit log: who did what to which object, when (no secrets, no emails in `detail`).

use sqlx::AnyConnection;

use crate::StoreError;

row! {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct AuditRecord {
        pub id: String,
        pub org_id: Option<String>,
        /// `user:{id}`, `api-key:{id}`, `oauth:{client}`, `cli` or `anonymous`.
        pub actor: String,
        pub action: String,
        pub target: Option<String>,
        pub detail: Option<String>,
        pub at: i64,
    }
}

pub async fn insert(conn: &mut AnyConnection, record: &AuditRecord) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (id, org_id, actor, action, target, detail, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&record.id)
    .bind(&record.org_id)
    .bind(&record.actor)
    .bind(&record.action)
    .bind(&record.target)
    .bind(&record.detail)
    .bind(record.at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The newest entries of an organisation.
pub async fn list_for_org(
    conn: &mut AnyConnection,
    org_id: &str,
    limit: i64,
) -> Result<Vec<AuditRecord>, StoreError> {
    Ok(sqlx::query_as::<_, AuditRecord>(
        "SELECT id, org_id, actor, action, target, detail, at FROM audit_log WHERE org_id = $1 \
         ORDER BY at DESC, id DESC LIMIT $2",
    )
    .bind(org_id)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

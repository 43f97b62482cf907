//! Reading an organisation's issued credentials: one (with its recorded status) or a filtered,
//! paged list. Another organisation's credential is simply not found.

/// A stored credential, as the public views look it up.
pub use brevet_store::credentials::CredentialRecord;
use brevet_store::credentials::{self, CredentialFilter};
use brevet_store::status;
use serde::Serialize;
use serde_json::Value;

use crate::status::CredentialStatusView;
use crate::{App, AppError, Principal};

/// A credential as the JSON API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CredentialView {
    pub id: String,
    pub url: String,
    pub credential_id: String,
    pub achievement_id: Option<String>,
    pub achievement_name: String,
    pub recipient: RecipientView,
    pub issued_at: i64,
    pub valid_from: Option<i64>,
    pub valid_until: Option<i64>,
    pub supersedes: Option<String>,
    pub superseded_by: Option<String>,
    pub status: Vec<CredentialStatusView>,
    /// The signed credential, exactly as issued.
    pub credential: Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecipientView {
    pub name: Option<String>,
    pub email: Option<String>,
    pub did: Option<String>,
}

/// One page of a list.
#[derive(Debug, Clone, Serialize)]
pub struct CredentialPage {
    pub items: Vec<CredentialView>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl App {
    fn view_of(
        &self,
        record: CredentialRecord,
        status: Vec<CredentialStatusView>,
    ) -> Result<CredentialView, AppError> {
        let credential = serde_json::from_str(&record.json)
            .map_err(|error| AppError::Internal(format!("stored credential: {error}")))?;
        Ok(CredentialView {
            url: self.credential_page_url(&record.id),
            id: record.id,
            credential_id: record.credential_uri,
            achievement_id: record.achievement_id,
            achievement_name: record.achievement_name,
            recipient: RecipientView {
                name: record.recipient_name,
                email: record.recipient_email,
                did: record.recipient_did,
            },
            issued_at: record.issued_at,
            valid_from: record.valid_from,
            valid_until: record.valid_until,
            supersedes: record.supersedes,
            superseded_by: record.superseded_by,
            status,
            credential,
        })
    }

    /// One credential of the principal's organisation.
    pub async fn credential_view(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<CredentialView, AppError> {
        let mut conn = self.store().read().await?;
        let record = credentials::get_in_org(&mut conn, &principal.org_id, id).await?;
        let status = self.status_of(&mut conn, &record.id).await?;
        self.view_of(record, status)
    }

    async fn status_of(
        &self,
        conn: &mut brevet_store::AnyConnection,
        id: &str,
    ) -> Result<Vec<CredentialStatusView>, AppError> {
        Ok(status::entries_for_credential(conn, id)
            .await?
            .into_iter()
            .map(|entry| CredentialStatusView {
                purpose: entry.purpose,
                set: entry.is_set != 0,
                reason: entry.reason,
                changed_at: entry.changed_at,
            })
            .collect())
    }

    /// The principal's organisation's credentials, newest first. `cursor` is the
    /// `next_cursor` of the previous page.
    pub async fn list_credentials(
        &self,
        principal: &Principal,
        search: Option<&str>,
        achievement_id: Option<&str>,
        limit: i64,
        cursor: Option<&str>,
    ) -> Result<CredentialPage, AppError> {
        let before = match cursor {
            Some(cursor) => Some(parse_cursor(cursor)?),
            None => None,
        };
        let limit = limit.clamp(1, 200);
        let filter = CredentialFilter {
            search: search
                .map(str::trim)
                .filter(|search| !search.is_empty())
                .map(str::to_owned),
            achievement_id: achievement_id.map(str::to_owned),
            before,
            limit: limit + 1,
        };
        let mut conn = self.store().read().await?;
        let mut records = credentials::list(&mut conn, &principal.org_id, &filter).await?;
        let more = records.len() as i64 > limit;
        records.truncate(usize::try_from(limit).unwrap_or(200));
        let next_cursor = more
            .then(|| {
                records
                    .last()
                    .map(|last| format!("{}.{}", last.issued_at, last.id))
            })
            .flatten();
        let mut items = Vec::with_capacity(records.len());
        for record in records {
            let status = self.status_of(&mut conn, &record.id).await?;
            items.push(self.view_of(record, status)?);
        }
        Ok(CredentialPage { items, next_cursor })
    }
}

fn parse_cursor(cursor: &str) -> Result<(i64, String), AppError> {
    cursor
        .split_once('.')
        .and_then(|(at, id)| Some((at.parse().ok()?, id.to_owned())))
        .ok_or_else(|| AppError::bad_request("INVALID_CURSOR", "cursor is not one this API gave"))
}

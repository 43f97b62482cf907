//! Revocation and suspension with Bitstring Status Lists: each organisation has lists of
//! 131,072 entries per purpose; a credential's index is drawn uniformly at random and claimed
//! through the `(list, index)` primary key, so no two credentials ever share one, even under
//! concurrent awards. Every status change republishes the signed list in the same transaction,
//! so Brevet's own pages and endpoints show it at once. A change to an award changes its wallet
//! copies (credentials issued to wallet apps through OpenID4VCI) the same way.

use brevet_core::proof::Cryptosuite;
use brevet_core::statuslist::{Bitstring, ListValidity, build_status_list_credential};
use brevet_store::orgs::{self, OrgRecord};
use brevet_store::status::{self, StatusEntryRecord, StatusListRecord};
use brevet_store::{AnyConnection, StoreError, credentials, oid4vci};
use serde_json::{Value, json};

use crate::{App, AppError, Principal, clock, ids};

/// Entries per list (the minimum the Bitstring Status List spec allows for herd privacy).
pub const LIST_SIZE: i64 = 131_072;
/// A new list is started once half of the current one is used, so random draws stay cheap.
const MAX_USED: i64 = LIST_SIZE / 2;
/// Attempts at drawing a free index before giving up (each succeeds with probability >= 1/2).
const DRAWS: usize = 64;

/// The purposes Brevet issues entries for.
pub const PURPOSES: [&str; 2] = ["revocation", "suspension"];

/// A status change asked for.
#[derive(Debug, Clone)]
pub struct StatusChange {
    /// The credential's public id or its `id` URI.
    pub credential: String,
    pub purpose: String,
    /// `true` sets the bit (revoked / suspended), `false` clears it (reinstated).
    pub set: bool,
    pub reason: Option<String>,
}

/// A credential's status as Brevet records it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CredentialStatusView {
    pub purpose: String,
    pub set: bool,
    pub reason: Option<String>,
    pub changed_at: Option<i64>,
}

impl App {
    /// The URL a list is served at (and its credential `id`).
    pub fn status_list_url(&self, list_id: &str) -> String {
        format!("{}/status/{list_id}", self.config().base_url)
    }

    /// Draws and claims an index for `credential_id` in an open list of `purpose`, creating a
    /// list when none has room; returns the `BitstringStatusListEntry` to put in the credential.
    pub(crate) async fn allocate_status(
        &self,
        conn: &mut AnyConnection,
        org: &OrgRecord,
        purpose: &str,
        credential_id: &str,
    ) -> Result<Value, AppError> {
        let list = match status::open_list(conn, &org.id, purpose, MAX_USED).await? {
            Some(list) => list,
            None => self.create_list(conn, org, purpose).await?,
        };
        for _ in 0..DRAWS {
            let (entry, json) = self.draw_status_entry(&list, purpose, credential_id)?;
            if status::try_claim_index(conn, &entry).await? {
                return Ok(json);
            }
        }
        Err(AppError::Unavailable(
            "no free status list index found; try again".to_owned(),
        ))
    }

    /// The organisation's list for `purpose` that still has room, if there is one.
    pub(crate) async fn open_status_list(
        &self,
        conn: &mut AnyConnection,
        org_id: &str,
        purpose: &str,
    ) -> Result<Option<StatusListRecord>, AppError> {
        Ok(status::open_list(conn, org_id, purpose, MAX_USED).await?)
    }

    /// A random index of `list` for `credential_id` (not yet claimed): the entry to store and
    /// the `credentialStatus` entry to sign.
    pub(crate) fn draw_status_entry(
        &self,
        list: &StatusListRecord,
        purpose: &str,
        credential_id: &str,
    ) -> Result<(StatusEntryRecord, Value), AppError> {
        let idx = i64::try_from(ids::random_below(LIST_SIZE as u64))
            .map_err(|_| AppError::Internal("index out of range".to_owned()))?;
        let url = self.status_list_url(&list.id);
        let json = json!({
            "id": format!("{url}#{idx}"),
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": idx.to_string(),
            "statusListCredential": url,
        });
        let entry = StatusEntryRecord {
            list_id: list.id.clone(),
            idx,
            credential_id: credential_id.to_owned(),
            purpose: purpose.to_owned(),
            is_set: 0,
            reason: None,
            changed_at: None,
        };
        Ok((entry, json))
    }

    async fn create_list(
        &self,
        conn: &mut AnyConnection,
        org: &OrgRecord,
        purpose: &str,
    ) -> Result<StatusListRecord, AppError> {
        let list = StatusListRecord {
            id: ids::new_id(),
            org_id: org.id.clone(),
            purpose: purpose.to_owned(),
            size: LIST_SIZE,
            used: 0,
            version: 1,
            published_json: None,
            published_version: 0,
            published_at: None,
            created_at: self.now_unix(),
        };
        status::insert_list(conn, &list).await?;
        self.publish_list(conn, &list.id).await?;
        Ok(list)
    }

    /// Signs the list's current bits as a `BitstringStatusListCredential` and stores it as the
    /// published copy; returns the JSON.
    pub(crate) async fn publish_list(
        &self,
        conn: &mut AnyConnection,
        list_id: &str,
    ) -> Result<String, AppError> {
        let list = status::get_list(conn, list_id).await?;
        let org = orgs::get(conn, &list.org_id).await?;
        let size = usize::try_from(list.size)
            .map_err(|_| AppError::Internal("bad list size".to_owned()))?;
        let mut bits = Bitstring::new(size);
        for idx in status::set_indices(conn, list_id).await? {
            let idx = usize::try_from(idx)
                .map_err(|_| AppError::Internal("bad status index".to_owned()))?;
            bits.set(idx, true)
                .map_err(|error| AppError::Internal(error.to_string()))?;
        }
        let now = self.clock().now();
        let url = self.status_list_url(list_id);
        let unsigned = build_status_list_credential(
            &url,
            &json!(self.org_did(&org)?),
            &list.purpose,
            &bits,
            &ListValidity {
                valid_from: Some(clock::stamp(now)),
                valid_until: None,
                ttl_ms: Some(self.config().status_list_ttl_ms),
            },
        );
        let key = self.active_key(conn, &org).await?;
        let signed = brevet_core::issue::sign_credential_with_method(
            &unsigned,
            &key.key_pair,
            &key.verification_method,
            Cryptosuite::EddsaRdfc2022,
            &clock::stamp(now),
            self.linked_data(),
        )
        .map_err(|error| AppError::Internal(format!("signing the status list: {error}")))?;
        let text = serde_json::to_string(&signed)
            .map_err(|error| AppError::Internal(error.to_string()))?;
        status::store_published(conn, list_id, &text, list.version, now.unix_timestamp()).await?;
        Ok(text)
    }

    /// The signed status list credential served at `/status/{list_id}`, byte for byte as
    /// published (republished first if a change has not been published yet).
    pub async fn status_list_json(&self, list_id: &str) -> Result<String, AppError> {
        let mut conn = self.store().read().await?;
        let list = status::get_list(&mut conn, list_id).await?;
        drop(conn);
        match list.published_json {
            Some(json) if list.published_version == list.version => Ok(json),
            _ => {
                let mut tx = self.store().begin().await?;
                let json = self.publish_list(&mut tx, list_id).await?;
                tx.commit().await.map_err(StoreError::from)?;
                Ok(json)
            }
        }
    }

    /// Republishes a list of the principal's organisation (VC-API `…/publish`).
    pub async fn republish_list(
        &self,
        principal: &Principal,
        list_id: &str,
    ) -> Result<(), AppError> {
        principal.require_issuer()?;
        let mut tx = self.store().begin().await?;
        let list = status::get_list(&mut tx, list_id).await?;
        if list.org_id != principal.org_id {
            return Err(AppError::NotFound);
        }
        self.publish_list(&mut tx, list_id).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Sets or clears a credential's revocation or suspension bit, with a reason, and
    /// republishes its list, in one transaction.
    pub async fn set_status(
        &self,
        principal: &Principal,
        change: &StatusChange,
    ) -> Result<Vec<CredentialStatusView>, AppError> {
        principal.require_issuer()?;
        if !PURPOSES.contains(&change.purpose.as_str()) {
            return Err(AppError::invalid(
                "INVALID_STATUS_PURPOSE",
                format!(
                    "statusPurpose must be \"revocation\" or \"suspension\", not {:?}",
                    change.purpose
                ),
            ));
        }
        let reason = change
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|reason| !reason.is_empty());
        if reason.is_some_and(|reason| reason.chars().count() > 500) {
            return Err(AppError::invalid(
                "INVALID_REASON",
                "the reason is longer than 500 characters",
            ));
        }
        let mut tx = self.store().begin().await?;
        let record =
            match credentials::get_in_org(&mut tx, &principal.org_id, &change.credential).await {
                Ok(record) => record,
                Err(StoreError::NotFound) => {
                    credentials::get_by_uri_in_org(&mut tx, &principal.org_id, &change.credential)
                        .await?
                }
                Err(other) => return Err(other.into()),
            };
        self.change_status(&mut tx, &record.id, &change.purpose, change.set, reason)
            .await?;
        let action = match (change.purpose.as_str(), change.set) {
            ("revocation", true) => "credential.revoke",
            ("revocation", false) => "credential.unrevoke",
            (_, true) => "credential.suspend",
            (_, false) => "credential.reinstate",
        };
        self.audit(
            &mut tx,
            Some(&principal.org_id),
            &principal.actor,
            action,
            Some(&record.id),
            reason,
        )
        .await?;
        let views = status_views(status::entries_for_credential(&mut tx, &record.id).await?);
        tx.commit().await.map_err(StoreError::from)?;
        self.events().status_change(&change.purpose, change.set);
        Ok(views)
    }

    /// Changes one status bit of a stored credential, and the same bit of every wallet copy of
    /// it (OpenID4VCI), and republishes the lists touched (inside the caller's transaction).
    pub(crate) async fn change_status(
        &self,
        conn: &mut AnyConnection,
        credential_id: &str,
        purpose: &str,
        set: bool,
        reason: Option<&str>,
    ) -> Result<(), AppError> {
        let mut lists = vec![
            self.set_bit(conn, credential_id, purpose, set, reason)
                .await?,
        ];
        for copy in oid4vci::wallet_copies_of(conn, credential_id).await? {
            let list = self
                .set_bit(conn, &copy.credential_id, purpose, set, reason)
                .await?;
            if !lists.contains(&list) {
                lists.push(list);
            }
        }
        for list in lists {
            self.publish_list(conn, &list).await?;
        }
        Ok(())
    }

    /// Sets or clears one status bit of a credential; returns its list (not yet republished).
    async fn set_bit(
        &self,
        conn: &mut AnyConnection,
        credential_id: &str,
        purpose: &str,
        set: bool,
        reason: Option<&str>,
    ) -> Result<String, AppError> {
        let entries = status::entries_for_credential(conn, credential_id).await?;
        let entry = entries
            .iter()
            .find(|entry| entry.purpose == purpose)
            .ok_or_else(|| {
                AppError::invalid(
                    "NO_STATUS_ENTRY",
                    format!("the credential has no {purpose} status entry"),
                )
            })?;
        status::set_entry(
            conn,
            &entry.list_id,
            entry.idx,
            set,
            reason,
            self.now_unix(),
        )
        .await?;
        Ok(entry.list_id.clone())
    }

    /// A stored credential's recorded status, one entry per purpose.
    pub async fn credential_status(
        &self,
        credential_id: &str,
    ) -> Result<Vec<CredentialStatusView>, AppError> {
        let mut conn = self.store().read().await?;
        Ok(status_views(
            status::entries_for_credential(&mut conn, credential_id).await?,
        ))
    }
}

pub(crate) fn status_views(
    entries: impl IntoIterator<Item = StatusEntryRecord>,
) -> Vec<CredentialStatusView> {
    entries
        .into_iter()
        .map(|entry| CredentialStatusView {
            purpose: entry.purpose,
            set: entry.is_set != 0,
            reason: entry.reason,
            changed_at: entry.changed_at,
        })
        .collect()
}

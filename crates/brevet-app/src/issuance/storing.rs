//! Signing and storing an award: grouped (signed outside any transaction, stored by the
//! group-committing award writer) or, when a status list must be created or an old credential
//! revoked, in one transaction of its own. Either way the claim link mailed to an email recipient
//! is stored with the award.

use brevet_core::issue::sign_credential_with_method;
use brevet_core::proof::Cryptosuite;
use brevet_store::StoreError;
use brevet_store::credentials::{self, CredentialRecord};
use brevet_store::earners::{self, WalletTokenRecord};
use brevet_store::orgs::OrgRecord;
use serde_json::Value;
use time::OffsetDateTime;

use super::issue_error;
use crate::award_writer::{AwardWrite, WriteOutcome};
use crate::{App, AppError, Principal, clock};

/// How many times an award draws and signs again when its index was taken or its key retired
/// while it waited to be stored.
const GROUPED_ATTEMPTS: usize = 8;

impl App {
    /// Signs the award with status indices drawn from the organisation's open lists and
    /// hands it to the group-committing writer (see `award_writer`), drawing and signing
    /// again if an index was taken or the key retired meanwhile. `None` when a list must be
    /// created first (the organisation's first award, or a full list): the caller then
    /// awards in one transaction of its own.
    pub(super) async fn award_grouped(
        &self,
        principal: &Principal,
        org: &OrgRecord,
        unsigned: &Value,
        record: &CredentialRecord,
        claim: Option<&WalletTokenRecord>,
        now: OffsetDateTime,
    ) -> Result<Option<Value>, AppError> {
        let (lists, mut key) = {
            let mut conn = self.store().read().await?;
            let mut lists = Vec::new();
            for purpose in crate::status::PURPOSES {
                match self.open_status_list(&mut conn, &org.id, purpose).await? {
                    Some(list) => lists.push((purpose, list)),
                    None => return Ok(None),
                }
            }
            let key = self.active_key(&mut conn, org).await?;
            (lists, key)
        };
        for _ in 0..GROUPED_ATTEMPTS {
            let mut entries = Vec::with_capacity(lists.len());
            let mut status_json = Vec::with_capacity(lists.len());
            for (purpose, list) in &lists {
                let (entry, json) = self.draw_status_entry(list, purpose, &record.id)?;
                entries.push(entry);
                status_json.push(json);
            }
            let mut document = unsigned.clone();
            if let Some(object) = document.as_object_mut() {
                object.insert("credentialStatus".into(), Value::Array(status_json));
            }
            let signed = sign_credential_with_method(
                &document,
                &key.key_pair,
                &key.verification_method,
                Cryptosuite::EddsaRdfc2022,
                &clock::stamp(now),
                self.linked_data(),
            )
            .map_err(issue_error)?;
            let json =
                serde_json::to_string(&signed).map_err(|e| AppError::Internal(e.to_string()))?;
            let write = AwardWrite {
                entries,
                record: CredentialRecord {
                    json,
                    ..record.clone()
                },
                audit: self.audit_record(
                    Some(&org.id),
                    &principal.actor,
                    "credential.award",
                    Some(&record.id),
                    None,
                ),
                key_id: key.key_id.clone(),
                claim: claim.cloned(),
            };
            match self.inner.award_writer.write(self.store(), write).await? {
                WriteOutcome::Committed => return Ok(Some(signed)),
                WriteOutcome::IndexTaken => {}
                WriteOutcome::KeyRetired => {
                    let mut conn = self.store().read().await?;
                    key = self.active_key(&mut conn, org).await?;
                }
            }
        }
        Err(AppError::Unavailable(
            "no free status list index found; try again".to_owned(),
        ))
    }

    /// Awards in one transaction: allocates status indices (creating a list if none has
    /// room), signs, stores, and for a reissue revokes the old credential as "superseded".
    pub(super) async fn award_in_transaction(
        &self,
        principal: &Principal,
        org: &OrgRecord,
        mut unsigned: Value,
        record: CredentialRecord,
        claim: Option<&WalletTokenRecord>,
        now: OffsetDateTime,
    ) -> Result<Value, AppError> {
        let public_id = record.id.clone();
        let mut tx = self.store().begin().await?;
        if let Some(old) = &record.supersedes {
            credentials::get_in_org(&mut tx, &org.id, old).await?;
        }
        let mut entries = Vec::new();
        for purpose in crate::status::PURPOSES {
            entries.push(
                self.allocate_status(&mut tx, org, purpose, &public_id)
                    .await?,
            );
        }
        if let Some(object) = unsigned.as_object_mut() {
            object.insert("credentialStatus".into(), Value::Array(entries));
        }
        let signed = self
            .sign(&mut tx, org, &unsigned, Cryptosuite::EddsaRdfc2022, now)
            .await?;
        let json = serde_json::to_string(&signed).map_err(|e| AppError::Internal(e.to_string()))?;
        let record = CredentialRecord { json, ..record };
        credentials::insert(&mut tx, &record).await?;
        if let Some(claim) = claim {
            earners::insert_token(&mut tx, claim).await?;
        }
        if let Some(old) = &record.supersedes {
            credentials::mark_superseded(&mut tx, old, &public_id).await?;
            self.change_status(&mut tx, old, "revocation", true, Some("superseded"))
                .await?;
        }
        self.audit(
            &mut tx,
            Some(&org.id),
            &principal.actor,
            "credential.award",
            Some(&public_id),
            record.supersedes.as_deref().map(|_| "reissue"),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(signed)
    }
}

//! Issuer signing keys: generation (sealed with the master key), the active key (unsealed once
//! and cached), rotation (the old key is retired: it stays in the DID document but never signs
//! again; refused for a did:key organisation, whose DID is its key), and master-key rotation
//! (every secret re-sealed).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use brevet_core::multikey::Ed25519KeyPair;
use brevet_store::keys::{self, STATE_ACTIVE, SigningKeyRecord};
use brevet_store::orgs::OrgRecord;
use brevet_store::{AnyConnection, StoreError};

use crate::master_key::MasterKey;
use crate::orgs::DidMethod;
use crate::{App, AppError, Principal, ids};

/// Unsealed active keys by organisation, so an award does not decrypt the key every time. An
/// entry is used only while it is still the organisation's active key in the database.
#[derive(Default)]
pub(crate) struct KeyCache {
    by_key_id: Mutex<HashMap<String, Arc<Ed25519KeyPair>>>,
}

/// The key an award is signed with.
pub struct ActiveKey {
    /// The key's record id (to check that it is still active when what it signed is stored).
    pub key_id: String,
    /// The verification method (`did:web:…#key-2`, or `did:key:z6Mk…#z6Mk…`).
    pub verification_method: String,
    pub key_pair: Arc<Ed25519KeyPair>,
}

fn seal_context(org_id: &str, key_id: &str) -> String {
    format!("brevet-signing-key:{org_id}:{key_id}")
}

impl App {
    /// Generates key number `n` for an organisation, sealed with the master key. Its fragment
    /// is `key-{n}` for a did:web organisation, the public key (as in `did:key:z6Mk…#z6Mk…`)
    /// for a did:key one.
    pub(crate) async fn insert_signing_key(
        &self,
        conn: &mut AnyConnection,
        org: &OrgRecord,
        n: usize,
    ) -> Result<SigningKeyRecord, AppError> {
        let org_id = org.id.as_str();
        let key_pair = Ed25519KeyPair::generate();
        let id = ids::new_id();
        let secret = key_pair.secret_multibase();
        let fragment = match DidMethod::of(org) {
            DidMethod::Web => format!("key-{n}"),
            DidMethod::Key => key_pair.public_multibase(),
        };
        let record = SigningKeyRecord {
            id: id.clone(),
            org_id: org_id.to_owned(),
            fragment,
            public_key_multibase: key_pair.public_multibase(),
            sealed_secret: self
                .master()
                .seal(secret.as_bytes(), &seal_context(org_id, &id))?,
            master_key_id: self.master().id().to_owned(),
            state: STATE_ACTIVE.to_owned(),
            created_at: self.now_unix(),
            retired_at: None,
        };
        keys::insert(conn, &record).await?;
        Ok(record)
    }

    /// The organisation's active key, unsealed. A retired key is never returned.
    pub(crate) async fn active_key(
        &self,
        conn: &mut AnyConnection,
        org: &OrgRecord,
    ) -> Result<ActiveKey, AppError> {
        let record = keys::active_for_org(conn, &org.id)
            .await
            .map_err(|error| match error {
                StoreError::NotFound => {
                    AppError::Unavailable("the organisation has no active signing key".to_owned())
                }
                other => other.into(),
            })?;
        let verification_method = self.verification_method(org, &record)?;
        let cached = self
            .inner
            .keys
            .by_key_id
            .lock()
            .ok()
            .and_then(|cache| cache.get(&record.id).cloned());
        let key_pair = match cached {
            Some(key_pair) => key_pair,
            None => {
                let key_pair = Arc::new(self.unseal(&record)?);
                if let Ok(mut cache) = self.inner.keys.by_key_id.lock() {
                    cache.insert(record.id.clone(), Arc::clone(&key_pair));
                }
                key_pair
            }
        };
        Ok(ActiveKey {
            key_id: record.id.clone(),
            verification_method,
            key_pair,
        })
    }

    fn unseal(&self, record: &SigningKeyRecord) -> Result<Ed25519KeyPair, AppError> {
        if record.master_key_id != self.master().id() {
            return Err(AppError::Unavailable(format!(
                "signing key {} is sealed with master key {}, but this server has master key {}",
                record.fragment,
                record.master_key_id,
                self.master().id()
            )));
        }
        let secret = self.master().open(
            &record.sealed_secret,
            &seal_context(&record.org_id, &record.id),
        )?;
        let text = String::from_utf8(secret)
            .map_err(|_| AppError::Internal("a sealed key is not UTF-8".to_owned()))?;
        Ed25519KeyPair::from_secret_multibase(&text)
            .map_err(|error| AppError::Internal(format!("a sealed key does not decode: {error}")))
    }

    /// Rotates the organisation's signing key: the active key is retired (kept in the DID
    /// document so credentials it signed keep verifying) and a new one becomes active.
    /// Returns the new verification method. A did:key organisation cannot rotate (its DID is
    /// its key): refused, nothing changed.
    pub async fn rotate_signing_key(&self, principal: &Principal) -> Result<String, AppError> {
        principal.require_owner()?;
        let mut tx = self.store().begin().await?;
        let org = brevet_store::orgs::get(&mut tx, &principal.org_id).await?;
        if DidMethod::of(&org) == DidMethod::Key {
            return Err(AppError::bad_request(
                "DID_KEY_CANNOT_ROTATE",
                "a did:key organisation's DID is its key, so it cannot rotate; its credentials \
                 keep verifying against that key (an organisation that must rotate keys signs \
                 as did:web)",
            ));
        }
        let existing = keys::list_for_org(&mut tx, &org.id).await?;
        keys::retire_active(&mut tx, &org.id, self.now_unix()).await?;
        let record = self
            .insert_signing_key(&mut tx, &org, existing.len() + 1)
            .await?;
        let method = self.verification_method(&org, &record)?;
        self.audit(
            &mut tx,
            Some(&org.id),
            &principal.actor,
            "signing-key.rotate",
            Some(&method),
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(method)
    }

    /// Re-seals every signing key with `new_master`; returns how many were re-sealed. The caller
    /// then replaces the master key everywhere it is configured.
    pub async fn rotate_master_key(&self, new_master: &MasterKey) -> Result<usize, AppError> {
        let mut tx = self.store().begin().await?;
        let records = keys::list_all(&mut tx).await?;
        let mut count = 0;
        for record in &records {
            if record.master_key_id == new_master.id() {
                continue;
            }
            let context = seal_context(&record.org_id, &record.id);
            let secret = self.master().open(&record.sealed_secret, &context)?;
            let sealed = new_master.seal(&secret, &context)?;
            keys::reseal(&mut tx, &record.id, &sealed, new_master.id()).await?;
            count += 1;
        }
        self.audit(&mut tx, None, "cli", "master-key.rotate", None, None)
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(count)
    }
}

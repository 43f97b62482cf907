//! The earner's wallet: every credential sent to one of their proven addresses and every one
//! imported from elsewhere (`wallet_import`), each with its live status from the verifier;
//! hiding a credential from the public; collections (of credentials issued here) with their own
//! public page; and the download of everything as one zip archive.
//!
//! A hidden credential's public page answers 404 to everyone but its earner and its issuing
//! organisation, exactly like an id that does not exist ([`HiddenCredential`]).

use std::collections::HashSet;

use brevet_core::verify::VerificationReport;
use brevet_store::credentials::CredentialRecord;
use brevet_store::wallet::{
    self, CollectionRecord, SOURCE_IMPORTED, SOURCE_ISSUED, WalletItemRecord,
};
use brevet_store::{AnyConnection, StoreError, credentials, earners};
use sha2::{Digest, Sha256};

use crate::earners::EarnerSession;
use crate::status::CredentialStatusView;
use crate::wallet_import::ImportedEntry;
use crate::{App, AppError, ids};

/// `format` of a JSON-LD verifiable credential (Open Badges 3.0 and any VC).
pub const FORMAT_VC_JSON: &str = "ob3-json";
/// The most characters of a collection's name.
pub const COLLECTION_NAME_MAX_CHARS: usize = 100;
/// The most items in one collection.
pub const COLLECTION_MAX_ITEMS: usize = 500;

/// A credential of this server, as the wallet shows it.
#[derive(Debug, Clone)]
pub struct IssuedEntry {
    pub record: CredentialRecord,
    /// The verifier's report (cached while nothing it depends on changes).
    pub report: VerificationReport,
    /// The status recorded by the issuer (with reasons).
    pub status: Vec<CredentialStatusView>,
}

/// One item of a wallet.
#[derive(Debug, Clone)]
pub struct WalletEntry {
    pub item_id: String,
    /// `issued` or `imported`.
    pub source: String,
    pub format: String,
    pub hidden: bool,
    pub added_at: i64,
    /// Set for a credential of this server.
    pub issued: Option<IssuedEntry>,
    /// Set for an imported credential (checked again when the wallet was read).
    pub imported: Option<ImportedEntry>,
}

/// A collection, as its owner sees it.
#[derive(Debug, Clone)]
pub struct CollectionView {
    pub id: String,
    pub name: String,
    /// Its public page.
    pub url: String,
    pub item_ids: Vec<String>,
    pub created_at: i64,
}

/// The signed-in earner's wallet.
#[derive(Debug, Clone)]
pub struct WalletView {
    pub emails: Vec<String>,
    pub entries: Vec<WalletEntry>,
    pub collections: Vec<CollectionView>,
}

/// A collection as the public sees it: only the items that are not hidden.
#[derive(Debug, Clone)]
pub struct PublicCollection {
    pub id: String,
    pub name: String,
    pub entries: Vec<WalletEntry>,
}

/// A credential its earner hid from the public.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiddenCredential {
    pub earner_id: String,
    /// The issuing organisation.
    pub org_id: String,
}

impl HiddenCredential {
    /// Whether a visitor who is signed in to the wallet `earner_id` (if any) and is a member of
    /// `org_ids` (if any) may still see it: its earner and its issuing organisation may.
    pub fn visible_to(&self, earner_id: Option<&str>, org_ids: &[String]) -> bool {
        earner_id == Some(self.earner_id.as_str()) || org_ids.contains(&self.org_id)
    }
}

/// The dedupe key of a JSON credential: `sha256:` + hex SHA-256 of its RFC 8785 (JCS)
/// canonical form, so the same credential is recognised however it was serialised (the key
/// `recognise_and_verify` gives an imported VC, so an imported copy of a credential issued here
/// is recognised); text that is not JSON is hashed as it is.
pub fn dedupe_key_of_json(text: &str) -> String {
    match brevet_core::json::parse_strict(text) {
        Ok(value) => crate::import::summary::vc_dedupe_key(&value),
        Err(_) => format!("sha256:{}", ids::hex(&Sha256::digest(text.as_bytes()))),
    }
}

fn check_collection_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid(
            "INVALID_NAME",
            "the collection needs a name",
        ));
    }
    if name.chars().count() > COLLECTION_NAME_MAX_CHARS || name.chars().any(|c| c.is_control()) {
        return Err(AppError::invalid(
            "INVALID_NAME",
            format!(
                "a collection name is at most {COLLECTION_NAME_MAX_CHARS} characters on one line"
            ),
        ));
    }
    Ok(name.to_owned())
}

impl App {
    /// Adds to the wallet every credential sent to one of its addresses that it does not hold
    /// yet (inside the caller's transaction).
    pub(crate) async fn sync_wallet(
        &self,
        conn: &mut AnyConnection,
        earner_id: &str,
    ) -> Result<(), AppError> {
        let now = self.now_unix();
        for (credential_id, json) in wallet::unsynced_credentials(conn, earner_id).await? {
            let dedupe_key = dedupe_key_of_json(&json);
            let added = wallet::insert_item(
                conn,
                &WalletItemRecord {
                    id: ids::new_id(),
                    earner_id: earner_id.to_owned(),
                    source: SOURCE_ISSUED.to_owned(),
                    credential_id: Some(credential_id.clone()),
                    format: FORMAT_VC_JSON.to_owned(),
                    payload: None,
                    dedupe_key: dedupe_key.clone(),
                    hidden: 0,
                    added_at: now,
                },
            )
            .await?;
            if added {
                continue;
            }
            // The earner imported this credential before it was sent to one of their
            // addresses: the imported copy becomes the issued one (same item).
            if let Some(copy) = wallet::item_by_dedupe_key(conn, earner_id, &dedupe_key).await?
                && copy.source == SOURCE_IMPORTED
            {
                wallet::adopt_as_issued(conn, earner_id, &copy.id, &credential_id, FORMAT_VC_JSON)
                    .await?;
            }
        }
        Ok(())
    }

    /// An item of this server (its live status) or an imported one (`imported`, checked by
    /// the caller).
    async fn entry_of(
        &self,
        item: WalletItemRecord,
        imported: Option<ImportedEntry>,
    ) -> Result<WalletEntry, AppError> {
        let issued = match (&item.credential_id, item.source.as_str()) {
            (Some(credential_id), SOURCE_ISSUED) => {
                let stored = self.verify_stored_with_status(credential_id).await?;
                Some(IssuedEntry {
                    record: stored.record,
                    report: stored.report,
                    status: stored.statuses,
                })
            }
            _ => None,
        };
        Ok(WalletEntry {
            item_id: item.id,
            source: item.source,
            format: item.format,
            hidden: item.hidden != 0,
            added_at: item.added_at,
            issued,
            imported,
        })
    }

    /// The signed-in earner's wallet, with every credential sent to their addresses.
    pub async fn wallet(&self, session: &EarnerSession) -> Result<WalletView, AppError> {
        let missing = {
            let mut conn = self.store().read().await?;
            wallet::count_unsynced(&mut conn, &session.earner_id).await?
        };
        if missing > 0 {
            let mut tx = self.store().begin().await?;
            self.sync_wallet(&mut tx, &session.earner_id).await?;
            tx.commit().await.map_err(StoreError::from)?;
        }
        let (emails, items, collections) = {
            let mut conn = self.store().read().await?;
            let emails = earners::emails_of_earner(&mut conn, &session.earner_id)
                .await?
                .into_iter()
                .map(|email| email.email)
                .collect();
            let items = wallet::items_of_earner(&mut conn, &session.earner_id).await?;
            let mut collections = Vec::new();
            for collection in wallet::collections_of_earner(&mut conn, &session.earner_id).await? {
                let item_ids = wallet::collection_items(&mut conn, &collection.id)
                    .await?
                    .into_iter()
                    .map(|item| item.id)
                    .collect();
                collections.push(self.collection_view(collection, item_ids));
            }
            (emails, items, collections)
        };
        let imported_items: Vec<WalletItemRecord> = items
            .iter()
            .filter(|item| item.source == SOURCE_IMPORTED)
            .cloned()
            .collect();
        let mut imported = self.imported_entries(&imported_items).await.into_iter();
        let mut entries = Vec::with_capacity(items.len());
        for item in items {
            let checked = if item.source == SOURCE_IMPORTED {
                imported.next()
            } else {
                None
            };
            entries.push(self.entry_of(item, checked).await?);
        }
        Ok(WalletView {
            emails,
            entries,
            collections,
        })
    }

    fn collection_view(&self, record: CollectionRecord, item_ids: Vec<String>) -> CollectionView {
        CollectionView {
            url: self.collection_url(&record.id),
            id: record.id,
            name: record.name,
            item_ids,
            created_at: record.created_at,
        }
    }

    /// The public page of a collection.
    pub fn collection_url(&self, collection_id: &str) -> String {
        format!("{}/collections/{collection_id}", self.config().base_url)
    }

    /// Hides one of the earner's credentials from the public, or shows it again.
    pub async fn set_wallet_item_hidden(
        &self,
        session: &EarnerSession,
        item_id: &str,
        hidden: bool,
    ) -> Result<(), AppError> {
        let mut tx = self.store().begin().await?;
        wallet::set_hidden(&mut tx, &session.earner_id, item_id, hidden).await?;
        self.audit(
            &mut tx,
            None,
            &session.actor(),
            if hidden { "wallet.hide" } else { "wallet.show" },
            Some(item_id),
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Checks that every item is the earner's; returns them without repeats, in order.
    async fn own_items(
        &self,
        conn: &mut AnyConnection,
        session: &EarnerSession,
        item_ids: &[String],
    ) -> Result<Vec<String>, AppError> {
        let mut seen = HashSet::new();
        let unique: Vec<String> = item_ids
            .iter()
            .filter(|id| seen.insert(id.as_str()))
            .cloned()
            .collect();
        if unique.len() > COLLECTION_MAX_ITEMS {
            return Err(AppError::invalid(
                "TOO_MANY_ITEMS",
                format!("a collection holds at most {COLLECTION_MAX_ITEMS} credentials"),
            ));
        }
        for id in &unique {
            let item = wallet::get_item(conn, &session.earner_id, id).await?;
            if item.source != SOURCE_ISSUED {
                return Err(AppError::invalid(
                    "NOT_IN_COLLECTIONS",
                    "a collection shows credentials issued here, each with its public page; an imported credential cannot be added",
                ));
            }
        }
        Ok(unique)
    }

    /// Creates a collection of the earner's items; returns it.
    pub async fn create_collection(
        &self,
        session: &EarnerSession,
        name: &str,
        item_ids: &[String],
    ) -> Result<CollectionView, AppError> {
        let name = check_collection_name(name)?;
        let record = CollectionRecord {
            id: ids::new_id(),
            earner_id: session.earner_id.clone(),
            name,
            created_at: self.now_unix(),
        };
        let mut tx = self.store().begin().await?;
        let items = self.own_items(&mut tx, session, item_ids).await?;
        wallet::insert_collection(&mut tx, &record).await?;
        wallet::set_collection_items(&mut tx, &record.id, &items).await?;
        self.audit(
            &mut tx,
            None,
            &session.actor(),
            "wallet.collection-create",
            Some(&record.id),
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(self.collection_view(record, items))
    }

    /// Renames one of the earner's collections and sets its items.
    pub async fn update_collection(
        &self,
        session: &EarnerSession,
        collection_id: &str,
        name: &str,
        item_ids: &[String],
    ) -> Result<(), AppError> {
        let name = check_collection_name(name)?;
        let mut tx = self.store().begin().await?;
        let record = wallet::get_collection(&mut tx, collection_id).await?;
        if record.earner_id != session.earner_id {
            return Err(AppError::NotFound);
        }
        let items = self.own_items(&mut tx, session, item_ids).await?;
        wallet::rename_collection(&mut tx, &session.earner_id, collection_id, &name).await?;
        wallet::set_collection_items(&mut tx, collection_id, &items).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Deletes one of the earner's collections (its credentials stay in the wallet).
    pub async fn delete_collection(
        &self,
        session: &EarnerSession,
        collection_id: &str,
    ) -> Result<(), AppError> {
        let mut tx = self.store().begin().await?;
        wallet::delete_collection(&mut tx, &session.earner_id, collection_id).await?;
        self.audit(
            &mut tx,
            None,
            &session.actor(),
            "wallet.collection-delete",
            Some(collection_id),
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// A collection's public page: its name and the items that are not hidden.
    pub async fn public_collection(
        &self,
        collection_id: &str,
    ) -> Result<PublicCollection, AppError> {
        let (record, items) = {
            let mut conn = self.store().read().await?;
            let record = wallet::get_collection(&mut conn, collection_id).await?;
            let items = wallet::collection_items(&mut conn, collection_id).await?;
            (record, items)
        };
        let mut entries = Vec::new();
        // Only credentials of this server have a public page (imported ones cannot join a
        // collection; any found are skipped, never checked over the network for a visitor).
        for item in items
            .into_iter()
            .filter(|item| item.hidden == 0 && item.source == SOURCE_ISSUED)
        {
            entries.push(self.entry_of(item, None).await?);
        }
        Ok(PublicCollection {
            id: record.id,
            name: record.name,
            entries,
        })
    }

    /// Whether the earner hid the credential with public id `public_id`, and who may still
    /// see it; `None` when it is public (or does not exist).
    pub async fn credential_hidden(
        &self,
        public_id: &str,
    ) -> Result<Option<HiddenCredential>, AppError> {
        let mut conn = self.store().read().await?;
        let Some(earner_id) = wallet::hidden_by(&mut conn, public_id).await? else {
            return Ok(None);
        };
        let record = credentials::get(&mut conn, public_id).await?;
        Ok(Some(HiddenCredential {
            earner_id,
            org_id: record.org_id,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dedupe_key_ignores_serialisation() {
        let a = dedupe_key_of_json("{\"b\": 1, \"a\": \"x\"}");
        let b = dedupe_key_of_json("{\"a\":\"x\",\"b\":1}");
        assert_eq!(a, b);
        assert!(a.starts_with("sha256:") && a.len() == 7 + 64);
        assert_ne!(a, dedupe_key_of_json("{\"a\":\"y\",\"b\":1}"));
        // Not JSON (a JWT): hashed as it is.
        assert_ne!(dedupe_key_of_json("eyJ.a.b"), dedupe_key_of_json("eyJ.a.c"));
    }

    #[test]
    fn a_hidden_credential_is_visible_to_its_earner_and_issuer_only() {
        let hidden = HiddenCredential {
            earner_id: "e-1".into(),
            org_id: "org-a".into(),
        };
        assert!(hidden.visible_to(Some("e-1"), &[]));
        assert!(hidden.visible_to(None, &["org-b".into(), "org-a".into()]));
        assert!(!hidden.visible_to(Some("e-2"), &["org-b".into()]));
        assert!(!hidden.visible_to(None, &[]));
    }

    #[test]
    fn collection_names_are_checked() {
        assert_eq!(check_collection_name("  Rust  ").unwrap(), "Rust");
        assert!(check_collection_name(" ").is_err());
        assert!(check_collection_name("a\nb").is_err());
        assert!(check_collection_name(&"x".repeat(101)).is_err());
    }
}

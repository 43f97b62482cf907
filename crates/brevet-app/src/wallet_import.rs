//! Importing credentials from elsewhere into the wallet: anything the verify page accepts
//! (JSON, a JWT, a baked PNG or SVG badge, the URL of a hosted Open Badges 2.0 assertion) is
//! recognised and verified first ([`App::recognise_and_verify`]), and kept only when it is
//! authentic and not withdrawn ([`refusal`]); the credential is stored as received (unbaked
//! from its image), once per wallet ([`ImportOutcome::AlreadyInWallet`]).
//!
//! Imported items have no public page here and cannot join a collection; they are stored
//! `hidden`. Their status is checked again when the wallet is shown ([`App::imported_entries`]),
//! at most every [`RECHECK_AFTER`] per item: the staleness bound of fetched status lists, so a
//! revocation shows within five minutes and a wallet of hosted badges does not fetch them all
//! again on every view.

use std::collections::HashMap;

use brevet_core::verify::{CheckName, Outcome, VerificationReport};
use brevet_store::StoreError;
use brevet_store::wallet::{self, SOURCE_IMPORTED, WalletItemRecord};
use time::OffsetDateTime;
use tokio::task::JoinSet;

use crate::earners::EarnerSession;
use crate::import::{CredentialFormat, CredentialSummary, ImportInput, RecognisedCredential};
use crate::ttl_cache::TtlCache;
use crate::verification::unreadable_report;
use crate::{App, AppError, ids};

/// The most credentials one wallet may import.
pub const MAX_IMPORTED_ITEMS: i64 = 200;
/// The largest credential kept (the text cap of recognition: a baked image's credential is kept
/// without its image).
pub const MAX_KEPT_PAYLOAD_BYTES: usize = crate::import::MAX_TEXT_BYTES;
/// How many imported credentials are checked at once when the wallet is shown.
const CONCURRENT_CHECKS: usize = 8;
/// How long an imported item's check is shown before it is made again.
pub const RECHECK_AFTER: std::time::Duration = crate::fetch_cache::MAX_TTL;
/// The most checks remembered (beyond it, stale ones are dropped, then all).
const REMEMBERED_CHECKS: usize = 10_000;

/// The last check of each imported item (by item id), fresh for [`RECHECK_AFTER`].
pub(crate) struct ImportedChecks {
    checks: TtlCache<ImportedEntry>,
}

impl Default for ImportedChecks {
    fn default() -> Self {
        ImportedChecks {
            checks: TtlCache::new(REMEMBERED_CHECKS),
        }
    }
}

impl ImportedChecks {
    fn fresh(&self, item_id: &str, now: OffsetDateTime) -> Option<ImportedEntry> {
        self.checks.get(item_id, now)
    }

    fn remember(&self, item_id: &str, now: OffsetDateTime, entry: &ImportedEntry) {
        self.checks.put(item_id, entry.clone(), RECHECK_AFTER, now);
    }
}

/// The `format` column of an imported item.
pub fn format_name(format: CredentialFormat) -> &'static str {
    match format {
        CredentialFormat::Vc2DataIntegrity => crate::wallet::FORMAT_VC_JSON,
        CredentialFormat::Vc11DataIntegrity => "vc11-json",
        CredentialFormat::VcJwt => "vc-jwt",
        CredentialFormat::VcJose => "vc-jose-jwt",
        CredentialFormat::OpenBadges2Hosted => "ob2-json",
        CredentialFormat::OpenBadges2Signed => "ob2-jws",
    }
}

/// The format named by an imported item's `format` column.
pub fn format_of_name(name: &str) -> Option<CredentialFormat> {
    [
        CredentialFormat::Vc2DataIntegrity,
        CredentialFormat::Vc11DataIntegrity,
        CredentialFormat::VcJwt,
        CredentialFormat::VcJose,
        CredentialFormat::OpenBadges2Hosted,
        CredentialFormat::OpenBadges2Signed,
    ]
    .into_iter()
    .find(|format| format_name(*format) == name)
}

/// Why a verified-or-not credential may not be kept, or `None` when it may. Kept: a credential
/// every integrity check passed (format, contexts, signature, issuer's key) whose status is
/// good, even when it is expired or not yet valid (it stays authentic; the wallet shows its
/// dates). Refused (fail closed): a failed or unmade integrity check (forged, altered, an
/// unconfirmed key), a revoked or suspended credential, a status that could not be checked.
pub fn refusal(report: &VerificationReport) -> Option<String> {
    if report.checks.is_empty() {
        return Some("nothing could be checked".to_owned());
    }
    for result in &report.checks {
        let detail = &result.detail;
        let why = match (result.check, result.outcome) {
            (_, Outcome::Passed | Outcome::NotApplicable) => continue,
            (CheckName::Validity, Outcome::Failed)
                if detail.starts_with("expired") || detail.starts_with("not yet valid") =>
            {
                continue;
            }
            (CheckName::Status, Outcome::Failed) => {
                format!("its issuer has withdrawn it ({detail})")
            }
            (check, Outcome::Failed) => format!("the {} check failed: {detail}", check.as_str()),
            (check, Outcome::CouldNotCheck) => format!(
                "the {} check could not be made ({detail}); try again later",
                check.as_str()
            ),
        };
        return Some(why);
    }
    None
}

/// What happened to an import.
#[derive(Debug, Clone)]
pub enum ImportOutcome {
    /// Verified and kept as the item `item_id`.
    Kept {
        item_id: String,
        recognised: RecognisedCredential,
    },
    /// The wallet already holds it (imported before, or issued here to one of the earner's
    /// addresses): nothing was stored.
    AlreadyInWallet {
        item_id: String,
        /// Whether the wallet holds it as a credential issued here (else imported before).
        issued_here: bool,
        recognised: RecognisedCredential,
    },
    /// It did not verify (or was withdrawn): nothing was stored; `reason` says why.
    Refused {
        reason: String,
        recognised: RecognisedCredential,
    },
}

/// An imported credential as the wallet shows it, checked again when the wallet was read.
#[derive(Debug, Clone)]
pub struct ImportedEntry {
    /// `None` when the stored format is not one this version knows.
    pub format: Option<CredentialFormat>,
    pub display: CredentialSummary,
    pub report: VerificationReport,
}

/// An imported credential's bytes, for its download.
#[derive(Debug, Clone)]
pub struct ImportedPayload {
    pub item_id: String,
    pub format: Option<CredentialFormat>,
    pub payload: Vec<u8>,
}

impl App {
    /// Imports a credential into the signed-in earner's wallet: recognises and verifies it, and
    /// keeps it when [`refusal`] finds nothing wrong and the wallet does not hold it yet.
    /// Errors: unreadable or unrecognised input (`BadRequest`/`Invalid`), oversized input or
    /// credential (`TooLarge`), a full wallet (`Invalid`).
    pub async fn import_into_wallet(
        &self,
        session: &EarnerSession,
        input: ImportInput,
    ) -> Result<ImportOutcome, AppError> {
        {
            let mut conn = self.store().read().await?;
            let held = wallet::count_items(&mut conn, &session.earner_id, SOURCE_IMPORTED).await?;
            if held >= MAX_IMPORTED_ITEMS {
                return Err(AppError::invalid(
                    "WALLET_FULL",
                    format!(
                        "your wallet holds {MAX_IMPORTED_ITEMS} imported credentials, the most it can; delete some first"
                    ),
                ));
            }
        }
        let recognised = self.recognise_and_verify(input).await?;
        if let Some(reason) = refusal(&recognised.report) {
            return Ok(ImportOutcome::Refused { reason, recognised });
        }
        if recognised.payload.len() > MAX_KEPT_PAYLOAD_BYTES {
            return Err(AppError::TooLarge(format!(
                "the credential is {} bytes, over the limit of {MAX_KEPT_PAYLOAD_BYTES} bytes",
                recognised.payload.len()
            )));
        }
        let record = WalletItemRecord {
            id: ids::new_id(),
            earner_id: session.earner_id.clone(),
            source: SOURCE_IMPORTED.to_owned(),
            credential_id: None,
            format: format_name(recognised.format).to_owned(),
            payload: Some(recognised.payload.clone()),
            dedupe_key: recognised.dedupe_key.clone(),
            // No public page and no collection shows an imported credential.
            hidden: 1,
            added_at: self.now_unix(),
        };
        let mut tx = self.store().begin().await?;
        // An earner's own credential of this server joins the wallet first, so that an
        // imported copy of it is recognised as already there.
        self.sync_wallet(&mut tx, &session.earner_id).await?;
        if !wallet::insert_item(&mut tx, &record).await? {
            let existing =
                wallet::item_by_dedupe_key(&mut tx, &session.earner_id, &record.dedupe_key)
                    .await?
                    .ok_or_else(|| AppError::Internal("a duplicate item vanished".to_owned()))?;
            tx.commit().await.map_err(StoreError::from)?;
            return Ok(ImportOutcome::AlreadyInWallet {
                issued_here: existing.source == wallet::SOURCE_ISSUED,
                item_id: existing.id,
                recognised,
            });
        }
        self.audit(
            &mut tx,
            None,
            &session.actor(),
            "wallet.import",
            Some(&record.id),
            Some(format_name(recognised.format)),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(ImportOutcome::Kept {
            item_id: record.id,
            recognised,
        })
    }

    /// Deletes one of the earner's imported credentials (and takes it out of any collection).
    /// A credential issued here stays: it belongs to the wallet as long as it is sent to one
    /// of the earner's addresses (hide it instead).
    pub async fn delete_imported_item(
        &self,
        session: &EarnerSession,
        item_id: &str,
    ) -> Result<(), AppError> {
        let mut tx = self.store().begin().await?;
        let item = wallet::get_item(&mut tx, &session.earner_id, item_id).await?;
        if item.source != SOURCE_IMPORTED {
            return Err(AppError::invalid(
                "NOT_IMPORTED",
                "only imported credentials can be deleted; a credential issued here can be hidden",
            ));
        }
        wallet::delete_item(&mut tx, &session.earner_id, item_id).await?;
        self.audit(
            &mut tx,
            None,
            &session.actor(),
            "wallet.import-delete",
            Some(item_id),
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// The kept bytes of one of the earner's imported credentials.
    pub async fn imported_payload(
        &self,
        session: &EarnerSession,
        item_id: &str,
    ) -> Result<ImportedPayload, AppError> {
        let mut conn = self.store().read().await?;
        let item = wallet::get_item(&mut conn, &session.earner_id, item_id).await?;
        match (item.source.as_str(), item.payload) {
            (SOURCE_IMPORTED, Some(payload)) => Ok(ImportedPayload {
                format: format_of_name(&item.format),
                item_id: item.id,
                payload,
            }),
            _ => Err(AppError::NotFound),
        }
    }

    /// Every imported item's check, in the order given: the remembered one while fresh, else
    /// made again (a few at a time).
    pub(crate) async fn imported_entries(&self, items: &[WalletItemRecord]) -> Vec<ImportedEntry> {
        let now = self.clock().now();
        let remembered = &self.inner.imported_checks;
        let mut entries: Vec<Option<ImportedEntry>> = items
            .iter()
            .map(|item| remembered.fresh(&item.id, now))
            .collect();
        let stale: Vec<usize> = (0..items.len())
            .filter(|index| entries[*index].is_none())
            .collect();
        for chunk in stale.chunks(CONCURRENT_CHECKS) {
            let mut checks = JoinSet::new();
            for &index in chunk {
                let app = self.clone();
                let payload = items[index].payload.clone().unwrap_or_default();
                checks.spawn(async move {
                    let result = app.recognise_and_verify(ImportInput::Bytes(payload)).await;
                    (index, result)
                });
            }
            let mut results: HashMap<usize, Result<RecognisedCredential, AppError>> =
                HashMap::new();
            while let Some(joined) = checks.join_next().await {
                match joined {
                    Ok((index, result)) => {
                        results.insert(index, result);
                    }
                    Err(error) => tracing::error!(%error, "an imported credential's check failed"),
                }
            }
            for &index in chunk {
                let item = &items[index];
                let entry = match results.remove(&index) {
                    Some(Ok(recognised)) => {
                        let entry = ImportedEntry {
                            format: Some(recognised.format),
                            display: recognised.display,
                            report: recognised.report,
                        };
                        remembered.remember(&item.id, now, &entry);
                        entry
                    }
                    Some(Err(error)) => ImportedEntry {
                        format: format_of_name(&item.format),
                        display: CredentialSummary::default(),
                        report: unreadable_report(&error.to_string()),
                    },
                    None => ImportedEntry {
                        format: format_of_name(&item.format),
                        display: CredentialSummary::default(),
                        report: unreadable_report("the check did not finish"),
                    },
                };
                entries[index] = Some(entry);
            }
        }
        entries
            .into_iter()
            .map(|entry| {
                entry.unwrap_or_else(|| ImportedEntry {
                    format: None,
                    display: CredentialSummary::default(),
                    report: unreadable_report("the check did not finish"),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use brevet_core::verify::CheckResult;

    use super::*;

    fn report(changes: &[(CheckName, Outcome, &str)]) -> VerificationReport {
        VerificationReport::from_checks(
            CheckName::ALL
                .iter()
                .map(|&name| {
                    changes
                        .iter()
                        .find(|(check, _, _)| *check == name)
                        .map_or(CheckResult::passed(name, "ok"), |(_, outcome, detail)| {
                            CheckResult::new(name, *outcome, *detail)
                        })
                })
                .collect(),
        )
    }

    #[test]
    fn authentic_credentials_are_kept_even_when_expired() {
        assert_eq!(refusal(&report(&[])), None);
        assert_eq!(
            refusal(&report(&[(
                CheckName::Validity,
                Outcome::Failed,
                "expired: validUntil was 2020-01-01T00:00:00Z, the time is now"
            )])),
            None
        );
        assert_eq!(
            refusal(&report(&[(
                CheckName::Validity,
                Outcome::Failed,
                "not yet valid: validFrom is 2030"
            )])),
            None
        );
        assert_eq!(
            refusal(&report(&[(
                CheckName::Status,
                Outcome::NotApplicable,
                "no status"
            )])),
            None
        );
    }

    #[test]
    fn forged_withdrawn_or_unchecked_credentials_are_refused() {
        let forged = refusal(&report(&[(
            CheckName::Proof,
            Outcome::Failed,
            "the signature does not match",
        )]))
        .unwrap();
        assert!(forged.contains("proof check failed: the signature does not match"));
        let revoked = refusal(&report(&[(
            CheckName::Status,
            Outcome::Failed,
            "revoked (list 1): awarded in error",
        )]))
        .unwrap();
        assert!(revoked.contains("withdrawn"));
        let offline = refusal(&report(&[(
            CheckName::IssuerKey,
            Outcome::CouldNotCheck,
            "the DID document could not be fetched",
        )]))
        .unwrap();
        assert!(offline.contains("could not be made"));
        assert!(
            refusal(&report(&[(
                CheckName::Status,
                Outcome::CouldNotCheck,
                "offline"
            )]))
            .is_some()
        );
        assert!(
            refusal(&report(&[(
                CheckName::Validity,
                Outcome::Failed,
                "validFrom is not a date"
            )]))
            .is_some()
        );
        assert!(refusal(&VerificationReport::from_checks(Vec::new())).is_some());
    }

    #[test]
    fn format_names_round_trip() {
        for format in [
            CredentialFormat::Vc2DataIntegrity,
            CredentialFormat::Vc11DataIntegrity,
            CredentialFormat::VcJwt,
            CredentialFormat::VcJose,
            CredentialFormat::OpenBadges2Hosted,
            CredentialFormat::OpenBadges2Signed,
        ] {
            assert_eq!(format_of_name(format_name(format)), Some(format));
        }
        assert_eq!(format_of_name("bin"), None);
    }
}

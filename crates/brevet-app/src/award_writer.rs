//! Group commit for awards. An award is signed before any write (its status indices drawn at
//! random from lists that are already open), then handed to one writer task that stores every
//! award waiting at that moment in a single transaction: one commit (one `fsync` on SQLite)
//! for many awards, and the write lock is never held while signing.
//!
//! Per award, inside the batch: the signing key must still be active (a retired key never
//! signs), its status indices must still be free (they are claimed, and given back if the
//! second one is taken), then the credential, its audit entry and its claim link (for an email
//! recipient) are inserted. An award whose
//! key was retired or whose index was taken meanwhile is not written and is told to start
//! again. If the batch fails as a whole, each award is written again in a transaction of its
//! own, so that one award's failure is only its own.

use std::sync::OnceLock;

use brevet_store::audit::{self, AuditRecord};
use brevet_store::credentials::{self, CredentialRecord};
use brevet_store::earners::{self, WalletTokenRecord};
use brevet_store::status::{self, StatusEntryRecord};
use brevet_store::{AnyConnection, Store, StoreError, keys};
use tokio::sync::{mpsc, oneshot};

use crate::AppError;

/// The most awards one transaction stores.
const MAX_BATCH: usize = 128;

/// The most awards waiting for the writer before senders wait too.
const QUEUE: usize = 1024;

/// One signed award, ready to be stored.
#[derive(Debug)]
pub(crate) struct AwardWrite {
    /// The status entries the signed credential names (claimed here).
    pub entries: Vec<StatusEntryRecord>,
    pub record: CredentialRecord,
    pub audit: AuditRecord,
    /// The signing key, which must still be active when the award is stored.
    pub key_id: String,
    /// The claim link mailed to an email recipient, stored with the award.
    pub claim: Option<WalletTokenRecord>,
}

/// What became of an award handed to the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriteOutcome {
    /// Stored and committed.
    Committed,
    /// Not stored: a status index was taken meanwhile; draw again and sign again.
    IndexTaken,
    /// Not stored: the signing key was retired meanwhile; sign again with the active key.
    KeyRetired,
}

struct Job {
    write: AwardWrite,
    reply: oneshot::Sender<Result<WriteOutcome, AppError>>,
}

/// The handle to the writer task (started with the first award).
#[derive(Default)]
pub(crate) struct AwardWriter {
    jobs: OnceLock<mpsc::Sender<Job>>,
}

impl AwardWriter {
    /// Stores `write` with whatever other awards are waiting, and says what became of it.
    pub(crate) async fn write(
        &self,
        store: &Store,
        write: AwardWrite,
    ) -> Result<WriteOutcome, AppError> {
        let jobs = self.jobs.get_or_init(|| {
            let (sender, receiver) = mpsc::channel(QUEUE);
            tokio::spawn(run(store.clone(), receiver));
            sender
        });
        let (reply, answer) = oneshot::channel();
        let stopped = || AppError::Unavailable("the award writer has stopped".to_owned());
        jobs.send(Job { write, reply })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// The writer: takes every award waiting, stores them in one transaction, answers each.
async fn run(store: Store, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let writes: Vec<&AwardWrite> = batch.iter().map(|job| &job.write).collect();
        match store_batch(&store, &writes).await {
            Ok(outcomes) => {
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    // A caller that went away no longer needs its answer.
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(error) if batch.len() > 1 => {
                tracing::warn!(%error, awards = batch.len(), "batched award write failed; writing one by one");
                for job in batch {
                    let outcome = match store_batch(&store, &[&job.write]).await {
                        Ok(outcomes) => outcomes
                            .first()
                            .copied()
                            .ok_or_else(|| AppError::Internal("no write outcome".to_owned())),
                        Err(error) => Err(AppError::from(error)),
                    };
                    let _ = job.reply.send(outcome);
                }
            }
            Err(error) => {
                // A batch of one: its error is its own.
                if let Some(job) = batch.into_iter().next() {
                    let _ = job.reply.send(Err(AppError::from(error)));
                }
            }
        }
    }
}

/// Stores `writes` in one transaction; the outcomes are in the same order.
async fn store_batch(
    store: &Store,
    writes: &[&AwardWrite],
) -> Result<Vec<WriteOutcome>, StoreError> {
    let mut tx = store.begin().await?;
    let mut outcomes = Vec::with_capacity(writes.len());
    let mut active_keys: Vec<(&str, bool)> = Vec::new();
    for write in writes {
        let active = match active_keys.iter().find(|(id, _)| *id == write.key_id) {
            Some((_, active)) => *active,
            None => {
                let active = keys::is_active(&mut tx, &write.key_id).await?;
                active_keys.push((&write.key_id, active));
                active
            }
        };
        let outcome = if active {
            store_one(&mut tx, write).await?
        } else {
            WriteOutcome::KeyRetired
        };
        outcomes.push(outcome);
    }
    tx.commit().await?;
    Ok(outcomes)
}

/// Claims the award's indices and inserts it, or gives the indices back if one is taken.
async fn store_one(
    conn: &mut AnyConnection,
    write: &AwardWrite,
) -> Result<WriteOutcome, StoreError> {
    let mut claimed: Vec<&StatusEntryRecord> = Vec::new();
    for entry in &write.entries {
        if status::try_claim_index(conn, entry).await? {
            claimed.push(entry);
        } else {
            for entry in claimed {
                status::release_index(conn, entry).await?;
            }
            return Ok(WriteOutcome::IndexTaken);
        }
    }
    credentials::insert(conn, &write.record).await?;
    audit::insert(conn, &write.audit).await?;
    if let Some(claim) = &write.claim {
        earners::insert_token(conn, claim).await?;
    }
    Ok(WriteOutcome::Committed)
}

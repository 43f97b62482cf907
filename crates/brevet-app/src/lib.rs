//! Brevet's use cases: the Rust API that both the HTTP server and the command line call.
//! [`App`] holds the store, the master key, the clock and the outbound client; each use case
//! owns its transaction boundary (one transaction per award, per status change).
//!
//! Map: [`orgs`] (organisations, DIDs, issuer profiles), [`signing`] (issuer keys, rotation,
//! master-key rotation), [`status`] (status list indices, revocation and suspension,
//! publication), [`issuance`] (awards and VC-API issue), [`verification`] (the core verifier
//! with Brevet's own DIDs and lists read from the store, foreign ones fetched), [`import`]
//! (recognising and verifying any credential: VC, VC-JWT, Open Badges 2.0, baked images, URLs),
//! [`auth`] (principals, roles, API keys), [`receiving`] (the award mail with its claim link),
//! [`earners`] (passwordless earner accounts) and [`wallet`] (the earner's wallet, collections,
//! hidden credentials; [`wallet_export`] the download).

pub mod achievements;
pub mod auth;
mod award_writer;
pub mod certificates;
pub mod clock;
pub mod credentials;
pub mod earners;
pub mod error;
pub mod events;
pub mod fetch_cache;
pub mod http;
pub mod ids;
pub mod images;
pub mod import;
pub mod invitations;
pub mod issuance;
pub mod mail;
pub mod master_key;
pub mod members;
pub mod oauth;
pub mod oid4vci;
pub mod org_profile;
pub mod orgs;
pub mod preview;
pub mod receiving;
pub mod sessions;
pub mod sharing;
pub mod signing;
pub mod status;
mod ttl_cache;
pub mod vc_api;
pub mod verification;
pub mod wallet;
pub mod wallet_export;
pub mod wallet_import;

use std::sync::Arc;

use brevet_core::linked_data::LinkedData;
use brevet_store::Store;

pub use auth::{Principal, Role};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::AppError;
pub use master_key::MasterKey;

/// Settings the use cases need.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// The public base URL (`https://badges.example.org`), without a trailing slash. Credential
    /// pages, status lists and did:web identifiers are derived from it.
    pub base_url: String,
    /// Lets the outbound client reach loopback and private addresses (tests only).
    pub allow_private_network: bool,
    /// The `ttl` published on status lists, in milliseconds.
    pub status_list_ttl_ms: u64,
    /// A JSON-LD processor that also serves the operator's contexts (`brevet serve --context
    /// URL=FILE`, built with `brevet_core::contexts::linked_data_with`); `None` for the shared
    /// one over the pinned contexts only.
    pub linked_data: Option<Arc<LinkedData>>,
}

impl AppConfig {
    pub fn new(base_url: &str) -> AppConfig {
        AppConfig {
            base_url: base_url.trim_end_matches('/').to_owned(),
            allow_private_network: false,
            status_list_ttl_ms: 300_000,
            linked_data: None,
        }
    }
}

/// The application: cheap to clone (everything is shared).
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    config: AppConfig,
    clock: Arc<dyn Clock>,
    master: MasterKey,
    http: http::GuardedClient,
    keys: signing::KeyCache,
    verify_cache: verification::VerifyCache,
    fetched: fetch_cache::FetchCache,
    mailer: std::sync::RwLock<Option<mail::Mailer>>,
    limiter: sessions::RateLimiter,
    events: events::Events,
    award_writer: award_writer::AwardWriter,
    previews: preview::Previews,
    /// Counts organisation profile edits (see [`App::org_profile_generation`]).
    org_profile_generation: std::sync::atomic::AtomicU64,
    /// When expired wallet links were last deleted (unix seconds; see `earners`).
    tokens_forgotten_at: std::sync::atomic::AtomicI64,
    /// The last check of each imported wallet item (see `wallet_import`).
    imported_checks: wallet_import::ImportedChecks,
}

impl App {
    pub fn new(store: Store, config: AppConfig, master: MasterKey, clock: Arc<dyn Clock>) -> App {
        let http = http::GuardedClient::with_private_network(config.allow_private_network);
        App {
            inner: Arc::new(Inner {
                store,
                config,
                clock,
                master,
                http,
                keys: signing::KeyCache::default(),
                verify_cache: verification::VerifyCache::default(),
                fetched: fetch_cache::FetchCache::default(),
                mailer: std::sync::RwLock::new(None),
                limiter: sessions::RateLimiter::default(),
                events: events::Events::default(),
                award_writer: award_writer::AwardWriter::default(),
                previews: preview::Previews::default(),
                org_profile_generation: std::sync::atomic::AtomicU64::new(0),
                tokens_forgotten_at: std::sync::atomic::AtomicI64::new(i64::MIN / 2),
                imported_checks: wallet_import::ImportedChecks::default(),
            }),
        }
    }

    /// Sends mail (invitations, password resets) through `mailer`; without one, invitations
    /// are refused and reset mails are dropped with a warning.
    pub fn with_mailer(self, mailer: mail::Mailer) -> App {
        self.set_mailer(mailer);
        self
    }

    /// Replaces the mailer (also on a running application: it is shared by every clone).
    pub fn set_mailer(&self, mailer: mail::Mailer) {
        match self.inner.mailer.write() {
            Ok(mut slot) => *slot = Some(mailer),
            Err(poisoned) => *poisoned.into_inner() = Some(mailer),
        }
    }

    /// The configured mailer, if any.
    pub fn mailer(&self) -> Option<mail::Mailer> {
        match self.inner.mailer.read() {
            Ok(slot) => slot.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub(crate) fn limiter(&self) -> &sessions::RateLimiter {
        &self.inner.limiter
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn config(&self) -> &AppConfig {
        &self.inner.config
    }

    /// What the use cases counted (for metrics).
    pub fn events(&self) -> &events::Events {
        &self.inner.events
    }

    pub fn clock(&self) -> &dyn Clock {
        self.inner.clock.as_ref()
    }

    /// The current time as unix seconds.
    pub fn now_unix(&self) -> i64 {
        self.inner.clock.now().unix_timestamp()
    }

    pub(crate) fn master(&self) -> &MasterKey {
        &self.inner.master
    }

    pub(crate) fn http(&self) -> &http::GuardedClient {
        &self.inner.http
    }

    /// The JSON-LD processor over the pinned contexts (and the operator's, if any).
    pub fn linked_data(&self) -> &LinkedData {
        match &self.inner.config.linked_data {
            Some(linked_data) => linked_data,
            None => LinkedData::shared(),
        }
    }

    /// Records an audit event (never secrets or email addresses in `detail`).
    pub async fn audit(
        &self,
        conn: &mut brevet_store::AnyConnection,
        org_id: Option<&str>,
        actor: &str,
        action: &str,
        target: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), AppError> {
        let record = self.audit_record(org_id, actor, action, target, detail);
        brevet_store::audit::insert(conn, &record).await?;
        Ok(())
    }

    /// The audit entry [`App::audit`] writes, for a caller that writes it later.
    pub(crate) fn audit_record(
        &self,
        org_id: Option<&str>,
        actor: &str,
        action: &str,
        target: Option<&str>,
        detail: Option<&str>,
    ) -> brevet_store::audit::AuditRecord {
        brevet_store::audit::AuditRecord {
            id: ids::new_id(),
            org_id: org_id.map(str::to_owned),
            actor: actor.to_owned(),
            action: action.to_owned(),
            target: target.map(str::to_owned),
            detail: detail.map(str::to_owned),
            at: self.now_unix(),
        }
    }
}

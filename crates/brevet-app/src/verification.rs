//! Verification: the core verifier, with Brevet's own DID documents and status lists read from
//! the store (never fetched) and foreign ones fetched through the guarded client. Reports of
//! stored credentials are cached, keyed by the versions of their status lists, and dropped when
//! a validity boundary passes, so a status change or an expiry shows at once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use brevet_core::verify::{
    DidSource, SourceError, StatusListSource, VerificationReport, VerifyEnv, verify,
};
use brevet_store::credentials::{self, CredentialRecord};
use brevet_store::orgs;
use serde_json::Value;
use time::OffsetDateTime;

use crate::status::CredentialStatusView;
use crate::{App, AppError};

/// The most reports kept in memory.
const CACHE_CAPACITY: usize = 10_000;

/// Documents gathered before the (synchronous) core verifier runs.
#[derive(Default)]
struct Prefetched {
    dids: HashMap<String, Result<Value, SourceError>>,
    lists: HashMap<String, Result<Value, SourceError>>,
}

fn lookup(
    map: &HashMap<String, Result<Value, SourceError>>,
    key: &str,
    what: &str,
) -> Result<Value, SourceError> {
    map.get(key)
        .cloned()
        .unwrap_or_else(|| Err(SourceError::Unavailable(format!("no {what} for {key}"))))
}

impl DidSource for Prefetched {
    fn did_document(&self, did: &str) -> Result<Value, SourceError> {
        lookup(&self.dids, did, "DID document")
    }
}

impl StatusListSource for Prefetched {
    fn status_list_credential(&self, url: &str) -> Result<Value, SourceError> {
        lookup(&self.lists, url, "status list credential")
    }
}

/// Cached reports of stored credentials.
#[derive(Default)]
pub(crate) struct VerifyCache {
    entries: Mutex<HashMap<String, CachedReport>>,
    /// Numbers the reports this process computes, so that what is derived from a report (a
    /// rendered page) can be cached under the report's number.
    generations: AtomicU64,
}

#[derive(Clone)]
struct CachedReport {
    /// `(list id, version)` of every status list the credential uses, when computed.
    status_versions: Vec<(String, i64)>,
    computed_at: i64,
    report: VerificationReport,
    generation: u64,
}

/// A stored credential with its verification report and its recorded status, as its public
/// page shows them.
#[derive(Debug, Clone)]
pub struct StoredVerification {
    pub record: CredentialRecord,
    pub report: VerificationReport,
    /// The status Brevet records (with the issuer's reasons), one entry per purpose.
    pub statuses: Vec<CredentialStatusView>,
    /// Changes whenever the report is computed afresh (a status change, a validity boundary
    /// passed, a new process): anything derived only from the record, the report and the
    /// statuses may be cached under `(public id, generation)`.
    pub generation: u64,
}

impl App {
    /// Verifies any credential.
    pub async fn verify(&self, credential: &Value) -> VerificationReport {
        let now = self.clock().now();
        let sources = self.prefetch(credential).await;
        let report = run_verifier(self.linked_data(), credential, &sources, now);
        self.events().verification(&report);
        report
    }

    /// Parses `text` strictly and verifies it; unreadable JSON is a report with `syntax` failed.
    pub async fn verify_text(&self, text: &str) -> VerificationReport {
        match brevet_core::json::parse_strict(text) {
            Ok(value) => self.verify(&value).await,
            Err(error) => {
                let report = unreadable_report(&format!("not acceptable JSON: {error}"));
                self.events().verification(&report);
                report
            }
        }
    }

    /// A stored credential and its verification report (cached while nothing it depends on
    /// changed).
    pub async fn verify_stored(
        &self,
        public_id: &str,
    ) -> Result<(CredentialRecord, VerificationReport), AppError> {
        let stored = self.verify_stored_with_status(public_id).await?;
        Ok((stored.record, stored.report))
    }

    /// [`App::verify_stored`] with the recorded status and the report's generation: two reads
    /// (the credential; its status entries with their lists' versions), then the cached report
    /// unless a status list changed or a validity boundary passed since it was computed.
    pub async fn verify_stored_with_status(
        &self,
        public_id: &str,
    ) -> Result<StoredVerification, AppError> {
        let mut conn = self.store().read().await?;
        let record = credentials::get(&mut conn, public_id).await?;
        let entries =
            brevet_store::status::entries_with_list_versions(&mut conn, public_id).await?;
        drop(conn);
        let mut versions: Vec<(String, i64)> = entries
            .iter()
            .map(|(entry, version)| (entry.list_id.clone(), *version))
            .collect();
        versions.sort();
        let statuses = crate::status::status_views(entries.into_iter().map(|(entry, _)| entry));
        let (report, generation) = self.report_of_stored(&record, versions).await?;
        Ok(StoredVerification {
            record,
            report,
            statuses,
            generation,
        })
    }

    /// The report of a stored credential whose lists are at `versions`, from the cache when
    /// still current.
    async fn report_of_stored(
        &self,
        record: &CredentialRecord,
        versions: Vec<(String, i64)>,
    ) -> Result<(VerificationReport, u64), AppError> {
        let public_id = record.id.as_str();
        let now = self.now_unix();
        if let Some(cached) = self.cached(public_id) {
            let crossed = |boundary: Option<i64>| {
                boundary.is_some_and(|at| (cached.computed_at < at) != (now < at))
                    || boundary.is_some_and(|at| (cached.computed_at <= at) != (now <= at))
            };
            if cached.status_versions == versions
                && !crossed(record.valid_from)
                && !crossed(record.valid_until)
            {
                return Ok((cached.report, cached.generation));
            }
        }
        let value = brevet_core::json::parse_strict(&record.json)
            .map_err(|error| AppError::Internal(format!("stored credential: {error}")))?;
        let report = self.verify(&value).await;
        let generation = self
            .inner
            .verify_cache
            .generations
            .fetch_add(1, Ordering::Relaxed);
        self.remember(
            public_id,
            CachedReport {
                status_versions: versions,
                computed_at: now,
                report: report.clone(),
                generation,
            },
        );
        Ok((report, generation))
    }

    fn cached(&self, public_id: &str) -> Option<CachedReport> {
        self.inner
            .verify_cache
            .entries
            .lock()
            .ok()
            .and_then(|entries| entries.get(public_id).cloned())
    }

    fn remember(&self, public_id: &str, report: CachedReport) {
        if let Ok(mut entries) = self.inner.verify_cache.entries.lock() {
            if entries.len() >= CACHE_CAPACITY {
                entries.clear();
            }
            entries.insert(public_id.to_owned(), report);
        }
    }

    /// Gathers the DID documents and status lists `credential` refers to: Brevet's own from the
    /// store, others through the guarded client.
    async fn prefetch(&self, credential: &Value) -> Prefetched {
        let mut sources = Prefetched::default();
        // A VC-JWT refers to documents through the credential it carries (and its `kid`).
        let decoded = credential
            .as_str()
            .and_then(|token| brevet_core::verify::jwt::decode_jwt(token).ok());
        let credential = match &decoded {
            Some(decoded) => &decoded.credential,
            None => credential,
        };
        for did in referenced_dids(credential) {
            let document = self.fetch_did(&did).await;
            sources.dids.insert(did, document);
        }
        for url in referenced_status_lists(credential) {
            let list = self.fetch_status_list(&url).await;
            sources.lists.insert(url, list);
        }
        sources
    }

    pub(crate) async fn fetch_did(&self, did: &str) -> Result<Value, SourceError> {
        if let Some(slug) = self.own_slug_of_did(did) {
            let mut conn = self
                .store()
                .read()
                .await
                .map_err(|error| SourceError::Unavailable(error.to_string()))?;
            return match orgs::get_by_slug(&mut conn, slug).await {
                Ok(org) => self
                    .did_document_of(&mut conn, &org)
                    .await
                    .map_err(|error| SourceError::Unavailable(error.to_string())),
                Err(_) => Err(SourceError::Unavailable(format!(
                    "{did} is not an organisation of this server"
                ))),
            };
        }
        if !did.starts_with("did:web:") {
            return Err(SourceError::Unavailable(format!(
                "DID method of {did} is not resolved by this server"
            )));
        }
        let url = brevet_core::did::did_web_url(did)
            .map_err(|error| SourceError::Invalid(error.to_string()))?;
        let url = if self.config().allow_private_network {
            // Tests run servers on plain http://127.0.0.1.
            url.replacen("https://", "http://", 1)
        } else {
            url
        };
        self.fetch_cached(url, "application/did+json, application/json", |_| {
            crate::fetch_cache::DID_TTL
        })
        .await
    }

    async fn fetch_status_list(&self, url: &str) -> Result<Value, SourceError> {
        let own_prefix = format!("{}/status/", self.config().base_url);
        if let Some(list_id) = url.strip_prefix(&own_prefix) {
            return match self.status_list_json(list_id).await {
                Ok(text) => brevet_core::json::parse_strict(&text)
                    .map_err(|error| SourceError::Invalid(error.to_string())),
                Err(AppError::NotFound) => Err(SourceError::Invalid(format!(
                    "STATUS_RETRIEVAL_ERROR: no status list at {url}"
                ))),
                Err(error) => Err(SourceError::Unavailable(error.to_string())),
            };
        }
        self.fetch_cached(
            url.to_owned(),
            "application/vc+ld+json, application/json",
            crate::fetch_cache::status_list_ttl,
        )
        .await
    }

    /// Fetches through the cache of foreign documents (see `fetch_cache` for the bounds).
    async fn fetch_cached(
        &self,
        url: String,
        accept: &'static str,
        ttl_of: fn(&Value) -> std::time::Duration,
    ) -> Result<Value, SourceError> {
        let now = self.clock().now();
        if let Some(cached) = self.inner.fetched.get(&url, now) {
            return cached;
        }
        let result = self.fetch_json(url.clone(), accept).await;
        let ttl = match &result {
            Ok(document) => ttl_of(document),
            Err(_) => crate::fetch_cache::FAILURE_TTL,
        };
        self.inner.fetched.put(&url, &result, ttl, now);
        result
    }

    async fn fetch_json(&self, url: String, accept: &'static str) -> Result<Value, SourceError> {
        let app = self.clone();
        let fetched = tokio::task::spawn_blocking(move || {
            app.http().get_text(&url, accept).map(|text| (url, text))
        })
        .await
        .map_err(|error| SourceError::Unavailable(format!("fetch task failed: {error}")))?;
        let (url, text) = fetched.map_err(|error| SourceError::Unavailable(error.to_string()))?;
        brevet_core::json::parse_strict(&text).map_err(|error| {
            SourceError::Invalid(format!(
                "the document at {url} is not acceptable JSON: {error}"
            ))
        })
    }
}

fn run_verifier(
    ld: &brevet_core::linked_data::LinkedData,
    credential: &Value,
    sources: &Prefetched,
    now: OffsetDateTime,
) -> VerificationReport {
    let env = VerifyEnv {
        now,
        ld,
        dids: sources,
        status_lists: sources,
    };
    verify(credential, &env)
}

/// A report for input that is not even JSON.
pub fn unreadable_report(reason: &str) -> VerificationReport {
    use brevet_core::verify::{CheckName, CheckResult};
    let mut checks = vec![CheckResult::failed(CheckName::Syntax, reason)];
    checks.extend(
        CheckName::ALL.iter().skip(1).map(|&name| {
            CheckResult::could_not_check(name, "not checked: the input is not readable")
        }),
    );
    VerificationReport::from_checks(checks)
}

/// The DIDs a credential's issuer and proofs name (did:key ones resolve locally).
fn referenced_dids(credential: &Value) -> Vec<String> {
    let mut dids = Vec::new();
    let mut add = |text: &str| {
        let did = brevet_core::did::did_of_url(text);
        if did.starts_with("did:") && !did.starts_with("did:key:") && !dids.iter().any(|d| d == did)
        {
            dids.push(did.to_owned());
        }
    };
    match credential.get("issuer") {
        Some(Value::String(issuer)) => add(issuer),
        Some(Value::Object(issuer)) => {
            if let Some(Value::String(id)) = issuer.get("id") {
                add(id);
            }
        }
        _ => {}
    }
    for proof in one_or_many(credential.get("proof")) {
        if let Some(Value::String(method)) = proof.get("verificationMethod") {
            add(method);
        }
    }
    dids.truncate(4);
    dids
}

/// The status list URLs a credential's `credentialStatus` entries name.
fn referenced_status_lists(credential: &Value) -> Vec<String> {
    let mut urls: Vec<String> = Vec::new();
    for entry in one_or_many(credential.get("credentialStatus")) {
        if let Some(Value::String(url)) = entry.get("statusListCredential")
            && !urls.contains(url)
        {
            urls.push(url.clone());
        }
    }
    urls.truncate(4);
    urls
}

fn one_or_many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(other) => vec![other],
        None => Vec::new(),
    }
}

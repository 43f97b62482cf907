//! A small cache of documents fetched from other hosts (did:web documents and status list
//! credentials), so verifying many credentials of one foreign issuer does not fetch the same
//! documents each time, and a failing host is not hammered (KEY-08: failures are cached briefly).
//!
//! Staleness bound (STS-08): a fetched status list is reused for at most its own `ttl` (capped
//! at [`MAX_TTL`]), a DID document for [`DID_TTL`], a failure for [`FAILURE_TTL`]. Brevet's own
//! documents never go through this cache: they are read from the store on every verification.

use std::time::Duration;

use brevet_core::verify::SourceError;
use serde_json::Value;
use time::OffsetDateTime;

use crate::ttl_cache::TtlCache;

/// The longest any fetched document is reused.
pub const MAX_TTL: Duration = Duration::from_secs(300);
/// How long a fetched DID document is reused.
pub const DID_TTL: Duration = Duration::from_secs(300);
/// How long a failed fetch is remembered before trying again.
pub const FAILURE_TTL: Duration = Duration::from_secs(30);
/// The most documents kept.
const CAPACITY: usize = 1_000;

/// Fetched documents (and failures) by URL.
pub(crate) struct FetchCache {
    entries: TtlCache<Result<Value, SourceError>>,
}

impl Default for FetchCache {
    fn default() -> Self {
        FetchCache {
            entries: TtlCache::new(CAPACITY),
        }
    }
}

impl FetchCache {
    /// The cached result for `url`, if still fresh at `now`.
    pub(crate) fn get(&self, url: &str, now: OffsetDateTime) -> Option<Result<Value, SourceError>> {
        self.entries.get(url, now)
    }

    /// Remembers `result` for `url` for `ttl` (failures for [`FAILURE_TTL`] at most).
    pub(crate) fn put(
        &self,
        url: &str,
        result: &Result<Value, SourceError>,
        ttl: Duration,
        now: OffsetDateTime,
    ) {
        let ttl = if result.is_err() {
            ttl.min(FAILURE_TTL)
        } else {
            ttl.min(MAX_TTL)
        };
        self.entries.put(url, result.clone(), ttl, now);
    }
}

/// The `ttl` a status list credential asks for (milliseconds in `credentialSubject.ttl`),
/// capped at [`MAX_TTL`]; none given means no caching beyond a short default of 60 s.
pub(crate) fn status_list_ttl(list: &Value) -> Duration {
    let ttl_ms = list
        .get("credentialSubject")
        .and_then(|subject| subject.get("ttl"))
        .and_then(Value::as_u64);
    match ttl_ms {
        Some(ms) => Duration::from_millis(ms).min(MAX_TTL),
        None => Duration::from_secs(60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(seconds: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_800_000_000 + seconds).unwrap()
    }

    #[test]
    fn entries_expire_after_their_ttl() {
        let cache = FetchCache::default();
        cache.put("u", &Ok(json!(1)), Duration::from_secs(10), at(0));
        assert_eq!(cache.get("u", at(9)), Some(Ok(json!(1))));
        assert_eq!(cache.get("u", at(10)), None);
    }

    #[test]
    fn failures_are_kept_briefly_and_ttls_are_capped() {
        let cache = FetchCache::default();
        let failure = Err(SourceError::Unavailable("down".into()));
        cache.put("f", &failure, Duration::from_secs(3600), at(0));
        assert!(cache.get("f", at(29)).is_some());
        assert!(cache.get("f", at(30)).is_none());
        cache.put("s", &Ok(json!(1)), Duration::from_secs(3600), at(0));
        assert!(cache.get("s", at(299)).is_some());
        assert!(cache.get("s", at(300)).is_none());
    }

    #[test]
    fn status_list_ttl_is_read_and_capped() {
        assert_eq!(
            status_list_ttl(&json!({"credentialSubject": {"ttl": 5000}})),
            Duration::from_secs(5)
        );
        assert_eq!(
            status_list_ttl(&json!({"credentialSubject": {"ttl": 86_400_000}})),
            MAX_TTL
        );
        assert_eq!(status_list_ttl(&json!({})), Duration::from_secs(60));
    }
}

//! A small in-memory cache whose entries expire: a mutex-guarded map from a key to a value and
//! the instant it stops being fresh, with a capacity (beyond it, expired entries are dropped,
//! then all). Time is passed in, so callers and tests decide what "now" is.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use time::OffsetDateTime;

/// Values by key, each fresh until its own expiry.
pub(crate) struct TtlCache<V> {
    capacity: usize,
    entries: Mutex<HashMap<String, (OffsetDateTime, V)>>,
}

impl<V: Clone> TtlCache<V> {
    /// An empty cache that keeps at most `capacity` entries.
    pub(crate) fn new(capacity: usize) -> Self {
        TtlCache {
            capacity,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The value for `key`, if it is still fresh at `now`.
    pub(crate) fn get(&self, key: &str, now: OffsetDateTime) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .filter(|(expires_at, _)| now < *expires_at)
            .map(|(_, value)| value.clone())
    }

    /// Keeps `value` for `key` for `ttl` from `now` (a zero `ttl` keeps nothing).
    pub(crate) fn put(&self, key: &str, value: V, ttl: Duration, now: OffsetDateTime) {
        if ttl.is_zero() {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= self.capacity {
                entries.retain(|_, (expires_at, _)| now < *expires_at);
                if entries.len() >= self.capacity {
                    entries.clear();
                }
            }
            entries.insert(key.to_owned(), (now + ttl, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_800_000_000 + seconds).unwrap()
    }

    #[test]
    fn values_are_fresh_until_their_ttl_and_zero_keeps_nothing() {
        let cache = TtlCache::new(10);
        cache.put("a", 1, Duration::from_secs(10), at(0));
        cache.put("b", 2, Duration::ZERO, at(0));
        assert_eq!(cache.get("a", at(9)), Some(1));
        assert_eq!(cache.get("a", at(10)), None);
        assert_eq!(cache.get("b", at(0)), None);
    }

    #[test]
    fn a_full_cache_drops_expired_entries_first_then_everything() {
        let cache = TtlCache::new(2);
        cache.put("old", 1, Duration::from_secs(1), at(0));
        cache.put("kept", 2, Duration::from_secs(100), at(0));
        cache.put("new", 3, Duration::from_secs(100), at(5));
        assert_eq!(cache.get("kept", at(6)), Some(2));
        assert_eq!(cache.get("new", at(6)), Some(3));
        cache.put("newer", 4, Duration::from_secs(100), at(7));
        assert_eq!(cache.get("kept", at(8)), None);
        assert_eq!(cache.get("newer", at(8)), Some(4));
    }
}

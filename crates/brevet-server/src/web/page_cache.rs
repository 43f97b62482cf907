//! Rendered public pages kept in memory: a credential page depends only on the stored
//! credential, its verification report and its recorded status (all three named by the report's
//! generation, see `App::verify_stored_with_status`), on the minute shown as "checked", and on
//! the issuing organisation's profile (its LinkedIn id in the share actions, named by
//! `App::org_profile_generation`), so it is rendered once per generation, minute and profile
//! edit and then served from here.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;

/// The most pages kept; when full, the cache starts again empty (cheap and bounded).
const CAPACITY: usize = 10_000;

/// What a cached page was rendered from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageKey {
    /// The report's generation.
    pub generation: u64,
    /// The minute (Unix time / 60) the page says it was checked.
    pub minute: i64,
    /// The generation of the organisations' profiles (`App::org_profile_generation`): the share
    /// actions carry the issuing organisation's LinkedIn id.
    pub org_profiles: u64,
}

/// Rendered pages by public id.
#[derive(Default)]
pub struct PageCache {
    pages: Mutex<HashMap<String, (PageKey, Bytes)>>,
}

impl PageCache {
    /// The page rendered for `id` under `key`, if it is cached.
    pub fn get(&self, id: &str, key: PageKey) -> Option<Bytes> {
        let pages = self.pages.lock().ok()?;
        match pages.get(id) {
            Some((cached_key, body)) if *cached_key == key => Some(body.clone()),
            _ => None,
        }
    }

    /// Keeps the page rendered for `id` under `key` (replacing an older rendering).
    pub fn put(&self, id: &str, key: PageKey, body: Bytes) {
        if let Ok(mut pages) = self.pages.lock() {
            if pages.len() >= CAPACITY && !pages.contains_key(id) {
                pages.clear();
            }
            pages.insert(id.to_owned(), (key, body));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_served_only_under_the_key_it_was_rendered_for() {
        let cache = PageCache::default();
        let key = PageKey {
            generation: 7,
            minute: 100,
            org_profiles: 0,
        };
        cache.put("abc", key, Bytes::from_static(b"<p>verified"));
        assert_eq!(cache.get("abc", key).as_deref(), Some(&b"<p>verified"[..]));
        let newer_report = PageKey {
            generation: 8,
            ..key
        };
        let next_minute = PageKey { minute: 101, ..key };
        let edited_profile = PageKey {
            org_profiles: 1,
            ..key
        };
        assert!(cache.get("abc", edited_profile).is_none());
        assert!(cache.get("abc", newer_report).is_none());
        assert!(cache.get("abc", next_minute).is_none());
        assert!(cache.get("other", key).is_none());
        cache.put("abc", newer_report, Bytes::from_static(b"<p>revoked"));
        assert_eq!(
            cache.get("abc", newer_report).as_deref(),
            Some(&b"<p>revoked"[..])
        );
        assert!(cache.get("abc", key).is_none());
    }
}

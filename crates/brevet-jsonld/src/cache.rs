//! The processor's context cache: loaded remote contexts and processed active contexts.

use std::sync::{Arc, RwLock};

use serde_json::Value;

use crate::context::{ActiveContext, next_id};
use crate::error::fail;
use crate::fast_hash::FastMap;
use crate::{DocumentLoader, ErrorCode, JsonLdError};

/// Entries kept before the processed-context map is flushed (bounds memory on hostile input).
const MAX_PROCESSED: usize = 4096;

/// A dereferenced remote context: the value of its `@context` entry.
#[derive(Debug)]
pub(crate) struct LoadedContext {
    pub(crate) id: u64,
    pub(crate) document_url: String,
    pub(crate) context: Arc<Value>,
}

/// What a local context is, for caching.
#[derive(Debug, Hash, PartialEq, Eq)]
pub(crate) enum LocalKey {
    /// A scoped or remote context with a unique id.
    Id(u64),
    /// An embedded context, by serialization and base URL.
    Inline(String, Option<String>),
}

#[derive(Debug, Hash, PartialEq, Eq)]
pub(crate) struct ProcessKey {
    pub(crate) active: u64,
    pub(crate) local: LocalKey,
    pub(crate) flags: u8,
}

/// Embedded contexts remembered by value (see [`ContextCache::embedded`]).
const MAX_EMBEDDED: usize = 16;

/// An embedded context processed against an active context, kept by value.
#[derive(Debug)]
struct EmbeddedEntry {
    active: u64,
    flags: u8,
    base_url: Option<String>,
    local: Value,
    result: Arc<ActiveContext>,
}

/// JSON equality that also compares the order of object entries (a context's entries are
/// processed in order).
fn same_json(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Array(left), Value::Array(right)) => {
            left.len() == right.len() && left.iter().zip(right).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(left), Value::Object(right)) => {
            left.len() == right.len()
                && left
                    .iter()
                    .zip(right)
                    .all(|((ka, va), (kb, vb))| ka == kb && same_json(va, vb))
        }
        _ => left == right,
    }
}

/// Caches shared by every expansion of one processor.
#[derive(Debug, Default)]
pub(crate) struct ContextCache {
    remote: RwLock<FastMap<String, Arc<LoadedContext>>>,
    processed: RwLock<FastMap<ProcessKey, Arc<ActiveContext>>>,
    initial: RwLock<FastMap<Option<String>, Arc<ActiveContext>>>,
    /// The last few embedded contexts, found by comparing values: cheaper than building the
    /// `processed` key (a serialization) for the one or two `@context` values every document
    /// of a stream repeats.
    embedded: RwLock<Vec<EmbeddedEntry>>,
}

impl ContextCache {
    /// A remembered embedded context: `local` processed with `flags` against the active
    /// context `active` with `base_url`.
    pub(crate) fn embedded(
        &self,
        active: u64,
        flags: u8,
        local: &Value,
        base_url: Option<&str>,
    ) -> Option<Arc<ActiveContext>> {
        let entries = self
            .embedded
            .read()
            .unwrap_or_else(|poison| poison.into_inner());
        entries
            .iter()
            .find(|entry| {
                entry.active == active
                    && entry.flags == flags
                    && entry.base_url.as_deref() == base_url
                    && same_json(&entry.local, local)
            })
            .map(|entry| Arc::clone(&entry.result))
    }

    /// Remembers an embedded context (the oldest is forgotten beyond [`MAX_EMBEDDED`]).
    pub(crate) fn store_embedded(
        &self,
        active: u64,
        flags: u8,
        local: &Value,
        base_url: Option<&str>,
        result: &Arc<ActiveContext>,
    ) {
        let mut entries = self
            .embedded
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        if entries.len() >= MAX_EMBEDDED {
            entries.remove(0);
        }
        entries.push(EmbeddedEntry {
            active,
            flags,
            base_url: base_url.map(str::to_owned),
            local: local.clone(),
            result: Arc::clone(result),
        });
    }

    pub(crate) fn processed(&self, key: &ProcessKey) -> Option<Arc<ActiveContext>> {
        let map = self
            .processed
            .read()
            .unwrap_or_else(|poison| poison.into_inner());
        map.get(key).cloned()
    }

    pub(crate) fn store_processed(&self, key: ProcessKey, context: &Arc<ActiveContext>) {
        let mut map = self
            .processed
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        if map.len() >= MAX_PROCESSED {
            map.clear();
        }
        map.insert(key, Arc::clone(context));
    }

    /// The empty active context for a base IRI (one identity per base, so cache keys repeat).
    pub(crate) fn initial(&self, base: Option<&str>) -> Arc<ActiveContext> {
        let key = base.map(str::to_owned);
        if let Some(hit) = self
            .initial
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
            .get(&key)
        {
            return Arc::clone(hit);
        }
        let mut map = self
            .initial
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        if map.len() >= MAX_PROCESSED {
            map.clear();
        }
        Arc::clone(
            map.entry(key.clone())
                .or_insert_with(|| Arc::new(ActiveContext::new(key))),
        )
    }

    /// Dereferences a remote context once; later calls reuse the stored `@context` value.
    pub(crate) fn load_context(
        &self,
        loader: &dyn DocumentLoader,
        url: &str,
    ) -> Result<Arc<LoadedContext>, JsonLdError> {
        if let Some(hit) = self
            .remote
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
            .get(url)
        {
            return Ok(Arc::clone(hit));
        }
        let document = loader.load(url).map_err(|error| {
            JsonLdError::new(ErrorCode::LOADING_REMOTE_CONTEXT_FAILED, error.to_string())
        })?;
        let Some(context) = document
            .document
            .as_object()
            .and_then(|map| map.get("@context"))
        else {
            return fail(
                ErrorCode::INVALID_REMOTE_CONTEXT,
                format!("{url} has no top-level @context"),
            );
        };
        let loaded = Arc::new(LoadedContext {
            id: next_id(),
            document_url: document.document_url.clone(),
            context: Arc::new(context.clone()),
        });
        let mut map = self
            .remote
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        if map.len() >= MAX_PROCESSED {
            map.clear();
        }
        Ok(Arc::clone(map.entry(url.to_owned()).or_insert(loaded)))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::same_json;

    #[test]
    fn same_json_compares_entry_order_too() {
        assert!(same_json(
            &json!(["a", {"x": 1, "y": [2]}]),
            &json!(["a", {"x": 1, "y": [2]}])
        ));
        assert!(!same_json(
            &json!({"x": 1, "y": 2}),
            &json!({"y": 2, "x": 1})
        ));
        assert!(!same_json(&json!(["a", "b"]), &json!(["b", "a"])));
        assert!(!same_json(&json!(["a"]), &json!(["a", "b"])));
        assert!(!same_json(&json!({"x": 1}), &json!({"x": 1.0})));
    }
}

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

/// Caches shared by every expansion of one processor.
#[derive(Debug, Default)]
pub(crate) struct ContextCache {
    remote: RwLock<FastMap<String, Arc<LoadedContext>>>,
    processed: RwLock<FastMap<ProcessKey, Arc<ActiveContext>>>,
    initial: RwLock<FastMap<Option<String>, Arc<ActiveContext>>>,
}

impl ContextCache {
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

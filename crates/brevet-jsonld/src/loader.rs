//! The document loader boundary: the caller decides which documents exist.

use std::sync::Arc;

/// A loaded document. `document` is the parsed JSON.
#[derive(Clone, Debug)]
pub struct RemoteDocument {
    pub document_url: String,
    pub document: Arc<serde_json::Value>,
    pub context_url: Option<String>,
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[error("cannot load {url}: {reason}")]
pub struct LoadError {
    pub url: String,
    pub reason: String,
}

/// Resolves context and document URLs. Implementations must be deterministic: the processor
/// caches what a URL returned.
pub trait DocumentLoader: Send + Sync {
    fn load(&self, url: &str) -> Result<RemoteDocument, LoadError>;
}

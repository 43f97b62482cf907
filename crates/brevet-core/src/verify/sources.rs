//! Where the verifier gets documents it does not hold: DID documents (did:web and other methods;
//! did:key is resolved locally) and status list credentials. The core defines the traits; the
//! caller implements them (files, a guarded HTTP client, a database).

use std::collections::HashMap;

use serde_json::Value;

/// Why a source could not supply a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The document could not be had (offline, network error, not found): the check cannot be made.
    #[error("{0}")]
    Unavailable(String),
    /// The document was had but is not acceptable (not JSON, too large, wrong id).
    #[error("{0}")]
    Invalid(String),
}

/// Supplies DID documents by DID.
pub trait DidSource {
    fn did_document(&self, did: &str) -> Result<Value, SourceError>;
}

/// Supplies status list credentials by URL.
pub trait StatusListSource {
    fn status_list_credential(&self, url: &str) -> Result<Value, SourceError>;
}

/// A source that has nothing: every request is unavailable (offline, no documents supplied).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoSources;

impl DidSource for NoSources {
    fn did_document(&self, did: &str) -> Result<Value, SourceError> {
        Err(SourceError::Unavailable(format!(
            "no DID document available for {did} (offline)"
        )))
    }
}

impl StatusListSource for NoSources {
    fn status_list_credential(&self, url: &str) -> Result<Value, SourceError> {
        Err(SourceError::Unavailable(format!(
            "no status list available for {url} (offline)"
        )))
    }
}

/// Documents held in memory, by DID and by status list URL; anything else is unavailable.
#[derive(Clone, Debug, Default)]
pub struct StaticSources {
    pub did_documents: HashMap<String, Value>,
    pub status_lists: HashMap<String, Value>,
}

impl StaticSources {
    pub fn new() -> Self {
        StaticSources::default()
    }

    pub fn with_did_document(mut self, did: impl Into<String>, document: Value) -> Self {
        self.did_documents.insert(did.into(), document);
        self
    }

    pub fn with_status_list(mut self, url: impl Into<String>, credential: Value) -> Self {
        self.status_lists.insert(url.into(), credential);
        self
    }
}

impl DidSource for StaticSources {
    fn did_document(&self, did: &str) -> Result<Value, SourceError> {
        self.did_documents
            .get(did)
            .cloned()
            .ok_or_else(|| SourceError::Unavailable(format!("no DID document supplied for {did}")))
    }
}

impl StatusListSource for StaticSources {
    fn status_list_credential(&self, url: &str) -> Result<Value, SourceError> {
        self.status_lists
            .get(url)
            .cloned()
            .ok_or_else(|| SourceError::Unavailable(format!("no status list supplied for {url}")))
    }
}

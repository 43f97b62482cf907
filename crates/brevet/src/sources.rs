//! Where `brevet verify` gets DID documents and status list credentials: files given on the
//! command line first, then (unless `--offline`) the guarded HTTPS client.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use brevet_core::verify::{DidSource, SourceError, StatusListSource};
use serde_json::Value;

use crate::input::read_json;
use brevet_app::http::GuardedClient;

/// Documents from files, then from the network.
pub(crate) struct CliSources {
    did_documents: HashMap<String, Value>,
    status_lists: HashMap<String, Value>,
    client: Option<GuardedClient>,
}

impl CliSources {
    /// Reads the `KEY=FILE` pairs; `offline` disables the network.
    pub(crate) fn new(
        did_docs: &[String],
        status_lists: &[String],
        offline: bool,
    ) -> anyhow::Result<Self> {
        Ok(CliSources {
            did_documents: read_pairs(did_docs, "--did-doc", "DID document")?,
            status_lists: read_pairs(status_lists, "--status-list", "status list credential")?,
            client: (!offline).then(GuardedClient::new),
        })
    }

    fn fetch_json(&self, url: &str, accept: &str, what: &str) -> Result<Value, SourceError> {
        let Some(client) = &self.client else {
            return Err(SourceError::Unavailable(format!(
                "{what} {url} not fetched: --offline"
            )));
        };
        let text = client
            .get_text(url, accept)
            .map_err(|error| SourceError::Unavailable(error.to_string()))?;
        brevet_core::json::parse_strict(&text).map_err(|error| {
            SourceError::Invalid(format!(
                "the {what} at {url} is not acceptable JSON: {error}"
            ))
        })
    }
}

/// Parses `KEY=FILE` pairs (split at the last `=`, since URLs may hold one) and reads each file.
fn read_pairs(pairs: &[String], flag: &str, what: &str) -> anyhow::Result<HashMap<String, Value>> {
    let mut documents = HashMap::new();
    for pair in pairs {
        let (key, file) = pair
            .rsplit_once('=')
            .filter(|(key, file)| !key.is_empty() && !file.is_empty())
            .with_context(|| format!("{flag} expects KEY=FILE, got {pair:?}"))?;
        let document = read_json(Some(Path::new(file)), &format!("the {what} in {file}"))?;
        documents.insert(key.to_owned(), document);
    }
    Ok(documents)
}

impl DidSource for CliSources {
    fn did_document(&self, did: &str) -> Result<Value, SourceError> {
        if let Some(document) = self.did_documents.get(did) {
            return Ok(document.clone());
        }
        let url = brevet_core::did::did_web_url(did).map_err(|error| {
            SourceError::Unavailable(format!(
                "cannot resolve {did}: {error} (supply it with --did-doc {did}=FILE)"
            ))
        })?;
        let document = self.fetch_json(
            &url,
            "application/did+json, application/json",
            "DID document",
        )?;
        if document.get("id").and_then(Value::as_str) != Some(did) {
            return Err(SourceError::Invalid(format!(
                "the DID document at {url} is not the document of {did} (its id differs)"
            )));
        }
        Ok(document)
    }
}

impl StatusListSource for CliSources {
    fn status_list_credential(&self, url: &str) -> Result<Value, SourceError> {
        if let Some(document) = self.status_lists.get(url) {
            return Ok(document.clone());
        }
        self.fetch_json(
            url,
            "application/vc+ld+json, application/ld+json, application/json",
            "status list credential",
        )
    }
}

//! Gathering the documents an Open Badges 2.0 assertion refers to. The rules (in
//! `brevet_core::ob2`) say what they need by asking a [`DocumentSource`]; here the pure verifier
//! runs over what has been fetched so far, records what it asked for and did not have, and those
//! documents are fetched through the guarded client before it runs again. Bounded: a few rounds
//! and a few documents, each fetched at most once, never cached beyond this one verification
//! (a revocation shows at once).

use std::collections::HashMap;
use std::sync::Mutex;

use brevet_core::ob2::{self, DocumentSource, Ob2Input, Ob2Verification};
use brevet_core::verify::SourceError;
use serde_json::Value;

use crate::App;
use crate::http::FetchError;

/// The most rounds of fetching (assertion, badge, issuer, key, revocation list: five steps).
const MAX_ROUNDS: usize = 6;
/// The most documents fetched for one assertion: the assertion, its BadgeClass, the issuer
/// Profile, up to four keys and the revocation list (each fetch is capped at 5 s).
const MAX_DOCUMENTS: usize = 8;

/// Documents by URL, fetched or refused.
pub(crate) type Documents = HashMap<String, Result<Value, SourceError>>;

/// What has been fetched, and what the verifier asked for beyond it.
struct Gathered<'a> {
    documents: &'a Documents,
    missing: Mutex<Vec<String>>,
}

impl DocumentSource for Gathered<'_> {
    fn document(&self, url: &str) -> Result<Value, SourceError> {
        if let Some(found) = self.documents.get(url) {
            return found.clone();
        }
        if let Ok(mut missing) = self.missing.lock()
            && !missing.iter().any(|known| known == url)
        {
            missing.push(url.to_owned());
        }
        Err(SourceError::Unavailable(format!(
            "{url} was not fetched (too many documents)"
        )))
    }
}

impl App {
    /// Runs the Open Badges 2.0 rules, fetching what they ask for; `documents` may hold the ones
    /// already had (the assertion fetched from the URL given).
    pub(crate) async fn verify_ob2(
        &self,
        input: Ob2Input<'_>,
        mut documents: Documents,
    ) -> Ob2Verification {
        let now = self.clock().now();
        let mut rounds = 0;
        loop {
            let (result, missing) = {
                let gathered = Gathered {
                    documents: &documents,
                    missing: Mutex::new(Vec::new()),
                };
                let result = ob2::verify(input, &gathered, now);
                let missing = gathered.missing.into_inner().unwrap_or_default();
                (result, missing)
            };
            rounds += 1;
            if missing.is_empty() || rounds >= MAX_ROUNDS || documents.len() >= MAX_DOCUMENTS {
                self.events().verification(&result.report);
                return result;
            }
            for url in missing {
                if documents.len() >= MAX_DOCUMENTS {
                    break;
                }
                let fetched = self.fetch_document(&url).await;
                documents.insert(url, fetched);
            }
        }
    }

    /// One Open Badges 2.0 document: JSON from a public https URL.
    async fn fetch_document(&self, url: &str) -> Result<Value, SourceError> {
        let text = self.fetch_text(url).await.map_err(|error| match error {
            // The issuer says it is not there: nothing to verify against.
            FetchError::Status {
                status: 404 | 410, ..
            } => SourceError::Invalid(error.to_string()),
            other => SourceError::Unavailable(other.to_string()),
        })?;
        brevet_core::json::parse_strict(&text)
            .map_err(|error| SourceError::Invalid(format!("not acceptable JSON: {error}")))
    }

    /// Fetches a JSON document's text through the guarded client, off the async runtime.
    pub(crate) async fn fetch_text(&self, url: &str) -> Result<String, FetchError> {
        let app = self.clone();
        let url = url.to_owned();
        let target = url.clone();
        tokio::task::spawn_blocking(move || {
            app.http()
                .get_text(&target, "application/ld+json, application/json")
        })
        .await
        .unwrap_or_else(|error| {
            Err(FetchError::Failed {
                url,
                reason: format!("the fetch task failed: {error}"),
            })
        })
    }
}

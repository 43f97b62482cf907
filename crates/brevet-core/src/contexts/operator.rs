//! Contexts an operator adds at start-up (`brevet serve --context URL=FILE`): a vocabulary of
//! their own, or a W3C context Brevet does not embed. They are served from the file read at
//! start-up, like the pinned ones: never fetched, fixed for the life of the process, and
//! identified in the log by their SHA-256.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{CREDENTIALS_V2, PINNED_CONTEXTS, PinnedLoader};
use crate::linked_data::LinkedData;

/// A context document the operator supplied, checked by [`OperatorContext::new`].
#[derive(Clone, Debug, PartialEq)]
pub struct OperatorContext {
    url: String,
    document: Value,
    sha256: String,
}

/// Why an operator's context is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OperatorContextError {
    #[error("context URL {0:?} must be an absolute https:// or http:// URL")]
    NotAUrl(String),
    #[error("{0} is a context Brevet embeds; its pinned copy cannot be replaced")]
    Pinned(String),
    #[error("the document for {url} must be a JSON object with an \"@context\" member")]
    NotAContext { url: String },
    #[error("the context {url} cannot be processed: {reason}")]
    Unprocessable { url: String, reason: String },
    #[error("the context {0} is given twice")]
    Duplicate(String),
}

impl OperatorContext {
    /// Checks `document` (parsed from `text`, the file's bytes) as the context served at `url`.
    pub fn new(url: &str, text: &str, document: Value) -> Result<Self, OperatorContextError> {
        let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
        let host_present = url
            .split_once("://")
            .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'));
        if !scheme_ok || !host_present || url.chars().any(char::is_whitespace) {
            return Err(OperatorContextError::NotAUrl(url.to_owned()));
        }
        if PINNED_CONTEXTS.iter().any(|pinned| pinned.url == url) {
            return Err(OperatorContextError::Pinned(url.to_owned()));
        }
        if !document
            .as_object()
            .is_some_and(|object| object.contains_key("@context"))
        {
            return Err(OperatorContextError::NotAContext {
                url: url.to_owned(),
            });
        }
        let sha256 = Sha256::digest(text.as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        Ok(OperatorContext {
            url: url.to_owned(),
            document,
            sha256,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// The SHA-256 (hex) of the file's bytes, for the log.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
}

/// A JSON-LD processor serving the pinned contexts plus `contexts`, each checked by expanding a
/// credential that uses it, so a malformed context fails at start-up rather than on the first
/// credential.
pub fn linked_data_with(contexts: &[OperatorContext]) -> Result<LinkedData, OperatorContextError> {
    let mut loader = PinnedLoader::new();
    let mut seen: Vec<&str> = Vec::new();
    for context in contexts {
        if seen.contains(&context.url.as_str()) {
            return Err(OperatorContextError::Duplicate(context.url.clone()));
        }
        seen.push(&context.url);
        loader = loader.with_document(context.url.clone(), context.document.clone());
    }
    let linked_data = LinkedData::new(loader);
    for context in contexts {
        let probe = serde_json::json!({
            "@context": [CREDENTIALS_V2, context.url],
            "type": ["VerifiableCredential"],
        });
        linked_data
            .expand(&probe)
            .map_err(|error| OperatorContextError::Unprocessable {
                url: context.url.clone(),
                reason: error.to_string(),
            })?;
    }
    Ok(linked_data)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const URL: &str = "https://vocab.example.org/skills/v1";

    fn context(url: &str, document: Value) -> Result<OperatorContext, OperatorContextError> {
        let text = document.to_string();
        OperatorContext::new(url, &text, document)
    }

    fn skills() -> Value {
        json!({"@context": {
            "SkillCredential": "https://vocab.example.org/skills#SkillCredential",
            "level": "https://vocab.example.org/skills#level"
        }})
    }

    #[test]
    fn an_operator_context_defines_terms_for_the_processor() {
        let added = context(URL, skills()).unwrap();
        assert_eq!(added.sha256().len(), 64);
        let ld = linked_data_with(&[added]).unwrap();
        assert!(ld.serves_context(URL));
        let credential = json!({
            "@context": [CREDENTIALS_V2, URL],
            "type": ["VerifiableCredential", "SkillCredential"],
            "credentialSubject": {"level": "expert"}
        });
        let quads = ld.to_rdf(&credential).unwrap();
        assert!(
            quads
                .iter()
                .any(|quad| format!("{quad:?}").contains("https://vocab.example.org/skills#level")),
            "{quads:?}"
        );
        // Without it, the same credential is refused.
        assert!(LinkedData::shared().to_rdf(&credential).is_err());
    }

    #[test]
    fn bad_operator_contexts_are_refused_with_the_reason() {
        assert_eq!(
            context("vocab.example.org/v1", skills()),
            Err(OperatorContextError::NotAUrl("vocab.example.org/v1".into()))
        );
        assert_eq!(
            context("https:///path", skills()),
            Err(OperatorContextError::NotAUrl("https:///path".into()))
        );
        assert_eq!(
            context(CREDENTIALS_V2, skills()),
            Err(OperatorContextError::Pinned(CREDENTIALS_V2.into()))
        );
        assert_eq!(
            context(URL, json!({"SkillCredential": "https://x.example/y"})),
            Err(OperatorContextError::NotAContext { url: URL.into() })
        );
        let redefines_protected = context(
            URL,
            json!({"@context": {"VerifiableCredential": "https://evil.example/VC"}}),
        )
        .unwrap();
        assert!(matches!(
            linked_data_with(&[redefines_protected]),
            Err(OperatorContextError::Unprocessable { .. })
        ));
        let twice = context(URL, skills()).unwrap();
        assert_eq!(
            linked_data_with(&[twice.clone(), twice]).err(),
            Some(OperatorContextError::Duplicate(URL.into()))
        );
    }
}

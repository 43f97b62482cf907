//! The JSON-LD context documents embedded in the binary, each pinned by the SHA-256 recorded
//! when it was vendored from its registry package (see `contexts/manifest.json`).
//!
//! This is the only source of contexts: no context is ever fetched. A context whose bytes no
//! longer match their recorded digest is refused, so verification fails closed.

mod operator;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use brevet_jsonld::{DocumentLoader, LoadError, RemoteDocument};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub use operator::{OperatorContext, OperatorContextError, linked_data_with};

/// One vendored context: its URL, its bytes and the SHA-256 (hex) recorded when vendored.
#[derive(Clone, Copy, Debug)]
pub struct PinnedContext {
    pub url: &'static str,
    pub text: &'static str,
    pub sha256: &'static str,
}

/// Every context Brevet embeds.
pub const PINNED_CONTEXTS: &[PinnedContext] = &[
    PinnedContext {
        url: "https://www.w3.org/ns/credentials/v2",
        text: include_str!("../contexts/credentials-v2.jsonld"),
        sha256: "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f",
    },
    PinnedContext {
        url: "https://www.w3.org/2018/credentials/v1",
        text: include_str!("../contexts/credentials-v1.jsonld"),
        sha256: "00d7dd6d3ad8b920e3e550dd3a3d9090bffcac84cdbf943da6924b3e0a5c8bb8",
    },
    PinnedContext {
        url: "https://www.w3.org/ns/credentials/undefined-terms/v2",
        text: include_str!("../contexts/credentials-undefined-terms-v2.jsonld"),
        sha256: "82dab514ba44eb18f5d1b0f638c5e140c6a556fbfb5089601bdc0fa5eb8b2581",
    },
    PinnedContext {
        url: "https://w3id.org/security/data-integrity/v1",
        text: include_str!("../contexts/data-integrity-v1.jsonld"),
        sha256: "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
    },
    PinnedContext {
        url: "https://w3id.org/security/data-integrity/v2",
        text: include_str!("../contexts/data-integrity-v2.jsonld"),
        sha256: "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363",
    },
    PinnedContext {
        url: "https://w3id.org/security/multikey/v1",
        text: include_str!("../contexts/multikey-v1.jsonld"),
        sha256: "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6",
    },
    PinnedContext {
        url: "https://www.w3.org/ns/credentials/status/v1",
        text: include_str!("../contexts/bitstring-status-list-v1.jsonld"),
        sha256: "fd08cbf28ddd829ab2f1978c48f43ab07a112c1c90245a0cfac7ba721c65170c",
    },
    PinnedContext {
        url: "https://w3id.org/security/suites/ed25519-2020/v1",
        text: include_str!("../contexts/ed25519-signature-2020-v1.jsonld"),
        sha256: "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588",
    },
    PinnedContext {
        url: "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        text: include_str!("../contexts/ob-v3p0-context.json"),
        sha256: "c4a75b69d05ae3f072ca14ef03e5bb1435a4e3c6419cb6672b9ac46d0ee49a4f",
    },
    PinnedContext {
        url: "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        text: include_str!("../contexts/ob-v3p0-context-3.0.1.json"),
        sha256: "9ce52215e2aed683d8b26e65b1c8fb5af63bcdf84dbce23194a1d0814a66349a",
    },
    PinnedContext {
        url: "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        text: include_str!("../contexts/ob-v3p0-context-3.0.2.json"),
        sha256: "bba433989e1e700ca60838a3c22378e7d8381aeb0c9590f9ddf84d1714f10296",
    },
    PinnedContext {
        url: "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        text: include_str!("../contexts/ob-v3p0-context-3.0.3.json"),
        sha256: "88115d8e3c088bf2c83f68e6373027072ab9f3f83523a55b49d3605199d56413",
    },
    PinnedContext {
        url: "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        text: include_str!("../contexts/ob-v3p0-extensions.json"),
        sha256: "1c4f705af92007783c589eb1f1b221ecc24ac588a83e0212faf1728c69b61487",
    },
];

/// Well-known context URLs.
pub const CREDENTIALS_V1: &str = "https://www.w3.org/2018/credentials/v1";
pub const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";
pub const OB_V3P0: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
pub const DATA_INTEGRITY_V2: &str = "https://w3id.org/security/data-integrity/v2";
pub const ED25519_2020_V1: &str = "https://w3id.org/security/suites/ed25519-2020/v1";
pub const MULTIKEY_V1: &str = "https://w3id.org/security/multikey/v1";

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContextError {
    #[error(
        "embedded context {url} does not match its pinned SHA-256 (expected {expected}, found {found})"
    )]
    DigestMismatch {
        url: String,
        expected: String,
        found: String,
    },
    #[error("embedded context {url} is not valid JSON: {reason}")]
    Malformed { url: String, reason: String },
}

/// Checks one pinned context against its digest and parses it.
pub fn check_pinned(context: &PinnedContext) -> Result<Value, ContextError> {
    let found = hex(&Sha256::digest(context.text.as_bytes()));
    if found != context.sha256 {
        return Err(ContextError::DigestMismatch {
            url: context.url.to_owned(),
            expected: context.sha256.to_owned(),
            found,
        });
    }
    serde_json::from_str(context.text).map_err(|error| ContextError::Malformed {
        url: context.url.to_owned(),
        reason: error.to_string(),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn pinned_documents() -> &'static Result<HashMap<&'static str, Arc<Value>>, ContextError> {
    static DOCUMENTS: OnceLock<Result<HashMap<&'static str, Arc<Value>>, ContextError>> =
        OnceLock::new();
    DOCUMENTS.get_or_init(|| {
        PINNED_CONTEXTS
            .iter()
            .map(|context| Ok((context.url, Arc::new(check_pinned(context)?))))
            .collect()
    })
}

/// Checks every embedded context against its digest; the CLI calls this at start-up.
pub fn verify_integrity() -> Result<(), ContextError> {
    pinned_documents()
        .as_ref()
        .map(|_| ())
        .map_err(Clone::clone)
}

/// A document loader that serves only the pinned contexts, plus extra documents the caller adds
/// explicitly (a test suite's example context, for instance). Any other URL is an error.
#[derive(Clone, Default)]
pub struct PinnedLoader {
    extra: HashMap<String, Arc<Value>>,
}

impl PinnedLoader {
    pub fn new() -> Self {
        PinnedLoader::default()
    }

    /// Whether this loader serves `url`: a pinned context or an extra document.
    pub fn serves(&self, url: &str) -> bool {
        self.extra.contains_key(url) || PINNED_CONTEXTS.iter().any(|pinned| pinned.url == url)
    }

    /// The URLs of the documents added with [`PinnedLoader::with_document`], sorted.
    pub fn extra_urls(&self) -> Vec<&str> {
        let mut urls: Vec<&str> = self.extra.keys().map(String::as_str).collect();
        urls.sort_unstable();
        urls
    }

    /// Adds a document served at `url` in addition to the pinned contexts.
    pub fn with_document(mut self, url: impl Into<String>, document: Value) -> Self {
        self.extra.insert(url.into(), Arc::new(document));
        self
    }
}

impl DocumentLoader for PinnedLoader {
    fn load(&self, url: &str) -> Result<RemoteDocument, LoadError> {
        let refuse = |reason: String| LoadError {
            url: url.to_owned(),
            reason,
        };
        let document = match self.extra.get(url) {
            Some(document) => Arc::clone(document),
            None => {
                let pinned = pinned_documents()
                    .as_ref()
                    .map_err(|error| refuse(error.to_string()))?;
                match pinned.get(url) {
                    Some(document) => Arc::clone(document),
                    None => {
                        return Err(refuse(
                            "not a context Brevet knows; contexts are never fetched".to_owned(),
                        ));
                    }
                }
            }
        };
        Ok(RemoteDocument {
            document_url: url.to_owned(),
            document,
            context_url: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pinned_context_matches_its_digest() {
        for context in PINNED_CONTEXTS {
            check_pinned(context).unwrap();
        }
        verify_integrity().unwrap();
    }

    #[test]
    fn altered_context_is_refused() {
        let altered = PinnedContext {
            text: "{}",
            ..PINNED_CONTEXTS[0]
        };
        assert!(matches!(
            check_pinned(&altered),
            Err(ContextError::DigestMismatch { .. })
        ));
    }

    #[test]
    fn unknown_urls_are_refused() {
        let loader = PinnedLoader::new();
        for url in [
            "https://evil.example/ob.json",
            "http://169.254.169.254/latest/meta-data/",
            "file:///etc/passwd",
        ] {
            assert!(loader.load(url).is_err(), "{url}");
        }
        assert!(loader.load(CREDENTIALS_V2).is_ok());
    }
}

//! `Options::unwrap_wrapped_contexts`: a local context written as `{"@context": {…}}` is read as
//! the object it wraps (as jsonld.js reads it) only when asked; by default it is the JSON-LD 1.1
//! `keyword redefinition` error (test er56). One processor serves both settings without mixing
//! their cached contexts.

use std::sync::Arc;

use brevet_jsonld::{DocumentLoader, ErrorCode, LoadError, Options, Processor, RemoteDocument};
use serde_json::json;

/// Loads nothing: the documents here use inline contexts only.
struct NoDocuments;

impl DocumentLoader for NoDocuments {
    fn load(&self, url: &str) -> Result<RemoteDocument, LoadError> {
        Err(LoadError {
            url: url.to_owned(),
            reason: "no documents in this test".to_owned(),
        })
    }
}

#[test]
fn a_wrapped_local_context_is_read_through_only_when_asked() {
    let processor = Processor::new(Arc::new(NoDocuments));
    let wrapped = json!({
        "@context": [{"@context": {"p": "http://example.org/p"}}],
        "@id": "http://example.org/1",
        "p": "value"
    });
    let plain = json!({
        "@context": [{"p": "http://example.org/p"}],
        "@id": "http://example.org/1",
        "p": "value"
    });
    let compatible = Options {
        unwrap_wrapped_contexts: true,
        ..Options::default()
    };
    for _ in 0..2 {
        let error = processor
            .expand(&wrapped, &Options::default())
            .expect_err("JSON-LD 1.1 refuses a redefined @context");
        assert_eq!(error.code, ErrorCode::KEYWORD_REDEFINITION, "{error}");
        let read_through = processor.expand(&wrapped, &compatible).unwrap();
        assert_eq!(
            read_through,
            processor.expand(&plain, &Options::default()).unwrap()
        );
    }
    let not_an_object = json!({"@context": [{"@context": "http://example.org/ctx"}], "p": 1});
    assert!(processor.expand(&not_an_object, &compatible).is_err());
}

//! Safe mode: data that expansion would drop or leave relative is an error; the pinned
//! credential contexts expand cleanly; the processor is shareable across threads.

mod common;

use std::sync::Arc;

use brevet_jsonld::{ErrorCode, JsonLdError, Options, Processor};
use common::{PinnedFiles, small_credential};
use serde_json::{Value, json};

fn processor() -> Processor {
    Processor::new(Arc::new(PinnedFiles::new()))
}

fn safe() -> Options {
    Options {
        safe_mode: true,
        ..Options::default()
    }
}

fn safe_error(document: Value) -> JsonLdError {
    match processor().expand(&document, &safe()) {
        Ok(expanded) => panic!("expected a safe mode error, got {expanded}"),
        Err(error) => error,
    }
}

const EX: &str = "http://example.org/vocab#";

#[test]
fn credential_expands_identically_with_and_without_safe_mode() {
    let processor = processor();
    let credential = small_credential();
    let strict = processor
        .expand(&credential, &safe())
        .expect("safe expansion");
    let lax = processor
        .expand(&credential, &Options::default())
        .expect("expansion");
    assert_eq!(strict, lax);
    let node = &strict[0];
    assert_eq!(node["@id"], "urn:uuid:0f1b1a4c-7d7e-4b4c-9c55-3f6b0d2e8a11");
    let types = node["@type"].as_array().expect("types");
    assert!(types.contains(&json!(
        "https://www.w3.org/2018/credentials#VerifiableCredential"
    )));
    assert!(types.contains(&json!(
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
    )));
    let subject = &node["https://www.w3.org/2018/credentials#credentialSubject"][0];
    assert_eq!(subject["@id"], "did:example:ebfeb1f712ebc6f1c276e12ec21");
    // Repeated expansion hits the context cache and gives the same result.
    assert_eq!(
        processor.expand(&credential, &safe()).expect("again"),
        strict
    );
}

#[test]
fn undefined_credential_property_is_an_error() {
    let mut credential = small_credential();
    credential["credentialSubject"]["favouriteColour"] = json!("green");
    let error = safe_error(credential.clone());
    assert_eq!(error.code, ErrorCode::SAFE_INVALID_PROPERTY);
    assert!(error.message.contains("favouriteColour"), "{error}");
    // Without safe mode the property is silently dropped.
    let lax = processor()
        .expand(&credential, &Options::default())
        .expect("lax");
    assert!(!lax.to_string().contains("green"));
}

#[test]
fn undefined_type_is_an_error() {
    let mut credential = small_credential();
    credential["type"] = json!(["VerifiableCredential", "MadeUpCredential"]);
    let error = safe_error(credential);
    assert_eq!(error.code, ErrorCode::SAFE_RELATIVE_TYPE);
    assert!(error.message.contains("MadeUpCredential"), "{error}");
}

#[test]
fn relative_id_is_an_error() {
    let mut credential = small_credential();
    credential["id"] = json!("credentials/1");
    assert_eq!(safe_error(credential).code, ErrorCode::SAFE_RELATIVE_ID);
    let coerced = json!({"@context": {"link": {"@id": format!("{EX}link"), "@type": "@id"}}, "@id": "urn:x", "link": "relative"});
    assert_eq!(safe_error(coerced).code, ErrorCode::SAFE_RELATIVE_ID);
}

#[test]
fn relative_id_resolves_against_a_base() {
    let document = json!({"@id": "credentials/1", format!("{EX}p"): "v"});
    let options = Options {
        base: Some("https://example.org/".to_owned()),
        ..safe()
    };
    let expanded = processor().expand(&document, &options).expect("expand");
    assert_eq!(expanded[0]["@id"], "https://example.org/credentials/1");
}

#[test]
fn invalid_language_is_an_error() {
    let document =
        json!({"@id": "urn:x", format!("{EX}p"): {"@value": "hi", "@language": "not a tag!"}});
    assert_eq!(safe_error(document).code, ErrorCode::SAFE_INVALID_LANGUAGE);
    let context_language =
        json!({"@context": {"@language": "en_US!"}, "@id": "urn:x", format!("{EX}p"): "hi"});
    assert_eq!(
        safe_error(context_language).code,
        ErrorCode::SAFE_INVALID_LANGUAGE
    );
}

#[test]
fn relative_vocab_is_an_error() {
    let document = json!({"@context": {"@vocab": "relative/"}, "@id": "urn:x", "p": "v"});
    assert_eq!(safe_error(document).code, ErrorCode::SAFE_RELATIVE_VOCAB);
}

#[test]
fn reserved_terms_are_errors() {
    let reserved =
        json!({"@context": {"@foo": format!("{EX}foo")}, "@id": "urn:x", format!("{EX}p"): "v"});
    assert_eq!(safe_error(reserved).code, ErrorCode::SAFE_RESERVED_TERM);
    let reserved_id = json!({"@id": "@reserved", format!("{EX}p"): "v"});
    assert_eq!(safe_error(reserved_id).code, ErrorCode::SAFE_RESERVED_ID);
}

#[test]
fn dropped_values_are_errors() {
    let scalar = json!({"@graph": ["just a string"]});
    assert_eq!(safe_error(scalar).code, ErrorCode::SAFE_DROPPED_OBJECT);
    let null_value = json!({"@id": "urn:x", format!("{EX}p"): {"@value": null}});
    assert_eq!(safe_error(null_value).code, ErrorCode::SAFE_NULL_VALUE);
    let only_language = json!({"@id": "urn:x", format!("{EX}p"): {"@language": "en"}});
    assert_eq!(
        safe_error(only_language).code,
        ErrorCode::SAFE_DROPPED_OBJECT
    );
}

#[test]
fn term_mapped_to_null_is_an_error() {
    let document =
        json!({"@context": {"@vocab": EX, "hidden": null}, "@id": "urn:x", "hidden": "v"});
    let error = safe_error(document.clone());
    assert_eq!(error.code, ErrorCode::SAFE_INVALID_PROPERTY);
    assert!(error.message.contains("hidden"));
    let lax = processor()
        .expand(&document, &Options::default())
        .expect("lax");
    assert_eq!(lax, json!([]));
}

#[test]
fn unknown_remote_context_fails_to_load() {
    let document = json!({"@context": "https://example.org/not-pinned", "@id": "urn:x"});
    assert_eq!(
        safe_error(document).code,
        ErrorCode::LOADING_REMOTE_CONTEXT_FAILED
    );
}

#[test]
fn processor_is_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Processor>();
    let processor = Arc::new(processor());
    let expected = processor
        .expand(&small_credential(), &safe())
        .expect("expand");
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let processor = Arc::clone(&processor);
            std::thread::spawn(move || {
                (0..50)
                    .map(|_| {
                        processor
                            .expand(&small_credential(), &safe())
                            .expect("expand")
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for handle in handles {
        for result in handle.join().expect("thread") {
            assert_eq!(result, expected);
        }
    }
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let key = format!("{EX}p");
    let mut document = Value::String("leaf".to_owned());
    for _ in 0..300 {
        let mut map = serde_json::Map::new();
        map.insert(key.clone(), Value::Array(vec![document]));
        document = Value::Object(map);
    }
    let handle = std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(move || {
            processor()
                .expand(&document, &Options::default())
                .map(|_| ())
        })
        .expect("spawn");
    match handle.join().expect("no stack overflow") {
        Err(error) => assert_eq!(error.code, ErrorCode::NESTING_TOO_DEEP),
        Ok(()) => panic!("a 600-level document must be refused"),
    }
}

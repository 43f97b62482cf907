//! Unit tests of DIDs: did:key parsing and resolution, did:web URLs and documents, and the
//! verification-method binding errors (KEY-01, KEY-02, KEY-07, DI-12).

use super::*;
use crate::multikey::Ed25519KeyPair;

const W3C_DID: &str = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";

#[test]
fn did_key_resolves_to_a_multikey_document() {
    let document = resolve_did_key(W3C_DID).unwrap();
    let method = format!("{W3C_DID}#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2");
    assert_eq!(document["assertionMethod"][0], method.as_str());
    let key = resolve_verification_key(&document, W3C_DID, &method, "assertionMethod").unwrap();
    assert_eq!(key, parse_did_key(W3C_DID).unwrap());
}

#[test]
fn malformed_did_keys_are_rejected() {
    assert!(matches!(
        parse_did_key("did:web:example.com"),
        Err(DidError::NotDidKey(_))
    ));
    assert!(matches!(
        parse_did_key(&format!("{W3C_DID}#x")),
        Err(DidError::DidKeyExtra(_))
    ));
    // Truncated key (bad length) and an altered character.
    let truncated = &W3C_DID[..W3C_DID.len() - 2];
    assert!(matches!(
        parse_did_key(truncated),
        Err(DidError::DidKeyKey { .. })
    ));
    assert!(matches!(
        parse_did_key("did:key:z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"),
        Err(DidError::DidKeyKey {
            source: KeyError::SecretKeyAsPublicKey,
            ..
        })
    ));
    assert!(matches!(
        parse_did_key("did:key:zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76"),
        Err(DidError::DidKeyKey {
            source: KeyError::UnsupportedHeader(..),
            ..
        })
    ));
}

#[test]
fn did_web_maps_to_https_urls() {
    assert_eq!(
        did_web_url("did:web:w3c-ccg.github.io").unwrap(),
        "https://w3c-ccg.github.io/.well-known/did.json"
    );
    assert_eq!(
        did_web_url("did:web:w3c-ccg.github.io:user:alice").unwrap(),
        "https://w3c-ccg.github.io/user/alice/did.json"
    );
    assert_eq!(
        did_web_url("did:web:example.com%3A3000:user:alice").unwrap(),
        "https://example.com:3000/user/alice/did.json"
    );
    for bad in [
        "did:web:",
        "did:web:exa mple.com",
        "did:web:example.com::x",
        "did:web:example.com:..",
        "did:web:example.com%3Aabc",
        "did:web:[::1]",
        "did:web:a.com/x",
        "did:web:a.com#k",
        "did:key:z6Mk",
    ] {
        assert!(did_web_url(bad).is_err(), "{bad}");
    }
}

fn web_document() -> (Value, Ed25519KeyPair, Ed25519KeyPair) {
    let current = Ed25519KeyPair::generate();
    let retired = Ed25519KeyPair::generate();
    let keys = [
        DidWebKey {
            fragment: "key-2".into(),
            key: current.verifying_key(),
        },
        DidWebKey {
            fragment: "key-1".into(),
            key: retired.verifying_key(),
        },
    ];
    (
        build_did_web_document("did:web:acme.example", &keys).unwrap(),
        current,
        retired,
    )
}

#[test]
fn did_web_document_lists_current_and_retired_keys() {
    let (document, current, retired) = web_document();
    let did = "did:web:acme.example";
    assert_eq!(
        resolve_verification_key(
            &document,
            did,
            "did:web:acme.example#key-2",
            "assertionMethod"
        )
        .unwrap(),
        current.verifying_key()
    );
    assert_eq!(
        resolve_verification_key(
            &document,
            did,
            "did:web:acme.example#key-1",
            "assertionMethod"
        )
        .unwrap(),
        retired.verifying_key()
    );
}

#[test]
fn binding_errors_are_specific() {
    let (mut document, _, _) = web_document();
    let did = "did:web:acme.example";
    // KEY-07 (a): the document claims another DID.
    assert!(matches!(
        resolve_verification_key(
            &document,
            "did:web:evil.example",
            "did:web:evil.example#key-2",
            "assertionMethod"
        ),
        Err(KeyBindingError::IdMismatch { .. })
    ));
    // KEY-01: a key of another DID.
    let attacker = Ed25519KeyPair::generate();
    assert!(matches!(
        resolve_verification_key(
            &document,
            did,
            &attacker.did_key_method(),
            "assertionMethod"
        ),
        Err(KeyBindingError::ForeignMethod { .. })
    ));
    assert!(matches!(
        resolve_verification_key(
            &document,
            did,
            "did:web:acme.example#key-9",
            "assertionMethod"
        ),
        Err(KeyBindingError::UnknownKey { .. })
    ));
    // KEY-02: listed only under authentication.
    document["authentication"] = json!(["did:web:acme.example#key-2"]);
    document["assertionMethod"] = json!(["did:web:acme.example#key-1"]);
    assert!(matches!(
        resolve_verification_key(
            &document,
            did,
            "did:web:acme.example#key-2",
            "assertionMethod"
        ),
        Err(KeyBindingError::NotAuthorized { .. })
    ));
    assert!(resolve_verification_key(&document, did, "#key-2", "authentication").is_ok());
    // Controller mismatch.
    document["verificationMethod"][1]["controller"] = json!("did:web:evil.example");
    assert!(matches!(
        resolve_verification_key(
            &document,
            did,
            "did:web:acme.example#key-1",
            "assertionMethod"
        ),
        Err(KeyBindingError::ControllerMismatch { .. })
    ));
    // DI-12 (c): a secret key exposed as the key.
    document["verificationMethod"][1]["controller"] = json!(did);
    document["verificationMethod"][1]["publicKeyMultibase"] = json!(attacker.secret_multibase());
    assert!(matches!(
        resolve_verification_key(
            &document,
            did,
            "did:web:acme.example#key-1",
            "assertionMethod"
        ),
        Err(KeyBindingError::BadKey {
            source: KeyError::SecretKeyAsPublicKey,
            ..
        })
    ));
    document["verificationMethod"][1]["type"] = json!("EcdsaSecp256k1VerificationKey2019");
    assert!(matches!(
        resolve_verification_key(
            &document,
            did,
            "did:web:acme.example#key-1",
            "assertionMethod"
        ),
        Err(KeyBindingError::UnsupportedType { .. })
    ));
}

#[test]
fn ed25519_jwks_are_accepted_and_private_ones_refused() {
    use base64::Engine;
    let key = Ed25519KeyPair::generate();
    let did = "did:web:acme.example";
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes());
    let mut document = json!({
        "id": did,
        "verificationMethod": [{"id": "#jwk", "type": "JsonWebKey2020", "controller": did,
            "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": x}}],
        "assertionMethod": ["#jwk"],
    });
    assert_eq!(
        resolve_verification_key(&document, did, "#jwk", "assertionMethod").unwrap(),
        key.verifying_key()
    );
    document["verificationMethod"][0]["publicKeyJwk"]["d"] = json!("secret");
    assert!(matches!(
        resolve_verification_key(&document, did, "#jwk", "assertionMethod"),
        Err(KeyBindingError::SecretKeyExposed { .. })
    ));
    document["verificationMethod"][0]["publicKeyJwk"] =
        json!({"kty": "EC", "crv": "P-256", "x": x});
    assert!(matches!(
        resolve_verification_key(&document, did, "#jwk", "assertionMethod"),
        Err(KeyBindingError::BadJwk { .. })
    ));
}

#[test]
fn embedded_methods_under_the_purpose_are_accepted() {
    let key = Ed25519KeyPair::generate();
    let did = "did:web:acme.example";
    let document = json!({
        "id": did,
        "assertionMethod": [multikey_method("#k", did, &key.verifying_key())],
    });
    assert_eq!(
        resolve_verification_key(&document, did, "did:web:acme.example#k", "assertionMethod")
            .unwrap(),
        key.verifying_key()
    );
}

//! Unit tests of compact JWS parsing and verification: each refusal of JWT-01, JWT-02 and
//! JWT-06, and RS256, ES256 and EdDSA signatures that hold and do not.

use std::sync::OnceLock;

use rand_core::OsRng;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use serde_json::json;

use super::*;

fn rsa_key() -> &'static rsa::RsaPrivateKey {
    static KEY: OnceLock<rsa::RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| rsa::RsaPrivateKey::new(&mut OsRng, 2048).unwrap())
}

fn rsa_pem() -> String {
    rsa_key()
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap()
}

fn rs256(header: &Value, payload: &Value) -> String {
    use rsa::signature::{SignatureEncoding, Signer};
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(rsa_key().clone());
    encode_compact(header, payload.to_string().as_bytes(), |input| {
        signer.sign(input).to_vec()
    })
}

fn hs256(header: &Value, payload: &Value, secret: &[u8]) -> String {
    // HMAC-SHA256 by hand (RFC 2104) so the test needs no HMAC crate.
    use sha2::{Digest, Sha256};
    let mut key = [0u8; 64];
    if secret.len() > 64 {
        key[..32].copy_from_slice(&Sha256::digest(secret));
    } else {
        key[..secret.len()].copy_from_slice(secret);
    }
    encode_compact(header, payload.to_string().as_bytes(), |input| {
        let inner: Vec<u8> = key.iter().map(|byte| byte ^ 0x36).collect();
        let outer: Vec<u8> = key.iter().map(|byte| byte ^ 0x5c).collect();
        let inner_hash = Sha256::new()
            .chain_update(&inner)
            .chain_update(input)
            .finalize();
        Sha256::new()
            .chain_update(&outer)
            .chain_update(inner_hash)
            .finalize()
            .to_vec()
    })
}

fn payload() -> Value {
    json!({"@context": "https://w3id.org/openbadges/v2", "id": "urn:uuid:1", "type": "Assertion"})
}

#[test]
fn rs256_verifies_with_the_rsa_key_and_not_after_tampering() {
    let key = JwsPublicKey::from_pem(&rsa_pem()).unwrap();
    assert_eq!(key.algorithm(), "RS256");
    let token = rs256(&json!({"alg": "RS256"}), &payload());
    let jws = CompactJws::parse(&token).unwrap();
    assert_eq!(jws.payload(), &payload());
    jws.verify_with(&key).unwrap();

    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut altered = payload();
    altered["id"] = json!("urn:uuid:2");
    parts[1] = URL_SAFE_NO_PAD.encode(altered.to_string());
    let tampered = CompactJws::parse(&parts.join(".")).unwrap();
    assert_eq!(
        tampered.verify_with(&key),
        Err(JwsError::SignatureInvalid { alg: "RS256" })
    );
}

#[test]
fn es256_and_eddsa_verify_with_their_own_key_type_only() {
    use p256::ecdsa::signature::Signer as _;
    let secret = p256::ecdsa::SigningKey::random(&mut OsRng);
    let pem = secret
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
    let key = JwsPublicKey::from_pem(&pem).unwrap();
    assert_eq!(key.algorithm(), "ES256");
    let token = encode_compact(&json!({"alg": "ES256"}), b"{\"a\":1}", |input| {
        let signature: p256::ecdsa::Signature = secret.sign(input);
        signature.to_bytes().to_vec()
    });
    CompactJws::parse(&token)
        .unwrap()
        .verify_with(&key)
        .unwrap();
    // The same token under an RSA key: the algorithm is the key's, not the header's.
    let rsa = JwsPublicKey::from_pem(&rsa_pem()).unwrap();
    assert!(matches!(
        CompactJws::parse(&token).unwrap().verify_with(&rsa),
        Err(JwsError::AlgorithmMismatch {
            expected: "RS256",
            ..
        })
    ));

    let ed = crate::multikey::Ed25519KeyPair::from_seed(&[3; 32]);
    let token = encode_compact(&json!({"alg": "EdDSA"}), b"{\"a\":1}", |input| {
        ed.sign(input).to_vec()
    });
    let jws = CompactJws::parse(&token).unwrap();
    jws.verify_with(&JwsPublicKey::Ed25519(ed.verifying_key()))
        .unwrap();
    // JWT-02 (b): an Ed25519 key with a header claiming RS256 or ES256.
    for alg in ["RS256", "ES256"] {
        let token = encode_compact(&json!({"alg": alg}), b"{\"a\":1}", |input| {
            ed.sign(input).to_vec()
        });
        assert!(matches!(
            CompactJws::parse(&token)
                .unwrap()
                .verify_with(&JwsPublicKey::Ed25519(ed.verifying_key())),
            Err(JwsError::AlgorithmMismatch {
                expected: "EdDSA",
                ..
            })
        ));
    }
}

#[test]
fn unsigned_tokens_are_refused_in_every_spelling() {
    for alg in ["none", "NONE", "nOnE"] {
        let token = encode_compact(&json!({"alg": alg}), b"{}", |_| Vec::new());
        assert!(
            matches!(CompactJws::parse(&token), Err(JwsError::Unsigned { .. })),
            "{alg}"
        );
    }
    // A missing signature segment, and an empty one under a real algorithm.
    let token = rs256(&json!({"alg": "RS256"}), &payload());
    let without: Vec<&str> = token.split('.').take(2).collect();
    assert!(matches!(
        CompactJws::parse(&without.join(".")),
        Err(JwsError::NotCompact(_))
    ));
    assert!(matches!(
        CompactJws::parse(&format!("{}.", without.join("."))),
        Err(JwsError::Unsigned { .. })
    ));
}

#[test]
fn hmac_with_the_public_key_as_secret_is_refused() {
    let pem = rsa_pem();
    for alg in ["HS256", "HS384", "hs512"] {
        let token = hs256(&json!({"alg": alg}), &payload(), pem.as_bytes());
        assert!(
            matches!(CompactJws::parse(&token), Err(JwsError::Hmac { .. })),
            "{alg}"
        );
    }
}

#[test]
fn headers_are_strict() {
    let body = URL_SAFE_NO_PAD.encode("{}");
    let sig = URL_SAFE_NO_PAD.encode([1u8; 64]);
    let with_header = |text: &str| format!("{}.{body}.{sig}", URL_SAFE_NO_PAD.encode(text));
    // JWT-06 (b): a duplicate alg is an error, never first- or last-wins.
    assert!(matches!(
        CompactJws::parse(&with_header(r#"{"alg":"none","alg":"RS256"}"#)),
        Err(JwsError::Header(_))
    ));
    for (header, expected) in [
        (r#"{"alg":"RS256","crit":["exp"]}"#, "crit"),
        (r#"{"alg":"RS256","b64":false}"#, "b64"),
    ] {
        assert_eq!(
            CompactJws::parse(&with_header(header)).unwrap_err(),
            JwsError::Extension {
                name: expected.to_owned()
            }
        );
    }
    assert!(matches!(
        CompactJws::parse(&with_header(r#"{"alg":"PS256"}"#)),
        Err(JwsError::UnsupportedAlgorithm { .. })
    ));
    assert!(matches!(
        CompactJws::parse(&with_header(r#"{"typ":"JWT"}"#)),
        Err(JwsError::Header(_))
    ));
    assert!(matches!(
        CompactJws::parse(&with_header("\u{feff}{\"alg\":\"RS256\"}")),
        Err(JwsError::Header(_))
    ));
    // JWT-06 (a): a duplicate key in the payload.
    let payload = URL_SAFE_NO_PAD.encode(r#"{"issuer":"did:web:a","issuer":"did:web:evil"}"#);
    let token = format!(
        "{}.{payload}.{sig}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"EdDSA"}"#)
    );
    assert!(matches!(
        CompactJws::parse(&token),
        Err(JwsError::Payload(_))
    ));
    assert!(matches!(
        CompactJws::parse("a.b"),
        Err(JwsError::NotCompact(_))
    ));
    assert!(matches!(
        CompactJws::parse(&"a".repeat(MAX_JWS_BYTES + 1)),
        Err(JwsError::TooLarge { .. })
    ));
}

#[test]
fn pem_keys_are_checked() {
    let small = rsa::RsaPrivateKey::new(&mut OsRng, 1024).unwrap();
    let small_pem = small
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
    assert!(matches!(
        JwsPublicKey::from_pem(&small_pem),
        Err(JwsError::Key(reason)) if reason.contains("1024 bits")
    ));
    assert!(
        JwsPublicKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")
            .is_err()
    );
    assert!(JwsPublicKey::from_pem("not a key").is_err());
    use rsa::pkcs1::EncodeRsaPublicKey;
    let pkcs1 = rsa_key()
        .to_public_key()
        .to_pkcs1_pem(LineEnding::LF)
        .unwrap();
    assert_eq!(JwsPublicKey::from_pem(&pkcs1).unwrap().algorithm(), "RS256");
}

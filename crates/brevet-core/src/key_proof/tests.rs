//! Key proof checks: what verifies, and each way a proof is refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::*;
use crate::multikey::Ed25519KeyPair;

const AUD: &str = "https://badges.example.org/acme";
const NOW: i64 = 1_790_000_000;

fn expect() -> ProofExpectations<'static> {
    ProofExpectations {
        audience: AUD,
        now: NOW,
        max_age_seconds: 300,
        max_skew_seconds: 60,
    }
}

fn jwt(key: &Ed25519KeyPair, header: &Value, payload: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(header.to_string());
    let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
    let input = format!("{header}.{payload}");
    let signature = URL_SAFE_NO_PAD.encode(key.sign(input.as_bytes()));
    format!("{input}.{signature}")
}

fn kid_header(key: &Ed25519KeyPair) -> Value {
    json!({"typ": PROOF_TYP, "alg": "EdDSA", "kid": key.did_key_method()})
}

fn claims() -> Value {
    json!({"aud": AUD, "iat": NOW, "nonce": "n-1"})
}

#[test]
fn a_did_key_proof_verifies_and_names_the_holder() {
    let key = Ed25519KeyPair::generate();
    let proof = verify_jwt_key_proof(&jwt(&key, &kid_header(&key), &claims()), &expect()).unwrap();
    assert_eq!(proof.holder_did, key.did_key());
    assert_eq!(proof.nonce.as_deref(), Some("n-1"));
    assert_eq!(proof.issued_at, NOW);
}

#[test]
fn a_jwk_proof_binds_to_the_did_key_of_the_jwk() {
    let key = Ed25519KeyPair::generate();
    let x = URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes());
    let header =
        json!({"typ": PROOF_TYP, "alg": "EdDSA", "jwk": {"kty": "OKP", "crv": "Ed25519", "x": x}});
    let proof = verify_jwt_key_proof(&jwt(&key, &header, &claims()), &expect()).unwrap();
    assert_eq!(proof.holder_did, key.did_key());

    let with_secret = json!({"typ": PROOF_TYP, "alg": "EdDSA", "jwk": {"kty": "OKP", "crv": "Ed25519", "x": x, "d": "AAAA"}});
    assert_eq!(
        verify_jwt_key_proof(&jwt(&key, &with_secret, &claims()), &expect()),
        Err(KeyProofError::PrivateKeyInHeader)
    );
}

#[test]
fn a_did_jwk_kid_verifies() {
    let key = Ed25519KeyPair::generate();
    let x = URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes());
    let did = format!(
        "did:jwk:{}",
        URL_SAFE_NO_PAD.encode(json!({"kty": "OKP", "crv": "Ed25519", "x": x}).to_string())
    );
    let header = json!({"typ": PROOF_TYP, "alg": "EdDSA", "kid": format!("{did}#0")});
    let proof = verify_jwt_key_proof(&jwt(&key, &header, &claims()), &expect()).unwrap();
    assert_eq!(proof.holder_did, did);
}

#[test]
fn another_key_or_a_changed_payload_fails_the_signature() {
    let key = Ed25519KeyPair::generate();
    let other = Ed25519KeyPair::generate();
    assert_eq!(
        verify_jwt_key_proof(&jwt(&other, &kid_header(&key), &claims()), &expect()),
        Err(KeyProofError::BadSignature)
    );
    let good = jwt(&key, &kid_header(&key), &claims());
    let mut parts: Vec<&str> = good.split('.').collect();
    let forged =
        URL_SAFE_NO_PAD.encode(json!({"aud": AUD, "iat": NOW, "nonce": "n-2"}).to_string());
    parts[1] = &forged;
    assert_eq!(
        verify_jwt_key_proof(&parts.join("."), &expect()),
        Err(KeyProofError::BadSignature)
    );
}

#[test]
fn header_rules_are_enforced() {
    let key = Ed25519KeyPair::generate();
    let mut header = kid_header(&key);
    header["typ"] = json!("JWT");
    assert_eq!(
        verify_jwt_key_proof(&jwt(&key, &header, &claims()), &expect()),
        Err(KeyProofError::WrongType)
    );
    for alg in ["none", "NONE", "nOnE", "eddsa", "ES384", "HS256"] {
        let mut header = kid_header(&key);
        header["alg"] = json!(alg);
        assert_eq!(
            verify_jwt_key_proof(&jwt(&key, &header, &claims()), &expect()),
            Err(KeyProofError::UnsupportedAlgorithm(alg.to_owned()))
        );
    }
    let both = json!({"typ": PROOF_TYP, "alg": "EdDSA", "kid": key.did_key_method(), "jwk": {}});
    assert_eq!(
        verify_jwt_key_proof(&jwt(&key, &both, &claims()), &expect()),
        Err(KeyProofError::KeyReference)
    );
    let web = json!({"typ": PROOF_TYP, "alg": "EdDSA", "kid": "did:web:example.org#key-1"});
    assert!(matches!(
        verify_jwt_key_proof(&jwt(&key, &web, &claims()), &expect()),
        Err(KeyProofError::BadKey(_))
    ));
    for bad in ["", "a.b", "a.b.c.d", "!!.!!.!!"] {
        assert_eq!(
            verify_jwt_key_proof(bad, &expect()),
            Err(KeyProofError::Malformed)
        );
    }
}

#[test]
fn audience_and_issued_at_are_checked() {
    let key = Ed25519KeyPair::generate();
    let header = kid_header(&key);
    let wrong_aud = json!({"aud": "https://badges.example.org/other", "iat": NOW});
    assert!(matches!(
        verify_jwt_key_proof(&jwt(&key, &header, &wrong_aud), &expect()),
        Err(KeyProofError::WrongAudience { .. })
    ));
    let array_aud = json!({"aud": [AUD], "iat": NOW});
    assert!(matches!(
        verify_jwt_key_proof(&jwt(&key, &header, &array_aud), &expect()),
        Err(KeyProofError::WrongAudience { .. })
    ));
    for iat in [NOW - 301, NOW + 61] {
        let stale = json!({"aud": AUD, "iat": iat});
        assert_eq!(
            verify_jwt_key_proof(&jwt(&key, &header, &stale), &expect()),
            Err(KeyProofError::StaleIssuedAt)
        );
    }
    let none = json!({"aud": AUD});
    assert_eq!(
        verify_jwt_key_proof(&jwt(&key, &header, &none), &expect()),
        Err(KeyProofError::MissingIssuedAt)
    );
}

#[test]
fn duplicate_keys_in_header_or_claims_are_refused() {
    let key = Ed25519KeyPair::generate();
    let kid = key.did_key_method();
    let duplicate_header =
        format!(r#"{{"typ":"{PROOF_TYP}","alg":"EdDSA","alg":"none","kid":"{kid}"}}"#);
    let duplicate_claims = format!(r#"{{"aud":"{AUD}","aud":"https://evil.example","iat":{NOW}}}"#);
    for (header, claims) in [
        (duplicate_header, claims().to_string()),
        (kid_header(&key).to_string(), duplicate_claims),
    ] {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(claims)
        );
        let jwt = format!(
            "{input}.{}",
            URL_SAFE_NO_PAD.encode(key.sign(input.as_bytes()))
        );
        assert_eq!(
            verify_jwt_key_proof(&jwt, &expect()),
            Err(KeyProofError::Malformed)
        );
    }
}

fn es256_jwt(key: &p256::ecdsa::SigningKey, header: &Value, payload: &Value) -> String {
    use p256::ecdsa::signature::Signer;
    let header = URL_SAFE_NO_PAD.encode(header.to_string());
    let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
    let input = format!("{header}.{payload}");
    let signature: p256::ecdsa::Signature = key.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

#[test]
fn es256_proofs_verify_with_a_jwk_or_a_did_key_kid() {
    let key = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
    let point = key.verifying_key().to_encoded_point(false);
    let jwk = json!({
        "kty": "EC",
        "crv": "P-256",
        "x": URL_SAFE_NO_PAD.encode(point.x().unwrap()),
        "y": URL_SAFE_NO_PAD.encode(point.y().unwrap()),
    });
    let header = json!({"typ": PROOF_TYP, "alg": "ES256", "jwk": jwk});
    let proof = verify_jwt_key_proof(&es256_jwt(&key, &header, &claims()), &expect()).unwrap();
    assert!(
        proof.holder_did.starts_with("did:key:zDn"),
        "{}",
        proof.holder_did
    );

    // The did:key it binds to names the same key as a kid.
    let multibase = proof.holder_did.trim_start_matches("did:key:").to_owned();
    let kid = json!({"typ": PROOF_TYP, "alg": "ES256", "kid": format!("{}#{multibase}", proof.holder_did)});
    let again = verify_jwt_key_proof(&es256_jwt(&key, &kid, &claims()), &expect()).unwrap();
    assert_eq!(again.holder_did, proof.holder_did);

    // Another key's signature, or EdDSA named for a P-256 key, is refused.
    let other = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
    assert_eq!(
        verify_jwt_key_proof(&es256_jwt(&other, &header, &claims()), &expect()),
        Err(KeyProofError::BadSignature)
    );
    let mut confused = header.clone();
    confused["alg"] = json!("EdDSA");
    assert!(matches!(
        verify_jwt_key_proof(&es256_jwt(&key, &confused, &claims()), &expect()),
        Err(KeyProofError::BadKey(_))
    ));
    // ES256 named for an Ed25519 key is refused too.
    let ed = Ed25519KeyPair::generate();
    let mut header = kid_header(&ed);
    header["alg"] = json!("ES256");
    assert!(matches!(
        verify_jwt_key_proof(&jwt(&ed, &header, &claims()), &expect()),
        Err(KeyProofError::BadKey(_))
    ));
}

//! Unit tests of VC-JWT verification: VC-JOSE-COSE and VC 1.1 tokens that verify, and each
//! JWT- case of the security catalogue that applies (JWT-01 to JWT-04, JWT-06).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::*;
use crate::datetime::DateTimeStamp;
use crate::did::{DidWebKey, build_did_web_document};
use crate::jose::encode_compact;
use crate::linked_data::LinkedData;
use crate::multikey::Ed25519KeyPair;
use crate::verify::{StaticSources, verify};

const WEB_DID: &str = "did:web:acme.example";

fn issuer_key() -> Ed25519KeyPair {
    Ed25519KeyPair::from_seed(&[7; 32])
}

fn attacker_key() -> Ed25519KeyPair {
    Ed25519KeyPair::from_seed(&[66; 32])
}

fn credential(issuer: &str) -> Value {
    let mut value = crate::model::sample_badge(
        issuer,
        DateTimeStamp::parse("2026-01-01T00:00:00Z").unwrap(),
        "salt",
        "https://example.org/status/1",
        1,
    )
    .to_value();
    value.as_object_mut().unwrap().remove("credentialStatus");
    value
}

fn sign(key: &Ed25519KeyPair, header: &Value, payload: &Value) -> String {
    encode_compact(header, payload.to_string().as_bytes(), |input| {
        key.sign(input).to_vec()
    })
}

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_790_000_000).unwrap()
}

fn sources() -> StaticSources {
    let document = build_did_web_document(
        WEB_DID,
        &[DidWebKey {
            fragment: "key-1".into(),
            key: issuer_key().verifying_key(),
        }],
    )
    .unwrap();
    StaticSources::new().with_did_document(WEB_DID, document)
}

fn run(token: &str) -> VerificationReport {
    let sources = sources();
    let env = VerifyEnv {
        now: now(),
        ld: LinkedData::shared(),
        dids: &sources,
        status_lists: &sources,
    };
    verify(&Value::String(token.to_owned()), &env)
}

fn outcome(report: &VerificationReport, name: CheckName) -> Outcome {
    report.outcome(name).unwrap()
}

fn detail(report: &VerificationReport, name: CheckName) -> String {
    report.check(name).unwrap().detail.clone()
}

fn web_token(payload: &Value) -> String {
    sign(
        &issuer_key(),
        &json!({"alg": "EdDSA", "typ": "vc+jwt", "kid": format!("{WEB_DID}#key-1")}),
        payload,
    )
}

#[test]
fn vc_jose_cose_tokens_verify_with_did_key_and_did_web() {
    let key = issuer_key();
    let payload = credential(&key.did_key());
    let token = sign(
        &key,
        &json!({"alg": "EdDSA", "typ": "vc+jwt", "kid": key.did_key_method()}),
        &payload,
    );
    let report = run(&token);
    assert!(report.verified, "{report:?}");
    assert!(detail(&report, CheckName::Syntax).starts_with("VC-JOSE-COSE"));
    // did:key without a kid: the DID names its one key.
    let token = sign(&key, &json!({"alg": "EdDSA"}), &payload);
    assert!(run(&token).verified);

    let report = run(&web_token(&credential(WEB_DID)));
    assert!(report.verified, "{report:?}");
    // A relative kid.
    let token = sign(
        &issuer_key(),
        &json!({"alg": "EdDSA", "kid": "#key-1"}),
        &credential(WEB_DID),
    );
    assert!(run(&token).verified);
}

#[test]
fn vc_1_1_jwt_claims_map_onto_the_credential() {
    let key = issuer_key();
    let mut vc = credential(&key.did_key());
    let object = vc.as_object_mut().unwrap();
    object.insert(
        "@context".into(),
        json!([crate::contexts::CREDENTIALS_V1, crate::contexts::OB_V3P0]),
    );
    object.remove("validFrom");
    object.remove("issuer");
    object.remove("id");
    let mut issuer_profile = credential(&key.did_key())["issuer"].clone();
    issuer_profile["id"] = json!(key.did_key());
    vc["issuer"] = issuer_profile;
    let claims = json!({
        "vc": vc, "iss": key.did_key(), "nbf": 1_767_225_600, "jti": "urn:uuid:0f8c6a43-1234-4bcd-9abc-001122334455",
        "exp": 1_800_000_000
    });
    let token = sign(&key, &json!({"alg": "EdDSA", "typ": "JWT"}), &claims);
    let report = run(&token);
    assert!(report.verified, "{report:?}");
    assert!(detail(&report, CheckName::Syntax).starts_with("VC-JWT (VC Data Model 1.1)"));
    let decoded = decode_jwt(&token).unwrap();
    assert_eq!(decoded.credential["issuanceDate"], "2026-01-01T00:00:00Z");
    assert_eq!(decoded.credential["expirationDate"], "2027-01-15T08:00:00Z");
    assert_eq!(
        decoded.credential["id"],
        "urn:uuid:0f8c6a43-1234-4bcd-9abc-001122334455"
    );

    // Expired by exp.
    let mut expired = claims.clone();
    expired["exp"] = json!(1_789_999_999);
    let report = run(&sign(&key, &json!({"alg": "EdDSA"}), &expired));
    assert_eq!(outcome(&report, CheckName::Validity), Outcome::Failed);
    assert_eq!(outcome(&report, CheckName::Proof), Outcome::Passed);

    // A claim that contradicts the credential.
    let mut contradicting = claims.clone();
    contradicting["iss"] = json!("did:key:z6MkattackerAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    contradicting["vc"]["issuer"] = json!(key.did_key());
    let report = run(&sign(&key, &json!({"alg": "EdDSA"}), &contradicting));
    assert_eq!(outcome(&report, CheckName::Syntax), Outcome::Failed);
    assert!(detail(&report, CheckName::Syntax).contains("\"iss\""));
}

#[test]
fn a_tampered_payload_fails_the_proof() {
    let token = web_token(&credential(WEB_DID));
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut altered = credential(WEB_DID);
    altered["credentialSubject"]["achievement"]["name"] = json!("Brain Surgery");
    parts[1] = URL_SAFE_NO_PAD.encode(altered.to_string());
    let report = run(&parts.join("."));
    assert_eq!(outcome(&report, CheckName::Proof), Outcome::Failed);
    assert!(detail(&report, CheckName::Proof).contains("does not verify"));
    assert_eq!(outcome(&report, CheckName::IssuerKey), Outcome::Passed);
}

#[test]
fn jwt_01_unsigned_tokens_are_refused_before_the_payload() {
    let payload = URL_SAFE_NO_PAD.encode(credential(WEB_DID).to_string());
    for alg in ["none", "NONE", "nOnE"] {
        let header = URL_SAFE_NO_PAD.encode(json!({"alg": alg, "typ": "vc+jwt"}).to_string());
        for token in [
            format!("{header}.{payload}."),
            format!("{header}.{payload}.c2ln"),
        ] {
            let report = run(&token);
            assert!(!report.verified);
            assert_eq!(outcome(&report, CheckName::Proof), Outcome::Failed, "{alg}");
            assert!(detail(&report, CheckName::Proof).contains("JWT-01"));
            assert_eq!(outcome(&report, CheckName::Syntax), Outcome::CouldNotCheck);
        }
    }
}

#[test]
fn jwt_02_hmac_and_algorithms_other_than_the_keys_are_refused() {
    let payload = credential(WEB_DID);
    // HS256 keyed with the issuer's public key bytes.
    let public = issuer_key().verifying_key().to_bytes();
    let token = encode_compact(
        &json!({"alg": "HS256", "kid": format!("{WEB_DID}#key-1")}),
        payload.to_string().as_bytes(),
        |input| {
            use sha2::{Digest, Sha256};
            // Not a real HMAC: the token must be refused on its algorithm alone.
            Sha256::new()
                .chain_update(public)
                .chain_update(input)
                .finalize()
                .to_vec()
        },
    );
    let report = run(&token);
    assert_eq!(outcome(&report, CheckName::Proof), Outcome::Failed);
    assert!(detail(&report, CheckName::Proof).contains("JWT-02"));

    for alg in ["ES256", "RS256"] {
        let token = sign(
            &issuer_key(),
            &json!({"alg": alg, "kid": format!("{WEB_DID}#key-1")}),
            &payload,
        );
        let report = run(&token);
        assert_eq!(outcome(&report, CheckName::Proof), Outcome::Failed, "{alg}");
        assert!(
            detail(&report, CheckName::Proof).contains("signs with EdDSA only"),
            "{}",
            detail(&report, CheckName::Proof)
        );
    }
}

#[test]
fn jwt_03_keys_come_from_the_issuer_never_from_the_token() {
    let payload = credential(WEB_DID);
    let attacker = attacker_key();
    let attacker_jwk = json!({"kty": "OKP", "crv": "Ed25519",
        "x": URL_SAFE_NO_PAD.encode(attacker.verifying_key().to_bytes())});
    // (a) The attacker's key in the jwk header, with and without the issuer's kid.
    let token = sign(
        &attacker,
        &json!({"alg": "EdDSA", "jwk": attacker_jwk, "kid": format!("{WEB_DID}#key-1")}),
        &payload,
    );
    let report = run(&token);
    assert!(!report.verified);
    assert_eq!(outcome(&report, CheckName::IssuerKey), Outcome::Failed);
    assert!(detail(&report, CheckName::IssuerKey).contains("jwk"));
    let token = sign(
        &attacker,
        &json!({"alg": "EdDSA", "jwk": attacker_jwk}),
        &payload,
    );
    let report = run(&token);
    assert_eq!(outcome(&report, CheckName::IssuerKey), Outcome::Failed);
    assert!(detail(&report, CheckName::IssuerKey).contains("no \"kid\""));
    // The issuer's own key in the jwk header is harmless.
    let own_jwk = json!({"kty": "OKP", "crv": "Ed25519",
        "x": URL_SAFE_NO_PAD.encode(issuer_key().verifying_key().to_bytes())});
    let token = sign(
        &issuer_key(),
        &json!({"alg": "EdDSA", "jwk": own_jwk, "kid": "#key-1"}),
        &payload,
    );
    assert!(run(&token).verified);
    // (b) jku / x5u are never fetched: the key is still the issuer's.
    let token = sign(
        &attacker,
        &json!({"alg": "EdDSA", "kid": "#key-1", "jku": "http://169.254.169.254/keys",
            "x5u": "https://evil.example/cert"}),
        &payload,
    );
    assert_eq!(outcome(&run(&token), CheckName::Proof), Outcome::Failed);
    // (c) kid values that are not the issuer's keys.
    for kid in [
        "../../../../etc/passwd",
        "' OR '1'='1",
        "did:web:evil.example#key-1",
        "#key-2",
    ] {
        let token = sign(&attacker, &json!({"alg": "EdDSA", "kid": kid}), &payload);
        let report = run(&token);
        assert_eq!(
            outcome(&report, CheckName::IssuerKey),
            Outcome::Failed,
            "{kid}: {report:?}"
        );
    }
}

#[test]
fn jwt_04_dates_expire_and_malformed_dates_are_refused() {
    let mut payload = credential(WEB_DID);
    payload["exp"] = json!(now().unix_timestamp() - 1);
    let report = run(&web_token(&payload));
    assert_eq!(outcome(&report, CheckName::Validity), Outcome::Failed);
    assert!(detail(&report, CheckName::Validity).starts_with("expired"));
    assert_eq!(outcome(&report, CheckName::Proof), Outcome::Passed);

    let mut payload = credential(WEB_DID);
    payload["nbf"] = json!(now().unix_timestamp() + 600);
    let report = run(&web_token(&payload));
    assert!(detail(&report, CheckName::Validity).starts_with("not yet valid"));

    let mut payload = credential(WEB_DID);
    payload["validUntil"] = json!("2026-06-01T00:00:00Z");
    assert_eq!(
        outcome(&run(&web_token(&payload)), CheckName::Validity),
        Outcome::Failed
    );

    for bad in [
        json!("1790000000"),
        json!(1_790_000_000.5),
        json!(1e20),
        json!(-5),
    ] {
        let mut payload = credential(WEB_DID);
        payload["exp"] = bad.clone();
        let report = run(&web_token(&payload));
        assert_eq!(
            outcome(&report, CheckName::Syntax),
            Outcome::Failed,
            "{bad}"
        );
        assert!(!report.verified);
    }
}

#[test]
fn jwt_06_duplicate_keys_and_wrong_types_are_refused() {
    let header = URL_SAFE_NO_PAD
        .encode(json!({"alg": "EdDSA", "kid": format!("{WEB_DID}#key-1")}).to_string());
    let text = credential(WEB_DID).to_string();
    let duplicated = format!(
        "{}, \"issuer\": \"did:web:evil.example\"}}",
        &text[..text.len() - 1]
    );
    let body = URL_SAFE_NO_PAD.encode(duplicated);
    let signature =
        URL_SAFE_NO_PAD.encode(issuer_key().sign(format!("{header}.{body}").as_bytes()));
    let report = run(&format!("{header}.{body}.{signature}"));
    assert_eq!(outcome(&report, CheckName::Syntax), Outcome::Failed);
    assert!(detail(&report, CheckName::Syntax).contains("duplicate"));

    let token = sign(
        &issuer_key(),
        &json!({"alg": "EdDSA", "typ": "vp+jwt", "kid": "#key-1"}),
        &credential(WEB_DID),
    );
    assert_eq!(outcome(&run(&token), CheckName::Syntax), Outcome::Failed);
    let token = sign(
        &issuer_key(),
        &json!({"alg": "EdDSA"}),
        &json!({"hello": 1}),
    );
    assert_eq!(outcome(&run(&token), CheckName::Syntax), Outcome::Failed);
}

#[test]
fn a_did_web_issuer_whose_document_cannot_be_had_is_not_verified() {
    let token = web_token(&credential("did:web:elsewhere.example"));
    let report = run(&token);
    assert!(!report.verified);
    assert_eq!(outcome(&report, CheckName::IssuerKey), Outcome::Failed);
    let token = sign(
        &issuer_key(),
        &json!({"alg": "EdDSA", "kid": "did:web:elsewhere.example#key-1"}),
        &credential("did:web:elsewhere.example"),
    );
    let report = run(&token);
    assert_eq!(
        outcome(&report, CheckName::IssuerKey),
        Outcome::CouldNotCheck
    );
    assert_eq!(outcome(&report, CheckName::Proof), Outcome::CouldNotCheck);
    assert!(!report.verified);
}

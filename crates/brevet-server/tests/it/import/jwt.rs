//! VC-JWTs through the API and `recognise_and_verify`: an EdDSA token of a did:key issuer
//! verifies (as JSON string, `application/vc+jwt` body, pasted text), and a tampered payload,
//! a wrong `alg`, an attacker's `jwk` header and an expired token each fail their own check.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use brevet_app::import::{CredentialFormat, ImportInput};
use brevet_core::datetime::DateTimeStamp;
use brevet_core::jose::encode_compact;
use brevet_core::multikey::Ed25519KeyPair;
use brevet_core::verify::{CheckName, Outcome};
use brevet_test_support::{Db, Request, TestServer};
use serde_json::{Value, json};

use super::fixtures::{detail, outcome};

fn credential(issuer: &str) -> Value {
    let mut value = brevet_core::model::sample_badge(
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vc_jwts_verify_and_each_attack_fails_its_check() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let key = Ed25519KeyPair::from_seed(&[21; 32]);
    let header = json!({"alg": "EdDSA", "typ": "vc+jwt", "kid": key.did_key_method()});
    let payload = credential(&key.did_key());
    let token = sign(&key, &header, &payload);

    for request in [
        Request::post_json("/api/v1/verify", &Value::String(token.clone())),
        Request::method("POST", "/api/v1/verify").body("application/vc+jwt", token.clone()),
    ] {
        let response = server.request(request).await;
        assert_eq!(response.status, 200, "{}", response.text());
        let report = response.json();
        assert_eq!(report["verified"], true, "{report}");
        assert_eq!(report["format"], "VC-JOSE-COSE (VC Data Model 2.0, JWT)");
    }
    let recognised = server
        .app
        .recognise_and_verify(ImportInput::Bytes(format!("{token}\n").into_bytes()))
        .await
        .unwrap();
    assert!(recognised.report.verified);
    assert_eq!(recognised.format, CredentialFormat::VcJose);
    assert_eq!(recognised.payload, token.as_bytes());
    assert_eq!(
        recognised.display.achievement_name.as_deref(),
        Some("Rust Systems Programming")
    );
    assert_eq!(
        recognised.display.issuer_name.as_deref(),
        Some("Northbridge Technical College")
    );
    assert!(recognised.recipient_matches_email("student@example.edu"));
    assert!(!recognised.recipient_matches_email("eve@example.org"));

    let attacker = Ed25519KeyPair::from_seed(&[66; 32]);
    let mut tampered: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut altered = payload.clone();
    altered["credentialSubject"]["achievement"]["name"] = json!("Brain Surgery");
    tampered[1] = URL_SAFE_NO_PAD.encode(altered.to_string());
    let mut expired = payload.clone();
    expired["exp"] = json!(server.app.now_unix() - 1);
    let jwk = json!({"kty": "OKP", "crv": "Ed25519",
        "x": URL_SAFE_NO_PAD.encode(attacker.verifying_key().to_bytes())});
    let cases = [
        (tampered.join("."), CheckName::Proof, "does not verify"),
        (
            sign(
                &key,
                &json!({"alg": "ES256", "kid": key.did_key_method()}),
                &payload,
            ),
            CheckName::Proof,
            "signs with EdDSA only",
        ),
        (
            sign(
                &attacker,
                &json!({"alg": "EdDSA", "kid": key.did_key_method(), "jwk": jwk}),
                &payload,
            ),
            CheckName::IssuerKey,
            "JWT-03",
        ),
        (
            sign(&key, &header, &expired),
            CheckName::Validity,
            "expired: the \"exp\" claim",
        ),
        (
            format!(
                "{}.{}.",
                URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
                URL_SAFE_NO_PAD.encode(payload.to_string())
            ),
            CheckName::Proof,
            "JWT-01",
        ),
    ];
    for (token, check, expected) in cases {
        let response = server
            .request(
                Request::method("POST", "/api/v1/verify").body("application/jwt", token.clone()),
            )
            .await;
        assert_eq!(response.status, 200, "{}", response.text());
        let report = response.json();
        assert_eq!(report["verified"], false, "{expected}: {report}");
        let recognised = server
            .app
            .recognise_and_verify(ImportInput::Bytes(token.into_bytes()))
            .await
            .unwrap();
        assert_eq!(outcome(&recognised, check), Outcome::Failed, "{expected}");
        let found = detail(&recognised, check);
        assert!(found.contains(expected), "{expected}: {found}");
    }
}

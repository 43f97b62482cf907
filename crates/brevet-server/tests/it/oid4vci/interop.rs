//! A real wallet library from npm, `@openid4vc/openid4vci` (interop/oid4vci-wallet.mjs),
//! completes the pre-authorized flow against a running server on both backends: offer by
//! reference and by value, the holder key named by a did:key kid or a jwk header, Ed25519
//! (EdDSA) and P-256 (ES256) keys. The credential it receives
//! verifies with Brevet's verifier and with the JavaScript reference verifier, and after the
//! award is revoked the JavaScript verifier sees the wallet's copy revoked.
//!
//! Needs node and `interop/node_modules`: skipped with a message otherwise, unless
//! `BREVET_REQUIRE_INTEROP=1`.

use std::process::Command;

use brevet_test_support::{Db, Request};
use serde_json::{Value, json};

use super::*;
use crate::e2e::issuer;
use crate::interop::{interop_dir, interop_ready, js_verify};

/// Runs the npm wallet on `offer_uri`; returns `{holder, version, credential}`.
async fn npm_wallet(offer_uri: &str, binding: &str, alg: &str, now: i64) -> Value {
    let args = [
        "oid4vci-wallet.mjs".to_owned(),
        "--offer".to_owned(),
        offer_uri.to_owned(),
        "--binding".to_owned(),
        binding.to_owned(),
        "--alg".to_owned(),
        alg.to_owned(),
        "--now".to_owned(),
        now.to_string(),
    ];
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .args(&args)
            .current_dir(interop_dir())
            .output()
            .expect("run node")
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "the npm wallet failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_npm_wallet_receives_a_credential_that_verifies() {
    if !interop_ready() {
        return;
    }
    for db in Db::BOTH {
        let Some(setup) = issuer(db, "northbridge").await else {
            continue;
        };
        let server = &setup.server;
        let award_id = an_award(&setup, "ada@example.org").await;
        let mut copies = Vec::new();
        for (uri_field, binding, alg, did_prefix) in [
            ("offer_uri", "did", "EdDSA", "did:key:z6Mk"),
            ("offer_by_value_uri", "jwk", "EdDSA", "did:key:z6Mk"),
            ("offer_uri", "did", "ES256", "did:key:zDn"),
            ("offer_uri", "jwk", "ES256", "did:key:zDn"),
        ] {
            let (made, _) = offer(server, &setup.org.api_key, &award_id).await;
            let received = npm_wallet(
                made[uri_field].as_str().unwrap(),
                binding,
                alg,
                server.app.now_unix(),
            )
            .await;
            assert_eq!(received["version"], "V1", "{db:?}: read as OpenID4VCI 1.0");
            let credential = received["credential"].clone();
            assert_eq!(
                credential["credentialSubject"]["id"], received["holder"],
                "{db:?} {binding} {alg}: bound to the wallet's DID"
            );
            assert!(
                credential["credentialSubject"]["id"]
                    .as_str()
                    .unwrap()
                    .starts_with(did_prefix),
                "{db:?} {binding} {alg}"
            );
            let report = server.app.verify(&credential).await;
            assert!(report.verified, "{db:?} {binding}: {report:?}");
            let (code, said) = js_verify(&server.base_url, &credential).await;
            assert_eq!(
                code, 0,
                "{db:?} {binding}: the JavaScript verifier refused:\n{said}"
            );
            assert!(said.contains("status revocation: not set"), "{said}");
            copies.push(credential);
        }

        let revoked = server
            .request(
                Request::post_json(
                    &format!("/api/v1/credentials/{award_id}/revoke"),
                    &json!({"reason": "issued in error"}),
                )
                .bearer(&setup.org.api_key),
            )
            .await;
        assert_eq!(revoked.status, 200, "{}", revoked.text());
        for copy in &copies {
            let (code, said) = js_verify(&server.base_url, copy).await;
            assert_eq!(code, 1, "{db:?}: a revoked copy verified:\n{said}");
            assert!(said.contains("status revocation: set"), "{said}");
            assert!(!server.app.verify(copy).await.verified);
        }
    }
}

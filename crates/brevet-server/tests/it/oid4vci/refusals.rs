//! What the OpenID4VCI endpoints refuse, each with the specifications' error code, on both
//! backends: a pre-authorized code works once and expires; an access token expires and is
//! spent by its credential; a wrong, expired, foreign or reused nonce is `invalid_nonce`; a
//! proof without a nonce, for another audience, with a bad signature or another `typ` is
//! `invalid_proof`; another organisation's credentials and codes are not found; a refused
//! request changes nothing.

use brevet_test_support::{Db, Request};
use serde_json::json;

use super::*;
use crate::e2e::issuer;

const GRANT: &str = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code";

async fn codes_and_tokens_are_single_use_and_expire(db: Db) {
    let Some(setup) = issuer(db, "acme").await else {
        return;
    };
    let server = &setup.server;
    let award_id = an_award(&setup, "ada@example.org").await;

    // A code works once; afterwards neither it nor its offer URI does.
    let (offer_body, code) = offer(server, &setup.org.api_key, &award_id).await;
    let token = access_token(server, "acme", &code).await;
    let again = token_request(
        server,
        "acme",
        &format!("{GRANT}&pre-authorized_code={code}"),
    )
    .await;
    assert_error(&again, 400, "invalid_grant");
    let offer_uri = offer_body["credential_offer_uri"].as_str().unwrap();
    assert_eq!(server.request(Request::get(offer_uri)).await.status, 404);

    // Presenting a used code again also revoked the token of its first use (TEN-03).
    let wallet = Wallet::new();
    let issuer = issuer_id(server, "acme");
    let proof = wallet.proof(
        &issuer,
        &c_nonce(server, "acme").await,
        server.app.now_unix(),
    );
    let revoked = credential_request(server, "acme", &token, &request_with_proof(&proof)).await;
    assert_error(&revoked, 401, "invalid_token");

    // The token is spent by its credential; a replayed code cannot take it back afterwards.
    let (_, code) = offer(server, &setup.org.api_key, &award_id).await;
    let token = access_token(server, "acme", &code).await;
    let proof = wallet.proof(
        &issuer,
        &c_nonce(server, "acme").await,
        server.app.now_unix(),
    );
    let first = credential_request(server, "acme", &token, &request_with_proof(&proof)).await;
    assert_eq!(first.status, 200, "{}", first.text());
    let proof = wallet.proof(
        &issuer,
        &c_nonce(server, "acme").await,
        server.app.now_unix(),
    );
    let second = credential_request(server, "acme", &token, &request_with_proof(&proof)).await;
    assert_error(&second, 401, "invalid_token");
    let replay = token_request(
        server,
        "acme",
        &format!("{GRANT}&pre-authorized_code={code}"),
    )
    .await;
    assert_error(&replay, 400, "invalid_grant");
    let (copy_id, _) = first.json()["credentials"][0]["credential"]["id"]
        .as_str()
        .unwrap()
        .rsplit_once('/')
        .map(|(_, id)| (id.to_owned(), ()))
        .unwrap();
    assert!(server.app.verify_stored(&copy_id).await.unwrap().1.verified);
    assert!(
        second
            .header("www-authenticate")
            .unwrap()
            .starts_with("Bearer error=\"invalid_token\"")
    );

    // A code expires after ten minutes, unused.
    let (_, late_code) = offer(server, &setup.org.api_key, &award_id).await;
    server.clock.advance(time::Duration::seconds(601));
    let late = token_request(
        server,
        "acme",
        &format!("{GRANT}&pre-authorized_code={late_code}"),
    )
    .await;
    assert_error(&late, 400, "invalid_grant");

    // A token expires after five minutes.
    let (_, code) = offer(server, &setup.org.api_key, &award_id).await;
    let token = access_token(server, "acme", &code).await;
    server.clock.advance(time::Duration::seconds(301));
    let proof = wallet.proof(
        &issuer,
        &c_nonce(server, "acme").await,
        server.app.now_unix(),
    );
    let expired = credential_request(server, "acme", &token, &request_with_proof(&proof)).await;
    assert_error(&expired, 401, "invalid_token");

    // Malformed token requests.
    for (form, error) in [
        (
            "grant_type=authorization_code&code=x",
            "unsupported_grant_type",
        ),
        (GRANT, "invalid_request"),
        ("pre-authorized_code=x", "invalid_request"),
        ("grant_type=a&grant_type=b", "invalid_request"),
        (
            &format!("{GRANT}&pre-authorized_code=brv_pac_unknown") as &str,
            "invalid_grant",
        ),
        (
            &format!("{GRANT}&pre-authorized_code=x&tx_code=1234") as &str,
            "invalid_request",
        ),
        (
            &format!("{GRANT}&pre-authorized_code=x&resource=https%3A%2F%2Fevil.example") as &str,
            "invalid_target",
        ),
    ] {
        let response = token_request(server, "acme", form).await;
        assert_error(&response, 400, error);
    }
    let no_token = server
        .request(Request::post_json("/oid4vci/acme/credential", &json!({})))
        .await;
    assert_error(&no_token, 401, "invalid_token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_and_tokens_are_single_use_and_expire_sqlite() {
    codes_and_tokens_are_single_use_and_expire(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_and_tokens_are_single_use_and_expire_postgres() {
    codes_and_tokens_are_single_use_and_expire(Db::Postgres).await;
}

async fn bad_proofs_and_nonces_are_refused(db: Db) {
    let Some(setup) = issuer(db, "acme").await else {
        return;
    };
    let server = &setup.server;
    let other_org = server.create_org("globex").await;
    let award_id = an_award(&setup, "ada@example.org").await;
    let (_, code) = offer(server, &setup.org.api_key, &award_id).await;
    let token = access_token(server, "acme", &code).await;
    let issuer = issuer_id(server, "acme");
    let wallet = Wallet::new();
    let now = server.app.now_unix();
    let fresh = c_nonce(server, "acme").await;
    let stale = c_nonce(server, "acme").await;
    let foreign = c_nonce(server, "globex").await;

    let before = server.snapshot().await;
    let other_key = Wallet::new();
    let mut tampered = wallet.proof(&issuer, &fresh, now);
    tampered.push('A');
    let cases: Vec<(&str, String, &str)> = vec![
        ("a made-up nonce", wallet.proof(&issuer, "bm90LWEtbm9uY2U", now), "invalid_nonce"),
        ("another issuer's nonce", wallet.proof(&issuer, &foreign, now), "invalid_nonce"),
        (
            "no nonce",
            wallet.sign_jwt(
                &json!({"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": format!("{}#{}", wallet.did(), wallet.did().trim_start_matches("did:key:"))}),
                &json!({"aud": issuer, "iat": now}),
            ),
            "invalid_proof",
        ),
        ("another audience", wallet.proof(&issuer_id(server, "globex"), &fresh, now), "invalid_proof"),
        ("an old iat", wallet.proof(&issuer, &fresh, now - 3600), "invalid_proof"),
        (
            "a signature by another key",
            {
                let genuine = wallet.proof(&issuer, &fresh, now);
                let forged = other_key.proof(&issuer, &fresh, now);
                let (head, _) = genuine.rsplit_once('.').unwrap();
                let (_, signature) = forged.rsplit_once('.').unwrap();
                format!("{head}.{signature}")
            },
            "invalid_proof",
        ),
        ("a damaged signature", tampered, "invalid_proof"),
        (
            "typ JWT",
            wallet.sign_jwt(
                &json!({"typ": "JWT", "alg": "EdDSA", "kid": format!("{}#{}", wallet.did(), wallet.did().trim_start_matches("did:key:"))}),
                &json!({"aud": issuer, "iat": now, "nonce": fresh}),
            ),
            "invalid_proof",
        ),
        (
            "alg none",
            format!(
                "{}.{}.",
                URL_SAFE_NO_PAD.encode(json!({"typ": "openid4vci-proof+jwt", "alg": "none", "jwk": {}}).to_string()),
                URL_SAFE_NO_PAD.encode(json!({"aud": issuer, "iat": now, "nonce": fresh}).to_string())
            ),
            "invalid_proof",
        ),
    ];
    for (what, proof, error) in cases {
        let response =
            credential_request(server, "acme", &token, &request_with_proof(&proof)).await;
        assert_error(&response, 400, error);
        let _ = what;
    }
    for (body, error) in [
        (
            json!({"credential_configuration_id": "OpenBadgeCredential"}),
            "invalid_proof",
        ),
        (
            json!({"credential_configuration_id": "Diploma", "proofs": {"jwt": ["x"]}}),
            "unknown_credential_configuration",
        ),
        (
            json!({"proofs": {"jwt": ["x"]}}),
            "invalid_credential_request",
        ),
        (
            json!({"credential_configuration_id": "OpenBadgeCredential", "proofs": {"jwt": ["x", "y"]}}),
            "invalid_credential_request",
        ),
        (
            json!({"credential_configuration_id": "OpenBadgeCredential", "proofs": {"di_vp": [{}]}}),
            "invalid_proof",
        ),
        (
            json!({"credential_configuration_id": "OpenBadgeCredential", "proofs": {"jwt": ["x"]}, "credential_response_encryption": {}}),
            "invalid_encryption_parameters",
        ),
        (json!([1, 2]), "invalid_credential_request"),
    ] {
        let response = credential_request(server, "acme", &token, &body).await;
        assert_error(&response, 400, error);
    }
    assert_eq!(
        server.snapshot().await,
        before,
        "refused requests change nothing"
    );

    // The fresh nonce works once; a second use is a replay.
    let proof = wallet.proof(&issuer, &fresh, now);
    let ok = credential_request(server, "acme", &token, &request_with_proof(&proof)).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let (_, code) = offer(server, &setup.org.api_key, &award_id).await;
    let token = access_token(server, "acme", &code).await;
    let replay = credential_request(server, "acme", &token, &request_with_proof(&proof)).await;
    assert_error(&replay, 400, "invalid_nonce");

    // A nonce older than five minutes has expired (with a proof made just now).
    server.clock.advance(time::Duration::seconds(301));
    let (_, code) = offer(server, &setup.org.api_key, &award_id).await;
    let token = access_token(server, "acme", &code).await;
    let late = wallet.proof(&issuer, &stale, server.app.now_unix());
    let response = credential_request(server, "acme", &token, &request_with_proof(&late)).await;
    assert_error(&response, 400, "invalid_nonce");

    // Another organisation: its endpoints know nothing of acme's codes and tokens.
    let (_, code) = offer(server, &setup.org.api_key, &award_id).await;
    let wrong_issuer = token_request(
        server,
        "globex",
        &format!("{GRANT}&pre-authorized_code={code}"),
    )
    .await;
    assert_error(&wrong_issuer, 400, "invalid_grant");
    let proof = wallet.proof(
        &issuer_id(server, "globex"),
        &c_nonce(server, "globex").await,
        server.app.now_unix(),
    );
    let wrong_endpoint =
        credential_request(server, "globex", &token, &request_with_proof(&proof)).await;
    assert_error(&wrong_endpoint, 401, "invalid_token");
    let unknown_org = token_request(
        server,
        "nobody",
        &format!("{GRANT}&pre-authorized_code={code}"),
    )
    .await;
    assert_eq!(unknown_org.status, 404);
    let other_award = offer_response(server, &other_org.api_key, &award_id).await;
    assert_eq!(other_award.status, 404, "{}", other_award.text());
    assert_eq!(
        other_award.header("content-type"),
        Some("application/problem+json")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_proofs_and_nonces_are_refused_sqlite() {
    bad_proofs_and_nonces_are_refused(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_proofs_and_nonces_are_refused_postgres() {
    bad_proofs_and_nonces_are_refused(Db::Postgres).await;
}

async fn only_active_email_awards_can_be_offered(db: Db) {
    let Some(setup) = issuer(db, "acme").await else {
        return;
    };
    let server = &setup.server;
    let key = &setup.org.api_key;
    let to_did = crate::e2e::award(
        server,
        key,
        &json!({"achievement_id": setup.achievement_id, "recipient": {"did": "did:example:learner"}}),
    )
    .await;
    let response = offer_response(server, key, to_did["id"].as_str().unwrap()).await;
    assert_eq!(response.status, 422, "{}", response.text());
    assert_eq!(response.json()["code"], "NOT_OFFERABLE");

    let award_id = an_award(&setup, "ada@example.org").await;
    let copy = receive(&setup, "acme", &award_id, &Wallet::new()).await;
    let copy_id = copy["id"].as_str().unwrap().rsplit('/').next().unwrap();
    let response = offer_response(server, key, copy_id).await;
    assert_eq!(
        response.json()["code"],
        "NOT_OFFERABLE",
        "a copy is not offered again"
    );

    let revoked = server
        .request(
            Request::method("POST", &format!("/api/v1/credentials/{award_id}/revoke")).bearer(key),
        )
        .await;
    assert_eq!(revoked.status, 200);
    let response = offer_response(server, key, &award_id).await;
    assert_eq!(response.status, 422);
    assert_eq!(response.json()["code"], "CREDENTIAL_NOT_ACTIVE");
    let missing = offer_response(server, key, "0123456789abcdef0123456789abcdef").await;
    assert_eq!(missing.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_active_email_awards_can_be_offered_sqlite() {
    only_active_email_awards_can_be_offered(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_active_email_awards_can_be_offered_postgres() {
    only_active_email_awards_can_be_offered(Db::Postgres).await;
}

/// Concurrent redemptions of one code: exactly one gets a token. Concurrent credential requests
/// with one token: exactly one gets a credential.
async fn single_use_holds_under_concurrency(db: Db) {
    let Some(setup) = issuer(db, "acme").await else {
        return;
    };
    let setup = std::sync::Arc::new(setup);
    let award_id = an_award(&setup, "ada@example.org").await;
    let (_, code) = offer(&setup.server, &setup.org.api_key, &award_id).await;
    let mut racers = Vec::new();
    for _ in 0..6 {
        let (setup, code) = (std::sync::Arc::clone(&setup), code.clone());
        racers.push(tokio::spawn(async move {
            token_request(
                &setup.server,
                "acme",
                &format!("{GRANT}&pre-authorized_code={code}"),
            )
            .await
            .status
        }));
    }
    let mut statuses = Vec::new();
    for racer in racers {
        statuses.push(racer.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 400).count(),
        5,
        "{statuses:?}"
    );

    let (_, code) = offer(&setup.server, &setup.org.api_key, &award_id).await;
    let token = access_token(&setup.server, "acme", &code).await;
    let issuer = issuer_id(&setup.server, "acme");
    let mut racers = Vec::new();
    for _ in 0..4 {
        let setup = std::sync::Arc::clone(&setup);
        let (token, issuer) = (token.clone(), issuer.clone());
        racers.push(tokio::spawn(async move {
            let wallet = Wallet::new();
            let nonce = c_nonce(&setup.server, "acme").await;
            let proof = wallet.proof(&issuer, &nonce, setup.server.app.now_unix());
            credential_request(&setup.server, "acme", &token, &request_with_proof(&proof))
                .await
                .status
        }));
    }
    let mut statuses = Vec::new();
    for racer in racers {
        statuses.push(racer.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        3,
        "{statuses:?}"
    );
    let mut conn = setup.server.app.store().read().await.unwrap();
    let copies = brevet_store::oid4vci::wallet_copies_of(&mut conn, &award_id)
        .await
        .unwrap();
    assert_eq!(copies.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn single_use_holds_under_concurrency_sqlite() {
    single_use_holds_under_concurrency(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn single_use_holds_under_concurrency_postgres() {
    single_use_holds_under_concurrency(Db::Postgres).await;
}

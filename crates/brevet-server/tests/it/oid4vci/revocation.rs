//! Revoking, suspending and reinstating an award does the same to every wallet copy of it (its
//! own status entries, republished at once), and a copy cannot be had while the award is
//! suspended; changing a copy leaves the award alone. Both backends.

use brevet_test_support::{Db, Request};
use serde_json::{Value, json};

use super::*;
use crate::e2e::{check, issuer, verify_http};

fn public_id(credential: &Value) -> String {
    credential["id"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

async fn bits(setup: &crate::e2e::Issuer, id: &str) -> (bool, bool) {
    let status = setup.server.app.credential_status(id).await.unwrap();
    let bit = |purpose: &str| status.iter().any(|s| s.purpose == purpose && s.set);
    (bit("revocation"), bit("suspension"))
}

async fn change(setup: &crate::e2e::Issuer, id: &str, action: &str) {
    let response = setup
        .server
        .request(
            Request::post_json(
                &format!("/api/v1/credentials/{id}/{action}"),
                &json!({"reason": "test"}),
            )
            .bearer(&setup.org.api_key),
        )
        .await;
    assert_eq!(response.status, 200, "{action}: {}", response.text());
}

async fn the_award_status_reaches_its_copies(db: Db) {
    let Some(setup) = issuer(db, "acme").await else {
        return;
    };
    let server = &setup.server;
    let award_id = an_award(&setup, "ada@example.org").await;
    let first = receive(&setup, "acme", &award_id, &Wallet::new()).await;
    let second = receive(&setup, "acme", &award_id, &Wallet::new()).await;
    let (first_id, second_id) = (public_id(&first), public_id(&second));
    assert_ne!(first_id, second_id);
    let unrelated_award = an_award(&setup, "grace@example.org").await;
    let unrelated = receive(&setup, "acme", &unrelated_award, &Wallet::new()).await;

    // Suspending the award suspends both copies; a copy cannot be had meanwhile.
    let (_, pending_code) = offer(server, &setup.org.api_key, &award_id).await;
    let pending_token = access_token(server, "acme", &pending_code).await;
    change(&setup, &award_id, "suspend").await;
    for id in [&award_id, &first_id, &second_id] {
        assert_eq!(bits(&setup, id).await, (false, true), "{id}");
    }
    assert_eq!(bits(&setup, &public_id(&unrelated)).await, (false, false));
    let report = verify_http(server, &first).await;
    assert_eq!(report["verified"], false);
    assert_eq!(check(&report, "status").0, "failed", "{report}");
    let wallet = Wallet::new();
    let proof = wallet.proof(
        &issuer_id(server, "acme"),
        &c_nonce(server, "acme").await,
        server.app.now_unix(),
    );
    let denied =
        credential_request(server, "acme", &pending_token, &request_with_proof(&proof)).await;
    assert_error(&denied, 400, "credential_request_denied");

    // Reinstating the award reinstates them.
    change(&setup, &award_id, "reinstate").await;
    for id in [&award_id, &first_id, &second_id] {
        assert_eq!(bits(&setup, id).await, (false, false), "{id}");
    }
    assert_eq!(verify_http(server, &second).await["verified"], true);

    // Revoking a copy leaves the award and the other copy alone.
    change(&setup, &first_id, "revoke").await;
    assert_eq!(bits(&setup, &award_id).await, (false, false));
    assert_eq!(bits(&setup, &second_id).await, (false, false));

    // Revoking the award revokes every copy: the wallet's copy shows revoked.
    change(&setup, &award_id, "revoke").await;
    for id in [&award_id, &first_id, &second_id] {
        assert_eq!(bits(&setup, id).await, (true, false), "{id}");
    }
    let report = verify_http(server, &second).await;
    assert_eq!(report["verified"], false);
    let (outcome, detail) = check(&report, "status");
    assert_eq!(outcome, "failed");
    assert!(detail.contains("revocation"), "{detail}");
    assert_eq!(verify_http(server, &unrelated).await["verified"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_award_status_reaches_its_copies_sqlite() {
    the_award_status_reaches_its_copies(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_award_status_reaches_its_copies_postgres() {
    the_award_status_reaches_its_copies(Db::Postgres).await;
}

/// A reissue revokes the old award as "superseded", and with it the old award's copies.
async fn a_reissue_revokes_the_copies_of_the_old_award(db: Db) {
    let Some(setup) = issuer(db, "acme").await else {
        return;
    };
    let award_id = an_award(&setup, "ada@example.org").await;
    let copy = receive(&setup, "acme", &award_id, &Wallet::new()).await;
    let mut body = crate::e2e::award_body(&setup.achievement_id, "ada@example.org");
    body["supersedes"] = json!(award_id);
    crate::e2e::award(&setup.server, &setup.org.api_key, &body).await;
    assert_eq!(bits(&setup, &public_id(&copy)).await, (true, false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reissue_revokes_the_copies_of_the_old_award_sqlite() {
    a_reissue_revokes_the_copies_of_the_old_award(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reissue_revokes_the_copies_of_the_old_award_postgres() {
    a_reissue_revokes_the_copies_of_the_old_award(Db::Postgres).await;
}

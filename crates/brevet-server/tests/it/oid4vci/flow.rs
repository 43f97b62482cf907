//! The whole pre-authorized flow over HTTP: offer (API), offer by reference, metadata, token,
//! nonce, credential; the wallet copy is a credential of its own, bound to the holder's DID,
//! with the award's claims, verified by Brevet's verifier, stored, linked and backed up.

use brevet_test_support::{Db, Request, TestServer};
use serde_json::{Value, json};

use super::*;
use crate::e2e::{assert_verified, issuer, row_counts};

async fn whole_flow(db: Db) {
    let Some(setup) = issuer(db, "acme").await else {
        return;
    };
    let server = &setup.server;
    let award_id = an_award(&setup, "ada@example.org").await;

    // The offer, by reference and by value.
    let (offer, code) = offer(server, &setup.org.api_key, &award_id).await;
    let issuer = issuer_id(server, "acme");
    assert_eq!(offer["credential_id"], award_id.as_str());
    assert_eq!(
        offer["credential_offer"]["credential_issuer"],
        issuer.as_str()
    );
    assert_eq!(
        offer["credential_offer"]["credential_configuration_ids"],
        json!(["OpenBadgeCredential"])
    );
    assert!(
        offer["credential_offer"]["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
            .get("tx_code")
            .is_none()
    );
    let by_reference = offer["credential_offer_uri"].as_str().unwrap();
    assert!(by_reference.starts_with(&format!("{}/oid4vci/acme/offers/", server.base_url)));
    assert_eq!(
        offer["offer_uri"].as_str().unwrap(),
        format!(
            "openid-credential-offer://?credential_offer_uri={}",
            brevet_app::oid4vci::percent_encode(by_reference)
        )
    );
    assert!(
        offer["offer_by_value_uri"]
            .as_str()
            .unwrap()
            .starts_with("openid-credential-offer://?credential_offer=%7B%22credential_issuer%22")
    );
    assert!(offer["qr_svg"].as_str().unwrap().starts_with("<svg"));
    assert_eq!(offer["expires_in"], 600);
    let served = server.request(Request::get(by_reference)).await;
    assert_eq!(served.status, 200, "{}", served.text());
    assert_eq!(served.header("content-type"), Some("application/json"));
    assert_eq!(served.json(), offer["credential_offer"]);

    // Metadata at the well-known locations (inserted, and appended for older wallets).
    for path in [
        "/.well-known/openid-credential-issuer/acme",
        "/acme/.well-known/openid-credential-issuer",
    ] {
        let metadata = server.request(Request::get(path)).await;
        assert_eq!(metadata.status, 200, "{path}");
        let metadata = metadata.json();
        assert_eq!(metadata["credential_issuer"], issuer.as_str());
        assert_eq!(
            metadata["credential_endpoint"],
            format!("{}/oid4vci/acme/credential", server.base_url)
        );
        assert_eq!(
            metadata["nonce_endpoint"],
            format!("{}/oid4vci/acme/nonce", server.base_url)
        );
        let configuration = &metadata["credential_configurations_supported"]["OpenBadgeCredential"];
        assert_eq!(configuration["format"], "ldp_vc");
        assert_eq!(
            configuration["credential_definition"]["type"],
            json!(["VerifiableCredential", "OpenBadgeCredential"])
        );
        assert_eq!(
            configuration["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"][0],
            "EdDSA"
        );
    }
    let authorization = server
        .request(Request::get("/.well-known/oauth-authorization-server/acme"))
        .await
        .json();
    assert_eq!(authorization["issuer"], issuer.as_str());
    assert_eq!(
        authorization["token_endpoint"],
        format!("{}/oid4vci/acme/token", server.base_url)
    );
    assert_eq!(
        authorization["grant_types_supported"],
        json!(["urn:ietf:params:oauth:grant-type:pre-authorized_code"])
    );
    assert_eq!(
        authorization["pre-authorized_grant_anonymous_access_supported"],
        true
    );
    for unknown in [
        "/.well-known/openid-credential-issuer/nobody",
        "/.well-known/oauth-authorization-server/acme/extra",
    ] {
        assert_eq!(
            server.request(Request::get(unknown)).await.status,
            404,
            "{unknown}"
        );
    }

    // Token, nonce, credential.
    let token = access_token(server, "acme", &code).await;
    let nonce = c_nonce(server, "acme").await;
    assert_ne!(nonce, c_nonce(server, "acme").await, "nonces are fresh");
    let wallet = Wallet::new();
    let proof = wallet.proof(&issuer, &nonce, server.app.now_unix());
    let response = credential_request(server, "acme", &token, &request_with_proof(&proof)).await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.header("cache-control"), Some("no-store"));
    let copy = response.json()["credentials"][0]["credential"].clone();

    // A credential of its own, bound to the holder, with the award's claims.
    let stored_award: Value =
        serde_json::from_str(&server.app.verify_stored(&award_id).await.unwrap().0.json).unwrap();
    assert_eq!(copy["credentialSubject"]["id"], wallet.did().as_str());
    assert_ne!(copy["id"], stored_award["id"]);
    assert_eq!(
        copy["credentialSubject"]["achievement"],
        stored_award["credentialSubject"]["achievement"]
    );
    assert_eq!(
        copy["credentialSubject"]["identifier"],
        stored_award["credentialSubject"]["identifier"]
    );
    for same in [
        "issuer",
        "name",
        "validFrom",
        "validUntil",
        "type",
        "@context",
    ] {
        assert_eq!(copy[same], stored_award[same], "{same}");
    }
    let copy_status = copy["credentialStatus"].as_array().unwrap();
    assert_eq!(copy_status.len(), 2);
    for entry in copy_status {
        assert!(
            !stored_award["credentialStatus"]
                .as_array()
                .unwrap()
                .iter()
                .any(|award_entry| award_entry["id"] == entry["id"]),
            "the copy has its own status entries"
        );
    }
    assert_eq!(copy["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    assert!(
        copy["proof"]["verificationMethod"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}#", setup.org.did))
    );

    // It verifies with Brevet's verifier, from the wire and as stored.
    let report = server.app.verify(&copy).await;
    assert!(report.verified, "{report:?}");
    let over_http = server
        .request(Request::post_json("/api/v1/verify", &copy))
        .await
        .json();
    assert_verified(&over_http);
    let copy_id = copy["id"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let (record, stored_report) = server.app.verify_stored(&copy_id).await.unwrap();
    assert!(stored_report.verified);
    assert_eq!(record.source, "oid4vci");
    assert_eq!(record.recipient_did.as_deref(), Some(wallet.did().as_str()));
    assert_eq!(serde_json::from_str::<Value>(&record.json).unwrap(), copy);
    let view = server
        .request(Request::get(&format!("/api/v1/credentials/{copy_id}")).bearer(&setup.org.api_key))
        .await;
    assert_eq!(view.status, 200);
    assert_eq!(view.json()["recipient"]["did"], wallet.did().as_str());
    let counts = row_counts(server).await;
    assert_eq!(counts["wallet_copies"], 1);
    assert_eq!(counts["oid4vci_used_nonces"], 1);
    assert_eq!(counts["oid4vci_offers"], 1);
    let page = server.request(Request::get(&format!("/c/{copy_id}"))).await;
    assert_eq!(page.status, 200);

    // The link to the award survives a backup and a restore on the other backend.
    let other = match db {
        Db::Sqlite => Db::Postgres,
        Db::Postgres => Db::Sqlite,
    };
    if let Some(target) = TestServer::start(other).await {
        let mut file = Vec::new();
        brevet_store::backup::export(server.app.store(), 1_790_000_000, &mut file)
            .await
            .unwrap();
        brevet_store::backup::restore(target.app.store(), &mut file.as_slice())
            .await
            .unwrap();
        let mut conn = target.app.store().read().await.unwrap();
        let copies = brevet_store::oid4vci::wallet_copies_of(&mut conn, &award_id)
            .await
            .unwrap();
        assert_eq!(copies.len(), 1);
        assert_eq!(copies[0].credential_id, copy_id);
        assert_eq!(copies[0].holder_did, wallet.did());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_issues_a_bound_copy_that_verifies_sqlite() {
    whole_flow(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_issues_a_bound_copy_that_verifies_postgres() {
    whole_flow(Db::Postgres).await;
}

/// A jwk header (no kid) binds the copy to the did:key of that key; authorization_details in
/// the token request give a credential_identifier the credential request can use instead.
async fn jwk_proofs_and_credential_identifiers(db: Db) {
    let Some(setup) = issuer(db, "acme").await else {
        return;
    };
    let server = &setup.server;
    let award_id = an_award(&setup, "ada@example.org").await;
    let (_, code) = offer(server, &setup.org.api_key, &award_id).await;
    let details = brevet_app::oid4vci::percent_encode(
        &json!([{"type": "openid_credential", "credential_configuration_id": "OpenBadgeCredential"}])
            .to_string(),
    );
    let response = token_request(
        server,
        "acme",
        &format!(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code={code}&authorization_details={details}&resource={}",
            brevet_app::oid4vci::percent_encode(&issuer_id(server, "acme"))
        ),
    )
    .await;
    assert_eq!(response.status, 200, "{}", response.text());
    let body = response.json();
    let identifier = body["authorization_details"][0]["credential_identifiers"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let token = body["access_token"].as_str().unwrap();

    let wallet = Wallet::new();
    let x = URL_SAFE_NO_PAD.encode(wallet.key.verifying_key().as_bytes());
    let nonce = c_nonce(server, "acme").await;
    let proof = wallet.sign_jwt(
        &json!({"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "jwk": {"kty": "OKP", "crv": "Ed25519", "x": x}}),
        &json!({"aud": issuer_id(server, "acme"), "iat": server.app.now_unix(), "nonce": nonce}),
    );
    let wrong = credential_request(
        server,
        "acme",
        token,
        &json!({"credential_identifier": "OpenBadgeCredential:someone-else", "proofs": {"jwt": [proof]}}),
    )
    .await;
    assert_error(&wrong, 400, "unknown_credential_identifier");
    let response = credential_request(
        server,
        "acme",
        token,
        &json!({"credential_identifier": identifier, "proofs": {"jwt": [proof]}}),
    )
    .await;
    assert_eq!(response.status, 200, "{}", response.text());
    let copy = response.json()["credentials"][0]["credential"].clone();
    assert_eq!(copy["credentialSubject"]["id"], wallet.did().as_str());
    assert!(server.app.verify(&copy).await.verified);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwk_proofs_and_credential_identifiers_work_sqlite() {
    jwk_proofs_and_credential_identifiers(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwk_proofs_and_credential_identifiers_work_postgres() {
    jwk_proofs_and_credential_identifiers(Db::Postgres).await;
}

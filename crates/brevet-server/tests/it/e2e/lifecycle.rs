//! The credential lifecycle over HTTP on both backends: award, page data, DID document, status
//! list, verify (passes), revoke with a reason, verify (fails naming revocation, at once:
//! STS-08), rotate the key, award again with the new key only, and the old credential still
//! verifies (KEY-10); expiry reports validity failed but proof passed (DATE-03).

use brevet_core::statuslist::Bitstring;
use brevet_test_support::{Db, Request, TestServer};
use serde_json::{Value, json};

use super::{assert_verified, award, award_body, check, issuer, verify_http};

/// The path part of one of the server's own URLs.
fn path_of(server: &TestServer, url: &str) -> String {
    url.strip_prefix(&server.base_url)
        .unwrap_or_else(|| panic!("{url} is not under {}", server.base_url))
        .to_owned()
}

fn verification_method(credential: &Value) -> String {
    let proof = match &credential["proof"] {
        Value::Array(proofs) => proofs[0].clone(),
        other => other.clone(),
    };
    proof["verificationMethod"].as_str().unwrap().to_owned()
}

/// The revocation entry of a credential: (list URL, index).
fn revocation_entry(credential: &Value) -> (String, usize) {
    let entry = credential["credentialStatus"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["statusPurpose"] == "revocation")
        .unwrap();
    (
        entry["statusListCredential"].as_str().unwrap().to_owned(),
        entry["statusListIndex"].as_str().unwrap().parse().unwrap(),
    )
}

/// The bit at `index` of the served list at `url`, with the list's `ttl` and `Cache-Control`.
async fn served_bit(server: &TestServer, url: &str, index: usize) -> (bool, u64, String) {
    let response = server.request(Request::get(&path_of(server, url))).await;
    assert_eq!(response.status, 200, "{}", response.text());
    let list = response.json();
    let subject = &list["credentialSubject"];
    let bits = Bitstring::decode(subject["encodedList"].as_str().unwrap()).unwrap();
    (
        bits.get(index).unwrap(),
        subject["ttl"].as_u64().expect("the list carries a ttl"),
        response.header("cache-control").unwrap().to_owned(),
    )
}

#[tokio::test]
async fn award_verify_revoke_rotate_and_the_old_credential_still_verifies() {
    for db in Db::BOTH {
        let Some(setup) = issuer(db, "acme").await else {
            continue;
        };
        let (server, key) = (&setup.server, setup.org.api_key.as_str());

        // Award two credentials.
        let first = award(
            server,
            key,
            &award_body(&setup.achievement_id, "ada@example.org"),
        )
        .await;
        let kept = award(
            server,
            key,
            &award_body(&setup.achievement_id, "bob@example.org"),
        )
        .await;
        let id = first["id"].as_str().unwrap();
        let credential = &first["credential"];
        assert!(verification_method(credential).ends_with("#key-1"));
        assert_eq!(credential["issuer"]["id"], setup.org.did);

        // The page data.
        let page = server
            .request(Request::get(&format!("/api/v1/credentials/{id}")).bearer(key))
            .await;
        assert_eq!(page.status, 200, "{}", page.text());
        let page = page.json();
        assert_eq!(
            &page["credential"], credential,
            "stored byte for byte as issued"
        );
        assert_eq!(page["recipient"]["email"], "ada@example.org");
        assert_eq!(page["status"].as_array().unwrap().len(), 2);
        assert!(
            page["status"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["set"] == false)
        );

        // The DID document and the status list, over HTTP.
        let slug_path = "/acme/did.json";
        let did_document = server.request(Request::get(slug_path)).await;
        assert_eq!(did_document.status, 200);
        let did_document = did_document.json();
        assert_eq!(did_document["id"], setup.org.did);
        assert_eq!(
            did_document["assertionMethod"],
            json!([format!("{}#key-1", setup.org.did)])
        );
        let (list_url, index) = revocation_entry(credential);
        let (bit, ttl, cache_control) = served_bit(server, &list_url, index).await;
        assert!(!bit);
        // STS-08: external verifiers may cache the list for `ttl`; the HTTP cache lifetime is
        // the same bound, so an outside view of a revocation is stale for at most ttl/1000 s.
        assert_eq!(ttl, server.app.config().status_list_ttl_ms);
        assert_eq!(cache_control, format!("public, max-age={}", ttl / 1000));

        // Verify: passes, every check passed or not applicable.
        let report = verify_http(server, credential).await;
        assert_verified(&report);
        assert_eq!(check(&report, "status").0, "passed");

        // Revoke with a reason.
        let revoked = server
            .request(
                Request::post_json(
                    &format!("/api/v1/credentials/{id}/revoke"),
                    &json!({"reason": "issued in error"}),
                )
                .bearer(key),
            )
            .await;
        assert_eq!(revoked.status, 200, "{}", revoked.text());
        let revocation = revoked.json()["status"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["purpose"] == "revocation")
            .cloned()
            .unwrap();
        assert_eq!(revocation["set"], true);
        assert_eq!(revocation["reason"], "issued in error");

        // Verify again: fails at once, the status check names the revocation (STS-08).
        let report = verify_http(server, credential).await;
        assert_eq!(report["verified"], false);
        let (outcome, detail) = check(&report, "status");
        assert_eq!(outcome, "failed", "{report:#}");
        assert!(detail.contains("revoked"), "{detail}");
        assert_eq!(check(&report, "proof").0, "passed");
        let (_, stored) = server.app.verify_stored(id).await.unwrap();
        assert!(!stored.verified);
        let status = stored
            .check(brevet_core::verify::CheckName::Status)
            .unwrap();
        assert!(status.detail.contains("revoked"), "{}", status.detail);
        let (bit, _, _) = served_bit(server, &list_url, index).await;
        assert!(bit, "the served list shows the revocation at once");
        let page = server
            .request(Request::get(&format!("/api/v1/credentials/{id}")).bearer(key))
            .await
            .json();
        assert!(page["status"].as_array().unwrap().iter().any(|s| {
            s["purpose"] == "revocation" && s["set"] == true && s["reason"] == "issued in error"
        }));

        // Rotate the signing key (owner API key).
        let rotated = server
            .request(Request::method("POST", "/api/v1/org/keys/rotate").bearer(key))
            .await;
        assert_eq!(rotated.status, 200, "{}", rotated.text());
        let new_method = rotated.json()["verification_method"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(new_method, format!("{}#key-2", setup.org.did));

        // The retired key stays in the DID document.
        let did_document = server.request(Request::get(slug_path)).await.json();
        assert_eq!(
            did_document["assertionMethod"],
            json!([
                format!("{}#key-1", setup.org.did),
                format!("{}#key-2", setup.org.did)
            ])
        );

        // A new award is signed with key-2 only, and verifies.
        let after = award(
            server,
            key,
            &award_body(&setup.achievement_id, "eve@example.org"),
        )
        .await;
        assert_eq!(verification_method(&after["credential"]), new_method);
        assert_verified(&verify_http(server, &after["credential"]).await);

        // KEY-10: the credential signed with the retired key still verifies.
        assert!(verification_method(&kept["credential"]).ends_with("#key-1"));
        assert_verified(&verify_http(server, &kept["credential"]).await);
        let (_, stored) = server
            .app
            .verify_stored(kept["id"].as_str().unwrap())
            .await
            .unwrap();
        assert!(stored.verified, "{stored:?}");

        // Status list changes after the rotation are signed with the new key too.
        let kept_id = kept["id"].as_str().unwrap();
        let suspended = server
            .request(
                Request::post_json(
                    &format!("/api/v1/credentials/{kept_id}/suspend"),
                    &json!({"reason": "under review"}),
                )
                .bearer(key),
            )
            .await;
        assert_eq!(suspended.status, 200, "{}", suspended.text());
        let report = verify_http(server, &kept["credential"]).await;
        let (outcome, detail) = check(&report, "status");
        assert_eq!(outcome, "failed");
        assert!(detail.contains("suspended"), "{detail}");
        let reinstated = server
            .request(
                Request::method("POST", &format!("/api/v1/credentials/{kept_id}/reinstate"))
                    .bearer(key),
            )
            .await;
        assert_eq!(reinstated.status, 200, "{}", reinstated.text());
        assert_verified(&verify_http(server, &kept["credential"]).await);
    }
}

#[tokio::test]
async fn a_viewer_cannot_rotate_the_key_and_rotation_is_audited() {
    for db in Db::BOTH {
        let Some(setup) = issuer(db, "acme").await else {
            continue;
        };
        let server = &setup.server;
        let owner = server
            .app
            .principal_for_api_key(&setup.org.api_key)
            .await
            .unwrap();
        let (_, issuer_key) = server
            .app
            .create_api_key(&owner, "issuer", brevet_app::Role::Issuer)
            .await
            .unwrap();
        let refused = server
            .request(Request::method("POST", "/api/v1/org/keys/rotate").bearer(&issuer_key))
            .await;
        assert_eq!(refused.status, 403, "{}", refused.text());
        let unauthenticated = server
            .request(Request::method("POST", "/api/v1/org/keys/rotate"))
            .await;
        assert_eq!(unauthenticated.status, 401);
        let did_document = server.request(Request::get("/acme/did.json")).await.json();
        assert_eq!(did_document["assertionMethod"].as_array().unwrap().len(), 1);

        let rotated = server
            .request(Request::method("POST", "/api/v1/org/keys/rotate").bearer(&setup.org.api_key))
            .await;
        assert_eq!(rotated.status, 200);
        let mut conn = server.app.store().read().await.unwrap();
        let log = brevet_store::audit::list_for_org(&mut conn, &setup.org.org_id, 50)
            .await
            .unwrap();
        assert!(log.iter().any(|entry| entry.action == "signing-key.rotate"));
    }
}

#[tokio::test]
async fn an_expired_credential_fails_validity_but_its_proof_passes() {
    for db in Db::BOTH {
        let Some(setup) = issuer(db, "acme").await else {
            continue;
        };
        let server = &setup.server;
        let now = server.app.clock().now();
        let mut body = award_body(&setup.achievement_id, "ada@example.org");
        body["valid_until"] = json!(brevet_app::clock::stamp(now + time::Duration::days(1)));
        let awarded = award(server, &setup.org.api_key, &body).await;
        let id = awarded["id"].as_str().unwrap();
        assert_verified(&verify_http(server, &awarded["credential"]).await);
        assert!(server.app.verify_stored(id).await.unwrap().1.verified);

        // DATE-03: past validUntil, verification (the proof) still holds; validation fails.
        server.clock.advance(time::Duration::days(2));
        let report = verify_http(server, &awarded["credential"]).await;
        assert_eq!(report["verified"], false);
        assert_eq!(check(&report, "proof").0, "passed");
        assert_eq!(check(&report, "issuer-key").0, "passed");
        assert_eq!(check(&report, "validity").0, "failed", "{report:#}");
        let (_, stored) = server.app.verify_stored(id).await.unwrap();
        assert!(
            !stored.verified,
            "the cached report is dropped when validUntil passes"
        );
        assert_eq!(
            stored.outcome(brevet_core::verify::CheckName::Validity),
            Some(brevet_core::verify::Outcome::Failed)
        );
    }
}

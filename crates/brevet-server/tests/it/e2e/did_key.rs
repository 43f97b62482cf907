//! A did:key organisation over HTTP on both backends: its DID is the did:key of its only key;
//! awards, status lists and VC-API issuance name it (an issuer other than it is refused);
//! its credentials verify (did:key resolves without the store), then fail once revoked; key
//! rotation is refused and changes nothing; it has no `/{slug}/did.json`.

use brevet_app::orgs::DidMethod;
use brevet_core::did::parse_did_key;
use brevet_test_support::{Db, Request, TestServer};
use serde_json::{Value, json};

use super::{add_achievement, assert_verified, award, award_body, check, row_counts, verify_http};

fn proof_method(credential: &Value) -> String {
    let proof = match &credential["proof"] {
        Value::Array(proofs) => proofs[0].clone(),
        other => other.clone(),
    };
    proof["verificationMethod"].as_str().unwrap().to_owned()
}

/// The path part of one of the server's own URLs.
fn path_of(server: &TestServer, url: &str) -> String {
    url.strip_prefix(&server.base_url).unwrap().to_owned()
}

#[tokio::test]
async fn a_did_key_organisation_issues_verifies_revokes_and_cannot_rotate() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server
            .app
            .create_org_with_method("Keyed", "keyed", "admin@keyed.example", DidMethod::Key)
            .await
            .unwrap();
        let key = org.api_key.as_str();
        let did = org.did.clone();
        let public = did
            .strip_prefix("did:key:z6Mk")
            .map(|rest| format!("z6Mk{rest}"));
        let public = public.unwrap_or_else(|| panic!("{did} is not an Ed25519 did:key"));
        parse_did_key(&did).unwrap();
        let method = format!("{did}#{public}");

        // The organisation as the API shows it.
        let view = server
            .request(Request::get("/api/v1/org").bearer(key))
            .await
            .json();
        assert_eq!(view["did"], did);
        assert_eq!(view["did_method"], "key");
        assert_eq!(view["did_document_url"], Value::Null);
        assert_eq!(view["issuer_profile"]["id"], did);
        assert_eq!(view["keys"], json!([view["keys"][0].clone()]));
        assert_eq!(view["keys"][0]["id"], method);

        // An award names the did:key as issuer and signs with its method.
        let achievement_id = add_achievement(&server, &org.org_id, None).await;
        let awarded = award(
            &server,
            key,
            &award_body(&achievement_id, "ada@example.org"),
        )
        .await;
        let id = awarded["id"].as_str().unwrap();
        let credential = &awarded["credential"];
        assert_eq!(credential["issuer"]["id"], did);
        assert_eq!(proof_method(credential), method);

        // Its status list credential too.
        let list_url = credential["credentialStatus"][0]["statusListCredential"]
            .as_str()
            .unwrap();
        let list = server
            .request(Request::get(&path_of(&server, list_url)))
            .await;
        assert_eq!(list.status, 200, "{}", list.text());
        let list = list.json();
        assert_eq!(list["issuer"], did);
        assert_eq!(proof_method(&list), method);

        // It verifies: did:key resolves without the network.
        let report = verify_http(&server, credential).await;
        assert_verified(&report);
        assert_eq!(check(&report, "status").0, "passed");

        // VC-API issue: no issuer means the organisation; another issuer is refused.
        let plain = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:learner"}
        });
        let issued = server
            .request(
                Request::post_json("/credentials/issue", &json!({"credential": plain})).bearer(key),
            )
            .await;
        assert_eq!(issued.status, 201, "{}", issued.text());
        let issued = issued.json()["verifiableCredential"].clone();
        let issuer_id = issued["issuer"]
            .get("id")
            .unwrap_or(&issued["issuer"])
            .clone();
        assert_eq!(issuer_id, did);
        assert_eq!(proof_method(&issued), method);
        let verified = server
            .request(Request::post_json(
                "/credentials/verify",
                &json!({"verifiableCredential": issued, "options": {"checks": ["proof"]}}),
            ))
            .await;
        assert_eq!(verified.status, 200, "{}", verified.text());
        let mut foreign = plain.clone();
        foreign["issuer"] = json!("did:key:z6MkhTNL7i2etLerDK8Acz5t528giE5KA4p75T6ka1E1D74r");
        let refused = server
            .request(
                Request::post_json("/credentials/issue", &json!({"credential": foreign}))
                    .bearer(key),
            )
            .await;
        assert_eq!(refused.status, 400, "{}", refused.text());
        assert_eq!(refused.json()["code"], "ISSUER_MISMATCH");
        let mut own = plain.clone();
        own["issuer"] = json!(did);
        let accepted = server
            .request(
                Request::post_json("/credentials/issue", &json!({"credential": own})).bearer(key),
            )
            .await;
        assert_eq!(accepted.status, 201, "{}", accepted.text());

        // Revoked: verification fails naming the revocation.
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
        let report = verify_http(&server, credential).await;
        assert_eq!(report["verified"], false);
        let (outcome, detail) = check(&report, "status");
        assert_eq!(outcome, "failed", "{report:#}");
        assert!(detail.contains("revoked"), "{detail}");
        assert_eq!(check(&report, "proof").0, "passed");

        // Rotation is refused and changes nothing.
        let before = row_counts(&server).await;
        let rotated = server
            .request(Request::method("POST", "/api/v1/org/keys/rotate").bearer(key))
            .await;
        assert_eq!(rotated.status, 400, "{}", rotated.text());
        assert_eq!(
            rotated.header("content-type"),
            Some("application/problem+json")
        );
        let problem = rotated.json();
        assert_eq!(problem["code"], "DID_KEY_CANNOT_ROTATE");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("did:key organisation"), "{detail}");
        assert_eq!(row_counts(&server).await, before);
        let after = server
            .request(Request::get("/api/v1/org").bearer(key))
            .await
            .json();
        assert_eq!(after["did"], did);
        assert_eq!(after["keys"], view["keys"]);
        let again = award(
            &server,
            key,
            &award_body(&achievement_id, "bob@example.org"),
        )
        .await;
        assert_eq!(proof_method(&again["credential"]), method);
        assert_verified(&verify_http(&server, &again["credential"]).await);

        // No did:web document: its DID document is derived from the DID.
        let document = server.request(Request::get("/keyed/did.json")).await;
        assert_eq!(document.status, 404, "{}", document.text());
    }
}

//! TEN-01 on both backends: another organisation's API key gets 404 (the same answer as for an
//! id that does not exist) for every route that names an object of this organisation, and
//! nothing changes in the database.

use brevet_test_support::{Db, Request};
use serde_json::json;

use super::{add_achievement, award, award_body, issuer, row_counts, verify_http};

#[tokio::test]
async fn another_organisations_key_gets_404_and_changes_nothing() {
    for db in Db::BOTH {
        let Some(setup) = issuer(db, "acme").await else {
            continue;
        };
        let server = &setup.server;
        let awarded = award(
            server,
            &setup.org.api_key,
            &award_body(&setup.achievement_id, "ada@example.org"),
        )
        .await;
        let id = awarded["id"].as_str().unwrap();
        let other = server.create_org("rival").await;
        let other_achievement = add_achievement(server, &other.org_id, None).await;
        let list_url = awarded["credential"]["credentialStatus"][0]["statusListCredential"]
            .as_str()
            .unwrap()
            .to_owned();
        let before = row_counts(server).await;
        let missing = "0123456789abcdef0123456789abcdef";

        let routes: Vec<(String, Request)> = vec![
            (
                "get".into(),
                Request::get(&format!("/api/v1/credentials/{id}")),
            ),
            (
                "revoke".into(),
                Request::post_json(
                    &format!("/api/v1/credentials/{id}/revoke"),
                    &json!({"reason": "x"}),
                ),
            ),
            (
                "suspend".into(),
                Request::post_json(&format!("/api/v1/credentials/{id}/suspend"), &json!({})),
            ),
            (
                "reinstate".into(),
                Request::method("POST", &format!("/api/v1/credentials/{id}/reinstate")),
            ),
            (
                "award of this organisation's achievement".into(),
                Request::post_json(
                    "/api/v1/credentials",
                    &award_body(&setup.achievement_id, "eve@example.org"),
                ),
            ),
            (
                "reissue superseding this organisation's credential".into(),
                Request::post_json(
                    "/api/v1/credentials",
                    &json!({
                        "achievement_id": other_achievement,
                        "recipient": {"email": "eve@example.org"},
                        "supersedes": id,
                    }),
                ),
            ),
        ];
        for (what, request) in routes {
            // The same request for an id that does not exist gives the same answer.
            let response = server.request(request.clone().bearer(&other.api_key)).await;
            assert_eq!(response.status, 404, "{what}: {}", response.text());
            assert_eq!(
                response.header("content-type"),
                Some("application/problem+json"),
                "{what}"
            );
            let swap = |text: &str| {
                text.replace(id, missing)
                    .replace(&setup.achievement_id, missing)
            };
            let absent = Request {
                path: swap(&request.path),
                body: request
                    .body
                    .as_ref()
                    .map(|body| swap(&String::from_utf8_lossy(body)).into_bytes()),
                ..request
            };
            let absent = server.request(absent.bearer(&other.api_key)).await;
            assert_eq!(absent.status, 404, "{what} (absent id)");
            assert_eq!(response.body, absent.body, "{what}: no existence oracle");
            assert_eq!(
                row_counts(server).await,
                before,
                "{what} changed the database"
            );
        }

        // The list shows none of this organisation's credentials.
        let listed = server
            .request(Request::get("/api/v1/credentials").bearer(&other.api_key))
            .await;
        assert_eq!(listed.status, 200);
        assert_eq!(listed.json()["items"], json!([]));

        // Rotating the other organisation's key leaves this one's alone.
        let rotated = server
            .request(Request::method("POST", "/api/v1/org/keys/rotate").bearer(&other.api_key))
            .await;
        assert_eq!(rotated.status, 200);
        let did_document = server.request(Request::get("/acme/did.json")).await.json();
        assert_eq!(did_document["assertionMethod"].as_array().unwrap().len(), 1);

        // Still intact and verifying.
        assert_eq!(
            verify_http(server, &awarded["credential"]).await["verified"],
            true
        );
        let status = server
            .request(Request::get(
                list_url.strip_prefix(&server.base_url).unwrap(),
            ))
            .await;
        assert_eq!(status.status, 200);
    }
}

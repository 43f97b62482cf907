//! Tenant isolation through the API: another organisation's key gets 404 for every
//! achievement, member and credential route of this one, with nothing changed (TEN-01); a
//! viewer key gets 403 on every write, an issuer key on owner-only ones (TEN-02).

use brevet_app::Role;
use brevet_test_support::{Db, Request, TestServer};
use serde_json::json;

use super::helpers::{
    SVG, assert_problem, award, create_achievement, delete, full_achievement, key_with_role,
    owner_user_id, patch_json, png, post_empty,
};

/// Every route of the API that names an object of the organisation, filled with `A`'s ids.
fn object_routes(achievement: &str, credential: &str, user: &str) -> Vec<Request> {
    let ach = format!("/api/v1/achievements/{achievement}");
    let cred = format!("/api/v1/credentials/{credential}");
    let member = format!("/api/v1/members/{user}");
    vec![
        Request::get(&ach),
        patch_json(&ach, &json!({"name": "Taken over"})),
        post_empty(&format!("{ach}/archive")),
        post_empty(&format!("{ach}/unarchive")),
        Request::method("POST", &format!("{ach}/image")).body("image/png", png(4, 4)),
        Request::method("POST", &format!("{ach}/image")).body("image/svg+xml", SVG),
        delete(&format!("{ach}/image")),
        Request::get(&cred),
        Request::post_json(&format!("{cred}/revoke"), &json!({"reason": "hostile"})),
        post_empty(&format!("{cred}/suspend")),
        post_empty(&format!("{cred}/reinstate")),
        patch_json(&member, &json!({"role": "viewer"})),
        delete(&member),
        Request::post_json(
            "/api/v1/credentials",
            &json!({"achievement_id": achievement, "recipient": {"email": "eve@example.org"}}),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_organisations_key_gets_404_for_every_object_and_changes_nothing() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let victim = server.create_org("victim").await;
        let attacker = server.create_org("attacker").await;
        let achievement =
            create_achievement(&server, &victim.api_key, &full_achievement("Badge")).await;
        let achievement_id = achievement["id"].as_str().unwrap();
        let awarded = award(&server, &victim.api_key, achievement_id, "Victor Tim").await;
        let credential_id = awarded["id"].as_str().unwrap();
        let credential_uri = awarded["credential"]["id"].as_str().unwrap();
        let user_id = owner_user_id(&server, &victim.api_key).await;
        let before = server.snapshot().await;

        let mut routes = object_routes(achievement_id, credential_id, &user_id);
        // The credential's id URI is accepted where the public id is; it is not found either.
        let encoded_uri = credential_uri.replace(':', "%3A").replace('/', "%2F");
        routes.push(post_empty(&format!(
            "/api/v1/credentials/{encoded_uri}/revoke"
        )));
        for request in routes {
            let label = format!("{} {}", request.method, request.path);
            let response = server.request(request.bearer(&attacker.api_key)).await;
            assert_eq!(response.status, 404, "{label}: {}", response.text());
            assert_problem(&response, 404, &[]);
            assert_eq!(response.json()["detail"], "not found", "{label}");
        }
        // The attacker's lists show none of the victim's objects.
        for path in [
            "/api/v1/achievements?include_archived=true",
            "/api/v1/credentials",
            &format!("/api/v1/credentials?achievement_id={achievement_id}"),
            "/api/v1/members",
        ] {
            let response = server
                .request(Request::get(path).bearer(&attacker.api_key))
                .await;
            assert_eq!(response.status, 200, "{path}");
            let text = response.text();
            for id in [achievement_id, credential_id, user_id.as_str()] {
                assert!(!text.contains(id), "{path} shows {id}");
            }
        }
        let org = server
            .request(Request::get("/api/v1/org").bearer(&attacker.api_key))
            .await;
        assert_eq!(org.json()["slug"], "attacker");
        assert_eq!(
            before,
            server.snapshot().await,
            "a cross-tenant request changed the database"
        );

        // The same routes work for the victim's own key (so the 404s above were isolation).
        let own = server
            .request(
                Request::get(&format!("/api/v1/achievements/{achievement_id}"))
                    .bearer(&victim.api_key),
            )
            .await;
        assert_eq!(own.status, 200);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewer_keys_may_read_but_not_write_and_issuers_may_not_administer() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let owner = org.api_key.as_str();
        let viewer = key_with_role(&server, owner, Role::Viewer).await;
        let issuer = key_with_role(&server, owner, Role::Issuer).await;
        let achievement = create_achievement(&server, owner, &full_achievement("Badge")).await;
        let achievement_id = achievement["id"].as_str().unwrap();
        let awarded = award(&server, owner, achievement_id, "Ada Lovelace").await;
        let credential_id = awarded["id"].as_str().unwrap();
        let user_id = owner_user_id(&server, owner).await;
        let before = server.snapshot().await;

        let mut writes = object_routes(achievement_id, credential_id, &user_id);
        writes.retain(|request| request.method != "GET");
        writes.push(Request::post_json(
            "/api/v1/achievements",
            &full_achievement("Badge"),
        ));
        writes.push(patch_json("/api/v1/org", &json!({"name": "Renamed"})));
        writes.push(Request::method("POST", "/api/v1/org/logo").body("image/png", png(4, 4)));
        writes.push(delete("/api/v1/org/logo"));
        for request in writes {
            let label = format!("{} {}", request.method, request.path);
            let response = server.request(request.bearer(&viewer)).await;
            assert_eq!(response.status, 403, "viewer {label}: {}", response.text());
            assert_problem(&response, 403, &["viewer"]);
        }
        let owner_only = [
            patch_json(
                &format!("/api/v1/members/{user_id}"),
                &json!({"role": "issuer"}),
            ),
            delete(&format!("/api/v1/members/{user_id}")),
            patch_json("/api/v1/org", &json!({"name": "Renamed"})),
            Request::method("POST", "/api/v1/org/logo").body("image/png", png(4, 4)),
            delete("/api/v1/org/logo"),
        ];
        for request in owner_only {
            let label = format!("{} {}", request.method, request.path);
            let response = server.request(request.bearer(&issuer)).await;
            assert_eq!(response.status, 403, "issuer {label}: {}", response.text());
            assert_problem(&response, 403, &["issuer"]);
        }
        assert_eq!(
            before,
            server.snapshot().await,
            "a forbidden request changed the database"
        );

        for path in [
            format!("/api/v1/achievements/{achievement_id}"),
            "/api/v1/achievements".to_owned(),
            format!("/api/v1/credentials/{credential_id}"),
            "/api/v1/credentials".to_owned(),
            "/api/v1/members".to_owned(),
            "/api/v1/org".to_owned(),
        ] {
            let response = server.request(Request::get(&path).bearer(&viewer)).await;
            assert_eq!(
                response.status,
                200,
                "viewer GET {path}: {}",
                response.text()
            );
        }
        // An issuer may write achievements.
        let response = server
            .request(
                patch_json(
                    &format!("/api/v1/achievements/{achievement_id}"),
                    &json!({"name": "Edited"}),
                )
                .bearer(&issuer),
            )
            .await;
        assert_eq!(response.status, 200, "{}", response.text());
        // No key at all, a revoked-looking key, or a key in the query string: 401 / 400.
        let anonymous = server.request(Request::get("/api/v1/achievements")).await;
        assert_problem(&anonymous, 401, &[]);
        let unknown = server
            .request(Request::get("/api/v1/members").bearer("brv_0000000000000000"))
            .await;
        assert_problem(&unknown, 401, &[]);
        let in_query = server
            .request(Request::get(&format!("/api/v1/org?api_key={owner}")))
            .await;
        assert_problem(&in_query, 400, &["Authorization"]);
    }
}

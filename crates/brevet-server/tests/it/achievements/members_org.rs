//! Members (roles, the last owner kept) and the organisation profile, DID, keys and logo.

use brevet_store::users::{self, MembershipRecord, UserRecord};
use brevet_test_support::{Db, Request, TestServer};
use serde_json::{Value, json};

use super::helpers::{
    SVG, assert_problem, award, create_achievement, delete, full_achievement, multipart,
    owner_user_id, patch_json, png, verify,
};

/// Adds a user with `role` to the organisation directly in the store (inviting is not part of
/// this API); returns the user id.
async fn add_member(server: &TestServer, org_id: &str, email: &str, role: &str) -> String {
    let user = UserRecord {
        id: brevet_app::ids::new_id(),
        email: email.to_owned(),
        name: Some("Second Person".to_owned()),
        password_hash: None,
        created_at: server.app.now_unix() + 1,
    };
    let mut tx = server.app.store().begin().await.unwrap();
    users::insert_user(&mut tx, &user).await.unwrap();
    users::insert_membership(
        &mut tx,
        &MembershipRecord {
            org_id: org_id.to_owned(),
            user_id: user.id.clone(),
            role: role.to_owned(),
            created_at: user.created_at,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    user.id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_change_roles_and_the_last_owner_stays() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let key = org.api_key.as_str();
        let first = owner_user_id(&server, key).await;
        let second = add_member(&server, &org.org_id, "second@acme.example", "issuer").await;

        let list = server
            .request(Request::get("/api/v1/members").bearer(key))
            .await;
        assert_eq!(list.status, 200);
        let items = list.json()["items"].clone();
        assert_eq!(items.as_array().unwrap().len(), 2);
        assert_eq!(items[0]["email"], "admin@acme.example");
        assert_eq!(items[0]["role"], "owner");
        assert_eq!(
            items[1],
            json!({"user_id": second, "email": "second@acme.example",
            "name": "Second Person", "role": "issuer", "joined_at": server.app.now_unix() + 1})
        );

        let member = |id: &str| format!("/api/v1/members/{id}");
        let before = server.snapshot().await;
        // The only owner can be neither demoted nor removed.
        let demote = server
            .request(patch_json(&member(&first), &json!({"role": "issuer"})).bearer(key))
            .await;
        assert_problem(&demote, 409, &["at least one owner"]);
        assert_problem(
            &server.request(delete(&member(&first)).bearer(key)).await,
            409,
            &["owner"],
        );
        // Bad bodies and unknown members.
        let bad_role = server
            .request(patch_json(&member(&second), &json!({"role": "admin"})).bearer(key))
            .await;
        assert_problem(&bad_role, 422, &["role", "admin"]);
        for body in [
            json!({"role": "viewer", "org_id": "x"}),
            json!({}),
            json!({"role": null}),
        ] {
            let response = server
                .request(patch_json(&member(&second), &body).bearer(key))
                .await;
            assert_problem(&response, 400, &[]);
        }
        let nobody = server
            .request(
                patch_json(
                    &member("0123456789abcdef0123456789abcdef"),
                    &json!({"role": "viewer"}),
                )
                .bearer(key),
            )
            .await;
        assert_problem(&nobody, 404, &[]);
        assert_eq!(before, server.snapshot().await);

        let promoted = server
            .request(patch_json(&member(&second), &json!({"role": "owner"})).bearer(key))
            .await;
        assert_eq!(promoted.status, 200, "{}", promoted.text());
        assert_eq!(promoted.json()["role"], "owner");
        // With two owners, the first may step down; then the second is the last owner.
        let stepped_down = server
            .request(patch_json(&member(&first), &json!({"role": "viewer"})).bearer(key))
            .await;
        assert_eq!(stepped_down.json()["role"], "viewer");
        let last = server
            .request(patch_json(&member(&second), &json!({"role": "issuer"})).bearer(key))
            .await;
        assert_problem(&last, 409, &["owner"]);
        let removed = server.request(delete(&member(&first)).bearer(key)).await;
        assert_eq!(removed.status, 204);
        let again = server.request(delete(&member(&first)).bearer(key)).await;
        assert_problem(&again, 404, &[]);
        let list = server
            .request(Request::get("/api/v1/members").bearer(key))
            .await
            .json();
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        assert_eq!(list["items"][0]["user_id"], second.as_str());
        // The audit log names each change.
        let mut conn = server.app.store().read().await.unwrap();
        let actions: Vec<String> = brevet_store::audit::list_for_org(&mut conn, &org.org_id, 20)
            .await
            .unwrap()
            .into_iter()
            .map(|entry| entry.action)
            .collect();
        assert!(actions.contains(&"member.role".to_owned()), "{actions:?}");
        assert!(actions.contains(&"member.remove".to_owned()), "{actions:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organisation_profile_did_keys_and_logo() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let key = org.api_key.as_str();
        let view = server
            .request(Request::get("/api/v1/org").bearer(key))
            .await;
        assert_eq!(view.status, 200, "{}", view.text());
        let view = view.json();
        assert_eq!(view["id"], org.org_id.as_str());
        assert_eq!(view["slug"], "acme");
        assert_eq!(view["did"], org.did.as_str());
        assert_eq!(
            view["did_document_url"],
            format!("{}/acme/did.json", server.base_url)
        );
        assert_eq!(view["logo"], Value::Null);
        let keys = view["keys"].as_array().unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0]["state"], "active");
        assert_eq!(keys[0]["type"], "Multikey");
        assert!(
            keys[0]["public_key_multibase"]
                .as_str()
                .unwrap()
                .starts_with("z6Mk")
        );
        let did_document = server.request(Request::get("/acme/did.json")).await.json();
        assert_eq!(did_document["verificationMethod"][0]["id"], keys[0]["id"]);
        let text = serde_json::to_string(&view).unwrap();
        assert!(
            !text.contains("sealed") && !text.contains("secret"),
            "{text}"
        );

        let before = server.snapshot().await;
        let refusals: Vec<(Value, u16, Vec<&str>)> = vec![
            (
                json!({"url": "http://acme.example"}),
                422,
                vec!["url", "https"],
            ),
            (json!({"url": "javascript:alert(1)"}), 422, vec!["url"]),
            (json!({"email": "not an email"}), 422, vec!["email"]),
            (json!({"name": ""}), 422, vec!["name"]),
            (json!({"name": null}), 422, vec!["name"]),
            (
                json!({"linkedin_org_id": "acme"}),
                422,
                vec!["linkedin_org_id"],
            ),
            (
                json!({"description": "x".repeat(2001)}),
                422,
                vec!["description"],
            ),
            (
                json!({"url": "http://x.example", "email": "x"}),
                422,
                vec!["url", "email"],
            ),
            (json!({"slug": "renamed"}), 400, vec!["slug"]),
            (json!({"org_id": "other"}), 400, vec!["org_id"]),
            (json!({"logo_image_id": "x"}), 400, vec![]),
        ];
        for (body, status, mentions) in &refusals {
            let response = server
                .request(patch_json("/api/v1/org", body).bearer(key))
                .await;
            assert_problem(&response, *status, mentions);
        }
        assert_eq!(before, server.snapshot().await);

        let updated = server
            .request(
                patch_json(
                    "/api/v1/org",
                    &json!({"name": "Acme University", "url": "https://acme.example",
                            "email": "Badges@Acme.Example", "description": "We teach.",
                            "linkedin_org_id": "1234567"}),
                )
                .bearer(key),
            )
            .await;
        assert_eq!(updated.status, 200, "{}", updated.text());
        let updated = updated.json();
        assert_eq!(updated["name"], "Acme University");
        assert_eq!(updated["email"], "badges@acme.example");
        assert_eq!(updated["linkedin_org_id"], "1234567");
        assert_eq!(updated["issuer_profile"]["url"], "https://acme.example");

        let (content_type, body) = multipart("logo", "image/svg+xml", SVG.as_bytes());
        let with_logo = server
            .request(
                Request::method("POST", "/api/v1/org/logo")
                    .body(&content_type, body)
                    .bearer(key),
            )
            .await;
        assert_eq!(with_logo.status, 200, "{}", with_logo.text());
        let logo_url = with_logo.json()["logo"]["url"].as_str().unwrap().to_owned();
        let logo = server.request(Request::get(&logo_url)).await;
        assert_eq!(logo.body, SVG.as_bytes());
        assert!(
            logo.header("content-security-policy")
                .unwrap()
                .contains("sandbox")
        );

        // Credentials awarded now carry the new profile and logo, and verify.
        let achievement = create_achievement(&server, key, &full_achievement("Certificate")).await;
        let awarded = award(&server, key, achievement["id"].as_str().unwrap(), "Ada").await;
        let issuer = &awarded["credential"]["issuer"];
        assert_eq!(issuer["name"], "Acme University");
        assert_eq!(issuer["url"], "https://acme.example");
        assert_eq!(issuer["email"], "badges@acme.example");
        assert_eq!(issuer["image"]["id"], logo_url.as_str());
        assert_eq!(
            verify(&server, &awarded["credential"]).await["verified"],
            true
        );

        // A raw PNG replaces the logo; null clears optional fields; removing the logo.
        let png_logo = server
            .request(
                Request::method("POST", "/api/v1/org/logo")
                    .body("image/png", png(32, 32))
                    .bearer(key),
            )
            .await;
        assert_ne!(png_logo.json()["logo"]["url"], logo_url.as_str());
        let cleared = server
            .request(
                patch_json("/api/v1/org", &json!({"url": null, "description": null})).bearer(key),
            )
            .await
            .json();
        assert_eq!(cleared["url"], Value::Null);
        assert_eq!(cleared["description"], Value::Null);
        assert_eq!(cleared["name"], "Acme University");
        let no_logo = server.request(delete("/api/v1/org/logo").bearer(key)).await;
        assert_eq!(no_logo.json()["logo"], Value::Null);
        // The old logo stays served: issued credentials point at it.
        assert_eq!(server.request(Request::get(&logo_url)).await.status, 200);
    }
}

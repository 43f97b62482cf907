//! The OAuth 2.0 client credentials grant and its dashboard page.

use brevet_app::Role;
use brevet_test_support::{Db, Request, TestServer};

use super::helpers::*;

fn basic(client_id: &str, secret: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{secret}"))
    )
}

fn token_request(body: &str) -> Request {
    Request::method("POST", "/oauth/token").body("application/x-www-form-urlencoded", body)
}

#[tokio::test]
async fn oauth_client_credentials_tokens_work_until_the_client_is_revoked() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let client = server
            .app
            .create_oauth_client(&owner(&org), "ci", Role::Issuer)
            .await
            .unwrap();

        // HTTP Basic.
        let response = server
            .request(token_request("grant_type=client_credentials").header(
                "authorization",
                &basic(&client.client_id, &client.client_secret),
            ))
            .await;
        assert_eq!(response.status, 200, "{db:?}: {}", response.text());
        assert_eq!(response.header("cache-control"), Some("no-store"));
        let body = response.json();
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 3600);
        let access_token = body["access_token"].as_str().unwrap().to_owned();
        let listed = server
            .request(Request::get("/api/v1/credentials").bearer(&access_token))
            .await;
        assert_eq!(listed.status, 200, "{db:?}: {}", listed.text());

        // Form fields.
        let response = server
            .request(token_request(&form_body(&[
                ("grant_type", "client_credentials"),
                ("client_id", &client.client_id),
                ("client_secret", &client.client_secret),
            ])))
            .await;
        assert_eq!(response.status, 200, "{db:?}");
        let second_token = response.json()["access_token"].as_str().unwrap().to_owned();

        // A wrong secret, an unknown client, no client authentication.
        for request in [
            token_request("grant_type=client_credentials")
                .header("authorization", &basic(&client.client_id, "brcs_wrong")),
            token_request(&form_body(&[
                ("grant_type", "client_credentials"),
                ("client_id", "brc_unknown"),
                ("client_secret", &client.client_secret),
            ])),
            token_request("grant_type=client_credentials"),
        ] {
            let response = server.request(request).await;
            assert_eq!(response.status, 401, "{db:?}: {}", response.text());
            assert_eq!(response.json()["error"], "invalid_client");
            assert!(response.header("www-authenticate").is_some());
        }
        // Malformed requests.
        let unsupported = server
            .request(token_request("grant_type=password").header(
                "authorization",
                &basic(&client.client_id, &client.client_secret),
            ))
            .await;
        assert_eq!(unsupported.status, 400);
        assert_eq!(unsupported.json()["error"], "unsupported_grant_type");
        let both = server
            .request(
                token_request(&form_body(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", &client.client_id),
                    ("client_secret", &client.client_secret),
                ]))
                .header(
                    "authorization",
                    &basic(&client.client_id, &client.client_secret),
                ),
            )
            .await;
        assert_eq!(both.status, 400);
        assert_eq!(both.json()["error"], "invalid_request");
        let json = server
            .request(Request::post_json(
                "/oauth/token",
                &serde_json::json!({"grant_type": "client_credentials"}),
            ))
            .await;
        assert_eq!(json.status, 400);
        assert_eq!(json.json()["error"], "invalid_request");
        let repeated = server
            .request(
                token_request("grant_type=client_credentials&grant_type=client_credentials")
                    .header(
                        "authorization",
                        &basic(&client.client_id, &client.client_secret),
                    ),
            )
            .await;
        assert_eq!(repeated.status, 400);

        // Tokens expire.
        server.clock.advance(time::Duration::seconds(3601));
        let expired = server
            .request(Request::get("/api/v1/credentials").bearer(&access_token))
            .await;
        assert_eq!(expired.status, 401, "{db:?}");

        // Revoking the client ends its tokens at once, and it gets no new ones.
        let fresh = server
            .request(token_request("grant_type=client_credentials").header(
                "authorization",
                &basic(&client.client_id, &client.client_secret),
            ))
            .await
            .json()["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_ne!(fresh, second_token);
        let ok = server
            .request(Request::get("/api/v1/credentials").bearer(&fresh))
            .await;
        assert_eq!(ok.status, 200);
        server
            .app
            .revoke_oauth_client(&owner(&org), &client.client_id)
            .await
            .unwrap();
        let revoked = server
            .request(Request::get("/api/v1/credentials").bearer(&fresh))
            .await;
        assert_eq!(revoked.status, 401, "{db:?}");
        let refused = server
            .request(token_request("grant_type=client_credentials").header(
                "authorization",
                &basic(&client.client_id, &client.client_secret),
            ))
            .await;
        assert_eq!(refused.status, 401, "{db:?}");

        // Another organisation's owner cannot revoke this organisation's clients.
        let other = server.create_org("beta").await;
        let client = server
            .app
            .create_oauth_client(&owner(&org), "ci2", Role::Viewer)
            .await
            .unwrap();
        assert!(matches!(
            server
                .app
                .revoke_oauth_client(&owner(&other), &client.client_id)
                .await,
            Err(brevet_app::AppError::NotFound)
        ));
    }
}

#[tokio::test]
async fn oauth_clients_are_managed_on_the_dashboard() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let org = server.create_org("acme").await;
    let mut browser = sign_in_admin(&server, "acme", &org).await;
    let csrf = browser.csrf().await;
    let created = browser
        .post_form(
            "/dashboard/oauth-clients",
            &[("csrf", &csrf), ("name", "ci"), ("role", "viewer")],
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let html = created.text();
    let id_start = html.find("<code id=\"client-id\">").unwrap() + "<code id=\"client-id\">".len();
    let client_id = &html[id_start..id_start + 36];
    let secret_start = html.find("<code id=\"secret\">").unwrap() + "<code id=\"secret\">".len();
    let secret = &html[secret_start..secret_start + 69];
    let response = server
        .request(
            token_request("grant_type=client_credentials")
                .header("authorization", &basic(client_id, secret)),
        )
        .await;
    assert_eq!(
        response.status,
        200,
        "{client_id} {secret}: {}",
        response.text()
    );
    let list = browser.get("/dashboard/oauth-clients").await.text();
    assert!(list.contains(client_id) && !list.contains(secret));
    let revoked = browser
        .post_form(
            &format!("/dashboard/oauth-clients/{client_id}/revoke"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(revoked.status, 303);
    let token = response.json()["access_token"].as_str().unwrap().to_owned();
    let refused = server
        .request(Request::get("/api/v1/credentials").bearer(&token))
        .await;
    assert_eq!(refused.status, 401);
}

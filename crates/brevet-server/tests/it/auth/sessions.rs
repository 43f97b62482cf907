//! Sign-in, session cookies, CSRF refusals, logout and expiry.

use std::sync::Arc;

use brevet_app::Role;
use brevet_test_support::{Db, Request, TestServer};

use super::helpers::*;

#[tokio::test]
async fn sign_in_answers_the_same_for_unknown_email_and_wrong_password() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let mut browser = Browser::new(&server);
        let token = hidden_csrf(&browser.get("/auth/login").await.text());
        let wrong_password = browser
            .post_form(
                "/auth/login",
                &[
                    ("csrf", &token),
                    ("email", "admin@acme.example"),
                    ("password", "not the password"),
                ],
            )
            .await;
        let unknown_email = browser
            .post_form(
                "/auth/login",
                &[
                    ("csrf", &token),
                    ("email", "nobody@acme.example"),
                    ("password", "not the password"),
                ],
            )
            .await;
        assert_eq!(wrong_password.status, 401, "{db:?}");
        assert_eq!(unknown_email.status, 401, "{db:?}");
        assert!(wrong_password.text().contains("Wrong email or password."));
        assert_eq!(
            wrong_password.text().replace("admin@acme.example", "EMAIL"),
            unknown_email.text().replace("nobody@acme.example", "EMAIL"),
            "{db:?}: the two failures must be indistinguishable"
        );
        assert!(set_cookie(&wrong_password, "brevet_session").is_none());

        // Without the form token, the sign-in is refused.
        let mut stranger = Browser::new(&server);
        let refused = stranger
            .post_form(
                "/auth/login",
                &[
                    ("email", "admin@acme.example"),
                    ("password", org.admin_password.as_deref().unwrap()),
                ],
            )
            .await;
        assert_eq!(refused.status, 403, "{db:?}");
        assert!(set_cookie(&refused, "brevet_session").is_none());

        // The right password signs in, with a cookie that scripts and other sites cannot use.
        let mut browser = Browser::new(&server);
        let token = hidden_csrf(&browser.get("/auth/login").await.text());
        let response = browser
            .post_form(
                "/auth/login",
                &[
                    ("csrf", &token),
                    ("email", "Admin@Acme.example"),
                    ("password", org.admin_password.as_deref().unwrap()),
                ],
            )
            .await;
        assert_eq!(response.status, 303, "{db:?}: {}", response.text());
        let cookie = set_cookie(&response, "brevet_session").unwrap();
        for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(flag), "{db:?}: {cookie}");
        }
        assert!(!cookie.contains("Secure"), "http base URL: {cookie}");
        let token = browser.cookie("brevet_session").unwrap().to_owned();
        assert!(token.len() >= 64, "256-bit token: {token}");

        let dashboard = browser.get("/dashboard").await;
        assert_eq!(dashboard.status, 200);
        assert_eq!(dashboard.header("cache-control"), Some("no-store"));
        assert!(dashboard.text().contains("Org acme"));
    }
}

#[tokio::test]
async fn repeated_failures_are_throttled_per_email() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let org = server.create_org("acme").await;
    let mut browser = Browser::new(&server);
    let token = hidden_csrf(&browser.get("/auth/login").await.text());
    let mut statuses = Vec::new();
    for _ in 0..11 {
        let response = browser
            .post_form(
                "/auth/login",
                &[
                    ("csrf", &token),
                    ("email", "admin@acme.example"),
                    ("password", "guess guess guess"),
                ],
            )
            .await;
        statuses.push(response.status);
    }
    assert_eq!(statuses[..10], [401; 10]);
    assert_eq!(statuses[10], 429);
    // Even the right password waits until the window has passed.
    let right = [
        ("csrf", token.as_str()),
        ("email", "admin@acme.example"),
        ("password", org.admin_password.as_deref().unwrap()),
    ];
    assert_eq!(browser.post_form("/auth/login", &right).await.status, 429);
    server.clock.advance(time::Duration::minutes(16));
    assert_eq!(browser.post_form("/auth/login", &right).await.status, 303);
}

#[tokio::test]
async fn the_session_cookie_is_secure_under_an_https_base_url() {
    use axum::body::Body;
    use tower::ServiceExt;

    let dir = std::env::temp_dir().join(format!("brevet-auth-{}", brevet_app::ids::new_id()));
    let store = brevet_store::Store::open_sqlite(&dir).await.unwrap();
    let clock = Arc::new(brevet_app::ManualClock::new(
        time::OffsetDateTime::from_unix_timestamp(1_790_000_000).unwrap(),
    ));
    let app = brevet_app::App::new(
        store,
        brevet_app::AppConfig::new("https://badges.example.org"),
        brevet_app::MasterKey::generate(),
        clock,
    );
    let org = app
        .create_org("Acme", "acme", "admin@acme.example")
        .await
        .unwrap();
    let router = brevet_server::router(brevet_server::AppState::new(app));

    let page = router
        .clone()
        .oneshot(
            axum::http::Request::get("/auth/login")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let form_cookie = page
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(form_cookie.contains("; Secure"), "{form_cookie}");
    let html = axum::body::to_bytes(page.into_body(), 1 << 20)
        .await
        .unwrap();
    let token = hidden_csrf(std::str::from_utf8(&html).unwrap());
    let body = form_body(&[
        ("csrf", &token),
        ("email", "admin@acme.example"),
        ("password", org.admin_password.as_deref().unwrap()),
    ]);
    let request = |origin: &str| {
        axum::http::Request::post("/auth/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", origin)
            .header("cookie", form_cookie.split(';').next().unwrap())
            .body(Body::from(body.clone()))
            .unwrap()
    };
    // Another site's form is refused even with the right token.
    let foreign = router
        .clone()
        .oneshot(request("https://evil.example"))
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    let response = router
        .oneshot(request("https://badges.example.org"))
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().unwrap())
        .find(|value| value.starts_with("brevet_session="))
        .unwrap();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Secure"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused_and_change_nothing() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let mut browser = sign_in_admin(&server, "acme", &org).await;
        let csrf = browser.csrf().await;
        let before = api_key_count(&server, &org).await;

        let missing = browser
            .post_form("/dashboard/api-keys", &[("name", "ci"), ("role", "issuer")])
            .await;
        assert_eq!(missing.status, 403, "{db:?}");
        let wrong = browser
            .post_form(
                "/dashboard/api-keys",
                &[
                    (
                        "csrf",
                        "csrf_0000000000000000000000000000000000000000000000000000000000000000",
                    ),
                    ("name", "ci"),
                    ("role", "issuer"),
                ],
            )
            .await;
        assert_eq!(wrong.status, 403, "{db:?}");
        let foreign = browser
            .post_form_with(
                "/dashboard/api-keys",
                &[("csrf", &csrf), ("name", "ci"), ("role", "issuer")],
                Some("https://evil.example"),
            )
            .await;
        assert_eq!(foreign.status, 403, "{db:?}");
        // Without an Origin, a foreign Referer is refused too.
        let referred = server
            .request(
                brevet_test_support::Request::method("POST", "/dashboard/api-keys")
                    .body(
                        "application/x-www-form-urlencoded",
                        form_body(&[("csrf", &csrf), ("name", "ci"), ("role", "issuer")]),
                    )
                    .header("referer", "https://evil.example/page")
                    .header(
                        "cookie",
                        &format!(
                            "brevet_session={}",
                            browser.cookie("brevet_session").unwrap()
                        ),
                    ),
            )
            .await;
        assert_eq!(referred.status, 403, "{db:?}");
        // Another user's token does not work either.
        add_member(
            &server,
            &org,
            "other@acme.example",
            "other password 1",
            Role::Owner,
        )
        .await;
        let mut other = sign_in(&server, "other@acme.example", "other password 1").await;
        let other_csrf = other.csrf().await;
        assert_ne!(other_csrf, csrf);
        let crossed = browser
            .post_form(
                "/dashboard/api-keys",
                &[("csrf", &other_csrf), ("name", "ci"), ("role", "issuer")],
            )
            .await;
        assert_eq!(crossed.status, 403, "{db:?}");
        assert_eq!(api_key_count(&server, &org).await, before, "{db:?}");

        // The right token (and no Origin at all, as some clients send) works.
        let created = browser
            .post_form_with(
                "/dashboard/api-keys",
                &[("csrf", &csrf), ("name", "ci"), ("role", "issuer")],
                None,
            )
            .await;
        assert_eq!(created.status, 201, "{db:?}: {}", created.text());
        assert_eq!(created.header("cache-control"), Some("no-store"));
        assert!(created.text().contains("brv_"), "the secret is shown once");
        assert_eq!(api_key_count(&server, &org).await, before + 1);
        let list = browser.get("/dashboard/api-keys").await.text();
        let secret_start = created.text().find("brv_").unwrap();
        let secret = &created.text()[secret_start..secret_start + 68];
        assert!(!list.contains(secret), "the list never shows the secret");
    }
}

#[tokio::test]
async fn logout_ends_the_session_and_sessions_expire() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let mut browser = sign_in_admin(&server, "acme", &org).await;
        let session = browser.cookie("brevet_session").unwrap().to_owned();
        let csrf = browser.csrf().await;
        let out = browser.post_form("/auth/logout", &[("csrf", &csrf)]).await;
        assert_eq!(out.status, 303, "{db:?}");
        assert!(
            set_cookie(&out, "brevet_session")
                .unwrap()
                .contains("Max-Age=0")
        );
        // The old cookie no longer opens anything.
        let replay = server
            .request(
                Request::get("/dashboard").header("cookie", &format!("brevet_session={session}")),
            )
            .await;
        assert_eq!(replay.status, 303, "{db:?}");
        assert_eq!(replay.header("location"), Some("/auth/login"));

        // Idle expiry: 12 hours without a request.
        let mut browser = sign_in_admin(&server, "acme", &org).await;
        server.clock.advance(time::Duration::hours(11));
        assert_eq!(browser.get("/dashboard").await.status, 200);
        server.clock.advance(time::Duration::hours(11));
        assert_eq!(
            browser.get("/dashboard").await.status,
            200,
            "{db:?}: still in use"
        );
        server.clock.advance(time::Duration::hours(13));
        assert_eq!(browser.get("/dashboard").await.status, 303, "{db:?}: idle");

        // Absolute expiry: 7 days however busy.
        let mut browser = sign_in_admin(&server, "acme", &org).await;
        for _ in 0..15 {
            server.clock.advance(time::Duration::hours(11));
            assert_eq!(browser.get("/dashboard").await.status, 200);
        }
        server.clock.advance(time::Duration::hours(11));
        assert_eq!(
            browser.get("/dashboard").await.status,
            303,
            "{db:?}: 7 days"
        );
    }
}

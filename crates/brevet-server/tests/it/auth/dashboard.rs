//! The dashboard's award, credentials, roles and tenancy.

use brevet_app::{Principal, Role};
use brevet_test_support::{Db, Request, TestServer};

use super::helpers::*;

#[tokio::test]
async fn the_dashboard_award_form_creates_a_credential_and_viewers_cannot_award() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let achievement = add_achievement(&server, &org).await;
        let mut browser = sign_in_admin(&server, "acme", &org).await;
        let form = browser.get("/dashboard/award").await;
        assert_eq!(form.status, 200);
        assert!(form.text().contains("Rust Basics"));
        for label in [
            "for=\"achievement_id\"",
            "for=\"recipient_email\"",
            "for=\"valid_until\"",
        ] {
            assert!(form.text().contains(label), "{label}");
        }
        let csrf = hidden_csrf(&form.text());
        let key_marker = "name=\"idempotency_key\" value=\"";
        let key_start = form.text().find(key_marker).unwrap() + key_marker.len();
        let key = form.text()[key_start..key_start + 32].to_owned();
        let fields = [
            ("csrf", csrf.as_str()),
            ("idempotency_key", key.as_str()),
            ("achievement_id", achievement.as_str()),
            ("recipient_email", "ada@example.org"),
            ("recipient_name", "Ada Lovelace"),
            ("evidence_url", "https://example.org/work"),
            ("evidence_narrative", "Wrote the first program."),
            ("valid_until", "2030-12-31"),
        ];
        let awarded = browser.post_form("/dashboard/award", &fields).await;
        assert_eq!(awarded.status, 303, "{db:?}: {}", awarded.text());
        let location = awarded.header("location").unwrap().to_owned();
        assert!(
            location.starts_with("/dashboard/credentials/"),
            "{location}"
        );
        assert_eq!(credential_count(&server, &org).await, 1);
        // The same form sent twice awards once.
        let twice = browser.post_form("/dashboard/award", &fields).await;
        assert_eq!(twice.header("location"), Some(location.as_str()), "{db:?}");
        assert_eq!(credential_count(&server, &org).await, 1, "{db:?}");

        let detail = browser.get(&location).await;
        assert_eq!(detail.status, 200);
        let html = detail.text();
        assert!(html.contains("Ada Lovelace") && html.contains("2030-12-31 23:59 UTC"));
        assert!(html.contains("The credential was awarded."));
        let id = location
            .trim_start_matches("/dashboard/credentials/")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let view = server.app.credential_view(&owner(&org), &id).await.unwrap();
        assert_eq!(
            view.credential["evidence"][0]["id"],
            "https://example.org/work"
        );
        assert_eq!(view.credential["validUntil"], "2030-12-31T23:59:59Z");

        // Bad input is shown on the form again, and nothing is awarded.
        let bad = browser
            .post_form(
                "/dashboard/award",
                &[
                    ("csrf", &csrf),
                    ("achievement_id", &achievement),
                    ("recipient_name", "Nobody"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422, "{db:?}");
        assert!(bad.text().contains("email or a DID"));
        assert_eq!(credential_count(&server, &org).await, 1);

        // Search finds it; revoke it through the form.
        let list = browser
            .get("/dashboard/credentials?q=Lovelace")
            .await
            .text();
        assert!(list.contains(&id));
        let none = browser.get("/dashboard/credentials?q=Babbage").await.text();
        assert!(!none.contains(&id));
        let revoked = browser
            .post_form(
                &format!("/dashboard/credentials/{id}/status"),
                &[
                    ("csrf", &csrf),
                    ("action", "revoke"),
                    ("reason", "awarded in error"),
                ],
            )
            .await;
        assert_eq!(revoked.status, 303);
        let html = browser
            .get(&format!("/dashboard/credentials/{id}"))
            .await
            .text();
        assert!(
            html.contains("awarded in error") && html.contains("id=\"credential-state\">revoked")
        );

        // A viewer sees, but cannot award or revoke.
        add_member(
            &server,
            &org,
            "viewer@acme.example",
            "viewer password",
            Role::Viewer,
        )
        .await;
        let mut viewer = sign_in(&server, "viewer@acme.example", "viewer password").await;
        let viewer_csrf = viewer.csrf().await;
        assert_eq!(
            viewer
                .get(&format!("/dashboard/credentials/{id}"))
                .await
                .status,
            200
        );
        assert!(
            !viewer
                .get("/dashboard/award")
                .await
                .text()
                .contains("id=\"award-form\"")
        );
        let refused = viewer
            .post_form(
                "/dashboard/award",
                &[
                    ("csrf", &viewer_csrf),
                    ("achievement_id", &achievement),
                    ("recipient_email", "eve@example.org"),
                ],
            )
            .await;
        assert_eq!(refused.status, 403, "{db:?}: {}", refused.text());
        assert_eq!(credential_count(&server, &org).await, 1, "{db:?}");
        let refused = viewer
            .post_form(
                &format!("/dashboard/credentials/{id}/status"),
                &[("csrf", &viewer_csrf), ("action", "reinstate")],
            )
            .await;
        assert_eq!(refused.status, 403);
    }
}

#[tokio::test]
async fn reissue_replaces_the_old_credential() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let org = server.create_org("acme").await;
    let achievement = add_achievement(&server, &org).await;
    let mut browser = sign_in_admin(&server, "acme", &org).await;
    let csrf = browser.csrf().await;
    let awarded = browser
        .post_form(
            "/dashboard/award",
            &[
                ("csrf", &csrf),
                ("achievement_id", &achievement),
                ("recipient_email", "ada@example.org"),
                ("recipient_name", "Ada Lovelce"),
            ],
        )
        .await;
    let old = awarded
        .header("location")
        .unwrap()
        .trim_start_matches("/dashboard/credentials/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let form = browser
        .get(&format!("/dashboard/award?reissue={old}"))
        .await
        .text();
    assert!(form.contains("Ada Lovelce") && form.contains(&old));
    let reissued = browser
        .post_form(
            "/dashboard/award",
            &[
                ("csrf", &csrf),
                ("achievement_id", &achievement),
                ("recipient_email", "ada@example.org"),
                ("recipient_name", "Ada Lovelace"),
                ("supersedes", &old),
            ],
        )
        .await;
    assert_eq!(reissued.status, 303, "{}", reissued.text());
    let old_view = server
        .app
        .credential_view(&owner(&org), &old)
        .await
        .unwrap();
    assert!(old_view.superseded_by.is_some());
    assert!(
        old_view.status.iter().any(|s| s.purpose == "revocation"
            && s.set
            && s.reason.as_deref() == Some("superseded"))
    );
}

#[tokio::test]
async fn pages_of_another_organisation_are_not_found() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let acme = server.create_org("acme").await;
    let beta = server.create_org("beta").await;
    let achievement = add_achievement(&server, &beta).await;
    let principal = Principal {
        org_id: beta.org_id.clone(),
        role: Role::Owner,
        actor: "test".into(),
    };
    let request = brevet_app::issuance::AwardRequest {
        achievement_id: achievement.clone(),
        recipient: brevet_app::issuance::Recipient {
            email: Some("x@example.org".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let awarded = server.app.award(&principal, &request, None).await.unwrap();
    let id = awarded.credential_id.unwrap();
    let mut browser = sign_in_admin(&server, "acme", &acme).await;
    let csrf = browser.csrf().await;
    assert_eq!(
        browser
            .get(&format!("/dashboard/credentials/{id}"))
            .await
            .status,
        404
    );
    let revoke = browser
        .post_form(
            &format!("/dashboard/credentials/{id}/status"),
            &[("csrf", &csrf), ("action", "revoke")],
        )
        .await;
    assert_eq!(revoke.status, 404);
    let view = server.app.credential_view(&principal, &id).await.unwrap();
    assert!(view.status.iter().all(|s| !s.set), "no change");
    let award = browser
        .post_form(
            "/dashboard/award",
            &[
                ("csrf", &csrf),
                ("achievement_id", &achievement),
                ("recipient_email", "y@example.org"),
            ],
        )
        .await;
    assert_eq!(award.status, 404);
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    for path in [
        "/dashboard",
        "/dashboard/credentials",
        "/dashboard/award",
        "/dashboard/api-keys",
        "/dashboard/oauth-clients",
        "/dashboard/members",
        "/dashboard/settings",
        "/dashboard/account/password",
    ] {
        let response = server.request(Request::get(path)).await;
        assert_eq!(response.status, 303, "{path}");
        assert_eq!(response.header("location"), Some("/auth/login"), "{path}");
        assert_eq!(response.header("cache-control"), Some("no-store"), "{path}");
    }
    let forged = server
        .request(
            Request::method("POST", "/dashboard/settings/rotate-key")
                .header("cookie", "brevet_session=brs_forged"),
        )
        .await;
    assert_eq!(forged.status, 303);
}

#[tokio::test]
async fn every_dashboard_page_renders_for_each_role() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let org = server.create_org("acme").await;
    add_achievement(&server, &org).await;
    add_member(
        &server,
        &org,
        "issuer@acme.example",
        "issuer password",
        Role::Issuer,
    )
    .await;
    add_member(
        &server,
        &org,
        "viewer@acme.example",
        "viewer password",
        Role::Viewer,
    )
    .await;
    let owner_browser = sign_in_admin(&server, "acme", &org).await;
    let issuer = sign_in(&server, "issuer@acme.example", "issuer password").await;
    let viewer = sign_in(&server, "viewer@acme.example", "viewer password").await;
    for mut browser in [owner_browser, issuer, viewer] {
        for path in [
            "/dashboard",
            "/dashboard/credentials",
            "/dashboard/award",
            "/dashboard/api-keys",
            "/dashboard/oauth-clients",
            "/dashboard/members",
            "/dashboard/settings",
            "/dashboard/account/password",
        ] {
            let page = browser.get(path).await;
            assert_eq!(page.status, 200, "{path}: {}", page.text());
            assert_eq!(page.header("cache-control"), Some("no-store"), "{path}");
            assert!(page.text().contains("id=\"sign-out\""), "{path}");
        }
    }
    // Only owners see the forms that administer.
    let mut viewer = sign_in(&server, "viewer@acme.example", "viewer password").await;
    assert!(
        !viewer
            .get("/dashboard/api-keys")
            .await
            .text()
            .contains("id=\"api-key-form\"")
    );
    let csrf = viewer.csrf().await;
    let rotate = viewer
        .post_form("/dashboard/settings/rotate-key", &[("csrf", &csrf)])
        .await;
    assert_eq!(rotate.status, 403);
}

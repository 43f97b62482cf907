//! Invitations, the organisation switcher, password reset and password change.

use std::time::Duration;

use brevet_app::Role;
use brevet_store::users;
use brevet_test_support::{Db, TestServer};

use super::helpers::*;

#[tokio::test]
async fn invitations_work_once_and_expire() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let org = server.create_org("acme").await;
        let mut admin = sign_in_admin(&server, "acme", &org).await;
        let csrf = admin.csrf().await;
        let invited = admin
            .post_form(
                "/dashboard/members/invite",
                &[
                    ("csrf", &csrf),
                    ("email", "ada@example.org"),
                    ("role", "issuer"),
                ],
            )
            .await;
        assert_eq!(invited.status, 303, "{db:?}: {}", invited.text());
        let mail = mail_to(&mailer, "ada@example.org", 1).await;
        assert!(mail.subject.contains("Org acme"));
        let token = link_token(&mail, "/auth/invitation/");
        assert!(token.len() >= 64);
        assert!(
            admin
                .get("/dashboard/members")
                .await
                .text()
                .contains("ada@example.org")
        );

        let mut ada = Browser::new(&server);
        let page = ada.get(&format!("/auth/invitation/{token}")).await;
        assert_eq!(page.status, 200, "{db:?}");
        assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
        let form_token = hidden_csrf(&page.text());
        let fields = [
            ("csrf", form_token.as_str()),
            ("name", "Ada"),
            ("password", "analytical engine"),
            ("password_again", "analytical engine"),
        ];
        let accepted = ada
            .post_form(&format!("/auth/invitation/{token}"), &fields)
            .await;
        assert_eq!(accepted.status, 303, "{db:?}: {}", accepted.text());
        assert!(ada.cookie("brevet_session").is_some());
        let dashboard = ada.get("/dashboard").await.text();
        assert!(dashboard.contains("Org acme") && dashboard.contains("issuer"));

        // Single use: the same link again is refused and adds nothing.
        let again = Browser::new(&server)
            .post_form(&format!("/auth/invitation/{token}"), &fields)
            .await;
        assert_eq!(again.status, 403, "{db:?}: no form cookie");
        let mut replay = Browser::new(&server);
        let page = replay.get(&format!("/auth/invitation/{token}")).await;
        assert_eq!(page.status, 422, "{db:?}");
        // The new member signs in with the chosen password.
        sign_in(&server, "ada@example.org", "analytical engine").await;

        // Expiry: a week later the link is dead.
        let csrf = admin.csrf().await;
        admin
            .post_form(
                "/dashboard/members/invite",
                &[
                    ("csrf", &csrf),
                    ("email", "bob@example.org"),
                    ("role", "viewer"),
                ],
            )
            .await;
        let token = link_token(
            &mail_to(&mailer, "bob@example.org", 1).await,
            "/auth/invitation/",
        );
        server
            .clock
            .advance(time::Duration::days(7) + time::Duration::seconds(1));
        let mut bob = Browser::new(&server);
        assert_eq!(
            bob.get(&format!("/auth/invitation/{token}")).await.status,
            422
        );
        let form_token = bob.cookie("brevet_form").unwrap().to_owned();
        let late = bob
            .post_form(
                &format!("/auth/invitation/{token}"),
                &[
                    ("csrf", &form_token),
                    ("password", "too late password"),
                    ("password_again", "too late password"),
                ],
            )
            .await;
        assert_eq!(late.status, 422, "{db:?}");
        let mut conn = server.app.store().read().await.unwrap();
        assert!(
            users::get_user_by_email(&mut conn, "bob@example.org")
                .await
                .is_err()
        );
    }
}

#[tokio::test]
async fn a_viewer_cannot_invite_and_an_existing_account_joins_without_a_new_password() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let mailer = memory_mailer(&server);
    let acme = server.create_org("acme").await;
    let beta = server.create_org("beta").await;
    add_member(
        &server,
        &acme,
        "viewer@acme.example",
        "viewer password",
        Role::Viewer,
    )
    .await;
    let mut viewer = sign_in(&server, "viewer@acme.example", "viewer password").await;
    let csrf = viewer.csrf().await;
    let refused = viewer
        .post_form(
            "/dashboard/members/invite",
            &[
                ("csrf", &csrf),
                ("email", "x@example.org"),
                ("role", "owner"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(mailer.sent().is_empty());

    // beta's owner invites acme's admin, who joins and can then switch between both.
    server
        .app
        .invite_member(&owner(&beta), "admin@acme.example", Role::Issuer)
        .await
        .unwrap();
    let token = link_token(
        &mail_to(&mailer, "admin@acme.example", 1).await,
        "/auth/invitation/",
    );
    let mut invited = Browser::new(&server);
    let page = invited.get(&format!("/auth/invitation/{token}")).await;
    assert!(
        !page.text().contains("id=\"password\""),
        "no new password asked"
    );
    let form_token = hidden_csrf(&page.text());
    let accepted = invited
        .post_form(
            &format!("/auth/invitation/{token}"),
            &[("csrf", &form_token)],
        )
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    assert!(
        invited.cookie("brevet_session").is_none(),
        "no session without the password"
    );
    let mut admin = sign_in_admin(&server, "acme", &acme).await;
    let page = admin.get("/dashboard").await.text();
    assert!(page.contains("id=\"org-switch\""), "the switcher shows");
    let csrf = hidden_csrf(&page);
    let switched = admin
        .post_form(
            "/dashboard/org",
            &[("csrf", &csrf), ("org_id", &beta.org_id)],
        )
        .await;
    assert_eq!(switched.status, 303);
    let page = admin.get("/dashboard").await.text();
    assert!(
        page.contains("<strong id=\"current-org\">Org beta</strong>"),
        "{page}"
    );
    // Not a member: not found, and the session stays where it was.
    let csrf = hidden_csrf(&page);
    let stranger = server.create_org("gamma").await;
    let refused = admin
        .post_form(
            "/dashboard/org",
            &[("csrf", &csrf), ("org_id", &stranger.org_id)],
        )
        .await;
    assert_eq!(refused.status, 404);
}

#[tokio::test]
async fn password_reset_answers_the_same_for_an_unknown_address() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let org = server.create_org("acme").await;
        let mut browser = Browser::new(&server);
        let token = hidden_csrf(&browser.get("/auth/reset").await.text());
        let known = browser
            .post_form(
                "/auth/reset",
                &[("csrf", &token), ("email", "admin@acme.example")],
            )
            .await;
        let unknown = browser
            .post_form(
                "/auth/reset",
                &[("csrf", &token), ("email", "nobody@acme.example")],
            )
            .await;
        assert_eq!(known.status, 200, "{db:?}");
        assert_eq!(
            (known.status, known.text()),
            (unknown.status, unknown.text()),
            "{db:?}"
        );

        let mail = mail_to(&mailer, "admin@acme.example", 1).await;
        let reset_token = link_token(&mail, "/auth/reset/");
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            mailer.sent().iter().all(|m| m.to != "nobody@acme.example"),
            "{db:?}: nothing is sent to an unknown address"
        );
        // A signed-in session ends when the password is reset.
        let mut signed_in = sign_in_admin(&server, "acme", &org).await;

        let mut browser = Browser::new(&server);
        let page = browser.get(&format!("/auth/reset/{reset_token}")).await;
        assert_eq!(page.status, 200, "{db:?}");
        let form_token = hidden_csrf(&page.text());
        let mismatch = browser
            .post_form(
                &format!("/auth/reset/{reset_token}"),
                &[
                    ("csrf", &form_token),
                    ("password", "brand new password"),
                    ("password_again", "another new password"),
                ],
            )
            .await;
        assert_eq!(mismatch.status, 422);
        let fields = [
            ("csrf", form_token.as_str()),
            ("password", "brand new password"),
            ("password_again", "brand new password"),
        ];
        let done = browser
            .post_form(&format!("/auth/reset/{reset_token}"), &fields)
            .await;
        assert_eq!(done.status, 303, "{db:?}: {}", done.text());
        assert_eq!(signed_in.get("/dashboard").await.status, 303, "{db:?}");
        let again = browser
            .post_form(&format!("/auth/reset/{reset_token}"), &fields)
            .await;
        assert_eq!(again.status, 422, "{db:?}: single use");
        sign_in(&server, "admin@acme.example", "brand new password").await;
        let token = hidden_csrf(&browser.get("/auth/login").await.text());
        let old = browser
            .post_form(
                "/auth/login",
                &[
                    ("csrf", &token),
                    ("email", "admin@acme.example"),
                    ("password", org.admin_password.as_deref().unwrap()),
                ],
            )
            .await;
        assert_eq!(old.status, 401, "{db:?}");
    }
}

#[tokio::test]
async fn reset_links_expire_after_an_hour() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let mailer = memory_mailer(&server);
    server.create_org("acme").await;
    server
        .app
        .request_password_reset("admin@acme.example", None)
        .await
        .unwrap();
    let token = link_token(
        &mail_to(&mailer, "admin@acme.example", 1).await,
        "/auth/reset/",
    );
    server.clock.advance(time::Duration::minutes(61));
    let mut browser = Browser::new(&server);
    assert_eq!(
        browser.get(&format!("/auth/reset/{token}")).await.status,
        422
    );
    assert!(
        server
            .app
            .reset_password(&token, "a new password here")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let org = server.create_org("acme").await;
    let mut other_session = sign_in_admin(&server, "acme", &org).await;
    let mut browser = sign_in_admin(&server, "acme", &org).await;
    let csrf = browser.csrf().await;
    let wrong = browser
        .post_form(
            "/dashboard/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", "not it at all"),
                ("new_password", "a fresh password"),
                ("new_password_again", "a fresh password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    let changed = browser
        .post_form(
            "/dashboard/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", org.admin_password.as_deref().unwrap()),
                ("new_password", "a fresh password"),
                ("new_password_again", "a fresh password"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.text());
    assert_eq!(
        browser.get("/dashboard").await.status,
        200,
        "this session stays"
    );
    assert_eq!(
        other_session.get("/dashboard").await.status,
        303,
        "others end"
    );
    sign_in(&server, "admin@acme.example", "a fresh password").await;
}

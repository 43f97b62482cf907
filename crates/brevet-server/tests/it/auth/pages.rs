//! The dashboard's achievements, members and settings pages.

use brevet_app::Role;
use brevet_test_support::{Db, TestServer};

use super::helpers::*;

#[tokio::test]
async fn achievements_are_created_edited_and_archived_on_the_dashboard() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let mut browser = sign_in_admin(&server, "acme", &org).await;
        let form = browser.get("/dashboard/achievements/new").await;
        assert_eq!(form.status, 200);
        for label in [
            "for=\"name\"",
            "for=\"criteria\"",
            "for=\"image\"",
            "for=\"alignment_0_name\"",
        ] {
            assert!(form.text().contains(label), "{label}");
        }
        let csrf = hidden_csrf(&form.text());
        let fields = [
            ("csrf", csrf.as_str()),
            ("name", "Rust <Basics>"),
            ("achievement_type", "Certificate"),
            ("description", "Knows the basics of Rust."),
            ("criteria", "Wrote a program."),
            ("validity_days", "365"),
            ("alignment_0_name", "Programming"),
            ("alignment_0_url", "https://example.org/skills/programming"),
            ("alignment_0_framework", "Example Skills"),
            ("alignment_0_code", "P1"),
        ];
        // A bad image changes nothing.
        let refused = browser
            .post_multipart(
                "/dashboard/achievements/new",
                &fields,
                Some(("image", "image/png", b"<html>not an image</html>")),
            )
            .await;
        assert_eq!(refused.status, 422, "{db:?}: {}", refused.text());
        assert!(
            refused.text().contains("value=\"Rust &lt;Basics&gt;\""),
            "values kept, escaped"
        );
        assert!(
            server
                .app
                .list_achievements(&owner(&org), true)
                .await
                .unwrap()
                .is_empty()
        );
        // Without the CSRF token, nothing either.
        let forged = browser
            .post_multipart("/dashboard/achievements/new", &fields[1..], None)
            .await;
        assert_eq!(forged.status, 403);
        assert!(
            server
                .app
                .list_achievements(&owner(&org), true)
                .await
                .unwrap()
                .is_empty()
        );

        let created = browser
            .post_multipart(
                "/dashboard/achievements/new",
                &fields,
                Some(("image", "image/svg+xml", SVG.as_bytes())),
            )
            .await;
        assert_eq!(created.status, 303, "{db:?}: {}", created.text());
        let list = server
            .app
            .list_achievements(&owner(&org), false)
            .await
            .unwrap();
        assert_eq!(list.len(), 1);
        let achievement = &list[0];
        assert_eq!(achievement.name, "Rust <Basics>");
        assert_eq!(achievement.achievement_type, "Certificate");
        assert_eq!(achievement.validity_days, Some(365));
        assert_eq!(achievement.alignments[0]["targetCode"], "P1");
        assert!(achievement.image.is_some());
        let page = browser.get("/dashboard/achievements").await.text();
        assert!(page.contains("Rust &lt;Basics&gt;") && !page.contains("Rust <Basics>"));

        // Edit: a new name, the image removed, no default validity.
        let edit_path = format!("/dashboard/achievements/{}/edit", achievement.id);
        let edit = browser.get(&edit_path).await;
        assert_eq!(edit.status, 200);
        assert!(edit.text().contains("id=\"current-image\""));
        let saved = browser
            .post_multipart(
                &edit_path,
                &[
                    ("csrf", &csrf),
                    ("name", "Rust Basics"),
                    ("achievement_type", "Badge"),
                    ("description", "Knows the basics of Rust."),
                    ("criteria", "Wrote a program."),
                    ("validity_days", ""),
                    ("remove_image", "1"),
                ],
                None,
            )
            .await;
        assert_eq!(saved.status, 303, "{db:?}: {}", saved.text());
        let view = server
            .app
            .achievement(&owner(&org), &achievement.id)
            .await
            .unwrap();
        assert_eq!(view.name, "Rust Basics");
        assert_eq!(view.validity_days, None);
        assert!(view.image.is_none() && view.alignments.is_empty());

        // Archive: it leaves the award form; restore brings it back.
        let archive_path = format!("/dashboard/achievements/{}/archive", achievement.id);
        let archived = browser
            .post_form(&archive_path, &[("csrf", &csrf), ("archived", "1")])
            .await;
        assert_eq!(archived.status, 303);
        assert!(
            !browser
                .get("/dashboard/award")
                .await
                .text()
                .contains("Rust Basics")
        );
        assert!(
            browser
                .get("/dashboard/achievements?archived=1")
                .await
                .text()
                .contains("(archived)")
        );
        browser
            .post_form(&archive_path, &[("csrf", &csrf), ("archived", "0")])
            .await;
        assert!(
            browser
                .get("/dashboard/award")
                .await
                .text()
                .contains("Rust Basics")
        );

        // A viewer sees the list but cannot create.
        add_member(
            &server,
            &org,
            "viewer@acme.example",
            "viewer password",
            Role::Viewer,
        )
        .await;
        let mut viewer = sign_in(&server, "viewer@acme.example", "viewer password").await;
        assert!(
            viewer
                .get("/dashboard/achievements")
                .await
                .text()
                .contains("Rust Basics")
        );
        let viewer_csrf = viewer.csrf().await;
        let refused = viewer
            .post_multipart(
                "/dashboard/achievements/new",
                &[
                    ("csrf", &viewer_csrf),
                    ("name", "X"),
                    ("description", "X"),
                    ("criteria", "X"),
                ],
                None,
            )
            .await;
        assert_eq!(refused.status, 403, "{db:?}");
        assert_eq!(
            server
                .app
                .list_achievements(&owner(&org), true)
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

#[tokio::test]
async fn owners_manage_members_and_the_last_owner_stays() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let org = server.create_org("acme").await;
    add_member(
        &server,
        &org,
        "ada@acme.example",
        "ada password 1",
        Role::Viewer,
    )
    .await;
    let mut admin = sign_in_admin(&server, "acme", &org).await;
    let page = admin.get("/dashboard/members").await.text();
    assert!(page.contains("ada@acme.example") && page.contains("admin@acme.example (you)"));
    let csrf = hidden_csrf(&page);
    let members = server.app.list_members(&owner(&org)).await.unwrap();
    let ada = members
        .iter()
        .find(|m| m.email == "ada@acme.example")
        .unwrap();
    let admin_member = members
        .iter()
        .find(|m| m.email == "admin@acme.example")
        .unwrap();

    let promoted = admin
        .post_form(
            &format!("/dashboard/members/{}/role", ada.user_id),
            &[("csrf", &csrf), ("role", "issuer")],
        )
        .await;
    assert_eq!(promoted.status, 303);
    let members = server.app.list_members(&owner(&org)).await.unwrap();
    assert_eq!(
        members
            .iter()
            .find(|m| m.user_id == ada.user_id)
            .unwrap()
            .role,
        "issuer"
    );

    // The only owner cannot demote themself.
    let refused = admin
        .post_form(
            &format!("/dashboard/members/{}/role", admin_member.user_id),
            &[("csrf", &csrf), ("role", "viewer")],
        )
        .await;
    assert_eq!(refused.status, 409);

    // An issuer cannot change roles.
    let mut issuer = sign_in(&server, "ada@acme.example", "ada password 1").await;
    let issuer_csrf = issuer.csrf().await;
    let refused = issuer
        .post_form(
            &format!("/dashboard/members/{}/role", ada.user_id),
            &[("csrf", &issuer_csrf), ("role", "owner")],
        )
        .await;
    assert_eq!(refused.status, 403);

    let removed = admin
        .post_form(
            &format!("/dashboard/members/{}/remove", ada.user_id),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(removed.status, 303);
    assert_eq!(
        server.app.list_members(&owner(&org)).await.unwrap().len(),
        1
    );
    // The removed member's session no longer reaches the organisation.
    let page = issuer.get("/dashboard").await.text();
    assert!(page.contains("not a member of any organisation"), "{page}");
    assert_eq!(issuer.get("/dashboard/credentials").await.status, 403);
}

#[tokio::test]
async fn owners_edit_the_profile_and_logo_and_rotate_the_key() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let mut admin = sign_in_admin(&server, "acme", &org).await;
        let page = admin.get("/dashboard/settings").await;
        assert_eq!(page.status, 200);
        assert!(page.text().contains(&org.did));
        let csrf = hidden_csrf(&page.text());
        let bad = admin
            .post_form(
                "/dashboard/settings",
                &[
                    ("csrf", &csrf),
                    ("name", "Acme"),
                    ("url", "http://insecure.example"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422, "{db:?}: {}", bad.text());
        assert_eq!(server.app.org(&org.org_id).await.unwrap().name, "Org acme");
        let saved = admin
            .post_form(
                "/dashboard/settings",
                &[
                    ("csrf", &csrf),
                    ("name", "Acme University"),
                    ("url", "https://acme.example"),
                    ("email", "badges@acme.example"),
                    ("description", "We teach."),
                    ("linkedin_org_id", "12345"),
                ],
            )
            .await;
        assert_eq!(saved.status, 303, "{db:?}: {}", saved.text());
        let record = server.app.org(&org.org_id).await.unwrap();
        assert_eq!(record.name, "Acme University");
        assert_eq!(record.url.as_deref(), Some("https://acme.example"));
        assert_eq!(record.linkedin_org_id.as_deref(), Some("12345"));

        let logo = admin
            .post_multipart(
                "/dashboard/settings/logo",
                &[("csrf", &csrf)],
                Some(("logo", "image/svg+xml", SVG.as_bytes())),
            )
            .await;
        assert_eq!(logo.status, 303, "{db:?}: {}", logo.text());
        assert!(
            server
                .app
                .org(&org.org_id)
                .await
                .unwrap()
                .logo_image_id
                .is_some()
        );
        assert!(
            admin
                .get("/dashboard/settings")
                .await
                .text()
                .contains("id=\"org-logo\"")
        );
        let removed = admin
            .post_form("/dashboard/settings/logo/remove", &[("csrf", &csrf)])
            .await;
        assert_eq!(removed.status, 303);
        assert!(
            server
                .app
                .org(&org.org_id)
                .await
                .unwrap()
                .logo_image_id
                .is_none()
        );

        let before = server.app.did_document("acme").await.unwrap();
        let rotated = admin
            .post_form("/dashboard/settings/rotate-key", &[("csrf", &csrf)])
            .await;
        assert_eq!(rotated.status, 303);
        let after = server.app.did_document("acme").await.unwrap();
        let methods = |doc: &serde_json::Value| doc["verificationMethod"].as_array().unwrap().len();
        assert_eq!(
            methods(&after),
            methods(&before) + 1,
            "{db:?}: the old key stays published"
        );
        let page = admin.get("/dashboard/settings?done=rotated").await.text();
        assert!(page.contains("retired") && page.contains("A new signing key is active"));
    }
}

#[tokio::test]
async fn a_did_key_organisation_cannot_rotate_from_the_dashboard() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server
            .app
            .create_org_with_method(
                "Keyed",
                "keyed",
                &admin_email("keyed"),
                brevet_app::orgs::DidMethod::Key,
            )
            .await
            .unwrap();
        assert!(org.did.starts_with("did:key:z6Mk"), "{}", org.did);
        let mut admin = sign_in_admin(&server, "keyed", &org).await;
        let page = admin.get("/dashboard/settings").await;
        assert_eq!(page.status, 200);
        let text = page.text();
        assert!(text.contains(&org.did));
        assert!(!text.contains("id=\"rotate-key\""), "no rotate button");
        assert!(
            !text.contains("/keyed/did.json"),
            "no did:web document link"
        );
        let csrf = hidden_csrf(&text);
        let view = server.app.org_view(&owner(&org)).await.unwrap();
        let rotated = admin
            .post_form("/dashboard/settings/rotate-key", &[("csrf", &csrf)])
            .await;
        assert_eq!(rotated.status, 400, "{db:?}: {}", rotated.text());
        assert!(rotated.text().contains("cannot rotate"));
        assert_eq!(server.app.org_view(&owner(&org)).await.unwrap(), view);
    }
}

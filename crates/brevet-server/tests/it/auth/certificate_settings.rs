//! The certificate design on the dashboard's settings page, on both backends: owners pick a
//! layout and a palette or custom colour (a colour too light is refused with the reason and
//! changes nothing), every member can open the preview PDF, only owners see and use the form,
//! and a form without the CSRF token changes nothing.

use brevet_app::Role;
use brevet_test_support::{Db, TestServer};

use super::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owners_choose_the_certificate_design_and_every_member_previews_it() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let mut owner = sign_in_admin(&server, "acme", &org).await;
        let page = owner.get("/dashboard/settings").await;
        assert_eq!(page.status, 200);
        let html = page.text();
        for expected in [
            "id=\"certificate-form\"",
            "id=\"certificate-layout-classic\" checked",
            "id=\"certificate-layout-modern\"",
            "id=\"certificate-layout-minimal\"",
            "<option value=\"#1f3a5f\" selected>Navy (#1f3a5f)</option>",
            "/dashboard/settings/certificate/preview.pdf?paper=letter",
        ] {
            assert!(html.contains(expected), "{db:?}: no {expected:?}");
        }
        let csrf = hidden_csrf(&html);

        let saved = owner
            .post_form(
                "/dashboard/settings/certificate",
                &[
                    ("csrf", &csrf),
                    ("layout", "modern"),
                    ("color", "#0f766e"),
                    ("custom_color", ""),
                ],
            )
            .await;
        assert_eq!(saved.status, 303, "{db:?}: {}", saved.text());
        let design = server
            .app
            .certificate_design(&super::helpers::owner(&org))
            .await
            .unwrap();
        assert_eq!(
            (design.layout.as_str(), design.color.as_str()),
            ("modern", "#0f766e")
        );
        let html = owner.get("/dashboard/settings").await.text();
        assert!(
            html.contains("id=\"certificate-layout-modern\" checked"),
            "{db:?}"
        );
        assert!(
            html.contains("<option value=\"#0f766e\" selected>"),
            "{db:?}"
        );

        let custom = owner
            .post_form(
                "/dashboard/settings/certificate",
                &[
                    ("csrf", &csrf),
                    ("layout", "minimal"),
                    ("color", "custom"),
                    ("custom_color", "#3A2E1F"),
                ],
            )
            .await;
        assert_eq!(custom.status, 303, "{db:?}: {}", custom.text());
        let html = owner.get("/dashboard/settings").await.text();
        assert!(
            html.contains("value=\"#3a2e1f\""),
            "{db:?}: the custom colour is shown"
        );
        assert!(
            html.contains("<option value=\"custom\" selected>"),
            "{db:?}"
        );

        let before = server.snapshot().await;
        for fields in [
            [
                ("layout", "minimal"),
                ("color", "custom"),
                ("custom_color", "#fafafa"),
            ],
            [
                ("layout", "minimal"),
                ("color", "custom"),
                ("custom_color", "red"),
            ],
            [
                ("layout", "baroque"),
                ("color", "#0f766e"),
                ("custom_color", ""),
            ],
        ] {
            let mut form = vec![("csrf", csrf.as_str())];
            form.extend(fields);
            let refused = owner
                .post_form("/dashboard/settings/certificate", &form)
                .await;
            assert_eq!(refused.status, 422, "{db:?} {fields:?}");
            assert!(
                refused.text().contains("certificate."),
                "{db:?}: the reason is shown"
            );
        }
        let forged = owner
            .post_form(
                "/dashboard/settings/certificate",
                &[
                    ("csrf", "wrong"),
                    ("layout", "classic"),
                    ("color", "#0f766e"),
                ],
            )
            .await;
        assert_eq!(forged.status, 403, "{db:?}");
        assert_eq!(
            before,
            server.snapshot().await,
            "{db:?}: refusals change nothing"
        );

        add_member(
            &server,
            &org,
            "viewer@acme.example",
            "viewer password",
            Role::Viewer,
        )
        .await;
        let mut viewer = sign_in(&server, "viewer@acme.example", "viewer password").await;
        let html = viewer.get("/dashboard/settings").await.text();
        assert!(!html.contains("id=\"certificate-form\""), "{db:?}");
        assert!(html.contains("id=\"certificate-current\""), "{db:?}");
        for paper in ["a4", "letter"] {
            let preview = viewer
                .get(&format!(
                    "/dashboard/settings/certificate/preview.pdf?paper={paper}"
                ))
                .await;
            assert_eq!(preview.status, 200, "{db:?} {paper}: {}", preview.text());
            assert_eq!(preview.header("content-type"), Some("application/pdf"));
            assert_eq!(preview.header("cache-control"), Some("no-store"));
            assert!(preview.body.starts_with(b"%PDF-1."));
        }
        let bad = viewer
            .get("/dashboard/settings/certificate/preview.pdf?paper=tabloid")
            .await;
        assert_eq!(bad.status, 400, "{db:?}");
        let csrf = viewer.csrf().await;
        let refused = viewer
            .post_form(
                "/dashboard/settings/certificate",
                &[("csrf", &csrf), ("layout", "classic"), ("color", "#0f766e")],
            )
            .await;
        assert_eq!(
            refused.status, 403,
            "{db:?}: viewers cannot change the design"
        );
    }
}

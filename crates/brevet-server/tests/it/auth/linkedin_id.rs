//! The organisation's LinkedIn organisation id (used by "Add to profile" links) is digits only:
//! anything else is refused with a clear 422 by the dashboard settings form and by
//! `PATCH /api/v1/org`, and nothing changes; on both backends.

use brevet_test_support::{Db, Request, TestServer};
use serde_json::json;

use super::helpers::*;

#[tokio::test]
async fn a_linkedin_organisation_id_must_be_digits() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let mut admin = sign_in_admin(&server, "acme", &org).await;
        let csrf = hidden_csrf(&admin.get("/dashboard/settings").await.text());
        let before = server.snapshot().await;
        for bad in [
            "12a45",
            "12 345",
            "-5",
            "１２３",
            "123456789012345678901",
            "1e6",
        ] {
            let page = admin
                .post_form(
                    "/dashboard/settings",
                    &[
                        ("csrf", &csrf),
                        ("name", "Org acme"),
                        ("linkedin_org_id", bad),
                    ],
                )
                .await;
            assert_eq!(page.status, 422, "{db:?} {bad:?}: {}", page.text());
            assert!(
                page.text()
                    .contains("must be the numeric id of a LinkedIn organisation page"),
                "{db:?} {bad:?}: the page does not say what is wrong"
            );
            let api = server
                .request(
                    Request::method("PATCH", "/api/v1/org")
                        .body(
                            "application/json",
                            json!({"linkedin_org_id": bad}).to_string(),
                        )
                        .bearer(&org.api_key),
                )
                .await;
            assert_eq!(api.status, 422, "{db:?} {bad:?}: {}", api.text());
            assert_eq!(api.header("content-type"), Some("application/problem+json"));
            assert!(
                api.json()["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("linkedin_org_id"),
                "{db:?}: {}",
                api.text()
            );
        }
        assert_eq!(
            before,
            server.snapshot().await,
            "{db:?}: a refusal changed something"
        );

        let saved = admin
            .post_form(
                "/dashboard/settings",
                &[
                    ("csrf", &csrf),
                    ("name", "Org acme"),
                    ("linkedin_org_id", " 0012345 "),
                ],
            )
            .await;
        assert_eq!(saved.status, 303, "{db:?}: {}", saved.text());
        let record = server.app.org(&org.org_id).await.unwrap();
        assert_eq!(record.linkedin_org_id.as_deref(), Some("0012345"));
        // Empty clears it.
        let cleared = admin
            .post_form(
                "/dashboard/settings",
                &[
                    ("csrf", &csrf),
                    ("name", "Org acme"),
                    ("linkedin_org_id", ""),
                ],
            )
            .await;
        assert_eq!(cleared.status, 303, "{db:?}: {}", cleared.text());
        let record = server.app.org(&org.org_id).await.unwrap();
        assert_eq!(record.linkedin_org_id, None);
    }
}

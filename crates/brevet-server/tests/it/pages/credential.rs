//! The credential page's content and live status: what it shows, 404s, the JSON download,
//! revocation, suspension, expiry and reissue, on both backends.

use brevet_test_support::{Db, TestServer};
use serde_json::{Value, json};

use super::{
    AchievementSpec, assert_page_headers, award, award_simple, between, get, insert_achievement,
    issuer, links, set_status, verdict,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_the_credential_and_its_verification() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let achievement =
            insert_achievement(&server, &issuer.org_id, &AchievementSpec::default()).await;
        let awarded = award(
            &server,
            &issuer,
            json!({
                "achievement_id": achievement,
                "recipient": {"email": "ada@example.org", "name": "Ada Lovelace"},
                "evidence": [{"url": "https://portfolio.example/ada", "name": "Final project",
                              "narrative": "Built a compiler."}],
                "valid_until": "2031-01-01T00:00:00Z"
            }),
        )
        .await;
        let id = awarded["id"].as_str().unwrap();
        let response = get(&server, &format!("/c/{id}")).await;
        assert_eq!(response.status, 200, "{db:?}: {}", response.text());
        assert_page_headers(&response);
        assert_eq!(response.header("cache-control"), Some("no-cache"));
        let html = response.text();
        assert_eq!(verdict(&html), "Verified", "{db:?}");
        for expected in [
            "Ada Lovelace",
            "Rust Programming",
            "Writes safe, fast Rust.",
            "Pass the practical exam.",
            "Org acme",
            "Computer programming",
            "ESCO",
            "S1.2.3",
            "Final project",
            "Built a compiler.",
            "Badge",
            // validUntil in words and ISO; the server clock's issue date.
            "1 January 2031, 00:00 UTC",
            "datetime=\"2031-01-01T00:00:00Z\"",
            "datetime=\"2026-09-21T14:13:20Z\"",
        ] {
            assert!(
                html.contains(expected),
                "{db:?}: no {expected:?} in the page"
            );
        }
        let links = links(&html);
        for link in [
            "https://esco.example/skill/123",
            "https://portfolio.example/ada",
            &format!("/c/{id}/credential.json"),
            "/verify",
        ] {
            assert!(links.iter().any(|l| l == link), "{db:?}: no link to {link}");
        }
        assert!(
            !html.contains("ada@example.org"),
            "the email is never shown"
        );
        for check in [
            "syntax",
            "context",
            "proof",
            "issuer-key",
            "validity",
            "status",
        ] {
            assert!(
                html.contains(&format!("id=\"check-{check}\"")),
                "{db:?}: no {check} row"
            );
        }
        assert!(!html.contains("outcome-failed"));
        // The one script is Brevet's own copy-button file (no inline script).
        assert_eq!(html.matches("<script").count(), 1);
        assert!(html.contains("<script src=\"/static/share.js\" defer></script>"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_ids_get_an_html_404() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        for path in [
            "/c/0123456789abcdef0123456789abcdef",
            "/c/0123456789abcdef0123456789abcdef/credential.json",
            "/c/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            "/c/..%2F..%2Fetc%2Fpasswd",
            &format!("/c/{}", "a".repeat(200)),
        ] {
            let response = get(&server, path).await;
            assert_eq!(response.status, 404, "{db:?} {path}");
            assert_page_headers(&response);
            let html = response.text();
            assert!(html.contains("<h1>Not found</h1>"), "{html}");
            assert!(!html.contains("<script"));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_json_download_is_the_stored_credential_byte_for_byte() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let awarded = award_simple(&server, &issuer).await;
        let id = awarded["id"].as_str().unwrap();
        let stored = {
            let mut conn = server.app.store().read().await.unwrap();
            brevet_store::credentials::get(&mut conn, id)
                .await
                .unwrap()
                .json
        };
        let response = get(&server, &format!("/c/{id}/credential.json")).await;
        assert_eq!(response.status, 200);
        assert_eq!(response.body, stored.as_bytes(), "{db:?}");
        assert_eq!(
            serde_json::from_slice::<Value>(&response.body).unwrap(),
            awarded["credential"]
        );
        assert_eq!(
            response.header("content-type"),
            Some("application/vc+ld+json")
        );
        assert_eq!(
            response.header("content-disposition"),
            Some(format!("attachment; filename=\"credential-{id}.json\"").as_str())
        );
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_and_suspension_show_at_once_with_the_reason() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let revoked = award_simple(&server, &issuer).await;
        let revoked = revoked["id"].as_str().unwrap();
        let suspended = award_simple(&server, &issuer).await;
        let suspended = suspended["id"].as_str().unwrap();
        // Viewed first, so the verified report is cached.
        for id in [revoked, suspended] {
            assert_eq!(
                verdict(&get(&server, &format!("/c/{id}")).await.text()),
                "Verified"
            );
        }
        set_status(&server, &issuer, revoked, "revoke", "Issued in error").await;
        let html = get(&server, &format!("/c/{revoked}")).await.text();
        assert_eq!(verdict(&html), "Revoked", "{db:?}");
        assert!(html.contains("<q>Issued in error</q>"), "{html}");
        assert!(html.contains("outcome-failed"));

        set_status(&server, &issuer, suspended, "suspend", "Under review").await;
        let html = get(&server, &format!("/c/{suspended}")).await.text();
        assert_eq!(verdict(&html), "Suspended", "{db:?}");
        assert!(html.contains("<q>Under review</q>"));
        set_status(&server, &issuer, suspended, "reinstate", "Review passed").await;
        let html = get(&server, &format!("/c/{suspended}")).await.text();
        assert_eq!(verdict(&html), "Verified", "{db:?}");
        assert!(!html.contains("Under review"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_credential_says_expired_not_invalid() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let achievement = insert_achievement(
            &server,
            &issuer.org_id,
            &AchievementSpec {
                validity_days: Some(30),
                ..AchievementSpec::default()
            },
        )
        .await;
        let recipient = json!({"email": "ada@example.org", "name": "Ada Lovelace"});
        let expiring = award(
            &server,
            &issuer,
            json!({"achievement_id": achievement, "recipient": recipient}),
        )
        .await;
        let expiring = expiring["id"].as_str().unwrap();
        let future = award(
            &server,
            &issuer,
            json!({"achievement_id": achievement, "recipient": recipient,
                   "valid_from": "2030-01-01T00:00:00Z", "valid_until": "2031-01-01T00:00:00Z"}),
        )
        .await;
        let future = future["id"].as_str().unwrap();
        let html = get(&server, &format!("/c/{future}")).await.text();
        assert_eq!(verdict(&html), "Not yet valid", "{db:?}");

        assert_eq!(
            verdict(&get(&server, &format!("/c/{expiring}")).await.text()),
            "Verified"
        );
        server.clock.advance(time::Duration::days(31));
        let html = get(&server, &format!("/c/{expiring}")).await.text();
        assert_eq!(verdict(&html), "Expired", "{db:?}");
        assert!(!html.to_lowercase().contains("invalid signature"));
        assert!(html.contains("The credential is authentic but its validity period has ended."));
        // The signature itself still passed.
        let proof_row = between(&html, "id=\"check-proof\"", "</tr>");
        assert!(proof_row.contains("outcome-passed"), "{proof_row}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reissued_credential_links_to_its_replacement() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let achievement =
            insert_achievement(&server, &issuer.org_id, &AchievementSpec::default()).await;
        let old = award(
            &server,
            &issuer,
            json!({"achievement_id": achievement, "recipient": {"email": "a@example.org", "name": "Ada Lovelase"}}),
        )
        .await;
        let old = old["id"].as_str().unwrap();
        let new = award(
            &server,
            &issuer,
            json!({"achievement_id": achievement, "supersedes": old,
                   "recipient": {"email": "a@example.org", "name": "Ada Lovelace"}}),
        )
        .await;
        let new = new["id"].as_str().unwrap();
        let html = get(&server, &format!("/c/{old}")).await.text();
        assert_eq!(verdict(&html), "Revoked", "{db:?}");
        assert!(html.contains("<q>superseded</q>"));
        assert_eq!(
            links(between(&html, "id=\"superseded\"", "</p>")),
            [format!("{}/c/{new}", server.base_url)]
        );
        let html = get(&server, &format!("/c/{new}")).await.text();
        assert_eq!(verdict(&html), "Verified");
        assert!(links(&html).contains(&format!("{}/c/{old}", server.base_url)));
    }
}

//! Importing Open Badges 2.0 assertions into the wallet, on both backends: a hosted assertion
//! by its URL (served by a local issuer on loopback), labelled as Open Badges 2.0 and verified
//! by the 2.0 rules; the same one baked in a PNG recognised as a duplicate; an expired one kept
//! and shown as expired; a revoked one refused; and a kept one revoked later shown as revoked
//! the next time the wallet is shown.

use brevet_app::wallet_import::RECHECK_AFTER;
use brevet_test_support::Db;
use serde_json::json;

use super::helpers::{claimed, issuer, memory_mailer};
use super::import::{
    import_file, import_text, import_url, imported_ids, item_html, outcome, status_of,
};
use crate::import::fixtures::{Ob2World, ob2_png};
use crate::pages::verdict;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_badges_2_assertions_are_imported_by_the_2_0_rules() {
    for db in Db::BOTH {
        let Some(world) = Ob2World::start(db).await else {
            continue;
        };
        let server = &world.server;
        let mailer = memory_mailer(server);
        let acme = issuer(server, "acme", "Rust Programming").await;
        let (mut ada, _) = claimed(server, &acme, &mailer, "ada@example.org").await;
        let csrf = ada.wallet_csrf().await;

        let assertion = world.hosted_assertion("/assertions/1.json");
        world.issuer.put("/assertions/1.json", &assertion);
        let url = world.issuer.url("/assertions/1.json");
        let response = import_url(&mut ada, &csrf, &url).await;
        assert_eq!(response.status, 200, "{db:?}: {}", response.text());
        let html = response.text();
        assert_eq!(outcome(&html), "kept", "{db:?}: {html}");
        assert_eq!(verdict(&html), "Verified");
        assert!(
            html.contains(
                "Format: Open Badges 2.0 (hosted), fetched from its URL · verified by the Open Badges 2.0 rules"
            ),
            "{html}"
        );
        let page = ada.get("/wallet").await.text();
        let ids = imported_ids(&page);
        assert_eq!(ids.len(), 1, "{db:?}");
        let hosted = ids[0].clone();
        let item = item_html(&page, &hosted);
        assert!(item.contains(">Open Badges 2.0<"), "{item}");
        assert!(item.contains(">Imported<"), "{item}");
        assert!(item.contains("Rust Basics"), "{item}");
        assert!(item.contains("Loopback Academy"), "{item}");
        assert_eq!(status_of(&page, &hosted), "Verified");
        // The kept bytes: the assertion as the issuer hosts it.
        let download = ada.get(&format!("/wallet/items/{hosted}/download")).await;
        assert_eq!(
            download.body,
            world.issuer.text("/assertions/1.json").into_bytes()
        );
        assert_eq!(download.header("content-type"), Some("application/ld+json"));

        // Baked in a PNG, or pasted: the same assertion, already in the wallet.
        let before = server.snapshot().await;
        assert_eq!(
            outcome(&import_file(&mut ada, &csrf, &ob2_png(&url)).await.text()),
            "duplicate"
        );
        assert_eq!(
            outcome(
                &import_text(&mut ada, &csrf, &assertion.to_string())
                    .await
                    .text()
            ),
            "duplicate"
        );
        assert_eq!(server.snapshot().await, before, "{db:?}");

        // Revoked: refused, nothing stored.
        let mut revoked = world.hosted_assertion("/assertions/revoked.json");
        revoked["revoked"] = json!(true);
        revoked["revocationReason"] = json!("Awarded in error");
        world.issuer.put("/assertions/revoked.json", &revoked);
        let response = import_url(
            &mut ada,
            &csrf,
            &world.issuer.url("/assertions/revoked.json"),
        )
        .await;
        assert_eq!(response.status, 422, "{db:?}: {}", response.text());
        let html = response.text();
        assert_eq!(outcome(&html), "refused");
        assert!(html.contains("its issuer has withdrawn it"), "{html}");
        // Gone from its issuer: refused.
        let response = import_url(
            &mut ada,
            &csrf,
            &world.issuer.url("/assertions/missing.json"),
        )
        .await;
        assert!(
            response.status == 422 || response.status == 400,
            "{db:?}: {} {}",
            response.status,
            response.text()
        );
        assert_eq!(server.snapshot().await, before, "{db:?}");

        // Expired (the test clock is 2026-09-21): authentic, so kept, and shown as expired.
        let mut expired = world.hosted_assertion("/assertions/expired.json");
        expired["expires"] = json!("2026-06-30T00:00:00Z");
        world.issuer.put("/assertions/expired.json", &expired);
        let response = import_url(
            &mut ada,
            &csrf,
            &world.issuer.url("/assertions/expired.json"),
        )
        .await;
        let html = response.text();
        assert_eq!(outcome(&html), "kept", "{db:?}: {html}");
        assert_eq!(verdict(&html), "Expired");
        let page = ada.get("/wallet").await.text();
        let expired_item = imported_ids(&page)
            .into_iter()
            .find(|id| *id != hosted)
            .unwrap();
        assert_eq!(status_of(&page, &expired_item), "Expired");
        assert!(item_html(&page, &expired_item).contains("valid until"));

        // Revoked by its issuer after it was kept: the wallet says so once its last check is
        // older than the staleness bound (and not before: the check is not made on every view).
        world.publish_revocation_list(&[json!({"id": url, "revocationReason": "Withdrawn"})]);
        let page = ada.get("/wallet").await.text();
        assert_eq!(status_of(&page, &hosted), "Verified", "{db:?}");
        server
            .clock
            .advance(time::Duration::try_from(RECHECK_AFTER).unwrap());
        let page = ada.get("/wallet").await.text();
        assert_eq!(status_of(&page, &hosted), "Revoked", "{db:?}");
        assert_eq!(status_of(&page, &expired_item), "Expired");
    }
}

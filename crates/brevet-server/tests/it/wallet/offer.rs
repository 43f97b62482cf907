//! A wallet app from the wallet: each of the earner's own credentials offers a fresh
//! OpenID4VCI credential offer (QR code and deep link), never stored by caches, and nobody
//! else's.

use brevet_test_support::{Db, TestServer};

use super::helpers::{claimed, issuer, item_of, memory_mailer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wallet_offers_each_own_credential_to_a_wallet_app() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let acme = issuer(&server, "acme", "Rust Programming").await;
        let (mut ada, awarded) = claimed(&server, &acme, &mailer, "ada@example.org").await;
        let id = awarded["id"].as_str().unwrap().to_owned();
        let item = item_of(&mut ada, &id).await;
        let path = format!("/wallet/items/{item}/wallet-app");

        let wallet = ada.get("/wallet").await;
        assert!(wallet.text().contains(&path), "{db:?}: no offer link");

        let page = ada.get(&path).await;
        assert_eq!(page.status, 200, "{db:?}: {}", page.text());
        assert_eq!(page.header("cache-control"), Some("no-store"));
        let html = page.text();
        assert!(
            html.contains("openid-credential-offer://?credential_offer_uri="),
            "{db:?}: no deep link in {html}"
        );
        assert!(html.contains("<svg"), "{db:?}: no QR code");
        // Each visit makes a new single-use offer.
        let again = ada.get(&path).await.text();
        let link = |html: &str| {
            html.split("openid-credential-offer://")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(str::to_owned)
        };
        assert!(link(&html).is_some());
        assert_ne!(link(&html), link(&again), "{db:?}: the offer was reused");

        // Another earner, and an unknown item, are not found.
        let (mut bob, _) = claimed(&server, &acme, &mailer, "bob@example.org").await;
        assert_eq!(bob.get(&path).await.status, 404, "{db:?}");
        assert_eq!(
            ada.get("/wallet/items/0123456789abcdef/wallet-app")
                .await
                .status,
            404
        );
    }
}

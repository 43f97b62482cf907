//! The earner's account: the download holds every credential byte for byte with the wallet's
//! choices; deleting the wallet removes the earner's data (addresses, sessions, items,
//! visibility choices, collections) while the credentials stay issued and verifiable.

use std::io::Read;

use brevet_test_support::{Db, Request, TestServer};
use serde_json::Value;

use super::helpers::{award, claimed, earner_rows, issuer, item_of, memory_mailer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_download_holds_every_credential_byte_for_byte() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let acme = issuer(&server, "acme", "Rust Programming").await;
        let (mut ada, first) = claimed(&server, &acme, &mailer, "ada@example.org").await;
        let second = award(&server, &acme, "ada@example.org").await;
        let ids = [
            first["id"].as_str().unwrap().to_owned(),
            second["id"].as_str().unwrap().to_owned(),
        ];
        let hidden_item = item_of(&mut ada, &ids[1]).await;
        let csrf = ada.wallet_csrf().await;
        ada.post_form(
            &format!("/wallet/items/{hidden_item}/visibility"),
            &[("csrf", &csrf), ("hidden", "1")],
        )
        .await;
        ada.post_form(
            "/wallet/collections",
            &[("csrf", &csrf), ("name", "Rust"), ("item", &hidden_item)],
        )
        .await;

        let response = ada.get("/wallet/export").await;
        assert_eq!(response.status, 200, "{db:?}: {}", response.text());
        assert_eq!(response.header("content-type"), Some("application/zip"));
        assert_eq!(response.header("cache-control"), Some("no-store"));
        assert!(
            response
                .header("content-disposition")
                .is_some_and(|value| value.starts_with("attachment"))
        );
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(response.body)).unwrap();
        let mut read = |name: &str| {
            let mut text = String::new();
            archive
                .by_name(name)
                .unwrap_or_else(|_| panic!("{db:?}: no {name} in the archive"))
                .read_to_string(&mut text)
                .unwrap();
            text
        };
        let mut conn = server.app.store().read().await.unwrap();
        for id in &ids {
            let stored = brevet_store::credentials::get(&mut conn, id).await.unwrap();
            assert_eq!(
                read(&format!("credentials/{id}.json")),
                stored.json,
                "{db:?}: byte for byte"
            );
        }
        drop(conn);
        let manifest: Value = serde_json::from_str(&read("wallet.json")).unwrap();
        assert_eq!(manifest["format"], "brevet-wallet-export/1");
        assert_eq!(manifest["emails"], serde_json::json!(["ada@example.org"]));
        let items = manifest["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{db:?}");
        let hidden: Vec<bool> = items
            .iter()
            .map(|item| item["hidden"].as_bool().unwrap())
            .collect();
        assert_eq!(hidden.iter().filter(|h| **h).count(), 1);
        assert!(items.iter().all(|item| item["source"] == "issued"
            && item["dedupe_key"].as_str().unwrap().starts_with("sha256:")));
        assert_eq!(manifest["collections"][0]["name"], "Rust");
        assert_eq!(manifest["collections"][0]["items"][0], hidden_item.as_str());
        // Signed out, there is nothing to download.
        let anonymous = server.request(Request::get("/wallet/export")).await;
        assert_eq!(anonymous.status, 303);
        assert_eq!(anonymous.header("location"), Some("/wallet/signin"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_the_wallet_removes_the_earner_data_but_the_credential_still_verifies() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let acme = issuer(&server, "acme", "Rust Programming").await;
        let (mut ada, awarded) = claimed(&server, &acme, &mailer, "ada@example.org").await;
        let (grace, _) = claimed(&server, &acme, &mailer, "grace@example.org").await;
        let id = awarded["id"].as_str().unwrap();
        let item = item_of(&mut ada, id).await;
        let csrf = ada.wallet_csrf().await;
        ada.post_form(
            &format!("/wallet/items/{item}/visibility"),
            &[("csrf", &csrf), ("hidden", "1")],
        )
        .await;
        ada.post_form(
            "/wallet/collections",
            &[("csrf", &csrf), ("name", "Rust"), ("item", &item)],
        )
        .await;
        let wallet = ada.get("/wallet").await.text();
        let marker = "href=\"/wallet/collections/";
        let start = wallet.find(marker).unwrap() + marker.len();
        let collection: String = wallet[start..].chars().take(32).collect();
        assert_eq!(
            server
                .request(Request::get(&format!("/c/{id}")))
                .await
                .status,
            404
        );
        let rows_before = earner_rows(&server).await;

        // Without the confirmation box, nothing happens.
        let before = server.snapshot().await;
        let unconfirmed = ada.post_form("/wallet/delete", &[("csrf", &csrf)]).await;
        assert_eq!(unconfirmed.status, 422, "{db:?}");
        assert_eq!(server.snapshot().await, before);

        let old_cookie = ada.cookie("brevet_wallet").unwrap().to_owned();
        let deleted = ada
            .post_form("/wallet/delete", &[("csrf", &csrf), ("confirm", "yes")])
            .await;
        assert_eq!(deleted.status, 303, "{db:?}: {}", deleted.text());
        assert_eq!(
            deleted.header("location"),
            Some("/wallet/signin?done=deleted")
        );
        assert!(
            ada.cookie("brevet_wallet").is_none(),
            "the cookie is cleared"
        );
        // The old session is gone.
        let replayed = server
            .request(
                Request::get("/wallet").header("cookie", &format!("brevet_wallet={old_cookie}")),
            )
            .await;
        assert_eq!(replayed.status, 303, "{db:?}");
        assert_eq!(replayed.header("location"), Some("/wallet/signin"));
        // Ada's rows are gone; Grace's stay (an earner, an address, a session, an item).
        assert_eq!(
            earner_rows(&server).await,
            4,
            "{db:?}: only Grace's rows remain"
        );
        assert!(rows_before > 4, "{db:?}: Ada had rows too");
        let mut conn = server.app.store().read().await.unwrap();
        assert!(
            brevet_store::earners::email_owner(&mut conn, "ada@example.org")
                .await
                .is_err()
        );
        drop(conn);
        drop(grace);
        // The credential stays issued, public again and verified; the collection is gone.
        let page = server.request(Request::get(&format!("/c/{id}"))).await;
        assert_eq!(page.status, 200, "{db:?}");
        assert!(
            page.text().contains("class=\"verdict-label\">Verified<"),
            "{db:?}"
        );
        let collection_page = server
            .request(Request::get(&format!("/collections/{collection}")))
            .await;
        assert_eq!(collection_page.status, 404, "{db:?}");
        let api = server
            .request(Request::get(&format!("/api/v1/credentials/{id}")).bearer(&acme.org.api_key))
            .await;
        assert_eq!(api.status, 200, "{db:?}");
        // The same address can open a new, empty-of-choices wallet later.
        let mut again = super::helpers::Browser::new(&server);
        let token = super::helpers::hidden_csrf(&again.get("/wallet/signin").await.text());
        again
            .post_form(
                "/wallet/signin",
                &[("csrf", &token), ("email", "ada@example.org")],
            )
            .await;
        let mail = super::helpers::mail_to(&mailer, "ada@example.org", 2).await;
        assert_eq!(mail.subject, "Your Brevet wallet sign-in link");
        assert_eq!(
            again
                .use_link(&super::helpers::link_path(&mail))
                .await
                .status,
            303
        );
        let html = again.get("/wallet").await.text();
        assert!(html.contains(&format!("href=\"/c/{id}\"")), "{db:?}");
        assert!(
            html.contains("Public: anyone"),
            "{db:?}: the old choice is gone"
        );
    }
}

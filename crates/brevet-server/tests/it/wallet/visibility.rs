//! Hiding and collections: a hidden credential's page and JSON answer 404 to everyone but its
//! earner and its issuer, exactly as an unknown id does (PRIV-04); a collection's page shows
//! only the credentials that are not hidden; credential text stays inert in the wallet and on
//! collection pages (WEB-01); and every wallet form refuses a missing, wrong or foreign CSRF
//! token without changing anything.

use brevet_test_support::{Db, Request, Response, TestServer};

use super::helpers::{
    Browser, as_read, award, claimed, hidden_csrf, issuer, item_of, memory_mailer,
};

async fn anonymous(server: &TestServer, path: &str) -> Response {
    as_read(server.request(Request::get(path)).await)
}

/// Everything a visitor could compare: status, body and the headers that vary.
fn observable(response: &Response) -> (u16, String, Vec<Option<String>>) {
    let headers = [
        "content-type",
        "cache-control",
        "content-disposition",
        "content-security-policy",
    ]
    .iter()
    .map(|name| response.header(name).map(str::to_owned))
    .collect();
    (response.status, response.text(), headers)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hidden_credential_is_not_found_for_others_exactly_like_an_unknown_id() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let acme = issuer(&server, "acme", "Rust Programming").await;
        let other_org = issuer(&server, "other", "Cooking").await;
        let (mut ada, awarded) = claimed(&server, &acme, &mailer, "ada@example.org").await;
        let (mut grace, _) = claimed(&server, &acme, &mailer, "grace@example.org").await;
        let id = awarded["id"].as_str().unwrap().to_owned();
        let unknown = brevet_app::ids::new_id();
        let item = item_of(&mut ada, &id).await;
        assert_eq!(anonymous(&server, &format!("/c/{id}")).await.status, 200);

        let csrf = ada.wallet_csrf().await;
        let hidden = ada
            .post_form(
                &format!("/wallet/items/{item}/visibility"),
                &[("csrf", &csrf), ("hidden", "1")],
            )
            .await;
        assert_eq!(hidden.status, 303, "{db:?}: {}", hidden.text());
        assert_eq!(hidden.header("location"), Some("/wallet?done=hidden"));
        assert!(ada.get("/wallet").await.text().contains("Hidden: only you"));

        for suffix in [
            "",
            "/credential.json",
            "/preview.png",
            "/certificate.pdf",
            "/certificate.pdf?paper=x",
        ] {
            let for_hidden = anonymous(&server, &format!("/c/{id}{suffix}")).await;
            let for_unknown = anonymous(&server, &format!("/c/{unknown}{suffix}")).await;
            assert_eq!(
                observable(&for_hidden),
                observable(&for_unknown),
                "{db:?} {suffix}: a hidden credential looks exactly like an unknown id"
            );
            if suffix.ends_with("=x") {
                // A bad paper is the same 400 for hidden and unknown ids.
                assert_eq!(for_hidden.status, 400, "{db:?}");
                continue;
            }
            assert_eq!(for_hidden.status, 404, "{db:?} {suffix}");
            // Another earner, and another organisation's member, see the same.
            let other_earner = grace.get(&format!("/c/{id}{suffix}")).await;
            assert_eq!(observable(&other_earner).0, 404, "{db:?} {suffix}");
            assert_eq!(observable(&other_earner).1, observable(&for_unknown).1);
            let mut outsider = sign_in_dashboard(&server, "other", &other_org.org).await;
            assert_eq!(
                outsider.get(&format!("/c/{id}{suffix}")).await.status,
                404,
                "{db:?} {suffix}"
            );
            // Its earner and its issuer still see it, and no cache keeps it.
            let own = ada.get(&format!("/c/{id}{suffix}")).await;
            assert_eq!(own.status, 200, "{db:?} {suffix}");
            assert_eq!(own.header("cache-control"), Some("private, no-store"));
            let mut issuer_member = sign_in_dashboard(&server, "acme", &acme.org).await;
            let issuer_view = issuer_member.get(&format!("/c/{id}{suffix}")).await;
            assert_eq!(issuer_view.status, 200, "{db:?} {suffix}");
            assert_eq!(
                issuer_view.header("cache-control"),
                Some("private, no-store")
            );
        }
        // Still verifiable through the issuer's API, and still in its list.
        let api = server
            .request(Request::get(&format!("/api/v1/credentials/{id}")).bearer(&acme.org.api_key))
            .await;
        assert_eq!(api.status, 200, "{db:?}");

        // Shown again: public for everyone.
        let csrf = ada.wallet_csrf().await;
        let shown = ada
            .post_form(
                &format!("/wallet/items/{item}/visibility"),
                &[("csrf", &csrf), ("hidden", "0")],
            )
            .await;
        assert_eq!(shown.header("location"), Some("/wallet?done=shown"));
        let page = anonymous(&server, &format!("/c/{id}")).await;
        assert_eq!(page.status, 200, "{db:?}");
        assert_eq!(page.header("cache-control"), Some("no-cache"));
        // Another earner cannot hide it: not found, nothing changed.
        let grace_csrf = grace.wallet_csrf().await;
        let before = server.snapshot().await;
        let refused = grace
            .post_form(
                &format!("/wallet/items/{item}/visibility"),
                &[("csrf", &grace_csrf), ("hidden", "1")],
            )
            .await;
        assert_eq!(refused.status, 404, "{db:?}");
        assert_eq!(server.snapshot().await, before);
    }
}

/// Signs in to the dashboard as the organisation's admin.
async fn sign_in_dashboard<'a>(
    server: &'a TestServer,
    slug: &str,
    org: &brevet_app::orgs::OrgCreated,
) -> Browser<'a> {
    let mut browser = Browser::new(server);
    let token = hidden_csrf(&browser.get("/auth/login").await.text());
    let email = format!("admin@{slug}.example");
    let response = browser
        .post_form(
            "/auth/login",
            &[
                ("csrf", &token),
                ("email", &email),
                ("password", org.admin_password.as_deref().unwrap()),
            ],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.text());
    browser
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collection_page_shows_only_the_visible_credentials() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let acme = issuer(&server, "acme", "Rust Programming").await;
        let (mut ada, first) = claimed(&server, &acme, &mailer, "ada@example.org").await;
        let second = award(&server, &acme, "ada@example.org").await;
        let first_id = first["id"].as_str().unwrap();
        let second_id = second["id"].as_str().unwrap();
        let first_item = item_of(&mut ada, first_id).await;
        let second_item = item_of(&mut ada, second_id).await;

        let csrf = ada.wallet_csrf().await;
        let created = ada
            .post_form(
                "/wallet/collections",
                &[
                    ("csrf", &csrf),
                    ("name", "Programming <b>skills</b>"),
                    ("item", &first_item),
                    ("item", &second_item),
                ],
            )
            .await;
        assert_eq!(created.status, 303, "{db:?}: {}", created.text());
        let wallet = ada.get("/wallet").await.text();
        let marker = format!("{}/collections/", server.base_url);
        let start = wallet.find(&marker).expect("a collection link") + marker.len();
        let collection: String = wallet[start..].chars().take(32).collect();
        assert!(
            collection.bytes().all(|b| b.is_ascii_hexdigit()),
            "{collection}"
        );
        let path = format!("/collections/{collection}");

        let page = anonymous(&server, &path).await;
        assert_eq!(page.status, 200, "{db:?}");
        assert_eq!(page.header("cache-control"), Some("no-cache"));
        let html = page.text();
        assert!(
            html.contains("Programming &lt;b&gt;skills&lt;/b&gt;"),
            "{db:?}"
        );
        assert!(html.contains(&format!("href=\"/c/{first_id}\"")));
        assert!(html.contains(&format!("href=\"/c/{second_id}\"")));
        assert!(
            !html.contains("ada@example.org"),
            "no address on a public page"
        );

        // Hidden: gone from the collection's page, for everyone.
        let csrf = ada.wallet_csrf().await;
        ada.post_form(
            &format!("/wallet/items/{second_item}/visibility"),
            &[("csrf", &csrf), ("hidden", "1")],
        )
        .await;
        let html = anonymous(&server, &path).await.text();
        assert!(html.contains(&format!("href=\"/c/{first_id}\"")), "{db:?}");
        assert!(
            !html.contains(second_id),
            "{db:?}: the hidden one is not even named"
        );
        assert_eq!(html.matches("class=\"credential-link\"").count(), 1);

        // Edited: one credential less; renamed.
        let csrf = ada.wallet_csrf().await;
        let saved = ada
            .post_form(
                &format!("/wallet/collections/{collection}"),
                &[("csrf", &csrf), ("name", "Rust"), ("item", &second_item)],
            )
            .await;
        assert_eq!(saved.status, 303, "{db:?}: {}", saved.text());
        let html = anonymous(&server, &path).await.text();
        assert!(html.contains("id=\"collection-empty\""), "{db:?}");
        assert!(html.contains(">Rust</h1>"));
        // Another earner's item cannot be put in it; another earner cannot edit it.
        let (mut grace, theirs) = claimed(&server, &acme, &mailer, "grace@example.org").await;
        let grace_item = item_of(&mut grace, theirs["id"].as_str().unwrap()).await;
        let csrf = ada.wallet_csrf().await;
        let foreign = ada
            .post_form(
                &format!("/wallet/collections/{collection}"),
                &[("csrf", &csrf), ("name", "Rust"), ("item", &grace_item)],
            )
            .await;
        assert_eq!(foreign.status, 404, "{db:?}");
        let grace_csrf = grace.wallet_csrf().await;
        let not_theirs = grace
            .post_form(
                &format!("/wallet/collections/{collection}/delete"),
                &[("csrf", &grace_csrf)],
            )
            .await;
        assert_eq!(not_theirs.status, 404, "{db:?}");
        // Unknown and malformed ids are not found; deleted ones too.
        let unknown = brevet_app::ids::new_id();
        assert_eq!(
            anonymous(&server, &format!("/collections/{unknown}"))
                .await
                .status,
            404
        );
        assert_eq!(anonymous(&server, "/collections/..%2Fx").await.status, 404);
        let csrf = ada.wallet_csrf().await;
        let deleted = ada
            .post_form(
                &format!("/wallet/collections/{collection}/delete"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(deleted.status, 303, "{db:?}");
        assert_eq!(anonymous(&server, &path).await.status, 404, "{db:?}");
        assert_eq!(
            ada.get("/wallet")
                .await
                .text()
                .matches("class=\"wallet-item\"")
                .count(),
            2,
            "the credentials stay in the wallet"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credential_text_is_inert_in_the_wallet_and_on_collection_pages() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let acme = issuer(&server, "acme", "<img src=x onerror=alert(1)>\u{202E}cod").await;
        let (mut ada, awarded) = claimed(&server, &acme, &mailer, "ada@example.org").await;
        let item = item_of(&mut ada, awarded["id"].as_str().unwrap()).await;
        let csrf = ada.wallet_csrf().await;
        ada.post_form(
            "/wallet/collections",
            &[("csrf", &csrf), ("name", "Mine"), ("item", &item)],
        )
        .await;
        let wallet = ada.get("/wallet").await.text();
        let marker = format!("{}/collections/", server.base_url);
        let start = wallet.find(&marker).unwrap() + marker.len();
        let collection: String = wallet[start..].chars().take(32).collect();
        let public = anonymous(&server, &format!("/collections/{collection}")).await;
        for (page, html) in [("wallet", wallet), ("collection", public.text())] {
            assert!(!html.contains("<img src=x"), "{db:?} {page}");
            assert!(
                html.contains("&lt;img src=x onerror=alert(1)&gt;"),
                "{db:?} {page}"
            );
            assert!(
                !html.contains('\u{202E}'),
                "{db:?} {page}: no bidi override"
            );
        }
        let mail = super::helpers::mail_to(&mailer, "ada@example.org", 1).await;
        assert!(
            !mail.html.unwrap().contains("<img src=x"),
            "{db:?}: the mail too"
        );
        assert!(
            public
                .header("content-security-policy")
                .is_some_and(|csp| csp.contains("script-src 'self'"))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_wallet_form_refuses_a_missing_wrong_or_foreign_csrf_token() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let acme = issuer(&server, "acme", "Rust Programming").await;
        let (mut ada, awarded) = claimed(&server, &acme, &mailer, "ada@example.org").await;
        let item = item_of(&mut ada, awarded["id"].as_str().unwrap()).await;
        let csrf = ada.wallet_csrf().await;
        ada.post_form(
            "/wallet/collections",
            &[("csrf", &csrf), ("name", "Mine"), ("item", &item)],
        )
        .await;
        let wallet = ada.get("/wallet").await.text();
        let marker = "href=\"/wallet/collections/";
        let start = wallet.find(marker).unwrap() + marker.len();
        let collection: String = wallet[start..].chars().take(32).collect();
        // An address verification link, to try its form too.
        ada.post_form(
            "/wallet/emails",
            &[("csrf", &csrf), ("email", "ada@work.example")],
        )
        .await;
        let link = super::helpers::link_path(
            &super::helpers::mail_to(&mailer, "ada@work.example", 1).await,
        );

        let forms: Vec<(String, Vec<(&str, String)>)> = vec![
            (
                format!("/wallet/items/{item}/visibility"),
                vec![("hidden", "1".into())],
            ),
            (
                "/wallet/collections".into(),
                vec![("name", "New".into()), ("item", item.clone())],
            ),
            (
                format!("/wallet/collections/{collection}"),
                vec![("name", "Renamed".into())],
            ),
            (format!("/wallet/collections/{collection}/delete"), vec![]),
            (
                "/wallet/emails".into(),
                vec![("email", "x@example.org".into())],
            ),
            ("/wallet/delete".into(), vec![("confirm", "yes".into())]),
            ("/wallet/signout".into(), vec![]),
            (link.clone(), vec![]),
        ];
        let foreign_origin = "https://evil.example";
        for (path, fields) in &forms {
            for (token, origin) in [
                (None, Some(server.base_url.as_str())),
                (
                    Some("csrf_wrong".to_owned()),
                    Some(server.base_url.as_str()),
                ),
                (Some(csrf.clone()), Some(foreign_origin)),
            ] {
                let mut all: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                if let Some(token) = &token {
                    all.push(("csrf", token));
                }
                let before = server.snapshot().await;
                let response = ada.post_form_with(path, &all, origin).await;
                assert_eq!(
                    response.status,
                    403,
                    "{db:?}: {path} with token {token:?} from {origin:?}: {}",
                    response.text()
                );
                assert_eq!(
                    server.snapshot().await,
                    before,
                    "{db:?}: {path} changed data"
                );
            }
        }
        // The real token from this site works (the session survived every refusal).
        let ok = ada
            .post_form(
                &format!("/wallet/items/{item}/visibility"),
                &[("csrf", &csrf), ("hidden", "1")],
            )
            .await;
        assert_eq!(ok.status, 303, "{db:?}");
    }
}

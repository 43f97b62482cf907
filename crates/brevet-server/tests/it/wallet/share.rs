//! Sharing from the wallet, on both backends: each public credential has the share actions of
//! its public page, with element ids made unique by the item (the LinkedIn "Add to Profile"
//! link read back from the page and parsed as a URL: every parameter, the page under the
//! server's base URL, the organisation by name and then by its LinkedIn id); a hidden one has
//! none (its page is a 404 for everyone else), only a note, until it is shown again; the page
//! loads the copy-button script and is sent with the share policy.

use std::collections::{BTreeMap, BTreeSet};

use brevet_test_support::{Request, TestServer};
use serde_json::{Value, json};

use super::helpers::{Browser, Issuer, claimed, issuer, item_of, mail_to, memory_mailer};
use crate::pages::{between, decode_entities};

const LINKEDIN_ADD: &str = "https://www.linkedin.com/profile/add";

/// The decoded `href` of the element whose `id` is `id`, if the page has it.
fn href_of(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    Some(decode_entities(between(&html[at..], "href=\"", "\"")))
}

/// The query of `link` as a URL parser reads it (each key once), after checking its base.
fn query(link: &str) -> BTreeMap<String, String> {
    let parsed = url::Url::parse(link).unwrap_or_else(|error| panic!("{link}: {error}"));
    let mut without_query = parsed.clone();
    without_query.set_query(None);
    assert_eq!(without_query.as_str(), LINKEDIN_ADD, "{link}");
    let mut pairs = BTreeMap::new();
    for (key, value) in parsed.query_pairs() {
        assert!(
            pairs.insert(key.to_string(), value.to_string()).is_none(),
            "{key} twice in {link}"
        );
    }
    pairs
}

/// Every `id` attribute of the page, checked to be unique.
fn assert_unique_ids(html: &str) {
    let mut seen = BTreeSet::new();
    for part in html.split(" id=\"").skip(1) {
        let id = &part[..part.find('"').unwrap()];
        assert!(seen.insert(id.to_owned()), "id {id:?} twice on the page");
    }
}

/// Awards `achievement` of `issuer` to `email` with the given validity; returns its id.
async fn award_dated(server: &TestServer, issuer: &Issuer, email: &str, dates: Value) -> String {
    let mut body = json!({
        "achievement_id": issuer.achievement_id,
        "recipient": {"email": email, "name": "Ada Lovelace"},
    });
    if let (Some(body), Some(dates)) = (body.as_object_mut(), dates.as_object()) {
        body.extend(dates.clone());
    }
    let response = server
        .request(Request::post_json("/api/v1/credentials", &body).bearer(&issuer.org.api_key))
        .await;
    assert_eq!(response.status, 201, "award: {}", response.text());
    response.json()["id"].as_str().unwrap().to_owned()
}

async fn set_visibility(ada: &mut Browser<'_>, item: &str, hidden: &str) {
    let csrf = ada.wallet_csrf().await;
    let response = ada
        .post_form(
            &format!("/wallet/items/{item}/visibility"),
            &[("csrf", &csrf), ("hidden", hidden)],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wallet_shares_public_credentials_only_with_every_linkedin_parameter() {
    for db in brevet_test_support::Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let acme = issuer(&server, "acme", "Rust & \"Safety\" #1 «Zürich»").await;
        let (mut ada, first) = claimed(&server, &acme, &mailer, "ada@example.org").await;
        let hidden_id = first["id"].as_str().unwrap().to_owned();
        let shown_id = award_dated(
            &server,
            &acme,
            "ada@example.org",
            json!({"valid_from": "2025-03-15T10:00:00Z", "valid_until": "2027-11-30T00:00:00Z"}),
        )
        .await;
        mail_to(&mailer, "ada@example.org", 2).await;
        let hidden_item = item_of(&mut ada, &hidden_id).await;
        let shown_item = item_of(&mut ada, &shown_id).await;
        set_visibility(&mut ada, &hidden_item, "1").await;

        let response = ada.get("/wallet").await;
        assert_eq!(response.status, 200, "{db:?}: {}", response.text());
        let html = response.text();

        // The public one: the whole LinkedIn link, its page under the server's base URL.
        let page_url = format!("{}/c/{shown_id}", server.base_url);
        let link = href_of(&html, &format!("share-linkedin-profile-{shown_item}"))
            .expect("share actions for the public credential");
        let expected: BTreeMap<String, String> = [
            ("startTask", "CERTIFICATION_NAME"),
            ("name", "Rust & \"Safety\" #1 «Zürich»"),
            ("organizationName", "Org acme"),
            ("issueYear", "2025"),
            ("issueMonth", "3"),
            ("expirationYear", "2027"),
            ("expirationMonth", "11"),
            ("certUrl", page_url.as_str()),
            ("certId", shown_id.as_str()),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect();
        assert_eq!(query(&link), expected, "{db:?}");
        // The other actions of the public page, with ids of this item.
        let link_field = format!("id=\"share-link-{shown_item}\" value=\"");
        assert_eq!(
            decode_entities(between(&html, &link_field, "\"")),
            page_url,
            "{db:?}"
        );
        for action in ["share-linkedin-post", "share-x", "share-facebook"] {
            let href = href_of(&html, &format!("{action}-{shown_item}")).expect(action);
            assert!(href.starts_with("https://"), "{db:?}: {href}");
        }
        assert!(html.contains(&format!("data-copy=\"share-link-{shown_item}\"")));
        assert!(html.contains(&format!("id=\"share-embed-{shown_item}\"")));
        assert!(html.contains(&format!("id=\"share-signature-{shown_item}\"")));
        // In a disclosure of its own, named after the credential for screen readers.
        let disclosure = between(
            &html,
            &format!("<details class=\"wallet-share\" id=\"share-{shown_item}\">"),
            "</summary>",
        );
        assert!(
            disclosure.contains("<summary>Share"),
            "{db:?}: {disclosure}"
        );
        assert!(
            disclosure.contains("Rust &amp; &quot;Safety&quot;"),
            "{db:?}: {disclosure}"
        );
        // No id of the public page's partial repeats, however many credentials are listed.
        assert!(!html.contains("id=\"share-linkedin-profile\""));
        assert_unique_ids(&html);

        // The hidden one: no share action, its page URL nowhere, a note instead.
        assert!(
            href_of(&html, &format!("share-linkedin-profile-{hidden_item}")).is_none(),
            "{db:?}: share actions for a hidden credential"
        );
        assert!(!html.contains(&format!("id=\"share-{hidden_item}\"")));
        assert!(!html.contains(&format!("{}/c/{hidden_id}", server.base_url)));
        assert!(!html.contains(&format!("%2Fc%2F{hidden_id}")));
        let note = between(
            &html,
            &format!("id=\"share-hidden-{hidden_item}\">"),
            "</p>",
        );
        assert_eq!(note, "Show it publicly to share it.");
        assert!(!html.contains(&format!("id=\"share-hidden-{shown_item}\"")));

        // The copy-button script, and the policy that lets the snippet previews keep their
        // styles: the public page's, with exactly the snippets' hashes and nothing inline.
        assert!(html.contains("<script src=\"/static/share.js\" defer></script>"));
        let csp = response
            .header("content-security-policy")
            .expect("a CSP")
            .to_owned();
        let public_page = server
            .request(Request::get(&format!("/c/{shown_id}")))
            .await;
        assert_eq!(
            public_page.header("content-security-policy"),
            Some(csp.as_str())
        );
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{csp}"
        );
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert_eq!(
            csp.matches("'sha256-").count(),
            brevet_core::share::SNIPPET_STYLES.len()
        );
        assert!(
            response
                .header("cache-control")
                .is_some_and(|value| value.contains("no-store"))
        );

        // Once the organisation sets its LinkedIn id, the wallet's link names it by that id.
        let set = server
            .request(
                Request::method("PATCH", "/api/v1/org")
                    .body(
                        "application/json",
                        json!({"linkedin_org_id": "1234567"}).to_string(),
                    )
                    .bearer(&acme.org.api_key),
            )
            .await;
        assert_eq!(set.status, 200, "{db:?}: {}", set.text());
        // Shown again, the first credential has its share actions too (no expiry, issued now).
        set_visibility(&mut ada, &hidden_item, "0").await;
        let html = ada.get("/wallet").await.text();
        let params =
            query(&href_of(&html, &format!("share-linkedin-profile-{shown_item}")).unwrap());
        assert_eq!(
            params.get("organizationId").map(String::as_str),
            Some("1234567")
        );
        assert!(
            !params.contains_key("organizationName"),
            "{db:?}: {params:?}"
        );
        assert_eq!(params["certUrl"], page_url);
        let params = query(
            &href_of(&html, &format!("share-linkedin-profile-{hidden_item}"))
                .expect("share actions once shown again"),
        );
        let issued = time::OffsetDateTime::from_unix_timestamp(server.app.now_unix()).unwrap();
        assert_eq!(params["issueYear"], issued.year().to_string(), "{db:?}");
        assert_eq!(params["issueMonth"], u8::from(issued.month()).to_string());
        assert!(!params.contains_key("expirationYear"), "{params:?}");
        assert_eq!(
            params["certUrl"],
            format!("{}/c/{hidden_id}", server.base_url)
        );
        assert_eq!(params["certId"], hidden_id);
        assert!(!html.contains(&format!("id=\"share-hidden-{hidden_item}\"")));
        assert_unique_ids(&html);
    }
}

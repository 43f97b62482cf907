//! The share actions in a real browser: the LinkedIn "Add to profile" link read from the page
//! carries every parameter, the copy buttons appear (Brevet's own script ran under the page's
//! policy), and the embed preview keeps its inline styles (allowed by hash, nothing else inline).

use std::collections::BTreeMap;

use brevet_test_support::{Db, TestServer};

use crate::harness::Browser;
use crate::{award, organisation_with_achievement};

/// `script`'s result in the current page.
async fn evaluate(browser: &Browser, script: &str) -> serde_json::Value {
    browser
        .client()
        .execute(script, Vec::new())
        .await
        .unwrap_or_else(|error| panic!("{script}: {error}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_share_actions_work_in_a_browser() {
    let Some(browser) = Browser::start("the_share_actions_work_in_a_browser").await else {
        return;
    };
    let server = TestServer::start(Db::Sqlite)
        .await
        .expect("a SQLite server");
    let awarding = organisation_with_achievement(&server).await;
    let awarded = award(&server, &awarding, "Ada Lovelace").await;
    let id = awarded["id"].as_str().unwrap();
    let page_url = format!("{}/c/{id}", server.base_url);
    browser.goto(&page_url).await;

    let link = browser
        .attr("#share-linkedin-profile", "href")
        .await
        .expect("an Add to profile link");
    let parsed = url::Url::parse(&link).expect("a URL");
    assert_eq!(parsed.host_str(), Some("www.linkedin.com"));
    assert_eq!(parsed.path(), "/profile/add");
    let params: BTreeMap<String, String> = parsed.query_pairs().into_owned().collect();
    assert_eq!(params["startTask"], "CERTIFICATION_NAME");
    assert_eq!(params["name"], "Rust Programming");
    assert_eq!(params["organizationName"], "Org acme");
    assert_eq!(params["certUrl"], page_url);
    assert_eq!(params["certId"], id);
    let year: i32 = params["issueYear"].parse().expect("a year");
    let month: u8 = params["issueMonth"].parse().expect("a month");
    assert!(year >= 2024 && (1..=12).contains(&month), "{params:?}");
    assert!(!params.contains_key("expirationYear"));

    // The copy buttons are shown by /static/share.js; the field is there without it.
    assert_eq!(
        browser.attr("#share-link", "value").await.as_deref(),
        Some(page_url.as_str())
    );
    let hidden = evaluate(
        &browser,
        "return document.querySelector('button[data-copy=\"share-link\"]').hidden;",
    )
    .await;
    assert_eq!(
        hidden,
        serde_json::Value::Bool(false),
        "the script did not run"
    );

    // The embed preview is styled by its own inline styles.
    browser.click("details.snippet summary").await;
    let radius = evaluate(
        &browser,
        "return getComputedStyle(document.querySelector('#share-embed-preview .brevet-credential')).borderTopLeftRadius;",
    )
    .await;
    assert_eq!(radius, serde_json::Value::String("8px".into()));
    browser.screenshot("credential-share").await;
    browser.close().await;
}

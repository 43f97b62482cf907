//! The earner's flow in a real browser, with real mail: an award through the API is mailed by
//! SMTP to a server on loopback (aiosmtpd); the claim link read from that message opens the
//! wallet in Chromium; the credential is there, verified; hiding it makes its page a 404 for a
//! fresh client and takes away its share actions; the other one's share disclosure opens from
//! the keyboard, its LinkedIn "Add to Profile" link carries every parameter and its link is
//! copied; a collection is made and its page shows only what is not hidden.

use std::collections::BTreeMap;

use brevet_app::mail::Mailer;
use brevet_test_support::{Db, Request, TestServer};
use fantoccini::Locator;
use serde_json::Value;

use crate::harness::Browser;
use crate::smtp::SmtpServer;
use crate::{award, organisation_with_achievement};

/// The first `{base_url}/wallet/link/…` URL in `text`.
fn claim_link(text: &str, base_url: &str) -> String {
    let prefix = format!("{base_url}/wallet/link/");
    let start = text.find(&prefix).expect("a claim link in the mail");
    text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect()
}

/// The wallet item id of the credential with public id `public_id` on the wallet page.
async fn item_id(browser: &Browser, public_id: &str) -> String {
    let item = browser
        .client()
        .execute(
            "return document.querySelector('a.credential-link[href=\"/c/' + arguments[0] + '\"]').closest('li').id;",
            vec![serde_json::json!(public_id)],
        )
        .await
        .expect("the item of the credential");
    item.as_str()
        .and_then(|id| id.strip_prefix("item-"))
        .expect("an item id")
        .to_owned()
}

/// `script`'s result in the current page.
async fn evaluate(browser: &Browser, script: &str, arguments: Vec<Value>) -> Value {
    browser
        .client()
        .execute(script, arguments)
        .await
        .unwrap_or_else(|error| panic!("{script}: {error}"))
}

/// On the wallet page: the share disclosure of `item` (credential `public_id`) opens from the
/// keyboard; its LinkedIn "Add to Profile" link carries every parameter; the copy button
/// (shown by Brevet's script, which ran under the page's policy) copies the page's link; the
/// embed preview keeps its inline styles (allowed by hash).
async fn shares_from_the_wallet(
    browser: &Browser,
    server: &TestServer,
    item: &str,
    public_id: &str,
) {
    let disclosure = format!("#share-{item}");
    let linkedin = format!("#share-linkedin-profile-{item}");
    assert!(
        !browser
            .element(&linkedin)
            .await
            .is_displayed()
            .await
            .unwrap()
    );
    // Tab order reaches the summary; Enter opens it.
    let summary = browser.element(&format!("{disclosure} > summary")).await;
    let focused = evaluate(
        browser,
        "arguments[0].focus(); return document.activeElement === arguments[0];",
        vec![serde_json::to_value(&summary).unwrap()],
    )
    .await;
    assert_eq!(focused, Value::Bool(true), "the summary takes the focus");
    summary
        .send_keys("\u{E007}")
        .await
        .expect("Enter on the summary");
    assert_eq!(
        browser.attr(&disclosure, "open").await.as_deref(),
        Some("true"),
        "Enter opens the share actions"
    );
    assert!(
        browser
            .element(&linkedin)
            .await
            .is_displayed()
            .await
            .unwrap()
    );
    browser.screenshot("wallet-share").await;

    let page_url = format!("{}/c/{public_id}", server.base_url);
    let link = browser
        .attr(&linkedin, "href")
        .await
        .expect("an Add to profile link");
    let parsed = url::Url::parse(&link).expect("a URL");
    assert_eq!(parsed.host_str(), Some("www.linkedin.com"));
    assert_eq!(parsed.path(), "/profile/add");
    let params: BTreeMap<String, String> = parsed.query_pairs().into_owned().collect();
    let issued = time::OffsetDateTime::from_unix_timestamp(server.app.now_unix()).unwrap();
    let expected: BTreeMap<String, String> = [
        ("startTask", "CERTIFICATION_NAME".to_owned()),
        ("name", "Rust Programming".to_owned()),
        ("organizationName", "Org acme".to_owned()),
        ("issueYear", issued.year().to_string()),
        ("issueMonth", u8::from(issued.month()).to_string()),
        ("certUrl", page_url.clone()),
        ("certId", public_id.to_owned()),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value))
    .collect();
    assert_eq!(params, expected, "every parameter, and nothing else");

    // Copy the link: the button is Brevet's script's, the clipboard then holds the page URL.
    let copy = format!("button[data-copy=\"share-link-{item}\"]");
    assert_eq!(
        browser
            .attr(&format!("#share-link-{item}"), "value")
            .await
            .as_deref(),
        Some(page_url.as_str())
    );
    browser.click(&copy).await;
    let mut label = String::new();
    for _ in 0..40 {
        label = browser.text(&copy).await;
        if label == "Copied" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(label, "Copied", "the copy button did not copy");

    // The embed preview is styled by its own inline styles under the wallet's policy.
    browser
        .click(&format!("{disclosure} details.snippet summary"))
        .await;
    let radius = evaluate(
        browser,
        "return getComputedStyle(document.querySelector('#share-embed-preview-' + arguments[0] + ' .brevet-credential')).borderTopLeftRadius;",
        vec![serde_json::json!(item)],
    )
    .await;
    assert_eq!(radius, Value::String("8px".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earner_claims_by_mail_hides_a_credential_and_shares_a_collection() {
    let test = "an_earner_claims_by_mail_hides_a_credential_and_shares_a_collection";
    let Some(smtp) = SmtpServer::start(test) else {
        return;
    };
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let server = TestServer::start(Db::Sqlite)
        .await
        .expect("a SQLite server");
    server
        .app
        .set_mailer(Mailer::smtp(&smtp.url(), "Brevet <no-reply@example.org>").unwrap());
    let awarding = organisation_with_achievement(&server).await;
    let first = award(&server, &awarding, "Ada Lovelace").await;
    let first_id = first["id"].as_str().unwrap().to_owned();

    // The claim mail, as the SMTP server received it.
    let mail = smtp.message(1).await;
    assert!(mail.raw.contains("To: ada@example.org"), "{}", mail.raw);
    assert!(
        mail.raw.contains("multipart/alternative"),
        "text and HTML: {}",
        mail.raw
    );
    assert!(
        mail.text.contains("Org acme has awarded you"),
        "{}",
        mail.text
    );
    let html = mail.html.expect("an HTML part");
    assert!(html.contains("Rust Programming"));
    let link = claim_link(&mail.text, &server.base_url);
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");

    // A second credential to the same address (its own mail follows).
    let second = award(&server, &awarding, "Ada Lovelace").await;
    let second_id = second["id"].as_str().unwrap().to_owned();
    smtp.message(2).await;

    // Claim: the link opens a page; one click opens the wallet.
    browser.goto(&link).await;
    browser.screenshot("wallet-claim").await;
    browser.submit("#link-submit", "#wallet-items").await;
    browser.screenshot("wallet").await;
    let items = browser
        .client()
        .find_all(Locator::Css("#wallet-items .wallet-item"))
        .await
        .expect("wallet items");
    assert_eq!(items.len(), 2, "both credentials are in the wallet");
    let first_item = browser
        .attr(
            &format!("a.credential-link[href=\"/c/{first_id}\"]"),
            "href",
        )
        .await;
    assert_eq!(
        first_item.as_deref(),
        Some(format!("/c/{first_id}").as_str())
    );
    let hidden_item = item_id(&browser, &second_id).await;
    let shown_item = item_id(&browser, &first_id).await;
    assert_eq!(
        browser.text(&format!("#status-{hidden_item}")).await,
        "Verified"
    );
    let scripts = evaluate(
        &browser,
        "return Array.from(document.scripts).map(function (s) { return s.getAttribute('src'); });",
        Vec::new(),
    )
    .await;
    assert_eq!(
        scripts,
        serde_json::json!(["/static/share.js"]),
        "only Brevet's copy-button script on the page"
    );

    // Hide the second one: a fresh client gets the same 404 as for an unknown id.
    browser
        .submit(&format!("#toggle-{hidden_item}"), "#notice")
        .await;
    assert!(
        browser
            .text(&format!("#visibility-{hidden_item}"))
            .await
            .starts_with("Hidden")
    );
    let fresh = server
        .request(Request::get(&format!("/c/{second_id}")))
        .await;
    let unknown = server
        .request(Request::get(&format!("/c/{}", brevet_app::ids::new_id())))
        .await;
    assert_eq!(fresh.status, 404);
    assert_eq!(fresh.text(), unknown.text());
    // Its share actions are gone (a link to it would lead to a 404), a note says why.
    assert!(
        !browser
            .exists(&format!("#share-linkedin-profile-{hidden_item}"))
            .await
    );
    assert_eq!(
        browser.text(&format!("#share-hidden-{hidden_item}")).await,
        "Show it publicly to share it."
    );
    shares_from_the_wallet(&browser, &server, &shown_item, &first_id).await;
    // Its earner still sees it.
    browser
        .goto(&format!("{}/c/{second_id}", server.base_url))
        .await;
    assert_eq!(browser.text(".verdict-label").await, "Verified");

    // A collection of both; its page shows only the visible one.
    browser.goto(&format!("{}/wallet", server.base_url)).await;
    browser.fill("#collection-name", "My Rust").await;
    browser.click(&format!("#pick-{hidden_item}")).await;
    browser.click(&format!("#pick-{shown_item}")).await;
    browser
        .submit("#collection-create", "#collection-list")
        .await;
    let collection = browser
        .attr("#collection-list a.collection-link", "href")
        .await
        .expect("the collection's address");
    assert!(collection.starts_with(&format!("{}/collections/", server.base_url)));
    browser.goto(&collection).await;
    browser.screenshot("wallet-collection").await;
    assert_eq!(browser.text("#collection-name").await, "My Rust");
    let links = browser
        .client()
        .find_all(Locator::Css("#collection-items a.credential-link"))
        .await
        .expect("links");
    assert_eq!(links.len(), 1, "only the visible credential");
    assert_eq!(
        links[0].attr("href").await.unwrap().as_deref(),
        Some(format!("/c/{first_id}").as_str())
    );
    // Readable on a phone.
    browser.resize(390, 844).await;
    browser.reload().await;
    let (content, viewport) = browser.widths().await;
    assert!(
        content <= viewport,
        "{content} px wide on a {viewport} px screen"
    );
    // Each item leads to its own page, verified.
    browser.click("#collection-items a.credential-link").await;
    assert_eq!(browser.text(".verdict-label").await, "Verified");
    browser.goto(&format!("{}/wallet", server.base_url)).await;
    let (content, viewport) = browser.widths().await;
    assert!(
        content <= viewport,
        "the wallet is {content} px wide on a {viewport} px screen"
    );
    // Open, the share actions fit the phone's screen too.
    browser
        .click(&format!("#share-{shown_item} > summary"))
        .await;
    let (content, viewport) = browser.widths().await;
    assert!(
        content <= viewport,
        "the open share actions are {content} px wide on a {viewport} px screen"
    );
    browser.screenshot("wallet-phone").await;
    browser.close().await;
    drop(smtp);
}

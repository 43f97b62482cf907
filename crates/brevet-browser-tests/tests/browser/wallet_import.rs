//! Importing a credential into the wallet in a real browser: an earner signed in through a
//! claim link (mail kept in memory) pastes another credential's JSON into "Import a
//! credential", sees it verified and kept, then listed in the wallet as imported and verified.

use brevet_app::mail::Mailer;
use brevet_test_support::{Db, Request, TestServer};
use fantoccini::Locator;
use serde_json::json;

use crate::harness::Browser;
use crate::{award, organisation_with_achievement};

/// The first `{base_url}/wallet/link/…` URL in `text`.
fn wallet_link(text: &str, base_url: &str) -> String {
    let prefix = format!("{base_url}/wallet/link/");
    let start = text.find(&prefix).expect("a wallet link in the mail");
    text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earner_imports_a_pasted_credential_and_sees_it_listed() {
    let test = "an_earner_imports_a_pasted_credential_and_sees_it_listed";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let server = TestServer::start(Db::Sqlite)
        .await
        .expect("a SQLite server");
    let mailer = Mailer::memory("Brevet <no-reply@example.org>").unwrap();
    server.app.set_mailer(mailer.clone());
    let awarding = organisation_with_achievement(&server).await;
    award(&server, &awarding, "Ada Lovelace").await;
    // A credential sent to an address the wallet does not hold: the one to import.
    let other = server
        .request(
            Request::post_json(
                "/api/v1/credentials",
                &json!({
                    "achievement_id": awarding.achievement_id,
                    "recipient": {"email": "ada@old-school.example", "name": "Ada Lovelace"}
                }),
            )
            .bearer(&awarding.api_key),
        )
        .await;
    assert_eq!(other.status, 201, "{}", other.text());
    let credential = serde_json::to_string(&other.json()["credential"]).unwrap();

    let mut link = None;
    for _ in 0..400 {
        if let Some(mail) = mailer
            .sent()
            .into_iter()
            .find(|m| m.to == "ada@example.org")
        {
            link = Some(wallet_link(&mail.body, &server.base_url));
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    browser.goto(&link.expect("the claim mail")).await;
    browser.submit("#link-submit", "#wallet-items").await;

    browser.fill("#import-text", &credential).await;
    browser.submit("#import-submit", "#import-outcome").await;
    browser.screenshot("wallet-import-result").await;
    assert_eq!(browser.text("#import-outcome").await, "Imported");
    assert_eq!(browser.text(".verdict-label").await, "Verified");
    assert_eq!(
        browser.text("#import-achievement").await,
        "Rust Programming"
    );

    browser.submit("#back-to-wallet", "#imported-items").await;
    browser.screenshot("wallet-imported").await;
    let items = browser
        .client()
        .find_all(Locator::Css("#imported-items .imported-item"))
        .await
        .expect("imported items");
    assert_eq!(items.len(), 1);
    let id = items[0].attr("id").await.unwrap().expect("an item id");
    let id = id.strip_prefix("item-").expect("an item id");
    assert_eq!(browser.text(&format!("#status-{id}")).await, "Verified");
    assert_eq!(
        browser.text(&format!("#imported-label-{id}")).await,
        "Imported"
    );
    // The only script is Brevet's copy-button script (the share actions of issued credentials).
    let source = browser.source().await;
    assert_eq!(source.matches("<script").count(), 1, "one script");
    assert!(
        source.contains(r#"src="/static/share.js""#),
        "the script is share.js"
    );
    // Imported credentials are not offered for collections.
    assert!(!browser.exists(&format!("#pick-{id}")).await);
    browser.close().await;
}

//! A cookie-keeping test browser, an issuer that awards through the API, the in-memory mailer
//! and the links in its messages.

use std::time::Duration;

use brevet_app::mail::{Mailer, OutgoingMail};
use brevet_app::orgs::OrgCreated;
use brevet_store::achievements::{self, AchievementRecord};
pub(super) use brevet_test_support::browser::{Browser, as_read, hidden_csrf};
use brevet_test_support::{Request, TestServer};
use serde_json::{Value, json};

/// An organisation with an API key and an achievement, ready to award.
pub(super) struct Issuer {
    pub(super) org: OrgCreated,
    pub(super) achievement_id: String,
}

pub(super) async fn issuer(server: &TestServer, slug: &str, achievement_name: &str) -> Issuer {
    let org = server.create_org(slug).await;
    let now = server.app.now_unix();
    let record = AchievementRecord {
        id: brevet_app::ids::new_id(),
        org_id: org.org_id.clone(),
        achievement_type: "Badge".into(),
        name: achievement_name.into(),
        description: "Writes safe, fast Rust.".into(),
        criteria: "Pass the practical exam.".into(),
        image_id: None,
        alignments_json: "[]".into(),
        validity_days: None,
        archived_at: None,
        created_at: now,
        updated_at: now,
    };
    let mut tx = server.app.store().begin().await.unwrap();
    achievements::insert(&mut tx, &record).await.unwrap();
    tx.commit().await.unwrap();
    Issuer {
        org,
        achievement_id: record.id,
    }
}

/// Awards through the API; returns `{id, url, credential}`.
pub(super) async fn award(server: &TestServer, issuer: &Issuer, email: &str) -> Value {
    let response = server
        .request(
            Request::post_json(
                "/api/v1/credentials",
                &json!({
                    "achievement_id": issuer.achievement_id,
                    "recipient": {"email": email, "name": "Ada Lovelace"}
                }),
            )
            .bearer(&issuer.org.api_key),
        )
        .await;
    assert_eq!(response.status, 201, "award: {}", response.text());
    response.json()
}

pub(super) fn memory_mailer(server: &TestServer) -> Mailer {
    let mailer = Mailer::memory("Brevet <no-reply@example.org>").unwrap();
    server.app.set_mailer(mailer.clone());
    mailer
}

/// Waits for the `count`-th message to `to` (mail is sent in the background).
pub(super) async fn mail_to(mailer: &Mailer, to: &str, count: usize) -> OutgoingMail {
    for _ in 0..400 {
        let sent: Vec<_> = mailer.sent().into_iter().filter(|m| m.to == to).collect();
        if sent.len() >= count {
            return sent[count - 1].clone();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no mail number {count} to {to}");
}

/// How many messages went to `to`, after giving background tasks a moment.
pub(super) async fn mails_to(mailer: &Mailer, to: &str) -> usize {
    tokio::time::sleep(Duration::from_millis(300)).await;
    mailer.sent().iter().filter(|m| m.to == to).count()
}

/// The path (`/wallet/link/…`) of the wallet link in a mail's text.
pub(super) fn link_path(mail: &OutgoingMail) -> String {
    let marker = "/wallet/link/";
    let start = mail.body.find(marker).expect("a wallet link") + marker.len();
    let token: String = mail.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    format!("{marker}{token}")
}

/// A browser signed in to the wallet of `email` through the claim link of a new award to it.
pub(super) async fn claimed<'a>(
    server: &'a TestServer,
    issuer: &Issuer,
    mailer: &Mailer,
    email: &str,
) -> (Browser<'a>, Value) {
    let before = mailer.sent().iter().filter(|m| m.to == email).count();
    let awarded = award(server, issuer, email).await;
    let mail = mail_to(mailer, email, before + 1).await;
    let mut browser = Browser::new(server);
    let response = browser.use_link(&link_path(&mail)).await;
    assert_eq!(response.status, 303, "{}", response.text());
    assert_eq!(response.header("location"), Some("/wallet"));
    assert!(browser.cookie("brevet_wallet").is_some());
    (browser, awarded)
}

/// The wallet item id of the credential with public id `public_id`, read from the wallet page.
pub(super) async fn item_of(browser: &mut Browser<'_>, public_id: &str) -> String {
    let html = browser.get("/wallet").await.text();
    let link = format!("href=\"/c/{public_id}\"");
    let at = html.find(&link).expect("the credential in the wallet");
    let marker = "id=\"item-";
    let start = html[..at].rfind(marker).expect("its list item") + marker.len();
    let end = html[start..].find('"').unwrap();
    html[start..start + end].to_owned()
}

/// Rows of the earners' tables.
pub(super) async fn earner_rows(server: &TestServer) -> i64 {
    let mut conn = server.app.store().read().await.unwrap();
    let mut rows = 0;
    for table in [
        "earners",
        "earner_emails",
        "earner_sessions",
        "wallet_items",
        "wallet_collections",
        "wallet_collection_items",
    ] {
        rows += brevet_store::backup::count_rows(&mut conn, table)
            .await
            .unwrap();
    }
    rows
}

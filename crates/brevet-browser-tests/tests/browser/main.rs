//! Brevet in a real browser: headless Chromium, driven through WebDriver, against a test server
//! (SQLite). The public credential page shows a verified credential and its recipient, then
//! "Revoked" with the reason once the issuer revokes it; the verify page reports every check of
//! a pasted or uploaded credential, and "Invalid" for a tampered one; an earner claims a
//! credential from a mail received by a real SMTP server on loopback, hides it and shares a
//! collection (`wallet`), and imports a pasted credential (`wallet_import`); the share actions
//! work (`share`).
//!
//! To add a flow: start a [`TestServer`] and a [`Browser`], set up data through the API or the
//! store, then drive the pages with the harness's `goto`, `fill`, `click`, `submit`, `text` and
//! `login`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;
mod share;
mod smtp;
mod wallet;
mod wallet_import;

use std::time::Instant;

use brevet_store::achievements::AchievementRecord;
use brevet_test_support::{Db, Request, TestServer};
use harness::Browser;
use serde_json::{Value, json};

/// The checks of a report, in order, as the page names their rows (`#check-{name}`).
const CHECKS: [&str; 6] = [
    "syntax",
    "context",
    "proof",
    "issuer-key",
    "validity",
    "status",
];

/// An organisation with an achievement, ready to award.
struct Awarding {
    api_key: String,
    achievement_id: String,
}

async fn organisation_with_achievement(server: &TestServer) -> Awarding {
    let created = server.create_org("acme").await;
    let now = server.app.now_unix();
    let achievement = AchievementRecord {
        id: brevet_app::ids::new_id(),
        org_id: created.org_id.clone(),
        achievement_type: "Badge".into(),
        name: "Rust Programming".into(),
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
    brevet_store::achievements::insert(&mut tx, &achievement)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    Awarding {
        api_key: created.api_key,
        achievement_id: achievement.id,
    }
}

/// Awards through the API; returns `{id, url, credential}`.
async fn award(server: &TestServer, awarding: &Awarding, name: &str) -> Value {
    let response = server
        .request(
            Request::post_json(
                "/api/v1/credentials",
                &json!({
                    "achievement_id": awarding.achievement_id,
                    "recipient": {"email": "ada@example.org", "name": name}
                }),
            )
            .bearer(&awarding.api_key),
        )
        .await;
    assert_eq!(response.status, 201, "award: {}", response.text());
    response.json()
}

async fn assert_every_check(browser: &Browser, outcome: &str) {
    for check in CHECKS {
        assert_eq!(
            browser.text(&format!("#check-{check} .outcome")).await,
            outcome,
            "{check}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_page_shows_verified_then_revoked() {
    let Some(browser) = Browser::start("the_public_page_shows_verified_then_revoked").await else {
        return;
    };
    let started = Instant::now();
    let server = TestServer::start(Db::Sqlite)
        .await
        .expect("a SQLite server");
    let awarding = organisation_with_achievement(&server).await;
    let awarded = award(&server, &awarding, "Ada Lovelace").await;
    let id = awarded["id"].as_str().unwrap();

    browser.goto(&format!("{}/c/{id}", server.base_url)).await;
    assert_eq!(browser.text(".verdict-label").await, "Verified");
    assert_eq!(browser.text("#recipient-name").await, "Ada Lovelace");
    assert_eq!(browser.text("h1").await, "Rust Programming");
    assert_every_check(&browser, "Passed").await;
    browser.screenshot("credential-verified").await;
    assert!(browser.exists("figure.qr svg").await, "a QR code");
    assert_eq!(
        browser.attr("a[download]", "href").await.as_deref(),
        Some(format!("/c/{id}/credential.json").as_str())
    );
    assert!(!browser.source().await.contains("ada@example.org"));
    // Readable on a phone: nothing wider than a 390-pixel screen.
    browser.resize(390, 844).await;
    browser.reload().await;
    let (content, viewport) = browser.widths().await;
    assert!(viewport <= 400.0, "the window became {viewport} px wide");
    assert!(
        content <= viewport,
        "the page is {content} px wide on a {viewport} px screen"
    );
    assert_eq!(browser.text(".verdict-label").await, "Verified");
    browser.screenshot("credential-phone").await;
    browser.resize(1280, 900).await;

    let revoked = server
        .request(
            Request::post_json(
                &format!("/api/v1/credentials/{id}/revoke"),
                &json!({"reason": "Awarded by mistake"}),
            )
            .bearer(&awarding.api_key),
        )
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    browser.reload().await;
    assert_eq!(browser.text(".verdict-label").await, "Revoked");
    assert!(
        browser
            .text(".verdict-reason")
            .await
            .contains("Awarded by mistake")
    );
    assert_eq!(browser.text("#check-status .outcome").await, "Failed");
    assert_eq!(browser.text("#check-proof .outcome").await, "Passed");
    browser.screenshot("credential-revoked").await;
    eprintln!("public page flow: {:?}", started.elapsed());
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_verify_page_reports_every_check() {
    let Some(browser) = Browser::start("the_verify_page_reports_every_check").await else {
        return;
    };
    let started = Instant::now();
    let server = TestServer::start(Db::Sqlite)
        .await
        .expect("a SQLite server");
    let awarding = organisation_with_achievement(&server).await;
    let awarded = award(&server, &awarding, "Ada Lovelace").await;
    let credential = awarded["credential"].to_string();

    // Pasted.
    browser.goto(&format!("{}/verify", server.base_url)).await;
    browser.screenshot("verify-form").await;
    browser.fill("#credential-json", &credential).await;
    browser.submit("#verify-button", ".verdict-label").await;
    assert_eq!(browser.text(".verdict-label").await, "Verified");
    assert_every_check(&browser, "Passed").await;
    assert_eq!(browser.text("#summary-recipient").await, "Ada Lovelace");

    // Tampered: the achievement renamed after signing.
    let mut tampered = awarded["credential"].clone();
    tampered["credentialSubject"]["achievement"]["name"] = json!("Brain Surgery");
    browser.goto(&format!("{}/verify", server.base_url)).await;
    browser
        .fill("#credential-json", &tampered.to_string())
        .await;
    browser.submit("#verify-button", ".verdict-label").await;
    assert_eq!(browser.text(".verdict-label").await, "Invalid");
    assert_eq!(browser.text("#check-proof .outcome").await, "Failed");
    browser.screenshot("verify-tampered").await;
    for check in CHECKS {
        assert!(browser.exists(&format!("#check-{check}")).await, "{check}");
    }

    // Uploaded as a file.
    let file =
        std::env::temp_dir().join(format!("brevet-upload-{}.json", brevet_app::ids::new_id()));
    std::fs::write(
        &file,
        serde_json::to_string_pretty(&awarded["credential"]).unwrap(),
    )
    .unwrap();
    browser.goto(&format!("{}/verify", server.base_url)).await;
    browser.choose_file("#credential-file", &file).await;
    browser.submit("#verify-button", ".verdict-label").await;
    let _ = std::fs::remove_file(&file);
    assert_eq!(browser.text(".verdict-label").await, "Verified");
    assert_every_check(&browser, "Passed").await;
    eprintln!("verify page flow: {:?}", started.elapsed());
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issuer_signs_in_designs_awards_and_revokes_in_the_dashboard() {
    let Some(browser) =
        Browser::start("an_issuer_signs_in_designs_awards_and_revokes_in_the_dashboard").await
    else {
        return;
    };
    let server = TestServer::start(Db::Sqlite)
        .await
        .expect("a SQLite server");
    server
        .app
        .create_org_with_password(
            "Acme College",
            "acme",
            "owner@acme.example",
            "a long enough password",
            brevet_app::orgs::DidMethod::Web,
        )
        .await
        .unwrap();

    // Sign in.
    browser
        .login(
            &server.base_url,
            "owner@acme.example",
            "a long enough password",
        )
        .await;

    // Design an achievement.
    browser
        .goto(&format!("{}/dashboard/achievements/new", server.base_url))
        .await;
    assert!(
        browser.exists("#achievement-form").await,
        "no achievement form: {}",
        browser.text("main").await
    );
    browser.fill("#name", "Safe Welding").await;
    browser
        .fill("#description", "Welds steel safely to the shop standard.")
        .await;
    browser
        .fill("#criteria", "Pass the practical assessment.")
        .await;
    browser.submit("#achievement-save", "main").await;
    assert!(
        browser.source().await.contains("Safe Welding"),
        "the new achievement is listed"
    );

    // Award it through the form.
    browser
        .goto(&format!("{}/dashboard/award", server.base_url))
        .await;
    browser.fill("#recipient_email", "grace@example.org").await;
    browser.fill("#recipient_name", "Grace Hopper").await;
    browser.submit("#award-submit", "#public-page-link").await;
    let page = browser
        .attr("#public-page-link", "href")
        .await
        .expect("a link to the public page");

    // Its public page shows it verified.
    browser.goto(&page).await;
    assert_eq!(browser.text(".verdict-label").await, "Verified");
    assert_eq!(browser.text("#recipient-name").await, "Grace Hopper");
    assert_eq!(browser.text("h1").await, "Safe Welding");
    assert_every_check(&browser, "Passed").await;

    // Revoke it from the dashboard; the public page shows it at once.
    browser.back_to_dashboard_credential(&page).await;
    browser.fill("#revoke-reason", "Assessment was void").await;
    browser.submit("#revoke-submit", "main").await;
    browser.goto(&page).await;
    assert_eq!(browser.text(".verdict-label").await, "Revoked");
    assert!(
        browser
            .text(".verdict-reason")
            .await
            .contains("Assessment was void")
    );
    browser.close().await;
}

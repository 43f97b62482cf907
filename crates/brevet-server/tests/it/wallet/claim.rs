//! Receiving: the award mail (text and HTML, organisation name and logo, achievement, claim
//! link), the claim link (works once, expires after 7 days, a GET uses nothing up), a mail
//! server that fails does not fail the award, the sign-in link form answers the same for every
//! address (PRIV-01), and adding an address takes its link in the same wallet.

use std::time::{Duration, Instant};

use brevet_app::earners::CLAIM_TTL_SECS;
use brevet_app::mail::Mailer;
use brevet_store::images::{self, ImageRecord};
use brevet_test_support::{Db, TestServer};

use super::helpers::{
    Browser, award, claimed, hidden_csrf, issuer, link_path, mail_to, mails_to, memory_mailer,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_award_mails_a_claim_link_that_works_once_and_expires() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let issuer = issuer(&server, "acme", "Rust Programming").await;
        // The organisation has a logo.
        let logo = brevet_app::ids::new_id();
        let mut tx = server.app.store().begin().await.unwrap();
        images::insert(
            &mut tx,
            &ImageRecord {
                id: logo.clone(),
                org_id: issuer.org.org_id.clone(),
                content_type: "image/png".into(),
                bytes: vec![0x89, b'P', b'N', b'G'],
                created_at: 0,
            },
        )
        .await
        .unwrap();
        brevet_store::orgs::set_logo(&mut tx, &issuer.org.org_id, Some(&logo))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let awarded = award(&server, &issuer, "Ada@Example.org").await;
        let public_id = awarded["id"].as_str().unwrap();
        let mail = mail_to(&mailer, "ada@example.org", 1).await;
        assert_eq!(
            mail.subject,
            "Org acme awarded you \u{201c}Rust Programming\u{201d}"
        );
        let link = link_path(&mail);
        let claim_url = format!("{}{link}", server.base_url);
        assert!(mail.body.contains(&claim_url), "{db:?}: {}", mail.body);
        assert!(mail.body.contains("Org acme"));
        let html = mail.html.as_deref().expect("an HTML part");
        for expected in [
            format!("href=\"{claim_url}\""),
            format!("src=\"{}/images/{logo}\"", server.base_url),
            "alt=\"Org acme logo\"".to_owned(),
            "Rust Programming".to_owned(),
            format!("{}/c/{public_id}", server.base_url),
        ] {
            assert!(
                html.contains(&expected),
                "{db:?}: no {expected:?} in {html}"
            );
        }

        // Opening the link uses nothing up (mail scanners fetch links).
        let mut browser = Browser::new(&server);
        for _ in 0..2 {
            let page = browser.get(&link).await;
            assert_eq!(page.status, 200, "{db:?}: {}", page.text());
            assert_eq!(page.header("cache-control"), Some("no-store"));
            assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
            assert!(page.text().contains("id=\"link-submit\""));
        }
        // Without the form token, nothing happens.
        let before = server.snapshot().await;
        let refused = browser.post_form(&link, &[("csrf", "forged")]).await;
        assert_eq!(refused.status, 403, "{db:?}");
        assert_eq!(
            server.snapshot().await,
            before,
            "{db:?}: a refusal changes nothing"
        );

        let token = hidden_csrf(&browser.get(&link).await.text());
        let signed_in = browser.post_form(&link, &[("csrf", &token)]).await;
        assert_eq!(signed_in.status, 303, "{db:?}: {}", signed_in.text());
        assert_eq!(signed_in.header("location"), Some("/wallet"));
        let cookie = signed_in
            .headers
            .iter()
            .find(|(name, value)| name == "set-cookie" && value.starts_with("brevet_wallet="))
            .map(|(_, value)| value.clone())
            .expect("a wallet cookie");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let wallet = browser.get("/wallet").await;
        assert_eq!(wallet.status, 200, "{db:?}");
        assert_eq!(wallet.header("cache-control"), Some("no-store"));
        let page = wallet.text();
        assert!(page.contains("Rust Programming"), "{db:?}");
        assert!(page.contains(&format!("href=\"/c/{public_id}\"")), "{db:?}");
        assert!(page.contains(">Verified</span>"), "{db:?}: {page}");
        assert!(
            page.contains("ada@example.org"),
            "{db:?}: the proven address"
        );

        // A second use is refused, as is the page.
        let mut other = Browser::new(&server);
        assert_eq!(other.get(&link).await.status, 422, "{db:?}");
        let again = browser.post_form(&link, &[("csrf", &token)]).await;
        assert_eq!(again.status, 422, "{db:?}");
        assert!(
            again
                .text()
                .contains("invalid, was already used or has expired")
        );

        // A claim link works until its 7 days are over, and not after.
        award(&server, &issuer, "ada@example.org").await;
        let almost = link_path(&mail_to(&mailer, "ada@example.org", 2).await);
        award(&server, &issuer, "ada@example.org").await;
        let late = link_path(&mail_to(&mailer, "ada@example.org", 3).await);
        server
            .clock
            .advance(time::Duration::seconds(CLAIM_TTL_SECS - 60));
        let mut fresh = Browser::new(&server);
        assert_eq!(fresh.use_link(&almost).await.status, 303, "{db:?}");
        server.clock.advance(time::Duration::seconds(61));
        let mut expired = Browser::new(&server);
        assert_eq!(expired.get(&late).await.status, 422, "{db:?}");
        let token = hidden_csrf(&expired.get("/wallet/signin").await.text());
        assert_eq!(
            expired.post_form(&late, &[("csrf", &token)]).await.status,
            422,
            "{db:?}"
        );
        assert!(expired.cookie("brevet_wallet").is_none());
        // Every credential sent to the address is in the one wallet.
        let html = fresh.get("/wallet").await.text();
        assert_eq!(html.matches("class=\"wallet-item\"").count(), 3, "{db:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_mail_server_does_not_fail_or_slow_the_award() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        // Nothing listens on a port that was just free.
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        server.app.set_mailer(
            Mailer::smtp(
                &format!("smtp://127.0.0.1:{port}"),
                "Brevet <no-reply@example.org>",
            )
            .unwrap(),
        );
        let issuer = issuer(&server, "acme", "Rust Programming").await;
        let started = Instant::now();
        let awarded = award(&server, &issuer, "ada@example.org").await;
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{db:?}: the award waited {:?}",
            started.elapsed()
        );
        let id = awarded["id"].as_str().unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let page = server
            .request(brevet_test_support::Request::get(&format!("/c/{id}")))
            .await;
        assert_eq!(page.status, 200, "{db:?}: the award stands");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_link_form_answers_the_same_for_every_address() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let issuer = issuer(&server, "acme", "Rust Programming").await;
        // One address has a wallet, one was only sent a credential, one is unknown.
        drop(claimed(&server, &issuer, &mailer, "ada@example.org").await);
        award(&server, &issuer, "grace@example.org").await;
        mail_to(&mailer, "grace@example.org", 1).await;

        let mut browser = Browser::new(&server);
        let token = hidden_csrf(&browser.get("/wallet/signin").await.text());
        let mut answers = Vec::new();
        for email in ["ada@example.org", "grace@example.org", "nobody@example.org"] {
            let started = Instant::now();
            let response = browser
                .post_form("/wallet/signin", &[("csrf", &token), ("email", email)])
                .await;
            answers.push((response.status, response.text(), started.elapsed()));
        }
        assert_eq!(answers[0].0, 200, "{db:?}: {}", answers[0].1);
        for (status, body, elapsed) in &answers[1..] {
            assert_eq!(*status, answers[0].0, "{db:?}");
            assert_eq!(
                body, &answers[0].1,
                "{db:?}: the same page for every address"
            );
            assert!(*elapsed < Duration::from_secs(2), "{db:?}: {elapsed:?}");
        }
        assert!(answers[0].1.contains("If this address has a Brevet wallet"));
        // Links went to the wallet's and the recipient's addresses, nothing to the unknown one.
        let to_ada = mail_to(&mailer, "ada@example.org", 2).await;
        assert_eq!(to_ada.subject, "Your Brevet wallet sign-in link");
        mail_to(&mailer, "grace@example.org", 2).await;
        assert_eq!(mails_to(&mailer, "nobody@example.org").await, 0, "{db:?}");
        // A malformed address is the only other answer.
        let malformed = browser
            .post_form(
                "/wallet/signin",
                &[("csrf", &token), ("email", "not an address")],
            )
            .await;
        assert_eq!(malformed.status, 422, "{db:?}");
        // Without the form token nothing is sent.
        let forged = browser
            .post_form(
                "/wallet/signin",
                &[("csrf", "forged"), ("email", "ada@example.org")],
            )
            .await;
        assert_eq!(forged.status, 403, "{db:?}");

        // The sign-in link opens the wallet, once.
        let link = link_path(&to_ada);
        let mut phone = Browser::new(&server);
        assert_eq!(phone.use_link(&link).await.status, 303, "{db:?}");
        assert!(
            phone
                .get("/wallet")
                .await
                .text()
                .contains("Rust Programming")
        );
        assert_eq!(Browser::new(&server).get(&link).await.status, 422, "{db:?}");
        // A sign-in link lasts an hour.
        let mut grace = Browser::new(&server);
        let grace_link = link_path(&mail_to(&mailer, "grace@example.org", 2).await);
        server.clock.advance(time::Duration::seconds(3601));
        assert_eq!(grace.get(&grace_link).await.status, 422, "{db:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_added_address_joins_the_wallet_only_through_its_link_in_that_wallet() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let issuer = issuer(&server, "acme", "Rust Programming").await;
        let (mut ada, _) = claimed(&server, &issuer, &mailer, "ada@example.org").await;
        let (mut grace, _) = claimed(&server, &issuer, &mailer, "grace@example.org").await;
        let sent_to_work = award(&server, &issuer, "ada@work.example").await;
        mail_to(&mailer, "ada@work.example", 1).await;
        let work_id = sent_to_work["id"].as_str().unwrap();
        assert!(!ada.get("/wallet").await.text().contains(work_id));

        let csrf = ada.wallet_csrf().await;
        let asked = ada
            .post_form(
                "/wallet/emails",
                &[("csrf", &csrf), ("email", "ada@work.example")],
            )
            .await;
        assert_eq!(asked.status, 303, "{db:?}: {}", asked.text());
        assert_eq!(
            asked.header("location"),
            Some("/wallet?done=email-sent#addresses")
        );
        let mail = mail_to(&mailer, "ada@work.example", 2).await;
        let link = link_path(&mail);
        // Not signed in: nothing to add it to. Signed in to another wallet: not its link.
        assert_eq!(Browser::new(&server).get(&link).await.status, 401, "{db:?}");
        let grace_csrf = grace.wallet_csrf().await;
        let wrong = grace.post_form(&link, &[("csrf", &grace_csrf)]).await;
        assert_eq!(wrong.status, 422, "{db:?}");
        assert!(!grace.get("/wallet").await.text().contains(work_id));
        // In the wallet that asked, it works.
        let added = ada.use_link(&link).await;
        assert_eq!(added.status, 303, "{db:?}: {}", added.text());
        assert_eq!(added.header("location"), Some("/wallet?done=email-added"));
        let html = ada.get("/wallet").await.text();
        assert!(html.contains(&format!("href=\"/c/{work_id}\"")), "{db:?}");
        assert!(html.contains("ada@work.example"), "{db:?}");
        assert_eq!(html.matches("class=\"wallet-item\"").count(), 2, "{db:?}");
        // The same answer for an address of another wallet; its link is then refused.
        let csrf = ada.wallet_csrf().await;
        let asked = ada
            .post_form(
                "/wallet/emails",
                &[("csrf", &csrf), ("email", "grace@example.org")],
            )
            .await;
        assert_eq!(
            asked.header("location"),
            Some("/wallet?done=email-sent#addresses"),
            "{db:?}"
        );
        let link = link_path(&mail_to(&mailer, "grace@example.org", 2).await);
        let refused = ada.use_link(&link).await;
        assert_eq!(refused.status, 409, "{db:?}");
        assert!(refused.text().contains("belongs to another Brevet wallet"));
        assert!(
            !ada.get("/wallet")
                .await
                .text()
                .contains("grace@example.org")
        );
        assert!(
            grace
                .get("/wallet")
                .await
                .text()
                .contains("grace@example.org")
        );
    }
}

//! Hosted Open Badges 2.0 assertions served by a local issuer: valid (by URL, pasted, baked,
//! through the API and the page), revoked (the assertion's flag and the issuer's list),
//! expired, a pasted copy that differs from the hosted one, an assertion hosted outside the
//! issuer's origin, a missing assertion, and recipient matching.

use brevet_app::import::{Carrier, CredentialFormat, ImportInput};
use brevet_core::verify::{CheckName, Outcome};
use brevet_test_support::{Db, Request};
use serde_json::json;

use super::fixtures::{DocServer, EMAIL, Ob2World, detail, ob2_png, ob2_svg, outcome};
use crate::pages::verdict;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hosted_assertion_verifies_by_url_pasted_and_baked() {
    let Some(world) = Ob2World::start(Db::Sqlite).await else {
        return;
    };
    let assertion = world.hosted_assertion("/assertions/1.json");
    world.issuer.put("/assertions/1.json", &assertion);
    let url = world.issuer.url("/assertions/1.json");

    let by_url = world.recognise(ImportInput::Url(url.clone())).await;
    assert!(by_url.report.verified, "{:?}", by_url.report);
    assert_eq!(by_url.format, CredentialFormat::OpenBadges2Hosted);
    assert_eq!(by_url.format.label(), "Open Badges 2.0 (hosted)");
    assert_eq!(by_url.carrier, Carrier::Url);
    assert!(detail(&by_url, CheckName::Syntax).starts_with("Open Badges 2.0 (hosted) assertion"));
    assert_eq!(
        by_url.payload,
        world.issuer.text("/assertions/1.json").into_bytes()
    );
    assert_eq!(
        by_url.display.achievement_name.as_deref(),
        Some("Rust Basics")
    );
    assert_eq!(
        by_url.display.issuer_name.as_deref(),
        Some("Loopback Academy")
    );
    assert_eq!(
        by_url.display.issuer_image.as_deref(),
        Some("https://academy.example/logo.png")
    );
    assert_eq!(
        by_url.display.recipient.as_deref(),
        Some("an email address (hashed)")
    );
    assert_eq!(
        by_url.display.issued.as_deref(),
        Some("2026-03-01T09:00:00+00:00")
    );
    assert_eq!(by_url.display.expires, None);
    assert!(by_url.recipient_matches_email(EMAIL));
    assert!(!by_url.recipient_matches_email("eve@example.org"));
    assert!(by_url.dedupe_key.starts_with("sha256:"));

    // Pasted (compact, other key order): the same credential, the same dedupe key.
    let pasted = serde_json::to_vec(&assertion).unwrap();
    let recognised = world.recognise(ImportInput::Bytes(pasted.clone())).await;
    assert!(recognised.report.verified, "{:?}", recognised.report);
    assert_eq!(recognised.carrier, Carrier::Text);
    assert_eq!(recognised.payload, pasted);
    assert_eq!(recognised.dedupe_key, by_url.dedupe_key);

    // Baked: an Open Badges 2.0 PNG and SVG carrying the URL.
    for image in [ob2_png(&url), ob2_svg(&url)] {
        let recognised = world.recognise(ImportInput::Bytes(image)).await;
        assert!(recognised.report.verified, "{:?}", recognised.report);
        assert_eq!(recognised.format, CredentialFormat::OpenBadges2Hosted);
        assert_eq!(recognised.dedupe_key, by_url.dedupe_key);
    }

    // The API: {"url": …} and the pasted JSON, with the format named.
    for request in [
        Request::post_json("/api/v1/verify", &json!({"url": url})),
        Request::post_json("/api/v1/verify", &assertion),
        Request::method("POST", "/api/v1/verify").body("image/png", ob2_png(&url)),
    ] {
        let response = world.server.request(request).await;
        assert_eq!(response.status, 200, "{}", response.text());
        let report = response.json();
        assert_eq!(report["verified"], true, "{report}");
        assert_eq!(report["format"], "Open Badges 2.0 (hosted)");
    }

    // The page: the URL field.
    let response = world
        .server
        .request(Request::method("POST", "/verify").body(
            "application/x-www-form-urlencoded",
            format!(
                "credential=&url={}",
                url.replace(':', "%3A").replace('/', "%2F")
            ),
        ))
        .await;
    assert_eq!(response.status, 200);
    let html = response.text();
    assert_eq!(verdict(&html), "Verified", "{html}");
    assert!(
        html.contains("Format: Open Badges 2.0 (hosted), fetched from its URL"),
        "{html}"
    );
    assert!(html.contains("id=\"summary-achievement\">Rust Basics<"));
    assert!(html.contains("id=\"summary-issuer\">Loopback Academy<"));
    assert!(!html.contains(EMAIL));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_expired_altered_or_missing_assertions_do_not_verify() {
    let Some(world) = Ob2World::start(Db::Sqlite).await else {
        return;
    };
    // Revoked by the assertion's own flag.
    let mut revoked = world.hosted_assertion("/assertions/revoked.json");
    revoked["revoked"] = json!(true);
    revoked["revocationReason"] = json!("Awarded in error");
    world.issuer.put("/assertions/revoked.json", &revoked);
    let recognised = world
        .recognise(ImportInput::Url(
            world.issuer.url("/assertions/revoked.json"),
        ))
        .await;
    assert!(!recognised.report.verified);
    assert_eq!(outcome(&recognised, CheckName::Status), Outcome::Failed);
    assert!(detail(&recognised, CheckName::Status).contains("Awarded in error"));

    // A baked copy from before the revocation: the hosted copy is authoritative.
    let mut earlier = revoked.clone();
    earlier.as_object_mut().unwrap().remove("revoked");
    earlier.as_object_mut().unwrap().remove("revocationReason");
    let recognised = world
        .recognise(ImportInput::Bytes(earlier.to_string().into_bytes()))
        .await;
    assert_eq!(outcome(&recognised, CheckName::Proof), Outcome::Passed);
    assert_eq!(outcome(&recognised, CheckName::Status), Outcome::Failed);

    // Revoked in the issuer's revocation list.
    let listed = world.hosted_assertion("/assertions/listed.json");
    world.issuer.put("/assertions/listed.json", &listed);
    world.publish_revocation_list(&[
        json!("https://elsewhere.example/a"),
        json!({"id": listed["id"], "revocationReason": "Withdrawn by the academy"}),
    ]);
    let recognised = world
        .recognise(ImportInput::Url(
            world.issuer.url("/assertions/listed.json"),
        ))
        .await;
    assert_eq!(outcome(&recognised, CheckName::Status), Outcome::Failed);
    assert!(detail(&recognised, CheckName::Status).contains("Withdrawn by the academy"));
    world.publish_revocation_list(&[]);

    // Expired (the test clock is 2026-09-21).
    let mut expired = world.hosted_assertion("/assertions/expired.json");
    expired["expires"] = json!("2026-06-30T00:00:00Z");
    world.issuer.put("/assertions/expired.json", &expired);
    let recognised = world
        .recognise(ImportInput::Url(
            world.issuer.url("/assertions/expired.json"),
        ))
        .await;
    assert_eq!(outcome(&recognised, CheckName::Validity), Outcome::Failed);
    assert!(detail(&recognised, CheckName::Validity).starts_with("expired"));
    assert_eq!(outcome(&recognised, CheckName::Proof), Outcome::Passed);
    assert_eq!(
        recognised.display.expires.as_deref(),
        Some("2026-06-30T00:00:00Z")
    );

    // A pasted copy that differs from the hosted one (another recipient).
    let hosted = world.hosted_assertion("/assertions/2.json");
    world.issuer.put("/assertions/2.json", &hosted);
    let mut altered = hosted.clone();
    altered["recipient"]["identity"] = json!(brevet_core::ob2::recipient::sha256_identity(
        "eve@example.org",
        "x"
    ));
    altered["recipient"]["salt"] = json!("x");
    let recognised = world
        .recognise(ImportInput::Bytes(altered.to_string().into_bytes()))
        .await;
    assert!(!recognised.report.verified);
    assert_eq!(outcome(&recognised, CheckName::Proof), Outcome::Failed);
    assert!(
        detail(&recognised, CheckName::Proof).contains("differs from the one given (recipient)")
    );

    // Gone from the issuer.
    let gone = world.hosted_assertion("/assertions/gone.json");
    let recognised = world
        .recognise(ImportInput::Bytes(gone.to_string().into_bytes()))
        .await;
    assert!(!recognised.report.verified);
    assert_eq!(outcome(&recognised, CheckName::Proof), Outcome::Failed);
    assert!(detail(&recognised, CheckName::Proof).contains("404"));
    let response = world
        .server
        .request(Request::post_json(
            "/api/v1/verify",
            &json!({"url": world.issuer.url("/assertions/gone.json")}),
        ))
        .await;
    assert_eq!(response.status, 422, "{}", response.text());
    assert_eq!(response.json()["code"], "URL_UNREADABLE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assertion_hosted_outside_the_issuers_origin_is_refused() {
    let Some(world) = Ob2World::start(Db::Sqlite).await else {
        return;
    };
    // Another origin (another port) hosts an assertion naming the academy's badge.
    let elsewhere = DocServer::start().await;
    let mut assertion = world.hosted_assertion("/x");
    assertion["id"] = json!(elsewhere.url("/assertions/1.json"));
    elsewhere.put("/assertions/1.json", &assertion);
    let recognised = world
        .recognise(ImportInput::Url(elsewhere.url("/assertions/1.json")))
        .await;
    assert!(!recognised.report.verified);
    assert_eq!(outcome(&recognised, CheckName::IssuerKey), Outcome::Failed);
    let reason = detail(&recognised, CheckName::IssuerKey);
    assert!(reason.contains("not the issuer's own origin"), "{reason}");
    assert_eq!(
        outcome(&recognised, CheckName::Status),
        Outcome::CouldNotCheck
    );

    // Unless the issuer's verification policy allows that origin.
    let other_origin = elsewhere.base.trim_start_matches("http://").to_owned();
    world.publish_issuer(json!({"verification": {"type": "VerificationObject",
        "allowedOrigins": [other_origin]}}));
    let recognised = world
        .recognise(ImportInput::Url(elsewhere.url("/assertions/1.json")))
        .await;
    assert!(recognised.report.verified, "{:?}", recognised.report);
    // ... and a startsWith rule narrows it.
    world.publish_issuer(json!({"verification": {"type": "VerificationObject",
        "allowedOrigins": [other_origin], "startsWith": [elsewhere.url("/badges/")]}}));
    let recognised = world
        .recognise(ImportInput::Url(elsewhere.url("/assertions/1.json")))
        .await;
    assert_eq!(outcome(&recognised, CheckName::IssuerKey), Outcome::Failed);
    assert!(detail(&recognised, CheckName::IssuerKey).contains("does not start with"));

    // Without the test-only permission, loopback is never fetched.
    let Some(strict) = brevet_test_support::TestServer::start(Db::Sqlite).await else {
        return;
    };
    let error = strict
        .app
        .recognise_and_verify(ImportInput::Url(world.issuer.url("/issuer.json")))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("only https://"), "{error}");
}

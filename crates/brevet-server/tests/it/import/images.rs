//! Baked images: a Brevet credential baked into a PNG and an SVG verifies when uploaded to the
//! API and the verify page (both backends); the 1EdTech baked fixtures and JWT run through
//! `recognise_and_verify`; unbakeable or credential-less images are refused plainly; every input
//! is size-capped.

use std::path::PathBuf;

use brevet_app::AppError;
use brevet_app::import::{Carrier, CredentialFormat, ImportInput, MAX_IMAGE_BYTES, MAX_TEXT_BYTES};
use brevet_core::baking::BadgeVersion;
use brevet_core::verify::{CheckName, Outcome};
use brevet_test_support::{Db, Request, TestServer};

use super::fixtures::{detail, outcome, tiny_png};
use crate::pages::{award_simple, issuer, verdict};

const BOUNDARY: &str = "----brevet-import-boundary-Qx7";

fn upload(file: &[u8], content_type: &str) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"credential\"\r\n\r\n\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"badge\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><circle r=\"4\" cx=\"5\" cy=\"5\"/></svg>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_baked_brevet_credential_verifies_from_png_and_svg() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let awarded = award_simple(&server, &issuer).await;
        let json = awarded["credential"].to_string();
        let png = brevet_core::baking::bake(&tiny_png(), &json).unwrap();
        let svg = brevet_core::baking::bake(SVG.as_bytes(), &json).unwrap();
        for (image, media, carrier, words) in [
            (
                &png,
                "image/png",
                Carrier::Png(BadgeVersion::OpenBadges3),
                "baked in a PNG image",
            ),
            (
                &svg,
                "image/svg+xml",
                Carrier::Svg(BadgeVersion::OpenBadges3),
                "baked in an SVG image",
            ),
        ] {
            let response = server
                .request(Request::method("POST", "/api/v1/verify").body(media, image.clone()))
                .await;
            assert_eq!(response.status, 200, "{db:?}: {}", response.text());
            let report = response.json();
            assert_eq!(report["verified"], true, "{db:?}: {report}");
            assert_eq!(report["format"], "VC 2.0 (Data Integrity)");

            let recognised = server
                .app
                .recognise_and_verify(ImportInput::Bytes(image.clone()))
                .await
                .unwrap();
            assert_eq!(recognised.format, CredentialFormat::Vc2DataIntegrity);
            assert_eq!(recognised.carrier, carrier);
            assert_eq!(recognised.payload, json.as_bytes());
            assert!(
                recognised.recipient_matches_email("ada@example.org"),
                "{db:?}"
            );
            assert_eq!(
                recognised.dedupe_key,
                server
                    .app
                    .recognise_and_verify(ImportInput::Bytes(json.clone().into_bytes()))
                    .await
                    .unwrap()
                    .dedupe_key
            );

            let response = server
                .request(Request::method("POST", "/verify").body(
                    &format!("multipart/form-data; boundary={BOUNDARY}"),
                    upload(image, media),
                ))
                .await;
            assert_eq!(response.status, 200);
            let html = response.text();
            assert_eq!(verdict(&html), "Verified", "{db:?}: {html}");
            assert!(html.contains(words), "{html}");
            assert!(html.contains("id=\"summary-recipient\">Ada Lovelace<"));
        }

        // An image without a credential, and a broken one: specific errors, nothing stored.
        let before = server.snapshot().await;
        let response = server
            .request(Request::method("POST", "/api/v1/verify").body("image/png", tiny_png()))
            .await;
        assert_eq!(response.status, 422, "{}", response.text());
        assert!(
            response.json()["detail"]
                .as_str()
                .unwrap()
                .contains("carries no credential")
        );
        let mut broken = png.clone();
        let at = broken.len() / 2;
        broken[at] ^= 0xff;
        let response = server
            .request(Request::method("POST", "/api/v1/verify").body("image/png", broken))
            .await;
        assert_eq!(response.status, 400, "{}", response.text());
        assert_eq!(response.json()["code"], "UNREADABLE_IMAGE");
        assert_eq!(before, server.snapshot().await);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inputs_are_size_capped() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let app = &server.app;
    let huge_text = vec![b' '; MAX_TEXT_BYTES + 1];
    assert!(matches!(
        app.recognise_and_verify(ImportInput::Bytes(huge_text))
            .await,
        Err(AppError::TooLarge(_))
    ));
    let mut huge_png = tiny_png();
    huge_png.resize(MAX_IMAGE_BYTES + 1, 0);
    assert!(matches!(
        app.recognise_and_verify(ImportInput::Bytes(huge_png)).await,
        Err(AppError::TooLarge(_))
    ));
    // JSON is capped at 1 MiB by the strict parser, a JWT at 2 MiB.
    let big_json = format!("{{\"a\": \"{}\"}}", "x".repeat(1024 * 1024));
    let error = app
        .recognise_and_verify(ImportInput::Bytes(big_json.into_bytes()))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("over the limit"), "{error}");
    let long_url = format!("https://example.org/{}", "a".repeat(3000));
    assert!(matches!(
        app.recognise_and_verify(ImportInput::Url(long_url)).await,
        Err(AppError::BadRequest { .. })
    ));
    for bad in ["ftp://example.org/a", "javascript:alert(1)", "https://"] {
        assert!(
            matches!(
                app.recognise_and_verify(ImportInput::Url(bad.to_owned()))
                    .await,
                Err(AppError::BadRequest { .. })
            ),
            "{bad}"
        );
    }
    let error = app
        .recognise_and_verify(ImportInput::Bytes(b"hello there".to_vec()))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("not acceptable JSON"), "{error}");
}

/// The shared vectors' 1EdTech fixtures folder, or `None` with a message.
fn fixtures() -> Option<PathBuf> {
    let vectors = std::env::var_os("BREVET_VECTORS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors"),
        PathBuf::from,
    );
    let dir = vectors.join("ob30/1edtech-fixtures");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("BREVET_REQUIRE_VECTORS").as_deref() != Ok("1"),
        "BREVET_REQUIRE_VECTORS=1 but {} is missing",
        dir.display()
    );
    println!("SKIPPED: 1EdTech fixtures not found at {}", dir.display());
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_1edtech_baked_fixtures_and_jwt_are_recognised() {
    let Some(dir) = fixtures() else {
        return;
    };
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    // The baked images carry simple.json's credential (OB 3.0, VC 2.0): its issuer is an https
    // URL with a key in a URL fragment, which Brevet does not trust (KEY-01), so the proof
    // cannot be checked here; nothing fails.
    for (name, carrier) in [
        ("simple-json.png", Carrier::Png(BadgeVersion::OpenBadges3)),
        ("simple-json.svg", Carrier::Svg(BadgeVersion::OpenBadges3)),
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let recognised = server
            .app
            .recognise_and_verify(ImportInput::Bytes(bytes))
            .await
            .unwrap();
        assert_eq!(
            recognised.format,
            CredentialFormat::Vc2DataIntegrity,
            "{name}"
        );
        assert_eq!(recognised.carrier, carrier, "{name}");
        assert_eq!(
            outcome(&recognised, CheckName::Syntax),
            Outcome::Passed,
            "{name}"
        );
        assert_eq!(
            outcome(&recognised, CheckName::Context),
            Outcome::Passed,
            "{name}"
        );
        assert_eq!(
            outcome(&recognised, CheckName::IssuerKey),
            Outcome::CouldNotCheck,
            "{name}"
        );
        assert!(detail(&recognised, CheckName::IssuerKey).contains("is not a DID"));
        assert!(!recognised.report.verified);
        println!(
            "[import] {name}: {} from {:?}",
            recognised.format.label(),
            recognised.carrier
        );
    }
    // simple.jwt: a VC 1.1 JWT (RS256) written against a draft of Open Badges 3.0: its OB context
    // is a pre-release URL (not pinned, so the syntax and context checks fail) and its subject
    // has no achievement; its issuer is an https URL, so no key can be had for it.
    let token = std::fs::read(dir.join("simple.jwt")).unwrap();
    let recognised = server
        .app
        .recognise_and_verify(ImportInput::Bytes(token))
        .await
        .unwrap();
    assert_eq!(recognised.format, CredentialFormat::VcJwt);
    assert_eq!(outcome(&recognised, CheckName::Syntax), Outcome::Failed);
    let syntax = detail(&recognised, CheckName::Syntax);
    assert!(syntax.starts_with("VC-JWT (VC Data Model 1.1)"), "{syntax}");
    assert!(
        syntax.contains("AchievementSubject requires achievement"),
        "{syntax}"
    );
    assert_eq!(outcome(&recognised, CheckName::Context), Outcome::Failed);
    assert_eq!(
        outcome(&recognised, CheckName::IssuerKey),
        Outcome::CouldNotCheck
    );
    assert_eq!(
        recognised.display.issuer_name.as_deref(),
        Some("Example University")
    );
    assert!(!recognised.report.verified);
}

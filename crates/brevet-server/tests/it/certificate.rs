//! The printable certificate through HTTP on both backends: `GET /c/{id}/certificate.pdf` in A4
//! and US Letter, linked from the credential page; the recipient's name and the page's address
//! are text (`pdftotext`), the printed QR code decodes to exactly that address (`pdftoppm` and
//! `zbarimg`), the attachment is the stored credential byte for byte (`pdfdetach`) and verifies;
//! hostile credential text still gives a valid certificate; no certificate for a revoked,
//! unknown or malformed request; the design is read and set through `/api/v1/org`.
//!
//! The PDF tools come from `.ci/install-pdf-tools`; without them the tool checks say that they
//! skipped (the HTTP checks still run), unless `BREVET_REQUIRE_PDF_TOOLS=1`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use brevet_app::org_profile::OrgPatch;
use brevet_app::{AppError, Principal, Role};
use brevet_test_support::{Db, Request, Response, TestServer};
use serde_json::{Value, json};

use crate::pages::{
    AchievementSpec, Issuer, award, get, insert_achievement, issuer, links, set_status,
};

const TOOLS: [&str; 5] = ["pdfinfo", "pdftotext", "pdftoppm", "pdfdetach", "zbarimg"];

/// Whether the PDF tools are installed; panics when they are required and missing.
fn tools() -> bool {
    let missing: Vec<&str> = TOOLS
        .into_iter()
        .filter(|tool| {
            !Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .is_ok_and(|output| output.status.success())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var("BREVET_REQUIRE_PDF_TOOLS").as_deref() == Ok("1") {
        panic!("BREVET_REQUIRE_PDF_TOOLS=1 but {missing:?} are missing: run .ci/install-pdf-tools");
    }
    eprintln!(
        "skipped: the PDF tool checks ({missing:?} are not installed; run .ci/install-pdf-tools)"
    );
    false
}

fn scratch() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "brevet-server-certificate-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(program: &str, args: &[&Path]) -> (bool, String, String) {
    let output = Command::new(program).args(args).output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// What the tools find in a certificate.
struct Inspected {
    info: String,
    text: String,
    qr: String,
    attachment: Vec<u8>,
}

fn inspect(pdf: &[u8]) -> Inspected {
    let dir = scratch();
    let file = dir.join("certificate.pdf");
    std::fs::write(&file, pdf).unwrap();
    let (ok, info, err) = run("pdfinfo", &[&file]);
    assert!(ok && !err.contains("Error"), "pdfinfo: {err}");
    let (ok, text, err) = run("pdftotext", &[&file, Path::new("-")]);
    assert!(ok && !err.contains("Error"), "pdftotext: {err}");
    let page = dir.join("page");
    let (ok, _, err) = run(
        "pdftoppm",
        &[
            Path::new("-png"),
            Path::new("-r"),
            Path::new("150"),
            Path::new("-f"),
            Path::new("1"),
            Path::new("-l"),
            Path::new("1"),
            Path::new("-singlefile"),
            &file,
            &page,
        ],
    );
    assert!(ok && !err.contains("Error"), "pdftoppm: {err}");
    let (ok, qr, err) = run(
        "zbarimg",
        &[
            Path::new("--quiet"),
            Path::new("--raw"),
            &dir.join("page.png"),
        ],
    );
    assert!(ok, "zbarimg found no code: {err}");
    let attachments = dir.join("attachments");
    std::fs::create_dir_all(&attachments).unwrap();
    let (ok, _, err) = run(
        "pdfdetach",
        &[Path::new("-saveall"), Path::new("-o"), &attachments, &file],
    );
    assert!(ok, "pdfdetach: {err}");
    let attachment = std::fs::read(attachments.join("credential.json")).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    Inspected {
        info,
        text,
        qr: qr.trim_end_matches('\n').to_owned(),
        attachment,
    }
}

/// A real 96×48 RGBA PNG: a blue bar on transparency.
fn logo_png() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, 96, 48);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        let mut data = Vec::new();
        for y in 0..48 {
            for _ in 0..96 {
                let alpha = if (12..36).contains(&y) { 255 } else { 0 };
                data.extend_from_slice(&[30, 60, 140, alpha]);
            }
        }
        writer.write_image_data(&data).unwrap();
    }
    out
}

fn patch_org(body: &Value) -> Request {
    Request::method("PATCH", "/api/v1/org").body("application/json", body.to_string())
}

fn pdf_path(id: &str, paper: &str) -> String {
    format!("/c/{id}/certificate.pdf?paper={paper}")
}

fn assert_pdf_response(response: &Response, id: &str, paper: &str) {
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.header("content-type"), Some("application/pdf"));
    assert_eq!(
        response.header("content-disposition"),
        Some(format!("inline; filename=\"certificate-{id}-{paper}.pdf\"").as_str())
    );
    assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(response.header("cache-control"), Some("no-cache"));
    assert!(response.body.starts_with(b"%PDF-1."));
}

/// An organisation with a logo and a design, and a credential awarded to `name`.
async fn awarded_to(server: &TestServer, name: &str) -> (Issuer, String) {
    let issuer = issuer(server, "acme").await;
    let logo = server
        .request(
            Request::method("POST", "/api/v1/org/logo")
                .body("image/png", logo_png())
                .bearer(&issuer.api_key),
        )
        .await;
    assert_eq!(logo.status, 200, "{}", logo.text());
    let achievement = insert_achievement(
        server,
        &issuer.org_id,
        &AchievementSpec {
            name: "Advanced Rust Programming",
            criteria: "Completed **twelve** exercises and a [final project](https://example.org).",
            ..AchievementSpec::default()
        },
    )
    .await;
    let awarded = award(
        server,
        &issuer,
        json!({
            "achievement_id": achievement,
            "recipient": {"email": "zoe@example.org", "name": name}
        }),
    )
    .await;
    (issuer, awarded["id"].as_str().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_certificate_names_the_recipient_links_to_the_page_and_carries_the_credential() {
    let with_tools = tools();
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let name = "Zoë Ñúñez-Šťastný";
        let (issuer, id) = awarded_to(&server, name).await;
        let designed = server
            .request(
                patch_org(&json!({"certificate": {"layout": "modern", "color": "#0F766E"}}))
                    .bearer(&issuer.api_key),
            )
            .await;
        assert_eq!(designed.status, 200, "{}", designed.text());

        let page = get(&server, &format!("/c/{id}")).await.text();
        let page_links = links(&page);
        for paper in ["a4", "letter"] {
            assert!(
                page_links.iter().any(|link| *link == pdf_path(&id, paper)),
                "{db:?}: the page links the {paper} certificate"
            );
        }
        let stored = get(&server, &format!("/c/{id}/credential.json")).await.body;
        let url = format!("{}/c/{id}", server.base_url);
        for (paper, size) in [("a4", "842 x 595 pts"), ("letter", "792 x 612 pts")] {
            let response = get(&server, &pdf_path(&id, paper)).await;
            assert_pdf_response(&response, &id, paper);
            let media_box = match paper {
                "a4" => "/MediaBox [0 0 842 595]",
                _ => "/MediaBox [0 0 792 612]",
            };
            assert!(
                response.text().contains(media_box),
                "{db:?} {paper}: {media_box}"
            );
            if !with_tools {
                continue;
            }
            let found = inspect(&response.body);
            assert!(found.info.contains(size), "{db:?} {paper}: {}", found.info);
            assert!(found.text.contains(name), "{db:?} {paper}: {}", found.text);
            assert!(found.text.contains(&url), "{db:?} {paper}: {}", found.text);
            assert!(
                found
                    .text
                    .contains("Completed twelve exercises and a final project."),
                "{db:?} {paper}: the criteria summary: {}",
                found.text
            );
            assert_eq!(found.qr, url, "{db:?} {paper}: the QR code");
            assert_eq!(found.attachment, stored, "{db:?} {paper}: byte for byte");
            let attached: Value = serde_json::from_slice(&found.attachment).unwrap();
            let report = server.app.verify(&attached).await;
            assert!(report.verified, "{db:?} {paper}: {report:?}");
        }
        // No certificate is cached: the default paper is A4.
        let default = get(&server, &format!("/c/{id}/certificate.pdf")).await;
        assert_pdf_response(&default, &id, "a4");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_credential_text_still_gives_a_bounded_certificate() {
    let with_tools = tools();
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let created = server.create_org("acme").await;
    let hostile_name = format!(
        "Ann\u{202E}eb\u{202C} Lee <script>alert(1)</script> & \u{2067}مريم\u{2069} {}",
        "Wolfeschlegelsteinhausenbergerdorff ".repeat(40)
    );
    let body = json!({"credential": {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": hostile_name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": hostile_name,
                "identityType": "name",
                "hashed": false
            }],
            "achievement": {
                "id": "https://example.edu/achievements/x",
                "type": ["Achievement"],
                "name": hostile_name,
                "description": "x",
                "criteria": {"narrative": "# <b>Bold</b> & \u{202E}reversed\n".repeat(200)}
            }
        }
    }});
    let issued = server
        .request(Request::post_json("/credentials/issue", &body).bearer(&created.api_key))
        .await;
    assert_eq!(issued.status, 201, "{}", issued.text());
    let credential_id = issued.json()["verifiableCredential"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = credential_id.rsplit('/').next().unwrap().to_owned();
    assert_eq!(credential_id, format!("{}/c/{id}", server.base_url));
    for paper in ["a4", "letter"] {
        let response = get(&server, &pdf_path(&id, paper)).await;
        assert_pdf_response(&response, &id, paper);
        if !with_tools {
            continue;
        }
        let found = inspect(&response.body);
        assert_eq!(found.qr, credential_id, "{paper}: the QR code");
        assert!(
            found.text.contains(&credential_id),
            "{paper}: {}",
            found.text
        );
        assert!(
            found.text.contains("Lee <script>alert(1)</script> &"),
            "{}",
            found.text
        );
        assert!(!found.text.contains('\u{202E}'), "no override printed");
        assert!(
            found.text.contains('…'),
            "the long texts are cut: {}",
            found.text
        );
        let stored = get(&server, &format!("/c/{id}/credential.json")).await.body;
        assert_eq!(found.attachment, stored);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_certificate_for_revoked_unknown_or_malformed_requests() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let (issuer, id) = awarded_to(&server, "Ada Lovelace").await;
        for bad in ["legal", "A5", ""] {
            let response = get(&server, &format!("/c/{id}/certificate.pdf?paper={bad}")).await;
            assert_eq!(response.status, 400, "{db:?} {bad:?}");
            assert!(response.text().contains("a4 or letter"));
            assert!(!response.text().contains("A5"), "the request is not echoed");
        }
        let twice = get(
            &server,
            &format!("/c/{id}/certificate.pdf?paper=a4&paper=letter"),
        )
        .await;
        assert_eq!(twice.status, 400, "{db:?}");
        for missing in [
            "/c/0123456789abcdef0123456789abcdef/certificate.pdf",
            "/c/..%2F..%2Fetc/certificate.pdf?paper=a4",
            "/c/a%22b/certificate.pdf",
        ] {
            let response = get(&server, missing).await;
            assert_eq!(response.status, 404, "{db:?} {missing}");
            assert!(
                response
                    .header("content-type")
                    .unwrap()
                    .starts_with("text/html")
            );
        }

        set_status(&server, &issuer, &id, "suspend", "Under review").await;
        let suspended = get(&server, &pdf_path(&id, "a4")).await;
        assert_eq!(suspended.status, 409, "{db:?}: {}", suspended.text());
        assert!(suspended.text().contains("does not verify now"));
        set_status(&server, &issuer, &id, "reinstate", "Cleared").await;
        assert_eq!(
            get(&server, &pdf_path(&id, "a4")).await.status,
            200,
            "{db:?}"
        );

        set_status(&server, &issuer, &id, "revoke", "Awarded in error").await;
        let revoked = get(&server, &pdf_path(&id, "letter")).await;
        assert_eq!(revoked.status, 409, "{db:?}");
        assert!(
            revoked
                .header("content-type")
                .unwrap()
                .starts_with("text/html")
        );
        let page = get(&server, &format!("/c/{id}")).await.text();
        assert!(
            !page.contains("certificate.pdf"),
            "{db:?}: a revoked credential's page offers no certificate"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_design_is_read_and_set_through_the_api() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let (issuer, id) = awarded_to(&server, "Ada Lovelace").await;
        let key = &issuer.api_key;
        let view = server
            .request(Request::get("/api/v1/org").bearer(key))
            .await
            .json();
        assert_eq!(
            view["certificate"],
            json!({"layout": "classic", "color": "#1f3a5f"}),
            "{db:?}: the default design"
        );
        let classic = get(&server, &pdf_path(&id, "a4")).await.body;

        let before = server.snapshot().await;
        for (body, status, mentions) in [
            (
                json!({"certificate": {"layout": "fancy"}}),
                422,
                "certificate.layout",
            ),
            (
                json!({"certificate": {"color": "#ffff00"}}),
                422,
                "too light",
            ),
            (
                json!({"certificate": {"color": "navy"}}),
                422,
                "certificate.color",
            ),
            (
                json!({"certificate": {"color": "#12345"}}),
                422,
                "certificate.color",
            ),
            (json!({"certificate": {"layout": 3}}), 400, ""),
            (json!({"certificate": {"font": "Comic"}}), 400, "font"),
            (
                json!({"certificate": {"layout": "minimal"}, "url": "http://x.example"}),
                422,
                "url",
            ),
        ] {
            let response = server.request(patch_org(&body).bearer(key)).await;
            assert_eq!(
                response.status,
                status,
                "{db:?} {body}: {}",
                response.text()
            );
            assert!(
                response.text().contains(mentions),
                "{db:?} {body}: {}",
                response.text()
            );
        }
        assert_eq!(
            before,
            server.snapshot().await,
            "{db:?}: refusals change nothing"
        );

        let updated = server
            .request(
                patch_org(&json!({"certificate": {"layout": "minimal", "color": "#6B21A8"}}))
                    .bearer(key),
            )
            .await;
        assert_eq!(updated.status, 200, "{}", updated.text());
        assert_eq!(
            updated.json()["certificate"],
            json!({"layout": "minimal", "color": "#6b21a8"})
        );
        // Only the layout: the colour stays.
        let layout_only = server
            .request(patch_org(&json!({"certificate": {"layout": "modern"}})).bearer(key))
            .await
            .json();
        assert_eq!(
            layout_only["certificate"],
            json!({"layout": "modern", "color": "#6b21a8"})
        );
        let modern = get(&server, &pdf_path(&id, "a4")).await.body;
        assert_ne!(
            classic, modern,
            "{db:?}: the design changes the certificate"
        );

        // Only owners change the design.
        let issuer_role = Principal {
            org_id: issuer.org_id.clone(),
            role: Role::Issuer,
            actor: "test".into(),
        };
        let patch: OrgPatch =
            serde_json::from_value(json!({"certificate": {"layout": "classic"}})).unwrap();
        let refused = server.app.update_org_profile(&issuer_role, &patch).await;
        assert!(
            matches!(refused, Err(AppError::Forbidden(_))),
            "{refused:?}"
        );
        assert_eq!(
            server
                .app
                .certificate_design(&issuer_role)
                .await
                .unwrap()
                .layout,
            "modern"
        );
    }
}

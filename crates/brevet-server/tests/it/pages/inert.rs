//! Credential content is inert on the page (WEB-01) and the page's own links are the
//! platform's (WEB-02): hostile text escaped, bidi controls neutralised, only safe links, the
//! QR code encoding the platform URL, Open Graph tags, on both backends.

use brevet_test_support::{Db, TestServer};
use serde_json::json;

use super::{
    AchievementSpec, assert_page_headers, award, award_simple, between, decode_entities, get,
    insert_achievement, insert_raw_credential, issuer, links, meta, verdict,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_credential_text_is_escaped_and_inert() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let achievement = insert_achievement(
            &server,
            &issuer.org_id,
            &AchievementSpec {
                name: "<img src=x onerror=alert(1)>",
                description: "</script><script>alert(1)</script>",
                criteria: "[x](javascript:alert(1))",
                alignments: json!([{"type": ["Alignment"], "targetName": "\"><b>bold</b>",
                                    "targetUrl": "javascript:alert(1)"}]),
                ..AchievementSpec::default()
            },
        )
        .await;
        let awarded = award(
            &server,
            &issuer,
            json!({
                "achievement_id": achievement,
                "recipient": {"email": "m@example.org", "name": "Mallory\u{202E}gnp.exe"},
                "evidence": [{"url": "https://e.example/ok", "name": "\"><svg onload=alert(2)>"}]
            }),
        )
        .await;
        let id = awarded["id"].as_str().unwrap();
        let response = get(&server, &format!("/c/{id}")).await;
        assert_eq!(response.status, 200);
        assert_page_headers(&response);
        let html = response.text();
        // The one script is Brevet's own copy-button file.
        let html = html.replace("<script src=\"/static/share.js\" defer></script>", "");
        for raw in [
            "<img src=x",
            "<script",
            "<svg onload",
            "<b>bold",
            "\u{202E}",
        ] {
            assert!(!html.contains(raw), "{db:?}: {raw:?} reached the page");
        }
        // Markdown is not rendered: the javascript: link stays text.
        assert!(html.contains("<p class=\"criteria\">[x](javascript:alert(1))</p>"));
        for link in links(&html) {
            assert!(
                link.starts_with('/')
                    || link.starts_with("https://")
                    || link.starts_with('#')
                    || link.starts_with(&server.base_url),
                "{db:?}: link {link:?}"
            );
            assert!(
                !link.contains('<') && !link.contains('"'),
                "{db:?}: link {link:?}"
            );
        }
        for escaped in [
            "&lt;img src=x onerror=alert(1)&gt;",
            "&lt;&#x2f;script&gt;&lt;script&gt;alert(1)&lt;&#x2f;script&gt;",
            "&quot;&gt;&lt;svg onload=alert(2)&gt;",
            "Mallory\u{FFFD}gnp.exe",
        ] {
            assert!(html.contains(escaped), "{db:?}: no {escaped:?} in {html}");
        }
        assert_eq!(
            meta(&html, "og:title").as_deref(),
            Some("Mallory\u{FFFD}gnp.exe: <img src=x onerror=alert(1)>")
        );
        // The only inline SVG is the QR code.
        assert_eq!(html.matches("<svg").count(), 1);

        // What a signed award cannot carry (the issuer refuses such an evidence id), a stored
        // credential still must not bring to the page.
        let stored = insert_raw_credential(
            &server,
            &issuer.org_id,
            &json!({
                "issuer": {"id": "did:web:x", "name": "X", "url": "javascript:alert(1)",
                           "image": {"id": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="}},
                "credentialSubject": {"achievement": {
                    "name": "A", "image": "javascript:alert(1)",
                    "criteria": {"id": "javascript:alert(1)", "narrative": "<a href=x>x</a>"}
                }},
                "evidence": [{"id": "https://e.example/\"><svg onload=alert(1)>", "name": "E"},
                             {"id": "javascript:alert(1)", "name": "F"}]
            }),
        )
        .await;
        let response = get(&server, &format!("/c/{stored}")).await;
        assert_eq!(response.status, 200);
        let html = response.text();
        assert_eq!(verdict(&html), "Invalid", "{db:?}");
        for raw in ["<svg onload", "javascript:", "data:text/html", "<a href=x>"] {
            assert!(!html.contains(raw), "{db:?}: {raw:?} reached the page");
        }
        assert_eq!(html.matches("<svg").count(), 1);
        assert_eq!(
            html.matches("<img").count(),
            0,
            "no image from a refused URL"
        );
        assert!(html.contains("&lt;a href=x&gt;x&lt;&#x2f;a&gt;"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_graph_tags_describe_the_page() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let image_id = brevet_app::ids::new_id();
        {
            let mut tx = server.app.store().begin().await.unwrap();
            brevet_store::images::insert(
                &mut tx,
                &brevet_store::images::ImageRecord {
                    id: image_id.clone(),
                    org_id: issuer.org_id.clone(),
                    content_type: "image/png".into(),
                    bytes: vec![0x89, b'P', b'N', b'G'],
                    created_at: 0,
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        let with_image = insert_achievement(
            &server,
            &issuer.org_id,
            &AchievementSpec {
                image_id: Some(&image_id),
                ..AchievementSpec::default()
            },
        )
        .await;
        let awarded = award(
            &server,
            &issuer,
            json!({"achievement_id": with_image, "recipient": {"email": "a@example.org", "name": "Ada Lovelace"}}),
        )
        .await;
        let id = awarded["id"].as_str().unwrap();
        let page_url = format!("{}/c/{id}", server.base_url);
        let html = get(&server, &format!("/c/{id}")).await.text();
        let image_url = format!("{}/images/{image_id}", server.base_url);
        assert_eq!(meta(&html, "og:url").as_deref(), Some(page_url.as_str()));
        assert_eq!(
            meta(&html, "og:title").as_deref(),
            Some("Ada Lovelace: Rust Programming")
        );
        assert_eq!(
            meta(&html, "og:description").as_deref(),
            Some("Writes safe, fast Rust.")
        );
        // The link preview is the image Brevet draws (badge, names), not the bare badge.
        let preview_url = format!("{page_url}/preview.png");
        assert_eq!(
            meta(&html, "og:image").as_deref(),
            Some(preview_url.as_str())
        );
        assert_eq!(meta(&html, "og:image:width").as_deref(), Some("1200"));
        assert_eq!(meta(&html, "og:image:height").as_deref(), Some("630"));
        assert_eq!(meta(&html, "og:image:type").as_deref(), Some("image/png"));
        assert_eq!(meta(&html, "og:type").as_deref(), Some("website"));
        assert_eq!(
            meta(&html, "twitter:card").as_deref(),
            Some("summary_large_image")
        );
        assert_eq!(
            meta(&html, "twitter:image").as_deref(),
            Some(preview_url.as_str())
        );
        let badge = between(&html, "<img class=\"badge-image\" src=\"", "\"");
        assert_eq!(decode_entities(badge), image_url);

        // No achievement image (and no logo): the preview is drawn all the same.
        let plain = award_simple(&server, &issuer).await;
        let plain_id = plain["id"].as_str().unwrap();
        let html = get(&server, &format!("/c/{plain_id}")).await.text();
        assert_eq!(
            meta(&html, "og:image"),
            Some(format!("{}/c/{plain_id}/preview.png", server.base_url))
        );
        assert!(meta(&html, "og:title").is_some());
        assert!(!html.contains("issuer-logo\""));

        // With an organisation logo, the issuer is shown with it and previews fall back to it.
        {
            let mut tx = server.app.store().begin().await.unwrap();
            let mut org = brevet_store::orgs::get(&mut tx, &issuer.org_id)
                .await
                .unwrap();
            org.logo_image_id = Some(image_id.clone());
            brevet_store::orgs::update_profile(&mut tx, &org)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        let with_logo = award_simple(&server, &issuer).await;
        let html = get(
            &server,
            &format!("/c/{}", with_logo["id"].as_str().unwrap()),
        )
        .await
        .text();
        assert_eq!(
            meta(&html, "og:image"),
            Some(format!(
                "{}/c/{}/preview.png",
                server.base_url,
                with_logo["id"].as_str().unwrap()
            ))
        );
        let logo = between(&html, "<img class=\"issuer-logo\" src=\"", "\"");
        assert_eq!(decode_entities(logo), image_url);
        assert!(html.contains("alt=\"Logo of Org acme\""));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_qr_code_encodes_the_platform_page_url() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let awarded = award_simple(&server, &issuer).await;
        let id = awarded["id"].as_str().unwrap();
        let page_url = format!("{}/c/{id}", server.base_url);
        let html = get(&server, &format!("/c/{id}")).await.text();
        let svg = qr_element(&html);
        assert_eq!(
            Some(svg.clone()),
            brevet_server::web::qr::qr_svg(&page_url),
            "{db:?}"
        );
        assert_eq!(decode_qr_svg(&svg), page_url);

        // WEB-02: a stored credential whose own id points elsewhere still gets a code of the
        // platform's page.
        let hostile_id = insert_raw_credential(
            &server,
            &issuer.org_id,
            &json!({
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "id": "https://evil.example/x",
                "type": ["VerifiableCredential"],
                "issuer": "did:web:evil.example",
                "credentialSubject": {"id": "did:example:1"}
            }),
        )
        .await;
        let response = get(&server, &format!("/c/{hostile_id}")).await;
        assert_eq!(response.status, 200);
        let html = response.text();
        assert_ne!(verdict(&html), "Verified");
        assert_eq!(
            decode_qr_svg(&qr_element(&html)),
            format!("{}/c/{hostile_id}", server.base_url)
        );
        assert!(
            !links(&html)
                .iter()
                .any(|link| link.contains("evil.example"))
        );
        assert_eq!(
            meta(&html, "og:url"),
            Some(format!("{}/c/{hostile_id}", server.base_url))
        );
    }
}

/// The inline `<svg>…</svg>` of the QR code.
fn qr_element(html: &str) -> String {
    let start = html.find("<svg role=\"img\"").expect("a QR code");
    let end = html[start..].find("</svg>").expect("closed") + start + "</svg>".len();
    html[start..end].to_owned()
}

/// Decodes the QR code drawn by an SVG of the `qrcode` crate (one unit per module): rebuilds
/// the module grid from the path, rasterizes it and runs a QR decoder on the pixels.
fn decode_qr_svg(svg: &str) -> String {
    let size: usize = between(svg, "width=\"", "\"").parse().unwrap();
    let path = between(svg, " d=\"", "\"");
    let mut dark = vec![false; size * size];
    for command in path.split('M').skip(1) {
        // "{left} {top}h{width}v{height}H{left}V{top}"
        let (position, rest) = command.split_once('h').unwrap();
        let (left, top) = position.split_once(' ').unwrap();
        let (width, rest) = rest.split_once('v').unwrap();
        let (height, _) = rest.split_once('H').unwrap();
        let [left, top, width, height]: [usize; 4] =
            [left, top, width, height].map(|number| number.parse().unwrap());
        for y in top..top + height {
            for x in left..left + width {
                dark[y * size + x] = true;
            }
        }
    }
    const SCALE: usize = 8;
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(size * SCALE, size * SCALE, |x, y| {
            if dark[(y / SCALE) * size + x / SCALE] {
                0
            } else {
                255
            }
        });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("decodes").1
}

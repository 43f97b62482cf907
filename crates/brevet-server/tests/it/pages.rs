//! The public pages on both backends: the credential page `/c/{id}` (content, live status,
//! dates, 404s, escaping of hostile credential text, CSP, QR code, JSON download, Open Graph
//! tags) and, in `verify`, the verify page and `POST /api/v1/verify`.

mod verify;

use brevet_store::achievements::AchievementRecord;
use brevet_test_support::{Db, Request, Response, TestServer};
use serde_json::{Value, json};

/// An organisation that awards in a test.
pub(crate) struct Issuer {
    pub org_id: String,
    pub api_key: String,
}

pub(crate) async fn issuer(server: &TestServer, slug: &str) -> Issuer {
    let created = server.create_org(slug).await;
    Issuer {
        org_id: created.org_id,
        api_key: created.api_key,
    }
}

/// What an achievement inserted by a test holds (the achievements API is not used here).
pub(crate) struct AchievementSpec<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub criteria: &'a str,
    pub alignments: Value,
    pub image_id: Option<&'a str>,
    pub validity_days: Option<i64>,
}

impl Default for AchievementSpec<'_> {
    fn default() -> Self {
        AchievementSpec {
            name: "Rust Programming",
            description: "Writes safe, fast Rust.",
            criteria: "Pass the practical exam.",
            alignments: json!([{
                "type": ["Alignment"],
                "targetName": "Computer programming",
                "targetFramework": "ESCO",
                "targetCode": "S1.2.3",
                "targetUrl": "https://esco.example/skill/123"
            }]),
            image_id: None,
            validity_days: None,
        }
    }
}

/// Inserts an achievement straight into the store; returns its id.
pub(crate) async fn insert_achievement(
    server: &TestServer,
    org_id: &str,
    spec: &AchievementSpec<'_>,
) -> String {
    let now = server.app.now_unix();
    let record = AchievementRecord {
        id: brevet_app::ids::new_id(),
        org_id: org_id.to_owned(),
        achievement_type: "Badge".to_owned(),
        name: spec.name.to_owned(),
        description: spec.description.to_owned(),
        criteria: spec.criteria.to_owned(),
        image_id: spec.image_id.map(str::to_owned),
        alignments_json: spec.alignments.to_string(),
        validity_days: spec.validity_days,
        archived_at: None,
        created_at: now,
        updated_at: now,
    };
    let mut tx = server.app.store().begin().await.unwrap();
    brevet_store::achievements::insert(&mut tx, &record)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    record.id
}

/// Awards through the API; returns the response body `{id, url, credential}`.
pub(crate) async fn award(server: &TestServer, issuer: &Issuer, body: Value) -> Value {
    let response = server
        .request(Request::post_json("/api/v1/credentials", &body).bearer(&issuer.api_key))
        .await;
    assert_eq!(response.status, 201, "award: {}", response.text());
    response.json()
}

/// Awards the default achievement to Ada Lovelace.
pub(crate) async fn award_simple(server: &TestServer, issuer: &Issuer) -> Value {
    let achievement = insert_achievement(server, &issuer.org_id, &AchievementSpec::default()).await;
    award(
        server,
        issuer,
        json!({
            "achievement_id": achievement,
            "recipient": {"email": "ada@example.org", "name": "Ada Lovelace"}
        }),
    )
    .await
}

/// Stores `json` as a credential of `org_id` without signing it (what a page must survive);
/// returns its public id.
pub(crate) async fn insert_raw_credential(
    server: &TestServer,
    org_id: &str,
    json: &Value,
) -> String {
    let id = brevet_app::ids::new_id();
    let record = brevet_store::credentials::CredentialRecord {
        id: id.clone(),
        org_id: org_id.to_owned(),
        achievement_id: None,
        credential_uri: json["id"].as_str().unwrap_or("urn:x").to_owned(),
        achievement_name: "x".into(),
        recipient_name: None,
        recipient_email: None,
        recipient_did: None,
        json: json.to_string(),
        issued_at: server.app.now_unix(),
        valid_from: None,
        valid_until: None,
        supersedes: None,
        superseded_by: None,
        source: "vc-api".into(),
    };
    let mut tx = server.app.store().begin().await.unwrap();
    brevet_store::credentials::insert(&mut tx, &record)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

pub(crate) async fn get(server: &TestServer, path: &str) -> Response {
    server.request(Request::get(path)).await
}

async fn set_status(server: &TestServer, issuer: &Issuer, id: &str, action: &str, reason: &str) {
    let response = server
        .request(
            Request::post_json(
                &format!("/api/v1/credentials/{id}/{action}"),
                &json!({ "reason": reason }),
            )
            .bearer(&issuer.api_key),
        )
        .await;
    assert_eq!(response.status, 200, "{action}: {}", response.text());
}

/// The verdict line of a page (the text of `.verdict-label`).
pub(crate) fn verdict(html: &str) -> String {
    between(html, "<p class=\"verdict-label\">", "</p>").to_owned()
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in the page"))
        + start.len();
    let to = text[from..].find(end).expect("end marker") + from;
    &text[from..to]
}

/// The `content` of `<meta property|name="{key}">`, entities decoded, if present.
pub(crate) fn meta(html: &str, key: &str) -> Option<String> {
    ["property", "name"].iter().find_map(|attribute| {
        let marker = format!("<meta {attribute}=\"{key}\" content=\"");
        html.find(&marker).map(|at| {
            let rest = &html[at + marker.len()..];
            decode_entities(&rest[..rest.find('"').expect("closing quote")])
        })
    })
}

/// Every `href` of `html`, entities decoded.
pub(crate) fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .map(|rest| decode_entities(&rest[..rest.find('"').expect("closing quote")]))
        .collect()
}

/// Decodes the entities the template engine writes.
pub(crate) fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

/// The security headers every page carries.
pub(crate) fn assert_page_headers(response: &Response) {
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let csp = response
        .header("content-security-policy")
        .expect("a CSP header");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_the_credential_and_its_verification() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let achievement =
            insert_achievement(&server, &issuer.org_id, &AchievementSpec::default()).await;
        let awarded = award(
            &server,
            &issuer,
            json!({
                "achievement_id": achievement,
                "recipient": {"email": "ada@example.org", "name": "Ada Lovelace"},
                "evidence": [{"url": "https://portfolio.example/ada", "name": "Final project",
                              "narrative": "Built a compiler."}],
                "valid_until": "2031-01-01T00:00:00Z"
            }),
        )
        .await;
        let id = awarded["id"].as_str().unwrap();
        let response = get(&server, &format!("/c/{id}")).await;
        assert_eq!(response.status, 200, "{db:?}: {}", response.text());
        assert_page_headers(&response);
        assert_eq!(response.header("cache-control"), Some("no-cache"));
        let html = response.text();
        assert_eq!(verdict(&html), "Verified", "{db:?}");
        for expected in [
            "Ada Lovelace",
            "Rust Programming",
            "Writes safe, fast Rust.",
            "Pass the practical exam.",
            "Org acme",
            "Computer programming",
            "ESCO",
            "S1.2.3",
            "Final project",
            "Built a compiler.",
            "Badge",
            // validUntil in words and ISO; the server clock's issue date.
            "1 January 2031, 00:00 UTC",
            "datetime=\"2031-01-01T00:00:00Z\"",
            "datetime=\"2026-09-21T14:13:20Z\"",
        ] {
            assert!(
                html.contains(expected),
                "{db:?}: no {expected:?} in the page"
            );
        }
        let links = links(&html);
        for link in [
            "https://esco.example/skill/123",
            "https://portfolio.example/ada",
            &format!("/c/{id}/credential.json"),
            "/verify",
        ] {
            assert!(links.iter().any(|l| l == link), "{db:?}: no link to {link}");
        }
        assert!(
            !html.contains("ada@example.org"),
            "the email is never shown"
        );
        for check in [
            "syntax",
            "context",
            "proof",
            "issuer-key",
            "validity",
            "status",
        ] {
            assert!(
                html.contains(&format!("id=\"check-{check}\"")),
                "{db:?}: no {check} row"
            );
        }
        assert!(!html.contains("outcome-failed"));
        assert!(!html.contains("<script"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_ids_get_an_html_404() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        for path in [
            "/c/0123456789abcdef0123456789abcdef",
            "/c/0123456789abcdef0123456789abcdef/credential.json",
            "/c/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            "/c/..%2F..%2Fetc%2Fpasswd",
            &format!("/c/{}", "a".repeat(200)),
        ] {
            let response = get(&server, path).await;
            assert_eq!(response.status, 404, "{db:?} {path}");
            assert_page_headers(&response);
            let html = response.text();
            assert!(html.contains("<h1>Not found</h1>"), "{html}");
            assert!(!html.contains("<script"));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_json_download_is_the_stored_credential_byte_for_byte() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let awarded = award_simple(&server, &issuer).await;
        let id = awarded["id"].as_str().unwrap();
        let stored = {
            let mut conn = server.app.store().read().await.unwrap();
            brevet_store::credentials::get(&mut conn, id)
                .await
                .unwrap()
                .json
        };
        let response = get(&server, &format!("/c/{id}/credential.json")).await;
        assert_eq!(response.status, 200);
        assert_eq!(response.body, stored.as_bytes(), "{db:?}");
        assert_eq!(
            serde_json::from_slice::<Value>(&response.body).unwrap(),
            awarded["credential"]
        );
        assert_eq!(
            response.header("content-type"),
            Some("application/vc+ld+json")
        );
        assert_eq!(
            response.header("content-disposition"),
            Some(format!("attachment; filename=\"credential-{id}.json\"").as_str())
        );
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_and_suspension_show_at_once_with_the_reason() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let revoked = award_simple(&server, &issuer).await;
        let revoked = revoked["id"].as_str().unwrap();
        let suspended = award_simple(&server, &issuer).await;
        let suspended = suspended["id"].as_str().unwrap();
        // Viewed first, so the verified report is cached.
        for id in [revoked, suspended] {
            assert_eq!(
                verdict(&get(&server, &format!("/c/{id}")).await.text()),
                "Verified"
            );
        }
        set_status(&server, &issuer, revoked, "revoke", "Issued in error").await;
        let html = get(&server, &format!("/c/{revoked}")).await.text();
        assert_eq!(verdict(&html), "Revoked", "{db:?}");
        assert!(html.contains("<q>Issued in error</q>"), "{html}");
        assert!(html.contains("outcome-failed"));

        set_status(&server, &issuer, suspended, "suspend", "Under review").await;
        let html = get(&server, &format!("/c/{suspended}")).await.text();
        assert_eq!(verdict(&html), "Suspended", "{db:?}");
        assert!(html.contains("<q>Under review</q>"));
        set_status(&server, &issuer, suspended, "reinstate", "Review passed").await;
        let html = get(&server, &format!("/c/{suspended}")).await.text();
        assert_eq!(verdict(&html), "Verified", "{db:?}");
        assert!(!html.contains("Under review"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_credential_says_expired_not_invalid() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let achievement = insert_achievement(
            &server,
            &issuer.org_id,
            &AchievementSpec {
                validity_days: Some(30),
                ..AchievementSpec::default()
            },
        )
        .await;
        let recipient = json!({"email": "ada@example.org", "name": "Ada Lovelace"});
        let expiring = award(
            &server,
            &issuer,
            json!({"achievement_id": achievement, "recipient": recipient}),
        )
        .await;
        let expiring = expiring["id"].as_str().unwrap();
        let future = award(
            &server,
            &issuer,
            json!({"achievement_id": achievement, "recipient": recipient,
                   "valid_from": "2030-01-01T00:00:00Z", "valid_until": "2031-01-01T00:00:00Z"}),
        )
        .await;
        let future = future["id"].as_str().unwrap();
        let html = get(&server, &format!("/c/{future}")).await.text();
        assert_eq!(verdict(&html), "Not yet valid", "{db:?}");

        assert_eq!(
            verdict(&get(&server, &format!("/c/{expiring}")).await.text()),
            "Verified"
        );
        server.clock.advance(time::Duration::days(31));
        let html = get(&server, &format!("/c/{expiring}")).await.text();
        assert_eq!(verdict(&html), "Expired", "{db:?}");
        assert!(!html.to_lowercase().contains("invalid signature"));
        assert!(html.contains("The credential is authentic but its validity period has ended."));
        // The signature itself still passed.
        let proof_row = between(&html, "id=\"check-proof\"", "</tr>");
        assert!(proof_row.contains("outcome-passed"), "{proof_row}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reissued_credential_links_to_its_replacement() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let achievement =
            insert_achievement(&server, &issuer.org_id, &AchievementSpec::default()).await;
        let old = award(
            &server,
            &issuer,
            json!({"achievement_id": achievement, "recipient": {"email": "a@example.org", "name": "Ada Lovelase"}}),
        )
        .await;
        let old = old["id"].as_str().unwrap();
        let new = award(
            &server,
            &issuer,
            json!({"achievement_id": achievement, "supersedes": old,
                   "recipient": {"email": "a@example.org", "name": "Ada Lovelace"}}),
        )
        .await;
        let new = new["id"].as_str().unwrap();
        let html = get(&server, &format!("/c/{old}")).await.text();
        assert_eq!(verdict(&html), "Revoked", "{db:?}");
        assert!(html.contains("<q>superseded</q>"));
        assert_eq!(
            links(between(&html, "id=\"superseded\"", "</p>")),
            [format!("{}/c/{new}", server.base_url)]
        );
        let html = get(&server, &format!("/c/{new}")).await.text();
        assert_eq!(verdict(&html), "Verified");
        assert!(links(&html).contains(&format!("{}/c/{old}", server.base_url)));
    }
}

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
        assert_eq!(meta(&html, "og:image").as_deref(), Some(image_url.as_str()));
        assert_eq!(meta(&html, "og:type").as_deref(), Some("website"));
        assert_eq!(meta(&html, "twitter:card").as_deref(), Some("summary"));
        assert_eq!(
            meta(&html, "twitter:image").as_deref(),
            Some(image_url.as_str())
        );
        let badge = between(&html, "<img class=\"badge-image\" src=\"", "\"");
        assert_eq!(decode_entities(badge), image_url);

        // No achievement image: no og:image (the org has no logo).
        let plain = award_simple(&server, &issuer).await;
        let html = get(&server, &format!("/c/{}", plain["id"].as_str().unwrap()))
            .await
            .text();
        assert_eq!(meta(&html, "og:image"), None);
        assert!(meta(&html, "og:title").is_some());
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

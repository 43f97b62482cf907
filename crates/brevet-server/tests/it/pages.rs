//! The public pages on both backends: the credential page `/c/{id}` (`credential`: content,
//! live status, dates, 404s, JSON download; `inert`: hostile credential text, CSP, QR code,
//! Open Graph tags; `share`: the share actions and the preview image) and the verify page with
//! `POST /api/v1/verify` (`verify`). This module holds the helpers they share.

mod credential;
mod inert;
mod share;
mod verify;

use brevet_store::achievements::AchievementRecord;
use brevet_test_support::{Request, Response, TestServer};
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

pub(crate) async fn set_status(
    server: &TestServer,
    issuer: &Issuer,
    id: &str,
    action: &str,
    reason: &str,
) {
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

pub(crate) fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
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

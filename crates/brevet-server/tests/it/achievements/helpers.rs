//! Requests, fixtures and assertions shared by the achievement API tests.

use brevet_test_support::{Request, Response, TestServer};
use serde_json::{Value, json};

pub(super) fn patch_json(path: &str, body: &Value) -> Request {
    Request::method("PATCH", path).body("application/json", body.to_string())
}

pub(super) fn post_empty(path: &str) -> Request {
    Request::method("POST", path)
}

pub(super) fn delete(path: &str) -> Request {
    Request::method("DELETE", path)
}

/// Asserts a problem+json answer with `status` whose detail mentions each of `mentions`.
pub(super) fn assert_problem(response: &Response, status: u16, mentions: &[&str]) {
    assert_eq!(response.status, status, "{}", response.text());
    assert_eq!(
        response.header("content-type"),
        Some("application/problem+json"),
        "{}",
        response.text()
    );
    let body = response.json();
    assert_eq!(body["status"], status);
    let detail = body["detail"].as_str().unwrap_or_default();
    for mention in mentions {
        assert!(
            detail.contains(mention),
            "the detail {detail:?} does not mention {mention:?}"
        );
    }
}

/// An achievement with every field set.
pub(super) fn full_achievement(achievement_type: &str) -> Value {
    json!({
        "achievement_type": achievement_type,
        "name": format!("Rust {achievement_type} — niveau 1"),
        "description": "Writes safe, fast Rust.\nTwo lines, and ünïcödé.",
        "criteria": "1. Pass the exam.\n2. Ship a crate.",
        "alignments": [
            {
                "targetName": "Programming",
                "targetUrl": "https://skills.example/programming",
                "targetCode": "PRG-1",
                "targetFramework": "Example Skills Framework",
                "targetDescription": "Writing programs.",
                "targetType": "CFItem"
            },
            {
                "target_name": "Memory safety",
                "target_url": "https://skills.example/memory-safety",
                "targetType": "ext:Skill"
            }
        ],
        "validity_days": 30
    })
}

/// Creates an achievement (expects 201) and returns it.
pub(super) async fn create_achievement(server: &TestServer, key: &str, body: &Value) -> Value {
    let response = server
        .request(Request::post_json("/api/v1/achievements", body).bearer(key))
        .await;
    assert_eq!(response.status, 201, "{}", response.text());
    response.json()
}

/// Awards `achievement_id` to `name` (expects 201) and returns `{id, url, credential}`.
pub(super) async fn award(
    server: &TestServer,
    key: &str,
    achievement_id: &str,
    name: &str,
) -> Value {
    let email = format!(
        "{}@example.org",
        name.to_lowercase().replace(char::is_whitespace, ".")
    );
    let response = server
        .request(
            Request::post_json(
                "/api/v1/credentials",
                &json!({
                    "achievement_id": achievement_id,
                    "recipient": {"email": email, "name": name},
                }),
            )
            .bearer(key),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text());
    response.json()
}

/// Verifies a credential through `POST /api/v1/verify` and returns the report.
pub(super) async fn verify(server: &TestServer, credential: &Value) -> Value {
    let response = server
        .request(Request::post_json("/api/v1/verify", credential))
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()
}

/// A PNG's chunk (the CRC is not checked by Brevet; zeros here).
fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&[0, 0, 0, 0]);
    out
}

/// A structurally valid PNG of `width` × `height` pixels.
pub(super) fn png(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &ihdr));
    out.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    out.extend(chunk(b"IEND", &[]));
    out
}

pub(super) const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#3a7"/></svg>"##;

/// A `multipart/form-data` body with one file part.
pub(super) fn multipart(field: &str, content_type: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "brevet-test-boundary-7d1f";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nnot a file\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"badge\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The user id of the organisation's first member (its owner).
pub(super) async fn owner_user_id(server: &TestServer, key: &str) -> String {
    let members = server
        .request(Request::get("/api/v1/members").bearer(key))
        .await
        .json();
    members["items"][0]["user_id"].as_str().unwrap().to_owned()
}

/// Creates an API key with `role` for the organisation of `owner_key`; returns the secret.
pub(super) async fn key_with_role(
    server: &TestServer,
    owner_key: &str,
    role: brevet_app::Role,
) -> String {
    let owner = server.app.principal_for_api_key(owner_key).await.unwrap();
    let (_, secret) = server
        .app
        .create_api_key(&owner, &format!("{} key", role.as_str()), role)
        .await
        .unwrap();
    secret
}

//! End-to-end tests through the HTTP API, on both backends: the credential lifecycle (award,
//! page data, DID document, status list, verify, revoke, key rotation), idempotency and
//! reissue, concurrent awards, bad input of every kind, tenant isolation, expiry, backup and
//! restore across backends, graceful shutdown and metrics, a did:key organisation. Shared
//! helpers live here.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backup;
mod bad_input;
mod concurrency;
mod did_key;
mod lifecycle;
mod ops;
mod tenancy;

use std::collections::BTreeMap;

use brevet_app::orgs::OrgCreated;
use brevet_store::achievements::{self, AchievementRecord};
use brevet_test_support::{Db, Request, TestServer};
use serde_json::{Value, json};

/// A test server with one organisation and one achievement.
pub(crate) struct Issuer {
    pub(crate) server: TestServer,
    pub(crate) org: OrgCreated,
    pub(crate) achievement_id: String,
}

/// Starts a server on `db` with organisation `slug` and an achievement; `None` when
/// PostgreSQL is not available (the test is skipped).
pub(crate) async fn issuer(db: Db, slug: &str) -> Option<Issuer> {
    let server = TestServer::start(db).await?;
    let org = server.create_org(slug).await;
    let achievement_id = add_achievement(&server, &org.org_id, None).await;
    Some(Issuer {
        server,
        org,
        achievement_id,
    })
}

/// Inserts an achievement for `org_id` straight into the store.
pub(crate) async fn add_achievement(
    server: &TestServer,
    org_id: &str,
    validity_days: Option<i64>,
) -> String {
    let now = server.app.now_unix();
    let record = AchievementRecord {
        id: brevet_app::ids::new_id(),
        org_id: org_id.to_owned(),
        achievement_type: "Badge".into(),
        name: "Rust Fundamentals".into(),
        description: "Writes safe, idiomatic Rust.".into(),
        criteria: "Passed the assessment.".into(),
        image_id: None,
        alignments_json: "[]".into(),
        validity_days,
        archived_at: None,
        created_at: now,
        updated_at: now,
    };
    let mut tx = server.app.store().begin().await.unwrap();
    achievements::insert(&mut tx, &record).await.unwrap();
    tx.commit().await.unwrap();
    record.id
}

/// An award request body.
pub(crate) fn award_body(achievement_id: &str, email: &str) -> Value {
    json!({
        "achievement_id": achievement_id,
        "recipient": {"email": email, "name": "Ada Lovelace"},
    })
}

/// `POST /api/v1/credentials`, expecting 201; returns `{id, url, credential}`.
pub(crate) async fn award(server: &TestServer, api_key: &str, body: &Value) -> Value {
    let response = server
        .request(Request::post_json("/api/v1/credentials", body).bearer(api_key))
        .await;
    assert_eq!(response.status, 201, "award: {}", response.text());
    response.json()
}

/// `POST /api/v1/verify` with a credential; returns the report.
pub(crate) async fn verify_http(server: &TestServer, credential: &Value) -> Value {
    let response = server
        .request(Request::post_json("/api/v1/verify", credential))
        .await;
    assert_eq!(response.status, 200, "verify: {}", response.text());
    response.json()
}

/// The outcome and detail of one check of a report (`{verified, checks: [...]}`).
pub(crate) fn check(report: &Value, name: &str) -> (String, String) {
    let found = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|check| check["check"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {report}"));
    (
        found["outcome"].as_str().unwrap().to_owned(),
        found["detail"].as_str().unwrap_or_default().to_owned(),
    )
}

/// Asserts that a report is verified with every check passed or not applicable.
pub(crate) fn assert_verified(report: &Value) {
    assert_eq!(report["verified"], true, "{report:#}");
    for entry in report["checks"].as_array().unwrap() {
        let outcome = entry["outcome"].as_str().unwrap();
        assert!(
            outcome == "passed" || outcome == "not-applicable",
            "{report:#}"
        );
    }
}

/// The number of rows of every table.
pub(crate) async fn row_counts(server: &TestServer) -> BTreeMap<String, i64> {
    let store = server.app.store();
    let mut conn = store.read().await.unwrap();
    let tables = brevet_store::backup::tables(&mut conn, store.backend())
        .await
        .unwrap();
    let mut counts = BTreeMap::new();
    for table in tables {
        let count = brevet_store::backup::count_rows(&mut conn, &table.name)
            .await
            .unwrap();
        counts.insert(table.name, count);
    }
    counts
}

/// A problem+json response: the status is 4xx and the body names a code.
pub(crate) fn assert_problem(response: &brevet_test_support::Response, what: &str) {
    assert!(
        (400..500).contains(&response.status),
        "{what}: expected a 4xx, got {} {}",
        response.status,
        response.text()
    );
    assert_eq!(
        response.header("content-type"),
        Some("application/problem+json"),
        "{what}: {}",
        response.text()
    );
    let body = response.json();
    assert!(body["code"].is_string(), "{what}: {body}");
    assert_eq!(body["status"], response.status, "{what}: {body}");
}

/// Sends `POST path` with a body of `size` bytes over a raw connection, reading the answer while
/// the body is still being written: the server may answer 413 and close before reading it all,
/// which a client that writes the whole body first sees as a broken pipe.
pub(crate) async fn post_large(
    server: &TestServer,
    path: &str,
    bearer: Option<&str>,
    size: usize,
) -> brevet_test_support::Response {
    use std::io::{Read, Write};
    let address = server.base_url.trim_start_matches("http://").to_owned();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {size}\r\nConnection: close\r\n"
    );
    if let Some(token) = bearer {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    head.push_str("\r\n");
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        let mut writer = stream.try_clone().unwrap();
        let writing = std::thread::spawn(move || {
            let chunk = vec![b'['; 64 * 1024];
            let mut sent = 0;
            while sent < size {
                let n = chunk.len().min(size - sent);
                if writer.write_all(&chunk[..n]).is_err() {
                    break;
                }
                sent += n;
            }
        });
        let mut received = Vec::new();
        let mut buffer = [0u8; 16 * 1024];
        loop {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
            if let Some(response) = parse_response(&received) {
                let _ = stream.shutdown(std::net::Shutdown::Both);
                let _ = writing.join();
                return response;
            }
        }
        panic!(
            "no complete response to a {size}-byte body: {}",
            String::from_utf8_lossy(&received)
        );
    })
    .await
    .unwrap()
}

/// A complete HTTP/1.1 response with a `Content-Length`, if `bytes` holds one.
fn parse_response(bytes: &[u8]) -> Option<brevet_test_support::Response> {
    let end = bytes.windows(4).position(|window| window == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())?;
    let body = bytes.get(end + 4..end + 4 + length)?.to_vec();
    Some(brevet_test_support::Response {
        status,
        headers,
        body,
    })
}

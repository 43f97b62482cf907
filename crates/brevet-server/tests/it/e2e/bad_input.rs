//! Bad input of every kind, on both backends: malformed JSON, duplicate keys, unknown fields
//! (mass assignment, TEN-02), missing or invalid recipients, the DATE-01 dates, a 10 MB body,
//! deeply nested JSON, bad Idempotency-Keys. Each is a 4xx problem+json and leaves every table
//! of the database unchanged.

use brevet_test_support::{Db, Request, Response, TestServer};
use serde_json::{Value, json};

use super::{assert_problem, award, award_body, issuer, post_large, row_counts};

/// Ten megabytes (DOS-01 (d)).
const TEN_MB: usize = 10 * 1024 * 1024;

/// The DATE-01 values that are refused (a missing timezone, a date alone, month 13,
/// 30 February, a leap second, a six-digit year).
const BAD_DATES: [&str; 6] = [
    "2026-01-01T00:00:00",
    "2026-01-01",
    "2026-13-01T00:00:00Z",
    "2026-02-30T00:00:00Z",
    "2016-12-31T23:59:60Z",
    "+275760-09-13T00:00:00Z",
];

fn raw(path: &str, body: impl Into<Vec<u8>>) -> Request {
    Request::method("POST", path).body("application/json", body)
}

fn cases(achievement_id: &str, key: &str) -> Vec<(String, Request)> {
    let award_path = "/api/v1/credentials";
    let good = award_body(achievement_id, "ada@example.org");
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        Request::post_json(award_path, &body).bearer(key)
    };
    let mut cases: Vec<(String, Request)> = vec![
        ("malformed JSON".into(), raw(award_path, "{\"achievement_id\":").bearer(key)),
        ("not an object".into(), raw(award_path, "[1, 2, 3]").bearer(key)),
        ("empty body".into(), raw(award_path, "").bearer(key)),
        ("not UTF-8".into(), raw(award_path, vec![b'{', 0xff, 0xfe, b'}']).bearer(key)),
        (
            "duplicate keys".into(),
            raw(
                award_path,
                format!(
                    "{{\"achievement_id\":\"{achievement_id}\",\"achievement_id\":\"x\",\"recipient\":{{\"email\":\"ada@example.org\"}}}}"
                ),
            )
            .bearer(key),
        ),
        ("unknown top-level field (org_id)".into(), with("org_id", json!("another-org"))),
        ("unknown field (status index)".into(), with("status_list_index", json!(7))),
        ("unknown field (proof)".into(), with("proof", json!({"type": "DataIntegrityProof"}))),
        (
            "unknown recipient field".into(),
            with("recipient", json!({"email": "ada@example.org", "role": "owner"})),
        ),
        (
            "missing recipient".into(),
            Request::post_json(award_path, &json!({"achievement_id": achievement_id})).bearer(key),
        ),
        ("recipient without email or DID".into(), with("recipient", json!({"name": "Ada"}))),
        ("recipient of the wrong type".into(), with("recipient", json!("ada@example.org"))),
        ("invalid email".into(), with("recipient", json!({"email": "not an email"}))),
        ("invalid DID".into(), with("recipient", json!({"did": "http://example.org"}))),
        (
            "evidence with a javascript: URL".into(),
            with("evidence", json!([{"url": "javascript:alert(1)", "name": "x"}])),
        ),
        ("empty evidence".into(), with("evidence", json!([{}]))),
        ("unknown achievement".into(), with("achievement_id", json!("0123456789abcdef0123456789abcdef"))),
        ("achievement id of the wrong type".into(), with("achievement_id", json!(42))),
        (
            "valid_from after valid_until".into(),
            with("valid_from", json!("2030-01-02T00:00:00Z")).tap(|request| {
                let mut body: Value = serde_json::from_slice(request.body.as_ref().unwrap()).unwrap();
                body["valid_until"] = json!("2030-01-01T00:00:00Z");
                request.body = Some(body.to_string().into_bytes());
            }),
        ),
        ("deeply nested JSON".into(), raw(award_path, "[".repeat(100_000)).bearer(key)),
        (
            "deeply nested JSON in a field".into(),
            raw(
                award_path,
                format!(
                    "{{\"achievement_id\":\"{achievement_id}\",\"recipient\":{{\"email\":\"a@b.org\"}},\"results\":{}{}}}",
                    "[".repeat(5_000),
                    "]".repeat(5_000)
                ),
            )
            .bearer(key),
        ),
        (
            "an Idempotency-Key of 256 characters".into(),
            Request::post_json(award_path, &good)
                .bearer(key)
                .header("idempotency-key", &"k".repeat(256)),
        ),
        ("wrong method".into(), Request::method("DELETE", "/api/v1/verify")),
        ("unknown API path".into(), Request::get("/api/v1/nothing-here").bearer(key)),
        ("verify: malformed JSON".into(), raw("/api/v1/verify", "{\"@context\":")),
        ("verify: deeply nested JSON".into(), raw("/api/v1/verify", "[".repeat(100_000))),
        (
            "revoke: unknown field".into(),
            Request::post_json(
                "/api/v1/credentials/0123456789abcdef0123456789abcdef/revoke",
                &json!({"reason": "x", "purpose": "suspension"}),
            )
            .bearer(key),
        ),
        (
            "revoke: unknown credential".into(),
            Request::post_json(
                "/api/v1/credentials/0123456789abcdef0123456789abcdef/revoke",
                &json!({"reason": "x"}),
            )
            .bearer(key),
        ),
        (
            "award without an API key".into(),
            Request::post_json(award_path, &good),
        ),
        (
            "award with an unknown API key".into(),
            Request::post_json(award_path, &good).bearer("brv_0000"),
        ),
        (
            "API key in the query string".into(),
            Request::post_json(&format!("{award_path}?api_key={key}"), &good).bearer(key),
        ),
    ];
    for date in BAD_DATES {
        cases.push((
            format!("valid_from {date}"),
            with("valid_from", json!(date)),
        ));
        cases.push((
            format!("valid_until {date}"),
            with("valid_until", json!(date)),
        ));
    }
    cases
}

/// A small combinator for building a case from another.
trait Tap: Sized {
    fn tap(self, change: impl FnOnce(&mut Self)) -> Self;
}

impl Tap for Request {
    fn tap(mut self, change: impl FnOnce(&mut Self)) -> Self {
        change(&mut self);
        self
    }
}

async fn send(server: &TestServer, request: Request) -> Response {
    server.request(request).await
}

#[tokio::test]
async fn bad_input_is_a_4xx_problem_and_changes_nothing() {
    for db in Db::BOTH {
        let Some(setup) = issuer(db, "acme").await else {
            continue;
        };
        let (server, key) = (&setup.server, setup.org.api_key.as_str());
        // One credential exists, so that revocation routes have something to refuse to touch.
        award(
            server,
            key,
            &award_body(&setup.achievement_id, "first@example.org"),
        )
        .await;
        let before = row_counts(server).await;
        for (what, request) in cases(&setup.achievement_id, key) {
            let response = send(server, request).await;
            assert_problem(&response, &what);
            assert_eq!(
                row_counts(server).await,
                before,
                "{what} changed the database"
            );
        }
        // 10 MB bodies (DOS-01): 413 at the body limit, before parsing.
        for (path, bearer) in [("/api/v1/credentials", Some(key)), ("/api/v1/verify", None)] {
            let response = post_large(server, path, bearer, TEN_MB).await;
            assert_eq!(response.status, 413, "{path}: {}", response.text());
            assert_problem(&response, path);
            assert_eq!(row_counts(server).await, before, "a 10 MB body to {path}");
        }
    }
}

#[tokio::test]
async fn deep_nesting_is_400() {
    let Some(setup) = issuer(Db::Sqlite, "acme").await else {
        return;
    };
    let (server, key) = (&setup.server, setup.org.api_key.as_str());
    for path in ["/api/v1/verify", "/api/v1/credentials"] {
        let nested = send(server, raw(path, "[".repeat(100_000)).bearer(key)).await;
        assert_eq!(nested.status, 400, "{path}: {}", nested.text());
    }
}

#[tokio::test]
async fn an_offset_of_minus_zero_is_the_same_instant_as_z() {
    // DATE-01: "-00:00" is accepted as UTC, consistently (brevet-core's datetime rules).
    let Some(setup) = issuer(Db::Sqlite, "acme").await else {
        return;
    };
    let mut body = award_body(&setup.achievement_id, "ada@example.org");
    body["valid_from"] = json!("2026-01-01T00:00:00-00:00");
    let awarded = award(&setup.server, &setup.org.api_key, &body).await;
    assert_eq!(awarded["credential"]["validFrom"], "2026-01-01T00:00:00Z");
}

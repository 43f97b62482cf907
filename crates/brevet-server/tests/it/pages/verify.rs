//! The verify page (`GET /verify`, `POST /verify` pasted or uploaded) and `POST /api/v1/verify`,
//! on both backends.

use brevet_test_support::{Db, Request, Response, TestServer};
use serde_json::{Value, json};

use super::{assert_page_headers, award_simple, get, issuer, links, verdict};

const CHECKS: [&str; 6] = [
    "syntax",
    "context",
    "proof",
    "issuer-key",
    "validity",
    "status",
];

const BOUNDARY: &str = "----brevet-test-boundary-7MA4YWxkTrZu0gW";

/// A multipart/form-data body with a `credential` text field and a `file` field.
fn multipart(text: &str, file: Option<&[u8]>) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"credential\"\r\n\r\n{text}\r\n"
        )
        .as_bytes(),
    );
    let (filename, content): (&str, &[u8]) = match file {
        Some(content) => ("credential.json", content),
        None => ("", b""),
    };
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
             Content-Type: application/json\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn post_form(server: &TestServer, text: &str, file: Option<&[u8]>) -> Response {
    server
        .request(Request::method("POST", "/verify").body(
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            multipart(text, file),
        ))
        .await
}

fn outcome_of(html: &str, check: &str) -> String {
    let marker = format!("id=\"check-{check}\"");
    let row = &html[html.find(&marker).expect("the check's row")..];
    let row = &row[..row.find("</tr>").expect("row end")];
    let start = row.find("outcome-").expect("an outcome") + "outcome-".len();
    row[start..start + row[start..].find('"').expect("class end")].to_owned()
}

fn tampered(credential: &Value) -> Value {
    let mut tampered = credential.clone();
    tampered["credentialSubject"]["achievement"]["name"] = json!("Brain Surgery");
    tampered
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_is_labelled_and_ignores_url_and_next() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let response = get(&server, "/verify").await;
        assert_eq!(response.status, 200);
        assert_page_headers(&response);
        let html = response.text();
        for expected in [
            "<label for=\"credential-json\">",
            "<textarea id=\"credential-json\" name=\"credential\"",
            "<label for=\"credential-file\">",
            "<input id=\"credential-file\" name=\"file\" type=\"file\"",
            "enctype=\"multipart/form-data\"",
            "method=\"post\"",
        ] {
            assert!(html.contains(expected), "no {expected:?} in {html}");
        }
        assert!(!html.contains("<script"));

        // WEB-02: neither a remote URL is fetched nor a redirect made.
        let issuer = issuer(&server, "acme").await;
        let awarded = award_simple(&server, &issuer).await;
        let own = format!(
            "{}/c/{}/credential.json",
            server.base_url,
            awarded["id"].as_str().unwrap()
        );
        for query in [
            format!("?url={own}"),
            "?url=https://evil.example/fake.json".to_owned(),
            "?next=//evil.example".to_owned(),
            "?next=https://evil.example/&url=javascript:alert(1)".to_owned(),
        ] {
            let response = get(&server, &format!("/verify{query}")).await;
            assert_eq!(response.status, 200, "{query}");
            assert_eq!(response.header("location"), None, "{query}");
            let page = response.text();
            assert_eq!(page, html, "{db:?}: the query changed the page: {query}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pasted_or_uploaded_credential_is_verified_check_by_check() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let awarded = award_simple(&server, &issuer).await;
        let credential = awarded["credential"].to_string();
        let pretty = serde_json::to_string_pretty(&awarded["credential"]).unwrap();

        for response in [
            post_form(&server, &credential, None).await,
            post_form(&server, "", Some(pretty.as_bytes())).await,
            // A chosen file wins over pasted text.
            post_form(&server, "not json", Some(credential.as_bytes())).await,
            server
                .request(Request::method("POST", "/verify").body(
                    "application/x-www-form-urlencoded",
                    format!("credential={}", percent_encode(&credential)),
                ))
                .await,
        ] {
            assert_eq!(response.status, 200, "{db:?}: {}", response.text());
            assert_page_headers(&response);
            let html = response.text();
            assert_eq!(verdict(&html), "Verified", "{db:?}: {html}");
            for check in CHECKS {
                assert_eq!(outcome_of(&html, check), "passed", "{db:?}: {check}");
            }
            assert!(html.contains("id=\"summary-recipient\">Ada Lovelace<"));
            assert!(!html.contains("ada@example.org"));
        }

        let response =
            post_form(&server, &tampered(&awarded["credential"]).to_string(), None).await;
        assert_eq!(response.status, 200);
        let html = response.text();
        assert_eq!(verdict(&html), "Invalid", "{db:?}");
        assert_eq!(outcome_of(&html, "proof"), "failed");
        assert!(html.contains("do not rely on it"));

        let html = post_form(&server, "{\"a\": 1, \"a\": 2}", None)
            .await
            .text();
        assert_eq!(verdict(&html), "Invalid");
        assert_eq!(outcome_of(&html, "syntax"), "failed");
        for check in &CHECKS[1..] {
            assert_eq!(outcome_of(&html, check), "could-not-check", "{check}");
        }

        // Hostile text in a pasted credential is as inert as on the credential page.
        let mut hostile = awarded["credential"].clone();
        hostile["credentialSubject"]["achievement"]["name"] = json!("<img src=x onerror=alert(1)>");
        hostile["credentialSubject"]["identifier"][1]["identityHash"] = json!("Eve\u{202E}gnp.exe");
        hostile["issuer"]["name"] = json!("</dd><script>alert(1)</script>");
        let html = post_form(&server, &hostile.to_string(), None).await.text();
        assert_eq!(verdict(&html), "Invalid");
        for raw in ["<img src=x", "<script", "\u{202E}"] {
            assert!(!html.contains(raw), "{db:?}: {raw:?} reached the page");
        }
        assert!(html.contains("id=\"summary-achievement\">&lt;img src=x onerror=alert(1)&gt;<"));
        assert!(html.contains("id=\"summary-recipient\">Eve\u{FFFD}gnp.exe<"));

        let html = post_form(&server, "[]", Some(&[0xff, 0xfe, b'{']))
            .await
            .text();
        assert_eq!(verdict(&html), "Invalid");
        assert!(html.contains("not UTF-8"));

        // Revoked and expired credentials say so.
        let id = awarded["id"].as_str().unwrap();
        let revoked = server
            .request(
                Request::post_json(
                    &format!("/api/v1/credentials/{id}/revoke"),
                    &json!({"reason": "Cheating"}),
                )
                .bearer(&issuer.api_key),
            )
            .await;
        assert_eq!(revoked.status, 200);
        let html = post_form(&server, &credential, None).await.text();
        assert_eq!(verdict(&html), "Revoked", "{db:?}");
        assert_eq!(outcome_of(&html, "status"), "failed");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_or_unreadable_forms_are_a_400_with_the_form() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        for response in [
            post_form(&server, "  \n ", None).await,
            server
                .request(
                    Request::method("POST", "/verify")
                        .body("application/x-www-form-urlencoded", "credential="),
                )
                .await,
        ] {
            assert_eq!(response.status, 400);
            assert_page_headers(&response);
            let html = response.text();
            assert!(html.contains("id=\"form-error\""), "{html}");
            assert!(html.contains("<textarea id=\"credential-json\""));
        }
        let broken = server
            .request(Request::method("POST", "/verify").body(
                &format!("multipart/form-data; boundary={BOUNDARY}"),
                b"--nope".to_vec(),
            ))
            .await;
        assert_eq!(broken.status, 400, "{}", broken.text());
        let too_large = server
            .request_refusable(Request::method("POST", "/verify").body(
                &format!("multipart/form-data; boundary={BOUNDARY}"),
                multipart(&" ".repeat(3 * 1024 * 1024), None),
            ))
            .await;
        assert_eq!(too_large.status, 413, "{}", too_large.text());
        assert!(too_large.text().contains("too large"));
        assert!(broken.text().contains("id=\"form-error\""));
        assert!(
            links(&broken.text())
                .iter()
                .all(|link| !link.contains("//evil"))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_verify_api_answers_the_report() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let awarded = award_simple(&server, &issuer).await;

        let response = server
            .request(Request::post_json("/api/v1/verify", &awarded["credential"]))
            .await;
        assert_eq!(response.status, 200, "{db:?}: {}", response.text());
        let report = response.json();
        assert_eq!(report["verified"], true, "{report}");
        let names: Vec<&str> = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|check| check["check"].as_str().unwrap())
            .collect();
        assert_eq!(names, CHECKS);

        let wrapped = json!({"verifiableCredential": awarded["credential"]});
        let response = server
            .request(Request::post_json("/api/v1/verify", &wrapped))
            .await;
        assert_eq!(response.json()["verified"], true);

        // An invalid credential is still a 200: the report is the answer.
        let response = server
            .request(Request::post_json(
                "/api/v1/verify",
                &tampered(&awarded["credential"]),
            ))
            .await;
        assert_eq!(response.status, 200);
        let report = response.json();
        assert_eq!(report["verified"], false);
        assert_eq!(report["checks"][2]["check"], "proof");
        assert_eq!(report["checks"][2]["outcome"], "failed");

        for body in [&b"{not json"[..], b"{\"a\":1,\"a\":2}", &[0xff, 0xfe]] {
            let response = server
                .request(
                    Request::method("POST", "/api/v1/verify")
                        .body("application/json", body.to_vec()),
                )
                .await;
            assert_eq!(response.status, 400, "{db:?}: {}", response.text());
            assert_eq!(
                response.header("content-type"),
                Some("application/problem+json")
            );
            let problem = response.json();
            assert_eq!(problem["status"], 400);
            assert_eq!(problem["code"], "MALFORMED_JSON");
        }
    }
}

/// `application/x-www-form-urlencoded` encoding of a value.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

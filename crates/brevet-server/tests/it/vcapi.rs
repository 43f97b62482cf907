//! The VC-API endpoints on both backends: issue (issuer filled or refused, status entries,
//! invalid input refused with problem+json and no database change, idempotency,
//! authentication), credential and presentation verification (200 only when verified, 400 when a
//! check failed, 422 when one could not be made), status set and clear (seen at once), list
//! publication, and another organisation's key.

use brevet_core::linked_data::LinkedData;
use brevet_core::multikey::Ed25519KeyPair;
use brevet_core::proof::{self, Cryptosuite, ProofOptions};
use brevet_core::statuslist::Bitstring;
use brevet_test_support::{Db, Request, Response, TestServer};
use serde_json::{Value, json};

mod status;
mod verify;

/// A server with one organisation: `(server, api key, did)`.
async fn server_with_org(db: Db, slug: &str) -> Option<(TestServer, String, String)> {
    let server = TestServer::start(db).await?;
    let org = server.create_org(slug).await;
    Some((server, org.api_key, org.did))
}

fn plain_credential() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:key:z6MkhTNL7i2etLerDK8Acz5t528giE5KA4p75T6ka1E1D74r"}
    })
}

/// An Open Badges 3.0 credential without issuer, id or dates.
fn open_badge() -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Rust Basics",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.edu/achievements/rust-basics",
                "type": ["Achievement"],
                "name": "Rust Basics",
                "description": "Writes safe, idiomatic Rust.",
                "criteria": {"narrative": "Passed the final assessment."}
            }
        }
    })
}

async fn issue(server: &TestServer, key: &str, body: Value) -> Response {
    server
        .request(Request::post_json("/credentials/issue", &body).bearer(key))
        .await
}

/// Issues `credential` and returns the signed credential (asserting 201).
async fn issue_ok(server: &TestServer, key: &str, body: Value) -> Value {
    let response = issue(server, key, body).await;
    assert_eq!(response.status, 201, "{}", response.text());
    response.json()["verifiableCredential"].clone()
}

async fn verify(server: &TestServer, credential: &Value) -> Response {
    server
        .request(Request::post_json(
            "/credentials/verify",
            &json!({"verifiableCredential": credential, "options": {"checks": ["proof"]}}),
        ))
        .await
}

fn entries(credential: &Value) -> Vec<Value> {
    match &credential["credentialStatus"] {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        single => vec![single.clone()],
    }
}

fn error_codes(response: &Response) -> Vec<String> {
    response.json()["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|error| error["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn assert_problem(response: &Response, status: u16, code: &str) {
    assert_eq!(response.status, status, "{}", response.text());
    assert_eq!(
        response.header("content-type"),
        Some("application/problem+json"),
        "{}",
        response.text()
    );
    assert_eq!(response.json()["code"], code, "{}", response.text());
}

/// What a refused request must leave unchanged: credentials, status lists and their use.
async fn footprint(server: &TestServer) -> (i64, usize, i64) {
    let mut conn = server.app.store().read().await.unwrap();
    let orgs = brevet_store::orgs::list(&mut conn).await.unwrap();
    let mut credentials = 0;
    let mut lists = 0;
    let mut used = 0;
    for org in orgs {
        credentials += brevet_store::credentials::count_for_org(&mut conn, &org.id)
            .await
            .unwrap();
        let found = brevet_store::status::lists_for_org(&mut conn, &org.id)
            .await
            .unwrap();
        lists += found.len();
        used += found.iter().map(|list| list.used).sum::<i64>();
    }
    (credentials, lists, used)
}

/// The bit of `entry` in the list served at its `statusListCredential`.
async fn served_bit(server: &TestServer, entry: &Value) -> bool {
    let url = entry["statusListCredential"].as_str().unwrap();
    let response = server.request(Request::get(url)).await;
    assert_eq!(response.status, 200);
    let list = response.json();
    let bits =
        Bitstring::decode(list["credentialSubject"]["encodedList"].as_str().unwrap()).unwrap();
    let index: usize = entry["statusListIndex"].as_str().unwrap().parse().unwrap();
    bits.get(index).unwrap()
}

async fn set_status(server: &TestServer, key: &str, body: Value) -> Response {
    server
        .request(Request::post_json("/credentials/status", &body).bearer(key))
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn issue_fills_the_issuer_id_and_date_and_adds_a_revocation_entry() {
    for db in Db::BOTH {
        let Some((server, key, did)) = server_with_org(db, "acme").await else {
            continue;
        };
        let signed = issue_ok(&server, &key, json!({"credential": plain_credential()})).await;
        assert_eq!(signed["issuer"]["id"], did, "{db:?}");
        assert_eq!(signed["issuer"]["name"], "Org acme");
        let id = signed["id"].as_str().unwrap();
        assert!(id.starts_with(&format!("{}/c/", server.base_url)), "{id}");
        assert!(signed["validFrom"].is_string());
        assert_eq!(signed["proof"]["cryptosuite"], "eddsa-rdfc-2022");
        let status = entries(&signed);
        assert_eq!(status.len(), 1);
        assert_eq!(status[0]["type"], "BitstringStatusListEntry");
        assert_eq!(status[0]["statusPurpose"], "revocation");
        assert!(server.app.verify(&signed).await.verified);
        // Stored, byte for byte, as a VC-API credential of the organisation.
        let public_id = id.rsplit('/').next().unwrap();
        let mut conn = server.app.store().read().await.unwrap();
        let record = brevet_store::credentials::get(&mut conn, public_id)
            .await
            .unwrap();
        assert_eq!(record.source, "vc-api");
        assert_eq!(serde_json::from_str::<Value>(&record.json).unwrap(), signed);
        drop(conn);
        // An Open Badge gets the organisation's Profile and the OB rules.
        let badge = issue_ok(&server, &key, json!({"credential": open_badge()})).await;
        assert_eq!(badge["issuer"]["type"], json!(["Profile"]));
        assert_eq!(badge["issuer"]["id"], did);
        assert!(server.app.verify(&badge).await.verified);
        let mut invalid_badge = open_badge();
        invalid_badge["credentialSubject"]["achievement"]
            .as_object_mut()
            .unwrap()
            .remove("criteria");
        let refused = issue(&server, &key, json!({"credential": invalid_badge})).await;
        assert_eq!(refused.status, 422, "{}", refused.text());
        // The caller's own issuer (the organisation), id and validFrom are kept.
        let mut credential = plain_credential();
        credential["issuer"] = json!(did);
        credential["id"] = json!("urn:uuid:8a3c1b9e-2b2f-4c57-9d1e-0f6a7b8c9d01");
        credential["validFrom"] = json!("2026-01-01T00:00:00Z");
        let signed = issue_ok(&server, &key, json!({"credential": credential})).await;
        assert_eq!(signed["issuer"], json!(did));
        assert_eq!(
            signed["id"],
            "urn:uuid:8a3c1b9e-2b2f-4c57-9d1e-0f6a7b8c9d01"
        );
        assert_eq!(signed["validFrom"], "2026-01-01T00:00:00Z");
        // The same id again is a conflict, not a second credential.
        let again = issue(&server, &key, json!({"credential": credential})).await;
        assert_problem(&again, 409, "CONFLICT");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn issue_adds_a_suspension_entry_when_asked_and_signs_with_jcs() {
    for db in Db::BOTH {
        let Some((server, key, _)) = server_with_org(db, "acme").await else {
            continue;
        };
        for asked in [
            json!({"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}),
            json!([{"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}]),
        ] {
            let signed = issue_ok(
                &server,
                &key,
                json!({"credential": plain_credential(), "options": {
                    "cryptosuite": "eddsa-jcs-2022", "credentialStatus": asked
                }}),
            )
            .await;
            let purposes: Vec<Value> = entries(&signed)
                .iter()
                .map(|entry| entry["statusPurpose"].clone())
                .collect();
            assert_eq!(
                purposes,
                vec![json!("revocation"), json!("suspension")],
                "{db:?}"
            );
            assert_eq!(signed["proof"]["cryptosuite"], "eddsa-jcs-2022");
            let response = verify(&server, &signed).await;
            assert_eq!(response.status, 200, "{}", response.text());
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn vc_1_1_credentials_get_issuance_date_and_the_contexts_they_need() {
    for db in Db::BOTH {
        let Some((server, key, did)) = server_with_org(db, "acme").await else {
            continue;
        };
        let mut credential = plain_credential();
        credential["@context"] = json!(["https://www.w3.org/2018/credentials/v1"]);
        // Without options.credentialStatus a VC 1.1 credential gets no status entry, and so no
        // status/v1 context (which VC 1.1 verifiers often cannot load offline).
        let signed = issue_ok(&server, &key, json!({"credential": credential.clone()})).await;
        assert_eq!(signed["issuer"], json!(did), "{db:?}");
        assert!(signed["issuanceDate"].is_string());
        assert!(signed.get("validFrom").is_none());
        assert!(signed.get("credentialStatus").is_none(), "{signed}");
        assert_eq!(
            signed["@context"],
            json!([
                "https://www.w3.org/2018/credentials/v1",
                "https://w3id.org/security/data-integrity/v2"
            ])
        );
        let response = verify(&server, &signed).await;
        assert_eq!(response.status, 200, "{}", response.text());
        // Asked for, the entries come with the context that defines them.
        let suspension = json!({"type": "BitstringStatusListEntry", "statusPurpose": "suspension"});
        let signed = issue_ok(
            &server,
            &key,
            json!({"credential": credential, "options": {"credentialStatus": [suspension]}}),
        )
        .await;
        assert_eq!(
            signed["@context"],
            json!([
                "https://www.w3.org/2018/credentials/v1",
                "https://w3id.org/security/data-integrity/v2",
                "https://www.w3.org/ns/credentials/status/v1"
            ])
        );
        let purposes: Vec<Value> = entries(&signed)
            .iter()
            .map(|entry| entry["statusPurpose"].clone())
            .collect();
        assert_eq!(purposes, vec![json!("revocation"), json!("suspension")]);
        let response = verify(&server, &signed).await;
        assert_eq!(response.status, 200, "{}", response.text());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_issue_requests_are_refused_with_problem_json_and_change_nothing() {
    for db in Db::BOTH {
        let Some((server, key, did)) = server_with_org(db, "acme").await else {
            continue;
        };
        // A first credential, so that lists exist and their use can be compared.
        let first = issue_ok(&server, &key, json!({"credential": plain_credential()})).await;
        let first_entry = entries(&first)[0].clone();
        let before = footprint(&server).await;
        let with = |field: &str, value: Value| {
            let mut credential = plain_credential();
            credential[field] = value;
            json!({ "credential": credential })
        };
        let mut no_subject = plain_credential();
        no_subject
            .as_object_mut()
            .unwrap()
            .remove("credentialSubject");
        let mut signed_already = plain_credential();
        signed_already["issuer"] = json!(did);
        signed_already["proof"] = json!({"type": "DataIntegrityProof"});
        let cases = [
            (
                with("issuer", json!("did:web:evil.example")),
                400,
                "ISSUER_MISMATCH",
            ),
            (
                with(
                    "issuer",
                    json!({"id": "did:key:z6MkhTNL7i2etLerDK8Acz5t528giE5KA4p75T6ka1E1D74r"}),
                ),
                400,
                "ISSUER_MISMATCH",
            ),
            (with("issuer", Value::Null), 422, "MALFORMED_VALUE_ERROR"),
            (with("validFrom", json!("yesterday")), 422, "INVALID_DATE"),
            (
                with(
                    "@context",
                    json!(["https://www.w3.org/ns/credentials/examples/v2"]),
                ),
                422,
                "INVALID_CONTEXT",
            ),
            (
                with(
                    "@context",
                    json!([
                        "https://www.w3.org/ns/credentials/v2",
                        "https://attacker.example/ctx"
                    ]),
                ),
                422,
                "INVALID_CONTEXT",
            ),
            (
                with("type", json!(["ExampleCredential"])),
                422,
                "MALFORMED_VALUE_ERROR",
            ),
            (
                json!({ "credential": no_subject }),
                422,
                "MALFORMED_VALUE_ERROR",
            ),
            (
                json!({ "credential": signed_already }),
                422,
                "CREDENTIAL_ALREADY_SIGNED",
            ),
            (json!({"credential": "text"}), 400, "INVALID_REQUEST"),
            (
                json!({"credential": plain_credential(), "options": {"challenge": "x"}}),
                400,
                "INVALID_REQUEST",
            ),
            (
                json!({"credential": plain_credential(), "options": {"cryptosuite": "ecdsa-rdfc-2019"}}),
                400,
                "UNSUPPORTED_CRYPTOSUITE",
            ),
            (
                json!({"credential": plain_credential(), "options": {"credentialStatus": {"statusPurpose": "message"}}}),
                400,
                "INVALID_STATUS_PURPOSE",
            ),
        ];
        for (body, status, code) in cases {
            let response = issue(&server, &key, body.clone()).await;
            assert_eq!(
                response.status,
                status,
                "{db:?} {body}: {}",
                response.text()
            );
            assert_eq!(
                response.header("content-type"),
                Some("application/problem+json")
            );
            assert_eq!(response.json()["code"], code, "{body}: {}", response.text());
            assert!(!response.json()["detail"].as_str().unwrap().is_empty());
        }
        // An entry in one of this server's lists is Brevet's to allocate, never the caller's.
        let mut borrowed = plain_credential();
        borrowed["credentialStatus"] = first_entry.clone();
        let response = issue(&server, &key, json!({ "credential": borrowed })).await;
        assert_problem(&response, 422, "MALFORMED_VALUE_ERROR");
        let malformed = server
            .request(
                Request::method("POST", "/credentials/issue")
                    .body(
                        "application/json",
                        "{\"credential\": {}, \"credential\": {}}",
                    )
                    .bearer(&key),
            )
            .await;
        assert_problem(&malformed, 400, "MALFORMED_JSON");
        assert_eq!(
            footprint(&server).await,
            before,
            "{db:?}: the database changed"
        );
        // No key, or a wrong one: 401.
        let anonymous = server
            .request(Request::post_json(
                "/credentials/issue",
                &json!({"credential": plain_credential()}),
            ))
            .await;
        assert_problem(&anonymous, 401, "UNAUTHORIZED");
        let wrong = issue(
            &server,
            "brv_0000",
            json!({"credential": plain_credential()}),
        )
        .await;
        assert_eq!(wrong.status, 401);
        assert_eq!(footprint(&server).await, before);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idempotency_key_replays_the_first_credential() {
    for db in Db::BOTH {
        let Some((server, key, _)) = server_with_org(db, "acme").await else {
            continue;
        };
        let body = json!({"credential": plain_credential()});
        let send = || {
            server.request(
                Request::post_json("/credentials/issue", &body)
                    .bearer(&key)
                    .header("idempotency-key", "retry-1"),
            )
        };
        let first = send().await;
        let before = footprint(&server).await;
        let second = send().await;
        assert_eq!(first.status, 201, "{}", first.text());
        assert_eq!(second.status, 201);
        assert_eq!(first.body, second.body, "{db:?}");
        assert_eq!(footprint(&server).await, before);
    }
}

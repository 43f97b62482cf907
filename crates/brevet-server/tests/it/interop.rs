//! Interop with the JavaScript reference verifier (`interop/verify-server.mjs`:
//! `@digitalbazaar/vc`, the eddsa cryptosuites and `@digitalbazaar/vc-bitstring-status-list`,
//! the organisation's did:web and the status lists fetched from the running server): an award
//! made through `POST /api/v1/credentials` verifies, and after a revocation through the API the
//! JavaScript side reports it revoked; credentials issued through the VC-API verify too.
//!
//! Needs `interop/node_modules` (`npm ci` in `interop/`); without it the test prints
//! `SKIPPED: interop …` and passes, unless `BREVET_REQUIRE_INTEROP=1`, when it fails.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use brevet_store::achievements::{self, AchievementRecord};
use brevet_test_support::{Db, Request, TestServer};
use serde_json::{Value, json};

pub(crate) fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../interop")
}

/// Whether the JavaScript side can run; panics when it must but cannot.
pub(crate) fn interop_ready() -> bool {
    let required = std::env::var("BREVET_REQUIRE_INTEROP").is_ok_and(|value| value == "1");
    let installed = interop_dir().join("node_modules").is_dir();
    let node_found = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if installed && node_found {
        return true;
    }
    let why = if node_found {
        "interop/node_modules is missing"
    } else {
        "node is not on PATH"
    };
    assert!(
        !required,
        "BREVET_REQUIRE_INTEROP=1 but {why}: run `npm ci` in interop/"
    );
    println!("SKIPPED: interop with the JavaScript verifier ({why}; run npm ci in interop/)");
    false
}

/// What `verify-server.mjs` said: (exit code, stdout + stderr).
pub(crate) async fn js_verify(base_url: &str, credential: &Value) -> (i32, String) {
    let base_url = base_url.to_owned();
    let input = credential.to_string();
    tokio::task::spawn_blocking(move || {
        let mut child = Command::new("node")
            .arg("verify-server.mjs")
            .arg("--base-url")
            .arg(&base_url)
            .arg("-")
            .current_dir(interop_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run node");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write the credential");
        let output = child.wait_with_output().expect("node finished");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.code().unwrap_or(-1), text)
    })
    .await
    .expect("join")
}

async fn insert_achievement(server: &TestServer, org_id: &str) -> String {
    let now = server.app.now_unix();
    let record = AchievementRecord {
        id: brevet_app::ids::new_id(),
        org_id: org_id.to_owned(),
        achievement_type: "Badge".to_owned(),
        name: "Rust Basics".to_owned(),
        description: "Writes safe, idiomatic Rust.".to_owned(),
        criteria: "Passed the final assessment.".to_owned(),
        image_id: None,
        alignments_json: json!([{
            "type": ["Alignment"],
            "targetName": "Programming",
            "targetUrl": "https://example.org/frameworks/programming",
            "targetFramework": "Example Skills",
            "targetCode": "PRG-1"
        }])
        .to_string(),
        validity_days: Some(365),
        archived_at: None,
        created_at: now,
        updated_at: now,
    };
    let mut tx = server.app.store().begin().await.unwrap();
    achievements::insert(&mut tx, &record).await.unwrap();
    tx.commit().await.unwrap();
    record.id
}

#[tokio::test(flavor = "multi_thread")]
async fn the_javascript_verifier_accepts_awards_and_sees_revocations() {
    if !interop_ready() {
        return;
    }
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("northbridge").await;
        let achievement = insert_achievement(&server, &org.org_id).await;
        let awarded = server
            .request(
                Request::post_json(
                    "/api/v1/credentials",
                    &json!({
                        "achievement_id": achievement,
                        "recipient": {"email": "ada@example.org", "name": "Ada Lovelace"}
                    }),
                )
                .bearer(&org.api_key),
            )
            .await;
        assert_eq!(awarded.status, 201, "{db:?}: {}", awarded.text());
        let awarded = awarded.json();
        let credential = awarded["credential"].clone();
        assert!(
            credential["issuer"]["id"]
                .as_str()
                .unwrap()
                .starts_with("did:web:")
        );

        let (code, said) = js_verify(&server.base_url, &credential).await;
        assert_eq!(
            code, 0,
            "{db:?}: the JavaScript verifier refused the award:\n{said}"
        );
        assert!(said.contains("status revocation: not set"), "{said}");
        assert!(said.contains("status suspension: not set"), "{said}");

        let revoked = server
            .request(
                Request::post_json(
                    &format!(
                        "/api/v1/credentials/{}/revoke",
                        awarded["id"].as_str().unwrap()
                    ),
                    &json!({"reason": "issued in error"}),
                )
                .bearer(&org.api_key),
            )
            .await;
        assert_eq!(revoked.status, 200, "{}", revoked.text());
        let (code, said) = js_verify(&server.base_url, &credential).await;
        assert_eq!(code, 1, "{db:?}: a revoked credential verified:\n{said}");
        assert!(said.contains("status revocation: set"), "{said}");

        // A claim changed after signing: the JavaScript side refuses it too.
        let mut tampered = awarded["credential"].clone();
        tampered["name"] = json!("Rust Mastery");
        let (code, said) = js_verify(&server.base_url, &tampered).await;
        assert_eq!(code, 1, "{said}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_javascript_verifier_accepts_vc_api_credentials() {
    if !interop_ready() {
        return;
    }
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let org = server.create_org("northbridge").await;
    let plain = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:key:z6MkhTNL7i2etLerDK8Acz5t528giE5KA4p75T6ka1E1D74r"}
    });
    let badge = json!({
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
    });
    let mut vc_1_1 = plain.clone();
    vc_1_1["@context"] = json!(["https://www.w3.org/2018/credentials/v1"]);
    let suspension = json!({"type": "BitstringStatusListEntry", "statusPurpose": "suspension"});
    for (credential, options) in [
        (plain.clone(), json!({})),
        (
            plain,
            json!({"cryptosuite": "eddsa-jcs-2022", "credentialStatus": suspension}),
        ),
        (badge, json!({"credentialStatus": suspension})),
        // A VC 1.1 credential gets status entries (and the status/v1 context) when asked.
        (vc_1_1, json!({"credentialStatus": suspension})),
    ] {
        let issued = server
            .request(
                Request::post_json(
                    "/credentials/issue",
                    &json!({"credential": credential, "options": options}),
                )
                .bearer(&org.api_key),
            )
            .await;
        assert_eq!(issued.status, 201, "{}", issued.text());
        let signed = issued.json()["verifiableCredential"].clone();
        let (code, said) = js_verify(&server.base_url, &signed).await;
        assert_eq!(
            code, 0,
            "{options}: the JavaScript verifier refused:\n{said}"
        );
        assert!(said.contains("status revocation: not set"), "{said}");
    }
}

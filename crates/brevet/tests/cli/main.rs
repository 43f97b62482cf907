//! The `brevet` command line as a black box: exit statuses and outputs of `keys`, `sign`,
//! `verify` and `demo`, as the CLI contract (issue #2 item 7) states them, and `org create
//! --did-method`.

// Test helpers unwrap freely: a failure there is a failed test.
#![allow(clippy::unwrap_used)]

mod helpers;
mod operator_contexts;
mod org_create;

use std::path::{Path, PathBuf};

use brevet_core::issue::sign_credential;
use brevet_core::linked_data::LinkedData;
use brevet_core::multikey::KeyFile;
use brevet_core::proof::Cryptosuite;
use brevet_core::statuslist::{Bitstring, ListValidity, build_status_list_credential};
use serde_json::{Value, json};

use helpers::*;

#[test]
fn keys_sign_verify_round_trip_with_both_suites() {
    let dir = scratch("round-trip");
    let (key, issuer) = generate_key(&dir);
    let unsigned = write(&dir, "badge.json", &badge(&issuer));
    for suite in ["eddsa-rdfc-2022", "eddsa-jcs-2022"] {
        let signed = sign_file(&key, &unsigned, suite);
        assert_exit(&signed, 0);
        let document: Value = serde_json::from_slice(&signed.stdout).unwrap();
        assert_eq!(document["proof"]["cryptosuite"], suite);
        let mut claims = document.clone();
        claims.as_object_mut().unwrap().remove("proof");
        assert_eq!(claims, badge(&issuer), "no claim is changed");
        let created = document["proof"]["created"].as_str().unwrap();
        assert!(
            created.len() == 20 && created.ends_with('Z'),
            "created {created} is UTC, whole seconds"
        );
        let signed_file = write(&dir, &format!("signed-{suite}.json"), &document);
        let verified = brevet(&["verify", path(&signed_file)]);
        assert_exit(&verified, 0);
        let text = stdout(&verified);
        assert!(text.contains("✓ proof"), "{text}");
        assert!(text.contains("- status"), "{text}");
        let json = brevet(&["verify", "--json", path(&signed_file)]);
        assert_exit(&json, 0);
        let report: Value = serde_json::from_slice(&json.stdout).unwrap();
        assert_eq!(report["verified"], true);
        let names: Vec<&str> = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|check| check["check"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "syntax",
                "context",
                "proof",
                "issuer-key",
                "validity",
                "status"
            ]
        );
        assert_eq!(report["checks"][5]["outcome"], "not-applicable");
        // Standard input works too.
        let piped = brevet_with_stdin(&["verify", "-"], &serde_json::to_string(&document).unwrap());
        assert_exit(&piped, 0);
    }
}

#[test]
fn a_tampered_credential_is_invalid() {
    let dir = scratch("tamper");
    let (key, issuer) = generate_key(&dir);
    let unsigned = write(&dir, "badge.json", &badge(&issuer));
    let signed = sign_file(&key, &unsigned, "eddsa-rdfc-2022");
    assert_exit(&signed, 0);
    let mut document: Value = serde_json::from_slice(&signed.stdout).unwrap();
    document["credentialSubject"]["achievement"]["name"] = json!("Data Mastery");
    let tampered = write(&dir, "tampered.json", &document);
    let output = brevet(&["verify", "--json", path(&tampered)]);
    assert_exit(&output, 1);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verified"], false);
    assert_eq!(report["checks"][2]["outcome"], "failed");
    assert!(
        report["checks"][2]["detail"]
            .as_str()
            .unwrap()
            .contains("PROOF_VERIFICATION_ERROR")
    );
}

#[test]
fn unreadable_input_or_key_exits_2() {
    let dir = scratch("unreadable");
    let (key, issuer) = generate_key(&dir);
    let missing = dir.join("missing.json");
    assert_exit(&brevet(&["verify", path(&missing)]), 2);
    let garbage = dir.join("garbage.json");
    std::fs::write(&garbage, "{\"@context\": [").unwrap();
    assert_exit(&brevet(&["verify", path(&garbage)]), 2);
    let duplicate = dir.join("duplicate.json");
    std::fs::write(
        &duplicate,
        r#"{"issuer": "did:web:a.example", "issuer": "did:web:b.example"}"#,
    )
    .unwrap();
    let output = brevet(&["verify", path(&duplicate)]);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("duplicate"), "{}", stderr(&output));
    let unsigned = write(&dir, "badge.json", &badge(&issuer));
    assert_exit(&sign_file(&missing, &unsigned, "eddsa-rdfc-2022"), 2);
    let bad_key = dir.join("bad-key.json");
    std::fs::write(
        &bad_key,
        r#"{"type": "Multikey", "secretKeyMultibase": "z3u2notakey"}"#,
    )
    .unwrap();
    assert_exit(&sign_file(&bad_key, &unsigned, "eddsa-rdfc-2022"), 2);
    assert_exit(&sign_file(&key, &garbage, "eddsa-rdfc-2022"), 2);
}

#[test]
fn signing_for_another_issuer_or_an_invalid_credential_is_refused() {
    let dir = scratch("refused");
    let (key, _) = generate_key(&dir);
    let other = write(
        &dir,
        "other.json",
        &badge("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
    );
    let output = sign_file(&key, &other, "eddsa-rdfc-2022");
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("not the key's controller"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty());
    let mut undefined = badge("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK");
    undefined["gradeOverride"] = json!("A+");
    let undefined = write(&dir, "undefined.json", &undefined);
    let output = sign_file(&key, &undefined, "eddsa-rdfc-2022");
    assert_exit(&output, 1);
}

/// Signs a revocation list for `key` with `revoked` set, written to `dir`.
fn status_list_file(dir: &Path, key: &Path, revoked: &[usize]) -> PathBuf {
    let key_file = KeyFile::parse(&std::fs::read_to_string(key).unwrap()).unwrap();
    let mut bits = Bitstring::new(131_072);
    for index in revoked {
        bits.set(*index, true).unwrap();
    }
    let validity = ListValidity {
        valid_from: Some("2025-01-01T00:00:00Z".to_owned()),
        ..ListValidity::default()
    };
    let unsigned = build_status_list_credential(
        LIST_URL,
        &json!(key_file.controller),
        "revocation",
        &bits,
        &validity,
    );
    let signed = sign_credential(
        &unsigned,
        key_file.key_pair(),
        Cryptosuite::EddsaRdfc2022,
        "2025-01-01T00:00:00Z",
        LinkedData::shared(),
    )
    .unwrap();
    write(dir, &format!("list-{}.json", revoked.len()), &signed)
}

fn signed_with_status(dir: &Path, key: &Path, issuer: &str, index: u64) -> PathBuf {
    let mut credential = badge(issuer);
    credential["credentialStatus"] = json!({
        "id": format!("{LIST_URL}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": index.to_string(),
        "statusListCredential": LIST_URL
    });
    let unsigned = write(dir, "with-status.json", &credential);
    let output = sign_file(key, &unsigned, "eddsa-rdfc-2022");
    assert_exit(&output, 0);
    write(
        dir,
        "with-status.signed.json",
        &serde_json::from_slice(&output.stdout).unwrap(),
    )
}

#[test]
fn a_status_list_from_a_file_decides_revocation() {
    let dir = scratch("status");
    let (key, issuer) = generate_key(&dir);
    let credential = signed_with_status(&dir, &key, &issuer, 4242);
    let clear = status_list_file(&dir, &key, &[]);
    let output = brevet(&[
        "verify",
        "--offline",
        "--status-list",
        &format!("{LIST_URL}={}", path(&clear)),
        path(&credential),
    ]);
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("not revoked"),
        "{}",
        stdout(&output)
    );
    let revoked = status_list_file(&dir, &key, &[4242]);
    let output = brevet(&[
        "verify",
        "--offline",
        "--status-list",
        &format!("{LIST_URL}={}", path(&revoked)),
        path(&credential),
    ]);
    assert_exit(&output, 1);
    let text = stdout(&output);
    assert!(
        text.contains("✗ status") && text.contains("revoked"),
        "{text}"
    );
}

#[test]
fn offline_without_the_status_list_cannot_be_checked() {
    let dir = scratch("offline");
    let (key, issuer) = generate_key(&dir);
    let credential = signed_with_status(&dir, &key, &issuer, 7);
    let output = brevet(&["verify", "--offline", "--json", path(&credential)]);
    assert_exit(&output, 2);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verified"], false);
    assert_eq!(report["checks"][5]["outcome"], "could-not-check");
    assert!(
        report["checks"][5]["detail"]
            .as_str()
            .unwrap()
            .contains("STATUS_RETRIEVAL_ERROR")
    );
}

#[test]
fn verifying_outside_the_validity_period_is_invalid() {
    let dir = scratch("at");
    let (key, issuer) = generate_key(&dir);
    let unsigned = write(&dir, "badge.json", &badge(&issuer));
    let output = sign_file(&key, &unsigned, "eddsa-jcs-2022");
    assert_exit(&output, 0);
    let signed = write(
        &dir,
        "signed.json",
        &serde_json::from_slice(&output.stdout).unwrap(),
    );
    let later = brevet(&["verify", "--at", "2036-01-01T00:00:00Z", path(&signed)]);
    assert_exit(&later, 1);
    assert!(stdout(&later).contains("expired"), "{}", stdout(&later));
    assert!(stdout(&later).contains("✓ proof"), "{}", stdout(&later));
    // The bounds are inclusive; the proof was created now, so verify just before its end.
    let at_end = brevet(&["verify", "--at", "2035-01-01T00:00:00Z", path(&signed)]);
    assert_exit(&at_end, 0);
    assert_exit(&brevet(&["verify", "--at", "yesterday", path(&signed)]), 2);
}

#[test]
fn credential_text_cannot_drive_the_terminal() {
    let dir = scratch("escape");
    let mut credential = badge("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK");
    credential["validFrom"] = json!("\u{1b}]0;pwned\u{7}\u{1b}[2J2025");
    let file = write(&dir, "escape.json", &credential);
    let output = brevet(&["verify", "--offline", path(&file)]);
    assert_exit(&output, 1);
    assert!(
        !output.stdout.contains(&0x1b) && !output.stdout.contains(&0x07),
        "{}",
        stdout(&output)
    );
}

#[test]
fn the_demo_signs_and_verifies_end_to_end() {
    let dir = scratch("demo");
    let output = brevet(&["demo", "--dir", path(&dir.join("run"))]);
    assert_exit(&output, 0);
    let text = stdout(&output);
    assert!(
        text.contains("VERIFIED") && text.contains("✓ status"),
        "{text}"
    );
    assert!(dir.join("run/badge.signed.json").is_file());
}

#[test]
fn a_did_web_issuer_verifies_with_its_did_document_from_a_file() {
    use brevet_core::did::{DidWebKey, build_did_web_document};
    let dir = scratch("did-web");
    let (generated, _) = generate_key(&dir);
    let did = "did:web:issuer.example";
    let mut key_json: Value =
        serde_json::from_str(&std::fs::read_to_string(&generated).unwrap()).unwrap();
    key_json["id"] = json!(format!("{did}#key-1"));
    key_json["controller"] = json!(did);
    let key = write(&dir, "web-key.json", &key_json);
    let key_file = KeyFile::parse(&std::fs::read_to_string(&key).unwrap()).unwrap();
    let document = build_did_web_document(
        did,
        &[DidWebKey {
            fragment: "key-1".to_owned(),
            key: key_file.key_pair().verifying_key(),
        }],
    )
    .unwrap();
    let did_doc = write(&dir, "did.json", &document);
    let unsigned = write(&dir, "badge.json", &badge(did));
    let output = sign_file(&key, &unsigned, "eddsa-rdfc-2022");
    assert_exit(&output, 0);
    let signed = write(
        &dir,
        "signed.json",
        &serde_json::from_slice(&output.stdout).unwrap(),
    );
    assert_exit(
        &brevet(&[
            "verify",
            "--did-doc",
            &format!("{did}={}", path(&did_doc)),
            path(&signed),
        ]),
        0,
    );
    let offline = brevet(&["verify", "--offline", path(&signed)]);
    assert_exit(&offline, 2);
    assert!(
        stdout(&offline).contains("? issuer-key"),
        "{}",
        stdout(&offline)
    );
    // A DID document that is someone else's is refused.
    let mut foreign = document.clone();
    foreign["id"] = json!("did:web:evil.example");
    let foreign = write(&dir, "foreign.json", &foreign);
    assert_exit(
        &brevet(&[
            "verify",
            "--did-doc",
            &format!("{did}={}", path(&foreign)),
            path(&signed),
        ]),
        1,
    );
}

#[test]
fn no_request_reaches_a_loopback_address() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = scratch("loopback");
    let (key, issuer) = generate_key(&dir);
    // A status list on a loopback address (KEY-05 / STS-02): not fetched, could not check.
    let mut credential = badge(&issuer);
    let list_url = format!("https://127.0.0.1:{port}/status/1");
    credential["credentialStatus"] = json!({
        "id": format!("{list_url}#3"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "3",
        "statusListCredential": list_url
    });
    let unsigned = write(&dir, "badge.json", &credential);
    let signed = sign_file(&key, &unsigned, "eddsa-rdfc-2022");
    assert_exit(&signed, 0);
    let signed = write(
        &dir,
        "signed.json",
        &serde_json::from_slice(&signed.stdout).unwrap(),
    );
    let output = brevet(&["verify", "--json", path(&signed)]);
    assert_exit(&output, 2);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let status = report["checks"][5]["detail"].as_str().unwrap();
    assert!(
        status.contains("STATUS_RETRIEVAL_ERROR") && status.contains("non-public"),
        "{status}"
    );
    // A did:web issuer on a loopback address: not resolved.
    let did = format!("did:web:127.0.0.1%3A{port}");
    let mut forged = badge(&did);
    forged["proof"] = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-01-01T00:00:00Z",
        "verificationMethod": format!("{did}#key-1"),
        "proofPurpose": "assertionMethod",
        "proofValue": "z5C5b4uZfhRqCXmjzb8wSnXiJpK4ntGrVpDMKnDqFnnDAttGjQbUxWcSoS2LzSNNWcLT7MKhK3KMQ8MCKHR1i3Lui"
    });
    let forged = write(&dir, "forged.json", &forged);
    let output = brevet(&["verify", path(&forged)]);
    assert_exit(&output, 2);
    assert!(
        stdout(&output).contains("non-public"),
        "{}",
        stdout(&output)
    );
    // Nothing connected.
    assert!(
        matches!(listener.accept(), Err(error) if error.kind() == std::io::ErrorKind::WouldBlock)
    );
}

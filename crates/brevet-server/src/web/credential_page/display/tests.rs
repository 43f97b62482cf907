//! Reading the display model from credentials of every shape.

use serde_json::json;

use super::*;

const OWN: &str = "http://127.0.0.1:8080/images/";

#[test]
fn an_award_is_read_in_full() {
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "name": "Credential name",
        "issuer": {
            "id": "did:web:example.org:acme",
            "type": ["Profile"],
            "name": "Acme",
            "url": "https://acme.example",
            "image": {"id": "http://127.0.0.1:8080/images/abc123", "type": "Image"}
        },
        "validFrom": "2026-11-27T09:15:00Z",
        "validUntil": "2027-11-27T09:15:00+01:00",
        "credentialSubject": {
            "identifier": [
                {"type": "IdentityObject", "identityType": "emailAddress", "hashed": true,
                 "identityHash": "sha256$abc"},
                {"type": "IdentityObject", "identityType": "name", "hashed": false,
                 "identityHash": "Ada Lovelace"}
            ],
            "achievement": {
                "name": "Rust",
                "description": "Writes Rust.",
                "achievementType": "MicroCredential",
                "criteria": {"narrative": "Pass the test.", "id": "https://acme.example/c"},
                "image": "https://acme.example/badge.png",
                "alignment": [{"targetName": "Programming", "targetFramework": "ESCO",
                               "targetCode": "S1", "targetUrl": "javascript:alert(1)"}]
            }
        },
        "evidence": [{"id": "https://acme.example/e", "name": "Project"}],
        "proof": {"created": "2026-11-27T09:15:01Z"}
    });
    let display = CredentialDisplay::from_credential(&credential, OWN);
    assert_eq!(display.recipient_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(display.issuer.name.as_deref(), Some("Acme"));
    assert_eq!(
        display.issuer.logo.as_deref(),
        Some("http://127.0.0.1:8080/images/abc123")
    );
    assert_eq!(
        display.achievement.kind.as_deref(),
        Some("Micro-credential")
    );
    assert_eq!(
        display.achievement.criteria.as_deref(),
        Some("Pass the test.")
    );
    assert_eq!(display.achievement.skills.len(), 1);
    assert_eq!(
        display.achievement.skills[0].url, None,
        "javascript: dropped"
    );
    assert_eq!(
        display.evidence[0].url.as_deref(),
        Some("https://acme.example/e")
    );
    let from = display.valid_from.clone().expect("valid from");
    assert_eq!(from.iso, "2026-11-27T09:15:00Z");
    assert_eq!(from.words, "27 November 2026, 09:15 UTC");
    assert_eq!(
        display.valid_until.as_ref().map(|until| until.iso.as_str()),
        Some("2027-11-27T08:15:00Z")
    );
    assert!(display.signed.is_some());
    assert_eq!(
        display.preview_image().as_deref(),
        Some("https://acme.example/badge.png")
    );
}

#[test]
fn email_addresses_are_never_the_recipient_name() {
    let credential = json!({"credentialSubject": {"identifier": [
        {"identityType": "emailAddress", "hashed": false, "identityHash": "ada@example.org"},
        {"identityType": "name", "hashed": true, "identityHash": "sha256$x"}
    ]}});
    let display = CredentialDisplay::from_credential(&credential, OWN);
    assert_eq!(display.recipient_name, None);
}

#[test]
fn links_and_images_must_be_https_or_our_own() {
    let credential = json!({
        "issuer": {"name": "X", "url": "javascript:alert(1)",
                   "image": "data:text/html;base64,PHNjcmlwdD4="},
        "credentialSubject": {"achievement": {
            "image": {"id": "http://127.0.0.1:8080/images/../../admin"},
            "criteria": {"id": "http://plain.example"}
        }},
        "evidence": {"id": "\"><svg onload=alert(1)>"}
    });
    let display = CredentialDisplay::from_credential(&credential, OWN);
    assert_eq!(display.issuer.url, None);
    assert_eq!(display.issuer.logo, None);
    assert_eq!(display.achievement.image, None);
    assert_eq!(display.achievement.criteria_url, None);
    assert_eq!(display.evidence.len(), 1);
    assert_eq!(display.evidence[0].url, None);
}

#[test]
fn text_is_inert_and_bounded() {
    let credential = json!({
        "issuer": "did:key:z6Mk\u{202E}",
        "credentialSubject": {
            "name": "Eve\u{202E}gnp.exe",
            "achievement": {"name": [{"@value": "Nom", "@language": "fr"}],
                            "description": "x".repeat(MAX_TEXT + 10)}
        }
    });
    let display = CredentialDisplay::from_credential(&credential, OWN);
    assert_eq!(
        display.recipient_name.as_deref(),
        Some("Eve\u{FFFD}gnp.exe")
    );
    assert_eq!(display.issuer.id.as_deref(), Some("did:key:z6Mk\u{FFFD}"));
    assert_eq!(display.achievement.name.as_deref(), Some("Nom"));
    let description = display.achievement.description.unwrap_or_default();
    assert_eq!(description.chars().count(), MAX_TEXT + 1);
    assert!(description.ends_with('…'));
}

#[test]
fn anything_else_gives_an_empty_display() {
    for value in [json!(null), json!([]), json!("text"), json!({"issuer": 5})] {
        let display = CredentialDisplay::from_credential(&value, OWN);
        assert_eq!(display.title(), "Credential");
        assert_eq!(display.recipient_name, None);
    }
}

#[test]
fn bad_dates_are_shown_as_such() {
    let credential = json!({"validFrom": "2026-01-01T00:00:00", "validUntil": 5});
    let display = CredentialDisplay::from_credential(&credential, OWN);
    let from = display.valid_from.expect("shown");
    assert!(from.words.starts_with("not a valid date"), "{}", from.words);
    assert_eq!(from.iso, "");
    assert_eq!(display.valid_until, None);
}

#[test]
fn vc_1_1_dates_are_read() {
    let credential = json!({
        "@context": [brevet_core::contexts::CREDENTIALS_V1],
        "issuanceDate": "2020-01-01T00:00:00Z",
        "expirationDate": "2021-01-01T00:00:00Z"
    });
    let display = CredentialDisplay::from_credential(&credential, OWN);
    assert_eq!(
        display.valid_from.map(|d| d.iso).as_deref(),
        Some("2020-01-01T00:00:00Z")
    );
    assert_eq!(
        display.valid_until.map(|d| d.iso).as_deref(),
        Some("2021-01-01T00:00:00Z")
    );
}

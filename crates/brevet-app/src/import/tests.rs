//! Unit tests of recognition: dedupe keys, display fields and recipient identities, read from
//! untrusted JSON.

use serde_json::json;

use super::summary::{
    bytes_dedupe_key, from_ob2, from_vc, ob2_dedupe_key, vc_dedupe_key, vc_recipients,
};

#[test]
fn dedupe_keys_are_stable_and_separate_kinds() {
    let credential =
        json!({"id": "urn:uuid:1", "issuer": {"id": "did:web:a.example", "name": "A"}});
    let reordered = json!({"issuer": {"name": "A", "id": "did:web:a.example"}, "id": "urn:uuid:1"});
    assert_eq!(vc_dedupe_key(&credential), vc_dedupe_key(&reordered));
    assert!(vc_dedupe_key(&credential).starts_with("sha256:"));
    assert_eq!(vc_dedupe_key(&credential).len(), "sha256:".len() + 64);
    // Another issuer using the same id is another credential.
    let other_issuer = json!({"id": "urn:uuid:1", "issuer": "did:web:b.example"});
    assert_ne!(vc_dedupe_key(&credential), vc_dedupe_key(&other_issuer));
    // The wallet's key of an issued credential (the JCS of its stored text) is the same.
    assert_eq!(
        vc_dedupe_key(&credential),
        crate::wallet::dedupe_key_of_json(&credential.to_string())
    );
    // The content decides, whatever the key order.
    let a = json!({"issuer": "did:key:z6Mk1", "name": "x", "validFrom": "2026-01-01T00:00:00Z"});
    let b = json!({"validFrom": "2026-01-01T00:00:00Z", "name": "x", "issuer": "did:key:z6Mk1"});
    assert_eq!(vc_dedupe_key(&a), vc_dedupe_key(&b));
    let c = json!({"issuer": "did:key:z6Mk1", "name": "y", "validFrom": "2026-01-01T00:00:00Z"});
    assert_ne!(vc_dedupe_key(&a), vc_dedupe_key(&c));
    let assertion = json!({"id": "urn:uuid:1"});
    assert_ne!(
        ob2_dedupe_key(&assertion),
        vc_dedupe_key(&json!({"id": "urn:uuid:1"}))
    );
    assert_ne!(bytes_dedupe_key(b"urn:uuid:1"), ob2_dedupe_key(&assertion));
    // An Open Badges 2.0 assertion: its id decides; without one, its content.
    assert_eq!(
        ob2_dedupe_key(&assertion),
        ob2_dedupe_key(&json!({"id": "urn:uuid:1", "evidence": "added later"}))
    );
    assert_ne!(
        ob2_dedupe_key(&json!({"issuedOn": "2026-01-01"})),
        ob2_dedupe_key(&json!({"issuedOn": "2026-01-02"}))
    );
    assert_ne!(
        ob2_dedupe_key(&json!({"id": ""})),
        ob2_dedupe_key(&json!({"id": " "}))
    );
}

#[test]
fn display_fields_come_from_any_shape_and_never_show_emails_or_unsafe_links() {
    let credential = json!({
        "issuer": {"id": "did:web:a.example", "name": "Academy", "image": {"id": "javascript:alert(1)"}},
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2027-01-01T00:00:00Z",
        "credentialSubject": [{
            "identifier": [
                {"type": "IdentityObject", "identityType": "emailAddress", "hashed": false, "identityHash": "ada@example.org"},
                {"type": "IdentityObject", "identityType": "name", "hashed": false, "identityHash": "Ada Lovelace"}
            ],
            "achievement": {"name": "Rust", "image": {"id": "https://a.example/rust.png"}}
        }]
    });
    let summary = from_vc(&credential, "http://127.0.0.1:1/images/");
    assert_eq!(summary.achievement_name.as_deref(), Some("Rust"));
    assert_eq!(
        summary.achievement_image.as_deref(),
        Some("https://a.example/rust.png")
    );
    assert_eq!(summary.issuer_name.as_deref(), Some("Academy"));
    assert_eq!(summary.issuer_image, None);
    assert_eq!(summary.recipient.as_deref(), Some("Ada Lovelace"));
    assert_eq!(summary.issued.as_deref(), Some("2026-01-01T00:00:00Z"));
    assert_eq!(summary.expires.as_deref(), Some("2027-01-01T00:00:00Z"));
    let recipients = vc_recipients(&credential);
    assert!(
        recipients
            .iter()
            .any(|r| r.matches_email("ada@example.org"))
    );

    // Wrong shapes give nothing rather than an error.
    for odd in [
        json!(null),
        json!([1]),
        json!({"issuer": 5, "credentialSubject": "x", "validFrom": 3}),
    ] {
        assert_eq!(
            from_vc(&odd, ""),
            super::CredentialSummary::default(),
            "{odd}"
        );
        assert!(vc_recipients(&odd).is_empty());
    }

    let assertion = json!({
        "recipient": {"type": "email", "hashed": false, "identity": "ada@example.org"},
        "issuedOn": 1_767_225_600,
        "badge": {"name": "Embedded", "issuer": {"id": "https://i.example", "name": "I"}},
        "image": "http://insecure.example/badge.png"
    });
    let summary = from_ob2(&assertion, None, None);
    assert_eq!(summary.achievement_name.as_deref(), Some("Embedded"));
    assert_eq!(summary.issuer_name.as_deref(), Some("I"));
    assert_eq!(summary.recipient.as_deref(), Some("an email address"));
    assert_eq!(summary.issued.as_deref(), Some("1767225600"));
    assert_eq!(summary.achievement_image, None);
}

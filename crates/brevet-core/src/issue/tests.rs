//! Tests of issuing: what is refused, and that nothing but a proof is added.

use serde_json::json;

use super::*;

fn key() -> Ed25519KeyPair {
    Ed25519KeyPair::from_seed(&[3; 32])
}

fn credential(issuer: Value) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:5a1c2e3f-4b5d-4e6f-8a7b-9c0d1e2f3a4b",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "Badge",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "id": "did:example:learner",
            "achievement": {
                "id": "https://example.edu/a/1",
                "type": ["Achievement"],
                "name": "Badge",
                "description": "A badge.",
                "criteria": {"narrative": "Did it."}
            }
        }
    })
}

fn profile(id: &str) -> Value {
    json!({"id": id, "type": ["Profile"], "name": "Issuer"})
}

#[test]
fn signing_adds_a_proof_and_changes_no_claim() {
    let key = key();
    let unsigned = credential(profile(&key.did_key()));
    for suite in [Cryptosuite::EddsaRdfc2022, Cryptosuite::EddsaJcs2022] {
        let mut signed = sign_credential(
            &unsigned,
            &key,
            suite,
            "2025-02-03T04:05:06Z",
            LinkedData::shared(),
        )
        .unwrap();
        let proof = signed.as_object_mut().unwrap().remove("proof").unwrap();
        assert_eq!(signed, unsigned);
        assert_eq!(proof["cryptosuite"], suite.name());
        assert_eq!(proof["created"], "2025-02-03T04:05:06Z");
        assert_eq!(proof["verificationMethod"], key.did_key_method());
        assert_eq!(proof["proofPurpose"], "assertionMethod");
    }
}

#[test]
fn an_issuer_that_is_not_the_key_controller_is_refused() {
    let key = key();
    let other = Ed25519KeyPair::from_seed(&[4; 32]).did_key();
    for issuer in [profile(&other), profile("https://example.edu/issuer")] {
        let error = sign_credential(
            &credential(issuer),
            &key,
            Cryptosuite::EddsaRdfc2022,
            "2025-01-01T00:00:00Z",
            LinkedData::shared(),
        )
        .unwrap_err();
        assert!(
            matches!(error, IssueError::IssuerMismatch { .. }),
            "{error}"
        );
        assert!(error.to_string().contains("not the key's controller"));
    }
}

#[test]
fn an_invalid_credential_is_refused_naming_the_field() {
    let key = key();
    let mut unsigned = credential(profile(&key.did_key()));
    unsigned["validFrom"] = json!("2025-01-01T00:00:00");
    let error = sign_credential(
        &unsigned,
        &key,
        Cryptosuite::EddsaRdfc2022,
        "2025-01-01T00:00:00Z",
        LinkedData::shared(),
    )
    .unwrap_err();
    assert!(matches!(error, IssueError::Invalid(_)), "{error}");
    assert!(error.to_string().contains("validFrom"), "{error}");
    // An Open Badges issuer must be a Profile object, never a bare string.
    let bare = credential(json!(key.did_key()));
    let error = sign_credential(
        &bare,
        &key,
        Cryptosuite::EddsaRdfc2022,
        "2025-01-01T00:00:00Z",
        LinkedData::shared(),
    )
    .unwrap_err();
    assert!(matches!(error, IssueError::Invalid(_)), "{error}");
}

#[test]
fn unknown_contexts_are_refused() {
    let key = key();
    let mut unsigned = credential(profile(&key.did_key()));
    unsigned["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!("https://evil.example/ob.json"));
    let error = sign_credential(
        &unsigned,
        &key,
        Cryptosuite::EddsaRdfc2022,
        "2025-01-01T00:00:00Z",
        LinkedData::shared(),
    )
    .unwrap_err();
    assert!(
        matches!(error, IssueError::Context(ContextRuleError::Unknown { .. })),
        "{error}"
    );
}

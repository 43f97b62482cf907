//! Validity tests: the validity window and the proof window are inclusive, reported apart from
//! the signature (DATE-03), and VC 1.1 dates are read as issuance and expiration.

use super::*;

#[test]
fn date_03_validity_is_reported_apart_from_the_signature() {
    let key = issuer_key();
    let signed = sign(&badge(&key.did_key()), &key, Cryptosuite::EddsaRdfc2022);
    let expired = verify_with(&signed, &StaticSources::new(), at("2030-01-01T00:00:01Z"));
    assert_check(
        &expired,
        CheckName::Proof,
        Outcome::Passed,
        "signature verifies",
    );
    assert_check(&expired, CheckName::Validity, Outcome::Failed, "expired");
    assert_eq!(expired.verdict(), Verdict::Invalid);
    let early = verify_with(&signed, &StaticSources::new(), at("2024-12-31T23:59:59Z"));
    assert_check(
        &early,
        CheckName::Proof,
        Outcome::Passed,
        "signature verifies",
    );
    assert_check(
        &early,
        CheckName::Validity,
        Outcome::Failed,
        "not yet valid",
    );
    // The window is inclusive at both ends.
    assert!(verify_with(&signed, &StaticSources::new(), at("2030-01-01T00:00:00Z")).verified);
    assert!(verify_with(&signed, &StaticSources::new(), at("2025-01-01T00:00:00Z")).verified);
}

#[test]
fn the_proof_window_is_inclusive_too() {
    let key = issuer_key();
    let credential = badge(&key.did_key());
    let options = ProofOptions {
        expires: Some("2026-01-01T00:00:00Z".to_owned()),
        ..ProofOptions::new(
            Cryptosuite::EddsaRdfc2022,
            key.did_key_method(),
            "2025-06-01T00:00:00Z",
        )
    };
    let signed = proof::sign(&credential, &key, &options, LinkedData::shared()).unwrap();
    let at_time = |text: &str| verify_with(&signed, &StaticSources::new(), at(text));
    assert!(at_time("2025-06-01T00:00:00Z").verified);
    assert!(at_time("2026-01-01T00:00:00Z").verified);
    assert_check(
        &at_time("2026-01-01T00:00:01Z"),
        CheckName::Validity,
        Outcome::Failed,
        "proof expired",
    );
    assert_check(
        &at_time("2025-05-31T23:59:59Z"),
        CheckName::Validity,
        Outcome::Failed,
        "created in the future",
    );
}

#[test]
fn vc_1_1_dates_are_issuance_and_expiration() {
    let credential = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2025-01-01T00:00:00Z",
        "expirationDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject"}
    });
    assert_eq!(
        check_validity(&credential, at("2025-06-01T00:00:00Z")).outcome,
        Outcome::Passed
    );
    let early = check_validity(&credential, at("2024-12-31T23:59:59Z"));
    assert!(
        early.outcome == Outcome::Failed && early.detail.contains("issuanceDate"),
        "{early:?}"
    );
    let late = check_validity(&credential, at("2026-01-01T00:00:01Z"));
    assert!(
        late.outcome == Outcome::Failed && late.detail.contains("expirationDate"),
        "{late:?}"
    );
    // A date without a timezone is never read in local time.
    let mut floating = credential.clone();
    floating["issuanceDate"] = json!("2025-01-01T00:00:00");
    assert_eq!(
        check_validity(&floating, at("2025-06-01T00:00:00Z")).outcome,
        Outcome::Failed
    );
}

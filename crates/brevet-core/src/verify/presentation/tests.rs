//! Tests of the presentation checks: signed, unsigned, bound to another challenge or domain,
//! changed after signing, signed by a key that is not the holder's, expired, malformed.

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::*;
use crate::datetime::DateTimeStamp;
use crate::issue::sign_credential;
use crate::linked_data::LinkedData;
use crate::multikey::Ed25519KeyPair;
use crate::proof::{Cryptosuite, ProofOptions};
use crate::verify::NoSources;

const CHALLENGE: &str = "u3p8Xy1Yc0fJm2w";
const DOMAIN: &str = "verifier.example";

fn at(text: &str) -> OffsetDateTime {
    DateTimeStamp::parse(text).unwrap().instant()
}

fn env() -> VerifyEnv<'static> {
    VerifyEnv {
        now: at("2026-06-01T12:00:00Z"),
        ld: LinkedData::shared(),
        dids: &NoSources,
        status_lists: &NoSources,
    }
}

fn holder_key() -> Ed25519KeyPair {
    Ed25519KeyPair::from_seed(&[9; 32])
}

fn credential() -> Value {
    let issuer = Ed25519KeyPair::from_seed(&[7; 32]);
    let unsigned = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer.did_key(),
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": holder_key().did_key()}
    });
    sign_credential(
        &unsigned,
        &issuer,
        Cryptosuite::EddsaRdfc2022,
        "2025-01-01T00:00:00Z",
        LinkedData::shared(),
    )
    .unwrap()
}

fn unsigned_presentation(holder: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": [credential()]
    })
}

fn sign(presentation: &Value, key: &Ed25519KeyPair, edit: impl Fn(&mut ProofOptions)) -> Value {
    let mut options = ProofOptions::new(
        Cryptosuite::EddsaRdfc2022,
        key.did_key_method(),
        "2026-05-01T00:00:00Z",
    );
    options.proof_purpose = AUTHENTICATION.to_owned();
    options.challenge = Some(CHALLENGE.to_owned());
    options.domain = Some(DOMAIN.to_owned());
    edit(&mut options);
    proof::sign(presentation, key, &options, LinkedData::shared()).unwrap()
}

fn signed() -> Value {
    let key = holder_key();
    sign(&unsigned_presentation(&key.did_key()), &key, |_| {})
}

fn expecting() -> PresentationExpectations<'static> {
    PresentationExpectations {
        challenge: Some(CHALLENGE),
        domain: Some(DOMAIN),
    }
}

fn detail(report: &PresentationReport, name: PresentationCheckName) -> String {
    report
        .checks
        .iter()
        .find(|check| check.check == name)
        .map(|check| check.detail.clone())
        .unwrap_or_default()
}

#[test]
fn a_signed_presentation_with_the_asked_challenge_and_domain_verifies() {
    let report = check_presentation(&signed(), &expecting(), &env());
    assert!(report.verified, "{report:?}");
    assert_eq!(
        report.outcome(PresentationCheckName::Proof),
        Some(Outcome::Passed)
    );
    assert_eq!(
        report.outcome(PresentationCheckName::HolderKey),
        Some(Outcome::Passed)
    );
    assert_eq!(embedded_credentials(&signed()).len(), 1);
}

#[test]
fn another_challenge_or_domain_fails_with_its_code() {
    let wrong_challenge = PresentationExpectations {
        challenge: Some("another"),
        domain: Some(DOMAIN),
    };
    let report = check_presentation(&signed(), &wrong_challenge, &env());
    assert!(!report.verified);
    assert!(detail(&report, PresentationCheckName::Proof).starts_with(INVALID_CHALLENGE));
    let wrong_domain = PresentationExpectations {
        challenge: Some(CHALLENGE),
        domain: Some("evil.example"),
    };
    let report = check_presentation(&signed(), &wrong_domain, &env());
    assert!(!report.verified);
    assert!(detail(&report, PresentationCheckName::Proof).starts_with(INVALID_DOMAIN));
}

#[test]
fn a_changed_presentation_fails_the_signature() {
    let mut presentation = signed();
    presentation["id"] = json!("urn:uuid:5d2f0f49-52a4-4d0e-9a43-5e3f6c0d9a11");
    let report = check_presentation(&presentation, &expecting(), &env());
    assert_eq!(
        report.outcome(PresentationCheckName::Proof),
        Some(Outcome::Failed)
    );
    assert!(detail(&report, PresentationCheckName::Proof).starts_with("PROOF_VERIFICATION_ERROR"));
}

#[test]
fn the_key_must_be_the_holders_and_the_purpose_authentication() {
    let key = holder_key();
    let someone_else = Ed25519KeyPair::from_seed(&[66; 32]).did_key();
    let presentation = sign(&unsigned_presentation(&someone_else), &key, |_| {});
    let report = check_presentation(&presentation, &expecting(), &env());
    assert_eq!(
        report.outcome(PresentationCheckName::HolderKey),
        Some(Outcome::Failed)
    );
    let assertion = sign(&unsigned_presentation(&key.did_key()), &key, |options| {
        options.proof_purpose = "assertionMethod".to_owned();
    });
    let report = check_presentation(&assertion, &expecting(), &env());
    assert_eq!(
        report.outcome(PresentationCheckName::Proof),
        Some(Outcome::Failed)
    );
}

#[test]
fn an_expired_or_future_proof_fails() {
    let key = holder_key();
    let expired = sign(&unsigned_presentation(&key.did_key()), &key, |options| {
        options.expires = Some("2026-05-02T00:00:00Z".to_owned());
    });
    let report = check_presentation(&expired, &expecting(), &env());
    assert!(detail(&report, PresentationCheckName::Proof).contains("expired"));
    let future = sign(&unsigned_presentation(&key.did_key()), &key, |options| {
        options.created = "2027-01-01T00:00:00Z".to_owned();
    });
    let report = check_presentation(&future, &expecting(), &env());
    assert!(detail(&report, PresentationCheckName::Proof).contains("future"));
}

#[test]
fn an_unsigned_presentation_passes_only_when_nothing_was_asked() {
    let presentation = unsigned_presentation(&holder_key().did_key());
    let report = check_presentation(&presentation, &PresentationExpectations::default(), &env());
    assert!(report.verified, "{report:?}");
    assert_eq!(
        report.outcome(PresentationCheckName::Proof),
        Some(Outcome::NotApplicable)
    );
    let report = check_presentation(&presentation, &expecting(), &env());
    assert!(!report.verified);
    assert!(detail(&report, PresentationCheckName::Proof).starts_with(INVALID_CHALLENGE));
}

#[test]
fn malformed_presentations_fail_syntax_or_context() {
    let nothing = PresentationExpectations::default();
    let mut as_string = unsigned_presentation(&holder_key().did_key());
    as_string["verifiableCredential"] = json!(["not a credential"]);
    let report = check_presentation(&as_string, &nothing, &env());
    assert_eq!(
        report.outcome(PresentationCheckName::Syntax),
        Some(Outcome::Failed)
    );
    assert!(embedded_credentials(&as_string).is_empty());
    let mut untyped = unsigned_presentation(&holder_key().did_key());
    untyped["type"] = json!(["VerifiableCredential"]);
    let report = check_presentation(&untyped, &nothing, &env());
    assert!(detail(&report, PresentationCheckName::Syntax).starts_with(MALFORMED));
    let mut bad_holder = unsigned_presentation("not a url");
    bad_holder["holder"] = json!(42);
    let report = check_presentation(&bad_holder, &nothing, &env());
    assert_eq!(
        report.outcome(PresentationCheckName::Syntax),
        Some(Outcome::Failed)
    );
    let mut unknown_context = unsigned_presentation(&holder_key().did_key());
    unknown_context["@context"] = json!([
        "https://www.w3.org/ns/credentials/v2",
        "https://attacker.example/context"
    ]);
    let report = check_presentation(&unknown_context, &nothing, &env());
    assert_eq!(
        report.outcome(PresentationCheckName::Context),
        Some(Outcome::Failed)
    );
    assert!(!check_presentation(&json!("text"), &nothing, &env()).verified);
}

/// Top-level inline contexts are accepted on a presentation signed with eddsa-rdfc-2022 (they
/// cannot redefine the protected terms Brevet reads), while the credentials inside keep the
/// credential rule: an inline context in an embedded credential fails the context check.
#[test]
fn a_presentation_may_carry_inline_contexts_but_its_credentials_may_not() {
    let key = holder_key();
    let mut unsigned = unsigned_presentation(&key.did_key());
    unsigned["@context"] = json!([
        "https://www.w3.org/ns/credentials/v2",
        {"ExamplePresentation": "https://example.org/#ExamplePresentation"}
    ]);
    unsigned["type"] = json!(["VerifiablePresentation", "ExamplePresentation"]);
    let presented = sign(&unsigned, &key, |_| {});
    let report = check_presentation(&presented, &expecting(), &env());
    assert!(report.verified, "{report:?}");

    // An inline context that maps `holder` elsewhere changes nothing: the VerifiablePresentation
    // type's protected definition applies inside the presentation, so the signed RDF, and the
    // meaning of `holder`, stay the same (the proof still verifies, for the same holder).
    let mut redefining = presented.clone();
    redefining["@context"][1] = json!({
        "ExamplePresentation": "https://example.org/#ExamplePresentation",
        "holder": "https://attacker.example/holder"
    });
    let report = check_presentation(&redefining, &expecting(), &env());
    assert!(report.verified, "{report:?}");
    assert_eq!(
        LinkedData::shared()
            .canonical_nquads(&without_proof(&redefining))
            .unwrap(),
        LinkedData::shared()
            .canonical_nquads(&without_proof(&presented))
            .unwrap()
    );

    let mut inline_inside = unsigned.clone();
    inline_inside["verifiableCredential"][0]["@context"] = json!([
        "https://www.w3.org/ns/credentials/v2",
        {"Extra": "https://example.org/#Extra"}
    ]);
    let report = check_presentation(&inline_inside, &PresentationExpectations::default(), &env());
    assert_eq!(
        report.outcome(PresentationCheckName::Context),
        Some(Outcome::Failed)
    );
}

fn without_proof(document: &Value) -> Value {
    let mut document = document.clone();
    document.as_object_mut().unwrap().remove("proof");
    document
}

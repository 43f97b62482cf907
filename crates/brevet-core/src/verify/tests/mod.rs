//! Verifier tests, one or more per case of the security catalogue (DI-01, DI-03, DI-05, DI-07,
//! DI-11, KEY-01, KEY-02, STS-01/02/03, DATE-03), each asserting the specific failure.

use std::cell::Cell;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::*;
use crate::did::{DID_V1_CONTEXT, multikey_method};
use crate::issue::{IssueError, sign_credential, sign_credential_with_method};
use crate::multikey::Ed25519KeyPair;
use crate::proof::{self, Cryptosuite, ProofOptions};
use crate::statuslist::{Bitstring, ListValidity, build_status_list_credential};

const SUITES: [Cryptosuite; 2] = [Cryptosuite::EddsaRdfc2022, Cryptosuite::EddsaJcs2022];
const CREATED: &str = "2025-01-01T00:00:00Z";
/// The verification time of most tests.
fn now() -> OffsetDateTime {
    at("2026-06-01T12:00:00Z")
}

fn at(text: &str) -> OffsetDateTime {
    crate::datetime::DateTimeStamp::parse(text)
        .unwrap()
        .instant()
}

const LIST_URL: &str = "https://status.example/lists/1";

fn issuer_key() -> Ed25519KeyPair {
    Ed25519KeyPair::from_seed(&[7; 32])
}

fn attacker_key() -> Ed25519KeyPair {
    Ed25519KeyPair::from_seed(&[66; 32])
}

/// A small Open Badges 3.0 credential issued by `issuer`.
fn badge(issuer: &str) -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:0c5b7c3e-8d4c-4b8e-9d3f-6a1d2b3c4d5e",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example University"},
        "validFrom": "2025-01-01T00:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
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

/// A plain VC 2.0 credential (not an Open Badge) issued by `issuer`.
fn plain_credential(issuer: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"}
    })
}

fn with_status(mut credential: Value, entries: Value) -> Value {
    credential["credentialStatus"] = entries;
    credential
}

fn status_entry(purpose: &str, index: u64) -> Value {
    json!({
        "id": format!("{LIST_URL}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": index.to_string(),
        "statusListCredential": LIST_URL
    })
}

fn sign(credential: &Value, key: &Ed25519KeyPair, suite: Cryptosuite) -> Value {
    sign_credential(credential, key, suite, CREATED, LinkedData::shared()).unwrap()
}

/// Counts every request, and has nothing: proves that a check made no outside request.
#[derive(Default)]
struct CountingSources {
    requests: Cell<usize>,
}

impl DidSource for CountingSources {
    fn did_document(&self, did: &str) -> Result<Value, SourceError> {
        self.requests.set(self.requests.get() + 1);
        Err(SourceError::Unavailable(format!(
            "{did}: no network in tests"
        )))
    }
}

impl StatusListSource for CountingSources {
    fn status_list_credential(&self, url: &str) -> Result<Value, SourceError> {
        self.requests.set(self.requests.get() + 1);
        Err(SourceError::Unavailable(format!(
            "{url}: no network in tests"
        )))
    }
}

fn verify_with(
    credential: &Value,
    sources: &StaticSources,
    now: OffsetDateTime,
) -> VerificationReport {
    let env = VerifyEnv {
        now,
        ld: LinkedData::shared(),
        dids: sources,
        status_lists: sources,
    };
    verify(credential, &env)
}

fn verify_offline(credential: &Value) -> VerificationReport {
    verify_with(credential, &StaticSources::new(), now())
}

#[track_caller]
fn assert_check(report: &VerificationReport, name: CheckName, outcome: Outcome, needle: &str) {
    let check = report.check(name).unwrap();
    assert_eq!(check.outcome, outcome, "{name}: {report:#?}");
    assert!(
        check.detail.contains(needle),
        "{name} detail {:?} lacks {needle:?}",
        check.detail
    );
}

/// A signed status list credential of `issuer_key`'s did:key with `set` bits set.
fn status_list(signer: &Ed25519KeyPair, purpose: &str, set: &[usize]) -> Value {
    let mut bits = Bitstring::new(131_072);
    for index in set {
        bits.set(*index, true).unwrap();
    }
    let unsigned = unsigned_status_list(&signer.did_key(), purpose, &bits);
    sign(&unsigned, signer, Cryptosuite::EddsaRdfc2022)
}

fn unsigned_status_list(issuer: &str, purpose: &str, bits: &Bitstring) -> Value {
    let validity = ListValidity {
        valid_from: Some("2025-01-01T00:00:00Z".to_owned()),
        ..ListValidity::default()
    };
    build_status_list_credential(LIST_URL, &json!(issuer), purpose, bits, &validity)
}

#[test]
fn a_signed_badge_verifies_with_both_suites() {
    let key = issuer_key();
    for suite in SUITES {
        let report = verify_offline(&sign(&badge(&key.did_key()), &key, suite));
        assert!(report.verified, "{suite:?}: {report:#?}");
        assert_eq!(
            report
                .checks
                .iter()
                .map(|check| check.check)
                .collect::<Vec<_>>(),
            CheckName::ALL
        );
        assert_eq!(report.verdict(), Verdict::Verified);
        assert_check(
            &report,
            CheckName::Status,
            Outcome::NotApplicable,
            "no credentialStatus",
        );
    }
}

#[test]
fn di_01_tampered_claims_fail_with_proof_verification_error() {
    let key = issuer_key();
    for suite in SUITES {
        let signed = sign(&badge(&key.did_key()), &key, suite);
        let mut renamed = signed.clone();
        renamed["credentialSubject"]["achievement"]["name"] = json!("Rust Mastery");
        let mut extended = signed.clone();
        extended["validUntil"] = json!("2099-01-01T00:00:00Z");
        for tampered in [renamed, extended] {
            let report = verify_offline(&tampered);
            assert!(!report.verified);
            assert_eq!(report.verdict(), Verdict::Invalid);
            assert_check(
                &report,
                CheckName::Proof,
                Outcome::Failed,
                "PROOF_VERIFICATION_ERROR",
            );
        }
    }
}

#[test]
fn di_01_a_credential_without_proof_has_no_securing_mechanism() {
    let key = issuer_key();
    let signed = sign(&badge(&key.did_key()), &key, Cryptosuite::EddsaRdfc2022);
    let mut stripped = signed.clone();
    stripped.as_object_mut().unwrap().remove("proof");
    for unsigned in [stripped, badge(&key.did_key())] {
        let report = verify_offline(&unsigned);
        assert!(!report.verified);
        assert_check(
            &report,
            CheckName::Proof,
            Outcome::Failed,
            "no securing mechanism",
        );
    }
}

#[test]
fn di_03_undefined_terms_are_refused_at_signing() {
    let key = issuer_key();
    let mut credential = badge(&key.did_key());
    credential["gradeOverride"] = json!("A+");
    credential["credentialSubject"]["extraNote"] = json!("not in any context");
    for suite in SUITES {
        let error =
            sign_credential(&credential, &key, suite, CREATED, LinkedData::shared()).unwrap_err();
        assert!(
            matches!(error, IssueError::DataLoss(_)),
            "{suite:?}: {error}"
        );
        assert_eq!(error.code(), "DATA_LOSS_DETECTION_ERROR");
        let message = error.to_string();
        assert!(
            message.contains("gradeOverride") || message.contains("extraNote"),
            "{message}"
        );
    }
}

#[test]
fn di_03_undefined_terms_added_after_signing_fail_with_data_loss() {
    let key = issuer_key();
    for suite in SUITES {
        let mut signed = sign(&badge(&key.did_key()), &key, suite);
        signed["gradeOverride"] = json!("A+");
        let report = verify_offline(&signed);
        assert!(!report.verified);
        assert_check(
            &report,
            CheckName::Proof,
            Outcome::Failed,
            "DATA_LOSS_DETECTION_ERROR",
        );
        assert!(
            report
                .checks
                .iter()
                .all(|check| !check.detail.contains("A+"))
        );
    }
}

#[test]
fn di_05_a_substituted_context_fails_before_anything_is_fetched() {
    let key = issuer_key();
    let mut signed = sign(&badge(&key.did_key()), &key, Cryptosuite::EddsaRdfc2022);
    signed["@context"][1] = json!("https://evil.example/ob.json");
    let sources = CountingSources::default();
    let env = VerifyEnv {
        now: now(),
        ld: LinkedData::shared(),
        dids: &sources,
        status_lists: &sources,
    };
    let report = verify(&with_status(signed, status_entry("revocation", 3)), &env);
    assert_check(
        &report,
        CheckName::Context,
        Outcome::Failed,
        "unknown context https://evil.example/ob.json",
    );
    assert_check(
        &report,
        CheckName::Proof,
        Outcome::CouldNotCheck,
        "contexts were refused",
    );
    assert_eq!(sources.requests.get(), 0);
    assert_eq!(report.verdict(), Verdict::Invalid);
}

#[test]
fn di_07_local_and_file_contexts_are_refused_without_any_request() {
    let key = issuer_key();
    let signed = sign(&badge(&key.did_key()), &key, Cryptosuite::EddsaRdfc2022);
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:5432/",
        "file:///etc/passwd",
        "http://[::ffff:127.0.0.1]/",
    ] {
        let mut hostile = signed.clone();
        hostile["@context"].as_array_mut().unwrap().push(json!(url));
        let sources = CountingSources::default();
        let env = VerifyEnv {
            now: now(),
            ld: LinkedData::shared(),
            dids: &sources,
            status_lists: &sources,
        };
        let started = std::time::Instant::now();
        let report = verify(&hostile, &env);
        assert_check(&report, CheckName::Context, Outcome::Failed, url);
        assert_eq!(sources.requests.get(), 0, "{url}");
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }
    let mut inline = signed.clone();
    inline["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!({"gradeOverride": "https://evil.example/grade"}));
    assert_check(
        &verify_offline(&inline),
        CheckName::Context,
        Outcome::Failed,
        "inline context",
    );
    let mut nested = signed;
    nested["credentialSubject"]["@context"] = json!({"@vocab": "https://evil.example/"});
    assert_check(
        &verify_offline(&nested),
        CheckName::Context,
        Outcome::Failed,
        "nested @context",
    );
}

#[test]
fn di_07_an_altered_bundled_context_fails_its_digest() {
    let pinned = crate::contexts::PINNED_CONTEXTS[0];
    let altered = crate::contexts::PinnedContext {
        text: "{\"@context\": {}}",
        ..pinned
    };
    assert!(matches!(
        crate::contexts::check_pinned(&altered),
        Err(crate::contexts::ContextError::DigestMismatch { .. })
    ));
}

#[test]
fn di_11_every_proof_of_a_set_must_verify() {
    let key = issuer_key();
    let attacker = attacker_key();
    let signed = sign(&badge(&key.did_key()), &key, Cryptosuite::EddsaRdfc2022);
    // (a) an attacker's valid proof next to a broken issuer proof.
    let options = ProofOptions::new(
        Cryptosuite::EddsaRdfc2022,
        attacker.did_key_method(),
        CREATED,
    );
    let mut broken = signed.clone();
    broken["proof"]["proofValue"] = json!(proof::encode_proof_value(&[1; 64]));
    let with_attacker = proof::sign(&broken, &attacker, &options, LinkedData::shared()).unwrap();
    let report = verify_offline(&with_attacker);
    assert_check(
        &report,
        CheckName::Proof,
        Outcome::Failed,
        "proof 1: PROOF_VERIFICATION_ERROR",
    );
    assert!(!report.verified);
    // (c) issuer binding decides. Two valid proofs, the issuer's and another signer's: the other
    // proof adds a signature (a co-signer, a chain's earlier link) and never stands for the issuer.
    let both_valid = proof::sign(&signed, &attacker, &options, LinkedData::shared()).unwrap();
    let report = verify_offline(&both_valid);
    assert_check(&report, CheckName::Proof, Outcome::Passed, "proof 2");
    assert_check(
        &report,
        CheckName::IssuerKey,
        Outcome::Passed,
        "proof 2: did:key:z6Mk",
    );
    assert!(
        report
            .check(CheckName::IssuerKey)
            .unwrap()
            .detail
            .contains("another signer's key"),
        "{report:#?}"
    );
    assert!(report.verified, "{report:#?}");
    // Two valid proofs, neither made with a key of the issuer: not issued by the issuer.
    let unsigned = badge(&key.did_key());
    let other = Ed25519KeyPair::from_seed(&[67; 32]);
    let by_attacker = proof::sign(&unsigned, &attacker, &options, LinkedData::shared()).unwrap();
    let by_two_others = proof::sign(
        &by_attacker,
        &other,
        &ProofOptions::new(Cryptosuite::EddsaRdfc2022, other.did_key_method(), CREATED),
        LinkedData::shared(),
    )
    .unwrap();
    let report = verify_offline(&by_two_others);
    assert_check(&report, CheckName::Proof, Outcome::Passed, "proof 2");
    assert_check(
        &report,
        CheckName::IssuerKey,
        Outcome::Failed,
        "proof 1: issuer did:key:",
    );
    assert!(!report.verified);
    // (b) a chain to a proof that is not there.
    let mut chained = signed.clone();
    let mut dangling = proof::create_proof(
        &badge(&key.did_key()),
        &key,
        &ProofOptions::new(Cryptosuite::EddsaRdfc2022, key.did_key_method(), CREATED),
        LinkedData::shared(),
    )
    .unwrap();
    dangling["previousProof"] = json!("urn:uuid:missing");
    chained["proof"] = json!([signed["proof"].clone(), dangling]);
    let report = verify_offline(&chained);
    assert_check(
        &report,
        CheckName::Proof,
        Outcome::Failed,
        "PROOF_VERIFICATION_ERROR",
    );
}

#[test]
fn key_01_the_issuer_must_control_the_verification_method() {
    let attacker = attacker_key();
    for issuer in [issuer_key().did_key(), "did:web:acme.example".to_owned()] {
        let options = ProofOptions::new(
            Cryptosuite::EddsaRdfc2022,
            attacker.did_key_method(),
            CREATED,
        );
        let forged =
            proof::sign(&badge(&issuer), &attacker, &options, LinkedData::shared()).unwrap();
        let report = verify_offline(&forged);
        assert_check(
            &report,
            CheckName::IssuerKey,
            Outcome::Failed,
            "does not control verification method",
        );
        assert_check(
            &report,
            CheckName::Proof,
            Outcome::Passed,
            "signature verifies",
        );
        assert_eq!(report.verdict(), Verdict::Invalid);
    }
    // And the signer refuses to sign for another issuer.
    let error = sign_credential(
        &badge("did:web:acme.example"),
        &attacker,
        Cryptosuite::EddsaRdfc2022,
        CREATED,
        LinkedData::shared(),
    )
    .unwrap_err();
    assert!(
        matches!(error, IssueError::IssuerMismatch { .. }),
        "{error}"
    );
}

fn did_web_document(did: &str, key: &Ed25519KeyPair, relationship: &str) -> Value {
    let method_id = format!("{did}#key-1");
    json!({
        "@context": [DID_V1_CONTEXT, crate::contexts::MULTIKEY_V1],
        "id": did,
        "verificationMethod": [multikey_method(&method_id, did, &key.verifying_key())],
        relationship: [method_id],
    })
}

#[test]
fn key_02_the_key_must_be_listed_under_assertion_method() {
    let did = "did:web:acme.example";
    let key = issuer_key();
    let signed = sign_credential_with_method(
        &badge(did),
        &key,
        &format!("{did}#key-1"),
        Cryptosuite::EddsaRdfc2022,
        CREATED,
        LinkedData::shared(),
    )
    .unwrap();
    let good =
        StaticSources::new().with_did_document(did, did_web_document(did, &key, "assertionMethod"));
    let report = verify_with(&signed, &good, now());
    assert!(report.verified, "{report:#?}");
    for relationship in ["authentication", "keyAgreement"] {
        let sources =
            StaticSources::new().with_did_document(did, did_web_document(did, &key, relationship));
        let report = verify_with(&signed, &sources, now());
        assert_check(
            &report,
            CheckName::IssuerKey,
            Outcome::Failed,
            "is not listed under assertionMethod",
        );
        assert!(!report.verified);
    }
    // Without the DID document the binding cannot be checked: fail closed.
    let report = verify_offline(&signed);
    assert_check(
        &report,
        CheckName::IssuerKey,
        Outcome::CouldNotCheck,
        "could not be had",
    );
    assert_eq!(report.verdict(), Verdict::Indeterminate);
}

#[test]
fn unsupported_formats_fail_syntax() {
    // A JWT that carries no credential (VC-JWTs themselves are tested in `jwt::tests`).
    let report = verify_offline(&json!("eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2ln"));
    assert_check(
        &report,
        CheckName::Syntax,
        Outcome::Failed,
        "carries no credential",
    );
    assert_eq!(report.verdict(), Verdict::Invalid);
    let report = verify_offline(&json!([1]));
    assert_check(
        &report,
        CheckName::Syntax,
        Outcome::Failed,
        "not a credential",
    );
}

mod inline_contexts;
mod status;
mod validity;

#[test]
fn unknown_status_types_cannot_be_checked() {
    let key = issuer_key();
    let mut credential = plain_credential(&key.did_key());
    credential["credentialStatus"] = json!({"id": "https://status.example/x", "type": "https://example.org/vocab#LegacyStatusEntry"});
    let signed = sign(&credential, &key, Cryptosuite::EddsaJcs2022);
    let report = verify_offline(&signed);
    assert_check(
        &report,
        CheckName::Status,
        Outcome::CouldNotCheck,
        "is not supported",
    );
    assert_eq!(report.verdict(), Verdict::Indeterminate);
}

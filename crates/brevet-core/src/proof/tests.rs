//! Unit tests of Data Integrity proofs: round trips, one changed claim, proof options tampering
//! (DI-08), suite confusion (DI-09), proof sets and chains (DI-11), encoding strictness (DI-12).

use serde_json::{Value, json};
use sha2::{Digest, Sha512};

use super::*;
use crate::multikey::Ed25519KeyPair;

const SUITES: [Cryptosuite; 2] = [Cryptosuite::EddsaJcs2022, Cryptosuite::EddsaRdfc2022];
type Tamper = Box<dyn Fn(&mut Value)>;

const CREATED: &str = "2024-05-01T10:00:00Z";

fn credential(key: &Ed25519KeyPair) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:8b7c4a3e-52a1-4c2e-9a55-0d1b1f0a9e11",
        "type": ["VerifiableCredential"],
        "issuer": key.did_key(),
        "name": "Unit test credential",
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:alice"}
    })
}

fn signed(suite: Cryptosuite) -> (Value, Ed25519KeyPair) {
    let key = Ed25519KeyPair::generate();
    let options = ProofOptions::new(suite, key.did_key_method(), CREATED);
    let secured = sign(&credential(&key), &key, &options, LinkedData::shared()).unwrap();
    (secured, key)
}

fn verify_first(document: &Value, key: &Ed25519KeyPair) -> Result<(), ProofError> {
    let proofs = list_proofs(document);
    verify_proof(
        document,
        proofs[0],
        &key.verifying_key(),
        LinkedData::shared(),
    )
}

fn expect_code(result: Result<(), ProofError>, codes: &[&str], case: &str) {
    match result {
        Ok(()) => panic!("{case}: verified but must be rejected"),
        Err(error) => assert!(
            codes.contains(&error.code()),
            "{case}: got {} ({error}), expected one of {codes:?}",
            error.code()
        ),
    }
}

#[test]
fn sign_then_verify_round_trips_and_keeps_claims() {
    for suite in SUITES {
        let (secured, key) = signed(suite);
        verify_first(&secured, &key).unwrap_or_else(|error| panic!("{suite}: {error}"));
        let mut claims = secured.clone();
        claims.as_object_mut().unwrap().remove("proof");
        assert_eq!(claims, credential(&key), "{suite}: claims changed");
        let proof = &secured["proof"];
        assert_eq!(proof["type"], "DataIntegrityProof");
        assert_eq!(proof["cryptosuite"], suite.name());
        assert!(proof["proofValue"].as_str().unwrap().starts_with('z'));
        assert_eq!(
            proof.get("@context").is_some(),
            suite == Cryptosuite::EddsaJcs2022,
            "{suite}: proof @context"
        );
    }
}

#[test]
fn one_changed_claim_is_rejected() {
    for suite in SUITES {
        let (secured, key) = signed(suite);
        let mut tampered = secured.clone();
        tampered["credentialSubject"]["id"] = json!("did:example:mallory");
        expect_code(
            verify_first(&tampered, &key),
            &["PROOF_VERIFICATION_ERROR"],
            suite.name(),
        );
        let mut tampered = secured.clone();
        tampered["validFrom"] = json!("2024-01-01T00:00:01Z");
        expect_code(
            verify_first(&tampered, &key),
            &["PROOF_VERIFICATION_ERROR"],
            suite.name(),
        );
        let other = Ed25519KeyPair::generate();
        expect_code(
            verify_first(&secured, &other),
            &["PROOF_VERIFICATION_ERROR"],
            "wrong key",
        );
    }
}

#[test]
fn proof_options_tampering_is_rejected_di_08() {
    for suite in SUITES {
        let (secured, key) = signed(suite);
        let tamperings: [(&str, Tamper); 4] = [
            (
                "created +1 s",
                Box::new(|proof| proof["created"] = json!("2024-05-01T10:00:01Z")),
            ),
            (
                "proofPurpose",
                Box::new(|proof| proof["proofPurpose"] = json!("authentication")),
            ),
            ("verificationMethod", {
                let other = format!("{}#key-2", key.did_key());
                Box::new(move |proof| proof["verificationMethod"] = json!(other))
            }),
            (
                "expires added",
                Box::new(|proof| proof["expires"] = json!("2099-01-01T00:00:00Z")),
            ),
        ];
        for (case, tamper) in &tamperings {
            let mut document = secured.clone();
            tamper(&mut document["proof"]);
            expect_code(
                verify_first(&document, &key),
                &["PROOF_VERIFICATION_ERROR"],
                &format!("{suite} {case}"),
            );
        }
    }
}

#[test]
fn suite_confusion_is_rejected_di_09() {
    for suite in SUITES {
        let (secured, key) = signed(suite);
        // (a)/(d) the other cryptosuite label over the same proofValue.
        let other = if suite == Cryptosuite::EddsaJcs2022 {
            "eddsa-rdfc-2022"
        } else {
            "eddsa-jcs-2022"
        };
        let mut relabelled = secured.clone();
        relabelled["proof"]["cryptosuite"] = json!(other);
        expect_code(
            verify_first(&relabelled, &key),
            &["PROOF_VERIFICATION_ERROR", "PROOF_TRANSFORMATION_ERROR"],
            "relabelled",
        );
        // (b) legacy type, with and without the cryptosuite.
        let mut legacy = secured.clone();
        legacy["proof"]["type"] = json!("Ed25519Signature2020");
        expect_code(
            verify_first(&legacy, &key),
            &["PROOF_VERIFICATION_ERROR"],
            "legacy type with cryptosuite",
        );
        legacy["proof"]
            .as_object_mut()
            .unwrap()
            .remove("cryptosuite");
        expect_code(
            verify_first(&legacy, &key),
            &[
                "PROOF_VERIFICATION_ERROR",
                "PROOF_TRANSFORMATION_ERROR",
                "DATA_LOSS_DETECTION_ERROR",
            ],
            "legacy type",
        );
        // (c) unknown or missing cryptosuite.
        let mut unknown = secured.clone();
        unknown["proof"]["cryptosuite"] = json!("eddsa-2019");
        expect_code(
            verify_first(&unknown, &key),
            &["PROOF_VERIFICATION_ERROR"],
            "eddsa-2019",
        );
        unknown["proof"]
            .as_object_mut()
            .unwrap()
            .remove("cryptosuite");
        expect_code(
            verify_first(&unknown, &key),
            &["PROOF_VERIFICATION_ERROR"],
            "no cryptosuite",
        );
        let mut unknown_type = secured.clone();
        unknown_type["proof"]["type"] = json!("DataIntegrityProof2");
        expect_code(
            verify_first(&unknown_type, &key),
            &["PROOF_VERIFICATION_ERROR"],
            "unknown type",
        );
    }
}

#[test]
fn sha512_digests_are_rejected_di_09_e() {
    for suite in SUITES {
        let (secured, key) = signed(suite);
        let mut config = secured["proof"].as_object().unwrap().clone();
        config.remove("proofValue");
        let steps = checkpoints(&secured, &Value::Object(config), LinkedData::shared()).unwrap();
        let mut data = Sha512::digest(steps.canonical_proof_config.as_bytes()).to_vec();
        data.extend_from_slice(&Sha512::digest(steps.canonical_document.as_bytes()));
        let mut forged = secured.clone();
        forged["proof"]["proofValue"] = json!(encode_proof_value(&key.sign(&data)));
        expect_code(
            verify_first(&forged, &key),
            &["PROOF_VERIFICATION_ERROR"],
            "sha-512",
        );
    }
}

#[test]
fn proof_value_encoding_is_strict_di_12() {
    let (secured, key) = signed(Cryptosuite::EddsaJcs2022);
    let good = secured["proof"]["proofValue"].as_str().unwrap().to_owned();
    let signature = decode_proof_value(&good).unwrap();
    let mut variants = vec![
        good[1..].to_owned(),
        format!("u{}", &good[1..]),
        format!("z{}0OIl", &good[1..]),
        String::new(),
    ];
    for length in [63usize, 65, 96] {
        let mut bytes = signature.to_vec();
        bytes.resize(length, 1);
        variants.push(format!("z{}", bs58::encode(bytes).into_string()));
    }
    for variant in variants {
        let mut document = secured.clone();
        document["proof"]["proofValue"] = json!(variant);
        expect_code(
            verify_first(&document, &key),
            &["MALFORMED_PROOF_ERROR"],
            &variant,
        );
    }
    let mut document = secured.clone();
    document["proof"]["proofValue"] = json!(42);
    expect_code(
        verify_first(&document, &key),
        &["MALFORMED_PROOF_ERROR"],
        "number",
    );
}

#[test]
fn missing_required_properties_are_rejected() {
    let (secured, key) = signed(Cryptosuite::EddsaJcs2022);
    for field in ["type", "verificationMethod", "proofPurpose", "proofValue"] {
        let mut document = secured.clone();
        document["proof"].as_object_mut().unwrap().remove(field);
        expect_code(
            verify_first(&document, &key),
            &["PROOF_VERIFICATION_ERROR"],
            field,
        );
    }
    let mut document = secured.clone();
    document["proof"]["created"] = json!("2024-05-01T10:00:00");
    expect_code(
        verify_first(&document, &key),
        &["MALFORMED_PROOF_ERROR"],
        "created without timezone",
    );
    let mut document = secured.clone();
    document["proof"]["expires"] = json!("tomorrow");
    expect_code(
        verify_first(&document, &key),
        &["MALFORMED_PROOF_ERROR"],
        "expires",
    );
}

#[test]
fn jcs_proof_context_must_prefix_the_document_context() {
    let (secured, key) = signed(Cryptosuite::EddsaJcs2022);
    let mut document = secured.clone();
    document["@context"] = json!(["https://www.w3.org/ns/credentials/examples/v2"]);
    assert_eq!(
        verify_first(&document, &key).unwrap_err(),
        ProofError::ContextMismatch
    );
}

#[test]
fn invalid_options_are_refused_when_signing() {
    let key = Ed25519KeyPair::generate();
    let mut options = ProofOptions::new(
        Cryptosuite::EddsaJcs2022,
        key.did_key_method(),
        "2024-05-01 10:00:00",
    );
    let error = sign(&credential(&key), &key, &options, LinkedData::shared()).unwrap_err();
    assert_eq!(error.code(), "INVALID_PROOF_CONFIGURATION");
    options.created = CREATED.to_owned();
    options.expires = Some("never".to_owned());
    assert_eq!(
        sign(&credential(&key), &key, &options, LinkedData::shared())
            .unwrap_err()
            .code(),
        "INVALID_PROOF_CONFIGURATION"
    );
    options.expires = None;
    assert_eq!(
        sign(&json!([1]), &key, &options, LinkedData::shared())
            .unwrap_err()
            .code(),
        "MALFORMED_PROOF_ERROR"
    );
}

#[test]
fn proof_sets_all_must_verify_di_11() {
    for suite in SUITES {
        let (secured, issuer) = signed(suite);
        let attacker = Ed25519KeyPair::generate();
        let options = ProofOptions::new(suite, attacker.did_key_method(), CREATED);
        let both = sign(&secured, &attacker, &options, LinkedData::shared()).unwrap();
        assert_eq!(list_proofs(&both).len(), 2);
        let key_for = |proof: &Value| -> Result<VerifyingKey, ProofError> {
            let method = proof["verificationMethod"].as_str().unwrap_or_default();
            crate::did::parse_did_key(crate::did::did_of_url(method))
                .map_err(|e| ProofError::Transformation(e.to_string()))
        };
        assert_eq!(
            verify_proof_set(&both, &key_for, LinkedData::shared()).unwrap(),
            2,
            "{suite}"
        );
        // (a) one broken proof fails the set.
        let mut broken = both.clone();
        broken["proof"][0]["created"] = json!("2024-05-01T10:00:05Z");
        assert!(
            verify_proof_set(&broken, &key_for, LinkedData::shared()).is_err(),
            "{suite}"
        );
        // No proof at all.
        assert_eq!(
            verify_proof_set(&credential(&issuer), &key_for, LinkedData::shared()).unwrap_err(),
            ProofError::NoProof
        );
    }
}

#[test]
fn proof_chains_sign_and_verify_and_need_their_previous_proof() {
    for suite in SUITES {
        let first_key = Ed25519KeyPair::generate();
        let mut options = ProofOptions::new(suite, first_key.did_key_method(), CREATED);
        options.id = Some("urn:uuid:first".to_owned());
        let once = sign(
            &credential(&first_key),
            &first_key,
            &options,
            LinkedData::shared(),
        )
        .unwrap();
        let second_key = Ed25519KeyPair::generate();
        let mut chained = ProofOptions::new(suite, second_key.did_key_method(), CREATED);
        chained.previous_proof = Some(json!("urn:uuid:first"));
        let twice = sign(&once, &second_key, &chained, LinkedData::shared()).unwrap();
        let proofs = list_proofs(&twice);
        verify_proof(
            &twice,
            proofs[0],
            &first_key.verifying_key(),
            LinkedData::shared(),
        )
        .unwrap();
        verify_proof(
            &twice,
            proofs[1],
            &second_key.verifying_key(),
            LinkedData::shared(),
        )
        .unwrap();
        // (b) the previous proof is missing.
        let mut missing = twice.clone();
        missing["proof"][0]["id"] = json!("urn:uuid:other");
        let chained_proof = missing["proof"][1].clone();
        let error = verify_proof(
            &missing,
            &chained_proof,
            &second_key.verifying_key(),
            LinkedData::shared(),
        )
        .unwrap_err();
        assert_eq!(
            error,
            ProofError::MissingPreviousProof("urn:uuid:first".to_owned())
        );
        // The chained proof covers the previous proof: changing it breaks the chain.
        let mut altered = twice.clone();
        altered["proof"][0]["proofValue"] = json!(encode_proof_value(&[3u8; 64]));
        let chained_proof = altered["proof"][1].clone();
        expect_code(
            verify_proof(
                &altered,
                &chained_proof,
                &second_key.verifying_key(),
                LinkedData::shared(),
            ),
            &["PROOF_VERIFICATION_ERROR"],
            "altered previous proof",
        );
        // Signing a chain to a proof that does not exist is refused.
        chained.previous_proof = Some(json!("urn:uuid:nowhere"));
        assert!(sign(&once, &second_key, &chained, LinkedData::shared()).is_err());
    }
}

#[test]
fn purpose_and_time_window_helpers() {
    let (secured, _) = signed(Cryptosuite::EddsaJcs2022);
    let proof = &secured["proof"];
    check_proof_purpose(proof, "assertionMethod").unwrap();
    assert_eq!(
        check_proof_purpose(proof, "authentication")
            .unwrap_err()
            .code(),
        "PROOF_VERIFICATION_ERROR"
    );
    let (created, expires) = proof_time_window(proof).unwrap();
    assert_eq!(created.unwrap().unix_timestamp(), 1_714_557_600);
    assert!(expires.is_none());
}

#[test]
fn undefined_terms_are_data_loss_for_rdfc() {
    let key = Ed25519KeyPair::generate();
    let mut document = credential(&key);
    document["gradeOverride"] = json!("A+");
    let options = ProofOptions::new(Cryptosuite::EddsaRdfc2022, key.did_key_method(), CREATED);
    let error = sign(&document, &key, &options, LinkedData::shared()).unwrap_err();
    assert_eq!(error.code(), "DATA_LOSS_DETECTION_ERROR", "{error}");
}

/// The group order L of Ed25519, little-endian.
const GROUP_ORDER: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

#[test]
fn malleated_signatures_are_rejected_strictly() {
    // S + L verifies under a lax (cofactorless, non-canonical S) check but not under RFC 8032's
    // strict rules: the signature must be rejected (SUF-CMA).
    let (secured, key) = signed(Cryptosuite::EddsaJcs2022);
    let mut signature =
        decode_proof_value(secured["proof"]["proofValue"].as_str().unwrap()).unwrap();
    let mut carry = 0u16;
    for (byte, order) in signature[32..].iter_mut().zip(GROUP_ORDER) {
        let sum = u16::from(*byte) + u16::from(order) + carry;
        *byte = (sum & 0xff) as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    let mut malleated = secured.clone();
    malleated["proof"]["proofValue"] = json!(encode_proof_value(&signature));
    expect_code(
        verify_first(&malleated, &key),
        &["PROOF_VERIFICATION_ERROR"],
        "S + L",
    );
}

#[test]
fn terms_added_after_signing_are_data_loss_on_verify_di_03() {
    let (secured, key) = signed(Cryptosuite::EddsaRdfc2022);
    let mut tampered = secured.clone();
    tampered["gradeOverride"] = json!("A+");
    expect_code(
        verify_first(&tampered, &key),
        &["DATA_LOSS_DETECTION_ERROR"],
        "top-level term",
    );
    let mut tampered = secured.clone();
    tampered["credentialSubject"]["extraNote"] = json!("hidden");
    expect_code(
        verify_first(&tampered, &key),
        &["DATA_LOSS_DETECTION_ERROR"],
        "nested term",
    );
}

#[test]
fn unknown_contexts_fail_the_transformation_di_05() {
    let (secured, key) = signed(Cryptosuite::EddsaRdfc2022);
    let mut swapped = secured.clone();
    swapped["@context"] = json!([
        "https://www.w3.org/ns/credentials/v2",
        "https://evil.example/ob.json"
    ]);
    expect_code(
        verify_first(&swapped, &key),
        &["PROOF_TRANSFORMATION_ERROR"],
        "unknown context",
    );
}

#[test]
fn streamed_hash_data_equals_the_checkpoints() {
    let key = Ed25519KeyPair::from_seed(&[7; 32]);
    let mut escaped = credential(&key);
    escaped["name"] = json!("quote \" backslash \\ newline \n tab \t é 😀 \u{1}");
    escaped["credentialSubject"]["score"] = json!(12.5);
    let badge = super::bench::sample_badge(&key.did_key());
    for document in [credential(&key), escaped, badge] {
        for suite in SUITES {
            let options = ProofOptions::new(suite, key.did_key_method(), CREATED);
            let mut config = options.to_config().unwrap();
            let proof_suite = match suite {
                Cryptosuite::EddsaRdfc2022 => ProofSuite::EddsaRdfc2022,
                Cryptosuite::EddsaJcs2022 => ProofSuite::EddsaJcs2022,
            };
            if suite == Cryptosuite::EddsaJcs2022 {
                config.insert("@context".to_owned(), document["@context"].clone());
            }
            let expected = checkpoints(
                &document,
                &Value::Object(config.clone()),
                LinkedData::shared(),
            );
            let streamed = suites::hash_data(
                &document,
                None,
                None,
                &config,
                proof_suite,
                LinkedData::shared(),
            );
            match expected {
                Ok(expected) => {
                    assert_eq!(streamed.unwrap(), expected.hash_data(), "{suite}");
                    assert_eq!(
                        expected.document_hash,
                        sha256(expected.canonical_document.as_bytes())
                    );
                }
                // Only RDFC refuses (the undefined `score` term); JCS signs any JSON.
                Err(error) => {
                    assert_eq!(suite, Cryptosuite::EddsaRdfc2022, "{error}");
                    assert!(streamed.is_err());
                }
            }
        }
    }
}

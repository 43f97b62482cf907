//! Inline contexts under eddsa-rdfc-2022: self-describing ones (`term: IRI` ending in the term)
//! are signed and verified; a rewritten inline context that keeps the RDF (and so the
//! signature) but makes the JSON read differently is refused (DI-05 through an inline context).

use super::*;

/// A VC 2.0 credential whose extra terms come from an inline context, as the W3C test suites
/// write them (the second one wrapped in `{"@context": …}`, as jsonld.js accepts).
fn alumni_credential(issuer: &str) -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            {"AlumniCredential": "https://www.example.org/AlumniCredential"},
            {"@context": {
                "alumniOf": "https://www.example.org/alumniOf",
                "motto": "https://www.example.org/vocab#motto"
            }}
        ],
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner",
            "alumniOf": "The School of Examples",
            "motto": "Learn by doing"
        }
    })
}

#[test]
fn self_describing_inline_contexts_are_signed_and_verified_with_both_suites() {
    let key = issuer_key();
    for suite in SUITES {
        let signed = sign(&alumni_credential(&key.did_key()), &key, suite);
        let report = verify_offline(&signed);
        assert_eq!(
            report.verdict(),
            Verdict::Verified,
            "{suite:?}: {report:#?}"
        );
        // The inline terms are signed: changing a value breaks the proof.
        let mut tampered = signed.clone();
        tampered["credentialSubject"]["motto"] = json!("Learn by cheating");
        assert_check(
            &verify_offline(&tampered),
            CheckName::Proof,
            Outcome::Failed,
            "",
        );
    }
}

#[test]
fn di_05_a_rewritten_inline_context_that_keeps_the_rdf_is_refused() {
    let key = issuer_key();
    let mut credential = alumni_credential(&key.did_key());
    credential["@context"][2] = json!({
        "alumniOf": "https://www.example.org/alumniOf",
        "motto": "https://www.example.org/motto"
    });
    let signed = sign(&credential, &key, Cryptosuite::EddsaRdfc2022);
    // Swap the two terms' IRIs and their values: the RDF, and so the RDFC signature, is the same,
    // but a JSON reader now sees the motto as the school.
    let mut swapped = signed.clone();
    swapped["@context"][2] = json!({
        "alumniOf": "https://www.example.org/motto",
        "motto": "https://www.example.org/alumniOf"
    });
    swapped["credentialSubject"]["alumniOf"] = json!("Learn by doing");
    swapped["credentialSubject"]["motto"] = json!("The School of Examples");
    let report = verify_offline(&swapped);
    assert_check(
        &report,
        CheckName::Context,
        Outcome::Failed,
        "defines alumniOf: the IRI does not end in the term",
    );
    assert_eq!(report.verdict(), Verdict::Invalid);
    // Under JCS the same rewrite breaks the signature, which covers the context text.
    let signed_jcs = sign(&credential, &key, Cryptosuite::EddsaJcs2022);
    let mut swapped_jcs = signed_jcs.clone();
    swapped_jcs["@context"] = swapped["@context"].clone();
    swapped_jcs["credentialSubject"] = swapped["credentialSubject"].clone();
    assert_check(
        &verify_offline(&swapped_jcs),
        CheckName::Proof,
        Outcome::Failed,
        "",
    );
}

#[test]
fn rdfc_issuance_refuses_inline_contexts_that_are_not_self_describing() {
    let key = issuer_key();
    let refused = [
        (json!({"@vocab": "https://example.org/"}), "keywords"),
        (
            json!({"@protected": true, "AlumniCredential": "https://www.example.org/AlumniCredential"}),
            "keywords",
        ),
        (
            json!({"alumniOf": {"@id": "https://www.example.org/alumniOf"}}),
            "only plain term-to-IRI strings",
        ),
        (
            json!({"alumniOf": "ex:alumniOf"}),
            "does not end in the term",
        ),
        (json!({"alumniOf": "/vocab/alumniOf"}), "not absolute"),
        (
            json!({"ex:alumniOf": "https://www.example.org/alumniOf"}),
            "plain name",
        ),
        (json!({}), "empty"),
    ];
    for (inline, reason) in refused {
        let mut credential = alumni_credential(&key.did_key());
        credential["@context"][2] = inline.clone();
        let error = sign_credential(
            &credential,
            &key,
            Cryptosuite::EddsaRdfc2022,
            CREATED,
            LinkedData::shared(),
        )
        .unwrap_err();
        assert!(
            matches!(
                error,
                IssueError::Context(ContextRuleError::NotSelfDescribing { .. })
            ),
            "{inline}: {error}"
        );
        assert!(error.to_string().contains(reason), "{inline}: {error}");
    }
}

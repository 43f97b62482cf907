//! Status tests: revocation, STS-01 (list authenticity), STS-02 (retrieval), STS-03 (purpose).

use super::*;

#[test]
fn sts_revoked_and_clear_entries() {
    let key = issuer_key();
    let credential = sign(
        &with_status(badge(&key.did_key()), status_entry("revocation", 42)),
        &key,
        Cryptosuite::EddsaRdfc2022,
    );
    let clear =
        StaticSources::new().with_status_list(LIST_URL, status_list(&key, "revocation", &[7]));
    let report = verify_with(&credential, &clear, now());
    assert!(report.verified, "{report:#?}");
    assert_check(&report, CheckName::Status, Outcome::Passed, "not revoked");
    let revoked =
        StaticSources::new().with_status_list(LIST_URL, status_list(&key, "revocation", &[42]));
    let report = verify_with(&credential, &revoked, now());
    assert_check(&report, CheckName::Status, Outcome::Failed, "revoked");
    assert_eq!(report.verdict(), Verdict::Invalid);
}

#[test]
fn sts_01_an_unauthentic_status_list_fails_with_status_verification_error() {
    let key = issuer_key();
    let attacker = attacker_key();
    let credential = sign(
        &with_status(badge(&key.did_key()), status_entry("revocation", 42)),
        &key,
        Cryptosuite::EddsaRdfc2022,
    );
    // (a) no proof.
    let unsigned = unsigned_status_list(&key.did_key(), "revocation", &Bitstring::new(131_072));
    // (b) signed by a key the list's issuer does not control.
    let options = ProofOptions::new(
        Cryptosuite::EddsaRdfc2022,
        attacker.did_key_method(),
        CREATED,
    );
    let foreign_key = proof::sign(&unsigned, &attacker, &options, LinkedData::shared()).unwrap();
    // (b') issued and signed by someone else altogether.
    let foreign_issuer = status_list(&attacker, "revocation", &[]);
    // (c) the list edited after signing.
    let mut edited = status_list(&key, "revocation", &[42]);
    edited["credentialSubject"]["encodedList"] = json!(Bitstring::new(131_072).encode());
    // (d) served at another URL than its id.
    let mut moved = unsigned.clone();
    moved["id"] = json!("https://status.example/lists/2");
    let moved = sign(&moved, &key, Cryptosuite::EddsaRdfc2022);
    for (case, list) in [
        ("no proof", unsigned),
        ("foreign key", foreign_key),
        ("foreign issuer", foreign_issuer),
        ("edited", edited),
        ("moved", moved),
    ] {
        let sources = StaticSources::new().with_status_list(LIST_URL, list);
        let report = verify_with(&credential, &sources, now());
        assert_check(
            &report,
            CheckName::Status,
            Outcome::Failed,
            "STATUS_VERIFICATION_ERROR",
        );
        assert!(!report.verified, "{case}");
    }
}

#[test]
fn sts_02_an_unavailable_status_list_cannot_be_checked() {
    let key = issuer_key();
    let credential = sign(
        &with_status(badge(&key.did_key()), status_entry("revocation", 42)),
        &key,
        Cryptosuite::EddsaJcs2022,
    );
    let sources = CountingSources::default();
    let env = VerifyEnv {
        now: now(),
        ld: LinkedData::shared(),
        dids: &sources,
        status_lists: &sources,
    };
    let report = verify(&credential, &env);
    assert_check(
        &report,
        CheckName::Status,
        Outcome::CouldNotCheck,
        "STATUS_RETRIEVAL_ERROR",
    );
    assert_eq!(sources.requests.get(), 1);
    assert!(!report.verified);
    assert_eq!(report.verdict(), Verdict::Indeterminate);
}

#[test]
fn sts_03_purposes_must_match_and_each_is_reported() {
    let key = issuer_key();
    let credential = sign(
        &with_status(badge(&key.did_key()), status_entry("revocation", 42)),
        &key,
        Cryptosuite::EddsaRdfc2022,
    );
    let sources =
        StaticSources::new().with_status_list(LIST_URL, status_list(&key, "suspension", &[]));
    let report = verify_with(&credential, &sources, now());
    assert_check(
        &report,
        CheckName::Status,
        Outcome::Failed,
        "STATUS_VERIFICATION_ERROR",
    );
    // Two entries on two lists; only the suspension bit is set. (Open Badges allows one status
    // entry, so this is a plain VC 2.0 credential.)
    let suspension_url = "https://status.example/lists/suspension";
    let mut suspension_entry = status_entry("suspension", 9);
    suspension_entry["statusListCredential"] = json!(suspension_url);
    suspension_entry["id"] = json!(format!("{suspension_url}#9"));
    let credential = sign(
        &with_status(
            plain_credential(&key.did_key()),
            json!([status_entry("revocation", 42), suspension_entry]),
        ),
        &key,
        Cryptosuite::EddsaRdfc2022,
    );
    let mut bits = Bitstring::new(131_072);
    bits.set(9, true).unwrap();
    let mut suspension_list = unsigned_status_list(&key.did_key(), "suspension", &bits);
    suspension_list["id"] = json!(suspension_url);
    let suspension_list = sign(&suspension_list, &key, Cryptosuite::EddsaRdfc2022);
    let sources = StaticSources::new()
        .with_status_list(LIST_URL, status_list(&key, "revocation", &[]))
        .with_status_list(suspension_url, suspension_list);
    let report = verify_with(&credential, &sources, now());
    assert_check(&report, CheckName::Status, Outcome::Failed, "suspended");
    assert!(
        !report
            .check(CheckName::Status)
            .unwrap()
            .detail
            .contains("revoked:")
    );
}

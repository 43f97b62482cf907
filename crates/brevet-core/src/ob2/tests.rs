//! Unit tests of the Open Badges 2.0 rules: recipients, the hosting policy, dates, and the
//! verifier over documents held in memory (hosted and signed, valid and each way of failing).

use std::collections::HashMap;
use std::sync::OnceLock;

use rand_core::OsRng;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::*;
use crate::jose::{CompactJws, encode_compact};
use crate::verify::{CheckName, Outcome};

struct Docs(HashMap<String, Value>);

impl DocumentSource for Docs {
    fn document(&self, url: &str) -> Result<Value, SourceError> {
        self.0
            .get(url)
            .cloned()
            .ok_or_else(|| SourceError::Unavailable(format!("nothing at {url}")))
    }
}

const ISSUER: &str = "https://issuer.example/issuer.json";
const BADGE: &str = "https://issuer.example/badge.json";
const ASSERTION: &str = "https://issuer.example/assertions/1.json";
const KEY: &str = "https://issuer.example/key.json";
const LIST: &str = "https://issuer.example/revoked.json";

fn rsa_key(index: usize) -> &'static rsa::RsaPrivateKey {
    static KEYS: OnceLock<Vec<rsa::RsaPrivateKey>> = OnceLock::new();
    &KEYS.get_or_init(|| {
        (0..2)
            .map(|_| rsa::RsaPrivateKey::new(&mut OsRng, 2048).unwrap())
            .collect()
    })[index]
}

fn pem(index: usize) -> String {
    rsa_key(index)
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap()
}

fn sign(index: usize, header: &Value, payload: &Value) -> String {
    use rsa::signature::{SignatureEncoding, Signer};
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(rsa_key(index).clone());
    encode_compact(header, payload.to_string().as_bytes(), |input| {
        signer.sign(input).to_vec()
    })
}

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_790_000_000).unwrap()
}

fn hosted_assertion() -> Value {
    json!({
        "@context": CONTEXT,
        "type": "Assertion",
        "id": ASSERTION,
        "recipient": {"type": "email", "hashed": true, "salt": "deadsea",
            "identity": recipient::sha256_identity("ada@example.org", "deadsea")},
        "badge": BADGE,
        "verification": {"type": "hosted"},
        "issuedOn": "2026-01-01T00:00:00Z"
    })
}

fn docs(assertion: &Value) -> HashMap<String, Value> {
    HashMap::from([
        (ASSERTION.to_owned(), assertion.clone()),
        (
            BADGE.to_owned(),
            json!({"@context": CONTEXT, "type": "BadgeClass", "id": BADGE, "name": "Rust",
                "issuer": ISSUER, "image": "https://issuer.example/rust.png",
                "criteria": {"narrative": "Write Rust"}, "description": "d"}),
        ),
        (
            ISSUER.to_owned(),
            json!({"@context": CONTEXT, "type": "Issuer", "id": ISSUER, "name": "Example Issuer",
                "url": "https://issuer.example", "publicKey": KEY, "revocationList": LIST}),
        ),
        (
            KEY.to_owned(),
            json!({"@context": CONTEXT, "type": "CryptographicKey", "id": KEY, "owner": ISSUER,
                "publicKeyPem": pem(0)}),
        ),
        (
            LIST.to_owned(),
            json!({"@context": CONTEXT, "type": "RevocationList", "id": LIST, "issuer": ISSUER,
                "revokedAssertions": [{"id": "urn:uuid:other", "revocationReason": "x"}]}),
        ),
    ])
}

fn outcomes(report: &crate::verify::VerificationReport) -> Vec<(CheckName, Outcome)> {
    report.checks.iter().map(|c| (c.check, c.outcome)).collect()
}

fn detail(report: &crate::verify::VerificationReport, name: CheckName) -> String {
    report.check(name).unwrap().detail.clone()
}

#[test]
fn a_hosted_assertion_verifies_and_each_rule_can_fail_it() {
    let given = hosted_assertion();
    let result = verify(Ob2Input::Hosted(&given), &Docs(docs(&given)), now());
    assert!(result.report.verified, "{:?}", result.report);
    assert_eq!(result.kind.label(), "Open Badges 2.0 (hosted)");
    assert!(detail(&result.report, CheckName::Syntax).starts_with("Open Badges 2.0 (hosted)"));
    assert_eq!(result.badge_class.unwrap()["name"], "Rust");

    // The copy given differs from the hosted one.
    let mut altered = given.clone();
    altered["issuedOn"] = json!("2020-01-01T00:00:00Z");
    let result = verify(Ob2Input::Hosted(&altered), &Docs(docs(&given)), now());
    assert_eq!(
        result.report.outcome(CheckName::Proof),
        Some(Outcome::Failed)
    );
    assert!(detail(&result.report, CheckName::Proof).contains("differs"));

    // Revoked on the hosted copy (the copy given still says nothing).
    let mut revoked = given.clone();
    revoked["revoked"] = json!(true);
    revoked["revocationReason"] = json!("Cheating");
    let result = verify(Ob2Input::Hosted(&given), &Docs(docs(&revoked)), now());
    assert_eq!(
        result.report.outcome(CheckName::Proof),
        Some(Outcome::Passed)
    );
    assert_eq!(
        result.report.outcome(CheckName::Status),
        Some(Outcome::Failed)
    );
    assert!(detail(&result.report, CheckName::Status).contains("Cheating"));

    // Revoked in the issuer's list.
    let mut documents = docs(&given);
    documents.get_mut(LIST).unwrap()["revokedAssertions"] =
        json!(["urn:uuid:x", {"id": ASSERTION, "revocationReason": "Withdrawn"}]);
    let result = verify(Ob2Input::Hosted(&given), &Docs(documents), now());
    assert_eq!(
        result.report.outcome(CheckName::Status),
        Some(Outcome::Failed)
    );
    assert!(detail(&result.report, CheckName::Status).contains("Withdrawn"));

    // Expired.
    let mut expired = given.clone();
    expired["expires"] = json!("2026-06-01");
    let result = verify(Ob2Input::Hosted(&expired), &Docs(docs(&expired)), now());
    assert_eq!(
        result.report.outcome(CheckName::Validity),
        Some(Outcome::Failed)
    );
    assert!(detail(&result.report, CheckName::Validity).starts_with("expired"));

    // The revocation list cannot be had: status could not be checked, never passed.
    let mut documents = docs(&given);
    documents.remove(LIST);
    let result = verify(Ob2Input::Hosted(&given), &Docs(documents), now());
    assert_eq!(
        result.report.outcome(CheckName::Status),
        Some(Outcome::CouldNotCheck)
    );
    assert!(!result.report.verified);
}

#[test]
fn the_hosting_policy_is_the_issuers() {
    let issuer = json!({"id": "https://issuer.example/i"});
    assert!(policy::check_hosted_scope("https://issuer.example/a/1", &issuer).is_ok());
    assert!(policy::check_hosted_scope("https://ISSUER.example/a/1", &issuer).is_ok());
    for wrong in [
        "https://evil.example/a/1",
        "https://issuer.example.evil.example/a",
        "https://issuer.example@evil.example/a",
        "https://issuer.example:8443/a",
        "ftp://issuer.example/a",
    ] {
        assert!(
            policy::check_hosted_scope(wrong, &issuer).is_err(),
            "{wrong}"
        );
    }
    let issuer = json!({"id": "https://issuer.example/i", "verification": {
        "type": "VerificationObject", "allowedOrigins": ["badges.example", "cdn.example:8443"],
        "startsWith": "https://badges.example/assertions/"}});
    assert!(policy::check_hosted_scope("https://badges.example/assertions/1", &issuer).is_ok());
    assert!(policy::check_hosted_scope("https://badges.example/other/1", &issuer).is_err());
    assert!(policy::check_hosted_scope("https://issuer.example/assertions/1", &issuer).is_err());
    let issuer = json!({"id": "urn:uuid:1"});
    assert!(policy::check_hosted_scope("https://issuer.example/a", &issuer).is_err());

    // Hosted on another origin than the issuer's: issuer-key fails.
    let mut given = hosted_assertion();
    let elsewhere = "https://evil.example/assertions/1.json";
    given["id"] = json!(elsewhere);
    let mut documents = docs(&given);
    documents.insert(elsewhere.to_owned(), given.clone());
    let result = verify(Ob2Input::Hosted(&given), &Docs(documents), now());
    assert_eq!(
        result.report.outcome(CheckName::IssuerKey),
        Some(Outcome::Failed)
    );
    assert!(detail(&result.report, CheckName::IssuerKey).contains("evil.example"));
}

#[test]
fn recipients_match_hashed_and_clear_identities() {
    let assertion = hosted_assertion();
    let recipient = Recipient::of_assertion(&assertion).unwrap();
    assert!(recipient.matches_email("ada@example.org"));
    assert!(!recipient.matches_email("eve@example.org"));
    assert_eq!(recipient.describe(), "an email address (hashed)");
    let clear = Recipient {
        kind: "email".into(),
        identity: "Ada@Example.org".into(),
        hashed: false,
        salt: None,
    };
    assert!(clear.matches_email("ada@example.org"));
    let sha512 = Recipient {
        kind: "email".into(),
        identity: format!("sha512${}", {
            use sha2::Digest;
            sha2::Sha512::digest("ada@example.org")
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect::<String>()
        }),
        hashed: true,
        salt: None,
    };
    assert!(sha512.matches_email("ada@example.org"));
    let md5 = Recipient {
        kind: "email".into(),
        identity: "md5$0b3fd5ed0a2f37ab8d2d6b0cc4f34c5b".into(),
        hashed: true,
        salt: None,
    };
    assert!(!md5.matches_email("ada@example.org"));
    let url = Recipient {
        kind: "url".into(),
        identity: "https://ada.example".into(),
        hashed: false,
        salt: None,
    };
    assert!(!url.matches_email("https://ada.example"));
    assert!(url.matches("https://ada.example"));
}

#[test]
fn dates_are_read_as_open_badges_2_wrote_them() {
    let at = |value: Value| dates::parse(&value).map(OffsetDateTime::unix_timestamp);
    assert_eq!(at(json!("2016-12-31T23:59:59Z")), Ok(1_483_228_799));
    assert_eq!(at(json!("2016-12-31T23:59:59+00:00")), Ok(1_483_228_799));
    assert_eq!(at(json!("2016-12-31T23:59:59")), Ok(1_483_228_799));
    assert_eq!(at(json!("2016-12-31")), Ok(1_483_142_400));
    assert_eq!(at(json!(1_483_228_799)), Ok(1_483_228_799));
    for bad in [
        json!("yesterday"),
        json!(1.5),
        json!(-1),
        json!(true),
        json!("2016-13-01"),
    ] {
        assert!(dates::parse(&bad).is_err(), "{bad}");
    }
}

fn signed_assertion() -> Value {
    let mut assertion = hosted_assertion();
    assertion["id"] = json!("urn:uuid:2f5a9d47-1f8b-4d7e-9a57-6a2b9b0c1d2e");
    assertion["verification"] = json!({"type": "SignedBadge", "creator": KEY});
    assertion
}

#[test]
fn a_signed_assertion_verifies_with_the_issuers_key_only() {
    let payload = signed_assertion();
    let token = sign(0, &json!({"alg": "RS256"}), &payload);
    let jws = CompactJws::parse(&token).unwrap();
    let result = verify(
        Ob2Input::Signed(&jws),
        &Docs(docs(&hosted_assertion())),
        now(),
    );
    assert!(result.report.verified, "{:?}", result.report);
    assert!(detail(&result.report, CheckName::Syntax).starts_with("Open Badges 2.0 (signed)"));

    // Signed by another key than the one the issuer published.
    let forged = sign(1, &json!({"alg": "RS256"}), &payload);
    let jws = CompactJws::parse(&forged).unwrap();
    let result = verify(
        Ob2Input::Signed(&jws),
        &Docs(docs(&hosted_assertion())),
        now(),
    );
    assert_eq!(
        result.report.outcome(CheckName::Proof),
        Some(Outcome::Failed)
    );
    assert!(detail(&result.report, CheckName::Proof).contains("does not verify"));

    // A key from a different issuer: the assertion names a key its issuer does not list.
    let mut other = payload.clone();
    other["verification"]["creator"] = json!("https://evil.example/key.json");
    let token = sign(1, &json!({"alg": "RS256"}), &other);
    let mut documents = docs(&hosted_assertion());
    documents.insert(
        "https://evil.example/key.json".to_owned(),
        json!({"type": "CryptographicKey", "id": "https://evil.example/key.json",
            "owner": "https://evil.example/issuer", "publicKeyPem": pem(1)}),
    );
    let jws = CompactJws::parse(&token).unwrap();
    let result = verify(Ob2Input::Signed(&jws), &Docs(documents.clone()), now());
    assert_eq!(
        result.report.outcome(CheckName::IssuerKey),
        Some(Outcome::Failed)
    );
    assert!(detail(&result.report, CheckName::IssuerKey).contains("does not list"));

    // The issuer lists the key, but the key says another owner.
    documents.get_mut(KEY).unwrap()["owner"] = json!("https://evil.example/issuer");
    let token = sign(0, &json!({"alg": "RS256"}), &payload);
    let jws = CompactJws::parse(&token).unwrap();
    let result = verify(Ob2Input::Signed(&jws), &Docs(documents), now());
    assert_eq!(
        result.report.outcome(CheckName::IssuerKey),
        Some(Outcome::Failed)
    );
    assert!(detail(&result.report, CheckName::IssuerKey).contains("owned by"));

    // No creator: the issuer's listed keys are tried.
    let mut without = payload.clone();
    without["verification"] = json!({"type": "signed"});
    let token = sign(0, &json!({"alg": "RS256"}), &without);
    let jws = CompactJws::parse(&token).unwrap();
    let result = verify(
        Ob2Input::Signed(&jws),
        &Docs(docs(&hosted_assertion())),
        now(),
    );
    assert!(result.report.verified, "{:?}", result.report);
}

#[test]
fn malformed_assertions_fail_syntax_and_fetch_nothing() {
    struct Nothing;
    impl DocumentSource for Nothing {
        fn document(&self, url: &str) -> Result<Value, SourceError> {
            panic!("fetched {url}")
        }
    }
    let mut cases = Vec::new();
    for (field, value) in [
        ("type", json!("BadgeClass")),
        ("id", json!("urn:uuid:1")),
        ("recipient", json!("ada@example.org")),
        ("badge", json!(12)),
        ("verification", json!({"type": "magic"})),
        ("verification", json!({"type": "signed"})),
        ("issuedOn", json!("soon")),
        ("expires", json!("later")),
        ("revoked", json!("yes")),
    ] {
        let mut assertion = hosted_assertion();
        assertion[field] = value;
        cases.push(assertion);
    }
    for assertion in cases {
        let result = verify(Ob2Input::Hosted(&assertion), &Nothing, now());
        assert_eq!(
            result.report.outcome(CheckName::Syntax),
            Some(Outcome::Failed),
            "{assertion}"
        );
        assert!(
            outcomes(&result.report)[2..]
                .iter()
                .all(|(_, outcome)| *outcome == Outcome::CouldNotCheck)
        );
    }
    let mut extra_context = hosted_assertion();
    extra_context["@context"] = json!([CONTEXT, "https://evil.example/context.json"]);
    let result = verify(
        Ob2Input::Hosted(&extra_context),
        &Docs(docs(&extra_context)),
        now(),
    );
    assert_eq!(
        result.report.outcome(CheckName::Context),
        Some(Outcome::Failed)
    );
    assert!(!result.report.verified);
}

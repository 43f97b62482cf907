//! Signed Open Badges 2.0 assertions: a JWS checked against the CryptographicKey the issuer
//! publishes (RSA keys made here). Valid (pasted and baked), and each attack failing with its own
//! error: a tampered payload, `alg: none`, HS256 keyed with the public key, a key from another
//! issuer, and a revoked assertion.

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use brevet_app::import::{Carrier, CredentialFormat, ImportInput};
use brevet_core::baking::BadgeVersion;
use brevet_core::jose::encode_compact;
use brevet_core::verify::{CheckName, Outcome};
use brevet_test_support::{Db, Request};
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use serde_json::{Value, json};

use super::fixtures::{EMAIL, OB2, Ob2World, detail, ob2_png, ob2_svg, outcome};

fn keys() -> &'static [rsa::RsaPrivateKey; 2] {
    static KEYS: OnceLock<[rsa::RsaPrivateKey; 2]> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut rng = rand_core::OsRng;
        [
            rsa::RsaPrivateKey::new(&mut rng, 2048).unwrap(),
            rsa::RsaPrivateKey::new(&mut rng, 2048).unwrap(),
        ]
    })
}

fn pem(index: usize) -> String {
    keys()[index]
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap()
}

fn rs256(index: usize, payload: &Value) -> String {
    use rsa::signature::{SignatureEncoding, Signer};
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(keys()[index].clone());
    encode_compact(
        &json!({"alg": "RS256"}),
        payload.to_string().as_bytes(),
        |input| signer.sign(input).to_vec(),
    )
}

/// HMAC-SHA256 (RFC 2104) by hand, keyed with `secret`.
fn hs256(secret: &[u8], payload: &Value) -> String {
    use sha2::{Digest, Sha256};
    let mut key = [0u8; 64];
    if secret.len() > 64 {
        key[..32].copy_from_slice(&Sha256::digest(secret));
    } else {
        key[..secret.len()].copy_from_slice(secret);
    }
    encode_compact(
        &json!({"alg": "HS256", "typ": "JWT"}),
        payload.to_string().as_bytes(),
        |input| {
            let pad = |byte: u8| key.iter().map(|k| k ^ byte).collect::<Vec<u8>>();
            let inner = Sha256::new()
                .chain_update(pad(0x36))
                .chain_update(input)
                .finalize();
            Sha256::new()
                .chain_update(pad(0x5c))
                .chain_update(inner)
                .finalize()
                .to_vec()
        },
    )
}

fn publish_key(world: &Ob2World) {
    world.issuer.put(
        "/key.json",
        &json!({"@context": OB2, "type": "CryptographicKey", "id": world.issuer.url("/key.json"),
            "owner": world.issuer.url("/issuer.json"), "publicKeyPem": pem(0)}),
    );
}

fn signed_assertion(world: &Ob2World, uuid: &str) -> Value {
    let mut assertion = world.hosted_assertion("/unused");
    assertion["id"] = json!(format!("urn:uuid:{uuid}"));
    assertion["verification"] =
        json!({"type": "SignedBadge", "creator": world.issuer.url("/key.json")});
    assertion
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_assertion_verifies_against_the_issuers_published_key() {
    let Some(world) = Ob2World::start(Db::Sqlite).await else {
        return;
    };
    publish_key(&world);
    let assertion = signed_assertion(&world, "6c1e1d2a-1111-4a4a-8b8b-000000000001");
    let token = rs256(0, &assertion);

    let recognised = world
        .recognise(ImportInput::Bytes(token.clone().into_bytes()))
        .await;
    assert!(recognised.report.verified, "{:?}", recognised.report);
    assert_eq!(recognised.format, CredentialFormat::OpenBadges2Signed);
    assert_eq!(recognised.format.label(), "Open Badges 2.0 (signed)");
    assert_eq!(recognised.payload, token.as_bytes());
    assert!(detail(&recognised, CheckName::Proof).contains("RS256"));
    assert!(detail(&recognised, CheckName::IssuerKey).contains("listed by the issuer"));
    assert_eq!(
        recognised.display.achievement_name.as_deref(),
        Some("Rust Basics")
    );
    assert!(recognised.recipient_matches_email(EMAIL));
    let dedupe = recognised.dedupe_key.clone();

    for (image, carrier) in [
        (ob2_png(&token), Carrier::Png(BadgeVersion::OpenBadges2)),
        (ob2_svg(&token), Carrier::Svg(BadgeVersion::OpenBadges2)),
    ] {
        let recognised = world.recognise(ImportInput::Bytes(image)).await;
        assert!(recognised.report.verified, "{:?}", recognised.report);
        assert_eq!(recognised.carrier, carrier);
        assert_eq!(recognised.payload, token.as_bytes());
        assert_eq!(recognised.dedupe_key, dedupe);
    }
    let response = world
        .server
        .request(Request::method("POST", "/api/v1/verify").body("application/jws", token.clone()))
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["format"], "Open Badges 2.0 (signed)");
    assert_eq!(response.json()["verified"], true);

    // Revoked in the issuer's list.
    world.publish_revocation_list(&[json!(assertion["id"])]);
    let recognised = world
        .recognise(ImportInput::Bytes(token.into_bytes()))
        .await;
    assert_eq!(outcome(&recognised, CheckName::Status), Outcome::Failed);
    assert_eq!(outcome(&recognised, CheckName::Proof), Outcome::Passed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_forgery_fails_with_its_own_error() {
    let Some(world) = Ob2World::start(Db::Sqlite).await else {
        return;
    };
    publish_key(&world);
    let assertion = signed_assertion(&world, "6c1e1d2a-1111-4a4a-8b8b-000000000002");
    let token = rs256(0, &assertion);

    // A tampered payload: another recipient, the signature kept.
    let mut altered = assertion.clone();
    altered["recipient"]["identity"] = json!(brevet_core::ob2::recipient::sha256_identity(
        "eve@example.org",
        "x"
    ));
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[1] = URL_SAFE_NO_PAD.encode(altered.to_string());
    let recognised = world
        .recognise(ImportInput::Bytes(parts.join(".").into_bytes()))
        .await;
    assert!(!recognised.report.verified);
    assert_eq!(outcome(&recognised, CheckName::Proof), Outcome::Failed);
    assert!(
        detail(&recognised, CheckName::Proof).contains("does not verify with the issuer's key"),
        "{}",
        detail(&recognised, CheckName::Proof)
    );

    // alg none, with and without a signature.
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#);
    let payload = URL_SAFE_NO_PAD.encode(assertion.to_string());
    for forged in [
        format!("{header}.{payload}."),
        format!("{header}.{payload}.AAAA"),
    ] {
        let recognised = world
            .recognise(ImportInput::Bytes(forged.into_bytes()))
            .await;
        assert_eq!(recognised.format, CredentialFormat::OpenBadges2Signed);
        assert!(!recognised.report.verified);
        assert_eq!(outcome(&recognised, CheckName::Proof), Outcome::Failed);
        assert!(detail(&recognised, CheckName::Proof).contains("JWT-01"));
        assert_eq!(recognised.display.achievement_name, None);
    }

    // HS256 keyed with the issuer's public key (the PEM text, and its DER bytes).
    let der = keys()[0].to_public_key().to_public_key_der().unwrap();
    for secret in [pem(0).into_bytes(), der.as_bytes().to_vec()] {
        let forged = hs256(&secret, &assertion);
        let recognised = world
            .recognise(ImportInput::Bytes(forged.into_bytes()))
            .await;
        assert_eq!(outcome(&recognised, CheckName::Proof), Outcome::Failed);
        assert!(detail(&recognised, CheckName::Proof).contains("JWT-02"));
    }

    // A key from a different issuer: signed by another key, named as the creator.
    world.issuer.put(
        "/other-key.json",
        &json!({"@context": OB2, "type": "CryptographicKey", "id": world.issuer.url("/other-key.json"),
            "owner": "https://mallory.example/issuer", "publicKeyPem": pem(1)}),
    );
    let mut foreign = assertion.clone();
    foreign["verification"]["creator"] = json!(world.issuer.url("/other-key.json"));
    let recognised = world
        .recognise(ImportInput::Bytes(rs256(1, &foreign).into_bytes()))
        .await;
    assert_eq!(outcome(&recognised, CheckName::IssuerKey), Outcome::Failed);
    assert!(detail(&recognised, CheckName::IssuerKey).contains("does not list under publicKey"));
    assert_ne!(outcome(&recognised, CheckName::Proof), Outcome::Passed);

    // The issuer's own key id, but the other issuer's signature.
    let recognised = world
        .recognise(ImportInput::Bytes(rs256(1, &assertion).into_bytes()))
        .await;
    assert_eq!(outcome(&recognised, CheckName::Proof), Outcome::Failed);

    // A pasted JSON copy of a signed assertion cannot be verified: the JWS is needed.
    let error = world
        .server
        .app
        .recognise_and_verify(ImportInput::Bytes(assertion.to_string().into_bytes()))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("give its JWS"), "{error}");
}

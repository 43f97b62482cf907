//! `/credentials/verify` and `/presentations/verify`: 200 only when verified, 400 when a check
//! failed, 422 when one could not be made, with the W3C error codes.

use super::*;

const CHALLENGE: &str = "u-challenge-8cbd";
const DOMAIN: &str = "verifier.example";

#[tokio::test(flavor = "multi_thread")]
async fn verify_answers_200_only_when_verified() {
    for db in Db::BOTH {
        let Some((server, key, _)) = server_with_org(db, "acme").await else {
            continue;
        };
        let signed = issue_ok(&server, &key, json!({"credential": plain_credential()})).await;
        let ok = verify(&server, &signed).await;
        assert_eq!(ok.status, 200, "{db:?}: {}", ok.text());
        let result = ok.json();
        assert_eq!(result["verified"], true);
        assert!(
            result["checks"]
                .as_array()
                .unwrap()
                .contains(&json!("proof"))
        );
        assert_eq!(result["errors"], json!([]));
        assert_eq!(result["warnings"], json!([]));

        let mut tampered = signed.clone();
        tampered["credentialSubject"]["id"] = json!("did:example:mallory");
        let refused = verify(&server, &tampered).await;
        assert_problem(&refused, 400, "PROOF_VERIFICATION_ERROR");
        assert_eq!(refused.json()["verified"], false);

        let mut unsigned = signed.clone();
        unsigned.as_object_mut().unwrap().remove("proof");
        let refused = verify(&server, &unsigned).await;
        assert_eq!(refused.status, 400);
        assert!(error_codes(&refused).contains(&"PROOF_VERIFICATION_ERROR".to_owned()));

        // Revoked: 400 naming the status.
        let changed = set_status(
            &server,
            &key,
            json!({"credentialId": signed["id"], "credentialStatus": {
                "type": "BitstringStatusListEntry", "statusPurpose": "revocation"}}),
        )
        .await;
        assert_eq!(changed.status, 200, "{}", changed.text());
        let revoked = verify(&server, &signed).await;
        assert_problem(&revoked, 400, "REVOKED");
        assert!(
            revoked.json()["detail"]
                .as_str()
                .unwrap()
                .contains("revoked")
        );

        // A status list nobody can fetch: could not check, 422 naming it.
        let issuer = Ed25519KeyPair::from_seed(&[3; 32]);
        let mut foreign = plain_credential();
        foreign["issuer"] = json!(issuer.did_key());
        foreign["credentialStatus"] = json!({
            "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": "7", "statusListCredential": "https://status.invalid/lists/1"
        });
        let foreign = brevet_core::issue::sign_credential(
            &foreign,
            &issuer,
            Cryptosuite::EddsaRdfc2022,
            "2026-01-01T00:00:00Z",
            LinkedData::shared(),
        )
        .unwrap();
        let unknown = verify(&server, &foreign).await;
        assert_problem(&unknown, 422, "STATUS_RETRIEVAL_ERROR");

        // Not a verify request at all.
        let bad = server
            .request(Request::post_json(
                "/credentials/verify",
                &json!({"credential": signed}),
            ))
            .await;
        assert_problem(&bad, 400, "INVALID_REQUEST");
    }
}

fn holder() -> Ed25519KeyPair {
    Ed25519KeyPair::from_seed(&[11; 32])
}

fn presentation(credentials: Vec<Value>) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder().did_key(),
        "verifiableCredential": credentials
    })
}

fn sign_presentation(unsigned: &Value, challenge: &str) -> Value {
    let key = holder();
    let mut options = ProofOptions::new(
        Cryptosuite::EddsaRdfc2022,
        key.did_key_method(),
        "2026-01-01T00:00:00Z",
    );
    options.proof_purpose = "authentication".to_owned();
    options.challenge = Some(challenge.to_owned());
    options.domain = Some(DOMAIN.to_owned());
    proof::sign(unsigned, &key, &options, LinkedData::shared()).unwrap()
}

async fn verify_presentation(
    server: &TestServer,
    presentation: &Value,
    options: Value,
) -> Response {
    server
        .request(Request::post_json(
            "/presentations/verify",
            &json!({"verifiablePresentation": presentation, "options": options}),
        ))
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn presentations_verify_their_proof_and_every_credential() {
    for db in Db::BOTH {
        let Some((server, key, _)) = server_with_org(db, "acme").await else {
            continue;
        };
        let credential = issue_ok(&server, &key, json!({"credential": plain_credential()})).await;
        let asked = json!({"challenge": CHALLENGE, "domain": DOMAIN});
        let signed = sign_presentation(&presentation(vec![credential.clone()]), CHALLENGE);
        let ok = verify_presentation(&server, &signed, asked.clone()).await;
        assert_eq!(ok.status, 200, "{db:?}: {}", ok.text());
        assert_eq!(ok.json()["verified"], true);
        assert_eq!(ok.json()["credentialResults"][0]["verified"], true);

        let replayed = sign_presentation(&presentation(vec![credential.clone()]), "old");
        let refused = verify_presentation(&server, &replayed, asked.clone()).await;
        assert_problem(&refused, 400, "INVALID_CHALLENGE_ERROR");

        let mut tampered = signed.clone();
        tampered["holder"] = json!("did:example:mallory");
        let refused = verify_presentation(&server, &tampered, asked.clone()).await;
        assert_eq!(refused.status, 400, "{}", refused.text());

        // Unsigned: fine when nothing was asked, refused when a challenge was.
        let unsigned = presentation(vec![credential.clone()]);
        let ok = verify_presentation(&server, &unsigned, json!({})).await;
        assert_eq!(ok.status, 200, "{}", ok.text());
        let refused = verify_presentation(&server, &unsigned, asked.clone()).await;
        assert_problem(&refused, 400, "INVALID_CHALLENGE_ERROR");

        // A credential inside that does not verify fails the presentation.
        let mut changed = credential.clone();
        changed["credentialSubject"]["id"] = json!("did:example:mallory");
        let signed = sign_presentation(&presentation(vec![changed]), CHALLENGE);
        let refused = verify_presentation(&server, &signed, asked.clone()).await;
        assert_problem(&refused, 400, "PROOF_VERIFICATION_ERROR");
        assert_eq!(refused.json()["credentialResults"][0]["verified"], false);

        let as_string = verify_presentation(
            &server,
            &json!({"@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiablePresentation"], "verifiableCredential": ["x"]}),
            json!({}),
        )
        .await;
        assert_problem(&as_string, 400, "MALFORMED_VALUE_ERROR");
    }
}

//! `/credentials/status` and `{statusListCredential}/publish`: changes seen at once on the
//! served list and by the verifier; another organisation's key finds nothing.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn status_changes_show_at_once_and_lists_republish() {
    for db in Db::BOTH {
        let Some((server, key, _)) = server_with_org(db, "acme").await else {
            continue;
        };
        let signed = issue_ok(
            &server,
            &key,
            json!({"credential": plain_credential(), "options": {"credentialStatus":
                {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}}}),
        )
        .await;
        let status = entries(&signed);
        let (revocation, suspension) = (&status[0], &status[1]);
        let public_id = signed["id"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        assert!(!served_bit(&server, revocation).await);

        // Suspend by the public id, then lift it (status: false).
        let body = |status: bool| {
            json!({"credentialId": public_id, "status": status, "credentialStatus":
                {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}})
        };
        let suspended = set_status(&server, &key, body(true)).await;
        assert_eq!(suspended.status, 200, "{db:?}: {}", suspended.text());
        assert!(served_bit(&server, suspension).await);
        let report = server.app.verify(&signed).await;
        assert!(!report.verified);
        assert!(
            verify(&server, &signed).await.json()["detail"]
                .as_str()
                .unwrap()
                .contains("suspended")
        );
        let (_, stored) = server.app.verify_stored(&public_id).await.unwrap();
        assert!(!stored.verified);
        let lifted = set_status(&server, &key, body(false)).await;
        assert_eq!(lifted.status, 200);
        assert!(!served_bit(&server, suspension).await);
        assert!(server.app.verify(&signed).await.verified);
        let (_, stored) = server.app.verify_stored(&public_id).await.unwrap();
        assert!(stored.verified);

        // Revoke by the credential's id URL.
        let revoked = set_status(
            &server,
            &key,
            json!({"credentialId": signed["id"], "credentialStatus":
                {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}, "reason": "error"}),
        )
        .await;
        assert_eq!(revoked.status, 200);
        assert!(served_bit(&server, revocation).await);
        assert!(!server.app.verify(&signed).await.verified);

        // Publish: 204, with or without a body.
        let publish_path = format!(
            "{}/publish",
            revocation["statusListCredential"].as_str().unwrap()
        );
        let published = server
            .request(Request::post_json(&publish_path, &json!({})).bearer(&key))
            .await;
        assert_eq!(published.status, 204, "{}", published.text());
        let published = server
            .request(Request::method("POST", &publish_path).bearer(&key))
            .await;
        assert_eq!(published.status, 204);
        assert!(served_bit(&server, revocation).await);

        // Bad requests.
        let plain = issue_ok(&server, &key, json!({"credential": plain_credential()})).await;
        let no_entry = set_status(
            &server,
            &key,
            json!({"credentialId": plain["id"], "credentialStatus":
                {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}}),
        )
        .await;
        assert_problem(&no_entry, 422, "NO_STATUS_ENTRY");
        for bad in [
            json!({"credentialId": plain["id"]}),
            json!({"credentialId": plain["id"], "credentialStatus": {"statusPurpose": "refresh"}}),
            json!({"credentialId": plain["id"], "status": "yes", "credentialStatus": {"statusPurpose": "revocation"}}),
            json!({"credentialStatus": {"statusPurpose": "revocation"}}),
        ] {
            let response = set_status(&server, &key, bad.clone()).await;
            assert_eq!(response.status, 400, "{bad}: {}", response.text());
        }
        let unknown = set_status(
            &server,
            &key,
            json!({"credentialId": "urn:uuid:unknown", "credentialStatus": {"statusPurpose": "revocation"}}),
        )
        .await;
        assert_problem(&unknown, 404, "NOT_FOUND");
        let anonymous = server
            .request(Request::post_json("/credentials/status", &json!({})))
            .await;
        assert_eq!(anonymous.status, 401);
        let anonymous = server.request(Request::method("POST", &publish_path)).await;
        assert_eq!(anonymous.status, 401);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn another_organisations_key_finds_nothing() {
    for db in Db::BOTH {
        let Some((server, key, _)) = server_with_org(db, "acme").await else {
            continue;
        };
        let other = server.create_org("globex").await;
        let signed = issue_ok(&server, &key, json!({"credential": plain_credential()})).await;
        let entry = &entries(&signed)[0];
        let public_id = signed["id"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        for credential_id in [signed["id"].clone(), json!(public_id)] {
            let response = set_status(
                &server,
                &other.api_key,
                json!({"credentialId": credential_id, "credentialStatus":
                    {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}}),
            )
            .await;
            assert_problem(&response, 404, "NOT_FOUND");
        }
        let publish_path = format!(
            "{}/publish",
            entry["statusListCredential"].as_str().unwrap()
        );
        let response = server
            .request(Request::post_json(&publish_path, &json!({})).bearer(&other.api_key))
            .await;
        assert_problem(&response, 404, "NOT_FOUND");
        // Nor can it sign as this organisation.
        let mut credential = plain_credential();
        credential["issuer"] = signed["issuer"].clone();
        let response = issue(&server, &other.api_key, json!({ "credential": credential })).await;
        assert_problem(&response, 400, "ISSUER_MISMATCH");
        assert!(!served_bit(&server, entry).await, "{db:?}");
        assert!(server.app.verify(&signed).await.verified);
    }
}

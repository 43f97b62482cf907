//! Retries and concurrency over HTTP on both backends: `Idempotency-Key` replays (byte-identical
//! response, one credential; another body with the same key is a 422), reissue with
//! `supersedes` (the old credential revoked as "superseded"), and 200 concurrent awards that
//! never share a status list index.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use brevet_test_support::{Db, Request};
use serde_json::{Value, json};

use super::{assert_problem, award, award_body, check, issuer, row_counts, verify_http};

#[tokio::test]
async fn an_idempotency_key_replays_the_first_response_byte_for_byte() {
    for db in Db::BOTH {
        let Some(setup) = issuer(db, "acme").await else {
            continue;
        };
        let (server, key) = (&setup.server, setup.org.api_key.as_str());
        let body = award_body(&setup.achievement_id, "ada@example.org");
        let send = |body: &Value, idem: &str| {
            Request::post_json("/api/v1/credentials", body)
                .bearer(key)
                .header("idempotency-key", idem)
        };
        let first = server.request(send(&body, "award-ada-1")).await;
        assert_eq!(first.status, 201, "{}", first.text());
        let before = row_counts(server).await;
        let retry = server.request(send(&body, "award-ada-1")).await;
        assert_eq!(retry.status, 201);
        assert_eq!(retry.body, first.body, "the replay is byte-identical");
        assert_eq!(row_counts(server).await, before, "a replay writes nothing");
        assert_eq!(before["credentials"], 1);

        // The same key with another body.
        let other = award_body(&setup.achievement_id, "eve@example.org");
        let reused = server.request(send(&other, "award-ada-1")).await;
        assert_eq!(reused.status, 422, "{}", reused.text());
        assert_problem(&reused, "reused idempotency key");
        assert_eq!(reused.json()["code"], "IDEMPOTENCY_KEY_REUSED");
        assert_eq!(row_counts(server).await, before);

        // A key whose request failed is released: a corrected retry under it runs, and from
        // then on the key belongs to the corrected request.
        let bad = json!({"achievement_id": setup.achievement_id, "recipient": {"email": "nope"}});
        let failed = server.request(send(&bad, "award-bob-1")).await;
        assert_eq!(failed.status, 422);
        assert_eq!(
            row_counts(server).await,
            before,
            "a failed request leaves no key behind"
        );
        let good = award_body(&setup.achievement_id, "bob@example.org");
        let corrected = server.request(send(&good, "award-bob-1")).await;
        assert_eq!(corrected.status, 201, "{}", corrected.text());
        let again = server.request(send(&bad, "award-bob-1")).await;
        assert_eq!(again.status, 422);
        assert_eq!(again.json()["code"], "IDEMPOTENCY_KEY_REUSED");
    }
}

#[tokio::test]
async fn a_reissue_revokes_the_old_credential_as_superseded() {
    for db in Db::BOTH {
        let Some(setup) = issuer(db, "acme").await else {
            continue;
        };
        let (server, key) = (&setup.server, setup.org.api_key.as_str());
        let old = award(
            server,
            key,
            &award_body(&setup.achievement_id, "ada@example.org"),
        )
        .await;
        let old_id = old["id"].as_str().unwrap();
        let mut body = award_body(&setup.achievement_id, "ada@example.org");
        body["supersedes"] = json!(old_id);
        let new = award(server, key, &body).await;
        let new_id = new["id"].as_str().unwrap();

        let old_view = server
            .request(Request::get(&format!("/api/v1/credentials/{old_id}")).bearer(key))
            .await
            .json();
        assert_eq!(old_view["superseded_by"], new_id);
        assert!(old_view["status"].as_array().unwrap().iter().any(|s| {
            s["purpose"] == "revocation" && s["set"] == true && s["reason"] == "superseded"
        }));
        let new_view = server
            .request(Request::get(&format!("/api/v1/credentials/{new_id}")).bearer(key))
            .await
            .json();
        assert_eq!(new_view["supersedes"], old_id);

        let report = verify_http(server, &old["credential"]).await;
        assert_eq!(check(&report, "status").0, "failed");
        assert_eq!(
            verify_http(server, &new["credential"]).await["verified"],
            true
        );

        // Superseding an unknown credential changes nothing.
        let before = row_counts(server).await;
        let mut unknown = award_body(&setup.achievement_id, "ada@example.org");
        unknown["supersedes"] = json!("0123456789abcdef0123456789abcdef");
        let response = server
            .request(Request::post_json("/api/v1/credentials", &unknown).bearer(key))
            .await;
        assert_eq!(response.status, 404, "{}", response.text());
        assert_eq!(row_counts(server).await, before);
    }
}

/// 200 concurrent awards through the HTTP API.
const CONCURRENT_AWARDS: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_awards_never_share_a_status_index() {
    for db in Db::BOTH {
        let Some(setup) = issuer(db, "acme").await else {
            continue;
        };
        // One award first creates the status lists, so that the concurrent ones are signed
        // with indices drawn from open lists and stored by the group-committing writer.
        let first = setup
            .server
            .request(
                Request::post_json(
                    "/api/v1/credentials",
                    &award_body(&setup.achievement_id, "first@example.org"),
                )
                .bearer(&setup.org.api_key),
            )
            .await;
        assert_eq!(first.status, 201, "{}", first.text());
        let setup = Arc::new(setup);
        let mut tasks = Vec::new();
        for n in 0..CONCURRENT_AWARDS {
            let setup = Arc::clone(&setup);
            tasks.push(tokio::spawn(async move {
                let body = award_body(&setup.achievement_id, &format!("r{n}@example.org"));
                let response = setup
                    .server
                    .request(
                        Request::post_json("/api/v1/credentials", &body).bearer(&setup.org.api_key),
                    )
                    .await;
                assert_eq!(response.status, 201, "{}", response.text());
                response.json()
            }));
        }
        let mut awarded = vec![first.json()];
        for task in tasks {
            awarded.push(task.await.unwrap());
        }
        let server = &setup.server;

        // In the database: two entries per credential, every (list, index) distinct, and each
        // list's `used` counter equal to its entries.
        let store = server.app.store();
        let mut conn = store.read().await.unwrap();
        let mut entries_by_credential: BTreeMap<String, Vec<(String, i64, String)>> =
            BTreeMap::new();
        let mut positions = BTreeSet::new();
        let lists = brevet_store::status::lists_for_org(&mut conn, &setup.org.org_id)
            .await
            .unwrap();
        let mut total = 0;
        for list in &lists {
            let entries = list_entries(&mut conn, &list.id).await;
            assert_eq!(
                list.used,
                entries.len() as i64,
                "used counter of {}",
                list.id
            );
            for (idx, credential_id, purpose) in entries {
                assert!(
                    positions.insert((list.id.clone(), idx)),
                    "index {idx} shared"
                );
                entries_by_credential
                    .entry(credential_id)
                    .or_default()
                    .push((list.id.clone(), idx, purpose));
                total += 1;
            }
        }
        assert_eq!(total, 2 * (CONCURRENT_AWARDS + 1));
        assert_eq!(entries_by_credential.len(), CONCURRENT_AWARDS + 1);

        // Each credential names exactly the entries the database holds for it, and no two
        // credentials name the same position.
        let mut named_positions = BTreeSet::new();
        for response in &awarded {
            let id = response["id"].as_str().unwrap();
            let mut named: Vec<(String, i64, String)> = response["credential"]["credentialStatus"]
                .as_array()
                .unwrap()
                .iter()
                .map(|entry| {
                    let url = entry["statusListCredential"].as_str().unwrap();
                    (
                        url.rsplit('/').next().unwrap().to_owned(),
                        entry["statusListIndex"].as_str().unwrap().parse().unwrap(),
                        entry["statusPurpose"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            named.sort();
            for (list, idx, _) in &named {
                assert!(
                    named_positions.insert((list.clone(), *idx)),
                    "{list}#{idx} named twice"
                );
            }
            let mut stored = entries_by_credential[id].clone();
            stored.sort();
            assert_eq!(named, stored, "credential {id}");
        }
        assert_eq!(
            server.app.events().counts().awards,
            CONCURRENT_AWARDS as u64 + 1
        );
    }
}

async fn list_entries(
    conn: &mut brevet_store::AnyConnection,
    list_id: &str,
) -> Vec<(i64, String, String)> {
    // Entries of one list, through the store's own queries: every credential of the list.
    let mut out = Vec::new();
    let owner = owner_of(conn, list_id).await;
    let credentials: Vec<String> = {
        let mut ids = Vec::new();
        let page = brevet_store::credentials::list(
            conn,
            &owner,
            &brevet_store::credentials::CredentialFilter {
                limit: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        ids.extend(page.into_iter().map(|record| record.id));
        ids
    };
    for credential in credentials {
        for entry in brevet_store::status::entries_for_credential(conn, &credential)
            .await
            .unwrap()
        {
            if entry.list_id == list_id {
                out.push((entry.idx, entry.credential_id, entry.purpose));
            }
        }
    }
    out
}

async fn owner_of(conn: &mut brevet_store::AnyConnection, list_id: &str) -> String {
    brevet_store::status::get_list(conn, list_id)
        .await
        .unwrap()
        .org_id
}

#[tokio::test]
async fn a_key_left_pending_by_a_request_that_died_is_claimed_again_later() {
    for db in Db::BOTH {
        let Some(setup) = issuer(db, "acme").await else {
            continue;
        };
        let (server, key) = (&setup.server, setup.org.api_key.as_str());
        let body = award_body(&setup.achievement_id, "ada@example.org");
        let bytes = body.to_string().into_bytes();
        let mut headers = axum::http::HeaderMap::new();
        headers.insert("idempotency-key", "award-ada".parse().unwrap());
        let fingerprint = brevet_server::api::credentials::idempotency(
            &headers,
            "POST /api/v1/credentials",
            &bytes,
        )
        .unwrap();
        // A first request claimed the key and died before finishing.
        let mut tx = server.app.store().begin().await.unwrap();
        let claimed = brevet_store::idempotency::try_claim(
            &mut tx,
            &brevet_store::idempotency::IdempotencyRecord {
                org_id: setup.org.org_id.clone(),
                idem_key: "award-ada".into(),
                request_hash: fingerprint.request_hash,
                state: "pending".into(),
                status_code: None,
                response: None,
                created_at: server.app.now_unix(),
            },
        )
        .await
        .unwrap();
        assert!(claimed);
        tx.commit().await.unwrap();
        let send = || {
            Request::post_json("/api/v1/credentials", &body)
                .bearer(key)
                .header("idempotency-key", "award-ada")
        };
        let in_progress = server.request(send()).await;
        assert_eq!(in_progress.status, 409, "{}", in_progress.text());
        assert_problem(&in_progress, "pending key");

        server.clock.advance(time::Duration::seconds(
            brevet_app::issuance::ABANDONED_AFTER_SECONDS + 1,
        ));
        let retried = server.request(send()).await;
        assert_eq!(retried.status, 201, "{}", retried.text());
        let replayed = server.request(send()).await;
        assert_eq!(replayed.body, retried.body);
        assert_eq!(row_counts(server).await["credentials"], 1);
    }
}

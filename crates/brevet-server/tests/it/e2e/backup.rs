//! Backup and restore across backends: a backup taken while awards run concurrently is a
//! consistent snapshot, restores into a fresh database of the other backend, and every
//! credential in it still verifies there with the same master key.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use brevet_app::{App, AppConfig};
use brevet_store::backup::{self, BackupError};
use brevet_test_support::{Db, Request, TestServer};

use super::{award, award_body, issuer, row_counts};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_during_awards_restores_on_the_other_backend_and_verifies() {
    for (from, to) in [(Db::Sqlite, Db::Postgres), (Db::Postgres, Db::Sqlite)] {
        let Some(setup) = issuer(from, "acme").await else {
            continue;
        };
        let Some(target) = TestServer::start(to).await else {
            continue;
        };
        let setup = Arc::new(setup);
        let key = setup.org.api_key.clone();
        let revoked = award(
            &setup.server,
            &key,
            &award_body(&setup.achievement_id, "r@example.org"),
        )
        .await;
        let revoked_id = revoked["id"].as_str().unwrap().to_owned();
        let response = setup
            .server
            .request(
                Request::method("POST", &format!("/api/v1/credentials/{revoked_id}/revoke"))
                    .bearer(&key),
            )
            .await;
        assert_eq!(response.status, 200);

        // Awards keep running while the backup is taken.
        let stop = Arc::new(AtomicBool::new(false));
        let mut writers = Vec::new();
        for worker in 0..3 {
            let (setup, stop) = (Arc::clone(&setup), Arc::clone(&stop));
            writers.push(tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) || n < 3 {
                    let body =
                        award_body(&setup.achievement_id, &format!("w{worker}-{n}@example.org"));
                    award(&setup.server, &setup.org.api_key, &body).await;
                    n += 1;
                }
            }));
        }
        // Let some awards land, then back up in the middle of the stream.
        while setup.server.app.events().counts().awards < 6 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let mut file = Vec::new();
        let summary = backup::export(setup.server.app.store(), 1_790_000_000, &mut file)
            .await
            .unwrap();
        stop.store(true, Ordering::Relaxed);
        for writer in writers {
            writer.await.unwrap();
        }
        let header = &summary.header;
        assert_eq!(header.backend, from_name(from));
        assert_eq!(
            header.master_key_ids,
            vec![setup.server.master.id().to_owned()]
        );
        let text = String::from_utf8(file.clone()).unwrap();
        assert!(
            !text.contains(&setup.server.master.to_text()),
            "the master key is never in a backup"
        );
        let in_backup = |table: &str| {
            summary
                .tables
                .iter()
                .find(|(name, _)| name == table)
                .map(|(_, rows)| *rows)
                .unwrap()
        };
        let credentials = in_backup("credentials");
        assert!(credentials >= 6, "{summary:?}");
        assert_eq!(
            in_backup("status_entries"),
            2 * credentials,
            "a consistent snapshot"
        );

        // Restore into the fresh database of the other backend.
        let restored = backup::restore(target.app.store(), &mut file.as_slice())
            .await
            .unwrap();
        assert_eq!(restored.tables, summary.tables);
        let counts = row_counts(&target).await;
        for (table, rows) in &summary.tables {
            assert_eq!(counts[table], *rows as i64, "{table}");
        }
        let snapshot_used: i64 = {
            let mut conn = target.app.store().read().await.unwrap();
            brevet_store::status::lists_for_org(&mut conn, &setup.org.org_id)
                .await
                .unwrap()
                .iter()
                .map(|list| list.used)
                .sum()
        };
        assert_eq!(
            snapshot_used, counts["status_entries"],
            "list counters match entries"
        );

        // The same master key and base URL over the restored data: every credential verifies.
        let restored_app = App::new(
            target.app.store().clone(),
            AppConfig::new(&setup.server.base_url),
            setup.server.master.clone(),
            setup.server.clock.clone(),
        );
        let ids: Vec<String> = {
            let mut conn = target.app.store().read().await.unwrap();
            brevet_store::credentials::list(
                &mut conn,
                &setup.org.org_id,
                &brevet_store::credentials::CredentialFilter {
                    limit: 500,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .into_iter()
            .map(|record| record.id)
            .collect()
        };
        assert_eq!(ids.len() as u64, credentials);
        for id in &ids {
            let (_, report) = restored_app.verify_stored(id).await.unwrap();
            if *id == revoked_id {
                assert!(!report.verified, "the revocation survives the restore");
            } else {
                assert!(report.verified, "{id}: {report:?}");
            }
        }
        // The restored issuer can sign again with its unsealed key.
        let principal = restored_app
            .principal_for_api_key(&setup.org.api_key)
            .await
            .unwrap();
        let request: brevet_app::issuance::AwardRequest =
            serde_json::from_value(award_body(&setup.achievement_id, "after@example.org")).unwrap();
        let issued = restored_app
            .award(&principal, &request, None)
            .await
            .unwrap();
        assert_eq!(issued.status, 201);

        // A second restore into the now non-empty database is refused and changes nothing.
        let before = row_counts(&target).await;
        let again = backup::restore(target.app.store(), &mut file.as_slice()).await;
        assert!(
            matches!(again, Err(BackupError::NotEmpty { .. })),
            "{again:?}"
        );
        assert_eq!(row_counts(&target).await, before);
    }
}

#[tokio::test]
async fn a_truncated_or_altered_backup_is_refused_and_writes_nothing() {
    let Some(setup) = issuer(Db::Sqlite, "acme").await else {
        return;
    };
    award(
        &setup.server,
        &setup.org.api_key,
        &award_body(&setup.achievement_id, "a@example.org"),
    )
    .await;
    let mut file = Vec::new();
    backup::export(setup.server.app.store(), 0, &mut file)
        .await
        .unwrap();
    let text = String::from_utf8(file).unwrap();
    let lines: Vec<&str> = text.lines().collect();

    let truncated = lines[..lines.len() - 1].join("\n");
    assert!(lines[3].starts_with('['), "line 3 is a row: {}", lines[3]);
    let dropped_row = lines
        .iter()
        .enumerate()
        .filter(|(index, _)| *index != 3)
        .map(|(_, line)| *line)
        .collect::<Vec<_>>()
        .join("\n");
    for (what, input) in [("truncated", truncated), ("a row dropped", dropped_row)] {
        let Some(target) = TestServer::start(Db::Sqlite).await else {
            return;
        };
        let result = backup::restore(target.app.store(), &mut input.as_bytes()).await;
        assert!(result.is_err(), "{what}");
        assert!(
            row_counts(&target).await.values().all(|rows| *rows == 0),
            "{what}: nothing written"
        );
    }
}

fn from_name(db: Db) -> &'static str {
    match db {
        Db::Sqlite => "sqlite",
        Db::Postgres => "postgres",
    }
}

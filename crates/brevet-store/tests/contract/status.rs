//! Contract: status lists and entries. The `(list_id, idx)` key refuses a second credential at
//! a taken index (`try_claim_index` answers false and leaves the transaction usable); bits are
//! set and cleared with a reason and bump the list's version; the published list credential is
//! stored byte for byte.

use brevet_store::status::{self, StatusEntryRecord, StatusListRecord};
use brevet_store::{Store, is_unique_violation};

use crate::harness::{BACKENDS, TestDb, assert_not_found, two_orgs};

fn list(id: &str, org_id: &str, purpose: &str, at: i64) -> StatusListRecord {
    StatusListRecord {
        id: id.to_owned(),
        org_id: org_id.to_owned(),
        purpose: purpose.to_owned(),
        size: 131_072,
        used: 0,
        version: 1,
        published_json: None,
        published_version: 0,
        published_at: None,
        created_at: at,
    }
}

fn entry(list_id: &str, idx: i64, credential_id: &str) -> StatusEntryRecord {
    StatusEntryRecord {
        list_id: list_id.to_owned(),
        idx,
        credential_id: credential_id.to_owned(),
        purpose: "revocation".to_owned(),
        is_set: 0,
        reason: None,
        changed_at: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_lists_and_unique_indices() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        status_on(&db.store).await;
    }
}

async fn status_on(store: &Store) {
    two_orgs(store).await;
    let mut tx = store.begin().await.unwrap();
    status::insert_list(&mut tx, &list("l-rev", "org-a", "revocation", 10))
        .await
        .unwrap();
    status::insert_list(&mut tx, &list("l-sus", "org-a", "suspension", 10))
        .await
        .unwrap();
    status::insert_list(&mut tx, &list("l-b", "org-b", "revocation", 5))
        .await
        .unwrap();
    // Claiming a free index succeeds and counts; a taken one answers false, and the same
    // transaction goes on working (PostgreSQL would abort it on a failed statement).
    assert!(
        status::try_claim_index(&mut tx, &entry("l-rev", 7, "cred-1"))
            .await
            .unwrap()
    );
    assert!(
        !status::try_claim_index(&mut tx, &entry("l-rev", 7, "cred-2"))
            .await
            .unwrap()
    );
    assert!(
        status::try_claim_index(&mut tx, &entry("l-rev", 8, "cred-2"))
            .await
            .unwrap()
    );
    assert!(
        status::try_claim_index(&mut tx, &entry("l-b", 7, "cred-b"))
            .await
            .unwrap()
    );
    let mut suspension = entry("l-sus", 7, "cred-1");
    suspension.purpose = "suspension".into();
    assert!(status::try_claim_index(&mut tx, &suspension).await.unwrap());
    tx.commit().await.unwrap();

    let mut conn = store.read().await.unwrap();
    let rev = status::get_list(&mut conn, "l-rev").await.unwrap();
    assert_eq!(rev.used, 2, "a refused claim must not count");
    assert_not_found(status::get_list(&mut conn, "l-none").await);
    let entries = status::entries_for_credential(&mut conn, "cred-1")
        .await
        .unwrap();
    assert_eq!(
        entries
            .iter()
            .map(|e| (e.list_id.as_str(), e.idx, e.purpose.as_str()))
            .collect::<Vec<_>>(),
        [("l-rev", 7, "revocation"), ("l-sus", 7, "suspension")]
    );
    assert_eq!(
        status::entries_for_credential(&mut conn, "cred-2")
            .await
            .unwrap()[0]
            .idx,
        8
    );

    // The primary key itself refuses a duplicate (list, index), whatever writes it.
    let duplicate = sqlx::query(
        "INSERT INTO status_entries (list_id, idx, credential_id, purpose, is_set) VALUES ($1, $2, $3, $4, 0)",
    )
    .bind("l-rev")
    .bind(7_i64)
    .bind("cred-3")
    .bind("revocation")
    .execute(&mut *conn)
    .await
    .expect_err("a duplicate (list_id, idx) was stored");
    assert!(is_unique_violation(&duplicate), "{duplicate}");
    assert_eq!(
        status::entries_for_credential(&mut conn, "cred-1")
            .await
            .unwrap()[0]
            .credential_id,
        "cred-1"
    );

    // open_list: the newest list of the purpose with room under the cap.
    let open = status::open_list(&mut conn, "org-a", "revocation", 100)
        .await
        .unwrap();
    assert_eq!(open.map(|l| l.id).as_deref(), Some("l-rev"));
    assert!(
        status::open_list(&mut conn, "org-a", "revocation", 2)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        status::open_list(&mut conn, "org-b", "suspension", 100)
            .await
            .unwrap()
            .is_none()
    );
    let lists: Vec<String> = status::lists_for_org(&mut conn, "org-a")
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.id)
        .collect();
    assert_eq!(lists, ["l-rev", "l-sus"]);

    // Setting and clearing bits, with a reason; each change bumps the version.
    status::set_entry(&mut conn, "l-rev", 7, true, Some("misconduct"), 500)
        .await
        .unwrap();
    status::set_entry(&mut conn, "l-rev", 8, true, None, 501)
        .await
        .unwrap();
    let mut set = status::set_indices(&mut conn, "l-rev").await.unwrap();
    set.sort_unstable();
    assert_eq!(set, [7, 8]);
    status::set_entry(&mut conn, "l-rev", 8, false, Some("reinstated"), 502)
        .await
        .unwrap();
    assert_eq!(status::set_indices(&mut conn, "l-rev").await.unwrap(), [7]);
    assert!(
        status::set_indices(&mut conn, "l-b")
            .await
            .unwrap()
            .is_empty()
    );
    let revoked = &status::entries_for_credential(&mut conn, "cred-1")
        .await
        .unwrap()[0];
    assert_eq!(
        (
            revoked.is_set,
            revoked.reason.as_deref(),
            revoked.changed_at
        ),
        (1, Some("misconduct"), Some(500))
    );
    assert_eq!(
        status::get_list(&mut conn, "l-rev").await.unwrap().version,
        4
    );
    // An index nobody holds is not found. set_entry bumps the version before it looks for the
    // entry, so callers run it in a transaction, which the error rolls back.
    drop(conn);
    let mut tx = store.begin().await.unwrap();
    assert_not_found(status::set_entry(&mut tx, "l-rev", 9, true, None, 503).await);
    drop(tx);
    let mut conn = store.read().await.unwrap();
    assert_eq!(
        status::get_list(&mut conn, "l-rev").await.unwrap().version,
        4
    );

    // The published copy is stored byte for byte with its version.
    let published = "{\"type\":[\"VerifiableCredential\",\"BitstringStatusListCredential\"],\"ttl\":300000,\"note\":\"é 🎓\"}";
    status::store_published(&mut conn, "l-rev", published, 4, 600)
        .await
        .unwrap();
    let stored = status::get_list(&mut conn, "l-rev").await.unwrap();
    assert_eq!(stored.published_json.as_deref(), Some(published));
    assert_eq!(
        (stored.published_version, stored.published_at),
        (4, Some(600))
    );

    // A claimed index can be given back (a credential that will not be written after all).
    let spare = StatusEntryRecord {
        list_id: "l-rev".to_owned(),
        idx: 4242,
        credential_id: "cred-spare".to_owned(),
        purpose: "revocation".to_owned(),
        is_set: 0,
        reason: None,
        changed_at: None,
    };
    let used_before = status::get_list(&mut conn, "l-rev").await.unwrap().used;
    assert!(status::try_claim_index(&mut conn, &spare).await.unwrap());
    status::release_index(&mut conn, &spare).await.unwrap();
    assert_eq!(
        status::get_list(&mut conn, "l-rev").await.unwrap().used,
        used_before
    );
    assert_not_found(status::release_index(&mut conn, &spare).await);
    assert!(status::try_claim_index(&mut conn, &spare).await.unwrap());
    status::release_index(&mut conn, &spare).await.unwrap();

    // Entries with their lists' versions, in one query: what a public page depends on.
    let with_versions = status::entries_with_list_versions(&mut conn, "cred-1")
        .await
        .unwrap();
    let summary: Vec<_> = with_versions
        .iter()
        .map(|(entry, version)| {
            (
                entry.purpose.as_str(),
                entry.list_id.as_str(),
                entry.is_set,
                entry.reason.as_deref(),
                *version,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("revocation", "l-rev", 1, Some("misconduct"), 4),
            ("suspension", "l-sus", 0, None, 1)
        ]
    );
    assert!(
        status::entries_with_list_versions(&mut conn, "nobody")
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claims_of_one_index_give_it_to_one_credential() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        two_orgs(&db.store).await;
        let mut tx = db.store.begin().await.unwrap();
        status::insert_list(&mut tx, &list("l-1", "org-a", "revocation", 1))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut tasks = Vec::new();
        for n in 0..8 {
            let store = db.store.clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = store.begin().await.unwrap();
                let won = status::try_claim_index(&mut tx, &entry("l-1", 42, &format!("cred-{n}")))
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                won
            }));
        }
        let mut winners = 0;
        for task in tasks {
            winners += usize::from(task.await.unwrap());
        }
        assert_eq!(winners, 1);
        let mut conn = db.store.read().await.unwrap();
        assert_eq!(status::get_list(&mut conn, "l-1").await.unwrap().used, 1);
    }
}

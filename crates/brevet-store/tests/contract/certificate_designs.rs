//! Contract: certificate designs (none until chosen, put replaces, one per organisation, kept
//! by backups).

use brevet_store::certificate_designs::{self, CertificateDesignRecord};
use brevet_store::{Store, backup, orgs};

use crate::harness::{BACKENDS, TestDb, org};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_designs() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        certificate_designs_on(&db.store).await;
    }
}

async fn certificate_designs_on(store: &Store) {
    let mut conn = store.begin().await.unwrap();
    orgs::insert(&mut conn, &org("org-1", "acme"))
        .await
        .unwrap();
    orgs::insert(&mut conn, &org("org-2", "beta"))
        .await
        .unwrap();
    assert_eq!(
        certificate_designs::get(&mut conn, "org-1").await.unwrap(),
        None
    );

    let first = CertificateDesignRecord {
        org_id: "org-1".into(),
        layout: "modern".into(),
        color: "#0f766e".into(),
        updated_at: 1_700_000_000,
    };
    certificate_designs::put(&mut conn, &first).await.unwrap();
    assert_eq!(
        certificate_designs::get(&mut conn, "org-1").await.unwrap(),
        Some(first.clone())
    );
    let second = CertificateDesignRecord {
        layout: "minimal".into(),
        color: "#7f1d1d".into(),
        updated_at: 1_700_000_100,
        ..first.clone()
    };
    certificate_designs::put(&mut conn, &second).await.unwrap();
    assert_eq!(
        certificate_designs::get(&mut conn, "org-1").await.unwrap(),
        Some(second)
    );
    assert_eq!(
        certificate_designs::get(&mut conn, "org-2").await.unwrap(),
        None
    );
    conn.commit().await.unwrap();
    // A design belongs to an existing organisation.
    let orphan = CertificateDesignRecord {
        org_id: "org-9".into(),
        ..first
    };
    let mut conn = store.read().await.unwrap();
    assert!(certificate_designs::put(&mut conn, &orphan).await.is_err());
    assert_eq!(
        certificate_designs::get(&mut conn, "org-9").await.unwrap(),
        None
    );
    drop(conn);

    let mut file = Vec::new();
    let summary = backup::export(store, 0, &mut file).await.unwrap();
    assert!(
        summary
            .tables
            .iter()
            .any(|(table, rows)| table == "certificate_designs" && *rows == 1),
        "{summary:?}"
    );
}

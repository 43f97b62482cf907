//! Contract: `Idempotency-Key` records (claim once per organisation and key, complete with the
//! response stored byte for byte, release only while pending) and the audit log.

use brevet_store::Store;
use brevet_store::audit::{self, AuditRecord};
use brevet_store::idempotency::{self, IdempotencyRecord};

use crate::harness::{BACKENDS, TestDb, assert_not_found, two_orgs};

fn claim(org_id: &str, key: &str, hash: &str) -> IdempotencyRecord {
    IdempotencyRecord {
        org_id: org_id.to_owned(),
        idem_key: key.to_owned(),
        request_hash: hash.to_owned(),
        state: "pending".to_owned(),
        status_code: None,
        response: None,
        created_at: 1_000,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_keys() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        idempotency_on(&db.store).await;
    }
}

async fn idempotency_on(store: &Store) {
    let mut conn = store.read().await.unwrap();
    assert!(
        idempotency::try_claim(&mut conn, &claim("org-a", "key-1", "h1"))
            .await
            .unwrap()
    );
    assert!(
        !idempotency::try_claim(&mut conn, &claim("org-a", "key-1", "h2"))
            .await
            .unwrap()
    );
    // The same key in another organisation is another key.
    assert!(
        idempotency::try_claim(&mut conn, &claim("org-b", "key-1", "h3"))
            .await
            .unwrap()
    );
    assert_eq!(
        idempotency::get(&mut conn, "org-a", "key-1").await.unwrap(),
        claim("org-a", "key-1", "h1")
    );
    assert_not_found(idempotency::get(&mut conn, "org-a", "key-2").await);

    let response = "{\"id\":\"c-1\",\"credential\":{\"name\":\"Zoë 🎓\",\"b\":1.50,\"a\":[]}}";
    idempotency::complete(&mut conn, "org-a", "key-1", 201, response)
        .await
        .unwrap();
    let done = idempotency::get(&mut conn, "org-a", "key-1").await.unwrap();
    assert_eq!(done.state, "done");
    assert_eq!(done.status_code, Some(201));
    assert_eq!(done.response.as_deref(), Some(response));
    // A completed key is never released; a pending one is, and can then be claimed again.
    idempotency::release(&mut conn, "org-a", "key-1")
        .await
        .unwrap();
    assert_eq!(
        idempotency::get(&mut conn, "org-a", "key-1")
            .await
            .unwrap()
            .state,
        "done"
    );
    idempotency::release(&mut conn, "org-b", "key-1")
        .await
        .unwrap();
    assert_not_found(idempotency::get(&mut conn, "org-b", "key-1").await);
    assert!(
        idempotency::try_claim(&mut conn, &claim("org-b", "key-1", "h4"))
            .await
            .unwrap()
    );
    assert_eq!(
        idempotency::get(&mut conn, "org-b", "key-1")
            .await
            .unwrap()
            .request_hash,
        "h4"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_log() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        audit_on(&db.store).await;
    }
}

async fn audit_on(store: &Store) {
    two_orgs(store).await;
    let mut conn = store.read().await.unwrap();
    let record = |id: &str, org: Option<&str>, at: i64| AuditRecord {
        id: id.to_owned(),
        org_id: org.map(str::to_owned),
        actor: "api-key:k-1".to_owned(),
        action: "achievement.create".to_owned(),
        target: Some("a-1".to_owned()),
        detail: None,
        at,
    };
    for (id, org, at) in [
        ("e-1", Some("org-a"), 10),
        ("e-2", Some("org-a"), 30),
        ("e-3", Some("org-a"), 20),
        ("e-4", Some("org-b"), 40),
        ("e-5", None, 50),
    ] {
        audit::insert(&mut conn, &record(id, org, at))
            .await
            .unwrap();
    }
    let newest = audit::list_for_org(&mut conn, "org-a", 2).await.unwrap();
    assert_eq!(
        newest.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["e-2", "e-3"]
    );
    assert_eq!(newest[0], record("e-2", Some("org-a"), 30));
    assert_eq!(
        audit::list_for_org(&mut conn, "org-a", 10)
            .await
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        audit::list_for_org(&mut conn, "org-b", 10)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn unsupported_urls_are_refused_and_passwords_redacted() {
    let error = brevet_store::Store::connect("mysql://user:secret@db/x")
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(text.contains("unsupported database URL"), "{text}");
    assert!(!text.contains("secret"), "{text}");
    assert_eq!(
        brevet_store::redact_url("postgres://brevet:hunter2@db.example:5432/brevet"),
        "postgres://brevet:***@db.example:5432/brevet"
    );
    assert_eq!(
        brevet_store::redact_url("sqlite:///data/brevet.sqlite3"),
        "sqlite:///data/brevet.sqlite3"
    );
}

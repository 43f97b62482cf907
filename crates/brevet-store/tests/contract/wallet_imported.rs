//! Contract: imported wallet items (bytes kept as received, one copy per dedupe key and
//! wallet, found by that key, counted), deleting one (out of its collections too, only by its
//! earner), an imported copy adopted when this server's credential reaches the wallet, and
//! deleting an earner with their imported items and collection memberships.

use brevet_store::credentials;
use brevet_store::earners;
use brevet_store::wallet::{
    self, CollectionRecord, SOURCE_IMPORTED, SOURCE_ISSUED, WalletItemRecord,
};
use brevet_store::{Store, backup};

use crate::harness::{BACKENDS, TestDb, assert_not_found, two_orgs};
use crate::wallet::{credential, earner_with, issued_item};

fn imported(id: &str, earner: &str, key: &str, payload: &[u8]) -> WalletItemRecord {
    WalletItemRecord {
        id: id.to_owned(),
        earner_id: earner.to_owned(),
        source: SOURCE_IMPORTED.to_owned(),
        credential_id: None,
        format: "ob2-json".to_owned(),
        payload: Some(payload.to_vec()),
        dedupe_key: key.to_owned(),
        hidden: 1,
        added_at: 500,
    }
}

async fn rows(store: &Store, table: &str) -> i64 {
    let mut conn = store.read().await.unwrap();
    backup::count_rows(&mut conn, table).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_items_are_kept_once_found_by_key_and_deleted() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        imported_on(&db.store).await;
    }
}

async fn imported_on(store: &Store) {
    two_orgs(store).await;
    let mut tx = store.begin().await.unwrap();
    credentials::insert(&mut tx, &credential("c-1", "ada@example.org", 100))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    earner_with(store, "e-1", &["ada@example.org"]).await;
    earner_with(store, "e-2", &["grace@example.org"]).await;

    let payload = b"{\"id\": \"https://issuer.example/a/1\"}\n\x00\xff".to_vec();
    let mut tx = store.begin().await.unwrap();
    assert!(
        wallet::insert_item(&mut tx, &issued_item("i-1", "e-1", "c-1", 400))
            .await
            .unwrap()
    );
    assert!(
        wallet::insert_item(&mut tx, &imported("m-1", "e-1", "sha256:k1", &payload))
            .await
            .unwrap()
    );
    // The same key again in the same wallet: not stored (whatever the id or bytes).
    assert!(
        !wallet::insert_item(&mut tx, &imported("m-2", "e-1", "sha256:k1", b"other"))
            .await
            .unwrap()
    );
    // A key that an issued item holds: not stored either.
    assert!(
        !wallet::insert_item(&mut tx, &imported("m-3", "e-1", "sha256:c-1", b"copy"))
            .await
            .unwrap()
    );
    // Another wallet may keep the same credential.
    assert!(
        wallet::insert_item(&mut tx, &imported("m-4", "e-2", "sha256:k1", &payload))
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();

    let mut conn = store.read().await.unwrap();
    let found = wallet::item_by_dedupe_key(&mut conn, "e-1", "sha256:k1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, imported("m-1", "e-1", "sha256:k1", &payload));
    assert_eq!(
        wallet::item_by_dedupe_key(&mut conn, "e-1", "sha256:c-1")
            .await
            .unwrap()
            .map(|item| item.source),
        Some(SOURCE_ISSUED.to_owned())
    );
    assert_eq!(
        wallet::item_by_dedupe_key(&mut conn, "e-1", "sha256:none")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        wallet::count_items(&mut conn, "e-1", SOURCE_IMPORTED)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        wallet::count_items(&mut conn, "e-1", SOURCE_ISSUED)
            .await
            .unwrap(),
        1
    );
    // Listed with the earner's other items, newest first, bytes exact.
    let items = wallet::items_of_earner(&mut conn, "e-1").await.unwrap();
    assert_eq!(
        items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["m-1", "i-1"]
    );
    assert_eq!(items[0].payload.as_deref(), Some(payload.as_slice()));
    drop(conn);

    // In a collection, then deleted: out of the collection too; the collection stays.
    let mut tx = store.begin().await.unwrap();
    wallet::insert_collection(
        &mut tx,
        &CollectionRecord {
            id: "col-1".into(),
            earner_id: "e-1".into(),
            name: "Mine".into(),
            created_at: 600,
        },
    )
    .await
    .unwrap();
    wallet::set_collection_items(&mut tx, "col-1", &["m-1".into(), "i-1".into()])
        .await
        .unwrap();
    // Another earner cannot delete it; nothing changes.
    assert_not_found(wallet::delete_item(&mut tx, "e-2", "m-1").await);
    assert_eq!(
        wallet::collection_items(&mut tx, "col-1")
            .await
            .unwrap()
            .len(),
        2
    );
    wallet::delete_item(&mut tx, "e-1", "m-1").await.unwrap();
    assert_not_found(wallet::get_item(&mut tx, "e-1", "m-1").await);
    assert_not_found(wallet::delete_item(&mut tx, "e-1", "m-1").await);
    assert_eq!(
        wallet::collection_items(&mut tx, "col-1")
            .await
            .unwrap()
            .into_iter()
            .map(|item| item.id)
            .collect::<Vec<_>>(),
        ["i-1"]
    );
    // Grace's copy stays.
    assert!(wallet::get_item(&mut tx, "e-2", "m-4").await.is_ok());
    tx.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_copy_is_adopted_by_the_issued_credential() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        adopt_on(&db.store).await;
    }
}

async fn adopt_on(store: &Store) {
    two_orgs(store).await;
    let mut tx = store.begin().await.unwrap();
    credentials::insert(&mut tx, &credential("c-1", "ada@example.org", 100))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    earner_with(store, "e-1", &["ada@example.org"]).await;
    let mut tx = store.begin().await.unwrap();
    assert!(
        wallet::insert_item(&mut tx, &imported("m-1", "e-1", "sha256:c-1", b"{}"))
            .await
            .unwrap()
    );
    assert_eq!(wallet::count_unsynced(&mut tx, "e-1").await.unwrap(), 1);
    assert_not_found(wallet::adopt_as_issued(&mut tx, "e-2", "m-1", "c-1", "ob3-json").await);
    wallet::adopt_as_issued(&mut tx, "e-1", "m-1", "c-1", "ob3-json")
        .await
        .unwrap();
    let item = wallet::get_item(&mut tx, "e-1", "m-1").await.unwrap();
    assert_eq!(item.source, SOURCE_ISSUED);
    assert_eq!(item.credential_id.as_deref(), Some("c-1"));
    assert_eq!(item.format, "ob3-json");
    assert_eq!(item.payload, None);
    assert_eq!(item.hidden, 1, "the earner's choice stays");
    assert_eq!(wallet::count_unsynced(&mut tx, "e-1").await.unwrap(), 0);
    // An issued item is not adopted again.
    assert_not_found(wallet::adopt_as_issued(&mut tx, "e-1", "m-1", "c-1", "ob3-json").await);
    tx.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_an_earner_removes_their_imported_items_and_memberships() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        let store = &db.store;
        earner_with(store, "e-1", &["ada@example.org"]).await;
        earner_with(store, "e-2", &["grace@example.org"]).await;
        let mut tx = store.begin().await.unwrap();
        for item in [
            imported("m-1", "e-1", "sha256:k1", b"a"),
            imported("m-2", "e-1", "sha256:k2", b"b"),
            imported("m-3", "e-2", "sha256:k1", b"a"),
        ] {
            assert!(wallet::insert_item(&mut tx, &item).await.unwrap());
        }
        for (collection, earner, items) in [
            ("col-1", "e-1", vec!["m-1".to_owned(), "m-2".to_owned()]),
            ("col-2", "e-2", vec!["m-3".to_owned()]),
        ] {
            wallet::insert_collection(
                &mut tx,
                &CollectionRecord {
                    id: collection.into(),
                    earner_id: earner.into(),
                    name: "Mine".into(),
                    created_at: 600,
                },
            )
            .await
            .unwrap();
            wallet::set_collection_items(&mut tx, collection, &items)
                .await
                .unwrap();
        }
        assert!(earners::delete_earner(&mut tx, "e-1").await.unwrap());
        tx.commit().await.unwrap();
        assert_eq!(rows(store, "wallet_items").await, 1, "{backend:?}");
        assert_eq!(
            rows(store, "wallet_collection_items").await,
            1,
            "{backend:?}"
        );
        assert_eq!(rows(store, "wallet_collections").await, 1, "{backend:?}");
        let mut conn = store.read().await.unwrap();
        assert!(wallet::get_item(&mut conn, "e-2", "m-3").await.is_ok());
    }
}

//! Contract: earners (accounts, proven addresses, sessions, single-use links), wallet items
//! (sync from issued credentials by address, dedupe, hiding), collections, and deleting an
//! earner with everything of theirs while the issuers' credentials stay.

use brevet_store::credentials::{self, CredentialRecord};
use brevet_store::earners::{
    self, EarnerEmailRecord, EarnerRecord, EarnerSessionRecord, WalletTokenRecord,
};
use brevet_store::wallet::{
    self, CollectionRecord, SOURCE_IMPORTED, SOURCE_ISSUED, WalletItemRecord,
};
use brevet_store::{Backend, Store, backup};

use crate::harness::{BACKENDS, TestDb, assert_conflict, assert_not_found, two_orgs};

pub(crate) fn credential(id: &str, email: &str, issued_at: i64) -> CredentialRecord {
    CredentialRecord {
        id: id.to_owned(),
        org_id: "org-a".to_owned(),
        achievement_id: None,
        credential_uri: format!("https://brevet.example/c/{id}"),
        achievement_name: "Rust Badge".to_owned(),
        recipient_name: None,
        recipient_email: Some(email.to_owned()),
        recipient_did: None,
        json: format!("{{\"id\":\"https://brevet.example/c/{id}\"}}"),
        issued_at,
        valid_from: Some(issued_at),
        valid_until: None,
        supersedes: None,
        superseded_by: None,
        source: "award".to_owned(),
    }
}

pub(crate) fn issued_item(
    id: &str,
    earner: &str,
    credential_id: &str,
    added_at: i64,
) -> WalletItemRecord {
    WalletItemRecord {
        id: id.to_owned(),
        earner_id: earner.to_owned(),
        source: SOURCE_ISSUED.to_owned(),
        credential_id: Some(credential_id.to_owned()),
        format: "ob3-json".to_owned(),
        payload: None,
        dedupe_key: format!("sha256:{credential_id}"),
        hidden: 0,
        added_at,
    }
}

pub(crate) async fn earner_with(store: &Store, id: &str, emails: &[&str]) {
    let mut tx = store.begin().await.unwrap();
    earners::insert_earner(
        &mut tx,
        &EarnerRecord {
            id: id.to_owned(),
            created_at: 10,
        },
    )
    .await
    .unwrap();
    for (n, email) in emails.iter().enumerate() {
        earners::insert_email(
            &mut tx,
            &EarnerEmailRecord {
                email: (*email).to_owned(),
                earner_id: id.to_owned(),
                verified_at: 10 + n as i64,
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn earners_sessions_and_single_use_links() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        earners_on(&db.store).await;
    }
}

async fn earners_on(store: &Store) {
    earner_with(store, "e-1", &["ada@example.org", "ada@work.example"]).await;
    let mut conn = store.read().await.unwrap();
    assert_eq!(
        earners::get_earner(&mut conn, "e-1").await.unwrap(),
        EarnerRecord {
            id: "e-1".into(),
            created_at: 10
        }
    );
    assert_not_found(earners::get_earner(&mut conn, "e-9").await);
    assert_eq!(
        earners::email_owner(&mut conn, "ada@work.example")
            .await
            .unwrap()
            .earner_id,
        "e-1"
    );
    assert_not_found(earners::email_owner(&mut conn, "nobody@example.org").await);
    let emails: Vec<String> = earners::emails_of_earner(&mut conn, "e-1")
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.email)
        .collect();
    assert_eq!(emails, ["ada@example.org", "ada@work.example"]);
    // One wallet per address.
    earners::insert_earner(
        &mut conn,
        &EarnerRecord {
            id: "e-2".into(),
            created_at: 20,
        },
    )
    .await
    .unwrap();
    assert_conflict(
        earners::insert_email(
            &mut conn,
            &EarnerEmailRecord {
                email: "ada@example.org".into(),
                earner_id: "e-2".into(),
                verified_at: 20,
            },
        )
        .await,
        "belongs to a wallet",
    );

    // Sessions.
    let session = EarnerSessionRecord {
        token_hash: "h-1".into(),
        earner_id: "e-1".into(),
        csrf_token: "csrf".into(),
        created_at: 100,
        expires_at: 200,
    };
    earners::insert_session(&mut conn, &session).await.unwrap();
    assert_eq!(
        earners::get_session(&mut conn, "h-1").await.unwrap(),
        session
    );
    earners::touch_session(&mut conn, "h-1", 300).await.unwrap();
    assert_eq!(
        earners::get_session(&mut conn, "h-1")
            .await
            .unwrap()
            .expires_at,
        300
    );
    assert_eq!(
        earners::delete_expired_sessions(&mut conn, 299)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        earners::delete_expired_sessions(&mut conn, 300)
            .await
            .unwrap(),
        1
    );
    assert_not_found(earners::get_session(&mut conn, "h-1").await);
    earners::insert_session(&mut conn, &session).await.unwrap();
    earners::delete_session(&mut conn, "h-1").await.unwrap();
    assert_not_found(earners::get_session(&mut conn, "h-1").await);

    // Single-use links: usable until used or expired; consumed exactly once.
    let token = WalletTokenRecord {
        token_hash: "t-1".into(),
        purpose: "claim".into(),
        email: "grace@example.org".into(),
        earner_id: None,
        credential_id: Some("c-1".into()),
        created_at: 100,
        expires_at: 200,
        used_at: None,
    };
    earners::insert_token(&mut conn, &token).await.unwrap();
    assert_eq!(
        earners::get_usable_token(&mut conn, "t-1", 199)
            .await
            .unwrap(),
        token
    );
    assert_not_found(earners::get_usable_token(&mut conn, "t-1", 200).await);
    assert_not_found(earners::consume_token(&mut conn, "t-1", 200).await);
    assert_eq!(
        earners::consume_token(&mut conn, "t-1", 150).await.unwrap(),
        token
    );
    assert_not_found(earners::consume_token(&mut conn, "t-1", 151).await);
    assert_not_found(earners::get_usable_token(&mut conn, "t-9", 0).await);
    assert_eq!(
        earners::delete_expired_tokens(&mut conn, 199)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        earners::delete_expired_tokens(&mut conn, 200)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wallet_items_collections_and_deleting_an_earner() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        wallet_on(&db.store).await;
    }
}

async fn wallet_on(store: &Store) {
    two_orgs(store).await;
    let mut tx = store.begin().await.unwrap();
    for record in [
        credential("c-1", "ada@example.org", 100),
        credential("c-2", "ada@work.example", 200),
        credential("c-3", "grace@example.org", 300),
    ] {
        credentials::insert(&mut tx, &record).await.unwrap();
    }
    tx.commit().await.unwrap();
    earner_with(store, "e-1", &["ada@example.org", "ada@work.example"]).await;
    earner_with(store, "e-2", &["grace@example.org"]).await;
    let mut conn = store.read().await.unwrap();
    assert!(
        earners::has_credentials_for_email(&mut conn, "ada@work.example")
            .await
            .unwrap()
    );
    assert!(
        !earners::has_credentials_for_email(&mut conn, "nobody@example.org")
            .await
            .unwrap()
    );

    // Sync: the credentials of every proven address, once.
    assert_eq!(wallet::count_unsynced(&mut conn, "e-1").await.unwrap(), 2);
    let unsynced = wallet::unsynced_credentials(&mut conn, "e-1")
        .await
        .unwrap();
    assert_eq!(
        unsynced
            .iter()
            .map(|(id, _)| id.as_str())
            .collect::<Vec<_>>(),
        ["c-1", "c-2"]
    );
    assert_eq!(unsynced[0].1, "{\"id\":\"https://brevet.example/c/c-1\"}");
    assert!(
        wallet::insert_item(&mut conn, &issued_item("i-1", "e-1", "c-1", 1000))
            .await
            .unwrap()
    );
    assert!(
        wallet::insert_item(&mut conn, &issued_item("i-2", "e-1", "c-2", 1001))
            .await
            .unwrap()
    );
    // The same credential again (another id, same dedupe key) is not added.
    assert!(
        !wallet::insert_item(&mut conn, &issued_item("i-9", "e-1", "c-1", 1002))
            .await
            .unwrap()
    );
    assert_eq!(wallet::count_unsynced(&mut conn, "e-1").await.unwrap(), 0);
    assert!(
        wallet::insert_item(&mut conn, &issued_item("i-3", "e-2", "c-3", 1000))
            .await
            .unwrap()
    );

    // An imported item keeps its bytes exactly.
    let payload: Vec<u8> = b"eyJhbGciOiJFZERTQSJ9.\x00\xff\xfe.sig".to_vec();
    let imported = WalletItemRecord {
        id: "i-4".into(),
        earner_id: "e-1".into(),
        source: SOURCE_IMPORTED.into(),
        credential_id: None,
        format: "vc-jwt".into(),
        payload: Some(payload.clone()),
        dedupe_key: "sha256:imported".into(),
        hidden: 0,
        added_at: 999,
    };
    assert!(wallet::insert_item(&mut conn, &imported).await.unwrap());
    let items = wallet::items_of_earner(&mut conn, "e-1").await.unwrap();
    assert_eq!(
        items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["i-2", "i-1", "i-4"]
    );
    assert_eq!(items[2], imported);
    assert_eq!(
        wallet::get_item(&mut conn, "e-1", "i-4")
            .await
            .unwrap()
            .payload,
        Some(payload)
    );
    assert_not_found(wallet::get_item(&mut conn, "e-2", "i-1").await);

    // Hiding: only the owner's items; the credential reports who hid it.
    assert_eq!(wallet::hidden_by(&mut conn, "c-1").await.unwrap(), None);
    wallet::set_hidden(&mut conn, "e-1", "i-1", true)
        .await
        .unwrap();
    assert_eq!(
        wallet::hidden_by(&mut conn, "c-1")
            .await
            .unwrap()
            .as_deref(),
        Some("e-1")
    );
    assert_not_found(wallet::set_hidden(&mut conn, "e-2", "i-1", false).await);
    assert_eq!(
        wallet::hidden_by(&mut conn, "c-1")
            .await
            .unwrap()
            .as_deref(),
        Some("e-1")
    );

    // Collections.
    let collection = CollectionRecord {
        id: "k-1".into(),
        earner_id: "e-1".into(),
        name: "Programming".into(),
        created_at: 2000,
    };
    wallet::insert_collection(&mut conn, &collection)
        .await
        .unwrap();
    assert_eq!(
        wallet::get_collection(&mut conn, "k-1").await.unwrap(),
        collection
    );
    assert_not_found(wallet::get_collection(&mut conn, "k-9").await);
    wallet::set_collection_items(&mut conn, "k-1", &["i-2".into(), "i-1".into()])
        .await
        .unwrap();
    let in_collection = wallet::collection_items(&mut conn, "k-1").await.unwrap();
    assert_eq!(
        in_collection
            .iter()
            .map(|i| (i.id.as_str(), i.hidden))
            .collect::<Vec<_>>(),
        [("i-2", 0), ("i-1", 1)]
    );
    wallet::set_collection_items(&mut conn, "k-1", &["i-1".into()])
        .await
        .unwrap();
    assert_eq!(
        wallet::collection_items(&mut conn, "k-1")
            .await
            .unwrap()
            .len(),
        1
    );
    // Another earner's item never shows in the collection.
    wallet::set_collection_items(&mut conn, "k-1", &["i-1".into(), "i-3".into()])
        .await
        .unwrap();
    assert_eq!(
        wallet::collection_items(&mut conn, "k-1")
            .await
            .unwrap()
            .len(),
        1
    );
    wallet::rename_collection(&mut conn, "e-1", "k-1", "Rust")
        .await
        .unwrap();
    assert_not_found(wallet::rename_collection(&mut conn, "e-2", "k-1", "Mine").await);
    assert_eq!(
        wallet::collections_of_earner(&mut conn, "e-1")
            .await
            .unwrap()[0]
            .name,
        "Rust"
    );
    assert!(
        wallet::collections_of_earner(&mut conn, "e-2")
            .await
            .unwrap()
            .is_empty()
    );
    let second = CollectionRecord {
        id: "k-2".into(),
        earner_id: "e-1".into(),
        name: "Other".into(),
        created_at: 2001,
    };
    wallet::insert_collection(&mut conn, &second).await.unwrap();
    assert_not_found(wallet::delete_collection(&mut conn, "e-2", "k-2").await);
    wallet::delete_collection(&mut conn, "e-1", "k-2")
        .await
        .unwrap();
    assert_not_found(wallet::get_collection(&mut conn, "k-2").await);

    // Deleting an earner removes everything of theirs, nothing of anyone else's.
    earners::insert_session(
        &mut conn,
        &EarnerSessionRecord {
            token_hash: "h-1".into(),
            earner_id: "e-1".into(),
            csrf_token: "c".into(),
            created_at: 1,
            expires_at: 9_999,
        },
    )
    .await
    .unwrap();
    for (hash, email, earner) in [
        ("t-1", "ada@example.org", None),
        ("t-2", "new@example.org", Some("e-1")),
        ("t-3", "grace@example.org", None),
    ] {
        earners::insert_token(
            &mut conn,
            &WalletTokenRecord {
                token_hash: hash.into(),
                purpose: "signin".into(),
                email: email.into(),
                earner_id: earner.map(str::to_owned),
                credential_id: None,
                created_at: 1,
                expires_at: 9_999,
                used_at: None,
            },
        )
        .await
        .unwrap();
    }
    assert!(earners::delete_earner(&mut conn, "e-1").await.unwrap());
    assert!(!earners::delete_earner(&mut conn, "e-1").await.unwrap());
    assert_not_found(earners::get_earner(&mut conn, "e-1").await);
    assert_not_found(earners::email_owner(&mut conn, "ada@example.org").await);
    assert_not_found(earners::get_session(&mut conn, "h-1").await);
    assert_not_found(earners::get_usable_token(&mut conn, "t-1", 2).await);
    assert_not_found(earners::get_usable_token(&mut conn, "t-2", 2).await);
    assert!(earners::get_usable_token(&mut conn, "t-3", 2).await.is_ok());
    assert!(
        wallet::items_of_earner(&mut conn, "e-1")
            .await
            .unwrap()
            .is_empty()
    );
    assert_not_found(wallet::get_collection(&mut conn, "k-1").await);
    assert_eq!(wallet::hidden_by(&mut conn, "c-1").await.unwrap(), None);
    for table in ["earners", "earner_emails", "wallet_items"] {
        assert_eq!(
            backup::count_rows(&mut conn, table).await.unwrap(),
            1,
            "{table}"
        );
    }
    assert_eq!(
        backup::count_rows(&mut conn, "wallet_collections")
            .await
            .unwrap(),
        0
    );
    // The issuers' credentials stay.
    assert!(credentials::get(&mut conn, "c-1").await.is_ok());
    assert_eq!(
        wallet::items_of_earner(&mut conn, "e-2")
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wallet_tables_are_backed_up_and_restored_across_backends() {
    for (from, to) in [
        (Backend::Sqlite, Backend::Postgres),
        (Backend::Postgres, Backend::Sqlite),
    ] {
        let (Some(source), Some(target)) = (TestDb::open(from).await, TestDb::open(to).await)
        else {
            continue;
        };
        {
            let mut conn = source.store.read().await.unwrap();
            let tables: Vec<String> = backup::tables(&mut conn, from)
                .await
                .unwrap()
                .into_iter()
                .map(|table| table.name)
                .collect();
            let position = |name: &str| {
                tables
                    .iter()
                    .position(|table| table == name)
                    .unwrap_or_else(|| panic!("{name} is not in the backup catalogue: {tables:?}"))
            };
            // Parents before children, so a restore inserts them in file order.
            assert!(position("earners") < position("earner_emails"));
            assert!(position("earners") < position("earner_sessions"));
            assert!(position("credentials") < position("wallet_items"));
            assert!(position("earners") < position("wallet_items"));
            assert!(position("wallet_items") < position("wallet_collection_items"));
            assert!(position("wallet_collections") < position("wallet_collection_items"));
            position("wallet_tokens");
        }
        // A wallet with an imported item (raw bytes), a collection and a link.
        two_orgs(&source.store).await;
        let mut tx = source.store.begin().await.unwrap();
        credentials::insert(&mut tx, &credential("c-1", "ada@example.org", 100))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        earner_with(&source.store, "e-1", &["ada@example.org"]).await;
        let mut conn = source.store.read().await.unwrap();
        wallet::insert_item(&mut conn, &issued_item("i-1", "e-1", "c-1", 1))
            .await
            .unwrap();
        let payload = vec![0u8, 1, 2, 0xff, b'{'];
        wallet::insert_item(
            &mut conn,
            &WalletItemRecord {
                id: "i-2".into(),
                earner_id: "e-1".into(),
                source: SOURCE_IMPORTED.into(),
                credential_id: None,
                format: "vc-jwt".into(),
                payload: Some(payload.clone()),
                dedupe_key: "sha256:x".into(),
                hidden: 1,
                added_at: 2,
            },
        )
        .await
        .unwrap();
        wallet::insert_collection(
            &mut conn,
            &CollectionRecord {
                id: "k-1".into(),
                earner_id: "e-1".into(),
                name: "Mine".into(),
                created_at: 3,
            },
        )
        .await
        .unwrap();
        wallet::set_collection_items(&mut conn, "k-1", &["i-2".into(), "i-1".into()])
            .await
            .unwrap();
        drop(conn);
        let mut file = Vec::new();
        backup::export(&source.store, 1_000, &mut file)
            .await
            .unwrap();
        backup::restore(&target.store, &mut file.as_slice())
            .await
            .unwrap();
        let mut conn = target.store.read().await.unwrap();
        let restored = wallet::get_item(&mut conn, "e-1", "i-2").await.unwrap();
        assert_eq!(restored.payload, Some(payload), "{from:?} -> {to:?}");
        assert_eq!(restored.hidden, 1);
        assert_eq!(
            wallet::collection_items(&mut conn, "k-1")
                .await
                .unwrap()
                .iter()
                .map(|item| item.id.as_str())
                .collect::<Vec<_>>(),
            ["i-2", "i-1"]
        );
        assert_eq!(
            earners::email_owner(&mut conn, "ada@example.org")
                .await
                .unwrap()
                .earner_id,
            "e-1"
        );
    }
}

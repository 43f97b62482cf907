//! Contract: issuer signing keys (sealed secrets stored byte for byte, one fragment per
//! organisation, retirement, resealing) and API keys (found by hash while unrevoked, revoked
//! only within their organisation).

use brevet_store::Store;
use brevet_store::api_keys::{self, ApiKeyRecord};
use brevet_store::keys::{self, STATE_ACTIVE, STATE_RETIRED, SigningKeyRecord};

use crate::harness::{BACKENDS, TestDb, assert_conflict, assert_not_found, two_orgs};

fn signing_key(id: &str, org_id: &str, fragment: &str, at: i64) -> SigningKeyRecord {
    SigningKeyRecord {
        id: id.to_owned(),
        org_id: org_id.to_owned(),
        fragment: fragment.to_owned(),
        public_key_multibase: format!("z6Mk{id}"),
        // Every byte value, NUL and 0xFF included.
        sealed_secret: (0..=255u8).rev().chain(0..=255u8).collect(),
        master_key_id: "mk-1".to_owned(),
        state: STATE_ACTIVE.to_owned(),
        created_at: at,
        retired_at: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_keys() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        signing_keys_on(&db.store).await;
    }
}

async fn signing_keys_on(store: &Store) {
    two_orgs(store).await;
    let mut conn = store.read().await.unwrap();
    let first = signing_key("k-1", "org-a", "key-1", 100);
    keys::insert(&mut conn, &first).await.unwrap();
    keys::insert(&mut conn, &signing_key("k-b", "org-b", "key-1", 50))
        .await
        .unwrap();
    assert_conflict(
        keys::insert(&mut conn, &signing_key("k-dup", "org-a", "key-1", 101)).await,
        "fragment",
    );
    assert_eq!(
        keys::active_for_org(&mut conn, "org-a").await.unwrap(),
        first
    );

    assert_eq!(
        keys::retire_active(&mut conn, "org-a", 200).await.unwrap(),
        1
    );
    assert_not_found(keys::active_for_org(&mut conn, "org-a").await);
    assert!(!keys::is_active(&mut conn, "k-1").await.unwrap());
    assert!(keys::is_active(&mut conn, "k-b").await.unwrap());
    assert!(!keys::is_active(&mut conn, "no-such-key").await.unwrap());
    let second = signing_key("k-2", "org-a", "key-2", 200);
    keys::insert(&mut conn, &second).await.unwrap();
    assert_eq!(
        keys::active_for_org(&mut conn, "org-a").await.unwrap(),
        second
    );
    let listed = keys::list_for_org(&mut conn, "org-a").await.unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|k| (k.fragment.as_str(), k.state.as_str(), k.retired_at))
            .collect::<Vec<_>>(),
        [
            ("key-1", STATE_RETIRED, Some(200)),
            ("key-2", STATE_ACTIVE, None)
        ]
    );
    assert_eq!(listed[0].sealed_secret, first.sealed_secret);
    // Another organisation's key is untouched.
    assert_eq!(
        keys::active_for_org(&mut conn, "org-b").await.unwrap().id,
        "k-b"
    );
    assert_eq!(
        keys::retire_active(&mut conn, "org-a", 300).await.unwrap(),
        1
    );
    assert_eq!(
        keys::retire_active(&mut conn, "org-a", 300).await.unwrap(),
        0
    );

    let all: Vec<String> = keys::list_all(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.id)
        .collect();
    assert_eq!(all, ["k-b", "k-1", "k-2"]);
    let resealed = vec![0u8, 1, 2, 0, 255, 254];
    keys::reseal(&mut conn, "k-2", &resealed, "mk-2")
        .await
        .unwrap();
    let after = keys::list_for_org(&mut conn, "org-a").await.unwrap();
    assert_eq!(after[1].sealed_secret, resealed);
    assert_eq!(after[1].master_key_id, "mk-2");
    assert_eq!(after[0].master_key_id, "mk-1");
}

fn api_key(id: &str, org_id: &str, hash: &str) -> ApiKeyRecord {
    ApiKeyRecord {
        id: id.to_owned(),
        org_id: org_id.to_owned(),
        name: format!("key {id}"),
        prefix: "brv_0123".to_owned(),
        secret_hash: hash.to_owned(),
        role: "issuer".to_owned(),
        created_at: 1_000,
        revoked_at: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_keys() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        api_keys_on(&db.store).await;
    }
}

async fn api_keys_on(store: &Store) {
    two_orgs(store).await;
    let mut conn = store.read().await.unwrap();
    let a = api_key("ak-a", "org-a", "hash-a");
    let mut b = api_key("ak-b", "org-b", "hash-b");
    b.created_at = 2_000;
    api_keys::insert(&mut conn, &a).await.unwrap();
    api_keys::insert(&mut conn, &b).await.unwrap();
    assert!(
        api_keys::insert(&mut conn, &api_key("ak-c", "org-a", "hash-a"))
            .await
            .is_err()
    );
    assert_eq!(api_keys::find_active(&mut conn, "hash-a").await.unwrap(), a);
    assert_not_found(api_keys::find_active(&mut conn, "hash-unknown").await);
    assert_eq!(
        api_keys::list_for_org(&mut conn, "org-a").await.unwrap(),
        vec![a.clone()]
    );

    // Revoking another organisation's key is not found, and changes nothing.
    assert_not_found(api_keys::revoke(&mut conn, "org-a", "ak-b", 5_000).await);
    assert_eq!(api_keys::find_active(&mut conn, "hash-b").await.unwrap(), b);
    api_keys::revoke(&mut conn, "org-a", "ak-a", 5_000)
        .await
        .unwrap();
    assert_not_found(api_keys::find_active(&mut conn, "hash-a").await);
    assert_not_found(api_keys::revoke(&mut conn, "org-a", "ak-a", 6_000).await);
    let listed = api_keys::list_for_org(&mut conn, "org-a").await.unwrap();
    assert_eq!(listed[0].revoked_at, Some(5_000));
}

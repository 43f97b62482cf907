//! Contract: organisations (insert, get, by slug, list, profile, logo, row lock) and people
//! (users, memberships, members with roles).

use brevet_store::orgs::{self, OrgRecord};
use brevet_store::users::{self, MemberRecord, MembershipRecord, UserRecord};
use brevet_store::{Backend, Store};

use crate::harness::{BACKENDS, TestDb, assert_conflict, assert_not_found, org, two_orgs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organisations() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        organisations_on(&db.store).await;
    }
}

/// The DID method: 'web' unless the row says 'key'; a did:key organisation reads its key
/// (the oldest, its only one) along.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn did_methods() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        did_methods_on(&db.store).await;
    }
}

async fn did_methods_on(store: &Store) {
    let mut tx = store.begin().await.unwrap();
    // A row written without the column, as every organisation made before it was.
    sqlx::query(
        "INSERT INTO orgs (id, slug, name, created_at) VALUES ('org-old', 'old', 'Old', 1)",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    let mut keyed = org("org-key", "keyed");
    keyed.did_method = orgs::DID_METHOD_KEY.to_owned();
    orgs::insert(&mut tx, &keyed).await.unwrap();
    tx.commit().await.unwrap();

    let mut conn = store.read().await.unwrap();
    let old = orgs::get(&mut conn, "org-old").await.unwrap();
    assert_eq!(old.did_method, orgs::DID_METHOD_WEB);
    assert_eq!(old.did_key_multibase, None);
    // No key yet: nothing to read along.
    assert_eq!(orgs::get(&mut conn, "org-key").await.unwrap(), keyed);

    for (id, fragment, at) in [("k1", "z6MkFirst", 10), ("k2", "z6MkSecond", 20)] {
        let record = brevet_store::keys::SigningKeyRecord {
            id: id.to_owned(),
            org_id: "org-key".to_owned(),
            fragment: fragment.to_owned(),
            public_key_multibase: fragment.to_owned(),
            sealed_secret: vec![1, 2, 3],
            master_key_id: "mk".to_owned(),
            state: brevet_store::keys::STATE_ACTIVE.to_owned(),
            created_at: at,
            retired_at: None,
        };
        brevet_store::keys::insert(&mut conn, &record)
            .await
            .unwrap();
    }
    let read = orgs::get_by_slug(&mut conn, "keyed").await.unwrap();
    assert_eq!(read.did_method, orgs::DID_METHOD_KEY);
    assert_eq!(read.did_key_multibase.as_deref(), Some("z6MkFirst"));
    let listed = orgs::list(&mut conn).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(
        listed
            .iter()
            .any(|o| o.did_key_multibase.as_deref() == Some("z6MkFirst"))
    );

    // A bad method is refused by the schema.
    let mut bad = org("org-bad", "bad");
    bad.did_method = "peer".to_owned();
    assert!(orgs::insert(&mut conn, &bad).await.is_err());
}

async fn organisations_on(store: &Store) {
    let mut acme = org("org-1", "acme");
    acme.url = Some("https://acme.example".into());
    acme.description = Some("Ünïcödé — \"quoted\" 🎓".into());
    let mut tx = store.begin().await.unwrap();
    orgs::insert(&mut tx, &acme).await.unwrap();
    let mut later = org("org-2", "beta");
    later.created_at = acme.created_at + 10;
    orgs::insert(&mut tx, &later).await.unwrap();
    tx.commit().await.unwrap();

    let mut conn = store.read().await.unwrap();
    assert_eq!(orgs::get(&mut conn, "org-1").await.unwrap(), acme);
    assert_eq!(orgs::get_by_slug(&mut conn, "acme").await.unwrap(), acme);
    assert_not_found(orgs::get(&mut conn, "org-9").await);
    assert_not_found(orgs::get_by_slug(&mut conn, "nobody").await);
    let all: Vec<String> = orgs::list(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert_eq!(all, ["org-1", "org-2"]);
    assert_conflict(orgs::insert(&mut conn, &org("org-3", "acme")).await, "slug");
    assert_not_found(orgs::get(&mut conn, "org-3").await);

    let mut edited = acme.clone();
    edited.name = "Acme University".into();
    edited.email = Some("badges@acme.example".into());
    edited.linkedin_org_id = Some("12345".into());
    edited.url = None;
    orgs::update_profile(&mut conn, &edited).await.unwrap();
    assert_eq!(orgs::get(&mut conn, "org-1").await.unwrap(), edited);
    assert_not_found(orgs::update_profile(&mut conn, &org("org-9", "nine")).await);

    orgs::set_logo(&mut conn, "org-1", Some("image-1"))
        .await
        .unwrap();
    assert_eq!(
        orgs::get(&mut conn, "org-1")
            .await
            .unwrap()
            .logo_image_id
            .as_deref(),
        Some("image-1")
    );
    orgs::set_logo(&mut conn, "org-1", None).await.unwrap();
    assert_eq!(
        orgs::get(&mut conn, "org-1").await.unwrap().logo_image_id,
        None
    );
    assert_not_found(orgs::set_logo(&mut conn, "org-9", None).await);
    drop(conn);

    // The lock is a no-op write that keeps the row as it was; a missing org is not found.
    let mut tx = store.begin().await.unwrap();
    orgs::lock(&mut tx, "org-1").await.unwrap();
    assert_not_found(orgs::lock(&mut tx, "org-9").await);
    tx.commit().await.unwrap();
    let mut conn = store.read().await.unwrap();
    let after: OrgRecord = orgs::get(&mut conn, "org-1").await.unwrap();
    assert_eq!(after.slug, "acme");

    // A transaction that is not committed leaves nothing behind.
    let mut tx = store.begin().await.unwrap();
    orgs::insert(&mut tx, &org("org-rolled-back", "rolled-back"))
        .await
        .unwrap();
    drop(tx);
    assert_not_found(orgs::get(&mut conn, "org-rolled-back").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn row_lock_serialises_writers_on_postgres() {
    // Two transactions lock the same organisation: the second waits for the first to end.
    let Some(db) = TestDb::open(Backend::Postgres).await else {
        return;
    };
    let store = &db.store;
    two_orgs(store).await;
    let mut first = store.begin().await.unwrap();
    orgs::lock(&mut first, "org-a").await.unwrap();
    let second_store = store.clone();
    let second = tokio::spawn(async move {
        let mut second = second_store.begin().await.unwrap();
        orgs::lock(&mut second, "org-a").await.unwrap();
        let seen = users::count_with_role(&mut second, "org-a", "owner")
            .await
            .unwrap();
        second.commit().await.unwrap();
        seen
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(!second.is_finished(), "the second lock did not wait");
    let user = user("u-1", "lock@example.org");
    users::insert_user(&mut first, &user).await.unwrap();
    users::insert_membership(&mut first, &membership("org-a", "u-1", "owner", 1))
        .await
        .unwrap();
    first.commit().await.unwrap();
    // Having waited, the second transaction sees what the first committed.
    assert_eq!(second.await.unwrap(), 1);
}

fn user(id: &str, email: &str) -> UserRecord {
    UserRecord {
        id: id.to_owned(),
        email: email.to_owned(),
        name: Some(format!("User {id}")),
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned()),
        created_at: 1_700_000_000,
    }
}

fn membership(org_id: &str, user_id: &str, role: &str, at: i64) -> MembershipRecord {
    MembershipRecord {
        org_id: org_id.to_owned(),
        user_id: user_id.to_owned(),
        role: role.to_owned(),
        created_at: at,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_and_memberships() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        users_on(&db.store).await;
    }
}

async fn users_on(store: &Store) {
    two_orgs(store).await;
    let mut conn = store.read().await.unwrap();
    let ada = user("u-ada", "ada@example.org");
    let mut bob = user("u-bob", "bob@example.org");
    bob.name = None;
    bob.password_hash = None;
    users::insert_user(&mut conn, &ada).await.unwrap();
    users::insert_user(&mut conn, &bob).await.unwrap();
    assert_conflict(
        users::insert_user(&mut conn, &user("u-other", "ada@example.org")).await,
        "email",
    );
    assert_eq!(users::get_user(&mut conn, "u-ada").await.unwrap(), ada);
    assert_eq!(
        users::get_user_by_email(&mut conn, "bob@example.org")
            .await
            .unwrap(),
        bob
    );
    assert_not_found(users::get_user(&mut conn, "u-nobody").await);
    assert_not_found(users::get_user_by_email(&mut conn, "nobody@example.org").await);
    users::set_password_hash(&mut conn, "u-bob", "$argon2id$new")
        .await
        .unwrap();
    assert_eq!(
        users::get_user(&mut conn, "u-bob")
            .await
            .unwrap()
            .password_hash
            .as_deref(),
        Some("$argon2id$new")
    );

    users::insert_membership(&mut conn, &membership("org-a", "u-ada", "owner", 10))
        .await
        .unwrap();
    users::insert_membership(&mut conn, &membership("org-a", "u-bob", "viewer", 20))
        .await
        .unwrap();
    users::insert_membership(&mut conn, &membership("org-b", "u-ada", "issuer", 5))
        .await
        .unwrap();
    assert_conflict(
        users::insert_membership(&mut conn, &membership("org-a", "u-ada", "viewer", 30)).await,
        "member",
    );
    let of_ada = users::memberships_of_user(&mut conn, "u-ada")
        .await
        .unwrap();
    assert_eq!(
        of_ada
            .iter()
            .map(|m| (m.org_id.as_str(), m.role.as_str()))
            .collect::<Vec<_>>(),
        [("org-b", "issuer"), ("org-a", "owner")]
    );
    assert_eq!(
        users::membership(&mut conn, "org-a", "u-bob")
            .await
            .unwrap(),
        membership("org-a", "u-bob", "viewer", 20)
    );
    assert_not_found(users::membership(&mut conn, "org-b", "u-bob").await);

    let members = users::members_of_org(&mut conn, "org-a").await.unwrap();
    assert_eq!(
        members,
        vec![
            MemberRecord {
                user_id: "u-ada".into(),
                email: "ada@example.org".into(),
                name: Some("User u-ada".into()),
                role: "owner".into(),
                created_at: 10,
            },
            MemberRecord {
                user_id: "u-bob".into(),
                email: "bob@example.org".into(),
                name: None,
                role: "viewer".into(),
                created_at: 20,
            },
        ]
    );
    assert_eq!(
        users::member(&mut conn, "org-b", "u-ada")
            .await
            .unwrap()
            .role,
        "issuer"
    );
    assert_not_found(users::member(&mut conn, "org-b", "u-bob").await);
    assert_eq!(
        users::count_with_role(&mut conn, "org-a", "owner")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        users::count_with_role(&mut conn, "org-b", "owner")
            .await
            .unwrap(),
        0
    );

    users::set_role(&mut conn, "org-a", "u-bob", "owner")
        .await
        .unwrap();
    assert_eq!(
        users::count_with_role(&mut conn, "org-a", "owner")
            .await
            .unwrap(),
        2
    );
    assert_not_found(users::set_role(&mut conn, "org-b", "u-bob", "owner").await);
    // Another organisation's membership is untouched by changes in this one.
    assert_eq!(
        users::member(&mut conn, "org-b", "u-ada")
            .await
            .unwrap()
            .role,
        "issuer"
    );

    users::delete_membership(&mut conn, "org-a", "u-ada")
        .await
        .unwrap();
    assert_not_found(users::delete_membership(&mut conn, "org-a", "u-ada").await);
    assert_not_found(users::member(&mut conn, "org-a", "u-ada").await);
    assert_eq!(
        users::member(&mut conn, "org-b", "u-ada")
            .await
            .unwrap()
            .role,
        "issuer"
    );
    // The account stays.
    assert_eq!(users::get_user(&mut conn, "u-ada").await.unwrap(), ada);
}

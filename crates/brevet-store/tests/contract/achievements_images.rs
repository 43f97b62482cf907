//! Contract: achievements (per organisation, edits, archive, listing order) and images (bytes
//! stored exactly, found by id or within an organisation).

use brevet_store::Store;
use brevet_store::achievements::{self, AchievementRecord};
use brevet_store::images::{self, ImageRecord};

use crate::harness::{BACKENDS, TestDb, assert_not_found, two_orgs};

fn achievement(id: &str, org_id: &str, at: i64) -> AchievementRecord {
    AchievementRecord {
        id: id.to_owned(),
        org_id: org_id.to_owned(),
        achievement_type: "Badge".to_owned(),
        name: format!("Achievement {id} — ünïcödé"),
        description: "Line one\nline two".to_owned(),
        criteria: "Do it.".to_owned(),
        image_id: None,
        alignments_json: r#"[{"type":["Alignment"],"targetName":"Rust","targetUrl":"https://skills.example/rust"}]"#
            .to_owned(),
        validity_days: Some(365),
        archived_at: None,
        created_at: at,
        updated_at: at,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn achievements_by_organisation() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        achievements_on(&db.store).await;
    }
}

async fn achievements_on(store: &Store) {
    two_orgs(store).await;
    let mut conn = store.read().await.unwrap();
    let first = achievement("a-1", "org-a", 100);
    let second = achievement("a-2", "org-a", 200);
    let same_time = achievement("a-3", "org-a", 200);
    let other = achievement("b-1", "org-b", 300);
    for record in [&first, &second, &same_time, &other] {
        achievements::insert(&mut conn, record).await.unwrap();
    }
    assert!(achievements::insert(&mut conn, &first).await.is_err());
    assert_eq!(
        achievements::get_in_org(&mut conn, "org-a", "a-1")
            .await
            .unwrap(),
        first
    );
    assert_not_found(achievements::get_in_org(&mut conn, "org-b", "a-1").await);
    assert_not_found(achievements::get_in_org(&mut conn, "org-a", "missing").await);

    let ids =
        |records: Vec<AchievementRecord>| records.into_iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(
        ids(achievements::list(&mut conn, "org-a", false).await.unwrap()),
        ["a-3", "a-2", "a-1"]
    );

    let mut archived = second.clone();
    archived.archived_at = Some(400);
    archived.updated_at = 400;
    archived.name = "Renamed".into();
    archived.image_id = Some("img-1".into());
    archived.validity_days = None;
    achievements::update(&mut conn, &archived).await.unwrap();
    assert_eq!(
        achievements::get_in_org(&mut conn, "org-a", "a-2")
            .await
            .unwrap(),
        archived
    );
    assert_eq!(
        ids(achievements::list(&mut conn, "org-a", false).await.unwrap()),
        ["a-3", "a-1"]
    );
    assert_eq!(
        ids(achievements::list(&mut conn, "org-a", true).await.unwrap()),
        ["a-3", "a-2", "a-1"]
    );
    assert_eq!(
        ids(achievements::list(&mut conn, "org-b", true).await.unwrap()),
        ["b-1"]
    );

    // Updating through another organisation is not found and changes nothing.
    let mut hijacked = other.clone();
    hijacked.org_id = "org-a".into();
    hijacked.name = "Hijacked".into();
    assert_not_found(achievements::update(&mut conn, &hijacked).await);
    assert_eq!(
        achievements::get_in_org(&mut conn, "org-b", "b-1")
            .await
            .unwrap(),
        other
    );
    assert_eq!(
        achievements::count_for_org(&mut conn, "org-a")
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        achievements::count_for_org(&mut conn, "org-b")
            .await
            .unwrap(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_are_stored_byte_for_byte() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        images_on(&db.store).await;
    }
}

async fn images_on(store: &Store) {
    two_orgs(store).await;
    let mut conn = store.read().await.unwrap();
    let image = ImageRecord {
        id: "img-1".into(),
        org_id: "org-a".into(),
        content_type: "image/png".into(),
        bytes: (0..=255u8).cycle().take(70_000).collect(),
        created_at: 10,
    };
    images::insert(&mut conn, &image).await.unwrap();
    assert!(images::insert(&mut conn, &image).await.is_err());
    assert_eq!(images::get(&mut conn, "img-1").await.unwrap(), image);
    assert_eq!(
        images::get_in_org(&mut conn, "org-a", "img-1")
            .await
            .unwrap(),
        image
    );
    assert_not_found(images::get_in_org(&mut conn, "org-b", "img-1").await);
    assert_not_found(images::get(&mut conn, "img-2").await);
    let empty = ImageRecord {
        id: "img-empty".into(),
        bytes: Vec::new(),
        ..image.clone()
    };
    images::insert(&mut conn, &empty).await.unwrap();
    assert_eq!(
        images::get(&mut conn, "img-empty").await.unwrap().bytes,
        Vec::<u8>::new()
    );
}

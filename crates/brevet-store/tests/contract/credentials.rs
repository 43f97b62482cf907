//! Contract: issued credentials (the signed JSON stored byte for byte, conflicts on id and URI,
//! per-organisation reads, list filters and keyset paging, supersession).

use brevet_store::Store;
use brevet_store::credentials::{self, CredentialFilter, CredentialRecord};

use crate::harness::{BACKENDS, TestDb, assert_conflict, assert_not_found, two_orgs};

/// Signed JSON as a signer might emit it: key order that is not sorted, non-ASCII text,
/// escapes, and a number form that a re-serialisation would change.
const SIGNED_JSON: &str = "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"type\":[\"VerifiableCredential\"],\
\"name\":\"Zoë — 学位 🎓 \\u2028 \\\"quoted\\\" \u{202E}rtl\",\"credentialSubject\":{\"z\":1.0,\"a\":1e2,\"m\":\"\\u00e9\"},\
\"proof\":{\"type\":\"DataIntegrityProof\",\"proofValue\":\"z58DAdFfa9SkqZMVPxAQpic7ndSayn1PzZs6ZjWp1CktyGesjuTSwRdoWhAfGFCF5bppETSTojQCrfFPP2oumHKtz\"}}";

fn credential(
    id: &str,
    org_id: &str,
    issued_at: i64,
    name: &str,
    achievement: &str,
) -> CredentialRecord {
    CredentialRecord {
        id: id.to_owned(),
        org_id: org_id.to_owned(),
        achievement_id: Some(format!("ach-{achievement}")),
        credential_uri: format!("https://brevet.example/c/{id}"),
        achievement_name: format!("{achievement} Badge"),
        recipient_name: Some(name.to_owned()),
        recipient_email: Some(format!(
            "{}@example.org",
            name.to_lowercase().replace(' ', ".")
        )),
        recipient_did: None,
        json: SIGNED_JSON.to_owned(),
        issued_at,
        valid_from: Some(issued_at),
        valid_until: None,
        supersedes: None,
        superseded_by: None,
        source: "award".to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_are_stored_byte_for_byte_and_read_per_organisation() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        stored_on(&db.store).await;
    }
}

async fn stored_on(store: &Store) {
    two_orgs(store).await;
    let mut tx = store.begin().await.unwrap();
    let record = credential("c-1", "org-a", 100, "Ada Lovelace", "Rust");
    credentials::insert(&mut tx, &record).await.unwrap();
    tx.commit().await.unwrap();
    let mut conn = store.read().await.unwrap();
    let read = credentials::get(&mut conn, "c-1").await.unwrap();
    assert_eq!(read, record);
    assert_eq!(
        read.json.as_bytes(),
        SIGNED_JSON.as_bytes(),
        "the signed JSON changed in storage"
    );
    assert_eq!(
        credentials::get_in_org(&mut conn, "org-a", "c-1")
            .await
            .unwrap()
            .json,
        SIGNED_JSON
    );
    assert_eq!(
        credentials::get_by_uri_in_org(&mut conn, "org-a", "https://brevet.example/c/c-1")
            .await
            .unwrap()
            .id,
        "c-1"
    );
    assert_not_found(credentials::get(&mut conn, "c-9").await);
    assert_not_found(credentials::get_in_org(&mut conn, "org-b", "c-1").await);
    assert_not_found(
        credentials::get_by_uri_in_org(&mut conn, "org-b", "https://brevet.example/c/c-1").await,
    );

    // The same public id, or the same credential URI, is a conflict.
    assert_conflict(credentials::insert(&mut conn, &record).await, "credential");
    let mut same_uri = credential("c-2", "org-b", 100, "Eve", "Rust");
    same_uri.credential_uri = record.credential_uri.clone();
    assert_conflict(
        credentials::insert(&mut conn, &same_uri).await,
        "credential",
    );
    assert_not_found(credentials::get(&mut conn, "c-2").await);

    let mut replacement = credential("c-3", "org-a", 200, "Ada Lovelace", "Rust");
    replacement.supersedes = Some("c-1".into());
    replacement.recipient_did = Some("did:example:ada".into());
    replacement.valid_until = Some(10_000);
    replacement.source = "vc-api".into();
    credentials::insert(&mut conn, &replacement).await.unwrap();
    credentials::mark_superseded(&mut conn, "c-1", "c-3")
        .await
        .unwrap();
    assert_eq!(
        credentials::get(&mut conn, "c-1")
            .await
            .unwrap()
            .superseded_by
            .as_deref(),
        Some("c-3")
    );
    assert_eq!(
        credentials::get(&mut conn, "c-3").await.unwrap(),
        replacement
    );
    assert_eq!(
        credentials::count_for_org(&mut conn, "org-a")
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        credentials::count_for_org(&mut conn, "org-b")
            .await
            .unwrap(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credential_lists_filter_and_page_by_keyset() {
    for backend in BACKENDS {
        let Some(db) = TestDb::open(backend).await else {
            continue;
        };
        listing_on(&db.store).await;
    }
}

fn ids(records: &[CredentialRecord]) -> Vec<&str> {
    records.iter().map(|r| r.id.as_str()).collect()
}

async fn listing_on(store: &Store) {
    two_orgs(store).await;
    let mut conn = store.read().await.unwrap();
    // Three share issued_at 300 (ties are ordered by id, descending).
    let rows = [
        ("c-01", 100, "Ada Lovelace", "Rust"),
        ("c-02", 200, "Grace Hopper", "Gardening"),
        ("c-03", 300, "Alan Turing", "Rust"),
        ("c-04", 300, "Barbara Liskov", "Rust"),
        ("c-05", 300, "Edsger Dijkstra", "Gardening"),
        ("c-06", 400, "Frances ALLEN", "Rust"),
    ];
    for (id, at, name, achievement) in rows {
        credentials::insert(&mut conn, &credential(id, "org-a", at, name, achievement))
            .await
            .unwrap();
    }
    credentials::insert(
        &mut conn,
        &credential("c-b", "org-b", 500, "Ada Lovelace", "Rust"),
    )
    .await
    .unwrap();
    let mut no_name = credential("c-07", "org-a", 50, "x", "Rust");
    no_name.recipient_name = None;
    no_name.recipient_email = None;
    no_name.recipient_did = Some("did:example:nameless".into());
    credentials::insert(&mut conn, &no_name).await.unwrap();

    let filter = |search: Option<&str>,
                  achievement: Option<&str>,
                  before: Option<(i64, &str)>,
                  limit: i64| CredentialFilter {
        search: search.map(str::to_owned),
        achievement_id: achievement.map(str::to_owned),
        before: before.map(|(at, id)| (at, id.to_owned())),
        limit,
    };
    let all = credentials::list(&mut conn, "org-a", &filter(None, None, None, 100))
        .await
        .unwrap();
    assert_eq!(
        ids(&all),
        ["c-06", "c-05", "c-04", "c-03", "c-02", "c-01", "c-07"]
    );

    // Keyset paging through the ties: each page starts strictly after the last one seen.
    let mut seen = Vec::new();
    let mut before: Option<(i64, String)> = None;
    loop {
        let page_filter = CredentialFilter {
            search: None,
            achievement_id: None,
            before: before.clone(),
            limit: 2,
        };
        let page = credentials::list(&mut conn, "org-a", &page_filter)
            .await
            .unwrap();
        assert!(page.len() <= 2);
        let Some(last) = page.last() else { break };
        before = Some((last.issued_at, last.id.clone()));
        seen.extend(page.iter().map(|r| r.id.clone()));
    }
    assert_eq!(seen, ids(&all));
    let after_tie = credentials::list(
        &mut conn,
        "org-a",
        &filter(None, None, Some((300, "c-04")), 10),
    )
    .await
    .unwrap();
    assert_eq!(ids(&after_tie), ["c-03", "c-02", "c-01", "c-07"]);

    // Search: recipient name or email, achievement name, case-insensitively; org-scoped.
    let search = |text: &'static str| filter(Some(text), None, None, 100);
    assert_eq!(
        ids(&credentials::list(&mut conn, "org-a", &search("ada"))
            .await
            .unwrap()),
        ["c-01"]
    );
    assert_eq!(
        ids(&credentials::list(&mut conn, "org-a", &search("allen"))
            .await
            .unwrap()),
        ["c-06"]
    );
    assert_eq!(
        ids(
            &credentials::list(&mut conn, "org-a", &search("grace.hopper@example"))
                .await
                .unwrap()
        ),
        ["c-02"]
    );
    assert_eq!(
        ids(&credentials::list(&mut conn, "org-a", &search("GARDEN"))
            .await
            .unwrap()),
        ["c-05", "c-02"]
    );
    assert!(
        credentials::list(&mut conn, "org-a", &search("nobody"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        ids(&credentials::list(&mut conn, "org-b", &search("ada"))
            .await
            .unwrap()),
        ["c-b"]
    );
    let rust = credentials::list(
        &mut conn,
        "org-a",
        &filter(None, Some("ach-Rust"), None, 100),
    )
    .await
    .unwrap();
    assert_eq!(ids(&rust), ["c-06", "c-04", "c-03", "c-01", "c-07"]);
    let rust_a = credentials::list(
        &mut conn,
        "org-a",
        &filter(Some("a"), Some("ach-Rust"), Some((300, "c-04")), 1),
    )
    .await
    .unwrap();
    assert_eq!(ids(&rust_a), ["c-03"]);

    // The limit is clamped to 1..=500.
    assert_eq!(
        credentials::list(&mut conn, "org-a", &filter(None, None, None, 0))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        credentials::list(&mut conn, "org-a", &filter(None, None, None, -5))
            .await
            .unwrap()
            .len(),
        1
    );
}

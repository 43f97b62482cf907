//! A store per test: SQLite in a temporary directory, or PostgreSQL in a database created for
//! the test and dropped after it; plus record builders with sensible defaults.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use brevet_store::orgs::OrgRecord;
use brevet_store::{Backend, Store, StoreError};

pub(crate) const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

/// A unique suffix for names in this process.
pub(crate) fn unique() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    // RandomState is seeded randomly per process: with the process id and a counter, names
    // do not collide across test processes or runs.
    let random = RandomState::new().build_hasher().finish();
    format!(
        "{}_{random:016x}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

fn postgres_url() -> String {
    std::env::var("BREVET_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A migrated store that cleans up after itself.
pub(crate) struct TestDb {
    pub(crate) store: Store,
    dir: Option<PathBuf>,
    pg_database: Option<String>,
}

impl TestDb {
    /// Opens a store on `backend`, or `None` (after printing SKIPPED) when PostgreSQL does not
    /// answer and `BREVET_REQUIRE_POSTGRES` is not `1`.
    pub(crate) async fn open(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("brevet-contract-{}", unique()));
                let store = Store::open_sqlite(&dir).await.unwrap();
                Some(TestDb {
                    store,
                    dir: Some(dir),
                    pg_database: None,
                })
            }
            Backend::Postgres => match create_pg_database().await {
                Ok((url, name)) => Some(TestDb {
                    store: Store::connect(&url).await.unwrap(),
                    dir: None,
                    pg_database: Some(name),
                }),
                Err(reason) => {
                    if std::env::var("BREVET_REQUIRE_POSTGRES").is_ok_and(|value| value == "1") {
                        panic!("PostgreSQL is required (BREVET_REQUIRE_POSTGRES=1) but: {reason}");
                    }
                    eprintln!("SKIPPED PostgreSQL store contract: {reason}");
                    None
                }
            },
        }
    }
}

async fn create_pg_database() -> Result<(String, String), String> {
    use sqlx::Connection;
    let admin = postgres_url();
    let mut conn = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        sqlx::PgConnection::connect(&admin),
    )
    .await
    .map_err(|_| {
        format!(
            "no answer from {} within 5 s",
            brevet_store::redact_url(&admin)
        )
    })?
    .map_err(|error| {
        format!(
            "cannot connect to {}: {error}",
            brevet_store::redact_url(&admin)
        )
    })?;
    let name = format!("brevet_contract_{}", unique());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .map_err(|error| format!("cannot create a test database: {error}"))?;
    let url = match admin.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => return Err("bad BREVET_TEST_POSTGRES_URL".to_owned()),
    };
    Ok((url, name))
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some(name) = self.pg_database.take() {
            let admin = postgres_url();
            let dropper = std::thread::spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                runtime.block_on(async {
                    use sqlx::Connection;
                    if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .execute(&mut conn)
                        .await;
                    }
                });
            });
            let _ = dropper.join();
        }
    }
}

/// An organisation with defaults.
pub(crate) fn org(id: &str, slug: &str) -> OrgRecord {
    OrgRecord {
        id: id.to_owned(),
        slug: slug.to_owned(),
        name: format!("Org {slug}"),
        url: None,
        email: None,
        description: None,
        logo_image_id: None,
        linkedin_org_id: None,
        created_at: 1_700_000_000,
        did_method: brevet_store::orgs::DID_METHOD_WEB.to_owned(),
        did_key_multibase: None,
    }
}

/// Inserts organisations `a` and `b` (ids `org-a`, `org-b`) in a committed transaction.
pub(crate) async fn two_orgs(store: &Store) {
    let mut tx = store.begin().await.unwrap();
    brevet_store::orgs::insert(&mut tx, &org("org-a", "org-a"))
        .await
        .unwrap();
    brevet_store::orgs::insert(&mut tx, &org("org-b", "org-b"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Asserts that a result is `StoreError::NotFound`.
#[track_caller]
pub(crate) fn assert_not_found<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    match result {
        Err(StoreError::NotFound) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
}

/// Asserts that a result is `StoreError::Conflict` naming `what`.
#[track_caller]
pub(crate) fn assert_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>, what: &str) {
    match result {
        Err(StoreError::Conflict(message)) => {
            assert!(
                message.contains(what),
                "{message:?} does not mention {what:?}"
            )
        }
        other => panic!("expected a conflict on {what}, got {other:?}"),
    }
}

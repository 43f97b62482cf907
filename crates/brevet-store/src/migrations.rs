//! The schema migrations, embedded in the binary: one list, one SQL file per backend and version.
//!
//! This replaces `sqlx::migrate!()`, whose proc macro (sqlx-macros) compiles sqlx's drivers and
//! the bundled SQLite a second time for the host during a clean build. Versions, descriptions
//! and checksums are made exactly as `migrate!()` makes them (version and description from the
//! file name, `_` read as a space; the SHA-384 checksum of the text), so databases migrated by
//! earlier builds carry on. A test checks the list against the folders, so a migration file
//! that is not listed here fails the tests.

use std::borrow::Cow;

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::Backend;

/// One migration: its file name (the same in both folders) and its SQL for each backend.
struct MigrationFile {
    file_name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// Lists `migrations/{sqlite,postgres}/$name` files, in version order.
macro_rules! migration_files {
    ($($name:literal),* $(,)?) => {
        &[$(MigrationFile {
            file_name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $name)),
            postgres: include_str!(concat!("../migrations/postgres/", $name)),
        }),*]
    };
}

const MIGRATION_FILES: &[MigrationFile] = migration_files![
    "0001_init.sql",
    "0003_sessions_org.sql",
    "0004_wallet.sql",
    "0006_certificate_design.sql",
    "0008_oid4vci.sql",
    "0009_org_did_method.sql",
];

/// The migrator for `backend`.
pub(crate) fn migrator(backend: Backend) -> Migrator {
    Migrator::with_migrations(
        MIGRATION_FILES
            .iter()
            .map(|file| {
                let sql = match backend {
                    Backend::Sqlite => file.sqlite,
                    Backend::Postgres => file.postgres,
                };
                migration(file.file_name, sql)
            })
            .collect(),
    )
}

/// A migration as `migrate!()` would make it from `file_name` (`NNNN_words.sql`) and `sql`.
fn migration(file_name: &'static str, sql: &'static str) -> Migration {
    let stem = file_name.strip_suffix(".sql").unwrap_or(file_name);
    let (version, words) = stem.split_once('_').unwrap_or((stem, ""));
    // The list is fixed at compile time and checked by a test; a bad name is a build mistake.
    let version = version.parse().unwrap_or(i64::MAX);
    Migration::new(
        version,
        Cow::Owned(words.replace('_', " ")),
        MigrationType::Simple,
        sql.into_sql_str(),
        sql.starts_with("-- no-transaction"),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The embedded list is what sqlx reads from the folders at run time: same versions,
    /// descriptions, checksums and SQL, and no file left out.
    #[tokio::test]
    async fn embedded_migrations_match_the_folders() {
        for (backend, folder) in [(Backend::Sqlite, "sqlite"), (Backend::Postgres, "postgres")] {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(folder);
            let from_folder = Migrator::new(dir.as_path()).await.expect("folder resolves");
            let embedded = migrator(backend);
            let describe = |migrator: &Migrator| {
                migrator
                    .iter()
                    .map(|m| {
                        (
                            m.version,
                            m.description.to_string(),
                            m.migration_type,
                            m.checksum.to_vec(),
                            m.sql.as_str().to_owned(),
                            m.no_tx,
                        )
                    })
                    .collect::<Vec<_>>()
            };
            assert_eq!(describe(&embedded), describe(&from_folder), "{folder}");
            assert!(!embedded.iter().any(|m| m.version == i64::MAX));
        }
    }

    /// A database migrated before organisations had a DID method, with an organisation in it,
    /// keeps that organisation as did:web once migrated to the newest schema.
    #[tokio::test]
    async fn organisations_of_an_older_database_stay_did_web() {
        use sqlx::{Connection, Executor};
        sqlx::any::install_default_drivers();
        let mut targets = vec![(Backend::Sqlite, "sqlite::memory:".to_owned(), None)];
        let pg_url = std::env::var("BREVET_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        let schema = format!("brevet_migration_test_{}", std::process::id());
        targets.push((Backend::Postgres, pg_url, Some(schema)));
        for (backend, url, schema) in targets {
            let mut conn = match sqlx::AnyConnection::connect(&url).await {
                Ok(conn) => conn,
                Err(error) => {
                    if std::env::var("BREVET_REQUIRE_POSTGRES").is_ok_and(|value| value == "1") {
                        panic!("PostgreSQL is required (BREVET_REQUIRE_POSTGRES=1) but: {error}");
                    }
                    eprintln!("SKIPPED {backend:?}: {error}");
                    continue;
                }
            };
            if let Some(schema) = &schema {
                // A schema of its own, so the test database's public schema is left alone.
                conn.execute(sqlx::AssertSqlSafe(format!(
                    "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; \
                     SET search_path TO {schema}"
                )))
                .await
                .expect("schema");
            }
            let all = migrator(backend);
            all.run_to(8, &mut conn).await.expect("older migrations");
            conn.execute(
                "INSERT INTO orgs (id, slug, name, created_at) VALUES ('o1', 'acme', 'Acme', 1)",
            )
            .await
            .expect("an organisation");
            all.run(&mut conn).await.expect("newest migrations");
            let row = sqlx::query("SELECT did_method FROM orgs WHERE id = 'o1'")
                .fetch_one(&mut conn)
                .await
                .expect("the organisation");
            let method: String = sqlx::Row::try_get(&row, "did_method").expect("did_method");
            assert_eq!(method, "web", "{backend:?}");
            if let Some(schema) = &schema {
                conn.execute(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                    .await
                    .expect("drop schema");
            }
        }
    }
}

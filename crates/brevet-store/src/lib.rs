//! Brevet's persistence: one [`Store`] over an embedded SQLite file (the default) or a shared
//! PostgreSQL database, with per-backend migrations and portable SQL (`$N` placeholders, TEXT,
//! BIGINT, BLOB/BYTEA). It knows no business rules: the use cases in `brevet-app` decide what to
//! write and own the transaction boundaries.
//!
//! Every query function takes `&mut AnyConnection`, so it runs the same inside a transaction
//! (`store.begin()`) or on a pooled connection (`store.read()`).

#[macro_use]
mod row;
mod migrations;

pub mod achievements;
pub mod api_keys;
pub mod audit;
pub mod backup;
pub mod certificate_designs;
pub mod credentials;
pub mod earners;
pub mod error;
pub mod idempotency;
pub mod images;
pub mod keys;
pub mod oid4vci;
pub mod orgs;
pub mod status;
pub mod users;
pub mod wallet;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Executor, Transaction};

pub use error::StoreError;
pub use sqlx::AnyConnection;

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The database: a pool for reads and one for writes. On SQLite the write pool holds a single
/// connection, so writers queue in the process instead of failing with `SQLITE_BUSY`; on
/// PostgreSQL both are the same pool.
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
    read: AnyPool,
    write: AnyPool,
}

/// The name of the SQLite file inside the data directory.
pub const SQLITE_FILE: &str = "brevet.sqlite3";

impl Store {
    /// Opens (creating and migrating when needed) the SQLite database in `data_dir`.
    pub async fn open_sqlite(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|error| {
            StoreError::Config(format!("cannot create {}: {error}", data_dir.display()))
        })?;
        let path = data_dir.join(SQLITE_FILE);
        let url = format!("sqlite://{}?mode=rwc", path.display());
        Store::connect(&url).await
    }

    /// Connects to `url` (`sqlite://…` or `postgres://…`) and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Config(format!(
                "unsupported database URL (expected sqlite:// or postgres://): {}",
                redact_url(url)
            )));
        };
        let options = AnyConnectOptions::from_str(url)
            .map_err(|error| StoreError::Config(format!("bad database URL: {error}")))?;
        let store = match backend {
            Backend::Sqlite => {
                let read = sqlite_pool(8).connect_with(options.clone()).await?;
                let write = sqlite_pool(1).connect_with(options).await?;
                Store {
                    backend,
                    read,
                    write,
                }
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                Store {
                    backend,
                    read: pool.clone(),
                    write: pool,
                }
            }
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        migrations::migrator(self.backend).run(&self.write).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A pooled connection for reads (and single-statement writes that need no transaction).
    pub async fn read(&self) -> Result<PoolConnection<Any>, StoreError> {
        Ok(self.read.acquire().await?)
    }

    /// Starts a write transaction. On SQLite it holds the single writer connection until commit
    /// or drop, so keep it short and never start a second one from inside it.
    pub async fn begin(&self) -> Result<Transaction<'static, Any>, StoreError> {
        Ok(self.write.begin().await?)
    }

    /// Closes both pools (graceful shutdown).
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

fn sqlite_pool(connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                )
                .await?;
                Ok(())
            })
        })
}

/// A database URL with any password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}://{user}:***@{}", &url[..scheme_end], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// `true` when a database error is a unique-constraint violation on either backend.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db
                    .code()
                    .is_some_and(|code| code == "23505" || code == "2067" || code == "1555")
        }
        _ => false,
    }
}

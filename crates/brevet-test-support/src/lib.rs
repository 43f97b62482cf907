//! Test harness for Brevet's server-side tests: [`TestServer`] runs the real router on an
//! ephemeral loopback port over a temporary SQLite database or a fresh PostgreSQL database,
//! with a [`ManualClock`] the test can move, and a small blocking HTTP client.
//!
//! PostgreSQL: `BREVET_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`);
//! each server gets its own database, dropped when the server is dropped. When PostgreSQL does
//! not answer, PostgreSQL tests are skipped with a message, unless `BREVET_REQUIRE_POSTGRES=1`,
//! which makes them fail (set in `.ci/run`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod browser;

use std::path::PathBuf;
use std::sync::Arc;

use brevet_app::{App, AppConfig, ManualClock, MasterKey};
use brevet_store::{Backend, Store};
use serde_json::Value;
use time::OffsetDateTime;

/// Which database a test server uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

impl Db {
    /// Both backends: every storage test runs against each.
    pub const BOTH: [Db; 2] = [Db::Sqlite, Db::Postgres];
}

/// The PostgreSQL server tests use.
pub fn postgres_url() -> String {
    std::env::var("BREVET_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

fn require_postgres() -> bool {
    std::env::var("BREVET_REQUIRE_POSTGRES").is_ok_and(|value| value == "1")
}

/// A running server for one test.
pub struct TestServer {
    pub db: Db,
    /// `http://127.0.0.1:PORT`, also the server's public base URL.
    pub base_url: String,
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub master: MasterKey,
    /// The database URL (to open a second server on the same data).
    pub database_url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    temp_dir: Option<PathBuf>,
    pg_database: Option<String>,
}

/// Options for [`TestServer::start_with`].
#[derive(Debug, Clone, Default)]
pub struct TestOptions {
    /// Let the server's outbound client reach loopback (to fetch another test server's lists).
    pub allow_private_network: bool,
}

impl TestServer {
    /// Starts a server on `db`, or returns `None` (after printing why) when `db` is PostgreSQL
    /// and no PostgreSQL answers (and it is not required).
    pub async fn start(db: Db) -> Option<TestServer> {
        TestServer::start_with(db, TestOptions::default()).await
    }

    pub async fn start_with(db: Db, options: TestOptions) -> Option<TestServer> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let (database_url, temp_dir, pg_database) = match db {
            Db::Sqlite => {
                let dir =
                    std::env::temp_dir().join(format!("brevet-test-{}", brevet_app::ids::new_id()));
                std::fs::create_dir_all(&dir).unwrap();
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.join(brevet_store::SQLITE_FILE).display()
                );
                (url, Some(dir), None)
            }
            Db::Postgres => match create_pg_database().await {
                Ok((url, name)) => (url, None, Some(name)),
                Err(reason) => {
                    if require_postgres() {
                        panic!("PostgreSQL is required (BREVET_REQUIRE_POSTGRES=1) but: {reason}");
                    }
                    eprintln!("SKIPPED PostgreSQL test: {reason}");
                    return None;
                }
            },
        };
        let store = Store::connect(&database_url).await.unwrap();
        let clock = Arc::new(ManualClock::new(
            OffsetDateTime::from_unix_timestamp(1_790_000_000).unwrap(),
        ));
        let master = MasterKey::generate();
        let mut config = AppConfig::new(&base_url);
        config.allow_private_network = options.allow_private_network;
        let app = App::new(store, config, master.clone(), clock.clone());
        let router = brevet_server::router(brevet_server::AppState::new(app.clone()));
        let (shutdown, on_shutdown) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = on_shutdown.await;
                })
                .await;
        });
        Some(TestServer {
            db,
            base_url,
            app,
            clock,
            master,
            database_url,
            shutdown: Some(shutdown),
            temp_dir,
            pg_database,
        })
    }

    pub fn backend(&self) -> Backend {
        self.app.store().backend()
    }

    /// Creates an organisation; returns what `brevet org create` prints.
    pub async fn create_org(&self, slug: &str) -> brevet_app::orgs::OrgCreated {
        self.app
            .create_org(
                &format!("Org {slug}"),
                slug,
                &format!("admin@{slug}.example"),
            )
            .await
            .unwrap()
    }

    /// A blocking HTTP client for this server (run it inside `spawn_blocking` or use
    /// [`TestServer::request`]).
    pub fn client(&self) -> Client {
        Client::new(&self.base_url)
    }

    /// Sends one request off the async runtime: `(status, headers, body)`.
    pub async fn request(&self, request: Request) -> Response {
        let client = self.client();
        tokio::task::spawn_blocking(move || client.send(&request))
            .await
            .unwrap()
    }

    /// Sends a request whose body the server may refuse before reading it all (413): the
    /// client can then see the connection closed under it before the answer, so a transport
    /// error is retried (up to five times) and the answer that comes back is returned.
    pub async fn request_refusable(&self, request: Request) -> Response {
        let mut last_error = String::new();
        for _ in 0..5 {
            let client = self.client();
            let attempt = request.clone();
            match tokio::task::spawn_blocking(move || client.try_send(&attempt))
                .await
                .unwrap()
            {
                Ok(response) => return response,
                Err(error) => last_error = error,
            }
        }
        panic!("{} {}: {last_error}", request.method, request.path)
    }
}

impl TestServer {
    /// Every row of every table (migrations bookkeeping aside), rendered as text and sorted:
    /// equal snapshots before and after a request mean that it changed nothing in the database.
    pub async fn snapshot(&self) -> Vec<String> {
        use sqlx::{Column, Row};
        let mut conn = self.app.store().read().await.unwrap();
        let tables_sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT CAST(tablename AS TEXT) FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            }
        };
        let tables: Vec<(String,)> = sqlx::query_as(tables_sql)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        let mut rows = Vec::new();
        for (table,) in tables {
            if table.starts_with("_sqlx") {
                continue;
            }
            let all = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}")))
                .fetch_all(&mut *conn)
                .await
                .unwrap();
            for row in all {
                let mut text = format!("{table}:");
                for (index, column) in row.columns().iter().enumerate() {
                    let value = if let Ok(value) = row.try_get::<Option<String>, _>(index) {
                        format!("{value:?}")
                    } else if let Ok(value) = row.try_get::<Option<i64>, _>(index) {
                        format!("{value:?}")
                    } else if let Ok(value) = row.try_get::<Option<Vec<u8>>, _>(index) {
                        format!("{value:?}")
                    } else {
                        panic!(
                            "{table}.{}: a column type the snapshot cannot read",
                            column.name()
                        )
                    };
                    text.push_str(&format!(" {}={value}", column.name()));
                }
                rows.push(text);
            }
        }
        rows.sort();
        rows
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(dir) = &self.temp_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some(name) = self.pg_database.take() {
            // Best effort: the pool may still hold connections; FORCE closes them.
            let admin = postgres_url();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(runtime) = runtime {
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
                }
            });
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
    .map_err(|_| format!("no answer from {admin} within 5 s"))?
    .map_err(|error| format!("cannot connect to {admin}: {error}"))?;
    let name = format!("brevet_test_{}", brevet_app::ids::new_id());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .map_err(|error| format!("cannot create a test database: {error}"))?;
    let url = match admin.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => return Err(format!("bad BREVET_TEST_POSTGRES_URL {admin}")),
    };
    Ok((url, name))
}

/// One HTTP request.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

impl Request {
    pub fn get(path: &str) -> Request {
        Request {
            method: "GET".into(),
            path: path.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn post_json(path: &str, body: &Value) -> Request {
        Request {
            method: "POST".into(),
            path: path.into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: Some(body.to_string().into_bytes()),
        }
    }

    pub fn method(method: &str, path: &str) -> Request {
        Request {
            method: method.into(),
            path: path.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Request {
        self.headers
            .push(("content-type".into(), content_type.into()));
        self.body = Some(body.into());
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn bearer(self, token: &str) -> Request {
        self.header("authorization", &format!("Bearer {token}"))
    }
}

/// One HTTP response.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A blocking client that never follows redirects and never treats a status as an error.
#[derive(Clone)]
pub struct Client {
    base_url: String,
    agent: ureq::Agent,
}

impl Client {
    pub fn new(base_url: &str) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build();
        Client {
            base_url: base_url.to_owned(),
            agent: ureq::Agent::new_with_config(config),
        }
    }

    pub fn send(&self, request: &Request) -> Response {
        match self.try_send(request) {
            Ok(response) => response,
            Err(error) => panic!("{} {}: {error}", request.method, request.path),
        }
    }

    /// [`Client::send`] that returns a transport error instead of panicking (a server may
    /// answer, say, 413 and close the connection while a large body is still being sent).
    pub fn try_send(&self, request: &Request) -> Result<Response, String> {
        let url = if request.path.starts_with("http") {
            request.path.clone()
        } else {
            format!("{}{}", self.base_url, request.path)
        };
        let mut builder = ureq::http::Request::builder()
            .method(request.method.as_str())
            .uri(url);
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let http_request = builder
            .body(request.body.clone().unwrap_or_default())
            .unwrap();
        let mut response = self
            .agent
            .run(http_request)
            .map_err(|error| error.to_string())?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    value.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .unwrap_or_default();
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

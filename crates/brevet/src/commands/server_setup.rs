//! Opening what the server commands share: the store (SQLite in the data directory, or
//! PostgreSQL), the master key, and the application over them.

use std::sync::Arc;

use anyhow::{Context, bail};
use brevet_app::master_key::{MASTER_KEY_FILE, MasterKey};
use brevet_app::{App, AppConfig, SystemClock};
use brevet_store::Store;

use crate::cli_server::ServerOptions;

/// The base URL: `--base-url`, else `http://` + the bind address.
pub(crate) fn base_url(options: &ServerOptions) -> String {
    options
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", options.bind))
        .trim_end_matches('/')
        .to_owned()
}

/// Opens the store and the master key and builds the application.
pub(crate) async fn open_app(options: &ServerOptions) -> anyhow::Result<App> {
    let base_url = base_url(options);
    if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
        bail!("--base-url must start with http:// or https://, got {base_url:?}");
    }
    let store = match &options.database_url {
        Some(url) if url.starts_with("sqlite:") => Store::connect(url).await,
        Some(url) => Store::connect(url).await,
        None => Store::open_sqlite(&options.data_dir).await,
    }
    .context("opening the database")?;
    let master = master_key(options, &store)?;
    let mut config = AppConfig::new(&base_url);
    config.allow_private_network = options.allow_private_network;
    Ok(App::new(store, config, master, Arc::new(SystemClock)))
}

fn master_key(options: &ServerOptions, store: &Store) -> anyhow::Result<MasterKey> {
    if let Ok(text) = std::env::var("BREVET_MASTER_KEY") {
        return MasterKey::parse(&text).context("BREVET_MASTER_KEY");
    }
    if let Some(path) = &options.master_key_file {
        return MasterKey::read_file(path).context("--master-key-file");
    }
    if store.backend() == brevet_store::Backend::Postgres {
        bail!(
            "PostgreSQL needs a master key shared by every server: set BREVET_MASTER_KEY or --master-key-file"
        );
    }
    let path = options.data_dir.join(MASTER_KEY_FILE);
    let (key, created) = MasterKey::read_or_create(&path)?;
    if created {
        eprintln!(
            "brevet: generated a master key in {} (back it up with the database: without it the issuer keys cannot be used)",
            path.display()
        );
    }
    Ok(key)
}

/// A multi-threaded async runtime for the server commands.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

//! Opening what the server commands share: the store (SQLite in the data directory, or
//! PostgreSQL), the master key, and the application over them.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use brevet_app::master_key::{MASTER_KEY_FILE, MasterKey};
use brevet_app::{App, AppConfig, SystemClock};
use brevet_core::linked_data::LinkedData;
use brevet_store::Store;

use super::config::Settings;
use crate::cli_server::ServerOptions;

/// Opens the store and the master key and builds the application.
pub(crate) async fn open_app(options: &ServerOptions) -> anyhow::Result<App> {
    open_app_with(&Settings::resolve(options)?, None).await
}

/// [`open_app`] over resolved settings.
pub(crate) async fn open_app_with(
    settings: &Settings,
    linked_data: Option<Arc<LinkedData>>,
) -> anyhow::Result<App> {
    let base_url = settings.base_url();
    if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
        bail!("--base-url must start with http:// or https://, got {base_url:?}");
    }
    let store = open_store(settings).await?;
    let master = master_key(settings, &store)?;
    let mut config = AppConfig::new(&base_url);
    config.allow_private_network = settings.allow_private_network;
    config.linked_data = linked_data;
    Ok(App::new(store, config, master, Arc::new(SystemClock)))
}

/// Opens (creating and migrating when needed) the database the settings name.
pub(crate) async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    match &settings.database_url {
        Some(url) => Store::connect(url).await,
        None => Store::open_sqlite(&settings.data_dir).await,
    }
    .context("opening the database")
}

/// Where the master key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MasterKeySource {
    /// The `BREVET_MASTER_KEY` environment variable.
    Environment,
    /// `--master-key-file` (or its environment variable or config key).
    File(PathBuf),
    /// The key generated into the SQLite data directory.
    DataDir(PathBuf),
}

impl std::fmt::Display for MasterKeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MasterKeySource::Environment => {
                f.write_str("the BREVET_MASTER_KEY environment variable")
            }
            MasterKeySource::File(path) => write!(f, "the file {}", path.display()),
            MasterKeySource::DataDir(path) => {
                write!(f, "the file {} (generated on first run)", path.display())
            }
        }
    }
}

/// The configured master key, if any, without generating one.
pub(crate) fn configured_master_key(
    settings: &Settings,
) -> anyhow::Result<Option<(MasterKey, MasterKeySource)>> {
    if let Ok(text) = std::env::var("BREVET_MASTER_KEY") {
        let key = MasterKey::parse(&text).context("BREVET_MASTER_KEY")?;
        return Ok(Some((key, MasterKeySource::Environment)));
    }
    if let Some(path) = &settings.master_key_file {
        let key = MasterKey::read_file(path).context("--master-key-file")?;
        return Ok(Some((key, MasterKeySource::File(path.clone()))));
    }
    let path = settings.data_dir.join(MASTER_KEY_FILE);
    let sqlite = settings
        .database_url
        .as_deref()
        .is_none_or(|url| url.starts_with("sqlite:"));
    if sqlite && path.exists() {
        let key = MasterKey::read_file(&path)?;
        return Ok(Some((key, MasterKeySource::DataDir(path))));
    }
    Ok(None)
}

fn master_key(settings: &Settings, store: &Store) -> anyhow::Result<MasterKey> {
    if let Some((key, _)) = configured_master_key(settings)? {
        return Ok(key);
    }
    if store.backend() == brevet_store::Backend::Postgres {
        bail!(
            "PostgreSQL needs a master key shared by every server: set BREVET_MASTER_KEY or --master-key-file"
        );
    }
    let path = settings.data_dir.join(MASTER_KEY_FILE);
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

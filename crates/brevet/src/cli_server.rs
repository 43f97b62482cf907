//! Command-line arguments of the server commands (`serve`, `org`): where the data lives, the
//! public base URL and the master key. Every option also reads an environment variable.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// Where Brevet keeps its data and how it is reached (shared by `serve`, `org`, `backup`, ...).
#[derive(Debug, Clone, Args)]
pub(crate) struct ServerOptions {
    /// Directory of the embedded SQLite database (and the generated master key).
    #[arg(long, env = "BREVET_DATA_DIR", default_value = "brevet-data")]
    pub(crate) data_dir: PathBuf,
    /// A `postgres://` URL to use PostgreSQL instead of the embedded SQLite database.
    #[arg(long, env = "BREVET_DATABASE_URL")]
    pub(crate) database_url: Option<String>,
    /// The public base URL (`https://badges.example.org` behind a TLS proxy); default
    /// `http://` + the bind address.
    #[arg(long, env = "BREVET_BASE_URL")]
    pub(crate) base_url: Option<String>,
    /// A file holding the master key (base64 of 32 bytes) that seals issuer keys. Or set
    /// BREVET_MASTER_KEY. With SQLite and neither given, one is generated into the data
    /// directory on first run; PostgreSQL requires one.
    #[arg(long, env = "BREVET_MASTER_KEY_FILE")]
    pub(crate) master_key_file: Option<PathBuf>,
    /// The address `serve` listens on (also the default base URL).
    #[arg(long, env = "BREVET_BIND", default_value = "127.0.0.1:8080")]
    pub(crate) bind: String,
    /// Let the outbound client reach loopback and private addresses (for tests only).
    #[arg(long, env = "BREVET_ALLOW_PRIVATE_NETWORK")]
    pub(crate) allow_private_network: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) options: ServerOptions,
}

#[derive(Debug, Subcommand)]
pub(crate) enum OrgCommand {
    /// Create an organisation with its did:web identity and signing key, an owner account and
    /// an API key. Prints `{"org_id", "did", "api_key", "admin_password"}`; the password and
    /// the API key are shown only this once.
    Create(OrgCreateArgs),
}

#[derive(Debug, Args)]
pub(crate) struct OrgCreateArgs {
    /// The organisation's display name.
    #[arg(long)]
    pub(crate) name: String,
    /// Its short name in URLs and its DID (`did:web:host:{slug}`): a-z, 0-9 and '-'.
    #[arg(long)]
    pub(crate) slug: String,
    /// The email of its first owner (an account is created when none exists).
    #[arg(long)]
    pub(crate) admin_email: String,
    #[command(flatten)]
    pub(crate) options: ServerOptions,
}

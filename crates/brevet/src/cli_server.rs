//! Command-line arguments of the server commands (`serve`, `org`, `backup`, `restore`,
//! `master-key`): where the data lives, the public base URL and the master key. Every option
//! also reads an environment variable and a key of the `--config` file; flags win over the
//! environment, which wins over the file, which wins over the defaults.

use std::path::PathBuf;

use clap::builder::BoolishValueParser;
use clap::{Args, Subcommand, ValueEnum};

/// Where Brevet keeps its data and how it is reached (shared by `serve`, `org`, `backup`, ...).
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct ServerOptions {
    /// A TOML file whose keys mirror these options (data_dir, database_url, base_url, bind,
    /// master_key_file, log_format, allow_private_network); relative paths in it are relative to
    /// the file. Flags and environment variables override it.
    #[arg(long, env = "BREVET_CONFIG", value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Directory of the embedded SQLite database (and the generated master key)
    /// [default: brevet-data].
    #[arg(long, env = "BREVET_DATA_DIR", value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,
    /// A `postgres://` URL to use PostgreSQL instead of the embedded SQLite database.
    #[arg(long, env = "BREVET_DATABASE_URL", value_name = "URL")]
    pub(crate) database_url: Option<String>,
    /// The public base URL (`https://badges.example.org` behind a TLS proxy); default
    /// `http://` + the bind address.
    #[arg(long, env = "BREVET_BASE_URL", value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// A file holding the master key (base64 of 32 bytes) that seals issuer keys. Or set
    /// BREVET_MASTER_KEY. With SQLite and neither given, one is generated into the data
    /// directory on first run; PostgreSQL requires one.
    #[arg(long, env = "BREVET_MASTER_KEY_FILE", value_name = "FILE")]
    pub(crate) master_key_file: Option<PathBuf>,
    /// The address `serve` listens on (also the default base URL) [default: 127.0.0.1:8080].
    #[arg(long, env = "BREVET_BIND", value_name = "ADDR:PORT")]
    pub(crate) bind: Option<String>,
    /// Let the outbound client reach loopback and private addresses (for tests only).
    #[arg(
        long,
        env = "BREVET_ALLOW_PRIVATE_NETWORK",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BoolishValueParser::new()
    )]
    pub(crate) allow_private_network: Option<bool>,
}

/// How `serve` writes its logs (to standard error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) options: ServerOptions,
    /// Log format [default: text]; what is logged is set by RUST_LOG (default `info`).
    #[arg(long, env = "BREVET_LOG_FORMAT", value_enum)]
    pub(crate) log_format: Option<LogFormat>,
    /// Send mail (invitations, password resets) through this SMTP server:
    /// `smtp://host:25`, `smtps://user:password@host:465` or `smtp://…?tls=required`.
    /// Without it, mail is written as .eml files to the `outbox` folder of the data directory.
    #[arg(long, env = "BREVET_SMTP_URL")]
    pub(crate) smtp_url: Option<String>,
    /// The From address of Brevet's mail [default: brevet@ + the base URL's host].
    #[arg(long, env = "BREVET_MAIL_FROM")]
    pub(crate) mail_from: Option<String>,
    /// Serve FILE as the JSON-LD context URL, beside the pinned ones (repeatable): a vocabulary
    /// of your own for credentials issued or verified through the API. Read once at start-up,
    /// never fetched; every server sharing a database needs the same ones.
    #[arg(long = "context", value_name = "URL=FILE")]
    pub(crate) contexts: Vec<String>,
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
    /// The DID it signs as: `web` (did:web:host:{slug}; keys can rotate) or `key` (the did:key
    /// of its only signing key, resolved by verifiers without the network; it cannot rotate).
    #[arg(long, value_name = "METHOD", default_value = "web", value_parser = ["web", "key"])]
    pub(crate) did_method: String,
    #[command(flatten)]
    pub(crate) options: ServerOptions,
}

#[derive(Debug, Args)]
pub(crate) struct BackupArgs {
    /// The backup file to write (JSON lines, owner-only permissions; replaced atomically).
    #[arg(long, value_name = "FILE")]
    pub(crate) out: PathBuf,
    #[command(flatten)]
    pub(crate) options: ServerOptions,
}

#[derive(Debug, Args)]
pub(crate) struct RestoreArgs {
    /// The backup file to restore (from `brevet backup`).
    #[arg(long, value_name = "FILE")]
    pub(crate) from: PathBuf,
    #[command(flatten)]
    pub(crate) options: ServerOptions,
}

#[derive(Debug, Subcommand)]
pub(crate) enum MasterKeyCommand {
    /// Re-seal every issuer key with a new master key (read from --new-key-file, or generated
    /// into it when the file does not exist). Then configure every server with the new key and
    /// restart them; take a new backup (older ones need the old key).
    Rotate(MasterKeyRotateArgs),
}

#[derive(Debug, Args)]
pub(crate) struct MasterKeyRotateArgs {
    /// The new master key file (base64 of 32 bytes); created with a new key if it does not exist.
    #[arg(long, value_name = "FILE")]
    pub(crate) new_key_file: PathBuf,
    #[command(flatten)]
    pub(crate) options: ServerOptions,
}

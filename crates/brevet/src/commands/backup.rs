//! `brevet backup --out FILE` and `brevet restore --from FILE`: a consistent copy of the
//! database (taken in one read transaction, so the server may keep running) as JSON lines, and
//! its restore into an empty database of either backend. The master key is never in a backup;
//! both commands say which key the backup needs and where this installation keeps it.

use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use brevet_store::backup::{self, BackupError, BackupSummary};

use super::config::Settings;
use super::server_setup::{configured_master_key, open_store, runtime};
use super::{Failure, Status, WithStatus};
use crate::cli_server::{BackupArgs, RestoreArgs};

pub(crate) fn backup(args: &BackupArgs) -> Result<ExitCode, Failure> {
    let settings = Settings::resolve(&args.options).or_exit(Status::Unreadable)?;
    let runtime = runtime().or_exit(Status::Unreadable)?;
    let summary = runtime
        .block_on(write_backup(&settings, &args.out))
        .or_exit(Status::Unreadable)?;
    println!(
        "Backed up {} rows of {} tables (schema version {}, {}) to {}",
        summary.rows(),
        summary.tables.len(),
        summary.header.schema_version,
        summary.header.backend,
        args.out.display()
    );
    print_master_key_advice(&settings, &summary.header.master_key_ids);
    Ok(ExitCode::SUCCESS)
}

async fn write_backup(settings: &Settings, out: &Path) -> anyhow::Result<BackupSummary> {
    let store = open_store(settings).await?;
    let partial = partial_path(out);
    let file =
        create_private(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    let mut writer = BufWriter::new(file);
    let created_at = brevet_app::Clock::now(&brevet_app::SystemClock).unix_timestamp();
    let result = backup::export(&store, created_at, &mut writer).await;
    store.close().await;
    let summary = match result {
        Ok(summary) => summary,
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            return Err(error).context("backing up");
        }
    };
    let file = writer
        .into_inner()
        .map_err(|error| error.into_error())
        .context("writing the backup")?;
    file.sync_all().context("writing the backup")?;
    std::fs::rename(&partial, out)
        .with_context(|| format!("cannot move the backup to {}", out.display()))?;
    Ok(summary)
}

pub(crate) fn restore(args: &RestoreArgs) -> Result<ExitCode, Failure> {
    let settings = Settings::resolve(&args.options).or_exit(Status::Unreadable)?;
    let file = std::fs::File::open(&args.from)
        .with_context(|| format!("cannot open {}", args.from.display()))
        .or_exit(Status::Unreadable)?;
    let runtime = runtime().or_exit(Status::Unreadable)?;
    let summary = runtime.block_on(async {
        let store = open_store(&settings).await.or_exit(Status::Unreadable)?;
        let result = backup::restore(&store, &mut BufReader::new(file)).await;
        store.close().await;
        result.map_err(|error| {
            let status = match error {
                BackupError::NotEmpty { .. } | BackupError::SchemaMismatch { .. } => {
                    Status::Invalid
                }
                _ => Status::Unreadable,
            };
            Failure {
                status,
                error: anyhow::Error::new(error).context("restoring"),
            }
        })
    })?;
    println!(
        "Restored {} rows of {} tables from {} (a {} backup)",
        summary.rows(),
        summary.tables.len(),
        args.from.display(),
        summary.header.backend
    );
    print_master_key_advice(&settings, &summary.header.master_key_ids);
    Ok(ExitCode::SUCCESS)
}

/// Tells which master key the backed-up issuer keys need and where this installation keeps
/// its own.
fn print_master_key_advice(settings: &Settings, needed: &[String]) {
    if needed.is_empty() {
        println!("No issuer keys in it: no master key is needed to use it.");
        return;
    }
    println!(
        "Keep with it the master key (id {}): the issuer keys in it are sealed with it, and the backup does not hold it.",
        needed.join(", ")
    );
    match configured_master_key(settings) {
        Ok(Some((key, source))) if needed.iter().any(|id| id == key.id()) => {
            println!(
                "This installation's master key (id {}) is {source}.",
                key.id()
            );
        }
        Ok(Some((key, source))) => println!(
            "Warning: this installation's master key ({source}) has id {}, not {}: start the server with the backup's master key (BREVET_MASTER_KEY or --master-key-file).",
            key.id(),
            needed.join(", ")
        ),
        Ok(None) => println!(
            "No master key is configured here: give the server the backup's key with BREVET_MASTER_KEY or --master-key-file."
        ),
        Err(error) => println!("Warning: the configured master key cannot be read: {error:#}"),
    }
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

/// Creates (or truncates) a file readable only by its owner.
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

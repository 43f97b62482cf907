//! `brevet master-key rotate --new-key-file FILE`: re-seal every issuer key with a new master
//! key in one transaction. When the current key is the one generated into the SQLite data
//! directory, that file is replaced with the new key; otherwise the command says what to change.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use brevet_app::master_key::MasterKey;

use super::config::Settings;
use super::server_setup::{MasterKeySource, configured_master_key, open_app_with, runtime};
use super::{Failure, Status, WithStatus};
use crate::cli_server::MasterKeyRotateArgs;

pub(crate) fn rotate(args: &MasterKeyRotateArgs) -> Result<ExitCode, Failure> {
    let settings = Settings::resolve(&args.options).or_exit(Status::Unreadable)?;
    let (new_key, created) = MasterKey::read_or_create(&args.new_key_file)
        .with_context(|| format!("the new master key {}", args.new_key_file.display()))
        .or_exit(Status::Unreadable)?;
    let runtime = runtime().or_exit(Status::Unreadable)?;
    let resealed = runtime
        .block_on(async {
            let app = open_app_with(&settings, None).await?;
            let result = app.rotate_master_key(&new_key).await;
            app.store().close().await;
            result.map_err(|error| anyhow::anyhow!("{error}"))
        })
        .or_exit(Status::Unreadable)?;
    if created {
        println!(
            "Generated a new master key in {}.",
            args.new_key_file.display()
        );
    }
    println!(
        "Re-sealed {resealed} issuer keys with master key {}.",
        new_key.id()
    );
    let source = configured_master_key(&settings)
        .ok()
        .flatten()
        .map(|(_, source)| source);
    match source {
        Some(MasterKeySource::DataDir(path)) => {
            replace_key_file(&path, &new_key).or_exit(Status::Unreadable)?;
            println!("Replaced {} with the new key.", path.display());
        }
        Some(MasterKeySource::Environment) => println!(
            "Now set BREVET_MASTER_KEY to the content of {} for every server and restart them.",
            args.new_key_file.display()
        ),
        Some(MasterKeySource::File(path)) => println!(
            "Now replace {} with {} (or point --master-key-file at it) for every server and restart them.",
            path.display(),
            args.new_key_file.display()
        ),
        None => println!(
            "Now start every server with --master-key-file {}.",
            args.new_key_file.display()
        ),
    }
    println!("Take a new backup: older backups need the old master key.");
    Ok(ExitCode::SUCCESS)
}

/// Writes `key` to `path` atomically (a private temporary file renamed over it).
fn replace_key_file(path: &Path, key: &MasterKey) -> anyhow::Result<()> {
    let temporary = path.with_extension("key.new");
    let _ = std::fs::remove_file(&temporary);
    brevet_app::master_key::write_private(&temporary, &format!("{}\n", key.to_text()))
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("cannot replace {}", path.display()))
}

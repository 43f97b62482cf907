//! `brevet keys generate`: a new Ed25519 key as Multikey JSON with a did:key controller.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use brevet_core::multikey::{Ed25519KeyPair, KeyFile};

use super::{Failure, Status, WithStatus};

pub(crate) fn generate(out: Option<&Path>) -> Result<ExitCode, Failure> {
    let key_file = KeyFile::from_key_pair(&Ed25519KeyPair::generate());
    let json = pretty(&key_file.to_json_with_secret());
    match out {
        None => println!("{json}"),
        Some(path) => {
            write_secret_file(path, &json).or_exit(Status::Unreadable)?;
            eprintln!(
                "wrote {} (issuer DID {})",
                path.display(),
                key_file.controller
            );
        }
    }
    Ok(Status::Success.into())
}

fn pretty(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .and_then(|value| serde_json::to_string_pretty(&value))
        .unwrap_or_else(|_| json.to_owned())
}

/// Writes a file that holds a secret: created new (never overwriting), owner-only on Unix.
pub(crate) fn write_secret_file(path: &Path, contents: &str) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {} (it must not exist yet)", path.display()))?;
    file.write_all(contents.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .with_context(|| format!("writing {}", path.display()))
}

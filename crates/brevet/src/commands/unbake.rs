//! `brevet unbake`: prints the credential a baked PNG or SVG badge carries, verbatim (JSON, a
//! JWT, or an Open Badges 2.0 assertion URL). Nothing is fetched and nothing is verified.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use brevet_core::baking::unbake;

use super::bake::read_image;
use super::{Failure, Status, WithStatus};
use crate::cli::UnbakeArgs;

pub(crate) fn run(args: &UnbakeArgs) -> Result<ExitCode, Failure> {
    let image = read_image(&args.image).or_exit(Status::Unreadable)?;
    let embedded = unbake(&image)
        .with_context(|| format!("cannot unbake {}", args.image.display()))
        .or_exit(Status::Unreadable)?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{} carries no baked credential (no Open Badges 3.0 openbadgecredential / \
                 openbadges:credential, no 2.0 openbadges / openbadges:assertion)",
                args.image.display()
            )
        })
        .or_exit(Status::Invalid)?;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(embedded.payload.as_str().as_bytes())
        .and_then(|()| stdout.flush())
        .context("writing to standard output")
        .or_exit(Status::Unreadable)?;
    Ok(Status::Success.into())
}
